/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The RFC 4180 CSV reader, UTF-8 checking and iconv conversion declared in
 * csv.h. The registry's bulk import reads spreadsheets through it; any
 * other importer of CSV files held in memory can.
 */
#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/core.h"
#include "core/csv.h"

void ps_csv_init(struct ps_csv *c, enum ps_mem_sub sub, const char *name,
		 const char *p, size_t len)
{
	memset(c, 0, sizeof(*c));
	c->p = p;
	c->len = p != NULL ? len : 0;
	c->line = 1;
	c->sep = ',';
	c->name = name != NULL ? name : "<input>";
	ps_buf_init(&c->work, sub, PS_CSV_RECORD_MAX);
	ps_vec_init(&c->offs, sub, sizeof(size_t), PS_CSV_FIELDS_MAX);
	ps_vec_init(&c->meta, sub, sizeof(struct ps_csv_field), PS_CSV_FIELDS_MAX);
	/* RFC 3629 section 6: a byte-order mark is not part of the data */
	if (c->len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		c->off = 3;
}

void ps_csv_sep_set(struct ps_csv *c, char sep)
{
	c->sep = sep;
}

void ps_csv_release(struct ps_csv *c)
{
	ps_buf_release(&c->work);
	ps_vec_release(&c->offs);
	ps_vec_release(&c->meta);
	c->fields = NULL;
	c->nf = 0;
}

static bool blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* At a line end: consume it (CRLF, LF or CR) and count the line. */
static bool eat_eol(struct ps_csv *c)
{
	if (c->off >= c->len)
		return false;
	if (c->p[c->off] == '\r') {
		c->off++;
		if (c->off < c->len && c->p[c->off] == '\n')
			c->off++;
	} else if (c->p[c->off] == '\n') {
		c->off++;
	} else {
		return false;
	}
	c->line++;
	return true;
}

static int fail(struct ps_csv *c, struct ps_diag *d, int rc, unsigned line,
		const char *what)
{
	ps_diag_set(d, "%s:%u: %s", c->name, line, what);
	c->off = c->len; /* nothing more after an error */
	return rc;
}

static int limit(struct ps_csv *c, struct ps_diag *d, int rc)
{
	char msg[128];

	if (rc == PS_ENOMEM)
		return fail(c, d, rc, c->rec_line, "out of memory");
	snprintf(msg, sizeof(msg), "record has more than %d fields or %d bytes",
		 PS_CSV_FIELDS_MAX, PS_CSV_RECORD_MAX);
	return fail(c, d, rc, c->rec_line, msg);
}

/*
 * A quoted field; c->off is just after its opening quote. Section 2.6-2.7:
 * line ends and separators are data, "" is one quote. The CR of an
 * embedded CRLF is dropped.
 */
static int quoted(struct ps_csv *c, struct ps_diag *d)
{
	unsigned open_line = c->line;
	char msg[96];
	int rc;

	for (;;) {
		size_t at = c->off;
		char ch;

		while (at < c->len && c->p[at] != '"' && c->p[at] != '\r' && c->p[at] != '\n')
			at++;
		if ((rc = ps_buf_add(&c->work, c->p + c->off, at - c->off)) != PS_OK)
			return limit(c, d, rc);
		c->off = at;
		if (at >= c->len) {
			snprintf(msg, sizeof(msg), "quoted field opened on line %u never closes",
				 open_line);
			return fail(c, d, PS_EPROTO, open_line, msg);
		}
		ch = c->p[at];
		if (ch == '"' && at + 1 < c->len && c->p[at + 1] == '"') {
			rc = ps_buf_addch(&c->work, '"');
			c->off += 2;
		} else if (ch == '"') {
			c->off++;
			return PS_OK;
		} else {
			(void)eat_eol(c);
			rc = ps_buf_addch(&c->work, '\n');
		}
		if (rc != PS_OK)
			return limit(c, d, rc);
	}
}

/* After a closing quote: blanks, then a separator, a line end or the end. */
static int after_quote(struct ps_csv *c, struct ps_diag *d)
{
	char msg[96];

	while (c->off < c->len && blank(c->p[c->off]))
		c->off++;
	if (c->off >= c->len || c->p[c->off] == c->sep || c->p[c->off] == '\r' ||
	    c->p[c->off] == '\n')
		return PS_OK;
	snprintf(msg, sizeof(msg), "text after the closing quote of field %zu",
		 ps_vec_len(&c->offs) + 1);
	return fail(c, d, PS_EPROTO, c->line, msg);
}

/* One field at c->off; pushes its offset and length. */
static int field(struct ps_csv *c, struct ps_diag *d)
{
	size_t start = ps_buf_len(&c->work), j = c->off;
	struct ps_csv_field m = {0};
	int rc;

	while (j < c->len && blank(c->p[j]))
		j++;
	if (j < c->len && c->p[j] == '"') {
		c->off = j + 1;
		m.quoted = true;
		if ((rc = quoted(c, d)) != PS_OK || (rc = after_quote(c, d)) != PS_OK)
			return rc;
	} else {
		j = c->off;
		while (j < c->len && c->p[j] != c->sep && c->p[j] != '\r' && c->p[j] != '\n')
			j++;
		if ((rc = ps_buf_add(&c->work, c->p + c->off, j - c->off)) != PS_OK)
			return limit(c, d, rc);
		c->off = j;
	}
	m.len = ps_buf_len(&c->work) - start;
	if ((rc = ps_buf_addch(&c->work, '\0')) != PS_OK ||
	    (rc = ps_vec_push(&c->offs, &start)) != PS_OK ||
	    (rc = ps_vec_push(&c->meta, &m)) != PS_OK)
		return limit(c, d, rc);
	return PS_OK;
}

int ps_csv_next(struct ps_csv *c, struct ps_diag *d)
{
	struct ps_csv_field *m;
	int rc;

	c->fields = NULL;
	c->nf = 0;
	while (eat_eol(c)) /* empty lines are not records */
		;
	if (c->off >= c->len)
		return PS_EOF;
	c->rec_line = c->line;
	ps_buf_reset(&c->work);
	ps_vec_clear(&c->offs);
	ps_vec_clear(&c->meta);
	for (;;) {
		if ((rc = field(c, d)) != PS_OK)
			return rc;
		if (c->off < c->len && c->p[c->off] == c->sep) {
			c->off++; /* a final separator leaves an empty last field */
			continue;
		}
		(void)eat_eol(c);
		break;
	}
	/* work no longer moves: point the fields into it */
	m = PS_VEC_DATA(&c->meta, struct ps_csv_field);
	for (size_t i = 0; i < ps_vec_len(&c->meta); i++)
		m[i].p = (const char *)c->work.p + *PS_VEC_AT(&c->offs, size_t, i);
	c->fields = m;
	c->nf = ps_vec_len(&c->meta);
	return PS_OK;
}

/* ---- character sets ------------------------------------------------------------- */

/* Length of the UTF-8 sequence at s[0..n), 0 when malformed (RFC 3629 section 4). */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char b = s[0];
	size_t need;
	unsigned char lo = 0x80, hi = 0xbf;

	if (b < 0x80)
		return 1;
	if (b >= 0xc2 && b <= 0xdf)
		need = 2;
	else if (b >= 0xe0 && b <= 0xef)
		need = 3;
	else if (b >= 0xf0 && b <= 0xf4)
		need = 4;
	else
		return 0;
	if (b == 0xe0)
		lo = 0xa0; /* overlong */
	else if (b == 0xed)
		hi = 0x9f; /* surrogates */
	else if (b == 0xf0)
		lo = 0x90; /* overlong */
	else if (b == 0xf4)
		hi = 0x8f; /* above U+10FFFF */
	if (n < need || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < need; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return need;
}

bool ps_csv_utf8_valid(const char *p, size_t len, size_t *bad)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t i = 0;

	while (i < len) {
		size_t n = utf8_seq(s + i, len - i);

		if (n == 0) {
			if (bad != NULL)
				*bad = i;
			return false;
		}
		i += n;
	}
	return true;
}

/* Convert p[0..len) into b, then flush the shift state; PS_EINVAL with *bad on bad input. */
static int convert(iconv_t cd, const char *p, size_t len, struct ps_buf *b, size_t *bad)
{
	char *in = (char *)(uintptr_t)p, tmp[4096];
	size_t left = len;
	bool flush = false;
	int rc;

	for (;;) {
		char *o = tmp;
		size_t room = sizeof(tmp);
		size_t r = flush ? iconv(cd, NULL, NULL, &o, &room)
				 : iconv(cd, &in, &left, &o, &room);
		int e = errno;

		if ((rc = ps_buf_add(b, tmp, sizeof(tmp) - room)) != PS_OK)
			return rc;
		if (r == (size_t)-1 && e == E2BIG)
			continue;
		if (r == (size_t)-1) {
			if (bad != NULL)
				*bad = (size_t)(in - p);
			return PS_EINVAL; /* EILSEQ, or EINVAL: incomplete at the end */
		}
		if (flush)
			return PS_OK;
		flush = true;
	}
}

int ps_csv_iconv(const char *from, const char *to, const char *p, size_t len,
		 enum ps_mem_sub sub, char **out, size_t *out_len, size_t *bad)
{
	struct ps_buf b;
	iconv_t cd = iconv_open(to, from);
	int rc;

	if (cd == (iconv_t)-1)
		return PS_EUNSUP;
	ps_buf_init(&b, sub, SIZE_MAX / 2);
	rc = ps_buf_reserve(&b, len + len / 2 + 1);
	if (rc == PS_OK)
		rc = convert(cd, p, len, &b, bad);
	iconv_close(cd);
	if (rc == PS_OK && (*out = ps_buf_take(&b, out_len)) == NULL)
		rc = PS_ENOMEM;
	ps_buf_release(&b);
	return rc;
}

int ps_csv_buf_field(struct ps_buf *b, const char *s, char sep)
{
	size_t n = s != NULL ? strlen(s) : 0;
	bool quote = n > 0 && (blank(s[0]) || blank(s[n - 1]));
	int rc;

	for (size_t i = 0; i < n && !quote; i++)
		quote = s[i] == sep || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
	if (!quote)
		return n > 0 ? ps_buf_add(b, s, n) : PS_OK;
	if ((rc = ps_buf_addch(b, '"')) != PS_OK)
		return rc;
	for (size_t i = 0; i < n; i++) {
		const char *q = memchr(s + i, '"', n - i);
		size_t run = q != NULL ? (size_t)(q - (s + i)) : n - i;

		if ((rc = ps_buf_add(b, s + i, run)) != PS_OK)
			return rc;
		i += run;
		if (i < n && (rc = ps_buf_add(b, "\"\"", 2)) != PS_OK)
			return rc;
	}
	return ps_buf_addch(b, '"');
}
