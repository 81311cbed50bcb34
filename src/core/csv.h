/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A generic RFC 4180 CSV reader over bytes in memory, with the physical
 * line each record starts on so importers can name the line of a bad row,
 * plus the character-set helpers spreadsheet files need (UTF-8 checking,
 * GBK/GB18030 to and from UTF-8 through iconv) and a buffered field writer.
 *
 * What the reader accepts (RFC 4180 section 2, and what spreadsheets write):
 *  - fields separated by `sep` (',' unless set), records ended by CRLF, LF
 *    or a lone CR; the last record may lack a line end;
 *  - quoted fields with doubled quotes ("a ""b"""), which may hold the
 *    separator and line ends; a CRLF or lone CR inside quotes is read as LF;
 *  - blanks (space, tab) between a separator and an opening quote, or a
 *    closing quote and the next separator, are ignored; any other byte
 *    after a closing quote is an error;
 *  - a quote inside an unquoted field is an ordinary byte (a"b);
 *  - an optional UTF-8 byte-order mark at the very start;
 *  - empty lines (no bytes at all) are skipped, they are not records.
 * Records are not required to have the same number of fields: that is the
 * caller's rule (it knows the header).
 */
#ifndef PS_CORE_CSV_H
#define PS_CORE_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/vec.h"

#define PS_CSV_FIELDS_MAX 1024           /* fields in one record */
#define PS_CSV_RECORD_MAX (1024 * 1024)  /* unescaped bytes in one record */

/* One field of the current record: NUL-terminated (it may hold NULs). */
struct ps_csv_field {
	const char *p;
	size_t len;
	bool quoted; /* written in quotes (so "" is an empty string, not nothing) */
};

/*
 * Reader state. Invariants: off <= len; `line` is the physical line of
 * p[off]; fields[0..nf) point into `work` and stay valid until the next
 * ps_csv_next() or ps_csv_release(). Not thread-safe.
 */
struct ps_csv {
	const char *p;       /* the input, borrowed */
	size_t len;
	size_t off;
	unsigned line;       /* 1-based */
	char sep;
	const char *name;    /* for messages, borrowed */
	/* the current record */
	unsigned rec_line;   /* line the record starts on */
	struct ps_csv_field *fields;
	size_t nf;
	struct ps_buf work;  /* field bytes, each followed by a NUL */
	struct ps_vec offs;  /* size_t: offset of each field in work */
	struct ps_vec meta;  /* struct ps_csv_field scratch (len, quoted) */
};

/*
 * Read the `len` bytes at `p` (borrowed, must outlive the reader) as CSV.
 * `name` (borrowed, may be NULL) prefixes messages: "units.csv:7: ...".
 * No allocation happens here.
 */
void ps_csv_init(struct ps_csv *c, enum ps_mem_sub sub, const char *name,
		 const char *p, size_t len);
/* Use `sep` instead of ',' (e.g. ';' or '\t'); before the first ps_csv_next. */
void ps_csv_sep_set(struct ps_csv *c, char sep);
/*
 * Read the next record into c->fields / c->nf / c->rec_line. Returns
 * PS_OK, PS_EOF (no more records), PS_EPROTO (a quote that never closes,
 * or text after a closing quote), PS_ELIMIT (more than PS_CSV_FIELDS_MAX
 * fields or PS_CSV_RECORD_MAX bytes) or PS_ENOMEM, with a message naming
 * the line in `d`. After an error the reader is at EOF.
 */
int ps_csv_next(struct ps_csv *c, struct ps_diag *d) PS_MUST_USE;
/* Free the reader's memory (not the input). */
void ps_csv_release(struct ps_csv *c);

/*
 * Whether p[0..len) is well-formed UTF-8 (no overlong forms, surrogates
 * or code points above U+10FFFF). On false, *bad (if not NULL) is the
 * offset of the first byte of the first bad sequence. Thread-safe.
 */
bool ps_csv_utf8_valid(const char *p, size_t len, size_t *bad);

/*
 * Convert p[0..len) between `from` and `to`, iconv names such as "UTF-8",
 * "GBK", "GB18030". *out is a new NUL-terminated buffer from `sub` (the
 * caller ps_free()s it), *out_len its length without the NUL. Returns
 * PS_OK, PS_EINVAL (the input is not valid in `from`, or a character has
 * no code in `to`; *bad gets its offset in the input), PS_EUNSUP (iconv
 * does not know the pair) or PS_ENOMEM. Thread-safe.
 */
int ps_csv_iconv(const char *from, const char *to, const char *p, size_t len,
		 enum ps_mem_sub sub, char **out, size_t *out_len,
		 size_t *bad) PS_MUST_USE;

/*
 * Append `s` (NULL = empty) as one CSV field to `b`: quoted, quotes
 * doubled, when it holds `sep`, a quote, CR or LF, or starts or ends with
 * a blank (which the reader would otherwise drop next to quotes); as is
 * otherwise. No separator is written. PS_OK, PS_ELIMIT, PS_ENOMEM.
 */
int ps_csv_buf_field(struct ps_buf *b, const char *s, char sep) PS_MUST_USE;

#endif
