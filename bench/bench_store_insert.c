/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Benchmark of ps_store_event_batch_insert() against a raw sqlite3 insert
 * loop (one prepared single-row INSERT, one transaction) on the same
 * schema and pragmas in the same run, printed as rows/s and a ratio.
 *
 *   bench_store_insert [rows] [spec]
 *
 * With a spec (e.g. a postgresql:// URI) the store part runs there; the
 * baseline always uses a temporary SQLite file.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/core.h"
#include "store/store.h"
#include "store/store_int.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct data {
	struct ps_event *ev;
	char (*ip)[24];
	char (*json)[128];
	size_t n;
};

static int make_data(struct data *d, size_t n)
{
	static const char *const types[] = {"alert", "dns", "http", "flow"};

	d->n = n;
	d->ev = ps_calloc(PS_MEM_TEST, n, sizeof(*d->ev));
	d->ip = ps_calloc(PS_MEM_TEST, n, sizeof(*d->ip));
	d->json = ps_calloc(PS_MEM_TEST, n, sizeof(*d->json));
	if (d->ev == NULL || d->ip == NULL || d->json == NULL)
		return PS_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct ps_event *e = &d->ev[i];

		snprintf(d->ip[i], sizeof(d->ip[i]), "10.%zu.%zu.%zu",
			 i >> 16 & 255, i >> 8 & 255, i & 255);
		snprintf(d->json[i], sizeof(d->json[i]),
			 "{\"dns\":{\"rrname\":\"host%zu.example.cn\","
			 "\"rrtype\":\"A\"},\"seq\":%zu}", i % 5000, i);
		e->ts_us = INT64_C(1793491200000000) + (int64_t)i * 1000;
		e->sensor = "bench";
		e->event_type = types[i % 4];
		e->severity = i % 4 == 0 ? 2 : 0;
		e->src_ip = d->ip[i];
		e->src_port = (int)(1024 + i % 60000);
		e->dest_ip = "192.0.2.53";
		e->dest_port = 53;
		e->proto = "UDP";
		e->app_proto = "dns";
		e->flow_id = (int64_t)i + 1;
		e->json = d->json[i];
	}
	return PS_OK;
}

static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v != NULL)
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, i);
}

/* The baseline: what a hand-written loop over the sqlite3 API does. */
static double raw_sqlite(const char *path, const struct data *d)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	double t0, t;

	if (sqlite3_open(path, &db) != SQLITE_OK)
		return -1;
	sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL",
		     NULL, NULL, NULL);
	sqlite3_exec(db, ps_store_migrations[0].sqlite, NULL, NULL, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO events (ts, sensor, event_type, "
			   "severity, src_ip, src_port, dest_ip, dest_port, proto, "
			   "app_proto, flow_id, details) VALUES "
			   "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", -1, &s, NULL);
	t0 = now_s();
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	for (size_t i = 0; i < d->n; i++) {
		const struct ps_event *e = &d->ev[i];

		sqlite3_bind_int64(s, 1, e->ts_us);
		bind_text(s, 2, e->sensor);
		bind_text(s, 3, e->event_type);
		sqlite3_bind_int(s, 4, e->severity);
		bind_text(s, 5, e->src_ip);
		sqlite3_bind_int(s, 6, e->src_port);
		bind_text(s, 7, e->dest_ip);
		sqlite3_bind_int(s, 8, e->dest_port);
		bind_text(s, 9, e->proto);
		bind_text(s, 10, e->app_proto);
		sqlite3_bind_int64(s, 11, e->flow_id);
		bind_text(s, 12, e->json);
		if (sqlite3_step(s) != SQLITE_DONE)
			fprintf(stderr, "raw insert: %s\n", sqlite3_errmsg(db));
		sqlite3_reset(s);
	}
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	t = now_s() - t0;
	sqlite3_finalize(s);
	sqlite3_close(db);
	return t;
}

static double store_insert(const char *spec, const struct data *d)
{
	struct ps_store *st;
	struct ps_diag diag;
	double t0, t = -1;

	if (ps_store_open(spec, NULL, &st, &diag) != PS_OK ||
	    ps_store_migrate(st, NULL, NULL, &diag) != PS_OK) {
		fprintf(stderr, "bench: %s\n", diag.msg);
		return -1;
	}
	t0 = now_s();
	if (ps_store_event_batch_insert(st, d->ev, d->n) == PS_OK)
		t = now_s() - t0;
	else
		fprintf(stderr, "bench: %s\n", ps_store_errmsg(st));
	ps_store_close(st);
	return t;
}

static void rm_db(const char *path)
{
	char p[600];

	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
	unlink(path);
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 200000;
	char dir[] = "/tmp/panshi-bench-XXXXXX", raw[600], mine[600];
	const char *spec = argc > 2 ? argv[2] : mine;
	struct data d;
	double tr, ts;

	if (n == 0 || mkdtemp(dir) == NULL || make_data(&d, n) != PS_OK)
		return 1;
	snprintf(raw, sizeof(raw), "%s/raw.db", dir);
	snprintf(mine, sizeof(mine), "%s/store.db", dir);
	tr = raw_sqlite(raw, &d);
	ts = store_insert(spec, &d);
	rm_db(raw);
	rm_db(mine);
	rmdir(dir);
	ps_free(d.ev);
	ps_free(d.ip);
	ps_free(d.json);
	if (tr <= 0 || ts <= 0)
		return 1;
	printf("rows             %zu\n", n);
	printf("raw sqlite3 loop %.0f rows/s\n", (double)n / tr);
	printf("ps_store (%s) %.0f rows/s\n", spec == mine ? "sqlite" : "spec",
	       (double)n / ts);
	printf("ratio            %.2f (store / raw sqlite3)\n", tr / ts);
	return 0;
}
