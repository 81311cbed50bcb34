/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `panshi intel match` looks values up in a matching generation built from
 * the store, exactly as the sensor would; `panshi intel reload` asks
 * running sensors to rebuild theirs and reports what a build costs.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli_int.h"
#include "cli/cli_intel_load.h"
#include "cli/cmd_intel.h"
#include "intel/gen.h"
#include "core/core.h"

#define MATCH_IDS 64

static int build(struct ps_cli *cli, struct ps_intel_gen **g)
{
	struct ps_diag d = {{0}};
	size_t skipped = 0;

	if (ps_cli_store_open(cli, false) != PS_OK)
		return PS_CLI_FAIL;
	if (ps_intel_gen_build(cli->store, ps_time_now_us(), g, &skipped,
			       &d) != PS_OK) {
		ps_cli_error(cli, "%s", d.msg);
		return PS_CLI_FAIL;
	}
	if (!cli->quiet) {
		ps_tr_fprintf(cli->err, PS_MSG_AN_INTEL_LOADED, (*g)->n,
			      (*g)->read_s + (*g)->build_s, (*g)->read_s,
			      (*g)->build_s, (double)(*g)->bytes / (1 << 20));
		if (skipped)
			ps_tr_fprintf(cli->err, PS_MSG_AN_INTEL_SKIPPED, skipped);
	}
	return PS_CLI_OK;
}

/* One value: its matches as rows; *hit says whether there were any. */
static int match_one(struct ps_cli *cli, const struct ps_intel_gen *g,
		     struct ps_table *t, enum ps_ioc_type hint,
		     const char *value, bool *hit)
{
	struct ps_ioc_norm *n = ps_malloc(PS_MEM_CLI, sizeof(*n));
	struct ps_diag d = {{0}};
	uint32_t ids[MATCH_IDS];
	size_t k, m;
	int rc = PS_OK;

	*hit = false;
	if (!n)
		return PS_ENOMEM;
	if (ps_ioc_normalize(hint, value, strlen(value), n, &d) != PS_OK) {
		ps_cli_error(cli, "%s", d.msg);
		ps_free(n);
		return PS_EINVAL;
	}
	m = ps_intel_table_match(g->table, n->type, n->value, n->len, ids,
				 MATCH_IDS);
	for (k = 0; k < m && k < MATCH_IDS && rc == PS_OK; k++) {
		const struct ps_intel_meta *e = ps_intel_gen_meta(g, ids[k]);
		char ind[PS_IOC_VALUE_MAX + 8];

		if (!e)
			continue;
		if (e->prefix)
			snprintf(ind, sizeof(ind), "%s/%u", e->value, e->prefix);
		else
			snprintf(ind, sizeof(ind), "%s", e->value);
		const char *cells[] = {
			value, ind,
			ps_ioc_type_name((enum ps_ioc_type)e->type),
			ps_ioc_category_name((enum ps_ioc_category)e->category),
			NULL, NULL, e->source, e->family ? e->family : "",
			ps_tlp_name((enum ps_tlp)e->tlp)};
		char sev[8], conf[8];

		snprintf(sev, sizeof(sev), "%u", e->severity);
		snprintf(conf, sizeof(conf), "%u", e->confidence);
		cells[4] = sev;
		cells[5] = conf;
		rc = ps_table_add(t, cells);
		*hit = true;
	}
	ps_free(n);
	return rc;
}

static int intel_match(struct ps_cli *cli, int argc, char **argv)
{
	static const char *const cols[] = {"value", "indicator", "type",
		"category", "severity", "confidence", "source", "family", "tlp"};
	enum ps_ioc_type hint = PS_IOC_NONE;
	struct ps_intel_gen *g = NULL;
	struct ps_table *t;
	int i, first = 0, misses = 0, bad = 0, rc;
	bool hit;

	for (i = 1; i < argc && !first; i++) {
		if (!strcmp(argv[i], "--type") && i + 1 < argc) {
			if (ps_cli_intel_parse_type(cli, "--type", argv[++i],
						    &hint))
				return PS_CLI_USAGE;
		} else if (!strcmp(argv[i], "--format") && i + 1 < argc) {
			if (ps_cli_parse_format(cli, argv[++i]) != PS_OK)
				return PS_CLI_USAGE;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return ps_cli_usage(cli, &ps_cmd_intel_match);
		} else {
			first = i;
		}
	}
	if (!first)
		return ps_cli_usage(cli, &ps_cmd_intel_match);
	if ((rc = build(cli, &g)) != PS_CLI_OK)
		return rc;
	t = ps_table_new(PS_ARRAY_LEN(cols), cols);
	if (!t) {
		ps_intel_gen_unref(g);
		ps_cli_error(cli, "out of memory");
		return PS_CLI_FAIL;
	}
	for (i = first; i < argc; i++) {
		rc = match_one(cli, g, t, hint, argv[i], &hit);
		if (rc == PS_EINVAL)
			bad++;
		else if (rc != PS_OK)
			break;
		else if (!hit)
			misses++;
	}
	if (rc == PS_OK || rc == PS_EINVAL)
		rc = ps_table_print(t, cli->format, cli->out);
	ps_table_free(t);
	ps_intel_gen_unref(g);
	if (rc != PS_OK) {
		ps_cli_error(cli, "%s", ps_strerror(rc));
		return PS_CLI_FAIL;
	}
	if (misses && !cli->quiet)
		ps_tr_fprintf(cli->err, PS_MSG_INTEL_NO_MATCH, misses,
			      argc - first);
	/* grep-like: 0 something matched, 1 nothing did, 2 bad input */
	return bad ? PS_CLI_USAGE : misses == argc - first ? PS_CLI_FAIL :
							    PS_CLI_OK;
}

static int intel_reload(struct ps_cli *cli, int argc, char **argv)
{
	struct ps_intel_gen *g = NULL;
	char ts[32];
	int rc;

	(void)argv;
	if (argc > 1)
		return ps_cli_usage(cli, &ps_cmd_intel_reload);
	/* build once here: the numbers are what every sensor will spend */
	if ((rc = build(cli, &g)) != PS_CLI_OK)
		return rc;
	ps_intel_gen_unref(g);
	snprintf(ts, sizeof(ts), "%lld", (long long)ps_time_now_us());
	if (ps_store_meta_set(cli->store, PS_INTEL_RELOAD_KEY, ts) != PS_OK) {
		ps_cli_error(cli, "%s", ps_store_errmsg(cli->store));
		return PS_CLI_FAIL;
	}
	if (!cli->quiet)
		ps_tr_fprintf(cli->out, PS_MSG_INTEL_RELOAD_ASKED);
	return PS_CLI_OK;
}

const struct ps_cli_cmd ps_cmd_intel_match = {
	"intel", "match", intel_match,
	"panshi intel match [--type T] [--format table|json|csv] VALUE...",
	"look values up as the sensor does (exit 1 when none matches)",
	PS_MSG_CMD_INTEL_MATCH};
const struct ps_cli_cmd ps_cmd_intel_reload = {
	"intel", "reload", intel_reload, "panshi intel reload",
	"make running sensors rebuild their matching tables from the store",
	PS_MSG_CMD_INTEL_RELOAD};
