/* export: canonical and router-like text for a model. */
#include "routeros/export.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/mem.h"
#include "routeros/menus.h"
#include "routeros/quote.h"

/* ---- canonical item order ---- */

struct ent {
	struct nr_ros_item *it;
	char *key; /* natural key or scope value */
	char *full; /* every property */
	size_t idx; /* list position */
};

static int ent_cmp(const void *a, const void *b)
{
	const struct ent *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	if (!c)
		c = strcmp(x->full, y->full);
	if (!c)
		c = x->idx < y->idx ? -1 : x->idx > y->idx;
	return c;
}

static int ent_scope_cmp(const void *a, const void *b)
{
	const struct ent *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c ? c : x->idx < y->idx ? -1 : x->idx > y->idx;
}

struct named {
	const char *name;
	size_t idx;
};

struct topo {
	struct ent *e;
	size_t n;
	struct named *byname; /* sorted by name */
	unsigned char *state;
	struct nr_ros_item **out;
	size_t nout;
};

static long lookup_name(const struct topo *t, const char *s, size_t n)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const char *v = t->byname[mid].name;
		int c = strncmp(v, s, n);

		if (!c && v[n])
			c = 1;
		if (!c)
			return (long)t->byname[mid].idx;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* An item that names another of the same menu (a pool's next-pool, a
 * queue's parent) comes after it, so the export runs top down. */
static void visit(struct topo *t, size_t i)
{
	const struct nr_ros_props *p = &t->e[i].it->props;

	if (t->state[i])
		return;
	t->state[i] = 1;
	for (size_t k = 0; k < p->n; k++) {
		const char *v = p->v[k].val;

		if (!v || strcmp(p->v[k].key, "name") == 0)
			continue;
		for (const char *s = v; *s;) {
			size_t n = strcspn(s, ",");
			long j = n ? lookup_name(t, s, n) : -1;

			if (j >= 0 && (size_t)j != i)
				visit(t, (size_t)j);
			s += n + (s[n] == ',');
		}
	}
	t->out[t->nout++] = t->e[i].it;
}

static int named_cmp(const void *a, const void *b)
{
	return strcmp(
	    ((const struct named *)a)->name, ((const struct named *)b)->name);
}

static void topo_order(const struct nr_ros_menu *mn, struct ent *e, size_t n,
    struct nr_ros_item **out)
{
	struct topo t = { e, n, nr_calloc(n + 1, sizeof(struct named)),
		nr_calloc(n + 1, 1), out, 0 };
	char idbuf[16];

	for (size_t i = 0; i < n; i++) {
		const char *v = nr_ros_item_get(mn, e[i].it, "name", idbuf);

		t.byname[i].name = v ? v : "";
		t.byname[i].idx = i;
	}
	qsort(t.byname, n, sizeof(*t.byname), named_cmp);
	for (size_t i = 0; i < n; i++)
		visit(&t, i);
	free(t.byname);
	free(t.state);
}

/* Writes the items of `e` to `out` in their order, except that in a
 * menu keyed by name an item that names another comes after it (the
 * export then runs top down); returns how many. */
static size_t place(const struct nr_ros_menu *mn, struct ent *e, size_t ne,
    struct nr_ros_item **out)
{
	if (mn->def->kind == NR_ROS_KEYED && mn->nkeys == 1 &&
	    strcmp(mn->keys[0], "name") == 0) {
		topo_order(mn, e, ne, out);
		return ne;
	}
	for (size_t i = 0; i < ne; i++)
		out[i] = e[i].it;
	return ne;
}

static bool has_output(const struct nr_ros_item *it)
{
	return !it->builtin || it->props.n > 0;
}

/* Does built-in `y`, renamed, take the name built-in `x` is referred to
 * by? Then `x` must be written first, or reading `set <x's ref>` back
 * would find `y`. */
static bool renamed_onto(
    const struct nr_ros_item *y, const struct nr_ros_item *x)
{
	const struct nr_ros_prop *n = nr_ros_props_find(&y->props, "name");
	struct nr_buf q = NR_BUF_INIT;
	bool hit;

	if (x == y || !n || !n->val || !x->bsel || !x->lazy)
		return false;
	nr_ros_quote(&q, n->val, nr_ros_ref_flags(n->val));
	hit = strcmp(x->bsel, n->val) == 0 || strcmp(x->bsel, q.s) == 0;
	nr_buf_release(&q);
	return hit;
}

static void visit_builtin(struct nr_ros_item **b, size_t n, size_t i,
    unsigned char *state, struct nr_ros_item **out, size_t *k)
{
	if (state[i])
		return;
	state[i] = 1;
	for (size_t j = 0; j < n; j++)
		if (renamed_onto(b[i], b[j]))
			visit_builtin(b, n, j, state, out, k);
	out[(*k)++] = b[i];
}

/* `items` (n of them, all of menu `mn`) in canonical order, into `out`;
 * returns how many were written (`all`: also built-ins without output). */
static size_t canonical(const struct nr_ros_menu *mn,
    struct nr_ros_item *const *items, size_t n, bool all,
    struct nr_ros_item **out)
{
	struct ent *e = nr_calloc(n + 1, sizeof(*e));
	enum nr_ros_kind kind = mn->def->kind;
	size_t k = 0, ne = 0;

	/* the settings object, then the built-ins in list order */
	for (size_t i = 0; i < n; i++)
		if (items[i]->builtin && !items[i]->bsel &&
		    (all || has_output(items[i])))
			out[k++] = items[i];
	{
		struct nr_ros_item **b = nr_calloc(n + 1, sizeof(*b));
		unsigned char *state = nr_calloc(n + 1, 1);
		size_t nb = 0;

		for (size_t i = 0; i < n; i++)
			if (items[i]->builtin && items[i]->bsel &&
			    (all || has_output(items[i])))
				b[nb++] = items[i];
		/* in the canonical order, whatever `move` did to the list
		 * (insertion sort: stable, and built-ins are few) */
		for (size_t i = 1; i < nb; i++)
			for (size_t j = i; j > 0 &&
			     nr_ros_builtin_cmp(mn, b[j - 1], b[j]) > 0;
			     j--) {
				struct nr_ros_item *t = b[j];

				b[j] = b[j - 1];
				b[j - 1] = t;
			}
		for (size_t i = 0; i < nb; i++)
			visit_builtin(b, nb, i, state, out, &k);
		free(b);
		free(state);
	}
	for (size_t i = 0; i < n; i++) {
		struct nr_buf key = NR_BUF_INIT, full = NR_BUF_INIT;
		const struct nr_ros_item *it = items[i];
		char idbuf[16];

		if (it->builtin)
			continue;
		if (kind == NR_ROS_KEYED && it->kstr) {
			nr_buf_adds(&key, it->kstr);
		} else if (kind == NR_ROS_KEYED) {
			nr_ros_item_keystr(&key, mn, it);
		} else if (kind == NR_ROS_ORDERED && mn->def->scope) {
			const char *v =
			    nr_ros_item_get(mn, it, mn->def->scope, idbuf);

			nr_buf_adds(&key, v ? v : "");
		}
		if (kind == NR_ROS_KEYED || kind == NR_ROS_LIST)
			nr_ros_props_format(&full, &it->props);
		e[ne].it = items[i];
		e[ne].key = nr_buf_detach(&key);
		e[ne].full = nr_buf_detach(&full);
		e[ne].idx = i;
		ne++;
	}
	if (kind == NR_ROS_KEYED || kind == NR_ROS_LIST)
		qsort(e, ne, sizeof(*e), ent_cmp);
	else if (kind == NR_ROS_ORDERED && mn->def->scope)
		qsort(e, ne, sizeof(*e), ent_scope_cmp);
	k += place(mn, e, ne, out + k);
	for (size_t i = 0; i < ne; i++) {
		free(e[i].key);
		free(e[i].full);
	}
	free(e);
	return k;
}

struct nr_ros_item **nr_ros_menu_canonical(
    const struct nr_ros_menu *mn, size_t *n)
{
	struct nr_ros_item **out = nr_calloc(mn->n + 1, sizeof(*out));

	*n = canonical(mn, mn->v, mn->n, false, out);
	return out;
}

void nr_ros_items_canonical(
    const struct nr_ros_menu *mn, struct nr_ros_item **items, size_t n)
{
	struct nr_ros_item **out = nr_calloc(n + 1, sizeof(*out));

	canonical(mn, items, n, true, out);
	memcpy(items, out, n * sizeof(*items));
	free(out);
}

/* ---- one line ---- */

/* The length of the dotted prefix of `key` ("local." of "local.role"). */
static size_t dot_prefix(const char *key)
{
	const char *d = strrchr(key, '.');

	return d && d != key ? (size_t)(d - key) + 1 : 0;
}

static void add_prop(struct nr_buf *out, const struct nr_ros_prop *p,
    const char **prev, unsigned flags)
{
	const char *key = p->key, *val = p->val;
	size_t pre = dot_prefix(key);
	const char *shown = key;

	if ((flags & NR_ROS_EXPORT_SHORT_KEYS) && pre && *prev &&
	    dot_prefix(*prev) == pre && strncmp(*prev, key, pre) == 0)
		shown = key + pre - 1;
	*prev = key;
	nr_buf_addch(out, ' ');
	if (!val || nr_ros_prop_flag(p)) {
		if (!val)
			nr_buf_addch(out, '!');
		nr_buf_adds(out, shown);
		return;
	}
	nr_buf_adds(out, shown);
	nr_buf_addch(out, '=');
	nr_ros_quote(out, val, 0);
}

/* /ip address prints network= always, derived from the address. */
static bool derived_network(
    const struct nr_ros_menu *mn, const struct nr_ros_item *it, char net[32])
{
	const struct nr_ros_prop *a;
	unsigned o[4], len = 32;
	unsigned long ip, mask;
	int k;

	if (strcmp(mn->path, "/ip address") != 0 ||
	    nr_ros_props_find(&it->props, "network"))
		return false;
	a = nr_ros_props_find(&it->props, "address");
	if (!a || !a->val)
		return false;
	k = sscanf(a->val, "%u.%u.%u.%u/%u", &o[0], &o[1], &o[2], &o[3], &len);
	if (k < 4 || len > 32 || o[0] > 255 || o[1] > 255 || o[2] > 255 ||
	    o[3] > 255)
		return false;
	ip = ((unsigned long)o[0] << 24) | (o[1] << 16) | (o[2] << 8) | o[3];
	mask = len ? (0xffffffffUL << (32 - len)) & 0xffffffffUL : 0;
	ip &= mask;
	snprintf(net, 32, "%lu.%lu.%lu.%lu", ip >> 24, (ip >> 16) & 255,
	    (ip >> 8) & 255, ip & 255);
	return true;
}

static void verbose_props(struct nr_buf *out, const struct nr_ros_menu *mn,
    const struct nr_ros_item *it, unsigned flags)
{
	struct nr_ros_props all = { 0 };
	const char *prev = NULL;

	nr_ros_item_all_props(&all, mn, it, true);
	for (size_t i = 0; i < all.n; i++) {
		const char *k = all.v[i].key;

		bool settings = it->builtin && !it->bsel;

		/* comment and disabled are the defaults of list items; a
		 * settings object has neither */
		if (strcmp(k, "default") == 0 ||
		    strcmp(k, "default-name") == 0 ||
		    (settings && !nr_ros_props_find(&it->props, k) &&
			(strcmp(k, "comment") == 0 ||
			    strcmp(k, "disabled") == 0)) ||
		    (!(flags & NR_ROS_EXPORT_SENSITIVE) && nr_ros_sensitive(k)))
			continue;
		add_prop(out, &all.v[i], &prev, flags);
	}
	nr_ros_props_release(&all);
}

/* The values an item's line shows that its configured properties do not
 * hold: /ip address's derived network=, and the defaults the menu prints
 * anyway (action=accept on a firewall rule) on an `add` line. */
static void implied_props(struct nr_ros_props *out,
    const struct nr_ros_menu *mn, const struct nr_ros_item *it)
{
	char net[32];

	if (derived_network(mn, it, net))
		nr_ros_props_put(out, "network", net);
	nr_ros_item_printed(out, mn, it);
}

void nr_ros_item_printed(struct nr_ros_props *out, const struct nr_ros_menu *mn,
    const struct nr_ros_item *it)
{
	if (it->builtin || !mn->def->printed)
		return;
	for (const char *const *k = mn->def->printed; *k; k++) {
		const char *v = nr_ros_item_default(mn, it, *k);

		if (v && !nr_ros_props_find(&it->props, *k))
			nr_ros_props_put(out, *k, v);
	}
}

void nr_ros_item_line(struct nr_buf *out, const struct nr_ros_menu *mn,
    const struct nr_ros_item *it, unsigned flags)
{
	const struct nr_ros_props *p = &it->props;
	struct nr_ros_props implied = { 0 };
	const char *prev = NULL;
	size_t j = 0;

	if (!it->builtin) {
		nr_buf_adds(out, "add");
	} else {
		nr_buf_adds(out, "set");
		if (it->bsel) {
			nr_buf_addch(out, ' ');
			nr_buf_adds(out, it->bsel);
		}
	}
	if (flags & NR_ROS_EXPORT_VERBOSE) {
		verbose_props(out, mn, it, flags);
		return;
	}
	/* both lists are sorted and share no key: merge them */
	implied_props(&implied, mn, it);
	for (size_t i = 0; i < p->n; i++) {
		if (!(flags & NR_ROS_EXPORT_SENSITIVE) &&
		    nr_ros_sensitive(p->v[i].key))
			continue;
		while (
		    j < implied.n && strcmp(implied.v[j].key, p->v[i].key) < 0)
			add_prop(out, &implied.v[j++], &prev, flags);
		add_prop(out, &p->v[i], &prev, flags);
	}
	while (j < implied.n)
		add_prop(out, &implied.v[j++], &prev, flags);
	nr_ros_props_release(&implied);
}

/* ---- whole exports ---- */

/* Writes `line` wrapped at 80 columns: a trailing backslash, the rest
 * indented by 4 spaces; never inside an escape, never before a space
 * (the reader drops a continuation's leading spaces). */
static void wrap(struct nr_buf *out, const char *line, const char *eol)
{
	enum { W = 80 };
	size_t len = strlen(line), s = 0, indent = 0;
	unsigned char *ok = nr_calloc(len + 1, 1);
	bool quoted = false;

	for (size_t i = 0; i < len; i++) {
		ok[i] = i > 0 && line[i] != ' ';
		if (line[i] == '"') {
			quoted = !quoted;
		} else if (line[i] == '\\' && quoted && i + 1 < len) {
			size_t n = line[i + 1] >= '0' && line[i + 1] <= '9' ? 3
			    : (line[i + 1] >= 'A' && line[i + 1] <= 'F' &&
				  i + 2 < len &&
				  ((line[i + 2] >= '0' && line[i + 2] <= '9') ||
				      (line[i + 2] >= 'A' &&
					  line[i + 2] <= 'F')))
			    ? 3
			    : 2;

			for (size_t k = 1; k < n && i + k < len; k++)
				ok[i + k] = 0;
			ok[i] = i > 0;
			i += n - 1;
		}
	}
	while (len - s + indent > W) {
		size_t lim = s + (W - indent - 1), best = 0, any = 0;

		for (size_t b = s + 1; b <= lim && b < len; b++) {
			if (!ok[b])
				continue;
			any = b;
			if (line[b - 1] == ' ')
				best = b;
		}
		if (!best)
			best = any;
		if (!best)
			break;
		nr_buf_addf(out, "%*s", (int)indent, "");
		nr_buf_add(out, line + s, best - s);
		nr_buf_addch(out, '\\');
		nr_buf_adds(out, eol);
		s = best;
		indent = 4;
	}
	nr_buf_addf(out, "%*s", (int)indent, "");
	nr_buf_adds(out, line + s);
	nr_buf_adds(out, eol);
	free(ok);
}

/* The items a router's /export prints, into `out`: the settings object
 * and the built-ins as in the canonical order (a router holds them in its
 * own order, not in the order a configuration met them), then the added
 * items in list order. Real exports keep that order in every menu: rules
 * of all chains interleaved as they run, keyed items as they were added
 * (most menus of the corpus are not sorted by key). One exception keeps
 * an export readable: an item that names a later one of its menu (a pool
 * whose next-pool was set to a newer pool) comes after it, as in the
 * canonical order; list order is kept otherwise (every real export of
 * the corpus already runs top down). */
static size_t router_order(
    const struct nr_ros_menu *mn, bool all, struct nr_ros_item **out)
{
	struct nr_ros_item **b = nr_calloc(mn->n + 1, sizeof(*b));
	struct ent *e = nr_calloc(mn->n + 1, sizeof(*e));
	size_t nb = 0, ne = 0, k;

	for (size_t i = 0; i < mn->n; i++)
		if (mn->v[i]->builtin)
			b[nb++] = mn->v[i];
		else
			e[ne++].it = mn->v[i];
	k = canonical(mn, b, nb, all, out);
	k += place(mn, e, ne, out + k);
	free(b);
	free(e);
	return k;
}

/* `canon`: items in the canonical order (for comparing), else in the
 * router's order. */
static void write_model(struct nr_buf *out, const struct nr_ros_model *m,
    unsigned flags, bool canon)
{
	struct nr_ros_menu **menus = nr_ros_model_sorted(m);
	const char *eol = (flags & NR_ROS_EXPORT_CRLF) ? "\r\n" : "\n";
	struct nr_buf line = NR_BUF_INIT;

	for (size_t i = 0; i < m->n; i++) {
		const struct nr_ros_menu *mn = menus[i];
		struct nr_ros_item **items =
		    nr_calloc(mn->n + 1, sizeof(*items));
		/* verbose lists every built-in, changed or not */
		bool all = flags & NR_ROS_EXPORT_VERBOSE;
		size_t n = canon ? canonical(mn, mn->v, mn->n, all, items)
				 : router_order(mn, all, items);

		if (n && !(flags & NR_ROS_EXPORT_TERSE)) {
			nr_buf_adds(out, mn->path);
			nr_buf_adds(out, eol);
		}
		for (size_t k = 0; k < n; k++) {
			nr_buf_reset(&line);
			if (flags & NR_ROS_EXPORT_TERSE) {
				nr_buf_adds(&line, mn->path);
				nr_buf_addch(&line, ' ');
			}
			nr_ros_item_line(&line, mn, items[k], flags);
			if (flags & NR_ROS_EXPORT_TERSE) {
				nr_buf_adds(out, line.s);
				nr_buf_adds(out, eol);
			} else {
				wrap(out, line.s, eol);
			}
		}
		free(items);
	}
	nr_buf_release(&line);
	free(menus);
}

void nr_ros_export_terse(struct nr_buf *out, const struct nr_ros_model *m)
{
	write_model(
	    out, m, NR_ROS_EXPORT_TERSE | NR_ROS_EXPORT_SENSITIVE, true);
}

void nr_ros_export(struct nr_buf *out, const struct nr_ros_model *m,
    const struct nr_ros_export_opts *o)
{
	const char *eol = (o->flags & NR_ROS_EXPORT_CRLF) ? "\r\n" : "\n";

	if (o->date) {
		nr_buf_addf(out, "# %s by RouterOS %s%s", o->date,
		    o->version ? o->version : "7", eol);
		if (o->software_id)
			nr_buf_addf(
			    out, "# software id = %s%s", o->software_id, eol);
		if (o->system_id)
			nr_buf_addf(
			    out, "# system id = %s%s", o->system_id, eol);
		if (o->model)
			nr_buf_addf(out, "# model = %s%s", o->model, eol);
		if (o->serial)
			nr_buf_addf(
			    out, "# serial number = %s%s", o->serial, eol);
	}
	write_model(out, m, o->flags | NR_ROS_EXPORT_SHORT_KEYS, false);
}
