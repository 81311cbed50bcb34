/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The legal numbers: deadlines, cadences, levels, thresholds and limits read
 * from the YAML files in policy/, each with its unit, source article and how
 * sure we are of it. Modules ask for values by id; no code holds numbers.
 *
 * A policy file (schema in policy/README.md):
 *
 *   documents:                      # the rules the values come from
 *     - {id: miit-order-11, title: 通信网络安全防护管理办法, issuer: ...,
 *        number: ..., issued: 2010-01-21, in_force: 2010-03-01,
 *        source: "where the text was read", status: confirmed}
 *   values:                         # id -> one value
 *     protection.filing.deadline_days:
 *       {value: 30, unit: days, source: "MIIT Order 11 Art. 8",
 *        status: confirmed-secondary, note: ..., document: miit-order-11}
 *   tables:                         # id -> rows of typed columns
 *     incident.miit2017.levels:
 *       {source: ..., status: ..., columns: {level: label, rank: rank},
 *        rows: [{level: 一般, rank: 1}, ...]}
 *
 * A loaded struct ps_policy is immutable: lookups are thread-safe and all
 * pointers it hands out live until ps_policy_free().
 */
#ifndef PS_POLICY_H
#define PS_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/err.h"
#include "core/timeutil.h"

/* How sure we are of a number (DOMAIN.md "How to read this document"). */
enum ps_policy_status {
	PS_POLICY_CONFIRMED,           /* "confirmed": read in the rule's text */
	PS_POLICY_CONFIRMED_SECONDARY, /* "confirmed-secondary": quoted by others */
	PS_POLICY_UNVERIFIED_DEFAULT,  /* "unverified-default": pending, configurable */
	PS_POLICY_INTERPRETATION,      /* "interpretation": our reading */
	PS_POLICY_STATUS__COUNT
};

/* What a value holds; follows from its unit. */
enum ps_policy_kind {
	PS_POLICY_INT,       /* days, hours, count, percent, cny, level, ... */
	PS_POLICY_FLAG,      /* unit "flag": true or false */
	PS_POLICY_TEXT,      /* units "text", "label", "mode", "url" */
	PS_POLICY_DATE,      /* unit "date": a real YYYY-MM-DD */
	PS_POLICY_MONTH_DAY, /* unit "month_day": a yearly MM-DD */
};

/*
 * One value or table cell. `text` is always set: the scalar as written,
 * except that integers are in plain decimal ("100_000" reads "100000").
 */
struct ps_policy_scalar {
	enum ps_policy_kind kind;
	int64_t num;          /* INT; FLAG 0/1; DATE yyyymmdd; MONTH_DAY mmdd */
	struct ps_date date;  /* DATE; MONTH_DAY with year 0 */
	const char *text;
};

/* A rule that values come from. Optional strings are NULL when absent. */
struct ps_policy_doc {
	const char *id;       /* "miit-order-11" */
	const char *title;    /* Chinese title */
	const char *issuer;
	const char *number;   /* 文号, optional */
	const char *issued;   /* YYYY-MM-DD, optional, validated */
	const char *in_force; /* YYYY-MM-DD, optional, validated */
	const char *source;   /* where its text (or a report of it) was read */
	const char *url;      /* optional */
	const char *note;     /* optional */
	enum ps_policy_status status;
	const char *file; /* file name as loaded, and line of the entry */
	unsigned line;
};

struct ps_policy_value {
	const char *id; /* "protection.filing.deadline_days" */
	struct ps_policy_scalar v;
	const char *unit;   /* "days", "working_days", "hours", ... */
	const char *source; /* "MIIT Order 11 Art. 8 (secondary: ...)" */
	enum ps_policy_status status;
	const char *note;   /* NULL when absent */
	const char *doc_id; /* as written, else the file's first document */
	const struct ps_policy_doc *doc;
	const char *file;
	unsigned line;
};

struct ps_policy_column {
	const char *name;
	const char *unit;
	enum ps_policy_kind kind;
};

/* Every row has every column; cells[row * n_cols + col]. */
struct ps_policy_table {
	const char *id;
	const char *title; /* optional */
	const char *source;
	enum ps_policy_status status;
	const char *note; /* optional */
	const char *doc_id;
	const struct ps_policy_doc *doc;
	const struct ps_policy_column *cols;
	size_t n_cols;
	const struct ps_policy_scalar *cells;
	size_t n_rows;
	const char *file;
	unsigned line;
};

struct ps_policy_stats {
	size_t files;
	size_t documents;
	size_t values;
	size_t tables;
	size_t by_status[PS_POLICY_STATUS__COUNT]; /* values plus tables */
};

struct ps_policy;

/*
 * Load every *.yaml file of `dir`, in byte order of their names, validate
 * each (fields, statuses, units, bounds, real dates), then the whole set:
 * ids unique across files, document references resolved, and every id in
 * the required list present with the expected kind. On success *out is a
 * new policy the caller frees with ps_policy_free(). On error *out is
 * NULL and `d` names "file:line: ..."; returns PS_ENOENT (no directory),
 * PS_EIO, PS_ELIMIT (file over 4 MiB or too many entries), PS_EPROTO (YAML
 * syntax), PS_EINVAL (bad content) or PS_ENOMEM.
 */
int ps_policy_load_dir(const char *dir, struct ps_policy **out,
		       struct ps_diag *d) PS_MUST_USE;
/*
 * Load one file, or one file's text (`name` is used in messages), with
 * every check of ps_policy_load_dir() except the required-id list.
 * `text` need not be NUL-terminated.
 */
int ps_policy_load_file(const char *path, struct ps_policy **out,
			struct ps_diag *d) PS_MUST_USE;
int ps_policy_load_mem(const char *name, const char *text, size_t len,
		       struct ps_policy **out, struct ps_diag *d) PS_MUST_USE;
/* Free a policy; NULL is a no-op. */
void ps_policy_free(struct ps_policy *p);

/*
 * SM3 digest of the policy's source text: for each file in load order (by
 * name for a directory), its base name, a NUL byte, then its bytes. Any
 * changed, added, removed or renamed file changes it, so a store can
 * record which policy it was initialised with. Borrowed, PS_SM3_LEN bytes.
 */
const uint8_t *ps_policy_sm3(const struct ps_policy *p);

/*
 * Check that every required id is present with the right kind (and, for
 * tables, the columns code reads). PS_OK or PS_EINVAL naming the first
 * missing id. ps_policy_load_dir() calls it.
 */
int ps_policy_check_required(const struct ps_policy *p,
			     struct ps_diag *d) PS_MUST_USE;
/* The ids later modules rely on: names only, never numbers. */
size_t ps_policy_required_count(void);
const char *ps_policy_required_id(size_t i);

/* A value by id, borrowed; NULL if there is none. */
const struct ps_policy_value *ps_policy_value_get(const struct ps_policy *p,
						  const char *id);
/*
 * Typed lookups: PS_OK, PS_ENOENT (no such id) or PS_EINVAL (the value is
 * of another kind). ps_policy_get_text() works for every kind and returns
 * its text.
 */
int ps_policy_get_int(const struct ps_policy *p, const char *id,
		      int64_t *out) PS_MUST_USE;
int ps_policy_get_flag(const struct ps_policy *p, const char *id,
		       bool *out) PS_MUST_USE;
int ps_policy_get_text(const struct ps_policy *p, const char *id,
		       const char **out) PS_MUST_USE;
int ps_policy_get_date(const struct ps_policy *p, const char *id,
		       struct ps_date *out) PS_MUST_USE;

/* A table by id, borrowed; NULL if there is none. */
const struct ps_policy_table *ps_policy_table_get(const struct ps_policy *p,
						  const char *id);
/* Index of column `name`, or -1. */
int ps_policy_table_col(const struct ps_policy_table *t, const char *name);
/* Cell of `row` in column `col`, or NULL when either does not exist. */
const struct ps_policy_scalar *ps_policy_table_cell(
	const struct ps_policy_table *t, size_t row, const char *col);
/* First row whose column `col` reads `text`, or -1. */
long ps_policy_table_find(const struct ps_policy_table *t, const char *col,
			  const char *text);
/* Integer cell: PS_OK, PS_ENOENT (no row/column) or PS_EINVAL (not INT). */
int ps_policy_table_get_int(const struct ps_policy_table *t, size_t row,
			    const char *col, int64_t *out) PS_MUST_USE;

/* A document by id, borrowed; NULL if there is none. */
const struct ps_policy_doc *ps_policy_doc_get(const struct ps_policy *p,
					      const char *id);

/* Iteration in id order (documents in id order too). */
size_t ps_policy_value_count(const struct ps_policy *p);
const struct ps_policy_value *ps_policy_value_at(const struct ps_policy *p,
						 size_t i);
size_t ps_policy_table_count(const struct ps_policy *p);
const struct ps_policy_table *ps_policy_table_at(const struct ps_policy *p,
						 size_t i);
size_t ps_policy_doc_count(const struct ps_policy *p);
const struct ps_policy_doc *ps_policy_doc_at(const struct ps_policy *p,
					     size_t i);

void ps_policy_stats_get(const struct ps_policy *p, struct ps_policy_stats *out);
/* "confirmed", "confirmed-secondary", ...; "unknown" otherwise. */
const char *ps_policy_status_name(enum ps_policy_status s);

enum ps_policy_format {
	PS_POLICY_FMT_TABLE, /* aligned columns for a terminal */
	PS_POLICY_FMT_CSV,   /* RFC 4180; table cells as "id[row].column" */
	PS_POLICY_FMT_JSON,  /* {"documents": [...], "values": [...], "tables": [...]} */
};

/*
 * Print documents, values and tables. `prefix` (may be NULL) keeps only
 * ids that start with it. Returns PS_OK or PS_EIO on a write error.
 */
int ps_policy_print(const struct ps_policy *p, FILE *out,
		    enum ps_policy_format fmt, const char *prefix) PS_MUST_USE;

#endif
