/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internals shared by the report files: a writer with a sticky error over
 * the output buffer that escapes text for HTML, Markdown or CSV, the
 * labelled counts the bulletin's sections are made of, the SVG charts and
 * small lookups in the registry and the store.
 */
#ifndef PS_REPORT_INT_H
#define PS_REPORT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "report/report.h"

struct ps_registry;
struct ps_store;

/* Invariant: once rc != PS_OK nothing more is written. */
struct rw {
	struct ps_buf *b;
	enum ps_report_format fmt;
	bool en;
	int rc;
};

void rw_init(struct rw *w, struct ps_buf *b, const struct ps_report_opts *o);
/* Raw text (markup). */
void rw_add(struct rw *w, const char *s);
void rw_addf(struct rw *w, const char *fmt, ...) PS_PRINTF(2, 3);
/* Text from the store escaped for w->fmt (NULL writes nothing). */
void rw_text(struct rw *w, const char *s);
/* Escaped for HTML whatever w->fmt is (SVG inside HTML). */
void rw_html(struct rw *w, const char *s);
/* The label of the current language. */
static inline const char *rw_l(const struct rw *w, const char *zh, const char *en)
{
	return w->en ? en : zh;
}
/* A stored category as shown: the intel module's title in the report's
 * language when it is one of its categories, else as stored; NULL stays
 * NULL. */
const char *rp_category(const struct rw *w, const char *c);
/* The withheld-details text of the current language. */
const char *rw_withheld(const struct rw *w);

/* "2026-11-05 08:30" (Asia/Shanghai) into out (>= 24 bytes); "—" for 0. */
void rp_time(int64_t us, char *out, size_t n);
/* "2026-11-05" (Asia/Shanghai). */
void rp_date(int64_t us, char *out, size_t n);
/* "3 d 4 h" / "3天4小时" for a duration in µs. */
void rp_duration(const struct rw *w, int64_t us, char *out, size_t n);

/* The common HTML head with the inline style, and the tail. */
void rw_html_head(struct rw *w, const char *title);
void rw_html_tail(struct rw *w);

/* One labelled count: key (stable id), label (shown), n. Owned strings. */
struct rp_count {
	char *key;
	char *label;
	int64_t n;
};

struct rp_counts {
	struct rp_count *v;
	size_t n, cap;
};

/* Append (key, label copied; label NULL = key); PS_OK or PS_ENOMEM. */
int rp_counts_add(struct rp_counts *c, const char *key, const char *label,
		  int64_t n) PS_MUST_USE;
/* Add n to the row with `key`, appending it when absent. */
int rp_counts_bump(struct rp_counts *c, const char *key, const char *label,
		   int64_t n) PS_MUST_USE;
/* Sort by count descending, then key ascending. */
void rp_counts_sort(struct rp_counts *c);
void rp_counts_release(struct rp_counts *c);
int64_t rp_counts_total(const struct rp_counts *c);

/* Horizontal bar chart of c (at most `max` rows; 0 = all). */
void rp_svg_hbar(struct rw *w, const char *title, const struct rp_counts *c,
		 size_t max);
/* Vertical bar chart (the days of a month). */
void rp_svg_vbar(struct rw *w, const char *title, const struct rp_counts *c);

/* The name of registry record kind:key, a new string (ps_free) or NULL
 * when there is none; *rc gets PS_ENOMEM/PS_EDB on failure. */
char *rp_reg_name(struct ps_registry *r, const char *kind, const char *key,
		  const char *field);

/* A new string (ps_free) formatted like printf; NULL on PS_ENOMEM. */
char *rp_strfmt(const char *fmt, ...) PS_PRINTF(1, 2);

/* The clock kind's label by its stored name ("rectification"). */
const char *rp_clock_label(const struct rw *w, const char *name);

#endif
