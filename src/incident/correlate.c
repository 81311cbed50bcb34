/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Correlation: alert events become incidents. Each event gets a grouping
 * key by kind (threat-intel hit: indicator and our host; flood: attacked
 * address; other alerts: rule and our host), its subject address is
 * routed through the registry to asset, unit, department and person, and
 * the incident with that key is opened, grows, or recurs (a rectified one
 * goes back to in progress, a verified or closed one reopens with its
 * history kept). An address of ours that no asset covers opens an
 * unregistered-asset item and, inside the operator's filed blocks, an
 * "ipseen" registry record that the 漏报 check reads.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <jansson.h>

#include "core/core.h"
#include "audit/audit.h"
#include "incident/case_int.h"
#include "intel/ioc.h"
#include "registry/registry.h"
#include "store/store.h"

#define CURSOR_KEY "incident.cursor"
#define HOME_MAX 64
#define ROUTE_CACHE 64

struct range {
	uint8_t lo[16], hi[16];
	bool v6;
};

/* One alert event as read from the store (owned copies). */
struct alert {
	int64_t id, ts;
	int severity;
	char *src, *dest, *details;
};

struct cached_route {
	char ip[64];
	struct ps_reg_route rt;
	bool used;
};

struct corr {
	struct ps_case_ctx *cx;
	struct ps_case_correlate_stats *stats;
	int64_t now;
	struct range home[HOME_MAX];
	size_t nhome;
	struct cached_route cache[ROUTE_CACHE];
	size_t next_slot;
};

/* incident.unregistered_dept must name a registry department. */
static int dept_check(struct ps_case_ctx *cx, struct ps_diag *d)
{
	const char *k = cx->set.unregistered_dept;
	struct ps_reg_record *rec = NULL;
	int rc;

	if (k == NULL || !*k)
		return PS_OK;
	rc = ps_reg_get(cx->reg, ps_reg_kind_find("dept"), k, &rec);
	ps_reg_record_free(rec);
	if (rc == PS_ENOENT) {
		ps_diag_set(d, "incident.unregistered_dept: no department '%s' in the "
			    "registry", k);
		return PS_EINVAL;
	}
	return rc == PS_OK ? PS_OK : ps_case_dbfail(cx, "read the registry", d);
}

static int home_parse(struct corr *k, const char *list, struct ps_diag *d)
{
	char buf[4096], *p, *save = NULL;

	(void)snprintf(buf, sizeof(buf), "%s", list ? list : "");
	for (p = strtok_r(buf, ", ", &save); p; p = strtok_r(NULL, ", ", &save)) {
		struct range *r = &k->home[k->nhome];

		if (k->nhome == HOME_MAX) {
			ps_diag_set(d, "incident.home_net: more than %d ranges", HOME_MAX);
			return PS_ELIMIT;
		}
		if (ps_reg_iprange_parse(p, r->lo, r->hi, &r->v6) != PS_OK) {
			ps_diag_set(d, "incident.home_net: '%s' is not an address range", p);
			return PS_EINVAL;
		}
		k->nhome++;
	}
	return PS_OK;
}

/* Whether a registry table of ranges (ipblocks, ipfilings) covers `key`. */
static bool filed_covers(struct corr *k, const char *table, const char *key)
{
	struct ps_stmt *s = NULL;
	char sql[160];
	bool hit = false;

	(void)snprintf(sql, sizeof(sql), "SELECT 1 FROM %s WHERE \"range_lo\" <= ? "
		       "AND \"range_hi\" >= ? LIMIT 1", table);
	if (ps_store_prepare(k->cx->st, sql, &s) == PS_OK &&
	    ps_store_stmt_bind_text(s, 1, key) == PS_OK &&
	    ps_store_stmt_bind_text(s, 2, key) == PS_OK)
		hit = ps_store_stmt_step(s) == PS_OK;
	ps_store_stmt_finalize(s);
	return hit;
}

/* Where `ip` stands: 0 foreign, 1 in home_net, 2 in the operator's filed
 * address space (address blocks or IP filings). */
static int ours(struct corr *k, const char *ip)
{
	uint8_t lo[16], hi[16];
	char key[PS_REG_SORTKEY_SIZE];
	bool v6;

	if (ip == NULL || ps_reg_iprange_parse(ip, lo, hi, &v6) != PS_OK)
		return 0;
	ps_reg_sortkey(lo, v6, key);
	if (filed_covers(k, "reg_ip_blocks", key) || filed_covers(k, "reg_ip_filings", key))
		return 2;
	for (size_t i = 0; i < k->nhome; i++)
		if (k->home[i].v6 == v6 && memcmp(k->home[i].lo, lo, 16) <= 0 &&
		    memcmp(k->home[i].hi, lo, 16) >= 0)
			return 1;
	return 0;
}

/* The route of `ip` (cached); NULL when it is not a single address. */
static const struct ps_reg_route *route(struct corr *k, const char *ip,
					struct ps_diag *d, int *rc)
{
	struct cached_route *c;

	*rc = PS_OK;
	if (ip == NULL || strlen(ip) >= sizeof(k->cache[0].ip))
		return NULL;
	for (size_t i = 0; i < ROUTE_CACHE; i++)
		if (k->cache[i].used && !strcmp(k->cache[i].ip, ip))
			return &k->cache[i].rt;
	c = &k->cache[k->next_slot];
	k->next_slot = (k->next_slot + 1) % ROUTE_CACHE;
	if (c->used)
		ps_reg_route_release(&c->rt);
	c->used = false;
	memset(&c->rt, 0, sizeof(c->rt));
	*rc = ps_reg_route_ip(k->cx->reg, ip, &c->rt, d);
	if (*rc == PS_EINVAL) {
		ps_reg_route_release(&c->rt);
		*rc = PS_OK;
		return NULL;
	}
	if (*rc != PS_OK) {
		ps_reg_route_release(&c->rt);
		return NULL;
	}
	(void)snprintf(c->ip, sizeof(c->ip), "%s", ip);
	c->used = true;
	return &c->rt;
}

static bool registered(struct corr *k, const char *ip, int *rc, struct ps_diag *d)
{
	const struct ps_reg_route *r = route(k, ip, d, rc);

	return r != NULL && r->registered;
}

/* What correlation reads from an alert's details. */
struct facts {
	const char *kind, *category, *signature, *indicator, *subject, *peer;
	char key[600], indicator_buf[300];
	int severity;
	bool vuln;
};

static bool has_word(const char *s, const char *w)
{
	return s != NULL && strcasestr(s, w) != NULL;
}

/* The kind, grouping key and subject of an alert. */
static int classify(struct corr *k, const struct alert *a, json_t *root,
		    struct facts *f, struct ps_diag *d)
{
	json_t *al = json_object_get(root, "alert");
	json_t *in = json_object_get(root, "intel");
	const char *field = json_string_value(json_object_get(in, "field"));
	enum ps_ioc_category cat;
	int rc = PS_OK;

	memset(f, 0, sizeof(*f));
	f->signature = json_string_value(json_object_get(al, "signature"));
	f->category = json_string_value(json_object_get(in, "category"));
	if (f->category == NULL)
		f->category = json_string_value(json_object_get(al, "category"));
	/* one spelling per category: the intel module's names, which the
	 * reports show in the reader's language */
	if (f->category && ps_ioc_category_parse(f->category, &cat) == PS_OK)
		f->category = ps_ioc_category_name(cat);
	f->severity = (int)json_integer_value(json_object_get(al, "severity"));
	if (f->severity <= 0)
		f->severity = a->severity > 0 ? a->severity : 3;
	f->vuln = json_object_get(root, "vuln") != NULL ||
		  has_word(f->category, "漏洞") || has_word(f->category, "vulnerab") ||
		  has_word(f->signature, "CVE-");
	if (json_is_object(in)) {
		const char *v = json_string_value(json_object_get(in, "indicator"));
		json_int_t pfx = json_integer_value(json_object_get(in, "prefix"));

		f->kind = "intel";
		if (pfx > 0)
			(void)snprintf(f->indicator_buf, sizeof(f->indicator_buf),
				       "%s/%d", v ? v : "", (int)pfx);
		else
			(void)snprintf(f->indicator_buf, sizeof(f->indicator_buf),
				       "%s", v ? v : "");
		f->indicator = f->indicator_buf;
		/* The side that is not the indicator is the host at risk;
		 * a name indicator (DNS, TLS SNI, HTTP host) puts the
		 * client, the flow's source, at risk. */
		if (field && !strcmp(field, "src_ip")) {
			f->subject = a->dest;
			f->peer = a->src;
		} else {
			f->subject = a->src;
			f->peer = a->dest;
		}
		/* An indicator hosted on our own network is ours to take down. */
		if (!registered(k, f->subject, &rc, d) && rc == PS_OK &&
		    !ours(k, f->subject) && f->peer && registered(k, f->peer, &rc, d)) {
			f->subject = f->peer;
			f->peer = a->src == f->subject ? a->dest : a->src;
		}
	} else if (has_word(f->category, "ddos") || has_word(f->category, "flood") ||
		   has_word(f->category, "拒绝服务") || has_word(f->signature, "ddos") ||
		   has_word(f->signature, "flood")) {
		f->kind = "flood";
		f->subject = a->dest;
		f->peer = a->src;
	} else {
		/* Suricata's alert.target (rules with the target keyword)
		 * names the side under attack */
		const char *tip = json_string_value(json_object_get(
			json_object_get(al, "target"), "ip"));

		f->kind = "ids";
		if (tip && a->src && !strcmp(tip, a->src))
			f->subject = a->src;
		else if (tip && a->dest && !strcmp(tip, a->dest))
			f->subject = a->dest;
		else if (registered(k, a->dest, &rc, d) || rc != PS_OK)
			f->subject = a->dest;
		else if (registered(k, a->src, &rc, d) || rc != PS_OK)
			f->subject = a->src;
		else if (ours(k, a->dest) || !ours(k, a->src))
			f->subject = a->dest;
		else
			f->subject = a->src;
		f->peer = f->subject == a->dest ? a->src : a->dest;
	}
	if (!strcmp(f->kind, "intel"))
		(void)snprintf(f->key, sizeof(f->key), "intel|%s|%s", f->indicator,
			       f->subject ? f->subject : "-");
	else if (!strcmp(f->kind, "flood"))
		(void)snprintf(f->key, sizeof(f->key), "flood|%s",
			       f->subject ? f->subject : "-");
	else
		(void)snprintf(f->key, sizeof(f->key), "ids|%" JSON_INTEGER_FORMAT ":%"
			       JSON_INTEGER_FORMAT "|%s",
			       json_integer_value(json_object_get(al, "gid")),
			       json_integer_value(json_object_get(al, "signature_id")),
			       f->subject ? f->subject : "-");
	return rc;
}

static enum ps_inc_severity rectify_severity(int eve)
{
	/* EVE priority 1 is the highest; operational mapping, the days
	 * per severity come from incident.rectification.deadlines */
	return eve <= 1 ? PS_INC_SEV_HIGH : eve == 2 ? PS_INC_SEV_MEDIUM : PS_INC_SEV_LOW;
}

static int insert_incident(struct corr *k, const char *key, const char *kind,
			   const char *title, const char *category, int severity,
			   const char *indicator, const char *ip, const char *peer,
			   const struct ps_reg_route *rt, bool vuln, int64_t ts,
			   int64_t *id)
{
	struct ps_case_ctx *cx = k->cx;
	const char *dept = rt && rt->registered ? rt->dept_key :
		(cx->set.unregistered_dept && *cx->set.unregistered_dept ?
		 cx->set.unregistered_dept : NULL);
	const char *txt[] = {key, kind, title, category, indicator, ip, peer,
			     rt ? rt->asset_key : NULL, rt ? rt->unit_key : NULL,
			     rt ? rt->operator_key : NULL, dept,
			     rt ? rt->person_key : NULL};
	struct ps_stmt *s = NULL;
	int rc, i;

	rc = ps_store_prepare(cx->st,
			      "INSERT INTO incidents (group_key, kind, title, category, "
			      "indicator, asset_ip, peer_ip, asset, unit, operator, "
			      "dept, person, severity, level, state, first_seen, "
			      "last_seen, event_count, vuln, rectify_severity, "
			      "state_since, created_at, updated_at) VALUES (?, ?, ?, ?, "
			      "?, ?, ?, ?, ?, ?, ?, ?, ?, 'none', 'new', ?, ?, 0, ?, ?, "
			      "?, ?, ?) RETURNING id", &s);
	for (i = 0; rc == PS_OK && i < (int)PS_ARRAY_LEN(txt); i++)
		rc = ps_store_stmt_bind_text(s, i + 1, txt[i]);
	if (rc == PS_OK)
		rc = ps_store_stmt_bind_int64(s, 13, severity);
	if (rc == PS_OK)
		rc = ps_store_stmt_bind_int64(s, 14, ts);
	if (rc == PS_OK)
		rc = ps_store_stmt_bind_int64(s, 15, ts);
	if (rc == PS_OK)
		rc = ps_store_stmt_bind_int64(s, 16, vuln);
	if (rc == PS_OK)
		rc = ps_store_stmt_bind_text(s, 17,
					     ps_inc_severity_name(rectify_severity(severity)));
	for (i = 18; rc == PS_OK && i <= 20; i++)
		rc = ps_store_stmt_bind_int64(s, i, k->now);
	if (rc == PS_OK)
		rc = ps_store_stmt_step(s);
	if (rc == PS_OK)
		*id = ps_store_stmt_column_int64(s, 0);
	ps_store_stmt_finalize(s);
	return rc;
}

/* Open incident `id` just inserted: clocks and the "open" record. */
static int opened(struct corr *k, int64_t id, const char *key, bool routed,
		  int64_t event_id, struct ps_diag *d)
{
	struct ps_case c;
	json_t *o;
	char *js;
	int rc;

	if ((rc = ps_case_get(k->cx, id, &c, d)) == PS_OK)
		rc = ps_case_clocks_sync(k->cx, &c, d);
	ps_case_release(&c);
	if (rc != PS_OK)
		return rc;
	o = json_pack("{s:s, s:b, s:I}", "group_key", key, "routed", routed,
		      "first_event", (json_int_t)event_id);
	js = o ? ps_case_json_dump(o) : NULL;
	json_decref(o);
	if (js == NULL)
		return PS_ENOMEM;
	rc = ps_case_log(k->cx, id, k->now, "open", NULL, "new", NULL, js, d);
	ps_free(js);
	return rc;
}

/* Count one more sighting of incident `id` at `ts`. */
static int grow(struct corr *k, int64_t id, int64_t ts, int severity)
{
	struct ps_stmt *s = NULL;
	int rc;

	rc = ps_store_prepare(k->cx->st,
			      "UPDATE incidents SET event_count = event_count + 1, "
			      "first_seen = CASE WHEN first_seen > ? THEN ? ELSE "
			      "first_seen END, last_seen = CASE WHEN last_seen < ? "
			      "THEN ? ELSE last_seen END, severity = CASE WHEN "
			      "severity > ? THEN ? ELSE severity END, updated_at = ? "
			      "WHERE id = ?", &s);
	for (int i = 1; rc == PS_OK && i <= 4; i++)
		rc = ps_store_stmt_bind_int64(s, i, ts);
	if (rc == PS_OK)
		rc = ps_store_stmt_bind_int64(s, 5, severity);
	if (rc == PS_OK)
		rc = ps_store_stmt_bind_int64(s, 6, severity);
	if (rc == PS_OK)
		rc = ps_store_stmt_bind_int64(s, 7, k->now);
	if (rc == PS_OK)
		rc = ps_store_stmt_bind_int64(s, 8, id);
	if (rc == PS_OK && (rc = ps_store_stmt_step(s)) == PS_EOF)
		rc = PS_OK;
	ps_store_stmt_finalize(s);
	return rc;
}

static int link_event(struct corr *k, int64_t id, const struct alert *a,
		      const char *category, int severity)
{
	struct ps_stmt *s = NULL;
	int rc;

	rc = ps_store_prepare(k->cx->st,
			      "INSERT INTO incident_events (incident_id, event_id, ts, "
			      "category, severity) VALUES (?, ?, ?, ?, ?) "
			      "ON CONFLICT (event_id) DO NOTHING", &s);
	if (rc == PS_OK)
		rc = ps_store_stmt_bind_int64(s, 1, id);
	if (rc == PS_OK)
		rc = ps_store_stmt_bind_int64(s, 2, a->id);
	if (rc == PS_OK)
		rc = ps_store_stmt_bind_int64(s, 3, a->ts);
	if (rc == PS_OK)
		rc = ps_store_stmt_bind_text(s, 4, category);
	if (rc == PS_OK)
		rc = ps_store_stmt_bind_int64(s, 5, severity);
	if (rc == PS_OK && (rc = ps_store_stmt_step(s)) == PS_EOF)
		rc = PS_OK;
	ps_store_stmt_finalize(s);
	return rc;
}

static int find(struct corr *k, const char *key, int64_t *id)
{
	struct ps_stmt *s = NULL;
	int rc;

	*id = 0;
	rc = ps_store_prepare(k->cx->st, "SELECT id FROM incidents WHERE group_key = ?", &s);
	if (rc == PS_OK)
		rc = ps_store_stmt_bind_text(s, 1, key);
	if (rc == PS_OK && (rc = ps_store_stmt_step(s)) == PS_OK)
		*id = ps_store_stmt_column_int64(s, 0);
	ps_store_stmt_finalize(s);
	return rc == PS_EOF ? PS_OK : rc;
}

/* Evidence at `ts` for an existing incident: rectified ones fail their
 * verification, verified and closed ones reopen; false positives and
 * accepted risks only count. */
static int recur(struct corr *k, int64_t id, const struct alert *a, struct ps_diag *d)
{
	struct ps_inc_transition_req req = {.who = "system", .when = k->now};
	char why[160], at[PS_TIME_FMT_SIZE], det[64];
	enum ps_inc_state to;
	const char *from;
	struct ps_case c;
	int rc;

	if ((rc = ps_case_get(k->cx, id, &c, d)) != PS_OK)
		return rc;
	from = ps_inc_state_name(c.state);
	if (c.state == PS_INC_RECTIFIED && a->ts > c.rectified_at)
		to = PS_INC_IN_PROGRESS;
	else if ((c.state == PS_INC_VERIFIED || c.state == PS_INC_CLOSED) &&
		 a->ts > c.state_since)
		to = PS_INC_TRIAGED;
	else
		goto out;
	if (ps_time_fmt_iso8601(a->ts, PS_TZ_SHANGHAI, 0, at, sizeof(at)) != PS_OK)
		at[0] = '\0';
	(void)snprintf(why, sizeof(why), "%s: evidence recurred at %s",
		       to == PS_INC_IN_PROGRESS ? "verification failed" : "recurrence", at);
	(void)snprintf(det, sizeof(det), "{\"event\":%" PRId64 "}", a->id);
	req.why = why;
	rc = ps_case_move_row(k->cx, &c, to, &req, d);
	if (rc == PS_OK)
		rc = ps_case_log(k->cx, id, k->now, to == PS_INC_TRIAGED ? "reopen" : "move",
				 from, ps_inc_state_name(to), why, det, d);
	if (rc == PS_OK)
		k->stats->reopened++;
out:
	ps_case_release(&c);
	return rc;
}

/* An address of ours that no asset covers: its item, and the ipseen
 * record the 漏报 check reads when it lies in filed address space. */
static int unregistered(struct corr *k, const char *ip, int where,
			const struct alert *a, struct ps_diag *d)
{
	char key[96], title[160], date[PS_DATE_FMT_SIZE];
	struct ps_reg_record *rec = NULL;
	struct ps_date day;
	int64_t id;
	bool ins;
	int rc;

	(void)snprintf(key, sizeof(key), "unregistered|%s", ip);
	if ((rc = find(k, key, &id)) != PS_OK)
		return ps_case_dbfail(k->cx, "find the incident", d);
	if (id == 0) {
		(void)snprintf(title, sizeof(title), "流量中出现未登记资产的地址 %s", ip);
		rc = insert_incident(k, key, "unregistered_asset", title, "未登记资产", 3,
				     NULL, ip, NULL, NULL, false, a->ts, &id);
		if (rc != PS_OK)
			return ps_case_dbfail(k->cx, "open the incident", d);
		if ((rc = opened(k, id, key, false, a->id, d)) != PS_OK)
			return rc;
		k->stats->unregistered++;
		if (where == 2 && ps_date_from_time_us(a->ts, PS_TZ_SHANGHAI, &day) == PS_OK &&
		    ps_date_fmt(day, date, sizeof(date)) == PS_OK) {
			rec = ps_reg_record_new(ps_reg_kind_find("ipseen"));
			(void)snprintf(key, sizeof(key), "O-FLOW-%s", ip);
			rc = rec == NULL ? PS_ENOMEM : ps_reg_record_set(rec, "key", key);
			if (rc == PS_OK)
				rc = ps_reg_record_set(rec, "address", ip);
			if (rc == PS_OK)
				rc = ps_reg_record_set(rec, "source", "flow");
			if (rc == PS_OK)
				rc = ps_reg_record_set(rec, "seen_date", date);
			if (rc == PS_OK)
				rc = ps_reg_upsert(k->cx->reg, rec, &ins, d);
			ps_reg_record_free(rec);
			if (rc != PS_OK)
				return rc;
		}
	}
	return grow(k, id, a->ts, 3) == PS_OK ? PS_OK :
		ps_case_dbfail(k->cx, "update the incident", d);
}

static int one(struct corr *k, const struct alert *a, struct ps_diag *d)
{
	const struct ps_reg_route *rt;
	struct facts f;
	json_t *root;
	int64_t id;
	int rc, where;
	bool isnew = false;

	root = a->details ? json_loads(a->details, 0, NULL) : NULL;
	if (root == NULL)
		root = json_object();
	if (root == NULL)
		return PS_ENOMEM;
	if ((rc = classify(k, a, root, &f, d)) != PS_OK)
		goto out;
	rt = route(k, f.subject, d, &rc);
	if (rc != PS_OK)
		goto out;
	if ((rc = find(k, f.key, &id)) != PS_OK) {
		rc = ps_case_dbfail(k->cx, "find the incident", d);
		goto out;
	}
	if (id == 0) {
		rc = insert_incident(k, f.key, f.kind,
				     f.signature ? f.signature : f.key, f.category,
				     f.severity, f.indicator, f.subject, f.peer, rt,
				     f.vuln, a->ts, &id);
		if (rc != PS_OK) {
			rc = ps_case_dbfail(k->cx, "open the incident", d);
			goto out;
		}
		isnew = true;
		rc = opened(k, id, f.key, rt && rt->registered, a->id, d);
		k->stats->opened++;
	} else {
		rc = recur(k, id, a, d);
		k->stats->updated++;
	}
	if (rc == PS_OK && (grow(k, id, a->ts, f.severity) != PS_OK ||
			    link_event(k, id, a, f.category, f.severity) != PS_OK))
		rc = ps_case_dbfail(k->cx, "record the evidence", d);
	if (rc == PS_OK && isnew && !(rt && rt->registered) &&
	    (where = ours(k, f.subject)) > 0)
		rc = unregistered(k, f.subject, where, a, d);
out:
	json_decref(root);
	return rc;
}

static void alerts_free(struct ps_vec *v)
{
	for (size_t i = 0; i < v->len; i++) {
		struct alert *a = ps_vec_get(v, i);

		ps_free(a->src);
		ps_free(a->dest);
		ps_free(a->details);
	}
	ps_vec_clear(v);
}

static char *dup_or_null(const char *s)
{
	return s && *s ? ps_strdup(PS_MEM_CASES, s) : NULL;
}

/* The next batch of alerts after `cursor` into `v`. */
static int batch_read(struct corr *k, int64_t cursor, struct ps_vec *v,
		      struct ps_diag *d)
{
	struct ps_stmt *s = NULL;
	int rc;

	rc = ps_store_prepare(k->cx->st,
			      "SELECT id, ts, severity, src_ip, dest_ip, details FROM "
			      "events WHERE id > ? AND event_type = 'alert' ORDER BY "
			      "id LIMIT ?", &s);
	if (rc == PS_OK)
		rc = ps_store_stmt_bind_int64(s, 1, cursor);
	if (rc == PS_OK)
		rc = ps_store_stmt_bind_int64(s, 2, k->cx->set.batch > 0 ?
					      k->cx->set.batch : 1000);
	while (rc == PS_OK && (rc = ps_store_stmt_step(s)) == PS_OK) {
		struct alert *a = ps_vec_push_slot(v);

		if (a == NULL) {
			rc = PS_ENOMEM;
			break;
		}
		a->id = ps_store_stmt_column_int64(s, 0);
		a->ts = ps_store_stmt_column_int64(s, 1);
		a->severity = (int)ps_store_stmt_column_int64(s, 2);
		a->src = dup_or_null(ps_store_stmt_column_text(s, 3));
		a->dest = dup_or_null(ps_store_stmt_column_text(s, 4));
		a->details = dup_or_null(ps_store_stmt_column_text(s, 5));
	}
	ps_store_stmt_finalize(s);
	if (rc == PS_EOF)
		return PS_OK;
	return rc == PS_ENOMEM ? rc : ps_case_dbfail(k->cx, "read events", d);
}

static int cursor_get(struct ps_case_ctx *cx, int64_t *cursor)
{
	char *v = NULL;
	int rc = ps_store_meta_get(cx->st, CURSOR_KEY, &v);

	*cursor = 0;
	if (rc == PS_OK)
		*cursor = strtoll(v, NULL, 10);
	ps_free(v);
	return rc == PS_ENOENT ? PS_OK : rc;
}

static int batch_log(struct corr *k, int64_t from, int64_t to, int64_t n,
		     const struct ps_case_correlate_stats *before, struct ps_diag *d)
{
	const struct ps_case_correlate_stats *s = k->stats;
	char obj[80], det[256];

	if (k->cx->audit == NULL)
		return PS_OK;
	(void)snprintf(obj, sizeof(obj), "events:%" PRId64 "-%" PRId64, from, to);
	(void)snprintf(det, sizeof(det),
		       "{\"events\":%" PRId64 ",\"opened\":%" PRId64 ",\"updated\":%"
		       PRId64 ",\"reopened\":%" PRId64 ",\"unregistered\":%" PRId64 "}",
		       n, s->opened - before->opened, s->updated - before->updated,
		       s->reopened - before->reopened,
		       s->unregistered - before->unregistered);
	return ps_audit_append(k->cx->audit, k->now, k->cx->actor ? k->cx->actor : "system",
			       "incident.correlate", obj, det, NULL, d);
}

static int run_batch(struct corr *k, struct ps_vec *v, int64_t *cursor,
		     struct ps_diag *d)
{
	struct ps_case_correlate_stats before = *k->stats;
	const struct alert *last;
	char val[32];
	int rc;

	if ((rc = ps_store_begin(k->cx->st)) != PS_OK)
		return ps_case_dbfail(k->cx, "begin", d);
	for (size_t i = 0; rc == PS_OK && i < v->len; i++)
		rc = one(k, ps_vec_get(v, i), d);
	last = ps_vec_get(v, v->len - 1);
	(void)snprintf(val, sizeof(val), "%" PRId64, last->id);
	if (rc == PS_OK && ps_store_meta_set(k->cx->st, CURSOR_KEY, val) != PS_OK)
		rc = ps_case_dbfail(k->cx, "store the correlation cursor", d);
	if (rc == PS_OK)
		rc = batch_log(k, ((const struct alert *)ps_vec_get(v, 0))->id, last->id,
			       (int64_t)v->len, &before, d);
	if (rc == PS_OK && ps_store_commit(k->cx->st) != PS_OK)
		rc = ps_case_dbfail(k->cx, "commit", d);
	if (rc != PS_OK) {
		ps_case_abort(k->cx);
		*k->stats = before;
		return rc;
	}
	k->stats->events += (int64_t)v->len;
	*cursor = last->id;
	return PS_OK;
}

static int set_owner(struct corr *k, int64_t id, const struct ps_reg_route *rt)
{
	const char *v[] = {rt->asset_key, rt->unit_key, rt->operator_key, rt->dept_key,
			   rt->person_key};
	struct ps_stmt *s = NULL;
	int rc;

	rc = ps_store_prepare(k->cx->st, "UPDATE incidents SET asset = ?, unit = ?, "
			      "operator = ?, dept = ?, person = ?, updated_at = ? "
			      "WHERE id = ?", &s);
	for (int i = 0; rc == PS_OK && i < 5; i++)
		rc = ps_store_stmt_bind_text(s, i + 1, v[i]);
	if (rc == PS_OK)
		rc = ps_store_stmt_bind_int64(s, 6, k->now);
	if (rc == PS_OK)
		rc = ps_store_stmt_bind_int64(s, 7, id);
	if (rc == PS_OK && (rc = ps_store_stmt_step(s)) == PS_EOF)
		rc = PS_OK;
	ps_store_stmt_finalize(s);
	return rc;
}

/* Open incidents without an owner whose address an asset now covers (the
 * registry learnt it since) get their owners, with a "route" record. */
static int reroute(struct corr *k, struct ps_diag *d)
{
	struct ps_stmt *s = NULL;
	struct ps_vec ids;
	int rc;

	ps_vec_init(&ids, PS_MEM_CASES, sizeof(struct alert), SIZE_MAX);
	rc = ps_store_prepare(k->cx->st, "SELECT id, asset_ip FROM incidents WHERE "
			      "unit IS NULL AND asset_ip IS NOT NULL AND kind <> "
			      "'unregistered_asset' AND state NOT IN ('closed', "
			      "'verified', 'false_positive') ORDER BY id", &s);
	while (rc == PS_OK && (rc = ps_store_stmt_step(s)) == PS_OK) {
		struct alert *a = ps_vec_push_slot(&ids);

		if (a == NULL || !(a->src = dup_or_null(ps_store_stmt_column_text(s, 1)))) {
			rc = PS_ENOMEM;
			break;
		}
		a->id = ps_store_stmt_column_int64(s, 0);
	}
	ps_store_stmt_finalize(s);
	if (rc == PS_EOF)
		rc = PS_OK;
	else if (rc == PS_EDB)
		rc = ps_case_dbfail(k->cx, "select incidents", d);
	if (rc == PS_OK && ids.len > 0 && (rc = ps_store_begin(k->cx->st)) != PS_OK)
		rc = ps_case_dbfail(k->cx, "begin", d);
	for (size_t i = 0; rc == PS_OK && i < ids.len; i++) {
		const struct alert *a = ps_vec_get(&ids, i);
		const struct ps_reg_route *rt = route(k, a->src, d, &rc);
		char det[400];

		if (rc != PS_OK || rt == NULL || !rt->registered)
			continue;
		if (set_owner(k, a->id, rt) != PS_OK) {
			rc = ps_case_dbfail(k->cx, "update the incident", d);
			break;
		}
		(void)snprintf(det, sizeof(det), "{\"asset\":\"%s\",\"unit\":\"%s\"}",
			       rt->asset_key ? rt->asset_key : "",
			       rt->unit_key ? rt->unit_key : "");
		rc = ps_case_log(k->cx, a->id, k->now, "route", NULL, NULL,
				 "the registry now covers the address", det, d);
		if (rc == PS_OK)
			k->stats->rerouted++;
	}
	if (ids.len > 0 && rc == PS_OK && ps_store_commit(k->cx->st) != PS_OK)
		rc = ps_case_dbfail(k->cx, "commit", d);
	else if (ids.len > 0 && rc != PS_OK)
		ps_case_abort(k->cx);
	alerts_free(&ids);
	ps_vec_release(&ids);
	return rc;
}

int ps_case_correlate(struct ps_case_ctx *cx, int64_t now,
		      struct ps_case_correlate_stats *stats, struct ps_diag *d)
{
	struct corr *k;
	struct ps_vec v;
	int64_t cursor;
	int rc;

	memset(stats, 0, sizeof(*stats));
	k = ps_calloc(PS_MEM_CASES, 1, sizeof(*k));
	if (k == NULL)
		return PS_ENOMEM;
	k->cx = cx;
	k->stats = stats;
	k->now = now;
	ps_vec_init(&v, PS_MEM_CASES, sizeof(struct alert), SIZE_MAX);
	rc = home_parse(k, cx->set.home_net, d);
	if (rc == PS_OK)
		rc = dept_check(cx, d);
	if (rc == PS_OK)
		rc = reroute(k, d);
	if (rc == PS_OK && (rc = cursor_get(cx, &cursor)) != PS_OK)
		rc = ps_case_dbfail(cx, "read the correlation cursor", d);
	while (rc == PS_OK) {
		alerts_free(&v);
		if ((rc = batch_read(k, cursor, &v, d)) != PS_OK || v.len == 0)
			break;
		rc = run_batch(k, &v, &cursor, d);
	}
	alerts_free(&v);
	ps_vec_release(&v);
	for (size_t i = 0; i < ROUTE_CACHE; i++)
		if (k->cache[i].used)
			ps_reg_route_release(&k->cache[i].rt);
	ps_free(k);
	return rc;
}
