/* pending: the post-actions an apply still owes (see pending.h). */
#include "state/pending.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/fsutil.h"
#include "lib/mem.h"

#define PENDING_NAME "pending"

int nr_pending_load(
    struct nr_pending *p, const char *state_dir, struct nr_err *err)
{
	char *path = nr_asprintf("%s/" PENDING_NAME, state_dir);
	char *text = NULL;
	size_t len = 0;
	int rc = nr_file_read(&text, &len, path, 0, err);

	memset(p, 0, sizeof(*p));
	if (rc == NR_ENOTFOUND)
		rc = 0;
	for (const char *s = text; rc == 0 && s && s < text + len;) {
		const char *nl = memchr(s, '\n', (size_t)(text + len - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(text + len - s);
		char *name = nr_strndup(s, n);

		if (n)
			nr_pending_add(p, name);
		free(name);
		s += n + (nl != NULL);
	}
	free(text);
	free(path);
	return rc;
}

bool nr_pending_has(const struct nr_pending *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->v[i], name) == 0)
			return true;
	return false;
}

bool nr_pending_add(struct nr_pending *p, const char *name)
{
	if (nr_pending_has(p, name))
		return false;
	*NR_PUSH(p->v, p->n, p->cap) = nr_strdup(name);
	return true;
}

bool nr_pending_remove(struct nr_pending *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++) {
		if (strcmp(p->v[i], name) != 0)
			continue;
		free(p->v[i]);
		memmove(&p->v[i], &p->v[i + 1], (p->n - i - 1) * sizeof(*p->v));
		p->n--;
		return true;
	}
	return false;
}

int nr_pending_save(
    const struct nr_pending *p, const char *state_dir, struct nr_err *err)
{
	char *path = nr_asprintf("%s/" PENDING_NAME, state_dir);
	struct nr_buf b = NR_BUF_INIT;
	int rc = 0;

	for (size_t i = 0; i < p->n; i++)
		nr_buf_addf(&b, "%s\n", p->v[i]);
	if (p->n)
		rc = nr_file_replace(
		    path, b.s, b.len, 0600, (uid_t)-1, (gid_t)-1, err);
	else if (unlink(path) < 0 && errno != ENOENT)
		rc = nr_err_sys(err, "cannot remove '%s'", path);
	nr_buf_release(&b);
	free(path);
	return rc;
}

void nr_pending_release(struct nr_pending *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i]);
	free(p->v);
	memset(p, 0, sizeof(*p));
}
