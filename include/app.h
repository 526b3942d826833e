/* app.h - the application-layer observers: each connection's first bytes through the TLS and HTTP parsers. */
#ifndef TCPSCOPE_APP_H
#define TCPSCOPE_APP_H

#include <stdbool.h>
#include <stdint.h>

#include "decode.h"
#include "http.h"
#include "reasm.h"
#include "tcp_endpoint.h"
#include "tls.h"

/* What the client's first bytes turned out to be. */
enum app_proto {
	APP_UNDECIDED = 0,
	APP_TLS,    /* a ClientHello was parsed */
	APP_HTTP,   /* an HTTP/1.x request line was parsed */
};

/* Strings kept from the wire, each allocated to its length (NULL when absent). */
enum app_string {
	APP_SNI,          /* TLS: first host_name of server_name */
	APP_ALPN,         /* TLS: offered protocols, each as a length byte then the name ("\2h2\10http/1.1"): app_alpn_next */
	APP_ALPN_CHOSEN,  /* TLS <= 1.2: the protocol the server selected */
	APP_HTTP_HOST,
	APP_HTTP_PATH,
	APP_STRING__COUNT
};

/*
 * What the observers found, kept with the connection until its record is
 * written. Strings are raw bytes from the wire with explicit lengths (they
 * may hold NULs or control bytes): the outputs escape them.
 */
struct app_info {
	uint8_t proto;                /* enum app_proto */
	/* TLS */
	bool ech, psk;
	bool server_hello;            /* the ServerHello was parsed: version_chosen is valid */
	uint8_t versions_count;
	uint16_t versions[TLS_VERSIONS_MAX]; /* offered, GREASE left out */
	uint16_t version_chosen;
	/* HTTP */
	uint8_t method;               /* enum http_method */
	uint16_t status;              /* final response status, 0 if not seen */

	uint16_t len[APP_STRING__COUNT];
	char *str[APP_STRING__COUNT]; /* NUL-terminated after len bytes */
};

/*
 * Default bound of the reassembly buffers of all connections together: a
 * hello being reassembled takes a few KiB, so 256 MiB holds some 50,000 of
 * them at once, far more than real traffic has in flight; a flood of
 * connections that each open a reassembly gap stops there (issue 13).
 */
#define APP_REASM_BUDGET_DEFAULT (256ull << 20)

/* How the observers' parses ended, for the summary. */
struct app_counters {
	uint64_t tls_client[TLS__COUNT];   /* ClientHello parses by outcome (TLS_NEED_MORE: gave up incomplete) */
	uint64_t tls_server[TLS__COUNT];
	uint64_t http_request[HTTP__COUNT];
	uint64_t http_response[HTTP__COUNT];
	uint64_t out_of_memory;
	/* Reassembly buffers of all connections (reasm.h); limit 0: none. */
	struct reasm_budget reasm;
	uint64_t over_budget;              /* parses given up because the budget was spent */
};

/* Observer state of one connection: reassembly buffers while needed, then only the result. */
struct app_state;

/*
 * Feed one segment sent by `from` on a connection whose endpoints `ep`
 * (tcp_endpoint.h) have already seen it. *state is created on the first payload byte and freed
 * (set back to NULL, with *done set) once there is nothing left to find.
 * Every parse that ends is counted in *counts.
 */
void app_observe(struct app_state **state, bool *done, const struct tcp_endpoint ep[2], const struct pkt *p,
		 enum conn_role from, struct app_counters *counts);

/*
 * The connection is over: parses still waiting for bytes end as given up
 * (counted as TLS_NEED_MORE / HTTP_NEED_MORE). Returns the result, or NULL
 * when neither TLS nor HTTP was found; valid until app_free.
 */
const struct app_info *app_finish(struct app_state *state, struct app_counters *counts);

/* What was found so far on a connection still open (the live view), or NULL; valid until the next app_observe. */
const struct app_info *app_result(const struct app_state *state);

/*
 * The offered ALPN names one by one: start with *pos = 0; each call sets
 * *name and *len to the next name (raw bytes from the wire) and returns
 * true, false after the last. A protocol name may hold any byte, a comma
 * too: it stays one name.
 */
static inline bool app_alpn_next(const struct app_info *ai, size_t *pos, const char **name, size_t *len)
{
	const char *list = ai->str[APP_ALPN];
	size_t end = ai->len[APP_ALPN];
	if (!list || *pos >= end)
		return false;
	size_t n = (uint8_t)list[*pos];
	if (n > end - *pos - 1)
		n = end - *pos - 1; /* never past the end, whoever built the list */
	*name = list + *pos + 1;
	*len = n;
	*pos += 1 + n;
	return true;
}

/* Free everything (state may be NULL). */
void app_free(struct app_state *state);

#endif
