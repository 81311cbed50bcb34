/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the intel importer fuzz targets share: a sink that checks every
 * indicator a parse emits (normalising its value again gives the same
 * type and bytes, fields are in range) and a run over one input.
 */
#ifndef PS_FUZZ_INTEL_H
#define PS_FUZZ_INTEL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "intel/intel.h"

static inline int fuzz_intel_sink(void *arg, const struct ps_ioc *ioc)
{
	static struct ps_ioc_norm n;
	static char text[PS_IOC_VALUE_MAX + 8];
	size_t len = strlen(ioc->value);
	bool cidr = ioc->type == PS_IOC_CIDR4 || ioc->type == PS_IOC_CIDR6;
	int tl = cidr ? snprintf(text, sizeof(text), "%s/%u", ioc->value, ioc->prefix)
		      : snprintf(text, sizeof(text), "%s", ioc->value);

	(void)arg;
	/* canonical text is a fixed point of the normaliser */
	if (ps_ioc_normalize(ioc->type, text, (size_t)tl, &n, NULL) != PS_OK ||
	    n.len != len || memcmp(n.value, ioc->value, len) != 0 || n.type != ioc->type ||
	    n.prefix != ioc->prefix)
		abort();
	if (ioc->severity < 1 || ioc->severity > 5 || ioc->confidence > 100 ||
	    ioc->category == PS_IOC_CAT_NONE || ioc->category >= PS_IOC_CAT__COUNT ||
	    (ioc->family != NULL && strlen(ioc->family) > PS_INTEL_FAMILY_MAX) ||
	    (ioc->tags != NULL && strlen(ioc->tags) > PS_INTEL_TAGS_MAX))
		abort();
	return PS_OK;
}

static inline void fuzz_intel_run(const struct ps_intel_import_opts *o, const char *name,
				  const uint8_t *data, size_t size)
{
	struct ps_intel_report r;
	struct ps_diag d;
	int rc = ps_intel_parse_mem(o, name, data, size, fuzz_intel_sink, NULL, &r, &d);

	if (rc != PS_OK && rc != PS_EINVAL && rc != PS_EPROTO && rc != PS_ELIMIT)
		abort();
	if (r.n_shown > PS_INTEL_BAD_SHOWN || (int64_t)r.n_shown > r.bad ||
	    r.n_skip_kinds > PS_INTEL_SKIP_KINDS)
		abort();
}

#endif
