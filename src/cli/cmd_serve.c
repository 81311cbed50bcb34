/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `panshi serve`: the REST API and the web console over the configured
 * store, policy and audit trail, until SIGINT or SIGTERM. Options override
 * the "api:" section of the configuration.
 */
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "audit/audit.h"
#include "cli/cli.h"
#include "cli/cli_audit.h"
#include "cli/cli_int.h"
#include "core/core.h"
#include "incident/case.h"
#include "store/store.h"

struct serve_opts {
	const char *listen, *tls_cert, *tls_key, *web_root;
};

static int parse_args(struct ps_cli *cli, int argc, char **argv, struct serve_opts *o)
{
	static const char *const names[] = {"--listen", "--tls-cert", "--tls-key",
					    "--web-root"};
	const char **slots[] = {&o->listen, &o->tls_cert, &o->tls_key, &o->web_root};

	memset(o, 0, sizeof(*o));
	for (int i = 1; i < argc; i++) {
		size_t j;

		for (j = 0; j < PS_ARRAY_LEN(names); j++)
			if (strcmp(argv[i], names[j]) == 0)
				break;
		if (j == PS_ARRAY_LEN(names)) {
			ps_cli_error(cli, "unknown argument '%s'", argv[i]);
			return PS_CLI_USAGE;
		}
		if (i + 1 >= argc) {
			ps_cli_error(cli, "%s needs a value", names[j]);
			return PS_CLI_USAGE;
		}
		*slots[j] = argv[++i];
	}
	if ((o->tls_cert != NULL) != (o->tls_key != NULL)) {
		ps_cli_error(cli, "--tls-cert and --tls-key go together");
		return PS_CLI_USAGE;
	}
	return PS_CLI_OK;
}

/* "http://host:port/" of what was bound (the host as configured). */
static void serve_url(const struct ps_api_settings *set, unsigned port, char *out, size_t n)
{
	const char *l = set->listen, *colon = strrchr(l, ':');
	bool tls = set->tls_cert[0] != '\0';
	int hl = colon != NULL ? (int)(colon - l) : (int)strlen(l);

	snprintf(out, n, "%s://%.*s:%u/", tls ? "https" : "http", hl, l, port);
}

/* Block SIGINT and SIGTERM (the server's threads inherit the mask) and
 * wait for one of them. */
static void wait_for_stop(sigset_t *set)
{
	int sig = 0;

	(void)sigwait(set, &sig);
}

/* Intel imports run on after the server has stopped; wait up to `secs`
 * for them, unless a second SIGINT or SIGTERM comes, then tell them to stop
 * (each rolls back the batch in progress, keeps the ones it committed and
 * records its counts) and wait for that. */
static void drain_imports(struct ps_cli *cli, int64_t secs, sigset_t *stop)
{
	const struct timespec none = {0, 0};
	int64_t deadline = ps_time_now_us() + secs * PS_USEC_PER_SEC;
	int n = ps_api_imports_running(0), left;

	if (n == 0)
		return;
	if (secs > 0) {
		fprintf(cli->out, "waiting up to %" PRId64 " s for %d intel import%s to "
			"finish (Ctrl-C again stops now)\n", secs, n, n == 1 ? "" : "s");
		fflush(cli->out);
	}
	while (n > 0 && ps_time_now_us() < deadline) {
		if (sigtimedwait(stop, NULL, &none) > 0) {
			fprintf(cli->out, "stopping now\n");
			break;
		}
		n = ps_api_imports_running(PS_USEC_PER_SEC / 5);
	}
	if (n == 0)
		return;
	ps_api_imports_stop();
	left = ps_api_imports_running(30 * PS_USEC_PER_SEC);
	ps_cli_error(cli, "%d intel import%s stopped before the end: the batches committed "
		     "stay; import the file again", n, n == 1 ? "" : "s");
	if (left > 0)
		ps_cli_error(cli, "%d did not stop within 30 s and end with the process", left);
}

static int serve(struct ps_cli *cli, struct ps_api_server_opts *o, sigset_t *stop)
{
	struct ps_api_server *srv = NULL;
	struct ps_diag d = {{0}};
	char url[400];

	if (ps_api_server_start(o, &srv, &d) != PS_OK) {
		ps_cli_error(cli, "%s", d.msg);
		return PS_CLI_FAIL;
	}
	serve_url(o->set, ps_api_server_port(srv), url, sizeof(url));
	fprintf(cli->out, "serving on %s (Ctrl-C stops)\n", url);
	fflush(cli->out);
	wait_for_stop(stop);
	ps_api_server_stop(srv);
	drain_imports(cli, o->set->stop_wait, stop);
	fprintf(cli->out, "stopped\n");
	return PS_CLI_OK;
}

static int run_serve(struct ps_cli *cli, int argc, char **argv)
{
	uint8_t key[PS_AUDIT_KEY_LEN];
	struct ps_api_server_opts o;
	struct ps_api_settings set;
	struct ps_diag d = {{0}};
	struct serve_opts so;
	sigset_t stop, old;
	char keypath[4096];
	int rc;

	if ((rc = parse_args(cli, argc, argv, &so)) != PS_CLI_OK)
		return rc == PS_CLI_USAGE ? ps_cli_usage(cli, &ps_cmd_serve) : rc;
	if (ps_cli_conf_load(cli) != PS_OK || ps_cli_policy_load(cli) != PS_OK ||
	    ps_cli_store_open(cli, false) != PS_OK || ps_cli_audit_open(cli, false) != PS_OK ||
	    ps_cli_audit_key_path(cli, keypath, sizeof(keypath)) != PS_OK)
		return PS_CLI_FAIL;
	if (ps_audit_key_load(keypath, key, &d) != PS_OK) {
		ps_cli_error(cli, "%s", d.msg);
		return PS_CLI_FAIL;
	}
	set = *(const struct ps_api_settings *)ps_conf_section_get(cli->conf, "api");
	set.listen = so.listen != NULL ? (char *)so.listen : set.listen;
	set.tls_cert = so.tls_cert != NULL ? (char *)so.tls_cert : set.tls_cert;
	set.tls_key = so.tls_key != NULL ? (char *)so.tls_key : set.tls_key;
	set.web_root = so.web_root != NULL ? (char *)so.web_root : set.web_root;
	memset(&o, 0, sizeof(o));
	o.set = &set;
	o.db = ps_cli_db_spec(cli);
	o.store_set = ps_conf_section_get(cli->conf, "store");
	o.policy = cli->policy;
	o.audit_key = key;
	o.audit_key_len = sizeof(key);
	o.case_settings = ps_conf_section_get(cli->conf, "incident");
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, &old);
	rc = serve(cli, &o, &stop);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	memset(key, 0, sizeof(key));
	return rc;
}

const struct ps_cli_cmd ps_cmd_serve = {
	"serve", NULL, run_serve,
	"panshi serve [--listen ADDR] [--tls-cert FILE --tls-key FILE] [--web-root DIR]",
	"serve the REST API and the web console", -1,
};
