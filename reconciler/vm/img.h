/* img: qemu-img through the process runner: image facts, snapshots,
 * conversion. `force_share` adds -U, which lets a running QEMU keep its
 * write lock while netrec reads (listing only). */
#ifndef NR_IMG_H
#define NR_IMG_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/err.h"

struct nr_img_snapshot {
	char *id;
	char *name;
	long long date_sec; /* creation time, seconds since the epoch */
	long long vm_state_size;
};

struct nr_img_info {
	char *format; /* "qcow2" */
	long long virtual_size;
	long long actual_size;
	struct nr_img_snapshot *snaps;
	size_t nsnaps;
};

/* `qemu-img info --output=json [-U] PATH`. A missing file is
 * NR_ENOTFOUND; a corrupt image is NR_EEXTERNAL with qemu-img's words. */
int nr_img_info(struct nr_img_info *out, const char *path, bool force_share,
    struct nr_err *err);
void nr_img_info_release(struct nr_img_info *info);

/* `qemu-img snapshot -c|-a|-d NAME PATH` (the image must not be in use). */
int nr_img_snapshot_create(
    const char *path, const char *name, struct nr_err *err);
int nr_img_snapshot_apply(
    const char *path, const char *name, struct nr_err *err);
int nr_img_snapshot_delete(
    const char *path, const char *name, struct nr_err *err);

/* `qemu-img create -f qcow2 PATH SIZE` and `qemu-img convert -O qcow2
 * SRC DST` (the caller reports progress and duration). Neither overwrites:
 * an existing PATH or DST is NR_EINVAL; on failure the new file is gone. */
int nr_img_create(const char *path, long long size, struct nr_err *err);
int nr_img_convert(const char *src, const char *dst, struct nr_err *err);

#endif
