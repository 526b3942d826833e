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
