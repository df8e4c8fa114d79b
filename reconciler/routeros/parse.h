/* parse: RouterOS script and /export text into a list of commands.
 *
 * Reads menu header lines (`/ip address`) and inline `/path cmd` lines (also
 * the `/ip/address/add` form), continuation lines, every escape, comments,
 * CRLF, selectors (`[ find ... ]`, `set 0`, `set ssh`, `*1F`), key=value,
 * key=!value, verbose `!key` markers, dotted and leading-dot keys. Script
 * constructs (`:` commands, `{ }` blocks, `$variables`, `( )` expressions)
 * are kept as commands marked unsupported, never dropped. The parser goes
 * on after an error and reports every one with its line and column. */
#ifndef NR_ROS_PARSE_H
#define NR_ROS_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/diag.h"

enum nr_ros_verb {
	NR_ROS_HEADER, /* a menu header line: only changes the current menu */
	NR_ROS_ADD,
	NR_ROS_SET,
	NR_ROS_REMOVE,
	NR_ROS_MOVE,
	NR_ROS_ENABLE,
	NR_ROS_DISABLE,
	NR_ROS_UNSET,
	NR_ROS_OTHER, /* any other command word (print, import, ...) */
	NR_ROS_SCRIPT /* a `:` command or a `{ }` block, kept opaque */
};

/* One condition of a `[ find ... ]`: `key=val`, `key!=val` (neg), a bare
 * `key` (val NULL: the property is set / true) or `!key` (val NULL, neg). */
struct nr_ros_cond {
	const char *key; /* interned */
	char *val;
	bool neg;
};

enum nr_ros_sel_kind {
	NR_ROS_SEL_NONE,
	NR_ROS_SEL_FIND, /* [ find ... ]: conds (none: every item) */
	NR_ROS_SEL_REFS /* positional: "0", "ssh", "*1F"; a comma list */
};

struct nr_ros_sel {
	enum nr_ros_sel_kind kind;
	struct nr_ros_cond *conds;
	size_t nconds, cconds;
	char **refs;
	size_t nrefs, crefs;
	struct nr_loc loc;
};

struct nr_ros_arg {
	/* full key: ".role" after "local.address" is "local.role"; interned */
	const char *key;
	char *val; /* decoded bytes; NULL for a verbose `!key` marker or sel */
	struct nr_ros_sel *sel; /* a value given as [ find ... ] or NULL */
	bool flag; /* a bare word after add/set: a flag (`blackhole`) */
	struct nr_loc loc;
};

struct nr_ros_cmd {
	const char *path; /* "/ip firewall filter"; "/" at the root; interned */
	enum nr_ros_verb verb;
	char *word; /* the command word as written ("add", "print") */
	struct nr_ros_sel sel; /* first positional, [ find ], or numbers= */
	struct nr_ros_arg *args;
	size_t nargs, cargs;
	char **pos; /* further positional words (move destination, ...) */
	size_t npos, cpos;
	/* Why the command cannot be run against a model ("script command",
	 * "variable", "expression"), or NULL. */
	const char *unsupported;
	char *text; /* the command's logical text, for messages */
	struct nr_loc loc; /* where the command starts */
};

struct nr_arena;

struct nr_ros_script {
	struct nr_ros_cmd *v;
	size_t n, cap;
	char *version; /* from a "# ... by RouterOS 7.19.3" header, or NULL */
	struct nr_arena *mem; /* where the commands' strings and arrays are */
};

/* Parses `text` (len bytes, need not be NUL-terminated). Every command that
 * parsed is in `out` (which the caller releases in every case); every error
 * is in `diags`. Returns 0, or NR_ECONFIG when diags got errors. */
int nr_ros_parse(struct nr_ros_script *out, const char *text, size_t len,
    struct nr_diags *diags);
/* The same, streaming: calls fn for each command that parsed, in order;
 * *c and what it points to are gone when fn returns (fn copies what it
 * keeps). `version` (may be NULL) gets the header's version. */
int nr_ros_parse_each(const char *text, size_t len, struct nr_diags *diags,
    char **version, void (*fn)(struct nr_ros_cmd *c, void *arg), void *arg);
void nr_ros_script_release(struct nr_ros_script *s);
/* The argument `key` of `c`, or NULL. */
const struct nr_ros_arg *nr_ros_cmd_arg(
    const struct nr_ros_cmd *c, const char *key);
const char *nr_ros_verb_name(enum nr_ros_verb v);

#endif
