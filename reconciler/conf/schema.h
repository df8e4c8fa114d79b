/* schema: the one description of network.yaml. The loader, the defaults,
 * the memory release and `netrec schema` (JSON Schema) all read these
 * tables; nothing else knows the keys. */
#ifndef NR_SCHEMA_H
#define NR_SCHEMA_H

#include <stddef.h>

enum nr_stype {
	NR_S_STR, /* struct nr_val (text; enum index in num) */
	NR_S_INT, /* struct nr_val (num) */
	NR_S_BOOL, /* struct nr_val (num 0/1) */
	NR_S_OBJ, /* a nested struct starting with struct nr_obj */
	NR_S_LIST, /* NR_LIST of objects (obj) or nr_vals (item) */
	NR_S_ALL_OR_LIST /* struct nr_all_or_list */
};

/* A string format: the check behind a JSON Schema pattern. */
struct nr_format {
	const char *pattern; /* JSON Schema regex, or NULL */
	/* Checks `in`. On success returns NULL, may set *norm (allocated) to
	 * the normalised text and *num to the value's number. On failure
	 * returns the reason, written into why[whylen]. */
	const char *(*parse)(const char *in, char **norm, long long *num,
	    char *why, size_t whylen);
};

struct nr_object;

struct nr_field {
	const char *key;
	enum nr_stype type;
	size_t off; /* offset in the parent struct */
	int required;
	const char *doc;
	const char *def; /* default, as YAML text */
	const struct nr_format *fmt; /* NR_S_STR, list items */
	const char *const *enums; /* NR_S_STR: allowed words */
	long long min, max; /* NR_S_INT (min < max to apply) */
	const struct nr_object *obj; /* NR_S_OBJ, lists of objects */
	size_t elem_size; /* lists of objects */
	const char *example; /* for docs and the JSON Schema */
};

struct nr_object {
	const char *doc;
	size_t size;
	const struct nr_field *fields; /* ends with key == NULL */
	int exactly_one; /* exactly one of the keys is given */
};

extern const struct nr_object nr_schema_root;

/* formats shared by the tables and the cross-checks */
extern const struct nr_format nr_fmt_pci_slot, nr_fmt_pci_id, nr_fmt_memory,
    nr_fmt_duration, nr_fmt_hostport, nr_fmt_filemode, nr_fmt_abspath,
    nr_fmt_path, nr_fmt_name, nr_fmt_unix_name, nr_fmt_owner, nr_fmt_package,
    nr_fmt_word, nr_fmt_host, nr_fmt_driver, nr_fmt_hostfwd;

#endif
