/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target for the Modbus/TCP parser (proto/modbus.c): client and server streams in
 * chunks, interleaved, with an optional gap (fuzz_proto_chunks). Every
 * event must be a closed JSON object.
 */
#include "fuzz.h"
#include "fuzz_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_proto_chunks(&ps_proto_modbus, 502, false, "fuzz_proto_modbus",
				 data, size);
}
