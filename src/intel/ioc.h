/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The vocabulary of threat intelligence shared by importers, the store,
 * the matching tables and exporters: indicator types, MIIT threat
 * categories, TLP 2.0, and the normalisation that gives every indicator
 * one canonical text so that equal indicators compare equal as bytes.
 *
 * Canonical forms (ps_ioc_normalize):
 *  - IPv4: dotted quad as inet_pton reads it (no leading zeros, no short
 *    forms). IPv6: RFC 5952 text (lower-case, no leading zeros, the
 *    longest run of two or more zero groups as "::", the first on a tie,
 *    never embedded IPv4). An IPv4-mapped IPv6 address (::ffff:a.b.c.d)
 *    becomes the IPv4 address. A zone ("%eth0") is refused.
 *  - CIDR: the network address with host bits cleared, prefix separate
 *    (value "192.0.2.0", prefix 24). A /32 (IPv4) or /128 (IPv6) network
 *    is an address, and an IPv4-mapped network of prefix >= 96 is the IPv4
 *    network of prefix - 96.
 *  - Domain: lower-case ASCII, no trailing dot, labels split at '.' and at
 *    the ideographic full stops U+3002, U+FF0E, U+FF61 (UTS #46), each
 *    label 1..63 bytes of letters, digits, '-' (not first or last) and
 *    '_' (which real host names carry although RFC 952 forbids it), at
 *    most 253 bytes in all, top-level label not all digits. A label with
 *    non-ASCII characters (UTF-8) becomes an A-label "xn--" + Punycode
 *    (RFC 3492) after mapping fullwidth ASCII to ASCII and lower-casing
 *    Latin-1, Greek and Cyrillic capitals; broad blocks of punctuation,
 *    symbols, emoji and private-use characters are refused. There is no
 *    full IDNA2008 mapping or NFC normalisation (no Unicode tables), so
 *    give internationalised names in lower case and NFC. "*.example.com" and
 *    ".example.com" mean the name and its subdomains (norm.subdomains).
 *    A "domain" that is an IP address becomes that address.
 *  - URL (RFC 3986 section 6.2.2): scheme and host lower-case, "http://"
 *    assumed when there is no scheme ("example.com/x", "//example.com/x"),
 *    user information dropped (an HTTP request never carries it, so it
 *    could never match), the host normalised as a domain or IP address
 *    (IPv6 in brackets), the default port of http (80), https (443),
 *    ftp (21), ws (80) and wss (443) removed and other ports written
 *    without leading zeros, an empty path written "/", percent-encoded
 *    unreserved characters (ALPHA DIGIT - . _ ~) decoded and other
 *    percent-encodings written with upper-case hex, bytes outside the
 *    characters RFC 3986 allows in a path or query (space, non-ASCII
 *    UTF-8, '"', '<', ...) percent-encoded, "." and ".." path segments
 *    removed (section 5.2.4), the query kept as written (also an empty
 *    "?") and the fragment dropped. Control characters are refused.
 *  - MD5, SHA-1, SHA-256, JA3: lower-case hex of exactly 32, 40, 64, 32
 *    digits.
 *  - JA4: "t13d1516h2_8daaf6152771_e5627efa2ab1": transport t/q/d, a
 *    version (13 12 11 10 s3 s2 s1 d1 d2 d3 00), d or i, two two-digit
 *    counts, two ALPN characters (kept as given), then two groups of 12
 *    hex digits; letters other than the ALPN characters lower-cased.
 *
 * Everything here is pure computation without global state: thread-safe.
 */
#ifndef PS_INTEL_IOC_H
#define PS_INTEL_IOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/i18n.h"

/*
 * Indicator types. The numbers are stored in the database: never
 * renumber, only append before PS_IOC__COUNT.
 */
enum ps_ioc_type {
	PS_IOC_NONE = 0,    /* unknown: guess (ps_ioc_guess) */
	PS_IOC_IPV4 = 1,    /* "192.0.2.1" */
	PS_IOC_IPV6 = 2,    /* "2001:db8::1" (RFC 5952 text) */
	PS_IOC_CIDR4 = 3,   /* "192.0.2.0/24": value is the network, prefix separate */
	PS_IOC_CIDR6 = 4,
	PS_IOC_DOMAIN = 5,  /* "example.com" (lower-case, A-labels, no trailing dot) */
	PS_IOC_URL = 6,     /* canonical URL text, see above */
	PS_IOC_MD5 = 7,     /* lower-case hex */
	PS_IOC_SHA1 = 8,
	PS_IOC_SHA256 = 9,
	PS_IOC_JA3 = 10,    /* 32 lower-case hex */
	PS_IOC_JA4 = 11,    /* "t13d1516h2_8daaf6152771_e5627efa2ab1" */
	PS_IOC__COUNT
};

/*
 * Threat categories of the MIIT rules for monitoring and handling public
 * Internet security threats (工信部网安〔2017〕202号, DOMAIN.md section 3).
 * Stored in the database: never renumber.
 */
enum ps_ioc_category {
	PS_IOC_CAT_NONE = 0,               /* not given: see ps_ioc_category_default */
	PS_IOC_CAT_MALICIOUS_IP = 1,       /* 恶意IP地址 */
	PS_IOC_CAT_MALICIOUS_DOMAIN = 2,   /* 恶意域名 */
	PS_IOC_CAT_MALICIOUS_URL = 3,      /* 恶意URL */
	PS_IOC_CAT_MALICIOUS_MESSAGE = 4,  /* 恶意电子信息 */
	PS_IOC_CAT_MALICIOUS_PROGRAM = 5,  /* 恶意程序 */
	PS_IOC_CAT_SECURITY_HAZARD = 6,    /* 安全隐患: vulnerability, weak password, backdoor */
	PS_IOC_CAT_SECURITY_INCIDENT = 7,  /* 网络安全事件 */
	PS_IOC_CAT_OTHER = 8,              /* 其他 */
	PS_IOC_CAT__COUNT
};

/*
 * Traffic Light Protocol 2.0, ordered from least to most restricted so
 * that "tlp <= max" decides what may be exported. Stored: never renumber.
 */
enum ps_tlp {
	PS_TLP_CLEAR = 0,
	PS_TLP_GREEN = 1,
	PS_TLP_AMBER = 2,
	PS_TLP_AMBER_STRICT = 3,
	PS_TLP_RED = 4,
	PS_TLP__COUNT
};

/* "ipv4" "ipv6" "cidr4" "cidr6" "domain" "url" "md5" "sha1" "sha256"
 * "ja3" "ja4"; "none" for PS_IOC_NONE and anything out of range. */
const char *ps_ioc_type_name(enum ps_ioc_type t);
/*
 * Parse a type name, case-insensitively, with the aliases importers meet:
 * "ip" and "cidr" (PS_IOC_IPV4 and PS_IOC_CIDR4; as hints every IP type
 * accepts any address or network, see ps_ioc_normalize), "ip:port",
 * "hostname", "md5_hash", "sha1_hash", "sha256_hash", "ja3_md5". PS_EINVAL
 * (and *out untouched) otherwise; "none" is not accepted.
 */
int ps_ioc_type_parse(const char *s, enum ps_ioc_type *out) PS_MUST_USE;
/* True for IPV4, IPV6, CIDR4 and CIDR6. */
bool ps_ioc_type_is_ip(enum ps_ioc_type t);

/* "malicious_ip" ... "other"; "none" for PS_IOC_CAT_NONE and out of range. */
const char *ps_ioc_category_name(enum ps_ioc_category c);
/* The name in the current language (core/i18n.h): "恶意IP地址" / "malicious IP". */
const char *ps_ioc_category_title(enum ps_ioc_category c);
/* The same in a given language (reports choose theirs). */
const char *ps_ioc_category_title_in(enum ps_ioc_category c, enum ps_lang lang);
/*
 * Parse a category: its name (case-insensitive), its Chinese name, or an
 * alias ("ip", "domain", "url", "malware", "vulnerability",
 * "weak_password", "backdoor", "incident"). PS_EINVAL otherwise.
 */
int ps_ioc_category_parse(const char *s, enum ps_ioc_category *out) PS_MUST_USE;
/* The category an indicator of type t has when nobody says: IP and CIDR
 * malicious_ip, domain malicious_domain, URL malicious_url, hashes, JA3
 * and JA4 malicious_program; other for PS_IOC_NONE. */
enum ps_ioc_category ps_ioc_category_default(enum ps_ioc_type t);

/* "clear" "green" "amber" "amber+strict" "red"; "" out of range. */
const char *ps_tlp_name(enum ps_tlp t);
/*
 * Parse a TLP level case-insensitively, with or without a "TLP:" prefix;
 * "white" (TLP 1.0) is clear and "amber-strict" amber+strict. PS_EINVAL
 * otherwise.
 */
int ps_tlp_parse(const char *s, enum ps_tlp *out) PS_MUST_USE;

/* Longest canonical value in bytes, without the NUL. */
#define PS_IOC_VALUE_MAX 2048
/* Longest input ps_ioc_normalize looks at; longer input is refused. */
#define PS_IOC_INPUT_MAX 8192
/* Buffer size for ps_ioc_ip_fmt: an IPv6 address with its NUL. */
#define PS_IOC_IP_TEXT_SIZE 46

/* A normalised indicator. value is NUL-terminated, len bytes long. */
struct ps_ioc_norm {
	enum ps_ioc_type type;
	uint8_t prefix;   /* CIDR prefix length; 0 for every other type */
	bool subdomains;  /* domain given as "*.name" or ".name" */
	uint16_t port;    /* "192.0.2.1:8080" or "[2001:db8::1]:443": 8080, 443; else 0 */
	size_t len;
	char value[PS_IOC_VALUE_MAX + 1];
};

/*
 * Normalise the `len` bytes at `in` (no NUL needed; leading and trailing
 * white space is refused, not trimmed) as an indicator of type `hint`:
 *  - PS_IOC_NONE guesses the type first (ps_ioc_guess);
 *  - any IP type accepts any IPv4 or IPv6 address or network, with a
 *    port ("192.0.2.1:80", "[2001:db8::1]:80") only for addresses; the
 *    result's type says which it is;
 *  - DOMAIN accepts an IP address (the result is then IPV4 or IPV6);
 *  - every other type must match its own form.
 * On success *out holds the canonical form (see the top of this file).
 * Returns PS_OK or PS_EINVAL with a message in `d` (may be NULL) in the
 * current language that quotes the value, cut to 64 bytes with control
 * bytes replaced: "'1.2.3.256' is not a valid IPv4 address: ...".
 */
int ps_ioc_normalize(enum ps_ioc_type hint, const char *in, size_t len,
		     struct ps_ioc_norm *out, struct ps_diag *d) PS_MUST_USE;

/*
 * The type of a value from a list that does not say: an IP address (also
 * with a port) IPV4 or IPV6, a network CIDR4 or CIDR6, 32/40/64 hex
 * digits MD5/SHA1/SHA256 (a JA3 cannot be told from an MD5: say --type
 * ja3), the JA4 shape JA4, something with "://" or a '/' URL, anything
 * else DOMAIN. Only looks; the value may still fail to normalise.
 */
enum ps_ioc_type ps_ioc_guess(const char *in, size_t len);

/*
 * RFC 5952 text of an address: family 4 (the first 4 bytes of a) or 6
 * (16 bytes). Writes at most PS_IOC_IP_TEXT_SIZE bytes with the NUL and
 * returns the length, or 0 for another family. An IPv4-mapped IPv6
 * address is written in IPv6 form ("::ffff:c000:201"); ps_ioc_normalize
 * is what turns it into IPv4.
 */
size_t ps_ioc_ip_fmt(int family, const uint8_t *a, char out[PS_IOC_IP_TEXT_SIZE]);

/*
 * Punycode (RFC 3492 section 6.3) of the `n` code points at `cp`, into
 * out (cap bytes, NUL-terminated); *outlen (may be NULL) gets the length.
 * Basic code points (< 0x80) are copied as they are, including their
 * case; no mixed-case annotation is produced. No "xn--" prefix is added.
 * Returns PS_OK, PS_EINVAL for a surrogate or a value above 0x10FFFF, or
 * PS_ELIMIT when the output does not fit or the RFC's overflow check
 * trips.
 */
int ps_ioc_punycode_encode(const uint32_t *cp, size_t n, char *out, size_t cap,
			   size_t *outlen) PS_MUST_USE;

#endif
