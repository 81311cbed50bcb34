/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The audit trail: every change to the registry (and, later, every action
 * on an incident) is appended to the store's audit_log table as a record
 * chained to the previous one with HMAC-SM3, so that `panshi audit verify`
 * detects any edited, deleted or reordered record and names the first.
 *
 * The chain. Records are numbered 1, 2, 3... without gaps (ids are given
 * here, never by the database sequence, so a rolled-back append leaves no
 * hole). For record n:
 *
 *   hash_n = HMAC-SM3(key, canonical(record_n) || prev_hash_n)
 *
 * where prev_hash_n is hash_(n-1) as 64 lowercase hex ASCII characters,
 * and 64 '0' characters for record 1; hash_n is stored as lowercase hex
 * too. canonical(record) is the concatenation, in this order, of the six
 * fields id, ts, actor, action, object, details, each written as
 *
 *   be32(len) || len bytes            (a present value)
 *   be32(0xffffffff)                  (NULL: object and details only)
 *
 * with id and ts (int64 microseconds since the epoch, UTC) as their
 * decimal ASCII text ("17", "-5"), and details as its canonical JSON text:
 * jansson's compact encoding with keys sorted bytewise, UTF-8 unescaped,
 * no spaces (`{"a":1,"b":[true,null,"x"]}`). Canonical JSON is what is
 * stored, and it is recomputed from what the database returns on
 * verification, because PostgreSQL's JSONB does not keep the text.
 * Details may hold objects, arrays, strings, integers, booleans and null;
 * real numbers are refused (their text form is not stable across
 * backends).
 *
 * The head. The last record's id and hash are also kept in the meta table
 * under "audit.head" ("<id> <hash>"), updated in the same transaction as
 * the append, so deleting records from the end of the table (which leaves
 * an intact but shorter chain) is detected too.
 *
 * Threat model. The key is what makes the chain tamper-evident: whoever
 * holds it can rewrite the whole chain and the head consistently, so keep
 * it away from the database (a file of mode 0600, by default
 * <general.data_dir>/audit.key, created by `panshi init`). Someone who can
 * write the audit_log table but not read the key is detected; someone who
 * can write both the table and the meta head and holds the key is out of
 * scope. Without the key, verification reports every record as edited.
 *
 * Serialisation. Appenders are serialised per database: on SQLite by the
 * write lock (taken before the head is read), on PostgreSQL by a
 * transaction-scoped advisory lock (pg_advisory_xact_lock), held until
 * the caller's outermost transaction ends.
 *
 * Threads: a struct ps_audit borrows one store handle and belongs to the
 * same thread as the handle.
 */
#ifndef PS_AUDIT_H
#define PS_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct ps_store;
struct ps_audit;

#define PS_AUDIT_KEY_LEN 32     /* bytes of a generated key */
#define PS_AUDIT_KEY_MAX 64     /* longest key accepted */
#define PS_AUDIT_HASH_HEX 65    /* 64 hex digits and a NUL */
#define PS_AUDIT_HEAD_KEY "audit.head"

/*
 * A trail over the open, migrated store `st` (borrowed, must outlive it)
 * with the HMAC key of `keylen` bytes (1..PS_AUDIT_KEY_MAX, copied).
 * *out is freed with ps_audit_close(). PS_OK, PS_EINVAL, PS_ENOMEM.
 */
int ps_audit_open(struct ps_store *st, const void *key, size_t keylen,
		  struct ps_audit **out) PS_MUST_USE;
/* Release the trail (and wipe its key copy); NULL is a no-op. */
void ps_audit_close(struct ps_audit *a);

/*
 * Append one record: `ts_us` (microseconds, UTC), `actor` ("cli:alice")
 * and `action` ("registry.update") are required, non-empty; `object`
 * ("unit:U-1") and `details_json` (any JSON text, canonicalised as
 * described above) may be NULL. Runs inside the caller's transaction when
 * one is open (as a savepoint), so the record commits or rolls back with
 * the change it records; else in its own. *id_out (may be NULL) receives
 * the record's id. Returns PS_OK; PS_EINVAL (missing field, invalid or
 * real-valued JSON: `d` says which); PS_EPROTO (the meta head is missing
 * or malformed while records exist: the trail was tampered with, see
 * ps_audit_verify); PS_EDB (message in `d`); PS_ECRYPTO; PS_ENOMEM.
 */
int ps_audit_append(struct ps_audit *a, int64_t ts_us, const char *actor,
		    const char *action, const char *object,
		    const char *details_json, int64_t *id_out,
		    struct ps_diag *d) PS_MUST_USE;

/* What ps_audit_verify found. */
struct ps_audit_report {
	bool intact;         /* every record and the head check out */
	int64_t records;     /* rows read from audit_log */
	int64_t verified;    /* records before the first bad one */
	int64_t first_bad;   /* id of the first bad record, 0 if none or
				the problem is not a record (head) */
	int64_t last_id;     /* highest id read, 0 when empty */
	int64_t head_id;     /* from meta "audit.head", 0 when absent */
	char reason[256];    /* "record 17: hash does not match its contents
				(edited)"; "" when intact */
};

/*
 * Walk the trail in id order, recomputing every hash, and compare the end
 * with the meta head. Stops at the first problem, in this order of checks
 * per record: an id gap ("record 18 missing (deleted)"), the link
 * ("record 17: prev_hash does not match record 16 (deleted or
 * reordered)"), the record's own hash ("record 17: hash does not match
 * its contents (edited)"); then the end ("records end at 41 but the head
 * says 43 (tail deleted)", "record 43 does not match the head
 * (replaced)", "record 44 is past the head 43 (appended outside the
 * trail)", "the head is missing ..."). Returns PS_OK whether or not the
 * trail is intact (see report->intact), or PS_EDB, PS_ECRYPTO, PS_ENOMEM.
 */
int ps_audit_verify(struct ps_audit *a, struct ps_audit_report *report,
		    struct ps_diag *d) PS_MUST_USE;

/* One record as read back; strings borrowed for the callback only. */
struct ps_audit_record {
	int64_t id;
	int64_t ts_us;
	const char *actor;
	const char *action;
	const char *object;  /* NULL when absent */
	const char *details; /* JSON text as the database returns it, or NULL */
	const char *prev_hash;
	const char *hash;
};

/* Which records ps_audit_list shows: a zeroed filter lists all, oldest
 * first. */
struct ps_audit_filter {
	const char *object; /* exact match; NULL = any */
	const char *action; /* exact match; NULL = any */
	int64_t limit;      /* the newest `limit` records (still oldest
			       first); 0 = all */
};

/* Return 0 to continue; anything else stops the listing and is returned. */
typedef int (*ps_audit_record_fn)(void *arg, const struct ps_audit_record *rec);

/* Call fn for each record matching `f` (may be NULL). PS_OK, the
 * callback's value, PS_EDB, PS_ENOMEM. Needs no key (opened with any). */
int ps_audit_list(struct ps_store *st, const struct ps_audit_filter *f,
		  ps_audit_record_fn fn, void *arg, struct ps_diag *d) PS_MUST_USE;

/*
 * The canonical encoding of a record (above) into a new buffer *out of
 * *len bytes (ps_free). details_json is canonicalised first. Exposed for
 * tests and external verifiers. PS_OK, PS_EINVAL, PS_ENOMEM.
 */
int ps_audit_canonical(int64_t id, int64_t ts_us, const char *actor,
		       const char *action, const char *object,
		       const char *details_json, uint8_t **out, size_t *len,
		       struct ps_diag *d) PS_MUST_USE;

/*
 * The canonical JSON text of `json` (see above) as a new string *out
 * (ps_free). PS_EINVAL (not JSON, or holds a real number), PS_ENOMEM.
 */
int ps_audit_json_canonical(const char *json, char **out,
			    struct ps_diag *d) PS_MUST_USE;

/*
 * Key files hold the key as 64 lowercase hex digits and a newline.
 * ps_audit_key_load reads one into key[PS_AUDIT_KEY_LEN]: PS_ENOENT (no
 * file), PS_EIO, PS_EPROTO (not 64 hex digits), PS_EINVAL (readable or
 * writable by group or others: "chmod 600" it), each named in `d`.
 * ps_audit_key_create writes a new random key with mode 0600 unless the
 * file exists (then *created is false and nothing changes); the file
 * appears atomically, so concurrent creators agree on one key. PS_OK,
 * PS_EIO, PS_ECRYPTO.
 */
int ps_audit_key_load(const char *path, uint8_t key[PS_AUDIT_KEY_LEN],
		      struct ps_diag *d) PS_MUST_USE;
int ps_audit_key_create(const char *path, bool *created,
			struct ps_diag *d) PS_MUST_USE;

#endif
