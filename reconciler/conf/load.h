/* load: network.yaml text -> struct nr_config, with every problem of the
 * file reported (schema errors, then cross-checks) in `diags`. */
#ifndef NR_LOAD_H
#define NR_LOAD_H

#include <stddef.h>

#include "conf/config.h"
#include "lib/diag.h"

#define NR_CONFIG_MAX_BYTES (16u << 20)

/* Loads `text` (`len` bytes, NUL-terminated at text[len]). Returns 0 when there is no error (warnings may be in
 * `diags`), NR_ECONFIG otherwise; `cfg` is filled as far as it could be
 * either way and must be released with nr_config_release. */
int nr_config_load(struct nr_config *cfg, const char *text, size_t len,
    struct nr_diags *diags);
void nr_config_release(struct nr_config *cfg);

/* Cross-checks between keys (check.c); called by nr_config_load. */
void nr_config_check(const struct nr_config *cfg, struct nr_diags *diags);

#endif
