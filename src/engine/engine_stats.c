/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The end of a run: the "stats" event (Suricata's nesting of dotted
 * counter names), the summary the CLI prints, and teardown.
 */
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "engine/engine_int.h"

struct stat_item {
	char name[96];
	uint64_t v;
};

struct stat_list {
	struct stat_item *it;
	size_t n, cap;
};

/* Add v to the counter prefix+name (created at first sight; 0 is skipped). */
static void stat_add(struct stat_list *l, const char *prefix, const char *name,
		     uint64_t v)
{
	char full[sizeof(l->it[0].name)];
	size_t i;

	if (!v)
		return;
	snprintf(full, sizeof(full), "%s%s", prefix, name);
	for (i = 0; i < l->n; i++) {
		if (!strcmp(l->it[i].name, full)) {
			l->it[i].v += v;
			return;
		}
	}
	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 128;
		struct stat_item *ni = ps_reallocarray(PS_MEM_INGEST, l->it, nc,
						       sizeof(*ni));

		if (!ni)
			return;
		l->it = ni;
		l->cap = nc;
	}
	memcpy(l->it[l->n].name, full, sizeof(full));
	l->it[l->n++].v = v;
}

static int stat_cmp(const void *a, const void *b)
{
	return strcmp(((const struct stat_item *)a)->name,
		      ((const struct stat_item *)b)->name);
}

/* Split a dotted name into at most 8 components; returns how many. */
static size_t split(const char *s, const char *parts[8], size_t lens[8])
{
	size_t n = 0;

	while (*s && n < 8) {
		const char *dot = strchr(s, '.');
		size_t l = dot ? (size_t)(dot - s) : strlen(s);

		parts[n] = s;
		lens[n++] = l;
		s += l + (dot ? 1 : 0);
		if (!dot)
			break;
	}
	return n;
}

/* Write sorted dotted names as nested objects. */
static void write_nested(struct ps_jw *w, struct stat_list *l)
{
	const char *prev[8], *cur[8];
	size_t plen[8], clen[8], np = 0, nc, common, k;
	char key[96];

	qsort(l->it, l->n, sizeof(*l->it), stat_cmp);
	for (size_t i = 0; i < l->n; i++) {
		nc = split(l->it[i].name, cur, clen);
		common = 0;
		while (common < np - (np ? 1 : 0) && common < nc - 1 &&
		       plen[common] == clen[common] &&
		       !memcmp(prev[common], cur[common], clen[common]))
			common++;
		for (k = np ? np - 1 : 0; k > common; k--)
			ps_jw_obj_close(w);
		for (k = common; k + 1 < nc; k++) {
			snprintf(key, sizeof(key), "%.*s", (int)clen[k], cur[k]);
			ps_jw_obj_open(w, key);
		}
		snprintf(key, sizeof(key), "%.*s", (int)clen[nc - 1], cur[nc - 1]);
		ps_jw_uint(w, key, l->it[i].v);
		memcpy(prev, cur, sizeof(cur));
		memcpy(plen, clen, sizeof(clen));
		np = nc;
	}
	for (k = np ? np - 1 : 0; k > 0; k--)
		ps_jw_obj_close(w);
}

static void collect(struct ps_engine *e, struct stat_list *l)
{
	struct ps_flow_stats fs;
	unsigned i, j;

	stat_add(l, "", "capture.packets", e->packets);
	stat_add(l, "", "capture.bytes", e->bytes);
	stat_add(l, "", "capture.kernel_packets", e->src_stats.kernel_received);
	stat_add(l, "", "capture.kernel_drops", e->src_stats.kernel_drops);
	stat_add(l, "", "capture.kernel_ifdrops", e->src_stats.if_drops);
	for (i = 0; i < PS_DEC__COUNT; i++)
		stat_add(l, "", ps_decode_ctr_name(i), e->dec.ctr[i]);
	for (j = 0; j < e->nworkers; j++) {
		struct worker *w = &e->w[j];

		for (i = 0; i < PS_STREAM__COUNT; i++)
			stat_add(l, "", ps_stream_ctr_name(i), w->stream_ctr[i]);
		ps_flow_table_stats(&w->flows, &fs);
		stat_add(l, "", "flow.created", fs.created);
		stat_add(l, "", "flow.timed_out", fs.timed_out);
		stat_add(l, "", "flow.evicted_memcap", fs.evicted_memcap);
		stat_add(l, "", "flow.memcap_drops", fs.memcap_drops);
		stat_add(l, "", "flow.tcp", w->flows_l4[0]);
		stat_add(l, "", "flow.udp", w->flows_l4[1]);
		stat_add(l, "", "flow.other", w->flows_l4[2]);
		for (i = 1; i < PS_ALPROTO__COUNT; i++)
			stat_add(l, "app_layer.flow.", ps_alproto_name(i),
				 w->flows_by_proto[i]);
		stat_add(l, "", "detect.intel.matches", w->intel_hits);
		stat_add(l, "", "detect.intel.alerts", w->intel_alerts);
		for (i = 0; i < ENGINE_NAMES; i++) {
			if (w->anomalies.e[i].name)
				stat_add(l, "app_layer.anomaly.",
					 w->anomalies.e[i].name, w->anomalies.e[i].n);
			if (w->event_types.e[i].name)
				stat_add(l, "detect.events.", w->event_types.e[i].name,
					 w->event_types.e[i].n);
		}
	}
}

int ps_engine_finish(struct ps_engine *e, struct ps_diag *d)
{
	struct stat_list l = {0};
	struct worker *w = &e->w[0];
	struct ps_proto_flow meta;
	struct ps_proto_ctx c;
	struct ps_jw *jw;
	char ts[32];

	if (!e->outputs)
		return PS_OK;
	collect(e, &l);
	/* The stats event has no flow: write it by hand through worker 0. */
	memset(&meta, 0, sizeof(meta));
	memset(&c, 0, sizeof(c));
	c.flow = &meta;
	c.ts_us = ps_time_now_us();
	c.sink = &w->sink;
	ps_buf_reset(&w->line);
	ps_jw_init(&w->jw, &w->line);
	jw = &w->jw;
	ps_jw_obj_open(jw, NULL);
	ps_jw_str(jw, "timestamp", ps_eve_time_fmt(c.ts_us, ts));
	ps_jw_str(jw, "event_type", "stats");
	ps_jw_obj_open(jw, "stats");
	ps_jw_uint(jw, "uptime", (uint64_t)e->seconds);
	write_nested(jw, &l);
	ps_jw_obj_close(jw);
	ps_jw_obj_close(jw);
	ps_free(l.it);
	if (!ps_jw_error(jw) && e->cfg.eve) {
		if (ps_buf_add(&w->eve, w->line.p, ps_buf_len(&w->line)) ||
		    ps_buf_addch(&w->eve, '\n'))
			w->dropped_events++;
	}
	ps_worker_flush(w);
	if (e->cfg.eve && fflush(e->cfg.eve) && !e->out_err)
		e->out_err = PS_EIO;
	if (e->out_err) {
		ps_diag_set(d, "cannot write events: %s", ps_strerror(e->out_err));
		return e->out_err;
	}
	return PS_OK;
}

static int count_cmp(const void *a, const void *b)
{
	const struct ps_engine_count *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	return strcmp(x->name, y->name);
}

/* Merge a name table into an array of distinct names (by text). */
static size_t merge(struct ps_engine_count *out, size_t n, size_t cap,
		    const struct name_table *t)
{
	size_t i, j;

	for (i = 0; i < ENGINE_NAMES; i++) {
		if (!t->e[i].name)
			continue;
		for (j = 0; j < n; j++)
			if (!strcmp(out[j].name, t->e[i].name))
				break;
		if (j < n) {
			out[j].n += t->e[i].n;
		} else if (n < cap) {
			out[n].name = t->e[i].name;
			out[n++].n = t->e[i].n;
		}
	}
	return n;
}

void ps_engine_summary(struct ps_engine *e, struct ps_engine_summary *s)
{
	struct ps_engine_count an[ENGINE_NAMES], ev[ENGINE_NAMES];
	struct ps_flow_stats fs;
	size_t nan = 0, nev = 0, i;
	unsigned j;

	memset(s, 0, sizeof(*s));
	s->packets = e->packets;
	s->bytes = e->bytes;
	s->decoded = e->decoded;
	s->invalid = e->invalid;
	s->seconds = e->seconds;
	for (i = 0; i < PS_DEC__COUNT; i++) {
		const char *n = ps_decode_ctr_name(i);

		if (e->dec.ctr[i] && strstr(n, ".event."))
			s->anomalies_decoder += e->dec.ctr[i];
	}
	for (j = 0; j < e->nworkers; j++) {
		struct worker *w = &e->w[j];

		ps_flow_table_stats(&w->flows, &fs);
		s->flows += fs.created;
		s->peak_flows += fs.peak_active;
		s->flow_mem_peak += fs.peak_mem_bytes;
		s->flows_tcp += w->flows_l4[0];
		s->flows_udp += w->flows_l4[1];
		s->flows_other += w->flows_l4[2];
		for (i = 0; i < PS_ALPROTO__COUNT; i++)
			s->flows_by_proto[i] += w->flows_by_proto[i];
		s->events += w->events;
		s->dropped_events += w->dropped_events;
		s->store_events += w->store_events;
		s->store_errors += w->store_errors;
		s->intel_hits += w->intel_hits;
		s->intel_alerts += w->intel_alerts;
		s->anomalies_stream += w->stream_ctr[PS_STREAM_GAP] +
				       w->stream_ctr[PS_STREAM_OVERLAP_DIFF] +
				       w->stream_ctr[PS_STREAM_OOO_DROPPED];
		for (i = 0; i < ENGINE_NAMES; i++)
			s->anomalies_app += w->anomalies.e[i].n;
		nan = merge(an, nan, ENGINE_NAMES, &w->anomalies);
		nev = merge(ev, nev, ENGINE_NAMES, &w->event_types);
	}
	qsort(an, nan, sizeof(an[0]), count_cmp);
	qsort(ev, nev, sizeof(ev[0]), count_cmp);
	s->nanomalies = nan < PS_ENGINE_TOP ? nan : PS_ENGINE_TOP;
	memcpy(s->anomalies, an, s->nanomalies * sizeof(an[0]));
	s->nevent_types = nev < PS_ARRAY_LEN(s->event_types) ? nev :
			  PS_ARRAY_LEN(s->event_types);
	memcpy(s->event_types, ev, s->nevent_types * sizeof(ev[0]));
}

void ps_engine_free(struct ps_engine *e)
{
	unsigned i;

	if (!e)
		return;
	if (e->w)
		for (i = 0; i < e->nworkers; i++)
			ps_worker_release(&e->w[i]);
	ps_free(e->w);
	if (e->dec_ok)
		ps_decoder_release(&e->dec);
	pthread_mutex_destroy(&e->out_lock);
	pthread_mutex_destroy(&e->exp_lock);
	ps_free(e);
}
