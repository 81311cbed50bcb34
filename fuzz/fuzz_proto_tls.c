/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target for the TLS parser. The first input byte k picks a split
 * point and a chunk size; the rest is fed as the client side up to the
 * split and as the server side after it, in chunks (so records and
 * handshake messages get cut everywhere), then whole as each side alone.
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

static void check(const struct ps_proto_harness *h)
{
	for (size_t i = 0; i < ps_proto_harness_nevents(h); i++) {
		if (!strcmp(ps_proto_harness_event(h, i),
			    "{\"harness_error\":true}")) {
			fprintf(stderr, "fuzz_proto_tls: broken event\n");
			abort();
		}
	}
	if (ps_proto_harness_nevents(h) > 1) {
		fprintf(stderr, "fuzz_proto_tls: more than one event\n");
		abort();
	}
}

static void feed_chunks(struct ps_proto_harness *h, enum ps_dir dir,
			const uint8_t *p, size_t n, size_t chunk)
{
	size_t off, take;

	for (off = 0; off < n; off += take) {
		take = n - off < chunk ? n - off : chunk;
		(void)ps_proto_harness_feed(h, dir, p + off, take);
	}
}

static void run(const uint8_t *cli, size_t ncli, const uint8_t *srv,
		size_t nsrv, size_t chunk)
{
	struct ps_proto_harness h;

	if (ps_proto_harness_init(&h, &ps_proto_tls, 6, 443) != PS_OK)
		abort();
	feed_chunks(&h, PS_DIR_TOSERVER, cli, ncli, chunk);
	feed_chunks(&h, PS_DIR_TOCLIENT, srv, nsrv, chunk);
	ps_proto_harness_finish(&h);
	check(&h);
	ps_proto_harness_release(&h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data + 1;
	size_t n, split, chunk;

	if (size < 1)
		return 0;
	n = size - 1;
	split = n * data[0] / 255;
	chunk = data[0] & 0x0f ? (size_t)(data[0] & 0x0f) * 31 : n + 1;
	(void)ps_proto_tls.probe(p, n, PS_DIR_TOSERVER);
	(void)ps_proto_tls.probe(p + split, n - split, PS_DIR_TOCLIENT);
	run(p, split, p + split, n - split, chunk);
	run(p, n, NULL, 0, n + 1);
	run(NULL, 0, p, n, n + 1);
	return 0;
}
