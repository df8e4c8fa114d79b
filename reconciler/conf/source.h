/* source: the bytes of network.yaml, from a file (or stdin) or from a git
 * commit read with libgit2 (bare or not, no working tree touched). */
#ifndef NR_SOURCE_H
#define NR_SOURCE_H

#include <stddef.h>

#include "lib/err.h"

struct nr_source {
	char *name; /* for messages: "network.yaml", "HEAD~1:network.yaml" */
	char *data; /* NUL-terminated */
	size_t len;
	char commit[41]; /* full commit id when read from git, else "" */
};

/* Reads `path` ("-" is stdin). */
int nr_source_file(struct nr_source *out, const char *path, struct nr_err *err);
/* Reads `path` from the commit `rev` of the repository at `repo`. */
int nr_source_git(struct nr_source *out, const char *repo, const char *rev,
    const char *path, struct nr_err *err);
void nr_source_release(struct nr_source *s);

/* Opens the repository at `path` (no search upwards), seeing the objects
 * of a push in progress when run from a pre-receive hook. libgit2 must be
 * initialised by the caller. Returns 0 or -1 (git_error_last() says why). */
typedef struct git_repository git_repository;
int nr_git_open(git_repository **out, const char *path);

#endif
