/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target for the DNS parser: the input is parsed as a UDP datagram in
 * both directions and as a TCP stream split at a fixed point, and probed.
 * Every event must be a closed JSON object (the harness checks the writer).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "core/core.h"
#include "proto/harness.h"
#include "proto/parsers.h"

#define SPLIT 7

static void check(const struct ps_proto_harness *h)
{
	for (size_t i = 0; i < ps_proto_harness_nevents(h); i++) {
		if (!strcmp(ps_proto_harness_event(h, i),
			    "{\"harness_error\":true}")) {
			fprintf(stderr, "fuzz_proto_dns: broken event\n");
			abort();
		}
	}
}

static void run_udp(const uint8_t *data, size_t size)
{
	struct ps_proto_harness h;

	if (ps_proto_harness_init(&h, &ps_proto_dns, 17, 53) != PS_OK)
		abort();
	(void)ps_proto_harness_feed(&h, PS_DIR_TOSERVER, data, size);
	(void)ps_proto_harness_feed(&h, PS_DIR_TOCLIENT, data, size);
	ps_proto_harness_finish(&h);
	check(&h);
	ps_proto_harness_release(&h);
}

static void run_tcp(const uint8_t *data, size_t size)
{
	struct ps_proto_harness h;
	size_t k = size < SPLIT ? size : SPLIT;

	if (ps_proto_harness_init(&h, &ps_proto_dns, 6, 53) != PS_OK)
		abort();
	(void)ps_proto_harness_feed(&h, PS_DIR_TOSERVER, data, k);
	(void)ps_proto_harness_feed(&h, PS_DIR_TOSERVER, data + k, size - k);
	/* the same bytes after a gap on the other side */
	ps_proto_harness_gap(&h, PS_DIR_TOCLIENT, 10);
	(void)ps_proto_harness_feed(&h, PS_DIR_TOCLIENT, data, size);
	ps_proto_harness_finish(&h);
	check(&h);
	ps_proto_harness_release(&h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum ps_probe p = ps_proto_dns.probe(data, size, PS_DIR_TOSERVER);

	if (p != PS_PROBE_NO && p != PS_PROBE_YES && p != PS_PROBE_MORE)
		abort();
	run_udp(data, size);
	run_tcp(data, size);
	return 0;
}
