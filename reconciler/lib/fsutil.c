/* fsutil: reading files, creating folders, and replacing files so that a
 * reader (or a crash) sees either the old content or the new, never a mix:
 * temporary file in the same folder, fsync, rename, fsync of the folder. */
#include "lib/fsutil.h"

#include "lib/crash.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/mem.h"

#define DEFAULT_MAX_READ ((size_t)64 << 20)
#define TMP_SUFFIX ".netrec-XXXXXX"

char *nr_rooted(const char *root, const char *path)
{
	size_t rlen = root ? strlen(root) : 0;

	while (rlen > 0 && root[rlen - 1] == '/')
		rlen--;
	if (rlen == 0) /* no root, "" or "/" */
		return nr_strdup(path);
	while (*path == '/')
		path++;
	if (!*path)
		return nr_strndup(root, rlen);
	return nr_asprintf("%.*s/%s", (int)rlen, root, path);
}

int nr_file_read(
    char **out, size_t *len, const char *path, size_t max, struct nr_err *err)
{
	struct nr_buf b = NR_BUF_INIT;
	struct stat st;
	int fd, rc = 0;

	if (!max)
		max = DEFAULT_MAX_READ;
	do {
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	} while (fd < 0 && errno == EINTR);
	if (fd < 0) {
		/* a file where a parent folder should be: no such file */
		if (errno == ENOENT || errno == ENOTDIR)
			return NR_ENOTFOUND;
		return nr_err_sys(err, "cannot read '%s'", path);
	}
	/* st_size is only a hint: /proc and /sys files report 0 */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
		size_t hint = (size_t)st.st_size;

		nr_buf_grow(&b, hint < max ? hint : max);
	}
	for (;;) {
		ssize_t n;

		nr_buf_grow(&b, 65536);
		n = read(fd, b.s + b.len, b.cap - b.len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = nr_err_sys(err, "cannot read '%s'", path);
			goto out;
		}
		if (n == 0)
			break;
		b.len += (size_t)n;
		b.s[b.len] = '\0';
		if (b.len > max) {
			rc = nr_err_set(err, NR_EIO,
			    "cannot read '%s': larger than %zu bytes", path,
			    max);
			goto out;
		}
	}
	if (len)
		*len = b.len;
	*out = nr_buf_detach(&b);
out:
	close(fd);
	nr_buf_release(&b);
	return rc;
}

/* mkdir that accepts an existing folder (also one created concurrently). */
static int mkdir_one(const char *path, mode_t mode, struct nr_err *err)
{
	struct stat st;

	if (mkdir(path, mode) == 0)
		return 0;
	if (errno == EEXIST) {
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			return 0;
		errno = ENOTDIR;
	}
	return nr_err_sys(err, "cannot create folder '%s'", path);
}

int nr_mkdir_p(const char *path, mode_t mode, struct nr_err *err)
{
	struct stat st;
	char *p;
	int rc = 0;

	if (!path || !*path)
		return nr_err_set(err, NR_EINVAL, "cannot create folder ''");
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	p = nr_strdup(path);
	/* each proper prefix ending before a '/', then the whole path */
	for (char *s = p + 1; *s; s++) {
		if (*s != '/' || s[-1] == '/')
			continue;
		*s = '\0';
		rc = mkdir_one(p, mode, err);
		*s = '/';
		if (rc)
			goto out;
	}
	rc = mkdir_one(p, mode, err);
out:
	free(p);
	return rc;
}

/* Writes all of `data`, through short writes and interruptions. */
static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0) {
			errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int fsync_retry(int fd)
{
	int r;

	do {
		r = fsync(fd);
	} while (r < 0 && errno == EINTR);
	return r;
}

/* Makes the rename durable. Filesystems that cannot sync a folder say so
 * with EINVAL; that is not a failure of ours. */
static int fsync_dir(const char *dir, struct nr_err *err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = 0;

	if (fd < 0)
		return nr_err_sys(err, "cannot sync folder '%s'", dir);
	if (fsync_retry(fd) < 0 && errno != EINVAL && errno != ENOTSUP)
		rc = nr_err_sys(err, "cannot sync folder '%s'", dir);
	close(fd);
	return rc;
}

/* The folder of `path`, whose last '/' is `slash` (NULL: none). */
static char *parent_of(const char *path, const char *slash)
{
	if (!slash)
		return nr_strdup(".");
	if (slash == path)
		return nr_strdup("/");
	return nr_strndup(path, (size_t)(slash - path));
}

int nr_file_replace(const char *path, const void *data, size_t len, mode_t mode,
    uid_t uid, gid_t gid, struct nr_err *err)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	char *dir, *tmp = NULL;
	size_t blen = strlen(base);
	int fd = -1, rc = 0;

	if (!*base)
		return nr_err_set(
		    err, NR_EINVAL, "cannot write '%s': not a file name", path);
	dir = parent_of(path, slash);
	rc = nr_mkdir_p(dir, 0755, err);
	if (rc)
		goto out;

	/* ".NAME.netrec-XXXXXX" must stay a valid file name itself */
	if (blen > NAME_MAX - 1 - strlen(TMP_SUFFIX))
		blen = NAME_MAX - 1 - strlen(TMP_SUFFIX);
	tmp = nr_asprintf("%s/.%.*s" TMP_SUFFIX, dir, (int)blen, base);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		rc = nr_err_sys(err, "cannot write '%s'", path);
		free(tmp);
		tmp = NULL; /* nothing to remove */
		goto out;
	}
	if (write_all(fd, data, len) < 0) {
		rc = nr_err_sys(err, "cannot write '%s'", path);
		goto out;
	}
	/* owner first: a chown clears the set-user-ID and set-group-ID bits
	 * that the fchmod may be about to set */
	if ((uid != (uid_t)-1 || gid != (gid_t)-1) &&
	    fchown(fd, uid, gid) < 0) {
		rc = nr_err_sys(err, "cannot set the owner of '%s'", path);
		goto out;
	}
	if (fchmod(fd, mode & 07777) < 0) {
		rc = nr_err_sys(err, "cannot set the mode of '%s'", path);
		goto out;
	}
	if (fsync_retry(fd) < 0) {
		rc = nr_err_sys(err, "cannot write '%s'", path);
		goto out;
	}
	/* close can report a delayed write error (NFS) */
	if (close(fd) < 0) {
		fd = -1;
		rc = nr_err_sys(err, "cannot write '%s'", path);
		goto out;
	}
	fd = -1;
	nr_crashpoint("file-before-rename");
	if (rename(tmp, path) < 0) {
		rc = nr_err_sys(err, "cannot replace '%s'", path);
		goto out;
	}
	free(tmp);
	tmp = NULL; /* it is the target now */
	rc = fsync_dir(dir, err);
out:
	if (fd >= 0)
		close(fd);
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	free(dir);
	return rc;
}

/* Is `name` a temporary file nr_file_replace made: "." then the target's
 * name (`base`, its first `blen` bytes; any name when base is NULL), then
 * TMP_SUFFIX with its six X's filled in? */
static bool is_temp_of(const char *name, const char *base, size_t blen)
{
	size_t len = strlen(name), slen = strlen(TMP_SUFFIX);

	if (name[0] != '.' || len < 2 + slen ||
	    strncmp(name + len - slen, TMP_SUFFIX, slen - 6) != 0)
		return false;
	return !base ||
	    (len == 1 + blen + slen && strncmp(name + 1, base, blen) == 0);
}

void nr_file_clean_temps(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	size_t blen = strlen(base), slen = strlen(TMP_SUFFIX);
	char *dir;
	struct dirent *e;
	DIR *d;

	if (!*base)
		return;
	/* as nr_file_replace shortens it */
	if (blen > NAME_MAX - 1 - slen)
		blen = NAME_MAX - 1 - slen;
	dir = parent_of(path, slash);
	d = opendir(dir);
	while (d && (e = readdir(d))) {
		if (is_temp_of(e->d_name, base, blen)) {
			char *stale = nr_asprintf("%s/%s", dir, e->d_name);

			(void)unlink(stale);
			free(stale);
		}
	}
	if (d)
		closedir(d);
	free(dir);
}

static int clean_one(
    const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	if (type == FTW_F && is_temp_of(path + ftw->base, NULL, 0))
		(void)unlink(path);
	return 0;
}

void nr_file_clean_temps_under(const char *dir)
{
	(void)nftw(dir, clean_one, 16, FTW_PHYS);
}

int nr_file_append(
    const char *path, const void *data, size_t len, struct nr_err *err)
{
	int fd, rc = 0;

	do {
		fd = open(path,
		    O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
	} while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return nr_err_sys(err, "cannot open '%s'", path);
	if (write_all(fd, data, len) < 0 || fsync_retry(fd) < 0)
		rc = nr_err_sys(err, "cannot write '%s'", path);
	if (close(fd) < 0 && !rc)
		rc = nr_err_sys(err, "cannot write '%s'", path);
	return rc;
}
