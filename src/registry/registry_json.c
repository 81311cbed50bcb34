/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JSON builders for registry records, kind descriptors, address routes and
 * the compliance calendar. The CLI's --format json and the REST API both
 * call these, so a shape is defined once.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "core/core.h"
#include "registry/registry_json.h"

static json_t *text_or_null(const char *s)
{
	return s != NULL && s[0] != '\0' ? ps_json_text(s) : json_null();
}

/* Set o[k] = v, taking v; false when either failed. */
static bool put(json_t *o, const char *k, json_t *v)
{
	return v != NULL && json_object_set_new(o, k, v) == 0;
}

static json_t *fail(json_t *o)
{
	json_decref(o);
	return NULL;
}

json_t *ps_reg_record_to_json(const struct ps_reg_record *rec)
{
	const struct ps_reg_kind *k = rec->kind;
	json_t *o = json_object();
	bool ok = o != NULL && put(o, "key", ps_json_text(rec->key ? rec->key : ""));

	for (size_t i = 0; ok && i < k->n_fields; i++)
		ok = put(o, k->fields[i].name, rec->vals[i] != NULL ?
			 ps_json_text(rec->vals[i]) : json_null());
	return ok ? o : fail(o);
}

static const char *ftype_name(enum ps_reg_ftype t)
{
	static const char *const names[] = {
		"text", "int", "num", "date", "flag", "enum", "label", "level", "ref",
		"iprange", "cpe", "uscc",
	};

	return (size_t)t < PS_ARRAY_LEN(names) ? names[t] : "text";
}

/* ["a", "b"] from "a|b". */
static json_t *choices_json(const char *arg)
{
	json_t *a = json_array();
	const char *p = arg;

	while (a != NULL && p != NULL && *p != '\0') {
		const char *bar = strchr(p, '|');
		size_t n = bar != NULL ? (size_t)(bar - p) : strlen(p);

		if (json_array_append_new(a, json_stringn(p, n)) != 0)
			return fail(a);
		p = bar != NULL ? bar + 1 : NULL;
	}
	return a;
}

static json_t *field_json(const struct ps_reg_field *f)
{
	json_t *o = json_object();
	bool ok = o != NULL && put(o, "name", json_string(f->name)) &&
		  put(o, "zh", ps_json_text(f->zh)) &&
		  put(o, "type", json_string(ftype_name(f->type))) &&
		  put(o, "required", json_boolean(f->flags & PS_REG_F_REQUIRED)) &&
		  put(o, "list", json_boolean(f->flags & PS_REG_F_LIST)) &&
		  put(o, "choices", f->type == PS_REG_ENUM ? choices_json(f->arg) : json_null()) &&
		  put(o, "ref", f->type == PS_REG_REF ? text_or_null(f->arg) : json_null()) &&
		  put(o, "label", f->type == PS_REG_LABEL ? text_or_null(f->arg) : json_null()) &&
		  put(o, "help", text_or_null(f->help));

	return ok ? o : fail(o);
}

json_t *ps_reg_kind_to_json(const struct ps_reg_kind *k)
{
	json_t *o = json_object(), *fields = json_array();
	bool ok = o != NULL && fields != NULL;

	for (size_t i = 0; ok && i < k->n_fields; i++)
		ok = json_array_append_new(fields, field_json(&k->fields[i])) == 0;
	ok = ok && put(o, "kind", json_string(k->name)) &&
	     put(o, "plural", json_string(k->plural)) && put(o, "zh", ps_json_text(k->zh)) &&
	     put(o, "prefix", json_string(k->prefix));
	if (ok && json_object_set(o, "fields", fields) == 0) {
		json_decref(fields);
		return o;
	}
	json_decref(fields);
	return fail(o);
}

json_t *ps_reg_route_to_json(const char *ip, const struct ps_reg_route *rt)
{
	json_t *o = json_object();
	bool ok = o != NULL && put(o, "ip", ps_json_text(ip)) &&
		  put(o, "status", json_string(rt->registered ? "registered" : "unregistered")) &&
		  put(o, "asset", text_or_null(rt->asset_key)) &&
		  put(o, "asset_name", text_or_null(rt->asset_name)) &&
		  put(o, "unit", text_or_null(rt->unit_key)) &&
		  put(o, "unit_name", text_or_null(rt->unit_name)) &&
		  put(o, "level", rt->unit_level > 0 ? json_integer(rt->unit_level) : json_null()) &&
		  put(o, "operator", text_or_null(rt->operator_key)) &&
		  put(o, "operator_name", text_or_null(rt->operator_name)) &&
		  put(o, "dept", text_or_null(rt->dept_key)) &&
		  put(o, "dept_name", text_or_null(rt->dept_name)) &&
		  put(o, "person", text_or_null(rt->person_key)) &&
		  put(o, "person_name", text_or_null(rt->person_name)) &&
		  put(o, "phone", text_or_null(rt->person_phone));

	return ok ? o : fail(o);
}

/* ---- calendar ---------------------------------------------------------------------- */

bool ps_cal_select_keep(const struct ps_cal_select *s, const struct ps_cal_item *it)
{
	if (s == NULL)
		return true;
	if (s->status_set && s->open && it->status == PS_CAL_DONE)
		return false;
	if (s->status_set && !s->open && it->status != s->status)
		return false;
	return s->rule == NULL || strncmp(it->rule, s->rule, strlen(s->rule)) == 0;
}

static json_t *date_json(struct ps_date d)
{
	char s[PS_DATE_FMT_SIZE];

	if (!ps_cal_date_has(d) || ps_date_fmt(d, s, sizeof(s)) != PS_OK)
		return json_null();
	return json_string(s);
}

static const char *or_empty(const char *s)
{
	return s != NULL ? s : "";
}

static json_t *ref_json(const char *key, const char *name)
{
	json_t *o;

	if (key == NULL)
		return json_null();
	o = json_object();
	if (o != NULL && (!put(o, "key", ps_json_text(key)) ||
			  !put(o, "name", name ? ps_json_text(name) : json_null())))
		return fail(o);
	return o;
}

static json_t *policy_json(const struct ps_cal_item *it)
{
	json_t *pol = json_array();

	for (size_t i = 0; pol != NULL && i < it->n_policy; i++) {
		json_t *p = json_object();

		if (p == NULL || !put(p, "id", json_string(it->policy_id[i])) ||
		    !put(p, "source", ps_json_text(it->policy_source[i])) ||
		    json_array_append_new(pol, p) != 0)
			return fail(pol);
	}
	return pol;
}

static json_t *subject_json(const struct ps_cal_item *it)
{
	json_t *subj = json_object();

	if (subj == NULL || !put(subj, "kind", json_string(or_empty(it->subject_kind))) ||
	    !put(subj, "key", ps_json_text(or_empty(it->subject_key))) ||
	    !put(subj, "name", it->subject_name ? ps_json_text(it->subject_name) :
			       json_null()))
		return fail(subj);
	return subj;
}

json_t *ps_cal_item_to_json(const struct ps_cal_item *it)
{
	json_t *o = json_object();
	bool ok = o != NULL && put(o, "rule", json_string(it->rule)) &&
		  put(o, "title", ps_json_text(or_empty(it->title_en))) &&
		  put(o, "title_zh", ps_json_text(or_empty(it->title_zh))) &&
		  put(o, "status", json_string(ps_cal_status_name(it->status))) &&
		  put(o, "due", date_json(it->due)) && put(o, "done", date_json(it->done)) &&
		  put(o, "last", date_json(it->last)) && put(o, "late", json_boolean(it->late)) &&
		  put(o, "manual", json_boolean(it->manual)) &&
		  put(o, "subject", subject_json(it)) &&
		  put(o, "unit", it->unit_key ? ps_json_text(it->unit_key) : json_null()) &&
		  put(o, "operator", ref_json(it->operator_key, it->operator_name)) &&
		  put(o, "person", ref_json(it->person_key, it->person_name)) &&
		  put(o, "policy", policy_json(it)) &&
		  put(o, "explanation", ps_json_text(it->expl_en)) &&
		  put(o, "explanation_zh", ps_json_text(it->expl_zh));

	return ok ? o : fail(o);
}

json_t *ps_cal_result_to_json(const struct ps_cal_result *res, struct ps_date as_of,
			      const struct ps_cal_select *sel)
{
	json_t *root = json_object(), *sum = json_object(), *arr = json_array();
	size_t count[PS_CAL_STATUS__COUNT] = {0};
	bool ok = root != NULL && sum != NULL && arr != NULL;

	for (size_t i = 0; ok && i < res->n; i++) {
		if (!ps_cal_select_keep(sel, &res->items[i]))
			continue;
		count[res->items[i].status]++;
		ok = json_array_append_new(arr, ps_cal_item_to_json(&res->items[i])) == 0;
	}
	for (int s = 0; ok && s < PS_CAL_STATUS__COUNT; s++)
		ok = put(sum, ps_cal_status_name((enum ps_cal_status)s),
			 json_integer((json_int_t)count[s]));
	ok = ok && put(root, "as_of", date_json(as_of)) &&
	     json_object_set(root, "summary", sum) == 0 &&
	     json_object_set(root, "obligations", arr) == 0;
	json_decref(sum);
	json_decref(arr);
	return ok ? root : fail(root);
}
