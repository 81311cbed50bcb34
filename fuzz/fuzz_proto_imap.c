/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target for the IMAP parser: client and server lines interleaved
 * (fuzz_proto_lines).
 */
#include "fuzz.h"
#include "fuzz_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_proto_lines(&ps_proto_imap, 143, data, size);
}
