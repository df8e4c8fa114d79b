/* run: the one way netrec starts a program. fork + execvp with an argv
 * array (found on PATH, so tests can put recorded stand-ins first), never
 * a shell; output captured; a timeout; no inherited descriptors beyond
 * stdin/stdout/stderr. */
#ifndef NR_RUN_H
#define NR_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/buf.h"
#include "lib/err.h"

struct nr_run_opts {
	int timeout_ms; /* 0: 10 minutes */
	const char *input; /* written to the child's stdin, or NULL */
	size_t input_len;
	const char *cwd; /* or NULL */
};

struct nr_run_result {
	int status; /* exit code; 128+N when killed by signal N */
	bool timed_out;
	struct nr_buf out; /* captured stdout */
	struct nr_buf err; /* captured stderr */
};

/* Runs argv[0] with `argv` (NULL-terminated). Returns 0 when the program
 * ran (whatever its exit status: see res->status), or an NR_E code when it
 * could not be started or waited for: NR_ENOTFOUND when it is not on PATH
 * (res->status 127), NR_EEXTERNAL when it timed out (res->timed_out set,
 * res->status and the output as the kill left them). `res` is always
 * initialised and must be released with nr_run_result_release. */
int nr_run(struct nr_run_result *res, const char *const *argv,
    const struct nr_run_opts *opts, struct nr_err *err);
void nr_run_result_release(struct nr_run_result *res);
/* Runs argv with the default options; a non-zero exit status is an error
 * carrying the program's stderr (its first 400 bytes). */
int nr_run_checked(const char *const *argv, struct nr_err *err);
/* "update-grub", "useradd -r -s /usr/sbin/nologin qemu": argv as one line
 * for messages and plans (words with spaces are quoted). Caller frees. */
char *nr_argv_str(const char *const *argv);

#endif
