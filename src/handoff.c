/* handoff.c - an ordered ring of batches between threads, under one mutex. */
#include "handoff.h"

/* Hand-overs are per batch (hundreds of frames or dozens of records), so one lock costs nothing measurable. */

void handoff_init(struct handoff *h)
{
	*h = (struct handoff){0};
	pthread_mutex_init(&h->lock, NULL);
	pthread_cond_init(&h->changed, NULL);
}

void handoff_destroy(struct handoff *h)
{
	pthread_cond_destroy(&h->changed);
	pthread_mutex_destroy(&h->lock);
}

int handoff_slot_to_fill(struct handoff *h)
{
	pthread_mutex_lock(&h->lock);
	/* The slot's previous batch, filled - HANDOFF_SLOTS, must be released. */
	while (!h->quit && h->filled >= h->released + HANDOFF_SLOTS)
		pthread_cond_wait(&h->changed, &h->lock);
	int slot = h->quit ? -1 : (int)(h->filled % HANDOFF_SLOTS);
	pthread_mutex_unlock(&h->lock);
	return slot;
}

/* Change the state under the lock and wake every waiter. */
static void announce(struct handoff *h, int64_t *counter, bool *flag)
{
	pthread_mutex_lock(&h->lock);
	if (counter)
		(*counter)++;
	if (flag)
		*flag = true;
	pthread_cond_broadcast(&h->changed);
	pthread_mutex_unlock(&h->lock);
}

void handoff_publish(struct handoff *h)
{
	announce(h, &h->filled, NULL);
}

void handoff_close(struct handoff *h)
{
	announce(h, NULL, &h->closed);
}

void handoff_quit(struct handoff *h)
{
	announce(h, NULL, &h->quit);
}

int64_t handoff_take(struct handoff *h)
{
	pthread_mutex_lock(&h->lock);
	while (h->taken == h->filled && !h->closed && !h->quit)
		pthread_cond_wait(&h->changed, &h->lock);
	int64_t k = h->taken < h->filled && !h->quit ? h->taken++ : -1;
	pthread_mutex_unlock(&h->lock);
	return k;
}

void handoff_wait_turn(struct handoff *h, int64_t k)
{
	pthread_mutex_lock(&h->lock);
	while (h->released != k)
		pthread_cond_wait(&h->changed, &h->lock);
	pthread_mutex_unlock(&h->lock);
}

void handoff_release(struct handoff *h, int64_t k)
{
	handoff_wait_turn(h, k);
	announce(h, &h->released, NULL);
}
