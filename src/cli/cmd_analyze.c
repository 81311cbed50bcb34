/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `panshi analyze` (capture files) and `panshi sensor` (a live interface):
 * both run the traffic engine and print what it saw.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "cli/cli_int.h"
#include "core/core.h"
#include "cli/cli_intel_load.h"
#include "engine/engine.h"
#include "engine/engine_conf.h"
#include "store/store.h"

struct run_opts {
	const char *eve;
	const char *sensor;
	const char *iface;
	const char *bpf;
	unsigned workers;	/* 0: traffic.workers of the configuration */
	bool no_store;
	bool no_flows;
	bool no_intel;
	bool live;		/* sensor: reload intelligence while running */
	bool force;
	int first_arg;
};

/* The intelligence analyze and sensor match against (one per process). */
static struct ps_an_intel an_intel;

static int parse_uint(struct ps_cli *cli, const char *opt, const char *v,
		      unsigned max, unsigned *out)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno || end == v || *end || n < 1 || n > max) {
		ps_cli_error(cli, "%s must be a number from 1 to %u, not '%s'",
			     opt, max, v);
		return PS_EINVAL;
	}
	*out = (unsigned)n;
	return PS_OK;
}

/* Options shared by both commands; PS_EINVAL after printing the reason. */
static int parse_opts(struct ps_cli *cli, const struct ps_cli_cmd *cmd,
		      int argc, char **argv, struct run_opts *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->sensor = "panshi";
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool has = i + 1 < argc;

		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (a[0] != '-' || !a[1])
			break;
		if (!strcmp(a, "--eve") && has) {
			o->eve = argv[++i];
		} else if (!strcmp(a, "--workers") && has) {
			if (parse_uint(cli, "--workers", argv[++i],
				       PS_ENGINE_MAX_WORKERS, &o->workers))
				return PS_EINVAL;
		} else if (!strcmp(a, "--sensor") && has) {
			o->sensor = argv[++i];
		} else if (!strcmp(a, "--no-store")) {
			o->no_store = true;
		} else if (!strcmp(a, "--force") && cmd == &ps_cmd_analyze) {
			o->force = true;
		} else if (!strcmp(a, "--no-flow-events")) {
			o->no_flows = true;
		} else if (!strcmp(a, "--no-intel")) {
			o->no_intel = true;
		} else if (!strcmp(a, "--iface") && has && cmd == &ps_cmd_sensor) {
			o->iface = argv[++i];
		} else if (!strcmp(a, "--bpf") && has && cmd == &ps_cmd_sensor) {
			o->bpf = argv[++i];
		} else {
			ps_cli_error(cli, "unknown option '%s'", a);
			ps_cli_usage(cli, cmd);
			return PS_EINVAL;
		}
	}
	o->first_arg = i;
	return PS_OK;
}

static const char *proto_list(const struct ps_engine_summary *s,
				     char *buf, size_t len)
{
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 1; i < PS_ALPROTO__COUNT && off < len; i++) {
		if (!s->flows_by_proto[i])
			continue;
		off += (size_t)snprintf(buf + off, len - off, "%s%s %llu",
					off ? ", " : "", ps_alproto_name(i),
					(unsigned long long)s->flows_by_proto[i]);
	}
	return off ? buf : ps_tr(PS_MSG_AN_NONE);
}

static const char *count_list(const struct ps_engine_count *c, size_t n,
			      char *buf, size_t len)
{
	size_t off = 0, i;

	buf[0] = '\0';
	for (i = 0; i < n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s %llu",
					off ? ", " : "", c[i].name,
					(unsigned long long)c[i].n);
	return off ? buf : ps_tr(PS_MSG_AN_NONE);
}

static int print_json(struct ps_cli *cli, FILE *out,
		      const struct ps_engine_summary *s)
{
	json_t *o = json_object(), *p = json_object(), *ev = json_object(),
	       *an = json_object();
	size_t i;
	int rc;

	if (!o || !p || !ev || !an) {
		json_decref(o);
		json_decref(p);
		json_decref(ev);
		json_decref(an);
		ps_cli_error(cli, "out of memory");
		return PS_ENOMEM;
	}
	json_object_set_new(o, "packets", json_integer((json_int_t)s->packets));
	json_object_set_new(o, "bytes", json_integer((json_int_t)s->bytes));
	json_object_set_new(o, "decoded", json_integer((json_int_t)s->decoded));
	json_object_set_new(o, "malformed", json_integer((json_int_t)s->invalid));
	json_object_set_new(o, "flows", json_integer((json_int_t)s->flows));
	json_object_set_new(o, "flows_tcp", json_integer((json_int_t)s->flows_tcp));
	json_object_set_new(o, "flows_udp", json_integer((json_int_t)s->flows_udp));
	json_object_set_new(o, "flows_other", json_integer((json_int_t)s->flows_other));
	json_object_set_new(o, "peak_flows", json_integer((json_int_t)s->peak_flows));
	json_object_set_new(o, "flow_memory_peak", json_integer((json_int_t)s->flow_mem_peak));
	for (i = 1; i < PS_ALPROTO__COUNT; i++)
		if (s->flows_by_proto[i])
			json_object_set_new(p, ps_alproto_name((enum ps_alproto)i),
					    json_integer((json_int_t)s->flows_by_proto[i]));
	json_object_set_new(o, "protocols", p);
	for (i = 0; i < s->nevent_types; i++)
		json_object_set_new(ev, s->event_types[i].name,
				    json_integer((json_int_t)s->event_types[i].n));
	json_object_set_new(o, "events", ev);
	json_object_set_new(an, "decoder", json_integer((json_int_t)s->anomalies_decoder));
	json_object_set_new(an, "stream", json_integer((json_int_t)s->anomalies_stream));
	json_object_set_new(an, "application", json_integer((json_int_t)s->anomalies_app));
	json_object_set_new(o, "anomalies", an);
	json_object_set_new(o, "stored", json_integer((json_int_t)s->store_events));
	json_object_set_new(o, "intel_indicators", json_integer((json_int_t)an_intel.indicators));
	json_object_set_new(o, "intel_matches", json_integer((json_int_t)s->intel_hits));
	json_object_set_new(o, "intel_alerts", json_integer((json_int_t)s->intel_alerts));
	json_object_set_new(o, "seconds", json_real(s->seconds));
	json_object_set_new(o, "packets_per_second",
			    json_real(s->seconds > 0 ? (double)s->packets / s->seconds : 0));
	rc = json_dumpf(o, out, JSON_INDENT(2) | JSON_SORT_KEYS);
	fputc('\n', out);
	json_decref(o);
	return rc ? PS_EIO : PS_OK;
}

/* "label  value" lines, labels padded to one display width (CJK aware). */
static void row(FILE *out, enum ps_msg_id label, const char *val)
{
	const char *l = ps_tr(label);
	size_t w = ps_text_width(l), pad = w < 12 ? 12 - w : 1;

	fprintf(out, "%s%*s%s\n", l, (int)pad, "", val);
}

static void print_summary(struct ps_cli *cli, FILE *out,
			  const struct ps_engine_summary *s, bool stored)
{
	char buf[1024], val[1024];

	if (cli->format == PS_OUT_JSON) {
		(void)print_json(cli, out, s);
		return;
	}
#define VAL(id, ...) (ps_tr_fmt(val, sizeof(val), id, __VA_ARGS__), val)
	row(out, PS_MSG_AN_PACKETS, VAL(PS_MSG_AN_PACKETS_VAL,
	    (unsigned long long)s->packets, (unsigned long long)s->decoded,
	    (unsigned long long)s->invalid, (double)s->bytes / 1e6));
	row(out, PS_MSG_AN_FLOWS, VAL(PS_MSG_AN_FLOWS_VAL,
	    (unsigned long long)s->flows, (unsigned long long)s->flows_tcp,
	    (unsigned long long)s->flows_udp, (unsigned long long)s->flows_other));
	row(out, PS_MSG_AN_PROTOCOLS, proto_list(s, buf, sizeof(buf)));
	row(out, PS_MSG_AN_EVENTS, count_list(s->event_types, s->nevent_types,
					      buf, sizeof(buf)));
	row(out, PS_MSG_AN_ANOMALIES, VAL(PS_MSG_AN_ANOMALIES_VAL,
	    (unsigned long long)s->anomalies_decoder,
	    (unsigned long long)s->anomalies_stream,
	    (unsigned long long)s->anomalies_app));
	if (s->nanomalies)
		fprintf(out, "%12s%s\n", "", count_list(s->anomalies,
			s->nanomalies, buf, sizeof(buf)));
	if (an_intel.on || s->intel_alerts)
		row(out, PS_MSG_AN_INTEL, VAL(PS_MSG_AN_INTEL_VAL,
		    an_intel.indicators, (unsigned long long)s->intel_hits,
		    (unsigned long long)s->intel_alerts));
	if (stored)
		row(out, PS_MSG_AN_STORED, VAL(PS_MSG_AN_STORED_VAL,
		    (unsigned long long)s->store_events, ps_cli_db_spec(cli)));
	row(out, PS_MSG_AN_RATE, VAL(PS_MSG_AN_RATE_VAL,
	    s->seconds > 0 ? (double)s->packets / s->seconds : 0.0, s->seconds));
#undef VAL
}

static struct ps_engine *volatile running_engine;

static void on_signal(int sig)
{
	struct ps_engine *e = running_engine;

	(void)sig;
	if (e)
		ps_engine_stop(e);
}

/*
 * The engine's settings: the "traffic" section of the configuration, then
 * the command-line options over it. o->workers becomes the number used.
 */
static int engine_config(struct ps_cli *cli, struct run_opts *o,
			 struct ps_engine_config *c)
{
	const char *path;
	struct ps_diag d = {{0}};

	if (ps_cli_conf_load(cli) != PS_OK)
		return PS_EINVAL; /* the loader printed file:line */
	if (ps_engine_config_from_conf(c, cli->conf, &d) != PS_OK) {
		path = ps_cli_config_path(cli);
		if (path)
			ps_cli_error(cli, "%s: %s", path, d.msg);
		else
			ps_cli_error(cli, "%s", d.msg);
		return PS_EINVAL;
	}
	if (o->workers)
		c->workers = o->workers;
	o->workers = c->workers;
	c->sensor = o->sensor;
	if (o->no_flows)
		c->flow_events = false;
	return PS_OK;
}

/* Open outputs and the engine. */
static int engine_open(struct ps_cli *cli, struct run_opts *o,
		       struct ps_engine **e, FILE **eve)
{
	struct ps_engine_config c;
	const struct ps_store_settings *ss;
	struct ps_diag d;

	*e = NULL;
	*eve = NULL;
	if (engine_config(cli, o, &c))
		return PS_EINVAL;
	if (!o->no_store) {
		if (ps_cli_store_open(cli, false) != PS_OK)
			return PS_EIO;
		c.store = cli->store;
		ss = ps_conf_section_get(cli->conf, "store");
		if (ss && ss->batch_size > 0)
			c.store_batch = (size_t)ss->batch_size;
	}
	if (!o->no_intel) {
		if (ps_an_intel_load(cli, &an_intel) != PS_OK)
			return PS_EIO;
		/* a sensor keeps the holder even when empty: reloads fill it */
		if (an_intel.on || (o->live && cli->store))
			c.intel = &an_intel.holder;
	}
	if (o->eve) {
		*eve = strcmp(o->eve, "-") ? fopen(o->eve, "w") : stdout;
		if (!*eve) {
			ps_cli_error(cli, "cannot open '%s' for writing: %s", o->eve,
				     strerror(errno));
			return PS_EIO;
		}
		c.eve = *eve;
	}
	if (ps_engine_new(e, &c, &d) != PS_OK) {
		ps_cli_error(cli, "%s", d.msg);
		if (*eve && *eve != stdout)
			fclose(*eve);
		*eve = NULL;
		return PS_EIO;
	}
	return PS_OK;
}

static int engine_close(struct ps_cli *cli, const struct run_opts *o,
			struct ps_engine *e, FILE *eve)
{
	struct ps_engine_summary s;
	struct ps_diag d;
	int rc = PS_OK;
	FILE *out = eve == stdout ? cli->err : cli->out;

	if (ps_engine_finish(e, &d) != PS_OK) {
		ps_cli_error(cli, "%s", d.msg);
		rc = PS_EIO;
	}
	ps_engine_summary(e, &s);
	if (!cli->quiet)
		print_summary(cli, out, &s, !o->no_store);
	if (s.store_errors) {
		ps_cli_error(cli, "%llu events could not be stored",
			     (unsigned long long)s.store_errors);
		rc = PS_EIO;
	}
	ps_engine_free(e);
	ps_an_intel_release(&an_intel);
	if (eve && eve != stdout && fclose(eve)) {
		ps_cli_error(cli, "cannot write '%s': %s", o->eve, strerror(errno));
		rc = PS_EIO;
	}
	return rc;
}


static int analyze(struct ps_cli *cli, int argc, char **argv)
{
	struct run_opts o;
	struct ps_engine *e;
	FILE *eve;
	int i, failed = 0, n = 0;

	if (parse_opts(cli, &ps_cmd_analyze, argc, argv, &o))
		return PS_CLI_USAGE;
	if (o.first_arg >= argc)
		return ps_cli_usage(cli, &ps_cmd_analyze);
	if (engine_open(cli, &o, &e, &eve))
		return PS_CLI_FAIL;
	running_engine = e;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	for (i = o.first_arg; i < argc; i++) {
		struct ps_source *src;
		struct ps_diag d;

		char key[128], *seen = NULL;

		n++;
		d.msg[0] = '\0';
		if (!o.no_store && !o.force) {
			if (ps_cli_file_key(argv[i], "capture", key, sizeof(key), &d) != PS_OK) {
				ps_cli_error(cli, "%s", d.msg);
				failed++;
				continue;
			}
			if (ps_store_meta_get(cli->store, key, &seen) == PS_OK) {
				fprintf(cli->err, "note: capture '%s' is already in the "
					"store (analysed %s); --force analyses it again\n",
					argv[i], seen);
				ps_free(seen);
				continue;
			}
		}
		if (ps_source_open_file(&src, argv[i], &d) != PS_OK) {
			ps_cli_error(cli, "%s", d.msg);
			failed++;
			continue;
		}
		if (ps_engine_run_source(e, src, &d) != PS_OK) {
			ps_cli_error(cli, "%s", d.msg);
			failed++;
		} else if (!o.no_store && !o.force) {
			char ts[PS_TIME_FMT_SIZE];

			if (ps_time_fmt_iso8601(ps_time_now_us(), PS_TZ_SHANGHAI,
						PS_TIME_FMT_SEC, ts, sizeof(ts)) ||
			    ps_store_meta_set(cli->store, key, ts))
				ps_cli_warn(cli, "cannot record capture '%s' as analysed",
					    argv[i]);
		}
		ps_source_close(src);
	}
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	running_engine = NULL;
	if (engine_close(cli, &o, e, eve))
		failed++;
	if (failed && n > 1)
		ps_tr_fprintf(cli->err, PS_MSG_AN_FAILED_FILES, failed, n);
	return failed ? PS_CLI_FAIL : PS_CLI_OK;
}

static int sensor(struct ps_cli *cli, int argc, char **argv)
{
	struct ps_source_live_opts lo = {.promisc = true};
	struct run_opts o;
	struct ps_engine *e;
	struct ps_source *src;
	struct ps_diag d;
	struct sigaction sa;
	FILE *eve;
	int rc;

	if (parse_opts(cli, &ps_cmd_sensor, argc, argv, &o))
		return PS_CLI_USAGE;
	if (!o.iface || o.first_arg < argc)
		return ps_cli_usage(cli, &ps_cmd_sensor);
	o.live = true;
	lo.bpf = o.bpf;
	if (ps_source_open_live(&src, o.iface, &lo, &d) != PS_OK) {
		ps_cli_error(cli, "%s", d.msg);
		return PS_CLI_FAIL;
	}
	if (engine_open(cli, &o, &e, &eve)) {
		ps_source_close(src);
		return PS_CLI_FAIL;
	}
	if (an_intel.init && !o.no_intel &&
	    ps_an_intel_start_reloader(cli, &an_intel) != PS_OK) {
		(void)engine_close(cli, &o, e, eve);
		ps_source_close(src);
		return PS_CLI_FAIL;
	}
	running_engine = e;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (!cli->quiet)
		ps_tr_fprintf(eve == stdout ? cli->err : cli->out,
			      PS_MSG_SENSOR_START, o.iface, o.workers);
	fflush(cli->out);
	rc = ps_engine_run_source(e, src, &d);
	if (rc != PS_OK)
		ps_cli_error(cli, "%s", d.msg);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	running_engine = NULL;
	ps_source_close(src);
	if (engine_close(cli, &o, e, eve))
		rc = PS_EIO;
	return rc ? PS_CLI_FAIL : PS_CLI_OK;
}

const struct ps_cli_cmd ps_cmd_analyze = {
	"analyze", NULL, analyze,
	"panshi analyze [--eve FILE|-] [--workers N] [--no-store] [--force] "
	"[--sensor NAME] [--no-flow-events] [--no-intel] CAPTURE...",
	"analyse capture files: flows, protocols, EVE events", PS_MSG_CMD_ANALYZE};
const struct ps_cli_cmd ps_cmd_sensor = {
	"sensor", NULL, sensor,
	"panshi sensor --iface IF [--bpf FILTER] [--eve FILE|-] [--workers N] "
	"[--no-store] [--sensor NAME] [--no-intel]",
	"capture and analyse a live interface until stopped", PS_MSG_CMD_SENSOR};
