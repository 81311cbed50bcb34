/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the exporters share: the context export.c drives each format
 * through (one item per indicator that passed the export rule, in id
 * order), the count of what a format cannot represent, and the helpers
 * that make output deterministic (UUIDv5 ids, fixed time formats).
 */
#ifndef PS_INTEL_EXPORT_INT_H
#define PS_INTEL_EXPORT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/core.h"
#include "intel/intel.h"

/* Largest JSON object one indicator becomes (value, tags and family are bounded). */
#define PS_EXPORT_OBJ_MAX (64 * 1024)
/* "xxxxxxxx-xxxx-5xxx-yxxx-xxxxxxxxxxxx" with its NUL. */
#define PS_UUID_TEXT_SIZE 37
/* "<stix-type>--<uuid>" with its NUL, for the types we write. */
#define PS_STIX_ID_SIZE 64
/* A display value: "10.0.0.0/8", "*.example.com", or the value. */
#define PS_EXPORT_VALUE_SIZE (PS_IOC_VALUE_MAX + 8)

struct ps_intel_export_ctx {
	const struct ps_intel_export_opts *o;
	struct ps_intel_export_report *r;
	FILE *out;
	const char *producer;
	struct ps_buf buf;          /* output not yet written to out */
	struct ps_jw jw;            /* writes into buf */
	void *state;                /* the format's, state_size bytes, zeroed */
	bool kept, dropped;         /* notes of the current item */
};

struct ps_intel_export_ops {
	size_t state_size;
	int (*begin)(struct ps_intel_export_ctx *c);
	/* One indicator that may leave; a format that cannot write it calls
	 * ps_intel_export_note(..., false) and writes nothing. */
	int (*item)(struct ps_intel_export_ctx *c, const struct ps_ioc *ioc);
	int (*end)(struct ps_intel_export_ctx *c);
	/* Free what begin and item allocated; called whatever happened. */
	void (*release)(struct ps_intel_export_ctx *c);
};

extern const struct ps_intel_export_ops ps_intel_export_stix_ops;
extern const struct ps_intel_export_ops ps_intel_export_csv_ops;
extern const struct ps_intel_export_ops ps_intel_export_gbt_ops;

/*
 * Count the current indicator under `reason`: kept (exported in a
 * documented non-standard form) or not (dropped: the format writes
 * nothing for it).
 */
void ps_intel_export_note(struct ps_intel_export_ctx *c, enum ps_msg_id reason, bool kept);
/* Write what buf holds to out and empty it: PS_OK, the writer's error, PS_EIO. */
int ps_intel_export_flush(struct ps_intel_export_ctx *c) PS_MUST_USE;

/*
 * RFC 4122 version 5 UUID (SHA-1) of `n` bytes of name under the fixed
 * Panshi namespace 3618de5a-89fd-4e42-8712-0efa65a7bf8e, lower-case text.
 */
void ps_intel_uuid5(const void *name, size_t n, char out[PS_UUID_TEXT_SIZE]);
/* "<prefix>--<uuid5 of name>" into out (PS_STIX_ID_SIZE bytes). */
void ps_intel_stix_id(const char *prefix, const char *name, char out[PS_STIX_ID_SIZE]);
/* The STIX id of an indicator: UUIDv5 of "indicator|type|display value|source". */
void ps_intel_stix_indicator_id(const struct ps_ioc *ioc, char out[PS_STIX_ID_SIZE]);
/*
 * An instant as RFC 3339 UTC text: milliseconds ("...00.123Z", what STIX
 * asks for created and modified at least) unless the microseconds are not
 * zero, then microseconds. Exact both ways with ps_time_parse_iso8601.
 */
void ps_intel_export_time(int64_t us, char out[PS_TIME_FMT_SIZE]);
/* The value as `intel list` shows it: "10.0.0.0/8", "*.example.com". */
void ps_intel_export_value(const struct ps_ioc *ioc, char out[PS_EXPORT_VALUE_SIZE]);
/*
 * The STIX 2.1 pattern of an indicator into b ("[ipv4-addr:value = '...']");
 * *tls_custom is set for JA3/JA4 (our x-panshi-tls-fingerprint object),
 * *no_like for a subdomain match that LIKE cannot express ('_' in the name).
 */
int ps_intel_stix_pattern_fmt(const struct ps_ioc *ioc, struct ps_buf *b, bool *tls_custom,
			      bool *no_like) PS_MUST_USE;

#endif
