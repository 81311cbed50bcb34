/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The decoder's entry point and its layer-2 half: link types (Ethernet, raw
 * IP, Linux cooked v1/v2, NULL/LOOP, PPP), VLAN tags, MPLS, PPPoE and PPP,
 * driving a loop over layers so that nesting never recurses. The IP layers
 * live in decode_ip.c and the tunnels in decode_tunnel.c.
 */
#include <string.h>

#include "core/core.h"
#include "net/decode.h"
#include "net/decode_int.h"

#define PS_DEC_NAME_(e, name) name,
static const char *const ctr_names[PS_DEC__COUNT] = {
	PS_DECODE_COUNTERS(PS_DEC_NAME_)
};
#undef PS_DEC_NAME_

const char *ps_decode_ctr_name(enum ps_decode_ctr c)
{
	return (unsigned)c < PS_DEC__COUNT ? ctr_names[c] : "unknown";
}

void ps_decode_config_default(struct ps_decode_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->max_tunnel_depth = 4;
	cfg->defrag_memcap = 32u << 20;
	cfg->defrag_max_trackers = 16384;
	cfg->defrag_timeout_s = 60;
	cfg->defrag_max_frags = 128;
	cfg->vxlan_port = 4789;
	cfg->gtpu_port = 2152;
	cfg->geneve_port = 6081;
	cfg->mpls_udp_port = 6635;
	cfg->decode_tunnels = true;
	cfg->defrag = true;
}

int ps_decoder_init(struct ps_decoder *d, const struct ps_decode_config *cfg)
{
	memset(d, 0, sizeof(*d));
	if (cfg != NULL)
		d->cfg = *cfg;
	else
		ps_decode_config_default(&d->cfg);
	return ps_defrag_init(&d->defrag, d->cfg.defrag_memcap, d->cfg.defrag_max_trackers,
			      d->cfg.defrag_max_frags, d->cfg.defrag_timeout_s);
}

void ps_decoder_release(struct ps_decoder *d)
{
	ps_defrag_release(&d->defrag);
}

void ps_decoder_tick(struct ps_decoder *d, int64_t now_us)
{
	ps_defrag_expire(&d->defrag, now_us, d->ctr);
}

int ps_dec_tunnel_enter(struct ps_decoder *d, struct ps_packet *p)
{
	if (p->tunnel_depth >= d->cfg.max_tunnel_depth)
		return ps_dec_ev(d, PS_DEC_EV_TUNNEL_TOO_DEEP);
	p->tunnel_depth++;
	p->flags |= PS_PKT_TUNNELLED;
	return PS_OK;
}

/* 802.1Q / 802.1ad tags at st->off; *etype is the TPID, then the inner type. */
static int dec_vlan(struct ps_decoder *d, struct ps_packet *p, struct ps_dec_state *st,
		    uint16_t *etype)
{
	unsigned tags = 0;
	bool qinq = false;
	const uint8_t *h;

	while (*etype == 0x8100 || *etype == 0x88a8 || *etype == 0x9100) {
		if (++tags > PS_DEC_MAX_VLAN_TAGS)
			return ps_dec_ev(d, PS_DEC_EV_VLAN_TOO_MANY);
		if (st->end - st->off < 4)
			return ps_dec_ev(d, PS_DEC_EV_VLAN_TRUNC);
		d->ctr[PS_DEC_VLAN]++;
		if (!qinq && (*etype != 0x8100 || tags > 1)) {
			qinq = true;
			d->ctr[PS_DEC_QINQ]++;
		}
		h = st->pkt + st->off;
		if (p->vlan_n < PS_PKT_MAX_VLAN)
			p->vlan[p->vlan_n] = ps_rd16(h) & 0x0fff;
		if (p->vlan_n < UINT8_MAX)
			p->vlan_n++;
		*etype = ps_rd16(h + 2);
		st->off += 4;
	}
	return PS_OK;
}

/* Name the next layer after an EtherType (and any VLAN tags it leads to). */
static int dec_ethertype(struct ps_decoder *d, struct ps_packet *p, struct ps_dec_state *st,
			 uint16_t etype)
{
	int rc;

	if (etype == 0x0800) {
		st->next = PS_NL_IPV4;
		return PS_OK;
	}
	rc = dec_vlan(d, p, st, &etype);
	if (rc != PS_OK)
		return rc;
	switch (etype) {
	case 0x0800:
		st->next = PS_NL_IPV4;
		return PS_OK;
	case 0x86dd:
		st->next = PS_NL_IPV6;
		return PS_OK;
	case 0x8847:
	case 0x8848:
		st->next = PS_NL_MPLS;
		return PS_OK;
	case 0x8864:
		st->next = PS_NL_PPPOE;
		return PS_OK;
	case 0x8863:
		return ps_dec_unsup(d, PS_DEC_PPPOE_DISC);
	case 0x0806:
		return ps_dec_unsup(d, PS_DEC_ARP);
	default:
		return ps_dec_unsup(d, PS_DEC_OTHER_L3);
	}
}

/* Ethernet II (IEEE 802.3 frames with a length instead of a type are LLC). */
static int dec_eth(struct ps_decoder *d, struct ps_packet *p, struct ps_dec_state *st)
{
	uint16_t etype;

	if (st->end - st->off < 14)
		return ps_dec_ev(d, PS_DEC_EV_ETH_TRUNC);
	d->ctr[PS_DEC_ETHERNET]++;
	etype = ps_rd16(st->pkt + st->off + 12);
	st->off += 14;
	if (etype < 0x0600)
		return ps_dec_unsup(d, PS_DEC_OTHER_L3);
	return dec_ethertype(d, p, st, etype);
}

/*
 * MPLS label stack (RFC 3032) down to bottom-of-stack, then what it
 * carries: explicit-null labels name it, else the first nibble does (4, 6,
 * or 0 for a pseudowire control word before Ethernet, RFC 4385).
 */
static int dec_mpls(struct ps_decoder *d, struct ps_packet *p, struct ps_dec_state *st)
{
	uint32_t lse;
	uint8_t nib;

	d->ctr[PS_DEC_MPLS]++;
	do {
		if (st->end - st->off < 4)
			return ps_dec_ev(d, PS_DEC_EV_MPLS_TRUNC);
		lse = ps_rd32(st->pkt + st->off);
		st->off += 4;
	} while ((lse & 0x100) == 0);
	if (lse >> 12 == 0 || lse >> 12 == 2) {
		st->next = lse >> 12 == 0 ? PS_NL_IPV4 : PS_NL_IPV6;
		return PS_OK;
	}
	if (st->end == st->off)
		return ps_dec_ev(d, PS_DEC_EV_MPLS_TRUNC);
	nib = st->pkt[st->off] >> 4;
	if (nib == 4 || nib == 6) {
		st->next = nib == 4 ? PS_NL_IPV4 : PS_NL_IPV6;
		return PS_OK;
	}
	if (nib != 0)
		return ps_dec_ev(d, PS_DEC_EV_MPLS_UNKNOWN_PAYLOAD);
	if (st->end - st->off < 4)
		return ps_dec_ev(d, PS_DEC_EV_MPLS_TRUNC);
	st->off += 4;
	st->next = PS_NL_ETH;
	return ps_dec_tunnel_enter(d, p);
}

/* PPPoE session header (RFC 2516 §4): ver/type 0x11, code 0, length. */
static int dec_pppoe(struct ps_decoder *d, struct ps_dec_state *st)
{
	const uint8_t *h = st->pkt + st->off;
	uint32_t len;

	d->ctr[PS_DEC_PPPOE]++;
	if (st->end - st->off < 8)
		return ps_dec_ev(d, PS_DEC_EV_PPPOE_TRUNC);
	if (h[0] != 0x11)
		return ps_dec_ev(d, PS_DEC_EV_PPPOE_MALFORMED);
	if (h[1] != 0)
		return ps_dec_ev(d, PS_DEC_EV_PPPOE_WRONG_CODE);
	len = ps_rd16(h + 4);
	if (len > st->end - st->off - 6)
		return ps_dec_ev(d, PS_DEC_EV_PPPOE_TRUNC);
	st->off += 6;
	st->end = st->off + len;
	st->next = PS_NL_PPP;
	return PS_OK;
}

/*
 * A PPP frame (RFC 1661 §2): optional address/control ff 03 (RFC 1662),
 * then a protocol field of one byte when compressed (odd first byte).
 */
static int dec_ppp(struct ps_decoder *d, struct ps_dec_state *st)
{
	const uint8_t *h = st->pkt + st->off;
	uint32_t avail = st->end - st->off;
	uint16_t proto;

	d->ctr[PS_DEC_PPP]++;
	if (avail >= 2 && h[0] == 0xff && h[1] == 0x03) {
		h += 2;
		avail -= 2;
		st->off += 2;
	}
	if (avail < 1 || ((h[0] & 1) == 0 && avail < 2))
		return ps_dec_ev(d, PS_DEC_EV_PPP_TRUNC);
	if (h[0] & 1) {
		proto = h[0];
		st->off += 1;
	} else {
		proto = ps_rd16(h);
		st->off += 2;
	}
	switch (proto) {
	case 0x0021:
		st->next = PS_NL_IPV4;
		return PS_OK;
	case 0x0057:
		st->next = PS_NL_IPV6;
		return PS_OK;
	case 0x0281:
	case 0x0283:
		st->next = PS_NL_MPLS;
		return PS_OK;
	default:
		return ps_dec_unsup(d, PS_DEC_OTHER_L3);
	}
}

/* First layer of raw IP and of payloads named only by their version nibble. */
static int dec_ip_any(struct ps_decoder *d, struct ps_dec_state *st)
{
	uint8_t v = st->end > st->off ? st->pkt[st->off] >> 4 : 0;

	if (v != 4 && v != 6)
		return ps_dec_ev(d, PS_DEC_EV_IPRAW_BAD_VERSION);
	st->next = v == 4 ? PS_NL_IPV4 : PS_NL_IPV6;
	return PS_OK;
}

/* BSD AF_ values for IPv6 differ by system (24 NetBSD/OpenBSD, 28 FreeBSD, 30 macOS). */
static int null_af(struct ps_decoder *d, struct ps_dec_state *st, uint32_t af)
{
	st->off += 4;
	if (af == 2) {
		st->next = PS_NL_IPV4;
		return PS_OK;
	}
	if (af == 24 || af == 28 || af == 30) {
		st->next = PS_NL_IPV6;
		return PS_OK;
	}
	return ps_dec_unsup(d, PS_DEC_OTHER_L3);
}

/* Linux cooked capture v1 (16 bytes) and v2 (20 bytes): protocol is an EtherType. */
static int dec_sll(struct ps_decoder *d, struct ps_packet *p, struct ps_dec_state *st, bool v2)
{
	uint32_t hl = v2 ? 20 : 16;
	uint16_t proto;

	if (st->end < hl)
		return ps_dec_ev(d, v2 ? PS_DEC_EV_SLL2_TRUNC : PS_DEC_EV_SLL_TRUNC);
	d->ctr[v2 ? PS_DEC_SLL2 : PS_DEC_SLL]++;
	proto = ps_rd16(st->pkt + (v2 ? 0 : 14));
	st->off = hl;
	if (proto < 0x0600)
		return ps_dec_unsup(d, PS_DEC_OTHER_L3);
	return dec_ethertype(d, p, st, proto);
}

/* Set up st for p's link type. */
static int dec_link(struct ps_decoder *d, struct ps_packet *p, struct ps_dec_state *st)
{
	uint32_t af;

	switch (p->linktype) {
	case PS_LINK_ETHERNET:
		st->next = PS_NL_ETH;
		return PS_OK;
	case PS_LINK_RAW:
	case PS_LINK_DLT_RAW:
	case PS_LINK_DLT_RAW14:
	case PS_LINK_IPV4:
	case PS_LINK_IPV6:
		d->ctr[PS_DEC_RAW]++;
		st->next = p->linktype == PS_LINK_IPV4 ? PS_NL_IPV4 :
			   p->linktype == PS_LINK_IPV6 ? PS_NL_IPV6 : PS_NL_IP_ANY;
		return PS_OK;
	case PS_LINK_NULL:
	case PS_LINK_LOOP:
		if (st->end < 4)
			return ps_dec_ev(d, PS_DEC_EV_NULL_TRUNC);
		d->ctr[PS_DEC_NULL]++;
		af = ps_rd32(st->pkt);
		if (p->linktype == PS_LINK_NULL && af > 0xffff)
			af = __builtin_bswap32(af);
		return null_af(d, st, af);
	case PS_LINK_SLL:
	case PS_LINK_SLL2:
		return dec_sll(d, p, st, p->linktype == PS_LINK_SLL2);
	case PS_DEC_LINK_PPP:
		st->next = PS_NL_PPP;
		return PS_OK;
	default:
		return ps_dec_unsup(d, PS_DEC_EV_UNKNOWN_LINKTYPE);
	}
}

/* The layer loop: each step decodes one layer and names the next. */
static int dec_run(struct ps_decoder *d, struct ps_packet *p, struct ps_dec_state *st)
{
	int rc = PS_OK;

	while (rc == PS_OK && st->next != PS_NL_DONE) {
		if (++st->layers > PS_DEC_MAX_LAYERS)
			return ps_dec_ev(d, PS_DEC_EV_TOO_MANY_LAYERS);
		switch (st->next) {
		case PS_NL_IPV4:
			rc = ps_dec_ipv4(d, p, st);
			break;
		case PS_NL_ETH:
			rc = dec_eth(d, p, st);
			break;
		case PS_NL_IPV6:
			rc = ps_dec_ipv6(d, p, st);
			break;
		case PS_NL_IP_ANY:
			rc = dec_ip_any(d, st);
			break;
		case PS_NL_MPLS:
			rc = dec_mpls(d, p, st);
			break;
		case PS_NL_PPPOE:
			rc = dec_pppoe(d, st);
			break;
		case PS_NL_PPP:
			rc = dec_ppp(d, st);
			break;
		case PS_NL_ERSPAN2:
		case PS_NL_ERSPAN3:
			rc = ps_dec_erspan(d, p, st);
			break;
		default:
			return PS_EPROTO; /* not reached */
		}
	}
	return rc;
}

/*
 * Zero what the decoders set. Field by field: a memset of the whole range
 * compiles to `rep stos`, whose start-up cost was a quarter of the time of
 * a plain Ethernet/IPv4/TCP decode.
 */
static inline void clear_decoded(struct ps_packet *p)
{
	p->family = p->ip_proto = p->ttl = p->vlan_n = 0;
	p->vlan[0] = p->vlan[1] = 0;
	p->tunnel_id = 0;
	p->tunnel_depth = p->tcp_flags = p->icmp_type = p->icmp_code = 0;
	memset(&p->src, 0, sizeof(p->src));
	memset(&p->dst, 0, sizeof(p->dst));
	p->sport = p->dport = p->tcp_win = 0;
	p->tcp_seq = p->tcp_ack = 0;
	p->ip_id = p->l3_off = 0;
	p->l3_len = 0;
	p->l4 = p->payload = NULL;
	p->l4_len = p->payload_len = 0;
	p->hash = 0;
}

#define PS_DEC_PKT_FLAGS (PS_PKT_HAS_L3 | PS_PKT_HAS_L4 | PS_PKT_FRAGMENT | \
			  PS_PKT_REASSEMBLED | PS_PKT_TUNNELLED | PS_PKT_INVALID)

int ps_decode(struct ps_decoder *d, struct ps_packet *p)
{
	struct ps_dec_state st;
	int rc;

	clear_decoded(p);
	p->flags &= (uint16_t)~PS_DEC_PKT_FLAGS;
	d->ctr[PS_DEC_PKTS]++;
	d->ctr[PS_DEC_BYTES] += p->caplen;
	st.pkt = p->data;
	st.off = 0;
	st.end = p->data != NULL ? p->caplen : 0;
	st.snap = p->wirelen > st.end ? p->wirelen - st.end : 0;
	st.next = PS_NL_DONE;
	st.layers = 0;
	rc = dec_link(d, p, &st);
	if (rc == PS_OK)
		rc = dec_run(d, p, &st);
	if (rc == PS_EPROTO) {
		p->flags |= PS_PKT_INVALID;
		d->ctr[PS_DEC_INVALID]++;
	}
	if ((p->flags & PS_PKT_HAS_L3) && rc != PS_EAGAIN)
		p->hash = ps_packet_hash(p);
	return rc;
}

/* 64x64 -> 128-bit multiply folded to 64 bits (the wyhash mixer). */
static inline uint64_t mum(uint64_t a, uint64_t b)
{
	unsigned __int128 r = (unsigned __int128)a * b;

	return (uint64_t)r ^ (uint64_t)(r >> 64);
}

/* One endpoint (address, port) mixed on its own. */
static inline uint64_t endpoint_mix(const struct ps_addr *a, uint16_t port)
{
	return mum(a->q[0] ^ 0xa0761d6478bd642full ^ port, a->q[1] ^ 0xe7037ed1a0b428dbull);
}

/*
 * Symmetric by construction: the two endpoints are mixed separately and
 * added, which does not depend on their order, so no compare-and-swap
 * branch is needed; the sum is then mixed with the rest of the key.
 */
uint32_t ps_packet_hash(const struct ps_packet *p)
{
	uint64_t e = endpoint_mix(&p->src, p->sport) + endpoint_mix(&p->dst, p->dport);
	uint64_t m = (uint64_t)p->family << 56 | (uint64_t)p->ip_proto << 48 |
		     (uint64_t)(p->vlan_n != 0 ? p->vlan[0] : 0) << 32 | p->tunnel_id;
	uint64_t h = mum(e ^ 0x8ebc6af09c88c6e3ull, m ^ 0x589965cc75374cc3ull);

	return (uint32_t)(h ^ (h >> 32));
}
