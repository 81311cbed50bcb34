/* SPDX-License-Identifier: Apache-2.0 */
/*
 * 固源 checks of IP-address filings (DOMAIN rule 30): 越界, 冲突, 漏报 and
 * 错报 over allocated blocks, IP filings, addresses seen in use and ICP
 * filings. The engine (guyuan.c) works on plain arrays and knows nothing
 * of the store; guyuan_load.c fills the arrays from a registry and the
 * flags from policy filing.ip.check_*.
 *
 * Definitions (ranges are inclusive [lo, hi]; IPv4 and IPv6 never meet):
 *
 *   out_of_range (越界, high): a filing's range is not wholly inside the
 *     union of the allocated blocks of the filing's own operator. Blocks
 *     that touch or overlap count as one union, so a filing across two
 *     adjacent blocks is fine. Evidence: the parts outside, and the
 *     operator's blocks that overlap the filing.
 *   conflict (冲突, high): two filings whose ranges share at least one
 *     address (partial overlap or nesting, any operators) and whose holder
 *     or use differ. Evidence: both keys, the shared range, each differing
 *     field with both values.
 *   duplicate (重复备案, low): as conflict, but holder and use are equal: the
 *     same range filed twice. Not in rule 30; reported apart because it is
 *     untidy rather than contradictory. Enabled with check_conflict.
 *   unreported (漏报, medium): an address or range seen in use is not wholly
 *     covered by the union of all filings. Evidence: the exact uncovered
 *     sub-ranges and the source; the finding's operator is the holder of
 *     the allocated blocks the uncovered part lies in (if any).
 *   misreported (错报, medium): (a) a filing overlapping a seen range has a
 *     holder, use or location different from the one seen (compared only
 *     when both are non-empty); (b) a filing linked to an ICP filing has a
 *     holder different from the ICP holder, or the ICP address is not
 *     inside the filing's range. Evidence: field, filed value, observed
 *     value, source (seen key and source, or ICP key and domain).
 *
 * Text values are compared byte for byte (the registry has already
 * normalised them). Findings are sorted by check, family, range and keys;
 * range texts are ps_reg_iprange_fmt's normal form.
 */
#ifndef PS_REGISTRY_GUYUAN_H
#define PS_REGISTRY_GUYUAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/vec.h"

/* An inclusive range: lo/hi in network order, IPv4 in the first 4 bytes
 * with the rest zero (as ps_reg_iprange_parse fills them); lo <= hi. */
struct ps_guyuan_range {
	uint8_t lo[16];
	uint8_t hi[16];
	bool v6;
};

/* Cap on findings of one run (PS_ELIMIT beyond, narrow with opts). */
#define PS_GUYUAN_MAX_FINDINGS 1000000

/* Every string of the inputs may be NULL, read as "". All are borrowed. */
struct ps_guyuan_block {
	const char *key;
	const char *operator;
	struct ps_guyuan_range r;
};

struct ps_guyuan_filing {
	const char *key;
	const char *operator;
	struct ps_guyuan_range r;
	const char *holder;
	const char *use;
	const char *location;
	const char *icp; /* key of the linked ICP filing, or NULL */
};

struct ps_guyuan_seen {
	const char *key;
	const char *source; /* routing|aaa|idc|icp|flow|scan */
	struct ps_guyuan_range r;
	const char *holder;
	const char *use;
	const char *location;
};

struct ps_guyuan_icp {
	const char *key;
	const char *domain;
	const char *holder;
	bool has_addr;
	struct ps_guyuan_range addr;
};

struct ps_guyuan_input {
	const struct ps_guyuan_block *blocks;
	size_t n_blocks;
	const struct ps_guyuan_filing *filings;
	size_t n_filings;
	const struct ps_guyuan_seen *seen;
	size_t n_seen;
	const struct ps_guyuan_icp *icps;
	size_t n_icps;
};

enum ps_guyuan_check {
	PS_GUYUAN_OUT_OF_RANGE,
	PS_GUYUAN_CONFLICT,
	PS_GUYUAN_DUPLICATE,
	PS_GUYUAN_UNREPORTED,
	PS_GUYUAN_MISREPORTED,
	PS_GUYUAN__COUNT
};

enum ps_guyuan_severity {
	PS_GUYUAN_SEV_LOW,
	PS_GUYUAN_SEV_MEDIUM,
	PS_GUYUAN_SEV_HIGH,
};

struct ps_guyuan_opts {
	bool check[PS_GUYUAN__COUNT]; /* which finding kinds to produce */
	/*
	 * Only findings about this operator key (NULL: all): the filing's
	 * operator (out_of_range, misreported), either filing's (conflict,
	 * duplicate), the holder of the blocks the uncovered part lies in
	 * (unreported).
	 */
	const char *operator;
};

/*
 * One finding. Every string lives in the report's arena and is non-NULL
 * ("" when empty); subject[1] is NULL for one-subject findings.
 * subject: out_of_range {filing}, conflict/duplicate {filing, filing},
 * unreported {seen}, misreported {filing, seen or icp}.
 * `json` is a JSON object with the structured evidence ("check" is the
 * check name; lists are cut at 256 items, then "<list>_total" is set):
 *   out_of_range  filing, operator, range, outside [range],
 *                 blocks [{key, range}]
 *   conflict,     filings [{key, operator, range, holder, use}] (two),
 *   duplicate     overlap, nested (bool), differs [{field, values [a, b]}]
 *   unreported    seen, source, range, uncovered [range], operators
 *   misreported   filing, range, then seen, seen_range or icp, domain;
 *                 fields [{field, filed, observed, source}] where source
 *                 is "<seen source>:<seen key>" or "icp:<icp key>"
 */
struct ps_guyuan_finding {
	enum ps_guyuan_check check;
	enum ps_guyuan_severity severity;
	const char *subject[2];
	const char *operator;    /* operator key(s), ", "-joined, or "" */
	const char *range;       /* the range the finding is about, as text */
	const char *evidence;    /* English sentence */
	const char *evidence_zh; /* Chinese sentence */
	const char *json;
	struct ps_guyuan_range r; /* `range` as numbers, for ordering */
};

/* Invariant after ps_guyuan_run: findings[0..n) sorted; count[c] is the
 * number of findings of check c. Zero it before the first run. */
struct ps_guyuan_report {
	struct ps_guyuan_finding *findings; /* borrowed from `vec` */
	size_t n;
	size_t count[PS_GUYUAN__COUNT];
	struct ps_vec vec;
	struct ps_arena arena;
};

/* Every check on, no operator filter. */
void ps_guyuan_opts_default(struct ps_guyuan_opts *o);

/*
 * Run the enabled checks over `in` (borrowed for the call) into `rep`
 * (released first, so it may be reused). O(n log n) in the number of
 * records plus the size of the output. PS_OK; PS_EINVAL when an input
 * range is malformed (lo > hi, IPv4 with bytes past the fourth; `d` names
 * the record); PS_ELIMIT past PS_GUYUAN_MAX_FINDINGS; PS_ENOMEM. On error
 * `rep` is empty. Thread-safe for distinct reports.
 */
int ps_guyuan_run(const struct ps_guyuan_input *in, const struct ps_guyuan_opts *o,
		  struct ps_guyuan_report *rep, struct ps_diag *d) PS_MUST_USE;
/* Free the findings; the report is empty and reusable. */
void ps_guyuan_report_release(struct ps_guyuan_report *rep);

/* "out_of_range", ... and 越界, 冲突, 重复备案, 漏报, 错报; NULL if out of range. */
const char *ps_guyuan_check_name(enum ps_guyuan_check c);
const char *ps_guyuan_check_zh(enum ps_guyuan_check c);
/* By English name or Chinese label; PS_EINVAL for anything else. */
int ps_guyuan_check_parse(const char *s, enum ps_guyuan_check *out) PS_MUST_USE;
/* "low", "medium", "high". */
const char *ps_guyuan_severity_name(enum ps_guyuan_severity s);

/* ---- from the registry (guyuan_load.c) ---- */

struct ps_registry;
struct ps_policy;

/*
 * The four record kinds read from a registry: ipblock (operator, range),
 * ipfiling (operator, range, holder, use, location, icp), ipseen
 * (address, source, holder, use, location), icp (domain, holder,
 * address). `in` points into the vectors; every string is in `arena`.
 * Zero it before ps_guyuan_load.
 */
struct ps_guyuan_data {
	struct ps_guyuan_input in;
	struct ps_vec blocks, filings, seen, icps;
	struct ps_arena arena;
};

/* Read every block, filing, seen address and ICP filing (released first).
 * PS_OK, PS_EDB, PS_ENOMEM, PS_EINVAL (a stored range does not parse: `d`
 * names the record). */
int ps_guyuan_load(struct ps_registry *r, struct ps_guyuan_data *g,
		   struct ps_diag *d) PS_MUST_USE;
void ps_guyuan_data_release(struct ps_guyuan_data *g);

/*
 * Turn each check off when its policy flag filing.ip.check_<name> is
 * false (duplicate follows check_conflict); checks already off stay off.
 * PS_OK, or PS_EINVAL naming a missing or non-flag value.
 */
int ps_guyuan_opts_policy(const struct ps_policy *pol, struct ps_guyuan_opts *o,
			  struct ps_diag *d) PS_MUST_USE;
/* The policy id of a check's flag ("filing.ip.check_conflict"). */
const char *ps_guyuan_check_policy_id(enum ps_guyuan_check c);

/* ps_guyuan_load then ps_guyuan_run with `o` as given (apply
 * ps_guyuan_opts_policy first). Errors as both. */
int ps_guyuan_check_registry(struct ps_registry *r, const struct ps_guyuan_opts *o,
			     struct ps_guyuan_report *rep, struct ps_diag *d) PS_MUST_USE;

#endif
