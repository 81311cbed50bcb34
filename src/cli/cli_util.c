/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Small helpers for commands: redacting secrets from store specs before
 * they are printed.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli_int.h"
#include "core/core.h"

/* postgresql://user:secret@host/db -> postgresql://user:***@host/db and
 * "host=x password=secret" -> "host=x password=***". */
void ps_cli_spec_redact(const char *spec, char *out, size_t outlen)
{
	const char *scheme = strstr(spec, "://");
	const char *pw;

	snprintf(out, outlen, "%s", spec);
	if (scheme != NULL) {
		const char *auth = scheme + 3;
		const char *at = strchr(auth, '@');
		const char *colon = strchr(auth, ':');

		if (at != NULL && colon != NULL && colon < at)
			snprintf(out, outlen, "%.*s:***%s", (int)(colon - spec), spec, at);
		return;
	}
	pw = strstr(spec, "password=");
	if (pw != NULL) {
		const char *end = strchr(pw, ' ');

		snprintf(out, outlen, "%.*spassword=***%s", (int)(pw - spec), spec,
			 end ? end : "");
	}
}
