/* suggest: "did you mean" for mistyped names. */
#ifndef NR_SUGGEST_H
#define NR_SUGGEST_H

#include <stddef.h>

/* Edit distance between two strings (bytes): insertions, deletions,
 * substitutions and swaps of two neighbours ("tcp" -> "tpc") cost 1. */
size_t nr_edit_distance(const char *a, const char *b);
/* Returns the candidate closest to `word` if it is close enough to be a
 * likely typo (distance at most a third of the word, at least 1, or a
 * prefix), else NULL. `cands` is NULL-terminated. */
const char *nr_suggest(const char *word, const char *const *cands);

#endif
