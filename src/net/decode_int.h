/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the decoder files (decode.c, decode_ip.c, decode_tunnel.c) share: the
 * cursor state of one ps_decode() call, the layer codes of its loop and the
 * big-endian readers. Not for use outside src/net/decode*.c.
 */
#ifndef PS_NET_DECODE_INT_H
#define PS_NET_DECODE_INT_H

#include <stdint.h>

#include "net/decode.h"

/* Layers of the decode loop: st->next says which one decodes next. */
enum ps_dec_next {
	PS_NL_DONE = 0,
	PS_NL_ETH,       /* Ethernet II header at off */
	PS_NL_IPV4,
	PS_NL_IPV6,
	PS_NL_IP_ANY,    /* IPv4 or IPv6 by the version nibble */
	PS_NL_MPLS,
	PS_NL_PPPOE,     /* PPPoE session header */
	PS_NL_PPP,       /* PPP frame: optional ff 03, then the protocol */
	PS_NL_ERSPAN2,
	PS_NL_ERSPAN3,
};

/* Caps on layer nesting that no real packet reaches. */
#define PS_DEC_MAX_LAYERS 64     /* iterations of the decode loop */
#define PS_DEC_MAX_VLAN_TAGS 4   /* per Ethernet header */
#define PS_DEC_MAX_IPV6_EXTHDR 12

/*
 * Cursor of one ps_decode() call. Invariant: off <= end <= length of pkt;
 * a layer may read [off, end) only, and narrows end when its length field
 * says the frame carries trailing bytes (Ethernet padding). A length field
 * may exceed end by at most snap (a capture cut by its snap length).
 */
struct ps_dec_state {
	const uint8_t *pkt;
	uint32_t off;
	uint32_t end;
	uint32_t snap;     /* bytes the capture cut off (wirelen - caplen) */
	uint8_t next;      /* enum ps_dec_next */
	uint8_t layers;    /* loop iterations so far */
};

static inline uint16_t ps_rd16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

static inline uint32_t ps_rd32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* Count event ev and return PS_EPROTO. */
static inline int ps_dec_ev(struct ps_decoder *d, enum ps_decode_ctr ev)
{
	d->ctr[ev]++;
	return PS_EPROTO;
}

/* Count a payload we do not decode and return PS_EUNSUP. */
static inline int ps_dec_unsup(struct ps_decoder *d, enum ps_decode_ctr c)
{
	d->ctr[c]++;
	return PS_EUNSUP;
}

/* Enter one more tunnel level (depth cap, PS_PKT_TUNNELLED). */
int ps_dec_tunnel_enter(struct ps_decoder *d, struct ps_packet *p);

/* decode_ip.c: one IP header and what it carries up to the next layer. */
int ps_dec_ipv4(struct ps_decoder *d, struct ps_packet *p, struct ps_dec_state *st);
int ps_dec_ipv6(struct ps_decoder *d, struct ps_packet *p, struct ps_dec_state *st);

/* decode_tunnel.c: GRE at st->off, UDP-borne tunnels, ERSPAN headers. */
int ps_dec_gre(struct ps_decoder *d, struct ps_packet *p, struct ps_dec_state *st);
int ps_dec_udp_tunnel(struct ps_decoder *d, struct ps_packet *p, struct ps_dec_state *st);
int ps_dec_erspan(struct ps_decoder *d, struct ps_packet *p, struct ps_dec_state *st);

static inline bool ps_dec_is_tunnel_port(const struct ps_decode_config *c, uint16_t sp,
					 uint16_t dp)
{
	return (dp == c->vxlan_port || dp == c->geneve_port || dp == c->mpls_udp_port ||
		dp == c->gtpu_port || sp == c->gtpu_port) && dp != 0 && sp != 0;
}

#endif
