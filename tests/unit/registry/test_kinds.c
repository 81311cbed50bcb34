/* SPDX-License-Identifier: Apache-2.0 */
/* The kind descriptors: names unique, references point at earlier kinds,
 * every field has a Chinese header and help. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/core.h"
#include "registry/registry.h"

static void test_descriptors(void **state)
{
	(void)state;
	assert_true(ps_reg_kind_count() >= 20);
	for (size_t i = 0; i < ps_reg_kind_count(); i++) {
		const struct ps_reg_kind *k = ps_reg_kind_at(i);

		assert_ptr_equal(ps_reg_kind_find(k->name), k);
		assert_ptr_equal(ps_reg_kind_find(k->plural), k);
		for (size_t j = 0; j < k->n_fields; j++) {
			const struct ps_reg_field *f = &k->fields[j];

			assert_non_null(f->zh);
			assert_non_null(f->help);
			assert_int_equal(ps_reg_field_find(k, f->name), (int)j);
			assert_int_equal(ps_reg_field_find(k, f->zh), (int)j);
			if (f->type == PS_REG_REF) {
				const struct ps_reg_kind *t = ps_reg_kind_find(f->arg);

				assert_non_null(t);
				/* dependency order: only earlier kinds (or itself) */
				assert_true(t <= k);
			}
			if (f->type == PS_REG_ENUM || f->type == PS_REG_LABEL)
				assert_non_null(f->arg);
		}
	}
	assert_null(ps_reg_kind_find("nosuch"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_descriptors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
