/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Normalisation of threat indicators to one canonical text per type (see
 * ioc.h for each form), type guessing for plain lists, and the names of
 * types, categories and TLP levels. Importers call it on every value read
 * and the sensor on every value it looks up, so equal means equal bytes.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/core.h"
#include "intel/ioc.h"

#define WHY_SIZE 256
#define LABEL_MAX 63
#define NAME_MAX_LEN 253

/* ---- names ---------------------------------------------------------------- */

static const char *const type_names[PS_IOC__COUNT] = {
	"none", "ipv4", "ipv6", "cidr4", "cidr6", "domain", "url",
	"md5", "sha1", "sha256", "ja3", "ja4",
};

static const enum ps_msg_id type_titles[PS_IOC__COUNT] = {
	PS_MSG_IOC_T_NONE, PS_MSG_IOC_T_IPV4, PS_MSG_IOC_T_IPV6,
	PS_MSG_IOC_T_CIDR4, PS_MSG_IOC_T_CIDR6, PS_MSG_IOC_T_DOMAIN,
	PS_MSG_IOC_T_URL, PS_MSG_IOC_T_MD5, PS_MSG_IOC_T_SHA1,
	PS_MSG_IOC_T_SHA256, PS_MSG_IOC_T_JA3, PS_MSG_IOC_T_JA4,
};

static const struct {
	const char *name;
	enum ps_ioc_type type;
} type_aliases[] = {
	{"ip", PS_IOC_IPV4},         {"cidr", PS_IOC_CIDR4},
	{"ip:port", PS_IOC_IPV4},    {"hostname", PS_IOC_DOMAIN},
	{"md5_hash", PS_IOC_MD5},    {"sha1_hash", PS_IOC_SHA1},
	{"sha256_hash", PS_IOC_SHA256}, {"ja3_md5", PS_IOC_JA3},
};

static const char *const cat_names[PS_IOC_CAT__COUNT] = {
	"none", "malicious_ip", "malicious_domain", "malicious_url",
	"malicious_message", "malicious_program", "security_hazard",
	"security_incident", "other",
};

static const enum ps_msg_id cat_titles[PS_IOC_CAT__COUNT] = {
	PS_MSG_IOC_CAT_NONE, PS_MSG_IOC_CAT_MALICIOUS_IP,
	PS_MSG_IOC_CAT_MALICIOUS_DOMAIN, PS_MSG_IOC_CAT_MALICIOUS_URL,
	PS_MSG_IOC_CAT_MALICIOUS_MESSAGE, PS_MSG_IOC_CAT_MALICIOUS_PROGRAM,
	PS_MSG_IOC_CAT_SECURITY_HAZARD, PS_MSG_IOC_CAT_SECURITY_INCIDENT,
	PS_MSG_IOC_CAT_OTHER,
};

static const struct {
	const char *name;
	enum ps_ioc_category cat;
} cat_aliases[] = {
	{"ip", PS_IOC_CAT_MALICIOUS_IP},
	{"domain", PS_IOC_CAT_MALICIOUS_DOMAIN},
	{"url", PS_IOC_CAT_MALICIOUS_URL},
	{"message", PS_IOC_CAT_MALICIOUS_MESSAGE},
	{"malware", PS_IOC_CAT_MALICIOUS_PROGRAM},
	{"vulnerability", PS_IOC_CAT_SECURITY_HAZARD},
	{"weak_password", PS_IOC_CAT_SECURITY_HAZARD},
	{"backdoor", PS_IOC_CAT_SECURITY_HAZARD},
	{"incident", PS_IOC_CAT_SECURITY_INCIDENT},
};

static const char *const tlp_names[PS_TLP__COUNT] = {
	"clear", "green", "amber", "amber+strict", "red",
};

const char *ps_ioc_type_name(enum ps_ioc_type t)
{
	return (unsigned)t < PS_IOC__COUNT ? type_names[t] : "none";
}

int ps_ioc_type_parse(const char *s, enum ps_ioc_type *out)
{
	if (s == NULL)
		return PS_EINVAL;
	for (int t = PS_IOC_NONE + 1; t < PS_IOC__COUNT; t++)
		if (strcasecmp(s, type_names[t]) == 0) {
			*out = (enum ps_ioc_type)t;
			return PS_OK;
		}
	for (size_t i = 0; i < PS_ARRAY_LEN(type_aliases); i++)
		if (strcasecmp(s, type_aliases[i].name) == 0) {
			*out = type_aliases[i].type;
			return PS_OK;
		}
	return PS_EINVAL;
}

bool ps_ioc_type_is_ip(enum ps_ioc_type t)
{
	return t == PS_IOC_IPV4 || t == PS_IOC_IPV6 || t == PS_IOC_CIDR4 ||
	       t == PS_IOC_CIDR6;
}

const char *ps_ioc_category_name(enum ps_ioc_category c)
{
	return (unsigned)c < PS_IOC_CAT__COUNT ? cat_names[c] : "none";
}

const char *ps_ioc_category_title(enum ps_ioc_category c)
{
	return ps_tr((unsigned)c < PS_IOC_CAT__COUNT ? cat_titles[c]
						      : PS_MSG_IOC_CAT_NONE);
}

const char *ps_ioc_category_title_in(enum ps_ioc_category c, enum ps_lang lang)
{
	return ps_tr_lang((unsigned)c < PS_IOC_CAT__COUNT ? cat_titles[c]
						       : PS_MSG_IOC_CAT_NONE, lang);
}

int ps_ioc_category_parse(const char *s, enum ps_ioc_category *out)
{
	if (s == NULL)
		return PS_EINVAL;
	for (int c = PS_IOC_CAT_NONE + 1; c < PS_IOC_CAT__COUNT; c++)
		if (strcasecmp(s, cat_names[c]) == 0 ||
		    strcmp(s, ps_tr_lang(cat_titles[c], PS_LANG_ZH_CN)) == 0) {
			*out = (enum ps_ioc_category)c;
			return PS_OK;
		}
	for (size_t i = 0; i < PS_ARRAY_LEN(cat_aliases); i++)
		if (strcasecmp(s, cat_aliases[i].name) == 0) {
			*out = cat_aliases[i].cat;
			return PS_OK;
		}
	return PS_EINVAL;
}

enum ps_ioc_category ps_ioc_category_default(enum ps_ioc_type t)
{
	switch (t) {
	case PS_IOC_IPV4:
	case PS_IOC_IPV6:
	case PS_IOC_CIDR4:
	case PS_IOC_CIDR6:
		return PS_IOC_CAT_MALICIOUS_IP;
	case PS_IOC_DOMAIN:
		return PS_IOC_CAT_MALICIOUS_DOMAIN;
	case PS_IOC_URL:
		return PS_IOC_CAT_MALICIOUS_URL;
	case PS_IOC_MD5:
	case PS_IOC_SHA1:
	case PS_IOC_SHA256:
	case PS_IOC_JA3:
	case PS_IOC_JA4:
		return PS_IOC_CAT_MALICIOUS_PROGRAM;
	default:
		return PS_IOC_CAT_OTHER;
	}
}

const char *ps_tlp_name(enum ps_tlp t)
{
	return (unsigned)t < PS_TLP__COUNT ? tlp_names[t] : "";
}

int ps_tlp_parse(const char *s, enum ps_tlp *out)
{
	if (s == NULL)
		return PS_EINVAL;
	if (strncasecmp(s, "tlp:", 4) == 0)
		s += 4;
	for (int t = 0; t < PS_TLP__COUNT; t++)
		if (strcasecmp(s, tlp_names[t]) == 0) {
			*out = (enum ps_tlp)t;
			return PS_OK;
		}
	if (strcasecmp(s, "white") == 0) {
		*out = PS_TLP_CLEAR;
		return PS_OK;
	}
	if (strcasecmp(s, "amber-strict") == 0) {
		*out = PS_TLP_AMBER_STRICT;
		return PS_OK;
	}
	return PS_EINVAL;
}

/* ---- messages -------------------------------------------------------------- */

/* The value for a message: at most 64 bytes, control bytes as '?'. */
static void quote(const char *in, size_t len, char out[80])
{
	size_t n = len > 64 ? 64 : len, o = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];

		out[o++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	if (n < len) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

/*
 * Format the reason `id` (with its arguments) into why[WHY_SIZE]. `why` is
 * NULL when the caller wants no message (the packet path): nothing is
 * formatted then.
 */
static int why_set(char *why, enum ps_msg_id id, ...)
{
	va_list ap;

	if (why == NULL)
		return PS_EINVAL;
	va_start(ap, id);
	(void)ps_tr_vfmt(why, WHY_SIZE, id, ap);
	va_end(ap);
	return PS_EINVAL;
}

/* "'x' is not a valid <type>: <why>" into d; returns PS_EINVAL. */
static int fail(struct ps_diag *d, enum ps_ioc_type t, const char *in,
		size_t len, const char *why)
{
	char q[80];

	if (d == NULL)
		return PS_EINVAL;
	quote(in, len, q);
	(void)ps_tr_fmt(d->msg, sizeof(d->msg), PS_MSG_IOC_BAD, q,
			ps_tr(type_titles[(unsigned)t < PS_IOC__COUNT ? t : 0]),
			why);
	return PS_EINVAL;
}

/* why = "character 'c' is not allowed", c shown as \xNN when not printable. */
static int why_char(char *why, unsigned char c)
{
	char s[8];

	if (why == NULL)
		return PS_EINVAL;
	if (c >= 0x20 && c < 0x7f)
		snprintf(s, sizeof(s), "%c", c);
	else
		snprintf(s, sizeof(s), "\\x%02x", c);
	return why_set(why, PS_MSG_IOC_R_CHAR, s);
}

/* ---- small helpers ------------------------------------------------------- */

static bool is_hex(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_alnum(unsigned char c)
{
	return is_alpha(c) || is_digit(c);
}

static unsigned char lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

/* Parse 1..max decimal digits as an unsigned value; false otherwise. */
static bool parse_uint(const char *s, size_t n, size_t max, uint32_t *v)
{
	uint32_t x = 0;

	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit((unsigned char)s[i]))
			return false;
		x = x * 10 + (uint32_t)(s[i] - '0');
	}
	*v = x;
	return true;
}

/* ---- IP addresses -------------------------------------------------------- */

size_t ps_ioc_ip_fmt(int family, const uint8_t *a, char out[PS_IOC_IP_TEXT_SIZE])
{
	uint16_t w[8];
	int best = -1, best_len = 0, run = -1, run_len = 0;
	size_t o = 0;

	if (family == 4)
		return (size_t)snprintf(out, PS_IOC_IP_TEXT_SIZE, "%u.%u.%u.%u",
					a[0], a[1], a[2], a[3]);
	if (family != 6)
		return 0;
	for (int i = 0; i < 8; i++) {
		w[i] = (uint16_t)(a[2 * i] << 8 | a[2 * i + 1]);
		if (w[i] == 0) {
			if (run < 0)
				run = i, run_len = 0;
			/* RFC 5952 4.2.2, 4.2.3: the longest run of 2+, first on a tie */
			if (++run_len > best_len && run_len >= 2)
				best = run, best_len = run_len;
		} else {
			run = -1;
		}
	}
	for (int i = 0; i < 8; i++) {
		if (i == best) {
			out[o++] = ':';
			if (i == 0)
				out[o++] = ':';
			i += best_len - 1;
			continue;
		}
		o += (size_t)snprintf(out + o, PS_IOC_IP_TEXT_SIZE - o, "%x%s",
				      w[i], i < 7 ? ":" : "");
	}
	out[o] = '\0';
	return o;
}

/* A parsed address or network before canonicalisation. */
struct ip_parts {
	int family;      /* 4 or 6 */
	uint8_t a[16];
	int prefix;      /* -1 when none was given */
	uint32_t port;   /* 0 when none was given */
};

static bool pton(int family, const char *s, size_t n, uint8_t *a)
{
	char buf[64];

	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return inet_pton(family == 4 ? AF_INET : AF_INET6, buf, a) == 1;
}

/* The address in s[0..n): IPv4 if it has no ':', else IPv6. */
static int parse_addr(const char *s, size_t n, struct ip_parts *ip, char *why)
{
	memset(ip->a, 0, sizeof(ip->a));
	ip->family = memchr(s, ':', n) != NULL ? 6 : 4;
	if (ip->family == 6 && memchr(s, '%', n) != NULL)
		return why_set(why, PS_MSG_IOC_R_ZONE);
	if (!pton(ip->family, s, n, ip->a))
		return why_set(why, PS_MSG_IOC_R_SYNTAX);
	return PS_OK;
}

static int parse_port(const char *s, size_t n, struct ip_parts *ip, char *why)
{
	if (!parse_uint(s, n, 5, &ip->port) || ip->port == 0 || ip->port > 65535)
		return why_set(why, PS_MSG_IOC_R_PORT);
	return PS_OK;
}

/*
 * Split "addr", "addr/len", "v4:port", "[v6]" and "[v6]:port" and parse
 * the address. Nothing is canonicalised yet.
 */
static int parse_ip(const char *s, size_t n, struct ip_parts *ip, char *why)
{
	const char *slash = memchr(s, '/', n), *colon, *end;
	uint32_t pfx;
	int rc;

	ip->prefix = -1;
	ip->port = 0;
	if (n > 0 && s[0] == '[') {
		end = memchr(s, ']', n);
		if (end == NULL || slash != NULL)
			return why_set(why, PS_MSG_IOC_R_SYNTAX);
		rc = parse_addr(s + 1, (size_t)(end - s - 1), ip, why);
		if (rc == PS_OK && ip->family != 6)
			rc = why_set(why, PS_MSG_IOC_R_SYNTAX);
		if (rc != PS_OK || end + 1 == s + n)
			return rc;
		if (end[1] != ':')
			return why_set(why, PS_MSG_IOC_R_SYNTAX);
		return parse_port(end + 2, (size_t)(s + n - end - 2), ip, why);
	}
	if (slash != NULL) {
		rc = parse_addr(s, (size_t)(slash - s), ip, why);
		if (rc != PS_OK)
			return rc;
		if (!parse_uint(slash + 1, (size_t)(s + n - slash - 1), 3, &pfx) ||
		    pfx > (ip->family == 4 ? 32u : 128u))
			return why_set(why, PS_MSG_IOC_R_PREFIX,
				       ip->family == 4 ? 32 : 128);
		ip->prefix = (int)pfx;
		return PS_OK;
	}
	colon = memchr(s, ':', n);
	if (colon != NULL && memchr(colon + 1, ':', (size_t)(s + n - colon - 1)) == NULL) {
		/* exactly one colon: IPv4 with a port */
		rc = parse_addr(s, (size_t)(colon - s), ip, why);
		if (rc != PS_OK)
			return rc;
		return parse_port(colon + 1, (size_t)(s + n - colon - 1), ip, why);
	}
	return parse_addr(s, n, ip, why);
}

static bool v4_mapped(const uint8_t *a)
{
	static const uint8_t pfx[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	return memcmp(a, pfx, sizeof(pfx)) == 0;
}

static void clear_host_bits(uint8_t *a, int bytes, int prefix)
{
	for (int i = 0; i < bytes; i++) {
		int keep = prefix - 8 * i;

		if (keep <= 0)
			a[i] = 0;
		else if (keep < 8)
			a[i] &= (uint8_t)(0xff << (8 - keep));
	}
}

/* Canonical IP text and type from the parts (see ioc.h). */
static void ip_canon(struct ip_parts *ip, struct ps_ioc_norm *out)
{
	int full;

	if (ip->family == 6 && v4_mapped(ip->a) &&
	    (ip->prefix < 0 || ip->prefix >= 96)) {
		memmove(ip->a, ip->a + 12, 4);
		memset(ip->a + 4, 0, 12);
		ip->family = 4;
		if (ip->prefix >= 0)
			ip->prefix -= 96;
	}
	full = ip->family == 4 ? 32 : 128;
	if (ip->prefix >= 0) {
		clear_host_bits(ip->a, full / 8, ip->prefix);
		if (ip->prefix == full)
			ip->prefix = -1;
	}
	if (ip->prefix >= 0)
		out->type = ip->family == 4 ? PS_IOC_CIDR4 : PS_IOC_CIDR6;
	else
		out->type = ip->family == 4 ? PS_IOC_IPV4 : PS_IOC_IPV6;
	out->prefix = ip->prefix >= 0 ? (uint8_t)ip->prefix : 0;
	out->port = (uint16_t)ip->port;
	out->len = ps_ioc_ip_fmt(ip->family, ip->a, out->value);
}

static int norm_ip(const char *in, size_t len, struct ps_ioc_norm *out,
		   char *why)
{
	struct ip_parts ip;
	int rc = parse_ip(in, len, &ip, why);

	if (rc != PS_OK)
		return rc;
	if (ip.prefix >= 0 && ip.port != 0)
		return why_set(why, PS_MSG_IOC_R_PORT_NET);
	ip_canon(&ip, out);
	return PS_OK;
}

/* ---- Punycode (RFC 3492) ------------------------------------------------- */

enum {
	PC_BASE = 36,
	PC_TMIN = 1,
	PC_TMAX = 26,
	PC_SKEW = 38,
	PC_DAMP = 700,
	PC_INITIAL_BIAS = 72,
	PC_INITIAL_N = 0x80,
};

/* RFC 3492 section 6.1 */
static uint32_t adapt(uint32_t delta, uint32_t numpoints, bool first)
{
	uint32_t k = 0;

	delta = first ? delta / PC_DAMP : delta / 2;
	delta += delta / numpoints;
	while (delta > ((PC_BASE - PC_TMIN) * PC_TMAX) / 2) {
		delta /= PC_BASE - PC_TMIN;
		k += PC_BASE;
	}
	return k + (PC_BASE - PC_TMIN + 1) * delta / (delta + PC_SKEW);
}

static char pc_digit(uint32_t d)
{
	return (char)(d < 26 ? 'a' + d : '0' + (d - 26));
}

struct pc_out {
	char *p;
	size_t len, cap;
};

static bool pc_put(struct pc_out *o, char c)
{
	if (o->len + 1 >= o->cap)
		return false;
	o->p[o->len++] = c;
	return true;
}

/* Emit delta q as a generalised variable-length integer (section 6.3). */
static bool pc_put_delta(struct pc_out *o, uint32_t q, uint32_t bias)
{
	for (uint32_t k = PC_BASE;; k += PC_BASE) {
		uint32_t t = k <= bias ? PC_TMIN : k >= bias + PC_TMAX ? PC_TMAX : k - bias;

		if (q < t)
			break;
		if (!pc_put(o, pc_digit(t + (q - t) % (PC_BASE - t))))
			return false;
		q = (q - t) / (PC_BASE - t);
	}
	return pc_put(o, pc_digit(q));
}

int ps_ioc_punycode_encode(const uint32_t *cp, size_t n, char *out, size_t cap,
			   size_t *outlen)
{
	struct pc_out o = {out, 0, cap};
	uint32_t nn = PC_INITIAL_N, delta = 0, bias = PC_INITIAL_BIAS, h, b = 0;

	if (cap == 0)
		return PS_ELIMIT;
	out[0] = '\0';
	if (n > UINT32_MAX / 2)
		return PS_ELIMIT;
	for (size_t i = 0; i < n; i++) {
		if (cp[i] > 0x10ffff || (cp[i] >= 0xd800 && cp[i] <= 0xdfff))
			return PS_EINVAL;
		if (cp[i] < 0x80) {
			if (!pc_put(&o, (char)cp[i]))
				return PS_ELIMIT;
			b++;
		}
	}
	if (b > 0 && !pc_put(&o, '-'))
		return PS_ELIMIT;
	for (h = b; h < n; nn++, delta++) {
		uint32_t m = UINT32_MAX;

		for (size_t i = 0; i < n; i++)
			if (cp[i] >= nn && cp[i] < m)
				m = cp[i];
		if (m - nn > (UINT32_MAX - delta) / (h + 1))
			return PS_ELIMIT;
		delta += (m - nn) * (h + 1);
		nn = m;
		for (size_t i = 0; i < n; i++) {
			if (cp[i] < nn && ++delta == 0)
				return PS_ELIMIT;
			if (cp[i] != nn)
				continue;
			if (!pc_put_delta(&o, delta, bias))
				return PS_ELIMIT;
			bias = adapt(delta, h + 1, h == b);
			delta = 0;
			h++;
		}
	}
	o.p[o.len] = '\0';
	if (outlen != NULL)
		*outlen = o.len;
	return PS_OK;
}

/* ---- domain names ---------------------------------------------------------- */

/*
 * Decode one UTF-8 sequence at s (n bytes available): the code point, or
 * -1 for a malformed, overlong or surrogate sequence. *used gets its length.
 */
static int32_t utf8_next(const unsigned char *s, size_t n, size_t *used)
{
	uint32_t c = s[0], min;
	size_t k;

	if (c < 0x80) {
		*used = 1;
		return (int32_t)c;
	}
	if (c >= 0xc2 && c <= 0xdf)
		k = 2, c &= 0x1f, min = 0x80;
	else if (c >= 0xe0 && c <= 0xef)
		k = 3, c &= 0x0f, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		k = 4, c &= 0x07, min = 0x10000;
	else
		return -1;
	if (n < k)
		return -1;
	for (size_t i = 1; i < k; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return -1;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return -1;
	*used = k;
	return (int32_t)c;
}

/* Lower-case mapping for the capitals of Latin-1, Greek and Cyrillic. */
static uint32_t cp_lower(uint32_t c)
{
	if (c < 0x80)
		return lower((unsigned char)c);
	if ((c >= 0xc0 && c <= 0xde && c != 0xd7) ||
	    (c >= 0x391 && c <= 0x3a9 && c != 0x3a2) || (c >= 0x410 && c <= 0x42f))
		return c + 0x20;
	if (c >= 0x400 && c <= 0x40f)
		return c + 0x50;
	return c;
}

/*
 * Code points refused in labels: controls, punctuation and symbols that
 * IDNA2008 (RFC 5892) disallows, in broad blocks since there are no
 * Unicode tables here; letters and marks of every script pass.
 */
static bool cp_disallowed(uint32_t c)
{
	static const uint32_t ranges[][2] = {
		{0x80, 0xbf},       /* C1 controls, Latin-1 punctuation and symbols */
		{0xd7, 0xd7},       {0xf7, 0xf7},
		{0x2000, 0x2bff},   /* general punctuation ... miscellaneous symbols */
		{0x3000, 0x3004},   {0x3008, 0x3020}, /* CJK punctuation */
		{0xe000, 0xf8ff},   /* private use */
		{0xfe00, 0xfe0f},   /* variation selectors */
		{0xfe10, 0xfe6f},   /* vertical and small forms */
		{0xff00, 0xff65},   /* fullwidth ASCII left after mapping */
		{0xfff0, 0xffff},   /* specials */
		{0x1f000, 0x1faff}, /* emoji and pictographs */
		{0xe0000, 0x10ffff}, /* tags, private use planes */
	};

	for (size_t i = 0; i < PS_ARRAY_LEN(ranges); i++)
		if (c >= ranges[i][0] && c <= ranges[i][1])
			return true;
	return false;
}

/* Bytes of a label separator at s: '.', U+3002, U+FF0E, U+FF61; else 0. */
static size_t sep_len(const unsigned char *s, size_t n)
{
	if (s[0] == '.')
		return 1;
	if (n >= 3 && ((s[0] == 0xe3 && s[1] == 0x80 && s[2] == 0x82) ||
		       (s[0] == 0xef && s[1] == 0xbc && s[2] == 0x8e) ||
		       (s[0] == 0xef && s[1] == 0xbd && s[2] == 0xa1)))
		return 3;
	return 0;
}

static bool ldh(unsigned char c)
{
	return is_alnum(c) || c == '-' || c == '_';
}

/* Output of the domain normaliser: a bounded string. */
struct sbuf {
	char *p;
	size_t len, cap; /* cap includes room for the NUL */
	bool over;
};

static void sb_put(struct sbuf *b, const char *s, size_t n)
{
	if (b->over || n >= b->cap - b->len) {
		b->over = true;
		return;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void sb_ch(struct sbuf *b, char c)
{
	sb_put(b, &c, 1);
}

/* A label with non-ASCII characters, as "xn--" + Punycode. */
static int label_idna(const unsigned char *s, size_t n, struct sbuf *o, char *why)
{
	uint32_t cp[LABEL_MAX + 1];
	char puny[LABEL_MAX + 1];
	size_t i, k = 0, used, plen;
	int32_t c;
	int rc;

	for (i = 0; i < n; i += used) {
		c = utf8_next(s + i, n - i, &used);
		if (c < 0)
			return why_set(why, PS_MSG_IOC_R_UTF8);
		if (k == LABEL_MAX)
			return why_set(why, PS_MSG_IOC_R_LABEL_LONG);
		/* fullwidth ASCII (UTS #46 maps it): 'ｅ' is 'e' */
		if (c >= 0xff01 && c <= 0xff5e)
			c -= 0xfee0;
		if (c < 0x80 && !ldh((unsigned char)c))
			return why_char(why, (unsigned char)c);
		if (cp_disallowed((uint32_t)c))
			return why_set(why, PS_MSG_IOC_R_CP, (unsigned)c);
		cp[k++] = cp_lower((uint32_t)c);
	}
	if (k == 0)
		return why_set(why, PS_MSG_IOC_R_EMPTY_LABEL);
	if (cp[0] == '-' || cp[k - 1] == '-')
		return why_set(why, PS_MSG_IOC_R_HYPHEN);
	for (i = 0; i < k && cp[i] < 0x80; i++)
		;
	if (i == k) { /* only fullwidth ASCII: no A-label */
		for (i = 0; i < k; i++)
			sb_ch(o, (char)cp[i]);
		return PS_OK;
	}
	rc = ps_ioc_punycode_encode(cp, k, puny, sizeof(puny) - 4, &plen);
	if (rc != PS_OK)
		return why_set(why, PS_MSG_IOC_R_LABEL_LONG);
	sb_put(o, "xn--", 4);
	sb_put(o, puny, plen);
	return PS_OK;
}

/* One label s[0..n) appended to o, lower-cased or as an A-label. */
static int label(const unsigned char *s, size_t n, struct sbuf *o, char *why)
{
	size_t start = o->len;

	if (n == 0)
		return why_set(why, PS_MSG_IOC_R_EMPTY_LABEL);
	for (size_t i = 0; i < n; i++)
		if (s[i] >= 0x80) {
			o->len = start;
			return label_idna(s, n, o, why);
		} else if (!ldh(s[i])) {
			return why_char(why, s[i]);
		} else {
			sb_ch(o, (char)lower(s[i]));
		}
	if (n > LABEL_MAX)
		return why_set(why, PS_MSG_IOC_R_LABEL_LONG);
	if (s[0] == '-' || s[n - 1] == '-')
		return why_set(why, PS_MSG_IOC_R_HYPHEN);
	return PS_OK;
}

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_digit((unsigned char)s[i]))
			return false;
	return n > 0;
}

/*
 * Normalise a domain name into o; *sub is set for "*." or "." prefixes
 * when sub != NULL (else they are refused).
 */
static int norm_domain(const char *in, size_t len, struct sbuf *o, bool *sub,
		       char *why)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t i = 0, start, base = o->len, last = base, sl;
	int rc;

	if (sub != NULL && len >= 2 && s[0] == '*' && s[1] == '.')
		*sub = true, i = 2;
	else if (sub != NULL && len >= 1 && s[0] == '.')
		*sub = true, i = 1;
	if (i == len)
		return why_set(why, PS_MSG_IOC_R_EMPTY_LABEL);
	for (start = i; i <= len; i += sl) {
		sl = i < len ? sep_len(s + i, len - i) : 0;
		if (i < len && sl == 0) {
			sl = 1;
			continue;
		}
		/* a label ends at i; one trailing separator is allowed */
		if (i == start && i == len && o->len > base)
			break;
		if (o->len > base)
			sb_ch(o, '.');
		last = o->len;
		rc = label(s + start, i - start, o, why);
		if (rc != PS_OK)
			return rc;
		if (i == len)
			break;
		start = i + sl;
	}
	if (o->over || o->len - base > NAME_MAX_LEN)
		return why_set(why, PS_MSG_IOC_R_NAME_LONG);
	if (all_digits(o->p + last, o->len - last))
		return why_set(why, PS_MSG_IOC_R_NUMERIC_TLD);
	return PS_OK;
}

/* ---- URLs ------------------------------------------------------------------- */

static uint16_t default_port(const char *scheme, size_t n)
{
	static const struct {
		const char *s;
		uint16_t port;
	} tab[] = {{"http", 80}, {"https", 443}, {"ftp", 21}, {"ws", 80}, {"wss", 443}};

	for (size_t i = 0; i < PS_ARRAY_LEN(tab); i++)
		if (strlen(tab[i].s) == n && memcmp(tab[i].s, scheme, n) == 0)
			return tab[i].port;
	return 0;
}

/* RFC 3986 2.3 */
static bool unreserved(unsigned char c)
{
	return is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

/* pchar without pct-encoded, plus '/' (and '?' in a query): 3.3, 3.4 */
static bool url_allowed(unsigned char c, bool query)
{
	return unreserved(c) || strchr("!$&'()*+,;=:@/", c) != NULL ||
	       (query && c == '?');
}

static int hexval(unsigned char c)
{
	return is_digit(c) ? c - '0' : lower(c) - 'a' + 10;
}

static void put_pct(struct sbuf *o, unsigned char c)
{
	static const char hex[] = "0123456789ABCDEF";
	char e[3] = {'%', hex[c >> 4], hex[c & 15]};

	sb_put(o, e, 3);
}

/* Path or query with percent-encodings normalised (section 6.2.2.1-2). */
static void pct_normalise(const unsigned char *s, size_t n, bool query, struct sbuf *o)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];

		if (c == '%' && i + 2 < n && is_hex(s[i + 1]) && is_hex(s[i + 2])) {
			c = (unsigned char)(hexval(s[i + 1]) << 4 | hexval(s[i + 2]));
			i += 2;
			if (unreserved(c))
				sb_ch(o, (char)c);
			else
				put_pct(o, c);
		} else if (c != '%' && url_allowed(c, query)) {
			sb_ch(o, (char)c);
		} else {
			put_pct(o, c);
		}
	}
}

/* RFC 3986 5.2.4 on a path that starts with '/', into o. */
static void remove_dot_segments(const char *in, size_t n, struct sbuf *o)
{
	size_t base = o->len, i = 0;

	while (i < n) {
		const char *p = in + i;
		size_t left = n - i, seg;

		if (left >= 3 && memcmp(p, "/./", 3) == 0) {
			i += 2;
		} else if (left == 2 && memcmp(p, "/.", 2) == 0) {
			sb_ch(o, '/');
			i += 2;
		} else if ((left >= 4 && memcmp(p, "/../", 4) == 0) ||
			   (left == 3 && memcmp(p, "/..", 3) == 0)) {
			while (o->len > base && o->p[o->len - 1] != '/')
				o->len--;
			if (o->len > base)
				o->len--;
			o->p[o->len] = '\0';
			/* "/../x" continues with "/x"; a final "/.." leaves "/" */
			if (left == 3)
				sb_ch(o, '/');
			i += 3;
		} else {
			for (seg = 1; seg < left && p[seg] != '/'; seg++)
				;
			sb_put(o, p, seg);
			i += seg;
		}
	}
	if (o->len == base)
		sb_ch(o, '/');
}

/* The host of a URL (h[0..n)), normalised into o. */
static int url_host(const char *h, size_t n, struct sbuf *o, char *why)
{
	struct ps_ioc_norm ipn;
	struct ip_parts ip;
	char inner[WHY_SIZE];
	int rc;

	if (n == 0)
		return why_set(why, PS_MSG_IOC_R_NO_HOST);
	if (h[0] == '[') {
		if (h[n - 1] != ']' || parse_addr(h + 1, n - 2, &ip, inner) != PS_OK ||
		    ip.family != 6)
			return why_set(why, PS_MSG_IOC_R_HOST, ps_tr(PS_MSG_IOC_R_SYNTAX));
		ip.prefix = -1;
		ip.port = 0;
		ip_canon(&ip, &ipn);
		if (ipn.type == PS_IOC_IPV6)
			sb_ch(o, '[');
		sb_put(o, ipn.value, ipn.len);
		if (ipn.type == PS_IOC_IPV6)
			sb_ch(o, ']');
		return PS_OK;
	}
	if (pton(4, h, n, ip.a)) {
		ip.family = 4;
		ip.prefix = -1;
		ip.port = 0;
		ip_canon(&ip, &ipn);
		sb_put(o, ipn.value, ipn.len);
		return PS_OK;
	}
	rc = norm_domain(h, n, o, NULL, inner);
	if (rc != PS_OK)
		return why_set(why, PS_MSG_IOC_R_HOST, inner);
	return PS_OK;
}

/* Length of a scheme followed by "://" at the start of s, else 0. */
static size_t scheme_len(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || !is_alpha((unsigned char)s[0]))
		return 0;
	for (i = 1; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!is_alnum(c) && c != '+' && c != '-' && c != '.')
			break;
	}
	return i + 3 <= n && memcmp(s + i, "://", 3) == 0 ? i : 0;
}

/* Scheme, authority end and port of a URL being normalised. */
struct url_parts {
	const char *scheme;
	size_t scheme_n;
	const char *host;
	size_t host_n;
	const char *port;
	size_t port_n;
	const char *path;  /* up to '?' or '#' */
	size_t path_n;
	const char *query; /* after '?', up to '#'; NULL when there is no '?' */
	size_t query_n;
};

static void url_split(const char *s, size_t n, struct url_parts *u)
{
	size_t sl = scheme_len(s, n), i, a, at = SIZE_MAX, colon = SIZE_MAX;

	memset(u, 0, sizeof(*u));
	u->scheme = sl ? s : "http";
	u->scheme_n = sl ? sl : 4;
	i = sl ? sl + 3 : (n >= 2 && s[0] == '/' && s[1] == '/') ? 2 : 0;
	for (a = i; a < n && s[a] != '/' && s[a] != '?' && s[a] != '#'; a++)
		if (s[a] == '@')
			at = a;
	if (at != SIZE_MAX)
		i = at + 1;
	for (size_t k = i; k < a; k++)
		if (s[k] == ':')
			colon = k;
		else if (s[k] == ']')
			colon = SIZE_MAX;
	u->host = s + i;
	u->host_n = (colon != SIZE_MAX ? colon : a) - i;
	if (colon != SIZE_MAX) {
		u->port = s + colon + 1;
		u->port_n = a - colon - 1;
	}
	u->path = s + a;
	for (i = a; i < n && s[i] != '?' && s[i] != '#'; i++)
		;
	u->path_n = (size_t)(s + i - u->path);
	if (i < n && s[i] == '?') {
		u->query = s + i + 1;
		for (i++; i < n && s[i] != '#'; i++)
			;
		u->query_n = (size_t)(s + i - u->query);
	}
}

static int norm_url(const char *in, size_t len, struct ps_ioc_norm *out, char *why)
{
	struct sbuf o = {out->value, 0, sizeof(out->value), false};
	struct sbuf pb;
	char path[PS_IOC_VALUE_MAX + 1];
	struct url_parts u;
	uint32_t port = 0;
	int rc;

	for (size_t i = 0; i < len; i++)
		if ((unsigned char)in[i] < 0x20 || in[i] == 0x7f)
			return why_set(why, PS_MSG_IOC_R_CONTROL);
	url_split(in, len, &u);
	for (size_t i = 0; i < u.scheme_n; i++)
		sb_ch(&o, (char)lower((unsigned char)u.scheme[i]));
	sb_put(&o, "://", 3);
	rc = url_host(u.host, u.host_n, &o, why);
	if (rc != PS_OK)
		return rc;
	while (u.port_n > 1 && u.port[0] == '0')
		u.port++, u.port_n--;
	if (u.port != NULL && u.port_n > 0 &&
	    (!parse_uint(u.port, u.port_n, 5, &port) || port == 0 || port > 65535))
		return why_set(why, PS_MSG_IOC_R_PORT);
	if (port != 0 && port != default_port(o.p, u.scheme_n)) {
		char num[8];
		int k = snprintf(num, sizeof(num), ":%u", port);

		sb_put(&o, num, (size_t)k);
	}
	pb = (struct sbuf){path, 0, sizeof(path), false};
	pct_normalise((const unsigned char *)u.path, u.path_n, false, &pb);
	if (pb.over)
		return why_set(why, PS_MSG_IOC_R_OUT_LONG, PS_IOC_VALUE_MAX);
	remove_dot_segments(path, pb.len, &o);
	if (u.query != NULL) {
		sb_ch(&o, '?');
		pct_normalise((const unsigned char *)u.query, u.query_n, true, &o);
	}
	if (o.over)
		return why_set(why, PS_MSG_IOC_R_OUT_LONG, PS_IOC_VALUE_MAX);
	out->type = PS_IOC_URL;
	out->len = o.len;
	return PS_OK;
}

/* ---- hashes and fingerprints ---------------------------------------------- */

static size_t hex_len(enum ps_ioc_type t)
{
	switch (t) {
	case PS_IOC_MD5:
	case PS_IOC_JA3:
		return 32;
	case PS_IOC_SHA1:
		return 40;
	case PS_IOC_SHA256:
		return 64;
	default:
		return 0;
	}
}

static bool all_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_hex((unsigned char)s[i]))
			return false;
	return true;
}

static int norm_hex(enum ps_ioc_type t, const char *in, size_t len,
		    struct ps_ioc_norm *out, char *why)
{
	size_t want = hex_len(t);

	if (len != want || !all_hex(in, len))
		return why_set(why, PS_MSG_IOC_R_HEX, (int)want);
	for (size_t i = 0; i < len; i++)
		out->value[i] = (char)lower((unsigned char)in[i]);
	out->value[len] = '\0';
	out->len = len;
	out->type = t;
	return PS_OK;
}

/* The JA4 shape (ioc.h); the 10-character "a" part, then _hex12_hex12. */
static bool ja4_shape(const char *s, size_t n)
{
	static const char *const vers[] = {"13", "12", "11", "10", "s3", "s2",
					   "s1", "d1", "d2", "d3", "00"};
	char v[3] = {0};
	bool ver = false;

	if (n != 36 || s[10] != '_' || s[23] != '_')
		return false;
	if (strchr("tqd", lower((unsigned char)s[0])) == NULL || s[0] == '\0')
		return false;
	v[0] = (char)lower((unsigned char)s[1]);
	v[1] = (char)lower((unsigned char)s[2]);
	for (size_t i = 0; i < PS_ARRAY_LEN(vers); i++)
		ver = ver || strcmp(v, vers[i]) == 0;
	if (!ver || (lower((unsigned char)s[3]) != 'd' && lower((unsigned char)s[3]) != 'i'))
		return false;
	for (int i = 4; i < 8; i++)
		if (!is_digit((unsigned char)s[i]))
			return false;
	if (!is_alnum((unsigned char)s[8]) || !is_alnum((unsigned char)s[9]))
		return false;
	return all_hex(s + 11, 12) && all_hex(s + 24, 12);
}

static int norm_ja4(const char *in, size_t len, struct ps_ioc_norm *out, char *why)
{
	if (!ja4_shape(in, len))
		return why_set(why, PS_MSG_IOC_R_JA4);
	for (size_t i = 0; i < len; i++)
		out->value[i] = i == 8 || i == 9 ? in[i] : (char)lower((unsigned char)in[i]);
	out->value[len] = '\0';
	out->len = len;
	out->type = PS_IOC_JA4;
	return PS_OK;
}

/* ---- entry points --------------------------------------------------------- */

enum ps_ioc_type ps_ioc_guess(const char *in, size_t len)
{
	struct ip_parts ip;

	if (len == 0)
		return PS_IOC_DOMAIN;
	if (len > 3 && memmem(in, len, "://", 3) != NULL)
		return PS_IOC_URL;
	if (all_hex(in, len)) {
		if (len == 32)
			return PS_IOC_MD5;
		if (len == 40)
			return PS_IOC_SHA1;
		if (len == 64)
			return PS_IOC_SHA256;
	}
	if (ja4_shape(in, len))
		return PS_IOC_JA4;
	if ((is_hex((unsigned char)in[0]) || in[0] == ':' || in[0] == '[') &&
	    len < 64 && parse_ip(in, len, &ip, NULL) == PS_OK) {
		if (ip.family == 6 && v4_mapped(ip.a) && (ip.prefix < 0 || ip.prefix >= 96))
			ip.family = 4, ip.prefix = ip.prefix < 0 ? -1 : ip.prefix - 96;
		if (ip.prefix >= 0 && ip.prefix != (ip.family == 4 ? 32 : 128))
			return ip.family == 4 ? PS_IOC_CIDR4 : PS_IOC_CIDR6;
		return ip.family == 4 ? PS_IOC_IPV4 : PS_IOC_IPV6;
	}
	if (memchr(in, '/', len) != NULL)
		return PS_IOC_URL;
	return PS_IOC_DOMAIN;
}

static int norm_domain_or_ip(const char *in, size_t len, struct ps_ioc_norm *out,
			     char *why)
{
	struct sbuf o = {out->value, 0, sizeof(out->value), false};
	struct ip_parts ip;
	char ignore[WHY_SIZE];

	if (len < 64 && parse_ip(in, len, &ip, ignore) == PS_OK)
		return norm_ip(in, len, out, why);
	out->value[0] = '\0';
	if (norm_domain(in, len, &o, &out->subdomains, why) != PS_OK)
		return PS_EINVAL;
	out->type = PS_IOC_DOMAIN;
	out->len = o.len;
	return PS_OK;
}

int ps_ioc_normalize(enum ps_ioc_type hint, const char *in, size_t len,
		     struct ps_ioc_norm *out, struct ps_diag *d)
{
	char buf[WHY_SIZE] = "", *why = d != NULL ? buf : NULL;
	int rc;

	out->type = PS_IOC_NONE;
	out->prefix = 0;
	out->subdomains = false;
	out->port = 0;
	out->len = 0;
	out->value[0] = '\0';
	if (len == 0)
		return fail(d, hint, in, len, ps_tr(PS_MSG_IOC_EMPTY));
	if (len > PS_IOC_INPUT_MAX) {
		why_set(why, PS_MSG_IOC_TOO_LONG, PS_IOC_INPUT_MAX);
		return fail(d, hint, in, len, why);
	}
	if (is_space((unsigned char)in[0]) || is_space((unsigned char)in[len - 1]))
		return fail(d, hint, in, len, ps_tr(PS_MSG_IOC_R_SPACE));
	if (hint == PS_IOC_NONE || (unsigned)hint >= PS_IOC__COUNT)
		hint = ps_ioc_guess(in, len);
	switch (hint) {
	case PS_IOC_IPV4:
	case PS_IOC_IPV6:
	case PS_IOC_CIDR4:
	case PS_IOC_CIDR6:
		rc = norm_ip(in, len, out, why);
		break;
	case PS_IOC_DOMAIN:
		rc = norm_domain_or_ip(in, len, out, why);
		break;
	case PS_IOC_URL:
		rc = norm_url(in, len, out, why);
		break;
	case PS_IOC_JA4:
		rc = norm_ja4(in, len, out, why);
		break;
	default:
		rc = norm_hex(hint, in, len, out, why);
		break;
	}
	if (rc != PS_OK) {
		out->len = 0;
		out->value[0] = '\0';
		return fail(d, hint, in, len, why);
	}
	return PS_OK;
}
