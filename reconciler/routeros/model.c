/* model: menus, items and properties; value normalisation so a value
 * equal to its default is never stored and never shown as a change. */
#include "routeros/model.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/asan.h"
#include "lib/mem.h"
#include "routeros/intern.h"
#include "routeros/parse.h"
#include "routeros/quote.h"

/* ---- property lists (sorted by key) ---- */

/* Keys are interned: most lookups find theirs by address, and two
 * different keys mostly differ in their first byte. */
static bool key_is(const char *k, const char *key)
{
	return k == key || (k[0] == key[0] && strcmp(k, key) == 0);
}

static size_t props_lower(
    const struct nr_ros_props *p, const char *key, bool *found)
{
	size_t lo = 0, hi = p->n;

	for (size_t i = 0; i < p->n; i++)
		if (key_is(p->v[i].key, key)) {
			*found = true;
			return i;
		}
	*found = false;
	/* where it would go: mostly last, as exports sort their keys */
	if (!p->n || strcmp(p->v[p->n - 1].key, key) < 0)
		return p->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (strcmp(p->v[mid].key, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct nr_ros_prop *nr_ros_props_find(
    const struct nr_ros_props *props, const char *key)
{
	for (size_t i = 0; i < props->n; i++)
		if (key_is(props->v[i].key, key))
			return &props->v[i];
	return NULL;
}

/* A prop's value is NULL, the flag value, an interned string or the
 * prop's own copy (a secret, wiped when it goes). An own copy has
 * OWN_MARK in the byte before it; interned strings and the flag value
 * have a NUL there (intern.c keeps one before every string). So a prop
 * needs no more room than its two pointers. */
#define OWN_MARK '\x01'

static const char flag_bytes[] = "\0yes";
const char *const nr_ros_flag_yes = flag_bytes + 1;

static bool val_owned(const char *v)
{
	return v && v[-1] == OWN_MARK;
}

static const char *own_copy(const char *val)
{
	size_t n = strlen(val);
	char *p = nr_malloc(n + 2);

	p[0] = OWN_MARK;
	memcpy(p + 1, val, n + 1);
	return p + 1;
}

static void val_drop(const char *v)
{
	if (val_owned(v)) {
		explicit_bzero((char *)v, strlen(v));
		free((char *)v - 1);
	}
}

/* Sets the value of `p`: interned, or an own copy when it may be a
 * secret: `own`, or a property RouterOS hides. */
static void prop_set(struct nr_ros_prop *p, const char *val, bool own)
{
	bool mine = val && (own || nr_ros_key_sensitive(p->key));
	const char *v = !val ? NULL : mine ? own_copy(val) : nr_ros_intern(val);

	val_drop(p->val);
	p->val = v;
}

/* Sets the interned `ikey`. */
static void props_put(
    struct nr_ros_props *props, const char *ikey, const char *val, bool own)
{
	bool found;
	size_t i = props_lower(props, ikey, &found);

	if (!found) {
		if (props->n == (props->cap & ~NR_ROS_PROPS_SETTLED)) {
			size_t cap = props->n ? (size_t)props->n * 2 : 4;
			struct nr_ros_prop *v;

			if (cap >= NR_ROS_PROPS_SETTLED)
				abort(); /* never: memory runs out first */
			v = nr_malloc(cap * sizeof(*v));
			if (props->n)
				memcpy(v, props->v, props->n * sizeof(*v));
			if (!(props->cap & NR_ROS_PROPS_SETTLED))
				free(props->v);
			props->v = v;
			props->cap = (uint32_t)cap;
		}
		props->n++;
		memmove(&props->v[i + 1], &props->v[i],
		    (props->n - i - 1) * sizeof(*props->v));
		memset(&props->v[i], 0, sizeof(props->v[i]));
		props->v[i].key = ikey;
	}
	prop_set(&props->v[i], val, own);
}

void nr_ros_props_put(
    struct nr_ros_props *props, const char *key, const char *val)
{
	props_put(props, nr_ros_intern(key), val, false);
}

void nr_ros_prop_take(struct nr_ros_prop *p, char *val)
{
	const char *v = val ? own_copy(val) : NULL;

	if (val) {
		explicit_bzero(val, strlen(val));
		free(val);
	}
	val_drop(p->val);
	p->val = v;
}

void nr_ros_props_put_flag(struct nr_ros_props *props, const char *key)
{
	const char *ikey = nr_ros_intern(key);
	bool found;

	props_put(props, ikey, NULL, false);
	props->v[props_lower(props, ikey, &found)].val = nr_ros_flag_yes;
}

void nr_ros_props_del(struct nr_ros_props *props, const char *key)
{
	bool found;
	size_t i = props_lower(props, key, &found);

	if (!found)
		return;
	prop_set(&props->v[i], NULL, false);
	memmove(&props->v[i], &props->v[i + 1],
	    (props->n - i - 1) * sizeof(*props->v));
	props->n--;
}

void nr_ros_props_release(struct nr_ros_props *props)
{
	for (size_t i = 0; i < props->n; i++)
		val_drop(props->v[i].val);
	if (!(props->cap & NR_ROS_PROPS_SETTLED))
		free(props->v);
	memset(props, 0, sizeof(*props));
}

void nr_ros_props_copy(struct nr_ros_props *dst, const struct nr_ros_props *src)
{
	memset(dst, 0, sizeof(*dst));
	if (!src->n)
		return;
	dst->v = nr_calloc(src->n, sizeof(*dst->v));
	dst->n = dst->cap = src->n;
	memcpy(dst->v, src->v, src->n * sizeof(*dst->v));
	for (size_t i = 0; i < src->n; i++)
		if (val_owned(src->v[i].val))
			dst->v[i].val = own_copy(src->v[i].val);
}

void nr_ros_props_settle(struct nr_ros_props *props, struct nr_ros_menu *mn)
{
	struct nr_ros_prop *v;

	if (!props->n || (props->cap & NR_ROS_PROPS_SETTLED))
		return;
	v = nr_arena_alloc(&mn->mem, props->n * sizeof(*v));
	memcpy(v, props->v, props->n * sizeof(*v));
	free(props->v);
	props->v = v;
	props->cap = props->n | NR_ROS_PROPS_SETTLED;
}

static bool str_eq(const char *a, const char *b)
{
	if (a == b)
		return true;
	if (!a || !b)
		return false;
	return strcmp(a, b) == 0;
}

bool nr_ros_props_equal(
    const struct nr_ros_props *a, const struct nr_ros_props *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (a->v[i].key != b->v[i].key ||
		    !str_eq(a->v[i].val, b->v[i].val) ||
		    nr_ros_prop_flag(&a->v[i]) != nr_ros_prop_flag(&b->v[i]))
			return false;
	return true;
}

uint64_t nr_ros_props_hash(const struct nr_ros_props *p)
{
	uint64_t h = p->n;

	for (size_t i = 0; i < p->n; i++) {
		const struct nr_ros_prop *x = &p->v[i];

		h = h * 31 + nr_ros_strhash(x->key, strlen(x->key));
		h = h * 31 +
		    (x->val ? nr_ros_strhash(x->val, strlen(x->val)) : 1) +
		    nr_ros_prop_flag(x);
	}
	return h;
}

/* NULL (unset) before any value. */
static int val_cmp(const char *a, const char *b)
{
	if (a == b)
		return 0;
	if (!a || !b)
		return !a ? -1 : 1;
	return strcmp(a, b);
}

int nr_ros_props_cmp(const struct nr_ros_props *a, const struct nr_ros_props *b)
{
	if (a->n != b->n)
		return a->n < b->n ? -1 : 1;
	for (size_t i = 0; i < a->n; i++) {
		int c = val_cmp(a->v[i].key, b->v[i].key);

		if (!c)
			c = val_cmp(a->v[i].val, b->v[i].val);
		if (!c)
			c = (int)nr_ros_prop_flag(&a->v[i]) -
			    (int)nr_ros_prop_flag(&b->v[i]);
		if (c)
			return c;
	}
	return 0;
}

void nr_ros_props_format(struct nr_buf *out, const struct nr_ros_props *p)
{
	for (size_t i = 0; i < p->n; i++) {
		if (i)
			nr_buf_addch(out, ' ');
		if (!p->v[i].val || nr_ros_prop_flag(&p->v[i])) {
			if (!p->v[i].val)
				nr_buf_addch(out, '!');
			nr_buf_adds(out, p->v[i].key);
			continue;
		}
		nr_buf_adds(out, p->v[i].key);
		nr_buf_addch(out, '=');
		nr_ros_quote(out, p->v[i].val, 0);
	}
}

/* ---- parsing the table's property strings ---- */

static void parse_props(struct nr_ros_props *out, const char *text)
{
	struct nr_ros_script s;
	struct nr_diags d;
	char *line;

	if (!text)
		return;
	line = nr_asprintf("add %s", text);
	nr_diags_init(&d);
	nr_ros_parse(&s, line, strlen(line), &d);
	for (size_t i = 0; i < s.n; i++)
		for (size_t k = 0; k < s.v[i].nargs; k++)
			if (s.v[i].args[k].val)
				nr_ros_props_put(out, s.v[i].args[k].key,
				    s.v[i].args[k].val);
	nr_ros_script_release(&s);
	nr_diags_release(&d);
	free(line);
}

/* ---- items ---- */

static void kdel(struct nr_ros_menu *mn, struct nr_ros_item *it);

/* Forgets the item's key string (wiped when it was its own copy). */
static void drop_kstr(struct nr_ros_item *it)
{
	if (it->own_kstr) {
		explicit_bzero((char *)it->kstr, strlen(it->kstr));
		free((char *)it->kstr);
	}
	it->kstr = NULL;
	it->own_kstr = false;
}

/* Items live in blocks of their menu (no allocation of their own); a
 * removed item's room goes to the next new one. Room not in use is
 * poisoned for AddressSanitizer, so a use after a removal is caught as
 * a use after free would be (lib/asan.h). */
#define BLOCK_ITEMS 256 /* at most; a menu's first blocks are smaller */

union islot {
	struct nr_ros_item item;
	union islot *next; /* a spare */
};

struct nr_ros_iblock {
	struct nr_ros_iblock *prev;
	size_t used, cap;
	union islot v[];
};

static struct nr_ros_item *item_alloc(struct nr_ros_menu *mn)
{
	union islot *sl;

	if (mn->spare) {
		sl = (union islot *)mn->spare;
		NR_UNPOISON(sl, sizeof(*sl));
		mn->spare = (struct nr_ros_item *)sl->next;
	} else {
		struct nr_ros_iblock *b = mn->blocks;

		if (!b || b->used == b->cap) {
			size_t cap = !b		   ? 4
			    : b->cap < BLOCK_ITEMS ? b->cap * 2
						   : BLOCK_ITEMS;

			b = nr_malloc(sizeof(*b) + cap * sizeof(b->v[0]));
			b->prev = mn->blocks;
			b->used = 0;
			b->cap = cap;
			NR_POISON(b->v, cap * sizeof(b->v[0]));
			mn->blocks = b;
		}
		sl = &b->v[b->used++];
		NR_UNPOISON(sl, sizeof(*sl));
	}
	memset(sl, 0, sizeof(*sl));
	return &sl->item;
}

static void item_free(struct nr_ros_menu *mn, struct nr_ros_item *it)
{
	union islot *sl = (union islot *)it;

	free(it->bsel);
	drop_kstr(it);
	nr_ros_props_release(&it->base);
	nr_ros_props_release(&it->props);
	sl->next = (union islot *)mn->spare;
	mn->spare = &sl->item;
	NR_POISON(sl, sizeof(*sl));
}

struct nr_ros_item *nr_ros_item_new(
    struct nr_ros_model *m, struct nr_ros_menu *mn, size_t pos)
{
	struct nr_ros_item *it = item_alloc(mn);

	it->id = ++m->next_id;
	NR_PUSH(mn->v, mn->n, mn->cap);
	if (pos > mn->n - 1)
		pos = mn->n - 1;
	memmove(
	    &mn->v[pos + 1], &mn->v[pos], (mn->n - pos - 1) * sizeof(*mn->v));
	mn->v[pos] = it;
	return it;
}

void nr_ros_menu_remove_at(struct nr_ros_menu *mn, size_t pos)
{
	kdel(mn, mn->v[pos]);
	item_free(mn, mn->v[pos]);
	memmove(
	    &mn->v[pos], &mn->v[pos + 1], (mn->n - pos - 1) * sizeof(*mn->v));
	mn->n--;
}

size_t nr_ros_menu_index(
    const struct nr_ros_menu *mn, const struct nr_ros_item *it)
{
	size_t lo = 0, hi = mn->n;

	/* items appended in turn have growing ids: try a binary search
	 * first, then look at every item (after an insertion or a move) */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (mn->v[mid] == it)
			return mid;
		if (mn->v[mid]->id < it->id)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = 0; i < mn->n; i++)
		if (mn->v[i] == it)
			return i;
	return mn->n;
}

/* Puts `p` in `out` as it is: a flag, or a value that is an own copy
 * again when it was one (a secret is never interned). */
static void put_same(struct nr_ros_props *out, const struct nr_ros_prop *p)
{
	if (nr_ros_prop_flag(p))
		nr_ros_props_put_flag(out, p->key);
	else
		props_put(out, p->key, p->val, val_owned(p->val));
}

void nr_ros_item_all_props(struct nr_ros_props *out,
    const struct nr_ros_menu *mn, const struct nr_ros_item *it, bool defaults)
{
	for (size_t i = 0; defaults && i < mn->defaults.n; i++)
		put_same(out, &mn->defaults.v[i]);
	for (size_t i = 0; i < it->base.n; i++)
		put_same(out, &it->base.v[i]);
	for (size_t i = 0; i < it->props.n; i++)
		put_same(out, &it->props.v[i]);
}

const char *nr_ros_item_default(
    const struct nr_ros_menu *mn, const struct nr_ros_item *it, const char *key)
{
	const struct nr_ros_prop *p = it ? nr_ros_props_find(&it->base, key)
					 : NULL;

	if (p)
		return p->val;
	p = nr_ros_props_find(&mn->defaults, key);
	return p ? p->val : NULL;
}

const char *nr_ros_item_get(const struct nr_ros_menu *mn,
    const struct nr_ros_item *it, const char *key, char idbuf[16])
{
	const struct nr_ros_prop *p = nr_ros_props_find(&it->props, key);

	if (p)
		return p->val;
	/* read-only properties every item has (checked by first letter:
	 * this runs for every property an item does not set) */
	if (key[0] == '.' && strcmp(key, ".id") == 0) {
		snprintf(idbuf, 16, "*%X", it->id);
		return idbuf;
	}
	if ((key[0] == 'd' || key[0] == 'i') &&
	    (strcmp(key, "dynamic") == 0 || strcmp(key, "invalid") == 0))
		return "no";
	if (key[0] == 'd' && strcmp(key, "default") == 0 &&
	    !nr_ros_props_find(&it->base, key))
		return "no";
	return nr_ros_item_default(mn, it, key);
}

/* "192.168.1.1/24" -> "192.168.1.0"; false when not an IPv4 prefix. */
static bool ipv4_network(const char *addr, char out[32])
{
	unsigned a, b, c, d, len = 32;
	char tail;
	unsigned long ip, mask;
	int n = sscanf(addr, "%u.%u.%u.%u/%u%c", &a, &b, &c, &d, &len, &tail);

	if ((n != 4 && n != 5) || a > 255 || b > 255 || c > 255 || d > 255 ||
	    len > 32)
		return false;
	if (n == 4 && strchr(addr, '/'))
		return false;
	ip = ((unsigned long)a << 24) | (b << 16) | (c << 8) | d;
	mask = len ? (0xffffffffUL << (32 - len)) & 0xffffffffUL : 0;
	ip &= mask;
	snprintf(out, 32, "%lu.%lu.%lu.%lu", ip >> 24, (ip >> 16) & 255,
	    (ip >> 8) & 255, ip & 255);
	return true;
}

/* Values RouterOS prints in another form: a /32 address without its
 * prefix. Returns a new string or NULL when `val` stays. */
static char *normalize_value(
    const struct nr_ros_menu *mn, const char *key, const char *val)
{
	size_t n;
	/* (a first byte rules out most keys) */
	bool addr = (key[0] == 'a' || key[0] == 's' || key[0] == 'd') &&
	    ((mn->addr == NR_ROS_ADDR_IP && strcmp(key, "address") == 0) ||
		(mn->addr == NR_ROS_ADDR_FIREWALL &&
		    (strcmp(key, "address") == 0 ||
			strcmp(key, "src-address") == 0 ||
			strcmp(key, "dst-address") == 0)));
	char net[32];

	if (!addr)
		return NULL;
	n = strlen(val);
	if (n > 3 && strcmp(val + n - 3, "/32") == 0 && !strchr(val, ':') &&
	    !strchr(val, '-') && ipv4_network(val, net))
		return nr_strndup(val, n - 3);
	return NULL;
}

/* The prop of `p` whose key is the interned `ikey`, or NULL. */
static const struct nr_ros_prop *find_interned(
    const struct nr_ros_props *p, const char *ikey)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->v[i].key == ikey)
			return &p->v[i];
	return NULL;
}

void nr_ros_props_assign(struct nr_ros_props *props,
    const struct nr_ros_menu *mn, const struct nr_ros_item *it, const char *key,
    const char *val)
{
	const char *ikey = nr_ros_intern(key);
	const struct nr_ros_prop *d = it ? find_interned(&it->base, ikey)
					 : NULL;
	char *norm = val ? normalize_value(mn, ikey, val) : NULL;

	if (!d)
		d = find_interned(&mn->defaults, ikey);
	if (norm)
		val = norm;
	/* unset where the default is "no value" is the default; a value
	 * equal to the default is not stored */
	if ((!val && (!d || !d->val || !*d->val)) ||
	    (val && d && str_eq(d->val, val)))
		nr_ros_props_del(props, ikey);
	else
		props_put(props, ikey, val, mn->secret);
	free(norm);
}

void nr_ros_item_keystr(struct nr_buf *out, const struct nr_ros_menu *mn,
    const struct nr_ros_item *it)
{
	char idbuf[16];

	for (size_t i = 0; i < mn->nkeys; i++) {
		const char *v = nr_ros_item_get(mn, it, mn->keys[i], idbuf);

		if (i)
			nr_buf_addch(out, '\x1f');
		nr_buf_adds(out, v ? v : "");
	}
}

/* ---- built-in order ---- */

static int natcmp(const char *a, const char *b)
{
	while (*a && *b) {
		if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			unsigned long x = strtoul(a, (char **)&a, 10);
			unsigned long y = strtoul(b, (char **)&b, 10);

			if (x != y)
				return x < y ? -1 : 1;
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		a++;
		b++;
	}
	return *a ? 1 : *b ? -1 : 0;
}

int nr_ros_bsel_cmp(const char *a, const char *b)
{
	bool fa = strcmp(a, "[ find ]") == 0, fb = strcmp(b, "[ find ]") == 0;

	if (fa || fb)
		return fb - fa;
	return natcmp(a, b);
}

static long table_index(const struct nr_ros_menu *mn, const char *bsel)
{
	long i = 0;

	for (const struct nr_ros_builtin *b = mn->def->builtins;
	     b && b->sel && bsel; b++, i++)
		if (strcmp(b->sel, bsel) == 0)
			return i;
	return -1;
}

int nr_ros_builtin_cmp(const struct nr_ros_menu *mn,
    const struct nr_ros_item *a, const struct nr_ros_item *b)
{
	long ta = a->lazy ? -1 : table_index(mn, a->bsel);
	long tb = b->lazy ? -1 : table_index(mn, b->bsel);

	if (ta >= 0 || tb >= 0) {
		if (ta < 0 || tb < 0)
			return ta < 0 ? 1 : -1;
		return ta < tb ? -1 : ta > tb;
	}
	if (!a->bsel || !b->bsel)
		return !a->bsel ? (b->bsel ? -1 : 0) : 1;
	return nr_ros_bsel_cmp(a->bsel, b->bsel);
}

/* ---- the key index: open addressing, linear probing ---- */

static uint32_t khash(const char *kstr)
{
	return (uint32_t)nr_ros_strhash(kstr, strlen(kstr));
}

bool nr_ros_menu_unique_keys(const struct nr_ros_menu *mn)
{
	return mn->nkeys && mn->def->kind != NR_ROS_LIST &&
	    mn->def->kind != NR_ROS_GENERIC;
}

/* Indexes `it` under its kstr, whose hash it->khash holds. */
static bool same_key(const struct nr_ros_item *a, const struct nr_ros_item *b)
{
	return a->khash == b->khash &&
	    (a->kstr == b->kstr || strcmp(a->kstr, b->kstr) == 0);
}

/* Does the index hold an item other than `it` with its key? */
static bool key_shared(
    const struct nr_ros_menu *mn, const struct nr_ros_item *it)
{
	size_t mask = mn->kcap - 1;

	for (size_t i = it->khash & mask; mn->kidx[i]; i = (i + 1) & mask)
		if (mn->kidx[i] != it && same_key(mn->kidx[i], it))
			return true;
	return false;
}

static void kput(struct nr_ros_menu *mn, struct nr_ros_item *it)
{
	size_t mask, i;
	bool dup = false;

	if ((mn->kn + 1) * 2 > mn->kcap) {
		struct nr_ros_item **old = mn->kidx;
		size_t oldcap = mn->kcap;

		mn->kcap = oldcap ? oldcap * 2 : 16;
		mn->kidx = nr_calloc(mn->kcap, sizeof(*mn->kidx));
		mn->kn = 0;
		mn->kdup = 0;
		for (size_t k = 0; k < oldcap; k++)
			if (old[k])
				kput(mn, old[k]);
		free(old);
	}
	mask = mn->kcap - 1;
	for (i = it->khash & mask; mn->kidx[i]; i = (i + 1) & mask) {
		if (mn->kidx[i] == it)
			return;
		dup = dup || same_key(mn->kidx[i], it);
	}
	mn->kidx[i] = it;
	mn->kn++;
	mn->kdup += dup;
}

static void kdel(struct nr_ros_menu *mn, struct nr_ros_item *it)
{
	size_t mask = mn->kcap - 1, i, j;

	if (!mn->kcap || !it->kstr)
		return;
	for (i = it->khash & mask; mn->kidx[i]; i = (i + 1) & mask)
		if (mn->kidx[i] == it)
			break;
	if (!mn->kidx[i])
		return;
	/* backward-shift deletion keeps every probe chain whole */
	mn->kidx[i] = NULL;
	mn->kn--;
	for (j = (i + 1) & mask; mn->kidx[j]; j = (j + 1) & mask) {
		size_t home = mn->kidx[j]->khash & mask;

		if ((j > i && (home <= i || home > j)) ||
		    (j < i && home <= i && home > j)) {
			mn->kidx[i] = mn->kidx[j];
			mn->kidx[j] = NULL;
			i = j;
		}
	}
	if (mn->kdup && key_shared(mn, it))
		mn->kdup--;
}

bool nr_ros_key_incomplete(const char *kstr)
{
	size_t n = strlen(kstr);

	return !n || kstr[0] == '\x1f' || kstr[n - 1] == '\x1f' ||
	    strstr(kstr, "\x1f\x1f") != NULL;
}

void nr_ros_menu_put_key(
    struct nr_ros_menu *mn, struct nr_ros_item *it, const char *kstr)
{
	kdel(mn, it);
	drop_kstr(it);
	if (nr_ros_key_incomplete(kstr))
		return;
	/* a key may hold a secret (a community's name): kept as values are */
	it->own_kstr = mn->secret;
	it->kstr = mn->secret ? nr_strdup(kstr) : nr_ros_intern(kstr);
	it->khash = khash(kstr);
	kput(mn, it);
}

void nr_ros_menu_reindex(struct nr_ros_menu *mn, struct nr_ros_item *it)
{
	struct nr_buf b = NR_BUF_INIT;

	if (!nr_ros_menu_unique_keys(mn))
		return;
	nr_ros_item_keystr(&b, mn, it);
	nr_ros_menu_put_key(mn, it, b.s);
	nr_buf_release(&b);
}

bool nr_ros_menu_keyed(
    const struct nr_ros_menu *mn, const struct nr_ros_item *it)
{
	return it->kstr &&
	    (!mn->kdup || nr_ros_menu_by_key(mn, it->kstr) == it);
}

struct nr_ros_item *nr_ros_menu_by_key(
    const struct nr_ros_menu *mn, const char *kstr)
{
	size_t mask = mn->kcap - 1;
	uint32_t h;

	if (!mn->kcap)
		return NULL;
	h = khash(kstr);
	for (size_t i = h & mask; mn->kidx[i]; i = (i + 1) & mask)
		if (mn->kidx[i]->khash == h &&
		    (mn->kidx[i]->kstr == kstr ||
			strcmp(mn->kidx[i]->kstr, kstr) == 0))
			return mn->kidx[i];
	return NULL;
}

/* ---- menus ---- */

static void menu_free(struct nr_ros_menu *mn)
{
	for (size_t i = 0; i < mn->n; i++)
		item_free(mn, mn->v[i]);
	while (mn->blocks) {
		struct nr_ros_iblock *b = mn->blocks;

		mn->blocks = b->prev;
		NR_UNPOISON(b->v, b->cap * sizeof(b->v[0]));
		free(b);
	}
	nr_arena_release(&mn->mem);
	free(mn->v);
	free(mn->kidx);
	free(mn->keys);
	nr_ros_props_release(&mn->defaults);
	free(mn);
}

void nr_ros_model_init(struct nr_ros_model *m)
{
	memset(m, 0, sizeof(*m));
}

void nr_ros_model_release(struct nr_ros_model *m)
{
	for (size_t i = 0; i < m->n; i++)
		menu_free(m->menus[i]);
	free(m->menus);
	nr_ros_model_init(m);
}

struct nr_ros_menu *nr_ros_model_find(
    const struct nr_ros_model *m, const char *path)
{
	if (m->last &&
	    (m->last->path == path || strcmp(m->last->path, path) == 0))
		return m->last;
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->menus[i]->path, path) == 0)
			return m->menus[i];
	return NULL;
}

static struct nr_ros_menu *menu_new(const char *path, bool secret)
{
	struct nr_ros_menu *mn = nr_calloc(1, sizeof(*mn));
	size_t cap = 0;

	mn->mem.first = 1024; /* most menus hold a few items */

	mn->path = nr_ros_intern(path);
	mn->secret = secret;
	mn->def = nr_ros_menu_def(path);
	mn->refs = nr_ros_menu_ref(path, 0) != NULL;
	mn->addr = strcmp(path, "/ip address") == 0   ? NR_ROS_ADDR_IP
	    : strncmp(path, "/ip firewall ", 13) == 0 ? NR_ROS_ADDR_FIREWALL
						      : NR_ROS_ADDR_NONE;
	mn->rank = nr_ros_menu_rank(path);
	nr_ros_props_put(&mn->defaults, "disabled", "no");
	nr_ros_props_put(&mn->defaults, "comment", "");
	parse_props(&mn->defaults, mn->def->defaults);
	for (const char *k = mn->def->key; k && *k;) {
		size_t n = strcspn(k, ",");

		char *key = nr_strndup(k, n);

		*NR_PUSH(mn->keys, mn->nkeys, cap) = nr_ros_intern(key);
		free(key);
		k += n + (k[n] == ',');
	}
	return mn;
}

struct nr_ros_menu *nr_ros_model_menu(struct nr_ros_model *m, const char *path)
{
	struct nr_ros_menu *mn = nr_ros_model_find(m, path);

	if (mn) {
		m->last = mn;
		return mn;
	}
	mn = menu_new(path, m->secret);
	*NR_PUSH(m->menus, m->n, m->cap) = mn;
	m->last = mn;
	if (mn->def->kind == NR_ROS_SINGLETON) {
		struct nr_ros_item *it = nr_ros_item_new(m, mn, 0);

		it->builtin = true;
	}
	for (const struct nr_ros_builtin *b = mn->def->builtins; b && b->sel;
	     b++) {
		struct nr_ros_item *it = nr_ros_item_new(m, mn, mn->n);

		it->builtin = true;
		it->bsel = nr_strdup(b->sel);
		parse_props(&it->base, b->props);
		if (b->sel[0] == '*')
			it->id = (unsigned)strtoul(b->sel + 1, NULL, 16);
		nr_ros_menu_reindex(mn, it);
	}
	return mn;
}

static int menu_cmp(const void *a, const void *b)
{
	const struct nr_ros_menu *x = *(const struct nr_ros_menu *const *)a;
	const struct nr_ros_menu *y = *(const struct nr_ros_menu *const *)b;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return strcmp(x->path, y->path);
}

struct nr_ros_menu **nr_ros_model_sorted(const struct nr_ros_model *m)
{
	struct nr_ros_menu **v = nr_calloc(m->n + 1, sizeof(*v));

	if (m->n)
		memcpy(v, m->menus, m->n * sizeof(*v));
	qsort(v, m->n, sizeof(*v), menu_cmp);
	return v;
}

void nr_ros_model_copy(struct nr_ros_model *dst, const struct nr_ros_model *src)
{
	nr_ros_model_init(dst);
	dst->next_id = src->next_id;
	dst->secret = src->secret;
	for (size_t i = 0; i < src->n; i++) {
		const struct nr_ros_menu *s = src->menus[i];
		struct nr_ros_menu *d = menu_new(s->path, src->secret);

		for (size_t k = 0; k < s->n; k++) {
			const struct nr_ros_item *si = s->v[k];
			struct nr_ros_item *di = item_alloc(d);

			di->id = si->id;
			di->builtin = si->builtin;
			di->lazy = si->lazy;
			di->bsel = si->bsel ? nr_strdup(si->bsel) : NULL;
			nr_ros_props_copy(&di->base, &si->base);
			nr_ros_props_copy(&di->props, &si->props);
			*NR_PUSH(d->v, d->n, d->cap) = di;
			nr_ros_menu_reindex(d, di);
		}
		*NR_PUSH(dst->menus, dst->n, dst->cap) = d;
	}
}
