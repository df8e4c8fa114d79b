/* cmd-apply: converge the live state to network.yaml (or to a saved plan,
 * refused when stale). */
#include <stdlib.h>

#include "lib/buf.h"

#include "cmd/cmd.h"
#include "cmd/common.h"
#include "core/apply.h"

enum {
	O_YES,
	O_REBOOT,
	O_RESTART,
	O_NO_SNAPSHOT,
	O_NO_CHECKS,
	O_TARGET,
	O_LOCK_TIMEOUT
};

static const struct nr_opt opts[] = {
	[O_YES] = { "yes", 'y', NULL, "apply without asking" },
	[O_REBOOT] = { "allow-reboot", 0, NULL,
	    "reboot the host when a change needs it" },
	[O_RESTART] = { "allow-restart", 0, NULL,
	    "restart the router VM when a change needs it" },
	[O_NO_SNAPSHOT] = { "no-snapshot", 0, NULL,
	    "skip the pre-apply VM disk snapshot" },
	[O_NO_CHECKS] = { "no-checks", 0, NULL,
	    "skip the post-apply health checks" },
	[O_TARGET] = { "target", 0, "LAYERS",
	    "only these layers: host, vm, router (comma-separated)" },
	[O_LOCK_TIMEOUT] = { "lock-timeout", 0, "SECONDS",
	    "wait this long for another apply to finish (default 0)" },
	{ NULL, 0, NULL, NULL },
};

/* Reads the layers a saved plan covers (when `targets` is not NULL). */
static int planfile_targets(
    struct nr_ctx *ctx, const char *path, unsigned *targets)
{
	json_error_t jerr;
	json_t *plan = json_load_file(path, 0, &jerr), *t;
	size_t i;
	struct nr_buf b = NR_BUF_INIT;
	int rc = 0;

	if (!plan) {
		nr_cmd_error(
		    ctx, "cannot read plan file '%s': %s", path, jerr.text);
		return -1;
	}
	if (targets) {
		json_array_foreach (json_object_get(plan, "targets"), i, t)
			nr_buf_addf(&b, "%s%s", b.len ? "," : "",
			    json_string_value(t) ? json_string_value(t) : "?");
		rc = nr_cmd_targets(ctx, b.len ? b.s : NULL, targets);
	}
	nr_buf_release(&b);
	json_decref(plan);
	return rc;
}

static int exec_apply(struct nr_ctx *ctx, const struct nr_args *a)
{
	struct nr_source src = { 0 };
	struct nr_config cfg;
	struct nr_apply_opts o = { 0 };
	long lock_s = 0;
	int rc;

	if (nr_cmd_targets(ctx, a->opts.val[O_TARGET], &o.targets) < 0 ||
	    nr_cmd_number(ctx, "lock-timeout", a->opts.val[O_LOCK_TIMEOUT], 0,
		86400, &lock_s) < 0)
		return NR_EXIT_USAGE;
	o.lock_timeout_ms = (int)lock_s * 1000;
	o.planfile = a->npos ? a->pos[0] : NULL;
	/* a saved plan was reviewed when it was made: apply it as it is,
	 * for the layers it covers */
	if (o.planfile &&
	    planfile_targets(
		ctx, o.planfile, a->opts.val[O_TARGET] ? NULL : &o.targets) < 0)
		return NR_EXIT_ERROR;
	o.yes = a->opts.count[O_YES] > 0;
	o.allow_reboot = a->opts.count[O_REBOOT] > 0;
	o.allow_restart = a->opts.count[O_RESTART] > 0;
	o.no_snapshot = a->opts.count[O_NO_SNAPSHOT] > 0;
	o.no_checks = a->opts.count[O_NO_CHECKS] > 0;
	o.auto_rollback = true;
	o.action = "apply";
	o.trigger = "cli";
	rc = nr_cmd_load_valid(ctx, &src, &cfg);
	if (rc == 0)
		rc = nr_apply(ctx, &cfg, &src, &o);
	nr_config_release(&cfg);
	nr_source_release(&src);
	return rc;
}

const struct nr_cmd nr_cmd_apply = {
	.name = "apply",
	.args = "[PLANFILE]",
	.summary = "converge the live state to network.yaml",
	.opts = opts,
	.max_args = 1,
	.exec = exec_apply,
};
