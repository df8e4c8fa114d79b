/* img: qemu-img through the process runner (see img.h).
 *
 * Every failure message leads with what netrec was doing and ends with
 * qemu-img's own first line of stderr, which says why ("Could not open
 * 'x': Failed to get "write" lock", "Unsupported qcow2 version 7"). A
 * missing image is checked for before qemu-img runs, so that NR_ENOTFOUND
 * means the image and never, say, a missing backing file. */
#include "vm/img.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/mem.h"
#include "lib/run.h"

#define INFO_TIMEOUT_MS (60 * 1000)
#define SNAPSHOT_TIMEOUT_MS (5 * 60 * 1000)
#define CREATE_TIMEOUT_MS (60 * 1000)
#define CONVERT_TIMEOUT_MS (60 * 60 * 1000)

/* qemu-img reads "-x" as an option and "proto:rest" as a protocol (nbd:,
 * json:...) unless the path starts with a folder; "./" makes it a file. */
static char *arg_path(const char *path)
{
	if (path[0] != '/' && (path[0] == '-' || strchr(path, ':')))
		return nr_asprintf("./%s", path);
	return nr_strdup(path);
}

static int must_exist(const char *path, struct nr_err *err)
{
	struct stat st;

	if (stat(path, &st) == 0)
		return 0;
	if (errno == ENOENT)
		return nr_err_set(
		    err, NR_ENOTFOUND, "disk image '%s' does not exist", path);
	return nr_err_sys(err, "cannot access disk image '%s'", path);
}

/* Runs qemu-img; a non-zero exit becomes "WHAT: <qemu-img's first line>".
 * On success `out` (if given) receives its stdout. */
static int run_img(struct nr_buf *out, const char *const *argv, int timeout_ms,
    const char *what, struct nr_err *err)
{
	struct nr_run_opts opts = { 0 };
	struct nr_run_result res;
	int had_err = err->code != 0;
	int rc;

	opts.timeout_ms = timeout_ms;
	rc = nr_run(&res, argv, &opts, err);
	if (rc == NR_ENOTFOUND && !had_err) {
		/* NR_ENOTFOUND is kept for a missing image */
		err->code = NR_EEXTERNAL;
		rc = NR_EEXTERNAL;
	}
	if (rc == 0 && res.status != 0) {
		const char *s = res.err.s;
		size_t n;

		while (*s == '\n' || *s == '\r' || *s == ' ' || *s == '\t')
			s++;
		if (strncmp(s, "qemu-img: ", 10) == 0)
			s += 10;
		n = strcspn(s, "\r\n");
		while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		if (n)
			rc = nr_err_set(err, NR_EEXTERNAL, "%s: %.*s", what,
			    (int)(n > 600 ? 600 : n), s);
		else
			rc = nr_err_set(err, NR_EEXTERNAL,
			    "%s: qemu-img exited with status %d", what,
			    res.status);
	}
	if (rc == 0 && out) {
		nr_buf_release(out);
		*out = res.out;
		nr_buf_init(&res.out);
	}
	nr_run_result_release(&res);
	return rc;
}

static long long int_or_zero(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return json_is_integer(v) ? (long long)json_integer_value(v) : 0;
}

static int parse_snapshots(
    struct nr_img_info *info, json_t *arr, const char *path, struct nr_err *err)
{
	size_t i, cap = 0;
	json_t *s;

	if (!arr)
		return 0;
	if (!json_is_array(arr))
		return nr_err_set(err, NR_EEXTERNAL,
		    "unexpected 'qemu-img info' output for '%s': "
		    "\"snapshots\" is not a list",
		    path);
	json_array_foreach (arr, i, s) {
		json_t *id = json_object_get(s, "id");
		json_t *name = json_object_get(s, "name");
		struct nr_img_snapshot *snap;

		if (!json_is_string(id) || !json_is_string(name))
			return nr_err_set(err, NR_EEXTERNAL,
			    "unexpected 'qemu-img info' output for '%s': "
			    "snapshot %zu has no id or name",
			    path, i + 1);
		snap = NR_PUSH(info->snaps, info->nsnaps, cap);
		snap->id = nr_strdup(json_string_value(id));
		snap->name = nr_strdup(json_string_value(name));
		snap->date_sec = int_or_zero(s, "date-sec");
		snap->vm_state_size = int_or_zero(s, "vm-state-size");
	}
	return 0;
}

static int parse_info(struct nr_img_info *info, const struct nr_buf *text,
    const char *path, struct nr_err *err)
{
	json_error_t jerr;
	json_t *root, *format, *vsize;
	int rc;

	root = json_loadb(text->s, text->len, 0, &jerr);
	if (!root)
		return nr_err_set(err, NR_EEXTERNAL,
		    "unexpected 'qemu-img info' output for '%s': %s", path,
		    jerr.text);
	format = json_object_get(root, "format");
	vsize = json_object_get(root, "virtual-size");
	if (!json_is_string(format) || !json_is_integer(vsize)) {
		rc = nr_err_set(err, NR_EEXTERNAL,
		    "unexpected 'qemu-img info' output for '%s': no format "
		    "or virtual-size",
		    path);
		goto out;
	}
	info->format = nr_strdup(json_string_value(format));
	info->virtual_size = (long long)json_integer_value(vsize);
	info->actual_size = int_or_zero(root, "actual-size");
	rc = parse_snapshots(
	    info, json_object_get(root, "snapshots"), path, err);
out:
	json_decref(root);
	return rc;
}

int nr_img_info(struct nr_img_info *out, const char *path, bool force_share,
    struct nr_err *err)
{
	struct nr_img_info info = { 0 };
	struct nr_buf text = NR_BUF_INIT;
	char *arg, *what;
	const char *argv[6];
	size_t n = 0;
	int rc;

	rc = must_exist(path, err);
	if (rc < 0)
		return rc;
	arg = arg_path(path);
	what = nr_asprintf("cannot read disk image '%s'", path);
	argv[n++] = "qemu-img";
	argv[n++] = "info";
	argv[n++] = "--output=json";
	if (force_share)
		argv[n++] = "-U";
	argv[n++] = arg;
	argv[n] = NULL;
	rc = run_img(&text, argv, INFO_TIMEOUT_MS, what, err);
	if (rc == 0)
		rc = parse_info(&info, &text, path, err);
	if (rc == 0)
		*out = info;
	else
		nr_img_info_release(&info);
	nr_buf_release(&text);
	free(what);
	free(arg);
	return rc;
}

void nr_img_info_release(struct nr_img_info *info)
{
	for (size_t i = 0; i < info->nsnaps; i++) {
		free(info->snaps[i].id);
		free(info->snaps[i].name);
	}
	free(info->snaps);
	free(info->format);
	memset(info, 0, sizeof(*info));
}

static int snapshot(const char *op, const char *verb, const char *path,
    const char *name, struct nr_err *err)
{
	char *arg, *what;
	int rc;

	if (!name || !name[0])
		return nr_err_set(err, NR_EINVAL,
		    "cannot %s a snapshot of '%s': no snapshot name", verb,
		    path);
	rc = must_exist(path, err);
	if (rc < 0)
		return rc;
	arg = arg_path(path);
	what = nr_asprintf(
	    "cannot %s snapshot '%s' of disk image '%s'", verb, name, path);
	{
		const char *argv[] = { "qemu-img", "snapshot", op, name, arg,
			NULL };

		rc = run_img(NULL, argv, SNAPSHOT_TIMEOUT_MS, what, err);
	}
	free(what);
	free(arg);
	return rc;
}

int nr_img_snapshot_create(
    const char *path, const char *name, struct nr_err *err)
{
	return snapshot("-c", "create", path, name, err);
}

int nr_img_snapshot_apply(
    const char *path, const char *name, struct nr_err *err)
{
	return snapshot("-a", "apply", path, name, err);
}

int nr_img_snapshot_delete(
    const char *path, const char *name, struct nr_err *err)
{
	return snapshot("-d", "delete", path, name, err);
}

/* qemu-img create and convert replace an existing file without a word;
 * claiming the name first with O_EXCL makes "never overwrite a disk" hold
 * even against a race. */
static int claim(const char *path, struct nr_err *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	if (errno == EEXIST)
		return nr_err_set(err, NR_EINVAL,
		    "disk image '%s' already exists (netrec never overwrites a "
		    "disk)",
		    path);
	return nr_err_sys(err, "cannot create disk image '%s'", path);
}

int nr_img_create(const char *path, long long size, struct nr_err *err)
{
	char *arg, *what, sz[32];
	int rc;

	if (size <= 0)
		return nr_err_set(err, NR_EINVAL,
		    "cannot create disk image '%s': size %lld is not positive",
		    path, size);
	rc = claim(path, err);
	if (rc < 0)
		return rc;
	snprintf(sz, sizeof(sz), "%lld", size);
	arg = arg_path(path);
	what = nr_asprintf("cannot create disk image '%s'", path);
	{
		const char *argv[] = { "qemu-img", "create", "-q", "-f",
			"qcow2", arg, sz, NULL };

		rc = run_img(NULL, argv, CREATE_TIMEOUT_MS, what, err);
	}
	if (rc < 0)
		unlink(path);
	free(what);
	free(arg);
	return rc;
}

int nr_img_convert(const char *src, const char *dst, struct nr_err *err)
{
	char *asrc, *adst, *what;
	int rc;

	rc = must_exist(src, err);
	if (rc < 0)
		return rc;
	rc = claim(dst, err);
	if (rc < 0)
		return rc;
	asrc = arg_path(src);
	adst = arg_path(dst);
	what = nr_asprintf(
	    "cannot convert '%s' to qcow2 disk image '%s'", src, dst);
	{
		const char *argv[] = { "qemu-img", "convert", "-O", "qcow2",
			asrc, adst, NULL };

		rc = run_img(NULL, argv, CONVERT_TIMEOUT_MS, what, err);
	}
	if (rc < 0)
		unlink(dst);
	free(what);
	free(adst);
	free(asrc);
	return rc;
}
