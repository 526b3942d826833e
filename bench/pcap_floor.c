/* pcap_floor.c: the benchmark's floor, a bare libpcap read loop over a capture. */

/*
 * Usage: pcap_floor FILE
 *
 * Opens FILE the way tcpscope does (nanosecond precision) and calls
 * pcap_next_ex() until the end, doing nothing but count packets and sum their
 * captured lengths (into a volatile, so the loop cannot be optimised away).
 * No analyzer can read the file faster through libpcap; bench/run.sh reports
 * tcpscope's time as a ratio to this one.  Prints the packet count.
 */

#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *hdr;
	const u_char *data;
	volatile uint64_t caplen_sum = 0;
	uint64_t packets = 0;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: pcap_floor FILE\n");
		return 2;
	}
	pcap_t *p = pcap_open_offline_with_tstamp_precision(argv[1], PCAP_TSTAMP_PRECISION_NANO,
							    errbuf);
	if (!p) {
		fprintf(stderr, "pcap_floor: %s: %s\n", argv[1], errbuf);
		return 1;
	}
	while ((rc = pcap_next_ex(p, &hdr, &data)) == 1) {
		packets++;
		caplen_sum += hdr->caplen;
	}
	if (rc == PCAP_ERROR) {
		fprintf(stderr, "pcap_floor: %s: %s\n", argv[1], pcap_geterr(p));
		pcap_close(p);
		return 1;
	}
	pcap_close(p);
	(void)caplen_sum;
	printf("%" PRIu64 "\n", packets);
	return 0;
}
