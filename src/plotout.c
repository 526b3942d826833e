/* plotout.c - the plot files of one selected connection: collected during the run, written at its end. */
#include "plotout.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "app.h"

static const char *const option_names[PLOT__COUNT] = {"--plot", "--plot-rtt", "--plot-tput"};

const char *plotout_option(enum plot_kind k)
{
	return k < PLOT__COUNT ? option_names[k] : "--plot";
}

bool plotout_wanted(const struct plotout *po)
{
	for (int k = 0; k < PLOT__COUNT; k++)
		if (po->path[k])
			return true;
	return false;
}

bool plotout_open(struct plotout *po, char *err, size_t errlen)
{
	plot_packets_init(&po->packets);
	for (int k = 0; k < PLOT__COUNT; k++) {
		if (!po->path[k])
			continue;
		po->file[k] = fopen(po->path[k], "w");
		if (!po->file[k]) {
			snprintf(err, errlen, "%s: %s", po->path[k], strerror(errno));
			plotout_abandon(po);
			return false;
		}
	}
	return true;
}

void plotout_packet(void *ctx, const struct packet_record *p)
{
	struct plotout *po = ctx;
	if (po->packets.n == 0 && po->conn_id == 0)
		po->conn_id = p->conn_id;
	if (p->conn_id != po->conn_id) {
		if (po->other_id == 0)
			po->other_id = p->conn_id;
		return;
	}
	plot_packets_add(&po->packets, p);
}

static void endpoint_text(const struct endpoint *e, int ip_version, char *buf, size_t n)
{
	char addr[64];
	endpoint_addr_str(e, ip_version, addr, sizeof addr);
	snprintf(buf, n, ip_version == 6 ? "[%s]:%u" : "%s:%u", addr, e->port);
}

void plotout_record(struct plotout *po, const struct conn_record *r)
{
	if (po->have_title || po->conn_id == 0 || r->id != po->conn_id)
		return;
	char c[80], s[80];
	endpoint_text(&r->client, r->ip_version, c, sizeof c);
	endpoint_text(&r->server, r->ip_version, s, sizeof s);
	int w = snprintf(po->title, sizeof po->title, "tcpscope: connection %" PRIu64 ", %s \xe2\x86\x92 %s", r->id, c, s);
	const char *name = NULL, *what = "";
	if (r->app && r->app->str[APP_SNI]) {
		name = r->app->str[APP_SNI];
		what = "SNI";
	} else if (r->app && r->app->str[APP_HTTP_HOST]) {
		name = r->app->str[APP_HTTP_HOST];
		what = "Host";
	}
	/* the name is from the wire: the SVG writer escapes it */
	if (name && w > 0 && (size_t)w < sizeof po->title)
		snprintf(po->title + w, sizeof po->title - (size_t)w, ", %s %.200s", what, name);
	po->have_title = true;
}

static void close_all(struct plotout *po, bool remove_files)
{
	for (int k = 0; k < PLOT__COUNT; k++) {
		if (!po->file[k])
			continue;
		fclose(po->file[k]);
		po->file[k] = NULL;
		if (remove_files)
			remove(po->path[k]);
	}
	plot_packets_free(&po->packets);
}

void plotout_abandon(struct plotout *po)
{
	close_all(po, true);
}

static const char *first_option(const struct plotout *po)
{
	for (int k = 0; k < PLOT__COUNT; k++)
		if (po->path[k])
			return option_names[k];
	return "--plot";
}

int plotout_finish(struct plotout *po, char *err, size_t errlen)
{
	if (po->packets.n == 0) {
		snprintf(err, errlen, "%s: the selection matched no connection in the input", first_option(po));
		close_all(po, true);
		return -1;
	}
	if (po->other_id != 0) {
		snprintf(err, errlen,
			 "%s draws one connection, the selection matched several (%" PRIu64 " and %" PRIu64
			 "): pick one with --conn ID",
			 first_option(po), po->conn_id, po->other_id);
		close_all(po, true);
		return -1;
	}
	if (po->packets.out_of_memory) {
		snprintf(err, errlen, "%s: out of memory keeping the connection's packets", first_option(po));
		close_all(po, true);
		return -1;
	}
	if (!po->have_title)
		snprintf(po->title, sizeof po->title, "tcpscope: connection %" PRIu64, po->conn_id);
	int (*const writers[PLOT__COUNT])(FILE *, const struct packet_record *, size_t, const char *) = {
		plot_write_tseq, plot_write_rtt, plot_write_tput};
	for (int k = 0; k < PLOT__COUNT; k++) {
		if (!po->file[k])
			continue;
		errno = 0;
		int rc = writers[k](po->file[k], po->packets.v, po->packets.n, po->title);
		if (fclose(po->file[k]) != 0)
			rc = -1;
		po->file[k] = NULL;
		if (rc < 0) {
			snprintf(err, errlen, "%s: %s", po->path[k], strerror(errno ? errno : EIO));
			close_all(po, true);
			remove(po->path[k]);
			return -1;
		}
	}
	close_all(po, false);
	return 0;
}
