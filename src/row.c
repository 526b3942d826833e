/* row.c - a connection record boiled down to one line's values. */
#include "row.h"

#include <stdio.h>
#include <string.h>

static uint8_t state_of(const char *name)
{
	for (int s = 0; s < TCP_ST__COUNT; s++)
		if (name && strcmp(name, tcp_state_name((enum tcp_state)s)) == 0)
			return (uint8_t)s;
	return TCP_ST_NONE;
}

void conn_row_set_name(struct conn_row *row, const struct app_info *ai)
{
	static const struct {
		enum app_string which;
		uint16_t flag;
	} names[] = {{APP_SNI, ROW_NAME_SNI}, {APP_HTTP_HOST, ROW_NAME_HOST}};
	for (size_t i = 0; ai && i < sizeof(names) / sizeof(names[0]); i++) {
		const char *s = ai->str[names[i].which];
		if (!s)
			continue;
		size_t n = ai->len[names[i].which];
		if (n >= ROW_NAME_MAX)
			n = ROW_NAME_MAX - 1;
		memcpy(row->name, s, n);
		row->name[n] = '\0';
		row->flags |= names[i].flag;
		return;
	}
}

void conn_row_from_record(const struct conn_record *r, struct conn_row *row)
{
	const struct seq_figures *f[2] = {&r->c2s_seq, &r->s2c_seq};
	const struct dir_stats *d[2] = {&r->c2s, &r->s2c};

	memset(row, 0, sizeof(*row));
	row->id = r->id;
	row->ts_first_ns = r->ts_first_ns;
	row->ts_last_ns = r->ts_last_ns;
	row->client = r->client;
	row->server = r->server;
	row->ip_version = r->ip_version;
	row->state[0] = state_of(r->lc.client_state);
	row->state[1] = state_of(r->lc.server_state);
	row->end_reason = (uint8_t)r->end_reason;
	row->flags = ROW_ENDED;
	conn_row_set_zeek_state(row, r->lc.state);
	for (int i = 0; i < 2; i++) {
		row->packets[i] = d[i]->packets;
		row->bytes[i] = d[i]->bytes;
		row->payload[i] = d[i]->payload_bytes;
		row->retx[i] = f[i]->counts[SEQ_RETRANSMISSIONS];
		if (f[i]->rtt.samples > 0 && f[i]->rtt.srtt_us > row->srtt_us)
			row->srtt_us = f[i]->rtt.srtt_us;
		if (row->retx[i] > 0)
			row->flags |= ROW_LOSS;
		if (f[i]->counts[SEQ_NOT_CAPTURED] > 0)
			row->flags |= ROW_CAPTURE_GAP;
		if (f[i]->counts[SEQ_ZERO_WINDOWS] > 0)
			row->flags |= ROW_ZERO_WINDOW;
	}
	if (r->lc.have_syn_synack && r->lc.have_synack_ack)
		row->handshake_rtt_us = r->lc.syn_synack_us + r->lc.synack_ack_us;
	if (r->end_reason == END_RESET)
		row->flags |= ROW_RESET;
	if (strcmp(row->zeek_state, "REJ") == 0)
		row->flags |= ROW_REFUSED;
	if (r->lc.syn_count > 1)
		row->flags |= ROW_SLOW_OPEN;
	if (r->direction_inferred)
		row->flags |= ROW_INFERRED;
	conn_row_set_name(row, r->app);
}

void conn_row_set_zeek_state(struct conn_row *row, const char *state)
{
	size_t n = state ? strnlen(state, sizeof(row->zeek_state) - 1) : 0;
	memcpy(row->zeek_state, state ? state : "", n);
	row->zeek_state[n] = '\0';
}

uint32_t conn_row_rtt_us(const struct conn_row *row)
{
	return row->handshake_rtt_us ? row->handshake_rtt_us : row->srtt_us;
}
