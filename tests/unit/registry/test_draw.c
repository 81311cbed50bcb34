/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The double-random draw engine: a known answer computed independently
 * (Python hashlib SM3 over the method in draw.h), reproducibility from
 * the seed whatever the population order, recusal, the minimum sample,
 * verification of a record and of tampered ones, and the spread of
 * 20,000 draws with fixed seeds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/core.h"
#include "registry/draw.h"

#define OK(x) assert_int_equal((x), PS_OK)

static const char *const ents12[] = {
	"OP-01", "OP-02", "OP-03", "OP-04", "OP-05", "OP-06",
	"OP-07", "OP-08", "OP-09", "OP-10", "OP-11", "OP-12",
};

static const struct ps_draw_inspector insp5[] = {
	{"INS-1", "OP-03"},
	{"INS-2", "OP-05，OP-07"},
	{"INS-3", NULL},
	{"INS-4", ""},
	{"INS-5", " OP-01 ; OP-01"},
};

static void params(struct ps_draw_params *p, size_t n, size_t k, uint8_t seed0)
{
	memset(p, 0, sizeof(*p));
	for (size_t i = 0; i < PS_DRAW_SEED_LEN; i++)
		p->seed[i] = (uint8_t)(seed0 + i);
	p->entities = n;
	p->per_entity = k;
	p->recuse = true;
}

static char *result(const struct ps_draw *dr)
{
	char *s;

	OK(ps_draw_result_json(dr, &s));
	return s;
}

static void test_known_answer(void **state)
{
	struct ps_draw_params p;
	struct ps_draw *dr;
	char *s;

	(void)state;
	params(&p, 4, 2, 0); /* seed 000102...0f */
	OK(ps_draw_run(&p, ents12, 12, insp5, 5, &dr, NULL));
	assert_int_equal(dr->n_picks, 4);
	assert_string_equal(dr->warning, "");
	s = result(dr);
	assert_string_equal(s, "[{\"entity\":\"OP-05\",\"inspectors\":[\"INS-1\",\"INS-5\"]},"
			    "{\"entity\":\"OP-01\",\"inspectors\":[\"INS-2\",\"INS-3\"]},"
			    "{\"entity\":\"OP-02\",\"inspectors\":[\"INS-5\",\"INS-2\"]},"
			    "{\"entity\":\"OP-09\",\"inspectors\":[\"INS-3\",\"INS-1\"]}]");
	ps_free(s);
	/* conflict lists: split on ',' '，' ';' and spaces, sorted, deduplicated */
	assert_int_equal(dr->n_conflicts[1], 2);
	assert_string_equal(dr->conflicts[1][0], "OP-05");
	assert_string_equal(dr->conflicts[1][1], "OP-07");
	assert_int_equal(dr->n_conflicts[2], 0);
	assert_int_equal(dr->n_conflicts[4], 1);
	OK(ps_draw_population_json(dr, &s));
	assert_non_null(strstr(s, "{\"key\":\"INS-2\",\"conflicts\":[\"OP-05\",\"OP-07\"]}"));
	assert_non_null(strstr(s, "{\"key\":\"INS-3\",\"conflicts\":[]}"));
	ps_free(s);
	ps_draw_free(dr);
}

static void test_reproducible(void **state)
{
	const char *rev[12];
	struct ps_draw_inspector irev[5];
	struct ps_draw_params p;
	struct ps_draw *a, *b, *c;
	char *sa, *sb, *sc;

	(void)state;
	for (size_t i = 0; i < 12; i++)
		rev[i] = ents12[11 - i];
	for (size_t i = 0; i < 5; i++)
		irev[i] = insp5[4 - i];
	params(&p, 5, 2, 7);
	OK(ps_draw_run(&p, ents12, 12, insp5, 5, &a, NULL));
	OK(ps_draw_run(&p, rev, 12, irev, 5, &b, NULL)); /* other order, same sets */
	p.seed[15] ^= 1;
	OK(ps_draw_run(&p, ents12, 12, insp5, 5, &c, NULL));
	sa = result(a);
	sb = result(b);
	sc = result(c);
	assert_string_equal(sa, sb);
	assert_string_not_equal(sa, sc);
	ps_free(sa);
	ps_free(sb);
	ps_free(sc);
	ps_draw_free(a);
	ps_draw_free(b);
	ps_draw_free(c);
}

/* Inspector i conflicts with entity e when e + 1 is divisible by i + 2: at
 * most 5 of the 8 inspectors for any of the 30 entities. */
static void conflict_population(const char **ent, char (*ekeys)[24], size_t ne,
				struct ps_draw_inspector *insp, char (*ikeys)[24],
				char (*conf)[256], size_t ni)
{
	for (size_t e = 0; e < ne; e++) {
		snprintf(ekeys[e], 24, "E%02zu", e);
		ent[e] = ekeys[e];
	}
	for (size_t i = 0; i < ni; i++) {
		size_t len = 0;

		snprintf(ikeys[i], 24, "I%zu", i);
		conf[i][0] = '\0';
		for (size_t e = 0; e < ne; e++)
			if ((e + 1) % (i + 2) == 0)
				len += (size_t)snprintf(conf[i] + len, 256 - len, "E%02zu,", e);
		insp[i].key = ikeys[i];
		insp[i].conflicts = conf[i];
	}
}

static bool has_conflict(const struct ps_draw *dr)
{
	for (size_t i = 0; i < dr->n_picks; i++) {
		unsigned e = (unsigned)(dr->picks[i].entity[1] - '0') * 10 +
			     (unsigned)(dr->picks[i].entity[2] - '0');

		for (size_t j = 0; j < dr->p.per_entity; j++) {
			unsigned k = (unsigned)(dr->picks[i].inspectors[j][1] - '0');

			if ((e + 1) % (k + 2) == 0)
				return true;
		}
	}
	return false;
}

static void test_conflicts_never_assigned(void **state)
{
	const char *ent[30];
	char ekeys[30][24], ikeys[8][24], conf[8][256];
	struct ps_draw_inspector insp[8];
	struct ps_draw_params p;
	struct ps_draw *dr;
	bool seen_without_recusal = false;

	(void)state;
	conflict_population(ent, ekeys, 30, insp, ikeys, conf, 8);
	for (unsigned s = 0; s < 200; s++) {
		params(&p, 12, 3, (uint8_t)s);
		p.seed[0] = (uint8_t)(s >> 8);
		OK(ps_draw_run(&p, ent, 30, insp, 8, &dr, NULL));
		assert_int_equal(dr->n_picks, 12);
		assert_false(has_conflict(dr));
		/* teams are distinct within a pick */
		for (size_t i = 0; i < dr->n_picks; i++)
			for (size_t j = 1; j < 3; j++)
				for (size_t k = 0; k < j; k++)
					assert_string_not_equal(dr->picks[i].inspectors[j],
								dr->picks[i].inspectors[k]);
		ps_draw_free(dr);
		p.recuse = false;
		OK(ps_draw_run(&p, ent, 30, insp, 8, &dr, NULL));
		seen_without_recusal |= has_conflict(dr);
		ps_draw_free(dr);
	}
	assert_true(seen_without_recusal);
}

static void test_not_enough_inspectors(void **state)
{
	const char *ent[] = {"OP-1", "OP-2"};
	struct ps_draw_inspector insp[] = {{"I1", "OP-2"}, {"I2", "OP-2"}, {"I3", NULL}};
	struct ps_draw_params p;
	struct ps_draw *dr = (struct ps_draw *)1;
	struct ps_diag d = {{0}};

	(void)state;
	params(&p, 2, 2, 1);
	assert_int_equal(ps_draw_run(&p, ent, 2, insp, 3, &dr, &d), PS_EINVAL);
	assert_null(dr);
	assert_string_equal(d.msg, "entity 'OP-2' has 1 inspector without a declared "
			    "conflict, 2 needed");
	p.recuse = false;
	OK(ps_draw_run(&p, ent, 2, insp, 3, &dr, &d));
	ps_draw_free(dr);
}

static void test_minimum(void **state)
{
	struct ps_draw_params p;
	struct ps_draw *dr;
	struct ps_diag d = {{0}};

	(void)state;
	params(&p, 5, 1, 3);
	p.min_entities = 10;
	p.min_source = "policy inspection.vas_operators_min_per_province";
	assert_int_equal(ps_draw_run(&p, ents12, 12, insp5, 5, &dr, &d), PS_EINVAL);
	assert_string_equal(d.msg, "a sample of 5 is below the minimum of 10 "
			    "(policy inspection.vas_operators_min_per_province)");
	p.allow_below_min = true;
	OK(ps_draw_run(&p, ents12, 12, insp5, 5, &dr, &d));
	assert_int_equal(dr->n_picks, 5);
	ps_draw_free(dr);

	/* a population smaller than the minimum: all of it, with a warning */
	p.allow_below_min = false;
	p.entities = 10;
	OK(ps_draw_run(&p, ents12, 7, insp5, 5, &dr, &d));
	assert_int_equal(dr->n_picks, 7);
	assert_non_null(strstr(dr->warning, "only 7 entities, fewer than the minimum sample of 10"));
	ps_draw_free(dr);

	/* more asked for than there are */
	p.entities = 15;
	OK(ps_draw_run(&p, ents12, 12, insp5, 5, &dr, &d));
	assert_int_equal(dr->n_picks, 12);
	assert_string_equal(dr->warning, "15 entities asked for but the population has only 12: "
			    "all are drawn");
	ps_draw_free(dr);

	p.entities = 0;
	assert_int_equal(ps_draw_run(&p, ents12, 12, insp5, 5, &dr, &d), PS_EINVAL);
	assert_string_equal(d.msg, "the sample size must be at least 1");
}

static void test_bad_populations(void **state)
{
	const char *dup[] = {"A", "B", "A"};
	const char *empty[] = {"A", ""};
	struct ps_draw_inspector idup[] = {{"I", NULL}, {"I", NULL}};
	struct ps_draw_params p;
	struct ps_draw *dr;
	struct ps_diag d = {{0}};

	(void)state;
	params(&p, 1, 1, 0);
	assert_int_equal(ps_draw_run(&p, dup, 3, insp5, 5, &dr, &d), PS_EINVAL);
	assert_string_equal(d.msg, "entity 'A' appears twice in the population");
	assert_int_equal(ps_draw_run(&p, empty, 2, insp5, 5, &dr, &d), PS_EINVAL);
	assert_string_equal(d.msg, "entity 2 of the population has no key");
	assert_int_equal(ps_draw_run(&p, dup, 0, insp5, 5, &dr, &d), PS_EINVAL);
	assert_string_equal(d.msg, "the population of entities is empty");
	assert_int_equal(ps_draw_run(&p, ents12, 12, idup, 2, &dr, &d), PS_EINVAL);
	assert_string_equal(d.msg, "inspector 'I' appears twice in the population");
	/* no inspectors at all is fine when none are needed */
	p.per_entity = 0;
	OK(ps_draw_run(&p, ents12, 12, NULL, 0, &dr, &d));
	assert_int_equal(dr->n_picks, 1);
	ps_draw_free(dr);
}

static void test_seed_text(void **state)
{
	uint8_t s[PS_DRAW_SEED_LEN], t[PS_DRAW_SEED_LEN];
	char hex[PS_DRAW_SEED_HEX];

	(void)state;
	for (size_t i = 0; i < sizeof(s); i++)
		s[i] = (uint8_t)(0xf0 + i);
	ps_draw_seed_fmt(s, hex);
	assert_string_equal(hex, "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
	OK(ps_draw_seed_parse("F0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF", t));
	assert_memory_equal(s, t, sizeof(s));
	assert_int_equal(ps_draw_seed_parse("f0f1", t), PS_EINVAL);
	assert_int_equal(ps_draw_seed_parse("g0f1f2f3f4f5f6f7f8f9fafbfcfdfeff", t), PS_EINVAL);
	assert_int_equal(ps_draw_seed_parse(NULL, t), PS_EINVAL);
}

struct rec {
	char seed[PS_DRAW_SEED_HEX];
	char *params, *pop, *res;
};

static void record(struct rec *r)
{
	struct ps_draw_params p;
	struct ps_draw *dr;

	params(&p, 10, 2, 9);
	p.min_entities = 10;
	p.type = "vas";
	p.province = "广东";
	p.min_source = "policy inspection.vas_operators_min_per_province";
	p.rule_year = 2018;
	OK(ps_draw_run(&p, ents12, 12, insp5, 5, &dr, NULL));
	ps_draw_seed_fmt(p.seed, r->seed);
	OK(ps_draw_params_json(dr, &r->params));
	OK(ps_draw_population_json(dr, &r->pop));
	r->res = result(dr);
	ps_draw_free(dr);
}

static void rec_free(struct rec *r)
{
	ps_free(r->params);
	ps_free(r->pop);
	ps_free(r->res);
}

/* Replace the first `from` in *s by `to` (same length or not). */
static void tamper(char **s, const char *from, const char *to)
{
	char *p = strstr(*s, from);
	size_t n = strlen(*s) - strlen(from) + strlen(to) + 1;
	char *t = ps_malloc(PS_MEM_TEST, n);

	assert_non_null(p);
	assert_non_null(t);
	snprintf(t, n, "%.*s%s%s", (int)(p - *s), *s, to, p + strlen(from));
	ps_free(*s);
	*s = t;
}

static void test_verify(void **state)
{
	struct rec r;
	struct ps_diag d = {{0}};
	bool same = false;
	char *orig, first[16], other[16];

	(void)state;
	record(&r);
	assert_string_equal(r.params, "{\"version\":1,\"entities\":10,\"per_entity\":2,"
			    "\"recuse_conflicts\":true,\"min_entities\":10,"
			    "\"allow_below_minimum\":false,\"type\":\"vas\",\"province\":\"广东\","
			    "\"min_source\":\"policy inspection.vas_operators_min_per_province\","
			    "\"rule_year\":2018,\"drawn\":10}");
	OK(ps_draw_verify(r.seed, r.params, r.pop, r.res, &same, &d));
	assert_true(same);

	/* a tampered entity */
	orig = ps_strdup(PS_MEM_TEST, r.res);
	assert_non_null(orig);
	snprintf(first, sizeof(first), "%.5s", strstr(r.res, "OP-"));
	snprintf(other, sizeof(other), "%s", strcmp(first, "OP-11") == 0 ? "OP-12" : "OP-11");
	tamper(&r.res, first, other);
	OK(ps_draw_verify(r.seed, r.params, r.pop, r.res, &same, &d));
	assert_false(same);
	assert_non_null(strstr(d.msg, "pick 1: recorded entity"));

	/* a tampered inspector */
	ps_free(r.res);
	r.res = ps_strdup(PS_MEM_TEST, orig);
	tamper(&r.res, "\"inspectors\":[\"INS-", "\"inspectors\":[\"INS-9");
	OK(ps_draw_verify(r.seed, r.params, r.pop, r.res, &same, &d));
	assert_false(same);
	assert_non_null(strstr(d.msg, "pick 1 (OP-"));
	assert_non_null(strstr(d.msg, "recorded inspector 1 'INS-9"));

	/* a dropped pick */
	ps_free(r.res);
	r.res = ps_strdup(PS_MEM_TEST, orig);
	{
		char *cut = strstr(r.res, "},{");

		assert_non_null(cut);
		cut[1] = ']';
		cut[2] = '\0';
	}
	OK(ps_draw_verify(r.seed, r.params, r.pop, r.res, &same, &d));
	assert_false(same);
	assert_string_equal(d.msg, "recorded 1 picks, recomputed 10");

	/* another seed, another draw */
	r.seed[0] = r.seed[0] == '0' ? '1' : '0';
	OK(ps_draw_verify(r.seed, r.params, r.pop, orig, &same, &d));
	assert_false(same);
	r.seed[0] = 'x';
	assert_int_equal(ps_draw_verify(r.seed, r.params, r.pop, orig, &same, &d), PS_EINVAL);
	assert_string_equal(d.msg, "field 'seed': not 32 hex digits");
	ps_free(orig);
	rec_free(&r);
}

static void test_verify_malformed(void **state)
{
	struct rec r;
	struct ps_diag d = {{0}};
	bool same = true;

	(void)state;
	record(&r);
	assert_int_equal(ps_draw_verify(r.seed, "{", r.pop, r.res, &same, &d), PS_EINVAL);
	assert_false(same);
	assert_non_null(strstr(d.msg, "field 'params': "));
	assert_int_equal(ps_draw_verify(r.seed, "{\"version\":2}", r.pop, r.res, &same, &d),
			 PS_EINVAL);
	assert_string_equal(d.msg, "field 'params': unknown version (1 expected)");
	assert_int_equal(ps_draw_verify(r.seed, r.params, "[]", r.res, &same, &d), PS_EINVAL);
	assert_int_equal(ps_draw_verify(r.seed, r.params, r.pop, "{}", &same, &d), PS_EINVAL);
	assert_string_equal(d.msg, "field 'result': not a JSON array");
	assert_int_equal(ps_draw_verify(r.seed, r.params, r.pop, NULL, &same, &d), PS_EINVAL);
	/* a population that no longer gives a draw: a difference, not an error */
	assert_int_equal(ps_draw_verify(r.seed, r.params, "{\"entities\":[],\"inspectors\":[]}",
					r.res, &same, &d), PS_OK);
	assert_false(same);
	assert_string_equal(d.msg, "the recorded population and parameters give no draw: "
			    "the population of entities is empty");
	rec_free(&r);
}

/* 20,000 draws of 1 from 10 with seeds 0..19999: each entity about 2,000
 * times (sd 42; the bounds are 7 sd wide, and the seeds fixed). Teams of
 * 2 from 5 inspectors: each about 8,000 times (sd 69). */
static void test_distribution(void **state)
{
	const char *ent[10] = {"E0", "E1", "E2", "E3", "E4", "E5", "E6", "E7", "E8", "E9"};
	struct ps_draw_inspector insp[5] = {{"I0"}, {"I1"}, {"I2"}, {"I3"}, {"I4"}};
	size_t ce[10] = {0}, ci[5] = {0};
	struct ps_draw_params p;

	(void)state;
	params(&p, 1, 2, 0);
	for (uint32_t s = 0; s < 20000; s++) {
		struct ps_draw *dr;

		for (int b = 0; b < 4; b++)
			p.seed[b] = (uint8_t)(s >> (8 * b));
		OK(ps_draw_run(&p, ent, 10, insp, 5, &dr, NULL));
		ce[dr->picks[0].entity[1] - '0']++;
		ci[dr->picks[0].inspectors[0][1] - '0']++;
		ci[dr->picks[0].inspectors[1][1] - '0']++;
		ps_draw_free(dr);
	}
	for (size_t i = 0; i < 10; i++) {
		if (ce[i] < 1700 || ce[i] > 2300)
			fail_msg("entity %zu drawn %zu times of 20000", i, ce[i]);
	}
	for (size_t i = 0; i < 5; i++) {
		if (ci[i] < 7500 || ci[i] > 8500)
			fail_msg("inspector %zu drawn %zu times of 40000", i, ci[i]);
	}
}

static int torture_op(void *arg)
{
	struct ps_draw_params p;
	struct ps_draw *dr = NULL;
	struct rec r = {{0}};
	bool same;
	int rc;

	(void)arg;
	params(&p, 3, 2, 5);
	rc = ps_draw_run(&p, ents12, 12, insp5, 5, &dr, NULL);
	if (rc == PS_OK)
		rc = ps_draw_params_json(dr, &r.params);
	if (rc == PS_OK)
		rc = ps_draw_population_json(dr, &r.pop);
	if (rc == PS_OK)
		rc = ps_draw_result_json(dr, &r.res);
	if (rc == PS_OK) {
		ps_draw_seed_fmt(p.seed, r.seed);
		rc = ps_draw_verify(r.seed, r.params, r.pop, r.res, &same, NULL);
	}
	if (rc == PS_OK && !same)
		rc = PS_EINVAL; /* an allocation failure must not pass as a difference */
	ps_draw_free(dr);
	rec_free(&r);
	return rc;
}

static void test_alloc_failures(void **state)
{
	(void)state;
	assert_true(ps_mem_torture(torture_op, NULL, true) > 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_answer),
		cmocka_unit_test(test_reproducible),
		cmocka_unit_test(test_conflicts_never_assigned),
		cmocka_unit_test(test_not_enough_inspectors),
		cmocka_unit_test(test_minimum),
		cmocka_unit_test(test_bad_populations),
		cmocka_unit_test(test_seed_text),
		cmocka_unit_test(test_verify),
		cmocka_unit_test(test_verify_malformed),
		cmocka_unit_test(test_distribution),
		cmocka_unit_test(test_alloc_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
