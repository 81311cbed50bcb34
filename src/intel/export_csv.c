/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The CSV exporter: RFC 4180 records (CRLF, fields quoted only when they
 * hold a comma, quote, CR or LF) under the header
 * type,value,prefix,category,severity,confidence,family,tags,source,
 * first_seen,last_seen,expires,tlp, which the CSV importer maps by name.
 *
 * value is written as `panshi intel list` shows it ("10.0.0.0/8",
 * "*.example.com" for a domain that also matches its subdomains), so a
 * re-import needs no other column; prefix repeats the CIDR length for
 * spreadsheets (empty for other types). Times are RFC 3339 UTC (exact to
 * the microsecond), expires empty for never. Every field of the model is
 * written except `shareable`, which is true for everything exported.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "intel/export_int.h"
#include "intel/intel.h"

static const char header[] = "type,value,prefix,category,severity,confidence,family,tags,"
			     "source,first_seen,last_seen,expires,tlp\r\n";

static int csv_begin(struct ps_intel_export_ctx *c)
{
	return fputs(header, c->out) == EOF ? PS_EIO : PS_OK;
}

static int csv_item(struct ps_intel_export_ctx *c, const struct ps_ioc *ioc)
{
	char value[PS_EXPORT_VALUE_SIZE], prefix[8] = "", sev[8], conf[8];
	char first[PS_TIME_FMT_SIZE], last[PS_TIME_FMT_SIZE], exp[PS_TIME_FMT_SIZE] = "";
	const char *cells[13];

	ps_intel_export_value(ioc, value);
	if (ioc->type == PS_IOC_CIDR4 || ioc->type == PS_IOC_CIDR6)
		snprintf(prefix, sizeof(prefix), "%u", ioc->prefix);
	snprintf(sev, sizeof(sev), "%u", ioc->severity);
	snprintf(conf, sizeof(conf), "%u", ioc->confidence);
	ps_intel_export_time(ioc->first_seen, first);
	ps_intel_export_time(ioc->last_seen, last);
	if (ioc->expires != 0)
		ps_intel_export_time(ioc->expires, exp);
	cells[0] = ps_ioc_type_name(ioc->type);
	cells[1] = value;
	cells[2] = prefix;
	cells[3] = ps_ioc_category_name(ioc->category);
	cells[4] = sev;
	cells[5] = conf;
	cells[6] = ioc->family;
	cells[7] = ioc->tags;
	cells[8] = ioc->source;
	cells[9] = first;
	cells[10] = last;
	cells[11] = exp;
	cells[12] = ps_tlp_name(ioc->tlp);
	for (size_t i = 0; i < PS_ARRAY_LEN(cells); i++) {
		if (i > 0)
			fputc(',', c->out);
		ps_csv_write_field(c->out, cells[i]);
	}
	fputs("\r\n", c->out);
	return ferror(c->out) ? PS_EIO : PS_OK;
}

const struct ps_intel_export_ops ps_intel_export_csv_ops = {
	.begin = csv_begin,
	.item = csv_item,
};
