/* handoff.c - an ordered single-producer, single-consumer ring of slots under one mutex. */
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
	/* Slot filled % HANDOFF_SLOTS last held slot filled - HANDOFF_SLOTS: it must be released. */
	while (!h->quit && h->filled >= h->released + HANDOFF_SLOTS)
		pthread_cond_wait(&h->changed, &h->lock);
	int slot = h->quit ? -1 : (int)(h->filled % HANDOFF_SLOTS);
	pthread_mutex_unlock(&h->lock);
	return slot;
}

void handoff_publish(struct handoff *h)
{
	pthread_mutex_lock(&h->lock);
	h->filled++;
	pthread_cond_broadcast(&h->changed);
	pthread_mutex_unlock(&h->lock);
}

void handoff_close(struct handoff *h)
{
	pthread_mutex_lock(&h->lock);
	h->closed = true;
	pthread_cond_broadcast(&h->changed);
	pthread_mutex_unlock(&h->lock);
}

int handoff_next_filled(struct handoff *h)
{
	pthread_mutex_lock(&h->lock);
	if (h->released < h->taken) {
		h->released = h->taken;
		pthread_cond_broadcast(&h->changed);
	}
	while (h->taken == h->filled && !h->closed && !h->quit)
		pthread_cond_wait(&h->changed, &h->lock);
	int slot = -1;
	if (h->taken < h->filled && !h->quit)
		slot = (int)(h->taken++ % HANDOFF_SLOTS);
	pthread_mutex_unlock(&h->lock);
	return slot;
}

void handoff_quit(struct handoff *h)
{
	pthread_mutex_lock(&h->lock);
	h->quit = true;
	pthread_cond_broadcast(&h->changed);
	pthread_mutex_unlock(&h->lock);
}
