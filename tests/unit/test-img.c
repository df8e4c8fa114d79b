/* test-img: qemu-img for real on small images in a temporary folder:
 * create and info, snapshot create/list/apply/delete, a marker written
 * with qemu-io that a snapshot brings back, conversion, refusal to
 * overwrite, and the errors for a missing and a corrupt image. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/err.h"
#include "lib/mem.h"
#include "lib/run.h"
#include "testutil.h"
#include "vm/img.h"

#define MIB (1024LL * 1024)

struct fixture {
	char *dir;
	char *img;
};

static int setup(void **state)
{
	struct fixture *f = nr_calloc(1, sizeof(*f));

	f->dir = nr_test_tmpdir();
	f->img = nr_asprintf("%s/disk.qcow2", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	nr_test_rmrf(f->dir);
	free(f->img);
	free(f->dir);
	free(f);
	return 0;
}

/* Runs `qemu-io -f qcow2 -c CMD PATH`; returns its exit status. */
static int qemu_io(const char *path, const char *cmd)
{
	const char *argv[] = { "qemu-io", "-f", "qcow2", "-c", cmd, path,
		NULL };
	struct nr_run_result res;
	struct nr_err err = NR_ERR_INIT;
	int status;

	assert_int_equal(nr_run(&res, argv, NULL, &err), 0);
	status = res.status;
	nr_run_result_release(&res);
	return status;
}

static void make_image(const char *path)
{
	struct nr_err err = NR_ERR_INIT;

	if (nr_img_create(path, 64 * MIB, &err) < 0)
		fail_msg("%s", err.msg);
}

static void test_create_and_info(void **state)
{
	struct fixture *f = *state;
	struct nr_img_info info;
	struct nr_err err = NR_ERR_INIT;

	make_image(f->img);
	assert_int_equal(nr_img_info(&info, f->img, false, &err), 0);
	assert_string_equal(info.format, "qcow2");
	assert_int_equal(info.virtual_size, 64 * MIB);
	assert_true(info.actual_size > 0);
	/* a fresh qcow2 holds metadata only, not 64 MiB */
	assert_true(info.actual_size < 4 * MIB);
	assert_int_equal(info.nsnaps, 0);
	assert_null(info.snaps);
	nr_img_info_release(&info);
	assert_null(info.format);

	/* -U is accepted on an image nobody holds, too */
	assert_int_equal(nr_img_info(&info, f->img, true, &err), 0);
	assert_string_equal(info.format, "qcow2");
	nr_img_info_release(&info);
}

static void test_create_never_overwrites(void **state)
{
	struct fixture *f = *state;
	struct nr_img_info info;
	struct nr_err err = NR_ERR_INIT;

	make_image(f->img);
	assert_int_equal(qemu_io(f->img, "write -P 0x5a 0 4k"), 0);
	assert_int_equal(nr_img_create(f->img, 8 * MIB, &err), NR_EINVAL);
	assert_non_null(strstr(err.msg, "already exists"));
	assert_non_null(strstr(err.msg, f->img));
	/* the disk is untouched: same size, same data */
	nr_err_clear(&err);
	assert_int_equal(nr_img_info(&info, f->img, false, &err), 0);
	assert_int_equal(info.virtual_size, 64 * MIB);
	nr_img_info_release(&info);
	assert_int_equal(qemu_io(f->img, "read -P 0x5a 0 4k"), 0);

	nr_err_clear(&err);
	assert_int_equal(nr_img_create(f->img, 0, &err), NR_EINVAL);
}

/* A failed create leaves no file behind. */
static void test_create_failure_cleans_up(void **state)
{
	struct fixture *f = *state;
	struct nr_err err = NR_ERR_INIT;
	struct stat st;

	/* far beyond qcow2's limit of 64 PiB... by qemu-img's own check */
	assert_int_equal(
	    nr_img_create(f->img, 0x7fffffffffffffffLL, &err), NR_EEXTERNAL);
	assert_non_null(strstr(err.msg, "cannot create disk image"));
	assert_int_equal(stat(f->img, &st), -1);
	assert_int_equal(errno, ENOENT);
}

static const struct nr_img_snapshot *find_snap(
    const struct nr_img_info *info, const char *name)
{
	for (size_t i = 0; i < info->nsnaps; i++)
		if (strcmp(info->snaps[i].name, name) == 0)
			return &info->snaps[i];
	return NULL;
}

static void test_snapshot_list_delete(void **state)
{
	struct fixture *f = *state;
	struct nr_img_info info;
	struct nr_err err = NR_ERR_INIT;
	const struct nr_img_snapshot *a, *b;
	long long now = (long long)time(NULL);

	make_image(f->img);
	assert_int_equal(nr_img_snapshot_create(f->img, "first", &err), 0);
	assert_int_equal(nr_img_snapshot_create(f->img, "second", &err), 0);
	assert_int_equal(nr_img_info(&info, f->img, false, &err), 0);
	assert_int_equal(info.nsnaps, 2);
	a = find_snap(&info, "first");
	b = find_snap(&info, "second");
	assert_non_null(a);
	assert_non_null(b);
	assert_string_not_equal(a->id, b->id);
	assert_true(a->id[0] != '\0');
	/* qemu-img stamps them with the wall clock */
	assert_true(a->date_sec >= now - 5 && a->date_sec <= now + 60);
	assert_true(b->date_sec >= a->date_sec);
	/* disk-only: no VM state */
	assert_int_equal(a->vm_state_size, 0);
	nr_img_info_release(&info);

	assert_int_equal(nr_img_snapshot_delete(f->img, "first", &err), 0);
	assert_int_equal(nr_img_info(&info, f->img, false, &err), 0);
	assert_int_equal(info.nsnaps, 1);
	assert_string_equal(info.snaps[0].name, "second");
	nr_img_info_release(&info);

	/* qemu-img's words for an unknown snapshot, after ours */
	assert_int_equal(
	    nr_img_snapshot_apply(f->img, "nosuch", &err), NR_EEXTERNAL);
	assert_non_null(
	    strstr(err.msg, "cannot apply snapshot 'nosuch' of disk image"));
	assert_non_null(strstr(err.msg, "Failed to load snapshot"));
	assert_null(strstr(err.msg, "qemu-img: "));
	assert_null(strchr(err.msg, '\n'));
	nr_err_clear(&err);
	assert_int_equal(
	    nr_img_snapshot_delete(f->img, "first", &err), NR_EEXTERNAL);
	assert_non_null(strstr(err.msg, "cannot delete snapshot 'first'"));
	nr_err_clear(&err);
	assert_int_equal(nr_img_snapshot_create(f->img, "", &err), NR_EINVAL);
}

/* The disk content comes back with the snapshot. */
static void test_snapshot_restores_marker(void **state)
{
	struct fixture *f = *state;
	struct nr_err err = NR_ERR_INIT;

	make_image(f->img);
	assert_int_equal(qemu_io(f->img, "write -P 0x5a 0 4k"), 0);
	assert_int_equal(nr_img_snapshot_create(f->img, "marker", &err), 0);
	assert_int_equal(qemu_io(f->img, "write -P 0xa5 0 4k"), 0);
	/* the overwrite happened: the old pattern is not there */
	assert_int_not_equal(qemu_io(f->img, "read -P 0x5a 0 4k"), 0);
	assert_int_equal(qemu_io(f->img, "read -P 0xa5 0 4k"), 0);

	assert_int_equal(nr_img_snapshot_apply(f->img, "marker", &err), 0);
	assert_int_equal(qemu_io(f->img, "read -P 0x5a 0 4k"), 0);
	assert_int_not_equal(qemu_io(f->img, "read -P 0xa5 0 4k"), 0);
}

static void test_missing(void **state)
{
	struct fixture *f = *state;
	struct nr_img_info info = { 0 };
	struct nr_err err = NR_ERR_INIT;
	char *dst = nr_asprintf("%s/out.qcow2", f->dir);
	struct stat st;

	assert_int_equal(nr_img_info(&info, f->img, false, &err), NR_ENOTFOUND);
	assert_null(info.format); /* *out untouched */
	assert_non_null(strstr(err.msg, "does not exist"));
	assert_non_null(strstr(err.msg, f->img));
	nr_err_clear(&err);
	assert_int_equal(
	    nr_img_snapshot_create(f->img, "x", &err), NR_ENOTFOUND);
	nr_err_clear(&err);
	assert_int_equal(
	    nr_img_snapshot_apply(f->img, "x", &err), NR_ENOTFOUND);
	nr_err_clear(&err);
	assert_int_equal(
	    nr_img_snapshot_delete(f->img, "x", &err), NR_ENOTFOUND);
	nr_err_clear(&err);
	assert_int_equal(nr_img_convert(f->img, dst, &err), NR_ENOTFOUND);
	assert_int_equal(stat(dst, &st), -1);
	free(dst);
}

static void check_corrupt(const char *path, const char *words)
{
	struct nr_img_info info = { 0 };
	struct nr_err err = NR_ERR_INIT;

	assert_int_equal(nr_img_info(&info, path, false, &err), NR_EEXTERNAL);
	assert_null(info.format);
	assert_non_null(strstr(err.msg, "cannot read disk image"));
	assert_non_null(strstr(err.msg, "Could not open"));
	if (!strstr(err.msg, words))
		fail_msg("'%s' lacks '%s'", err.msg, words);
	nr_err_clear(&err);
	assert_int_equal(nr_img_snapshot_create(path, "x", &err), NR_EEXTERNAL);
	assert_non_null(strstr(err.msg, "Could not open"));
}

static void test_corrupt(void **state)
{
	struct fixture *f = *state;
	char *bad = nr_asprintf("%s/bad.qcow2", f->dir);
	char *hdr, *junk;
	size_t len;
	int fd;

	/* the magic, then junk where the version belongs */
	nr_test_write(bad, "QFI\xfbjunkjunkjunkjunkjunk");
	check_corrupt(bad, "Unsupported qcow2 version");

	/* a valid header, then garbage from byte 104 (the end of a version
	 * 3 header: the header extensions and tables are trash) */
	make_image(f->img);
	hdr = nr_test_read(f->img, &len);
	assert_non_null(hdr);
	assert_true(len > 4096);
	junk = nr_malloc(len);
	memcpy(junk, hdr, 104);
	for (size_t i = 104; i < len; i++)
		junk[i] = (char)(0x49 + i * 7);
	fd = open(bad, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, junk, len), (ssize_t)len);
	close(fd);
	check_corrupt(bad, "qcow2");
	free(junk);
	free(hdr);
	free(bad);
}

static void test_convert(void **state)
{
	struct fixture *f = *state;
	struct nr_img_info info;
	struct nr_err err = NR_ERR_INIT;
	char *raw = nr_asprintf("%s/chr.img", f->dir);
	const char *argv[] = { "qemu-img", "create", "-q", "-f", "raw", raw,
		"16M", NULL };
	struct nr_run_result res;
	int fd;

	assert_int_equal(nr_run(&res, argv, NULL, &err), 0);
	assert_int_equal(res.status, 0);
	nr_run_result_release(&res);
	/* a recognisable byte pattern in the raw image */
	{
		char block[4096];

		memset(block, 0x5a, sizeof(block));
		fd = open(raw, O_WRONLY);
		assert_true(fd >= 0);
		assert_int_equal(write(fd, block, sizeof(block)), 4096);
		close(fd);
	}

	assert_int_equal(nr_img_convert(raw, f->img, &err), 0);
	assert_int_equal(nr_img_info(&info, f->img, false, &err), 0);
	assert_string_equal(info.format, "qcow2");
	assert_int_equal(info.virtual_size, 16 * MIB);
	nr_img_info_release(&info);
	assert_int_equal(qemu_io(f->img, "read -P 0x5a 0 4k"), 0);

	/* never over an existing disk */
	assert_int_equal(nr_img_convert(raw, f->img, &err), NR_EINVAL);
	assert_non_null(strstr(err.msg, "already exists"));
	assert_int_equal(qemu_io(f->img, "read -P 0x5a 0 4k"), 0);
	free(raw);
}

/* Relative names qemu-img would read as an option or a protocol. */
static void test_odd_relative_names(void **state)
{
	struct fixture *f = *state;
	struct nr_img_info info = { 0 };
	struct nr_err err = NR_ERR_INIT;
	char cwd[4096];
	const char *names[] = { "json:{}", "-U", "nbd:x" };

	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(f->dir), 0);
	for (size_t i = 0; i < NR_ARRAY_SIZE(names); i++) {
		if (nr_img_create(names[i], 8 * MIB, &err) < 0 ||
		    nr_img_snapshot_create(names[i], "s", &err) < 0 ||
		    nr_img_info(&info, names[i], false, &err) < 0) {
			assert_int_equal(chdir(cwd), 0);
			fail_msg("%s: %s", names[i], err.msg);
		}
		assert_string_equal(info.format, "qcow2");
		assert_int_equal(info.nsnaps, 1);
		nr_img_info_release(&info);
	}
	assert_int_equal(chdir(cwd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_create_and_info, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_create_never_overwrites, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_create_failure_cleans_up, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_snapshot_list_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_snapshot_restores_marker, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_convert, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_odd_relative_names, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
