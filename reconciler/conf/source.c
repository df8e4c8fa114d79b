/* source: reading network.yaml from a file or a git commit. */
#include "conf/source.h"

#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/load.h"
#include "lib/buf.h"
#include "lib/mem.h"

static int too_big(struct nr_err *err, const char *name, size_t n)
{
	return nr_err_set(err, NR_EINVAL,
	    "'%s' is larger than 16 MiB (%zu "
	    "bytes or more)",
	    name, n);
}

int nr_source_file(struct nr_source *out, const char *path, struct nr_err *err)
{
	struct nr_buf b = NR_BUF_INIT;
	bool is_stdin = strcmp(path, "-") == 0;
	int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char chunk[65536];
	ssize_t n;
	int rc = 0;

	if (fd < 0)
		return nr_err_sys(err, "cannot open '%s'", path);
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		rc = nr_err_set(err, NR_EINVAL, "'%s' is a directory", path);
		goto out;
	}
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = nr_err_sys(err, "cannot read '%s'", path);
			goto out;
		}
		nr_buf_add(&b, chunk, (size_t)n);
		if (b.len > NR_CONFIG_MAX_BYTES) {
			rc = too_big(err, path, b.len);
			goto out;
		}
	}
	memset(out, 0, sizeof(*out));
	out->name = nr_strdup(is_stdin ? "<stdin>" : path);
	out->len = b.len;
	out->data = nr_buf_detach(&b);
out:
	nr_buf_release(&b);
	if (!is_stdin)
		close(fd);
	return rc;
}

static int git_fail(struct nr_err *err, const char *what)
{
	const git_error *e = git_error_last();

	return nr_err_set(err, NR_EEXTERNAL, "%s: %s", what,
	    e && e->message ? e->message : "unknown libgit2 error");
}

/* In a pre-receive hook the pushed objects wait in a quarantine. */
static int add_quarantine(git_repository *repo)
{
	if (!getenv("GIT_QUARANTINE_PATH"))
		return 0;
	git_odb *odb = NULL;
	int rc = git_repository_odb(&odb, repo);

	if (rc == 0)
		rc = git_odb_add_disk_alternate(
		    odb, getenv("GIT_QUARANTINE_PATH"));
	git_odb_free(odb);
	return rc;
}

int nr_git_open(git_repository **out, const char *path)
{
	git_repository *repo = NULL;

	if (git_repository_open_ext(
		&repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0)
		return -1;
	if (add_quarantine(repo) < 0) {
		git_repository_free(repo);
		return -1;
	}
	*out = repo;
	return 0;
}

int nr_source_git(struct nr_source *out, const char *repo_path, const char *rev,
    const char *path, struct nr_err *err)
{
	git_repository *repo = NULL;
	git_object *obj = NULL;
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	git_tree_entry *entry = NULL;
	git_blob *blob = NULL;
	char *what = NULL;
	int rc = 0;

	git_libgit2_init();
	if (nr_git_open(&repo, repo_path) < 0) {
		rc = nr_err_set(
		    err, NR_EINVAL, "'%s' is not a git repository", repo_path);
		goto out;
	}
	if (git_revparse_single(&obj, repo, rev) < 0) {
		rc = nr_err_set(err, NR_ENOTFOUND,
		    "unknown revision '%s' in "
		    "'%s'",
		    rev, repo_path);
		goto out;
	}
	if (git_object_peel((git_object **)&commit, obj, GIT_OBJECT_COMMIT) <
	    0) {
		rc = nr_err_set(
		    err, NR_EINVAL, "revision '%s' is not a commit", rev);
		goto out;
	}
	if (git_commit_tree(&tree, commit) < 0) {
		rc = git_fail(err, "cannot read the commit's tree");
		goto out;
	}
	if (git_tree_entry_bypath(&entry, tree, path) < 0 ||
	    git_tree_entry_type(entry) != GIT_OBJECT_BLOB) {
		rc = nr_err_set(err, NR_ENOTFOUND,
		    "commit %.12s ('%s') has no "
		    "file '%s'",
		    git_oid_tostr_s(git_commit_id(commit)), rev, path);
		goto out;
	}
	if (git_blob_lookup(&blob, repo, git_tree_entry_id(entry)) < 0) {
		what = nr_asprintf("cannot read '%s' at '%s'", path, rev);
		rc = git_fail(err, what);
		goto out;
	}
	if ((size_t)git_blob_rawsize(blob) > NR_CONFIG_MAX_BYTES) {
		what = nr_asprintf("%s:%s", rev, path);
		rc = too_big(err, what, (size_t)git_blob_rawsize(blob));
		goto out;
	}
	memset(out, 0, sizeof(*out));
	out->len = (size_t)git_blob_rawsize(blob);
	out->data = nr_malloc(out->len + 1);
	memcpy(out->data, git_blob_rawcontent(blob), out->len);
	out->data[out->len] = '\0';
	out->name = nr_asprintf("%s:%s", rev, path);
	git_oid_tostr(out->commit, sizeof(out->commit), git_commit_id(commit));
out:
	free(what);
	git_blob_free(blob);
	git_tree_entry_free(entry);
	git_tree_free(tree);
	git_commit_free(commit);
	git_object_free(obj);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return rc;
}

void nr_source_release(struct nr_source *s)
{
	free(s->name);
	free(s->data);
	memset(s, 0, sizeof(*s));
}
