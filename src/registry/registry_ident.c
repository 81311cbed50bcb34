/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Identifier-shaped registry values: IP addresses and ranges (with their
 * sortable form for the hidden _lo/_hi columns), CPE 2.3 formatted
 * strings, unified social credit codes and domain names. Each is checked
 * strictly and normalised so that equal things compare equal.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "registry/registry.h"
#include "registry/registry_int.h"

/* ---- IP ranges -------------------------------------------------------------------- */

/* One address from s[0..n) (trimmed of spaces). */
static bool parse_addr(const char *s, size_t n, uint8_t a[16], bool *v6)
{
	char buf[INET6_ADDRSTRLEN + 1];

	while (n > 0 && *s == ' ')
		s++, n--;
	while (n > 0 && s[n - 1] == ' ')
		n--;
	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	memset(a, 0, 16);
	*v6 = memchr(buf, ':', n) != NULL;
	return inet_pton(*v6 ? AF_INET6 : AF_INET, buf, a) == 1;
}

/* Bits of the address: 32 or 128. */
static unsigned addr_bits(bool v6)
{
	return v6 ? 128 : 32;
}

/* Set (ones) or test (zero) the host bits after prefix p. */
static bool host_bits(uint8_t a[16], unsigned p, bool v6, bool set)
{
	for (unsigned bit = p; bit < addr_bits(v6); bit++) {
		uint8_t m = (uint8_t)(0x80u >> (bit % 8));

		if (set)
			a[bit / 8] |= m;
		else if (a[bit / 8] & m)
			return false;
	}
	return true;
}

static int parse_cidr(const char *s, const char *slash, uint8_t lo[16], uint8_t hi[16],
		      bool *v6)
{
	const char *p = slash + 1;
	unsigned pfx = 0;
	size_t nd = strlen(p);

	if (!parse_addr(s, (size_t)(slash - s), lo, v6))
		return PS_EINVAL;
	if (nd == 0 || nd > 3 || strspn(p, "0123456789") != nd || (nd > 1 && p[0] == '0'))
		return PS_EINVAL;
	for (; *p != '\0'; p++)
		pfx = pfx * 10 + (unsigned)(*p - '0');
	if (pfx > addr_bits(*v6) || !host_bits(lo, pfx, *v6, false))
		return PS_EINVAL;
	memcpy(hi, lo, 16);
	host_bits(hi, pfx, *v6, true);
	return PS_OK;
}

int ps_reg_iprange_parse(const char *s, uint8_t lo[16], uint8_t hi[16], bool *v6)
{
	const char *slash, *dash;
	bool v6b;

	if (s == NULL || strlen(s) > 200)
		return PS_EINVAL;
	slash = strchr(s, '/');
	dash = strchr(s, '-');
	if (slash != NULL && dash == NULL)
		return parse_cidr(s, slash, lo, hi, v6);
	if (slash != NULL)
		return PS_EINVAL;
	if (dash == NULL) {
		if (!parse_addr(s, strlen(s), lo, v6))
			return PS_EINVAL;
		memcpy(hi, lo, 16);
		return PS_OK;
	}
	if (!parse_addr(s, (size_t)(dash - s), lo, v6) ||
	    !parse_addr(dash + 1, strlen(dash + 1), hi, &v6b) || v6b != *v6 ||
	    memcmp(lo, hi, 16) > 0)
		return PS_EINVAL;
	return PS_OK;
}

/* The prefix length if [lo, hi] is exactly one CIDR block, else -1. */
static int cidr_of(const uint8_t lo[16], const uint8_t hi[16], bool v6)
{
	for (unsigned p = 0; p <= addr_bits(v6); p++) {
		uint8_t a[16], b[16];

		memcpy(a, lo, 16);
		memcpy(b, lo, 16);
		if (!host_bits(a, p, v6, false))
			continue;
		host_bits(b, p, v6, true);
		if (memcmp(b, hi, 16) == 0)
			return (int)p;
	}
	return -1;
}

int ps_reg_iprange_fmt(const uint8_t lo[16], const uint8_t hi[16], bool v6, char *out,
		       size_t n)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	int af = v6 ? AF_INET6 : AF_INET, p, w;

	if (inet_ntop(af, lo, a, sizeof(a)) == NULL || inet_ntop(af, hi, b, sizeof(b)) == NULL)
		return PS_EINVAL;
	p = cidr_of(lo, hi, v6);
	if (memcmp(lo, hi, 16) == 0)
		w = snprintf(out, n, "%s", a);
	else if (p >= 0)
		w = snprintf(out, n, "%s/%d", a, p);
	else
		w = snprintf(out, n, "%s-%s", a, b);
	return w < 0 || (size_t)w >= n ? PS_ELIMIT : PS_OK;
}

void ps_reg_sortkey(const uint8_t a[16], bool v6, char *out)
{
	static const char hex[] = "0123456789abcdef";

	out[0] = v6 ? '6' : '4';
	out[1] = ':';
	for (int i = 0; i < 16; i++) {
		out[2 + 2 * i] = hex[a[i] >> 4];
		out[3 + 2 * i] = hex[a[i] & 15];
	}
	out[34] = '\0';
}

int ps_reg_iprange_check(const struct ps_reg_field *f, char **v, struct ps_diag *d)
{
	uint8_t lo[16], hi[16];
	char buf[PS_REG_IPRANGE_FMT_SIZE];
	bool v6;

	if (ps_reg_iprange_parse(*v, lo, hi, &v6) != PS_OK) {
		ps_diag_set(d, "field '%s': '%.80s' is not an IP address or range "
			    "(a.b.c.d, a.b.c.d/n with no host bits set, or lo-hi; IPv6 alike)",
			    f->name, *v);
		return PS_EINVAL;
	}
	if (ps_reg_iprange_fmt(lo, hi, v6, buf, sizeof(buf)) != PS_OK)
		return PS_EINVAL;
	if (strcmp(buf, *v) != 0) {
		char *c = ps_strdup(PS_MEM_REGISTRY, buf);

		if (c == NULL)
			return PS_ENOMEM;
		ps_free(*v);
		*v = c;
	}
	return PS_OK;
}

/* ---- CPE 2.3 (NISTIR 7695 §6.2, formatted string binding) ------------------------- */

/* Characters that may follow a backslash: escape, special and punctuation. */
static const char cpe_quotable[] = "\\*?!\"#$%&'()+,/:;<=>@[]^`{|}~-._";

static bool cpe_plain(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		c == '_';
}

/*
 * avstring = "*" / "-" / [ "*" / 1*"?" ] 1*(unreserved / quoted)
 *            [ "*" / 1*"?" ]   (wildcards only at either end)
 */
static bool cpe_avstring(const char *s, size_t n)
{
	size_t i = 0, body = 0;

	if (n == 1 && (s[0] == '*' || s[0] == '-'))
		return true;
	if (i < n && s[i] == '*')
		i++;
	else
		while (i < n && s[i] == '?')
			i++;
	while (i < n) {
		if (s[i] == '\\') {
			if (i + 1 >= n || strchr(cpe_quotable, s[i + 1]) == NULL)
				return false;
			i += 2;
		} else if (cpe_plain(s[i])) {
			i++;
		} else {
			break;
		}
		body++;
	}
	if (body == 0)
		return false;
	if (i < n && s[i] == '*')
		i++;
	else
		while (i < n && s[i] == '?')
			i++;
	return i == n;
}

/* lang = "*" / "-" / 2*3ALPHA [ "-" ( 2ALPHA / 3DIGIT ) ] (RFC 5646 subset) */
static bool cpe_lang(const char *s, size_t n)
{
	size_t a = 0;

	if (n == 1 && (s[0] == '*' || s[0] == '-'))
		return true;
	while (a < n && s[a] >= 'a' && s[a] <= 'z')
		a++;
	if (a < 2 || a > 3)
		return false;
	if (a == n)
		return true;
	if (s[a] != '-')
		return false;
	s += a + 1;
	n -= a + 1;
	if (n == 2)
		return s[0] >= 'a' && s[0] <= 'z' && s[1] >= 'a' && s[1] <= 'z';
	return n == 3 && strspn(s, "0123456789") >= 3;
}

static const char *const cpe_names[] = {
	"part", "vendor", "product", "version", "update", "edition", "language",
	"sw_edition", "target_sw", "target_hw", "other",
};

/* Check component i; NULL or what is wrong with it. */
static const char *cpe_component(size_t i, const char *s, size_t n)
{
	if (i == 0)
		return n == 1 && strchr("aoh", s[0]) != NULL ? NULL : "is not a, o or h";
	if ((i == 1 || i == 2) && n == 1 && s[0] == '*')
		return "must be named, not *";
	if (i == 6)
		return cpe_lang(s, n) ? NULL : "is not a language tag";
	return cpe_avstring(s, n) ? NULL :
		"is empty, or has a character that must be escaped or a misplaced wildcard";
}

int ps_reg_cpe_check(const struct ps_reg_field *f, char *v, struct ps_diag *d)
{
	const char *why = NULL, *p, *start;
	size_t comp = 0;

	for (char *q = v; *q != '\0'; q++)
		if (*q >= 'A' && *q <= 'Z')
			*q = (char)(*q - 'A' + 'a');
	if (strncmp(v, "cpe:2.3:", 8) != 0) {
		why = "does not start with cpe:2.3:";
		goto bad;
	}
	start = p = v + 8;
	for (;; p++) {
		if (*p == '\\' && p[1] != '\0') {
			p++;
			continue;
		}
		if (*p != ':' && *p != '\0')
			continue;
		if (comp >= PS_ARRAY_LEN(cpe_names)) {
			why = "has more than 13 components";
			goto bad;
		}
		why = cpe_component(comp, start, (size_t)(p - start));
		if (why != NULL)
			goto named;
		comp++;
		if (*p == '\0')
			break;
		start = p + 1;
	}
	if (comp != PS_ARRAY_LEN(cpe_names)) {
		why = "does not have 13 components";
		goto bad;
	}
	return PS_OK;
named:
	ps_diag_set(d, "field '%s': '%.120s' is not a CPE 2.3 name: %s %s", f->name, v,
		    cpe_names[comp], why);
	return PS_EINVAL;
bad:
	ps_diag_set(d, "field '%s': '%.120s' is not a CPE 2.3 name: %s "
		    "(cpe:2.3:part:vendor:product:version:update:edition:language:"
		    "sw_edition:target_sw:target_hw:other)", f->name, v, why);
	return PS_EINVAL;
}

/* ---- 统一社会信用代码 (GB 32100-2015) ------------------------------------------------ */

static const char uscc_set[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
static const uint8_t uscc_w[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24,
				   10, 30, 28};

int ps_reg_uscc_check(const struct ps_reg_field *f, char *v, struct ps_diag *d)
{
	unsigned sum = 0, c;
	const char *p;

	for (char *q = v; *q != '\0'; q++)
		if (*q >= 'a' && *q <= 'z')
			*q = (char)(*q - 'a' + 'A');
	if (strlen(v) != 18) {
		ps_diag_set(d, "field '%s': '%.40s' is not a unified social credit code: "
			    "it has %zu characters, not 18", f->name, v, strlen(v));
		return PS_EINVAL;
	}
	for (int i = 0; i < 18; i++) {
		p = strchr(uscc_set, v[i]);
		if (v[i] == '\0' || p == NULL) {
			ps_diag_set(d, "field '%s': '%s' is not a unified social credit code: "
				    "'%c' at position %d is not allowed (I, O, S, V and Z "
				    "are never used)", f->name, v, v[i], i + 1);
			return PS_EINVAL;
		}
		if (i < 17)
			sum += (unsigned)(p - uscc_set) * uscc_w[i];
	}
	c = (31 - sum % 31) % 31;
	if (v[17] != uscc_set[c]) {
		ps_diag_set(d, "field '%s': '%s' is not a unified social credit code: "
			    "the check character should be %c, not %c", f->name, v, uscc_set[c],
			    v[17]);
		return PS_EINVAL;
	}
	return PS_OK;
}

/* ---- domain names ----------------------------------------------------------------- */

bool ps_reg_domain_ok(char *s)
{
	size_t n = strlen(s), label = 0, labels = 0;
	bool digits_only = true;

	for (char *q = s; *q != '\0'; q++)
		if (*q >= 'A' && *q <= 'Z')
			*q = (char)(*q - 'A' + 'a');
	if (n > 0 && s[n - 1] == '.')
		s[--n] = '\0';
	if (n == 0 || n > 253)
		return false;
	if (strncmp(s, "*.", 2) == 0)
		s += 2;
	for (const char *p = s;; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '.' || c == '\0') {
			if (label == 0 || label > 63 || p[-1] == '-' || p[-(long)label] == '-')
				return false;
			labels++;
			if (c == '\0')
				break;
			label = 0;
			digits_only = true;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
		      c == '_' || c >= 0x80))
			return false;
		if (c < '0' || c > '9')
			digits_only = false;
		label++;
	}
	return labels >= 2 && !digits_only;
}
