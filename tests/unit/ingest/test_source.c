/* SPDX-License-Identifier: Apache-2.0 */
/*
 * File sources: a classic pcap file in host byte order is read from a
 * memory map, so every such file here is also read with libpcap and the
 * two must agree on each packet (time, lengths, bytes) and on the error
 * that ends a corrupt file.
 */
#include <pcap/pcap.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/core.h"
#include "ingest/source.h"

#define MAGIC_US 0xa1b2c3d4u
#define MAGIC_NS 0xa1b23c4du

struct rec {
	int32_t sec, frac;
	uint32_t caplen, len;   /* caplen bytes follow unless cut */
};

static char dir[] = "/tmp/ps_test_source_XXXXXX";
static char path[sizeof(dir) + 32];

static uint32_t sw32(uint32_t v, bool swap)
{
	return swap ? __builtin_bswap32(v) : v;
}

/*
 * Write a pcap file: the 24-byte file header (magic, version 2.4, zone,
 * sigfigs, snaplen, link type 1 = Ethernet), then each record's 16-byte
 * header and caplen bytes of a counting pattern; `cut` bytes are dropped
 * from the end of the file.
 */
static const char *write_pcap(uint32_t magic, bool swap, uint32_t snaplen,
			      const struct rec *r, size_t n, size_t cut)
{
	uint8_t *buf = ps_calloc(PS_MEM_CORE, 1, 1 << 20);
	size_t off = 0, i;
	uint32_t w[6] = {
		sw32(magic, swap), sw32(2 | (4u << 16), swap), 0, 0,
		sw32(snaplen, swap), sw32(1, swap),
	};
	FILE *f;

	assert_non_null(buf);
	if (swap)  /* the version is two 16-bit halves, each swapped */
		w[1] = (uint32_t)__builtin_bswap16(2) | ((uint32_t)__builtin_bswap16(4) << 16);
	memcpy(buf, w, sizeof(w));
	off = sizeof(w);
	for (i = 0; i < n; i++) {
		uint32_t h[4] = {
			sw32((uint32_t)r[i].sec, swap), sw32((uint32_t)r[i].frac, swap),
			sw32(r[i].caplen, swap), sw32(r[i].len, swap),
		};
		size_t k, body = r[i].caplen > 4096 ? 4096 : r[i].caplen;

		memcpy(buf + off, h, sizeof(h));
		off += sizeof(h);
		for (k = 0; k < body; k++)
			buf[off + k] = (uint8_t)(k * 7 + i);
		off += body;
	}
	snprintf(path, sizeof(path), "%s/t.pcap", dir);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, off - cut, f), off - cut);
	fclose(f);
	ps_free(buf);
	return path;
}

/* Read p with both readers; they must agree; returns the packet count. */
static unsigned compare_readers(const char *p, bool want_mapped, bool want_error)
{
	char err[PCAP_ERRBUF_SIZE];
	struct ps_source *s;
	struct ps_diag d = {{0}};
	struct ps_packet pk;
	struct pcap_pkthdr *h;
	const u_char *data;
	pcap_t *pc;
	unsigned n = 0;
	int rc, prc;

	assert_int_equal(ps_source_open_file(&s, p, &d), PS_OK);
	assert_int_equal(ps_source_stable(s), want_mapped);
	pc = pcap_open_offline_with_tstamp_precision(p, PCAP_TSTAMP_PRECISION_MICRO, err);
	assert_non_null(pc);
	for (;;) {
		rc = ps_source_next(s, &pk, &d);
		prc = pcap_next_ex(pc, &h, &data);
		if (prc != 1)
			break;
		assert_int_equal(rc, PS_OK);
		assert_true(pk.ts_us == (int64_t)h->ts.tv_sec * 1000000 + h->ts.tv_usec);
		assert_int_equal(pk.caplen, h->caplen);
		assert_int_equal(pk.wirelen, h->len >= h->caplen ? h->len : h->caplen);
		assert_int_equal(pk.linktype, 1);
		assert_memory_equal(pk.data, data, h->caplen);
		n++;
	}
	if (want_error) {
		assert_int_equal(prc, PCAP_ERROR);
		assert_int_equal(rc, PS_EPROTO);
		assert_non_null(strstr(d.msg, pcap_geterr(pc)));
	} else {
		assert_int_equal(prc, PCAP_ERROR_BREAK);
		assert_int_equal(rc, PS_EOF);
	}
	pcap_close(pc);
	ps_source_close(s);
	unlink(p);
	return n;
}

static const struct rec recs[] = {
	{1700000000, 123456, 60, 60},
	{1700000001, 999999, 1514, 1514},
	{1700000002, 5, 40, 1500},            /* cut on the wire */
	{-16, 1234567, 64, 64},               /* odd times pass through */
	{1700000003, 0, 0, 0},                /* empty record */
};

static void test_source_mapped_matches_libpcap(void **unused)
{
	(void)unused;
	assert_int_equal(compare_readers(write_pcap(MAGIC_US, false, 65535, recs,
			 PS_ARRAY_LEN(recs), 0), true, false), PS_ARRAY_LEN(recs));
	/* nanosecond time stamps are scaled down */
	assert_int_equal(compare_readers(write_pcap(MAGIC_NS, false, 65535, recs,
			 PS_ARRAY_LEN(recs), 0), true, false), PS_ARRAY_LEN(recs));
	/* records longer than the file's snaplen are cut to it */
	assert_int_equal(compare_readers(write_pcap(MAGIC_US, false, 100, recs,
			 PS_ARRAY_LEN(recs), 0), true, false), PS_ARRAY_LEN(recs));
	/* the other byte order goes through libpcap */
	assert_int_equal(compare_readers(write_pcap(MAGIC_US, true, 65535, recs,
			 PS_ARRAY_LEN(recs), 0), false, false), PS_ARRAY_LEN(recs));
}

static void test_source_mapped_errors_match_libpcap(void **unused)
{
	static const struct rec huge[] = {
		{1, 0, 60, 60},
		{2, 0, 300000, 300000},       /* beyond any sane snaplen */
	};
	static const struct rec big[] = {
		{1, 0, 60, 60},
		{2, 0, 3000, 3000},           /* beyond the snaplen of 1000 */
	};

	(void)unused;
	/* data cut short, header cut short */
	assert_int_equal(compare_readers(write_pcap(MAGIC_US, false, 65535, recs,
			 PS_ARRAY_LEN(recs) - 1, 10), true, true), 3);
	assert_int_equal(compare_readers(write_pcap(MAGIC_US, false, 65535, recs,
			 PS_ARRAY_LEN(recs), 8), true, true), 4);
	assert_int_equal(compare_readers(write_pcap(MAGIC_US, false, 65535, huge,
			 PS_ARRAY_LEN(huge), 0), true, true), 1);
	/* over the snaplen and cut inside the kept part, then after it */
	assert_int_equal(compare_readers(write_pcap(MAGIC_US, false, 1000, big,
			 PS_ARRAY_LEN(big), 2500), true, true), 1);
	assert_int_equal(compare_readers(write_pcap(MAGIC_US, false, 1000, big,
			 PS_ARRAY_LEN(big), 100), true, true), 1);
}

static int setup(void **unused)
{
	(void)unused;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **unused)
{
	(void)unused;
	return rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_source_mapped_matches_libpcap),
		cmocka_unit_test(test_source_mapped_errors_match_libpcap),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
