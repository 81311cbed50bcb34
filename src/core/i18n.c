/* SPDX-License-Identifier: Apache-2.0 */
/*
 * String tables of the message catalogue, generated from core/i18n_msgs.h,
 * and the process-wide language setting used by reports and the CLI.
 */
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/core.h"

/* Every message needs both texts: an empty one fails the build here. */
#define PS_MSG(id, en, zh)                                                   \
	_Static_assert(sizeof(en) > 1 && sizeof(zh) > 1,                     \
		       #id ": both the English and the Chinese text are required");
#include "core/i18n_msgs.h"
#undef PS_MSG

static const char *const texts[PS_LANG__COUNT][PS_MSG__COUNT] = {
	[PS_LANG_ZH_CN] = {
#define PS_MSG(id, en, zh) [id] = zh,
#include "core/i18n_msgs.h"
#undef PS_MSG
	},
	[PS_LANG_EN] = {
#define PS_MSG(id, en, zh) [id] = en,
#include "core/i18n_msgs.h"
#undef PS_MSG
	},
};

static const char *const names[PS_MSG__COUNT] = {
#define PS_MSG(id, en, zh) [id] = #id,
#include "core/i18n_msgs.h"
#undef PS_MSG
};

/* Relaxed is enough: the value is an index into constant tables. */
static _Atomic int cur_lang = PS_LANG_ZH_CN;

void ps_i18n_set_lang(enum ps_lang lang)
{
	if ((unsigned)lang < PS_LANG__COUNT)
		atomic_store_explicit(&cur_lang, (int)lang, memory_order_relaxed);
}

enum ps_lang ps_i18n_lang(void)
{
	return (enum ps_lang)atomic_load_explicit(&cur_lang, memory_order_relaxed);
}

const char *ps_lang_name(enum ps_lang lang)
{
	return lang == PS_LANG_EN ? "en" : "zh-CN";
}

int ps_lang_parse(const char *s, enum ps_lang *out)
{
	size_t n;

	if (s == NULL)
		return PS_EINVAL;
	/* the language subtag ends at a region, encoding or modifier */
	n = strcspn(s, "-_.@");
	if (n == 0)
		return PS_EINVAL;
	if (n == 2 && strncasecmp(s, "zh", 2) == 0) {
		*out = PS_LANG_ZH_CN;
		return PS_OK;
	}
	if ((n == 2 && strncasecmp(s, "en", 2) == 0) ||
	    (n == 1 && (s[0] == 'C' || s[0] == 'c')) ||
	    (n == 5 && strncasecmp(s, "POSIX", 5) == 0)) {
		*out = PS_LANG_EN;
		return PS_OK;
	}
	return PS_EINVAL;
}

int ps_i18n_from_env(void)
{
	const char *v = getenv("PANSHI_LANG");
	enum ps_lang lang = PS_LANG_ZH_CN;
	int rc = PS_OK;

	if (v != NULL && v[0] != '\0')
		rc = ps_lang_parse(v, &lang);
	ps_i18n_set_lang(rc == PS_OK ? lang : PS_LANG_ZH_CN);
	return rc;
}

const char *ps_tr_lang(enum ps_msg_id id, enum ps_lang lang)
{
	if ((unsigned)id >= PS_MSG__COUNT || (unsigned)lang >= PS_LANG__COUNT)
		return "";
	return texts[lang][id];
}

const char *ps_tr(enum ps_msg_id id)
{
	return ps_tr_lang(id, ps_i18n_lang());
}

/*
 * The formats come from the catalogue, not from input, and the test checks
 * that both languages share their conversions: the warning about a
 * non-literal format is expected here and only here.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
int ps_tr_vfmt(char *buf, size_t len, enum ps_msg_id id, va_list ap)
{
	int n;

	if (buf == NULL || len == 0)
		return PS_ELIMIT;
	n = vsnprintf(buf, len, ps_tr(id), ap);
	if (n < 0) {
		buf[0] = '\0';
		return PS_EINVAL;
	}
	return (size_t)n < len ? PS_OK : PS_ELIMIT;
}

int ps_tr_fprintf(FILE *f, enum ps_msg_id id, ...)
{
	va_list ap;
	int n;

	va_start(ap, id);
	n = vfprintf(f, ps_tr(id), ap);
	va_end(ap);
	return n;
}
#pragma GCC diagnostic pop

int ps_tr_fmt(char *buf, size_t len, enum ps_msg_id id, ...)
{
	va_list ap;
	int rc;

	va_start(ap, id);
	rc = ps_tr_vfmt(buf, len, id, ap);
	va_end(ap);
	return rc;
}

const char *ps_msg_name(enum ps_msg_id id)
{
	return (unsigned)id < PS_MSG__COUNT ? names[id] : "";
}
