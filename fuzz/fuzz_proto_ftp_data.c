/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target for the FTP data-channel (ftp-data) parser. The first input byte says where the
 * rest splits into client and server bytes; the two sides are fed line by
 * line, alternating (server first), the way a real session interleaves.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "core/core.h"
#include "proto/harness.h"
#include "proto/parsers.h"

/* Length of the next chunk of p[0..n): through the first LF, or all. */
static size_t chunk(const uint8_t *p, size_t n)
{
	const uint8_t *lf = n ? memchr(p, '\n', n) : NULL;

	return lf ? (size_t)(lf - p) + 1 : n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
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
	if (ps_proto_harness_init(&h, &ps_proto_ftp_data, 6, 50000) != PS_OK)
		abort();
	while (ncl || nsv) {
		k = chunk(sv, nsv);
		if (k)
			(void)ps_proto_harness_feed(&h, PS_DIR_TOCLIENT, sv, k);
		sv += k;
		nsv -= k;
		k = chunk(cl, ncl);
		if (k)
			(void)ps_proto_harness_feed(&h, PS_DIR_TOSERVER, cl, k);
		cl += k;
		ncl -= k;
	}
	ps_proto_harness_finish(&h);
	ps_proto_harness_release(&h);
	return 0;
}
