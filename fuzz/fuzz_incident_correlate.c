/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz correlation with hostile alert events: the input's first line is
 * the source address, the second the destination, the rest the event's
 * details JSON (what `panshi event import` stores from any EVE file). Each
 * accepted event is correlated into an in-memory store with a small
 * registry, routing included.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "fuzz.h"
#include "incident/case.h"
#include "policy/policy.h"
#include "registry/bulk.h"
#include "registry/registry.h"
#include "store/store.h"

static const char reg_yaml[] =
	"panshi_registry: 1\n"
	"operators:\n"
	"  - {key: OP-1, name: 运营者, type: basic_telecom}\n"
	"units:\n"
	"  - {key: U-1, operator: OP-1, name: 单元, type: idc, level: 3}\n"
	"assets:\n"
	"  - {key: A-1, unit: U-1, kind: ip_range, name: 网段, address: 192.0.2.0/24}\n"
	"ipblocks:\n"
	"  - {key: B-1, operator: OP-1, range: 203.0.113.0/24}\n";

static struct ps_store *st;
static struct ps_policy *pol;
static struct ps_registry reg;
static struct ps_case_ctx cx;

static int init(void)
{
	struct ps_diag d = {{0}};
	struct ps_reg_bulk b;
	struct ps_reg_bulk_report rep;
	int rc;

	if (ps_policy_load_dir(PANSHI_SOURCE_DIR "/policy", &pol, &d) != PS_OK ||
	    ps_store_open(":memory:", NULL, &st, &d) != PS_OK ||
	    ps_store_migrate(st, NULL, NULL, &d) != PS_OK ||
	    ps_registry_open(st, pol, &reg) != PS_OK || ps_reg_bulk_init(&b) != PS_OK) {
		fprintf(stderr, "init: %s\n", d.msg);
		return -1;
	}
	rc = ps_reg_bulk_parse_yaml(&b, "fuzz.yaml", reg_yaml, strlen(reg_yaml));
	if (rc == PS_OK)
		rc = ps_reg_bulk_apply(&reg, &b, false, &rep);
	ps_reg_bulk_release(&b);
	cx.st = st;
	cx.policy = pol;
	cx.reg = &reg;
	cx.actor = "fuzz";
	ps_case_settings_default(&cx.set);
	cx.set.home_net = (char *)"10.0.0.0/8,fc00::/7";
	return rc == PS_OK ? 0 : -1;
}

/* Split off one line of at most 63 bytes into `out`. */
static size_t line(const uint8_t *p, size_t n, char out[64])
{
	size_t i = 0;

	while (i < n && p[i] != '\n')
		i++;
	memcpy(out, p, i < 63 ? i : 63);
	out[i < 63 ? i : 63] = '\0';
	return i < n ? i + 1 : i;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready, runs;
	struct ps_case_correlate_stats s;
	struct ps_event ev = {0};
	struct ps_diag d = {{0}};
	char src[64], dst[64], *js;
	size_t off;

	if (!ready)
		ready = init() == 0 ? 1 : -1;
	if (ready < 0)
		return 0;
	off = line(data, size, src);
	off += line(data + off, size - off, dst);
	js = ps_malloc(PS_MEM_CASES, size - off + 1);
	if (js == NULL)
		return 0;
	memcpy(js, data + off, size - off);
	js[size - off] = '\0';
	ev.ts_us = INT64_C(1763568000000000);
	ev.event_type = "alert";
	ev.src_ip = src[0] ? src : NULL;
	ev.dest_ip = dst[0] ? dst : NULL;
	ev.json = js[0] ? js : NULL;
	if (ps_store_event_batch_insert(st, &ev, 1) == PS_OK)
		if (ps_case_correlate(&cx, ev.ts_us, &s, &d) != PS_OK && d.msg[0] == 0)
			__builtin_trap();
	ps_free(js);
	if (++runs % 256 == 0 && ps_store_exec(st, "DELETE FROM incidents; DELETE FROM "
					    "events; DELETE FROM reg_ip_seen") != PS_OK)
		__builtin_trap();
	return 0;
}
