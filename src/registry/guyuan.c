/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The 固源 engine: 越界, 冲突, 漏报 and 错报 over plain arrays of blocks,
 * filings, seen addresses and ICP filings, by sorting and sweeping
 * intervals. guyuan_load.c feeds it from the registry; definitions are in
 * guyuan.h.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "registry/guyuan.h"
#include "registry/registry.h"

#define TEXT_LIST_MAX 8   /* items listed in a sentence */
#define JSON_LIST_MAX 256 /* items listed in the structured evidence */
#define MSG_MAX (1u << 20)

/* An address as a 128-bit number (IPv4 in the low 32 bits). */
struct gy_ip {
	uint64_t hi, lo;
};

struct gy_rng {
	struct gy_ip lo, hi;
	bool v6;
};

/*
 * An interval index: entries sorted by (group, family, lo), `pmax` the
 * highest hi of the entries from the start of the entry's (group, family)
 * run up to it, so the intervals that reach a point are found by walking
 * back from it until pmax falls below the point.
 */
struct gy_ent {
	struct gy_rng r;
	struct gy_ip pmax;
	const char *grp;
	size_t idx;
};

struct gy_idx {
	struct gy_ent *e;
	size_t n;
};

/* The texts of the finding being built; errors are sticky in `err`. */
struct gy_msg {
	struct ps_buf en, zh, js;
	struct ps_jw w;
	int err;
};

struct gy_ctx {
	const struct ps_guyuan_input *in;
	const struct ps_guyuan_opts *o;
	struct ps_guyuan_report *rep;
	struct ps_diag *d;
	struct gy_idx blocks;  /* every block, one group */
	struct gy_idx by_op;   /* every block, grouped by operator */
	struct gy_idx filings; /* every filing, one group */
	struct ps_vec hits;    /* size_t: index positions from a query */
	struct ps_vec gaps;    /* struct gy_rng */
	struct gy_msg m;
};

struct gy_head {
	enum ps_guyuan_check check;
	enum ps_guyuan_severity sev;
	const char *s0, *s1, *op;
	struct gy_rng r;
};

static const char *const check_names[PS_GUYUAN__COUNT] = {
	"out_of_range", "conflict", "duplicate", "unreported", "misreported",
};
static const char *const check_zh[PS_GUYUAN__COUNT] = {
	"越界", "冲突", "重复备案", "漏报", "错报",
};

/* ---- 128-bit addresses ---- */

static int ip_cmp(struct gy_ip a, struct gy_ip b)
{
	if (a.hi != b.hi)
		return a.hi < b.hi ? -1 : 1;
	if (a.lo != b.lo)
		return a.lo < b.lo ? -1 : 1;
	return 0;
}

static struct gy_ip ip_inc(struct gy_ip a)
{
	if (++a.lo == 0)
		a.hi++;
	return a;
}

static struct gy_ip ip_dec(struct gy_ip a)
{
	if (a.lo-- == 0)
		a.hi--;
	return a;
}

static struct gy_ip ip_max(struct gy_ip a, struct gy_ip b)
{
	return ip_cmp(a, b) >= 0 ? a : b;
}

static struct gy_ip ip_min(struct gy_ip a, struct gy_ip b)
{
	return ip_cmp(a, b) <= 0 ? a : b;
}

static uint64_t be64(const uint8_t *b, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v = v << 8 | b[i];
	return v;
}

static struct gy_ip ip_from(const uint8_t b[16], bool v6)
{
	struct gy_ip a = {0, 0};

	if (v6) {
		a.hi = be64(b, 8);
		a.lo = be64(b + 8, 8);
	} else {
		a.lo = be64(b, 4);
	}
	return a;
}

static void ip_to(struct gy_ip a, bool v6, uint8_t b[16])
{
	memset(b, 0, 16);
	if (!v6) {
		for (int i = 0; i < 4; i++)
			b[i] = (uint8_t)(a.lo >> (24 - 8 * i));
		return;
	}
	for (int i = 0; i < 8; i++) {
		b[i] = (uint8_t)(a.hi >> (56 - 8 * i));
		b[8 + i] = (uint8_t)(a.lo >> (56 - 8 * i));
	}
}

static bool v4_clean(const uint8_t b[16])
{
	for (int i = 4; i < 16; i++)
		if (b[i] != 0)
			return false;
	return true;
}

static int rng_from(const struct ps_guyuan_range *in, struct gy_rng *out)
{
	if (!in->v6 && (!v4_clean(in->lo) || !v4_clean(in->hi)))
		return PS_EINVAL;
	out->v6 = in->v6;
	out->lo = ip_from(in->lo, in->v6);
	out->hi = ip_from(in->hi, in->v6);
	return ip_cmp(out->lo, out->hi) <= 0 ? PS_OK : PS_EINVAL;
}

static void rng_to(const struct gy_rng *in, struct ps_guyuan_range *out)
{
	out->v6 = in->v6;
	ip_to(in->lo, in->v6, out->lo);
	ip_to(in->hi, in->v6, out->hi);
}

static int rng_fmt(const struct gy_rng *r, char *out, size_t outlen)
{
	uint8_t lo[16], hi[16];

	ip_to(r->lo, r->v6, lo);
	ip_to(r->hi, r->v6, hi);
	return ps_reg_iprange_fmt(lo, hi, r->v6, out, outlen);
}

/* ---- names ---- */

const char *ps_guyuan_check_name(enum ps_guyuan_check c)
{
	return (unsigned)c < PS_GUYUAN__COUNT ? check_names[c] : NULL;
}

const char *ps_guyuan_check_zh(enum ps_guyuan_check c)
{
	return (unsigned)c < PS_GUYUAN__COUNT ? check_zh[c] : NULL;
}

int ps_guyuan_check_parse(const char *s, enum ps_guyuan_check *out)
{
	for (int i = 0; i < PS_GUYUAN__COUNT; i++) {
		if (strcmp(s, check_names[i]) == 0 || strcmp(s, check_zh[i]) == 0) {
			*out = (enum ps_guyuan_check)i;
			return PS_OK;
		}
	}
	return PS_EINVAL;
}

const char *ps_guyuan_severity_name(enum ps_guyuan_severity s)
{
	switch (s) {
	case PS_GUYUAN_SEV_LOW:
		return "low";
	case PS_GUYUAN_SEV_MEDIUM:
		return "medium";
	case PS_GUYUAN_SEV_HIGH:
		return "high";
	}
	return "unknown";
}

void ps_guyuan_opts_default(struct ps_guyuan_opts *o)
{
	memset(o, 0, sizeof(*o));
	for (int i = 0; i < PS_GUYUAN__COUNT; i++)
		o->check[i] = true;
}

static const char *nz(const char *s)
{
	return s != NULL ? s : "";
}

static bool eq(const char *a, const char *b)
{
	return strcmp(nz(a), nz(b)) == 0;
}

/* Chinese label of a seen-address source. */
static const char *source_zh(const char *s)
{
	static const char *const tab[][2] = {
		{"routing", "路由"}, {"aaa", "AAA"}, {"idc", "IDC"},
		{"icp", "ICP接入"}, {"flow", "流量"}, {"scan", "扫描"},
	};

	for (size_t i = 0; i < PS_ARRAY_LEN(tab); i++)
		if (strcmp(nz(s), tab[i][0]) == 0)
			return tab[i][1];
	return nz(s);
}

static const char *field_zh(const char *f)
{
	if (strcmp(f, "holder") == 0)
		return "使用单位";
	if (strcmp(f, "use") == 0)
		return "用途";
	if (strcmp(f, "location") == 0)
		return "使用地点";
	return "接入地址";
}

/* ---- interval index ---- */

static int ent_cmp(const void *pa, const void *pb)
{
	const struct gy_ent *a = pa, *b = pb;
	int c = strcmp(a->grp, b->grp);

	if (c != 0)
		return c;
	if (a->r.v6 != b->r.v6)
		return a->r.v6 ? 1 : -1;
	c = ip_cmp(a->r.lo, b->r.lo);
	if (c != 0)
		return c;
	c = ip_cmp(a->r.hi, b->r.hi);
	if (c != 0)
		return c;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* Sort the n entries already in x->e and compute their pmax. */
static void idx_finish(struct gy_idx *x)
{
	if (x->n > 1)
		qsort(x->e, x->n, sizeof(*x->e), ent_cmp);
	for (size_t i = 0; i < x->n; i++) {
		struct gy_ent *e = &x->e[i];
		bool same = i > 0 && e->r.v6 == e[-1].r.v6 && strcmp(e->grp, e[-1].grp) == 0;

		e->pmax = same ? ip_max(e[-1].pmax, e->r.hi) : e->r.hi;
	}
}

/* First position whose (grp, family, lo) is above (grp, v6, lo) when
 * `upper`, else not below it. */
static size_t idx_bound(const struct gy_idx *x, const char *grp, bool v6,
			struct gy_ip lo, bool upper)
{
	size_t a = 0, b = x->n;

	while (a < b) {
		size_t mid = a + (b - a) / 2;
		const struct gy_ent *e = &x->e[mid];
		int c = strcmp(e->grp, grp);

		if (c == 0 && e->r.v6 != v6)
			c = e->r.v6 ? 1 : -1;
		if (c == 0)
			c = ip_cmp(e->r.lo, lo);
		if (c < 0 || (upper && c == 0))
			a = mid + 1;
		else
			b = mid;
	}
	return a;
}

/* Positions of the entries of (grp, q's family) that share an address
 * with q, in ascending lo order, into c->hits. */
static int idx_query(struct gy_ctx *c, const struct gy_idx *x, const char *grp,
		     const struct gy_rng *q)
{
	struct gy_ip zero = {0, 0};
	size_t start = idx_bound(x, grp, q->v6, zero, false);
	size_t end = idx_bound(x, grp, q->v6, q->hi, true);
	size_t *h;
	size_t n;

	ps_vec_clear(&c->hits);
	for (size_t i = end; i > start; i--) {
		const struct gy_ent *e = &x->e[i - 1];

		if (ip_cmp(e->pmax, q->lo) < 0)
			break;
		if (ip_cmp(e->r.hi, q->lo) >= 0 && ps_vec_push(&c->hits, &(size_t){i - 1}) != PS_OK)
			return PS_ENOMEM;
	}
	h = PS_VEC_DATA(&c->hits, size_t);
	n = ps_vec_len(&c->hits);
	for (size_t i = 0; i < n / 2; i++) {
		size_t t = h[i];

		h[i] = h[n - 1 - i];
		h[n - 1 - i] = t;
	}
	return PS_OK;
}

/* The parts of q covered by none of the entries at c->hits (ascending
 * lo, each sharing an address with q), into c->gaps. */
static int subtract(struct gy_ctx *c, const struct gy_idx *x, const struct gy_rng *q)
{
	const size_t *h = PS_VEC_DATA(&c->hits, size_t);
	struct gy_ip cur = q->lo;
	struct gy_rng g = {.v6 = q->v6};

	ps_vec_clear(&c->gaps);
	for (size_t i = 0; i < ps_vec_len(&c->hits); i++) {
		const struct gy_ent *e = &x->e[h[i]];

		if (ip_cmp(e->r.lo, cur) > 0) {
			g.lo = cur;
			g.hi = ip_dec(e->r.lo);
			if (ps_vec_push(&c->gaps, &g) != PS_OK)
				return PS_ENOMEM;
		}
		if (ip_cmp(e->r.hi, q->hi) >= 0)
			return PS_OK;
		if (ip_cmp(e->r.hi, cur) >= 0)
			cur = ip_inc(e->r.hi); /* e.hi < q.hi: no overflow */
	}
	g.lo = cur;
	g.hi = q->hi;
	return ps_vec_push(&c->gaps, &g) == PS_OK ? PS_OK : PS_ENOMEM;
}

/* ---- finding texts ---- */

static void msg_reset(struct gy_msg *m)
{
	ps_buf_reset(&m->en);
	ps_buf_reset(&m->zh);
	ps_buf_reset(&m->js);
	ps_jw_init(&m->w, &m->js);
	m->err = PS_OK;
}

static void msg_vadd(struct gy_msg *m, struct ps_buf *b, const char *fmt, va_list ap)
	PS_PRINTF(3, 0);
static void msg_vadd(struct gy_msg *m, struct ps_buf *b, const char *fmt, va_list ap)
{
	int rc;

	if (m->err != PS_OK)
		return;
	rc = ps_buf_vaddf(b, fmt, ap);
	if (rc != PS_OK)
		m->err = rc;
}

static void en(struct gy_msg *m, const char *fmt, ...) PS_PRINTF(2, 3);
static void en(struct gy_msg *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msg_vadd(m, &m->en, fmt, ap);
	va_end(ap);
}

static void zh(struct gy_msg *m, const char *fmt, ...) PS_PRINTF(2, 3);
static void zh(struct gy_msg *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msg_vadd(m, &m->zh, fmt, ap);
	va_end(ap);
}

/* Range text into a caller buffer; "?" cannot happen for valid ranges. */
static const char *rtext(const struct gy_rng *r, char buf[PS_REG_IPRANGE_FMT_SIZE])
{
	if (rng_fmt(r, buf, PS_REG_IPRANGE_FMT_SIZE) != PS_OK)
		snprintf(buf, PS_REG_IPRANGE_FMT_SIZE, "?");
	return buf;
}

/* The gaps as "a, b, c (and 3 more)" in both languages and a JSON array
 * `key` (with `key`_total when it is cut). */
static void list_gaps(struct gy_ctx *c, const char *key)
{
	const struct gy_rng *g = PS_VEC_DATA(&c->gaps, struct gy_rng);
	size_t n = ps_vec_len(&c->gaps);
	char buf[PS_REG_IPRANGE_FMT_SIZE], total[64];

	ps_jw_arr_open(&c->m.w, key);
	for (size_t i = 0; i < n; i++) {
		rtext(&g[i], buf);
		if (i < TEXT_LIST_MAX) {
			en(&c->m, "%s%s", i > 0 ? ", " : "", buf);
			zh(&c->m, "%s%s", i > 0 ? "、" : "", buf);
		}
		if (i < JSON_LIST_MAX)
			ps_jw_str(&c->m.w, NULL, buf);
	}
	ps_jw_arr_close(&c->m.w);
	if (n > TEXT_LIST_MAX) {
		en(&c->m, " (and %zu more)", n - TEXT_LIST_MAX);
		zh(&c->m, " 等%zu段", n);
	}
	if (n > JSON_LIST_MAX) {
		snprintf(total, sizeof(total), "%s_total", key);
		ps_jw_uint(&c->m.w, total, n);
	}
}

static const char *arena_str(struct ps_arena *a, const char *s)
{
	s = nz(s);
	return ps_arena_strndup(a, s, strlen(s));
}

/* Store the finding whose texts are in c->m (JSON object still open). */
static int finding_add(struct gy_ctx *c, const struct gy_head *h)
{
	struct ps_guyuan_report *rep = c->rep;
	struct ps_arena *a = &rep->arena;
	struct ps_guyuan_finding *f;
	char buf[PS_REG_IPRANGE_FMT_SIZE];

	ps_jw_obj_close(&c->m.w);
	if (c->m.err != PS_OK)
		return c->m.err;
	if (ps_jw_error(&c->m.w) != PS_OK)
		return ps_jw_error(&c->m.w);
	if (ps_vec_len(&rep->vec) >= PS_GUYUAN_MAX_FINDINGS) {
		ps_diag_set(c->d, "more than %d findings: narrow the check with an operator or a check name",
			    PS_GUYUAN_MAX_FINDINGS);
		return PS_ELIMIT;
	}
	f = ps_vec_push_slot(&rep->vec);
	if (f == NULL)
		return PS_ENOMEM;
	f->check = h->check;
	f->severity = h->sev;
	f->subject[0] = arena_str(a, h->s0);
	f->subject[1] = h->s1 != NULL ? arena_str(a, h->s1) : NULL;
	f->operator = arena_str(a, h->op);
	f->range = arena_str(a, rtext(&h->r, buf));
	f->evidence = arena_str(a, ps_buf_cstr(&c->m.en));
	f->evidence_zh = arena_str(a, ps_buf_cstr(&c->m.zh));
	f->json = arena_str(a, ps_buf_cstr(&c->m.js));
	rng_to(&h->r, &f->r);
	if (f->subject[0] == NULL || (h->s1 != NULL && f->subject[1] == NULL) ||
	    f->operator == NULL || f->range == NULL || f->evidence == NULL ||
	    f->evidence_zh == NULL || f->json == NULL)
		return PS_ENOMEM;
	rep->count[h->check]++;
	return PS_OK;
}

/* Start a finding's JSON object with its check name. */
static void msg_begin(struct gy_ctx *c, enum ps_guyuan_check check)
{
	msg_reset(&c->m);
	ps_jw_obj_open(&c->m.w, NULL);
	ps_jw_str(&c->m.w, "check", check_names[check]);
}

static bool op_wanted(const struct gy_ctx *c, const char *op)
{
	return c->o->operator == NULL || strcmp(nz(op), c->o->operator) == 0;
}

/* ---- 越界 ---- */

static void list_blocks(struct gy_ctx *c, const char *op, bool v6)
{
	const size_t *h = PS_VEC_DATA(&c->hits, size_t);
	size_t n = ps_vec_len(&c->hits);
	char buf[PS_REG_IPRANGE_FMT_SIZE];

	if (n == 0) {
		en(&c->m, "none (%s has no allocated %s block overlapping it)", op,
		   v6 ? "IPv6" : "IPv4");
		zh(&c->m, "无（%s 无与之重叠的 %s 分配地址段）", op, v6 ? "IPv6" : "IPv4");
	}
	ps_jw_arr_open(&c->m.w, "blocks");
	for (size_t i = 0; i < n; i++) {
		const struct gy_ent *e = &c->by_op.e[h[i]];
		const char *key = nz(c->in->blocks[e->idx].key);

		rtext(&e->r, buf);
		if (i < TEXT_LIST_MAX) {
			en(&c->m, "%s%s %s", i > 0 ? ", " : "", key, buf);
			zh(&c->m, "%s%s %s", i > 0 ? "、" : "", key, buf);
		}
		if (i < JSON_LIST_MAX) {
			ps_jw_obj_open(&c->m.w, NULL);
			ps_jw_str(&c->m.w, "key", key);
			ps_jw_str(&c->m.w, "range", buf);
			ps_jw_obj_close(&c->m.w);
		}
	}
	ps_jw_arr_close(&c->m.w);
	if (n > TEXT_LIST_MAX)
		en(&c->m, " (and %zu more)", n - TEXT_LIST_MAX);
}

static int report_out_of_range(struct gy_ctx *c, const struct ps_guyuan_filing *f,
			       const struct gy_rng *r)
{
	struct gy_head h = {PS_GUYUAN_OUT_OF_RANGE, PS_GUYUAN_SEV_HIGH, nz(f->key), NULL,
			    nz(f->operator), *r};
	char fr[PS_REG_IPRANGE_FMT_SIZE];

	msg_begin(c, h.check);
	rtext(r, fr);
	ps_jw_str(&c->m.w, "filing", h.s0);
	ps_jw_str(&c->m.w, "operator", h.op);
	ps_jw_str(&c->m.w, "range", fr);
	en(&c->m, "filing %s (%s) of %s is outside its allocated blocks: ", h.s0, fr, h.op);
	zh(&c->m, "备案 %s（%s）超出 %s 的分配地址段，越界部分：", h.s0, fr, h.op);
	list_gaps(c, "outside");
	en(&c->m, " outside; blocks considered: ");
	zh(&c->m, "；参照分配地址段：");
	list_blocks(c, h.op, r->v6);
	return finding_add(c, &h);
}

static int check_out_of_range(struct gy_ctx *c)
{
	for (size_t i = 0; i < c->filings.n; i++) {
		const struct gy_ent *fe = &c->filings.e[i];
		const struct ps_guyuan_filing *f = &c->in->filings[fe->idx];
		int rc;

		if (!op_wanted(c, f->operator))
			continue;
		rc = idx_query(c, &c->by_op, nz(f->operator), &fe->r);
		if (rc == PS_OK)
			rc = subtract(c, &c->by_op, &fe->r);
		if (rc == PS_OK && ps_vec_len(&c->gaps) > 0)
			rc = report_out_of_range(c, f, &fe->r);
		if (rc != PS_OK)
			return rc;
	}
	return PS_OK;
}

/* ---- 冲突 and duplicates ---- */

static void json_filing(struct gy_ctx *c, const struct ps_guyuan_filing *f, const char *rt)
{
	ps_jw_obj_open(&c->m.w, NULL);
	ps_jw_str(&c->m.w, "key", nz(f->key));
	ps_jw_str(&c->m.w, "operator", nz(f->operator));
	ps_jw_str(&c->m.w, "range", rt);
	ps_jw_str(&c->m.w, "holder", nz(f->holder));
	ps_jw_str(&c->m.w, "use", nz(f->use));
	ps_jw_obj_close(&c->m.w);
}

static void differ(struct gy_ctx *c, const char *field, const char *a, const char *b,
		   bool *first)
{
	en(&c->m, "%s%s ('%s' vs '%s')", *first ? "" : ", ", field, a, b);
	zh(&c->m, "%s%s不同（“%s” / “%s”）", *first ? "" : "，", field_zh(field), a, b);
	ps_jw_obj_open(&c->m.w, NULL);
	ps_jw_str(&c->m.w, "field", field);
	ps_jw_arr_open(&c->m.w, "values");
	ps_jw_str(&c->m.w, NULL, a);
	ps_jw_str(&c->m.w, NULL, b);
	ps_jw_arr_close(&c->m.w);
	ps_jw_obj_close(&c->m.w);
	*first = false;
}

static int report_pair(struct gy_ctx *c, const struct gy_ent *ea, const struct gy_ent *eb,
		       enum ps_guyuan_check check)
{
	const struct ps_guyuan_filing *a = &c->in->filings[ea->idx];
	const struct ps_guyuan_filing *b = &c->in->filings[eb->idx];
	struct gy_head h = {check, check == PS_GUYUAN_CONFLICT ? PS_GUYUAN_SEV_HIGH :
			    PS_GUYUAN_SEV_LOW, nz(a->key), nz(b->key), NULL, {.v6 = ea->r.v6}};
	char ra[PS_REG_IPRANGE_FMT_SIZE], rb[PS_REG_IPRANGE_FMT_SIZE], ro[PS_REG_IPRANGE_FMT_SIZE];
	char ops[256];
	bool first = true;

	h.r.lo = eb->r.lo; /* ea sorts first: ea.lo <= eb.lo */
	h.r.hi = ip_min(ea->r.hi, eb->r.hi);
	if (eq(a->operator, b->operator))
		snprintf(ops, sizeof(ops), "%s", nz(a->operator));
	else
		snprintf(ops, sizeof(ops), "%s, %s", nz(a->operator), nz(b->operator));
	h.op = ops;
	msg_begin(c, check);
	rtext(&ea->r, ra);
	rtext(&eb->r, rb);
	rtext(&h.r, ro);
	ps_jw_arr_open(&c->m.w, "filings");
	json_filing(c, a, ra);
	json_filing(c, b, rb);
	ps_jw_arr_close(&c->m.w);
	ps_jw_str(&c->m.w, "overlap", ro);
	ps_jw_bool(&c->m.w, "nested", ip_cmp(eb->r.hi, ea->r.hi) <= 0 ||
		   (ip_cmp(ea->r.lo, eb->r.lo) == 0));
	en(&c->m, "filings %s (%s) and %s (%s) overlap on %s ", h.s0, ra, h.s1, rb, ro);
	zh(&c->m, "备案 %s（%s）与 %s（%s）在 %s 重叠，", h.s0, ra, h.s1, rb, ro);
	ps_jw_arr_open(&c->m.w, "differs");
	if (check == PS_GUYUAN_DUPLICATE) {
		en(&c->m, "with the same holder '%s' and use '%s'", nz(a->holder), nz(a->use));
		zh(&c->m, "使用单位“%s”、用途“%s”相同，属重复备案", nz(a->holder), nz(a->use));
	} else {
		en(&c->m, "with different ");
		if (!eq(a->holder, b->holder))
			differ(c, "holder", nz(a->holder), nz(b->holder), &first);
		if (!eq(a->use, b->use))
			differ(c, "use", nz(a->use), nz(b->use), &first);
	}
	ps_jw_arr_close(&c->m.w);
	return finding_add(c, &h);
}

static int overlap_pair(struct gy_ctx *c, const struct gy_ent *ea, const struct gy_ent *eb)
{
	const struct ps_guyuan_filing *a = &c->in->filings[ea->idx];
	const struct ps_guyuan_filing *b = &c->in->filings[eb->idx];
	enum ps_guyuan_check check = PS_GUYUAN_DUPLICATE;

	if (!op_wanted(c, a->operator) && !op_wanted(c, b->operator))
		return PS_OK;
	if (!eq(a->holder, b->holder) || !eq(a->use, b->use))
		check = PS_GUYUAN_CONFLICT;
	if (!c->o->check[check])
		return PS_OK;
	return report_pair(c, ea, eb, check);
}

/*
 * Sweep the filings in (family, lo) order keeping the active ones (those
 * whose hi reaches the current lo): each new filing overlaps exactly the
 * active ones, so the work is O(n + overlapping pairs).
 */
static int check_overlaps(struct gy_ctx *c)
{
	struct ps_vec act;
	int rc = PS_OK;

	ps_vec_init_type(&act, PS_MEM_REGISTRY, size_t, SIZE_MAX / sizeof(size_t));
	for (size_t i = 0; i < c->filings.n && rc == PS_OK; i++) {
		const struct gy_ent *fe = &c->filings.e[i];
		size_t *a = PS_VEC_DATA(&act, size_t);
		size_t k = 0;

		for (size_t j = 0; j < ps_vec_len(&act) && rc == PS_OK; j++) {
			const struct gy_ent *ae = &c->filings.e[a[j]];

			if (ae->r.v6 != fe->r.v6 || ip_cmp(ae->r.hi, fe->r.lo) < 0)
				continue;
			a[k++] = a[j];
			rc = overlap_pair(c, ae, fe);
		}
		act.len = k;
		if (rc == PS_OK && ps_vec_push(&act, &i) != PS_OK)
			rc = PS_ENOMEM;
	}
	ps_vec_release(&act);
	return rc;
}

/* ---- 漏报 ---- */

/* The holders of the blocks the gaps lie in, ", "-joined into ops;
 * whether the opts' operator is one of them. */
static int gap_owners(struct gy_ctx *c, char *ops, size_t opslen, bool *wanted)
{
	const char *seen[TEXT_LIST_MAX];
	size_t n = 0, len = 0;

	*wanted = c->o->operator == NULL;
	ops[0] = '\0';
	for (size_t g = 0; g < ps_vec_len(&c->gaps); g++) {
		int rc = idx_query(c, &c->blocks, "", PS_VEC_AT(&c->gaps, struct gy_rng, g));

		if (rc != PS_OK)
			return rc;
		for (size_t i = 0; i < ps_vec_len(&c->hits); i++) {
			size_t pos = *PS_VEC_AT(&c->hits, size_t, i);
			const char *op = nz(c->in->blocks[c->blocks.e[pos].idx].operator);
			size_t k = 0;

			if (c->o->operator != NULL && strcmp(op, c->o->operator) == 0)
				*wanted = true;
			while (k < n && strcmp(seen[k], op) != 0)
				k++;
			if (k < n || n == TEXT_LIST_MAX)
				continue;
			seen[n++] = op;
			if (len < opslen)
				len += (size_t)snprintf(ops + len, opslen - len, "%s%s",
							n > 1 ? ", " : "", op);
		}
	}
	return PS_OK;
}

static int report_unreported(struct gy_ctx *c, const struct ps_guyuan_seen *s,
			     const struct gy_rng *r)
{
	struct gy_head h = {PS_GUYUAN_UNREPORTED, PS_GUYUAN_SEV_MEDIUM, nz(s->key), NULL,
			    NULL, *r};
	char sr[PS_REG_IPRANGE_FMT_SIZE], ops[256];
	bool wanted;
	int rc;

	msg_begin(c, h.check);
	rtext(r, sr);
	ps_jw_str(&c->m.w, "seen", h.s0);
	ps_jw_str(&c->m.w, "source", nz(s->source));
	ps_jw_str(&c->m.w, "range", sr);
	en(&c->m, "%s seen in use (%s, source %s) is not wholly covered by filings; uncovered: ",
	   sr, h.s0, nz(s->source));
	zh(&c->m, "在用地址 %s（%s，来源：%s）未被备案完全覆盖，未备案部分：", sr, h.s0,
	   source_zh(s->source));
	list_gaps(c, "uncovered");
	rc = gap_owners(c, ops, sizeof(ops), &wanted);
	if (rc != PS_OK || !wanted)
		return rc;
	h.op = ops;
	ps_jw_str(&c->m.w, "operators", ops);
	if (ops[0] != '\0') {
		en(&c->m, "; allocated to %s", ops);
		zh(&c->m, "；所属分配单位：%s", ops);
	} else {
		en(&c->m, "; in no allocated block");
		zh(&c->m, "；不在任何分配地址段内");
	}
	return finding_add(c, &h);
}

static int check_unreported(struct gy_ctx *c, const struct gy_rng *seen_r)
{
	for (size_t i = 0; i < c->in->n_seen; i++) {
		int rc = idx_query(c, &c->filings, "", &seen_r[i]);

		if (rc == PS_OK)
			rc = subtract(c, &c->filings, &seen_r[i]);
		if (rc == PS_OK && ps_vec_len(&c->gaps) > 0)
			rc = report_unreported(c, &c->in->seen[i], &seen_r[i]);
		if (rc != PS_OK)
			return rc;
	}
	return PS_OK;
}

/* ---- 错报 ---- */

static void mismatch(struct gy_ctx *c, const char *field, const char *filed,
		     const char *observed, const char *source)
{
	ps_jw_obj_open(&c->m.w, NULL);
	ps_jw_str(&c->m.w, "field", field);
	ps_jw_str(&c->m.w, "filed", filed);
	ps_jw_str(&c->m.w, "observed", observed);
	ps_jw_str(&c->m.w, "source", source);
	ps_jw_obj_close(&c->m.w);
}

/* Both non-empty and different. */
static bool contradicts(const char *filed, const char *seen)
{
	return filed != NULL && seen != NULL && *filed != '\0' && *seen != '\0' &&
	       strcmp(filed, seen) != 0;
}

static int report_seen_mismatch(struct gy_ctx *c, const struct gy_ent *fe,
				const struct ps_guyuan_seen *s, const struct gy_rng *sr)
{
	const struct ps_guyuan_filing *f = &c->in->filings[fe->idx];
	const char *fields[3][3] = {
		{"holder", f->holder, s->holder},
		{"use", f->use, s->use},
		{"location", f->location, s->location},
	};
	struct gy_head h = {PS_GUYUAN_MISREPORTED, PS_GUYUAN_SEV_MEDIUM, nz(f->key), nz(s->key),
			    nz(f->operator), {ip_max(fe->r.lo, sr->lo), ip_min(fe->r.hi, sr->hi),
			    sr->v6}};
	char fr[PS_REG_IPRANGE_FMT_SIZE], st[PS_REG_IPRANGE_FMT_SIZE], src[256];
	bool first = true;

	msg_begin(c, h.check);
	rtext(&fe->r, fr);
	rtext(sr, st);
	snprintf(src, sizeof(src), "%s:%s", nz(s->source), h.s1);
	ps_jw_str(&c->m.w, "filing", h.s0);
	ps_jw_str(&c->m.w, "range", fr);
	ps_jw_str(&c->m.w, "seen", h.s1);
	ps_jw_str(&c->m.w, "seen_range", st);
	ps_jw_arr_open(&c->m.w, "fields");
	en(&c->m, "filing %s (%s) differs from what was seen at %s (%s, source %s): ", h.s0, fr,
	   st, h.s1, nz(s->source));
	zh(&c->m, "备案 %s（%s）与在用地址 %s（%s，来源：%s）不符：", h.s0, fr, st, h.s1,
	   source_zh(s->source));
	for (size_t i = 0; i < PS_ARRAY_LEN(fields); i++) {
		if (!contradicts(fields[i][1], fields[i][2]))
			continue;
		en(&c->m, "%s%s filed '%s', seen '%s'", first ? "" : "; ", fields[i][0],
		   fields[i][1], fields[i][2]);
		zh(&c->m, "%s%s备案为“%s”，实际为“%s”", first ? "" : "；", field_zh(fields[i][0]),
		   fields[i][1], fields[i][2]);
		mismatch(c, fields[i][0], fields[i][1], fields[i][2], src);
		first = false;
	}
	ps_jw_arr_close(&c->m.w);
	return finding_add(c, &h);
}

static int check_seen_facts(struct gy_ctx *c, const struct gy_rng *seen_r)
{
	for (size_t i = 0; i < c->in->n_seen; i++) {
		const struct ps_guyuan_seen *s = &c->in->seen[i];
		int rc = idx_query(c, &c->filings, "", &seen_r[i]);

		/* reporting does not query, so c->hits stays as it is */
		for (size_t j = 0; j < ps_vec_len(&c->hits) && rc == PS_OK; j++) {
			const struct gy_ent *fe = &c->filings.e[*PS_VEC_AT(&c->hits, size_t, j)];
			const struct ps_guyuan_filing *f = &c->in->filings[fe->idx];

			if (!op_wanted(c, f->operator))
				continue;
			if (contradicts(f->holder, s->holder) || contradicts(f->use, s->use) ||
			    contradicts(f->location, s->location))
				rc = report_seen_mismatch(c, fe, s, &seen_r[i]);
		}
		if (rc != PS_OK)
			return rc;
	}
	return PS_OK;
}

static int icp_cmp(const void *a, const void *b)
{
	const struct ps_guyuan_icp *const *x = a, *const *y = b;

	return strcmp(nz((*x)->key), nz((*y)->key));
}

static const struct ps_guyuan_icp *icp_find(const struct ps_guyuan_icp **v, size_t n,
					    const char *key)
{
	struct ps_guyuan_icp k = {.key = key};
	const struct ps_guyuan_icp *kp = &k;
	const struct ps_guyuan_icp **hit;

	if (n == 0)
		return NULL;
	hit = bsearch(&kp, v, n, sizeof(*v), icp_cmp);
	return hit != NULL ? *hit : NULL;
}

/* The ICP's address is one of the filing's addresses. */
static bool icp_inside(const struct ps_guyuan_icp *icp, const struct gy_rng *fr)
{
	struct gy_rng a;

	if (rng_from(&icp->addr, &a) != PS_OK || a.v6 != fr->v6)
		return false;
	return ip_cmp(a.lo, fr->lo) >= 0 && ip_cmp(a.hi, fr->hi) <= 0;
}

static int report_icp_mismatch(struct gy_ctx *c, const struct gy_ent *fe,
			       const struct ps_guyuan_icp *icp, bool holder, bool addr)
{
	const struct ps_guyuan_filing *f = &c->in->filings[fe->idx];
	struct gy_head h = {PS_GUYUAN_MISREPORTED, PS_GUYUAN_SEV_MEDIUM, nz(f->key),
			    nz(icp->key), nz(f->operator), fe->r};
	char fr[PS_REG_IPRANGE_FMT_SIZE], ar[PS_REG_IPRANGE_FMT_SIZE] = "", src[256];

	msg_begin(c, h.check);
	rtext(&fe->r, fr);
	if (ps_reg_iprange_fmt(icp->addr.lo, icp->addr.hi, icp->addr.v6, ar, sizeof(ar)) != PS_OK)
		snprintf(ar, sizeof(ar), "?");
	snprintf(src, sizeof(src), "icp:%s", h.s1);
	ps_jw_str(&c->m.w, "filing", h.s0);
	ps_jw_str(&c->m.w, "range", fr);
	ps_jw_str(&c->m.w, "icp", h.s1);
	ps_jw_str(&c->m.w, "domain", nz(icp->domain));
	ps_jw_arr_open(&c->m.w, "fields");
	en(&c->m, "filing %s (%s) contradicts ICP filing %s (%s): ", h.s0, fr, h.s1,
	   nz(icp->domain));
	zh(&c->m, "备案 %s（%s）与ICP备案 %s（%s）不符：", h.s0, fr, h.s1, nz(icp->domain));
	if (holder) {
		en(&c->m, "holder filed '%s', ICP holder '%s'", f->holder, icp->holder);
		zh(&c->m, "使用单位备案为“%s”，ICP主办单位为“%s”", f->holder, icp->holder);
		mismatch(c, "holder", f->holder, icp->holder, src);
	}
	if (addr) {
		en(&c->m, "%sICP address %s is not inside the filing", holder ? "; " : "", ar);
		zh(&c->m, "%sICP接入地址 %s 不在该备案地址段内", holder ? "；" : "", ar);
		mismatch(c, "address", fr, ar, src);
	}
	ps_jw_arr_close(&c->m.w);
	return finding_add(c, &h);
}

static int check_icp_facts(struct gy_ctx *c)
{
	const struct ps_guyuan_icp **v = NULL;
	size_t n = c->in->n_icps;
	int rc = PS_OK;

	if (n > 0) {
		v = ps_calloc(PS_MEM_REGISTRY, n, sizeof(*v));
		if (v == NULL)
			return PS_ENOMEM;
		for (size_t i = 0; i < n; i++)
			v[i] = &c->in->icps[i];
		qsort(v, n, sizeof(*v), icp_cmp);
	}
	for (size_t i = 0; i < c->filings.n && rc == PS_OK; i++) {
		const struct gy_ent *fe = &c->filings.e[i];
		const struct ps_guyuan_filing *f = &c->in->filings[fe->idx];
		const struct ps_guyuan_icp *icp;
		bool holder, addr;

		if (f->icp == NULL || *f->icp == '\0' || !op_wanted(c, f->operator))
			continue;
		icp = icp_find(v, n, f->icp);
		if (icp == NULL)
			continue; /* the store's foreign key forbids it */
		holder = contradicts(f->holder, icp->holder);
		addr = icp->has_addr && !icp_inside(icp, &fe->r);
		if (holder || addr)
			rc = report_icp_mismatch(c, fe, icp, holder, addr);
	}
	ps_free(v);
	return rc;
}

/* ---- the run ---- */

static int finding_cmp(const void *pa, const void *pb)
{
	const struct ps_guyuan_finding *a = pa, *b = pb;
	int c;

	if (a->check != b->check)
		return a->check < b->check ? -1 : 1;
	if (a->r.v6 != b->r.v6)
		return a->r.v6 ? 1 : -1;
	c = memcmp(a->r.lo, b->r.lo, 16);
	if (c == 0)
		c = memcmp(a->r.hi, b->r.hi, 16);
	if (c == 0)
		c = strcmp(a->subject[0], b->subject[0]);
	if (c == 0)
		c = strcmp(nz(a->subject[1]), nz(b->subject[1]));
	return c;
}

static int bad_range(struct gy_ctx *c, const char *what, const char *key)
{
	ps_diag_set(c->d, "%s '%s': malformed range", what, nz(key));
	return PS_EINVAL;
}

static int idx_alloc(struct gy_idx *x, size_t n)
{
	x->n = n;
	x->e = ps_calloc(PS_MEM_REGISTRY, n > 0 ? n : 1, sizeof(*x->e));
	return x->e != NULL ? PS_OK : PS_ENOMEM;
}

static int build(struct gy_ctx *c, struct gy_rng **seen_r)
{
	const struct ps_guyuan_input *in = c->in;

	if (idx_alloc(&c->blocks, in->n_blocks) != PS_OK ||
	    idx_alloc(&c->by_op, in->n_blocks) != PS_OK ||
	    idx_alloc(&c->filings, in->n_filings) != PS_OK)
		return PS_ENOMEM;
	*seen_r = ps_calloc(PS_MEM_REGISTRY, in->n_seen > 0 ? in->n_seen : 1, sizeof(**seen_r));
	if (*seen_r == NULL)
		return PS_ENOMEM;
	for (size_t i = 0; i < in->n_blocks; i++) {
		struct gy_ent *e = &c->blocks.e[i];

		if (rng_from(&in->blocks[i].r, &e->r) != PS_OK)
			return bad_range(c, "ipblock", in->blocks[i].key);
		e->grp = "";
		e->idx = i;
		c->by_op.e[i] = *e;
		c->by_op.e[i].grp = nz(in->blocks[i].operator);
	}
	for (size_t i = 0; i < in->n_filings; i++) {
		c->filings.e[i].grp = "";
		c->filings.e[i].idx = i;
		if (rng_from(&in->filings[i].r, &c->filings.e[i].r) != PS_OK)
			return bad_range(c, "ipfiling", in->filings[i].key);
	}
	for (size_t i = 0; i < in->n_seen; i++)
		if (rng_from(&in->seen[i].r, &(*seen_r)[i]) != PS_OK)
			return bad_range(c, "ipseen", in->seen[i].key);
	for (size_t i = 0; i < in->n_icps; i++) {
		struct gy_rng a;

		if (in->icps[i].has_addr && rng_from(&in->icps[i].addr, &a) != PS_OK)
			return bad_range(c, "icp", in->icps[i].key);
	}
	idx_finish(&c->blocks);
	idx_finish(&c->by_op);
	idx_finish(&c->filings);
	return PS_OK;
}

static int run_checks(struct gy_ctx *c, const struct gy_rng *seen_r)
{
	const bool *on = c->o->check;
	int rc = PS_OK;

	if (on[PS_GUYUAN_OUT_OF_RANGE])
		rc = check_out_of_range(c);
	if (rc == PS_OK && (on[PS_GUYUAN_CONFLICT] || on[PS_GUYUAN_DUPLICATE]))
		rc = check_overlaps(c);
	if (rc == PS_OK && on[PS_GUYUAN_UNREPORTED])
		rc = check_unreported(c, seen_r);
	if (rc == PS_OK && on[PS_GUYUAN_MISREPORTED])
		rc = check_seen_facts(c, seen_r);
	if (rc == PS_OK && on[PS_GUYUAN_MISREPORTED])
		rc = check_icp_facts(c);
	return rc;
}

static void report_init(struct ps_guyuan_report *rep)
{
	memset(rep, 0, sizeof(*rep));
	ps_vec_init_type(&rep->vec, PS_MEM_REGISTRY, struct ps_guyuan_finding,
			 PS_GUYUAN_MAX_FINDINGS);
	ps_arena_init(&rep->arena, PS_MEM_REGISTRY, 64 * 1024, SIZE_MAX);
}

int ps_guyuan_run(const struct ps_guyuan_input *in, const struct ps_guyuan_opts *o,
		  struct ps_guyuan_report *rep, struct ps_diag *d)
{
	struct gy_ctx c = {in, o, rep, d};
	struct gy_rng *seen_r = NULL;
	int rc;

	ps_guyuan_report_release(rep);
	ps_vec_init_type(&c.hits, PS_MEM_REGISTRY, size_t, SIZE_MAX / sizeof(size_t));
	ps_vec_init_type(&c.gaps, PS_MEM_REGISTRY, struct gy_rng,
			 SIZE_MAX / sizeof(struct gy_rng));
	ps_buf_init(&c.m.en, PS_MEM_REGISTRY, MSG_MAX);
	ps_buf_init(&c.m.zh, PS_MEM_REGISTRY, MSG_MAX);
	ps_buf_init(&c.m.js, PS_MEM_REGISTRY, MSG_MAX);
	rc = build(&c, &seen_r);
	if (rc == PS_OK)
		rc = run_checks(&c, seen_r);
	if (rc != PS_OK) {
		if (rc == PS_ENOMEM)
			ps_diag_set(d, "out of memory in the 固源 checks");
		ps_guyuan_report_release(rep);
		goto out;
	}
	rep->n = ps_vec_len(&rep->vec);
	ps_vec_sort(&rep->vec, finding_cmp);
	rep->findings = PS_VEC_DATA(&rep->vec, struct ps_guyuan_finding);
out:
	ps_free(seen_r);
	ps_free(c.blocks.e);
	ps_free(c.by_op.e);
	ps_free(c.filings.e);
	ps_vec_release(&c.hits);
	ps_vec_release(&c.gaps);
	ps_buf_release(&c.m.en);
	ps_buf_release(&c.m.zh);
	ps_buf_release(&c.m.js);
	return rc;
}

void ps_guyuan_report_release(struct ps_guyuan_report *rep)
{
	if (rep->vec.elem_size != 0) {
		ps_vec_release(&rep->vec);
		ps_arena_release(&rep->arena);
	}
	report_init(rep);
}
