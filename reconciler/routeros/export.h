/* export: writing a model as RouterOS text. One canonical form for
 * comparing and for `netrec ros fmt` (terse: one line per item with the
 * full path, menus in dependency order, properties sorted, defaults
 * omitted, built-ins as `set <selector>`, order-insensitive menus sorted),
 * and a full /export writer for the simulator (header, items in the
 * router's list order, compact with menu header lines and 80-column
 * wrapping, terse, verbose, show-sensitive, CRLF). Every value goes
 * through nr_ros_quote. */
#ifndef NR_ROS_EXPORT_H
#define NR_ROS_EXPORT_H

#include "lib/buf.h"
#include "routeros/model.h"

enum {
	NR_ROS_EXPORT_TERSE = 1, /* full path on every line, no wrapping */
	NR_ROS_EXPORT_VERBOSE = 2, /* every property, defaults included */
	NR_ROS_EXPORT_SENSITIVE = 4, /* include secrets (show-sensitive) */
	NR_ROS_EXPORT_CRLF = 8, /* CRLF line endings (as over SSH) */
	/* `local.address=x .role=y`: a key sharing the previous key's
	 * dotted prefix is written from its dot, as exports do (set by
	 * nr_ros_export; the canonical form writes full keys) */
	NR_ROS_EXPORT_SHORT_KEYS = 16
};

struct nr_ros_export_opts {
	unsigned flags;
	const char *date; /* "2025-09-16 10:12:09"; NULL: no header */
	const char *version; /* "7.19.3" */
	const char *software_id; /* "# software id = X" (may be "") */
	const char *system_id; /* "# system id = X" (7.17+ CHR) */
	const char *model; /* "# model = X" */
	const char *serial; /* "# serial number = X" */
};

/* The canonical terse export (what `netrec ros fmt` prints): keyed and
 * list menus sorted, ordered ones grouped by scope (chain), so that two
 * equal configurations print the same. */
void nr_ros_export_terse(struct nr_buf *out, const struct nr_ros_model *m);
/* A full /export as a router prints it: added items in list order (the
 * rules of all chains interleaved as they run), built-ins first, and the
 * defaults a menu prints anyway (action=accept). */
void nr_ros_export(struct nr_buf *out, const struct nr_ros_model *m,
    const struct nr_ros_export_opts *o);
/* The items of `mn` that an export prints, in canonical order (caller
 * frees the array; *n set). */
struct nr_ros_item **nr_ros_menu_canonical(
    const struct nr_ros_menu *mn, size_t *n);
/* Sorts `items` (n items of `mn`, a part of it) into canonical order. */
void nr_ros_items_canonical(
    const struct nr_ros_menu *mn, struct nr_ros_item **items, size_t n);
/* Puts in `out` the defaults an added item of `mn` shows although it
 * does not set them (action=accept on a firewall rule). */
void nr_ros_item_printed(struct nr_ros_props *out, const struct nr_ros_menu *mn,
    const struct nr_ros_item *it);
/* The command for one item without its path: "add k=v",
 * "set [ find default-name=ether1 ] k=v" or "set k=v". */
void nr_ros_item_line(struct nr_buf *out, const struct nr_ros_menu *mn,
    const struct nr_ros_item *it, unsigned flags);

#endif
