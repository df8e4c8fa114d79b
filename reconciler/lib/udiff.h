/* udiff: a unified diff of two texts, made by libgit2's buffer diff. */
#ifndef NR_UDIFF_H
#define NR_UDIFF_H

#include <stddef.h>

/* Returns the diff ("--- a/PATH", "+++ b/PATH", hunks) of old -> new, with
 * /dev/null for a side that is NULL; "" when the texts are equal. Caller
 * frees. */
char *nr_udiff(const char *path, const char *old, size_t old_len,
    const char *new_text, size_t new_len);

#endif
