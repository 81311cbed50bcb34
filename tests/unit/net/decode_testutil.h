/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Frame builder shared by the decoder tests: append commented header byte
 * groups to a buffer, patch length fields once the frame is complete, and
 * run ps_decode() on it.
 */
#ifndef PS_TEST_DECODE_TESTUTIL_H
#define PS_TEST_DECODE_TESTUTIL_H

#include <stdint.h>
#include <string.h>

#include "net/decode.h"

#define TU_UNUSED __attribute__((unused))

struct tpkt {
	uint8_t b[70000];
	uint32_t n;
};

/* Append n bytes; returns the offset they start at. */
static inline TU_UNUSED uint32_t put(struct tpkt *k, const void *x, size_t n)
{
	uint32_t at = k->n;

	memcpy(k->b + k->n, x, n);
	k->n += (uint32_t)n;
	return at;
}
#define PUT(k, a) put((k), (a), sizeof(a))

static inline TU_UNUSED void wr16(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

/* Patch an IPv4 total length / IPv6 payload length / UDP length at `at`
 * so that the header's packet ends where the frame ends. */
static inline TU_UNUSED void fix_ip4(struct tpkt *k, uint32_t at)
{
	wr16(k->b + at + 2, k->n - at);
}
static inline TU_UNUSED void fix_ip6(struct tpkt *k, uint32_t at)
{
	wr16(k->b + at + 4, k->n - at - 40);
}
static inline TU_UNUSED void fix_udp(struct tpkt *k, uint32_t at)
{
	wr16(k->b + at + 4, k->n - at);
}

/* Ethernet II: dst 00:00:5e:00:53:01, src 00:00:5e:00:53:02, EtherType. */
static inline TU_UNUSED uint32_t put_eth(struct tpkt *k, uint16_t type)
{
	uint8_t h[14] = {0x00, 0x00, 0x5e, 0x00, 0x53, 0x01,
			 0x00, 0x00, 0x5e, 0x00, 0x53, 0x02,
			 (uint8_t)(type >> 8), (uint8_t)type};
	return PUT(k, h);
}

/*
 * IPv4, no options: 45 (version 4, IHL 5) | tos 00 | total length (fix_ip4)
 * | id 12 34 | flags+offset 00 00 | ttl 40 | proto | checksum 00 00 |
 * src 192.0.2.<s> | dst 198.51.100.<t>.
 */
static inline TU_UNUSED uint32_t put_ip4(struct tpkt *k, uint8_t proto, uint8_t s, uint8_t t)
{
	uint8_t h[20] = {0x45, 0x00, 0x00, 0x00, 0x12, 0x34, 0x00, 0x00, 0x40, proto,
			 0x00, 0x00, 192, 0, 2, s, 198, 51, 100, t};
	return PUT(k, h);
}

/*
 * IPv6: 60 00 00 00 (version 6, class 0, flow 0) | payload length
 * (fix_ip6) | next header | hop limit 40 | src 2001:db8::<s> |
 * dst 2001:db8::1:<t>.
 */
static inline TU_UNUSED uint32_t put_ip6(struct tpkt *k, uint8_t nh, uint8_t s, uint8_t t)
{
	uint8_t h[40] = {0x60, 0x00, 0x00, 0x00, 0x00, 0x00, nh, 0x40,
			 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, s,
			 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0, t};
	return PUT(k, h);
}

/*
 * TCP, no options: sport | dport | seq 01 02 03 04 | ack 0a 0b 0c 0d |
 * 50 (data offset 5) | flags | window 72 10 | checksum 00 00 | urgent 00 00.
 */
static inline TU_UNUSED uint32_t put_tcp(struct tpkt *k, uint16_t sp, uint16_t dp, uint8_t fl)
{
	uint8_t h[20] = {(uint8_t)(sp >> 8), (uint8_t)sp, (uint8_t)(dp >> 8), (uint8_t)dp,
			 0x01, 0x02, 0x03, 0x04, 0x0a, 0x0b, 0x0c, 0x0d,
			 0x50, fl, 0x72, 0x10, 0x00, 0x00, 0x00, 0x00};
	return PUT(k, h);
}

/* UDP: sport | dport | length (fix_udp) | checksum 00 00. */
static inline TU_UNUSED uint32_t put_udp(struct tpkt *k, uint16_t sp, uint16_t dp)
{
	uint8_t h[8] = {(uint8_t)(sp >> 8), (uint8_t)sp, (uint8_t)(dp >> 8), (uint8_t)dp,
			0, 0, 0, 0};
	return PUT(k, h);
}

/* Decode k->b[0..n) as a packet of link type lt captured at ts_us. */
static inline TU_UNUSED int tdecode(struct ps_decoder *d, struct ps_packet *p,
				    const struct tpkt *k, uint16_t lt, int64_t ts_us)
{
	memset(p, 0, sizeof(*p));
	p->data = k->b;
	p->caplen = p->wirelen = k->n;
	p->linktype = lt;
	p->ts_us = ts_us;
	return ps_decode(d, p);
}

/* Decode with a fresh default decoder whose counters the caller may read. */
static inline TU_UNUSED int tdecode1(struct ps_decoder *d, struct ps_packet *p,
				     const struct tpkt *k, uint16_t lt)
{
	if (ps_decoder_init(d, NULL) != PS_OK)
		return -100;
	return tdecode(d, p, k, lt, 1000000);
}

#endif
