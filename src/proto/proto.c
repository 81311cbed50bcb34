/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Protocol names, the parser registry and the emit helpers every parser
 * uses. The registry order is the probing order.
 */
#include <string.h>

#include "core/core.h"
#include "proto/digest.h"
#include "proto/proto.h"

static const char *const names[PS_ALPROTO__COUNT] = {
	[PS_ALPROTO_UNKNOWN] = "unknown",
	[PS_ALPROTO_DNS] = "dns",
	[PS_ALPROTO_HTTP] = "http",
	[PS_ALPROTO_TLS] = "tls",
	[PS_ALPROTO_SSH] = "ssh",
	[PS_ALPROTO_SMTP] = "smtp",
	[PS_ALPROTO_POP3] = "pop3",
	[PS_ALPROTO_IMAP] = "imap",
	[PS_ALPROTO_FTP] = "ftp",
	[PS_ALPROTO_FTP_DATA] = "ftp-data",
	[PS_ALPROTO_TELNET] = "telnet",
	[PS_ALPROTO_MODBUS] = "modbus",
	[PS_ALPROTO_S7COMM] = "s7comm",
	[PS_ALPROTO_DNP3] = "dnp3",
	[PS_ALPROTO_IEC104] = "iec104",
	[PS_ALPROTO_BACNET] = "bacnet",
	[PS_ALPROTO_FAILED] = "failed",
};

const char *ps_alproto_name(enum ps_alproto p)
{
	if ((unsigned)p >= PS_ALPROTO__COUNT || !names[p])
		return "unknown";
	return names[p];
}

const struct ps_proto_parser *ps_proto_parser_get(enum ps_alproto p)
{
	size_t i;

	for (i = 0; ps_proto_parsers[i]; i++)
		if (ps_proto_parsers[i]->id == p)
			return ps_proto_parsers[i];
	return NULL;
}

struct ps_jw *ps_proto_event_begin(struct ps_proto_ctx *c, const char *event_type)
{
	return c->sink->begin(c->sink, c, event_type);
}

void ps_proto_event_end(struct ps_proto_ctx *c)
{
	c->sink->end(c->sink, c);
}

void ps_proto_anomaly(struct ps_proto_ctx *c, const char *what)
{
	if (c->sink->anomaly)
		c->sink->anomaly(c->sink, c, what);
}

void ps_proto_upgrade(struct ps_proto_ctx *c, enum ps_alproto to)
{
	c->upgrade = true;
	c->upgrade_to = to;
}

const char *ps_obs_field(enum ps_obs k)
{
	static const char *const obs_fields[PS_OBS__COUNT] = {
		[PS_OBS_DNS_QUERY] = "dns.query",
		[PS_OBS_DNS_ANSWER_NAME] = "dns.answer",
		[PS_OBS_DNS_ANSWER_ADDR] = "dns.answer",
		[PS_OBS_HTTP_HOST] = "http.hostname",
		[PS_OBS_HTTP_URL] = "http.url",
		[PS_OBS_TLS_SNI] = "tls.sni",
		[PS_OBS_TLS_JA3] = "tls.ja3",
		[PS_OBS_TLS_JA4] = "tls.ja4",
		[PS_OBS_FILE_MD5] = "fileinfo.md5",
		[PS_OBS_FILE_SHA1] = "fileinfo.sha1",
		[PS_OBS_FILE_SHA256] = "fileinfo.sha256",
	};

	return (unsigned)k < PS_OBS__COUNT ? obs_fields[k] : "?";
}

void ps_proto_observe(struct ps_proto_ctx *c, enum ps_obs k, const void *p,
		      size_t n)
{
	if (n && c->sink->observe)
		c->sink->observe(c->sink, c, k, p, n);
}

void ps_filehash_observe(const struct ps_filehash *h, struct ps_proto_ctx *c)
{
	ps_proto_observe(c, PS_OBS_FILE_MD5, h->dig[PS_MD_MD5], 16);
	ps_proto_observe(c, PS_OBS_FILE_SHA1, h->dig[PS_MD_SHA1], 20);
	ps_proto_observe(c, PS_OBS_FILE_SHA256, h->dig[PS_MD_SHA256], 32);
}

void ps_proto_note_set(struct ps_proto_ctx *c, const void *p, size_t n)
{
	if (c->sink->note_set)
		c->sink->note_set(c->sink, c, p,
				  n < PS_PROTO_NOTE_MAX ? n : PS_PROTO_NOTE_MAX);
}

size_t ps_proto_note_get(struct ps_proto_ctx *c, uint64_t flow_id,
			 int64_t from_us, int64_t to_us, void *out, size_t cap)
{
	if (!c->sink->note_get || !cap)
		return 0;
	return c->sink->note_get(c->sink, c, flow_id, from_us, to_us, out,
				 cap);
}

void ps_proto_write_secret(struct ps_jw *w, const char *key, const void *p,
			   size_t n)
{
	char lenkey[64];
	size_t kl = strlen(key);

	(void)p;
	ps_jw_str(w, key, "********");
	if (kl + sizeof("_len") > sizeof(lenkey))
		return;
	memcpy(lenkey, key, kl);
	memcpy(lenkey + kl, "_len", sizeof("_len"));
	ps_jw_uint(w, lenkey, n);
}

char *ps_eve_time_fmt(int64_t us, char *out)
{
	int64_t days = us >= 0 ? us / PS_USEC_PER_DAY :
		-((-us + PS_USEC_PER_DAY - 1) / PS_USEC_PER_DAY);
	int64_t rem = us - days * PS_USEC_PER_DAY;
	int64_t sec = rem / 1000000, frac = rem % 1000000;
	/* Events come in time order: the date changes once a day per thread. */
	static _Thread_local int64_t cached_days = INT64_MIN;
	static _Thread_local struct ps_date cached;
	struct ps_date d;
	char *p = out;
	int i;

	if (days == cached_days) {
		d = cached;
	} else {
		if (ps_date_from_days(days, &d)) {
			d.year = 1970;
			d.month = 1;
			d.day = 1;
		}
		cached = d;
		cached_days = days;
	}
	p[0] = (char)('0' + d.year / 1000);
	p[1] = (char)('0' + d.year / 100 % 10);
	p[2] = (char)('0' + d.year / 10 % 10);
	p[3] = (char)('0' + d.year % 10);
	p[4] = '-';
	p[5] = (char)('0' + d.month / 10);
	p[6] = (char)('0' + d.month % 10);
	p[7] = '-';
	p[8] = (char)('0' + d.day / 10);
	p[9] = (char)('0' + d.day % 10);
	p[10] = 'T';
	p[11] = (char)('0' + sec / 36000);
	p[12] = (char)('0' + sec / 3600 % 10);
	p[13] = ':';
	p[14] = (char)('0' + sec % 3600 / 600);
	p[15] = (char)('0' + sec % 3600 / 60 % 10);
	p[16] = ':';
	p[17] = (char)('0' + sec % 60 / 10);
	p[18] = (char)('0' + sec % 10);
	p[19] = '.';
	for (i = 25; i >= 20; i--) {
		p[i] = (char)('0' + frac % 10);
		frac /= 10;
	}
	memcpy(p + 26, "+0000", 6);
	return out;
}

void ps_proto_write_header(struct ps_jw *w, const struct ps_proto_ctx *c,
			   const char *event_type)
{
	const struct ps_proto_flow *f = c->flow;
	char ts[32], a[PS_ADDR_STRLEN];

	ps_jw_str(w, "timestamp", ps_eve_time_fmt(c->ts_us, ts));
	ps_jw_uint(w, "flow_id", f->flow_id);
	ps_jw_str(w, "event_type", event_type);
	ps_jw_str(w, "src_ip", ps_addr_fmt(&f->cli, f->family, a));
	ps_jw_uint(w, "src_port", f->cport);
	ps_jw_str(w, "dest_ip", ps_addr_fmt(&f->srv, f->family, a));
	ps_jw_uint(w, "dest_port", f->sport);
	ps_jw_str(w, "proto", f->ip_proto == 6 ? "TCP" :
		  f->ip_proto == 17 ? "UDP" : f->ip_proto == 1 ? "ICMP" :
		  f->ip_proto == 58 ? "IPv6-ICMP" : "IP");
	if (f->vlan) {
		ps_jw_arr_open(w, "vlan");
		ps_jw_uint(w, NULL, f->vlan);
		ps_jw_arr_close(w);
	}
	if (c->alproto != PS_ALPROTO_UNKNOWN)
		ps_jw_str(w, "app_proto", ps_alproto_name(c->alproto));
}
