/* lock: flock(2) on state/lock (see lock.h). The lock belongs to the open
 * file description, so it ends with the process even after a crash; the
 * "pid N since T" text is only a note for the one that waits. */
#include "state/lock.h"
#include "lib/clock.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "lib/fsutil.h"
#include "lib/mem.h"
#include "state/journal.h"

#define RETRY_MS 50

/* The pid a note "pid N since T" names, or 0. */
static pid_t note_pid(const char *note)
{
	char *end;
	long pid;

	if (strncmp(note, "pid ", 4) != 0)
		return 0;
	errno = 0;
	pid = strtol(note + 4, &end, 10);
	if (errno || end == note + 4 || (*end && *end != ' ') || pid <= 0 ||
	    pid > INT_MAX)
		return 0;
	return (pid_t)pid;
}

/* Who holds the lock, for the message: the holder's note, first line
 * only, printable bytes only (the file is anyone's to scribble on). The
 * note is stale when the pid it names is gone while the lock is still
 * held: a new holder has not written its own yet, or a child that
 * inherited the descriptor outlived the writer. Then it names no one. */
static void holder(char *out, size_t size, int fd)
{
	char text[128];
	ssize_t n = pread(fd, text, sizeof(text) - 1, 0);
	size_t k = 0;
	pid_t pid;

	for (ssize_t i = 0; i < n && text[i] != '\n' && k + 1 < size; i++)
		if (text[i] >= 0x20 && text[i] < 0x7f)
			out[k++] = text[i];
	out[k] = '\0';
	pid = note_pid(out);
	if (pid && kill(pid, 0) < 0 && errno == ESRCH)
		snprintf(out, size,
		    "another process; the pid recorded (%ld) is no longer "
		    "running",
		    (long)pid);
	else if (k == 0)
		snprintf(out, size, "another process");
}

static int write_note(int fd, const char *path, struct nr_err *err)
{
	char *since = nr_utc_now();
	char *note = nr_asprintf("pid %ld since %s\n", (long)getpid(), since);
	size_t len = strlen(note);
	int rc = 0;

	if (ftruncate(fd, 0) < 0 || pwrite(fd, note, len, 0) != (ssize_t)len)
		rc = nr_err_sys(err, "cannot write '%s'", path);
	free(note);
	free(since);
	return rc;
}

int nr_lock_acquire(struct nr_lock *l, const char *state_dir, int timeout_ms,
    struct nr_err *err)
{
	char *path = nr_asprintf("%s/lock", state_dir);
	long long deadline = nr_now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	char who[128];
	int fd = -1, rc;

	l->fd = -1;
	rc = nr_mkdir_p(state_dir, 0700, err);
	if (rc)
		goto out;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = nr_err_sys(err, "cannot open '%s'", path);
		goto out;
	}
	for (;;) {
		long long left;

		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			break;
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK) {
			rc = nr_err_sys(err, "cannot lock '%s'", path);
			goto out;
		}
		left = deadline - nr_now_ms();
		if (left <= 0) {
			holder(who, sizeof(who), fd);
			rc = nr_err_set(err, NR_EINVAL,
			    "state '%s' is locked by %s", state_dir, who);
			goto out;
		}
		nr_sleep_ms(left < RETRY_MS ? left : RETRY_MS);
	}
	rc = write_note(fd, path, err);
	if (rc)
		goto out;
	l->fd = fd;
	fd = -1;
out:
	if (fd >= 0)
		close(fd);
	free(path);
	return rc;
}

void nr_lock_release(struct nr_lock *l)
{
	if (l->fd < 0)
		return;
	flock(l->fd, LOCK_UN);
	close(l->fd);
	l->fd = -1;
}
