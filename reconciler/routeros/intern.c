/* intern: an open-addressing set of strings (linear probing), each with
 * its hash and, as a property name, whether it holds a secret. */
#include "routeros/intern.h"

#include <stdlib.h>
#include <string.h>

#include "lib/mem.h"
#include "routeros/menus.h"

struct istr {
	char *s; /* NULL: a free slot */
	size_t hash;
	signed char sensitive; /* -1: not worked out yet */
};

static struct {
	struct istr *v;
	size_t n, cap;
} strs;

static size_t hash(const char *s)
{
	size_t h = 14695981039346656037ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static struct istr *slot(const char *s, size_t h)
{
	size_t i;

	for (i = h & (strs.cap - 1); strs.v[i].s; i = (i + 1) & (strs.cap - 1))
		if (strs.v[i].s == s ||
		    (strs.v[i].hash == h && strcmp(strs.v[i].s, s) == 0))
			break;
	return &strs.v[i];
}

static struct istr *get(const char *s)
{
	size_t h = hash(s);
	struct istr *e;

	if ((strs.n + 1) * 2 > strs.cap) {
		struct istr *old = strs.v;
		size_t oldcap = strs.cap;

		strs.cap = oldcap ? oldcap * 2 : 256;
		strs.v = nr_calloc(strs.cap, sizeof(*strs.v));
		for (size_t k = 0; k < oldcap; k++)
			if (old[k].s)
				*slot(old[k].s, old[k].hash) = old[k];
		free(old);
	}
	e = slot(s, h);
	if (!e->s) {
		e->s = nr_strdup(s);
		e->hash = h;
		e->sensitive = -1;
		strs.n++;
	}
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
