/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Build the compliance calendar's input from the registry: list the kinds
 * the rules read, keep the records a unit or operator filter selects, and
 * convert their text to dates and numbers, naming the record and field of
 * any stored value that does not convert.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "policy/policy.h"
#include "registry/calendar.h"
#include "registry/registry.h"

#define LOAD_MAX (SIZE_MAX / 2)

struct dept_op {
	const char *key;
	const char *operator;
};

/* Storage behind a loaded input: the arrays and their strings. */
struct cal_own {
	struct ps_arena arena;
	struct ps_vec ops, depts, persons, units, changes, iies, iovs, assess, cats,
		trains, drills, icps, cryptos;
};

struct ld {
	struct ps_registry *r;
	const struct ps_cal_filter *f;
	struct cal_own *o;
	struct ps_diag *d;
	bool sub_levels;
	bool nomem;
	const char *unit_op;     /* with a unit filter: the unit's operator */
	const char *unit_person; /* and responsible person */
};

static bool eq(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/* An arena copy of `s`, NULL for NULL; sets l->nomem on failure. */
static const char *keep(struct ld *l, const char *s)
{
	char *p;

	if (s == NULL)
		return NULL;
	p = ps_arena_strndup(&l->o->arena, s, strlen(s));
	if (p == NULL)
		l->nomem = true;
	return p;
}

static const char *get(struct ld *l, const struct ps_reg_record *rec, const char *field)
{
	return keep(l, ps_reg_record_get(rec, field));
}

static int bad(struct ld *l, const struct ps_reg_record *rec, const char *field,
	       const char *v, const char *what)
{
	ps_diag_set(l->d, "%s '%s': field '%s': '%s' is not %s", rec->kind->name,
		    rec->key ? rec->key : "", field, v, what);
	return PS_EINVAL;
}

static int date(struct ld *l, const struct ps_reg_record *rec, const char *field,
		struct ps_date *out)
{
	const char *v = ps_reg_record_get(rec, field);

	memset(out, 0, sizeof(*out));
	if (v == NULL || ps_date_parse(v, strlen(v), out) == PS_OK)
		return PS_OK;
	return bad(l, rec, field, v, "a valid date");
}

static void created(const struct ps_reg_record *rec, struct ps_date *out)
{
	memset(out, 0, sizeof(*out));
	if (rec->created_us > 0 &&
	    ps_date_from_time_us(rec->created_us, PS_TZ_SHANGHAI, out) != PS_OK)
		memset(out, 0, sizeof(*out));
}

/* A protection level: "3", or "3.1" when sub-levels are on (its whole part). */
static int level(struct ld *l, const struct ps_reg_record *rec, int *out)
{
	const char *v = ps_reg_record_get(rec, "level");
	char *end;
	long n;

	if (v == NULL)
		return bad(l, rec, "level", "", "a level");
	errno = 0;
	n = strtol(v, &end, 10);
	if (end != v && *end == '.' && l->sub_levels && end[1] >= '0' && end[1] <= '9' &&
	    end[2] == '\0')
		end += 2;
	if (errno != 0 || end == v || *end != '\0' || n < 0 || n > 1000 || v[0] == '+' ||
	    v[0] == '-')
		return bad(l, rec, "level", v, "a level");
	*out = (int)n;
	return PS_OK;
}

static int int_field(struct ld *l, const struct ps_reg_record *rec, const char *field,
		     bool *has, int64_t *out)
{
	const char *v = ps_reg_record_get(rec, field);
	char *end;
	long long n;

	*has = false;
	*out = 0;
	if (v == NULL)
		return PS_OK;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0')
		return bad(l, rec, field, v, "a whole number");
	*has = true;
	*out = n;
	return PS_OK;
}

/* "1.5" -> 150: a non-negative number with at most 2 decimals, in hundredths. */
static int centi(struct ld *l, const struct ps_reg_record *rec, const char *field,
		 int64_t *out)
{
	const char *v = ps_reg_record_get(rec, field), *s = v;
	int64_t n = 0;
	int frac = -1;

	*out = 0;
	if (v == NULL)
		return PS_OK;
	for (; *s != '\0'; s++) {
		if (*s == '.' && frac < 0) {
			frac = 0;
			continue;
		}
		if (*s < '0' || *s > '9' || frac == 2 || n > INT64_MAX / 1000)
			return bad(l, rec, field, v, "a number");
		n = n * 10 + (*s - '0');
		frac += frac >= 0;
	}
	if (s == v || frac == 0)
		return bad(l, rec, field, v, "a number");
	for (int i = frac < 0 ? 0 : frac; i < 2; i++)
		n *= 10;
	*out = n;
	return PS_OK;
}

/* A zeroed slot at the end of `v`. */
static void *slot(struct ld *l, struct ps_vec *v)
{
	void *p = ps_vec_push_slot(v);

	if (p == NULL)
		l->nomem = true;
	else
		memset(p, 0, v->elem_size);
	return p;
}

/* Whether `v` (of structs whose first member is the key) holds `key`. */
static bool has_key(const struct ps_vec *v, const char *key)
{
	for (size_t i = 0; i < v->len; i++)
		if (eq(*(const char *const *)ps_vec_get(v, i), key))
			return true;
	return false;
}

static int done(const struct ld *l)
{
	return l->nomem ? PS_ENOMEM : PS_OK;
}

/* ---- one callback per kind ---------------------------------------------------------- */

static int on_operator(void *arg, const struct ps_reg_record *rec)
{
	struct ld *l = arg;
	struct ps_cal_operator *x;

	if ((l->f->operator != NULL && !eq(rec->key, l->f->operator)) ||
	    (l->f->unit != NULL && !eq(rec->key, l->unit_op)))
		return PS_OK;
	x = slot(l, &l->o->ops);
	if (x == NULL)
		return PS_ENOMEM;
	x->key = keep(l, rec->key);
	x->name = get(l, rec, "name");
	x->province = get(l, rec, "province");
	x->names_only = l->f->unit != NULL;
	created(rec, &x->since);
	if (int_field(l, rec, "log_retention_days", &x->has_log_retention,
		      &x->log_retention_days) != PS_OK)
		return PS_EINVAL;
	return done(l);
}

static int on_dept(void *arg, const struct ps_reg_record *rec)
{
	struct ld *l = arg;
	struct dept_op *x = slot(l, &l->o->depts);

	if (x == NULL)
		return PS_ENOMEM;
	x->key = keep(l, rec->key);
	x->operator = get(l, rec, "operator");
	return done(l);
}

static const char *dept_operator(const struct ld *l, const char *dept)
{
	for (size_t i = 0; dept != NULL && i < l->o->depts.len; i++) {
		const struct dept_op *x = ps_vec_get(&l->o->depts, i);

		if (eq(x->key, dept))
			return x->operator;
	}
	return NULL;
}

static int on_person(void *arg, const struct ps_reg_record *rec)
{
	struct ld *l = arg;
	const char *op = dept_operator(l, ps_reg_record_get(rec, "dept"));
	struct ps_cal_person *x;

	if ((l->f->unit != NULL && !eq(rec->key, l->unit_person)) ||
	    (l->f->operator != NULL && !eq(op, l->f->operator)))
		return PS_OK;
	x = slot(l, &l->o->persons);
	if (x == NULL)
		return PS_ENOMEM;
	x->key = keep(l, rec->key);
	x->name = get(l, rec, "name");
	x->operator = op; /* already in the arena */
	x->security_staff = ps_reg_record_flag(rec, "security_staff");
	x->names_only = l->f->unit != NULL;
	created(rec, &x->since);
	if (date(l, rec, "left_date", &x->left_date) != PS_OK)
		return PS_EINVAL;
	return done(l);
}

static int on_unit(void *arg, const struct ps_reg_record *rec)
{
	struct ld *l = arg;
	struct ps_cal_unit *x;

	if ((l->f->unit != NULL && !eq(rec->key, l->f->unit)) ||
	    (l->f->operator != NULL && !eq(ps_reg_record_get(rec, "operator"), l->f->operator)))
		return PS_OK;
	x = slot(l, &l->o->units);
	if (x == NULL)
		return PS_ENOMEM;
	x->key = keep(l, rec->key);
	x->name = get(l, rec, "name");
	x->operator = get(l, rec, "operator");
	x->person = get(l, rec, "person");
	x->filing_rejected = eq(ps_reg_record_get(rec, "filing_status"), "rejected");
	if (level(l, rec, &x->level) != PS_OK ||
	    date(l, rec, "grading_review_date", &x->review_date) != PS_OK ||
	    date(l, rec, "filing_date", &x->filing_date) != PS_OK ||
	    date(l, rec, "retired_date", &x->retired_date) != PS_OK)
		return PS_EINVAL;
	return done(l);
}

static int on_change(void *arg, const struct ps_reg_record *rec)
{
	struct ld *l = arg;
	struct ps_cal_unit_change *x;

	if (!has_key(&l->o->units, ps_reg_record_get(rec, "unit")))
		return PS_OK;
	x = slot(l, &l->o->changes);
	if (x == NULL)
		return PS_ENOMEM;
	x->key = keep(l, rec->key);
	x->unit = get(l, rec, "unit");
	x->reason = get(l, rec, "reason");
	if (date(l, rec, "change_date", &x->change_date) != PS_OK ||
	    date(l, rec, "filed_date", &x->filed_date) != PS_OK)
		return PS_EINVAL;
	return done(l);
}

/* Kinds owned by an operator: all of them, or the filtered operator's. */
static bool operator_kept(const struct ld *l, const struct ps_reg_record *rec)
{
	return l->f->operator == NULL ||
	       eq(ps_reg_record_get(rec, "operator"), l->f->operator);
}

static int on_iie(void *arg, const struct ps_reg_record *rec)
{
	struct ld *l = arg;
	struct ps_cal_iie *x;

	if (!operator_kept(l, rec))
		return PS_OK;
	x = slot(l, &l->o->iies);
	if (x == NULL)
		return PS_ENOMEM;
	x->key = keep(l, rec->key);
	x->name = get(l, rec, "name");
	x->operator = get(l, rec, "operator");
	x->level = get(l, rec, "level");
	if (date(l, rec, "grading_date", &x->grading_date) != PS_OK ||
	    date(l, rec, "filing_date", &x->filing_date) != PS_OK)
		return PS_EINVAL;
	return done(l);
}

static int on_iov(void *arg, const struct ps_reg_record *rec)
{
	struct ld *l = arg;
	struct ps_cal_iov *x;

	if (!operator_kept(l, rec))
		return PS_OK;
	x = slot(l, &l->o->iovs);
	if (x == NULL)
		return PS_ENOMEM;
	x->key = keep(l, rec->key);
	x->name = get(l, rec, "name");
	x->operator = get(l, rec, "operator");
	if (level(l, rec, &x->level) != PS_OK ||
	    date(l, rec, "filing_date", &x->filing_date) != PS_OK)
		return PS_EINVAL;
	return done(l);
}

static int on_catalog(void *arg, const struct ps_reg_record *rec)
{
	struct ld *l = arg;
	const struct ps_reg_kind *k = rec->kind;
	struct ps_cal_catalog *x;
	const char **vals;

	if (!operator_kept(l, rec))
		return PS_OK;
	x = slot(l, &l->o->cats);
	vals = ps_arena_calloc(&l->o->arena, k->n_fields, sizeof(*vals));
	if (x == NULL || vals == NULL)
		return PS_ENOMEM;
	for (size_t i = 0; i < k->n_fields; i++)
		vals[i] = keep(l, rec->vals[i]);
	x->vals = vals;
	x->key = keep(l, rec->key);
	x->operator = get(l, rec, "operator");
	x->name = get(l, rec, "name");
	x->level = get(l, rec, "level");
	x->filed_values = get(l, rec, "filed_values");
	created(rec, &x->created);
	if (date(l, rec, "filed_date", &x->filed_date) != PS_OK ||
	    date(l, rec, "change_date", &x->change_date) != PS_OK)
		return PS_EINVAL;
	return done(l);
}

/* Assessments of a loaded unit, enterprise, vehicle system or operator. */
static int on_assessment(void *arg, const struct ps_reg_record *rec)
{
	struct ld *l = arg;
	const char *tk = ps_reg_record_get(rec, "target_kind");
	const char *t = ps_reg_record_get(rec, "target");
	struct ps_cal_assessment *x;
	bool kept = eq(tk, "unit")	? has_key(&l->o->units, t)
		    : eq(tk, "iie")	? has_key(&l->o->iies, t)
		    : eq(tk, "iov")	? has_key(&l->o->iovs, t)
		    : eq(tk, "operator") ? l->f->unit == NULL && has_key(&l->o->ops, t)
					 : false;

	if (!kept)
		return PS_OK;
	x = slot(l, &l->o->assess);
	if (x == NULL)
		return PS_ENOMEM;
	x->key = keep(l, rec->key);
	x->target_kind = keep(l, tk);
	x->target = keep(l, t);
	x->kind = get(l, rec, "kind");
	if (date(l, rec, "date", &x->date) != PS_OK ||
	    date(l, rec, "report_date", &x->report_date) != PS_OK)
		return PS_EINVAL;
	return done(l);
}

static int on_training(void *arg, const struct ps_reg_record *rec)
{
	struct ld *l = arg;
	struct ps_cal_training *x;

	if (!has_key(&l->o->persons, ps_reg_record_get(rec, "person")))
		return PS_OK;
	x = slot(l, &l->o->trains);
	if (x == NULL)
		return PS_ENOMEM;
	x->key = keep(l, rec->key);
	x->person = get(l, rec, "person");
	x->data_security = ps_reg_record_flag(rec, "data_security");
	if (date(l, rec, "date", &x->date) != PS_OK ||
	    centi(l, rec, "hours", &x->centihours) != PS_OK)
		return PS_EINVAL;
	return done(l);
}

static int on_drill(void *arg, const struct ps_reg_record *rec)
{
	struct ld *l = arg;
	struct ps_cal_drill *x;

	if (!operator_kept(l, rec))
		return PS_OK;
	x = slot(l, &l->o->drills);
	if (x == NULL)
		return PS_ENOMEM;
	x->key = keep(l, rec->key);
	x->operator = get(l, rec, "operator");
	x->kind = get(l, rec, "kind");
	if (date(l, rec, "date", &x->date) != PS_OK)
		return PS_EINVAL;
	return done(l);
}

static int on_icp(void *arg, const struct ps_reg_record *rec)
{
	struct ld *l = arg;
	struct ps_cal_icp *x;

	if (!operator_kept(l, rec))
		return PS_OK;
	x = slot(l, &l->o->icps);
	if (x == NULL)
		return PS_ENOMEM;
	x->key = keep(l, rec->key);
	x->operator = get(l, rec, "operator");
	x->filing_no = get(l, rec, "filing_no");
	x->domain = get(l, rec, "domain");
	if (date(l, rec, "change_date", &x->change_date) != PS_OK ||
	    date(l, rec, "change_filed_date", &x->change_filed_date) != PS_OK)
		return PS_EINVAL;
	return done(l);
}

static int on_crypto(void *arg, const struct ps_reg_record *rec)
{
	struct ld *l = arg;
	struct ps_cal_crypto *x;

	if (!operator_kept(l, rec))
		return PS_OK;
	x = slot(l, &l->o->cryptos);
	if (x == NULL)
		return PS_ENOMEM;
	x->key = keep(l, rec->key);
	x->operator = get(l, rec, "operator");
	x->system = get(l, rec, "system");
	return done(l);
}

/* ---- driver ------------------------------------------------------------------------- */

/* The kinds in load order (a kind's filter reads the ones before it). */
static const struct {
	const char *kind;
	ps_reg_record_fn fn;
	bool with_unit; /* also listed with a unit filter */
} steps[] = {
	{"operator", on_operator, true},   {"dept", on_dept, true},
	{"person", on_person, true},       {"unit", on_unit, true},
	{"unit_change", on_change, true},  {"iie", on_iie, false},
	{"iov", on_iov, false},            {"catalog", on_catalog, false},
	{"assessment", on_assessment, true}, {"training", on_training, false},
	{"drill", on_drill, false},        {"icp", on_icp, false},
	{"crypto", on_crypto, false},
};

static void own_init(struct cal_own *o)
{
	ps_arena_init(&o->arena, PS_MEM_REGISTRY, 64 * 1024, SIZE_MAX);
	ps_vec_init(&o->ops, PS_MEM_REGISTRY, sizeof(struct ps_cal_operator), LOAD_MAX);
	ps_vec_init(&o->depts, PS_MEM_REGISTRY, sizeof(struct dept_op), LOAD_MAX);
	ps_vec_init(&o->persons, PS_MEM_REGISTRY, sizeof(struct ps_cal_person), LOAD_MAX);
	ps_vec_init(&o->units, PS_MEM_REGISTRY, sizeof(struct ps_cal_unit), LOAD_MAX);
	ps_vec_init(&o->changes, PS_MEM_REGISTRY, sizeof(struct ps_cal_unit_change), LOAD_MAX);
	ps_vec_init(&o->iies, PS_MEM_REGISTRY, sizeof(struct ps_cal_iie), LOAD_MAX);
	ps_vec_init(&o->iovs, PS_MEM_REGISTRY, sizeof(struct ps_cal_iov), LOAD_MAX);
	ps_vec_init(&o->assess, PS_MEM_REGISTRY, sizeof(struct ps_cal_assessment), LOAD_MAX);
	ps_vec_init(&o->cats, PS_MEM_REGISTRY, sizeof(struct ps_cal_catalog), LOAD_MAX);
	ps_vec_init(&o->trains, PS_MEM_REGISTRY, sizeof(struct ps_cal_training), LOAD_MAX);
	ps_vec_init(&o->drills, PS_MEM_REGISTRY, sizeof(struct ps_cal_drill), LOAD_MAX);
	ps_vec_init(&o->icps, PS_MEM_REGISTRY, sizeof(struct ps_cal_icp), LOAD_MAX);
	ps_vec_init(&o->cryptos, PS_MEM_REGISTRY, sizeof(struct ps_cal_crypto), LOAD_MAX);
}

static void publish(struct ps_cal_input *in, struct cal_own *o)
{
	in->operators = (const void *)o->ops.p;
	in->n_operators = o->ops.len;
	in->persons = (const void *)o->persons.p;
	in->n_persons = o->persons.len;
	in->units = (const void *)o->units.p;
	in->n_units = o->units.len;
	in->changes = (const void *)o->changes.p;
	in->n_changes = o->changes.len;
	in->iies = (const void *)o->iies.p;
	in->n_iies = o->iies.len;
	in->iovs = (const void *)o->iovs.p;
	in->n_iovs = o->iovs.len;
	in->assessments = (const void *)o->assess.p;
	in->n_assessments = o->assess.len;
	in->catalogs = (const void *)o->cats.p;
	in->n_catalogs = o->cats.len;
	in->trainings = (const void *)o->trains.p;
	in->n_trainings = o->trains.len;
	in->drills = (const void *)o->drills.p;
	in->n_drills = o->drills.len;
	in->icps = (const void *)o->icps.p;
	in->n_icps = o->icps.len;
	in->cryptos = (const void *)o->cryptos.p;
	in->n_cryptos = o->cryptos.len;
}

/* Check that the filtered record exists; with a unit, note its owners. */
static int load_filter(struct ld *l)
{
	const char *kind = l->f->unit != NULL ? "unit" : "operator";
	const char *key = l->f->unit != NULL ? l->f->unit : l->f->operator;
	struct ps_reg_record *rec = NULL;
	int rc;

	if (key == NULL)
		return PS_OK;
	rc = ps_reg_get(l->r, ps_reg_kind_find(kind), key, &rec);
	if (rc == PS_ENOENT)
		ps_diag_set(l->d, "no %s '%s'", kind, key);
	else if (rc != PS_OK)
		ps_diag_set(l->d, "cannot read %s '%s': %s", kind, key, ps_strerror(rc));
	if (rc == PS_OK && l->f->unit != NULL) {
		l->unit_op = get(l, rec, "operator");
		l->unit_person = get(l, rec, "person");
		rc = done(l);
	}
	ps_reg_record_free(rec);
	return rc;
}

int ps_cal_load(struct ps_registry *r, const struct ps_cal_filter *f,
		struct ps_cal_input *in, struct ps_diag *d)
{
	static const struct ps_cal_filter all;
	struct ld l = {.r = r, .f = f != NULL ? f : &all, .d = d};
	int rc;

	memset(in, 0, sizeof(*in));
	l.o = ps_calloc(PS_MEM_REGISTRY, 1, sizeof(*l.o));
	if (l.o == NULL) {
		ps_diag_set(d, "calendar: out of memory");
		return PS_ENOMEM;
	}
	own_init(l.o);
	in->own = l.o;
	if (r->pol != NULL &&
	    ps_policy_get_flag(r->pol, "protection.level.sub_levels_enabled",
			       &l.sub_levels) != PS_OK)
		l.sub_levels = false;
	rc = load_filter(&l);
	for (size_t i = 0; i < PS_ARRAY_LEN(steps) && rc == PS_OK; i++) {
		if (l.f->unit != NULL && !steps[i].with_unit)
			continue;
		rc = ps_reg_list(r, ps_reg_kind_find(steps[i].kind), NULL, steps[i].fn, &l);
		if (rc == PS_ENOMEM)
			ps_diag_set(d, "calendar: out of memory");
		else if (rc != PS_OK && rc != PS_EINVAL)
			ps_diag_set(d, "cannot list %s records: %s", steps[i].kind,
				    ps_strerror(rc));
	}
	publish(in, l.o);
	return rc;
}

void ps_cal_input_release(struct ps_cal_input *in)
{
	struct cal_own *o;

	if (in == NULL)
		return;
	o = in->own;
	if (o != NULL) {
		struct ps_vec *v[] = {&o->ops, &o->depts, &o->persons, &o->units,
				      &o->changes, &o->iies, &o->iovs, &o->assess,
				      &o->cats, &o->trains, &o->drills, &o->icps,
				      &o->cryptos};

		for (size_t i = 0; i < PS_ARRAY_LEN(v); i++)
			ps_vec_release(v[i]);
		ps_arena_release(&o->arena);
		ps_free(o);
	}
	memset(in, 0, sizeof(*in));
}
