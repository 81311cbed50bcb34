/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The CSV importer (RFC 4180: quoted fields with doubled quotes, records
 * that continue over lines inside quotes). Columns are mapped to fields
 * by --map ("value=1,family=4" or header names), else by a header line
 * (also one written as the last '#' comment before the data, as abuse.ch
 * does), else the first column is the value. A "host" and "path" column
 * pair (URLhaus's Splunk lookup) makes a URL, or the host alone when the
 * path is empty.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/core.h"
#include "intel/intel_int.h"

#define CSV_MAX_FIELDS 256
#define CSV_RECORD_MAX (4 * PS_INTEL_LINE_MAX)
#define CSV_CELL_MAX 64 /* copied cells: numbers, names, times */

enum csv_field {
	F_VALUE, F_TYPE, F_HOST, F_PATH, F_CATEGORY, F_SEVERITY, F_CONFIDENCE,
	F_FAMILY, F_TAGS, F_FIRST, F_LAST, F_TLP, F_EXPIRES, F__COUNT
};

static const char *const field_names[F__COUNT] = {
	"value", "type", "host", "path", "category", "severity", "confidence",
	"family", "tags", "first_seen", "last_seen", "tlp", "expires",
};

/* Header names recognised without --map, and the value's type they imply. */
static const struct {
	const char *name;
	enum csv_field field;
	enum ps_ioc_type hint;
} aliases[] = {
	{"value", F_VALUE, PS_IOC_NONE}, {"indicator", F_VALUE, PS_IOC_NONE},
	{"ioc", F_VALUE, PS_IOC_NONE}, {"ioc_value", F_VALUE, PS_IOC_NONE},
	{"observable", F_VALUE, PS_IOC_NONE}, {"url", F_VALUE, PS_IOC_URL},
	{"domain", F_VALUE, PS_IOC_DOMAIN}, {"fqdn", F_VALUE, PS_IOC_DOMAIN},
	{"ip", F_VALUE, PS_IOC_IPV4}, {"ip_address", F_VALUE, PS_IOC_IPV4},
	{"dst_ip", F_VALUE, PS_IOC_IPV4}, {"md5", F_VALUE, PS_IOC_MD5},
	{"md5_hash", F_VALUE, PS_IOC_MD5}, {"sha1", F_VALUE, PS_IOC_SHA1},
	{"sha1_hash", F_VALUE, PS_IOC_SHA1}, {"sha256", F_VALUE, PS_IOC_SHA256},
	{"sha256_hash", F_VALUE, PS_IOC_SHA256}, {"ja3", F_VALUE, PS_IOC_JA3},
	{"ja3_md5", F_VALUE, PS_IOC_JA3}, {"ja4", F_VALUE, PS_IOC_JA4},
	{"type", F_TYPE, 0}, {"ioc_type", F_TYPE, 0}, {"indicator_type", F_TYPE, 0},
	{"host", F_HOST, 0}, {"hostname", F_HOST, 0}, {"path", F_PATH, 0},
	{"category", F_CATEGORY, 0}, {"threat_category", F_CATEGORY, 0},
	{"severity", F_SEVERITY, 0}, {"confidence", F_CONFIDENCE, 0},
	{"confidence_level", F_CONFIDENCE, 0}, {"family", F_FAMILY, 0},
	{"malware", F_FAMILY, 0}, {"malware_family", F_FAMILY, 0},
	{"malware_printable", F_FAMILY, 0}, {"listingreason", F_FAMILY, 0},
	{"threat", F_FAMILY, 0}, {"signature", F_FAMILY, 0}, {"tags", F_TAGS, 0},
	{"tag", F_TAGS, 0}, {"first_seen", F_FIRST, 0}, {"firstseen", F_FIRST, 0},
	{"first_seen_utc", F_FIRST, 0}, {"dateadded", F_FIRST, 0},
	{"date_added", F_FIRST, 0}, {"last_seen", F_LAST, 0}, {"lastseen", F_LAST, 0},
	{"last_seen_utc", F_LAST, 0}, {"last_online", F_LAST, 0}, {"tlp", F_TLP, 0},
	{"expires", F_EXPIRES, 0}, {"expiry", F_EXPIRES, 0},
	{"valid_until", F_EXPIRES, 0},
};

struct csv {
	int col[F__COUNT];             /* 0-based column, -1 none */
	char want[F__COUNT][64];       /* header names from --map, "" none */
	enum ps_ioc_type value_hint;
	bool mapped;                   /* col[] final */
	bool first;                    /* next record is the first */
	bool in_rec;                   /* a quoted field continues on the next line */
	long rec_line;
	struct ps_buf rec;
	struct ps_buf comment;         /* last '#' line before the first record */
	struct ps_buf work;            /* unescaped fields */
	struct ps_buf url;
	size_t nf;
	size_t off[CSV_MAX_FIELDS], len[CSV_MAX_FIELDS];
};

/* ---- the column map ------------------------------------------------------------ */

static int field_index(const char *s, size_t n)
{
	for (int f = 0; f < F__COUNT; f++)
		if (strlen(field_names[f]) == n && strncasecmp(s, field_names[f], n) == 0)
			return f;
	return -1;
}

/* Parse "field=col,...": numbers go to col[], names to want[]. */
static int parse_map(struct ps_intel_parse *p, struct csv *c, const char *map)
{
	const char *s = map;

	while (*s != '\0') {
		const char *end = strchr(s, ','), *eq;
		size_t n = end ? (size_t)(end - s) : strlen(s), vn;
		int f;
		uint32_t v = 0;
		bool num = true;

		eq = memchr(s, '=', n);
		if (eq == NULL || eq == s || (vn = (size_t)(s + n - eq - 1)) == 0 ||
		    vn >= sizeof(c->want[0])) {
			ps_tr_fmt(p->diag.msg, sizeof(p->diag.msg), PS_MSG_INTEL_MAP_SYNTAX, map);
			return PS_EINVAL;
		}
		if ((f = field_index(s, (size_t)(eq - s))) < 0) {
			char name[64];

			snprintf(name, sizeof(name), "%.*s", (int)(eq - s), s);
			ps_tr_fmt(p->diag.msg, sizeof(p->diag.msg), PS_MSG_INTEL_MAP_FIELD, map, name);
			return PS_EINVAL;
		}
		for (size_t i = 0; i < vn && num; i++) {
			num = eq[1 + i] >= '0' && eq[1 + i] <= '9' && v < 100000;
			v = v * 10 + (uint32_t)(eq[1 + i] - '0');
		}
		if (num && v > 0)
			c->col[f] = (int)v - 1;
		else
			snprintf(c->want[f], sizeof(c->want[f]), "%.*s", (int)vn, eq + 1);
		s += n + (end != NULL);
	}
	return PS_OK;
}

static int check_mapped(struct ps_intel_parse *p, struct csv *c);

static int csv_begin(struct ps_intel_parse *p)
{
	struct csv *c = p->state;
	bool names = false;
	int rc;

	for (int f = 0; f < F__COUNT; f++)
		c->col[f] = -1;
	c->first = true;
	ps_buf_init(&c->rec, PS_MEM_INTEL, CSV_RECORD_MAX);
	ps_buf_init(&c->comment, PS_MEM_INTEL, PS_INTEL_LINE_MAX);
	ps_buf_init(&c->work, PS_MEM_INTEL, CSV_RECORD_MAX);
	ps_buf_init(&c->url, PS_MEM_INTEL, PS_IOC_INPUT_MAX);
	if (p->o->map == NULL || p->o->map[0] == '\0')
		return PS_OK;
	rc = parse_map(p, c, p->o->map);
	for (int f = 0; f < F__COUNT; f++)
		names = names || c->want[f][0] != '\0';
	/* only column numbers: the map is complete now */
	return rc == PS_OK && !names ? check_mapped(p, c) : rc;
}

static void csv_release(struct ps_intel_parse *p)
{
	struct csv *c = p->state;

	ps_buf_release(&c->rec);
	ps_buf_release(&c->comment);
	ps_buf_release(&c->work);
	ps_buf_release(&c->url);
}

/* ---- splitting a record ------------------------------------------------------------ */

static bool blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* One quoted field starting after its quote at s[*i]; PS_EAGAIN if it does not end. */
static int quoted(struct csv *c, const char *s, size_t n, size_t *i)
{
	int rc = PS_OK;

	for (;;) {
		const char *q;
		size_t at = *i;

		if (at >= n)
			return PS_EAGAIN;
		q = memchr(s + at, '"', n - at);
		if (q == NULL)
			return PS_EAGAIN;
		rc = ps_buf_add(&c->work, s + at, (size_t)(q - (s + at)));
		*i = (size_t)(q - s) + 1;
		if (rc != PS_OK)
			return rc;
		if (*i < n && s[*i] == '"') { /* "" is one quote */
			if ((rc = ps_buf_addch(&c->work, '"')) != PS_OK)
				return rc;
			(*i)++;
			continue;
		}
		while (*i < n && blank(s[*i]))
			(*i)++;
		return *i < n && s[*i] != ',' ? PS_EPROTO : PS_OK;
	}
}

/*
 * Split s[0..n) into fields (RFC 4180 section 2). PS_OK, PS_EAGAIN (a
 * quoted field is still open at the end), PS_EPROTO (text after a
 * closing quote), PS_ELIMIT (too many fields or bytes).
 */
static int split_record(struct csv *c, const char *s, size_t n)
{
	size_t i = 0;
	int rc;

	ps_buf_reset(&c->work);
	c->nf = 0;
	for (;;) {
		size_t start = ps_buf_len(&c->work), j = i;
		const char *comma;

		if (c->nf == CSV_MAX_FIELDS)
			return PS_ELIMIT;
		while (j < n && blank(s[j]))
			j++;
		if (j < n && s[j] == '"') {
			i = j + 1;
			rc = quoted(c, s, n, &i);
		} else {
			size_t e;

			comma = memchr(s + i, ',', n - i);
			e = comma ? (size_t)(comma - s) : n;
			while (e > j && blank(s[e - 1]))
				e--;
			rc = ps_buf_add(&c->work, s + j, e - j);
			i = comma ? (size_t)(comma - s) : n;
		}
		if (rc != PS_OK)
			return rc;
		c->off[c->nf] = start;
		c->len[c->nf++] = ps_buf_len(&c->work) - start;
		if (i >= n)
			return PS_OK;
		i++; /* the comma; a final one leaves an empty last field */
	}
}

static const char *cell(const struct csv *c, size_t k, size_t *n)
{
	*n = c->len[k];
	return (const char *)c->work.p + c->off[k];
}

/* ---- header detection -------------------------------------------------------------- */

static int alias_index(const char *s, size_t n)
{
	for (size_t a = 0; a < PS_ARRAY_LEN(aliases); a++)
		if (strlen(aliases[a].name) == n && strncasecmp(s, aliases[a].name, n) == 0)
			return (int)a;
	return -1;
}

/*
 * Whether the split fields look like a header: at least half of the
 * non-empty cells are known or mapped column names. (A data row may hold
 * one such word, "domain" in a type column, but not half.)
 */
static bool looks_like_header(const struct csv *c)
{
	size_t names = 0, cells = 0;

	for (size_t k = 0; k < c->nf; k++) {
		size_t n;
		const char *s = cell(c, k, &n);
		bool name = alias_index(s, n) >= 0;

		for (int f = 0; f < F__COUNT && !name; f++)
			name = c->want[f][0] != '\0' && strlen(c->want[f]) == n &&
			       strncasecmp(s, c->want[f], n) == 0;
		names += name;
		cells += n > 0;
	}
	return names > 0 && 2 * names >= cells;
}

/* Resolve want[] (or, with no --map, the aliases) against the header fields. */
static int map_header(struct ps_intel_parse *p, struct csv *c)
{
	bool any_want = false;

	for (int f = 0; f < F__COUNT; f++)
		any_want = any_want || c->want[f][0] != '\0';
	for (size_t k = c->nf; k-- > 0;) {
		size_t n;
		const char *s = cell(c, k, &n);
		int a = alias_index(s, n);

		for (int f = 0; f < F__COUNT; f++)
			if (c->want[f][0] != '\0' && strlen(c->want[f]) == n &&
			    strncasecmp(s, c->want[f], n) == 0)
				c->col[f] = (int)k;
		/* right to left, so the leftmost alias of a field wins */
		if (!any_want && p->o->map == NULL && a >= 0) {
			c->col[aliases[a].field] = (int)k;
			if (aliases[a].field == F_VALUE)
				c->value_hint = aliases[a].hint;
		}
	}
	for (int f = 0; f < F__COUNT; f++)
		if (c->want[f][0] != '\0' && c->col[f] < 0) {
			ps_tr_fmt(p->diag.msg, sizeof(p->diag.msg), PS_MSG_INTEL_MAP_COLUMN,
				  p->name, c->want[f]);
			return PS_EINVAL;
		}
	return PS_OK;
}

/* A '#' comment just before the data, as a header: "# ja3_md5,Firstseen,...". */
static int header_from_comment(struct ps_intel_parse *p, struct csv *c, bool *used)
{
	const char *s = ps_buf_cstr(&c->comment);
	size_t n = ps_buf_len(&c->comment);

	*used = false;
	while (n > 0 && (*s == '#' || blank(*s)))
		s++, n--;
	if (n == 0 || split_record(c, s, n) != PS_OK || c->nf < 2 || !looks_like_header(c))
		return PS_OK;
	*used = true;
	return map_header(p, c);
}

static int check_mapped(struct ps_intel_parse *p, struct csv *c)
{
	if (c->col[F_VALUE] < 0 && c->col[F_HOST] < 0) {
		if (p->o->map != NULL) {
			ps_tr_fmt(p->diag.msg, sizeof(p->diag.msg), PS_MSG_INTEL_MAP_NO_VALUE,
				  p->name);
			return PS_EINVAL;
		}
		c->col[F_VALUE] = 0;
	}
	c->mapped = true;
	return PS_OK;
}

/*
 * The first record: a header line is consumed (mapping columns); else a
 * header comment maps them; else the defaults. *header tells the caller
 * the record was the header. The record's fields are split again after.
 */
static int first_record(struct ps_intel_parse *p, struct csv *c, const char *s,
			size_t n, bool *header)
{
	bool used;
	int rc = PS_OK;

	c->first = false;
	*header = looks_like_header(c);
	if (*header)
		rc = c->mapped ? PS_OK : map_header(p, c);
	else if (!c->mapped && (rc = header_from_comment(p, c, &used)) == PS_OK)
		rc = split_record(c, s, n) == PS_OK ? PS_OK : PS_EPROTO;
	if (rc == PS_OK && !c->mapped)
		rc = check_mapped(p, c);
	return rc;
}

/* ---- turning a record into an indicator ------------------------------------------- */

/* Cell of field f, trimmed; NULL when the field is not mapped or missing. */
static const char *field(const struct csv *c, enum csv_field f, size_t *n)
{
	const char *s;

	*n = 0;
	if (c->col[f] < 0 || (size_t)c->col[f] >= c->nf)
		return NULL;
	s = cell(c, (size_t)c->col[f], n);
	ps_intel_trim(&s, n);
	return s;
}

/* A short cell as a C string for the parse functions; false if too long. */
static bool cstr(const char *s, size_t n, char out[CSV_CELL_MAX])
{
	if (n >= CSV_CELL_MAX)
		return false;
	memcpy(out, s, n);
	out[n] = '\0';
	return true;
}

static bool parse_small(const char *s, int lo, int hi, int *v)
{
	static const char *const words[] = {"info", "low", "medium", "high", "critical"};
	char *end;
	long x;

	for (size_t i = 0; hi == 5 && i < PS_ARRAY_LEN(words); i++)
		if (strcasecmp(s, words[i]) == 0) {
			*v = (int)i + 1;
			return true;
		}
	x = strtol(s, &end, 10);
	if (end == s || *end != '\0' || x < lo || x > hi)
		return false;
	*v = (int)x;
	return true;
}

static bool parse_when(const char *s, size_t n, int64_t *us)
{
	size_t i;

	for (i = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		;
	if (i == n && n > 0 && n <= 13) { /* Unix seconds, or milliseconds */
		int64_t v = 0;

		for (i = 0; i < n; i++)
			v = v * 10 + (s[i] - '0');
		*us = n > 10 ? v * 1000 : v * PS_USEC_PER_SEC;
		return true;
	}
	return ps_time_parse_iso8601(s, n, PS_TZ_UTC, us) == PS_OK;
}

/* Fill x from the optional columns; false after counting a bad line. */
static bool extras(struct ps_intel_parse *p, const struct csv *c, struct ps_intel_extra *x,
		   enum ps_ioc_type *hint)
{
	char buf[CSV_CELL_MAX];
	const char *s;
	size_t n;
	enum ps_ioc_category cat;
	enum ps_tlp tlp;

	for (int f = F_TYPE; f < F__COUNT; f++) {
		if (f == F_HOST || f == F_PATH || (s = field(c, (enum csv_field)f, &n)) == NULL ||
		    n == 0)
			continue;
		if (f == F_FAMILY) {
			x->family = s, x->family_len = n;
			continue;
		}
		if (f == F_TAGS) {
			x->tags = s, x->tags_len = n;
			continue;
		}
		if (!cstr(s, n, buf) ||
		    (f == F_TYPE && ps_ioc_type_parse(buf, hint) != PS_OK) ||
		    (f == F_CATEGORY && ps_ioc_category_parse(buf, &cat) != PS_OK) ||
		    (f == F_SEVERITY && !parse_small(buf, 1, 5, &x->severity)) ||
		    (f == F_CONFIDENCE && !parse_small(buf, 0, 100, &x->confidence)) ||
		    (f == F_FIRST && !parse_when(s, n, &x->first_seen)) ||
		    (f == F_LAST && !parse_when(s, n, &x->last_seen)) ||
		    (f == F_EXPIRES && !parse_when(s, n, &x->expires)) ||
		    (f == F_TLP && ps_tlp_parse(buf, &tlp) != PS_OK)) {
			if (n >= CSV_CELL_MAX)
				snprintf(buf, sizeof(buf), "%.*s...", CSV_CELL_MAX - 4, s);
			ps_intel_bad(p, PS_MSG_INTEL_BAD_FIELD, field_names[f], buf);
			return false;
		}
		if (f == F_CATEGORY)
			x->category = cat;
		if (f == F_TLP)
			x->tlp = (int)tlp;
	}
	return true;
}

/* host + path: the URL (http assumed), or the host when the path is empty. */
static int host_path(struct ps_intel_parse *p, struct csv *c, struct ps_intel_extra *x)
{
	size_t hn, pn;
	const char *h = field(c, F_HOST, &hn), *path = field(c, F_PATH, &pn);
	int rc = PS_OK;

	if (h == NULL || hn == 0) {
		ps_intel_bad(p, PS_MSG_INTEL_CSV_EMPTY);
		return PS_OK;
	}
	if (path == NULL || pn == 0)
		return ps_intel_emit(p, PS_IOC_NONE, h, hn, x);
	ps_buf_reset(&c->url);
	if (memmem(h, hn, "://", 3) == NULL)
		rc = ps_buf_addstr(&c->url, "http://");
	if (rc == PS_OK)
		rc = ps_buf_add(&c->url, h, hn);
	if (rc == PS_OK && path[0] != '/')
		rc = ps_buf_addch(&c->url, '/');
	if (rc == PS_OK)
		rc = ps_buf_add(&c->url, path, pn);
	if (rc == PS_ELIMIT) {
		ps_intel_bad(p, PS_MSG_IOC_TOO_LONG, PS_IOC_INPUT_MAX);
		return PS_OK;
	}
	if (rc != PS_OK)
		return rc;
	return ps_intel_emit(p, PS_IOC_URL, ps_buf_cstr(&c->url), ps_buf_len(&c->url), x);
}

static int record(struct ps_intel_parse *p, struct csv *c)
{
	enum ps_ioc_type hint = c->value_hint;
	struct ps_intel_extra x;
	const char *v;
	size_t n;

	ps_intel_extra_init(&x);
	if (!extras(p, c, &x, &hint))
		return PS_OK;
	if (c->col[F_VALUE] < 0)
		return host_path(p, c, &x);
	if ((size_t)c->col[F_VALUE] >= c->nf) {
		ps_intel_bad(p, PS_MSG_INTEL_CSV_NO_COLUMN, c->col[F_VALUE] + 1, (int)c->nf);
		return PS_OK;
	}
	v = field(c, F_VALUE, &n);
	if (n == 0) {
		ps_intel_bad(p, PS_MSG_INTEL_CSV_EMPTY);
		return PS_OK;
	}
	return ps_intel_emit(p, hint, v, n, &x);
}

/* ---- lines ------------------------------------------------------------------------- */

/* Handle a whole record s[0..n) that split_record answered `rc` for. */
static int complete(struct ps_intel_parse *p, struct csv *c, const char *s, size_t n,
		    int rc)
{
	bool header = false;

	if (rc == PS_EPROTO) {
		ps_intel_bad(p, PS_MSG_INTEL_CSV_AFTER_QUOTE);
		return PS_OK;
	}
	if (rc == PS_ELIMIT) {
		ps_intel_bad(p, PS_MSG_INTEL_CSV_TOO_BIG, CSV_MAX_FIELDS, CSV_RECORD_MAX);
		return PS_OK;
	}
	if (rc != PS_OK)
		return rc;
	if (c->first) {
		rc = first_record(p, c, s, n, &header);
		if (rc == PS_EPROTO) {
			ps_intel_bad(p, PS_MSG_INTEL_CSV_AFTER_QUOTE);
			return PS_OK;
		}
		if (rc != PS_OK || header)
			return rc;
	}
	return record(p, c);
}

static int csv_line(struct ps_intel_parse *p, char *line, size_t len)
{
	struct csv *c = p->state;
	const char *s = line;
	size_t n = len;
	long here = p->line;
	int rc = PS_OK;

	if (!c->in_rec) {
		ps_intel_trim(&s, &n);
		if (n == 0)
			return PS_OK;
		if (s[0] == '#') {
			ps_buf_reset(&c->comment);
			return c->first ? ps_buf_add(&c->comment, s, n) : PS_OK;
		}
		s = line;
		n = len;
		c->rec_line = p->line;
	} else {
		if ((rc = ps_buf_addch(&c->rec, '\n')) == PS_OK)
			rc = ps_buf_add(&c->rec, line, len);
		s = ps_buf_cstr(&c->rec);
		n = ps_buf_len(&c->rec);
	}
	if (rc == PS_OK)
		rc = split_record(c, s, n);
	if (rc == PS_EAGAIN && !c->in_rec) {
		ps_buf_reset(&c->rec);
		rc = ps_buf_add(&c->rec, line, len);
		c->in_rec = rc == PS_OK;
		return rc;
	}
	if (rc == PS_EAGAIN)
		return PS_OK;
	/* complete, malformed, or grown past CSV_RECORD_MAX: counted at its first line */
	c->in_rec = false;
	p->line = c->rec_line;
	rc = complete(p, c, s, n, rc);
	p->line = here;
	return rc;
}

static int csv_end(struct ps_intel_parse *p)
{
	struct csv *c = p->state;

	if (c->in_rec) {
		p->line = c->rec_line;
		ps_intel_bad(p, PS_MSG_INTEL_CSV_QUOTE);
	}
	return PS_OK;
}

const struct ps_intel_format_ops ps_intel_fmt_csv = {
	.format = PS_INTEL_FMT_CSV,
	.state_size = sizeof(struct csv),
	.begin = csv_begin,
	.line = csv_line,
	.end = csv_end,
	.release = csv_release,
};
