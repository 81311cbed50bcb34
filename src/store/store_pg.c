/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The PostgreSQL backend of the store. Not written yet: opening a
 * postgresql:// spec reports that the backend is unsupported.
 */
#include "core/core.h"
#include "store/store_int.h"

static int pg_open(struct ps_store *st, const char *spec,
		   const struct ps_store_settings *set, struct ps_diag *d)
{
	(void)st;
	(void)spec;
	(void)set;
	ps_diag_set(d, "cannot connect to PostgreSQL: backend not built yet");
	return PS_EUNSUP;
}

const struct ps_store_ops ps_store_pg_ops = {
	.name = "postgresql",
	.dollar_params = true,
	.open = pg_open,
};
