/* load: the generic loader. It walks the YAML tree against the schema
 * tables, writing typed values through the tables' offsets, so adding a
 * key is one row in schema-tables.c and one field in config.h. */
#include "conf/load.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf/schema.h"
#include "conf/yaml.h"
#include "lib/buf.h"
#include "lib/err.h"
#include "lib/mem.h"
#include "lib/suggest.h"

struct loader {
	struct nr_diags *diags;
};

/* The memory a list field points at, whatever its element type. */
struct anylist {
	void *v;
	size_t n;
	struct nr_loc loc;
};

static void *at(void *base, size_t off)
{
	return (char *)base + off;
}

/* "vm.cpus", "hardware.passthrough[0].slot" */
static char *join(const char *path, const char *key)
{
	return *path ? nr_asprintf("%s.%s", path, key) : nr_strdup(key);
}

static void load_object(struct loader *l, void *dst,
    const struct nr_object *obj, const struct nr_ynode *node, const char *path);

static bool parse_int(const char *s, long long *out)
{
	char *end;
	int base = 10;
	const char *p = s;

	if (strncmp(s, "0x", 2) == 0) {
		base = 16;
		p += 2;
	} else if (strncmp(s, "0o", 2) == 0) {
		base = 8;
		p += 2;
	}
	errno = 0;
	*out = strtoll(p, &end, base);
	return errno == 0 && *end == '\0';
}

static int enum_index(const char *const *words, const char *s)
{
	for (int i = 0; words[i]; i++)
		if (strcmp(words[i], s) == 0)
			return i;
	return -1;
}

/* "kvm, tcg or kvm:tcg" */
static void enum_words(struct nr_buf *b, const char *const *words)
{
	for (int i = 0; words[i]; i++)
		nr_buf_addf(b, "%s%s", i ? (words[i + 1] ? ", " : " or ") : "",
		    words[i]);
}

static void enum_error(struct loader *l, const struct nr_field *f,
    const char *path, const char *s, struct nr_loc loc)
{
	struct nr_buf b = NR_BUF_INIT;
	const char *hint = nr_suggest(s, f->enums);

	/* "KVM" is a different word to the edit distance, not to people */
	for (int i = 0; !hint && f->enums[i]; i++)
		if (strcasecmp(f->enums[i], s) == 0)
			hint = f->enums[i];
	enum_words(&b, f->enums);
	if (hint)
		nr_diag_error(l->diags, loc,
		    "%s: unknown value '%s' (expected "
		    "%s; did you mean '%s'?)",
		    path, s, b.s, hint);
	else
		nr_diag_error(l->diags, loc,
		    "%s: unknown value '%s' (expected "
		    "%s)",
		    path, s, b.s);
	nr_buf_release(&b);
}

/* Whether `s` fails `fmt`; the reason goes to why[whylen]. */
static bool bad_format(
    const struct nr_format *fmt, const char *s, char *why, size_t whylen)
{
	char *norm = NULL;
	long long num;
	bool bad = fmt->parse(s, &norm, &num, why, whylen) != NULL;

	free(norm);
	return bad;
}

/* Checks one scalar against the field's type and format and fills `v`.
 * `fmt` is passed apart from `f` because list items use the list's. */
static bool load_scalar(struct loader *l, struct nr_val *v,
    const struct nr_field *f, enum nr_stype type, const struct nr_format *fmt,
    const struct nr_ynode *n, const char *path)
{
	const char *want = type == NR_S_INT ? "an integer"
	    : type == NR_S_BOOL		    ? "a boolean (true or false)"
					    : "a string";
	enum nr_ytype have = type == NR_S_INT ? NR_YT_INT
	    : type == NR_S_BOOL		      ? NR_YT_BOOL
					      : NR_YT_STR;
	char why[512];

	if (n->kind != NR_Y_SCALAR || n->type != have) {
		struct nr_buf b = NR_BUF_INIT;

		/* an enum wants one of its words, which quoting won't give */
		if (f->enums && type == NR_S_STR) {
			enum_words(&b, f->enums);
			want = b.s;
		}
		if (n->kind == NR_Y_SCALAR && n->type == NR_YT_NULL)
			nr_diag_error(l->diags, n->loc,
			    "%s: missing value "
			    "(expected %s)",
			    path, want);
		else if (have == NR_YT_STR && n->kind == NR_Y_SCALAR &&
		    !f->enums && fmt &&
		    bad_format(fmt, n->val, why, sizeof(why)))
			/* quoting would not help: say what the value lacks */
			nr_diag_error(l->diags, n->loc, "%s: %s", path, why);
		else if (have == NR_YT_STR && n->kind == NR_Y_SCALAR &&
		    !f->enums)
			nr_diag_error(l->diags, n->loc,
			    "%s: expected %s, got "
			    "%s (quote it: \"%s\")",
			    path, want, nr_ynode_what(n), n->val);
		else
			nr_diag_error(l->diags, n->loc,
			    "%s: expected %s, got "
			    "%s",
			    path, want, nr_ynode_what(n));
		nr_buf_release(&b);
		return false;
	}
	v->loc = n->loc;
	v->body = n->body;
	v->block = n->block;
	v->set = true;
	if (type == NR_S_BOOL) {
		v->num = n->val[0] == 't' || n->val[0] == 'T';
		v->s = nr_strdup(v->num ? "true" : "false");
		return true;
	}
	if (type == NR_S_INT) {
		if (!parse_int(n->val, &v->num)) {
			nr_diag_error(l->diags, n->loc,
			    "%s: integer '%s' is too "
			    "large",
			    path, n->val);
			return false;
		}
		if (f->min == f->max && v->num != f->min) {
			nr_diag_error(l->diags, n->loc,
			    "%s: unsupported value "
			    "%lld (this netrec supports only %lld)",
			    path, v->num, f->min);
			return false;
		}
		if (f->min < f->max && (v->num < f->min || v->num > f->max)) {
			nr_diag_error(l->diags, n->loc,
			    "%s: %lld is out of range "
			    "(%lld to %lld)",
			    path, v->num, f->min, f->max);
			return false;
		}
		v->s = nr_asprintf("%lld", v->num);
		return true;
	}
	if (f->enums) {
		int i = enum_index(f->enums, n->val);

		if (i < 0) {
			enum_error(l, f, path, n->val, n->loc);
			return false;
		}
		v->num = i;
	}
	if (fmt) {
		char *norm = NULL;
		const char *r =
		    fmt->parse(n->val, &norm, &v->num, why, sizeof(why));

		if (r) {
			nr_diag_error(l->diags, n->loc, "%s: %s", path, r);
			free(norm);
			return false;
		}
		v->s = norm ? norm : nr_strdup(n->val);
		return true;
	}
	v->s = nr_strdup(n->val);
	return true;
}

static void load_list(struct loader *l, void *dst, const struct nr_field *f,
    const struct nr_ynode *n, const char *path)
{
	struct anylist list = { NULL, 0, n->loc };
	size_t size = f->obj ? f->elem_size : sizeof(struct nr_val);

	if (n->kind != NR_Y_SEQ) {
		nr_diag_error(l->diags, n->loc, "%s: expected a list, got %s",
		    path, nr_ynode_what(n));
		return;
	}
	list.v = nr_calloc(n->n ? n->n : 1, size);
	list.n = n->n;
	for (size_t i = 0; i < n->n; i++) {
		char *ipath = nr_asprintf("%s[%zu]", path, i);
		void *elem = at(list.v, i * size);

		if (f->obj)
			load_object(l, elem, f->obj, n->items[i], ipath);
		else
			load_scalar(
			    l, elem, f, NR_S_STR, f->fmt, n->items[i], ipath);
		free(ipath);
	}
	memcpy(dst, &list, sizeof(list));
}

static void load_all_or_list(struct loader *l, struct nr_all_or_list *dst,
    const struct nr_field *f, const struct nr_ynode *n, const char *path)
{
	dst->loc = n->loc;
	dst->set = true;
	if (n->kind == NR_Y_SCALAR && n->type == NR_YT_STR &&
	    strcmp(n->val, "all") == 0) {
		dst->all = true;
		return;
	}
	if (n->kind == NR_Y_SCALAR && n->type == NR_YT_NULL)
		nr_diag_error(l->diags, n->loc,
		    "%s: missing value (expected "
		    "\"all\" or a list of PCI slots)",
		    path);
	else if (n->kind == NR_Y_SCALAR)
		nr_diag_error(l->diags, n->loc,
		    "%s: expected \"all\" or a list "
		    "of PCI slots, got '%s'",
		    path, n->val);
	else if (n->kind == NR_Y_MAP)
		nr_diag_error(l->diags, n->loc,
		    "%s: expected \"all\" or a list "
		    "of PCI slots, got a mapping",
		    path);
	else
		load_list(l, &dst->list, f, n, path);
}

static void load_field(struct loader *l, void *base, const struct nr_field *f,
    const struct nr_ynode *n, const char *path)
{
	void *dst = at(base, f->off);

	switch (f->type) {
	case NR_S_STR:
	case NR_S_INT:
	case NR_S_BOOL: load_scalar(l, dst, f, f->type, f->fmt, n, path); break;
	case NR_S_OBJ: load_object(l, dst, f->obj, n, path); break;
	case NR_S_LIST: load_list(l, dst, f, n, path); break;
	case NR_S_ALL_OR_LIST: load_all_or_list(l, dst, f, n, path); break;
	}
}

/* Fills a field that was not in the file from its default. */
static void load_default(void *base, const struct nr_field *f)
{
	void *dst = at(base, f->off);

	if (f->type == NR_S_OBJ) {
		struct nr_obj *o = dst;
		struct nr_loc loc = o->loc;

		for (const struct nr_field *g = f->obj->fields; g->key; g++)
			load_default(dst, g);
		o->loc = loc;
		return;
	}
	if (!f->def)
		return;
	if (f->type == NR_S_ALL_OR_LIST) {
		((struct nr_all_or_list *)dst)->all = true;
		return;
	}
	{
		struct nr_val *v = dst;
		char why[256], *norm = NULL;

		v->s = nr_strdup(f->def);
		if (f->type == NR_S_INT)
			v->num = strtoll(f->def, NULL, 10);
		else if (f->enums)
			v->num = enum_index(f->enums, f->def);
		else if (f->fmt &&
		    !f->fmt->parse(f->def, &norm, &v->num, why, sizeof(why)) &&
		    norm) {
			free(v->s);
			v->s = norm;
		}
	}
}

static void load_object(struct loader *l, void *dst,
    const struct nr_object *obj, const struct nr_ynode *node, const char *path)
{
	struct nr_obj *o = dst;
	const char *keys[64];
	const struct nr_ynode *seen[64] = { 0 };
	/* hinted: an unknown key was reported with this key as its hint */
	bool hinted[64] = { 0 }, any_hinted = false;
	size_t nkeys = 0, given = 0;

	if (node->kind != NR_Y_MAP) {
		nr_diag_error(l->diags, node->loc,
		    "%s: expected a mapping, got "
		    "%s",
		    *path ? path : "the document", nr_ynode_what(node));
		return;
	}
	o->loc = node->loc;
	o->present = true;
	for (const struct nr_field *f = obj->fields; f->key; f++)
		keys[nkeys++] = f->key;
	keys[nkeys] = NULL;

	for (size_t i = 0; i < nr_ymap_len(node); i++) {
		const struct nr_ynode *k = node->items[2 * i];
		const struct nr_ynode *v = node->items[2 * i + 1];
		size_t fi;
		char *fpath;

		if (k->kind != NR_Y_SCALAR || k->type == NR_YT_NULL) {
			nr_diag_error(l->diags, k->loc,
			    "%s: keys must be plain "
			    "words, got %s",
			    *path ? path : "the document", nr_ynode_what(k));
			continue;
		}
		for (fi = 0; fi < nkeys; fi++)
			if (strcmp(keys[fi], k->val) == 0)
				break;
		if (fi == nkeys) {
			const char *hint = nr_suggest(k->val, keys);

			if (strcmp(k->val, "<<") == 0)
				nr_diag_error(l->diags, k->loc,
				    "merge keys ('<<') "
				    "are not supported");
			else if (hint)
				nr_diag_error(l->diags, k->loc,
				    "unknown key '%s' "
				    "(did you mean '%s'?)",
				    k->val, hint);
			else
				nr_diag_error(l->diags, k->loc,
				    "unknown key '%s'%s%s", k->val,
				    *path ? " in " : "", path);
			for (size_t h = 0; hint && h < nkeys; h++)
				hinted[h] = hinted[h] || keys[h] == hint;
			continue;
		}
		if (seen[fi]) {
			nr_diag_error(l->diags, k->loc,
			    "duplicate key '%s' (first "
			    "at line %d)",
			    k->val, seen[fi]->loc.line);
			continue;
		}
		seen[fi] = k;
		given++;
		fpath = join(path, k->val);
		load_field(l, dst, &obj->fields[fi], v, fpath);
		free(fpath);
	}

	for (size_t fi = 0; fi < nkeys; fi++) {
		const struct nr_field *f = &obj->fields[fi];

		if (seen[fi])
			continue;
		if (f->required && !obj->exactly_one && !hinted[fi])
			nr_diag_error(l->diags, node->loc,
			    "%s: missing required "
			    "key '%s'",
			    *path ? path : "the document", f->key);
		load_default(dst, f);
	}
	for (size_t fi = 0; fi < nkeys; fi++)
		any_hinted = any_hinted || hinted[fi];
	if (obj->exactly_one && given != 1 && !(given == 0 && any_hinted)) {
		struct nr_buf b = NR_BUF_INIT;

		enum_words(&b, keys);
		if (nkeys == 1)
			nr_diag_error(l->diags, node->loc,
			    "%s: missing required key '%s'", path, keys[0]);
		else if (given == 0)
			nr_diag_error(l->diags, node->loc,
			    "%s: expected one of the keys %s, got none", path,
			    b.s);
		else
			nr_diag_error(l->diags, node->loc,
			    "%s: expected only one of the keys %s, got %zu",
			    path, b.s, given);
		nr_buf_release(&b);
	}
}

/* The length of the UTF-8 sequence at s[0..len), or 0 when it is not
 * valid UTF-8 (RFC 3629: no overlong forms, no surrogates, at most
 * U+10FFFF). */
static size_t utf8_len(const unsigned char *s, size_t len)
{
	size_t need = s[0] < 0x80   ? 0
	    : (s[0] & 0xE0) == 0xC0 ? 1
	    : (s[0] & 0xF0) == 0xE0 ? 2
	    : (s[0] & 0xF8) == 0xF0 ? 3
				    : 9;
	static const unsigned long min[] = { 0, 0x80, 0x800, 0x10000 };
	unsigned long cp;

	if (need == 9 || need >= len)
		return 0;
	cp = need ? s[0] & (0x3F >> need) : s[0];
	for (size_t k = 1; k <= need; k++) {
		if ((s[k] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[k] & 0x3F);
	}
	if (cp < min[need] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return need + 1;
}

/* Reports the first byte that is not valid UTF-8, or a NUL. */
static bool check_utf8(const char *text, size_t len, struct nr_diags *diags)
{
	const unsigned char *s = (const unsigned char *)text;
	struct nr_loc loc = { 1, 1 };

	for (size_t i = 0; i < len;) {
		size_t n = utf8_len(s + i, len - i);

		if (s[i] == 0) {
			nr_diag_error(diags, loc,
			    "NUL byte in the file (the file "
			    "must be UTF-8 text)");
			return false;
		}
		if (n == 0) {
			nr_diag_error(diags, loc,
			    "invalid UTF-8 byte 0x%02x (the "
			    "file must be UTF-8)",
			    s[i]);
			return false;
		}
		if (s[i] == '\n') {
			loc.line++;
			loc.col = 1;
		} else {
			loc.col++;
		}
		i += n;
	}
	return true;
}

int nr_config_load(
    struct nr_config *cfg, const char *text, size_t len, struct nr_diags *diags)
{
	struct loader l = { diags };
	struct nr_ydoc doc;
	size_t before = diags->errors;

	memset(cfg, 0, sizeof(*cfg));
	if (len > NR_CONFIG_MAX_BYTES) {
		nr_diag_error(diags, (struct nr_loc){ 0, 0 },
		    "file is larger "
		    "than 16 MiB (%zu bytes)",
		    len);
		return NR_ECONFIG;
	}
	if (len == 0 || strspn(text, " \t\r\n") == len) {
		nr_diag_error(diags, (struct nr_loc){ 0, 0 },
		    "empty file "
		    "(expected a mapping with 'version: 1')");
		return NR_ECONFIG;
	}
	if (!check_utf8(text, len, diags))
		return NR_ECONFIG;
	if (nr_yaml_compose(&doc, text, len, diags) == 0) {
		if (doc.root->kind != NR_Y_MAP)
			nr_diag_error(diags, doc.root->loc,
			    "the document must be "
			    "a mapping (with 'version: 1' and the sections), "
			    "got %s",
			    nr_ynode_what(doc.root));
		else
			load_object(&l, cfg, &nr_schema_root, doc.root, "");
	}
	nr_ydoc_release(&doc);
	if (cfg->o.present)
		nr_config_check(cfg, diags);
	nr_diags_sort(diags);
	return diags->errors > before ? NR_ECONFIG : 0;
}

static void release_object(void *base, const struct nr_object *obj);

static void release_vals(struct nr_vals *list)
{
	for (size_t i = 0; i < list->n; i++)
		free(list->v[i].s);
	free(list->v);
}

static void release_field(void *base, const struct nr_field *f)
{
	void *dst = at(base, f->off);

	switch (f->type) {
	case NR_S_STR:
	case NR_S_INT:
	case NR_S_BOOL: free(((struct nr_val *)dst)->s); break;
	case NR_S_OBJ: release_object(dst, f->obj); break;
	case NR_S_LIST:
		if (f->obj) {
			struct anylist list;

			memcpy(&list, dst, sizeof(list));
			for (size_t i = 0; i < list.n; i++)
				release_object(
				    at(list.v, i * f->elem_size), f->obj);
			free(list.v);
		} else {
			release_vals(dst);
		}
		break;
	case NR_S_ALL_OR_LIST:
		release_vals(&((struct nr_all_or_list *)dst)->list);
		break;
	}
}

static void release_object(void *base, const struct nr_object *obj)
{
	for (const struct nr_field *f = obj->fields; f->key; f++)
		release_field(base, f);
}

void nr_config_release(struct nr_config *cfg)
{
	release_object(cfg, &nr_schema_root);
	memset(cfg, 0, sizeof(*cfg));
}
