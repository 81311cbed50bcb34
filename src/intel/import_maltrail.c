/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Maltrail importer: "indicator<TAB>type<TAB>category<TAB>family" rows
 * as built from Maltrail's static trails (usually gzip-compressed; the
 * driver inflates). Types domain, ip, ip:port (the address, its port kept
 * as a "port:N" tag), cidr and url. Maltrail matches a domain trail on the
 * name and every name below it, so domains get subdomain matching.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "intel/intel_int.h"

#define MT_FIELDS 4

/*
 * Maltrail's category decides severity and confidence unless the import
 * gives them: "malware" trails name a family's infrastructure, "malicious"
 * ones are known bad without a family, "suspicious" ones (parking sites,
 * dynamic DNS, ...) are only worth a look.
 */
static const struct {
	const char *name;
	int severity, confidence;
} categories[] = {
	{"malware", 4, 80},
	{"malicious", 4, 70},
	{"suspicious", 2, 40},
};

static const struct {
	const char *name;
	enum ps_ioc_type type;
} types[] = {
	{"domain", PS_IOC_DOMAIN},
	{"ip", PS_IOC_IPV4},   /* any IP hint takes IPv4 and IPv6 */
	{"ip:port", PS_IOC_IPV4},
	{"cidr", PS_IOC_CIDR4},
	{"url", PS_IOC_URL},
};

static bool field_is(const char *s, size_t n, const char *lit)
{
	return strlen(lit) == n && memcmp(s, lit, n) == 0;
}

/* Trails written as regular expressions cannot be stored as values. */
static bool regex_like(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strchr("()[]{}|\\^$*+?", s[i]) != NULL && s[i] != '\0')
			return true;
	return false;
}

/* Split at tabs into at most MT_FIELDS fields; returns the field count. */
static size_t split_tabs(const char *s, size_t n, const char **f, size_t *fl)
{
	size_t k = 0, start = 0;

	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != '\t')
			continue;
		if (k < MT_FIELDS) {
			f[k] = s + start;
			fl[k] = i - start;
		}
		k++;
		start = i + 1;
	}
	return k;
}

/*
 * The category is not kept as a tag: severity and confidence carry it,
 * and tags of one indicator merge across rows (ip:port rows add ports).
 */
static void set_category(const struct ps_intel_parse *p, const char *s, size_t n,
			 struct ps_intel_extra *x)
{
	for (size_t i = 0; i < PS_ARRAY_LEN(categories); i++) {
		if (!field_is(s, n, categories[i].name))
			continue;
		if (p->o->severity == 0)
			x->severity = categories[i].severity;
		if (p->o->confidence < 0)
			x->confidence = categories[i].confidence;
	}
}

static int maltrail_line(struct ps_intel_parse *p, char *line, size_t len)
{
	const char *f[MT_FIELDS], *s = line;
	size_t fl[MT_FIELDS], n = len, k, t;
	struct ps_intel_extra x;
	char tname[32];

	/* spaces only: a trailing tab may end an empty family field */
	while (n > 0 && s[n - 1] == ' ')
		n--;
	if (n == 0 || s[0] == '#')
		return PS_OK;
	k = split_tabs(s, n, f, fl);
	if (k != MT_FIELDS) {
		ps_intel_bad(p, PS_MSG_INTEL_FIELDS, MT_FIELDS, (int)k);
		return PS_OK;
	}
	for (t = 0; t < PS_ARRAY_LEN(types) && !field_is(f[1], fl[1], types[t].name); t++)
		;
	if (t == PS_ARRAY_LEN(types)) {
		snprintf(tname, sizeof(tname), "%.*s", (int)(fl[1] > 24 ? 24 : fl[1]), f[1]);
		ps_intel_bad(p, PS_MSG_INTEL_BAD_TYPE, tname);
		return PS_OK;
	}
	if (types[t].type == PS_IOC_URL && fl[0] > 0 && f[0][0] == '/') {
		ps_intel_skip(p, PS_MSG_INTEL_SKIP_PATH);
		return PS_OK;
	}
	if (types[t].type == PS_IOC_DOMAIN && regex_like(f[0], fl[0])) {
		ps_intel_skip(p, PS_MSG_INTEL_SKIP_REGEX);
		return PS_OK;
	}
	ps_intel_extra_init(&x);
	set_category(p, f[2], fl[2], &x);
	x.family = f[3];
	x.family_len = fl[3];
	x.subdomains = types[t].type == PS_IOC_DOMAIN;
	return ps_intel_emit(p, types[t].type, f[0], fl[0], &x);
}

const struct ps_intel_format_ops ps_intel_fmt_maltrail = {
	.format = PS_INTEL_FMT_MALTRAIL,
	.line = maltrail_line,
};
