/* files: the router's file store, the folder DIR/files (where SFTP
 * uploads land). Names are relative and "/"-separated, as /file shows
 * them; nothing outside the folder can be named. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/err.h"
#include "lib/fsutil.h"
#include "lib/mem.h"
#include "rosim.h"

bool rosim_file_name_ok(const char *name)
{
	const char *p = name;

	if (!*name || name[0] == '/')
		return false;
	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 0 || (n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		p += n;
		if (*p == '/')
			p++;
	}
	return true;
}

static char *full(const struct rosim *r, const char *name)
{
	return nr_asprintf("%s/%s", r->files, name);
}

struct list {
	struct rosim_file *v;
	size_t n, cap;
};

static void walk(struct list *l, const char *root, const char *rel)
{
	char *path = rel ? nr_asprintf("%s/%s", root, rel) : nr_strdup(root);
	DIR *d = opendir(path);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		char *name, *p;
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		name = rel ? nr_asprintf("%s/%s", rel, e->d_name)
			   : nr_strdup(e->d_name);
		p = nr_asprintf("%s/%s", root, name);
		if (lstat(p, &st) == 0 &&
		    (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))) {
			struct rosim_file *f = NR_PUSH(l->v, l->n, l->cap);
			struct tm tm;

			f->name = nr_strdup(name);
			f->dir = S_ISDIR(st.st_mode);
			f->size = (long long)st.st_size;
			localtime_r(&st.st_mtime, &tm);
			strftime(f->mtime, sizeof(f->mtime),
			    "%Y-%m-%d %H:%M:%S", &tm);
			if (f->dir)
				walk(l, root, name);
		}
		free(p);
		free(name);
	}
	if (d)
		closedir(d);
	free(path);
}

static int file_cmp(const void *a, const void *b)
{
	return strcmp(((const struct rosim_file *)a)->name,
	    ((const struct rosim_file *)b)->name);
}

size_t rosim_files_list(const struct rosim *r, struct rosim_file **out)
{
	struct list l = { 0 };

	walk(&l, r->files, NULL);
	if (l.n)
		qsort(l.v, l.n, sizeof(*l.v), file_cmp);
	*out = l.v;
	return l.n;
}

void rosim_files_release(struct rosim_file *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

int rosim_file_read(
    const struct rosim *r, const char *name, char **text, size_t *len)
{
	struct nr_err err = NR_ERR_INIT;
	char *p;
	struct stat st;
	int rc;

	if (!rosim_file_name_ok(name))
		return -1;
	p = full(r, name);
	if (stat(p, &st) != 0 || !S_ISREG(st.st_mode)) {
		free(p);
		return -1;
	}
	rc = nr_file_read(text, len, p, 0, &err);
	free(p);
	return rc < 0 ? -1 : 0;
}

int rosim_file_write(
    const struct rosim *r, const char *name, const char *data, size_t len)
{
	struct nr_err err = NR_ERR_INIT;
	char *p;
	int rc;

	if (!rosim_file_name_ok(name))
		return -1;
	p = full(r, name);
	rc = nr_file_replace(p, data, len, 0644, (uid_t)-1, (gid_t)-1, &err);
	free(p);
	return rc < 0 ? -1 : 0;
}

static int remove_tree(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	int rc = 0;

	if (lstat(path, &st) != 0)
		return -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(path);
	d = opendir(path);
	while (d && (e = readdir(d))) {
		char *p;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		p = nr_asprintf("%s/%s", path, e->d_name);
		if (remove_tree(p) != 0)
			rc = -1;
		free(p);
	}
	if (d)
		closedir(d);
	return rmdir(path) == 0 ? rc : -1;
}

int rosim_file_remove(const struct rosim *r, const char *name)
{
	char *p;
	int rc;

	if (!rosim_file_name_ok(name))
		return -1;
	p = full(r, name);
	rc = remove_tree(p);
	free(p);
	return rc;
}

void rosim_file_type(const struct rosim_file *f, char *out, size_t len)
{
	const char *base = strrchr(f->name, '/');
	const char *dot;

	base = base ? base + 1 : f->name;
	dot = strrchr(base, '.');
	if (f->dir)
		snprintf(out, len, "directory");
	else if (dot && dot != base && dot[1])
		snprintf(out, len, "%s file", dot);
	else
		snprintf(out, len, "file");
}
