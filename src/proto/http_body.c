/* SPDX-License-Identifier: Apache-2.0 */
/*
 * HTTP message bodies after de-chunking: gzip/deflate decoding with a
 * bomb cap, streamed MD5/SHA-1/SHA-256 over the decoded bytes, a cheap
 * magic guess from the first bytes; and the Suricata-shaped "fileinfo"
 * and "http" events. Nothing of a body is kept but its first bytes.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#define ZLIB_CONST
#include <zlib.h>

#include "core/core.h"
#include "proto/digest.h"
#include "proto/http.h"

#define HTTP_OBS_URL_MAX 4096   /* longer URLs are not matched */

enum zst {
	ZS_OFF = 0,      /* identity or a coding we do not decode */
	ZS_PENDING,      /* waiting for the first byte to pick the format */
	ZS_ON,
	ZS_DONE,         /* stream end seen; later bytes are ignored */
	ZS_STOPPED,      /* error, cap or gap: the content is incomplete */
};

/* Per-direction body decoder; its contexts are reused body after body. */
struct http_body {
	struct ps_filehash hash; /* MD5, SHA-1, SHA-256 */
	z_stream z;
	bool z_ready;            /* inflateInit2 done: inflateEnd at release */
	bool open, gaps, trunc;
	uint8_t zst;
	uint32_t head_len;
	uint64_t size, zin;      /* decoded bytes, encoded bytes inflated */
	uint8_t head[HTTP_MAGIC_HEAD];
};

/* Decoded content: hash it, keep its head, count it. */
static void content(struct http_body *b, const uint8_t *p, size_t n)
{
	size_t k;

	ps_filehash_update(&b->hash, p, n);
	if (b->head_len < HTTP_MAGIC_HEAD) {
		k = HTTP_MAGIC_HEAD - b->head_len;
		k = n < k ? n : k;
		memcpy(b->head + b->head_len, p, k);
		b->head_len += (uint32_t)k;
	}
	b->size += n;
}

static voidpf z_alloc(voidpf opaque, uInt items, uInt size)
{
	(void)opaque;
	return ps_reallocarray(PS_MEM_PROTO, NULL, items, size);
}

static void z_free(voidpf opaque, voidpf p)
{
	(void)opaque;
	ps_free(p);
}

/*
 * Pick the format from the first byte. "gzip" auto-detects gzip or zlib
 * (windowBits + 32); "deflate" is meant as zlib (RFC 1950) but many
 * servers send raw RFC 1951 data, recognised by a CMF byte that is not
 * CM=8 with a window of at most 32 KiB.
 */
static bool z_begin(struct http_body *b, uint8_t enc, uint8_t first)
{
	int wbits = 15 + 32;

	if (enc == HTTP_ENC_DEFLATE)
		wbits = (first & 0x0f) == 8 && (first >> 4) <= 7 ? 15 : -15;
	if (b->z_ready)
		return inflateReset2(&b->z, wbits) == Z_OK;
	memset(&b->z, 0, sizeof(b->z));
	b->z.zalloc = z_alloc;
	b->z.zfree = z_free;
	if (inflateInit2(&b->z, wbits) != Z_OK)
		return false;
	b->z_ready = true;
	return true;
}

static void z_stop(struct http_body *b, struct ps_proto_ctx *c,
		   const char *why)
{
	ps_proto_anomaly(c, why);
	b->zst = ZS_STOPPED;
	b->trunc = true;
}

/* Decoded output past the caps is a bomb (libhtp's ratio idea). */
static bool z_over(const struct http_body *b, size_t more)
{
	uint64_t out = b->size + more;

	if (out > HTTP_INFLATE_MAX)
		return true;
	return out > HTTP_INFLATE_RATIO_FLOOR &&
	       out / (b->zin ? b->zin : 1) > HTTP_INFLATE_RATIO;
}

static void inflate_feed(struct http_body *b, struct ps_proto_ctx *c,
			 uint8_t enc, const uint8_t *p, size_t n)
{
	uint8_t out[8192];
	size_t made;
	int zr;

	uInt before;

	b->z.next_in = p;
	b->z.avail_in = (uInt)n;
	do {
		b->z.next_out = out;
		b->z.avail_out = sizeof(out);
		before = b->z.avail_in;
		zr = inflate(&b->z, Z_NO_FLUSH);
		made = sizeof(out) - b->z.avail_out;
		b->zin += before - b->z.avail_in;
		if (made && z_over(b, made)) {
			z_stop(b, c, "http_decompression_limit");
			break;
		}
		content(b, out, made);
		if (zr == Z_STREAM_END) {
			b->zst = ZS_DONE;
			/* RFC 1952 2.2: a gzip file is a series of members */
			if (enc == HTTP_ENC_GZIP && b->z.avail_in &&
			    b->z.next_in[0] == 0x1f && inflateReset(&b->z) == Z_OK)
				b->zst = ZS_ON;
			else
				break;
		} else if (zr == Z_BUF_ERROR && made == 0) {
			break;
		} else if (zr != Z_OK && zr != Z_BUF_ERROR) {
			z_stop(b, c, "http_gzip_error");
			break;
		}
	} while (b->z.avail_in > 0 || b->z.avail_out == 0);
	b->z.next_in = NULL;
	b->z.avail_in = 0;
}

static struct http_body *body_get(struct http_dir *d, struct ps_proto_ctx *c)
{
	struct http_body *b = d->body;

	if (!b) {
		b = d->body = ps_calloc(PS_MEM_PROTO, 1, sizeof(*b));
		if (!b) {
			ps_proto_anomaly(c, "http_out_of_memory");
			return NULL;
		}
	}
	if (!b->open) {
		b->open = true;
		b->gaps = b->trunc = false;
		b->size = b->zin = 0;
		b->head_len = 0;
		(void)ps_filehash_start(&b->hash);
		b->zst = d->enc == HTTP_ENC_GZIP || d->enc == HTTP_ENC_DEFLATE ?
			 ZS_PENDING : ZS_OFF;
	}
	return b;
}

void http_body_data(struct http_dir *d, struct ps_proto_ctx *c,
		    const uint8_t *p, size_t n)
{
	struct http_body *b;

	if (n == 0)
		return;
	if (d->tx)
		d->tx->body_len[d->idx] += n;
	b = body_get(d, c);
	if (!b)
		return;
	switch (b->zst) {
	case ZS_OFF:
		content(b, p, n);
		return;
	case ZS_PENDING:
		if (!z_begin(b, d->enc, p[0])) {
			z_stop(b, c, "http_gzip_error");
			return;
		}
		b->zst = ZS_ON;
		break;
	case ZS_DONE:
		if (d->enc != HTTP_ENC_GZIP || p[0] != 0x1f ||
		    inflateReset(&b->z) != Z_OK)
			return;
		b->zst = ZS_ON;
		break;
	case ZS_STOPPED:
		return;
	default:
		break;
	}
	inflate_feed(b, c, d->enc, p, n);
}

void http_body_gap(struct http_dir *d, struct ps_proto_ctx *c)
{
	struct http_body *b = body_get(d, c);

	if (!b)
		return;
	b->gaps = b->trunc = true;
	if (b->zst != ZS_OFF)
		b->zst = ZS_STOPPED;
}

/* The path of the request target, without query (RFC 3986 3.3). */
static struct ps_slice uri_path(struct ps_slice u)
{
	const uint8_t *q = NULL;
	size_t i = 0;

	if (u.len > 3 && u.p[0] != '/')
		q = memmem(u.p, u.len < 16 ? u.len : 16, "://", 3);
	if (q) {
		i = (size_t)(q - u.p) + 3;
		while (i < u.len && u.p[i] != '/' && u.p[i] != '?' && u.p[i] != '#')
			i++;
	}
	u = ps_slice_make(u.p + i, u.len - i);
	for (i = 0; i < u.len; i++)
		if (u.p[i] == '?' || u.p[i] == '#')
			break;
	u.len = i;
	return u;
}

static void write_filename(struct ps_jw *w, const struct http_tx *tx,
			   unsigned side)
{
	struct ps_slice u;

	if (tx->cd_name[side].len) {
		ps_jw_strn(w, "filename", http_str_ptr(tx, tx->cd_name[side]),
			   tx->cd_name[side].len);
		return;
	}
	u = uri_path(ps_slice_make(http_str_ptr(tx, tx->uri), tx->uri.len));
	if (u.len)
		ps_jw_strn(w, "filename", u.p, u.len);
}

static void write_fileinfo(struct http_dir *d, struct ps_proto_ctx *c,
			   struct http_body *b)
{
	bool closed = !b->trunc;
	bool hashes = closed && ps_filehash_finish(&b->hash);
	const char *magic = http_magic(b->head, b->head_len);
	struct ps_jw *w;

	w = ps_proto_event_begin(c, "fileinfo");
	if (!w)
		return;
	if (d->tx) {
		ps_jw_uint(w, "tx_id", d->tx->id);
		ps_jw_obj_open(w, "http");
		http_tx_write_common(w, d->tx);
		ps_jw_obj_close(w);
	}
	ps_jw_obj_open(w, "fileinfo");
	if (d->tx)
		write_filename(w, d->tx, d->idx);
	if (magic)
		ps_jw_str(w, "magic", magic);
	ps_jw_bool(w, "gaps", b->gaps);
	ps_jw_str(w, "state", closed ? "CLOSED" : "TRUNCATED");
	if (hashes) {
		ps_filehash_write(&b->hash, w);
		ps_filehash_observe(&b->hash, c);
	}
	ps_jw_bool(w, "stored", false);
	ps_jw_uint(w, "size", b->size);
	if (d->tx)
		ps_jw_uint(w, "tx_id", d->tx->id);
	ps_jw_str(w, "direction", d->idx ? "to_client" : "to_server");
	ps_jw_obj_close(w);
	ps_proto_event_end(c);
}

void http_body_end(struct http_dir *d, struct ps_proto_ctx *c, bool complete)
{
	struct http_body *b = d->body;

	if (!b || !b->open)
		return;
	b->open = false;
	if (!complete)
		b->trunc = true;
	write_fileinfo(d, c, b);
}

void http_body_release(struct http_dir *d)
{
	struct http_body *b = d->body;

	if (!b)
		return;
	ps_filehash_release(&b->hash);
	if (b->z_ready)
		(void)inflateEnd(&b->z);
	ps_free(b);
	d->body = NULL;
}

/* ---------------------------------------------------------------------
 * The http event
 */

static const char *const auth_names[] = {
	[HTTP_AUTH_NONE] = NULL,
	[HTTP_AUTH_BASIC] = "basic",
	[HTTP_AUTH_DIGEST] = "digest",
	[HTTP_AUTH_BEARER] = "bearer",
	[HTTP_AUTH_NTLM] = "ntlm",
	[HTTP_AUTH_NEGOTIATE] = "negotiate",
	[HTTP_AUTH_OTHER] = "other",
};

static void write_opt(struct ps_jw *w, const struct http_tx *tx,
		      const char *key, struct http_str s)
{
	if (s.len)
		ps_jw_strn(w, key, http_str_ptr(tx, s), s.len);
}

void http_tx_write_common(struct ps_jw *w, const struct http_tx *tx)
{
	write_opt(w, tx, "hostname", tx->host);
	if (tx->host.len && tx->port)
		ps_jw_uint(w, "http_port", tx->port);
	if (tx->has_req)
		ps_jw_strn(w, "url", http_str_ptr(tx, tx->uri), tx->uri.len);
	write_opt(w, tx, "http_user_agent", tx->ua);
	write_opt(w, tx, "xff", tx->xff);
	write_opt(w, tx, "http_content_type", tx->ctype);
	write_opt(w, tx, "http_refer", tx->referer);
	if (tx->has_req)
		ps_jw_strn(w, "http_method", http_str_ptr(tx, tx->method),
			   tx->method.len);
	write_opt(w, tx, "protocol", tx->proto.len ? tx->proto : tx->rproto);
	if (tx->status)
		ps_jw_uint(w, "status", tx->status);
	write_opt(w, tx, "redirect", tx->location);
	if (tx->status)
		ps_jw_uint(w, "length", tx->body_len[1]);
}

static void write_headers(struct ps_jw *w, const struct http_tx *tx,
			  unsigned side, const char *key)
{
	const struct http_hdr *h;

	if (!tx->nhdrs[side])
		return;
	ps_jw_arr_open(w, key);
	for (unsigned i = 0; i < tx->nhdrs[side]; i++) {
		h = &tx->hdrs[side][i];
		ps_jw_obj_open(w, NULL);
		ps_jw_strn(w, "name", http_str_ptr(tx, h->name), h->name.len);
		if (h->secret)
			ps_proto_write_secret(w, "value", NULL, h->secret_len);
		else
			ps_jw_strn(w, "value", http_str_ptr(tx, h->value),
				   h->value.len);
		ps_jw_obj_close(w);
	}
	ps_jw_arr_close(w);
}

/*
 * Report the request's host and URL to intelligence matching. The URL is
 * rebuilt as "http://host[:port]/target" from an origin-form target, or is
 * the absolute-form target itself (a request to a proxy).
 */
static void http_observe(struct ps_proto_ctx *c, const struct http_tx *tx)
{
	const char *uri = (const char *)http_str_ptr(tx, tx->uri);
	const char *host = (const char *)http_str_ptr(tx, tx->host);
	char url[HTTP_OBS_URL_MAX];
	int n;

	if (tx->host.len)
		ps_proto_observe(c, PS_OBS_HTTP_HOST, host, tx->host.len);
	if (!tx->has_req || !tx->uri.len)
		return;
	if (tx->uri.len > 7 && !strncasecmp(uri, "http://", 7)) {
		ps_proto_observe(c, PS_OBS_HTTP_URL, uri, tx->uri.len);
		return;
	}
	if (uri[0] != '/' || !tx->host.len)
		return;
	if (tx->port && tx->port != 80)
		n = snprintf(url, sizeof(url), "http://%.*s:%u%.*s",
			     (int)tx->host.len, host, (unsigned)tx->port,
			     (int)tx->uri.len, uri);
	else
		n = snprintf(url, sizeof(url), "http://%.*s%.*s",
			     (int)tx->host.len, host, (int)tx->uri.len, uri);
	if (n > 0 && (size_t)n < sizeof(url))
		ps_proto_observe(c, PS_OBS_HTTP_URL, url, (size_t)n);
}

void http_tx_emit(struct ps_proto_ctx *c, const struct http_tx *tx)
{
	struct ps_jw *w = ps_proto_event_begin(c, "http");

	if (!w)
		return;
	ps_jw_uint(w, "tx_id", tx->id);
	ps_jw_obj_open(w, "http");
	http_tx_write_common(w, tx);
	http_observe(c, tx);
	if (tx->auth_scheme) {
		ps_jw_obj_open(w, "http_auth");
		ps_jw_str(w, "scheme", auth_names[tx->auth_scheme]);
		write_opt(w, tx, "user", tx->auth_user);
		if (tx->auth_pw)
			ps_proto_write_secret(w, "password", NULL, tx->auth_pw_len);
		ps_jw_obj_close(w);
	}
	write_headers(w, tx, 0, "request_headers");
	write_headers(w, tx, 1, "response_headers");
	ps_jw_obj_close(w);
	ps_proto_event_end(c);
}

/* ---------------------------------------------------------------------
 * Magic: what `file` would say of the first bytes, for common types
 */

static uint32_t le16(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t le32(const uint8_t *p)
{
	return le16(p) | le16(p + 2) << 16;
}

/* PE/COFF: "PE\0\0" at e_lfanew, optional header magic 0x10b or 0x20b. */
static const char *magic_pe(const uint8_t *p, size_t n)
{
	static const char *const names[2][3] = {
		{"PE32 executable (GUI), for MS Windows",
		 "PE32 executable (console), for MS Windows",
		 "PE32 executable, for MS Windows"},
		{"PE32+ executable (GUI), for MS Windows",
		 "PE32+ executable (console), for MS Windows",
		 "PE32+ executable, for MS Windows"},
	};
	uint32_t off = n >= 0x40 ? le32(p + 0x3c) : UINT32_MAX;
	uint32_t opt, sub;
	unsigned plus, kind;

	if (off > n || n - off < 24 + 70 || memcmp(p + off, "PE\0\0", 4))
		return "MS-DOS executable";
	opt = le16(p + off + 24);
	if (opt != 0x10b && opt != 0x20b)
		return "MS-DOS executable";
	if (le16(p + off + 22) & 0x2000)
		return opt == 0x20b ? "PE32+ executable (DLL), for MS Windows" :
		       "PE32 executable (DLL), for MS Windows";
	plus = opt == 0x20b;
	sub = le16(p + off + 24 + 68);
	kind = sub == 2 ? 0 : sub == 3 ? 1 : 2;
	return names[plus][kind];
}

static const char *magic_elf(const uint8_t *p, size_t n)
{
	static const char *const names[2][2][4] = {
		{{"ELF 32-bit LSB relocatable", "ELF 32-bit LSB executable",
		  "ELF 32-bit LSB shared object", "ELF 32-bit LSB"},
		 {"ELF 32-bit MSB relocatable", "ELF 32-bit MSB executable",
		  "ELF 32-bit MSB shared object", "ELF 32-bit MSB"}},
		{{"ELF 64-bit LSB relocatable", "ELF 64-bit LSB executable",
		  "ELF 64-bit LSB shared object", "ELF 64-bit LSB"},
		 {"ELF 64-bit MSB relocatable", "ELF 64-bit MSB executable",
		  "ELF 64-bit MSB shared object", "ELF 64-bit MSB"}},
	};
	unsigned cls, msb, type, t;

	if (n < 18 || (p[4] != 1 && p[4] != 2) || (p[5] != 1 && p[5] != 2))
		return "ELF";
	cls = p[4] == 2;
	msb = p[5] == 2;
	t = msb ? (uint32_t)p[16] << 8 | p[17] : le16(p + 16);
	type = t >= 1 && t <= 3 ? t - 1 : 3;
	return names[cls][msb][type];
}

static bool has(const uint8_t *p, size_t n, size_t off, const char *lit,
		size_t len)
{
	return n >= off + len && !memcmp(p + off, lit, len);
}

#define HAS(off, lit) has(p, n, (off), (lit), sizeof(lit) - 1)

static const char *magic_text(const uint8_t *p, size_t n)
{
	size_t i = 0, k;
	char low[16];

	for (k = 0; k < n; k++)
		if (p[k] < 0x09 || (p[k] > 0x0d && p[k] < 0x20 && p[k] != 0x1b) ||
		    p[k] == 0x7f)
			return "data";
	if (HAS(0, "\xef\xbb\xbf"))
		i = 3;
	while (i < n && (p[i] == ' ' || (p[i] >= 0x09 && p[i] <= 0x0d)))
		i++;
	for (k = 0; k < sizeof(low) && i + k < n; k++)
		low[k] = (char)(p[i + k] >= 'A' && p[i + k] <= 'Z' ?
				p[i + k] + 32 : p[i + k]);
	if ((k >= 14 && !memcmp(low, "<!doctype html", 14)) ||
	    (k >= 5 && !memcmp(low, "<html", 5)) ||
	    (k >= 5 && !memcmp(low, "<head", 5)))
		return "HTML document";
	if (k >= 5 && !memcmp(low, "<?xml", 5))
		return "XML document";
	if (k >= 1 && (low[0] == '{' || low[0] == '['))
		return "JSON text data";
	return "ASCII text";
}

const char *http_magic(const uint8_t *p, size_t n)
{
	if (n == 0)
		return NULL;
	if (HAS(0, "MZ"))
		return magic_pe(p, n);
	if (HAS(0, "\x7f" "ELF"))
		return magic_elf(p, n);
	if (HAS(0, "%PDF-"))
		return "PDF document";
	if (HAS(0, "PK\x03\x04"))
		return "Zip archive data";
	if (HAS(0, "\x1f\x8b"))
		return "gzip compressed data";
	if (HAS(0, "\x89PNG\r\n\x1a\n"))
		return "PNG image data";
	if (HAS(0, "\xff\xd8\xff"))
		return "JPEG image data";
	if (HAS(0, "GIF87a") || HAS(0, "GIF89a"))
		return "GIF image data";
	if (HAS(0, "Rar!\x1a\x07"))
		return "RAR archive data";
	if (HAS(0, "7z\xbc\xaf\x27\x1c"))
		return "7-zip archive data";
	if (HAS(0, "\xfd" "7zXZ"))
		return "XZ compressed data";
	if (HAS(0, "BZh"))
		return "bzip2 compressed data";
	if (HAS(0, "\xca\xfe\xba\xbe"))
		return "compiled Java class data";
	if (HAS(0, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"))
		return "Composite Document File V2 Document";
	if (HAS(0, "RIFF") && HAS(8, "WEBP"))
		return "RIFF (little-endian) data, Web/P image";
	if (HAS(4, "ftyp"))
		return "ISO Media";
	if (HAS(0, "ID3"))
		return "Audio file with ID3";
	if (HAS(0, "\x00\x00\x01\x00"))
		return "MS Windows icon resource";
	if (HAS(0, "wOFF") || HAS(0, "wOF2"))
		return "Web Open Font Format";
	if (HAS(0, "FWS") || HAS(0, "CWS"))
		return "Macromedia Flash data";
	return magic_text(p, n);
}
