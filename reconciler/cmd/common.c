/* common: loading network.yaml for a command; shared printing. */
#include "cmd/common.h"

#include <stdarg.h>
#include <stdlib.h>

#include "conf/load.h"
#include "core/plan.h"
#include "lib/err.h"
#include "lib/suggest.h"
#include <string.h>

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

int nr_cmd_targets(struct nr_ctx *ctx, const char *arg, unsigned *out)
{
	static const char *const words[] = { "host", "vm", "router", NULL };

	*out = 0;
	if (!arg) {
		*out = NR_LAYER_ALL;
		return 0;
	}
	for (const char *p = arg; *p;) {
		size_t n = strcspn(p, ",");
		size_t i;

		for (i = 0; words[i]; i++)
			if (strlen(words[i]) == n &&
			    strncmp(words[i], p, n) == 0)
				break;
		if (!words[i]) {
			nr_cmd_error(ctx,
			    "unknown target '%.*s' (expected host, vm "
			    "or router)",
			    (int)n, p);
			return -1;
		}
		*out |= 1u << i;
		p += n + (p[n] == ',');
	}
	return 0;
}

int nr_cmd_load_valid(
    struct nr_ctx *ctx, struct nr_source *src, struct nr_config *cfg)
{
	struct nr_diags diags;
	int rc;

	nr_diags_init(&diags);
	memset(cfg, 0, sizeof(*cfg));
	rc = nr_cmd_load(ctx, src, cfg, &diags);
	if (rc == 0 || rc == NR_ECONFIG)
		nr_cmd_print_diags(ctx, src, &diags);
	nr_diags_release(&diags);
	return rc < 0 ? 1 : 0;
}

int nr_cmd_number(struct nr_ctx *ctx, const char *name, const char *arg,
    long min, long max, long *out)
{
	char *end = NULL;
	long v;

	if (!arg)
		return 0;
	v = strtol(arg, &end, 10);
	if (!*arg || *end || v < min || v > max) {
		nr_cmd_error(ctx, "--%s: '%s' is not a number from %ld to %ld",
		    name, arg, min, max);
		return -1;
	}
	*out = v;
	return 0;
}
