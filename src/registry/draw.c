/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The double-random draw engine: an SM3 counter-mode generator, partial
 * Fisher-Yates shuffles over the sorted populations, recusal of conflicted
 * inspectors, the JSON texts of a draw record and their verification.
 * draw_load.c connects it to the registry; the method is in draw.h.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "core/core.h"
#include "registry/draw.h"

#define JSON_MAX ((size_t)256 << 20)

/* One stream: SM3(seed || l1 || l2 || 0x00 || be64(ctr)), 32 bytes a block. */
struct rng {
	const uint8_t *seed;
	const char *l1, *l2;
	uint64_t ctr;
	uint8_t blk[PS_SM3_LEN];
	unsigned pos; /* next unread byte of blk; PS_SM3_LEN = empty */
};

static void rng_init(struct rng *g, const uint8_t *seed, const char *l1, const char *l2)
{
	g->seed = seed;
	g->l1 = l1;
	g->l2 = l2;
	g->ctr = 0;
	g->pos = PS_SM3_LEN;
}

static int rng_block(struct rng *g)
{
	struct ps_sm3_ctx c = {NULL};
	uint8_t ctr[8];
	int rc;

	for (int i = 0; i < 8; i++)
		ctr[i] = (uint8_t)(g->ctr >> (56 - 8 * i));
	rc = ps_sm3_init(&c);
	if (rc == PS_OK)
		rc = ps_sm3_update(&c, g->seed, PS_DRAW_SEED_LEN);
	if (rc == PS_OK)
		rc = ps_sm3_update(&c, g->l1, strlen(g->l1));
	if (rc == PS_OK)
		rc = ps_sm3_update(&c, g->l2, strlen(g->l2) + 1); /* with the 0x00 */
	if (rc == PS_OK)
		rc = ps_sm3_update(&c, ctr, sizeof(ctr));
	if (rc != PS_OK) {
		ps_sm3_release(&c);
		return rc;
	}
	rc = ps_sm3_final(&c, g->blk);
	g->ctr++;
	g->pos = 0;
	return rc;
}

static int rng_next(struct rng *g, uint64_t *out)
{
	uint64_t v = 0;

	if (g->pos + 8 > PS_SM3_LEN) {
		int rc = rng_block(g);

		if (rc != PS_OK)
			return rc;
	}
	for (int i = 0; i < 8; i++)
		v = v << 8 | g->blk[g->pos + i];
	g->pos += 8;
	*out = v;
	return PS_OK;
}

/* Uniform in [0, n), n >= 1: words below 2^64 mod n are rejected. */
static int rng_uniform(struct rng *g, uint64_t n, uint64_t *out)
{
	uint64_t thr = (0 - n) % n;

	for (;;) {
		uint64_t r;
		int rc = rng_next(g, &r);

		if (rc != PS_OK)
			return rc;
		if (r >= thr) {
			*out = r % n;
			return PS_OK;
		}
	}
}

/* The first k steps of a Fisher-Yates shuffle of a[0..m). */
static int shuffle(struct rng *g, size_t *a, size_t m, size_t k)
{
	for (size_t i = 0; i < k; i++) {
		uint64_t j;
		int rc = rng_uniform(g, m - i, &j);
		size_t t;

		if (rc != PS_OK)
			return rc;
		t = a[i];
		a[i] = a[i + j];
		a[i + j] = t;
	}
	return PS_OK;
}

/* ---- populations ---- */

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static const char *astr(struct ps_draw *dr, const char *s)
{
	return s != NULL ? ps_arena_strndup(&dr->arena, s, strlen(s)) : NULL;
}

static int load_entities(struct ps_draw *dr, const char *const *ent, size_t n,
			 struct ps_diag *d)
{
	if (n == 0) {
		ps_diag_set(d, "the population of entities is empty");
		return PS_EINVAL;
	}
	if (n > PS_DRAW_MAX_POPULATION) {
		ps_diag_set(d, "more than %d entities", PS_DRAW_MAX_POPULATION);
		return PS_ELIMIT;
	}
	dr->entities = ps_arena_calloc(&dr->arena, n, sizeof(*dr->entities));
	if (dr->entities == NULL)
		return PS_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (ent[i] == NULL || ent[i][0] == '\0') {
			ps_diag_set(d, "entity %zu of the population has no key", i + 1);
			return PS_EINVAL;
		}
		dr->entities[i] = astr(dr, ent[i]);
		if (dr->entities[i] == NULL)
			return PS_ENOMEM;
	}
	dr->n_entities = n;
	qsort(dr->entities, n, sizeof(*dr->entities), str_cmp);
	for (size_t i = 1; i < n; i++) {
		if (strcmp(dr->entities[i - 1], dr->entities[i]) == 0) {
			ps_diag_set(d, "entity '%s' appears twice in the population", dr->entities[i]);
			return PS_EINVAL;
		}
	}
	return PS_OK;
}

/* Length of the separator at s (',', ';', white space, '，', '；'), or 0. */
static size_t sep_len(const char *s)
{
	if (*s == ',' || *s == ';' || *s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		return 1;
	if (strncmp(s, "，", 3) == 0 || strncmp(s, "；", 3) == 0)
		return 3;
	return 0;
}

/* The next key of a list at *sp and its length, or NULL at the end. */
static const char *next_token(const char **sp, size_t *len)
{
	const char *s = *sp;
	size_t k;

	while ((k = sep_len(s)) != 0)
		s += k;
	*len = 0;
	while (s[*len] != '\0' && sep_len(s + *len) == 0)
		(*len)++;
	*sp = s + *len;
	return *len > 0 ? s : NULL;
}

/* Split, sort and deduplicate one inspector's conflict list. */
static int load_conflicts(struct ps_draw *dr, size_t i, const char *s, struct ps_diag *d)
{
	const char *p = s != NULL ? s : "";
	const char **v;
	size_t n = 0, len, w = 0;

	while (next_token(&p, &len) != NULL)
		n++;
	if (n > PS_DRAW_MAX_CONFLICTS) {
		ps_diag_set(d, "inspector '%s' lists more than %d conflicts", dr->inspectors[i],
			    PS_DRAW_MAX_CONFLICTS);
		return PS_ELIMIT;
	}
	v = ps_arena_calloc(&dr->arena, n > 0 ? n : 1, sizeof(*v));
	if (v == NULL)
		return PS_ENOMEM;
	p = s != NULL ? s : "";
	for (size_t k = 0; k < n; k++) {
		const char *t = next_token(&p, &len);

		v[k] = ps_arena_strndup(&dr->arena, t, len);
		if (v[k] == NULL)
			return PS_ENOMEM;
	}
	qsort(v, n, sizeof(*v), str_cmp);
	for (size_t r = 0; r < n; r++)
		if (w == 0 || strcmp(v[w - 1], v[r]) != 0)
			v[w++] = v[r];
	dr->conflicts[i] = v;
	dr->n_conflicts[i] = w;
	return PS_OK;
}

static int insp_cmp(const void *a, const void *b)
{
	const struct ps_draw_inspector *const *x = a, *const *y = b;

	return strcmp((*x)->key, (*y)->key);
}

static int load_inspectors(struct ps_draw *dr, const struct ps_draw_inspector *in,
			   size_t n, struct ps_diag *d)
{
	const struct ps_draw_inspector **v;
	int rc = PS_OK;

	if (n > PS_DRAW_MAX_POPULATION) {
		ps_diag_set(d, "more than %d inspectors", PS_DRAW_MAX_POPULATION);
		return PS_ELIMIT;
	}
	v = ps_calloc(PS_MEM_REGISTRY, n > 0 ? n : 1, sizeof(*v));
	dr->inspectors = ps_arena_calloc(&dr->arena, n > 0 ? n : 1, sizeof(*dr->inspectors));
	dr->conflicts = ps_arena_calloc(&dr->arena, n > 0 ? n : 1, sizeof(*dr->conflicts));
	dr->n_conflicts = ps_arena_calloc(&dr->arena, n > 0 ? n : 1, sizeof(*dr->n_conflicts));
	if (v == NULL || dr->inspectors == NULL || dr->conflicts == NULL ||
	    dr->n_conflicts == NULL) {
		rc = PS_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (in[i].key == NULL || in[i].key[0] == '\0') {
			ps_diag_set(d, "inspector %zu of the population has no key", i + 1);
			rc = PS_EINVAL;
			goto out;
		}
		v[i] = &in[i];
	}
	qsort(v, n, sizeof(*v), insp_cmp);
	for (size_t i = 0; i < n && rc == PS_OK; i++) {
		if (i > 0 && strcmp(v[i - 1]->key, v[i]->key) == 0) {
			ps_diag_set(d, "inspector '%s' appears twice in the population", v[i]->key);
			rc = PS_EINVAL;
			break;
		}
		dr->inspectors[i] = astr(dr, v[i]->key);
		rc = dr->inspectors[i] != NULL ? load_conflicts(dr, i, v[i]->conflicts, d) :
		     PS_ENOMEM;
	}
	dr->n_inspectors = n;
out:
	ps_free(v);
	return rc;
}

/* ---- the draw ---- */

static int sample_size(struct ps_draw *dr, size_t *n, struct ps_diag *d)
{
	const struct ps_draw_params *p = &dr->p;
	const char *src = p->min_source != NULL ? p->min_source : "the minimum sample";
	size_t m = dr->n_entities;

	if (p->entities == 0) {
		ps_diag_set(d, "the sample size must be at least 1");
		return PS_EINVAL;
	}
	if (p->min_entities > 0 && m < p->min_entities) {
		*n = m;
		snprintf(dr->warning, sizeof(dr->warning),
			 "the population has only %zu entities, fewer than the minimum sample "
			 "of %zu (%s): all are drawn", m, p->min_entities, src);
		return PS_OK;
	}
	if (p->entities < p->min_entities && !p->allow_below_min) {
		ps_diag_set(d, "a sample of %zu is below the minimum of %zu (%s)", p->entities,
			    p->min_entities, src);
		return PS_EINVAL;
	}
	*n = p->entities;
	if (*n > m) {
		*n = m;
		snprintf(dr->warning, sizeof(dr->warning),
			 "%zu entities asked for but the population has only %zu: all are drawn",
			 p->entities, m);
	}
	return PS_OK;
}

static int draw_entities(struct ps_draw *dr, size_t n)
{
	size_t m = dr->n_entities;
	size_t *a = ps_calloc(PS_MEM_REGISTRY, m, sizeof(*a));
	struct rng g;
	int rc;

	if (a == NULL)
		return PS_ENOMEM;
	for (size_t i = 0; i < m; i++)
		a[i] = i;
	rng_init(&g, dr->p.seed, "entities", "");
	rc = shuffle(&g, a, m, n);
	dr->picks = ps_arena_calloc(&dr->arena, n, sizeof(*dr->picks));
	if (rc == PS_OK && dr->picks == NULL)
		rc = PS_ENOMEM;
	for (size_t i = 0; i < n && rc == PS_OK; i++)
		dr->picks[i].entity = dr->entities[a[i]];
	if (rc == PS_OK)
		dr->n_picks = n;
	ps_free(a);
	return rc;
}

static bool conflicted(const struct ps_draw *dr, size_t i, const char *entity)
{
	return dr->n_conflicts[i] > 0 &&
	       bsearch(&entity, dr->conflicts[i], dr->n_conflicts[i], sizeof(char *),
		       str_cmp) != NULL;
}

/* Draw the team of one pick; `elig` has room for every inspector. */
static int draw_team(struct ps_draw *dr, struct ps_draw_pick *pk, size_t *elig,
		     struct ps_diag *d)
{
	size_t m = 0, k = dr->p.per_entity;
	struct rng g;
	int rc;

	for (size_t i = 0; i < dr->n_inspectors; i++)
		if (!dr->p.recuse || !conflicted(dr, i, pk->entity))
			elig[m++] = i;
	if (m < k) {
		ps_diag_set(d, "entity '%s' has %zu inspector%s without a declared conflict, "
			    "%zu needed", pk->entity, m, m == 1 ? "" : "s", k);
		return PS_EINVAL;
	}
	pk->inspectors = ps_arena_calloc(&dr->arena, k > 0 ? k : 1, sizeof(*pk->inspectors));
	if (pk->inspectors == NULL)
		return PS_ENOMEM;
	rng_init(&g, dr->p.seed, "inspectors:", pk->entity);
	rc = shuffle(&g, elig, m, k);
	for (size_t j = 0; j < k && rc == PS_OK; j++)
		pk->inspectors[j] = dr->inspectors[elig[j]];
	return rc;
}

static int draw_teams(struct ps_draw *dr, struct ps_diag *d)
{
	size_t *elig = ps_calloc(PS_MEM_REGISTRY, dr->n_inspectors > 0 ? dr->n_inspectors : 1,
				 sizeof(*elig));
	int rc = elig != NULL ? PS_OK : PS_ENOMEM;

	for (size_t i = 0; i < dr->n_picks && rc == PS_OK; i++)
		rc = draw_team(dr, &dr->picks[i], elig, d);
	ps_free(elig);
	return rc;
}

static int copy_params(struct ps_draw *dr, const struct ps_draw_params *p)
{
	dr->p = *p;
	dr->p.type = astr(dr, p->type);
	dr->p.province = astr(dr, p->province);
	dr->p.min_source = astr(dr, p->min_source);
	if ((p->type != NULL && dr->p.type == NULL) ||
	    (p->province != NULL && dr->p.province == NULL) ||
	    (p->min_source != NULL && dr->p.min_source == NULL))
		return PS_ENOMEM;
	return PS_OK;
}

int ps_draw_run(const struct ps_draw_params *p, const char *const *entities, size_t n_ent,
		const struct ps_draw_inspector *insp, size_t n_insp, struct ps_draw **out,
		struct ps_diag *d)
{
	struct ps_draw *dr = ps_calloc(PS_MEM_REGISTRY, 1, sizeof(*dr));
	size_t n = 0;
	int rc;

	*out = NULL;
	if (dr == NULL)
		return PS_ENOMEM;
	ps_arena_init(&dr->arena, PS_MEM_REGISTRY, 16 * 1024, SIZE_MAX);
	rc = copy_params(dr, p);
	if (rc == PS_OK)
		rc = load_entities(dr, entities, n_ent, d);
	if (rc == PS_OK)
		rc = load_inspectors(dr, insp, n_insp, d);
	if (rc == PS_OK)
		rc = sample_size(dr, &n, d);
	if (rc == PS_OK)
		rc = draw_entities(dr, n);
	if (rc == PS_OK)
		rc = draw_teams(dr, d);
	if (rc != PS_OK) {
		if (rc == PS_ENOMEM)
			ps_diag_set(d, "out of memory in the draw");
		else if (rc == PS_ECRYPTO || rc == PS_EUNSUP)
			ps_diag_set(d, "SM3 is not available: %s", ps_strerror(rc));
		ps_draw_free(dr);
		return rc;
	}
	*out = dr;
	return PS_OK;
}

void ps_draw_free(struct ps_draw *dr)
{
	if (dr == NULL)
		return;
	ps_arena_release(&dr->arena);
	ps_free(dr);
}

/* ---- the record ---- */

static int jw_take(struct ps_buf *b, struct ps_jw *w, char **out)
{
	int rc = ps_jw_error(w);

	*out = NULL;
	if (rc == PS_OK) {
		*out = ps_buf_take(b, NULL);
		if (*out == NULL)
			rc = PS_ENOMEM;
	}
	ps_buf_release(b);
	return rc;
}

static void jw_opt_str(struct ps_jw *w, const char *key, const char *v)
{
	if (v != NULL)
		ps_jw_str(w, key, v);
}

int ps_draw_params_json(const struct ps_draw *dr, char **out)
{
	const struct ps_draw_params *p = &dr->p;
	struct ps_buf b = PS_BUF_INIT(PS_MEM_REGISTRY, JSON_MAX);
	struct ps_jw w;

	ps_jw_init(&w, &b);
	ps_jw_obj_open(&w, NULL);
	ps_jw_int(&w, "version", 1);
	ps_jw_uint(&w, "entities", p->entities);
	ps_jw_uint(&w, "per_entity", p->per_entity);
	ps_jw_bool(&w, "recuse_conflicts", p->recuse);
	ps_jw_uint(&w, "min_entities", p->min_entities);
	ps_jw_bool(&w, "allow_below_minimum", p->allow_below_min);
	jw_opt_str(&w, "type", p->type);
	jw_opt_str(&w, "province", p->province);
	jw_opt_str(&w, "min_source", p->min_source);
	if (p->rule_year != 0)
		ps_jw_int(&w, "rule_year", p->rule_year);
	ps_jw_uint(&w, "drawn", dr->n_picks);
	ps_jw_obj_close(&w);
	return jw_take(&b, &w, out);
}

int ps_draw_population_json(const struct ps_draw *dr, char **out)
{
	struct ps_buf b = PS_BUF_INIT(PS_MEM_REGISTRY, JSON_MAX);
	struct ps_jw w;

	ps_jw_init(&w, &b);
	ps_jw_obj_open(&w, NULL);
	ps_jw_arr_open(&w, "entities");
	for (size_t i = 0; i < dr->n_entities; i++)
		ps_jw_str(&w, NULL, dr->entities[i]);
	ps_jw_arr_close(&w);
	ps_jw_arr_open(&w, "inspectors");
	for (size_t i = 0; i < dr->n_inspectors; i++) {
		ps_jw_obj_open(&w, NULL);
		ps_jw_str(&w, "key", dr->inspectors[i]);
		ps_jw_arr_open(&w, "conflicts");
		for (size_t j = 0; j < dr->n_conflicts[i]; j++)
			ps_jw_str(&w, NULL, dr->conflicts[i][j]);
		ps_jw_arr_close(&w);
		ps_jw_obj_close(&w);
	}
	ps_jw_arr_close(&w);
	ps_jw_obj_close(&w);
	return jw_take(&b, &w, out);
}

int ps_draw_result_json(const struct ps_draw *dr, char **out)
{
	struct ps_buf b = PS_BUF_INIT(PS_MEM_REGISTRY, JSON_MAX);
	struct ps_jw w;

	ps_jw_init(&w, &b);
	ps_jw_arr_open(&w, NULL);
	for (size_t i = 0; i < dr->n_picks; i++) {
		ps_jw_obj_open(&w, NULL);
		ps_jw_str(&w, "entity", dr->picks[i].entity);
		ps_jw_arr_open(&w, "inspectors");
		for (size_t j = 0; j < dr->p.per_entity; j++)
			ps_jw_str(&w, NULL, dr->picks[i].inspectors[j]);
		ps_jw_arr_close(&w);
		ps_jw_obj_close(&w);
	}
	ps_jw_arr_close(&w);
	return jw_take(&b, &w, out);
}

void ps_draw_seed_fmt(const uint8_t seed[PS_DRAW_SEED_LEN], char out[PS_DRAW_SEED_HEX])
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < PS_DRAW_SEED_LEN; i++) {
		out[2 * i] = hex[seed[i] >> 4];
		out[2 * i + 1] = hex[seed[i] & 15];
	}
	out[2 * PS_DRAW_SEED_LEN] = '\0';
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int ps_draw_seed_parse(const char *hex, uint8_t seed[PS_DRAW_SEED_LEN])
{
	if (hex == NULL || strlen(hex) != 2 * PS_DRAW_SEED_LEN)
		return PS_EINVAL;
	for (size_t i = 0; i < PS_DRAW_SEED_LEN; i++) {
		int a = hexval(hex[2 * i]), b = hexval(hex[2 * i + 1]);

		if (a < 0 || b < 0)
			return PS_EINVAL;
		seed[i] = (uint8_t)(a << 4 | b);
	}
	return PS_OK;
}

/* ---- verification ---- */

struct vrec {
	json_t *params, *pop, *res;
	struct ps_draw_params p;
	const char **ent;
	size_t n_ent;
	struct ps_draw_inspector *insp;
	size_t n_insp;
	struct ps_arena ar;
};

static int load_json(const char *field, const char *text, json_t **out, struct ps_diag *d)
{
	json_error_t e;

	*out = text != NULL ? json_loads(text, JSON_REJECT_DUPLICATES, &e) : NULL;
	if (*out != NULL)
		return PS_OK;
	ps_diag_set(d, "field '%s': %s", field, text != NULL ? e.text : "empty");
	return PS_EINVAL;
}

static int bad(struct ps_diag *d, const char *field, const char *what)
{
	ps_diag_set(d, "field '%s': %s", field, what);
	return PS_EINVAL;
}

static int get_size(json_t *o, const char *key, size_t *out, struct ps_diag *d)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_integer(v) || json_integer_value(v) < 0) {
		ps_diag_set(d, "field 'params': '%s' must be a non-negative integer", key);
		return PS_EINVAL;
	}
	*out = (size_t)json_integer_value(v);
	return PS_OK;
}

static int get_bool(json_t *o, const char *key, bool *out, struct ps_diag *d)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_boolean(v)) {
		ps_diag_set(d, "field 'params': '%s' must be true or false", key);
		return PS_EINVAL;
	}
	*out = json_is_true(v);
	return PS_OK;
}

static int parse_params(json_t *o, struct ps_draw_params *p, struct ps_diag *d)
{
	json_t *ver = json_object_get(o, "version");
	json_t *year = json_object_get(o, "rule_year");
	int rc;

	if (!json_is_object(o))
		return bad(d, "params", "not a JSON object");
	if (!json_is_integer(ver) || json_integer_value(ver) != 1)
		return bad(d, "params", "unknown version (1 expected)");
	rc = get_size(o, "entities", &p->entities, d);
	if (rc == PS_OK)
		rc = get_size(o, "per_entity", &p->per_entity, d);
	if (rc == PS_OK)
		rc = get_size(o, "min_entities", &p->min_entities, d);
	if (rc == PS_OK)
		rc = get_bool(o, "recuse_conflicts", &p->recuse, d);
	if (rc == PS_OK)
		rc = get_bool(o, "allow_below_minimum", &p->allow_below_min, d);
	if (rc != PS_OK)
		return rc;
	p->type = json_string_value(json_object_get(o, "type"));
	p->province = json_string_value(json_object_get(o, "province"));
	p->min_source = json_string_value(json_object_get(o, "min_source"));
	p->rule_year = json_is_integer(year) ? json_integer_value(year) : 0;
	return PS_OK;
}

/* An inspector's recorded conflicts, joined by commas into the arena. */
static int join_conflicts(struct vrec *v, json_t *arr, const char **out, struct ps_diag *d)
{
	struct ps_buf b = PS_BUF_INIT(PS_MEM_REGISTRY, JSON_MAX);
	size_t i;
	json_t *c;
	int rc = PS_OK;

	if (!json_is_array(arr))
		return bad(d, "population", "an inspector's 'conflicts' is not an array");
	json_array_foreach(arr, i, c) {
		if (!json_is_string(c)) {
			rc = bad(d, "population", "a conflict is not a string");
			break;
		}
		if ((i > 0 && ps_buf_addch(&b, ',') != PS_OK) ||
		    ps_buf_addstr(&b, json_string_value(c)) != PS_OK) {
			rc = PS_ENOMEM;
			break;
		}
	}
	if (rc == PS_OK) {
		*out = ps_arena_strndup(&v->ar, ps_buf_cstr(&b), ps_buf_len(&b));
		if (*out == NULL)
			rc = PS_ENOMEM;
	}
	ps_buf_release(&b);
	return rc;
}

static int parse_population(struct vrec *v, struct ps_diag *d)
{
	json_t *ent = json_object_get(v->pop, "entities");
	json_t *ins = json_object_get(v->pop, "inspectors");
	json_t *e;
	size_t i;
	int rc = PS_OK;

	if (!json_is_array(ent) || !json_is_array(ins))
		return bad(d, "population", "'entities' and 'inspectors' must be arrays");
	v->n_ent = json_array_size(ent);
	v->n_insp = json_array_size(ins);
	v->ent = ps_arena_calloc(&v->ar, v->n_ent + 1, sizeof(*v->ent));
	v->insp = ps_arena_calloc(&v->ar, v->n_insp + 1, sizeof(*v->insp));
	if (v->ent == NULL || v->insp == NULL)
		return PS_ENOMEM;
	json_array_foreach(ent, i, e) {
		v->ent[i] = json_string_value(e);
		if (v->ent[i] == NULL)
			return bad(d, "population", "an entity is not a string");
	}
	json_array_foreach(ins, i, e) {
		v->insp[i].key = json_string_value(json_object_get(e, "key"));
		if (v->insp[i].key == NULL)
			return bad(d, "population", "an inspector has no 'key'");
		rc = join_conflicts(v, json_object_get(e, "conflicts"), &v->insp[i].conflicts, d);
		if (rc != PS_OK)
			return rc;
	}
	return PS_OK;
}

static int differs(bool *same, struct ps_diag *d, const char *fmt, ...) PS_PRINTF(3, 4);
static int differs(bool *same, struct ps_diag *d, const char *fmt, ...)
{
	va_list ap;

	*same = false;
	if (d != NULL) {
		va_start(ap, fmt);
		vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
		va_end(ap);
	}
	return PS_OK;
}

static int compare_pick(const struct ps_draw *dr, size_t i, json_t *e, bool *same,
			struct ps_diag *d)
{
	const struct ps_draw_pick *pk = &dr->picks[i];
	const char *ent = json_string_value(json_object_get(e, "entity"));
	json_t *ins = json_object_get(e, "inspectors");
	size_t k;

	if (ent == NULL || !json_is_array(ins)) {
		ps_diag_set(d, "field 'result': pick %zu is malformed", i + 1);
		return PS_EINVAL;
	}
	if (strcmp(ent, pk->entity) != 0)
		return differs(same, d, "pick %zu: recorded entity '%s', recomputed '%s'", i + 1,
			       ent, pk->entity);
	k = json_array_size(ins);
	for (size_t j = 0; j < k && j < dr->p.per_entity; j++) {
		const char *s = json_string_value(json_array_get(ins, j));

		if (s == NULL) {
			ps_diag_set(d, "field 'result': pick %zu is malformed", i + 1);
			return PS_EINVAL;
		}
		if (strcmp(s, pk->inspectors[j]) != 0)
			return differs(same, d, "pick %zu (%s): recorded inspector %zu '%s', "
				       "recomputed '%s'", i + 1, ent, j + 1, s, pk->inspectors[j]);
	}
	if (k != dr->p.per_entity)
		return differs(same, d, "pick %zu (%s): recorded %zu inspectors, recomputed %zu",
			       i + 1, ent, k, dr->p.per_entity);
	return PS_OK;
}

static int compare(const struct ps_draw *dr, json_t *res, bool *same, struct ps_diag *d)
{
	size_t n;

	if (!json_is_array(res))
		return bad(d, "result", "not a JSON array");
	n = json_array_size(res);
	*same = true;
	for (size_t i = 0; i < n && i < dr->n_picks && *same; i++) {
		int rc = compare_pick(dr, i, json_array_get(res, i), same, d);

		if (rc != PS_OK)
			return rc;
	}
	if (*same && n != dr->n_picks)
		return differs(same, d, "recorded %zu picks, recomputed %zu", n, dr->n_picks);
	return PS_OK;
}

static int verify(struct vrec *v, const char *seed_hex, bool *same, struct ps_diag *d)
{
	struct ps_draw *dr = NULL;
	struct ps_diag d2 = {{0}};
	int rc;

	if (ps_draw_seed_parse(seed_hex, v->p.seed) != PS_OK)
		return bad(d, "seed", "not 32 hex digits");
	rc = parse_params(v->params, &v->p, d);
	if (rc == PS_OK)
		rc = parse_population(v, d);
	if (rc != PS_OK)
		return rc;
	rc = ps_draw_run(&v->p, v->ent, v->n_ent, v->insp, v->n_insp, &dr, &d2);
	if (rc == PS_EINVAL || rc == PS_ELIMIT)
		return differs(same, d, "the recorded population and parameters give no draw: %s",
			       d2.msg);
	if (rc != PS_OK) {
		ps_diag_set(d, "%s", d2.msg);
		return rc;
	}
	rc = compare(dr, v->res, same, d);
	ps_draw_free(dr);
	return rc;
}

int ps_draw_verify(const char *seed_hex, const char *params_json,
		   const char *population_json, const char *result_json, bool *same,
		   struct ps_diag *d)
{
	struct vrec v;
	int rc;

	memset(&v, 0, sizeof(v));
	*same = false;
	ps_arena_init(&v.ar, PS_MEM_REGISTRY, 16 * 1024, SIZE_MAX);
	rc = load_json("params", params_json, &v.params, d);
	if (rc == PS_OK)
		rc = load_json("population", population_json, &v.pop, d);
	if (rc == PS_OK)
		rc = load_json("result", result_json, &v.res, d);
	if (rc == PS_OK && !json_is_object(v.pop))
		rc = bad(d, "population", "not a JSON object");
	if (rc == PS_OK)
		rc = verify(&v, seed_hex, same, d);
	if (rc != PS_OK)
		*same = false;
	json_decref(v.params);
	json_decref(v.pop);
	json_decref(v.res);
	ps_arena_release(&v.ar);
	return rc;
}
