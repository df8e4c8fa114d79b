/* cmd-snapshot: list, create, restore and delete the VM disk's snapshots.
 * Restore is disruptive (the VM stops and starts): it asks unless --yes,
 * and it is journaled. */
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/common.h"
#include "state/journal.h"
#include "state/lock.h"
#include "vm/snapshot.h"

enum { O_YES };

static const struct nr_opt opts[] = {
	[O_YES] = { "yes", 'y', NULL, "restore without asking" },
	{ NULL, 0, NULL, NULL },
};

static int list(struct nr_ctx *ctx, const struct nr_config *cfg)
{
	struct nr_img_info info;
	struct nr_err err = NR_ERR_INIT;
	json_t *arr = json_array();

	if (nr_snapshot_list(&info, cfg, &err) < 0) {
		nr_cmd_error(ctx, "%s", err.msg);
		json_decref(arr);
		return NR_EXIT_ERROR;
	}
	for (size_t i = 0; i < info.nsnaps; i++) {
		const struct nr_img_snapshot *s = &info.snaps[i];

		json_array_append_new(arr,
		    json_pack("{s:s, s:s, s:I, s:b}", "id", s->id, "name",
			s->name, "date_sec", (json_int_t)s->date_sec, "netrec",
			strncmp(s->name, NR_SNAPSHOT_PREFIX,
			    strlen(NR_SNAPSHOT_PREFIX)) == 0));
	}
	if (ctx->json) {
		nr_cmd_print_json(ctx, json_incref(arr));
	} else {
		fprintf(ctx->out, "%-4s %-44s %-20s %s\n", "ID", "NAME",
		    "TAKEN (UTC)", "OWNER");
		for (size_t i = 0; i < info.nsnaps; i++) {
			const struct nr_img_snapshot *s = &info.snaps[i];
			time_t t = (time_t)s->date_sec;
			struct tm tm;
			char when[32];

			gmtime_r(&t, &tm);
			strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
			fprintf(ctx->out, "%-4s %-44s %-20s %s\n", s->id,
			    s->name, when,
			    strncmp(s->name, NR_SNAPSHOT_PREFIX,
				strlen(NR_SNAPSHOT_PREFIX)) == 0
				? "netrec"
				: "user");
		}
	}
	json_decref(arr);
	nr_img_info_release(&info);
	return NR_EXIT_OK;
}

static bool confirm_restore(struct nr_ctx *ctx, const char *name, bool yes)
{
	char answer[16] = "";

	fprintf(ctx->errf,
	    "Restoring '%s' stops the router VM, reverts its "
	    "disk and starts it again: the internet drops until it is back.\n",
	    name);
	if (yes)
		return true;
	if (!isatty(STDIN_FILENO)) {
		nr_cmd_error(ctx,
		    "restore needs --yes when its input is not a "
		    "terminal (nothing was changed)");
		return false;
	}
	fprintf(ctx->errf, "Restore? Only 'yes' is accepted: ");
	return fgets(answer, sizeof(answer), stdin) &&
	    strcmp(answer, "yes\n") == 0;
}

/* Journals the restore as one attempt (begin and end). */
static int restore(
    struct nr_ctx *ctx, const struct nr_config *cfg, const char *name, bool yes)
{
	struct nr_err err = NR_ERR_INIT;
	struct nr_lock lock = { -1 };
	struct nr_journal j;
	struct timespec t0, t1;
	long long seq;
	json_t *e;
	int rc;

	if (!confirm_restore(ctx, name, yes))
		return NR_EXIT_ERROR;
	if (nr_lock_acquire(&lock, ctx->state_dir, 0, &err) < 0 ||
	    nr_journal_read(&j, ctx->state_dir, &err) < 0) {
		nr_cmd_error(ctx, "%s", err.msg);
		nr_lock_release(&lock);
		return NR_EXIT_ERROR;
	}
	seq = j.last_seq + 1;
	nr_journal_release(&j);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	e = json_pack("{s:I, s:s, s:s, s:n, s:s, s:s, s:I}", "seq",
	    (json_int_t)seq, "event", "begin", "action", "restore", "commit",
	    "trigger", "cli", "snapshot", name, "pid", (json_int_t)getpid());
	rc = nr_journal_append(ctx->state_dir, e, &err);
	json_decref(e);
	if (rc == 0) {
		nr_say(ctx, "restoring %s ... ", name);
		rc = nr_snapshot_restore(ctx, cfg, name, &err);
		nr_say(ctx, "%s\n", rc == 0 ? "done" : "failed");
		clock_gettime(CLOCK_MONOTONIC, &t1);
		e = json_pack("{s:I, s:s, s:s, s:s, s:o, s:I}", "seq",
		    (json_int_t)seq, "event", "end", "action", "restore",
		    "outcome", rc == 0 ? "restored" : "failed", "error",
		    rc == 0 ? json_null() : json_string(err.msg), "duration_ms",
		    (json_int_t)(t1.tv_sec - t0.tv_sec) * 1000 +
			(json_int_t)(t1.tv_nsec - t0.tv_nsec) / 1000000);
		nr_journal_append(ctx->state_dir, e, &err);
		json_decref(e);
	}
	if (rc < 0)
		nr_cmd_error(ctx, "%s", err.msg);
	nr_lock_release(&lock);
	return rc < 0 ? NR_EXIT_ERROR : NR_EXIT_OK;
}

static int exec_snapshot(struct nr_ctx *ctx, const struct nr_args *a)
{
	static const char *const subs[] = { "list", "create", "restore",
		"delete", NULL };
	struct nr_source src = { 0 };
	struct nr_config cfg;
	struct nr_err err = NR_ERR_INIT;
	const char *sub = a->pos[0], *name = a->npos > 1 ? a->pos[1] : NULL;
	bool online;
	int rc, i;

	for (i = 0; subs[i] && strcmp(subs[i], sub) != 0; i++)
		;
	if (!subs[i] || (i == 0) != (name == NULL)) {
		nr_cmd_error(ctx,
		    "usage: netrec snapshot list | create NAME | "
		    "restore NAME | delete NAME");
		return NR_EXIT_USAGE;
	}
	if (nr_cmd_load_valid(ctx, &src, &cfg)) {
		rc = NR_EXIT_ERROR;
		goto out;
	}
	if (!cfg.vm.o.present) {
		nr_cmd_error(ctx, "%s declares no vm", src.name);
		rc = NR_EXIT_ERROR;
		goto out;
	}
	switch (i) {
	case 0: rc = list(ctx, &cfg); break;
	case 1:
		rc = nr_snapshot_create(&cfg, name, &online, &err) < 0;
		if (!rc)
			nr_say(ctx, "snapshot %s taken %s\n", name,
			    online ? "online" : "offline");
		break;
	case 2: rc = restore(ctx, &cfg, name, a->opts.count[O_YES] > 0); break;
	default: rc = nr_snapshot_delete(&cfg, name, &err) < 0; break;
	}
	if (rc && err.code)
		nr_cmd_error(ctx, "%s", err.msg);
out:
	nr_config_release(&cfg);
	nr_source_release(&src);
	return rc;
}

const struct nr_cmd nr_cmd_snapshot = {
	.name = "snapshot",
	.args = "list | create NAME | restore NAME | delete NAME",
	.summary = "list, take, restore and delete VM disk snapshots",
	.opts = opts,
	.min_args = 1,
	.max_args = 2,
	.exec = exec_snapshot,
};
