/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `panshi assess run|list|show|rectify|frameworks`: run a checklist
 * framework against a registry record and store the scored assessment
 * with its rectification items, list and show assessments with their item
 * counts and overdue flags, move items to closure, and list frameworks.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "cli/cli_audit.h"
#include "cli/cli_int.h"
#include "policy/policy.h"
#include "registry/assess.h"
#include "registry/framework.h"
#include "registry/registry.h"
#include "core/core.h"

/* Until cli_int.h lists them (the command table is another file's). */
extern const struct ps_cli_cmd ps_cmd_assess_rectify, ps_cmd_assess_frameworks;

/* ---- shared helpers ------------------------------------------------------------ */

static int bad_date(struct ps_cli *cli, const char *opt, const char *v)
{
	ps_cli_error(cli, "invalid date '%s' for %s: use a real YYYY-MM-DD", v, opt);
	return PS_EINVAL;
}

static int parse_date(struct ps_cli *cli, const char *opt, const char *v,
		      struct ps_date *out)
{
	return ps_date_parse(v, strlen(v), out) == PS_OK ? PS_OK :
							   bad_date(cli, opt, v);
}

/* "unit:U-1" into kind (copied into `kind`) and key (a pointer into `v`). */
static int parse_target(struct ps_cli *cli, const char *v, char kind[16],
			const char **key)
{
	const char *colon = strchr(v, ':');
	size_t n = colon ? (size_t)(colon - v) : 0;

	if (colon != NULL && n > 0 && n < 16 && colon[1] != '\0') {
		memcpy(kind, v, n);
		kind[n] = '\0';
		if (ps_fw_target_parse(kind) != 0) {
			*key = colon + 1;
			return PS_OK;
		}
	}
	ps_cli_error(cli, "invalid target '%s': use KIND:KEY with KIND unit, iie, "
		     "iov or operator (unit:U-1)", v);
	return PS_EINVAL;
}

static int open_registry(struct ps_cli *cli, struct ps_registry *r)
{
	return ps_cli_registry_open(cli, r);
}

static int framework_dir(struct ps_cli *cli, const char *opt, char *out,
			 size_t n)
{
	if (ps_assess_framework_dir(opt, getenv("PANSHI_FRAMEWORK_DIR"),
				    ps_cli_policy_dir(cli), out, n) != PS_OK) {
		ps_cli_error(cli, "framework directory name too long");
		return PS_EINVAL;
	}
	return PS_OK;
}

static void date_str(struct ps_date d, char out[PS_DATE_FMT_SIZE])
{
	if (ps_date_fmt(d, out, PS_DATE_FMT_SIZE) != PS_OK)
		out[0] = '\0';
}

static int json_put(json_t *obj, const char *k, json_t *v)
{
	return v != NULL && json_object_set_new(obj, k, v) == 0 ? PS_OK : PS_ENOMEM;
}

static int json_print(struct ps_cli *cli, json_t *v)
{
	int rc = json_dumpf(v, cli->out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0 ?
			 PS_OK : PS_EIO;

	fputc('\n', cli->out);
	return rc;
}

/* ---- run ------------------------------------------------------------------------- */

struct run_args {
	const char *framework, *answers, *fw_dir;
	const char *target;
	char kind[16];
	const char *key;
	struct ps_assess_opts o;
	bool dry_run;
};

static int run_opt(struct ps_cli *cli, struct run_args *a, const char *opt,
		   const char *v)
{
	char *end;

	if (strcmp(opt, "--target") == 0)
		a->target = v;
	else if (strcmp(opt, "--answers") == 0)
		a->answers = v;
	else if (strcmp(opt, "--framework-dir") == 0)
		a->fw_dir = v;
	else if (strcmp(opt, "--assessor") == 0)
		a->o.assessor = v;
	else if (strcmp(opt, "--owner") == 0)
		a->o.owner = v;
	else if (strcmp(opt, "--format") == 0)
		return ps_cli_parse_format(cli, v);
	else if (strcmp(opt, "--date") == 0) {
		a->o.date_set = true;
		return parse_date(cli, opt, v, &a->o.date);
	} else if (strcmp(opt, "--deadline") == 0) {
		a->o.deadline_set = true;
		return parse_date(cli, opt, v, &a->o.deadline);
	} else if (strcmp(opt, "--deadline-days") == 0) {
		errno = 0;
		a->o.deadline_days = strtoll(v, &end, 10);
		if (errno != 0 || end == v || *end != '\0' || a->o.deadline_days < 1 ||
		    a->o.deadline_days > 36600) {
			ps_cli_error(cli, "invalid --deadline-days '%s': a whole number "
				     "of days from 1", v);
			return PS_EINVAL;
		}
	} else
		return PS_ENOENT;
	return PS_OK;
}

static int run_args_parse(struct ps_cli *cli, int argc, char **argv,
			  struct run_args *a)
{
	int rc = PS_OK;

	for (int i = 1; i < argc && rc == PS_OK; i++) {
		if (strcmp(argv[i], "--dry-run") == 0)
			a->dry_run = true;
		else if (argv[i][0] == '-' && argv[i][1] == '-' && i + 1 < argc)
			rc = run_opt(cli, a, argv[i], argv[i + 1]), i++;
		else if (argv[i][0] != '-' && a->framework == NULL)
			a->framework = argv[i];
		else
			rc = PS_ENOENT;
	}
	if (rc == PS_OK && (a->framework == NULL || a->target == NULL ||
			    a->answers == NULL))
		rc = PS_ENOENT;
	if (rc == PS_OK && a->o.deadline_set && a->o.deadline_days > 0) {
		ps_cli_error(cli, "give --deadline or --deadline-days, not both");
		rc = PS_EINVAL;
	}
	if (rc == PS_OK)
		rc = parse_target(cli, a->target, a->kind, &a->key);
	return rc;
}

static json_t *run_json_items(const struct ps_framework *fw,
			      const struct ps_assess_outcome *o)
{
	json_t *arr = json_array();
	char dl[PS_DATE_FMT_SIZE];

	for (size_t k = 0; arr != NULL && k < o->n_items; k++) {
		size_t i = o->item_req[k];
		json_t *it = json_object();

		date_str(o->item_deadline[k], dl);
		if (it == NULL || json_array_append_new(arr, it) != 0 ||
		    json_put(it, "key", o->item_keys[k] ? ps_json_text(o->item_keys[k])
							 : json_null()) ||
		    json_put(it, "requirement", ps_json_text(fw->reqs[i].id)) ||
		    json_put(it, "answer", json_string(ps_fw_verdict_name(o->score.items[i].v))) ||
		    json_put(it, "earned", json_integer(o->score.items[i].earned)) ||
		    json_put(it, "points", json_integer(fw->reqs[i].points)) ||
		    json_put(it, "critical", json_boolean(fw->reqs[i].critical)) ||
		    json_put(it, "owner", o->item_owner[k] ? ps_json_text(o->item_owner[k])
							   : json_null()) ||
		    json_put(it, "deadline", json_string(dl)) ||
		    json_put(it, "title", ps_json_text(fw->reqs[i].title))) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

static int run_print_json(struct ps_cli *cli, const struct ps_framework *fw,
			  const struct ps_assess_target *t,
			  const struct ps_assess_outcome *o, bool stored)
{
	json_t *obj = json_object();
	char ds[PS_DATE_FMT_SIZE];
	int rc;

	date_str(o->date, ds);
	rc = obj ? PS_OK : PS_ENOMEM;
	if (rc == PS_OK &&
	    ((rc = json_put(obj, "assessment", o->key ? ps_json_text(o->key) : json_null())) ||
	     (rc = json_put(obj, "stored", json_boolean(stored))) ||
	     (rc = json_put(obj, "framework", ps_json_text(fw->id))) ||
	     (rc = json_put(obj, "framework_version", ps_json_text(fw->version))) ||
	     (rc = json_put(obj, "kind", json_string(fw->kind))) ||
	     (rc = json_put(obj, "target_kind", json_string(t->kind))) ||
	     (rc = json_put(obj, "target", ps_json_text(t->key))) ||
	     (rc = json_put(obj, "level", json_integer(t->fw.level))) ||
	     (rc = json_put(obj, "date", json_string(ds))) ||
	     (rc = json_put(obj, "score", json_integer((json_int_t)o->score.obtained))) ||
	     (rc = json_put(obj, "max_score", json_integer((json_int_t)o->score.max))) ||
	     (rc = json_put(obj, "percent", json_integer(o->score.percent))) ||
	     (rc = json_put(obj, "pass_score", json_integer(fw->pass_score))) ||
	     (rc = json_put(obj, "result", json_string(o->score.passed ? "pass" : "fail"))) ||
	     (rc = json_put(obj, "items", run_json_items(fw, o)))))
		rc = PS_ENOMEM;
	if (rc == PS_OK)
		rc = json_print(cli, obj);
	json_decref(obj);
	return rc;
}

static int run_print_items(struct ps_cli *cli, const struct ps_framework *fw,
			   const struct ps_assess_outcome *o)
{
	static const char *const cols[] = {"item", "requirement", "answer", "earned",
					   "points", "owner", "deadline", "title"};
	struct ps_table *t = ps_table_new(PS_ARRAY_LEN(cols), cols);
	char dl[PS_DATE_FMT_SIZE];
	int rc = t ? PS_OK : PS_ENOMEM;

	for (size_t k = 0; rc == PS_OK && k < o->n_items; k++) {
		size_t i = o->item_req[k];

		date_str(o->item_deadline[k], dl);
		if ((rc = ps_table_row(t)) == PS_OK &&
		    (rc = ps_table_set(t, 0, o->item_keys[k])) == PS_OK &&
		    (rc = ps_table_set(t, 1, fw->reqs[i].id)) == PS_OK &&
		    (rc = ps_table_set(t, 2, ps_fw_verdict_name(o->score.items[i].v))) ==
			    PS_OK &&
		    (rc = ps_table_addf(t, 3, "%u", o->score.items[i].earned)) == PS_OK &&
		    (rc = ps_table_addf(t, 4, "%u", fw->reqs[i].points)) == PS_OK &&
		    (rc = ps_table_set(t, 5, o->item_owner[k])) == PS_OK &&
		    (rc = ps_table_set(t, 6, dl)) == PS_OK)
			rc = ps_table_set(t, 7, fw->reqs[i].title);
	}
	if (rc == PS_OK && (cli->format == PS_OUT_CSV || o->n_items > 0))
		rc = ps_table_print(t, cli->format, cli->out);
	ps_table_free(t);
	return rc;
}

static int run_print(struct ps_cli *cli, const struct ps_framework *fw,
		     const struct ps_assess_target *t,
		     const struct ps_assess_outcome *o, bool stored)
{
	char ds[PS_DATE_FMT_SIZE];
	bool first = true;

	if (cli->format == PS_OUT_JSON)
		return run_print_json(cli, fw, t, o, stored);
	if (cli->format == PS_OUT_TABLE) {
		date_str(o->date, ds);
		fprintf(cli->out, "assessment  %s\n", stored ? o->key : "(dry run: nothing stored)");
		fprintf(cli->out, "framework   %s %s (%s)\n", fw->id, fw->version, fw->title);
		fprintf(cli->out, "target      %s, level %d%s%s\n", t->label, t->fw.level,
			t->fw.type ? ", " : "", t->fw.type ? t->fw.type : "");
		fprintf(cli->out, "date        %s\n", ds);
		fprintf(cli->out, "score       %" PRIu64 "/%" PRIu64 " (%u%%, pass at %u%%)\n",
			o->score.obtained, o->score.max, o->score.percent, fw->pass_score);
		fprintf(cli->out, "result      %s", o->score.passed ? "pass" : "fail");
		for (size_t i = 0; i < o->score.n_items; i++) {
			const struct ps_fw_item *it = &o->score.items[i];

			if (!fw->reqs[i].critical || !it->applicable ||
			    (it->v != PS_FW_FAIL && it->v != PS_FW_PARTIAL))
				continue;
			fprintf(cli->out, "%s%s", first ? " (critical not met: " : ", ",
				fw->reqs[i].id);
			first = false;
		}
		fprintf(cli->out, "%s\nanswered    %zu pass, %zu partial, %zu fail, %zu na; "
			"%zu items\n", first ? "" : ")", o->score.n_pass, o->score.n_partial,
			o->score.n_fail, o->score.n_na, o->n_items);
		if (o->n_items > 0)
			fputc('\n', cli->out);
	}
	return run_print_items(cli, fw, o);
}

static int assess_run(struct ps_cli *cli, int argc, char **argv)
{
	struct run_args a = {0};
	struct ps_registry r;
	struct ps_framework *fw = NULL;
	struct ps_fw_answers *ans = NULL;
	struct ps_assess_target t;
	struct ps_assess_outcome o = {0};
	struct ps_diag d = {{0}};
	char dir[4096];
	int rc = run_args_parse(cli, argc, argv, &a);

	if (rc != PS_OK)
		return rc == PS_ENOENT ? ps_cli_usage(cli, &ps_cmd_assess_run) : PS_CLI_USAGE;
	if (open_registry(cli, &r) != PS_CLI_OK ||
	    framework_dir(cli, a.fw_dir, dir, sizeof(dir)) != PS_OK)
		return PS_CLI_FAIL;
	rc = ps_assess_framework_open(dir, a.framework, cli->policy, &fw, &d);
	if (rc == PS_OK)
		rc = ps_assess_target_get(&r, a.kind, a.key,
					  a.o.date_set ? a.o.date : r.today, &t, &d);
	if (rc == PS_OK)
		rc = ps_fw_answers_load(fw, a.answers, &ans, &d);
	if (rc == PS_OK)
		rc = ps_assess_run(&r, fw, ans, &t, &a.o, a.dry_run, &o, &d);
	if (rc != PS_OK)
		ps_cli_error(cli, "%s", d.msg[0] ? d.msg : ps_strerror(rc));
	else if ((rc = run_print(cli, fw, &t, &o, !a.dry_run)) != PS_OK)
		ps_cli_error(cli, "cannot write the result: %s", ps_strerror(rc));
	ps_assess_outcome_release(&o);
	ps_fw_answers_free(ans);
	ps_fw_free(fw);
	return rc == PS_OK ? PS_CLI_OK : PS_CLI_FAIL;
}

/* ---- list ------------------------------------------------------------------------- */

struct recs {
	struct ps_reg_record **v;
	size_t n, cap;
};

static int collect(void *arg, const struct ps_reg_record *rec)
{
	struct recs *rs = arg;

	if (rs->n == rs->cap) {
		size_t cap = rs->cap ? rs->cap * 2 : 16;
		struct ps_reg_record **v = ps_reallocarray(PS_MEM_CLI, rs->v, cap,
							   sizeof(*v));

		if (v == NULL)
			return PS_ENOMEM;
		rs->v = v;
		rs->cap = cap;
	}
	if ((rs->v[rs->n] = ps_reg_record_dup(rec)) == NULL)
		return PS_ENOMEM;
	rs->n++;
	return PS_OK;
}

static void recs_free(struct recs *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		ps_reg_record_free(rs->v[i]);
	ps_free(rs->v);
}

static const char *get(const struct ps_reg_record *r, const char *f)
{
	const char *v = ps_reg_record_get(r, f);

	return v ? v : "";
}

/* floor(score * 100 / max) of two stored numbers; "" when not numbers. */
static void percent_of(const char *s, const char *m, char *out, size_t n)
{
	char *e1, *e2;
	long long a, b;

	out[0] = '\0';
	if (s == NULL || m == NULL)
		return;
	errno = 0;
	a = strtoll(s, &e1, 10);
	b = strtoll(m, &e2, 10);
	if (errno == 0 && *e1 == '\0' && *e2 == '\0' && a >= 0 && b > 0 &&
	    a <= INT64_MAX / 100)
		snprintf(out, n, "%lld", a * 100 / b);
	else if (strtod(m, NULL) > 0)
		snprintf(out, n, "%d", (int)(strtod(s, NULL) * 100 / strtod(m, NULL)));
}

static int list_row(struct ps_table *t, const struct ps_reg_record *as,
		    const struct ps_assess_counts *c)
{
	const char *s = ps_reg_record_get(as, "score");
	const char *m = ps_reg_record_get(as, "max_score");
	char pct[24];
	int rc = ps_table_row(t);

	percent_of(s, m, pct, sizeof(pct));
	if (rc == PS_OK && (rc = ps_table_set(t, 0, as->key)) == PS_OK &&
	    (rc = ps_table_addf(t, 1, "%s:%s", get(as, "target_kind"),
				get(as, "target"))) == PS_OK &&
	    (rc = ps_table_set(t, 2, get(as, "kind"))) == PS_OK &&
	    (rc = ps_table_set(t, 3, get(as, "date"))) == PS_OK &&
	    (rc = ps_table_set(t, 4, get(as, "framework"))) == PS_OK &&
	    (rc = ps_table_set(t, 5, get(as, "framework_version"))) == PS_OK &&
	    (rc = ps_table_set(t, 6, s)) == PS_OK &&
	    (rc = ps_table_set(t, 7, m)) == PS_OK &&
	    (rc = ps_table_set(t, 8, pct)) == PS_OK &&
	    (rc = ps_table_set(t, 9, get(as, "result"))) == PS_OK &&
	    (rc = ps_table_addf(t, 10, "%" PRId64, c->items)) == PS_OK &&
	    (rc = ps_table_addf(t, 11, "%" PRId64, c->open + c->in_progress)) == PS_OK)
		rc = ps_table_addf(t, 12, "%" PRId64, c->overdue);
	return rc;
}

static int list_args(struct ps_cli *cli, int argc, char **argv,
		     struct ps_reg_filter *f, char kind[16], struct ps_date *asof,
		     bool *asof_set)
{
	const char *key = NULL;

	for (int i = 1; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (v == NULL)
			return PS_ENOENT;
		i++;
		if (strcmp(o, "--target") == 0) {
			if (parse_target(cli, v, kind, &key) != PS_OK)
				return PS_EINVAL;
			f->field[f->n] = "target_kind", f->value[f->n++] = kind;
			f->field[f->n] = "target", f->value[f->n++] = key;
		} else if (strcmp(o, "--kind") == 0 || strcmp(o, "--framework") == 0) {
			f->field[f->n] = o + 2, f->value[f->n++] = v;
		} else if (strcmp(o, "--as-of") == 0) {
			*asof_set = true;
			if (parse_date(cli, o, v, asof) != PS_OK)
				return PS_EINVAL;
		} else if (strcmp(o, "--format") == 0) {
			if (ps_cli_parse_format(cli, v) != PS_OK)
				return PS_EINVAL;
		} else {
			return PS_ENOENT;
		}
		if (f->n > PS_REG_FILTER_MAX - 2)
			return PS_ENOENT;
	}
	return PS_OK;
}

static int assess_list(struct ps_cli *cli, int argc, char **argv)
{
	static const char *const cols[] = {"key", "target", "kind", "date", "framework",
					   "version", "score", "max_score", "percent",
					   "result", "items", "open", "overdue"};
	struct ps_reg_filter f = {0};
	struct recs rs = {0};
	struct ps_registry r;
	struct ps_table *t = NULL;
	struct ps_date asof = {0};
	char kind[16];
	bool asof_set = false;
	int rc = list_args(cli, argc, argv, &f, kind, &asof, &asof_set);

	if (rc != PS_OK)
		return rc == PS_ENOENT ? ps_cli_usage(cli, &ps_cmd_assess_list) : PS_CLI_USAGE;
	if (open_registry(cli, &r) != PS_CLI_OK)
		return PS_CLI_FAIL;
	if (!asof_set)
		asof = r.today;
	rc = ps_reg_list(&r, ps_reg_kind_find("assessment"), &f, collect, &rs);
	if (rc == PS_OK && (t = ps_table_new(PS_ARRAY_LEN(cols), cols)) == NULL)
		rc = PS_ENOMEM;
	for (size_t i = 0; rc == PS_OK && i < rs.n; i++) {
		struct ps_assess_counts c;

		rc = ps_assess_counts_get(&r, rs.v[i]->key, asof, &c);
		if (rc == PS_OK)
			rc = list_row(t, rs.v[i], &c);
	}
	if (rc == PS_OK)
		rc = ps_table_print(t, cli->format, cli->out);
	else
		ps_cli_error(cli, "cannot list assessments: %s", rc == PS_EDB ?
			     ps_store_errmsg(cli->store) : ps_strerror(rc));
	ps_table_free(t);
	recs_free(&rs);
	return rc == PS_OK ? PS_CLI_OK : PS_CLI_FAIL;
}

/* ---- show ------------------------------------------------------------------------- */

static const char *const item_cols[] = {"key", "requirement", "status", "deadline",
					"overdue", "owner", "closed_date", "description",
					"evidence"};

static int item_row(struct ps_table *t, const struct ps_reg_record *it,
		    struct ps_date today)
{
	static const char *const fields[] = {NULL, "requirement", "status", "deadline",
					     NULL, "owner", "closed_date", "description",
					     "evidence"};
	int rc = ps_table_row(t);

	for (size_t c = 0; rc == PS_OK && c < PS_ARRAY_LEN(fields); c++) {
		if (c == 0)
			rc = ps_table_set(t, c, it->key);
		else if (c == 4)
			rc = ps_table_set(t, c, ps_assess_item_overdue(it, today) ? "yes" : "no");
		else
			rc = ps_table_set(t, c, ps_reg_record_get(it, fields[c]));
	}
	return rc;
}

static json_t *record_json(const struct ps_reg_record *rec)
{
	json_t *obj = json_object();

	if (obj == NULL || json_put(obj, "key", ps_json_text(rec->key)) != PS_OK)
		goto fail;
	for (size_t i = 0; i < rec->kind->n_fields; i++) {
		const char *v = rec->vals[i];

		if (json_put(obj, rec->kind->fields[i].name,
			     v ? ps_json_text(v) : json_null()) != PS_OK)
			goto fail;
	}
	return obj;
fail:
	json_decref(obj);
	return NULL;
}

static int show_json(struct ps_cli *cli, const struct ps_reg_record *as,
		     const struct recs *items, const struct ps_assess_counts *c,
		     struct ps_date today)
{
	json_t *obj = json_object(), *arr = json_array(), *cnt = json_object();
	int rc = obj && arr && cnt ? PS_OK : PS_ENOMEM;

	for (size_t i = 0; rc == PS_OK && i < items->n; i++) {
		json_t *it = record_json(items->v[i]);

		if (it == NULL || json_array_append_new(arr, it) != 0 ||
		    json_put(it, "overdue", json_boolean(ps_assess_item_overdue(items->v[i],
									     today))))
			rc = PS_ENOMEM;
	}
	if (rc == PS_OK &&
	    ((rc = json_put(cnt, "items", json_integer(c->items))) ||
	     (rc = json_put(cnt, "open", json_integer(c->open))) ||
	     (rc = json_put(cnt, "in_progress", json_integer(c->in_progress))) ||
	     (rc = json_put(cnt, "closed", json_integer(c->closed))) ||
	     (rc = json_put(cnt, "overdue", json_integer(c->overdue))) ||
	     (rc = json_put(obj, "assessment", record_json(as))) ||
	     (rc = json_put(obj, "counts", json_incref(cnt))) ||
	     (rc = json_put(obj, "items", json_incref(arr)))))
		rc = PS_ENOMEM;
	if (rc == PS_OK)
		rc = json_print(cli, obj);
	json_decref(cnt);
	json_decref(arr);
	json_decref(obj);
	return rc;
}

static int show_text(struct ps_cli *cli, const struct ps_reg_record *as,
		     const struct recs *items, const struct ps_assess_counts *c,
		     struct ps_date today)
{
	static const char *const kv[] = {"field", "value"};
	struct ps_table *h = NULL, *t = ps_table_new(PS_ARRAY_LEN(item_cols), item_cols);
	int rc = t ? PS_OK : PS_ENOMEM;

	for (size_t i = 0; rc == PS_OK && i < items->n; i++)
		rc = item_row(t, items->v[i], today);
	if (rc == PS_OK && cli->format == PS_OUT_TABLE) {
		const char *row[2] = {"key", as->key};

		if ((h = ps_table_new(2, kv)) == NULL || ps_table_add(h, row) != PS_OK)
			rc = PS_ENOMEM;
		for (size_t i = 0; rc == PS_OK && i < as->kind->n_fields; i++) {
			row[0] = as->kind->fields[i].name;
			row[1] = as->vals[i];
			if (row[1] != NULL)
				rc = ps_table_add(h, row);
		}
		if (rc == PS_OK && (rc = ps_table_print(h, PS_OUT_TABLE, cli->out)) == PS_OK)
			fprintf(cli->out, "\nitems %" PRId64 ": %" PRId64 " open, %" PRId64
				" in progress, %" PRId64 " closed, %" PRId64 " overdue\n%s",
				c->items, c->open, c->in_progress, c->closed, c->overdue,
				items->n ? "\n" : "");
	}
	if (rc == PS_OK && (items->n > 0 || cli->format == PS_OUT_CSV))
		rc = ps_table_print(t, cli->format, cli->out);
	ps_table_free(h);
	ps_table_free(t);
	return rc;
}

static int assess_show(struct ps_cli *cli, int argc, char **argv)
{
	struct ps_reg_filter f = {.field = {"assessment"}, .n = 1};
	struct ps_reg_record *as = NULL;
	struct ps_assess_counts c;
	struct ps_registry r;
	struct recs items = {0};
	struct ps_date today = {0};
	const char *key = NULL;
	bool asof = false;
	int rc = PS_OK;

	for (int i = 1; i < argc && rc == PS_OK; i++) {
		if (strcmp(argv[i], "--as-of") == 0 && i + 1 < argc)
			rc = parse_date(cli, argv[i], argv[i + 1], &today), asof = true, i++;
		else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc)
			rc = ps_cli_parse_format(cli, argv[++i]);
		else if (argv[i][0] != '-' && key == NULL)
			key = argv[i];
		else
			return ps_cli_usage(cli, &ps_cmd_assess_show);
	}
	if (rc != PS_OK)
		return PS_CLI_USAGE;
	if (key == NULL)
		return ps_cli_usage(cli, &ps_cmd_assess_show);
	if (open_registry(cli, &r) != PS_CLI_OK)
		return PS_CLI_FAIL;
	if (!asof)
		today = r.today;
	f.value[0] = key;
	rc = ps_reg_get(&r, ps_reg_kind_find("assessment"), key, &as);
	if (rc == PS_OK)
		rc = ps_reg_list(&r, ps_reg_kind_find("rectification"), &f, collect, &items);
	if (rc == PS_OK)
		rc = ps_assess_counts_get(&r, key, today, &c);
	if (rc == PS_OK)
		rc = cli->format == PS_OUT_JSON ? show_json(cli, as, &items, &c, today)
						: show_text(cli, as, &items, &c, today);
	else if (rc == PS_ENOENT)
		ps_cli_error(cli, "assessment '%s' does not exist", key);
	else
		ps_cli_error(cli, "cannot read assessment '%s': %s", key, rc == PS_EDB ?
			     ps_store_errmsg(cli->store) : ps_strerror(rc));
	recs_free(&items);
	ps_reg_record_free(as);
	return rc == PS_OK ? PS_CLI_OK : PS_CLI_FAIL;
}

/* ---- rectify ---------------------------------------------------------------------- */

static int assess_rectify(struct ps_cli *cli, int argc, char **argv)
{
	struct ps_assess_rectify_opts o = {0};
	struct ps_reg_record *before = NULL;
	struct ps_registry r;
	struct ps_diag d = {{0}};
	const char *item = NULL;
	int rc = PS_OK;

	for (int i = 1; i < argc && rc == PS_OK; i++) {
		if (strcmp(argv[i], "--status") == 0 && i + 1 < argc)
			o.status = argv[++i];
		else if (strcmp(argv[i], "--evidence") == 0 && i + 1 < argc)
			o.evidence = argv[++i];
		else if (strcmp(argv[i], "--date") == 0 && i + 1 < argc)
			rc = parse_date(cli, argv[i], argv[i + 1], &o.date), o.date_set = true, i++;
		else if (argv[i][0] != '-' && item == NULL)
			item = argv[i];
		else
			return ps_cli_usage(cli, &ps_cmd_assess_rectify);
	}
	if (rc != PS_OK)
		return PS_CLI_USAGE;
	if (item == NULL || o.status == NULL)
		return ps_cli_usage(cli, &ps_cmd_assess_rectify);
	if (open_registry(cli, &r) != PS_CLI_OK)
		return PS_CLI_FAIL;
	if (ps_reg_get(&r, ps_reg_kind_find("rectification"), item, &before) != PS_OK)
		before = NULL;
	rc = ps_assess_rectify(&r, item, &o, &d);
	if (rc != PS_OK)
		ps_cli_error(cli, "%s", d.msg[0] ? d.msg : ps_strerror(rc));
	else if (!cli->quiet)
		fprintf(cli->out, "rectification %s: %s -> %s\n", item,
			before ? get(before, "status") : "?", o.status);
	ps_reg_record_free(before);
	return rc == PS_OK ? PS_CLI_OK : PS_CLI_FAIL;
}

/* ---- frameworks ------------------------------------------------------------------- */

static int fw_row(struct ps_table *t, const struct ps_framework *fw, const char *file)
{
	char targets[64] = "";
	size_t n = 0;
	int rc;

	for (unsigned b = 1; b <= PS_FW_TGT_OPERATOR; b <<= 1)
		if (fw->targets & b)
			n += (size_t)snprintf(targets + n, sizeof(targets) - n, "%s%s",
					      n ? "," : "", ps_fw_target_name(b));
	if ((rc = ps_table_row(t)) == PS_OK && (rc = ps_table_set(t, 0, fw->id)) == PS_OK &&
	    (rc = ps_table_set(t, 1, fw->version)) == PS_OK &&
	    (rc = ps_table_set(t, 2, fw->kind)) == PS_OK &&
	    (rc = ps_table_set(t, 3, targets)) == PS_OK &&
	    (rc = ps_table_addf(t, 4, "%zu", fw->n_reqs)) == PS_OK &&
	    (rc = ps_table_addf(t, 5, "%" PRIu64, fw->total_points)) == PS_OK &&
	    (rc = ps_table_addf(t, 6, "%u", fw->pass_score)) == PS_OK &&
	    (rc = ps_table_set(t, 7, fw->title)) == PS_OK)
		rc = ps_table_set(t, 8, file);
	return rc;
}

static int assess_frameworks(struct ps_cli *cli, int argc, char **argv)
{
	static const char *const cols[] = {"id", "version", "kind", "targets",
					   "requirements", "points", "pass_score",
					   "title", "file"};
	struct ps_table *t = NULL;
	struct ps_diag d = {{0}};
	const char *opt = NULL;
	char dir[4096], path[8192], **names = NULL;
	size_t n = 0, bad = 0;
	int rc = PS_OK;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--framework-dir") == 0 && i + 1 < argc)
			opt = argv[++i];
		else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
			if (ps_cli_parse_format(cli, argv[++i]) != PS_OK)
				return PS_CLI_USAGE;
		} else
			return ps_cli_usage(cli, &ps_cmd_assess_frameworks);
	}
	if (ps_cli_policy_load(cli) != PS_OK ||
	    framework_dir(cli, opt, dir, sizeof(dir)) != PS_OK)
		return PS_CLI_FAIL;
	if (ps_assess_framework_files(dir, &names, &n, &d) != PS_OK) {
		ps_cli_error(cli, "%s", d.msg);
		return PS_CLI_FAIL;
	}
	if ((t = ps_table_new(PS_ARRAY_LEN(cols), cols)) == NULL)
		rc = PS_ENOMEM;
	for (size_t i = 0; rc == PS_OK && i < n; i++) {
		struct ps_framework *fw = NULL;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (ps_fw_load_file(path, cli->policy, &fw, &d) != PS_OK) {
			ps_cli_error(cli, "%s", d.msg);
			bad++;
		} else {
			rc = fw_row(t, fw, path);
		}
		ps_fw_free(fw);
	}
	if (rc == PS_OK)
		rc = ps_table_print(t, cli->format, cli->out);
	else
		ps_cli_error(cli, "cannot list frameworks: %s", ps_strerror(rc));
	ps_table_free(t);
	ps_assess_names_free(names, n);
	return rc == PS_OK && bad == 0 ? PS_CLI_OK : PS_CLI_FAIL;
}

const struct ps_cli_cmd ps_cmd_assess_run = {
	"assess", "run", assess_run,
	"panshi assess run FRAMEWORK --target KIND:KEY --answers FILE [--date D] "
	"[--assessor NAME] [--owner PERSON] [--deadline D | --deadline-days N] "
	"[--framework-dir DIR] [--dry-run] [--format F]",
	"score a checklist framework for a unit, iie, iov or operator and store the "
	"assessment and its rectification items", -1};

const struct ps_cli_cmd ps_cmd_assess_list = {
	"assess", "list", assess_list,
	"panshi assess list [--target KIND:KEY] [--kind K] [--framework ID] [--as-of D] "
	"[--format F]",
	"list assessments with their scores and open and overdue items", -1};

const struct ps_cli_cmd ps_cmd_assess_show = {
	"assess", "show", assess_show, "panshi assess show KEY [--as-of D] [--format F]",
	"show an assessment with its rectification items and overdue flags", -1};

const struct ps_cli_cmd ps_cmd_assess_rectify = {
	"assess", "rectify", assess_rectify,
	"panshi assess rectify ITEM --status open|in_progress|closed [--evidence TEXT] "
	"[--date D]",
	"move a rectification item; closing needs evidence", -1};

const struct ps_cli_cmd ps_cmd_assess_frameworks = {
	"assess", "frameworks", assess_frameworks,
	"panshi assess frameworks [--framework-dir DIR] [--format F]",
	"list and check the checklist frameworks", -1};
