/* mem: allocation that never returns NULL. */
#include "lib/mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *check(void *p)
{
	if (!p) {
		fputs("netrec: out of memory\n", stderr);
		abort();
	}
	return p;
}

void *nr_malloc(size_t n)
{
	return check(malloc(n ? n : 1));
}

void *nr_calloc(size_t nmemb, size_t size)
{
	return check(calloc(nmemb ? nmemb : 1, size ? size : 1));
}

void *nr_realloc(void *p, size_t n)
{
	return check(realloc(p, n ? n : 1));
}

char *nr_strdup(const char *s)
{
	return check(strdup(s));
}

char *nr_strndup(const char *s, size_t n)
{
	return check(strndup(s, n));
}

int nr_strp_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

char *nr_asprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		check(NULL);
	return s;
}

void *nr_array_push(void *vp, size_t *n, size_t *cap, size_t size)
{
	char **v = vp;
	char *slot;

	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 8;
		*v = nr_realloc(*v, *cap * size);
	}
	slot = *v + *n * size;
	memset(slot, 0, size);
	(*n)++;
	return slot;
}
