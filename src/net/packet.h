/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One captured packet and what the decoders found in it. Decoders fill the
 * fields from the outermost header in; nothing here owns memory except the
 * reassembly buffer a defragmented packet points into.
 */
#ifndef PS_NET_PACKET_H
#define PS_NET_PACKET_H

#include <stdbool.h>
#include <stdint.h>

#include "net/addr.h"

/* Link types (DLT_* values of libpcap, which pcapng shares). */
enum ps_linktype {
	PS_LINK_NULL = 0,       /* BSD loopback, host-order AF_ value */
	PS_LINK_ETHERNET = 1,
	PS_LINK_RAW = 101,      /* raw IPv4/IPv6 (LINKTYPE_RAW) */
	PS_LINK_LOOP = 108,     /* OpenBSD loopback, network-order AF_ */
	PS_LINK_SLL = 113,      /* Linux cooked v1 */
	PS_LINK_IPV4 = 228,
	PS_LINK_IPV6 = 229,
	PS_LINK_SLL2 = 276,     /* Linux cooked v2 */
	PS_LINK_DLT_RAW = 12,   /* DLT_RAW on most platforms */
	PS_LINK_DLT_RAW14 = 14, /* DLT_RAW on OpenBSD */
};

enum ps_ipproto {
	PS_IPPROTO_ICMP = 1,
	PS_IPPROTO_TCP = 6,
	PS_IPPROTO_UDP = 17,
	PS_IPPROTO_ICMPV6 = 58,
	PS_IPPROTO_SCTP = 132,
};

/* TCP flag bits as on the wire. */
enum ps_tcp_flag {
	PS_TH_FIN = 0x01, PS_TH_SYN = 0x02, PS_TH_RST = 0x04,
	PS_TH_PSH = 0x08, PS_TH_ACK = 0x10, PS_TH_URG = 0x20,
	PS_TH_ECE = 0x40, PS_TH_CWR = 0x80,
};

enum ps_pkt_flag {
	PS_PKT_HAS_L3 = 1 << 0,      /* src/dst/family/ip_proto valid */
	PS_PKT_HAS_L4 = 1 << 1,      /* ports (or ICMP type/code) valid */
	PS_PKT_FRAGMENT = 1 << 2,    /* an IP fragment (not yet whole) */
	PS_PKT_REASSEMBLED = 1 << 3, /* data points into a defrag buffer */
	PS_PKT_TUNNELLED = 1 << 4,   /* inner packet of GRE/VXLAN/GTP-U... */
	PS_PKT_INVALID = 1 << 5,     /* a decoder gave up; see anomalies */
};

#define PS_PKT_MAX_VLAN 2

struct ps_packet {
	/* Set by the source. */
	int64_t ts_us;           /* capture time, µs since the epoch, UTC */
	const uint8_t *data;     /* captured bytes */
	uint32_t caplen;         /* bytes in data */
	uint32_t wirelen;        /* original length on the wire */
	uint16_t linktype;       /* enum ps_linktype */
	uint16_t flags;          /* enum ps_pkt_flag */

	/* Set by the decoders: the innermost IP packet. */
	uint8_t family;          /* enum ps_af */
	uint8_t ip_proto;        /* enum ps_ipproto or any other number */
	uint8_t ttl;             /* IPv4 TTL / IPv6 hop limit */
	uint8_t vlan_n;          /* VLAN tags seen (outermost first) */
	uint16_t vlan[PS_PKT_MAX_VLAN];
	uint32_t tunnel_id;      /* innermost VXLAN VNI, GTP TEID or GRE key */
	uint8_t tunnel_depth;    /* 0 = not tunnelled */
	uint8_t tcp_flags;       /* enum ps_tcp_flag */
	uint8_t icmp_type;
	uint8_t icmp_code;
	struct ps_addr src, dst;
	uint16_t sport, dport;   /* host order; 0 when the protocol has none */
	uint16_t tcp_win;
	uint32_t tcp_seq, tcp_ack;
	uint16_t ip_id;          /* IPv4 id (defrag), 0 for IPv6 */
	uint16_t l3_off;         /* offset of the IP header in data */
	uint32_t l3_len;         /* IP header + payload per the IP length */
	const uint8_t *l4;       /* transport header (in data or defrag buffer) */
	uint32_t l4_len;
	const uint8_t *payload;  /* transport payload */
	uint32_t payload_len;

	uint32_t hash;           /* symmetric flow hash (ps_packet_hash) */

	/* Set by ps_flow_table_prefetch: the table's key hash of this packet. */
	uint32_t flow_hash;
	uint32_t flow_tag;       /* the table's tag; 0 = not computed */
};

#endif
