/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Small helpers for commands: redacting secrets from store specs before
 * they are printed in status lines or error messages, and the digest key
 * that records a loaded file.
 */
#include <errno.h>
#include <stdint.h>
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

int ps_cli_file_key(const char *path, const char *what, char *key, size_t keylen,
		    struct ps_diag *d)
{
	struct ps_sm3_ctx ctx;
	uint8_t buf[1 << 16], md[PS_SM3_LEN];
	char hex[2 * PS_SM3_LEN + 1];
	size_t n;
	FILE *f = fopen(path, "rb");
	int rc;

	if (f == NULL) {
		ps_diag_set(d, "cannot open '%s': %s", path, strerror(errno));
		return PS_EIO;
	}
	rc = ps_sm3_init(&ctx);
	while (rc == PS_OK && (n = fread(buf, 1, sizeof(buf), f)) > 0)
		rc = ps_sm3_update(&ctx, buf, n);
	if (rc == PS_OK && ferror(f)) {
		ps_diag_set(d, "cannot read '%s': %s", path, strerror(errno));
		rc = PS_EIO;
	}
	fclose(f);
	if (rc == PS_OK)
		rc = ps_sm3_final(&ctx, md);
	ps_sm3_release(&ctx);
	if (rc == PS_OK)
		rc = ps_hex_encode(md, sizeof(md), hex, sizeof(hex));
	if (rc == PS_OK)
		snprintf(key, keylen, "%s.sm3.%s", what, hex);
	else if (!d->msg[0])
		ps_diag_set(d, "cannot hash '%s': %s", path, ps_strerror(rc));
	return rc;
}
