/* test-fsutil: --root joining, reading, folder creation, atomic replace
 * (content, mode, owner, new inode, no temporary left behind, original
 * intact on every failure) and fsync'd appends. Tests run as root, where
 * permissions stop nothing, so failures are made with a regular file in
 * place of a folder, a directory in place of the target, RLIMIT_FSIZE,
 * /dev/full and a FIFO. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/err.h"
#include "lib/fsutil.h"
#include "lib/mem.h"
#include "testutil.h"

struct fixture {
	char *dir;
};

static int setup(void **state)
{
	struct fixture *f = nr_calloc(1, sizeof(*f));

	f->dir = nr_test_tmpdir();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	nr_test_rmrf(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

/* Number of entries in `dir` whose name contains ".netrec-". */
static int temp_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (strstr(e->d_name, ".netrec-"))
			n++;
	closedir(d);
	return n;
}

static void assert_content(const char *path, const char *want)
{
	size_t len;
	char *got = nr_test_read(path, &len);

	assert_non_null(got);
	assert_int_equal(len, strlen(want));
	assert_string_equal(got, want);
	free(got);
}

static void test_rooted(void **state)
{
	static const struct {
		const char *root, *path, *want;
	} cases[] = {
		{ NULL, "/etc/x", "/etc/x" },
		{ "", "/etc/x", "/etc/x" },
		{ "/", "/etc/x", "/etc/x" },
		{ "//", "/etc/x", "/etc/x" },
		{ "/tmp/r", "/etc/x", "/tmp/r/etc/x" },
		{ "/tmp/r/", "/etc/x", "/tmp/r/etc/x" },
		{ "/tmp/r//", "//etc/x", "/tmp/r/etc/x" },
		{ "/tmp/r", "etc/x", "/tmp/r/etc/x" },
		{ "/tmp/r", "/", "/tmp/r" },
		{ "/tmp/r/", "/etc/", "/tmp/r/etc/" },
	};

	(void)state;
	for (size_t i = 0; i < NR_ARRAY_SIZE(cases); i++) {
		char *got = nr_rooted(cases[i].root, cases[i].path);

		assert_string_equal(got, cases[i].want);
		free(got);
	}
}

static void test_read(void **state)
{
	struct fixture *f = *state;
	struct nr_err err = NR_ERR_INIT;
	char *path = nr_asprintf("%s/file", f->dir);
	char *missing = nr_asprintf("%s/missing", f->dir);
	char *out = NULL;
	size_t len = 0;

	nr_test_write(path, "0123456789");
	assert_int_equal(nr_file_read(&out, &len, path, 0, &err), 0);
	assert_int_equal(len, 10);
	assert_string_equal(out, "0123456789");
	free(out);
	out = NULL;

	/* exactly the limit is fine, one byte more is not */
	assert_int_equal(nr_file_read(&out, &len, path, 10, &err), 0);
	free(out);
	out = NULL;
	assert_int_equal(nr_file_read(&out, &len, path, 9, &err), NR_EIO);
	assert_null(out);
	assert_non_null(strstr(err.msg, "larger than 9 bytes"));
	nr_err_clear(&err);

	/* a missing file is a plain answer, not an error */
	assert_int_equal(
	    nr_file_read(&out, &len, missing, 0, &err), NR_ENOTFOUND);
	assert_null(out);
	assert_int_equal(err.code, 0);
	assert_string_equal(err.msg, "");

	assert_int_equal(nr_file_read(&out, &len, f->dir, 0, &err), NR_EIO);
	assert_null(out);
	assert_non_null(strstr(err.msg, "Is a directory"));
	nr_err_clear(&err);

	/* st_size 0 does not mean empty */
	assert_int_equal(
	    nr_file_read(&out, &len, "/proc/self/status", 0, &err), 0);
	assert_true(len > 0);
	assert_non_null(strstr(out, "Pid:"));
	free(out);
	free(path);
	free(missing);
}

static void test_mkdir_p(void **state)
{
	struct fixture *f = *state;
	struct nr_err err = NR_ERR_INIT;
	char *deep = nr_asprintf("%s/a/b/c/", f->dir);
	char *file = nr_asprintf("%s/file", f->dir);
	char *under = nr_asprintf("%s/file/sub/dir", f->dir);
	struct stat st;

	assert_int_equal(nr_mkdir_p(deep, 0700, &err), 0);
	assert_int_equal(stat(deep, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0700);
	/* again: nothing to do */
	assert_int_equal(nr_mkdir_p(deep, 0700, &err), 0);

	nr_test_write(file, "x");
	assert_int_equal(nr_mkdir_p(under, 0755, &err), NR_EIO);
	assert_int_equal(err.sys_errno, ENOTDIR);
	assert_non_null(strstr(err.msg, "cannot create folder '"));
	free(deep);
	free(file);
	free(under);
}

static void test_replace_creates(void **state)
{
	struct fixture *f = *state;
	struct nr_err err = NR_ERR_INIT;
	char *parent = nr_asprintf("%s/etc/netrec", f->dir);
	char *path = nr_asprintf("%s/etc/netrec/conf", f->dir);
	struct stat st;

	assert_int_equal(nr_file_replace(path, "hello\n", 6, 0640, (uid_t)-1,
			     (gid_t)-1, &err),
	    0);
	assert_content(path, "hello\n");
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(st.st_uid, geteuid());
	assert_int_equal(stat(parent, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(temp_files(parent), 0);

	/* empty content is a real (empty) file */
	assert_int_equal(
	    nr_file_replace(path, "", 0, 0600, (uid_t)-1, (gid_t)-1, &err), 0);
	assert_content(path, "");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	free(parent);
	free(path);
}

/* A reader that opened the old file keeps seeing the old content; the new
 * content arrives as a new inode, all at once. */
static void test_replace_atomic(void **state)
{
	struct fixture *f = *state;
	struct nr_err err = NR_ERR_INIT;
	char *path = nr_asprintf("%s/target", f->dir);
	char *big = nr_malloc(300000);
	char old[16] = { 0 };
	struct stat before, after;
	size_t len;
	char *got;
	int fd;

	for (size_t i = 0; i < 300000; i++)
		big[i] = (char)('a' + i % 26);
	nr_test_write(path, "old content");
	assert_int_equal(stat(path, &before), 0);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);

	assert_int_equal(nr_file_replace(path, big, 300000, 0644, (uid_t)-1,
			     (gid_t)-1, &err),
	    0);
	assert_int_equal(stat(path, &after), 0);
	assert_true(before.st_ino != after.st_ino);
	assert_int_equal(after.st_size, 300000);
	got = nr_test_read(path, &len);
	assert_int_equal(len, 300000);
	assert_memory_equal(got, big, 300000);
	assert_int_equal(read(fd, old, sizeof(old) - 1), 11);
	assert_string_equal(old, "old content");
	assert_int_equal(temp_files(f->dir), 0);
	close(fd);
	free(got);
	free(big);
	free(path);
}

static void test_replace_owner(void **state)
{
	struct fixture *f = *state;
	struct nr_err err = NR_ERR_INIT;
	char *path = nr_asprintf("%s/owned", f->dir);
	struct stat st;

	if (geteuid() != 0) {
		free(path);
		skip();
	}
	/* set-user-ID survives: the owner is set before the mode */
	assert_int_equal(
	    nr_file_replace(path, "#!/bin/true\n", 12, 04750, 1234, 5678, &err),
	    0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_uid, 1234);
	assert_int_equal(st.st_gid, 5678);
	assert_int_equal(st.st_mode & 07777, 04750);

	/* -1 for one of them leaves that one as created */
	assert_int_equal(
	    nr_file_replace(path, "x", 1, 0644, (uid_t)-1, 42, &err), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_uid, 0);
	assert_int_equal(st.st_gid, 42);
	free(path);
}

/* A name near NAME_MAX still fits its temporary name. */
static void test_replace_long_name(void **state)
{
	struct fixture *f = *state;
	struct nr_err err = NR_ERR_INIT;
	char name[251];
	char *path;

	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	path = nr_asprintf("%s/%s", f->dir, name);
	assert_int_equal(
	    nr_file_replace(path, "x", 1, 0644, (uid_t)-1, (gid_t)-1, &err), 0);
	assert_content(path, "x");
	assert_int_equal(temp_files(f->dir), 0);
	free(path);
}

/* The parent "folder" is a regular file: an error, and that file as it
 * was. */
static void test_replace_parent_is_file(void **state)
{
	struct fixture *f = *state;
	struct nr_err err = NR_ERR_INIT;
	char *file = nr_asprintf("%s/notadir", f->dir);
	char *path = nr_asprintf("%s/notadir/conf", f->dir);

	nr_test_write(file, "keep me");
	assert_int_equal(
	    nr_file_replace(path, "new", 3, 0644, (uid_t)-1, (gid_t)-1, &err),
	    NR_EIO);
	assert_int_equal(err.sys_errno, ENOTDIR);
	assert_non_null(strstr(err.msg, "Not a directory"));
	assert_content(file, "keep me");
	assert_int_equal(temp_files(f->dir), 0);
	free(file);
	free(path);
}

/* The rename itself fails (a non-empty folder is in the way): the temp
 * file, already written and synced, must be removed. */
static void test_replace_rename_fails(void **state)
{
	struct fixture *f = *state;
	struct nr_err err = NR_ERR_INIT;
	char *path = nr_asprintf("%s/busy", f->dir);
	char *inner = nr_asprintf("%s/busy/keep", f->dir);
	char *msg = nr_asprintf("cannot replace '%s': ", path);

	assert_int_equal(mkdir(path, 0755), 0);
	nr_test_write(inner, "inner");
	assert_int_equal(
	    nr_file_replace(path, "new", 3, 0644, (uid_t)-1, (gid_t)-1, &err),
	    NR_EIO);
	assert_memory_equal(err.msg, msg, strlen(msg));
	assert_content(inner, "inner");
	assert_int_equal(temp_files(f->dir), 0);
	free(path);
	free(inner);
	free(msg);
}

/* Without root a read-only folder stops the write; as root it does not,
 * which is why the other failure tests exist. */
static void test_replace_readonly_folder(void **state)
{
	struct fixture *f = *state;
	struct nr_err err = NR_ERR_INIT;
	char *ro = nr_asprintf("%s/ro", f->dir);
	char *path = nr_asprintf("%s/ro/conf", f->dir);

	if (geteuid() == 0) {
		free(ro);
		free(path);
		skip();
	}
	assert_int_equal(mkdir(ro, 0755), 0);
	nr_test_write(path, "original");
	assert_int_equal(chmod(ro, 0555), 0);
	assert_int_equal(
	    nr_file_replace(path, "new", 3, 0644, (uid_t)-1, (gid_t)-1, &err),
	    NR_EIO);
	assert_int_equal(err.sys_errno, EACCES);
	assert_content(path, "original");
	assert_int_equal(temp_files(ro), 0);
	assert_int_equal(chmod(ro, 0755), 0);
	free(ro);
	free(path);
}

/* "Disk full": a child with a 100-byte file size limit writes 64 KiB.
 * The write comes up short, then fails; the original must survive and the
 * temporary file must be gone. */
static void test_replace_disk_full(void **state)
{
	struct fixture *f = *state;
	char *path = nr_asprintf("%s/full", f->dir);
	char *want = nr_asprintf("cannot write '%s': File too large", path);
	char msg[1024] = { 0 };
	int p[2], status;
	ssize_t n;
	pid_t pid;

	nr_test_write(path, "original");
	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit rl = { 100, 100 };
		struct nr_err err = NR_ERR_INIT;
		char *data = nr_calloc(1, 65536);
		int rc;

		close(p[0]);
		signal(SIGXFSZ, SIG_IGN);
		if (setrlimit(RLIMIT_FSIZE, &rl) < 0)
			_exit(2);
		rc = nr_file_replace(
		    path, data, 65536, 0644, (uid_t)-1, (gid_t)-1, &err);
		n = write(p[1], err.msg, strlen(err.msg));
		_exit(rc == NR_EIO && n > 0 ? 0 : 1);
	}
	close(p[1]);
	n = read(p[0], msg, sizeof(msg) - 1);
	close(p[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_true(n > 0);
	assert_string_equal(msg, want);
	assert_content(path, "original");
	assert_int_equal(temp_files(f->dir), 0);
	free(path);
	free(want);
}

/* Whether each of DIR/names[0..n) is there (`there`) or gone. */
static void assert_there(
    const char *dir, const char *const *names, size_t n, bool there)
{
	for (size_t i = 0; i < n; i++) {
		char *p = nr_asprintf("%s/%s", dir, names[i]);

		if (there)
			assert_int_equal(access(p, F_OK), 0);
		else
			assert_int_not_equal(access(p, F_OK), 0);
		free(p);
	}
}

/* The temporary files a kill between write and rename leaves beside a
 * target go, and nothing else: not the target, not another file's
 * temporary, not a name that only looks alike. */
static void test_clean_temps(void **state)
{
	struct fixture *f = *state;
	static const char *const stay[] = { "motd", ".motd", ".motd.netrec-",
		".motd.netrec-abc", ".motd.netrec-abcdefg",
		".other.netrec-AbC123", "motd.netrec-AbC123" };
	static const char *const gone[] = { ".motd.netrec-AbC123",
		".motd.netrec-zz9_ZZ" };
	char *path = nr_asprintf("%s/motd", f->dir);
	char *p;

	for (size_t i = 0; i < NR_ARRAY_SIZE(stay); i++) {
		p = nr_asprintf("%s/%s", f->dir, stay[i]);
		nr_test_write(p, "x");
		free(p);
	}
	for (size_t i = 0; i < NR_ARRAY_SIZE(gone); i++) {
		p = nr_asprintf("%s/%s", f->dir, gone[i]);
		nr_test_write(p, "half");
		free(p);
	}
	nr_file_clean_temps(path);
	assert_there(f->dir, stay, NR_ARRAY_SIZE(stay), true);
	assert_there(f->dir, gone, NR_ARRAY_SIZE(gone), false);
	/* a folder that does not exist is no error */
	p = nr_asprintf("%s/nosuch/motd", f->dir);
	nr_file_clean_temps(p);
	free(p);
	free(path);
}

/* DIR/REL with its missing folders; the path, for the caller to free. */
static char *make_file(const char *dir, const char *rel)
{
	struct nr_err err = NR_ERR_INIT;
	char *p = nr_asprintf("%s/%s", dir, rel);

	*strrchr(p, '/') = '\0';
	assert_int_equal(nr_mkdir_p(p, 0755, &err), 0);
	p[strlen(p)] = '/';
	nr_test_write(p, "x");
	return p;
}

/* Below a folder (STATE/backup): every temporary file nr_file_replace
 * names, at any depth, goes; nothing else, and no symlink is followed. */
static void test_clean_temps_under(void **state)
{
	struct fixture *f = *state;
	static const char *const stay[] = { "b/1/etc/motd",
		"b/1/etc/.motd.netrec-abc", "b/1/etc/.motd.netrec-abcdefg",
		"b/1/etc/motd.netrec-AbC123", "b/1/.netrec-AbC123",
		"b/2/.d.netrec-AbC123/keep", "out/.motd.netrec-AbC123",
		"b/2/.l.netrec-AbC123", "b/out" };
	static const char *const gone[] = { "b/1/etc/.motd.netrec-AbC123",
		"b/2/.x.netrec-zz9_ZZ", "b/.top.netrec-000000" };
	char *base = nr_asprintf("%s/b", f->dir), *p;

	for (size_t i = 0; i < 7; i++)
		free(make_file(f->dir, stay[i]));
	for (size_t i = 0; i < 3; i++)
		free(make_file(f->dir, gone[i]));
	/* links out of the tree, one named like a temporary file */
	p = nr_asprintf("%s/%s", f->dir, stay[7]);
	assert_int_equal(symlink("../../out/.motd.netrec-AbC123", p), 0);
	free(p);
	p = nr_asprintf("%s/%s", f->dir, stay[8]);
	assert_int_equal(symlink("../out", p), 0);
	free(p);
	nr_file_clean_temps_under(base);
	assert_there(f->dir, stay, NR_ARRAY_SIZE(stay), true);
	assert_there(f->dir, gone, NR_ARRAY_SIZE(gone), false);
	/* a folder that does not exist is no error */
	p = nr_asprintf("%s/nosuch", f->dir);
	nr_file_clean_temps_under(p);
	free(p);
	free(base);
}

static void test_append(void **state)
{
	struct fixture *f = *state;
	struct nr_err err = NR_ERR_INIT;
	char *path = nr_asprintf("%s/journal.jsonl", f->dir);
	char *kept = nr_asprintf("%s/kept", f->dir);
	struct stat st;

	assert_int_equal(nr_file_append(path, "one\n", 4, &err), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(nr_file_append(path, "two\n", 4, &err), 0);
	assert_int_equal(nr_file_append(path, "", 0, &err), 0);
	assert_content(path, "one\ntwo\n");

	/* an existing file keeps its mode */
	nr_test_write(kept, "a");
	assert_int_equal(chmod(kept, 0644), 0);
	assert_int_equal(nr_file_append(kept, "b", 1, &err), 0);
	assert_content(kept, "ab");
	assert_int_equal(stat(kept, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	free(path);
	free(kept);
}

static void test_append_errors(void **state)
{
	struct fixture *f = *state;
	struct nr_err err = NR_ERR_INIT;
	char *under = nr_asprintf("%s/kept/x", f->dir);
	char *kept = nr_asprintf("%s/kept", f->dir);
	char *fifo = nr_asprintf("%s/fifo", f->dir);
	char *want = nr_asprintf("cannot write '%s': Invalid argument", fifo);
	int rd;

	/* a failed write is reported */
	assert_int_equal(nr_file_append("/dev/full", "x", 1, &err), NR_EIO);
	assert_string_equal(
	    err.msg, "cannot write '/dev/full': No space left on device");
	nr_err_clear(&err);

	nr_test_write(kept, "a");
	assert_int_equal(nr_file_append(under, "x", 1, &err), NR_EIO);
	assert_int_equal(err.sys_errno, ENOTDIR);
	assert_content(kept, "a");
	nr_err_clear(&err);

	/* a FIFO takes the write but cannot be fsync'd: proof that the
	 * fsync happens and its failure is not ignored */
	assert_int_equal(mkfifo(fifo, 0600), 0);
	rd = open(fifo, O_RDONLY | O_NONBLOCK);
	assert_true(rd >= 0);
	assert_int_equal(nr_file_append(fifo, "x", 1, &err), NR_EIO);
	assert_string_equal(err.msg, want);
	close(rd);
	free(under);
	free(kept);
	free(fifo);
	free(want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rooted),
		cmocka_unit_test_setup_teardown(test_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mkdir_p, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_replace_creates, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_replace_atomic, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_replace_owner, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_replace_long_name, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_replace_parent_is_file, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_replace_rename_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_replace_readonly_folder, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_replace_disk_full, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_clean_temps, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_clean_temps_under, setup, teardown),
		cmocka_unit_test_setup_teardown(test_append, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_append_errors, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
