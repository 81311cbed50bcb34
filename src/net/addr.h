/* SPDX-License-Identifier: Apache-2.0 */
/*
 * IP addresses as the flow table and the parsers see them: 16 bytes with a
 * family, IPv4 in the first four bytes and the rest zero.
 */
#ifndef PS_NET_ADDR_H
#define PS_NET_ADDR_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define PS_ADDR_STRLEN 46 /* INET6_ADDRSTRLEN */

enum ps_af { PS_AF_NONE = 0, PS_AF_INET = 4, PS_AF_INET6 = 6 };

struct ps_addr {
	union {
		uint8_t b[16];
		uint32_t w[4];
		uint64_t q[2];
	};
};

static inline bool ps_addr_eq(const struct ps_addr *a, const struct ps_addr *b)
{
	return a->q[0] == b->q[0] && a->q[1] == b->q[1];
}

/* memcmp-style order, for symmetric keys. */
static inline int ps_addr_cmp(const struct ps_addr *a, const struct ps_addr *b)
{
	return memcmp(a->b, b->b, 16);
}

/* Text form into out[PS_ADDR_STRLEN]; returns out. */
char *ps_addr_fmt(const struct ps_addr *a, enum ps_af af, char *out);
/* Parse dotted IPv4 or IPv6 text; returns the family or PS_AF_NONE. */
enum ps_af ps_addr_parse(const char *s, struct ps_addr *out);

#endif
