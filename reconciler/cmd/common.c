/* common: loading network.yaml for a command; shared printing. */
#include "cmd/common.h"

#include <stdarg.h>

#include "conf/load.h"
#include "lib/err.h"

void nr_cmd_error(struct nr_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	fputs("netrec: ", ctx->errf);
	va_start(ap, fmt);
	vfprintf(ctx->errf, fmt, ap);
	va_end(ap);
	fputc('\n', ctx->errf);
}

int nr_cmd_load(struct nr_ctx *ctx, struct nr_source *src,
    struct nr_config *cfg, struct nr_diags *diags)
{
	struct nr_err err = NR_ERR_INIT;
	int rc;

	if (ctx->repo)
		rc = nr_source_git(src, ctx->repo, ctx->rev, ctx->file, &err);
	else
		rc = nr_source_file(src, ctx->file, &err);
	if (rc < 0) {
		nr_cmd_error(ctx, "%s", err.msg);
		return rc;
	}
	return nr_config_load(cfg, src->data, src->len, diags);
}

void nr_cmd_print_diags(struct nr_ctx *ctx, const struct nr_source *src,
    const struct nr_diags *diags)
{
	nr_diags_print(
	    ctx->errf, diags, src->name, src->data, src->len, ctx->color_err);
}

void nr_cmd_print_json(struct nr_ctx *ctx, json_t *v)
{
	json_dumpf(v, ctx->out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', ctx->out);
	json_decref(v);
}
