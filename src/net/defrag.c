/* SPDX-License-Identifier: Apache-2.0 */
/*
 * IP fragment reassembly: a chained hash table of trackers, each holding
 * its fragments as a sorted list of disjoint byte ranges (the first copy of
 * a byte wins, as in Suricata's "first" policy), and an age list for expiry.
 * ps_decode() calls ps_defrag_add() for every IPv4/IPv6 fragment.
 */
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "net/decode.h"
#include "net/defrag.h"

/* A run of datagram bytes [off, off + len). */
struct ps_frag_ent {
	struct ps_frag_ent *next;
	uint32_t off, len;
	uint8_t data[];
};

/*
 * One datagram being reassembled. ents is sorted by off and its ranges do
 * not overlap; hdr is a copy of the IPv4 header / IPv6 unfragmentable part
 * of the offset-0 fragment (NULL until it arrives); end is the datagram
 * data length, known once the last fragment (MF = 0) arrived.
 */
struct ps_defrag_tracker {
	struct ps_defrag_tracker *hnext;
	struct ps_defrag_tracker *older, *newer;
	struct ps_defrag_key key;
	uint32_t hash;
	uint32_t nfrags;
	int64_t created_us;
	struct ps_frag_ent *ents;
	uint8_t *hdr;
	uint32_t hdr_len, nh_pos;
	uint8_t nh;
	bool have_last;
	uint32_t end;
	uint64_t mem;           /* bytes charged to df->mem */
};

static uint32_t mix32(uint32_t h, uint32_t k)
{
	k *= 0xcc9e2d51u;
	k = (k << 15) | (k >> 17);
	k *= 0x1b873593u;
	h ^= k;
	h = (h << 13) | (h >> 19);
	return h * 5 + 0xe6546b64u;
}

static uint32_t key_hash(const struct ps_defrag_key *k)
{
	uint32_t w[sizeof(*k) / 4], h = 0x9747b28cu;
	size_t i;

	memcpy(w, k, sizeof(w));
	for (i = 0; i < PS_ARRAY_LEN(w); i++)
		h = mix32(h, w[i]);
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	return h;
}

int ps_defrag_init(struct ps_defrag *df, uint64_t memcap, uint32_t max_trackers,
		   uint32_t max_frags, uint32_t timeout_s)
{
	uint32_t n = 16;

	memset(df, 0, sizeof(*df));
	if (memcap == 0 || max_trackers == 0 || max_frags == 0 || timeout_s == 0)
		return PS_EINVAL;
	while (n < max_trackers && n < (1u << 20))
		n <<= 1;
	df->buckets = ps_calloc(PS_MEM_NET, n, sizeof(*df->buckets));
	if (df->buckets == NULL)
		return PS_ENOMEM;
	df->nbuckets = n;
	df->memcap = memcap;
	df->max_trackers = max_trackers;
	df->max_frags = max_frags;
	df->timeout_us = (int64_t)timeout_s * 1000000;
	return PS_OK;
}

static void tracker_del(struct ps_defrag *df, struct ps_defrag_tracker *t)
{
	struct ps_defrag_tracker **pp = &df->buckets[t->hash & (df->nbuckets - 1)];
	struct ps_frag_ent *e, *next;

	while (*pp != t)
		pp = &(*pp)->hnext;
	*pp = t->hnext;
	if (t->older != NULL)
		t->older->newer = t->newer;
	else
		df->oldest = t->newer;
	if (t->newer != NULL)
		t->newer->older = t->older;
	else
		df->newest = t->older;
	for (e = t->ents; e != NULL; e = next) {
		next = e->next;
		ps_free(e);
	}
	ps_free(t->hdr);
	df->mem -= t->mem;
	df->ntrackers--;
	ps_free(t);
}

void ps_defrag_release(struct ps_defrag *df)
{
	while (df->oldest != NULL)
		tracker_del(df, df->oldest);
	ps_free(df->buckets);
	ps_free(df->out);
	memset(df, 0, sizeof(*df));
}

void ps_defrag_expire(struct ps_defrag *df, int64_t now_us, uint64_t *ctr)
{
	while (df->oldest != NULL && now_us - df->oldest->created_us >= df->timeout_us) {
		ctr[PS_DEC_EV_FRAG_TIMEOUT]++;
		tracker_del(df, df->oldest);
	}
}

/* Allocate n bytes charged to t under the memcap; NULL (counted) past it. */
static void *charge(struct ps_defrag *df, struct ps_defrag_tracker *t, size_t n, uint64_t *ctr)
{
	void *m = NULL;

	if (df->mem + n <= df->memcap)
		m = ps_malloc(PS_MEM_NET, n);
	if (m == NULL) {
		ctr[PS_DEC_EV_FRAG_MEMCAP]++;
		return NULL;
	}
	df->mem += n;
	if (t != NULL)
		t->mem += n;
	return m;
}

static struct ps_defrag_tracker *tracker_get(struct ps_defrag *df,
					     const struct ps_defrag_frag *f, uint64_t *ctr)
{
	uint32_t h = key_hash(&f->key);
	struct ps_defrag_tracker **b = &df->buckets[h & (df->nbuckets - 1)], *t;

	for (t = *b; t != NULL; t = t->hnext)
		if (t->hash == h && memcmp(&t->key, &f->key, sizeof(f->key)) == 0)
			return t;
	if (df->ntrackers >= df->max_trackers) {
		ctr[PS_DEC_EV_FRAG_TRACKERS_FULL]++;
		return NULL;
	}
	t = charge(df, NULL, sizeof(*t), ctr);
	if (t == NULL)
		return NULL;
	memset(t, 0, sizeof(*t));
	t->mem = sizeof(*t);
	t->key = f->key;
	t->hash = h;
	t->created_us = f->ts_us;
	t->hnext = *b;
	*b = t;
	t->older = df->newest;
	if (df->newest != NULL)
		df->newest->newer = t;
	else
		df->oldest = t;
	df->newest = t;
	df->ntrackers++;
	return t;
}

/* Store [off, off + len) of f's data before *pp; false on the memcap. */
static bool piece_add(struct ps_defrag *df, struct ps_defrag_tracker *t,
		      struct ps_frag_ent **pp, const struct ps_defrag_frag *f,
		      uint32_t off, uint32_t len, uint64_t *ctr)
{
	struct ps_frag_ent *e = charge(df, t, sizeof(*e) + len, ctr);

	if (e == NULL)
		return false;
	e->off = off;
	e->len = len;
	memcpy(e->data, f->data + (off - f->off), len);
	e->next = *pp;
	*pp = e;
	return true;
}

/*
 * Record where the datagram ends. The first last fragment wins; another
 * one with a different end, or data stored past the end, is an overlap.
 */
static bool set_end(struct ps_defrag_tracker *t, const struct ps_defrag_frag *f)
{
	uint32_t e = f->off + f->len;
	struct ps_frag_ent *x;

	if (t->have_last)
		return t->end != e;
	t->have_last = true;
	t->end = e;
	for (x = t->ents; x != NULL; x = x->next)
		if (x->off + x->len > e)
			return true;
	return false;
}

/*
 * Merge f's bytes into t, keeping bytes already there (first wins).
 * PS_OK, or PS_EAGAIN when the memcap dropped part of it (counted).
 */
static int frag_insert(struct ps_defrag *df, struct ps_defrag_tracker *t,
		       const struct ps_defrag_frag *f, uint64_t *ctr)
{
	struct ps_frag_ent **pp = &t->ents, *x;
	uint32_t cur = f->off, e = f->off + f->len, stop;
	bool overlap = false;

	if (f->off == 0 && t->hdr == NULL) {
		t->hdr = charge(df, t, f->hdr_len, ctr);
		if (t->hdr == NULL)
			return PS_EAGAIN;
		memcpy(t->hdr, f->hdr, f->hdr_len);
		t->hdr_len = f->hdr_len;
		t->nh_pos = f->nh_pos;
		t->nh = f->nh;
	}
	if (!f->more)
		overlap = set_end(t, f);
	if (t->have_last && e > t->end) {
		overlap = true;
		e = cur > t->end ? cur : t->end;
	}
	while (cur < e) {
		x = *pp;
		if (x != NULL && x->off + x->len <= cur) {
			pp = &x->next;
			continue;
		}
		stop = (x != NULL && x->off < e) ? x->off : e;
		if (stop > cur) {
			if (!piece_add(df, t, pp, f, cur, stop - cur, ctr))
				return PS_EAGAIN;
			pp = &(*pp)->next;
		}
		if (x == NULL || x->off >= e)
			break;
		overlap = true;
		cur = x->off + x->len;
		pp = &x->next;
	}
	if (overlap)
		ctr[PS_DEC_EV_FRAG_OVERLAP]++;
	return PS_OK;
}

static bool tracker_complete(const struct ps_defrag_tracker *t)
{
	const struct ps_frag_ent *x;
	uint32_t cur = 0;

	if (t->hdr == NULL || !t->have_last)
		return false;
	for (x = t->ents; x != NULL && cur < t->end; x = x->next) {
		if (x->off > cur)
			return false;
		cur = x->off + x->len;
	}
	return cur >= t->end;
}

/* RFC 1071 checksum of an IPv4 header whose checksum field is zero. */
static uint16_t ip_cksum(const uint8_t *h, uint32_t len)
{
	uint32_t s = 0, i;

	for (i = 0; i + 1 < len; i += 2)
		s += (uint32_t)h[i] << 8 | h[i + 1];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* Fix the copied IPv4 header / IPv6 unfragmentable part for dlen data bytes. */
static void fix_header(const struct ps_defrag_tracker *t, uint8_t *h, uint32_t dlen)
{
	uint32_t n;
	uint16_t c;

	if (t->key.family == PS_AF_INET) {
		n = t->hdr_len + dlen;
		h[2] = (uint8_t)(n >> 8);
		h[3] = (uint8_t)n;
		h[6] &= 0x40; /* keep DF; clear MF and the offset */
		h[7] = 0;
		h[10] = h[11] = 0;
		c = ip_cksum(h, t->hdr_len);
		h[10] = (uint8_t)(c >> 8);
		h[11] = (uint8_t)c;
		return;
	}
	n = t->hdr_len - 40 + dlen;
	h[4] = (uint8_t)(n >> 8);
	h[5] = (uint8_t)n;
	h[t->nh_pos] = t->nh;
}

/* Write prefix + header + data of the complete tracker t into df->out. */
static int assemble(struct ps_defrag *df, const struct ps_defrag_tracker *t,
		    const struct ps_defrag_frag *f, uint64_t *ctr,
		    const uint8_t **out, uint32_t *out_len)
{
	uint32_t dlen = t->end, hl = t->hdr_len, pl = f->prefix_len, n;
	const struct ps_frag_ent *x;
	uint8_t *d;

	n = t->key.family == PS_AF_INET ? hl + dlen : hl - 40 + dlen;
	if (n > PS_DEFRAG_MAX_DGRAM) {
		ctr[PS_DEC_EV_FRAG_TOO_LARGE]++;
		return PS_EPROTO;
	}
	if (df->out == NULL) {
		df->out = ps_malloc(PS_MEM_NET, PS_DEFRAG_OUT_SIZE);
		if (df->out == NULL) {
			ctr[PS_DEC_EV_FRAG_MEMCAP]++;
			return PS_EAGAIN;
		}
	}
	memmove(df->out, f->prefix, pl);
	d = df->out + pl;
	memcpy(d, t->hdr, hl);
	fix_header(t, d, dlen);
	d += hl;
	for (x = t->ents; x != NULL && x->off < dlen; x = x->next)
		memcpy(d + x->off, x->data, x->len < dlen - x->off ? x->len : dlen - x->off);
	*out = df->out;
	*out_len = pl + hl + dlen;
	return PS_OK;
}

/* RFC 791 / RFC 8200 limits a fragment must respect. */
static bool frag_too_large(const struct ps_defrag_frag *f)
{
	uint32_t unfrag = f->key.family == PS_AF_INET ? f->hdr_len : f->hdr_len - 40;

	return f->prefix_len > 65535u || f->hdr_len > 65535u + 40u ||
	       f->len > PS_DEFRAG_MAX_DGRAM ||
	       (uint64_t)unfrag + f->off + f->len > PS_DEFRAG_MAX_DGRAM;
}

int ps_defrag_add(struct ps_defrag *df, const struct ps_defrag_frag *f, uint64_t *ctr,
		  const uint8_t **out, uint32_t *out_len)
{
	struct ps_defrag_tracker *t;
	int rc;

	ps_defrag_expire(df, f->ts_us, ctr);
	if (f->more && (f->len & 7) != 0) {
		ctr[PS_DEC_EV_FRAG_INVALID_LEN]++;
		return PS_EPROTO;
	}
	if (frag_too_large(f)) {
		ctr[PS_DEC_EV_FRAG_TOO_LARGE]++;
		return PS_EPROTO;
	}
	t = tracker_get(df, f, ctr);
	if (t == NULL)
		return PS_EAGAIN;
	if (t->nfrags >= df->max_frags) {
		/* It can never complete within the cap: free it now. */
		ctr[PS_DEC_EV_FRAG_TOO_MANY]++;
		tracker_del(df, t);
		return PS_EAGAIN;
	}
	t->nfrags++;
	rc = frag_insert(df, t, f, ctr);
	if (rc != PS_OK || !tracker_complete(t))
		return rc == PS_OK ? PS_EAGAIN : rc;
	rc = assemble(df, t, f, ctr, out, out_len);
	tracker_del(df, t);
	return rc;
}
