/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Threat-intelligence matching in the workers: flow endpoints when a flow
 * begins, and every value a parser observes (DNS names and answers, HTTP
 * host and URL, SNI, JA3/JA4, file digests), against the current
 * generation; one "alert" event per flow and indicator.
 */
#include <arpa/inet.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "engine/engine_int.h"
#include "intel/gen.h"

#define INTEL_IDS 16           /* matches looked at per value */
#define INTEL_GID 9001         /* alert.gid of intelligence hits */

/* Change over to the holder's current generation if there is a new one. */
void ps_engine_intel_refresh(struct worker *w)
{
	struct ps_intel_holder *h = w->e->cfg.intel;
	uint64_t n;

	if (!h || ps_intel_holder_number(h) == w->intel_number)
		return;
	ps_intel_gen_unref(w->intel);
	w->intel = ps_intel_holder_acquire(h, &n);
	w->intel_number = n;
	if (!w->intel_miss4)
		w->intel_miss4 = ps_calloc(PS_MEM_INTEL, ENGINE_INTEL_MISS4,
					   sizeof(*w->intel_miss4));
	else   /* what missed before may be listed now */
		memset(w->intel_miss4, 0,
		       ENGINE_INTEL_MISS4 * sizeof(*w->intel_miss4));
}

void ps_engine_intel_release(struct worker *w)
{
	ps_free(w->intel_miss4);
	w->intel_miss4 = NULL;
	ps_intel_gen_unref(w->intel);
	w->intel = NULL;
	w->intel_number = 0;
}

/* Suricata's alert severity: 1 high ... 4 informational. */
static unsigned eve_severity(unsigned sev)
{
	return sev >= 4 ? 1 : sev == 3 ? 2 : sev == 2 ? 3 : 4;
}

/* Already alerted in this flow for indicator idx? Remember it if not. */
static bool seen(struct flow_app *a, uint32_t idx)
{
	unsigned i;

	for (i = 0; i < a->nalerted && i < ENGINE_FLOW_ALERTS; i++)
		if (a->alerted[i] == idx)
			return true;
	if (a->nalerted < ENGINE_FLOW_ALERTS)
		a->alerted[a->nalerted] = idx;
	if (a->nalerted < UINT8_MAX)
		a->nalerted++;
	return false;
}

/* Write an alert now (or from the queue, once the event it was raised in
 * has ended). */
void ps_engine_intel_write(struct worker *w, const struct pending_event *p)
{
	const struct ps_intel_meta *m = p->meta;
	struct ps_proto_ctx ec = p->c;
	const char *cat = ps_ioc_category_name((enum ps_ioc_category)m->category);
	const char *type = ps_ioc_type_name((enum ps_ioc_type)m->type);
	char sig[PS_IOC_VALUE_MAX + 160];
	struct ps_jw *jw;

	if (m->prefix)
		(void)snprintf(sig, sizeof(sig), "PANSHI INTEL %s %s %s/%u (%s)",
			       cat, type, m->value, (unsigned)m->prefix,
			       m->source);
	else
		(void)snprintf(sig, sizeof(sig), "PANSHI INTEL %s %s %s (%s)",
			       cat, type, m->value, m->source);
	w->intel_alerts++;
	jw = ps_proto_event_begin(&ec, "alert");
	ps_jw_obj_open(jw, "alert");
	ps_jw_str(jw, "action", "allowed");
	ps_jw_uint(jw, "gid", INTEL_GID);
	ps_jw_int(jw, "signature_id", m->id);
	ps_jw_uint(jw, "rev", 1);
	ps_jw_str(jw, "signature", sig);
	ps_jw_str(jw, "category", cat);
	ps_jw_uint(jw, "severity", eve_severity(m->severity));
	ps_jw_obj_close(jw);
	ps_jw_obj_open(jw, "intel");
	ps_jw_int(jw, "indicator_id", m->id);
	ps_jw_str(jw, "indicator", m->value);
	if (m->prefix)
		ps_jw_uint(jw, "prefix", m->prefix);
	ps_jw_str(jw, "type", type);
	ps_jw_str(jw, "category", cat);
	ps_jw_uint(jw, "severity", m->severity);
	ps_jw_uint(jw, "confidence", m->confidence);
	ps_jw_str(jw, "source", m->source);
	if (m->family)
		ps_jw_str(jw, "family", m->family);
	ps_jw_str(jw, "tlp", ps_tlp_name((enum ps_tlp)m->tlp));
	ps_jw_str(jw, "field", p->field);
	ps_jw_strn(jw, "value", p->value, p->vlen);
	ps_jw_obj_close(jw);
	ps_proto_event_end(&ec);
}

static void hits(struct worker *w, struct flow_app *a,
		 const struct ps_proto_ctx *c, const uint32_t *ids, size_t n,
		 const char *field, const char *value, size_t vlen)
{
	const struct ps_intel_meta *m;
	struct pending_event p;
	size_t i;

	if (n > INTEL_IDS)
		n = INTEL_IDS;
	for (i = 0; i < n; i++) {
		w->intel_hits++;
		if (seen(a, ids[i]) || !(m = ps_intel_gen_meta(w->intel, ids[i])))
			continue;
		memset(&p, 0, offsetof(struct pending_event, value));
		p.kind = PENDING_ALERT;
		p.c = *c;
		p.meta = m;
		p.field = field;
		p.vlen = (uint16_t)(vlen < sizeof(p.value) ? vlen :
				    sizeof(p.value));
		memcpy(p.value, value, p.vlen);
		if (w->in_event)
			(void)ps_engine_defer(w, &p);
		else
			ps_engine_intel_write(w, &p);
	}
}

/* An address's matches; an IPv4 address that matched nothing is
 * remembered, since most new flows share one side with an earlier one. */
static size_t match_addr(struct worker *w, const struct ps_addr *a,
			 enum ps_af af, uint32_t *ids)
{
	uint64_t key, *slot = NULL;
	uint32_t v4;
	size_t n;

	if (af == PS_AF_INET && w->intel_miss4) {
		memcpy(&v4, a->b, 4);
		key = UINT64_C(1) << 32 | v4;
		slot = &w->intel_miss4[(uint32_t)(v4 * 2654435761u) >>
				       (32 - ENGINE_INTEL_MISS4_BITS)];
		if (*slot == key)
			return 0;
	}
	n = ps_intel_table_match_ip(w->intel->table, a, af, ids, INTEL_IDS);
	if (!n && slot)
		*slot = key;
	return n;
}

/* A flow's first packet: its two addresses. */
void ps_engine_intel_flow(struct worker *w, struct ps_flow *f)
{
	struct ps_proto_flow meta;
	struct ps_proto_ctx c;
	struct flow_app *a;
	uint32_t ids[INTEL_IDS];
	char text[PS_ADDR_STRLEN];
	size_t n;
	int side;

	for (side = 0; side < 2; side++) {
		const struct ps_addr *addr = side ? &f->srv : &f->cli;

		n = match_addr(w, addr, (enum ps_af)f->family, ids);
		if (!n)
			continue;
		a = f->app ? f->app : ps_engine_app_get(w, f);
		if (!a)
			return;
		ps_engine_flow_meta(&meta, f, false);
		memset(&c, 0, sizeof(c));
		c.flow = &meta;
		c.ts_us = w->now_us;
		c.alproto = (enum ps_alproto)a->alproto;
		c.sink = &w->sink;
		ps_addr_fmt(addr, f->family, text);
		hits(w, a, &c, ids, n, side ? "dest_ip" : "src_ip", text,
		     strlen(text));
	}
}

/* A name (DNS, Host, SNI): a domain, or an address written as one. */
static size_t match_name(const struct ps_intel_table *t, const char *p,
			 size_t n, uint32_t *ids)
{
	char buf[PS_ADDR_STRLEN];
	struct ps_addr a;

	if (n && n < sizeof(buf) && ((p[0] >= '0' && p[0] <= '9') ||
				     memchr(p, ':', n))) {
		memcpy(buf, p, n);
		buf[n] = '\0';
		memset(&a, 0, sizeof(a));
		if (inet_pton(AF_INET, buf, a.b) == 1)
			return ps_intel_table_match_ip(t, &a, PS_AF_INET, ids,
						       INTEL_IDS);
		if (inet_pton(AF_INET6, buf, a.b) == 1)
			return ps_intel_table_match_ip(t, &a, PS_AF_INET6,
						       ids, INTEL_IDS);
	}
	return ps_intel_table_match_domain(t, p, n, ids, INTEL_IDS);
}

/* The sink's observe(): a value a parser saw. */
void ps_engine_intel_observe(struct worker *w, const struct ps_proto_ctx *c,
			     enum ps_obs k, const void *p, size_t n)
{
	const struct ps_intel_table *t;
	struct ps_ioc_norm *norm = &w->intel_norm;
	struct flow_app *a;
	uint32_t ids[INTEL_IDS];
	char text[2 * 32 + 1], atext[PS_ADDR_STRLEN];
	const char *v = p;
	size_t vlen = n, m = 0;
	struct ps_addr addr;

	if (!w->intel || !c->engine)
		return;
	t = w->intel->table;
	switch (k) {
	case PS_OBS_DNS_QUERY:
	case PS_OBS_DNS_ANSWER_NAME:
	case PS_OBS_HTTP_HOST:
	case PS_OBS_TLS_SNI:
		m = match_name(t, p, n, ids);
		break;
	case PS_OBS_DNS_ANSWER_ADDR:
		if (n != 4 && n != 16)
			return;
		memset(&addr, 0, sizeof(addr));
		memcpy(addr.b, p, n);
		m = match_addr(w, &addr, n == 4 ? PS_AF_INET : PS_AF_INET6,
			       ids);
		if (m) {
			v = ps_addr_fmt(&addr, n == 4 ? PS_AF_INET :
					PS_AF_INET6, atext);
			vlen = strlen(v);
		}
		break;
	case PS_OBS_HTTP_URL:
		if (ps_ioc_normalize(PS_IOC_URL, p, n, norm, NULL) != PS_OK ||
		    norm->type != PS_IOC_URL)
			return;
		m = ps_intel_table_match_url(t, norm->value, norm->len, ids,
					     INTEL_IDS);
		v = norm->value;
		vlen = norm->len;
		break;
	case PS_OBS_TLS_JA4:
		m = ps_intel_table_match_hash(t, PS_IOC_JA4, p, n, ids,
					      INTEL_IDS);
		break;
	case PS_OBS_TLS_JA3:
	case PS_OBS_FILE_MD5:
	case PS_OBS_FILE_SHA1:
	case PS_OBS_FILE_SHA256:
		if (n > 32)
			return;
		m = ps_intel_table_match_digest(t,
			k == PS_OBS_TLS_JA3 ? PS_IOC_JA3 :
			k == PS_OBS_FILE_MD5 ? PS_IOC_MD5 :
			k == PS_OBS_FILE_SHA1 ? PS_IOC_SHA1 : PS_IOC_SHA256,
			p, n, ids, INTEL_IDS);
		if (m && ps_hex_encode(p, n, text, sizeof(text)) == PS_OK) {
			vlen = 2 * n;
			v = text;
		}
		break;
	default:
		return;
	}
	if (!m)
		return;
	a = (struct flow_app *)(void *)((char *)c->flow -
					offsetof(struct flow_app, meta));
	hits(w, a, c, ids, m, ps_obs_field(k), v, vlen);
}
