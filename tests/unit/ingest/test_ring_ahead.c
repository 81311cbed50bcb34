/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ring's consumer look-ahead: it walks the visible records in order,
 * across the wrap, without consuming them, and stops at the last one
 * published.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/core.h"
#include "ingest/ring.h"

static void put(struct ps_ring *r, uint32_t v, size_t len)
{
	uint8_t *p = ps_ring_reserve(r, len);

	assert_non_null(p);
	memset(p, 0, len);
	memcpy(p, &v, sizeof(v));
	ps_ring_commit(r, len);
}

static void test_ring_look_ahead(void **unused)
{
	struct ps_ring r;
	uint32_t next_put = 0, next_get = 0, v;
	size_t n, pos;
	bool closed;
	int round;

	(void)unused;
	assert_int_equal(ps_ring_init(&r, 4096), PS_OK);
	for (round = 0; round < 100; round++) {
		unsigned seen = 0, i;
		uint8_t *p, *q;

		/* Three records of ~700 bytes: the ring wraps every round or two. */
		for (i = 0; i < 3; i++, next_put++)
			put(&r, next_put, 600 + (next_put * 53) % 200);
		ps_ring_publish(&r);
		p = ps_ring_peek(&r, &n, &closed);
		assert_non_null(p);
		pos = ps_ring_tail(&r);
		while ((q = ps_ring_peek_ahead(&r, &pos)) != NULL) {
			memcpy(&v, q, sizeof(v));
			assert_int_equal(v, next_get + seen);
			if (seen == 0)
				assert_ptr_equal(q, p);
			seen++;
		}
		assert_int_equal(seen, 3);
		/* Nothing was consumed: peek still gives the first. */
		assert_ptr_equal(ps_ring_peek(&r, &n, &closed), p);
		for (i = 0; i < 3; i++) {
			q = ps_ring_peek(&r, &n, &closed);
			assert_non_null(q);
			memcpy(&v, q, sizeof(v));
			assert_int_equal(v, next_get++);
			ps_ring_consume(&r);
		}
		ps_ring_release_space(&r);
	}
	ps_ring_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ring_look_ahead),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
