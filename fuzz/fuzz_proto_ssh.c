/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target for the SSH parser: the input is one side's stream (banner,
 * KEXINIT, ...), fed as the server's in one chunk and as the client's in
 * 13-byte chunks, then probed. Events must be closed JSON objects.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "core/core.h"
#include "proto/harness.h"
#include "proto/parsers.h"

#define CHUNK 13

static void run(const uint8_t *data, size_t size, enum ps_dir dir,
		size_t chunk)
{
	struct ps_proto_harness h;

	if (ps_proto_harness_init(&h, &ps_proto_ssh, 6, 22) != PS_OK)
		abort();
	/* the other side is a plain SSH 2 peer without KEXINIT yet */
	(void)ps_proto_harness_feed(&h, dir == PS_DIR_TOSERVER ? PS_DIR_TOCLIENT :
				     PS_DIR_TOSERVER, "SSH-2.0-peer\r\n", 14);
	for (size_t off = 0; off < size; off += chunk) {
		size_t n = size - off < chunk ? size - off : chunk;

		(void)ps_proto_harness_feed(&h, dir, data + off, n);
	}
	ps_proto_harness_finish(&h);
	for (size_t i = 0; i < ps_proto_harness_nevents(&h); i++) {
		if (!strcmp(ps_proto_harness_event(&h, i),
			    "{\"harness_error\":true}")) {
			fprintf(stderr, "fuzz_proto_ssh: broken event\n");
			abort();
		}
	}
	ps_proto_harness_release(&h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum ps_probe p = ps_proto_ssh.probe(data, size, PS_DIR_TOSERVER);

	if (p != PS_PROBE_NO && p != PS_PROBE_YES && p != PS_PROBE_MORE)
		abort();
	run(data, size, PS_DIR_TOCLIENT, size ? size : 1);
	run(data, size, PS_DIR_TOSERVER, CHUNK);
	return 0;
}
