/* timeline.c - --timeline's text lines under a header (its JSON records are written from the field table: fields.c). */
#include "timeline.h"

#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "decode.h"
#include "tcp_seq.h"
#include "tcp_state.h"
#include "textesc.h"

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

size_t timeline_flag_names(uint16_t flags, const char *names[TIMELINE_FLAGS_MAX])
{
	size_t n = 0;
	for (size_t i = 0; i < FLAG_COUNT; i++)
		if (flags & flag_table[i].bit)
			names[n++] = flag_table[i].name;
	return n;
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

static void put_ms(struct line *l, uint32_t us)
{
	put(l, "%" PRIu32 ".%03" PRIu32, us / 1000u, us % 1000u);
}

/* The analysis bits that name something the segment was (not the sample bits, reported as rtt). */
static uint32_t named_bits(const struct packet_record *p)
{
	return p->seq_bits & ~(uint32_t)TCP_SEQ_SAMPLE_BITS;
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

size_t timeline_format(char *dst, size_t cap, const struct packet_record *p)
{
	struct line l = {.buf = dst, .cap = cap, .len = 0};
	if (cap == 0)
		return 0;
	dst[0] = '\0';
	format_text(&l, p);
	/* a line cut short still ends the line */
	if (l.len > 0 && dst[l.len - 1] != '\n') {
		dst[l.len - 1] = '\n';
	}
	return l.len;
}
