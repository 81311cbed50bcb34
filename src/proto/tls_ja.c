/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TLS hello messages and the fingerprints computed from them: JA3, JA3S
 * (Salesforce) and JA4 (FoxIO). tls.c calls these once per session on the
 * reassembled ClientHello and ServerHello, and uses the digests here for
 * certificate fingerprints.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>

#include "core/core.h"
#include "proto/digest.h"
#include "proto/tls.h"

/* ---- digests ------------------------------------------------------------- */

_Static_assert(PS_TLS_MD5 == (int)PS_MD_MD5 && PS_TLS_SHA1 == (int)PS_MD_SHA1 &&
	       PS_TLS_SHA256 == (int)PS_MD_SHA256, "digest enums differ");

static const EVP_MD *md_get(enum ps_tls_md md)
{
	return ps_proto_md((enum ps_md)md);
}

int ps_proto_tls_digest(enum ps_tls_md md, const void *p, size_t n,
			uint8_t *out)
{
	return ps_proto_digest((enum ps_md)md, p, n, out);
}

/* ---- hello messages ------------------------------------------------------ */

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* A u16-length-prefixed list of 16-bit values filling the whole of r. */
static bool u16_list(struct ps_reader *r, unsigned lenbytes,
		     struct ps_slice *out)
{
	uint16_t n16 = 0;
	uint8_t n8 = 0;
	size_t n;

	if (lenbytes == 2 ? ps_reader_u16be(r, &n16) : ps_reader_u8(r, &n8))
		return false;
	n = lenbytes == 2 ? n16 : n8;
	if (n != ps_reader_left(r) || n % 2)
		return false;
	return ps_reader_bytes(r, n, out) == PS_OK;
}

/* server_name (RFC 6066 section 3): the first host_name entry. */
static bool ext_sni(struct ps_tls_hello *h, struct ps_reader *r)
{
	struct ps_reader list;
	uint16_t n, len;
	uint8_t type;

	if (h->server)   /* the server's acknowledgement is empty */
		return true;
	if (ps_reader_u16be(r, &n) || n != ps_reader_left(r) ||
	    ps_reader_sub(r, n, &list))
		return false;
	while (ps_reader_left(&list)) {
		struct ps_slice name;

		if (ps_reader_u8(&list, &type) || ps_reader_u16be(&list, &len) ||
		    ps_reader_bytes(&list, len, &name))
			return false;
		if (type == 0 && h->sni.p == NULL)
			h->sni = name;
	}
	return true;
}

/* ALPN (RFC 7301 section 3.1): a list of u8-prefixed protocol names. */
static bool ext_alpn(struct ps_tls_hello *h, struct ps_reader *r)
{
	struct ps_slice list, name;
	struct ps_reader l;
	uint16_t n;
	uint8_t len;

	if (ps_reader_u16be(r, &n) || n != ps_reader_left(r) ||
	    ps_reader_bytes(r, n, &list))
		return false;
	ps_reader_init(&l, list.p, list.len);
	while (ps_reader_left(&l))
		if (ps_reader_u8(&l, &len) || ps_reader_bytes(&l, len, &name))
			return false;
	h->alpn = list;
	return true;
}

/* supported_versions (RFC 8446 section 4.2.1). */
static bool ext_versions(struct ps_tls_hello *h, struct ps_reader *r)
{
	h->has_versions = true;
	if (!h->server)
		return u16_list(r, 1, &h->versions);
	return ps_reader_u16be(r, &h->selected_version) == PS_OK &&
	       ps_reader_left(r) == 0;
}

/* One extension's data; false when its inside is malformed. */
static bool parse_ext(struct ps_tls_hello *h, uint16_t type,
		      struct ps_reader *r)
{
	uint8_t n;

	switch (type) {
	case PS_TLS_EXT_SNI:
		h->has_sni = true;
		return ext_sni(h, r);
	case PS_TLS_EXT_GROUPS:
		return u16_list(r, 2, &h->groups);
	case PS_TLS_EXT_POINT_FORMATS:
		return ps_reader_u8(r, &n) == PS_OK && n == ps_reader_left(r) &&
		       ps_reader_bytes(r, n, &h->point_formats) == PS_OK;
	case PS_TLS_EXT_SIGALGS:
		return u16_list(r, 2, &h->sigalgs);
	case PS_TLS_EXT_ALPN:
		return ext_alpn(h, r);
	case PS_TLS_EXT_VERSIONS:
		return ext_versions(h, r);
	default:
		return true;
	}
}

/* The extension block: a u16 length, then type/length/data triples. */
static int parse_exts(struct ps_tls_hello *h, struct ps_reader *r)
{
	struct ps_reader block, e;
	uint16_t n, type, len;
	uint64_t seen = 0;   /* bit per handled type: first occurrence wins */

	if (ps_reader_left(r) == 0)   /* no extensions at all */
		return PS_OK;
	if (ps_reader_u16be(r, &n) || ps_reader_sub(r, n, &block))
		return PS_EPROTO;
	h->exts = ps_slice_make(block.p, block.len);
	while (ps_reader_left(&block)) {
		if (ps_reader_u16be(&block, &type) ||
		    ps_reader_u16be(&block, &len) ||
		    ps_reader_sub(&block, len, &e))
			return PS_EPROTO;
		if (type > 0x2b || (seen >> type & 1))
			continue;
		seen |= (uint64_t)1 << type;
		if (!parse_ext(h, type, &e))
			h->bad_ext = true;
	}
	if (ps_reader_left(r))
		h->trailing = true;
	return PS_OK;
}

/* RFC 8446 section 4.1.2 / 4.1.3, RFC 5246 section 7.4.1.2. */
int ps_proto_tls_hello_parse(struct ps_tls_hello *h, bool server,
			     const uint8_t *p, size_t n)
{
	struct ps_reader r;
	uint16_t nc;
	uint8_t nsid, ncomp;

	memset(h, 0, sizeof(*h));
	h->server = server;
	ps_reader_init(&r, p, n);
	if (ps_reader_u16be(&r, &h->version) ||
	    ps_reader_bytes(&r, 32, &h->random) ||
	    ps_reader_u8(&r, &nsid) || nsid > 32 ||
	    ps_reader_bytes(&r, nsid, &h->session_id))
		return PS_EPROTO;
	if (server) {
		if (ps_reader_u16be(&r, &h->cipher) ||
		    ps_reader_u8(&r, &ncomp))
			return PS_EPROTO;
	} else {
		if (ps_reader_u16be(&r, &nc) || nc % 2 ||
		    ps_reader_bytes(&r, nc, &h->ciphers) ||
		    ps_reader_u8(&r, &ncomp) || ps_reader_skip(&r, ncomp))
			return PS_EPROTO;
	}
	return parse_exts(h, &r);
}

/* ---- JA3 / JA3S ---------------------------------------------------------- */

/* Decimal of v into p (at least 5 bytes); returns the length. */
static size_t u16_dec(char *p, unsigned v)
{
	char t[5];
	size_t n = 0, i;

	do {
		t[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		p[i] = t[n - 1 - i];
	return n;
}

/* Append the non-GREASE values of a list, dash-joined. `width` is 1 for
 * a list of bytes, 2 for one of 16-bit values. */
static int ja3_list(struct ps_buf *b, struct ps_slice s, size_t width)
{
	char t[8];
	size_t i, n;
	bool first = true;
	int rc;

	for (i = 0; i + width <= s.len; i += width) {
		unsigned v = width == 2 ? be16(s.p + i) : s.p[i];

		if (width == 2 && ps_tls_is_grease((uint16_t)v))
			continue;
		n = 0;
		if (!first)
			t[n++] = '-';
		n += u16_dec(t + n, v);
		first = false;
		rc = ps_buf_add(b, t, n);
		if (rc != PS_OK)
			return rc;
	}
	return PS_OK;
}

/* The extension types of a validated block, as a list of u16 values. */
static int ja3_exts(struct ps_buf *b, struct ps_slice exts)
{
	char t[8];
	size_t off = 0, n;
	bool first = true;
	int rc;

	while (off + 4 <= exts.len) {
		uint16_t type = be16(exts.p + off);

		off += 4 + be16(exts.p + off + 2);
		if (ps_tls_is_grease(type))
			continue;
		n = 0;
		if (!first)
			t[n++] = '-';
		n += u16_dec(t + n, type);
		first = false;
		rc = ps_buf_add(b, t, n);
		if (rc != PS_OK)
			return rc;
	}
	return PS_OK;
}

static int ja3_fmt(const struct ps_tls_hello *h, struct ps_buf *b)
{
	char t[8];
	size_t n;
	int rc;

	n = u16_dec(t, h->version);
	t[n++] = ',';
	rc = ps_buf_add(b, t, n);
	if (rc == PS_OK && h->server) {
		n = u16_dec(t, h->cipher);
		t[n++] = ',';
		rc = ps_buf_add(b, t, n);
	} else if (rc == PS_OK) {
		rc = ja3_list(b, h->ciphers, 2);
		if (rc == PS_OK)
			rc = ps_buf_addch(b, ',');
	}
	if (rc == PS_OK)
		rc = ja3_exts(b, h->exts);
	if (rc != PS_OK || h->server)
		return rc;
	rc = ps_buf_addch(b, ',');
	if (rc == PS_OK)
		rc = ja3_list(b, h->groups, 2);
	if (rc == PS_OK)
		rc = ps_buf_addch(b, ',');
	if (rc == PS_OK)
		rc = ja3_list(b, h->point_formats, 1);
	return rc;
}

int ps_proto_tls_ja3(const struct ps_tls_hello *h, struct ps_buf *out,
		     uint8_t md5[PS_TLS_MD5_LEN])
{
	size_t start = ps_buf_len(out);
	struct ps_slice s;
	int rc;

	rc = ja3_fmt(h, out);
	if (rc == PS_OK) {
		s = ps_buf_slice(out);
		rc = ps_proto_tls_digest(PS_TLS_MD5, s.p + start,
					 s.len - start, md5);
	}
	if (rc != PS_OK)
		ps_buf_truncate(out, start);
	return rc;
}

/* ---- JA4 ----------------------------------------------------------------- */

static const char hexdig[] = "0123456789abcdef";

/*
 * A string being hashed for JA4: bytes go through a small buffer into
 * SHA-256 and, optionally, onto a raw copy. Errors are sticky.
 */
struct hsink {
	EVP_MD_CTX *md;
	struct ps_buf *raw;
	size_t total;
	size_t n;
	int err;
	char buf[256];
};

static void hsink_flush(struct hsink *s)
{
	if (s->n && s->err == PS_OK && !EVP_DigestUpdate(s->md, s->buf, s->n))
		s->err = PS_ECRYPTO;
	if (s->n && s->err == PS_OK && s->raw)
		s->err = ps_buf_add(s->raw, s->buf, s->n);
	s->n = 0;
}

static void hsink_put(struct hsink *s, const char *p, size_t n)
{
	if (s->n + n > sizeof(s->buf))
		hsink_flush(s);
	memcpy(s->buf + s->n, p, n);
	s->n += n;
	s->total += n;
}

/* Comma-joined 4-digit lower-case hex of n values. */
static void hsink_hexlist(struct hsink *s, const uint16_t *v, size_t n)
{
	char t[5];
	size_t i;

	for (i = 0; i < n; i++) {
		t[0] = ',';
		t[1] = hexdig[v[i] >> 12];
		t[2] = hexdig[v[i] >> 8 & 15];
		t[3] = hexdig[v[i] >> 4 & 15];
		t[4] = hexdig[v[i] & 15];
		hsink_put(s, i ? t : t + 1, i ? 5 : 4);
	}
}

/* Finish: the first 12 hex digits of the SHA-256, or twelve zeros for an
 * empty string (JA4.md, "Cipher hash" and "Extension hash"). */
static void hsink_end(struct hsink *s, char out[12])
{
	uint8_t d[EVP_MAX_MD_SIZE];
	size_t i;

	hsink_flush(s);
	memset(out, '0', 12);
	if (s->err != PS_OK || s->total == 0)
		return;
	if (!EVP_DigestFinal_ex(s->md, d, NULL)) {
		s->err = PS_ECRYPTO;
		return;
	}
	for (i = 0; i < 6; i++) {
		out[2 * i] = hexdig[d[i] >> 4];
		out[2 * i + 1] = hexdig[d[i] & 15];
	}
}

static int hsink_begin(struct hsink *s, EVP_MD_CTX *md, struct ps_buf *raw)
{
	memset(s, 0, offsetof(struct hsink, buf));
	s->md = md;
	s->raw = raw;
	if (!EVP_DigestInit_ex(md, md_get(PS_TLS_SHA256), NULL))
		s->err = PS_ECRYPTO;
	return s->err;
}

static int cmp_u16(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/* JA4.md "TLS and DTLS Version": the highest non-GREASE supported_version,
 * else legacy_version. */
static const char *ja4_version(const struct ps_tls_hello *h)
{
	static const struct { uint16_t v; char s[3]; } map[] = {
		{0x0304, "13"}, {0x0303, "12"}, {0x0302, "11"}, {0x0301, "10"},
		{0x0300, "s3"}, {0x0002, "s2"}, {0x0100, "s1"}, {0xfeff, "d1"},
		{0xfefd, "d2"}, {0xfefc, "d3"},
	};
	uint16_t v = h->version, x;
	size_t i;

	if (h->has_versions) {
		v = 0;
		for (i = 0; i + 2 <= h->versions.len; i += 2) {
			x = be16(h->versions.p + i);
			if (!ps_tls_is_grease(x) && x > v)
				v = x;
		}
	}
	for (i = 0; i < PS_ARRAY_LEN(map); i++)
		if (map[i].v == v)
			return map[i].s;
	return "00";
}

static bool is_alnum(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	       (c >= 'a' && c <= 'z');
}

/* JA4.md "ALPN Extension Value": first and last characters of the first
 * protocol; when either is not alphanumeric, the first and last digits of
 * its hex form; "00" when there is none or it is empty. */
static void ja4_alpn(const struct ps_tls_hello *h, char out[2])
{
	const uint8_t *v;
	size_t n;

	out[0] = out[1] = '0';
	if (h->alpn.len < 2 || h->alpn.p[0] == 0)
		return;
	v = h->alpn.p + 1;
	n = h->alpn.p[0];
	if (is_alnum(v[0]) && is_alnum(v[n - 1])) {
		out[0] = (char)v[0];
		out[1] = (char)v[n - 1];
	} else {
		out[0] = hexdig[v[0] >> 4];
		out[1] = hexdig[v[n - 1] & 15];
	}
}

/* Non-GREASE values of a u16 list (or, with exts, of the extension types,
 * without SNI and ALPN when `drop_sni_alpn`) into v[]; returns the count. */
static size_t collect(const struct ps_tls_hello *h, int what, uint16_t *v)
{
	struct ps_slice s = what == 0 ? h->ciphers : h->sigalgs;
	size_t off, n = 0;
	uint16_t x;

	if (what == 1) {
		for (off = 0; off + 4 <= h->exts.len;
		     off += 4 + be16(h->exts.p + off + 2)) {
			x = be16(h->exts.p + off);
			if (!ps_tls_is_grease(x) && x != PS_TLS_EXT_SNI &&
			    x != PS_TLS_EXT_ALPN)
				v[n++] = x;
		}
		return n;
	}
	for (off = 0; off + 2 <= s.len; off += 2) {
		x = be16(s.p + off);
		if (!ps_tls_is_grease(x))
			v[n++] = x;
	}
	return n;
}

/* Number of non-GREASE extensions, SNI and ALPN included. */
static size_t count_exts(const struct ps_tls_hello *h)
{
	size_t off, n = 0;

	for (off = 0; off + 4 <= h->exts.len; off += 4 + be16(h->exts.p + off + 2))
		if (!ps_tls_is_grease(be16(h->exts.p + off)))
			n++;
	return n;
}

/* The JA4_a part, 10 characters: t13d1516h2. */
static void ja4_a(const struct ps_tls_hello *h, char transport, size_t nc,
		  size_t ne, char *o)
{
	const char *ver = ja4_version(h);

	nc = nc > 99 ? 99 : nc;
	ne = ne > 99 ? 99 : ne;
	o[0] = transport;
	o[1] = ver[0];
	o[2] = ver[1];
	o[3] = h->has_sni ? 'd' : 'i';
	o[4] = (char)('0' + nc / 10);
	o[5] = (char)('0' + nc % 10);
	o[6] = (char)('0' + ne / 10);
	o[7] = (char)('0' + ne % 10);
	ja4_alpn(h, o + 8);
}

/* Hash the b (sorted ciphers) and c (sorted extensions, then signature
 * algorithms in order) parts; v has room for every value. */
static int ja4_bc(const struct ps_tls_hello *h, uint16_t *v, char *o,
		  struct ps_buf *raw)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	struct hsink s;
	size_t n;
	int rc = PS_ENOMEM;

	if (md == NULL)
		goto out;
	n = collect(h, 0, v);
	qsort(v, n, sizeof(*v), cmp_u16);
	if (raw && (rc = ps_buf_addch(raw, '_')) != PS_OK)
		goto out;
	if ((rc = hsink_begin(&s, md, raw)) != PS_OK)
		goto out;
	hsink_hexlist(&s, v, n);
	hsink_end(&s, o);
	if ((rc = s.err) != PS_OK)
		goto out;
	if (raw && (rc = ps_buf_addch(raw, '_')) != PS_OK)
		goto out;
	if ((rc = hsink_begin(&s, md, raw)) != PS_OK)
		goto out;
	n = collect(h, 1, v);
	qsort(v, n, sizeof(*v), cmp_u16);
	hsink_hexlist(&s, v, n);
	n = collect(h, 2, v);
	if (n) {
		hsink_put(&s, "_", 1);
		hsink_hexlist(&s, v, n);
	}
	hsink_end(&s, o + 13);
	rc = s.err;
out:
	EVP_MD_CTX_free(md);
	if (rc == PS_ECRYPTO)
		ERR_clear_error();
	return rc;
}

int ps_proto_tls_ja4(const struct ps_tls_hello *h, char transport,
		     char out[PS_TLS_JA4_LEN + 1], struct ps_buf *raw)
{
	uint16_t small[256], *v = small;
	size_t nmax, start = raw ? ps_buf_len(raw) : 0;
	int rc;

	if (md_get(PS_TLS_SHA256) == NULL)
		return PS_EUNSUP;
	/* Room for the longest of the three lists. */
	nmax = h->ciphers.len / 2;
	if (h->exts.len / 4 > nmax)
		nmax = h->exts.len / 4;
	if (h->sigalgs.len / 2 > nmax)
		nmax = h->sigalgs.len / 2;
	if (nmax > PS_ARRAY_LEN(small)) {
		v = ps_malloc(PS_MEM_PROTO, nmax * sizeof(*v));
		if (v == NULL)
			return PS_ENOMEM;
	}
	ja4_a(h, transport, collect(h, 0, v), count_exts(h), out);
	out[10] = '_';
	out[23] = '_';
	out[PS_TLS_JA4_LEN] = '\0';
	rc = raw ? ps_buf_add(raw, out, 10) : PS_OK;
	if (rc == PS_OK)
		rc = ja4_bc(h, v, out + 11, raw);
	if (v != small)
		ps_free(v);
	if (rc != PS_OK && raw)
		ps_buf_truncate(raw, start);
	return rc;
}
