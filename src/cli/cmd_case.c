/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `panshi case ...`: correlate stored alerts into incidents routed to
 * their owners, list and show them with their clocks, and move them
 * through the closed loop (assign, move, note, facts, clock, verify, and
 * the tick job). Every action lands in the incident's history and in the
 * audit trail.
 */
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>

#include "cli/cli_audit.h"
#include "cli/cli_int.h"
#include "core/core.h"
#include "incident/case.h"
#include "incident/case_json.h"
#include "registry/registry.h"
#include "store/store.h"

/* Options every case command may take; which ones a command accepts is
 * given by the letters in `allowed`. */
struct case_opts {
	const char *pos[3];
	int npos;
	const char *why, *expiry, *at, *state, *unit, *kind, *assignee, *evidence;
	bool overdue, follow;
	int64_t interval;  /* --interval seconds (correlate --follow) */
	int64_t limit, offset;
	int64_t when;      /* --at / --now / --as-of, else now */
	int64_t expiry_us;
};

enum opt_slot { O_WHY, O_EXPIRY, O_AT, O_STATE, O_UNIT, O_KIND, O_ASSIGNEE, O_EVIDENCE };

struct opt_def {
	const char *name;
	char letter;
	enum opt_slot slot;
};

static const struct opt_def opt_defs[] = {
	{"--why", 'w', O_WHY},
	{"--expiry", 'x', O_EXPIRY},
	{"--at", 'a', O_AT},
	{"--now", 'a', O_AT},
	{"--as-of", 'a', O_AT},
	{"--state", 's', O_STATE},
	{"--unit", 'u', O_UNIT},
	{"--kind", 'k', O_KIND},
	{"--assignee", 'p', O_ASSIGNEE},
	{"--evidence", 'e', O_EVIDENCE},
};

/* A time: ISO 8601 (Asia/Shanghai when no zone is given) or a date
 * (its start in Asia/Shanghai). */
static int parse_time(struct ps_cli *cli, const char *opt, const char *v, int64_t *us)
{
	struct ps_date dd;

	if (ps_time_parse_iso8601(v, strlen(v), PS_TZ_SHANGHAI, us) == PS_OK)
		return PS_OK;
	if (ps_date_parse(v, strlen(v), &dd) == PS_OK &&
	    ps_date_to_time_us(dd, PS_TZ_SHANGHAI, us) == PS_OK)
		return PS_OK;
	ps_cli_error(cli, "%s: '%s' is not a time (2026-11-20T09:30:00+08:00 or "
		     "2026-11-20)", opt, v);
	return PS_EINVAL;
}

static int parse_count(struct ps_cli *cli, const char *opt, const char *v, int64_t *out)
{
	char *end;
	long long n = strtoll(v, &end, 10);

	if (end == v || *end || n < 0) {
		ps_cli_error(cli, "%s must be a whole number >= 0, not '%s'", opt, v);
		return PS_EINVAL;
	}
	*out = n;
	return PS_OK;
}

static int parse_opts(struct ps_cli *cli, const struct ps_cli_cmd *cmd, int argc,
		      char **argv, const char *allowed, int npos_min, int npos_max,
		      struct case_opts *o)
{
	const char **slots[] = {&o->why, &o->expiry, &o->at, &o->state, &o->unit,
				&o->kind, &o->assignee, &o->evidence};

	memset(o, 0, sizeof(*o));
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool has = i + 1 < argc, done = false;

		for (size_t j = 0; j < PS_ARRAY_LEN(opt_defs) && !done; j++) {
			if (strcmp(a, opt_defs[j].name) || !strchr(allowed, opt_defs[j].letter))
				continue;
			if (!has)
				goto usage;
			*slots[opt_defs[j].slot] = argv[++i];
			done = true;
		}
		if (done)
			continue;
		if (!strcmp(a, "--format") && has) {
			if (ps_cli_parse_format(cli, argv[++i]) != PS_OK)
				return PS_CLI_USAGE;
		} else if (!strcmp(a, "--follow") && strchr(allowed, 'f')) {
			o->follow = true;
		} else if (!strcmp(a, "--interval") && has && strchr(allowed, 'f')) {
			if (parse_count(cli, a, argv[++i], &o->interval) != PS_OK ||
			    o->interval < 1 || o->interval > 86400) {
				ps_cli_error(cli, "--interval must be 1 to 86400 seconds");
				return PS_CLI_USAGE;
			}
		} else if (!strcmp(a, "--overdue") && strchr(allowed, 'o')) {
			o->overdue = true;
		} else if (!strcmp(a, "--limit") && has && strchr(allowed, 'l')) {
			if (parse_count(cli, a, argv[++i], &o->limit) != PS_OK)
				return PS_CLI_USAGE;
		} else if (!strcmp(a, "--offset") && has && strchr(allowed, 'l')) {
			if (parse_count(cli, a, argv[++i], &o->offset) != PS_OK)
				return PS_CLI_USAGE;
		} else if (a[0] == '-' && a[1] == '-') {
			ps_cli_error(cli, "unknown option '%s'", a);
			goto usage;
		} else if (o->npos < npos_max) {
			o->pos[o->npos++] = a;
		} else {
			ps_cli_error(cli, "unexpected argument '%s'", a);
			goto usage;
		}
	}
	if (o->npos < npos_min)
		goto usage;
	o->when = ps_time_now_us();
	if (o->at && parse_time(cli, "--at", o->at, &o->when) != PS_OK)
		return PS_CLI_USAGE;
	if (o->expiry && parse_time(cli, "--expiry", o->expiry, &o->expiry_us) != PS_OK)
		return PS_CLI_USAGE;
	return PS_CLI_OK;
usage:
	return ps_cli_usage(cli, cmd);
}

/* Open store, policy, registry and trail; fill the context. */
static int open_ctx(struct ps_cli *cli, struct ps_registry *reg, struct ps_case_ctx *cx)
{
	const struct ps_case_settings *set;

	memset(cx, 0, sizeof(*cx));
	if (ps_cli_registry_open(cli, reg) != PS_CLI_OK)
		return PS_CLI_FAIL;
	set = ps_conf_section_get(cli->conf, "incident");
	if (set)
		cx->set = *set;
	else
		ps_case_settings_default(&cx->set);
	cx->st = cli->store;
	cx->policy = cli->policy;
	cx->reg = reg;
	cx->audit = cli->audit->audit;
	cx->actor = cli->audit->actor;
	return PS_CLI_OK;
}

static int fail(struct ps_cli *cli, int rc, const struct ps_diag *d)
{
	ps_cli_error(cli, "%s", d->msg[0] ? d->msg : ps_strerror(rc));
	return PS_CLI_FAIL;
}

static void fmt_time(int64_t us, char *buf, size_t n)
{
	if (us <= 0 || ps_time_fmt_iso8601(us, PS_TZ_SHANGHAI, PS_TIME_FMT_SEC, buf, n) != PS_OK)
		(void)snprintf(buf, n, "%s", "");
}

static volatile sig_atomic_t stop_follow;

static void on_stop(int sig)
{
	(void)sig;
	stop_follow = 1;
}

static void print_correlate(struct ps_cli *cli, const struct ps_case_correlate_stats *s)
{
	if (cli->format == PS_OUT_JSON) {
		fprintf(cli->out, "{\"events\": %" PRId64 ", \"opened\": %" PRId64
			", \"updated\": %" PRId64 ", \"reopened\": %" PRId64
			", \"unregistered\": %" PRId64 ", \"rerouted\": %" PRId64 "}\n",
			s->events, s->opened, s->updated, s->reopened, s->unregistered,
			s->rerouted);
		return;
	}
	fprintf(cli->out, "%" PRId64 " alert events: %" PRId64 " incidents opened, %"
		PRId64 " events added to existing ones, %" PRId64
		" reopened or back in progress, %" PRId64 " unregistered-asset items\n",
		s->events, s->opened, s->updated, s->reopened, s->unregistered);
	if (s->rerouted)
		fprintf(cli->out, "%" PRId64 " incidents without an owner routed to the "
			"owners the registry now knows\n", s->rerouted);
}

/* --follow: correlate and tick every interval until SIGINT or SIGTERM,
 * printing only rounds that did something. */
static int follow(struct ps_cli *cli, struct ps_case_ctx *cx, int64_t interval)
{
	struct ps_case_correlate_stats s;
	struct ps_case_tick_stats t;
	struct ps_diag d = {0};
	int rc = PS_OK;

	stop_follow = 0;
	signal(SIGINT, on_stop);
	signal(SIGTERM, on_stop);
	while (!stop_follow) {
		int64_t now = ps_time_now_us();

		if ((rc = ps_case_correlate(cx, now, &s, &d)) != PS_OK ||
		    (rc = ps_case_tick(cx, now, &t, &d)) != PS_OK)
			break;
		if (s.events || s.rerouted || t.auto_verified || t.risk_reopened || t.escalated) {
			print_correlate(cli, &s);
			fprintf(cli->out, "%" PRId64 " verified automatically, %" PRId64
				" accepted risks reopened, %" PRId64 " clocks escalated\n",
				t.auto_verified, t.risk_reopened, t.escalated);
			fflush(cli->out);
		}
		for (int64_t i = 0; i < interval && !stop_follow; i++) {
			struct timespec ts = {1, 0};

			nanosleep(&ts, NULL);
		}
	}
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	return rc == PS_OK ? PS_CLI_OK : fail(cli, rc, &d);
}

static int run_correlate(struct ps_cli *cli, int argc, char **argv)
{
	struct ps_case_correlate_stats s;
	struct ps_registry reg;
	struct ps_case_ctx cx;
	struct case_opts o;
	struct ps_diag d = {0};
	int rc;

	if ((rc = parse_opts(cli, &ps_cmd_case_correlate, argc, argv, "af", 0, 0, &o)))
		return rc;
	if (open_ctx(cli, &reg, &cx) != PS_CLI_OK)
		return PS_CLI_FAIL;
	if (o.follow)
		return follow(cli, &cx, o.interval ? o.interval : 60);
	if ((rc = ps_case_correlate(&cx, o.when, &s, &d)) != PS_OK)
		return fail(cli, rc, &d);
	print_correlate(cli, &s);
	return PS_CLI_OK;
}

struct list_ctx {
	struct ps_cli *cli;
	struct ps_case_ctx *cx;
	struct ps_table *t;
	int64_t now;
	int rc;
};

static const char *const list_hdr[] = {
	"id", "state", "level", "sev", "kind", "category", "unit", "asset", "dept",
	"person", "assignee", "events", "last_seen", "overdue", "title",
};

static int list_row(void *arg, const struct ps_case *c)
{
	struct list_ctx *l = arg;
	struct ps_case_clocks cs;
	struct ps_diag d = {0};
	char ref[32], t[PS_TIME_FMT_SIZE];
	const char *cells[PS_ARRAY_LEN(list_hdr)];
	char sev[8], ev[24];
	int rc;

	if ((rc = ps_case_clocks_get(l->cx, c, l->now, &cs, &d)) != PS_OK) {
		ps_cli_error(l->cli, "%s", d.msg);
		return rc;
	}
	ps_case_ref(c->id, ref, sizeof(ref));
	fmt_time(c->last_seen, t, sizeof(t));
	(void)snprintf(sev, sizeof(sev), "%d", c->severity);
	(void)snprintf(ev, sizeof(ev), "%" PRId64, c->event_count);
	cells[0] = ref;
	cells[1] = ps_inc_state_name(c->state);
	cells[2] = ps_inc_level_name(c->level);
	cells[3] = sev;
	cells[4] = c->kind;
	cells[5] = ps_case_category_title(c->category);
	cells[6] = c->unit;
	cells[7] = c->asset ? c->asset : c->asset_ip;
	cells[8] = c->dept;
	cells[9] = c->person;
	cells[10] = c->assignee;
	cells[11] = ev;
	cells[12] = t;
	cells[13] = cs.any_overdue ? "OVERDUE" : "";
	cells[14] = c->title;
	return ps_table_add(l->t, cells);
}

static int run_list(struct ps_cli *cli, int argc, char **argv)
{
	struct ps_case_filter f = {0};
	struct ps_registry reg;
	struct ps_case_ctx cx;
	struct case_opts o;
	struct list_ctx l = {0};
	struct ps_diag d = {0};
	int rc;

	if ((rc = parse_opts(cli, &ps_cmd_case_list, argc, argv, "asukpol", 0, 0, &o)))
		return rc;
	if (o.state && strcmp(o.state, "open")) {
		enum ps_inc_state s;

		if (ps_inc_state_parse(o.state, &s, &d) != PS_OK) {
			ps_cli_error(cli, "--state: %s (or 'open')", d.msg);
			return PS_CLI_USAGE;
		}
		o.state = ps_inc_state_name(s);
	}
	if (open_ctx(cli, &reg, &cx) != PS_CLI_OK)
		return PS_CLI_FAIL;
	f.state = o.state;
	f.unit = o.unit;
	f.kind = o.kind;
	f.assignee = o.assignee;
	f.overdue_only = o.overdue;
	f.now = o.when;
	f.limit = o.limit ? o.limit : 100;
	f.offset = o.offset;
	l.cli = cli;
	l.cx = &cx;
	l.now = o.when;
	l.t = ps_table_new(PS_ARRAY_LEN(list_hdr), list_hdr);
	if (l.t == NULL)
		return fail(cli, PS_ENOMEM, &d);
	rc = ps_case_list(&cx, &f, list_row, &l, &d);
	if (rc == PS_OK)
		rc = ps_table_print(l.t, cli->format, cli->out);
	ps_table_free(l.t);
	return rc == PS_OK ? PS_CLI_OK : fail(cli, rc, &d);
}

static void show_text(struct ps_cli *cli, json_t *o)
{
	const char *k;
	json_t *v, *e;
	size_t i;

	json_object_foreach(o, k, v) {
		if (json_is_array(v)) {
			fprintf(cli->out, "%s:\n", k);
			json_array_foreach(v, i, e) {
				fputs("  ", cli->out);
				(void)json_dumpf(e, cli->out, JSON_COMPACT | JSON_PRESERVE_ORDER);
				fputc('\n', cli->out);
			}
		} else if (json_is_string(v)) {
			fprintf(cli->out, "%-17s %s\n", k, json_string_value(v));
		} else if (!json_is_null(v)) {
			fprintf(cli->out, "%-17s ", k);
			(void)json_dumpf(v, cli->out, JSON_COMPACT | JSON_ENCODE_ANY);
			fputc('\n', cli->out);
		}
	}
}

static int run_show(struct ps_cli *cli, int argc, char **argv)
{
	struct ps_registry reg;
	struct ps_case_ctx cx;
	struct ps_case_clocks cs;
	struct ps_case c = {0};
	struct case_opts o;
	struct ps_diag d = {0};
	json_t *root = NULL, *hist, *evs;
	int64_t id;
	int rc;

	if ((rc = parse_opts(cli, &ps_cmd_case_show, argc, argv, "a", 1, 1, &o)))
		return rc;
	if (ps_case_ref_parse(o.pos[0], &id, &d) != PS_OK) {
		ps_cli_error(cli, "%s", d.msg);
		return PS_CLI_USAGE;
	}
	if (open_ctx(cli, &reg, &cx) != PS_CLI_OK)
		return PS_CLI_FAIL;
	rc = ps_case_get(&cx, id, &c, &d);
	if (rc == PS_OK)
		rc = ps_case_clocks_get(&cx, &c, o.when, &cs, &d);
	if (rc == PS_OK && (root = ps_case_to_json(&c)) == NULL)
		rc = PS_ENOMEM;
	if (rc == PS_OK) {
		json_object_set_new(root, "overdue", json_boolean(cs.any_overdue));
		json_object_set_new(root, "clocks", ps_case_clocks_to_json(&cs));
		hist = json_array();
		evs = json_array();
		json_object_set_new(root, "history", hist);
		json_object_set_new(root, "evidence", evs);
		rc = ps_case_history_list(&cx, id, ps_case_json_history_add, hist, &d);
		if (rc == PS_OK)
			rc = ps_case_events_list(&cx, id, 20, ps_case_json_event_add, evs, &d);
	}
	if (rc == PS_OK && cli->format == PS_OUT_JSON) {
		rc = json_dumpf(root, cli->out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) ?
			PS_ENOMEM : PS_OK;
		fputc('\n', cli->out);
	} else if (rc == PS_OK) {
		show_text(cli, root);
	}
	json_decref(root);
	ps_case_release(&c);
	return rc == PS_OK ? PS_CLI_OK : fail(cli, rc, &d);
}

static int print_state(struct ps_cli *cli, struct ps_case_ctx *cx, int64_t id)
{
	struct ps_case c;
	struct ps_diag d = {0};
	char ref[32];
	int rc = ps_case_get(cx, id, &c, &d);

	if (rc != PS_OK)
		return fail(cli, rc, &d);
	ps_case_ref(id, ref, sizeof(ref));
	fprintf(cli->out, "%s %s (%s)%s%s\n", ref, ps_inc_state_name(c.state),
		ps_inc_state_zh(c.state), c.assignee ? ", assignee " : "",
		c.assignee ? c.assignee : "");
	ps_case_release(&c);
	return PS_CLI_OK;
}

/* The shared frame of the actions: options, context, id. */
static int action_begin(struct ps_cli *cli, const struct ps_cli_cmd *cmd, int argc,
			char **argv, const char *allowed, int npos,
			struct case_opts *o, struct ps_registry *reg,
			struct ps_case_ctx *cx, int64_t *id)
{
	struct ps_diag d = {0};
	int rc;

	if ((rc = parse_opts(cli, cmd, argc, argv, allowed, npos, npos, o)))
		return rc;
	if (ps_case_ref_parse(o->pos[0], id, &d) != PS_OK) {
		ps_cli_error(cli, "%s", d.msg);
		return PS_CLI_USAGE;
	}
	return open_ctx(cli, reg, cx);
}

static int run_assign(struct ps_cli *cli, int argc, char **argv)
{
	struct ps_registry reg;
	struct ps_case_ctx cx;
	struct case_opts o;
	struct ps_diag d = {0};
	int64_t id;
	int rc;

	if ((rc = action_begin(cli, &ps_cmd_case_assign, argc, argv, "wa", 2, &o, &reg,
			       &cx, &id)))
		return rc;
	if ((rc = ps_case_assign(&cx, id, o.pos[1], o.when, o.why, &d)) != PS_OK)
		return fail(cli, rc, &d);
	return print_state(cli, &cx, id);
}

static int run_move(struct ps_cli *cli, int argc, char **argv)
{
	struct ps_inc_transition_req req = {0};
	struct ps_registry reg;
	struct ps_case_ctx cx;
	struct case_opts o;
	struct ps_diag d = {0};
	enum ps_inc_state to;
	int64_t id;
	int rc;

	if ((rc = action_begin(cli, &ps_cmd_case_move, argc, argv, "wxa", 2, &o, &reg,
			       &cx, &id)))
		return rc;
	if (ps_inc_state_parse(o.pos[1], &to, &d) != PS_OK) {
		ps_cli_error(cli, "%s", d.msg);
		return PS_CLI_USAGE;
	}
	req.who = cx.actor;
	req.when = o.when;
	req.why = o.why;
	req.has_expiry = o.expiry != NULL;
	req.expiry = o.expiry_us;
	if ((rc = ps_case_move(&cx, id, to, &req, &d)) != PS_OK)
		return fail(cli, rc, &d);
	return print_state(cli, &cx, id);
}

static int run_note(struct ps_cli *cli, int argc, char **argv)
{
	struct ps_registry reg;
	struct ps_case_ctx cx;
	struct case_opts o;
	struct ps_diag d = {0};
	int64_t id;
	int rc;

	if ((rc = action_begin(cli, &ps_cmd_case_note, argc, argv, "a", 2, &o, &reg,
			       &cx, &id)))
		return rc;
	if ((rc = ps_case_note(&cx, id, o.pos[1], o.when, &d)) != PS_OK)
		return fail(cli, rc, &d);
	return print_state(cli, &cx, id);
}

static int run_verify(struct ps_cli *cli, int argc, char **argv)
{
	struct ps_registry reg;
	struct ps_case_ctx cx;
	struct case_opts o;
	struct ps_diag d = {0};
	int64_t id;
	int rc;

	if ((rc = action_begin(cli, &ps_cmd_case_verify, argc, argv, "ea", 1, &o, &reg,
			       &cx, &id)))
		return rc;
	if ((rc = ps_case_verify(&cx, id, o.evidence, o.when, &d)) != PS_OK)
		return fail(cli, rc, &d);
	return print_state(cli, &cx, id);
}

static int run_facts(struct ps_cli *cli, int argc, char **argv)
{
	struct ps_registry reg;
	struct ps_case_ctx cx;
	struct case_opts o;
	struct ps_diag d = {0};
	struct ps_case c;
	int64_t id;
	int rc;

	if ((rc = action_begin(cli, &ps_cmd_case_facts, argc, argv, "a", 2, &o, &reg,
			       &cx, &id)))
		return rc;
	if ((rc = ps_case_set_facts(&cx, id, o.pos[1], o.when, &d)) != PS_OK)
		return fail(cli, rc, &d);
	if ((rc = ps_case_get(&cx, id, &c, &d)) != PS_OK)
		return fail(cli, rc, &d);
	fprintf(cli->out, "level %s (%s)\n", ps_inc_level_name(c.level),
		ps_inc_level_zh(c.level));
	ps_case_release(&c);
	return PS_CLI_OK;
}

static int run_clock(struct ps_cli *cli, int argc, char **argv)
{
	struct ps_registry reg;
	struct ps_case_ctx cx;
	struct case_opts o;
	struct ps_diag d = {0};
	int64_t id;
	int rc, k;

	if ((rc = action_begin(cli, &ps_cmd_case_clock, argc, argv, "a", 2, &o, &reg,
			       &cx, &id)))
		return rc;
	for (k = 0; k < PS_INC_CLOCK__COUNT; k++)
		if (!strcmp(o.pos[1], ps_inc_clock_kind_name(k)))
			break;
	if (k == PS_INC_CLOCK__COUNT) {
		ps_cli_error(cli, "unknown clock '%s' (cac_report, cac_final_report, "
			     "miit_report, vuln_report, datasec_report, rectification)",
			     o.pos[1]);
		return PS_CLI_USAGE;
	}
	if ((rc = ps_case_clock_meet(&cx, id, k, o.when, &d)) != PS_OK)
		return fail(cli, rc, &d);
	fprintf(cli->out, "clock %s met\n", o.pos[1]);
	return PS_CLI_OK;
}

static int run_tick(struct ps_cli *cli, int argc, char **argv)
{
	struct ps_case_tick_stats s;
	struct ps_registry reg;
	struct ps_case_ctx cx;
	struct case_opts o;
	struct ps_diag d = {0};
	int rc;

	if ((rc = parse_opts(cli, &ps_cmd_case_tick, argc, argv, "a", 0, 0, &o)))
		return rc;
	if (open_ctx(cli, &reg, &cx) != PS_CLI_OK)
		return PS_CLI_FAIL;
	if ((rc = ps_case_tick(&cx, o.when, &s, &d)) != PS_OK)
		return fail(cli, rc, &d);
	fprintf(cli->out, "%" PRId64 " verified automatically, %" PRId64
		" accepted risks reopened, %" PRId64 " clocks escalated\n",
		s.auto_verified, s.risk_reopened, s.escalated);
	return PS_CLI_OK;
}

#define CASE_CMD(v, u, s) \
	const struct ps_cli_cmd ps_cmd_case_##v = {"case", #v, run_##v, u, s, -1}

CASE_CMD(correlate, "panshi case correlate [--now TIME] [--follow [--interval SECONDS (60)]]",
	 "group new alert events into incidents routed to their owners");
CASE_CMD(list, "panshi case list [--state STATE|open] [--unit U] [--kind K] "
	 "[--assignee P] [--overdue] [--as-of TIME] [--limit N (100)] [--offset N] "
	 "[--format table|json|csv]", "list incidents, overdue ones flagged");
CASE_CMD(show, "panshi case show ID [--as-of TIME] [--format table|json]",
	 "show an incident: owner, clocks, history, evidence");
CASE_CMD(assign, "panshi case assign ID PERSON [--why TEXT] [--at TIME]",
	 "assign an incident to a registry person");
CASE_CMD(move, "panshi case move ID STATE [--why TEXT] [--expiry TIME] [--at TIME]",
	 "move an incident to another state");
CASE_CMD(note, "panshi case note ID TEXT [--at TIME]", "add a note to an incident");
CASE_CMD(verify, "panshi case verify ID --evidence TEXT [--at TIME]",
	 "verify a rectified incident by hand");
CASE_CMD(facts, "panshi case facts ID JSON [--at TIME]",
	 "set facts that decide an incident's level and clocks");
CASE_CMD(clock, "panshi case clock ID CLOCK [--at TIME]",
	 "mark a clock met (e.g. the report to the regulator was sent)");
CASE_CMD(tick, "panshi case tick [--now TIME]",
	 "verify quiet rectified incidents, reopen expired risks, escalate overdue clocks");
