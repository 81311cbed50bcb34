/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Packet decoders: from the link layer through VLAN, MPLS, PPPoE and the
 * tunnels (GRE, ERSPAN, VXLAN, Geneve, GTP-U, IP-in-IP) to the innermost IP
 * packet and its transport header, with IP defragmentation. The first stage
 * of the traffic engine: everything after it (flows, streams, parsers) reads
 * the fields the decoders leave in struct ps_packet.
 */
#ifndef PS_NET_DECODE_H
#define PS_NET_DECODE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "net/defrag.h"
#include "net/packet.h"

/* PPP link type (DLT_PPP, libpcap 9), decoded too; packet.h lists the others. */
#define PS_DEC_LINK_PPP 9

/*
 * Every counter of the decoders: X(enum, "stats name"). Layer counters count
 * each header decoded (an IPv4-in-IPv4 packet counts two IPv4); event
 * counters ("decoder.event.*", Suricata's names where Suricata has one)
 * count anomalies. Events marked (info) do not stop decoding; every other
 * event makes ps_decode() return PS_EPROTO.
 */
#define PS_DECODE_COUNTERS(X) \
	X(PS_DEC_PKTS, "decoder.pkts") \
	X(PS_DEC_BYTES, "decoder.bytes")               /* captured bytes */ \
	X(PS_DEC_INVALID, "decoder.invalid")           /* packets with PS_EPROTO */ \
	X(PS_DEC_ETHERNET, "decoder.ethernet") \
	X(PS_DEC_RAW, "decoder.raw") \
	X(PS_DEC_NULL, "decoder.null")                 /* NULL and LOOP */ \
	X(PS_DEC_SLL, "decoder.sll") \
	X(PS_DEC_SLL2, "decoder.sll2") \
	X(PS_DEC_PPP, "decoder.ppp")                   /* PPP frames, any carrier */ \
	X(PS_DEC_VLAN, "decoder.vlan")                 /* every 802.1Q/ad tag */ \
	X(PS_DEC_QINQ, "decoder.vlan_qinq")            /* frames with an S-tag or 2+ tags */ \
	X(PS_DEC_MPLS, "decoder.mpls")                 /* label stacks */ \
	X(PS_DEC_PPPOE, "decoder.pppoe")               /* session frames */ \
	X(PS_DEC_PPPOE_DISC, "decoder.pppoe_discovery") \
	X(PS_DEC_ARP, "decoder.arp") \
	X(PS_DEC_GRE, "decoder.gre") \
	X(PS_DEC_ERSPAN, "decoder.erspan") \
	X(PS_DEC_VXLAN, "decoder.vxlan") \
	X(PS_DEC_GENEVE, "decoder.geneve") \
	X(PS_DEC_GTPU, "decoder.gtpu")                 /* any GTP-U v1 message */ \
	X(PS_DEC_IPV4, "decoder.ipv4") \
	X(PS_DEC_IPV6, "decoder.ipv6") \
	X(PS_DEC_IPV4_IN_IPV4, "decoder.ipv4_in_ipv4") \
	X(PS_DEC_IPV6_IN_IPV4, "decoder.ipv6_in_ipv4") \
	X(PS_DEC_IPV4_IN_IPV6, "decoder.ipv4_in_ipv6") \
	X(PS_DEC_IPV6_IN_IPV6, "decoder.ipv6_in_ipv6") \
	X(PS_DEC_TCP, "decoder.tcp") \
	X(PS_DEC_UDP, "decoder.udp") \
	X(PS_DEC_SCTP, "decoder.sctp") \
	X(PS_DEC_ICMPV4, "decoder.icmpv4") \
	X(PS_DEC_ICMPV6, "decoder.icmpv6") \
	X(PS_DEC_OTHER_L3, "decoder.other_l3")         /* ARP aside: not IP, not decoded */ \
	X(PS_DEC_FRAG, "defrag.fragments")             /* IPv4 and IPv6 fragments seen */ \
	X(PS_DEC_REASSEMBLED, "defrag.reassembled") \
	X(PS_DEC_EV_UNKNOWN_LINKTYPE, "decoder.event.unknown_linktype") \
	X(PS_DEC_EV_TOO_MANY_LAYERS, "decoder.event.too_many_layers") \
	X(PS_DEC_EV_TUNNEL_TOO_DEEP, "decoder.event.tunnel.too_deep") \
	X(PS_DEC_EV_ETH_TRUNC, "decoder.event.ethernet.pkt_too_small") \
	X(PS_DEC_EV_NULL_TRUNC, "decoder.event.null.pkt_too_small") \
	X(PS_DEC_EV_SLL_TRUNC, "decoder.event.sll.pkt_too_small") \
	X(PS_DEC_EV_SLL2_TRUNC, "decoder.event.sll2.pkt_too_small") \
	X(PS_DEC_EV_IPRAW_BAD_VERSION, "decoder.event.ipraw.invalid_ip_version") \
	X(PS_DEC_EV_PPP_TRUNC, "decoder.event.ppp.pkt_too_small") \
	X(PS_DEC_EV_VLAN_TRUNC, "decoder.event.vlan.header_too_small") \
	X(PS_DEC_EV_VLAN_TOO_MANY, "decoder.event.vlan.too_many_layers") \
	X(PS_DEC_EV_MPLS_TRUNC, "decoder.event.mpls.header_too_small") \
	X(PS_DEC_EV_MPLS_UNKNOWN_PAYLOAD, "decoder.event.mpls.unknown_payload_type") \
	X(PS_DEC_EV_PPPOE_TRUNC, "decoder.event.pppoe.pkt_too_small") \
	X(PS_DEC_EV_PPPOE_WRONG_CODE, "decoder.event.pppoe.wrong_code") \
	X(PS_DEC_EV_PPPOE_MALFORMED, "decoder.event.pppoe.malformed") \
	X(PS_DEC_EV_IPV4_TRUNC, "decoder.event.ipv4.trunc_pkt") \
	X(PS_DEC_EV_IPV4_BAD_IHL, "decoder.event.ipv4.hlen_too_small") \
	X(PS_DEC_EV_IPV4_BAD_TOTLEN, "decoder.event.ipv4.iplen_smaller_than_hlen") \
	X(PS_DEC_EV_IPV4_WRONG_VERSION, "decoder.event.ipv4.wrong_ip_version") \
	X(PS_DEC_EV_IPV4_LEN_ZERO, "decoder.event.ipv4.iplen_zero_tso")     /* info */ \
	X(PS_DEC_EV_IPV4_OPT_INVALID, "decoder.event.ipv4.opt_invalid_len") \
	X(PS_DEC_EV_IPV4_OPT_MALFORMED, "decoder.event.ipv4.opt_malformed") \
	X(PS_DEC_EV_IPV4_OPT_UNKNOWN, "decoder.event.ipv4.opt_unknown")       /* info */ \
	X(PS_DEC_EV_IPV4_OPT_DUPLICATE, "decoder.event.ipv4.opt_duplicate")   /* info */ \
	X(PS_DEC_EV_IPV4_WITH_ICMPV6, "decoder.event.ipv4.icmpv6")            /* info */ \
	X(PS_DEC_EV_IPV6_TRUNC, "decoder.event.ipv6.trunc_pkt") \
	X(PS_DEC_EV_IPV6_WRONG_VERSION, "decoder.event.ipv6.wrong_ip_version") \
	X(PS_DEC_EV_IPV6_EXTHDR_TRUNC, "decoder.event.ipv6.trunc_exthdr") \
	X(PS_DEC_EV_IPV6_EXTHDR_TOO_MANY, "decoder.event.ipv6.exthdr_too_many") \
	X(PS_DEC_EV_IPV6_EXTHDR_INVALID_OPTLEN, "decoder.event.ipv6.exthdr_invalid_optlen") \
	X(PS_DEC_EV_IPV6_EXTHDR_DUPL, "decoder.event.ipv6.exthdr_dupl")       /* info */ \
	X(PS_DEC_EV_IPV6_HOPOPTS_NOT_FIRST, "decoder.event.ipv6.hopopts_not_first") /* info */ \
	X(PS_DEC_EV_IPV6_RH_TYPE0, "decoder.event.ipv6.rh_type_0")            /* info */ \
	X(PS_DEC_EV_IPV6_WITH_ICMPV4, "decoder.event.ipv6.icmpv4")            /* info */ \
	X(PS_DEC_EV_TCP_TRUNC, "decoder.event.tcp.pkt_too_small") \
	X(PS_DEC_EV_TCP_BAD_OFF, "decoder.event.tcp.hlen_too_small") \
	X(PS_DEC_EV_TCP_OPT_TRUNC, "decoder.event.tcp.invalid_optlen") \
	X(PS_DEC_EV_UDP_TRUNC, "decoder.event.udp.pkt_too_small") \
	X(PS_DEC_EV_UDP_BAD_LEN, "decoder.event.udp.len_invalid") \
	X(PS_DEC_EV_SCTP_TRUNC, "decoder.event.sctp.pkt_too_small") \
	X(PS_DEC_EV_ICMPV4_TRUNC, "decoder.event.icmpv4.pkt_too_small") \
	X(PS_DEC_EV_ICMPV6_TRUNC, "decoder.event.icmpv6.pkt_too_small") \
	X(PS_DEC_EV_GRE_TRUNC, "decoder.event.gre.pkt_too_small") \
	X(PS_DEC_EV_GRE_WRONG_VERSION, "decoder.event.gre.wrong_version") \
	X(PS_DEC_EV_GRE_V0_RECUR, "decoder.event.gre.version0_recur") \
	X(PS_DEC_EV_GRE_V0_FLAGS, "decoder.event.gre.version0_flags") \
	X(PS_DEC_EV_GRE_V0_MALFORMED_SRE, "decoder.event.gre.version0_malformed_sre_hdr") \
	X(PS_DEC_EV_GRE_V1_MALFORMED, "decoder.event.gre.version1_malformed") \
	X(PS_DEC_EV_ERSPAN_TRUNC, "decoder.event.erspan.header_too_small") \
	X(PS_DEC_EV_ERSPAN_BAD_VERSION, "decoder.event.erspan.unsupported_version") \
	X(PS_DEC_EV_GENEVE_TRUNC, "decoder.event.geneve.pkt_too_small") \
	X(PS_DEC_EV_GTPU_TRUNC, "decoder.event.gtpu.pkt_too_small") \
	X(PS_DEC_EV_GTPU_BAD_EXT, "decoder.event.gtpu.bad_ext_hdr") \
	X(PS_DEC_EV_GTPU_UNKNOWN_PAYLOAD, "decoder.event.gtpu.unknown_payload_type") \
	X(PS_DEC_EV_FRAG_OVERLAP, "decoder.event.defrag.overlap")             /* info */ \
	X(PS_DEC_EV_FRAG_TOO_LARGE, "decoder.event.defrag.pkt_too_large") \
	X(PS_DEC_EV_FRAG_INVALID_LEN, "decoder.event.defrag.invalid_len") \
	X(PS_DEC_EV_FRAG_TOO_MANY, "decoder.event.defrag.max_frags") \
	X(PS_DEC_EV_FRAG_MEMCAP, "decoder.event.defrag.memcap") \
	X(PS_DEC_EV_FRAG_TRACKERS_FULL, "decoder.event.defrag.max_trackers") \
	X(PS_DEC_EV_FRAG_TIMEOUT, "decoder.event.defrag.timeout")

#define PS_DEC_ENUM_(e, name) e,
enum ps_decode_ctr {
	PS_DECODE_COUNTERS(PS_DEC_ENUM_)
	PS_DEC__COUNT
};
#undef PS_DEC_ENUM_

/* Stats name of a counter ("decoder.ipv4"), "unknown" out of range. Thread-safe. */
const char *ps_decode_ctr_name(enum ps_decode_ctr c);

struct ps_decode_config {
	uint32_t max_tunnel_depth;    /* nested tunnels decoded (default 4) */
	uint64_t defrag_memcap;       /* bytes of trackers + fragments (32 MiB) */
	uint32_t defrag_max_trackers; /* datagrams in reassembly at once (16384) */
	uint32_t defrag_timeout_s;    /* a datagram not whole after this is dropped (60) */
	uint32_t defrag_max_frags;    /* fragments per datagram (128) */
	uint16_t vxlan_port;          /* UDP dst port, 0 = off (4789) */
	uint16_t gtpu_port;           /* UDP src or dst port, 0 = off (2152) */
	uint16_t geneve_port;         /* UDP dst port, 0 = off (6081) */
	uint16_t mpls_udp_port;       /* UDP dst port, RFC 7510, 0 = off (6635) */
	bool decode_tunnels;          /* false: stop at the outer IP/UDP (true) */
	bool defrag;                  /* false: fragments come back as PS_OK with
	                                 PS_PKT_FRAGMENT and L3 only (true) */
};

/* Fill cfg with the defaults above. Thread-safe. */
void ps_decode_config_default(struct ps_decode_config *cfg);

/*
 * One decoder per worker thread: counters, configuration and the defrag
 * state. Not thread-safe; the counters are plain integers the owner reads.
 */
struct ps_decoder {
	uint64_t ctr[PS_DEC__COUNT];
	struct ps_decode_config cfg;
	struct ps_defrag defrag;
};

/*
 * Initialise d with a copy of cfg (NULL = defaults). Allocates the defrag
 * hash table. PS_OK, PS_EINVAL (a zero cap or timeout), PS_ENOMEM.
 */
int ps_decoder_init(struct ps_decoder *d, const struct ps_decode_config *cfg) PS_MUST_USE;
/* Free the defrag state (pending fragments are dropped, not counted). */
void ps_decoder_release(struct ps_decoder *d);

/*
 * Decode p->data/caplen per p->linktype, filling the decoded fields of p
 * (the innermost IP packet; tunnel context in vlan[]/tunnel_id/
 * tunnel_depth; TCP seq/ack/flags/window; payload; hash). l4_len counts the
 * transport header and its payload. Returns
 *   PS_OK      p has L3 (p->flags says whether L4 too); a defragmented
 *              datagram comes back with PS_PKT_REASSEMBLED and p->data /
 *              caplen / wirelen pointing at a decoder-owned frame (the link
 *              and tunnel headers of the last fragment, then the whole
 *              datagram) valid until the next ps_decode() on d;
 *   PS_EAGAIN  p was a fragment now held by defrag, or dropped by it on a
 *              cap (counted): nothing more to do;
 *   PS_EPROTO  malformed: the event counter was incremented, p gets
 *              PS_PKT_INVALID and the layers decoded before stay valid;
 *   PS_EUNSUP  a link type or L3 protocol not decoded (ARP, LLC...),
 *              counted; outer layers stay valid.
 * Allocates only defrag trackers and buffers, bounded by the memcap.
 */
int ps_decode(struct ps_decoder *d, struct ps_packet *p);

/* Expire defrag trackers created more than the timeout before now_us
 * (packet time). Cheap when nothing expires: call it often. */
void ps_decoder_tick(struct ps_decoder *d, int64_t now_us);

/*
 * Symmetric hash of (family, addresses, ip_proto, ports, vlan[0],
 * tunnel_id): both directions of a flow get the same value. Not keyed: a
 * flow table must bound its chains by other means. Reads p only; thread-safe.
 */
uint32_t ps_packet_hash(const struct ps_packet *p);

#endif
