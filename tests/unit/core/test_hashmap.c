/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for the hash map: insert/replace/delete, callbacks, borrowed
 * keys, limits, iteration with deletion, 100k entries, custom hashes,
 * random per-map seeds, and every allocation failing in turn during a
 * growing sequence of inserts. No test here depends on iteration order
 * except test_seed, which fixes the seed with ps_hashmap_hash_set.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/core.h"

static int freed;

static void count_free(void *v)
{
	(void)v;
	freed++;
}

static struct ps_slice key_of(char *buf, size_t size, unsigned i)
{
	int n = snprintf(buf, size, "key-%u", i);

	return ps_slice_make(buf, (size_t)n);
}

static void test_basic(void **state)
{
	struct ps_hashmap m;
	const uint8_t bin[] = {0, 1, 0};
	int a = 1, b = 2, c = 3;
	void *v;

	(void)state;
	assert_int_equal(ps_hashmap_init(&m, PS_MEM_TEST, 0, 100, 0), PS_OK);
	assert_null(ps_hashmap_get(&m, PS_SLICE_LIT("x")));
	assert_int_equal(ps_hashmap_del(&m, PS_SLICE_LIT("x")), PS_ENOENT);
	assert_int_equal(ps_hashmap_put(&m, PS_SLICE_LIT("alpha"), &a), PS_OK);
	assert_int_equal(ps_hashmap_put(&m, PS_SLICE_LIT("beta"), &b), PS_OK);
	assert_int_equal(ps_hashmap_put(&m, ps_slice_make(bin, 3), &c), PS_OK);
	assert_int_equal(ps_hashmap_put(&m, PS_SLICE_LIT(""), NULL), PS_OK);
	assert_int_equal(ps_hashmap_len(&m), 4);
	assert_ptr_equal(ps_hashmap_get(&m, PS_SLICE_LIT("alpha")), &a);
	assert_ptr_equal(ps_hashmap_get(&m, ps_slice_make(bin, 3)), &c);
	assert_null(ps_hashmap_get(&m, ps_slice_make(bin, 2))); /* a prefix is another key */
	assert_null(ps_hashmap_get(&m, PS_SLICE_LIT("alph")));
	/* A stored NULL is told apart from absence by lookup. */
	v = &a;
	assert_int_equal(ps_hashmap_lookup(&m, ps_slice_from_cstr(NULL), &v), PS_OK);
	assert_null(v);
	assert_int_equal(ps_hashmap_lookup(&m, PS_SLICE_LIT("gamma"), &v), PS_ENOENT);

	/* Replace and add. */
	assert_int_equal(ps_hashmap_put(&m, PS_SLICE_LIT("alpha"), &b), PS_OK);
	assert_ptr_equal(ps_hashmap_get(&m, PS_SLICE_LIT("alpha")), &b);
	assert_int_equal(ps_hashmap_add(&m, PS_SLICE_LIT("alpha"), &c), PS_EEXIST);
	assert_ptr_equal(ps_hashmap_get(&m, PS_SLICE_LIT("alpha")), &b);
	assert_int_equal(ps_hashmap_add(&m, PS_SLICE_LIT("gamma"), &c), PS_OK);
	assert_int_equal(ps_hashmap_len(&m), 5);

	assert_int_equal(ps_hashmap_take(&m, PS_SLICE_LIT("beta"), &v), PS_OK);
	assert_ptr_equal(v, &b);
	assert_int_equal(ps_hashmap_take(&m, PS_SLICE_LIT("beta"), &v), PS_ENOENT);
	assert_null(v);
	assert_int_equal(ps_hashmap_del(&m, PS_SLICE_LIT("gamma")), PS_OK);
	assert_int_equal(ps_hashmap_len(&m), 3);
	assert_null(ps_hashmap_get(&m, PS_SLICE_LIT("gamma")));

	ps_hashmap_clear(&m);
	assert_int_equal(ps_hashmap_len(&m), 0);
	assert_null(ps_hashmap_get(&m, PS_SLICE_LIT("alpha")));
	assert_int_equal(ps_hashmap_put(&m, PS_SLICE_LIT("alpha"), &a), PS_OK);
	ps_hashmap_release(&m);
	ps_hashmap_release(&m);
	assert_int_equal(ps_hashmap_init(&m, PS_MEM_TEST, 0, 1, 0x80), PS_EINVAL);
}

static void test_val_free(void **state)
{
	struct ps_hashmap m;
	int a, b, c;
	void *v;

	(void)state;
	freed = 0;
	assert_int_equal(ps_hashmap_init(&m, PS_MEM_TEST, 4, 100, 0), PS_OK);
	ps_hashmap_val_free_set(&m, count_free);
	assert_int_equal(ps_hashmap_put(&m, PS_SLICE_LIT("a"), &a), PS_OK);
	assert_int_equal(ps_hashmap_put(&m, PS_SLICE_LIT("a"), &a), PS_OK);
	assert_int_equal(freed, 0); /* same value: not freed */
	assert_int_equal(ps_hashmap_put(&m, PS_SLICE_LIT("a"), &b), PS_OK);
	assert_int_equal(freed, 1); /* old value freed */
	assert_int_equal(ps_hashmap_add(&m, PS_SLICE_LIT("a"), &c), PS_EEXIST);
	assert_int_equal(freed, 1);
	assert_int_equal(ps_hashmap_put(&m, PS_SLICE_LIT("c"), &c), PS_OK);
	assert_int_equal(ps_hashmap_put(&m, PS_SLICE_LIT("d"), &c), PS_OK);
	assert_int_equal(ps_hashmap_take(&m, PS_SLICE_LIT("c"), &v), PS_OK);
	assert_int_equal(freed, 1); /* take hands over */
	assert_int_equal(ps_hashmap_del(&m, PS_SLICE_LIT("d")), PS_OK);
	assert_int_equal(freed, 2);
	ps_hashmap_release(&m);
	assert_int_equal(freed, 3); /* "a" */
}

struct rec {
	char name[16];
	int n;
};

static void test_borrowed_keys(void **state)
{
	struct ps_hashmap m;
	struct rec r1 = {"flow", 1}, r2 = {"flow", 2};
	struct ps_hashmap_iter it;
	struct ps_mem_stats before, after;

	(void)state;
	assert_int_equal(ps_hashmap_init(&m, PS_MEM_TEST, 0, 10, PS_HASHMAP_BORROW_KEYS), PS_OK);
	assert_int_equal(ps_hashmap_put(&m, ps_slice_from_cstr(r1.name), &r1), PS_OK);
	ps_mem_stats_get(PS_MEM_TEST, &before);
	/* Replacing re-points the key at the new value's bytes. */
	assert_int_equal(ps_hashmap_put(&m, ps_slice_from_cstr(r2.name), &r2), PS_OK);
	ps_mem_stats_get(PS_MEM_TEST, &after);
	assert_int_equal(after.allocs, before.allocs); /* no key copy */
	memset(&r1, 0, sizeof(r1));
	assert_int_equal(((struct rec *)ps_hashmap_get(&m, PS_SLICE_LIT("flow")))->n, 2);
	ps_hashmap_iter_init(&it, &m);
	assert_true(ps_hashmap_iter_next(&it));
	assert_ptr_equal(it.key.p, (const uint8_t *)r2.name);
	assert_false(ps_hashmap_iter_next(&it));
	ps_hashmap_release(&m);
}

static void test_limit(void **state)
{
	struct ps_hashmap m;
	char buf[32];
	int x;

	(void)state;
	assert_int_equal(ps_hashmap_init(&m, PS_MEM_TEST, 1000, 5, 0), PS_OK);
	for (unsigned i = 0; i < 5; i++)
		assert_int_equal(ps_hashmap_put(&m, key_of(buf, sizeof(buf), i), &x), PS_OK);
	assert_int_equal(ps_hashmap_put(&m, key_of(buf, sizeof(buf), 5), &x), PS_ELIMIT);
	assert_int_equal(ps_hashmap_add(&m, key_of(buf, sizeof(buf), 6), &x), PS_ELIMIT);
	/* Replacing does not count against the limit. */
	assert_int_equal(ps_hashmap_put(&m, key_of(buf, sizeof(buf), 4), NULL), PS_OK);
	assert_int_equal(ps_hashmap_len(&m), 5);
	assert_true(m.cap <= 8); /* `initial` is clamped to max_entries */
	assert_int_equal(ps_hashmap_del(&m, key_of(buf, sizeof(buf), 0)), PS_OK);
	assert_int_equal(ps_hashmap_put(&m, key_of(buf, sizeof(buf), 5), &x), PS_OK);
	ps_hashmap_release(&m);

	assert_int_equal(ps_hashmap_init(&m, PS_MEM_TEST, 0, 0, 0), PS_OK);
	assert_int_equal(ps_hashmap_put(&m, PS_SLICE_LIT("a"), &x), PS_ELIMIT);
	ps_hashmap_release(&m);
}

static void test_100k(void **state)
{
	const unsigned n = 100000;
	struct ps_hashmap m;
	struct ps_hashmap_iter it;
	char buf[32];
	size_t seen = 0;
	uint64_t sum = 0;

	(void)state;
	assert_int_equal(ps_hashmap_init(&m, PS_MEM_TEST, 0, n, 0), PS_OK);
	for (unsigned i = 0; i < n; i++) {
		void *v = (void *)(uintptr_t)(i + 1);

		assert_int_equal(ps_hashmap_put(&m, key_of(buf, sizeof(buf), i), v), PS_OK);
	}
	assert_int_equal(ps_hashmap_len(&m), n);
	assert_true(m.count + m.tombs <= m.cap - m.cap / 4);
	for (unsigned i = 0; i < n; i += 2)
		assert_int_equal(ps_hashmap_del(&m, key_of(buf, sizeof(buf), i)), PS_OK);
	assert_int_equal(ps_hashmap_len(&m), n / 2);
	for (unsigned i = 0; i < n; i++) {
		void *v = ps_hashmap_get(&m, key_of(buf, sizeof(buf), i));

		if (i % 2)
			assert_ptr_equal(v, (void *)(uintptr_t)(i + 1));
		else
			assert_null(v);
	}
	ps_hashmap_iter_init(&it, &m);
	while (ps_hashmap_iter_next(&it)) {
		uintptr_t v = (uintptr_t)it.val;

		assert_true(ps_slice_eq(it.key, key_of(buf, sizeof(buf), (unsigned)v - 1)));
		assert_int_equal(it.key.p[it.key.len], '\0'); /* copies are terminated */
		seen++;
		sum += v;
	}
	assert_int_equal(seen, n / 2);
	assert_true(sum == (uint64_t)(n / 2) * (n / 2 + 1)); /* 2 + 4 + ... + n */
	/* Refill the deleted half: tombstones are reused or cleaned. */
	for (unsigned i = 0; i < n; i += 2)
		assert_int_equal(ps_hashmap_add(&m, key_of(buf, sizeof(buf), i), NULL), PS_OK);
	assert_int_equal(ps_hashmap_len(&m), n);
	assert_int_equal(ps_hashmap_put(&m, PS_SLICE_LIT("one more"), NULL), PS_ELIMIT);
	ps_hashmap_release(&m);
}

/* A sliding window of keys: tombstones are cleaned at the same size, the table does not grow. */
static void test_churn(void **state)
{
	struct ps_hashmap m;
	char buf[32];

	(void)state;
	assert_int_equal(ps_hashmap_init(&m, PS_MEM_TEST, 0, 1000, 0), PS_OK);
	for (unsigned i = 0; i < 20000; i++) {
		assert_int_equal(ps_hashmap_add(&m, key_of(buf, sizeof(buf), i), NULL), PS_OK);
		if (i >= 10)
			assert_int_equal(ps_hashmap_del(&m, key_of(buf, sizeof(buf), i - 10)),
					 PS_OK);
	}
	assert_int_equal(ps_hashmap_len(&m), 10);
	assert_true(m.cap <= 32);
	for (unsigned i = 19990; i < 20000; i++)
		assert_int_equal(ps_hashmap_lookup(&m, key_of(buf, sizeof(buf), i), NULL), PS_OK);
	ps_hashmap_release(&m);
}

/* Every key hashes to the last slot of an 8-slot table. */
static uint64_t last_slot_hash(const void *p, size_t len, const uint8_t seed[16])
{
	(void)p;
	(void)len;
	(void)seed;
	return 7;
}

static void test_iter_del(void **state)
{
	struct ps_hashmap m;
	struct ps_hashmap_iter it;
	char buf[32];
	unsigned visits[1000] = {0};

	(void)state;
	freed = 0;
	assert_int_equal(ps_hashmap_init(&m, PS_MEM_TEST, 0, 1000, 0), PS_OK);
	ps_hashmap_val_free_set(&m, count_free);
	for (unsigned i = 0; i < 1000; i++)
		assert_int_equal(ps_hashmap_put(&m, key_of(buf, sizeof(buf), i),
						(void *)(uintptr_t)i), PS_OK);
	ps_hashmap_iter_init(&it, &m);
	while (ps_hashmap_iter_next(&it)) {
		uintptr_t i = (uintptr_t)it.val;

		visits[i]++;
		if (i % 3 == 0)
			ps_hashmap_iter_del(&it);
	}
	ps_hashmap_iter_del(&it); /* after the end: no-op */
	for (unsigned i = 0; i < 1000; i++)
		assert_int_equal(visits[i], 1);
	assert_int_equal(freed, 334);
	assert_int_equal(ps_hashmap_len(&m), 1000 - 334);
	for (unsigned i = 0; i < 1000; i++)
		assert_int_equal(ps_hashmap_lookup(&m, key_of(buf, sizeof(buf), i), NULL),
				 i % 3 == 0 ? PS_ENOENT : PS_OK);
	ps_hashmap_release(&m);

	/*
	 * The same with the last entry in the last slot (which a random seed
	 * produces now and then): iter_del after the end still deletes nothing.
	 */
	freed = 0;
	assert_int_equal(ps_hashmap_init(&m, PS_MEM_TEST, 0, 10, 0), PS_OK);
	ps_hashmap_val_free_set(&m, count_free);
	assert_int_equal(ps_hashmap_hash_set(&m, last_slot_hash, NULL, NULL), PS_OK);
	assert_int_equal(ps_hashmap_put(&m, PS_SLICE_LIT("last"), &freed), PS_OK);
	assert_int_equal(m.cap, 8);
	ps_hashmap_iter_init(&it, &m);
	assert_true(ps_hashmap_iter_next(&it));
	assert_false(ps_hashmap_iter_next(&it));
	ps_hashmap_iter_del(&it);
	assert_false(ps_hashmap_iter_next(&it));
	assert_int_equal(freed, 0);
	assert_int_equal(ps_hashmap_len(&m), 1);
	ps_hashmap_release(&m);
}

static uint64_t const_hash(const void *p, size_t len, const uint8_t seed[16])
{
	(void)p;
	(void)len;
	(void)seed;
	return 42;
}

static void test_custom_hash(void **state)
{
	struct ps_hashmap m;
	static const uint8_t seed[16] = {1, 2, 3};
	char buf[32];
	int x;

	(void)state;
	/* Case-insensitive keys (HTTP header names). */
	assert_int_equal(ps_hashmap_init(&m, PS_MEM_TEST, 0, 10, 0), PS_OK);
	assert_int_equal(ps_hashmap_hash_set(&m, ps_hash_sip13_nocase, ps_slice_caseeq, seed),
			 PS_OK);
	assert_int_equal(ps_hashmap_put(&m, PS_SLICE_LIT("Content-Length"), &x), PS_OK);
	assert_ptr_equal(ps_hashmap_get(&m, PS_SLICE_LIT("content-length")), &x);
	assert_int_equal(ps_hashmap_add(&m, PS_SLICE_LIT("CONTENT-LENGTH"), &x), PS_EEXIST);
	assert_int_equal(ps_hashmap_hash_set(&m, NULL, NULL, NULL), PS_EINVAL);
	ps_hashmap_release(&m);

	/* Every key colliding still works, only slower. */
	assert_int_equal(ps_hashmap_init(&m, PS_MEM_TEST, 0, 500, 0), PS_OK);
	assert_int_equal(ps_hashmap_hash_set(&m, const_hash, NULL, NULL), PS_OK);
	for (unsigned i = 0; i < 300; i++)
		assert_int_equal(ps_hashmap_put(&m, key_of(buf, sizeof(buf), i),
						(void *)(uintptr_t)(i + 1)), PS_OK);
	for (unsigned i = 0; i < 300; i += 3)
		assert_int_equal(ps_hashmap_del(&m, key_of(buf, sizeof(buf), i)), PS_OK);
	for (unsigned i = 0; i < 300; i++) {
		void *v = ps_hashmap_get(&m, key_of(buf, sizeof(buf), i));

		assert_ptr_equal(v, i % 3 ? (void *)(uintptr_t)(i + 1) : NULL);
	}
	ps_hashmap_release(&m);
}

/* Fill a map with keys 0..n-1 (value i + 1) and record the iteration order. */
static void fill_order(struct ps_hashmap *m, unsigned n, uintptr_t *order)
{
	struct ps_hashmap_iter it;
	char buf[32];
	unsigned k = 0;

	for (unsigned i = 0; i < n; i++)
		assert_int_equal(ps_hashmap_put(m, key_of(buf, sizeof(buf), i),
						(void *)(uintptr_t)(i + 1)), PS_OK);
	ps_hashmap_iter_init(&it, m);
	while (ps_hashmap_iter_next(&it)) {
		assert_true(k < n);
		order[k++] = (uintptr_t)it.val;
	}
	assert_int_equal(k, n);
}

/*
 * Each map gets its own random seed (two equal 16-byte seeds would mean the
 * generator failed and both fell back to the fixed one); a seed set with
 * ps_hashmap_hash_set makes the table layout, hence iteration, reproducible.
 */
static void test_seed(void **state)
{
	static const uint8_t fixed[16] = {0x5e, 0xed, 7};
	struct ps_hashmap a, b;
	uintptr_t oa[64], ob[64];

	(void)state;
	assert_int_equal(ps_hashmap_init(&a, PS_MEM_TEST, 0, 64, 0), PS_OK);
	assert_int_equal(ps_hashmap_init(&b, PS_MEM_TEST, 0, 64, 0), PS_OK);
	assert_memory_not_equal(a.seed, b.seed, sizeof(a.seed));
	assert_int_equal(ps_hashmap_hash_set(&a, NULL, NULL, fixed), PS_OK);
	assert_int_equal(ps_hashmap_hash_set(&b, NULL, NULL, fixed), PS_OK);
	assert_memory_equal(a.seed, fixed, sizeof(fixed));
	fill_order(&a, 64, oa);
	fill_order(&b, 64, ob);
	assert_memory_equal(oa, ob, sizeof(oa));
	assert_true(ps_hashmap_get(&a, PS_SLICE_LIT("key-63")) == (void *)(uintptr_t)64);
	/* The seed is fixed once the map holds entries. */
	assert_int_equal(ps_hashmap_hash_set(&a, NULL, NULL, fixed), PS_EINVAL);
	ps_hashmap_release(&a);
	ps_hashmap_release(&b);
}

static void test_siphash(void **state)
{
	uint8_t k[16], msg[64];
	static const uint8_t zero[16];

	(void)state;
	for (int i = 0; i < 16; i++)
		k[i] = (uint8_t)i;
	for (int i = 0; i < 64; i++)
		msg[i] = (uint8_t)i;
	/*
	 * SipHash-1-3, key 00..0f, message 00..(n-1). n = 0 is the first vector
	 * of Rust's SipHasher13 tests (bytes dc c4 0f 05 58 01 ac ab); the
	 * others agree with an independent Python implementation that also
	 * reproduces the published SipHash-2-4 vector a129ca6149be45e5.
	 */
	assert_true(ps_hash_sip13(msg, 0, k) == UINT64_C(0xabac0158050fc4dc));
	assert_true(ps_hash_sip13(msg, 15, k) == UINT64_C(0xd320d86d2a519956));
	assert_true(ps_hash_sip13(msg, 63, k) == UINT64_C(0x9d199062b7bbb3a8));
	/* Different seeds, different hashes; same input, same hash. */
	assert_true(ps_hash_sip13(msg, 8, k) != ps_hash_sip13(msg, 8, zero));
	assert_true(ps_hash_sip13(msg, 8, k) == ps_hash_sip13(msg, 8, k));
	assert_true(ps_hash_sip13(NULL, 0, k) == ps_hash_sip13(msg, 0, k));
	assert_true(ps_hash_sip13_nocase("Example.COM", 11, k) ==
		    ps_hash_sip13("example.com", 11, k));
	assert_true(ps_hash_sip13("Example.COM", 11, k) != ps_hash_sip13("example.com", 11, k));
}

/*
 * Torture: 300 inserts (several rehashes: 8 -> 16 -> ... -> 512 slots)
 * with a delete every 7th step, heap values owned by the map. When an
 * allocation fails the put must report PS_ENOMEM, leave the count alone,
 * and every key inserted so far must still map to its value; the sequence
 * then continues so the map is also shown to work after a failure.
 */
static int insert_many(void *arg)
{
	struct ps_hashmap m;
	char buf[32];
	int first_rc = PS_OK;
	size_t live = 0;

	(void)arg;
	if (ps_hashmap_init(&m, PS_MEM_TEST, 0, 10000, 0) != PS_OK)
		return PS_EINVAL;
	ps_hashmap_val_free_set(&m, ps_free);
	for (unsigned i = 0; i < 300; i++) {
		unsigned *v = ps_malloc(PS_MEM_TEST, sizeof(*v));
		int rc = PS_ENOMEM;

		if (v != NULL) {
			*v = i;
			rc = ps_hashmap_put(&m, key_of(buf, sizeof(buf), i), v);
		}
		if (rc != PS_OK) {
			assert_int_equal(rc, PS_ENOMEM);
			ps_free(v); /* still ours after a failed put */
			assert_int_equal(ps_hashmap_len(&m), live);
			assert_null(ps_hashmap_get(&m, key_of(buf, sizeof(buf), i)));
			for (unsigned j = 0; j < i; j++) {
				unsigned *got = ps_hashmap_get(&m, key_of(buf, sizeof(buf), j));

				if (got != NULL)
					assert_int_equal(*got, j);
				else
					assert_true(j % 7 == 3); /* deleted, or failed itself */
			}
			if (first_rc == PS_OK)
				first_rc = rc;
			continue;
		}
		live++;
		if (i % 7 == 3) {
			assert_int_equal(ps_hashmap_del(&m, key_of(buf, sizeof(buf), i)), PS_OK);
			live--;
		}
	}
	if (first_rc == PS_OK)
		assert_int_equal(ps_hashmap_len(&m), 300 - 43);
	ps_hashmap_release(&m);
	return first_rc;
}

static void test_torture(void **state)
{
	struct ps_mem_stats before, after;
	long runs;

	(void)state;
	ps_mem_stats_get(PS_MEM_TEST, &before);
	runs = ps_mem_torture(insert_many, NULL, true);
	ps_mem_stats_get(PS_MEM_TEST, &after);
	/* 300 values + 300 key copies + 7 table allocations, each failed once. */
	assert_int_equal(runs, 300 + 300 + 7 + 1);
	assert_int_equal(after.bytes, before.bytes); /* nothing leaked */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_val_free),
		cmocka_unit_test(test_borrowed_keys),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_100k),
		cmocka_unit_test(test_churn),
		cmocka_unit_test(test_iter_del),
		cmocka_unit_test(test_custom_hash),
		cmocka_unit_test(test_seed),
		cmocka_unit_test(test_siphash),
		cmocka_unit_test(test_torture),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
