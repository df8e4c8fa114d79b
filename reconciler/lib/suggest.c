/* suggest: edit distance and the closest candidate. */
#include "lib/suggest.h"

#include <stdlib.h>
#include <string.h>

#include "lib/mem.h"

size_t nr_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	/* three rows: i-2, i-1 and i (transpositions look two back) */
	size_t *prev2 = nr_calloc(lb + 1, sizeof(*prev2));
	size_t *prev = nr_calloc(lb + 1, sizeof(*prev));
	size_t *row = nr_calloc(lb + 1, sizeof(*row));
	size_t result;

	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t *t;

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t best = prev[j - 1] + (a[i - 1] != b[j - 1]);

			if (prev[j] + 1 < best)
				best = prev[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && prev2[j - 2] + 1 < best)
				best = prev2[j - 2] + 1;
			row[j] = best;
		}
		t = prev2;
		prev2 = prev;
		prev = row;
		row = t;
	}
	result = prev[lb];
	free(prev2);
	free(prev);
	free(row);
	return result;
}

const char *nr_suggest(const char *word, const char *const *cands)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1, limit = strlen(word) / 3;

	if (limit < 1)
		limit = 1;
	if (limit > 3)
		limit = 3;
	for (size_t i = 0; cands[i]; i++) {
		size_t d = nr_edit_distance(word, cands[i]);

		if (d < best_d) {
			best_d = d;
			best = cands[i];
		}
	}
	if (best && best_d <= limit)
		return best;
	/* a unique prefix is a likely abbreviation */
	best = NULL;
	if (!*word)
		return NULL;
	for (size_t i = 0; cands[i]; i++) {
		if (strncmp(cands[i], word, strlen(word)) == 0) {
			if (best)
				return NULL;
			best = cands[i];
		}
	}
	return best;
}
