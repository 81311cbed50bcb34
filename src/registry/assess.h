/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Assessment runs: score an answer sheet against a checklist framework
 * for one registry record and store, in one transaction, the assessment
 * and one rectification item per failed or partly met requirement; then
 * track the items to closure. Built on framework.h (pure) and the
 * registry's CRUD.
 *
 * Threads: as struct ps_registry (one thread at a time).
 */
#ifndef PS_REGISTRY_ASSESS_H
#define PS_REGISTRY_ASSESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/timeutil.h"
#include "registry/framework.h"
#include "registry/registry.h"

/* The assessed record and what decides applicability. */
struct ps_assess_target {
	struct ps_fw_target fw; /* fw.type and fw.label point into this struct:
				   copy it with ps_assess_target_copy() */
	const char *kind;       /* "unit", "iie", "iov", "operator" (static) */
	char key[130];
	char type[64];
	char label[160];        /* "unit 'U-1'" */
};

void ps_assess_target_copy(struct ps_assess_target *dst,
			   const struct ps_assess_target *src);

/*
 * Read the record `kind` `key` and fill `out`: its level (unit and iov
 * level; iie rank of its level label in policy industrial.levels;
 * operator: the highest level of its units in service on `on`, 0 when it
 * has none) and its type (unit type, iov kind, iie class, operator type).
 * PS_EINVAL for a kind that cannot be assessed, PS_ENOENT when there is
 * no such record (`d` says which), PS_EDB, PS_ENOMEM.
 */
int ps_assess_target_get(struct ps_registry *r, const char *kind,
			 const char *key, struct ps_date on,
			 struct ps_assess_target *out,
			 struct ps_diag *d) PS_MUST_USE;

/* Options of a run; zeroed means: today, no assessor, no default owner,
 * deadlines from the framework's rectification_days. */
struct ps_assess_opts {
	struct ps_date date;      /* completion date; used when date_set */
	bool date_set;
	const char *assessor;     /* may be NULL */
	const char *owner;        /* default owner of the items: a person key */
	struct ps_date deadline;  /* default item deadline, when deadline_set */
	bool deadline_set;
	int64_t deadline_days;    /* else date + this many days, when > 0 */
};

/* What a run stored. */
struct ps_assess_outcome {
	char *key;                 /* the new assessment's key */
	struct ps_fw_score score;
	struct ps_date date;
	size_t n_items;
	char **item_keys;          /* rectification keys, framework order */
	size_t *item_req;          /* the requirement index of each item */
	struct ps_date *item_deadline;
	const char **item_owner;   /* borrowed from the answers or opts; NULL */
};

/*
 * Score `a` against `fw` for target `t` and, unless `dry_run`, insert the
 * assessment and its rectification items in one transaction (nothing is
 * stored on any error). Refused before anything is written: a date after
 * r->today, a framework that does not cover the target, missing or
 * inapplicable answers (ps_fw_score), an owner that is no person, an item
 * without a deadline (no answer deadline, opts deadline, deadline_days nor
 * framework rectification_days) or with one before the run date.
 * `out` is filled on success (release with ps_assess_outcome_release) and
 * zeroed on error. PS_OK, PS_EINVAL, PS_ENOENT, PS_EDB, PS_ENOMEM.
 */
int ps_assess_run(struct ps_registry *r, const struct ps_framework *fw,
		  const struct ps_fw_answers *a, const struct ps_assess_target *t,
		  const struct ps_assess_opts *o, bool dry_run,
		  struct ps_assess_outcome *out, struct ps_diag *d) PS_MUST_USE;
void ps_assess_outcome_release(struct ps_assess_outcome *o);

/* How the items of one assessment stand on `today`. */
struct ps_assess_counts {
	int64_t items, open, in_progress, closed;
	int64_t overdue; /* deadline before today and not closed */
};

int ps_assess_counts_get(struct ps_registry *r, const char *assessment,
			 struct ps_date today, struct ps_assess_counts *out) PS_MUST_USE;

/* Whether a rectification record is overdue on `today`. */
bool ps_assess_item_overdue(const struct ps_reg_record *item, struct ps_date today);

/*
 * Move rectification `item` to `status`: open <-> in_progress, either ->
 * closed. Closing needs `evidence` (non-empty) and takes `date` (when
 * date_set, else r->today), which must lie between the assessment's date
 * and r->today; a closed item stays closed. `evidence` may be given with
 * any move and replaces the stored one; a date only with closing. Saved
 * with ps_reg_update. PS_ENOENT (no such item), PS_EINVAL, PS_EDB.
 */
struct ps_assess_rectify_opts {
	const char *status;
	const char *evidence;
	struct ps_date date;
	bool date_set;
};

int ps_assess_rectify(struct ps_registry *r, const char *item,
		      const struct ps_assess_rectify_opts *o,
		      struct ps_diag *d) PS_MUST_USE;

/*
 * The directory frameworks are looked up in: `opt` (--framework-dir) when
 * set, else `env` (PANSHI_FRAMEWORK_DIR) when non-empty, else
 * "frameworks" next to `policy_dir` (its parent directory + "/frameworks";
 * "frameworks" for a policy dir without a '/'). PS_ELIMIT if out is short.
 */
int ps_assess_framework_dir(const char *opt, const char *env,
			    const char *policy_dir, char *out,
			    size_t n) PS_MUST_USE;

/*
 * Load a framework named by a path (it has a '/' or ends in .yaml/.yml)
 * or by an id, read as <dir>/<id>.yaml; the loaded id must match the
 * requested one. Errors as ps_fw_load_file; PS_ENOENT names the id and
 * the directory.
 */
int ps_assess_framework_open(const char *dir, const char *id_or_path,
			     const struct ps_policy *pol,
			     struct ps_framework **out,
			     struct ps_diag *d) PS_MUST_USE;

/*
 * File names (not paths) of the *.yaml files of `dir`, sorted bytewise;
 * free with ps_assess_names_free(). PS_ENOENT / PS_EIO naming the
 * directory, PS_ELIMIT over 10,000 files, PS_ENOMEM.
 */
int ps_assess_framework_files(const char *dir, char ***out, size_t *n,
			      struct ps_diag *d) PS_MUST_USE;
void ps_assess_names_free(char **names, size_t n);

#endif
