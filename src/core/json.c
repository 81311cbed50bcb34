/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JSON strings of possibly invalid UTF-8 text: the CLI, the API, the
 * registry, incidents, intel and the audit trail all build them here.
 */
#include <string.h>
#include <jansson.h>

#include "core/core.h"
#include "core/json.h"

/* Length of the valid UTF-8 sequence at p (1-4), or 0 if it is invalid. */
static size_t utf8_seq(const unsigned char *p)
{
	size_t n = p[0] < 0x80 ? 1 : p[0] >= 0xc2 && p[0] <= 0xdf ? 2 :
		   p[0] >= 0xe0 && p[0] <= 0xef ? 3 : p[0] >= 0xf0 && p[0] <= 0xf4 ? 4 : 0;

	for (size_t i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	if ((n == 3 && p[0] == 0xe0 && p[1] < 0xa0) ||  /* overlong */
	    (n == 3 && p[0] == 0xed && p[1] >= 0xa0) || /* surrogate */
	    (n == 4 && p[0] == 0xf0 && p[1] < 0x90) ||  /* overlong */
	    (n == 4 && p[0] == 0xf4 && p[1] >= 0x90))   /* > U+10FFFF */
		return 0;
	return n;
}

json_t *ps_json_text(const char *s)
{
	json_t *j;
	struct ps_buf b;

	if (s == NULL)
		return json_null();
	if ((j = json_string(s)) != NULL)
		return j;
	ps_buf_init(&b, PS_MEM_CORE, 4 * strlen(s) + 1);
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t n = utf8_seq(p);

		if ((n ? ps_buf_add(&b, p, n) : ps_buf_addstr(&b, "\xef\xbf\xbd")) != PS_OK)
			break;
		p += n ? n : 1;
	}
	j = json_string(ps_buf_cstr(&b));
	ps_buf_release(&b);
	return j;
}
