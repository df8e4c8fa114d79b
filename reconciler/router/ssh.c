/* ssh: libssh session, host key check, exec and SFTP. */
#include "router/ssh.h"
#include "lib/clock.h"

#include <fcntl.h>
#include <libssh/libssh.h>
#include <libssh/sftp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "lib/mem.h"

struct nr_ssh {
	ssh_session session;
	int timeout_ms;
	char *where; /* "user@host:port" for messages */
};

static int ssh_fail(struct nr_ssh *s, struct nr_err *err, const char *what)
{
	return nr_err_set(err, NR_EEXTERNAL, "%s %s: %s", what, s->where,
	    ssh_get_error(s->session));
}

/* The server key's SHA256 fingerprint. Caller frees. */
static char *fingerprint(ssh_session session)
{
	ssh_key key = NULL;
	unsigned char *hash = NULL;
	size_t hlen = 0;
	char *fp = NULL, *out;

	if (ssh_get_server_publickey(session, &key) == SSH_OK &&
	    ssh_get_publickey_hash(
		key, SSH_PUBLICKEY_HASH_SHA256, &hash, &hlen) == 0)
		fp = ssh_get_fingerprint_hash(
		    SSH_PUBLICKEY_HASH_SHA256, hash, hlen);
	out = nr_strdup(fp ? fp : "(unknown)");
	ssh_string_free_char(fp);
	ssh_clean_pubkey_hash(&hash);
	ssh_key_free(key);
	return out;
}

static int check_host_key(
    struct nr_ssh *s, const struct nr_ssh_opts *o, struct nr_err *err)
{
	enum ssh_known_hosts_e state = ssh_session_is_known_server(s->session);
	char *fp;
	int rc = 0;

	if (state == SSH_KNOWN_HOSTS_OK)
		return 0;
	fp = fingerprint(s->session);
	switch (state) {
	case SSH_KNOWN_HOSTS_CHANGED:
	case SSH_KNOWN_HOSTS_OTHER:
		rc = nr_err_set(err, NR_EINVAL,
		    "REFUSED: the host key of %s CHANGED (now %s); this may be "
		    "an attack, or a reinstalled router. Check it on the "
		    "router's console; only then remove the old line from '%s'",
		    s->where, fp, o->known_hosts);
		break;
	case SSH_KNOWN_HOSTS_UNKNOWN:
	case SSH_KNOWN_HOSTS_NOT_FOUND:
		rc = nr_err_set(err, NR_EINVAL,
		    "refused: the host key of %s is not in '%s' (fingerprint "
		    "%s). Compare it with the router's console, then trust it "
		    "with: ssh-keyscan -p %d %s >> %s",
		    s->where, o->known_hosts, fp, o->port, o->host,
		    o->known_hosts);
		break;
	default: rc = ssh_fail(s, err, "cannot check the host key of"); break;
	}
	free(fp);
	return rc;
}

/* A private key others can read is refused, as ssh(1) does. */
static int check_key_file(const char *path, struct nr_err *err)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return nr_err_sys(err, "cannot read the SSH key '%s'", path);
	if (st.st_mode & 077)
		return nr_err_set(err, NR_EINVAL,
		    "the SSH key '%s' is readable "
		    "by others (mode %04o): chmod 600 it",
		    path, (unsigned)(st.st_mode & 07777));
	return 0;
}

int nr_ssh_open(
    struct nr_ssh **out, const struct nr_ssh_opts *o, struct nr_err *err)
{
	struct nr_ssh *s = nr_calloc(1, sizeof(*s));
	char *login = nr_asprintf("%s+ct", o->user);
	long timeout_s;
	ssh_key key = NULL;
	bool f = false;
	int rc = 0;

	s->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : 30000;
	timeout_s = (s->timeout_ms + 999) / 1000;
	s->where = nr_asprintf("%s@%s:%d", o->user, o->host, o->port);
	if (check_key_file(o->key, err) < 0) {
		rc = NR_EINVAL;
		goto out;
	}
	s->session = ssh_new();
	if (!s->session)
		abort();
	ssh_options_set(s->session, SSH_OPTIONS_PROCESS_CONFIG, &f);
	ssh_options_set(s->session, SSH_OPTIONS_HOST, o->host);
	ssh_options_set(s->session, SSH_OPTIONS_PORT, &o->port);
	ssh_options_set(s->session, SSH_OPTIONS_USER, login);
	ssh_options_set(s->session, SSH_OPTIONS_KNOWNHOSTS, o->known_hosts);
	ssh_options_set(s->session, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null");
	ssh_options_set(s->session, SSH_OPTIONS_TIMEOUT, &timeout_s);
	if (ssh_connect(s->session) != SSH_OK) {
		rc = ssh_fail(s, err, "cannot connect to");
		goto out;
	}
	if (check_host_key(s, o, err) < 0) {
		rc = NR_EINVAL;
		goto out;
	}
	if (ssh_pki_import_privkey_file(o->key, NULL, NULL, NULL, &key) !=
	    SSH_OK) {
		rc = nr_err_set(
		    err, NR_EINVAL, "cannot load the SSH key '%s'", o->key);
		goto out;
	}
	if (ssh_userauth_publickey(s->session, NULL, key) != SSH_AUTH_SUCCESS) {
		rc = nr_err_set(err, NR_EINVAL,
		    "%s refused the key '%s' (is "
		    "its public half in /user ssh-keys for %s?)",
		    s->where, o->key, o->user);
		goto out;
	}
out:
	ssh_key_free(key);
	free(login);
	if (rc < 0) {
		nr_ssh_close(s);
		return rc;
	}
	*out = s;
	return 0;
}

void nr_ssh_close(struct nr_ssh *s)
{
	if (!s)
		return;
	if (s->session) {
		ssh_disconnect(s->session);
		ssh_free(s->session);
	}
	free(s->where);
	free(s);
}

/* Appends `n` bytes, dropping the CR of each CRLF. */
static void add_lf(struct nr_buf *out, const char *p, size_t n, bool *cr)
{
	for (size_t i = 0; i < n; i++) {
		if (*cr && p[i] != '\n')
			nr_buf_addch(out, '\r');
		*cr = p[i] == '\r';
		if (!*cr)
			nr_buf_addch(out, p[i]);
	}
}

int nr_ssh_exec(
    struct nr_ssh *s, const char *cmd, struct nr_buf *out, struct nr_err *err)
{
	ssh_channel ch = ssh_channel_new(s->session);
	long long end = nr_now_ms() + s->timeout_ms;
	char buf[8192];
	bool cr = false;
	int rc = 0;

	if (!ch || ssh_channel_open_session(ch) != SSH_OK ||
	    ssh_channel_request_exec(ch, cmd) != SSH_OK) {
		rc = ssh_fail(s, err, "cannot run a command on");
		goto out;
	}
	while (!ssh_channel_is_eof(ch)) {
		int left = (int)(end - nr_now_ms());
		int n;

		if (left <= 0) {
			rc = nr_err_set(err, NR_EEXTERNAL,
			    "%s: '%.60s' timed out "
			    "after %d s",
			    s->where, cmd, s->timeout_ms / 1000);
			goto out;
		}
		n = ssh_channel_read_timeout(
		    ch, buf, sizeof(buf), 0, left < 1000 ? left : 1000);
		if (n == SSH_ERROR) {
			rc = ssh_fail(s, err, "the connection dropped:");
			goto out;
		}
		if (n > 0)
			add_lf(out, buf, (size_t)n, &cr);
		/* stderr, interleaved as the router would show it */
		n = ssh_channel_read_nonblocking(ch, buf, sizeof(buf), 1);
		if (n > 0)
			add_lf(out, buf, (size_t)n, &cr);
	}
	if (cr)
		nr_buf_addch(out, '\r');
out:
	if (ch) {
		ssh_channel_send_eof(ch);
		ssh_channel_close(ch);
		ssh_channel_free(ch);
	}
	return rc;
}

int nr_ssh_upload(struct nr_ssh *s, const char *name, const void *data,
    size_t len, struct nr_err *err)
{
	sftp_session sftp = sftp_new(s->session);
	sftp_file f = NULL;
	const char *p = data;
	int rc = 0;

	if (!sftp || sftp_init(sftp) != SSH_OK) {
		rc = ssh_fail(s, err, "cannot start SFTP on");
		goto out;
	}
	f = sftp_open(sftp, name, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (!f) {
		rc = ssh_fail(s, err, "cannot create the upload on");
		goto out;
	}
	while (len > 0) {
		ssize_t n = sftp_write(f, p, len > 32768 ? 32768 : len);

		if (n <= 0) {
			rc = ssh_fail(s, err, "upload failed to");
			goto out;
		}
		p += n;
		len -= (size_t)n;
	}
out:
	if (f && sftp_close(f) != SSH_NO_ERROR && rc == 0)
		rc = ssh_fail(s, err, "upload failed to");
	if (sftp)
		sftp_free(sftp);
	return rc;
}
