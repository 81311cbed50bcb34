/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target for the configuration loader: the input is one YAML file read
 * over a table with every item type. A file that loads must also survive
 * ps_conf_dump and load back to the same values.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "core/core.h"

struct fuzz_settings {
	char *name;
	bool flag;
	int64_t count;
	uint64_t size;
	int64_t wait;
	int mode;
};

static const char *const modes[] = {"one", "two", "three", NULL};

static const struct ps_conf_item items[] = {
	{"name", PS_CONF_STRING, offsetof(struct fuzz_settings, name), 0, 200,
	 "fuzz", NULL, "a string"},
	{"flag", PS_CONF_BOOL, offsetof(struct fuzz_settings, flag), 0, 0,
	 "off", NULL, "a boolean"},
	{"count", PS_CONF_INT, offsetof(struct fuzz_settings, count), INT64_MIN,
	 INT64_MAX, "0", NULL, "an integer"},
	{"size", PS_CONF_SIZE, offsetof(struct fuzz_settings, size), 0,
	 INT64_MAX, "1M", NULL, "a size"},
	{"wait", PS_CONF_DURATION, offsetof(struct fuzz_settings, wait), 1,
	 86400 * 365, "30s", NULL, "a duration"},
	{"mode", PS_CONF_ENUM, offsetof(struct fuzz_settings, mode), 0, 0, "two",
	 modes, "an enum"},
};

static const struct ps_conf_section section = {
	"fuzz", "Fuzzing section.", items, PS_ARRAY_LEN(items),
	sizeof(struct fuzz_settings),
};

static const struct ps_conf_section *const secs[] = {
	&ps_core_conf_section, &section,
};

/* Dump `a`, load the text into a fresh conf and compare every value. */
static void round_trip(const struct ps_conf *a)
{
	static char text[1 << 16];
	struct ps_conf b;
	struct ps_diag d;
	FILE *f = fmemopen(text, sizeof(text), "w");
	long len;

	if (f == NULL)
		return;
	if (ps_conf_dump(a, f, false) != PS_OK || (len = ftell(f)) < 0 ||
	    (size_t)len >= sizeof(text)) {
		fclose(f);
		return;
	}
	fclose(f);
	if (ps_conf_init(&b, secs, PS_ARRAY_LEN(secs), &d) != PS_OK)
		abort();
	if (ps_conf_load_mem(&b, "dump", text, (size_t)len, &d) != PS_OK)
		abort();
	for (size_t i = 0; i < a->n_secs; i++) {
		for (size_t j = 0; j < a->secs[i]->n_items; j++) {
			static char va[4200], vb[4200];
			char key[64];

			snprintf(key, sizeof(key), "%s.%s", a->secs[i]->name,
				 a->secs[i]->items[j].key);
			if (ps_conf_get_text(a, key, va, sizeof(va)) != PS_OK ||
			    ps_conf_get_text(&b, key, vb, sizeof(vb)) != PS_OK ||
			    strcmp(va, vb) != 0)
				abort();
		}
	}
	ps_conf_release(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ps_conf c;
	struct ps_diag d;

	if (ps_conf_init(&c, secs, PS_ARRAY_LEN(secs), &d) != PS_OK)
		abort();
	if (ps_conf_load_mem(&c, "fuzz.yaml", (const char *)data, size, &d) ==
	    PS_OK)
		round_trip(&c);
	ps_conf_release(&c);
	return 0;
}
