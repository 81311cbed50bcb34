/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The only allocator in Panshi: every allocation names the subsystem that
 * owns it, so usage is counted and capped per subsystem, and tests can make
 * the Nth allocation fail to prove that every error path cleans up.
 */
#ifndef PS_CORE_ALLOC_H
#define PS_CORE_ALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Owners of memory. Add new subsystems before PS_MEM__COUNT. */
enum ps_mem_sub {
	PS_MEM_CORE,
	PS_MEM_CONF,
	PS_MEM_POLICY,
	PS_MEM_STORE,
	PS_MEM_CLI,
	PS_MEM_I18N,
	PS_MEM_NET,
	PS_MEM_FLOW,
	PS_MEM_PROTO,
	PS_MEM_INTEL,
	PS_MEM_DETECT,
	PS_MEM_INGEST,
	PS_MEM_FRAUD,
	PS_MEM_VULN,
	PS_MEM_DATASEC,
	PS_MEM_REGISTRY,
	PS_MEM_CASES,
	PS_MEM_REPORT,
	PS_MEM_API,
	PS_MEM_TEST,
	PS_MEM__COUNT
};

/* Snapshot of one subsystem's accounting. */
struct ps_mem_stats {
	uint64_t bytes;    /* live bytes requested */
	uint64_t peak;     /* highest value of bytes */
	uint64_t allocs;   /* successful allocations, including reallocs */
	uint64_t frees;
	uint64_t failures; /* refused: out of memory, cap, or test hook */
	uint64_t cap;      /* 0 = no cap */
};

/*
 * Allocate n bytes for `sub`. Returns NULL when the system is out of memory,
 * when the subsystem's cap would be exceeded, or when the test hook says so;
 * the failure is counted. n == 0 allocates a minimal block. Thread-safe.
 */
void *ps_malloc(enum ps_mem_sub sub, size_t n);
/* As ps_malloc, zeroed; NULL on nmemb * size overflow. */
void *ps_calloc(enum ps_mem_sub sub, size_t nmemb, size_t size);
/*
 * Resize p (which may be NULL) to n bytes, keeping its subsystem (`sub` is
 * used only when p is NULL). On failure p is untouched and NULL returned.
 */
void *ps_realloc(enum ps_mem_sub sub, void *p, size_t n);
/* As ps_realloc for nmemb * size, NULL on overflow. */
void *ps_reallocarray(enum ps_mem_sub sub, void *p, size_t nmemb, size_t size);
/* Free p from any ps_ allocator; NULL is a no-op. */
void ps_free(void *p);
/* Copies of a NUL-terminated string, or of at most n bytes plus a NUL. */
char *ps_strdup(enum ps_mem_sub sub, const char *s);
char *ps_strndup(enum ps_mem_sub sub, const char *s, size_t n);
/* Copy of n bytes (no terminator added). */
void *ps_memdup(enum ps_mem_sub sub, const void *p, size_t n);

const char *ps_mem_sub_name(enum ps_mem_sub sub);
void ps_mem_stats_get(enum ps_mem_sub sub, struct ps_mem_stats *out);
/* Cap live bytes of `sub` (0 removes the cap). */
void ps_mem_cap_set(enum ps_mem_sub sub, uint64_t cap);

/*
 * Test hook, SQLite/curl style: make allocation number `n` (1 = the next
 * one) fail; with `sticky` every later one fails too. n <= 0 disarms it.
 * ps_mem_fail_triggered() tells whether an armed failure was delivered since
 * the last ps_mem_fail_at(). Not meant for production use.
 */
void ps_mem_fail_at(long n, bool sticky);
bool ps_mem_fail_triggered(void);

/*
 * Run `op(arg)` with allocation 1, 2, 3... failing until a run completes
 * without hitting the injected failure; each run must return non-zero or
 * succeed cleanly (leaks are caught by the sanitizer build). Returns the
 * number of runs, or -1 if `op` returned PS_OK while a failure had been
 * injected and `strict` is set.
 */
long ps_mem_torture(int (*op)(void *arg), void *arg, bool strict);

#endif
