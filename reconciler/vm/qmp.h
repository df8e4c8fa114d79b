/* qmp: a QEMU Machine Protocol client over a unix socket, with jansson.
 * Connects, reads the greeting, negotiates capabilities, then runs one
 * command at a time; asynchronous events that arrive while waiting for a
 * reply are skipped (kept for the caller to look at). Every read has a
 * timeout; a socket that is missing, refuses, or closes (QEMU died) gives
 * a clear error naming the socket. */
#ifndef NR_QMP_H
#define NR_QMP_H

#include <jansson.h>
#include <stddef.h>

#include "lib/err.h"

struct nr_qmp {
	int fd;
	char *path;
	char *buf; /* bytes read but not yet parsed */
	size_t len, cap;
	json_t *events; /* array of events seen while waiting */
	int timeout_ms; /* per command; default 10 s */
};

/* Connects to `path` and negotiates (qmp_capabilities). A missing socket
 * is NR_ENOTFOUND. On failure `q` is left closed (nr_qmp_close is then
 * harmless); on success the caller closes it. */
int nr_qmp_open(
    struct nr_qmp *q, const char *path, int timeout_ms, struct nr_err *err);
void nr_qmp_close(struct nr_qmp *q);

/* Runs `command` with `args` (may be NULL; not stolen). On success *ret
 * gets the "return" value (a new reference; may be an empty object). A
 * QMP error reply becomes NR_EEXTERNAL with "qmp: CLASS: desc". */
int nr_qmp_exec(struct nr_qmp *q, json_t **ret, const char *command,
    json_t *args, struct nr_err *err);

/* Waits until an event named `name` arrives (or was already seen), up to
 * `timeout_ms`. Returns 0 when it came, NR_ENOTFOUND on timeout, or an
 * error when the connection drops (which, after a quit, is also how the
 * end of QEMU shows: pass name "SHUTDOWN" and treat a drop as done). After
 * a drop, from any call, q->fd is -1. */
int nr_qmp_wait_event(
    struct nr_qmp *q, const char *name, int timeout_ms, struct nr_err *err);

/* Parses one QMP message (a line of JSON) as the reader does: returns the
 * object, or NULL with the reason in err. Exposed for the fuzz target. */
json_t *nr_qmp_parse(const char *line, size_t len, struct nr_err *err);

#endif
