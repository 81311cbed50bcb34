/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libpcap sources. Timestamps are read at microsecond precision whatever
 * the file stores; link types are passed through as libpcap's DLT values,
 * which the decoders understand. A classic pcap file in the host's byte
 * order is read from a memory map instead (no copy, stable pointers), with
 * libpcap's checks and messages; every other file goes through libpcap.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <pcap/pcap.h>

#include "core/core.h"
#include "ingest/source.h"

struct ps_source {
	pcap_t *pc;
	char *name;
	bool live;
	int linktype;
	volatile sig_atomic_t stop;
	struct ps_source_stats st;
	/* Mapped classic pcap file (map != NULL): read without libpcap. */
	const uint8_t *map;
	size_t map_len;
	size_t off;             /* next record header */
	size_t dropped;         /* pages before this are given back */
	size_t populated;       /* pages before this are mapped in */
	size_t check;           /* off at which to move the window again */
	uint32_t snapshot;      /* pcap_snapshot() */
	bool nsec;              /* nanosecond time stamps */
	char err[PCAP_ERRBUF_SIZE];
};

#define PCAP_FILE_HDR 24
#define PCAP_REC_HDR 16
#define PCAP_MAX_SNAPLEN 262144u   /* libpcap's MAXIMUM_SNAPLEN */
#define MAP_STEP (2u << 20)         /* map in and give back this much at a time */
#define MAP_AHEAD 2048              /* prefetch distance in the map, bytes */

static struct ps_source *source_new(const char *name)
{
	struct ps_source *s = ps_calloc(PS_MEM_INGEST, 1, sizeof(*s));

	if (!s)
		return NULL;
	s->name = ps_strdup(PS_MEM_INGEST, name);
	if (!s->name) {
		ps_free(s);
		return NULL;
	}
	return s;
}

/*
 * Link types (as pcap_datalink() gives them) whose records libpcap hands
 * out unchanged from a file in host byte order, with MAXIMUM_SNAPLEN as
 * the sanity limit: the ones the decoders read.
 */
static bool map_linktype(int dlt)
{
	switch (dlt) {
	case 0: case 1: case 9: case 12: case 14: case 101: case 108:
	case 113: case 228: case 229: case 276:
		return true;
	default:
		return false;
	}
}

/*
 * Map the file when it is a classic pcap file (version 2.4, micro- or
 * nanosecond magic) in host byte order; otherwise leave s->map NULL and
 * let libpcap read it.
 */
static void map_open(struct ps_source *s, const char *path)
{
	struct stat st;
	uint32_t magic;
	uint16_t ver[2];
	void *m;
	int fd;

	if (pcap_is_swapped(s->pc) || !map_linktype(s->linktype) ||
	    pcap_snapshot(s->pc) <= 0)
		return;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size < PCAP_FILE_HDR ||
	    (uint64_t)st.st_size > SIZE_MAX)
		goto out;
	m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED)
		goto out;
	memcpy(&magic, m, sizeof(magic));
	memcpy(ver, (uint8_t *)m + 4, sizeof(ver));
	if ((magic != 0xa1b2c3d4u && magic != 0xa1b23c4du) || ver[0] != 2 ||
	    ver[1] != 4) {
		munmap(m, (size_t)st.st_size);
		goto out;
	}
	(void)madvise(m, (size_t)st.st_size, MADV_SEQUENTIAL);
	s->map = m;
	s->map_len = (size_t)st.st_size;
	s->off = PCAP_FILE_HDR;
	s->snapshot = (uint32_t)pcap_snapshot(s->pc);
	s->nsec = magic == 0xa1b23c4du;
out:
	close(fd);
}

int ps_source_open_file(struct ps_source **out, const char *path,
			struct ps_diag *d)
{
	char err[PCAP_ERRBUF_SIZE] = "";
	struct ps_source *s;
	FILE *f;

	*out = NULL;
	f = fopen(path, "rb");
	if (!f) {
		ps_diag_set(d, "cannot open capture '%s': %s", path, strerror(errno));
		return errno == ENOENT ? PS_ENOENT : PS_EIO;
	}
	s = source_new(path);
	if (!s) {
		fclose(f);
		ps_diag_set(d, "out of memory");
		return PS_ENOMEM;
	}
	/* pcap_fopen_* takes ownership of f, also on failure? Only on success. */
	s->pc = pcap_fopen_offline_with_tstamp_precision(f,
			PCAP_TSTAMP_PRECISION_MICRO, err);
	if (!s->pc) {
		fclose(f);
		ps_diag_set(d, "cannot read capture '%s': %s", path,
			    err[0] ? err : "not a pcap or pcapng file");
		ps_source_close(s);
		return PS_EPROTO;
	}
	s->linktype = pcap_datalink(s->pc);
	map_open(s, path);
	*out = s;
	return PS_OK;
}

int ps_source_open_live(struct ps_source **out, const char *iface,
			const struct ps_source_live_opts *o, struct ps_diag *d)
{
	char err[PCAP_ERRBUF_SIZE] = "";
	struct bpf_program prog;
	struct ps_source *s;
	int rc;

	*out = NULL;
	s = source_new(iface);
	if (!s) {
		ps_diag_set(d, "out of memory");
		return PS_ENOMEM;
	}
	s->live = true;
	s->pc = pcap_create(iface, err);
	if (!s->pc) {
		ps_diag_set(d, "cannot open interface '%s': %s", iface, err);
		goto fail;
	}
	(void)pcap_set_snaplen(s->pc, o && o->snaplen > 0 ? o->snaplen : 65535);
	(void)pcap_set_promisc(s->pc, o ? o->promisc : 1);
	(void)pcap_set_timeout(s->pc, o && o->timeout_ms > 0 ? o->timeout_ms : 100);
	(void)pcap_set_buffer_size(s->pc, (o && o->buffer_mib > 0 ?
				   o->buffer_mib : 64) << 20);
	(void)pcap_set_tstamp_precision(s->pc, PCAP_TSTAMP_PRECISION_MICRO);
	rc = pcap_activate(s->pc);
	if (rc < 0) {
		ps_diag_set(d, "cannot capture on interface '%s': %s%s%s", iface,
			    pcap_statustostr(rc),
			    pcap_geterr(s->pc)[0] ? ": " : "", pcap_geterr(s->pc));
		goto fail;
	}
	if (o && o->bpf && o->bpf[0]) {
		if (pcap_compile(s->pc, &prog, o->bpf, 1, PCAP_NETMASK_UNKNOWN) ||
		    pcap_setfilter(s->pc, &prog)) {
			ps_diag_set(d, "bad capture filter '%s': %s", o->bpf,
				    pcap_geterr(s->pc));
			pcap_freecode(&prog);
			goto fail;
		}
		pcap_freecode(&prog);
	}
	s->linktype = pcap_datalink(s->pc);
	*out = s;
	return PS_OK;
fail:
	ps_source_close(s);
	return PS_EIO;
}

/*
 * Keep the mapped pages around the read position in the page tables: map
 * the next step in ahead of the reads (one call instead of a fault per
 * 64 KiB) and give back what lies a step behind (RSS stays small).
 */
static void map_window(struct ps_source *s)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE), end;

	s->check = s->off + MAP_STEP / 8;
	if (s->off + MAP_STEP / 2 > s->populated && s->populated < s->map_len) {
		end = s->populated + MAP_STEP;
		if (end > s->map_len)
			end = s->map_len;
#ifdef MADV_POPULATE_READ
		(void)madvise((void *)(uintptr_t)(s->map + s->populated),
			      end - s->populated, MADV_POPULATE_READ);
#endif
		s->populated = (end + pg - 1) & ~(pg - 1);
	}
	if (s->off > s->dropped + 2 * MAP_STEP) {
		end = (s->off - MAP_STEP) & ~(pg - 1);
		(void)madvise((void *)(uintptr_t)(s->map + s->dropped),
			      end - s->dropped, MADV_DONTNEED);
		s->dropped = end;
	}
}

/* One record of a mapped file, checked as libpcap's sf-pcap.c checks it. */
static int map_next(struct ps_source *s, struct ps_packet *p)
{
	size_t left = s->map_len - s->off;
	const uint8_t *h = s->map + s->off;
	uint32_t caplen, len, take;
	int32_t sec, frac;

	if (s->off >= s->check)
		map_window(s);
	if (left == 0)
		return PS_EOF;
	if (left < PCAP_REC_HDR) {
		snprintf(s->err, sizeof(s->err), "truncated dump file; tried to "
			 "read %d header bytes, only got %zu", PCAP_REC_HDR, left);
		return PS_EPROTO;
	}
	memcpy(&sec, h, 4);
	memcpy(&frac, h + 4, 4);
	memcpy(&caplen, h + 8, 4);
	memcpy(&len, h + 12, 4);
	left -= PCAP_REC_HDR;
	take = caplen;
	if (caplen > PCAP_MAX_SNAPLEN) {
		if (caplen > s->snapshot)
			snprintf(s->err, sizeof(s->err), "invalid packet capture "
				 "length %u, bigger than snaplen of %d", caplen,
				 (int)s->snapshot);
		else
			snprintf(s->err, sizeof(s->err), "invalid packet capture "
				 "length %u, bigger than maximum of %u", caplen,
				 PCAP_MAX_SNAPLEN);
		return PS_EPROTO;
	}
	if (caplen > s->snapshot) {
		take = s->snapshot;
		if (left < take) {
			snprintf(s->err, sizeof(s->err), "truncated dump file; tried "
				 "to read %u captured bytes, only got %zu", take, left);
			return PS_EPROTO;
		}
	}
	if (left < caplen) {
		snprintf(s->err, sizeof(s->err), "truncated dump file; tried to "
			 "read %u captured bytes, only got %zu", caplen, left);
		return PS_EPROTO;
	}
	s->off += PCAP_REC_HDR + (size_t)caplen;
	/* The hardware prefetcher stops at page ends: run ahead of it. */
	if (s->off + MAP_AHEAD + 256 <= s->map_len) {
		__builtin_prefetch(s->map + s->off + MAP_AHEAD);
		__builtin_prefetch(s->map + s->off + MAP_AHEAD + 64);
		__builtin_prefetch(s->map + s->off + MAP_AHEAD + 128);
		__builtin_prefetch(s->map + s->off + MAP_AHEAD + 192);
	}
	memset(p, 0, sizeof(*p));
	p->ts_us = (int64_t)sec * 1000000 + (s->nsec ? (int64_t)frac / 1000 : frac);
	p->data = h + PCAP_REC_HDR;
	p->caplen = take;
	p->wirelen = len >= take ? len : take;
	p->linktype = (uint16_t)s->linktype;
	s->st.packets++;
	s->st.bytes += p->wirelen;
	return PS_OK;
}

int ps_source_next(struct ps_source *s, struct ps_packet *p, struct ps_diag *d)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc;

	if (s->stop)
		return PS_EOF;
	if (s->map) {
		rc = map_next(s, p);
		if (rc == PS_EPROTO)
			ps_diag_set(d, "capture '%s' is corrupt or truncated after "
				    "packet %llu: %s", s->name,
				    (unsigned long long)s->st.packets, s->err);
		return rc;
	}
	rc = pcap_next_ex(s->pc, &h, &data);
	if (rc == 1) {
		memset(p, 0, sizeof(*p));
		p->ts_us = (int64_t)h->ts.tv_sec * 1000000 + h->ts.tv_usec;
		p->data = data;
		p->caplen = h->caplen;
		p->wirelen = h->len >= h->caplen ? h->len : h->caplen;
		p->linktype = (uint16_t)s->linktype;
		s->st.packets++;
		s->st.bytes += p->wirelen;
		return PS_OK;
	}
	if (rc == 0)
		return PS_EAGAIN;
	if (rc == PCAP_ERROR_BREAK)
		return PS_EOF;
	ps_diag_set(d, "capture '%s' is corrupt or truncated after packet %llu: %s",
		    s->name, (unsigned long long)s->st.packets, pcap_geterr(s->pc));
	return PS_EPROTO;
}

void ps_source_break(struct ps_source *s)
{
	s->stop = 1;
	if (s->pc)
		pcap_breakloop(s->pc);
}

void ps_source_stats(struct ps_source *s, struct ps_source_stats *st)
{
	struct pcap_stat ps;

	if (s->live && s->pc && pcap_stats(s->pc, &ps) == 0) {
		s->st.kernel_received = ps.ps_recv;
		s->st.kernel_drops = ps.ps_drop;
		s->st.if_drops = ps.ps_ifdrop;
	}
	*st = s->st;
}

bool ps_source_stable(const struct ps_source *s)
{
	return s->map != NULL;
}

const char *ps_source_name(const struct ps_source *s)
{
	return s->name;
}

void ps_source_close(struct ps_source *s)
{
	if (!s)
		return;
	if (s->pc)
		pcap_close(s->pc);
	if (s->map)
		munmap((void *)(uintptr_t)s->map, s->map_len);
	ps_free(s->name);
	ps_free(s);
}
