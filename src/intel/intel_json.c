/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Indicator and source rows as text cells and JSON objects: the one
 * definition of how an indicator is shown, used by `panshi intel list`,
 * `show` and the REST API's intel routes.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "core/core.h"
#include "intel/intel_json.h"

const char *const ps_intel_ioc_cols[PS_INTEL_IOC_NCOLS] = {
	"id", "type", "value", "category", "severity", "confidence", "family",
	"tags", "source", "first_seen", "last_seen", "expires", "tlp", "shareable",
};

static void when(int64_t us, char out[PS_TIME_FMT_SIZE])
{
	out[0] = '\0';
	if (us > 0 && ps_time_fmt_iso8601(us, PS_TZ_SHANGHAI, PS_TIME_FMT_SEC, out,
					  PS_TIME_FMT_SIZE) != PS_OK)
		snprintf(out, PS_TIME_FMT_SIZE, "%lld", (long long)us);
}

void ps_intel_ioc_cells(const struct ps_ioc *r, struct ps_intel_ioc_cells *x)
{
	snprintf(x->id, sizeof(x->id), "%lld", (long long)r->id);
	if (r->type == PS_IOC_CIDR4 || r->type == PS_IOC_CIDR6)
		snprintf(x->value, sizeof(x->value), "%s/%u", r->value, r->prefix);
	else
		snprintf(x->value, sizeof(x->value), "%s%s",
			 r->subdomains ? "*." : "", r->value);
	snprintf(x->sev, sizeof(x->sev), "%u", r->severity);
	snprintf(x->conf, sizeof(x->conf), "%u", r->confidence);
	when(r->first_seen, x->first);
	when(r->last_seen, x->last);
	when(r->expires, x->exp);
	x->c[0] = x->id;
	x->c[1] = ps_ioc_type_name(r->type);
	x->c[2] = x->value;
	x->c[3] = ps_ioc_category_name(r->category);
	x->c[4] = x->sev;
	x->c[5] = x->conf;
	x->c[6] = r->family;
	x->c[7] = r->tags;
	x->c[8] = r->source;
	x->c[9] = x->first;
	x->c[10] = x->last;
	x->c[11] = x->exp;
	x->c[12] = ps_tlp_name(r->tlp);
	x->c[13] = r->shareable ? "yes" : "no";
}

json_t *ps_intel_ioc_to_json(const struct ps_ioc *ioc)
{
	struct ps_intel_ioc_cells *x = ps_malloc(PS_MEM_INTEL, sizeof(*x));
	json_t *obj = x != NULL ? json_object() : NULL;
	bool ok = obj != NULL;

	if (x != NULL)
		ps_intel_ioc_cells(ioc, x);
	for (size_t k = 0; ok && k < PS_INTEL_IOC_NCOLS; k++)
		ok = json_object_set_new(obj, ps_intel_ioc_cols[k],
					 ps_json_text(x->c[k] ? x->c[k] : "")) == 0;
	ps_free(x);
	if (!ok) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

static json_t *str_or_null(const char *s)
{
	return s != NULL && s[0] != '\0' ? ps_json_text(s) : json_null();
}

json_t *ps_intel_source_to_json(const struct ps_intel_source *s)
{
	char last[PS_TIME_FMT_SIZE];
	json_t *o = json_object();
	bool ok;

	when(s->last_import, last);
	ok = o != NULL && json_object_set_new(o, "name", str_or_null(s->name)) == 0 &&
	     json_object_set_new(o, "format", str_or_null(s->format)) == 0 &&
	     json_object_set_new(o, "indicators", json_integer(s->indicators)) == 0 &&
	     json_object_set_new(o, "last_import", str_or_null(last)) == 0 &&
	     json_object_set_new(o, "read", json_integer(s->last_read)) == 0 &&
	     json_object_set_new(o, "imported", json_integer(s->last_imported)) == 0 &&
	     json_object_set_new(o, "updated", json_integer(s->last_updated)) == 0 &&
	     json_object_set_new(o, "bad", json_integer(s->last_bad)) == 0 &&
	     json_object_set_new(o, "refresh_s", json_integer(s->refresh_s)) == 0 &&
	     json_object_set_new(o, "ttl_s", json_integer(s->ttl_s)) == 0 &&
	     json_object_set_new(o, "tlp", s->tlp >= 0 ?
				 json_string(ps_tlp_name((enum ps_tlp)s->tlp)) : json_null()) == 0 &&
	     json_object_set_new(o, "location", str_or_null(s->location)) == 0;
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}
