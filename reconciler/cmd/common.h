/* common: steps several commands share: reading network.yaml from the
 * file or git source the global options name, printing JSON. */
#ifndef NR_CMD_COMMON_H
#define NR_CMD_COMMON_H

#include <jansson.h>

#include "conf/config.h"
#include "conf/load.h"
#include "conf/source.h"
#include "lib/ctx.h"
#include "lib/diag.h"

/* Reads the source (-f, or --repo/--rev) and loads it. Diagnostics are
 * left in `diags` for the caller to print with nr_cmd_print_diags.
 * Returns 0, NR_ECONFIG (diags hold the errors) or another NR_E code
 * (the source could not be read; printed already). */
int nr_cmd_load(struct nr_ctx *ctx, struct nr_source *src,
    struct nr_config *cfg, struct nr_diags *diags);
void nr_cmd_print_diags(struct nr_ctx *ctx, const struct nr_source *src,
    const struct nr_diags *diags);
/* Prints a JSON value (stable key order, two-space indent) and a newline;
 * steals the reference. */
void nr_cmd_print_json(struct nr_ctx *ctx, json_t *v);
/* Parses --target ("host", "vm", "router", comma-separated; NULL: all)
 * into NR_LAYER_* bits; returns -1 (printed) on a bad word. */
int nr_cmd_targets(struct nr_ctx *ctx, const char *arg, unsigned *out);
/* Loads network.yaml and prints its diagnostics; returns 0 or an exit
 * code (1) when it is not valid. */
int nr_cmd_load_valid(
    struct nr_ctx *ctx, struct nr_source *src, struct nr_config *cfg);
/* Parses the value of option `name` as a whole number from `min` to
 * `max`; an absent option leaves *out alone. Returns -1 (printed) when it
 * is not one. */
int nr_cmd_number(struct nr_ctx *ctx, const char *name, const char *arg,
    long min, long max, long *out);
/* "netrec: message" on stderr. */
void nr_cmd_error(struct nr_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
