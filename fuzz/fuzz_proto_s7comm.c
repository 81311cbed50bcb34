/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target for the S7comm parser (proto/s7comm.c): client and server streams in
 * chunks, interleaved, with an optional gap (fuzz_proto_chunks). Every
 * event must be a closed JSON object.
 */
#include "fuzz.h"
#include "fuzz_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_proto_chunks(&ps_proto_s7comm, 102, false, "fuzz_proto_s7comm",
				 data, size);
}
