/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Registry records: a key and one owned string per field of its kind, as
 * spreadsheets, the CLI and JSON hold them. Typed readers turn the
 * normalised text back into dates, integers and flags for the calendar,
 * the 固源 checks and the draws.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/core.h"
#include "registry/registry.h"
#include "registry/registry_int.h"

struct ps_reg_record *ps_reg_record_new(const struct ps_reg_kind *k)
{
	struct ps_reg_record *r;

	if (k == NULL)
		return NULL;
	r = ps_calloc(PS_MEM_REGISTRY, 1, sizeof(*r));
	if (r == NULL)
		return NULL;
	r->kind = k;
	r->vals = ps_calloc(PS_MEM_REGISTRY, k->n_fields ? k->n_fields : 1,
			    sizeof(*r->vals));
	if (r->vals == NULL) {
		ps_free(r);
		return NULL;
	}
	return r;
}

void ps_reg_record_free(struct ps_reg_record *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->kind->n_fields; i++)
		ps_free(r->vals[i]);
	ps_free(r->vals);
	ps_free(r->key);
	ps_free(r);
}

/* Replace *slot by a copy of v (NULL or "" clears). */
static int set_slot(char **slot, const char *v)
{
	char *c = NULL;

	if (v != NULL && v[0] != '\0') {
		c = ps_strdup(PS_MEM_REGISTRY, v);
		if (c == NULL)
			return PS_ENOMEM;
	}
	ps_free(*slot);
	*slot = c;
	return PS_OK;
}

int ps_reg_record_set(struct ps_reg_record *r, const char *field, const char *v)
{
	int i = ps_reg_field_find(r->kind, field);

	if (i == -2)
		return set_slot(&r->key, v);
	if (i < 0)
		return PS_ENOENT;
	return set_slot(&r->vals[i], v);
}

const char *ps_reg_record_get(const struct ps_reg_record *r, const char *field)
{
	int i = ps_reg_field_find(r->kind, field);

	if (i == -2)
		return r->key;
	if (i < 0)
		return NULL;
	return r->vals[i];
}

int ps_reg_record_date(const struct ps_reg_record *r, const char *field,
		       struct ps_date *out)
{
	const char *v = ps_reg_record_get(r, field);

	if (v == NULL)
		return PS_ENOENT;
	return ps_date_parse(v, strlen(v), out) == PS_OK ? PS_OK : PS_EINVAL;
}

int ps_reg_record_int(const struct ps_reg_record *r, const char *field,
		      int64_t *out)
{
	const char *v = ps_reg_record_get(r, field);
	const char *p;
	bool neg = false;
	uint64_t n = 0, lim;

	if (v == NULL)
		return PS_ENOENT;
	p = v;
	if (*p == '-') {
		neg = true;
		p++;
	}
	if (*p == '\0')
		return PS_EINVAL;
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return PS_EINVAL;
		if (n > (lim - (uint64_t)(*p - '0')) / 10)
			return PS_EINVAL;
		n = n * 10 + (uint64_t)(*p - '0');
	}
	*out = neg ? (int64_t)(0 - n) : (int64_t)n;
	return PS_OK;
}

bool ps_reg_record_flag(const struct ps_reg_record *r, const char *field)
{
	const char *v = ps_reg_record_get(r, field);

	if (v == NULL)
		return false;
	return strcmp(v, "true") == 0 || strcmp(v, "1") == 0 ||
		strcasecmp(v, "yes") == 0 || strcmp(v, "是") == 0;
}

struct ps_reg_record *ps_reg_record_dup(const struct ps_reg_record *r)
{
	struct ps_reg_record *c = ps_reg_record_new(r->kind);

	if (c == NULL)
		return NULL;
	if (set_slot(&c->key, r->key) != PS_OK)
		goto fail;
	for (size_t i = 0; i < r->kind->n_fields; i++)
		if (set_slot(&c->vals[i], r->vals[i]) != PS_OK)
			goto fail;
	c->created_us = r->created_us;
	c->updated_us = r->updated_us;
	return c;
fail:
	ps_reg_record_free(c);
	return NULL;
}

void ps_reg_record_label(const struct ps_reg_record *rec, char *out, size_t n)
{
	if (rec->key != NULL)
		snprintf(out, n, "%s '%s'", rec->kind->name, rec->key);
	else
		snprintf(out, n, "new %s", rec->kind->name);
}
