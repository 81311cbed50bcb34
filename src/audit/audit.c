/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Appending to the audit trail: the canonical record encoding, canonical
 * JSON, and the chained HMAC-SM3 insert that keeps the meta head in step.
 * Verification and listing live in audit_verify.c, key files in
 * audit_key.c.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "core/core.h"
#include "audit/audit.h"
#include "audit/audit_int.h"
#include "store/store.h"

/* An arbitrary constant naming the trail's PostgreSQL advisory lock. */
#define AUDIT_PG_LOCK "7053617564697401"

int ps_audit_open(struct ps_store *st, const void *key, size_t keylen,
		  struct ps_audit **out)
{
	struct ps_audit *a;

	*out = NULL;
	if (st == NULL || key == NULL || keylen == 0 || keylen > PS_AUDIT_KEY_MAX)
		return PS_EINVAL;
	a = ps_calloc(PS_MEM_CASES, 1, sizeof(*a));
	if (a == NULL)
		return PS_ENOMEM;
	a->st = st;
	memcpy(a->key, key, keylen);
	a->keylen = keylen;
	*out = a;
	return PS_OK;
}

void ps_audit_close(struct ps_audit *a)
{
	if (a == NULL)
		return;
	memset(a->key, 0, sizeof(a->key));
	__asm__ __volatile__("" : : "r"(a->key) : "memory");
	ps_free(a);
}

/* Reject real numbers anywhere in `j` (their text is backend-dependent). */
static bool has_real(const json_t *j)
{
	const char *k;
	json_t *v;
	size_t i;

	if (json_is_real(j))
		return true;
	if (json_is_object(j)) {
		json_object_foreach((json_t *)j, k, v)
			if (has_real(v))
				return true;
	} else if (json_is_array(j)) {
		json_array_foreach(j, i, v)
			if (has_real(v))
				return true;
	}
	return false;
}

int ps_audit_json_canonical(const char *json, char **out, struct ps_diag *d)
{
	const size_t flags = JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY;
	json_error_t err;
	json_t *j;
	size_t n;
	int rc = PS_OK;

	*out = NULL;
	j = json_loads(json, JSON_DECODE_ANY, &err);
	if (j == NULL) {
		ps_diag_set(d, "details are not JSON: %s", err.text);
		return PS_EINVAL;
	}
	if (has_real(j)) {
		ps_diag_set(d, "details hold a real number (not allowed in the audit trail)");
		rc = PS_EINVAL;
		goto out;
	}
	n = json_dumpb(j, NULL, 0, flags);
	if (n == 0) {
		rc = PS_ENOMEM;
		goto out;
	}
	*out = ps_malloc(PS_MEM_CASES, n + 1);
	if (*out == NULL) {
		rc = PS_ENOMEM;
		goto out;
	}
	json_dumpb(j, *out, n, flags);
	(*out)[n] = '\0';
out:
	json_decref(j);
	return rc;
}

static void put_field(uint8_t **p, const char *s, size_t n)
{
	uint32_t len = s == NULL ? UINT32_MAX : (uint32_t)n;

	(*p)[0] = (uint8_t)(len >> 24);
	(*p)[1] = (uint8_t)(len >> 16);
	(*p)[2] = (uint8_t)(len >> 8);
	(*p)[3] = (uint8_t)len;
	*p += 4;
	if (s != NULL && n > 0) {
		memcpy(*p, s, n);
		*p += n;
	}
}

/* canonical() with details already in canonical form. */
int ps_audit_encode(int64_t id, int64_t ts_us, const char *actor, const char *action,
		    const char *object, const char *cdetails, uint8_t **out,
		    size_t *len)
{
	char ids[24], tss[24];
	const char *v[6];
	size_t n[6], total = 0;
	uint8_t *p;

	snprintf(ids, sizeof(ids), "%" PRId64, id);
	snprintf(tss, sizeof(tss), "%" PRId64, ts_us);
	v[0] = ids, v[1] = tss, v[2] = actor, v[3] = action, v[4] = object, v[5] = cdetails;
	for (size_t i = 0; i < 6; i++) {
		n[i] = v[i] != NULL ? strlen(v[i]) : 0;
		if (n[i] >= UINT32_MAX)
			return PS_EINVAL;
		total += 4 + n[i];
	}
	*out = p = ps_malloc(PS_MEM_CASES, total + 1);
	if (p == NULL)
		return PS_ENOMEM;
	for (size_t i = 0; i < 6; i++)
		put_field(&p, v[i], n[i]);
	*len = total;
	return PS_OK;
}

int ps_audit_canonical(int64_t id, int64_t ts_us, const char *actor,
		       const char *action, const char *object,
		       const char *details_json, uint8_t **out, size_t *len,
		       struct ps_diag *d)
{
	char *cd = NULL;
	int rc;

	*out = NULL;
	*len = 0;
	if (actor == NULL || action == NULL)
		return PS_EINVAL;
	if (details_json != NULL &&
	    (rc = ps_audit_json_canonical(details_json, &cd, d)) != PS_OK)
		return rc;
	rc = ps_audit_encode(id, ts_us, actor, action, object, cd, out, len);
	ps_free(cd);
	return rc;
}

int ps_audit_hash(const struct ps_audit *a, int64_t id, int64_t ts_us,
		  const char *actor, const char *action, const char *object,
		  const char *cdetails, const char *prev_hex, char out[PS_AUDIT_HASH_HEX])
{
	uint8_t *buf = NULL, *msg = NULL, mac[PS_SM3_LEN];
	size_t n = 0;
	int rc = ps_audit_encode(id, ts_us, actor, action, object, cdetails, &buf, &n);

	if (rc != PS_OK)
		return rc;
	msg = ps_realloc(PS_MEM_CASES, buf, n + 64);
	if (msg == NULL) {
		ps_free(buf);
		return PS_ENOMEM;
	}
	memcpy(msg + n, prev_hex, 64);
	rc = ps_hmac_sm3(a->key, a->keylen, msg, n + 64, mac);
	ps_free(msg);
	if (rc != PS_OK)
		return rc;
	return ps_hex_encode(mac, sizeof(mac), out, PS_AUDIT_HASH_HEX);
}

int ps_audit_head_parse(const char *s, int64_t *id, char hash[PS_AUDIT_HASH_HEX])
{
	char *end;
	long long v;
	size_t i;

	v = strtoll(s, &end, 10);
	if (end == s || *end != ' ' || v < 1)
		return PS_EPROTO;
	end++;
	for (i = 0; i < 64; i++)
		if (!((end[i] >= '0' && end[i] <= '9') || (end[i] >= 'a' && end[i] <= 'f')))
			return PS_EPROTO;
	if (end[64] != '\0')
		return PS_EPROTO;
	memcpy(hash, end, 64);
	hash[64] = '\0';
	*id = v;
	return PS_OK;
}

/* Take the appenders' lock: the SQLite write lock (a no-op write) or the
 * PostgreSQL advisory lock, both held until the transaction ends. */
static int take_lock(struct ps_store *st)
{
	const char *sql = strcmp(ps_store_backend_name(st), "sqlite") == 0 ?
		"UPDATE meta SET value = value WHERE key = '" PS_AUDIT_HEAD_KEY "'" :
		"SELECT pg_advisory_xact_lock(" AUDIT_PG_LOCK ")";
	struct ps_stmt *s;
	int rc = ps_store_prepare(st, sql, &s);

	if (rc != PS_OK)
		return rc;
	while ((rc = ps_store_stmt_step(s)) == PS_OK)
		;
	ps_store_stmt_finalize(s);
	return rc == PS_EOF ? PS_OK : rc;
}

/* Whether audit_log holds any row. */
static int table_empty(struct ps_store *st, bool *empty)
{
	struct ps_stmt *s;
	int rc = ps_store_prepare(st, "SELECT id FROM audit_log LIMIT 1", &s);

	if (rc != PS_OK)
		return rc;
	rc = ps_store_stmt_step(s);
	ps_store_stmt_finalize(s);
	if (rc != PS_OK && rc != PS_EOF)
		return rc;
	*empty = rc == PS_EOF;
	return PS_OK;
}

/* The head under the lock: id 0 and 64 zeros for an empty trail. */
static int read_head(struct ps_audit *a, int64_t *id, char hash[PS_AUDIT_HASH_HEX],
		     struct ps_diag *d)
{
	char *v = NULL;
	bool empty = false;
	int rc = ps_store_meta_get(a->st, PS_AUDIT_HEAD_KEY, &v);

	if (rc == PS_OK) {
		rc = ps_audit_head_parse(v, id, hash);
		if (rc != PS_OK)
			ps_diag_set(d, "the audit head '%s' is malformed: run 'panshi audit verify'", v);
		ps_free(v);
		return rc;
	}
	if (rc != PS_ENOENT)
		return rc;
	if ((rc = table_empty(a->st, &empty)) != PS_OK)
		return rc;
	if (!empty) {
		ps_diag_set(d, "the audit head is missing but records exist: run 'panshi audit verify'");
		return PS_EPROTO;
	}
	*id = 0;
	memset(hash, '0', 64);
	hash[64] = '\0';
	return PS_OK;
}

static int insert_row(struct ps_audit *a, int64_t id, int64_t ts_us, const char *actor,
		      const char *action, const char *object, const char *cd,
		      const char *prev, const char *hash)
{
	struct ps_stmt *s;
	int rc = ps_store_prepare(a->st,
		"INSERT INTO audit_log (id, ts, actor, action, object, details, prev_hash, hash)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?)", &s);

	if (rc != PS_OK)
		return rc;
	if ((rc = ps_store_stmt_bind_int64(s, 1, id)) == PS_OK &&
	    (rc = ps_store_stmt_bind_int64(s, 2, ts_us)) == PS_OK &&
	    (rc = ps_store_stmt_bind_text(s, 3, actor)) == PS_OK &&
	    (rc = ps_store_stmt_bind_text(s, 4, action)) == PS_OK &&
	    (rc = ps_store_stmt_bind_text(s, 5, object)) == PS_OK &&
	    (rc = ps_store_stmt_bind_text(s, 6, cd)) == PS_OK &&
	    (rc = ps_store_stmt_bind_text(s, 7, prev)) == PS_OK &&
	    (rc = ps_store_stmt_bind_text(s, 8, hash)) == PS_OK)
		rc = ps_store_stmt_step(s);
	ps_store_stmt_finalize(s);
	return rc == PS_EOF ? PS_OK : rc;
}

/* Under the lock: chain one record after the head and move the head. */
static int append_locked(struct ps_audit *a, int64_t ts_us, const char *actor,
			 const char *action, const char *object, const char *cd,
			 int64_t *id_out, struct ps_diag *d)
{
	char prev[PS_AUDIT_HASH_HEX], hash[PS_AUDIT_HASH_HEX], head[96];
	int64_t id;
	int rc = read_head(a, &id, prev, d);

	if (rc != PS_OK)
		return rc;
	id++;
	rc = ps_audit_hash(a, id, ts_us, actor, action, object, cd, prev, hash);
	if (rc != PS_OK)
		return rc;
	if ((rc = insert_row(a, id, ts_us, actor, action, object, cd, prev, hash)) != PS_OK)
		return rc;
	snprintf(head, sizeof(head), "%" PRId64 " %s", id, hash);
	if ((rc = ps_store_meta_set(a->st, PS_AUDIT_HEAD_KEY, head)) != PS_OK)
		return rc;
	if (id_out != NULL)
		*id_out = id;
	return PS_OK;
}

int ps_audit_append(struct ps_audit *a, int64_t ts_us, const char *actor,
		    const char *action, const char *object,
		    const char *details_json, int64_t *id_out, struct ps_diag *d)
{
	char *cd = NULL;
	int rc;

	if (actor == NULL || actor[0] == '\0' || action == NULL || action[0] == '\0') {
		ps_diag_set(d, "an audit record needs an actor and an action");
		return PS_EINVAL;
	}
	if (details_json != NULL &&
	    (rc = ps_audit_json_canonical(details_json, &cd, d)) != PS_OK)
		return rc;
	if ((rc = ps_store_begin(a->st)) != PS_OK) {
		ps_diag_set(d, "cannot append to the audit trail: %s", ps_store_errmsg(a->st));
		goto out;
	}
	rc = take_lock(a->st);
	if (rc == PS_OK)
		rc = append_locked(a, ts_us, actor, action, object, cd, id_out, d);
	if (rc == PS_OK)
		rc = ps_store_commit(a->st);
	else
		(void)!ps_store_rollback(a->st);
	if (rc == PS_EDB)
		ps_diag_set(d, "cannot append to the audit trail: %s", ps_store_errmsg(a->st));
out:
	ps_free(cd);
	return rc;
}
