/* resolve: the values behind {{ ... }} references, in memory only, at
 * apply time: 1Password (`op read`), password-store (`pass show`), the
 * environment, a file (refused when others can read it). Any reference
 * that cannot be resolved stops everything before a change is made.
 * Values are wiped before their memory is freed, and never written to a
 * file, a log, the journal or the terminal; netrec keeps only HMAC
 * digests (secret.key in the state folder, 0600) to tell when a value
 * RouterOS never exports has changed. */
#ifndef NR_SECRET_RESOLVE_H
#define NR_SECRET_RESOLVE_H

#include <stddef.h>

#include "lib/err.h"

struct nr_secret {
	char *ref; /* the reference as written, e.g. "op://v/i/f" */
	char *value;
	size_t len;
};

struct nr_secrets {
	struct nr_secret *v;
	size_t n, cap;
};

/* Resolves every reference of `text` (each once). On failure nothing is
 * kept and the error names the reference, never a value. */
int nr_secrets_resolve(
    struct nr_secrets *out, const char *text, struct nr_err *err);
/* `text` with each reference replaced by its value. Caller wipes and frees
 * it with nr_secret_free_text. */
char *nr_secrets_fill(const char *text, const struct nr_secrets *s);
void nr_secret_free_text(char *text);
void nr_secrets_wipe(struct nr_secrets *s);

/* HMAC-SHA256 (hex) of `data` under the state folder's secret.key, made
 * (32 random bytes, 0600) on first use. */
int nr_secret_digest(char out[65], const char *state_dir, const void *data,
    size_t len, struct nr_err *err);

#endif
