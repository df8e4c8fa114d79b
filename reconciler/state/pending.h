/* pending: post-actions owed by an apply that stopped before running them
 * (STATE/pending, one post-action name a line). Apply adds the
 * post-actions of a change before making it and removes each one after it
 * ran; plan reads the file and runs what is still owed, so that a failed
 * update-grub is not forgotten once the file it follows is in place. */
#ifndef NR_PENDING_H
#define NR_PENDING_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/err.h"

struct nr_pending {
	char **v;
	size_t n, cap;
};

/* Reads STATE/pending into `p` (empty when the file is missing). */
int nr_pending_load(
    struct nr_pending *p, const char *state_dir, struct nr_err *err);
bool nr_pending_has(const struct nr_pending *p, const char *name);
/* Add or remove one name; true when the set changed. */
bool nr_pending_add(struct nr_pending *p, const char *name);
bool nr_pending_remove(struct nr_pending *p, const char *name);
/* Writes the set atomically; removes the file when the set is empty. */
int nr_pending_save(
    const struct nr_pending *p, const char *state_dir, struct nr_err *err);
void nr_pending_release(struct nr_pending *p);

#endif
