/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Routing addresses to their owners on SQLite and PostgreSQL (argv[1]):
 * the narrowest asset wins, IPv6, unregistered addresses, the fallback of
 * department and person from asset to unit, bad addresses, and
 * `panshi asset route` on the bundled sample registry.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>

#include "cli/cli.h"
#include "core/core.h"
#include "policy/policy.h"
#include "registry/bulk.h"
#include "registry/registry.h"
#include "store/store.h"

#define OK(x) assert_int_equal((x), PS_OK)

struct fx {
	struct ps_store *st;
	struct ps_store_settings set;
	struct ps_registry r;
	char spec[512];
	char schema[64];
};

#define REG_FX_NAME "route"
#define REG_FX_TODAY ((struct ps_date){2026, 3, 1})
#include "reg_fixture.h"

static const char small_yaml[] =
	"panshi_registry: 1\n"
	"operators:\n"
	"  - {key: OP-1, name: 测试运营者, type: basic_telecom}\n"
	"depts:\n"
	"  - {key: D-UNIT, operator: OP-1, name: 单元部门}\n"
	"  - {key: D-ASSET, operator: OP-1, name: 资产部门}\n"
	"persons:\n"
	"  - {key: P-UNIT, name: 单元责任人, dept: D-UNIT, phone: '13900000001'}\n"
	"  - {key: P-ASSET, name: 资产责任人, dept: D-ASSET}\n"
	"units:\n"
	"  - {key: U-1, operator: OP-1, name: 测试单元, type: idc, level: 3,\n"
	"     dept: D-UNIT, person: P-UNIT}\n"
	"assets:\n"
	"  - {key: A-NET, unit: U-1, kind: ip_range, name: 网段, address: 192.0.2.0/24,\n"
	"     dept: D-ASSET, person: P-ASSET}\n"
	"  - {key: A-HOST, unit: U-1, kind: host, name: 主机, address: 192.0.2.5}\n"
	"  - {key: A-V6NET, unit: U-1, kind: ip_range, name: v6 网段, address: '2001:db8:1::/48',\n"
	"     person: P-ASSET}\n"
	"  - {key: A-V6HOST, unit: U-1, kind: host, name: v6 主机, address: '2001:db8:1::10',\n"
	"     dept: D-ASSET}\n";

static void load_text(struct fx *f, const char *text)
{
	struct ps_reg_bulk b;
	struct ps_reg_bulk_report rep;

	OK(ps_reg_bulk_init(&b));
	OK(ps_reg_bulk_parse_yaml(&b, "small.yaml", text, strlen(text)));
	OK(ps_reg_bulk_apply(&f->r, &b, false, &rep));
	assert_int_equal(b.n_errors, 0);
	ps_reg_bulk_release(&b);
}

static void load_sample(struct fx *f)
{
	struct ps_reg_bulk b;
	struct ps_reg_bulk_report rep;
	char path[1100];

	snprintf(path, sizeof(path), "%s/samples/registry/demo-operator.yaml", srcdir);
	OK(ps_reg_bulk_init(&b));
	OK(ps_reg_bulk_read(&b, path, PS_REG_BULK_AUTO, NULL));
	OK(ps_reg_bulk_apply(&f->r, &b, false, &rep));
	assert_int_equal(b.n_errors, 0);
	ps_reg_bulk_release(&b);
}

/* Route ip and check asset, unit, dept and person keys (NULL = none). */
static void expect(struct fx *f, const char *ip, const char *asset, const char *unit,
		   const char *dept, const char *person)
{
	struct ps_reg_route rt;
	struct ps_diag d = {{0}};

	OK(ps_reg_route_ip(&f->r, ip, &rt, &d));
	assert_int_equal(rt.registered, asset != NULL);
	if (asset == NULL) {
		assert_null(rt.asset_key);
		assert_null(rt.unit_key);
		assert_null(rt.dept_key);
		assert_null(rt.person_key);
	} else {
		assert_string_equal(rt.asset_key, asset);
		assert_string_equal(rt.unit_key, unit);
		if (dept != NULL)
			assert_string_equal(rt.dept_key, dept);
		else
			assert_null(rt.dept_key);
		if (person != NULL)
			assert_string_equal(rt.person_key, person);
		else
			assert_null(rt.person_key);
	}
	ps_reg_route_release(&rt);
}

static void test_nested_and_fallback(void **state)
{
	struct fx *f = *state;
	struct ps_reg_route rt;
	struct ps_diag d = {{0}};

	load_text(f, small_yaml);
	/* the host inside the range wins; it has no owners: the unit's */
	expect(f, "192.0.2.5", "A-HOST", "U-1", "D-UNIT", "P-UNIT");
	/* the range itself, with its own owners */
	expect(f, "192.0.2.6", "A-NET", "U-1", "D-ASSET", "P-ASSET");
	expect(f, "192.0.2.255", "A-NET", "U-1", "D-ASSET", "P-ASSET");
	/* IPv6: nested, and dept and person fall back one by one */
	expect(f, "2001:db8:1::10", "A-V6HOST", "U-1", "D-ASSET", "P-UNIT");
	expect(f, "2001:DB8:1:0::11", "A-V6NET", "U-1", "D-UNIT", "P-ASSET");
	/* covered by nothing */
	expect(f, "192.0.3.1", NULL, NULL, NULL, NULL);
	expect(f, "2001:db8:2::1", NULL, NULL, NULL, NULL);
	/* every name, the operator, the level and the phone */
	OK(ps_reg_route_ip(&f->r, "192.0.2.5", &rt, &d));
	assert_string_equal(rt.asset_name, "主机");
	assert_string_equal(rt.unit_name, "测试单元");
	assert_int_equal(rt.unit_level, 3);
	assert_string_equal(rt.operator_key, "OP-1");
	assert_string_equal(rt.operator_name, "测试运营者");
	assert_string_equal(rt.dept_name, "单元部门");
	assert_string_equal(rt.person_name, "单元责任人");
	assert_string_equal(rt.person_phone, "13900000001");
	ps_reg_route_release(&rt);
	ps_reg_route_release(&rt); /* idempotent */
}

static void test_bad_address(void **state)
{
	static const char *const bad[] = {"10.0.0.0/8", "300.1.1.1", "nope", "",
					  "10.0.0.1-10.0.0.9", "2001:db8::/32"};
	struct fx *f = *state;

	load_text(f, small_yaml);
	for (size_t i = 0; i < PS_ARRAY_LEN(bad); i++) {
		struct ps_reg_route rt;
		struct ps_diag d = {{0}};
		char want[128];

		assert_int_equal(ps_reg_route_ip(&f->r, bad[i], &rt, &d), PS_EINVAL);
		assert_false(rt.registered);
		assert_null(rt.asset_key);
		snprintf(want, sizeof(want), "'%s' is not an IPv4 or IPv6 address", bad[i]);
		assert_string_equal(d.msg, want);
		ps_reg_route_release(&rt);
	}
}

static void test_sample(void **state)
{
	struct fx *f = *state;
	struct ps_reg_route rt;
	struct ps_diag d = {{0}};

	load_sample(f);
	expect(f, "10.0.0.57", "A-IIP-PLC7", "U-IIP-01", "D-IT", "P-WANG");
	expect(f, "10.0.0.3", "A-IIP-PLC", "U-IIP-01", "D-IT", "P-WANG");
	expect(f, "8.8.8.8", NULL, NULL, NULL, NULL);
	expect(f, "2001:db8:10::5", "A-IDC-V6", "U-IDC-01", "D-IDC", "P-ZHAO");
	OK(ps_reg_route_ip(&f->r, "10.0.0.57", &rt, &d));
	assert_string_equal(rt.operator_key, "OP-DEMO");
	assert_int_equal(rt.unit_level, 2);
	assert_string_equal(rt.person_phone, "13800000003");
	ps_reg_route_release(&rt);
}

/* Run the CLI; *out and *err are new strings (ps_free). */
static int cli(int argc, char **argv, char **out, char **err)
{
	char op[600], ep[600];
	struct ps_diag d = {{0}};
	size_t len;
	FILE *o, *e;
	int rc;

	snprintf(op, sizeof(op), "%s/cli.out", tmpdir);
	snprintf(ep, sizeof(ep), "%s/cli.err", tmpdir);
	o = fopen(op, "w");
	e = fopen(ep, "w");
	assert_non_null(o);
	assert_non_null(e);
	rc = ps_cli_run(argc, argv, o, e);
	fclose(o);
	fclose(e);
	OK(ps_file_read(op, PS_MEM_TEST, 1 << 20, out, &len, &d));
	OK(ps_file_read(ep, PS_MEM_TEST, 1 << 20, err, &len, &d));
	unlink(op);
	unlink(ep);
	return rc;
}

static void test_cli(void **state)
{
	char db[512], pdir[1100], sample[1100], *out, *err;

	(void)state;
	if (is_pg())
		skip();
	snprintf(db, sizeof(db), "%s/cli.db", tmpdir);
	snprintf(pdir, sizeof(pdir), "%s/policy", srcdir);
	snprintf(sample, sizeof(sample), "%s/samples/registry/demo-operator.yaml", srcdir);
	{
		char *init[] = {"panshi", "--db", db, "--policy-dir", pdir, "init", NULL};
		char *imp[] = {"panshi", "--db", db, "--policy-dir", pdir, "registry",
			       "import", sample, NULL};
		char *route[] = {"panshi", "--db", db, "--policy-dir", pdir, "asset", "route",
				 "10.0.0.57", "10.0.0.3", "--format", "csv", "8.8.8.8",
				 "2001:db8:10::5", NULL};
		char *json[] = {"panshi", "--db", db, "--policy-dir", pdir, "asset", "route",
				"--format=json", "10.0.0.57", NULL};
		char *bad[] = {"panshi", "--db", db, "--policy-dir", pdir, "asset", "route",
			       "10.0.0.57", "10.0.0.0/24", NULL};
		char *none[] = {"panshi", "--db", db, "--policy-dir", pdir, "asset", "route",
				NULL};

		assert_int_equal(cli(6, init, &out, &err), 0);
		ps_free(out);
		ps_free(err);
		assert_int_equal(cli(8, imp, &out, &err), 0);
		ps_free(out);
		ps_free(err);
		assert_int_equal(cli(13, route, &out, &err), 0);
		if (strstr(out, "10.0.0.57,registered,A-IIP-PLC7,") == NULL)
			fail_msg("output: %s", out);
		assert_non_null(strstr(out, "ip,status,asset,asset_name,unit,unit_name,level,"
					    "operator,dept,dept_name,person,person_name,phone\r\n"));
		assert_non_null(strstr(out, "10.0.0.57,registered,A-IIP-PLC7,PLC 控制器,U-IIP-01,"
					    "工业互联网平台,2,OP-DEMO,D-IT,信息技术部,P-WANG,王开发,"
					    "13800000003\r\n"));
		assert_non_null(strstr(out, "10.0.0.3,registered,A-IIP-PLC,"));
		assert_non_null(strstr(out, ",U-IIP-01,"));
		assert_non_null(strstr(out, "8.8.8.8,unregistered,,,,,,,,,,,\r\n"));
		assert_non_null(strstr(out, "2001:db8:10::5,registered,A-IDC-V6,"));
		assert_non_null(strstr(out, ",U-IDC-01,"));
		assert_non_null(strstr(out, ",P-ZHAO,"));
		ps_free(out);
		ps_free(err);
		assert_int_equal(cli(9, json, &out, &err), 0);
		assert_non_null(strstr(out, "\"asset\": \"A-IIP-PLC7\""));
		ps_free(out);
		ps_free(err);
		assert_int_equal(cli(9, bad, &out, &err), 1);
		assert_string_equal(err, "error: '10.0.0.0/24' is not an IPv4 or IPv6 address\n");
		ps_free(out);
		ps_free(err);
		assert_int_equal(cli(7, none, &out, &err), 2);
		assert_non_null(strstr(err, "no address given"));
		ps_free(out);
		ps_free(err);
	}
	unlink(db);
}

#define STORE_TEST(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		STORE_TEST(test_nested_and_fallback),
		STORE_TEST(test_bad_address),
		STORE_TEST(test_sample),
		STORE_TEST(test_cli),
	};

	return reg_run(argc, argv, tests);
}
