/* ssh: the router transport over libssh. Key authentication only; the
 * router's host key must be in the declared known_hosts (an unknown key is
 * refused with its fingerprint and the one command that trusts it; a
 * changed key is refused loudly); the login name carries RouterOS's "+ct"
 * suffix so that it prints plain text; one exec channel per command with a
 * timeout; CRLF turned into LF; uploads over SFTP from memory. */
#ifndef NR_SSH_H
#define NR_SSH_H

#include <stddef.h>

#include "lib/buf.h"
#include "lib/err.h"

struct nr_ssh_opts {
	const char *host;
	int port;
	const char *user; /* without the suffix */
	const char *key; /* private key file */
	const char *known_hosts;
	int timeout_ms; /* connect and per command; 0: 30 s */
};

struct nr_ssh;

/* Connects, checks the host key, authenticates. */
int nr_ssh_open(
    struct nr_ssh **out, const struct nr_ssh_opts *o, struct nr_err *err);
void nr_ssh_close(struct nr_ssh *s);

/* Runs one command on its own channel; `out` gets stdout (and stderr) with
 * CRLF as LF. RouterOS exits 0 even when a command fails: the text tells. */
int nr_ssh_exec(
    struct nr_ssh *s, const char *cmd, struct nr_buf *out, struct nr_err *err);

/* Writes `data` to the file `name` in the router's file store. */
int nr_ssh_upload(struct nr_ssh *s, const char *name, const void *data,
    size_t len, struct nr_err *err);

#endif
