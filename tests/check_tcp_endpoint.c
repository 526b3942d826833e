/* check_tcp_endpoint.c - each endpoint's ISN, SND.NXT, RCV.NXT, window, options and flags, worked by hand. */
#include <check.h>
#include <string.h>

#include "suites.h"
#include "tcp_endpoint.h"

#define C ROLE_CLIENT
#define S ROLE_SERVER
#define F_SYN TCP_FLAG_SYN
#define F_ACK TCP_FLAG_ACK
#define F_FIN TCP_FLAG_FIN
#define F_RST TCP_FLAG_RST

static struct pkt seg(uint16_t flags, uint32_t seq, uint32_t ack, uint32_t len, uint16_t win)
{
	struct pkt p;
	memset(&p, 0, sizeof(p));
	p.flags = flags;
	p.seq = seq;
	p.ack = ack;
	p.payload_len = len;
	p.window = win;
	p.ttl = 64;
	return p;
}

/* Every segment taken as it comes (no RST judged out of window). */
static void send(struct tcp_endpoint ep[2], enum conn_role from, uint16_t flags, uint32_t seq, uint32_t ack,
		 uint32_t len, uint16_t win)
{
	struct pkt p = seg(flags, seq, ack, len, win);
	tcp_endpoint_packet(ep, &p, from, true);
}

START_TEST(isn_and_next_sequence)
{
	/* SYN 1000 uses one number: SND.NXT 1001; the SYN-ACK 5000/1001
	 * likewise 5001 and tells the server's RCV.NXT, 1001; then 100 bytes
	 * from the client: 1101. */
	struct tcp_endpoint ep[2];
	tcp_endpoints_init(ep);
	send(ep, C, F_SYN, 1000, 0, 0, 64240);
	ck_assert(ep[C].seen & TCP_EP_ISN_KNOWN);
	ck_assert_uint_eq(ep[C].isn, 1000);
	ck_assert_uint_eq(ep[C].snd_nxt, 1001);
	ck_assert(!(ep[C].seen & TCP_EP_RCV_KNOWN)); /* a SYN without ACK acknowledges nothing */
	send(ep, S, F_SYN | F_ACK, 5000, 1001, 0, 65160);
	ck_assert_uint_eq(ep[S].isn, 5000);
	ck_assert_uint_eq(ep[S].snd_nxt, 5001);
	ck_assert_uint_eq(ep[S].rcv_nxt, 1001);
	ck_assert_uint_eq(ep[S].rcv_wnd, 65160);
	send(ep, C, F_ACK, 1001, 5001, 100, 502);
	ck_assert_uint_eq(ep[C].snd_nxt, 1101);
	ck_assert_uint_eq(ep[C].rcv_nxt, 5001);
	/* A resend of those bytes, and an ACK that went backwards (reordered), move nothing. */
	send(ep, C, F_ACK, 1001, 5000, 100, 502);
	ck_assert_uint_eq(ep[C].snd_nxt, 1101);
	ck_assert_uint_eq(ep[C].rcv_nxt, 5001);
	ck_assert_uint_eq(ep[C].isn, 1000);
}
END_TEST

START_TEST(isn_implied_by_synack)
{
	/* Only the SYN-ACK was captured: it ACKs 0, so the client's ISN was
	 * 0xffffffff (one before, across the wrap); a SYN seen later keeps it. */
	struct tcp_endpoint ep[2];
	tcp_endpoints_init(ep);
	send(ep, S, F_SYN | F_ACK, 7, 0, 0, 1000);
	ck_assert(ep[C].seen & TCP_EP_ISN_KNOWN);
	ck_assert_uint_eq(ep[C].isn, 0xffffffffu);
	ck_assert(!(ep[C].seen & TCP_EP_SND_KNOWN)); /* it sent nothing yet */
	send(ep, C, F_SYN, 0xffffffffu, 0, 0, 1000);
	ck_assert_uint_eq(ep[C].isn, 0xffffffffu);
	ck_assert_uint_eq(ep[C].snd_nxt, 0); /* 0xffffffff + 1 */
}
END_TEST

START_TEST(next_sequence_across_the_wrap)
{
	/* ISN 0xfffffff0: the SYN takes 0xfffffff0, 32 bytes take
	 * 0xfffffff1..0x10, SND.NXT 0x11. A resend of the first 8 bytes ends at
	 * 0xfffffff9: larger as an integer, but before 0x11 in sequence space
	 * (RFC 9293 3.4): SND.NXT stays. */
	struct tcp_endpoint ep[2];
	tcp_endpoints_init(ep);
	send(ep, C, F_SYN, 0xfffffff0u, 0, 0, 1000);
	send(ep, C, F_ACK, 0xfffffff1u, 1, 32, 1000);
	ck_assert_uint_eq(ep[C].snd_nxt, 0x11);
	send(ep, C, F_ACK, 0xfffffff1u, 1, 8, 1000);
	ck_assert_uint_eq(ep[C].snd_nxt, 0x11);
	/* A FIN after the data takes one more number. */
	send(ep, C, F_FIN | F_ACK, 0x11, 1, 0, 1000);
	ck_assert_uint_eq(ep[C].snd_nxt, 0x12);
	ck_assert(ep[C].seen & TCP_EP_FIN);
}
END_TEST

START_TEST(rst_moves_no_numbers)
{
	/* A RST's numbers are what the acceptability rule judges: SND.NXT,
	 * RCV.NXT, the window and the TTL stay; only a taken RST marks it. */
	struct tcp_endpoint ep[2];
	tcp_endpoints_init(ep);
	send(ep, C, F_SYN, 1000, 0, 0, 64240);
	send(ep, S, F_SYN | F_ACK, 5000, 1001, 0, 65160);
	struct pkt rst = seg(F_RST | F_ACK, 9000, 7000, 0, 0);
	rst.ttl = 50;
	tcp_endpoint_packet(ep, &rst, S, false);
	ck_assert(!tcp_endpoints_reset(ep));
	ck_assert_uint_eq(ep[S].snd_nxt, 5001);
	ck_assert_uint_eq(ep[S].rcv_nxt, 1001);
	ck_assert_uint_eq(ep[S].rcv_wnd, 65160);
	ck_assert_uint_eq(ep[S].ttl, 64);
	tcp_endpoint_packet(ep, &rst, S, true);
	ck_assert(tcp_endpoints_reset(ep));
	ck_assert(tcp_endpoints_closed(ep));
	ck_assert_uint_eq(ep[S].snd_nxt, 5001);
}
END_TEST

START_TEST(established_rules)
{
	struct tcp_endpoint ep[2];
	/* A SYN alone is an opening; its SYN-ACK is past it. */
	tcp_endpoints_init(ep);
	send(ep, C, F_SYN, 1, 0, 0, 1000);
	ck_assert(!tcp_endpoints_established(ep));
	send(ep, S, F_SYN | F_ACK, 1, 2, 0, 1000);
	ck_assert(tcp_endpoints_established(ep));
	/* Caught mid-stream: pure ACKs both ways (keep-alives) are a synchronized connection, one way is not. */
	tcp_endpoints_init(ep);
	send(ep, C, F_ACK, 100, 200, 0, 1000);
	ck_assert(!tcp_endpoints_established(ep));
	send(ep, S, F_ACK, 200, 100, 0, 1000);
	ck_assert(tcp_endpoints_established(ep));
	/* Or any payload. */
	tcp_endpoints_init(ep);
	send(ep, S, F_ACK, 200, 100, 10, 1000);
	ck_assert(tcp_endpoints_established(ep));
	ck_assert(!tcp_endpoints_closed(ep));
	/* FIN one way is not closed; both ways is. */
	send(ep, S, F_FIN | F_ACK, 210, 100, 0, 1000);
	ck_assert(!tcp_endpoints_closed(ep));
	send(ep, C, F_FIN | F_ACK, 100, 211, 0, 1000);
	ck_assert(tcp_endpoints_closed(ep));
	ck_assert(!tcp_endpoints_reset(ep));
}
END_TEST

START_TEST(syn_on_a_used_tuple)
{
	struct tcp_endpoint ep[2];
	struct pkt same = seg(F_SYN, 1000, 0, 0, 1000), other = seg(F_SYN, 99999, 0, 0, 1000);
	tcp_endpoints_init(ep);
	send(ep, C, F_SYN, 1000, 0, 0, 1000);
	/* the same ISN again: a retransmission; another: a new connect() */
	ck_assert(!tcp_syn_starts_new_connection(ep, &same, C));
	ck_assert(tcp_syn_starts_new_connection(ep, &other, C));
	/* a SYN-ACK or a plain ACK never starts one */
	struct pkt synack = seg(F_SYN | F_ACK, 5, 1001, 0, 1000);
	ck_assert(!tcp_syn_starts_new_connection(ep, &synack, S));
	/* the server's own SYN before any answer: a simultaneous open */
	struct pkt srv_syn = seg(F_SYN, 5, 0, 0, 1000);
	ck_assert(!tcp_syn_starts_new_connection(ep, &srv_syn, S));
	/* past the handshake the server's SYN cannot belong to it */
	send(ep, C, F_ACK, 1001, 1, 10, 1000);
	ck_assert(tcp_syn_starts_new_connection(ep, &srv_syn, S));
	/* after FIN both ways, even the old ISN opens a new connection */
	send(ep, C, F_FIN | F_ACK, 1011, 1, 0, 1000);
	send(ep, S, F_FIN | F_ACK, 1, 1012, 0, 1000);
	ck_assert(tcp_syn_starts_new_connection(ep, &same, C));
}
END_TEST

START_TEST(syn_retried_after_refusal)
{
	/* SYN, the server refuses it with RST-ACK, the client retries the same
	 * ISN (Windows does): the same attempt, open again; then answered. */
	struct tcp_endpoint ep[2];
	struct pkt syn = seg(F_SYN, 1000, 0, 0, 1000);
	tcp_endpoints_init(ep);
	tcp_endpoint_packet(ep, &syn, C, true);
	send(ep, S, F_RST | F_ACK, 0, 1001, 0, 0);
	ck_assert(tcp_endpoints_reset(ep));
	ck_assert(!tcp_syn_starts_new_connection(ep, &syn, C));
	tcp_endpoint_packet(ep, &syn, C, true);
	ck_assert(!tcp_endpoints_reset(ep));
	ck_assert(!tcp_endpoints_closed(ep));
	send(ep, S, F_SYN | F_ACK, 5000, 1001, 0, 1000);
	ck_assert(tcp_endpoints_established(ep));
	/* once a SYN-ACK was seen, a RST then a SYN do not reopen it */
	send(ep, S, F_RST, 5001, 0, 0, 0);
	tcp_endpoint_packet(ep, &syn, C, true);
	ck_assert(tcp_endpoints_reset(ep));
}
END_TEST

START_TEST(syn_options)
{
	/* MSS 1460, window scale 15 (RFC 7323 2.3: taken as 14), SACK
	 * permitted, timestamps; a later SYN states them anew. */
	struct tcp_endpoint ep[2];
	tcp_endpoints_init(ep);
	ck_assert_uint_eq(ep[C].wscale, TCP_EP_NO_WSCALE);
	struct pkt p = seg(F_SYN, 1, 0, 0, 1000);
	p.opt.present = TCP_OPT_HAS_MSS | TCP_OPT_HAS_WSCALE | TCP_OPT_HAS_SACK_PERM | TCP_OPT_HAS_TIMESTAMPS;
	p.opt.mss = 1460;
	p.opt.wscale = 15;
	tcp_endpoint_packet(ep, &p, C, true);
	ck_assert_uint_eq(ep[C].mss, 1460);
	ck_assert_uint_eq(ep[C].wscale, 14);
	ck_assert_uint_eq(ep[C].syn_opts, TCP_EP_OPT_SEEN | TCP_EP_OPT_MSS | TCP_EP_OPT_SACK_PERM |
						  TCP_EP_OPT_TIMESTAMPS);
	p.opt.present = 0;
	tcp_endpoint_packet(ep, &p, C, true);
	ck_assert_uint_eq(ep[C].syn_opts, TCP_EP_OPT_SEEN);
	ck_assert_uint_eq(ep[C].wscale, TCP_EP_NO_WSCALE);
	ck_assert_uint_eq(ep[S].syn_opts, 0);
}
END_TEST

Suite *tcp_endpoint_suite(void)
{
	Suite *s = suite_create("tcp_endpoint");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, isn_and_next_sequence);
	tcase_add_test(tc, isn_implied_by_synack);
	tcase_add_test(tc, next_sequence_across_the_wrap);
	tcase_add_test(tc, rst_moves_no_numbers);
	tcase_add_test(tc, established_rules);
	tcase_add_test(tc, syn_on_a_used_tuple);
	tcase_add_test(tc, syn_retried_after_refusal);
	tcase_add_test(tc, syn_options);
	suite_add_tcase(s, tc);
	return s;
}
