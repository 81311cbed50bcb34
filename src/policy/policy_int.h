/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internals shared by the policy loader, container and printers: the
 * struct behind struct ps_policy and the arena that owns its text.
 */
#ifndef PS_POLICY_INT_H
#define PS_POLICY_INT_H

#include <stddef.h>

#include "core/arena.h"
#include "core/crypto.h"
#include "policy/policy.h"

#define PS_POLICY_FILE_MAX (4u << 20) /* bytes in one policy file */
#define PS_POLICY_ENTRIES_MAX 20000   /* documents, values or tables */
#define PS_POLICY_CELLS_MAX 200000    /* cells in one table */
#define PS_POLICY_MEM_MAX (64u << 20) /* arena bytes for one loaded policy */
#define PS_POLICY_BLOCK 16384         /* arena block size */

/*
 * Invariant after a successful load: docs, vals and tabs are sorted by id
 * with no duplicates, and every value's and table's `doc` is set.
 */
struct ps_policy {
	struct ps_arena arena; /* every entry and string; freed at once */
	struct ps_policy_doc **docs;
	size_t n_docs, cap_docs;
	struct ps_policy_value **vals;
	size_t n_vals, cap_vals;
	struct ps_policy_table **tabs;
	size_t n_tabs, cap_tabs;
	size_t n_files;
	struct ps_sm3_ctx sm3;              /* over every file read, in order */
	uint8_t sm3_digest[PS_SM3_LEN];     /* set by ps_policy_finish() */
};

/*
 * Zeroed memory from the policy's arena, aligned for any type; NULL when
 * out of memory or when the policy would pass PS_POLICY_MEM_MAX.
 */
static inline void *ps_policy_pool_alloc(struct ps_policy *p, size_t n)
{
	return ps_arena_calloc(&p->arena, 1, n);
}

/* NUL-terminated copy of at most n bytes of s in the arena, or NULL. */
static inline char *ps_policy_pool_strndup(struct ps_policy *p, const char *s,
					   size_t n)
{
	return ps_arena_strndup(&p->arena, s, n);
}

/*
 * Append `item` to a growable pointer array: `arrp` is the address of a
 * `T **`, *n its length, *cap its capacity. PS_ENOMEM or PS_ELIMIT.
 */
int ps_policy_push(void *arrp, size_t *n, size_t *cap, void *item);

/*
 * Parse one policy file's text into `p` (policy_load.c). `name` must live
 * as long as `p` (use a pool copy). Checks that need every file (duplicate
 * ids, document references) are left to ps_policy_finish().
 */
int ps_policy_parse(struct ps_policy *p, const char *name, const char *text,
		    size_t len, struct ps_diag *d);
/* Sort, reject duplicate ids, resolve document references. */
int ps_policy_finish(struct ps_policy *p, struct ps_diag *d);


#endif
