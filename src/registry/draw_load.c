/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Connects the draw engine to the registry: the operator and inspector
 * populations, the policy values of a draw (recusal, team size, the VAS
 * minimum per province), and the draw record that keeps and verifies it.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/core.h"
#include "policy/policy.h"
#include "registry/draw.h"
#include "registry/registry.h"

#define POP_MAX PS_DRAW_MAX_POPULATION

#define MIN_VAS_ID "inspection.vas_operators_min_per_province"
#define MIN_TEAM_ID "inspection.inspectors_min_per_check"
#define RECUSE_ID "inspection.recuse_conflicts"
#define YEAR_ID "inspection.rule_year"

struct pop {
	struct ps_vec ent;  /* const char * */
	struct ps_vec insp; /* struct ps_draw_inspector */
	struct ps_arena ar;
};

static const char *pop_str(struct pop *p, const char *s)
{
	return s != NULL ? ps_arena_strndup(&p->ar, s, strlen(s)) : NULL;
}

static int on_operator(void *arg, const struct ps_reg_record *rec)
{
	struct pop *p = arg;
	const char *k = pop_str(p, rec->key);

	return k != NULL ? ps_vec_push(&p->ent, &k) : PS_ENOMEM;
}

static int on_inspector(void *arg, const struct ps_reg_record *rec)
{
	struct pop *p = arg;
	struct ps_draw_inspector i = {pop_str(p, rec->key), NULL};
	const char *c = ps_reg_record_get(rec, "conflicts");

	if (i.key == NULL)
		return PS_ENOMEM;
	if (c != NULL && (i.conflicts = pop_str(p, c)) == NULL)
		return PS_ENOMEM;
	return ps_vec_push(&p->insp, &i);
}

static int load_pop(struct ps_registry *r, const struct ps_draw_request *q, struct pop *p,
		    struct ps_diag *d)
{
	struct ps_reg_filter f;
	int rc;

	memset(&f, 0, sizeof(f));
	if (q->type != NULL) {
		f.field[f.n] = "type";
		f.value[f.n++] = q->type;
	}
	if (q->province != NULL) {
		f.field[f.n] = "province";
		f.value[f.n++] = q->province;
	}
	rc = ps_reg_list(r, ps_reg_kind_find("operator"), &f, on_operator, p);
	if (rc == PS_OK)
		rc = ps_reg_list(r, ps_reg_kind_find("inspector"), NULL, on_inspector, p);
	if (rc == PS_ELIMIT)
		ps_diag_set(d, "more than %d operators or inspectors", POP_MAX);
	else if (rc == PS_EDB)
		ps_diag_set(d, "cannot read the operators and inspectors from the store");
	else if (rc == PS_ENOMEM)
		ps_diag_set(d, "out of memory reading the populations");
	return rc;
}

static int policy_int(struct ps_registry *r, const char *id, int64_t *v, struct ps_diag *d)
{
	if (ps_policy_get_int(r->pol, id, v) != PS_OK || *v < 0) {
		ps_diag_set(d, "policy value '%s' is missing or not a count", id);
		return PS_EINVAL;
	}
	return PS_OK;
}

/* The engine's parameters from the request and the policy. */
static int draw_params(struct ps_registry *r, const struct ps_draw_request *q,
		       struct ps_draw_params *p, struct ps_diag *d)
{
	int64_t team, vas = 0, year = 0;
	int rc;

	memset(p, 0, sizeof(*p));
	if (ps_policy_get_flag(r->pol, RECUSE_ID, &p->recuse) != PS_OK) {
		ps_diag_set(d, "policy value '%s' is missing or not a flag", RECUSE_ID);
		return PS_EINVAL;
	}
	rc = policy_int(r, MIN_TEAM_ID, &team, d);
	if (rc != PS_OK)
		return rc;
	if (q->per_entity != 0 && q->per_entity < (uint64_t)team) {
		ps_diag_set(d, "a team of %zu is below the minimum of %" PRId64 " inspectors "
			    "per check (policy %s)", q->per_entity, team, MIN_TEAM_ID);
		return PS_EINVAL;
	}
	if (q->type != NULL && strcmp(q->type, "vas") == 0 && q->province != NULL) {
		rc = policy_int(r, MIN_VAS_ID, &vas, d);
		if (rc != PS_OK)
			return rc;
		p->min_source = "policy " MIN_VAS_ID;
		if (ps_policy_get_int(r->pol, YEAR_ID, &year) != PS_OK)
			year = 0;
	}
	p->entities = q->entities;
	p->per_entity = q->per_entity != 0 ? q->per_entity : (size_t)team;
	p->min_entities = (size_t)vas;
	p->allow_below_min = q->allow_below_min;
	p->type = q->type;
	p->province = q->province;
	p->rule_year = year;
	if (q->seed_set) {
		memcpy(p->seed, q->seed, PS_DRAW_SEED_LEN);
	} else if (ps_random_bytes(p->seed, PS_DRAW_SEED_LEN) != PS_OK) {
		ps_diag_set(d, "cannot make a random seed");
		return PS_ECRYPTO;
	}
	return PS_OK;
}

int ps_draw_from_registry(struct ps_registry *r, const struct ps_draw_request *q,
			  struct ps_draw **out, struct ps_diag *d)
{
	struct ps_draw_params p;
	struct pop pop;
	int rc;

	*out = NULL;
	ps_vec_init_type(&pop.ent, PS_MEM_REGISTRY, const char *, POP_MAX);
	ps_vec_init_type(&pop.insp, PS_MEM_REGISTRY, struct ps_draw_inspector, POP_MAX);
	ps_arena_init(&pop.ar, PS_MEM_REGISTRY, 16 * 1024, SIZE_MAX);
	rc = draw_params(r, q, &p, d);
	if (rc == PS_OK)
		rc = load_pop(r, q, &pop, d);
	if (rc == PS_OK && ps_vec_len(&pop.ent) == 0) {
		ps_diag_set(d, "no operator%s%s%s%s to draw from", q->type != NULL ? " of type " : "",
			    q->type != NULL ? q->type : "", q->province != NULL ? " in " : "",
			    q->province != NULL ? q->province : "");
		rc = PS_EINVAL;
	}
	if (rc == PS_OK)
		rc = ps_draw_run(&p, PS_VEC_DATA(&pop.ent, const char *), ps_vec_len(&pop.ent),
				 PS_VEC_DATA(&pop.insp, struct ps_draw_inspector),
				 ps_vec_len(&pop.insp), out, d);
	ps_vec_release(&pop.ent);
	ps_vec_release(&pop.insp);
	ps_arena_release(&pop.ar);
	return rc;
}

/* Set every field of the draw record; the JSON texts are freed here. */
static int fill_record(struct ps_reg_record *rec, const struct ps_draw *dr,
		       const char *scope, struct ps_date date)
{
	char seed[PS_DRAW_SEED_HEX], day[16];
	char *params = NULL, *pop = NULL, *res = NULL;
	int rc;

	ps_draw_seed_fmt(dr->p.seed, seed);
	rc = ps_date_fmt(date, day, sizeof(day));
	if (rc == PS_OK)
		rc = ps_draw_params_json(dr, &params);
	if (rc == PS_OK)
		rc = ps_draw_population_json(dr, &pop);
	if (rc == PS_OK)
		rc = ps_draw_result_json(dr, &res);
	if (rc == PS_OK)
		rc = ps_reg_record_set(rec, "date", day);
	if (rc == PS_OK)
		rc = ps_reg_record_set(rec, "seed", seed);
	if (rc == PS_OK)
		rc = ps_reg_record_set(rec, "scope", scope);
	if (rc == PS_OK)
		rc = ps_reg_record_set(rec, "params", params);
	if (rc == PS_OK)
		rc = ps_reg_record_set(rec, "population", pop);
	if (rc == PS_OK)
		rc = ps_reg_record_set(rec, "result", res);
	ps_free(params);
	ps_free(pop);
	ps_free(res);
	return rc;
}

int ps_draw_store(struct ps_registry *r, const struct ps_draw *dr, const char *scope,
		  struct ps_date date, char **key, struct ps_diag *d)
{
	struct ps_reg_record *rec = ps_reg_record_new(ps_reg_kind_find("draw"));
	int rc;

	*key = NULL;
	if (rec == NULL)
		return PS_ENOMEM;
	rc = fill_record(rec, dr, scope, date);
	if (rc == PS_ENOMEM)
		ps_diag_set(d, "out of memory recording the draw");
	else if (rc != PS_OK)
		ps_diag_set(d, "invalid draw date");
	if (rc == PS_OK)
		rc = ps_reg_insert(r, rec, d);
	if (rc == PS_OK) {
		*key = ps_strdup(PS_MEM_REGISTRY, rec->key);
		if (*key == NULL)
			rc = PS_ENOMEM;
	}
	ps_reg_record_free(rec);
	return rc;
}

int ps_draw_verify_record(struct ps_registry *r, const char *key, bool *same,
			  struct ps_diag *d)
{
	struct ps_reg_record *rec = NULL;
	int rc;

	*same = false;
	rc = ps_reg_get(r, ps_reg_kind_find("draw"), key, &rec);
	if (rc == PS_ENOENT) {
		ps_diag_set(d, "no draw '%s'", key);
		return rc;
	}
	if (rc != PS_OK) {
		ps_diag_set(d, "cannot read draw '%s': %s", key, ps_strerror(rc));
		return rc;
	}
	rc = ps_draw_verify(ps_reg_record_get(rec, "seed"), ps_reg_record_get(rec, "params"),
			    ps_reg_record_get(rec, "population"),
			    ps_reg_record_get(rec, "result"), same, d);
	ps_reg_record_free(rec);
	return rc;
}
