/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Threat intelligence for `panshi analyze` and `panshi sensor`: build the
 * matching generation from the store before capture starts, and in the
 * sensor rebuild it on SIGHUP or when `panshi intel reload` asks, swapping
 * it in while capture goes on.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <stdlib.h>

#include "cli/cli_int.h"
#include "cli/cli_intel_load.h"
#include "intel/intel.h"
#include "core/core.h"

#define RELOAD_POLL_MS 1000     /* how often the sensor looks for a request */

static volatile sig_atomic_t hup_seen;

static void on_hup(int sig)
{
	(void)sig;
	hup_seen = 1;
}

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Is there a store to read indicators from without creating one? */
static bool store_exists(struct ps_cli *cli)
{
	const char *spec = ps_cli_db_spec(cli);
	struct stat st;

	if (!strncmp(spec, "postgresql://", 13) || !strncmp(spec, "postgres://", 11) ||
	    strchr(spec, '='))
		return true;
	if (!strncmp(spec, "sqlite:", 7))
		spec += 7;
	return stat(spec, &st) == 0;
}

static void report(struct ps_cli *cli, const struct ps_intel_gen *g,
		   size_t skipped, bool reload)
{
	if (cli->quiet)
		return;
	ps_tr_fprintf(cli->err, reload ? PS_MSG_AN_INTEL_RELOADED :
		      PS_MSG_AN_INTEL_LOADED, g->n, g->read_s + g->build_s,
		      g->read_s, g->build_s, (double)g->bytes / (1 << 20));
	if (skipped)
		ps_tr_fprintf(cli->err, PS_MSG_AN_INTEL_SKIPPED, skipped);
}

int ps_an_intel_load(struct ps_cli *cli, struct ps_an_intel *ai)
{
	struct ps_intel_gen *g;
	struct ps_diag d = {{0}};
	size_t skipped = 0;

	memset(ai, 0, sizeof(*ai));
	ps_intel_holder_init(&ai->holder);
	ai->init = true;
	if (!cli->store) {
		if (!store_exists(cli))
			return PS_OK;          /* no store: nothing to match */
		if (ps_cli_store_open(cli, false) != PS_OK)
			return PS_EIO;
	}
	if (ps_intel_gen_build(cli->store, now_us(), &g, &skipped, &d) != PS_OK) {
		ps_cli_error(cli, "%s", d.msg);
		return PS_EIO;
	}
	if (!g->n) {
		ps_intel_gen_unref(g);
		return PS_OK;
	}
	report(cli, g, skipped, false);
	ai->indicators = g->n;
	ps_intel_holder_swap(&ai->holder, g);
	ai->on = true;
	return PS_OK;
}

/* The request `panshi intel reload` left, "" when none. */
static void request_get(struct ps_store *st, char *out, size_t n)
{
	char *v = NULL;

	out[0] = '\0';
	if (ps_store_meta_get(st, PS_INTEL_RELOAD_KEY, &v) == PS_OK && v) {
		snprintf(out, n, "%s", v);
		ps_free(v);
	}
}

static void reload(struct ps_an_intel *ai, struct ps_store *st)
{
	struct ps_intel_gen *g;
	struct ps_diag d = {{0}};
	size_t skipped = 0;

	if (ps_intel_gen_build(st, now_us(), &g, &skipped, &d) != PS_OK) {
		/* keep matching with what we have */
		ps_cli_error(ai->cli, "%s", d.msg);
		return;
	}
	report(ai->cli, g, skipped, true);
	ai->indicators = g->n;
	ai->reloads++;
	ps_intel_holder_swap(&ai->holder, g);
}

static void *reloader(void *arg)
{
	struct ps_an_intel *ai = arg;
	struct ps_store *st = NULL;
	struct ps_diag d = {{0}};
	char req[64], seen[64];
	struct timespec ts = {0, RELOAD_POLL_MS * 1000000L};

	if (ps_store_open(ps_cli_db_spec(ai->cli), ai->settings, &st, &d) !=
	    PS_OK) {
		ps_cli_error(ai->cli, "%s", d.msg);
		return NULL;
	}
	request_get(st, seen, sizeof(seen));
	while (!atomic_load(&ai->stop)) {
		nanosleep(&ts, NULL);
		request_get(st, req, sizeof(req));
		if (hup_seen || strcmp(req, seen)) {
			hup_seen = 0;
			memcpy(seen, req, sizeof(seen));
			reload(ai, st);
		}
	}
	ps_store_close(st);
	return NULL;
}

int ps_an_intel_start_reloader(struct ps_cli *cli, struct ps_an_intel *ai)
{
	struct sigaction sa;

	if (!store_exists(cli))
		return PS_OK;
	ai->cli = cli;
	ai->settings = ps_conf_section_get(cli->conf, "store");
	atomic_init(&ai->stop, false);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, NULL);
	if (pthread_create(&ai->th, NULL, reloader, ai)) {
		ps_cli_error(cli, "cannot start the intelligence reloader: %s",
			     strerror(errno));
		return PS_EIO;
	}
	ai->th_on = true;
	return PS_OK;
}

void ps_an_intel_release(struct ps_an_intel *ai)
{
	if (ai->th_on) {
		atomic_store(&ai->stop, true);
		pthread_join(ai->th, NULL);
		ai->th_on = false;
		signal(SIGHUP, SIG_DFL);
	}
	if (ai->init)
		ps_intel_holder_release(&ai->holder);
	ai->init = false;
}
