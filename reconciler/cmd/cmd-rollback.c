/* cmd-rollback: apply an earlier network.yaml through the normal pipeline,
 * journaled as a rollback. By default the one applied before the live one
 * (kept in the state folder); --steps N goes N applied versions back;
 * --to REV takes a commit from the repository (--repo). --disk also
 * restores the disk snapshot taken before the last apply. */
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/common.h"
#include "core/apply.h"
#include "core/plan.h"
#include "state/journal.h"

enum { O_TO, O_STEPS, O_DISK, O_YES, O_LOCK_TIMEOUT };

static const struct nr_opt opts[] = {
	[O_TO] = { "to", 0, "REV", "roll back to this commit (needs --repo)" },
	[O_STEPS] = { "steps", 0, "N",
	    "go N applied versions back (default 1)" },
	[O_DISK] = { "disk", 0, NULL,
	    "also restore the VM disk snapshot taken before the last apply" },
	[O_YES] = { "yes", 'y', NULL, "roll back without asking" },
	[O_LOCK_TIMEOUT] = { "lock-timeout", 0, "SECONDS",
	    "wait this long for another apply to finish" },
	{ NULL, 0, NULL, NULL },
};

static const char *source_of(json_t *begin)
{
	const char *d =
	    json_string_value(json_object_get(begin, "source_digest"));

	return d ? d : "";
}

/* The begin entry `steps` distinct applied versions before the live one;
 * *live gets the live one's begin. */
static json_t *find_target(
    const struct nr_journal *j, long steps, json_t **live)
{
	json_t *begin = NULL;
	long long seq;

	if (!nr_journal_last_applied(j, live) || !*live)
		return NULL;
	seq = json_integer_value(json_object_get(*live, "seq"));
	while (steps > 0) {
		const char *prev = begin ? source_of(begin) : source_of(*live);

		if (!nr_journal_applied_before(j, seq, &begin) || !begin)
			return NULL;
		seq = json_integer_value(json_object_get(begin, "seq"));
		if (strcmp(source_of(begin), prev) != 0)
			steps--;
	}
	return begin;
}

static int exec_rollback(struct nr_ctx *ctx, const struct nr_args *a)
{
	struct nr_source src = { 0 };
	struct nr_config cfg;
	struct nr_diags diags;
	struct nr_journal j;
	struct nr_err err = NR_ERR_INIT;
	struct nr_apply_opts o = { 0 };
	json_t *live = NULL, *target = NULL;
	const char *steps_arg = a->opts.val[O_STEPS];
	const char *snapshot = NULL;
	long steps = 1, lock_s = 0;
	int rc = NR_EXIT_ERROR;

	memset(&cfg, 0, sizeof(cfg));
	nr_diags_init(&diags);
	if (nr_cmd_number(ctx, "steps", steps_arg, 1, 10000, &steps) < 0 ||
	    nr_cmd_number(ctx, "lock-timeout", a->opts.val[O_LOCK_TIMEOUT], 0,
		86400, &lock_s) < 0)
		return NR_EXIT_USAGE;
	if (a->opts.val[O_TO] && steps_arg) {
		nr_cmd_error(ctx, "--steps and --to exclude each other");
		return NR_EXIT_USAGE;
	}
	if (nr_journal_read(&j, ctx->state_dir, &err) < 0) {
		nr_cmd_error(ctx, "%s", err.msg);
		return NR_EXIT_ERROR;
	}
	if (a->opts.val[O_TO]) {
		if (!ctx->repo) {
			nr_cmd_error(ctx,
			    "--to needs --repo (the repository "
			    "holding network.yaml)");
			rc = NR_EXIT_USAGE;
			goto out;
		}
		nr_journal_last_applied(&j, &live);
		if (nr_source_git(&src, ctx->repo, a->opts.val[O_TO], ctx->file,
			&err) < 0)
			goto fail;
	} else {
		target = find_target(&j, steps, &live);
		if (!target) {
			nr_cmd_error(ctx,
			    "no applied version %ld step%s before "
			    "the live one in the journal: nothing to roll back "
			    "to",
			    steps, steps == 1 ? "" : "s");
			goto out;
		}
		if (nr_apply_load_source(&src, ctx, target, &err) < 0)
			goto fail;
	}
	if (nr_config_load(&cfg, src.data, src.len, &diags) < 0) {
		nr_cmd_print_diags(ctx, &src, &diags);
		goto out;
	}
	if (a->opts.count[O_DISK]) {
		snapshot = live
		    ? json_string_value(json_object_get(live, "snapshot"))
		    : NULL;
		if (!snapshot) {
			nr_cmd_error(ctx,
			    "--disk: the last apply took no disk "
			    "snapshot");
			goto out;
		}
	}
	nr_say(ctx, "Rolling back to %s%s%s.\n", src.name,
	    src.commit[0] ? ", commit " : "", src.commit);
	o.targets = NR_LAYER_ALL;
	o.yes = a->opts.count[O_YES] > 0;
	o.action = "rollback";
	o.trigger = "cli";
	o.auto_rollback = false;
	o.restore_snapshot = snapshot;
	o.rolled_back_commit =
	    live ? json_string_value(json_object_get(live, "commit")) : NULL;
	o.lock_timeout_ms = (int)lock_s * 1000;
	rc = nr_apply(ctx, &cfg, &src, &o);
	goto out;
fail:
	nr_cmd_error(ctx, "%s", err.msg);
out:
	nr_config_release(&cfg);
	nr_diags_release(&diags);
	nr_source_release(&src);
	nr_journal_release(&j);
	return rc;
}

const struct nr_cmd nr_cmd_rollback = {
	.name = "rollback",
	.args = "",
	.summary = "apply the network.yaml applied before the live one",
	.opts = opts,
	.max_args = 0,
	.exec = exec_rollback,
};
