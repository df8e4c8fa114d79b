/* fsutil: file reading and atomic replacement under the --root prefix. */
#ifndef NR_FSUTIL_H
#define NR_FSUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "lib/err.h"

/* ROOT + path ("/" root gives path itself). Caller frees. */
char *nr_rooted(const char *root, const char *path);

/* Reads a whole file (at most `max` bytes; 0 for 64 MiB). Returns 0, or
 * NR_ENOTFOUND when it does not exist (also when a parent is not a
 * folder; err untouched), or NR_EIO. */
int nr_file_read(
    char **out, size_t *len, const char *path, size_t max, struct nr_err *err);

/* Creates `path` and its missing parents with `mode`. */
int nr_mkdir_p(const char *path, mode_t mode, struct nr_err *err);

/* Replaces `path` with `data` atomically: a temporary file in the same
 * folder, written in full, fchmod/fchown, fsync, rename over the target,
 * fsync of the folder. On any failure the target is untouched and the
 * temporary file removed. uid/gid -1 leave the owner as created. Missing
 * parent folders are created (0755). A symlink at `path` is replaced, not
 * followed. Only a failed fsync of the folder, after the rename, is
 * reported with the new content already in place. */
int nr_file_replace(const char *path, const void *data, size_t len, mode_t mode,
    uid_t uid, gid_t gid, struct nr_err *err);

/* Removes the temporary files ".NAME.netrec-XXXXXX" that an earlier
 * nr_file_replace of `path` left behind when it was killed between the
 * write and the rename. Only for a caller that knows no other process is
 * replacing `path` now (the apply, under the lock). Errors are ignored:
 * a left-over temporary file is litter, not damage. */
void nr_file_clean_temps(const char *path);

/* Removes, anywhere below `dir`, the regular files named as
 * nr_file_replace names its temporary files (".NAME.netrec-XXXXXX"),
 * without following symlinks. Only for a folder that netrec alone
 * writes, and only while no other process writes it (STATE/backup and
 * STATE/sources, under the lock). Errors are ignored, as above. */
void nr_file_clean_temps_under(const char *dir);

/* Appends `data` to `path` (created 0600 if missing) and fsyncs it. */
int nr_file_append(
    const char *path, const void *data, size_t len, struct nr_err *err);

#endif
