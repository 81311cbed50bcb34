/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz the facts of an incident (`panshi case facts ID JSON`): any bytes
 * as the JSON object, checked and classified against the project's policy
 * (the MIIT 2017 and CAC 2025 level tables).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "fuzz.h"
#include "incident/case.h"
#include "policy/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ps_policy *pol;
	struct ps_inc_level_result lv;
	struct ps_diag d = {{0}};
	char *text;

	if (pol == NULL && ps_policy_load_dir(PANSHI_SOURCE_DIR "/policy", &pol, &d) != PS_OK) {
		fprintf(stderr, "policy: %s\n", d.msg);
		return 0;
	}
	text = ps_malloc(PS_MEM_CASES, size + 1);
	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (ps_case_facts_check(pol, text, &lv, &d) == PS_OK &&
	    (lv.level < PS_INC_LEVEL_NONE || lv.level >= PS_INC_LEVEL__COUNT))
		__builtin_trap();
	ps_free(text);
	return 0;
}
