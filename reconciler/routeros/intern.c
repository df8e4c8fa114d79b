/* intern: an open-addressing set of strings (linear probing), each with
 * its hash, its length and, as a property name, whether it holds a
 * secret. The bytes live in large blocks, packed one after the other. */
#include "routeros/intern.h"

#include <stdlib.h>
#include <string.h>

#include "lib/mem.h"
#include "routeros/menus.h"

/* 16 bytes: the length and what is known of the name share a word. */
struct istr {
	char *s; /* NULL: a free slot */
	uint32_t hash;
	uint32_t len : 30;
	uint32_t sensitive : 2; /* SENS_* */
};

enum { SENS_UNKNOWN, SENS_NO, SENS_YES };
#define MAX_LEN ((1U << 30) - 1)

/* A block of string bytes; blocks are chained and never freed. Every
 * string has a NUL before it (the block starts with one), which
 * model.c relies on to tell its own copies from interned strings. */
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
#define RECENT_BITS 12
static struct istr *recent[1 << RECENT_BITS];

/* Eight bytes at a time, each word mixed in by a multiplication; the
 * last step spreads the high bits down to the low ones tables use. */
uint64_t nr_ros_strhash(const char *s, size_t n)
{
	const uint64_t k = 0x9e3779b97f4a7c15ULL;
	uint64_t h = n * k, w;

	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * k;
		h ^= h >> 29;
	}
	if (n) {
		w = 0;
		for (size_t i = 0; i < n; i++)
			w |= (uint64_t)(unsigned char)s[i] << (8 * i);
		h = (h ^ w) * k;
	}
	h ^= h >> 32;
	h *= 0xd6e8feb86659fd93ULL;
	return h ^ (h >> 32);
}

/* Strings lie packed in their blocks: the address is mixed, so that
 * neighbours (two short property names) do not take one slot. */
static size_t recent_slot(const char *s)
{
	return (size_t)(((uintptr_t)s * 0x9e3779b97f4a7c15ULL) >>
	    (64 - RECENT_BITS));
}

static struct istr *slot(const char *s, size_t n, uint32_t h)
{
	size_t i;

	for (i = h & (strs.cap - 1); strs.v[i].s; i = (i + 1) & (strs.cap - 1))
		if (strs.v[i].hash == h && strs.v[i].len == n &&
		    (strs.v[i].s == s || memcmp(strs.v[i].s, s, n) == 0))
			break;
	return &strs.v[i];
}

static char *store(const char *s, size_t len)
{
	size_t n = len + 1;
	struct block *b = strs.blocks;

	if (!b || b->cap - b->used < n) {
		size_t cap = n + 1 > BLOCK_BYTES ? n + 1 : BLOCK_BYTES;

		b = nr_malloc(sizeof(*b) + cap);
		b->bytes[0] = '\0';
		b->used = 1;
		b->cap = cap;
		/* a block of one long string goes behind the current one,
		 * which keeps its room */
		if (strs.blocks && n + 1 > BLOCK_BYTES) {
			b->next = strs.blocks->next;
			strs.blocks->next = b;
		} else {
			b->next = strs.blocks;
			strs.blocks = b;
		}
	}
	memcpy(b->bytes + b->used, s, len);
	b->bytes[b->used + len] = '\0';
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
			*slot(old[k].s, old[k].len, old[k].hash) = old[k];
	free(old);
}

void nr_ros_intern_reserve(size_t n)
{
	while ((n + 1) * 4 > strs.cap * 3)
		grow();
}

static struct istr *get(const char *s, size_t n)
{
	size_t r = recent_slot(s);
	uint32_t h;
	struct istr *e;

	if (recent[r] && recent[r]->s == s && recent[r]->len == n)
		return recent[r];
	if (n > MAX_LEN)
		abort(); /* texts are read whole: far smaller */
	h = (uint32_t)nr_ros_strhash(s, n);
	/* linear probing stays short up to three quarters full */
	if ((strs.n + 1) * 4 > strs.cap * 3)
		grow();
	e = slot(s, n, h);
	if (!e->s) {
		e->s = store(s, n);
		e->hash = h;
		e->len = (uint32_t)n;
		e->sensitive = SENS_UNKNOWN;
		strs.n++;
	}
	if (e->s != s)
		r = recent_slot(e->s);
	recent[r] = e;
	return e;
}

const char *nr_ros_intern(const char *s)
{
	return get(s, strlen(s))->s;
}

const char *nr_ros_intern_n(const char *s, size_t n)
{
	return get(s, n)->s;
}

bool nr_ros_key_sensitive(const char *key)
{
	struct istr *e = get(key, strlen(key));

	if (e->sensitive == SENS_UNKNOWN)
		e->sensitive = nr_ros_sensitive(key) ? SENS_YES : SENS_NO;
	return e->sensitive == SENS_YES;
}
