/* parse: the RouterOS lexer and command parser. Physical lines are first
 * joined into logical lines (a line ending in an odd number of backslashes
 * continues on the next, whose leading spaces are dropped), keeping a map
 * back to the physical line and column for every diagnostic. */
#include "routeros/parse.h"

#include <stdlib.h>
#include <string.h>

#include "lib/arena.h"
#include "lib/buf.h"
#include "lib/err.h"
#include "lib/mem.h"
#include "routeros/intern.h"

struct seg {
	size_t off; /* offset in the logical text */
	int line, col; /* where that byte is in the source */
};

struct lx {
	const char *s; /* logical text */
	size_t len, p;
	struct seg *segs; /* the map of a joined text; none for a plain one */
	size_t nsegs, csegs, lastseg;
	/* a plain text (read in place): its lines are counted as the parser
	 * goes, `line` starting at `line_off` */
	bool plain;
	int line;
	size_t line_off;
	struct nr_diags *diags;
	/* where the commands' strings and arrays live: a streaming parse
	 * gives them back after each command, a whole script with it */
	struct nr_arena *mem;
	struct nr_buf val; /* a value as it is read */
	struct nr_buf path; /* the menu words of a command */
	/* the last path met: its words and the path (lines of an export
	 * repeat it) */
	struct nr_buf last_words;
	const char *last_path;
	/* keys met lately, by their place in a command: commands in a row
	 * mostly name the same keys in the same order */
	const char *keys[16];
	size_t keylen[16];
	bool failed; /* the current command had an error */
	const char *unsupported;
};

/* ---- memory ---- */

static void *mem_alloc(struct lx *lx, size_t size)
{
	return nr_arena_alloc(lx->mem, size);
}

static char *mem_strndup(struct lx *lx, const char *s, size_t n)
{
	char *p = mem_alloc(lx, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static void *mem_zalloc(struct lx *lx, size_t size)
{
	void *p = mem_alloc(lx, size);

	memset(p, 0, size);
	return p;
}

/* Like NR_PUSH, in the arena (an outgrown array stays there unused
 * until the command's memory goes). */
static void *mem_push(
    struct lx *lx, void *vp, size_t *n, size_t *cap, size_t size)
{
	char **v = vp;
	char *slot;

	if (!*v || *n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 4;
		char *nv = mem_alloc(lx, ncap * size);

		if (*v && *n)
			memcpy(nv, *v, *n * size);
		*v = nv;
		*cap = ncap;
	}
	slot = *v + *n * size;
	memset(slot, 0, size);
	(*n)++;
	return slot;
}

#define MEM_PUSH(lx, v, n, cap) \
	((__typeof__(v))mem_push((lx), &(v), &(n), &(cap), sizeof(*(v))))

/* ---- logical lines ---- */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static void build_logical(
    struct lx *lx, struct nr_buf *out, const char *text, size_t len)
{
	size_t i = 0;
	int line = 1;
	bool cont = false;

	nr_buf_grow(out, len + 1); /* at most as long as the text, and a \n */
	while (i < len) {
		size_t eol, end, start = i, nb = 0;
		bool comment = false, next;
		struct seg *g;

		{
			const char *nl = memchr(text + i, '\n', len - i);

			eol = nl ? (size_t)(nl - text) : len;
		}
		end = eol;
		if (end > i && text[end - 1] == '\r')
			end--;
		if (cont) {
			while (start < end &&
			    (text[start] == ' ' || text[start] == '\t'))
				start++;
		} else {
			size_t k = start;

			while (k < end && (text[k] == ' ' || text[k] == '\t'))
				k++;
			comment = k < end && text[k] == '#';
		}
		while (end - nb > start && text[end - 1 - nb] == '\\')
			nb++;
		next = !comment && nb % 2 == 1;
		g = NR_PUSH(lx->segs, lx->nsegs, lx->csegs);
		g->off = out->len;
		g->line = line;
		g->col = (int)(start - i) + 1;
		nr_buf_add(out, text + start, end - start - (next ? 1 : 0));
		if (!next)
			nr_buf_addch(out, '\n');
		cont = next;
		line++;
		i = eol + 1;
	}
}

/* Is `text` its own logical text: every line ends in LF (no CR), none
 * continues on the next? An export over SFTP or from a file mostly is;
 * then the text is read in place, without a joined copy. */
static bool plain_lines(const char *text, size_t len)
{
	const char *end = text + len, *p = text;

	if (!len || text[len - 1] != '\n' || memchr(text, '\r', len))
		return false;
	/* a backslash at a line's end (exports have few backslashes) */
	while ((p = memchr(p, '\\', (size_t)(end - p))) && ++p < end)
		if (*p == '\n')
			return false;
	return true;
}

/* Where `off` is in a plain text: offsets mostly grow, so the count
 * goes on from the last line met (from the start when it goes back). */
static struct nr_loc plain_loc(struct lx *lx, size_t off)
{
	const char *nl;
	struct nr_loc l;

	if (off < lx->line_off) {
		lx->line = 1;
		lx->line_off = 0;
	}
	while ((nl = memchr(lx->s + lx->line_off, '\n', off - lx->line_off))) {
		lx->line++;
		lx->line_off = (size_t)(nl - lx->s) + 1;
	}
	l.line = lx->line;
	l.col = (int)(off - lx->line_off) + 1;
	return l;
}

static struct nr_loc loc_at(struct lx *lx, size_t off)
{
	size_t lo = 0, hi = lx->nsegs;
	struct nr_loc l = { 1, 1 };

	if (lx->plain)
		return plain_loc(lx, off);
	if (!lx->nsegs)
		return l;
	/* offsets mostly grow: look near the last one first */
	if (lx->lastseg < lx->nsegs && lx->segs[lx->lastseg].off <= off) {
		lo = lx->lastseg;
		while (lo + 1 < lx->nsegs && lx->segs[lo + 1].off <= off &&
		    lo - lx->lastseg < 4)
			lo++;
		if (lo + 1 == lx->nsegs || lx->segs[lo + 1].off > off)
			hi = lo + 1;
	}
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (lx->segs[mid].off <= off)
			lo = mid;
		else
			hi = mid;
	}
	lx->lastseg = lo;
	l.line = lx->segs[lo].line;
	l.col = lx->segs[lo].col + (int)(off - lx->segs[lo].off);
	return l;
}

__attribute__((format(printf, 3, 4))) static void lx_error(
    struct lx *lx, size_t off, const char *fmt, ...)
{
	va_list ap;

	if (lx->failed)
		return; /* one error per command: the rest is noise */
	lx->failed = true;
	va_start(ap, fmt);
	nr_diag_vadd(lx->diags, loc_at(lx, off), NR_SEV_ERROR, fmt, ap);
	va_end(ap);
}

/* ---- characters and tokens ---- */

static char cur(const struct lx *lx)
{
	return lx->p < lx->len ? lx->s[lx->p] : '\0';
}

static bool at_end(const struct lx *lx)
{
	return lx->p >= lx->len;
}

static void skip_blank(struct lx *lx)
{
	while (!at_end(lx) && is_blank(lx->s[lx->p]))
		lx->p++;
}

/* End of command: end of the logical line or `;`. */
static bool at_eoc(const struct lx *lx)
{
	return at_end(lx) || cur(lx) == '\n' || cur(lx) == ';';
}

/* Byte classes, one table for the lexer's loops. */
enum {
	C_KEY = 1, /* in a property name: letters, digits, - _ . */
	C_MENU = 2, /* in a menu word: lower-case letters, digits, - */
	C_NAME = 4, /* in a variable's name: letters, digits, _ */
	C_PLAIN = 8 /* copied as it is inside a bare value */
};

/* Bytes not listed are not plain: a blank, an end of command, a quote,
 * a bracket, a backslash, `$` and NUL. */
static const unsigned char cls[256] = {
	[1 ... 8] = C_PLAIN,
	[11 ... 12] = C_PLAIN,
	[14 ... 31] = C_PLAIN,
	['!'] = C_PLAIN,
	['#'] = C_PLAIN,
	['%' ... '\''] = C_PLAIN,
	['*' ... ','] = C_PLAIN,
	['-'] = C_PLAIN | C_KEY | C_MENU,
	['.'] = C_PLAIN | C_KEY,
	['/'] = C_PLAIN,
	['0' ... '9'] = C_PLAIN | C_KEY | C_MENU | C_NAME,
	[':'] = C_PLAIN,
	['<' ... '@'] = C_PLAIN,
	['A' ... 'Z'] = C_PLAIN | C_KEY | C_NAME,
	['^'] = C_PLAIN,
	['_'] = C_PLAIN | C_KEY | C_NAME,
	['`'] = C_PLAIN,
	['a' ... 'z'] = C_PLAIN | C_KEY | C_MENU | C_NAME,
	['|'] = C_PLAIN,
	['~' ... 255] = C_PLAIN,
};

static bool key_char(char c)
{
	return cls[(unsigned char)c] & C_KEY;
}

static bool menu_char(char c)
{
	return cls[(unsigned char)c] & C_MENU;
}

static bool name_char(char c)
{
	return cls[(unsigned char)c] & C_NAME;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes the escape at lx->p (on the backslash) into `b`. */
static bool decode_escape(struct lx *lx, struct nr_buf *b)
{
	size_t at = lx->p;
	char c = lx->p + 1 < lx->len ? lx->s[lx->p + 1] : '\0';
	const char *simple = "\"\"\\\\$$??_ a\ab\bf\fn\nr\rt\tv\v";

	if (lx->p + 2 < lx->len && hexval(c) >= 0 &&
	    hexval(lx->s[lx->p + 2]) >= 0) {
		int v = hexval(c) * 16 + hexval(lx->s[lx->p + 2]);

		if (v == 0) {
			lx_error(lx, at,
			    "NUL byte (\\00) in a value is not "
			    "supported");
			return false;
		}
		nr_buf_addch(b, (char)v);
		lx->p += 3;
		return true;
	}
	for (const char *e = simple; *e; e += 2) {
		if (c && *e == c) {
			nr_buf_addch(b, e[1]);
			lx->p += 2;
			return true;
		}
	}
	if (c == '\n' || !c)
		lx_error(lx, at, "syntax error (backslash at end of line)");
	else
		lx_error(lx, at, "syntax error (unknown escape '\\%c')", c);
	return false;
}

/* A `$` starts a variable when a name or a bracket follows it. */
static bool dollar_var(const struct lx *lx)
{
	char n = lx->p + 1 < lx->len ? lx->s[lx->p + 1] : '\0';

	return name_char(n) || n == '(' || n == '[' || n == '{' || n == '"';
}

static void mark_unsupported(struct lx *lx, const char *why)
{
	if (!lx->unsupported)
		lx->unsupported = why;
}

/* Empties `b` with room for the rest of the logical line, which a value
 * read from here cannot outgrow (decoding only shortens): `b` is never
 * moved while it fills, so no unwiped copy of a secret is left behind
 * (a smaller old buffer is wiped). */
static void value_room(const struct lx *lx, struct nr_buf *b)
{
	const char *nl = memchr(lx->s + lx->p, '\n', lx->len - lx->p);
	size_t most = (nl ? (size_t)(nl - lx->s) : lx->len) - lx->p;

	if (b->cap < most + 1) {
		nr_buf_wipe(b);
		nr_buf_grow(b, most);
	}
	nr_buf_reset(b);
}

/* A quoted string at lx->p (on the quote); appends its bytes to `b`. */
static bool read_quoted(struct lx *lx, struct nr_buf *b)
{
	size_t start = lx->p;

	lx->p++;
	for (;;) {
		char c = cur(lx);

		if (at_end(lx) || c == '\n') {
			lx_error(
			    lx, start, "syntax error (unterminated string)");
			return false;
		}
		if (c == '"') {
			lx->p++;
			return true;
		}
		if (c == '\\') {
			if (!decode_escape(lx, b))
				return false;
			continue;
		}
		if (c == '\0') {
			lx_error(lx, lx->p, "NUL byte in a value");
			return false;
		}
		if (c == '$' && dollar_var(lx))
			mark_unsupported(lx, "variable");
		nr_buf_addch(b, c);
		lx->p++;
	}
}

/* Skips a balanced ( ) [ ] { } construct starting at lx->p, strings
 * included; for expressions and blocks kept opaque. */
static bool skip_balanced(struct lx *lx)
{
	size_t start = lx->p;
	int depth = 0;

	do {
		char c = cur(lx);

		if (at_end(lx)) {
			lx_error(lx, start, "syntax error (unbalanced '%c')",
			    lx->s[start]);
			return false;
		}
		if (c == '"') {
			struct nr_buf tmp = NR_BUF_INIT;
			bool ok;

			value_room(lx, &tmp);
			ok = read_quoted(lx, &tmp);
			nr_buf_wipe(&tmp);
			if (!ok)
				return false;
			continue;
		}
		if (c == '\\' && lx->p + 1 < lx->len) {
			lx->p += 2;
			continue;
		}
		if (c == '#' && depth > 0) {
			/* a comment line inside a block */
			size_t k = lx->p;

			while (k > 0 && is_blank(lx->s[k - 1]))
				k--;
			if (k == 0 || lx->s[k - 1] == '\n' ||
			    lx->s[k - 1] == '{' || lx->s[k - 1] == ';') {
				while (!at_end(lx) && cur(lx) != '\n')
					lx->p++;
				continue;
			}
		}
		if (c == '(' || c == '[' || c == '{')
			depth++;
		else if (c == ')' || c == ']' || c == '}')
			depth--;
		lx->p++;
	} while (depth > 0);
	return true;
}

enum {
	V_QUOTED = 1, /* some part was quoted */
	V_STOP_BRACKET = 2 /* a bare part also ends at `]` (inside find) */
};

/* A byte read_value copies as it is. */
static bool plain_byte(char c)
{
	return cls[(unsigned char)c] & C_PLAIN;
}

/* A value: bare and quoted parts run together up to a blank or the end
 * of the command. Returns the decoded bytes or NULL after an error. */
static char *read_value(struct lx *lx, unsigned *flags)
{
	struct nr_buf *b = &lx->val;
	size_t e = lx->p;

	/* most values are one plain run: copied at once */
	while (e < lx->len && plain_byte(lx->s[e]))
		e++;
	if (e > lx->p &&
	    (e == lx->len || is_blank(lx->s[e]) || lx->s[e] == '\n' ||
		lx->s[e] == ';' ||
		(lx->s[e] == ']' && (*flags & V_STOP_BRACKET)))) {
		char *v = mem_strndup(lx, lx->s + lx->p, e - lx->p);

		lx->p = e;
		return v;
	}
	value_room(lx, b);
	for (;;) {
		char c = cur(lx);

		if (at_eoc(lx) || is_blank(c))
			break;
		if (c == '"') {
			*flags |= V_QUOTED;
			if (!read_quoted(lx, b))
				goto fail;
			continue;
		}
		if (c == ']' && (*flags & V_STOP_BRACKET))
			break;
		if (c == '(' || c == '{' || c == '[') {
			mark_unsupported(lx, "expression");
			if (!skip_balanced(lx))
				goto fail;
			continue;
		}
		if (c == ')' || c == '}' || c == ']') {
			lx_error(lx, lx->p, "expected end of command");
			goto fail;
		}
		if (c == '\\') {
			if (!decode_escape(lx, b))
				goto fail;
			continue;
		}
		if (c == '\0') {
			lx_error(lx, lx->p, "NUL byte in a value");
			goto fail;
		}
		if (c == '$' && dollar_var(lx))
			mark_unsupported(lx, "variable");
		/* a run of plain bytes at once */
		for (e = lx->p + 1; e < lx->len && plain_byte(lx->s[e]);)
			e++;
		nr_buf_add(b, lx->s + lx->p, e - lx->p);
		lx->p = e;
	}
	return mem_strndup(lx, b->s ? b->s : "", b->len);
fail:
	return NULL;
}

/* The key at lx->p, interned; `place` is where it stands in its command
 * (which cached key to try first). */
static const char *read_key(struct lx *lx, size_t place)
{
	size_t s = lx->p, k = place % NR_ARRAY_SIZE(lx->keys), n;

	while (!at_end(lx) && key_char(cur(lx)))
		lx->p++;
	n = lx->p - s;
	if (!lx->keys[k] || lx->keylen[k] != n ||
	    memcmp(lx->keys[k], lx->s + s, n) != 0) {
		lx->keys[k] = nr_ros_intern_n(lx->s + s, n);
		lx->keylen[k] = n;
	}
	return lx->keys[k];
}

/* True when a key followed by `=` starts at lx->p. */
static bool at_keyval(const struct lx *lx)
{
	size_t k = lx->p;

	while (k < lx->len && key_char(lx->s[k]))
		k++;
	return k > lx->p && k < lx->len && lx->s[k] == '=';
}

/* ---- selectors ---- */

/* `val` (in the command's memory) as positional references: one, or a
 * comma list when `split`. */
static void add_refs(
    struct lx *lx, struct nr_ros_sel *sel, char *val, bool split)
{
	sel->kind = NR_ROS_SEL_REFS;
	if (!split) {
		*MEM_PUSH(lx, sel->refs, sel->nrefs, sel->crefs) = val;
		return;
	}
	for (const char *p = val; *p;) {
		size_t n = strcspn(p, ",");

		if (n)
			*MEM_PUSH(lx, sel->refs, sel->nrefs, sel->crefs) =
			    mem_strndup(lx, p, n);
		p += n + (p[n] == ',');
	}
}

static bool word_is(const struct lx *lx, const char *w)
{
	size_t n = strlen(w);

	return lx->p + n <= lx->len && memcmp(lx->s + lx->p, w, n) == 0 &&
	    (lx->p + n == lx->len || !key_char(lx->s[lx->p + n]));
}

/* `[ find [where] cond... ]` at lx->p (on the bracket). Anything else in
 * brackets is an expression: skipped and marked unsupported. */
static bool read_find(struct lx *lx, struct nr_ros_sel *sel)
{
	size_t start = lx->p;

	sel->kind = NR_ROS_SEL_FIND;
	sel->loc = loc_at(lx, start);
	lx->p++;
	skip_blank(lx);
	if (!word_is(lx, "find")) {
		lx->p = start;
		mark_unsupported(lx, "expression");
		return skip_balanced(lx);
	}
	lx->p += 4;
	for (;;) {
		struct nr_ros_cond *c;
		unsigned fl = V_STOP_BRACKET;
		bool neg = false;

		skip_blank(lx);
		if (at_end(lx) || cur(lx) == '\n') {
			lx_error(lx, start, "syntax error (unterminated '[')");
			return false;
		}
		if (cur(lx) == ']') {
			lx->p++;
			return true;
		}
		if (word_is(lx, "where") || word_is(lx, "and")) {
			lx->p += word_is(lx, "and") ? 3 : 5;
			continue;
		}
		if (cur(lx) == '!' && lx->p + 1 < lx->len &&
		    key_char(lx->s[lx->p + 1])) {
			neg = true;
			lx->p++;
		}
		if (!key_char(cur(lx))) {
			/* operators, parentheses: not a plain filter */
			lx->p = start;
			mark_unsupported(lx, "expression");
			return skip_balanced(lx);
		}
		c = MEM_PUSH(lx, sel->conds, sel->nconds, sel->cconds);
		c->key = read_key(lx, sel->nconds + 8);
		c->neg = neg;
		if (neg)
			continue;
		if (cur(lx) == '!' && lx->p + 1 < lx->len &&
		    lx->s[lx->p + 1] == '=') {
			c->neg = true;
			lx->p++;
		}
		if (cur(lx) == '=') {
			lx->p++;
			c->val = read_value(lx, &fl);
			if (!c->val)
				return false;
		} else if (!is_blank(cur(lx)) && cur(lx) != ']') {
			lx->p = start;
			mark_unsupported(lx, "expression");
			return skip_balanced(lx);
		}
	}
}

/* ---- commands ---- */

static const struct {
	const char *word;
	enum nr_ros_verb verb;
} verbs[] = {
	{ "add", NR_ROS_ADD },
	{ "set", NR_ROS_SET },
	{ "remove", NR_ROS_REMOVE },
	{ "move", NR_ROS_MOVE },
	{ "enable", NR_ROS_ENABLE },
	{ "disable", NR_ROS_DISABLE },
	{ "unset", NR_ROS_UNSET },
	{ "print", NR_ROS_OTHER },
	{ "export", NR_ROS_OTHER },
	{ "import", NR_ROS_OTHER },
	{ "find", NR_ROS_OTHER },
	{ "get", NR_ROS_OTHER },
	{ "edit", NR_ROS_OTHER },
	{ "comment", NR_ROS_OTHER },
	{ "reset-counters", NR_ROS_OTHER },
	{ "reset-counters-all", NR_ROS_OTHER },
};

const char *nr_ros_verb_name(enum nr_ros_verb v)
{
	for (size_t i = 0; i < NR_ARRAY_SIZE(verbs); i++)
		if (verbs[i].verb == v && v != NR_ROS_OTHER)
			return verbs[i].word;
	return v == NR_ROS_HEADER ? "header"
	    : v == NR_ROS_SCRIPT  ? "script"
				  : "other";
}

static int verb_of(const char *w, size_t n)
{
	/* the lengths of the words above: most menu words are ruled out
	 * at once */
	static unsigned lengths;

	if (!lengths)
		for (size_t i = 0; i < NR_ARRAY_SIZE(verbs); i++)
			lengths |= 1u << strlen(verbs[i].word);
	if (n >= 32 || !(lengths & 1u << n))
		return -1;
	for (size_t i = 0; i < NR_ARRAY_SIZE(verbs); i++)
		if (verbs[i].word[0] == w[0] && strlen(verbs[i].word) == n &&
		    memcmp(verbs[i].word, w, n) == 0)
			return (int)verbs[i].verb;
	return -1;
}

void nr_ros_script_release(struct nr_ros_script *s)
{
	if (s->mem) {
		nr_arena_release(s->mem);
		free(s->mem);
	}
	free(s->v);
	free(s->version);
	memset(s, 0, sizeof(*s));
}

const struct nr_ros_arg *nr_ros_cmd_arg(
    const struct nr_ros_cmd *c, const char *key)
{
	/* keys are interned: the first byte rules most of them out */
	for (size_t i = c->nargs; i-- > 0;)
		if (c->args[i].key == key ||
		    (c->args[i].key[0] == key[0] &&
			strcmp(c->args[i].key, key) == 0))
			return &c->args[i];
	return NULL;
}

/* The argument `key` (interned) read at `at`; NULL after an error. */
static struct nr_ros_arg *push_arg(struct lx *lx, struct nr_ros_cmd *c,
    const char *key, const char *prev, size_t at)
{
	struct nr_ros_arg *a;

	/* a property's name never starts with a dot: only the short form
	 * of a dotted name does */
	if (key[0] == '.' && !(prev && strchr(prev, '.')) &&
	    (c->verb == NR_ROS_ADD || c->verb == NR_ROS_SET)) {
		lx_error(lx, at,
		    "syntax error (a name starting with '.' must follow a "
		    "dotted name)");
		return NULL;
	}
	a = MEM_PUSH(lx, c->args, c->nargs, c->cargs);
	/* ".role" after "local.address" is "local.role" */
	if (key[0] == '.' && prev && strchr(prev, '.')) {
		const char *dot = strrchr(prev, '.');
		struct nr_buf full = NR_BUF_INIT;

		nr_buf_add(&full, prev, (size_t)(dot - prev));
		nr_buf_adds(&full, key);
		a->key = nr_ros_intern(full.s);
		nr_buf_release(&full);
	} else {
		a->key = key;
	}
	a->loc = loc_at(lx, at);
	return a;
}

/* A word that can be a flag property: a lower-case name. */
static bool is_flag_word(const char *w)
{
	if (!(*w >= 'a' && *w <= 'z'))
		return false;
	for (; *w; w++)
		if (!((*w >= 'a' && *w <= 'z') || (*w >= '0' && *w <= '9') ||
			*w == '-'))
			return false;
	return true;
}

/* The arguments after the command word, up to the end of the command. */
static bool read_args(struct lx *lx, struct nr_ros_cmd *c)
{
	const char *prev = NULL;

	for (;;) {
		size_t at;

		skip_blank(lx);
		if (at_eoc(lx))
			return true;
		at = lx->p;
		if (cur(lx) == '!' && lx->p + 1 < lx->len &&
		    key_char(lx->s[lx->p + 1])) {
			/* verbose export: `!key` = the property is unset */
			struct nr_ros_arg *a;

			lx->p++;
			a = push_arg(lx, c, read_key(lx, c->nargs), prev, at);
			if (!a)
				return false;
			prev = a->key;
			if (!at_eoc(lx) && !is_blank(cur(lx))) {
				lx_error(lx, lx->p, "expected end of command");
				return false;
			}
			continue;
		}
		if (at_keyval(lx)) {
			struct nr_ros_arg *a;
			unsigned fl = 0;

			a = push_arg(lx, c, read_key(lx, c->nargs), prev, at);
			if (!a)
				return false;
			prev = a->key;
			lx->p++; /* '=' */
			if (cur(lx) == '[') {
				size_t b = lx->p;

				a->sel = mem_zalloc(lx, sizeof(*a->sel));
				if (!read_find(lx, a->sel))
					return false;
				if (a->sel->kind != NR_ROS_SEL_FIND ||
				    lx->unsupported) {
					a->val = mem_strndup(
					    lx, lx->s + b, lx->p - b);
				}
				continue;
			}
			a->val = read_value(lx, &fl);
			if (!a->val)
				return false;
			continue;
		}
		if (cur(lx) == '[' && c->sel.kind == NR_ROS_SEL_NONE) {
			if (!read_find(lx, &c->sel))
				return false;
			continue;
		}
		if (cur(lx) == '$' || cur(lx) == '(' || cur(lx) == '{' ||
		    cur(lx) == '[') {
			if (cur(lx) == '$') {
				unsigned fl = 0;
				char *v;

				mark_unsupported(lx, "variable");
				v = read_value(lx, &fl);
				if (!v)
					return false;
				continue;
			}
			mark_unsupported(lx, "expression");
			if (!skip_balanced(lx))
				return false;
			continue;
		}
		{
			/* a positional word */
			unsigned fl = 0;
			size_t vat = lx->p;
			char *v = read_value(lx, &fl);

			if (!v)
				return false;
			if (lx->p == vat) {
				lx_error(lx, lx->p, "expected end of command");
				return false;
			}
			if (!(fl & V_QUOTED) && is_flag_word(v) &&
			    (c->verb == NR_ROS_ADD ||
				(c->verb == NR_ROS_SET &&
				    c->sel.kind != NR_ROS_SEL_NONE))) {
				/* `add blackhole gateway=x`: a flag */
				struct nr_ros_arg *a = push_arg(
				    lx, c, nr_ros_intern(v), prev, vat);

				if (!a)
					return false;
				a->flag = true;
				prev = a->key;
			} else if (c->sel.kind == NR_ROS_SEL_NONE) {
				c->sel.loc = loc_at(lx, vat);
				add_refs(lx, &c->sel, v, !(fl & V_QUOTED));
			} else {
				*MEM_PUSH(lx, c->pos, c->npos, c->cpos) = v;
			}
		}
	}
}

/* `numbers=` is the selector in its long form (not for `add`). */
static void numbers_arg(struct lx *lx, struct nr_ros_cmd *c)
{
	for (size_t i = 0; i < c->nargs; i++) {
		struct nr_ros_arg *a = &c->args[i];

		if (strcmp(a->key, "numbers") != 0 ||
		    c->sel.kind != NR_ROS_SEL_NONE)
			continue;
		if (a->sel && a->sel->kind == NR_ROS_SEL_FIND) {
			c->sel = *a->sel;
		} else if (a->val) {
			c->sel.loc = a->loc;
			add_refs(lx, &c->sel, a->val, true);
		}
		memmove(a, a + 1, (c->nargs - i - 1) * sizeof(*a));
		c->nargs--;
		return;
	}
}

/* Reads the menu words after a leading '/'; returns the verb index or -1
 * (a header line or a command named by the last word). */
static int read_path(struct lx *lx, struct nr_buf *path, char **word)
{
	size_t nwords = 0, last_start = 0, last_len = 0;

	nr_buf_reset(path);
	for (;;) {
		size_t s, n;
		int v;

		while (!at_end(lx) && (is_blank(cur(lx)) || cur(lx) == '/'))
			lx->p++;
		s = lx->p;
		while (!at_end(lx) && menu_char(cur(lx)))
			lx->p++;
		n = lx->p - s;
		if (!n ||
		    (!at_eoc(lx) && !is_blank(cur(lx)) && cur(lx) != '/')) {
			lx->p = s; /* an argument, not a menu word */
			break;
		}
		v = verb_of(lx->s + s, n);
		if (v >= 0) {
			*word = mem_strndup(lx, lx->s + s, n);
			return v;
		}
		if (nwords)
			nr_buf_addch(path, ' ');
		last_start = path->len;
		last_len = n;
		nr_buf_add(path, lx->s + s, n);
		nwords++;
		if (at_eoc(lx))
			break;
	}
	skip_blank(lx);
	if (at_eoc(lx) || !nwords)
		return -1;
	/* `/system reset-configuration x=y`: the last word is the command */
	*word = mem_strndup(lx, path->s + last_start, last_len);
	path->len = last_start ? last_start - 1 : 0;
	path->s[path->len] = '\0';
	return NR_ROS_OTHER;
}

/* The interned "/words". */
static const char *path_string(struct lx *lx, const char *words)
{
	struct nr_buf *last = &lx->last_words;
	size_t n = strlen(words);
	char buf[256];
	char *p;

	if (lx->last_path && last->len == n && memcmp(last->s, words, n) == 0)
		return lx->last_path;
	p = n + 2 <= sizeof(buf) ? buf : nr_malloc(n + 2);
	p[0] = '/';
	memcpy(p + 1, words, n + 1);
	lx->last_path = nr_ros_intern(p);
	if (p != buf)
		free(p);
	nr_buf_reset(last);
	nr_buf_add(last, words, n);
	return lx->last_path;
}

static void header_version(char **version, const char *line, size_t n)
{
	const char *tag = "by RouterOS ";
	const char *p;
	size_t k;

	if (*version)
		return;
	for (p = line; p + strlen(tag) <= line + n; p++)
		if (memcmp(p, tag, strlen(tag)) == 0)
			break;
	if (p + strlen(tag) > line + n)
		return;
	p += strlen(tag);
	for (k = 0; p + k < line + n && !is_blank(p[k]); k++)
		;
	if (k)
		*version = nr_strndup(p, k);
}

/* One statement at lx->p. `menu` is the current menu ("" at the root). */
static void parse_statement(struct lx *lx, struct nr_buf *menu,
    void (*fn)(struct nr_ros_cmd *, void *), void *arg)
{
	struct nr_ros_cmd c;
	size_t start = lx->p;
	bool keep = true;

	memset(&c, 0, sizeof(c));
	lx->failed = false;
	lx->unsupported = NULL;
	c.loc = loc_at(lx, start);
	if (cur(lx) == ':' || cur(lx) == '{' || cur(lx) == '$' ||
	    cur(lx) == '(' || cur(lx) == '[') {
		c.verb = NR_ROS_SCRIPT;
		c.path = path_string(lx, menu->s);
		lx->unsupported = "script command";
		while (!at_eoc(lx)) {
			if (strchr("{[(", cur(lx))) {
				if (!skip_balanced(lx))
					break;
			} else if (cur(lx) == '"') {
				struct nr_buf tmp = NR_BUF_INIT;
				bool ok;

				value_room(lx, &tmp);
				ok = read_quoted(lx, &tmp);
				nr_buf_wipe(&tmp);
				if (!ok)
					break;
			} else if (cur(lx) == '\\' && lx->p + 1 < lx->len) {
				lx->p += 2;
			} else {
				lx->p++;
			}
		}
		c.word = mem_strndup(
		    lx, lx->s + start, strcspn(lx->s + start, " \t\n;{"));
	} else if (cur(lx) == '/') {
		struct nr_buf *path = &lx->path;
		int v = read_path(lx, path, &c.word);

		if (v < 0 && !c.word) {
			/* a menu header line */
			skip_blank(lx);
			if (!at_eoc(lx)) {
				lx_error(lx, lx->p, "expected end of command");
			} else {
				nr_buf_reset(menu);
				nr_buf_add(menu, path->s, path->len);
			}
			c.verb = NR_ROS_HEADER;
			c.path = path_string(lx, path->s);
		} else {
			c.verb = (enum nr_ros_verb)v;
			c.path = path_string(lx, path->s);
			read_args(lx, &c);
		}
	} else if (cur(lx) == '}' || cur(lx) == ')' || cur(lx) == ']') {
		lx_error(lx, lx->p, "syntax error (unexpected '%c')", cur(lx));
	} else {
		size_t s = lx->p;
		int v;

		while (!at_end(lx) && key_char(cur(lx)))
			lx->p++;
		if (lx->p == s) {
			lx_error(
			    lx, s, "syntax error (unexpected '%c')", cur(lx));
		} else {
			v = verb_of(lx->s + s, lx->p - s);
			c.word = mem_strndup(lx, lx->s + s, lx->p - s);
			c.verb = v < 0 ? NR_ROS_OTHER : (enum nr_ros_verb)v;
			c.path = path_string(lx, menu->s);
			if (!at_eoc(lx) && !is_blank(cur(lx)))
				lx_error(lx, lx->p, "expected end of command");
			else
				read_args(lx, &c);
		}
	}
	if (lx->failed) {
		/* skip the rest of the logical line */
		while (!at_end(lx) && cur(lx) != '\n')
			lx->p++;
		keep = false;
	}
	if (keep) {
		if (c.verb != NR_ROS_ADD)
			numbers_arg(lx, &c);
		c.unsupported = lx->unsupported;
		if (c.verb == NR_ROS_OTHER && !c.unsupported)
			c.unsupported = "command";
		c.text = mem_strndup(lx, lx->s + start, lx->p - start);
		fn(&c, arg);
	}
}

/* Parses `text`, calling fn for each command; the commands' memory comes
 * from `mem`, and is given back after each command when `each`. */
static int parse_text(const char *text, size_t len, struct nr_diags *diags,
    char **version, struct nr_arena *mem, bool each,
    void (*fn)(struct nr_ros_cmd *c, void *arg), void *arg)
{
	struct nr_buf logical = NR_BUF_INIT, menu = NR_BUF_INIT;
	struct lx lx;
	size_t errors = diags->errors;

	memset(&lx, 0, sizeof(lx));
	lx.diags = diags;
	lx.mem = mem;
	nr_buf_init(&lx.val);
	nr_buf_init(&lx.path);
	nr_buf_init(&lx.last_words);
	if (plain_lines(text, len)) {
		lx.plain = true;
		lx.line = 1;
		lx.s = text;
		lx.len = len;
	} else {
		build_logical(&lx, &logical, text, len);
		lx.s = logical.s;
		lx.len = logical.len;
	}
	while (!at_end(&lx)) {
		skip_blank(&lx);
		if (at_end(&lx))
			break;
		if (cur(&lx) == '\n' || cur(&lx) == ';') {
			lx.p++;
			continue;
		}
		if (cur(&lx) == '#') {
			size_t s = lx.p;

			while (!at_end(&lx) && cur(&lx) != '\n')
				lx.p++;
			if (version)
				header_version(version, lx.s + s, lx.p - s);
			continue;
		}
		if (cur(&lx) == '\0') {
			lx.failed = false;
			lx_error(&lx, lx.p, "NUL byte in the text");
			while (!at_end(&lx) && cur(&lx) != '\n')
				lx.p++;
			continue;
		}
		{
			struct nr_arena_mark mark = nr_arena_mark(mem);

			parse_statement(&lx, &menu, fn, arg);
			if (each)
				nr_arena_reset(mem, mark);
		}
	}
	/* a router's export holds its secrets: copies of it are wiped, as
	 * the arena wipes what it gives back */
	free(lx.segs);
	nr_buf_wipe(&lx.val);
	nr_buf_release(&lx.path);
	nr_buf_release(&lx.last_words);
	nr_buf_wipe(&logical);
	nr_buf_release(&menu);
	return diags->errors > errors ? NR_ECONFIG : 0;
}

int nr_ros_parse_each(const char *text, size_t len, struct nr_diags *diags,
    char **version, void (*fn)(struct nr_ros_cmd *c, void *arg), void *arg)
{
	struct nr_arena mem = NR_ARENA_INIT;
	int rc = parse_text(text, len, diags, version, &mem, true, fn, arg);

	nr_arena_release(&mem);
	return rc;
}

static void push_cmd(struct nr_ros_cmd *c, void *arg)
{
	struct nr_ros_script *out = arg;

	*NR_PUSH(out->v, out->n, out->cap) = *c;
}

int nr_ros_parse(struct nr_ros_script *out, const char *text, size_t len,
    struct nr_diags *diags)
{
	memset(out, 0, sizeof(*out));
	out->mem = nr_calloc(1, sizeof(*out->mem));
	return parse_text(
	    text, len, diags, &out->version, out->mem, false, push_cmd, out);
}
