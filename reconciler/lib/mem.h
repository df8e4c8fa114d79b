/* mem: allocation wrappers that abort on failure (this is a CLI) and the
 * growable-array helper used throughout. */
#ifndef NR_MEM_H
#define NR_MEM_H

#include <stddef.h>

void *nr_malloc(size_t n);
void *nr_calloc(size_t nmemb, size_t size);
void *nr_realloc(void *p, size_t n);
char *nr_strdup(const char *s);
char *nr_strndup(const char *s, size_t n);
char *nr_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* strcmp for qsort and bsearch over an array of strings. */
int nr_strp_cmp(const void *a, const void *b);

/* Make room for one more element in the array `*v` of `*n` elements of
 * `size` bytes, with capacity `*cap`; returns the new (zeroed) slot. */
void *nr_array_push(void *v, size_t *n, size_t *cap, size_t size);

#define NR_PUSH(v, n, cap) \
	((__typeof__(v))nr_array_push(&(v), &(n), &(cap), sizeof(*(v))))
#define NR_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
