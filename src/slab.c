/* slab.c - a fixed-size allocator over 2 MiB slabs aligned for transparent huge pages. */
#include "slab.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define SLAB_SIZE ((size_t)2 << 20) /* one x86-64 huge page */
/* A slab's first bytes link it to the next slab. */
#define SLAB_HEADER 64

void slab_pool_init(struct slab_pool *p, size_t obj_size)
{
	memset(p, 0, sizeof(*p));
	p->obj_size = (obj_size + 7) & ~(size_t)7;
}

#ifdef TCPSCOPE_PLAIN_MALLOC

void *slab_alloc(struct slab_pool *p)
{
	return calloc(1, p->obj_size);
}

void slab_free(struct slab_pool *p, void *obj)
{
	(void)p;
	free(obj);
}

void slab_pool_release(struct slab_pool *p)
{
	(void)p;
}

#else

/* A SLAB_SIZE region aligned to SLAB_SIZE (a huge page can only back an aligned one). */
static void *map_slab(void)
{
	size_t span = 2 * SLAB_SIZE;
	char *m = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return NULL;
	uintptr_t start = ((uintptr_t)m + SLAB_SIZE - 1) & ~(uintptr_t)(SLAB_SIZE - 1);
	char *slab = (char *)start;
	if (slab > m)
		munmap(m, (size_t)(slab - m));
	if (slab + SLAB_SIZE < m + span)
		munmap(slab + SLAB_SIZE, (size_t)(m + span - (slab + SLAB_SIZE)));
	madvise(slab, SLAB_SIZE, MADV_HUGEPAGE); /* a hint: without it the pool still works */
	return slab;
}

void *slab_alloc(struct slab_pool *p)
{
	void *obj = p->free_list;
	if (obj) {
		memcpy(&p->free_list, obj, sizeof(void *));
		memset(obj, 0, p->obj_size);
		return obj;
	}
	if (p->left < p->obj_size) {
		char *slab = map_slab();
		if (!slab)
			return NULL;
		memcpy(slab, &p->slabs, sizeof(void *));
		p->slabs = slab;
		p->next = slab + SLAB_HEADER;
		p->left = SLAB_SIZE - SLAB_HEADER;
	}
	obj = p->next; /* fresh anonymous memory is zero */
	p->next += p->obj_size;
	p->left -= p->obj_size;
	return obj;
}

void slab_free(struct slab_pool *p, void *obj)
{
	if (!obj)
		return;
	memcpy(obj, &p->free_list, sizeof(void *));
	p->free_list = obj;
}

void slab_pool_release(struct slab_pool *p)
{
	while (p->slabs) {
		void *slab = p->slabs;
		memcpy(&p->slabs, slab, sizeof(void *));
		munmap(slab, SLAB_SIZE);
	}
	slab_pool_init(p, p->obj_size);
}

#endif
