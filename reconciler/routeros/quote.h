/* quote: the one function through which every RouterOS value is written.
 * A value comes out either as a bare word RouterOS reads back unchanged or
 * as a double-quoted string with every special byte escaped, so no value
 * (quotes, `;`, `$`, `[`, newlines, non-ASCII) can change a command. */
#ifndef NR_ROS_QUOTE_H
#define NR_ROS_QUOTE_H

#include <stdbool.h>

#include "lib/buf.h"

enum {
	NR_ROS_QUOTE_ALWAYS = 1, /* quote even a bare word */
	/* a value in a `find where` expression: bare only when a plain word
	 * (letters, digits, `-`, `_`) so booleans and numbers compare as
	 * such; anything an expression would read as an operator (`!x`,
	 * `a.b`, `1.2.3.0/24`, `a,b`) is quoted */
	NR_ROS_QUOTE_EXPR = 2
};

/* Appends `val` to `out`, quoted and escaped when needed (see above). */
void nr_ros_quote(struct nr_buf *out, const char *val, unsigned flags);
/* The flags for a positional reference (`set <ref>`): quoted also when a
 * bare word would read as a marker (`!x`) or a list (`a,b`). */
unsigned nr_ros_ref_flags(const char *ref);
/* True when `val` may be written without quotes. */
bool nr_ros_is_bare(const char *val);

#endif
