/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SSH parser (RFC 4253): the identification banner of each side and its
 * first binary packet, the cleartext KEXINIT, from which HASSH and
 * HASSH-server are computed. One EVE "ssh" event per connection in
 * Suricata's shape; once both sides are past KEXINIT the encrypted
 * remainder of the flow is skipped without being looked at.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>


#include "core/core.h"
#include "proto/digest.h"
#include "proto/parsers.h"
#include "proto/proto.h"

#define SSH_BANNER_MAX 255      /* RFC 4253 section 4.2, CR LF included */
#define SSH_PRE_LINES_MAX 32    /* lines a server sends before its banner */
#define SSH_PRE_BYTES_MAX 8192
#define SSH_PACKET_MAX 35000    /* RFC 4253 section 6.1 */
#define SSH_MSG_KEXINIT 20      /* RFC 4253 section 12 */
#define SSH_MD5_LEN 16

enum ssh_phase {
	SSH_BANNER = 0,         /* reading lines until "SSH-..." */
	SSH_PACKET,             /* reading the first binary packet */
	SSH_DONE,               /* nothing more to learn from this side */
};

/* What one side said. Offsets index line[]; lengths are 0 when absent. */
struct ssh_side {
	uint8_t phase;          /* enum ssh_phase */
	bool banner;            /* line[] holds a banner */
	bool long_line;         /* the current line went past the cap */
	bool hassh;             /* md5 and hstr are set */
	uint8_t line[SSH_BANNER_MAX];
	uint16_t blen;
	uint8_t proto_off, proto_len, sw_off, sw_len, cm_off, cm_len;
	uint16_t lines;         /* lines before the banner */
	uint32_t pre;           /* bytes before the banner */
	/* the first binary packet: 5 header bytes, then its payload */
	uint8_t hdr[5];
	uint8_t nhdr;
	uint32_t need;          /* payload bytes, valid once nhdr == 5 */
	uint32_t have;
	uint8_t *pkt;           /* payload when split across chunks */
	uint8_t md5[SSH_MD5_LEN];
	char *hstr;             /* HASSH input string, NUL-terminated */
	size_t hlen;
};

struct ssh_state {
	struct ssh_side side[2];        /* indexed by enum ps_dir */
	bool emitted;
};

static inline uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/*
 * Split "SSH-protoversion-softwareversion SP comments" (RFC 4253
 * section 4.2); a line without the second '-' keeps only its version.
 */
static void banner_split(struct ps_proto_ctx *c, struct ssh_side *sd)
{
	const uint8_t *l = sd->line;
	size_t n = sd->blen, i = 4;

	sd->proto_off = 4;
	while (i < n && l[i] != '-' && l[i] != ' ')
		i++;
	sd->proto_len = (uint8_t)(i - 4);
	if (i >= n || l[i] != '-') {
		ps_proto_anomaly(c, "ssh_banner_malformed");
		return;
	}
	sd->sw_off = (uint8_t)++i;
	while (i < n && l[i] != ' ')
		i++;
	sd->sw_len = (uint8_t)(i - sd->sw_off);
	if (i < n) {
		sd->cm_off = (uint8_t)(i + 1);
		sd->cm_len = (uint8_t)(n - i - 1);
	}
}

/* A version that goes on to the SSH 2 binary protocol (section 5.1). */
static bool banner_v2(const struct ssh_side *sd)
{
	const uint8_t *v = sd->line + sd->proto_off;

	return (sd->proto_len == 3 && !memcmp(v, "2.0", 3)) ||
	       (sd->proto_len == 4 && !memcmp(v, "1.99", 4));
}

/* A whole line is in sd->line (CR LF removed). */
static int line_done(struct ps_proto_ctx *c, struct ssh_side *sd)
{
	if (sd->blen >= 4 && !memcmp(sd->line, "SSH-", 4)) {
		sd->banner = true;
		if (sd->long_line)
			ps_proto_anomaly(c, "ssh_banner_too_long");
		banner_split(c, sd);
		sd->phase = banner_v2(sd) ? SSH_PACKET : SSH_DONE;
		return PS_OK;
	}
	/* section 4.2: other lines may come before the server's banner */
	sd->blen = 0;
	sd->long_line = false;
	if (++sd->lines > SSH_PRE_LINES_MAX) {
		ps_proto_anomaly(c, "ssh_no_banner");
		return PS_EPROTO;
	}
	return PS_OK;
}

/* Feed banner-phase bytes; returns bytes used, or 0 with *rc set. */
static size_t banner_feed(struct ps_proto_ctx *c, struct ssh_side *sd,
			  const uint8_t *data, size_t len, int *rc)
{
	const uint8_t *lf = memchr(data, '\n', len);
	size_t n = lf ? (size_t)(lf - data) : len, room, k;

	room = SSH_BANNER_MAX - sd->blen;
	k = n < room ? n : room;
	memcpy(sd->line + sd->blen, data, k);
	sd->blen = (uint16_t)(sd->blen + k);
	if (n > room)
		sd->long_line = true;
	sd->pre += (uint32_t)(lf ? n + 1 : n);
	if (sd->pre > SSH_PRE_BYTES_MAX && !lf) {
		ps_proto_anomaly(c, "ssh_no_banner");
		*rc = PS_EPROTO;
		return 0;
	}
	if (!lf)
		return len;
	if (sd->blen && sd->line[sd->blen - 1] == '\r' && !sd->long_line)
		sd->blen--;
	*rc = line_done(c, sd);
	return n + 1;
}

/* Append name-list `i` of the KEXINIT to the HASSH string. */
static int hassh_add(struct ps_buf *b, const uint8_t *lists[10],
		     const uint32_t lens[10], int i)
{
	int rc = PS_OK;

	if (ps_buf_len(b))
		rc = ps_buf_addch(b, ';');
	return rc ? rc : ps_buf_add(b, lists[i], lens[i]);
}

/*
 * KEXINIT (RFC 4253 section 7.1): cookie and ten name-lists. HASSH is the
 * MD5 of "kex;enc;mac;cmp" with the client-to-server lists for the client
 * and the server-to-client ones for the server (Salesforce's definition,
 * as Suricata computes it).
 */
static void kexinit(struct ps_proto_ctx *c, struct ssh_side *sd,
		    enum ps_dir dir, const uint8_t *p, size_t n)
{
	const uint8_t *lists[10];
	uint32_t lens[10];
	struct ps_buf b;
	size_t off = 17;
	int s = dir == PS_DIR_TOSERVER ? 0 : 1;

	if (n < 1 || p[0] != SSH_MSG_KEXINIT) {
		ps_proto_anomaly(c, "ssh_no_kexinit");
		return;
	}
	for (int i = 0; i < 10; i++) {
		if (off > n || n - off < 4 || n - off - 4 < be32(p + off)) {
			ps_proto_anomaly(c, "ssh_kexinit_malformed");
			return;
		}
		lens[i] = be32(p + off);
		lists[i] = p + off + 4;
		off += 4 + (size_t)lens[i];
	}
	ps_buf_init(&b, PS_MEM_PROTO, SSH_PACKET_MAX);
	for (int i = 0; i < 4; i++) {
		if (hassh_add(&b, lists, lens, i ? 2 * i + s : 0) != PS_OK) {
			ps_proto_anomaly(c, "ssh_alloc_failed");
			goto out;
		}
	}
	if (ps_proto_digest(PS_MD_MD5, ps_buf_cstr(&b), ps_buf_len(&b),
			    sd->md5) != PS_OK)
		goto out;
	sd->hlen = ps_buf_len(&b);
	sd->hstr = ps_buf_take(&b, NULL);
	sd->hassh = sd->hstr != NULL;
out:
	ps_buf_release(&b);
}

/* The binary packet header (section 6): length, padding length. */
static bool packet_header(struct ps_proto_ctx *c, struct ssh_side *sd)
{
	uint32_t plen = be32(sd->hdr);
	uint8_t pad = sd->hdr[4];

	if (plen > SSH_PACKET_MAX || plen < 1u + pad) {
		ps_proto_anomaly(c, "ssh_packet_malformed");
		sd->phase = SSH_DONE;
		return false;
	}
	sd->need = plen - 1 - pad;
	return true;
}

/* Feed packet-phase bytes; returns bytes used. */
static size_t packet_feed(struct ps_proto_ctx *c, struct ssh_side *sd,
			  enum ps_dir dir, const uint8_t *data, size_t len)
{
	size_t used = 0, k;

	if (sd->nhdr < 5) {
		k = 5u - sd->nhdr < len ? 5u - sd->nhdr : len;
		memcpy(sd->hdr + sd->nhdr, data, k);
		sd->nhdr = (uint8_t)(sd->nhdr + k);
		if (sd->nhdr < 5 || !packet_header(c, sd))
			return k;
		used = k;
		data += k;
		len -= k;
	}
	if (sd->have == 0 && len >= sd->need) {
		kexinit(c, sd, dir, data, sd->need);
		sd->phase = SSH_DONE;
		return used + sd->need;
	}
	if (!sd->pkt && !(sd->pkt = ps_malloc(PS_MEM_PROTO, sd->need))) {
		ps_proto_anomaly(c, "ssh_alloc_failed");
		sd->phase = SSH_DONE;
		return used + len;
	}
	k = sd->need - sd->have < len ? sd->need - sd->have : len;
	memcpy(sd->pkt + sd->have, data, k);
	sd->have += (uint32_t)k;
	if (sd->have == sd->need) {
		kexinit(c, sd, dir, sd->pkt, sd->need);
		sd->phase = SSH_DONE;
	}
	return used + k;
}

static void write_side(struct ps_jw *w, const char *key,
		       const struct ssh_side *sd)
{
	if (!sd->banner)
		return;
	ps_jw_obj_open(w, key);
	ps_jw_strn(w, "proto_version", sd->line + sd->proto_off, sd->proto_len);
	ps_jw_strn(w, "software_version", sd->line + sd->sw_off, sd->sw_len);
	if (sd->cm_len)
		ps_jw_strn(w, "comment", sd->line + sd->cm_off, sd->cm_len);
	if (sd->hassh) {
		ps_jw_obj_open(w, "hassh");
		ps_jw_hex(w, "hash", sd->md5, SSH_MD5_LEN);
		ps_jw_strn(w, "string", sd->hstr, sd->hlen);
		ps_jw_obj_close(w);
	}
	ps_jw_obj_close(w);
}

static void emit(struct ssh_state *s, struct ps_proto_ctx *c)
{
	struct ps_jw *w;

	s->emitted = true;
	if (!s->side[0].banner && !s->side[1].banner)
		return;
	w = ps_proto_event_begin(c, "ssh");
	ps_jw_obj_open(w, "ssh");
	write_side(w, "client", &s->side[PS_DIR_TOSERVER]);
	write_side(w, "server", &s->side[PS_DIR_TOCLIENT]);
	ps_jw_obj_close(w);
	ps_proto_event_end(c);
}

static void side_release(struct ssh_side *sd)
{
	ps_free(sd->pkt);
	sd->pkt = NULL;
}

static void maybe_emit(struct ssh_state *s, struct ps_proto_ctx *c)
{
	if (!s->emitted && s->side[0].phase == SSH_DONE &&
	    s->side[1].phase == SSH_DONE)
		emit(s, c);
}

static int ssh_parse(void *state, struct ps_proto_ctx *c, enum ps_dir dir,
		     const uint8_t *data, size_t len)
{
	struct ssh_state *s = state;
	struct ssh_side *sd = &s->side[dir & 1];
	int rc = PS_OK;
	size_t n;

	while (len && sd->phase != SSH_DONE) {
		if (sd->phase == SSH_BANNER)
			n = banner_feed(c, sd, data, len, &rc);
		else
			n = packet_feed(c, sd, dir & 1, data, len);
		if (rc != PS_OK)
			return rc;
		data += n;
		len -= n;
	}
	if (sd->phase == SSH_DONE) {
		side_release(sd);
		maybe_emit(s, c);
	}
	return PS_OK;
}

/* Lost bytes: this side cannot be followed any more. */
static void ssh_gap(void *state, struct ps_proto_ctx *c, enum ps_dir dir,
		    size_t len)
{
	struct ssh_state *s = state;
	struct ssh_side *sd = &s->side[dir & 1];

	(void)len;
	if (sd->phase == SSH_DONE)
		return;
	ps_proto_anomaly(c, "ssh_gap");
	sd->phase = SSH_DONE;
	side_release(sd);
	maybe_emit(s, c);
}

static void ssh_finish(void *state, struct ps_proto_ctx *c)
{
	struct ssh_state *s = state;

	if (!s->emitted)
		emit(s, c);
	for (int i = 0; i < 2; i++) {
		side_release(&s->side[i]);
		ps_free(s->side[i].hstr);
		s->side[i].hstr = NULL;
	}
}

/* "SSH-" at the start of either direction (RFC 4253 section 4.2). */
static enum ps_probe ssh_probe(const uint8_t *data, size_t len,
			       enum ps_dir dir)
{
	size_t n = len < 4 ? len : 4;

	(void)dir;
	if (len == 0)
		return PS_PROBE_MORE;
	if (memcmp(data, "SSH-", n) != 0)
		return PS_PROBE_NO;
	return len < 4 ? PS_PROBE_MORE : PS_PROBE_YES;
}

const struct ps_proto_parser ps_proto_ssh = {
	.name = "ssh",
	.id = PS_ALPROTO_SSH,
	.l4 = PS_PROTO_L4_TCP,
	.ports = {22, 0},
	.probe = ssh_probe,
	.state_size = sizeof(struct ssh_state),
	.parse = ssh_parse,
	.gap = ssh_gap,
	.finish = ssh_finish,
};
