/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Open-addressing hash map with linear probing and tombstones, plus the
 * SipHash-1-3 function it uses by default. Deletion never moves entries, so
 * an iterator may delete the entry it stands on; growth builds the new
 * table before touching the old one, so a failed growth changes nothing.
 */
#include <string.h>

#include "core/core.h"

#define SLOT_EMPTY 0u
#define SLOT_TOMB 1u
#define SLOT_LIVE_MIN 2u
#define MIN_CAP 8u

struct ps_hashmap_slot {
	uint64_t hash;      /* SLOT_EMPTY, SLOT_TOMB, or the key's hash (>= 2) */
	const uint8_t *key; /* owned copy unless PS_HASHMAP_BORROW_KEYS */
	size_t klen;
	void *val;
};

/*
 * Fallback seed, used only when the random generator fails at init. It is
 * public, so a map seeded with it does not resist chosen collisions.
 */
static const uint8_t default_seed[16] = {
	0x70, 0x61, 0x6e, 0x73, 0x68, 0x69, 0xe7, 0xa3,
	0x90, 0xe7, 0x9f, 0xb3, 0x2d, 0x73, 0x65, 0x65,
};

/* ---- SipHash-1-3 (Aumasson & Bernstein), little-endian words ---- */

static uint64_t rotl(uint64_t x, int b)
{
	return (x << b) | (x >> (64 - b));
}

static uint64_t load_le64(const uint8_t *p)
{
	uint64_t x = 0;

	for (int i = 7; i >= 0; i--)
		x = x << 8 | p[i];
	return x;
}

struct sip {
	uint64_t v0, v1, v2, v3;
};

static void sip_round(struct sip *s)
{
	s->v0 += s->v1;
	s->v1 = rotl(s->v1, 13);
	s->v1 ^= s->v0;
	s->v0 = rotl(s->v0, 32);
	s->v2 += s->v3;
	s->v3 = rotl(s->v3, 16);
	s->v3 ^= s->v2;
	s->v0 += s->v3;
	s->v3 = rotl(s->v3, 21);
	s->v3 ^= s->v0;
	s->v2 += s->v1;
	s->v1 = rotl(s->v1, 17);
	s->v1 ^= s->v2;
	s->v2 = rotl(s->v2, 32);
}

static void sip_word(struct sip *s, uint64_t m)
{
	s->v3 ^= m;
	sip_round(s);
	s->v0 ^= m;
}

static uint8_t lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + ('a' - 'A')) : c;
}

static uint64_t sip13(const uint8_t *in, size_t len, const uint8_t seed[16], bool nocase)
{
	uint64_t k0 = load_le64(seed), k1 = load_le64(seed + 8);
	struct sip s = {
		k0 ^ 0x736f6d6570736575ULL, k1 ^ 0x646f72616e646f6dULL,
		k0 ^ 0x6c7967656e657261ULL, k1 ^ 0x7465646279746573ULL,
	};
	uint8_t w[8];
	size_t i = 0;
	uint64_t b;

	for (; len - i >= 8; i += 8) {
		for (int j = 0; j < 8; j++)
			w[j] = nocase ? lower(in[i + j]) : in[i + j];
		sip_word(&s, load_le64(w));
	}
	memset(w, 0, sizeof(w));
	for (size_t j = 0; i + j < len; j++)
		w[j] = nocase ? lower(in[i + j]) : in[i + j];
	b = load_le64(w) | (uint64_t)len << 56;
	sip_word(&s, b);
	s.v2 ^= 0xff;
	sip_round(&s);
	sip_round(&s);
	sip_round(&s);
	return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

uint64_t ps_hash_sip13(const void *p, size_t len, const uint8_t seed[16])
{
	return sip13(len != 0 ? p : NULL, len, seed, false);
}

uint64_t ps_hash_sip13_nocase(const void *p, size_t len, const uint8_t seed[16])
{
	return sip13(len != 0 ? p : NULL, len, seed, true);
}

/* ---- map ---- */

int ps_hashmap_init(struct ps_hashmap *m, enum ps_mem_sub sub, size_t initial,
		    size_t max_entries, unsigned flags)
{
	memset(m, 0, sizeof(*m));
	m->sub = sub;
	m->initial = initial < max_entries ? initial : max_entries;
	m->max_entries = max_entries;
	m->flags = flags;
	m->hash = ps_hash_sip13;
	m->eq = ps_slice_eq;
	if (ps_random_bytes(m->seed, sizeof(m->seed)) != PS_OK)
		memcpy(m->seed, default_seed, sizeof(m->seed));
	return (flags & ~(unsigned)PS_HASHMAP_BORROW_KEYS) == 0 ? PS_OK : PS_EINVAL;
}

int ps_hashmap_hash_set(struct ps_hashmap *m, ps_hashmap_hash_fn hash,
			ps_hashmap_eq_fn eq, const uint8_t seed[16])
{
	if (m->count != 0)
		return PS_EINVAL;
	m->hash = hash != NULL ? hash : ps_hash_sip13;
	m->eq = eq != NULL ? eq : ps_slice_eq;
	if (seed != NULL)
		memcpy(m->seed, seed, sizeof(m->seed));
	return PS_OK;
}

void ps_hashmap_val_free_set(struct ps_hashmap *m, ps_hashmap_val_free_fn fn)
{
	m->val_free = fn;
}

static uint64_t key_hash(const struct ps_hashmap *m, struct ps_slice key)
{
	uint64_t h = m->hash(key.p, key.len, m->seed);

	return h >= SLOT_LIVE_MIN ? h : h + SLOT_LIVE_MIN;
}

/*
 * Probe for `key`. Returns its slot index, or SIZE_MAX when absent with
 * *ins set to where it would go (the first tombstone on the path, else the
 * empty slot that ended it). Requires cap > 0; terminates because the load
 * limit keeps at least one slot empty.
 */
static size_t probe(const struct ps_hashmap *m, struct ps_slice key, uint64_t h, size_t *ins)
{
	size_t mask = m->cap - 1, i = (size_t)h & mask, tomb = SIZE_MAX;

	for (;; i = (i + 1) & mask) {
		const struct ps_hashmap_slot *s = &m->slots[i];

		if (s->hash == SLOT_EMPTY)
			break;
		if (s->hash == SLOT_TOMB) {
			if (tomb == SIZE_MAX)
				tomb = i;
		} else if (s->hash == h && m->eq(ps_slice_make(s->key, s->klen), key)) {
			return i;
		}
	}
	*ins = tomb != SIZE_MAX ? tomb : i;
	return SIZE_MAX;
}

/* Smallest power-of-two capacity holding n entries at load <= 3/4; 0 on overflow. */
static size_t cap_for(size_t n)
{
	size_t c = MIN_CAP;

	while (c - c / 4 < n) {
		if (c > SIZE_MAX / 2 / sizeof(struct ps_hashmap_slot))
			return 0;
		c *= 2;
	}
	return c;
}

/* Move every live entry to a fresh table of `ncap` slots; unchanged on failure. */
static int rehash(struct ps_hashmap *m, size_t ncap)
{
	struct ps_hashmap_slot *ns;
	size_t mask = ncap - 1;

	if (ncap == 0)
		return PS_ENOMEM;
	ns = ps_calloc(m->sub, ncap, sizeof(*ns));
	if (ns == NULL)
		return PS_ENOMEM;
	for (size_t i = 0; i < m->cap; i++) {
		const struct ps_hashmap_slot *s = &m->slots[i];
		size_t j;

		if (s->hash < SLOT_LIVE_MIN)
			continue;
		for (j = (size_t)s->hash & mask; ns[j].hash != SLOT_EMPTY; j = (j + 1) & mask)
			;
		ns[j] = *s;
	}
	ps_free(m->slots);
	m->slots = ns;
	m->cap = ncap;
	m->tombs = 0;
	return PS_OK;
}

/* Make room to add one entry into an empty slot. */
static int grow_for_one(struct ps_hashmap *m)
{
	size_t want;

	if (m->cap != 0 && m->count + m->tombs + 1 <= m->cap - m->cap / 4)
		return PS_OK;
	want = cap_for(m->count + 1 > m->initial ? m->count + 1 : m->initial);
	if (want != 0 && want <= m->cap) {
		/*
		 * Tombstones filled the table. Clean up at the same size if at
		 * most half of it is live, else double so a cleanup is not
		 * followed by a growth a few inserts later.
		 */
		want = m->count + 1 <= m->cap / 2 ? m->cap : cap_for(m->cap);
	}
	return rehash(m, want);
}

/* Release what a slot owns and mark it deleted. */
static void slot_del(struct ps_hashmap *m, size_t i, bool free_val)
{
	struct ps_hashmap_slot *s = &m->slots[i];
	size_t mask = m->cap - 1;

	if (free_val && m->val_free != NULL)
		m->val_free(s->val);
	if (!(m->flags & PS_HASHMAP_BORROW_KEYS))
		ps_free((void *)s->key);
	s->key = NULL;
	s->val = NULL;
	s->klen = 0;
	m->count--;
	if (m->slots[(i + 1) & mask].hash != SLOT_EMPTY) {
		s->hash = SLOT_TOMB;
		m->tombs++;
		return;
	}
	/* No probe continues past here, so trailing tombstones can go too. */
	s->hash = SLOT_EMPTY;
	for (i = (i - 1) & mask; m->slots[i].hash == SLOT_TOMB; i = (i - 1) & mask) {
		m->slots[i].hash = SLOT_EMPTY;
		m->tombs--;
	}
}

static void slot_replace(struct ps_hashmap *m, struct ps_hashmap_slot *s,
			 struct ps_slice key, void *val)
{
	void *old = s->val;

	s->val = val;
	if (m->flags & PS_HASHMAP_BORROW_KEYS) {
		s->key = key.p;
		s->klen = key.len;
	}
	if (old != val && m->val_free != NULL)
		m->val_free(old);
}

static int insert(struct ps_hashmap *m, struct ps_slice key, void *val, bool replace)
{
	uint64_t h = key_hash(m, key);
	const uint8_t *kp = key.p;
	size_t i = SIZE_MAX, ins = SIZE_MAX;
	int rc;

	if (m->cap != 0)
		i = probe(m, key, h, &ins);
	if (i != SIZE_MAX) {
		if (!replace)
			return PS_EEXIST;
		slot_replace(m, &m->slots[i], key, val);
		return PS_OK;
	}
	if (m->count >= m->max_entries)
		return PS_ELIMIT;
	if (!(m->flags & PS_HASHMAP_BORROW_KEYS)) {
		kp = (const uint8_t *)ps_slice_strdup(m->sub, key);
		if (kp == NULL)
			return PS_ENOMEM;
	}
	if (ins == SIZE_MAX || m->slots[ins].hash == SLOT_EMPTY) {
		rc = grow_for_one(m);
		if (rc != PS_OK) {
			if (kp != key.p)
				ps_free((void *)kp);
			return rc;
		}
		(void)probe(m, key, h, &ins);
	}
	if (m->slots[ins].hash == SLOT_TOMB)
		m->tombs--;
	m->slots[ins] = (struct ps_hashmap_slot){h, kp, key.len, val};
	m->count++;
	return PS_OK;
}

int ps_hashmap_put(struct ps_hashmap *m, struct ps_slice key, void *val)
{
	return insert(m, key, val, true);
}

int ps_hashmap_add(struct ps_hashmap *m, struct ps_slice key, void *val)
{
	return insert(m, key, val, false);
}

static size_t find(const struct ps_hashmap *m, struct ps_slice key)
{
	size_t ins;

	if (m->count == 0)
		return SIZE_MAX;
	return probe(m, key, key_hash(m, key), &ins);
}

int ps_hashmap_lookup(const struct ps_hashmap *m, struct ps_slice key, void **val)
{
	size_t i = find(m, key);

	if (i == SIZE_MAX)
		return PS_ENOENT;
	if (val != NULL)
		*val = m->slots[i].val;
	return PS_OK;
}

void *ps_hashmap_get(const struct ps_hashmap *m, struct ps_slice key)
{
	size_t i = find(m, key);

	return i != SIZE_MAX ? m->slots[i].val : NULL;
}

int ps_hashmap_del(struct ps_hashmap *m, struct ps_slice key)
{
	size_t i = find(m, key);

	if (i == SIZE_MAX)
		return PS_ENOENT;
	slot_del(m, i, true);
	return PS_OK;
}

int ps_hashmap_take(struct ps_hashmap *m, struct ps_slice key, void **val)
{
	size_t i = find(m, key);

	if (val != NULL)
		*val = NULL;
	if (i == SIZE_MAX)
		return PS_ENOENT;
	if (val != NULL)
		*val = m->slots[i].val;
	slot_del(m, i, false);
	return PS_OK;
}

void ps_hashmap_clear(struct ps_hashmap *m)
{
	for (size_t i = 0; i < m->cap && m->count != 0; i++) {
		struct ps_hashmap_slot *s = &m->slots[i];

		if (s->hash < SLOT_LIVE_MIN)
			continue;
		if (m->val_free != NULL)
			m->val_free(s->val);
		if (!(m->flags & PS_HASHMAP_BORROW_KEYS))
			ps_free((void *)s->key);
		m->count--;
	}
	if (m->slots != NULL)
		memset(m->slots, 0, m->cap * sizeof(*m->slots));
	m->count = 0;
	m->tombs = 0;
}

void ps_hashmap_release(struct ps_hashmap *m)
{
	ps_hashmap_clear(m);
	ps_free(m->slots);
	m->slots = NULL;
	m->cap = 0;
}

void ps_hashmap_iter_init(struct ps_hashmap_iter *it, struct ps_hashmap *m)
{
	it->m = m;
	it->i = 0;
	it->key = ps_slice_make(NULL, 0);
	it->val = NULL;
}

bool ps_hashmap_iter_next(struct ps_hashmap_iter *it)
{
	const struct ps_hashmap *m = it->m;

	while (it->i < m->cap) {
		const struct ps_hashmap_slot *s = &m->slots[it->i++];

		if (s->hash >= SLOT_LIVE_MIN) {
			it->key = ps_slice_make(s->key, s->klen);
			it->val = s->val;
			return true;
		}
	}
	/* Finished: iter_del must not reach back to the last slot. */
	it->i = SIZE_MAX;
	it->key = ps_slice_make(NULL, 0);
	it->val = NULL;
	return false;
}

void ps_hashmap_iter_del(struct ps_hashmap_iter *it)
{
	struct ps_hashmap *m = it->m;

	if (it->i == 0 || it->i > m->cap || m->slots[it->i - 1].hash < SLOT_LIVE_MIN)
		return;
	slot_del(m, it->i - 1, true);
	it->key = ps_slice_make(NULL, 0);
	it->val = NULL;
}
