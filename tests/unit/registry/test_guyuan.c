/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The 固源 engine on crafted ranges, IPv4 and IPv6: 越界 at block edges and
 * across adjacent blocks, 冲突 versus duplicates for partial and nested
 * overlaps, 漏报 with the exact uncovered sub-ranges, 错报 against seen
 * facts and ICP filings, families that never mix, flags and the operator
 * filter, and 100,000 generated filings with planted faults.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/core.h"
#include "registry/guyuan.h"
#include "registry/registry.h"

#define OK(x) assert_int_equal((x), PS_OK)

static struct ps_guyuan_range rg(const char *s)
{
	struct ps_guyuan_range r;

	memset(&r, 0, sizeof(r));
	if (ps_reg_iprange_parse(s, r.lo, r.hi, &r.v6) != PS_OK)
		fail_msg("bad test range '%s'", s);
	return r;
}

#define IN(b, f, s, i)                                                          \
	{(b), PS_ARRAY_LEN(b), (f), PS_ARRAY_LEN(f), (s), PS_ARRAY_LEN(s), (i), \
	 PS_ARRAY_LEN(i)}

static struct ps_guyuan_opts only(enum ps_guyuan_check c)
{
	struct ps_guyuan_opts o;

	memset(&o, 0, sizeof(o));
	o.check[c] = true;
	return o;
}

/* The finding of `check` about s0 (and s1 unless NULL), failing if absent. */
static const struct ps_guyuan_finding *get(const struct ps_guyuan_report *rep,
					   enum ps_guyuan_check check, const char *s0,
					   const char *s1)
{
	for (size_t i = 0; i < rep->n; i++) {
		const struct ps_guyuan_finding *f = &rep->findings[i];

		if (f->check == check && strcmp(f->subject[0], s0) == 0 &&
		    (s1 == NULL || (f->subject[1] != NULL && strcmp(f->subject[1], s1) == 0)))
			return f;
	}
	fail_msg("no %s finding about %s %s", ps_guyuan_check_name(check), s0, s1 ? s1 : "");
	return NULL;
}

static bool has(const struct ps_guyuan_report *rep, enum ps_guyuan_check check,
		const char *s0)
{
	for (size_t i = 0; i < rep->n; i++)
		if (rep->findings[i].check == check && strcmp(rep->findings[i].subject[0], s0) == 0)
			return true;
	return false;
}

static bool has2(const struct ps_guyuan_report *rep, enum ps_guyuan_check check,
		 const char *s0, const char *s1)
{
	for (size_t i = 0; i < rep->n; i++) {
		const struct ps_guyuan_finding *f = &rep->findings[i];

		if (f->check == check && strcmp(f->subject[0], s0) == 0 &&
		    f->subject[1] != NULL && strcmp(f->subject[1], s1) == 0)
			return true;
	}
	return false;
}

static void contains(const char *hay, const char *needle)
{
	if (strstr(hay, needle) == NULL)
		fail_msg("'%s' not in '%s'", needle, hay);
}

static const struct ps_guyuan_seen no_seen[1];
static const struct ps_guyuan_icp no_icp[1];

static void test_out_of_range_v4(void **state)
{
	struct ps_guyuan_block b[] = {
		{"B-1", "OP-1", rg("10.0.0.0/24")},
		{"B-2", "OP-1", rg("10.0.1.0/24")}, /* adjacent to B-1 */
		{"B-3", "OP-2", rg("10.0.2.0/24")},
		{"B-4", "OP-1", rg("255.255.255.0/24")},
		{"B-5", "OP-3", rg("0.0.0.0/1")},
		{"B-6", "OP-3", rg("128.0.0.0/1")},
	};
	struct ps_guyuan_filing f[] = {
		{"F-1", "OP-1", rg("10.0.0.0/24"), "A", "x"},           /* ends at B-1's end */
		{"F-2", "OP-1", rg("10.0.0.0/23"), "A", "x"},           /* B-1 + B-2 */
		{"F-3", "OP-1", rg("10.0.1.0-10.0.2.0"), "A", "x"},     /* one past */
		{"F-4", "OP-1", rg("10.0.2.0/24"), "A", "x"},           /* OP-2's block */
		{"F-5", "OP-9", rg("10.0.0.5"), "A", "x"},              /* no blocks */
		{"F-6", "OP-1", rg("::ffff:10.0.0.0/120"), "A", "x"},   /* IPv6 */
		{"F-7", "OP-1", rg("255.255.255.0/24"), "A", "x"},      /* top of space */
		{"F-8", "OP-1", rg("255.255.254.255-255.255.255.255"), "A", "x"},
		{"F-9", "OP-3", rg("0.0.0.0/0"), "A", "x"},              /* two halves */
		{"F-10", "OP-1", rg("9.255.255.255-10.0.0.0"), "A", "x"}, /* one before */
	};
	struct ps_guyuan_input in = IN(b, f, no_seen, no_icp);
	struct ps_guyuan_opts o = only(PS_GUYUAN_OUT_OF_RANGE);
	struct ps_guyuan_report rep = {0};
	const struct ps_guyuan_finding *x;

	(void)state;
	in.n_seen = in.n_icps = 0;
	OK(ps_guyuan_run(&in, &o, &rep, NULL));
	assert_int_equal(rep.n, 6);
	assert_int_equal(rep.count[PS_GUYUAN_OUT_OF_RANGE], 6);
	assert_false(has(&rep, PS_GUYUAN_OUT_OF_RANGE, "F-1"));
	assert_false(has(&rep, PS_GUYUAN_OUT_OF_RANGE, "F-2"));
	assert_false(has(&rep, PS_GUYUAN_OUT_OF_RANGE, "F-7"));
	assert_false(has(&rep, PS_GUYUAN_OUT_OF_RANGE, "F-9"));

	x = get(&rep, PS_GUYUAN_OUT_OF_RANGE, "F-3", NULL);
	assert_int_equal(x->severity, PS_GUYUAN_SEV_HIGH);
	assert_string_equal(x->operator, "OP-1");
	assert_string_equal(x->range, "10.0.1.0-10.0.2.0");
	assert_null(x->subject[1]);
	contains(x->json, "\"outside\":[\"10.0.2.0\"]");
	contains(x->json, "\"blocks\":[{\"key\":\"B-2\",\"range\":\"10.0.1.0/24\"}]");
	contains(x->evidence, "10.0.2.0 outside");
	contains(x->evidence_zh, "越界部分：10.0.2.0");

	x = get(&rep, PS_GUYUAN_OUT_OF_RANGE, "F-4", NULL);
	contains(x->json, "\"outside\":[\"10.0.2.0/24\"]");
	contains(x->json, "\"blocks\":[]");
	contains(x->evidence, "none (OP-1 has no allocated IPv4 block overlapping it)");

	x = get(&rep, PS_GUYUAN_OUT_OF_RANGE, "F-5", NULL);
	assert_string_equal(x->operator, "OP-9");
	contains(x->json, "\"outside\":[\"10.0.0.5\"]");

	x = get(&rep, PS_GUYUAN_OUT_OF_RANGE, "F-6", NULL); /* IPv4 blocks never cover IPv6 */
	assert_true(x->r.v6);
	contains(x->evidence, "no allocated IPv6 block");

	x = get(&rep, PS_GUYUAN_OUT_OF_RANGE, "F-8", NULL);
	contains(x->json, "\"outside\":[\"255.255.254.255\"]");
	x = get(&rep, PS_GUYUAN_OUT_OF_RANGE, "F-10", NULL);
	contains(x->json, "\"outside\":[\"9.255.255.255\"]");
	contains(x->json, "\"blocks\":[{\"key\":\"B-1\"");

	/* sorted by family then range: IPv4 ones first, F-6 last */
	assert_string_equal(rep.findings[0].subject[0], "F-10");
	assert_string_equal(rep.findings[rep.n - 1].subject[0], "F-6");
	ps_guyuan_report_release(&rep);
}

static void test_out_of_range_v6(void **state)
{
	struct ps_guyuan_block b[] = {
		{"B-1", "OP-1", rg("2001:db8::/33")},
		{"B-2", "OP-1", rg("2001:db8:8000::/33")}, /* adjacent: together 2001:db8::/32 */
		{"B-3", "OP-1", rg("ff00::/8")},
		{"B-4", "OP-1", rg("10.0.0.0/8")},
	};
	struct ps_guyuan_filing f[] = {
		{"F-1", "OP-1", rg("2001:db8::/32"), "A", "x"},
		{"F-2", "OP-1", rg("2001:db8::/31"), "A", "x"},
		{"F-3", "OP-1", rg("2001:db8:4000::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"), "A", "x"},
		{"F-4", "OP-1", rg("2001:db8:4000::-2001:db9::"), "A", "x"},
		{"F-5", "OP-1", rg("ff00::/8"), "A", "x"},
		{"F-6", "OP-1", rg("fe00::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), "A", "x"},
		{"F-7", "OP-1", rg("::a00:0/104"), "A", "x"}, /* ::10.0.0.0/104, not 10/8 */
		{"F-8", "OP-1", rg("2001:db8:7fff:ffff:ffff:ffff:ffff:ffff-2001:db8:8000::"),
		 "A", "x"}, /* across the seam of B-1 and B-2 */
	};
	struct ps_guyuan_input in = IN(b, f, no_seen, no_icp);
	struct ps_guyuan_opts o = only(PS_GUYUAN_OUT_OF_RANGE);
	struct ps_guyuan_report rep = {0};
	const struct ps_guyuan_finding *x;

	(void)state;
	in.n_seen = in.n_icps = 0;
	OK(ps_guyuan_run(&in, &o, &rep, NULL));
	assert_int_equal(rep.n, 4);
	x = get(&rep, PS_GUYUAN_OUT_OF_RANGE, "F-2", NULL);
	contains(x->json, "\"outside\":[\"2001:db9::/32\"]");
	contains(x->json, "{\"key\":\"B-1\",\"range\":\"2001:db8::/33\"},"
		 "{\"key\":\"B-2\",\"range\":\"2001:db8:8000::/33\"}");
	x = get(&rep, PS_GUYUAN_OUT_OF_RANGE, "F-4", NULL);
	contains(x->json, "\"outside\":[\"2001:db9::\"]");
	x = get(&rep, PS_GUYUAN_OUT_OF_RANGE, "F-6", NULL);
	contains(x->json, "\"outside\":[\"fe00::/8\"]");
	x = get(&rep, PS_GUYUAN_OUT_OF_RANGE, "F-7", NULL);
	contains(x->json, "\"outside\":[\"::10.0.0.0/104\"]");
	assert_false(has(&rep, PS_GUYUAN_OUT_OF_RANGE, "F-8"));
	ps_guyuan_report_release(&rep);
}

static void test_conflict_and_duplicate(void **state)
{
	struct ps_guyuan_block b[1];
	struct ps_guyuan_filing f[] = {
		{"F-1", "OP-1", rg("10.0.0.0/24"), "A", "x"},
		{"F-2", "OP-2", rg("10.0.0.255-10.0.1.10"), "B", "x"}, /* one shared address */
		{"F-3", "OP-1", rg("10.0.1.11"), "A", "x"},           /* adjacent to F-2 only */
		{"F-4", "OP-1", rg("10.0.0.128/25"), "A", "y"},       /* nested in F-1 */
		{"F-5", "OP-1", rg("10.0.0.0/26"), "A", "x"},         /* nested, same facts */
		{"F-6", "OP-1", rg("::/0"), "Z", "x"},                /* all of IPv6 */
		{"F-7", "OP-1", rg("2001:db8::/64"), "Q", "x"},
		{"F-8", "OP-1", rg("::ffff:10.0.0.0/120"), "A", "x"}, /* same facts as F-1 */
	};
	struct ps_guyuan_input in = {b, 0, f, PS_ARRAY_LEN(f), NULL, 0, NULL, 0};
	struct ps_guyuan_opts o = only(PS_GUYUAN_CONFLICT);
	struct ps_guyuan_report rep = {0};
	const struct ps_guyuan_finding *x;

	(void)state;
	o.check[PS_GUYUAN_DUPLICATE] = true;
	OK(ps_guyuan_run(&in, &o, &rep, NULL));
	assert_int_equal(rep.count[PS_GUYUAN_CONFLICT], 5);
	assert_int_equal(rep.count[PS_GUYUAN_DUPLICATE], 1);
	assert_int_equal(rep.n, 6);

	/* sorted: conflicts by overlap, then duplicates */
	x = &rep.findings[0];
	assert_string_equal(x->subject[0], "F-1");
	assert_string_equal(x->subject[1], "F-4");
	assert_string_equal(x->range, "10.0.0.128/25");
	contains(x->json, "\"nested\":true");
	contains(x->json, "\"differs\":[{\"field\":\"use\",\"values\":[\"x\",\"y\"]}]");
	contains(x->evidence_zh, "用途不同（“x” / “y”）");

	x = &rep.findings[1];
	assert_string_equal(x->subject[0], "F-1");
	assert_string_equal(x->subject[1], "F-2");
	assert_string_equal(x->range, "10.0.0.255");
	assert_string_equal(x->operator, "OP-1, OP-2");
	assert_int_equal(x->severity, PS_GUYUAN_SEV_HIGH);
	contains(x->json, "\"nested\":false");
	contains(x->evidence, "with different holder ('A' vs 'B')");

	x = &rep.findings[2];
	assert_string_equal(x->subject[0], "F-4");
	assert_string_equal(x->subject[1], "F-2");
	assert_string_equal(x->range, "10.0.0.255");
	contains(x->json, "{\"field\":\"holder\",\"values\":[\"A\",\"B\"]},"
		 "{\"field\":\"use\",\"values\":[\"y\",\"x\"]}");

	/* IPv6: F-6 holds all of IPv6, so F-7 and the v4-mapped F-8 conflict
	 * with it, and F-8 never meets the IPv4 F-1 */
	x = get(&rep, PS_GUYUAN_CONFLICT, "F-6", "F-8");
	assert_string_equal(x->range, "::ffff:10.0.0.0/120");
	x = get(&rep, PS_GUYUAN_CONFLICT, "F-6", "F-7");
	assert_true(x->r.v6);
	assert_false(has(&rep, PS_GUYUAN_CONFLICT, "F-3"));

	x = get(&rep, PS_GUYUAN_DUPLICATE, "F-5", "F-1"); /* F-5 sorts first: lower hi */
	assert_int_equal(x->severity, PS_GUYUAN_SEV_LOW);
	assert_string_equal(x->range, "10.0.0.0/26");
	contains(x->json, "\"differs\":[]");
	contains(x->evidence_zh, "重复备案");
	ps_guyuan_report_release(&rep);
}

static void test_conflict_v6_partial(void **state)
{
	struct ps_guyuan_block b[1];
	struct ps_guyuan_filing f[] = {
		{"F-1", "OP-1", rg("2001:db8::-2001:db8::1:0"), "A", "x"},
		{"F-2", "OP-1", rg("2001:db8::1:0-2001:db8::2:0"), "A", "y"}, /* one shared */
		{"F-3", "OP-1", rg("2001:db8::2:1/128"), "B", "y"},          /* adjacent */
		{"F-4", "OP-1", rg("2001:db8::/126"), "A", "x"},             /* duplicate in F-1 */
	};
	struct ps_guyuan_input in = {b, 0, f, PS_ARRAY_LEN(f), NULL, 0, NULL, 0};
	struct ps_guyuan_opts o;
	struct ps_guyuan_report rep = {0};
	const struct ps_guyuan_finding *x;

	(void)state;
	ps_guyuan_opts_default(&o);
	o.check[PS_GUYUAN_OUT_OF_RANGE] = false; /* no blocks here */
	OK(ps_guyuan_run(&in, &o, &rep, NULL));
	assert_int_equal(rep.n, 2);
	x = get(&rep, PS_GUYUAN_CONFLICT, "F-1", "F-2");
	assert_string_equal(x->range, "2001:db8::1:0");
	x = get(&rep, PS_GUYUAN_DUPLICATE, "F-4", "F-1");
	assert_string_equal(x->range, "2001:db8::/126");
	/* the duplicate switched off on its own */
	o.check[PS_GUYUAN_DUPLICATE] = false;
	OK(ps_guyuan_run(&in, &o, &rep, NULL));
	assert_int_equal(rep.n, 1);
	assert_int_equal(rep.findings[0].check, PS_GUYUAN_CONFLICT);
	ps_guyuan_report_release(&rep);
}

static void test_unreported(void **state)
{
	struct ps_guyuan_block b[] = {
		{"B-1", "OP-1", rg("10.0.0.0/16")},
		{"B-2", "OP-2", rg("2001:db8::/32")},
	};
	struct ps_guyuan_filing f[] = {
		{"F-1", "OP-1", rg("10.0.0.0/25"), "A", "x"},
		{"F-2", "OP-1", rg("10.0.0.200-10.0.0.255"), "A", "x"},
		{"F-3", "OP-2", rg("2001:db8::/64"), "A", "x"},
		{"F-4", "OP-1", rg("10.0.2.0/25"), "A", "x"},
		{"F-5", "OP-1", rg("10.0.2.128/25"), "B", "y"}, /* adjacent to F-4 */
		{"F-6", "OP-1", rg("10.0.3.0/24"), "A", "x"},
		{"F-7", "OP-1", rg("10.0.3.64/26"), "A", "x"}, /* nested in F-6 */
	};
	struct ps_guyuan_seen s[] = {
		{"O-1", "routing", rg("10.0.0.0/24")},
		{"O-2", "aaa", rg("10.0.0.5")},
		{"O-3", "idc", rg("10.0.1.0/24")},
		{"O-4", "routing", rg("2001:db8::/63")},
		{"O-5", "flow", rg("::ffff:10.0.0.5")},
		{"O-6", "routing", rg("10.0.2.0/24")},
		{"O-7", "scan", rg("10.0.3.0-10.0.4.1")},
		{"O-8", "scan", rg("192.0.2.1")},
	};
	struct ps_guyuan_icp i[1];
	struct ps_guyuan_input in = IN(b, f, s, i);
	struct ps_guyuan_opts o = only(PS_GUYUAN_UNREPORTED);
	struct ps_guyuan_report rep = {0};
	const struct ps_guyuan_finding *x;

	(void)state;
	in.n_icps = 0;
	OK(ps_guyuan_run(&in, &o, &rep, NULL));
	assert_int_equal(rep.n, 6);
	x = get(&rep, PS_GUYUAN_UNREPORTED, "O-1", NULL);
	assert_int_equal(x->severity, PS_GUYUAN_SEV_MEDIUM);
	assert_string_equal(x->range, "10.0.0.0/24");
	assert_string_equal(x->operator, "OP-1");
	contains(x->json, "\"uncovered\":[\"10.0.0.128-10.0.0.199\"]");
	contains(x->json, "\"source\":\"routing\"");
	contains(x->evidence, "uncovered: 10.0.0.128-10.0.0.199");
	contains(x->evidence_zh, "来源：路由");
	assert_false(has(&rep, PS_GUYUAN_UNREPORTED, "O-2"));
	assert_false(has(&rep, PS_GUYUAN_UNREPORTED, "O-6"));
	x = get(&rep, PS_GUYUAN_UNREPORTED, "O-3", NULL);
	contains(x->json, "\"uncovered\":[\"10.0.1.0/24\"]");
	x = get(&rep, PS_GUYUAN_UNREPORTED, "O-4", NULL);
	contains(x->json, "\"uncovered\":[\"2001:db8:0:1::/64\"]");
	assert_string_equal(x->operator, "OP-2");
	x = get(&rep, PS_GUYUAN_UNREPORTED, "O-5", NULL); /* never matches IPv4 F-1 */
	contains(x->json, "\"uncovered\":[\"::ffff:10.0.0.5\"]");
	assert_string_equal(x->operator, "");
	contains(x->evidence, "in no allocated block");
	x = get(&rep, PS_GUYUAN_UNREPORTED, "O-7", NULL);
	contains(x->json, "\"uncovered\":[\"10.0.4.0/31\"]");
	x = get(&rep, PS_GUYUAN_UNREPORTED, "O-8", NULL);
	assert_string_equal(x->operator, "");

	/* by operator: the blocks the uncovered part lies in */
	o.operator = "OP-2";
	OK(ps_guyuan_run(&in, &o, &rep, NULL));
	assert_int_equal(rep.n, 1);
	assert_string_equal(rep.findings[0].subject[0], "O-4");
	ps_guyuan_report_release(&rep);
}

static void test_unreported_gaps(void **state)
{
	struct ps_guyuan_block b[1];
	struct ps_guyuan_filing f[] = {
		{"F-1", "OP-1", rg("10.0.0.10-10.0.0.19"), "A", "x"},
		{"F-2", "OP-1", rg("10.0.0.15-10.0.0.29"), "A", "x"},
		{"F-3", "OP-1", rg("10.0.0.40-10.0.0.49"), "A", "x"},
		{"F-4", "OP-1", rg("10.0.0.42"), "A", "x"},
		{"F-5", "OP-1", rg("::1-::5"), "A", "x"},
	};
	struct ps_guyuan_seen s[] = {
		{"O-1", "routing", rg("10.0.0.0-10.0.0.59")},
		{"O-2", "routing", rg("::-::9")},
	};
	struct ps_guyuan_input in = {b, 0, f, PS_ARRAY_LEN(f), s, PS_ARRAY_LEN(s), NULL, 0};
	struct ps_guyuan_opts o = only(PS_GUYUAN_UNREPORTED);
	struct ps_guyuan_report rep = {0};

	(void)state;
	OK(ps_guyuan_run(&in, &o, &rep, NULL));
	assert_int_equal(rep.n, 2);
	contains(get(&rep, PS_GUYUAN_UNREPORTED, "O-1", NULL)->json,
		 "\"uncovered\":[\"10.0.0.0-10.0.0.9\",\"10.0.0.30-10.0.0.39\","
		 "\"10.0.0.50-10.0.0.59\"]");
	contains(get(&rep, PS_GUYUAN_UNREPORTED, "O-2", NULL)->json,
		 "\"uncovered\":[\"::\",\"::6-::9\"]");
	ps_guyuan_report_release(&rep);
}

static void test_misreported(void **state)
{
	struct ps_guyuan_block b[1];
	struct ps_guyuan_filing f[] = {
		{"F-1", "OP-1", rg("10.0.0.0/24"), "甲公司", "IDC", "北京", "ICP-1"},
		{"F-2", "OP-1", rg("10.0.1.0/24"), "丙公司", "自用", NULL, "ICP-2"},
		{"F-3", "OP-2", rg("10.0.2.0/24"), "丁公司", "自用", "上海", "ICP-3"},
		{"F-4", "OP-2", rg("2001:db8::/64"), "戊公司", "IDC", "广州", "ICP-4"},
	};
	struct ps_guyuan_seen s[] = {
		{"O-1", "aaa", rg("10.0.0.5"), "乙公司", "IDC", "北京"},
		{"O-2", "routing", rg("10.0.0.6"), "甲公司", NULL, "上海"},
		{"O-3", "routing", rg("10.0.0.7"), NULL, NULL, NULL},
		{"O-4", "idc", rg("10.0.1.9"), "丙公司", "自用", "深圳"}, /* F-2 has no location */
		{"O-5", "idc", rg("2001:db8::5"), "戊公司", "CDN", "广州"},
		{"O-6", "idc", rg("::ffff:10.0.0.5"), "己公司", "CDN", "杭州"}, /* no filing */
	};
	struct ps_guyuan_icp i[] = {
		{"ICP-1", "a.example.cn", "乙公司", true, rg("10.0.0.9")},
		{"ICP-2", "b.example.cn", "丙公司", true, rg("192.0.2.1")},
		{"ICP-3", "c.example.cn", "丁公司", true, rg("2001:db8::1")},
		{"ICP-4", "d.example.cn", "戊公司", true, rg("2001:db8::8")},
	};
	struct ps_guyuan_input in = IN(b, f, s, i);
	struct ps_guyuan_opts o = only(PS_GUYUAN_MISREPORTED);
	struct ps_guyuan_report rep = {0};
	const struct ps_guyuan_finding *x;

	(void)state;
	in.n_blocks = 0;
	OK(ps_guyuan_run(&in, &o, &rep, NULL));
	assert_int_equal(rep.n, 6);
	x = get(&rep, PS_GUYUAN_MISREPORTED, "F-1", "O-1");
	assert_string_equal(x->range, "10.0.0.5");
	assert_string_equal(x->operator, "OP-1");
	contains(x->json, "\"fields\":[{\"field\":\"holder\",\"filed\":\"甲公司\","
		 "\"observed\":\"乙公司\",\"source\":\"aaa:O-1\"}]");
	contains(x->evidence_zh, "使用单位备案为“甲公司”，实际为“乙公司”");
	x = get(&rep, PS_GUYUAN_MISREPORTED, "F-1", "O-2");
	contains(x->json, "\"fields\":[{\"field\":\"location\",\"filed\":\"北京\","
		 "\"observed\":\"上海\"");
	assert_false(has(&rep, PS_GUYUAN_MISREPORTED, "O-3"));
	x = get(&rep, PS_GUYUAN_MISREPORTED, "F-4", "O-5");
	contains(x->json, "\"field\":\"use\",\"filed\":\"IDC\",\"observed\":\"CDN\"");

	x = get(&rep, PS_GUYUAN_MISREPORTED, "F-1", "ICP-1");
	assert_string_equal(x->range, "10.0.0.0/24");
	contains(x->json, "\"domain\":\"a.example.cn\"");
	contains(x->json, "\"fields\":[{\"field\":\"holder\",\"filed\":\"甲公司\","
		 "\"observed\":\"乙公司\",\"source\":\"icp:ICP-1\"}]");
	x = get(&rep, PS_GUYUAN_MISREPORTED, "F-2", "ICP-2");
	contains(x->json, "\"fields\":[{\"field\":\"address\",\"filed\":\"10.0.1.0/24\","
		 "\"observed\":\"192.0.2.1\",\"source\":\"icp:ICP-2\"}]");
	contains(x->evidence, "ICP address 192.0.2.1 is not inside the filing");
	x = get(&rep, PS_GUYUAN_MISREPORTED, "F-3", "ICP-3"); /* IPv6 address, IPv4 filing */
	contains(x->json, "\"observed\":\"2001:db8::1\"");
	assert_false(has2(&rep, PS_GUYUAN_MISREPORTED, "F-4", "ICP-4"));
	assert_false(has2(&rep, PS_GUYUAN_MISREPORTED, "F-2", "O-4"));

	/* by operator */
	o.operator = "OP-2";
	OK(ps_guyuan_run(&in, &o, &rep, NULL));
	assert_int_equal(rep.n, 2);
	ps_guyuan_report_release(&rep);
}

static void test_flags_and_errors(void **state)
{
	struct ps_guyuan_block b[] = {{"B-1", "OP-1", rg("10.0.0.0/24")}};
	struct ps_guyuan_filing f[] = {
		{"F-1", "OP-1", rg("10.0.0.0/23"), "A", "x"},
		{"F-2", "OP-1", rg("10.0.0.0/25"), "B", "x"},
	};
	struct ps_guyuan_seen s[] = {{"O-1", "flow", rg("10.0.9.0"), "C"}};
	struct ps_guyuan_icp i[] = {{"ICP-1", "a.cn", "Z", false}};
	struct ps_guyuan_input in = IN(b, f, s, i);
	struct ps_guyuan_opts o;
	struct ps_guyuan_report rep = {0};
	struct ps_diag d = {{0}};
	enum ps_guyuan_check c;

	(void)state;
	ps_guyuan_opts_default(&o);
	OK(ps_guyuan_run(&in, &o, &rep, NULL));
	assert_int_equal(rep.count[PS_GUYUAN_OUT_OF_RANGE], 1);
	assert_int_equal(rep.count[PS_GUYUAN_CONFLICT], 1);
	assert_int_equal(rep.count[PS_GUYUAN_UNREPORTED], 1);
	assert_int_equal(rep.n, 3);
	o.check[PS_GUYUAN_OUT_OF_RANGE] = false;
	OK(ps_guyuan_run(&in, &o, &rep, NULL));
	assert_int_equal(rep.count[PS_GUYUAN_OUT_OF_RANGE], 0);
	assert_int_equal(rep.n, 2);
	assert_int_equal(rep.findings[0].check, PS_GUYUAN_CONFLICT);
	memset(o.check, 0, sizeof(o.check));
	OK(ps_guyuan_run(&in, &o, &rep, NULL));
	assert_int_equal(rep.n, 0);

	/* malformed input names the record and leaves the report empty */
	ps_guyuan_opts_default(&o);
	memcpy(f[1].r.lo, f[0].r.hi, 16);
	assert_int_equal(ps_guyuan_run(&in, &o, &rep, &d), PS_EINVAL);
	assert_string_equal(d.msg, "ipfiling 'F-2': malformed range");
	assert_int_equal(rep.n, 0);
	f[1].r = rg("10.0.0.0/25");
	f[1].r.lo[7] = 1; /* IPv4 with bytes past the fourth */
	assert_int_equal(ps_guyuan_run(&in, &o, &rep, &d), PS_EINVAL);

	OK(ps_guyuan_check_parse("越界", &c));
	assert_int_equal(c, PS_GUYUAN_OUT_OF_RANGE);
	OK(ps_guyuan_check_parse("duplicate", &c));
	assert_int_equal(c, PS_GUYUAN_DUPLICATE);
	assert_int_equal(ps_guyuan_check_parse("bogus", &c), PS_EINVAL);
	assert_string_equal(ps_guyuan_check_zh(PS_GUYUAN_MISREPORTED), "错报");
	assert_null(ps_guyuan_check_name(PS_GUYUAN__COUNT));
	ps_guyuan_report_release(&rep);
}

/* Every failing allocation is cleaned up (the sanitizer build checks). */
static int torture_op(void *arg)
{
	const struct ps_guyuan_input *in = arg;
	struct ps_guyuan_opts o;
	struct ps_guyuan_report rep = {0};
	int rc;

	ps_guyuan_opts_default(&o);
	rc = ps_guyuan_run(in, &o, &rep, NULL);
	ps_guyuan_report_release(&rep);
	return rc;
}

static void test_alloc_failures(void **state)
{
	struct ps_guyuan_block b[] = {{"B-1", "OP-1", rg("10.0.0.0/24")}};
	struct ps_guyuan_filing f[] = {
		{"F-1", "OP-1", rg("10.0.0.0/23"), "A", "x", "l", "ICP-1"},
		{"F-2", "OP-1", rg("10.0.0.0/25"), "B", "x"},
		{"F-3", "OP-1", rg("10.0.0.0/25"), "B", "x"},
	};
	struct ps_guyuan_seen s[] = {{"O-1", "flow", rg("10.0.0.0/22"), "C"}};
	struct ps_guyuan_icp i[] = {{"ICP-1", "a.cn", "Z", true, rg("192.0.2.1")}};
	struct ps_guyuan_input in = IN(b, f, s, i);

	(void)state;
	assert_true(ps_mem_torture(torture_op, &in, true) > 5);
}

/* A 100,000-filing registry with four planted faults. */
struct big {
	struct ps_guyuan_filing *f;
	struct ps_guyuan_seen *s;
	char (*keys)[16];
	char (*holders)[16];
};

#define BIG_N 100000
#define BIG_SEEN 2000

static void big_fill(struct big *g)
{
	for (size_t i = 0; i < BIG_N; i++) {
		/* a fixed permutation (7919 is prime to BIG_N) mixes the input order */
		size_t j = (i * 7919) % BIG_N;
		struct ps_guyuan_filing *f = &g->f[j];
		char r[64];

		snprintf(g->keys[j], sizeof(g->keys[j]), "F-%zu", i);
		snprintf(g->holders[j], sizeof(g->holders[j]), "H%zu", i);
		if (i < BIG_N / 2)
			snprintf(r, sizeof(r), "10.%zu.%zu.0/24", i >> 8, i & 255);
		else
			snprintf(r, sizeof(r), "2001:db8:0:%zx::/64", i - BIG_N / 2);
		f->key = g->keys[j];
		f->operator = "OP-1";
		f->r = rg(r);
		f->holder = g->holders[j];
		f->use = "IDC";
	}
	for (size_t i = 0; i < BIG_SEEN; i++) {
		char r[64];

		g->s[i].key = "O";
		g->s[i].source = "flow";
		if (i % 2 == 0)
			snprintf(r, sizeof(r), "10.%zu.%zu.7", (i * 13) >> 8, (i * 13) & 255);
		else
			snprintf(r, sizeof(r), "2001:db8:0:%zx::7", i * 11);
		g->s[i].r = rg(r);
	}
	/* faults: F-100 moved out of the block (so 10.0.100.0/24 is unfiled),
	 * F-201 refiled over F-200 for another holder, one address seen in
	 * the hole, one seen IPv6 address past the last filing */
	g->f[(100 * 7919) % BIG_N].r = rg("11.0.0.0/24");
	g->f[(201 * 7919) % BIG_N].r = rg("10.0.200.128/25");
	g->s[0].r = rg("10.0.100.9");
	g->s[0].key = "O-hole";
	g->s[1].r = rg("2001:db8:0:ffff::1");
	g->s[1].key = "O-past";
}

static void test_large(void **state)
{
	struct ps_guyuan_block b[] = {
		{"B-1", "OP-1", rg("10.0.0.0/8")},
		{"B-2", "OP-1", rg("2001:db8::/32")},
	};
	struct big g;
	struct ps_guyuan_input in;
	struct ps_guyuan_opts o;
	struct ps_guyuan_report rep = {0};

	(void)state;
	g.f = ps_calloc(PS_MEM_TEST, BIG_N, sizeof(*g.f));
	g.s = ps_calloc(PS_MEM_TEST, BIG_SEEN, sizeof(*g.s));
	g.keys = ps_calloc(PS_MEM_TEST, BIG_N, sizeof(*g.keys));
	g.holders = ps_calloc(PS_MEM_TEST, BIG_N, sizeof(*g.holders));
	assert_non_null(g.f);
	assert_non_null(g.s);
	assert_non_null(g.keys);
	assert_non_null(g.holders);
	big_fill(&g);
	in = (struct ps_guyuan_input){b, PS_ARRAY_LEN(b), g.f, BIG_N, g.s, BIG_SEEN, NULL, 0};
	ps_guyuan_opts_default(&o);
	OK(ps_guyuan_run(&in, &o, &rep, NULL));
	assert_int_equal(rep.count[PS_GUYUAN_OUT_OF_RANGE], 1);
	assert_int_equal(rep.count[PS_GUYUAN_CONFLICT], 1);
	assert_int_equal(rep.count[PS_GUYUAN_DUPLICATE], 0);
	assert_int_equal(rep.count[PS_GUYUAN_UNREPORTED], 2);
	assert_int_equal(rep.count[PS_GUYUAN_MISREPORTED], 0);
	assert_int_equal(rep.n, 4);
	assert_string_equal(get(&rep, PS_GUYUAN_OUT_OF_RANGE, "F-100", NULL)->range,
			    "11.0.0.0/24");
	assert_string_equal(get(&rep, PS_GUYUAN_CONFLICT, "F-200", "F-201")->range,
			    "10.0.200.128/25");
	contains(get(&rep, PS_GUYUAN_UNREPORTED, "O-hole", NULL)->json,
		 "\"uncovered\":[\"10.0.100.9\"]");
	contains(get(&rep, PS_GUYUAN_UNREPORTED, "O-past", NULL)->json,
		 "\"uncovered\":[\"2001:db8:0:ffff::1\"]");
	ps_guyuan_report_release(&rep);
	ps_free(g.f);
	ps_free(g.s);
	ps_free(g.keys);
	ps_free(g.holders);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_out_of_range_v4),
		cmocka_unit_test(test_out_of_range_v6),
		cmocka_unit_test(test_conflict_and_duplicate),
		cmocka_unit_test(test_conflict_v6_partial),
		cmocka_unit_test(test_unreported),
		cmocka_unit_test(test_unreported_gaps),
		cmocka_unit_test(test_misreported),
		cmocka_unit_test(test_flags_and_errors),
		cmocka_unit_test(test_alloc_failures),
		cmocka_unit_test(test_large),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
