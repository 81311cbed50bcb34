/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Registry records without a store: setting fields by name or Chinese
 * header, clearing, the typed readers and their errors, copies, and
 * allocation failures on every path (ps_mem_torture).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/core.h"
#include "registry/registry.h"

#define OK(x) assert_int_equal((x), PS_OK)

static void test_set_get(void **state)
{
	const struct ps_reg_kind *k = ps_reg_kind_find("unit");
	struct ps_reg_record *r = ps_reg_record_new(k);

	(void)state;
	assert_non_null(r);
	assert_ptr_equal(r->kind, k);
	assert_null(r->key);
	for (size_t i = 0; i < k->n_fields; i++)
		assert_null(r->vals[i]);
	OK(ps_reg_record_set(r, "key", "U-1"));
	OK(ps_reg_record_set(r, "name", "核心网"));
	OK(ps_reg_record_set(r, "安全防护级别", "3")); /* by Chinese header */
	OK(ps_reg_record_set(r, "编号", "U-2"));
	assert_string_equal(r->key, "U-2");
	assert_string_equal(ps_reg_record_get(r, "key"), "U-2");
	assert_string_equal(ps_reg_record_get(r, "level"), "3");
	assert_string_equal(ps_reg_record_get(r, "网络单元名称"), "核心网");
	assert_string_equal(r->vals[ps_reg_field_find(k, "name")], "核心网");
	assert_int_equal(ps_reg_record_set(r, "nosuch", "x"), PS_ENOENT);
	assert_null(ps_reg_record_get(r, "nosuch"));
	/* "" and NULL clear */
	OK(ps_reg_record_set(r, "name", ""));
	assert_null(ps_reg_record_get(r, "name"));
	OK(ps_reg_record_set(r, "level", NULL));
	assert_null(ps_reg_record_get(r, "level"));
	OK(ps_reg_record_set(r, "key", NULL));
	assert_null(r->key);
	ps_reg_record_free(r);
	ps_reg_record_free(NULL);
	assert_null(ps_reg_record_new(NULL));
}

static void test_typed(void **state)
{
	struct ps_reg_record *r = ps_reg_record_new(ps_reg_kind_find("operator"));
	struct ps_date d = {0};
	int64_t n = 7;

	(void)state;
	assert_int_equal(ps_reg_record_int(r, "log_retention_days", &n), PS_ENOENT);
	assert_int_equal(n, 7);
	OK(ps_reg_record_set(r, "log_retention_days", "180"));
	OK(ps_reg_record_int(r, "log_retention_days", &n));
	assert_int_equal(n, 180);
	OK(ps_reg_record_set(r, "log_retention_days", "-9223372036854775808"));
	OK(ps_reg_record_int(r, "log_retention_days", &n));
	assert_true(n == INT64_MIN);
	OK(ps_reg_record_set(r, "log_retention_days", "9223372036854775808"));
	assert_int_equal(ps_reg_record_int(r, "log_retention_days", &n), PS_EINVAL);
	OK(ps_reg_record_set(r, "log_retention_days", "12a"));
	assert_int_equal(ps_reg_record_int(r, "log_retention_days", &n), PS_EINVAL);
	OK(ps_reg_record_set(r, "log_retention_days", "-"));
	assert_int_equal(ps_reg_record_int(r, "log_retention_days", &n), PS_EINVAL);
	assert_int_equal(ps_reg_record_int(r, "nosuch", &n), PS_ENOENT);
	ps_reg_record_free(r);

	r = ps_reg_record_new(ps_reg_kind_find("person"));
	assert_int_equal(ps_reg_record_date(r, "left_date", &d), PS_ENOENT);
	OK(ps_reg_record_set(r, "left_date", "2024-02-29"));
	OK(ps_reg_record_date(r, "left_date", &d));
	assert_int_equal(d.year, 2024);
	assert_int_equal(d.month, 2);
	assert_int_equal(d.day, 29);
	OK(ps_reg_record_set(r, "left_date", "2023-02-29"));
	assert_int_equal(ps_reg_record_date(r, "left_date", &d), PS_EINVAL);
	assert_int_equal(d.day, 29); /* untouched */
	assert_false(ps_reg_record_flag(r, "security_staff"));
	OK(ps_reg_record_set(r, "security_staff", "true"));
	assert_true(ps_reg_record_flag(r, "security_staff"));
	OK(ps_reg_record_set(r, "security_staff", "是"));
	assert_true(ps_reg_record_flag(r, "security_staff"));
	OK(ps_reg_record_set(r, "security_staff", "false"));
	assert_false(ps_reg_record_flag(r, "security_staff"));
	ps_reg_record_free(r);
}

static void test_dup(void **state)
{
	struct ps_reg_record *r = ps_reg_record_new(ps_reg_kind_find("asset"));
	struct ps_reg_record *c;

	(void)state;
	OK(ps_reg_record_set(r, "key", "A-1"));
	OK(ps_reg_record_set(r, "address", "10.0.0.1"));
	r->created_us = 5;
	r->updated_us = 6;
	c = ps_reg_record_dup(r);
	assert_non_null(c);
	assert_string_equal(c->key, "A-1");
	assert_string_equal(ps_reg_record_get(c, "address"), "10.0.0.1");
	assert_null(ps_reg_record_get(c, "name"));
	assert_int_equal(c->created_us, 5);
	assert_int_equal(c->updated_us, 6);
	assert_ptr_not_equal(c->vals, r->vals);
	OK(ps_reg_record_set(r, "address", "10.0.0.2"));
	assert_string_equal(ps_reg_record_get(c, "address"), "10.0.0.1");
	ps_reg_record_free(r);
	ps_reg_record_free(c);
}

static int build(void *arg)
{
	struct ps_reg_record *r = ps_reg_record_new(ps_reg_kind_find("catalog"));
	struct ps_reg_record *c = NULL;
	int rc = PS_ENOMEM;

	(void)arg;
	if (r == NULL)
		return PS_ENOMEM;
	if (ps_reg_record_set(r, "key", "DC-1") != PS_OK ||
	    ps_reg_record_set(r, "name", "用户") != PS_OK ||
	    ps_reg_record_set(r, "level", "重要") != PS_OK)
		goto out;
	c = ps_reg_record_dup(r);
	if (c != NULL)
		rc = PS_OK;
out:
	ps_reg_record_free(c);
	ps_reg_record_free(r);
	return rc;
}

static int validate_once(void *arg)
{
	struct ps_registry *reg = arg;
	struct ps_reg_record *r = ps_reg_record_new(ps_reg_kind_find("asset"));
	struct ps_diag d;
	int rc = PS_ENOMEM;

	if (r == NULL)
		return PS_ENOMEM;
	if (ps_reg_record_set(r, "unit", " U-1 ") == PS_OK &&
	    ps_reg_record_set(r, "kind", "ip_range") == PS_OK &&
	    ps_reg_record_set(r, "name", "n") == PS_OK &&
	    ps_reg_record_set(r, "address", "10.0.0.0-10.0.0.255") == PS_OK &&
	    ps_reg_record_set(r, "key_device", "yes") == PS_OK &&
	    ps_reg_record_set(r, "cpe", "cpe:2.3:h:v:p:1:*:*:*:*:*:*:*") == PS_OK)
		rc = ps_reg_validate(reg, r, &d);
	ps_reg_record_free(r);
	return rc;
}

static void test_alloc_failures(void **state)
{
	struct ps_registry reg = {0};

	(void)state;
	assert_true(ps_mem_torture(build, NULL, true) > 1);
	assert_true(ps_mem_torture(validate_once, &reg, true) > 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_get),
		cmocka_unit_test(test_typed),
		cmocka_unit_test(test_dup),
		cmocka_unit_test(test_alloc_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
