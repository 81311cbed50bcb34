/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The table-driven configuration engine: typed items with bounds and
 * defaults, a libyaml event loader that fills a scratch copy and commits it
 * only when the whole file is valid, and an annotated YAML writer.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "core/core.h"

#define CONF_FILE_MAX (16u << 20)   /* refuse configuration files above this */
#define CONF_STRING_MAX 4096        /* longest string when an item sets none */
#define CONF_SHOW_MAX 64            /* longest value quoted back in a message */
#define CONF_WHY_MAX 320

/* A value suffix and its multiplier, for sizes and durations. */
struct conf_unit {
	const char *suffix;
	int64_t mult;
};

/* Accepted spellings, longest first within each letter. */
static const struct conf_unit size_units[] = {
	{"KiB", 1LL << 10}, {"kB", 1LL << 10}, {"KB", 1LL << 10},
	{"k", 1LL << 10},   {"K", 1LL << 10},  {"MiB", 1LL << 20},
	{"MB", 1LL << 20},  {"M", 1LL << 20},  {"GiB", 1LL << 30},
	{"GB", 1LL << 30},  {"G", 1LL << 30},  {"TiB", 1LL << 40},
	{"TB", 1LL << 40},  {"T", 1LL << 40},  {"B", 1},
	{"", 1},            {NULL, 0},
};

/* Written back by the formatter, largest first. */
static const struct conf_unit size_fmt[] = {
	{"T", 1LL << 40}, {"G", 1LL << 30}, {"M", 1LL << 20}, {"k", 1LL << 10},
	{NULL, 0},
};

static const struct conf_unit dur_units[] = {
	{"s", 1}, {"m", 60}, {"h", 3600}, {"d", 86400}, {"", 1}, {NULL, 0},
};

static const struct conf_unit dur_fmt[] = {
	{"d", 86400}, {"h", 3600}, {"m", 60}, {NULL, 0},
};

static void *item_ptr(void *data, const struct ps_conf_item *it)
{
	return (char *)data + it->offset;
}

static const void *item_cptr(const void *data, const struct ps_conf_item *it)
{
	return (const char *)data + it->offset;
}

/* Copy of `s` fit for quoting in a message: at most CONF_SHOW_MAX bytes. */
static const char *shown(const char *s, char *buf, size_t len)
{
	size_t n = strlen(s);

	if (n < CONF_SHOW_MAX)
		return s;
	n = CONF_SHOW_MAX;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--; /* do not split a UTF-8 sequence */
	snprintf(buf, len, "%.*s...", (int)n, s);
	return buf;
}

/*
 * Decimal integer with optional sign, no spaces. PS_EINVAL if `s` is not
 * one, PS_ELIMIT on overflow. `*end` is where the digits stop.
 */
static int parse_i64(const char *s, int64_t *out, const char **end)
{
	bool neg = false;
	uint64_t v = 0, lim;
	const char *p = s;

	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if (*p < '0' || *p > '9')
		return PS_EINVAL;
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned dig = (unsigned)(*p - '0');

		if (v > (lim - dig) / 10)
			return PS_ELIMIT;
		v = v * 10 + dig;
	}
	*end = p;
	if (neg)
		*out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	else
		*out = (int64_t)v;
	return PS_OK;
}

/* An integer followed by one of `units`. */
static int parse_scaled(const char *s, const struct conf_unit *units,
			int64_t *out)
{
	const char *end;
	int64_t v;
	int rc;

	if (*s == '-' || *s == '+')
		return PS_EINVAL; /* sizes and durations are never signed */
	rc = parse_i64(s, &v, &end);
	if (rc != PS_OK)
		return rc;
	for (const struct conf_unit *u = units; u->suffix != NULL; u++) {
		if (strcmp(end, u->suffix) != 0)
			continue;
		if (v > INT64_MAX / u->mult)
			return PS_ELIMIT;
		*out = v * u->mult;
		return PS_OK;
	}
	return PS_EINVAL;
}

static int parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = {"true", "yes", "on"};
	static const char *const no[] = {"false", "no", "off"};

	for (size_t i = 0; i < PS_ARRAY_LEN(yes); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return PS_OK;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return PS_OK;
		}
	}
	return PS_EINVAL;
}

/* "64M", "5m", "0": the largest suffix that divides `v` exactly. */
static void fmt_scaled(int64_t v, const struct conf_unit *units,
		       const char *plain, char *out, size_t len)
{
	for (const struct conf_unit *u = units; u->suffix != NULL; u++) {
		if (v != 0 && v % u->mult == 0) {
			snprintf(out, len, "%" PRId64 "%s", v / u->mult, u->suffix);
			return;
		}
	}
	snprintf(out, len, "%" PRId64 "%s", v, plain);
}

/* An item's bounds; min == max == 0 in a table means "no bounds". */
static void item_bounds(const struct ps_conf_item *it, int64_t *lo,
			int64_t *hi)
{
	*lo = it->min;
	*hi = it->max;
	if (it->min == 0 && it->max == 0) {
		*lo = it->type == PS_CONF_INT ? INT64_MIN : 0;
		*hi = INT64_MAX;
	}
}

static void fmt_bound(const struct ps_conf_item *it, int64_t v, char *out,
		      size_t len)
{
	if (it->type == PS_CONF_SIZE)
		fmt_scaled(v, size_fmt, "", out, len);
	else if (it->type == PS_CONF_DURATION)
		fmt_scaled(v, dur_fmt, "s", out, len);
	else
		snprintf(out, len, "%" PRId64, v);
}

static bool utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i], need, cp;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			need = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			need = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			need = 3, cp = c & 0x07;
		else
			return false;
		if (n - i <= need)
			return false;
		for (unsigned k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += need + 1;
	}
	return true;
}

/* The closest of n names to `word` when it is a plausible typo, or NULL. */
static const char *suggest(const char *word, ps_text_name_fn name_at, const void *tab,
			   size_t n)
{
	return ps_text_suggest(word, strlen(word), name_at, tab, n);
}

static const char *sec_name_at(const void *tab, size_t i)
{
	return ((const struct ps_conf_section *const *)tab)[i]->name;
}

static const char *item_key_at(const void *tab, size_t i)
{
	return ((const struct ps_conf_item *)tab)[i].key;
}

static const char *enum_choice_at(const void *tab, size_t i)
{
	return ((const char *const *)tab)[i];
}

static size_t enum_count(const struct ps_conf_item *it)
{
	size_t n = 0;

	while (it->choices[n] != NULL)
		n++;
	return n;
}

/* `overflow`: the text was a number too large for 64 bits. */
static int check_range(const struct ps_conf_section *sec,
		       const struct ps_conf_item *it, int64_t v, bool overflow,
		       const char *text, char *why, size_t whylen)
{
	char lo[32], hi[32], buf[CONF_SHOW_MAX + 4];
	int64_t min, max;

	item_bounds(it, &min, &max);
	if (!overflow && v >= min && v <= max)
		return PS_OK;
	fmt_bound(it, min, lo, sizeof(lo));
	fmt_bound(it, max, hi, sizeof(hi));
	snprintf(why, whylen, "'%s.%s' must be between %s and %s (got '%s')",
		 sec->name, it->key, lo, hi, shown(text, buf, sizeof(buf)));
	return PS_EINVAL;
}

static int check_string(const struct ps_conf_section *sec,
			const struct ps_conf_item *it, const char *text,
			size_t len, char *why, size_t whylen)
{
	int64_t max = it->max > 0 ? it->max : CONF_STRING_MAX;

	if (strlen(text) != len) {
		snprintf(why, whylen, "'%s.%s' must not contain NUL bytes",
			 sec->name, it->key);
		return PS_EINVAL;
	}
	if (!utf8_valid((const unsigned char *)text, len)) {
		snprintf(why, whylen, "'%s.%s' must be valid UTF-8", sec->name,
			 it->key);
		return PS_EINVAL;
	}
	if ((int64_t)len > max || (int64_t)len < it->min) {
		snprintf(why, whylen,
			 "'%s.%s' must be %" PRId64 " to %" PRId64
			 " bytes long (got %zu)",
			 sec->name, it->key, it->min > 0 ? it->min : 0, max, len);
		return PS_EINVAL;
	}
	return PS_OK;
}

static int parse_enum(const struct ps_conf_section *sec,
		      const struct ps_conf_item *it, const char *text,
		      int *out, char *why, size_t whylen)
{
	size_t n = enum_count(it), used = 0;
	char list[160], buf[CONF_SHOW_MAX + 4], hint[96];
	const char *near;

	for (size_t i = 0; i < n; i++) {
		if (strcmp(text, it->choices[i]) == 0) {
			*out = (int)i;
			return PS_OK;
		}
	}
	list[0] = '\0';
	for (size_t i = 0; i < n && used < sizeof(list); i++)
		used += (size_t)snprintf(list + used, sizeof(list) - used,
					 "%s%s", i ? ", " : "", it->choices[i]);
	near = suggest(text, enum_choice_at, it->choices, n);
	hint[0] = '\0';
	if (near != NULL)
		snprintf(hint, sizeof(hint), "; did you mean '%s'?", near);
	snprintf(why, whylen, "'%s.%s' must be one of %s (got '%s')%s",
		 sec->name, it->key, list, shown(text, buf, sizeof(buf)), hint);
	return PS_EINVAL;
}

static int set_string(char **slot, const char *text, size_t len)
{
	char *s = ps_strndup(PS_MEM_CONF, text, len);

	if (s == NULL)
		return PS_ENOMEM;
	ps_free(*slot);
	*slot = s;
	return PS_OK;
}

/* Complaint for a value that is not of the item's type at all. */
static int bad_syntax(const struct ps_conf_section *sec,
		      const struct ps_conf_item *it, const char *text,
		      int rc, char *why, size_t whylen)
{
	static const char *const want[] = {
		[PS_CONF_BOOL] = "a boolean: true/false, yes/no or on/off",
		[PS_CONF_INT] = "an integer",
		[PS_CONF_SIZE] = "a size such as 4096, 512k, 64M or 1G",
		[PS_CONF_DURATION] = "a duration such as 30s, 5m, 2h or 7d",
		[PS_CONF_STRING] = "a string",
		[PS_CONF_ENUM] = "a name",
	};
	char buf[CONF_SHOW_MAX + 4];

	if (rc == PS_ELIMIT)
		return check_range(sec, it, 0, true, text, why, whylen);
	snprintf(why, whylen, "'%s.%s' must be %s (got '%s')", sec->name,
		 it->key, want[it->type], shown(text, buf, sizeof(buf)));
	return PS_EINVAL;
}

/*
 * Parse `text` (len bytes, NUL-terminated) for item `it` and store it in
 * `data`. On PS_EINVAL `why` says what is wrong, without a location.
 */
static int item_assign(const struct ps_conf_section *sec,
		       const struct ps_conf_item *it, void *data,
		       const char *text, size_t len, char *why, size_t whylen)
{
	const char *end;
	int64_t v = 0;
	bool b;
	int rc = PS_OK;

	switch (it->type) {
	case PS_CONF_BOOL:
		rc = parse_bool(text, &b);
		if (rc == PS_OK)
			*(bool *)item_ptr(data, it) = b;
		break;
	case PS_CONF_INT:
		rc = parse_i64(text, &v, &end);
		if (rc == PS_OK && *end != '\0')
			rc = PS_EINVAL;
		break;
	case PS_CONF_SIZE:
		rc = parse_scaled(text, size_units, &v);
		break;
	case PS_CONF_DURATION:
		rc = parse_scaled(text, dur_units, &v);
		break;
	case PS_CONF_STRING:
		rc = check_string(sec, it, text, len, why, whylen);
		if (rc == PS_OK)
			rc = set_string(item_ptr(data, it), text, len);
		return rc;
	case PS_CONF_ENUM:
		return parse_enum(sec, it, text, item_ptr(data, it), why,
				  whylen);
	}
	if (rc != PS_OK)
		return bad_syntax(sec, it, text, rc, why, whylen);
	if (it->type == PS_CONF_BOOL)
		return PS_OK;
	rc = check_range(sec, it, v, false, text, why, whylen);
	if (rc != PS_OK)
		return rc;
	if (it->type == PS_CONF_SIZE)
		*(uint64_t *)item_ptr(data, it) = (uint64_t)v;
	else
		*(int64_t *)item_ptr(data, it) = v;
	return PS_OK;
}

/* Text of an item's value in `data`, as a YAML file would write it. */
static int item_fmt(const struct ps_conf_item *it, const void *data,
		    char *out, size_t len)
{
	const void *p = item_cptr(data, it);
	int n = 0;

	switch (it->type) {
	case PS_CONF_BOOL:
		n = snprintf(out, len, "%s", *(const bool *)p ? "true" : "false");
		break;
	case PS_CONF_INT:
		n = snprintf(out, len, "%" PRId64, *(const int64_t *)p);
		break;
	case PS_CONF_SIZE:
		fmt_scaled((int64_t) * (const uint64_t *)p, size_fmt, "", out,
			   len);
		return PS_OK;
	case PS_CONF_DURATION:
		fmt_scaled(*(const int64_t *)p, dur_fmt, "s", out, len);
		return PS_OK;
	case PS_CONF_STRING: {
		const char *s = *(char *const *)p;

		n = snprintf(out, len, "%s", s ? s : "");
		break;
	}
	case PS_CONF_ENUM: {
		int i = *(const int *)p;

		n = snprintf(out, len, "%s",
			     i >= 0 && (size_t)i < enum_count(it) ?
				     it->choices[i] : "");
		break;
	}
	}
	return n < 0 || (size_t)n >= len ? PS_ELIMIT : PS_OK;
}

static size_t type_size(enum ps_conf_type t)
{
	switch (t) {
	case PS_CONF_BOOL:
		return sizeof(bool);
	case PS_CONF_INT:
	case PS_CONF_DURATION:
		return sizeof(int64_t);
	case PS_CONF_SIZE:
		return sizeof(uint64_t);
	case PS_CONF_STRING:
		return sizeof(char *);
	case PS_CONF_ENUM:
		return sizeof(int);
	}
	return SIZE_MAX;
}

static bool name_ok(const char *s)
{
	if (s == NULL || *s == '\0')
		return false;
	for (; *s; s++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '_'))
			return false;
	}
	return true;
}

/* Programming errors in one section's table. */
static int check_section(const struct ps_conf_section *sec,
			 struct ps_diag *d)
{
	if (!name_ok(sec->name)) {
		ps_diag_set(d, "conf table: bad section name '%s'",
			    sec->name ? sec->name : "(null)");
		return PS_EINVAL;
	}
	for (size_t j = 0; j < sec->n_items; j++) {
		const struct ps_conf_item *it = &sec->items[j];
		const char *bad = NULL;

		if (!name_ok(it->key))
			bad = "bad key";
		else if ((unsigned)it->type > PS_CONF_ENUM ||
			 it->offset > sec->size ||
			 type_size(it->type) > sec->size - it->offset)
			bad = "type or offset outside the settings struct";
		else if (it->type == PS_CONF_ENUM &&
			 (it->choices == NULL || it->choices[0] == NULL))
			bad = "enum without choices";
		else if (it->min > it->max &&
			 (it->type != PS_CONF_STRING || it->max != 0) &&
			 it->type != PS_CONF_BOOL && it->type != PS_CONF_ENUM)
			bad = "min above max";
		for (size_t k = 0; bad == NULL && k < j; k++)
			if (strcmp(sec->items[k].key, it->key) == 0)
				bad = "duplicate key";
		if (bad != NULL) {
			ps_diag_set(d, "conf table '%s': item %zu: %s", sec->name,
				    j, bad);
			return PS_EINVAL;
		}
	}
	return PS_OK;
}

static void data_free(const struct ps_conf_section *sec, void *data)
{
	if (data == NULL)
		return;
	for (size_t j = 0; j < sec->n_items; j++)
		if (sec->items[j].type == PS_CONF_STRING)
			ps_free(*(char **)item_ptr(data, &sec->items[j]));
	ps_free(data);
}

/* Fill a zeroed settings struct with the table's defaults. */
static int data_defaults(const struct ps_conf_section *sec, void *data,
			 struct ps_diag *d)
{
	char why[CONF_WHY_MAX];

	for (size_t j = 0; j < sec->n_items; j++) {
		const struct ps_conf_item *it = &sec->items[j];
		const char *def = it->def;
		int rc;

		if (def == NULL && it->type != PS_CONF_STRING)
			continue; /* zero */
		if (def == NULL)
			def = "";
		rc = item_assign(sec, it, data, def, strlen(def), why,
				 sizeof(why));
		if (rc == PS_EINVAL)
			ps_diag_set(d, "conf table '%s': bad default: %s",
				    sec->name, why);
		else if (rc == PS_ENOMEM)
			ps_diag_set(d, "out of memory");
		if (rc != PS_OK)
			return rc;
	}
	return PS_OK;
}

int ps_conf_init(struct ps_conf *c, const struct ps_conf_section *const *secs,
		 size_t n_secs, struct ps_diag *d)
{
	int rc = PS_OK;

	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < n_secs && rc == PS_OK; i++) {
		rc = check_section(secs[i], d);
		for (size_t k = 0; rc == PS_OK && k < i; k++) {
			if (strcmp(secs[k]->name, secs[i]->name) == 0) {
				ps_diag_set(d, "conf table: duplicate section '%s'",
					    secs[i]->name);
				rc = PS_EINVAL;
			}
		}
	}
	if (rc != PS_OK)
		return rc;
	c->data = ps_calloc(PS_MEM_CONF, n_secs ? n_secs : 1, sizeof(void *));
	c->set = ps_calloc(PS_MEM_CONF, n_secs ? n_secs : 1, sizeof(bool *));
	if (c->data == NULL || c->set == NULL)
		goto nomem;
	c->secs = secs;
	c->n_secs = n_secs;
	for (size_t i = 0; i < n_secs; i++) {
		c->data[i] = ps_calloc(PS_MEM_CONF, 1, secs[i]->size + 1);
		c->set[i] = ps_calloc(PS_MEM_CONF, secs[i]->n_items + 1,
				      sizeof(bool));
		if (c->data[i] == NULL || c->set[i] == NULL)
			goto nomem;
		rc = data_defaults(secs[i], c->data[i], d);
		if (rc != PS_OK)
			goto out;
	}
	return PS_OK;
nomem:
	ps_diag_set(d, "out of memory");
	rc = PS_ENOMEM;
out:
	ps_conf_release(c);
	return rc;
}

void ps_conf_release(struct ps_conf *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->n_secs; i++) {
		if (c->data != NULL)
			data_free(c->secs[i], c->data[i]);
		if (c->set != NULL)
			ps_free(c->set[i]);
	}
	ps_free(c->data);
	ps_free(c->set);
	memset(c, 0, sizeof(*c));
}

/*
 * A scratch generation: copies of every settings struct (strings
 * duplicated) and of the `set` flags, plus the line where each item was
 * seen in the file being loaded (0 = not yet) for duplicate reports.
 */
struct conf_scratch {
	void **data;
	bool **set;
	uint32_t **line;
	uint32_t *sec_line;
	size_t n;
};

static void scratch_free(const struct ps_conf *c, struct conf_scratch *s)
{
	for (size_t i = 0; i < s->n; i++) {
		if (s->data != NULL)
			data_free(c->secs[i], s->data[i]);
		if (s->set != NULL)
			ps_free(s->set[i]);
		if (s->line != NULL)
			ps_free(s->line[i]);
	}
	ps_free(s->data);
	ps_free(s->set);
	ps_free(s->line);
	ps_free(s->sec_line);
	memset(s, 0, sizeof(*s));
}

/* Deep copy of one settings struct: strings are duplicated. */
static void *data_clone(const struct ps_conf_section *sec, const void *src)
{
	void *dst = ps_memdup(PS_MEM_CONF, src, sec->size + 1);

	if (dst == NULL)
		return NULL;
	for (size_t j = 0; j < sec->n_items; j++)
		if (sec->items[j].type == PS_CONF_STRING)
			*(char **)item_ptr(dst, &sec->items[j]) = NULL;
	for (size_t j = 0; j < sec->n_items; j++) {
		const struct ps_conf_item *it = &sec->items[j];
		const char *s;

		if (it->type != PS_CONF_STRING)
			continue;
		s = *(char *const *)item_cptr(src, it);
		if (s == NULL)
			continue;
		*(char **)item_ptr(dst, it) = ps_strdup(PS_MEM_CONF, s);
		if (*(char **)item_ptr(dst, it) == NULL) {
			data_free(sec, dst);
			return NULL;
		}
	}
	return dst;
}

static int scratch_new(const struct ps_conf *c, struct conf_scratch *s)
{
	size_t n = c->n_secs ? c->n_secs : 1;

	memset(s, 0, sizeof(*s));
	s->data = ps_calloc(PS_MEM_CONF, n, sizeof(void *));
	s->set = ps_calloc(PS_MEM_CONF, n, sizeof(bool *));
	s->line = ps_calloc(PS_MEM_CONF, n, sizeof(uint32_t *));
	s->sec_line = ps_calloc(PS_MEM_CONF, n, sizeof(uint32_t));
	if (s->data == NULL || s->set == NULL || s->line == NULL ||
	    s->sec_line == NULL)
		goto nomem;
	s->n = c->n_secs;
	for (size_t i = 0; i < c->n_secs; i++) {
		size_t ni = c->secs[i]->n_items + 1;

		s->data[i] = data_clone(c->secs[i], c->data[i]);
		s->set[i] = ps_memdup(PS_MEM_CONF, c->set[i], ni * sizeof(bool));
		s->line[i] = ps_calloc(PS_MEM_CONF, ni, sizeof(uint32_t));
		if (s->data[i] == NULL || s->set[i] == NULL || s->line[i] == NULL)
			goto nomem;
	}
	return PS_OK;
nomem:
	scratch_free(c, s);
	return PS_ENOMEM;
}

/*
 * Make the scratch generation current. The settings structs keep their
 * addresses: old strings are freed and the new contents copied in. Cannot
 * fail.
 */
static void scratch_commit(struct ps_conf *c, struct conf_scratch *s)
{
	for (size_t i = 0; i < c->n_secs; i++) {
		const struct ps_conf_section *sec = c->secs[i];

		for (size_t j = 0; j < sec->n_items; j++)
			if (sec->items[j].type == PS_CONF_STRING)
				ps_free(*(char **)item_ptr(c->data[i],
							   &sec->items[j]));
		memcpy(c->data[i], s->data[i], sec->size);
		ps_free(s->data[i]); /* its strings now belong to c->data[i] */
		s->data[i] = NULL;
		memcpy(c->set[i], s->set[i], sec->n_items * sizeof(bool));
	}
	scratch_free(c, s);
}

static int find_section(const struct ps_conf *c, const char *name, size_t len)
{
	for (size_t i = 0; i < c->n_secs; i++)
		if (strlen(c->secs[i]->name) == len &&
		    memcmp(c->secs[i]->name, name, len) == 0)
			return (int)i;
	return -1;
}

static int find_item(const struct ps_conf_section *sec, const char *key)
{
	for (size_t j = 0; j < sec->n_items; j++)
		if (strcmp(sec->items[j].key, key) == 0)
			return (int)j;
	return -1;
}

void *ps_conf_section_get(const struct ps_conf *c, const char *name)
{
	int i = find_section(c, name, strlen(name));

	return i < 0 ? NULL : c->data[i];
}

const struct ps_conf_item *ps_conf_item_find(const struct ps_conf *c,
					     const char *dotted, size_t *sec,
					     size_t *item)
{
	const char *dot = strchr(dotted, '.');
	int i, j;

	if (dot == NULL)
		return NULL;
	i = find_section(c, dotted, (size_t)(dot - dotted));
	if (i < 0)
		return NULL;
	j = find_item(c->secs[i], dot + 1);
	if (j < 0)
		return NULL;
	if (sec != NULL)
		*sec = (size_t)i;
	if (item != NULL)
		*item = (size_t)j;
	return &c->secs[i]->items[j];
}

int ps_conf_get_text(const struct ps_conf *c, const char *dotted, char *out,
		     size_t outlen)
{
	const struct ps_conf_item *it;
	size_t i;

	if (outlen > 0)
		out[0] = '\0';
	it = ps_conf_item_find(c, dotted, &i, NULL);
	if (it == NULL)
		return PS_ENOENT;
	if (outlen == 0)
		return PS_ELIMIT;
	return item_fmt(it, c->data[i], out, outlen);
}

bool ps_conf_is_set(const struct ps_conf *c, const char *dotted)
{
	size_t i, j;

	if (ps_conf_item_find(c, dotted, &i, &j) == NULL)
		return false;
	return c->set[i][j];
}

int ps_conf_set_text(struct ps_conf *c, const char *dotted, const char *value,
		     struct ps_diag *d)
{
	struct conf_scratch s;
	const struct ps_conf_item *it;
	char why[CONF_WHY_MAX];
	size_t i, j;
	int rc;

	it = ps_conf_item_find(c, dotted, &i, &j);
	if (it == NULL) {
		ps_diag_set(d, "unknown key '%s'", dotted);
		return PS_ENOENT;
	}
	rc = scratch_new(c, &s);
	if (rc != PS_OK) {
		ps_diag_set(d, "out of memory");
		return rc;
	}
	rc = item_assign(c->secs[i], it, s.data[i], value, strlen(value), why,
			 sizeof(why));
	if (rc == PS_OK) {
		s.set[i][j] = true;
		scratch_commit(c, &s);
		return PS_OK;
	}
	ps_diag_set(d, "%s", rc == PS_ENOMEM ? "out of memory" : why);
	scratch_free(c, &s);
	return rc;
}

/* ---- YAML loading ---- */

enum conf_state {
	ST_STREAM,   /* before STREAM-START */
	ST_DOC,      /* between documents */
	ST_ROOT,     /* expecting the document's root node */
	ST_SEC_KEY,  /* in the root mapping: a section name or the end */
	ST_SEC_VAL,  /* after a section name: its mapping */
	ST_ITEM_KEY, /* in a section: a key or the end */
	ST_ITEM_VAL, /* after a key: its scalar */
	ST_DOC_END,  /* expecting DOCUMENT-END */
};

struct conf_loader {
	const struct ps_conf *c;
	struct conf_scratch *s;
	const char *name;
	const char *text;
	size_t len;
	enum conf_state st;
	int docs;
	size_t sec;  /* current section */
	size_t item; /* current item */
	struct ps_diag *d;
};

static bool is_null(const yaml_event_t *ev)
{
	const char *v = (const char *)ev->data.scalar.value;

	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	return ev->data.scalar.length == 0 || strcmp(v, "~") == 0 ||
	       strcmp(v, "null") == 0 || strcmp(v, "Null") == 0 ||
	       strcmp(v, "NULL") == 0;
}

static unsigned ev_line(const yaml_event_t *ev)
{
	return (unsigned)ev->start_mark.line + 1;
}

static const char *ev_kind(const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_MAPPING_START_EVENT:
		return "a mapping";
	case YAML_SEQUENCE_START_EVENT:
		return "a list";
	case YAML_ALIAS_EVENT:
		return "an alias";
	default:
		return "a value";
	}
}

static int load_fail(struct conf_loader *ld, const yaml_event_t *ev,
		     const char *what)
{
	ps_diag_set(ld->d, "%s:%u: %s", ld->name, ev_line(ev), what);
	return PS_EINVAL;
}

static int on_section(struct conf_loader *ld, const yaml_event_t *ev)
{
	const char *key = (const char *)ev->data.scalar.value;
	char buf[CONF_SHOW_MAX + 4], hint[96];
	const char *near;
	int i;

	if (ev->type != YAML_SCALAR_EVENT || is_null(ev))
		return load_fail(ld, ev, "section names must be plain words");
	i = find_section(ld->c, key, ev->data.scalar.length);
	if (i < 0) {
		near = suggest(key, sec_name_at, ld->c->secs, ld->c->n_secs);
		hint[0] = '\0';
		if (near != NULL)
			snprintf(hint, sizeof(hint), "; did you mean '%s'?", near);
		ps_diag_set(ld->d, "%s:%u: unknown section '%s'%s", ld->name,
			    ev_line(ev), shown(key, buf, sizeof(buf)), hint);
		return PS_EINVAL;
	}
	if (ld->s->sec_line[i] != 0) {
		ps_diag_set(ld->d,
			    "%s:%u: duplicate section '%s' (first on line %u)",
			    ld->name, ev_line(ev), key, ld->s->sec_line[i]);
		return PS_EINVAL;
	}
	ld->s->sec_line[i] = ev_line(ev);
	ld->sec = (size_t)i;
	ld->st = ST_SEC_VAL;
	return PS_OK;
}

static int on_item_key(struct conf_loader *ld, const yaml_event_t *ev)
{
	const struct ps_conf_section *sec = ld->c->secs[ld->sec];
	const char *key = (const char *)ev->data.scalar.value;
	char buf[CONF_SHOW_MAX + 4], hint[160];
	const char *near;
	int j;

	if (ev->type != YAML_SCALAR_EVENT || is_null(ev))
		return load_fail(ld, ev, "keys must be plain words");
	j = strlen(key) == ev->data.scalar.length ? find_item(sec, key) : -1;
	if (j < 0) {
		near = suggest(key, item_key_at, sec->items, sec->n_items);
		hint[0] = '\0';
		if (near != NULL)
			snprintf(hint, sizeof(hint), "; did you mean '%s.%s'?",
				 sec->name, near);
		ps_diag_set(ld->d, "%s:%u: unknown key '%s.%s'%s", ld->name,
			    ev_line(ev), sec->name, shown(key, buf, sizeof(buf)),
			    hint);
		return PS_EINVAL;
	}
	if (ld->s->line[ld->sec][j] != 0) {
		ps_diag_set(ld->d,
			    "%s:%u: duplicate key '%s.%s' (first on line %u)",
			    ld->name, ev_line(ev), sec->name, key,
			    ld->s->line[ld->sec][j]);
		return PS_EINVAL;
	}
	ld->s->line[ld->sec][j] = ev_line(ev);
	ld->item = (size_t)j;
	ld->st = ST_ITEM_VAL;
	return PS_OK;
}

static int on_item_value(struct conf_loader *ld, const yaml_event_t *ev)
{
	const struct ps_conf_section *sec = ld->c->secs[ld->sec];
	const struct ps_conf_item *it = &sec->items[ld->item];
	const char *text = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	char why[CONF_WHY_MAX];
	int rc;

	if (ev->type != YAML_SCALAR_EVENT) {
		ps_diag_set(ld->d, "%s:%u: '%s.%s' must be a single value, not %s",
			    ld->name, ev_line(ev), sec->name, it->key,
			    ev_kind(ev));
		return PS_EINVAL;
	}
	if (is_null(ev) && it->type != PS_CONF_STRING) {
		ps_diag_set(ld->d, "%s:%u: '%s.%s' has no value", ld->name,
			    ev_line(ev), sec->name, it->key);
		return PS_EINVAL;
	}
	if (is_null(ev))
		text = "", len = 0;
	rc = item_assign(sec, it, ld->s->data[ld->sec], text, len, why,
			 sizeof(why));
	if (rc == PS_ENOMEM)
		ps_diag_set(ld->d, "out of memory");
	else if (rc != PS_OK)
		ps_diag_set(ld->d, "%s:%u: %s", ld->name, ev_line(ev), why);
	if (rc != PS_OK)
		return rc;
	ld->s->set[ld->sec][ld->item] = true;
	ld->st = ST_ITEM_KEY;
	return PS_OK;
}

/* Root node, or a section's value: a mapping, or nothing at all. */
static int on_node(struct conf_loader *ld, const yaml_event_t *ev)
{
	bool root = ld->st == ST_ROOT;

	if (ev->type == YAML_MAPPING_START_EVENT) {
		ld->st = root ? ST_SEC_KEY : ST_ITEM_KEY;
		return PS_OK;
	}
	if (ev->type == YAML_SCALAR_EVENT && is_null(ev)) {
		ld->st = root ? ST_DOC_END : ST_SEC_KEY;
		return PS_OK;
	}
	if (root)
		return load_fail(ld, ev, "the top level must be a mapping of "
					 "sections");
	ps_diag_set(ld->d, "%s:%u: section '%s' must be a mapping of settings, "
		    "not %s", ld->name, ev_line(ev), ld->c->secs[ld->sec]->name,
		    ev_kind(ev));
	return PS_EINVAL;
}

static int on_event(struct conf_loader *ld, const yaml_event_t *ev)
{
	if (ev->type == YAML_ALIAS_EVENT)
		return load_fail(ld, ev, "aliases are not supported");
	switch (ld->st) {
	case ST_STREAM:
		ld->st = ST_DOC;
		return PS_OK;
	case ST_DOC:
		if (ev->type != YAML_DOCUMENT_START_EVENT)
			return PS_OK; /* STREAM-END */
		if (ld->docs++ > 0)
			return load_fail(ld, ev, "only one YAML document is "
						 "allowed");
		ld->st = ST_ROOT;
		return PS_OK;
	case ST_ROOT:
	case ST_SEC_VAL:
		return on_node(ld, ev);
	case ST_SEC_KEY:
		if (ev->type == YAML_MAPPING_END_EVENT) {
			ld->st = ST_DOC_END;
			return PS_OK;
		}
		return on_section(ld, ev);
	case ST_ITEM_KEY:
		if (ev->type == YAML_MAPPING_END_EVENT) {
			ld->st = ST_SEC_KEY;
			return PS_OK;
		}
		return on_item_key(ld, ev);
	case ST_ITEM_VAL:
		return on_item_value(ld, ev);
	case ST_DOC_END:
		ld->st = ST_DOC; /* DOCUMENT-END */
		return PS_OK;
	}
	return PS_OK;
}

static int syntax_error(struct conf_loader *ld, const yaml_parser_t *p)
{
	unsigned line, col;

	if (p->error == YAML_MEMORY_ERROR) {
		ps_diag_set(ld->d, "out of memory");
		return PS_ENOMEM;
	}
	if (p->error == YAML_READER_ERROR) {
		ps_text_offset_pos(ld->text, ld->len, p->problem_offset, &line,
				   &col);
	} else {
		line = (unsigned)p->problem_mark.line + 1;
		col = (unsigned)p->problem_mark.column + 1;
	}
	ps_diag_set(ld->d, "%s:%u:%u: %s%s%s", ld->name, line, col,
		    p->problem ? p->problem : "syntax error",
		    p->context ? " " : "", p->context ? p->context : "");
	return PS_EPROTO;
}

static int load_events(struct conf_loader *ld)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	int rc = PS_OK;
	bool done = false;

	if (!yaml_parser_initialize(&parser)) {
		ps_diag_set(ld->d, "out of memory");
		return PS_ENOMEM;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)ld->text,
				     ld->len);
	while (!done && rc == PS_OK) {
		if (!yaml_parser_parse(&parser, &ev)) {
			rc = syntax_error(ld, &parser);
			break;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		rc = on_event(ld, &ev);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	return rc;
}

int ps_conf_load_mem(struct ps_conf *c, const char *name, const char *text,
		     size_t len, struct ps_diag *d)
{
	struct conf_scratch s;
	struct conf_loader ld;
	int rc;

	rc = scratch_new(c, &s);
	if (rc != PS_OK) {
		ps_diag_set(d, "out of memory");
		return rc;
	}
	memset(&ld, 0, sizeof(ld));
	ld.c = c;
	ld.s = &s;
	ld.name = name ? name : "(config)";
	ld.text = text;
	ld.len = len;
	ld.d = d;
	rc = load_events(&ld);
	if (rc == PS_OK)
		scratch_commit(c, &s);
	else
		scratch_free(c, &s);
	return rc;
}

int ps_conf_load_file(struct ps_conf *c, const char *path, struct ps_diag *d)
{
	char *text = NULL;
	size_t len = 0;
	int rc;

	rc = ps_file_read(path, PS_MEM_CONF, CONF_FILE_MAX, &text, &len, d);
	if (rc != PS_OK)
		return rc;
	rc = ps_conf_load_mem(c, path, text, len, d);
	ps_free(text);
	return rc;
}

/* ---- Writing ---- */

static size_t put_skip(FILE *out, const char *esc, size_t skip)
{
	fputs(esc, out);
	return skip;
}

/* A YAML double-quoted scalar that libyaml reads back unchanged. */
static void put_quoted(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', out);
	for (; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", out);
		else if (*p == '\t')
			fputs("\\t", out);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(out, "\\x%02x", *p);
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			fprintf(out, "\\u%04x", *++p); /* C1 controls */
		else if (*p == 0xe2 && p[1] == 0x80 && (p[2] & 0xfe) == 0xa8)
			p += put_skip(out, p[2] == 0xa8 ? "\\u2028" : "\\u2029",
				      2); /* line and paragraph separators */
		else if (*p == 0xef && p[1] == 0xbb && p[2] == 0xbf)
			p += put_skip(out, "\\ufeff", 2); /* BOM */
		else if (*p == 0xef && p[1] == 0xbf && p[2] >= 0xbe)
			p += put_skip(out, p[2] == 0xbe ? "\\ufffe" : "\\uffff",
				      2);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

static void put_type(FILE *out, const struct ps_conf_item *it)
{
	char lo[32], hi[32];
	int64_t min, max;

	item_bounds(it, &min, &max);
	fmt_bound(it, min, lo, sizeof(lo));
	fmt_bound(it, max, hi, sizeof(hi));
	switch (it->type) {
	case PS_CONF_BOOL:
		fputs("boolean", out);
		break;
	case PS_CONF_INT:
		fprintf(out, "integer, %s to %s", lo, hi);
		break;
	case PS_CONF_SIZE:
		fprintf(out, "size (k, M, G), %s to %s", lo, hi);
		break;
	case PS_CONF_DURATION:
		fprintf(out, "duration (s, m, h, d), %s to %s", lo, hi);
		break;
	case PS_CONF_STRING:
		fprintf(out, "string, %" PRId64 " to %" PRId64 " bytes",
			it->min > 0 ? it->min : 0,
			it->max > 0 ? it->max : CONF_STRING_MAX);
		break;
	case PS_CONF_ENUM:
		fputs("one of", out);
		for (size_t i = 0; it->choices[i] != NULL; i++)
			fprintf(out, "%s %s", i ? "," : "", it->choices[i]);
		break;
	}
}

static void put_item(FILE *out, const struct ps_conf_item *it,
		     const void *data)
{
	char text[64];
	const char *def = it->def;

	if (def == NULL && it->type == PS_CONF_BOOL)
		def = "false";
	else if (def == NULL && it->type == PS_CONF_ENUM)
		def = it->choices[0];
	else if (def == NULL && it->type != PS_CONF_STRING)
		def = "0";
	if (it->doc != NULL)
		fprintf(out, "  # %s\n", it->doc);
	fputs("  # ", out);
	put_type(out, it);
	fputs("; default: ", out);
	if (it->type == PS_CONF_STRING)
		put_quoted(out, def ? def : "");
	else
		fputs(def, out);
	fprintf(out, "\n  %s: ", it->key);
	if (it->type == PS_CONF_STRING) {
		const char *v = *(char *const *)item_cptr(data, it);

		put_quoted(out, v ? v : "");
	} else if (item_fmt(it, data, text, sizeof(text)) == PS_OK) {
		fputs(text, out);
	}
	fputc('\n', out);
}

int ps_conf_dump(const struct ps_conf *c, FILE *out, bool defaults_only)
{
	struct ps_conf defs;
	const struct ps_conf *src = c;
	int rc = PS_OK;

	if (defaults_only) {
		rc = ps_conf_init(&defs, c->secs, c->n_secs, NULL);
		if (rc != PS_OK)
			return rc;
		src = &defs;
	}
	fputs("# Panshi configuration: every setting with its type, bounds and "
	      "default.\n# Written by `panshi config dump`; unknown keys are "
	      "rejected when read.\n", out);
	for (size_t i = 0; i < src->n_secs; i++) {
		const struct ps_conf_section *sec = src->secs[i];

		fputc('\n', out);
		if (sec->doc != NULL)
			fprintf(out, "# %s\n", sec->doc);
		fprintf(out, "%s:%s\n", sec->name, sec->n_items ? "" : " {}");
		for (size_t j = 0; j < sec->n_items; j++) {
			if (j > 0)
				fputc('\n', out);
			put_item(out, &sec->items[j], src->data[i]);
		}
	}
	if (fflush(out) != 0 || ferror(out))
		rc = PS_EIO;
	if (defaults_only)
		ps_conf_release(&defs);
	return rc;
}
