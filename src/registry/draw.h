/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Double-random (双随机) inspection draws (DOMAIN rule 39): inspected
 * entities and their inspectors are drawn independently, from recorded
 * populations, with a recorded seed, excluding declared conflicts, so
 * anyone can recompute a draw from its record. draw.c is the pure engine;
 * draw_load.c takes the populations from the registry and keeps the
 * record (kind "draw").
 *
 * The generator: SM3 in counter mode. Block i of stream `label` is
 *   SM3(seed (16 bytes) || label || 0x00 || be64(i))
 * read as four big-endian uint64 words in order. A uniform integer in
 * [0, n) takes words until one is >= (2^64 mod n) and returns word mod n
 * (rejection, so no bias). Two kinds of stream:
 *   "entities"            draws the entities;
 *   "inspectors:" + KEY   draws the team of the drawn entity KEY,
 * so an entity's team depends only on the seed, its key and the inspector
 * population, never on which other entities were drawn.
 *
 * The draw: both populations are sorted by key (byte order) first, so the
 * result depends only on the seed and the population sets. Entities: the
 * first n steps of a Fisher-Yates shuffle of the sorted keys (step i swaps
 * position i with i + uniform(M - i)); the picks are positions 0..n-1 in
 * that order. Team of each pick: the inspectors without a declared
 * conflict with it (when recusal is on), in key order, shuffled the same
 * way for `per_entity` steps. One inspector may serve on several teams,
 * never twice on one.
 *
 * Sample size: with a minimum m > 0 and M entities: M < m draws all M
 * (warning); else n < m is refused unless allow_below_min; n > M draws all
 * M (warning).
 */
#ifndef PS_REGISTRY_DRAW_H
#define PS_REGISTRY_DRAW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/timeutil.h"

#define PS_DRAW_SEED_LEN 16
#define PS_DRAW_SEED_HEX (2 * PS_DRAW_SEED_LEN + 1)
/* Caps on a population (PS_ELIMIT beyond). */
#define PS_DRAW_MAX_POPULATION 1000000
#define PS_DRAW_MAX_CONFLICTS 10000

/* `conflicts`: operator keys separated by ',', '，', ';' or white space. */
struct ps_draw_inspector {
	const char *key;
	const char *conflicts;
};

struct ps_draw_params {
	uint8_t seed[PS_DRAW_SEED_LEN];
	size_t entities;     /* sample size asked for, >= 1 */
	size_t per_entity;   /* inspectors per drawn entity */
	bool recuse;         /* exclude inspectors with a declared conflict */
	size_t min_entities; /* minimum sample, 0 = none */
	bool allow_below_min;
	/* Recorded with the draw, not used by it: how the population was
	 * chosen and where the minimum came from. May be NULL / 0. */
	const char *type;
	const char *province;
	const char *min_source; /* "policy inspection.vas_operators_min_per_province" */
	int64_t rule_year;
};

struct ps_draw_pick {
	const char *entity;
	const char **inspectors; /* per_entity keys, in draw order */
};

/*
 * A computed draw; every string is owned (in `arena`). `entities` and
 * `inspectors` are the sorted populations; `conflicts[i]` the sorted,
 * deduplicated conflict keys of inspectors[i] (`n_conflicts[i]` of them).
 * `warning` is empty unless the sample was cut to the population.
 */
struct ps_draw {
	struct ps_draw_params p;
	const char **entities;
	size_t n_entities;
	const char **inspectors;
	const char ***conflicts;
	size_t *n_conflicts;
	size_t n_inspectors;
	struct ps_draw_pick *picks;
	size_t n_picks;
	char warning[256];
	struct ps_arena arena;
};

/*
 * Draw from `entities` (n_ent keys) and `insp` (n_insp inspectors), all
 * borrowed for the call, in any order. On success *out is a new draw
 * (ps_draw_free). PS_EINVAL with `d` saying why: an empty population, an
 * empty or repeated key, a sample below the minimum, or an entity with
 * fewer unconflicted inspectors than per_entity ("entity 'OP-3' has 1
 * inspector without a declared conflict, 2 needed"). PS_ELIMIT past the
 * caps, PS_ENOMEM, PS_ECRYPTO/PS_EUNSUP from SM3. Thread-safe.
 */
int ps_draw_run(const struct ps_draw_params *p, const char *const *entities, size_t n_ent,
		const struct ps_draw_inspector *insp, size_t n_insp, struct ps_draw **out,
		struct ps_diag *d) PS_MUST_USE;
void ps_draw_free(struct ps_draw *dr);

/*
 * The three JSON texts of a draw record, as new strings (ps_free):
 *   params      {"version":1,"entities":N,"per_entity":K,"recuse_conflicts":b,
 *                "min_entities":M,"allow_below_minimum":b,"type":..,"province":..,
 *                "min_source":..,"rule_year":Y,"drawn":n}  (absent strings omitted)
 *   population  {"entities":[keys],"inspectors":[{"key":k,"conflicts":[keys]}]}
 *   result      [{"entity":key,"inspectors":[keys]}, ...]  in draw order
 * PS_OK or PS_ENOMEM.
 */
int ps_draw_params_json(const struct ps_draw *dr, char **out) PS_MUST_USE;
int ps_draw_population_json(const struct ps_draw *dr, char **out) PS_MUST_USE;
int ps_draw_result_json(const struct ps_draw *dr, char **out) PS_MUST_USE;

/* 32 lowercase hex digits and a NUL. */
void ps_draw_seed_fmt(const uint8_t seed[PS_DRAW_SEED_LEN], char out[PS_DRAW_SEED_HEX]);
/* Exactly 32 hex digits (either case); PS_EINVAL otherwise. */
int ps_draw_seed_parse(const char *hex, uint8_t seed[PS_DRAW_SEED_LEN]) PS_MUST_USE;

/*
 * Recompute a recorded draw from its seed, params and population and
 * compare with its recorded result. PS_OK with *same true when identical;
 * PS_OK with *same false and the first difference in `d` ("pick 2:
 * recorded entity 'OP-7', recomputed 'OP-9'", or why the draw cannot be
 * recomputed from the record); PS_EINVAL when the record is malformed
 * (`d` names the field); PS_ENOMEM, PS_ECRYPTO.
 */
int ps_draw_verify(const char *seed_hex, const char *params_json,
		   const char *population_json, const char *result_json, bool *same,
		   struct ps_diag *d) PS_MUST_USE;

/* ---- from and to the registry (draw_load.c) ---- */

struct ps_registry;

struct ps_draw_request {
	const char *type;     /* operators of this type only ("vas"), NULL = all */
	const char *province; /* operators of this province only, NULL = all */
	size_t entities;      /* sample size */
	size_t per_entity;    /* inspectors per entity, 0 = the policy minimum */
	bool allow_below_min;
	bool seed_set;        /* use `seed`, else 16 fresh random bytes */
	uint8_t seed[PS_DRAW_SEED_LEN];
};

/*
 * Draw from the registry: entities are the operators matching type and
 * province, inspectors every inspector record. Policy: recusal from
 * inspection.recuse_conflicts; inspectors per entity at least
 * inspection.inspectors_min_per_check (a smaller per_entity is refused);
 * with type "vas" and a province, the minimum sample is
 * inspection.vas_operators_min_per_province (recorded with
 * inspection.rule_year). Errors as ps_draw_run, plus PS_EDB, PS_EINVAL
 * for a missing policy value, PS_ECRYPTO when no seed can be made.
 */
int ps_draw_from_registry(struct ps_registry *r, const struct ps_draw_request *q,
			  struct ps_draw **out, struct ps_diag *d) PS_MUST_USE;

/*
 * Keep a draw as a "draw" record (date, seed, scope, params, population,
 * result) with a generated key, returned in *key (ps_free). Errors as
 * ps_reg_insert, PS_ENOMEM.
 */
int ps_draw_store(struct ps_registry *r, const struct ps_draw *dr, const char *scope,
		  struct ps_date date, char **key, struct ps_diag *d) PS_MUST_USE;

/* ps_draw_verify on the draw record `key`; PS_ENOENT when there is none. */
int ps_draw_verify_record(struct ps_registry *r, const char *key, bool *same,
			  struct ps_diag *d) PS_MUST_USE;

#endif
