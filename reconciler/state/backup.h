/* backup: before an apply replaces or removes a file, its old content is
 * kept under STATE/backup/<attempt seq>/<path> (0600), so nothing that was
 * on the host is ever lost. */
#ifndef NR_BACKUP_H
#define NR_BACKUP_H

#include <stddef.h>

#include "lib/ctx.h"
#include "lib/err.h"

int nr_backup_save(const struct nr_ctx *ctx, const char *path,
    const char *content, size_t len, struct nr_err *err);

#endif
