/* menus: the one table of RouterOS menu semantics (ROUTEROS-MENUS.md):
 * for each menu its kind, natural key, order scope, built-in entries,
 * defaults and its place in the export order. Menus that are not in the
 * table get a generic definition (whole items, order kept). */
#ifndef NR_ROS_MENUS_H
#define NR_ROS_MENUS_H

#include <stdbool.h>

enum nr_ros_kind {
	NR_ROS_SINGLETON, /* one settings object: `set k=v` */
	NR_ROS_FIXED, /* built-in items only, addressed by a selector */
	NR_ROS_KEYED, /* items with a natural key */
	NR_ROS_ORDERED, /* position matters (within `scope`) */
	NR_ROS_LIST, /* no key, order does not matter: whole items */
	NR_ROS_GENERIC /* not in the table: whole items, order kept */
};

enum {
	/* a reference to an unknown built-in creates it (hardware ports,
	 * version-dependent entries) instead of failing */
	NR_ROS_M_OPEN = 1,
	/* built-ins are physical ports: `[ find default-name=X ]`, whose
	 * name defaults to X */
	NR_ROS_M_DEFNAME = 2,
	NR_ROS_M_NOADD = 4 /* `add` is refused (fixed menus) */
};

/* A built-in entry: how exports address it and its factory properties
 * (RouterOS syntax, e.g. "name=telnet port=23"). */
struct nr_ros_builtin {
	const char *sel;
	const char *props;
};

struct nr_ros_menu_def {
	const char *path;
	enum nr_ros_kind kind;
	const char *key; /* natural key properties, comma-separated */
	const char *scope; /* ordered: the property that splits the order */
	const char *defaults; /* "disabled=no mtu=1500" */
	const struct nr_ros_builtin *builtins; /* ends with { NULL } */
	unsigned flags;
	/* Defaults an export prints even at their default value, as real
	 * exports print `action=accept` on every firewall rule; NULL or a
	 * NULL-terminated list of keys, each also in `defaults`. Only the
	 * writer (export.c) reads it: the model still drops the value, so an
	 * item without the key equals one with its default. */
	const char *const *printed;
};

/* A reference from one menu's property to another menu's items, checked
 * when a command sets it ("input does not match any value of X"). */
struct nr_ros_refdef {
	const char *menu, *prop, *target, *target_key;
	const char *special; /* a value that needs no target ("none") */
};

/* The definition of `path`; a generic one (path NULL) when unknown. */
const struct nr_ros_menu_def *nr_ros_menu_def(const char *path);
/* Export order: menus sort by (rank, path). */
int nr_ros_menu_rank(const char *path);
/* The references checked on `menu` (NULL-terminated walk: call with
 * i = 0, 1, ... until NULL). */
const struct nr_ros_refdef *nr_ros_menu_ref(const char *menu, int i);
/* Properties whose values an export hides without show-sensitive. */
bool nr_ros_sensitive(const char *key);

#endif
