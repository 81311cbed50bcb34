/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Immutable in-memory matching tables of threat-intelligence indicators:
 * exact IP sets, longest-prefix CIDR tables, domain exact and suffix sets,
 * URL and JA4 string sets, and binary digest sets. A table is filled once,
 * frozen, and then read by any number of threads without locks; the
 * generation builder makes one from the store and swaps it in atomically.
 */
#ifndef PS_INTEL_TABLE_H
#define PS_INTEL_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "intel/ioc.h"
#include "net/addr.h"

/*
 * Ids are the caller's indexes (e.g. into the generation's metadata array).
 * The table keeps one bit of each 32-bit slot for itself, hence the limit.
 */
#define PS_INTEL_TABLE_ID_MAX 0x7fffffffu
/* Longest domain a table holds or can match, without the trailing dot
 * (RFC 1035 §2.3.4: 255 octets on the wire = 253 characters of text). */
#define PS_INTEL_TABLE_DOMAIN_MAX 253

/*
 * Invariants: while building (after _new, before _freeze) only _add and
 * _add_ip may be called and every match finds nothing; after _freeze the
 * table never changes and every const function may be called from any
 * number of threads at once without locks (publish the pointer to other
 * threads with a release store or a mutex, as any immutable object).
 */
struct ps_intel_table;

/* What a table holds, per enum ps_ioc_type (index PS_IOC_NONE unused). */
struct ps_intel_table_stats {
	size_t entries[PS_IOC__COUNT]; /* successful adds, duplicates included */
	size_t keys[PS_IOC__COUNT];    /* distinct values (prefixes), after freeze */
	size_t bytes[PS_IOC__COUNT];   /* memory of each type's structures and id lists */
	size_t bytes_total;            /* all memory the table holds */
};

/*
 * New empty table in the building state. `expected` (the number of adds to
 * come, 0 if unknown) only sizes the first staging buffers. Memory is
 * counted under PS_MEM_INTEL; the caller frees the table with
 * ps_intel_table_free(). Returns PS_OK or PS_ENOMEM (*t = NULL).
 */
int ps_intel_table_new(struct ps_intel_table **t, size_t expected) PS_MUST_USE;

/*
 * Add the indicator `id` (<= PS_INTEL_TABLE_ID_MAX) of `type` with the
 * NUL-terminated `value`, normalised as ioc.h describes. Per type:
 *   IPV4, IPV6  an address in text form (inet_pton); `prefix` ignored.
 *   CIDR4/6     the network, either "192.0.2.0/24" or "192.0.2.0" with
 *               `prefix` (0..32 / 0..128); when both are given they must
 *               agree. Host bits are cleared.
 *   DOMAIN      ASCII is lower-cased and one trailing dot dropped here;
 *               at most PS_INTEL_TABLE_DOMAIN_MAX characters, not empty.
 *               `subdomains`: also match every name below it.
 *   URL, JA4    bytes as given (the caller canonicalises); not empty.
 *   MD5 SHA1 SHA256 JA3  hex (either case) of 16, 20, 32, 16 bytes.
 * The same value may be added with several ids (one per source); every id
 * is reported. Adding the same (value, id) twice keeps it once (for a
 * domain, once with the subdomain flag if either add had it).
 * Returns PS_OK; PS_EINVAL for a bad type, value, prefix or id, or after
 * freeze (the table is unchanged); PS_ELIMIT when the type already holds
 * PS_INTEL_TABLE_ID_MAX entries or the strings 4 GiB; PS_ENOMEM (the table
 * is unchanged, and may still be frozen or freed). Not thread-safe.
 */
int ps_intel_table_add(struct ps_intel_table *t, enum ps_ioc_type type, const char *value,
		       uint8_t prefix, bool subdomains, uint32_t id) PS_MUST_USE;
/*
 * The same for a binary address: `family` PS_AF_INET (address in a->b[0..3])
 * or PS_AF_INET6; prefix 32 / 128 adds an exact address (type IPV4/IPV6),
 * anything shorter a CIDR4/CIDR6 network (host bits cleared).
 */
int ps_intel_table_add_ip(struct ps_intel_table *t, enum ps_af family, const struct ps_addr *a,
			  uint8_t prefix, uint32_t id) PS_MUST_USE;

/*
 * Build the lookup structures and release the staging memory; afterwards
 * the table is immutable. Returns PS_OK, PS_EINVAL when already frozen, or
 * PS_ENOMEM (the table is then still in the building state: freeze may be
 * retried, or the table freed). Not thread-safe. Takes well under a second
 * for a few million indicators.
 */
int ps_intel_table_freeze(struct ps_intel_table *t) PS_MUST_USE;

/*
 * Matching. Each function writes the ids of up to `max` matching indicators
 * to `ids` (NULL allowed when max == 0) and returns the number of matches in
 * total, which may exceed `max`. Nothing matches before freeze. The ids of
 * one value come in ascending order. Thread-safe after freeze; no
 * allocation, no locks.
 */

/*
 * Exact addresses of the family, then every CIDR containing the address,
 * longest prefix first. `family` is PS_AF_INET (address in a->b[0..3]) or
 * PS_AF_INET6. An IPv4-mapped IPv6 address (::ffff:192.0.2.1, as a
 * dual-stack socket or a NAT64-free proxy log reports IPv4 peers) matches
 * as the IPv4 address it carries.
 */
size_t ps_intel_table_match_ip(const struct ps_intel_table *t, const struct ps_addr *a,
			       enum ps_af family, uint32_t *ids, size_t max);
/*
 * `name` (len bytes, not NUL-terminated, any ASCII case, one trailing dot
 * ignored): first the entries of the name itself (those without the
 * subdomain flag, then those with it), then the entries with the flag of
 * each parent domain, longest first (a.b.example.com -> b.example.com ->
 * example.com -> com).
 */
size_t ps_intel_table_match_domain(const struct ps_intel_table *t, const char *name, size_t len,
				   uint32_t *ids, size_t max);
/* `url` compared byte for byte with the URLs added (the caller canonicalises). */
size_t ps_intel_table_match_url(const struct ps_intel_table *t, const char *url, size_t len,
				uint32_t *ids, size_t max);
/*
 * `type` PS_IOC_MD5, SHA1, SHA256 or JA3 with `hex` the digest in hex
 * (either case), or PS_IOC_JA4 with the fingerprint text. A wrong length or
 * a bad hex digit matches nothing.
 */
size_t ps_intel_table_match_hash(const struct ps_intel_table *t, enum ps_ioc_type type,
				 const char *hex, size_t len, uint32_t *ids, size_t max);
/* The same with the binary digest (16, 20, 32, 16 bytes), e.g. from ps_digest. */
size_t ps_intel_table_match_digest(const struct ps_intel_table *t, enum ps_ioc_type type,
				   const uint8_t *digest, size_t len, uint32_t *ids, size_t max);
/*
 * Match a value given as text, as `panshi intel match` does: IPV4 and IPV6
 * parse the address (then as match_ip), DOMAIN, URL and the digest types
 * as above. CIDR types and unparsable values match nothing.
 */
size_t ps_intel_table_match(const struct ps_intel_table *t, enum ps_ioc_type type,
			    const char *value, size_t len, uint32_t *ids, size_t max);

/*
 * Bring the cache lines an exact-address lookup of `a` will read (a hint
 * for callers that know a lookup is coming, e.g. a packet that will start
 * a flow); no effect before freeze.
 */
void ps_intel_table_prefetch_ip(const struct ps_intel_table *t, const struct ps_addr *a,
				enum ps_af family);

/* Memory the table holds, in bytes (stats->bytes_total). */
size_t ps_intel_table_bytes(const struct ps_intel_table *t);
/* Fill *out; keys[] and bytes[] are zero before freeze. */
void ps_intel_table_stats_get(const struct ps_intel_table *t, struct ps_intel_table_stats *out);
/* Free the table (NULL is a no-op). No reader may use it any more. */
void ps_intel_table_free(struct ps_intel_table *t);

#endif
