/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tunnel decoders: GRE (version 0 with its optional fields, version 1 for
 * PPTP), ERSPAN types I-III inside GRE, and the UDP-borne tunnels VXLAN,
 * Geneve, GTP-U and MPLS-in-UDP. Each checks its header, enters one tunnel
 * level and names the inner layer for the loop in decode.c.
 */
#include <string.h>

#include "core/core.h"
#include "net/decode.h"
#include "net/decode_int.h"

#define GRE_C 0x8000u   /* checksum present */
#define GRE_R 0x4000u   /* routing present (RFC 1701) */
#define GRE_K 0x2000u   /* key present */
#define GRE_S 0x1000u   /* sequence number present */
#define GRE_SSR 0x0800u /* strict source route */
#define GRE_RECUR 0x0700u
#define GRE_A 0x0080u   /* acknowledgment present (RFC 2637) */
#define GRE_FLAGS 0x0078u

/* Enter a tunnel whose inner layer is `next`, with identifier id. */
static int tunnel(struct ps_decoder *d, struct ps_packet *p, struct ps_dec_state *st,
		  enum ps_dec_next next, uint32_t id)
{
	int rc = ps_dec_tunnel_enter(d, p);

	if (rc != PS_OK)
		return rc;
	p->tunnel_id = id;
	st->next = (uint8_t)next;
	return PS_OK;
}

/* Source route entries (RFC 1701 §2.1.1) up to the NULL SRE. */
static int gre_sre(struct ps_decoder *d, struct ps_dec_state *st, uint32_t *hl)
{
	uint32_t avail = st->end - st->off;
	const uint8_t *s;

	for (;;) {
		if (avail - *hl < 4)
			return ps_dec_ev(d, PS_DEC_EV_GRE_V0_MALFORMED_SRE);
		s = st->pkt + st->off + *hl;
		*hl += 4;
		if (s[3] == 0)
			return ps_rd16(s) == 0 ? PS_OK : ps_dec_ev(d, PS_DEC_EV_GRE_V0_MALFORMED_SRE);
		if (s[3] > avail - *hl)
			return ps_dec_ev(d, PS_DEC_EV_GRE_V0_MALFORMED_SRE);
		*hl += s[3];
	}
}

/* GRE version 0 (RFC 2784, RFC 2890, RFC 1701): *hl and *key out. */
static int gre_v0(struct ps_decoder *d, struct ps_dec_state *st, uint16_t fl, uint32_t *hl,
		  uint32_t *key)
{
	const uint8_t *h = st->pkt + st->off;
	uint32_t avail = st->end - st->off;

	if (fl & GRE_RECUR)
		return ps_dec_ev(d, PS_DEC_EV_GRE_V0_RECUR);
	if (fl & (GRE_FLAGS | GRE_A))
		return ps_dec_ev(d, PS_DEC_EV_GRE_V0_FLAGS);
	*hl = 4 + ((fl & (GRE_C | GRE_R)) ? 4 : 0);
	if (fl & GRE_K) {
		if (avail < *hl + 4)
			return ps_dec_ev(d, PS_DEC_EV_GRE_TRUNC);
		*key = ps_rd32(h + *hl);
		*hl += 4;
	}
	if (fl & GRE_S)
		*hl += 4;
	if (avail < *hl)
		return ps_dec_ev(d, PS_DEC_EV_GRE_TRUNC);
	if (fl & GRE_R)
		return gre_sre(d, st, hl);
	return PS_OK;
}

/*
 * Enhanced GRE for PPTP (RFC 2637 §4.1): K set, C R s recursion and flags
 * clear, protocol PPP; the key is payload length and call id.
 */
static int gre_v1(struct ps_decoder *d, struct ps_dec_state *st, uint16_t fl, uint16_t proto,
		  uint32_t *hl, uint32_t *key)
{
	const uint8_t *h = st->pkt + st->off;

	if ((fl & (GRE_C | GRE_R | GRE_K | GRE_SSR | GRE_RECUR | GRE_FLAGS)) != GRE_K ||
	    proto != 0x880b)
		return ps_dec_ev(d, PS_DEC_EV_GRE_V1_MALFORMED);
	*hl = 8 + ((fl & GRE_S) ? 4 : 0) + ((fl & GRE_A) ? 4 : 0);
	if (st->end - st->off < *hl)
		return ps_dec_ev(d, PS_DEC_EV_GRE_TRUNC);
	*key = ps_rd16(h + 6);
	if (ps_rd16(h + 4) == 0) /* acknowledgment only, no payload */
		*hl = 0;
	return PS_OK;
}

int ps_dec_gre(struct ps_decoder *d, struct ps_packet *p, struct ps_dec_state *st)
{
	const uint8_t *h = st->pkt + st->off;
	uint32_t hl = 0, key = 0;
	uint16_t fl, proto;
	enum ps_dec_next next;
	int rc;

	d->ctr[PS_DEC_GRE]++;
	if (st->end - st->off < 4)
		return ps_dec_ev(d, PS_DEC_EV_GRE_TRUNC);
	fl = ps_rd16(h);
	proto = ps_rd16(h + 2);
	if ((fl & 7) == 0)
		rc = gre_v0(d, st, fl, &hl, &key);
	else if ((fl & 7) == 1) {
		rc = gre_v1(d, st, fl, proto, &hl, &key);
		/* PPTP call ids differ per direction: not a flow context. */
		key = 0;
	} else
		rc = ps_dec_ev(d, PS_DEC_EV_GRE_WRONG_VERSION);
	st->next = PS_NL_DONE;
	if (rc != PS_OK || hl == 0)
		return rc;
	switch (proto) {
	case 0x0800: next = PS_NL_IPV4; break;
	case 0x86dd: next = PS_NL_IPV6; break;
	case 0x6558: next = PS_NL_ETH; break;
	case 0x8847:
	case 0x8848: next = PS_NL_MPLS; break;
	case 0x880b: next = PS_NL_PPP; break;
	case 0x88be: next = (fl & GRE_S) ? PS_NL_ERSPAN2 : PS_NL_ETH; break; /* type I: no header */
	case 0x22eb: next = PS_NL_ERSPAN3; break;
	default: return ps_dec_unsup(d, PS_DEC_OTHER_L3);
	}
	st->off += hl;
	return tunnel(d, p, st, next, key);
}

/*
 * ERSPAN type II (version 1, 8 bytes) and type III (version 2, 12 bytes
 * plus an optional 8-byte platform sub-header), draft-foschiano-erspan.
 * The mirrored frame's VLAN is recorded like an 802.1Q tag.
 */
int ps_dec_erspan(struct ps_decoder *d, struct ps_packet *p, struct ps_dec_state *st)
{
	const uint8_t *h = st->pkt + st->off;
	uint32_t avail = st->end - st->off, hl = st->next == PS_NL_ERSPAN2 ? 8 : 12;
	uint16_t vlan;

	d->ctr[PS_DEC_ERSPAN]++;
	if (avail < hl)
		return ps_dec_ev(d, PS_DEC_EV_ERSPAN_TRUNC);
	if (h[0] >> 4 != (hl == 8 ? 1 : 2))
		return ps_dec_ev(d, PS_DEC_EV_ERSPAN_BAD_VERSION);
	if (hl == 12 && (h[11] & 1))
		hl += 8;
	if (avail < hl)
		return ps_dec_ev(d, PS_DEC_EV_ERSPAN_TRUNC);
	vlan = ps_rd16(h) & 0x0fff;
	if (vlan != 0) {
		if (p->vlan_n < PS_PKT_MAX_VLAN)
			p->vlan[p->vlan_n] = vlan;
		if (p->vlan_n < UINT8_MAX)
			p->vlan_n++;
	}
	st->off += hl;
	/* Type III frame type (bits 1-5 of byte 10): 0 Ethernet, 2 IP. */
	if (hl != 8 && ((h[10] >> 1) & 0x1f) != 0) {
		if (((h[10] >> 1) & 0x1f) != 2)
			return ps_dec_unsup(d, PS_DEC_OTHER_L3);
		st->next = PS_NL_IP_ANY;
		return PS_OK;
	}
	st->next = PS_NL_ETH;
	return PS_OK;
}

/* VXLAN (RFC 7348 §5): flags with I set, VNI, then Ethernet. */
static int dec_vxlan(struct ps_decoder *d, struct ps_packet *p, struct ps_dec_state *st)
{
	const uint8_t *h = st->pkt + st->off;

	if (st->end - st->off < 8 || (h[0] & 0x08) == 0)
		return PS_OK; /* not VXLAN: plain UDP */
	d->ctr[PS_DEC_VXLAN]++;
	st->off += 8;
	return tunnel(d, p, st, PS_NL_ETH, ps_rd32(h + 4) >> 8);
}

/* Geneve (RFC 8926 §3.4): version 0, options, protocol type, VNI. */
static int dec_geneve(struct ps_decoder *d, struct ps_packet *p, struct ps_dec_state *st)
{
	const uint8_t *h = st->pkt + st->off;
	uint32_t hl;
	enum ps_dec_next next;

	if (st->end - st->off < 8 || (h[0] >> 6) != 0)
		return PS_OK;
	d->ctr[PS_DEC_GENEVE]++;
	hl = 8 + (uint32_t)(h[0] & 0x3f) * 4;
	if (st->end - st->off < hl)
		return ps_dec_ev(d, PS_DEC_EV_GENEVE_TRUNC);
	switch (ps_rd16(h + 2)) {
	case 0x6558: next = PS_NL_ETH; break;
	case 0x0800: next = PS_NL_IPV4; break;
	case 0x86dd: next = PS_NL_IPV6; break;
	default: return ps_dec_unsup(d, PS_DEC_OTHER_L3);
	}
	st->off += hl;
	return tunnel(d, p, st, next, ps_rd32(h + 4) >> 8);
}

/* GTP-U extension header chain (TS 29.281 §5.2): length in 4-byte units. */
static int gtpu_ext(struct ps_decoder *d, struct ps_dec_state *st, uint32_t *hl, uint8_t nxt)
{
	uint32_t avail = st->end - st->off, len;
	const uint8_t *e;

	while (nxt != 0) {
		if (avail - *hl < 4)
			return ps_dec_ev(d, PS_DEC_EV_GTPU_TRUNC);
		e = st->pkt + st->off + *hl;
		len = (uint32_t)e[0] * 4;
		if (len == 0)
			return ps_dec_ev(d, PS_DEC_EV_GTPU_BAD_EXT);
		if (len > avail - *hl)
			return ps_dec_ev(d, PS_DEC_EV_GTPU_TRUNC);
		nxt = e[len - 1];
		*hl += len;
	}
	return PS_OK;
}

/*
 * GTP-U v1 (TS 29.281 §5.1): 8 bytes, then sequence / N-PDU / next
 * extension type when any of E S PN is set. Only G-PDUs (type 255) carry
 * a user packet; other messages stay plain UDP.
 */
static int dec_gtpu(struct ps_decoder *d, struct ps_packet *p, struct ps_dec_state *st)
{
	const uint8_t *h = st->pkt + st->off;
	uint32_t hl = 8, len;
	uint8_t nib;
	int rc;

	if (st->end - st->off < 8 || (h[0] & 0xf0) != 0x30)
		return PS_OK; /* not GTPv1 with PT = 1 */
	d->ctr[PS_DEC_GTPU]++;
	len = ps_rd16(h + 2);
	if (len > st->end - st->off - 8)
		return ps_dec_ev(d, PS_DEC_EV_GTPU_TRUNC);
	st->end = st->off + 8 + len;
	if (h[0] & 0x07) {
		hl = 12;
		if (len < 4)
			return ps_dec_ev(d, PS_DEC_EV_GTPU_TRUNC);
		rc = gtpu_ext(d, st, &hl, h[11]);
		if (rc != PS_OK)
			return rc;
	}
	if (h[1] != 255)
		return PS_OK;
	nib = st->end - st->off > hl ? st->pkt[st->off + hl] >> 4 : 0;
	if (nib != 4 && nib != 6)
		return ps_dec_ev(d, PS_DEC_EV_GTPU_UNKNOWN_PAYLOAD);
	st->off += hl;
	/*
	 * Each direction of a GTP-U bearer has its own TEID, so the TEID
	 * would split one inner flow in two: it is not used as context.
	 */
	return tunnel(d, p, st, nib == 4 ? PS_NL_IPV4 : PS_NL_IPV6, 0);
}

int ps_dec_udp_tunnel(struct ps_decoder *d, struct ps_packet *p, struct ps_dec_state *st)
{
	const struct ps_decode_config *c = &d->cfg;

	if (p->dport == c->vxlan_port)
		return dec_vxlan(d, p, st);
	if (p->dport == c->geneve_port)
		return dec_geneve(d, p, st);
	if (p->dport == c->gtpu_port || p->sport == c->gtpu_port)
		return dec_gtpu(d, p, st);
	if (p->dport == c->mpls_udp_port && st->end - st->off >= 4)
		return tunnel(d, p, st, PS_NL_MPLS, 0);
	return PS_OK;
}
