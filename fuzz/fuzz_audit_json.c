/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target for the audit trail's canonical forms: the input is read as
 * the details JSON of a record, as it comes back from the store during
 * `audit verify`. Canonicalising must never crash, must explain every
 * refusal, and must be a fixed point (canonical of canonical is itself).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "audit/audit.h"
#include "core/core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text, *c1 = NULL, *c2 = NULL;
	uint8_t *enc = NULL;
	size_t len = 0;
	struct ps_diag d;
	int rc;

	if (size > (1u << 16))
		return 0;
	text = ps_malloc(PS_MEM_TEST, size + 1);
	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	memset(&d, 0, sizeof(d));
	rc = ps_audit_json_canonical(text, &c1, &d);
	if (rc == PS_OK) {
		if (ps_audit_json_canonical(c1, &c2, &d) != PS_OK || strcmp(c1, c2) != 0)
			abort();
	} else if (rc != PS_ENOMEM && (rc != PS_EINVAL || d.msg[0] == '\0')) {
		abort();
	}
	rc = ps_audit_canonical(7, 1, "fuzz", "registry.update", "unit:U-1", text, &enc,
				&len, &d);
	if (rc == PS_OK && (enc == NULL || len == 0))
		abort();
	ps_free(enc);
	ps_free(c2);
	ps_free(c1);
	ps_free(text);
	return 0;
}
