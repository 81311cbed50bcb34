/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target for the policy loader: the input is one policy file. A file
 * that loads is then looked up, checked against the required list and
 * printed in every format, so the accessors see whatever the loader admits.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"
#include "policy/policy.h"
#include "core/core.h"

static void exercise(const struct ps_policy *p)
{
	static FILE *sink;
	struct ps_policy_stats st;
	struct ps_diag d;

	if (sink == NULL)
		sink = fopen("/dev/null", "w");
	ps_policy_stats_get(p, &st);
	if (st.values != ps_policy_value_count(p) ||
	    st.tables != ps_policy_table_count(p))
		abort();
	for (size_t i = 0; i < ps_policy_value_count(p); i++) {
		const struct ps_policy_value *v = ps_policy_value_at(p, i);
		int64_t n;

		if (ps_policy_value_get(p, v->id) != v || v->doc == NULL)
			abort();
		if ((ps_policy_get_int(p, v->id, &n) == PS_OK) !=
		    (v->v.kind == PS_POLICY_INT))
			abort();
	}
	for (size_t i = 0; i < ps_policy_table_count(p); i++) {
		const struct ps_policy_table *t = ps_policy_table_at(p, i);

		if (ps_policy_table_get(p, t->id) != t || t->n_rows == 0 ||
		    ps_policy_table_cell(t, t->n_rows - 1, t->cols[0].name) ==
			    NULL)
			abort();
	}
	/* A single file never holds every required id; the check runs anyway. */
	if (ps_policy_check_required(p, &d) == PS_OK)
		d.msg[0] = '\0';
	if (sink != NULL &&
	    (ps_policy_print(p, sink, PS_POLICY_FMT_TABLE, NULL) != PS_OK ||
	     ps_policy_print(p, sink, PS_POLICY_FMT_CSV, NULL) != PS_OK ||
	     ps_policy_print(p, sink, PS_POLICY_FMT_JSON, "a") != PS_OK))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ps_policy *p = NULL;
	struct ps_diag d;

	if (ps_policy_load_mem("fuzz.yaml", (const char *)data, size, &p, &d) ==
	    PS_OK)
		exercise(p);
	else if (p != NULL)
		abort();
	ps_policy_free(p);
	return 0;
}
