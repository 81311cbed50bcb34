/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `panshi inspect draw|verify|list`: double-random (双随机) inspection
 * draws from the registry's operators and inspectors with a recorded
 * seed, their verification from the record, and the draws kept. The
 * method is in registry/draw.h.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "cli/cli_audit.h"
#include "cli/cli_int.h"
#include "core/core.h"
#include "registry/draw.h"
#include "registry/registry.h"

#define DRAW_USAGE "panshi inspect draw --entities N [--type TYPE] [--province P] " \
	"[--inspectors K] [--seed HEX] [--scope TEXT] [--date YYYY-MM-DD] " \
	"[--allow-below-minimum] [--dry-run] [--format table|json|csv]"

/* Also in cli_int.h once cli_cmds.c lists them; repeated here so this
 * file stands alone. */
extern const struct ps_cli_cmd ps_cmd_inspect_verify, ps_cmd_inspect_list;

struct draw_args {
	struct ps_draw_request q;
	const char *scope;
	const char *date;
	bool dry_run;
	char *type_norm; /* normalised --type, owned */
};

static int open_registry(struct ps_cli *cli, struct ps_registry *r)
{
	return ps_cli_registry_open(cli, r);
}

static int parse_count(struct ps_cli *cli, const char *opt, const char *v, size_t *out)
{
	char *end;
	unsigned long long n;

	errno = 0;
	n = strtoull(v, &end, 10);
	if (*v < '0' || *v > '9' || *end != '\0' || errno != 0 || n == 0 || n > 1000000) {
		ps_cli_error(cli, "%s: '%s' is not a count from 1 to 1000000", opt, v);
		return PS_CLI_USAGE;
	}
	*out = (size_t)n;
	return PS_CLI_OK;
}

static int draw_opt(struct ps_cli *cli, struct draw_args *a, const char *o, const char *v)
{
	if (strcmp(o, "--entities") == 0)
		return parse_count(cli, o, v, &a->q.entities);
	if (strcmp(o, "--inspectors") == 0)
		return parse_count(cli, o, v, &a->q.per_entity);
	if (strcmp(o, "--type") == 0)
		a->q.type = v;
	else if (strcmp(o, "--province") == 0)
		a->q.province = v;
	else if (strcmp(o, "--scope") == 0)
		a->scope = v;
	else if (strcmp(o, "--date") == 0)
		a->date = v;
	else if (strcmp(o, "--seed") == 0) {
		if (ps_draw_seed_parse(v, a->q.seed) != PS_OK) {
			ps_cli_error(cli, "--seed: '%s' is not 32 hex digits (128 bits)", v);
			return PS_CLI_USAGE;
		}
		a->q.seed_set = true;
	} else if (strcmp(o, "--format") == 0) {
		return ps_cli_parse_format(cli, v) == PS_OK ? PS_CLI_OK : PS_CLI_USAGE;
	} else {
		ps_cli_error(cli, "unknown option '%s'", o);
		return ps_cli_usage(cli, &ps_cmd_inspect_draw);
	}
	return PS_CLI_OK;
}

static int draw_args_parse(struct ps_cli *cli, int argc, char **argv, struct draw_args *a)
{
	for (int i = 1; i < argc; i++) {
		const char *o = argv[i];
		int rc;

		if (strcmp(o, "--dry-run") == 0) {
			a->dry_run = true;
			continue;
		}
		if (strcmp(o, "--allow-below-minimum") == 0) {
			a->q.allow_below_min = true;
			continue;
		}
		if (i + 1 >= argc) {
			ps_cli_error(cli, "unknown or incomplete option '%s'", o);
			return ps_cli_usage(cli, &ps_cmd_inspect_draw);
		}
		rc = draw_opt(cli, a, o, argv[++i]);
		if (rc != PS_CLI_OK)
			return rc;
	}
	if (a->q.entities == 0) {
		ps_cli_error(cli, "--entities N is required");
		return ps_cli_usage(cli, &ps_cmd_inspect_draw);
	}
	return PS_CLI_OK;
}

/* --type through the operator kind's own check, --date as a real date. */
static int draw_args_check(struct ps_cli *cli, struct ps_registry *r, struct draw_args *a,
			   struct ps_date *date)
{
	const struct ps_reg_kind *k = ps_reg_kind_find("operator");
	struct ps_diag d = {{0}};

	*date = r->today;
	if (a->date != NULL && ps_date_parse(a->date, strlen(a->date), date) != PS_OK) {
		ps_cli_error(cli, "--date: '%s' is not a real date (YYYY-MM-DD)", a->date);
		return PS_CLI_USAGE;
	}
	if (a->q.type == NULL)
		return PS_CLI_OK;
	if (ps_reg_value_check(r, &k->fields[ps_reg_field_find(k, "type")], a->q.type,
			       &a->type_norm, &d) != PS_OK || a->type_norm == NULL) {
		ps_cli_error(cli, "--type: %s", d.msg[0] != '\0' ? d.msg : "empty");
		return PS_CLI_USAGE;
	}
	a->q.type = a->type_norm;
	return PS_CLI_OK;
}

/* The `name` field of a record, or "" (borrowed into buf). */
static const char *name_of(struct ps_registry *r, const char *kind, const char *key,
			   char *buf, size_t n)
{
	struct ps_reg_record *rec = NULL;

	buf[0] = '\0';
	if (ps_reg_get(r, ps_reg_kind_find(kind), key, &rec) == PS_OK) {
		const char *v = ps_reg_record_get(rec, "name");

		snprintf(buf, n, "%s", v != NULL ? v : "");
	}
	ps_reg_record_free(rec);
	return buf;
}

/* The picks of a result JSON array as a table (or JSON with names). */
static json_t *picks_json(struct ps_registry *r, json_t *res)
{
	json_t *arr = json_array(), *e;
	size_t i;
	char buf[512];

	json_array_foreach(res, i, e) {
		json_t *o = json_object(), *ins = json_array(), *x;
		const char *ent = json_string_value(json_object_get(e, "entity"));
		size_t j;

		if (arr == NULL || o == NULL || ins == NULL || ent == NULL) {
			json_decref(o);
			json_decref(ins);
			json_decref(arr);
			return NULL;
		}
		json_object_set_new(o, "entity", json_string(ent));
		json_object_set_new(o, "name", ps_json_text(name_of(r, "operator", ent, buf,
									 sizeof(buf))));
		json_array_foreach(json_object_get(e, "inspectors"), j, x) {
			const char *k = json_string_value(x);
			json_t *io = json_object();

			json_object_set_new(io, "key", json_string(k != NULL ? k : ""));
			json_object_set_new(io, "name", ps_json_text(
				name_of(r, "inspector", k != NULL ? k : "", buf, sizeof(buf))));
			json_array_append_new(ins, io);
		}
		json_object_set_new(o, "inspectors", ins);
		json_array_append_new(arr, o);
	}
	return arr;
}

static int picks_table(struct ps_cli *cli, json_t *picks)
{
	static const char *const hdr[] = {"no", "entity", "name", "inspectors", "inspector_names"};
	struct ps_table *t = ps_table_new(PS_ARRAY_LEN(hdr), hdr);
	json_t *p;
	size_t i;
	int rc = t != NULL ? PS_OK : PS_ENOMEM;

	json_array_foreach(picks, i, p) {
		struct ps_buf keys = PS_BUF_INIT(PS_MEM_CLI, 1 << 20);
		struct ps_buf names = PS_BUF_INIT(PS_MEM_CLI, 1 << 20);
		json_t *x;
		size_t j;

		if (rc != PS_OK)
			break;
		json_array_foreach(json_object_get(p, "inspectors"), j, x) {
			if (ps_buf_addf(&keys, "%s%s", j > 0 ? ", " : "",
					json_string_value(json_object_get(x, "key"))) != PS_OK ||
			    ps_buf_addf(&names, "%s%s", j > 0 ? "、" : "",
					json_string_value(json_object_get(x, "name"))) != PS_OK)
				rc = PS_ENOMEM;
		}
		if (rc == PS_OK && (rc = ps_table_row(t)) == PS_OK) {
			ps_table_addf(t, 0, "%zu", i + 1);
			if (ps_table_set(t, 1, json_string_value(json_object_get(p, "entity"))) != PS_OK ||
			    ps_table_set(t, 2, json_string_value(json_object_get(p, "name"))) != PS_OK ||
			    ps_table_set(t, 3, ps_buf_cstr(&keys)) != PS_OK ||
			    ps_table_set(t, 4, ps_buf_cstr(&names)) != PS_OK)
				rc = PS_ENOMEM;
		}
		ps_buf_release(&keys);
		ps_buf_release(&names);
	}
	if (rc == PS_OK)
		rc = ps_table_print(t, cli->format, cli->out);
	ps_table_free(t);
	return rc == PS_OK ? PS_CLI_OK : PS_CLI_FAIL;
}

static int print_json(struct ps_cli *cli, json_t *j)
{
	int rc = json_dumpf(j, cli->out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0 ?
		PS_CLI_OK : PS_CLI_FAIL;

	fputc('\n', cli->out);
	return rc;
}

static json_t *draw_json(const struct ps_draw *dr, const char *key, struct ps_date date,
			 const char *scope, json_t *picks)
{
	json_t *o = json_object(), *pop = json_object(), *params;
	char seed[PS_DRAW_SEED_HEX], day[16] = "", *ptext = NULL;

	if (ps_draw_params_json(dr, &ptext) != PS_OK || o == NULL || pop == NULL) {
		json_decref(o);
		json_decref(pop);
		return NULL;
	}
	params = json_loads(ptext, 0, NULL);
	ps_free(ptext);
	ps_draw_seed_fmt(dr->p.seed, seed);
	if (ps_date_fmt(date, day, sizeof(day)) != PS_OK)
		day[0] = '\0';
	json_object_set_new(o, "key", key != NULL ? json_string(key) : json_null());
	json_object_set_new(o, "recorded", json_boolean(key != NULL));
	json_object_set_new(o, "date", json_string(day));
	json_object_set_new(o, "seed", json_string(seed));
	json_object_set_new(o, "scope", scope != NULL ? ps_json_text(scope) : json_null());
	json_object_set_new(o, "params", params != NULL ? params : json_null());
	json_object_set_new(pop, "entities", json_integer((json_int_t)dr->n_entities));
	json_object_set_new(pop, "inspectors", json_integer((json_int_t)dr->n_inspectors));
	json_object_set_new(o, "population", pop);
	if (dr->warning[0] != '\0')
		json_object_set_new(o, "warning", json_string(dr->warning));
	json_object_set(o, "picks", picks);
	return o;
}

static int show_draw(struct ps_cli *cli, struct ps_registry *r, const struct ps_draw *dr,
		     const char *key, struct ps_date date, const char *scope)
{
	char *text = NULL, seed[PS_DRAW_SEED_HEX];
	json_t *res = NULL, *picks = NULL, *o;
	FILE *info = cli->format == PS_OUT_CSV ? cli->err : cli->out;
	int rc = PS_CLI_FAIL;

	if (ps_draw_result_json(dr, &text) == PS_OK)
		res = json_loads(text, 0, NULL);
	ps_free(text);
	if (res != NULL)
		picks = picks_json(r, res);
	if (picks == NULL)
		goto out;
	ps_draw_seed_fmt(dr->p.seed, seed);
	if (cli->format == PS_OUT_JSON) {
		o = draw_json(dr, key, date, scope, picks);
		rc = o != NULL ? print_json(cli, o) : PS_CLI_FAIL;
		json_decref(o);
		goto out;
	}
	if (key != NULL)
		fprintf(info, "draw %s recorded: ", key);
	else
		fprintf(info, "dry run, not recorded: ");
	fprintf(info, "%zu of %zu operator%s, %zu inspector%s each from %zu; seed %s\n",
		dr->n_picks, dr->n_entities, dr->n_entities == 1 ? "" : "s", dr->p.per_entity,
		dr->p.per_entity == 1 ? "" : "s", dr->n_inspectors, seed);
	rc = picks_table(cli, picks);
out:
	json_decref(res);
	json_decref(picks);
	return rc;
}

static int run_draw(struct ps_cli *cli, int argc, char **argv)
{
	struct draw_args a;
	struct ps_registry r;
	struct ps_draw *dr = NULL;
	struct ps_diag d = {{0}};
	struct ps_date date;
	char *key = NULL;
	const char *scope;
	int rc;

	memset(&a, 0, sizeof(a));
	rc = draw_args_parse(cli, argc, argv, &a);
	if (rc == PS_CLI_OK)
		rc = open_registry(cli, &r);
	if (rc == PS_CLI_OK)
		rc = draw_args_check(cli, &r, &a, &date);
	if (rc != PS_CLI_OK)
		goto out;
	if (ps_draw_from_registry(&r, &a.q, &dr, &d) != PS_OK) {
		ps_cli_error(cli, "cannot draw: %s", d.msg);
		rc = PS_CLI_FAIL;
		goto out;
	}
	if (dr->warning[0] != '\0')
		ps_cli_warn(cli, "%s", dr->warning);
	scope = a.scope != NULL ? a.scope : a.q.province;
	if (!a.dry_run && ps_draw_store(&r, dr, scope, date, &key, &d) != PS_OK) {
		ps_cli_error(cli, "cannot record the draw: %s", d.msg);
		rc = PS_CLI_FAIL;
		goto out;
	}
	rc = show_draw(cli, &r, dr, key, date, scope);
out:
	ps_free(key);
	ps_free(a.type_norm);
	ps_draw_free(dr);
	return rc;
}

/* KEY and an optional --format, for verify and list. */
static int key_args(struct ps_cli *cli, const struct ps_cli_cmd *cmd, int argc, char **argv,
		    const char **key, bool need_key)
{
	*key = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
			if (ps_cli_parse_format(cli, argv[++i]) != PS_OK)
				return PS_CLI_USAGE;
		} else if (argv[i][0] != '-' && *key == NULL) {
			*key = argv[i];
		} else {
			ps_cli_error(cli, "unexpected argument '%s'", argv[i]);
			return ps_cli_usage(cli, cmd);
		}
	}
	if (need_key && *key == NULL)
		return ps_cli_usage(cli, cmd);
	return PS_CLI_OK;
}

static int run_verify(struct ps_cli *cli, int argc, char **argv)
{
	struct ps_registry r;
	struct ps_diag d = {{0}};
	const char *key;
	bool same = false;
	int rc;

	rc = key_args(cli, &ps_cmd_inspect_verify, argc, argv, &key, true);
	if (rc == PS_CLI_OK)
		rc = open_registry(cli, &r);
	if (rc != PS_CLI_OK)
		return rc;
	rc = ps_draw_verify_record(&r, key, &same, &d);
	if (rc != PS_OK) {
		ps_cli_error(cli, rc == PS_EINVAL ? "draw '%s' is malformed: %s" : "%s%s",
			     rc == PS_EINVAL ? key : "", d.msg);
		return PS_CLI_FAIL;
	}
	if (cli->format == PS_OUT_JSON) {
		json_t *o = json_object();

		json_object_set_new(o, "key", json_string(key));
		json_object_set_new(o, "identical", json_boolean(same));
		json_object_set_new(o, "difference", same ? json_null() : json_string(d.msg));
		rc = print_json(cli, o);
		json_decref(o);
	} else if (same) {
		fprintf(cli->out, "draw %s: identical: recomputed from its seed, parameters and "
			"population\n", key);
	}
	if (!same)
		ps_cli_error(cli, "draw '%s' differs from its recomputation: %s", key, d.msg);
	return same && rc == PS_CLI_OK ? PS_CLI_OK : PS_CLI_FAIL;
}

/* A number from a JSON text, as text ("" when absent). */
static void json_num(const char *text, const char *k1, const char *k2, char *out, size_t n)
{
	json_t *j = text != NULL ? json_loads(text, 0, NULL) : NULL;
	json_t *v = json_object_get(j, k1);

	out[0] = '\0';
	if (k2 != NULL)
		v = json_object_get(v, k2);
	if (json_is_integer(v))
		snprintf(out, n, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else if (json_is_array(v))
		snprintf(out, n, "%zu", json_array_size(v));
	json_decref(j);
}

static int list_row(void *arg, const struct ps_reg_record *rec)
{
	struct ps_table *t = arg;
	const char *params = ps_reg_record_get(rec, "params");
	const char *pop = ps_reg_record_get(rec, "population");
	char drawn[32], team[32], ents[32], insp[32];
	const char *row[8];

	json_num(params, "drawn", NULL, drawn, sizeof(drawn));
	json_num(params, "per_entity", NULL, team, sizeof(team));
	json_num(pop, "entities", NULL, ents, sizeof(ents));
	json_num(pop, "inspectors", NULL, insp, sizeof(insp));
	row[0] = rec->key;
	row[1] = ps_reg_record_get(rec, "date");
	row[2] = ps_reg_record_get(rec, "scope");
	row[3] = drawn;
	row[4] = ents;
	row[5] = team;
	row[6] = insp;
	row[7] = ps_reg_record_get(rec, "seed");
	return ps_table_add(t, row);
}

static int list_draws(struct ps_cli *cli, struct ps_registry *r)
{
	static const char *const hdr[] = {
		"key", "date", "scope", "drawn", "entities", "per_entity", "inspectors", "seed",
	};
	struct ps_table *t = ps_table_new(PS_ARRAY_LEN(hdr), hdr);
	int rc;

	if (t == NULL)
		return PS_CLI_FAIL;
	rc = ps_reg_list(r, ps_reg_kind_find("draw"), NULL, list_row, t);
	if (rc != PS_OK)
		ps_cli_error(cli, "cannot list the draws: %s", ps_strerror(rc));
	else if (ps_table_print(t, cli->format, cli->out) != PS_OK)
		rc = PS_EIO;
	ps_table_free(t);
	return rc == PS_OK ? PS_CLI_OK : PS_CLI_FAIL;
}

static int list_picks(struct ps_cli *cli, struct ps_registry *r, const char *key)
{
	struct ps_reg_record *rec = NULL;
	json_t *res = NULL, *picks = NULL;
	const char *text;
	int rc;

	rc = ps_reg_get(r, ps_reg_kind_find("draw"), key, &rec);
	if (rc != PS_OK) {
		ps_cli_error(cli, rc == PS_ENOENT ? "no draw '%s'" : "cannot read draw '%s'", key);
		return PS_CLI_FAIL;
	}
	text = ps_reg_record_get(rec, "result");
	res = text != NULL ? json_loads(text, 0, NULL) : NULL;
	if (json_is_array(res))
		picks = picks_json(r, res);
	if (picks == NULL)
		ps_cli_error(cli, "draw '%s': field 'result' is not a list of picks", key);
	else if (cli->format == PS_OUT_JSON)
		rc = print_json(cli, picks);
	else
		rc = picks_table(cli, picks);
	json_decref(res);
	json_decref(picks);
	ps_reg_record_free(rec);
	return picks != NULL && rc == PS_CLI_OK ? PS_CLI_OK : PS_CLI_FAIL;
}

static int run_list(struct ps_cli *cli, int argc, char **argv)
{
	struct ps_registry r;
	const char *key;
	int rc;

	rc = key_args(cli, &ps_cmd_inspect_list, argc, argv, &key, false);
	if (rc == PS_CLI_OK)
		rc = open_registry(cli, &r);
	if (rc != PS_CLI_OK)
		return rc;
	return key != NULL ? list_picks(cli, &r, key) : list_draws(cli, &r);
}

const struct ps_cli_cmd ps_cmd_inspect_draw = {
	"inspect", "draw", run_draw, DRAW_USAGE,
	"double-random draw of inspected operators and their inspectors", -1,
};

const struct ps_cli_cmd ps_cmd_inspect_verify = {
	"inspect", "verify", run_verify, "panshi inspect verify DRAW_KEY [--format table|json]",
	"recompute a recorded draw from its seed and population and compare", -1,
};

const struct ps_cli_cmd ps_cmd_inspect_list = {
	"inspect", "list", run_list, "panshi inspect list [DRAW_KEY] [--format table|json|csv]",
	"the recorded draws, or the picks of one draw", -1,
};
