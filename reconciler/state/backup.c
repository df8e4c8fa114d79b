/* backup: old file contents kept beside the journal. */
#include "state/backup.h"

#include <stdlib.h>

#include "lib/fsutil.h"
#include "lib/mem.h"

int nr_backup_save(const struct nr_ctx *ctx, const char *path,
    const char *content, size_t len, struct nr_err *err)
{
	char *dest;
	int rc;

	if (!ctx->backup_dir)
		return nr_err_set(
		    err, NR_EINVAL, "no backup folder for '%s'", path);
	dest = nr_rooted(ctx->backup_dir, path);
	rc = nr_file_replace(
	    dest, content, len, 0600, (uid_t)-1, (gid_t)-1, err);
	free(dest);
	return rc;
}
