/* SPDX-License-Identifier: Apache-2.0 */
/*
 * IPv4 and IPv6 fragment reassembly for the decoders: trackers keyed by
 * (family, addresses, id, protocol, VLANs, tunnel), bounded by a memory cap,
 * a tracker cap, a per-datagram fragment cap and a timeout. The decoder
 * (decode.c) owns one and feeds it every fragment it finds.
 */
#ifndef PS_NET_DEFRAG_H
#define PS_NET_DEFRAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "net/addr.h"

/* Longest reassembled datagram: the IP total / payload length limit. */
#define PS_DEFRAG_MAX_DGRAM 65535u

/* What identifies a datagram (RFC 791 §3.2, RFC 8200 §4.5), plus context. */
struct ps_defrag_key {
	struct ps_addr src, dst;
	uint32_t id;          /* IPv4 id or IPv6 fragment identification */
	uint32_t tunnel_id;
	uint16_t vlan[2];
	uint8_t family;       /* enum ps_af */
	uint8_t proto;        /* IPv4 protocol; 0 for IPv6 */
	uint8_t depth;        /* tunnel depth */
	uint8_t pad;          /* zero */
};

/* One fragment as the decoder found it; everything is borrowed. */
struct ps_defrag_frag {
	struct ps_defrag_key key;
	int64_t ts_us;
	const uint8_t *prefix;   /* frame bytes before the IP header */
	uint32_t prefix_len;
	const uint8_t *hdr;      /* IPv4 header / IPv6 unfragmentable part */
	uint32_t hdr_len;
	uint32_t nh_pos;         /* IPv6: offset in hdr of the byte naming the
	                            fragment header (patched on reassembly) */
	uint8_t nh;              /* IPv6: next header in the fragment header */
	bool more;               /* MF / M flag */
	uint32_t off;            /* fragment offset in bytes */
	const uint8_t *data;     /* fragment payload */
	uint32_t len;
};

struct ps_defrag_tracker;

/*
 * Reassembly state. Invariants: mem <= memcap, ntrackers <= max_trackers;
 * every tracker is both in its hash chain and in the age list, which is
 * ordered by creation time (oldest first) so expiry pops from the head.
 */
struct ps_defrag {
	struct ps_defrag_tracker **buckets;
	uint32_t nbuckets;       /* power of two */
	uint32_t ntrackers;
	struct ps_defrag_tracker *oldest, *newest;
	uint64_t mem, memcap;
	uint32_t max_trackers;
	uint32_t max_frags;
	int64_t timeout_us;
	uint8_t *out;            /* reassembled frame, PS_DEFRAG_OUT_SIZE bytes */
};

/* Size of the output buffer: a prefix up to 65535 bytes plus the datagram. */
#define PS_DEFRAG_OUT_SIZE (65535u + 40u + PS_DEFRAG_MAX_DGRAM)

/* Initialise df. PS_OK, PS_EINVAL (zero cap or timeout), PS_ENOMEM. */
int ps_defrag_init(struct ps_defrag *df, uint64_t memcap, uint32_t max_trackers,
		   uint32_t max_frags, uint32_t timeout_s) PS_MUST_USE;
/* Free every tracker and buffer. */
void ps_defrag_release(struct ps_defrag *df);

/*
 * Add a fragment (copied) and bump the PS_DEC_* counters in ctr. When it
 * completes its datagram, returns PS_OK with *out / *out_len set to a frame
 * of prefix (of this fragment) + the whole datagram, headers fixed up (no
 * fragment fields left), in df's buffer, valid until the next call; f may
 * point into that buffer. PS_EAGAIN: held, or dropped on a cap (counted).
 * PS_EPROTO: malformed (too large, bad length; counted).
 */
int ps_defrag_add(struct ps_defrag *df, const struct ps_defrag_frag *f, uint64_t *ctr,
		  const uint8_t **out, uint32_t *out_len) PS_MUST_USE;

/* Drop trackers created at or before now_us - timeout, counting each one
 * in ctr[PS_DEC_EV_FRAG_TIMEOUT]. */
void ps_defrag_expire(struct ps_defrag *df, int64_t now_us, uint64_t *ctr);

#endif
