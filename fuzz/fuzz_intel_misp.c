/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target for the MISP importer: the input is one event document
 * ({"Event": ...} or a restSearch {"response": [...]}), as a feed's
 * <uuid>.json file holds. Every indicator it yields must be canonical and
 * in range, every bad attribute counted.
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz.h"
#include "fuzz_intel.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ps_intel_import_opts o;

	ps_intel_import_opts_init(&o);
	o.format = PS_INTEL_FMT_MISP;
	o.now_us = 1;
	fuzz_intel_run(&o, "fuzz.json", data, size);
	return 0;
}
