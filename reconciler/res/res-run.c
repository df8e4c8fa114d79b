/* res-run: post-actions (update-grub, udevadm, ...) and the host reboot.
 * These resources exist only as changes the pipeline adds after the diff;
 * their apply runs one argv through the process runner. */
#include <stdlib.h>

#include "core/plan.h"
#include "lib/run.h"

static int observe(void **have, const struct nr_resource *r, struct nr_ctx *ctx,
    struct nr_err *err)
{
	(void)r;
	(void)ctx;
	(void)err;
	*have = NULL;
	return 0;
}

static void diff(struct nr_plan *plan, const struct nr_resource *r)
{
	(void)plan;
	(void)r;
}

static int apply(
    const struct nr_change *c, struct nr_ctx *ctx, struct nr_err *err)
{
	static const char *const reboot[] = { "systemctl", "reboot", NULL };
	const struct nr_post *post = c->res->want;

	(void)ctx;
	return nr_run_checked(
	    c->action == NR_ACT_REBOOT ? reboot : post->argv, err);
}

static json_t *live_json(const struct nr_resource *r)
{
	(void)r;
	return json_null();
}

const struct nr_resource_ops nr_res_run = {
	.kind = "host.run",
	.layer = NR_LAYER_HOST,
	.observe = observe,
	.diff = diff,
	.apply = apply,
	.live_json = live_json,
};
