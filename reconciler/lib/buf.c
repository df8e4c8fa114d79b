/* buf: growable string buffer; see buf.h for the invariants. */
#include "lib/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/mem.h"

char nr_buf_empty[1];

void nr_buf_init(struct nr_buf *b)
{
	b->s = nr_buf_empty;
	b->len = 0;
	b->cap = 0;
}

void nr_buf_release(struct nr_buf *b)
{
	if (b->cap)
		free(b->s);
	nr_buf_init(b);
}

void nr_buf_wipe(struct nr_buf *b)
{
	if (b->cap)
		explicit_bzero(b->s, b->cap);
	nr_buf_release(b);
}

char *nr_buf_detach(struct nr_buf *b)
{
	char *s = b->cap ? b->s : nr_strdup("");

	nr_buf_init(b);
	return s;
}

void nr_buf_grow(struct nr_buf *b, size_t extra)
{
	size_t want = b->len + extra + 1;
	size_t cap;

	if (want <= b->cap)
		return;
	cap = b->cap ? b->cap : 64;
	while (cap < want)
		cap *= 2;
	if (b->cap) {
		b->s = nr_realloc(b->s, cap);
	} else {
		b->s = nr_malloc(cap);
		b->s[0] = '\0';
	}
	b->cap = cap;
}

void nr_buf_add(struct nr_buf *b, const void *data, size_t len)
{
	if (!len)
		return;
	nr_buf_grow(b, len);
	memcpy(b->s + b->len, data, len);
	b->len += len;
	b->s[b->len] = '\0';
}

void nr_buf_adds(struct nr_buf *b, const char *s)
{
	nr_buf_add(b, s, strlen(s));
}

void nr_buf_addch(struct nr_buf *b, char c)
{
	nr_buf_add(b, &c, 1);
}

void nr_buf_vaddf(struct nr_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n <= 0)
		return;
	nr_buf_grow(b, (size_t)n);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void nr_buf_addf(struct nr_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	nr_buf_vaddf(b, fmt, ap);
	va_end(ap);
}

void nr_buf_reset(struct nr_buf *b)
{
	b->len = 0;
	if (b->cap)
		b->s[0] = '\0';
}
