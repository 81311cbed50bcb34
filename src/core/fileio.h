/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Small file and text helpers that several modules share: reading a whole
 * bounded file, writing a file atomically, turning a byte offset into a
 * line and column, and quoting one RFC 4180 CSV field.
 */
#ifndef PS_CORE_FILEIO_H
#define PS_CORE_FILEIO_H

#include <stddef.h>
#include <stdio.h>

#include "core/alloc.h"
#include "core/err.h"

/*
 * Read the whole regular file `path` into a new buffer allocated from `sub`
 * with a NUL after the last byte (the content itself may contain NULs);
 * *len excludes that NUL. The caller ps_free()s *out. *out and *len are
 * set only on success. Returns PS_ENOENT (no such file), PS_EIO (cannot
 * open, not a regular file, read error), PS_ELIMIT (larger than `max`
 * bytes) or PS_ENOMEM, with a message in `d` naming the file.
 * Thread-safe.
 */
int ps_file_read(const char *path, enum ps_mem_sub sub, size_t max, char **out,
		 size_t *len, struct ps_diag *d) PS_MUST_USE;

/* Writes the content of a file to `f`; returns PS_OK or an error (with `d`). */
typedef int (*ps_file_writer_fn)(void *arg, FILE *f, struct ps_diag *d);

/*
 * Write `path` so that readers never see half a file: fn writes into
 * "<path>.tmp.<pid>", which replaces `path` only when fn returned PS_OK and
 * the file was closed cleanly, and is removed otherwise. "-" means standard
 * output, written directly. Returns fn's error (its message kept in `d`) or
 * PS_EIO for a failed open, close or rename, with "cannot write 'path':
 * reason" in `d` and the errno in *sys_errno (may be NULL).
 */
int ps_file_write_atomic(const char *path, ps_file_writer_fn fn, void *arg,
			 int *sys_errno, struct ps_diag *d) PS_MUST_USE;

/*
 * 1-based line and column of byte `off` of `text` (`len` bytes), counting
 * columns in UTF-8 characters; an offset past the end stops at the end.
 * Used to place libyaml reader errors, which carry only an offset.
 */
void ps_text_offset_pos(const char *text, size_t len, size_t off,
			unsigned *line, unsigned *col);

/*
 * Write `s` as one CSV field (RFC 4180 section 2): quoted, with quotes
 * doubled, when it holds a comma, quote, CR or LF; as is otherwise. NULL
 * writes nothing (an empty field). No separator is written.
 */
void ps_csv_write_field(FILE *out, const char *s);

#endif
