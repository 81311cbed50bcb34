/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The per-worker flow table: a chained hash of flows under a keyed hash,
 * flows carved from slabs and recycled through a free list, one timeout
 * list per (protocol class, flow state) ordered by queueing time, and a
 * memcap enforced by evicting the flow closest to its timeout. TCP state
 * is tracked here; the byte streams are reassembled in stream.c.
 */
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#include "core/core.h"
#include "net/flow.h"

#define US_PER_S INT64_C(1000000)
#define SLAB_FLOWS 256        /* flows per slab (fewer near the memcap) */
#define SLOT_ALIGN 64         /* cache line */
#define FLOW_ID_MASK ((UINT64_C(1) << 51) - 1)

/* A flow and its TCP session share one slot, so TCP needs no allocation. */
struct flow_slot {
	struct ps_flow flow;
	struct ps_tcp_session tcp;
};

#define SLOT_SIZE ((sizeof(struct flow_slot) + SLOT_ALIGN - 1) & ~(size_t)(SLOT_ALIGN - 1))

/* Slab header; the slots follow at the next cache-line boundary. */
struct ps_flow_slab {
	struct ps_flow_slab *next;
	size_t bytes; /* charged to the memcap */
};

#define SLAB_OVERHEAD (sizeof(struct ps_flow_slab) + SLOT_ALIGN)

/* Tags of tables, so that a hash kept in a packet is used by its table only. */
static _Atomic uint32_t last_tag;

/* Seeds of flow_id: fixed, so the same capture gives the same ids. */
static const uint64_t id_seed[4] = {
	UINT64_C(0x243f6a8885a308d3), UINT64_C(0x13198a2e03707344),
	UINT64_C(0xa4093822299f31d0), UINT64_C(0x082efa98ec4e6c89),
};

size_t ps_flow_mem_per_flow(void)
{
	return SLOT_SIZE;
}

size_t ps_flow_mem_per_slab(void)
{
	return SLAB_OVERHEAD + SLAB_FLOWS * SLOT_SIZE;
}

void ps_flow_config_default(struct ps_flow_config *c)
{
	static const struct ps_flow_timeouts tcp = {60, 600, 60, 5, 100, 10};
	static const struct ps_flow_timeouts dgram = {30, 300, 0, 10, 100, 0};

	memset(c, 0, sizeof(*c));
	c->memcap = UINT64_C(512) << 20;
	c->hash_size = 1u << 18;
	c->emergency_recovery = 30;
	c->timeout[PS_FLOW_PROTO_TCP] = tcp;
	c->timeout[PS_FLOW_PROTO_UDP] = dgram;
	c->timeout[PS_FLOW_PROTO_ICMP] = dgram;
	c->timeout[PS_FLOW_PROTO_OTHER] = dgram;
	c->stream.depth = 1u << 20;
	c->stream.ooo_max_bytes = 64u << 10;
	c->stream.ooo_max_segs = 64;
}

const char *ps_flow_state_name(enum ps_flow_state s)
{
	static const char *const names[] = {"new", "established", "closed"};

	return (unsigned)s < PS_ARRAY_LEN(names) ? names[s] : "?";
}

const char *ps_flow_end_name(enum ps_flow_end why)
{
	static const char *const names[] = {"timeout", "shutdown", "memcap", "reuse"};

	return (unsigned)why < PS_ARRAY_LEN(names) ? names[why] : "?";
}

const char *ps_tcp_state_name(enum ps_tcp_state s)
{
	static const char *const names[] = {
		"none", "syn_sent", "syn_recv", "established", "fin_wait", "closing", "closed",
	};

	return (unsigned)s < PS_ARRAY_LEN(names) ? names[s] : "?";
}

/* ---- memory ---------------------------------------------------------- */

bool ps_flow_table_charge(struct ps_flow_table *t, uint64_t n)
{
	if (n > t->cfg.memcap - t->st.mem_bytes)
		return false;
	t->st.mem_bytes += n;
	if (t->st.mem_bytes > t->st.peak_mem_bytes)
		t->st.peak_mem_bytes = t->st.mem_bytes;
	return true;
}

void ps_flow_table_refund(struct ps_flow_table *t, uint64_t n)
{
	t->st.mem_bytes -= n;
}

/* Bytes in use (not merely held): what emergency recovery looks at. */
static uint64_t mem_in_use(const struct ps_flow_table *t)
{
	return (uint64_t)(t->mask + 1) * sizeof(*t->buckets) +
	       t->st.active * SLOT_SIZE + t->segs_used * ps_flow_mem_per_chunk();
}

/* Add a slab of up to SLAB_FLOWS flows to the free list, within the memcap. */
static int slab_grow(struct ps_flow_table *t)
{
	uint64_t room = t->cfg.memcap - t->st.mem_bytes;
	struct ps_flow_slab *sl;
	size_t n = SLAB_FLOWS, bytes;
	uintptr_t base;

	if (room < SLAB_OVERHEAD + SLOT_SIZE)
		return PS_ELIMIT;
	if (n > (room - SLAB_OVERHEAD) / SLOT_SIZE)
		n = (room - SLAB_OVERHEAD) / SLOT_SIZE;
	bytes = SLAB_OVERHEAD + n * SLOT_SIZE;
	sl = ps_malloc(PS_MEM_FLOW, bytes);
	if (sl == NULL)
		return PS_ENOMEM;
	if (!ps_flow_table_charge(t, bytes)) {
		ps_free(sl);
		return PS_ELIMIT;
	}
	sl->bytes = bytes;
	sl->next = t->slabs;
	t->slabs = sl;
	base = ((uintptr_t)(sl + 1) + SLOT_ALIGN - 1) & ~(uintptr_t)(SLOT_ALIGN - 1);
	for (size_t i = n; i-- > 0;) {
		struct ps_flow *f = (struct ps_flow *)(base + i * SLOT_SIZE);

		f->hnext = t->free_flows;
		t->free_flows = f;
	}
	return PS_OK;
}

/* ---- lists and hash chains ------------------------------------------- */

static void list_unlink(struct ps_flow_table *t, struct ps_flow *f)
{
	struct ps_flow_list *l = &t->lists[f->list];

	if (f->lprev != NULL)
		f->lprev->lnext = f->lnext;
	else
		l->head = f->lnext;
	if (f->lnext != NULL)
		f->lnext->lprev = f->lprev;
	else
		l->tail = f->lprev;
}

static void list_append(struct ps_flow_table *t, struct ps_flow *f, unsigned list)
{
	struct ps_flow_list *l = &t->lists[list];

	f->list = (uint8_t)list;
	f->q_us = t->now_us;
	f->lnext = NULL;
	f->lprev = l->tail;
	if (l->tail != NULL)
		l->tail->lnext = f;
	else
		l->head = f;
	l->tail = f;
}

static void hash_link(struct ps_flow_table *t, struct ps_flow *f)
{
	struct ps_flow **b = &t->buckets[f->hash & t->mask];

	f->hnext = *b;
	if (*b != NULL)
		(*b)->hpprev = &f->hnext;
	f->hpprev = b;
	*b = f;
}

static void hash_unlink(struct ps_flow *f)
{
	*f->hpprev = f->hnext;
	if (f->hnext != NULL)
		f->hnext->hpprev = f->hpprev;
}

/* Call the end callback, then unlink f and put it on the free list. */
static void flow_end(struct ps_flow_table *t, struct ps_flow *f, enum ps_flow_end why)
{
	if (t->on_end != NULL)
		t->on_end(t->arg, f, why);
	hash_unlink(f);
	list_unlink(t, f);
	if (f->tcp != NULL)
		ps_stream_session_release(f->tcp);
	f->hnext = t->free_flows;
	t->free_flows = f;
	t->st.active--;
}

/*
 * The list head ending first: smallest last_us + timeout (by_timeout), or
 * smallest q_us. Ties go to the lower list index. NULL when empty.
 */
static struct ps_flow *oldest_head(const struct ps_flow_table *t, bool by_timeout)
{
	struct ps_flow *best = NULL;
	int64_t best_at = 0;

	for (unsigned i = 0; i < PS_FLOW_LISTS; i++) {
		struct ps_flow *f = t->lists[i].head;
		int64_t at;

		if (f == NULL)
			continue;
		at = by_timeout ? f->last_us + t->timeout_us[t->emergency][i] : f->q_us;
		if (best == NULL || at < best_at) {
			best = f;
			best_at = at;
		}
	}
	return best;
}

/* A free slot: recycled, from a new slab, or taken from an evicted flow. */
static struct ps_flow *slot_get(struct ps_flow_table *t)
{
	struct ps_flow *f;

	if (t->free_flows == NULL && slab_grow(t) != PS_OK && t->segs_cached != 0) {
		ps_stream_cache_drain(t);
		(void)slab_grow(t);
	}
	if (t->free_flows == NULL) {
		f = oldest_head(t, true);
		if (f == NULL)
			return NULL;
		if (!t->emergency) {
			t->emergency = true;
			t->st.emergencies++;
		}
		flow_end(t, f, PS_FLOW_END_MEMCAP);
		t->st.evicted_memcap++;
	}
	f = t->free_flows;
	t->free_flows = f->hnext;
	/* Freed slots go cold before they are reused: load the next one now. */
	if (t->free_flows != NULL)
		for (size_t off = 0; off < SLOT_SIZE; off += 64)
			__builtin_prefetch((char *)t->free_flows + off, 1);
	memset(f, 0, SLOT_SIZE);
	return f;
}

/* ---- keys ------------------------------------------------------------ */

static inline uint64_t mum(uint64_t a, uint64_t b)
{
	__uint128_t r = (__uint128_t)a * b;

	return (uint64_t)r ^ (uint64_t)(r >> 64);
}

/* Keyed hash of the 48 key bytes (wyhash-style multiply-fold). */
static inline uint64_t key_hash(const struct ps_flow_key *k, const uint64_t s[4])
{
	uint64_t w[6], h;

	_Static_assert(sizeof(*k) == sizeof(w), "flow key is six words");
	memcpy(w, k, sizeof(w));
	h = mum(w[0] ^ s[0], w[1] ^ s[1]);
	h ^= mum(w[2] ^ s[2], w[3] ^ s[3]);
	h ^= mum(w[4] ^ s[1] ^ s[2], w[5] ^ s[0] ^ s[3]);
	return mum(h ^ s[3], UINT64_C(0x9e3779b97f4a7c15) ^ s[0]);
}

static inline bool key_eq(const struct ps_flow_key *a, const struct ps_flow_key *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

/* Normalised key of p; *swapped tells whether p's source became hi. */
static inline void key_make(const struct ps_packet *p, struct ps_flow_key *k, int *swapped)
{
	int sw;

	if (p->src.q[0] != p->dst.q[0])
		sw = p->src.q[0] > p->dst.q[0];
	else if (p->src.q[1] != p->dst.q[1])
		sw = p->src.q[1] > p->dst.q[1];
	else
		sw = p->sport > p->dport;
	if (sw) {
		k->lo = p->dst;
		k->hi = p->src;
		k->plo = p->dport;
		k->phi = p->sport;
	} else {
		k->lo = p->src;
		k->hi = p->dst;
		k->plo = p->sport;
		k->phi = p->dport;
	}
	k->family = p->family;
	k->ip_proto = p->ip_proto;
	k->vlan = p->vlan_n > 0 ? (p->vlan[0] & 0x0fff) : 0;
	k->vlan2 = p->vlan_n > 1 ? (p->vlan[1] & 0x0fff) : 0;
	k->tunnel_id = p->tunnel_id;
	k->pad = 0;
	*swapped = sw;
}

static unsigned proto_class(uint8_t ip_proto)
{
	switch (ip_proto) {
	case PS_IPPROTO_TCP:
		return PS_FLOW_PROTO_TCP;
	case PS_IPPROTO_UDP:
		return PS_FLOW_PROTO_UDP;
	case PS_IPPROTO_ICMP:
	case PS_IPPROTO_ICMPV6:
		return PS_FLOW_PROTO_ICMP;
	default:
		return PS_FLOW_PROTO_OTHER;
	}
}

/* ---- TCP state ------------------------------------------------------- */

#define SEQ_GEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) >= 0)

/* Handshake part of the state machine (states before FIN or RST). */
static void tcp_open(struct ps_flow *f, uint8_t fl, int dir)
{
	bool syn = fl & PS_TH_SYN, ack = fl & PS_TH_ACK;

	switch (f->tcp_state) {
	case PS_TCP_NONE: /* first packet */
		if (syn)
			f->tcp_state = ack ? PS_TCP_SYN_RECV : PS_TCP_SYN_SENT;
		else
			f->tcp_state = PS_TCP_ESTABLISHED; /* midstream */
		break;
	case PS_TCP_SYN_SENT:
		if (syn && ack && dir == PS_FLOW_TOCLIENT)
			f->tcp_state = PS_TCP_SYN_RECV;
		else if (!syn && (ack || dir == PS_FLOW_TOCLIENT))
			f->tcp_state = PS_TCP_ESTABLISHED; /* SYN+ACK not captured */
		break;
	case PS_TCP_SYN_RECV:
		if (!syn && ack)
			f->tcp_state = PS_TCP_ESTABLISHED;
		break;
	default:
		break;
	}
}

/* Update f->tcp_state with packet p of direction dir (RFC 793 section 3.5 close). */
static void tcp_track(struct ps_flow *f, const struct ps_packet *p, int dir)
{
	struct ps_tcp_session *s = f->tcp;
	uint8_t fl = p->tcp_flags;

	if (f->tcp_state == PS_TCP_CLOSED)
		return;
	if (fl & PS_TH_RST) {
		f->tcp_state = PS_TCP_CLOSED;
		return;
	}
	tcp_open(f, fl, dir);
	if ((fl & PS_TH_FIN) && !(s->fin_seen & (1u << dir))) {
		s->fin_seen |= (uint8_t)(1u << dir);
		s->fin_seq[dir] = p->tcp_seq + p->payload_len + ((fl & PS_TH_SYN) ? 1 : 0);
		if (s->fin_seen == 3)
			f->tcp_state = PS_TCP_CLOSED;
		else if (f->tcp_state < PS_TCP_FIN_WAIT)
			f->tcp_state = PS_TCP_FIN_WAIT;
	} else if (f->tcp_state == PS_TCP_FIN_WAIT && (fl & PS_TH_ACK) &&
		   !(s->fin_seen & (1u << dir)) &&
		   SEQ_GEQ(p->tcp_ack, s->fin_seq[!dir] + 1)) {
		f->tcp_state = PS_TCP_CLOSING; /* the FIN was acknowledged */
	}
}

static uint8_t flow_state(const struct ps_flow *f)
{
	if (f->tcp != NULL) {
		if (f->tcp_state == PS_TCP_CLOSED)
			return PS_FLOW_CLOSED;
		if (f->tcp_state < PS_TCP_ESTABLISHED)
			return PS_FLOW_NEW;
	}
	return f->seen == 3 ? PS_FLOW_ESTABLISHED : PS_FLOW_NEW;
}

/* ---- lookup ---------------------------------------------------------- */

/* Orientation rule of the first packet: does it come from the server? */
static bool first_from_server(const struct ps_packet *p)
{
	uint8_t fl = p->tcp_flags;

	if (p->ip_proto != PS_IPPROTO_TCP)
		return false;
	if ((fl & (PS_TH_SYN | PS_TH_ACK)) == (PS_TH_SYN | PS_TH_ACK))
		return true;
	return !(fl & PS_TH_SYN) && p->sport < 1024 && p->dport >= 1024;
}

static struct ps_flow *flow_new(struct ps_flow_table *t, const struct ps_packet *p,
				const struct ps_flow_key *k, uint32_t hash, int swapped)
{
	struct ps_flow *f = slot_get(t);
	bool rev;

	if (f == NULL) {
		t->st.memcap_drops++;
		return NULL;
	}
	rev = first_from_server(p);
	f->key = *k;
	f->hash = hash;
	f->cli_hi = (uint8_t)(swapped ^ rev);
	f->cli = rev ? p->dst : p->src;
	f->srv = rev ? p->src : p->dst;
	f->cport = rev ? p->dport : p->sport;
	f->sport = rev ? p->sport : p->dport;
	f->family = p->family;
	f->ip_proto = p->ip_proto;
	f->vlan = k->vlan;
	f->tunnel_id = p->tunnel_id;
	f->start_us = f->last_us = p->ts_us;
	f->flow_id = mum(key_hash(k, id_seed) ^ (uint64_t)p->ts_us, id_seed[1]) & FLOW_ID_MASK;
	if (f->flow_id == 0)
		f->flow_id = 1;
	if (p->ip_proto == PS_IPPROTO_TCP) {
		f->tcp = &((struct flow_slot *)f)->tcp;
		f->tcp->table = t;
	}
	hash_link(t, f);
	f->pclass = (uint8_t)proto_class(p->ip_proto);
	list_append(t, f, f->pclass * 3u + PS_FLOW_NEW);
	t->st.created++;
	if (++t->st.active > t->st.peak_active)
		t->st.peak_active = t->st.active;
	return f;
}

static void flow_update(struct ps_flow_table *t, struct ps_flow *f, const struct ps_packet *p,
			int dir)
{
	unsigned list;

	if (p->ts_us > f->last_us)
		f->last_us = p->ts_us;
	f->pkts[dir]++;
	f->bytes[dir] += p->wirelen;
	f->seen |= (uint8_t)(1u << dir);
	if (f->tcp != NULL) {
		f->tcp_flags[dir] |= p->tcp_flags;
		tcp_track(f, p, dir);
	}
	f->state = flow_state(f);
	list = f->pclass * 3u + f->state;
	/* requeue at most once a second of table time: fewer cache misses */
	if (list != f->list || t->now_us - f->q_us >= US_PER_S) {
		list_unlink(t, f);
		list_append(t, f, list);
	}
}

void ps_flow_table_prefetch(const struct ps_flow_table *t, struct ps_packet *p)
{
	struct ps_flow_key k;
	int sw;

	if (!(p->flags & PS_PKT_HAS_L3) || t->buckets == NULL)
		return;
	key_make(p, &k, &sw);
	p->flow_hash = (uint32_t)key_hash(&k, t->seed);
	p->flow_tag = t->tag;
	__builtin_prefetch(&t->buckets[p->flow_hash & t->mask]);
}

bool ps_flow_table_prefetch_flow(const struct ps_flow_table *t, const struct ps_packet *p)
{
	const struct ps_flow *f;

	if (p->flow_tag != t->tag || t->buckets == NULL)
		return false;
	f = t->buckets[p->flow_hash & t->mask];
	if (f == NULL)
		return true;   /* the packet will start a flow */
	/* lookup line, update line and, for TCP, the session's lines */
	__builtin_prefetch(f);
	__builtin_prefetch((const char *)f + 64);
	if (p->ip_proto == PS_IPPROTO_TCP) {
		__builtin_prefetch(&((const struct flow_slot *)f)->tcp);
		__builtin_prefetch((const char *)&((const struct flow_slot *)f)->tcp + 64);
	}
	return false;
}

struct ps_flow *ps_flow_table_get(struct ps_flow_table *t, const struct ps_packet *p, int *dir)
{
	struct ps_flow_key k;
	struct ps_flow *f;
	uint32_t h;
	int sw, d;

	if (!(p->flags & PS_PKT_HAS_L3))
		return NULL;
	if (p->ts_us > t->now_us)
		t->now_us = p->ts_us;
	key_make(p, &k, &sw);
	if (p->flow_tag == t->tag)
		h = p->flow_hash;
	else
		h = (uint32_t)key_hash(&k, t->seed);
	for (f = t->buckets[h & t->mask]; f != NULL; f = f->hnext)
		if (f->hash == h && key_eq(&f->key, &k))
			break;
	if (f != NULL && f->tcp_state == PS_TCP_CLOSED &&
	    (p->tcp_flags & (PS_TH_SYN | PS_TH_ACK)) == PS_TH_SYN) {
		flow_end(t, f, PS_FLOW_END_REUSE);
		t->st.tcp_reuse++;
		f = NULL;
	}
	if (f == NULL) {
		f = flow_new(t, p, &k, h, sw);
		if (f == NULL)
			return NULL;
	}
	d = sw != f->cli_hi ? PS_FLOW_TOCLIENT : PS_FLOW_TOSERVER;
	flow_update(t, f, p, d);
	*dir = d;
	return f;
}

/* ---- time ------------------------------------------------------------ */

/*
 * Flows are ended in list order and each is cold: load the one after next
 * (its slot was loaded a step earlier, so following its link does not
 * wait) and the engine data of the next one.
 */
static inline void prefetch_next(const struct ps_flow *f)
{
	const struct ps_flow *n1 = f->lnext, *n2;

	if (n1 == NULL)
		return;
	if (n1->app != NULL)
		__builtin_prefetch(n1->app);
	n2 = n1->lnext;
	if (n2 != NULL)
		for (size_t off = 0; off < SLOT_SIZE; off += 64)
			__builtin_prefetch((const char *)n2 + off);
}

static void expire(struct ps_flow_table *t, int64_t now)
{
	for (unsigned i = 0; i < PS_FLOW_LISTS; i++) {
		int64_t to = t->timeout_us[t->emergency][i];
		struct ps_flow *f;

		/* q_us order: a later flow is at most 1 s fresher than the head */
		while ((f = t->lists[i].head) != NULL && now - f->last_us > to) {
			prefetch_next(f);
			flow_end(t, f, PS_FLOW_END_TIMEOUT);
			t->st.timed_out++;
		}
	}
}

void ps_flow_table_tick(struct ps_flow_table *t, int64_t now_us)
{
	int64_t sec;

	if (now_us > t->now_us)
		t->now_us = now_us;
	if (now_us < t->next_tick_us)
		return;
	sec = now_us / US_PER_S - (now_us % US_PER_S < 0);
	t->next_tick_us = (sec + 1) * US_PER_S;
	expire(t, now_us);
	if (t->emergency && mem_in_use(t) * 100 <
	    t->cfg.memcap * (100 - t->cfg.emergency_recovery))
		t->emergency = false;
}

void ps_flow_table_flush(struct ps_flow_table *t)
{
	struct ps_flow *f;

	if (t->buckets == NULL)
		return;
	while ((f = oldest_head(t, false)) != NULL) {
		prefetch_next(f);
		flow_end(t, f, PS_FLOW_END_SHUTDOWN);
	}
}

/* ---- life cycle ------------------------------------------------------ */

int ps_flow_table_init(struct ps_flow_table *t, const struct ps_flow_config *c,
		       ps_flow_end_fn on_end, void *arg)
{
	uint64_t bucket_bytes;

	memset(t, 0, sizeof(*t));
	if (c->hash_size == 0 || (c->hash_size & (c->hash_size - 1)) != 0 ||
	    c->emergency_recovery > 100)
		return PS_EINVAL;
	bucket_bytes = (uint64_t)c->hash_size * sizeof(*t->buckets);
	if (bucket_bytes > c->memcap)
		return PS_EINVAL;
	t->cfg = *c;
	t->buckets = ps_calloc(PS_MEM_FLOW, c->hash_size, sizeof(*t->buckets));
	if (t->buckets == NULL)
		return PS_ENOMEM;
	(void)ps_flow_table_charge(t, bucket_bytes);
	t->mask = c->hash_size - 1;
	t->tag = atomic_fetch_add(&last_tag, 1) + 1;
	if (t->tag == 0)
		t->tag = atomic_fetch_add(&last_tag, 1) + 1;
	if (ps_random_bytes(t->seed, sizeof(t->seed)) != PS_OK)
		memcpy(t->seed, id_seed, sizeof(t->seed));
	for (unsigned cl = 0; cl < PS_FLOW_PROTO__COUNT; cl++) {
		const struct ps_flow_timeouts *to = &c->timeout[cl];
		int64_t *n = &t->timeout_us[0][cl * 3], *e = &t->timeout_us[1][cl * 3];

		n[PS_FLOW_NEW] = to->new_s * US_PER_S;
		n[PS_FLOW_ESTABLISHED] = to->est_s * US_PER_S;
		n[PS_FLOW_CLOSED] = to->closed_s * US_PER_S;
		e[PS_FLOW_NEW] = to->emerg_new_s * US_PER_S;
		e[PS_FLOW_ESTABLISHED] = to->emerg_est_s * US_PER_S;
		e[PS_FLOW_CLOSED] = to->emerg_closed_s * US_PER_S;
	}
	t->now_us = t->next_tick_us = INT64_MIN;
	t->on_end = on_end;
	t->arg = arg;
	return PS_OK;
}

void ps_flow_table_release(struct ps_flow_table *t)
{
	if (t->buckets == NULL)
		return;
	ps_flow_table_flush(t);
	while (t->slabs != NULL) {
		struct ps_flow_slab *sl = t->slabs;

		t->slabs = sl->next;
		ps_flow_table_refund(t, sl->bytes);
		ps_free(sl);
	}
	ps_stream_cache_drain(t);
	ps_free(t->buckets);
	t->buckets = NULL;
	t->free_flows = NULL;
	t->st.mem_bytes = 0;
}

void ps_flow_table_stats(const struct ps_flow_table *t, struct ps_flow_stats *out)
{
	*out = t->st;
}
