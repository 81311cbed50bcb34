/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The "traffic:" configuration section: the table of the traffic engine's
 * settings (threads, flows, timeouts, TCP reassembly, decoders, defrag) and
 * its conversion into the struct ps_engine_config that ps_engine_new reads.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "engine/engine_conf.h"

#define MAX_TIMEOUT (7 * 86400) /* a week; a flow idle longer is gone */

/* Powers of two from 2^10 (PS_ENGINE_CONF_HASH_MIN_SHIFT) to 2^26. */
static const char *const hash_sizes[] = {
	"1024", "2048", "4096", "8192", "16384", "32768", "65536", "131072",
	"262144", "524288", "1048576", "2097152", "4194304", "8388608",
	"16777216", "33554432", "67108864", NULL,
};

#define OFF(field) offsetof(struct ps_engine_settings, field)

#define TIMEOUT(cls, field, name, dflt, text)                                  \
	{                                                                      \
		.key = #cls "_" name "_timeout", .type = PS_CONF_DURATION,     \
		.offset = OFF(cls.field), .min = 0, .max = MAX_TIMEOUT,        \
		.def = dflt, .doc = text,                                      \
	}

/*
 * The UDP, ICMP and other classes: no "closed" state (only TCP closes), the
 * same defaults (Suricata's flow-timeouts: 30/300 s, emergency 10/100 s).
 */
#define DGRAM_TIMEOUTS(cls, what)                                              \
	TIMEOUT(cls, new_s, "new", "30s",                                      \
		what ": a flow seen in one direction only ends after this "    \
		     "long idle"),                                             \
	TIMEOUT(cls, est_s, "established", "5m",                               \
		what ": a flow with packets both ways ends after this long "   \
		     "idle"),                                                  \
	TIMEOUT(cls, emerg_new_s, "emergency_new", "10s",                      \
		what ", in emergency mode (flow_memcap reached): "             \
		     "as " #cls "_new_timeout"),                               \
	TIMEOUT(cls, emerg_est_s, "emergency_established", "100s",             \
		what ", in emergency mode: as " #cls "_established_timeout")

#define PORT(field, dflt, text)                                                \
	{                                                                      \
		.key = #field, .type = PS_CONF_INT, .offset = OFF(field),      \
		.min = 0, .max = 65535, .def = dflt, .doc = text,              \
	}

static const struct ps_conf_item traffic_items[] = {
	{
		.key = "workers",
		.type = PS_CONF_INT,
		.offset = OFF(workers),
		.min = 1,
		.max = PS_ENGINE_MAX_WORKERS,
		.def = "1",
		.doc = "analysis threads; 1 decodes and analyses inline, more "
		       "spread flows over threads by address hash (--workers "
		       "overrides)",
	},
	{
		.key = "ring_size",
		.type = PS_CONF_SIZE,
		.offset = OFF(ring_size),
		.min = 1 << 20,
		.max = 1 << 30,
		.def = "32M",
		.doc = "packet queue of each worker thread when workers > 1 "
		       "(rounded up to a power of two)",
	},
	{
		.key = "flow_events",
		.type = PS_CONF_BOOL,
		.offset = OFF(flow_events),
		.def = "true",
		.doc = "write a \"flow\" event for every flow that ends "
		       "(--no-flow-events turns it off)",
	},
	{
		.key = "flow_memcap",
		.type = PS_CONF_SIZE,
		.offset = OFF(flow_memcap),
		.min = 1 << 20,
		.max = INT64_C(1) << 40,
		.def = "512M",
		.doc = "memory of each worker's flow table (hash buckets, flows, "
		       "out-of-order TCP data); when reached, the flow closest "
		       "to its timeout is evicted and emergency timeouts apply",
	},
	{
		.key = "flow_hash_size",
		.type = PS_CONF_ENUM,
		.offset = OFF(flow_hash_size),
		.def = "1048576",
		.choices = hash_sizes,
		.doc = "hash buckets of each worker's flow table, a power of two "
		       "(8 bytes each, counted in flow_memcap)",
	},
	{
		.key = "flow_emergency_recovery",
		.type = PS_CONF_INT,
		.offset = OFF(flow_emergency_recovery),
		.min = 1,
		.max = 99,
		.def = "30",
		.doc = "percent: emergency mode ends when flow memory falls "
		       "below (100 - this)% of flow_memcap",
	},
	TIMEOUT(tcp, new_s, "new", "1m",
		"TCP: a flow before its handshake completes ends after this "
		"long idle"),
	TIMEOUT(tcp, est_s, "established", "10m",
		"TCP: an established flow ends after this long idle"),
	TIMEOUT(tcp, closed_s, "closed", "1m",
		"TCP: a closed flow (FIN both ways, or RST) is kept this long "
		"for late packets"),
	TIMEOUT(tcp, emerg_new_s, "emergency_new", "5s",
		"TCP, in emergency mode (flow_memcap reached): as "
		"tcp_new_timeout"),
	TIMEOUT(tcp, emerg_est_s, "emergency_established", "100s",
		"TCP, in emergency mode: as tcp_established_timeout"),
	TIMEOUT(tcp, emerg_closed_s, "emergency_closed", "10s",
		"TCP, in emergency mode: as tcp_closed_timeout"),
	DGRAM_TIMEOUTS(udp, "UDP"),
	DGRAM_TIMEOUTS(icmp, "ICMP and ICMPv6"),
	DGRAM_TIMEOUTS(other, "other IP protocols"),
	{
		.key = "stream_depth",
		.type = PS_CONF_SIZE,
		.offset = OFF(stream_depth),
		.min = 0,
		.max = INT64_C(1) << 30,
		.def = "1M",
		.doc = "TCP bytes per direction reassembled and given to the "
		       "protocol parsers; 0 = the whole stream",
	},
	{
		.key = "stream_ooo_max_bytes",
		.type = PS_CONF_SIZE,
		.offset = OFF(stream_ooo_max_bytes),
		.min = 0,
		.max = INT64_C(1) << 30,
		.def = "64k",
		.doc = "out-of-order TCP bytes buffered per direction before "
		       "the oldest hole is given up as a gap",
	},
	{
		.key = "stream_ooo_max_segs",
		.type = PS_CONF_INT,
		.offset = OFF(stream_ooo_max_segs),
		.min = 0,
		.max = 65535,
		.def = "64",
		.doc = "out-of-order buffer chunks (up to 2032 bytes each) per "
		       "direction",
	},
	{
		.key = "decode_tunnels",
		.type = PS_CONF_BOOL,
		.offset = OFF(decode_tunnels),
		.def = "true",
		.doc = "decode GRE, ERSPAN, VXLAN, Geneve, GTP-U and IP-in-IP "
		       "down to the inner packet; false stops at the outer "
		       "IP/UDP header",
	},
	{
		.key = "max_tunnel_depth",
		.type = PS_CONF_INT,
		.offset = OFF(max_tunnel_depth),
		.min = 1,
		.max = 16,
		.def = "4",
		.doc = "nested tunnels decoded; a deeper packet is counted as "
		       "decoder.event.tunnel.too_deep",
	},
	PORT(vxlan_port, "4789", "UDP destination port decoded as VXLAN "
				 "(0 = none)"),
	PORT(gtpu_port, "2152", "UDP source or destination port decoded as "
				"GTP-U (0 = none)"),
	PORT(geneve_port, "6081", "UDP destination port decoded as Geneve "
				  "(0 = none)"),
	PORT(mpls_udp_port, "6635", "UDP destination port decoded as "
				    "MPLS-in-UDP, RFC 7510 (0 = none)"),
	{
		.key = "defrag",
		.type = PS_CONF_BOOL,
		.offset = OFF(defrag),
		.def = "true",
		.doc = "reassemble IPv4 and IPv6 fragments; false analyses each "
		       "fragment as an IP packet without transport header",
	},
	{
		.key = "defrag_memcap",
		.type = PS_CONF_SIZE,
		.offset = OFF(defrag_memcap),
		.min = 64 << 10,
		.max = INT64_C(1) << 36,
		.def = "32M",
		.doc = "memory for fragments waiting for reassembly; beyond it "
		       "new fragments are dropped (decoder.event.defrag.memcap)",
	},
	{
		.key = "defrag_max_trackers",
		.type = PS_CONF_INT,
		.offset = OFF(defrag_max_trackers),
		.min = 1,
		.max = 1 << 24,
		.def = "16384",
		.doc = "datagrams in reassembly at once",
	},
	{
		.key = "defrag_timeout",
		.type = PS_CONF_DURATION,
		.offset = OFF(defrag_timeout_s),
		.min = 1,
		.max = 3600,
		.def = "1m",
		.doc = "a datagram not complete this long after its first "
		       "fragment is dropped",
	},
	{
		.key = "defrag_max_frags",
		.type = PS_CONF_INT,
		.offset = OFF(defrag_max_frags),
		.min = 1,
		.max = 8192,
		.def = "128",
		.doc = "fragments per datagram; more drop the datagram "
		       "(decoder.event.defrag.max_frags)",
	},
};

const struct ps_conf_section ps_engine_conf_section = {
	.name = "traffic",
	.doc = "The traffic engine of `panshi analyze` and `panshi sensor`: "
	       "threads, flows and their timeouts, TCP reassembly, decoders.",
	.items = traffic_items,
	.n_items = PS_ARRAY_LEN(traffic_items),
	.size = sizeof(struct ps_engine_settings),
};

static void timeouts_set(struct ps_flow_timeouts *to,
			 const struct ps_engine_conf_timeouts *s, bool closed)
{
	to->new_s = (uint32_t)s->new_s;
	to->est_s = (uint32_t)s->est_s;
	to->emerg_new_s = (uint32_t)s->emerg_new_s;
	to->emerg_est_s = (uint32_t)s->emerg_est_s;
	if (closed) {
		to->closed_s = (uint32_t)s->closed_s;
		to->emerg_closed_s = (uint32_t)s->emerg_closed_s;
	}
}

static void flow_set(struct ps_flow_config *f, const struct ps_engine_settings *s)
{
	f->memcap = s->flow_memcap;
	f->hash_size = UINT32_C(1) << (PS_ENGINE_CONF_HASH_MIN_SHIFT +
				       s->flow_hash_size);
	f->emergency_recovery = (uint32_t)s->flow_emergency_recovery;
	timeouts_set(&f->timeout[PS_FLOW_PROTO_TCP], &s->tcp, true);
	timeouts_set(&f->timeout[PS_FLOW_PROTO_UDP], &s->udp, false);
	timeouts_set(&f->timeout[PS_FLOW_PROTO_ICMP], &s->icmp, false);
	timeouts_set(&f->timeout[PS_FLOW_PROTO_OTHER], &s->other, false);
	f->stream.depth = (uint32_t)s->stream_depth;
	f->stream.ooo_max_bytes = (uint32_t)s->stream_ooo_max_bytes;
	f->stream.ooo_max_segs = (uint16_t)s->stream_ooo_max_segs;
}

static void decode_set(struct ps_decode_config *dc,
		       const struct ps_engine_settings *s)
{
	dc->decode_tunnels = s->decode_tunnels;
	dc->max_tunnel_depth = (uint32_t)s->max_tunnel_depth;
	dc->vxlan_port = (uint16_t)s->vxlan_port;
	dc->gtpu_port = (uint16_t)s->gtpu_port;
	dc->geneve_port = (uint16_t)s->geneve_port;
	dc->mpls_udp_port = (uint16_t)s->mpls_udp_port;
	dc->defrag = s->defrag;
	dc->defrag_memcap = s->defrag_memcap;
	dc->defrag_max_trackers = (uint32_t)s->defrag_max_trackers;
	dc->defrag_timeout_s = (uint32_t)s->defrag_timeout_s;
	dc->defrag_max_frags = (uint32_t)s->defrag_max_frags;
}

int ps_engine_config_from_settings(struct ps_engine_config *c,
				   const struct ps_engine_settings *s,
				   struct ps_diag *d)
{
	uint64_t buckets;

	ps_engine_config_default(c);
	if (s->flow_hash_size < 0 ||
	    (size_t)s->flow_hash_size >= PS_ARRAY_LEN(hash_sizes) - 1) {
		ps_diag_set(d, "'traffic.flow_hash_size' is not one of its choices");
		return PS_EINVAL;
	}
	c->workers = (unsigned)s->workers;
	c->ring_bytes = (size_t)s->ring_size;
	c->flow_events = s->flow_events;
	flow_set(&c->flow, s);
	decode_set(&c->decode, s);
	/* ps_flow_table_init charges the buckets (a pointer each) to the memcap. */
	buckets = (uint64_t)c->flow.hash_size * sizeof(void *);
	if (buckets > c->flow.memcap) {
		ps_diag_set(d, "'traffic.flow_hash_size' (%" PRIu32 " buckets, "
			    "%" PRIu64 " MiB) does not fit in "
			    "'traffic.flow_memcap' (%" PRIu64 " MiB): raise "
			    "the memcap or lower the hash size",
			    c->flow.hash_size, buckets >> 20,
			    c->flow.memcap >> 20);
		return PS_EINVAL;
	}
	return PS_OK;
}

int ps_engine_config_from_conf(struct ps_engine_config *c,
			       const struct ps_conf *conf, struct ps_diag *d)
{
	const struct ps_engine_settings *s;

	s = conf ? ps_conf_section_get(conf, ps_engine_conf_section.name) : NULL;
	if (s == NULL) {
		ps_engine_config_default(c);
		return PS_OK;
	}
	return ps_engine_config_from_settings(c, s, d);
}
