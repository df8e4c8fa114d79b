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

/* Runs argv; a non-zero exit is an error carrying the program's stderr. */
int nr_run_checked(const char *const *argv, struct nr_err *err);

int nr_run_checked(const char *const *argv, struct nr_err *err)
{
	struct nr_run_result res;
	char *line = nr_argv_str(argv);
	int rc = nr_run(&res, argv, NULL, err);

	if (rc == 0 && res.status != 0) {
		size_t n = res.err.len;

		while (
		    n && (res.err.s[n - 1] == '\n' || res.err.s[n - 1] == ' '))
			n--;
		rc = nr_err_set(err, NR_EEXTERNAL,
		    "'%s' failed with status %d%s%.*s", line, res.status,
		    n ? ": " : "", (int)(n > 400 ? 400 : n), res.err.s);
	}
	nr_run_result_release(&res);
	free(line);
	return rc;
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
