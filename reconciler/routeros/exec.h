/* exec: runs parsed RouterOS commands against a model, as /import does:
 * command by command, stopping at the first failing one and keeping what
 * ran before it. Failures carry the texts real routers print ("failure:
 * already have such address", "no such item", "input does not match any
 * value of interface"). */
#ifndef NR_ROS_EXEC_H
#define NR_ROS_EXEC_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/diag.h"
#include "routeros/model.h"
#include "routeros/parse.h"

enum {
	/* script commands, variables and other verbs are errors (a declared
	 * config) rather than warnings */
	NR_ROS_EXEC_STRICT = 1,
	/* the text is an export the router printed: a property naming an
	 * item of another menu is taken as it stands, also when that item
	 * comes later in the export (a router prints its items in its own
	 * order, and a pool may name a newer pool as its next-pool) */
	NR_ROS_EXEC_EXPORT = 2
};

/* Runs every command of `s` on `m`. Unsupported commands are reported
 * (warnings, or errors with NR_ROS_EXEC_STRICT) and skipped. Returns 0, or
 * NR_ECONFIG at the first failing command (its error is in `diags`). */
int nr_ros_exec(struct nr_ros_model *m, const struct nr_ros_script *s,
    unsigned flags, struct nr_diags *diags);
/* Runs one command; on failure returns NR_ECONFIG with the router's
 * message in `msg`. Unsupported commands fail the same way. */
int nr_ros_exec_cmd(struct nr_ros_model *m, const struct nr_ros_cmd *c,
    char *msg, size_t msglen);
/* Parses and runs `text` on `m` (nothing runs when it does not parse, as
 * /import reads the whole file first). */
int nr_ros_load(struct nr_ros_model *m, const char *text, size_t len,
    unsigned flags, struct nr_diags *diags);

/* Does `it` match every condition? */
bool nr_ros_item_matches(const struct nr_ros_menu *mn,
    const struct nr_ros_item *it, const struct nr_ros_cond *conds,
    size_t nconds);

#endif
