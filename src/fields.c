/* fields.c - the one table of output fields (fields.h): every field of every record, described once. */
#include "fields.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "byhost.h"
#include "decode.h"
#include "halfopen.h"
#include "http.h"
#include "pktrec.h"
#include "record.h"
#include "tcp_seq.h"
#include "textesc.h"
#include "timeline.h"
#include "tls.h"

/* ---- reading values that are not a plain integer at an offset ---- */

#define CONN(p) ((const struct conn_record *)(p))
#define EVENT(p) ((const struct conn_event *)(p))
#define SUMMARY(p) ((const struct summary_record *)(p))

static void set_u(struct field_value *v, uint64_t u)
{
	v->known = true;
	v->u = u;
}

static void set_u_if(struct field_value *v, bool known, uint64_t u)
{
	v->known = known;
	v->u = known ? u : 0;
}

/* A string of ours, or null when s is NULL. */
static void set_name(struct field_value *v, const char *s)
{
	v->known = s != NULL;
	v->s = s;
	v->len = s ? strlen(s) : 0;
}

static void get_type_conn(const void *at, size_t i, struct field_value *v)
{
	(void)at, (void)i;
	set_name(v, "conn");
}

static void get_type_event(const void *at, size_t i, struct field_value *v)
{
	(void)at, (void)i;
	set_name(v, "event");
}

static void get_type_summary(const void *at, size_t i, struct field_value *v)
{
	(void)at, (void)i;
	set_name(v, "summary");
}

/* at: two uint64_t, first then last (ts_first_ns, ts_last_ns); a negative span is 0. */
static void get_span(const void *at, size_t i, struct field_value *v)
{
	const uint64_t *t = at;
	(void)i;
	set_u(v, t[1] >= t[0] ? t[1] - t[0] : 0);
}

/* "client", "server", "both", or NULL for -1 (lifecycle_record's side codes). */
static const char *side_name(int side)
{
	static const char *const names[3] = {"client", "server", "both"};
	return side >= 0 && side <= 2 ? names[side] : NULL;
}

static void get_side(const void *at, size_t i, struct field_value *v)
{
	(void)i;
	set_name(v, side_name(*(const int8_t *)at));
}

static void get_event_side(const void *at, size_t i, struct field_value *v)
{
	(void)i;
	set_name(v, side_name(*(const int *)at));
}

/* ---- conn ---- */

static void get_endpoint_ip(const struct endpoint *e, int ip_version, struct field_value *v)
{
	endpoint_addr_str(e, ip_version, v->text, sizeof(v->text));
	set_name(v, v->text);
}

static void get_client_ip(const void *at, size_t i, struct field_value *v)
{
	(void)i;
	get_endpoint_ip(&CONN(at)->client, CONN(at)->ip_version, v);
}

static void get_server_ip(const void *at, size_t i, struct field_value *v)
{
	(void)i;
	get_endpoint_ip(&CONN(at)->server, CONN(at)->ip_version, v);
}

static void get_end_reason(const void *at, size_t i, struct field_value *v)
{
	(void)i;
	set_name(v, end_reason_name(*(const enum end_reason *)at));
}

/* at: a const char * (lifecycle_record's state names) */
static void get_name_ptr(const void *at, size_t i, struct field_value *v)
{
	(void)i;
	set_name(v, *(const char *const *)at);
}

/* at: a NUL-terminated char array */
static void get_name_array(const void *at, size_t i, struct field_value *v)
{
	(void)i;
	set_name(v, at);
}

#define LC(p) ((const struct lifecycle_record *)(p))

static size_t count_syn_intervals(const void *rec)
{
	return CONN(rec)->lc.syn_intervals;
}

static size_t count_synack_intervals(const void *rec)
{
	return CONN(rec)->lc.synack_intervals;
}

/* at: a uint32_t array of microseconds */
static void get_us_item(const void *at, size_t i, struct field_value *v)
{
	set_u(v, ((const uint32_t *)at)[i]);
}

static void get_handshake_rtt(const void *at, size_t i, struct field_value *v)
{
	(void)i;
	set_u_if(v, LC(at)->have_syn_synack && LC(at)->have_synack_ack,
		 (uint64_t)LC(at)->syn_synack_us + LC(at)->synack_ack_us);
}

static bool client_syn_seen(const void *rec, size_t i)
{
	(void)i;
	return CONN(rec)->lc.options[0].seen;
}

static bool server_syn_seen(const void *rec, size_t i)
{
	(void)i;
	return CONN(rec)->lc.options[1].seen;
}

#define SYNOPT(p) ((const struct lc_syn_options *)(p))

static void get_wscale(const void *at, size_t i, struct field_value *v)
{
	(void)i;
	set_u_if(v, SYNOPT(at)->wscale != LC_NO_WSCALE, SYNOPT(at)->wscale);
}

#define SEQF(p) ((const struct seq_figures *)(p))

static size_t count_c2s_seq_backoff(const void *rec)
{
	return CONN(rec)->c2s_seq.backoff_n;
}

static size_t count_s2c_seq_backoff(const void *rec)
{
	return CONN(rec)->s2c_seq.backoff_n;
}

/* The RTT figures of a direction, null without samples. */
/* The mean rounded to the microsecond, without overflowing sum + n/2. */
static void get_rtt_avg(const void *at, size_t i, struct field_value *v)
{
	const struct tcp_rtt_stats *t = &SEQF(at)->rtt;
	uint64_t n = t->samples ? t->samples : 1;
	(void)i;
	set_u_if(v, t->samples > 0, t->sum_us / n + (t->sum_us % n >= n - n / 2 ? 1 : 0));
}

static uint64_t isqrt_u64(uint64_t v)
{
	if (v == 0)
		return 0;
	/* the highest power of four not above v */
	uint64_t x = 0, bit = (uint64_t)1 << ((63 - __builtin_clzll(v)) & ~1);
	while (bit != 0) {
		if (v >= x + bit) {
			v -= x + bit;
			x = (x >> 1) + bit;
		} else {
			x >>= 1;
		}
		bit >>= 2;
	}
	return x;
}

/*
 * Sample standard deviation, as tcptrace: (sum x^2 - (sum x)^2 / n) / (n - 1)
 * in us^2; double because (sum x)^2 overflows 64 bits on long captures.
 */
static void get_rtt_stddev(const void *at, size_t i, struct field_value *v)
{
	const struct tcp_rtt_stats *t = &SEQF(at)->rtt;
	double var = 0.0;
	(void)i;
	if (t->samples > 1) {
		double sum = (double)t->sum_us, n = (double)t->samples;
		var = ((double)t->sum_sq_us - sum * sum / n) / (n - 1);
	}
	set_u_if(v, t->samples > 0, isqrt_u64(var > 0.0 ? (uint64_t)(var + 0.5) : 0));
}

static void get_ts_rtt_avg(const void *at, size_t i, struct field_value *v)
{
	const struct tcp_ts_rtt *t = &SEQF(at)->ts_rtt;
	(void)i;
	set_u_if(v, t->samples > 0 && SEQF(at)->ts_avg_known,
		 t->samples ? ((uint64_t)t->sum_us + t->samples / 2) / t->samples : 0);
}

/* ---- conn: TLS and HTTP (read only when present) ---- */

static bool is_tls(const void *rec, size_t i)
{
	(void)i;
	return CONN(rec)->app && CONN(rec)->app->proto == APP_TLS;
}

static bool is_http(const void *rec, size_t i)
{
	(void)i;
	return CONN(rec)->app && CONN(rec)->app->proto == APP_HTTP;
}

#define APP(p) (*(const struct app_info *const *)(p))

static void get_app_string(const struct app_info *ai, enum app_string k, struct field_value *v)
{
	v->known = ai->str[k] != NULL;
	v->s = ai->str[k];
	v->len = ai->str[k] ? ai->len[k] : 0;
}

static void get_sni(const void *at, size_t i, struct field_value *v)
{
	(void)i;
	get_app_string(APP(at), APP_SNI, v);
}

static void get_alpn_chosen(const void *at, size_t i, struct field_value *v)
{
	(void)i;
	get_app_string(APP(at), APP_ALPN_CHOSEN, v);
}

static void get_http_host(const void *at, size_t i, struct field_value *v)
{
	(void)i;
	get_app_string(APP(at), APP_HTTP_HOST, v);
}

static void get_http_path(const void *at, size_t i, struct field_value *v)
{
	(void)i;
	get_app_string(APP(at), APP_HTTP_PATH, v);
}

static size_t count_alpn(const void *rec)
{
	const char *name;
	size_t len, pos = 0, n = 0;
	while (app_alpn_next(CONN(rec)->app, &pos, &name, &len))
		n++;
	return n;
}

/* The i-th offered ALPN name (a list has a few: walked from the start). */
static void get_alpn_item(const void *at, size_t i, struct field_value *v)
{
	size_t pos = 0;
	for (size_t k = 0; k <= i; k++) {
		if (!app_alpn_next(APP(at), &pos, &v->s, &v->len)) {
			set_name(v, NULL);
			return;
		}
	}
	v->known = true;
}

static size_t count_versions(const void *rec)
{
	return CONN(rec)->app->versions_count;
}

static void get_version_item(const void *at, size_t i, struct field_value *v)
{
	set_name(v, tls_version_name(APP(at)->versions[i], v->text, sizeof(v->text)));
}

static void get_version_chosen(const void *at, size_t i, struct field_value *v)
{
	(void)i;
	set_name(v, APP(at)->server_hello ? tls_version_name(APP(at)->version_chosen, v->text, sizeof(v->text)) : NULL);
}

static void get_tls_ech(const void *at, size_t i, struct field_value *v)
{
	(void)i;
	set_u(v, APP(at)->ech);
}

static void get_tls_psk(const void *at, size_t i, struct field_value *v)
{
	(void)i;
	set_u(v, APP(at)->psk);
}

static void get_http_method(const void *at, size_t i, struct field_value *v)
{
	(void)i;
	set_name(v, http_method_name((enum http_method)APP(at)->method));
}

static void get_http_status(const void *at, size_t i, struct field_value *v)
{
	(void)i;
	set_u_if(v, APP(at)->status != 0, APP(at)->status);
}

static size_t count_diagnoses(const void *rec)
{
	return (size_t)CONN(rec)->lc.ndiag;
}

static void get_diagnosis(const void *at, size_t i, struct field_value *v)
{
	set_name(v, LC(at)->diag[i]);
}

/* ---- event ---- */

static void get_event_name(const void *at, size_t i, struct field_value *v)
{
	static const char *const names[] = {[EVENT_STATE] = "state", [EVENT_RST] = "rst", [EVENT_SEQ] = "analysis"};
	enum conn_event_kind k = *(const enum conn_event_kind *)at;
	(void)i;
	set_name(v, (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] : NULL);
}

static bool is_state_event(const void *rec, size_t i)
{
	(void)i;
	return EVENT(rec)->kind == EVENT_STATE;
}

static bool is_rst_event(const void *rec, size_t i)
{
	(void)i;
	return EVENT(rec)->kind == EVENT_RST;
}

static bool is_seq_event(const void *rec, size_t i)
{
	(void)i;
	return EVENT(rec)->kind == EVENT_SEQ;
}

static void get_tcp_state(const void *at, size_t i, struct field_value *v)
{
	(void)i;
	set_name(v, tcp_state_name(*(const enum tcp_state *)at));
}

/* The flags' bits with a name, lowest first. */
static size_t count_kinds(const void *rec)
{
	size_t n = 0;
	for (uint32_t bit = 1; bit != 0; bit <<= 1)
		n += (EVENT(rec)->seq_bits & bit) && tcp_seq_flag_name(bit);
	return n;
}

static void get_kind_item(const void *at, size_t i, struct field_value *v)
{
	uint32_t bits = *(const uint32_t *)at;
	for (uint32_t bit = 1; bit != 0; bit <<= 1) {
		if ((bits & bit) && tcp_seq_flag_name(bit) && i-- == 0) {
			set_name(v, tcp_seq_flag_name(bit));
			return;
		}
	}
	set_name(v, NULL);
}

/* ---- summary ---- */

/* The summary lists every error outcome of decode.h in enum order, zeros included. */
static const char *decode_error_key(int k)
{
	return decode_status_is_error((enum decode_status)k) ? decode_status_name((enum decode_status)k) : NULL;
}

/* A parse that never got all its bytes is "incomplete" in every output. */
static const char *tls_outcome_key(int k)
{
	return k == TLS_NEED_MORE ? "incomplete" : tls_status_name((enum tls_status)k);
}

static const char *http_outcome_key(int k)
{
	return k == HTTP_NEED_MORE ? "incomplete" : http_status_name((enum http_status)k);
}

static const char *end_reason_key(int k)
{
	return end_reason_name((enum end_reason)k);
}

/* at: a uint64_t array indexed by the map's keys */
static void get_u64_item(const void *at, size_t i, struct field_value *v)
{
	set_u(v, ((const uint64_t *)at)[i]);
}

static size_t count_half_open(const void *rec)
{
	return SUMMARY(rec)->half_open_servers;
}

#define HALF_OPEN(at, i) (&(*(const struct halfopen_server *const *)(at))[i])

static void get_half_open_ip(const void *at, size_t i, struct field_value *v)
{
	get_endpoint_ip(&HALF_OPEN(at, i)->server, HALF_OPEN(at, i)->ip_version, v);
}

static void get_half_open_port(const void *at, size_t i, struct field_value *v)
{
	set_u(v, HALF_OPEN(at, i)->server.port);
}

static void get_half_open_count(const void *at, size_t i, struct field_value *v)
{
	set_u(v, HALF_OPEN(at, i)->half_open);
}

static void get_half_open_sources(const void *at, size_t i, struct field_value *v)
{
	set_u(v, HALF_OPEN(at, i)->sources);
}

static void get_half_open_sources_capped(const void *at, size_t i, struct field_value *v)
{
	set_u(v, HALF_OPEN(at, i)->sources_capped);
}

static void get_half_open_capped(const void *at, size_t i, struct field_value *v)
{
	set_u(v, HALF_OPEN(at, i)->half_open_capped);
}

static void get_half_open_flood(const void *at, size_t i, struct field_value *v)
{
	set_u(v, HALF_OPEN(at, i)->flood);
}

static bool half_open_capped(const void *rec, size_t i)
{
	return SUMMARY(rec)->half_open[i].half_open_capped;
}

static bool some_omitted(const void *rec, size_t i)
{
	(void)i;
	return SUMMARY(rec)->half_open_omitted_servers != 0;
}

static bool is_live(const void *rec, size_t i)
{
	(void)i;
	return SUMMARY(rec)->live;
}

static bool have_pcap_stats(const void *rec, size_t i)
{
	(void)i;
	return SUMMARY(rec)->have_pcap_stats;
}

static bool was_interrupted(const void *rec, size_t i)
{
	(void)i;
	return SUMMARY(rec)->interrupted_by != 0;
}

static void get_true(const void *at, size_t i, struct field_value *v)
{
	(void)at, (void)i;
	set_u(v, 1);
}

static bool have_clock_faults(const void *rec, size_t i)
{
	(void)i;
	return SUMMARY(rec)->clock_faults != 0;
}

static bool have_over_budget(const void *rec, size_t i)
{
	(void)i;
	return SUMMARY(rec)->app.over_budget != 0;
}

static bool have_warning(const void *rec, size_t i)
{
	(void)i;
	return SUMMARY(rec)->input_warning != NULL;
}

/* ---- packet (the timeline) ---- */

#define PKT(p) ((const struct packet_record *)(p))

static void get_type_packet(const void *at, size_t i, struct field_value *v)
{
	(void)at, (void)i;
	set_name(v, "packet");
}

/* at: an int64_t of nanoseconds, which may be negative */
static void get_signed_time(const void *at, size_t i, struct field_value *v)
{
	int64_t ns = *(const int64_t *)at;
	(void)i;
	set_u(v, ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns);
	v->negative = ns < 0;
}

static void get_dir(const void *at, size_t i, struct field_value *v)
{
	(void)i;
	set_name(v, *(const int *)at == 0 ? "c2s" : "s2c");
}

static size_t count_tcp_flags(const void *rec)
{
	const char *names[TIMELINE_FLAGS_MAX];
	return timeline_flag_names(PKT(rec)->tcp_flags, names);
}

static void get_tcp_flag_item(const void *at, size_t i, struct field_value *v)
{
	const char *names[TIMELINE_FLAGS_MAX];
	size_t n = timeline_flag_names(*(const uint16_t *)at, names);
	set_name(v, i < n ? names[i] : NULL);
}

static size_t count_sack(const void *rec)
{
	return PKT(rec)->sack_count < PKTREC_SACK_MAX ? PKT(rec)->sack_count : PKTREC_SACK_MAX;
}

/* at: the struct pktrec_sack array */
static void get_sack_item(const void *at, size_t i, struct field_value *v)
{
	const struct pktrec_sack *b = (const struct pktrec_sack *)at + i;
	set_u(v, b->left_rel);
	v->u_end = b->right_rel;
}

/* The analysis bits that name what the segment was (the RTT sample bits are the rtt_ms field). */
static size_t count_analysis(const void *rec)
{
	size_t n = 0;
	uint32_t bits = PKT(rec)->seq_bits & ~(uint32_t)TCP_SEQ_SAMPLE_BITS;
	for (uint32_t bit = 1; bit != 0; bit <<= 1)
		n += (bits & bit) && tcp_seq_flag_name(bit);
	return n;
}

static void get_analysis_item(const void *at, size_t i, struct field_value *v)
{
	uint32_t bits = *(const uint32_t *)at & ~(uint32_t)TCP_SEQ_SAMPLE_BITS;
	get_kind_item(&bits, i, v);
}

/* at: the record */
static void get_rtt_sample(const void *at, size_t i, struct field_value *v)
{
	(void)i;
	set_u_if(v, (PKT(at)->seq_bits & TCP_SEQ_RTT_SAMPLE) != 0, PKT(at)->rtt_sample_us);
}

/* at: a const char * from the wire, NUL-terminated, or NULL */
static void get_wire_ptr(const void *at, size_t i, struct field_value *v)
{
	const char *s = *(const char *const *)at;
	(void)i;
	v->known = s != NULL;
	v->s = s;
	v->len = s ? strlen(s) : 0;
}

/* ---- server and client (--by) ---- */

#define GROUP(p) ((const struct byhost_group *)(p))

static void get_type_server(const void *at, size_t i, struct field_value *v)
{
	(void)at, (void)i;
	set_name(v, "server");
}

static void get_type_client(const void *at, size_t i, struct field_value *v)
{
	(void)at, (void)i;
	set_name(v, "client");
}

/* A group past BYHOST_GROUPS_MAX has no host of its own: null. */
static bool group_has_host(const void *rec, size_t i)
{
	(void)i;
	return !GROUP(rec)->rest;
}

/* at: the group */
static void get_group_ip(const void *at, size_t i, struct field_value *v)
{
	(void)i;
	get_endpoint_ip(&GROUP(at)->host, GROUP(at)->ip_version, v);
}

static size_t count_group_names(const void *rec)
{
	return GROUP(rec)->nnames;
}

/* at: the group */
static void get_group_name(const void *at, size_t i, struct field_value *v)
{
	const struct byhost_name *n = &GROUP(at)->names[i];
	v->known = true;
	v->s = n->name;
	v->len = n->len;
}

static void get_group_name_connections(const void *at, size_t i, struct field_value *v)
{
	set_u(v, GROUP(at)->names[i].connections);
}

/* The CSV cell's item: "name (connections)", the name escaped as text (CSV quoting is the writer's). */
static void get_group_name_cell(const void *at, size_t i, struct field_value *v)
{
	const struct byhost_name *n = &GROUP(at)->names[i];
	size_t used, len = text_escape(v->text, sizeof(v->text) - 24, n->name, n->len, false, &used);
	len += (size_t)snprintf(v->text + len, sizeof(v->text) - len, " (%" PRIu64 ")", n->connections);
	v->known = true;
	v->s = v->text;
	v->len = len;
}

static void get_percentile(const struct byhost_values *vals, unsigned p, struct field_value *v)
{
	uint32_t us;
	bool known = byhost_percentile(vals, p, &us);
	set_u_if(v, known, us);
}

#define PERCENTILE_GETTER(fn, p) \
	static void fn(const void *at, size_t i, struct field_value *v) \
	{ \
		(void)i; \
		get_percentile(at, p, v); \
	}
PERCENTILE_GETTER(get_p50, 50)
PERCENTILE_GETTER(get_p90, 90)
PERCENTILE_GETTER(get_p99, 99)
PERCENTILE_GETTER(get_p100, 100)

/* retransmitted_bytes / payload_bytes in millionths, rounded half up; null without payload. at: the group */
static void get_retx_share(const void *at, size_t i, struct field_value *v)
{
	uint64_t part = GROUP(at)->retransmitted_bytes, whole = GROUP(at)->payload_bytes;
	(void)i;
	set_u_if(v, whole > 0, whole ? (uint64_t)(((unsigned __int128)part * 1000000u + whole / 2) / whole) : 0);
}

/* ---- the table ---- */

/* A plain unsigned integer or bool member of record type T. */
#define AT(T, m) .off = offsetof(T, m), .size = sizeof(((T *)0)->m)
/* A member read by a getter, handed its address. */
#define BY(T, m, fn) .off = offsetof(T, m), .get = fn

/* A plain unsigned integer member of T, null when the member g is 0. */
#define AT_IF(T, m, g) AT(T, m), .known_off = offsetof(T, g), .known_size = sizeof(((T *)0)->g)

#define C_AT(m) AT(struct conn_record, m)
#define C_IF(m, g) AT_IF(struct conn_record, m, g)
#define C_BY(m, fn) BY(struct conn_record, m, fn)
#define E_AT(m) AT(struct conn_event, m)
#define E_BY(m, fn) BY(struct conn_event, m, fn)
#define S_AT(m) AT(struct summary_record, m)
#define S_BY(m, fn) BY(struct summary_record, m, fn)
#define P_AT(m) AT(struct packet_record, m)
#define P_BY(m, fn) BY(struct packet_record, m, fn)
#define G_AT(m) AT(struct byhost_group, m)
#define G_BY(m, fn) BY(struct byhost_group, m, fn)

/* A record's figures of one group of --by server|client (K: FIELD_SERVER or FIELD_CLIENT), after its host. */
#define GROUP_FIGURES(K)                                                                                               \
	{K, "names", "names", CSV_HEAD, FIELD_OBJECT_LIST, FIELD_NAME, .get = get_group_name_cell,                    \
	 .count = count_group_names, .csv_sep = "; ",                                                                  \
	 .meaning = "TLS SNI (else HTTP Host) of the connections, most frequent first, the first 4 distinct names seen " \
		    "(CSV: \"name (connections); ...\")"},                                                           \
	{K, "names.name", NULL, 0, FIELD_WIRE, .meaning = "the name", .get = get_group_name},                          \
	{K, "names.connections", NULL, 0, FIELD_COUNT, .unit = "connections", .meaning = "connections with that name", \
	 .get = get_group_name_connections},                                                                            \
	{K, "names_other", "names_other", CSV_HEAD, FIELD_COUNT, .unit = "connections",                               \
	 .meaning = "connections with a name beyond the 4 counted", G_AT(names_other)},                               \
	{K, "connections", "connections", CSV_HEAD, FIELD_COUNT, .unit = "connections",                               \
	 .meaning = "connection records of this host", G_AT(connections)},                                            \
	{K, "refused", "refused", CSV_HEAD, FIELD_COUNT, .unit = "connections",                                       \
	 .meaning = "the server answered the SYN with a RST (Zeek REJ, no SYN-ACK)", G_AT(refused)},                  \
	{K, "unanswered", "unanswered", CSV_HEAD, FIELD_COUNT, .unit = "connections",                                 \
	 .meaning = "the client sent SYNs and the server nothing", G_AT(unanswered)},                                 \
	{K, "reset", "reset", CSV_HEAD, FIELD_COUNT, .unit = "connections",                                           \
	 .meaning = "ended by a RST (end_reason reset), refused ones left out", G_AT(reset)},                         \
	{K, "syn_retries", "syn_retries", CSV_HEAD, FIELD_COUNT, .unit = "SYNs",                                      \
	 .meaning = "client SYNs beyond the first of each connection", G_AT(syn_retries)},                            \
	{K, "handshake_rtt_samples", "handshake_rtt_samples", CSV_HEAD, FIELD_COUNT, .unit = "connections",           \
	 .meaning = "connections whose whole handshake was seen", G_AT(handshake.n)},                                 \
	{K, "handshake_rtt_p50_ms", "handshake_rtt_p50_ms", CSV_HEAD, FIELD_MILLI, .unit = "ms",                      \
	 .flags = FIELD_NULLABLE, G_BY(handshake, get_p50),                                                            \
	 .meaning = "handshake RTT (SYN -> SYN-ACK -> ACK), nearest-rank median over the connections"},               \
	{K, "handshake_rtt_p90_ms", "handshake_rtt_p90_ms", CSV_HEAD, FIELD_MILLI, .unit = "ms",                      \
	 .flags = FIELD_NULLABLE, .meaning = "handshake RTT, nearest-rank 90th percentile", G_BY(handshake, get_p90)}, \
	{K, "handshake_rtt_p99_ms", "handshake_rtt_p99_ms", CSV_HEAD, FIELD_MILLI, .unit = "ms",                      \
	 .flags = FIELD_NULLABLE, .meaning = "handshake RTT, nearest-rank 99th percentile", G_BY(handshake, get_p99)}, \
	{K, "handshake_rtt_max_ms", "handshake_rtt_max_ms", CSV_HEAD, FIELD_MILLI, .unit = "ms",                      \
	 .flags = FIELD_NULLABLE, .meaning = "handshake RTT, the largest", G_BY(handshake, get_p100)},                \
	{K, "data_rtt_samples", "data_rtt_samples", CSV_HEAD, FIELD_COUNT, .unit = "connections",                     \
	 .meaning = "connections with data RTT samples", G_AT(data.n)},                                               \
	{K, "data_rtt_p50_ms", "data_rtt_p50_ms", CSV_HEAD, FIELD_MILLI, .unit = "ms", .flags = FIELD_NULLABLE,       \
	 .meaning = "data RTT of a connection (mean RTT of the client's data plus mean RTT of the server's data), "    \
		    "nearest-rank median over the connections", G_BY(data, get_p50)},                                   \
	{K, "data_rtt_p99_ms", "data_rtt_p99_ms", CSV_HEAD, FIELD_MILLI, .unit = "ms", .flags = FIELD_NULLABLE,       \
	 .meaning = "data RTT, nearest-rank 99th percentile", G_BY(data, get_p99)},                                   \
	{K, "c2s_bytes", "c2s_bytes", CSV_HEAD, FIELD_COUNT, .unit = "bytes",                                         \
	 .meaning = "frame bytes on the wire from the clients", G_AT(bytes[0])},                                      \
	{K, "s2c_bytes", "s2c_bytes", CSV_HEAD, FIELD_COUNT, .unit = "bytes",                                         \
	 .meaning = "frame bytes on the wire from the servers", G_AT(bytes[1])},                                      \
	{K, "payload_bytes", "payload_bytes", CSV_HEAD, FIELD_COUNT, .unit = "bytes", .meaning = "TCP payload both ways", \
	 G_AT(payload_bytes)},                                                                                          \
	{K, "retransmitted_bytes", "retransmitted_bytes", CSV_HEAD, FIELD_COUNT, .unit = "bytes",                     \
	 .meaning = "payload of the retransmitted segments, both ways", G_AT(retransmitted_bytes)},                   \
	{K, "retx_share", "retx_share", CSV_HEAD, FIELD_MICRO, .unit = "fraction", .flags = FIELD_NULLABLE,           \
	 .meaning = "retransmitted_bytes / payload_bytes (null without payload)", .get = get_retx_share},            \
	{K, "c2s_zero_window_time", "c2s_zero_window_time", CSV_HEAD, FIELD_MILLI, .unit = "s",                       \
	 .meaning = "time the clients advertised a zero window, summed", G_AT(zero_window_ms[0])},                    \
	{K, "s2c_zero_window_time", "s2c_zero_window_time", CSV_HEAD, FIELD_MILLI, .unit = "s",                       \
	 .meaning = "time the servers advertised a zero window, summed", G_AT(zero_window_ms[1])}

#define K FIELD_CONN

/* A sequence counter of one direction (record.h: enum seq_counter; its JSON key is seq_counter_name). */
#define SEQ_COUNTER(D, FIG, BLOCK, NAME, IDX, MEANING)                                                         \
	{K, D "." NAME, D "_" NAME, BLOCK, FIELD_COUNT, .unit = "packets", .meaning = MEANING,                   \
	 C_AT(FIG.counts[IDX])}

/* Everything one direction (D: "c2s" or "s2c") sent: its volume, its FIN/RST, its sequence analysis. */
#define DIRECTION(D, STATS, FIG, SIDE, BLOCK, WHO)                                                                       \
	{K, D, NULL, 0, FIELD_OBJECT, .meaning = "what the " WHO " sent"},                                               \
	{K, D ".packets", D "_packets", CSV_VOLUME, FIELD_COUNT, .unit = "packets", .meaning = "packets sent",           \
	 C_AT(STATS.packets)},                                                                                           \
	{K, D ".bytes", D "_bytes", CSV_VOLUME, FIELD_COUNT, .unit = "bytes",                                           \
	 .meaning = "frame lengths on the wire (the pcap record's original length), summed", C_AT(STATS.bytes)},       \
	{K, D ".payload_bytes", D "_payload_bytes", CSV_VOLUME, FIELD_COUNT, .unit = "bytes",                           \
	 .meaning = "TCP payload from the IP header lengths, summed (right even when the snaplen cut the frame)",       \
	 C_AT(STATS.payload_bytes)},                                                                                     \
	{K, D ".fin", D "_fin", CSV_FIN_RST, FIELD_COUNT, .unit = "packets", .meaning = "segments with FIN",           \
	 C_AT(lc.fin[SIDE])},                                                                                            \
	{K, D ".rst", D "_rst", CSV_FIN_RST, FIELD_COUNT, .unit = "packets", .meaning = "segments with RST",           \
	 C_AT(lc.rst[SIDE])},                                                                                            \
	{K, D ".rst_ignored", D "_rst_ignored", CSV_FIN_RST, FIELD_COUNT, .unit = "packets",                            \
	 .meaning = "RSTs outside the receiver's window, which a stack drops", C_AT(lc.rst_ignored[SIDE])},             \
	{K, D ".rst_suspect_ttl", NULL, 0, FIELD_COUNT, .unit = "packets",                                              \
	 .meaning = "RSTs whose TTL or hop limit differs from the sender's other packets: possibly injected",           \
	 C_AT(lc.rst_suspect_ttl[SIDE])},                                                                                \
	SEQ_COUNTER(D, FIG, BLOCK, "retransmissions", SEQ_RETRANSMISSIONS,                                              \
		    "retransmissions of every kind, each packet once (Wireshark's retransmission flags)"),              \
	SEQ_COUNTER(D, FIG, BLOCK, "fast_retransmissions", SEQ_FAST_RETRANSMISSIONS,                                    \
		    "resends asked for by duplicate ACKs or SACK holes, before the RTO"),                               \
	SEQ_COUNTER(D, FIG, BLOCK, "timeout_retransmissions", SEQ_TIMEOUT_RETRANSMISSIONS,                              \
		    "resends after a silence of at least the RTO estimate"),                                            \
	SEQ_COUNTER(D, FIG, BLOCK, "spurious_retransmissions", SEQ_SPURIOUS_RETRANSMISSIONS,                            \
		    "resends of data already received (ACK, D-SACK or Eifel)"),                                         \
	SEQ_COUNTER(D, FIG, BLOCK, "tlp_retransmissions", SEQ_TLP_RETRANSMISSIONS,                                      \
		    "tail-loss probes: the last segment resent before the RTO"),                                        \
	SEQ_COUNTER(D, FIG, BLOCK, "out_of_order", SEQ_OUT_OF_ORDER,                                                    \
		    "segments below the highest sequence sent, soon after it, not resends"),                            \
	SEQ_COUNTER(D, FIG, BLOCK, "not_captured", SEQ_NOT_CAPTURED,                                                    \
		    "segments past the highest sequence seen: something before them is not in the capture"),            \
	SEQ_COUNTER(D, FIG, BLOCK, "acked_unseen", SEQ_ACKED_UNSEEN,                                                    \
		    "ACKs of peer data the capture never showed (once per hole)"),                                      \
	SEQ_COUNTER(D, FIG, BLOCK, "dup_acks", SEQ_DUP_ACKS, "duplicate ACKs"),                                         \
	SEQ_COUNTER(D, FIG, BLOCK, "sack_blocks", SEQ_SACK_BLOCKS, "SACK blocks carried"),                              \
	SEQ_COUNTER(D, FIG, BLOCK, "dsack_blocks", SEQ_DSACK_BLOCKS, "D-SACK blocks among them"),                       \
	SEQ_COUNTER(D, FIG, BLOCK, "zero_windows", SEQ_ZERO_WINDOWS, "segments advertising a zero window"),             \
	SEQ_COUNTER(D, FIG, BLOCK, "zero_window_probes", SEQ_ZERO_WINDOW_PROBES,                                        \
		    "probes of a peer whose window was zero"),                                                          \
	SEQ_COUNTER(D, FIG, BLOCK, "window_full", SEQ_WINDOW_FULL, "data reaching the right edge of the peer's window"), \
	SEQ_COUNTER(D, FIG, BLOCK, "window_updates", SEQ_WINDOW_UPDATES, "pure window updates"),                        \
	SEQ_COUNTER(D, FIG, BLOCK, "keepalives", SEQ_KEEPALIVES, "keep-alives"),                                        \
	SEQ_COUNTER(D, FIG, BLOCK, "keepalive_acks", SEQ_KEEPALIVE_ACKS, "answers to the peer's keep-alives"),          \
	{K, D ".retransmitted_bytes", D "_retransmitted_bytes", BLOCK, FIELD_COUNT, .unit = "bytes",                    \
	 .meaning = "TCP payload of the segments counted in retransmissions", C_AT(FIG.retransmitted_bytes)},           \
	{K, D ".zero_window_time", D "_zero_window_time", BLOCK, FIELD_MILLI, .unit = "s",                              \
	 .meaning = "time this side advertised a zero window", C_AT(FIG.zero_window_ms)},                               \
	{K, D ".win_min", D "_win_min", BLOCK, FIELD_COUNT, .unit = "bytes", .flags = FIELD_NULLABLE,                   \
	 .meaning = "smallest advertised window, scaled; null when the scale is unknown", C_IF(FIG.win_min, FIG.win_known)},      \
	{K, D ".win_max", D "_win_max", BLOCK, FIELD_COUNT, .unit = "bytes", .flags = FIELD_NULLABLE,                   \
	 .meaning = "largest advertised window, scaled; null when the scale is unknown", C_IF(FIG.win_max, FIG.win_known)},       \
	{K, D ".max_in_flight", D "_max_in_flight", BLOCK, FIELD_COUNT, .unit = "bytes",                                \
	 .meaning = "most bytes sent and not yet acknowledged", C_AT(FIG.max_in_flight)},                               \
	{K, D ".timeout_backoff_ms", D "_timeout_backoff_ms", BLOCK, FIELD_LIST, FIELD_MILLI, .unit = "ms",             \
	 .meaning = "the longest run of timeout resends of one segment: the silence before each",                      \
	 C_BY(FIG.backoff_us, get_us_item), .count = count_##FIG##_backoff, .csv_sep = ";"},                             \
	{K, D ".rtt", NULL, 0, FIELD_OBJECT, .meaning = "round-trip time of this side's data (data/ACK pairs, Karn's rule)"}, \
	{K, D ".rtt.samples", D "_rtt_samples", BLOCK, FIELD_COUNT, .unit = "samples", .meaning = "RTT samples",       \
	 C_AT(FIG.rtt.samples)},                                                                                         \
	{K, D ".rtt.min_ms", D "_rtt_min_ms", BLOCK, FIELD_MILLI, .unit = "ms", .flags = FIELD_NULLABLE,               \
	 .meaning = "smallest sample; null without samples", C_IF(FIG.rtt.min_us, FIG.rtt.samples)},                                   \
	{K, D ".rtt.avg_ms", D "_rtt_avg_ms", BLOCK, FIELD_MILLI, .unit = "ms", .flags = FIELD_NULLABLE,               \
	 .meaning = "mean of the samples", C_BY(FIG, get_rtt_avg)},                                                     \
	{K, D ".rtt.max_ms", D "_rtt_max_ms", BLOCK, FIELD_MILLI, .unit = "ms", .flags = FIELD_NULLABLE,               \
	 .meaning = "largest sample", C_IF(FIG.rtt.max_us, FIG.rtt.samples)},                                                          \
	{K, D ".rtt.stddev_ms", D "_rtt_stddev_ms", BLOCK, FIELD_MILLI, .unit = "ms", .flags = FIELD_NULLABLE,         \
	 .meaning = "sample standard deviation, as tcptrace's", C_BY(FIG, get_rtt_stddev)},                             \
	{K, D ".rtt.srtt_ms", D "_rtt_srtt_ms", BLOCK, FIELD_MILLI, .unit = "ms", .flags = FIELD_NULLABLE,             \
	 .meaning = "smoothed RTT at the end (RFC 6298)", C_IF(FIG.rtt.srtt_us, FIG.rtt.samples)},                                         \
	{K, D ".rtt.rttvar_ms", D "_rtt_rttvar_ms", BLOCK, FIELD_MILLI, .unit = "ms", .flags = FIELD_NULLABLE,         \
	 .meaning = "RTT variation at the end (RFC 6298)", C_IF(FIG.rtt.rttvar_us, FIG.rtt.samples)},                                      \
	{K, D ".rtt.rto_ms", D "_rtt_rto_ms", BLOCK, FIELD_MILLI, .unit = "ms", .flags = FIELD_NULLABLE,               \
	 .meaning = "retransmission timeout from them (RFC 6298, at least 1 s)", C_IF(FIG.rto_us, FIG.rtt.samples)},                   \
	{K, D ".rtt_ts", NULL, 0, FIELD_OBJECT, .meaning = "round-trip time from TCP timestamps (RFC 7323)"},           \
	{K, D ".rtt_ts.samples", D "_rtt_ts_samples", BLOCK, FIELD_COUNT, .unit = "samples",                           \
	 .meaning = "timestamp echoes timed", C_AT(FIG.ts_rtt.samples)},                                                 \
	{K, D ".rtt_ts.min_ms", D "_rtt_ts_min_ms", BLOCK, FIELD_MILLI, .unit = "ms", .flags = FIELD_NULLABLE,         \
	 .meaning = "smallest sample; null without samples", C_IF(FIG.ts_rtt.min_us, FIG.ts_rtt.samples)},                                \
	{K, D ".rtt_ts.avg_ms", D "_rtt_ts_avg_ms", BLOCK, FIELD_MILLI, .unit = "ms", .flags = FIELD_NULLABLE,         \
	 .meaning = "mean; null without samples or once they add up past 71 minutes", C_BY(FIG, get_ts_rtt_avg)},       \
	{K, D ".rtt_ts.max_ms", D "_rtt_ts_max_ms", BLOCK, FIELD_MILLI, .unit = "ms", .flags = FIELD_NULLABLE,         \
	 .meaning = "largest sample", C_IF(FIG.ts_rtt.max_us, FIG.ts_rtt.samples)}

/* The options of one side's SYN or SYN-ACK (P: "handshake.client"), null when it was not captured. */
#define SYN_OPTIONS(P, SIDE, PRESENT, WHO)                                                                     \
	{K, P, NULL, 0, FIELD_OBJECT, .flags = FIELD_ABSENT_NULL | FIELD_NULLABLE, .present = PRESENT,          \
	 .meaning = "options of the " WHO "; null when it was not captured"},                                      \
	{K, P ".mss", NULL, 0, FIELD_COUNT, .unit = "bytes", .flags = FIELD_NULLABLE,                            \
	 .meaning = "maximum segment size offered; null when absent", C_IF(lc.options[SIDE].mss, lc.options[SIDE].has_mss)},          \
	{K, P ".wscale", NULL, 0, FIELD_COUNT, .flags = FIELD_NULLABLE,                                         \
	 .meaning = "window scale shift offered; null when absent", C_BY(lc.options[SIDE], get_wscale)},         \
	{K, P ".sack_permitted", NULL, 0, FIELD_BOOL, .meaning = "SACK permitted offered",                      \
	 C_AT(lc.options[SIDE].sack_permitted)},                                                                  \
	{K, P ".timestamps", NULL, 0, FIELD_BOOL, .meaning = "TCP timestamps offered",                          \
	 C_AT(lc.options[SIDE].timestamps)},                                                                      \
	{K, P ".tfo", NULL, 0, FIELD_BOOL, .meaning = "TCP Fast Open option present", C_AT(lc.options[SIDE].tfo)}

static const struct field field_table[] = {
	/* ---- "type":"conn": one connection ---- */
	{K, "type", NULL, 0, FIELD_NAME, .meaning = "\"conn\"", .get = get_type_conn},
	{K, "id", "id", CSV_HEAD, FIELD_COUNT, .meaning = "1, 2, ... in order of each connection's first packet", C_AT(id)},
	{K, "ts_first", "ts_first", CSV_HEAD, FIELD_TIME, .unit = "s", .meaning = "time of the first packet (since the epoch)",
	 C_AT(ts_first_ns)},
	{K, "ts_last", "ts_last", CSV_HEAD, FIELD_TIME, .unit = "s", .meaning = "time of the last packet", C_AT(ts_last_ns)},
	{K, "duration", "duration", CSV_HEAD, FIELD_TIME, .unit = "s",
	 .meaning = "ts_last minus ts_first (0 if the timestamps went backwards)", C_BY(ts_first_ns, get_span)},
	{K, "ip_version", "ip_version", CSV_HEAD, FIELD_COUNT, .meaning = "4 or 6", C_AT(ip_version)},
	{K, "client", NULL, 0, FIELD_OBJECT, .meaning = "the endpoint that sent the first SYN (or was inferred)"},
	{K, "client.ip", "client_ip", CSV_HEAD, FIELD_NAME, .meaning = "address (dotted quad or RFC 5952)",
	 .get = get_client_ip},
	{K, "client.port", "client_port", CSV_HEAD, FIELD_COUNT, .meaning = "TCP port", C_AT(client.port)},
	{K, "server", NULL, 0, FIELD_OBJECT, .meaning = "the other endpoint"},
	{K, "server.ip", "server_ip", CSV_HEAD, FIELD_NAME, .meaning = "address (dotted quad or RFC 5952)",
	 .get = get_server_ip},
	{K, "server.port", "server_port", CSV_HEAD, FIELD_COUNT, .meaning = "TCP port", C_AT(server.port)},
	{K, "direction_inferred", "direction_inferred", CSV_HEAD, FIELD_BOOL,
	 .meaning = "no SYN nor SYN-ACK seen: the client was guessed from the ports", C_AT(direction_inferred)},
	{K, "end_reason", "end_reason", CSV_HEAD, FIELD_NAME,
	 .meaning = "why the record was written: closed, reset, timeout, evicted, end_of_input, reused",
	 C_BY(end_reason, get_end_reason)},
	{K, "state", "state", CSV_LIFECYCLE, FIELD_NAME, .meaning = "Zeek's conn_state (S0, S1, SF, REJ, ...)",
	 C_BY(lc.state, get_name_ptr)},
	{K, "history", "history", CSV_LIFECYCLE, FIELD_NAME, .meaning = "Zeek's history letters, upper case for the client",
	 C_BY(lc.history, get_name_array)},
	{K, "client_state", "client_state", CSV_LIFECYCLE, FIELD_NAME,
	 .meaning = "the client's RFC 793 state at its last packet", C_BY(lc.client_state, get_name_ptr)},
	{K, "server_state", "server_state", CSV_LIFECYCLE, FIELD_NAME,
	 .meaning = "the server's RFC 793 state at its last packet", C_BY(lc.server_state, get_name_ptr)},
	{K, "handshake", NULL, 0, FIELD_OBJECT, .meaning = "the three-way handshake"},
	{K, "handshake.syn_count", "syn_count", CSV_LIFECYCLE, FIELD_COUNT, .unit = "packets",
	 .meaning = "SYNs from the client, retries included", C_AT(lc.syn_count)},
	{K, "handshake.synack_count", "synack_count", CSV_LIFECYCLE, FIELD_COUNT, .unit = "packets",
	 .meaning = "SYN-ACKs from the server, retries included", C_AT(lc.synack_count)},
	{K, "handshake.syn_retry_intervals_ms", NULL, 0, FIELD_LIST, FIELD_MILLI, .unit = "ms",
	 .meaning = "gaps between the client's SYNs", C_BY(lc.syn_interval_us, get_us_item), .count = count_syn_intervals},
	{K, "handshake.synack_retry_intervals_ms", NULL, 0, FIELD_LIST, FIELD_MILLI, .unit = "ms",
	 .meaning = "gaps between the server's SYN-ACKs", C_BY(lc.synack_interval_us, get_us_item),
	 .count = count_synack_intervals},
	{K, "handshake.syn_synack_ms", "syn_synack_ms", CSV_LIFECYCLE, FIELD_MILLI, .unit = "ms", .flags = FIELD_NULLABLE,
	 .meaning = "last SYN before the first SYN-ACK to that SYN-ACK", C_IF(lc.syn_synack_us, lc.have_syn_synack)},
	{K, "handshake.synack_ack_ms", "synack_ack_ms", CSV_LIFECYCLE, FIELD_MILLI, .unit = "ms", .flags = FIELD_NULLABLE,
	 .meaning = "last SYN-ACK to the client's handshake ACK", C_IF(lc.synack_ack_us, lc.have_synack_ack)},
	{K, "handshake.rtt_ms", NULL, 0, FIELD_MILLI, .unit = "ms", .flags = FIELD_NULLABLE,
	 .meaning = "syn_synack_ms plus synack_ack_ms", C_BY(lc, get_handshake_rtt)},
	{K, "handshake.completed", NULL, 0, FIELD_BOOL, .meaning = "the client's handshake ACK was seen", C_AT(lc.completed)},
	{K, "handshake.simultaneous_open", NULL, 0, FIELD_BOOL, .meaning = "both sides sent a SYN",
	 C_AT(lc.simultaneous_open)},
	SYN_OPTIONS("handshake.client", 0, client_syn_seen, "client's SYN"),
	SYN_OPTIONS("handshake.server", 1, server_syn_seen, "server's SYN-ACK"),
	{K, "teardown", NULL, 0, FIELD_OBJECT, .meaning = "how the connection ended"},
	{K, "teardown.first_fin", "first_fin", CSV_TEARDOWN, FIELD_NAME, .flags = FIELD_NULLABLE,
	 .meaning = "who sent the first FIN: client, server, both", C_BY(lc.first_fin, get_side)},
	{K, "teardown.active_closer", "active_closer", CSV_TEARDOWN, FIELD_NAME, .flags = FIELD_NULLABLE,
	 .meaning = "who went through TIME_WAIT", C_BY(lc.active_closer, get_side)},
	{K, "teardown.reset_by", "reset_by", CSV_TEARDOWN, FIELD_NAME, .flags = FIELD_NULLABLE,
	 .meaning = "whose accepted RST ended it", C_BY(lc.reset_by, get_side)},
	{K, "teardown.half_close", "half_close", CSV_TEARDOWN, FIELD_BOOL,
	 .meaning = "data flowed toward the first FIN's sender after it", C_AT(lc.half_close)},
	{K, "teardown.time_wait_reuse", "time_wait_reuse", CSV_TEARDOWN, FIELD_BOOL,
	 .meaning = "its SYN came during the previous connection's TIME_WAIT", C_AT(lc.time_wait_reuse)},
	DIRECTION("c2s", c2s, c2s_seq, 0, CSV_C2S_SEQ, "client"),
	DIRECTION("s2c", s2c, s2c_seq, 1, CSV_S2C_SEQ, "server"),
	{K, "tls", NULL, 0, FIELD_OBJECT, .present = is_tls,
	 .meaning = "present when the client's first bytes (or after STARTTLS) were a TLS ClientHello"},
	{K, "tls.sni", "tls_sni", CSV_APP, FIELD_WIRE, .flags = FIELD_NULLABLE,
	 .meaning = "the first server name, or null", C_BY(app, get_sni)},
	{K, "tls.alpn", "tls_alpn", CSV_APP, FIELD_LIST, FIELD_WIRE, .meaning = "application protocols offered",
	 C_BY(app, get_alpn_item), .count = count_alpn, .csv_sep = ","},
	{K, "tls.versions", "tls_versions", CSV_APP, FIELD_LIST, FIELD_NAME,
	 .meaning = "versions offered, GREASE left out", C_BY(app, get_version_item), .count = count_versions,
	 .csv_sep = ";"},
	{K, "tls.version_chosen", "tls_version_chosen", CSV_APP, FIELD_NAME, .flags = FIELD_NULLABLE,
	 .meaning = "the ServerHello's version, or null", C_BY(app, get_version_chosen)},
	{K, "tls.alpn_chosen", NULL, 0, FIELD_WIRE, .flags = FIELD_NULLABLE,
	 .meaning = "the ServerHello's ALPN (TLS 1.2 and older), or null", C_BY(app, get_alpn_chosen)},
	{K, "tls.ech", "tls_ech", CSV_APP, FIELD_BOOL, .meaning = "an Encrypted Client Hello extension was present",
	 C_BY(app, get_tls_ech)},
	{K, "tls.psk", NULL, 0, FIELD_BOOL, .meaning = "a pre-shared key (resumption) was offered", C_BY(app, get_tls_psk)},
	{K, "http", NULL, 0, FIELD_OBJECT, .present = is_http,
	 .meaning = "present when the client's first bytes were an HTTP/1.x request"},
	{K, "http.method", "http_method", CSV_APP, FIELD_NAME, .meaning = "the request method", C_BY(app, get_http_method)},
	{K, "http.host", "http_host", CSV_APP, FIELD_WIRE, .flags = FIELD_NULLABLE,
	 .meaning = "the first Host header, or null", C_BY(app, get_http_host)},
	{K, "http.path", "http_path", CSV_APP, FIELD_WIRE, .flags = FIELD_NULLABLE,
	 .meaning = "the request target, cut at 256 bytes", C_BY(app, get_http_path)},
	{K, "http.status", "http_status", CSV_APP, FIELD_COUNT, .flags = FIELD_NULLABLE,
	 .meaning = "the server's final status code, or null", C_BY(app, get_http_status)},
	{K, "diagnoses", "diagnoses", CSV_DIAGNOSES, FIELD_LIST, FIELD_NAME,
	 .meaning = "plain sentences for what is notable", C_BY(lc, get_diagnosis), .count = count_diagnoses,
	 .csv_sep = "; "},

#undef K
#define K FIELD_EVENT
	/* ---- "type":"event": something notable inside a connection (--events) ---- */
	{K, "type", NULL, 0, FIELD_NAME, .meaning = "\"event\"", .get = get_type_event},
	{K, "ts", NULL, 0, FIELD_TIME, .unit = "s", .meaning = "when it happened (since the epoch)", E_AT(ts_ns)},
	{K, "conn", NULL, 0, FIELD_COUNT, .meaning = "the id of its connection's record", E_AT(conn_id)},
	{K, "side", NULL, 0, FIELD_NAME, .meaning = "client or server: the endpoint that changed, or the RST's sender",
	 E_BY(side, get_event_side)},
	{K, "event", NULL, 0, FIELD_NAME, .meaning = "state, rst or analysis", E_BY(kind, get_event_name)},
	{K, "old", NULL, 0, FIELD_NAME, .present = is_state_event,
	 .meaning = "state event: the RFC 793 state before", E_BY(old_state, get_tcp_state)},
	{K, "new", NULL, 0, FIELD_NAME, .present = is_state_event,
	 .meaning = "state event: the RFC 793 state after", E_BY(new_state, get_tcp_state)},
	{K, "in_window", NULL, 0, FIELD_BOOL, .present = is_rst_event,
	 .meaning = "rst event: the receiver would take it", E_AT(in_window)},
	{K, "suspect_ttl", NULL, 0, FIELD_BOOL, .present = is_rst_event,
	 .meaning = "rst event: TTL unlike its sender's other packets", E_AT(suspect_ttl)},
	{K, "seq", NULL, 0, FIELD_COUNT, .present = is_seq_event,
	 .meaning = "analysis event: the segment's sequence number (absolute)", E_AT(seq)},
	{K, "len", NULL, 0, FIELD_COUNT, .unit = "bytes", .present = is_seq_event,
	 .meaning = "analysis event: its payload length", E_AT(len)},
	{K, "kinds", NULL, 0, FIELD_LIST, FIELD_NAME, .present = is_seq_event,
	 .meaning = "analysis event: what the sequence analysis found (retransmission, dup_ack, ...)",
	 E_BY(seq_bits, get_kind_item), .count = count_kinds},

#undef K
#define K FIELD_SUMMARY
	/* ---- "type":"summary": totals over the whole input ---- */
	{K, "type", NULL, 0, FIELD_NAME, .meaning = "\"summary\"", .get = get_type_summary},
	{K, "ts_first", NULL, 0, FIELD_TIME, .unit = "s", .meaning = "time of the first frame (0 without frames)",
	 S_AT(ts_first_ns)},
	{K, "ts_last", NULL, 0, FIELD_TIME, .unit = "s", .meaning = "time of the last frame", S_AT(ts_last_ns)},
	{K, "duration", NULL, 0, FIELD_TIME, .unit = "s", .meaning = "ts_last minus ts_first",
	 S_BY(ts_first_ns, get_span)},
	{K, "frames", NULL, 0, FIELD_COUNT, .unit = "frames", .meaning = "frames read (after the filter)", S_AT(frames)},
	{K, "frame_bytes", NULL, 0, FIELD_COUNT, .unit = "bytes", .meaning = "their on-wire lengths, summed",
	 S_AT(frame_bytes)},
	{K, "tcp_packets", NULL, 0, FIELD_COUNT, .unit = "frames", .meaning = "frames decoded as TCP and tracked",
	 S_AT(tcp_packets)},
	{K, "not_ip", NULL, 0, FIELD_COUNT, .unit = "frames", .meaning = "frames that were not IP",
	 S_AT(status[DECODE_NOT_IP])},
	{K, "not_tcp", NULL, 0, FIELD_COUNT, .unit = "frames", .meaning = "IP frames that were not TCP",
	 S_AT(status[DECODE_NOT_TCP])},
	{K, "ip_fragments", NULL, 0, FIELD_COUNT, .unit = "frames", .meaning = "IP fragments (counted, not tracked)",
	 S_AT(status[DECODE_IP_FRAGMENT])},
	{K, "decode_errors", NULL, 0, FIELD_MAP, .unit = "frames",
	 .meaning = "frames that could not be decoded, by reason, zeros included", S_BY(status, get_u64_item),
	 .keys = DECODE__COUNT, .key = decode_error_key},
	{K, "observers", NULL, 0, FIELD_OBJECT, .meaning = "how the TLS and HTTP parses ended"},
	{K, "observers.tls_client_hello", NULL, 0, FIELD_MAP, .unit = "connections",
	 .meaning = "ClientHello parses by outcome", S_BY(app.tls_client, get_u64_item), .keys = TLS__COUNT,
	 .key = tls_outcome_key},
	{K, "observers.tls_server_hello", NULL, 0, FIELD_MAP, .unit = "connections",
	 .meaning = "ServerHello parses by outcome", S_BY(app.tls_server, get_u64_item), .keys = TLS__COUNT,
	 .key = tls_outcome_key},
	{K, "observers.http_request", NULL, 0, FIELD_MAP, .unit = "connections",
	 .meaning = "HTTP request parses by outcome", S_BY(app.http_request, get_u64_item), .keys = HTTP__COUNT,
	 .key = http_outcome_key},
	{K, "observers.http_response", NULL, 0, FIELD_MAP, .unit = "connections",
	 .meaning = "HTTP response parses by outcome", S_BY(app.http_response, get_u64_item), .keys = HTTP__COUNT,
	 .key = http_outcome_key},
	{K, "observers.out_of_memory", NULL, 0, FIELD_COUNT, .unit = "connections",
	 .meaning = "connections whose observers stopped for lack of memory", S_AT(app.out_of_memory)},
	{K, "connections", NULL, 0, FIELD_COUNT, .unit = "connections", .meaning = "connection records written",
	 S_AT(connections)},
	{K, "end_reasons", NULL, 0, FIELD_MAP, .unit = "connections", .meaning = "connection records by end reason",
	 S_BY(end_reasons, get_u64_item), .keys = END__COUNT, .key = end_reason_key},
	{K, "time_wait_reuses", NULL, 0, FIELD_COUNT, .unit = "connections",
	 .meaning = "connections whose SYN came during the previous one's TIME_WAIT", S_AT(time_wait_reuses)},
	{K, "rst_ignored", NULL, 0, FIELD_COUNT, .unit = "packets", .meaning = "RSTs outside the receiver's window",
	 S_AT(rst_ignored)},
	{K, "rst_suspect_ttl", NULL, 0, FIELD_COUNT, .unit = "packets",
	 .meaning = "RSTs with a TTL unlike their sender's other packets", S_AT(rst_suspect_ttl)},
	{K, "negative_gaps", NULL, 0, FIELD_COUNT, .meaning = "time gaps found negative (dropped, or 0 within 1 ms)",
	 S_AT(negative_gaps)},
	{K, "syn_flood", NULL, 0, FIELD_OBJECT_LIST, .meaning = "servers with half-open connections, most first",
	 .count = count_half_open},
	{K, "syn_flood.server", NULL, 0, FIELD_OBJECT, .meaning = "the server"},
	{K, "syn_flood.server.ip", NULL, 0, FIELD_NAME, .meaning = "address", S_BY(half_open, get_half_open_ip)},
	{K, "syn_flood.server.port", NULL, 0, FIELD_COUNT, .meaning = "TCP port", S_BY(half_open, get_half_open_port)},
	{K, "syn_flood.half_open", NULL, 0, FIELD_COUNT, .unit = "connections",
	 .meaning = "connections whose SYN-ACK was never acknowledged", S_BY(half_open, get_half_open_count)},
	{K, "syn_flood.sources", NULL, 0, FIELD_COUNT, .unit = "addresses", .meaning = "distinct client addresses",
	 S_BY(half_open, get_half_open_sources)},
	{K, "syn_flood.sources_capped", NULL, 0, FIELD_BOOL, .meaning = "sources is a lower bound",
	 S_BY(half_open, get_half_open_sources_capped)},
	{K, "syn_flood.half_open_capped", NULL, 0, FIELD_BOOL, .present = half_open_capped,
	 .meaning = "present (true) when half_open is a lower bound", S_BY(half_open, get_half_open_capped)},
	{K, "syn_flood.flood", NULL, 0, FIELD_BOOL, .meaning = "20 or more half-open connections from 10 or more sources",
	 S_BY(half_open, get_half_open_flood)},
	{K, "syn_flood_omitted", NULL, 0, FIELD_OBJECT, .present = some_omitted,
	 .meaning = "present when servers were left out of syn_flood"},
	{K, "syn_flood_omitted.servers", NULL, 0, FIELD_COUNT, .unit = "servers", .meaning = "servers not listed",
	 S_AT(half_open_omitted_servers)},
	{K, "syn_flood_omitted.half_open", NULL, 0, FIELD_COUNT, .unit = "connections",
	 .meaning = "their half-open connections", S_AT(half_open_omitted)},
	{K, "peak_flows", NULL, 0, FIELD_COUNT, .unit = "connections", .meaning = "most connections held at once",
	 S_AT(peak_flows)},
	{K, "max_flows", NULL, 0, FIELD_COUNT, .unit = "connections", .meaning = "the --max-flows cap", S_AT(max_flows)},
	{K, "live", NULL, 0, FIELD_BOOL, .meaning = "a live capture", S_AT(live)},
	{K, "late_packets", NULL, 0, FIELD_COUNT, .unit = "packets", .present = is_live,
	 .meaning = "live: packets that came after their connection's record", S_AT(late_packets)},
	{K, "pcap", NULL, 0, FIELD_OBJECT, .present = have_pcap_stats, .meaning = "live: libpcap's counters"},
	{K, "pcap.received", NULL, 0, FIELD_COUNT, .unit = "packets", .meaning = "packets received",
	 S_AT(pcap_received)},
	{K, "pcap.dropped", NULL, 0, FIELD_COUNT, .unit = "packets", .meaning = "dropped for lack of buffer space",
	 S_AT(pcap_dropped)},
	{K, "pcap.if_dropped", NULL, 0, FIELD_COUNT, .unit = "packets", .meaning = "dropped by the interface",
	 S_AT(pcap_if_dropped)},
	{K, "interrupted", NULL, 0, FIELD_BOOL, .present = was_interrupted,
	 .meaning = "present (true) when SIGINT or SIGTERM stopped the input", .get = get_true},
	{K, "clock_faults", NULL, 0, FIELD_COUNT, .unit = "frames", .present = have_clock_faults,
	 .meaning = "present when frames were stamped more than a day ahead", S_AT(clock_faults)},
	{K, "reassembly_over_budget", NULL, 0, FIELD_COUNT, .unit = "connections", .present = have_over_budget,
	 .meaning = "present when TLS/HTTP parses were given up at --reassembly-budget", S_AT(app.over_budget)},
	{K, "warning", NULL, 0, FIELD_NAME, .present = have_warning,
	 .meaning = "present when the input ended early: why", S_BY(input_warning, get_name_ptr)},
#undef K
#define K FIELD_PACKET
	/* ---- "type":"packet": one packet of a selected connection (--timeline) ---- */
	{K, "type", NULL, 0, FIELD_NAME, .meaning = "\"packet\"", .get = get_type_packet},
	{K, "conn", NULL, 0, FIELD_COUNT, .meaning = "the connection's id (as in its \"conn\" record)", P_AT(conn_id)},
	{K, "frame", NULL, 0, FIELD_COUNT, .meaning = "the frame's number in the input, 1-based, as Wireshark numbers it",
	 P_AT(frame)},
	{K, "ts", NULL, 0, FIELD_TIME, .unit = "s", .meaning = "capture time, seconds since the epoch", P_AT(ts_ns)},
	{K, "rel_time", NULL, 0, FIELD_TIME, .unit = "s", .flags = FIELD_SIGNED, .meaning = "time since the connection's first packet",
	 P_BY(rel_ns, get_signed_time)},
	{K, "dir", NULL, 0, FIELD_NAME, .meaning = "c2s (client to server) or s2c", P_BY(dir, get_dir)},
	{K, "flags", NULL, 0, FIELD_LIST, FIELD_NAME, .meaning = "TCP flags set: SYN, ACK, FIN, RST, PSH, URG, ECE, CWR, NS",
	 P_BY(tcp_flags, get_tcp_flag_item), .count = count_tcp_flags},
	{K, "seq", NULL, 0, FIELD_COUNT, .meaning = "sequence number relative to the sender's ISN (Wireshark's relative numbers)",
	 P_AT(seq_rel)},
	{K, "ack", NULL, 0, FIELD_COUNT, .flags = FIELD_NULLABLE,
	 .meaning = "ACK number relative to the receiver's ISN; null without the ACK flag",
	 AT_IF(struct packet_record, ack_rel, ack_known)},
	{K, "len", NULL, 0, FIELD_COUNT, .unit = "bytes", .meaning = "TCP payload length (from the IP header)", P_AT(len)},
	{K, "win", NULL, 0, FIELD_COUNT, .unit = "bytes", .meaning = "advertised window, scaled by the sender's window scale",
	 P_AT(window)},
	{K, "win_scaled", NULL, 0, FIELD_BOOL, .meaning = "false when the window scale is unknown (win is then the raw field)",
	 P_AT(win_scaled)},
	{K, "sack", NULL, 0, FIELD_LIST, FIELD_PAIR, .meaning = "SACK blocks as [left, right] pairs, relative as ack",
	 P_BY(sack, get_sack_item), .count = count_sack},
	{K, "dsack_blocks", NULL, 0, FIELD_COUNT, .meaning = "of the SACK blocks, D-SACKs (RFC 2883: 0 or 1)",
	 P_AT(dsack_blocks)},
	{K, "analysis", NULL, 0, FIELD_LIST, FIELD_NAME,
	 .meaning = "what the sequence analysis found: retransmission kinds, dup_ack, zero_window, zero_window_probe, "
		    "keepalive, window_full, out_of_order, not_captured, ...",
	 P_BY(seq_bits, get_analysis_item), .count = count_analysis},
	{K, "dup_ack_n", NULL, 0, FIELD_COUNT, .meaning = "with dup_ack: its number in the run (1, 2, ...); else 0",
	 P_AT(dup_ack_n)},
	{K, "rtt_ms", NULL, 0, FIELD_MILLI, .unit = "ms", .flags = FIELD_NULLABLE,
	 .meaning = "the RTT sample of the peer's data this ACK gave; null when none", .get = get_rtt_sample},
	{K, "srtt_ms", NULL, 0, FIELD_MILLI, .unit = "ms", .flags = FIELD_NULLABLE,
	 .meaning = "smoothed RTT of the peer's data after this packet (RFC 6298); null before a sample",
	 AT_IF(struct packet_record, srtt_us, srtt_us)},
	{K, "client_before", NULL, 0, FIELD_NAME, .meaning = "the client endpoint's RFC 793 state before this packet",
	 P_BY(client_before, get_tcp_state)},
	{K, "client_after", NULL, 0, FIELD_NAME, .meaning = "and after it", P_BY(client_after, get_tcp_state)},
	{K, "server_before", NULL, 0, FIELD_NAME, .meaning = "the server endpoint's state before this packet",
	 P_BY(server_before, get_tcp_state)},
	{K, "server_after", NULL, 0, FIELD_NAME, .meaning = "and after it", P_BY(server_after, get_tcp_state)},
	{K, "sni", NULL, 0, FIELD_WIRE, .flags = FIELD_NULLABLE,
	 .meaning = "the TLS SNI, on the packet that completed the ClientHello; else null", P_BY(sni, get_wire_ptr)},
#undef K
#define K FIELD_SERVER
	/* ---- "type":"server": the connections of one server address:port, summed (--by server) ---- */
	{K, "type", NULL, 0, FIELD_NAME, .meaning = "\"server\"", .get = get_type_server},
	{K, "server", NULL, 0, FIELD_OBJECT, .flags = FIELD_ABSENT_NULL | FIELD_NULLABLE, .present = group_has_host,
	 .meaning = "the server; null for the servers past the limit, together"},
	{K, "server.ip", "server_ip", CSV_HEAD, FIELD_NAME, .meaning = "address (dotted quad or RFC 5952)",
	 .get = get_group_ip},
	{K, "server.port", "server_port", CSV_HEAD, FIELD_COUNT, .meaning = "TCP port", G_AT(host.port)},
	GROUP_FIGURES(K),
#undef K
#define K FIELD_CLIENT
	/* ---- "type":"client": the connections of one client address, summed (--by client) ---- */
	{K, "type", NULL, 0, FIELD_NAME, .meaning = "\"client\"", .get = get_type_client},
	{K, "client", NULL, 0, FIELD_OBJECT, .flags = FIELD_ABSENT_NULL | FIELD_NULLABLE, .present = group_has_host,
	 .meaning = "the client; null for the clients past the limit, together"},
	{K, "client.ip", "client_ip", CSV_HEAD, FIELD_NAME, .meaning = "address (dotted quad or RFC 5952)",
	 .get = get_group_ip},
	GROUP_FIGURES(K),
#undef K
};

#define FIELD_ROWS (sizeof(field_table) / sizeof(field_table[0]))

const char *field_kind_name(enum field_kind k)
{
	static const char *const names[FIELD_KIND__COUNT] = {"conn", "event", "summary", "packet", "server", "client"};
	return (unsigned)k < FIELD_KIND__COUNT ? names[k] : "unknown";
}

const char *field_type_name(enum field_type t)
{
	static const char *const names[FIELD_TYPE__COUNT] = {
		[FIELD_COUNT] = "integer", [FIELD_TIME] = "time", [FIELD_MILLI] = "milli",
		[FIELD_BOOL] = "boolean", [FIELD_NAME] = "string", [FIELD_WIRE] = "wire_string",
		[FIELD_LIST] = "array", [FIELD_OBJECT] = "object", [FIELD_OBJECT_LIST] = "object_array",
		[FIELD_MAP] = "map", [FIELD_MICRO] = "micro", [FIELD_PAIR] = "pair",
	};
	return (unsigned)t < FIELD_TYPE__COUNT ? names[t] : "unknown";
}

const struct field *fields_of(enum field_kind k, size_t *n)
{
	size_t first = 0;
	while (first < FIELD_ROWS && field_table[first].kind != k)
		first++;
	size_t last = first;
	while (last < FIELD_ROWS && field_table[last].kind == k)
		last++;
	*n = last - first;
	return field_table + first;
}

/* ---- the plan: nesting and keys, worked out once ---- */

static struct field_plan plans[FIELD_KIND__COUNT];
static struct field_plan_row plan_rows[FIELD_ROWS];
static size_t csv_orders[FIELD_ROWS];
static struct field_csv_col csv_cols[FIELD_ROWS];
static const char *plan_error;
static pthread_once_t plan_once = PTHREAD_ONCE_INIT;

static const char *leaf_of(const char *path)
{
	const char *dot = strrchr(path, '.');
	return dot ? dot + 1 : path;
}

/* Is row b's path inside row a's object ("a.x...")? */
static bool is_member(const struct field *a, const struct field *b)
{
	size_t n = strlen(a->path);
	return (a->type == FIELD_OBJECT || a->type == FIELD_OBJECT_LIST) && strncmp(a->path, b->path, n) == 0 &&
	       b->path[n] == '.';
}

static char plan_error_text[160];

static const char *plan_fail(const struct field *f, const char *why)
{
	snprintf(plan_error_text, sizeof(plan_error_text), "field %s %s: %s", field_kind_name(f->kind), f->path, why);
	return plan_error_text;
}

static enum field_op field_op_of(const struct field *f)
{
	if (f->get)
		return FIELD_OP_READ;
	if (f->type == FIELD_COUNT)
		return f->size == 1 ? FIELD_OP_U8 : f->size == 2 ? FIELD_OP_U16 : f->size == 4 ? FIELD_OP_U32 : FIELD_OP_U64;
	if (f->type == FIELD_BOOL && f->size == 1)
		return FIELD_OP_BOOL;
	if (f->type == FIELD_TIME && f->size == 8)
		return FIELD_OP_TIME;
	if (f->type == FIELD_MILLI && f->size == 4)
		return FIELD_OP_MILLI32;
	return FIELD_OP_READ;
}

static const char *plan_kind(enum field_kind k, size_t base)
{
	struct field_plan *p = &plans[k];
	struct field_plan_row *pr = plan_rows + base;
	size_t *order = csv_orders + base;
	struct field_csv_col *cols = csv_cols + base;

	p->rows = fields_of(k, &p->n);
	p->plan = pr;
	p->csv_order = order;
	p->csv_cols = cols;
	for (size_t i = 0; i < p->n; i++) {
		const struct field *f = &p->rows[i];
		const char *leaf = leaf_of(f->path);
		int n = snprintf(pr[i].key, FIELD_KEY_MAX, ",\"%s\":", leaf);
		if (n <= 0 || n >= FIELD_KEY_MAX)
			return plan_fail(f, "key too long");
		pr[i].key_len = (uint8_t)n;
		/* the parent: the nearest object row above whose path is this one's prefix */
		pr[i].parent = -1;
		for (size_t j = i; j-- > 0;) {
			if (is_member(&p->rows[j], f)) {
				pr[i].parent = (long)j;
				break;
			}
		}
		if (leaf != f->path && (pr[i].parent < 0 || strlen(p->rows[pr[i].parent].path) != (size_t)(leaf - 1 - f->path)))
			return plan_fail(f, "not right after the rows of its object");
		for (size_t j = 0; j < i; j++)
			if (strcmp(p->rows[j].path, f->path) == 0)
				return plan_fail(f, "path given twice");
		if (f->csv && f->type != FIELD_LIST && f->type > FIELD_WIRE && f->type != FIELD_MICRO &&
		    !(f->type == FIELD_OBJECT_LIST && f->get))
			return plan_fail(f, "an object has no CSV column (an object list's is its .get items)");
		if ((f->type == FIELD_LIST || f->type == FIELD_OBJECT_LIST) && !f->count)
			return plan_fail(f, "a list needs count");
		if (f->known_size && !(f->flags & FIELD_NULLABLE))
			return plan_fail(f, "known_size: a value that may be unknown is nullable");
		if (f->type == FIELD_MAP && !f->key)
			return plan_fail(f, "a map needs key");
	}
	for (size_t i = 0; i < p->n; i++) {
		const struct field *f = &p->rows[i];
		pr[i].op = field_op_of(f);
		pr[i].gate = f->present ? (long)i : pr[i].parent >= 0 ? pr[pr[i].parent].gate : -1;
		if (f->present && pr[i].parent >= 0 && pr[pr[i].parent].gate >= 0)
			return plan_fail(f, "present inside an object that has present: one gate per row");
	}
	for (size_t i = p->n; i-- > 0;) {
		size_t end = i + 1;
		while (end < p->n && is_member(&p->rows[i], &p->rows[end]))
			end = pr[end].end;
		pr[i].end = end;
	}
	p->csv_n = 0;
	for (int b = 0; b < CSV_BLOCK__COUNT; b++)
		for (size_t i = 0; i < p->n; i++)
			if (p->rows[i].csv && p->rows[i].csv_block == (enum field_csv_block)b)
				order[p->csv_n++] = i;
	for (size_t a = 0; a < p->csv_n; a++)
		for (size_t b = 0; b < a; b++)
			if (strcmp(p->rows[order[a]].csv, p->rows[order[b]].csv) == 0)
				return plan_fail(&p->rows[order[a]], "CSV column given twice");
	if (p->n > INT16_MAX)
		return plan_fail(p->rows, "too many rows");
	for (size_t c = 0; c < p->csv_n; c++) {
		const struct field *f = &p->rows[order[c]];
		cols[c] = (struct field_csv_col){.off = (uint32_t)f->off, .known_off = (uint32_t)f->known_off,
						 .row = (uint16_t)order[c], .gate = (int16_t)pr[order[c]].gate,
						 .op = pr[order[c]].op, .known_size = (uint8_t)f->known_size};
	}
	return NULL;
}

static void plan_all(void)
{
	for (int k = 0; k < FIELD_KIND__COUNT && !plan_error; k++) {
		size_t n, all = 0;
		const struct field *rows = fields_of((enum field_kind)k, &n);
		for (size_t i = 0; i < FIELD_ROWS; i++)
			all += field_table[i].kind == (enum field_kind)k;
		if (n == 0 || all != n)
			plan_error = n ? plan_fail(rows, "the rows of a kind are not all together") : "a record kind has no rows";
		else
			plan_error = plan_kind((enum field_kind)k, (size_t)(rows - field_table));
	}
}

const struct field_plan *fields_plan(enum field_kind k)
{
	pthread_once(&plan_once, plan_all);
	if (plan_error || (unsigned)k >= FIELD_KIND__COUNT)
		return NULL;
	return &plans[k];
}

const char *fields_check(void)
{
	pthread_once(&plan_once, plan_all);
	return plan_error;
}
