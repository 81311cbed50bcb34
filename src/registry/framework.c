/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The checklist-framework reader, the answer-sheet readers (YAML and CSV)
 * and the integer scoring of a sheet: pure functions over libyaml trees
 * and bytes that name file:line for every complaint. assess.c stores runs.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <yaml.h>

#include "registry/framework.h"
#include "registry/registry.h"
#include "policy/policy.h"
#include "core/core.h"

#define SHOW_MAX 60
#define ARENA_BLOCK 16384
#define ARENA_CAP ((size_t)64 << 20)
#define CSV_COLS_MAX 16
#define TYPES_MAX 32

/* ---- messages ----------------------------------------------------------- */

static int ffail(struct ps_diag *d, const char *name, unsigned line,
		 const char *fmt, ...) PS_PRINTF(4, 5);

static int ffail(struct ps_diag *d, const char *name, unsigned line,
		 const char *fmt, ...)
{
	char msg[420];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ps_diag_set(d, "%s:%u: %s", name, line, msg);
	return PS_EINVAL;
}

static int nomem(struct ps_diag *d)
{
	ps_diag_set(d, "out of memory");
	return PS_ENOMEM;
}

/* At most SHOW_MAX bytes of s, cut on a UTF-8 boundary. */
static const char *shown(const char *s, size_t len, char *buf, size_t cap)
{
	return ps_text_shown(s, len, SHOW_MAX, buf, cap);
}

/* "; did you mean 'x'?" for a likely typo of one of `n` names, else "". */
static const char *hint(const char *word, size_t len, const char *const *names,
			size_t n, char *buf, size_t cap)
{
	return ps_text_hint(word, len, ps_text_name_array, names, n, buf, cap);
}

/* ---- text --------------------------------------------------------------- */

static bool utf8_ok(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char b = s[i];
		size_t n;
		uint32_t cp;

		if (b < 0x80) {
			i++;
			continue;
		}
		if (b >= 0xc2 && b <= 0xdf)
			n = 1, cp = b & 0x1fu;
		else if (b >= 0xe0 && b <= 0xef)
			n = 2, cp = b & 0x0fu;
		else if (b >= 0xf0 && b <= 0xf4)
			n = 3, cp = b & 0x07u;
		else
			return false;
		if (len - i <= n)
			return false;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3fu);
		}
		if ((n == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (n == 3 && (cp < 0x10000 || cp > 0x10ffff)))
			return false;
		i += n + 1;
	}
	return true;
}

/*
 * A copy of `len` bytes in the arena, as one line: tabs and line breaks
 * become single spaces and both ends are trimmed. Other control characters
 * (C0, DEL, C1), NUL, bad UTF-8 and more than PS_FW_TEXT_MAX bytes are
 * refused with *why set. PS_OK, PS_EINVAL or PS_ENOMEM.
 */
static int text_norm(struct ps_arena *ar, const char *s, size_t len,
		     char **out, const char **why)
{
	const unsigned char *u = (const unsigned char *)s;
	char *dst;
	size_t n = 0;
	bool space = false;

	if (len > PS_FW_TEXT_MAX) {
		*why = "is too long";
		return PS_EINVAL;
	}
	if (!utf8_ok(u, len)) {
		*why = "is not valid UTF-8";
		return PS_EINVAL;
	}
	if ((dst = ps_arena_alloc(ar, len + 1)) == NULL)
		return PS_ENOMEM;
	for (size_t i = 0; i < len; i++) {
		if (u[i] == '\t' || u[i] == '\n' || u[i] == '\r' || u[i] == ' ') {
			space = n > 0;
			continue;
		}
		if (u[i] < 0x20 || u[i] == 0x7f ||
		    (u[i] == 0xc2 && i + 1 < len && u[i + 1] < 0xa0)) {
			*why = "holds a control character";
			return PS_EINVAL;
		}
		if (space)
			dst[n++] = ' ';
		space = false;
		dst[n++] = (char)u[i];
	}
	dst[n] = '\0';
	*out = dst;
	return PS_OK;
}

/* Words of a '|'-separated list: whether `s` is one of them. */
static bool alt_has(const char *alts, const char *s, size_t len)
{
	const char *p = alts;

	while (p != NULL && *p != '\0') {
		const char *e = strchr(p, '|');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		if (n == len && memcmp(p, s, len) == 0)
			return true;
		p = e ? e + 1 : NULL;
	}
	return false;
}

/* The `arg` of field `field` of registry kind `kind`, or NULL. */
static const char *kind_arg(const char *kind, const char *field)
{
	const struct ps_reg_kind *k = ps_reg_kind_find(kind);
	int i = k ? ps_reg_field_find(k, field) : -1;

	return i >= 0 ? k->fields[i].arg : NULL;
}

/* ---- YAML walking ------------------------------------------------------- */

struct yctx {
	yaml_document_t *doc;
	const char *name;
	unsigned char *seen; /* per node: visited (a second visit is an alias) */
	size_t n_nodes;
	struct ps_arena *ar;
	struct ps_diag *d;
};

#define YFAIL(c, line, ...) ffail((c)->d, (c)->name, (line), __VA_ARGS__)

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

static int take(struct yctx *c, int idx, yaml_node_t **out)
{
	yaml_node_t *n = yaml_document_get_node(c->doc, idx);

	if (n == NULL || idx < 1 || (size_t)idx > c->n_nodes) {
		ps_diag_set(c->d, "%s: malformed YAML document", c->name);
		return PS_EPROTO;
	}
	if (c->seen[idx - 1])
		return YFAIL(c, node_line(n), "aliases are not allowed");
	c->seen[idx - 1] = 1;
	*out = n;
	return PS_OK;
}

static const char *type_name(yaml_node_type_t t)
{
	return t == YAML_MAPPING_NODE	 ? "a mapping"
	       : t == YAML_SEQUENCE_NODE ? "a list"
					 : "a single value";
}

static int match_field(struct yctx *c, const yaml_node_t *key,
		       const char *what, const struct field *f, size_t nf)
{
	const char *k = (const char *)key->data.scalar.value;
	size_t len = key->data.scalar.length;
	const char *names[24];
	char buf[SHOW_MAX + 4], h[80];

	for (size_t i = 0; i < nf; i++) {
		if (strlen(f[i].name) == len && memcmp(f[i].name, k, len) == 0)
			return (int)i;
		if (i < PS_ARRAY_LEN(names))
			names[i] = f[i].name;
	}
	return YFAIL(c, node_line(key), "unknown key '%s' in %s%s",
		     shown(k, len, buf, sizeof(buf)), what,
		     hint(k, len, names, nf < 24 ? nf : 24, h, sizeof(h)));
}

/* Fill `f` from mapping `map`: unknown, duplicate, mistyped and missing
 * keys are errors; `line` is named for a missing one. */
static int get_fields(struct yctx *c, yaml_node_t *map, const char *what,
		      unsigned line, struct field *f, size_t nf)
{
	int rc;

	if (map->type != YAML_MAPPING_NODE)
		return YFAIL(c, node_line(map), "%s must be a mapping", what);
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
	     p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = NULL, *v = NULL;
		int i;

		if ((rc = take(c, p->key, &k)) != PS_OK)
			return rc;
		if (k->type != YAML_SCALAR_NODE)
			return YFAIL(c, node_line(k), "keys in %s must be plain "
				     "words", what);
		if ((i = match_field(c, k, what, f, nf)) < 0)
			return i;
		if (f[i].node != NULL)
			return YFAIL(c, node_line(k), "duplicate key '%s' in %s "
				     "(first on line %u)", f[i].name, what,
				     f[i].line);
		if ((rc = take(c, p->value, &v)) != PS_OK)
			return rc;
		if (f[i].type != YAML_NO_NODE && v->type != f[i].type)
			return YFAIL(c, node_line(v), "'%s' in %s must be %s",
				     f[i].name, what, type_name(f[i].type));
		f[i].node = v;
		f[i].line = node_line(k);
	}
	for (size_t i = 0; i < nf; i++)
		if (f[i].required && f[i].node == NULL)
			return YFAIL(c, line, "%s has no '%s'", what, f[i].name);
	return PS_OK;
}

/* Raw bytes of a scalar node. */
static int yraw(struct yctx *c, const yaml_node_t *n, const char *what,
		const char **s, size_t *len)
{
	if (n->type != YAML_SCALAR_NODE)
		return YFAIL(c, node_line(n), "%s must be a single value", what);
	*s = (const char *)n->data.scalar.value;
	*len = n->data.scalar.length;
	return PS_OK;
}

/* A normalised text (text_norm); NULL when `n` is NULL and optional. */
static int ytext(struct yctx *c, const yaml_node_t *n, const char *what,
		 const char *key, bool required, const char **out)
{
	const char *s = NULL, *why = NULL;
	size_t len = 0;
	char *t = NULL;
	int rc;

	*out = NULL;
	if (n == NULL)
		return PS_OK;
	if ((rc = yraw(c, n, what, &s, &len)) != PS_OK)
		return rc;
	rc = text_norm(c->ar, s, len, &t, &why);
	if (rc == PS_ENOMEM)
		return nomem(c->d);
	if (rc != PS_OK)
		return YFAIL(c, node_line(n), "'%s' of %s %s", key, what, why);
	if (t[0] == '\0' && required)
		return YFAIL(c, node_line(n), "'%s' of %s is empty", key, what);
	*out = t[0] != '\0' ? t : NULL;
	return PS_OK;
}

/* A plain unsigned decimal in [lo, hi]. */
static int yuint(struct yctx *c, const yaml_node_t *n, const char *what,
		 const char *key, unsigned lo, unsigned hi, unsigned *out)
{
	const char *s = NULL;
	size_t len = 0;
	uint64_t v = 0;
	char buf[SHOW_MAX + 4];
	bool ok;
	int rc;

	if ((rc = yraw(c, n, what, &s, &len)) != PS_OK)
		return rc;
	ok = n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && len > 0 &&
	     len <= 9;
	for (size_t i = 0; ok && i < len; i++) {
		ok = s[i] >= '0' && s[i] <= '9';
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (!ok || v < lo || v > hi)
		return YFAIL(c, node_line(n), "'%s' of %s must be a whole number "
			     "from %u to %u (got '%s')", key, what, lo, hi,
			     shown(s, len, buf, sizeof(buf)));
	*out = (unsigned)v;
	return PS_OK;
}

static int ybool(struct yctx *c, const yaml_node_t *n, const char *what,
		 const char *key, bool *out)
{
	const char *s = NULL;
	size_t len = 0;
	char buf[SHOW_MAX + 4];
	int rc;

	if ((rc = yraw(c, n, what, &s, &len)) != PS_OK)
		return rc;
	if (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	    ((len == 4 && memcmp(s, "true", 4) == 0) ||
	     (len == 5 && memcmp(s, "false", 5) == 0))) {
		*out = len == 4;
		return PS_OK;
	}
	return YFAIL(c, node_line(n), "'%s' of %s must be true or false "
		     "(got '%s')", key, what, shown(s, len, buf, sizeof(buf)));
}

static int syntax_error(struct yctx *c, const yaml_parser_t *yp,
			const char *text, size_t len)
{
	unsigned line, col;

	if (yp->error == YAML_MEMORY_ERROR)
		return nomem(c->d);
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

/* Load exactly one YAML document of `text`; *root its root node. */
static int yload(struct yctx *c, yaml_parser_t *yp, yaml_document_t *doc,
		 const char *text, size_t len, yaml_node_t **root)
{
	yaml_document_t extra;
	yaml_node_t *r2;
	int rc = PS_OK;

	if (!yaml_parser_load(yp, doc))
		return syntax_error(c, yp, text, len);
	if ((*root = yaml_document_get_root_node(doc)) == NULL)
		return YFAIL(c, 1, "the file is empty");
	memset(&extra, 0, sizeof(extra));
	if (!yaml_parser_load(yp, &extra)) {
		rc = syntax_error(c, yp, text, len);
	} else if ((r2 = yaml_document_get_root_node(&extra)) != NULL) {
		rc = YFAIL(c, node_line(r2), "only one YAML document is allowed");
	}
	yaml_document_delete(&extra);
	if (rc != PS_OK)
		return rc;
	c->doc = doc;
	c->n_nodes = (size_t)(doc->nodes.top - doc->nodes.start);
	c->seen = ps_calloc(PS_MEM_REGISTRY, c->n_nodes ? c->n_nodes : 1, 1);
	return c->seen != NULL ? PS_OK : nomem(c->d);
}

typedef int (*yroot_fn)(struct yctx *c, yaml_node_t *root, void *arg);

/* Parse `text` as one YAML document and hand its root to `fn`. */
static int yparse(const char *name, const char *text, size_t len,
		  struct ps_arena *ar, struct ps_diag *d, yroot_fn fn,
		  void *arg)
{
	struct yctx c = {.name = name, .ar = ar, .d = d};
	yaml_parser_t yp;
	yaml_document_t doc;
	yaml_node_t *root = NULL;
	int rc;

	if (len > PS_FW_FILE_MAX) {
		ps_diag_set(d, "%s: larger than %u bytes", name, PS_FW_FILE_MAX);
		return PS_ELIMIT;
	}
	memset(&doc, 0, sizeof(doc));
	if (!yaml_parser_initialize(&yp))
		return nomem(d);
	yaml_parser_set_input_string(&yp, (const unsigned char *)text, len);
	rc = yload(&c, &yp, &doc, text, len, &root);
	if (rc == PS_OK)
		rc = fn(&c, root, arg);
	ps_free(c.seen);
	yaml_document_delete(&doc);
	yaml_parser_delete(&yp);
	return rc;
}

/* ---- framework ------------------------------------------------------------ */

/* Building state: requirements grow on the heap, strings in the arena. */
struct build {
	struct ps_framework *fw;
	const struct ps_policy *pol;
	unsigned lvl_min, lvl_max;
	struct ps_fw_req *reqs;
	size_t n_reqs, cap_reqs;
	struct ps_fw_section *secs;
	size_t n_secs;
};

static const char *const target_names[] = {"unit", "iie", "iov", "operator"};

const char *ps_fw_target_name(unsigned kind)
{
	for (size_t i = 0; i < PS_ARRAY_LEN(target_names); i++)
		if (kind == 1u << i)
			return target_names[i];
	return NULL;
}

unsigned ps_fw_target_parse(const char *name)
{
	for (size_t i = 0; i < PS_ARRAY_LEN(target_names); i++)
		if (strcmp(name, target_names[i]) == 0)
			return 1u << i;
	return 0;
}

static bool fw_id_ok(const char *s, size_t len)
{
	if (len == 0 || len > 64 || s[0] < 'a' || s[0] > 'z' || s[len - 1] == '-')
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

static bool version_ok(const char *s, size_t len)
{
	if (len == 0 || len > 16 || s[0] == '.' || s[len - 1] == '.')
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '.' && s[i + 1] == '.')
			return false;
		if (s[i] != '.' && (s[i] < '0' || s[i] > '9'))
			return false;
	}
	return true;
}

static bool item_id_ok(const char *s, size_t len)
{
	if (len == 0 || len > PS_FW_ID_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		char ch = s[i];
		bool alnum = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			     (ch >= '0' && ch <= '9');

		if (!alnum && (i == 0 || (ch != '.' && ch != '-' && ch != '_')))
			return false;
	}
	return true;
}

/* An id checked with `ok`, copied into the arena. */
static int yid(struct yctx *c, const yaml_node_t *n, const char *what,
	       bool (*ok)(const char *, size_t), const char *rule,
	       const char **out)
{
	const char *s = NULL;
	size_t len = 0;
	char buf[SHOW_MAX + 4];
	int rc;

	if ((rc = yraw(c, n, what, &s, &len)) != PS_OK)
		return rc;
	if (!ok(s, len))
		return YFAIL(c, node_line(n), "bad id '%s' in %s: %s",
			     shown(s, len, buf, sizeof(buf)), what, rule);
	*out = ps_arena_strndup(c->ar, s, len);
	return *out ? PS_OK : nomem(c->d);
}

static int parse_targets(struct yctx *c, const yaml_node_t *seq,
			 unsigned *out)
{
	*out = 0;
	for (yaml_node_item_t *it = seq->data.sequence.items.start;
	     it < seq->data.sequence.items.top; it++) {
		yaml_node_t *n = NULL;
		const char *s = NULL;
		size_t len = 0;
		char buf[SHOW_MAX + 4], h[80];
		unsigned bit = 0;
		int rc;

		if ((rc = take(c, *it, &n)) != PS_OK ||
		    (rc = yraw(c, n, "'targets'", &s, &len)) != PS_OK)
			return rc;
		for (size_t i = 0; i < PS_ARRAY_LEN(target_names); i++)
			if (strlen(target_names[i]) == len &&
			    memcmp(target_names[i], s, len) == 0)
				bit = 1u << i;
		if (bit == 0)
			return YFAIL(c, node_line(n), "unknown target '%s' (use "
				     "unit, iie, iov or operator)%s",
				     shown(s, len, buf, sizeof(buf)),
				     hint(s, len, target_names,
					  PS_ARRAY_LEN(target_names), h, sizeof(h)));
		if (*out & bit)
			return YFAIL(c, node_line(n), "target '%s' is listed "
				     "twice", target_names[__builtin_ctz(bit)]);
		*out |= bit;
	}
	if (*out == 0)
		return YFAIL(c, node_line(seq), "'targets' is empty");
	return PS_OK;
}

/* Levels -------------------------------------------------------------------- */

/* "N", "N-M" or "N+" into a bit mask; PS_EINVAL when malformed. */
static int level_span(const char *s, size_t len, unsigned max, unsigned *lo,
		      unsigned *hi)
{
	unsigned v[2] = {0, 0};
	size_t i = 0;
	int k = 0;

	for (;;) {
		size_t start = i;

		while (i < len && s[i] >= '0' && s[i] <= '9' && i - start < 3)
			v[k] = v[k] * 10 + (unsigned)(s[i++] - '0');
		if (i == start)
			return PS_EINVAL;
		if (i == len)
			break;
		if (k == 0 && s[i] == '+' && i + 1 == len) {
			*lo = v[0];
			*hi = max > v[0] ? max : v[0];
			return PS_OK;
		}
		if (k == 1 || s[i] != '-')
			return PS_EINVAL;
		k = 1;
		i++;
	}
	*lo = v[0];
	*hi = k ? v[1] : v[0];
	return PS_OK;
}

static int parse_level_item(struct yctx *c, struct build *b,
			    const yaml_node_t *n, const char *what,
			    uint32_t *mask)
{
	const char *s = NULL;
	size_t len = 0;
	unsigned lo = 0, hi = 0;
	char buf[SHOW_MAX + 4];
	int rc;

	if ((rc = yraw(c, n, what, &s, &len)) != PS_OK)
		return rc;
	if (level_span(s, len, b->lvl_max, &lo, &hi) != PS_OK || lo > hi)
		return YFAIL(c, node_line(n), "bad level '%s' in %s: use a level, "
			     "a range \"2-5\", \"3+\" or a list of them",
			     shown(s, len, buf, sizeof(buf)), what);
	if (lo < b->lvl_min || hi > b->lvl_max)
		return YFAIL(c, node_line(n), "level '%s' in %s is outside "
			     "%u-%u%s", shown(s, len, buf, sizeof(buf)), what,
			     b->lvl_min, b->lvl_max,
			     b->pol ? " (policy protection.level.min/max)" : "");
	for (unsigned l = lo; l <= hi; l++) {
		if (*mask & (UINT32_C(1) << l))
			return YFAIL(c, node_line(n), "level %u is listed twice "
				     "in %s", l, what);
		*mask |= UINT32_C(1) << l;
	}
	return PS_OK;
}

static int parse_levels(struct yctx *c, struct build *b, yaml_node_t *n,
			const char *what, uint32_t *mask)
{
	int rc;

	*mask = 0;
	if (n->type == YAML_SCALAR_NODE)
		return parse_level_item(c, b, n, what, mask);
	if (n->type != YAML_SEQUENCE_NODE)
		return YFAIL(c, node_line(n), "'applies_to_levels' of %s must "
			     "be a level, a range or a list", what);
	for (yaml_node_item_t *it = n->data.sequence.items.start;
	     it < n->data.sequence.items.top; it++) {
		yaml_node_t *item = NULL;

		if ((rc = take(c, *it, &item)) != PS_OK ||
		    (rc = parse_level_item(c, b, item, what, mask)) != PS_OK)
			return rc;
	}
	if (*mask == 0)
		return YFAIL(c, node_line(n), "'applies_to_levels' of %s is "
			     "empty", what);
	return PS_OK;
}

void ps_fw_levels_fmt(uint32_t levels, char *out, size_t outlen)
{
	size_t n = 0;

	if (outlen == 0)
		return;
	out[0] = '\0';
	if (levels == 0) {
		snprintf(out, outlen, "all");
		return;
	}
	for (unsigned l = 0; l < 32 && n < outlen; l++) {
		unsigned e = l;

		if (!(levels & (UINT32_C(1) << l)))
			continue;
		while (e + 1 < 32 && (levels & (UINT32_C(1) << (e + 1))))
			e++;
		n += (size_t)snprintf(out + n, outlen - n, e > l ? "%s%u-%u" :
				      "%s%u", n ? "," : "", l, e);
		l = e;
	}
}

/* Target types ------------------------------------------------------------- */

static bool type_known(const struct build *b, const char *s, size_t len)
{
	unsigned t = b->fw->targets;

	if ((t & PS_FW_TGT_UNIT) && alt_has(kind_arg("unit", "type"), s, len))
		return true;
	if ((t & PS_FW_TGT_IOV) && alt_has(kind_arg("iov", "kind"), s, len))
		return true;
	if ((t & PS_FW_TGT_OPERATOR) &&
	    alt_has(kind_arg("operator", "type"), s, len))
		return true;
	if (t & PS_FW_TGT_IIE) {
		const struct ps_policy_table *tb =
			b->pol ? ps_policy_table_get(b->pol, "industrial.classes")
			       : NULL;
		char w[64];

		if (tb == NULL)
			return true; /* cannot tell without the policy */
		snprintf(w, sizeof(w), "%.*s", (int)(len < 63 ? len : 63), s);
		return len < 63 && ps_policy_table_find(tb, "code", w) >= 0;
	}
	return false;
}

static int parse_types(struct yctx *c, struct build *b, const yaml_node_t *seq,
		       const char *what, struct ps_fw_req *r)
{
	size_t n = (size_t)(seq->data.sequence.items.top -
			    seq->data.sequence.items.start);
	const char **types;
	int rc;

	if (n == 0 || n > TYPES_MAX)
		return YFAIL(c, node_line(seq), "'applies_to' of %s must list "
			     "1 to %d types", what, TYPES_MAX);
	if ((types = ps_arena_calloc(c->ar, n, sizeof(*types))) == NULL)
		return nomem(c->d);
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *it = NULL;
		const char *s = NULL;
		size_t len = 0;
		char buf[SHOW_MAX + 4];

		if ((rc = take(c, seq->data.sequence.items.start[i], &it)) != PS_OK ||
		    (rc = yraw(c, it, what, &s, &len)) != PS_OK)
			return rc;
		if (!type_known(b, s, len))
			return YFAIL(c, node_line(it), "unknown type '%s' in "
				     "'applies_to' of %s: no target of this "
				     "framework has it", shown(s, len, buf,
							       sizeof(buf)), what);
		for (size_t j = 0; j < i; j++)
			if (strlen(types[j]) == len && memcmp(types[j], s, len) == 0)
				return YFAIL(c, node_line(it), "type '%s' is "
					     "listed twice in %s", types[j], what);
		if ((types[i] = ps_arena_strndup(c->ar, s, len)) == NULL)
			return nomem(c->d);
	}
	r->types = types;
	r->n_types = n;
	return PS_OK;
}

/* Requirements and sections ------------------------------------------------ */

enum { R_ID, R_TITLE, R_TITLE_EN, R_POINTS, R_LEVELS, R_TYPES, R_EVIDENCE,
       R_SOURCE, R_CRITICAL, R__N };

static int req_push(struct yctx *c, struct build *b, unsigned line,
		    struct ps_fw_req **out)
{
	if (b->n_reqs == PS_FW_REQS_MAX) {
		YFAIL(c, line, "more than %d requirements", PS_FW_REQS_MAX);
		return PS_ELIMIT;
	}
	if (b->n_reqs == b->cap_reqs) {
		size_t cap = b->cap_reqs ? b->cap_reqs * 2 : 32;
		struct ps_fw_req *p = ps_reallocarray(PS_MEM_REGISTRY, b->reqs,
						      cap, sizeof(*p));

		if (p == NULL)
			return nomem(c->d);
		b->reqs = p;
		b->cap_reqs = cap;
	}
	*out = &b->reqs[b->n_reqs++];
	memset(*out, 0, sizeof(**out));
	return PS_OK;
}

static int req_fields(struct yctx *c, struct build *b, struct field *f,
		      const char *what, struct ps_fw_req *r)
{
	int rc;

	if ((rc = ytext(c, f[R_TITLE].node, what, "title", true, &r->title)) ||
	    (rc = ytext(c, f[R_TITLE_EN].node, what, "title_en", false,
			&r->title_en)) ||
	    (rc = yuint(c, f[R_POINTS].node, what, "points", 1, PS_FW_POINTS_MAX,
			&r->points)) ||
	    (rc = ytext(c, f[R_EVIDENCE].node, what, "evidence", false,
			&r->evidence)) ||
	    (rc = ytext(c, f[R_SOURCE].node, what, "source", false, &r->source)))
		return rc;
	if (f[R_LEVELS].node != NULL &&
	    (rc = parse_levels(c, b, f[R_LEVELS].node, what, &r->levels)) != PS_OK)
		return rc;
	if (f[R_TYPES].node != NULL &&
	    (rc = parse_types(c, b, f[R_TYPES].node, what, r)) != PS_OK)
		return rc;
	if (f[R_CRITICAL].node != NULL)
		return ybool(c, f[R_CRITICAL].node, what, "critical", &r->critical);
	return PS_OK;
}

static int parse_req(struct yctx *c, struct build *b, yaml_node_t *map,
		     const char *section)
{
	struct field f[R__N] = {
		[R_ID] = {"id", YAML_SCALAR_NODE, true, NULL, 0},
		[R_TITLE] = {"title", YAML_SCALAR_NODE, true, NULL, 0},
		[R_TITLE_EN] = {"title_en", YAML_SCALAR_NODE, false, NULL, 0},
		[R_POINTS] = {"points", YAML_SCALAR_NODE, true, NULL, 0},
		[R_LEVELS] = {"applies_to_levels", YAML_NO_NODE, false, NULL, 0},
		[R_TYPES] = {"applies_to", YAML_SEQUENCE_NODE, false, NULL, 0},
		[R_EVIDENCE] = {"evidence", YAML_SCALAR_NODE, false, NULL, 0},
		[R_SOURCE] = {"source", YAML_SCALAR_NODE, false, NULL, 0},
		[R_CRITICAL] = {"critical", YAML_SCALAR_NODE, false, NULL, 0},
	};
	struct ps_fw_req *r = NULL;
	char what[PS_FW_ID_MAX + 24];
	int rc;

	rc = get_fields(c, map, "a requirement", node_line(map), f, R__N);
	if (rc != PS_OK || (rc = req_push(c, b, node_line(map), &r)) != PS_OK)
		return rc;
	r->section = section;
	r->line = f[R_ID].line;
	rc = yid(c, f[R_ID].node, "a requirement", item_id_ok, "use letters, "
		 "digits and . - _ (at most 32)", &r->id);
	if (rc != PS_OK)
		return rc;
	for (size_t i = 0; i + 1 < b->n_reqs; i++)
		if (strcmp(b->reqs[i].id, r->id) == 0)
			return YFAIL(c, r->line, "duplicate requirement id '%s' "
				     "(first on line %u)", r->id, b->reqs[i].line);
	snprintf(what, sizeof(what), "requirement '%s'", r->id);
	return req_fields(c, b, f, what, r);
}

static int parse_section(struct yctx *c, struct build *b, yaml_node_t *map,
			 struct ps_fw_section *s)
{
	struct field f[] = {
		{"id", YAML_SCALAR_NODE, true, NULL, 0},
		{"title", YAML_SCALAR_NODE, true, NULL, 0},
		{"title_en", YAML_SCALAR_NODE, false, NULL, 0},
		{"requirements", YAML_SEQUENCE_NODE, true, NULL, 0},
	};
	yaml_node_t *seq;
	char what[PS_FW_ID_MAX + 24];
	int rc;

	rc = get_fields(c, map, "a section", node_line(map), f, PS_ARRAY_LEN(f));
	if (rc != PS_OK || (rc = yid(c, f[0].node, "a section", item_id_ok,
				     "use letters, digits and . - _ (at most "
				     "32)", &s->id)) != PS_OK)
		return rc;
	s->line = f[0].line;
	for (size_t i = 0; i < b->n_secs; i++)
		if (strcmp(b->secs[i].id, s->id) == 0)
			return YFAIL(c, s->line, "duplicate section id '%s' "
				     "(first on line %u)", s->id, b->secs[i].line);
	snprintf(what, sizeof(what), "section '%s'", s->id);
	if ((rc = ytext(c, f[1].node, what, "title", true, &s->title)) ||
	    (rc = ytext(c, f[2].node, what, "title_en", false, &s->title_en)))
		return rc;
	seq = f[3].node;
	if (seq->data.sequence.items.top == seq->data.sequence.items.start)
		return YFAIL(c, f[3].line, "%s has no requirements", what);
	s->first = b->n_reqs;
	for (yaml_node_item_t *it = seq->data.sequence.items.start;
	     it < seq->data.sequence.items.top; it++) {
		yaml_node_t *n = NULL;

		if ((rc = take(c, *it, &n)) != PS_OK ||
		    (rc = parse_req(c, b, n, s->id)) != PS_OK)
			return rc;
	}
	s->count = b->n_reqs - s->first;
	return PS_OK;
}

static int parse_sections(struct yctx *c, struct build *b, yaml_node_t *seq,
			  unsigned line)
{
	size_t n = (size_t)(seq->data.sequence.items.top -
			    seq->data.sequence.items.start);
	int rc;

	if (n == 0)
		return YFAIL(c, line, "'sections' is empty");
	if (n > PS_FW_SECTIONS_MAX) {
		YFAIL(c, line, "more than %d sections", PS_FW_SECTIONS_MAX);
		return PS_ELIMIT;
	}
	b->secs = ps_arena_calloc(c->ar, n, sizeof(*b->secs));
	if (b->secs == NULL)
		return nomem(c->d);
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *s = NULL;

		if ((rc = take(c, seq->data.sequence.items.start[i], &s)) != PS_OK ||
		    (rc = parse_section(c, b, s, &b->secs[i])) != PS_OK)
			return rc;
		b->n_secs++;
	}
	return PS_OK;
}

/* The top level ------------------------------------------------------------ */

enum { T_SCHEMA, T_ID, T_VERSION, T_TITLE, T_TITLE_EN, T_KIND, T_TARGETS,
       T_SOURCE, T_NOTE, T_PASS, T_RDAYS, T_SECTIONS, T__N };

static int parse_head(struct yctx *c, struct build *b, struct field *f)
{
	struct ps_framework *fw = b->fw;
	const char *s = NULL;
	size_t len = 0;
	unsigned schema = 0, days = 0;
	char buf[SHOW_MAX + 4];
	int rc;

	if ((rc = yuint(c, f[T_SCHEMA].node, "the framework", "schema", 1, 999,
			&schema)) != PS_OK)
		return rc;
	if (schema != PS_FW_SCHEMA)
		return YFAIL(c, f[T_SCHEMA].line, "framework schema %u is not "
			     "supported (this version reads schema %d)", schema,
			     PS_FW_SCHEMA);
	if ((rc = yid(c, f[T_ID].node, "the framework", fw_id_ok, "use a-z, "
		      "0-9 and '-', starting with a letter", &fw->id)) ||
	    (rc = yraw(c, f[T_VERSION].node, "'version'", &s, &len)))
		return rc;
	if (!version_ok(s, len))
		return YFAIL(c, f[T_VERSION].line, "bad version '%s': use digits "
			     "and dots (\"1\", \"2.1\")",
			     shown(s, len, buf, sizeof(buf)));
	if ((fw->version = ps_arena_strndup(c->ar, s, len)) == NULL)
		return nomem(c->d);
	if ((rc = ytext(c, f[T_TITLE].node, "the framework", "title", true,
			&fw->title)) ||
	    (rc = ytext(c, f[T_TITLE_EN].node, "the framework", "title_en", true,
			&fw->title_en)) ||
	    (rc = ytext(c, f[T_SOURCE].node, "the framework", "source", true,
			&fw->source)) ||
	    (rc = ytext(c, f[T_NOTE].node, "the framework", "note", false,
			&fw->note)) ||
	    (rc = ytext(c, f[T_KIND].node, "the framework", "kind", true,
			&fw->kind)) ||
	    (rc = yuint(c, f[T_PASS].node, "the framework", "pass_score", 0, 100,
			&fw->pass_score)))
		return rc;
	if (!alt_has(kind_arg("assessment", "kind"), fw->kind, strlen(fw->kind)))
		return YFAIL(c, f[T_KIND].line, "unknown kind '%s' (use "
			     "conformity, risk, data_risk or self_inspection)",
			     shown(fw->kind, strlen(fw->kind), buf, sizeof(buf)));
	fw->rectification_days = -1;
	if (f[T_RDAYS].node != NULL) {
		if ((rc = yuint(c, f[T_RDAYS].node, "the framework",
				"rectification_days", 1, 3660, &days)) != PS_OK)
			return rc;
		fw->rectification_days = (int)days;
	}
	fw->targets = PS_FW_TGT_ALL;
	if (f[T_TARGETS].node != NULL)
		return parse_targets(c, f[T_TARGETS].node, &fw->targets);
	return PS_OK;
}

static int framework_root(struct yctx *c, yaml_node_t *root, void *arg)
{
	struct build *b = arg;
	struct field f[T__N] = {
		[T_SCHEMA] = {"schema", YAML_SCALAR_NODE, true, NULL, 0},
		[T_ID] = {"id", YAML_SCALAR_NODE, true, NULL, 0},
		[T_VERSION] = {"version", YAML_SCALAR_NODE, true, NULL, 0},
		[T_TITLE] = {"title", YAML_SCALAR_NODE, true, NULL, 0},
		[T_TITLE_EN] = {"title_en", YAML_SCALAR_NODE, true, NULL, 0},
		[T_KIND] = {"kind", YAML_SCALAR_NODE, true, NULL, 0},
		[T_TARGETS] = {"targets", YAML_SEQUENCE_NODE, false, NULL, 0},
		[T_SOURCE] = {"source", YAML_SCALAR_NODE, true, NULL, 0},
		[T_NOTE] = {"note", YAML_SCALAR_NODE, false, NULL, 0},
		[T_PASS] = {"pass_score", YAML_SCALAR_NODE, true, NULL, 0},
		[T_RDAYS] = {"rectification_days", YAML_SCALAR_NODE, false, NULL, 0},
		[T_SECTIONS] = {"sections", YAML_SEQUENCE_NODE, true, NULL, 0},
	};
	int rc = get_fields(c, root, "the framework", node_line(root), f, T__N);

	if (rc != PS_OK || (rc = parse_head(c, b, f)) != PS_OK)
		return rc;
	return parse_sections(c, b, f[T_SECTIONS].node, f[T_SECTIONS].line);
}

static void level_bounds(const struct ps_policy *pol, unsigned *lo,
			 unsigned *hi)
{
	int64_t a = 0, z = 0;

	*lo = 1;
	*hi = PS_FW_LEVEL_LIMIT;
	if (pol != NULL && ps_policy_get_int(pol, "protection.level.min", &a) ==
				   PS_OK &&
	    ps_policy_get_int(pol, "protection.level.max", &z) == PS_OK &&
	    a >= 0 && a <= z && z <= PS_FW_LEVEL_LIMIT) {
		*lo = (unsigned)a;
		*hi = (unsigned)z;
	}
}

int ps_fw_load_mem(const char *name, const char *text, size_t len,
		   const struct ps_policy *pol, struct ps_framework **out,
		   struct ps_diag *d)
{
	struct ps_framework *fw = ps_calloc(PS_MEM_REGISTRY, 1, sizeof(*fw));
	struct build b = {.fw = fw, .pol = pol};
	int rc;

	*out = NULL;
	if (fw == NULL)
		return nomem(d);
	ps_arena_init(&fw->arena, PS_MEM_REGISTRY, ARENA_BLOCK, ARENA_CAP);
	level_bounds(pol, &b.lvl_min, &b.lvl_max);
	fw->file = ps_arena_strndup(&fw->arena, name, strlen(name));
	rc = fw->file ? yparse(fw->file, text, len, &fw->arena, d,
			       framework_root, &b) : nomem(d);
	fw->reqs = b.reqs;
	fw->n_reqs = b.n_reqs;
	fw->sections = b.secs;
	fw->n_sections = b.n_secs;
	for (size_t i = 0; i < b.n_reqs; i++)
		fw->total_points += b.reqs[i].points;
	if (rc != PS_OK) {
		ps_fw_free(fw);
		return rc;
	}
	*out = fw;
	return PS_OK;
}

int ps_fw_load_file(const char *path, const struct ps_policy *pol,
		    struct ps_framework **out, struct ps_diag *d)
{
	char *text = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	rc = ps_file_read(path, PS_MEM_REGISTRY, PS_FW_FILE_MAX, &text, &len, d);
	if (rc != PS_OK)
		return rc;
	rc = ps_fw_load_mem(path, text, len, pol, out, d);
	ps_free(text);
	return rc;
}

void ps_fw_free(struct ps_framework *fw)
{
	if (fw == NULL)
		return;
	ps_free((void *)fw->reqs);
	ps_arena_release(&fw->arena);
	ps_free(fw);
}

long ps_fw_req_index(const struct ps_framework *fw, const char *id)
{
	for (size_t i = 0; i < fw->n_reqs; i++)
		if (strcmp(fw->reqs[i].id, id) == 0)
			return (long)i;
	return -1;
}

static long req_index_n(const struct ps_framework *fw, const char *s,
			size_t len)
{
	for (size_t i = 0; i < fw->n_reqs; i++)
		if (strlen(fw->reqs[i].id) == len &&
		    memcmp(fw->reqs[i].id, s, len) == 0)
			return (long)i;
	return -1;
}

/* ---- verdicts ----------------------------------------------------------- */

static const struct {
	const char *word;
	enum ps_fw_verdict v;
} verdict_words[] = {
	{"pass", PS_FW_PASS}, {"fail", PS_FW_FAIL}, {"partial", PS_FW_PARTIAL},
	{"na", PS_FW_NA}, {"n/a", PS_FW_NA},
	{"符合", PS_FW_PASS}, {"不符合", PS_FW_FAIL}, {"部分符合", PS_FW_PARTIAL},
	{"不适用", PS_FW_NA},
};

const char *ps_fw_verdict_name(enum ps_fw_verdict v)
{
	static const char *const names[] = {"", "pass", "fail", "partial", "na"};

	return (unsigned)v < PS_ARRAY_LEN(names) ? names[v] : "";
}

const char *ps_fw_verdict_zh(enum ps_fw_verdict v)
{
	static const char *const names[] = {"", "符合", "不符合", "部分符合", "不适用"};

	return (unsigned)v < PS_ARRAY_LEN(names) ? names[v] : "";
}

enum ps_fw_verdict ps_fw_verdict_parse(const char *s, size_t len)
{
	for (size_t i = 0; i < PS_ARRAY_LEN(verdict_words); i++) {
		const char *w = verdict_words[i].word;
		size_t k;

		if (strlen(w) != len)
			continue;
		for (k = 0; k < len; k++) {
			char ch = s[k];

			if (ch >= 'A' && ch <= 'Z')
				ch = (char)(ch - 'A' + 'a');
			if (ch != w[k])
				break;
		}
		if (k == len)
			return verdict_words[i].v;
	}
	return PS_FW_NONE;
}

/* ---- answer sheets -------------------------------------------------------- */

/* The sheet being read: answers are slots of the framework's requirements. */
struct sheet {
	const struct ps_framework *fw;
	struct ps_fw_answers *a;
	struct ps_fw_answer *by_req;
};

/* Raw strings of one answer, as read from either format. */
struct raw_answer {
	const char *id;
	size_t id_len;
	const char *verdict;
	size_t verdict_len;
	const char *note, *evidence, *owner, *deadline; /* normalised, or NULL */
	unsigned line;
	unsigned verdict_line, deadline_line;
};

static int sheet_put(struct sheet *sh, const struct raw_answer *ra,
		     struct ps_diag *d)
{
	const char *name = sh->a->file;
	char buf[SHOW_MAX + 4];
	long i = req_index_n(sh->fw, ra->id, ra->id_len);
	struct ps_fw_answer *an;
	enum ps_fw_verdict v;

	if (i < 0)
		return ffail(d, name, ra->line, "unknown requirement '%s': '%s' "
			     "%s has no such id", shown(ra->id, ra->id_len, buf,
							sizeof(buf)),
			     sh->fw->id, sh->fw->version);
	an = &sh->by_req[i];
	if (an->v != PS_FW_NONE)
		return ffail(d, name, ra->line, "requirement '%s' is answered "
			     "twice (first on line %u)", sh->fw->reqs[i].id,
			     an->line);
	v = ps_fw_verdict_parse(ra->verdict, ra->verdict_len);
	if (v == PS_FW_NONE)
		return ffail(d, name, ra->verdict_line, "unknown answer '%s' for "
			     "'%s' (use pass, fail, partial or na)",
			     shown(ra->verdict, ra->verdict_len, buf, sizeof(buf)),
			     sh->fw->reqs[i].id);
	if (ra->deadline != NULL &&
	    ps_date_parse(ra->deadline, strlen(ra->deadline), &an->deadline) !=
		    PS_OK)
		return ffail(d, name, ra->deadline_line, "deadline '%s' of '%s' "
			     "is not a real date YYYY-MM-DD",
			     shown(ra->deadline, strlen(ra->deadline), buf,
				   sizeof(buf)), sh->fw->reqs[i].id);
	an->has_deadline = ra->deadline != NULL;
	an->v = v;
	an->note = ra->note;
	an->evidence = ra->evidence;
	an->owner = ra->owner;
	an->line = ra->line;
	sh->a->n_answered++;
	return PS_OK;
}

/* YAML: {answer: ..., note: ..., ...} or a bare answer word. */
static int yaml_answer(struct yctx *c, struct sheet *sh, yaml_node_t *key,
		       yaml_node_t *val)
{
	struct field f[] = {
		{"answer", YAML_SCALAR_NODE, true, NULL, 0},
		{"note", YAML_SCALAR_NODE, false, NULL, 0},
		{"evidence", YAML_SCALAR_NODE, false, NULL, 0},
		{"owner", YAML_SCALAR_NODE, false, NULL, 0},
		{"deadline", YAML_SCALAR_NODE, false, NULL, 0},
	};
	struct raw_answer ra = {.line = node_line(key)};
	char what[PS_FW_ID_MAX + 24], buf[SHOW_MAX + 4];
	const yaml_node_t *vn = val;
	int rc;

	if ((rc = yraw(c, key, "a requirement id", &ra.id, &ra.id_len)) != PS_OK)
		return rc;
	snprintf(what, sizeof(what), "answer '%s'",
		 shown(ra.id, ra.id_len, buf, sizeof(buf)));
	if (val->type == YAML_MAPPING_NODE) {
		rc = get_fields(c, val, what, ra.line, f, PS_ARRAY_LEN(f));
		if (rc != PS_OK ||
		    (rc = ytext(c, f[1].node, what, "note", false, &ra.note)) ||
		    (rc = ytext(c, f[2].node, what, "evidence", false,
				&ra.evidence)) ||
		    (rc = ytext(c, f[3].node, what, "owner", false, &ra.owner)) ||
		    (rc = ytext(c, f[4].node, what, "deadline", false,
				&ra.deadline)))
			return rc;
		vn = f[0].node;
		ra.deadline_line = f[4].node ? node_line(f[4].node) : ra.line;
	}
	if ((rc = yraw(c, vn, what, &ra.verdict, &ra.verdict_len)) != PS_OK)
		return rc;
	ra.verdict_line = node_line(vn);
	return sheet_put(sh, &ra, c->d);
}

/* `framework:` and `version:` of a sheet must name the framework. */
static int sheet_check_head(struct yctx *c, const struct sheet *sh,
			    const struct field *fid, const struct field *fver)
{
	const char *s = NULL;
	size_t len = 0;
	char buf[SHOW_MAX + 4];
	int rc;

	if (fid->node != NULL) {
		if ((rc = yraw(c, fid->node, "'framework'", &s, &len)) != PS_OK)
			return rc;
		if (strlen(sh->fw->id) != len || memcmp(sh->fw->id, s, len) != 0)
			return YFAIL(c, fid->line, "these answers are for framework "
				     "'%s', not '%s'", shown(s, len, buf,
							     sizeof(buf)),
				     sh->fw->id);
	}
	if (fver->node != NULL) {
		if ((rc = yraw(c, fver->node, "'version'", &s, &len)) != PS_OK)
			return rc;
		if (strlen(sh->fw->version) != len ||
		    memcmp(sh->fw->version, s, len) != 0)
			return YFAIL(c, fver->line, "these answers are for version "
				     "'%s' of '%s', not '%s'", shown(s, len, buf,
								     sizeof(buf)),
				     sh->fw->id, sh->fw->version);
	}
	return PS_OK;
}

static int answers_root(struct yctx *c, yaml_node_t *root, void *arg)
{
	struct sheet *sh = arg;
	struct field f[] = {
		{"schema", YAML_SCALAR_NODE, false, NULL, 0},
		{"framework", YAML_SCALAR_NODE, false, NULL, 0},
		{"version", YAML_SCALAR_NODE, false, NULL, 0},
		{"answers", YAML_MAPPING_NODE, true, NULL, 0},
	};
	unsigned schema = PS_FW_SCHEMA;
	int rc = get_fields(c, root, "the answers", node_line(root), f,
			    PS_ARRAY_LEN(f));

	if (rc != PS_OK)
		return rc;
	if (f[0].node != NULL &&
	    (rc = yuint(c, f[0].node, "the answers", "schema", 1, 999, &schema)))
		return rc;
	if (schema != PS_FW_SCHEMA)
		return YFAIL(c, f[0].line, "answer schema %u is not supported "
			     "(this version reads schema %d)", schema, PS_FW_SCHEMA);
	if ((rc = sheet_check_head(c, sh, &f[1], &f[2])) != PS_OK)
		return rc;
	for (yaml_node_pair_t *p = f[3].node->data.mapping.pairs.start;
	     p < f[3].node->data.mapping.pairs.top; p++) {
		yaml_node_t *k = NULL, *v = NULL;

		if ((rc = take(c, p->key, &k)) != PS_OK ||
		    (rc = take(c, p->value, &v)) != PS_OK ||
		    (rc = yaml_answer(c, sh, k, v)) != PS_OK)
			return rc;
	}
	return PS_OK;
}

/* CSV ------------------------------------------------------------------------ */

/* An RFC 4180 reader over bytes; fields are copied into the arena. */
struct csv {
	const char *p, *end;
	const char *name;
	unsigned line;      /* line of the next byte */
	struct ps_arena *ar;
	struct ps_diag *d;
};

/* One field ending at ',' (more = true), a line end or the input's end. */
static int csv_field(struct csv *cv, char **out, bool *more)
{
	struct ps_buf b = PS_BUF_INIT(PS_MEM_REGISTRY, PS_FW_TEXT_MAX);
	unsigned start = cv->line;
	bool quoted = cv->p < cv->end && *cv->p == '"';
	int rc = PS_OK;

	*more = false;
	if (quoted)
		cv->p++;
	while (rc == PS_OK && cv->p < cv->end) {
		char ch = *cv->p;

		if (quoted && ch == '"') {
			if (cv->p + 1 < cv->end && cv->p[1] == '"') {
				rc = ps_buf_addch(&b, '"');
				cv->p += 2;
				continue;
			}
			quoted = false;
			cv->p++;
			if (cv->p < cv->end && *cv->p != ',' && *cv->p != '\n' &&
			    *cv->p != '\r')
				rc = ffail(cv->d, cv->name, cv->line, "text after a "
					   "closing quote");
			continue;
		}
		if (!quoted && (ch == ',' || ch == '\n' || ch == '\r'))
			break;
		if (!quoted && ch == '"')
			rc = ffail(cv->d, cv->name, cv->line, "a quote inside an "
				   "unquoted field");
		else
			rc = ps_buf_addch(&b, (uint8_t)ch);
		cv->line += ch == '\n';
		cv->p++;
	}
	if (rc == PS_OK && quoted)
		rc = ffail(cv->d, cv->name, start, "a quoted field is not closed");
	if (rc == PS_ELIMIT)
		rc = ffail(cv->d, cv->name, start, "a field is longer than %d "
			   "bytes", PS_FW_TEXT_MAX);
	if (rc == PS_OK && cv->p < cv->end && *cv->p == ',') {
		*more = true;
		cv->p++;
	}
	if (rc == PS_OK &&
	    (*out = ps_arena_strndup(cv->ar, ps_buf_cstr(&b), b.len)) == NULL)
		rc = nomem(cv->d);
	if (rc == PS_OK && memchr(ps_buf_cstr(&b), '\0', b.len) != NULL)
		rc = ffail(cv->d, cv->name, start, "a field holds a NUL byte");
	ps_buf_release(&b);
	return rc;
}

/* The next record; *n 0 for a blank line; PS_EOF at the end. */
static int csv_record(struct csv *cv, char **f, size_t *n, unsigned *line)
{
	bool more = true;
	int rc;

	*n = 0;
	*line = cv->line;
	if (cv->p >= cv->end)
		return PS_EOF;
	if (*cv->p == '\r' || *cv->p == '\n') {
		/* a blank line */
	} else {
		while (more) {
			if (*n == CSV_COLS_MAX)
				return ffail(cv->d, cv->name, *line, "more than %d "
					     "fields", CSV_COLS_MAX);
			if ((rc = csv_field(cv, &f[*n], &more)) != PS_OK)
				return rc;
			(*n)++;
		}
	}
	if (cv->p < cv->end && *cv->p == '\r')
		cv->p++;
	if (cv->p < cv->end && *cv->p == '\n') {
		cv->p++;
		cv->line++;
	}
	return PS_OK;
}

enum { C_REQ, C_ANSWER, C_NOTE, C_EVIDENCE, C_OWNER, C_DEADLINE, C__N };

static const char *const csv_cols[C__N][2] = {
	[C_REQ] = {"requirement", "要求项"},
	[C_ANSWER] = {"answer", "结论"},
	[C_NOTE] = {"note", "说明"},
	[C_EVIDENCE] = {"evidence", "证据"},
	[C_OWNER] = {"owner", "责任人"},
	[C_DEADLINE] = {"deadline", "整改期限"},
};

static int csv_header(struct csv *cv, char **f, size_t n, unsigned line,
		      int col[C__N])
{
	char buf[SHOW_MAX + 4];

	for (size_t k = 0; k < C__N; k++)
		col[k] = -1;
	for (size_t i = 0; i < n; i++) {
		const char *h = f[i];
		size_t k;

		if (i == 0 && strncmp(h, "\xef\xbb\xbf", 3) == 0)
			h += 3; /* a byte-order mark */
		for (k = 0; k < C__N; k++)
			if (strcmp(h, csv_cols[k][0]) == 0 ||
			    strcmp(h, csv_cols[k][1]) == 0)
				break;
		if (k == C__N)
			return ffail(cv->d, cv->name, line, "unknown column '%s' "
				     "(use requirement, answer, note, evidence, "
				     "owner, deadline)",
				     shown(h, strlen(h), buf, sizeof(buf)));
		if (col[k] >= 0)
			return ffail(cv->d, cv->name, line, "column '%s' appears "
				     "twice", csv_cols[k][0]);
		col[k] = (int)i;
	}
	if (col[C_REQ] < 0 || col[C_ANSWER] < 0)
		return ffail(cv->d, cv->name, line, "the header needs the columns "
			     "'requirement' and 'answer'");
	return PS_OK;
}

/* A normalised cell, NULL when the column is absent or the cell empty. */
static int csv_cell(struct csv *cv, char **f, int col, unsigned line,
		    const char *colname, const char **out)
{
	const char *why = NULL;
	char *t = NULL;
	int rc;

	*out = NULL;
	if (col < 0)
		return PS_OK;
	rc = text_norm(cv->ar, f[col], strlen(f[col]), &t, &why);
	if (rc == PS_ENOMEM)
		return nomem(cv->d);
	if (rc != PS_OK)
		return ffail(cv->d, cv->name, line, "field '%s' %s", colname, why);
	*out = t[0] ? t : NULL;
	return PS_OK;
}

static int csv_row(struct csv *cv, struct sheet *sh, char **f, size_t n,
		   unsigned line, const int col[C__N], size_t ncols)
{
	struct raw_answer ra = {.line = line, .verdict_line = line,
				.deadline_line = line};
	const char *id = NULL, *verdict = NULL;
	int rc;

	if (n != ncols)
		return ffail(cv->d, cv->name, line, "%zu fields, the header has "
			     "%zu", n, ncols);
	if ((rc = csv_cell(cv, f, col[C_REQ], line, "requirement", &id)) ||
	    (rc = csv_cell(cv, f, col[C_ANSWER], line, "answer", &verdict)) ||
	    (rc = csv_cell(cv, f, col[C_NOTE], line, "note", &ra.note)) ||
	    (rc = csv_cell(cv, f, col[C_EVIDENCE], line, "evidence",
			   &ra.evidence)) ||
	    (rc = csv_cell(cv, f, col[C_OWNER], line, "owner", &ra.owner)) ||
	    (rc = csv_cell(cv, f, col[C_DEADLINE], line, "deadline",
			   &ra.deadline)))
		return rc;
	if (id == NULL)
		return ffail(cv->d, cv->name, line, "field 'requirement' is empty");
	if (verdict == NULL)
		return ffail(cv->d, cv->name, line, "field 'answer' is empty");
	ra.id = id;
	ra.id_len = strlen(id);
	ra.verdict = verdict;
	ra.verdict_len = strlen(verdict);
	return sheet_put(sh, &ra, cv->d);
}

static int csv_parse(struct sheet *sh, const char *text, size_t len,
		     struct ps_diag *d)
{
	struct csv cv = {.p = text, .end = text + len, .name = sh->a->file,
			 .line = 1, .ar = &sh->a->arena, .d = d};
	char *f[CSV_COLS_MAX];
	int col[C__N];
	size_t n = 0, ncols = 0;
	unsigned line = 0;
	int rc;

	if (len > PS_FW_FILE_MAX) {
		ps_diag_set(d, "%s: larger than %u bytes", cv.name, PS_FW_FILE_MAX);
		return PS_ELIMIT;
	}
	while ((rc = csv_record(&cv, f, &n, &line)) == PS_OK) {
		if (n == 0 || (n == 1 && f[0][0] == '\0'))
			continue;
		if (ncols == 0) {
			if ((rc = csv_header(&cv, f, n, line, col)) != PS_OK)
				return rc;
			ncols = n;
			continue;
		}
		if ((rc = csv_row(&cv, sh, f, n, line, col, ncols)) != PS_OK)
			return rc;
	}
	if (rc != PS_EOF)
		return rc;
	if (ncols == 0)
		return ffail(d, cv.name, 1, "no header line (requirement,answer,"
			     "...)");
	return PS_OK;
}

static bool is_csv(const char *name)
{
	size_t n = strlen(name);

	return n >= 4 && name[n - 4] == '.' &&
	       (name[n - 3] | 0x20) == 'c' && (name[n - 2] | 0x20) == 's' &&
	       (name[n - 1] | 0x20) == 'v';
}

int ps_fw_answers_parse(const struct ps_framework *fw, const char *name,
			const char *text, size_t len,
			struct ps_fw_answers **out, struct ps_diag *d)
{
	struct ps_fw_answers *a = ps_calloc(PS_MEM_REGISTRY, 1, sizeof(*a));
	struct sheet sh = {.fw = fw, .a = a};
	int rc;

	*out = NULL;
	if (a == NULL)
		return nomem(d);
	ps_arena_init(&a->arena, PS_MEM_REGISTRY, ARENA_BLOCK, ARENA_CAP);
	a->file = ps_arena_strndup(&a->arena, name, strlen(name));
	sh.by_req = ps_arena_calloc(&a->arena, fw->n_reqs ? fw->n_reqs : 1,
				    sizeof(*sh.by_req));
	if (a->file == NULL || sh.by_req == NULL) {
		ps_fw_answers_free(a);
		return nomem(d);
	}
	a->by_req = sh.by_req;
	a->n_reqs = fw->n_reqs;
	if (is_csv(name))
		rc = csv_parse(&sh, text, len, d);
	else
		rc = yparse(a->file, text, len, &a->arena, d, answers_root, &sh);
	if (rc != PS_OK) {
		ps_fw_answers_free(a);
		return rc;
	}
	*out = a;
	return PS_OK;
}

int ps_fw_answers_load(const struct ps_framework *fw, const char *path,
		       struct ps_fw_answers **out, struct ps_diag *d)
{
	char *text = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	rc = ps_file_read(path, PS_MEM_REGISTRY, PS_FW_FILE_MAX, &text, &len, d);
	if (rc != PS_OK)
		return rc;
	rc = ps_fw_answers_parse(fw, path, text, len, out, d);
	ps_free(text);
	return rc;
}

void ps_fw_answers_free(struct ps_fw_answers *a)
{
	if (a == NULL)
		return;
	ps_arena_release(&a->arena);
	ps_free(a);
}

/* ---- scoring ---------------------------------------------------------------- */

bool ps_fw_req_applies(const struct ps_fw_req *r, const struct ps_fw_target *t)
{
	if (r->levels != 0 && t->level > 0 &&
	    (t->level >= 32 || !(r->levels & (UINT32_C(1) << t->level))))
		return false;
	if (r->n_types == 0 || t->type == NULL)
		return true;
	for (size_t i = 0; i < r->n_types; i++)
		if (strcmp(r->types[i], t->type) == 0)
			return true;
	return false;
}

static const char *tlabel(const struct ps_fw_target *t)
{
	return t->label ? t->label : "the target";
}

/* Why `r` does not apply to `t`, for a message. */
static void why_not(const struct ps_fw_req *r, const struct ps_fw_target *t,
		    char *out, size_t outlen)
{
	char lv[96];

	ps_fw_levels_fmt(r->levels, lv, sizeof(lv));
	if (r->levels != 0 && t->level > 0 &&
	    (t->level >= 32 || !(r->levels & (UINT32_C(1) << t->level))))
		snprintf(out, outlen, "it applies to levels %s, %s is level %d",
			 lv, tlabel(t), t->level);
	else
		snprintf(out, outlen, "it does not apply to type '%s'",
			 t->type ? t->type : "");
}

/* Score requirement i; PS_EINVAL names the first bad one. */
static int score_item(const struct ps_framework *fw,
		      const struct ps_fw_target *t,
		      const struct ps_fw_answers *a, size_t i,
		      struct ps_fw_score *s, struct ps_diag *d)
{
	const struct ps_fw_req *r = &fw->reqs[i];
	const struct ps_fw_answer *an = &a->by_req[i];
	struct ps_fw_item *it = &s->items[i];
	char why[160];

	it->applicable = ps_fw_req_applies(r, t);
	if (!it->applicable) {
		if (an->v == PS_FW_NONE || an->v == PS_FW_NA)
			return PS_OK;
		why_not(r, t, why, sizeof(why));
		return ffail(d, a->file, an->line, "requirement '%s' does not "
			     "apply (%s): answer it na or leave it out", r->id,
			     why);
	}
	s->n_applicable++;
	it->v = an->v;
	it->possible = an->v == PS_FW_NA ? 0 : r->points;
	switch (an->v) {
	case PS_FW_PASS:
		it->earned = r->points;
		s->n_pass++;
		break;
	case PS_FW_PARTIAL:
		it->earned = r->points / 2;
		s->n_partial++;
		s->n_critical_failed += r->critical;
		break;
	case PS_FW_FAIL:
		s->n_fail++;
		s->n_critical_failed += r->critical;
		break;
	case PS_FW_NA:
		s->n_na++;
		break;
	case PS_FW_NONE:
		break;
	}
	s->obtained += it->earned;
	s->max += it->possible;
	return PS_OK;
}

/* Every applicable requirement must be answered. */
static int check_missing(const struct ps_framework *fw,
			 const struct ps_fw_score *s,
			 const struct ps_fw_answers *a,
			 const struct ps_fw_target *t, struct ps_diag *d)
{
	size_t missing = 0, first = 0;

	for (size_t i = 0; i < fw->n_reqs; i++) {
		if (s->items[i].applicable && a->by_req[i].v == PS_FW_NONE) {
			if (missing++ == 0)
				first = i;
		}
	}
	if (missing == 0)
		return PS_OK;
	if (missing == 1)
		ps_diag_set(d, "%s: requirement '%s' (line %u of %s) applies to "
			    "%s and is not answered", a->file, fw->reqs[first].id,
			    fw->reqs[first].line, fw->file, tlabel(t));
	else
		ps_diag_set(d, "%s: requirement '%s' (line %u of %s) and %zu more "
			    "apply to %s and are not answered", a->file,
			    fw->reqs[first].id, fw->reqs[first].line, fw->file,
			    missing - 1, tlabel(t));
	return PS_EINVAL;
}

static int check_target(const struct ps_framework *fw,
			const struct ps_fw_target *t, struct ps_diag *d)
{
	char list[64] = "";
	size_t n = 0;

	if ((t->kind & fw->targets) != 0 && (t->kind & (t->kind - 1)) == 0)
		return PS_OK;
	for (unsigned i = 0; i < PS_ARRAY_LEN(target_names); i++)
		if (fw->targets & (1u << i))
			n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s",
					      n ? ", " : "", target_names[i]);
	ps_diag_set(d, "framework '%s' cannot assess %s: it is for %s",
		    fw->id, tlabel(t), list);
	return PS_EINVAL;
}

int ps_fw_score(const struct ps_framework *fw, const struct ps_fw_target *t,
		const struct ps_fw_answers *a, struct ps_fw_score *out,
		struct ps_diag *d)
{
	int rc;

	memset(out, 0, sizeof(*out));
	if (a->n_reqs != fw->n_reqs) {
		ps_diag_set(d, "%s: answers for another framework", a->file);
		return PS_EINVAL;
	}
	if ((rc = check_target(fw, t, d)) != PS_OK)
		return rc;
	out->items = ps_calloc(PS_MEM_REGISTRY, fw->n_reqs, sizeof(*out->items));
	if (out->items == NULL)
		return nomem(d);
	out->n_items = fw->n_reqs;
	for (size_t i = 0; i < fw->n_reqs && rc == PS_OK; i++)
		rc = score_item(fw, t, a, i, out, d);
	if (rc == PS_OK)
		rc = check_missing(fw, out, a, t, d);
	if (rc == PS_OK && out->max == 0) {
		ps_diag_set(d, "%s: nothing to score: no requirement of '%s' that "
			    "applies to %s is answered other than na", a->file,
			    fw->id, tlabel(t));
		rc = PS_EINVAL;
	}
	if (rc != PS_OK) {
		ps_fw_score_release(out);
		return rc;
	}
	out->percent = (unsigned)(out->obtained * 100 / out->max);
	out->passed = out->obtained * 100 >= (uint64_t)fw->pass_score * out->max &&
		      out->n_critical_failed == 0;
	return PS_OK;
}

void ps_fw_score_release(struct ps_fw_score *s)
{
	ps_free(s->items);
	memset(s, 0, sizeof(*s));
}

/* ---- text for the records ------------------------------------------------------ */

/* Append `s` unless that would pass `max` bytes; then mark the cut once. */
static int add_capped(struct ps_buf *b, size_t base, size_t max, bool *cut,
		      const char *s)
{
	size_t n = strlen(s);

	if (*cut)
		return PS_OK;
	if (b->len - base + n + 3 > max) {
		*cut = true;
		return b->len - base + 3 <= max ? ps_buf_addstr(b, "...") : PS_OK;
	}
	return ps_buf_addstr(b, s);
}

static int findings_list(const struct ps_framework *fw,
			 const struct ps_fw_score *s, enum ps_fw_verdict v,
			 bool critical_only, const char *label,
			 struct ps_buf *b, size_t base, size_t max, bool *cut)
{
	bool first = true;
	int rc = PS_OK;

	for (size_t i = 0; i < s->n_items && rc == PS_OK; i++) {
		const struct ps_fw_item *it = &s->items[i];
		bool hit = critical_only ?
			(fw->reqs[i].critical && it->applicable &&
			 (it->v == PS_FW_FAIL || it->v == PS_FW_PARTIAL)) :
			(it->applicable && it->v == v);

		if (!hit)
			continue;
		if (first && (rc = add_capped(b, base, max, cut, "; ")) == PS_OK)
			rc = add_capped(b, base, max, cut, label);
		if (rc == PS_OK && !first)
			rc = add_capped(b, base, max, cut, ", ");
		if (rc == PS_OK)
			rc = add_capped(b, base, max, cut, fw->reqs[i].id);
		first = false;
	}
	return rc;
}

int ps_fw_findings(const struct ps_framework *fw, const struct ps_fw_score *s,
		   size_t max, struct ps_buf *out)
{
	char head[96];
	size_t base = out->len;
	bool cut = false;
	int rc;

	snprintf(head, sizeof(head), "得分 %llu/%llu (%u%%), %s",
		 (unsigned long long)s->obtained, (unsigned long long)s->max,
		 s->percent, s->passed ? "通过" : "未通过");
	if ((rc = add_capped(out, base, max, &cut, head)) ||
	    (rc = findings_list(fw, s, PS_FW_NONE, true, "关键项未达标: ", out,
				base, max, &cut)) ||
	    (rc = findings_list(fw, s, PS_FW_FAIL, false, "不符合: ", out, base,
				max, &cut)) ||
	    (rc = findings_list(fw, s, PS_FW_PARTIAL, false, "部分符合: ", out,
				base, max, &cut)))
		return rc;
	return findings_list(fw, s, PS_FW_NA, false, "不适用: ", out, base, max,
			     &cut);
}

int ps_fw_item_text(const struct ps_framework *fw, const struct ps_fw_score *s,
		    const struct ps_fw_answers *a, size_t i, size_t max,
		    struct ps_buf *out)
{
	const struct ps_fw_answer *an = &a->by_req[i];
	size_t base = out->len, n;
	int rc;

	rc = ps_buf_addstr(out, fw->reqs[i].title);
	if (rc == PS_OK && s->items[i].v == PS_FW_PARTIAL)
		rc = ps_buf_addstr(out, "（部分符合）");
	if (rc == PS_OK && an->note != NULL)
		rc = ps_buf_addf(out, ": %s", an->note);
	if (rc != PS_OK || out->len - base <= max)
		return rc;
	n = max;
	while (n > 0 && (out->p[base + n] & 0xc0) == 0x80)
		n--;
	ps_buf_truncate(out, base + n);
	return PS_OK;
}
