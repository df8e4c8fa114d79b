/* lock: state/lock serialises applies (flock). The holder writes "pid N
 * since T" into it, so the one that waits can say who holds it. */
#ifndef NR_LOCK_H
#define NR_LOCK_H

#include "lib/err.h"

struct nr_lock {
	int fd; /* -1 when not held */
};

/* Takes the lock, waiting up to `timeout_ms` (0: fail at once). When it is
 * held elsewhere, fails with "state is locked by pid N since T", or, when
 * pid N no longer runs, "locked by another process; the pid recorded (N)
 * is no longer running". Creates the state folder (0700) and the lock
 * file (0600) when missing. */
int nr_lock_acquire(struct nr_lock *l, const char *state_dir, int timeout_ms,
    struct nr_err *err);
void nr_lock_release(struct nr_lock *l);

#endif
