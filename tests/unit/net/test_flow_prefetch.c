/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Flow table prefetch hints: a packet prefetched in one table finds the
 * same flows as one that was not, and a hash kept in a packet by another
 * table (another seed) is ignored.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/core.h"
#include "net/flow.h"

/* A decoded UDP or TCP packet as the decoders would fill it. */
static struct ps_packet pkt(const char *src, uint16_t sport, const char *dst,
			    uint16_t dport, uint8_t proto, int64_t ts)
{
	struct ps_packet p;

	memset(&p, 0, sizeof(p));
	p.ts_us = ts;
	p.flags = PS_PKT_HAS_L3 | PS_PKT_HAS_L4;
	p.family = (uint8_t)ps_addr_parse(src, &p.src);
	assert_int_equal(ps_addr_parse(dst, &p.dst), p.family);
	p.ip_proto = proto;
	p.sport = sport;
	p.dport = dport;
	p.tcp_flags = proto == PS_IPPROTO_TCP ? PS_TH_ACK : 0;
	p.wirelen = p.caplen = 60;
	return p;
}

static void table_init(struct ps_flow_table *t)
{
	struct ps_flow_config c;

	ps_flow_config_default(&c);
	c.hash_size = 1u << 4;   /* small: chains of several flows */
	assert_int_equal(ps_flow_table_init(t, &c, NULL, NULL), PS_OK);
}

static void test_flow_prefetch_same_flows(void **unused)
{
	struct ps_flow_table a, b;
	struct ps_flow *fa[64];
	char ip[32];
	int i, da, db;

	(void)unused;
	table_init(&a);
	table_init(&b);
	for (i = 0; i < 64; i++) {
		struct ps_packet p, q;

		snprintf(ip, sizeof(ip), "10.0.0.%d", i);
		p = pkt(ip, (uint16_t)(40000 + i), "192.0.2.1", 53,
			i % 2 ? PS_IPPROTO_TCP : PS_IPPROTO_UDP, 1000 + i);
		q = p;
		ps_flow_table_prefetch(&a, &p);
		assert_int_not_equal(p.flow_tag, 0);
		ps_flow_table_prefetch_flow(&a, &p);
		fa[i] = ps_flow_table_get(&a, &p, &da);
		assert_non_null(fa[i]);
		assert_non_null(ps_flow_table_get(&b, &q, &db));
		assert_int_equal(da, db);
	}
	/* The answers, prefetched or not, find the flows made above. */
	for (i = 0; i < 64; i++) {
		struct ps_packet p;

		snprintf(ip, sizeof(ip), "10.0.0.%d", i);
		p = pkt("192.0.2.1", 53, ip, (uint16_t)(40000 + i),
			i % 2 ? PS_IPPROTO_TCP : PS_IPPROTO_UDP, 2000 + i);
		if (i % 3)
			ps_flow_table_prefetch(&a, &p);
		assert_ptr_equal(ps_flow_table_get(&a, &p, &da), fa[i]);
		assert_int_equal(da, PS_FLOW_TOCLIENT);
		/* b keyed differently: a's hash in p must not be used */
		assert_non_null(ps_flow_table_get(&b, &p, &db));
		assert_int_equal(db, PS_FLOW_TOCLIENT);
	}
	assert_int_equal(a.st.created, 64);
	assert_int_equal(b.st.created, 64);
	ps_flow_table_release(&a);
	ps_flow_table_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flow_prefetch_same_flows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
