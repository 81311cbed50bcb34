/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `panshi event list` and `panshi event import`: read events from the store
 * with filters, and load EVE JSON lines (from Suricata or from Panshi's own
 * output) into it in batched transactions.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "cli/cli_int.h"
#include "core/core.h"
#include "policy/policy.h"
#include "store/store.h"

#define LINE_MAX_BYTES ((1u << 20) + 1)

static const char *const event_cols[] = {
	"timestamp", "event_type", "severity", "src_ip", "src_port",
	"dest_ip", "dest_port", "proto", "app_proto", "sensor",
};

/* Text of the event_cols of one event; numbers go into `nums`. */
static void event_cells(const struct ps_event *ev, char nums[4][PS_TIME_FMT_SIZE],
			const char *cells[10])
{
	if (ps_time_fmt_iso8601(ev->ts_us, PS_TZ_SHANGHAI, PS_TIME_FMT_US, nums[0],
				PS_TIME_FMT_SIZE) != PS_OK)
		snprintf(nums[0], PS_TIME_FMT_SIZE, "%lld", (long long)ev->ts_us);
	snprintf(nums[1], PS_TIME_FMT_SIZE, "%d", ev->severity);
	snprintf(nums[2], PS_TIME_FMT_SIZE, "%d", ev->src_port);
	snprintf(nums[3], PS_TIME_FMT_SIZE, "%d", ev->dest_port);
	cells[0] = nums[0];
	cells[1] = ev->event_type;
	cells[2] = ev->severity > 0 ? nums[1] : NULL;
	cells[3] = ev->src_ip;
	cells[4] = ev->src_ip != NULL ? nums[2] : NULL;
	cells[5] = ev->dest_ip;
	cells[6] = ev->dest_ip != NULL ? nums[3] : NULL;
	cells[7] = ev->proto;
	cells[8] = ev->app_proto;
	cells[9] = ev->sensor;
}

static int add_event_row(void *arg, const struct ps_event *ev)
{
	char nums[4][PS_TIME_FMT_SIZE];
	const char *cells[10];

	event_cells(ev, nums, cells);
	return ps_table_add(arg, cells);
}

/* CSV and JSON are written row by row, so any number of rows fits. */
struct stream {
	FILE *out;
	enum ps_out_format format;
	size_t rows;
};

static int stream_row(void *arg, const struct ps_event *ev)
{
	struct stream *st = arg;
	char nums[4][PS_TIME_FMT_SIZE];
	const char *cells[10];
	json_t *obj;
	int rc = PS_OK;

	event_cells(ev, nums, cells);
	if (st->format == PS_OUT_CSV) {
		for (size_t c = 0; c < PS_ARRAY_LEN(event_cols); c++) {
			if (c > 0)
				fputc(',', st->out);
			ps_csv_write_field(st->out, cells[c]);
		}
		fputs("\r\n", st->out);
	} else {
		if ((obj = json_object()) == NULL)
			return PS_ENOMEM;
		for (size_t c = 0; c < PS_ARRAY_LEN(event_cols) && rc == PS_OK; c++)
			if (json_object_set_new(obj, event_cols[c],
						ps_json_text(cells[c] ? cells[c] : "")) != 0)
				rc = PS_ENOMEM;
		fputs(st->rows ? ",\n  " : "[\n  ", st->out);
		if (rc == PS_OK && json_dumpf(obj, st->out, JSON_COMPACT |
					      JSON_PRESERVE_ORDER) != 0)
			rc = PS_EIO;
		json_decref(obj);
	}
	st->rows++;
	return rc == PS_OK && ferror(st->out) ? PS_EIO : rc;
}

static void stream_begin(struct stream *st)
{
	if (st->format == PS_OUT_CSV) {
		for (size_t c = 0; c < PS_ARRAY_LEN(event_cols); c++) {
			if (c > 0)
				fputc(',', st->out);
			ps_csv_write_field(st->out, event_cols[c]);
		}
		fputs("\r\n", st->out);
	}
}

static void stream_end(struct stream *st)
{
	if (st->format == PS_OUT_JSON)
		fputs(st->rows ? "\n]\n" : "[]\n", st->out);
}

/* --since or --until (a bare date as the end of a range is the end of that day) */
static int parse_time_opt(struct ps_cli *cli, const char *opt, const char *v,
			  int64_t *out)
{
	int rc = !strcmp(opt, "--until") ? ps_time_parse_until(v, strlen(v), PS_TZ_SHANGHAI, out) :
		 ps_time_parse_iso8601(v, strlen(v), PS_TZ_SHANGHAI, out);

	if (rc != PS_OK) {
		ps_cli_error(cli, "%s: '%s' is not a valid date or ISO-8601 time", opt, v);
		return PS_EINVAL;
	}
	return PS_OK;
}

static int parse_count(struct ps_cli *cli, const char *opt, const char *v,
		       int64_t *out)
{
	char *end;
	long long n;

	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || n < 0) {
		ps_cli_error(cli, "%s: '%s' is not a non-negative number", opt, v);
		return PS_EINVAL;
	}
	*out = n;
	return PS_OK;
}

/* Parse list options into f; returns PS_OK or PS_EINVAL (message printed). */
static int list_opts(struct ps_cli *cli, int argc, char **argv,
		     struct ps_event_filter *f)
{
	for (int i = 1; i < argc; i += 2) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		int rc = PS_OK;

		if (v == NULL)
			return PS_EINVAL;
		if (strcmp(a, "--type") == 0)
			f->event_type = v;
		else if (strcmp(a, "--ip") == 0)
			f->ip = v;
		else if (strcmp(a, "--sensor") == 0)
			f->sensor = v;
		else if (strcmp(a, "--since") == 0)
			rc = parse_time_opt(cli, a, v, &f->ts_from_us);
		else if (strcmp(a, "--until") == 0)
			rc = parse_time_opt(cli, a, v, &f->ts_to_us);
		else if (strcmp(a, "--limit") == 0)
			rc = parse_count(cli, a, v, &f->limit);
		else if (strcmp(a, "--offset") == 0)
			rc = parse_count(cli, a, v, &f->offset);
		else if (strcmp(a, "--format") == 0)
			rc = ps_cli_parse_format(cli, v);
		else
			return PS_EINVAL;
		if (rc != PS_OK)
			return rc;
	}
	return PS_OK;
}

static int list_table(struct ps_cli *cli, const struct ps_event_filter *f)
{
	struct ps_table *t = ps_table_new(PS_ARRAY_LEN(event_cols), event_cols);
	int rc;

	if (t == NULL)
		return PS_ENOMEM;
	rc = ps_store_event_query(cli->store, f, add_event_row, t);
	if (rc == PS_OK)
		rc = ps_table_print(t, PS_OUT_TABLE, cli->out);
	ps_table_free(t);
	return rc;
}

static int event_list(struct ps_cli *cli, int argc, char **argv)
{
	struct ps_event_filter f = {.limit = 100, .order = PS_EVENT_ORDER_TS_DESC};
	struct stream st;
	int rc;

	if (list_opts(cli, argc, argv, &f) != PS_OK)
		return ps_cli_usage(cli, &ps_cmd_event_list);
	if (ps_cli_store_open(cli, false) != PS_OK)
		return PS_CLI_FAIL;
	if (cli->format == PS_OUT_TABLE) {
		rc = list_table(cli, &f);
	} else {
		st = (struct stream){cli->out, cli->format, 0};
		stream_begin(&st);
		rc = ps_store_event_query(cli->store, &f, stream_row, &st);
		stream_end(&st);
	}
	if (rc == PS_ELIMIT)
		ps_cli_error(cli, "too many rows for a table; use --limit, or "
			     "--format csv or json, which have no such limit");
	else if (rc == PS_EDB)
		ps_cli_error(cli, "cannot list events: %s", ps_store_errmsg(cli->store));
	else if (rc != PS_OK)
		ps_cli_error(cli, "cannot list events: %s", ps_strerror(rc));
	return rc == PS_OK ? PS_CLI_OK : PS_CLI_FAIL;
}

/*
 * Read one line into b without its newline. Bytes are taken one at a time
 * so a NUL cannot hide the end of a line. Returns PS_OK, PS_EOF at end of
 * input, PS_ELIMIT for an over-long line and PS_EPROTO for a line with a
 * NUL byte (both consumed whole), or PS_EIO.
 */
static int read_line(FILE *f, struct ps_buf *b)
{
	bool any = false, toolong = false, nul = false;
	int c;

	ps_buf_reset(b);
	while ((c = getc_unlocked(f)) != EOF) {
		any = true;
		if (c == '\n')
			break;
		if (c == '\0')
			nul = true;
		else if (!toolong && ps_buf_addch(b, (uint8_t)c) != PS_OK)
			toolong = true;
	}
	if (ferror(f))
		return PS_EIO;
	if (!any)
		return PS_EOF;
	if (nul)
		return PS_EPROTO;
	return toolong ? PS_ELIMIT : PS_OK;
}

#define IMPORT_ERRORS_SHOWN 50

struct import_state {
	struct ps_cli *cli;
	const char *path;
	const char *sensor;
	struct ps_event *batch;
	json_t **roots;
	char **lines;
	long *linenos;
	size_t n, cap;
	long long imported, bad, file_bad;
};

static void PS_PRINTF(3, 4) bad_line(struct import_state *s, long lineno,
				     const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	s->bad++;
	if (++s->file_bad > IMPORT_ERRORS_SHOWN)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ps_cli_error(s->cli, "%s:%ld: %s", s->path, lineno, msg);
	if (s->file_bad == IMPORT_ERRORS_SHOWN)
		ps_cli_error(s->cli, "%s: further bad lines are counted, not shown", s->path);
}

static void batch_clear(struct import_state *s)
{
	for (size_t i = 0; i < s->n; i++) {
		json_decref(s->roots[i]);
		ps_free(s->lines[i]);
	}
	s->n = 0;
}

/*
 * Store the batch in one transaction. If the store refuses it, retry event
 * by event so that one refused row costs only its own line. Returns PS_EDB
 * when the store refused every event of a batch of several: it is failing,
 * and the caller stops rather than report every remaining line.
 */
static int flush_batch(struct import_state *s)
{
	struct ps_store *st = s->cli->store;
	size_t stored = 0;
	int rc = PS_OK;

	if (s->n == 0)
		return PS_OK;
	if (ps_store_event_batch_insert(st, s->batch, s->n) == PS_OK) {
		s->imported += (long long)s->n;
		batch_clear(s);
		return PS_OK;
	}
	for (size_t i = 0; i < s->n; i++) {
		if (ps_store_event_batch_insert(st, &s->batch[i], 1) == PS_OK)
			stored++;
		else
			bad_line(s, s->linenos[i], "cannot store event: %s",
				 ps_store_errmsg(st));
	}
	s->imported += (long long)stored;
	if (stored == 0 && s->n > 1) {
		ps_cli_error(s->cli, "stopped importing '%s' after line %ld: the store "
			     "refused every event of the last batch; events before "
			     "line %ld are stored", s->path, s->linenos[s->n - 1],
			     s->linenos[0]);
		rc = PS_EDB;
	}
	batch_clear(s);
	return rc;
}

static int import_line(struct import_state *s, struct ps_buf *b, long lineno)
{
	struct ps_diag d = {{0}};
	struct ps_event *ev = &s->batch[s->n];
	size_t len;
	char *line;
	int rc;

	rc = ps_cli_eve_parse(ps_buf_cstr(b), ps_buf_len(b), ev, &s->roots[s->n], &d);
	if (rc != PS_OK) {
		bad_line(s, lineno, "%s", d.msg);
		return PS_OK;
	}
	line = ps_buf_take(b, &len);
	if (line == NULL) {
		json_decref(s->roots[s->n]);
		return PS_ENOMEM;
	}
	s->lines[s->n] = line;
	s->linenos[s->n] = lineno;
	ev->json = line;
	if (s->sensor != NULL)
		ev->sensor = s->sensor;
	if (++s->n == s->cap)
		return flush_batch(s);
	return PS_OK;
}

static int blank(const struct ps_buf *b)
{
	for (size_t i = 0; i < ps_buf_len(b); i++)
		if (b->p[i] != ' ' && b->p[i] != '\t' && b->p[i] != '\r')
			return 0;
	return 1;
}

/* Drop a UTF-8 byte-order mark that some tools write at the start of a file. */
static void strip_bom(struct ps_buf *b)
{
	size_t n = ps_buf_len(b);

	if (n >= 3 && memcmp(b->p, "\xef\xbb\xbf", 3) == 0) {
		memmove(b->p, b->p + 3, n - 3);
		ps_buf_truncate(b, n - 3);
	}
}

static int import_file(struct import_state *s, FILE *f)
{
	struct ps_buf b;
	long lineno = 0;
	int rc = PS_OK;

	s->file_bad = 0;
	ps_buf_init(&b, PS_MEM_CLI, LINE_MAX_BYTES);
	while (rc == PS_OK) {
		int r = read_line(f, &b);

		if (r == PS_EOF)
			break;
		if (++lineno == 1 && r == PS_OK)
			strip_bom(&b);
		if (r == PS_EIO) {
			ps_cli_error(s->cli, "cannot read '%s' after line %ld: %s", s->path,
				     lineno - 1, strerror(errno));
			rc = PS_EIO;
		} else if (r == PS_ELIMIT) {
			bad_line(s, lineno, "line longer than %u bytes", LINE_MAX_BYTES - 1);
		} else if (r == PS_EPROTO) {
			bad_line(s, lineno, "line contains a NUL byte");
		} else if (!blank(&b)) {
			rc = import_line(s, &b, lineno);
		}
	}
	/* store what was read before a read error too */
	if (flush_batch(s) != PS_OK && rc == PS_OK)
		rc = PS_EDB;
	ps_buf_release(&b);
	return rc;
}

static int import_alloc(struct import_state *s, size_t cap)
{
	s->cap = cap;
	s->batch = ps_calloc(PS_MEM_CLI, cap, sizeof(*s->batch));
	s->roots = ps_calloc(PS_MEM_CLI, cap, sizeof(*s->roots));
	s->lines = ps_calloc(PS_MEM_CLI, cap, sizeof(*s->lines));
	s->linenos = ps_calloc(PS_MEM_CLI, cap, sizeof(*s->linenos));
	return s->batch && s->roots && s->lines && s->linenos ? PS_OK : PS_ENOMEM;
}

static void import_free(struct import_state *s)
{
	ps_free(s->batch);
	ps_free(s->roots);
	ps_free(s->lines);
	ps_free(s->linenos);
}

/*
 * Whether file `path` was imported before (its SM3 digest is recorded in
 * meta as "eve.sm3.<hex>"): 1 after saying so, 0 with *key set to record
 * it once imported, -1 after an error naming the file.
 */
static int seen_before(struct ps_cli *cli, const char *path, char *key, size_t keylen)
{
	struct ps_diag d = {{0}};
	char *when = NULL;

	if (ps_cli_file_key(path, "eve", key, keylen, &d) != PS_OK) {
		ps_cli_error(cli, "%s", d.msg);
		return -1;
	}
	if (ps_store_meta_get(cli->store, key, &when) != PS_OK)
		return 0;
	fprintf(cli->err, "note: '%s' is already in the store (imported %s); --force "
		"imports it again\n", path, when);
	ps_free(when);
	return 1;
}

static void record_imported(struct ps_cli *cli, const char *path, const char *key)
{
	char ts[PS_TIME_FMT_SIZE];

	if (ps_time_fmt_iso8601(ps_time_now_us(), PS_TZ_SHANGHAI, PS_TIME_FMT_SEC, ts,
				sizeof(ts)) != PS_OK ||
	    ps_store_meta_set(cli->store, key, ts) != PS_OK)
		ps_cli_warn(cli, "cannot record '%s' as imported", path);
}

static int event_import(struct ps_cli *cli, int argc, char **argv)
{
	struct import_state s = {.cli = cli};
	const struct ps_store_settings *ss;
	bool force = false;
	int i = 1, failed = 0;

	for (; i < argc; i++) {
		if (i + 1 < argc && strcmp(argv[i], "--sensor") == 0)
			s.sensor = argv[++i];
		else if (strcmp(argv[i], "--force") == 0)
			force = true;
		else
			break;
	}
	if (i >= argc)
		return ps_cli_usage(cli, &ps_cmd_event_import);
	if (ps_cli_store_open(cli, false) != PS_OK)
		return PS_CLI_FAIL;
	ss = ps_conf_section_get(cli->conf, "store");
	if (import_alloc(&s, (size_t)ss->batch_size) != PS_OK) {
		import_free(&s);
		ps_cli_error(cli, "out of memory");
		return PS_CLI_FAIL;
	}
	for (; i < argc; i++) {
		bool piped = strcmp(argv[i], "-") == 0;
		char key[96] = "";
		FILE *f;
		int seen = 0, rc;

		/* a file already imported (same content, any name) is skipped;
		 * standard input cannot be recognised */
		if (!piped && !force && (seen = seen_before(cli, argv[i], key, sizeof(key))) != 0) {
			failed += seen < 0;
			continue;
		}
		f = piped ? stdin : fopen(argv[i], "r");
		s.path = argv[i];
		if (f == NULL) {
			ps_cli_error(cli, "cannot open '%s': %s", argv[i], strerror(errno));
			failed++;
			continue;
		}
		rc = import_file(&s, f);
		failed += rc != PS_OK;
		if (f != stdin)
			fclose(f);
		/* recorded once read to its end, bad lines and all: importing it
		 * again would store its good lines twice */
		if (rc == PS_OK && key[0] != '\0')
			record_imported(cli, argv[i], key);
	}
	import_free(&s);
	if (!cli->quiet)
		ps_tr_fprintf(cli->out, PS_MSG_EVENT_IMPORTED, s.imported, s.bad);
	return failed || s.bad ? PS_CLI_FAIL : PS_CLI_OK;
}

/*
 * The oldest instant a purge may reach: now minus the legal minimum for
 * logs from policy (rule 17). Purging anything newer needs --force.
 */
static int legal_floor(struct ps_cli *cli, int64_t now, int64_t *floor_us,
		       int64_t *min_days)
{
	if (ps_cli_policy_load(cli) != PS_OK)
		return PS_EINVAL;
	if (ps_policy_get_int(cli->policy, "datasec.logs.retention_min_days",
			      min_days) != PS_OK) {
		ps_cli_error(cli, "policy has no 'datasec.logs.retention_min_days'");
		return PS_EINVAL;
	}
	*floor_us = now - *min_days * PS_USEC_PER_DAY;
	return PS_OK;
}

static int event_purge(struct ps_cli *cli, int argc, char **argv)
{
	const struct ps_store_settings *ss;
	int64_t now = ps_time_now_us(), cutoff, floor_us, min_days, deleted = 0;
	bool force = false, have_before = false;
	char when[PS_TIME_FMT_SIZE];

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--force") == 0) {
			force = true;
		} else if (strcmp(argv[i], "--before") == 0 && i + 1 < argc) {
			if (parse_time_opt(cli, argv[i], argv[i + 1], &cutoff) != PS_OK)
				return PS_CLI_USAGE;
			have_before = true;
			i++;
		} else {
			return ps_cli_usage(cli, &ps_cmd_event_purge);
		}
	}
	if (ps_cli_store_open(cli, false) != PS_OK ||
	    legal_floor(cli, now, &floor_us, &min_days) != PS_OK)
		return PS_CLI_FAIL;
	ss = ps_conf_section_get(cli->conf, "store");
	if (!have_before)
		cutoff = now - ss->event_retention_days * PS_USEC_PER_DAY;
	if (ps_time_fmt_iso8601(cutoff, PS_TZ_SHANGHAI, PS_TIME_FMT_SEC, when,
				sizeof(when)) != PS_OK)
		snprintf(when, sizeof(when), "%lld", (long long)cutoff);
	if (cutoff > floor_us && !force) {
		ps_cli_error(cli, "refusing to purge events newer than %lld days "
			     "(policy 'datasec.logs.retention_min_days'): cutoff %s; "
			     "use --force to override", (long long)min_days, when);
		return PS_CLI_FAIL;
	}
	if (ps_store_event_purge_before(cli->store, cutoff, &deleted) != PS_OK) {
		ps_cli_error(cli, "cannot purge events: %s", ps_store_errmsg(cli->store));
		return PS_CLI_FAIL;
	}
	if (!cli->quiet)
		ps_tr_fprintf(cli->out, PS_MSG_EVENT_PURGED, (long long)deleted, when);
	return PS_CLI_OK;
}

const struct ps_cli_cmd ps_cmd_event_list = {
	"event", "list", event_list,
	"panshi event list [--type T] [--ip A] [--sensor S] [--since T] [--until T] "
	"[--limit N] [--offset N] [--format table|json|csv]",
	"list stored events, newest first", PS_MSG_CMD_EVENT_LIST};
const struct ps_cli_cmd ps_cmd_event_import = {
	"event", "import", event_import,
	"panshi event import [--sensor NAME] [--force] FILE...|-",
	"import EVE JSON lines into the store", PS_MSG_CMD_EVENT_IMPORT};
const struct ps_cli_cmd ps_cmd_event_purge = {
	"event", "purge", event_purge, "panshi event purge [--before TIME] [--force]",
	"delete events older than store.event_retention_days (or TIME)",
	PS_MSG_CMD_EVENT_PURGE};
