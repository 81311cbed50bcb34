/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Counting allocator: a 16-byte header in front of each block records its
 * size and subsystem so that frees are attributed and caps enforced. This is
 * the only file allowed to call malloc/free directly.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define PS_ALLOC_INTERNAL 1
#include "core/core.h"

#define HDR_MAGIC 0x50534d4du /* "PSMM" */

struct hdr {
	size_t size;
	uint32_t sub;
	uint32_t magic;
};

_Static_assert(sizeof(struct hdr) == 16, "header keeps max alignment");

struct acct {
	_Atomic uint64_t bytes, peak, allocs, frees, failures, cap;
};

static struct acct acct[PS_MEM__COUNT];
static _Atomic long fail_countdown; /* 0 = disarmed */
static _Atomic bool fail_sticky;
static _Atomic bool fail_hit;

static const char *const sub_names[PS_MEM__COUNT] = {
	"core", "conf", "policy", "store", "cli", "i18n", "net", "flow",
	"proto", "intel", "detect", "ingest", "fraud", "vuln", "datasec",
	"registry", "cases", "report", "api", "test",
};

const char *ps_mem_sub_name(enum ps_mem_sub sub)
{
	return (unsigned)sub < PS_MEM__COUNT ? sub_names[sub] : "?";
}

static bool inject_failure(void)
{
	long n = atomic_load(&fail_countdown);

	while (n > 0) {
		if (atomic_compare_exchange_weak(&fail_countdown, &n, n - 1)) {
			if (n - 1 > 0)
				return false;
			if (atomic_load(&fail_sticky))
				atomic_store(&fail_countdown, 1);
			atomic_store(&fail_hit, true);
			return true;
		}
	}
	return false;
}

/* Reserve `n` more bytes under the cap; false if that would exceed it. */
static bool charge(struct acct *a, size_t n)
{
	uint64_t cap = atomic_load(&a->cap);
	uint64_t now = atomic_fetch_add(&a->bytes, n) + n;
	uint64_t peak;

	if (cap != 0 && now > cap) {
		atomic_fetch_sub(&a->bytes, n);
		return false;
	}
	peak = atomic_load(&a->peak);
	while (now > peak && !atomic_compare_exchange_weak(&a->peak, &peak, now))
		;
	return true;
}

static void *block_alloc(enum ps_mem_sub sub, size_t n, bool zero)
{
	struct acct *a;
	struct hdr *h;

	if ((unsigned)sub >= PS_MEM__COUNT)
		sub = PS_MEM_CORE;
	a = &acct[sub];
	if (n > SIZE_MAX - sizeof(*h) || inject_failure() || !charge(a, n)) {
		atomic_fetch_add(&a->failures, 1);
		return NULL;
	}
	h = zero ? calloc(1, sizeof(*h) + n) : malloc(sizeof(*h) + n);
	if (h == NULL) {
		atomic_fetch_sub(&a->bytes, n);
		atomic_fetch_add(&a->failures, 1);
		return NULL;
	}
	h->size = n;
	h->sub = sub;
	h->magic = HDR_MAGIC;
	atomic_fetch_add(&a->allocs, 1);
	return h + 1;
}

void *ps_malloc(enum ps_mem_sub sub, size_t n)
{
	return block_alloc(sub, n, false);
}

void *ps_calloc(enum ps_mem_sub sub, size_t nmemb, size_t size)
{
	if (size != 0 && nmemb > SIZE_MAX / size) {
		atomic_fetch_add(&acct[(unsigned)sub < PS_MEM__COUNT ? sub : 0].failures, 1);
		return NULL;
	}
	return block_alloc(sub, nmemb * size, true);
}

static struct hdr *hdr_of(void *p)
{
	struct hdr *h = (struct hdr *)p - 1;

	if (h->magic != HDR_MAGIC)
		abort(); /* not ours, or already freed: memory is corrupt */
	return h;
}

void *ps_realloc(enum ps_mem_sub sub, void *p, size_t n)
{
	struct hdr *h, *nh;
	struct acct *a;
	size_t old;

	if (p == NULL)
		return ps_malloc(sub, n);
	h = hdr_of(p);
	a = &acct[h->sub];
	old = h->size;
	if (n > SIZE_MAX - sizeof(*h) || inject_failure() ||
	    (n > old && !charge(a, n - old))) {
		atomic_fetch_add(&a->failures, 1);
		return NULL;
	}
	nh = realloc(h, sizeof(*h) + n);
	if (nh == NULL) {
		if (n > old)
			atomic_fetch_sub(&a->bytes, n - old);
		atomic_fetch_add(&a->failures, 1);
		return NULL;
	}
	if (n < old)
		atomic_fetch_sub(&a->bytes, old - n);
	nh->size = n;
	atomic_fetch_add(&a->allocs, 1);
	return nh + 1;
}

void *ps_reallocarray(enum ps_mem_sub sub, void *p, size_t nmemb, size_t size)
{
	if (size != 0 && nmemb > SIZE_MAX / size)
		return NULL;
	return ps_realloc(sub, p, nmemb * size);
}

void ps_free(void *p)
{
	struct hdr *h;
	struct acct *a;

	if (p == NULL)
		return;
	h = hdr_of(p);
	a = &acct[h->sub];
	atomic_fetch_sub(&a->bytes, h->size);
	atomic_fetch_add(&a->frees, 1);
	h->magic = 0;
	free(h);
}

void *ps_memdup(enum ps_mem_sub sub, const void *p, size_t n)
{
	void *q = ps_malloc(sub, n);

	if (q != NULL && n != 0)
		memcpy(q, p, n);
	return q;
}

char *ps_strndup(enum ps_mem_sub sub, const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *q = ps_malloc(sub, len + 1);

	if (q == NULL)
		return NULL;
	memcpy(q, s, len);
	q[len] = '\0';
	return q;
}

char *ps_strdup(enum ps_mem_sub sub, const char *s)
{
	return ps_strndup(sub, s, SIZE_MAX);
}

void ps_mem_stats_get(enum ps_mem_sub sub, struct ps_mem_stats *out)
{
	struct acct *a = &acct[(unsigned)sub < PS_MEM__COUNT ? sub : 0];

	out->bytes = atomic_load(&a->bytes);
	out->peak = atomic_load(&a->peak);
	out->allocs = atomic_load(&a->allocs);
	out->frees = atomic_load(&a->frees);
	out->failures = atomic_load(&a->failures);
	out->cap = atomic_load(&a->cap);
}

void ps_mem_cap_set(enum ps_mem_sub sub, uint64_t cap)
{
	if ((unsigned)sub < PS_MEM__COUNT)
		atomic_store(&acct[sub].cap, cap);
}

void ps_mem_fail_at(long n, bool sticky)
{
	atomic_store(&fail_sticky, sticky);
	atomic_store(&fail_hit, false);
	atomic_store(&fail_countdown, n > 0 ? n : 0);
}

bool ps_mem_fail_triggered(void)
{
	return atomic_load(&fail_hit);
}

long ps_mem_torture(int (*op)(void *arg), void *arg, bool strict)
{
	long n;

	for (n = 1;; n++) {
		int rc;

		ps_mem_fail_at(n, false);
		rc = op(arg);
		if (!ps_mem_fail_triggered()) {
			ps_mem_fail_at(0, false);
			return n;
		}
		if (strict && rc == PS_OK) {
			ps_mem_fail_at(0, false);
			return -1;
		}
	}
}
