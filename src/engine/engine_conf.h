/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The "traffic:" section of the configuration file: worker threads, flow
 * table, timeouts, TCP reassembly, decoders and defragmentation of the
 * traffic engine. `panshi analyze` and `panshi sensor` turn it into a
 * struct ps_engine_config with ps_engine_config_from_conf().
 */
#ifndef PS_ENGINE_ENGINE_CONF_H
#define PS_ENGINE_ENGINE_CONF_H

#include <stdbool.h>
#include <stdint.h>

#include "core/conf.h"
#include "core/err.h"
#include "engine/engine.h"

/* Smallest choice of "traffic.flow_hash_size": index i means 1 << (10 + i). */
#define PS_ENGINE_CONF_HASH_MIN_SHIFT 10

/*
 * Flow timeouts of one protocol class, in seconds (PS_CONF_DURATION). The
 * closed_s pair is only read for TCP: other flows never reach "closed".
 */
struct ps_engine_conf_timeouts {
	int64_t new_s, est_s, closed_s;
	int64_t emerg_new_s, emerg_est_s, emerg_closed_s;
};

/*
 * The settings struct of the "traffic" section, in the conf loader's types
 * (INT and DURATION int64_t, SIZE uint64_t, ENUM int). Every value is
 * within the bounds of its table item; ps_engine_config_from_conf() checks
 * what involves two keys.
 */
struct ps_engine_settings {
	int64_t workers;
	uint64_t ring_size;
	bool flow_events;
	uint64_t flow_memcap;
	int flow_hash_size;               /* 1 << (10 + index) buckets */
	int64_t flow_emergency_recovery;  /* percent */
	struct ps_engine_conf_timeouts tcp, udp, icmp, other;
	uint64_t stream_depth;
	uint64_t stream_ooo_max_bytes;
	int64_t stream_ooo_max_segs;
	bool decode_tunnels;
	int64_t max_tunnel_depth;
	int64_t vxlan_port, gtpu_port, geneve_port, mpls_udp_port;
	bool defrag;
	uint64_t defrag_memcap;
	int64_t defrag_max_trackers;
	int64_t defrag_timeout_s;
	int64_t defrag_max_frags;
};

extern const struct ps_conf_section ps_engine_conf_section;

/*
 * Fill c with ps_engine_config_default() and then every field the section
 * covers from s (the outputs eve, store and sensor stay at their defaults
 * for the caller to set). Returns PS_OK, or PS_EINVAL when two keys do not
 * fit together (the hash buckets larger than the flow memcap), with
 * "'traffic.x' ..." in d. Reads s only; thread-safe.
 */
int ps_engine_config_from_settings(struct ps_engine_config *c,
				   const struct ps_engine_settings *s,
				   struct ps_diag *d) PS_MUST_USE;
/*
 * As ps_engine_config_from_settings() with the "traffic" section of conf
 * (borrowed); when conf has no such section, c gets the defaults.
 */
int ps_engine_config_from_conf(struct ps_engine_config *c,
			       const struct ps_conf *conf,
			       struct ps_diag *d) PS_MUST_USE;

#endif
