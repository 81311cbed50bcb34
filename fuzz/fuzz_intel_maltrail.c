/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target for the maltrail importer of threat-intelligence lists: the input
 * is one file. Every indicator it yields must be canonical and in range.
 * Gzip input is inflated first, so the decompression path is fuzzed too.
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz.h"
#include "fuzz_intel.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ps_intel_import_opts o;

	ps_intel_import_opts_init(&o);
	o.format = PS_INTEL_FMT_MALTRAIL;
	o.now_us = 1;
	fuzz_intel_run(&o, "fuzz.tsv", data, size);
	return 0;
}
