/* SPDX-License-Identifier: Apache-2.0 */
/*
 * IP defragmentation through ps_decode(): IPv4 and IPv6 in order and out
 * of order, overlaps (first wins), conflicting ends, timeout by tick and by
 * packet time, memcap, tracker and fragment caps, size and length checks,
 * VLAN separation, a fragmented packet inside GRE, and defrag turned off.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/core.h"
#include "net/decode.h"
#include "decode_testutil.h"

#define SEC 1000000LL

static int setup(void **state)
{
	struct ps_decoder *d = ps_calloc(PS_MEM_TEST, 1, sizeof(*d));

	if (d == NULL || ps_decoder_init(d, NULL) != PS_OK)
		return -1;
	*state = d;
	return 0;
}

static int teardown(void **state)
{
	ps_decoder_release(*state);
	ps_free(*state);
	return 0;
}

/*
 * Ethernet (optionally one 802.1Q tag) + an IPv4 fragment: header as in
 * put_ip4 with id 0x1234 and flags/offset = MF | off8 (8-byte units),
 * then len bytes of data.
 */
static void frag4(struct tpkt *k, uint16_t vlan, uint8_t proto, uint16_t off8, bool mf,
		  const void *data, uint32_t len)
{
	uint32_t ip;
	uint8_t tag[4] = {(uint8_t)(vlan >> 8), (uint8_t)vlan, 0x08, 0x00};

	k->n = 0;
	if (vlan != 0) {
		put_eth(k, 0x8100);
		PUT(k, tag);
	} else {
		put_eth(k, 0x0800);
	}
	ip = put_ip4(k, proto, 1, 2);
	wr16(k->b + ip + 6, (mf ? 0x2000u : 0) | off8);
	put(k, data, len);
	fix_ip4(k, ip);
}

/* UDP header (ports 1000 -> 53, length 40) and 32 payload bytes 0..31. */
static void udp_dgram(uint8_t *b)
{
	unsigned i;

	memcpy(b, "\x03\xe8\x00\x35\x00\x28\x00\x00", 8);
	for (i = 0; i < 32; i++)
		b[8 + i] = (uint8_t)i;
}

static void assert_v4_checksum(const uint8_t *h)
{
	uint32_t s = 0, i;

	for (i = 0; i < 20; i += 2)
		s += (uint32_t)h[i] << 8 | h[i + 1];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	assert_int_equal(s, 0xffff);
}

static void assert_reassembled_udp(const struct ps_decoder *d, const struct ps_packet *p,
				   const uint8_t *dgram)
{
	const uint8_t *ip = p->data + p->l3_off;

	assert_true(p->flags & PS_PKT_REASSEMBLED);
	assert_true(p->flags & PS_PKT_HAS_L4);
	assert_int_equal(p->flags & PS_PKT_FRAGMENT, 0);
	assert_int_equal(p->sport, 1000);
	assert_int_equal(p->dport, 53);
	assert_int_equal(p->payload_len, 32);
	assert_memory_equal(p->payload, dgram + 8, 32);
	assert_int_equal(p->l3_len, 60);
	assert_int_equal(p->caplen, p->l3_off + 60u);
	assert_int_equal(ip[2] << 8 | ip[3], 60);
	assert_int_equal(ip[6] | ip[7], 0);
	assert_v4_checksum(ip);
	assert_int_equal(d->defrag.ntrackers, 0);
	assert_int_equal(d->defrag.mem, 0);
}

static void test_ipv4_in_order(void **state)
{
	struct ps_decoder *d = *state;
	struct ps_packet p;
	struct tpkt k;
	uint8_t dg[40];

	udp_dgram(dg);
	frag4(&k, 0, 17, 0, true, dg, 24); /* bytes 0-23 */
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1 * SEC), PS_EAGAIN);
	assert_int_equal(p.flags, PS_PKT_HAS_L3 | PS_PKT_FRAGMENT);
	assert_int_equal(p.ip_proto, 17);
	assert_int_equal(d->defrag.ntrackers, 1);
	frag4(&k, 0, 17, 3, false, dg + 24, 16); /* bytes 24-39, last */
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 2 * SEC), PS_OK);
	assert_reassembled_udp(d, &p, dg);
	assert_int_equal(p.l3_off, 14);
	assert_memory_equal(p.data, k.b, 14); /* link header of the last fragment */
	assert_int_equal(p.hash, ps_packet_hash(&p));
	assert_int_equal(d->ctr[PS_DEC_FRAG], 2);
	assert_int_equal(d->ctr[PS_DEC_REASSEMBLED], 1);
	assert_int_equal(d->ctr[PS_DEC_UDP], 1);
	assert_int_equal(d->ctr[PS_DEC_EV_FRAG_OVERLAP], 0);
}

static void test_ipv4_out_of_order(void **state)
{
	struct ps_decoder *d = *state;
	struct ps_packet p;
	struct tpkt k;
	uint8_t dg[40];

	udp_dgram(dg);
	frag4(&k, 0, 17, 4, false, dg + 32, 8); /* last: bytes 32-39 */
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EAGAIN);
	frag4(&k, 0, 17, 1, true, dg + 8, 24); /* middle: 8-31 */
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 2), PS_EAGAIN);
	frag4(&k, 0, 17, 0, true, dg, 8); /* first: UDP header */
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 3), PS_OK);
	assert_reassembled_udp(d, &p, dg);
	assert_int_equal(d->ctr[PS_DEC_EV_FRAG_OVERLAP], 0);
}

static void test_ipv4_overlap(void **state)
{
	struct ps_decoder *d = *state;
	struct ps_packet p;
	struct tpkt k;
	uint8_t a[16], b[16], c[8], want[32];

	memset(a, 'A', sizeof(a));
	memset(b, 'B', sizeof(b));
	memset(c, 'C', sizeof(c));
	frag4(&k, 0, 253, 1, true, a, 16); /* A: bytes 8-23 */
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EAGAIN);
	frag4(&k, 0, 253, 1, true, a, 16); /* A again: a full duplicate */
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EAGAIN);
	assert_int_equal(d->ctr[PS_DEC_EV_FRAG_OVERLAP], 1);
	frag4(&k, 0, 253, 0, true, b, 16); /* B: bytes 0-15, 8-15 already A's */
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EAGAIN);
	assert_int_equal(d->ctr[PS_DEC_EV_FRAG_OVERLAP], 2);
	frag4(&k, 0, 253, 3, false, c, 8); /* C: bytes 24-31, last */
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_OK);
	memset(want, 'B', 8);
	memset(want + 8, 'A', 16);
	memset(want + 24, 'C', 8);
	assert_int_equal(p.l3_len, 52);
	assert_memory_equal(p.data + p.l3_off + 20, want, 32);
	assert_int_equal(p.ip_proto, 253);
	assert_int_equal(p.flags, PS_PKT_HAS_L3 | PS_PKT_REASSEMBLED);

	/* a second last fragment with another end: first end wins */
	frag4(&k, 0, 253, 2, false, c, 8); /* ends at 24 */
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 2), PS_EAGAIN);
	frag4(&k, 0, 253, 3, false, c, 8); /* ends at 32 */
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 2), PS_EAGAIN);
	assert_int_equal(d->ctr[PS_DEC_EV_FRAG_OVERLAP], 3);
	frag4(&k, 0, 253, 0, true, want, 16); /* bytes 0-15 */
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 2), PS_OK);
	assert_int_equal(p.l3_len, 44); /* 24 data bytes: the first end */
}

static void test_timeout(void **state)
{
	struct ps_decoder *d = *state;
	struct ps_packet p;
	struct tpkt k;
	uint8_t dg[40];

	udp_dgram(dg);
	frag4(&k, 0, 17, 0, true, dg, 24);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 100 * SEC), PS_EAGAIN);
	ps_decoder_tick(d, 159 * SEC);
	assert_int_equal(d->defrag.ntrackers, 1);
	ps_decoder_tick(d, 160 * SEC);
	assert_int_equal(d->defrag.ntrackers, 0);
	assert_int_equal(d->ctr[PS_DEC_EV_FRAG_TIMEOUT], 1);
	frag4(&k, 0, 17, 3, false, dg + 24, 16); /* the rest comes too late */
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 161 * SEC), PS_EAGAIN);
	assert_int_equal(d->defrag.ntrackers, 1);

	/* no tick: a later fragment's time expires the old tracker */
	frag4(&k, 7, 17, 0, true, dg, 24);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 300 * SEC), PS_EAGAIN);
	assert_int_equal(d->ctr[PS_DEC_EV_FRAG_TIMEOUT], 2);
	assert_int_equal(d->defrag.ntrackers, 1);
}

static void test_caps(void **state)
{
	struct ps_decode_config cfg;
	struct ps_decoder d;
	struct ps_packet p;
	struct tpkt k;
	uint8_t big[1480] = {0};
	uint16_t i;

	(void)state;
	ps_decode_config_default(&cfg);
	cfg.defrag_memcap = 2048;
	cfg.defrag_max_trackers = 3;
	cfg.defrag_max_frags = 4;
	assert_int_equal(ps_decoder_init(&d, &cfg), PS_OK);

	frag4(&k, 1, 17, 0, true, big, sizeof(big)); /* fits in 2 KiB */
	assert_int_equal(tdecode(&d, &p, &k, PS_LINK_ETHERNET, 1), PS_EAGAIN);
	assert_int_equal(d.ctr[PS_DEC_EV_FRAG_MEMCAP], 0);
	frag4(&k, 2, 17, 0, true, big, sizeof(big)); /* a second one does not */
	assert_int_equal(tdecode(&d, &p, &k, PS_LINK_ETHERNET, 1), PS_EAGAIN);
	assert_true(d.ctr[PS_DEC_EV_FRAG_MEMCAP] >= 1);
	assert_true(d.defrag.mem <= cfg.defrag_memcap);

	frag4(&k, 3, 17, 0, true, big, 8);
	assert_int_equal(tdecode(&d, &p, &k, PS_LINK_ETHERNET, 1), PS_EAGAIN);
	frag4(&k, 4, 17, 0, true, big, 8); /* fourth tracker: over the cap of 3 */
	assert_int_equal(tdecode(&d, &p, &k, PS_LINK_ETHERNET, 1), PS_EAGAIN);
	assert_int_equal(d.ctr[PS_DEC_EV_FRAG_TRACKERS_FULL], 1);
	assert_int_equal(d.defrag.ntrackers, 3);

	for (i = 1; i <= 4; i++) { /* fragments 2-5 of VLAN 3's datagram */
		frag4(&k, 3, 17, i, true, big, 8);
		assert_int_equal(tdecode(&d, &p, &k, PS_LINK_ETHERNET, 1), PS_EAGAIN);
	}
	assert_int_equal(d.ctr[PS_DEC_EV_FRAG_TOO_MANY], 1);
	assert_int_equal(d.defrag.ntrackers, 2); /* dropped at once */
	ps_decoder_release(&d);
}

static void test_bad_fragments(void **state)
{
	struct ps_decoder *d = *state;
	struct ps_packet p;
	struct tpkt k;
	uint8_t x[32] = {0};

	frag4(&k, 0, 17, 8189, false, x, 32); /* 20 + 65512 + 32 > 65535 */
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_FRAG_TOO_LARGE], 1);
	assert_true(p.flags & PS_PKT_INVALID);
	frag4(&k, 0, 17, 0, true, x, 13); /* MF with 13 bytes: not a multiple of 8 */
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_FRAG_INVALID_LEN], 1);
	assert_int_equal(d->defrag.ntrackers, 0);

	/* the same datagram on two VLANs is two datagrams */
	frag4(&k, 10, 17, 0, true, x, 16);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EAGAIN);
	frag4(&k, 11, 17, 2, false, x, 16);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EAGAIN);
	assert_int_equal(d->defrag.ntrackers, 2); /* left for release() to free */
}

/*
 * Ethernet + IPv6 (next header nh0) [+ hop-by-hop naming the fragment
 * header] + fragment header: next 11 (UDP) | reserved | offset/M | id
 * 00 00 be ef, then data.
 */
static void frag6(struct tpkt *k, bool hbh, uint16_t off8, bool m, const void *data,
		  uint32_t len)
{
	/* hop-by-hop: next 2c (fragment) | length 0 | PadN 01 04 + 4 zeros */
	static const uint8_t hh[] = {0x2c, 0x00, 0x01, 0x04, 0, 0, 0, 0};
	uint8_t fh[8] = {0x11, 0x00, 0, 0, 0x00, 0x00, 0xbe, 0xef};
	uint32_t ip;

	k->n = 0;
	put_eth(k, 0x86dd);
	ip = put_ip6(k, hbh ? 0 : 44, 1, 2);
	if (hbh)
		PUT(k, hh);
	wr16(fh + 2, (uint32_t)off8 << 3 | (m ? 1 : 0));
	PUT(k, fh);
	put(k, data, len);
	fix_ip6(k, ip);
}

static void test_ipv6(void **state)
{
	struct ps_decoder *d = *state;
	struct ps_packet p;
	struct tpkt k;
	uint8_t dg[40];
	const uint8_t *ip;

	udp_dgram(dg);
	frag6(&k, false, 2, false, dg + 16, 24); /* last: bytes 16-39 */
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EAGAIN);
	assert_int_equal(p.flags, PS_PKT_HAS_L3 | PS_PKT_FRAGMENT);
	assert_int_equal(p.ip_proto, 17);
	frag6(&k, false, 0, true, dg, 16); /* first: bytes 0-15 */
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 2), PS_OK);
	assert_true(p.flags & PS_PKT_REASSEMBLED);
	assert_int_equal(p.family, PS_AF_INET6);
	assert_int_equal(p.dport, 53);
	assert_int_equal(p.payload_len, 32);
	assert_memory_equal(p.payload, dg + 8, 32);
	ip = p.data + p.l3_off;
	assert_int_equal(ip[6], 17);             /* fragment header removed */
	assert_int_equal(ip[4] << 8 | ip[5], 40); /* payload length */
	assert_int_equal(p.l3_len, 80);

	/* with a hop-by-hop header in the unfragmentable part, in order */
	frag6(&k, true, 0, true, dg, 16);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 3), PS_EAGAIN);
	frag6(&k, true, 2, false, dg + 16, 24);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 4), PS_OK);
	ip = p.data + p.l3_off;
	assert_int_equal(ip[6], 0);    /* still hop-by-hop first */
	assert_int_equal(ip[40], 17);  /* which now names UDP */
	assert_int_equal(ip[4] << 8 | ip[5], 48);
	assert_int_equal(p.payload_len, 32);
	assert_int_equal(d->ctr[PS_DEC_REASSEMBLED], 2);
	assert_int_equal(d->ctr[PS_DEC_FRAG], 4);

	frag6(&k, false, 0, true, dg, 12); /* M set, 12 bytes */
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 5), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_FRAG_INVALID_LEN], 1);
}

static void test_tunnelled_fragment(void **state)
{
	struct ps_decoder *d = *state;
	struct ps_packet p;
	struct tpkt k;
	/* GRE: K (20 00) protocol IPv4 | key 00 00 00 2a */
	static const uint8_t gre[] = {0x20, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x2a};
	uint8_t dg[40];
	uint32_t o, i, j;

	udp_dgram(dg);
	for (j = 0; j < 2; j++) { /* Ethernet / IPv4 / GRE / IPv4 fragment */
		k.n = 0;
		put_eth(&k, 0x0800);
		o = put_ip4(&k, 47, 1, 2);
		PUT(&k, gre);
		i = put_ip4(&k, 17, 3, 4);
		wr16(k.b + i + 6, j == 0 ? 0x2000 : 3);
		put(&k, dg + 24 * j, j == 0 ? 24 : 16);
		fix_ip4(&k, i);
		fix_ip4(&k, o);
		assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), j == 0 ? PS_EAGAIN : PS_OK);
	}
	assert_reassembled_udp(d, &p, dg);
	assert_int_equal(p.tunnel_depth, 1);
	assert_int_equal(p.tunnel_id, 42);
	assert_int_equal(p.l3_off, i);
	assert_int_equal(p.src.b[3], 3);
	assert_memory_equal(p.data, k.b, i); /* outer headers kept */
}

static void test_alloc_failures(void **state)
{
	struct ps_decoder *d = *state;
	struct ps_packet p;
	struct tpkt k;
	uint8_t dg[40];

	udp_dgram(dg);
	frag4(&k, 0, 17, 0, true, dg, 24);
	ps_mem_fail_at(1, false); /* the tracker */
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EAGAIN);
	assert_int_equal(d->ctr[PS_DEC_EV_FRAG_MEMCAP], 1);
	assert_int_equal(d->defrag.ntrackers, 0);
	ps_mem_fail_at(2, false); /* the copy of the IP header */
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EAGAIN);
	assert_int_equal(d->ctr[PS_DEC_EV_FRAG_MEMCAP], 2);
	assert_int_equal(d->defrag.ntrackers, 1);
	ps_mem_fail_at(0, false);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EAGAIN);
	frag4(&k, 0, 17, 3, false, dg + 24, 16);
	ps_mem_fail_at(2, false); /* the reassembly buffer, after the data */
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EAGAIN);
	ps_mem_fail_at(0, false);
	assert_int_equal(d->ctr[PS_DEC_EV_FRAG_MEMCAP], 3);
	assert_int_equal(d->defrag.ntrackers, 0);
	assert_int_equal(d->defrag.mem, 0);
}

static void test_defrag_off(void **state)
{
	struct ps_decode_config cfg;
	struct ps_decoder d;
	struct ps_packet p;
	struct tpkt k;
	uint8_t dg[40];

	(void)state;
	udp_dgram(dg);
	ps_decode_config_default(&cfg);
	cfg.defrag = false;
	assert_int_equal(ps_decoder_init(&d, &cfg), PS_OK);
	frag4(&k, 0, 17, 0, true, dg, 24);
	assert_int_equal(tdecode(&d, &p, &k, PS_LINK_ETHERNET, 1), PS_OK);
	assert_int_equal(p.flags, PS_PKT_HAS_L3 | PS_PKT_FRAGMENT);
	frag4(&k, 0, 17, 3, false, dg + 24, 16);
	assert_int_equal(tdecode(&d, &p, &k, PS_LINK_ETHERNET, 1), PS_OK);
	assert_int_equal(d.ctr[PS_DEC_FRAG], 2);
	assert_int_equal(d.ctr[PS_DEC_REASSEMBLED], 0);
	assert_int_equal(d.defrag.ntrackers, 0);
	ps_decoder_release(&d);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_ipv4_in_order),
		T(test_ipv4_out_of_order),
		T(test_ipv4_overlap),
		T(test_timeout),
		cmocka_unit_test(test_caps),
		T(test_bad_fragments),
		T(test_ipv6),
		T(test_tunnelled_fragment),
		T(test_alloc_failures),
		cmocka_unit_test(test_defrag_off),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
