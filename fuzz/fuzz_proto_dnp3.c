/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target for the DNP3 parser (proto/dnp3.c); bit 0x40 of the first byte makes the flow UDP: client and server streams in
 * chunks, interleaved, with an optional gap (fuzz_proto_chunks). Every
 * event must be a closed JSON object.
 */
#include "fuzz.h"
#include "fuzz_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_proto_chunks(&ps_proto_dnp3, 20000, true, "fuzz_proto_dnp3",
				 data, size);
}
