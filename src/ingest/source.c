/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libpcap sources. Timestamps are read at microsecond precision whatever
 * the file stores; link types are passed through as libpcap's DLT values,
 * which the decoders understand.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
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
};

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

int ps_source_next(struct ps_source *s, struct ps_packet *p, struct ps_diag *d)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc;

	if (s->stop)
		return PS_EOF;
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
	ps_free(s->name);
	ps_free(s);
}
