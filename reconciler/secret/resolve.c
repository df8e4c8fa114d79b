/* resolve: secret references to values, and their digests. */
#include "secret/resolve.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/buf.h"
#include "lib/fsutil.h"
#include "lib/mem.h"
#include "lib/run.h"
#include "secret/ref.h"

static const char *const scheme_names[] = { "op", "pass", "env", "file" };

static void wipe(void *p, size_t n)
{
	if (p)
		explicit_bzero(p, n);
}

/* Runs a secret manager; its stdout (without the final newline) is the
 * value. stderr is not passed on: it might hold the value. */
static int from_program(struct nr_secret *s, const char *const *argv,
    bool first_line, struct nr_err *err)
{
	struct nr_run_result res;
	struct nr_err e = NR_ERR_INIT;
	int rc = nr_run(&res, argv, NULL, &e);

	if (rc == 0 && res.status != 0)
		rc = nr_err_set(err, NR_ENOTFOUND,
		    "secret '%s': '%s' exited "
		    "with status %d",
		    s->ref, argv[0], res.status);
	else if (rc < 0)
		rc = nr_err_set(
		    err, NR_EEXTERNAL, "secret '%s': %s", s->ref, e.msg);
	if (rc == 0) {
		size_t n = first_line ? strcspn(res.out.s, "\n") : res.out.len;

		while (n && res.out.s[n - 1] == '\n')
			n--;
		s->value = nr_strndup(res.out.s, n);
		s->len = n;
	}
	wipe(res.out.s, res.out.len);
	nr_run_result_release(&res);
	return rc;
}

static int from_file(struct nr_secret *s, const char *path, struct nr_err *err)
{
	struct stat st;
	size_t len;

	if (stat(path, &st) != 0)
		return nr_err_sys(err, "secret '%s'", s->ref);
	if (st.st_mode & 077)
		return nr_err_set(err, NR_EINVAL,
		    "secret '%s': the file is "
		    "readable by others (mode %04o); chmod 600 it",
		    s->ref, (unsigned)(st.st_mode & 07777));
	if (nr_file_read(&s->value, &len, path, 1 << 20, err) < 0)
		return NR_EIO;
	while (len && s->value[len - 1] == '\n')
		s->value[--len] = '\0';
	s->len = len;
	return 0;
}

static int resolve_one(
    struct nr_secret *s, const struct nr_secret_ref *r, struct nr_err *err)
{
	switch (r->scheme) {
	case NR_SECRET_OP: {
		const char *argv[] = { "op", "read", "--no-newline", s->ref,
			NULL };

		return from_program(s, argv, false, err);
	}
	case NR_SECRET_PASS: {
		const char *argv[] = { "pass", "show", r->arg, NULL };

		return from_program(s, argv, true, err);
	}
	case NR_SECRET_ENV: {
		const char *v = getenv(r->arg);

		if (!v)
			return nr_err_set(err, NR_ENOTFOUND,
			    "secret '%s': the "
			    "environment variable is not set",
			    s->ref);
		s->value = nr_strdup(v);
		s->len = strlen(v);
		return 0;
	}
	case NR_SECRET_FILE: return from_file(s, r->arg, err);
	}
	return nr_err_set(
	    err, NR_EINVAL, "secret '%s': unknown scheme", s->ref);
}

static const struct nr_secret *find(const struct nr_secrets *s, const char *ref)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].ref, ref) == 0)
			return &s->v[i];
	return NULL;
}

static char *ref_name(const struct nr_secret_ref *r)
{
	return nr_asprintf("%s:%s", scheme_names[r->scheme], r->arg);
}

int nr_secrets_resolve(
    struct nr_secrets *out, const char *text, struct nr_err *err)
{
	struct nr_secret_ref r;
	char why[256];
	size_t pos = 0;
	int found;

	memset(out, 0, sizeof(*out));
	while (
	    (found = nr_secret_next(text, &pos, &r, why, sizeof(why))) != 0) {
		struct nr_secret *s;
		char *name;

		if (found < 0) {
			nr_secrets_wipe(out);
			return nr_err_set(err, NR_EINVAL, "%s", why);
		}
		name = ref_name(&r);
		if (find(out, name)) {
			free(name);
			continue;
		}
		s = NR_PUSH(out->v, out->n, out->cap);
		s->ref = name;
		if (resolve_one(s, &r, err) < 0) {
			nr_secrets_wipe(out);
			return NR_ENOTFOUND;
		}
	}
	return 0;
}

char *nr_secrets_fill(const char *text, const struct nr_secrets *s)
{
	struct nr_buf b = NR_BUF_INIT;
	struct nr_secret_ref r;
	char why[256];
	size_t pos = 0, last = 0;

	while (nr_secret_next(text, &pos, &r, why, sizeof(why)) > 0) {
		char *name = ref_name(&r);
		const struct nr_secret *v = find(s, name);

		nr_buf_add(&b, text + last, r.off - last);
		if (v)
			nr_buf_add(&b, v->value, v->len);
		else
			nr_buf_add(&b, text + r.off, r.len);
		last = r.off + r.len;
		free(name);
	}
	nr_buf_adds(&b, text + last);
	return nr_buf_detach(&b);
}

void nr_secret_free_text(char *text)
{
	if (text)
		wipe(text, strlen(text));
	free(text);
}

void nr_secrets_wipe(struct nr_secrets *s)
{
	for (size_t i = 0; i < s->n; i++) {
		wipe(s->v[i].value, s->v[i].len);
		free(s->v[i].value);
		free(s->v[i].ref);
	}
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static int load_key(
    unsigned char key[32], const char *state_dir, struct nr_err *err)
{
	char *path = nr_asprintf("%s/secret.key", state_dir);
	char *data = NULL;
	size_t len = 0;
	int rc = nr_file_read(&data, &len, path, 64, err);

	if (rc == NR_ENOTFOUND) {
		if (RAND_bytes(key, 32) != 1)
			rc = nr_err_set(err, NR_EEXTERNAL,
			    "no random bytes for "
			    "the secret digest key");
		else
			rc = nr_file_replace(
			    path, key, 32, 0600, (uid_t)-1, (gid_t)-1, err);
	} else if (rc == 0 && len != 32) {
		rc = nr_err_set(err, NR_EINVAL,
		    "'%s' is not a netrec key "
		    "(32 bytes)",
		    path);
	} else if (rc == 0) {
		memcpy(key, data, 32);
	}
	wipe(data, len);
	free(data);
	free(path);
	return rc;
}

int nr_secret_digest(char out[65], const char *state_dir, const void *data,
    size_t len, struct nr_err *err)
{
	unsigned char key[32], md[32];
	unsigned int mdlen = 0;

	if (load_key(key, state_dir, err) < 0)
		return NR_EIO;
	HMAC(EVP_sha256(), key, sizeof(key), data, len, md, &mdlen);
	wipe(key, sizeof(key));
	for (size_t i = 0; i < mdlen; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	return 0;
}
