/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Display width of UTF-8 text for aligned terminal output in Chinese and
 * English, and a bounded edit distance for typo hints in config and policy
 * error messages.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"

/* East Asian Wide and Fullwidth ranges (Unicode UAX #11), coarse. */
static int wide(uint32_t cp)
{
	return (cp >= 0x1100 && cp <= 0x115f) ||
	       (cp >= 0x2e80 && cp <= 0xa4cf && cp != 0x303f) ||
	       (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
	       (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
	       (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x20000 && cp <= 0x3fffd);
}

size_t ps_text_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t w = 0;

	while (*p) {
		uint32_t cp = *p++;
		unsigned n = 0;

		if (cp >= 0xf0) {
			cp &= 0x07;
			n = 3;
		} else if (cp >= 0xe0) {
			cp &= 0x0f;
			n = 2;
		} else if (cp >= 0xc0) {
			cp &= 0x1f;
			n = 1;
		}
		for (; n > 0 && (*p & 0xc0) == 0x80; n--)
			cp = (cp << 6) | (*p++ & 0x3fu);
		w += wide(cp) ? 2 : 1;
	}
	return w;
}

size_t ps_text_edit_distance(const char *a, size_t la, const char *b)
{
	size_t lb = strlen(b), row[PS_TEXT_EDIT_MAX + 1];

	if (la > PS_TEXT_EDIT_MAX || lb > PS_TEXT_EDIT_MAX)
		return SIZE_MAX;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t best = diag + (a[i - 1] != b[j - 1]);

			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = row[j];
			row[j] = best;
		}
	}
	return row[lb];
}

const char *ps_text_suggest(const char *word, size_t len, ps_text_name_fn name_at,
			    const void *tab, size_t n)
{
	const char *best = NULL;
	size_t best_d = SIZE_MAX;

	for (size_t i = 0; i < n; i++) {
		const char *name = name_at(tab, i);
		size_t dist = ps_text_edit_distance(word, len, name);

		if (dist < best_d) {
			best_d = dist;
			best = name;
		}
	}
	if (best_d == 0 || best_d > 2 || best_d * 2 >= len + 1)
		return NULL;
	return best;
}

const char *ps_text_hint(const char *word, size_t len, ps_text_name_fn name_at,
			 const void *tab, size_t n, char *buf, size_t cap)
{
	const char *best = ps_text_suggest(word, len, name_at, tab, n);

	if (cap == 0)
		return buf;
	buf[0] = '\0';
	if (best != NULL)
		snprintf(buf, cap, "; did you mean '%s'?", best);
	return buf;
}

const char *ps_text_name_array(const void *tab, size_t i)
{
	return ((const char *const *)tab)[i];
}

const char *ps_text_shown(const char *s, size_t len, size_t max, char *buf, size_t cap)
{
	size_t n = len;

	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	snprintf(buf, cap, "%.*s%s", (int)n, s, n < len ? "..." : "");
	return buf;
}
