/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Decoder tests for the IP and transport layers: every IPv4, IPv6, TCP,
 * UDP, ICMP and SCTP anomaly counter, IPv4 options, IPv6 extension header
 * chains, the layer cap, and that plain packets never allocate. Frames are
 * built byte group by byte group (decode_testutil.h).
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

/* Total of the event counters (decoder.event.*) */
static uint64_t events(const struct ps_decoder *d)
{
	uint64_t n = 0;
	unsigned i;

	for (i = PS_DEC_EV_UNKNOWN_LINKTYPE; i < PS_DEC__COUNT; i++)
		n += d->ctr[i];
	return n;
}

static void test_ipv4_header_errors(void **state)
{
	struct ps_decoder *d = *state;
	struct ps_packet p;
	struct tpkt k = {0};
	uint32_t ip;

	put_eth(&k, 0x0800);
	put(&k, "\x45\x00\x00\x14\x12\x34\x00\x00\x40\x06", 10); /* 10 of 20 header bytes */
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_IPV4_TRUNC], 1);
	assert_int_equal(p.flags, PS_PKT_INVALID);

	k.n = 0;
	put_eth(&k, 0x0800);
	ip = put_ip4(&k, 6, 1, 2);
	put_tcp(&k, 1, 2, 0);
	fix_ip4(&k, ip);
	k.b[ip] = 0x55; /* version 5 */
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_IPV4_WRONG_VERSION], 1);
	k.b[ip] = 0x44; /* IHL 4: 16 bytes */
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_IPV4_BAD_IHL], 1);
	k.b[ip] = 0x45;
	wr16(k.b + ip + 2, 10); /* total length 10 < header length 20 */
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_IPV4_BAD_TOTLEN], 1);
	wr16(k.b + ip + 2, 41); /* one byte more than captured */
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_IPV4_TRUNC], 2);
	wr16(k.b + ip + 2, 60);
	k.b[ip] = 0x4f; /* IHL 15 and total length 60: more than captured */
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_IPV4_TRUNC], 3);
	assert_int_equal(d->ctr[PS_DEC_INVALID], 6);
	assert_int_equal(d->ctr[PS_DEC_IPV4], 6);
}

/* Decode Ethernet + IPv4 with the given options (a multiple of 4) + UDP. */
static int ip4_opts(struct ps_decoder *d, struct ps_packet *p, const void *opt, uint32_t n)
{
	static struct tpkt k; /* outlives the call: p points into it */
	uint32_t ip;

	k.n = 0;
	put_eth(&k, 0x0800);
	ip = put_ip4(&k, 17, 1, 2);
	k.b[ip] = (uint8_t)(0x40 | (5 + n / 4)); /* IHL */
	put(&k, opt, n);
	put_udp(&k, 1, 2);
	fix_udp(&k, ip + 20 + n);
	fix_ip4(&k, ip);
	return tdecode(d, p, &k, PS_LINK_ETHERNET, 1);
}

static void test_ipv4_options(void **state)
{
	struct ps_decoder *d = *state;
	struct ps_packet p;
	/* NOP | record route: type 07 len 07 pointer 04 + one empty slot | EOL | pad */
	static const uint8_t rr[] = {0x01, 0x07, 0x07, 0x04, 0, 0, 0, 0, 0x00, 0, 0, 0};
	/* timestamp: type 44 len 0c pointer 05 flag 1 (address + time) + one 8-byte slot */
	static const uint8_t ts[] = {0x44, 0x0c, 0x05, 0x01, 0, 0, 0, 0, 0, 0, 0, 0};
	/* router alert: type 94 len 04 value 00 00 | loose source route: 83 len 07
	 * pointer 08 + one address (route used up) | NOP */
	static const uint8_t ra_lsrr[] = {0x94, 0x04, 0x00, 0x00, 0x83, 0x07, 0x08,
					  10, 0, 0, 1, 0x01};
	/* unknown type 9e len 04 | router alert twice */
	static const uint8_t unk_dup[] = {0x9e, 0x04, 0, 0, 0x94, 0x04, 0, 0, 0x94, 0x04, 0, 0};
	/* record route with length 1 */
	static const uint8_t len1[] = {0x07, 0x01, 0x04, 0x00};
	/* record route with length 0x10, past the 4 option bytes */
	static const uint8_t len_long[] = {0x07, 0x10, 0x04, 0x00};
	/* three NOPs then a lone type byte */
	static const uint8_t lone[] = {0x01, 0x01, 0x01, 0x07};
	/* record route pointer 03 (before the first slot) */
	static const uint8_t rr_ptr[] = {0x07, 0x07, 0x03, 0, 0, 0, 0, 0x00};
	/* timestamp with flag 2 (undefined) */
	static const uint8_t ts_flag[] = {0x44, 0x0c, 0x05, 0x02, 0, 0, 0, 0, 0, 0, 0, 0};
	/* timestamp pointer 07: not on a 4-byte entry */
	static const uint8_t ts_ptr[] = {0x44, 0x08, 0x07, 0x00, 0, 0, 0, 0};
	/* stream id with length 5 (must be 4) */
	static const uint8_t sid[] = {0x88, 0x05, 0, 0, 0, 0x00, 0x00, 0x00};
	/* security with length 2 (minimum 3) | quick-start length 7 (must be 8) */
	static const uint8_t sec[] = {0x82, 0x02, 0x01, 0x01};
	static const uint8_t qs[] = {0x19, 0x07, 0, 0, 0, 0, 0, 0x00};

	assert_int_equal(ip4_opts(d, &p, rr, sizeof(rr)), PS_OK);
	assert_int_equal(p.dport, 2);
	assert_int_equal(ip4_opts(d, &p, ts, sizeof(ts)), PS_OK);
	assert_int_equal(ip4_opts(d, &p, ra_lsrr, sizeof(ra_lsrr)), PS_OK);
	assert_int_equal(events(d), 0);
	assert_int_equal(ip4_opts(d, &p, unk_dup, sizeof(unk_dup)), PS_OK);
	assert_int_equal(d->ctr[PS_DEC_EV_IPV4_OPT_UNKNOWN], 1);
	assert_int_equal(d->ctr[PS_DEC_EV_IPV4_OPT_DUPLICATE], 1);

	assert_int_equal(ip4_opts(d, &p, len1, sizeof(len1)), PS_EPROTO);
	assert_true(p.flags & PS_PKT_HAS_L3); /* addresses stay */
	assert_int_equal(p.src.b[3], 1);
	assert_int_equal(ip4_opts(d, &p, len_long, sizeof(len_long)), PS_EPROTO);
	assert_int_equal(ip4_opts(d, &p, lone, sizeof(lone)), PS_EPROTO);
	assert_int_equal(ip4_opts(d, &p, sid, sizeof(sid)), PS_EPROTO);
	assert_int_equal(ip4_opts(d, &p, sec, sizeof(sec)), PS_EPROTO);
	assert_int_equal(ip4_opts(d, &p, qs, sizeof(qs)), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_IPV4_OPT_INVALID], 6);
	assert_int_equal(ip4_opts(d, &p, rr_ptr, sizeof(rr_ptr)), PS_EPROTO);
	assert_int_equal(ip4_opts(d, &p, ts_flag, sizeof(ts_flag)), PS_EPROTO);
	assert_int_equal(ip4_opts(d, &p, ts_ptr, sizeof(ts_ptr)), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_IPV4_OPT_MALFORMED], 3);
}

static void test_ipv6_exthdrs(void **state)
{
	struct ps_decoder *d = *state;
	struct ps_packet p;
	struct tpkt k = {0};
	/* hop-by-hop: next 3c (dest opts) | length 0 | PadN 01 04 00 00 00 00 */
	static const uint8_t hbh[] = {0x3c, 0x00, 0x01, 0x04, 0, 0, 0, 0};
	/* destination options: next 2b (routing) | length 0 | Pad1 x6 */
	static const uint8_t dst[] = {0x2b, 0x00, 0, 0, 0, 0, 0, 0};
	/* routing: next 33 (AH) | length 0 | type 3 | segments left 0 | reserved */
	static const uint8_t rt[] = {0x33, 0x00, 0x03, 0x00, 0, 0, 0, 0};
	/* AH: next 06 (TCP) | payload length 4 ((4 + 2) * 4 = 24 bytes) | reserved
	 * | SPI 00 00 01 00 | sequence 00 00 00 01 | ICV 12 bytes */
	static const uint8_t ah[24] = {0x06, 0x04, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
	uint32_t ip, tcp;

	put_eth(&k, 0x86dd);
	ip = put_ip6(&k, 0, 1, 2);
	PUT(&k, hbh);
	PUT(&k, dst);
	PUT(&k, rt);
	PUT(&k, ah);
	tcp = put_tcp(&k, 179, 40000, PS_TH_ACK);
	put(&k, "bgp", 3);
	fix_ip6(&k, ip);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_OK);
	assert_int_equal(p.family, PS_AF_INET6);
	assert_int_equal(p.ip_proto, PS_IPPROTO_TCP);
	assert_ptr_equal(p.l4, k.b + tcp);
	assert_int_equal(p.sport, 179);
	assert_int_equal(p.payload_len, 3);
	assert_int_equal(p.l3_len, k.n - 14);
	assert_int_equal(p.ttl, 64);
	assert_int_equal(p.src.b[0], 0x20);
	assert_int_equal(p.src.b[15], 1);
	assert_int_equal(events(d), 0);
	assert_int_equal(d->ctr[PS_DEC_IPV6], 1);
}

/* Ethernet + IPv6 whose next header is nh, then the n bytes of x, then UDP. */
static int ip6_chain(struct ps_decoder *d, struct ps_packet *p, uint8_t nh, const void *x,
		     uint32_t n)
{
	static struct tpkt k; /* outlives the call: p points into it */
	uint32_t ip;

	k.n = 0;
	put_eth(&k, 0x86dd);
	ip = put_ip6(&k, nh, 1, 2);
	put(&k, x, n);
	put_udp(&k, 1, 2);
	fix_udp(&k, k.n - 8);
	fix_ip6(&k, ip);
	return tdecode(d, p, &k, PS_LINK_ETHERNET, 1);
}

static void test_ipv6_anomalies(void **state)
{
	struct ps_decoder *d = *state;
	struct ps_packet p;
	struct tpkt k = {0};
	uint8_t many[13 * 8];
	unsigned i;
	/* routing type 0 (deprecated, RFC 5095): next 11 (UDP) | len 0 | type 0 | left 0 */
	static const uint8_t rh0[] = {0x11, 0x00, 0x00, 0x00, 0, 0, 0, 0};
	/* dest opts (next 00) | hop-by-hop second (next 11) */
	static const uint8_t hbh2[] = {0x00, 0x00, 0, 0, 0, 0, 0, 0,
				       0x11, 0x00, 0, 0, 0, 0, 0, 0};
	/* routing (next 2b) then routing again (next 11) */
	static const uint8_t rt2[] = {0x2b, 0x00, 0x03, 0x00, 0, 0, 0, 0,
				      0x11, 0x00, 0x03, 0x00, 0, 0, 0, 0};
	/* hop-by-hop: next 11 | length 2 (24 bytes) but only 16 bytes (with UDP) left */
	static const uint8_t hbh_long[] = {0x11, 0x02, 0, 0, 0, 0, 0, 0};
	/* hop-by-hop: next 11 | length 0 | router alert 05 with length 08 (6 bytes left) */
	static const uint8_t hbh_opt[] = {0x11, 0x00, 0x05, 0x08, 0, 0, 0, 0};
	/* atomic fragment: next 11 | reserved | offset 0 M 0 | id 00 00 00 2a */
	static const uint8_t atomic[] = {0x11, 0x00, 0x00, 0x00, 0, 0, 0, 0x2a};
	/* ICMPv6 echo request: 80 00 | checksum | id 00 01 | seq 00 01 */
	static const uint8_t echo6[] = {0x80, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01};

	assert_int_equal(ip6_chain(d, &p, 43, rh0, sizeof(rh0)), PS_OK);
	assert_int_equal(d->ctr[PS_DEC_EV_IPV6_RH_TYPE0], 1);
	assert_int_equal(p.dport, 2);
	assert_int_equal(ip6_chain(d, &p, 60, hbh2, sizeof(hbh2)), PS_OK);
	assert_int_equal(d->ctr[PS_DEC_EV_IPV6_HOPOPTS_NOT_FIRST], 1);
	assert_int_equal(ip6_chain(d, &p, 43, rt2, sizeof(rt2)), PS_OK);
	assert_int_equal(d->ctr[PS_DEC_EV_IPV6_EXTHDR_DUPL], 1);
	assert_int_equal(ip6_chain(d, &p, 44, atomic, sizeof(atomic)), PS_OK);
	assert_int_equal(p.flags & PS_PKT_FRAGMENT, 0);
	assert_int_equal(d->ctr[PS_DEC_FRAG], 0);
	assert_int_equal(p.dport, 2);
	assert_int_equal(d->ctr[PS_DEC_INVALID], 0);

	for (i = 0; i < 13; i++) { /* 13 destination options headers */
		memset(many + i * 8, 0, 8);
		many[i * 8] = i < 12 ? 60 : 17;
	}
	assert_int_equal(ip6_chain(d, &p, 60, many, sizeof(many)), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_IPV6_EXTHDR_TOO_MANY], 1);
	assert_int_equal(ip6_chain(d, &p, 60, many + 8 * 8, 5 * 8), PS_OK); /* 5 are fine */
	assert_int_equal(ip6_chain(d, &p, 0, hbh_long, sizeof(hbh_long)), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_IPV6_EXTHDR_TRUNC], 1);
	k.n = 0; /* IPv6 naming a destination options header, then 4 bytes */
	put_eth(&k, 0x86dd);
	put_ip6(&k, 60, 1, 2);
	put(&k, "\x11\x00\x00\x00", 4);
	fix_ip6(&k, 14);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_IPV6_EXTHDR_TRUNC], 2);
	assert_int_equal(ip6_chain(d, &p, 0, hbh_opt, sizeof(hbh_opt)), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_IPV6_EXTHDR_INVALID_OPTLEN], 1);
	assert_true(p.flags & PS_PKT_HAS_L3);

	assert_int_equal(ip6_chain(d, &p, 50, "\x00\x00\x01\x00\x00\x00\x00\x01", 8), PS_OK);
	assert_int_equal(p.ip_proto, 50); /* ESP: nothing more to decode */
	assert_int_equal(p.flags, PS_PKT_HAS_L3);

	k.n = 0;
	put_eth(&k, 0x86dd);
	put_ip6(&k, 58, 1, 2);
	PUT(&k, echo6);
	fix_ip6(&k, 14);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_OK);
	assert_int_equal(p.icmp_type, 128);
	assert_int_equal(d->ctr[PS_DEC_ICMPV6], 1);
	k.n -= 4; /* ICMPv6 header cut to 4 bytes */
	fix_ip6(&k, 14);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_ICMPV6_TRUNC], 1);
	k.b[14 + 6] = 1; /* ICMP (v4) in IPv6 */
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_OK);
	assert_int_equal(d->ctr[PS_DEC_EV_IPV6_WITH_ICMPV4], 1);
	assert_int_equal(p.flags & PS_PKT_HAS_L4, 0);
	wr16(k.b + 14 + 4, 100); /* payload length past the capture */
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EPROTO);
	k.n = 14 + 30; /* 30 header bytes */
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_IPV6_TRUNC], 2);
	k.n = 14 + 40;
	k.b[14] = 0x45;
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_IPV6_WRONG_VERSION], 1);
}

/* Ethernet + IPv4 (proto) + the n bytes of x, total length patched. */
static int ip4_l4(struct ps_decoder *d, struct ps_packet *p, uint8_t proto, const void *x,
		  uint32_t n)
{
	static struct tpkt k; /* outlives the call: p points into it */
	uint32_t ip;

	k.n = 0;
	put_eth(&k, 0x0800);
	ip = put_ip4(&k, proto, 1, 2);
	put(&k, x, n);
	fix_ip4(&k, ip);
	return tdecode(d, p, &k, PS_LINK_ETHERNET, 1);
}

static void test_transport(void **state)
{
	struct ps_decoder *d = *state;
	struct ps_packet p;
	/* TCP, data offset 8: sport 00 50 | dport c0 00 | seq | ack | 80 (offset 8)
	 * | flags 12 (SYN ACK) | window ff ff | checksum | urgent | MSS 02 04 05 b4
	 * | NOP NOP | SACK permitted 04 02 | NOP NOP NOP NOP */
	static const uint8_t tcp_opt[] = {0x00, 0x50, 0xc0, 0x00, 0, 0, 0, 1, 0, 0, 0, 2,
					  0x80, 0x12, 0xff, 0xff, 0, 0, 0, 0,
					  0x02, 0x04, 0x05, 0xb4, 0x01, 0x01, 0x04, 0x02,
					  0x01, 0x01, 0x01, 0x01, 'x'};
	/* TCP with data offset 4 */
	static const uint8_t tcp_off4[20] = {0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0x40};
	/* TCP with data offset 15 (60 bytes) in 20 */
	static const uint8_t tcp_off15[20] = {0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0xf0};
	/* UDP: ports 1, 2 | length 0c | checksum | 4 data bytes + 2 trailing bytes */
	static const uint8_t udp_trail[] = {0, 1, 0, 2, 0x00, 0x0c, 0, 0, 'a', 'b', 'c', 'd',
					    'x', 'x'};
	/* UDP with length 4 (< 8) and with length 0x64 (past the datagram) */
	static const uint8_t udp_short[] = {0, 1, 0, 2, 0x00, 0x04, 0, 0};
	static const uint8_t udp_long[] = {0, 1, 0, 2, 0x00, 0x64, 0, 0};
	/* SCTP: sport 0b 59 (2905) | dport 0b 59 | tag | checksum | INIT chunk head */
	static const uint8_t sctp[] = {0x0b, 0x59, 0x0b, 0x59, 0, 0, 0, 0, 0, 0, 0, 0,
				       0x01, 0x00, 0x00, 0x04};
	/* ICMP destination unreachable (03) port (03) | checksum | unused */
	static const uint8_t unreach[] = {0x03, 0x03, 0, 0, 0, 0, 0, 0};

	assert_int_equal(ip4_l4(d, &p, 6, tcp_opt, sizeof(tcp_opt)), PS_OK);
	assert_int_equal(p.sport, 80);
	assert_int_equal(p.dport, 0xc000);
	assert_int_equal(p.tcp_flags, PS_TH_SYN | PS_TH_ACK);
	assert_int_equal(p.tcp_win, 0xffff);
	assert_int_equal(p.tcp_seq, 1);
	assert_int_equal(p.tcp_ack, 2);
	assert_int_equal(p.payload_len, 1);
	assert_int_equal(p.payload[0], 'x');
	assert_int_equal(p.l4_len, sizeof(tcp_opt));
	assert_int_equal(ip4_l4(d, &p, 6, tcp_opt, 10), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_TCP_TRUNC], 1);
	assert_int_equal(ip4_l4(d, &p, 6, tcp_off4, sizeof(tcp_off4)), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_TCP_BAD_OFF], 1);
	assert_int_equal(ip4_l4(d, &p, 6, tcp_off15, sizeof(tcp_off15)), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_TCP_OPT_TRUNC], 1);
	assert_true(p.flags & PS_PKT_HAS_L3);
	assert_int_equal(p.flags & PS_PKT_HAS_L4, 0);

	assert_int_equal(ip4_l4(d, &p, 17, udp_trail, sizeof(udp_trail)), PS_OK);
	assert_int_equal(p.payload_len, 4);
	assert_int_equal(p.l4_len, 12);
	assert_memory_equal(p.payload, "abcd", 4);
	assert_int_equal(ip4_l4(d, &p, 17, udp_short, 6), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_UDP_TRUNC], 1);
	assert_int_equal(ip4_l4(d, &p, 17, udp_short, sizeof(udp_short)), PS_EPROTO);
	assert_int_equal(ip4_l4(d, &p, 17, udp_long, sizeof(udp_long)), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_UDP_BAD_LEN], 2);

	assert_int_equal(ip4_l4(d, &p, 132, sctp, sizeof(sctp)), PS_OK);
	assert_int_equal(p.sport, 2905);
	assert_int_equal(p.payload_len, 4);
	assert_int_equal(d->ctr[PS_DEC_SCTP], 1);
	assert_int_equal(ip4_l4(d, &p, 132, sctp, 8), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_SCTP_TRUNC], 1);

	assert_int_equal(ip4_l4(d, &p, 1, unreach, sizeof(unreach)), PS_OK);
	assert_int_equal(p.icmp_type, 3);
	assert_int_equal(p.icmp_code, 3);
	assert_int_equal(p.sport, 0);
	assert_int_equal(ip4_l4(d, &p, 1, unreach, 4), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_ICMPV4_TRUNC], 1);
	assert_int_equal(ip4_l4(d, &p, 58, unreach, sizeof(unreach)), PS_OK);
	assert_int_equal(d->ctr[PS_DEC_EV_IPV4_WITH_ICMPV6], 1);
	assert_int_equal(ip4_l4(d, &p, 89, unreach, sizeof(unreach)), PS_OK); /* OSPF */
	assert_int_equal(p.flags, PS_PKT_HAS_L3);
	assert_int_equal(p.ip_proto, 89);
}

static void test_snaplen_and_tso(void **state)
{
	struct ps_decoder *d = *state;
	struct ps_packet p;
	struct tpkt k = {0};
	uint8_t data[200] = {0};
	uint32_t ip, u;

	put_eth(&k, 0x0800);
	ip = put_ip4(&k, 17, 1, 2);
	u = put_udp(&k, 1, 53);
	PUT(&k, data);
	fix_udp(&k, u);
	fix_ip4(&k, ip);
	/* captured with a snap length of 64: 172 of 242 bytes missing */
	memset(&p, 0, sizeof(p));
	p.data = k.b;
	p.caplen = 64;
	p.wirelen = k.n;
	p.linktype = PS_LINK_ETHERNET;
	assert_int_equal(ps_decode(d, &p), PS_OK);
	assert_int_equal(p.dport, 53);
	assert_int_equal(p.l3_len, 228);
	assert_int_equal(p.payload_len, 64 - 42);
	/* the same cut without the wire length to excuse it: malformed */
	p.wirelen = 64;
	assert_int_equal(ps_decode(d, &p), PS_EPROTO);
	assert_int_equal(d->ctr[PS_DEC_EV_IPV4_TRUNC], 1);
	/* cut inside the TCP options */
	k.n = 0;
	put_eth(&k, 0x0800);
	ip = put_ip4(&k, 6, 1, 2);
	put_tcp(&k, 1, 2, PS_TH_SYN);
	k.b[k.n - 8] = 0x80; /* data offset 8: 12 option bytes */
	put(&k, "\x02\x04\x05\xb4\x01\x01\x04\x02\x01\x01\x01\x01", 12);
	fix_ip4(&k, ip);
	memset(&p, 0, sizeof(p));
	p.data = k.b;
	p.caplen = 60;
	p.wirelen = k.n;
	p.linktype = PS_LINK_ETHERNET;
	assert_int_equal(ps_decode(d, &p), PS_OK);
	assert_int_equal(p.tcp_flags, PS_TH_SYN);
	assert_int_equal(p.payload_len, 0);

	/* total length 0: a TSO frame captured on the sending host */
	wr16(k.b + ip + 2, 0);
	assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, 1), PS_OK);
	assert_int_equal(p.l3_len, 52);
	assert_int_equal(d->ctr[PS_DEC_EV_IPV4_LEN_ZERO], 1);
}

static void test_layer_cap(void **state)
{
	struct ps_decode_config cfg;
	struct ps_decoder d;
	struct ps_packet p;
	struct tpkt k = {0};
	uint32_t ips[70], i;

	(void)state;
	ps_decode_config_default(&cfg);
	cfg.max_tunnel_depth = 255;
	assert_int_equal(ps_decoder_init(&d, &cfg), PS_OK);
	for (i = 0; i < 70; i++) /* 70 nested IPv4-in-IPv4 headers */
		ips[i] = put_ip4(&k, 4, (uint8_t)i, 2);
	for (i = 0; i < 70; i++)
		fix_ip4(&k, ips[i]);
	assert_int_equal(tdecode(&d, &p, &k, PS_LINK_RAW, 1), PS_EPROTO);
	assert_int_equal(d.ctr[PS_DEC_EV_TOO_MANY_LAYERS], 1);
	assert_true(p.tunnel_depth >= 60);
	ps_decoder_release(&d);
}

static void test_no_alloc_per_packet(void **state)
{
	struct ps_decoder *d = *state;
	struct ps_mem_stats before, after;
	struct ps_packet p;
	struct tpkt k = {0};
	uint32_t ip, i;

	put_eth(&k, 0x0800);
	ip = put_ip4(&k, 6, 1, 2);
	put_tcp(&k, 1, 2, PS_TH_ACK);
	fix_ip4(&k, ip);
	ps_mem_stats_get(PS_MEM_NET, &before);
	for (i = 0; i < 1000; i++)
		assert_int_equal(tdecode(d, &p, &k, PS_LINK_ETHERNET, i), PS_OK);
	ps_mem_stats_get(PS_MEM_NET, &after);
	assert_int_equal(after.allocs, before.allocs);
}

static void test_init_errors(void **state)
{
	struct ps_decode_config cfg;
	struct ps_decoder d;

	(void)state;
	ps_decode_config_default(&cfg);
	cfg.defrag_memcap = 0;
	assert_int_equal(ps_decoder_init(&d, &cfg), PS_EINVAL);
	ps_decoder_release(&d);
	ps_decode_config_default(&cfg);
	ps_mem_fail_at(1, false);
	assert_int_equal(ps_decoder_init(&d, &cfg), PS_ENOMEM);
	ps_mem_fail_at(0, false);
	ps_decoder_release(&d);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_ipv4_header_errors),
		T(test_ipv4_options),
		T(test_ipv6_exthdrs),
		T(test_ipv6_anomalies),
		T(test_transport),
		T(test_snaplen_and_tso),
		cmocka_unit_test(test_layer_cap),
		T(test_no_alloc_per_packet),
		cmocka_unit_test(test_init_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
