/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target for checklist frameworks and answer sheets: the input is
 * loaded as a framework (and, when it loads, scored against a sheet that
 * passes everything), and also read as a YAML and a CSV answer sheet for a
 * fixed framework and scored for a few targets.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "registry/framework.h"
#include "core/core.h"

static const char fixed_fw[] =
	"schema: 1\nid: fz\nversion: 1\ntitle: f\ntitle_en: f\nkind: risk\n"
	"source: s\npass_score: 50\nsections:\n"
	"  - id: A\n    title: a\n    requirements:\n"
	"      - {id: A-1, title: a, points: 3, critical: true}\n"
	"      - {id: A-2, title: b, points: 2, applies_to_levels: 2+}\n"
	"      - {id: A-3, title: c, points: 1, applies_to: [dns]}\n";

static void check_score(const struct ps_framework *fw,
			const struct ps_fw_answers *a,
			const struct ps_fw_target *t)
{
	struct ps_buf b = PS_BUF_INIT(PS_MEM_TEST, 1 << 16);
	struct ps_fw_score s;
	struct ps_diag d;

	if (ps_fw_score(fw, t, a, &s, &d) != PS_OK) {
		if (s.items != NULL)
			abort();
		return;
	}
	if (s.max == 0 || s.obtained > s.max || s.percent > 100 ||
	    s.n_items != fw->n_reqs)
		abort();
	if (ps_fw_findings(fw, &s, 512, &b) == PS_OK && b.len > 512)
		abort();
	for (size_t i = 0; i < s.n_items; i++) {
		ps_buf_reset(&b);
		if (s.items[i].earned > s.items[i].possible ||
		    (ps_fw_item_text(fw, &s, a, i, 300, &b) == PS_OK && b.len > 300))
			abort();
	}
	ps_buf_release(&b);
	ps_fw_score_release(&s);
}

static void sheet(const struct ps_framework *fw, const char *name,
		  const uint8_t *data, size_t size)
{
	static const struct ps_fw_target targets[] = {
		{PS_FW_TGT_UNIT, 0, NULL, NULL},
		{PS_FW_TGT_UNIT, 1, "dns", "unit 'U-1'"},
		{PS_FW_TGT_IIE, 3, "platform", NULL},
	};
	struct ps_fw_answers *a = NULL;
	struct ps_diag d;

	if (ps_fw_answers_parse(fw, name, (const char *)data, size, &a, &d) != PS_OK) {
		if (a != NULL)
			abort();
		return;
	}
	for (size_t i = 0; i < PS_ARRAY_LEN(targets); i++)
		check_score(fw, a, &targets[i]);
	ps_fw_answers_free(a);
}

/* A loaded framework: consistent, and scorable when every answer is pass. */
static void exercise(const struct ps_framework *fw)
{
	struct ps_buf b = PS_BUF_INIT(PS_MEM_TEST, 1 << 20);
	uint64_t sum = 0;
	char lv[128];

	for (size_t i = 0; i < fw->n_reqs; i++) {
		sum += fw->reqs[i].points;
		if (ps_fw_req_index(fw, fw->reqs[i].id) != (long)i)
			abort();
		ps_fw_levels_fmt(fw->reqs[i].levels, lv, sizeof(lv));
	}
	if (sum != fw->total_points || fw->n_reqs == 0)
		abort();
	if (ps_buf_addstr(&b, "requirement,answer\n") == PS_OK) {
		bool ok = true;

		for (size_t i = 0; i < fw->n_reqs && ok; i++)
			ok = ps_buf_addf(&b, "\"%s\",pass\n", fw->reqs[i].id) == PS_OK;
		if (ok)
			sheet(fw, "all.csv", (const uint8_t *)ps_buf_cstr(&b), b.len);
	}
	ps_buf_release(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ps_framework *fixed;
	struct ps_framework *fw = NULL;
	struct ps_diag d;

	if (fixed == NULL &&
	    ps_fw_load_mem("fixed.yaml", fixed_fw, strlen(fixed_fw), NULL, &fixed,
			   &d) != PS_OK)
		abort();
	if (ps_fw_load_mem("fuzz.yaml", (const char *)data, size, NULL, &fw, &d) ==
	    PS_OK)
		exercise(fw);
	else if (fw != NULL)
		abort();
	ps_fw_free(fw);
	sheet(fixed, "fuzz.yaml", data, size);
	sheet(fixed, "fuzz.csv", data, size);
	return 0;
}
