/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The incident state machine: the nine states, the table of allowed moves
 * and what each move must carry (who, when, why, an expiry). Pure functions
 * on values; the store records the moves these checks allow.
 *
 * Moves (from -> to):
 *   new            -> triaged | false_positive
 *   triaged        -> assigned | false_positive | accepted_risk
 *   assigned       -> in_progress | triaged            (reassign)
 *   in_progress    -> rectified | accepted_risk
 *   rectified      -> verified | in_progress           (verification failed)
 *   verified       -> closed | triaged                 (reopen on recurrence)
 *   closed         -> triaged                          (reopen on recurrence)
 *   false_positive -> triaged                          (reopen on recurrence)
 *   accepted_risk  -> triaged                          (reopen: expiry passed)
 * Staying in the same state is not a move. Every move needs `who` and a
 * `when` > 0. A non-empty `why` is required for moves into false_positive
 * and accepted_risk, for every reopen and for a failed verification; moving
 * into accepted_risk also needs an expiry later than `when`.
 */
#ifndef PS_INCIDENT_STATE_H
#define PS_INCIDENT_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"

enum ps_inc_state {
	PS_INC_NEW,
	PS_INC_TRIAGED,
	PS_INC_ASSIGNED,
	PS_INC_IN_PROGRESS,
	PS_INC_RECTIFIED,
	PS_INC_VERIFIED,
	PS_INC_CLOSED,
	PS_INC_FALSE_POSITIVE,
	PS_INC_ACCEPTED_RISK,
	PS_INC_STATE__COUNT
};

/* What a move carries. Strings are borrowed for the call only. */
struct ps_inc_transition_req {
	const char *who;  /* user or "system" (auto-verification, expiry) */
	int64_t when;     /* instant of the move, µs UTC, > 0 */
	const char *why;  /* reason; required for some moves (see above) */
	bool has_expiry;  /* accepted_risk only */
	int64_t expiry;   /* instant the acceptance ends, > when */
};

/* "new", "in_progress", ...; "unknown" for an out-of-range value. */
const char *ps_inc_state_name(enum ps_inc_state s);
/* Chinese label: 新建, 已研判, ...; "未知" for an out-of-range value. */
const char *ps_inc_state_zh(enum ps_inc_state s);
/*
 * Parse an English name (case-insensitive; '-' reads as '_') or a Chinese
 * label. PS_OK or PS_EINVAL with `d` listing the names; `*out` untouched
 * on error. Thread-safe.
 */
int ps_inc_state_parse(const char *s, enum ps_inc_state *out,
		       struct ps_diag *d) PS_MUST_USE;

/* Whether the table allows from -> to (ignores the request's fields). */
bool ps_inc_transition_allowed(enum ps_inc_state from, enum ps_inc_state to);
/* Whether from -> to is a reopen (an allowed move back to triaged from
 * closed, verified, false_positive or accepted_risk). */
bool ps_inc_transition_is_reopen(enum ps_inc_state from, enum ps_inc_state to);
/* Whether from -> to needs a non-empty reason. */
bool ps_inc_transition_needs_reason(enum ps_inc_state from,
				    enum ps_inc_state to);
/*
 * Check a move: PS_OK, or PS_EINVAL with `d` saying why, e.g. "cannot move
 * an incident from 'new' to 'closed': allowed: triaged, false_positive" or
 * "...: 'why' is required". A NULL req is refused. Thread-safe.
 */
int ps_inc_transition_check(enum ps_inc_state from, enum ps_inc_state to,
			    const struct ps_inc_transition_req *req,
			    struct ps_diag *d) PS_MUST_USE;

/*
 * Whether an accepted risk has expired: state is accepted_risk and
 * now >= expiry (the expiry instant itself is the first expired
 * microsecond). False in any other state.
 */
bool ps_inc_accepted_risk_expired(enum ps_inc_state s, int64_t expiry,
				  int64_t now);
/*
 * Whether automatic verification applies to a rectified incident: the
 * quiet period (µs, > 0) has fully passed, now - rectified_at >=
 * quiet_period, and no evidence was seen after rectification,
 * last_evidence_at <= rectified_at (pass INT64_MIN when there is none;
 * evidence at the same microsecond as rectification predates it). False
 * for a non-positive period or now before rectified_at.
 */
bool ps_inc_auto_verify_due(int64_t rectified_at, int64_t last_evidence_at,
			    int64_t quiet_period, int64_t now);

#endif
