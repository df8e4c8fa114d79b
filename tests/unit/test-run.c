/* test-run: the process runner with real programs: exit statuses, large
 * output on both streams, large input, missing programs, timeouts,
 * descriptor hygiene, PATH stand-ins and argv display. `sh -c` appears
 * here only to build test children; the runner itself never uses a shell. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
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

#define MB 1000000

static long long ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Runs argv with default options; returns nr_run's result. */
static int run(
    struct nr_run_result *res, struct nr_err *err, const char *const *argv)
{
	nr_err_clear(err);
	return nr_run(res, argv, NULL, err);
}

static void test_exit_status(void **state)
{
	struct nr_run_result res;
	struct nr_err err = NR_ERR_INIT;
	const char *t[] = { "true", NULL };
	const char *f[] = { "false", NULL };
	const char *three[] = { "sh", "-c", "exit 3", NULL };

	(void)state;
	assert_int_equal(run(&res, &err, t), 0);
	assert_int_equal(res.status, 0);
	assert_false(res.timed_out);
	assert_int_equal(res.out.len, 0);
	nr_run_result_release(&res);

	assert_int_equal(run(&res, &err, f), 0);
	assert_int_equal(res.status, 1);
	assert_int_equal(err.code, 0);
	nr_run_result_release(&res);

	assert_int_equal(run(&res, &err, three), 0);
	assert_int_equal(res.status, 3);
	nr_run_result_release(&res);
}

static void test_capture_small(void **state)
{
	struct nr_run_result res;
	struct nr_err err = NR_ERR_INIT;
	const char *argv[] = { "sh", "-c", "printf 'a b'; printf oops >&2",
		NULL };
	const char *echo[] = { "echo", "it's", "two words", "", NULL };

	(void)state;
	assert_int_equal(run(&res, &err, argv), 0);
	assert_string_equal(res.out.s, "a b");
	assert_int_equal(res.out.len, 3);
	assert_string_equal(res.err.s, "oops");
	nr_run_result_release(&res);

	/* arguments arrive as they are: no shell splits or expands them */
	assert_int_equal(run(&res, &err, echo), 0);
	assert_string_equal(res.out.s, "it's two words \n");
	nr_run_result_release(&res);
}

static void test_large_stdout(void **state)
{
	struct nr_run_result res;
	struct nr_err err = NR_ERR_INIT;
	const char *argv[] = { "head", "-c", "1000000", "/dev/zero", NULL };

	(void)state;
	assert_int_equal(run(&res, &err, argv), 0);
	assert_int_equal(res.status, 0);
	assert_int_equal(res.out.len, MB);
	for (size_t i = 0; i < res.out.len; i++)
		if (res.out.s[i] != '\0')
			fail_msg("byte %zu is %d", i, res.out.s[i]);
	assert_int_equal(res.err.len, 0);
	nr_run_result_release(&res);
}

/* stderr filled first: a runner that reads stdout to EOF before looking
 * at stderr deadlocks here. */
static void test_large_both_streams(void **state)
{
	struct nr_run_result res;
	struct nr_err err = NR_ERR_INIT;
	const char *argv[] = { "sh", "-c",
		"yes err | head -c 1000000 >&2; head -c 1000000 /dev/zero; "
		"yes err | head -c 1000000 >&2",
		NULL };

	(void)state;
	assert_int_equal(run(&res, &err, argv), 0);
	assert_int_equal(res.status, 0);
	assert_int_equal(res.out.len, MB);
	assert_int_equal(res.err.len, 2 * MB);
	assert_memory_equal(res.err.s, "err\nerr\n", 8);
	assert_memory_equal(res.err.s + MB, "err\nerr\n", 8);
	assert_int_equal(res.out.s[MB - 1], '\0');
	nr_run_result_release(&res);
}

static void test_input_echoed(void **state)
{
	struct nr_run_result res;
	struct nr_err err = NR_ERR_INIT;
	const char *argv[] = { "cat", NULL };
	struct nr_run_opts o = { 0 };
	char *in = nr_malloc(MB);

	(void)state;
	for (size_t i = 0; i < MB; i++)
		in[i] = (char)(i * 7 % 251);
	o.input = in;
	o.input_len = MB;
	assert_int_equal(nr_run(&res, argv, &o, &err), 0);
	assert_int_equal(res.status, 0);
	assert_int_equal(res.out.len, MB);
	assert_memory_equal(res.out.s, in, MB);
	nr_run_result_release(&res);
	free(in);
}

/* A child that exits without reading its input must not take us down
 * with SIGPIPE, and must not leave a SIGPIPE pending for later. */
static void test_input_not_read(void **state)
{
	struct nr_run_result res;
	struct nr_err err = NR_ERR_INIT;
	const char *argv[] = { "true", NULL };
	struct nr_run_opts o = { 0 };
	char *in = nr_calloc(1, MB);
	sigset_t pending;

	(void)state;
	o.input = in;
	o.input_len = MB;
	assert_int_equal(nr_run(&res, argv, &o, &err), 0);
	assert_int_equal(res.status, 0);
	sigemptyset(&pending);
	assert_int_equal(sigpending(&pending), 0);
	assert_int_equal(sigismember(&pending, SIGPIPE), 0);
	nr_run_result_release(&res);
	free(in);
}

/* Without input the child reads EOF at once, not the test's stdin. */
static void test_no_input_is_eof(void **state)
{
	struct nr_run_result res;
	struct nr_err err = NR_ERR_INIT;
	const char *argv[] = { "cat", NULL };
	struct nr_run_opts o = { 0 };

	(void)state;
	o.timeout_ms = 5000;
	assert_int_equal(nr_run(&res, argv, &o, &err), 0);
	assert_false(res.timed_out);
	assert_int_equal(res.status, 0);
	assert_int_equal(res.out.len, 0);
	nr_run_result_release(&res);
}

static void test_missing_program(void **state)
{
	struct nr_run_result res;
	struct nr_err err = NR_ERR_INIT;
	const char *argv[] = { "netrec-no-such-program", "--flag", NULL };
	const char *empty[] = { NULL };
	char *old = nr_strdup(getenv("PATH") ? getenv("PATH") : "/usr/bin");

	(void)state;
	/* execvp reports EACCES rather than ENOENT when some folder on PATH
	 * cannot be searched (/root/... when not root): keep PATH plain */
	assert_int_equal(setenv("PATH", "/usr/bin:/bin", 1), 0);
	assert_int_equal(run(&res, &err, argv), NR_ENOTFOUND);
	assert_string_equal(err.msg,
	    "cannot run 'netrec-no-such-program': No such file or directory");
	assert_int_equal(err.sys_errno, ENOENT);
	assert_int_equal(res.status, 127);
	nr_run_result_release(&res);

	assert_int_equal(run(&res, &err, empty), NR_EINVAL);
	nr_run_result_release(&res);
	assert_int_equal(setenv("PATH", old, 1), 0);
	free(old);
}

/* A stand-in placed first on PATH is what runs (the recorded-tools
 * pattern), and a file that is not executable is reported as such. */
static void test_path_stand_in(void **state)
{
	struct nr_run_result res;
	struct nr_err err = NR_ERR_INIT;
	char *dir = nr_test_tmpdir();
	char *fake = nr_asprintf("%s/netrec-fake-tool", dir);
	char *noexec = nr_asprintf("%s/netrec-noexec", dir);
	char *old = nr_strdup(getenv("PATH") ? getenv("PATH") : "/usr/bin");
	char *path = nr_asprintf("%s:%s", dir, old);
	const char *argv[] = { "netrec-fake-tool", "x y", NULL };
	const char *argv2[] = { "netrec-noexec", NULL };

	(void)state;
	nr_test_write(fake, "#!/bin/sh\necho \"fake:$1\"\n");
	assert_int_equal(chmod(fake, 0755), 0);
	nr_test_write(noexec, "#!/bin/sh\n");
	assert_int_equal(chmod(noexec, 0644), 0);
	assert_int_equal(setenv("PATH", path, 1), 0);

	assert_int_equal(run(&res, &err, argv), 0);
	assert_string_equal(res.out.s, "fake:x y\n");
	nr_run_result_release(&res);

	assert_int_equal(run(&res, &err, argv2), NR_EIO);
	assert_string_equal(
	    err.msg, "cannot run 'netrec-noexec': Permission denied");
	nr_run_result_release(&res);

	assert_int_equal(setenv("PATH", old, 1), 0);
	nr_test_rmrf(dir);
	free(dir);
	free(fake);
	free(noexec);
	free(old);
	free(path);
}

static void test_cwd(void **state)
{
	struct nr_run_result res;
	struct nr_err err = NR_ERR_INIT;
	const char *argv[] = { "pwd", NULL };
	struct nr_run_opts o = { 0 };

	(void)state;
	o.cwd = "/proc";
	assert_int_equal(nr_run(&res, argv, &o, &err), 0);
	assert_string_equal(res.out.s, "/proc\n");
	nr_run_result_release(&res);

	o.cwd = "/netrec-no-such-folder";
	assert_int_equal(nr_run(&res, argv, &o, &err), NR_ENOTFOUND);
	assert_string_equal(err.msg,
	    "cannot run 'pwd': cannot enter folder '/netrec-no-such-folder': "
	    "No such file or directory");
	nr_run_result_release(&res);
}

static void test_timeout(void **state)
{
	struct nr_run_result res;
	struct nr_err err = NR_ERR_INIT;
	const char *argv[] = { "sleep", "30", NULL };
	struct nr_run_opts o = { 0 };
	long long t0 = ms_now(), took;

	(void)state;
	o.timeout_ms = 200;
	assert_int_equal(nr_run(&res, argv, &o, &err), NR_EEXTERNAL);
	took = ms_now() - t0;
	assert_true(res.timed_out);
	assert_int_equal(res.status, 128 + SIGTERM);
	assert_string_equal(err.msg, "'sleep' timed out after 200 ms");
	assert_true(took >= 200);
	assert_true(took < 1500);
	nr_run_result_release(&res);
}

/* The whole process group is signalled, and a group that ignores
 * SIGTERM gets SIGKILL after the grace period. The background sleep
 * keeps stdout open: we must not wait for it. */
static void test_timeout_escalates_to_group(void **state)
{
	struct nr_run_result res;
	struct nr_err err = NR_ERR_INIT;
	const char *argv[] = { "sh", "-c",
		"trap '' TERM; sleep 30 & echo $!; wait", NULL };
	struct nr_run_opts o = { 0 };
	long long t0 = ms_now(), took;
	char proc[64];
	int gone = 0;

	(void)state;
	o.timeout_ms = 300;
	assert_int_equal(nr_run(&res, argv, &o, &err), NR_EEXTERNAL);
	took = ms_now() - t0;
	assert_true(res.timed_out);
	assert_int_equal(res.status, 128 + SIGKILL);
	assert_true(took >= 2300);
	assert_true(took < 5000);
	assert_true(res.out.len > 0);
	snprintf(proc, sizeof(proc), "/proc/%d/stat", atoi(res.out.s));
	/* the orphaned sleep is gone, or a zombie waiting for a reaper */
	for (int i = 0; i < 100 && !gone; i++) {
		char *st = nr_test_read(proc, NULL);
		char *paren = st ? strrchr(st, ')') : NULL;

		gone = !st || (paren && paren[2] == 'Z');
		free(st);
		if (!gone)
			usleep(20000);
	}
	assert_true(gone);
	nr_run_result_release(&res);
}

/* The program exits but leaves a background process holding its stdout:
 * we return with the program, not 30 s later with the descendant. */
static void test_descendant_holds_pipe(void **state)
{
	struct nr_run_result res;
	struct nr_err err = NR_ERR_INIT;
	const char *argv[] = { "sh", "-c", "sleep 30 & echo $!; echo done",
		NULL };
	struct nr_run_opts o = { 0 };
	long long t0 = ms_now();
	char *nl;

	(void)state;
	o.timeout_ms = 10000;
	assert_int_equal(nr_run(&res, argv, &o, &err), 0);
	assert_true(ms_now() - t0 < 3000);
	assert_false(res.timed_out);
	assert_int_equal(res.status, 0);
	nl = strchr(res.out.s, '\n');
	assert_non_null(nl);
	assert_string_equal(nl + 1, "done\n");
	kill(atoi(res.out.s), SIGKILL);
	nr_run_result_release(&res);
}

static void test_killed_by_signal(void **state)
{
	struct nr_run_result res;
	struct nr_err err = NR_ERR_INIT;
	const char *kill9[] = { "sh", "-c", "kill -KILL $$", NULL };
	const char *term[] = { "sh", "-c", "kill -TERM $$", NULL };

	(void)state;
	assert_int_equal(run(&res, &err, kill9), 0);
	assert_int_equal(res.status, 128 + SIGKILL);
	assert_false(res.timed_out);
	nr_run_result_release(&res);

	assert_int_equal(run(&res, &err, term), 0);
	assert_int_equal(res.status, 128 + SIGTERM);
	nr_run_result_release(&res);
}

/* Only 0, 1, 2 and the descriptor ls opens on /proc/self/fd itself (the
 * lowest free one, 3) may show up in the child. */
static void test_no_descriptor_leak(void **state)
{
	struct nr_run_result res;
	struct nr_err err = NR_ERR_INIT;
	const char *argv[] = { "ls", "/proc/self/fd", NULL };
	int fd = open("/dev/null", O_RDONLY); /* deliberately not CLOEXEC */
	int high = dup2(fd, 77);
	char *line, *save = NULL;
	int seen = 0;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(high, 77);
	assert_int_equal(fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
	assert_int_equal(run(&res, &err, argv), 0);
	assert_int_equal(res.status, 0);
	for (line = strtok_r(res.out.s, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		int n = atoi(line);

		if (n > 3)
			fail_msg("descriptor %s leaked into the child", line);
		seen |= 1 << n;
	}
	assert_int_equal(seen, 0xf);
	nr_run_result_release(&res);
	close(fd);
	close(high);
}

static void test_argv_str(void **state)
{
	const char *simple[] = { "update-grub", NULL };
	const char *words[] = { "useradd", "-r", "-s", "/usr/sbin/nologin",
		"qemu", NULL };
	const char *quoted[] = { "echo", "a b", "it's", "", "say \"hi\"",
		"$HOME", NULL };
	const char *none[] = { NULL };
	char *s;

	(void)state;
	s = nr_argv_str(simple);
	assert_string_equal(s, "update-grub");
	free(s);
	s = nr_argv_str(words);
	assert_string_equal(s, "useradd -r -s /usr/sbin/nologin qemu");
	free(s);
	s = nr_argv_str(quoted);
	assert_string_equal(s, "echo 'a b' 'it'\\''s' '' 'say \"hi\"' '$HOME'");
	free(s);
	s = nr_argv_str(none);
	assert_string_equal(s, "");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit_status),
		cmocka_unit_test(test_capture_small),
		cmocka_unit_test(test_large_stdout),
		cmocka_unit_test(test_large_both_streams),
		cmocka_unit_test(test_input_echoed),
		cmocka_unit_test(test_input_not_read),
		cmocka_unit_test(test_no_input_is_eof),
		cmocka_unit_test(test_missing_program),
		cmocka_unit_test(test_path_stand_in),
		cmocka_unit_test(test_cwd),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_timeout_escalates_to_group),
		cmocka_unit_test(test_descendant_holds_pipe),
		cmocka_unit_test(test_killed_by_signal),
		cmocka_unit_test(test_no_descriptor_leak),
		cmocka_unit_test(test_argv_str),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
