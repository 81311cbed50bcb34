/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for the incident state machine: the full 9x9 move matrix
 * against the table, what each move must carry, accepted-risk
 * expiry and auto-verification at their boundaries.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "incident/state.h"
#include "core/core.h"

#define N PS_INC_STATE__COUNT
#define T0 INT64_C(1767225600000000) /* 2026-01-01T00:00:00Z */

/* The table, written out independently of state.c: 1 = allowed,
 * 2 = allowed and needs a reason, 3 = needs a reason and an expiry. */
static const int expect[N][N] = {
	/*            new tri asg inp rec ver clo fp  ar */
	[PS_INC_NEW] = {0, 1, 0, 0, 0, 0, 0, 2, 0},
	[PS_INC_TRIAGED] = {0, 0, 1, 0, 0, 0, 0, 2, 3},
	[PS_INC_ASSIGNED] = {0, 1, 0, 1, 0, 0, 0, 0, 0},
	[PS_INC_IN_PROGRESS] = {0, 0, 0, 0, 1, 0, 0, 0, 3},
	[PS_INC_RECTIFIED] = {0, 0, 0, 2, 0, 1, 0, 0, 0},
	[PS_INC_VERIFIED] = {0, 2, 0, 0, 0, 0, 1, 0, 0},
	[PS_INC_CLOSED] = {0, 2, 0, 0, 0, 0, 0, 0, 0},
	[PS_INC_FALSE_POSITIVE] = {0, 2, 0, 0, 0, 0, 0, 0, 0},
	[PS_INC_ACCEPTED_RISK] = {0, 2, 0, 0, 0, 0, 0, 0, 0},
};

static struct ps_inc_transition_req full_req(void)
{
	struct ps_inc_transition_req r = {
		.who = "alice", .when = T0, .why = "checked the logs",
		.has_expiry = true, .expiry = T0 + PS_USEC_PER_DAY,
	};
	return r;
}

static void test_names(void **state)
{
	enum ps_inc_state s = PS_INC_NEW;
	struct ps_diag d = {{0}};

	(void)state;
	for (int i = 0; i < N; i++) {
		assert_int_equal(ps_inc_state_parse(ps_inc_state_name(i), &s,
						    &d), PS_OK);
		assert_int_equal(s, i);
		assert_int_equal(ps_inc_state_parse(ps_inc_state_zh(i), &s,
						    &d), PS_OK);
		assert_int_equal(s, i);
	}
	assert_int_equal(ps_inc_state_parse("In-Progress", &s, &d), PS_OK);
	assert_int_equal(s, PS_INC_IN_PROGRESS);
	assert_int_equal(ps_inc_state_parse("误报", &s, &d), PS_OK);
	assert_int_equal(s, PS_INC_FALSE_POSITIVE);
	assert_int_equal(ps_inc_state_parse("done", &s, &d), PS_EINVAL);
	assert_int_equal(s, PS_INC_FALSE_POSITIVE);
	assert_non_null(strstr(d.msg, "unknown incident state 'done'"));
	assert_int_equal(ps_inc_state_parse("", &s, &d), PS_EINVAL);
	assert_int_equal(ps_inc_state_parse(NULL, &s, &d), PS_EINVAL);
	assert_string_equal(ps_inc_state_name(N), "unknown");
	assert_string_equal(ps_inc_state_zh(N), "未知");
}

/* Every pair: allowed ones pass with a full request, forbidden ones fail
 * with the git-style message listing what is allowed. */
static void test_matrix(void **state)
{
	struct ps_inc_transition_req r = full_req();
	struct ps_diag d;
	int n_allowed = 0;

	(void)state;
	for (int f = 0; f < N; f++) {
		for (int t = 0; t < N; t++) {
			int rc = ps_inc_transition_check(f, t, &r, &d);
			char want[128];

			assert_int_equal(ps_inc_transition_allowed(f, t),
					 expect[f][t] != 0);
			assert_int_equal(ps_inc_transition_needs_reason(f, t),
					 expect[f][t] >= 2);
			if (expect[f][t]) {
				n_allowed++;
				assert_int_equal(rc, PS_OK);
				continue;
			}
			assert_int_equal(rc, PS_EINVAL);
			snprintf(want, sizeof(want),
				 "cannot move an incident from '%s' to '%s': "
				 "allowed: ", ps_inc_state_name(f),
				 ps_inc_state_name(t));
			assert_memory_equal(d.msg, want, strlen(want));
		}
	}
	assert_int_equal(n_allowed, 16);
	assert_int_equal(ps_inc_transition_check(PS_INC_NEW, PS_INC_CLOSED, &r,
						 &d), PS_EINVAL);
	assert_string_equal(d.msg, "cannot move an incident from 'new' to "
			    "'closed': allowed: triaged, false_positive");
	assert_int_equal(ps_inc_transition_check(N, PS_INC_NEW, &r, &d),
			 PS_EINVAL);
	assert_int_equal(ps_inc_transition_check(PS_INC_NEW, -1, &r, &d),
			 PS_EINVAL);
}

/* Each allowed move without who, when, why or expiry, as required. */
static void test_requirements(void **state)
{
	struct ps_diag d;

	(void)state;
	for (int f = 0; f < N; f++) {
		for (int t = 0; t < N; t++) {
			struct ps_inc_transition_req r = full_req();

			if (!expect[f][t])
				continue;
			r.who = "";
			assert_int_equal(ps_inc_transition_check(f, t, &r, &d),
					 PS_EINVAL);
			assert_non_null(strstr(d.msg, "'who' is required"));
			r = full_req();
			r.when = 0;
			assert_int_equal(ps_inc_transition_check(f, t, &r, &d),
					 PS_EINVAL);
			assert_non_null(strstr(d.msg, "'when' is required"));
			r = full_req();
			r.why = " \t";
			assert_int_equal(ps_inc_transition_check(f, t, &r, &d),
					 expect[f][t] >= 2 ? PS_EINVAL : PS_OK);
			r.why = NULL;
			assert_int_equal(ps_inc_transition_check(f, t, &r, &d),
					 expect[f][t] >= 2 ? PS_EINVAL : PS_OK);
			if (expect[f][t] >= 2)
				assert_non_null(strstr(d.msg,
						       "'why' is required"));
			r = full_req();
			r.has_expiry = false;
			assert_int_equal(ps_inc_transition_check(f, t, &r, &d),
					 expect[f][t] == 3 ? PS_EINVAL : PS_OK);
			if (expect[f][t] == 3)
				assert_non_null(strstr(d.msg,
						       "'expiry' is required"));
		}
	}
	assert_int_equal(ps_inc_transition_check(PS_INC_NEW, PS_INC_TRIAGED,
						 NULL, &d), PS_EINVAL);
}

static void test_accept_expiry_order(void **state)
{
	struct ps_inc_transition_req r = full_req();
	struct ps_diag d;

	(void)state;
	r.expiry = r.when;
	assert_int_equal(ps_inc_transition_check(PS_INC_TRIAGED,
						 PS_INC_ACCEPTED_RISK, &r, &d),
			 PS_EINVAL);
	assert_non_null(strstr(d.msg, "'expiry' must be later than 'when'"));
	r.expiry = r.when + 1;
	assert_int_equal(ps_inc_transition_check(PS_INC_TRIAGED,
						 PS_INC_ACCEPTED_RISK, &r, &d),
			 PS_OK);
}

static void test_reopen(void **state)
{
	(void)state;
	for (int f = 0; f < N; f++)
		for (int t = 0; t < N; t++)
			assert_int_equal(ps_inc_transition_is_reopen(f, t),
					 t == PS_INC_TRIAGED &&
					 (f == PS_INC_CLOSED ||
					  f == PS_INC_VERIFIED ||
					  f == PS_INC_FALSE_POSITIVE ||
					  f == PS_INC_ACCEPTED_RISK));
}

static void test_risk_expiry_boundary(void **state)
{
	int64_t exp = T0 + 30 * PS_USEC_PER_DAY;

	(void)state;
	assert_false(ps_inc_accepted_risk_expired(PS_INC_ACCEPTED_RISK, exp,
						  exp - 1));
	assert_true(ps_inc_accepted_risk_expired(PS_INC_ACCEPTED_RISK, exp,
						 exp));
	assert_true(ps_inc_accepted_risk_expired(PS_INC_ACCEPTED_RISK, exp,
						 exp + 1));
	for (int s = 0; s < N; s++)
		if (s != PS_INC_ACCEPTED_RISK)
			assert_false(ps_inc_accepted_risk_expired(s, exp,
								  exp + 1));
}

static void test_auto_verify_boundary(void **state)
{
	int64_t quiet = 7 * PS_USEC_PER_DAY, r = T0;

	(void)state;
	/* No evidence since rectification. */
	assert_false(ps_inc_auto_verify_due(r, INT64_MIN, quiet, r + quiet - 1));
	assert_true(ps_inc_auto_verify_due(r, INT64_MIN, quiet, r + quiet));
	assert_true(ps_inc_auto_verify_due(r, INT64_MIN, quiet, r + quiet + 1));
	/* Evidence before and at rectification does not count. */
	assert_true(ps_inc_auto_verify_due(r, r - 1, quiet, r + quiet));
	assert_true(ps_inc_auto_verify_due(r, r, quiet, r + quiet));
	/* Evidence one microsecond after rectification: recurrence. */
	assert_false(ps_inc_auto_verify_due(r, r + 1, quiet, r + quiet));
	assert_false(ps_inc_auto_verify_due(r, r + 1, quiet, r + 2 * quiet));
	/* Bad periods and clocks. */
	assert_false(ps_inc_auto_verify_due(r, INT64_MIN, 0, r + quiet));
	assert_false(ps_inc_auto_verify_due(r, INT64_MIN, -1, r + quiet));
	assert_false(ps_inc_auto_verify_due(r, INT64_MIN, quiet, r - 1));
	assert_true(ps_inc_auto_verify_due(INT64_MIN, INT64_MIN, quiet,
					   INT64_MAX));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_matrix),
		cmocka_unit_test(test_requirements),
		cmocka_unit_test(test_accept_expiry_order),
		cmocka_unit_test(test_reopen),
		cmocka_unit_test(test_risk_expiry_boundary),
		cmocka_unit_test(test_auto_verify_boundary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
