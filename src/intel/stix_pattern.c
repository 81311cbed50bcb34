/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A strict parser for the part of the STIX 2.1 patterning language
 * (STIX 2.1 section 9) that names indicators the sensor can match:
 * comparisons of single observables joined by OR. The STIX importer runs
 * it on every indicator's pattern; what it cannot read it says, never
 * silently drops.
 *
 * Grammar read (the keywords case-insensitive, as in STIXPattern.g4):
 *   pattern     = obs-expr
 *   obs-expr    = obs-term *(OR obs-term)
 *   obs-term    = "[" cmp-expr "]" / "(" obs-expr ")"
 *   cmp-expr    = cmp-term *(OR cmp-term)
 *   cmp-term    = comparison / "(" cmp-expr ")"
 *   comparison  = path [NOT] op constant / EXISTS path
 *   path        = object-type ":" component *("." component / "[" index "]")
 * Strings are '...' with the escapes \' and \\ only (section 9.3).
 * AND, FOLLOWEDBY and qualifiers (WITHIN, REPEATS, START ... STOP) are
 * recognised and refused as unsupported: importing one side of an AND, or
 * an observation that must repeat, would match more than the producer
 * meant. The parser is a loop over a state variable: no recursion, so a
 * deep nesting of parentheses costs a counter, not the stack.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "core/core.h"
#include "intel/intel_int.h"

enum tok {
	T_END, T_LBRACK, T_RBRACK, T_LPAREN, T_RPAREN, T_COMMA, T_OP, T_WORD,
	T_STRING, T_NUMBER, T_TYPED, T_BAD_STRING, T_BAD_ESCAPE, T_OTHER,
};

struct token {
	enum tok kind;
	size_t at, len; /* bytes of the pattern */
};

struct parser {
	const char *s;
	size_t n, i;
	struct ps_stix_pattern *sp;
	size_t obs_depth;  /* open '(' around observation expressions */
	size_t cmp_depth;  /* open '(' inside the current [...] */
};

/* A comparison path we read: its text after the quotes are removed. */
struct path_map {
	const char *path;
	enum ps_ioc_type type;
	bool subset_ok;     /* ISSUBSET 'CIDR' is read too */
};

static const struct path_map eq_paths[] = {
	{"ipv4-addr:value", PS_IOC_IPV4, true},
	{"ipv6-addr:value", PS_IOC_IPV6, true},
	{"domain-name:value", PS_IOC_DOMAIN, false},
	{"url:value", PS_IOC_URL, false},
	/* JA3/JA4 have no STIX cyber-observable: our own custom object (see export_stix.c) */
	{"x-panshi-tls-fingerprint:ja3", PS_IOC_JA3, false},
	{"x-panshi-tls-fingerprint:ja4", PS_IOC_JA4, false},
};

/* file:hashes.<key> with the keys of the STIX hash-algorithm-ov, quoted or not. */
static const struct {
	const char *key;
	enum ps_ioc_type type;
} hash_keys[] = {
	{"MD5", PS_IOC_MD5}, {"SHA-1", PS_IOC_SHA1}, {"SHA1", PS_IOC_SHA1},
	{"SHA-256", PS_IOC_SHA256}, {"SHA256", PS_IOC_SHA256},
};

void ps_stix_pattern_init(struct ps_stix_pattern *sp)
{
	memset(sp, 0, sizeof(*sp));
	ps_vec_init(&sp->cmps, PS_MEM_INTEL, sizeof(struct ps_stix_cmp), PS_STIX_CMP_MAX);
	ps_buf_init(&sp->values, PS_MEM_INTEL, 2 * (size_t)PS_STIX_PATTERN_MAX);
}

void ps_stix_pattern_release(struct ps_stix_pattern *sp)
{
	ps_vec_release(&sp->cmps);
	ps_buf_release(&sp->values);
}

const char *ps_stix_pattern_value(const struct ps_stix_pattern *sp, size_t i)
{
	const struct ps_stix_cmp *c = ps_vec_get(&sp->cmps, i);

	return c != NULL ? (const char *)sp->values.p + c->off : "";
}

/* ---- lexer ------------------------------------------------------------------ */

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static void skip_ws(struct parser *ps)
{
	while (ps->i < ps->n && is_ws(ps->s[ps->i]))
		ps->i++;
}

/* A '...' string starting at ps->i: T_STRING, T_BAD_STRING or T_BAD_ESCAPE. */
static enum tok scan_string(struct parser *ps)
{
	size_t i = ps->i + 1;

	while (i < ps->n && ps->s[i] != '\'') {
		if (ps->s[i] == '\\') {
			if (i + 1 >= ps->n)
				break;
			if (ps->s[i + 1] != '\'' && ps->s[i + 1] != '\\') {
				ps->i = i;
				return T_BAD_ESCAPE;
			}
			i++;
		}
		i++;
	}
	if (i >= ps->n) {
		ps->i = ps->n;
		return T_BAD_STRING;
	}
	ps->i = i + 1;
	return T_STRING;
}

static enum tok scan_number(struct parser *ps)
{
	size_t i = ps->i, digits = 0;

	if (ps->s[i] == '+' || ps->s[i] == '-')
		i++;
	while (i < ps->n && is_digit(ps->s[i]))
		i++, digits++;
	if (i < ps->n && ps->s[i] == '.') {
		i++;
		if (i >= ps->n || !is_digit(ps->s[i]))
			return T_OTHER;
		while (i < ps->n && is_digit(ps->s[i]))
			i++;
		digits++;
	}
	if (digits == 0)
		return T_OTHER;
	ps->i = i;
	return T_NUMBER;
}

/* The operators of section 9.5 written with symbols. */
static size_t op_len(const char *s, size_t left)
{
	if (left >= 2 && (memcmp(s, "==", 2) == 0 || memcmp(s, "!=", 2) == 0 ||
			  memcmp(s, "<=", 2) == 0 || memcmp(s, ">=", 2) == 0 ||
			  memcmp(s, "<>", 2) == 0))
		return 2;
	return s[0] == '=' || s[0] == '<' || s[0] == '>' ? 1 : 0;
}

static void next(struct parser *ps, struct token *t)
{
	const char *s = ps->s;
	char c;
	size_t k;

	skip_ws(ps);
	t->at = ps->i;
	t->kind = T_END;
	if (ps->i >= ps->n)
		goto out;
	c = s[ps->i];
	t->kind = c == '[' ? T_LBRACK : c == ']' ? T_RBRACK : c == '(' ? T_LPAREN
		: c == ')' ? T_RPAREN : c == ',' ? T_COMMA : T_OTHER;
	if (t->kind != T_OTHER) {
		ps->i++;
	} else if (c == '\'') {
		t->kind = scan_string(ps);
	} else if ((k = op_len(s + ps->i, ps->n - ps->i)) > 0) {
		t->kind = T_OP;
		ps->i += k;
	} else if (is_digit(c) || c == '+' || c == '-' || c == '.') {
		t->kind = scan_number(ps);
	} else if (is_alpha(c)) {
		/* t'...', h'...', b'...': timestamp, hex and binary constants */
		if ((c == 't' || c == 'h' || c == 'b') && ps->i + 1 < ps->n &&
		    s[ps->i + 1] == '\'') {
			ps->i++;
			t->kind = scan_string(ps) == T_STRING ? T_TYPED : T_BAD_STRING;
			goto out;
		}
		while (ps->i < ps->n && (is_alpha(s[ps->i]) || is_digit(s[ps->i])))
			ps->i++;
		t->kind = T_WORD;
	}
out:
	t->len = ps->i - t->at;
	if (t->kind == T_OTHER)
		t->len = 1;
}

static bool word_is(const struct parser *ps, const struct token *t, const char *kw)
{
	return t->kind == T_WORD && t->len == strlen(kw) &&
	       strncasecmp(ps->s + t->at, kw, t->len) == 0;
}

/* ---- results ------------------------------------------------------------------ */

static int fail(struct parser *ps, enum ps_msg_id why, size_t at)
{
	ps->sp->why = why;
	ps->sp->at = at;
	return PS_EPROTO;
}

static void copy_text(char *dst, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

static int unsupported(struct parser *ps, const struct token *t)
{
	ps->sp->why = PS_MSG_STIXP_U_KEYWORD;
	ps->sp->at = t->at;
	copy_text(ps->sp->what, sizeof(ps->sp->what), ps->s + t->at, t->len);
	for (char *p = ps->sp->what; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	return PS_EUNSUP;
}

/* A comparison we do not read: counted, and the first one remembered. */
static void drop(struct parser *ps, const char *path, const char *op, size_t at)
{
	if (ps->sp->dropped++ > 0)
		return;
	ps->sp->why = PS_MSG_STIXP_U_CMP;
	ps->sp->at = at;
	copy_text(ps->sp->what, sizeof(ps->sp->what), path, strlen(path));
	copy_text(ps->sp->op, sizeof(ps->sp->op), op, strlen(op));
}

/* Append the unescaped constant of the string token t; *off and *len get it. */
static int add_value(struct parser *ps, const struct token *t, size_t skip, size_t *off,
		     size_t *len)
{
	struct ps_buf *b = &ps->sp->values;
	const char *s = ps->s + t->at + 1 + skip;
	size_t n = t->len - 2 - skip, start = ps_buf_len(b);
	int rc = PS_OK;

	for (size_t i = 0; i < n && rc == PS_OK; i++) {
		if (s[i] == '\\')
			i++; /* \' or \\: checked by scan_string */
		rc = ps_buf_addch(b, (uint8_t)s[i]);
	}
	*off = start;
	*len = ps_buf_len(b) - start;
	if (rc == PS_OK)
		rc = ps_buf_addch(b, 0);
	return rc;
}

/* ---- object paths ---------------------------------------------------------------- */

/*
 * A path component: an identifier without '-' or a string literal, whose
 * text (unquoted; escapes kept as written) is appended to out. A quoted
 * component that holds '.', '[' or is empty makes the text ambiguous, so
 * *odd is set and the path is never one we read.
 */
static bool path_component(struct parser *ps, struct ps_buf *out, bool *odd)
{
	const char *s = ps->s;
	size_t start, n;

	skip_ws(ps);
	start = ps->i;
	if (ps->i < ps->n && s[ps->i] == '\'') {
		if (scan_string(ps) != T_STRING)
			return false;
		n = ps->i - start - 2;
		if (n == 0 || memchr(s + start + 1, '.', n) || memchr(s + start + 1, '[', n) ||
		    memchr(s + start + 1, '\\', n) || ps_buf_add(out, s + start + 1, n) != PS_OK)
			*odd = true;
		return true;
	}
	if (ps->i >= ps->n || !is_alpha(s[ps->i]))
		return false;
	while (ps->i < ps->n && (is_alpha(s[ps->i]) || is_digit(s[ps->i])))
		ps->i++;
	if (ps_buf_add(out, s + start, ps->i - start) != PS_OK)
		*odd = true;
	return true;
}

/* "[*]" or "[n]" after a component. */
static bool path_index(struct parser *ps, bool *odd)
{
	struct token t;

	next(ps, &t);
	if (t.kind == T_OTHER && ps->s[t.at] == '*')
		ps->i = t.at + 1;
	else if (t.kind != T_NUMBER || memchr(ps->s + t.at, '.', t.len) != NULL)
		return false;
	next(ps, &t);
	if (t.kind != T_RBRACK)
		return false;
	*odd = true; /* list steps are never read */
	return true;
}

/* object-type ":" component *("." component / "[" index "]") into out. */
static int parse_path(struct parser *ps, struct ps_buf *out, bool *odd)
{
	const char *s = ps->s;
	size_t start;

	skip_ws(ps);
	start = ps->i;
	if (ps->i >= ps->n || !is_alpha(s[ps->i]))
		return fail(ps, PS_MSG_STIXP_E_PATH, start);
	while (ps->i < ps->n && (is_alpha(s[ps->i]) || is_digit(s[ps->i]) || s[ps->i] == '-'))
		ps->i++;
	if (ps_buf_add(out, s + start, ps->i - start) != PS_OK)
		*odd = true;
	skip_ws(ps);
	if (ps->i >= ps->n || s[ps->i] != ':')
		return fail(ps, PS_MSG_STIXP_E_PATH, ps->i);
	ps->i++;
	if (ps_buf_addch(out, ':') != PS_OK || !path_component(ps, out, odd))
		return fail(ps, PS_MSG_STIXP_E_PATH, ps->i);
	for (;;) {
		skip_ws(ps);
		if (ps->i < ps->n && s[ps->i] == '.') {
			ps->i++;
			if (ps_buf_addch(out, '.') != PS_OK)
				*odd = true;
			if (!path_component(ps, out, odd))
				return fail(ps, PS_MSG_STIXP_E_PATH, ps->i);
		} else if (ps->i < ps->n && s[ps->i] == '[') {
			ps->i++;
			if (!path_index(ps, odd))
				return fail(ps, PS_MSG_STIXP_E_PATH, ps->i);
		} else {
			return PS_OK;
		}
	}
}

/* ---- comparisons ---------------------------------------------------------------- */

/* The indicator type a path names for operator op, or NONE. */
static enum ps_ioc_type path_type(const char *path, const char *op, bool *like)
{
	bool eq = strcmp(op, "=") == 0 || strcmp(op, "==") == 0;
	bool subset = strcasecmp(op, "ISSUBSET") == 0;

	*like = false;
	for (size_t i = 0; i < PS_ARRAY_LEN(eq_paths); i++)
		if (strcmp(path, eq_paths[i].path) == 0) {
			if (eq || (subset && eq_paths[i].subset_ok))
				return eq_paths[i].type;
			*like = eq_paths[i].type == PS_IOC_DOMAIN && strcasecmp(op, "LIKE") == 0;
			return *like ? PS_IOC_DOMAIN : PS_IOC_NONE;
		}
	if (eq && strncmp(path, "file:hashes.", 12) == 0)
		for (size_t i = 0; i < PS_ARRAY_LEN(hash_keys); i++)
			if (strcasecmp(path + 12, hash_keys[i].key) == 0)
				return hash_keys[i].type;
	return PS_IOC_NONE;
}

/* LIKE '%.name' with no other wildcard: the name and its subdomains. */
static bool like_subdomains(const struct parser *ps, const struct token *v)
{
	const char *s = ps->s + v->at + 1;
	size_t n = v->len - 2;

	if (n < 3 || s[0] != '%' || s[1] != '.')
		return false;
	for (size_t i = 2; i < n; i++)
		if (s[i] == '%' || s[i] == '_' || s[i] == '\\')
			return false;
	return true;
}

/* Keep the comparison `path op v`, or drop it. */
static int classify(struct parser *ps, const char *path, const char *op, bool negated,
		    const struct token *v, size_t at)
{
	struct ps_stix_cmp c = {0};
	bool like;
	char shown[32];   /* "NOT " and the longest operator */
	int rc;

	c.type = negated || v->kind != T_STRING ? PS_IOC_NONE : path_type(path, op, &like);
	if (c.type != PS_IOC_NONE && like && !like_subdomains(ps, v))
		c.type = PS_IOC_NONE;
	if (c.type == PS_IOC_NONE) {
		snprintf(shown, sizeof(shown), "%s%s", negated ? "NOT " : "", op);
		drop(ps, path, shown, at);
		return PS_OK;
	}
	c.subdomains = like;
	rc = add_value(ps, v, like ? 2 : 0, &c.off, &c.len);
	if (rc == PS_OK)
		rc = ps_vec_push(&ps->sp->cmps, &c);
	return rc;
}

/* "(" constant *("," constant) ")" after IN. */
static int value_set(struct parser *ps, struct token *v)
{
	struct token t;

	for (;;) {
		next(ps, &t);
		if (t.kind != T_STRING && t.kind != T_NUMBER && t.kind != T_TYPED &&
		    !word_is(ps, &t, "true") && !word_is(ps, &t, "false"))
			return fail(ps, PS_MSG_STIXP_E_VALUE, t.at);
		next(ps, &t);
		if (t.kind == T_RPAREN)
			break;
		if (t.kind != T_COMMA)
			return fail(ps, PS_MSG_STIXP_E_VALUE, t.at);
	}
	v->kind = T_OTHER; /* a set is never a value we read */
	return PS_OK;
}

static int value(struct parser *ps, bool set, struct token *v)
{
	next(ps, v);
	if (set)
		return v->kind == T_LPAREN ? value_set(ps, v) : fail(ps, PS_MSG_STIXP_E_VALUE, v->at);
	if (v->kind == T_BAD_STRING)
		return fail(ps, PS_MSG_STIXP_E_STRING, v->at);
	if (v->kind == T_BAD_ESCAPE)
		return fail(ps, PS_MSG_STIXP_E_ESCAPE, ps->i);
	if (v->kind == T_STRING || v->kind == T_NUMBER || v->kind == T_TYPED ||
	    word_is(ps, v, "true") || word_is(ps, v, "false"))
		return PS_OK;
	return fail(ps, PS_MSG_STIXP_E_VALUE, v->at);
}

/* The operator after a path: a symbol or one of the word operators. */
static bool operator(struct parser *ps, const struct token *t, char *op, size_t cap)
{
	static const char *const words[] = {"LIKE", "MATCHES", "ISSUBSET", "ISSUPERSET", "IN"};

	if (t->kind == T_OP) {
		copy_text(op, cap, ps->s + t->at, t->len);
		return true;
	}
	for (size_t i = 0; i < PS_ARRAY_LEN(words); i++)
		if (word_is(ps, t, words[i])) {
			copy_text(op, cap, words[i], strlen(words[i]));
			return true;
		}
	return false;
}

/* EXISTS path, or path [NOT] op constant. */
static int comparison(struct parser *ps, struct ps_buf *path)
{
	struct token t, v;
	size_t at, save;
	bool odd = false, negated = false;
	char op[16];
	int rc;

	skip_ws(ps);
	at = save = ps->i;
	ps_buf_reset(path);
	next(ps, &t);
	if (word_is(ps, &t, "EXISTS") && ps->i < ps->n && is_ws(ps->s[ps->i])) {
		if ((rc = parse_path(ps, path, &odd)) == PS_OK)
			drop(ps, ps_buf_cstr(path), "EXISTS", at);
		return rc;
	}
	ps->i = save;
	if ((rc = parse_path(ps, path, &odd)) != PS_OK)
		return rc;
	next(ps, &t);
	if (word_is(ps, &t, "NOT")) {
		negated = true;
		next(ps, &t);
	}
	if (!operator(ps, &t, op, sizeof(op)))
		return fail(ps, PS_MSG_STIXP_E_OP, t.at);
	if ((rc = value(ps, strcmp(op, "IN") == 0, &v)) != PS_OK)
		return rc;
	if (odd) {
		drop(ps, ps_buf_cstr(path), op, at);
		return PS_OK;
	}
	return classify(ps, ps_buf_cstr(path), op, negated, &v, at);
}

/* ---- expressions ---------------------------------------------------------------- */

enum state { S_OBS, S_AFTER_OBS, S_CMP, S_AFTER_CMP };

/* After an observation "[...]" or ")": OR, ")" or the end; the rest is refused. */
static int after_obs(struct parser *ps, enum state *st)
{
	static const char *const unsup[] = {"AND", "FOLLOWEDBY", "WITHIN", "REPEATS", "START"};
	struct token t;

	next(ps, &t);
	if (t.kind == T_END)
		return ps->obs_depth == 0 ? PS_EOF : fail(ps, PS_MSG_STIXP_E_PAREN, t.at);
	if (word_is(ps, &t, "OR")) {
		*st = S_OBS;
		return PS_OK;
	}
	if (t.kind == T_RPAREN)
		return ps->obs_depth-- > 0 ? PS_OK : fail(ps, PS_MSG_STIXP_E_PAREN, t.at);
	for (size_t i = 0; i < PS_ARRAY_LEN(unsup); i++)
		if (word_is(ps, &t, unsup[i]))
			return unsupported(ps, &t);
	return fail(ps, PS_MSG_STIXP_E_AFTER, t.at);
}

/* After a comparison: OR, ")" or "]"; AND is refused. */
static int after_cmp(struct parser *ps, enum state *st)
{
	struct token t;

	next(ps, &t);
	if (word_is(ps, &t, "OR")) {
		*st = S_CMP;
		return PS_OK;
	}
	if (word_is(ps, &t, "AND"))
		return unsupported(ps, &t);
	if (t.kind == T_RPAREN)
		return ps->cmp_depth-- > 0 ? PS_OK : fail(ps, PS_MSG_STIXP_E_PAREN, t.at);
	if (t.kind == T_RBRACK) {
		*st = S_AFTER_OBS;
		return ps->cmp_depth == 0 ? PS_OK : fail(ps, PS_MSG_STIXP_E_PAREN, t.at);
	}
	return fail(ps, PS_MSG_STIXP_E_NEXT, t.at);
}

static int run(struct parser *ps, struct ps_buf *path)
{
	enum state st = S_OBS;
	struct token t;
	bool started = false;
	int rc = PS_OK;

	while (rc == PS_OK) {
		switch (st) {
		case S_OBS:
			next(ps, &t);
			if (t.kind == T_LPAREN) {
				ps->obs_depth++;
			} else if (t.kind == T_LBRACK) {
				ps->cmp_depth = 0;
				st = S_CMP;
			} else {
				bool empty = t.kind == T_END && !started;

				rc = fail(ps, empty ? PS_MSG_STIXP_E_EMPTY : PS_MSG_STIXP_E_OBS, t.at);
			}
			started = true;
			break;
		case S_CMP:
			skip_ws(ps);
			if (ps->i < ps->n && ps->s[ps->i] == '(') {
				ps->i++;
				ps->cmp_depth++;
			} else if ((rc = comparison(ps, path)) == PS_OK) {
				st = S_AFTER_CMP;
			}
			break;
		case S_AFTER_CMP:
			rc = after_cmp(ps, &st);
			break;
		case S_AFTER_OBS:
			rc = after_obs(ps, &st);
			break;
		}
	}
	return rc == PS_EOF ? PS_OK : rc;
}

int ps_stix_pattern_parse(struct ps_stix_pattern *sp, const char *s, size_t n)
{
	struct parser ps = {.s = s, .n = n, .sp = sp};
	struct ps_buf path = PS_BUF_INIT(PS_MEM_INTEL, 256);
	int rc;

	ps_vec_clear(&sp->cmps);
	ps_buf_reset(&sp->values);
	sp->dropped = 0;
	sp->why = PS_MSG_STIXP_E_EMPTY;
	sp->at = 0;
	sp->what[0] = sp->op[0] = '\0';
	if (n > PS_STIX_PATTERN_MAX)
		return PS_ELIMIT;
	rc = run(&ps, &path);
	ps_buf_release(&path);
	if (rc != PS_OK)
		ps_vec_clear(&sp->cmps);
	return rc;
}

void ps_stix_pattern_why(const struct ps_stix_pattern *sp, int rc, char *buf, size_t n)
{
	char reason[256];

	if (rc == PS_EPROTO) {
		ps_tr_fmt(buf, n, PS_MSG_STIXP_BAD, (long)sp->at, ps_tr(sp->why));
	} else if (rc == PS_EUNSUP) {
		ps_tr_fmt(reason, sizeof(reason), PS_MSG_STIXP_U_KEYWORD, sp->what);
		ps_tr_fmt(buf, n, PS_MSG_STIXP_UNSUP, reason);
	} else if (rc == PS_ELIMIT) {
		ps_tr_fmt(buf, n, PS_MSG_STIXP_LONG, PS_STIX_PATTERN_MAX, PS_STIX_CMP_MAX);
	} else if (rc == PS_OK && sp->dropped > 0) {
		ps_tr_fmt(reason, sizeof(reason), PS_MSG_STIXP_U_CMP, sp->what, sp->op);
		if (ps_vec_len(&sp->cmps) == 0)
			ps_tr_fmt(buf, n, PS_MSG_STIXP_UNSUP, reason);
		else
			ps_tr_fmt(buf, n, PS_MSG_STIXP_DROPPED, sp->dropped, reason);
	} else {
		snprintf(buf, n, "%s", ps_strerror(rc));
	}
}
