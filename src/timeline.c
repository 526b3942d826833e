/* timeline.c - --timeline's packet lines: text under a header, or "type":"packet" JSON Lines, from one table of fields. */
#include "timeline.h"

#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "decode.h"
#include "tcp_seq.h"
#include "tcp_state.h"
#include "textesc.h"

/*
 * The JSON packet record, in the order written. The lead moves these rows
 * into the project's one table of fields; timeline_format writes exactly
 * these keys (tests/check_timeline.c holds it to that).
 */
static const struct timeline_field fields[] = {
	{"type", "string", "", "\"packet\""},
	{"conn", "integer", "", "the connection's id (as in its \"conn\" record)"},
	{"frame", "integer", "", "the frame's number in the input, 1-based, as Wireshark numbers it"},
	{"ts", "number", "s", "capture time, seconds since the epoch"},
	{"rel_time", "number", "s", "time since the connection's first packet"},
	{"dir", "string", "", "c2s (client to server) or s2c"},
	{"flags", "array", "", "TCP flags set: SYN, ACK, FIN, RST, PSH, URG, ECE, CWR, NS"},
	{"seq", "integer", "", "sequence number relative to the sender's ISN (Wireshark's relative numbers)"},
	{"ack", "integer", "", "ACK number relative to the receiver's ISN; null without the ACK flag"},
	{"len", "integer", "bytes", "TCP payload length (from the IP header)"},
	{"win", "integer", "bytes", "advertised window, scaled by the sender's window scale"},
	{"win_scaled", "boolean", "", "false when the window scale is unknown (win is then the raw field)"},
	{"sack", "array", "", "SACK blocks as [left, right] pairs, relative as ack"},
	{"dsack_blocks", "integer", "", "of the SACK blocks, D-SACKs (RFC 2883: 0 or 1)"},
	{"analysis", "array", "", "what the sequence analysis found: retransmission kinds, dup_ack, zero_window, "
				   "zero_window_probe, keepalive, window_full, out_of_order, not_captured, ..."},
	{"dup_ack_n", "integer", "", "with dup_ack: its number in the run (1, 2, ...); else 0"},
	{"rtt_ms", "number", "ms", "the RTT sample of the peer's data this ACK gave; null when none"},
	{"srtt_ms", "number", "ms", "smoothed RTT of the peer's data after this packet (RFC 6298); null before a sample"},
	{"client_before", "string", "", "the client endpoint's RFC 793 state before this packet"},
	{"client_after", "string", "", "and after it"},
	{"server_before", "string", "", "the server endpoint's state before this packet"},
	{"server_after", "string", "", "and after it"},
	{"sni", "string", "", "the TLS SNI, on the packet that completed the ClientHello; else null"},
};

const struct timeline_field *timeline_fields(size_t *n)
{
	*n = sizeof(fields) / sizeof(fields[0]);
	return fields;
}

/* TCP flags: one table for the letters (tcpdump's) and the JSON names. */
static const struct {
	uint16_t bit;
	char letter;
	const char *name;
} flag_table[] = {
	{TCP_FLAG_SYN, 'S', "SYN"}, {TCP_FLAG_FIN, 'F', "FIN"}, {TCP_FLAG_RST, 'R', "RST"},
	{TCP_FLAG_PSH, 'P', "PSH"}, {TCP_FLAG_URG, 'U', "URG"}, {TCP_FLAG_ECE, 'E', "ECE"},
	{TCP_FLAG_CWR, 'W', "CWR"}, {TCP_FLAG_NS, 'N', "NS"},   {TCP_FLAG_ACK, '.', "ACK"},
};
#define FLAG_COUNT (sizeof(flag_table) / sizeof(flag_table[0]))

void timeline_flag_letters(char *dst, uint16_t flags)
{
	size_t n = 0;
	for (size_t i = 0; i < FLAG_COUNT; i++)
		if (flags & flag_table[i].bit)
			dst[n++] = flag_table[i].letter;
	if (n == 0)
		dst[n++] = '-';
	dst[n] = '\0';
}

/* An output line being built: never past cap (the line is cut instead). */
struct line {
	char *buf;
	size_t cap, len;
};

static void put(struct line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct line *l, const char *fmt, ...)
{
	if (l->len + 1 >= l->cap)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(l->buf + l->len, l->cap - l->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		l->len += (size_t)n < l->cap - l->len ? (size_t)n : l->cap - l->len - 1;
}

/* Seconds with 9 decimals from signed nanoseconds. */
static void put_seconds(struct line *l, int64_t ns)
{
	uint64_t mag = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
	put(l, "%s%" PRIu64 ".%09" PRIu64, ns < 0 ? "-" : "", mag / 1000000000u, mag % 1000000000u);
}

static void put_ms(struct line *l, uint32_t us)
{
	put(l, "%" PRIu32 ".%03" PRIu32, us / 1000u, us % 1000u);
}

/* A JSON string: quotes, backslashes and control bytes escaped; bytes that are not UTF-8 become U+FFFD. */
static void put_json_string(struct line *l, const char *s)
{
	put(l, "\"");
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		uint32_t cp;
		size_t k = utf8_char_len((const unsigned char *)s + i, n - i, &cp);
		if (c == '"' || c == '\\')
			put(l, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			put(l, "\\u%04x", c);
		else if (k == 0)
			put(l, "\\ufffd");
		else
			put(l, "%.*s", (int)k, s + i);
		i += k ? k : 1;
	}
	put(l, "\"");
}

static const char *dir_name(int dir)
{
	return dir == 0 ? "c2s" : "s2c";
}

/* The analysis bits that name something the segment was (not the sample bits, reported as rtt). */
static uint32_t named_bits(const struct packet_record *p)
{
	return p->seq_bits & ~(uint32_t)TCP_SEQ_SAMPLE_BITS;
}

static void format_json(struct line *l, const struct packet_record *p)
{
	put(l, "{\"type\":\"packet\",\"conn\":%" PRIu64 ",\"frame\":%" PRIu64 ",\"ts\":", p->conn_id, p->frame);
	put_seconds(l, (int64_t)p->ts_ns);
	put(l, ",\"rel_time\":");
	put_seconds(l, p->rel_ns);
	put(l, ",\"dir\":\"%s\",\"flags\":[", dir_name(p->dir));
	const char *sep = "";
	for (size_t i = 0; i < FLAG_COUNT; i++)
		if (p->tcp_flags & flag_table[i].bit) {
			put(l, "%s\"%s\"", sep, flag_table[i].name);
			sep = ",";
		}
	put(l, "],\"seq\":%" PRIu32 ",\"ack\":", p->seq_rel);
	if (p->ack_known)
		put(l, "%" PRIu32, p->ack_rel);
	else
		put(l, "null");
	put(l, ",\"len\":%" PRIu32 ",\"win\":%" PRIu64 ",\"win_scaled\":%s,\"sack\":[", p->len, p->window,
	    p->win_scaled ? "true" : "false");
	for (int i = 0; i < p->sack_count; i++)
		put(l, "%s[%" PRIu32 ",%" PRIu32 "]", i ? "," : "", p->sack[i].left_rel, p->sack[i].right_rel);
	put(l, "],\"dsack_blocks\":%u,\"analysis\":[", p->dsack_blocks);
	sep = "";
	for (uint32_t bit = 1; bit != 0; bit <<= 1)
		if ((named_bits(p) & bit) && tcp_seq_flag_name(bit)) {
			put(l, "%s\"%s\"", sep, tcp_seq_flag_name(bit));
			sep = ",";
		}
	put(l, "],\"dup_ack_n\":%" PRIu32 ",\"rtt_ms\":", p->dup_ack_n);
	if (p->seq_bits & TCP_SEQ_RTT_SAMPLE)
		put_ms(l, p->rtt_sample_us);
	else
		put(l, "null");
	put(l, ",\"srtt_ms\":");
	if (p->srtt_us)
		put_ms(l, p->srtt_us);
	else
		put(l, "null");
	put(l, ",\"client_before\":\"%s\",\"client_after\":\"%s\",\"server_before\":\"%s\",\"server_after\":\"%s\",\"sni\":",
	    tcp_state_name(p->client_before), tcp_state_name(p->client_after), tcp_state_name(p->server_before),
	    tcp_state_name(p->server_after));
	if (p->sni)
		put_json_string(l, p->sni);
	else
		put(l, "null");
	put(l, "}\n");
}

static const char text_header[] =
	" conn    frame      rel_time dir flags        seq        ack    len        win  analysis";

const char *timeline_text_header(void)
{
	return text_header;
}

/* "client SYN_SENT>ESTABLISHED" for an endpoint whose state this packet changed. */
static void put_state_change(struct line *l, const char *who, enum tcp_state before, enum tcp_state after)
{
	if (before != after)
		put(l, " %s:%s>%s", who, tcp_state_name(before), tcp_state_name(after));
}

static void format_text(struct line *l, const struct packet_record *p)
{
	char flags[16], ack[16];
	timeline_flag_letters(flags, p->tcp_flags);
	if (p->ack_known)
		snprintf(ack, sizeof(ack), "%" PRIu32, p->ack_rel);
	else
		snprintf(ack, sizeof(ack), "-");
	int64_t rel = p->rel_ns;
	uint64_t mag = rel < 0 ? (uint64_t)0 - (uint64_t)rel : (uint64_t)rel;
	/* microseconds are enough to read; JSON keeps nanoseconds */
	put(l, "%5" PRIu64 " %8" PRIu64 " %s%6" PRIu64 ".%06" PRIu64 " %s %-6s %10" PRIu32 " %10s %6" PRIu32
	       " %10" PRIu64 "%s ",
	    p->conn_id, p->frame, rel < 0 ? "-" : " ", mag / 1000000000u, (mag % 1000000000u) / 1000u,
	    p->dir == 0 ? "c>s" : "s>c", flags, p->seq_rel, ack, p->len, p->window, p->win_scaled ? " " : "?");
	for (uint32_t bit = 1; bit != 0; bit <<= 1) {
		if (!(named_bits(p) & bit) || !tcp_seq_flag_name(bit))
			continue;
		if (bit == TCP_SEQ_DUP_ACK)
			put(l, " dup_ack#%" PRIu32, p->dup_ack_n);
		else
			put(l, " %s", tcp_seq_flag_name(bit));
	}
	if (p->sack_count) {
		put(l, " sack=");
		for (int i = 0; i < p->sack_count; i++)
			put(l, "%s%" PRIu32 "-%" PRIu32, i ? "," : "", p->sack[i].left_rel, p->sack[i].right_rel);
	}
	if (p->dsack_blocks)
		put(l, " dsack");
	if (p->seq_bits & TCP_SEQ_RTT_SAMPLE) {
		put(l, " rtt=");
		put_ms(l, p->rtt_sample_us);
		put(l, "ms");
	}
	put_state_change(l, "client", p->client_before, p->client_after);
	put_state_change(l, "server", p->server_before, p->server_after);
	if (p->sni) {
		char esc[256 * TEXT_ESCAPE_MAX];
		size_t used;
		size_t n = text_escape(esc, sizeof(esc), p->sni, strlen(p->sni), false, &used);
		put(l, " sni=%.*s", (int)n, esc);
	}
	/* no trailing blanks */
	while (l->len > 0 && l->buf[l->len - 1] == ' ')
		l->len--;
	l->buf[l->len] = '\0';
	put(l, "\n");
}

size_t timeline_format(char *dst, size_t cap, const struct packet_record *p, bool json)
{
	struct line l = {.buf = dst, .cap = cap, .len = 0};
	if (cap == 0)
		return 0;
	dst[0] = '\0';
	if (json)
		format_json(&l, p);
	else
		format_text(&l, p);
	/* a line cut short still ends the line */
	if (l.len > 0 && dst[l.len - 1] != '\n') {
		dst[l.len - 1] = '\n';
	}
	return l.len;
}
