/* res-file: a file netrec keeps with exact content, mode and owner. Used
 * for the generated host files (driver denylist, kernel command line, udev
 * rules, chrony sources) and the user's host.files. Generated files start
 * with a "Managed by netrec" line naming the commit; that line alone
 * changing is not drift. */
#include "res/res-file.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/fsutil.h"
#include "lib/mem.h"
#include "lib/passwd.h"
#include "lib/udiff.h"
#include "state/backup.h"

struct have {
	bool exists;
	char *content;
	size_t len;
	mode_t mode;
	long uid, gid;
	long want_uid, want_gid; /* the declared owner, resolved in ROOT */
};

static void owner_split(const char *owner, char *user, char *group, size_t size)
{
	const char *colon = strchr(owner, ':');
	size_t n = colon ? (size_t)(colon - owner) : strlen(owner);

	snprintf(user, size, "%.*s", (int)n, owner);
	snprintf(group, size, "%s", colon ? colon + 1 : user);
}

static int observe(void **out, const struct nr_resource *r, struct nr_ctx *ctx,
    struct nr_err *err)
{
	const struct nr_file_want *w = r->want;
	struct have *h = nr_calloc(1, sizeof(*h));
	char *path = nr_rooted(ctx->root, w->path);
	struct nr_passwd pw;
	char user[64], group[64];
	struct stat st;
	int rc;

	rc = nr_file_read(&h->content, &h->len, path, 0, err);
	if (rc == 0 && stat(path, &st) == 0) {
		h->exists = true;
		h->mode = st.st_mode & 07777;
		h->uid = (long)st.st_uid;
		h->gid = (long)st.st_gid;
	} else if (rc == NR_ENOTFOUND) {
		rc = 0;
	}
	free(path);
	if (rc == 0 && w->owner) {
		rc = nr_passwd_load(&pw, ctx->root, err);
		if (rc == 0) {
			owner_split(w->owner, user, group, sizeof(user));
			h->want_uid = nr_passwd_uid(&pw, user);
			h->want_gid = nr_passwd_gid(&pw, group);
			nr_passwd_release(&pw);
		}
	}
	if (rc < 0) {
		free(h->content);
		free(h);
		return rc;
	}
	*out = h;
	return 0;
}

/* The content after netrec's header line, or NULL when it has none. */
static const char *body(const char *s, size_t len, size_t *blen)
{
	const char *nl;

	if (len < sizeof(NR_FILE_HEADER) - 1 ||
	    strncmp(s, NR_FILE_HEADER, sizeof(NR_FILE_HEADER) - 1) != 0 ||
	    !(nl = memchr(s, '\n', len)))
		return NULL;
	*blen = len - (size_t)(nl + 1 - s);
	return nl + 1;
}

/* A generated file's header may name another commit, but it must be
 * there: a file that lost it no longer says that netrec manages it. */
static bool same_content(const struct nr_file_want *w, const struct have *h)
{
	const char *wb, *hb;
	size_t wlen, hlen;

	if (w->generated && (wb = body(w->content, w->len, &wlen))) {
		hb = body(h->content, h->len, &hlen);
		return hb && hlen == wlen && memcmp(hb, wb, wlen) == 0;
	}
	return h->len == w->len && memcmp(h->content, w->content, w->len) == 0;
}

static void diff(struct nr_plan *plan, const struct nr_resource *r)
{
	const struct nr_file_want *w = r->want;
	const struct have *h = r->have;
	struct nr_buf why = NR_BUF_INIT;
	char *d;

	if (!w->content) {
		if (h->exists && w->generated) {
			d = nr_udiff(w->path, h->content, h->len, NULL, 0);
			nr_plan_add(plan, r, NR_ACT_DELETE, w->disruption, d,
			    "no longer declared");
			free(d);
		}
		return;
	}
	if (w->owner && (h->want_uid < 0 || h->want_gid < 0))
		nr_plan_note(plan, NR_NOTE_REFUSE, r->address,
		    "owner '%s' does not exist under the root", w->owner);
	if (!h->exists) {
		d = nr_udiff(w->path, NULL, 0, w->content, w->len);
		nr_plan_add(
		    plan, r, NR_ACT_CREATE, w->disruption, d, "missing");
		free(d);
		return;
	}
	if (!same_content(w, h))
		nr_buf_adds(&why, "content differs");
	if (h->mode != w->mode)
		nr_buf_addf(&why, "%smode %04o, want %04o", why.len ? "; " : "",
		    (unsigned)h->mode, (unsigned)w->mode);
	if (w->owner && h->want_uid >= 0 && h->want_gid >= 0 &&
	    (h->uid != h->want_uid || h->gid != h->want_gid))
		nr_buf_addf(&why, "%sowner %ld:%ld, want %s",
		    why.len ? "; " : "", h->uid, h->gid, w->owner);
	if (why.len) {
		d = same_content(w, h)
		    ? NULL
		    : nr_udiff(w->path, h->content, h->len, w->content, w->len);
		nr_plan_add(
		    plan, r, NR_ACT_UPDATE, w->disruption, d, "%s", why.s);
		free(d);
	}
	nr_buf_release(&why);
}

static int apply(
    const struct nr_change *c, struct nr_ctx *ctx, struct nr_err *err)
{
	const struct nr_file_want *w = c->res->want;
	const struct have *h = c->res->have;
	char *path = nr_rooted(ctx->root, w->path);
	int rc = 0;

	/* an earlier apply killed before its rename left a temporary file
	 * beside the target: this one, under the lock, removes it */
	nr_file_clean_temps(path);
	/* nothing netrec replaces is lost: the old content goes to state/ */
	if (h->exists)
		rc = nr_backup_save(ctx, w->path, h->content, h->len, err);
	if (rc == 0 && c->action == NR_ACT_DELETE) {
		if (unlink(path) != 0)
			rc = nr_err_sys(err, "cannot remove '%s'", path);
	} else if (rc == 0) {
		rc = nr_file_replace(path, w->content, w->len, w->mode,
		    w->owner ? (uid_t)h->want_uid : (uid_t)-1,
		    w->owner ? (gid_t)h->want_gid : (gid_t)-1, err);
	}
	free(path);
	return rc;
}

static json_t *live_json(const struct nr_resource *r)
{
	const struct have *h = r->have;
	char mode[8];

	if (!h->exists)
		return json_null();
	snprintf(mode, sizeof(mode), "%04o", (unsigned)h->mode);
	return json_pack("{s:s%, s:s, s:I, s:I}", "content", h->content, h->len,
	    "mode", mode, "uid", (json_int_t)h->uid, "gid", (json_int_t)h->gid);
}

static void free_want(void *p)
{
	struct nr_file_want *w = p;

	free(w->path);
	free(w->content);
	free(w->owner);
	free(w);
}

static void free_have(void *p)
{
	struct have *h = p;

	free(h->content);
	free(h);
}

const struct nr_resource_ops nr_res_file = {
	.kind = "host.file",
	.layer = NR_LAYER_HOST,
	.observe = observe,
	.diff = diff,
	.apply = apply,
	.live_json = live_json,
	.free_want = free_want,
	.free_have = free_have,
};
