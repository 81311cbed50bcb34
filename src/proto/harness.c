/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The parser harness: a sink that keeps events in memory and a fixed flow,
 * so a parser test needs nothing but bytes.
 */
#include <string.h>

#include "core/core.h"
#include "proto/harness.h"

#define HARNESS_LINE_MAX (1u << 20)

static struct ps_jw *h_begin(struct ps_proto_sink *s,
			     const struct ps_proto_ctx *c, const char *type)
{
	struct ps_proto_harness *h = (struct ps_proto_harness *)s;

	ps_buf_reset(&h->line);
	ps_jw_init(&h->jw, &h->line);
	ps_jw_obj_open(&h->jw, NULL);
	ps_proto_write_header(&h->jw, c, type);
	return &h->jw;
}

static void h_end(struct ps_proto_sink *s, const struct ps_proto_ctx *c)
{
	struct ps_proto_harness *h = (struct ps_proto_harness *)s;
	char *line;

	(void)c;
	ps_jw_obj_close(&h->jw);
	if (ps_jw_error(&h->jw) || h->jw.depth != 0) {
		ps_log(PS_LOG_ERROR, "proto", "harness: event is not a closed JSON object (%s)",
			     ps_strerror(ps_jw_error(&h->jw)));
		line = ps_strdup(PS_MEM_TEST, "{\"harness_error\":true}");
	} else {
		line = ps_strdup(PS_MEM_TEST, ps_buf_cstr(&h->line));
	}
	if (line && ps_vec_push(&h->events, &line))
		ps_free(line);
}

static void h_anomaly(struct ps_proto_sink *s, const struct ps_proto_ctx *c,
		      const char *what)
{
	struct ps_proto_harness *h = (struct ps_proto_harness *)s;

	(void)c;
	(void)!ps_vec_push(&h->anomalies, &what);
}

static void h_expect(struct ps_proto_sink *s, const struct ps_proto_ctx *c,
		     const struct ps_addr *cli, const struct ps_addr *srv,
		     uint16_t port, enum ps_alproto proto)
{
	struct ps_proto_harness *h = (struct ps_proto_harness *)s;

	(void)c;
	(void)cli;
	(void)srv;
	(void)proto;
	(void)!ps_vec_push(&h->expects, &port);
}

void ps_proto_harness_note(struct ps_proto_harness *h, uint64_t flow_id,
			   const void *p, size_t n)
{
	if (n > sizeof(h->note))
		n = sizeof(h->note);
	memcpy(h->note, p, n);
	h->note_len = n;
	h->note_flow = flow_id;
	h->note_us = h->ctx.ts_us;
}

static void h_note_set(struct ps_proto_sink *s, const struct ps_proto_ctx *c,
		       const void *p, size_t n)
{
	ps_proto_harness_note((struct ps_proto_harness *)s, c->flow->flow_id,
			      p, n);
}

static size_t h_note_get(struct ps_proto_sink *s, const struct ps_proto_ctx *c,
			 uint64_t flow_id, int64_t from_us, int64_t to_us,
			 void *out, size_t cap)
{
	struct ps_proto_harness *h = (struct ps_proto_harness *)s;
	size_t n = h->note_len < cap ? h->note_len : cap;

	(void)c;
	if (flow_id != h->note_flow || !h->note_len ||
	    h->note_us < from_us || h->note_us > to_us)
		return 0;
	memcpy(out, h->note, n);
	return n;
}

static void h_observe(struct ps_proto_sink *s, const struct ps_proto_ctx *c,
		      enum ps_obs k, const void *p, size_t n)
{
	struct ps_proto_harness *h = (struct ps_proto_harness *)s;
	const char *field = ps_obs_field(k);
	bool bin = k == PS_OBS_DNS_ANSWER_ADDR || k == PS_OBS_TLS_JA3 ||
		   k == PS_OBS_FILE_MD5 || k == PS_OBS_FILE_SHA1 ||
		   k == PS_OBS_FILE_SHA256;
	size_t fl = strlen(field), len = fl + 1 + (bin ? 2 * n : n);
	char *t = ps_malloc(PS_MEM_TEST, len + 1);

	(void)c;
	if (!t)
		return;
	memcpy(t, field, fl);
	t[fl] = '=';
	if (!bin) {
		memcpy(t + fl + 1, p, n);
		t[len] = '\0';
	} else if (ps_hex_encode(p, n, t + fl + 1, len + 1 - fl - 1) != PS_OK) {
		ps_free(t);
		return;
	}
	if (ps_vec_push(&h->observed, &t))
		ps_free(t);
}

size_t ps_proto_harness_observed(const struct ps_proto_harness *h,
				 const char *what)
{
	size_t i, n = 0;

	for (i = 0; i < ps_vec_len(&h->observed); i++)
		if (!strcmp(*(char **)ps_vec_get(&h->observed, i), what))
			n++;
	return n;
}

int ps_proto_harness_init(struct ps_proto_harness *h,
			  const struct ps_proto_parser *p, uint8_t ip_proto,
			  uint16_t port)
{
	memset(h, 0, sizeof(*h));
	h->sink.begin = h_begin;
	h->sink.end = h_end;
	h->sink.anomaly = h_anomaly;
	h->sink.expect = h_expect;
	h->sink.note_set = h_note_set;
	h->sink.note_get = h_note_get;
	h->sink.observe = h_observe;
	h->flow.flow_id = 1234567;
	h->flow.family = PS_AF_INET;
	(void)ps_addr_parse("10.0.0.1", &h->flow.cli);
	(void)ps_addr_parse("10.0.0.2", &h->flow.srv);
	h->flow.cport = 40000;
	h->flow.sport = port;
	h->flow.ip_proto = ip_proto;
	h->flow.start_us = 1700000000000000;
	h->ctx.flow = &h->flow;
	h->ctx.ts_us = h->flow.start_us;
	h->ctx.alproto = p->id;
	h->ctx.sink = &h->sink;
	h->parser = p;
	ps_buf_init(&h->line, PS_MEM_TEST, HARNESS_LINE_MAX);
	ps_vec_init(&h->events, PS_MEM_TEST, sizeof(char *), 1u << 20);
	ps_vec_init(&h->observed, PS_MEM_TEST, sizeof(char *), 1u << 20);
	ps_vec_init(&h->anomalies, PS_MEM_TEST, sizeof(const char *), 1u << 20);
	ps_vec_init(&h->expects, PS_MEM_TEST, sizeof(uint16_t), 1u << 16);
	h->state = ps_calloc(PS_MEM_TEST, 1, p->state_size ? p->state_size : 1);
	return h->state ? PS_OK : PS_ENOMEM;
}

int ps_proto_harness_feed(struct ps_proto_harness *h, enum ps_dir dir,
			  const void *data, size_t len)
{
	int rc;

	if (h->stopped || !h->state)
		return PS_OK;
	h->ctx.dir = dir;
	h->ctx.ts_us += 1000;
	rc = h->parser->parse(h->state, &h->ctx, dir, data, len);
	if (rc)
		h->stopped = true;
	return rc;
}

void ps_proto_harness_gap(struct ps_proto_harness *h, enum ps_dir dir,
			  size_t len)
{
	if (h->stopped || !h->state || !h->parser->gap)
		return;
	h->ctx.dir = dir;
	h->parser->gap(h->state, &h->ctx, dir, len);
}

void ps_proto_harness_finish(struct ps_proto_harness *h)
{
	if (!h->state)
		return;
	if (h->parser->finish)
		h->parser->finish(h->state, &h->ctx);
	ps_free(h->state);
	h->state = NULL;
}

void ps_proto_harness_release(struct ps_proto_harness *h)
{
	size_t i;

	ps_proto_harness_finish(h);
	for (i = 0; i < ps_vec_len(&h->events); i++)
		ps_free(*(char **)ps_vec_get(&h->events, i));
	ps_vec_release(&h->events);
	for (i = 0; i < ps_vec_len(&h->observed); i++)
		ps_free(*(char **)ps_vec_get(&h->observed, i));
	ps_vec_release(&h->observed);
	ps_vec_release(&h->anomalies);
	ps_vec_release(&h->expects);
	ps_buf_release(&h->line);
}

size_t ps_proto_harness_nevents(const struct ps_proto_harness *h)
{
	return ps_vec_len(&h->events);
}

const char *ps_proto_harness_event(const struct ps_proto_harness *h, size_t i)
{
	if (i >= ps_vec_len(&h->events))
		return NULL;
	return *(char **)ps_vec_get(&h->events, i);
}

size_t ps_proto_harness_anomalies(const struct ps_proto_harness *h,
				  const char *what)
{
	size_t i, n = 0;

	for (i = 0; i < ps_vec_len(&h->anomalies); i++)
		if (!strcmp(*(const char **)ps_vec_get(&h->anomalies, i), what))
			n++;
	return n;
}
