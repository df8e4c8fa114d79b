/* diff: plans per menu, then emits commands into a simulation.
 *
 * Every emitted command is parsed and run on `sim`, a copy of the live
 * model, so selectors are built against the state the router will be in
 * when the line runs (a `[ find where ... ]` must select exactly the item
 * meant, not also a rule that has the same properties plus more). At the
 * end the simulation must equal the desired model, or no script is given.
 *
 * Order: removals first, menus in reverse dependency order (bridge ports
 * before bridges), then per menu in dependency order: built-in and
 * settings `set`s, keyed `set`s, additions, ordered repairs. An ordered
 * scope (a firewall chain) keeps its longest run of rules already in
 * order, edits rules in place, moves or inserts the rest with
 * `move`/`place-before=`, and only then removes the rules that go (make
 * before break: the first pass of removals leaves its rules alone). */
#include "routeros/diff.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/mem.h"
#include "routeros/exec.h"
#include "routeros/export.h"
#include "routeros/intern.h"
#include "routeros/parse.h"
#include "routeros/quote.h"

struct ilist {
	struct nr_ros_item **v;
	size_t n, cap;
};

static void il_add(struct ilist *l, struct nr_ros_item *it)
{
	*NR_PUSH(l->v, l->n, l->cap) = it;
}

static int ptr_cmp(const void *a, const void *b)
{
	const void *pa = *(const void *const *)a, *pb = *(const void *const *)b;
	uintptr_t x = (uintptr_t)pa, y = (uintptr_t)pb;

	return x < y ? -1 : x > y;
}

static bool il_has(const struct ilist *l, const struct nr_ros_item *it)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i] == it)
			return true;
	return false;
}

struct dx {
	struct nr_ros_model *sim;
	struct nr_buf *out;
	size_t ncmds;
	struct nr_err *err;
	int rc;
	struct nr_ros_item *added; /* the item the last `add` created */
	/* items a `remove` took with the one it named: identical copies,
	 * which a selector cannot tell apart (compared by address only:
	 * they are gone) */
	struct ilist gone;
	unsigned marks; /* the last temporary mark given */
};

/* ---- emitting ---- */

static int emit(struct dx *d, const struct nr_buf *line)
{
	struct nr_ros_script s;
	struct nr_diags diags;
	char msg[512];
	int rc;

	if (d->rc)
		return d->rc;
	nr_diags_init(&diags);
	rc = nr_ros_parse(&s, line->s, line->len, &diags);
	if (rc == 0 && s.n == 1) {
		struct nr_ros_menu *mn = nr_ros_model_menu(d->sim, s.v[0].path);
		size_t before = mn->n;
		const struct nr_ros_arg *pb =
		    nr_ros_cmd_arg(&s.v[0], "place-before");
		struct nr_ros_item *anchor = NULL;

		if (s.v[0].verb == NR_ROS_ADD && pb && pb->sel) {
			for (size_t i = 0; i < mn->n; i++)
				if (nr_ros_item_matches(mn, mn->v[i],
					pb->sel->conds, pb->sel->nconds))
					anchor = mn->v[i];
		}
		rc = nr_ros_exec_cmd(d->sim, &s.v[0], msg, sizeof(msg));
		if (rc == 0 && s.v[0].verb == NR_ROS_ADD && mn->n == before + 1)
			d->added = anchor
			    ? mn->v[nr_ros_menu_index(mn, anchor) - 1]
			    : mn->v[mn->n - 1];
		if (rc)
			nr_err_set(d->err, NR_EUNSUPPORTED,
			    "cannot reach the desired configuration: '%s' "
			    "would fail: %s",
			    line->s, msg);
	} else {
		rc = nr_err_set(d->err, NR_EUNSUPPORTED,
		    "internal: cannot read back '%s'", line->s);
	}
	nr_ros_script_release(&s);
	nr_diags_release(&diags);
	if (rc) {
		d->rc = NR_EUNSUPPORTED;
		return d->rc;
	}
	nr_buf_add(d->out, line->s, line->len);
	nr_buf_addch(d->out, '\n');
	d->ncmds++;
	return 0;
}

/* ---- selectors ---- */

struct conds {
	struct nr_ros_cond *v;
	size_t n, cap;
};

static void conds_add(struct conds *c, const char *key, const char *val)
{
	struct nr_ros_cond *x = NR_PUSH(c->v, c->n, c->cap);

	x->key = key;
	x->val = (char *)(val ? val : "");
}

static const char *eff(
    const struct nr_ros_menu *mn, const struct nr_ros_item *it, const char *key)
{
	char idbuf[16];
	const char *v = nr_ros_item_get(mn, it, key, idbuf);

	return v ? v : "";
}

/* A key whose effective value differs between `a` and `o`, or NULL. */
static const char *differing_key(const struct nr_ros_menu *mn,
    const struct nr_ros_item *a, const struct nr_ros_item *o)
{
	const struct nr_ros_props *sets[] = { &o->props, &o->base, &a->props,
		&a->base };

	for (size_t s = 0; s < NR_ARRAY_SIZE(sets); s++)
		for (size_t i = 0; i < sets[s]->n; i++) {
			const char *k = sets[s]->v[i].key;

			if (strcmp(eff(mn, a, k), eff(mn, o, k)) != 0)
				return k;
		}
	return NULL;
}

/* `[ find where k="v" ... ]` selecting `it` in `mn` (the simulation):
 * the given keys (all properties when keys is NULL), plus conditions that
 * rule out any other item that would match. `copies` (unless NULL)
 * gets the other items with the very same properties: they cannot be
 * told apart and are selected too. */
static void selector(struct nr_buf *out, const struct nr_ros_menu *mn,
    const struct nr_ros_item *it, const char *const *keys, size_t nkeys,
    struct ilist *copies)
{
	struct conds c = { 0 };

	if (keys) {
		for (size_t i = 0; i < nkeys; i++)
			conds_add(&c, keys[i], eff(mn, it, keys[i]));
	} else {
		for (size_t i = 0; i < it->props.n; i++)
			if (it->props.v[i].val)
				conds_add(
				    &c, it->props.v[i].key, it->props.v[i].val);
	}
	/* a whole unique key (indexed: kstr set) selects only its item */
	bool by_key = keys && nr_ros_menu_unique_keys(mn) && it->kstr;

	for (size_t i = 0; i < mn->n && !by_key; i++) {
		struct nr_ros_item *o = mn->v[i];
		const char *k;

		if (o == it || (o->builtin && !o->bsel) ||
		    !nr_ros_item_matches(mn, o, c.v, c.n))
			continue;
		k = differing_key(mn, it, o);
		if (!k) {
			if (copies)
				il_add(copies, o);
			continue;
		}
		conds_add(&c, k, eff(mn, it, k));
	}
	nr_buf_adds(out, "[ find where");
	for (size_t i = 0; i < c.n; i++) {
		nr_buf_addch(out, ' ');
		nr_buf_adds(out, c.v[i].key);
		nr_buf_addch(out, '=');
		nr_ros_quote(out, c.v[i].val, NR_ROS_QUOTE_EXPR);
	}
	nr_buf_adds(out, " ]");
	free(c.v);
}

/* The comment of a rule added while an identical one is still there. */
#define MARK_PREFIX "netrec-moving-"

/* The comment of `it` when it looks like a temporary mark, else NULL. */
static const char *mark_of(
    const struct nr_ros_menu *mn, const struct nr_ros_item *it)
{
	const char *c = eff(mn, it, "comment");

	return strncmp(c, MARK_PREFIX, strlen(MARK_PREFIX)) == 0 ? c : NULL;
}

/* How `set`/`remove`/`move` name an item of the simulation: a rule
 * that carries a temporary mark by its comment first (short, and
 * quick to find). */
static void item_ref(struct nr_buf *out, const struct nr_ros_menu *mn,
    const struct nr_ros_item *it, struct ilist *copies)
{
	static const char *const comment[] = { "comment" };

	if (it->builtin) {
		if (it->bsel)
			nr_buf_adds(out, it->bsel);
		return;
	}
	if (mn->def->kind == NR_ROS_KEYED && mn->nkeys)
		selector(out, mn, it, mn->keys, mn->nkeys, copies);
	else if (mark_of(mn, it))
		selector(out, mn, it, comment, 1, copies);
	else
		selector(out, mn, it, NULL, 0, copies);
}

/* ---- set: the changed properties only ---- */

static void set_item(struct dx *d, struct nr_ros_menu *sm,
    struct nr_ros_item *have, const struct nr_ros_item *want)
{
	const struct nr_ros_props *h = &have->props, *w = &want->props;
	struct nr_buf line = NR_BUF_INIT, ref = NR_BUF_INIT;
	const char **unset = nr_calloc(h->n + w->n + 1, sizeof(*unset));
	size_t nunset = 0, i = 0, k = 0;
	bool any = false;

	item_ref(&ref, sm, have, NULL);
	nr_buf_addf(&line, "%s set", sm->path);
	if (ref.len)
		nr_buf_addf(&line, " %s", ref.s);
	while (i < h->n || k < w->n) {
		int c = i >= h->n ? 1
		    : k >= w->n	  ? -1
				  : strcmp(h->v[i].key, w->v[k].key);
		const char *key = c <= 0 ? h->v[i].key : w->v[k].key;
		const char *val = NULL;
		bool change = false;

		if (c < 0) {
			/* back to the default */
			val = nr_ros_item_default(sm, have, key);
			change = true;
			if (!val)
				unset[nunset++] = key;
		} else if (c > 0 || h->v[i].val == NULL ||
		    w->v[k].val == NULL ||
		    nr_ros_prop_flag(&h->v[i]) != nr_ros_prop_flag(&w->v[k]) ||
		    strcmp(h->v[i].val, w->v[k].val) != 0) {
			val = w->v[k].val;
			change = true;
			if (!val)
				unset[nunset++] = key;
		}
		if (change && val && c >= 0 && nr_ros_prop_flag(&w->v[k])) {
			nr_buf_addf(&line, " %s", key);
			any = true;
		} else if (change && val) {
			nr_buf_addf(&line, " %s=", key);
			nr_ros_quote(&line, val, 0);
			any = true;
		}
		i += c <= 0;
		k += c >= 0;
	}
	/* keys point into have/want, which the set below may change */
	for (size_t u = 0; u < nunset; u++)
		unset[u] = nr_strdup(unset[u]);
	if (any)
		emit(d, &line);
	for (size_t u = 0; u < nunset; u++) {
		nr_buf_reset(&line);
		nr_buf_reset(&ref);
		item_ref(&ref, sm, have, NULL);
		nr_buf_addf(&line, "%s unset", sm->path);
		if (ref.len)
			nr_buf_addf(&line, " %s", ref.s);
		nr_buf_addf(&line, " value-name=%s", unset[u]);
		emit(d, &line);
		free((char *)unset[u]);
	}
	free(unset);
	nr_buf_release(&line);
	nr_buf_release(&ref);
}

static void remove_item(
    struct dx *d, struct nr_ros_menu *sm, struct nr_ros_item *it)
{
	struct nr_buf line = NR_BUF_INIT;

	if (il_has(&d->gone, it))
		return; /* went with an identical copy */
	nr_buf_addf(&line, "%s remove ", sm->path);
	item_ref(&line, sm, it, &d->gone);
	emit(d, &line);
	nr_buf_release(&line);
}

/* `add` with every property of `want`; before `anchor` when given.
 * With a `mark` (not 0), the comment is a temporary one instead,
 * MARK_PREFIX and the number, which tells the new rule from an
 * identical old one. */
static struct nr_ros_item *add_item(struct dx *d, struct nr_ros_menu *sm,
    const struct nr_ros_item *want, struct nr_ros_item *anchor, unsigned mark)
{
	struct nr_buf line = NR_BUF_INIT;

	d->added = NULL;
	nr_buf_addf(&line, "%s add", sm->path);
	for (size_t i = 0; i < want->props.n; i++) {
		int c = strcmp(want->props.v[i].key, "comment");

		if (mark && c >= 0) {
			/* in its place among the sorted keys, instead of
			 * the comment the rule may have */
			nr_buf_addf(&line, " comment=" MARK_PREFIX "%u", mark);
			mark = 0;
			if (c == 0)
				continue;
		}
		if (!want->props.v[i].val) {
			/* unset, where that differs from the default */
			nr_buf_addf(&line, " !%s", want->props.v[i].key);
			continue;
		}
		if (nr_ros_prop_flag(&want->props.v[i])) {
			nr_buf_addf(&line, " %s", want->props.v[i].key);
			continue;
		}
		nr_buf_addf(&line, " %s=", want->props.v[i].key);
		nr_ros_quote(&line, want->props.v[i].val, 0);
	}
	if (mark)
		nr_buf_addf(&line, " comment=" MARK_PREFIX "%u", mark);
	if (anchor) {
		nr_buf_adds(&line, " place-before=");
		selector(&line, sm, anchor, NULL, 0, NULL);
	}
	emit(d, &line);
	nr_buf_release(&line);
	return d->added;
}

static void move_item(struct dx *d, struct nr_ros_menu *sm,
    struct nr_ros_item *it, struct nr_ros_item *before)
{
	struct nr_buf line = NR_BUF_INIT;

	nr_buf_addf(&line, "%s move numbers=", sm->path);
	selector(&line, sm, it, NULL, 0, NULL);
	if (before) {
		nr_buf_adds(&line, " destination=");
		selector(&line, sm, before, NULL, 0, NULL);
	}
	emit(d, &line);
	nr_buf_release(&line);
}

/* ---- plans ---- */

/* per desired rule: added; kept where it is (equal); edited in place;
 * moved (equal); edited, then moved; in a rebuild, added with a mark */
enum { T_NEW, T_ANCHOR, T_PAIRED, T_MOVED, T_EDITED, T_MARKED };

struct scope {
	char *name;
	struct ilist have; /* simulation items, list order */
	struct ilist want; /* desired items, list order */
	struct nr_ros_item **link; /* per want: the kept simulation item */
	unsigned char *st; /* per want: T_* */
	/* the rules that go, in the order to remove them (after the new
	 * ones are in), and all of them by address (plan_removals) */
	struct ilist rm, going;
	/* keep a prefix, rebuild the rest (duplicates; generic menus) */
	bool rebuild;
	size_t prefix;
};

struct mplan {
	struct nr_ros_menu *sm;
	const struct nr_ros_menu *dm; /* NULL: nothing desired */
	struct ilist rm; /* removed in the first pass */
	struct ilist add; /* desired items to add (unordered kinds) */
	struct ilist set_have, set_want; /* keyed pairs to update */
	struct scope *scopes;
	size_t nscopes, cscopes;
};

static bool same(const struct nr_ros_item *a, const struct nr_ros_item *b)
{
	return nr_ros_props_equal(&a->props, &b->props);
}

/* A sorted index of item contents or natural keys with each item's
 * place in its list, for matching by sort-merge. A key is a string (`s`);
 * a content is the item's properties (`it`, `s` NULL), ordered by their
 * hash `h` first. */
struct sent {
	char *s;
	const struct nr_ros_item *it;
	uint64_t h;
	size_t idx;
	bool used;
};

/* Compares what two entries stand for (not their places). */
static int sent_what(const struct sent *x, const struct sent *y)
{
	if (x->h != y->h)
		return x->h < y->h ? -1 : 1;
	if (x->s && y->s)
		return strcmp(x->s, y->s);
	if (x->it && y->it)
		return nr_ros_props_cmp(&x->it->props, &y->it->props);
	return 0; /* not reached: an index holds one kind */
}

static int sent_cmp(const void *a, const void *b)
{
	const struct sent *x = a, *y = b;
	int c = sent_what(x, y);

	return c ? c : x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* The content entry of `it`. */
static struct sent content(const struct nr_ros_item *it, size_t idx)
{
	struct sent e = { .it = it, .idx = idx };

	e.h = nr_ros_props_hash(&it->props);
	return e;
}

static void sent_free(struct sent *e, size_t n)
{
	for (size_t i = 0; e && i < n; i++)
		free(e[i].s);
	free(e);
}

/* The contents of the items of `l`, sorted. */
static struct sent *cindex(const struct ilist *l)
{
	struct sent *c = nr_calloc(l->n + 1, sizeof(*c));

	for (size_t i = 0; i < l->n; i++)
		c[i] = content(l->v[i], i);
	qsort(c, l->n, sizeof(*c), sent_cmp);
	return c;
}

/* The first entry of `c` not before `s` (n when none). */
static size_t clower(const struct sent *c, size_t n, const struct sent *s)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (sent_what(&c[mid], s) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The end of the group of entries of `c` equal to c[i]. */
static size_t group_end(const struct sent *c, size_t n, size_t i)
{
	size_t e = i + 1;

	while (e < n && sent_what(&c[i], &c[e]) == 0)
		e++;
	return e;
}

/* First unused entry equal to `s`, or NULL. */
static struct sent *cfind(struct sent *c, size_t n, const struct sent *s)
{
	for (size_t lo = clower(c, n, s); lo < n && sent_what(&c[lo], s) == 0;
	     lo++)
		if (!c[lo].used)
			return &c[lo];
	return NULL;
}

/* The next group of equal entries of two sorted indexes, `h` from i
 * and `w` from k: *ni of h and *nk of w, one at least; false at the
 * end of both. */
static bool next_group(const struct sent *h, size_t nh, size_t i,
    const struct sent *w, size_t nw, size_t k, size_t *ni, size_t *nk)
{
	const struct sent *s;

	if (i >= nh && k >= nw)
		return false;
	if (i < nh && (k >= nw || sent_what(&h[i], &w[k]) <= 0))
		s = &h[i];
	else
		s = &w[k];
	for (*ni = 0; i + *ni < nh && sent_what(&h[i + *ni], s) == 0; (*ni)++)
		;
	for (*nk = 0; k + *nk < nw && sent_what(&w[k + *nk], s) == 0; (*nk)++)
		;
	return true;
}

/* Multiset match: desired items without a live equal are added; live
 * items whose content is wanted fewer times are removed (all copies: a
 * selector cannot tell copies apart) and the wanted copies re-added. */
static void plan_multiset(
    struct mplan *p, const struct ilist *have, const struct ilist *want)
{
	struct sent *h = cindex(have), *w = cindex(want);
	size_t ni, nk;

	for (size_t i = 0, k = 0;
	     next_group(h, have->n, i, w, want->n, k, &ni, &nk);
	     i += ni, k += nk) {
		if (ni > nk) {
			il_add(&p->rm, have->v[h[i].idx]);
			for (size_t x = 0; x < nk; x++)
				il_add(&p->add, want->v[w[k + x].idx]);
		} else {
			for (size_t x = ni; x < nk; x++)
				il_add(&p->add, want->v[w[k + x].idx]);
		}
	}
	sent_free(h, have->n);
	sent_free(w, want->n);
}

/* The natural keys of the items of `l`, sorted. */
static struct sent *kindex(const struct nr_ros_menu *mn, const struct ilist *l)
{
	struct sent *e = nr_calloc(l->n + 1, sizeof(*e));
	struct nr_buf b = NR_BUF_INIT;

	for (size_t i = 0; i < l->n; i++) {
		nr_buf_reset(&b);
		nr_ros_item_keystr(&b, mn, l->v[i]);
		e[i].s = nr_strdup(b.s);
		e[i].idx = i;
	}
	qsort(e, l->n, sizeof(*e), sent_cmp);
	nr_buf_release(&b);
	return e;
}

/* Items of a multi-part key that differ in one part only (an address
 * moved within one interface) are changed in place when that pairing is
 * unambiguous: one `set` instead of a removal and an addition. */
static void pair_partial(struct mplan *p, struct ilist *oh, struct ilist *ow)
{
	const struct nr_ros_menu *mn = p->sm;

	for (size_t skip = 0; skip < mn->nkeys && oh->n && ow->n; skip++) {
		size_t n = oh->n + ow->n;
		struct sent *e = nr_calloc(n + 1, sizeof(*e));
		struct nr_buf b = NR_BUF_INIT;
		bool *gone_h = nr_calloc(oh->n + 1, 1);
		bool *gone_w = nr_calloc(ow->n + 1, 1);
		size_t k;

		for (size_t i = 0; i < n; i++) {
			const struct nr_ros_item *it =
			    i < oh->n ? oh->v[i] : ow->v[i - oh->n];

			nr_buf_reset(&b);
			for (size_t j = 0; j < mn->nkeys; j++) {
				if (j == skip)
					continue;
				nr_buf_adds(&b, eff(mn, it, mn->keys[j]));
				nr_buf_addch(&b, '\x1f');
			}
			e[i].s = nr_strdup(b.s);
			e[i].idx = i;
		}
		qsort(e, n, sizeof(*e), sent_cmp);
		for (size_t i = 0; i < n; i = k) {
			for (k = i + 1; k < n && sent_what(&e[k], &e[i]) == 0;)
				k++;
			if (k - i == 2 && e[i].idx < oh->n &&
			    e[i + 1].idx >= oh->n) {
				size_t h = e[i].idx, w = e[i + 1].idx - oh->n;

				il_add(&p->set_have, oh->v[h]);
				il_add(&p->set_want, ow->v[w]);
				gone_h[h] = gone_w[w] = true;
			}
		}
		k = 0;
		for (size_t i = 0; i < oh->n; i++)
			if (!gone_h[i])
				oh->v[k++] = oh->v[i];
		oh->n = k;
		k = 0;
		for (size_t i = 0; i < ow->n; i++)
			if (!gone_w[i])
				ow->v[k++] = ow->v[i];
		ow->n = k;
		sent_free(e, n);
		free(gone_h);
		free(gone_w);
		nr_buf_release(&b);
	}
}

static int kstr_cmp(const void *a, const void *b)
{
	return strcmp((*(struct nr_ros_item *const *)a)->kstr,
	    (*(struct nr_ros_item *const *)b)->kstr);
}

static void sort_by_key(struct ilist *l)
{
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), kstr_cmp);
}

/* Is every item of `l` the one the index of `mn` holds for its key? */
static bool all_indexed(const struct nr_ros_menu *mn, const struct ilist *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (!nr_ros_menu_keyed(mn, l->v[i]))
			return false;
	return true;
}

/* The configured (not built-in) item of `mn` whose key is `kstr`. */
static struct nr_ros_item *configured_by_key(
    const struct nr_ros_menu *mn, const char *kstr)
{
	struct nr_ros_item *it = nr_ros_menu_by_key(mn, kstr);

	return it && !it->builtin ? it : NULL;
}

/* Unique keys, every item indexed: items pair through the key indexes,
 * in the order of their keys as plan_keyed's merge would. */
static bool plan_indexed(struct mplan *p, const struct ilist *have,
    const struct ilist *want, struct ilist *oh, struct ilist *ow)
{
	struct ilist pairs = { 0 };

	if (!nr_ros_menu_unique_keys(p->sm) || !p->dm ||
	    !all_indexed(p->sm, have) || !all_indexed(p->dm, want))
		return false;
	for (size_t i = 0; i < have->n; i++) {
		struct nr_ros_item *w =
		    configured_by_key(p->dm, have->v[i]->kstr);

		if (!w)
			il_add(oh, have->v[i]);
		else if (!same(have->v[i], w))
			il_add(&pairs, have->v[i]);
	}
	for (size_t i = 0; i < want->n; i++)
		if (!configured_by_key(p->sm, want->v[i]->kstr))
			il_add(ow, want->v[i]);
	sort_by_key(oh);
	sort_by_key(ow);
	sort_by_key(&pairs);
	for (size_t i = 0; i < pairs.n; i++) {
		il_add(&p->set_have, pairs.v[i]);
		il_add(
		    &p->set_want, configured_by_key(p->dm, pairs.v[i]->kstr));
	}
	free(pairs.v);
	return true;
}

/* What a keyed menu's plan sorts its items into, besides the plan:
 * items whose key went or came (`oh`, `ow`: removed and added unless
 * paired as a changed key) and keys held twice (`mh`, `mw`: matched
 * whole). */
struct kgroups {
	struct ilist mh, mw, oh, ow;
};

/* One key: `ni` items of `have` with it (entries `h`), `nk` of `want`
 * (entries `w`). */
static void plan_key(struct mplan *p, struct kgroups *g,
    const struct ilist *have, const struct sent *h, size_t ni,
    const struct ilist *want, const struct sent *w, size_t nk)
{
	if (ni == 1 && nk == 1) {
		if (!same(have->v[h->idx], want->v[w->idx])) {
			il_add(&p->set_have, have->v[h->idx]);
			il_add(&p->set_want, want->v[w->idx]);
		}
	} else if (ni == 1 && nk == 0) {
		il_add(&g->oh, have->v[h->idx]);
	} else if (ni == 0 && nk == 1) {
		il_add(&g->ow, want->v[w->idx]);
	} else if (nk == 0) {
		for (size_t x = 0; x < ni; x++)
			il_add(&p->rm, have->v[h[x].idx]);
	} else {
		/* a key held twice: whole items */
		for (size_t x = 0; x < ni; x++)
			il_add(&g->mh, have->v[h[x].idx]);
		for (size_t x = 0; x < nk; x++)
			il_add(&g->mw, want->v[w[x].idx]);
	}
}

/* A keyed menu: items paired by natural key (through the key indexes,
 * else by sort-merge), a changed one updated with `set`. */
static void plan_keyed(
    struct mplan *p, const struct ilist *have, const struct ilist *want)
{
	struct kgroups g = { 0 };

	if (!plan_indexed(p, have, want, &g.oh, &g.ow)) {
		struct sent *h = kindex(p->sm, have), *w = kindex(p->sm, want);
		size_t ni, nk;

		for (size_t i = 0, k = 0;
		     next_group(h, have->n, i, w, want->n, k, &ni, &nk);
		     i += ni, k += nk)
			plan_key(p, &g, have, h + i, ni, want, w + k, nk);
		sent_free(h, have->n);
		sent_free(w, want->n);
	}
	if (p->sm->nkeys > 1)
		pair_partial(p, &g.oh, &g.ow);
	for (size_t x = 0; x < g.oh.n; x++)
		il_add(&p->rm, g.oh.v[x]);
	for (size_t x = 0; x < g.ow.n; x++)
		il_add(&p->add, g.ow.v[x]);
	if (g.mh.n || g.mw.n)
		plan_multiset(p, &g.mh, &g.mw);
	free(g.mh.v);
	free(g.mw.v);
	free(g.oh.v);
	free(g.ow.v);
}

/* Longest increasing subsequence of a[0..n) (values distinct); marks
 * in[] for the chosen positions. */
static void lis(const size_t *a, size_t n, bool *in)
{
	size_t *tail = nr_calloc(n + 1, sizeof(*tail));
	size_t *prev = nr_calloc(n + 1, sizeof(*prev));
	size_t len = 0;

	for (size_t i = 0; i < n; i++) {
		size_t lo = 0, hi = len;

		while (lo < hi) {
			size_t mid = (lo + hi) / 2;

			if (a[tail[mid]] < a[i])
				lo = mid + 1;
			else
				hi = mid;
		}
		prev[i] = lo ? tail[lo - 1] : (size_t)-1;
		tail[lo] = i;
		if (lo == len)
			len++;
	}
	for (size_t i = len ? tail[len - 1] : (size_t)-1; i != (size_t)-1;
	     i = prev[i])
		in[i] = true;
	free(tail);
	free(prev);
}

/* Of the pairs (simulation rule a[i], desired rule ay[i]), in desired
 * order, the most whose simulation rules are in order too stay where
 * they are: state `st`, and kept[]. */
static void keep_in_order(struct scope *s, bool *kept, const size_t *a,
    const size_t *ay, size_t n, int st)
{
	bool *in = nr_calloc(n + 1, sizeof(*in));

	lis(a, n, in);
	for (size_t i = 0; i < n; i++)
		if (in[i]) {
			s->st[ay[i]] = (unsigned char)st;
			kept[a[i]] = true;
		}
	free(in);
}

#define NOT_ALIKE SIZE_MAX

/* How many properties differ between `have` and `want`, when `have` can
 * be edited into `want` in place: close enough to be the same rule (at
 * least half of their properties alike), and every property it drops
 * has a default to set back to. NOT_ALIKE otherwise. */
static size_t edit_cost(const struct nr_ros_menu *mn,
    const struct nr_ros_item *have, const struct nr_ros_item *want)
{
	const struct nr_ros_props *h = &have->props, *w = &want->props;
	size_t i = 0, k = 0, diff = 0, all = 0;

	while (i < h->n || k < w->n) {
		int c = i >= h->n ? 1
		    : k >= w->n	  ? -1
				  : strcmp(h->v[i].key, w->v[k].key);

		all++;
		if (c < 0) {
			if (!nr_ros_item_default(mn, have, h->v[i].key))
				return NOT_ALIKE;
			diff++;
		} else if (c > 0 || !h->v[i].val || !w->v[k].val ||
		    strcmp(h->v[i].val, w->v[k].val) != 0) {
			diff++;
		}
		i += c <= 0;
		k += c >= 0;
	}
	return all > 0 && diff * 2 <= all ? diff : NOT_ALIKE;
}

/* A stretch's pairing table has at most STRETCH_CELLS cells (in a larger
 * stretch only the close pairs of pair_close are made); a pair is worth
 * PAIR_GAIN less its edits, so more pairs always win over fewer edits. */
enum { STRETCH_CELLS = 1 << 16 };
#define PAIR_GAIN (1L << 20)

static void pair(struct scope *s, long *hl, size_t x, size_t y, int st)
{
	s->st[y] = (unsigned char)st;
	s->link[y] = s->have.v[x];
	hl[x] = (long)y;
}

/* Pairs the unpaired rules of one stretch between kept rules, have
 * hx[0..nh) with want wy[0..nw) (indexes in list order), in order (so
 * none has to move): as many as can be edited into one another, with
 * the fewest edits for that many (a longest common subsequence weighted
 * by edit_cost). */
static void pair_stretch(const struct nr_ros_menu *mn, struct scope *s,
    long *hl, const size_t *hx, size_t nh, const size_t *wy, size_t nw)
{
	size_t cols = nw + 1, i = nh, j = nw;
	size_t *cost;
	long *best;

	if (!nh || !nw || nh * nw > STRETCH_CELLS)
		return;
	cost = nr_calloc(nh * nw, sizeof(*cost));
	best = nr_calloc((nh + 1) * cols, sizeof(*best));
	for (i = 1; i <= nh; i++)
		for (j = 1; j <= nw; j++) {
			size_t c = edit_cost(
			    mn, s->have.v[hx[i - 1]], s->want.v[wy[j - 1]]);
			long v = best[(i - 1) * cols + j];

			cost[(i - 1) * nw + j - 1] = c;
			if (best[i * cols + j - 1] > v)
				v = best[i * cols + j - 1];
			if (c != NOT_ALIKE &&
			    best[(i - 1) * cols + j - 1] + PAIR_GAIN - (long)c >
				v)
				v = best[(i - 1) * cols + j - 1] + PAIR_GAIN -
				    (long)c;
			best[i * cols + j] = v;
		}
	for (i = nh, j = nw; i && j;) {
		size_t c = cost[(i - 1) * nw + j - 1];
		long v = best[i * cols + j];

		if (c != NOT_ALIKE &&
		    v == best[(i - 1) * cols + j - 1] + PAIR_GAIN - (long)c) {
			pair(s, hl, hx[i - 1], wy[j - 1], T_PAIRED);
			i--;
			j--;
		} else if (v == best[(i - 1) * cols + j]) {
			i--;
		} else {
			j--;
		}
	}
	free(cost);
	free(best);
}

enum { PAIR_TRIES = 64, PAIR_LOOKS = 1024, PAIR_CLOSE = 2 };

/* A possible pair: desired rule y, simulation rule x, the edits between,
 * and whether both stand in the same stretch between kept rules. */
struct cand {
	size_t cost, y, x;
	bool same;
};

/* By desired rule; for each, the closest first and, as close, the one in
 * its stretch first. */
static int cand_cmp(const void *a, const void *b)
{
	const struct cand *p = a, *q = b;

	if (p->y != q->y)
		return p->y < q->y ? -1 : 1;
	if (p->cost != q->cost)
		return p->cost < q->cost ? -1 : 1;
	if (p->same != q->same)
		return p->same ? -1 : 1;
	return p->x < q->x ? -1 : p->x > q->x;
}

/* The closest first and, as close, those in one stretch first. */
static int cand_best_cmp(const void *a, const void *b)
{
	const struct cand *p = a, *q = b;

	if (p->cost != q->cost)
		return p->cost < q->cost ? -1 : 1;
	if (p->same != q->same)
		return p->same ? -1 : 1;
	return p->y < q->y ? -1 : p->y > q->y;
}

/* The stretch each rule stands in: the number of kept rules before it
 * (hs[] for the simulation's, ws[] for the desired). */
static void stretches(
    const struct scope *s, const bool *kept, size_t *hs, size_t *ws)
{
	size_t k = 0;

	for (size_t x = 0; x < s->have.n; k += kept[x], x++)
		hs[x] = k;
	k = 0;
	for (size_t y = 0; y < s->want.n; y++) {
		ws[y] = k;
		k += s->st[y] == T_ANCHOR;
	}
}

/* A property, name and value, as one hash (an unset value hashes as an
 * empty one; edit_cost tells them apart). */
static uint64_t prop_hash(const struct nr_ros_prop *p)
{
	const char *v = p->val ? p->val : "";
	uint64_t k = nr_ros_strhash(p->key, strlen(p->key));

	return (k ^ nr_ros_strhash(v, strlen(v))) * 0x9e3779b97f4a7c15ULL + k;
}

/* Rules with more properties get signatures for one left out only. */
enum { SIG_PAIRS_MAX = 24 };

/* A rule's signatures (*n of them; the caller frees them): the sum of
 * its properties' hashes, and that sum less one or two of them, each
 * way (less one only, for a rule of more than SIG_PAIRS_MAX). Two rules
 * that differ in at most two properties share a signature: each less
 * the properties they differ in (unless one of them has more than
 * SIG_PAIRS_MAX properties and they differ in two). */
static uint64_t *signatures(size_t *n, const struct nr_ros_item *it)
{
	size_t np = it->props.n, k = 0;
	uint64_t *ph = nr_calloc(np + 1, sizeof(*ph)), all = 0;
	uint64_t *v = nr_calloc(
	    1 + np + (np <= SIG_PAIRS_MAX ? np * np / 2 : 0), sizeof(*v));

	for (size_t i = 0; i < np; i++) {
		ph[i] = prop_hash(&it->props.v[i]);
		all += ph[i];
	}
	v[k++] = all;
	for (size_t i = 0; i < np; i++)
		v[k++] = all - ph[i];
	for (size_t i = 0; np <= SIG_PAIRS_MAX && i < np; i++)
		for (size_t j = i + 1; j < np; j++)
			v[k++] = all - ph[i] - ph[j];
	free(ph);
	*n = k;
	return v;
}

/* A signature of simulation rule x. */
struct sig {
	uint64_t h;
	size_t x;
};

static int sig_cmp(const void *a, const void *b)
{
	const struct sig *p = a, *q = b;

	if (p->h != q->h)
		return p->h < q->h ? -1 : 1;
	return p->x < q->x ? -1 : p->x > q->x;
}

/* The first of the sorted v[0..n) whose hash is not below h. */
static size_t sig_first(const struct sig *v, size_t n, uint64_t h)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid].h < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Bipartite matching of desired to simulation rules over the
 * candidates (by desired rule: c[first[y]..first[y + 1])), one
 * augmenting path at a time: hx[x] is the desired rule x goes to (+1, 0:
 * none), seen[x] the search that last visited x, steps what the current
 * search may still spend (MATCH_STEPS each: one crowd of rules alike
 * cannot starve the others). */
struct match {
	struct cand *c;
	const size_t *first;
	size_t *hx, *seen, steps;
};

enum { MATCH_STEPS = 4096 };

static bool augment(struct match *m, size_t y, size_t search)
{
	/* a free candidate first: most searches end there */
	for (size_t i = m->first[y]; i < m->first[y + 1]; i++)
		if (!m->hx[m->c[i].x]) {
			m->hx[m->c[i].x] = y + 1;
			return true;
		}
	for (size_t i = m->first[y]; i < m->first[y + 1] && m->steps; i++) {
		size_t x = m->c[i].x;

		m->steps--;
		if (m->seen[x] == search)
			continue;
		m->seen[x] = search;
		if (augment(m, m->hx[x] - 1, search)) {
			m->hx[x] = y + 1;
			return true;
		}
	}
	return false;
}

/* The signatures of the unpaired simulation rules, sorted; *n gets how
 * many. */
static struct sig *sig_index(size_t *n, const struct scope *s, const long *hl)
{
	struct sig *v = NULL;
	size_t cap = 0;

	*n = 0;
	for (size_t x = 0; x < s->have.n; x++) {
		size_t k;
		uint64_t *h;

		if (hl[x] >= 0)
			continue;
		h = signatures(&k, s->have.v[x]);
		for (size_t i = 0; i < k; i++)
			*NR_PUSH(v, *n, cap) = (struct sig){ h[i], x };
		free(h);
	}
	if (*n)
		qsort(v, *n, sizeof(*v), sig_cmp);
	return v;
}

/* The candidate pairs of rules that differ in at most PAIR_CLOSE
 * properties, by desired rule (c[first[y]..first[y + 1])): each new
 * rule meets the unpaired rules that share a signature with it (its own
 * signatures whole first, then less one property, then less two), until
 * PAIR_TRIES of them are close enough or PAIR_LOOKS were looked at. */
static struct cand *close_pairs(const struct nr_ros_menu *mn,
    const struct scope *s, const long *hl, const size_t *hs, const size_t *ws,
    size_t *first)
{
	size_t nh = s->have.n, nt = s->want.n, nsig, nc = 0, cc = 0;
	struct sig *idx = sig_index(&nsig, s, hl);
	size_t *met = nr_calloc(nh + 1, sizeof(*met)); /* y + 1 that met x */
	struct cand *c = NULL;

	for (size_t y = 0; y < nt && nsig; y++) {
		size_t k, found = 0, looks = 0;
		uint64_t *h;

		if (s->st[y] != T_NEW)
			continue;
		h = signatures(&k, s->want.v[y]);
		for (size_t i = 0; i < k && found < PAIR_TRIES; i++)
			for (size_t e = sig_first(idx, nsig, h[i]);
			     e < nsig && idx[e].h == h[i] &&
			     found < PAIR_TRIES && looks < PAIR_LOOKS;
			     e++) {
				size_t x = idx[e].x, cost;

				if (met[x] == y + 1)
					continue;
				met[x] = y + 1;
				looks++;
				cost =
				    edit_cost(mn, s->have.v[x], s->want.v[y]);
				if (cost <= PAIR_CLOSE) {
					*NR_PUSH(c, nc, cc) = (struct cand){
						cost, y, x, hs[x] == ws[y]
					};
					found++;
				}
			}
		free(h);
	}
	if (nc)
		qsort(c, nc, sizeof(*c), cand_cmp);
	for (size_t i = 0, y = 0; y <= nt; y++) {
		first[y] = i;
		while (i < nc && c[i].y == y)
			i++;
	}
	first[nt + 1] = nc;
	free(idx);
	free(met);
	return c;
}

/* Of the T_EDITED pairs in one stretch, the most that keep their order
 * are edited in place: T_PAIRED, then kept like the anchors. */
static void in_place(struct scope *s, const long *hl, bool *kept,
    const size_t *hs, const size_t *ws)
{
	size_t nt = s->want.n, n = 0;
	size_t *xof = nr_calloc(nt + 1, sizeof(*xof)); /* x + 1, or 0 */
	size_t *a = nr_calloc(nt + 1, sizeof(*a));
	size_t *ay = nr_calloc(nt + 1, sizeof(*ay));

	for (size_t x = 0; x < s->have.n; x++) {
		long y = hl[x];

		if (y >= 0 && s->st[y] == T_EDITED && hs[x] == ws[y])
			xof[y] = x + 1;
	}
	for (size_t y = 0; y < nt; y++)
		if (xof[y]) {
			a[n] = xof[y] - 1;
			ay[n++] = y;
		}
	keep_in_order(s, kept, a, ay, n, T_PAIRED);
	free(xof);
	free(a);
	free(ay);
}

/* Rules that differ in at most PAIR_CLOSE properties pair first, found
 * by their signatures wherever they stand (close_pairs): as many as can
 * (a matching: an edited rule is edited, never removed and added again,
 * when the chain would lack it for a moment), each the closest it can,
 * and, as close, in its stretch. The pairs are edited right before they
 * are moved (T_EDITED), or edited in place (in_place). Less alike, a
 * removal and an addition are what they look like, unless they stand
 * in one stretch (pair_stretch). The work is bounded by the scope's
 * size: PAIR_LOOKS comparisons per desired rule, MATCH_STEPS steps per
 * search. Where those run out (a rule among more than a thousand alike
 * but for the same two properties; a crowd of rules competing for the
 * same originals), or a rule of more than SIG_PAIRS_MAX properties
 * differs in two, an edited rule may be removed and added. */
static void pair_close(
    const struct nr_ros_menu *mn, struct scope *s, long *hl, bool *kept)
{
	size_t nh = s->have.n, nt = s->want.n;
	size_t *hs = nr_calloc(nh + 1, sizeof(*hs));
	size_t *ws = nr_calloc(nt + 1, sizeof(*ws));
	size_t *first = nr_calloc(nt + 2, sizeof(*first)), norder = 0;
	struct cand *order = nr_calloc(nt + 1, sizeof(*order));
	struct match m = { 0 };

	stretches(s, kept, hs, ws);
	m.c = close_pairs(mn, s, hl, hs, ws, first);
	m.first = first;
	m.hx = nr_calloc(nh + 1, sizeof(*m.hx));
	m.seen = nr_calloc(nh + 1, sizeof(*m.seen));
	/* the desired rules with the closest candidates search first: of
	 * two that want one rule, the closer gets it, as far as that
	 * leaves as many pairs */
	for (size_t y = 0; y < nt; y++)
		if (first[y] < first[y + 1])
			order[norder++] = m.c[first[y]];
	qsort(order, norder, sizeof(*order), cand_best_cmp);
	for (size_t i = 0; i < norder; i++) {
		m.steps = MATCH_STEPS;
		augment(&m, order[i].y, order[i].y + 1);
	}
	for (size_t x = 0; x < nh; x++)
		if (m.hx[x])
			pair(s, hl, x, m.hx[x] - 1, T_EDITED);
	in_place(s, hl, kept, hs, ws);
	free(m.c);
	free(order);
	free(m.hx);
	free(m.seen);
	free(first);
	free(hs);
	free(ws);
}

/* The longest common prefix of `have` and `want` none of whose items
 * equals an item after it in `have` (removing that one by selector would
 * take the kept copy too). */
static size_t safe_prefix(const struct ilist *have, const struct ilist *want)
{
	size_t pre = 0;
	bool changed = true;

	while (
	    pre < have->n && pre < want->n && same(have->v[pre], want->v[pre]))
		pre++;
	while (changed) {
		changed = false;
		for (size_t i = 0; i < pre && !changed; i++)
			for (size_t k = pre; k < have->n && !changed; k++)
				if (same(have->v[i], have->v[k])) {
					pre = i;
					changed = true;
				}
	}
	return pre;
}

/* Between two kept rules (anchors and rules edited in place), the rules
 * left are paired in place (pair_stretch). */
static void pair_stretches(
    const struct nr_ros_menu *mn, struct scope *s, long *hl, const bool *kept)
{
	size_t hi = 0, ti = 0, nt = s->want.n;
	size_t *hx = nr_calloc(s->have.n + 1, sizeof(*hx));
	size_t *wy = nr_calloc(nt + 1, sizeof(*wy));

	while (hi < s->have.n || ti < nt) {
		size_t he = hi, te = ti, nh = 0, nw = 0;

		for (; he < s->have.n && !kept[he]; he++)
			if (hl[he] < 0)
				hx[nh++] = he;
		for (;
		     te < nt && s->st[te] != T_ANCHOR && s->st[te] != T_PAIRED;
		     te++)
			if (s->st[te] == T_NEW)
				wy[nw++] = te;
		pair_stretch(mn, s, hl, hx, nh, wy, nw);
		hi = he + 1;
		ti = te + 1;
	}
	free(hx);
	free(wy);
}

/* The rules of a scope that go (`gone`, per have): `going`, all of
 * them by address (the run steps over them), and `rm`, the order to
 * remove them in: the last first, each group of identical copies where
 * the first of them stands (a selector takes all copies at once; `h`:
 * the contents, sorted, then by place). Meanwhile a packet meets the
 * rule it met or, past the rules removed, the one it will meet. */
static void plan_removals(
    struct scope *s, const struct sent *h, const bool *gone)
{
	bool *first = nr_calloc(s->have.n + 1, sizeof(*first));

	for (size_t i = 0, e; i < s->have.n; i = e) {
		bool seen = false;

		e = group_end(h, s->have.n, i);
		for (size_t k = i; k < e; k++) {
			first[h[k].idx] = !seen && gone[h[k].idx];
			seen = seen || gone[h[k].idx];
		}
	}
	for (size_t i = s->have.n; i-- > 0;) {
		if (first[i])
			il_add(&s->rm, s->have.v[i]);
		if (gone[i])
			il_add(&s->going, s->have.v[i]);
	}
	if (s->going.n)
		qsort(s->going.v, s->going.n, sizeof(*s->going.v), ptr_cmp);
	free(first);
}

/* Rebuild a chain whose identical rules a selector cannot tell apart,
 * where keeping them would name one copy alone: past the common prefix,
 * the desired rules are added after the rules there, then those are
 * removed, last first, each with its copies where the first of them
 * stands (`h`: their contents, sorted). A desired rule equal to one
 * that goes is added with a mark (T_MARKED), given its comment once the
 * old ones are gone. All along, a packet meets its old rules or, past
 * them, its new ones: the chain is never without its rules. */
static void plan_rebuild(struct scope *s, const struct sent *h)
{
	bool *gone = nr_calloc(s->have.n + 1, sizeof(*gone));

	s->rebuild = true;
	s->prefix = safe_prefix(&s->have, &s->want);
	for (size_t i = s->prefix; i < s->have.n; i++)
		gone[i] = true;
	plan_removals(s, h, gone);
	free(gone);
	for (size_t t = s->prefix; t < s->want.n; t++) {
		struct sent c = content(s->want.v[t], t);
		size_t k = clower(h, s->have.n, &c);

		/* a group of copies lies in the prefix or after it, whole
		 * (safe_prefix) */
		s->st[t] = k < s->have.n && sent_what(&h[k], &c) == 0 &&
			h[k].idx >= s->prefix
		    ? T_MARKED
		    : T_NEW;
	}
}

/* With identical rules in a scope, a selector names all copies at once:
 * a plan stands only when no command names one of them alone. Each
 * group of copies in the simulation (h, sorted) is kept in place whole
 * or removed whole, the copies desired (w, sorted) are all kept in
 * place, and no rule is placed before one of them. */
static bool dups_safe(const struct scope *s, const struct sent *h,
    const struct sent *w, const long *hl)
{
	size_t nt = s->want.n;
	bool *dup = nr_calloc(nt + 1, sizeof(*dup)), ok = true;

	for (size_t i = 0, e; ok && i < s->have.n; i = e) {
		size_t gone = 0, anchored = 0;

		e = group_end(h, s->have.n, i);
		for (size_t k = i; k < e; k++) {
			long y = hl[h[k].idx];

			gone += y < 0;
			anchored += y >= 0 && s->st[y] == T_ANCHOR;
		}
		ok = e - i == 1 || gone == e - i || anchored == e - i;
	}
	for (size_t i = 0, e; ok && i < nt; i = e) {
		e = group_end(w, nt, i);
		for (size_t k = i; e - i > 1 && k < e; k++) {
			dup[w[k].idx] = true;
			ok = ok && s->st[w[k].idx] == T_ANCHOR;
		}
	}
	for (size_t t = 0; ok && t + 1 < nt; t++)
		ok = !dup[t + 1] || s->st[t] == T_ANCHOR ||
		    s->st[t] == T_PAIRED;
	free(dup);
	return ok;
}

static void plan_scope(struct mplan *p, struct scope *s)
{
	struct sent *h = cindex(&s->have), *w = cindex(&s->want);
	size_t nt = s->want.n, nm = 0;
	size_t *a = nr_calloc(nt + 1, sizeof(*a)),
	       *ai = nr_calloc(nt + 1, sizeof(*ai));
	bool *kept = nr_calloc(s->have.n + 1, sizeof(*kept)),
	     *gone = nr_calloc(s->have.n + 1, sizeof(*gone));
	long *hl = nr_calloc(s->have.n + 1, sizeof(*hl));

	s->link = nr_calloc(nt + 1, sizeof(*s->link));
	s->st = nr_calloc(nt + 1, 1);
	/* equal rules: the longest run already in order stays put (the
	 * k-th of identical copies desired goes with the k-th there) */
	for (size_t i = 0; i < s->have.n; i++)
		hl[i] = -1;
	for (size_t t = 0; t < nt; t++) {
		struct sent c = content(s->want.v[t], t);
		struct sent *e = cfind(h, s->have.n, &c);

		if (!e)
			continue;
		e->used = true;
		pair(s, hl, e->idx, t, T_MOVED);
		a[nm] = e->idx;
		ai[nm++] = t;
	}
	keep_in_order(s, kept, a, ai, nm, T_ANCHOR);
	pair_close(p->sm, s, hl, kept);
	pair_stretches(p->sm, s, hl, kept);
	for (size_t i = 0; i < s->have.n; i++)
		gone[i] = hl[i] < 0;
	if (dups_safe(s, h, w, hl))
		plan_removals(s, h, gone);
	else
		plan_rebuild(s, h);
	sent_free(h, s->have.n);
	sent_free(w, nt);
	free(a);
	free(ai);
	free(kept);
	free(gone);
	free(hl);
}

static struct scope *scope_get(struct mplan *p, const char *name)
{
	struct scope *s;

	for (size_t i = 0; i < p->nscopes; i++)
		if (strcmp(p->scopes[i].name, name) == 0)
			return &p->scopes[i];
	s = NR_PUSH(p->scopes, p->nscopes, p->cscopes);
	s->name = nr_strdup(name);
	return s;
}

static void plan_menu(struct mplan *p)
{
	struct ilist have = { 0 }, want = { 0 };
	enum nr_ros_kind kind = p->sm->def->kind;

	for (size_t i = 0; i < p->sm->n; i++)
		if (!p->sm->v[i]->builtin)
			il_add(&have, p->sm->v[i]);
	for (size_t i = 0; p->dm && i < p->dm->n; i++)
		if (!p->dm->v[i]->builtin)
			il_add(&want, p->dm->v[i]);
	if (kind == NR_ROS_KEYED && p->sm->nkeys) {
		plan_keyed(p, &have, &want);
	} else if (kind == NR_ROS_ORDERED || kind == NR_ROS_GENERIC) {
		const char *sc = kind == NR_ROS_ORDERED ? p->sm->def->scope
							: NULL;

		for (size_t i = 0; i < have.n; i++)
			il_add(
			    &scope_get(p, sc ? eff(p->sm, have.v[i], sc) : "")
				 ->have,
			    have.v[i]);
		for (size_t i = 0; i < want.n; i++)
			il_add(
			    &scope_get(p, sc ? eff(p->dm, want.v[i], sc) : "")
				 ->want,
			    want.v[i]);
		for (size_t i = 0; i < p->nscopes; i++) {
			struct scope *s = &p->scopes[i];

			if (kind == NR_ROS_GENERIC) {
				/* order may matter: keep the common prefix,
				 * rebuild the rest */
				s->link =
				    nr_calloc(s->want.n + 1, sizeof(*s->link));
				s->st = nr_calloc(s->want.n + 1, 1);
				s->rebuild = true;
				s->prefix = safe_prefix(&s->have, &s->want);
				for (size_t k = s->prefix; k < s->have.n; k++)
					il_add(&p->rm, s->have.v[k]);
			} else {
				plan_scope(p, s);
			}
		}
	} else {
		plan_multiset(p, &have, &want);
	}
	free(have.v);
	free(want.v);
}

static void plan_free(struct mplan *p)
{
	free(p->rm.v);
	free(p->add.v);
	free(p->set_have.v);
	free(p->set_want.v);
	for (size_t i = 0; i < p->nscopes; i++) {
		struct scope *s = &p->scopes[i];

		free(s->name);
		free(s->have.v);
		free(s->want.v);
		free(s->link);
		free(s->st);
		free(s->rm.v);
		free(s->going.v);
	}
	free(p->scopes);
}

/* ---- running a plan ---- */

/* Built-ins and the settings object: by selector. */
static void sync_builtins(struct dx *d, struct mplan *p)
{
	struct nr_ros_item empty;

	struct nr_ros_item **order = NULL;
	size_t n = 0;

	memset(&empty, 0, sizeof(empty));
	/* the configured ones in the canonical order, which keeps renames
	 * from shadowing */
	if (p->dm) {
		order = nr_calloc(p->dm->n + 1, sizeof(*order));
		for (size_t i = 0; i < p->dm->n; i++)
			if (p->dm->v[i]->builtin && p->dm->v[i]->props.n)
				order[n++] = p->dm->v[i];
		nr_ros_items_canonical(p->dm, order, n);
	}
	for (size_t i = 0; i < n; i++) {
		const struct nr_ros_item *w = order[i];
		struct nr_ros_item *h = NULL;

		for (size_t k = 0; k < p->sm->n && !h; k++) {
			struct nr_ros_item *x = p->sm->v[k];

			if (x->builtin &&
			    (w->bsel ? x->bsel && strcmp(x->bsel, w->bsel) == 0
				     : !x->bsel))
				h = x;
		}
		if (h) {
			if (!same(h, w))
				set_item(d, p->sm, h, w);
		} else if (w->props.n) {
			/* created by its selector on first reference */
			struct nr_ros_item blank;

			memset(&blank, 0, sizeof(blank));
			blank.builtin = true;
			blank.bsel = w->bsel;
			blank.base = w->base;
			set_item(d, p->sm, &blank, w);
		}
	}
	free(order);
	for (size_t k = 0; k < p->sm->n; k++) {
		struct nr_ros_item *x = p->sm->v[k];
		bool wanted = false;

		if (!x->builtin || !x->props.n)
			continue;
		for (size_t i = 0; p->dm && i < p->dm->n && !wanted; i++) {
			const struct nr_ros_item *w = p->dm->v[i];

			/* a factory built-in in `to` is not set there */
			wanted = w->builtin && w->props.n &&
			    (w->bsel ? x->bsel && strcmp(x->bsel, w->bsel) == 0
				     : !x->bsel);
		}
		if (!wanted) {
			empty.builtin = true;
			set_item(d, p->sm, x, &empty);
		}
	}
}

/* Is `x` one of the rules of `s` that go? */
static bool going(const struct scope *s, const struct nr_ros_item *x)
{
	return s->going.n &&
	    bsearch(&x, s->going.v, s->going.n, sizeof(*s->going.v), ptr_cmp);
}

/* Is `x` a rule of the scope that stays (not built in, of the scope,
 * not one that goes)? */
static bool stays(
    const struct mplan *p, const struct scope *s, const struct nr_ros_item *x)
{
	const char *sc = p->sm->def->scope;

	return !x->builtin &&
	    (!sc || strcmp(eff(p->sm, x, sc), s->name) == 0) && !going(s, x);
}

/* Is `it` right before `next` among the rules that stay (`next` NULL:
 * the last of them)? */
static bool right_before(const struct mplan *p, const struct scope *s,
    const struct nr_ros_item *it, const struct nr_ros_item *next)
{
	const struct nr_ros_menu *sm = p->sm;

	for (size_t i = nr_ros_menu_index(sm, it) + 1; i < sm->n; i++)
		if (stays(p, s, sm->v[i]))
			return sm->v[i] == next;
	return next == NULL;
}

/* Temporary marks: the comments that look like one in the router's
 * menu and the desired one (an apply stopped half-way leaves some),
 * sorted; a new mark is a number none of them has. */
struct marks {
	const char **v;
	size_t n, cap;
};

static void marks_of(struct marks *m, const struct nr_ros_menu *mn)
{
	for (size_t i = 0; mn && i < mn->n; i++) {
		const char *c = mark_of(mn, mn->v[i]);

		if (c)
			*NR_PUSH(m->v, m->n, m->cap) = c;
	}
}

static unsigned new_mark(struct dx *d, const struct marks *m)
{
	char name[64];
	const char *key = name;

	do
		snprintf(name, sizeof(name), MARK_PREFIX "%u", ++d->marks);
	while (m->n && bsearch(&key, m->v, m->n, sizeof(*m->v), nr_strp_cmp));
	return d->marks;
}

/* A rebuild (plan_rebuild; generic menus: removals came first). */
static void run_rebuild(struct dx *d, struct mplan *p, struct scope *s)
{
	struct marks m = { 0 };

	if (s->rm.n) {
		marks_of(&m, p->sm);
		marks_of(&m, p->dm);
		if (m.n)
			qsort(m.v, m.n, sizeof(*m.v), nr_strp_cmp);
	}
	for (size_t t = s->prefix; t < s->want.n && !d->rc; t++)
		s->link[t] = add_item(d, p->sm, s->want.v[t], NULL,
		    s->st[t] == T_MARKED ? new_mark(d, &m) : 0);
	free(m.v);
	for (size_t k = 0; k < s->rm.n && !d->rc; k++)
		remove_item(d, p->sm, s->rm.v[k]);
	for (size_t t = s->prefix; t < s->want.n && !d->rc; t++)
		if (s->st[t] == T_MARKED)
			set_item(d, p->sm, s->link[t], s->want.v[t]);
}

/* An ordered scope: the rules edited in place; the rules kept put in
 * their order, the last first, each right before the next kept one;
 * the new rules added in their order, each right before the next kept
 * one (or at the end); the rules that go removed, the last first. Make
 * before break: while no kept rule moves or changes, every packet
 * meets at each step the rule it met before or the one it will meet. */
static void run_scope(struct dx *d, struct mplan *p, struct scope *s)
{
	size_t nt = s->want.n;
	struct nr_ros_item *next = NULL;

	if (s->rebuild) {
		run_rebuild(d, p, s);
		return;
	}
	for (size_t t = 0; t < nt; t++)
		if (s->st[t] == T_PAIRED)
			set_item(d, p->sm, s->link[t], s->want.v[t]);
	for (size_t t = nt; t-- > 0 && !d->rc;) {
		if (s->st[t] == T_NEW)
			continue;
		/* an edited rule that moves: edited right before, so it
		 * stands changed where it was no longer than needed */
		if (s->st[t] == T_EDITED)
			set_item(d, p->sm, s->link[t], s->want.v[t]);
		if ((s->st[t] == T_MOVED || s->st[t] == T_EDITED) &&
		    !right_before(p, s, s->link[t], next))
			move_item(d, p->sm, s->link[t], next);
		next = s->link[t];
	}
	for (size_t t = 0; t < nt && !d->rc; t++) {
		size_t k = t; /* the kept rule after a run of new ones */

		while (k < nt && s->st[k] == T_NEW)
			k++;
		for (; t < k && !d->rc; t++)
			s->link[t] = add_item(d, p->sm, s->want.v[t],
			    k < nt ? s->link[k] : NULL, 0);
	}
	for (size_t k = 0; k < s->rm.n && !d->rc; k++)
		remove_item(d, p->sm, s->rm.v[k]);
}

/* A part of a list value: `len` bytes at `s`. */
struct part {
	const char *s;
	size_t len;
};

static int part_cmp(const void *key, const void *name)
{
	const struct part *p = key;
	const char *n = *(const char *const *)name;
	int c = strncmp(p->s, n, p->len);

	return c ? c : n[p->len] ? -1 : 0;
}

/* The names of the items to add, sorted; *n gets how many. */
static const char **added_names(size_t *n, const struct ilist *add)
{
	const char **v = nr_calloc(add->n + 1, sizeof(*v));

	*n = 0;
	for (size_t k = 0; k < add->n; k++) {
		const struct nr_ros_prop *p =
		    nr_ros_props_find(&add->v[k]->props, "name");

		if (p && p->val && *p->val)
			v[(*n)++] = p->val;
	}
	qsort(v, *n, sizeof(*v), nr_strp_cmp);
	return v;
}

/* Does a value of `w` (its name aside) name one of the items to add
 * (`names`, sorted), as `next-pool=p5` or a list `a,p5`? Then its `set`
 * waits for the adds. */
static bool names_added(
    const struct nr_ros_item *w, const char **names, size_t nnames)
{
	for (size_t i = 0; nnames && i < w->props.n; i++) {
		const char *v = w->props.v[i].val;

		if (!v || strcmp(w->props.v[i].key, "name") == 0)
			continue;
		for (const char *q = v; *q;) {
			struct part pt = { q, strcspn(q, ",") };

			if (pt.len &&
			    bsearch(
				&pt, names, nnames, sizeof(*names), part_cmp))
				return true;
			q += pt.len + (q[pt.len] == ',');
		}
	}
	return false;
}

static void run_menu(struct dx *d, struct mplan *p)
{
	bool *late = nr_calloc(p->set_have.n + 1, sizeof(*late));
	size_t nnames;
	const char **names = added_names(&nnames, &p->add);

	sync_builtins(d, p);
	for (size_t i = 0; i < p->set_have.n && !d->rc; i++) {
		late[i] = names_added(p->set_want.v[i], names, nnames);
		if (!late[i])
			set_item(d, p->sm, p->set_have.v[i], p->set_want.v[i]);
	}
	/* in the canonical order, which puts referenced items first */
	if (p->add.n)
		nr_ros_items_canonical(p->dm, p->add.v, p->add.n);
	for (size_t i = 0; i < p->add.n && !d->rc; i++)
		add_item(d, p->sm, p->add.v[i], NULL, 0);
	for (size_t i = 0; i < p->set_have.n && !d->rc; i++)
		if (late[i])
			set_item(d, p->sm, p->set_have.v[i], p->set_want.v[i]);
	free(late);
	free(names);
	for (size_t i = 0; i < p->nscopes && !d->rc; i++)
		run_scope(d, p, &p->scopes[i]);
}

static int path_cmp(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	int rx = nr_ros_menu_rank(x), ry = nr_ros_menu_rank(y);

	if (rx != ry)
		return rx < ry ? -1 : 1;
	return strcmp(x, y);
}

/* ---- checking the result ---- */

static bool item_equal(const struct nr_ros_item *a, const struct nr_ros_item *b)
{
	if (a->builtin != b->builtin || !a->bsel != !b->bsel ||
	    (a->bsel && strcmp(a->bsel, b->bsel) != 0))
		return false;
	return same(a, b);
}

/* Do the menus print the same canonical export? A missing menu prints
 * nothing. Keyed items are matched through the key index. */
static bool menus_equal(
    const struct nr_ros_menu *a, const struct nr_ros_menu *b)
{
	struct nr_ros_item **x, **y;
	size_t nx = 0, ny = 0;
	bool eq;

	if (!a || !b) {
		const struct nr_ros_menu *m = a ? a : b;

		if (m)
			free(nr_ros_menu_canonical(m, &nx));
		return nx == 0;
	}
	if (nr_ros_menu_unique_keys(a) && a->kcap && b->kcap) {
		struct nr_ros_item **xb = nr_calloc(a->n + 1, sizeof(*xb));
		struct nr_ros_item **yb = nr_calloc(b->n + 1, sizeof(*yb));
		size_t na = 0, nb = 0;

		eq = true;
		for (size_t i = 0; i < a->n; i++)
			if (!a->v[i]->builtin)
				na++;
			else if (a->v[i]->props.n)
				xb[nx++] = a->v[i];
		for (size_t i = 0; i < b->n && eq; i++) {
			const struct nr_ros_item *it = b->v[i], *m;

			if (it->builtin) {
				if (it->props.n)
					yb[ny++] = b->v[i];
				continue;
			}
			nb++;
			/* each item the one its index holds: no two items of
			 * `b` can then match one of `a` */
			m = nr_ros_menu_keyed(b, it)
			    ? nr_ros_menu_by_key(a, it->kstr)
			    : NULL;
			eq = m && item_equal(m, it);
		}
		eq = eq && na == nb && nx == ny;
		if (eq) {
			nr_ros_items_canonical(a, xb, nx);
			nr_ros_items_canonical(b, yb, ny);
			for (size_t i = 0; i < nx && eq; i++)
				eq = item_equal(xb[i], yb[i]);
		}
		free(xb);
		free(yb);
		return eq;
	}
	x = nr_ros_menu_canonical(a, &nx);
	y = nr_ros_menu_canonical(b, &ny);
	eq = nx == ny;
	for (size_t i = 0; i < nx && eq; i++)
		eq = item_equal(x[i], y[i]);
	free(x);
	free(y);
	return eq;
}

static bool models_equal(
    const struct nr_ros_model *a, const struct nr_ros_model *b)
{
	for (size_t i = 0; i < a->n; i++)
		if (!menus_equal(
			a->menus[i], nr_ros_model_find(b, a->menus[i]->path)))
			return false;
	for (size_t i = 0; i < b->n; i++)
		if (!nr_ros_model_find(a, b->menus[i]->path) &&
		    !menus_equal(NULL, b->menus[i]))
			return false;
	return true;
}

/* The script, found by running it on `sim` (which ends as `to`). */
static int diff_on(struct nr_buf *out, size_t *ncmds, struct nr_ros_model *sim,
    const struct nr_ros_model *to, struct nr_err *err)
{
	struct dx d;
	struct nr_buf script = NR_BUF_INIT, a = NR_BUF_INIT, b = NR_BUF_INIT;
	const char **paths = nr_calloc(sim->n + to->n + 1, sizeof(*paths));
	struct mplan *plans;
	size_t np = 0, nu = 0;

	memset(&d, 0, sizeof(d));
	d.sim = sim;
	d.out = &script;
	d.err = err;
	for (size_t i = 0; i < sim->n; i++)
		paths[np++] = sim->menus[i]->path;
	for (size_t i = 0; i < to->n; i++)
		paths[np++] = to->menus[i]->path;
	qsort(paths, np, sizeof(*paths), path_cmp);
	for (size_t i = 0; i < np; i++)
		if (!nu || strcmp(paths[nu - 1], paths[i]) != 0)
			paths[nu++] = paths[i];
	plans = nr_calloc(nu + 1, sizeof(*plans));
	for (size_t i = 0; i < nu; i++) {
		plans[i].sm = nr_ros_model_menu(d.sim, paths[i]);
		plans[i].dm = nr_ros_model_find(to, paths[i]);
		plan_menu(&plans[i]);
	}
	/* removals, dependents first */
	for (size_t i = nu; i-- > 0 && !d.rc;)
		for (size_t k = 0; k < plans[i].rm.n; k++)
			remove_item(&d, plans[i].sm, plans[i].rm.v[k]);
	for (size_t i = 0; i < nu && !d.rc; i++)
		run_menu(&d, &plans[i]);
	for (size_t i = 0; i < nu; i++)
		plan_free(&plans[i]);
	free(plans);
	free(paths);
	if (!d.rc && !models_equal(d.sim, to)) {
		/* the script must turn `from` into exactly `to` */
		nr_ros_export_terse(&a, d.sim);
		nr_ros_export_terse(&b, to);
		if (strcmp(a.s, b.s) != 0) {
			const char *x = a.s, *y = b.s;

			while (*x && *x == *y)
				x++, y++;
			while (x > a.s && x[-1] != '\n')
				x--;
			d.rc = nr_err_set(err, NR_EUNSUPPORTED,
			    "no script found that reaches the desired "
			    "configuration (first difference at '%.*s')",
			    (int)strcspn(x, "\n"), x);
		}
	}
	if (!d.rc) {
		nr_buf_add(out, script.s, script.len);
		if (ncmds)
			*ncmds = d.ncmds;
	}
	nr_buf_release(&a);
	nr_buf_release(&b);
	nr_buf_release(&script);
	free(d.gone.v);
	return d.rc;
}

int nr_ros_diff(struct nr_buf *out, size_t *ncmds,
    const struct nr_ros_model *from, const struct nr_ros_model *to,
    struct nr_err *err)
{
	struct nr_ros_model sim;
	int rc;

	nr_ros_model_copy(&sim, from);
	rc = diff_on(out, ncmds, &sim, to, err);
	nr_ros_model_release(&sim);
	return rc;
}

int nr_ros_diff_into(struct nr_buf *out, size_t *ncmds,
    struct nr_ros_model *from, const struct nr_ros_model *to,
    struct nr_err *err)
{
	return diff_on(out, ncmds, from, to, err);
}
