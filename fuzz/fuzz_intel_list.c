/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target for the list importer of threat-intelligence lists: the input
 * is one file. Every indicator it yields must be canonical and in range.
 * The first byte chooses the type hint, so forced types are fuzzed too.
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz.h"
#include "fuzz_intel.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ps_intel_import_opts o;

	ps_intel_import_opts_init(&o);
	o.format = PS_INTEL_FMT_LIST;
	o.now_us = 1;
	if (size > 0 && data[0] >= 0x80)
		o.type = (enum ps_ioc_type)(data[0] % PS_IOC__COUNT);
	fuzz_intel_run(&o, "fuzz.txt", data, size);
	return 0;
}
