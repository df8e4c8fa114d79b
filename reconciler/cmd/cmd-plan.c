/* cmd-plan: how the live state differs from network.yaml. The same
 * pipeline as apply, stopped before the first change. */
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/common.h"
#include "core/pipeline.h"
#include "lib/fsutil.h"

enum { O_DETAILED, O_OUT, O_TARGET };

static const struct nr_opt opts[] = {
	[O_DETAILED] = { "detailed-exitcode", 0, NULL,
	    "exit 0 without changes, 2 with changes, 1 on error" },
	[O_OUT] = { "out", 'o', "PLANFILE",
	    "save the plan for 'netrec apply PLANFILE'" },
	[O_TARGET] = { "target", 0, "LAYERS",
	    "only these layers: host, vm, router (comma-separated)" },
	{ NULL, 0, NULL, NULL },
};

static int save(
    struct nr_ctx *ctx, const struct nr_plan *plan, const char *path)
{
	struct nr_err err = NR_ERR_INIT;
	json_t *j = nr_plan_json(plan);
	char *text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	int rc;

	json_decref(j);
	rc = nr_file_replace(
	    path, text, strlen(text), 0600, (uid_t)-1, (gid_t)-1, &err);
	free(text);
	if (rc < 0)
		nr_cmd_error(ctx, "%s", err.msg);
	return rc;
}

static int exec_plan(struct nr_ctx *ctx, const struct nr_args *a)
{
	struct nr_source src = { 0 };
	struct nr_config cfg;
	struct nr_pipeline p;
	struct nr_err err = NR_ERR_INIT;
	unsigned targets;
	int rc;

	if (nr_cmd_targets(ctx, a->opts.val[O_TARGET], &targets) < 0)
		return NR_EXIT_USAGE;
	rc = nr_cmd_load_valid(ctx, &src, &cfg);
	if (rc) {
		nr_config_release(&cfg);
		nr_source_release(&src);
		return NR_EXIT_ERROR;
	}
	nr_pipeline_init(&p, ctx, &cfg, &src, targets);
	if (nr_pipeline_plan(&p, &err) < 0) {
		nr_cmd_error(ctx, "%s", err.msg);
		rc = NR_EXIT_ERROR;
	} else {
		if (ctx->json)
			nr_cmd_print_json(ctx, nr_plan_json(&p.plan));
		else if (ctx->verbosity >= 0)
			nr_plan_print(ctx->out, &p.plan, ctx->color);
		if ((a->opts.val[O_OUT] &&
			save(ctx, &p.plan, a->opts.val[O_OUT])) ||
		    nr_plan_count_notes(&p.plan, NR_NOTE_REFUSE))
			rc = NR_EXIT_ERROR;
		else if (a->opts.count[O_DETAILED] && p.plan.n)
			rc = NR_EXIT_CHANGES;
	}
	nr_pipeline_release(&p);
	nr_config_release(&cfg);
	nr_source_release(&src);
	return rc;
}

const struct nr_cmd nr_cmd_plan = {
	.name = "plan",
	.args = "",
	.summary = "show how the live host, VM and router differ",
	.opts = opts,
	.max_args = 0,
	.exec = exec_plan,
};
