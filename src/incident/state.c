/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The incident state machine as a table: names, allowed moves and what a
 * move must carry. The store and the CLI call these checks before writing
 * a move to an incident's history.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "incident/state.h"
#include "core/core.h"

#define BIT(s) (1u << (s))

static const char *const names[PS_INC_STATE__COUNT] = {
	[PS_INC_NEW] = "new",
	[PS_INC_TRIAGED] = "triaged",
	[PS_INC_ASSIGNED] = "assigned",
	[PS_INC_IN_PROGRESS] = "in_progress",
	[PS_INC_RECTIFIED] = "rectified",
	[PS_INC_VERIFIED] = "verified",
	[PS_INC_CLOSED] = "closed",
	[PS_INC_FALSE_POSITIVE] = "false_positive",
	[PS_INC_ACCEPTED_RISK] = "accepted_risk",
};

static const char *const zh[PS_INC_STATE__COUNT] = {
	[PS_INC_NEW] = "新建",
	[PS_INC_TRIAGED] = "已研判",
	[PS_INC_ASSIGNED] = "已分派",
	[PS_INC_IN_PROGRESS] = "处置中",
	[PS_INC_RECTIFIED] = "已整改",
	[PS_INC_VERIFIED] = "已验证",
	[PS_INC_CLOSED] = "已关闭",
	[PS_INC_FALSE_POSITIVE] = "误报",
	[PS_INC_ACCEPTED_RISK] = "接受风险",
};

/* allowed[from]: a bit per state it may move to. */
static const unsigned allowed[PS_INC_STATE__COUNT] = {
	[PS_INC_NEW] = BIT(PS_INC_TRIAGED) | BIT(PS_INC_FALSE_POSITIVE),
	[PS_INC_TRIAGED] = BIT(PS_INC_ASSIGNED) | BIT(PS_INC_FALSE_POSITIVE) |
			   BIT(PS_INC_ACCEPTED_RISK),
	[PS_INC_ASSIGNED] = BIT(PS_INC_IN_PROGRESS) | BIT(PS_INC_TRIAGED),
	[PS_INC_IN_PROGRESS] = BIT(PS_INC_RECTIFIED) | BIT(PS_INC_ACCEPTED_RISK),
	[PS_INC_RECTIFIED] = BIT(PS_INC_VERIFIED) | BIT(PS_INC_IN_PROGRESS),
	[PS_INC_VERIFIED] = BIT(PS_INC_CLOSED) | BIT(PS_INC_TRIAGED),
	[PS_INC_CLOSED] = BIT(PS_INC_TRIAGED),
	[PS_INC_FALSE_POSITIVE] = BIT(PS_INC_TRIAGED),
	[PS_INC_ACCEPTED_RISK] = BIT(PS_INC_TRIAGED),
};

static bool valid(enum ps_inc_state s)
{
	return (unsigned)s < PS_INC_STATE__COUNT;
}

const char *ps_inc_state_name(enum ps_inc_state s)
{
	return valid(s) ? names[s] : "unknown";
}

const char *ps_inc_state_zh(enum ps_inc_state s)
{
	return valid(s) ? zh[s] : "未知";
}

/* Case-insensitive equality where '-' in `s` reads as '_'. */
static bool name_eq(const char *s, const char *name)
{
	for (; *s != '\0' && *name != '\0'; s++, name++) {
		char c = *s == '-' ? '_' : *s;

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != *name)
			return false;
	}
	return *s == '\0' && *name == '\0';
}

int ps_inc_state_parse(const char *s, enum ps_inc_state *out,
		       struct ps_diag *d)
{
	if (s != NULL) {
		for (int i = 0; i < PS_INC_STATE__COUNT; i++) {
			if (name_eq(s, names[i]) || strcmp(s, zh[i]) == 0) {
				*out = (enum ps_inc_state)i;
				return PS_OK;
			}
		}
	}
	ps_diag_set(d, "unknown incident state '%s': expected new, triaged, "
		    "assigned, in_progress, rectified, verified, closed, "
		    "false_positive or accepted_risk", s ? s : "");
	return PS_EINVAL;
}

bool ps_inc_transition_allowed(enum ps_inc_state from, enum ps_inc_state to)
{
	return valid(from) && valid(to) && (allowed[from] & BIT(to)) != 0;
}

bool ps_inc_transition_is_reopen(enum ps_inc_state from, enum ps_inc_state to)
{
	return to == PS_INC_TRIAGED && ps_inc_transition_allowed(from, to) &&
	       (from == PS_INC_CLOSED || from == PS_INC_VERIFIED ||
		from == PS_INC_FALSE_POSITIVE || from == PS_INC_ACCEPTED_RISK);
}

bool ps_inc_transition_needs_reason(enum ps_inc_state from,
				    enum ps_inc_state to)
{
	if (!ps_inc_transition_allowed(from, to))
		return false;
	return to == PS_INC_FALSE_POSITIVE || to == PS_INC_ACCEPTED_RISK ||
	       ps_inc_transition_is_reopen(from, to) ||
	       (from == PS_INC_RECTIFIED && to == PS_INC_IN_PROGRESS);
}

/* "triaged, false_positive" for the states `from` may move to. */
static void list_allowed(enum ps_inc_state from, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int i = 0; i < PS_INC_STATE__COUNT && off < len; i++) {
		if (!(allowed[from] & BIT(i)))
			continue;
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
					off ? ", " : "", names[i]);
	}
}

static bool blank(const char *s)
{
	if (s == NULL)
		return true;
	for (; *s != '\0'; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return false;
	return true;
}

int ps_inc_transition_check(enum ps_inc_state from, enum ps_inc_state to,
			    const struct ps_inc_transition_req *req,
			    struct ps_diag *d)
{
	const char *f = ps_inc_state_name(from), *t = ps_inc_state_name(to);
	char list[160];

	if (!valid(from) || !valid(to)) {
		ps_diag_set(d, "cannot move an incident from '%s' to '%s': "
			    "unknown state", f, t);
		return PS_EINVAL;
	}
	if (!ps_inc_transition_allowed(from, to)) {
		list_allowed(from, list, sizeof(list));
		ps_diag_set(d, "cannot move an incident from '%s' to '%s': "
			    "allowed: %s", f, t, list);
		return PS_EINVAL;
	}
	if (req == NULL || blank(req->who)) {
		ps_diag_set(d, "cannot move an incident from '%s' to '%s': "
			    "'who' is required", f, t);
		return PS_EINVAL;
	}
	if (req->when <= 0) {
		ps_diag_set(d, "cannot move an incident from '%s' to '%s': "
			    "'when' is required", f, t);
		return PS_EINVAL;
	}
	if (ps_inc_transition_needs_reason(from, to) && blank(req->why)) {
		ps_diag_set(d, "cannot move an incident from '%s' to '%s': "
			    "'why' is required", f, t);
		return PS_EINVAL;
	}
	if (to == PS_INC_ACCEPTED_RISK && !req->has_expiry) {
		ps_diag_set(d, "cannot move an incident from '%s' to '%s': "
			    "'expiry' is required", f, t);
		return PS_EINVAL;
	}
	if (to == PS_INC_ACCEPTED_RISK && req->expiry <= req->when) {
		ps_diag_set(d, "cannot move an incident from '%s' to '%s': "
			    "'expiry' must be later than 'when'", f, t);
		return PS_EINVAL;
	}
	return PS_OK;
}

bool ps_inc_accepted_risk_expired(enum ps_inc_state s, int64_t expiry,
				  int64_t now)
{
	return s == PS_INC_ACCEPTED_RISK && now >= expiry;
}

bool ps_inc_auto_verify_due(int64_t rectified_at, int64_t last_evidence_at,
			    int64_t quiet_period, int64_t now)
{
	int64_t quiet;

	if (quiet_period <= 0 || now < rectified_at)
		return false;
	if (last_evidence_at > rectified_at)
		return false;
	if (__builtin_sub_overflow(now, rectified_at, &quiet))
		return true; /* more than INT64_MAX µs have passed */
	return quiet >= quiet_period;
}
