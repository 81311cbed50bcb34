/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target for the HTTP/1.x parser: the first byte times 16 is where
 * the client's bytes end and the server's begin; both are fed in
 * alternating chunks (pipelining), sometimes with a gap, then finished.
 * Every event must be a closed JSON object (the harness checks).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "core/core.h"
#include "proto/harness.h"
#include "proto/parsers.h"

static void check(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz_proto_http: %s\n", what);
		abort();
	}
}

static size_t min_sz(size_t a, size_t b)
{
	return a < b ? a : b;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ps_proto_harness h;
	const uint8_t *cli, *srv;
	size_t nc, ns, ic = 0, is = 0, step, k, rounds = 0;
	bool gaps;

	if (size < 1)
		return 0;
	nc = min_sz((size_t)data[0] * 16, size - 1);
	cli = data + 1;
	srv = data + 1 + nc;
	ns = size - 1 - nc;
	step = 1 + size % 97;
	gaps = (size % 7) == 3;
	(void)ps_proto_http.probe(cli, nc, PS_DIR_TOSERVER);
	(void)ps_proto_http.probe(srv, ns, PS_DIR_TOCLIENT);
	if (ps_proto_harness_init(&h, &ps_proto_http, 6, 80) != PS_OK) {
		ps_proto_harness_release(&h);
		return 0;
	}
	while (ic < nc || is < ns) {
		k = min_sz(step, nc - ic);
		(void)ps_proto_harness_feed(&h, PS_DIR_TOSERVER, cli + ic, k);
		ic += k;
		k = min_sz(step * 3, ns - is);
		(void)ps_proto_harness_feed(&h, PS_DIR_TOCLIENT, srv + is, k);
		is += k;
		if (gaps && ++rounds == 2) {
			ps_proto_harness_gap(&h, PS_DIR_TOCLIENT, step);
			ps_proto_harness_gap(&h, PS_DIR_TOSERVER, 1);
		}
	}
	ps_proto_harness_finish(&h);
	for (size_t i = 0; i < ps_proto_harness_nevents(&h); i++)
		check(strcmp(ps_proto_harness_event(&h, i),
			     "{\"harness_error\":true}") != 0,
		      "an event is not a closed JSON object");
	ps_proto_harness_release(&h);
	return 0;
}
