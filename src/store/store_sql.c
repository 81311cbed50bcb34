/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Small SQL text helpers for the store: rewriting `?` placeholders into
 * PostgreSQL's $n form and naming the table a statement touches so error
 * messages can say "cannot insert into 'events'". They only lex (strings,
 * quoted identifiers, comments, nested as in PostgreSQL, dollar quotes);
 * they never parse SQL.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/core.h"
#include "store/store_int.h"

static bool ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || (unsigned char)c >= 0x80;
}

/* Length of a dollar-quote tag "$tag$" or "$$" at s[i], 0 if none. */
static size_t dollar_tag(const char *s, size_t i)
{
	size_t j = i + 1;

	if (i > 0 && (ident_char(s[i - 1]) || s[i - 1] == '$'))
		return 0;
	if (isdigit((unsigned char)s[j]))
		return 0;
	while (ident_char(s[j]))
		j++;
	return s[j] == '$' ? j - i + 1 : 0;
}

/*
 * If s[i] opens a string literal, quoted identifier, comment or dollar
 * quote, return the index just past it (or the end of text if it is not
 * closed); otherwise return i.
 */
static size_t skip_quoted(const char *s, size_t i)
{
	char q = s[i];
	size_t j, tag;

	if (q == '\'' || q == '"' || q == '`') {
		bool esc = q == '\'' && i > 0 && (s[i - 1] == 'E' || s[i - 1] == 'e') &&
			   (i < 2 || !ident_char(s[i - 2]));

		for (j = i + 1; s[j] != '\0'; j++) {
			if (esc && s[j] == '\\' && s[j + 1] != '\0') {
				j++;
			} else if (s[j] == q) {
				if (s[j + 1] != q)
					return j + 1;
				j++;
			}
		}
		return j;
	}
	if (q == '-' && s[i + 1] == '-') {
		j = i + 2;
		while (s[j] != '\0' && s[j] != '\n')
			j++;
		return j;
	}
	if (q == '/' && s[i + 1] == '*') {
		/*
		 * PostgreSQL nests block comments (xcdepth in its scan.l): each
		 * slash-star inside opens a level that a star-slash closes, and
		 * a `?` before the last close is still comment. A counter, not
		 * recursion; each level takes two bytes, so depth <= strlen / 2.
		 */
		size_t depth = 1;

		for (j = i + 2; s[j] != '\0'; j++) {
			if (s[j] == '/' && s[j + 1] == '*') {
				depth++;
				j++;
			} else if (s[j] == '*' && s[j + 1] == '/') {
				j++;
				if (--depth == 0)
					return j + 1;
			}
		}
		return j;
	}
	if (q == '$' && (tag = dollar_tag(s, i)) != 0) {
		for (j = i + tag; s[j] != '\0'; j++)
			if (s[j] == '$' && strncmp(s + j, s + i, tag) == 0)
				return j + tag;
		return j;
	}
	return i;
}

/* Walk the code parts of sql, counting `?` and the highest $n. */
static void scan_params(const char *sql, int *marks, int *max_dollar)
{
	size_t i = 0, j;

	*marks = 0;
	*max_dollar = 0;
	while (sql[i] != '\0') {
		j = skip_quoted(sql, i);
		if (j != i) {
			i = j;
			continue;
		}
		if (sql[i] == '?') {
			if (*marks < PS_STORE_MAX_PARAMS + 1)
				(*marks)++;
		} else if (sql[i] == '$' && isdigit((unsigned char)sql[i + 1]) &&
			   (i == 0 || !ident_char(sql[i - 1]))) {
			long n = 0;

			for (j = i + 1; isdigit((unsigned char)sql[j]); j++)
				if (n <= PS_STORE_MAX_PARAMS)
					n = n * 10 + (sql[j] - '0');
			if (n > *max_dollar)
				*max_dollar = n > PS_STORE_MAX_PARAMS + 1
						      ? PS_STORE_MAX_PARAMS + 1
						      : (int)n;
			i = j;
			continue;
		}
		i++;
	}
}

int ps_store_sql_count_params(const char *sql)
{
	int marks, max_dollar;

	scan_params(sql, &marks, &max_dollar);
	return marks > max_dollar ? marks : max_dollar;
}

int ps_store_sql_dollar(const char *sql, char **out, int *nparams)
{
	int marks, max_dollar, n = 0;
	size_t len = strlen(sql), i = 0, o = 0, j;
	char *p;

	*out = NULL;
	scan_params(sql, &marks, &max_dollar);
	if (marks > PS_STORE_MAX_PARAMS || max_dollar > PS_STORE_MAX_PARAMS)
		return PS_ELIMIT;
	p = ps_malloc(PS_MEM_STORE, len + (size_t)marks * 5 + 1);
	if (p == NULL)
		return PS_ENOMEM;
	while (sql[i] != '\0') {
		j = skip_quoted(sql, i);
		if (j != i) {
			memcpy(p + o, sql + i, j - i);
			o += j - i;
			i = j;
		} else if (sql[i] == '?') {
			o += (size_t)snprintf(p + o, 7, "$%d", ++n);
			i++;
		} else {
			p[o++] = sql[i++];
		}
	}
	p[o] = '\0';
	*out = p;
	*nparams = n > max_dollar ? n : max_dollar;
	return PS_OK;
}

/* Next token of the code: a word, a quoted name, or one punctuation char. */
struct lex {
	const char *s;
	size_t i;
	char tok[64];
};

static bool lex_next(struct lex *l)
{
	size_t start, n;

	for (;;) {
		size_t j;

		while (isspace((unsigned char)l->s[l->i]))
			l->i++;
		j = skip_quoted(l->s, l->i);
		if (j == l->i || l->s[l->i] == '"' || l->s[l->i] == '`')
			break;
		l->i = j; /* a comment or literal: not a token we name */
	}
	start = l->i;
	if (l->s[start] == '\0')
		return false;
	if (l->s[start] == '"' || l->s[start] == '`') {
		l->i = skip_quoted(l->s, start);
		start++;
		n = l->i - start;
		if (n > 0 && (l->s[l->i - 1] == '"' || l->s[l->i - 1] == '`'))
			n--;
	} else if (ident_char(l->s[start])) {
		while (ident_char(l->s[l->i]) || l->s[l->i] == '.')
			l->i++;
		n = l->i - start;
	} else {
		l->i++;
		n = 1;
	}
	if (n >= sizeof(l->tok))
		n = sizeof(l->tok) - 1;
	memcpy(l->tok, l->s + start, n);
	l->tok[n] = '\0';
	return true;
}

static bool is(const struct lex *l, const char *kw)
{
	return strcasecmp(l->tok, kw) == 0;
}

/* Skip to the word `kw` at parenthesis depth 0; true if found. */
static bool lex_find(struct lex *l, const char *kw)
{
	int depth = 0;

	while (lex_next(l)) {
		if (is(l, "("))
			depth++;
		else if (is(l, ")"))
			depth--;
		else if (depth == 0 && is(l, kw))
			return true;
	}
	return false;
}

static void describe_fallback(const char *sql, char *out, size_t outlen)
{
	char text[48];
	size_t o = 0;
	bool space = false;

	for (size_t i = 0; sql[i] != '\0' && o < sizeof(text) - 4; i++) {
		if (isspace((unsigned char)sql[i])) {
			space = o > 0;
			continue;
		}
		if (space)
			text[o++] = ' ';
		space = false;
		text[o++] = sql[i];
	}
	if (o == sizeof(text) - 4) {
		memcpy(text + o, "...", 3);
		o += 3;
	}
	text[o] = '\0';
	snprintf(out, outlen, "execute '%s'", text);
}

void ps_store_sql_describe(const char *sql, char *out, size_t outlen)
{
	struct lex l = {.s = sql};
	const char *verb = NULL;

	if (outlen == 0)
		return;
	out[0] = '\0';
	if (!lex_next(&l))
		goto fallback;
	if (is(&l, "insert") || is(&l, "replace")) {
		verb = "insert into";
		if (!lex_find(&l, "into"))
			goto fallback;
	} else if (is(&l, "update")) {
		verb = "update";
		if (!lex_next(&l))
			goto fallback;
		/* UPDATE OR REPLACE t: skip two words */
		if (is(&l, "or") && (!lex_next(&l) || !lex_next(&l)))
			goto fallback;
		goto name;
	} else if (is(&l, "delete")) {
		verb = "delete from";
		if (!lex_find(&l, "from"))
			goto fallback;
	} else if (is(&l, "select") || is(&l, "with")) {
		verb = "query";
		if (!lex_find(&l, "from"))
			goto fallback;
	} else {
		goto fallback;
	}
	if (!lex_next(&l))
		goto fallback;
name:
	if (!ident_char(l.tok[0]))
		goto fallback;
	snprintf(out, outlen, "%s '%s'", verb, l.tok);
	return;
fallback:
	describe_fallback(sql, out, outlen);
}

int64_t ps_store_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}
