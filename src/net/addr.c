/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Address formatting and parsing through inet_ntop/inet_pton, the forms
 * every other tool prints (RFC 5952 for IPv6).
 */
#include <arpa/inet.h>

#include "core/core.h"
#include "net/addr.h"

/* Dotted quad without printf (what inet_ntop's "%u.%u.%u.%u" gives). */
static char *fmt_ipv4(const uint8_t *b, char *out)
{
	char *o = out;

	for (int i = 0; i < 4; i++) {
		unsigned v = b[i];

		if (v >= 100)
			*o++ = (char)('0' + v / 100);
		if (v >= 10)
			*o++ = (char)('0' + v / 10 % 10);
		*o++ = (char)('0' + v % 10);
		*o++ = i < 3 ? '.' : '\0';
	}
	return out;
}

char *ps_addr_fmt(const struct ps_addr *a, enum ps_af af, char *out)
{
	if (af != PS_AF_INET6)
		return fmt_ipv4(a->b, out);
	if (!inet_ntop(AF_INET6, a->b, out,
		       PS_ADDR_STRLEN))
		out[0] = '\0';
	return out;
}

enum ps_af ps_addr_parse(const char *s, struct ps_addr *out)
{
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, s, out->b) == 1)
		return PS_AF_INET;
	if (inet_pton(AF_INET6, s, out->b) == 1)
		return PS_AF_INET6;
	return PS_AF_NONE;
}
