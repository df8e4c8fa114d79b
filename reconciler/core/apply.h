/* apply: the pipeline's plan carried out under the lock, journaled from
 * begin to end, verified by planning again. */
#ifndef NR_APPLY_H
#define NR_APPLY_H

#include <jansson.h>
#include <stdbool.h>

#include "conf/config.h"
#include "conf/source.h"
#include "lib/ctx.h"

struct nr_apply_opts {
	unsigned targets; /* NR_LAYER_* */
	const char *planfile; /* apply exactly this saved plan, or NULL */
	bool yes; /* no question asked */
	bool allow_reboot;
	bool allow_restart;
	bool no_snapshot; /* skip the pre-apply VM disk snapshot */
	bool no_checks; /* skip the post-apply health checks */
	/* roll back on failed checks (off when the attempt is a rollback) */
	bool auto_rollback;
	/* a rollback: the commit it rolls away from (journaled, so that the
	 * hook does not apply it again) */
	const char *rolled_back_commit;
	/* rollback --disk: restore this disk snapshot first */
	const char *restore_snapshot;
	int lock_timeout_ms;
	const char *action; /* "apply" or "rollback" for the journal */
	const char *trigger; /* "cli", "hook", "auto" */
};

/* Plans and applies `cfg` (read from `src`). Prints the plan and the
 * progress; returns a CLI exit code (0 applied or nothing to do, 1 error
 * or refused). */
int nr_apply(struct nr_ctx *ctx, const struct nr_config *cfg,
    const struct nr_source *src, const struct nr_apply_opts *o);

/* Reads the network.yaml an earlier attempt applied (kept in the state
 * folder by digest); `begin` is that attempt's journal begin entry. */
int nr_apply_load_source(struct nr_source *out, const struct nr_ctx *ctx,
    json_t *begin, struct nr_err *err);

#endif
