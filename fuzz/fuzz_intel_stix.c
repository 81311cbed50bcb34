/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target for the STIX 2.1 importer: the input is parsed as a bundle
 * (every indicator it yields must be canonical and in range) and, on its
 * own, as one STIX pattern, whose comparisons must point inside the
 * parser's value buffer and whose failure offset must lie in the input.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "fuzz_intel.h"
#include "intel/intel_int.h"

static void fuzz_pattern(const uint8_t *data, size_t size)
{
	struct ps_stix_pattern sp;
	int rc;

	ps_stix_pattern_init(&sp);
	rc = ps_stix_pattern_parse(&sp, (const char *)data, size);
	if (rc == PS_OK) {
		for (size_t i = 0; i < ps_vec_len(&sp.cmps); i++) {
			const struct ps_stix_cmp *c = PS_VEC_AT(&sp.cmps, struct ps_stix_cmp, i);

			if (c->off + c->len >= ps_buf_len(&sp.values) ||
			    sp.values.p[c->off + c->len] != '\0' || c->len > size ||
			    c->type <= PS_IOC_NONE || c->type >= PS_IOC__COUNT)
				abort();
		}
	} else if (rc == PS_EPROTO || rc == PS_EUNSUP) {
		if (sp.at > size || ps_vec_len(&sp.cmps) != 0)
			abort();
	} else if (rc != PS_ELIMIT && rc != PS_ENOMEM) {
		abort();
	}
	ps_stix_pattern_release(&sp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ps_intel_import_opts o;

	ps_intel_import_opts_init(&o);
	o.format = PS_INTEL_FMT_STIX;
	o.now_us = 1;
	fuzz_intel_run(&o, "fuzz.json", data, size);
	fuzz_pattern(data, size);
	return 0;
}
