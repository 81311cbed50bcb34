/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internals shared by the bulk import files: collecting errors and notes,
 * building rows and checking their keys, as bulk.c implements them for
 * the CSV reader (bulk_csv.c) and the YAML reader (bulk_yaml.c).
 */
#ifndef PS_REGISTRY_BULK_INT_H
#define PS_REGISTRY_BULK_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "registry/bulk.h"

/* Longest text quoted back in a message. */
#define PS_REG_BULK_SHOW_MAX 60

/* Record an error (counted; kept while fewer than ERRORS_MAX). Returns PS_EINVAL,
 * or PS_ENOMEM when the message could not be kept. */
int ps_reg_bulk_errorf(struct ps_reg_bulk *b, const char *fmt, ...) PS_PRINTF(2, 3);
int ps_reg_bulk_notef(struct ps_reg_bulk *b, const char *fmt, ...) PS_PRINTF(2, 3);
/* Record "<file>:<line>[:<col>]: <msg>". Returns PS_EINVAL (or PS_ENOMEM). */
int ps_reg_bulk_error_at_pos(struct ps_reg_bulk *b, const char *file,
			     struct ps_reg_bulk_pos at, const char *fmt, ...) PS_PRINTF(4, 5);
/* A copy of `name` kept by b for rows to borrow; NULL on PS_ENOMEM/PS_ELIMIT. */
const char *ps_reg_bulk_file_add(struct ps_reg_bulk *b, const char *name);

/* A new empty row of kind k (pos allocated when with_pos); PS_OK or PS_ENOMEM. */
int ps_reg_bulk_row_init(struct ps_reg_bulk_row *row, const struct ps_reg_kind *k,
			 const char *file, struct ps_reg_bulk_pos at, bool with_pos) PS_MUST_USE;
void ps_reg_bulk_row_release(struct ps_reg_bulk_row *row);
/* Set field i (-2: the key) of the row from len bytes; empty = NULL. */
int ps_reg_bulk_row_set(struct ps_reg_bulk_row *row, int i, const char *p,
			size_t len) PS_MUST_USE;
/*
 * Take the row into b: an empty or repeated key is recorded as an error
 * and the row released (PS_EINVAL); PS_OK, PS_ENOMEM, PS_ELIMIT. The row
 * struct is consumed either way.
 */
int ps_reg_bulk_row_add(struct ps_reg_bulk *b, struct ps_reg_bulk_row *row) PS_MUST_USE;

/* At most PS_REG_BULK_SHOW_MAX bytes of s (cut on a UTF-8 boundary), "..." if cut. */
const char *ps_reg_bulk_shown(const char *s, size_t len, char *buf, size_t cap);
/* "; did you mean 'x'?" for a likely typo of a field name of k (or "key"), else "". */
const char *ps_reg_bulk_hint(const struct ps_reg_kind *k, const char *word, size_t len,
			     char *buf, size_t cap);
/* Field index of `name` in k as ps_reg_field_find, also ASCII case-insensitively. */
int ps_reg_bulk_field_find(const struct ps_reg_kind *k, const char *name, size_t len);

#endif
