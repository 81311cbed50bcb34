/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Small text helpers shared by the CLI, the policy printer and the config
 * loader: terminal width of UTF-8 text (CJK counts two columns), and edit
 * distance for "did you mean" hints on unknown keys.
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

#endif
