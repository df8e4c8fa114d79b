/* snapshot: online and offline disk snapshots, restore, retention. */
#include "vm/snapshot.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/mem.h"
#include "vm/qmp.h"
#include "vm/vmctl.h"

char *nr_snapshot_name(const char *commit)
{
	char when[32];
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y%m%dT%H%M%SZ", &tm);
	if (commit)
		return nr_asprintf(NR_SNAPSHOT_PREFIX "%.12s-%s", commit, when);
	return nr_asprintf(NR_SNAPSHOT_PREFIX "local-%s", when);
}

int nr_snapshot_list(
    struct nr_img_info *out, const struct nr_config *cfg, struct nr_err *err)
{
	char *disk = nr_vm_disk(&cfg->vm);
	int rc = nr_img_info(out, disk, true, err);

	free(disk);
	return rc;
}

/* Runs one QMP block snapshot command on the running VM's disk. */
static int qmp_snapshot(const struct nr_config *cfg, const char *command,
    const char *name, struct nr_err *err)
{
	char *sock = nr_vm_path(&cfg->vm, "qmp");
	struct nr_qmp q;
	json_t *ret = NULL, *args;
	int rc = nr_qmp_open(&q, sock, 10000, err);

	free(sock);
	if (rc < 0)
		return rc;
	args = json_pack("{s:s, s:s}", "device", "disk0", "name", name);
	rc = nr_qmp_exec(&q, &ret, command, args, err);
	json_decref(args);
	json_decref(ret);
	nr_qmp_close(&q);
	return rc;
}

int nr_snapshot_create(const struct nr_config *cfg, const char *name,
    bool *online, struct nr_err *err)
{
	char *disk;
	int rc;

	*online = nr_vm_pid(cfg) != 0;
	if (*online)
		return qmp_snapshot(
		    cfg, "blockdev-snapshot-internal-sync", name, err);
	disk = nr_vm_disk(&cfg->vm);
	rc = nr_img_snapshot_create(disk, name, err);
	free(disk);
	return rc;
}

int nr_snapshot_delete(
    const struct nr_config *cfg, const char *name, struct nr_err *err)
{
	char *disk;
	int rc;

	if (nr_vm_pid(cfg))
		return qmp_snapshot(
		    cfg, "blockdev-snapshot-delete-internal-sync", name, err);
	disk = nr_vm_disk(&cfg->vm);
	rc = nr_img_snapshot_delete(disk, name, err);
	free(disk);
	return rc;
}

static bool has_snapshot(const struct nr_img_info *info, const char *name)
{
	for (size_t i = 0; i < info->nsnaps; i++)
		if (strcmp(info->snaps[i].name, name) == 0)
			return true;
	return false;
}

int nr_snapshot_restore(struct nr_ctx *ctx, const struct nr_config *cfg,
    const char *name, struct nr_err *err)
{
	struct nr_img_info info;
	bool was_running = nr_vm_pid(cfg) != 0;
	char *disk = nr_vm_disk(&cfg->vm);
	int rc = nr_img_info(&info, disk, true, err);

	if (rc == 0) {
		bool found = has_snapshot(&info, name);

		nr_img_info_release(&info);
		if (!found)
			rc = nr_err_set(err, NR_ENOTFOUND,
			    "the disk '%s' has no "
			    "snapshot '%s' (netrec snapshot list shows them)",
			    disk, name);
	}
	if (rc == 0)
		rc = nr_vm_stop(ctx, cfg, err);
	if (rc == 0)
		rc = nr_img_snapshot_apply(disk, name, err);
	if (rc == 0 && was_running)
		rc = nr_vm_start(ctx, cfg, err);
	free(disk);
	return rc;
}

/* Oldest first. Dates have a one-second resolution here, and within one
 * second names do not sort by age ("...Z" may be newer than "...Z-3" when
 * the older "...Z" was pruned): qcow2 gives every new snapshot the highest
 * id so far plus one, so the id orders snapshots of the same second. */
static int by_date(const void *a, const void *b)
{
	const struct nr_img_snapshot *x = a, *y = b;
	long long ix = strtoll(x->id, NULL, 10), iy = strtoll(y->id, NULL, 10);

	if (x->date_sec != y->date_sec)
		return x->date_sec < y->date_sec ? -1 : 1;
	if (ix != iy)
		return ix < iy ? -1 : 1;
	return strcmp(x->name, y->name);
}

int nr_snapshot_prune(const struct nr_config *cfg, long long keep, int *pruned,
    struct nr_err *err)
{
	struct nr_img_info info;
	size_t ours = 0;
	int rc = nr_snapshot_list(&info, cfg, err);

	*pruned = 0;
	if (rc < 0)
		return rc;
	qsort(info.snaps, info.nsnaps, sizeof(*info.snaps), by_date);
	for (size_t i = 0; i < info.nsnaps; i++)
		ours += strncmp(info.snaps[i].name, NR_SNAPSHOT_PREFIX,
			    strlen(NR_SNAPSHOT_PREFIX)) == 0;
	for (size_t i = 0; rc == 0 && i < info.nsnaps && ours > (size_t)keep;
	     i++) {
		if (strncmp(info.snaps[i].name, NR_SNAPSHOT_PREFIX,
			strlen(NR_SNAPSHOT_PREFIX)) != 0)
			continue;
		rc = nr_snapshot_delete(cfg, info.snaps[i].name, err);
		if (rc == 0) {
			ours--;
			(*pruned)++;
		}
	}
	nr_img_info_release(&info);
	return rc;
}
