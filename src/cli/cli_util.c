/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Small helpers for commands: redacting secrets from store specs before
 * they are printed in status lines or error messages.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli_int.h"
#include "core/core.h"

/* Append n bytes of s to out (size cap, used *len), always terminated. */
static void put(char *out, size_t cap, size_t *len, const char *s, size_t n)
{
	if (*len + 1 >= cap)
		return;
	if (n > cap - 1 - *len)
		n = cap - 1 - *len;
	memcpy(out + *len, s, n);
	*len += n;
	out[*len] = '\0';
}

/* End of a conninfo value at p: quoted ('...' with \' escapes) or bare. */
static const char *conninfo_value_end(const char *p)
{
	if (*p != '\'') {
		while (*p && *p != ' ' && *p != '\t')
			p++;
		return p;
	}
	for (p++; *p && *p != '\''; p++)
		if (*p == '\\' && p[1] != '\0')
			p++;
	return *p ? p + 1 : p;
}

/* Every "password=" value, in a conninfo string or a URI's query. */
static void redact_params(const char *s, bool uri, char *out, size_t cap, size_t *len)
{
	const char *p = s;

	while (*p) {
		const char *hit = strstr(p, "password=");
		bool at_start = hit != NULL && (hit == s || hit[-1] == ' ' ||
						hit[-1] == '\t' || hit[-1] == '?' ||
						hit[-1] == '&');

		if (hit == NULL) {
			put(out, cap, len, p, strlen(p));
			return;
		}
		put(out, cap, len, p, (size_t)(hit - p) + 9);
		if (!at_start) {
			p = hit + 9;
			continue;
		}
		put(out, cap, len, "***", 3);
		p = hit + 9;
		if (uri)
			p += strcspn(p, "&#");
		else
			p = conninfo_value_end(p);
	}
}

/*
 * postgresql://user:secret@host/db?password=x -> postgresql://user:***@host/db?password=***
 * and host=x password='a b' -> host=x password=***.
 */
void ps_cli_spec_redact(const char *spec, char *out, size_t outlen)
{
	const char *scheme = strstr(spec, "://");
	size_t len = 0;

	if (outlen == 0)
		return;
	out[0] = '\0';
	if (scheme == NULL) {
		redact_params(spec, false, out, outlen, &len);
		return;
	}
	const char *auth = scheme + 3;
	size_t auth_len = strcspn(auth, "/?#");
	const char *at = memchr(auth, '@', auth_len);
	const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;

	if (colon != NULL) {
		put(out, outlen, &len, spec, (size_t)(colon - spec) + 1);
		put(out, outlen, &len, "***", 3);
		redact_params(at, true, out, outlen, &len);
	} else {
		redact_params(spec, true, out, outlen, &len);
	}
}
