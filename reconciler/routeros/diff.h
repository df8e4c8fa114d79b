/* diff: the shortest correct RouterOS script that turns one model into
 * another, menu by menu by the menu's semantics (menus.h): `set` with
 * only the changed properties, built-ins through their selector, keyed
 * items by natural key, ordered lists repaired with `place-before=` and
 * `move` (never by removing a whole chain), removals before the additions
 * they would collide with, menus in dependency order, unknown menus as
 * whole items. The script is checked by running it on a copy of `from`:
 * it is returned only when the result equals `to`. */
#ifndef NR_ROS_DIFF_H
#define NR_ROS_DIFF_H

#include <stddef.h>

#include "lib/buf.h"
#include "lib/err.h"
#include "routeros/model.h"

/* Appends the script (terse lines, full path on each) to `out`; nothing
 * when the models are equal. *ncmds (may be NULL) gets the number of
 * commands. Returns 0, or NR_EUNSUPPORTED when no script was found. */
int nr_ros_diff(struct nr_buf *out, size_t *ncmds,
    const struct nr_ros_model *from, const struct nr_ros_model *to,
    struct nr_err *err);

/* The same, running the script on `from` itself (no copy): `from` ends
 * as `to` when the call succeeds, and is to be dropped when it fails. */
int nr_ros_diff_into(struct nr_buf *out, size_t *ncmds,
    struct nr_ros_model *from, const struct nr_ros_model *to,
    struct nr_err *err);

#endif
