/* handoff.h - slots passed in order from one producer thread to one consumer thread. */
#ifndef TCPSCOPE_HANDOFF_H
#define TCPSCOPE_HANDOFF_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * A ring of HANDOFF_SLOTS slots (the caller keeps the slots themselves,
 * indexed by what these calls return). The producer fills slot k while the
 * consumer works on an earlier one; a slot goes back to the producer only
 * once the consumer has asked for the next. Either side may stop early.
 */
#define HANDOFF_SLOTS 4

struct handoff {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	uint64_t filled;     /* slots the producer has published */
	uint64_t taken;      /* slots the consumer has been given */
	uint64_t released;   /* slots the consumer is done with (taken or taken - 1) */
	bool closed;         /* the producer will publish no more */
	bool quit;           /* the consumer wants no more */
};

void handoff_init(struct handoff *h);
void handoff_destroy(struct handoff *h);

/* Producer: the slot to fill next, once it is free; -1 when the consumer has quit. */
int handoff_slot_to_fill(struct handoff *h);
/* Producer: the slot from handoff_slot_to_fill is ready. */
void handoff_publish(struct handoff *h);
/* Producer: nothing more will come. */
void handoff_close(struct handoff *h);

/* Consumer: release the previous slot and wait for the next filled one; -1 after the last. */
int handoff_next_filled(struct handoff *h);
/* Consumer: stop; a producer waiting for a free slot gets -1. */
void handoff_quit(struct handoff *h);

#endif
