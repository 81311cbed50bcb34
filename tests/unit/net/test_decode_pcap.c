/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Walks every capture of the shared encapsulation corpus (VLAN, QinQ, MPLS,
 * PPPoE, GRE, ERSPAN, VXLAN, Geneve, GTP-U...) through one decoder per file:
 * no packet may come back malformed (PS_EUNSUP for ARP, LLC, LCP... is
 * fine), and each file must move the counter of the layer it is named
 * after. Skipped (77) when the corpus is absent.
 */
#include <dirent.h>
#include <pcap/pcap.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/core.h"
#include "net/decode.h"

#define ENCAP_DIR "/work/shared/data/pcap/encap"

static const char *encap_dir(void)
{
	const char *s = getenv("PANSHI_ENCAP_PCAP_DIR");

	return s != NULL && *s != '\0' ? s : ENCAP_DIR;
}

/* A file-name fragment and the layer counter its captures must move. */
static const struct {
	const char *name;
	enum ps_decode_ctr ctr;
} expect_layer[] = {
	{"vlan", PS_DEC_VLAN},
	{"QinQ", PS_DEC_QINQ},
	{"mpls", PS_DEC_MPLS},
	{"gre", PS_DEC_GRE},
	{"erspan", PS_DEC_ERSPAN},
	{"vxlan", PS_DEC_VXLAN},
	{"in_gtp", PS_DEC_GTPU},
	{"pppoe", PS_DEC_PPPOE},
	{"geneve", PS_DEC_GENEVE},
	{"flow-pkt-recursion", PS_DEC_IPV4_IN_IPV6},
	{"defrag", PS_DEC_REASSEMBLED},
};

struct file_result {
	uint64_t pkts, ok, again, eproto, eunsup;
};

static void walk_file(const char *path, struct ps_decoder *d, struct file_result *r)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	struct ps_packet p;
	pcap_t *pc;
	int rc;

	memset(r, 0, sizeof(*r));
	pc = pcap_open_offline(path, err);
	if (pc == NULL)
		fail_msg("cannot open '%s': %s", path, err);
	while (pcap_next_ex(pc, &h, &data) == 1) {
		memset(&p, 0, sizeof(p));
		p.data = data;
		p.caplen = h->caplen;
		p.wirelen = h->len;
		p.linktype = (uint16_t)pcap_datalink(pc);
		p.ts_us = (int64_t)h->ts.tv_sec * 1000000 + h->ts.tv_usec;
		rc = ps_decode(d, &p);
		ps_decoder_tick(d, p.ts_us);
		r->pkts++;
		r->ok += rc == PS_OK;
		r->again += rc == PS_EAGAIN;
		r->eproto += rc == PS_EPROTO;
		r->eunsup += rc == PS_EUNSUP;
		if (rc == PS_OK)
			assert_true(p.flags & PS_PKT_HAS_L3);
	}
	pcap_close(pc);
}

static void print_events(const char *file, const struct ps_decoder *d)
{
	unsigned i;

	for (i = 0; i < PS_DEC__COUNT; i++)
		if (d->ctr[i] != 0 && strstr(ps_decode_ctr_name(i), ".event.") != NULL)
			printf("  %s: %s = %llu\n", file, ps_decode_ctr_name(i),
			       (unsigned long long)d->ctr[i]);
}

static void check_file(const char *dir, const char *file, unsigned *layers_checked)
{
	struct ps_decoder d;
	struct file_result r;
	char path[4096];
	size_t i;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	assert_int_equal(ps_decoder_init(&d, NULL), PS_OK);
	walk_file(path, &d, &r);
	printf("%-64s pkts %4llu ok %4llu frag %2llu unsup %3llu invalid %llu\n", file,
	       (unsigned long long)r.pkts, (unsigned long long)r.ok,
	       (unsigned long long)r.again, (unsigned long long)r.eunsup,
	       (unsigned long long)r.eproto);
	print_events(file, &d);
	assert_true(r.pkts > 0);
	if (r.eproto != 0)
		fail_msg("%s: %llu packets decoded as malformed", file,
			 (unsigned long long)r.eproto);
	for (i = 0; i < PS_ARRAY_LEN(expect_layer); i++) {
		if (strstr(file, expect_layer[i].name) == NULL)
			continue;
		if (d.ctr[expect_layer[i].ctr] == 0)
			fail_msg("%s: counter %s is 0", file,
				 ps_decode_ctr_name(expect_layer[i].ctr));
		(*layers_checked)++;
	}
	ps_decoder_release(&d);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_encap_corpus(void **state)
{
	const char *dir = encap_dir();
	struct dirent *de;
	char *names[512];
	size_t n = 0, i;
	unsigned layers = 0;
	DIR *dp;

	(void)state;
	dp = opendir(dir);
	assert_non_null(dp);
	while ((de = readdir(dp)) != NULL && n < PS_ARRAY_LEN(names))
		if (strstr(de->d_name, ".pcap") != NULL)
			names[n++] = ps_strdup(PS_MEM_TEST, de->d_name);
	closedir(dp);
	qsort(names, n, sizeof(names[0]), name_cmp);
	for (i = 0; i < n; i++)
		check_file(dir, names[i], &layers);
	for (i = 0; i < n; i++)
		ps_free(names[i]);
	printf("%zu captures, %u layer expectations met\n", n, layers);
	assert_true(n > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encap_corpus),
	};
	DIR *dp = opendir(encap_dir());

	if (dp == NULL) {
		printf("skipped: no capture directory '%s'\n", encap_dir());
		return 77;
	}
	closedir(dp);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
