/* check_app.c - the observers through the whole analyzer: a ClientHello and an HTTP request however TCP cut them. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer.h"
#include "pktbuild.h"
#include "suites.h"

#define T0 (1700000000ull * 1000000000ull)

/*
 * A TLS 1.3 ClientHello written byte by byte: SNI "www.example.com", ALPN
 * h2 and http/1.1, supported_versions GREASE 0x0a0a then 1.3 and 1.2.
 * Lengths worked out by hand: server_name ext 20 = list len 2 + type 1 +
 * name len 2 + 15; ALPN ext 14 = list len 2 + 1+2 + 1+8; supported_versions
 * 7 = len 1 + 6; extensions 4+20 + 4+14 + 4+7 = 53; body 2+32+1+4+2+2+53 =
 * 96; handshake 4+96 = 100; record 5+100 = 105 bytes.
 */
static const uint8_t hello[105] = {
	0x16, 0x03, 0x01, 0x00, 0x64,                   /* record: handshake, 100 bytes */
	0x01, 0x00, 0x00, 0x60,                         /* ClientHello, 96 bytes */
	0x03, 0x03,                                     /* legacy_version 1.2 */
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, /* random */
	17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
	0x00,                                           /* session id: none */
	0x00, 0x02, 0x13, 0x01,                         /* one cipher suite */
	0x01, 0x00,                                     /* compression: null */
	0x00, 0x35,                                     /* extensions: 53 bytes */
	0x00, 0x00, 0x00, 0x14, 0x00, 0x12, 0x00, 0x00, 0x0f, /* server_name */
	'w', 'w', 'w', '.', 'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'c', 'o', 'm',
	0x00, 0x10, 0x00, 0x0e, 0x00, 0x0c,             /* ALPN */
	0x02, 'h', '2', 0x08, 'h', 't', 't', 'p', '/', '1', '.', '1',
	0x00, 0x2b, 0x00, 0x07, 0x06, 0x0a, 0x0a, 0x03, 0x04, 0x03, 0x03, /* supported_versions */
};

static const char request[] = "GET /index.html HTTP/1.1\r\nUser-Agent: t\r\nHost: web.example\r\n\r\n";

/* What the test keeps of each record (the app pointer dies with the callback). */
struct seen {
	int n;
	int proto;
	char name[64];
	char alpn[64];
	uint16_t versions[4];
	int nversions;
	uint16_t status;
};

static void collect(void *ctx, const struct conn_record *r)
{
	struct seen *s = ctx;
	s->n++;
	if (!r->app)
		return;
	const struct app_info *ai = r->app;
	s->proto = ai->proto;
	enum app_string k = ai->proto == APP_TLS ? APP_SNI : APP_HTTP_HOST;
	if (ai->str[k])
		memcpy(s->name, ai->str[k], ai->len[k] < 63 ? ai->len[k] : 63);
	/* the offered names joined by ',' as they are compared below */
	const char *name;
	size_t len, used = 0;
	for (size_t pos = 0; app_alpn_next(ai, &pos, &name, &len);) {
		if (used > 0 && used < 63)
			s->alpn[used++] = ',';
		size_t n = len < 63 - used ? len : 63 - used;
		memcpy(s->alpn + used, name, n);
		used += n;
	}
	s->nversions = ai->versions_count < 4 ? ai->versions_count : 4;
	memcpy(s->versions, ai->versions, (size_t)s->nversions * 2);
	s->status = ai->status;
}

/* One segment client -> server (dir 0) or back, with these payload bytes. */
static void send_seg(struct analyzer *a, int dir, uint32_t seq, uint32_t ack, uint16_t flags,
		     const void *data, size_t n)
{
	uint8_t buf[512];
	struct tb_tcp t = {.src = dir ? "10.0.0.2" : "10.0.0.1", .dst = dir ? "10.0.0.1" : "10.0.0.2",
			   .sport = dir ? 443 : 40000, .dport = dir ? 40000 : 443, .seq = seq, .ack = ack,
			   .flags = flags, .window = 65535, .payload_len = n};
	size_t len = tb_eth_tcp(buf, &t);
	memcpy(buf + len - n, data, n);
	analyzer_frame(a, 1, buf, (uint32_t)len, (uint32_t)len, T0);
}

#define ISN_C 1000u
#define ISN_S 5000u

static struct analyzer *handshake(struct seen *s)
{
	struct flow_config cfg;
	flow_config_defaults(&cfg);
	memset(s, 0, sizeof(*s));
	struct analyzer *a = analyzer_new(&cfg, collect, s);
	send_seg(a, 0, ISN_C, 0, TCP_FLAG_SYN, "", 0);
	send_seg(a, 1, ISN_S, ISN_C + 1, TCP_FLAG_SYN | TCP_FLAG_ACK, "", 0);
	send_seg(a, 0, ISN_C + 1, ISN_S + 1, TCP_FLAG_ACK, "", 0);
	return a;
}

static void assert_hello_seen(struct analyzer *a, struct seen *s, size_t cut, int order)
{
	analyzer_finish(a);
	ck_assert_int_eq(s->n, 1);
	ck_assert_msg(s->proto == APP_TLS, "cut %zu order %d: no ClientHello", cut, order);
	ck_assert_str_eq(s->name, "www.example.com");
	ck_assert_str_eq(s->alpn, "h2,http/1.1");
	ck_assert_int_eq(s->nversions, 2); /* GREASE left out */
	ck_assert_uint_eq(s->versions[0], 0x0304);
	ck_assert_uint_eq(s->versions[1], 0x0303);
	analyzer_free(a);
}

/* The hello in two segments cut at every byte, in order and reversed. */
START_TEST(test_hello_split_everywhere)
{
	for (size_t cut = 1; cut < sizeof(hello); cut++) {
		for (int order = 0; order < 2; order++) {
			struct seen s;
			struct analyzer *a = handshake(&s);
			const uint32_t first = ISN_C + 1, second = ISN_C + 1 + (uint32_t)cut;
			if (order == 0) {
				send_seg(a, 0, first, ISN_S + 1, TCP_FLAG_ACK, hello, cut);
				send_seg(a, 0, second, ISN_S + 1, TCP_FLAG_ACK, hello + cut, sizeof(hello) - cut);
			} else {
				send_seg(a, 0, second, ISN_S + 1, TCP_FLAG_ACK, hello + cut, sizeof(hello) - cut);
				send_seg(a, 0, first, ISN_S + 1, TCP_FLAG_ACK, hello, cut);
			}
			assert_hello_seen(a, &s, cut, order);
		}
	}
}
END_TEST

/* Retransmitted and overlapping pieces, with junk in the retransmission's
 * already-delivered part: the first bytes in order stand. */
START_TEST(test_hello_retransmitted)
{
	struct seen s;
	struct analyzer *a = handshake(&s);
	uint8_t junk[105];
	memset(junk, 0xee, sizeof(junk));
	memcpy(junk + 40, hello + 40, 65);
	send_seg(a, 0, ISN_C + 1, ISN_S + 1, TCP_FLAG_ACK, hello, 50);
	send_seg(a, 0, ISN_C + 1, ISN_S + 1, TCP_FLAG_ACK, hello, 50); /* retransmission */
	send_seg(a, 0, ISN_C + 1, ISN_S + 1, TCP_FLAG_ACK, junk, 105); /* overlap, new tail */
	assert_hello_seen(a, &s, 50, 0);
}
END_TEST

/* The same hello carried by a TFO SYN: its data starts one past the SYN's sequence number. */
START_TEST(test_hello_in_syn)
{
	struct flow_config cfg;
	struct seen s;
	flow_config_defaults(&cfg);
	memset(&s, 0, sizeof(s));
	struct analyzer *a = analyzer_new(&cfg, collect, &s);
	send_seg(a, 0, ISN_C, 0, TCP_FLAG_SYN, hello, sizeof(hello));
	assert_hello_seen(a, &s, 0, 0);
}
END_TEST

/* An HTTP request over two segments and the response: method/host from the client, status from the server. */
START_TEST(test_http_request_and_status)
{
	struct seen s;
	struct analyzer *a = handshake(&s);
	const char *resp = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";
	size_t n = strlen(request);
	send_seg(a, 0, ISN_C + 1, ISN_S + 1, TCP_FLAG_ACK, request, 10);
	send_seg(a, 0, ISN_C + 11, ISN_S + 1, TCP_FLAG_ACK, request + 10, n - 10);
	send_seg(a, 1, ISN_S + 1, ISN_C + 1 + (uint32_t)n, TCP_FLAG_ACK, resp, strlen(resp));
	analyzer_finish(a);
	ck_assert_int_eq(s.proto, APP_HTTP);
	ck_assert_str_eq(s.name, "web.example");
	ck_assert_uint_eq(s.status, 404);
	analyzer_free(a);
}
END_TEST

/* SMTP-style STARTTLS: clear text first, then the hello at a later segment start. */
START_TEST(test_starttls)
{
	struct seen s;
	struct analyzer *a = handshake(&s);
	const char *banner = "220 mail ESMTP\r\n", *ehlo = "EHLO c\r\n", *st = "STARTTLS\r\n",
		   *go = "220 go ahead\r\n";
	uint32_t cs = ISN_C + 1, ss = ISN_S + 1;
	send_seg(a, 1, ss, cs, TCP_FLAG_ACK, banner, strlen(banner));
	ss += (uint32_t)strlen(banner);
	send_seg(a, 0, cs, ss, TCP_FLAG_ACK, ehlo, strlen(ehlo));
	cs += (uint32_t)strlen(ehlo);
	send_seg(a, 0, cs, ss, TCP_FLAG_ACK, st, strlen(st));
	cs += (uint32_t)strlen(st);
	send_seg(a, 1, ss, cs, TCP_FLAG_ACK, go, strlen(go));
	ss += (uint32_t)strlen(go);
	send_seg(a, 0, cs, ss, TCP_FLAG_ACK, hello, sizeof(hello));
	assert_hello_seen(a, &s, 0, 0);
}
END_TEST

/* A proxy's CONNECT answered 200 opens a tunnel: the hello inside it gives the SNI (tshark's too). */
START_TEST(test_connect_tunnel)
{
	struct seen s;
	struct analyzer *a = handshake(&s);
	const char *rq = "CONNECT www.example.com:443 HTTP/1.1\r\nHost: www.example.com:443\r\n\r\n",
		   *ok = "HTTP/1.1 200 Connection established\r\n\r\n";
	uint32_t cs = ISN_C + 1, ss = ISN_S + 1;
	send_seg(a, 0, cs, ss, TCP_FLAG_ACK, rq, strlen(rq));
	cs += (uint32_t)strlen(rq);
	send_seg(a, 1, ss, cs, TCP_FLAG_ACK, ok, strlen(ok));
	ss += (uint32_t)strlen(ok);
	send_seg(a, 0, cs, ss, TCP_FLAG_ACK, hello, sizeof(hello));
	assert_hello_seen(a, &s, 0, 0);
}
END_TEST

/* A CONNECT refused (407) opens no tunnel; one whose tunnel carries no TLS keeps the CONNECT. */
START_TEST(test_connect_no_tls)
{
	for (int refused = 0; refused <= 1; refused++) {
		struct seen s;
		struct analyzer *a = handshake(&s);
		const char *rq = "CONNECT mail.example:25 HTTP/1.1\r\nHost: mail.example:25\r\n\r\n",
			   *answer = refused ? "HTTP/1.1 407 Proxy Authentication Required\r\n\r\n"
					     : "HTTP/1.1 200 OK\r\n\r\n",
			   *smtp = "220 mail ESMTP\r\n";
		uint32_t cs = ISN_C + 1, ss = ISN_S + 1;
		send_seg(a, 0, cs, ss, TCP_FLAG_ACK, rq, strlen(rq));
		cs += (uint32_t)strlen(rq);
		send_seg(a, 1, ss, cs, TCP_FLAG_ACK, answer, strlen(answer));
		ss += (uint32_t)strlen(answer);
		send_seg(a, 1, ss, cs, TCP_FLAG_ACK, smtp, strlen(smtp));
		analyzer_finish(a);
		ck_assert_int_eq(s.n, 1);
		ck_assert_int_eq(s.proto, APP_HTTP);
		ck_assert_str_eq(s.name, "mail.example:25");
		ck_assert_uint_eq(s.status, refused ? 407 : 200);
		analyzer_free(a);
	}
}
END_TEST

/* The server answered retried SYNs with SYN-ACKs of two different ISNs (as
 * in rawip_tfo_tls.pcap of the shared corpus) and its data follows the
 * second, far from the first: the ServerHello is still found. */
START_TEST(test_synack_isn_changes)
{
	/* a minimal TLS 1.2 ServerHello: record 5 + handshake 4 + body 38 (version 2,
	 * random 32, session id 1, suite 2, compression 1) = 47 bytes */
	uint8_t sh[47] = {0x16, 0x03, 0x03, 0x00, 0x2a, 0x02, 0x00, 0x00, 0x26, 0x03, 0x03};
	sh[43] = 0x00; /* empty session id */
	sh[44] = 0xc0; sh[45] = 0x2f; /* suite */
	sh[46] = 0x00; /* null compression */
	struct flow_config cfg;
	struct seen s;
	flow_config_defaults(&cfg);
	memset(&s, 0, sizeof(s));
	struct analyzer *a = analyzer_new(&cfg, collect, &s);
	send_seg(a, 0, ISN_C, 0, TCP_FLAG_SYN, "", 0);
	send_seg(a, 1, 3000000000u, ISN_C + 1, TCP_FLAG_SYN | TCP_FLAG_ACK, "", 0);
	send_seg(a, 1, ISN_S, ISN_C + 1, TCP_FLAG_SYN | TCP_FLAG_ACK, "", 0);
	send_seg(a, 0, ISN_C + 1, ISN_S + 1, TCP_FLAG_ACK, hello, sizeof(hello));
	send_seg(a, 1, ISN_S + 1, ISN_C + 1 + sizeof(hello), TCP_FLAG_ACK, sh, sizeof(sh));
	analyzer_finish(a);
	ck_assert_int_eq(s.proto, APP_TLS);
	struct summary_record sum;
	memset(&sum, 0, sizeof(sum));
	analyzer_summary(a, &sum);
	ck_assert_uint_eq(sum.app.tls_server[TLS_OK], 1);
	analyzer_free(a);
}
END_TEST

/* SSH: neither TLS nor HTTP, no STARTTLS: nothing reported, nothing kept. */
START_TEST(test_other_protocol)
{
	struct seen s;
	struct analyzer *a = handshake(&s);
	const char *ssh = "SSH-2.0-OpenSSH_9.2\r\n";
	send_seg(a, 0, ISN_C + 1, ISN_S + 1, TCP_FLAG_ACK, ssh, strlen(ssh));
	analyzer_finish(a);
	ck_assert_int_eq(s.n, 1);
	ck_assert_int_eq(s.proto, APP_UNDECIDED);
	struct summary_record sum;
	memset(&sum, 0, sizeof(sum));
	analyzer_summary(a, &sum);
	ck_assert_uint_eq(sum.app.tls_client[TLS_NOT_TLS], 1);
	ck_assert_uint_eq(sum.app.http_request[HTTP_NOT_HTTP], 1);
	analyzer_free(a);
}
END_TEST

Suite *app_suite(void)
{
	Suite *s = suite_create("app");
	TCase *tc = tcase_create("pipeline");
	tcase_add_test(tc, test_hello_split_everywhere);
	tcase_add_test(tc, test_hello_retransmitted);
	tcase_add_test(tc, test_hello_in_syn);
	tcase_add_test(tc, test_http_request_and_status);
	tcase_add_test(tc, test_starttls);
	tcase_add_test(tc, test_connect_tunnel);
	tcase_add_test(tc, test_connect_no_tls);
	tcase_add_test(tc, test_other_protocol);
	tcase_add_test(tc, test_synack_isn_changes);
	suite_add_tcase(s, tc);
	return s;
}
