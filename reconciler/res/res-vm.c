/* res-vm: the VM layer.
 *  - vm.disk[PATH]: the qcow2 disk exists (converted from vm.image_source
 *    when missing; an existing disk is never overwritten).
 *  - host.file[/etc/systemd/system/NAME.service]: the unit, for the
 *    systemd supervisor (after it: systemctl daemon-reload).
 *  - vm[NAME]: QEMU runs with exactly the generated command line; a
 *    difference is a restart, which drops the internet for one boot. */
#include <stdlib.h>
#include <string.h>

#include "core/pipeline.h"
#include "lib/buf.h"
#include "lib/mem.h"
#include "lib/udiff.h"
#include "res/res-file.h"
#include "vm/argv.h"
#include "vm/img.h"
#include "vm/vmctl.h"

/* ---- vm.disk ---- */

struct disk_have {
	bool exists;
	char *format;
	char *problem; /* qemu-img's words for an unreadable image */
};

static int disk_observe(void **out, const struct nr_resource *r,
    struct nr_ctx *ctx, struct nr_err *err)
{
	const struct nr_config *cfg = r->want;
	struct disk_have *h = nr_calloc(1, sizeof(*h));
	char *disk = nr_vm_disk(&cfg->vm);
	struct nr_img_info info;
	struct nr_err e = NR_ERR_INIT;
	int rc = nr_img_info(&info, disk, true, &e);

	(void)ctx;
	(void)err;
	if (rc == 0) {
		h->exists = true;
		h->format = nr_strdup(info.format ? info.format : "?");
		nr_img_info_release(&info);
	} else if (rc != NR_ENOTFOUND) {
		h->exists = true;
		h->problem = nr_strdup(e.msg);
	}
	free(disk);
	*out = h;
	return 0;
}

static void disk_diff(struct nr_plan *plan, const struct nr_resource *r)
{
	const struct nr_config *cfg = r->want;
	const struct disk_have *h = r->have;

	if (h->problem)
		nr_plan_note(
		    plan, NR_NOTE_REFUSE, r->address, "%s", h->problem);
	else if (h->exists && strcmp(h->format, "qcow2") != 0)
		nr_plan_note(plan, NR_NOTE_REFUSE, r->address,
		    "the disk is %s, not qcow2 (snapshots need qcow2: convert "
		    "it with qemu-img convert -O qcow2)",
		    h->format);
	else if (!h->exists && cfg->vm.image_source.set)
		nr_plan_add(plan, r, NR_ACT_CREATE, NR_DIS_NONE, NULL,
		    "missing: convert %s to qcow2", cfg->vm.image_source.s);
	else if (!h->exists)
		nr_plan_note(plan, NR_NOTE_REFUSE, r->address,
		    "the disk is missing and vm.image_source names no image to "
		    "make it from");
}

static int disk_apply(
    const struct nr_change *c, struct nr_ctx *ctx, struct nr_err *err)
{
	const struct nr_config *cfg = c->res->want;
	char *disk = nr_vm_disk(&cfg->vm);
	char *src = cfg->vm.image_source.s[0] == '/'
	    ? nr_strdup(cfg->vm.image_source.s)
	    : nr_asprintf("%s/%s", cfg->vm.dir.s, cfg->vm.image_source.s);
	int rc;

	nr_say(ctx, "converting %s to %s (qcow2) ... ", src, disk);
	rc = nr_img_convert(src, disk, err);
	free(disk);
	free(src);
	return rc;
}

static json_t *disk_live_json(const struct nr_resource *r)
{
	const struct disk_have *h = r->have;

	return json_pack("{s:b, s:s?, s:s?}", "exists", h->exists, "format",
	    h->format, "problem", h->problem);
}

static void disk_free_have(void *p)
{
	struct disk_have *h = p;

	free(h->format);
	free(h->problem);
	free(h);
}

static const struct nr_resource_ops disk_ops = {
	.kind = "vm.disk",
	.layer = NR_LAYER_VM,
	.observe = disk_observe,
	.diff = disk_diff,
	.apply = disk_apply,
	.live_json = disk_live_json,
	.free_have = disk_free_have,
};

/* ---- vm ---- */

struct vm_have {
	long pid;
	struct nr_argv cmdline;
};

static int vm_observe(void **out, const struct nr_resource *r,
    struct nr_ctx *ctx, struct nr_err *err)
{
	const struct nr_config *cfg = r->want;
	struct vm_have *h = nr_calloc(1, sizeof(*h));
	struct nr_err e = NR_ERR_INIT;

	(void)ctx;
	(void)err;
	h->pid = (long)nr_vm_pid(cfg);
	if (h->pid && nr_vm_cmdline(&h->cmdline, (pid_t)h->pid, &e) < 0)
		h->pid = 0; /* it exited in between */
	*out = h;
	return 0;
}

/* argv as text, one word a line, for the plan's diff. */
static char *lines_of(char *const *v, size_t n)
{
	struct nr_buf b = NR_BUF_INIT;

	for (size_t i = 0; i < n; i++)
		nr_buf_addf(&b, "%s\n", v[i]);
	return nr_buf_detach(&b);
}

static void vm_diff(struct nr_plan *plan, const struct nr_resource *r)
{
	const struct nr_config *cfg = r->want;
	const struct vm_have *h = r->have;
	struct nr_argv want;
	bool direct = cfg->vm.supervisor.num == NR_SUP_DIRECT;
	char *a, *b, *d;

	if (!h->pid) {
		nr_plan_add(plan, r, NR_ACT_RESTART, NR_DIS_NONE, NULL,
		    "not running: start it");
		return;
	}
	nr_vm_argv(&want, cfg, direct);
	/* the unit starts /usr/bin/qemu-...: compare from the first option */
	a = lines_of(h->cmdline.v + 1, h->cmdline.n ? h->cmdline.n - 1 : 0);
	b = lines_of(want.v + 1, want.n - 1);
	if (strcmp(a, b) != 0) {
		d = nr_udiff("qemu-command-line", a, strlen(a), b, strlen(b));
		nr_plan_add(plan, r, NR_ACT_RESTART, NR_DIS_ROUTER_RESTART, d,
		    "the running QEMU (pid %ld) has another command line",
		    h->pid);
		free(d);
	}
	free(a);
	free(b);
	nr_argv_release(&want);
}

static int vm_apply(
    const struct nr_change *c, struct nr_ctx *ctx, struct nr_err *err)
{
	const struct nr_config *cfg = c->res->want;
	const struct vm_have *h = c->res->have;
	int rc = 0;

	if (h->pid) {
		nr_say(ctx, "stopping ... ");
		rc = nr_vm_stop(ctx, cfg, err);
	}
	if (rc == 0) {
		nr_say(ctx, "starting ... ");
		rc = nr_vm_start(ctx, cfg, err);
	}
	return rc;
}

static json_t *vm_live_json(const struct nr_resource *r)
{
	const struct vm_have *h = r->have;
	json_t *argv = json_array();

	for (size_t i = 0; i < h->cmdline.n; i++)
		json_array_append_new(argv, json_string(h->cmdline.v[i]));
	return json_pack("{s:I, s:o}", "pid", (json_int_t)h->pid, "argv", argv);
}

static void vm_free_have(void *p)
{
	struct vm_have *h = p;

	nr_argv_release(&h->cmdline);
	free(h);
}

static const struct nr_resource_ops vm_ops = {
	.kind = "vm",
	.layer = NR_LAYER_VM,
	.observe = vm_observe,
	.diff = vm_diff,
	.apply = vm_apply,
	.live_json = vm_live_json,
	.free_have = vm_free_have,
};

#define ARGV(...) ((const char *const[]){ __VA_ARGS__, NULL })

static const struct nr_post post_reload = { "systemctl daemon-reload",
	ARGV("systemctl", "daemon-reload") };
static const struct nr_post *const posts_unit[] = { &post_reload, NULL };

void nr_vm_resources(struct nr_pipeline *p)
{
	const struct nr_config *cfg = p->cfg;
	char *disk;

	if (!cfg->vm.o.present)
		return;
	disk = nr_vm_disk(&cfg->vm);
	nr_pipeline_add(p, &disk_ops, (void *)cfg, NULL, "vm.disk[%s]", disk);
	free(disk);
	if (cfg->vm.supervisor.num == NR_SUP_SYSTEMD) {
		struct nr_file_want *w = nr_calloc(1, sizeof(*w));

		w->path = nr_asprintf(
		    "/etc/systemd/system/%s.service", cfg->vm.name.s);
		w->content = nr_vm_unit(cfg, nr_pipeline_origin(p));
		w->len = strlen(w->content);
		w->mode = 0644;
		w->owner = nr_strdup("root:root");
		w->generated = true;
		nr_pipeline_add(
		    p, &nr_res_file, w, posts_unit, "host.file[%s]", w->path);
	}
	nr_pipeline_add(
	    p, &vm_ops, (void *)cfg, NULL, "vm[%s]", cfg->vm.name.s);
}
