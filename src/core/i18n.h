/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The message catalogue: every user-facing text of reports and the CLI in
 * Simplified Chinese (the default) and English, looked up by a numeric id
 * generated from the X-macro list in core/i18n_msgs.h.
 *
 * The current language is process-wide; set it once at start-up
 * (ps_i18n_from_env or ps_i18n_set_lang). Lookups are thread-safe and
 * return static strings that are never freed.
 */
#ifndef PS_CORE_I18N_H
#define PS_CORE_I18N_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include "core/err.h"

enum ps_lang {
	PS_LANG_ZH_CN, /* Simplified Chinese, the default */
	PS_LANG_EN,
	PS_LANG__COUNT
};

/* PS_MSG_<NAME> for every line of core/i18n_msgs.h, then PS_MSG__COUNT. */
enum ps_msg_id {
#define PS_MSG(id, en, zh) id,
#include "core/i18n_msgs.h"
#undef PS_MSG
	PS_MSG__COUNT
};

/* Set or read the current language (an unknown value is ignored). */
void ps_i18n_set_lang(enum ps_lang lang);
enum ps_lang ps_i18n_lang(void);

/*
 * Parse a language tag or locale name, case-insensitively: the language
 * part decides and a region, ".encoding" or "@modifier" is ignored, so
 * "zh", "zh-CN", "zh_CN.UTF-8" -> PS_LANG_ZH_CN and "en", "en-US",
 * "en_GB.UTF-8", "C", "POSIX" -> PS_LANG_EN. PS_EINVAL for NULL, "" or
 * anything else; `*out` is untouched then.
 */
int ps_lang_parse(const char *s, enum ps_lang *out) PS_MUST_USE;
/* "zh-CN" or "en" (BCP 47 tags). */
const char *ps_lang_name(enum ps_lang lang);

/*
 * Set the language from the PANSHI_LANG environment variable: zh-CN when
 * it is unset or empty. Returns PS_OK, or PS_EINVAL when the value is not
 * a language ps_lang_parse knows (zh-CN is set then; the caller may warn
 * with PS_MSG_ERR_BAD_LANG). Reads the environment: call it before
 * starting threads.
 */
int ps_i18n_from_env(void) PS_MUST_USE;

/* The text of `id` in the current language or in `lang`; "" for an id or
 * language out of range. Never NULL. */
const char *ps_tr(enum ps_msg_id id);
const char *ps_tr_lang(enum ps_msg_id id, enum ps_lang lang);
/*
 * printf with the text of `id` in the current language as the format, for
 * messages with conversions ("cannot open '%s': %s"). Callers cannot pass
 * ps_tr() to printf themselves under -Wformat=2 (the format is not a
 * literal); the compiler cannot check the arguments here either, so keep
 * them to what the message documents. ps_tr_fmt writes a NUL-terminated
 * string and returns PS_OK, or PS_ELIMIT when it was truncated.
 * ps_tr_fprintf returns what vfprintf returns.
 */
int ps_tr_fmt(char *buf, size_t len, enum ps_msg_id id, ...);
int ps_tr_vfmt(char *buf, size_t len, enum ps_msg_id id, va_list ap);
int ps_tr_fprintf(FILE *f, enum ps_msg_id id, ...);

/* The identifier of `id` as written in i18n_msgs.h ("PS_MSG_OK"), for
 * diagnostics; "" when out of range. */
const char *ps_msg_name(enum ps_msg_id id);

#endif
