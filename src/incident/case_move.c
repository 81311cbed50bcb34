/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Actions on stored incidents: moves through the state machine, assignment
 * to a registry person, notes, met clocks, facts that set the national
 * level, manual verification, and the tick job (automatic verification,
 * accepted-risk expiry, escalation of overdue clocks). Each action is one
 * transaction holding its history row and its audit record.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "core/core.h"
#include "incident/case_int.h"
#include "registry/registry.h"
#include "store/store.h"

static int finish(struct ps_case_ctx *cx, int rc)
{
	if (rc == PS_OK)
		return ps_store_commit(cx->st) == PS_OK ? PS_OK : PS_EDB;
	ps_case_abort(cx);
	return rc;
}

/* facts with "rectify_from" set to `when` (a new string in *out). */
static int facts_restart(const char *facts, int64_t when, char **out)
{
	json_t *o = facts ? json_loads(facts, 0, NULL) : NULL;

	if (o == NULL)
		o = json_object();
	if (o == NULL)
		return PS_ENOMEM;
	json_object_set_new(o, "rectify_from", json_integer(when));
	*out = ps_case_json_dump(o);
	json_decref(o);
	return *out ? PS_OK : PS_ENOMEM;
}

static int write_state(struct ps_case_ctx *cx, const struct ps_case *c, int64_t when)
{
	/* 'n': a time of 0 (never) is stored as NULL */
	return ps_store_run(cx->st, NULL,
			    "UPDATE incidents SET state = ?, state_since = ?, "
			    "rectified_at = ?, handling_ended_at = ?, risk_expiry = ?, "
			    "reopen_count = ?, facts = ?, assignee = ?, updated_at = ? "
			    "WHERE id = ?", "tinnnittii", ps_inc_state_name(c->state),
			    c->state_since, c->rectified_at, c->handling_ended_at,
			    c->risk_expiry, c->reopen_count, c->facts, c->assignee, when,
			    c->id);
}

static int drop_rectify_clock(struct ps_case_ctx *cx, int64_t id)
{
	return ps_store_run(cx->st, NULL, "DELETE FROM incident_clocks WHERE "
			    "incident_id = ? AND kind = 'rectification'", "i", id);
}

int ps_case_move_row(struct ps_case_ctx *cx, struct ps_case *c,
		     enum ps_inc_state to, const struct ps_inc_transition_req *req,
		     struct ps_diag *d)
{
	enum ps_inc_state from = c->state;
	bool reopen = ps_inc_transition_is_reopen(from, to);
	char *nf = NULL;
	int rc;

	if ((rc = ps_inc_transition_check(from, to, req, d)) != PS_OK)
		return rc;
	c->state = to;
	c->state_since = req->when;
	if (to == PS_INC_RECTIFIED)
		c->rectified_at = req->when;
	if (to == PS_INC_IN_PROGRESS && from == PS_INC_RECTIFIED)
		c->rectified_at = 0;
	if ((to == PS_INC_RECTIFIED || to == PS_INC_CLOSED ||
	     to == PS_INC_FALSE_POSITIVE || to == PS_INC_ACCEPTED_RISK) &&
	    c->handling_ended_at == 0)
		c->handling_ended_at = req->when;
	c->risk_expiry = to == PS_INC_ACCEPTED_RISK ? req->expiry : 0;
	if (reopen) {
		c->reopen_count++;
		c->rectified_at = 0;
		c->handling_ended_at = 0;
		if ((rc = facts_restart(c->facts, req->when, &nf)) != PS_OK)
			return rc;
		ps_free(c->facts);
		c->facts = nf;
		if (drop_rectify_clock(cx, c->id) != PS_OK)
			return ps_case_dbfail(cx, "store the incident clocks", d);
	}
	if (write_state(cx, c, req->when) != PS_OK)
		return ps_case_dbfail(cx, "update the incident", d);
	if (to == PS_INC_RECTIFIED &&
	    (rc = ps_case_clock_met_at(cx, c->id, "rectification", req->when, d)) != PS_OK)
		return rc;
	return ps_case_clocks_sync(cx, c, d);
}

/* Move with its history row; inside the caller's transaction. */
static int move_logged(struct ps_case_ctx *cx, struct ps_case *c,
		       enum ps_inc_state to, const struct ps_inc_transition_req *req,
		       const char *action, struct ps_diag *d)
{
	const char *from = ps_inc_state_name(c->state);
	char det[96], *dp = NULL;
	int rc;

	if ((rc = ps_case_move_row(cx, c, to, req, d)) != PS_OK)
		return rc;
	if (to == PS_INC_ACCEPTED_RISK) {
		(void)snprintf(det, sizeof(det), "{\"expiry\":%" PRId64 "}", req->expiry);
		dp = det;
	}
	return ps_case_log(cx, c->id, req->when, action, from,
			   ps_inc_state_name(to), req->why, dp, d);
}

int ps_case_move(struct ps_case_ctx *cx, int64_t id, enum ps_inc_state to,
		 const struct ps_inc_transition_req *req, struct ps_diag *d)
{
	struct ps_case c;
	int rc;

	if ((rc = ps_store_begin(cx->st)) != PS_OK)
		return ps_case_dbfail(cx, "begin", d);
	rc = ps_case_get(cx, id, &c, d);
	if (rc == PS_OK)
		rc = move_logged(cx, &c, to, req,
				 ps_inc_transition_is_reopen(c.state, to) ? "reopen" : "move", d);
	ps_case_release(&c);
	return finish(cx, rc);
}

int ps_case_assign(struct ps_case_ctx *cx, int64_t id, const char *person,
		   int64_t when, const char *why, struct ps_diag *d)
{
	struct ps_inc_transition_req req = {.who = cx->actor, .when = when, .why = why};
	struct ps_reg_record *p = NULL;
	struct ps_case c;
	char det[512];
	json_t *o;
	char *js;
	int rc;

	memset(&c, 0, sizeof(c));
	if (person == NULL || !*person) {
		ps_diag_set(d, "assign: a person key is required");
		return PS_EINVAL;
	}
	rc = ps_reg_get(cx->reg, ps_reg_kind_find("person"), person, &p);
	ps_reg_record_free(p);
	if (rc == PS_ENOENT) {
		ps_diag_set(d, "no person '%s' in the registry", person);
		return PS_ENOENT;
	} else if (rc != PS_OK) {
		return ps_case_dbfail(cx, "read the registry", d);
	}
	if ((rc = ps_store_begin(cx->st)) != PS_OK)
		return ps_case_dbfail(cx, "begin", d);
	rc = ps_case_get(cx, id, &c, d);
	if (rc == PS_OK && c.state != PS_INC_NEW && c.state != PS_INC_TRIAGED &&
	    c.state != PS_INC_ASSIGNED && c.state != PS_INC_IN_PROGRESS) {
		ps_diag_set(d, "cannot assign an incident in state '%s'",
			    ps_inc_state_name(c.state));
		rc = PS_EINVAL;
	}
	o = json_pack("{s:s, s:s?}", "assignee", person, "previous", c.assignee);
	js = o ? ps_case_json_dump(o) : NULL;
	json_decref(o);
	(void)snprintf(det, sizeof(det), "%s", js ? js : "{}");
	ps_free(js);
	ps_free(c.assignee);
	c.assignee = ps_strdup(PS_MEM_CASES, person);
	if (rc == PS_OK && c.assignee == NULL)
		rc = PS_ENOMEM;
	if (rc == PS_OK && c.state == PS_INC_NEW)
		rc = move_logged(cx, &c, PS_INC_TRIAGED, &req, "move", d);
	if (rc == PS_OK && c.state == PS_INC_TRIAGED)
		rc = move_logged(cx, &c, PS_INC_ASSIGNED, &req, "move", d);
	else if (rc == PS_OK && write_state(cx, &c, when) != PS_OK)
		rc = ps_case_dbfail(cx, "update the incident", d);
	if (rc == PS_OK)
		rc = ps_case_log(cx, id, when, "assign", NULL, NULL, why, det, d);
	ps_case_release(&c);
	return finish(cx, rc);
}

int ps_case_note(struct ps_case_ctx *cx, int64_t id, const char *text,
		 int64_t when, struct ps_diag *d)
{
	struct ps_case c;
	int rc;

	if (text == NULL || !*text) {
		ps_diag_set(d, "note: the text is empty");
		return PS_EINVAL;
	}
	if ((rc = ps_store_begin(cx->st)) != PS_OK)
		return ps_case_dbfail(cx, "begin", d);
	rc = ps_case_get(cx, id, &c, d);
	if (rc == PS_OK)
		rc = ps_case_log(cx, id, when, "note", NULL, NULL, text, NULL, d);
	ps_case_release(&c);
	return finish(cx, rc);
}

int ps_case_clock_meet(struct ps_case_ctx *cx, int64_t id,
		       enum ps_inc_clock_kind kind, int64_t when, struct ps_diag *d)
{
	struct ps_case_clocks cs;
	struct ps_case c;
	const struct ps_case_clock *k = NULL;
	char det[160], ref[32];
	int rc;

	if ((rc = ps_store_begin(cx->st)) != PS_OK)
		return ps_case_dbfail(cx, "begin", d);
	rc = ps_case_get(cx, id, &c, d);
	if (rc == PS_OK)
		rc = ps_case_clocks_sync(cx, &c, d);
	if (rc == PS_OK)
		rc = ps_case_clocks_get(cx, &c, when, &cs, d);
	for (size_t i = 0; rc == PS_OK && i < cs.n; i++)
		if (cs.c[i].clock.kind == kind)
			k = &cs.c[i];
	if (rc == PS_OK && k == NULL) {
		ps_case_ref(id, ref, sizeof(ref));
		ps_diag_set(d, "clock '%s' does not apply to %s",
			    ps_inc_clock_kind_name(kind), ref);
		rc = PS_EINVAL;
	} else if (rc == PS_OK && k->met) {
		ps_case_ref(id, ref, sizeof(ref));
		ps_diag_set(d, "clock '%s' of %s is already met",
			    ps_inc_clock_kind_name(kind), ref);
		rc = PS_EEXIST;
	}
	if (rc == PS_OK)
		rc = ps_case_clock_met_at(cx, id, ps_inc_clock_kind_name(kind), when, d);
	if (rc == PS_OK) {
		(void)snprintf(det, sizeof(det),
			       "{\"clock\":\"%s\",\"deadline\":%" PRId64 ",\"late\":%s}",
			       ps_inc_clock_kind_name(kind), k->clock.deadline,
			       when > k->clock.deadline ? "true" : "false");
		rc = ps_case_log(cx, id, when, "clock", NULL, NULL, NULL, det, d);
	}
	ps_case_release(&c);
	return finish(cx, rc);
}

int ps_case_verify(struct ps_case_ctx *cx, int64_t id, const char *evidence,
		   int64_t when, struct ps_diag *d)
{
	struct ps_inc_transition_req req = {.who = cx->actor, .when = when,
					    .why = evidence};
	struct ps_case c;
	int rc;

	if (evidence == NULL || !*evidence) {
		ps_diag_set(d, "verify: evidence is required (what was checked)");
		return PS_EINVAL;
	}
	if ((rc = ps_store_begin(cx->st)) != PS_OK)
		return ps_case_dbfail(cx, "begin", d);
	rc = ps_case_get(cx, id, &c, d);
	if (rc == PS_OK && c.state != PS_INC_RECTIFIED) {
		ps_diag_set(d, "cannot verify an incident in state '%s': only a "
			    "rectified one", ps_inc_state_name(c.state));
		rc = PS_EINVAL;
	}
	if (rc == PS_OK)
		rc = move_logged(cx, &c, PS_INC_VERIFIED, &req, "verify", d);
	ps_case_release(&c);
	return finish(cx, rc);
}
