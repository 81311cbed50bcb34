/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target for the registry's field validators: the first byte picks a
 * field (every type: text, numbers, dates, flags, enums, policy labels and
 * levels, keys, IP ranges, CPE 2.3, USCC, asset addresses by kind), the
 * rest is the value. An accepted value must be a fixed point (checking
 * its normal form gives it back), IP ranges must survive parse-format-
 * parse, and a whole record around the value must validate without harm.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "core/core.h"
#include "policy/policy.h"
#include "registry/registry.h"

static const char policy_yaml[] =
	"documents:\n"
	"  - {id: f, title: f, issuer: f, source: f, status: confirmed}\n"
	"values:\n"
	"  protection.level.min: {value: 1, unit: level, source: f, status: confirmed}\n"
	"  protection.level.max: {value: 5, unit: level, source: f, status: confirmed}\n"
	"  protection.level.sub_levels_enabled: {value: false, unit: flag, source: f,"
	" status: confirmed}\n"
	"tables:\n"
	"  industrial.levels:\n"
	"    source: f\n"
	"    status: confirmed\n"
	"    columns: {name: label, rank: rank}\n"
	"    rows: [{name: 一级, rank: 1}, {name: 二级, rank: 2}, {name: 三级, rank: 3}]\n";

/* kind, field: one of each type, plus fields with kind rules */
static const char *const fields[][2] = {
	{"unit", "name"},           {"operator", "log_retention_days"},
	{"catalog", "storage_gb"},  {"unit", "filing_date"},
	{"asset", "key_device"},    {"unit", "type"},
	{"iie", "level"},           {"unit", "level"},
	{"unit", "operator"},       {"ipblock", "range"},
	{"asset", "cpe"},           {"operator", "uscc"},
	{"training", "hours"},      {"catalog", "filed_values"},
};

static const char *const asset_kinds[] = {
	"host", "network_device", "application", "domain", "ip_range",
};

static struct ps_registry reg;

static void init(void)
{
	static struct ps_policy *pol;
	struct ps_diag d;

	if (pol != NULL)
		return;
	if (ps_policy_load_mem("fuzz.yaml", policy_yaml, sizeof(policy_yaml) - 1, &pol,
			       &d) != PS_OK)
		abort();
	reg.pol = pol;
	reg.today = (struct ps_date){2026, 1, 1};
}

/* An accepted value checks again to itself. */
static void fixed_point(const struct ps_reg_field *f, const char *out)
{
	struct ps_diag d;
	char *again = NULL;

	if (ps_reg_value_check(&reg, f, out, &again, &d) != PS_OK || again == NULL ||
	    strcmp(again, out) != 0)
		abort();
	ps_free(again);
}

static void iprange_roundtrip(const char *v)
{
	uint8_t lo[16], hi[16], lo2[16], hi2[16];
	char buf[PS_REG_IPRANGE_FMT_SIZE];
	bool v6, v6b;

	if (ps_reg_iprange_parse(v, lo, hi, &v6) != PS_OK)
		return;
	if (memcmp(lo, hi, 16) > 0)
		abort();
	if (ps_reg_iprange_fmt(lo, hi, v6, buf, sizeof(buf)) != PS_OK ||
	    ps_reg_iprange_parse(buf, lo2, hi2, &v6b) != PS_OK || v6 != v6b ||
	    memcmp(lo, lo2, 16) != 0 || memcmp(hi, hi2, 16) != 0)
		abort();
}

/* An asset whose address is the input, of the kind picked by `sel`. */
static void asset_record(const char *v, uint8_t sel)
{
	struct ps_reg_record *r = ps_reg_record_new(ps_reg_kind_find("asset"));
	struct ps_diag d;

	if (r == NULL)
		return;
	if (ps_reg_record_set(r, "unit", "U-1") == PS_OK &&
	    ps_reg_record_set(r, "name", "n") == PS_OK &&
	    ps_reg_record_set(r, "kind", asset_kinds[sel % PS_ARRAY_LEN(asset_kinds)]) == PS_OK &&
	    ps_reg_record_set(r, "address", v) == PS_OK &&
	    ps_reg_validate(&reg, r, &d) == PS_OK) {
		const char *a = ps_reg_record_get(r, "address");

		/* validation is idempotent on the whole record */
		char *copy = a != NULL ? ps_strdup(PS_MEM_TEST, a) : NULL;

		if (ps_reg_validate(&reg, r, &d) != PS_OK)
			abort();
		if (copy != NULL && strcmp(copy, ps_reg_record_get(r, "address")) != 0)
			abort();
		ps_free(copy);
	}
	ps_reg_record_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct ps_reg_kind *k;
	const struct ps_reg_field *f;
	struct ps_diag d;
	char *v, *out = NULL;
	uint8_t sel;

	if (size < 1 || size > 4096)
		return 0;
	init();
	sel = data[0];
	v = ps_strndup(PS_MEM_TEST, (const char *)data + 1, size - 1);
	if (v == NULL)
		return 0;
	if (sel >= 0x80) {
		asset_record(v, sel);
		ps_free(v);
		return 0;
	}
	k = ps_reg_kind_find(fields[sel % PS_ARRAY_LEN(fields)][0]);
	f = &k->fields[ps_reg_field_find(k, fields[sel % PS_ARRAY_LEN(fields)][1])];
	if (ps_reg_value_check(&reg, f, v, &out, &d) == PS_OK && out != NULL)
		fixed_point(f, out);
	if (f->type == PS_REG_IPRANGE)
		iprange_roundtrip(v);
	if (ps_reg_key_check(v, &d) == PS_OK && strlen(v) == 0)
		abort();
	ps_free(out);
	ps_free(v);
	return 0;
}
