/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `panshi asset route IP...`: the owners of event addresses from the
 * registry. Each address gives one row: its asset, unit, operator and the
 * responsible department and person, or "unregistered".
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli_audit.h"
#include "cli/cli.h"
#include "cli/cli_int.h"
#include "core/core.h"
#include "registry/registry.h"

static const char *const route_hdr[] = {
	"ip", "status", "asset", "asset_name", "unit", "unit_name", "level",
	"operator", "dept", "dept_name", "person", "person_name", "phone",
};

static const char *nz(const char *s)
{
	return s != NULL ? s : "";
}

static int add_row(struct ps_table *t, const char *ip, const struct ps_reg_route *rt)
{
	char lvl[16] = "";
	const char *cells[PS_ARRAY_LEN(route_hdr)];

	if (rt->unit_level > 0)
		snprintf(lvl, sizeof(lvl), "%d", rt->unit_level);
	cells[0] = ip;
	cells[1] = rt->registered ? "registered" : "unregistered";
	cells[2] = nz(rt->asset_key);
	cells[3] = nz(rt->asset_name);
	cells[4] = nz(rt->unit_key);
	cells[5] = nz(rt->unit_name);
	cells[6] = lvl;
	cells[7] = nz(rt->operator_key);
	cells[8] = nz(rt->dept_key);
	cells[9] = nz(rt->dept_name);
	cells[10] = nz(rt->person_key);
	cells[11] = nz(rt->person_name);
	cells[12] = nz(rt->person_phone);
	return ps_table_add(t, cells);
}

/* Addresses and --format from argv[1..]; *n_ips counts the addresses. */
static int route_args(struct ps_cli *cli, int argc, char **argv, int *n_ips)
{
	*n_ips = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
			if (ps_cli_parse_format(cli, argv[++i]) != PS_OK)
				return PS_CLI_USAGE;
		} else if (strncmp(argv[i], "--format=", 9) == 0) {
			if (ps_cli_parse_format(cli, argv[i] + 9) != PS_OK)
				return PS_CLI_USAGE;
		} else if (strncmp(argv[i], "--", 2) == 0) {
			ps_cli_error(cli, "unknown option '%s'", argv[i]);
			return PS_CLI_USAGE;
		} else {
			(*n_ips)++;
		}
	}
	if (*n_ips == 0) {
		ps_cli_error(cli, "no address given");
		return PS_CLI_USAGE;
	}
	return PS_CLI_OK;
}

static bool is_addr_arg(char **argv, int i)
{
	return strncmp(argv[i], "--", 2) != 0 && strcmp(argv[i - 1], "--format") != 0;
}

static int run_route(struct ps_cli *cli, int argc, char **argv)
{
	struct ps_registry reg;
	struct ps_table *t;
	int n, rc = route_args(cli, argc, argv, &n);

	if (rc != PS_CLI_OK)
		return rc;
	if (ps_cli_registry_open(cli, &reg) != PS_CLI_OK)
		return PS_CLI_FAIL;
	t = ps_table_new(PS_ARRAY_LEN(route_hdr), route_hdr);
	if (t == NULL)
		return PS_CLI_FAIL;
	rc = PS_OK;
	for (int i = 1; i < argc && rc == PS_OK; i++) {
		struct ps_reg_route rt;
		struct ps_diag d = {{0}};

		if (!is_addr_arg(argv, i))
			continue;
		rc = ps_reg_route_ip(&reg, argv[i], &rt, &d);
		if (rc == PS_OK)
			rc = add_row(t, argv[i], &rt);
		else
			ps_cli_error(cli, "%s", d.msg[0] ? d.msg : ps_strerror(rc));
		ps_reg_route_release(&rt);
	}
	if (rc == PS_OK)
		rc = ps_table_print(t, cli->format, cli->out);
	ps_table_free(t);
	return rc == PS_OK ? PS_CLI_OK : PS_CLI_FAIL;
}

const struct ps_cli_cmd ps_cmd_asset_route = {
	"asset", "route", run_route, "panshi asset route IP... [--format table|json|csv]",
	"the asset, unit, operator and responsible department and person of addresses", -1,
};
