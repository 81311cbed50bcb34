/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for the table-driven configuration engine: defaults, loading,
 * every error class with its exact line, bounds, suffixes, atomicity, the
 * dump/load round trip and allocation-failure torture.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/core.h"

/* A test module with one item of every type. */
struct test_store {
	char *path;
	bool journal;
	int64_t busy_timeout; /* seconds */
	uint64_t cache;
	int64_t retries;
	int mode;
};

static const char *const modes[] = {"wal", "delete", "memory", NULL};

static const struct ps_conf_item store_items[] = {
	{"path", PS_CONF_STRING, offsetof(struct test_store, path), 1, 16,
	 "panshi.db", NULL, "database file"},
	{"journal", PS_CONF_BOOL, offsetof(struct test_store, journal), 0, 0,
	 "yes", NULL, "keep a journal"},
	{"busy_timeout", PS_CONF_DURATION,
	 offsetof(struct test_store, busy_timeout), 1, 7 * 86400, "30s", NULL,
	 "how long to wait for a lock"},
	{"cache", PS_CONF_SIZE, offsetof(struct test_store, cache), 4096,
	 1LL << 30, "64M", NULL, "page cache"},
	{"retries", PS_CONF_INT, offsetof(struct test_store, retries), -5, 100,
	 "3", NULL, "retries on busy"},
	{"mode", PS_CONF_ENUM, offsetof(struct test_store, mode), 0, 0, "wal",
	 modes, "journal mode"},
};

static const struct ps_conf_section store_section = {
	"store", "Test storage settings.", store_items,
	PS_ARRAY_LEN(store_items), sizeof(struct test_store),
};

/* A section whose struct has no string and no doc lines. */
struct test_net {
	int64_t workers;
	bool promisc;
};

static const struct ps_conf_item net_items[] = {
	{"workers", PS_CONF_INT, offsetof(struct test_net, workers), 1, 256,
	 "4", NULL, NULL},
	{"promisc", PS_CONF_BOOL, offsetof(struct test_net, promisc), 0, 0,
	 NULL, NULL, NULL},
};

static const struct ps_conf_section net_section = {
	"net", NULL, net_items, PS_ARRAY_LEN(net_items), sizeof(struct test_net),
};

static const struct ps_conf_section *const secs[] = {
	&ps_core_conf_section, &store_section, &net_section,
};

static const char good_yaml[] =
	"# Panshi test configuration\n"
	"general:\n"
	"  log_level: debug\n"
	"  lang: en\n"
	"  policy_dir: /etc/panshi/policy\n"
	"store:\n"
	"  path: \"磐石.db\"\n"
	"  journal: off\n"
	"  busy_timeout: 2m\n"
	"  cache: 512k\n"
	"  retries: -2\n"
	"  mode: memory\n"
	"net:\n"
	"  workers: 16\n";

static void conf_setup(struct ps_conf *c)
{
	struct ps_diag d;

	assert_int_equal(ps_conf_init(c, secs, PS_ARRAY_LEN(secs), &d), PS_OK);
}

static int load(struct ps_conf *c, const char *text, struct ps_diag *d)
{
	ps_diag_clear(d);
	return ps_conf_load_mem(c, "t.yaml", text, strlen(text), d);
}

static void assert_text(const struct ps_conf *c, const char *key,
			const char *want)
{
	char buf[128];

	assert_int_equal(ps_conf_get_text(c, key, buf, sizeof(buf)), PS_OK);
	assert_string_equal(buf, want);
}

static void test_defaults(void **state)
{
	struct ps_conf c;
	struct ps_core_settings *g;
	struct test_store *s;
	char buf[8];

	(void)state;
	conf_setup(&c);
	g = ps_conf_section_get(&c, "general");
	s = ps_conf_section_get(&c, "store");
	assert_non_null(g);
	assert_non_null(s);
	assert_null(ps_conf_section_get(&c, "nosuch"));
	assert_int_equal(g->log_level, PS_LOG_NOTICE);
	assert_int_equal(g->lang, PS_CORE_LANG_ZH_CN);
	assert_string_equal(g->policy_dir, "policy");
	assert_string_equal(g->data_dir, "var");
	assert_string_equal(s->path, "panshi.db");
	assert_true(s->journal);
	assert_int_equal(s->busy_timeout, 30);
	assert_int_equal(s->cache, 64u << 20);
	assert_int_equal(s->retries, 3);
	assert_int_equal(s->mode, 0);
	assert_text(&c, "store.cache", "64M");
	assert_text(&c, "store.busy_timeout", "30s");
	assert_text(&c, "general.lang", "zh-CN");
	assert_text(&c, "net.promisc", "false");
	assert_int_equal(ps_conf_get_text(&c, "store.nope", buf, sizeof(buf)),
			 PS_ENOENT);
	assert_int_equal(ps_conf_get_text(&c, "store", buf, sizeof(buf)),
			 PS_ENOENT);
	assert_int_equal(ps_conf_get_text(&c, "store.path", buf, 4), PS_ELIMIT);
	assert_string_equal(buf, "pan");
	assert_false(ps_conf_is_set(&c, "store.path"));
	ps_conf_release(&c);
	ps_conf_release(&c); /* released twice is harmless */
}

static void test_load_valid(void **state)
{
	struct ps_conf c;
	struct ps_diag d;
	struct ps_core_settings *g;
	struct test_store *s;

	(void)state;
	conf_setup(&c);
	g = ps_conf_section_get(&c, "general");
	s = ps_conf_section_get(&c, "store");
	assert_int_equal(load(&c, good_yaml, &d), PS_OK);
	/* Section structs stay where they were. */
	assert_ptr_equal(g, ps_conf_section_get(&c, "general"));
	assert_int_equal(g->log_level, PS_LOG_DEBUG);
	assert_int_equal(g->lang, PS_CORE_LANG_EN);
	assert_string_equal(g->policy_dir, "/etc/panshi/policy");
	assert_string_equal(g->data_dir, "var");
	assert_string_equal(s->path, "磐石.db");
	assert_false(s->journal);
	assert_int_equal(s->busy_timeout, 120);
	assert_int_equal(s->cache, 512 * 1024);
	assert_int_equal(s->retries, -2);
	assert_int_equal(s->mode, 2);
	assert_true(ps_conf_is_set(&c, "store.mode"));
	assert_false(ps_conf_is_set(&c, "general.data_dir"));
	assert_false(ps_conf_is_set(&c, "no.such"));
	assert_text(&c, "store.busy_timeout", "2m");
	assert_text(&c, "store.retries", "-2");
	assert_text(&c, "store.mode", "memory");
	/* A second file only changes what it names. */
	assert_int_equal(load(&c, "store:\n  retries: 7\n", &d), PS_OK);
	assert_int_equal(s->retries, 7);
	assert_int_equal(s->mode, 2);
	ps_conf_release(&c);
}

static void test_empty_files(void **state)
{
	static const char *const texts[] = {
		"", "# only a comment\n\n   # another\n", "---\n", "---\n...\n",
		"~\n", "general:\n", "general: {}\nstore: ~\n", "{}\n",
	};
	struct ps_conf c;
	struct ps_diag d;

	(void)state;
	conf_setup(&c);
	for (size_t i = 0; i < PS_ARRAY_LEN(texts); i++) {
		assert_int_equal(load(&c, texts[i], &d), PS_OK);
		assert_text(&c, "store.cache", "64M");
	}
	ps_conf_release(&c);
}

struct bad_case {
	const char *text;
	int rc;
	const char *msg;
};

static const struct bad_case bad_cases[] = {
	{"general:\n  lang: en\n\n# comment\nstore:\n  path: x.db\n"
	 "  jornal: yes\n",
	 PS_EINVAL,
	 "t.yaml:7: unknown key 'store.jornal'; did you mean 'store.journal'?"},
	{"store:\n  zzzzzz: 1\n", PS_EINVAL, "t.yaml:2: unknown key 'store.zzzzzz'"},
	{"\nstroe:\n  path: x\n", PS_EINVAL,
	 "t.yaml:2: unknown section 'stroe'; did you mean 'store'?"},
	{"store:\n  journal: maybe\n", PS_EINVAL,
	 "t.yaml:2: 'store.journal' must be a boolean: true/false, yes/no or "
	 "on/off (got 'maybe')"},
	{"store:\n  retries: 3x\n", PS_EINVAL,
	 "t.yaml:2: 'store.retries' must be an integer (got '3x')"},
	{"store:\n  retries: 99999999999999999999\n", PS_EINVAL,
	 "t.yaml:2: 'store.retries' must be between -5 and 100 "
	 "(got '99999999999999999999')"},
	{"store:\n  cache: 99999999999T\n", PS_EINVAL,
	 "t.yaml:2: 'store.cache' must be between 4k and 1G "
	 "(got '99999999999T')"},
	{"net:\n  workers: 0\n", PS_EINVAL,
	 "t.yaml:2: 'net.workers' must be between 1 and 256 (got '0')"},
	{"store:\n  busy_timeout: 0\n", PS_EINVAL,
	 "t.yaml:2: 'store.busy_timeout' must be between 1s and 7d (got '0')"},
	{"store:\n  busy_timeout: 5 min\n", PS_EINVAL,
	 "t.yaml:2: 'store.busy_timeout' must be a duration such as 30s, 5m, "
	 "2h or 7d (got '5 min')"},
	{"store:\n  cache: 2G\n", PS_EINVAL,
	 "t.yaml:2: 'store.cache' must be between 4k and 1G (got '2G')"},
	{"store:\n  cache: -1\n", PS_EINVAL,
	 "t.yaml:2: 'store.cache' must be a size such as 4096, 512k, 64M or 1G "
	 "(got '-1')"},
	{"store:\n  mode: wall\n", PS_EINVAL,
	 "t.yaml:2: 'store.mode' must be one of wal, delete, memory (got "
	 "'wall'); did you mean 'wal'?"},
	{"store:\n  path: 12345678901234567\n", PS_EINVAL,
	 "t.yaml:2: 'store.path' must be 1 to 16 bytes long (got 17)"},
	{"store:\n  path: \"\"\n", PS_EINVAL,
	 "t.yaml:2: 'store.path' must be 1 to 16 bytes long (got 0)"},
	{"store:\n  path: \"a\\0b\"\n", PS_EINVAL,
	 "t.yaml:2: 'store.path' must not contain NUL bytes"},
	{"store:\n  retries:\n", PS_EINVAL, "t.yaml:2: 'store.retries' has no value"},
	{"store:\n  retries: 1\n  cache: 8k\n  retries: 2\n", PS_EINVAL,
	 "t.yaml:4: duplicate key 'store.retries' (first on line 2)"},
	{"store:\n  retries: 1\nnet: {}\nstore:\n  cache: 8k\n", PS_EINVAL,
	 "t.yaml:4: duplicate section 'store' (first on line 1)"},
	{"store:\n  retries: [1, 2]\n", PS_EINVAL,
	 "t.yaml:2: 'store.retries' must be a single value, not a list"},
	{"store:\n  retries:\n    a: 1\n", PS_EINVAL,
	 "t.yaml:3: 'store.retries' must be a single value, not a mapping"},
	{"store: 5\n", PS_EINVAL,
	 "t.yaml:1: section 'store' must be a mapping of settings, not a value"},
	{"- store\n", PS_EINVAL,
	 "t.yaml:1: the top level must be a mapping of sections"},
	{"store:\n  retries: &a 4\nnet:\n  workers: *a\n", PS_EINVAL,
	 "t.yaml:4: aliases are not supported"},
	{"store: {}\n---\nnet: {}\n", PS_EINVAL,
	 "t.yaml:2: only one YAML document is allowed"},
	{"store:\n  retries: 1\n cache: 2\n", PS_EPROTO,
	 "t.yaml:3:2: did not find expected key while parsing a block mapping"},
	{"store:\n  path: \"unterminated\n", PS_EPROTO,
	 "t.yaml:3:1: found unexpected end of stream while scanning a quoted "
	 "scalar"},
	{"store:\n  path: a\xff\n", PS_EPROTO,
	 "t.yaml:2:10: invalid leading UTF-8 octet"},
	{"general: {lang: en\n", PS_EPROTO,
	 "t.yaml:2:1: did not find expected ',' or '}' while parsing a flow "
	 "mapping"},
};

static void test_errors(void **state)
{
	struct ps_conf c;
	struct ps_diag d;

	(void)state;
	conf_setup(&c);
	for (size_t i = 0; i < PS_ARRAY_LEN(bad_cases); i++) {
		const struct bad_case *bc = &bad_cases[i];
		int rc = load(&c, bc->text, &d);

		if (rc != bc->rc || strcmp(d.msg, bc->msg) != 0)
			print_error("case %zu: rc %d, message '%s'\n", i, rc,
				    d.msg);
		assert_int_equal(rc, bc->rc);
		assert_string_equal(d.msg, bc->msg);
		/* Nothing of a failed file sticks. */
		assert_text(&c, "store.retries", "3");
		assert_text(&c, "store.path", "panshi.db");
		assert_false(ps_conf_is_set(&c, "store.retries"));
	}
	/* A NULL diagnostic is allowed. */
	assert_int_equal(ps_conf_load_mem(&c, "x", "a: 1", 4, NULL), PS_EINVAL);
	ps_conf_release(&c);
}

struct bound_case {
	const char *key;
	const char *value;
	int rc;
};

static const struct bound_case bound_cases[] = {
	{"net.workers", "1", PS_OK},
	{"net.workers", "256", PS_OK},
	{"net.workers", "0", PS_EINVAL},
	{"net.workers", "257", PS_EINVAL},
	{"store.retries", "-5", PS_OK},
	{"store.retries", "-6", PS_EINVAL},
	{"store.retries", "+100", PS_OK},
	{"store.retries", "101", PS_EINVAL},
	{"store.cache", "4096", PS_OK},
	{"store.cache", "4k", PS_OK},
	{"store.cache", "4095", PS_EINVAL},
	{"store.cache", "1G", PS_OK},
	{"store.cache", "1073741825", PS_EINVAL},
	{"store.cache", "1025M", PS_EINVAL},
	{"store.busy_timeout", "1", PS_OK},
	{"store.busy_timeout", "1s", PS_OK},
	{"store.busy_timeout", "0s", PS_EINVAL},
	{"store.busy_timeout", "7d", PS_OK},
	{"store.busy_timeout", "604801", PS_EINVAL},
	{"store.busy_timeout", "169h", PS_EINVAL},
	{"store.path", "1234567890123456", PS_OK},
	{"store.path", "12345678901234567", PS_EINVAL},
	{"store.path", "磐石磐石磐", PS_OK},      /* 15 bytes */
	{"store.path", "磐石磐石磐石", PS_EINVAL}, /* 18 bytes */
};

static void test_bounds(void **state)
{
	struct ps_conf c;
	struct ps_diag d;

	(void)state;
	conf_setup(&c);
	for (size_t i = 0; i < PS_ARRAY_LEN(bound_cases); i++) {
		const struct bound_case *bc = &bound_cases[i];
		int rc = ps_conf_set_text(&c, bc->key, bc->value, &d);

		if (rc != bc->rc)
			print_error("case %zu: %s = %s: %d '%s'\n", i, bc->key,
				    bc->value, rc, d.msg);
		assert_int_equal(rc, bc->rc);
		if (rc != PS_OK)
			continue;
		assert_true(ps_conf_is_set(&c, bc->key));
	}
	assert_int_equal(ps_conf_set_text(&c, "store.nope", "1", &d), PS_ENOENT);
	assert_string_equal(d.msg, "unknown key 'store.nope'");
	assert_int_equal(ps_conf_set_text(&c, "net.workers", "300", &d),
			 PS_EINVAL);
	assert_string_equal(d.msg,
			    "'net.workers' must be between 1 and 256 (got '300')");
	ps_conf_release(&c);
}

struct suffix_case {
	const char *key;
	const char *value;
	uint64_t want;
	const char *text; /* as formatted back */
};

static const struct suffix_case suffix_cases[] = {
	{"store.cache", "512k", 512 * 1024, "512k"},
	{"store.cache", "512K", 512 * 1024, "512k"},
	{"store.cache", "8KiB", 8192, "8k"},
	{"store.cache", "64M", 64u << 20, "64M"},
	{"store.cache", "64MB", 64u << 20, "64M"},
	{"store.cache", "1G", 1u << 30, "1G"},
	{"store.cache", "1GiB", 1u << 30, "1G"},
	{"store.cache", "5000", 5000, "5000"},
	{"store.cache", "5000B", 5000, "5000"},
	{"store.cache", "1536k", 1536 * 1024, "1536k"},
	{"store.cache", "2048k", 2u << 20, "2M"},
	{"store.busy_timeout", "30s", 30, "30s"},
	{"store.busy_timeout", "90", 90, "90s"},
	{"store.busy_timeout", "5m", 300, "5m"},
	{"store.busy_timeout", "2h", 7200, "2h"},
	{"store.busy_timeout", "7d", 7 * 86400, "7d"},
	{"store.busy_timeout", "120m", 7200, "2h"},
	{"store.busy_timeout", "61m", 3660, "61m"},
};

static const char *const bad_suffixes[][2] = {
	{"store.cache", "1X"},         {"store.cache", "k"},
	{"store.cache", "1 k"},        {"store.cache", "1.5M"},
	{"store.cache", "16777216T"},  {"store.cache", "0x1000"},
	{"store.busy_timeout", "1w"},  {"store.busy_timeout", "1ms"},
	{"store.busy_timeout", "-1s"}, {"store.busy_timeout", ""},
	{"store.retries", " 1"},       {"store.retries", "1 "},
	{"store.retries", "-"},        {"store.retries", "9223372036854775808"},
	{"net.promisc", "tru"},        {"net.promisc", "1"},
};

static void test_suffixes(void **state)
{
	struct ps_conf c;
	struct ps_diag d;
	struct test_store *s;

	(void)state;
	conf_setup(&c);
	s = ps_conf_section_get(&c, "store");
	for (size_t i = 0; i < PS_ARRAY_LEN(suffix_cases); i++) {
		const struct suffix_case *sc = &suffix_cases[i];

		assert_int_equal(ps_conf_set_text(&c, sc->key, sc->value, &d),
				 PS_OK);
		if (strcmp(sc->key, "store.cache") == 0)
			assert_int_equal(s->cache, sc->want);
		else
			assert_int_equal(s->busy_timeout, (int64_t)sc->want);
		assert_text(&c, sc->key, sc->text);
	}
	for (size_t i = 0; i < PS_ARRAY_LEN(bad_suffixes); i++) {
		int rc = ps_conf_set_text(&c, bad_suffixes[i][0],
					  bad_suffixes[i][1], &d);

		if (rc != PS_EINVAL)
			print_error("case %zu accepted\n", i);
		assert_int_equal(rc, PS_EINVAL);
	}
	/* Booleans in every accepted spelling. */
	assert_int_equal(ps_conf_set_text(&c, "net.promisc", "ON", &d), PS_OK);
	assert_text(&c, "net.promisc", "true");
	assert_int_equal(ps_conf_set_text(&c, "net.promisc", "No", &d), PS_OK);
	assert_text(&c, "net.promisc", "false");
	assert_int_equal(ps_conf_set_text(&c, "net.promisc", "yes", &d), PS_OK);
	assert_int_equal(ps_conf_set_text(&c, "net.promisc", "FALSE", &d), PS_OK);
	assert_text(&c, "net.promisc", "false");
	ps_conf_release(&c);
}

static void test_atomic(void **state)
{
	struct ps_conf c;
	struct ps_diag d;
	struct test_store *s;
	struct ps_mem_stats before, after;

	(void)state;
	conf_setup(&c);
	s = ps_conf_section_get(&c, "store");
	assert_int_equal(load(&c, good_yaml, &d), PS_OK);
	ps_mem_stats_get(PS_MEM_CONF, &before);
	/* Valid lines first, the error last: none of it may stick. */
	assert_int_equal(load(&c,
			      "store:\n  path: other.db\n  retries: 50\n"
			      "  mode: delete\ngeneral:\n  data_dir: /srv\n"
			      "net:\n  workers: 1000\n",
			      &d),
			 PS_EINVAL);
	assert_string_equal(d.msg, "t.yaml:8: 'net.workers' must be between 1 "
				   "and 256 (got '1000')");
	assert_string_equal(s->path, "磐石.db");
	assert_int_equal(s->retries, -2);
	assert_int_equal(s->mode, 2);
	assert_text(&c, "general.data_dir", "var");
	assert_false(ps_conf_is_set(&c, "general.data_dir"));
	assert_text(&c, "net.workers", "16");
	ps_mem_stats_get(PS_MEM_CONF, &after);
	assert_int_equal(after.bytes, before.bytes);
	/* A syntax error after valid values also leaves everything. */
	assert_int_equal(load(&c, "store:\n  retries: 9\n  path: \"x\n", &d),
			 PS_EPROTO);
	assert_int_equal(s->retries, -2);
	ps_conf_release(&c);
}

/* Strings that must survive dump and load byte for byte. */
static const char *const tricky[] = {
	"a\"b\\c",   "line\nbreak", "tab\there", "磐石 数据", "#not comment",
	"- dash",    "key: value",  "  spaces ", "\x01\x7f",   "\xc2\x85x",
	"yes",       "~",           "",          "'q'",        "\xef\xbb\xbf",
	"\xe2\x80\xa8 \xe2\x80\xa9",
};

/* Dump `c` into `buf` through a temporary file. */
static size_t dump_to(const struct ps_conf *c, bool defaults_only, char *buf,
		      size_t cap)
{
	FILE *f = tmpfile();
	size_t len;

	assert_non_null(f);
	assert_int_equal(ps_conf_dump(c, f, defaults_only), PS_OK);
	rewind(f);
	len = fread(buf, 1, cap - 1, f);
	assert_true(len < cap - 1);
	buf[len] = '\0';
	fclose(f);
	return len;
}

static void test_round_trip(void **state)
{
	struct test_store_big {
		char *s[PS_ARRAY_LEN(tricky)];
	} *big;
	struct ps_conf_item items[PS_ARRAY_LEN(tricky)];
	char keys[PS_ARRAY_LEN(tricky)][8];
	struct ps_conf_section sec = {"strings", "Odd strings.", items,
				      PS_ARRAY_LEN(tricky), sizeof(*big)};
	const struct ps_conf_section *all[] = {&ps_core_conf_section,
					       &store_section, &net_section,
					       &sec};
	struct ps_conf a, b;
	struct ps_diag d;
	static char text[16384];
	size_t len;

	(void)state;
	for (size_t i = 0; i < PS_ARRAY_LEN(tricky); i++) {
		snprintf(keys[i], sizeof(keys[i]), "s%zu", i);
		items[i] = (struct ps_conf_item){keys[i], PS_CONF_STRING,
						 i * sizeof(char *), 0, 64,
						 "x", NULL, "a string"};
	}
	assert_int_equal(ps_conf_init(&a, all, PS_ARRAY_LEN(all), &d), PS_OK);
	assert_int_equal(ps_conf_init(&b, all, PS_ARRAY_LEN(all), &d), PS_OK);
	assert_int_equal(load(&a, good_yaml, &d), PS_OK);
	assert_int_equal(ps_conf_set_text(&a, "store.cache", "5000", &d), PS_OK);
	for (size_t i = 0; i < PS_ARRAY_LEN(tricky); i++) {
		char key[32];

		snprintf(key, sizeof(key), "strings.s%zu", i);
		assert_int_equal(ps_conf_set_text(&a, key, tricky[i], &d), PS_OK);
	}
	len = dump_to(&a, false, text, sizeof(text));
	if (ps_conf_load_mem(&b, "dump", text, len, &d) != PS_OK)
		print_error("%s\n---\n%s", d.msg, text);
	assert_int_equal(ps_conf_load_mem(&b, "dump", text, len, &d), PS_OK);
	for (size_t i = 0; i < a.n_secs; i++) {
		for (size_t j = 0; j < a.secs[i]->n_items; j++) {
			char key[64], va[128], vb[128];

			snprintf(key, sizeof(key), "%s.%s", a.secs[i]->name,
				 a.secs[i]->items[j].key);
			assert_int_equal(ps_conf_get_text(&a, key, va, sizeof(va)),
					 PS_OK);
			assert_int_equal(ps_conf_get_text(&b, key, vb, sizeof(vb)),
					 PS_OK);
			assert_string_equal(va, vb);
		}
	}
	big = ps_conf_section_get(&b, "strings");
	for (size_t i = 0; i < PS_ARRAY_LEN(tricky); i++)
		assert_string_equal(big->s[i], tricky[i]);
	assert_non_null(strstr(text, "# page cache\n  # size (k, M, G), 4k to "
				     "1G; default: 64M\n  cache: 5000\n"));

	/* defaults_only: loading it back gives the defaults. */
	len = dump_to(&a, true, text, sizeof(text));
	assert_int_equal(ps_conf_load_mem(&b, "defaults", text, len, &d), PS_OK);
	assert_text(&b, "store.path", "panshi.db");
	assert_text(&b, "general.log_level", "notice");
	assert_text(&b, "net.promisc", "false");
	assert_text(&b, "strings.s3", "x");
	ps_conf_release(&a);
	ps_conf_release(&b);
}

static void test_bad_tables(void **state)
{
	static const struct ps_conf_item bad_def[] = {
		{"n", PS_CONF_INT, 0, 1, 10, "11", NULL, NULL},
	};
	static const struct ps_conf_item bad_off[] = {
		{"n", PS_CONF_INT, 4, 1, 10, "1", NULL, NULL},
	};
	static const struct ps_conf_item no_choices[] = {
		{"e", PS_CONF_ENUM, 0, 0, 0, NULL, NULL, NULL},
	};
	static const struct ps_conf_item dup[] = {
		{"n", PS_CONF_INT, 0, 1, 10, "1", NULL, NULL},
		{"n", PS_CONF_INT, 0, 1, 10, "1", NULL, NULL},
	};
	static const struct ps_conf_section s1 = {"t", NULL, bad_def, 1, 8};
	static const struct ps_conf_section s2 = {"t", NULL, bad_off, 1, 8};
	static const struct ps_conf_section s3 = {"t", NULL, no_choices, 1, 8};
	static const struct ps_conf_section s4 = {"t", NULL, dup, 2, 8};
	static const struct ps_conf_section s5 = {"Bad", NULL, NULL, 0, 8};
	const struct ps_conf_section *one[1], *two[2] = {&net_section,
							 &net_section};
	const struct ps_conf_section *const all[] = {&s1, &s2, &s3, &s4, &s5};
	struct ps_conf c;
	struct ps_diag d;

	(void)state;
	for (size_t i = 0; i < PS_ARRAY_LEN(all); i++) {
		one[0] = all[i];
		assert_int_equal(ps_conf_init(&c, one, 1, &d), PS_EINVAL);
		assert_null(c.data);
		ps_conf_release(&c);
	}
	one[0] = &s1;
	assert_int_equal(ps_conf_init(&c, one, 1, &d), PS_EINVAL);
	assert_string_equal(d.msg, "conf table 't': bad default: 't.n' must be "
				   "between 1 and 10 (got '11')");
	assert_int_equal(ps_conf_init(&c, two, 2, &d), PS_EINVAL);
	assert_string_equal(d.msg, "conf table: duplicate section 'net'");
	/* No sections at all: every file with a section is rejected. */
	assert_int_equal(ps_conf_init(&c, NULL, 0, &d), PS_OK);
	assert_int_equal(load(&c, "", &d), PS_OK);
	assert_int_equal(load(&c, "x: {}", &d), PS_EINVAL);
	ps_conf_release(&c);
}

static void test_load_file(void **state)
{
	char path[] = "/tmp/panshi_conf_XXXXXX";
	struct ps_conf c;
	struct ps_diag d;
	int fd;

	(void)state;
	conf_setup(&c);
	assert_int_equal(ps_conf_load_file(&c, "/nonexistent/panshi.yaml", &d),
			 PS_ENOENT);
	assert_string_equal(d.msg, "cannot open '/nonexistent/panshi.yaml': "
				   "No such file or directory");
	assert_int_equal(ps_conf_load_file(&c, "/tmp", &d), PS_EIO);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, good_yaml, strlen(good_yaml)),
			 (ssize_t)strlen(good_yaml));
	assert_int_equal(write(fd, "bogus: 1\n", 9), 9);
	close(fd);
	assert_int_equal(ps_conf_load_file(&c, path, &d), PS_EINVAL);
	assert_non_null(strstr(d.msg, ":15: unknown section 'bogus'"));
	assert_int_equal(strncmp(d.msg, path, strlen(path)), 0);
	assert_int_equal(truncate(path, (off_t)strlen(good_yaml)), 0);
	assert_int_equal(ps_conf_load_file(&c, path, &d), PS_OK);
	assert_text(&c, "store.mode", "memory");
	unlink(path);
	ps_conf_release(&c);
}

static const char realistic[] =
	"# Panshi\n"
	"general:\n"
	"  log_level: info\n"
	"  lang: en\n"
	"  policy_dir: /usr/share/panshi/policy\n"
	"  data_dir: /var/lib/panshi\n"
	"store:\n"
	"  path: panshi-prod.db\n"
	"  journal: true\n"
	"  busy_timeout: 10m\n"
	"  cache: 256M\n"
	"  retries: 10\n"
	"  mode: delete\n"
	"net:\n"
	"  workers: 8\n"
	"  promisc: on\n";

static int init_and_load(void *arg)
{
	struct ps_conf c;
	struct ps_diag d;
	int rc;

	(void)arg;
	rc = ps_conf_init(&c, secs, PS_ARRAY_LEN(secs), &d);
	if (rc != PS_OK)
		return rc;
	rc = ps_conf_load_mem(&c, "r.yaml", realistic, strlen(realistic), &d);
	if (rc == PS_OK) {
		struct test_store *s = ps_conf_section_get(&c, "store");

		if (strcmp(s->path, "panshi-prod.db") != 0 || s->retries != 10)
			rc = PS_EINVAL;
	}
	ps_conf_release(&c);
	return rc;
}

/* Loads over good_yaml; each failed run must leave good_yaml's values. */
static int load_over(void *arg)
{
	struct ps_conf *c = arg;
	struct ps_core_settings *g = ps_conf_section_get(c, "general");
	struct test_store *s = ps_conf_section_get(c, "store");
	struct ps_diag d;
	int rc;

	rc = ps_conf_load_mem(c, "r.yaml", realistic, strlen(realistic), &d);
	if (rc == PS_OK)
		return rc;
	if (rc != PS_ENOMEM || strcmp(d.msg, "out of memory") != 0 ||
	    strcmp(s->path, "磐石.db") != 0 || s->retries != -2 ||
	    strcmp(g->policy_dir, "/etc/panshi/policy") != 0 ||
	    strcmp(g->data_dir, "var") != 0 || s->cache != 512 * 1024)
		return PS_OK; /* makes the strict torture report -1 */
	return rc;
}

static void test_torture(void **state)
{
	struct ps_mem_stats before, after;
	struct ps_conf c;
	struct ps_diag d;
	long runs;

	(void)state;
	ps_mem_stats_get(PS_MEM_CONF, &before);
	runs = ps_mem_torture(init_and_load, NULL, true);
	assert_true(runs > 10);
	ps_mem_stats_get(PS_MEM_CONF, &after);
	assert_int_equal(after.bytes, before.bytes);

	conf_setup(&c);
	assert_int_equal(load(&c, good_yaml, &d), PS_OK);
	runs = ps_mem_torture(load_over, &c, true);
	assert_true(runs > 5);
	assert_text(&c, "store.path", "panshi-prod.db");
	assert_text(&c, "general.data_dir", "/var/lib/panshi");
	ps_conf_release(&c);
	ps_mem_stats_get(PS_MEM_CONF, &after);
	assert_int_equal(after.bytes, before.bytes);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_load_valid),
		cmocka_unit_test(test_empty_files),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_suffixes),
		cmocka_unit_test(test_atomic),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_bad_tables),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_torture),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
