/* model: RouterOS configuration as menus of items, as a router holds it.
 *
 * Items carry stable internal ids (*1, *2, ... in hex, like RouterOS) and
 * their configured properties, kept sorted, with values equal to the
 * default (or to a built-in's factory value) dropped so that defaults never
 * show as changes. Built-in items (hardware ports, default entries, the
 * settings object of a singleton) exist before any configuration; they are
 * created when a menu is first used or, for hardware, when first referred
 * to, and they are addressed by their selector (`bsel`). */
#ifndef NR_ROS_MODEL_H
#define NR_ROS_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/arena.h"
#include "lib/buf.h"
#include "routeros/menus.h"

struct nr_ros_prop {
	const char *key; /* interned: equal keys are one pointer */
	/* NULL: explicitly unset (verbose `!key`); nr_ros_flag_yes: a flag
	 * written as a bare word (`blackhole`), read as "yes"; else interned,
	 * or the prop's own copy when it may be a secret (model.c tells them
	 * apart by the byte before the value) */
	const char *val;
};

/* The value of every flag property: "yes", at an address of its own. */
extern const char *const nr_ros_flag_yes;

static inline bool nr_ros_prop_flag(const struct nr_ros_prop *p)
{
	return p->val == nr_ros_flag_yes;
}

/* An item has a few properties: counts fit in 32 bits, keeping an
 * item (two lists) at 64 bytes. */
struct nr_ros_props {
	struct nr_ros_prop *v;
	uint32_t n;
	/* with NR_ROS_PROPS_SETTLED: `v` is in its menu's memory (see
	 * nr_ros_props_settle) */
	uint32_t cap;
};

#define NR_ROS_PROPS_SETTLED 0x80000000U

struct nr_ros_item {
	unsigned id;
	uint32_t khash; /* the hash of kstr, when it has one */
	bool builtin;
	bool lazy; /* a built-in created on first reference */
	bool own_kstr;
	/* built-ins: how an export addresses it ("[ find default-name=ether1
	 * ]", "telnet", "0"); NULL for a singleton's settings object */
	char *bsel;
	struct nr_ros_props base; /* built-in identity and factory values */
	struct nr_ros_props props; /* configured, sorted by key */
	/* its natural key as indexed (interned, or its own copy in a menu
	 * that may hold secrets), or NULL */
	const char *kstr;
};

/* A block of a menu's items (model.c). */
struct nr_ros_iblock;

/* Menus whose address values RouterOS prints in its own form. */
enum nr_ros_addr { NR_ROS_ADDR_NONE, NR_ROS_ADDR_IP, NR_ROS_ADDR_FIREWALL };

struct nr_ros_menu {
	const char *path; /* "/ip firewall filter" (interned) */
	const struct nr_ros_menu_def *def; /* never NULL */
	bool refs; /* some property must name an item of another menu */
	bool secret; /* as its model's `secret` */
	enum nr_ros_addr addr;
	struct nr_ros_props defaults;
	const char **keys; /* the natural key, split (interned) */
	size_t nkeys;
	int rank;
	struct nr_ros_item **v; /* in list order */
	size_t n, cap;
	/* natural key -> item (NULL: a free slot), for the menus whose keys
	 * are unique */
	struct nr_ros_item **kidx;
	size_t kn, kcap;
	size_t kdup; /* entries whose key an entry before them holds too */
	/* where its items live: blocks of them, and those given back (for
	 * the next new item) */
	struct nr_ros_iblock *blocks;
	struct nr_ros_item *spare;
	struct nr_arena mem; /* the settled property lists of its items */
};

struct nr_ros_model {
	/* Values may be secrets (a router's configuration with the values
	 * filled in): every value and key string set through a command is
	 * the item's own copy, wiped when it goes, never interned. Set it
	 * before the first menu is made; copies keep it. */
	bool secret;
	struct nr_ros_menu **menus; /* in creation order */
	size_t n, cap;
	unsigned next_id;
	struct nr_ros_menu *last; /* lookup cache */
};

void nr_ros_model_init(struct nr_ros_model *m);
void nr_ros_model_release(struct nr_ros_model *m);
/* A deep copy of `src` into `dst` (initialised here). */
void nr_ros_model_copy(
    struct nr_ros_model *dst, const struct nr_ros_model *src);

/* The menu `path`, created (with its eager built-ins) when missing. */
struct nr_ros_menu *nr_ros_model_menu(struct nr_ros_model *m, const char *path);
/* The menu `path` or NULL. */
struct nr_ros_menu *nr_ros_model_find(
    const struct nr_ros_model *m, const char *path);
/* The menus sorted in export order (caller frees the array). */
struct nr_ros_menu **nr_ros_model_sorted(const struct nr_ros_model *m);

/* A new item (id assigned) inserted at `pos` (menu->n to append); the
 * menu owns it. */
struct nr_ros_item *nr_ros_item_new(
    struct nr_ros_model *m, struct nr_ros_menu *mn, size_t pos);
/* Removes the item at `pos` from the menu and frees it. */
void nr_ros_menu_remove_at(struct nr_ros_menu *mn, size_t pos);
/* The position of `it`, an item of `mn` (mn->n when it is not there). */
size_t nr_ros_menu_index(
    const struct nr_ros_menu *mn, const struct nr_ros_item *it);

/* The effective value of `key`: configured, else factory, else default;
 * NULL when none (RouterOS compares it as ""). `.id` gives "*HEX". */
const char *nr_ros_item_get(const struct nr_ros_menu *mn,
    const struct nr_ros_item *it, const char *key, char idbuf[16]);
/* Sets `key` on `props` of an item of `mn` (val NULL: the verbose `!key`
 * marker), dropping it when it equals the factory or default value. */
void nr_ros_props_assign(struct nr_ros_props *props,
    const struct nr_ros_menu *mn, const struct nr_ros_item *it, const char *key,
    const char *val);
/* Removes `key` from `props` (back to the factory/default value). */
void nr_ros_props_del(struct nr_ros_props *props, const char *key);
const struct nr_ros_prop *nr_ros_props_find(
    const struct nr_ros_props *props, const char *key);
void nr_ros_props_put(
    struct nr_ros_props *props, const char *key, const char *val);
/* Gives `p` the value `val` (allocated; the prop owns it and wipes it
 * when it goes): how a secret's value is put in a model. */
void nr_ros_prop_take(struct nr_ros_prop *p, char *val);
/* Sets the flag `key` (written bare, read as "yes"). */
void nr_ros_props_put_flag(struct nr_ros_props *props, const char *key);
void nr_ros_props_copy(
    struct nr_ros_props *dst, const struct nr_ros_props *src);
/* Moves the list into the memory of `mn` (where an item that is added
 * keeps it), sized to fit: no allocation of its own. Growing it later
 * copies it out again. */
void nr_ros_props_settle(struct nr_ros_props *props, struct nr_ros_menu *mn);
void nr_ros_props_release(struct nr_ros_props *props);
bool nr_ros_props_equal(
    const struct nr_ros_props *a, const struct nr_ros_props *b);
/* Every property `it` has, into `out` (empty): the menu's defaults (when
 * `defaults`), its factory values, then its own, flags as flags. */
void nr_ros_item_all_props(struct nr_ros_props *out,
    const struct nr_ros_menu *mn, const struct nr_ros_item *it, bool defaults);
/* The value a default or factory property would take for `key` in `mn`
 * (the factory value of `it` first), or NULL. */
const char *nr_ros_item_default(const struct nr_ros_menu *mn,
    const struct nr_ros_item *it, const char *key);

/* The order of built-ins met by reference: `[ find ]` (which would
 * select any other) first, then by selector, digit runs as numbers
 * ("ether2" < "ether10"). */
int nr_ros_bsel_cmp(const char *a, const char *b);
/* The canonical order of two built-ins of `mn`: the table's in table
 * order, then those met by reference (nr_ros_bsel_cmp). */
int nr_ros_builtin_cmp(const struct nr_ros_menu *mn,
    const struct nr_ros_item *a, const struct nr_ros_item *b);

/* A hash of the properties, equal for equal ones (nr_ros_props_equal). */
uint64_t nr_ros_props_hash(const struct nr_ros_props *p);
/* A total order of property lists, 0 exactly when they are equal. */
int nr_ros_props_cmp(
    const struct nr_ros_props *a, const struct nr_ros_props *b);
/* Appends the item's properties as `k=v k2=v2` (sorted, quoted). */
void nr_ros_props_format(struct nr_buf *out, const struct nr_ros_props *p);
/* The natural-key tuple of an item as one string (for matching). */
void nr_ros_item_keystr(struct nr_buf *out, const struct nr_ros_menu *mn,
    const struct nr_ros_item *it);
/* Does `mn` hold its natural keys unique (and index them)? */
bool nr_ros_menu_unique_keys(const struct nr_ros_menu *mn);
/* Is a part of the key string `kstr` empty? Such an item (a built-in
 * met by number, say) has no known key: it is neither indexed nor
 * checked for collisions. */
bool nr_ros_key_incomplete(const char *kstr);
/* Re-indexes `it` after its properties changed (call after every
 * change); nr_ros_menu_remove_at drops it from the index. */
void nr_ros_menu_reindex(struct nr_ros_menu *mn, struct nr_ros_item *it);
/* nr_ros_menu_reindex with the key string already built (`kstr`, as
 * nr_ros_item_keystr gives it; a unique-key menu only). */
void nr_ros_menu_put_key(
    struct nr_ros_menu *mn, struct nr_ros_item *it, const char *kstr);
/* The item whose natural key is `kstr` (see nr_ros_item_keystr), or NULL. */
struct nr_ros_item *nr_ros_menu_by_key(
    const struct nr_ros_menu *mn, const char *kstr);
/* Is `it` the item the index of `mn` gives for its key? (Without a
 * lookup while no two items of the menu share a key.) */
bool nr_ros_menu_keyed(
    const struct nr_ros_menu *mn, const struct nr_ros_item *it);

#endif
