/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target for the packet decoders and defragmentation: the first byte
 * picks the link type (and how much the "capture" cut off), the rest is
 * split on the 4-byte marker "PSPK" into packets fed one second apart to
 * one decoder, so fragments meet, overlap and time out across packets.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "core/core.h"
#include "net/decode.h"

static const uint16_t linktypes[] = {
	PS_LINK_ETHERNET, PS_LINK_RAW, PS_LINK_DLT_RAW, PS_LINK_DLT_RAW14,
	PS_LINK_IPV4, PS_LINK_IPV6, PS_LINK_SLL, PS_LINK_SLL2,
	PS_LINK_NULL, PS_LINK_LOOP, PS_DEC_LINK_PPP,
};
static const uint32_t snap_extra[] = {0, 1, 64, 1500};

#define MARKER "PSPK"

/* What a successful decode promises about p; abort() otherwise. */
static void check(const struct ps_packet *p, int rc)
{
	const uint8_t *end = p->data + p->caplen;
	uint32_t i, sum = 0;

	if (rc == PS_OK && !(p->flags & PS_PKT_HAS_L3))
		abort();
	if (p->l4 != NULL && (p->l4 < p->data || p->l4 + p->l4_len > end))
		abort();
	if (p->payload != NULL && (p->payload < p->data || p->payload + p->payload_len > end))
		abort();
	if ((p->flags & PS_PKT_HAS_L3) && rc != PS_EAGAIN && p->hash != ps_packet_hash(p))
		abort();
	for (i = 0; i < p->payload_len; i++) /* let ASan see every byte */
		sum += p->payload[i];
	if (p->l4_len > 0)
		sum += p->l4[p->l4_len - 1];
	(void)sum;
}

static void one(struct ps_decoder *d, const uint8_t *b, size_t n, uint16_t lt,
		uint32_t extra, int64_t ts)
{
	struct ps_packet p;
	uint8_t *copy = ps_malloc(PS_MEM_TEST, n); /* exact size: over-reads trip ASan */
	int rc;

	if (copy == NULL)
		return;
	memcpy(copy, b, n);
	memset(&p, 0, sizeof(p));
	p.data = copy;
	p.caplen = (uint32_t)n;
	p.wirelen = (uint32_t)n + extra;
	p.linktype = lt;
	p.ts_us = ts;
	rc = ps_decode(d, &p);
	check(&p, rc);
	ps_decoder_tick(d, ts);
	ps_free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ps_decode_config cfg;
	struct ps_decoder d;
	const uint8_t *cur, *m;
	size_t left;
	int64_t ts = 1000000;
	uint16_t lt;
	uint32_t extra;

	if (size < 1)
		return 0;
	lt = linktypes[data[0] % PS_ARRAY_LEN(linktypes)];
	extra = snap_extra[(data[0] / PS_ARRAY_LEN(linktypes)) % PS_ARRAY_LEN(snap_extra)];
	ps_decode_config_default(&cfg);
	cfg.defrag_memcap = 256 * 1024;
	cfg.defrag_max_trackers = 32;
	cfg.defrag_max_frags = 32;
	cfg.defrag_timeout_s = 3;
	if (ps_decoder_init(&d, &cfg) != PS_OK)
		return 0;
	cur = data + 1;
	left = size - 1;
	while (left > 0) {
		m = memmem(cur, left, MARKER, 4);
		if (m == NULL)
			m = cur + left;
		one(&d, cur, (size_t)(m - cur), lt, extra, ts);
		ts += 1000000;
		if ((size_t)(m - cur) + 4 > left)
			break;
		left -= (size_t)(m - cur) + 4;
		cur = m + 4;
	}
	ps_decoder_release(&d);
	return 0;
}
