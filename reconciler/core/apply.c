/* apply: lock -> plan -> (plan file check) -> confirm -> journal begin ->
 * changes in order -> verify -> journal end. */
#include "core/apply.h"
#include "lib/clock.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf/load.h"
#include "core/checks.h"
#include "core/pipeline.h"
#include "lib/buf.h"
#include "lib/crash.h"
#include "lib/fsutil.h"
#include "lib/mem.h"
#include "state/journal.h"
#include "state/lock.h"
#include "vm/snapshot.h"

static json_t *addresses(const struct nr_plan *p, size_t upto)
{
	json_t *a = json_array();

	for (size_t i = 0; i < upto && i < p->n; i++)
		json_array_append_new(a, json_string(p->v[i].address));
	return a;
}

/* The commit live before this attempt: from the newest applied attempt. */
static json_t *previous_commit(const char *state_dir)
{
	struct nr_journal j;
	struct nr_err err = NR_ERR_INIT;
	json_t *begin = NULL, *commit = json_null();

	if (nr_journal_read(&j, state_dir, &err) < 0)
		return commit;
	if (nr_journal_last_applied(&j, &begin) && begin) {
		json_t *c = json_object_get(begin, "commit");

		if (c)
			commit = json_incref(c);
	}
	nr_journal_release(&j);
	return commit;
}

static int check_planfile(
    struct nr_ctx *ctx, const struct nr_plan *plan, const char *path)
{
	json_error_t jerr;
	json_t *saved = json_load_file(path, 0, &jerr);
	const char *src, *live;
	int rc = 0;

	if (!saved) {
		fprintf(ctx->errf, "netrec: cannot read plan file '%s': %s\n",
		    path, jerr.text);
		return -1;
	}
	src = json_string_value(json_object_get(saved, "source_digest"));
	live = json_string_value(json_object_get(saved, "live_digest"));
	if (!src || !live) {
		fprintf(ctx->errf, "netrec: '%s' is not a netrec plan file\n",
		    path);
		rc = -1;
	} else if (strcmp(src, plan->source_digest) != 0) {
		fprintf(ctx->errf,
		    "netrec: stale plan '%s': network.yaml "
		    "changed since it was made; run plan again\n",
		    path);
		rc = -1;
	} else if (strcmp(live, plan->live_digest) != 0) {
		fprintf(ctx->errf,
		    "netrec: stale plan '%s': the live state "
		    "changed since it was made; run plan again\n",
		    path);
		rc = -1;
	}
	json_decref(saved);
	return rc;
}

/* A change that drops the internet for a VM boot needs --allow-restart or
 * --yes (a saved plan applied as it is does not imply it). */
static bool restart_allowed(struct nr_ctx *ctx, const struct nr_plan *plan,
    const struct nr_apply_opts *o, bool asked)
{
	if (o->allow_restart || o->yes || asked)
		return true;
	for (size_t i = 0; i < plan->n; i++) {
		if (plan->v[i].disruption == NR_DIS_ROUTER_RESTART) {
			fprintf(ctx->errf,
			    "netrec: %s restarts the router VM (the "
			    "internet drops for one boot): run again with "
			    "--allow-restart or --yes (nothing was changed)\n",
			    plan->v[i].address);
			return false;
		}
	}
	return true;
}

/* Whether to go ahead: --yes, a saved plan (reviewed when it was made),
 * or "yes" typed at the prompt (then *asked is set). */
static bool confirm(
    struct nr_ctx *ctx, const struct nr_apply_opts *o, bool *asked)
{
	char answer[16] = "";

	if (o->yes || o->planfile)
		return true;
	if (!isatty(STDIN_FILENO)) {
		fprintf(ctx->errf,
		    "netrec: apply needs --yes when its input is "
		    "not a terminal (nothing was changed)\n");
		return false;
	}
	fprintf(ctx->errf, "\nApply these changes? Only 'yes' is accepted: ");
	if (!fgets(answer, sizeof(answer), stdin) ||
	    strcmp(answer, "yes\n") != 0) {
		fprintf(ctx->errf, "netrec: not applied\n");
		return false;
	}
	*asked = true;
	return true;
}

struct attempt {
	struct nr_ctx *ctx;
	const struct nr_apply_opts *o;
	long long seq;
	long long started;
};

static int journal_end(struct attempt *a, const char *outcome, json_t *done,
    const char *error, bool reboot_pending)
{
	struct nr_err err = NR_ERR_INIT;
	json_t *e = json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:I, s:b}", "seq",
	    (json_int_t)a->seq, "event", "end", "action", a->o->action,
	    "outcome", outcome, "done", done, "error",
	    error ? json_string(error) : json_null(), "duration_ms",
	    (json_int_t)(nr_now_ms() - a->started), "reboot_pending",
	    reboot_pending);
	int rc = nr_journal_append(a->ctx->state_dir, e, &err);

	json_decref(e);
	if (rc < 0)
		fprintf(a->ctx->errf, "netrec: journal: %s\n", err.msg);
	return rc;
}

static int journal_begin(struct attempt *a, const struct nr_pipeline *p,
    const struct nr_source *src, const char *snapshot)
{
	struct nr_journal j;
	struct nr_err err = NR_ERR_INIT;
	json_t *e;
	int rc = nr_journal_read(&j, a->ctx->state_dir, &err);

	if (rc < 0) {
		fprintf(a->ctx->errf, "netrec: journal: %s\n", err.msg);
		return rc;
	}
	if (j.bad_line)
		fprintf(a->ctx->errf,
		    "netrec: warning: the journal has a torn "
		    "line %zu (an interrupted write); it is kept as it is\n",
		    j.bad_line);
	a->seq = j.last_seq + 1;
	nr_journal_release(&j);
	e = json_pack("{s:I, s:s, s:s, s:o, s:o, s:s, s:s, s:o, s:s, s:s?, "
		      "s:b, s:I}",
	    "seq", (json_int_t)a->seq, "event", "begin", "action", a->o->action,
	    "commit", p->commit ? json_string(p->commit) : json_null(),
	    "previous_commit", previous_commit(a->ctx->state_dir), "source",
	    src->name, "trigger", a->o->trigger ? a->o->trigger : "cli",
	    "changes", addresses(&p->plan, p->plan.n), "plan_digest",
	    p->plan.live_digest, "snapshot", snapshot, "no_snapshot",
	    a->o->no_snapshot, "pid", (json_int_t)getpid());
	json_object_set_new(
	    e, "source_digest", json_string(p->plan.source_digest));
	if (a->o->rolled_back_commit)
		json_object_set_new(e, "rolled_back_commit",
		    json_string(a->o->rolled_back_commit));
	if (a->o->restore_snapshot)
		json_object_set_new(e, "restored_snapshot",
		    json_string(a->o->restore_snapshot));
	rc = nr_journal_append(a->ctx->state_dir, e, &err);
	json_decref(e);
	if (rc < 0)
		fprintf(a->ctx->errf,
		    "netrec: journal: %s (nothing was "
		    "changed)\n",
		    err.msg);
	return rc;
}

static void print_plan(struct nr_ctx *ctx, const struct nr_plan *plan)
{
	if (ctx->json) {
		json_t *j = nr_plan_json(plan);

		json_dumpf(j, ctx->out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', ctx->out);
		json_decref(j);
	} else if (ctx->verbosity >= 0) {
		nr_plan_print(ctx->out, plan, ctx->color);
	}
	fflush(ctx->out);
}

/* Before a change, its resource's post-actions are recorded as owed, so
 * that an apply that stops before running them leaves them in the next
 * plan (state/pending.h). */
static int owe_posts(struct attempt *a, struct nr_pipeline *p,
    const struct nr_change *c, struct nr_err *err)
{
	bool more = false;

	for (size_t k = 0; c->res->post && c->res->post[k]; k++)
		more = nr_pending_add(&p->pending, c->res->post[k]->name) ||
		    more;
	return more ? nr_pending_save(&p->pending, a->ctx->state_dir, err) : 0;
}

/* After a post-action ran, it is owed no more. Failing to record that
 * only means it runs once more next time: a warning. */
static void paid_post(
    struct attempt *a, struct nr_pipeline *p, const struct nr_change *c)
{
	const struct nr_post *post = c->res->want;
	struct nr_err err = NR_ERR_INIT;

	if (c->action != NR_ACT_RUN || !post ||
	    !nr_pending_remove(&p->pending, post->name))
		return;
	if (nr_pending_save(&p->pending, a->ctx->state_dir, &err) < 0)
		fprintf(a->ctx->errf, "\nnetrec: warning: %s\n", err.msg);
}

/* Carries out the changes in order. `done` gets the address of each one
 * made; on a failure *failed is the failing change's index. */
static int apply_changes(struct attempt *a, struct nr_pipeline *p, json_t *done,
    size_t *failed, struct nr_err *err, bool *reboot_skipped)
{
	for (size_t i = 0; i < p->plan.n; i++) {
		const struct nr_change *c = &p->plan.v[i];
		long long t0 = nr_now_ms();
		int rc;

		if (c->action == NR_ACT_REBOOT && !a->o->allow_reboot) {
			*reboot_skipped = true;
			continue;
		}
		nr_say(a->ctx, "  %s %s ... ", nr_action_name(c->action),
		    c->address);
		rc = owe_posts(a, p, c, err);
		if (rc == 0)
			rc = c->res->ops->apply(c, a->ctx, err);
		if (rc < 0) {
			nr_say(a->ctx, "failed\n");
			*failed = i;
			return -1;
		}
		nr_say(a->ctx, "done (%lld ms)\n", nr_now_ms() - t0);
		json_array_append_new(done, json_string(c->address));
		nr_crashpoint("after-change");
		paid_post(a, p, c);
	}
	return 0;
}

/* Snapshot names have a one-second resolution: an apply within the same
 * second as an earlier one gets "-2", "-3", ... (QMP refuses a name the
 * disk already has). The suffix goes past the highest one on the disk, so
 * that a name is not used again after its snapshot was pruned (the
 * newest is always kept). Takes `base`; returns the name to use. */
static char *unique_name(const struct nr_img_info *info, char *base)
{
	size_t len = strlen(base);
	long long top = 0;
	char *name;

	for (size_t i = 0; i < info->nsnaps; i++) {
		const char *s = info->snaps[i].name;
		char *end;
		long long k;

		if (strncmp(s, base, len) != 0)
			continue;
		if (s[len] == '\0') {
			k = 1;
		} else if (s[len] == '-' && s[len + 1] >= '1' &&
		    s[len + 1] <= '9') {
			k = strtoll(s + len + 1, &end, 10);
			if (*end)
				continue;
		} else {
			continue;
		}
		if (k > top)
			top = k;
	}
	if (top == 0)
		return base;
	name = nr_asprintf("%s-%lld", base, top + 1);
	free(base);
	return name;
}

/* The pre-apply snapshot of the VM disk: online while the VM runs, with
 * qemu-img while it is stopped; none when the VM layer is not applied,
 * with --no-snapshot, or before the disk exists. A failure stops the
 * apply before any change. */
static int take_snapshot(struct nr_ctx *ctx, const struct nr_config *cfg,
    const struct nr_pipeline *p, const struct nr_apply_opts *o, char **out,
    struct nr_err *errp)
{
	struct nr_err err = NR_ERR_INIT;
	struct nr_img_info info;
	long long t0 = nr_now_ms();
	bool online = false;
	char *name;
	int rc;

	*out = NULL;
	if (!(o->targets & NR_LAYER_VM) || !cfg->vm.o.present)
		return 0;
	if (o->no_snapshot) {
		nr_say(ctx, "\nNo pre-apply snapshot (--no-snapshot).\n");
		return 0;
	}
	rc = nr_snapshot_list(&info, cfg, &err);
	if (rc == NR_ENOTFOUND) {
		nr_say(ctx,
		    "\nNo pre-apply snapshot: the VM disk does not exist "
		    "yet.\n");
		return 0;
	}
	name = nr_snapshot_name(p->commit);
	if (rc == 0) {
		name = unique_name(&info, name);
		nr_img_info_release(&info);
		rc = nr_snapshot_create(cfg, name, &online, &err);
	}
	if (rc < 0) {
		fprintf(ctx->errf,
		    "netrec: pre-apply snapshot failed: %s "
		    "(nothing was applied)\n",
		    err.msg);
		free(name);
		*errp = err;
		return rc;
	}
	nr_say(ctx, "\nSnapshot %s taken %s in %lld ms.\n", name,
	    online ? "online (the VM kept running)" : "offline",
	    nr_now_ms() - t0);
	*out = name;
	return 0;
}

static void prune_snapshots(struct nr_ctx *ctx, const struct nr_config *cfg)
{
	struct nr_err err = NR_ERR_INIT;
	int pruned = 0;

	if (nr_snapshot_prune(cfg, cfg->vm.snapshots.keep.num, &pruned, &err) <
	    0)
		fprintf(ctx->errf,
		    "netrec: warning: pruning old snapshots: %s\n", err.msg);
	else if (pruned)
		nr_say(ctx, "Pruned %d old netrec snapshot%s (keep %lld).\n",
		    pruned, pruned == 1 ? "" : "s", cfg->vm.snapshots.keep.num);
}

/* Plans again after the apply: every change must be gone. */
static int verify(struct nr_ctx *ctx, const struct nr_config *cfg,
    const struct nr_source *src, unsigned targets, struct nr_buf *left,
    bool *debt, struct nr_err *err)
{
	struct nr_pipeline p;
	int rc;

	nr_pipeline_init(&p, ctx, cfg, src, targets);
	rc = nr_pipeline_plan(&p, err);
	for (size_t i = 0; rc == 0 && i < p.plan.n; i++)
		if (p.plan.v[i].action != NR_ACT_REBOOT &&
		    p.plan.v[i].action != NR_ACT_RUN)
			nr_buf_addf(left, "%s%s", left->len ? ", " : "",
			    p.plan.v[i].address);
	*debt = nr_plan_count_notes(&p.plan, NR_NOTE_DEBT) > 0;
	nr_pipeline_release(&p);
	return rc;
}

static int run_attempt(struct nr_ctx *ctx, const struct nr_config *cfg,
    const struct nr_source *src, const struct nr_apply_opts *o);

/* The source of an applied attempt is kept under STATE/sources, named by
 * its digest, so that a rollback needs neither the file nor the repository
 * (network.yaml holds secret references, never secret values). */
static int save_source(const struct nr_ctx *ctx, const struct nr_source *src,
    const char *digest, struct nr_err *err)
{
	char *path = nr_asprintf("%s/sources/%s.yaml", ctx->state_dir, digest);
	int rc;

	rc = nr_file_replace(
	    path, src->data, src->len, 0600, (uid_t)-1, (gid_t)-1, err);

	free(path);
	return rc;
}

int nr_apply_load_source(struct nr_source *out, const struct nr_ctx *ctx,
    json_t *begin, struct nr_err *err)
{
	const char *digest =
	    json_string_value(json_object_get(begin, "source_digest"));
	const char *commit =
	    json_string_value(json_object_get(begin, "commit"));
	const char *name = json_string_value(json_object_get(begin, "source"));
	char *path;
	int rc;

	if (!digest)
		return nr_err_set(err, NR_ENOTFOUND,
		    "attempt %lld kept no copy of its network.yaml",
		    (long long)json_integer_value(
			json_object_get(begin, "seq")));
	path = nr_asprintf("%s/sources/%s.yaml", ctx->state_dir, digest);
	rc = nr_source_file(out, path, err);
	free(path);
	if (rc == 0) {
		free(out->name);
		/* "NAME (as applied in attempt N)", once */
		out->name = nr_asprintf("%.*s (as applied in attempt %lld)",
		    name ? (int)strcspn(name, "(") - (strchr(name, '(') ? 1 : 0)
			 : 12,
		    name ? name : "network.yaml",
		    (long long)json_integer_value(
			json_object_get(begin, "seq")));
		if (commit)
			snprintf(
			    out->commit, sizeof(out->commit), "%s", commit);
	}
	return rc;
}

/* The last resort after failed health checks and a failed rollback: the
 * disk goes back to the pre-apply snapshot. Journaled as its own attempt
 * (action restore, trigger auto), as `snapshot restore` journals one, so
 * that the journal tells the whole story. Already under the lock. */
static void auto_restore(
    struct nr_ctx *ctx, const struct nr_config *cfg, const char *snapshot)
{
	struct nr_err err = NR_ERR_INIT, jerr = NR_ERR_INIT;
	struct nr_journal j;
	long long t0 = nr_now_ms(), seq;
	json_t *e;
	int rc;

	if (nr_journal_read(&j, ctx->state_dir, &jerr) < 0) {
		fprintf(ctx->errf, "netrec: journal: %s\n", jerr.msg);
		return;
	}
	seq = j.last_seq + 1;
	nr_journal_release(&j);
	e = json_pack("{s:I, s:s, s:s, s:n, s:s, s:s, s:I}", "seq",
	    (json_int_t)seq, "event", "begin", "action", "restore", "commit",
	    "trigger", "auto", "snapshot", snapshot, "pid",
	    (json_int_t)getpid());
	rc = nr_journal_append(ctx->state_dir, e, &jerr);
	json_decref(e);
	if (rc < 0)
		fprintf(ctx->errf, "netrec: journal: %s\n", jerr.msg);
	rc = nr_snapshot_restore(ctx, cfg, snapshot, &err);
	if (rc < 0)
		fprintf(ctx->errf, "netrec: restore failed: %s\n", err.msg);
	else
		fprintf(ctx->errf, "netrec: the disk snapshot %s is restored\n",
		    snapshot);
	e = json_pack("{s:I, s:s, s:s, s:s, s:o, s:I}", "seq", (json_int_t)seq,
	    "event", "end", "action", "restore", "outcome",
	    rc == 0 ? "restored" : "failed", "error",
	    rc == 0 ? json_null() : json_string(err.msg), "duration_ms",
	    (json_int_t)(nr_now_ms() - t0));
	if (nr_journal_append(ctx->state_dir, e, &jerr) < 0)
		fprintf(ctx->errf, "netrec: journal: %s\n", jerr.msg);
	json_decref(e);
}

/* After failed health checks: journal it, then with on_failure rollback
 * re-apply the previously applied source; if that fails too, restore the
 * disk snapshot taken before this attempt. Returns 1: the apply failed. */
static int checks_failed(struct attempt *a, const struct nr_config *cfg,
    json_t *done, const char *snapshot, const char *commit, const char *why)
{
	struct nr_ctx *ctx = a->ctx;
	struct nr_err err = NR_ERR_INIT;
	struct nr_journal j;
	struct nr_source prev = { 0 };
	struct nr_config prev_cfg;
	struct nr_diags diags;
	json_t *begin = NULL;
	char *msg = nr_asprintf("health checks failed: %s", why);
	bool rollback = cfg->checks.on_failure.num == NR_ONFAIL_ROLLBACK &&
	    a->o->auto_rollback;
	int rc;

	fprintf(ctx->errf, "netrec: %s\n", msg);
	memset(&prev_cfg, 0, sizeof(prev_cfg));
	nr_diags_init(&diags);
	if (rollback && nr_journal_read(&j, ctx->state_dir, &err) == 0) {
		nr_journal_applied_before(&j, a->seq, &begin);
		if (!begin ||
		    nr_apply_load_source(&prev, ctx, begin, &err) < 0 ||
		    nr_config_load(&prev_cfg, prev.data, prev.len, &diags) < 0)
			rollback = false;
		nr_journal_release(&j);
	} else {
		rollback = false;
	}
	journal_end(a, rollback ? "rolled-back" : "checks-failed",
	    json_incref(done), msg, false);
	if (rollback) {
		struct nr_apply_opts ro = *a->o;

		ro.action = "rollback";
		ro.trigger = "auto";
		ro.rolled_back_commit = commit;
		ro.planfile = NULL;
		ro.yes = true;
		ro.auto_rollback = false;
		fprintf(ctx->errf, "netrec: rolling back to %s\n", prev.name);
		rc = run_attempt(ctx, &prev_cfg, &prev, &ro);
		if (rc != 0 && snapshot && cfg->vm.o.present) {
			fprintf(ctx->errf,
			    "netrec: the rollback failed too; "
			    "restoring the disk snapshot %s\n",
			    snapshot);
			auto_restore(ctx, cfg, snapshot);
		}
	} else if (cfg->checks.on_failure.num == NR_ONFAIL_ROLLBACK &&
	    a->o->auto_rollback) {
		fprintf(ctx->errf,
		    "netrec: no earlier applied network.yaml to "
		    "roll back to; the changes stay\n");
	}
	nr_config_release(&prev_cfg);
	nr_diags_release(&diags);
	nr_source_release(&prev);
	free(msg);
	return 1;
}

/* Runs each changed resource's prepare step (secrets are resolved here,
 * in memory) before the first change. */
static int prepare(struct nr_pipeline *p, struct nr_err *err)
{
	for (size_t i = 0; i < p->n; i++) {
		struct nr_resource *r = p->res[i];
		bool changed = false;

		for (size_t k = 0; k < p->plan.n && !changed; k++)
			changed = p->plan.v[k].res == r;
		if (changed && r->ops->prepare &&
		    r->ops->prepare(r, p->ctx, err) < 0)
			return -1;
	}
	return 0;
}

/* Nothing to change: when this network.yaml is not the one live, or it
 * comes from another commit than the live one (a push that touched only
 * other files), it is journaled as applied (with no changes) so that it
 * becomes the applied version, as a push that needs no change should. */
static int record_unchanged(
    struct attempt *a, const struct nr_pipeline *p, const struct nr_source *src)
{
	struct nr_journal j;
	struct nr_err err = NR_ERR_INIT;
	json_t *begin = NULL;
	const char *live = NULL, *live_commit = NULL;
	bool same;

	if (nr_journal_read(&j, a->ctx->state_dir, &err) < 0) {
		fprintf(a->ctx->errf, "netrec: journal: %s\n", err.msg);
		return 1;
	}
	if (nr_journal_last_applied(&j, &begin) && begin) {
		live =
		    json_string_value(json_object_get(begin, "source_digest"));
		live_commit =
		    json_string_value(json_object_get(begin, "commit"));
	}
	same = live && strcmp(live, p->plan.source_digest) == 0 &&
	    (!p->commit ||
		(live_commit && strcmp(live_commit, p->commit) == 0));
	nr_journal_release(&j);
	if (same)
		return 0;
	if (save_source(a->ctx, src, p->plan.source_digest, &err) < 0) {
		fprintf(a->ctx->errf, "netrec: %s\n", err.msg);
		return 1;
	}
	if (journal_begin(a, p, src, NULL) < 0 ||
	    journal_end(a, "applied", json_array(), NULL, false) < 0)
		return 1;
	return 0;
}

/* rollback --disk: the disk goes back to the snapshot taken before the
 * last apply (the VM stops and starts), after this attempt's own
 * snapshot kept the present disk. */
static int restore_disk(struct attempt *a, const struct nr_config *cfg,
    const char *name, struct nr_err *err)
{
	long long t0 = nr_now_ms();
	int rc;

	nr_say(a->ctx,
	    "\nRestoring the disk snapshot %s (the VM restarts) "
	    "... ",
	    name);
	rc = nr_snapshot_restore(a->ctx, cfg, name, err);
	if (rc == 0)
		nr_say(a->ctx, "done (%lld ms)\n", nr_now_ms() - t0);
	else
		nr_say(a->ctx, "failed\n");
	return rc;
}

/* One attempt, under the lock: plan, confirm, snapshot, journal begin,
 * changes, verify, health checks, journal end. */
static int run_attempt(struct nr_ctx *ctx, const struct nr_config *cfg,
    const struct nr_source *src, const struct nr_apply_opts *o)
{
	struct attempt a = { ctx, o, 0, nr_now_ms() };
	struct nr_err err = NR_ERR_INIT;
	struct nr_buf why = NR_BUF_INIT;
	struct nr_pipeline p;
	struct nr_buf left = NR_BUF_INIT;
	char *backup = NULL, *snapshot = NULL;
	json_t *done = json_array();
	size_t failed = 0;
	bool reboot_skipped = false, debt = false, asked = false, planned;
	int rc = 1;

	nr_pipeline_init(&p, ctx, cfg, src, o->targets);
	ctx->secrets = true;
	planned = nr_pipeline_plan(&p, &err) == 0;
	ctx->secrets = false;
	if (!planned) {
		fprintf(ctx->errf, "netrec: %s\n", err.msg);
		/* every attempt is on record, also one that could not even
		 * plan (an unreachable router, a missing secret) */
		if (journal_begin(&a, &p, src, NULL) == 0)
			journal_end(&a, "failed", json_array(), err.msg, false);
		goto out;
	}
	if (o->planfile && check_planfile(ctx, &p.plan, o->planfile) < 0)
		goto out;
	print_plan(ctx, &p.plan);
	if (nr_plan_count_notes(&p.plan, NR_NOTE_REFUSE)) {
		for (size_t i = 0; i < p.plan.nnotes; i++)
			if (p.plan.notes[i].kind == NR_NOTE_REFUSE)
				nr_buf_addf(&why, "%s%s: %s",
				    why.len ? "; " : "",
				    p.plan.notes[i].address,
				    p.plan.notes[i].msg);
		if (journal_begin(&a, &p, src, NULL) == 0)
			journal_end(&a, "refused", json_array(), why.s, false);
		fprintf(ctx->errf,
		    "netrec: refusing to apply (see 'refused' "
		    "above); nothing was changed\n");
		goto out;
	}
	/* a pending reboot is debt, not a change: it is paid only when asked */
	if (p.plan.n == 0 && o->allow_reboot &&
	    nr_plan_count_notes(&p.plan, NR_NOTE_DEBT))
		nr_pipeline_add_reboot(&p,
		    "a reboot is pending and "
		    "--allow-reboot was given");
	if (p.plan.n == 0 && !o->restore_snapshot) {
		rc = record_unchanged(&a, &p, src);
		goto out;
	}
	if (!confirm(ctx, o, &asked) ||
	    !restart_allowed(ctx, &p.plan, o, asked))
		goto out;
	if (prepare(&p, &err) < 0) {
		fprintf(
		    ctx->errf, "netrec: %s (nothing was changed)\n", err.msg);
		if (journal_begin(&a, &p, src, NULL) == 0)
			journal_end(&a, "failed", json_array(), err.msg, false);
		goto out;
	}
	if (take_snapshot(ctx, cfg, &p, o, &snapshot, &err) < 0) {
		/* the reason stays on record, not only on the terminal */
		char *msg = nr_asprintf("the pre-apply snapshot failed: %s; "
					"nothing was applied",
		    err.msg);

		if (journal_begin(&a, &p, src, NULL) == 0)
			journal_end(&a, "failed", json_array(), msg, false);
		free(msg);
		goto out;
	}
	if (save_source(ctx, src, p.plan.source_digest, &err) < 0) {
		fprintf(
		    ctx->errf, "netrec: %s (nothing was changed)\n", err.msg);
		goto out;
	}
	nr_crashpoint("after-snapshot");
	if (journal_begin(&a, &p, src, snapshot) < 0)
		goto out;
	nr_crashpoint("after-begin");
	if (o->restore_snapshot &&
	    restore_disk(&a, cfg, o->restore_snapshot, &err) < 0) {
		journal_end(&a, "failed", json_array(), err.msg, false);
		goto out;
	}
	backup = nr_asprintf("%s/backup/%lld", ctx->state_dir, a.seq);
	ctx->backup_dir = backup;
	nr_say(ctx, "\nApplying %zu change%s:\n", p.plan.n,
	    p.plan.n == 1 ? "" : "s");
	if (apply_changes(&a, &p, done, &failed, &err, &reboot_skipped) < 0) {
		fprintf(ctx->errf, "netrec: %s: %s\n", p.plan.v[failed].address,
		    err.msg);
		fprintf(ctx->errf,
		    "netrec: apply stopped; %zu of %zu changes "
		    "were made (the journal lists them)\n",
		    json_array_size(done), p.plan.n);
		journal_end(&a, "failed", json_incref(done), err.msg, false);
		goto out;
	}
	nr_crashpoint("after-changes");
	if (verify(ctx, cfg, src, o->targets, &left, &debt, &err) < 0 ||
	    left.len) {
		char *msg = left.len
		    ? nr_asprintf("not converged after apply: %s", left.s)
		    : nr_strdup(err.msg);

		fprintf(ctx->errf, "netrec: %s\n", msg);
		journal_end(&a, "failed", json_incref(done), msg, debt);
		free(msg);
		goto out;
	}
	if (!o->no_checks && nr_checks_run(ctx, &cfg->checks, &why) < 0) {
		rc = checks_failed(&a, cfg, done, snapshot, p.commit, why.s);
		goto out;
	}
	nr_crashpoint("before-end");
	if (journal_end(&a, "applied", json_incref(done), NULL,
		debt || reboot_skipped) < 0)
		goto out;
	if (snapshot)
		prune_snapshots(ctx, cfg);
	nr_say(ctx, "\nApply complete: %zu change%s in %lld ms.\n",
	    json_array_size(done), json_array_size(done) == 1 ? "" : "s",
	    nr_now_ms() - a.started);
	if (debt || reboot_skipped)
		nr_say(ctx,
		    "A reboot is pending: the changes take full effect after "
		    "one (apply --allow-reboot, or reboot when it suits you).\n");
	rc = 0;
out:
	ctx->backup_dir = NULL;
	free(backup);
	free(snapshot);
	nr_buf_release(&left);
	nr_buf_release(&why);
	json_decref(done);
	nr_pipeline_release(&p);
	return rc;
}

int nr_apply(struct nr_ctx *ctx, const struct nr_config *cfg,
    const struct nr_source *src, const struct nr_apply_opts *o)
{
	struct nr_err err = NR_ERR_INIT;
	struct nr_lock lock = { -1 };
	static const char *const kept[] = { "backup", "sources" };
	int rc;

	if (nr_lock_acquire(&lock, ctx->state_dir, o->lock_timeout_ms, &err) <
	    0) {
		fprintf(ctx->errf, "netrec: %s\n", err.msg);
		return 1;
	}
	nr_crashpoint("after-lock");
	/* a backup or a source copy killed before its rename left a
	 * temporary file in STATE/backup/<seq> or STATE/sources, where
	 * nothing writes it again */
	for (size_t i = 0; i < NR_ARRAY_SIZE(kept); i++) {
		char *dir = nr_asprintf("%s/%s", ctx->state_dir, kept[i]);

		nr_file_clean_temps_under(dir);
		free(dir);
	}
	rc = run_attempt(ctx, cfg, src, o);
	nr_lock_release(&lock);
	return rc;
}
