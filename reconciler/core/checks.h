/* checks: the post-apply health checks of `checks`. Every probe is tried
 * each round until all pass in the same round or checks.timeout ends.
 * Probes: tcp (a connect to host:port), command (an argv that must exit
 * 0, through the process runner). */
#ifndef NR_CHECKS_H
#define NR_CHECKS_H

#include "conf/config.h"
#include "lib/buf.h"
#include "lib/ctx.h"

/* Returns 0 when all probes passed, or -1 with the failing probes and
 * their last error in `why`. No probes: 0 at once. */
int nr_checks_run(
    struct nr_ctx *ctx, const struct nr_checks *checks, struct nr_buf *why);

#endif
