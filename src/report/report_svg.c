/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Inline SVG bar charts for the HTML reports: drawn here as plain markup
 * so the file opens offline with no script and no external resource.
 * Every label comes from the store and is HTML-escaped.
 */
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "report/report_int.h"

#define HB_WIDTH 520
#define HB_LABEL 190
#define HB_ROW 24
#define HB_TOP 34
#define VB_HEIGHT 240
#define VB_BOTTOM 40
#define VB_TOP 34

static const char *const palette[] = {
	"#1f5fa8", "#b42318", "#2e7d32", "#8250df", "#d97706", "#0e7490", "#be185d",
	"#4d5562",
};

/* At most `max` columns of s into out (a CJK character takes two, other
 * characters one), "…" appended when cut. */
static void clip(const char *s, size_t max, char *out, size_t n)
{
	size_t i = 0, cols = 0;

	while (s[i] != '\0') {
		size_t w = (unsigned char)s[i] >= 0xe0 ? 2 : 1, j = i + 1;

		while (((unsigned char)s[j] & 0xc0) == 0x80)
			j++;
		if (cols + w > max)
			break;
		cols += w;
		i = j;
	}
	if (s[i] == '\0')
		snprintf(out, n, "%s", s);
	else
		snprintf(out, n, "%.*s…", (int)i, s);
}

static int64_t max_of(const struct rp_counts *c, size_t rows)
{
	int64_t m = 0;

	for (size_t i = 0; i < rows; i++)
		if (c->v[i].n > m)
			m = c->v[i].n;
	return m;
}

static void svg_open(struct rw *w, const char *title, int width, int height)
{
	rw_addf(w, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"%d\" "
		"height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"", width, height,
		width, height);
	rw_html(w, title);
	rw_add(w, "\" font-family=\"WenQuanYi Micro Hei, Noto Sans CJK SC, sans-serif\" "
	       "font-size=\"12\">\n<text x=\"8\" y=\"20\" font-size=\"15\" font-weight=\"bold\">");
	rw_html(w, title);
	rw_add(w, "</text>\n");
}

static void svg_empty(struct rw *w, int y)
{
	rw_addf(w, "<text x=\"8\" y=\"%d\" fill=\"#57606a\">%s</text>\n", y,
		rw_l(w, "（无数据）", "(no data)"));
}

void rp_svg_hbar(struct rw *w, const char *title, const struct rp_counts *c, size_t max)
{
	size_t rows = max != 0 && c->n > max ? max : c->n;
	int height = HB_TOP + (int)(rows > 0 ? rows : 1) * HB_ROW + 10;
	int64_t top = max_of(c, rows);
	char lab[160];

	svg_open(w, title, HB_WIDTH, height);
	if (top == 0)
		svg_empty(w, HB_TOP + 16);
	for (size_t i = 0; i < rows && top > 0; i++) {
		int y = HB_TOP + (int)i * HB_ROW;
		int len = (int)(c->v[i].n * (HB_WIDTH - HB_LABEL - 60) / top);

		clip(c->v[i].label, 28, lab, sizeof(lab));
		rw_addf(w, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", HB_LABEL - 6, y + 16);
		rw_html(w, lab);
		rw_add(w, "</text>\n");
		if (c->v[i].n > 0)
			rw_addf(w, "<rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
				"fill=\"%s\"><title>", HB_LABEL, y + 3, len > 1 ? len : 1,
				HB_ROW - 6, palette[i % PS_ARRAY_LEN(palette)]);
		if (c->v[i].n > 0) {
			rw_html(w, c->v[i].label);
			rw_addf(w, ": %lld</title></rect>\n", (long long)c->v[i].n);
		}
		rw_addf(w, "<text x=\"%d\" y=\"%d\">%lld</text>\n", HB_LABEL + len + 6, y + 16,
			(long long)c->v[i].n);
	}
	rw_add(w, "</svg>\n");
}

void rp_svg_vbar(struct rw *w, const char *title, const struct rp_counts *c)
{
	int slot = 30, left = 40;
	int width = left + (int)(c->n > 0 ? c->n : 1) * slot + 10;
	int plot = VB_HEIGHT - VB_TOP - VB_BOTTOM;
	int64_t top = max_of(c, c->n);

	svg_open(w, title, width, VB_HEIGHT);
	rw_addf(w, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#8c959f\"/>\n", left,
		VB_HEIGHT - VB_BOTTOM, width - 6, VB_HEIGHT - VB_BOTTOM);
	if (top == 0)
		svg_empty(w, VB_TOP + 16);
	else
		rw_addf(w, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%lld</text>\n", left - 4,
			VB_TOP + 10, (long long)top);
	for (size_t i = 0; i < c->n; i++) {
		int x = left + (int)i * slot;
		int h = top > 0 ? (int)(c->v[i].n * plot / top) : 0;
		const char *lab = c->v[i].label;
		size_t ll = strlen(lab);

		if (c->v[i].n > 0) {
			rw_addf(w, "<rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
				"fill=\"#1f5fa8\"><title>", x + 4, VB_HEIGHT - VB_BOTTOM - (h > 1 ? h : 1),
				slot - 8, h > 1 ? h : 1);
			rw_html(w, c->v[i].key);
			rw_addf(w, ": %lld</title></rect>\n", (long long)c->v[i].n);
		}
		/* the day of the month under its bar */
		rw_addf(w, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"10\">",
			x + slot / 2, VB_HEIGHT - VB_BOTTOM + 14);
		rw_html(w, ll > 2 ? lab + ll - 2 : lab);
		rw_add(w, "</text>\n");
	}
	rw_add(w, "</svg>\n");
}
