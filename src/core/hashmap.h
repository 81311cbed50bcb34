/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Hash map from byte-string keys to `void *` values (the idea of Redis
 * dict.h: containers with callbacks), open addressing with linear probing.
 * Keyed SipHash-1-3 under a random per-map seed by default, so keys taken
 * from network input cannot be chosen to collide (unless the random
 * generator failed, see ps_hashmap_init); every table has a maximum entry
 * count.
 */
#ifndef PS_CORE_HASHMAP_H
#define PS_CORE_HASHMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/alloc.h"
#include "core/err.h"
#include "core/slice.h"

/* SipHash-1-3 of `len` bytes under a 16-byte key. Thread-safe, pure. */
uint64_t ps_hash_sip13(const void *p, size_t len, const uint8_t seed[16]);
/* The same over ASCII-lower-cased bytes (for case-insensitive keys). */
uint64_t ps_hash_sip13_nocase(const void *p, size_t len, const uint8_t seed[16]);

typedef uint64_t (*ps_hashmap_hash_fn)(const void *p, size_t len, const uint8_t seed[16]);
typedef bool (*ps_hashmap_eq_fn)(struct ps_slice a, struct ps_slice b);
typedef void (*ps_hashmap_val_free_fn)(void *val);

/* Flags for ps_hashmap_init(). */
enum ps_hashmap_flag {
	/* Store the caller's key bytes instead of a copy: they must stay valid
	 * and unchanged while the entry exists (e.g. a key inside the value). */
	PS_HASHMAP_BORROW_KEYS = 1u << 0,
};

struct ps_hashmap_slot; /* private to hashmap.c */

/*
 * Invariants: `cap` is 0 or a power of two; count + tombs <= 3/4 cap;
 * count <= max_entries. Copied keys are owned by the map and carry a
 * trailing NUL (not counted in the key length). A map is not thread-safe;
 * concurrent readers are safe only while nobody writes.
 */
struct ps_hashmap {
	struct ps_hashmap_slot *slots;
	size_t cap;
	size_t count;
	size_t tombs;
	size_t initial;
	size_t max_entries;
	unsigned flags;
	enum ps_mem_sub sub;
	ps_hashmap_hash_fn hash;
	ps_hashmap_eq_fn eq;
	ps_hashmap_val_free_fn val_free;
	uint8_t seed[16];
};

/*
 * Empty map sized for `initial` entries on first insert, holding at most
 * `max_entries`. Hash is SipHash-1-3 under a seed of 16 fresh bytes from
 * ps_random_bytes, so hashes and iteration order differ between maps and
 * runs; if the generator fails the map silently gets a fixed public seed
 * (still correct, but collisions can then be chosen). Tests that need a
 * reproducible order set a seed with ps_hashmap_hash_set. Keys are
 * compared byte-wise, values are not freed. No ps_malloc here (OpenSSL's
 * generator allocates its own state on first use). Returns PS_OK, or
 * PS_EINVAL for unknown flags.
 */
int ps_hashmap_init(struct ps_hashmap *m, enum ps_mem_sub sub, size_t initial,
		    size_t max_entries, unsigned flags) PS_MUST_USE;
/*
 * Replace the hash (NULL: SipHash-1-3), key equality (NULL: byte-wise) and
 * seed (NULL: keep). Keys equal under `eq` must hash equally. Only while
 * the map is empty: PS_EINVAL otherwise.
 */
int ps_hashmap_hash_set(struct ps_hashmap *m, ps_hashmap_hash_fn hash,
			ps_hashmap_eq_fn eq, const uint8_t seed[16]) PS_MUST_USE;
/* Called on a value when its entry is replaced, deleted or the map released. */
void ps_hashmap_val_free_set(struct ps_hashmap *m, ps_hashmap_val_free_fn fn);

/*
 * Insert key -> val, or replace the value of an existing key (the old value
 * goes to val_free; a borrowed key is re-pointed at the new `key` bytes, a
 * copied key is kept). Returns PS_OK; PS_ELIMIT when a new key would exceed
 * max_entries; PS_ENOMEM when copying the key or growing the table fails.
 * On error the map is unchanged and `val` still belongs to the caller.
 */
int ps_hashmap_put(struct ps_hashmap *m, struct ps_slice key, void *val) PS_MUST_USE;
/* As put, but PS_EEXIST (map unchanged) when the key is already present. */
int ps_hashmap_add(struct ps_hashmap *m, struct ps_slice key, void *val) PS_MUST_USE;
/* The value of `key` (borrowed), or NULL when absent. */
void *ps_hashmap_get(const struct ps_hashmap *m, struct ps_slice key);
/* As get, telling absence (PS_ENOENT) from a stored NULL; *val may be NULL. */
int ps_hashmap_lookup(const struct ps_hashmap *m, struct ps_slice key, void **val);
/* Remove `key`, passing its value to val_free. PS_OK or PS_ENOENT. Never allocates. */
int ps_hashmap_del(struct ps_hashmap *m, struct ps_slice key);
/* Remove `key` and hand its value to the caller (val_free not called). */
int ps_hashmap_take(struct ps_hashmap *m, struct ps_slice key, void **val);
static inline size_t ps_hashmap_len(const struct ps_hashmap *m)
{
	return m->count;
}
/* Remove every entry (values to val_free), keeping the table memory. */
void ps_hashmap_clear(struct ps_hashmap *m);
/* Free everything; the map is empty and reusable with the same settings. */
void ps_hashmap_release(struct ps_hashmap *m);

/*
 * Iteration in table order. Valid while the map is not modified, except
 * that ps_hashmap_iter_del() may remove the current entry. Usage:
 *   struct ps_hashmap_iter it;
 *   ps_hashmap_iter_init(&it, &m);
 *   while (ps_hashmap_iter_next(&it)) use(it.key, it.val);
 */
struct ps_hashmap_iter {
	struct ps_hashmap *m;
	size_t i;             /* next slot to look at; SIZE_MAX when finished */
	struct ps_slice key;  /* current entry, borrowed */
	void *val;
};

void ps_hashmap_iter_init(struct ps_hashmap_iter *it, struct ps_hashmap *m);
bool ps_hashmap_iter_next(struct ps_hashmap_iter *it);
/* Delete the entry last returned by iter_next (its value goes to val_free);
 * a no-op once iter_next has returned false. */
void ps_hashmap_iter_del(struct ps_hashmap_iter *it);

#endif
