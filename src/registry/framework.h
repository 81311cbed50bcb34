/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Checklist frameworks: versioned YAML files (schema in frameworks/README.md)
 * listing requirements with points, the levels and target types they apply
 * to and which are critical; answer sheets (YAML or CSV) for one run; and
 * the integer scoring of a sheet against a framework for one target.
 *
 * Everything here is pure: no store, no clock. assess.c turns a score into
 * an assessment record and its rectification items.
 *
 * Scoring rules (also in frameworks/README.md):
 *  - A requirement applies when the target's kind is among the framework's
 *    targets, its level is in the requirement's applies_to_levels (a target
 *    of unknown level, 0, meets every level) and its type is in applies_to.
 *  - pass earns all points, partial floor(points / 2), fail 0; na removes
 *    the requirement from the maximum. Not-applicable requirements count
 *    nowhere.
 *  - percent = floor(obtained * 100 / max); the run passes when
 *    obtained * 100 >= pass_score * max (the same as percent >= pass_score)
 *    and no critical requirement is answered fail or partial.
 *
 * Threads: a loaded framework or answer sheet is immutable and may be read
 * from several threads; functions keep no state.
 */
#ifndef PS_REGISTRY_FRAMEWORK_H
#define PS_REGISTRY_FRAMEWORK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/timeutil.h"

struct ps_policy;

#define PS_FW_SCHEMA 1               /* the `schema:` this code reads */
#define PS_FW_FILE_MAX (1u << 20)    /* bytes of a framework or answer file */
#define PS_FW_REQS_MAX 2000          /* requirements of one framework */
#define PS_FW_SECTIONS_MAX 200
#define PS_FW_POINTS_MAX 1000        /* points of one requirement */
#define PS_FW_TEXT_MAX 2048          /* bytes of one text field */
#define PS_FW_ID_MAX 32              /* bytes of a section or requirement id */
#define PS_FW_LEVEL_LIMIT 31         /* levels are bits of a uint32_t */

/* What a framework can be run on; the names match assessment.target_kind. */
enum ps_fw_target_kind {
	PS_FW_TGT_UNIT = 1u << 0,     /* "unit": network unit, protection level */
	PS_FW_TGT_IIE = 1u << 1,      /* "iie": industrial-internet enterprise, rank */
	PS_FW_TGT_IOV = 1u << 2,      /* "iov": connected-vehicle platform/system */
	PS_FW_TGT_OPERATOR = 1u << 3, /* "operator": the company itself */
	PS_FW_TGT_ALL = 0xfu,
};

/* "unit", "iie", "iov", "operator" (one bit), NULL otherwise. */
const char *ps_fw_target_name(unsigned kind);
/* The bit for a name, 0 when unknown. */
unsigned ps_fw_target_parse(const char *name);

/* One requirement. Strings live in the framework's arena. */
struct ps_fw_req {
	const char *id;       /* "PR-3.2": unique within the framework */
	const char *section;  /* id of its section */
	const char *title;    /* Chinese title (becomes the rectification text) */
	const char *title_en;
	const char *evidence; /* hint: what to look at; NULL when absent */
	const char *source;   /* rule, article or task it follows; NULL when absent */
	unsigned points;      /* 1..PS_FW_POINTS_MAX */
	uint32_t levels;      /* bit L: applies at level L; 0 = every level */
	const char *const *types; /* applies_to (target types); n_types 0 = all */
	size_t n_types;
	bool critical;        /* not fully met = the run fails */
	unsigned line;        /* line of its `id` */
};

struct ps_fw_section {
	const char *id;       /* "PR-3" */
	const char *title;
	const char *title_en;
	size_t first, count;  /* its requirements: reqs[first .. first + count) */
	unsigned line;
};

/*
 * A loaded framework. Invariants: n_reqs >= 1; requirement and section ids
 * are unique; total_points is the sum of every requirement's points.
 */
struct ps_framework {
	const char *file;      /* name it was loaded under, for messages */
	const char *id;        /* "protection-self-check": a-z, 0-9, '-' */
	const char *version;   /* "1", "1.2": digits and dots */
	const char *title;     /* Chinese */
	const char *title_en;
	const char *kind;      /* conformity | risk | data_risk | self_inspection */
	const char *source;    /* the rules and tasks it follows, our wording */
	const char *note;      /* NULL when absent */
	unsigned pass_score;   /* percent 0..100 */
	int rectification_days; /* default item deadline after the run date, -1 none */
	unsigned targets;      /* enum ps_fw_target_kind bits */
	const struct ps_fw_section *sections;
	size_t n_sections;
	const struct ps_fw_req *reqs; /* in file order, sections contiguous */
	size_t n_reqs;
	uint64_t total_points;
	struct ps_arena arena; /* owns everything above */
};

/*
 * Load a framework from `len` bytes of YAML named `name` (used in
 * messages; need not exist). `pol` (may be NULL) bounds levels by policy
 * protection.level.min/max; without it levels are 1..PS_FW_LEVEL_LIMIT.
 * Strict: unknown or duplicate keys, aliases, a second YAML document,
 * wrong types, duplicate ids, points <= 0, bad levels and unknown target
 * types are errors naming "file:line: ...". On success *out is a new
 * framework to free with ps_fw_free(); on error *out is NULL and the
 * return is PS_EPROTO (YAML syntax), PS_EINVAL (content), PS_ELIMIT
 * (size or count caps) or PS_ENOMEM.
 */
int ps_fw_load_mem(const char *name, const char *text, size_t len,
		   const struct ps_policy *pol, struct ps_framework **out,
		   struct ps_diag *d) PS_MUST_USE;
/* As ps_fw_load_mem for a file (PS_ENOENT / PS_EIO when it cannot be read). */
int ps_fw_load_file(const char *path, const struct ps_policy *pol,
		    struct ps_framework **out, struct ps_diag *d) PS_MUST_USE;
/* NULL is a no-op. */
void ps_fw_free(struct ps_framework *fw);

/* Index of requirement `id` (exact match), or -1. */
long ps_fw_req_index(const struct ps_framework *fw, const char *id);

/* "1-5", "2-5", "1,3", "all": the levels of `r`, for messages and listings. */
void ps_fw_levels_fmt(uint32_t levels, char *out, size_t outlen);

/* The answer to one requirement. */
enum ps_fw_verdict {
	PS_FW_NONE = 0,  /* not answered */
	PS_FW_PASS,      /* 符合 */
	PS_FW_FAIL,      /* 不符合 */
	PS_FW_PARTIAL,   /* 部分符合 */
	PS_FW_NA,        /* 不适用 */
};

/* "pass", "fail", "partial", "na" ("" for NONE). */
const char *ps_fw_verdict_name(enum ps_fw_verdict v);
/* 符合, 不符合, 部分符合, 不适用. */
const char *ps_fw_verdict_zh(enum ps_fw_verdict v);
/* pass|fail|partial|na, any ASCII case, "n/a", or the Chinese words;
 * PS_FW_NONE when it is none of them. */
enum ps_fw_verdict ps_fw_verdict_parse(const char *s, size_t len);

struct ps_fw_answer {
	enum ps_fw_verdict v; /* PS_FW_NONE: not answered */
	const char *note;     /* why it failed, what is missing; NULL if none */
	const char *evidence; /* what was examined; NULL if none */
	const char *owner;    /* person key for its rectification; NULL if none */
	struct ps_date deadline; /* valid when has_deadline */
	bool has_deadline;
	unsigned line;        /* where it was answered */
};

/* An answer sheet for one framework: one slot per requirement. */
struct ps_fw_answers {
	const char *file;
	const struct ps_fw_answer *by_req; /* fw->n_reqs entries, framework order */
	size_t n_reqs;
	size_t n_answered;
	struct ps_arena arena;
};

/*
 * Parse an answer sheet for `fw`: CSV when `name` ends in ".csv" (any
 * case), YAML otherwise (formats in frameworks/README.md). Unknown and
 * twice-answered requirement ids, unknown answers, bad dates, a sheet for
 * another framework or version are errors naming "file:line: ...". Which
 * requirements must be answered depends on the target: ps_fw_score()
 * checks that. *out is freed with ps_fw_answers_free(). Returns PS_OK,
 * PS_EPROTO, PS_EINVAL, PS_ELIMIT or PS_ENOMEM.
 */
int ps_fw_answers_parse(const struct ps_framework *fw, const char *name,
			const char *text, size_t len,
			struct ps_fw_answers **out, struct ps_diag *d) PS_MUST_USE;
int ps_fw_answers_load(const struct ps_framework *fw, const char *path,
		       struct ps_fw_answers **out, struct ps_diag *d) PS_MUST_USE;
void ps_fw_answers_free(struct ps_fw_answers *a);

/* The facts of the assessed record that decide applicability. */
struct ps_fw_target {
	unsigned kind;     /* one enum ps_fw_target_kind bit */
	int level;         /* protection level, or iie rank; 0 = unknown */
	const char *type;  /* unit type, iie class, iov kind, operator type; may be NULL */
	const char *label; /* "unit 'U-1'", for messages; may be NULL */
};

/* Whether `r` applies to `t` (the framework's target kinds aside). */
bool ps_fw_req_applies(const struct ps_fw_req *r, const struct ps_fw_target *t);

struct ps_fw_item {
	bool applicable;
	enum ps_fw_verdict v; /* PS_FW_NONE when not applicable */
	unsigned earned;      /* points obtained */
	unsigned possible;    /* points counted in the maximum (0 for na) */
};

struct ps_fw_score {
	uint64_t obtained, max;
	unsigned percent;      /* floor(obtained * 100 / max) */
	bool passed;
	size_t n_applicable, n_pass, n_fail, n_partial, n_na;
	size_t n_critical_failed; /* critical and fail or partial */
	struct ps_fw_item *items; /* fw->n_reqs entries; owned, see release */
	size_t n_items;
};

/*
 * Score `a` against `fw` for target `t`. Errors (PS_EINVAL, message in
 * `d`): the framework does not cover the target's kind; an applicable
 * requirement is not answered (the first is named, and how many more);
 * a requirement that does not apply is answered other than na; nothing
 * is left to score (max 0). On success `out` holds items the caller
 * releases with ps_fw_score_release(); on error it is zeroed.
 */
int ps_fw_score(const struct ps_framework *fw, const struct ps_fw_target *t,
		const struct ps_fw_answers *a, struct ps_fw_score *out,
		struct ps_diag *d) PS_MUST_USE;
void ps_fw_score_release(struct ps_fw_score *s);

/*
 * One line (no control characters, at most `max` bytes, cut with "...")
 * summing up a scored run for the assessment's findings field:
 *   "得分 45/60 (75%), 未通过; 关键项不符合: PR-1.1; 不符合: PR-1.1, PR-4.2;
 *    部分符合: PR-5.1; 不适用: PR-7.2"
 * Appends to `out`; PS_OK, PS_ENOMEM or PS_ELIMIT from the buffer.
 */
int ps_fw_findings(const struct ps_framework *fw, const struct ps_fw_score *s,
		   size_t max, struct ps_buf *out) PS_MUST_USE;

/*
 * The text of the rectification item for requirement `i` as scored:
 * "<title>" plus "（部分符合）" for a partial answer, plus ": <note>" when
 * the answer has one, cut at `max` bytes on a UTF-8 boundary.
 */
int ps_fw_item_text(const struct ps_framework *fw, const struct ps_fw_score *s,
		    const struct ps_fw_answers *a, size_t i, size_t max,
		    struct ps_buf *out) PS_MUST_USE;

#endif
