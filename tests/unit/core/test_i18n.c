/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for the message catalogue: every message has both texts,
 * valid UTF-8 and the same printf conversions in both languages; language
 * tags parse; PANSHI_LANG selects the language with zh-CN as the default.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/core.h"

/* Strict UTF-8 (no overlongs, surrogates or code points past U+10FFFF). */
static int utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p != 0) {
		unsigned c = *p, n, cp;

		if (c < 0x80) {
			p++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			n = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3, cp = c & 0x07;
		else
			return 0;
		for (unsigned i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		p += n + 1;
	}
	return 1;
}

/*
 * The printf conversions of a format, e.g. "cannot open '%s': %s" -> "s s",
 * flags, width, precision and length included ("%-10llu" -> "-10llu");
 * "%%" is skipped. Positional "%1$s" arguments are not allowed.
 */
static void conversions(const char *fmt, char *out, size_t outlen)
{
	size_t o = 0;

	out[0] = '\0';
	for (const char *p = fmt; *p != '\0'; p++) {
		size_t n;

		if (*p != '%')
			continue;
		if (p[1] == '%') {
			p++;
			continue;
		}
		n = strspn(p + 1, "-+ #0123456789.*hlLqjzt");
		assert_true(p[1 + n] != '\0');
		assert_null(memchr(p + 1, '$', n + 1));
		assert_true(o + n + 3 < outlen);
		memcpy(out + o, p + 1, n + 1);
		o += n + 1;
		out[o++] = ' ';
		out[o] = '\0';
		p += n + 1;
	}
}

static void test_catalogue_complete(void **state)
{
	(void)state;
	assert_true(PS_MSG__COUNT >= 20);
	for (int id = 0; id < PS_MSG__COUNT; id++) {
		const char *en = ps_tr_lang((enum ps_msg_id)id, PS_LANG_EN);
		const char *zh = ps_tr_lang((enum ps_msg_id)id, PS_LANG_ZH_CN);
		const char *name = ps_msg_name((enum ps_msg_id)id);
		char ce[128], cz[128];

		assert_non_null(en);
		assert_non_null(zh);
		if (en[0] == '\0' || zh[0] == '\0')
			fail_msg("%s: a text is empty", name);
		assert_int_equal(strncmp(name, "PS_MSG_", 7), 0);
		if (!utf8_valid(en) || !utf8_valid(zh))
			fail_msg("%s: not valid UTF-8", name);
		for (const char *p = en; *p != '\0'; p++) {
			if ((unsigned char)*p >= 0x80)
				fail_msg("%s: English text is not ASCII", name);
		}
		conversions(en, ce, sizeof(ce));
		conversions(zh, cz, sizeof(cz));
		if (strcmp(ce, cz) != 0)
			fail_msg("%s: conversions differ: en '%s' zh '%s'", name,
				 ce, cz);
	}
}

static void test_lookup(void **state)
{
	char buf[128];

	(void)state;
	assert_string_equal(ps_tr_lang(PS_MSG_STATUS_TITLE, PS_LANG_ZH_CN), "磐石状态");
	assert_string_equal(ps_tr_lang(PS_MSG_STATUS_TITLE, PS_LANG_EN), "Panshi status");
	assert_string_equal(ps_msg_name(PS_MSG_STATUS_TITLE), "PS_MSG_STATUS_TITLE");
	ps_i18n_set_lang(PS_LANG_EN);
	assert_int_equal(ps_i18n_lang(), PS_LANG_EN);
	assert_string_equal(ps_tr(PS_MSG_YES), "yes");
	ps_i18n_set_lang(PS_LANG_ZH_CN);
	assert_string_equal(ps_tr(PS_MSG_YES), "是");
	ps_i18n_set_lang((enum ps_lang)42); /* ignored */
	assert_int_equal(ps_i18n_lang(), PS_LANG_ZH_CN);
	/* out of range */
	assert_string_equal(ps_tr(PS_MSG__COUNT), "");
	assert_string_equal(ps_tr((enum ps_msg_id)-1), "");
	assert_string_equal(ps_tr_lang(PS_MSG_OK, PS_LANG__COUNT), "");
	assert_string_equal(ps_msg_name(PS_MSG__COUNT), "");
	/* a format used through the current language */
	assert_int_equal(ps_tr_fmt(buf, sizeof(buf), PS_MSG_ERR_CANNOT_OPEN,
				   "x.yaml", "no such file"), PS_OK);
	assert_string_equal(buf, "无法打开“x.yaml”：no such file");
	ps_i18n_set_lang(PS_LANG_EN);
	assert_int_equal(ps_tr_fmt(buf, sizeof(buf), PS_MSG_ERR_CANNOT_OPEN,
				   "x.yaml", "no such file"), PS_OK);
	assert_string_equal(buf, "cannot open 'x.yaml': no such file");
	/* truncation is reported, the result is still terminated */
	assert_int_equal(ps_tr_fmt(buf, 8, PS_MSG_ERR_CANNOT_OPEN, "x.yaml",
				   "no such file"), PS_ELIMIT);
	assert_string_equal(buf, "cannot ");
	assert_int_equal(ps_tr_fmt(buf, 0, PS_MSG_OK), PS_ELIMIT);
	ps_i18n_set_lang(PS_LANG_ZH_CN);
	{
		FILE *f = tmpfile();
		char line[64] = "";

		assert_non_null(f);
		assert_true(ps_tr_fprintf(f, PS_MSG_GENERATED_AT,
					  "2026-11-21T18:00:00+08:00") > 0);
		rewind(f);
		assert_non_null(fgets(line, sizeof(line), f));
		assert_string_equal(line, "生成时间：2026-11-21T18:00:00+08:00");
		fclose(f);
	}
	assert_string_equal(ps_lang_name(PS_LANG_ZH_CN), "zh-CN");
	assert_string_equal(ps_lang_name(PS_LANG_EN), "en");
}

static void test_lang_parse(void **state)
{
	static const struct {
		const char *s;
		int rc;
		enum ps_lang lang;
	} cases[] = {
		{"zh-CN", PS_OK, PS_LANG_ZH_CN},
		{"zh", PS_OK, PS_LANG_ZH_CN},
		{"zh_CN.UTF-8", PS_OK, PS_LANG_ZH_CN},
		{"ZH_cn.utf8", PS_OK, PS_LANG_ZH_CN},
		{"zh-Hans-CN", PS_OK, PS_LANG_ZH_CN},
		{"en", PS_OK, PS_LANG_EN},
		{"en-US", PS_OK, PS_LANG_EN},
		{"en_GB.UTF-8", PS_OK, PS_LANG_EN},
		{"EN", PS_OK, PS_LANG_EN},
		{"C", PS_OK, PS_LANG_EN},
		{"C.UTF-8", PS_OK, PS_LANG_EN},
		{"POSIX", PS_OK, PS_LANG_EN},
		{"", PS_EINVAL, PS_LANG_ZH_CN},
		{"-CN", PS_EINVAL, PS_LANG_ZH_CN},
		{"fr", PS_EINVAL, PS_LANG_ZH_CN},
		{"fr_FR.UTF-8", PS_EINVAL, PS_LANG_ZH_CN},
		{"zhx", PS_EINVAL, PS_LANG_ZH_CN},
		{"eng", PS_EINVAL, PS_LANG_ZH_CN},
		{"Cx", PS_EINVAL, PS_LANG_ZH_CN},
		{"中文", PS_EINVAL, PS_LANG_ZH_CN},
	};

	(void)state;
	for (size_t i = 0; i < PS_ARRAY_LEN(cases); i++) {
		enum ps_lang l = (enum ps_lang)77;
		int rc = ps_lang_parse(cases[i].s, &l);

		if (rc != cases[i].rc)
			fail_msg("'%s': got %d", cases[i].s, rc);
		if (rc == PS_OK)
			assert_int_equal(l, cases[i].lang);
		else
			assert_int_equal(l, 77); /* untouched */
	}
	assert_int_equal(ps_lang_parse(NULL, NULL), PS_EINVAL);
}

static void test_from_env(void **state)
{
	(void)state;
	ps_i18n_set_lang(PS_LANG_EN);
	assert_int_equal(unsetenv("PANSHI_LANG"), 0);
	assert_int_equal(ps_i18n_from_env(), PS_OK);
	assert_int_equal(ps_i18n_lang(), PS_LANG_ZH_CN);

	assert_int_equal(setenv("PANSHI_LANG", "en_US.UTF-8", 1), 0);
	assert_int_equal(ps_i18n_from_env(), PS_OK);
	assert_int_equal(ps_i18n_lang(), PS_LANG_EN);
	assert_string_equal(ps_tr(PS_MSG_STATUS_TITLE), "Panshi status");

	assert_int_equal(setenv("PANSHI_LANG", "", 1), 0);
	assert_int_equal(ps_i18n_from_env(), PS_OK);
	assert_int_equal(ps_i18n_lang(), PS_LANG_ZH_CN);

	ps_i18n_set_lang(PS_LANG_EN);
	assert_int_equal(setenv("PANSHI_LANG", "klingon", 1), 0);
	assert_int_equal(ps_i18n_from_env(), PS_EINVAL);
	assert_int_equal(ps_i18n_lang(), PS_LANG_ZH_CN);
	assert_string_equal(ps_tr(PS_MSG_STATUS_TITLE), "磐石状态");

	assert_int_equal(setenv("PANSHI_LANG", "zh", 1), 0);
	assert_int_equal(ps_i18n_from_env(), PS_OK);
	assert_int_equal(ps_i18n_lang(), PS_LANG_ZH_CN);
	assert_int_equal(unsetenv("PANSHI_LANG"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_catalogue_complete),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_lang_parse),
		cmocka_unit_test(test_from_env),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
