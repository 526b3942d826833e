/* record.c - names and address text for the value snapshots in record.h. */
#include "record.h"

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

/* One table for the end-reason names, indexed by enum end_reason. */
static const char *const end_reason_names[END__COUNT] = {
	[END_CLOSED] = "closed",
	[END_RESET] = "reset",
	[END_TIMEOUT] = "timeout",
	[END_EVICTED] = "evicted",
	[END_END_OF_INPUT] = "end_of_input",
	[END_REUSED] = "reused",
};

/* Short stable name of an end reason ("closed", ...); "unknown" out of range. */
const char *end_reason_name(enum end_reason r)
{
	if ((unsigned)r >= END__COUNT)
		return "unknown";
	return end_reason_names[r];
}

/* One table for the sequence-counter names, indexed by enum seq_counter. */
static const char *const seq_counter_names[SEQ__COUNT] = {
	[SEQ_RETRANSMISSIONS] = "retransmissions",
	[SEQ_FAST_RETRANSMISSIONS] = "fast_retransmissions",
	[SEQ_TIMEOUT_RETRANSMISSIONS] = "timeout_retransmissions",
	[SEQ_SPURIOUS_RETRANSMISSIONS] = "spurious_retransmissions",
	[SEQ_TLP_RETRANSMISSIONS] = "tlp_retransmissions",
	[SEQ_OUT_OF_ORDER] = "out_of_order",
	[SEQ_NOT_CAPTURED] = "not_captured",
	[SEQ_ACKED_UNSEEN] = "acked_unseen",
	[SEQ_DUP_ACKS] = "dup_acks",
	[SEQ_SACK_BLOCKS] = "sack_blocks",
	[SEQ_DSACK_BLOCKS] = "dsack_blocks",
	[SEQ_ZERO_WINDOWS] = "zero_windows",
	[SEQ_ZERO_WINDOW_PROBES] = "zero_window_probes",
	[SEQ_WINDOW_FULL] = "window_full",
	[SEQ_WINDOW_UPDATES] = "window_updates",
	[SEQ_KEEPALIVES] = "keepalives",
	[SEQ_KEEPALIVE_ACKS] = "keepalive_acks",
};

const char *seq_counter_name(enum seq_counter k)
{
	if ((unsigned)k >= SEQ__COUNT)
		return "unknown";
	return seq_counter_names[k];
}

/* Write "a.b.c.d" for the four bytes at a into dst (16 bytes); returns the length. */
static size_t ipv4_str(const uint8_t a[4], char dst[16])
{
	size_t n = 0;

	for (int i = 0; i < 4; i++) {
		unsigned v = a[i];

		if (i > 0)
			dst[n++] = '.';
		if (v >= 100)
			dst[n++] = (char)('0' + v / 100);
		if (v >= 10)
			dst[n++] = (char)('0' + v / 10 % 10);
		dst[n++] = (char)('0' + v % 10);
	}
	dst[n] = '\0';
	return n;
}

/*
 * Format e's address: IPv4 (ip_version 4, stored v4-mapped, so bytes 12..15)
 * as a dotted quad, written by hand because it is on the report's hot path;
 * IPv6 in RFC 5952 form through inet_ntop. buf should hold INET6_ADDRSTRLEN
 * (46) bytes; when it is too small it receives the empty string.
 */
void endpoint_addr_str(const struct endpoint *e, int ip_version, char *buf, unsigned buflen)
{
	if (buflen == 0)
		return;
	buf[0] = '\0';
	if (ip_version == 4) {
		char tmp[16];
		size_t n = ipv4_str(&e->addr[12], tmp);

		if (n < buflen)
			memcpy(buf, tmp, n + 1);
		return;
	}
	if (inet_ntop(AF_INET6, e->addr, buf, (socklen_t)buflen) == NULL)
		buf[0] = '\0';
}
