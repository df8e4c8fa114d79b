/* arena: memory handed out in order from large chunks and given back all
 * at once, or back to a mark, zeroed (a parsed command's strings may be
 * secrets). For many small objects that die together (a parsed
 * command's strings and arrays). glibc's obstack would do, but
 * its alignment macros do arithmetic on a null pointer, which the
 * sanitizers of the test build reject. */
#ifndef NR_ARENA_H
#define NR_ARENA_H

#include <stddef.h>

struct nr_arena_chunk;

struct nr_arena {
	struct nr_arena_chunk *head; /* the newest chunk, or NULL */
	/* the first chunk's size (0: the largest); each next one doubles,
	 * up to the largest (64 KiB) */
	size_t first;
};

struct nr_arena_mark {
	struct nr_arena_chunk *chunk;
	size_t used;
};

#define NR_ARENA_INIT   \
	{               \
		NULL, 0 \
	}

/* `n` bytes, aligned for any type; aborts when memory runs out. */
void *nr_arena_alloc(struct nr_arena *a, size_t n);
/* Where the arena stands now. */
struct nr_arena_mark nr_arena_mark(const struct nr_arena *a);
/* Gives back everything allocated since `m`. The chunk the mark is in
 * stays, and so does the oldest chunk when `m` was made on an empty
 * arena: a reset after each of many small uses allocates nothing. */
void nr_arena_reset(struct nr_arena *a, struct nr_arena_mark m);
void nr_arena_release(struct nr_arena *a);

#endif
