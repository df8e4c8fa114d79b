/* test-lock: state/lock between processes: who holds it is named, a
 * timeout waits for the holder, release lets the next one in; a note
 * naming a process that is gone is not taken for the holder. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/err.h"
#include "lib/mem.h"
#include "state/lock.h"
#include "testutil.h"

struct fixture {
	char *tmp;
	char *state; /* tmp/var/state: missing until the first acquire */
};

static int setup(void **state)
{
	struct fixture *f = nr_calloc(1, sizeof(*f));

	f->tmp = nr_test_tmpdir();
	f->state = nr_asprintf("%s/var/state", f->tmp);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	nr_test_rmrf(f->tmp);
	free(f->tmp);
	free(f->state);
	free(f);
	return 0;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A child that takes the lock, says so on `ready`, waits for a byte on
 * `go`, sleeps `hold_ms`, then releases and exits. */
struct holder {
	pid_t pid;
	int ready; /* read end */
	int go; /* write end */
};

static void start_holder(struct holder *h, const char *state_dir, int hold_ms)
{
	int ready[2], go[2];
	char c;

	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(go), 0);
	h->pid = fork();
	assert_true(h->pid >= 0);
	if (h->pid == 0) {
		struct nr_lock l;
		struct nr_err err = NR_ERR_INIT;
		struct timespec ts = { hold_ms / 1000,
			(hold_ms % 1000) * 1000000L };

		close(ready[0]);
		close(go[1]);
		if (nr_lock_acquire(&l, state_dir, 0, &err) != 0)
			_exit(2);
		if (write(ready[1], "r", 1) != 1)
			_exit(3);
		if (read(go[0], &c, 1) != 1)
			_exit(4);
		nanosleep(&ts, NULL);
		nr_lock_release(&l);
		_exit(0);
	}
	close(ready[1]);
	close(go[0]);
	h->ready = ready[0];
	h->go = go[1];
	assert_int_equal(read(h->ready, &c, 1), 1);
}

static void let_go(struct holder *h)
{
	assert_int_equal(write(h->go, "g", 1), 1);
}

static void finish_holder(struct holder *h)
{
	int status;

	close(h->go);
	close(h->ready);
	assert_int_equal(waitpid(h->pid, &status, 0), h->pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_acquire_creates_and_notes(void **state)
{
	struct fixture *f = *state;
	struct nr_lock l = { -1 };
	struct nr_err err = NR_ERR_INIT;
	char *path = nr_asprintf("%s/lock", f->state);
	char *want = nr_asprintf("pid %ld since ", (long)getpid());
	struct stat st;
	size_t len;
	char *text;

	assert_int_equal(nr_lock_acquire(&l, f->state, 0, &err), 0);
	assert_true(l.fd >= 0);
	assert_int_equal(stat(f->state, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	text = nr_test_read(path, &len);
	assert_non_null(text);
	assert_true(strncmp(text, want, strlen(want)) == 0);
	assert_int_equal(len, strlen(want) + 20 + 1); /* time, '\n' */
	assert_int_equal(text[len - 2], 'Z');
	assert_int_equal(text[len - 1], '\n');
	free(text);

	/* a second open in this same process is refused too */
	{
		struct nr_lock l2 = { -1 };
		struct nr_err err2 = NR_ERR_INIT;

		assert_int_equal(
		    nr_lock_acquire(&l2, f->state, 0, &err2), NR_EINVAL);
		assert_int_equal(l2.fd, -1);
		assert_non_null(strstr(err2.msg, want));
	}

	nr_lock_release(&l);
	assert_int_equal(l.fd, -1);
	nr_lock_release(&l); /* harmless twice */
	assert_int_equal(stat(path, &st), 0); /* the file stays */

	/* release then acquire again */
	assert_int_equal(nr_lock_acquire(&l, f->state, 0, &err), 0);
	assert_int_equal(err.code, 0);
	nr_lock_release(&l);
	free(path);
	free(want);
}

static void test_busy_names_holder(void **state)
{
	struct fixture *f = *state;
	struct nr_lock l = { -1 };
	struct nr_err err = NR_ERR_INIT;
	struct holder h;
	char *want;
	long long t0;

	start_holder(&h, f->state, 0);
	want = nr_asprintf(
	    "state '%s' is locked by pid %ld since ", f->state, (long)h.pid);

	t0 = now_ms();
	assert_int_equal(nr_lock_acquire(&l, f->state, 0, &err), NR_EINVAL);
	assert_true(now_ms() - t0 < 50); /* at once */
	assert_int_equal(l.fd, -1);
	assert_true(strncmp(err.msg, want, strlen(want)) == 0);
	/* ... since 2026-11-26T06:42:12Z, and nothing after it */
	assert_int_equal(strlen(err.msg), strlen(want) + 20);
	assert_int_equal(err.msg[strlen(err.msg) - 1], 'Z');

	/* a short timeout waits, then fails the same way */
	nr_err_clear(&err);
	t0 = now_ms();
	assert_int_equal(nr_lock_acquire(&l, f->state, 120, &err), NR_EINVAL);
	assert_true(now_ms() - t0 >= 100);
	assert_non_null(strstr(err.msg, want));

	let_go(&h);
	finish_holder(&h);
	free(want);
}

/* A pid that ran and is gone: a child reaped at once. */
static pid_t gone_pid(void)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(0);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	return pid;
}

/* The lock is held, but the note names a process that no longer runs
 * (as when a child that inherited the descriptor outlives the writer):
 * the message says so instead of naming it as the holder. */
static void test_busy_stale_note(void **state)
{
	struct fixture *f = *state;
	struct nr_lock l = { -1 };
	struct nr_err err = NR_ERR_INIT;
	char *path = nr_asprintf("%s/lock", f->state);
	pid_t gone = gone_pid();
	char *note =
	    nr_asprintf("pid %ld since 2026-11-26T06:42:12Z\n", (long)gone);
	char *want = nr_asprintf("state '%s' is locked by another process; "
				 "the pid recorded (%ld) is no longer running",
	    f->state, (long)gone);
	struct holder h;

	start_holder(&h, f->state, 0);
	nr_test_write(path, note);
	assert_int_equal(nr_lock_acquire(&l, f->state, 0, &err), NR_EINVAL);
	assert_int_equal(l.fd, -1);
	assert_string_equal(err.msg, want);
	/* a note that is not netrec's is only shown, never taken as a pid */
	nr_test_write(path, "pid 0x1\n");
	nr_err_clear(&err);
	assert_int_equal(nr_lock_acquire(&l, f->state, 0, &err), NR_EINVAL);
	assert_non_null(strstr(err.msg, "is locked by pid 0x1"));
	let_go(&h);
	finish_holder(&h);
	free(path);
	free(note);
	free(want);
}

static void test_timeout_waits_for_release(void **state)
{
	struct fixture *f = *state;
	struct nr_lock l = { -1 };
	struct nr_err err = NR_ERR_INIT;
	char *path = nr_asprintf("%s/lock", f->state);
	char *want = nr_asprintf("pid %ld since ", (long)getpid());
	struct holder h;
	long long t0;
	char *text;

	start_holder(&h, f->state, 200);
	let_go(&h); /* the holder lets go in 200 ms */
	t0 = now_ms();
	assert_int_equal(nr_lock_acquire(&l, f->state, 5000, &err), 0);
	assert_int_equal(err.code, 0);
	assert_true(now_ms() - t0 >= 150);
	assert_true(l.fd >= 0);
	text = nr_test_read(path, NULL);
	assert_non_null(text);
	assert_true(strncmp(text, want, strlen(want)) == 0);
	free(text);
	finish_holder(&h);
	nr_lock_release(&l);
	free(path);
	free(want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_acquire_creates_and_notes, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_busy_names_holder, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_busy_stale_note, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_timeout_waits_for_release, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
