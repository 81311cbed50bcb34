/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Checks and normal forms of single registry values, one per field type:
 * text, numbers, real dates, flags, enums, policy labels and levels, keys,
 * IP ranges, CPE 2.3 names and unified social credit codes. Records,
 * imports and CLI options all pass through here before reaching the store.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/core.h"
#include "policy/policy.h"
#include "registry/registry.h"
#include "registry/registry_int.h"

/* Longest input a single-line value (not TEXT) may have. */
#define SHORT_MAX 256

/* A value quoted for a message: cut on a UTF-8 boundary, with "...". */
static const char *shown(const char *v, char *buf, size_t n)
{
	size_t len = strlen(v);

	if (len < n)
		return v;
	len = n - 4;
	while (len > 0 && ((unsigned char)v[len] & 0xc0) == 0x80)
		len--;
	memcpy(buf, v, len);
	memcpy(buf + len, "...", 4);
	return buf;
}

/* Code point of the UTF-8 sequence at p (n bytes left), or -1 if malformed. */
static long utf8_next(const unsigned char *p, size_t n, size_t *used)
{
	long cp, min;
	size_t k;

	if (p[0] < 0x80) {
		*used = 1;
		return p[0];
	}
	if ((p[0] & 0xe0) == 0xc0) {
		k = 2, cp = p[0] & 0x1f, min = 0x80;
	} else if ((p[0] & 0xf0) == 0xe0) {
		k = 3, cp = p[0] & 0x0f, min = 0x800;
	} else if ((p[0] & 0xf8) == 0xf0) {
		k = 4, cp = p[0] & 0x07, min = 0x10000;
	} else {
		return -1;
	}
	if (k > n)
		return -1;
	for (size_t i = 1; i < k; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return -1;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	*used = k;
	return cp;
}

bool ps_reg_text_ok(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, used;

	while (i < len) {
		long cp = utf8_next(p + i, len - i, &used);

		if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f))
			return false;
		i += used;
	}
	return true;
}

/* Why text is refused, for messages. */
static const char *text_problem(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, used;

	while (i < len) {
		long cp = utf8_next(p + i, len - i, &used);

		if (cp < 0)
			return "is not valid UTF-8";
		if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f))
			return "contains a control character";
		i += used;
	}
	return NULL;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* A trimmed copy of in (NULL when out of memory). */
static char *trimmed(const char *in)
{
	size_t a = 0, b = strlen(in);

	while (a < b && is_space(in[a]))
		a++;
	while (b > a && is_space(in[b - 1]))
		b--;
	return ps_strndup(PS_MEM_REGISTRY, in + a, b - a);
}

/* ---- numbers ---------------------------------------------------------------------- */

static int check_int(const struct ps_reg_field *f, char *v, struct ps_diag *d)
{
	bool sign = f->arg != NULL && strcmp(f->arg, "signed") == 0;
	bool neg = v[0] == '-';
	const char *p = v + (neg ? 1 : 0);
	uint64_t n = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	char b[72];

	if (*p == '\0')
		goto bad;
	for (const char *q = p; *q != '\0'; q++) {
		unsigned dig = (unsigned)(*q - '0');

		if (*q < '0' || *q > '9')
			goto bad;
		if (n > (lim - dig) / 10) {
			ps_diag_set(d, "field '%s': %s is too large", f->name, shown(v, b, 32));
			return PS_EINVAL;
		}
		n = n * 10 + dig;
	}
	if (neg && n != 0 && !sign) {
		ps_diag_set(d, "field '%s': %s is negative", f->name, shown(v, b, 32));
		return PS_EINVAL;
	}
	if (neg && n != 0)
		snprintf(v, strlen(v) + 1, "-%" PRIu64, n);
	else
		snprintf(v, strlen(v) + 1, "%" PRIu64, n);
	return PS_OK;
bad:
	ps_diag_set(d, "field '%s': '%s' is not a whole number", f->name, shown(v, b, sizeof(b)));
	return PS_EINVAL;
}

/*
 * Non-negative decimal with up to `maxfrac` fraction digits and at most 15
 * integer digits (exact in a double); normalised without trailing zeros.
 * Returns 0, or 1 not a number, 2 too many decimals, 3 too large.
 */
static int decimal_norm(char *v, int maxfrac)
{
	size_t i = 0, ni, nf = 0, len;
	char *dot;

	while (v[i] >= '0' && v[i] <= '9')
		i++;
	ni = i;
	if (ni == 0)
		return 1;
	if (v[i] == '.') {
		i++;
		while (v[i + nf] >= '0' && v[i + nf] <= '9')
			nf++;
		if (nf == 0)
			return 1;
		i += nf;
	}
	if (v[i] != '\0')
		return 1;
	/* leading zeros off, keeping one before the point */
	i = 0;
	while (i + 1 < ni && v[i] == '0')
		i++;
	memmove(v, v + i, strlen(v + i) + 1);
	if (ni - i > 15)
		return 3;
	dot = strchr(v, '.');
	if (dot == NULL)
		return 0;
	len = strlen(v);
	while (v[len - 1] == '0')
		v[--len] = '\0';
	if (v[len - 1] == '.')
		v[--len] = '\0';
	if (strchr(v, '.') != NULL && strlen(strchr(v, '.') + 1) > (size_t)maxfrac)
		return 2;
	return 0;
}

static int check_num(const struct ps_reg_field *f, char *v, struct ps_diag *d)
{
	char b[72], orig[72];
	int rc;

	snprintf(orig, sizeof(orig), "%s", shown(v, b, sizeof(b)));
	rc = decimal_norm(v, 2);
	if (rc == 0)
		return PS_OK;
	if (rc == 2)
		ps_diag_set(d, "field '%s': %s has more than 2 decimals", f->name, orig);
	else if (rc == 3)
		ps_diag_set(d, "field '%s': %s is too large", f->name, orig);
	else
		ps_diag_set(d, "field '%s': '%s' is not a number (e.g. 12 or 1.5)",
			    f->name, orig);
	return PS_EINVAL;
}

/* ---- dates, flags, words ---------------------------------------------------------- */

static int check_date(const struct ps_reg_field *f, const char *v, struct ps_diag *d)
{
	struct ps_date dt;
	char b[72];
	int y, m;

	if (ps_date_parse(v, strlen(v), &dt) == PS_OK)
		return PS_OK;
	if (strlen(v) != 10 || v[4] != '-' || v[7] != '-' ||
	    strspn(v, "0123456789-") != 10) {
		ps_diag_set(d, "field '%s': '%s' is not a date (use YYYY-MM-DD)", f->name,
			    shown(v, b, sizeof(b)));
		return PS_EINVAL;
	}
	y = (v[0] - '0') * 1000 + (v[1] - '0') * 100 + (v[2] - '0') * 10 + (v[3] - '0');
	m = (v[5] - '0') * 10 + (v[6] - '0');
	if (m < 1 || m > 12)
		ps_diag_set(d, "field '%s': '%s' does not exist: there is no month %d",
			    f->name, v, m);
	else
		ps_diag_set(d, "field '%s': '%s' does not exist: %04d-%02d has %d days",
			    f->name, v, y, m, ps_date_month_days(y, m));
	return PS_EINVAL;
}

static int check_flag(const struct ps_reg_field *f, char **v, struct ps_diag *d)
{
	static const char *const yes[] = {"true", "1", "yes", "y", "是"};
	static const char *const no[] = {"false", "0", "no", "n", "否"};
	const char *n = NULL;
	char b[72];

	for (size_t i = 0; i < PS_ARRAY_LEN(yes); i++) {
		if (strcasecmp(*v, yes[i]) == 0)
			n = "true";
		else if (strcasecmp(*v, no[i]) == 0)
			n = "false";
	}
	if (n == NULL) {
		ps_diag_set(d, "field '%s': '%s' is not true or false (or yes/no, 1/0, 是/否)",
			    f->name, shown(*v, b, sizeof(b)));
		return PS_EINVAL;
	}
	ps_free(*v);
	*v = ps_strdup(PS_MEM_REGISTRY, n);
	return *v == NULL ? PS_ENOMEM : PS_OK;
}

static int check_enum(const struct ps_reg_field *f, const char *v, struct ps_diag *d)
{
	const char *p = f->arg;
	size_t n = strlen(v);
	char words[256], b[72];

	while (p != NULL && *p != '\0') {
		const char *e = strchr(p, '|');
		size_t wl = e != NULL ? (size_t)(e - p) : strlen(p);

		if (wl == n && memcmp(p, v, n) == 0)
			return PS_OK;
		p = e != NULL ? e + 1 : NULL;
	}
	snprintf(words, sizeof(words), "%s", f->arg);
	for (char *q = words; *q != '\0'; q++)
		if (*q == '|')
			*q = ',';
	ps_diag_set(d, "field '%s': '%s' is not one of %s", f->name, shown(v, b, sizeof(b)),
		    words);
	return PS_EINVAL;
}

static int check_label(const struct ps_registry *r, const struct ps_reg_field *f,
		       const char *v, struct ps_diag *d)
{
	const struct ps_policy_table *t;
	char tab[96], b[72], allowed[256] = "";
	const char *colon = strchr(f->arg, ':');
	size_t used = 0;

	if (colon == NULL || (size_t)(colon - f->arg) >= sizeof(tab))
		goto nopol;
	memcpy(tab, f->arg, (size_t)(colon - f->arg));
	tab[colon - f->arg] = '\0';
	t = r != NULL && r->pol != NULL ? ps_policy_table_get(r->pol, tab) : NULL;
	if (t == NULL || ps_policy_table_col(t, colon + 1) < 0)
		goto nopol;
	if (ps_policy_table_find(t, colon + 1, v) >= 0)
		return PS_OK;
	for (size_t i = 0; i < t->n_rows && used + 1 < sizeof(allowed); i++) {
		const struct ps_policy_scalar *c = ps_policy_table_cell(t, i, colon + 1);
		int w = snprintf(allowed + used, sizeof(allowed) - used, "%s%s",
				 i ? ", " : "", c->text);

		used += w > 0 ? (size_t)w : 0;
	}
	ps_diag_set(d, "field '%s': '%s' is not one of %s (policy %s)", f->name,
		    shown(v, b, sizeof(b)), allowed, tab);
	return PS_EINVAL;
nopol:
	ps_diag_set(d, "field '%s': the policy has no table column '%s'", f->name, f->arg);
	return PS_EINVAL;
}

static int check_level(const struct ps_registry *r, const struct ps_reg_field *f,
		       char *v, struct ps_diag *d)
{
	int64_t lo, hi, tenths;
	bool sub = false;
	char b[72], orig[72];
	const char *dot;

	if (r == NULL || r->pol == NULL ||
	    ps_policy_get_int(r->pol, "protection.level.min", &lo) != PS_OK ||
	    ps_policy_get_int(r->pol, "protection.level.max", &hi) != PS_OK ||
	    ps_policy_get_flag(r->pol, "protection.level.sub_levels_enabled", &sub) != PS_OK) {
		ps_diag_set(d, "field '%s': the policy has no protection.level.min, "
			    ".max and .sub_levels_enabled", f->name);
		return PS_EINVAL;
	}
	snprintf(orig, sizeof(orig), "%s", shown(v, b, sizeof(b)));
	if (decimal_norm(v, 1) != 0) {
		ps_diag_set(d, "field '%s': '%s' is not a level (%" PRId64 " to %" PRId64 ")",
			    f->name, orig, lo, hi);
		return PS_EINVAL;
	}
	dot = strchr(v, '.');
	if (dot != NULL && !sub) {
		ps_diag_set(d, "field '%s': %s is not a whole level: sub-levels are off "
			    "(policy protection.level.sub_levels_enabled)", f->name, orig);
		return PS_EINVAL;
	}
	tenths = 0;
	for (const char *p = v; *p != '\0'; p++)
		if (*p != '.')
			tenths = tenths * 10 + (*p - '0');
	if (dot == NULL)
		tenths *= 10;
	if (tenths < lo * 10) {
		ps_diag_set(d, "field '%s': %s is below the lowest level %" PRId64
			    " (policy protection.level.min)", f->name, v, lo);
		return PS_EINVAL;
	}
	if (tenths > hi * 10) {
		ps_diag_set(d, "field '%s': %s is above the highest level %" PRId64
			    " (policy protection.level.max)", f->name, v, hi);
		return PS_EINVAL;
	}
	return PS_OK;
}

/* ---- keys ------------------------------------------------------------------------- */

int ps_reg_key_check(const char *key, struct ps_diag *d)
{
	size_t n = strlen(key);
	char b[72];

	if (n == 0) {
		ps_diag_set(d, "empty key");
		return PS_EINVAL;
	}
	if (n > PS_REG_KEY_MAX) {
		ps_diag_set(d, "key '%s' is longer than %d bytes", shown(key, b, sizeof(b)),
			    PS_REG_KEY_MAX);
		return PS_EINVAL;
	}
	if (!ps_reg_text_ok(key, n) || strpbrk(key, " ,") != NULL) {
		ps_diag_set(d, "key '%s' has a space, comma or control character, or is "
			    "not UTF-8", shown(key, b, sizeof(b)));
		return PS_EINVAL;
	}
	return PS_OK;
}

/* ---- one value -------------------------------------------------------------------- */

static int check_typed(const struct ps_registry *r, const struct ps_reg_field *f,
		       char **v, struct ps_diag *d)
{
	struct ps_diag kd;
	char b[72];

	if (f->type != PS_REG_TEXT && strlen(*v) > SHORT_MAX) {
		ps_diag_set(d, "field '%s': '%s' is too long", f->name, shown(*v, b, sizeof(b)));
		return PS_EINVAL;
	}
	switch (f->type) {
	case PS_REG_TEXT:
		return PS_OK;
	case PS_REG_INT:
		return check_int(f, *v, d);
	case PS_REG_NUM:
		return check_num(f, *v, d);
	case PS_REG_DATE:
		return check_date(f, *v, d);
	case PS_REG_FLAG:
		return check_flag(f, v, d);
	case PS_REG_ENUM:
		return check_enum(f, *v, d);
	case PS_REG_LABEL:
		return check_label(r, f, *v, d);
	case PS_REG_LEVEL:
		return check_level(r, f, *v, d);
	case PS_REG_REF:
		if (ps_reg_key_check(*v, &kd) != PS_OK) {
			ps_diag_set(d, "field '%s': %s", f->name, kd.msg);
			return PS_EINVAL;
		}
		return PS_OK;
	case PS_REG_IPRANGE:
		return ps_reg_iprange_check(f, v, d);
	case PS_REG_CPE:
		return ps_reg_cpe_check(f, *v, d);
	case PS_REG_USCC:
		return ps_reg_uscc_check(f, *v, d);
	}
	return PS_EINVAL;
}

int ps_reg_value_check(const struct ps_registry *r, const struct ps_reg_field *f,
		       const char *in, char **out, struct ps_diag *d)
{
	const char *why;
	char b[72];
	char *v;
	int rc;

	*out = NULL;
	if (in == NULL)
		return PS_OK;
	v = trimmed(in);
	if (v == NULL)
		return PS_ENOMEM;
	if (v[0] == '\0') {
		ps_free(v);
		return PS_OK;
	}
	why = text_problem(v, strlen(v));
	if (why != NULL || strlen(v) > PS_REG_TEXT_MAX) {
		ps_diag_set(d, "field '%s': '%s' %s", f->name, shown(v, b, sizeof(b)),
			    why != NULL ? why : "is too long");
		ps_free(v);
		return PS_EINVAL;
	}
	rc = check_typed(r, f, &v, d);
	if (rc != PS_OK) {
		ps_free(v);
		return rc;
	}
	*out = v;
	return PS_OK;
}
