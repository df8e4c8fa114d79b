/* ctx: progress output. */
#include "lib/ctx.h"

#include <stdarg.h>

void nr_say(const struct nr_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	if (ctx->verbosity < 0)
		return;
	va_start(ap, fmt);
	vfprintf(ctx->errf, fmt, ap);
	va_end(ap);
	fflush(ctx->errf);
}
