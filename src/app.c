/* app.c - the application-layer observers: reassemble each direction's first bytes, ask the TLS and HTTP parsers. */
#include "app.h"

#include <stdlib.h>
#include <string.h>

#include "reasm.h"

/*
 * How many first bytes of a direction are kept at most. A ClientHello may be
 * TLS_MAX_HELLO_LEN long and spread over many small records (5 header bytes
 * each); HTTP looks at HTTP_HEAD_MAX bytes only. Buffers are allocated on a
 * direction's first byte and freed as soon as its parser has decided.
 */
#define APP_STREAM_CAP (TLS_MAX_HELLO_LEN + 8192)

/*
 * STARTTLS (SMTP, IMAP, POP3, FTP AUTH TLS, XMPP, LDAP, PostgreSQL's
 * SSLRequest...): a client that started in clear may switch to TLS a few
 * exchanges later. A client segment that begins with a TLS handshake record
 * header restarts the observers there, within this many bytes of the
 * client's stream.
 */
#define APP_STARTTLS_WINDOW 8192

/*
 * An HTTP CONNECT answered 2xx opens a tunnel (RFC 9110 9.3.6): from the
 * next byte on, each side relays the other's. To an HTTPS proxy the client
 * then sends a ClientHello for the target, so the tunnel is watched as
 * after STARTTLS; its hello replaces the CONNECT request in the record
 * (tshark shows both; our record has one application block). No TLS in
 * the window: the CONNECT request and status stay.
 */
static bool connect_tunnel_opened(const struct app_info *ai)
{
	return ai->proto == APP_HTTP && ai->method == HTTP_METHOD_CONNECT && ai->status >= 200 && ai->status < 300;
}

/* What is only needed while looking: freed once both directions have decided. */
struct app_streams {
	struct reasm stream[2];   /* by enum conn_role */
	bool started[2];          /* stream[] initialised */
	size_t need[2];           /* call the parser again once this many bytes are in order */
};

enum app_phase {
	PHASE_START,     /* looking at each direction from its first byte */
	PHASE_WATCH,     /* the client began in clear text: waiting for STARTTLS */
	PHASE_STARTTLS,  /* looking again from where the client switched to TLS */
};

struct app_state {
	struct app_info info;
	struct app_streams *io;   /* NULL once both directions have decided */
	bool decided[2];          /* client: what it speaks is known; server: its answer parsed or given up */
	bool tls_ruled_out;       /* the client's bytes are not TLS: only HTTP is still possible */
	bool out_of_memory;
	uint8_t phase;            /* enum app_phase */
	uint32_t client_bytes;    /* client payload bytes seen while watching for STARTTLS */
};

static void free_streams(struct app_state *s)
{
	if (!s->io)
		return;
	reasm_free(&s->io->stream[ROLE_CLIENT]);
	reasm_free(&s->io->stream[ROLE_SERVER]);
	free(s->io);
	s->io = NULL;
}

void app_free(struct app_state *s)
{
	if (!s)
		return;
	for (int k = 0; k < APP_STRING__COUNT; k++)
		free(s->info.str[k]);
	free_streams(s);
	free(s);
}

/* Keep a string from the wire, allocated to its length. */
static void keep_string(struct app_state *s, enum app_string k, const char *src, size_t len)
{
	char *dst = malloc(len + 1);
	if (!dst) {
		s->out_of_memory = true;
		return;
	}
	memcpy(dst, src, len);
	dst[len] = '\0';
	free(s->info.str[k]);
	s->info.str[k] = dst;
	s->info.len[k] = (uint16_t)len;
}

static void keep_client_hello(struct app_state *s, const struct tls_client_hello *ch)
{
	struct app_info *ai = &s->info;
	ai->proto = APP_TLS;
	ai->ech = ch->ech;
	ai->psk = ch->psk;
	if (ch->has_sni)
		keep_string(s, APP_SNI, ch->sni, ch->sni_len);
	if (ch->has_alpn)
		keep_string(s, APP_ALPN, ch->alpn_list, ch->alpn_list_len);
	ai->versions_count = ch->versions_count;
	memcpy(ai->versions, ch->versions, sizeof(ai->versions));
	if (!ch->has_supported_versions) { /* before TLS 1.3 the offer is one version */
		ai->versions_count = 1;
		ai->versions[0] = ch->legacy_version;
	}
}

static void keep_request(struct app_state *s, const struct http_request *rq)
{
	struct app_info *ai = &s->info;
	ai->proto = APP_HTTP;
	ai->method = (uint8_t)rq->method;
	keep_string(s, APP_HTTP_PATH, rq->path, rq->path_len);
	if (rq->has_host)
		keep_string(s, APP_HTTP_HOST, rq->host, rq->host_len);
}

/* The client's bytes decide what the connection speaks: TLS first, then HTTP. */
static void decide_client(struct app_state *s, const uint8_t *buf, size_t len, struct app_counters *n)
{
	if (!s->tls_ruled_out) {
		struct tls_client_hello ch;
		size_t need = 0;
		enum tls_status st = tls_parse_client_hello(buf, len, &ch, &need);
		if (st == TLS_NEED_MORE) {
			s->io->need[ROLE_CLIENT] = need;
			return;
		}
		n->tls_client[st]++;
		if (st != TLS_NOT_TLS) { /* a hello, or one that started like TLS and broke */
			if (st == TLS_OK)
				keep_client_hello(s, &ch);
			s->decided[ROLE_CLIENT] = true;
			return;
		}
		s->tls_ruled_out = true;
	}
	struct http_request rq;
	enum http_status hs = http_parse_request(buf, len, &rq);
	if (hs == HTTP_NEED_MORE) {
		s->io->need[ROLE_CLIENT] = len + 1;
		return;
	}
	n->http_request[hs]++;
	if (hs == HTTP_OK || hs == HTTP_HEADERS_TOO_LONG) /* the request line is good in both */
		keep_request(s, &rq);
	s->decided[ROLE_CLIENT] = true;
}

/* The server's answer, once the client's bytes said what to look for. */
static void decide_server(struct app_state *s, const uint8_t *buf, size_t len, struct app_counters *n)
{
	struct app_info *ai = &s->info;

	if (ai->proto == APP_TLS) {
		struct tls_server_hello sh;
		size_t need = 0;
		enum tls_status st = tls_parse_server_hello(buf, len, &sh, &need);
		if (st == TLS_NEED_MORE) {
			s->io->need[ROLE_SERVER] = need;
			return;
		}
		n->tls_server[st]++;
		if (st == TLS_OK) {
			ai->server_hello = true;
			ai->version_chosen = sh.version;
			if (sh.has_alpn)
				keep_string(s, APP_ALPN_CHOSEN, sh.alpn, sh.alpn_len);
		}
	} else {
		struct http_response rs;
		enum http_status hs = http_parse_response(buf, len, &rs);
		if (hs == HTTP_NEED_MORE) {
			s->io->need[ROLE_SERVER] = len + 1;
			return;
		}
		n->http_response[hs]++;
		if (hs == HTTP_OK)
			ai->status = rs.status_code;
	}
	s->decided[ROLE_SERVER] = true;
}

/* A parse waiting for bytes that will never fit, or never come in order. */
static bool stuck(const struct app_state *s, enum conn_role k)
{
	return s->io->need[k] > s->io->stream[k].cap || s->io->stream[k].dropped;
}

/* Count a parse that ends without an answer. */
static void give_up(struct app_state *s, enum conn_role k, struct app_counters *n)
{
	if (s->io && s->io->stream[k].over_budget)
		n->over_budget++;
	bool tls = k == ROLE_CLIENT ? !s->tls_ruled_out : s->info.proto == APP_TLS;
	if (tls)
		(k == ROLE_CLIENT ? n->tls_client : n->tls_server)[TLS_NEED_MORE]++;
	else
		(k == ROLE_CLIENT ? n->http_request : n->http_response)[HTTP_NEED_MORE]++;
	s->decided[k] = true;
}

/*
 * Direction k lost a piece (too far ahead, over the budget, too many holes):
 * give up on it now, so that its buffer goes at once rather than when the
 * connection ends. The server's bytes before the client's said what to look
 * for were not yet a parse: they are only forgotten.
 */
static void drop_direction(struct app_state *s, enum conn_role k, struct app_counters *n)
{
	if (k == ROLE_CLIENT || s->decided[ROLE_CLIENT]) {
		give_up(s, k, n);
	} else {
		if (s->io->stream[k].over_budget)
			n->over_budget++;
		s->decided[k] = true;
	}
	reasm_free(&s->io->stream[k]);
}

/* Ask direction k's parser about buf[0..len); give up when what it needs can never come. */
static void decide(struct app_state *s, enum conn_role k, const uint8_t *buf, size_t len, struct app_counters *n)
{
	if (k == ROLE_CLIENT)
		decide_client(s, buf, len, n);
	else
		decide_server(s, buf, len, n);
	/* what the parser waits for: pieces up to it are worth room (reasm_add) */
	size_t want = s->io->need[k];
	s->io->stream[k].want = want < APP_STREAM_CAP ? (uint32_t)want : APP_STREAM_CAP;
	if (!s->decided[k] && stuck(s, k))
		give_up(s, k, n);
}

/* The server's bytes are only parsed once the client's said what to look for. */
static bool may_decide(const struct app_state *s, enum conn_role k)
{
	if (k == ROLE_CLIENT)
		return !s->decided[ROLE_CLIENT];
	return !s->decided[ROLE_SERVER] && s->decided[ROLE_CLIENT] && s->info.proto != APP_UNDECIDED;
}

/* Run the parsers that have new bytes to look at; free what is no longer needed. */
static void step(struct app_state *s, struct app_counters *n)
{
	struct reasm *c = &s->io->stream[ROLE_CLIENT], *v = &s->io->stream[ROLE_SERVER];

	if (may_decide(s, ROLE_CLIENT) && c->contiguous > 0 && c->contiguous >= s->io->need[ROLE_CLIENT])
		decide(s, ROLE_CLIENT, c->buf, c->contiguous, n);
	if (s->decided[ROLE_CLIENT])
		reasm_free(c);
	if (s->decided[ROLE_CLIENT] && s->info.proto == APP_UNDECIDED)
		s->decided[ROLE_SERVER] = true; /* neither TLS nor HTTP: nothing to look for */
	if (may_decide(s, ROLE_SERVER) && v->contiguous > 0 && v->contiguous >= s->io->need[ROLE_SERVER])
		decide(s, ROLE_SERVER, v->buf, v->contiguous, n);
	if (s->decided[ROLE_SERVER])
		reasm_free(v);
}

/*
 * Where a direction's byte stream starts: just after its SYN when the
 * handshake was seen (or named by the peer's SYN-ACK) and the first payload
 * lies within reach of it; otherwise (capture begun mid-stream, or a stack
 * that answered retried SYNs with SYN-ACKs of different ISNs) the first
 * payload seen is taken as the start.
 */
static uint32_t stream_start(const struct tcp_endpoint *sender, uint32_t data_seq)
{
	int32_t off = (int32_t)(data_seq - (sender->isn + 1));
	return (sender->seen & TCP_EP_ISN_KNOWN) && off >= 0 && off < APP_STREAM_CAP ? sender->isn + 1 : data_seq;
}

/* Fresh reassembly for both directions (the state itself stays). */
static bool open_streams(struct app_state *s)
{
	free_streams(s);
	s->io = calloc(1, sizeof(*s->io));
	return s->io != NULL;
}

/* A TLS handshake record header: content type 22, version 3.x. */
static bool starts_tls_record(const struct pkt *p)
{
	return p->payload_caplen >= 2 && p->payload[0] == 22 && p->payload[1] == 3;
}

/*
 * While watching for STARTTLS only segment starts are looked at: the
 * client's first one that begins like a TLS record starts the observers
 * afresh there, and the server's answer is read from its next segment on.
 * Returns true when observing resumes with this segment.
 */
static bool starttls_begins(struct app_state *s, const struct pkt *p, enum conn_role from)
{
	if (from != ROLE_CLIENT)
		return false;
	s->client_bytes += p->payload_caplen;
	if (!starts_tls_record(p))
		return false;
	if (!open_streams(s)) {
		s->out_of_memory = true;
		return false;
	}
	s->phase = PHASE_STARTTLS;
	s->tls_ruled_out = false;
	s->decided[ROLE_CLIENT] = s->decided[ROLE_SERVER] = false;
	return true;
}

void app_observe(struct app_state **state, bool *done, const struct tcp_endpoint ep[2], const struct pkt *p,
		 enum conn_role from, struct app_counters *counts)
{
	struct app_state *s = *state;
	if (*done || p->payload_caplen == 0)
		return;
	if (s && s->phase == PHASE_WATCH && !starttls_begins(s, p, from)) {
		if (s->out_of_memory || s->client_bytes > APP_STARTTLS_WINDOW) {
			if (s->info.proto == APP_UNDECIDED)
				goto forget;
			*done = true; /* a tunnel that carried no TLS: the CONNECT stays */
		}
		return;
	}
	if (s && s->decided[from])
		return;
	if (!s) {
		/* A server that speaks first (SMTP, SSH, FTP) has its bytes buffered
		 * until the client's say what to look for. */
		s = calloc(1, sizeof(*s));
		if (!s || !open_streams(s)) {
			free(s);
			counts->out_of_memory++;
			*done = true;
			return;
		}
		*state = s;
	}
	struct app_streams *io = s->io;
	/* A SYN's data (TCP Fast Open) starts one past its sequence number. */
	uint32_t data_seq = p->seq + ((p->flags & TCP_FLAG_SYN) ? 1u : 0u);
	if (!io->started[from]) {
		/* after STARTTLS a direction starts at its first segment since */
		uint32_t start = s->phase == PHASE_START ? stream_start(&ep[from], data_seq) : data_seq;
		reasm_init(&io->stream[from], start, APP_STREAM_CAP, &counts->reasm);
		io->started[from] = true;
	}
	struct reasm *r = &io->stream[from];
	/* A direction's first bytes, in order and in one segment, are parsed
	 * where they are: most hellos and request heads need nothing more, and
	 * then nothing is copied or allocated. */
	if (r->contiguous == 0 && r->npieces == 0 && data_seq == r->base_seq && may_decide(s, from))
		decide(s, from, p->payload, p->payload_caplen < r->cap ? p->payload_caplen : r->cap, counts);
	if (!s->decided[from]) {
		reasm_add(r, data_seq, p->payload, p->payload_caplen);
		if (r->dropped && !s->decided[from])
			drop_direction(s, from, counts); /* its bytes can no longer come in order */
	}
	step(s, counts);
	if (s->out_of_memory)
		goto forget;
	if (s->decided[ROLE_CLIENT] && s->info.proto == APP_UNDECIDED) {
		if (s->phase != PHASE_START || !s->tls_ruled_out)
			goto forget; /* broken TLS, or no hello after STARTTLS either */
		/* clear text at the start: STARTTLS may follow */
		free_streams(s);
		s->phase = PHASE_WATCH;
	} else if (s->decided[ROLE_CLIENT] && s->decided[ROLE_SERVER]) {
		free_streams(s); /* only the result is left: the connection need not look here again */
		if (s->phase == PHASE_START && connect_tunnel_opened(&s->info)) {
			s->phase = PHASE_WATCH;
			s->client_bytes = 0;
			return;
		}
		*done = true;
	}
	return;
forget:
	if (s->out_of_memory)
		counts->out_of_memory++;
	app_free(s); /* nothing to report */
	*state = NULL;
	*done = true;
}

const struct app_info *app_result(const struct app_state *s)
{
	return s && s->info.proto != APP_UNDECIDED ? &s->info : NULL;
}

const struct app_info *app_finish(struct app_state *s, struct app_counters *counts)
{
	if (!s)
		return NULL;
	for (int k = ROLE_CLIENT; k <= ROLE_SERVER; k++)
		if (!s->decided[k] && s->io && s->io->started[k] && (k == ROLE_CLIENT || s->decided[ROLE_CLIENT]))
			give_up(s, (enum conn_role)k, counts);
	return app_result(s);
}
