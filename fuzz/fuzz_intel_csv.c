/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target for the csv importer of threat-intelligence lists: the input
 * is one file. Every indicator it yields must be canonical and in range.
 * The first byte chooses a column map: none (header or first column), by
 * number, by header name, or host and path.
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz.h"
#include "fuzz_intel.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const maps[] = {
		NULL, "value=1,type=2,family=3,severity=4,first_seen=5",
		"value=ja3_md5,family=Listingreason", "host=1,path=2,tags=3",
	};
	struct ps_intel_import_opts o;

	ps_intel_import_opts_init(&o);
	o.format = PS_INTEL_FMT_CSV;
	o.now_us = 1;
	o.map = size > 0 ? maps[data[0] % 4] : NULL;
	fuzz_intel_run(&o, "fuzz.csv", data, size);
	return 0;
}
