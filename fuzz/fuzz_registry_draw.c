/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target for re-checking a recorded double-random draw: the input is
 * split at NUL bytes into the seed, params, population and result texts of
 * a draw record (as read back from the store), which ps_draw_verify parses
 * and recomputes. It must never crash, and must explain every refusal.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "registry/draw.h"
#include "core/core.h"

#define PARTS 4

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy, *part[PARTS];
	size_t n = 0, start = 0;
	struct ps_diag d;
	bool same = false;
	int rc;

	if (size > (1u << 16))
		return 0;
	copy = ps_malloc(PS_MEM_TEST, size + 1);
	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (size_t i = 0; i <= size && n < PARTS; i++) {
		if (i == size || copy[i] == '\0') {
			copy[i] = '\0';
			part[n++] = copy + start;
			start = i + 1;
		}
	}
	while (n < PARTS)
		part[n++] = copy + size;
	memset(&d, 0, sizeof(d));
	rc = ps_draw_verify(part[0], part[1], part[2], part[3], &same, &d);
	if (rc != PS_OK && rc != PS_EINVAL && rc != PS_ENOMEM && rc != PS_ECRYPTO)
		abort();
	if ((rc == PS_EINVAL || (rc == PS_OK && !same)) && d.msg[0] == '\0')
		abort();
	ps_free(copy);
	return 0;
}
