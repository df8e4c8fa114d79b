/* buf: a growable, always NUL-terminated byte string (after git's strbuf).
 *
 * Invariants: `s` is never NULL (an empty buffer points at a shared ""),
 * `s[len] == '\0'`, `len < cap` once anything was allocated. _init allocates
 * nothing; _release frees and re-inits; _detach hands the string over. */
#ifndef NR_BUF_H
#define NR_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct nr_buf {
	char *s;
	size_t len;
	size_t cap;
};

extern char nr_buf_empty[];
#define NR_BUF_INIT                \
	{                          \
		nr_buf_empty, 0, 0 \
	}

void nr_buf_init(struct nr_buf *b);
void nr_buf_release(struct nr_buf *b);
/* nr_buf_release after zeroing the bytes (it may have held a secret). */
void nr_buf_wipe(struct nr_buf *b);
/* Returns the string (caller frees) and leaves `b` empty. */
char *nr_buf_detach(struct nr_buf *b);
void nr_buf_grow(struct nr_buf *b, size_t extra);
void nr_buf_add(struct nr_buf *b, const void *data, size_t len);
void nr_buf_adds(struct nr_buf *b, const char *s);
void nr_buf_addch(struct nr_buf *b, char c);
void nr_buf_addf(struct nr_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void nr_buf_vaddf(struct nr_buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
void nr_buf_reset(struct nr_buf *b);

#endif
