/* yaml: libyaml events -> nr_ynode tree, with the hostile-input limits. */
#include "conf/yaml.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "lib/buf.h"
#include "lib/err.h"
#include "lib/mem.h"

struct anchor {
	char *name;
	struct nr_ynode *node;
};

struct composer {
	struct nr_ydoc *doc;
	struct nr_diags *diags;
	struct nr_ynode *stack[NR_YAML_MAX_DEPTH + 1];
	int depth;
	struct anchor *anchors;
	size_t nanchors, capanchors;
	/* anchors of collections still open: registered when they close */
	char *pending[NR_YAML_MAX_DEPTH + 1];
	int ndocs;
	bool failed; /* an error was reported */
	bool stop; /* an error after which the events cannot be trusted */
	const char *text;
	size_t len;
	size_t at_off, at_line; /* byte_at's cache: where a line starts */
};

static struct nr_loc loc_of(yaml_mark_t m)
{
	return (struct nr_loc){ (int)m.line + 1, (int)m.column + 1 };
}

static struct nr_ynode *new_node(
    struct composer *c, enum nr_ykind kind, yaml_mark_t mark)
{
	struct nr_ynode *n = nr_calloc(1, sizeof(*n));
	struct nr_ynode **slot =
	    NR_PUSH(c->doc->all, c->doc->nall, c->doc->capall);

	*slot = n;
	n->kind = kind;
	n->loc = loc_of(mark);
	n->weight = 1;
	return n;
}

static bool match_all(const char *s, const char *set, size_t min)
{
	size_t n = strspn(s, set);

	return n >= min && s[n] == '\0';
}

/* YAML 1.2 core schema resolution of a plain scalar. */
static enum nr_ytype resolve_plain(const char *s)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };
	static const char *const bools[] = { "true", "True", "TRUE", "false",
		"False", "FALSE" };
	const char *d = s;

	for (size_t i = 0; i < NR_ARRAY_SIZE(nulls); i++)
		if (strcmp(s, nulls[i]) == 0)
			return NR_YT_NULL;
	for (size_t i = 0; i < NR_ARRAY_SIZE(bools); i++)
		if (strcmp(s, bools[i]) == 0)
			return NR_YT_BOOL;
	if (strncmp(s, "0x", 2) == 0 &&
	    match_all(s + 2, "0123456789abcdefABCDEF", 1))
		return NR_YT_INT;
	if (strncmp(s, "0o", 2) == 0 && match_all(s + 2, "01234567", 1))
		return NR_YT_INT;
	if (*d == '-' || *d == '+')
		d++;
	if (match_all(d, "0123456789", 1))
		return NR_YT_INT;
	if (strcmp(d, ".inf") == 0 || strcmp(d, ".Inf") == 0 ||
	    strcmp(d, ".INF") == 0 || strcmp(s, ".nan") == 0 ||
	    strcmp(s, ".NaN") == 0 || strcmp(s, ".NAN") == 0)
		return NR_YT_FLOAT;
	{
		/* [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
		size_t i = strspn(d, "0123456789");
		bool digits = i > 0;

		if (d[i] == '.') {
			size_t f = strspn(d + i + 1, "0123456789");

			digits = digits || f > 0;
			i += 1 + f;
		} else if (!digits) {
			return NR_YT_STR;
		}
		if (!digits)
			return NR_YT_STR;
		if (d[i] == 'e' || d[i] == 'E') {
			i++;
			if (d[i] == '-' || d[i] == '+')
				i++;
			if (!match_all(d + i, "0123456789", 1))
				return NR_YT_STR;
			return NR_YT_FLOAT;
		}
		if (d[i] == '\0' && strchr(d, '.'))
			return NR_YT_FLOAT;
	}
	return NR_YT_STR;
}

__attribute__((format(printf, 3, 4))) static void error(
    struct composer *c, struct nr_loc loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	nr_diag_vadd(c->diags, loc, NR_SEV_ERROR, fmt, ap);
	va_end(ap);
	c->failed = true;
}

__attribute__((format(printf, 3, 4))) static void fatal(
    struct composer *c, struct nr_loc loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	nr_diag_vadd(c->diags, loc, NR_SEV_ERROR, fmt, ap);
	va_end(ap);
	c->failed = true;
	c->stop = true;
}

/* Line and column (in characters) of a byte offset. */
static struct nr_loc loc_at(const struct composer *c, size_t off)
{
	struct nr_loc loc = { 1, 1 };

	for (size_t i = 0; i < off && i < c->len; i++) {
		unsigned char ch = (unsigned char)c->text[i];

		if (ch == '\n') {
			loc.line++;
			loc.col = 1;
		} else if ((ch & 0xC0) != 0x80) {
			loc.col++;
		}
	}
	return loc;
}

/* The byte offset of a mark. libyaml's mark.index counts characters, not
 * bytes, so it is found again from the mark's line and column, walking on
 * from the last mark asked for (marks mostly come in order). */
static size_t byte_at(struct composer *c, yaml_mark_t m)
{
	size_t i = c->at_off, line = c->at_line;

	if (m.line < line) {
		i = 0;
		line = 0;
	}
	for (; line < m.line && i < c->len; i++)
		if (c->text[i] == '\n')
			line++;
	c->at_off = i; /* the start of line m.line */
	c->at_line = line;
	for (size_t col = 0; col < m.column && i < c->len; col++) {
		i++;
		while (i < c->len && ((unsigned char)c->text[i] & 0xC0) == 0x80)
			i++;
	}
	return i;
}

/* Adds a finished node to the open collection (or makes it the root). */
static void attach(struct composer *c, struct nr_ynode *n)
{
	struct nr_ynode *parent;
	struct nr_ynode **slot;

	if (c->depth == 0) {
		c->doc->root = n;
		return;
	}
	parent = c->stack[c->depth - 1];
	slot = NR_PUSH(parent->items, parent->n, parent->cap);
	*slot = n;
	parent->weight += n->weight;
}

static void add_anchor(struct composer *c, const char *name, struct nr_ynode *n)
{
	struct anchor *a;

	/* a later anchor of the same name shadows the earlier one */
	a = NR_PUSH(c->anchors, c->nanchors, c->capanchors);
	a->name = nr_strdup(name);
	a->node = n;
}

static struct nr_ynode *find_anchor(struct composer *c, const char *name)
{
	for (size_t i = c->nanchors; i > 0; i--)
		if (strcmp(c->anchors[i - 1].name, name) == 0)
			return c->anchors[i - 1].node;
	return NULL;
}

/* Where a scalar's text begins: after the quote, or for a literal block the
 * line after the indicator, at the block's indentation. */
static struct nr_loc body_of(
    struct composer *c, const yaml_event_t *ev, struct nr_loc loc)
{
	const char *p, *end = c->text + c->len;
	struct nr_loc body = { loc.line + 1, 1 };

	switch (ev->data.scalar.style) {
	case YAML_SINGLE_QUOTED_SCALAR_STYLE:
	case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
		return (struct nr_loc){ loc.line, loc.col + 1 };
	case YAML_LITERAL_SCALAR_STYLE:
		p = c->text + byte_at(c, ev->start_mark);
		p = memchr(p, '\n', (size_t)(end - p));
		while (p && p + 1 < end) {
			size_t sp = strspn(p + 1, " ");

			if (p + 1 + sp < end && p[1 + sp] != '\n') {
				body.col = (int)sp + 1;
				break;
			}
			p = memchr(p + 1, '\n', (size_t)(end - p - 1));
		}
		return body;
	default: return loc;
	}
}

/* "!!binary" for the core tags, as the user wrote them */
static void bad_tag(struct composer *c, struct nr_loc loc, const char *tag)
{
	static const char core[] = "tag:yaml.org,2002:";

	if (strncmp(tag, core, sizeof(core) - 1) == 0)
		error(c, loc,
		    "unsupported tag '!!%s' (netrec reads plain YAML "
		    "values only)",
		    tag + sizeof(core) - 1);
	else
		error(c, loc,
		    "unsupported tag '%s' (netrec reads plain YAML "
		    "values only)",
		    tag);
}

static void scalar(struct composer *c, const yaml_event_t *ev)
{
	struct nr_ynode *n = new_node(c, NR_Y_SCALAR, ev->start_mark);
	const char *tag = (const char *)ev->data.scalar.tag;

	n->len = ev->data.scalar.length;
	n->val = nr_strndup((const char *)ev->data.scalar.value, n->len);
	if (strlen(n->val) != n->len)
		error(c, n->loc, "NUL byte in a scalar");
	n->block = ev->data.scalar.style == YAML_LITERAL_SCALAR_STYLE;
	n->body = body_of(c, ev, n->loc);
	/* quoted, block, "!" and "!!str" scalars are strings */
	n->type = NR_YT_STR;
	if (tag && strcmp(tag, YAML_STR_TAG) != 0 && strcmp(tag, "!") != 0)
		bad_tag(c, n->loc, tag);
	else if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !tag)
		n->type = resolve_plain(n->val);
	attach(c, n);
	if (ev->data.scalar.anchor)
		add_anchor(c, (const char *)ev->data.scalar.anchor, n);
}

static void open_collection(struct composer *c, const yaml_event_t *ev,
    enum nr_ykind kind, const yaml_char_t *anchor, const yaml_char_t *tag)
{
	struct nr_ynode *n = new_node(c, kind, ev->start_mark);

	if (tag &&
	    strcmp((const char *)tag,
		kind == NR_Y_MAP ? YAML_MAP_TAG : YAML_SEQ_TAG) != 0 &&
	    strcmp((const char *)tag, "!") != 0)
		bad_tag(c, n->loc, (const char *)tag);
	if (c->depth >= NR_YAML_MAX_DEPTH) {
		fatal(c, n->loc, "nesting deeper than %d levels",
		    NR_YAML_MAX_DEPTH);
		return;
	}
	c->pending[c->depth] = anchor ? nr_strdup((const char *)anchor) : NULL;
	c->stack[c->depth++] = n;
}

static void close_collection(struct composer *c)
{
	struct nr_ynode *n = c->stack[--c->depth];
	char *anchor = c->pending[c->depth];

	c->pending[c->depth] = NULL;
	attach(c, n);
	if (anchor) {
		add_anchor(c, anchor, n);
		free(anchor);
	}
}

static void alias(struct composer *c, const yaml_event_t *ev)
{
	const char *name = (const char *)ev->data.alias.anchor;
	struct nr_ynode *target = find_anchor(c, name);

	if (!target) {
		/* also the case for an alias inside its own anchor */
		error(c, loc_of(ev->start_mark), "unknown alias '*%s'", name);
		return;
	}
	attach(c, target);
}

/* The total size after expanding aliases, checked after every event. */
static size_t open_weight(const struct composer *c)
{
	size_t w = 0;

	for (int i = 0; i < c->depth; i++)
		w += c->stack[i]->weight;
	return w;
}

static void parser_error(struct composer *c, const yaml_parser_t *p)
{
	struct nr_loc loc = loc_of(p->problem_mark);
	struct nr_loc start = loc_of(p->context_mark);
	const char *problem = p->problem ? p->problem : "malformed YAML";
	struct nr_buf b = NR_BUF_INIT;
	size_t off;
	char ch;

	if (p->error == YAML_READER_ERROR)
		loc = loc_at(c, p->problem_offset);
	nr_buf_addf(&b, "%s", problem);
	if (p->context)
		nr_buf_addf(&b, " %s", p->context);
	/* where the unfinished construct began, when that is elsewhere */
	if (p->context && start.line != loc.line)
		nr_buf_addf(
		    &b, " (which starts at %d:%d)", start.line, start.col);
	/* libyaml says what it saw; say what the usual cause is */
	off = byte_at(c, p->problem_mark);
	ch = p->error != YAML_READER_ERROR && off < c->len ? c->text[off] : 0;
	if (ch == '\t' && !strstr(problem, "tab"))
		nr_buf_addf(&b, "; YAML does not allow tabs for indentation");
	else if ((ch == '@' || ch == '`') &&
	    strstr(problem, "cannot start any token"))
		nr_buf_addf(
		    &b, "; '%c' is reserved in YAML: quote the value", ch);
	else if (strcmp(problem,
		     "mapping values are not allowed in this "
		     "context") == 0)
		nr_buf_addf(&b,
		    "; check the indentation, or quote a value "
		    "that holds ': '");
	else if (strcmp(problem, "did not find expected key") == 0 &&
	    p->context && strstr(p->context, "block mapping"))
		nr_buf_addf(&b, "; check the indentation");
	nr_diag_error(c->diags, loc, "%s", b.s);
	nr_buf_release(&b);
	c->failed = true;
}

static bool step(struct composer *c, const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (++c->ndocs > 1)
			fatal(c, loc_of(ev->start_mark),
			    "more than one YAML document (only one is allowed)");
		break;
	case YAML_SCALAR_EVENT: scalar(c, ev); break;
	case YAML_SEQUENCE_START_EVENT:
		open_collection(c, ev, NR_Y_SEQ, ev->data.sequence_start.anchor,
		    ev->data.sequence_start.tag);
		break;
	case YAML_MAPPING_START_EVENT:
		open_collection(c, ev, NR_Y_MAP, ev->data.mapping_start.anchor,
		    ev->data.mapping_start.tag);
		break;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT: close_collection(c); break;
	case YAML_ALIAS_EVENT: alias(c, ev); break;
	default: break;
	}
	if (!c->stop &&
	    open_weight(c) + (c->doc->root ? c->doc->root->weight : 0) >
		NR_YAML_MAX_WEIGHT)
		fatal(c, loc_of(ev->start_mark),
		    "aliases expand the document beyond %d nodes; refusing "
		    "it without expanding",
		    NR_YAML_MAX_WEIGHT);
	return !c->stop;
}

int nr_yaml_compose(
    struct nr_ydoc *doc, const char *text, size_t len, struct nr_diags *diags)
{
	struct composer c;
	yaml_parser_t parser;
	yaml_event_t ev;
	bool done = false;

	memset(doc, 0, sizeof(*doc));
	memset(&c, 0, sizeof(c));
	c.doc = doc;
	c.diags = diags;
	c.text = text;
	c.len = len;
	if (!yaml_parser_initialize(&parser))
		abort();
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
	while (!done) {
		if (!yaml_parser_parse(&parser, &ev)) {
			parser_error(&c, &parser);
			break;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		if (!step(&c, &ev))
			done = true;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	/* collections left open after an error are owned by doc->all */
	for (int i = 0; i < c.depth; i++)
		free(c.pending[i]);
	for (size_t i = 0; i < c.nanchors; i++)
		free(c.anchors[i].name);
	free(c.anchors);
	if (c.failed)
		return NR_ECONFIG;
	if (!doc->root ||
	    (doc->root->kind == NR_Y_SCALAR && doc->root->type == NR_YT_NULL)) {
		nr_diag_error(diags, (struct nr_loc){ 0, 0 },
		    "empty document (expected a mapping with 'version: 1')");
		return NR_ECONFIG;
	}
	return 0;
}

void nr_ydoc_release(struct nr_ydoc *doc)
{
	for (size_t i = 0; i < doc->nall; i++) {
		free(doc->all[i]->val);
		free(doc->all[i]->items);
		free(doc->all[i]);
	}
	free(doc->all);
	memset(doc, 0, sizeof(*doc));
}

const char *nr_ytype_name(enum nr_ytype t)
{
	switch (t) {
	case NR_YT_NULL: return "null";
	case NR_YT_BOOL: return "a boolean";
	case NR_YT_INT: return "an integer";
	case NR_YT_FLOAT: return "a number";
	default: return "a string";
	}
}

const char *nr_ynode_what(const struct nr_ynode *n)
{
	if (n->kind == NR_Y_MAP)
		return "a mapping";
	if (n->kind == NR_Y_SEQ)
		return "a list";
	return nr_ytype_name(n->type);
}
