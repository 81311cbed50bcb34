/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The threat-intelligence library: the indicator model, sources (feeds),
 * the store tables that keep them (migration 2 in store/store_schema.c),
 * bulk upsert, queries for the CLI and the console, the iteration the
 * matching generation is built from, the importers of plain lists, CSV,
 * Maltrail files, STIX 2.1 bundles and MISP feeds, and the exporters
 * (STIX 2.1, CSV, GB/T 36643).
 *
 * Threads: like the store, a handle and the objects made from it belong
 * to one thread at a time. Parsing (ps_intel_parse_mem) keeps no global
 * state. Strings in structs handed to callbacks are borrowed for the call.
 */
#ifndef PS_INTEL_H
#define PS_INTEL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/err.h"
#include "intel/ioc.h"
#include "store/store.h"

/* Built-in defaults for indicators when neither the import nor its source says. */
#define PS_INTEL_SEVERITY_DEFAULT 3
#define PS_INTEL_CONFIDENCE_DEFAULT 50
#define PS_INTEL_TLP_DEFAULT PS_TLP_GREEN
/* Longest family name and tag list kept, in bytes. */
#define PS_INTEL_FAMILY_MAX 128
#define PS_INTEL_TAGS_MAX 1000

/*
 * One indicator from one source. Invariants of a stored row: value is the
 * canonical text of ps_ioc_normalize for `type`; prefix is the CIDR
 * length for CIDR4/CIDR6 and 0 otherwise; (value, type, prefix,
 * source_id) is unique; severity 1..5 with 5 the most severe (1 info,
 * 2 low, 3 medium, 4 high, 5 critical); confidence 0..100; first_seen <=
 * last_seen. Times are microseconds since the epoch (UTC); expires 0
 * means never. tags is a comma-separated list without spaces around the
 * commas (NULL or "" for none); on re-import new tags are appended and
 * kept tags stay. shareable false: never exported, whatever the TLP.
 */
struct ps_ioc {
	int64_t id;                     /* store row id; ignored on upsert */
	enum ps_ioc_type type;
	const char *value;
	uint8_t prefix;
	bool subdomains;                /* a domain also matches names below it */
	enum ps_ioc_category category;  /* NONE on upsert: by type */
	uint8_t severity;
	uint8_t confidence;
	const char *family;             /* malware family, NULL for none */
	const char *tags;
	int64_t source_id;
	const char *source;             /* source name: filled by queries, ignored on upsert */
	int64_t first_seen, last_seen;  /* 0 on upsert: the writer's clock */
	int64_t expires;
	enum ps_tlp tlp;
	bool shareable;
};

/* ---- sources -------------------------------------------------------------- */

/*
 * A feed. Defaults apply to indicators imported from it when the import
 * does not say: category PS_IOC_CAT_NONE, severity 0, confidence -1 and
 * tlp -1 mean "not set" (the built-in defaults above apply). last_* are
 * the counts of its last import; indicators is filled by the list query.
 */
struct ps_intel_source {
	int64_t id;
	const char *name;      /* unique */
	const char *format;    /* "list", "csv", "maltrail", "stix", "misp", ... */
	const char *location;  /* file path or URL it was read from, NULL unknown */
	int64_t refresh_s;     /* intended refresh interval, 0 = manual */
	int64_t ttl_s;         /* indicators expire this long after last_seen, 0 = never */
	enum ps_ioc_category category;
	int severity;
	int confidence;
	int tlp;
	int shareable;         /* 0 or 1; -1 on put: keep (a new source gets 1) */
	int64_t created_at;
	int64_t last_import;   /* when its last import finished, 0 never */
	int64_t last_read, last_imported, last_updated, last_bad;
	int64_t indicators;
};

typedef int (*ps_intel_source_fn)(void *arg, const struct ps_intel_source *s);

/*
 * Create the source `s->name`, or update an existing one: fields that are
 * set (non-NULL strings, refresh_s/ttl_s > 0, the defaults as above)
 * overwrite, unset ones keep what is stored (format NULL keeps it, and
 * a new source without one gets "unknown"). id, created_at, last_* and indicators are ignored. *id (may be NULL)
 * gets its id. Returns PS_OK, PS_EINVAL (no name, a value out of range),
 * PS_EDB, PS_ENOMEM.
 */
int ps_intel_source_put(struct ps_store *st, const struct ps_intel_source *s,
			int64_t *id) PS_MUST_USE;
/* Call fn with the source `name`: PS_OK, PS_ENOENT, PS_EDB, fn's value. */
int ps_intel_source_get(struct ps_store *st, const char *name,
			ps_intel_source_fn fn, void *arg) PS_MUST_USE;
/* Call fn for every source by name, with its indicator count. */
int ps_intel_source_list(struct ps_store *st, ps_intel_source_fn fn,
			 void *arg) PS_MUST_USE;
/* Record the end of an import of source `id` at `when` with its counts. */
int ps_intel_source_record(struct ps_store *st, int64_t id, int64_t when,
			   int64_t read, int64_t imported, int64_t updated,
			   int64_t bad) PS_MUST_USE;
/*
 * Delete the source `name` and all its indicators; *deleted (may be NULL)
 * gets how many indicators went. PS_OK, PS_ENOENT, PS_EDB.
 */
int ps_intel_source_delete(struct ps_store *st, const char *name,
			   int64_t *deleted) PS_MUST_USE;

/* ---- bulk upsert ------------------------------------------------------------ */

/*
 * A bulk writer: rows go in through cached multi-row prepared statements
 * (32 rows each on SQLite, 256 on PostgreSQL; a key that comes twice
 * starts a new statement) inside transactions of `tx_rows` rows (0 =
 * 200,000), committed as they fill. An indicator already stored for the
 * same (value, type, prefix, source) is updated: last_seen = the later,
 * first_seen = the earlier, family kept unless a new one is given, tags
 * merged, everything else from the new row. On SQLite the connection's
 * page cache is 256 MiB and temp_store MEMORY while the writer is open.
 * One writer per store handle at a time, and nothing else may use the
 * handle's transactions while it is open.
 */
struct ps_intel_writer;

int ps_intel_writer_open(struct ps_store *st, size_t tx_rows,
			 struct ps_intel_writer **out) PS_MUST_USE;
/*
 * Add one indicator (copied). Returns PS_OK; PS_EINVAL for a row that
 * breaks the invariants of struct ps_ioc (value empty or longer than
 * PS_IOC_VALUE_MAX, type, severity, confidence, tlp or category out of
 * range, no source_id; nothing is stored); PS_EDB or PS_ENOMEM when the
 * store fails: the open transaction is rolled back (rows of committed
 * transactions stay) and the writer refuses further rows.
 */
int ps_intel_writer_add(struct ps_intel_writer *w, const struct ps_ioc *ioc) PS_MUST_USE;
/* Store what is pending and commit. The writer stays usable. */
int ps_intel_writer_commit(struct ps_intel_writer *w) PS_MUST_USE;
/*
 * Rows committed so far: new ones and ones that existed (or came twice).
 * Rows of a transaction that was rolled back are not counted.
 */
void ps_intel_writer_counts(const struct ps_intel_writer *w, int64_t *inserted,
			    int64_t *updated);
/* Roll back whatever is not committed and free the writer; NULL is a no-op. */
void ps_intel_writer_free(struct ps_intel_writer *w);

/* Upsert one indicator in its own transaction; *inserted (may be NULL) tells if new. */
int ps_intel_ioc_put(struct ps_store *st, const struct ps_ioc *ioc,
		     bool *inserted) PS_MUST_USE;

/* ---- queries ---------------------------------------------------------------- */

typedef int (*ps_intel_ioc_fn)(void *arg, const struct ps_ioc *ioc);

/* Which indicators to list or count; a zeroed filter selects all by id. */
struct ps_intel_filter {
	enum ps_ioc_type type;          /* NONE = any */
	const char *source;             /* source name, NULL = any */
	enum ps_ioc_category category;  /* NONE = any */
	const char *value;              /* exact canonical value, NULL = any */
	const char *contains;           /* substring of the value, NULL = any */
	int64_t live_at;                /* > 0: only indicators not expired at this time */
	bool exportable;                /* only shareable ones with tlp <= tlp_max, never red */
	enum ps_tlp tlp_max;            /* with exportable */
	int64_t limit;                  /* 0 = no limit (query only) */
	int64_t offset;
};

/*
 * Call fn for each indicator matching f (may be NULL) in id order, with
 * its source name. Returns PS_OK, fn's non-zero value, PS_EDB, PS_ENOMEM.
 */
int ps_intel_query(struct ps_store *st, const struct ps_intel_filter *f,
		   ps_intel_ioc_fn fn, void *arg) PS_MUST_USE;
/* Number of indicators matching f (limit and offset ignored). */
int ps_intel_count(struct ps_store *st, const struct ps_intel_filter *f,
		   int64_t *n) PS_MUST_USE;

/*
 * Every source's entry for one value: `value` is normalised first (type
 * guessed unless `type` says), then fn is called for each stored indicator with that
 * canonical value, by source name. *found (may be NULL) gets the count.
 * Returns PS_OK (also when nothing is stored), PS_EINVAL (the value does
 * not normalise: the reason is in `d`), PS_EDB, fn's value.
 */
int ps_intel_show(struct ps_store *st, enum ps_ioc_type type, const char *value,
		  ps_intel_ioc_fn fn, void *arg, int64_t *found,
		  struct ps_diag *d) PS_MUST_USE;

enum ps_intel_stat_by {
	PS_INTEL_STAT_TYPE,      /* key: ps_ioc_type_name */
	PS_INTEL_STAT_CATEGORY,  /* key: ps_ioc_category_name */
	PS_INTEL_STAT_SOURCE,    /* key: source name; sources without indicators too */
};

typedef int (*ps_intel_stat_fn)(void *arg, const char *key, int64_t count);

/* Counts of all stored indicators grouped by `by`, in key order. */
int ps_intel_stats(struct ps_store *st, enum ps_intel_stat_by by,
		   ps_intel_stat_fn fn, void *arg) PS_MUST_USE;

struct ps_intel_totals {
	int64_t indicators; /* rows */
	int64_t live;       /* not expired at the given time */
	int64_t values;     /* distinct (type, value, prefix) */
	int64_t sources;
};

int ps_intel_totals_get(struct ps_store *st, int64_t now_us,
			struct ps_intel_totals *t) PS_MUST_USE;

/*
 * Every indicator not expired at now_us, in id order, for building the
 * matching generation. ioc->source is NULL (use source_id) and every
 * string is borrowed from the statement until fn returns; nothing is
 * allocated per row. SQLite reads it with one SELECT; PostgreSQL in
 * pages of 50,000 rows by id (it would otherwise hold the whole result
 * in memory). Returns PS_OK, fn's non-zero value, PS_EDB, PS_ENOMEM.
 */
int ps_intel_foreach_live(struct ps_store *st, int64_t now_us,
			  ps_intel_ioc_fn fn, void *arg) PS_MUST_USE;

/* Delete indicators that expired before now_us; *deleted (may be NULL). */
int ps_intel_purge_expired(struct ps_store *st, int64_t now_us,
			   int64_t *deleted) PS_MUST_USE;

/* ---- importers ---------------------------------------------------------------- */

enum ps_intel_format {
	PS_INTEL_FMT_AUTO = 0,  /* by file name: ps_intel_format_guess */
	PS_INTEL_FMT_LIST,      /* one value per line, also ipsum and uBlock/ABP lines */
	PS_INTEL_FMT_CSV,       /* RFC 4180 with a column mapping */
	PS_INTEL_FMT_MALTRAIL,  /* indicator<TAB>type<TAB>category<TAB>family */
	PS_INTEL_FMT_STIX,      /* STIX 2.1 bundle (import_stix.c) */
	PS_INTEL_FMT_MISP,      /* MISP feed directory or event JSON (import_misp.c) */
	PS_INTEL_FMT__COUNT
};

/* "auto" "list" "csv" "maltrail" "stix" "misp". */
const char *ps_intel_format_name(enum ps_intel_format f);
int ps_intel_format_parse(const char *s, enum ps_intel_format *out) PS_MUST_USE;
/*
 * The format a file name suggests: *.csv CSV, *.tsv and *.tsv.gz Maltrail,
 * *.json STIX, a directory MISP, anything else a list.
 */
enum ps_intel_format ps_intel_format_guess(const char *path);

/* Called every progress interval during an import. */
struct ps_intel_progress {
	const char *path;
	int64_t bytes_done, bytes_total; /* of the file as stored (compressed for .gz) */
	int64_t lines, read;
	int64_t elapsed_us;
};

typedef void (*ps_intel_progress_fn)(void *arg, const struct ps_intel_progress *p);

/*
 * How to import. Zero means "not given" for every field except those
 * noted; then the source's stored default applies, then the built-in one.
 */
struct ps_intel_import_opts {
	const char *source;              /* required for ps_intel_import_file */
	enum ps_intel_format format;
	enum ps_ioc_type type;           /* NONE: guess each value */
	enum ps_ioc_category category;
	int severity;                    /* 1..5 */
	int confidence;                  /* 0..100; -1 = not given (0 is a value) */
	int tlp;                         /* enum ps_tlp; -1 = not given */
	int shareable;                   /* 0 or 1; -1 = not given */
	bool subdomains;                 /* domains from a plain list also match subdomains */
	int64_t ttl_s;
	int64_t refresh_s;               /* recorded on the source */
	const char *map;                 /* CSV: "value=1,family=4" or header names */
	const char *family;              /* for indicators the file gives none */
	const char *tags;                /* added to every indicator */
	int64_t now_us;                  /* 0: the clock */
	size_t tx_rows;                  /* 0: 200,000 */
	ps_intel_progress_fn progress;   /* NULL: none */
	void *progress_arg;
	int64_t progress_ms;             /* 0: 2000 */
	const char *location;            /* recorded as the source's location
					    (NULL: the path imported) */
	const atomic_bool *stop;         /* non-NULL and set: a line-based import
					    stops within a few thousand lines with
					    PS_ECANCELED, the batch in progress
					    rolled back (NULL: runs to the end) */
};

/* An import option struct with every field "not given". */
void ps_intel_import_opts_init(struct ps_intel_import_opts *o);

#define PS_INTEL_BAD_SHOWN 20
#define PS_INTEL_SKIP_KINDS 4

/*
 * What an import did. Every bad line is counted; the first
 * PS_INTEL_BAD_SHOWN are kept with their line number and reason (in the
 * current language). Skipped lines are valid in their format but cannot
 * be an indicator here (a Maltrail regular expression or path-only URL
 * trail); they are counted per reason.
 */
struct ps_intel_report {
	int64_t lines;      /* lines (records) read, comments included */
	int64_t read;       /* indicators found */
	int64_t imported;   /* new rows */
	int64_t updated;    /* rows that were stored already (or came twice) */
	int64_t bad;
	int64_t skipped;
	int64_t elapsed_us;
	size_t n_shown;
	struct {
		long line;
		char where[160];  /* a record that has no line: "indicator--<uuid>",
				   * "<event>.json:<attribute uuid>"; "" otherwise */
		char msg[256];
	} shown[PS_INTEL_BAD_SHOWN];
	size_t n_skip_kinds;
	struct {
		char reason[128];
		int64_t count;
	} skip_kinds[PS_INTEL_SKIP_KINDS];
};

/*
 * Import the file `path` (gzip-compressed or not) into the store as
 * source o->source, which is created when missing (its format and
 * location recorded, defaults from o stored). Bad lines are counted in
 * *r and the rest loads. Returns PS_OK (also with bad lines), PS_ENOENT
 * (no such file), PS_EIO, PS_EINVAL (bad options, e.g. a CSV map naming
 * no column; no source), PS_EUNSUP (a format this build cannot read),
 * PS_EDB or PS_ENOMEM, with the reason in `d` naming the file. After a
 * failure part way, *r counts what was committed.
 */
int ps_intel_import_file(struct ps_store *st, const struct ps_intel_import_opts *o,
			 const char *path, struct ps_intel_report *r,
			 struct ps_diag *d) PS_MUST_USE;

/*
 * Called for each indicator a parse finds; ioc and its strings are
 * borrowed for the call (source_id is 0). Return PS_OK to go on.
 */
typedef int (*ps_intel_sink_fn)(void *arg, const struct ps_ioc *ioc);

/*
 * Parse `len` bytes of o->format (AUTO: guessed from `name`, which also
 * names the input in messages) and hand each indicator to sink, without a
 * store; gzip data is inflated (at most 256 MiB). This is what the fuzz
 * targets and ps_intel_import_file run. Returns PS_OK, PS_EINVAL (bad
 * options), PS_EUNSUP, PS_ENOMEM, PS_EPROTO (corrupt gzip data) or the
 * sink's error.
 */
int ps_intel_parse_mem(const struct ps_intel_import_opts *o, const char *name,
		       const void *data, size_t len, ps_intel_sink_fn sink,
		       void *arg, struct ps_intel_report *r,
		       struct ps_diag *d) PS_MUST_USE;

/* ---- exporters ------------------------------------------------------------------ */

enum ps_intel_export_fmt {
	PS_INTEL_EXPORT_STIX = 0,   /* STIX 2.1 bundle (export_stix.c) */
	PS_INTEL_EXPORT_CSV,        /* CSV with a header line (export_csv.c) */
	PS_INTEL_EXPORT_GBT36643,   /* GB/T 36643-2018 style JSON, our mapping (export_gbt36643.c) */
	PS_INTEL_EXPORT__COUNT
};

/* "stix" "csv" "gbt36643"; "" out of range. */
const char *ps_intel_export_fmt_name(enum ps_intel_export_fmt f);
/* Parse one of those names (case-insensitive). PS_EINVAL otherwise. */
int ps_intel_export_fmt_parse(const char *s, enum ps_intel_export_fmt *out) PS_MUST_USE;

/* Why an indicator may not leave in an export (ps_intel_export_check). */
enum ps_intel_withhold {
	PS_INTEL_EXPORT_OK = 0,
	PS_INTEL_WITHHOLD_UNSHAREABLE,  /* shareable is false: never exported */
	PS_INTEL_WITHHOLD_RED,          /* TLP:RED: never exported */
	PS_INTEL_WITHHOLD_TLP,          /* TLP above the export's maximum */
};

/*
 * The export rule, the one place it is decided: an indicator leaves only
 * when it is shareable and its TLP is at most tlp_max; TLP:RED never
 * leaves, whatever tlp_max says. Pure, thread-safe.
 */
enum ps_intel_withhold ps_intel_export_check(const struct ps_ioc *ioc, enum ps_tlp tlp_max);

struct ps_intel_export_opts {
	enum ps_intel_export_fmt format;
	/*
	 * Which stored indicators to consider (type, source, category,
	 * live_at; limit and offset are ignored). tlp_max is the export's
	 * maximum TLP (the CLI's default is green); `exportable` is not
	 * needed: the export rule is always applied, per indicator, so that
	 * what is withheld can be counted by reason.
	 */
	struct ps_intel_filter filter;
	const char *producer;  /* STIX identity / GB/T producer name; NULL "Panshi" */
};

#define PS_INTEL_EXPORT_NOTES 8

/*
 * What an export did. selected = exported + withheld_* + dropped. Notes
 * count indicators the format cannot represent in its standard vocabulary,
 * per reason (in the current language): `kept` notes were exported all
 * the same in a documented non-standard form (a custom STIX object path
 * or property), the others were dropped.
 */
struct ps_intel_export_report {
	int64_t selected;               /* indicators the filter selected */
	int64_t exported;
	int64_t withheld_unshareable;
	int64_t withheld_red;
	int64_t withheld_tlp;
	int64_t approximated;           /* exported with at least one kept note */
	int64_t dropped;                /* not representable at all */
	size_t n_notes;
	struct {
		char reason[200];
		int64_t count;
		bool kept;
	} notes[PS_INTEL_EXPORT_NOTES];
	int64_t elapsed_us;
};

/*
 * Write the indicators o->filter selects that pass the export rule to
 * `out` in o->format, streaming in id order (memory does not grow with
 * the number of indicators, except for the set of malware families of a
 * STIX or GB/T export). The output is deterministic: the same store
 * content gives the same bytes (STIX ids are UUIDv5 of type, value and
 * source under a fixed namespace; no clock is read). *r gets the counts.
 * Returns PS_OK, PS_EINVAL (bad options), PS_EIO (writing failed), PS_EDB,
 * PS_ENOMEM, with the reason in `d`. On failure `out` holds a partial
 * document: write to a temporary file and rename.
 */
int ps_intel_export(struct ps_store *st, const struct ps_intel_export_opts *o, FILE *out,
		    struct ps_intel_export_report *r, struct ps_diag *d) PS_MUST_USE;

#endif
