/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JSON strings of possibly invalid UTF-8 text: the CLI, the API, the
 * registry, incidents, intel and the audit trail all build them here.
 */
#include <string.h>
#include <jansson.h>

#include "core/core.h"
#include "core/csv.h"
#include "core/json.h"

json_t *ps_json_text(const char *s)
{
	json_t *j;
	struct ps_buf b;
	size_t len, at = 0, bad;

	if (s == NULL)
		return json_null();
	if ((j = json_string(s)) != NULL)
		return j;
	/* the valid runs as they are, U+FFFD for each byte of a bad sequence */
	len = strlen(s);
	ps_buf_init(&b, PS_MEM_CORE, 3 * len + 1);
	while (at < len) {
		if (ps_csv_utf8_valid(s + at, len - at, &bad))
			bad = len - at;
		if (ps_buf_add(&b, s + at, bad) != PS_OK ||
		    (at + bad < len && ps_buf_addstr(&b, "\xef\xbf\xbd") != PS_OK))
			break;
		at += bad + 1;
	}
	j = at >= len ? json_string(ps_buf_cstr(&b)) : NULL;
	ps_buf_release(&b);
	return j;
}
