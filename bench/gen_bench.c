/* gen_bench.c: deterministic generator of a large classic pcap of interleaved TCP connections. */

/*
 * Usage: gen_bench OUT.pcap [connections] [seed]
 *
 * Writes a nanosecond-magic classic pcap (LINKTYPE_ETHERNET) with plain stdio:
 * no libpcap, no libc rand().  Everything comes from one splitmix64 stream
 * seeded with SEED, so the same arguments always give the same bytes.
 *
 * The capture point is the servers' uplink, as when capturing on a server
 * or its load balancer: the server's packets are seen as they leave, the
 * clients' one round trip (1-150 ms) after what they answer.
 *
 *   - ~90% IPv4, ~10% IPv6; 4000 client hosts, ephemeral ports
 *     32768-60999; servers on 443 (TLS), 80 (HTTP/1.1), 22 (SSH), 5432
 *     (PostgreSQL), four addresses per service.  Every connection has its own
 *     4-tuple (no port reuse), so every connection is counted once.
 *   - each connection: SYN / SYN-ACK / ACK with MSS, SACK-permitted,
 *     timestamps and window scale (Linux layout; ~10% Windows-like, without
 *     timestamps), then 1-4 request/response exchanges: the response leaves
 *     in one burst of up to 8 segments (payload up to the MSS, 1448 with
 *     timestamps), the client ACKs every second segment at once and a lone
 *     last one after a delayed-ACK wait.  Payloads are well-formed for the
 *     port: a TLS ClientHello with SNI and ALPN then TLS records, HTTP
 *     requests and Content-Length responses, SSH banners then SSH packets,
 *     PostgreSQL startup/query/data-row messages.
 *   - per exchange, rarely, a loss after the capture point, so both copies
 *     are in the file: the request resent after an RTO; the response's tail
 *     segment resent after a tail-loss probe or an RTO; a segment in the
 *     middle resent at once after SACK duplicate ACKs (fast retransmission);
 *     or the last segment resent after an RTO although its ACK was seen
 *     (spurious), answered by a D-SACK.
 *   - ~87% end with FIN/ACK/FIN/ACK (client or server first, some with the
 *     FIN-ACK combined), ~8% with a RST after data, ~2% are refused (SYN,
 *     RST-ACK) and ~3% stay open.  ~1% have an initial sequence number just
 *     below 2^32 so their data crosses the sequence wrap.
 *
 * Each connection's script carries a time offset per packet; a min-heap on
 * the next packet time of every open connection merges them into one
 * time-ordered capture.  Up to WINDOW connections (50000, or half of them for
 * small runs) are open at once: the first WINDOW start during the first
 * second, then each one that ends is replaced by a new one, so peak memory
 * per connection in the analyzer is real.  Connections live about a second
 * (client think times up to 1.5 s), the default file spans a few seconds of
 * packet time, packets are a few microseconds apart, and no idle timeout
 * fires.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_CONNS 100000u
#define DEFAULT_SEED 20240611u
#define MAX_WINDOW 50000u
#define RAMP_US 1000000u /* the first WINDOW connections start within 1 s */
#define CLIENT_HOSTS 4000u
#define EPHEMERAL_LO 32768u
#define EPHEMERAL_N 28232u /* 32768..60999, Linux's default range */
#define PORT_STRIDE 7919u  /* prime, coprime with EPHEMERAL_N */
#define SERVERS_PER_SERVICE 4u
#define SERVER_NAMES 1000u
#define MAX_SEGS 256u
#define MAX_FRAME 2048u
#define START_SEC 1700000000u
#define OUTBUF_SIZE (8u << 20)

/* TCP flags (RFC 9293 section 3.1) */
#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PSH 0x08
#define TH_ACK 0x10

/* ---------------------------------------------------------------- PRNG */

/* splitmix64 (Steele, Lea, Flood 2014): one 64-bit state, fast, good enough. */
struct rng {
	uint64_t state;
};

static uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform-enough integer in [lo, hi] (modulo bias is irrelevant here). */
static uint32_t rng_range(struct rng *r, uint32_t lo, uint32_t hi)
{
	return lo + (uint32_t)(rng_next(r) % ((uint64_t)hi - lo + 1));
}

/* True with probability permille / 1000. */
static bool rng_permille(struct rng *r, unsigned permille)
{
	return rng_next(r) % 1000 < permille;
}

/* ------------------------------------------------------- the model */

enum service { SVC_HTTPS, SVC_HTTP, SVC_SSH, SVC_PG, SVC_COUNT };

static const uint16_t service_port[SVC_COUNT] = {443, 80, 22, 5432};

/* What a segment's payload holds; its bytes are produced at emission time. */
enum content {
	CT_NONE,
	CT_TLS_HELLO,    /* complete ClientHello record, TLS_HELLO_LEN bytes */
	CT_TLS_RECORD,   /* one application-data record filling the segment */
	CT_HTTP_REQ,     /* complete GET request padded to the length */
	CT_HTTP_RESP,    /* bytes msg_off.. of one response of msg_len bytes */
	CT_SSH_BANNER_C, /* client identification string */
	CT_SSH_BANNER_S, /* server identification string */
	CT_SSH_PACKET,   /* one SSH binary packet filling the segment */
	CT_PG_STARTUP,   /* StartupMessage */
	CT_PG_AUTH_OK,   /* AuthenticationOk + ReadyForQuery */
	CT_PG_QUERY,     /* one Query message filling the segment */
	CT_PG_ROW,       /* one DataRow message filling the segment */
};

#define TLS_HELLO_LEN 517u
#define HTTP_REQ_MIN 128u
static const char ssh_banner_c[] = "SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13.5\r\n";
static const char ssh_banner_s[] = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n";
#define PG_STARTUP_LEN 37u
#define PG_AUTH_OK_LEN 15u
/* "HTTP/1.1 200 OK..." head with a fixed-width Content-Length. */
#define HTTP_RESP_HEAD_FMT                                                   \
	"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"       \
	"Content-Length: %6u\r\n\r\n"
#define HTTP_RESP_HEAD_LEN 83u

/* One packet of a connection's script. */
struct seg {
	uint32_t t_us; /* when the tap sees it, from the connection's start */
	uint32_t seq, ack;
	uint32_t sack_left, sack_right; /* one SACK block when they differ */
	uint16_t len;                   /* TCP payload bytes */
	uint16_t msg_off, msg_len;      /* position in an HTTP response */
	uint8_t from_server;
	uint8_t flags;
	uint8_t content;  /* enum content */
	uint8_t syn_opts; /* this segment carries the SYN options */
};

struct conn {
	struct seg *segs;
	uint16_t nsegs, next;
	uint64_t start_ns;
	uint32_t host; /* client host index */
	uint16_t cport;
	uint8_t service;
	uint8_t server; /* index among SERVERS_PER_SERVICE */
	uint16_t name_id;
	bool ip6, ts;
	uint8_t ttl;         /* of the client's packets, as they reach the tap */
	uint8_t wscale[2];   /* [0] client, [1] server */
	uint16_t mss[2];     /* advertised MSS per side */
	uint16_t win[2];     /* window field after the handshake */
	uint16_t ip_id[2];   /* next IPv4 identification per side */
	uint32_t flow_label; /* IPv6 */
	uint32_t ts_off[2];  /* TSval = ts_off + ms clock */
	uint32_t ts_last[2]; /* last TSval sent by each side */
	uint64_t salt;       /* per-connection payload bytes */
};

/* What the capture holds, for comparing an analyzer's summary with. */
struct totals {
	uint64_t timeout_rexmit, fast_rexmit, spurious_rexmit; /* resent segments */
	uint64_t dup_acks;                                     /* SACK and D-SACK */
	uint64_t fin_closed, reset, refused, left_open;        /* connections */
};

/*
 * Builds one connection's script.  c_nxt/s_nxt are the next sequence numbers
 * of client and server; end_us is the latest time used so far.  Times at the
 * tap: a server packet answering a client one follows it after the server's
 * reaction time (react_us); a client packet answering a server one follows it
 * one round trip later (rtt_us).
 */
struct script {
	struct seg v[MAX_SEGS];
	unsigned n;
	uint32_t c_nxt, s_nxt;
	uint32_t end_us;
	uint32_t rtt_us, burst_us;
	struct rng *r;
	struct totals tot; /* accumulated over all connections */
};

static uint32_t react_us(struct script *sc)
{
	return rng_range(sc->r, 15, 120);
}

/* Client think time: log-uniform-ish between lo and hi microseconds. */
static uint32_t think_us(struct script *sc, uint32_t lo, uint32_t hi)
{
	uint32_t v = lo;
	while (v < hi / 4 && rng_permille(sc->r, 700))
		v *= 4;
	return rng_range(sc->r, v, v * 4 < hi ? v * 4 : hi);
}

static void script_push(struct script *sc, uint32_t t_us, bool from_server, uint8_t flags,
			uint32_t seq, uint32_t ack, uint16_t len, enum content ct)
{
	if (sc->n >= MAX_SEGS) {
		fprintf(stderr, "gen_bench: internal error: script too long\n");
		exit(2);
	}
	struct seg *s = &sc->v[sc->n++];
	memset(s, 0, sizeof(*s));
	s->t_us = t_us;
	s->from_server = from_server;
	s->flags = flags;
	s->seq = seq;
	s->ack = ack;
	s->len = len;
	s->content = (uint8_t)ct;
	if (t_us > sc->end_us)
		sc->end_us = t_us;
}

/* Pure ACK from the client, optionally with one SACK block [left, right). */
static void client_ack(struct script *sc, uint32_t t_us, uint32_t ack, uint32_t left,
		       uint32_t right)
{
	script_push(sc, t_us, false, TH_ACK, sc->c_nxt, ack, 0, CT_NONE);
	sc->v[sc->n - 1].sack_left = left;
	sc->v[sc->n - 1].sack_right = right;
}

/* Pushed in causal order; the tap sees them in time order. */
static void script_sort(struct script *sc)
{
	for (unsigned i = 1; i < sc->n; i++) {
		struct seg s = sc->v[i];
		unsigned j = i;
		while (j > 0 && sc->v[j - 1].t_us > s.t_us) {
			sc->v[j] = sc->v[j - 1];
			j--;
		}
		sc->v[j] = s;
	}
	for (unsigned i = 1; i < sc->n; i++) /* at least 1 us apart */
		if (sc->v[i].t_us <= sc->v[i - 1].t_us)
			sc->v[i].t_us = sc->v[i - 1].t_us + 1;
}

/* Largest payload per segment: the peer's MSS less the timestamp option. */
static uint16_t data_mss(const struct conn *c, bool from_server)
{
	uint16_t mss = c->mss[from_server ? 0 : 1];
	return (uint16_t)(c->ts ? mss - 12 : mss);
}

static uint16_t request_size(struct rng *r, const struct conn *c, bool first, enum content *ct)
{
	switch (c->service) {
	case SVC_HTTPS:
		*ct = first ? CT_TLS_HELLO : CT_TLS_RECORD;
		return first ? TLS_HELLO_LEN : (uint16_t)rng_range(r, 40, 900);
	case SVC_HTTP:
		*ct = CT_HTTP_REQ;
		return (uint16_t)rng_range(r, HTTP_REQ_MIN, 900);
	case SVC_SSH:
		*ct = first ? CT_SSH_BANNER_C : CT_SSH_PACKET;
		return first ? (uint16_t)(sizeof(ssh_banner_c) - 1) : (uint16_t)rng_range(r, 36, 300);
	default:
		*ct = first ? CT_PG_STARTUP : CT_PG_QUERY;
		return first ? PG_STARTUP_LEN : (uint16_t)rng_range(r, 30, 400);
	}
}

/* Total response bytes: mostly one segment, some a few, a few up to eight. */
static uint32_t response_size(struct rng *r, const struct conn *c, bool first, enum content *ct)
{
	uint32_t mss = data_mss(c, true), size;
	unsigned pick = (unsigned)(rng_next(r) % 100);

	if (pick < 55)
		size = rng_range(r, 60, mss);
	else if (pick < 88)
		size = rng_range(r, mss + 1, 3 * mss);
	else
		size = rng_range(r, 3 * mss + 1, 8 * mss);
	switch (c->service) {
	case SVC_HTTPS:
		*ct = CT_TLS_RECORD;
		return size;
	case SVC_HTTP:
		*ct = CT_HTTP_RESP;
		return size < HTTP_RESP_HEAD_LEN + 1 ? HTTP_RESP_HEAD_LEN + 1 : size;
	case SVC_SSH:
		*ct = first ? CT_SSH_BANNER_S : CT_SSH_PACKET;
		return first ? (uint32_t)(sizeof(ssh_banner_s) - 1) : size;
	default:
		*ct = first ? CT_PG_AUTH_OK : CT_PG_ROW;
		return first ? PG_AUTH_OK_LEN : size;
	}
}

enum loss { LOSS_NONE, LOSS_TAIL, LOSS_FAST, LOSS_SPURIOUS };

/* Linux's RTO after the handshake: at least 200 ms (RFC 6298 2.4 allows 1 s). */
static uint32_t rto_us(const struct script *sc)
{
	return 200000 + sc->rtt_us;
}

/*
 * The server answers, from t_us on, with a burst of n segments; the client
 * ACKs every second one at once and a lone last one after a delayed-ACK wait.
 * Losses happen after the tap, so the lost segment is in the capture and its
 * retransmission repeats its seq:
 *
 *   LOSS_TAIL      last segment lost, resent after a tail-loss probe timeout
 *                  (2 RTT) or an RTO, then ACKed
 *   LOSS_FAST      segment j lost; each later one draws a duplicate ACK with
 *                  a SACK block [start of j+1, highest received); >= 2 dup
 *                  ACKs, j is resent as soon as the third (or the last)
 *                  arrives, then everything is ACKed at once
 *   LOSS_SPURIOUS  all arrive, the ACK of the last is lost after the tap,
 *                  the last is resent after an RTO and the client answers
 *                  with a D-SACK block below its ACK (RFC 2883)
 */
static void server_response(struct script *sc, const struct conn *c, bool first, uint32_t t_us)
{
	struct rng *r = sc->r;
	enum content ct;
	uint32_t total = response_size(r, c, first, &ct);
	uint16_t mss = data_mss(c, true);
	uint32_t start[MAX_SEGS / 4], at[MAX_SEGS / 4];
	uint16_t len[MAX_SEGS / 4];
	unsigned n = 0, lost = 0, in_order = 0, sack_acks = 0;
	uint32_t t_trigger = 0;
	enum loss loss = LOSS_NONE;

	for (uint32_t off = 0; off < total; n++) {
		len[n] = (uint16_t)(total - off < mss ? total - off : mss);
		start[n] = sc->s_nxt + off;
		at[n] = t_us + n * sc->burst_us;
		off += len[n];
	}
	if (n >= 2 && len[n - 1] < 16) { /* every record needs a few bytes */
		uint16_t d = (uint16_t)(16 - len[n - 1]);
		len[n - 2] = (uint16_t)(len[n - 2] - d);
		len[n - 1] = (uint16_t)(len[n - 1] + d);
		start[n - 1] -= d;
	}
	unsigned roll = (unsigned)(rng_next(r) % 1000);
	if (roll < 30 && n >= 3) {
		loss = LOSS_FAST;
		lost = rng_range(r, 0, n - 3);
		/* Segments after the hole draw one ACK each; when the client still
		 * owed an ACK for the segments before it (odd count), the first
		 * of those advances the ACK and is not a duplicate.  Keep >= 2
		 * duplicates, so this is a fast retransmission by any measure. */
		if (lost % 2 && n - 2 - lost < 2)
			lost--;
	} else if (roll < 60) {
		loss = LOSS_TAIL;
		lost = n - 1;
	} else if (roll < 70) {
		loss = LOSS_SPURIOUS;
	}

	for (unsigned i = 0; i < n; i++) {
		uint8_t flags = TH_ACK | (i == n - 1 ? TH_PSH : 0);
		script_push(sc, at[i], true, flags, start[i], sc->c_nxt, len[i], ct);
		sc->v[sc->n - 1].msg_off = (uint16_t)(start[i] - sc->s_nxt);
		sc->v[sc->n - 1].msg_len = (uint16_t)total;
		uint32_t end = start[i] + len[i], t_ack = at[i] + sc->rtt_us;
		if ((loss == LOSS_FAST || loss == LOSS_TAIL) && i == lost)
			continue;
		if (loss == LOSS_FAST && i > lost) { /* out of order: ACK at once */
			bool dup = !(lost % 2 && i == lost + 1);
			sc->tot.dup_acks += dup;
			client_ack(sc, t_ack, start[lost], start[lost + 1], end);
			if (++sack_acks <= 3)
				t_trigger = t_ack;
			continue;
		}
		in_order++;
		if (in_order % 2 == 0 || (loss == LOSS_TAIL && i + 2 == n))
			client_ack(sc, t_ack, end, 0, 0);
		else if (i == n - 1) /* a lone last segment: delayed ACK */
			client_ack(sc, t_ack + rng_range(r, 1000, 40000), end, 0, 0);
	}
	uint32_t end_all = sc->s_nxt + total;
	if (loss != LOSS_NONE) {
		unsigned j = loss == LOSS_FAST ? lost : n - 1;
		uint32_t t_rx;
		if (loss == LOSS_FAST)
			t_rx = t_trigger + react_us(sc);
		else if (loss == LOSS_TAIL && rng_permille(r, 500)) /* TLP: 2 SRTT */
			t_rx = at[n - 1] + 2 * sc->rtt_us + 2000;
		else
			t_rx = at[n - 1] + rto_us(sc);
		if (loss == LOSS_SPURIOUS && t_rx <= sc->end_us)
			t_rx = sc->end_us + 1000; /* the ACK precedes the resend */
		script_push(sc, t_rx, true, TH_ACK | (j == n - 1 ? TH_PSH : 0), start[j], sc->c_nxt,
			    len[j], ct);
		sc->v[sc->n - 1].msg_off = (uint16_t)(start[j] - sc->s_nxt);
		sc->v[sc->n - 1].msg_len = (uint16_t)total;
		if (loss == LOSS_SPURIOUS) {
			sc->tot.spurious_rexmit++;
			sc->tot.dup_acks++;
			client_ack(sc, t_rx + sc->rtt_us, end_all, start[j], end_all);
		} else {
			if (loss == LOSS_FAST)
				sc->tot.fast_rexmit++;
			else
				sc->tot.timeout_rexmit++;
			client_ack(sc, t_rx + sc->rtt_us, end_all, 0, 0);
		}
	}
	sc->s_nxt = end_all;
}

static void exchange(struct script *sc, const struct conn *c, bool first)
{
	struct rng *r = sc->r;
	enum content ct;
	uint16_t len = request_size(r, c, first, &ct);
	/* The first request follows the handshake's ACK at once; later ones
	 * come after the client has thought for up to 1.5 s. */
	uint32_t t = sc->end_us + (first ? rng_range(r, 10, 300) : think_us(sc, 1000, 1500000));

	script_push(sc, t, false, TH_PSH | TH_ACK, sc->c_nxt, sc->s_nxt, len, ct);
	if (rng_permille(r, 15)) { /* lost after the tap, resent on timeout */
		t += rto_us(sc);
		script_push(sc, t, false, TH_PSH | TH_ACK, sc->c_nxt, sc->s_nxt, len, ct);
		sc->tot.timeout_rexmit++;
	}
	sc->c_nxt += len;
	if (rng_permille(r, 300)) { /* slow server: delayed ACK first */
		script_push(sc, t + 40000, true, TH_ACK, sc->s_nxt, sc->c_nxt, 0, CT_NONE);
		t += rng_range(r, 45000, 250000);
	} else {
		t += rng_range(r, 20, 3000);
	}
	server_response(sc, c, first, t);
}

static void teardown(struct script *sc)
{
	struct rng *r = sc->r;
	uint32_t cs = sc->c_nxt, ss = sc->s_nxt;
	uint32_t t = sc->end_us + think_us(sc, 1000, 1000000);
	unsigned pick = (unsigned)(rng_next(r) % 100);

	if (pick < 60) { /* client closes first */
		script_push(sc, t, false, TH_FIN | TH_ACK, cs, ss, 0, CT_NONE);
		t += react_us(sc);
		script_push(sc, t, true, TH_ACK, ss, cs + 1, 0, CT_NONE);
		t += rng_range(r, 10, 2000);
		script_push(sc, t, true, TH_FIN | TH_ACK, ss, cs + 1, 0, CT_NONE);
		script_push(sc, t + sc->rtt_us, false, TH_ACK, cs + 1, ss + 1, 0, CT_NONE);
	} else if (pick < 80) { /* server closes first (HTTP/1.0 style) */
		script_push(sc, t, true, TH_FIN | TH_ACK, ss, cs, 0, CT_NONE);
		t += sc->rtt_us;
		script_push(sc, t, false, TH_ACK, cs, ss + 1, 0, CT_NONE);
		t += rng_range(r, 10, 2000);
		script_push(sc, t, false, TH_FIN | TH_ACK, cs, ss + 1, 0, CT_NONE);
		script_push(sc, t + react_us(sc), true, TH_ACK, ss + 1, cs + 1, 0, CT_NONE);
	} else { /* the server's ACK rides on its FIN */
		script_push(sc, t, false, TH_FIN | TH_ACK, cs, ss, 0, CT_NONE);
		t += react_us(sc);
		script_push(sc, t, true, TH_FIN | TH_ACK, ss, cs + 1, 0, CT_NONE);
		script_push(sc, t + sc->rtt_us, false, TH_ACK, cs + 1, ss + 1, 0, CT_NONE);
	}
}

/* Fills in the connection's parameters and its whole script. */
static void conn_create(struct conn *c, uint32_t index, struct script *sc)
{
	static const uint32_t host_salt = 0x5bd1e995u;
	struct rng *r = sc->r;
	uint32_t round = index / CLIENT_HOSTS;
	unsigned pick;

	memset(c, 0, sizeof(*c));
	c->host = index % CLIENT_HOSTS;
	/* (host, port) is unique while round < EPHEMERAL_N: PORT_STRIDE is
	 * coprime with EPHEMERAL_N, so the ports of one host never repeat. */
	c->cport = (uint16_t)(EPHEMERAL_LO +
			      ((uint64_t)round * PORT_STRIDE + c->host * host_salt) % EPHEMERAL_N);
	pick = (unsigned)(rng_next(r) % 100);
	c->service = pick < 60 ? SVC_HTTPS : pick < 80 ? SVC_HTTP : pick < 88 ? SVC_SSH : SVC_PG;
	c->server = (uint8_t)(rng_next(r) % SERVERS_PER_SERVICE);
	c->name_id = (uint16_t)(rng_next(r) % SERVER_NAMES);
	c->ip6 = rng_permille(r, 100);
	c->ts = !rng_permille(r, 100); /* ~10% Windows-like clients: no timestamps */
	c->ttl = (uint8_t)((c->ts ? 64 : 128) - rng_range(r, 6, 20));
	c->mss[0] = c->ip6 ? 1440 : 1460;
	c->mss[1] = c->ip6 ? 1440 : 1460;
	c->wscale[0] = c->ts ? 7 : 8;
	c->wscale[1] = rng_permille(r, 500) ? 7 : 9;
	c->win[0] = (uint16_t)rng_range(r, 500, 2000);
	c->win[1] = (uint16_t)rng_range(r, 200, 1000);
	c->ip_id[0] = (uint16_t)rng_next(r);
	c->ip_id[1] = (uint16_t)rng_next(r);
	c->flow_label = (uint32_t)rng_next(r) & 0xfffff;
	c->ts_off[0] = (uint32_t)rng_next(r);
	c->ts_off[1] = (uint32_t)rng_next(r);
	c->salt = rng_next(r);

	uint32_t isn_c = (uint32_t)rng_next(r), isn_s = (uint32_t)rng_next(r);
	if (rng_permille(r, 10)) /* data crosses the 2^32 sequence wrap */
		isn_c = 0u - rng_range(r, 100, 2000);
	if (rng_permille(r, 10))
		isn_s = 0u - rng_range(r, 100, 4000);

	sc->n = 0;
	sc->end_us = 0;
	sc->rtt_us = think_us(sc, 1000, 150000);
	sc->burst_us = rng_range(r, 2, 15);
	script_push(sc, 0, false, TH_SYN, isn_c, 0, 0, CT_NONE);
	sc->v[0].syn_opts = 1;
	pick = (unsigned)(rng_next(r) % 100);
	if (pick < 2) { /* refused: RST-ACK answers the SYN */
		script_push(sc, react_us(sc), true, TH_RST | TH_ACK, 0, isn_c + 1, 0, CT_NONE);
		sc->tot.refused++;
		return;
	}
	uint32_t t = react_us(sc);
	script_push(sc, t, true, TH_SYN | TH_ACK, isn_s, isn_c + 1, 0, CT_NONE);
	sc->v[1].syn_opts = 1;
	script_push(sc, t + sc->rtt_us, false, TH_ACK, isn_c + 1, isn_s + 1, 0, CT_NONE);
	sc->c_nxt = isn_c + 1;
	sc->s_nxt = isn_s + 1;

	unsigned roll = (unsigned)(rng_next(r) % 100);
	unsigned exchanges = roll < 40 ? 1 : roll < 70 ? 2 : roll < 90 ? 3 : 4;
	for (unsigned e = 0; e < exchanges; e++)
		exchange(sc, c, e == 0);

	t = sc->end_us + think_us(sc, 1000, 1000000);
	if (pick < 10) { /* reset after data, by the client (abort) or the server */
		sc->tot.reset++;
		if (rng_permille(r, 600))
			script_push(sc, t, false, TH_RST | TH_ACK, sc->c_nxt, sc->s_nxt, 0, CT_NONE);
		else
			script_push(sc, t, true, TH_RST | TH_ACK, sc->s_nxt, sc->c_nxt, 0, CT_NONE);
	} else if (pick < 13) {
		/* left open: no close before the end of the capture */
		sc->tot.left_open++;
	} else {
		sc->tot.fin_closed++;
		teardown(sc);
	}
}

/* ------------------------------------------------------ frame bytes */

static uint8_t filler[65536 + MAX_FRAME];

static uint8_t *put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return p + 2;
}

static uint8_t *put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
	return p + 4;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* RFC 1071 sum of big-endian 16-bit words, not yet folded. */
static uint64_t csum_add(uint64_t sum, const uint8_t *p, size_t n)
{
	while (n >= 2) {
		sum += (uint32_t)p[0] << 8 | p[1];
		p += 2;
		n -= 2;
	}
	if (n)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

static uint16_t csum_fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void client_addr(const struct conn *c, uint8_t *a)
{
	uint32_t h = c->host + 1;
	if (c->ip6) {
		static const uint8_t pfx[8] = {0x20, 0x01, 0x0d, 0xb8, 0x00, 0x10, 0x00, 0x00};
		memcpy(a, pfx, 8);
		memset(a + 8, 0, 6);
		put16(a + 14, (uint16_t)h);
	} else {
		put32(a, (10u << 24) | (16u << 16) | h); /* 10.16.0.0/16 */
	}
}

static void server_addr(const struct conn *c, uint8_t *a)
{
	uint8_t idx = (uint8_t)(1 + c->service * SERVERS_PER_SERVICE + c->server);
	if (c->ip6) {
		static const uint8_t pfx[8] = {0x20, 0x01, 0x0d, 0xb8, 0x00, 0xff, 0x00, 0x00};
		memcpy(a, pfx, 8);
		memset(a + 8, 0, 7);
		a[15] = idx;
	} else {
		put32(a, (192u << 24) | (0u << 16) | (2u << 8) | idx); /* 192.0.2.0/24 */
	}
}

static const uint8_t *salted_filler(const struct conn *c, uint32_t seq)
{
	return filler + ((seq + (uint32_t)c->salt) & 0xffffu);
}

/* A TLS 1.3-style ClientHello record (as browsers send it, padded to 517). */
static size_t tls_client_hello(uint8_t *p, const struct conn *c)
{
	static const uint16_t suites[] = {0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030,
					  0xcca9, 0xcca8, 0x009c, 0x009d, 0x002f, 0x0035};
	static const uint8_t fixed_ext[] = {
	    0x00, 0x0b, 0x00, 0x02, 0x01, 0x00,                         /* ec_point_formats */
	    0x00, 0x0a, 0x00, 0x08, 0x00, 0x06, 0x00, 0x1d, 0x00, 0x17, /* supported_groups */
	    0x00, 0x18,
	    0x00, 0x10, 0x00, 0x0e, 0x00, 0x0c, 0x02, 'h', '2', 0x08, /* ALPN */
	    'h', 't', 't', 'p', '/', '1', '.', '1',
	    0x00, 0x0d, 0x00, 0x12, 0x00, 0x10, 0x04, 0x03, 0x08, 0x04, /* signature_algorithms */
	    0x04, 0x01, 0x05, 0x03, 0x08, 0x05, 0x05, 0x01, 0x08, 0x06,
	    0x06, 0x01,
	    0x00, 0x2b, 0x00, 0x05, 0x04, 0x03, 0x04, 0x03, 0x03, /* supported_versions */
	    0x00, 0x2d, 0x00, 0x02, 0x01, 0x01,                   /* psk_key_exchange_modes */
	};
	const uint8_t *rnd = salted_filler(c, 0);
	char name[32];
	int name_len = snprintf(name, sizeof(name), "s%05u.bench.example", c->name_id);
	uint8_t *q = p;

	*q++ = 0x16; /* handshake record, legacy version TLS 1.0 */
	q = put16(q, 0x0301);
	q += 2; /* record length, below */
	*q++ = 0x01; /* ClientHello */
	q += 3;      /* handshake length, below */
	q = put16(q, 0x0303);
	memcpy(q, rnd, 32); /* random */
	q += 32;
	*q++ = 32; /* legacy session id */
	memcpy(q, rnd + 32, 32);
	q += 32;
	q = put16(q, (uint16_t)(2 * (sizeof(suites) / sizeof(suites[0]))));
	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		q = put16(q, suites[i]);
	*q++ = 1; /* compression methods: null */
	*q++ = 0;
	uint8_t *ext_len = q;
	q += 2;
	uint8_t *ext_start = q;
	q = put16(q, 0x0000); /* server_name */
	q = put16(q, (uint16_t)(name_len + 5));
	q = put16(q, (uint16_t)(name_len + 3));
	*q++ = 0; /* host_name */
	q = put16(q, (uint16_t)name_len);
	memcpy(q, name, (size_t)name_len);
	q += name_len;
	memcpy(q, fixed_ext, sizeof(fixed_ext));
	q += sizeof(fixed_ext);
	q = put16(q, 0x0033); /* key_share: one x25519 share */
	q = put16(q, 38);
	q = put16(q, 36);
	q = put16(q, 0x001d);
	q = put16(q, 32);
	memcpy(q, rnd + 64, 32);
	q += 32;
	size_t used = (size_t)(q - p) + 4;
	size_t pad = TLS_HELLO_LEN - used; /* padding extension (RFC 7685) */
	q = put16(q, 0x0015);
	q = put16(q, (uint16_t)pad);
	memset(q, 0, pad);
	q += pad;
	put16(ext_len, (uint16_t)(q - ext_start));
	put16(p + 3, (uint16_t)(q - p - 5));
	uint32_t hs_len = (uint32_t)(q - p - 9);
	p[6] = (uint8_t)(hs_len >> 16);
	p[7] = (uint8_t)(hs_len >> 8);
	p[8] = (uint8_t)hs_len;
	return (size_t)(q - p);
}

/* Writes exactly len bytes of HTTP request; len >= HTTP_REQ_MIN. */
static void http_request(uint8_t *p, const struct conn *c, uint32_t seq, uint16_t len)
{
	char head[160];
	int n = snprintf(head, sizeof(head),
			 "GET /obj/%08" PRIx32 " HTTP/1.1\r\nHost: s%05u.bench.example\r\n"
			 "User-Agent: gen_bench/1\r\nX-Pad: ",
			 seq, c->name_id);
	memcpy(p, head, (size_t)n);
	memset(p + n, 'a', (size_t)(len - n - 4));
	memcpy(p + len - 4, "\r\n\r\n", 4);
}

static void fill_payload(uint8_t *p, const struct conn *c, const struct seg *s)
{
	const uint8_t *rnd = salted_filler(c, s->seq);
	uint16_t len = s->len;

	switch ((enum content)s->content) {
	case CT_NONE:
		break;
	case CT_TLS_HELLO:
		tls_client_hello(p, c);
		break;
	case CT_TLS_RECORD: /* application_data, TLS 1.2 legacy version */
		p[0] = 0x17;
		put16(p + 1, 0x0303);
		put16(p + 3, (uint16_t)(len - 5));
		memcpy(p + 5, rnd, len - 5u);
		break;
	case CT_HTTP_REQ:
		http_request(p, c, s->seq, len);
		break;
	case CT_HTTP_RESP: {
		char head[HTTP_RESP_HEAD_LEN + 1];
		snprintf(head, sizeof(head), HTTP_RESP_HEAD_FMT,
			 (unsigned)(s->msg_len - HTTP_RESP_HEAD_LEN));
		for (uint16_t i = 0; i < len; i++) {
			uint32_t off = (uint32_t)s->msg_off + i;
			p[i] = off < HTTP_RESP_HEAD_LEN ? (uint8_t)head[off] : (uint8_t)('a' + off % 26);
		}
		break;
	}
	case CT_SSH_BANNER_C:
		memcpy(p, ssh_banner_c, len);
		break;
	case CT_SSH_BANNER_S:
		memcpy(p, ssh_banner_s, len);
		break;
	case CT_SSH_PACKET:
		/* RFC 4253 6: length, padding length, payload, 4 bytes of padding;
		 * the payload is SSH_MSG_IGNORE (4253 11.2) with one string, so a
		 * dissector that has not seen the key exchange parses it cleanly. */
		put32(p, (uint32_t)(len - 4));
		p[4] = 4;
		p[5] = 2;
		put32(p + 6, (uint32_t)(len - 14));
		memcpy(p + 10, rnd, len - 10u);
		break;
	case CT_PG_STARTUP: {
		static const uint8_t msg[PG_STARTUP_LEN] = {
		    0,   0,   0,   37,  0,   3,   0,   0,   'u', 's', 'e', 'r', 0,
		    'b', 'e', 'n', 'c', 'h', 0,   'd', 'a', 't', 'a', 'b', 'a', 's',
		    'e', 0,   'b', 'e', 'n', 'c', 'h', 'd', 'b', 0,   0};
		memcpy(p, msg, len);
		break;
	}
	case CT_PG_AUTH_OK: {
		static const uint8_t msg[PG_AUTH_OK_LEN] = {'R', 0, 0, 0, 8, 0, 0, 0,
							    0, 'Z', 0, 0, 0, 5, 'I'};
		memcpy(p, msg, len);
		break;
	}
	case CT_PG_QUERY: { /* 'Q', length, "SELECT ...;" padded, NUL */
		static const char q[] = "SELECT id, payload FROM bench WHERE id = ";
		p[0] = 'Q';
		put32(p + 1, (uint32_t)(len - 1));
		size_t room = len - 6u, n = sizeof(q) - 1 < room ? sizeof(q) - 1 : room;
		memcpy(p + 5, q, n);
		memset(p + 5 + n, '7', room - n);
		p[len - 1] = 0;
		break;
	}
	case CT_PG_ROW: /* 'D', length, one column of bytes */
		p[0] = 'D';
		put32(p + 1, (uint32_t)(len - 1));
		put16(p + 5, 1);
		put32(p + 7, (uint32_t)(len - 11));
		memcpy(p + 11, rnd, len - 11u);
		break;
	}
}

/* TCP options; returns their length (a multiple of 4). */
static size_t tcp_options(uint8_t *p, const struct conn *c, const struct seg *s, uint32_t tsval,
			  uint32_t tsecr)
{
	uint8_t *q = p;
	int side = s->from_server;

	if (s->syn_opts) {
		*q++ = 2; /* MSS */
		*q++ = 4;
		q = put16(q, c->mss[side]);
		if (c->ts) { /* Linux: MSS, SACK_PERM, TS, NOP, WS */
			*q++ = 4;
			*q++ = 2;
			*q++ = 8;
			*q++ = 10;
			q = put32(q, tsval);
			q = put32(q, tsecr);
			*q++ = 1;
			*q++ = 3;
			*q++ = 3;
			*q++ = c->wscale[side];
		} else { /* Windows: MSS, NOP, WS, NOP, NOP, SACK_PERM */
			*q++ = 1;
			*q++ = 3;
			*q++ = 3;
			*q++ = c->wscale[side];
			*q++ = 1;
			*q++ = 1;
			*q++ = 4;
			*q++ = 2;
		}
		return (size_t)(q - p);
	}
	if (s->flags & TH_RST)
		return 0; /* resets carry no options */
	if (c->ts) {
		*q++ = 1;
		*q++ = 1;
		*q++ = 8;
		*q++ = 10;
		q = put32(q, tsval);
		q = put32(q, tsecr);
	}
	if (s->sack_left != s->sack_right) {
		*q++ = 1;
		*q++ = 1;
		*q++ = 5;
		*q++ = 10;
		q = put32(q, s->sack_left);
		q = put32(q, s->sack_right);
	}
	return (size_t)(q - p);
}

/* Builds the Ethernet frame for segment s at time now_ns; returns its length. */
static size_t build_frame(uint8_t *f, struct conn *c, const struct seg *s, uint64_t now_ns)
{
	/* Seen on the servers' uplink: clients come through the gateway. */
	static const uint8_t gw_mac[6] = {0x00, 0x1c, 0x73, 0x00, 0x00, 0x01};
	uint8_t srv_mac[6] = {0x52, 0x54, 0x00, 0x00, c->service, c->server};
	int side = s->from_server;
	uint8_t src[16], dst[16];
	size_t alen = c->ip6 ? 16 : 4, iplen = c->ip6 ? 40 : 20;

	memcpy(f, side ? gw_mac : srv_mac, 6);
	memcpy(f + 6, side ? srv_mac : gw_mac, 6);
	put16(f + 12, c->ip6 ? 0x86dd : 0x0800);
	if (side) {
		server_addr(c, src);
		client_addr(c, dst);
	} else {
		client_addr(c, src);
		server_addr(c, dst);
	}

	/* TCP header, options and payload first: the IP header needs the length. */
	uint8_t *ip = f + 14, *tcp = ip + iplen;
	uint32_t tsval = c->ts_off[side] + (uint32_t)(now_ns / 1000000u); /* 1 kHz clock */
	uint32_t tsecr = s->flags == TH_SYN ? 0 : c->ts_last[!side];
	c->ts_last[side] = tsval;
	size_t optlen = tcp_options(tcp + 20, c, s, tsval, tsecr);
	size_t thl = 20 + optlen;
	uint16_t window = s->flags & TH_SYN ? (uint16_t)(side ? 65160 : 64240)
					     : s->flags & TH_RST ? 0 : c->win[side];
	put16(tcp, side ? service_port[c->service] : c->cport);
	put16(tcp + 2, side ? c->cport : service_port[c->service]);
	put32(tcp + 4, s->seq);
	put32(tcp + 8, s->ack);
	tcp[12] = (uint8_t)((thl / 4) << 4);
	tcp[13] = s->flags;
	put16(tcp + 14, window);
	put16(tcp + 16, 0);
	put16(tcp + 18, 0);
	fill_payload(tcp + thl, c, s);
	size_t tcp_len = thl + s->len;

	/* Pseudo-header checksum (RFC 9293 3.1, RFC 8200 8.1). */
	uint64_t sum = csum_add(0, src, alen);
	sum = csum_add(sum, dst, alen);
	sum += 6 + tcp_len;
	sum = csum_add(sum, tcp, tcp_len);
	put16(tcp + 16, csum_fold(sum));

	if (c->ip6) {
		put32(ip, (6u << 28) | c->flow_label);
		put16(ip + 4, (uint16_t)tcp_len);
		ip[6] = 6;
		ip[7] = side ? 64 : c->ttl;
		memcpy(ip + 8, src, 16);
		memcpy(ip + 24, dst, 16);
	} else {
		ip[0] = 0x45;
		ip[1] = 0;
		put16(ip + 2, (uint16_t)(20 + tcp_len));
		put16(ip + 4, c->ip_id[side]++);
		put16(ip + 6, 0x4000); /* DF */
		ip[8] = side ? 64 : c->ttl;
		ip[9] = 6;
		put16(ip + 10, 0);
		memcpy(ip + 12, src, 4);
		memcpy(ip + 16, dst, 4);
		put16(ip + 10, csum_fold(csum_add(0, ip, 20)));
	}
	return 14 + iplen + tcp_len;
}

/* ------------------------------------------------------ pcap output */

struct out {
	FILE *fp;
	const char *path;
	uint8_t *buf;
	size_t used;
	uint64_t bytes;
};

static void out_flush(struct out *o)
{
	if (o->used && fwrite(o->buf, 1, o->used, o->fp) != o->used) {
		fprintf(stderr, "gen_bench: %s: %s\n", o->path, strerror(errno));
		exit(1);
	}
	o->used = 0;
}

static uint8_t *out_reserve(struct out *o, size_t n)
{
	if (o->used + n > OUTBUF_SIZE)
		out_flush(o);
	uint8_t *p = o->buf + o->used;
	o->used += n;
	o->bytes += n;
	return p;
}

static void pcap_file_header(struct out *o)
{
	uint8_t *h = out_reserve(o, 24);
	put_le32(h, 0xa1b23c4d); /* nanosecond-resolution magic, little-endian file */
	h[4] = 2;                /* version 2.4 */
	h[5] = 0;
	h[6] = 4;
	h[7] = 0;
	put_le32(h + 8, 0);      /* thiszone */
	put_le32(h + 12, 0);     /* sigfigs */
	put_le32(h + 16, 262144); /* snaplen */
	put_le32(h + 20, 1);     /* LINKTYPE_ETHERNET */
}

static void pcap_packet(struct out *o, struct conn *c, const struct seg *s, uint64_t now_ns)
{
	uint8_t *rec = out_reserve(o, 16 + MAX_FRAME);
	size_t len = build_frame(rec + 16, c, s, now_ns);
	put_le32(rec, (uint32_t)(now_ns / 1000000000u));
	put_le32(rec + 4, (uint32_t)(now_ns % 1000000000u));
	put_le32(rec + 8, (uint32_t)len);
	put_le32(rec + 12, (uint32_t)len);
	o->used -= MAX_FRAME - len;
	o->bytes -= MAX_FRAME - len;
}

/* ------------------------------------------------------------- main */

/* Min-heap of open connections keyed by the time of their next packet. */
struct event {
	uint64_t due_ns;
	uint32_t slot;
};

static void heap_push(struct event *h, uint32_t *n, struct event e)
{
	uint32_t i = (*n)++;
	while (i > 0 && h[(i - 1) / 2].due_ns > e.due_ns) {
		h[i] = h[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h[i] = e;
}

static struct event heap_pop(struct event *h, uint32_t *n)
{
	struct event top = h[0], last = h[--(*n)];
	uint32_t i = 0;
	for (;;) {
		uint32_t child = 2 * i + 1;
		if (child >= *n)
			break;
		if (child + 1 < *n && h[child + 1].due_ns < h[child].due_ns)
			child++;
		if (h[child].due_ns >= last.due_ns)
			break;
		h[i] = h[child];
		i = child;
	}
	if (*n)
		h[i] = last;
	return top;
}

static bool parse_u32(const char *s, uint32_t *v)
{
	char *end;
	errno = 0;
	unsigned long long x = strtoull(s, &end, 0);
	if (errno || end == s || *end || x > UINT32_MAX || s[0] == '-')
		return false;
	*v = (uint32_t)x;
	return true;
}

/* Creates connection number `index` in `slot`, starting at start_ns. */
static void open_conn(struct conn *slots, uint32_t slot, uint32_t index, uint64_t start_ns,
		      struct script *sc, struct event *heap, uint32_t *nheap)
{
	struct conn *c = &slots[slot];

	conn_create(c, index, sc);
	script_sort(sc);
	c->segs = malloc(sc->n * sizeof(*c->segs));
	if (!c->segs) {
		fprintf(stderr, "gen_bench: out of memory\n");
		exit(1);
	}
	memcpy(c->segs, sc->v, sc->n * sizeof(*c->segs));
	c->nsegs = (uint16_t)sc->n;
	c->start_ns = start_ns;
	heap_push(heap, nheap, (struct event){start_ns, slot});
}

int main(int argc, char **argv)
{
	uint32_t nconns = DEFAULT_CONNS, seed = DEFAULT_SEED;

	if (argc < 2 || argc > 4 || (argc > 2 && !parse_u32(argv[2], &nconns)) ||
	    (argc > 3 && !parse_u32(argv[3], &seed)) || nconns == 0) {
		fprintf(stderr, "usage: gen_bench OUT.pcap [connections] [seed]\n"
				"  defaults: %u connections, seed %u\n",
			DEFAULT_CONNS, DEFAULT_SEED);
		return 2;
	}
	if (nconns / CLIENT_HOSTS >= EPHEMERAL_N) {
		fprintf(stderr, "gen_bench: at most %u connections (unique 4-tuples)\n",
			CLIENT_HOSTS * EPHEMERAL_N);
		return 2;
	}

	struct rng rng = {seed};
	for (size_t i = 0; i < sizeof(filler); i++)
		filler[i] = (uint8_t)(rng_next(&rng) >> 56);

	uint32_t window = nconns / 2 > MAX_WINDOW ? MAX_WINDOW : nconns / 2;
	if (window == 0)
		window = 1;
	struct conn *slots = calloc(window, sizeof(*slots));
	struct event *heap = calloc(window, sizeof(*heap));
	struct script *sc = calloc(1, sizeof(*sc));
	struct out o = {.path = argv[1], .buf = malloc(OUTBUF_SIZE)};
	if (!slots || !heap || !sc || !o.buf) {
		fprintf(stderr, "gen_bench: out of memory\n");
		return 1;
	}
	sc->r = &rng;

	o.fp = fopen(o.path, "wb");
	if (!o.fp) {
		fprintf(stderr, "gen_bench: %s: %s\n", o.path, strerror(errno));
		return 1;
	}
	pcap_file_header(&o);

	const uint64_t t0_ns = (uint64_t)START_SEC * 1000000000u;
	uint32_t nheap = 0, opened = 0;
	uint64_t packets = 0, last_ns = 0;
	for (; opened < window; opened++) {
		uint64_t start = t0_ns + rng_range(&rng, 0, RAMP_US) * 1000u + rng_next(&rng) % 1000;
		open_conn(slots, opened, opened, start, sc, heap, &nheap);
	}
	while (nheap > 0) {
		struct event e = heap_pop(heap, &nheap);
		struct conn *c = &slots[e.slot];
		uint64_t now = e.due_ns > last_ns ? e.due_ns : last_ns + 1; /* strictly rising */
		pcap_packet(&o, c, &c->segs[c->next++], now);
		last_ns = now;
		packets++;
		if (c->next < c->nsegs) {
			uint64_t due = c->start_ns + (uint64_t)c->segs[c->next].t_us * 1000u;
			heap_push(heap, &nheap, (struct event){due, e.slot});
			continue;
		}
		free(c->segs);
		c->segs = NULL;
		if (opened < nconns) /* a new connection takes the slot */
			open_conn(slots, e.slot, opened++, now + rng_range(&rng, 1000, 500000), sc,
				  heap, &nheap);
	}
	out_flush(&o);
	if (fclose(o.fp) != 0) {
		fprintf(stderr, "gen_bench: %s: %s\n", o.path, strerror(errno));
		return 1;
	}
	fprintf(stderr,
		"gen_bench: %s: %" PRIu64 " packets, %u connections (up to %u open at once), "
		"%" PRIu64 " bytes, %.3f s of packet time\n",
		o.path, packets, nconns, window, o.bytes, (double)(last_ns - t0_ns) / 1e9);
	fprintf(stderr,
		"gen_bench: closed by FIN %" PRIu64 ", reset after data %" PRIu64
		", refused %" PRIu64 ", left open %" PRIu64 "; retransmitted segments: "
		"%" PRIu64 " timeout, %" PRIu64 " fast, %" PRIu64 " spurious; "
		"%" PRIu64 " duplicate ACKs\n",
		sc->tot.fin_closed, sc->tot.reset, sc->tot.refused, sc->tot.left_open,
		sc->tot.timeout_rexmit, sc->tot.fast_rexmit, sc->tot.spurious_rexmit,
		sc->tot.dup_acks);
	free(slots);
	free(heap);
	free(sc);
	free(o.buf);
	return 0;
}
