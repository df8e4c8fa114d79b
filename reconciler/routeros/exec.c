/* exec: command semantics. Selectors resolve to items (creating built-ins
 * of hardware menus on first reference); add, set, remove, move, enable,
 * disable and unset change the model or fail with a router's message,
 * leaving the model as it was before the failing command. */
#include "routeros/exec.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/err.h"
#include "lib/mem.h"
#include "routeros/intern.h"
#include "routeros/quote.h"

struct xc {
	struct nr_ros_model *m;
	struct nr_ros_menu *mn;
	const struct nr_ros_cmd *c;
	char *msg;
	size_t msglen;
	unsigned flags; /* NR_ROS_EXEC_* */
};

__attribute__((format(printf, 2, 3))) static int fail(
    struct xc *x, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(x->msg, x->msglen, fmt, ap);
	va_end(ap);
	return NR_ECONFIG;
}

struct items {
	struct nr_ros_item **v;
	size_t n, cap;
};

static void items_add(struct items *s, struct nr_ros_item *it)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i] == it)
			return;
	*NR_PUSH(s->v, s->n, s->cap) = it;
}

/* ---- matching ---- */

static bool truthy(const char *v)
{
	return v && *v && strcmp(v, "no") != 0 && strcmp(v, "false") != 0;
}

bool nr_ros_item_matches(const struct nr_ros_menu *mn,
    const struct nr_ros_item *it, const struct nr_ros_cond *conds,
    size_t nconds)
{
	char idbuf[16];

	for (size_t i = 0; i < nconds; i++) {
		const struct nr_ros_cond *c = &conds[i];
		const char *v = nr_ros_item_get(mn, it, c->key, idbuf);
		bool ok;

		if (!v)
			v = "";
		/* most values that differ differ in their first byte */
		if (c->val)
			ok = v[0] == c->val[0] && strcmp(v, c->val) == 0;
		else
			ok = truthy(v);
		if (c->neg)
			ok = !ok;
		if (!ok)
			return false;
	}
	return true;
}

/* A built-in created by a reference: placed after the table's built-ins,
 * sorted among the others so numbers and exports stay stable. */
static struct nr_ros_item *lazy_builtin(struct xc *x, char *bsel)
{
	struct nr_ros_menu *mn = x->mn;
	size_t pos = 0;
	struct nr_ros_item *it;

	while (bsel && pos < mn->n && mn->v[pos]->builtin &&
	    (!mn->v[pos]->lazy || !mn->v[pos]->bsel ||
		nr_ros_bsel_cmp(mn->v[pos]->bsel, bsel) <= 0))
		pos++;
	it = nr_ros_item_new(x->m, mn, pos);
	it->builtin = true;
	it->lazy = true;
	it->bsel = bsel;
	return it;
}

static int cond_cmp(const void *a, const void *b)
{
	const struct nr_ros_cond *x = a, *y = b;

	return strcmp(x->key, y->key);
}

/* `[ find default-name=ether1 ]`, `[ find default=yes ]`, `[ find ]`:
 * the selectors that name a built-in. */
static bool builtin_find(const struct xc *x, const struct nr_ros_sel *sel)
{
	bool open = x->mn->def->flags & NR_ROS_M_OPEN;

	if (!sel->nconds)
		return open;
	for (size_t i = 0; i < sel->nconds; i++) {
		const struct nr_ros_cond *c = &sel->conds[i];

		/* an empty value names no built-in: it would match any
		 * item that has none, made by another selector */
		if (c->neg || !c->val || !*c->val)
			return false;
		/* a key given twice: contradictory, or nothing to create */
		for (size_t k = 0; k < i; k++)
			if (strcmp(sel->conds[k].key, c->key) == 0)
				return false;
		if (strcmp(c->key, "default-name") == 0 ||
		    (strcmp(c->key, "default") == 0 &&
			strcmp(c->val, "yes") == 0))
			open = true;
		else if (strcmp(c->key, "name") != 0)
			return false;
	}
	return open;
}

static struct nr_ros_item *create_from_ref(struct xc *x, const char *ref);

static struct nr_ros_item *create_from_find(
    struct xc *x, const struct nr_ros_sel *sel)
{
	struct nr_ros_cond *conds = nr_calloc(sel->nconds + 1, sizeof(*conds));
	struct nr_buf b = NR_BUF_INIT;
	struct nr_ros_item *it;
	const char *defname = NULL;
	bool has_name = false;

	/* a port named by its name is the port of that default name */
	if ((x->mn->def->flags & NR_ROS_M_DEFNAME) && sel->nconds == 1 &&
	    strcmp(sel->conds[0].key, "name") == 0) {
		free(conds);
		return create_from_ref(x, sel->conds[0].val);
	}
	if (sel->nconds)
		memcpy(conds, sel->conds, sel->nconds * sizeof(*conds));
	qsort(conds, sel->nconds, sizeof(*conds), cond_cmp);
	nr_buf_adds(&b, "[ find ");
	for (size_t i = 0; i < sel->nconds; i++) {
		nr_buf_adds(&b, conds[i].key);
		nr_buf_addch(&b, '=');
		nr_ros_quote(&b, conds[i].val, 0);
		nr_buf_addch(&b, ' ');
		if (strcmp(conds[i].key, "default-name") == 0)
			defname = conds[i].val;
		has_name |= strcmp(conds[i].key, "name") == 0;
	}
	nr_buf_addch(&b, ']');
	it = lazy_builtin(x, nr_buf_detach(&b));
	for (size_t i = 0; i < sel->nconds; i++)
		nr_ros_props_put(&it->base, conds[i].key, conds[i].val);
	if (defname && !has_name && (x->mn->def->flags & NR_ROS_M_DEFNAME))
		nr_ros_props_put(&it->base, "name", defname);
	free(conds);
	return it;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* The property a positional reference names a built-in by (`set
 * slot1` in /disk names the one whose slot is slot1). */
static const char *ref_key(const struct nr_ros_menu *mn)
{
	return mn->nkeys == 1 && strcmp(mn->keys[0], "name") != 0 ? mn->keys[0]
								  : "name";
}

static struct nr_ros_item *create_from_ref(struct xc *x, const char *ref)
{
	struct nr_ros_menu *mn = x->mn;
	struct nr_buf b = NR_BUF_INIT;
	struct nr_ros_item *it;

	if (all_digits(ref))
		return lazy_builtin(x, nr_strdup(ref));
	if (mn->def->flags & NR_ROS_M_DEFNAME) {
		nr_buf_adds(&b, "[ find default-name=");
		nr_ros_quote(&b, ref, 0);
		nr_buf_adds(&b, " ]");
		it = lazy_builtin(x, nr_buf_detach(&b));
		nr_ros_props_put(&it->base, "default-name", ref);
		nr_ros_props_put(&it->base, "name", ref);
		return it;
	}
	nr_ros_quote(&b, ref, nr_ros_ref_flags(ref));
	it = lazy_builtin(x, nr_buf_detach(&b));
	nr_ros_props_put(&it->base, ref_key(mn), ref);
	return it;
}

static bool is_settings(const struct nr_ros_item *it)
{
	return it->builtin && !it->bsel;
}

static struct nr_ros_item *find_ref(struct xc *x, const char *ref)
{
	struct nr_ros_menu *mn = x->mn;
	char idbuf[16];

	if (ref[0] == '*') {
		char *end;
		unsigned long id = strtoul(ref + 1, &end, 16);

		for (size_t i = 0; i < mn->n && !*end && ref[1]; i++)
			if (mn->v[i]->id == id)
				return mn->v[i];
		return NULL;
	}
	if (all_digits(ref)) {
		/* a position, as in a console session; a number past the end
		 * names a built-in not seen yet (exports number only those) */
		unsigned long n = strtoul(ref, NULL, 10);

		for (size_t i = 0; i < mn->n; i++)
			if (mn->v[i]->bsel && strcmp(mn->v[i]->bsel, ref) == 0)
				return mn->v[i];
		/* numbered are the table's built-ins and added items; the
		 * settings object and built-ins met by name are not */
		for (size_t i = 0; i < mn->n; i++)
			if (!(mn->v[i]->builtin &&
				(!mn->v[i]->bsel || mn->v[i]->lazy)) &&
			    n-- == 0)
				return mn->v[i];
		return NULL;
	}
	{
		/* a built-in's own reference first (exports quote it) */
		struct nr_buf q = NR_BUF_INIT;
		struct nr_ros_item *found = NULL;

		nr_ros_quote(&q, ref, nr_ros_ref_flags(ref));
		for (size_t i = 0; i < mn->n && !found; i++) {
			const char *b = mn->v[i]->bsel;

			if (b && (strcmp(b, ref) == 0 || strcmp(b, q.s) == 0))
				found = mn->v[i];
		}
		nr_buf_release(&q);
		if (found)
			return found;
	}
	/* names name list entries, never the settings object */
	for (size_t i = 0; i < mn->n; i++) {
		const char *v = nr_ros_item_get(mn, mn->v[i], "name", idbuf);

		if (v && strcmp(v, ref) == 0 && !is_settings(mn->v[i]))
			return mn->v[i];
	}
	if (mn->nkeys == 1) {
		for (size_t i = 0; i < mn->n; i++) {
			const char *v =
			    nr_ros_item_get(mn, mn->v[i], mn->keys[0], idbuf);

			if (v && strcmp(v, ref) == 0 && !is_settings(mn->v[i]))
				return mn->v[i];
		}
	}
	for (size_t i = 0; i < mn->n; i++) {
		const struct nr_ros_prop *p =
		    nr_ros_props_find(&mn->v[i]->base, "default-name");

		if (p && p->val && strcmp(p->val, ref) == 0)
			return mn->v[i];
	}
	return NULL;
}

static int check_key(struct xc *x, const struct nr_ros_item *it,
    const struct nr_ros_props *props, struct nr_buf *kstr);

/* Is there a built-in other than `it` with its selector? */
static bool bsel_taken(
    const struct nr_ros_menu *mn, const struct nr_ros_item *it)
{
	/* (an added item may stand before a built-in: place-before) */
	for (size_t i = 0; i < mn->n; i++)
		if (mn->v[i] != it && mn->v[i]->builtin && mn->v[i]->bsel &&
		    strcmp(mn->v[i]->bsel, it->bsel) == 0)
			return true;
	return false;
}

/* A new built-in must not take the key of an existing item. A built-in
 * that is there already (a port renamed since it was named, and named
 * by its old name again) is not made twice: the selector names nothing
 * (as `find` names nothing on a router). */
static int new_builtin(struct xc *x, struct nr_ros_item *it, struct items *out)
{
	bool taken = bsel_taken(x->mn, it);
	int rc = taken ? 0 : check_key(x, it, &it->props, NULL);

	if (taken || rc) {
		nr_ros_menu_remove_at(x->mn, nr_ros_menu_index(x->mn, it));
		return rc;
	}
	nr_ros_menu_reindex(x->mn, it);
	items_add(out, it);
	return 0;
}

/* When `conds` give every part of the menu's unique key, looks the item
 * up in the key index (*out NULL: none) and returns true. */
static bool key_lookup(const struct nr_ros_menu *mn,
    const struct nr_ros_cond *conds, size_t nconds, struct nr_ros_item **out)
{
	struct nr_buf b = NR_BUF_INIT;

	if (!nr_ros_menu_unique_keys(mn))
		return false;
	for (size_t k = 0; k < mn->nkeys; k++) {
		const struct nr_ros_cond *c = NULL;

		for (size_t i = 0; i < nconds && !c; i++)
			if (!conds[i].neg && conds[i].val &&
			    strcmp(conds[i].key, mn->keys[k]) == 0)
				c = &conds[i];
		if (!c || !*c->val) {
			/* an empty part is not indexed: scan */
			nr_buf_release(&b);
			return false;
		}
		if (k)
			nr_buf_addch(&b, '\x1f');
		nr_buf_adds(&b, c->val);
	}
	*out = nr_ros_menu_by_key(mn, b.s);
	nr_buf_release(&b);
	return true;
}

/* The items `sel` names. `create`: a reference to a built-in not seen yet
 * creates it in open menus. An unknown positional reference fails. */
static int resolve(
    struct xc *x, const struct nr_ros_sel *sel, bool create, struct items *out)
{
	struct nr_ros_menu *mn = x->mn;

	if (sel->kind == NR_ROS_SEL_FIND) {
		struct nr_ros_item *by_key = NULL;

		/* every part of a unique key given: the index answers */
		if (key_lookup(mn, sel->conds, sel->nconds, &by_key)) {
			if (by_key &&
			    nr_ros_item_matches(
				mn, by_key, sel->conds, sel->nconds))
				items_add(out, by_key);
		} else {
			/* a settings object is not a list entry: find
			 * never returns it */
			for (size_t i = 0; i < mn->n; i++)
				if (!(mn->v[i]->builtin && !mn->v[i]->bsel) &&
				    nr_ros_item_matches(
					mn, mn->v[i], sel->conds, sel->nconds))
					items_add(out, mn->v[i]);
		}
		if (!out->n && create && builtin_find(x, sel))
			return new_builtin(x, create_from_find(x, sel), out);
		return 0;
	}
	for (size_t i = 0; i < sel->nrefs; i++) {
		struct nr_ros_item *it = find_ref(x, sel->refs[i]);

		/* `set 0` past the end creates a built-in (exports) */
		if (!it && create &&
		    ((mn->def->flags & NR_ROS_M_OPEN) ||
			(all_digits(sel->refs[i]) &&
			    mn->def->kind != NR_ROS_ORDERED)) &&
		    sel->refs[i][0] != '*') {
			int rc = new_builtin(
			    x, create_from_ref(x, sel->refs[i]), out);

			if (rc)
				return rc;
			continue;
		}
		if (!it)
			return fail(x, "no such item");
		items_add(out, it);
	}
	return 0;
}

/* The settings object of a singleton (or of a generic menu). */
static struct nr_ros_item *settings_item(struct xc *x)
{
	for (size_t i = 0; i < x->mn->n; i++)
		if (x->mn->v[i]->builtin && !x->mn->v[i]->bsel)
			return x->mn->v[i];
	if (x->mn->def->kind != NR_ROS_GENERIC)
		return NULL;
	return lazy_builtin(x, NULL);
}

/* ---- checks ---- */

/* The value `key` would have with `props` in place of the item's own. */
static const char *eff(const struct nr_ros_menu *mn,
    const struct nr_ros_item *it, const struct nr_ros_props *props,
    const char *key, char idbuf[16])
{
	const struct nr_ros_prop *p = nr_ros_props_find(props, key);
	struct nr_ros_item tmp;

	if (p)
		return p->val;
	tmp = *it;
	memset(&tmp.props, 0, sizeof(tmp.props));
	return nr_ros_item_get(mn, &tmp, key, idbuf);
}

/* Another item with the same natural key as `it` would have with
 * `props`? `kstr` (empty, or NULL) gets that key string. */
static int check_key(struct xc *x, const struct nr_ros_item *it,
    const struct nr_ros_props *props, struct nr_buf *kstr)
{
	struct nr_ros_menu *mn = x->mn;
	struct nr_ros_item tmp;
	struct nr_ros_item *o;
	struct nr_buf own = NR_BUF_INIT, *want = kstr ? kstr : &own;
	int rc = 0;

	if (!nr_ros_menu_unique_keys(mn))
		return 0;
	tmp = *it;
	tmp.props = *props;
	nr_ros_item_keystr(want, mn, &tmp);
	o = nr_ros_key_incomplete(want->s) ? NULL
					   : nr_ros_menu_by_key(mn, want->s);
	if (o && o != it) {
		if (strncmp(mn->path, "/interface ", 11) == 0 &&
		    mn->nkeys == 1 && strcmp(mn->keys[0], "name") == 0) {
			char idbuf[16];
			const char *n = eff(mn, it, props, "name", idbuf);

			rc = fail(x,
			    "failure: already have interface with "
			    "name %s",
			    n ? n : "");
		} else {
			rc = fail(x, "failure: already have such %s",
			    mn->nkeys == 1 ? mn->keys[0]
				: strcmp(mn->keys[0], "address") == 0
				? "address"
				: "entry");
		}
	}
	nr_buf_release(&own);
	return rc;
}

/* The name (ref_key `k`) a built-in was made by, as its base holds it;
 * NULL when it was not (made by number, or one addressed by
 * default-name). */
static const struct nr_ros_prop *made_name(
    const struct nr_ros_item *it, const char *k)
{
	if (!it->builtin || nr_ros_props_find(&it->base, "default-name"))
		return NULL;
	return nr_ros_props_find(&it->base, k);
}

/* Exports name some built-ins by their names (`set [ find name=x ]`,
 * `set x`; ref_key): a built-in renamed to the name such a one has, or
 * had when it was made, would make that one's selector name both. Those
 * selected by default-name or by number are not named so (and a name
 * taken twice there is the menu's key check's to refuse). */
static int check_builtin_name(struct xc *x, const struct nr_ros_item *it,
    const struct nr_ros_props *props)
{
	const char *k = ref_key(x->mn);
	char ib[16], ob[16];
	const char *n;
	/* the name another such has now matters between two made by name
	 * only: either order of their lines must read back the same */
	bool by_name = made_name(it, k) != NULL;

	if (!it->builtin || !it->bsel || !nr_ros_props_find(props, k) ||
	    !(n = eff(x->mn, it, props, k, ib)) || !*n)
		return 0;
	for (size_t i = 0; i < x->mn->n; i++) {
		const struct nr_ros_item *o = x->mn->v[i];
		const struct nr_ros_prop *made = made_name(o, k);
		const char *on;

		if (o == it || !o->bsel || !made)
			continue;
		on = nr_ros_item_get(x->mn, o, k, ob);
		if ((by_name && on && strcmp(on, n) == 0) ||
		    (made->val && strcmp(made->val, n) == 0))
			return fail(x, "failure: already have such %s", k);
	}
	return 0;
}

/* Values that must name an item of another menu. */
static int check_refs(struct xc *x, const struct nr_ros_item *it,
    const struct nr_ros_props *props)
{
	const struct nr_ros_refdef *r;

	if (!x->mn->refs || (x->flags & NR_ROS_EXEC_EXPORT))
		return 0;
	for (int i = 0; (r = nr_ros_menu_ref(x->mn->path, i)); i++) {
		const struct nr_ros_arg *a = nr_ros_cmd_arg(x->c, r->prop);
		struct nr_ros_menu *t;
		char idbuf[16];
		const char *v = eff(x->mn, it, props, r->prop, idbuf);
		bool found = false;

		if (!a || !v || !*v || v[0] == '*' ||
		    (r->special && strcmp(v, r->special) == 0))
			continue;
		t = nr_ros_model_menu(x->m, r->target);
		x->m->last = x->mn;
		for (size_t k = 0; k < t->n && !found; k++) {
			const char *tv =
			    nr_ros_item_get(t, t->v[k], r->target_key, idbuf);

			found = tv && strcmp(tv, v) == 0;
		}
		if (!found)
			return fail(
			    x, "input does not match any value of %s", r->prop);
	}
	return 0;
}

/* /ip address: network= is derived from address= and not stored when it
 * matches. */
static void derived(
    struct xc *x, struct nr_ros_item *it, struct nr_ros_props *props)
{
	const struct nr_ros_prop *a, *n;
	unsigned o[4], len = 32;
	char net[32];
	unsigned long ip, mask;
	int k;

	if (x->mn->addr != NR_ROS_ADDR_IP)
		return;
	(void)it;
	a = nr_ros_props_find(props, "address");
	n = nr_ros_props_find(props, "network");
	if (!a || !a->val || !n || !n->val)
		return;
	k = sscanf(a->val, "%u.%u.%u.%u/%u", &o[0], &o[1], &o[2], &o[3], &len);
	if (k < 4 || len > 32 || o[0] > 255 || o[1] > 255 || o[2] > 255 ||
	    o[3] > 255)
		return;
	ip = ((unsigned long)o[0] << 24) | (o[1] << 16) | (o[2] << 8) | o[3];
	mask = len ? (0xffffffffUL << (32 - len)) & 0xffffffffUL : 0;
	ip &= mask;
	snprintf(net, sizeof(net), "%lu.%lu.%lu.%lu", ip >> 24,
	    (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
	if (strcmp(net, n->val) == 0)
		nr_ros_props_del(props, "network");
}

/* Applies the command's key=value and !key arguments to `props` (a copy
 * of the item's). */
static int apply_args(struct xc *x, struct nr_ros_item *it,
    struct nr_ros_props *props, bool adding)
{
	if (adding && !props->cap && x->c->nargs) {
		/* room for all at once: most items are added and kept */
		props->v = nr_malloc(x->c->nargs * sizeof(*props->v));
		props->cap = (uint32_t)x->c->nargs;
	}
	for (size_t i = 0; i < x->c->nargs; i++) {
		const struct nr_ros_arg *a = &x->c->args[i];

		if (adding && (a->key[0] == 'p' || a->key[0] == 'c') &&
		    (strcmp(a->key, "place-before") == 0 ||
			strcmp(a->key, "copy-from") == 0))
			continue;
		if (a->sel)
			return fail(x, "expected end of command");
		if (a->flag)
			nr_ros_props_put_flag(props, a->key);
		else
			nr_ros_props_assign(props, x->mn, it, a->key, a->val);
	}
	derived(x, it, props);
	return 0;
}

/* Appends the non-empty parts of a list value (`a,b`) to *names, as
 * copies. */
static void add_names(char ***names, size_t *n, size_t *cap, const char *list)
{
	for (const char *p = list; *p;) {
		size_t k = strcspn(p, ",");

		if (k)
			*NR_PUSH(*names, *n, *cap) = nr_strndup(p, k);
		p += k + (p[k] == ',');
	}
}

/* An address given twice in /system ntp client's `servers=` (its
 * non-empty parts, `names`) fails, as its second `add` would (the list
 * names the servers submenu's keys); sorted, a list of any length is
 * checked at once. */
static int ntp_servers_check(struct xc *x, char *const *names, size_t n)
{
	char **v;
	int rc = 0;

	if (n < 2)
		return 0;
	v = nr_calloc(n, sizeof(*v));
	memcpy(v, names, n * sizeof(*v));
	qsort(v, n, sizeof(*v), nr_strp_cmp);
	for (size_t i = 1; i < n && !rc; i++)
		if (strcmp(v[i - 1], v[i]) == 0)
			rc = fail(x, "failure: already have such address");
	free(v);
	return rc;
}

/* `servers=` (checked) becomes the servers submenu's list: v7 keeps
 * them there, and exports them there. */
static void ntp_servers(struct xc *x, char *const *names, size_t n)
{
	struct nr_ros_menu *s =
	    nr_ros_model_menu(x->m, "/system ntp client servers");

	while (s->n)
		nr_ros_menu_remove_at(s, s->n - 1);
	for (size_t i = 0; i < n; i++) {
		struct nr_ros_item *it = nr_ros_item_new(x->m, s, s->n);

		nr_ros_props_put(&it->props, "address", names[i]);
		nr_ros_menu_reindex(s, it);
	}
	x->m->last = x->mn;
}

/* ---- verbs ---- */

static int do_add(struct xc *x)
{
	struct nr_ros_menu *mn = x->mn;
	const struct nr_ros_arg *pb = nr_ros_cmd_arg(x->c, "place-before");
	struct nr_ros_props props = { 0 };
	struct nr_ros_item tmp, *it;
	struct nr_buf kstr = NR_BUF_INIT;
	size_t pos = mn->n;
	int rc;

	if (mn->def->kind == NR_ROS_SINGLETON ||
	    (mn->def->flags & NR_ROS_M_NOADD))
		return fail(x, "bad command name add");
	if (x->c->sel.kind != NR_ROS_SEL_NONE)
		return fail(x, "expected end of command");
	memset(&tmp, 0, sizeof(tmp));
	if (pb && !pb->sel && !pb->val)
		return fail(x, "missing value of argument place-before");
	if (pb) {
		struct items t = { 0 };
		struct nr_ros_sel refs = { 0 };

		if (pb->sel) {
			rc = resolve(x, pb->sel, false, &t);
		} else {
			refs.kind = NR_ROS_SEL_REFS;
			refs.refs = (char **)&pb->val;
			refs.nrefs = 1;
			rc = resolve(x, &refs, false, &t);
		}
		if (!rc && t.n == 1 && t.v)
			pos = nr_ros_menu_index(mn, t.v[0]);
		else if (!rc)
			rc = fail(x, "no such item");
		free(t.v);
		if (rc)
			return rc;
	}
	rc = apply_args(x, &tmp, &props, true);
	if (!rc)
		rc = check_key(x, &tmp, &props, &kstr);
	if (!rc)
		rc = check_refs(x, &tmp, &props);
	if (rc) {
		nr_ros_props_release(&props);
		nr_buf_release(&kstr);
		return rc;
	}
	/* most items are added once and kept: no room to spare */
	nr_ros_props_settle(&props, mn);
	it = nr_ros_item_new(x->m, mn, pos);
	it->props = props;
	if (nr_ros_menu_unique_keys(mn))
		nr_ros_menu_put_key(mn, it, kstr.s); /* as check_key saw it */
	nr_buf_release(&kstr);
	return 0;
}

static int targets(struct xc *x, struct items *t)
{
	if (x->c->sel.kind == NR_ROS_SEL_NONE) {
		struct nr_ros_item *it = settings_item(x);

		if (!it)
			return fail(x, "no such item");
		items_add(t, it);
		return 0;
	}
	return resolve(x, &x->c->sel, true, t);
}

static int do_set(struct xc *x)
{
	struct items t = { 0 };
	struct nr_ros_props *next = NULL;
	const struct nr_ros_arg *servers = NULL;
	char **srv = NULL;
	size_t nsrv = 0, csrv = 0;
	int rc = targets(x, &t);

	if (!rc && strcmp(x->mn->path, "/system ntp client") == 0 &&
	    (servers = nr_ros_cmd_arg(x->c, "servers")) && servers->val) {
		add_names(&srv, &nsrv, &csrv, servers->val);
		rc = ntp_servers_check(x, srv, nsrv);
	}
	/* one key value cannot go to several items */
	for (size_t k = 0; !rc && t.n > 1 && nr_ros_menu_unique_keys(x->mn) &&
	     k < x->mn->nkeys;
	     k++)
		if (nr_ros_cmd_arg(x->c, x->mn->keys[k]))
			rc = fail(
			    x, "failure: already have such %s", x->mn->keys[k]);
	/* nor one name to several built-ins (check_builtin_name) */
	for (size_t i = 0; !rc && t.n > 1 && i < t.n; i++)
		if (t.v[i]->builtin && t.v[i]->bsel &&
		    nr_ros_cmd_arg(x->c, ref_key(x->mn)))
			rc = fail(
			    x, "failure: already have such %s", ref_key(x->mn));
	if (!rc)
		next = nr_calloc(t.n + 1, sizeof(*next));
	for (size_t i = 0; i < t.n && !rc; i++) {
		nr_ros_props_copy(&next[i], &t.v[i]->props);
		rc = apply_args(x, t.v[i], &next[i], false);
		if (servers)
			nr_ros_props_del(&next[i], "servers");
		if (!rc)
			rc = check_key(x, t.v[i], &next[i], NULL);
		if (!rc)
			rc = check_builtin_name(x, t.v[i], &next[i]);
		if (!rc)
			rc = check_refs(x, t.v[i], &next[i]);
	}
	/* every check passed: now the changes */
	if (!rc && servers && servers->val)
		ntp_servers(x, srv, nsrv);
	for (size_t i = 0; i < t.n && next; i++) {
		if (!rc) {
			nr_ros_props_release(&t.v[i]->props);
			t.v[i]->props = next[i];
			nr_ros_menu_reindex(x->mn, t.v[i]);
		} else {
			nr_ros_props_release(&next[i]);
		}
	}
	for (size_t i = 0; i < nsrv; i++)
		free(srv[i]);
	free(srv);
	free(next);
	free(t.v);
	return rc;
}

static int do_toggle(struct xc *x, const char *disabled)
{
	struct items t = { 0 };
	int rc = targets(x, &t);

	for (size_t i = 0; i < t.n && !rc; i++) {
		nr_ros_props_assign(
		    &t.v[i]->props, x->mn, t.v[i], "disabled", disabled);
		nr_ros_menu_reindex(x->mn, t.v[i]);
	}
	free(t.v);
	return rc;
}

static int do_remove(struct xc *x)
{
	struct items t = { 0 };
	int rc;

	if (x->mn->def->kind == NR_ROS_SINGLETON)
		return fail(x, "bad command name remove");
	if (x->c->sel.kind == NR_ROS_SEL_NONE)
		return fail(x, "missing value(s) of argument(s) numbers");
	rc = resolve(x, &x->c->sel, false, &t);
	for (size_t i = 0; i < t.n && !rc; i++)
		if (t.v[i]->builtin)
			rc = fail(x, "failure: cannot remove built-in item");
	for (size_t i = 0; i < t.n && !rc; i++)
		nr_ros_menu_remove_at(x->mn, nr_ros_menu_index(x->mn, t.v[i]));
	free(t.v);
	return rc;
}

static int do_unset(struct xc *x)
{
	struct items t = { 0 };
	char **names = NULL;
	size_t n = 0, cap = 0;
	const struct nr_ros_arg *vn = nr_ros_cmd_arg(x->c, "value-name");
	int rc = 0;

	if (vn && vn->val)
		add_names(&names, &n, &cap, vn->val);
	for (size_t i = 0; i < x->c->npos; i++)
		add_names(&names, &n, &cap, x->c->pos[i]);
	if (x->mn->def->kind == NR_ROS_SINGLETON &&
	    x->c->sel.kind == NR_ROS_SEL_REFS) {
		for (size_t i = 0; i < x->c->sel.nrefs; i++)
			add_names(&names, &n, &cap, x->c->sel.refs[i]);
		items_add(&t, settings_item(x));
	} else {
		rc = targets(x, &t);
	}
	if (!rc && !n)
		rc = fail(x, "missing value(s) of argument(s) value-name");
	for (size_t i = 0; i < t.n && !rc; i++) {
		for (size_t k = 0; k < n; k++)
			nr_ros_props_assign(
			    &t.v[i]->props, x->mn, t.v[i], names[k], NULL);
		nr_ros_menu_reindex(x->mn, t.v[i]);
	}
	for (size_t k = 0; k < n; k++)
		free(names[k]);
	free(names);
	free(t.v);
	return rc;
}

static int do_move(struct xc *x)
{
	struct nr_ros_menu *mn = x->mn;
	const struct nr_ros_arg *d = nr_ros_cmd_arg(x->c, "destination");
	struct items t = { 0 }, dst = { 0 };
	struct nr_ros_item *before = NULL;
	int rc;

	if (mn->def->kind == NR_ROS_SINGLETON)
		return fail(x, "bad command name move");
	if (x->c->sel.kind == NR_ROS_SEL_NONE)
		return fail(x, "missing value(s) of argument(s) numbers");
	if (d && !d->sel && !d->val)
		return fail(x, "missing value of argument destination");
	rc = resolve(x, &x->c->sel, false, &t);
	if (!rc && (d || x->c->npos)) {
		struct nr_ros_sel refs = { 0 };

		if (d && d->sel) {
			rc = resolve(x, d->sel, false, &dst);
		} else {
			refs.kind = NR_ROS_SEL_REFS;
			refs.refs = d ? (char **)&d->val : x->c->pos;
			refs.nrefs = 1;
			rc = resolve(x, &refs, false, &dst);
		}
		if (!rc && dst.n == 1 && dst.v)
			before = dst.v[0];
		else if (!rc)
			rc = fail(x, "no such item");
	}
	for (size_t i = 0; i < t.n && !rc; i++)
		if (t.v[i] == before)
			rc = fail(x, "failure: cannot move item before itself");
	if (!rc) {
		/* take the items out in list order, then put them back */
		struct items order = { 0 };
		size_t pos;

		for (size_t i = 0; i < mn->n; i++)
			for (size_t k = 0; k < t.n; k++)
				if (mn->v[i] == t.v[k])
					items_add(&order, mn->v[i]);
		for (size_t k = 0; k < order.n; k++) {
			size_t at = nr_ros_menu_index(mn, order.v[k]);

			memmove(&mn->v[at], &mn->v[at + 1],
			    (mn->n - at - 1) * sizeof(*mn->v));
			mn->n--;
		}
		pos = before ? nr_ros_menu_index(mn, before) : mn->n;
		for (size_t k = 0; k < order.n; k++) {
			NR_PUSH(mn->v, mn->n, mn->cap);
			memmove(&mn->v[pos + k + 1], &mn->v[pos + k],
			    (mn->n - pos - k - 1) * sizeof(*mn->v));
			mn->v[pos + k] = order.v[k];
		}
		free(order.v);
	}
	free(t.v);
	free(dst.v);
	return rc;
}

/* nr_ros_exec_cmd with the flags of the script it is part of. */
static int exec_cmd(struct nr_ros_model *m, const struct nr_ros_cmd *c,
    unsigned flags, char *msg, size_t msglen)
{
	struct xc x = { m, NULL, c, msg, msglen, flags };

	msg[0] = '\0';
	if (c->verb == NR_ROS_HEADER)
		return 0;
	if (c->unsupported)
		return fail(&x, "unsupported %s '%s'", c->unsupported,
		    c->word ? c->word : "");
	x.mn = nr_ros_model_menu(m, c->path);
	switch (c->verb) {
	case NR_ROS_ADD: return do_add(&x);
	case NR_ROS_SET: return do_set(&x);
	case NR_ROS_REMOVE: return do_remove(&x);
	case NR_ROS_MOVE: return do_move(&x);
	case NR_ROS_ENABLE: return do_toggle(&x, "no");
	case NR_ROS_DISABLE: return do_toggle(&x, "yes");
	case NR_ROS_UNSET: return do_unset(&x);
	default: return fail(&x, "bad command name %s", c->word);
	}
}

int nr_ros_exec_cmd(struct nr_ros_model *m, const struct nr_ros_cmd *c,
    char *msg, size_t msglen)
{
	return exec_cmd(m, c, 0, msg, msglen);
}

/* Runs `c` as part of a script; false when the script stops here. */
static bool exec_one(struct nr_ros_model *m, const struct nr_ros_cmd *c,
    unsigned flags, struct nr_diags *diags)
{
	char msg[512];

	if (c->unsupported) {
		if (flags & NR_ROS_EXEC_STRICT) {
			nr_diag_error(diags, c->loc,
			    "unsupported %s '%s' in a declared config",
			    c->unsupported, c->word ? c->word : "");
			return false;
		}
		nr_diag_warn(diags, c->loc,
		    "unsupported %s '%s' skipped (not applied)", c->unsupported,
		    c->word ? c->word : "");
		return true;
	}
	if (exec_cmd(m, c, flags, msg, sizeof(msg)) < 0) {
		nr_diag_error(diags, c->loc, "%s", msg);
		return false;
	}
	return true;
}

int nr_ros_exec(struct nr_ros_model *m, const struct nr_ros_script *s,
    unsigned flags, struct nr_diags *diags)
{
	for (size_t i = 0; i < s->n; i++)
		if (!exec_one(m, &s->v[i], flags, diags))
			return NR_ECONFIG;
	return 0;
}

struct load {
	struct nr_ros_model *m;
	unsigned flags;
	struct nr_diags *diags;
	struct nr_diags run; /* what running said, kept while all parses */
	bool stopped;
};

static void load_cmd(struct nr_ros_cmd *c, void *arg)
{
	struct load *l = arg;

	if (l->stopped || l->diags->errors)
		return;
	l->stopped = !exec_one(l->m, c, l->flags, &l->run);
}

static void skip_cmd(struct nr_ros_cmd *c, void *arg)
{
	(void)c;
	(void)arg;
}

int nr_ros_load(struct nr_ros_model *m, const char *text, size_t len,
    unsigned flags, struct nr_diags *diags)
{
	struct load l = { m, flags, NULL, { 0 }, false };
	struct nr_diags parse;
	int rc;

	/* Nothing runs when the text does not parse. A model that holds
	 * something: the text is read once first. An empty one runs each
	 * command as it is read (the text is never held whole, parsed), and
	 * is emptied again when a parse error comes. */
	nr_diags_init(&parse);
	if (m->n &&
	    nr_ros_parse_each(text, len, &parse, NULL, skip_cmd, NULL) < 0) {
		nr_diags_take(diags, &parse);
		return NR_ECONFIG;
	}
	nr_diags_release(&parse);
	nr_diags_init(&parse);
	nr_diags_init(&l.run);
	/* about one new string in 40 bytes of a large export */
	nr_ros_intern_reserve(len / 32);
	l.diags = &parse;
	rc = nr_ros_parse_each(text, len, &parse, NULL, load_cmd, &l);
	/* parse errors hide what running said, as when nothing ran */
	nr_diags_take(diags, &parse);
	if (rc < 0) {
		bool secret = m->secret;

		nr_ros_model_release(m);
		nr_ros_model_init(m);
		m->secret = secret;
	} else {
		rc = l.stopped ? NR_ECONFIG : 0;
		nr_diags_take(diags, &l.run);
	}
	nr_diags_release(&l.run);
	return rc;
}
