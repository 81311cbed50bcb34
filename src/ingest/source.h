/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Packet sources: pcap and pcapng files and live interfaces, both through
 * libpcap. A source hands out raw packets (time, bytes, link type); the
 * engine decodes them.
 */
#ifndef PS_INGEST_SOURCE_H
#define PS_INGEST_SOURCE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "net/packet.h"

struct ps_source;

struct ps_source_live_opts {
	int snaplen;             /* default 65535 */
	bool promisc;            /* default true */
	int buffer_mib;          /* kernel ring, default 64 */
	int timeout_ms;          /* read timeout, default 100 */
	const char *bpf;         /* capture filter or NULL */
};

struct ps_source_stats {
	uint64_t packets;        /* handed out */
	uint64_t bytes;          /* wire bytes handed out */
	uint64_t kernel_received;/* live: pcap_stats ps_recv */
	uint64_t kernel_drops;   /* live: ps_drop */
	uint64_t if_drops;       /* live: ps_ifdrop */
};

/*
 * Open a capture file (pcap or pcapng, also gzip-free). On failure the
 * message names the file: "cannot open capture 'x.pcap': ...".
 */
int ps_source_open_file(struct ps_source **out, const char *path,
			struct ps_diag *d) PS_MUST_USE;
/* Open a live interface; PS_EIO with the reason (permission...) in d. */
int ps_source_open_live(struct ps_source **out, const char *iface,
			const struct ps_source_live_opts *o,
			struct ps_diag *d) PS_MUST_USE;
/*
 * Next packet into p (source fields only: ts_us, data, caplen, wirelen,
 * linktype; the rest zeroed). The bytes stay valid until the next call.
 * PS_OK, PS_EAGAIN (live: read timeout, nothing yet), PS_EOF (end of file
 * or ps_source_break), PS_EPROTO (the file is corrupt or truncated: the
 * message in d names the file and the packet number).
 */
int ps_source_next(struct ps_source *s, struct ps_packet *p, struct ps_diag *d);
/*
 * True when the bytes handed out by ps_source_next stay valid until
 * ps_source_close (a mapped file), so the caller may look ahead.
 */
bool ps_source_stable(const struct ps_source *s);
/* Make a blocked ps_source_next return PS_EOF soon (signal-safe). */
void ps_source_break(struct ps_source *s);
void ps_source_stats(struct ps_source *s, struct ps_source_stats *st);
const char *ps_source_name(const struct ps_source *s);
void ps_source_close(struct ps_source *s);

#endif
