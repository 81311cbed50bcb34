/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The policy-file reader: walks one libyaml document tree and turns its
 * documents, values and tables into checked entries of a struct ps_policy,
 * naming file:line for every complaint. Cross-file checks live in policy.c.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <yaml.h>

#include "policy/policy_int.h"
#include "core/core.h"

#define TEXT_MAX 4096  /* longest string in a policy file */
#define SHOW_MAX 60    /* longest text quoted back in a message */
#define ID_MAX 128
#define COLS_MAX 64

/* A unit and what it allows; integer units are never negative. */
struct unit {
	const char *name;
	enum ps_policy_kind kind;
	int64_t min, max; /* sane bounds for PS_POLICY_INT */
};

static const struct unit units[] = {
	{"days", PS_POLICY_INT, 0, 36600},
	{"working_days", PS_POLICY_INT, 0, 3660},
	{"months", PS_POLICY_INT, 0, 1200},
	{"years", PS_POLICY_INT, 0, 100},
	{"hours", PS_POLICY_INT, 0, 876000},
	{"minutes", PS_POLICY_INT, 0, 52560000},
	{"seconds", PS_POLICY_INT, 0, INT64_C(3153600000)},
	{"count", PS_POLICY_INT, 0, INT64_C(1000000000000)},
	{"percent", PS_POLICY_INT, 0, 100},
	{"cny", PS_POLICY_INT, 0, INT64_C(10000000000000)},
	{"level", PS_POLICY_INT, 0, 10},
	{"rank", PS_POLICY_INT, 0, 100},
	{"class_hours", PS_POLICY_INT, 0, 2000},
	{"year", PS_POLICY_INT, 1900, 2200},
	{"flag", PS_POLICY_FLAG, 0, 0},
	{"date", PS_POLICY_DATE, 0, 0},
	{"month_day", PS_POLICY_MONTH_DAY, 0, 0},
	{"text", PS_POLICY_TEXT, 0, 0},
	{"label", PS_POLICY_TEXT, 0, 0},
	{"mode", PS_POLICY_TEXT, 0, 0},
	{"url", PS_POLICY_TEXT, 0, 0},
};

static const char *const status_names[] = {
	"confirmed", "confirmed-secondary", "unverified-default",
	"interpretation",
};

/* State of one file's walk. */
struct pctx {
	struct ps_policy *p;
	yaml_document_t *doc;
	const char *name;
	unsigned char *seen; /* per node: already visited (alias check) */
	size_t n_nodes;
	const char *default_doc;
	struct ps_diag *d;
};

/* A field of a mapping: filled by get_fields(). */
struct field {
	const char *name;
	yaml_node_type_t type; /* YAML_NO_NODE: any */
	bool required;
	yaml_node_t *node;
	unsigned line;
};

static unsigned node_line(const yaml_node_t *n)
{
	return (unsigned)n->start_mark.line + 1;
}

static int fail(struct pctx *c, unsigned line, const char *fmt, ...)
	PS_PRINTF(3, 4);

static int fail(struct pctx *c, unsigned line, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ps_diag_set(c->d, "%s:%u: %s", c->name, line, msg);
	return PS_EINVAL;
}

static int nomem(struct pctx *c)
{
	ps_diag_set(c->d, "out of memory");
	return PS_ENOMEM;
}

/* At most SHOW_MAX bytes of s, cut on a UTF-8 boundary. */
static const char *shown(const char *s, size_t len, char *buf, size_t cap)
{
	return ps_text_shown(s, len, SHOW_MAX, buf, cap);
}

/* Names at a fixed stride: the `name` member of an array of structs. */
struct strided {
	const char *base;
	size_t stride;
};

static const char *strided_at(const void *tab, size_t i)
{
	const struct strided *t = tab;

	return *(const char *const *)(const void *)(t->base + i * t->stride);
}

/* "; did you mean 'x'?" for a likely typo of one of `names`, else "". */
static const char *hint(const char *word, size_t len, const char *const *names,
			size_t stride, size_t n, char *buf, size_t cap)
{
	struct strided t = {(const char *)names, stride};

	return ps_text_hint(word, len, strided_at, &t, n, buf, cap);
}

/* Node `idx`, marked visited: a node reached twice came via an alias. */
static int take(struct pctx *c, int idx, yaml_node_t **out)
{
	yaml_node_t *n = yaml_document_get_node(c->doc, idx);

	if (n == NULL || idx < 1 || (size_t)idx > c->n_nodes) {
		ps_diag_set(c->d, "%s: malformed YAML document", c->name);
		return PS_EPROTO;
	}
	if (c->seen[idx - 1])
		return fail(c, node_line(n), "aliases are not allowed in "
					     "policy files");
	c->seen[idx - 1] = 1;
	*out = n;
	return PS_OK;
}

/* The bytes of a scalar node, checked for NUL and length. */
static int scalar(struct pctx *c, const yaml_node_t *n, const char *what,
		  const char **s, size_t *len)
{
	if (n->type != YAML_SCALAR_NODE)
		return fail(c, node_line(n), "%s must be a single value", what);
	*s = (const char *)n->data.scalar.value;
	*len = n->data.scalar.length;
	if (memchr(*s, '\0', *len) != NULL)
		return fail(c, node_line(n), "%s must not contain NUL bytes",
			    what);
	if (*len > TEXT_MAX)
		return fail(c, node_line(n), "%s is longer than %d bytes", what,
			    TEXT_MAX);
	return PS_OK;
}

/* Pool copy of a non-empty scalar. */
static int pool_text(struct pctx *c, const yaml_node_t *n, const char *what,
		     const char **out)
{
	const char *s = NULL;
	size_t len = 0;
	int rc = scalar(c, n, what, &s, &len);

	if (rc != PS_OK)
		return rc;
	if (len == 0)
		return fail(c, node_line(n), "%s is empty", what);
	*out = ps_policy_pool_strndup(c->p, s, len);
	return *out ? PS_OK : nomem(c);
}

static int match_field(struct pctx *c, const yaml_node_t *key,
		       const char *what, struct field *f, size_t nf)
{
	const char *k = (const char *)key->data.scalar.value;
	size_t len = key->data.scalar.length;
	char buf[SHOW_MAX + 4], h[80];

	for (size_t i = 0; i < nf; i++)
		if (strlen(f[i].name) == len && memcmp(f[i].name, k, len) == 0)
			return (int)i;
	return fail(c, node_line(key), "unknown field '%s' in %s%s",
		    shown(k, len, buf, sizeof(buf)), what,
		    hint(k, len, &f[0].name, sizeof(*f), nf, h, sizeof(h)));
}

static const char *type_name(yaml_node_type_t t)
{
	return t == YAML_MAPPING_NODE	 ? "a mapping"
	       : t == YAML_SEQUENCE_NODE ? "a list"
					 : "a single value";
}

/*
 * Fill `f` from mapping `map`: unknown, duplicate, mistyped and missing
 * fields are errors. `line` is named for a missing field.
 */
static int get_fields(struct pctx *c, yaml_node_t *map, const char *what,
		      unsigned line, struct field *f, size_t nf)
{
	yaml_node_pair_t *pair;
	int rc;

	if (map->type != YAML_MAPPING_NODE)
		return fail(c, node_line(map), "%s must be a mapping", what);
	for (pair = map->data.mapping.pairs.start;
	     pair < map->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = NULL, *v = NULL;
		int i;

		if ((rc = take(c, pair->key, &k)) != PS_OK)
			return rc;
		if (k->type != YAML_SCALAR_NODE)
			return fail(c, node_line(k), "keys in %s must be plain "
						     "words", what);
		i = match_field(c, k, what, f, nf);
		if (i < 0)
			return i;
		if (f[i].node != NULL)
			return fail(c, node_line(k), "duplicate field '%s' in %s "
				    "(first on line %u)", f[i].name, what,
				    f[i].line);
		if ((rc = take(c, pair->value, &v)) != PS_OK)
			return rc;
		if (f[i].type != YAML_NO_NODE && v->type != f[i].type)
			return fail(c, node_line(v), "'%s' in %s must be %s",
				    f[i].name, what, type_name(f[i].type));
		f[i].node = v;
		f[i].line = node_line(k);
	}
	for (size_t i = 0; i < nf; i++)
		if (f[i].required && f[i].node == NULL)
			return fail(c, line, "%s has no '%s'", what, f[i].name);
	return PS_OK;
}

/* Optional text field: NULL when absent. */
static int opt_text(struct pctx *c, const struct field *f, const char *what,
		    const char **out)
{
	*out = NULL;
	if (f->node == NULL)
		return PS_OK;
	return pool_text(c, f->node, what, out);
}

static int parse_status(struct pctx *c, const yaml_node_t *n,
			const char *what, enum ps_policy_status *out)
{
	const char *s = NULL;
	size_t len = 0;
	char buf[SHOW_MAX + 4], h[80];
	int rc = scalar(c, n, what, &s, &len);

	if (rc != PS_OK)
		return rc;
	for (size_t i = 0; i < PS_ARRAY_LEN(status_names); i++) {
		if (strlen(status_names[i]) == len &&
		    memcmp(status_names[i], s, len) == 0) {
			*out = (enum ps_policy_status)i;
			return PS_OK;
		}
	}
	return fail(c, node_line(n), "%s has unknown status '%s' (use "
		    "confirmed, confirmed-secondary, unverified-default or "
		    "interpretation)%s", what, shown(s, len, buf, sizeof(buf)),
		    hint(s, len, status_names, sizeof(char *),
			 PS_ARRAY_LEN(status_names), h, sizeof(h)));
}

static int parse_unit(struct pctx *c, const yaml_node_t *n, const char *what,
		      const struct unit **out)
{
	const char *s = NULL;
	size_t len = 0;
	char buf[SHOW_MAX + 4], h[80];
	int rc = scalar(c, n, what, &s, &len);

	if (rc != PS_OK)
		return rc;
	for (size_t i = 0; i < PS_ARRAY_LEN(units); i++) {
		if (strlen(units[i].name) == len &&
		    memcmp(units[i].name, s, len) == 0) {
			*out = &units[i];
			return PS_OK;
		}
	}
	return fail(c, node_line(n), "%s has unknown unit '%s'%s", what,
		    shown(s, len, buf, sizeof(buf)),
		    hint(s, len, &units[0].name, sizeof(units[0]),
			 PS_ARRAY_LEN(units), h, sizeof(h)));
}

/*
 * Digits with optional single '_' between them ("100_000"). PS_OK,
 * PS_EINVAL for anything else, PS_ELIMIT above INT64_MAX.
 */
static int parse_count(const char *s, size_t len, int64_t *out)
{
	uint64_t v = 0;
	bool over = false;

	if (len == 0 || s[0] < '0' || s[0] > '9' || s[len - 1] == '_')
		return PS_EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '_' && s[i - 1] != '_')
			continue;
		if (s[i] < '0' || s[i] > '9')
			return PS_EINVAL;
		if (v > ((uint64_t)INT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			over = true;
		else
			v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = (int64_t)v;
	return over ? PS_ELIMIT : PS_OK;
}

/* A yearly MM-DD, kept with year 0 (a leap year, so 02-29 is allowed). */
static bool parse_month_day(const char *s, size_t len, struct ps_date *d)
{
	char full[11];

	if (len != 5 || s[2] != '-')
		return false;
	snprintf(full, sizeof(full), "0000-%.5s", s);
	return ps_date_parse(full, 10, d) == PS_OK;
}

static bool text_ok(const struct unit *u, const char *s, size_t len)
{
	if (strcmp(u->name, "mode") == 0) {
		for (size_t i = 0; i < len; i++)
			if (!((s[i] >= 'a' && s[i] <= 'z') ||
			      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
				return false;
		return len > 0;
	}
	if (strcmp(u->name, "url") == 0)
		return (len > 8 && strncmp(s, "https://", 8) == 0) ||
		       (len > 7 && strncmp(s, "http://", 7) == 0);
	return len > 0;
}

static int bad_scalar(struct pctx *c, const yaml_node_t *n, const char *what,
		      const struct unit *u, const char *s, size_t len)
{
	static const char *const want[] = {
		[PS_POLICY_INT] = "a whole number of",
		[PS_POLICY_FLAG] = "true or false for",
		[PS_POLICY_TEXT] = "valid",
		[PS_POLICY_DATE] = "a real calendar date YYYY-MM-DD for",
		[PS_POLICY_MONTH_DAY] = "a real MM-DD for",
	};
	char buf[SHOW_MAX + 4];

	return fail(c, node_line(n), "%s must be %s %s (got '%s')", what,
		    want[u->kind], u->name, shown(s, len, buf, sizeof(buf)));
}

/* Parse scalar `n` as unit `u` into `out`. */
static int parse_scalar(struct pctx *c, const yaml_node_t *n,
			const struct unit *u, const char *what,
			struct ps_policy_scalar *out)
{
	bool plain = n->type == YAML_SCALAR_NODE &&
		     n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	const char *s = NULL;
	size_t len = 0;
	char buf[SHOW_MAX + 4];
	bool ok = false;
	int rc = scalar(c, n, what, &s, &len);

	if (rc != PS_OK)
		return rc;
	memset(out, 0, sizeof(*out));
	out->kind = u->kind;
	switch (u->kind) {
	case PS_POLICY_INT:
		rc = plain ? parse_count(s, len, &out->num) : PS_EINVAL;
		ok = rc != PS_EINVAL;
		if (ok && (rc == PS_ELIMIT || out->num < u->min ||
			   out->num > u->max))
			return fail(c, node_line(n), "%s is %s, outside the sane "
				    "range for %s (%" PRId64 " to %" PRId64 ")",
				    what, shown(s, len, buf, sizeof(buf)),
				    u->name, u->min, u->max);
		break;
	case PS_POLICY_FLAG:
		ok = plain && ((len == 4 && memcmp(s, "true", 4) == 0) ||
			       (len == 5 && memcmp(s, "false", 5) == 0));
		out->num = len == 4;
		break;
	case PS_POLICY_DATE:
		ok = ps_date_parse(s, len, &out->date) == PS_OK;
		out->num = out->date.year * 10000 + out->date.month * 100 +
			   out->date.day;
		break;
	case PS_POLICY_MONTH_DAY:
		ok = parse_month_day(s, len, &out->date);
		out->num = out->date.month * 100 + out->date.day;
		break;
	case PS_POLICY_TEXT:
		ok = text_ok(u, s, len);
		break;
	}
	if (!ok)
		return bad_scalar(c, n, what, u, s, len);
	if (u->kind == PS_POLICY_INT) {
		char num[24]; /* "100_000" is kept as "100000" */

		snprintf(num, sizeof(num), "%" PRId64, out->num);
		out->text = ps_policy_pool_strndup(c->p, num, strlen(num));
	} else {
		out->text = ps_policy_pool_strndup(c->p, s, len);
	}
	return out->text ? PS_OK : nomem(c);
}

/* Value and table ids: lowercase words joined by dots, at least two. */
static bool id_ok(const char *s, size_t len)
{
	bool dot = false;

	if (len == 0 || len > ID_MAX || s[0] == '.' || s[len - 1] == '.')
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (s[i + 1] == '.')
				return false;
			dot = true;
		} else if (!((s[i] >= 'a' && s[i] <= 'z') ||
			     (s[i] >= '0' && s[i] <= '9') || s[i] == '_')) {
			return false;
		}
	}
	return dot;
}

/* Lowercase names of a-z, 0-9 and `extra` ('-' for documents, '_' for columns). */
static bool name_ok(const char *s, size_t len, char extra)
{
	if (len == 0 || len > 64)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == extra))
			return false;
	return true;
}

static bool doc_id_ok(const char *s, size_t len)
{
	return name_ok(s, len, '-');
}

static bool word_ok(const char *s, size_t len)
{
	return name_ok(s, len, '_');
}

/* The id of an entry from its key node. */
static int entry_id(struct pctx *c, const yaml_node_t *key, const char **id)
{
	const char *s = NULL;
	size_t len = 0;
	char buf[SHOW_MAX + 4];
	int rc = scalar(c, key, "an id", &s, &len);

	if (rc != PS_OK)
		return rc;
	if (!id_ok(s, len))
		return fail(c, node_line(key), "bad id '%s': ids are lowercase "
			    "words (a-z, 0-9, _) joined by dots",
			    shown(s, len, buf, sizeof(buf)));
	*id = ps_policy_pool_strndup(c->p, s, len);
	return *id ? PS_OK : nomem(c);
}

/* An optional date field of a document: must be a real day. */
static int doc_date(struct pctx *c, const struct field *f, const char *what,
		    const char **out)
{
	static const struct unit date_unit = {"date", PS_POLICY_DATE, 0, 0};
	struct ps_policy_scalar sc;
	int rc;

	*out = NULL;
	if (f->node == NULL)
		return PS_OK;
	rc = parse_scalar(c, f->node, &date_unit, what, &sc);
	if (rc == PS_OK)
		*out = sc.text;
	return rc;
}

static int parse_document(struct pctx *c, yaml_node_t *map)
{
	struct field f[] = {
		{"id", YAML_SCALAR_NODE, true, NULL, 0},
		{"title", YAML_SCALAR_NODE, true, NULL, 0},
		{"issuer", YAML_SCALAR_NODE, true, NULL, 0},
		{"number", YAML_SCALAR_NODE, false, NULL, 0},
		{"issued", YAML_SCALAR_NODE, false, NULL, 0},
		{"in_force", YAML_SCALAR_NODE, false, NULL, 0},
		{"source", YAML_SCALAR_NODE, true, NULL, 0},
		{"status", YAML_SCALAR_NODE, true, NULL, 0},
		{"url", YAML_SCALAR_NODE, false, NULL, 0},
		{"note", YAML_SCALAR_NODE, false, NULL, 0},
	};
	struct ps_policy_doc *doc = ps_policy_pool_alloc(c->p, sizeof(*doc));
	char what[ID_MAX + 16];
	int rc;

	if (doc == NULL)
		return nomem(c);
	rc = get_fields(c, map, "a document", node_line(map), f,
			PS_ARRAY_LEN(f));
	if (rc != PS_OK)
		return rc;
	if (!doc_id_ok((const char *)f[0].node->data.scalar.value,
		       f[0].node->data.scalar.length))
		return fail(c, f[0].line, "bad document id: ids are lowercase "
			    "words (a-z, 0-9) joined by hyphens");
	if ((rc = pool_text(c, f[0].node, "document id", &doc->id)) != PS_OK)
		return rc;
	snprintf(what, sizeof(what), "document '%s'", doc->id);
	if ((rc = pool_text(c, f[1].node, what, &doc->title)) != PS_OK ||
	    (rc = pool_text(c, f[2].node, what, &doc->issuer)) != PS_OK ||
	    (rc = opt_text(c, &f[3], what, &doc->number)) != PS_OK ||
	    (rc = doc_date(c, &f[4], what, &doc->issued)) != PS_OK ||
	    (rc = doc_date(c, &f[5], what, &doc->in_force)) != PS_OK ||
	    (rc = pool_text(c, f[6].node, what, &doc->source)) != PS_OK ||
	    (rc = parse_status(c, f[7].node, what, &doc->status)) != PS_OK ||
	    (rc = opt_text(c, &f[8], what, &doc->url)) != PS_OK ||
	    (rc = opt_text(c, &f[9], what, &doc->note)) != PS_OK)
		return rc;
	doc->file = c->name;
	doc->line = node_line(map);
	if (c->default_doc == NULL)
		c->default_doc = doc->id;
	rc = ps_policy_push(&c->p->docs, &c->p->n_docs, &c->p->cap_docs, doc);
	if (rc == PS_ELIMIT) {
		fail(c, doc->line, "too many documents");
		return PS_ELIMIT;
	}
	return rc == PS_OK ? PS_OK : nomem(c);
}

/* Fields shared by values and tables: source, status, note, document. */
struct common {
	const char *source;
	enum ps_policy_status status;
	const char *note;
	const char *doc_id;
};

static int parse_common(struct pctx *c, struct field *src, struct field *st,
			struct field *note, struct field *doc,
			const char *what, struct common *out)
{
	int rc;

	if ((rc = pool_text(c, src->node, what, &out->source)) != PS_OK ||
	    (rc = parse_status(c, st->node, what, &out->status)) != PS_OK ||
	    (rc = opt_text(c, note, what, &out->note)) != PS_OK ||
	    (rc = opt_text(c, doc, what, &out->doc_id)) != PS_OK)
		return rc;
	if (out->doc_id == NULL)
		out->doc_id = c->default_doc;
	return PS_OK;
}

static int parse_value(struct pctx *c, yaml_node_t *key, yaml_node_t *map)
{
	struct field f[] = {
		{"value", YAML_SCALAR_NODE, true, NULL, 0},
		{"unit", YAML_SCALAR_NODE, true, NULL, 0},
		{"source", YAML_SCALAR_NODE, true, NULL, 0},
		{"status", YAML_SCALAR_NODE, true, NULL, 0},
		{"note", YAML_SCALAR_NODE, false, NULL, 0},
		{"document", YAML_SCALAR_NODE, false, NULL, 0},
	};
	struct ps_policy_value *v = ps_policy_pool_alloc(c->p, sizeof(*v));
	const struct unit *u;
	struct common cm;
	char what[ID_MAX + 16];
	int rc;

	if (v == NULL)
		return nomem(c);
	if ((rc = entry_id(c, key, &v->id)) != PS_OK)
		return rc;
	snprintf(what, sizeof(what), "'%s'", v->id);
	rc = get_fields(c, map, what, node_line(key), f, PS_ARRAY_LEN(f));
	if (rc != PS_OK)
		return rc;
	if ((rc = parse_unit(c, f[1].node, what, &u)) != PS_OK ||
	    (rc = parse_scalar(c, f[0].node, u, what, &v->v)) != PS_OK ||
	    (rc = parse_common(c, &f[2], &f[3], &f[4], &f[5], what, &cm)) !=
		    PS_OK)
		return rc;
	v->unit = u->name;
	v->source = cm.source;
	v->status = cm.status;
	v->note = cm.note;
	v->doc_id = cm.doc_id;
	v->file = c->name;
	v->line = node_line(key);
	rc = ps_policy_push(&c->p->vals, &c->p->n_vals, &c->p->cap_vals, v);
	if (rc == PS_ELIMIT) {
		fail(c, v->line, "too many values");
		return PS_ELIMIT;
	}
	return rc == PS_OK ? PS_OK : nomem(c);
}

static int parse_columns(struct pctx *c, yaml_node_t *map, const char *what,
			 struct ps_policy_table *t)
{
	size_t n = (size_t)(map->data.mapping.pairs.top -
			    map->data.mapping.pairs.start);
	struct ps_policy_column *cols;
	int rc;

	if (n == 0 || n > COLS_MAX)
		return fail(c, node_line(map), "%s must have 1 to %d columns",
			    what, COLS_MAX);
	cols = ps_policy_pool_alloc(c->p, n * sizeof(*cols));
	if (cols == NULL)
		return nomem(c);
	for (size_t i = 0; i < n; i++) {
		yaml_node_pair_t *pair = &map->data.mapping.pairs.start[i];
		yaml_node_t *k = NULL, *v = NULL;
		const struct unit *u;
		const char *s = NULL;
		size_t len = 0;

		if ((rc = take(c, pair->key, &k)) != PS_OK ||
		    (rc = scalar(c, k, "a column name", &s, &len)) != PS_OK)
			return rc;
		if (!word_ok(s, len))
			return fail(c, node_line(k), "bad column name in %s: "
				    "use a-z, 0-9 and _", what);
		for (size_t j = 0; j < i; j++)
			if (strlen(cols[j].name) == len &&
			    memcmp(cols[j].name, s, len) == 0)
				return fail(c, node_line(k), "duplicate column "
					    "'%s' in %s", cols[j].name, what);
		if ((rc = take(c, pair->value, &v)) != PS_OK ||
		    (rc = parse_unit(c, v, what, &u)) != PS_OK)
			return rc;
		cols[i].name = ps_policy_pool_strndup(c->p, s, len);
		if (cols[i].name == NULL)
			return nomem(c);
		cols[i].unit = u->name;
		cols[i].kind = u->kind;
	}
	t->cols = cols;
	t->n_cols = n;
	return PS_OK;
}

static const struct unit *unit_named(const char *name)
{
	for (size_t i = 0; i < PS_ARRAY_LEN(units); i++)
		if (strcmp(units[i].name, name) == 0)
			return &units[i];
	return NULL;
}

/* One row: every column exactly once. */
static int parse_row(struct pctx *c, yaml_node_t *row, size_t r,
		     const struct ps_policy_table *t,
		     struct ps_policy_scalar *cells)
{
	char what[ID_MAX + 48], buf[SHOW_MAX + 4];
	unsigned lines[COLS_MAX] = {0};
	int rc;

	snprintf(what, sizeof(what), "row %zu of '%s'", r + 1, t->id);
	if (row->type != YAML_MAPPING_NODE)
		return fail(c, node_line(row), "%s must be a mapping", what);
	for (yaml_node_pair_t *pair = row->data.mapping.pairs.start;
	     pair < row->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = NULL, *v = NULL;
		const char *s = NULL;
		size_t len = 0;
		int col = -1;

		if ((rc = take(c, pair->key, &k)) != PS_OK ||
		    (rc = scalar(c, k, "a column name", &s, &len)) != PS_OK)
			return rc;
		for (size_t j = 0; j < t->n_cols && col < 0; j++)
			if (strlen(t->cols[j].name) == len &&
			    memcmp(t->cols[j].name, s, len) == 0)
				col = (int)j;
		if (col < 0)
			return fail(c, node_line(k), "%s has unknown column '%s'",
				    what, shown(s, len, buf, sizeof(buf)));
		if (lines[col] != 0)
			return fail(c, node_line(k), "duplicate column '%s' in %s "
				    "(first on line %u)", t->cols[col].name, what,
				    lines[col]);
		lines[col] = node_line(k);
		if ((rc = take(c, pair->value, &v)) != PS_OK ||
		    (rc = parse_scalar(c, v, unit_named(t->cols[col].unit), what,
				       &cells[col])) != PS_OK)
			return rc;
	}
	for (size_t j = 0; j < t->n_cols; j++)
		if (lines[j] == 0)
			return fail(c, node_line(row), "%s has no '%s'", what,
				    t->cols[j].name);
	return PS_OK;
}

static int parse_rows(struct pctx *c, yaml_node_t *seq, const char *what,
		      struct ps_policy_table *t)
{
	size_t n = (size_t)(seq->data.sequence.items.top -
			    seq->data.sequence.items.start);
	struct ps_policy_scalar *cells;
	int rc;

	if (n == 0)
		return fail(c, node_line(seq), "%s has no rows", what);
	if (n > PS_POLICY_CELLS_MAX / t->n_cols) {
		fail(c, node_line(seq), "%s has too many cells", what);
		return PS_ELIMIT;
	}
	cells = ps_policy_pool_alloc(c->p, n * t->n_cols * sizeof(*cells));
	if (cells == NULL)
		return nomem(c);
	for (size_t r = 0; r < n; r++) {
		yaml_node_t *row = NULL;

		if ((rc = take(c, seq->data.sequence.items.start[r], &row)) !=
			    PS_OK ||
		    (rc = parse_row(c, row, r, t, cells + r * t->n_cols)) !=
			    PS_OK)
			return rc;
	}
	t->cells = cells;
	t->n_rows = n;
	return PS_OK;
}

static int parse_table(struct pctx *c, yaml_node_t *key, yaml_node_t *map)
{
	struct field f[] = {
		{"title", YAML_SCALAR_NODE, false, NULL, 0},
		{"source", YAML_SCALAR_NODE, true, NULL, 0},
		{"status", YAML_SCALAR_NODE, true, NULL, 0},
		{"note", YAML_SCALAR_NODE, false, NULL, 0},
		{"document", YAML_SCALAR_NODE, false, NULL, 0},
		{"columns", YAML_MAPPING_NODE, true, NULL, 0},
		{"rows", YAML_SEQUENCE_NODE, true, NULL, 0},
	};
	struct ps_policy_table *t = ps_policy_pool_alloc(c->p, sizeof(*t));
	struct common cm;
	char what[ID_MAX + 16];
	int rc;

	if (t == NULL)
		return nomem(c);
	if ((rc = entry_id(c, key, &t->id)) != PS_OK)
		return rc;
	snprintf(what, sizeof(what), "table '%s'", t->id);
	rc = get_fields(c, map, what, node_line(key), f, PS_ARRAY_LEN(f));
	if (rc != PS_OK)
		return rc;
	if ((rc = opt_text(c, &f[0], what, &t->title)) != PS_OK ||
	    (rc = parse_common(c, &f[1], &f[2], &f[3], &f[4], what, &cm)) !=
		    PS_OK ||
	    (rc = parse_columns(c, f[5].node, what, t)) != PS_OK ||
	    (rc = parse_rows(c, f[6].node, what, t)) != PS_OK)
		return rc;
	t->source = cm.source;
	t->status = cm.status;
	t->note = cm.note;
	t->doc_id = cm.doc_id;
	t->file = c->name;
	t->line = node_line(key);
	rc = ps_policy_push(&c->p->tabs, &c->p->n_tabs, &c->p->cap_tabs, t);
	if (rc == PS_ELIMIT) {
		fail(c, t->line, "too many tables");
		return PS_ELIMIT;
	}
	return rc == PS_OK ? PS_OK : nomem(c);
}

/* Each id: mapping of a `values` or `tables` section. */
static int parse_entries(struct pctx *c, yaml_node_t *map, bool tables)
{
	for (yaml_node_pair_t *pair = map->data.mapping.pairs.start;
	     pair < map->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = NULL, *v = NULL;
		int rc;

		if ((rc = take(c, pair->key, &k)) != PS_OK ||
		    (rc = take(c, pair->value, &v)) != PS_OK)
			return rc;
		rc = tables ? parse_table(c, k, v) : parse_value(c, k, v);
		if (rc != PS_OK)
			return rc;
	}
	return PS_OK;
}

static int parse_root(struct pctx *c, yaml_node_t *root)
{
	struct field f[] = {
		{"documents", YAML_SEQUENCE_NODE, true, NULL, 0},
		{"values", YAML_MAPPING_NODE, false, NULL, 0},
		{"tables", YAML_MAPPING_NODE, false, NULL, 0},
	};
	yaml_node_t *docs;
	int rc;

	rc = get_fields(c, root, "a policy file", node_line(root), f,
			PS_ARRAY_LEN(f));
	if (rc != PS_OK)
		return rc;
	docs = f[0].node;
	if (docs->data.sequence.items.top == docs->data.sequence.items.start)
		return fail(c, f[0].line, "'documents' must list at least one "
					  "document");
	for (yaml_node_item_t *it = docs->data.sequence.items.start;
	     it < docs->data.sequence.items.top; it++) {
		yaml_node_t *d = NULL;

		if ((rc = take(c, *it, &d)) != PS_OK ||
		    (rc = parse_document(c, d)) != PS_OK)
			return rc;
	}
	if (f[1].node != NULL && (rc = parse_entries(c, f[1].node, false)) !=
					 PS_OK)
		return rc;
	if (f[2].node != NULL)
		rc = parse_entries(c, f[2].node, true);
	return rc;
}

static int syntax_error(struct pctx *c, const yaml_parser_t *yp,
			const char *text, size_t len)
{
	unsigned line, col;

	if (yp->error == YAML_MEMORY_ERROR)
		return nomem(c);
	if (yp->error == YAML_READER_ERROR) {
		ps_text_offset_pos(text, len, yp->problem_offset, &line, &col);
	} else {
		line = (unsigned)yp->problem_mark.line + 1;
		col = (unsigned)yp->problem_mark.column + 1;
	}
	ps_diag_set(c->d, "%s:%u:%u: %s%s%s", c->name, line, col,
		    yp->problem ? yp->problem : "syntax error",
		    yp->context ? " " : "", yp->context ? yp->context : "");
	return PS_EPROTO;
}

/* Load the first document; a second one is an error. */
static int load_tree(struct pctx *c, yaml_parser_t *yp, yaml_document_t *doc,
		     const char *text, size_t len)
{
	yaml_document_t extra;
	yaml_node_t *root;
	int rc = PS_OK;

	/* On failure libyaml leaves the document deleted and zeroed. */
	if (!yaml_parser_load(yp, doc))
		return syntax_error(c, yp, text, len);
	if (yaml_document_get_root_node(doc) == NULL)
		return fail(c, 1, "empty policy file (no 'documents')");
	memset(&extra, 0, sizeof(extra));
	if (!yaml_parser_load(yp, &extra)) {
		rc = syntax_error(c, yp, text, len);
	} else {
		root = yaml_document_get_root_node(&extra);
		if (root != NULL)
			rc = fail(c, node_line(root), "only one YAML document "
						      "is allowed");
	}
	yaml_document_delete(&extra);
	return rc;
}

int ps_policy_parse(struct ps_policy *p, const char *name, const char *text,
		    size_t len, struct ps_diag *d)
{
	struct pctx c = {.p = p, .name = name, .d = d};
	yaml_parser_t yp;
	yaml_document_t doc;
	int rc;

	memset(&doc, 0, sizeof(doc));
	if (!yaml_parser_initialize(&yp))
		return nomem(&c);
	yaml_parser_set_input_string(&yp, (const unsigned char *)text, len);
	rc = load_tree(&c, &yp, &doc, text, len);
	if (rc != PS_OK)
		goto out;
	c.doc = &doc;
	c.n_nodes = (size_t)(doc.nodes.top - doc.nodes.start);
	c.seen = ps_calloc(PS_MEM_POLICY, c.n_nodes, 1);
	if (c.seen == NULL) {
		rc = nomem(&c);
		goto out;
	}
	rc = parse_root(&c, yaml_document_get_root_node(&doc));
out:
	ps_free(c.seen);
	yaml_document_delete(&doc);
	yaml_parser_delete(&yp);
	return rc;
}
