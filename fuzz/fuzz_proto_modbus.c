/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target for the Modbus/TCP parser (proto/modbus.c). The first byte
 * picks where the input splits into the client and server streams, the
 * chunk size and whether a gap is reported; the two streams are fed
 * interleaved. Every event must be a closed JSON object.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "core/core.h"
#include "proto/harness.h"
#include "proto/parsers.h"

static void check_events(const struct ps_proto_harness *h)
{
	size_t i;

	for (i = 0; i < ps_proto_harness_nevents(h); i++) {
		const char *ev = ps_proto_harness_event(h, i);

		if (strcmp(ev, "{\"harness_error\":true}") == 0 ||
		    ev[0] != '{' || ev[strlen(ev) - 1] != '}') {
			fprintf(stderr, "fuzz_proto_modbus: bad event %s\n", ev);
			abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ps_proto_harness h;
	const uint8_t *s[2];
	size_t n[2], chunk, split;
	uint8_t ctl;
	int d = 0;

	if (size < 1)
		return 0;
	ctl = data[0];
	data++;
	size--;
	split = size * (ctl & 0x0f) / 15;
	s[0] = data;
	n[0] = split;
	s[1] = data + split;
	n[1] = size - split;
	chunk = 1 + ((ctl >> 4) & 3) * 7;   /* 1, 8, 15 or 22 bytes */
	if (ps_proto_harness_init(&h, &ps_proto_modbus, 6, 502))
		return 0;
	while (n[0] || n[1]) {
		size_t k = n[d] < chunk ? n[d] : chunk;

		if (k) {
			(void)ps_proto_harness_feed(&h, (enum ps_dir)d, s[d], k);
			s[d] += k;
			n[d] -= k;
		}
		/* once, after the first server chunk: lose 5 bytes */
		if ((ctl & 0x80) && d == 1 && k && n[1] == size - split - k)
			ps_proto_harness_gap(&h, PS_DIR_TOCLIENT, 5);
		d = !d;
	}
	ps_proto_harness_finish(&h);
	check_events(&h);
	ps_proto_harness_release(&h);
	return 0;
}
