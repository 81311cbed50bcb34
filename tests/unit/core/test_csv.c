/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The RFC 4180 reader of core/csv.h: quoting, line numbering over records
 * that span lines, line ends, byte-order marks, errors and limits; UTF-8
 * checking, iconv conversion and the buffered field writer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/core.h"
#include "core/csv.h"

#define OK(x) assert_int_equal((x), PS_OK)

/* Read all records of `in`; each record is written as "line:f1|f2|...\n". */
static int dump(const char *in, size_t len, char *out, size_t cap, struct ps_diag *d)
{
	struct ps_csv c;
	size_t used = 0;
	int rc;

	out[0] = '\0';
	ps_csv_init(&c, PS_MEM_TEST, "t.csv", in, len);
	while ((rc = ps_csv_next(&c, d)) == PS_OK) {
		used += (size_t)snprintf(out + used, cap - used, "%u:", c.rec_line);
		for (size_t i = 0; i < c.nf; i++)
			used += (size_t)snprintf(out + used, cap - used, "%s%s%s",
						 i ? "|" : "", c.fields[i].quoted ? "q" : "",
						 c.fields[i].p);
		used += (size_t)snprintf(out + used, cap - used, "\n");
	}
	ps_csv_release(&c);
	return rc == PS_EOF ? PS_OK : rc;
}

static void expect(const char *in, const char *want)
{
	char out[1024];
	struct ps_diag d = {{0}};

	OK(dump(in, strlen(in), out, sizeof(out), &d));
	assert_string_equal(out, want);
}

static void test_basic(void **state)
{
	(void)state;
	expect("a,b,c\n1,2,3\n", "1:a|b|c\n2:1|2|3\n");
	/* no final line end; empty fields; a final separator */
	expect("a,,c\n,\nx,", "1:a||c\n2:|\n3:x|\n");
	/* CRLF and lone CR; empty lines are skipped, a trailing one too */
	expect("a\r\nb\rc\n\n\r\nd\r\n\r\n", "1:a\n2:b\n3:c\n6:d\n");
	/* a quote inside an unquoted field is data */
	expect("5\" disk,x\n", "1:5\" disk|x\n");
	/* blanks around a quoted field are dropped; inside an unquoted kept */
	expect("a, \"b\" , c \n", "1:a|qb| c \n");
	expect("", "");
	expect("\n\n", "");
}

static void test_quotes(void **state)
{
	(void)state;
	expect("\"a,b\",\"say \"\"hi\"\"\",\"\"\n", "1:qa,b|qsay \"hi\"|q\n");
	/* embedded line ends: the record starts on line 2, the next on 5 */
	expect("h\n\"x\ny\r\nz\",2\nnext\n", "1:h\n2:qx\ny\nz|2\n5:next\n");
	/* lone CR inside quotes is a line too */
	expect("\"a\rb\"\nc\n", "1:qa\nb\n3:c\n");
}

static void test_bom(void **state)
{
	(void)state;
	expect("\xef\xbb\xbfkey,name\nU-1,x\n", "1:key|name\n2:U-1|x\n");
	/* only at the start */
	expect("a\n\xef\xbb\xbf" "b\n", "1:a\n2:\xef\xbb\xbf" "b\n");
}

static void test_errors(void **state)
{
	char out[256];
	struct ps_diag d = {{0}};
	const char *in;

	(void)state;
	in = "a,b\n\"open\nstill\nopen";
	assert_int_equal(dump(in, strlen(in), out, sizeof(out), &d), PS_EPROTO);
	assert_string_equal(out, "1:a|b\n");
	assert_non_null(strstr(d.msg, "t.csv:2:"));
	assert_non_null(strstr(d.msg, "never closes"));
	in = "a\n\n\"x\"y,z\n";
	assert_int_equal(dump(in, strlen(in), out, sizeof(out), &d), PS_EPROTO);
	assert_string_equal(d.msg, "t.csv:3: text after the closing quote of field 1");
}

static void test_limits(void **state)
{
	struct ps_csv c;
	struct ps_diag d = {{0}};
	char *big = ps_malloc(PS_MEM_TEST, PS_CSV_FIELDS_MAX * 2 + 10);
	size_t n = 0;

	(void)state;
	assert_non_null(big);
	for (int i = 0; i <= PS_CSV_FIELDS_MAX; i++) {
		big[n++] = 'x';
		big[n++] = ',';
	}
	big[n++] = '\n';
	ps_csv_init(&c, PS_MEM_TEST, NULL, big, n);
	assert_int_equal(ps_csv_next(&c, &d), PS_ELIMIT);
	assert_non_null(strstr(d.msg, "<input>:1: record has more than"));
	assert_int_equal(ps_csv_next(&c, &d), PS_EOF);
	ps_csv_release(&c);
	ps_free(big);
}

/* NUL bytes are data and the length says so. */
static void test_nul(void **state)
{
	static const char in[] = "a\0b,c\n";
	struct ps_csv c;
	struct ps_diag d = {{0}};

	(void)state;
	ps_csv_init(&c, PS_MEM_TEST, NULL, in, sizeof(in) - 1);
	OK(ps_csv_next(&c, &d));
	assert_int_equal(c.nf, 2);
	assert_int_equal(c.fields[0].len, 3);
	assert_memory_equal(c.fields[0].p, "a\0b", 3);
	ps_csv_release(&c);
}

static void test_semicolon(void **state)
{
	static const char in[] = "a;\"b;c\";d\n";
	struct ps_csv c;
	struct ps_diag d = {{0}};

	(void)state;
	ps_csv_init(&c, PS_MEM_TEST, NULL, in, sizeof(in) - 1);
	ps_csv_sep_set(&c, ';');
	OK(ps_csv_next(&c, &d));
	assert_int_equal(c.nf, 3);
	assert_string_equal(c.fields[1].p, "b;c");
	ps_csv_release(&c);
}

static void test_utf8(void **state)
{
	size_t bad = 99;

	(void)state;
	assert_true(ps_csv_utf8_valid("", 0, &bad));
	assert_true(ps_csv_utf8_valid("磐石 ok \xf0\x9f\x98\x80", 14, &bad));
	assert_false(ps_csv_utf8_valid("ab\xc0\xafz", 5, &bad)); /* overlong '/' */
	assert_int_equal(bad, 2);
	assert_false(ps_csv_utf8_valid("\xed\xa0\x80", 3, &bad)); /* surrogate */
	assert_false(ps_csv_utf8_valid("\xf4\x90\x80\x80", 4, &bad)); /* > U+10FFFF */
	assert_false(ps_csv_utf8_valid("x\xe7\xa3", 3, &bad)); /* truncated */
	assert_int_equal(bad, 1);
	/* GBK bytes of 网络 are not UTF-8 */
	assert_false(ps_csv_utf8_valid("\xcd\xf8\xc2\xe7", 4, &bad));
}

static void test_iconv(void **state)
{
	static const char gbk[] = "\xcd\xf8\xc2\xe7\xb5\xa5\xd4\xaa,key\n";
	char *out = NULL, *back = NULL;
	size_t n = 0, m = 0, bad = 0;

	(void)state;
	OK(ps_csv_iconv("GB18030", "UTF-8", gbk, sizeof(gbk) - 1, PS_MEM_TEST, &out, &n,
			&bad));
	assert_string_equal(out, "网络单元,key\n");
	assert_int_equal(n, strlen("网络单元,key\n"));
	OK(ps_csv_iconv("UTF-8", "GBK", out, n, PS_MEM_TEST, &back, &m, &bad));
	assert_int_equal(m, sizeof(gbk) - 1);
	assert_memory_equal(back, gbk, m);
	ps_free(out);
	ps_free(back);
	/* an emoji has no GBK code: its offset is reported */
	assert_int_equal(ps_csv_iconv("UTF-8", "GBK", "ab\xf0\x9f\x98\x80", 6, PS_MEM_TEST,
				      &out, &n, &bad), PS_EINVAL);
	assert_int_equal(bad, 2);
	/* but GB18030 has one for everything */
	OK(ps_csv_iconv("UTF-8", "GB18030", "ab\xf0\x9f\x98\x80", 6, PS_MEM_TEST, &out, &n,
			&bad));
	assert_int_equal(n, 6);
	ps_free(out);
	/* a truncated GBK sequence at the end */
	assert_int_equal(ps_csv_iconv("GB18030", "UTF-8", "a\xcd", 2, PS_MEM_TEST, &out, &n,
				      &bad), PS_EINVAL);
	assert_int_equal(bad, 1);
	assert_int_equal(ps_csv_iconv("NO-SUCH-SET", "UTF-8", "a", 1, PS_MEM_TEST, &out, &n,
				      &bad), PS_EUNSUP);
}

static void test_write(void **state)
{
	struct ps_buf b = PS_BUF_INIT(PS_MEM_TEST, 1024);
	static const char *const cells[] = {
		"plain", NULL, "a,b", "say \"hi\"", "two\nlines", " pad", "中文", "",
	};
	struct ps_csv c;
	struct ps_diag d = {{0}};

	(void)state;
	for (size_t i = 0; i < PS_ARRAY_LEN(cells); i++) {
		if (i > 0)
			OK(ps_buf_addch(&b, ','));
		OK(ps_csv_buf_field(&b, cells[i], ','));
	}
	assert_string_equal(ps_buf_cstr(&b),
			    "plain,,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\" pad\",中文,");
	/* and it reads back */
	ps_csv_init(&c, PS_MEM_TEST, NULL, ps_buf_cstr(&b), ps_buf_len(&b));
	OK(ps_csv_next(&c, &d));
	assert_int_equal(c.nf, PS_ARRAY_LEN(cells));
	for (size_t i = 0; i < c.nf; i++)
		assert_string_equal(c.fields[i].p, cells[i] ? cells[i] : "");
	ps_csv_release(&c);
	ps_buf_release(&b);
}

/* Every allocation failure is reported, never a crash or a leak. */
static int torture_op(void *arg)
{
	char out[512];
	struct ps_diag d;

	(void)arg;
	return dump("a,\"b\nc\",d\ne,f\n", 15, out, sizeof(out), &d);
}

static void test_torture(void **state)
{
	(void)state;
	assert_true(ps_mem_torture(torture_op, NULL, true) > 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_quotes),
		cmocka_unit_test(test_bom),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_nul),
		cmocka_unit_test(test_semicolon),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_iconv),
		cmocka_unit_test(test_write),
		cmocka_unit_test(test_torture),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
