/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The IP half of the decoder: IPv4 with its options, IPv6 with its
 * extension headers, the hand-off of fragments to defrag, and the transport
 * headers (TCP, UDP, SCTP, ICMP, ICMPv6). Called from the layer loop in
 * decode.c; tunnels found here continue in decode_tunnel.c.
 */
#include <string.h>

#include "core/core.h"
#include "net/decode.h"
#include "net/decode_int.h"

/* Forget the transport fields of an outer packet before an inner IP header. */
static inline void reset_l4(struct ps_packet *p)
{
	p->flags &= (uint16_t)~(PS_PKT_HAS_L4 | PS_PKT_FRAGMENT);
	p->sport = p->dport = 0;
	p->tcp_flags = p->icmp_type = p->icmp_code = 0;
	p->tcp_win = 0;
	p->tcp_seq = p->tcp_ack = 0;
	p->l4 = p->payload = NULL;
	p->l4_len = p->payload_len = 0;
}

static inline void set_l4(struct ps_packet *p, const uint8_t *h, uint32_t len, uint32_t hl)
{
	p->l4 = h;
	p->l4_len = len;
	p->payload = h + hl;
	p->payload_len = len - hl;
	p->flags |= PS_PKT_HAS_L4;
}

/* TCP header (RFC 9293 §3.1); options are not walked. */
static int dec_tcp(struct ps_decoder *d, struct ps_packet *p, struct ps_dec_state *st)
{
	const uint8_t *h = st->pkt + st->off;
	uint32_t avail = st->end - st->off, hl;

	d->ctr[PS_DEC_TCP]++;
	if (avail < 20)
		return ps_dec_ev(d, PS_DEC_EV_TCP_TRUNC);
	hl = (uint32_t)(h[12] >> 4) * 4;
	if (hl < 20)
		return ps_dec_ev(d, PS_DEC_EV_TCP_BAD_OFF);
	if (hl > avail) {
		if (hl - avail > st->snap)
			return ps_dec_ev(d, PS_DEC_EV_TCP_OPT_TRUNC);
		hl = avail; /* options cut by the snap length */
	}
	p->sport = ps_rd16(h);
	p->dport = ps_rd16(h + 2);
	p->tcp_seq = ps_rd32(h + 4);
	p->tcp_ack = ps_rd32(h + 8);
	p->tcp_flags = h[13];
	p->tcp_win = ps_rd16(h + 14);
	set_l4(p, h, avail, hl);
	st->next = PS_NL_DONE;
	return PS_OK;
}

/* UDP (RFC 768): the length covers header and data; trailing bytes are cut. */
static int dec_udp(struct ps_decoder *d, struct ps_packet *p, struct ps_dec_state *st)
{
	const uint8_t *h = st->pkt + st->off;
	uint32_t avail = st->end - st->off, len;

	d->ctr[PS_DEC_UDP]++;
	if (avail < 8)
		return ps_dec_ev(d, PS_DEC_EV_UDP_TRUNC);
	len = ps_rd16(h + 4);
	if (len < 8 || (len > avail && len - avail > st->snap))
		return ps_dec_ev(d, PS_DEC_EV_UDP_BAD_LEN);
	if (len > avail)
		len = avail; /* cut by the snap length */
	p->sport = ps_rd16(h);
	p->dport = ps_rd16(h + 2);
	set_l4(p, h, len, 8);
	st->next = PS_NL_DONE;
	if (d->cfg.decode_tunnels && ps_dec_is_tunnel_port(&d->cfg, p->sport, p->dport)) {
		st->off += 8;
		st->end = st->off + len - 8;
		return ps_dec_udp_tunnel(d, p, st);
	}
	return PS_OK;
}

/* ICMP / ICMPv6: type, code, checksum and 4 more header bytes. */
static int dec_icmp(struct ps_decoder *d, struct ps_packet *p, struct ps_dec_state *st,
		    bool v6)
{
	const uint8_t *h = st->pkt + st->off;
	uint32_t avail = st->end - st->off;

	d->ctr[v6 ? PS_DEC_ICMPV6 : PS_DEC_ICMPV4]++;
	if (avail < 8)
		return ps_dec_ev(d, v6 ? PS_DEC_EV_ICMPV6_TRUNC : PS_DEC_EV_ICMPV4_TRUNC);
	p->icmp_type = h[0];
	p->icmp_code = h[1];
	set_l4(p, h, avail, 8);
	st->next = PS_NL_DONE;
	return PS_OK;
}

/* SCTP common header (RFC 9260 §3.1): ports, tag, checksum. */
static int dec_sctp(struct ps_decoder *d, struct ps_packet *p, struct ps_dec_state *st)
{
	const uint8_t *h = st->pkt + st->off;
	uint32_t avail = st->end - st->off;

	d->ctr[PS_DEC_SCTP]++;
	if (avail < 12)
		return ps_dec_ev(d, PS_DEC_EV_SCTP_TRUNC);
	p->sport = ps_rd16(h);
	p->dport = ps_rd16(h + 2);
	set_l4(p, h, avail, 12);
	st->next = PS_NL_DONE;
	return PS_OK;
}

/* IP in IP (RFC 2003, RFC 4213, RFC 2473). */
static int dec_ipip(struct ps_decoder *d, struct ps_packet *p, struct ps_dec_state *st,
		    bool inner6)
{
	bool outer6 = p->family == PS_AF_INET6;

	if (!d->cfg.decode_tunnels) {
		st->next = PS_NL_DONE;
		return PS_OK;
	}
	d->ctr[inner6 ? (outer6 ? PS_DEC_IPV6_IN_IPV6 : PS_DEC_IPV6_IN_IPV4) :
			(outer6 ? PS_DEC_IPV4_IN_IPV6 : PS_DEC_IPV4_IN_IPV4)]++;
	st->next = inner6 ? PS_NL_IPV6 : PS_NL_IPV4;
	return ps_dec_tunnel_enter(d, p);
}

/* What an IP packet carries, at st->off; p->family names the IP version. */
static int dec_l4(struct ps_decoder *d, struct ps_packet *p, struct ps_dec_state *st,
		  uint8_t proto)
{
	switch (proto) {
	case PS_IPPROTO_TCP:
		return dec_tcp(d, p, st);
	case PS_IPPROTO_UDP:
		return dec_udp(d, p, st);
	case PS_IPPROTO_ICMP:
		if (p->family == PS_AF_INET)
			return dec_icmp(d, p, st, false);
		d->ctr[PS_DEC_EV_IPV6_WITH_ICMPV4]++;
		break;
	case PS_IPPROTO_ICMPV6:
		if (p->family == PS_AF_INET6)
			return dec_icmp(d, p, st, true);
		d->ctr[PS_DEC_EV_IPV4_WITH_ICMPV6]++;
		break;
	case PS_IPPROTO_SCTP:
		return dec_sctp(d, p, st);
	case 47:
		if (d->cfg.decode_tunnels)
			return ps_dec_gre(d, p, st);
		break;
	case 4:
	case 41:
		return dec_ipip(d, p, st, proto == 41);
	default:
		break;
	}
	st->next = PS_NL_DONE;
	return PS_OK;
}

/*
 * Hand a fragment to defrag. On completion the reassembled frame replaces
 * p->data and the loop decodes its IP header again (now unfragmented).
 */
static int dec_frag(struct ps_decoder *d, struct ps_packet *p, struct ps_dec_state *st,
		    struct ps_defrag_frag *f)
{
	const uint8_t *out;
	uint32_t out_len;
	int rc;

	p->flags |= PS_PKT_FRAGMENT;
	d->ctr[PS_DEC_FRAG]++;
	st->next = PS_NL_DONE;
	if (!d->cfg.defrag || st->snap != 0) /* off, or data cut by the snap length */
		return PS_OK;
	f->key.src = p->src;
	f->key.dst = p->dst;
	f->key.tunnel_id = p->tunnel_id;
	f->key.vlan[0] = p->vlan_n > 0 ? p->vlan[0] : 0;
	f->key.vlan[1] = p->vlan_n > 1 ? p->vlan[1] : 0;
	f->key.family = p->family;
	f->key.depth = p->tunnel_depth;
	f->ts_us = p->ts_us;
	f->prefix = st->pkt;
	rc = ps_defrag_add(&d->defrag, f, d->ctr, &out, &out_len);
	if (rc != PS_OK)
		return rc;
	d->ctr[PS_DEC_REASSEMBLED]++;
	p->data = out;
	p->caplen = p->wirelen = out_len;
	p->flags = (uint16_t)((p->flags & ~PS_PKT_FRAGMENT) | PS_PKT_REASSEMBLED);
	st->pkt = out;
	st->off = f->prefix_len;
	st->end = out_len;
	st->snap = 0;
	st->next = p->family == PS_AF_INET ? PS_NL_IPV4 : PS_NL_IPV6;
	return PS_OK;
}

/*
 * Check one IPv4 option (RFC 791 §3.1; RFC 1108 security, RFC 1393,
 * RFC 2113 router alert, RFC 4782 quick-start). o[1] >= 2 fits already.
 * *seen has a bit per known option type for the duplicate check.
 */
static int ipv4_opt(struct ps_decoder *d, const uint8_t *o, uint32_t *seen)
{
	uint8_t len = o[1], ptr, flg;
	uint32_t bit;

	switch (o[0]) {
	case 7:   /* record route */
	case 131: /* loose source route */
	case 137: /* strict source route */
		if (len < 3)
			return ps_dec_ev(d, PS_DEC_EV_IPV4_OPT_INVALID);
		ptr = o[2];
		if (ptr < 4 || ptr % 4 != 0 || ptr > len + 1)
			return ps_dec_ev(d, PS_DEC_EV_IPV4_OPT_MALFORMED);
		bit = o[0] == 7 ? 1 : o[0] == 131 ? 2 : 4;
		break;
	case 68: /* timestamp: pointer, overflow/flag, 4- or 8-byte entries */
		if (len < 4)
			return ps_dec_ev(d, PS_DEC_EV_IPV4_OPT_INVALID);
		ptr = o[2];
		flg = o[3] & 0x0f;
		if (flg == 2 || flg > 3 || ptr < 5 || ptr > len + 1 ||
		    (ptr - 5) % (flg != 0 ? 8 : 4) != 0)
			return ps_dec_ev(d, PS_DEC_EV_IPV4_OPT_MALFORMED);
		bit = 8;
		break;
	case 130: /* security */
	case 133: /* extended security */
		if (len < 3)
			return ps_dec_ev(d, PS_DEC_EV_IPV4_OPT_INVALID);
		bit = o[0] == 130 ? 16 : 32;
		break;
	case 134: /* CIPSO: DOI and tags */
		if (len < 6)
			return ps_dec_ev(d, PS_DEC_EV_IPV4_OPT_INVALID);
		bit = 64;
		break;
	case 136: /* stream id */
	case 148: /* router alert */
		if (len != 4)
			return ps_dec_ev(d, PS_DEC_EV_IPV4_OPT_INVALID);
		bit = o[0] == 136 ? 128 : 256;
		break;
	case 25: /* quick-start */
		if (len != 8)
			return ps_dec_ev(d, PS_DEC_EV_IPV4_OPT_INVALID);
		bit = 512;
		break;
	default:
		d->ctr[PS_DEC_EV_IPV4_OPT_UNKNOWN]++;
		return PS_OK;
	}
	if (*seen & bit)
		d->ctr[PS_DEC_EV_IPV4_OPT_DUPLICATE]++;
	*seen |= bit;
	return PS_OK;
}

/* Walk the option bytes o[0..len): type-length-value except EOL and NOP. */
static int ipv4_opts(struct ps_decoder *d, const uint8_t *o, uint32_t len)
{
	uint32_t i = 0, seen = 0;
	int rc;

	while (i < len && o[i] != 0) {
		if (o[i] == 1) {
			i++;
			continue;
		}
		if (len - i < 2 || o[i + 1] < 2 || o[i + 1] > len - i)
			return ps_dec_ev(d, PS_DEC_EV_IPV4_OPT_INVALID);
		rc = ipv4_opt(d, o + i, &seen);
		if (rc != PS_OK)
			return rc;
		i += o[i + 1];
	}
	return PS_OK;
}

static void ipv4_frag(struct ps_defrag_frag *f, const uint8_t *h, uint32_t hl,
		      uint32_t tl, uint16_t fo)
{
	memset(f, 0, sizeof(*f));
	f->key.id = ps_rd16(h + 4);
	f->key.proto = h[9];
	f->hdr = h;
	f->hdr_len = hl;
	f->more = (fo & 0x2000) != 0;
	f->off = (uint32_t)(fo & 0x1fff) * 8;
	f->data = h + hl;
	f->len = tl - hl;
}

/* IPv4 header (RFC 791 §3.1). */
int ps_dec_ipv4(struct ps_decoder *d, struct ps_packet *p, struct ps_dec_state *st)
{
	const uint8_t *h = st->pkt + st->off;
	uint32_t avail = st->end - st->off, hl, tl;
	struct ps_defrag_frag f;
	uint16_t fo;
	int rc;

	d->ctr[PS_DEC_IPV4]++;
	if (avail < 20)
		return ps_dec_ev(d, PS_DEC_EV_IPV4_TRUNC);
	if (h[0] >> 4 != 4)
		return ps_dec_ev(d, PS_DEC_EV_IPV4_WRONG_VERSION);
	hl = (uint32_t)(h[0] & 0x0f) * 4;
	tl = ps_rd16(h + 2);
	if (hl < 20)
		return ps_dec_ev(d, PS_DEC_EV_IPV4_BAD_IHL);
	if (tl == 0 && avail >= hl) {
		/* Sent with segmentation offload and captured on the sender. */
		d->ctr[PS_DEC_EV_IPV4_LEN_ZERO]++;
		tl = avail;
	}
	if (tl < hl)
		return ps_dec_ev(d, PS_DEC_EV_IPV4_BAD_TOTLEN);
	if (tl > avail && (tl - avail > st->snap || hl > avail))
		return ps_dec_ev(d, PS_DEC_EV_IPV4_TRUNC);
	if (p->flags & PS_PKT_HAS_L3) { /* an inner packet: forget the outer one */
		reset_l4(p);
		memset(&p->src, 0, sizeof(p->src));
		memset(&p->dst, 0, sizeof(p->dst));
	}
	p->family = PS_AF_INET;
	p->ip_proto = h[9];
	p->ttl = h[8];
	p->ip_id = ps_rd16(h + 4);
	memcpy(p->src.b, h + 12, 4);
	memcpy(p->dst.b, h + 16, 4);
	p->l3_off = st->off > UINT16_MAX ? UINT16_MAX : (uint16_t)st->off;
	p->l3_len = tl;
	p->flags |= PS_PKT_HAS_L3;
	if (hl > 20) {
		rc = ipv4_opts(d, h + 20, hl - 20);
		if (rc != PS_OK)
			return rc;
	}
	fo = ps_rd16(h + 6);
	if (tl > avail) /* cut by the snap length: decode what there is */
		tl = avail;
	else
		st->snap = 0;
	if (fo & 0x3fff) {
		ipv4_frag(&f, h, hl, tl, fo);
		f.prefix_len = st->off;
		return dec_frag(d, p, st, &f);
	}
	st->end = st->off + tl;
	st->off += hl;
	return dec_l4(d, p, st, h[9]);
}

/* Hop-by-hop / destination options (RFC 8200 §4.2): TLVs must fit. */
static int ipv6_opts(struct ps_decoder *d, const uint8_t *e, uint32_t len)
{
	uint32_t i = 2;

	while (i < len) {
		if (e[i] == 0) { /* Pad1 */
			i++;
			continue;
		}
		if (len - i < 2 || e[i + 1] > len - i - 2)
			return ps_dec_ev(d, PS_DEC_EV_IPV6_EXTHDR_INVALID_OPTLEN);
		i += 2u + e[i + 1];
	}
	return PS_OK;
}

/* Length of the extension header e of type nh; 0 if nh is not one. */
static uint32_t ipv6_ext_len(uint8_t nh, const uint8_t *e)
{
	switch (nh) {
	case 0:  /* hop-by-hop */
	case 43: /* routing */
	case 60: /* destination options */
		return ((uint32_t)e[1] + 1) * 8;
	case 44: /* fragment */
		return 8;
	case 51: /* AH, RFC 4302 §2.2: in 4-byte units minus 2 */
		return ((uint32_t)e[1] + 2) * 4;
	default:
		return 0;
	}
}

/* Checks on one extension header; *seen counts headers by type. */
static int ipv6_ext_check(struct ps_decoder *d, uint8_t nh, const uint8_t *e, uint32_t len,
			  unsigned n, unsigned *seen)
{
	unsigned bit = nh == 0 ? 0 : nh == 43 ? 4 : nh == 44 ? 8 : nh == 51 ? 12 : 16;
	unsigned cnt = (*seen >> bit) & 0xf;

	/* Each at most once, destination options twice (RFC 8200 §4.1). */
	if (cnt >= (nh == 60 ? 2u : 1u))
		d->ctr[PS_DEC_EV_IPV6_EXTHDR_DUPL]++;
	if (cnt < 15)
		*seen += 1u << bit;
	if (nh == 0 && n != 1)
		d->ctr[PS_DEC_EV_IPV6_HOPOPTS_NOT_FIRST]++;
	if (nh == 43 && e[2] == 0)
		d->ctr[PS_DEC_EV_IPV6_RH_TYPE0]++;
	if (nh == 0 || nh == 60)
		return ipv6_opts(d, e, len);
	return PS_OK;
}

/*
 * A fragment header at offset fh from the IPv6 header h; nh_pos is the
 * offset in h of the byte that named it. Atomic fragments (RFC 6946) are
 * not fragments: *done stays false and decoding goes on.
 */
static int ipv6_frag(struct ps_decoder *d, struct ps_packet *p, struct ps_dec_state *st,
		     uint32_t fh, uint32_t nh_pos, bool *done)
{
	const uint8_t *h = st->pkt + st->off, *e = h + fh;
	struct ps_defrag_frag f;
	uint16_t fo = ps_rd16(e + 2);

	if ((fo & 0xfff9) == 0)
		return PS_OK;
	*done = true;
	p->ip_proto = e[0];
	memset(&f, 0, sizeof(f));
	f.key.id = ps_rd32(e + 4);
	f.hdr = h;
	f.hdr_len = fh;
	f.nh_pos = nh_pos;
	f.nh = e[0];
	f.more = (fo & 1) != 0;
	f.off = fo & 0xfff8;
	f.data = e + 8;
	f.len = st->end - st->off - fh - 8;
	f.prefix_len = st->off;
	return dec_frag(d, p, st, &f);
}

/* The extension header chain (RFC 8200 §4), then the upper layer. */
static int ipv6_exthdrs(struct ps_decoder *d, struct ps_packet *p, struct ps_dec_state *st)
{
	const uint8_t *h = st->pkt + st->off, *e;
	uint32_t off = 40, len, nh_pos = 6, avail = st->end - st->off;
	unsigned n = 0, seen = 0;
	uint8_t nh = h[6];
	bool done = false;
	int rc;

	for (;;) {
		if (nh != 0 && nh != 43 && nh != 44 && nh != 51 && nh != 60)
			break;
		if (++n > PS_DEC_MAX_IPV6_EXTHDR)
			return ps_dec_ev(d, PS_DEC_EV_IPV6_EXTHDR_TOO_MANY);
		if (avail - off < 8)
			return ps_dec_ev(d, PS_DEC_EV_IPV6_EXTHDR_TRUNC);
		e = h + off;
		len = ipv6_ext_len(nh, e);
		if (len > avail - off)
			return ps_dec_ev(d, PS_DEC_EV_IPV6_EXTHDR_TRUNC);
		rc = ipv6_ext_check(d, nh, e, len, n, &seen);
		if (rc == PS_OK && nh == 44)
			rc = ipv6_frag(d, p, st, off, nh_pos, &done);
		if (rc != PS_OK || done)
			return rc;
		nh_pos = off;
		nh = e[0];
		off += len;
	}
	p->ip_proto = nh;
	st->off += off;
	return dec_l4(d, p, st, nh);
}

/* IPv6 header (RFC 8200 §3). Jumbograms (payload length 0) are not decoded. */
int ps_dec_ipv6(struct ps_decoder *d, struct ps_packet *p, struct ps_dec_state *st)
{
	const uint8_t *h = st->pkt + st->off;
	uint32_t avail = st->end - st->off, pl;

	d->ctr[PS_DEC_IPV6]++;
	if (avail < 40)
		return ps_dec_ev(d, PS_DEC_EV_IPV6_TRUNC);
	if (h[0] >> 4 != 6)
		return ps_dec_ev(d, PS_DEC_EV_IPV6_WRONG_VERSION);
	pl = ps_rd16(h + 4);
	if (pl > avail - 40 && pl - (avail - 40) > st->snap)
		return ps_dec_ev(d, PS_DEC_EV_IPV6_TRUNC);
	if (p->flags & PS_PKT_HAS_L3)
		reset_l4(p);
	p->family = PS_AF_INET6;
	p->ip_proto = h[6];
	p->ttl = h[7];
	p->ip_id = 0;
	memcpy(p->src.b, h + 8, 16);
	memcpy(p->dst.b, h + 24, 16);
	p->l3_off = st->off > UINT16_MAX ? UINT16_MAX : (uint16_t)st->off;
	p->l3_len = 40 + pl;
	p->flags |= PS_PKT_HAS_L3;
	if (pl > avail - 40) /* cut by the snap length */
		pl = avail - 40;
	else
		st->snap = 0;
	st->end = st->off + 40 + pl;
	return ipv6_exthdrs(d, p, st);
}
