/* ctx: everything a command may reach the system through. No globals:
 * options, verbosity and (later) the runner and SSH session live here, so
 * tests can point a command at a sandbox. */
#ifndef NR_CTX_H
#define NR_CTX_H

#include <stdbool.h>
#include <stdio.h>

struct nr_ctx {
	const char *file; /* network.yaml path (-f) */
	const char *repo; /* --repo: read network.yaml from git */
	const char *rev; /* --rev, default HEAD when --repo is given */
	const char *root; /* prefix for every host path */
	const char *sysfs; /* sysfs PCI tree for libpci */
	const char *state_dir; /* journal, lock, digests */
	bool json;
	bool color; /* colour on stdout */
	bool color_err; /* colour on stderr */
	int verbosity; /* <0 quiet, 0 normal, >0 verbose */
	const char *backup_dir; /* set by apply: STATE/backup/<seq> */
	bool secrets; /* set by apply while it plans: resolve the
	                         * secret references (a plan never does) */
	FILE *out;
	FILE *errf;
};

/* Progress for long steps, on stderr (so --json output stays clean);
 * nothing with -q. */
void nr_say(const struct nr_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
