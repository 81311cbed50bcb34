/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SPSC ring: records come out in order and intact across wrap-around,
 * a full ring refuses, and a producer thread and a consumer thread agree
 * on every byte.
 */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/core.h"
#include "ingest/ring.h"

static void test_ring_order_and_wrap(void **unused)
{
	struct ps_ring r;
	uint32_t next_put = 0, next_get = 0;
	size_t n;
	bool closed;
	int round;

	(void)unused;
	assert_int_equal(ps_ring_init(&r, 4096), PS_OK);
	for (round = 0; round < 200; round++) {
		/* Put records of varying size until the ring is full. */
		for (;;) {
			size_t len = 4 + (next_put * 37) % 900;
			uint8_t *p = ps_ring_reserve(&r, len);

			if (!p)
				break;
			memset(p, (int)(next_put & 0xff), len);
			memcpy(p, &next_put, 4);
			ps_ring_commit(&r, len);
			next_put++;
		}
		ps_ring_publish(&r);
		/* Take about half of them. */
		for (int k = 0; k < 3; k++) {
			uint8_t *p = ps_ring_peek(&r, &n, &closed);
			uint32_t id;

			if (!p)
				break;
			memcpy(&id, p, 4);
			assert_int_equal(id, next_get);
			assert_int_equal(n, 4 + (id * 37) % 900);
			assert_int_equal(p[n - 1], id & 0xff);
			ps_ring_consume(&r);
			next_get++;
		}
		ps_ring_release_space(&r);
	}
	assert_true(next_put > 250);
	ps_ring_close(&r);
	while (ps_ring_peek(&r, &n, &closed)) {
		ps_ring_consume(&r);
		next_get++;
	}
	assert_true(closed);
	assert_int_equal(next_get, next_put);
	/* Oversized records are refused. */
	assert_null(ps_ring_reserve(&r, 2048));
	ps_ring_release(&r);
}

#define N_RECORDS 50000

static void *producer(void *arg)
{
	struct ps_ring *r = arg;

	for (uint32_t i = 0; i < N_RECORDS; i++) {
		size_t len = 8 + i % 300;
		uint8_t *p;

		while (!(p = ps_ring_reserve(r, len))) {
			ps_ring_publish(r);
			sched_yield();   /* valgrind runs one thread at a time */
		}
		memset(p, (int)(i % 251), len);
		memcpy(p, &i, 4);
		ps_ring_commit(r, len);
		if (i % 16 == 0)
			ps_ring_publish(r);
	}
	ps_ring_close(r);
	return NULL;
}

static void test_ring_threads(void **unused)
{
	struct ps_ring r;
	pthread_t th;
	uint32_t want = 0;
	bool closed = false;
	size_t n;

	(void)unused;
	assert_int_equal(ps_ring_init(&r, 1 << 16), PS_OK);
	assert_int_equal(pthread_create(&th, NULL, producer, &r), 0);
	for (;;) {
		uint8_t *p = ps_ring_peek(&r, &n, &closed);
		uint32_t id;

		if (!p) {
			ps_ring_release_space(&r);
			if (closed)
				break;
			sched_yield();
			continue;
		}
		memcpy(&id, p, 4);
		assert_int_equal(id, want);
		assert_int_equal(n, 8 + id % 300);
		assert_int_equal(p[n - 1], id % 251);
		ps_ring_consume(&r);
		if (++want % 8 == 0)
			ps_ring_release_space(&r);
	}
	pthread_join(th, NULL);
	assert_int_equal(want, N_RECORDS);
	ps_ring_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ring_order_and_wrap),
		cmocka_unit_test(test_ring_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
