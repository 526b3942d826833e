/* slab.h - objects of one size carved from large slabs backed by huge pages, with a free list. */
#ifndef TCPSCOPE_SLAB_H
#define TCPSCOPE_SLAB_H

#include <stddef.h>

/*
 * The flow table holds 100k+ connections of ~800 bytes, one lookup per
 * packet at random among them. On 4 KiB pages nearly every lookup also
 * misses the TLB; slabs of 2 MiB asked for transparent huge pages
 * (MADV_HUGEPAGE) keep the whole table under a few dozen TLB entries, and
 * cost no malloc header per object. Slabs are kept until slab_pool_release.
 * Builds with sanitizers (TCPSCOPE_PLAIN_MALLOC) use calloc and free instead,
 * so AddressSanitizer still sees every object's bounds and lifetime.
 */
struct slab_pool {
	size_t obj_size;    /* rounded up to 8 */
	void *free_list;    /* freed objects, linked through their first bytes */
	char *next;         /* unused space in the newest slab */
	size_t left;
	void *slabs;        /* every slab, linked through its first bytes */
};

void slab_pool_init(struct slab_pool *p, size_t obj_size);

/* A zeroed object, or NULL when memory runs out. */
void *slab_alloc(struct slab_pool *p);

/* Give obj (from slab_alloc on p, or NULL) back for reuse. */
void slab_free(struct slab_pool *p, void *obj);

/* Free every slab: objects still out become invalid. */
void slab_pool_release(struct slab_pool *p);

#endif
