/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Whole-record validation: every field through its type check, required
 * fields, then the rules of each kind that tie fields together (a filed
 * unit has a filing date, a retirement follows the go-live, an asset's
 * address fits its kind...). Insert and update run it before the store.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "core/core.h"
#include "registry/registry.h"
#include "registry/registry_int.h"

bool ps_reg_field_has_range(const struct ps_reg_kind *k, const struct ps_reg_field *f)
{
	return f->type == PS_REG_IPRANGE ||
		(strcmp(k->name, "asset") == 0 && strcmp(f->name, "address") == 0);
}

static bool is(const struct ps_reg_record *rec, const char *field, const char *v)
{
	const char *x = ps_reg_record_get(rec, field);

	return x != NULL && strcmp(x, v) == 0;
}

/* Fails when both dates are set and `later` is before `earlier` (or equal,
 * with `strict`). */
static int date_order(const struct ps_reg_record *rec, const char *earlier,
		      const char *later, bool strict, const char *what, struct ps_diag *d)
{
	struct ps_date a, b;
	int c;

	if (ps_reg_record_date(rec, earlier, &a) != PS_OK ||
	    ps_reg_record_date(rec, later, &b) != PS_OK)
		return PS_OK;
	c = ps_date_cmp(b, a);
	if (c > 0 || (c == 0 && !strict))
		return PS_OK;
	ps_diag_set(d, "field '%s': %s is %s the %s %s", later,
		    ps_reg_record_get(rec, later), c == 0 ? "the same day as" : "before",
		    what, ps_reg_record_get(rec, earlier));
	return PS_EINVAL;
}

static int unit_rules(const struct ps_reg_record *rec, struct ps_diag *d)
{
	if (is(rec, "filing_status", "filed") && ps_reg_record_get(rec, "filing_date") == NULL) {
		ps_diag_set(d, "field 'filing_date': a filed unit (filing_status filed) "
			    "needs its filing date");
		return PS_EINVAL;
	}
	if (date_order(rec, "grading_review_date", "filing_date", false,
		       "grading review date", d) != PS_OK)
		return PS_EINVAL;
	return date_order(rec, "go_live_date", "retired_date", true, "go-live date", d);
}

static int rectification_rules(const struct ps_reg_record *rec, struct ps_diag *d)
{
	bool closed = is(rec, "status", "closed");
	bool dated = ps_reg_record_get(rec, "closed_date") != NULL;

	if (closed && !dated) {
		ps_diag_set(d, "field 'closed_date': a closed item needs the date it was closed");
		return PS_EINVAL;
	}
	if (!closed && dated) {
		ps_diag_set(d, "field 'closed_date': set, but status is '%s', not closed",
			    ps_reg_record_get(rec, "status"));
		return PS_EINVAL;
	}
	return PS_OK;
}

/* host and network_device: one address; ip_range: a range; domain: a
 * domain name; application: anything. */
static int asset_rules(struct ps_reg_record *rec, struct ps_diag *d)
{
	int ia = ps_reg_field_find(rec->kind, "address");
	const char *kind = ps_reg_record_get(rec, "kind");
	char *a = rec->vals[ia];
	uint8_t lo[16], hi[16];
	char buf[PS_REG_IPRANGE_FMT_SIZE], *c;
	bool v6, ip;

	if (a == NULL || kind == NULL || strcmp(kind, "application") == 0)
		return PS_OK;
	if (strcmp(kind, "domain") == 0) {
		if (ps_reg_domain_ok(a))
			return PS_OK;
		ps_diag_set(d, "field 'address': '%.80s' is not a domain name", a);
		return PS_EINVAL;
	}
	ip = ps_reg_iprange_parse(a, lo, hi, &v6) == PS_OK;
	if (!ip || (strcmp(kind, "ip_range") != 0 && memcmp(lo, hi, 16) != 0)) {
		ps_diag_set(d, "field 'address': '%.80s' is not %s", a,
			    strcmp(kind, "ip_range") == 0 ? "an IP address range" :
			    "a single IP address");
		return PS_EINVAL;
	}
	if (ps_reg_iprange_fmt(lo, hi, v6, buf, sizeof(buf)) != PS_OK)
		return PS_EINVAL;
	c = ps_strdup(PS_MEM_REGISTRY, buf);
	if (c == NULL)
		return PS_ENOMEM;
	ps_free(rec->vals[ia]);
	rec->vals[ia] = c;
	return PS_OK;
}

static int training_rules(const struct ps_reg_record *rec, struct ps_diag *d)
{
	const char *h = ps_reg_record_get(rec, "hours");
	double v;

	if (h == NULL)
		return PS_OK;
	v = strtod(h, NULL);
	if (v <= 0) {
		ps_diag_set(d, "field 'hours': %s hours is not a training", h);
		return PS_EINVAL;
	}
	if (v > 24) {
		ps_diag_set(d, "field 'hours': %s hours is more than a day (24) in one record", h);
		return PS_EINVAL;
	}
	return PS_OK;
}

/* Optional text fields that must hold JSON (an object with `object`). */
static int json_rule(const struct ps_reg_record *rec, const char *field, bool object,
		     struct ps_diag *d)
{
	const char *v = ps_reg_record_get(rec, field);
	json_error_t je;
	json_t *j;
	bool ok;

	if (v == NULL)
		return PS_OK;
	j = json_loads(v, JSON_REJECT_DUPLICATES, &je);
	ok = j != NULL && (!object || json_is_object(j));
	json_decref(j);
	if (ok)
		return PS_OK;
	ps_diag_set(d, "field '%s': not a JSON %s%s%s", field, object ? "object" : "document",
		    j == NULL ? ": " : "", j == NULL ? je.text : "");
	return PS_EINVAL;
}

static int assessment_rules(const struct ps_reg_record *rec, struct ps_diag *d)
{
	const char *s = ps_reg_record_get(rec, "score");
	const char *m = ps_reg_record_get(rec, "max_score");
	if (s == NULL || m == NULL)
		return PS_OK;
	if (strtod(s, NULL) > strtod(m, NULL)) {
		ps_diag_set(d, "field 'score': %s is more than the max_score %s", s, m);
		return PS_EINVAL;
	}
	return PS_OK;
}

int ps_reg_rules_check(const struct ps_registry *r, struct ps_reg_record *rec,
		       struct ps_diag *d)
{
	const char *k = rec->kind->name;

	(void)r;
	if (strcmp(k, "unit") == 0)
		return unit_rules(rec, d);
	if (strcmp(k, "unit_change") == 0)
		return date_order(rec, "change_date", "filed_date", false, "change date", d);
	if (strcmp(k, "iie") == 0)
		return date_order(rec, "grading_date", "filing_date", false, "grading date", d);
	if (strcmp(k, "rectification") == 0)
		return rectification_rules(rec, d);
	if (strcmp(k, "asset") == 0)
		return asset_rules(rec, d);
	if (strcmp(k, "training") == 0)
		return training_rules(rec, d);
	if (strcmp(k, "assessment") == 0)
		return assessment_rules(rec, d);
	if (strcmp(k, "catalog") == 0) {
		if (json_rule(rec, "filed_values", true, d) != PS_OK)
			return PS_EINVAL;
		return date_order(rec, "filed_date", "change_date", false, "filing date", d);
	}
	if (strcmp(k, "draw") == 0) {
		if (json_rule(rec, "params", false, d) != PS_OK ||
		    json_rule(rec, "population", false, d) != PS_OK)
			return PS_EINVAL;
		return json_rule(rec, "result", false, d);
	}
	return PS_OK;
}

static int check_fields(const struct ps_registry *r, struct ps_reg_record *rec,
			struct ps_diag *fd)
{
	const struct ps_reg_kind *k = rec->kind;
	int rc;

	for (size_t i = 0; i < k->n_fields; i++) {
		const struct ps_reg_field *f = &k->fields[i];
		char *v = NULL;

		rc = ps_reg_value_check(r, f, rec->vals[i], &v, fd);
		if (rc != PS_OK)
			return rc;
		ps_free(rec->vals[i]);
		rec->vals[i] = v;
		if (v == NULL && (f->flags & PS_REG_F_REQUIRED)) {
			ps_diag_set(fd, "field '%s' (%s) is required", f->name, f->zh);
			return PS_EINVAL;
		}
	}
	return PS_OK;
}

int ps_reg_validate(const struct ps_registry *r, struct ps_reg_record *rec,
		    struct ps_diag *d)
{
	struct ps_diag fd = {{0}};
	char label[200];
	int rc = PS_OK;

	if (rec->key != NULL) {
		char *t = NULL;

		rc = ps_reg_value_check(NULL, &(struct ps_reg_field){"key", "编号",
					PS_REG_TEXT, 0, NULL, NULL}, rec->key, &t, &fd);
		if (rc == PS_OK) {
			ps_free(rec->key);
			rec->key = t;
			if (t != NULL)
				rc = ps_reg_key_check(t, &fd);
		}
	}
	ps_reg_record_label(rec, label, sizeof(label));
	if (rc == PS_OK)
		rc = check_fields(r, rec, &fd);
	if (rc == PS_OK)
		rc = ps_reg_rules_check(r, rec, &fd);
	if (rc != PS_OK && rc != PS_ENOMEM)
		ps_diag_set(d, "%s: %s", label, fd.msg);
	else if (rc == PS_ENOMEM)
		ps_diag_set(d, "%s: out of memory", label);
	return rc;
}
