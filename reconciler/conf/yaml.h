/* yaml: compose a YAML text into a small node tree with positions, using
 * libyaml's event parser.
 *
 * The composer, not libyaml, decides what is acceptable: one document, a
 * bounded depth, and aliases resolved by reference (never copied) with the
 * expanded size counted as the tree is built, so a "billion laughs"
 * document is refused after a handful of events instead of being expanded.
 * Plain scalars are resolved with YAML 1.2's core schema (the schema
 * yaml-language-server and the JSON Schema assume). */
#ifndef NR_YAML_H
#define NR_YAML_H

#include <stddef.h>

#include "lib/diag.h"

enum nr_ykind { NR_Y_SCALAR, NR_Y_SEQ, NR_Y_MAP };

/* What a scalar resolves to. Quoted and block scalars are strings. */
enum nr_ytype { NR_YT_NULL, NR_YT_BOOL, NR_YT_INT, NR_YT_FLOAT, NR_YT_STR };

struct nr_ynode {
	enum nr_ykind kind;
	struct nr_loc loc;
	/* scalars */
	enum nr_ytype type;
	char *val;
	size_t len;
	int block; /* a literal block scalar: lines map 1:1 */
	struct nr_loc body; /* where the scalar's text starts (after a
	                         * quote; a block's first line and indent) */
	/* sequences: items[i]; mappings: items[2i] key, items[2i+1] value */
	struct nr_ynode **items;
	size_t n, cap;
	size_t weight; /* nodes after expanding aliases */
};

struct nr_ydoc {
	struct nr_ynode *root;
	struct nr_ynode **all; /* every node, for freeing (aliases share) */
	size_t nall, capall;
};

/* Limits on hostile input. */
#define NR_YAML_MAX_DEPTH 64
#define NR_YAML_MAX_WEIGHT 100000

/* Composes `text` into `doc`. Problems go to `diags`; returns 0 when the
 * text is one well-formed document within the limits, else NR_ECONFIG. */
int nr_yaml_compose(
    struct nr_ydoc *doc, const char *text, size_t len, struct nr_diags *diags);
void nr_ydoc_release(struct nr_ydoc *doc);

/* Mapping helpers. */
static inline size_t nr_ymap_len(const struct nr_ynode *m)
{
	return m->n / 2;
}

const char *nr_ytype_name(enum nr_ytype t);
/* "a mapping", "a list", "a string", "an integer", ... */
const char *nr_ynode_what(const struct nr_ynode *n);

#endif
