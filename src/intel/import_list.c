/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The plain-list importer: one value per line as most blocklists publish
 * them, with '#', ';' and '!' comments, trailing comments ("1.2.3.4 #
 * scanner"), ipsum's "IP<TAB>count", hosts-file lines ("0.0.0.0 host")
 * and uBlock/Adblock Plus network rules ("||host^", "||host/path^$all").
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "intel/intel_int.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return n > 0;
}

/* A whole-line comment or header: '#', ';', '!' or "[Adblock ...]". */
static bool comment_line(const char *s, size_t n)
{
	return n == 0 || s[0] == '#' || s[0] == ';' || s[0] == '!' ||
	       (n >= 8 && memcmp(s, "[Adblock", 8) == 0);
}

/* Cut a trailing comment: '#' or ';' after a blank. */
static size_t cut_comment(const char *s, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if ((s[i] == '#' || s[i] == ';') && is_blank(s[i - 1]))
			return i;
	return n;
}

/* Sinkhole addresses that start a hosts-file line. */
static bool hosts_addr(const char *s, size_t n)
{
	static const char *const a[] = {"0.0.0.0", "127.0.0.1", "::", "::1"};

	for (size_t i = 0; i < PS_ARRAY_LEN(a); i++)
		if (strlen(a[i]) == n && memcmp(a[i], s, n) == 0)
			return true;
	return false;
}

/*
 * "||host^", "||host/path^$options": the host and its subdomains, or the
 * URL (http assumed, as ABP matches any scheme). Other rule syntax
 * (exceptions, wildcards, cosmetic filters, regular expressions) is not
 * a host or URL and is skipped.
 */
static int abp_rule(struct ps_intel_parse *p, const char *s, size_t n)
{
	struct ps_intel_extra x;
	size_t end;

	ps_intel_extra_init(&x);
	s += 2;
	n -= 2;
	for (end = 0; end < n && s[end] != '^' && s[end] != '$'; end++)
		if (s[end] == '*' || s[end] == '|')
			break;
	if (end == 0 || (end < n && s[end] != '^' && s[end] != '$')) {
		ps_intel_skip(p, PS_MSG_INTEL_SKIP_RULE);
		return PS_OK;
	}
	if (memchr(s, '/', end) != NULL)
		return ps_intel_emit(p, PS_IOC_URL, s, end, &x);
	x.subdomains = true;
	return ps_intel_emit(p, PS_IOC_DOMAIN, s, end, &x);
}

static int list_line(struct ps_intel_parse *p, char *line, size_t len)
{
	const char *s = line, *tok[3];
	size_t n = len, tl[3], k = 0, i = 0;
	struct ps_intel_extra x;
	char tag[32], rest[64];

	ps_intel_trim(&s, &n);
	if (comment_line(s, n))
		return PS_OK;
	if (n >= 2 && s[0] == '@' && s[1] == '@') {
		ps_intel_skip(p, PS_MSG_INTEL_SKIP_RULE);
		return PS_OK;
	}
	if (n >= 2 && s[0] == '|' && s[1] == '|')
		return abp_rule(p, s, n);
	n = cut_comment(s, n);
	ps_intel_trim(&s, &n);
	/* up to three blank-separated tokens; a third is always too many */
	while (i < n && k < 3) {
		size_t start = i;

		while (i < n && !is_blank(s[i]))
			i++;
		tok[k] = s + start;
		tl[k++] = i - start;
		while (i < n && is_blank(s[i]))
			i++;
	}
	if (k == 0)
		return PS_OK;
	ps_intel_extra_init(&x);
	if (k == 1)
		return ps_intel_emit(p, PS_IOC_NONE, tok[0], tl[0], &x);
	if (k == 2 && hosts_addr(tok[0], tl[0]))
		return ps_intel_emit(p, PS_IOC_NONE, tok[1], tl[1], &x);
	if (k == 2 && all_digits(tok[1], tl[1]) && tl[1] < 10) {
		/* ipsum: the number of blocklists that list the address */
		x.tags = tag;
		x.tags_len = (size_t)snprintf(tag, sizeof(tag), "lists:%.*s", (int)tl[1], tok[1]);
		return ps_intel_emit(p, PS_IOC_NONE, tok[0], tl[0], &x);
	}
	i = (size_t)(s + n - tok[1]);
	if (i > 60)
		i = 60;
	memcpy(rest, tok[1], i);
	rest[i] = '\0';
	ps_intel_bad(p, PS_MSG_INTEL_EXTRA_TEXT, rest);
	return PS_OK;
}

const struct ps_intel_format_ops ps_intel_fmt_list = {
	.format = PS_INTEL_FMT_LIST,
	.line = list_line,
};
