/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The YAML side of bulk import: one document `panshi_registry: 1` with a
 * section per kind, each a list of field -> scalar mappings, walked as a
 * libyaml document tree with every complaint at file:line:column, in the
 * strict style of the policy loader. Checking against the store is bulk.c.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <yaml.h>

#include "core/core.h"
#include "registry/bulk.h"
#include "registry/bulk_int.h"

#define VERSION "1"

struct yctx {
	struct ps_reg_bulk *b;
	const char *file;
	yaml_document_t *doc;
	unsigned char *seen; /* per node: visited (a second visit came via an alias) */
	size_t n_nodes;
	struct ps_reg_bulk_pos sections[PS_REG_BULK_KINDS_MAX];
};

static struct ps_reg_bulk_pos mark(const yaml_node_t *n)
{
	struct ps_reg_bulk_pos p = {(unsigned)n->start_mark.line + 1,
				    (unsigned)n->start_mark.column + 1};

	return p;
}

static int fail(struct yctx *c, const yaml_node_t *n, const char *fmt, ...)
	PS_PRINTF(3, 4);

static int fail(struct yctx *c, const yaml_node_t *n, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return ps_reg_bulk_error_at_pos(c->b, c->file, mark(n), "%s", msg);
}

/* Node `idx`, marked visited: a node reached twice came via an alias. */
static int take(struct yctx *c, int idx, yaml_node_t **out)
{
	yaml_node_t *n = yaml_document_get_node(c->doc, idx);

	if (n == NULL || idx < 1 || (size_t)idx > c->n_nodes)
		return ps_reg_bulk_errorf(c->b, "%s: malformed YAML document", c->file);
	if (c->seen[idx - 1])
		return fail(c, n, "this value (&anchor) is used again through an alias (*anchor): "
			    "aliases are not allowed, write each value out");
	c->seen[idx - 1] = 1;
	*out = n;
	return PS_OK;
}

static const char *text(const yaml_node_t *n, size_t *len)
{
	*len = n->data.scalar.length;
	return (const char *)n->data.scalar.value;
}

/* A plain ~, null or empty scalar is YAML's null (core schema). */
static bool is_null(const yaml_node_t *n)
{
	static const char *const nulls[] = {"", "~", "null", "Null", "NULL"};
	size_t len;
	const char *s = text(n, &len);

	if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return len == 0;
	for (size_t i = 0; i < PS_ARRAY_LEN(nulls); i++)
		if (strlen(nulls[i]) == len && memcmp(nulls[i], s, len) == 0)
			return true;
	return false;
}

static const char *type_name(const yaml_node_t *n)
{
	return n->type == YAML_MAPPING_NODE ? "a mapping" : n->type == YAML_SEQUENCE_NODE
								 ? "a list"
								 : "a value";
}

/* One `field: value` pair of a record. */
static int field(struct yctx *c, struct ps_reg_bulk_row *row, const yaml_node_pair_t *pair)
{
	const struct ps_reg_kind *k = row->rec->kind;
	char shown[PS_REG_BULK_SHOW_MAX + 4], hint[96];
	yaml_node_t *key = NULL, *v = NULL;
	const char *s;
	size_t len, slot;
	int i, rc;

	if ((rc = take(c, pair->key, &key)) != PS_OK)
		return rc;
	if (key->type != YAML_SCALAR_NODE)
		return fail(c, key, "field names must be plain words, not %s", type_name(key));
	s = text(key, &len);
	i = ps_reg_bulk_field_find(k, s, len);
	if (i == -1)
		return fail(c, key, "unknown field '%s' for %s%s",
			    ps_reg_bulk_shown(s, len, shown, sizeof(shown)), k->name,
			    ps_reg_bulk_hint(k, s, len, hint, sizeof(hint)));
	slot = i == -2 ? k->n_fields : (size_t)i;
	if (row->pos[slot].line > 0)
		return fail(c, key, "field '%s' is given twice (first on line %u)",
			    i == -2 ? "key" : k->fields[i].name, row->pos[slot].line);
	row->pos[slot] = mark(key);
	if ((rc = take(c, pair->value, &v)) != PS_OK)
		return rc;
	if (v->type != YAML_SCALAR_NODE)
		return fail(c, v, "field '%s' must be a single value, not %s",
			    i == -2 ? "key" : k->fields[i].name, type_name(v));
	row->pos[slot] = mark(v);
	s = text(v, &len);
	if (memchr(s, '\0', len) != NULL)
		return fail(c, v, "field '%s' holds a NUL byte",
			    i == -2 ? "key" : k->fields[i].name);
	return ps_reg_bulk_row_set(row, i, s, is_null(v) ? 0 : len);
}

static int record(struct yctx *c, const struct ps_reg_kind *k, int idx)
{
	struct ps_reg_bulk_row row;
	yaml_node_t *n = NULL;
	int rc, bad = PS_OK;

	if ((rc = take(c, idx, &n)) != PS_OK)
		return rc;
	if (n->type != YAML_MAPPING_NODE)
		return fail(c, n, "each %s must be a mapping (field: value), not %s", k->name,
			    type_name(n));
	if ((rc = ps_reg_bulk_row_init(&row, k, c->file, mark(n), true)) != PS_OK)
		return rc;
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	     p++) {
		rc = field(c, &row, p);
		if (rc == PS_ENOMEM) {
			ps_reg_bulk_row_release(&row);
			return rc;
		}
		if (rc != PS_OK)
			bad = rc;
	}
	if (bad != PS_OK) {
		ps_reg_bulk_row_release(&row);
		return bad;
	}
	return ps_reg_bulk_row_add(c->b, &row);
}

/* A section name: a kind's plural, name or Chinese name. */
static const struct ps_reg_kind *section_kind(const char *s, size_t len)
{
	char name[128];

	if (len >= sizeof(name) || memchr(s, '\0', len) != NULL)
		return NULL;
	memcpy(name, s, len);
	name[len] = '\0';
	for (size_t i = 0; i < ps_reg_kind_count(); i++) {
		const struct ps_reg_kind *k = ps_reg_kind_at(i);

		if (strcmp(k->plural, name) == 0 || strcmp(k->name, name) == 0 ||
		    strcmp(k->zh, name) == 0)
			return k;
	}
	return NULL;
}

static const char *plural_at(const void *tab, size_t i)
{
	(void)tab;
	return ps_reg_kind_at(i)->plural;
}

static const char *section_hint(const char *s, size_t len, char *buf, size_t cap)
{
	return ps_text_hint(s, len, plural_at, NULL, ps_reg_kind_count(), buf, cap);
}

static int section(struct yctx *c, const yaml_node_t *key, int value)
{
	char shown[PS_REG_BULK_SHOW_MAX + 4], hint[96];
	const struct ps_reg_kind *k;
	yaml_node_t *v = NULL;
	size_t len, ki;
	const char *s = text(key, &len);
	int rc, worst = PS_OK;

	if ((k = section_kind(s, len)) == NULL)
		return fail(c, key, "unknown section '%s' (sections are kinds: operators, "
			    "depts, persons, units, ...)%s",
			    ps_reg_bulk_shown(s, len, shown, sizeof(shown)),
			    section_hint(s, len, hint, sizeof(hint)));
	ki = ps_reg_kind_index(k);
	if (c->sections[ki].line > 0)
		return fail(c, key, "section '%s' is given twice (first on line %u)", k->plural,
			    c->sections[ki].line);
	c->sections[ki] = mark(key);
	if ((rc = take(c, value, &v)) != PS_OK)
		return rc;
	if (v->type == YAML_SCALAR_NODE && is_null(v))
		return PS_OK;
	if (v->type != YAML_SEQUENCE_NODE)
		return fail(c, v, "section '%s' must be a list of records (- key: ...), not %s",
			    k->plural, type_name(v));
	for (yaml_node_item_t *it = v->data.sequence.items.start;
	     it < v->data.sequence.items.top; it++) {
		rc = record(c, k, *it);
		if (rc == PS_ENOMEM || rc == PS_ELIMIT)
			return rc;
		if (rc != PS_OK)
			worst = rc;
	}
	return worst;
}

static bool scalar_is(const yaml_node_t *n, const char *word)
{
	size_t len;
	const char *s;

	if (n == NULL || n->type != YAML_SCALAR_NODE)
		return false;
	s = text(n, &len);
	return strlen(word) == len && memcmp(s, word, len) == 0;
}

/* `panshi_registry: 1` must be there, and be 1. */
static int version(struct yctx *c, const yaml_node_t *root)
{
	char shown[PS_REG_BULK_SHOW_MAX + 4];

	for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
	     p < root->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(c->doc, p->value);
		size_t len;

		if (!scalar_is(k, "panshi_registry"))
			continue;
		if (scalar_is(v, VERSION))
			return PS_OK;
		if (v == NULL || v->type != YAML_SCALAR_NODE)
			return fail(c, k, "format version must be " VERSION);
		return fail(c, v, "format version '%s' is not supported (this program reads "
			    VERSION ")", ps_reg_bulk_shown(text(v, &len), v->data.scalar.length,
							   shown, sizeof(shown)));
	}
	return fail(c, root, "no 'panshi_registry: " VERSION "' (the format version) at the "
		    "top of the document");
}

static int walk(struct yctx *c, yaml_node_t *root)
{
	unsigned version_line = 0;
	int rc, worst = PS_OK;

	if (root->type != YAML_MAPPING_NODE)
		return fail(c, root, "the document must be a mapping: 'panshi_registry: "
			    VERSION "' and a section per kind");
	if ((rc = version(c, root)) != PS_OK)
		return rc;
	c->seen[0] = 1; /* the root */
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
	     p < root->data.mapping.pairs.top; p++) {
		yaml_node_t *k = NULL, *v = NULL;

		if ((rc = take(c, p->key, &k)) != PS_OK)
			return rc;
		if (k->type != YAML_SCALAR_NODE) {
			worst = fail(c, k, "section names must be plain words, not %s",
				     type_name(k));
			continue;
		}
		if (scalar_is(k, "panshi_registry")) {
			if (version_line > 0)
				return fail(c, k, "'panshi_registry' is given twice (first on "
					    "line %u)", version_line);
			version_line = mark(k).line;
			if ((rc = take(c, p->value, &v)) != PS_OK)
				return rc;
			continue;
		}
		rc = section(c, k, p->value);
		if (rc == PS_ENOMEM || rc == PS_ELIMIT)
			return rc;
		if (rc != PS_OK)
			worst = rc;
	}
	return worst;
}

static int syntax_error(struct yctx *c, const yaml_parser_t *yp, const char *p, size_t len)
{
	unsigned line, col;

	if (yp->error == YAML_MEMORY_ERROR) {
		(void)ps_reg_bulk_errorf(c->b, "%s: out of memory", c->file);
		return PS_ENOMEM;
	}
	if (yp->error == YAML_READER_ERROR) {
		ps_text_offset_pos(p, len, yp->problem_offset, &line, &col);
	} else {
		line = (unsigned)yp->problem_mark.line + 1;
		col = (unsigned)yp->problem_mark.column + 1;
	}
	return ps_reg_bulk_errorf(c->b, "%s:%u:%u: %s%s%s", c->file, line, col,
				  yp->problem ? yp->problem : "syntax error",
				  yp->context ? " " : "", yp->context ? yp->context : "");
}

/* Load the first document; a second one is an error. */
static int load(struct yctx *c, yaml_parser_t *yp, yaml_document_t *doc, const char *p,
		size_t len)
{
	yaml_document_t extra;
	yaml_node_t *root;
	int rc = PS_OK;

	if (!yaml_parser_load(yp, doc))
		return syntax_error(c, yp, p, len);
	if (yaml_document_get_root_node(doc) == NULL)
		return ps_reg_bulk_errorf(c->b, "%s: empty file: expected 'panshi_registry: "
					  VERSION "' and a section per kind", c->file);
	memset(&extra, 0, sizeof(extra));
	if (!yaml_parser_load(yp, &extra)) {
		rc = syntax_error(c, yp, p, len);
	} else {
		root = yaml_document_get_root_node(&extra);
		if (root != NULL)
			rc = fail(c, root, "only one YAML document is allowed");
	}
	yaml_document_delete(&extra);
	return rc;
}

int ps_reg_bulk_parse_yaml(struct ps_reg_bulk *b, const char *name, const char *p,
			   size_t len)
{
	struct yctx c = {.b = b};
	size_t errors = b->n_errors;
	yaml_parser_t yp;
	yaml_document_t doc;
	int rc;

	memset(&doc, 0, sizeof(doc));
	if ((c.file = ps_reg_bulk_file_add(b, name)) == NULL) {
		(void)ps_reg_bulk_errorf(b, "%s: out of memory or too many files", name);
		return PS_ENOMEM;
	}
	if (!yaml_parser_initialize(&yp)) {
		(void)ps_reg_bulk_errorf(b, "%s: out of memory", name);
		return PS_ENOMEM;
	}
	yaml_parser_set_input_string(&yp, (const unsigned char *)p, len);
	rc = load(&c, &yp, &doc, p, len);
	if (rc != PS_OK)
		goto out;
	c.doc = &doc;
	c.n_nodes = (size_t)(doc.nodes.top - doc.nodes.start);
	c.seen = ps_calloc(PS_MEM_REGISTRY, c.n_nodes, 1);
	if (c.seen == NULL) {
		(void)ps_reg_bulk_errorf(b, "%s: out of memory", name);
		rc = PS_ENOMEM;
		goto out;
	}
	rc = walk(&c, yaml_document_get_root_node(&doc));
out:
	ps_free(c.seen);
	yaml_document_delete(&doc);
	yaml_parser_delete(&yp);
	if (rc == PS_OK && b->n_errors > errors)
		rc = PS_EINVAL;
	return rc;
}
