/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Small text helpers shared by the CLI, the policy printer and the config
 * loader: terminal width of UTF-8 text (CJK counts two columns), edit
 * distance and "did you mean" hints on unknown keys, and quoting a bounded
 * excerpt of bad input in a message.
 */
#ifndef PS_CORE_TEXT_H
#define PS_CORE_TEXT_H

#include <stddef.h>

/*
 * Terminal columns of NUL-terminated UTF-8 text: East Asian wide and
 * fullwidth code points count two, everything else one (malformed bytes
 * count one each). Thread-safe.
 */
size_t ps_text_width(const char *s);

/* Maximum string length ps_text_edit_distance compares. */
#define PS_TEXT_EDIT_MAX 64

/*
 * Levenshtein distance between a[0..la) and NUL-terminated b, byte-wise;
 * SIZE_MAX when either is longer than PS_TEXT_EDIT_MAX. No allocation.
 */
size_t ps_text_edit_distance(const char *a, size_t la, const char *b);

/* The i-th of a list of names (for hints over any table). */
typedef const char *(*ps_text_name_fn)(const void *tab, size_t i);

/*
 * The closest of the n names to word[0..len) when it is a plausible typo:
 * 1 or 2 edits, and fewer edits than half the word's length (so "ab" never
 * suggests "cd"). NULL otherwise, and for an exact match.
 */
const char *ps_text_suggest(const char *word, size_t len, ps_text_name_fn name_at,
			    const void *tab, size_t n);
/* buf = "; did you mean 'x'?" for ps_text_suggest's answer, else "". Returns buf. */
const char *ps_text_hint(const char *word, size_t len, ps_text_name_fn name_at,
			 const void *tab, size_t n, char *buf, size_t cap);
/* name_at for a plain array of strings: tab is `const char *const *`. */
const char *ps_text_name_array(const void *tab, size_t i);

/*
 * An excerpt of s[0..len) fit to quote in a message: at most `max` bytes,
 * cut back to a UTF-8 boundary, with "..." when something was cut. Written
 * to buf (cap bytes, always NUL-terminated) and returned.
 */
const char *ps_text_shown(const char *s, size_t len, size_t max, char *buf, size_t cap);

#endif
