/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for the shared file and text helpers: whole-file reading with
 * its error classes and messages, offset-to-position on UTF-8 text, and
 * RFC 4180 CSV field quoting.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/core.h"

/* A scratch directory with a few files, removed by the teardown. */
struct fixture {
	char dir[64];
	char path[128];
};

static int setup(void **state)
{
	struct fixture *fx = ps_calloc(PS_MEM_TEST, 1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/panshi_fileio_XXXXXX");
	if (mkdtemp(fx->dir) == NULL) {
		ps_free(fx);
		return -1;
	}
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	unlink(fx->path);
	rmdir(fx->dir);
	ps_free(fx);
	return 0;
}

/* Write `len` bytes to <dir>/f and leave its path in fx->path. */
static const char *write_file(struct fixture *fx, const void *p, size_t len)
{
	FILE *f;

	snprintf(fx->path, sizeof(fx->path), "%s/f", fx->dir);
	f = fopen(fx->path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return fx->path;
}

static void test_read_missing(void **state)
{
	struct fixture *fx = *state;
	static char keep[] = "untouched";
	struct ps_diag d;
	char *buf = keep, want[256];
	size_t len = 7;

	snprintf(fx->path, sizeof(fx->path), "%s/none.yaml", fx->dir);
	assert_int_equal(ps_file_read(fx->path, PS_MEM_TEST, 100, &buf, &len, &d),
			 PS_ENOENT);
	snprintf(want, sizeof(want), "cannot open '%s': No such file or directory",
		 fx->path);
	assert_string_equal(d.msg, want);
	assert_string_equal(buf, "untouched");
	assert_int_equal(len, 7);
	/* a NULL diag is allowed */
	assert_int_equal(ps_file_read(fx->path, PS_MEM_TEST, 100, &buf, &len, NULL),
			 PS_ENOENT);
}

static void test_read_directory(void **state)
{
	struct fixture *fx = *state;
	struct ps_diag d;
	char *buf = NULL, want[256];
	size_t len = 0;

	assert_int_equal(ps_file_read(fx->dir, PS_MEM_TEST, 100, &buf, &len, &d),
			 PS_EIO);
	snprintf(want, sizeof(want), "cannot read '%s': not a regular file",
		 fx->dir);
	assert_string_equal(d.msg, want);
	assert_null(buf);
}

static void test_read_over_max(void **state)
{
	struct fixture *fx = *state;
	const char *path = write_file(fx, "0123456789a", 11);
	struct ps_diag d;
	char *buf = NULL, want[256];
	size_t len = 0;

	assert_int_equal(ps_file_read(path, PS_MEM_TEST, 10, &buf, &len, &d),
			 PS_ELIMIT);
	snprintf(want, sizeof(want), "'%s' is too large (over 10 bytes)", path);
	assert_string_equal(d.msg, want);
	assert_null(buf);
	/* exactly at the cap is fine */
	assert_int_equal(ps_file_read(path, PS_MEM_TEST, 11, &buf, &len, &d),
			 PS_OK);
	assert_int_equal(len, 11);
	assert_string_equal(buf, "0123456789a");
	ps_free(buf);
}

static void test_read_empty(void **state)
{
	struct fixture *fx = *state;
	const char *path = write_file(fx, "", 0);
	char *buf = NULL;
	size_t len = 99;

	assert_int_equal(ps_file_read(path, PS_MEM_TEST, 0, &buf, &len, NULL),
			 PS_OK);
	assert_non_null(buf);
	assert_int_equal(len, 0);
	assert_int_equal(buf[0], '\0');
	ps_free(buf);
}

static void test_read_terminated(void **state)
{
	struct fixture *fx = *state;
	const char *path = write_file(fx, "a: 1\nb: 磐石\n", 15);
	struct ps_mem_stats before, during, after;
	char *buf = NULL;
	size_t len = 0;

	ps_mem_stats_get(PS_MEM_TEST, &before);
	assert_int_equal(ps_file_read(path, PS_MEM_TEST, 1 << 20, &buf, &len,
				      NULL), PS_OK);
	ps_mem_stats_get(PS_MEM_TEST, &during);
	assert_int_equal(len, 15);
	assert_int_equal(buf[15], '\0');
	assert_string_equal(buf, "a: 1\nb: 磐石\n");
	/* the buffer belongs to the subsystem the caller named */
	assert_int_equal(during.bytes - before.bytes, 16);
	ps_free(buf);
	ps_mem_stats_get(PS_MEM_TEST, &after);
	assert_int_equal(after.bytes, before.bytes);
}

static void test_read_binary(void **state)
{
	struct fixture *fx = *state;
	unsigned char bytes[256];
	const char *path;
	char *buf = NULL;
	size_t len = 0;

	for (size_t i = 0; i < sizeof(bytes); i++)
		bytes[i] = (unsigned char)(255 - i); /* ends with a NUL byte */
	path = write_file(fx, bytes, sizeof(bytes));
	assert_int_equal(ps_file_read(path, PS_MEM_TEST, sizeof(bytes), &buf,
				      &len, NULL), PS_OK);
	assert_int_equal(len, sizeof(bytes));
	assert_memory_equal(buf, bytes, sizeof(bytes));
	assert_int_equal(buf[sizeof(bytes)], '\0');
	ps_free(buf);
}

static void test_read_nomem(void **state)
{
	struct fixture *fx = *state;
	const char *path = write_file(fx, "abc", 3);
	struct ps_diag d;
	char *buf = NULL;
	size_t len = 0;

	ps_mem_fail_at(1, false);
	assert_int_equal(ps_file_read(path, PS_MEM_TEST, 100, &buf, &len, &d),
			 PS_ENOMEM);
	assert_true(ps_mem_fail_triggered());
	ps_mem_fail_at(0, false);
	assert_string_equal(d.msg, "out of memory");
	assert_null(buf);
	assert_int_equal(len, 0);
	/* the next try succeeds and nothing leaked in between */
	assert_int_equal(ps_file_read(path, PS_MEM_TEST, 100, &buf, &len, &d),
			 PS_OK);
	assert_string_equal(buf, "abc");
	ps_free(buf);
}

struct read_op {
	const char *path;
};

static int read_and_free(void *arg)
{
	const struct read_op *op = arg;
	char *buf = NULL;
	size_t len = 0;
	int rc = ps_file_read(op->path, PS_MEM_TEST, 100, &buf, &len, NULL);

	if (rc == PS_OK && (len != 3 || strcmp(buf, "xyz") != 0))
		rc = PS_EINVAL;
	ps_free(buf);
	return rc;
}

static void test_read_torture(void **state)
{
	struct fixture *fx = *state;
	struct read_op op = {write_file(fx, "xyz", 3)};

	/* one allocation: the first run fails it, the second succeeds */
	assert_int_equal(ps_mem_torture(read_and_free, &op, true), 2);
}

static void pos(const char *text, size_t off, unsigned line, unsigned col)
{
	unsigned l = 0, c = 0;

	ps_text_offset_pos(text, strlen(text), off, &l, &c);
	assert_int_equal(l, line);
	assert_int_equal(c, col);
}

static void test_offset_pos(void **state)
{
	/* bytes: a b \n | 磐(3-5) 石(6-8) x(9) \n(10) | z(11) */
	const char *t = "ab\n磐石x\nz";

	(void)state;
	pos(t, 0, 1, 1);
	pos(t, 1, 1, 2);
	pos(t, 2, 1, 3);   /* the newline itself ends line 1 */
	pos(t, 3, 2, 1);   /* 磐 */
	pos(t, 4, 2, 2);   /* inside 磐: counted once, at its lead byte */
	pos(t, 6, 2, 2);   /* 石 */
	pos(t, 9, 2, 3);   /* x */
	pos(t, 11, 3, 1);  /* z */
	pos(t, 12, 3, 2);  /* the end */
	pos(t, 500, 3, 2); /* past the end stops at the end */
	pos("", 3, 1, 1);
	pos("\n\n\n", 3, 4, 1);
}

/* What ps_csv_write_field writes for s. */
static void csv(const char *s, const char *want)
{
	FILE *f = tmpfile();
	char got[128];
	size_t n;

	assert_non_null(f);
	ps_csv_write_field(f, s);
	rewind(f);
	n = fread(got, 1, sizeof(got) - 1, f);
	got[n] = '\0';
	fclose(f);
	assert_string_equal(got, want);
}

static void test_csv_field(void **state)
{
	(void)state;
	csv("plain text", "plain text");
	csv("磐石", "磐石");
	csv("", "");
	csv(NULL, "");
	csv("a,b", "\"a,b\"");
	csv("say \"hi\"", "\"say \"\"hi\"\"\"");
	csv("\"", "\"\"\"\"");
	csv("a\rb", "\"a\rb\"");
	csv("a\nb", "\"a\nb\"");
	csv("a\r\nb,\"c\"", "\"a\r\nb,\"\"c\"\"\"");
	csv("tab\tsemi;colon", "tab\tsemi;colon");
}

/* Writers for ps_file_write_atomic: the text in arg, or a failure. */
static int put_text(void *arg, FILE *f, struct ps_diag *d)
{
	(void)d;
	return fputs(arg, f) < 0 ? PS_EIO : PS_OK;
}

static int put_then_fail(void *arg, FILE *f, struct ps_diag *d)
{
	(void)fputs(arg, f);
	ps_diag_set(d, "writer failed");
	return PS_EINVAL;
}

static void test_write_atomic(void **state)
{
	struct fixture *fx = *state;
	char tmp[256], *buf = NULL;
	struct ps_diag d;
	size_t len = 0;
	int err = 0;

	write_file(fx, "old", 3);
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", fx->path, (long)getpid());
	/* success replaces the file and leaves no temporary */
	assert_int_equal(ps_file_write_atomic(fx->path, put_text, "new", &err, &d), PS_OK);
	assert_int_equal(ps_file_read(fx->path, PS_MEM_TEST, 100, &buf, &len, &d), PS_OK);
	assert_string_equal(buf, "new");
	ps_free(buf);
	assert_int_equal(access(tmp, F_OK), -1);
	/* a failing writer keeps the old file and its message */
	assert_int_equal(ps_file_write_atomic(fx->path, put_then_fail, "half", &err, &d),
			 PS_EINVAL);
	assert_string_equal(d.msg, "writer failed");
	assert_int_equal(err, 0);
	assert_int_equal(ps_file_read(fx->path, PS_MEM_TEST, 100, &buf, &len, &d), PS_OK);
	assert_string_equal(buf, "new");
	ps_free(buf);
	assert_int_equal(access(tmp, F_OK), -1);
	/* a directory that does not exist: PS_EIO naming the path, errno kept */
	snprintf(tmp, sizeof(tmp), "%s/no/such/file", fx->dir);
	assert_int_equal(ps_file_write_atomic(tmp, put_text, "x", &err, &d), PS_EIO);
	assert_int_equal(err, ENOENT);
	assert_non_null(strstr(d.msg, "cannot write '"));
	assert_non_null(strstr(d.msg, "/no/such/file'"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_read_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_atomic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_directory, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_read_over_max, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_read_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_terminated, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_read_binary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_nomem, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_torture, setup,
						teardown),
		cmocka_unit_test(test_offset_pos),
		cmocka_unit_test(test_csv_field),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
