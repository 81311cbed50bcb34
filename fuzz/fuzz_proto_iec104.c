/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target for the IEC 60870-5-104 parser (proto/iec104.c): client and server streams in
 * chunks, interleaved, with an optional gap (fuzz_proto_chunks). Every
 * event must be a closed JSON object.
 */
#include "fuzz.h"
#include "fuzz_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_proto_chunks(&ps_proto_iec104, 2404, false, "fuzz_proto_iec104",
				 data, size);
}
