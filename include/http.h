/* http.h - HTTP/1.x request line, Host and response status from the first bytes of a TCP stream. */
#ifndef TCPSCOPE_HTTP_H
#define TCPSCOPE_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Both parsers read a direction's bytes from its first byte (as struct reasm
 * hands them over) and are called again with a longer stream until they stop
 * saying HTTP_NEED_MORE. They look at no more than HTTP_HEAD_MAX bytes, so an
 * observer never needs to keep more; with len >= HTTP_HEAD_MAX the answer is
 * never HTTP_NEED_MORE. 8 KiB is also where Apache (LimitRequestLine 8190)
 * and nginx (large_client_header_buffers 8k) stop reading a request line.
 *
 * Decisions are final: a prefix of a stream gets either HTTP_NEED_MORE or the
 * stream's own answer with the same fields, so calling again after a decision
 * is pointless but harmless.
 */
enum {
	HTTP_HEAD_MAX = 8192,
	HTTP_PATH_MAX = 256, /* request-target bytes kept */
	HTTP_HOST_MAX = 255, /* Host value bytes kept */
};

/*
 * Outcome of a parse. HTTP_OK: the fields are there. HTTP_NEED_MORE: what was
 * given is a prefix of what the parser needs (never an error). HTTP_NOT_HTTP:
 * the stream does not start like HTTP/1.x (not counted as an error: TLS, SSH,
 * ... on any port). The rest are errors of a stream that did start like
 * HTTP/1.x, each with one reason; http_status_name() gives each value a
 * stable lower_snake_case name for counters.
 */
enum http_status {
	HTTP_OK = 0,
	HTTP_NEED_MORE,
	HTTP_NOT_HTTP,
	/* errors */
	HTTP_BAD_REQUEST_LINE, /* empty target, line ends before the version (HTTP/0.9),
				* or bytes between the version and the line end */
	HTTP_BAD_VERSION,      /* not HTTP/1.<digit> where a request line puts the version,
				* or a digit missing after a response's "HTTP/1." */
	HTTP_BAD_STATUS_LINE,  /* status code not 3 digits in 100..999, or a missing space */
	HTTP_LINE_TOO_LONG,    /* the request or status line does not end within HTTP_HEAD_MAX */
	HTTP_HEADERS_TOO_LONG, /* no Host and no end of the header block within HTTP_HEAD_MAX */
	HTTP__COUNT
};

/* Short stable name of a status, e.g. "headers_too_long"; "invalid" out of range. */
const char *http_status_name(enum http_status s);
/* True for the errors (everything after HTTP_NOT_HTTP). */
bool http_status_is_error(enum http_status s);

/*
 * The request methods that make a stream HTTP (RFC 9110 section 9, PATCH from
 * RFC 5789, WebDAV from RFC 4918 and 5323, the CalDAV/DeltaV ones clients
 * send). Anything else, HTTP/2's "PRI * HTTP/2.0" preface included, is
 * HTTP_NOT_HTTP: this module is about HTTP/1.x only.
 */
enum http_method {
	HTTP_METHOD_NONE = 0,
	HTTP_METHOD_GET,
	HTTP_METHOD_HEAD,
	HTTP_METHOD_POST,
	HTTP_METHOD_PUT,
	HTTP_METHOD_DELETE,
	HTTP_METHOD_CONNECT,
	HTTP_METHOD_OPTIONS,
	HTTP_METHOD_TRACE,
	HTTP_METHOD_PATCH,
	HTTP_METHOD_PROPFIND,
	HTTP_METHOD_PROPPATCH,
	HTTP_METHOD_MKCOL,
	HTTP_METHOD_COPY,
	HTTP_METHOD_MOVE,
	HTTP_METHOD_LOCK,
	HTTP_METHOD_UNLOCK,
	HTTP_METHOD_SEARCH,
	HTTP_METHOD_REPORT,
	HTTP_METHOD_MKCALENDAR,
	HTTP_METHOD__COUNT
};

/* The method's token as sent, e.g. "GET"; "" for HTTP_METHOD_NONE, "invalid" out of range. */
const char *http_method_name(enum http_method m);

/*
 * What a client's first request says. Strings are raw bytes from the wire,
 * NUL-terminated after their length but possibly holding NULs or control
 * bytes themselves: use the lengths, and escape before anyone sees them.
 * A *_suspicious flag says the whole value on the wire (stored part or not)
 * has a byte outside visible ASCII 0x21..0x7e: a control byte, a space, DEL
 * or a byte >= 0x80 (raw UTF-8 included).
 */
struct http_request {
	enum http_method method;
	uint8_t version_minor;       /* the x of HTTP/1.x, 0..9 */
	bool path_truncated;         /* the target was longer than HTTP_PATH_MAX */
	bool path_suspicious;
	bool has_host;               /* a Host field was seen (its value may be empty) */
	bool host_truncated;         /* the value was longer than HTTP_HOST_MAX */
	bool host_suspicious;
	uint16_t path_len;           /* bytes in path, <= HTTP_PATH_MAX */
	uint16_t host_len;           /* bytes in host, <= HTTP_HOST_MAX; 0 without has_host */
	char path[HTTP_PATH_MAX + 1]; /* the request-target as sent (origin, absolute,
				       * authority or asterisk form) */
	char host[HTTP_HOST_MAX + 1]; /* the first Host field's value, OWS trimmed */
};

/*
 * Parse the start of a client's stream: `METHOD SP request-target SP
 * HTTP/1.x` and its line end, then header lines up to the first Host field
 * (name matched without regard to case, no space allowed before the colon:
 * "Host :" is not a Host field, servers answer it with 400) or to the empty
 * line that ends the block. Lines end in CRLF or a bare LF (RFC 9112 section
 * 2.2 lets recipients accept LF; curl, nginx and Apache do). Header lines
 * other than Host are skipped unread, obs-fold continuations included.
 *
 * Decides HTTP_NOT_HTTP from the first bytes: the first byte that makes the
 * token not a prefix of a known method (so "\x16\x03\x01" at byte 1,
 * "SSH-2.0" at byte 2, "HELLO" at byte 3), or the byte after a whole method
 * not being a space. Returns HTTP_OK as soon as the Host line is complete, or
 * at the end of the header block without a Host (HTTP/1.0). Returns
 * HTTP_NEED_MORE while the request line is incomplete, or while the headers
 * are incomplete and no Host was seen. Returns HTTP_HEADERS_TOO_LONG when
 * neither a Host line nor the block's end is within the first HTTP_HEAD_MAX
 * bytes; the request line was good then, and method, path and version are set
 * (has_host false) so the request can still be reported.
 *
 * Reads only stream[0 .. min(len, HTTP_HEAD_MAX) - 1] (stream may be NULL
 * when len is 0); allocates nothing; keeps no state. On HTTP_OK every field
 * of *out is set; on HTTP_HEADERS_TOO_LONG as said above; on any other
 * outcome *out is unspecified.
 */
enum http_status http_parse_request(const uint8_t *stream, size_t len, struct http_request *out);

/*
 * What a server's first response says. A final status follows any 1xx
 * interim responses (100 Continue, 102, 103 Early Hints) on the stream;
 * 101 Switching Protocols is final (what follows is not HTTP/1.x).
 */
struct http_response {
	uint16_t status_code;  /* 100..999 */
	uint16_t interim_code; /* the last interim 1xx before it, or 0 */
	uint8_t version_minor; /* of the final response's status line, 0..9 */
};

/*
 * Parse the start of a server's stream: `HTTP/1.x SP 3DIGIT [SP reason]`
 * up to its line end (CRLF or bare LF; the reason phrase is not looked at).
 * A 1xx other than 101 is an interim response: its header block is skipped
 * and the next status line is parsed, so a POST answered "100 Continue" then
 * "200 OK" reports 200 (with interim_code 100).
 *
 * HTTP_NOT_HTTP when the stream does not start with "HTTP/1." (decided at the
 * first byte that differs: "HTTP/2" at byte 6, "SSH-" at byte 1); the name is
 * case-sensitive (RFC 9112 section 2.3). After an interim response the next
 * line must be a status line too, else HTTP_BAD_STATUS_LINE. HTTP_NEED_MORE
 * while a status line, or an interim response's header block, is incomplete.
 * HTTP_LINE_TOO_LONG or HTTP_HEADERS_TOO_LONG when that does not end within
 * HTTP_HEAD_MAX bytes. A stream that stops after an interim response (the
 * server closed) stays at HTTP_NEED_MORE: it has no final status.
 *
 * Reads only stream[0 .. min(len, HTTP_HEAD_MAX) - 1] (stream may be NULL
 * when len is 0); allocates nothing; keeps no state. *out is set on HTTP_OK
 * only.
 */
enum http_status http_parse_response(const uint8_t *stream, size_t len, struct http_response *out);

#endif
