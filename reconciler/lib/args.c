/* args: help text generated from option tables. */
#include "lib/args.h"

#include <string.h>

#include "lib/buf.h"

void nr_opts_help(FILE *fp, const struct nr_opt *opts)
{
	for (const struct nr_opt *o = opts; o && o->name; o++) {
		struct nr_buf b = NR_BUF_INIT;

		if (o->short_name)
			nr_buf_addf(&b, "-%c, ", o->short_name);
		nr_buf_addf(&b, "--%s", o->name);
		if (o->arg)
			nr_buf_addf(&b, " %s", o->arg);
		fprintf(fp, "  %-24s %s\n", b.s, o->help);
		nr_buf_release(&b);
	}
}
