/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The two ways the parser fuzz targets feed a parser through the harness
 * (proto/harness.h), shared so that each target only names its parser:
 * line by line for the text protocols, in fixed chunks with an optional
 * gap for the binary ones.
 */
#ifndef PS_FUZZ_PROTO_H
#define PS_FUZZ_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "proto/harness.h"
#include "proto/parsers.h"

/* Length of the next chunk of p[0..n): through the first LF, or all. */
static inline size_t fuzz_proto_line(const uint8_t *p, size_t n)
{
	const uint8_t *lf = n ? memchr(p, '\n', n) : NULL;

	return lf ? (size_t)(lf - p) + 1 : n;
}

/*
 * A text protocol over TCP to `port`: the first byte says where the rest
 * splits into client and server bytes; the two sides are fed line by
 * line, alternating (server first), the way a real session interleaves.
 */
static inline int fuzz_proto_lines(const struct ps_proto_parser *p,
				   uint16_t port, const uint8_t *data,
				   size_t size)
{
	struct ps_proto_harness h;
	const uint8_t *cl, *sv;
	size_t ncl, nsv, k;

	if (size < 1)
		return 0;
	ncl = (size - 1) * data[0] / 255;
	cl = data + 1;
	sv = cl + ncl;
	nsv = size - 1 - ncl;
	if (ps_proto_harness_init(&h, p, 6, port) != PS_OK)
		abort();
	while (ncl || nsv) {
		k = fuzz_proto_line(sv, nsv);
		if (k)
			(void)ps_proto_harness_feed(&h, PS_DIR_TOCLIENT, sv, k);
		sv += k;
		nsv -= k;
		k = fuzz_proto_line(cl, ncl);
		if (k)
			(void)ps_proto_harness_feed(&h, PS_DIR_TOSERVER, cl, k);
		cl += k;
		ncl -= k;
	}
	ps_proto_harness_finish(&h);
	ps_proto_harness_release(&h);
	return 0;
}

/* Every event must be a closed JSON object; abort() names `target`. */
static inline void fuzz_proto_check_events(const struct ps_proto_harness *h,
					   const char *target)
{
	size_t i;

	for (i = 0; i < ps_proto_harness_nevents(h); i++) {
		const char *ev = ps_proto_harness_event(h, i);

		if (strcmp(ev, "{\"harness_error\":true}") == 0 ||
		    ev[0] != '{' || ev[strlen(ev) - 1] != '}') {
			fprintf(stderr, "%s: bad event %s\n", target, ev);
			abort();
		}
	}
}

/*
 * A binary protocol to `port`. The first byte picks where the input splits
 * into the client and server streams (low nibble), the chunk size (bits
 * 4-5: 1, 8, 15 or 22 bytes), with `udp_bit` set whether the flow is UDP
 * (bit 0x40), and whether 5 bytes are lost after the first server chunk
 * (bit 0x80); the two streams are fed interleaved.
 */
static inline int fuzz_proto_chunks(const struct ps_proto_parser *p,
				    uint16_t port, bool udp_bit,
				    const char *target, const uint8_t *data,
				    size_t size)
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
	chunk = 1 + ((ctl >> 4) & 3) * 7;
	if (ps_proto_harness_init(&h, p, udp_bit && (ctl & 0x40) ? 17 : 6,
				  port))
		return 0;
	while (n[0] || n[1]) {
		size_t k = n[d] < chunk ? n[d] : chunk;

		if (k) {
			(void)ps_proto_harness_feed(&h, (enum ps_dir)d, s[d], k);
			s[d] += k;
			n[d] -= k;
		}
		if ((ctl & 0x80) && d == 1 && k && n[1] == size - split - k)
			ps_proto_harness_gap(&h, PS_DIR_TOCLIENT, 5);
		d = !d;
	}
	ps_proto_harness_finish(&h);
	fuzz_proto_check_events(&h, target);
	ps_proto_harness_release(&h);
	return 0;
}

#endif
