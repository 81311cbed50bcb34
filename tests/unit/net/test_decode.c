/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Decoder tests for the link layers and tunnels: Ethernet, VLAN, QinQ,
 * MPLS, PPPoE, PPP, SLL/SLL2, NULL/LOOP, raw IP, GRE v0/v1, ERSPAN, VXLAN,
 * Geneve, GTP-U, MPLS-in-UDP, IP-in-IP, the tunnel depth cap, counter
 * names and the symmetric packet hash. Frames are built byte group by byte
 * group (decode_testutil.h); each group's comment says what it is.
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

static const uint8_t hello[] = {'h', 'e', 'l', 'l', 'o'};

/* 192.0.2.<s> as the first word of a ps_addr. */
static void assert_ip4(const struct ps_addr *a, uint8_t net0, uint8_t net1, uint8_t net2,
		       uint8_t host)
{
	assert_int_equal(a->b[0], net0);
	assert_int_equal(a->b[1], net1);
	assert_int_equal(a->b[2], net2);
	assert_int_equal(a->b[3], host);
	assert_int_equal(a->w[1] | a->w[2] | a->w[3], 0);
}

static void test_eth_ipv4_tcp(void **state)
{
	struct ps_decoder *d = *state;
	struct ps_packet p;
	struct tpkt k = {0};
	uint8_t pad[6] = {0};
	uint32_t ip, tcp;

	put_eth(&k, 0x0800);
	ip = put_ip4(&k, 6, 1, 2);
	tcp = put_tcp(&k, 40000, 80, PS_TH_PSH | PS_TH_ACK);
	PUT(&k, hello);
	fix_ip4(&k, ip);
	PUT(&k, pad); /* Ethernet padding: not part of the IP packet */

	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_OK);
	assert_int_equal(p.flags, PS_PKT_HAS_L3 | PS_PKT_HAS_L4);
	assert_int_equal(p.family, PS_AF_INET);
	assert_int_equal(p.ip_proto, PS_IPPROTO_TCP);
	assert_int_equal(p.ttl, 64);
	assert_int_equal(p.ip_id, 0x1234);
	assert_ip4(&p.src, 192, 0, 2, 1);
	assert_ip4(&p.dst, 198, 51, 100, 2);
	assert_int_equal(p.sport, 40000);
	assert_int_equal(p.dport, 80);
	assert_int_equal(p.tcp_seq, 0x01020304);
	assert_int_equal(p.tcp_ack, 0x0a0b0c0d);
	assert_int_equal(p.tcp_flags, PS_TH_PSH | PS_TH_ACK);
	assert_int_equal(p.tcp_win, 0x7210);
	assert_int_equal(p.l3_off, 14);
	assert_int_equal(p.l3_len, 45);
	assert_ptr_equal(p.l4, k.b + tcp);
	assert_int_equal(p.l4_len, 25);
	assert_ptr_equal(p.payload, k.b + tcp + 20);
	assert_int_equal(p.payload_len, 5);
	assert_memory_equal(p.payload, "hello", 5);
	assert_int_equal(p.tunnel_depth, 0);
	assert_int_equal(p.vlan_n, 0);
	assert_int_equal(p.hash, ps_packet_hash(&p));
	assert_int_equal(d->ctr[PS_DEC_PKTS], 1);
	assert_int_equal(d->ctr[PS_DEC_BYTES], 65);
	assert_int_equal(d->ctr[PS_DEC_ETHERNET], 1);
	assert_int_equal(d->ctr[PS_DEC_IPV4], 1);
	assert_int_equal(d->ctr[PS_DEC_TCP], 1);
	assert_int_equal(d->ctr[PS_DEC_INVALID], 0);
}

static void test_vlan_qinq(void **state)
{
	struct ps_decoder *d = *state;
	struct ps_packet p;
	struct tpkt k = {0};
	/* 802.1Q tag: PCP 1 VID 100 (20 64) | inner EtherType IPv4 */
	static const uint8_t q100[] = {0x20, 0x64, 0x08, 0x00};
	/* 802.1ad S-tag: VID 10 (00 0a) | next TPID 802.1Q */
	static const uint8_t s10[] = {0x00, 0x0a, 0x81, 0x00};
	/* C-tag VID 20 (00 14) | inner EtherType IPv6 */
	static const uint8_t c20v6[] = {0x00, 0x14, 0x86, 0xdd};
	/* C-tag VID 30 | next TPID 802.1Q again */
	static const uint8_t c30q[] = {0x00, 0x1e, 0x81, 0x00};
	uint32_t ip, i;

	put_eth(&k, 0x8100);
	PUT(&k, q100);
	ip = put_ip4(&k, 17, 1, 2);
	put_udp(&k, 1000, 2000);
	fix_udp(&k, ip + 20);
	fix_ip4(&k, ip);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_OK);
	assert_int_equal(p.vlan_n, 1);
	assert_int_equal(p.vlan[0], 100);
	assert_int_equal(p.l3_off, 18);
	assert_int_equal(p.dport, 2000);
	assert_int_equal(d->ctr[PS_DEC_VLAN], 1);
	assert_int_equal(d->ctr[PS_DEC_QINQ], 0);

	k.n = 0; /* QinQ: 88a8 S-tag 10, 8100 C-tag 20, IPv6/UDP */
	put_eth(&k, 0x88a8);
	PUT(&k, s10);
	PUT(&k, c20v6);
	ip = put_ip6(&k, 17, 1, 2);
	put_udp(&k, 1000, 2000);
	fix_udp(&k, ip + 40);
	fix_ip6(&k, ip);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_OK);
	assert_int_equal(p.vlan_n, 2);
	assert_int_equal(p.vlan[0], 10);
	assert_int_equal(p.vlan[1], 20);
	assert_int_equal(p.family, PS_AF_INET6);
	assert_int_equal(d->ctr[PS_DEC_VLAN], 3);
	assert_int_equal(d->ctr[PS_DEC_QINQ], 1);

	k.n = 0; /* three tags (9100, 8100, 8100): two kept, three counted */
	put_eth(&k, 0x9100);
	PUT(&k, s10);
	PUT(&k, c30q);
	PUT(&k, q100);
	ip = put_ip4(&k, 1, 1, 2);
	put(&k, "\x08\x00\x00\x00\x00\x01\x00\x01", 8); /* ICMP echo request id 1 seq 1 */
	fix_ip4(&k, ip);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_OK);
	assert_int_equal(p.vlan_n, 3);
	assert_int_equal(p.vlan[0], 10);
	assert_int_equal(p.vlan[1], 30);
	assert_int_equal(p.icmp_type, 8);

	k.n = 0; /* five stacked tags: over the cap of four */
	put_eth(&k, 0x8100);
	for (i = 0; i < 4; i++)
		PUT(&k, c30q);
	PUT(&k, q100);
	put_ip4(&k, 1, 1, 2);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_VLAN_TOO_MANY], 1);
	assert_true(p.flags & PS_PKT_INVALID);

	k.n = 0; /* tag cut short */
	put_eth(&k, 0x8100);
	put(&k, "\x00\x64", 2);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_VLAN_TRUNC], 1);
}

static void test_mpls(void **state)
{
	struct ps_decoder *d = *state;
	struct ps_packet p;
	struct tpkt k = {0};
	/* label 16 TC 0 S 0 TTL 64 | label 17 S 1 TTL 64 */
	static const uint8_t stack2[] = {0x00, 0x01, 0x00, 0x40, 0x00, 0x01, 0x11, 0x40};
	/* label 2 (IPv6 explicit null) S 1 TTL 64 */
	static const uint8_t null6[] = {0x00, 0x00, 0x21, 0x40};
	/* label 100 S 1 | pseudowire control word 00 00 00 00 */
	static const uint8_t pw[] = {0x00, 0x06, 0x41, 0x40, 0x00, 0x00, 0x00, 0x00};
	uint32_t ip, ip2;

	put_eth(&k, 0x8847);
	PUT(&k, stack2);
	ip = put_ip4(&k, 6, 1, 2);
	put_tcp(&k, 1, 2, PS_TH_SYN);
	fix_ip4(&k, ip);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_OK);
	assert_int_equal(p.l3_off, 22);
	assert_int_equal(p.tcp_flags, PS_TH_SYN);
	assert_int_equal(d->ctr[PS_DEC_MPLS], 1);

	k.n = 0; /* multicast EtherType, explicit null, IPv6 */
	put_eth(&k, 0x8848);
	PUT(&k, null6);
	ip = put_ip6(&k, 59, 1, 2); /* no next header */
	fix_ip6(&k, ip);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_OK);
	assert_int_equal(p.family, PS_AF_INET6);
	assert_int_equal(p.ip_proto, 59);
	assert_int_equal(p.flags & PS_PKT_HAS_L4, 0);

	k.n = 0; /* Ethernet pseudowire: a tunnel level */
	put_eth(&k, 0x8847);
	PUT(&k, pw);
	put_eth(&k, 0x0800);
	ip2 = put_ip4(&k, 17, 3, 4);
	put_udp(&k, 5, 6);
	fix_udp(&k, ip2 + 20);
	fix_ip4(&k, ip2);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_OK);
	assert_int_equal(p.tunnel_depth, 1);
	assert_true(p.flags & PS_PKT_TUNNELLED);
	assert_int_equal(p.l3_off, 36);
	assert_int_equal(p.sport, 5);

	k.n = 0; /* bottom label then 0x50: neither IP nor a control word */
	put_eth(&k, 0x8847);
	put(&k, "\x00\x06\x41\x40\x50\x00", 6);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_MPLS_UNKNOWN_PAYLOAD], 1);

	k.n = 0; /* bottom label, then nothing */
	put_eth(&k, 0x8847);
	put(&k, "\x00\x06\x41\x40", 4);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EPROTO);
	k.n = 0; /* control word cut short */
	put_eth(&k, 0x8847);
	put(&k, "\x00\x06\x41\x40\x00\x00", 6);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_MPLS_TRUNC], 2);

	k.n = 0; /* stack never reaches bottom-of-stack */
	put_eth(&k, 0x8847);
	put(&k, "\x00\x01\x00\x40\x00\x01", 6);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_MPLS_TRUNC], 3);
}

static void test_pppoe(void **state)
{
	struct ps_decoder *d = *state;
	struct ps_packet p;
	struct tpkt k = {0};
	/* PPPoE: ver/type 11 | code 00 (session) | session 00 2a | length (patched) */
	static const uint8_t sess[] = {0x11, 0x00, 0x00, 0x2a, 0x00, 0x00};
	/* PADI: ver/type 11 | code 09 | session 0 | length 0 */
	static const uint8_t padi[] = {0x11, 0x09, 0x00, 0x00, 0x00, 0x00};
	/* PPP LCP (c0 21): configure-request id 1 length 4 */
	static const uint8_t lcp[] = {0xc0, 0x21, 0x01, 0x01, 0x00, 0x04};
	uint32_t pp, ip;

	put_eth(&k, 0x8864);
	pp = PUT(&k, sess);
	put(&k, "\x00\x21", 2); /* PPP protocol IPv4 */
	ip = put_ip4(&k, 6, 1, 2);
	put_tcp(&k, 1025, 80, PS_TH_ACK);
	fix_ip4(&k, ip);
	wr16(k.b + pp + 4, k.n - pp - 6);
	put(&k, "\0\0\0\0", 4); /* padding past the PPPoE length */
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_OK);
	assert_int_equal(p.l3_off, 22);
	assert_int_equal(p.dport, 80);
	assert_int_equal(p.payload_len, 0);
	assert_int_equal(d->ctr[PS_DEC_PPPOE], 1);
	assert_int_equal(d->ctr[PS_DEC_PPP], 1);

	k.n = 0; /* PPP protocol IPv6 (00 57) */
	put_eth(&k, 0x8864);
	pp = PUT(&k, sess);
	put(&k, "\x00\x57", 2);
	ip = put_ip6(&k, 59, 1, 2);
	fix_ip6(&k, ip);
	wr16(k.b + pp + 4, k.n - pp - 6);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_OK);
	assert_int_equal(p.family, PS_AF_INET6);

	k.n = 0; /* LCP: counted, not decoded */
	put_eth(&k, 0x8864);
	pp = PUT(&k, sess);
	PUT(&k, lcp);
	wr16(k.b + pp + 4, k.n - pp - 6);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EUNSUP);
	assert_int_equal(d->ctr[PS_DEC_OTHER_L3], 1);

	k.n = 0; /* discovery stage */
	put_eth(&k, 0x8863);
	PUT(&k, padi);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EUNSUP);
	assert_int_equal(d->ctr[PS_DEC_PPPOE_DISC], 1);

	k.n = 0; /* a discovery code in a session frame */
	put_eth(&k, 0x8864);
	PUT(&k, padi);
	put(&k, "\x00\x21", 2);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_PPPOE_WRONG_CODE], 1);

	k.n = 0; /* version/type 2/1 */
	put_eth(&k, 0x8864);
	put(&k, "\x21\x00\x00\x2a\x00\x02\x00\x21", 8);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_PPPOE_MALFORMED], 1);

	k.n = 0; /* length 0x0100 past the frame */
	put_eth(&k, 0x8864);
	put(&k, "\x11\x00\x00\x2a\x01\x00\x00\x21", 8);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_PPPOE_TRUNC], 1);

	k.n = 0; /* 4 of the 6 PPPoE header bytes */
	put_eth(&k, 0x8864);
	put(&k, "\x11\x00\x00\x2a", 4);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_PPPOE_TRUNC], 2);

	k.n = 0; /* length 1: no room for the PPP protocol */
	put_eth(&k, 0x8864);
	put(&k, "\x11\x00\x00\x2a\x00\x01\x00\x21", 8);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_PPP_TRUNC], 1);
}

/* Outer Ethernet + IPv4 (proto) from 192.0.2.1 to 198.51.100.2; returns the IP offset. */
static uint32_t outer4(struct tpkt *k, uint8_t proto)
{
	k->n = 0;
	put_eth(k, 0x0800);
	return put_ip4(k, proto, 1, 2);
}

static void test_gre_v0(void **state)
{
	struct ps_decoder *d = *state;
	struct ps_packet p;
	struct tpkt k;
	/* GRE: flags C K S (b0 00), protocol IPv4 | checksum 00 00, reserved 00 00
	 * | key 00 00 30 39 (12345) | sequence 00 00 00 01 */
	static const uint8_t gre_cks[] = {0xb0, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00,
					  0x00, 0x00, 0x30, 0x39, 0x00, 0x00, 0x00, 0x01};
	/* GRE: no flags, protocol 65 58 transparent Ethernet bridging */
	static const uint8_t gre_teb[] = {0x00, 0x00, 0x65, 0x58};
	/* GRE: C R (c0 00) IPv4 | checksum, offset | SRE af 08 00 offset 00 len 04
	 * + 4 address bytes | NULL SRE 00 00 00 00 */
	static const uint8_t gre_sre[] = {0xc0, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00,
					  0x08, 0x00, 0x00, 0x04, 10, 0, 0, 1,
					  0x00, 0x00, 0x00, 0x00};
	uint32_t o, i;

	o = outer4(&k, 47);
	PUT(&k, gre_cks);
	i = put_ip4(&k, 17, 3, 4);
	put_udp(&k, 53, 53);
	PUT(&k, hello);
	fix_udp(&k, i + 20);
	fix_ip4(&k, i);
	fix_ip4(&k, o);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_OK);
	assert_int_equal(p.tunnel_depth, 1);
	assert_int_equal(p.tunnel_id, 12345);
	assert_true(p.flags & PS_PKT_TUNNELLED);
	assert_ip4(&p.src, 192, 0, 2, 3);
	assert_ip4(&p.dst, 198, 51, 100, 4);
	assert_int_equal(p.l3_off, i);
	assert_int_equal(p.payload_len, 5);
	assert_int_equal(d->ctr[PS_DEC_GRE], 1);
	assert_int_equal(d->ctr[PS_DEC_IPV4], 2);

	o = outer4(&k, 47);
	PUT(&k, gre_teb);
	put_eth(&k, 0x86dd);
	i = put_ip6(&k, 6, 7, 8);
	put_tcp(&k, 22, 50000, PS_TH_ACK);
	fix_ip6(&k, i);
	fix_ip4(&k, o);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_OK);
	assert_int_equal(p.family, PS_AF_INET6);
	assert_int_equal(p.tunnel_id, 0);
	assert_int_equal(p.sport, 22);
	assert_int_equal(d->ctr[PS_DEC_ETHERNET], 3);

	o = outer4(&k, 47);
	PUT(&k, gre_sre);
	i = put_ip4(&k, 200, 3, 4);
	fix_ip4(&k, i);
	fix_ip4(&k, o);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_OK);
	assert_int_equal(p.ip_proto, 200);
	assert_int_equal(p.flags & PS_PKT_HAS_L4, 0);

	o = outer4(&k, 47); /* SRE length runs past the packet */
	put(&k, "\x40\x00\x08\x00\x00\x00\x00\x00\x08\x00\x00\x20\x0a", 13);
	fix_ip4(&k, o);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_GRE_V0_MALFORMED_SRE], 1);
	assert_int_equal(p.ip_proto, 47); /* the outer layer stays decoded */
	assert_true(p.flags & PS_PKT_HAS_L3);

	o = outer4(&k, 47); /* version 2 */
	put(&k, "\x00\x02\x08\x00", 4);
	fix_ip4(&k, o);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_GRE_WRONG_VERSION], 1);

	o = outer4(&k, 47); /* recursion control 1 */
	put(&k, "\x01\x00\x08\x00", 4);
	fix_ip4(&k, o);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_GRE_V0_RECUR], 1);

	o = outer4(&k, 47); /* reserved flag bit 0x0008 */
	put(&k, "\x00\x08\x08\x00", 4);
	fix_ip4(&k, o);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_GRE_V0_FLAGS], 1);

	o = outer4(&k, 47); /* K set, key missing */
	put(&k, "\x20\x00\x08\x00\x00\x00", 6);
	fix_ip4(&k, o);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EPROTO);
	o = outer4(&k, 47); /* S set, sequence missing */
	put(&k, "\x10\x00\x08\x00\x00\x00", 6);
	fix_ip4(&k, o);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EPROTO);
	o = outer4(&k, 47); /* three bytes */
	put(&k, "\x00\x00\x08", 3);
	fix_ip4(&k, o);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_GRE_TRUNC], 3);

	o = outer4(&k, 47); /* keepalive-like protocol 0: not decoded */
	put(&k, "\x00\x00\x00\x00", 4);
	fix_ip4(&k, o);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EUNSUP);
	assert_int_equal(d->ctr[PS_DEC_OTHER_L3], 1);
}

static void test_gre_v1_pptp(void **state)
{
	struct ps_decoder *d = *state;
	struct ps_packet p;
	struct tpkt k;
	/* Enhanced GRE: K S A, version 1 (30 81) | protocol PPP 88 0b | payload
	 * length (patched) | call id 00 07 | sequence 00 00 00 05 | ack 00 00 00 04 */
	uint8_t gre[] = {0x30, 0x81, 0x88, 0x0b, 0x00, 0x00, 0x00, 0x07,
			 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x04};
	/* PPP in HDLC-like framing: address ff, control 03, protocol IPv4 00 21 */
	static const uint8_t ppp[] = {0xff, 0x03, 0x00, 0x21};
	/* ICMP: echo reply (00) code 0 | checksum | id 00 01 | seq 00 02 */
	static const uint8_t echo[] = {0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x02};
	uint32_t o, g, i;

	o = outer4(&k, 47);
	g = PUT(&k, gre);
	PUT(&k, ppp);
	i = put_ip4(&k, 1, 9, 10);
	PUT(&k, echo);
	fix_ip4(&k, i);
	fix_ip4(&k, o);
	wr16(k.b + g + 4, k.n - g - 16);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_OK);
	assert_int_equal(p.tunnel_id, 0); /* call ids differ per direction: not context */
	assert_int_equal(p.tunnel_depth, 1);
	assert_int_equal(p.ip_proto, PS_IPPROTO_ICMP);
	assert_int_equal(p.icmp_type, 0);
	assert_true(p.flags & PS_PKT_HAS_L4);
	assert_int_equal(d->ctr[PS_DEC_PPP], 1);
	assert_int_equal(d->ctr[PS_DEC_ICMPV4], 1);

	o = outer4(&k, 47); /* K A only, payload length 0: an acknowledgment */
	put(&k, "\x20\x81\x88\x0b\x00\x00\x00\x07\x00\x00\x00\x04", 12);
	fix_ip4(&k, o);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_OK);
	assert_int_equal(p.tunnel_depth, 0);
	assert_int_equal(p.ip_proto, 47);

	o = outer4(&k, 47); /* version 1 without K, protocol IPv4 */
	put(&k, "\x00\x01\x08\x00\x00\x00\x00\x00", 8);
	fix_ip4(&k, o);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_GRE_V1_MALFORMED], 1);
}

static void test_erspan(void **state)
{
	struct ps_decoder *d = *state;
	struct ps_packet p;
	struct tpkt k;
	/* GRE: S (10 00) protocol ERSPAN 88 be | sequence 00 00 00 01 */
	static const uint8_t gre2[] = {0x10, 0x00, 0x88, 0xbe, 0x00, 0x00, 0x00, 0x01};
	/* ERSPAN II: version 1 + VLAN 100 (10 64) | COS/En/T + session 42 (00 2a)
	 * | reserved + index 00 00 00 00 */
	static const uint8_t er2[] = {0x10, 0x64, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x00};
	/* GRE: no flags, protocol ERSPAN III 22 eb */
	static const uint8_t gre3[] = {0x00, 0x00, 0x22, 0xeb};
	/* ERSPAN III: version 2 VLAN 0 (20 00) | session 1 | timestamp 4 bytes
	 * | SGT 00 00 | P/FT 0 (Ethernet)/HW id/D/Gra/O=1 (00 01)
	 * | platform sub-header 8 bytes */
	static const uint8_t er3[] = {0x20, 0x00, 0x00, 0x01, 0x00, 0x00, 0x10, 0x00,
				      0x00, 0x00, 0x00, 0x01, 1, 2, 3, 4, 5, 6, 7, 8};
	/* GRE: no flags, protocol ERSPAN (type I: no ERSPAN header) */
	static const uint8_t gre1[] = {0x00, 0x00, 0x88, 0xbe};
	uint32_t o, i;

	o = outer4(&k, 47);
	PUT(&k, gre2);
	PUT(&k, er2);
	put_eth(&k, 0x0800);
	i = put_ip4(&k, 17, 3, 4);
	put_udp(&k, 1, 2);
	fix_udp(&k, i + 20);
	fix_ip4(&k, i);
	fix_ip4(&k, o);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_OK);
	assert_int_equal(p.vlan_n, 1);
	assert_int_equal(p.vlan[0], 100);
	assert_int_equal(p.tunnel_depth, 1);
	assert_int_equal(p.l3_off, i);
	assert_int_equal(d->ctr[PS_DEC_ERSPAN], 1);

	o = outer4(&k, 47);
	PUT(&k, gre3);
	PUT(&k, er3);
	put_eth(&k, 0x0800);
	i = put_ip4(&k, 17, 3, 4);
	put_udp(&k, 1, 2);
	fix_udp(&k, i + 20);
	fix_ip4(&k, i);
	fix_ip4(&k, o);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_OK);
	assert_int_equal(p.vlan_n, 0);
	assert_int_equal(p.l3_off, i);
	assert_int_equal(d->ctr[PS_DEC_ERSPAN], 2);

	o = outer4(&k, 47);
	PUT(&k, gre1);
	put_eth(&k, 0x0800);
	i = put_ip4(&k, 17, 3, 4);
	put_udp(&k, 1, 2);
	fix_udp(&k, i + 20);
	fix_ip4(&k, i);
	fix_ip4(&k, o);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_OK);
	assert_int_equal(p.l3_off, i);

	o = outer4(&k, 47); /* type III, frame type 2 (IP): no Ethernet header */
	PUT(&k, gre3);
	put(&k, "\x20\x00\x00\x01\x00\x00\x10\x00\x00\x00\x04\x00", 12);
	i = put_ip4(&k, 17, 3, 4);
	put_udp(&k, 1, 2);
	fix_udp(&k, i + 20);
	fix_ip4(&k, i);
	fix_ip4(&k, o);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_OK);
	assert_int_equal(p.l3_off, i);
	k.b[i - 2] = 0x02; /* frame type 1: not decoded */
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EUNSUP);

	o = outer4(&k, 47); /* type II header with version 2 */
	PUT(&k, gre2);
	put(&k, "\x20\x64\x00\x2a\x00\x00\x00\x00", 8);
	fix_ip4(&k, o);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_ERSPAN_BAD_VERSION], 1);

	o = outer4(&k, 47); /* type III header cut short */
	PUT(&k, gre3);
	put(&k, "\x20\x00\x00\x01", 4);
	fix_ip4(&k, o);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_ERSPAN_TRUNC], 1);
}

static void test_vxlan_geneve(void **state)
{
	struct ps_decoder *d = *state;
	struct ps_packet p;
	struct tpkt k;
	/* VXLAN: flags I (08) | reserved 00 00 00 | VNI 00 10 00 (4096) | reserved 00 */
	static const uint8_t vx[] = {0x08, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00};
	/* Geneve: version 0 option length 2 words (02) | O C 00 | protocol 65 58
	 * | VNI 00 00 7b (123) | reserved 00 | option class 01 02 type 03 len 1
	 * + 4 data bytes */
	static const uint8_t gv[] = {0x02, 0x00, 0x65, 0x58, 0x00, 0x00, 0x7b, 0x00,
				     0x01, 0x02, 0x03, 0x01, 0xde, 0xad, 0xbe, 0xef};
	/* ARP request, Ethernet/IPv4 (28 bytes) */
	static const uint8_t arp[28] = {0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01};
	uint32_t o, u, i;

	o = outer4(&k, 17);
	u = put_udp(&k, 49152, 4789);
	PUT(&k, vx);
	put_eth(&k, 0x0800);
	i = put_ip4(&k, 6, 3, 4);
	put_tcp(&k, 443, 50000, PS_TH_ACK);
	PUT(&k, hello);
	fix_ip4(&k, i);
	fix_udp(&k, u);
	fix_ip4(&k, o);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_OK);
	assert_int_equal(p.tunnel_id, 4096);
	assert_int_equal(p.tunnel_depth, 1);
	assert_int_equal(p.sport, 443);
	assert_int_equal(p.ip_proto, PS_IPPROTO_TCP);
	assert_int_equal(p.payload_len, 5);
	assert_int_equal(d->ctr[PS_DEC_VXLAN], 1);
	assert_int_equal(d->ctr[PS_DEC_UDP], 1);
	assert_int_equal(d->ctr[PS_DEC_TCP], 1);

	o = outer4(&k, 17); /* I flag clear: plain UDP on 4789 */
	u = put_udp(&k, 49152, 4789);
	put(&k, "\x00\x00\x00\x00\x00\x10\x00\x00", 8);
	fix_udp(&k, u);
	fix_ip4(&k, o);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_OK);
	assert_int_equal(p.tunnel_depth, 0);
	assert_int_equal(p.dport, 4789);
	assert_int_equal(p.payload_len, 8);
	assert_int_equal(d->ctr[PS_DEC_VXLAN], 1);

	o = outer4(&k, 17); /* ARP inside VXLAN: the outer UDP stays */
	u = put_udp(&k, 49152, 4789);
	PUT(&k, vx);
	put_eth(&k, 0x0806);
	PUT(&k, arp);
	fix_udp(&k, u);
	fix_ip4(&k, o);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EUNSUP);
	assert_int_equal(d->ctr[PS_DEC_ARP], 1);
	assert_int_equal(p.dport, 4789);

	o = outer4(&k, 17);
	u = put_udp(&k, 49152, 6081);
	PUT(&k, gv);
	put_eth(&k, 0x0800);
	i = put_ip4(&k, 1, 3, 4);
	put(&k, "\x08\x00\x00\x00\x00\x01\x00\x01", 8); /* ICMP echo request */
	fix_ip4(&k, i);
	fix_udp(&k, u);
	fix_ip4(&k, o);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_OK);
	assert_int_equal(p.tunnel_id, 123);
	assert_int_equal(p.icmp_type, 8);
	assert_int_equal(d->ctr[PS_DEC_GENEVE], 1);

	o = outer4(&k, 17); /* Geneve version 1: not Geneve, plain UDP */
	u = put_udp(&k, 49152, 6081);
	put(&k, "\x40\x00\x65\x58\x00\x00\x7b\x00", 8);
	fix_udp(&k, u);
	fix_ip4(&k, o);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_OK);
	assert_int_equal(p.tunnel_depth, 0);
	assert_int_equal(d->ctr[PS_DEC_GENEVE], 1);

	o = outer4(&k, 17); /* Geneve options longer than the datagram */
	u = put_udp(&k, 49152, 6081);
	put(&k, "\x3f\x00\x65\x58\x00\x00\x7b\x00", 8);
	fix_udp(&k, u);
	fix_ip4(&k, o);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_GENEVE_TRUNC], 1);
}

static void test_gtpu(void **state)
{
	struct ps_decoder *d = *state;
	struct ps_packet p;
	struct tpkt k;
	/* GTP-U: version 1 PT E (34) | G-PDU ff | length (patched) | TEID 00 00 ab cd
	 * | sequence 00 00 | N-PDU 00 | next extension 85 (PDU session container) */
	static const uint8_t gtp_e[] = {0x34, 0xff, 0x00, 0x00, 0x00, 0x00, 0xab, 0xcd,
					0x00, 0x00, 0x00, 0x85};
	/* extension: length 1 (4 bytes) | content 00 01 | next extension 00 */
	static const uint8_t ext[] = {0x01, 0x00, 0x01, 0x00};
	/* GTP-U echo request: 32 (v1 PT S) | type 01 | length 00 04 | TEID 0
	 * | sequence 00 01 | N-PDU 00 | next 00 */
	static const uint8_t echo[] = {0x32, 0x01, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00,
				       0x00, 0x01, 0x00, 0x00};
	/* GTP-U without optional fields: 30 ff | length | TEID 00 00 00 09 */
	static const uint8_t gtp[] = {0x30, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09};
	uint32_t o, u, g, i;

	o = outer4(&k, 17);
	u = put_udp(&k, 2152, 2152);
	g = PUT(&k, gtp_e);
	PUT(&k, ext);
	i = put_ip6(&k, 17, 5, 6);
	put_udp(&k, 5353, 5353);
	PUT(&k, hello);
	fix_udp(&k, i + 40);
	fix_ip6(&k, i);
	wr16(k.b + g + 2, k.n - g - 8);
	fix_udp(&k, u);
	fix_ip4(&k, o);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_OK);
	assert_int_equal(p.tunnel_id, 0); /* TEIDs differ per direction: not context */
	assert_int_equal(p.tunnel_depth, 1);
	assert_int_equal(p.family, PS_AF_INET6);
	assert_int_equal(p.l3_off, i);
	assert_int_equal(p.sport, 5353);
	assert_int_equal(p.payload_len, 5);
	assert_int_equal(d->ctr[PS_DEC_GTPU], 1);

	o = outer4(&k, 17); /* echo request: GTP-U but no user packet */
	u = put_udp(&k, 40000, 2152);
	PUT(&k, echo);
	fix_udp(&k, u);
	fix_ip4(&k, o);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_OK);
	assert_int_equal(p.tunnel_depth, 0);
	assert_int_equal(p.dport, 2152);
	assert_int_equal(d->ctr[PS_DEC_GTPU], 2);

	o = outer4(&k, 17); /* GTPv2 (48) on the GTP-U port: plain UDP */
	u = put_udp(&k, 2152, 2152);
	put(&k, "\x48\x01\x00\x04\x00\x00\x00\x00", 8);
	fix_udp(&k, u);
	fix_ip4(&k, o);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_OK);
	assert_int_equal(d->ctr[PS_DEC_GTPU], 2);

	o = outer4(&k, 17); /* plain G-PDU with IPv4 inside */
	u = put_udp(&k, 2152, 2152);
	g = PUT(&k, gtp);
	i = put_ip4(&k, 6, 5, 6);
	put_tcp(&k, 1, 2, PS_TH_SYN);
	fix_ip4(&k, i);
	wr16(k.b + g + 2, k.n - g - 8);
	fix_udp(&k, u);
	fix_ip4(&k, o);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_OK);
	assert_int_equal(p.tunnel_id, 0);
	assert_int_equal(p.tcp_flags, PS_TH_SYN);

	o = outer4(&k, 17); /* length 0x0100 past the datagram */
	u = put_udp(&k, 2152, 2152);
	put(&k, "\x30\xff\x01\x00\x00\x00\x00\x09\x45", 9);
	fix_udp(&k, u);
	fix_ip4(&k, o);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_GTPU_TRUNC], 1);

	o = outer4(&k, 17); /* extension header of length 0 */
	u = put_udp(&k, 2152, 2152);
	put(&k, "\x34\xff\x00\x08\x00\x00\x00\x09\x00\x00\x00\x85\x00\x00\x00\x00", 16);
	fix_udp(&k, u);
	fix_ip4(&k, o);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_GTPU_BAD_EXT], 1);

	o = outer4(&k, 17); /* extension chain runs past the length */
	u = put_udp(&k, 2152, 2152);
	put(&k, "\x34\xff\x00\x08\x00\x00\x00\x09\x00\x00\x00\x85\x02\x00\x00\x00", 16);
	fix_udp(&k, u);
	fix_ip4(&k, o);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_GTPU_TRUNC], 2);

	o = outer4(&k, 17); /* G-PDU carrying neither IPv4 nor IPv6 */
	u = put_udp(&k, 2152, 2152);
	put(&k, "\x30\xff\x00\x02\x00\x00\x00\x09\x00\x00", 10);
	fix_udp(&k, u);
	fix_ip4(&k, o);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_GTPU_UNKNOWN_PAYLOAD], 1);
}

static void test_mpls_udp_ipip(void **state)
{
	struct ps_decoder *d = *state;
	struct ps_packet p;
	struct tpkt k;
	uint32_t o, u, i, j;

	o = outer4(&k, 17); /* MPLS in UDP (RFC 7510): label 16 S 1, IPv4 */
	u = put_udp(&k, 49152, 6635);
	put(&k, "\x00\x01\x01\x40", 4);
	i = put_ip4(&k, 17, 3, 4);
	put_udp(&k, 7, 8);
	fix_udp(&k, i + 20);
	fix_ip4(&k, i);
	fix_udp(&k, u);
	fix_ip4(&k, o);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_OK);
	assert_int_equal(p.tunnel_depth, 1);
	assert_int_equal(p.sport, 7);
	assert_int_equal(d->ctr[PS_DEC_MPLS], 1);

	o = outer4(&k, 4); /* IPv4 in IPv4 */
	i = put_ip4(&k, 6, 3, 4);
	put_tcp(&k, 1, 2, 0);
	fix_ip4(&k, i);
	fix_ip4(&k, o);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_OK);
	assert_ip4(&p.src, 192, 0, 2, 3);
	assert_int_equal(p.tunnel_depth, 1);
	assert_int_equal(d->ctr[PS_DEC_IPV4_IN_IPV4], 1);

	o = outer4(&k, 41); /* IPv6 in IPv4 */
	i = put_ip6(&k, 6, 3, 4);
	put_tcp(&k, 1, 2, 0);
	fix_ip6(&k, i);
	fix_ip4(&k, o);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_OK);
	assert_int_equal(p.family, PS_AF_INET6);
	assert_int_equal(d->ctr[PS_DEC_IPV6_IN_IPV4], 1);

	k.n = 0; /* IPv4 in IPv6 in IPv6 */
	put_eth(&k, 0x86dd);
	o = put_ip6(&k, 41, 1, 2);
	j = put_ip6(&k, 4, 3, 4);
	i = put_ip4(&k, 6, 5, 6);
	put_tcp(&k, 1, 2, 0);
	fix_ip4(&k, i);
	fix_ip6(&k, j);
	fix_ip6(&k, o);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_OK);
	assert_int_equal(p.family, PS_AF_INET);
	assert_ip4(&p.dst, 198, 51, 100, 6);
	assert_int_equal(p.tunnel_depth, 2);
	assert_int_equal(d->ctr[PS_DEC_IPV6_IN_IPV6], 1);
	assert_int_equal(d->ctr[PS_DEC_IPV4_IN_IPV6], 1);
}

static void test_tunnel_depth(void **state)
{
	struct ps_decoder *d = *state, d2;
	struct ps_decode_config cfg;
	struct ps_packet p;
	struct tpkt k = {0};
	uint32_t ips[6], i;

	put_eth(&k, 0x0800);
	for (i = 0; i < 5; i++) /* five IPv4-in-IPv4 levels */
		ips[i] = put_ip4(&k, 4, (uint8_t)(10 + i), 2);
	ips[5] = put_ip4(&k, 6, 99, 2);
	put_tcp(&k, 1, 2, 0);
	for (i = 0; i < 6; i++)
		fix_ip4(&k, ips[i]);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_TUNNEL_TOO_DEEP], 1);
	assert_int_equal(p.tunnel_depth, 4);
	assert_int_equal(p.src.b[3], 14); /* the deepest IP header decoded */
	assert_true(p.flags & PS_PKT_HAS_L3);
	assert_true(p.flags & PS_PKT_INVALID);

	ps_decode_config_default(&cfg);
	cfg.max_tunnel_depth = 8;
	assert_int_equal(ps_decoder_init(&d2, &cfg), PS_OK);
	assert_int_equal(tdecode(&d2, &p, &k, PS_LINK_ETHERNET, 1), PS_OK);
	assert_int_equal(p.tunnel_depth, 5);
	assert_int_equal(p.src.b[3], 99);
	ps_decoder_release(&d2);

	cfg.decode_tunnels = false;
	assert_int_equal(ps_decoder_init(&d2, &cfg), PS_OK);
	assert_int_equal(tdecode(&d2, &p, &k, PS_LINK_ETHERNET, 1), PS_OK);
	assert_int_equal(p.tunnel_depth, 0);
	assert_int_equal(p.ip_proto, 4);
	assert_int_equal(p.src.b[3], 10);
	ps_decoder_release(&d2);
}

static void test_sll_null_raw_ppp(void **state)
{
	struct ps_decoder *d = *state;
	struct ps_packet p;
	struct tpkt k;
	/* SLL: packet type 0 (to us) | ARPHRD_ETHER 00 01 | address length 6
	 * | address 00:00:5e:00:53:01 + 2 pad | protocol IPv4 08 00 */
	static const uint8_t sll[] = {0x00, 0x00, 0x00, 0x01, 0x00, 0x06,
				      0x00, 0x00, 0x5e, 0x00, 0x53, 0x01, 0x00, 0x00,
				      0x08, 0x00};
	/* SLL2: protocol IPv6 86 dd | reserved 00 00 | ifindex 00 00 00 02
	 * | ARPHRD_ETHER 00 01 | packet type 04 (outgoing) | address length 6
	 * | address + 2 pad */
	static const uint8_t sll2[] = {0x86, 0xdd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
				       0x00, 0x01, 0x04, 0x06,
				       0x00, 0x00, 0x5e, 0x00, 0x53, 0x01, 0x00, 0x00};
	/* NULL / LOOP family words: AF_INET little-endian, AF_INET big-endian,
	 * AF_INET6 30 (macOS) little-endian, 24 big-endian, 28 little-endian */
	static const uint8_t af[5][4] = {{2, 0, 0, 0}, {0, 0, 0, 2}, {30, 0, 0, 0},
					 {0, 0, 0, 24}, {28, 0, 0, 0}};
	static const uint16_t raw_lt[] = {PS_LINK_RAW, PS_LINK_DLT_RAW, PS_LINK_DLT_RAW14,
					  PS_LINK_IPV4};
	uint32_t i, ip;

	k.n = 0;
	PUT(&k, sll);
	ip = put_ip4(&k, 6, 1, 2);
	put_tcp(&k, 1, 2, 0);
	fix_ip4(&k, ip);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_SLL, 1), PS_OK);
	assert_int_equal(p.l3_off, 16);
	assert_int_equal(d->ctr[PS_DEC_SLL], 1);

	k.n = 0;
	PUT(&k, sll2);
	ip = put_ip6(&k, 6, 1, 2);
	put_tcp(&k, 1, 2, 0);
	fix_ip6(&k, ip);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_SLL2, 1), PS_OK);
	assert_int_equal(p.l3_off, 20);
	assert_int_equal(p.family, PS_AF_INET6);
	assert_int_equal(d->ctr[PS_DEC_SLL2], 1);

	for (i = 0; i < 5; i++) {
		k.n = 0;
		put(&k, af[i], 4);
		ip = i < 2 ? put_ip4(&k, 6, 1, 2) : put_ip6(&k, 6, 1, 2);
		put_tcp(&k, 1, 2, 0);
		if (i < 2)
			fix_ip4(&k, ip);
		else
			fix_ip6(&k, ip);
		assert_int_equal(tdecode(d, &p, &k, PS_LINK_NULL, 1), PS_OK);
		assert_int_equal(p.family, i < 2 ? PS_AF_INET : PS_AF_INET6);
		assert_int_equal(p.l3_off, 4);
		if (i == 1 || i == 3) { /* network order: LOOP too */
			assert_int_equal(tdecode(d, &p, &k, PS_LINK_LOOP, 1), PS_OK);
			assert_int_equal(p.l3_off, 4);
		}
	}
	assert_int_equal(d->ctr[PS_DEC_NULL], 7);
	k.n = 0; /* AF 7: not IP */
	put(&k, "\x07\x00\x00\x00\x00", 5);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_NULL, 1), PS_EUNSUP);
	assert_int_equal(d->ctr[PS_DEC_OTHER_L3], 1);

	for (i = 0; i < PS_ARRAY_LEN(raw_lt); i++) {
		k.n = 0;
		ip = put_ip4(&k, 17, 1, 2);
		put_udp(&k, 1, 2);
		fix_udp(&k, ip + 20);
		fix_ip4(&k, ip);
		assert_int_equal(tdecode(d, &p, &k, raw_lt[i], 1), PS_OK);
		assert_int_equal(p.l3_off, 0);
		assert_int_equal(p.dport, 2);
	}
	assert_int_equal(d->ctr[PS_DEC_RAW], 4);
	k.n = 0;
	ip = put_ip6(&k, 59, 1, 2);
	fix_ip6(&k, ip);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_IPV6, 1), PS_OK);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_RAW, 1), PS_OK);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_IPV4, 1), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_IPV4_WRONG_VERSION], 1);
	k.b[0] = 0x50;
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_RAW, 1), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_IPRAW_BAD_VERSION], 1);

	k.n = 0; /* PPP: address ff control 03 protocol IPv4 00 21 */
	put(&k, "\xff\x03\x00\x21", 4);
	ip = put_ip4(&k, 17, 1, 2);
	put_udp(&k, 1, 2);
	fix_udp(&k, ip + 20);
	fix_ip4(&k, ip);
	assert_int_equal(tdecode(d, &p, &k, PS_DEC_LINK_PPP, 1), PS_OK);
	assert_int_equal(p.l3_off, 4);
	k.n = 0; /* PPP with compressed protocol 21 and no address/control */
	put(&k, "\x21", 1);
	ip = put_ip4(&k, 17, 1, 2);
	put_udp(&k, 1, 2);
	fix_udp(&k, ip + 20);
	fix_ip4(&k, ip);
	assert_int_equal(tdecode(d, &p, &k, PS_DEC_LINK_PPP, 1), PS_OK);
	assert_int_equal(p.l3_off, 1);
	k.n = 0; /* PPP protocol MPLS 02 81 | label 16 S 1 | IPv6 */
	put(&k, "\xff\x03\x02\x81\x00\x01\x01\x40", 8);
	ip = put_ip6(&k, 59, 1, 2);
	fix_ip6(&k, ip);
	assert_int_equal(tdecode(d, &p, &k, PS_DEC_LINK_PPP, 1), PS_OK);
	assert_int_equal(p.l3_off, 8);
	assert_int_equal(d->ctr[PS_DEC_PPP], 3);
	assert_int_equal(d->ctr[PS_DEC_MPLS], 1);
}

static void test_link_errors(void **state)
{
	struct ps_decoder *d = *state;
	struct ps_packet p;
	struct tpkt k = {0};
	/* ARP request (28 bytes): hardware Ethernet, protocol IPv4, sizes 6/4, op 1 */
	static const uint8_t arp[28] = {0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01};
	/* 802.2 LLC: DSAP 42 SSAP 42 control 03 (spanning tree) */
	static const uint8_t llc[] = {0x42, 0x42, 0x03, 0x00, 0x00};

	put(&k, "\x00\x00\x5e\x00\x53\x01\x00\x00\x5e\x00", 10); /* 10 bytes */
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_ETH_TRUNC], 1);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_SLL, 1), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_SLL_TRUNC], 1);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_SLL2, 1), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_SLL2_TRUNC], 1);
	k.n = 3;
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_NULL, 1), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_NULL_TRUNC], 1);
	k.n = 0;
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EPROTO);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_RAW, 1), PS_EPROTO);
	put(&k, "\xff\x03", 2);
	assert_int_equal(tdecode(d, &p, &k, PS_DEC_LINK_PPP, 1), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_PPP_TRUNC], 1);
	assert_int_equal(tdecode(d, &p, &k, 147, 1), PS_EUNSUP);
	assert_int_equal(d->ctr[PS_DEC_EV_UNKNOWN_LINKTYPE], 1);
	assert_int_equal(d->ctr[PS_DEC_INVALID], 7);

	k.n = 0;
	put_eth(&k, 0x0806);
	PUT(&k, arp);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EUNSUP);
	assert_int_equal(d->ctr[PS_DEC_ARP], 1);
	assert_int_equal(p.flags, 0);
	k.n = 0;
	put_eth(&k, 0x0026); /* 802.3 length 38 */
	PUT(&k, llc);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EUNSUP);
	k.n = 0;
	put_eth(&k, 0x88cc); /* LLDP */
	PUT(&k, llc);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EUNSUP);
	k.n = 0; /* SLL carrying 802.2 (protocol 00 04) */
	put(&k, "\x00\x00\x00\x01\x00\x06\x00\x00\x5e\x00\x53\x01\x00\x00\x00\x04", 16);
	PUT(&k, llc);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_SLL, 1), PS_EUNSUP);
	assert_int_equal(d->ctr[PS_DEC_OTHER_L3], 3);
}

static void test_counter_names(void **state)
{
	unsigned i, j;
	const char *n, *c;

	(void)state;
	assert_string_equal(ps_decode_ctr_name(PS_DEC_IPV4), "decoder.ipv4");
	assert_string_equal(ps_decode_ctr_name(PS_DEC_EV_IPV4_TRUNC),
			    "decoder.event.ipv4.trunc_pkt");
	assert_string_equal(ps_decode_ctr_name(PS_DEC_FRAG), "defrag.fragments");
	assert_string_equal(ps_decode_ctr_name(PS_DEC__COUNT), "unknown");
	for (i = 0; i < PS_DEC__COUNT; i++) {
		n = ps_decode_ctr_name(i);
		assert_true(strncmp(n, "decoder.", 8) == 0 || strncmp(n, "defrag.", 7) == 0);
		assert_true(strlen(n) <= 63);
		for (c = n; *c != '\0'; c++)
			assert_non_null(strchr("abcdefghijklmnopqrstuvwxyz0123456789_.", *c));
		for (j = 0; j < i; j++)
			assert_string_not_equal(n, ps_decode_ctr_name(j));
	}
}

static void test_hash_symmetric(void **state)
{
	struct ps_packet a, b;
	uint32_t h;

	(void)state;
	memset(&a, 0, sizeof(a));
	a.family = PS_AF_INET;
	a.ip_proto = PS_IPPROTO_TCP;
	assert_int_equal(ps_addr_parse("192.0.2.1", &a.src), PS_AF_INET);
	assert_int_equal(ps_addr_parse("198.51.100.2", &a.dst), PS_AF_INET);
	a.sport = 40000;
	a.dport = 80;
	b = a;
	b.src = a.dst;
	b.dst = a.src;
	b.sport = a.dport;
	b.dport = a.sport;
	h = ps_packet_hash(&a);
	assert_int_equal(h, ps_packet_hash(&b));
	b.dport = 40001;
	assert_int_not_equal(h, ps_packet_hash(&b));
	b = a;
	b.ip_proto = PS_IPPROTO_UDP;
	assert_int_not_equal(h, ps_packet_hash(&b));
	b = a;
	b.vlan_n = 1;
	b.vlan[0] = 7;
	assert_int_not_equal(h, ps_packet_hash(&b));
	b = a;
	b.tunnel_id = 1;
	assert_int_not_equal(h, ps_packet_hash(&b));

	/* same address both ways: the ports decide the order */
	b = a;
	b.dst = a.src;
	a.dst = a.src;
	b.sport = a.dport;
	b.dport = a.sport;
	assert_int_equal(ps_packet_hash(&a), ps_packet_hash(&b));

	memset(&a, 0, sizeof(a));
	a.family = PS_AF_INET6;
	a.ip_proto = PS_IPPROTO_UDP;
	assert_int_equal(ps_addr_parse("2001:db8::1", &a.src), PS_AF_INET6);
	assert_int_equal(ps_addr_parse("2001:db8::1:2", &a.dst), PS_AF_INET6);
	a.sport = 53;
	a.dport = 5353;
	a.vlan_n = 1;
	a.vlan[0] = 3;
	a.tunnel_id = 77;
	b = a;
	b.src = a.dst;
	b.dst = a.src;
	b.sport = a.dport;
	b.dport = a.sport;
	assert_int_equal(ps_packet_hash(&a), ps_packet_hash(&b));
	b.dst.b[15] ^= 1;
	assert_int_not_equal(ps_packet_hash(&a), ps_packet_hash(&b));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_eth_ipv4_tcp),
		T(test_vlan_qinq),
		T(test_mpls),
		T(test_pppoe),
		T(test_gre_v0),
		T(test_gre_v1_pptp),
		T(test_erspan),
		T(test_vxlan_geneve),
		T(test_gtpu),
		T(test_mpls_udp_ipip),
		T(test_tunnel_depth),
		T(test_sll_null_raw_ppp),
		T(test_link_errors),
		cmocka_unit_test(test_counter_names),
		cmocka_unit_test(test_hash_symmetric),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
