/* cmd: one entry per netrec verb (after tmux's cmd_entry). Each verb lives
 * in its own cmd-<verb>.c and exports one entry; main.c holds the table. */
#ifndef NR_CMD_H
#define NR_CMD_H

#include "lib/args.h"
#include "lib/ctx.h"

/* Exit codes of the CLI contract. */
enum {
	NR_EXIT_OK = 0,
	NR_EXIT_ERROR = 1,
	NR_EXIT_CHANGES = 2,
	NR_EXIT_USAGE = 64
};

struct nr_cmd {
	const char *name;
	const char *args; /* positional usage, e.g. "[FILE|-]" */
	const char *summary;
	const struct nr_opt *opts;
	int min_args, max_args;
	/* NULL: listed in the contract, not implemented yet */
	int (*exec)(struct nr_ctx *ctx, const struct nr_args *a);
};

extern const struct nr_cmd nr_cmd_validate;
extern const struct nr_cmd nr_cmd_schema;
extern const struct nr_cmd nr_cmd_inventory;
extern const struct nr_cmd nr_cmd_plan;
extern const struct nr_cmd nr_cmd_apply;
extern const struct nr_cmd nr_cmd_status;
extern const struct nr_cmd nr_cmd_history;
extern const struct nr_cmd nr_cmd_snapshot;
extern const struct nr_cmd nr_cmd_rollback;
extern const struct nr_cmd nr_cmd_hook;
extern const struct nr_cmd nr_cmd_ros;

#endif
