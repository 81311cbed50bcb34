/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target for the store's SQL lexing helpers: `?` to $n rewriting for
 * PostgreSQL and the statement describer used in error messages. Their
 * input is SQL text from other modules, so the bar is no crash, no
 * out-of-bounds access and the documented bounds on the output.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "core/core.h"
#include "store/store_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *sql, *out = NULL, what[96];
	int n = -1, marks;

	if (size > 1 << 16)
		return 0;
	sql = ps_strndup(PS_MEM_TEST, (const char *)data, size);
	if (sql == NULL)
		return 0;
	marks = ps_store_sql_count_params(sql);
	if (ps_store_sql_dollar(sql, &out, &n) == PS_OK) {
		/* Each `?` grew into at most "$65535". */
		if (strlen(out) > strlen(sql) + 5 * (size_t)marks ||
		    n < 0 || n > PS_STORE_MAX_PARAMS || n != marks)
			abort();
		ps_free(out);
	}
	ps_store_sql_describe(sql, what, sizeof(what));
	if (strnlen(what, sizeof(what)) == sizeof(what))
		abort();
	ps_free(sql);
	return 0;
}
