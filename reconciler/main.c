/* main: the verb table, the global options and dispatch. Global options may
 * stand before or after the verb; everything else belongs to the verb. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "lib/mem.h"
#include "lib/suggest.h"

#define TODO(verb, a, s) \
	(&(const struct nr_cmd){ .name = (verb), .args = (a), .summary = (s) })

/* The contract's verbs, in the order --help lists them. */
static const struct nr_cmd *const commands[] = {
	&nr_cmd_validate,
	&nr_cmd_plan,
	&nr_cmd_apply,
	&nr_cmd_rollback,
	&nr_cmd_status,
	&nr_cmd_history,
	&nr_cmd_snapshot,
	&nr_cmd_inventory,
	&nr_cmd_hook,
	&nr_cmd_schema,
	&nr_cmd_ros,
	NULL,
};

enum {
	G_FILE,
	G_REPO,
	G_REV,
	G_ROOT,
	G_SYSFS,
	G_STATE,
	G_JSON,
	G_NO_COLOR,
	G_VERBOSE,
	G_QUIET,
	G_HELP,
	G_VERSION
};

static const struct nr_opt global_opts[] = {
	[G_FILE] = { "file", 'f', "FILE",
	    "network.yaml to use (default ./network.yaml)" },
	[G_REPO] = { "repo", 0, "DIR",
	    "read network.yaml from this git repository" },
	[G_REV] = { "rev", 0, "REV",
	    "the commit to read with --repo (default HEAD)" },
	[G_ROOT] = { "root", 0, "DIR",
	    "prefix for every host path (default /)" },
	[G_SYSFS] = { "sysfs", 0, "DIR",
	    "sysfs PCI tree for libpci (default /sys/bus/pci)" },
	[G_STATE] = { "state", 0, "DIR", "state folder (default ./state)" },
	[G_JSON] = { "json", 0, NULL, "print stable JSON instead of text" },
	[G_NO_COLOR] = { "no-color", 0, NULL,
	    "never colour the output (NO_COLOR also works)" },
	[G_VERBOSE] = { "verbose", 'v', NULL, "say more" },
	[G_QUIET] = { "quiet", 'q', NULL, "say less" },
	[G_HELP] = { "help", 'h', NULL, "show help (for a verb after it)" },
	[G_VERSION] = { "version", 0, NULL, "print the version" },
	{ NULL, 0, NULL, NULL },
};

static const struct nr_cmd *find_cmd(const char *name)
{
	for (size_t i = 0; commands[i]; i++)
		if (strcmp(commands[i]->name, name) == 0)
			return commands[i];
	return NULL;
}

static void usage_main(FILE *fp)
{
	fputs("usage: netrec [global options] COMMAND [options]\n\n"
	      "Manage a home network (host, router VM, RouterOS) as code.\n\n"
	      "Commands:\n",
	    fp);
	for (size_t i = 0; commands[i]; i++)
		fprintf(fp, "  %-10s %s%s\n", commands[i]->name,
		    commands[i]->summary,
		    commands[i]->exec ? "" : " (not implemented yet)");
	fputs("\nGlobal options (before or after the command):\n", fp);
	nr_opts_help(fp, global_opts);
	fputs("\nExit codes: 0 success, 1 error, 2 changes pending "
	      "(--detailed-exitcode), 64 usage error.\n"
	      "Run 'netrec COMMAND --help' for a command's options.\n",
	    fp);
}

static void usage_cmd(FILE *fp, const struct nr_cmd *c)
{
	fprintf(fp, "usage: netrec [global options] %s%s%s%s\n\n%s\n", c->name,
	    c->opts ? " [options]" : "", *c->args ? " " : "", c->args,
	    c->summary);
	if (!c->exec)
		fputs("\nNot implemented yet: running it exits 1.\n", fp);
	if (c->opts) {
		fputs("\nOptions:\n", fp);
		nr_opts_help(fp, c->opts);
	}
	fputs("\nGlobal options: see 'netrec --help'.\n", fp);
}

__attribute__((format(printf, 2, 3))) static int usage_error(
    const char *hint, const char *fmt, ...)
{
	va_list ap;

	fputs("netrec: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (hint)
		fprintf(stderr, " (did you mean '%s'?)", hint);
	fputs("\nTry 'netrec --help'.\n", stderr);
	return NR_EXIT_USAGE;
}

/* Looks `arg` (one argv word starting with '-') up in `opts`; returns the
 * index or -1. `*inline_val` gets the text after '=' or after a short
 * option letter, if any. */
static int match_opt(
    const struct nr_opt *opts, const char *arg, const char **inline_val)
{
	*inline_val = NULL;
	if (!opts)
		return -1;
	if (arg[1] == '-') {
		const char *name = arg + 2, *eq = strchr(name, '=');
		size_t len = eq ? (size_t)(eq - name) : strlen(name);

		for (int i = 0; opts[i].name; i++) {
			if (strlen(opts[i].name) == len &&
			    strncmp(opts[i].name, name, len) == 0) {
				*inline_val = eq ? eq + 1 : NULL;
				return i;
			}
		}
		return -1;
	}
	for (int i = 0; opts[i].name; i++) {
		if (opts[i].short_name && opts[i].short_name == arg[1]) {
			*inline_val = arg[2] ? arg + 2 : NULL;
			return i;
		}
	}
	return -1;
}

static void opt_names(
    const struct nr_opt *opts, const char **names, size_t *n, size_t max)
{
	for (size_t i = 0; opts && opts[i].name && *n + 1 < max; i++)
		names[(*n)++] = opts[i].name;
	names[*n] = NULL;
}

static int unknown_option(const char *arg, const struct nr_cmd *c)
{
	const char *names[2 * NR_OPT_MAX + 1];
	const char *hint;
	char *dashed = NULL;
	size_t n = 0;
	int rc;

	opt_names(global_opts, names, &n, NR_ARRAY_SIZE(names));
	if (c)
		opt_names(c->opts, names, &n, NR_ARRAY_SIZE(names));
	if (arg[1] == '-') {
		char *word = nr_strndup(arg + 2, strcspn(arg + 2, "="));

		hint = nr_suggest(word, names);
		free(word);
		if (hint)
			dashed = nr_asprintf("--%s", hint);
	}
	rc = usage_error(dashed, "unknown option '%s'", arg);
	free(dashed);
	return rc;
}

static void apply_global(struct nr_ctx *ctx, int idx, const char *val)
{
	switch (idx) {
	case G_FILE: ctx->file = val; break;
	case G_REPO: ctx->repo = val; break;
	case G_REV: ctx->rev = val; break;
	case G_ROOT: ctx->root = val; break;
	case G_SYSFS: ctx->sysfs = val; break;
	case G_STATE: ctx->state_dir = val; break;
	case G_JSON: ctx->json = true; break;
	case G_NO_COLOR: ctx->color = ctx->color_err = false; break;
	case G_VERBOSE: ctx->verbosity++; break;
	case G_QUIET: ctx->verbosity--; break;
	default: break;
	}
}

static void ctx_defaults(struct nr_ctx *ctx)
{
	const char *nc = getenv("NO_COLOR");
	bool color_ok = !(nc && *nc);

	memset(ctx, 0, sizeof(*ctx));
	ctx->file = "network.yaml";
	ctx->root = "/";
	ctx->state_dir = "state";
	ctx->out = stdout;
	ctx->errf = stderr;
	ctx->color = color_ok && isatty(STDOUT_FILENO);
	ctx->color_err = color_ok && isatty(STDERR_FILENO);
}

int main(int argc, char **argv)
{
	const struct nr_cmd *cmd = NULL;
	struct nr_ctx ctx;
	struct nr_args a;
	bool help = false, version = false, only_pos = false;
	int rc;

	ctx_defaults(&ctx);
	memset(&a, 0, sizeof(a));
	a.pos = nr_calloc((size_t)argc, sizeof(*a.pos));

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *val;
		const struct nr_opt *table = global_opts;
		int idx;

		if (only_pos || arg[0] != '-' || !arg[1]) {
			if (!cmd) {
				cmd = find_cmd(arg);
				if (!cmd) {
					const char
					    *names[NR_ARRAY_SIZE(commands)];
					size_t n = 0;

					for (; commands[n]; n++)
						names[n] = commands[n]->name;
					names[n] = NULL;
					rc = usage_error(nr_suggest(arg, names),
					    "unknown command '%s'", arg);
					goto out;
				}
			} else {
				a.pos[a.npos++] = argv[i];
			}
			continue;
		}
		if (strcmp(arg, "--") == 0) {
			only_pos = true;
			continue;
		}
		idx = match_opt(global_opts, arg, &val);
		if (idx < 0 && cmd && cmd->exec) {
			table = cmd->opts;
			idx = match_opt(table, arg, &val);
		}
		if (idx < 0) {
			if (cmd && !cmd->exec)
				continue; /* reported as not implemented below */
			rc = unknown_option(arg, cmd);
			goto out;
		}
		if (table[idx].arg && !val) {
			if (i + 1 >= argc) {
				rc = usage_error(
				    NULL, "option '%s' needs a value", arg);
				goto out;
			}
			val = argv[++i];
		} else if (!table[idx].arg && val) {
			rc = usage_error(
			    NULL, "option '%s' takes no value", arg);
			goto out;
		}
		if (table == global_opts) {
			if (idx == G_HELP)
				help = true;
			else if (idx == G_VERSION)
				version = true;
			apply_global(&ctx, idx, val);
		} else {
			a.opts.val[idx] = val ? val : "";
			a.opts.count[idx]++;
		}
	}

	if (version) {
#ifdef NETREC_TEST_HOOKS
		printf("netrec %s (test hooks)\n", NETREC_VERSION);
#else
		printf("netrec %s\n", NETREC_VERSION);
#endif
		rc = NR_EXIT_OK;
	} else if (help || !cmd) {
		if (cmd)
			usage_cmd(stdout, cmd);
		else
			usage_main(help ? stdout : stderr);
		rc = help ? NR_EXIT_OK : NR_EXIT_USAGE;
	} else if (!cmd->exec) {
		fprintf(
		    stderr, "netrec: '%s' is not implemented yet\n", cmd->name);
		rc = NR_EXIT_ERROR;
	} else if (a.npos < cmd->min_args ||
	    (cmd->max_args >= 0 && a.npos > cmd->max_args)) {
		fprintf(stderr, "netrec: %s: wrong number of arguments\n",
		    cmd->name);
		usage_cmd(stderr, cmd);
		rc = NR_EXIT_USAGE;
	} else {
		if (ctx.repo && !ctx.rev)
			ctx.rev = "HEAD";
		if (ctx.rev && !ctx.repo)
			rc = usage_error(NULL, "--rev needs --repo");
		else
			rc = cmd->exec(&ctx, &a);
	}
out:
	free(a.pos);
	return rc;
}
