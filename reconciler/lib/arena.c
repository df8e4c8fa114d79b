/* arena: a stack of chunks; allocation takes from the newest. */
#include "lib/arena.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "lib/asan.h"
#include "lib/mem.h"

struct nr_arena_chunk {
	struct nr_arena_chunk *prev;
	size_t used, cap;
	alignas(max_align_t) unsigned char data[];
};

#define CHUNK_BYTES ((size_t)64 * 1024)

void *nr_arena_alloc(struct nr_arena *a, size_t n)
{
	size_t align = alignof(max_align_t);
	struct nr_arena_chunk *c = a->head;

	n = (n + align - 1) & ~(align - 1);
	if (!c || c->cap - c->used < n) {
		size_t cap = !c ? (a->first ? a->first : CHUNK_BYTES)
		    : c->cap < CHUNK_BYTES / 2 ? c->cap * 2
					       : CHUNK_BYTES;

		if (cap < n)
			cap = n;
		c = nr_malloc(sizeof(*c) + cap);
		c->prev = a->head;
		c->used = 0;
		c->cap = cap;
		a->head = c;
	}
	NR_UNPOISON(c->data + c->used, n);
	c->used += n;
	return c->data + c->used - n;
}

struct nr_arena_mark nr_arena_mark(const struct nr_arena *a)
{
	struct nr_arena_mark m = { a->head, a->head ? a->head->used : 0 };

	return m;
}

void nr_arena_reset(struct nr_arena *a, struct nr_arena_mark m)
{
	/* a mark of an empty arena keeps the oldest chunk, emptied: a
	 * parse that resets after each command reuses it */
	while (a->head && a->head != m.chunk && (m.chunk || a->head->prev)) {
		struct nr_arena_chunk *c = a->head;

		a->head = c->prev;
		explicit_bzero(c->data, c->used);
		free(c);
	}
	if (a->head) {
		size_t keep = a->head == m.chunk ? m.used : 0;

		explicit_bzero(a->head->data + keep, a->head->used - keep);
		a->head->used = keep;
		NR_POISON(a->head->data + a->head->used,
		    a->head->cap - a->head->used);
	}
}

void nr_arena_release(struct nr_arena *a)
{
	while (a->head) {
		struct nr_arena_chunk *c = a->head;

		a->head = c->prev;
		NR_UNPOISON(c->data, c->cap);
		explicit_bzero(c->data, c->used);
		free(c);
	}
}
