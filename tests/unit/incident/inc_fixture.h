/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared by the incident tests: the bundled policy/ directory loaded once
 * per test group. Include after cmocka.h and core/core.h.
 */
#ifndef PS_TEST_INC_FIXTURE_H
#define PS_TEST_INC_FIXTURE_H

#include "policy/policy.h"

static struct ps_policy *pol;

static int pol_setup(void **state)
{
	const char *src = getenv("PANSHI_SOURCE_DIR");
	char dir[2048];
	struct ps_diag d = {{0}};

	(void)state;
	snprintf(dir, sizeof(dir), "%s/policy", src != NULL ? src : ".");
	if (ps_policy_load_dir(dir, &pol, &d) != PS_OK) {
		fprintf(stderr, "%s\n", d.msg);
		return -1;
	}
	return 0;
}

static int pol_teardown(void **state)
{
	(void)state;
	ps_policy_free(pol);
	pol = NULL;
	return 0;
}

#endif
