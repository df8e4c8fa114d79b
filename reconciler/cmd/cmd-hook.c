/* cmd-hook: GitOps. `hook install` writes pre-receive and post-receive
 * hooks into a bare repository; git runs them as `netrec hook pre-receive`
 * (validate and plan the pushed commit of the tracked branch; reject the
 * push when network.yaml is invalid) and `netrec hook post-receive` (apply
 * the new head under the lock; the output reaches the pusher as
 * "remote:" lines). Deleting the tracked branch is refused; a forced
 * (non-fast-forward) push is accepted and said so: the live state follows
 * the branch, wherever it now points. */
#include <git2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/common.h"
#include "core/apply.h"
#include "core/pipeline.h"
#include "lib/buf.h"
#include "lib/fsutil.h"
#include "lib/mem.h"
#include "state/journal.h"

enum { O_BRANCH, O_EXEC, O_FORCE };

static const struct nr_opt opts[] = {
	[O_BRANCH] = { "branch", 0, "NAME",
	    "the branch netrec follows (default main)" },
	[O_EXEC] = { "exec", 0, "PROGRAM",
	    "what the hooks run (default: this netrec with its global "
	    "options)" },
	[O_FORCE] = { "force", 0, NULL,
	    "replace hooks netrec did not write (a backup is kept)" },
	{ NULL, 0, NULL, NULL },
};

#define MARKER "# netrec hook: written by 'netrec hook install'"
#define ZERO_OID "0000000000000000000000000000000000000000"

/* Appends `s` quoted for sh: '...' with ' as '\''. */
static void sh_quote(struct nr_buf *b, const char *s)
{
	nr_buf_addch(b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			nr_buf_adds(b, "'\\''");
		else
			nr_buf_addch(b, *s);
	}
	nr_buf_addch(b, '\'');
}

static char *self_path(void)
{
	char buf[4096];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);

	if (n <= 0)
		return nr_strdup("netrec");
	buf[n] = '\0';
	return nr_strdup(buf);
}

/* An absolute form of a path given on the command line, which need not
 * exist yet (the state folder of a first install). */
static char *absolute(const char *p)
{
	char cwd[4096];

	if (p[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		return nr_strdup(p);
	return nr_asprintf("%s/%s", cwd, p);
}

static char *hook_text(
    struct nr_ctx *ctx, const char *which, const char *branch, const char *exec)
{
	struct nr_buf b = NR_BUF_INIT;

	nr_buf_addf(&b,
	    "#!/bin/sh\n" MARKER "; 'netrec hook install --force' "
	    "rewrites it.\n"
	    "GIT_DIR=$(cd \"${GIT_DIR:-.}\" && pwd) && export GIT_DIR || exit 1\n"
	    "exec ");
	if (exec) {
		char *e = absolute(exec);

		sh_quote(&b, e);
		free(e);
	} else {
		char *self = self_path(), *state = NULL;

		sh_quote(&b, self);
		nr_buf_adds(&b, " --state ");
		state = absolute(ctx->state_dir);
		sh_quote(&b, state);
		nr_buf_adds(&b, " --root ");
		sh_quote(&b, ctx->root);
		if (ctx->sysfs) {
			nr_buf_adds(&b, " --sysfs ");
			sh_quote(&b, ctx->sysfs);
		}
		free(self);
		free(state);
	}
	nr_buf_adds(&b, " -f ");
	sh_quote(&b, ctx->file);
	nr_buf_addf(&b, " hook %s --branch ", which);
	sh_quote(&b, branch);
	nr_buf_addch(&b, '\n');
	return nr_buf_detach(&b);
}

static int install_one(struct nr_ctx *ctx, const char *repo, const char *which,
    const char *text, bool force)
{
	struct nr_err err = NR_ERR_INIT;
	char *path = nr_asprintf("%s/hooks/%s", repo, which);
	char *old = NULL, *backup = NULL;
	size_t len;
	int rc = nr_file_read(&old, &len, path, 0, &err);

	if (rc == 0 && !strstr(old, MARKER)) {
		if (!force) {
			nr_cmd_error(ctx,
			    "'%s' exists and was not written by "
			    "netrec; use --force to replace it (a backup is "
			    "kept)",
			    path);
			rc = -1;
			goto out;
		}
		backup = nr_asprintf("%s.netrec-backup", path);
		rc = nr_file_replace(
		    backup, old, len, 0755, (uid_t)-1, (gid_t)-1, &err);
	} else if (rc == NR_ENOTFOUND) {
		rc = 0;
	}
	if (rc == 0)
		rc = nr_file_replace(
		    path, text, strlen(text), 0755, (uid_t)-1, (gid_t)-1, &err);
	if (rc < 0 && err.code)
		nr_cmd_error(ctx, "%s", err.msg);
	else if (rc == 0)
		nr_say(ctx, "installed %s%s%s\n", path,
		    backup ? "; the old hook "
			     "is in "
			   : "",
		    backup ? backup : "");
out:
	free(old);
	free(backup);
	free(path);
	return rc;
}

static int install(
    struct nr_ctx *ctx, const struct nr_args *a, const char *branch)
{
	/* --repo is the global option: the bare repository here */
	const char *repo = ctx->repo;
	git_repository *r = NULL;
	int rc = 0;

	if (!repo) {
		nr_cmd_error(ctx, "hook install needs --repo BARE");
		return NR_EXIT_USAGE;
	}
	git_libgit2_init();
	if (git_repository_open_bare(&r, repo) < 0) {
		nr_cmd_error(ctx, "'%s' is not a bare git repository", repo);
		rc = -1;
	}
	git_repository_free(r);
	git_libgit2_shutdown();
	for (int i = 0; rc == 0 && i < 2; i++) {
		const char *which = i ? "post-receive" : "pre-receive";
		char *text = hook_text(ctx, which, branch, a->opts.val[O_EXEC]);

		rc =
		    install_one(ctx, repo, which, text, a->opts.count[O_FORCE]);
		free(text);
	}
	return rc ? NR_EXIT_ERROR : NR_EXIT_OK;
}

struct update {
	char old[64], new_oid[64], ref[512];
};

/* The tracked branch's line of the hook's input, if it was pushed. */
static bool read_update(struct update *u, const char *branch)
{
	char line[1024], want[512];
	bool found = false;

	snprintf(want, sizeof(want), "refs/heads/%s", branch);
	while (fgets(line, sizeof(line), stdin)) {
		struct update cur;

		if (sscanf(line, "%63s %63s %511s", cur.old, cur.new_oid,
			cur.ref) == 3 &&
		    strcmp(cur.ref, want) == 0) {
			*u = cur;
			found = true;
		}
	}
	return found;
}

/* Whether `new_oid` descends from `old` (a fast-forward). */
static bool fast_forward(
    const char *repo_path, const char *old, const char *new_oid)
{
	git_repository *repo = NULL;
	git_oid a, b;
	bool ff = true;

	if (strcmp(old, ZERO_OID) == 0)
		return true;
	git_libgit2_init();
	if (nr_git_open(&repo, repo_path) == 0 &&
	    git_oid_fromstr(&a, new_oid) == 0 && git_oid_fromstr(&b, old) == 0)
		ff = git_graph_descendant_of(repo, &a, &b) == 1;
	git_repository_free(repo);
	git_libgit2_shutdown();
	return ff;
}

static int pre_receive(
    struct nr_ctx *ctx, const struct update *u, const char *branch)
{
	struct nr_source src = { 0 };
	struct nr_config cfg;
	struct nr_pipeline p;
	struct nr_err err = NR_ERR_INIT;
	int rc;

	if (strcmp(u->new_oid, ZERO_OID) == 0) {
		nr_cmd_error(ctx,
		    "refusing to delete branch '%s': netrec applies "
		    "it to the live network (remove the hooks first)",
		    branch);
		return NR_EXIT_ERROR;
	}
	if (!fast_forward(ctx->repo, u->old, u->new_oid))
		fprintf(ctx->out,
		    "netrec: forced push: '%s' no longer contains "
		    "the commit it had; the network will follow the new "
		    "history\n",
		    branch);
	ctx->rev = u->new_oid;
	if (nr_cmd_load_valid(ctx, &src, &cfg)) {
		nr_cmd_error(ctx, "push rejected: %s is not valid", src.name);
		rc = NR_EXIT_ERROR;
		goto out;
	}
	fprintf(ctx->out, "netrec: %s is valid; the plan when it is applied:\n",
	    src.name);
	nr_pipeline_init(&p, ctx, &cfg, &src, NR_LAYER_ALL);
	rc = NR_EXIT_OK;
	if (nr_pipeline_plan(&p, &err) < 0) {
		fprintf(ctx->out, "netrec: cannot plan now: %s\n", err.msg);
	} else {
		nr_plan_print(ctx->out, &p.plan, false);
		/* the apply would refuse it: say so now, while it can be fixed */
		if (nr_plan_count_notes(&p.plan, NR_NOTE_REFUSE)) {
			nr_cmd_error(ctx,
			    "push rejected: the plan is refused "
			    "(see 'refused' above)");
			rc = NR_EXIT_ERROR;
		}
	}
	nr_pipeline_release(&p);
out:
	nr_config_release(&cfg);
	nr_source_release(&src);
	return rc;
}

/* Whether `commit` was rolled back (automatically, or by `netrec
 * rollback`) and not applied again since. */
static bool rolled_back(struct nr_ctx *ctx, const char *commit)
{
	struct nr_journal j;
	struct nr_err err = NR_ERR_INIT;
	bool result = false;

	if (nr_journal_read(&j, ctx->state_dir, &err) < 0)
		return false;
	for (size_t i = json_array_size(j.entries); i > 0; i--) {
		json_t *e = json_array_get(j.entries, i - 1);
		long long seq = json_integer_value(json_object_get(e, "seq"));
		json_t *begin = nr_journal_begin_of(&j, seq);
		const char *outcome =
		    json_string_value(json_object_get(e, "outcome"));
		const char *c, *away;

		if (!outcome || !begin)
			continue;
		c = json_string_value(json_object_get(begin, "commit"));
		away = json_string_value(
		    json_object_get(begin, "rolled_back_commit"));
		/* a rollback away from it, newer than any apply of it */
		if (strcmp(outcome, "applied") == 0 && away &&
		    strcmp(away, commit) == 0) {
			result = true;
			break;
		}
		if (c && strcmp(c, commit) == 0 &&
		    (strcmp(outcome, "applied") == 0 ||
			strcmp(outcome, "rolled-back") == 0)) {
			result = strcmp(outcome, "rolled-back") == 0;
			break;
		}
	}
	nr_journal_release(&j);
	return result;
}

static int post_receive(struct nr_ctx *ctx, const struct update *u)
{
	struct nr_source src = { 0 };
	struct nr_config cfg;
	struct nr_apply_opts o = { 0 };
	int rc;

	if (strcmp(u->new_oid, ZERO_OID) == 0)
		return NR_EXIT_OK;
	if (rolled_back(ctx, u->new_oid)) {
		fprintf(ctx->out,
		    "netrec: commit %.12s was rolled back; it is "
		    "not applied again until a new commit arrives\n",
		    u->new_oid);
		return NR_EXIT_OK;
	}
	ctx->rev = u->new_oid;
	if (nr_cmd_load_valid(ctx, &src, &cfg)) {
		rc = NR_EXIT_ERROR;
		goto out;
	}
	o.targets = NR_LAYER_ALL;
	o.yes = true;
	o.action = "apply";
	o.trigger = "hook";
	o.auto_rollback = true;
	/* gitops.lock_timeout of the pushed commit (1 s to 24 h) */
	o.lock_timeout_ms = (int)cfg.gitops.lock_timeout.num * 1000;
	fprintf(ctx->out,
	    "netrec: applying %.12s (waiting up to %llds for any running "
	    "apply first)\n",
	    u->new_oid, (long long)cfg.gitops.lock_timeout.num);
	fflush(ctx->out);
	rc = nr_apply(ctx, &cfg, &src, &o);
out:
	nr_config_release(&cfg);
	nr_source_release(&src);
	return rc;
}

static int exec_hook(struct nr_ctx *ctx, const struct nr_args *a)
{
	const char *sub = a->pos[0];
	const char *branch = a->opts.val[O_BRANCH] ? a->opts.val[O_BRANCH]
						   : "main";
	struct update u;

	if (strcmp(sub, "install") == 0)
		return install(ctx, a, branch);
	if (strcmp(sub, "pre-receive") != 0 &&
	    strcmp(sub, "post-receive") != 0) {
		nr_cmd_error(ctx,
		    "unknown hook verb '%s' (expected install, "
		    "pre-receive or post-receive)",
		    sub);
		return NR_EXIT_USAGE;
	}
	/* git runs hooks in the repository with GIT_DIR set */
	ctx->repo = getenv("GIT_DIR") ? getenv("GIT_DIR") : ".";
	ctx->errf = stdout; /* one stream: the pusher sees it in order */
	if (!read_update(&u, branch))
		return NR_EXIT_OK;
	if (sub[1] == 'r')
		return pre_receive(ctx, &u, branch);
	return post_receive(ctx, &u);
}

const struct nr_cmd nr_cmd_hook = {
	.name = "hook",
	.args = "install | pre-receive | post-receive",
	.summary = "GitOps: git hooks that validate and apply pushes",
	.opts = opts,
	.min_args = 1,
	.max_args = 1,
	.exec = exec_hook,
};
