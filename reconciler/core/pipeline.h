/* pipeline: the one path of plan and apply. It derives the resources of
 * the targeted layers from the config, observes each, digests the live
 * state, and diffs each into the plan, then adds the post-actions and the
 * reboot the changes need. apply continues from there (core/apply.c). */
#ifndef NR_PIPELINE_H
#define NR_PIPELINE_H

#include "conf/config.h"
#include "conf/source.h"
#include "core/plan.h"
#include "state/pending.h"

struct nr_pipeline {
	struct nr_ctx *ctx;
	const struct nr_config *cfg;
	const char *commit; /* full id, or NULL (a plain file) */
	struct nr_resource **res;
	size_t n, cap;
	struct nr_plan plan;
	/* post-actions an earlier apply still owes; apply keeps it current */
	struct nr_pending pending;
};

void nr_pipeline_init(struct nr_pipeline *p, struct nr_ctx *ctx,
    const struct nr_config *cfg, const struct nr_source *src, unsigned targets);
void nr_pipeline_release(struct nr_pipeline *p);

/* Adds a resource (takes `want`); used by the layers' derive functions. */
struct nr_resource *nr_pipeline_add(struct nr_pipeline *p,
    const struct nr_resource_ops *ops, void *want,
    const struct nr_post *const *post, const char *address_fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Derives, observes and diffs: fills p->plan, with the post-actions the
 * changes need and those still owed (p->pending, from the state folder). */
int nr_pipeline_plan(struct nr_pipeline *p, struct nr_err *err);

/* Adds the host reboot as the plan's last change. */
void nr_pipeline_add_reboot(struct nr_pipeline *p, const char *reason);

/* The host layer's resources (res/host.c). */
void nr_host_resources(struct nr_pipeline *p);
/* The VM layer's resources (res/res-vm.c). */
void nr_vm_resources(struct nr_pipeline *p);
/* The router layer's resource (res/res-router.c). */
void nr_router_resources(struct nr_pipeline *p);

/* "netrec-<12 hex>" style id of this source for file headers. */
const char *nr_pipeline_origin(const struct nr_pipeline *p);

#endif
