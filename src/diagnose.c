/* diagnose.c - the diagnoses' English: counts with their noun, durations, and the sequence analysis's sentences. */
#include "diagnose.h"

#include <stdio.h>

#include "record.h"

const char *diagnose_count(char *buf, size_t len, uint64_t n, const char *one, const char *many)
{
	snprintf(buf, len, "%llu %s", (unsigned long long)n, n == 1 ? one : many);
	return buf;
}

const char *diagnose_duration(char *buf, size_t len, uint64_t us)
{
	uint64_t ms = (us + 500) / 1000;
	if (ms == 0)
		snprintf(buf, len, "less than 1 ms");
	else if (ms < 1000)
		snprintf(buf, len, "%llu ms", (unsigned long long)ms);
	else
		snprintf(buf, len, "%.1f s", us / 1e6);
	return buf;
}

static const char *const side_names[2] = {"client", "server"};

/*
 * Which kinds the retransmissions were, " (136 fast, 2 spurious)", or ""
 * when none is known. Kinds overlap (a timeout retransmission found
 * spurious later counts as both), so they need not add up.
 */
static void retransmission_kinds(const uint32_t *n, bool with_spurious, char *out, size_t len)
{
	static const struct {
		int counter;
		const char *one, *many;
	} kinds[] = {
		{SEQ_FAST_RETRANSMISSIONS, "fast", "fast"},
		{SEQ_TIMEOUT_RETRANSMISSIONS, "timeout", "timeout"},
		{SEQ_TLP_RETRANSMISSIONS, "tail-loss probe", "tail-loss probes"},
		{SEQ_SPURIOUS_RETRANSMISSIONS, "spurious", "spurious"},
	};
	size_t used = 0;
	out[0] = '\0';
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		uint32_t count = n[kinds[k].counter];
		if (count == 0 || (kinds[k].counter == SEQ_SPURIOUS_RETRANSMISSIONS && !with_spurious))
			continue;
		char words[DIAGNOSE_WORDS_LEN];
		int w = snprintf(out + used, len - used, "%s%s", used ? ", " : " (",
				 diagnose_count(words, sizeof(words), count, kinds[k].one, kinds[k].many));
		if (w < 0 || (size_t)w >= len - used)
			break; /* no room: the kinds written so far stand */
		used += (size_t)w;
	}
	if (used > 0 && used + 1 < len) {
		out[used] = ')';
		out[used + 1] = '\0';
	} else if (used > 0) {
		out[0] = '\0';
	}
}

/* Retransmissions: loss, or (when every one was of data that had arrived) not loss but spurious ones. */
static void say_retransmissions(struct conn_record *r, const uint32_t *n, int side)
{
	uint32_t total = n[SEQ_RETRANSMISSIONS];
	bool all_spurious = n[SEQ_SPURIOUS_RETRANSMISSIONS] >= total;
	char count[DIAGNOSE_WORDS_LEN], kinds[96];

	diagnose_count(count, sizeof(count), total, "retransmission", "retransmissions");
	retransmission_kinds(n, !all_spurious, kinds, sizeof(kinds));
	if (all_spurious)
		lifecycle_record_say(&r->lc, "spurious: %s by the %s of data already received%s", count,
				     side_names[side], kinds);
	else
		lifecycle_record_say(&r->lc, "loss: %s by the %s%s", count, side_names[side], kinds);
}

void diagnose_sequence(struct conn_record *r)
{
	const struct seq_figures *f[2] = {&r->c2s_seq, &r->s2c_seq};

	for (int i = 0; i < 2; i++) {
		const uint32_t *n = f[i]->counts;
		char words[DIAGNOSE_WORDS_LEN];
		if (n[SEQ_ZERO_WINDOWS] > 0)
			lifecycle_record_say(&r->lc, "receiver stalled: the %s advertised a zero window for %s", side_names[i],
					     diagnose_duration(words, sizeof(words), (uint64_t)f[i]->zero_window_ms * 1000u));
		if (n[SEQ_RETRANSMISSIONS] > 0)
			say_retransmissions(r, n, i);
		/* A capture gap is data the receiver ACKed that the capture never
		 * showed (Zeek's content gap). A hole later filled by a resend
		 * (not_captured, then a retransmission) was loss in the network,
		 * told by the retransmission sentence. */
		if (f[i]->content_gaps > 0)
			lifecycle_record_say(&r->lc, "capture gap: %s of the %s's data ACKed but never captured",
					     diagnose_count(words, sizeof(words), f[i]->content_gaps, "stretch", "stretches"),
					     side_names[i]);
	}
}

void diagnose_capture_drops(struct conn_record *r, uint64_t dropped)
{
	char words[DIAGNOSE_WORDS_LEN];
	if (dropped > 0)
		lifecycle_record_say(&r->lc, "capture incomplete: the kernel dropped %s while it was open",
				     diagnose_count(words, sizeof(words), dropped, "packet", "packets"));
}
