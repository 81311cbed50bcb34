/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The baseline of the traffic benchmark: a plain libpcap pcap_next_ex()
 * loop that only counts packets and bytes, so that `panshi analyze` can be
 * reported as a ratio to the cost of reading the same file in the same run
 * (scripts/bench-traffic.sh). It uses no Panshi code on purpose.
 *
 *   pcap_read_loop FILE
 *
 * prints one line: packets=N bytes=B seconds=S pps=P
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	uint64_t packets = 0, bytes = 0;
	unsigned sum = 0;
	double t0, secs;
	pcap_t *p;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: pcap_read_loop FILE\n");
		return 2;
	}
	t0 = now_s();
	p = pcap_open_offline(argv[1], errbuf);
	if (p == NULL) {
		fprintf(stderr, "cannot open '%s': %s\n", argv[1], errbuf);
		return 1;
	}
	while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
		packets++;
		bytes += h->caplen;
		/* Touch the packet as a decoder would touch its first byte. */
		if (h->caplen)
			sum += data[0];
	}
	if (rc == PCAP_ERROR) {
		fprintf(stderr, "cannot read '%s': %s\n", argv[1],
			pcap_geterr(p));
		pcap_close(p);
		return 1;
	}
	pcap_close(p);
	secs = now_s() - t0;
	printf("packets=%llu bytes=%llu seconds=%.6f pps=%.0f check=%u\n",
	       (unsigned long long)packets, (unsigned long long)bytes, secs,
	       secs > 0 ? (double)packets / secs : 0.0, sum & 0xff);
	return 0;
}
