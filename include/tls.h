/* tls.h - TLS ClientHello and ServerHello from the first bytes of a TCP stream: SNI, ALPN, versions. */
#ifndef TCPSCOPE_TLS_H
#define TCPSCOPE_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Both parsers read one direction's bytes from its first byte (as struct
 * reasm hands them over) and are called again with a longer stream while
 * they say TLS_NEED_MORE. The hello may be cut into several TLS records
 * (record-layer fragmentation) and each record into several TCP segments; the
 * handshake bytes are gathered across consecutive handshake records.
 *
 * Decisions are final: every prefix of a stream gets either TLS_NEED_MORE or
 * the whole stream's own answer with the same fields, and a TLS_NEED_MORE
 * comes with a stream length before which the answer cannot change, so an
 * observer buffers until then and calls again.
 */
enum {
	TLS_MAX_RECORD_LEN = 16384 + 2048, /* record length bound: 2^14 + 2048 (RFC 8446 5.2,
					    * TLSCiphertext), lenient for plaintext records */
	TLS_MAX_HELLO_LEN = 16384,  /* hello body bound (handshake length field); the largest
				     * real ClientHello in the shared captures is 11,414 bytes */
	TLS_SNI_MAX = 255,          /* server name bytes kept (a DNS name has at most 253) */
	TLS_ALPN_MAX = 255,         /* bytes of the joined ALPN list kept */
	TLS_VERSIONS_MAX = 16,      /* supported_versions entries kept */
	TLS_VERSION_NAME_MAX = 24,  /* buffer for tls_version_name, NUL included */
};

/*
 * Outcome of a parse. TLS_OK: the hello is parsed. TLS_NEED_MORE: what was
 * given is a prefix of what the parser needs (never an error). TLS_NOT_TLS:
 * the stream does not start with a TLS handshake record carrying the expected
 * hello (HTTP, SSH, an SSLv2-format hello...); ordinary traffic, not an error.
 * TLS_ALERT (ServerHello only): the server answered with an alert record.
 * The rest are errors of a stream that started like TLS, each with one
 * reason; tls_status_name() gives each value a stable lower_snake_case name.
 */
enum tls_status {
	TLS_OK = 0,
	TLS_NEED_MORE,
	TLS_NOT_TLS,
	TLS_ALERT,
	/* errors */
	TLS_BAD_RECORD,       /* record version 3.x with x > 4, length 0 or > TLS_MAX_RECORD_LEN,
			       * or a record other than handshake before the hello ended */
	TLS_BAD_HANDSHAKE,    /* the hello's fixed fields contradict its length: body too short,
			       * session id > 32, cipher suites odd or empty, no compression
			       * method, a lone byte where the extensions length should be */
	TLS_TOO_LONG,         /* handshake length > TLS_MAX_HELLO_LEN */
	TLS_BAD_EXTENSION,    /* extensions length not exactly the rest of the hello, or one
			       * extension's length past the block */
	TLS_DUP_EXTENSION,    /* an extension this parser reads appears twice (RFC 8446 4.2) */
	TLS_BAD_SERVER_NAME,  /* server_name: list length not the extension's, empty list,
			       * a name past the list or of length 0 */
	TLS_BAD_ALPN,         /* ALPN: list length not the extension's, empty list, a name past
			       * the list or of length 0; in a ServerHello, not exactly one name */
	TLS_BAD_SUPPORTED_VERSIONS, /* ClientHello: length byte not the rest, odd or 0;
				     * ServerHello: extension not exactly 2 bytes */
	TLS__COUNT
};

/* Short stable name of a status, e.g. "bad_server_name"; "invalid" out of range. */
const char *tls_status_name(enum tls_status s);
/* True for the errors (everything after TLS_ALERT). */
bool tls_status_is_error(enum tls_status s);

/*
 * What a client's first hello says. Strings are raw bytes from the wire,
 * NUL-terminated after their length but possibly holding NULs or any other
 * byte themselves: use the lengths, and escape before anyone sees them.
 *
 * With `ech` set, the name in `sni` is the outer ClientHello's: the
 * client-facing server's public name, while the name the client wants is in
 * the encrypted inner hello. Browsers also send a GREASE ECH extension (random
 * bytes, indistinguishable by design) when they have no ECH configuration, so
 * `ech` alone does not prove the visible name is a cover name.
 */
struct tls_client_hello {
	uint16_t record_version;  /* version in the first record header */
	uint16_t legacy_version;  /* ClientHello.legacy_version (client_version before 1.3) */
	uint16_t max_version;     /* highest supported_versions entry (GREASE ignored, a TLS 1.3
				   * draft 0x7fNN ranks below 0x0304), else legacy_version */
	uint16_t records;         /* TLS records the hello was spread over */
	uint32_t hello_len;       /* handshake length: the body, without its 4-byte header */
	size_t hello_end;         /* stream offset just past the hello's last byte */
	uint16_t cipher_suites;   /* number offered, GREASE included */
	uint16_t extensions;      /* number of extensions, GREASE ones excluded */

	bool has_sni;             /* a host_name was found (sni_count > 0) */
	bool sni_truncated;       /* the first name was longer than TLS_SNI_MAX */
	bool sni_suspicious;      /* the first name (all of it) has a byte outside
				   * [A-Za-z0-9._-]: NUL, control, space, UTF-8, '/'... */
	uint16_t sni_count;       /* host_name entries in server_name */
	uint16_t sni_len;         /* bytes stored in sni, <= TLS_SNI_MAX */
	uint16_t sni_wire_len;    /* the first name's length on the wire */
	char sni[TLS_SNI_MAX + 1]; /* the first host_name, raw */

	bool has_alpn;            /* an ALPN extension was present */
	bool alpn_truncated;      /* names left out because the joined list would not fit */
	bool alpn_suspicious;     /* a name has a byte outside visible ASCII 0x21..0x7e, or a
				   * comma (which would make the joined list ambiguous) */
	uint16_t alpn_count;      /* protocol names offered, GREASE excluded */
	uint16_t alpn_len;        /* bytes in alpn, <= TLS_ALPN_MAX */
	char alpn[TLS_ALPN_MAX + 1]; /* "h2,http/1.1": whole names only, in order, GREASE
				      * left out */
	/* The same names, each as its length byte then its bytes (RFC 7301's
	 * ProtocolNameList body): a name may hold a comma, which the joined
	 * form cannot tell from the separator. One byte longer than alpn. */
	uint16_t alpn_list_len;
	char alpn_list[TLS_ALPN_MAX + 2];

	bool has_supported_versions;
	bool versions_truncated;  /* more than TLS_VERSIONS_MAX non-GREASE entries */
	uint8_t versions_count;   /* entries in versions[] */
	uint16_t versions[TLS_VERSIONS_MAX]; /* supported_versions in order, GREASE left out */

	bool ech;                 /* encrypted_client_hello (0xfe0d), see above */
	bool esni_draft;          /* draft ESNI encrypted_server_name (0xffce) */
	bool psk;                 /* pre_shared_key (41): a resumption or external PSK */
};

/*
 * Parse a client's stream: a handshake record (content type 22, version
 * 0x0300..0x0304, length 1..TLS_MAX_RECORD_LEN) whose first byte is a
 * ClientHello (type 1); the hello's bytes may continue in later handshake
 * records. The fields above are read through to the end of the extensions,
 * which must fill the hello exactly. Extensions read: server_name (0), ALPN
 * (16), supported_versions (43), pre_shared_key (41), encrypted_client_hello
 * (0xfe0d), ESNI draft (0xffce); GREASE ones (RFC 8701) and all others are
 * skipped by their length.
 *
 * TLS_NOT_TLS is decided from the first byte that rules TLS out: byte 0 not
 * 22 ("GET ", "SSH-", SSLv2's 0x80), byte 1 not 3, or byte 5 (the handshake
 * type) not 1. TLS_TOO_LONG from the 4-byte handshake header. A bad record
 * header as soon as its bytes are in. Anything inside the hello once the
 * whole hello is in; bytes after it are not looked at.
 *
 * On TLS_NEED_MORE, *need (when need is not NULL) is the stream length at
 * which to call again: always > len, and any stream shorter than it gets
 * TLS_NEED_MORE again. It is at most the end of the current record (or of
 * the next record header); the caller bounds how much it will buffer (a hello
 * of TLS_MAX_HELLO_LEN in one record needs TLS_MAX_HELLO_LEN + 9 bytes). On
 * any other outcome *need is set to 0.
 *
 * Reads only stream[0 .. len-1]; allocates nothing (it uses about 16 KiB of
 * stack to join a hello spread over records); keeps no state. On TLS_OK
 * every field of *out is set (absent things are 0, false or ""); on any other
 * outcome *out is unspecified.
 */
enum tls_status tls_parse_client_hello(const uint8_t *stream, size_t len, struct tls_client_hello *out,
				       size_t *need);

/*
 * What a server's first hello says (or the alert it sent instead). A
 * HelloRetryRequest is a ServerHello with a fixed random (RFC 8446 4.1.3):
 * it is flagged, and the real ServerHello comes later in the stream, after
 * hello_end (possibly behind a change_cipher_spec record).
 */
struct tls_server_hello {
	uint16_t record_version;  /* version in the first record header */
	uint16_t legacy_version;  /* ServerHello.legacy_version */
	uint16_t version;         /* the chosen version: supported_versions when present, else
				   * legacy_version */
	uint16_t cipher_suite;
	uint16_t records;         /* TLS records the hello was spread over */
	uint32_t hello_len;       /* handshake length, without its 4-byte header */
	size_t hello_end;         /* stream offset just past the hello's last byte */
	uint16_t extensions;      /* number of extensions */
	bool has_supported_versions;
	bool hello_retry_request;
	/* The selected ALPN protocol is in the ServerHello up to TLS 1.2 only:
	 * TLS 1.3 sends it in EncryptedExtensions, which a passive observer
	 * cannot read, so has_alpn is false for every 1.3 answer. */
	bool has_alpn;
	uint8_t alpn_len;
	char alpn[256];           /* the selected protocol, raw, NUL-terminated after alpn_len */
	uint8_t alert_level;      /* TLS_ALERT: 1 warning, 2 fatal (as sent) */
	uint8_t alert_description; /* TLS_ALERT: see tls_alert_name() */
};

/*
 * Parse a server's stream: like tls_parse_client_hello, for a ServerHello
 * (handshake type 2), with one more outcome: when the first record is an
 * alert (content type 21, version 3.x, length >= 2), TLS_ALERT with its two
 * bytes in alert_level and alert_description. ServerHello extensions read:
 * supported_versions (exactly the 2-byte selected version) and ALPN (exactly
 * one name); the others are skipped. Same contract for stream, len, need and
 * *out (on TLS_ALERT only the alert fields and record_version are set).
 */
enum tls_status tls_parse_server_hello(const uint8_t *stream, size_t len, struct tls_server_hello *out,
				       size_t *need);

/* True for the GREASE values of RFC 8701: 0x0a0a, 0x1a1a, ..., 0xfafa. */
bool tls_is_grease(uint16_t v);

/*
 * Name of a protocol version: "SSL 3.0", "TLS 1.0" .. "TLS 1.3", "TLS 1.3
 * draft 23" for 0x7f17; anything else (GREASE included) as "0x%04x". Returns
 * a constant string, or buf written with snprintf (size > 0; TLS_VERSION_NAME_MAX
 * is always enough). No static buffer: safe from any thread.
 */
const char *tls_version_name(uint16_t v, char *buf, size_t size);

/* Name of an alert description (RFC 8446 6, RFC 7301, RFC 8701...), e.g.
 * "handshake_failure"; NULL for a value with no name. */
const char *tls_alert_name(uint8_t description);

#endif
