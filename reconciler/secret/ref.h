/* ref: secret references inside the router config, `{{ scheme:rest }}`.
 * Finding and checking them is shared by validate (where they are only
 * checked) and apply (where they are resolved, in memory only). */
#ifndef NR_SECRET_REF_H
#define NR_SECRET_REF_H

#include <stddef.h>

enum nr_secret_scheme {
	NR_SECRET_OP, /* {{ op://vault/item/field }}: 1Password CLI */
	NR_SECRET_PASS, /* {{ pass:NAME }}: password-store */
	NR_SECRET_ENV, /* {{ env:NAME }}: an environment variable */
	NR_SECRET_FILE /* {{ file:PATH }}: a file's content */
};

struct nr_secret_ref {
	size_t off, len; /* the whole {{ ... }} in the text */
	enum nr_secret_scheme scheme;
	char arg[512]; /* after "scheme:" ("//v/i/f" for op) */
};

/* Finds the next reference starting at or after `*pos`. Returns 1 and
 * fills `ref` (advancing *pos past it), 0 when there is none, or -1 for a
 * malformed one, with the reason in why[] and its offset in ref->off
 * (*pos is advanced past it too, so a caller can report them all). */
int nr_secret_next(const char *text, size_t *pos, struct nr_secret_ref *ref,
    char *why, size_t whylen);

#endif
