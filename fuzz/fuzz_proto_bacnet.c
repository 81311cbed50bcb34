/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target for the BACnet/IP parser (proto/bacnet.c). The first byte
 * is the datagram size (0: the whole input is one datagram); the rest is
 * cut into datagrams of that size, sent alternately by client and server.
 * Every event must be a closed JSON object.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "core/core.h"
#include "proto/harness.h"
#include "proto/parsers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ps_proto_harness h;
	size_t dg, k, i;
	int d = 0;

	if (size < 1)
		return 0;
	dg = data[0] ? data[0] : size;
	data++;
	size--;
	if (ps_proto_harness_init(&h, &ps_proto_bacnet, 17, 47808))
		return 0;
	while (size) {
		k = size < dg ? size : dg;
		(void)ps_proto_harness_feed(&h, (enum ps_dir)d, data, k);
		data += k;
		size -= k;
		d = !d;
	}
	ps_proto_harness_finish(&h);
	for (i = 0; i < ps_proto_harness_nevents(&h); i++) {
		const char *ev = ps_proto_harness_event(&h, i);

		if (strcmp(ev, "{\"harness_error\":true}") == 0 ||
		    ev[0] != '{' || ev[strlen(ev) - 1] != '}') {
			fprintf(stderr, "fuzz_proto_bacnet: bad event %s\n", ev);
			abort();
		}
	}
	ps_proto_harness_release(&h);
	return 0;
}
