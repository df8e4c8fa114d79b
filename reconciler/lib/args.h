/* args: one option table type for netrec's global options and each verb's
 * own; the parser and the generated --help both read it. */
#ifndef NR_ARGS_H
#define NR_ARGS_H

#include <stdio.h>

#define NR_OPT_MAX 24

struct nr_opt {
	const char *name; /* long name, without "--"; NULL ends a table */
	char short_name; /* 0 if none */
	const char *arg; /* argument placeholder, NULL for a flag */
	const char *help;
};

/* The parsed options of one table: indexed like the table. */
struct nr_optvals {
	const char *val[NR_OPT_MAX]; /* last value given */
	int count[NR_OPT_MAX]; /* times given */
};

struct nr_args {
	struct nr_optvals opts; /* the verb's own options */
	char **pos; /* positional arguments */
	int npos;
};

/* Prints one option table as aligned help lines. */
void nr_opts_help(FILE *fp, const struct nr_opt *opts);

#endif
