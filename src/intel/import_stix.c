/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The STIX 2.1 importer: reads a bundle (or one bare object) with jansson
 * and turns each indicator's pattern into indicators of our model, with
 * its validity, confidence, TLP marking, labels, indicator types, the
 * malware it indicates and our x_panshi_* properties, so that what the
 * STIX exporter writes comes back unchanged. A .json file that is a MISP
 * event is handed to the MISP importer.
 *
 * Mapping (docs/INTEL.md has the table):
 *   pattern           stix_pattern.c; every supported comparison is one indicator
 *   valid_from        first_seen (created when absent)
 *   modified/created  last_seen
 *   valid_until       expires (x_panshi_expires when given)
 *   confidence        confidence (0-100)
 *   object_marking_refs  TLP 2.0 and TLP 1.0 ids, or a TLP marking in the
 *                     bundle; the most restrictive one
 *   labels            tags (STIX 2.0 objects: labels of the indicator
 *                     vocabulary are indicator types)
 *   indicator_types   category: compromised -> security_incident,
 *                     malicious-activity, attribution, unknown -> by type,
 *                     anomalous-activity, anonymization -> other;
 *                     benign alone -> skipped (an allow-list entry)
 *   indicates -> malware  family (malware name)
 *   x_panshi_category, _severity, _family, _shareable, _subdomains, _expires
 * Records that break this are counted as bad with the object id as their
 * location; objects we do not read are counted as skipped by kind.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "core/core.h"
#include "intel/intel.h"
#include "intel/intel_int.h"

const char *const ps_stix_tlp2_ids[PS_TLP__COUNT] = {
	[PS_TLP_CLEAR] = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
	[PS_TLP_GREEN] = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
	[PS_TLP_AMBER] = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
	[PS_TLP_AMBER_STRICT] = "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
	[PS_TLP_RED] = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
};

/* TLP 1.0 marking definitions predefined by STIX 2.1 section 7.2.1.4. */
static const struct {
	const char *id;
	enum ps_tlp tlp;
} tlp1_ids[] = {
	{"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", PS_TLP_CLEAR},
	{"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", PS_TLP_GREEN},
	{"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", PS_TLP_AMBER},
	{"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", PS_TLP_RED},
};

#define TLP2_EXTENSION "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
/* Above this many LIKE x domain comparisons, "= name" twins are not folded. */
#define FOLD_MAX 4096

struct stix_state {
	struct ps_stix_pattern sp;
	json_t *root;
	json_t *single;      /* [root] when the document is one object */
	json_t *tlp_of;      /* marking-definition id -> TLP (integer) */
	json_t *malware;     /* malware id -> name */
	json_t *family_of;   /* indicator id -> name of the malware it indicates */
	char where[160];
	char tags[PS_INTEL_TAGS_MAX + 1];
};

/* One indicator object as read, before its pattern is expanded. */
struct ind {
	json_t *obj;
	const char *id;
	struct ps_intel_extra x;
	bool v20;            /* no spec_version "2.1": STIX 2.0 labels */
	bool benign;
	bool subdomains;     /* x_panshi_subdomains */
};

static int stix_begin(struct ps_intel_parse *p)
{
	struct stix_state *s = p->state;

	ps_stix_pattern_init(&s->sp);
	s->tlp_of = json_object();
	s->malware = json_object();
	s->family_of = json_object();
	return s->tlp_of && s->malware && s->family_of ? PS_OK : PS_ENOMEM;
}

static void stix_release(struct ps_intel_parse *p)
{
	struct stix_state *s = p->state;

	ps_stix_pattern_release(&s->sp);
	json_decref(s->tlp_of);
	json_decref(s->malware);
	json_decref(s->family_of);
	json_decref(s->single);
	json_decref(s->root);
	p->where = NULL;
}

static const char *str_of(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

static bool str_eq(const json_t *obj, const char *key, const char *want)
{
	const char *v = str_of(obj, key);

	return v != NULL && strcmp(v, want) == 0;
}

/* ---- the context objects: markings, malware, relationships ------------------------------ */

/* The TLP a marking-definition object states (TLP 1.0 or 2.0 form), or -1. */
static int marking_tlp(const json_t *m)
{
	const json_t *ext = json_object_get(json_object_get(m, "extensions"), TLP2_EXTENSION);
	const char *v = str_of(ext, "tlp_2_0");
	enum ps_tlp t;

	if (v == NULL && str_eq(m, "definition_type", "tlp"))
		v = str_of(json_object_get(m, "definition"), "tlp");
	return v != NULL && ps_tlp_parse(v, &t) == PS_OK ? (int)t : -1;
}

static int known_tlp(const char *id)
{
	for (int t = 0; t < PS_TLP__COUNT; t++)
		if (strcmp(id, ps_stix_tlp2_ids[t]) == 0)
			return t;
	for (size_t i = 0; i < PS_ARRAY_LEN(tlp1_ids); i++)
		if (strcmp(id, tlp1_ids[i].id) == 0)
			return (int)tlp1_ids[i].tlp;
	return -1;
}

static int set_new(json_t *map, const char *key, json_t *v)
{
	if (v == NULL)
		return PS_ENOMEM;
	return json_object_set_new(map, key, v) == 0 ? PS_OK : PS_ENOMEM;
}

/* First pass: what indicators refer to, wherever it sits in the bundle. */
static int collect(struct stix_state *s, const json_t *objects)
{
	const json_t *o;
	size_t i;
	int rc = PS_OK;

	json_array_foreach(objects, i, o) {
		const char *id = str_of(o, "id"), *name;
		int tlp;

		if (id == NULL)
			continue;
		if (str_eq(o, "type", "marking-definition") && (tlp = marking_tlp(o)) >= 0)
			rc = set_new(s->tlp_of, id, json_integer(tlp));
		else if (str_eq(o, "type", "malware") && (name = str_of(o, "name")) != NULL)
			rc = set_new(s->malware, id, json_string(name));
		if (rc != PS_OK)
			return rc;
	}
	json_array_foreach(objects, i, o) {
		const char *src = str_of(o, "source_ref"), *dst = str_of(o, "target_ref");
		json_t *name;

		if (!str_eq(o, "type", "relationship") ||
		    !str_eq(o, "relationship_type", "indicates") ||
		    src == NULL || dst == NULL ||
		    (name = json_object_get(s->malware, dst)) == NULL ||
		    json_object_get(s->family_of, src) != NULL)
			continue;
		if (json_object_set(s->family_of, src, name) != 0)
			return PS_ENOMEM;
	}
	return PS_OK;
}

/* ---- one indicator ---------------------------------------------------------------------- */

/* A timestamp property: PS_OK (0 when absent) or PS_EINVAL. */
static int get_time(const json_t *obj, const char *key, int64_t *us)
{
	const json_t *v = json_object_get(obj, key);

	*us = 0;
	if (v == NULL)
		return PS_OK;
	if (!json_is_string(v) ||
	    ps_time_parse_iso8601(json_string_value(v), json_string_length(v), PS_TZ_UTC,
				  us) != PS_OK || *us == 0)
		return PS_EINVAL;
	return PS_OK;
}

static int ind_times(struct ps_intel_parse *p, struct ind *in)
{
	static const char *const keys[] = {
		"valid_from", "valid_until", "created", "modified", "x_panshi_expires",
	};
	int64_t t[PS_ARRAY_LEN(keys)];

	for (size_t i = 0; i < PS_ARRAY_LEN(keys); i++)
		if (get_time(in->obj, keys[i], &t[i]) != PS_OK) {
			ps_intel_bad(p, PS_MSG_INTEL_BAD_PROP, keys[i]);
			return PS_EINVAL;
		}
	in->x.first_seen = t[0] ? t[0] : t[2];
	in->x.last_seen = t[3] ? t[3] : t[2];
	in->x.expires = t[4] ? t[4] : t[1];
	return PS_OK;
}

/*
 * An indicator type (STIX 2.1 indicator-type-ov, the labels of 2.0): its
 * category and a rank; the highest rank of an indicator wins. -1 when s
 * is not in the vocabulary.
 */
static int type_rank(const char *s, enum ps_ioc_category *cat, bool *benign)
{
	static const struct {
		const char *name;
		enum ps_ioc_category cat;
		int rank;
	} vocab[] = {
		{"compromised", PS_IOC_CAT_SECURITY_INCIDENT, 4},
		{"malicious-activity", PS_IOC_CAT_NONE, 3},
		{"attribution", PS_IOC_CAT_NONE, 2},
		{"anomalous-activity", PS_IOC_CAT_OTHER, 1},
		{"anonymization", PS_IOC_CAT_OTHER, 1},
		{"unknown", PS_IOC_CAT_NONE, 0},
		{"benign", PS_IOC_CAT_NONE, 0},
	};

	for (size_t i = 0; i < PS_ARRAY_LEN(vocab); i++)
		if (strcmp(s, vocab[i].name) == 0) {
			*cat = vocab[i].cat;
			*benign = strcmp(s, "benign") == 0;
			return vocab[i].rank;
		}
	return -1;
}

/* Append a label to the tag list; false when the list would be too long. */
static bool tag_add(char *tags, size_t *len, const char *s)
{
	size_t n = strlen(s);

	ps_intel_trim(&s, &n);
	if (n == 0)
		return true;
	if (*len + (*len > 0) + n > PS_INTEL_TAGS_MAX)
		return false;
	if (*len > 0)
		tags[(*len)++] = ',';
	memcpy(tags + *len, s, n);
	*len += n;
	tags[*len] = '\0';
	return true;
}

/* indicator_types and labels: the category and the tags. */
static int ind_class(struct ps_intel_parse *p, struct stix_state *s, struct ind *in)
{
	static const char *const keys[] = {"indicator_types", "labels"};
	enum ps_ioc_category cat = PS_IOC_CAT_NONE, c;
	int best = -1, rank;
	bool benign, any_benign = false;
	size_t len = 0, i;
	const json_t *v;

	s->tags[0] = '\0';
	for (size_t k = 0; k < PS_ARRAY_LEN(keys); k++) {
		const json_t *arr = json_object_get(in->obj, keys[k]);

		if (arr != NULL && !json_is_array(arr)) {
			ps_intel_bad(p, PS_MSG_INTEL_BAD_PROP, keys[k]);
			return PS_EINVAL;
		}
		json_array_foreach(arr, i, v) {
			const char *t = json_string_value(v);

			if (t == NULL) {
				ps_intel_bad(p, PS_MSG_INTEL_BAD_PROP, keys[k]);
				return PS_EINVAL;
			}
			rank = k == 0 || in->v20 ? type_rank(t, &c, &benign) : -1;
			if (rank >= 0) {
				any_benign |= benign;
				if (rank > best && !benign)
					best = rank, cat = c;
			} else if (k == 1 && !tag_add(s->tags, &len, t)) {
				ps_intel_bad(p, PS_MSG_INTEL_FIELD_LONG, "labels", PS_INTEL_TAGS_MAX);
				return PS_EINVAL;
			}
		}
	}
	in->benign = any_benign && best < 2;
	in->x.category = cat;
	in->x.tags = s->tags;
	in->x.tags_len = len;
	return PS_OK;
}

/* confidence and our x_panshi_* properties. */
static int ind_props(struct ps_intel_parse *p, struct ind *in)
{
	const json_t *o = in->obj, *v;
	enum ps_ioc_category cat;
	const char *bad = NULL;

	if ((v = json_object_get(o, "confidence")) != NULL) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 100)
			bad = "confidence";
		else
			in->x.confidence = (int)json_integer_value(v);
	}
	if ((v = json_object_get(o, "x_panshi_severity")) != NULL) {
		if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 5)
			bad = "x_panshi_severity";
		else
			in->x.severity = (int)json_integer_value(v);
	}
	if ((v = json_object_get(o, "x_panshi_category")) != NULL) {
		if (!json_is_string(v) || ps_ioc_category_parse(json_string_value(v), &cat) != PS_OK)
			bad = "x_panshi_category";
		else
			in->x.category = cat;
	}
	if ((v = json_object_get(o, "x_panshi_family")) != NULL) {
		if (!json_is_string(v))
			bad = "x_panshi_family";
		in->x.family = json_string_value(v);
		in->x.family_len = json_string_length(v);
	}
	if ((v = json_object_get(o, "x_panshi_source")) != NULL) {
		if (!json_is_string(v))
			bad = "x_panshi_source";
		in->x.source = json_string_value(v);
		in->x.source_len = json_string_length(v);
	}
	if ((v = json_object_get(o, "x_panshi_shareable")) != NULL) {
		if (!json_is_boolean(v))
			bad = "x_panshi_shareable";
		in->x.shareable = json_is_false(v) ? 0 : -1;
	}
	if ((v = json_object_get(o, "x_panshi_subdomains")) != NULL) {
		if (!json_is_boolean(v))
			bad = "x_panshi_subdomains";
		in->subdomains = json_is_true(v);
	}
	if (bad != NULL) {
		ps_intel_bad(p, PS_MSG_INTEL_BAD_PROP, bad);
		return PS_EINVAL;
	}
	return PS_OK;
}

/* object_marking_refs: the most restrictive TLP named, or -1. */
static int ind_tlp(const struct stix_state *s, const struct ind *in)
{
	const json_t *refs = json_object_get(in->obj, "object_marking_refs"), *v;
	int tlp = -1, t;
	size_t i;

	json_array_foreach(refs, i, v) {
		const char *id = json_string_value(v);

		if (id == NULL)
			continue;
		t = known_tlp(id);
		if (t < 0 && json_is_integer(json_object_get(s->tlp_of, id)))
			t = (int)json_integer_value(json_object_get(s->tlp_of, id));
		if (t > tlp)
			tlp = t;
	}
	return tlp;
}

/* A "= name" domain comparison that a LIKE '%.name' of the same pattern covers. */
static bool folded(const struct ps_stix_pattern *sp, size_t i, size_t likes)
{
	const struct ps_stix_cmp *c = PS_VEC_AT(&sp->cmps, struct ps_stix_cmp, i);
	const char *v = ps_stix_pattern_value(sp, i);

	if (c->type != PS_IOC_DOMAIN || c->subdomains || likes == 0 ||
	    likes * ps_vec_len(&sp->cmps) > FOLD_MAX)
		return false;
	for (size_t k = 0; k < ps_vec_len(&sp->cmps); k++) {
		const struct ps_stix_cmp *o = PS_VEC_AT(&sp->cmps, struct ps_stix_cmp, k);

		if (o->subdomains && o->len == c->len && memcmp(ps_stix_pattern_value(sp, k), v,
								  c->len) == 0)
			return true;
	}
	return false;
}

/* Emit each comparison of the parsed pattern. */
static int ind_emit(struct ps_intel_parse *p, struct stix_state *s, struct ind *in)
{
	const struct ps_stix_pattern *sp = &s->sp;
	size_t likes = 0, n = ps_vec_len(&sp->cmps);
	int rc = PS_OK;

	for (size_t i = 0; i < n; i++)
		likes += PS_VEC_AT(&sp->cmps, struct ps_stix_cmp, i)->subdomains;
	for (size_t i = 0; i < n && rc == PS_OK; i++) {
		const struct ps_stix_cmp *c = PS_VEC_AT(&sp->cmps, struct ps_stix_cmp, i);
		const char *v = ps_stix_pattern_value(sp, i);
		bool colon = memchr(v, ':', c->len) != NULL;

		if ((c->type == PS_IOC_IPV4 && colon) || (c->type == PS_IOC_IPV6 && !colon)) {
			ps_intel_bad(p, PS_MSG_INTEL_BAD_FIELD,
				     c->type == PS_IOC_IPV4 ? "ipv4-addr:value" : "ipv6-addr:value", v);
			continue;
		}
		if (folded(sp, i, likes))
			continue;
		in->x.subdomains = c->subdomains || in->subdomains;
		rc = ps_intel_emit(p, c->type, v, c->len, &in->x);
	}
	return rc;
}

static int ind_pattern(struct ps_intel_parse *p, struct stix_state *s, struct ind *in)
{
	const json_t *pat = json_object_get(in->obj, "pattern");
	char why[512];
	int rc;

	if (!json_is_string(pat)) {
		ps_intel_bad(p, PS_MSG_INTEL_BAD_PROP, "pattern");
		return PS_OK;
	}
	rc = ps_stix_pattern_parse(&s->sp, json_string_value(pat), json_string_length(pat));
	if (rc == PS_ENOMEM)
		return rc;
	if (rc != PS_OK || s->sp.dropped > 0) {
		ps_stix_pattern_why(&s->sp, rc, why, sizeof(why));
		ps_intel_bad_text(p, why);
	}
	return rc == PS_OK ? ind_emit(p, s, in) : PS_OK;
}

static int indicator(struct ps_intel_parse *p, struct stix_state *s, json_t *obj)
{
	struct ind in = {.obj = obj, .id = str_of(obj, "id")};
	const json_t *pt = json_object_get(obj, "pattern_type"), *fam;
	int tlp;

	ps_intel_extra_init(&in.x);
	in.v20 = !str_eq(obj, "spec_version", "2.1");
	if (json_is_true(json_object_get(obj, "revoked"))) {
		ps_intel_skip(p, PS_MSG_STIX_SKIP_REVOKED);
		return PS_OK;
	}
	if (pt != NULL && !str_eq(obj, "pattern_type", "stix")) {
		ps_intel_skip(p, PS_MSG_STIX_SKIP_PATTERN_TYPE);
		return PS_OK;
	}
	if (ind_times(p, &in) != PS_OK || ind_class(p, s, &in) != PS_OK ||
	    ind_props(p, &in) != PS_OK)
		return PS_OK;
	if (in.benign) {
		ps_intel_skip(p, PS_MSG_STIX_SKIP_BENIGN);
		return PS_OK;
	}
	if ((tlp = ind_tlp(s, &in)) >= 0)
		in.x.tlp = tlp;
	if (in.x.family == NULL && in.id != NULL &&
	    (fam = json_object_get(s->family_of, in.id)) != NULL) {
		in.x.family = json_string_value(fam);
		in.x.family_len = json_string_length(fam);
	}
	return ind_pattern(p, s, &in);
}

/* ---- the document ---------------------------------------------------------------------- */

/* Types that give context to indicators, read by collect() and not counted. */
static bool context_type(const char *t)
{
	static const char *const types[] = {
		"marking-definition", "identity", "malware", "relationship",
		"extension-definition",
	};

	for (size_t i = 0; i < PS_ARRAY_LEN(types); i++)
		if (strcmp(t, types[i]) == 0)
			return true;
	return false;
}

static int object(struct ps_intel_parse *p, struct stix_state *s, json_t *o, size_t i)
{
	const char *type = str_of(o, "type"), *id = str_of(o, "id");

	if (id != NULL)
		snprintf(s->where, sizeof(s->where), "%s", id);
	else
		snprintf(s->where, sizeof(s->where), "objects[%zu]", i);
	p->where = s->where;
	if (type == NULL) {
		ps_intel_bad(p, PS_MSG_INTEL_BAD_PROP, "type");
		return PS_OK;
	}
	if (strcmp(type, "indicator") == 0)
		return indicator(p, s, o);
	if (!context_type(type))
		ps_intel_skip(p, PS_MSG_STIX_SKIP_OBJECT);
	return PS_OK;
}

/* The file name without its directories, for locations of MISP attributes. */
static const char *base_name(const char *path)
{
	const char *b = strrchr(path, '/');

	return b != NULL ? b + 1 : path;
}

static int stix_document(struct ps_intel_parse *p, const char *data, size_t len)
{
	struct stix_state *s = p->state;
	const json_t *objects;
	json_error_t je;
	int rc = PS_OK;

	s->root = json_loadb(data, len, 0, &je);
	if (s->root == NULL) {
		ps_tr_fmt(p->diag.msg, sizeof(p->diag.msg), PS_MSG_INTEL_JSON, p->name, je.line,
			  je.column, je.text);
		return PS_EINVAL;
	}
	if (json_object_get(s->root, "Event") != NULL || json_object_get(s->root, "response"))
		return ps_intel_misp_event(p, s->root, base_name(p->name));
	objects = json_object_get(s->root, "objects");
	if (!str_eq(s->root, "type", "bundle") && str_of(s->root, "type") != NULL &&
	    str_of(s->root, "id") != NULL) {
		/* one object on its own */
		if ((s->single = json_array()) == NULL ||
		    json_array_append(s->single, s->root) != 0)
			return PS_ENOMEM;
		objects = s->single;
	} else if (!str_eq(s->root, "type", "bundle") || !json_is_array(objects)) {
		ps_tr_fmt(p->diag.msg, sizeof(p->diag.msg), PS_MSG_STIX_NOT_BUNDLE, p->name);
		return PS_EINVAL;
	}
	if ((rc = collect(s, objects)) != PS_OK)
		return rc;
	for (size_t i = 0; i < json_array_size(objects) && rc == PS_OK; i++) {
		p->line = (long)i + 1;
		p->r->lines++;
		rc = object(p, s, json_array_get(objects, i), i);
	}
	p->where = NULL;
	return rc;
}

const struct ps_intel_format_ops ps_intel_fmt_stix = {
	.format = PS_INTEL_FMT_STIX,
	.state_size = sizeof(struct stix_state),
	.begin = stix_begin,
	.release = stix_release,
	.document = stix_document,
};
