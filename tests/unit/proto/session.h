/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Session helpers shared by the line-protocol parser tests: a test file
 * defines h_parser and h_port, then lists client (C) and server (S) steps
 * and runs them whole and one byte per call through the harness.
 */
#ifndef PS_TEST_PROTO_SESSION_H
#define PS_TEST_PROTO_SESSION_H

#include <string.h>

#include "proto/harness.h"

#if !defined(h_parser) || !defined(h_port)
#error "define h_parser and h_port before including session.h"
#endif

struct step {
	enum ps_dir dir;
	const char *data;
	size_t len;          /* 0: strlen(data) */
};

#define C(s) {PS_DIR_TOSERVER, s, sizeof(s) - 1}
#define S(s) {PS_DIR_TOCLIENT, s, sizeof(s) - 1}

/* Feed every step (whole, or one byte per call), then finish. */
static inline void run(struct ps_proto_harness *h, const struct step *st, size_t n,
		bool bytewise)
{
	size_t i, j;

	assert_int_equal(ps_proto_harness_init(h, h_parser, 6, h_port), PS_OK);
	for (i = 0; i < n; i++) {
		size_t len = st[i].len ? st[i].len : strlen(st[i].data);

		if (!bytewise) {
			assert_int_equal(ps_proto_harness_feed(h, st[i].dir,
					 st[i].data, len), PS_OK);
			continue;
		}
		for (j = 0; j < len; j++)
			assert_int_equal(ps_proto_harness_feed(h, st[i].dir,
					 st[i].data + j, 1), PS_OK);
	}
	ps_proto_harness_finish(h);
}

/* The event without its timestamp (the harness advances time per feed). */
static inline const char *body(const char *ev)
{
	const char *p = strstr(ev, "\"flow_id\"");

	assert_non_null(p);
	return p;
}

/* Run whole and byte-wise: same events; returns the whole-run harness. */
static inline void run_both(struct ps_proto_harness *h, const struct step *st,
		     size_t n)
{
	struct ps_proto_harness b;
	size_t i;

	run(h, st, n, false);
	run(&b, st, n, true);
	assert_int_equal(ps_proto_harness_nevents(h), ps_proto_harness_nevents(&b));
	for (i = 0; i < ps_proto_harness_nevents(h); i++)
		assert_string_equal(body(ps_proto_harness_event(h, i)),
				    body(ps_proto_harness_event(&b, i)));
	ps_proto_harness_release(&b);
}

static inline void assert_no_secret(const struct ps_proto_harness *h,
			     const char *const *secrets)
{
	size_t i, j;

	for (i = 0; i < ps_proto_harness_nevents(h); i++)
		for (j = 0; secrets[j]; j++)
			assert_null(strstr(ps_proto_harness_event(h, i), secrets[j]));
}

static inline void assert_has(const char *ev, const char *what)
{
	if (!strstr(ev, what))
		fail_msg("'%s' not in %s", what, ev);
}

#endif
