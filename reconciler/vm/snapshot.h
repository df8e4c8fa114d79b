/* snapshot: internal qcow2 snapshots of the VM disk. While the VM runs,
 * QMP blockdev-snapshot-internal-sync (no downtime, works with vfio-pci
 * attached; savevm/snapshot-save do not and are never used); while it is
 * stopped, qemu-img. netrec's own snapshots are named
 * "netrec-<short sha|local>-<yyyymmddThhmmssZ>" and only those are ever
 * pruned. */
#ifndef NR_VM_SNAPSHOT_H
#define NR_VM_SNAPSHOT_H

#include <stdbool.h>

#include "conf/config.h"
#include "lib/ctx.h"
#include "lib/err.h"
#include "vm/img.h"

#define NR_SNAPSHOT_PREFIX "netrec-"

/* "netrec-1a2b3c4d5e6f-20261126T064212Z". Caller frees. */
char *nr_snapshot_name(const char *commit);
/* Lists the disk's snapshots (-U while the VM runs). */
int nr_snapshot_list(
    struct nr_img_info *out, const struct nr_config *cfg, struct nr_err *err);
/* Takes a snapshot online (QMP) or offline (qemu-img); `*online` says
 * which. */
int nr_snapshot_create(const struct nr_config *cfg, const char *name,
    bool *online, struct nr_err *err);
int nr_snapshot_delete(
    const struct nr_config *cfg, const char *name, struct nr_err *err);
/* Reverts the disk: stop the VM, qemu-img snapshot -a, start it again
 * when it was running. */
int nr_snapshot_restore(struct nr_ctx *ctx, const struct nr_config *cfg,
    const char *name, struct nr_err *err);
/* Deletes netrec's own snapshots beyond `keep`, oldest first; `pruned`
 * gets how many went. */
int nr_snapshot_prune(const struct nr_config *cfg, long long keep, int *pruned,
    struct nr_err *err);

#endif
