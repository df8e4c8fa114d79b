/* diag: located diagnostics for a source text (network.yaml, a RouterOS
 * script). Parsers keep going after an error and add every problem here;
 * the caller sorts and prints them all at once, each as
 * `FILE:LINE:COL: message`, the source line and a caret. */
#ifndef NR_DIAG_H
#define NR_DIAG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* A position in a source text; 1-based. line 0 means "the whole file". */
struct nr_loc {
	int line;
	int col;
};

enum nr_severity { NR_SEV_ERROR, NR_SEV_WARNING };

struct nr_diag {
	struct nr_loc loc;
	enum nr_severity sev;
	char *msg;
};

struct nr_diags {
	struct nr_diag *v;
	size_t n, cap;
	size_t errors;
};

void nr_diags_init(struct nr_diags *d);
void nr_diags_release(struct nr_diags *d);
/* Moves every diagnostic of `src` to the end of `dst`; `src` is empty
 * after. */
void nr_diags_take(struct nr_diags *dst, struct nr_diags *src);
void nr_diag_error(struct nr_diags *d, struct nr_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void nr_diag_warn(struct nr_diags *d, struct nr_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void nr_diag_vadd(struct nr_diags *d, struct nr_loc loc, enum nr_severity sev,
    const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));
/* Stable sort by position (line, column), keeping insertion order on ties. */
void nr_diags_sort(struct nr_diags *d);
/* Prints every diagnostic as `name:line:col: [warning: ]message`, followed
 * by the source line and a caret under the column when `text` is given. */
void nr_diags_print(FILE *fp, const struct nr_diags *d, const char *name,
    const char *text, size_t len, bool color);

#endif
