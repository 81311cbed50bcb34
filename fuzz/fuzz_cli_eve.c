/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target for the EVE JSON line reader behind `panshi event import`:
 * any bytes must give a record or an error with a message, never a crash.
 */
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "fuzz.h"
#include "cli/cli_int.h"
#include "core/core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ps_event ev;
	struct ps_diag d = {{0}};
	json_t *root = NULL;

	if (ps_cli_eve_parse((const char *)data, size, &ev, &root, &d) == PS_OK) {
		if (root == NULL || ev.event_type == NULL || ev.src_port < 0 ||
		    ev.src_port > 65535 || ev.dest_port < 0 || ev.dest_port > 65535)
			abort();
		json_decref(root);
	} else if (root != NULL || d.msg[0] == '\0') {
		abort();
	}
	return 0;
}
