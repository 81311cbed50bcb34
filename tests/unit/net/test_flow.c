/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Flow table: symmetric lookup, orientation, TCP state, port reuse,
 * timeouts on packet time, memcap eviction, flush, flow ids, accounting.
 * Packets are built by hand as the decoders would fill struct ps_packet.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/core.h"
#include "net/flow.h"

#define S(x) ((int64_t)(x) * 1000000) /* seconds -> µs */

/* What the end callback saw. */
struct ends {
	int n;
	int why[64];
	uint64_t id[64];
	int app_ok;
};

static void on_end(void *arg, struct ps_flow *f, enum ps_flow_end why)
{
	struct ends *e = arg;

	if (e->n < 64) {
		e->why[e->n] = why;
		e->id[e->n] = f->flow_id;
	}
	e->n++;
	if (f->app == (void *)e)
		e->app_ok++;
}

/* A decoded packet: addresses as text, ports, protocol, TCP fields. */
static struct ps_packet pkt(const char *src, uint16_t sport, const char *dst, uint16_t dport,
			    uint8_t proto, uint8_t tcp_flags, int64_t ts)
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
	p.tcp_flags = tcp_flags;
	p.wirelen = 60;
	p.caplen = 60;
	return p;
}

static void table_init(struct ps_flow_table *t, struct ends *e, uint64_t memcap, uint32_t hash)
{
	struct ps_flow_config c;

	ps_flow_config_default(&c);
	if (memcap != 0)
		c.memcap = memcap;
	c.hash_size = hash;
	memset(e, 0, sizeof(*e));
	assert_int_equal(ps_flow_table_init(t, &c, on_end, e), PS_OK);
}

static struct ps_flow *get(struct ps_flow_table *t, const struct ps_packet *p, int want_dir)
{
	int dir = -1;
	struct ps_flow *f = ps_flow_table_get(t, p, &dir);

	assert_non_null(f);
	assert_int_equal(dir, want_dir);
	return f;
}

static void test_symmetric_lookup(void **unused)
{
	struct ps_flow_table t;
	struct ps_flow_stats st;
	struct ends e;
	struct ps_packet a, b;
	struct ps_flow *f, *g;

	(void)unused;
	table_init(&t, &e, 0, 1024);
	/* 10.0.0.2:40000 -> 10.0.0.1:53 UDP, 60 wire bytes, then the reply */
	a = pkt("10.0.0.2", 40000, "10.0.0.1", 53, PS_IPPROTO_UDP, 0, S(1));
	b = pkt("10.0.0.1", 53, "10.0.0.2", 40000, PS_IPPROTO_UDP, 0, S(2));
	b.wirelen = 100;
	f = get(&t, &a, PS_FLOW_TOSERVER);
	assert_int_equal(f->state, PS_FLOW_NEW);
	g = get(&t, &b, PS_FLOW_TOCLIENT);
	assert_ptr_equal(f, g);
	assert_int_equal(f->state, PS_FLOW_ESTABLISHED);
	g = get(&t, &a, PS_FLOW_TOSERVER);
	assert_ptr_equal(f, g);
	assert_int_equal(f->pkts[PS_FLOW_TOSERVER], 2);
	assert_int_equal(f->pkts[PS_FLOW_TOCLIENT], 1);
	assert_int_equal(f->bytes[PS_FLOW_TOSERVER], 120);
	assert_int_equal(f->bytes[PS_FLOW_TOCLIENT], 100);
	assert_int_equal(f->start_us, S(1));
	assert_int_equal(f->last_us, S(2));
	assert_int_equal(f->cport, 40000);
	assert_int_equal(f->sport, 53);
	assert_null(f->tcp);
	/* the key is normalised: lo is 10.0.0.1 */
	assert_int_equal(f->key.lo.b[3], 1);
	assert_int_equal(f->key.plo, 53);

	/* another source port, VLAN, tunnel id or protocol: other flows */
	a.sport = 40001;
	assert_ptr_not_equal(get(&t, &a, PS_FLOW_TOSERVER), f);
	a.sport = 40000;
	a.vlan_n = 1;
	a.vlan[0] = 100;
	g = get(&t, &a, PS_FLOW_TOSERVER);
	assert_ptr_not_equal(g, f);
	assert_int_equal(g->vlan, 100);
	a.vlan_n = 0;
	a.tunnel_id = 7;
	assert_ptr_not_equal(get(&t, &a, PS_FLOW_TOSERVER), f);
	a.tunnel_id = 0;
	a.ip_proto = PS_IPPROTO_TCP;
	assert_ptr_not_equal(get(&t, &a, PS_FLOW_TOSERVER), f);
	ps_flow_table_stats(&t, &st);
	assert_int_equal(st.created, 5);
	assert_int_equal(st.active, 5);

	/* no L3: no flow */
	a.flags = 0;
	{
		int dir = -1;

		assert_null(ps_flow_table_get(&t, &a, &dir));
	}
	ps_flow_table_release(&t);
	assert_int_equal(e.n, 5);
}

static void test_ipv6_same_host(void **unused)
{
	struct ps_flow_table t;
	struct ends e;
	struct ps_packet a, b;
	struct ps_flow *f;

	(void)unused;
	table_init(&t, &e, 0, 64);
	/* [2001:db8::1]:5000 -> [2001:db8::1]:6000, same host both ends */
	a = pkt("2001:db8::1", 5000, "2001:db8::1", 6000, PS_IPPROTO_UDP, 0, S(1));
	b = pkt("2001:db8::1", 6000, "2001:db8::1", 5000, PS_IPPROTO_UDP, 0, S(1));
	f = get(&t, &a, PS_FLOW_TOSERVER);
	assert_int_equal(f->family, PS_AF_INET6);
	assert_ptr_equal(get(&t, &b, PS_FLOW_TOCLIENT), f);
	/* 2001:db8::2 differs only in the last word of the address */
	b = pkt("2001:db8::2", 6000, "2001:db8::1", 5000, PS_IPPROTO_UDP, 0, S(1));
	assert_ptr_not_equal(get(&t, &b, PS_FLOW_TOSERVER), f);
	ps_flow_table_release(&t);
}

static void test_orientation(void **unused)
{
	struct ps_flow_table t;
	struct ends e;
	struct ps_packet p;
	struct ps_flow *f;

	(void)unused;
	table_init(&t, &e, 0, 64);
	/* SYN+ACK 10.0.0.1:80 -> 10.0.0.2:40000 seen first: sender is the server */
	p = pkt("10.0.0.1", 80, "10.0.0.2", 40000, PS_IPPROTO_TCP, PS_TH_SYN | PS_TH_ACK, S(1));
	f = get(&t, &p, PS_FLOW_TOCLIENT);
	assert_int_equal(f->cli.b[3], 2);
	assert_int_equal(f->cport, 40000);
	assert_int_equal(f->sport, 80);
	assert_int_equal(f->tcp_state, PS_TCP_SYN_RECV);
	assert_int_equal(f->tcp_flags[PS_FLOW_TOCLIENT], PS_TH_SYN | PS_TH_ACK);
	assert_int_equal(f->pkts[PS_FLOW_TOCLIENT], 1);

	/* ACK without SYN from 443 to 50000: the server again */
	p = pkt("10.0.0.3", 443, "10.0.0.4", 50000, PS_IPPROTO_TCP, PS_TH_ACK, S(1));
	f = get(&t, &p, PS_FLOW_TOCLIENT);
	assert_int_equal(f->sport, 443);
	assert_int_equal(f->tcp_state, PS_TCP_ESTABLISHED); /* midstream */

	/* ACK without SYN from 50000 to 443: the sender is the client */
	p = pkt("10.0.0.5", 50000, "10.0.0.6", 443, PS_IPPROTO_TCP, PS_TH_ACK, S(1));
	f = get(&t, &p, PS_FLOW_TOSERVER);
	assert_int_equal(f->sport, 443);

	/* a SYN from a low port to a high one: the SYN wins */
	p = pkt("10.0.0.7", 80, "10.0.0.8", 50000, PS_IPPROTO_TCP, PS_TH_SYN, S(1));
	f = get(&t, &p, PS_FLOW_TOSERVER);
	assert_int_equal(f->cport, 80);
	assert_int_equal(f->tcp_state, PS_TCP_SYN_SENT);

	/* UDP keeps the first sender as client, even from port 53 */
	p = pkt("10.0.0.9", 53, "10.0.0.10", 50000, PS_IPPROTO_UDP, 0, S(1));
	f = get(&t, &p, PS_FLOW_TOSERVER);
	assert_int_equal(f->cport, 53);
	ps_flow_table_release(&t);
}

/* One TCP packet of the 10.0.0.2:40000 <-> 10.0.0.1:80 connection. */
static struct ps_packet tcp(int to_client, uint8_t flags, uint32_t seq, uint32_t ack, int64_t ts)
{
	struct ps_packet p = to_client
		? pkt("10.0.0.1", 80, "10.0.0.2", 40000, PS_IPPROTO_TCP, flags, ts)
		: pkt("10.0.0.2", 40000, "10.0.0.1", 80, PS_IPPROTO_TCP, flags, ts);

	p.tcp_seq = seq;
	p.tcp_ack = ack;
	return p;
}

static void test_tcp_states(void **unused)
{
	struct ps_flow_table t;
	struct ends e;
	struct ps_packet p;
	struct ps_flow *f;

	(void)unused;
	table_init(&t, &e, 0, 64);
	p = tcp(0, PS_TH_SYN, 1000, 0, S(1)); /* client ISN 1000 */
	f = get(&t, &p, PS_FLOW_TOSERVER);
	assert_non_null(f->tcp);
	assert_int_equal(f->tcp_state, PS_TCP_SYN_SENT);
	assert_int_equal(f->state, PS_FLOW_NEW);
	p = tcp(1, PS_TH_SYN | PS_TH_ACK, 5000, 1001, S(1)); /* server ISN 5000 */
	get(&t, &p, PS_FLOW_TOCLIENT);
	assert_int_equal(f->tcp_state, PS_TCP_SYN_RECV);
	assert_int_equal(f->state, PS_FLOW_NEW);
	p = tcp(0, PS_TH_ACK, 1001, 5001, S(1));
	get(&t, &p, PS_FLOW_TOSERVER);
	assert_int_equal(f->tcp_state, PS_TCP_ESTABLISHED);
	assert_int_equal(f->state, PS_FLOW_ESTABLISHED);
	/* client closes: FIN at 1001 (no data), server ACKs 1002 */
	p = tcp(0, PS_TH_FIN | PS_TH_ACK, 1001, 5001, S(2));
	get(&t, &p, PS_FLOW_TOSERVER);
	assert_int_equal(f->tcp_state, PS_TCP_FIN_WAIT);
	p = tcp(1, PS_TH_ACK, 5001, 1001, S(2)); /* does not ack the FIN yet */
	get(&t, &p, PS_FLOW_TOCLIENT);
	assert_int_equal(f->tcp_state, PS_TCP_FIN_WAIT);
	p = tcp(1, PS_TH_ACK, 5001, 1002, S(2));
	get(&t, &p, PS_FLOW_TOCLIENT);
	assert_int_equal(f->tcp_state, PS_TCP_CLOSING);
	assert_int_equal(f->state, PS_FLOW_ESTABLISHED);
	p = tcp(1, PS_TH_FIN | PS_TH_ACK, 5001, 1002, S(2));
	get(&t, &p, PS_FLOW_TOCLIENT);
	assert_int_equal(f->tcp_state, PS_TCP_CLOSED);
	assert_int_equal(f->state, PS_FLOW_CLOSED);
	assert_int_equal(f->tcp_flags[PS_FLOW_TOSERVER], PS_TH_SYN | PS_TH_ACK | PS_TH_FIN);
	/* the last ACK keeps it closed and in the same flow */
	p = tcp(0, PS_TH_ACK, 1002, 5002, S(2));
	assert_ptr_equal(get(&t, &p, PS_FLOW_TOSERVER), f);
	assert_int_equal(f->tcp_state, PS_TCP_CLOSED);

	/* RST closes at once, even midstream */
	p = pkt("10.0.0.3", 40000, "10.0.0.1", 80, PS_IPPROTO_TCP, PS_TH_ACK, S(3));
	f = get(&t, &p, PS_FLOW_TOSERVER);
	assert_int_equal(f->tcp_state, PS_TCP_ESTABLISHED);
	p = pkt("10.0.0.1", 80, "10.0.0.3", 40000, PS_IPPROTO_TCP, PS_TH_RST, S(3));
	get(&t, &p, PS_FLOW_TOCLIENT);
	assert_int_equal(f->tcp_state, PS_TCP_CLOSED);
	assert_int_equal(f->state, PS_FLOW_CLOSED);
	assert_string_equal(ps_tcp_state_name(f->tcp_state), "closed");
	assert_string_equal(ps_flow_state_name(f->state), "closed");
	ps_flow_table_release(&t);
	assert_int_equal(e.n, 2);
}

static void test_port_reuse(void **unused)
{
	struct ps_flow_table t;
	struct ps_flow_stats st;
	struct ends e;
	struct ps_packet p;
	struct ps_flow *f, *g;
	uint64_t old_id;

	(void)unused;
	table_init(&t, &e, 0, 64);
	p = tcp(0, PS_TH_SYN, 1000, 0, S(1));
	f = get(&t, &p, PS_FLOW_TOSERVER);
	f->app = &e;
	old_id = f->flow_id;
	p = tcp(1, PS_TH_RST | PS_TH_ACK, 0, 1001, S(1)); /* refused */
	get(&t, &p, PS_FLOW_TOCLIENT);
	assert_int_equal(f->tcp_state, PS_TCP_CLOSED);
	/* a SYN+ACK on the closed flow is not a new connection */
	p = tcp(1, PS_TH_SYN | PS_TH_ACK, 7, 1001, S(2));
	assert_ptr_equal(get(&t, &p, PS_FLOW_TOCLIENT), f);
	assert_int_equal(e.n, 0);
	/* the client retries with a new SYN: the old flow ends, a new one starts */
	p = tcp(0, PS_TH_SYN, 9000, 0, S(3));
	g = get(&t, &p, PS_FLOW_TOSERVER);
	assert_int_equal(e.n, 1);
	assert_int_equal(e.why[0], PS_FLOW_END_REUSE);
	assert_int_equal(e.id[0], old_id);
	assert_int_equal(e.app_ok, 1);
	assert_int_equal(g->tcp_state, PS_TCP_SYN_SENT);
	assert_int_equal(g->pkts[PS_FLOW_TOSERVER], 1);
	assert_int_equal(g->pkts[PS_FLOW_TOCLIENT], 0);
	assert_int_equal(g->start_us, S(3));
	assert_null(g->app);
	assert_true(g->flow_id != old_id);
	ps_flow_table_stats(&t, &st);
	assert_int_equal(st.tcp_reuse, 1);
	assert_int_equal(st.active, 1);
	assert_int_equal(st.created, 2);
	assert_string_equal(ps_flow_end_name(PS_FLOW_END_REUSE), "reuse");
	ps_flow_table_release(&t);
}

static void test_timeouts(void **unused)
{
	struct ps_flow_table t;
	struct ps_flow_stats st;
	struct ends e;
	struct ps_packet u, c;

	(void)unused;
	table_init(&t, &e, 0, 64);
	/* UDP one way: NEW, 30 s. TCP midstream both ways: ESTABLISHED, 600 s. */
	u = pkt("10.0.0.2", 40000, "10.0.0.1", 53, PS_IPPROTO_UDP, 0, S(100));
	get(&t, &u, PS_FLOW_TOSERVER);
	c = tcp(0, PS_TH_ACK, 1, 1, S(100));
	get(&t, &c, PS_FLOW_TOSERVER);
	c = tcp(1, PS_TH_ACK, 1, 1, S(100));
	get(&t, &c, PS_FLOW_TOCLIENT);
	ps_flow_table_tick(&t, S(100));
	ps_flow_table_tick(&t, S(129) + 900000);
	assert_int_equal(e.n, 0);
	ps_flow_table_tick(&t, S(130) + 1); /* 30 s and 1 µs idle */
	assert_int_equal(e.n, 1);
	assert_int_equal(e.why[0], PS_FLOW_END_TIMEOUT);
	/* ticks within the same second do no work, times going back neither */
	ps_flow_table_tick(&t, S(130) + 500000);
	ps_flow_table_tick(&t, S(50));
	/* the TCP flow stays alive while packets keep coming */
	for (int s = 200; s <= 1000; s += 100) {
		c = tcp(0, PS_TH_ACK, 1, 1, S(s));
		get(&t, &c, PS_FLOW_TOSERVER);
		ps_flow_table_tick(&t, S(s));
	}
	assert_int_equal(e.n, 1);
	ps_flow_table_tick(&t, S(1599));
	assert_int_equal(e.n, 1);
	ps_flow_table_tick(&t, S(1601));
	assert_int_equal(e.n, 2);
	/* a closed TCP flow goes after 60 s */
	c = tcp(0, PS_TH_RST, 1, 1, S(2000));
	get(&t, &c, PS_FLOW_TOSERVER);
	ps_flow_table_tick(&t, S(2059));
	assert_int_equal(e.n, 2);
	ps_flow_table_tick(&t, S(2061));
	assert_int_equal(e.n, 3);
	ps_flow_table_stats(&t, &st);
	assert_int_equal(st.timed_out, 3);
	assert_int_equal(st.active, 0);
	ps_flow_table_release(&t);
}

static void test_flush_and_ids(void **unused)
{
	struct ps_flow_table t, t2;
	struct ps_flow_stats st;
	struct ends e, e2;
	struct ps_packet p;
	struct ps_flow *f;
	uint64_t ids[300];

	(void)unused;
	table_init(&t, &e, 0, 16); /* 300 flows in 16 buckets: long chains */
	table_init(&t2, &e2, 0, 1024);
	for (int i = 0; i < 300; i++) {
		p = pkt("192.0.2.1", (uint16_t)(10000 + i), "198.51.100.1", 80, PS_IPPROTO_TCP,
			PS_TH_SYN, S(1) + i);
		f = get(&t, &p, PS_FLOW_TOSERVER);
		f->app = &e;
		ids[i] = f->flow_id;
		assert_true(ids[i] != 0 && ids[i] < (UINT64_C(1) << 51));
		/* the same packet in another table gives the same id */
		assert_int_equal(get(&t2, &p, PS_FLOW_TOSERVER)->flow_id, ids[i]);
		for (int j = 0; j < i; j++)
			assert_true(ids[j] != ids[i]);
	}
	/* every flow is found again, from either side */
	for (int i = 0; i < 300; i++) {
		p = pkt("198.51.100.1", 80, "192.0.2.1", (uint16_t)(10000 + i), PS_IPPROTO_TCP,
			PS_TH_SYN | PS_TH_ACK, S(2));
		assert_int_equal(get(&t, &p, PS_FLOW_TOCLIENT)->flow_id, ids[i]);
	}
	ps_flow_table_stats(&t, &st);
	assert_int_equal(st.active, 300);
	assert_int_equal(st.peak_active, 300);
	ps_flow_table_flush(&t);
	assert_int_equal(e.n, 300);
	assert_int_equal(e.app_ok, 300);
	for (int i = 0; i < 300; i++)
		assert_int_equal(e.why[i % 64], PS_FLOW_END_SHUTDOWN);
	ps_flow_table_stats(&t, &st);
	assert_int_equal(st.active, 0);
	/* the table is usable after a flush, and release may be repeated */
	get(&t, &p, PS_FLOW_TOCLIENT);
	ps_flow_table_release(&t);
	assert_int_equal(e.n, 301);
	ps_flow_table_release(&t);
	ps_flow_table_release(&t2);
}

static void test_memcap(void **unused)
{
	struct ps_flow_table t;
	struct ps_flow_stats st;
	struct ps_mem_stats m0, m1;
	struct ends e;
	struct ps_packet p;
	struct ps_flow *f;
	uint64_t buckets = 64 * sizeof(void *);
	int dir;

	(void)unused;
	ps_mem_stats_get(PS_MEM_FLOW, &m0);
	/* room for the buckets and 3 flows (a slab header is < one flow) */
	table_init(&t, &e, buckets + 4 * ps_flow_mem_per_flow(), 64);
	for (int i = 0; i < 3; i++) {
		/* UDP 10.1.0.i:1000 -> 10.2.0.1:53, NEW (timeout 30 s) */
		p = pkt("10.1.0.1", (uint16_t)(1000 + i), "10.2.0.1", 53, PS_IPPROTO_UDP, 0,
			S(10 + i));
		get(&t, &p, PS_FLOW_TOSERVER);
	}
	/* the first flow is refreshed: the second one is now closest to its end */
	p = pkt("10.1.0.1", 1000, "10.2.0.1", 53, PS_IPPROTO_UDP, 0, S(20));
	get(&t, &p, PS_FLOW_TOSERVER);
	p = pkt("10.1.0.1", 1003, "10.2.0.1", 53, PS_IPPROTO_UDP, 0, S(21));
	f = get(&t, &p, PS_FLOW_TOSERVER);
	assert_int_equal(e.n, 1);
	assert_int_equal(e.why[0], PS_FLOW_END_MEMCAP);
	assert_int_equal(f->cport, 1003);
	ps_flow_table_stats(&t, &st);
	assert_int_equal(st.active, 3);
	assert_int_equal(st.evicted_memcap, 1);
	assert_int_equal(st.emergencies, 1);
	assert_true(st.mem_bytes <= buckets + 4 * ps_flow_mem_per_flow());
	assert_true(st.peak_mem_bytes >= st.mem_bytes);
	/* port 1001 was evicted; 1000 is still there */
	p = pkt("10.1.0.1", 1000, "10.2.0.1", 53, PS_IPPROTO_UDP, 0, S(21));
	get(&t, &p, PS_FLOW_TOSERVER);
	assert_int_equal(e.n, 1);
	/* emergency timeouts: UDP NEW goes after 10 s instead of 30 */
	ps_flow_table_tick(&t, S(32));
	assert_int_equal(e.n, 4);
	assert_int_equal(e.why[1], PS_FLOW_END_TIMEOUT);
	/* and below 70% of the memcap emergency mode ends */
	p = pkt("10.1.0.1", 2000, "10.2.0.1", 53, PS_IPPROTO_UDP, 0, S(40));
	get(&t, &p, PS_FLOW_TOSERVER);
	ps_flow_table_tick(&t, S(49) + 1);
	assert_int_equal(e.n, 4);
	ps_flow_table_release(&t);

	/* a memcap that only holds the buckets: every new flow is dropped */
	table_init(&t, &e, buckets, 64);
	assert_null(ps_flow_table_get(&t, &p, &dir));
	ps_flow_table_stats(&t, &st);
	assert_int_equal(st.memcap_drops, 1);
	assert_int_equal(st.active, 0);
	ps_flow_table_release(&t);

	ps_mem_stats_get(PS_MEM_FLOW, &m1);
	assert_int_equal(m1.bytes, m0.bytes);
}

static void test_bad_config(void **unused)
{
	struct ps_flow_table t;
	struct ps_flow_config c;

	(void)unused;
	ps_flow_config_default(&c);
	c.hash_size = 1000; /* not a power of two */
	assert_int_equal(ps_flow_table_init(&t, &c, NULL, NULL), PS_EINVAL);
	ps_flow_table_release(&t);
	c.hash_size = 1024;
	c.memcap = 100; /* less than the buckets */
	assert_int_equal(ps_flow_table_init(&t, &c, NULL, NULL), PS_EINVAL);
	ps_flow_config_default(&c);
	assert_int_equal(c.timeout[PS_FLOW_PROTO_TCP].est_s, 600);
	assert_int_equal(c.timeout[PS_FLOW_PROTO_UDP].new_s, 30);
	assert_int_equal(c.stream.depth, 1u << 20);
	/* allocation failures at init leave nothing behind */
	c.hash_size = 64;
	ps_mem_fail_at(1, false);
	assert_int_equal(ps_flow_table_init(&t, &c, NULL, NULL), PS_ENOMEM);
	ps_mem_fail_at(0, false);
	ps_flow_table_release(&t);
	/* a failed slab allocation drops the packet without harm */
	assert_int_equal(ps_flow_table_init(&t, &c, NULL, NULL), PS_OK);
	{
		struct ps_packet p = tcp(0, PS_TH_SYN, 1, 0, S(1));
		int dir;

		ps_mem_fail_at(1, false);
		assert_null(ps_flow_table_get(&t, &p, &dir));
		ps_mem_fail_at(0, false);
		assert_non_null(ps_flow_table_get(&t, &p, &dir));
	}
	ps_flow_table_release(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_symmetric_lookup),
		cmocka_unit_test(test_ipv6_same_host),
		cmocka_unit_test(test_orientation),
		cmocka_unit_test(test_tcp_states),
		cmocka_unit_test(test_port_reuse),
		cmocka_unit_test(test_timeouts),
		cmocka_unit_test(test_flush_and_ids),
		cmocka_unit_test(test_memcap),
		cmocka_unit_test(test_bad_config),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
