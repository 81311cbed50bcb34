/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests of the "traffic:" configuration section: its defaults are the
 * engine's code defaults, a file fills every field of struct
 * ps_engine_config, bad values are refused with file:line and the key, and
 * `panshi --config X analyze` runs the engine with the file's settings.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>

#include "cli/cli.h"
#include "core/core.h"
#include "engine/engine_conf.h"

static const struct ps_conf_section *const secs[] = {
	&ps_core_conf_section,
	&ps_engine_conf_section,
};

static char tmpdir[256];
static char out[1 << 16], err[1 << 16];

static void conf_new(struct ps_conf *c)
{
	struct ps_diag d = {{0}};

	assert_int_equal(ps_conf_init(c, secs, PS_ARRAY_LEN(secs), &d), PS_OK);
}

static int load(struct ps_conf *c, const char *text, struct ps_diag *d)
{
	d->msg[0] = '\0';
	return ps_conf_load_mem(c, "t.yaml", text, strlen(text), d);
}

static void test_defaults(void **state)
{
	struct ps_engine_config want, got;
	struct ps_conf c;
	struct ps_diag d = {{0}};

	(void)state;
	conf_new(&c);
	ps_engine_config_default(&want);
	memset(&got, 0xa5, sizeof(got));
	assert_int_equal(ps_engine_config_from_conf(&got, &c, &d), PS_OK);
	/* Both start from memset + the same defaults, so padding agrees too. */
	assert_memory_equal(&got.decode, &want.decode, sizeof(want.decode));
	assert_memory_equal(&got.flow, &want.flow, sizeof(want.flow));
	assert_int_equal(got.workers, want.workers);
	assert_int_equal(got.ring_bytes, want.ring_bytes);
	assert_int_equal(got.store_batch, want.store_batch);
	assert_true(got.flow_events == want.flow_events);
	assert_null(got.eve);
	assert_null(got.store);
	assert_string_equal(got.sensor, want.sensor);
	/* spot checks against the documented numbers, not only the function */
	assert_int_equal(got.flow.hash_size, 1u << 20);
	assert_int_equal(got.flow.memcap, UINT64_C(512) << 20);
	assert_int_equal(got.flow.timeout[PS_FLOW_PROTO_TCP].est_s, 600);
	assert_int_equal(got.decode.vxlan_port, 4789);
	ps_conf_release(&c);

	/* without the section registered: the defaults as well */
	{
		static const struct ps_conf_section *const only_core[] = {
			&ps_core_conf_section,
		};

		assert_int_equal(ps_conf_init(&c, only_core, 1, &d), PS_OK);
		memset(&got, 0xa5, sizeof(got));
		assert_int_equal(ps_engine_config_from_conf(&got, &c, &d), PS_OK);
		assert_memory_equal(&got.flow, &want.flow, sizeof(want.flow));
		assert_memory_equal(&got.decode, &want.decode, sizeof(want.decode));
		ps_conf_release(&c);
	}
}

/* Every key set away from its default. */
static const char overrides[] =
	"traffic:\n"
	"  workers: 8\n"
	"  ring_size: 64M\n"
	"  flow_events: off\n"
	"  flow_memcap: 2G\n"
	"  flow_hash_size: 65536\n"
	"  flow_emergency_recovery: 50\n"
	"  tcp_new_timeout: 30\n"
	"  tcp_established_timeout: 2h\n"
	"  tcp_closed_timeout: 20s\n"
	"  tcp_emergency_new_timeout: 2\n"
	"  tcp_emergency_established_timeout: 1m\n"
	"  tcp_emergency_closed_timeout: 3\n"
	"  udp_new_timeout: 11\n"
	"  udp_established_timeout: 12\n"
	"  udp_emergency_new_timeout: 13\n"
	"  udp_emergency_established_timeout: 14\n"
	"  icmp_new_timeout: 21\n"
	"  icmp_established_timeout: 22\n"
	"  icmp_emergency_new_timeout: 23\n"
	"  icmp_emergency_established_timeout: 24\n"
	"  other_new_timeout: 31\n"
	"  other_established_timeout: 32\n"
	"  other_emergency_new_timeout: 33\n"
	"  other_emergency_established_timeout: 34\n"
	"  stream_depth: 0\n"
	"  stream_ooo_max_bytes: 256k\n"
	"  stream_ooo_max_segs: 200\n"
	"  decode_tunnels: no\n"
	"  max_tunnel_depth: 2\n"
	"  vxlan_port: 8472\n"
	"  gtpu_port: 0\n"
	"  geneve_port: 6082\n"
	"  mpls_udp_port: 6636\n"
	"  defrag: false\n"
	"  defrag_memcap: 1G\n"
	"  defrag_max_trackers: 1000\n"
	"  defrag_timeout: 90s\n"
	"  defrag_max_frags: 44\n";

static void check_timeouts(const struct ps_flow_timeouts *to, uint32_t n,
			   uint32_t e, uint32_t en, uint32_t ee)
{
	assert_int_equal(to->new_s, n);
	assert_int_equal(to->est_s, e);
	assert_int_equal(to->emerg_new_s, en);
	assert_int_equal(to->emerg_est_s, ee);
}

static void test_overrides(void **state)
{
	struct ps_engine_config c, def;
	struct ps_conf conf;
	struct ps_diag d = {{0}};
	const struct ps_flow_timeouts *to;

	(void)state;
	conf_new(&conf);
	assert_int_equal(load(&conf, overrides, &d), PS_OK);
	/* every item of the table is in `overrides` */
	for (size_t i = 0; i < ps_engine_conf_section.n_items; i++) {
		char dotted[96];

		snprintf(dotted, sizeof(dotted), "traffic.%s",
			 ps_engine_conf_section.items[i].key);
		assert_true(ps_conf_is_set(&conf, dotted));
	}
	assert_int_equal(ps_engine_config_from_conf(&c, &conf, &d), PS_OK);
	assert_int_equal(c.workers, 8);
	assert_int_equal(c.ring_bytes, 64u << 20);
	assert_false(c.flow_events);
	assert_int_equal(c.flow.memcap, UINT64_C(2) << 30);
	assert_int_equal(c.flow.hash_size, 65536);
	assert_int_equal(c.flow.emergency_recovery, 50);
	to = &c.flow.timeout[PS_FLOW_PROTO_TCP];
	check_timeouts(to, 30, 7200, 2, 60);
	assert_int_equal(to->closed_s, 20);
	assert_int_equal(to->emerg_closed_s, 3);
	check_timeouts(&c.flow.timeout[PS_FLOW_PROTO_UDP], 11, 12, 13, 14);
	check_timeouts(&c.flow.timeout[PS_FLOW_PROTO_ICMP], 21, 22, 23, 24);
	check_timeouts(&c.flow.timeout[PS_FLOW_PROTO_OTHER], 31, 32, 33, 34);
	/* datagram flows never close: their closed timeouts stay as coded */
	ps_engine_config_default(&def);
	assert_int_equal(c.flow.timeout[PS_FLOW_PROTO_UDP].closed_s,
			 def.flow.timeout[PS_FLOW_PROTO_UDP].closed_s);
	assert_int_equal(c.flow.stream.depth, 0);
	assert_int_equal(c.flow.stream.ooo_max_bytes, 256u << 10);
	assert_int_equal(c.flow.stream.ooo_max_segs, 200);
	assert_false(c.decode.decode_tunnels);
	assert_int_equal(c.decode.max_tunnel_depth, 2);
	assert_int_equal(c.decode.vxlan_port, 8472);
	assert_int_equal(c.decode.gtpu_port, 0);
	assert_int_equal(c.decode.geneve_port, 6082);
	assert_int_equal(c.decode.mpls_udp_port, 6636);
	assert_false(c.decode.defrag);
	assert_int_equal(c.decode.defrag_memcap, UINT64_C(1) << 30);
	assert_int_equal(c.decode.defrag_max_trackers, 1000);
	assert_int_equal(c.decode.defrag_timeout_s, 90);
	assert_int_equal(c.decode.defrag_max_frags, 44);
	/* outputs are the caller's */
	assert_null(c.eve);
	assert_null(c.store);
	assert_int_equal(c.store_batch, def.store_batch);
	ps_conf_release(&conf);
}

/* `text` must be refused, naming t.yaml:line and traffic.<key>. */
static void refused(struct ps_conf *c, const char *text, unsigned line,
		    const char *key, const char *also)
{
	struct ps_diag d = {{0}};
	char where[32], dotted[96];

	assert_int_equal(load(c, text, &d), PS_EINVAL);
	snprintf(where, sizeof(where), "t.yaml:%u: ", line);
	snprintf(dotted, sizeof(dotted), "'traffic.%s'", key);
	if (strncmp(d.msg, where, strlen(where)) != 0 || !strstr(d.msg, dotted) ||
	    (also && !strstr(d.msg, also)))
		fail_msg("for %s: got \"%s\"", key, d.msg);
}

static void test_rejects(void **state)
{
	struct ps_engine_config ec;
	struct ps_conf c;
	struct ps_diag d = {{0}};
	const struct ps_engine_settings *s;

	(void)state;
	conf_new(&c);
	refused(&c, "traffic:\n  workers: 2\n  flow_hash_size: 1000\n", 3,
		"flow_hash_size", "did you mean '1024'");
	refused(&c, "traffic:\n  flow_hash_size: 512\n", 2, "flow_hash_size",
		"must be one of 1024, 2048");
	refused(&c, "traffic:\n  flow_hash_size: 0x1000\n", 2,
		"flow_hash_size", NULL);
	refused(&c, "traffic:\n  workers: 65\n", 2, "workers",
		"between 1 and 64");
	refused(&c, "traffic:\n  workers: 0\n", 2, "workers", NULL);
	refused(&c, "traffic:\n\n  flow_memcap: 512k\n", 3, "flow_memcap",
		"between 1M and 1T");
	refused(&c, "traffic:\n  tcp_new_timeout: 8d\n", 2, "tcp_new_timeout",
		"between 0s and 7d");
	refused(&c, "traffic:\n  udp_new_timeout: -1\n", 2, "udp_new_timeout",
		"duration");
	refused(&c, "traffic:\n  vxlan_port: 65536\n", 2, "vxlan_port", NULL);
	refused(&c, "traffic:\n  flow_emergency_recovery: 100\n", 2,
		"flow_emergency_recovery", NULL);
	refused(&c, "traffic:\n  stream_ooo_max_segs: 65536\n", 2,
		"stream_ooo_max_segs", NULL);
	refused(&c, "traffic:\n  stream_depth: 2G\n", 2, "stream_depth", NULL);
	refused(&c, "traffic:\n  defrag_timeout: 0\n", 2, "defrag_timeout", NULL);
	refused(&c, "traffic:\n  defrag_max_frags: 0\n", 2, "defrag_max_frags",
		NULL);
	refused(&c, "traffic:\n  max_tunnel_depth: 17\n", 2, "max_tunnel_depth",
		NULL);
	refused(&c, "traffic:\n  flow_events: maybe\n", 2, "flow_events",
		"boolean");
	refused(&c, "traffic:\n  udp_closed_timeout: 5\n", 2,
		"udp_closed_timeout", "unknown key");
	/* a refused file leaves the previous values */
	s = ps_conf_section_get(&c, "traffic");
	assert_int_equal(s->workers, 1);
	assert_false(ps_conf_is_set(&c, "traffic.workers"));

	/* the buckets alone must fit in the flow memcap: both keys named */
	assert_int_equal(load(&c, "traffic:\n  flow_memcap: 256M\n"
				  "  flow_hash_size: 67108864\n", &d), PS_OK);
	assert_int_equal(ps_engine_config_from_conf(&ec, &c, &d), PS_EINVAL);
	assert_non_null(strstr(d.msg, "'traffic.flow_hash_size'"));
	assert_non_null(strstr(d.msg, "'traffic.flow_memcap'"));
	assert_int_equal(load(&c, "traffic:\n  flow_memcap: 512M\n"
				  "  flow_hash_size: 67108864\n", &d), PS_OK);
	assert_int_equal(ps_engine_config_from_conf(&ec, &c, &d), PS_OK);
	assert_int_equal(ec.flow.hash_size, 1u << 26);
	ps_conf_release(&c);
}

/* A file on disk: the message names its path and line. */
static void test_reject_file(void **state)
{
	struct ps_conf c;
	struct ps_diag d = {{0}};
	char path[300], want[400];
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/bad.yaml", tmpdir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("# comment\ntraffic:\n  workers: 2\n  flow_hash_size: 1000\n", f);
	fclose(f);
	conf_new(&c);
	assert_int_equal(ps_conf_load_file(&c, path, &d), PS_EINVAL);
	snprintf(want, sizeof(want), "%s:4: 'traffic.flow_hash_size' must be one of", path);
	assert_non_null(strstr(d.msg, want));
	ps_conf_release(&c);
}

/* Run panshi with the given NULL-terminated arguments; capture output. */
static int run(const char *first, ...)
{
	char *argv[32];
	int argc = 0, rc;
	FILE *o = tmpfile(), *e = tmpfile();
	va_list ap;
	size_t n;

	assert_non_null(o);
	assert_non_null(e);
	argv[argc++] = (char *)"panshi";
	va_start(ap, first);
	for (const char *a = first; a != NULL && argc < 31; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;
	rc = ps_cli_run(argc, argv, o, e);
	rewind(o);
	n = fread(out, 1, sizeof(out) - 1, o);
	out[n] = '\0';
	rewind(e);
	n = fread(err, 1, sizeof(err) - 1, e);
	err[n] = '\0';
	fclose(o);
	fclose(e);
	return rc;
}

/* Events in an EVE file of the given type; fails on a line that is not JSON. */
static int count_events(const char *path, const char *type)
{
	char line[1 << 14];
	FILE *f = fopen(path, "r");
	int n = 0, lines = 0;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		json_error_t je;
		json_t *j = json_loads(line, 0, &je);
		const char *t;

		assert_non_null(j);
		t = json_string_value(json_object_get(j, "event_type"));
		assert_non_null(t);
		n += strcmp(t, type) == 0;
		lines++;
		json_decref(j);
	}
	fclose(f);
	assert_true(lines > 0);
	return n;
}

static void write_conf(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_cli_analyze(void **state)
{
	const char *src = getenv("PANSHI_SOURCE_DIR");
	char pcap[512], eve[300], off[300], on[300], bad[300], mem[300];

	(void)state;
	snprintf(pcap, sizeof(pcap), "%s/samples/pcap/dns-google.pcap",
		 src ? src : ".");
	if (access(pcap, R_OK) != 0)
		skip();
	snprintf(eve, sizeof(eve), "%s/eve.json", tmpdir);
	snprintf(off, sizeof(off), "%s/off.yaml", tmpdir);
	snprintf(on, sizeof(on), "%s/on.yaml", tmpdir);
	snprintf(bad, sizeof(bad), "%s/hash.yaml", tmpdir);
	snprintf(mem, sizeof(mem), "%s/mem.yaml", tmpdir);
	write_conf(off, "traffic:\n  flow_events: false\n  workers: 2\n");
	write_conf(on, "traffic:\n  flow_events: true\n  tcp_new_timeout: 5s\n");
	write_conf(bad, "general:\n  log_level: notice\ntraffic:\n"
			"  flow_hash_size: 1000\n");
	write_conf(mem, "traffic:\n  flow_memcap: 4M\n");

	/* the code defaults: three DNS flows, each with its flow event */
	assert_int_equal(run("--quiet", "analyze", "--no-store", "--eve", eve,
			     pcap, NULL), 0);
	assert_int_equal(count_events(eve, "flow"), 3);
	assert_int_equal(count_events(eve, "dns"), 6);
	/* traffic.flow_events: false (with two workers): none */
	assert_int_equal(run("--config", off, "--quiet", "analyze", "--no-store",
			     "--eve", eve, pcap, NULL), 0);
	assert_int_equal(count_events(eve, "flow"), 0);
	assert_int_equal(count_events(eve, "dns"), 6);
	/* the command line wins over the file */
	assert_int_equal(run("--config", on, "--quiet", "analyze", "--no-store",
			     "--no-flow-events", "--eve", eve, pcap, NULL), 0);
	assert_int_equal(count_events(eve, "flow"), 0);
	assert_int_equal(run("--config", off, "--quiet", "analyze", "--no-store",
			     "--workers", "1", "--eve", eve, pcap, NULL), 0);
	assert_int_equal(count_events(eve, "flow"), 0);
	/* a bad value stops the command with file:line and the key */
	assert_int_equal(run("--config", bad, "analyze", "--no-store", pcap,
			     NULL), 1);
	assert_non_null(strstr(err, "hash.yaml:4: 'traffic.flow_hash_size'"));
	/* keys that do not fit together: the file and both keys */
	assert_int_equal(run("--config", mem, "analyze", "--no-store", pcap,
			     NULL), 1);
	assert_non_null(strstr(err, "mem.yaml: 'traffic.flow_hash_size'"));
	assert_non_null(strstr(err, "'traffic.flow_memcap'"));
	/* config dump shows the file's values in the traffic section */
	assert_int_equal(run("--config", on, "config", "dump", NULL), 0);
	assert_non_null(strstr(out, "\ntraffic:\n"));
	assert_non_null(strstr(out, "\n  tcp_new_timeout: 5s\n"));
	assert_non_null(strstr(out, "\n  flow_hash_size: 1048576\n"));
}

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/panshi-engconf-XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	unsetenv("PANSHI_DB");
	unsetenv("PANSHI_CONFIG");
	setenv("PANSHI_LANG", "en", 1);
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_overrides),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_reject_file),
		cmocka_unit_test(test_cli_analyze),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
