/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Bulk import and export of registry records: CSV files (one kind per
 * file, as operators keep them in spreadsheets) and YAML documents (every
 * kind in one file), read and checked completely before anything is
 * written, then applied in one store transaction or not at all; plus the
 * filing-table export in the layout of the 网络单元备案 table.
 *
 * ---- Formats ------------------------------------------------------------
 *
 * YAML (.yaml, .yml): one document, a mapping:
 *
 *     panshi_registry: 1            # format version, required
 *     operators:                    # a section per kind, named by its
 *       - key: OP-1                 # plural (operators, depts, persons,
 *         name: 示例通信有限公司       # units, unit_changes, assets, ...)
 *         type: basic_telecom
 *     units:
 *       - {key: U-1, operator: OP-1, 网络单元名称: 核心网, type: idc, level: 3}
 *
 *   - A section is a list of mappings, one per record, field -> scalar.
 *     Fields are named as in kinds.c or by their Chinese header (名称,
 *     安全防护级别, ...); `key` (or 编号) is required in every record:
 *     stable keys are how records, files and spreadsheets refer to each
 *     other. The singular ("unit") and the Chinese kind name (网络单元)
 *     are accepted as section names too.
 *   - Sections may come in any order and may refer to records defined
 *     later in the file; they are applied in dependency order (kinds.c).
 *   - A field given as null (`~`, `null`, nothing) or "" is cleared. A
 *     field that is not written keeps its stored value when the record
 *     exists already (and is empty when it is new).
 *   - Every value is read as text exactly as written (`level: 3`,
 *     `dns_licence: true`, `key: 001` are the strings "3", "true", "001").
 *   - Errors, all with file:line:column: unknown sections or fields (with
 *     a "did you mean" hint), a field given twice, a key given twice in
 *     the import, aliases and anchors' reuse, lists or mappings as
 *     values, a missing or unknown format version, several documents.
 *
 * CSV (.csv, RFC 4180): one kind per file.
 *   - Quoted fields, doubled quotes, line ends inside quotes, CRLF or LF,
 *     an optional UTF-8 byte-order mark (see core/csv.h).
 *   - The first record is the header: field names or Chinese headers, and
 *     a `key` (or 编号) column, required. Unknown or repeated columns are
 *     errors naming the column; a column with an empty header is ignored
 *     as long as it holds nothing. Columns not in the file keep their
 *     stored values on update; an empty cell clears the field.
 *   - The kind is --kind, else the file's base name: units.csv, unit.csv,
 *     网络单元.csv.
 *   - Unquoted cells are trimmed of spaces and tabs; quoted cells are
 *     kept as written. Rows whose cells are all empty are skipped
 *     (spreadsheets write them); every other row must have as many cells
 *     as the header.
 *   - Encoding: UTF-8; bytes that are not valid UTF-8 are read as GB18030
 *     (a superset of GBK, what older Chinese Excel writes) and a note says
 *     so. --encoding utf-8|gbk|gb18030 forces one (gbk reads as GB18030).
 *     YAML files go through the same check.
 *   - Spreadsheet formulas: cells that start with = + - @, a tab or a CR
 *     are run as formulas by Excel and LibreOffice when the file is
 *     opened (CSV injection). CSV exports therefore write such values, and
 *     values starting with an apostrophe, with one more apostrophe in
 *     front ("'=1+2", "'+86 10 1234", "''x"), which spreadsheets show as
 *     text; on import a cell starting with an apostrophe followed by one
 *     of those characters (or a second apostrophe) loses the first
 *     apostrophe. Export and import are therefore exact inverses. Turn the
 *     prefix off with --no-excel-safe for programs that are not
 *     spreadsheets (a value "'=x" then comes back as "=x").
 *   - A directory imports every *.csv, *.yaml and *.yml in it (not
 *     recursively), all in one transaction.
 *
 * All or nothing: every file is parsed, every record is checked
 * (ps_reg_validate on the stored record merged with the file's fields,
 * and every reference must name a record in the store or in the import),
 * and every error is collected (the first PS_REG_BULK_ERRORS_MAX are
 * kept), as
 *     units.csv:7: field 'level' (安全防护级别): 6 is above the highest level 5 (policy protection.level.max)
 * where the line is the one the CSV record starts on, or the YAML line
 * and column of the field (else of the record). Only without any error
 * are the records applied, in one transaction, with ps_reg_upsert:
 * inserted when the key is new, updated when it exists and differs,
 * skipped ("unchanged") when the merged record equals the stored one.
 * Records of one kind that refer to each other (a department's parent)
 * are applied parents first; a cycle is an error.
 *
 * Export: YAML of every kind (or one), or CSV of one kind, or a
 * directory with <plural>.csv (or .yaml) per kind, header-only for empty
 * kinds so they serve as templates. Exports re-import to identical
 * records. YAML leaves out empty fields.
 *
 * Threads: a struct ps_reg_bulk belongs to one thread; the functions
 * keep no global state.
 */
#ifndef PS_REGISTRY_BULK_H
#define PS_REGISTRY_BULK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/err.h"
#include "core/hashmap.h"
#include "core/vec.h"
#include "registry/registry.h"

#define PS_REG_BULK_ERRORS_MAX 100          /* errors kept (all are counted) */
#define PS_REG_BULK_FILE_MAX (64u << 20)    /* bytes per imported file */
#define PS_REG_BULK_ROWS_MAX 1000000        /* records per import */
#define PS_REG_BULK_FILES_MAX 256           /* files per import */
#define PS_REG_BULK_KINDS_MAX 64            /* >= ps_reg_kind_count() */

enum ps_reg_bulk_fmt {
	PS_REG_BULK_AUTO, /* from the file name */
	PS_REG_BULK_CSV,
	PS_REG_BULK_YAML,
};

enum ps_reg_enc {
	PS_REG_ENC_AUTO,    /* UTF-8, else GB18030 with a note (import only) */
	PS_REG_ENC_UTF8,
	PS_REG_ENC_GBK,     /* import: read as GB18030; export: strict GBK */
	PS_REG_ENC_GB18030,
};

/* "utf-8" (or "utf8"), "gbk", "gb18030", "auto" (case-insensitive). */
int ps_reg_enc_parse(const char *s, enum ps_reg_enc *out) PS_MUST_USE;

/* Where something is in an input file; 0 = unknown. */
struct ps_reg_bulk_pos {
	unsigned line, col;
};

/*
 * One record of the input. `rec` holds the key and the values the file
 * gives; given[i] tells whether field i was in the file at all (a CSV
 * column or a YAML field), so fields it leaves out keep their stored
 * values. pos[i] is where field i was written (YAML), pos[n_fields] the
 * key; NULL for CSV, where `at` is the line the record starts on.
 */
struct ps_reg_bulk_row {
	struct ps_reg_record *rec;
	unsigned char *given;
	struct ps_reg_bulk_pos *pos;
	const char *file;  /* borrowed from the bulk's file names */
	struct ps_reg_bulk_pos at;
};

/*
 * The parsed input of one import: rows in input order, collected errors
 * and notes. Invariants: errors holds min(n_errors, ERRORS_MAX) strings;
 * keys maps "<kind>\n<key>" to the row index + 1 of every row.
 */
struct ps_reg_bulk {
	struct ps_vec rows;      /* struct ps_reg_bulk_row */
	struct ps_vec files;     /* char *, owned */
	struct ps_vec errors;    /* char *, owned: "units.csv:7: ..." */
	size_t n_errors;
	struct ps_vec notes;     /* char *, owned: "units.csv: read as GB18030 ..." */
	struct ps_hashmap keys;
	enum ps_reg_enc enc;     /* how input bytes are decoded */
	bool excel_safe;         /* strip the formula-guard apostrophe (default on) */
};

/* An empty bulk (decoding PS_REG_ENC_AUTO, excel_safe on). PS_OK or PS_EINVAL. */
int ps_reg_bulk_init(struct ps_reg_bulk *b) PS_MUST_USE;
/* Free everything; the bulk must be initialised again to be reused. */
void ps_reg_bulk_release(struct ps_reg_bulk *b);

/*
 * Parse `len` bytes (borrowed for the call) as `fmt` (AUTO: from `name`)
 * into rows of b: decoded per b->enc, then read as CSV of kind `k`
 * (NULL: from the name) or as YAML (`k` must be NULL). `name` is copied
 * and names the file in messages. Errors in the input are added to b and
 * PS_EINVAL returned; PS_ENOMEM or PS_ELIMIT (a bulk-wide cap) are also
 * recorded as errors. Pure: no store, no policy (the fuzz targets call it).
 */
int ps_reg_bulk_parse(struct ps_reg_bulk *b, const char *name, enum ps_reg_bulk_fmt fmt,
		      const struct ps_reg_kind *k, const char *p, size_t len) PS_MUST_USE;
/* The CSV and YAML readers behind it, on UTF-8 text (bulk_csv.c, bulk_yaml.c). */
int ps_reg_bulk_parse_csv(struct ps_reg_bulk *b, const char *name,
			  const struct ps_reg_kind *k, const char *p, size_t len) PS_MUST_USE;
int ps_reg_bulk_parse_yaml(struct ps_reg_bulk *b, const char *name, const char *p,
			   size_t len) PS_MUST_USE;
/*
 * Read a file, or every *.csv, *.yaml and *.yml of a directory (`k` must
 * then be NULL), and parse it as above. Files are named by their base
 * name in messages when a directory is read, else by `path`.
 */
int ps_reg_bulk_read(struct ps_reg_bulk *b, const char *path, enum ps_reg_bulk_fmt fmt,
		     const struct ps_reg_kind *k) PS_MUST_USE;

/* The kind a file name stands for ("dir/units.csv", "unit.csv", "网络单元.csv"), or NULL. */
const struct ps_reg_kind *ps_reg_bulk_kind_from_name(const char *path);
/* The format of a file name by its extension; PS_REG_BULK_AUTO when unknown. */
enum ps_reg_bulk_fmt ps_reg_bulk_fmt_from_name(const char *path);
/* Index of k in ps_reg_kind_at() order. */
size_t ps_reg_kind_index(const struct ps_reg_kind *k);

struct ps_reg_bulk_count {
	int64_t inserted, updated, unchanged;
};

/* What an import did (or, with dry_run, would do), per kind index. */
struct ps_reg_bulk_report {
	struct ps_reg_bulk_count kind[PS_REG_BULK_KINDS_MAX];
	struct ps_reg_bulk_count total;
	bool dry_run;
};

/*
 * Check every row of b against the store and, when neither parsing nor
 * checking found an error and `dry_run` is false, apply them in one
 * transaction (nested in the caller's, if any). Checking runs even after
 * parse errors, so one run reports everything. Returns PS_OK; PS_EINVAL
 * when b has errors (new ones added; nothing was changed); PS_EDB,
 * PS_ENOMEM (recorded as an error too; everything rolled back).
 */
int ps_reg_bulk_apply(struct ps_registry *r, struct ps_reg_bulk *b, bool dry_run,
		      struct ps_reg_bulk_report *rep) PS_MUST_USE;

/* The collected errors and notes, borrowed. */
static inline size_t ps_reg_bulk_errors_kept(const struct ps_reg_bulk *b)
{
	return ps_vec_len(&b->errors);
}
const char *ps_reg_bulk_error_at(const struct ps_reg_bulk *b, size_t i);
static inline size_t ps_reg_bulk_notes(const struct ps_reg_bulk *b)
{
	return ps_vec_len(&b->notes);
}
const char *ps_reg_bulk_note_at(const struct ps_reg_bulk *b, size_t i);

/* ---- export (bulk_export.c) ---------------------------------------------- */

struct ps_reg_export_opts {
	const struct ps_reg_kind *kind; /* NULL: every kind */
	enum ps_reg_bulk_fmt format;    /* CSV or YAML (AUTO: from the path, else YAML) */
	bool zh_headers;                /* CSV: Chinese headers (编号, 网络单元名称, ...) */
	bool bom;                       /* CSV in UTF-8: write a byte-order mark */
	bool excel_safe;                /* CSV: guard formula-like cells (see above) */
	enum ps_reg_enc enc;            /* CSV: UTF8 (AUTO), GBK or GB18030 */
};

/* Defaults: every kind, YAML, English headers, no BOM, excel_safe, UTF-8. */
void ps_reg_export_opts_init(struct ps_reg_export_opts *o);

/*
 * Write the records of o->kind (or all) to `out` as YAML, or as CSV
 * (o->kind required). *n (may be NULL) gets the number of records.
 * Returns PS_OK, PS_EINVAL (CSV without a kind; a character with no GBK
 * code, named with its record), PS_EIO, PS_EDB, PS_ENOMEM, message in d.
 */
int ps_reg_export(struct ps_registry *r, const struct ps_reg_export_opts *o, FILE *out,
		  int64_t *n, struct ps_diag *d) PS_MUST_USE;
/*
 * Export to a file (written under a temporary name and renamed, so a
 * failed export leaves nothing behind) or, when `path` is a directory or
 * ends with '/', to <plural>.csv (or .yaml) per kind in it, creating it.
 * "-" writes to stdout.
 */
int ps_reg_export_path(struct ps_registry *r, const struct ps_reg_export_opts *o,
		       const char *path, int64_t *n, struct ps_diag *d) PS_MUST_USE;

/* ---- filing table (filing_export.c) -------------------------------------- */

struct ps_reg_filing_opts {
	const char *operator_key; /* NULL: every operator that has units */
	bool html;                /* else CSV */
	bool bom;                 /* CSV: byte-order mark (Excel) */
	bool excel_safe;
	enum ps_reg_enc enc;      /* CSV: UTF8 (AUTO), GBK or GB18030 */
};

void ps_reg_filing_opts_init(struct ps_reg_filing_opts *o);
/* Chinese name of a unit type ("idc" -> "互联网数据中心"), or `type` itself. */
const char *ps_reg_unit_type_zh(const char *type);
/*
 * Write the 网络单元备案 table: per operator a header block (运营单位名称,
 * 统一社会信用代码) and a row per unit in service (no retired_date on or
 * before r->today): 序号, 网络单元名称, 单元类型, 安全防护级别, 定级评审通过日期,
 * 备案状态, 备案编号, 备案日期, 责任部门, 责任人, 联系电话. *n gets the number of
 * units. PS_ENOENT when the operator does not exist; errors as ps_reg_export.
 */
int ps_reg_filing_export(struct ps_registry *r, const struct ps_reg_filing_opts *o,
			 FILE *out, int64_t *n, struct ps_diag *d) PS_MUST_USE;
/* The same into a file through a temporary name; "-" is stdout. */
int ps_reg_filing_export_path(struct ps_registry *r, const struct ps_reg_filing_opts *o,
			      const char *path, int64_t *n, struct ps_diag *d) PS_MUST_USE;

#endif
