/* cmd-ros: offline RouterOS tools. `ros fmt` runs a script or an export
 * against an empty model (as after a no-defaults reset) and prints the
 * canonical terse export; `ros diff FROM TO` prints the script that turns
 * FROM into TO. Both read files or standard input ("-"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/common.h"
#include "lib/buf.h"
#include "lib/err.h"
#include "lib/fsutil.h"
#include "lib/mem.h"
#include "routeros/diff.h"
#include "routeros/exec.h"
#include "routeros/export.h"

enum { O_STRICT };

static const struct nr_opt opts[] = {
	[O_STRICT] = { "strict", 0, NULL,
	    "script commands (:local, { }, $variables) are errors, not "
	    "warnings" },
	{ NULL, 0, NULL, NULL },
};

static int read_input(
    struct nr_ctx *ctx, const char *path, char **text, size_t *len)
{
	struct nr_err err = NR_ERR_INIT;

	if (strcmp(path, "-") == 0) {
		struct nr_buf b = NR_BUF_INIT;
		char chunk[65536];
		size_t n;

		while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
			nr_buf_add(&b, chunk, n);
		if (ferror(stdin)) {
			nr_buf_release(&b);
			nr_cmd_error(ctx, "cannot read standard input");
			return -1;
		}
		*len = b.len;
		*text = nr_buf_detach(&b);
		return 0;
	}
	if (nr_file_read(text, len, path, 0, &err) < 0) {
		nr_cmd_error(
		    ctx, "%s", err.msg[0] ? err.msg : "cannot read the file");
		if (!err.msg[0])
			nr_cmd_error(ctx, "'%s': no such file", path);
		return -1;
	}
	return 0;
}

/* Does the text start as a router's /export does ("# ... by RouterOS
 * 7.19.3")? Its references are then taken as they stand. */
static bool is_export(const char *text, size_t len)
{
	size_t n = strcspn(text, "\n");

	return len > 2 && text[0] == '#' &&
	    memmem(text, n < len ? n : len, " by RouterOS ", 13) != NULL;
}

/* Loads FILE into `m`, printing its diagnostics; 0 or -1. */
static int load(struct nr_ctx *ctx, const struct nr_args *a, const char *path,
    struct nr_ros_model *m)
{
	struct nr_diags diags;
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (read_input(ctx, path, &text, &len) < 0)
		return -1;
	nr_diags_init(&diags);
	rc = nr_ros_load(m, text, len,
	    (a->opts.count[O_STRICT] ? NR_ROS_EXEC_STRICT : 0) |
		(is_export(text, len) ? NR_ROS_EXEC_EXPORT : 0),
	    &diags);
	nr_diags_sort(&diags);
	nr_diags_print(ctx->errf, &diags,
	    strcmp(path, "-") == 0 ? "<stdin>" : path, text, len,
	    ctx->color_err);
	nr_diags_release(&diags);
	free(text);
	return rc < 0 ? -1 : 0;
}

static int ros_fmt(struct nr_ctx *ctx, const struct nr_args *a)
{
	struct nr_ros_model m;
	struct nr_buf out = NR_BUF_INIT;
	int rc = NR_EXIT_ERROR;

	nr_ros_model_init(&m);
	if (load(ctx, a, a->npos > 1 ? a->pos[1] : "-", &m) == 0) {
		nr_ros_export_terse(&out, &m);
		fwrite(out.s, 1, out.len, ctx->out);
		rc = NR_EXIT_OK;
	}
	nr_buf_release(&out);
	nr_ros_model_release(&m);
	return rc;
}

static int ros_diff(struct nr_ctx *ctx, const struct nr_args *a)
{
	struct nr_ros_model from, to;
	struct nr_buf out = NR_BUF_INIT;
	struct nr_err err = NR_ERR_INIT;
	int rc = NR_EXIT_ERROR;

	nr_ros_model_init(&from);
	nr_ros_model_init(&to);
	if (a->npos != 3) {
		nr_cmd_error(ctx, "ros diff: expected FROM and TO");
		rc = NR_EXIT_USAGE;
	} else if (load(ctx, a, a->pos[1], &from) == 0 &&
	    load(ctx, a, a->pos[2], &to) == 0) {
		/* `from` is not used after: the script runs on it */
		if (nr_ros_diff_into(&out, NULL, &from, &to, &err) < 0) {
			nr_cmd_error(ctx, "ros diff: %s", err.msg);
		} else {
			fwrite(out.s, 1, out.len, ctx->out);
			rc = NR_EXIT_OK;
		}
	}
	nr_buf_release(&out);
	nr_ros_model_release(&from);
	nr_ros_model_release(&to);
	return rc;
}

static int exec_ros(struct nr_ctx *ctx, const struct nr_args *a)
{
	const char *sub = a->pos[0];

	if (strcmp(sub, "fmt") == 0) {
		if (a->npos > 2) {
			nr_cmd_error(ctx, "ros fmt: expected one FILE");
			return NR_EXIT_USAGE;
		}
		return ros_fmt(ctx, a);
	}
	if (strcmp(sub, "diff") == 0)
		return ros_diff(ctx, a);
	nr_cmd_error(
	    ctx, "ros: unknown subcommand '%s' (expected fmt or diff)", sub);
	return NR_EXIT_USAGE;
}

const struct nr_cmd nr_cmd_ros = {
	.name = "ros",
	.args = "fmt [FILE|-] | diff FROM TO",
	.summary = "offline RouterOS format and diff",
	.opts = opts,
	.min_args = 1,
	.max_args = 3,
	.exec = exec_ros,
};
