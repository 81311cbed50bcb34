/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The policy container: loading a directory of policy files, the checks
 * that span files, lookups by id and the list of ids that code relies on.
 * Every other module reads legal numbers through these functions.
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy_int.h"
#include "core/core.h"

int ps_policy_push(void *arrp, size_t *n, size_t *cap, void *item)
{
	unsigned char *arr;

	/* arrp points at a `T **` of any T: moved as bytes, never punned. */
	memcpy(&arr, arrp, sizeof(arr));
	if (*n >= PS_POLICY_ENTRIES_MAX)
		return PS_ELIMIT;
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 32;
		unsigned char *na = ps_reallocarray(PS_MEM_POLICY, arr, ncap,
						    sizeof(void *));

		if (na == NULL)
			return PS_ENOMEM;
		arr = na;
		*cap = ncap;
		memcpy(arrp, &arr, sizeof(arr));
	}
	memcpy(arr + *n * sizeof(void *), &item, sizeof(item));
	(*n)++;
	return PS_OK;
}

void ps_policy_free(struct ps_policy *p)
{
	if (p == NULL)
		return;
	ps_arena_release(&p->arena);
	ps_sm3_release(&p->sm3);
	ps_free(p->docs);
	ps_free(p->vals);
	ps_free(p->tabs);
	ps_free(p);
}

/* ---- Checks across files ---- */

/* Entries that share an id: the one loaded first is the original. */
static int cmp_loc(const char *fa, unsigned la, const char *fb, unsigned lb)
{
	int c = strcmp(fa, fb);

	if (c != 0)
		return c;
	return la < lb ? -1 : la > lb;
}

static int cmp_doc(const void *a, const void *b)
{
	const struct ps_policy_doc *x = *(const struct ps_policy_doc *const *)a;
	const struct ps_policy_doc *y = *(const struct ps_policy_doc *const *)b;
	int c = strcmp(x->id, y->id);

	return c ? c : cmp_loc(x->file, x->line, y->file, y->line);
}

static int cmp_val(const void *a, const void *b)
{
	const struct ps_policy_value *x = *(const struct ps_policy_value *const *)a;
	const struct ps_policy_value *y = *(const struct ps_policy_value *const *)b;
	int c = strcmp(x->id, y->id);

	return c ? c : cmp_loc(x->file, x->line, y->file, y->line);
}

static int cmp_tab(const void *a, const void *b)
{
	const struct ps_policy_table *x = *(const struct ps_policy_table *const *)a;
	const struct ps_policy_table *y = *(const struct ps_policy_table *const *)b;
	int c = strcmp(x->id, y->id);

	return c ? c : cmp_loc(x->file, x->line, y->file, y->line);
}

static int dup_error(struct ps_diag *d, const char *what, const char *id,
		     const char *f1, unsigned l1, const char *f2, unsigned l2)
{
	/* Report the later of the two, pointing at the earlier. */
	if (cmp_loc(f1, l1, f2, l2) < 0)
		ps_diag_set(d, "%s:%u: duplicate %s '%s' (first defined at %s:%u)",
			    f2, l2, what, id, f1, l1);
	else
		ps_diag_set(d, "%s:%u: duplicate %s '%s' (first defined at %s:%u)",
			    f1, l1, what, id, f2, l2);
	return PS_EINVAL;
}

static int check_dups(struct ps_policy *p, struct ps_diag *d)
{
	size_t i, j;

	for (i = 1; i < p->n_docs; i++)
		if (strcmp(p->docs[i - 1]->id, p->docs[i]->id) == 0)
			return dup_error(d, "document id", p->docs[i]->id,
					 p->docs[i - 1]->file, p->docs[i - 1]->line,
					 p->docs[i]->file, p->docs[i]->line);
	for (i = 1; i < p->n_vals; i++)
		if (strcmp(p->vals[i - 1]->id, p->vals[i]->id) == 0)
			return dup_error(d, "id", p->vals[i]->id,
					 p->vals[i - 1]->file, p->vals[i - 1]->line,
					 p->vals[i]->file, p->vals[i]->line);
	for (i = 1; i < p->n_tabs; i++)
		if (strcmp(p->tabs[i - 1]->id, p->tabs[i]->id) == 0)
			return dup_error(d, "id", p->tabs[i]->id,
					 p->tabs[i - 1]->file, p->tabs[i - 1]->line,
					 p->tabs[i]->file, p->tabs[i]->line);
	/* Values and tables share one namespace: merge the sorted lists. */
	for (i = 0, j = 0; i < p->n_vals && j < p->n_tabs;) {
		int c = strcmp(p->vals[i]->id, p->tabs[j]->id);

		if (c == 0)
			return dup_error(d, "id", p->vals[i]->id, p->vals[i]->file,
					 p->vals[i]->line, p->tabs[j]->file,
					 p->tabs[j]->line);
		if (c < 0)
			i++;
		else
			j++;
	}
	return PS_OK;
}

static int cmp_doc_key(const void *key, const void *elem)
{
	return strcmp(key, (*(const struct ps_policy_doc *const *)elem)->id);
}

static const struct ps_policy_doc *find_doc(const struct ps_policy *p,
					    const char *id)
{
	struct ps_policy_doc *const *r;

	if (p->n_docs == 0)
		return NULL;
	r = bsearch(id, p->docs, p->n_docs, sizeof(*p->docs), cmp_doc_key);
	return r ? *r : NULL;
}

static int resolve_docs(struct ps_policy *p, struct ps_diag *d)
{
	for (size_t i = 0; i < p->n_vals; i++) {
		struct ps_policy_value *v = p->vals[i];

		v->doc = find_doc(p, v->doc_id);
		if (v->doc == NULL) {
			ps_diag_set(d, "%s:%u: '%s' names unknown document '%s'",
				    v->file, v->line, v->id, v->doc_id);
			return PS_EINVAL;
		}
	}
	for (size_t i = 0; i < p->n_tabs; i++) {
		struct ps_policy_table *t = p->tabs[i];

		t->doc = find_doc(p, t->doc_id);
		if (t->doc == NULL) {
			ps_diag_set(d, "%s:%u: '%s' names unknown document '%s'",
				    t->file, t->line, t->id, t->doc_id);
			return PS_EINVAL;
		}
	}
	return PS_OK;
}

const uint8_t *ps_policy_sm3(const struct ps_policy *p)
{
	return p->sm3_digest;
}

int ps_policy_finish(struct ps_policy *p, struct ps_diag *d)
{
	int rc;

	if (ps_sm3_final(&p->sm3, p->sm3_digest) != PS_OK) {
		ps_diag_set(d, "cannot compute the policy digest (SM3)");
		return PS_ECRYPTO;
	}
	if (p->n_docs > 1)
		qsort(p->docs, p->n_docs, sizeof(*p->docs), cmp_doc);
	if (p->n_vals > 1)
		qsort(p->vals, p->n_vals, sizeof(*p->vals), cmp_val);
	if (p->n_tabs > 1)
		qsort(p->tabs, p->n_tabs, sizeof(*p->tabs), cmp_tab);
	rc = check_dups(p, d);
	if (rc == PS_OK)
		rc = resolve_docs(p, d);
	return rc;
}

/* ---- Loading ---- */

static int add_text(struct ps_policy *p, const char *name, const char *text,
		    size_t len, struct ps_diag *d)
{
	const char *pname = ps_policy_pool_strndup(p, name, strlen(name));
	const char *base = strrchr(name, '/');

	if (pname == NULL) {
		ps_diag_set(d, "out of memory");
		return PS_ENOMEM;
	}
	if (len > PS_POLICY_FILE_MAX) {
		ps_diag_set(d, "'%s' is too large (over %u bytes)", name,
			    PS_POLICY_FILE_MAX);
		return PS_ELIMIT;
	}
	base = base ? base + 1 : name;
	if (ps_sm3_update(&p->sm3, base, strlen(base) + 1) != PS_OK ||
	    ps_sm3_update(&p->sm3, text, len) != PS_OK) {
		ps_diag_set(d, "cannot compute the policy digest (SM3)");
		return PS_ECRYPTO;
	}
	p->n_files++;
	return ps_policy_parse(p, pname, text, len, d);
}

static int add_file(struct ps_policy *p, const char *path, struct ps_diag *d)
{
	char *text = NULL;
	size_t len = 0;
	int rc;

	rc = ps_file_read(path, PS_MEM_POLICY, PS_POLICY_FILE_MAX, &text, &len,
			  d);
	if (rc == PS_OK)
		rc = add_text(p, path, text, len, d);
	ps_free(text);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_yaml_name(const char *n)
{
	size_t len = strlen(n);

	return n[0] != '.' && len > 5 && strcmp(n + len - 5, ".yaml") == 0;
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ps_free(names[i]);
	ps_free(names);
}

/* Names of the *.yaml files of `dir`, sorted bytewise. */
static int list_dir(const char *dir, char ***out, size_t *n,
		    struct ps_diag *d)
{
	DIR *dh = opendir(dir);
	struct dirent *de;
	size_t cap = 0;
	int rc = PS_OK;

	*out = NULL;
	*n = 0;
	if (dh == NULL) {
		int e = errno;

		ps_diag_set(d, "cannot open policy directory '%s': %s", dir,
			    strerror(e));
		return e == ENOENT ? PS_ENOENT : PS_EIO;
	}
	while (rc == PS_OK && (de = readdir(dh)) != NULL) {
		char *name;

		if (!is_yaml_name(de->d_name))
			continue;
		name = ps_strdup(PS_MEM_POLICY, de->d_name);
		if (name == NULL)
			rc = PS_ENOMEM;
		else
			rc = ps_policy_push(out, n, &cap, name);
		if (rc != PS_OK)
			ps_free(name);
	}
	closedir(dh);
	if (rc != PS_OK) {
		ps_diag_set(d, "%s", rc == PS_ENOMEM ? "out of memory" :
			    "too many policy files");
		free_names(*out, *n);
		*out = NULL;
		*n = 0;
		return rc;
	}
	if (*n > 1)
		qsort(*out, *n, sizeof(char *), cmp_str);
	return PS_OK;
}

static struct ps_policy *policy_new(struct ps_diag *d)
{
	struct ps_policy *p = ps_calloc(PS_MEM_POLICY, 1, sizeof(*p));

	if (p == NULL) {
		ps_diag_set(d, "out of memory");
		return NULL;
	}
	ps_arena_init(&p->arena, PS_MEM_POLICY, PS_POLICY_BLOCK,
		      PS_POLICY_MEM_MAX);
	if (ps_sm3_init(&p->sm3) != PS_OK) {
		ps_diag_set(d, "cannot compute the policy digest (SM3)");
		ps_policy_free(p);
		return NULL;
	}
	return p;
}

int ps_policy_load_dir(const char *dir, struct ps_policy **out,
		       struct ps_diag *d)
{
	struct ps_policy *p = NULL;
	char **names = NULL, path[4096];
	size_t n = 0;
	int rc;

	*out = NULL;
	rc = list_dir(dir, &names, &n, d);
	if (rc != PS_OK)
		return rc;
	if (n == 0) {
		ps_diag_set(d, "no policy files (*.yaml) in '%s'", dir);
		rc = PS_ENOENT;
		goto out;
	}
	p = policy_new(d);
	if (p == NULL) {
		rc = PS_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n && rc == PS_OK; i++) {
		int len = snprintf(path, sizeof(path), "%s/%s", dir, names[i]);

		if (len < 0 || (size_t)len >= sizeof(path)) {
			ps_diag_set(d, "policy path too long: '%s/%s'", dir,
				    names[i]);
			rc = PS_ELIMIT;
		} else {
			rc = add_file(p, path, d);
		}
	}
	if (rc == PS_OK)
		rc = ps_policy_finish(p, d);
	if (rc == PS_OK)
		rc = ps_policy_check_required(p, d);
out:
	free_names(names, n);
	if (rc == PS_OK)
		*out = p;
	else
		ps_policy_free(p);
	return rc;
}

int ps_policy_load_file(const char *path, struct ps_policy **out,
			struct ps_diag *d)
{
	struct ps_policy *p;
	int rc;

	*out = NULL;
	p = policy_new(d);
	if (p == NULL)
		return PS_ENOMEM;
	rc = add_file(p, path, d);
	if (rc == PS_OK)
		rc = ps_policy_finish(p, d);
	if (rc == PS_OK)
		*out = p;
	else
		ps_policy_free(p);
	return rc;
}

int ps_policy_load_mem(const char *name, const char *text, size_t len,
		       struct ps_policy **out, struct ps_diag *d)
{
	struct ps_policy *p;
	int rc;

	*out = NULL;
	p = policy_new(d);
	if (p == NULL)
		return PS_ENOMEM;
	rc = add_text(p, name ? name : "(policy)", text, len, d);
	if (rc == PS_OK)
		rc = ps_policy_finish(p, d);
	if (rc == PS_OK)
		*out = p;
	else
		ps_policy_free(p);
	return rc;
}

/* ---- Required ids ---- */

/*
 * What other modules read. Kinds: 'i' integer, 'f' flag, 't' text, 'T' a
 * table with the listed columns. Adding a use of a new id means adding it
 * here, so that a policy directory without it is refused at start-up.
 */
static const struct {
	const char *id;
	char kind;
	const char *cols;
} required[] = {
	{"protection.level.min", 'i', NULL},
	{"protection.level.max", 'i', NULL},
	{"protection.level.sub_levels_enabled", 'f', NULL},
	{"protection.filing.deadline_days", 'i', NULL},
	{"protection.change_filing.deadline_days", 'i', NULL},
	{"protection.evaluation.annual_min_level", 'i', NULL},
	{"protection.evaluation.biennial_min_level", 'i', NULL},
	{"protection.evaluation.annual_interval_years", 'i', NULL},
	{"protection.evaluation.biennial_interval_years", 'i', NULL},
	{"protection.evaluation.window_mode", 't', NULL},
	{"protection.risk_assessment.annual_min_level", 'i', NULL},
	{"protection.risk_assessment.biennial_min_level", 'i', NULL},
	{"protection.risk_assessment.annual_interval_years", 'i', NULL},
	{"protection.risk_assessment.biennial_interval_years", 'i', NULL},
	{"protection.risk_assessment.window_mode", 't', NULL},
	{"protection.penalty.fine_min_cny", 'i', NULL},
	{"protection.penalty.fine_max_cny", 'i', NULL},
	{"industrial.classes", 'T', "code,name"},
	{"industrial.levels", 'T', "name,rank,evaluation_interval_years"},
	{"iov.evaluation.annual_min_level", 'i', NULL},
	{"iov.evaluation.biennial_min_level", 'i', NULL},
	{"iov.evaluation.annual_interval_years", 'i', NULL},
	{"iov.evaluation.biennial_interval_years", 'i', NULL},
	{"iov.evaluation.window_mode", 't', NULL},
	{"industrial.evaluation.window_mode", 't', NULL},
	{"datasec.levels", 'T', "name,rank,catalogue_required"},
	{"datasec.change.major_scale_percent", 'i', NULL},
	{"datasec.change.filing_deadline_months", 'i', NULL},
	{"datasec.review.decision_working_days", 'i', NULL},
	{"datasec.review.resubmit_working_days", 'i', NULL},
	{"datasec.risk_assessment.validity_years", 'i', NULL},
	{"datasec.risk_assessment.submit_working_days", 'i', NULL},
	{"datasec.logs.retention_min_days", 'i', NULL},
	{"incident.miit2017.levels", 'T', "level,rank,leaked_users_min,outage_scope"},
	{"incident.miit2017.report_sla_minutes", 'i', NULL},
	{"incident.cac2025.report_min_level", 't', NULL},
	{"incident.cac2025.cii_report_hours", 'i', NULL},
	{"incident.cac2025.state_organ_report_hours", 'i', NULL},
	{"incident.cac2025.other_report_hours", 'i', NULL},
	{"incident.cac2025.final_report_days", 'i', NULL},
	{"incident.cac2025.cii_escalation_minutes", 'i', NULL},
	{"incident.cac2025.state_organ_escalation_hours", 'i', NULL},
	{"incident.cac2025.provincial_escalation_hours", 'i', NULL},
	{"incident.datasec.report_sla_minutes", 'i', NULL},
	{"incident.escalation.step_minutes", 'i', NULL},
	{"incident.escalation.ladder", 'T', "role,rank,title"},
	{"incident.rectification.deadlines", 'T', "severity,days"},
	{"incident.cac2025.thresholds", 'T',
	 "level,rank,portal_down_minutes,cii_total_down_minutes,"
	 "cii_main_function_down_minutes,people_affected,pi_leaked_people,"
	 "direct_loss_cny"},
	{"vuln.report.sla_hours", 'i', NULL},
	{"vuln.export.include_details", 'f', NULL},
	{"antifraud.cards.per_operator_max", 'i', NULL},
	{"antifraud.cards.total_max", 'i', NULL},
	{"filing.icp.change_deadline_days", 'i', NULL},
	{"training.hours_per_person_year", 'i', NULL},
	{"training.data_security_min_per_year", 'i', NULL},
	{"training.window_mode", 't', NULL},
	{"drills.min_per_year", 'i', NULL},
	{"drills.require_both_kinds", 'f', NULL},
	{"drills.window_mode", 't', NULL},
	{"practice.commercial_crypto.min_systems", 'i', NULL},
	{"inspection.vas_operators_min_per_province", 'i', NULL},
};

size_t ps_policy_required_count(void)
{
	return PS_ARRAY_LEN(required);
}

const char *ps_policy_required_id(size_t i)
{
	return i < PS_ARRAY_LEN(required) ? required[i].id : NULL;
}

/* Each comma-separated column of `cols` exists in `t`. */
static int check_cols(const struct ps_policy_table *t, const char *cols,
		      struct ps_diag *d)
{
	while (*cols != '\0') {
		const char *end = strchr(cols, ',');
		size_t len = end ? (size_t)(end - cols) : strlen(cols);
		char name[64];

		snprintf(name, sizeof(name), "%.*s", (int)len, cols);
		if (ps_policy_table_col(t, name) < 0) {
			ps_diag_set(d, "%s:%u: table '%s' has no column '%s'",
				    t->file, t->line, t->id, name);
			return PS_EINVAL;
		}
		cols += len + (end != NULL);
	}
	return PS_OK;
}

int ps_policy_check_required(const struct ps_policy *p, struct ps_diag *d)
{
	static const char *const kind_name[] = {
		[PS_POLICY_INT] = "an integer", [PS_POLICY_FLAG] = "a flag",
		[PS_POLICY_TEXT] = "text", [PS_POLICY_DATE] = "a date",
		[PS_POLICY_MONTH_DAY] = "a month_day",
	};

	for (size_t i = 0; i < PS_ARRAY_LEN(required); i++) {
		const struct ps_policy_value *v;
		enum ps_policy_kind want;

		if (required[i].kind == 'T') {
			const struct ps_policy_table *t =
				ps_policy_table_get(p, required[i].id);

			if (t == NULL) {
				ps_diag_set(d, "policy: required table '%s' is "
					    "missing", required[i].id);
				return PS_EINVAL;
			}
			if (check_cols(t, required[i].cols, d) != PS_OK)
				return PS_EINVAL;
			continue;
		}
		v = ps_policy_value_get(p, required[i].id);
		if (v == NULL) {
			ps_diag_set(d, "policy: required value '%s' is missing",
				    required[i].id);
			return PS_EINVAL;
		}
		want = required[i].kind == 'i'	 ? PS_POLICY_INT
		       : required[i].kind == 'f' ? PS_POLICY_FLAG
						 : PS_POLICY_TEXT;
		if (v->v.kind != want) {
			ps_diag_set(d, "%s:%u: '%s' must be %s", v->file, v->line,
				    v->id, kind_name[want]);
			return PS_EINVAL;
		}
	}
	return PS_OK;
}

/* ---- Lookups ---- */

static int cmp_val_key(const void *key, const void *elem)
{
	return strcmp(key, (*(const struct ps_policy_value *const *)elem)->id);
}

static int cmp_tab_key(const void *key, const void *elem)
{
	return strcmp(key, (*(const struct ps_policy_table *const *)elem)->id);
}

const struct ps_policy_value *ps_policy_value_get(const struct ps_policy *p,
						  const char *id)
{
	struct ps_policy_value *const *r;

	if (p == NULL || p->n_vals == 0)
		return NULL;
	r = bsearch(id, p->vals, p->n_vals, sizeof(*p->vals), cmp_val_key);
	return r ? *r : NULL;
}

static int get_kind(const struct ps_policy *p, const char *id,
		    enum ps_policy_kind kind, const struct ps_policy_value **v)
{
	*v = ps_policy_value_get(p, id);
	if (*v == NULL)
		return PS_ENOENT;
	return (*v)->v.kind == kind ? PS_OK : PS_EINVAL;
}

int ps_policy_get_int(const struct ps_policy *p, const char *id, int64_t *out)
{
	const struct ps_policy_value *v;
	int rc = get_kind(p, id, PS_POLICY_INT, &v);

	if (rc == PS_OK)
		*out = v->v.num;
	return rc;
}

int ps_policy_get_flag(const struct ps_policy *p, const char *id, bool *out)
{
	const struct ps_policy_value *v;
	int rc = get_kind(p, id, PS_POLICY_FLAG, &v);

	if (rc == PS_OK)
		*out = v->v.num != 0;
	return rc;
}

int ps_policy_get_text(const struct ps_policy *p, const char *id,
		       const char **out)
{
	const struct ps_policy_value *v = ps_policy_value_get(p, id);

	if (v == NULL)
		return PS_ENOENT;
	*out = v->v.text;
	return PS_OK;
}

int ps_policy_get_date(const struct ps_policy *p, const char *id,
		       struct ps_date *out)
{
	const struct ps_policy_value *v;
	int rc = get_kind(p, id, PS_POLICY_DATE, &v);

	if (rc == PS_OK)
		*out = v->v.date;
	return rc;
}

const struct ps_policy_table *ps_policy_table_get(const struct ps_policy *p,
						  const char *id)
{
	struct ps_policy_table *const *r;

	if (p == NULL || p->n_tabs == 0)
		return NULL;
	r = bsearch(id, p->tabs, p->n_tabs, sizeof(*p->tabs), cmp_tab_key);
	return r ? *r : NULL;
}

int ps_policy_table_col(const struct ps_policy_table *t, const char *name)
{
	for (size_t i = 0; i < t->n_cols; i++)
		if (strcmp(t->cols[i].name, name) == 0)
			return (int)i;
	return -1;
}

const struct ps_policy_scalar *ps_policy_table_cell(
	const struct ps_policy_table *t, size_t row, const char *col)
{
	int c = ps_policy_table_col(t, col);

	if (c < 0 || row >= t->n_rows)
		return NULL;
	return &t->cells[row * t->n_cols + (size_t)c];
}

long ps_policy_table_find(const struct ps_policy_table *t, const char *col,
			  const char *text)
{
	int c = ps_policy_table_col(t, col);

	if (c < 0)
		return -1;
	for (size_t r = 0; r < t->n_rows; r++)
		if (strcmp(t->cells[r * t->n_cols + (size_t)c].text, text) == 0)
			return (long)r;
	return -1;
}

int ps_policy_table_get_int(const struct ps_policy_table *t, size_t row,
			    const char *col, int64_t *out)
{
	const struct ps_policy_scalar *s = ps_policy_table_cell(t, row, col);

	if (s == NULL)
		return PS_ENOENT;
	if (s->kind != PS_POLICY_INT)
		return PS_EINVAL;
	*out = s->num;
	return PS_OK;
}

const struct ps_policy_doc *ps_policy_doc_get(const struct ps_policy *p,
					      const char *id)
{
	return p == NULL ? NULL : find_doc(p, id);
}

size_t ps_policy_value_count(const struct ps_policy *p)
{
	return p->n_vals;
}

const struct ps_policy_value *ps_policy_value_at(const struct ps_policy *p,
						 size_t i)
{
	return i < p->n_vals ? p->vals[i] : NULL;
}

size_t ps_policy_table_count(const struct ps_policy *p)
{
	return p->n_tabs;
}

const struct ps_policy_table *ps_policy_table_at(const struct ps_policy *p,
						 size_t i)
{
	return i < p->n_tabs ? p->tabs[i] : NULL;
}

size_t ps_policy_doc_count(const struct ps_policy *p)
{
	return p->n_docs;
}

const struct ps_policy_doc *ps_policy_doc_at(const struct ps_policy *p,
					     size_t i)
{
	return i < p->n_docs ? p->docs[i] : NULL;
}

void ps_policy_stats_get(const struct ps_policy *p, struct ps_policy_stats *out)
{
	memset(out, 0, sizeof(*out));
	out->files = p->n_files;
	out->documents = p->n_docs;
	out->values = p->n_vals;
	out->tables = p->n_tabs;
	for (size_t i = 0; i < p->n_vals; i++)
		out->by_status[p->vals[i]->status]++;
	for (size_t i = 0; i < p->n_tabs; i++)
		out->by_status[p->tabs[i]->status]++;
}

const char *ps_policy_status_name(enum ps_policy_status s)
{
	static const char *const names[] = {
		[PS_POLICY_CONFIRMED] = "confirmed",
		[PS_POLICY_CONFIRMED_SECONDARY] = "confirmed-secondary",
		[PS_POLICY_UNVERIFIED_DEFAULT] = "unverified-default",
		[PS_POLICY_INTERPRETATION] = "interpretation",
	};

	if ((unsigned)s >= PS_POLICY_STATUS__COUNT)
		return "unknown";
	return names[s];
}
