/* intern: an open-addressing set of strings (linear probing), each with
 * its hash and, as a property name, whether it holds a secret. The bytes
 * live in large blocks, packed one after the other. */
#include "routeros/intern.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/mem.h"
#include "routeros/menus.h"

struct istr {
	char *s; /* NULL: a free slot */
	uint32_t hash;
	signed char sensitive; /* -1: not worked out yet */
};

/* A block of string bytes; blocks are chained and never freed. */
struct block {
	struct block *next;
	size_t used, cap;
	char bytes[];
};

#define BLOCK_BYTES ((size_t)64 * 1024 - sizeof(struct block))

static struct {
	struct istr *v;
	size_t n, cap;
	struct block *blocks;
} strs;

/* Strings met lately, by address: an interned string passed again (a
 * key the parser interned, reaching the model) is known at once. */
static struct istr *recent[512];

static uint32_t hash(const char *s)
{
	uint32_t h = 2166136261U;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619U;
	return h;
}

static size_t recent_slot(const char *s)
{
	return ((uintptr_t)s >> 4) % NR_ARRAY_SIZE(recent);
}

static struct istr *slot(const char *s, uint32_t h)
{
	size_t i;

	for (i = h & (strs.cap - 1); strs.v[i].s; i = (i + 1) & (strs.cap - 1))
		if (strs.v[i].s == s ||
		    (strs.v[i].hash == h && strcmp(strs.v[i].s, s) == 0))
			break;
	return &strs.v[i];
}

static char *store(const char *s)
{
	size_t n = strlen(s) + 1;
	struct block *b = strs.blocks;

	if (!b || b->cap - b->used < n) {
		size_t cap = n > BLOCK_BYTES ? n : BLOCK_BYTES;

		b = nr_malloc(sizeof(*b) + cap);
		b->used = 0;
		b->cap = cap;
		/* a block of one long string goes behind the current one,
		 * which keeps its room */
		if (strs.blocks && n > BLOCK_BYTES) {
			b->next = strs.blocks->next;
			strs.blocks->next = b;
		} else {
			b->next = strs.blocks;
			strs.blocks = b;
		}
	}
	memcpy(b->bytes + b->used, s, n);
	b->used += n;
	return b->bytes + b->used - n;
}

static void grow(void)
{
	struct istr *old = strs.v;
	size_t oldcap = strs.cap;

	strs.cap = oldcap ? oldcap * 2 : 256;
	strs.v = nr_calloc(strs.cap, sizeof(*strs.v));
	memset(recent, 0, sizeof(recent)); /* the slots move */
	for (size_t k = 0; k < oldcap; k++)
		if (old[k].s)
			*slot(old[k].s, old[k].hash) = old[k];
	free(old);
}

static struct istr *get(const char *s)
{
	size_t r = recent_slot(s);
	uint32_t h;
	struct istr *e;

	if (recent[r] && recent[r]->s == s)
		return recent[r];
	h = hash(s);
	/* linear probing stays short up to three quarters full */
	if ((strs.n + 1) * 4 > strs.cap * 3)
		grow();
	e = slot(s, h);
	if (!e->s) {
		e->s = store(s);
		e->hash = h;
		e->sensitive = -1;
		strs.n++;
	}
	if (e->s != s)
		r = recent_slot(e->s);
	recent[r] = e;
	return e;
}

const char *nr_ros_intern(const char *s)
{
	return get(s)->s;
}

bool nr_ros_key_sensitive(const char *key)
{
	struct istr *e = get(key);

	if (e->sensitive < 0)
		e->sensitive = nr_ros_sensitive(key);
	return e->sensitive;
}
