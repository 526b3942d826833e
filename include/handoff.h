/* handoff.h - batches passed in order from one producer thread to consumer threads, released in order. */
#ifndef TCPSCOPE_HANDOFF_H
#define TCPSCOPE_HANDOFF_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * A ring of HANDOFF_SLOTS slots (the caller keeps the slots themselves; batch
 * number k lives in slot k % HANDOFF_SLOTS). The producer fills a slot while
 * consumers work on earlier batches; consumers may take batches side by side
 * but release them in order, and a slot is filled again only once the batch
 * in it is released. Either side may stop early.
 */
#define HANDOFF_SLOTS 4

struct handoff {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	int64_t filled;      /* batches the producer has published */
	int64_t taken;       /* batches consumers have taken */
	int64_t released;    /* batches released: all before this number */
	bool closed;         /* the producer will publish no more */
	bool quit;           /* the consumers want no more */
};

void handoff_init(struct handoff *h);
void handoff_destroy(struct handoff *h);

/* Producer: the slot to fill next, once it is free; -1 when the consumers have quit. */
int handoff_slot_to_fill(struct handoff *h);
/* Producer: the slot from handoff_slot_to_fill is ready. */
void handoff_publish(struct handoff *h);
/* Producer: nothing more will come. */
void handoff_close(struct handoff *h);

/* Consumer: wait for the next batch not yet taken; its number, or -1 after the last. */
int64_t handoff_take(struct handoff *h);
/* Consumer: wait until every batch before batch k is released (k's turn). */
void handoff_wait_turn(struct handoff *h, int64_t k);
/* Consumer: release batch k, after waiting for its turn; its slot may be filled again. */
void handoff_release(struct handoff *h, int64_t k);
/* Consumer: stop; the producer gets -1, and so do takers. */
void handoff_quit(struct handoff *h);

#endif
