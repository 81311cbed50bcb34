/* SPDX-License-Identifier: Apache-2.0 */
/* Internals shared by the audit/ files: the trail handle, the record
 * encoding with canonical details, the chained hash and the head. */
#ifndef PS_AUDIT_INT_H
#define PS_AUDIT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "audit/audit.h"

struct ps_audit {
	struct ps_store *st;           /* borrowed */
	uint8_t key[PS_AUDIT_KEY_MAX];
	size_t keylen;                 /* 1..PS_AUDIT_KEY_MAX */
};

/* The canonical encoding with `cdetails` already canonical JSON (or NULL)
 * into a new buffer (ps_free). PS_OK, PS_EINVAL (a field over 4 GiB),
 * PS_ENOMEM. */
int ps_audit_encode(int64_t id, int64_t ts_us, const char *actor, const char *action,
		    const char *object, const char *cdetails, uint8_t **out,
		    size_t *len) PS_MUST_USE;

/* hex(HMAC-SM3(key, encode(...) || prev_hex[0..64))) into out. */
int ps_audit_hash(const struct ps_audit *a, int64_t id, int64_t ts_us,
		  const char *actor, const char *action, const char *object,
		  const char *cdetails, const char *prev_hex,
		  char out[PS_AUDIT_HASH_HEX]) PS_MUST_USE;

/* Parse "<id> <64 hex>" of the meta head: PS_OK or PS_EPROTO. */
int ps_audit_head_parse(const char *s, int64_t *id,
			char hash[PS_AUDIT_HASH_HEX]) PS_MUST_USE;

#endif
