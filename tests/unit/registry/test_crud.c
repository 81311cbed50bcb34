/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Registry records in the store, against the backend named by argv[1]:
 * "sqlite" (default; a fresh file per test) or "pgsql" (PANSHI_TEST_PG_DSN,
 * a fresh schema per test; exit 77 without it). Insert with generated
 * keys, duplicates, references, update, delete guarded by references,
 * list filters and paging, the catalogue change-date rule, asset lookup
 * by IP and the on_change hook with its rollback.
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
#include "registry/registry.h"
#include "store/store.h"

#define OK(x) assert_int_equal((x), PS_OK)

struct fx {
	struct ps_store *st;
	struct ps_store_settings set;
	struct ps_registry r;
	struct ps_diag d;
	char spec[512];
	char schema[64];
};

#define REG_FX_NAME "reg"
#define REG_FX_TODAY ((struct ps_date){2026, 3, 1})
#include "reg_fixture.h"

/* A record of `kind` from "field=value" strings, NULL-terminated. */
static struct ps_reg_record *mkv(const char *kind, va_list ap)
{
	struct ps_reg_record *r = ps_reg_record_new(ps_reg_kind_find(kind));
	const char *kv;

	assert_non_null(r);
	while ((kv = va_arg(ap, const char *)) != NULL) {
		const char *eq = strchr(kv, '=');
		char name[64];

		assert_non_null(eq);
		snprintf(name, sizeof(name), "%.*s", (int)(eq - kv), kv);
		OK(ps_reg_record_set(r, name, eq + 1));
	}
	return r;
}

static struct ps_reg_record *mk(const char *kind, ...)
{
	struct ps_reg_record *r;
	va_list ap;

	va_start(ap, kind);
	r = mkv(kind, ap);
	va_end(ap);
	return r;
}

/* Insert and return the rc; the message stays in f->d. */
static int add(struct fx *f, const char *kind, ...)
{
	struct ps_reg_record *r;
	va_list ap;
	int rc;

	va_start(ap, kind);
	r = mkv(kind, ap);
	va_end(ap);
	ps_diag_clear(&f->d);
	rc = ps_reg_insert(&f->r, r, &f->d);
	ps_reg_record_free(r);
	return rc;
}

#define ADD_OK(f, ...) do { \
	int rc_ = add(f, __VA_ARGS__, NULL); \
	if (rc_ != PS_OK) \
		fail_msg("insert: %s (%s)", (f)->d.msg, ps_strerror(rc_)); \
} while (0)

static void seed(struct fx *f)
{
	ADD_OK(f, "operator", "key=OP-1", "name=磐石电信", "type=basic_telecom");
	ADD_OK(f, "dept", "key=D-1", "operator=OP-1", "name=网络安全部");
	ADD_OK(f, "person", "key=P-1", "name=张三", "dept=D-1", "security_staff=yes");
}

static int64_t count(struct fx *f, const char *kind)
{
	int64_t n = -1;

	OK(ps_reg_count(&f->r, ps_reg_kind_find(kind), NULL, &n));
	return n;
}

static char *get_field(struct fx *f, const char *kind, const char *key, const char *field)
{
	struct ps_reg_record *r = NULL;
	const char *v;
	char *c;

	OK(ps_reg_get(&f->r, ps_reg_kind_find(kind), key, &r));
	v = ps_reg_record_get(r, field);
	c = ps_strdup(PS_MEM_TEST, v != NULL ? v : "(null)");
	ps_reg_record_free(r);
	return c;
}

#define ASSERT_FIELD(f, kind, key, field, want) do { \
	char *v_ = get_field(f, kind, key, field); \
	assert_string_equal(v_, want); \
	ps_free(v_); \
} while (0)

/* ---- tests ---------------------------------------------------------------------------- */

static void test_schema(void **state)
{
	struct fx *f = *state;
	int v = 0;

	OK(ps_store_schema_version(f->st, &v));
	assert_int_equal(v, ps_store_schema_latest());
	assert_true(v >= 3);
	/* every kind has its table, empty */
	for (size_t i = 0; i < ps_reg_kind_count(); i++)
		assert_int_equal(count(f, ps_reg_kind_at(i)->name), 0);
}

static void test_insert_get(void **state)
{
	struct fx *f = *state;
	struct ps_reg_record *r = NULL;
	int64_t n;

	ADD_OK(f, "operator", "key=OP-1", "name= 磐石电信 ", "type=basic_telecom",
	       "uscc=91350100m000100y43", "dns_licence=是", "log_retention_days=0180");
	OK(ps_reg_get(&f->r, ps_reg_kind_find("operator"), "OP-1", &r));
	assert_string_equal(r->key, "OP-1");
	assert_string_equal(ps_reg_record_get(r, "name"), "磐石电信");
	assert_string_equal(ps_reg_record_get(r, "uscc"), "91350100M000100Y43");
	assert_string_equal(ps_reg_record_get(r, "dns_licence"), "true");
	assert_true(ps_reg_record_flag(r, "dns_licence"));
	assert_string_equal(ps_reg_record_get(r, "log_retention_days"), "180");
	OK(ps_reg_record_int(r, "log_retention_days", &n));
	assert_int_equal(n, 180);
	assert_null(ps_reg_record_get(r, "province"));
	assert_true(r->created_us > 0);
	assert_int_equal(r->created_us, r->updated_us);
	ps_reg_record_free(r);
	assert_int_equal(ps_reg_get(&f->r, ps_reg_kind_find("operator"), "OP-2", &r),
			 PS_ENOENT);
	assert_null(r);
}

static void test_generated_keys(void **state)
{
	struct fx *f = *state;
	struct ps_reg_record *r = mk("operator", "name=A", "type=isp", NULL);

	OK(ps_reg_insert(&f->r, r, &f->d));
	assert_string_equal(r->key, "OP-1");
	ps_reg_record_free(r);
	ADD_OK(f, "operator", "key=OP-2", "name=B", "type=isp");
	ADD_OK(f, "operator", "key=OP-4", "name=D", "type=isp");
	r = mk("operator", "name=C", "type=isp", NULL);
	OK(ps_reg_insert(&f->r, r, &f->d));
	assert_string_equal(r->key, "OP-3"); /* OP-2 was taken by hand */
	ps_reg_record_free(r);
	r = mk("operator", "name=E", "type=isp", NULL);
	OK(ps_reg_insert(&f->r, r, &f->d));
	assert_string_equal(r->key, "OP-5");
	ps_reg_record_free(r);
	r = mk("unit", "operator=OP-1", "name=IDC", "type=idc", "level=2", NULL);
	OK(ps_reg_insert(&f->r, r, &f->d));
	assert_string_equal(r->key, "U-1");
	ps_reg_record_free(r);
	assert_int_equal(count(f, "operator"), 5);
}

static void test_duplicate_and_invalid(void **state)
{
	struct fx *f = *state;

	seed(f);
	assert_int_equal(add(f, "operator", "key=OP-1", "name=X", "type=isp", NULL), PS_EEXIST);
	assert_string_equal(f->d.msg, "operator 'OP-1' already exists");
	assert_int_equal(add(f, "unit", "key=U-1", "operator=OP-1", "name=核心网", "type=cdn",
			     "level=6", NULL), PS_EINVAL);
	assert_string_equal(f->d.msg, "unit 'U-1': field 'level': 6 is above the highest "
			    "level 5 (policy protection.level.max)");
	assert_int_equal(add(f, "unit", "key=U-1", "operator=OP-1", "name=核心网", "type=cdn",
			     "level=3", "filing_status=filed", NULL), PS_EINVAL);
	assert_non_null(strstr(f->d.msg, "field 'filing_date'"));
	assert_int_equal(add(f, "unit", "key=U-1", "operator=OP-1", "type=cdn", "level=3",
			     NULL), PS_EINVAL);
	assert_string_equal(f->d.msg, "unit 'U-1': field 'name' (网络单元名称) is required");
	assert_int_equal(count(f, "unit"), 0);
}

static void test_missing_reference(void **state)
{
	struct fx *f = *state;

	seed(f);
	assert_int_equal(add(f, "unit", "key=U-1", "operator=OP-9", "name=n", "type=dns",
			     "level=2", NULL), PS_ENOENT);
	assert_string_equal(f->d.msg, "unit 'U-1': field 'operator': no operator 'OP-9'");
	assert_int_equal(add(f, "unit", "key=U-1", "operator=OP-1", "name=n", "type=dns",
			     "level=2", "person=P-7", NULL), PS_ENOENT);
	assert_string_equal(f->d.msg, "unit 'U-1': field 'person': no person 'P-7'");
	assert_int_equal(add(f, "assessment", "key=AS-1", "target_kind=unit", "target=U-1",
			     "kind=risk", "date=2026-01-05", NULL), PS_ENOENT);
	assert_string_equal(f->d.msg, "assessment 'AS-1': field 'target': no unit 'U-1'");
	assert_int_equal(add(f, "dept", "key=D-2", "operator=OP-1", "name=x", "parent=D-2",
			     NULL), PS_EINVAL);
	assert_int_equal(count(f, "unit"), 0);
	assert_int_equal(count(f, "assessment"), 0);
	assert_int_equal(count(f, "dept"), 1);
}

static void test_update(void **state)
{
	struct fx *f = *state;
	struct ps_reg_record *r = NULL, *g = NULL;
	int64_t created;

	seed(f);
	ADD_OK(f, "unit", "key=U-1", "operator=OP-1", "name=核心网", "type=basic_telecom",
	       "level=3", "grading_review_date=2026-01-10");
	OK(ps_reg_get(&f->r, ps_reg_kind_find("unit"), "U-1", &r));
	created = r->created_us;
	OK(ps_reg_record_set(r, "filing_status", "filed"));
	OK(ps_reg_record_set(r, "filing_date", "2026-02-01"));
	OK(ps_reg_record_set(r, "filing_no", "GD-2026-0001"));
	OK(ps_reg_update(&f->r, r, &f->d));
	OK(ps_reg_get(&f->r, ps_reg_kind_find("unit"), "U-1", &g));
	assert_string_equal(ps_reg_record_get(g, "filing_no"), "GD-2026-0001");
	assert_int_equal(g->created_us, created);
	assert_true(g->updated_us >= created);
	ps_reg_record_free(g);
	/* a filing before the grading review is refused, nothing changes */
	OK(ps_reg_record_set(r, "filing_date", "2026-01-09"));
	assert_int_equal(ps_reg_update(&f->r, r, &f->d), PS_EINVAL);
	assert_non_null(strstr(f->d.msg, "before the grading review date 2026-01-10"));
	ASSERT_FIELD(f, "unit", "U-1", "filing_date", "2026-02-01");
	/* a bad reference on update */
	OK(ps_reg_record_set(r, "filing_date", "2026-02-01"));
	OK(ps_reg_record_set(r, "dept", "D-404"));
	assert_int_equal(ps_reg_update(&f->r, r, &f->d), PS_ENOENT);
	assert_string_equal(f->d.msg, "unit 'U-1': field 'dept': no dept 'D-404'");
	/* updating a record that is not there */
	OK(ps_reg_record_set(r, "dept", NULL));
	OK(ps_reg_record_set(r, "key", "U-2"));
	assert_int_equal(ps_reg_update(&f->r, r, &f->d), PS_ENOENT);
	assert_string_equal(f->d.msg, "no unit 'U-2'");
	ps_reg_record_free(r);
}

static void test_upsert(void **state)
{
	struct fx *f = *state;
	struct ps_reg_record *r = mk("operator", "key=OP-7", "name=A", "type=cdn", NULL);
	bool ins = false;

	OK(ps_reg_upsert(&f->r, r, &ins, &f->d));
	assert_true(ins);
	OK(ps_reg_record_set(r, "name", "B"));
	OK(ps_reg_upsert(&f->r, r, &ins, &f->d));
	assert_false(ins);
	ASSERT_FIELD(f, "operator", "OP-7", "name", "B");
	assert_int_equal(count(f, "operator"), 1);
	ps_reg_record_free(r);
}

static void test_delete(void **state)
{
	struct fx *f = *state;
	const struct ps_reg_kind *op = ps_reg_kind_find("operator");
	const struct ps_reg_kind *unit = ps_reg_kind_find("unit");

	seed(f);
	ADD_OK(f, "unit", "key=U-1", "operator=OP-1", "name=n", "type=cdn", "level=1");
	ADD_OK(f, "assessment", "key=AS-1", "target_kind=unit", "target=U-1",
	       "kind=conformity", "date=2026-01-05");
	assert_int_equal(ps_reg_delete(&f->r, op, "OP-1", &f->d), PS_EEXIST);
	assert_string_equal(f->d.msg, "cannot delete operator 'OP-1': dept 'D-1' refers to "
			    "it (field 'operator')");
	assert_int_equal(ps_reg_delete(&f->r, unit, "U-1", &f->d), PS_EEXIST);
	assert_string_equal(f->d.msg, "cannot delete unit 'U-1': assessment 'AS-1' refers "
			    "to it (field 'target')");
	OK(ps_reg_delete(&f->r, ps_reg_kind_find("assessment"), "AS-1", &f->d));
	OK(ps_reg_delete(&f->r, unit, "U-1", &f->d));
	assert_int_equal(ps_reg_delete(&f->r, unit, "U-1", &f->d), PS_ENOENT);
	assert_string_equal(f->d.msg, "no unit 'U-1'");
	OK(ps_reg_delete(&f->r, ps_reg_kind_find("person"), "P-1", &f->d));
	OK(ps_reg_delete(&f->r, ps_reg_kind_find("dept"), "D-1", &f->d));
	OK(ps_reg_delete(&f->r, op, "OP-1", &f->d));
	assert_int_equal(count(f, "operator"), 0);
}

struct keys {
	int n;
	char key[16][32];
};

static int collect(void *arg, const struct ps_reg_record *r)
{
	struct keys *k = arg;

	assert_true(k->n < 16);
	snprintf(k->key[k->n++], sizeof(k->key[0]), "%s", r->key);
	return 0;
}

static void test_list(void **state)
{
	struct fx *f = *state;
	const struct ps_reg_kind *unit = ps_reg_kind_find("unit");
	struct ps_reg_filter flt = {0};
	struct keys k = {0};
	int64_t n;

	seed(f);
	ADD_OK(f, "unit", "key=U-3", "operator=OP-1", "name=a", "type=cdn", "level=3");
	ADD_OK(f, "unit", "key=U-1", "operator=OP-1", "name=b", "type=dns", "level=3");
	ADD_OK(f, "unit", "key=U-5", "operator=OP-1", "name=c", "type=cdn", "level=2");
	ADD_OK(f, "unit", "key=U-2", "operator=OP-1", "name=d", "type=cdn", "level=3",
	       "person=P-1");
	ADD_OK(f, "unit", "key=U-4", "operator=OP-1", "name=e", "type=idc", "level=5");
	OK(ps_reg_list(&f->r, unit, NULL, collect, &k));
	assert_int_equal(k.n, 5);
	assert_string_equal(k.key[0], "U-1");
	assert_string_equal(k.key[4], "U-5");
	flt.field[0] = "level";
	flt.value[0] = "3";
	flt.field[1] = "单元类型"; /* Chinese headers name fields too */
	flt.value[1] = "cdn";
	flt.n = 2;
	k.n = 0;
	OK(ps_reg_list(&f->r, unit, &flt, collect, &k));
	assert_int_equal(k.n, 2);
	assert_string_equal(k.key[0], "U-2");
	assert_string_equal(k.key[1], "U-3");
	OK(ps_reg_count(&f->r, unit, &flt, &n));
	assert_int_equal(n, 2);
	/* empty value = IS NULL */
	flt.field[1] = "person";
	flt.value[1] = "";
	k.n = 0;
	OK(ps_reg_list(&f->r, unit, &flt, collect, &k));
	assert_int_equal(k.n, 2);
	assert_string_equal(k.key[0], "U-1");
	/* paging over all */
	memset(&flt, 0, sizeof(flt));
	flt.limit = 2;
	flt.offset = 1;
	k.n = 0;
	OK(ps_reg_list(&f->r, unit, &flt, collect, &k));
	assert_int_equal(k.n, 2);
	assert_string_equal(k.key[0], "U-2");
	assert_string_equal(k.key[1], "U-3");
	flt.limit = 0;
	flt.offset = 4;
	k.n = 0;
	OK(ps_reg_list(&f->r, unit, &flt, collect, &k));
	assert_int_equal(k.n, 1);
	/* flags filter by their normal form; unknown fields are refused */
	memset(&flt, 0, sizeof(flt));
	flt.field[0] = "security_staff";
	flt.value[0] = "是";
	flt.n = 1;
	OK(ps_reg_count(&f->r, ps_reg_kind_find("person"), &flt, &n));
	assert_int_equal(n, 1);
	flt.field[0] = "nosuch";
	assert_int_equal(ps_reg_count(&f->r, unit, &flt, &n), PS_EINVAL);
}

static int stop_at_first(void *arg, const struct ps_reg_record *r)
{
	(void)arg;
	(void)r;
	return 42;
}

static void test_list_stop(void **state)
{
	struct fx *f = *state;

	seed(f);
	assert_int_equal(ps_reg_list(&f->r, ps_reg_kind_find("operator"), NULL,
				     stop_at_first, NULL), 42);
}

static void test_catalog_rule(void **state)
{
	struct fx *f = *state;
	const struct ps_reg_kind *cat = ps_reg_kind_find("catalog");
	struct ps_reg_record *r = NULL;

	seed(f);
	ADD_OK(f, "catalog", "key=DC-1", "operator=OP-1", "name=用户信息", "category=用户数据",
	       "level=重要", "records=1000000", "storage_gb=12.50");
	OK(ps_reg_catalog_file(&f->r, "DC-1", (struct ps_date){2026, 1, 10}, &f->d));
	OK(ps_reg_get(&f->r, cat, "DC-1", &r));
	assert_string_equal(ps_reg_record_get(r, "filed_date"), "2026-01-10");
	assert_null(ps_reg_record_get(r, "change_date"));
	assert_non_null(strstr(ps_reg_record_get(r, "filed_values"),
			       "\"records\":\"1000000\""));
	assert_non_null(strstr(ps_reg_record_get(r, "filed_values"), "\"storage_gb\":\"12.5\""));
	assert_non_null(strstr(ps_reg_record_get(r, "filed_values"), "\"owner\":null"));
	/* a field that is not filed changes nothing */
	OK(ps_reg_record_set(r, "name", "用户信息库"));
	OK(ps_reg_update(&f->r, r, &f->d));
	ASSERT_FIELD(f, "catalog", "DC-1", "change_date", "(null)");
	/* the same value written differently is no change */
	OK(ps_reg_record_set(r, "storage_gb", "12.50"));
	OK(ps_reg_update(&f->r, r, &f->d));
	ASSERT_FIELD(f, "catalog", "DC-1", "change_date", "(null)");
	/* a filed field changes: today */
	OK(ps_reg_record_set(r, "records", "1400000"));
	OK(ps_reg_update(&f->r, r, &f->d));
	ASSERT_FIELD(f, "catalog", "DC-1", "change_date", "2026-03-01");
	ps_reg_record_free(r);
	/* a later change keeps the first change date */
	f->r.today = (struct ps_date){2026, 4, 2};
	OK(ps_reg_get(&f->r, cat, "DC-1", &r));
	OK(ps_reg_record_set(r, "purpose", "营销"));
	OK(ps_reg_update(&f->r, r, &f->d));
	ASSERT_FIELD(f, "catalog", "DC-1", "change_date", "2026-03-01");
	/* filing again clears it */
	OK(ps_reg_catalog_file(&f->r, "DC-1", (struct ps_date){2026, 4, 20}, &f->d));
	ASSERT_FIELD(f, "catalog", "DC-1", "change_date", "(null)");
	ASSERT_FIELD(f, "catalog", "DC-1", "filed_date", "2026-04-20");
	ps_reg_record_free(r);
	/* a change date the caller sets is kept */
	OK(ps_reg_get(&f->r, cat, "DC-1", &r));
	OK(ps_reg_record_set(r, "level", "核心"));
	OK(ps_reg_record_set(r, "change_date", "2026-04-25"));
	OK(ps_reg_update(&f->r, r, &f->d));
	ASSERT_FIELD(f, "catalog", "DC-1", "change_date", "2026-04-25");
	ps_reg_record_free(r);
	assert_int_equal(ps_reg_catalog_file(&f->r, "DC-9", (struct ps_date){2026, 4, 20},
					     &f->d), PS_ENOENT);
	assert_int_equal(ps_reg_catalog_file(&f->r, "DC-1", (struct ps_date){2026, 2, 30},
					     &f->d), PS_EINVAL);
}

static void find_ip(struct fx *f, const char *ip, const char *want)
{
	struct ps_reg_record *r = NULL;
	int rc = ps_reg_find_asset_by_ip(&f->r, ip, &r);

	if (want == NULL) {
		assert_int_equal(rc, PS_ENOENT);
		assert_null(r);
		return;
	}
	if (rc != PS_OK)
		fail_msg("%s: %s", ip, ps_strerror(rc));
	assert_string_equal(r->key, want);
	ps_reg_record_free(r);
}

static void test_asset_by_ip(void **state)
{
	struct fx *f = *state;
	struct ps_reg_record *r = NULL;

	seed(f);
	ADD_OK(f, "unit", "key=U-1", "operator=OP-1", "name=n", "type=idc", "level=3");
	ADD_OK(f, "asset", "key=A-1", "unit=U-1", "kind=ip_range", "name=net8",
	       "address=10.0.0.0-10.255.255.255");
	ADD_OK(f, "asset", "key=A-2", "unit=U-1", "kind=ip_range", "name=net16",
	       "address=10.1.0.0/16");
	ADD_OK(f, "asset", "key=A-3", "unit=U-1", "kind=host", "name=web",
	       "address=10.1.2.3", "key_device=true");
	ADD_OK(f, "asset", "key=A-4", "unit=U-1", "kind=domain", "name=site",
	       "address=WWW.Example.COM.");
	ADD_OK(f, "asset", "key=A-5", "unit=U-1", "kind=ip_range", "name=v6",
	       "address=2001:DB8::/32");
	ADD_OK(f, "asset", "key=A-6", "unit=U-1", "kind=network_device", "name=rt",
	       "address=2001:db8:0:0::1");
	ADD_OK(f, "asset", "key=A-7", "unit=U-1", "kind=application", "name=app",
	       "address=https://app.example.com/");
	ASSERT_FIELD(f, "asset", "A-1", "address", "10.0.0.0/8");
	ASSERT_FIELD(f, "asset", "A-4", "address", "www.example.com");
	ASSERT_FIELD(f, "asset", "A-5", "address", "2001:db8::/32");
	ASSERT_FIELD(f, "asset", "A-6", "address", "2001:db8::1");
	find_ip(f, "10.1.2.3", "A-3");
	find_ip(f, "10.1.9.9", "A-2");
	find_ip(f, "10.200.0.1", "A-1");
	find_ip(f, "10.255.255.255", "A-1");
	find_ip(f, "11.0.0.0", NULL);
	find_ip(f, "9.255.255.255", NULL);
	find_ip(f, "2001:db8::1", "A-6");
	find_ip(f, "2001:db8:ffff::2", "A-5");
	find_ip(f, "2001:db9::", NULL);
	find_ip(f, "::ffff:10.1.2.3", NULL); /* IPv6, not the IPv4 host */
	assert_int_equal(ps_reg_find_asset_by_ip(&f->r, "10.0.0.0/8", &r), PS_EINVAL);
	assert_int_equal(ps_reg_find_asset_by_ip(&f->r, "example.com", &r), PS_EINVAL);
	/* kinds check their addresses */
	assert_int_equal(add(f, "asset", "unit=U-1", "kind=host", "name=h",
			     "address=10.0.0.0/24", NULL), PS_EINVAL);
	assert_string_equal(f->d.msg, "new asset: field 'address': '10.0.0.0/24' is not a "
			    "single IP address");
	assert_int_equal(add(f, "asset", "unit=U-1", "kind=domain", "name=h",
			     "address=10.0.0.1", NULL), PS_EINVAL);
	assert_int_equal(add(f, "asset", "unit=U-1", "kind=ip_range", "name=h",
			     "address=10.0.0.1/8", NULL), PS_EINVAL);
	/* moving the host away moves the lookup too */
	OK(ps_reg_get(&f->r, ps_reg_kind_find("asset"), "A-3", &r));
	OK(ps_reg_record_set(r, "address", "192.0.2.1"));
	OK(ps_reg_update(&f->r, r, &f->d));
	ps_reg_record_free(r);
	find_ip(f, "10.1.2.3", "A-2");
	find_ip(f, "192.0.2.1", "A-3");
}

struct hook {
	int calls;
	char ops[16][8];
	bool had_before[16], had_after[16];
	int fail;
	struct ps_registry *r;
	int64_t seen_inside;
};

static int hook(void *arg, const char *op, const struct ps_reg_record *before,
		const struct ps_reg_record *after)
{
	struct hook *h = arg;
	int i = h->calls++;

	assert_true(i < 16);

	snprintf(h->ops[i], sizeof(h->ops[0]), "%s", op);
	h->had_before[i] = before != NULL;
	h->had_after[i] = after != NULL;
	/* the change is visible inside its transaction */
	if (after != NULL) {
		struct ps_reg_record *g = NULL;

		if (ps_reg_get(h->r, after->kind, after->key, &g) == PS_OK)
			h->seen_inside++;
		ps_reg_record_free(g);
	}
	return h->fail;
}

static void test_on_change(void **state)
{
	struct fx *f = *state;
	const struct ps_reg_kind *op = ps_reg_kind_find("operator");
	struct hook h = {.r = &f->r};
	struct ps_reg_record *r;

	f->r.on_change = hook;
	f->r.on_change_arg = &h;
	ADD_OK(f, "operator", "key=OP-1", "name=A", "type=isp");
	r = mk("operator", "key=OP-1", "name=B", "type=isp", NULL);
	OK(ps_reg_update(&f->r, r, &f->d));
	OK(ps_reg_delete(&f->r, op, "OP-1", &f->d));
	assert_int_equal(h.calls, 3);
	assert_string_equal(h.ops[0], "insert");
	assert_false(h.had_before[0]);
	assert_true(h.had_after[0]);
	assert_string_equal(h.ops[1], "update");
	assert_true(h.had_before[1] && h.had_after[1]);
	assert_string_equal(h.ops[2], "delete");
	assert_true(h.had_before[2]);
	assert_false(h.had_after[2]);
	assert_int_equal(h.seen_inside, 2);
	/* a failing hook rolls each change back */
	ADD_OK(f, "operator", "key=OP-1", "name=A", "type=isp");
	h.fail = PS_EIO;
	assert_int_equal(add(f, "operator", "key=OP-2", "name=X", "type=isp", NULL), PS_EIO);
	assert_non_null(strstr(f->d.msg, "operator 'OP-2'"));
	assert_int_equal(ps_reg_get(&f->r, op, "OP-2", &(struct ps_reg_record *){NULL}),
			 PS_ENOENT);
	assert_int_equal(ps_reg_update(&f->r, r, &f->d), PS_EIO);
	ASSERT_FIELD(f, "operator", "OP-1", "name", "A");
	assert_int_equal(ps_reg_delete(&f->r, op, "OP-1", &f->d), PS_EIO);
	ASSERT_FIELD(f, "operator", "OP-1", "name", "A");
	assert_int_equal(ps_store_tx_depth(f->st), 0);
	ps_reg_record_free(r);
	/* a refused generated key is not consumed either */
	r = mk("operator", "name=Y", "type=isp", NULL);
	assert_int_equal(ps_reg_insert(&f->r, r, &f->d), PS_EIO);
	ps_reg_record_free(r);
	h.fail = 0;
	r = mk("operator", "name=Y", "type=isp", NULL);
	OK(ps_reg_insert(&f->r, r, &f->d));
	assert_string_equal(r->key, "OP-2");
	ps_reg_record_free(r);
}

/* Inside a caller's transaction a failed insert leaves the earlier work. */
static void test_nested_tx(void **state)
{
	struct fx *f = *state;

	OK(ps_store_begin(f->st));
	ADD_OK(f, "operator", "key=OP-1", "name=A", "type=isp");
	assert_int_equal(add(f, "operator", "key=OP-1", "name=A", "type=isp", NULL), PS_EEXIST);
	assert_int_equal(add(f, "unit", "operator=OP-5", "name=n", "type=cdn", "level=1",
			     NULL), PS_ENOENT);
	OK(ps_store_commit(f->st));
	assert_int_equal(count(f, "operator"), 1);
	assert_int_equal(count(f, "unit"), 0);
}


/* ---- the CLI, in-process on a SQLite file ------------------------------------------ */

static char out[1 << 16], err[1 << 16];

static void slurp(FILE *fp, char *buf, size_t n)
{
	size_t got;

	rewind(fp);
	got = fread(buf, 1, n - 1, fp);
	buf[got] = '\0';
	fclose(fp);
}

/* panshi --db DB --policy-dir POLICY args... ; output in out/err. */
static int run(const char *db, const char *first, ...)
{
	char *argv[64], pdir[1024];
	const char *src = getenv("PANSHI_SOURCE_DIR");
	FILE *o = tmpfile(), *e = tmpfile();
	int argc = 0, rc;
	va_list ap;

	assert_non_null(o);
	assert_non_null(e);
	snprintf(pdir, sizeof(pdir), "%s/policy", src != NULL ? src : ".");
	argv[argc++] = (char *)"panshi";
	argv[argc++] = (char *)"--db";
	argv[argc++] = (char *)db;
	argv[argc++] = (char *)"--policy-dir";
	argv[argc++] = pdir;
	va_start(ap, first);
	for (const char *a = first; a != NULL && argc < 63; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;
	rc = ps_cli_run(argc, argv, o, e);
	slurp(o, out, sizeof(out));
	slurp(e, err, sizeof(err));
	return rc;
}

#define RUN_OK(...) do { \
	int rc_ = run(__VA_ARGS__, NULL); \
	if (rc_ != 0) \
		fail_msg("exit %d: %s", rc_, err); \
} while (0)

static void test_cli(void **state)
{
	char db[512], path[600];
	json_t *j;

	(void)state;
	if (is_pg())
		skip();
	snprintf(db, sizeof(db), "%s/cli.db", tmpdir);
	unsetenv("PANSHI_DB");
	unsetenv("PANSHI_CONFIG");
	setenv("PANSHI_LANG", "en", 1);
	RUN_OK(db, "-q", "init");
	RUN_OK(db, "operator", "add", "--key", "OP-1", "--name", "磐石电信", "--type=isp",
	       "--uscc", "91350100m000100y43");
	assert_string_equal(out, "added operator 'OP-1'\n");
	RUN_OK(db, "unit", "add", "--operator", "OP-1", "--name", "核心网", "--type", "idc",
	       "--level", "3", "--grading_review_date", "2024-02-29");
	assert_string_equal(out, "added unit 'U-1'\n");
	/* a bad value exits 1, names the field, and stores nothing */
	assert_int_equal(run(db, "unit", "add", "--operator", "OP-1", "--name", "x",
			     "--type", "idc", "--level", "6", NULL), 1);
	assert_non_null(strstr(err, "new unit: field 'level': 6 is above the highest level 5"));
	assert_int_equal(run(db, "unit", "add", "--operator", "OP-1", "--name", "x",
			     "--type", "idc", "--level", "2", "--filing_date", "2023-02-29",
			     NULL), 1);
	assert_non_null(strstr(err, "field 'filing_date': '2023-02-29' does not exist"));
	assert_int_equal(run(db, "unit", "add", "--operator", "OP-1", "--name", "x",
			     "--levle", "2", NULL), 2);
	assert_non_null(strstr(err, "unknown option '--levle'"));
	assert_non_null(strstr(err, "operator, name, type, level,"));
	assert_int_equal(run(db, "unit", "add", "--operator", "OP-9", "--name", "x",
			     "--type", "idc", "--level", "2", NULL), 1);
	assert_non_null(strstr(err, "field 'operator': no operator 'OP-9'"));
	RUN_OK(db, "unit", "list", "--format", "json");
	j = json_loads(out, 0, NULL);
	assert_non_null(j);
	assert_int_equal(json_array_size(j), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(j, 0), "key")),
			    "U-1");
	assert_string_equal(json_string_value(json_object_get(json_array_get(j, 0),
							       "grading_review_date")), "2024-02-29");
	assert_true(json_is_null(json_object_get(json_array_get(j, 0), "filing_no")));
	json_decref(j);
	/* edit, then show the change */
	RUN_OK(db, "unit", "edit", "U-1", "--filing_status", "filed", "--filing_date",
	       "2024-03-15", "--filing_no", "GD-1", "--clear", "grading_review_date");
	assert_string_equal(out, "updated unit 'U-1'\n");
	RUN_OK(db, "unit", "show", "U-1");
	assert_non_null(strstr(out, "filing_no"));
	assert_non_null(strstr(out, "备案编号"));
	assert_non_null(strstr(out, "GD-1\n"));
	assert_null(strstr(out, "2024-02-29"));
	RUN_OK(db, "--format", "json", "unit", "show", "U-1");
	j = json_loads(out, 0, NULL);
	assert_string_equal(json_string_value(json_object_get(j, "filing_date")), "2024-03-15");
	json_decref(j);
	RUN_OK(db, "unit", "list", "--where", "level=3", "--format", "csv");
	assert_non_null(strstr(out, "key,operator,name,type,level"));
	assert_non_null(strstr(out, "U-1,OP-1,核心网,idc,3"));
	RUN_OK(db, "unit", "list", "--where", "level=2");
	assert_null(strstr(out, "U-1"));
	assert_int_equal(run(db, "unit", "list", "--where", "nosuch=1", NULL), 2);
	/* delete: refused while referenced, then done */
	assert_int_equal(run(db, "operator", "delete", "OP-1", NULL), 1);
	assert_non_null(strstr(err, "cannot delete operator 'OP-1': unit 'U-1' refers to it"));
	RUN_OK(db, "unit", "delete", "U-1");
	assert_int_equal(run(db, "unit", "show", "U-1", NULL), 1);
	assert_non_null(strstr(err, "no unit 'U-1'"));
	/* catalog file */
	RUN_OK(db, "catalog", "add", "--key", "DC-1", "--operator", "OP-1", "--name", "用户",
	       "--category", "用户数据", "--level", "重要", "--records", "100");
	RUN_OK(db, "catalog", "file", "DC-1", "--date", "2026-01-10");
	RUN_OK(db, "--format", "json", "catalog", "show", "DC-1");
	assert_non_null(strstr(out, "\"filed_date\": \"2026-01-10\""));
	assert_int_equal(run(db, "catalog", "file", "DC-1", "--date", "2026-02-30", NULL), 1);
	/* help lists every kind */
	RUN_OK(db, "help");
	assert_non_null(strstr(out, "unit add|list|show|edit|delete"));
	assert_non_null(strstr(out, "网络单元"));
	RUN_OK(db, "help", "asset");
	assert_non_null(strstr(out, "--key_device"));
	assert_int_equal(run(db, "unit", "frob", NULL), 2);
	for (size_t i = 0; i < 3; i++) {
		static const char *const sfx[] = {"", "-wal", "-shm"};

		snprintf(path, sizeof(path), "%s%s", db, sfx[i]);
		unlink(path);
	}
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_schema, setup, teardown),
		cmocka_unit_test_setup_teardown(test_insert_get, setup, teardown),
		cmocka_unit_test_setup_teardown(test_generated_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_and_invalid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_reference, setup, teardown),
		cmocka_unit_test_setup_teardown(test_update, setup, teardown),
		cmocka_unit_test_setup_teardown(test_upsert, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_stop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_catalog_rule, setup, teardown),
		cmocka_unit_test_setup_teardown(test_asset_by_ip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_on_change, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nested_tx, setup, teardown),
		cmocka_unit_test(test_cli),
	};

	return reg_run(argc, argv, tests);
}
