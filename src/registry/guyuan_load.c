/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Feeds the 固源 engine from the registry: allocated blocks, IP filings,
 * addresses seen in use and ICP filings become the plain arrays of
 * guyuan.h, and the policy flags filing.ip.check_* pick the checks.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/core.h"
#include "policy/policy.h"
#include "registry/guyuan.h"
#include "registry/registry.h"

#define LOAD_MAX 50000000 /* records of one kind */

struct load_ctx {
	struct ps_guyuan_data *g;
	struct ps_diag *d;
};

static const char *const policy_ids[PS_GUYUAN__COUNT] = {
	"filing.ip.check_out_of_range",
	"filing.ip.check_conflict",
	"filing.ip.check_conflict", /* duplicates come with the overlap sweep */
	"filing.ip.check_unreported",
	"filing.ip.check_misreported",
};

const char *ps_guyuan_check_policy_id(enum ps_guyuan_check c)
{
	return (unsigned)c < PS_GUYUAN__COUNT ? policy_ids[c] : NULL;
}

int ps_guyuan_opts_policy(const struct ps_policy *pol, struct ps_guyuan_opts *o,
			  struct ps_diag *d)
{
	for (int i = 0; i < PS_GUYUAN__COUNT; i++) {
		bool on;

		if (ps_policy_get_flag(pol, policy_ids[i], &on) != PS_OK) {
			ps_diag_set(d, "policy value '%s' is missing or not a flag", policy_ids[i]);
			return PS_EINVAL;
		}
		o->check[i] = o->check[i] && on;
	}
	return PS_OK;
}

/* A field's value copied into the arena; NULL when empty. */
static int field(struct load_ctx *c, const struct ps_reg_record *rec, const char *name,
		 const char **out)
{
	const char *v = ps_reg_record_get(rec, name);

	*out = NULL;
	if (v == NULL)
		return PS_OK;
	*out = ps_arena_strndup(&c->g->arena, v, strlen(v));
	return *out != NULL ? PS_OK : PS_ENOMEM;
}

/* The fields `names` (NULL-terminated) into `out`, in order. */
static int fields(struct load_ctx *c, const struct ps_reg_record *rec,
		  const char *const *names, const char **out[])
{
	for (size_t i = 0; names[i] != NULL; i++) {
		int rc = field(c, rec, names[i], out[i]);

		if (rc != PS_OK)
			return rc;
	}
	return PS_OK;
}

static int range(struct load_ctx *c, const struct ps_reg_record *rec, const char *name,
		 struct ps_guyuan_range *r, bool *present)
{
	const char *v = ps_reg_record_get(rec, name);

	memset(r, 0, sizeof(*r));
	if (present != NULL)
		*present = v != NULL;
	if (v == NULL && present != NULL)
		return PS_OK;
	if (v == NULL || ps_reg_iprange_parse(v, r->lo, r->hi, &r->v6) != PS_OK) {
		ps_diag_set(c->d, "%s '%s': field '%s': '%.80s' is not an IP range",
			    rec->kind->name, rec->key, name, v != NULL ? v : "");
		return PS_EINVAL;
	}
	return PS_OK;
}

static int on_block(void *arg, const struct ps_reg_record *rec)
{
	struct load_ctx *c = arg;
	struct ps_guyuan_block *b = ps_vec_push_slot(&c->g->blocks);
	const char *const names[] = {"operator", NULL};
	const char **out[] = {&b->operator};
	int rc;

	if (b == NULL)
		return PS_ENOMEM;
	rc = fields(c, rec, names, out);
	if (rc == PS_OK)
		rc = field(c, rec, "key", &b->key);
	return rc == PS_OK ? range(c, rec, "range", &b->r, NULL) : rc;
}

static int on_filing(void *arg, const struct ps_reg_record *rec)
{
	struct load_ctx *c = arg;
	struct ps_guyuan_filing *f = ps_vec_push_slot(&c->g->filings);
	const char *const names[] = {"operator", "holder", "use", "location", "icp", NULL};
	const char **out[] = {&f->operator, &f->holder, &f->use, &f->location, &f->icp};
	int rc;

	if (f == NULL)
		return PS_ENOMEM;
	rc = fields(c, rec, names, out);
	if (rc == PS_OK)
		rc = field(c, rec, "key", &f->key);
	return rc == PS_OK ? range(c, rec, "range", &f->r, NULL) : rc;
}

static int on_seen(void *arg, const struct ps_reg_record *rec)
{
	struct load_ctx *c = arg;
	struct ps_guyuan_seen *s = ps_vec_push_slot(&c->g->seen);
	const char *const names[] = {"source", "holder", "use", "location", NULL};
	const char **out[] = {&s->source, &s->holder, &s->use, &s->location};
	int rc;

	if (s == NULL)
		return PS_ENOMEM;
	rc = fields(c, rec, names, out);
	if (rc == PS_OK)
		rc = field(c, rec, "key", &s->key);
	return rc == PS_OK ? range(c, rec, "address", &s->r, NULL) : rc;
}

static int on_icp(void *arg, const struct ps_reg_record *rec)
{
	struct load_ctx *c = arg;
	struct ps_guyuan_icp *i = ps_vec_push_slot(&c->g->icps);
	const char *const names[] = {"domain", "holder", NULL};
	const char **out[] = {&i->domain, &i->holder};
	int rc;

	if (i == NULL)
		return PS_ENOMEM;
	rc = fields(c, rec, names, out);
	if (rc == PS_OK)
		rc = field(c, rec, "key", &i->key);
	return rc == PS_OK ? range(c, rec, "address", &i->addr, &i->has_addr) : rc;
}

static void data_init(struct ps_guyuan_data *g)
{
	memset(g, 0, sizeof(*g));
	ps_vec_init_type(&g->blocks, PS_MEM_REGISTRY, struct ps_guyuan_block, LOAD_MAX);
	ps_vec_init_type(&g->filings, PS_MEM_REGISTRY, struct ps_guyuan_filing, LOAD_MAX);
	ps_vec_init_type(&g->seen, PS_MEM_REGISTRY, struct ps_guyuan_seen, LOAD_MAX);
	ps_vec_init_type(&g->icps, PS_MEM_REGISTRY, struct ps_guyuan_icp, LOAD_MAX);
	ps_arena_init(&g->arena, PS_MEM_REGISTRY, 256 * 1024, SIZE_MAX);
}

void ps_guyuan_data_release(struct ps_guyuan_data *g)
{
	if (g->blocks.elem_size != 0) {
		ps_vec_release(&g->blocks);
		ps_vec_release(&g->filings);
		ps_vec_release(&g->seen);
		ps_vec_release(&g->icps);
		ps_arena_release(&g->arena);
	}
	data_init(g);
}

int ps_guyuan_load(struct ps_registry *r, struct ps_guyuan_data *g, struct ps_diag *d)
{
	static const struct {
		const char *kind;
		ps_reg_record_fn fn;
	} kinds[] = {
		{"ipblock", on_block}, {"ipfiling", on_filing}, {"ipseen", on_seen}, {"icp", on_icp},
	};
	struct load_ctx c = {g, d};
	int rc = PS_OK;

	ps_guyuan_data_release(g);
	for (size_t i = 0; i < PS_ARRAY_LEN(kinds) && rc == PS_OK; i++) {
		rc = ps_reg_list(r, ps_reg_kind_find(kinds[i].kind), NULL, kinds[i].fn, &c);
		if (rc == PS_ENOMEM || rc == PS_ELIMIT)
			ps_diag_set(d, "out of memory reading the %ss", kinds[i].kind);
		else if (rc == PS_EDB)
			ps_diag_set(d, "cannot read the %ss from the store", kinds[i].kind);
	}
	if (rc != PS_OK) {
		ps_guyuan_data_release(g);
		return rc;
	}
	g->in.blocks = PS_VEC_DATA(&g->blocks, struct ps_guyuan_block);
	g->in.n_blocks = ps_vec_len(&g->blocks);
	g->in.filings = PS_VEC_DATA(&g->filings, struct ps_guyuan_filing);
	g->in.n_filings = ps_vec_len(&g->filings);
	g->in.seen = PS_VEC_DATA(&g->seen, struct ps_guyuan_seen);
	g->in.n_seen = ps_vec_len(&g->seen);
	g->in.icps = PS_VEC_DATA(&g->icps, struct ps_guyuan_icp);
	g->in.n_icps = ps_vec_len(&g->icps);
	return PS_OK;
}

int ps_guyuan_check_registry(struct ps_registry *r, const struct ps_guyuan_opts *o,
			     struct ps_guyuan_report *rep, struct ps_diag *d)
{
	struct ps_guyuan_data g = {0};
	int rc;

	rc = ps_guyuan_load(r, &g, d);
	if (rc == PS_OK)
		rc = ps_guyuan_run(&g.in, o, rep, d);
	ps_guyuan_data_release(&g);
	return rc;
}
