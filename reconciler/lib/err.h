/* err: error codes and the error record every fallible call fills.
 *
 * Library code never prints: it returns a negative NR_E... code and leaves
 * the message in a `struct nr_err`; the command that called it decides how
 * to show it. A lower layer's message is never overwritten: nr_err_set on
 * an error that is already set keeps the first message. */
#ifndef NR_ERR_H
#define NR_ERR_H

enum {
	NR_OK = 0,
	NR_EINVAL = -1, /* bad input (a file, an argument) */
	NR_EIO = -2, /* a system call failed */
	NR_ENOTFOUND = -3,
	NR_EUNSUPPORTED = -4,
	NR_ECONFIG = -5, /* the configuration has errors (see nr_diags) */
	NR_EEXTERNAL = -6 /* a library or program reported a failure */
};

struct nr_err {
	int code;
	int sys_errno;
	char msg[1024];
};

#define NR_ERR_INIT      \
	{                \
		0, 0, "" \
	}

/* Records the error (unless one is already recorded) and returns `code`,
 * so callers write `return nr_err_set(err, NR_EIO, "...")`. */
int nr_err_set(struct nr_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* As nr_err_set, appending ": strerror(errno)". */
int nr_err_sys(struct nr_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void nr_err_clear(struct nr_err *err);

#endif
