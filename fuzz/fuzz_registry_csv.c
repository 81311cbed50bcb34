/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target for the CSV side of registry bulk import: the input is one
 * file read as units.csv (decoded as UTF-8 or, failing that, GB18030).
 * Whatever is accepted must be rows of units with keys and UTF-8 values,
 * and a clean parse must have recorded no error.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "core/core.h"
#include "core/csv.h"
#include "registry/bulk.h"

static void check(const struct ps_reg_bulk *b, int rc)
{
	const struct ps_reg_kind *unit = ps_reg_kind_find("unit");

	if ((rc == PS_OK) != (b->n_errors == 0) ||
	    ps_reg_bulk_errors_kept(b) > PS_REG_BULK_ERRORS_MAX ||
	    ps_reg_bulk_errors_kept(b) > b->n_errors)
		abort();
	for (size_t i = 0; i < ps_vec_len(&b->rows); i++) {
		const struct ps_reg_bulk_row *row = PS_VEC_AT(&b->rows, struct ps_reg_bulk_row, i);

		if (row->rec->kind != unit || row->rec->key == NULL || row->at.line == 0)
			abort();
		for (size_t f = 0; f < unit->n_fields; f++) {
			const char *v = row->rec->vals[f];

			if (v != NULL && (!row->given[f] || v[0] == '\0' ||
					  !ps_csv_utf8_valid(v, strlen(v), NULL)))
				abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ps_reg_bulk b;
	int rc;

	if (ps_reg_bulk_init(&b) != PS_OK)
		abort();
	rc = ps_reg_bulk_parse(&b, "units.csv", PS_REG_BULK_CSV, NULL, (const char *)data,
			       size);
	if (rc != PS_ENOMEM)
		check(&b, rc);
	ps_reg_bulk_release(&b);
	return 0;
}
