/* run: fork + execvp with captured output and a timeout (see run.h).
 *
 * The child gets its own process group (so a timeout reaches everything it
 * started), pipes on 0/1/2 and nothing else: every other descriptor is
 * closed on exec. Whether exec worked is reported back through a CLOEXEC
 * pipe: EOF means the program is running, a record means it is not. The
 * parent multiplexes stdin, stdout, stderr and the child's exit with
 * poll(), so no amount of output or input can deadlock it. */
#include "lib/run.h"
#include "lib/clock.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/mem.h"

#define DEFAULT_TIMEOUT_MS (10 * 60 * 1000)
#define KILL_GRACE_MS 2000
/* Without a pidfd the child's exit is noticed by polling this often. */
#define EXIT_POLL_MS 50

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

/* What the child sends through the exec-status pipe when it fails. */
enum { STAGE_CHDIR = 1, STAGE_EXEC = 2, STAGE_SETUP = 3 };
struct child_fail {
	int stage;
	int err;
};

static void close_fd(int *fd)
{
	if (*fd >= 0) {
		close(*fd);
		*fd = -1;
	}
}

static void close_pair(int p[2])
{
	close_fd(&p[0]);
	close_fd(&p[1]);
}

static int set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0)
		return -1;
	return fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* --- in the child: async-signal-safe calls only ------------------------ */

static void child_fail(int fd, int stage)
{
	struct child_fail f = { stage, errno };
	ssize_t n;

	do {
		n = write(fd, &f, sizeof(f));
	} while (n < 0 && errno == EINTR);
	_exit(127);
}

/* Marks every descriptor from 3 up close-on-exec; the exec-status pipe
 * already is, so it survives until exec. */
static int child_cloexec_all(int max_fd)
{
	if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return 0;
	/* kernels before 5.11: one descriptor at a time */
	for (int fd = 3; fd < max_fd; fd++) {
		int fl = fcntl(fd, F_GETFD);

		if (fl >= 0 && !(fl & FD_CLOEXEC) &&
		    fcntl(fd, F_SETFD, fl | FD_CLOEXEC) < 0)
			return -1;
	}
	return 0;
}

static void child_exec(const char *const *argv, const char *cwd, int fds[3],
    int status_fd, int max_fd)
{
	struct sigaction sa;
	sigset_t none;

	setpgid(0, 0);
	/* The caller's blocked signals and an ignored SIGPIPE would otherwise
	 * survive exec, and a blocked SIGTERM would defeat the timeout. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigaction(SIGPIPE, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	/* Lift our ends above 2 first so no dup2 clobbers another. */
	if (status_fd < 3) {
		int fd = fcntl(status_fd, F_DUPFD_CLOEXEC, 3);

		if (fd < 0)
			_exit(127);
		status_fd = fd;
	}
	for (int i = 0; i < 3; i++) {
		if (fds[i] < 3) {
			fds[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 3);
			if (fds[i] < 0)
				child_fail(status_fd, STAGE_SETUP);
		}
	}
	for (int i = 0; i < 3; i++) {
		if (dup2(fds[i], i) < 0)
			child_fail(status_fd, STAGE_SETUP);
	}
	if (child_cloexec_all(max_fd) < 0)
		child_fail(status_fd, STAGE_SETUP);
	if (cwd && chdir(cwd) < 0)
		child_fail(status_fd, STAGE_CHDIR);
	/* execvp's prototype predates const; it does not modify argv */
	execvp(argv[0], (char *const *)argv);
	child_fail(status_fd, STAGE_EXEC);
}

/* --- in the parent ------------------------------------------------------ */

/* Writing to a child that closed its stdin raises SIGPIPE, which would
 * kill us: block it while feeding input and swallow the one we caused. */
struct sigpipe_guard {
	sigset_t old;
	int was_pending;
	int active;
};

static void sigpipe_block(struct sigpipe_guard *g)
{
	sigset_t set, pending;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	sigemptyset(&pending);
	sigpending(&pending);
	g->was_pending = sigismember(&pending, SIGPIPE) == 1;
	g->active = pthread_sigmask(SIG_BLOCK, &set, &g->old) == 0;
}

static void sigpipe_restore(struct sigpipe_guard *g, int got_epipe)
{
	sigset_t set;
	struct timespec zero = { 0, 0 };

	if (!g->active)
		return;
	if (got_epipe && !g->was_pending) {
		sigemptyset(&set);
		sigaddset(&set, SIGPIPE);
		while (sigtimedwait(&set, NULL, &zero) < 0 && errno == EINTR)
			;
	}
	pthread_sigmask(SIG_SETMASK, &g->old, NULL);
}

static int decode_status(int ws)
{
	if (WIFEXITED(ws))
		return WEXITSTATUS(ws);
	if (WIFSIGNALED(ws))
		return 128 + WTERMSIG(ws);
	return 255;
}

/* Waits for `pid` (retrying on EINTR); returns the decoded status or -1. */
static int reap(pid_t pid, int flags, int *status)
{
	int ws;
	pid_t r;

	do {
		r = waitpid(pid, &ws, flags);
	} while (r < 0 && errno == EINTR);
	if (r <= 0)
		return (int)r;
	*status = decode_status(ws);
	return 1;
}

/* Reads what is available on *fd into b, at most `max_reads` chunks (so
 * a fast writer cannot keep us from the timeout); closes *fd at EOF.
 * Returns 0 when the pipe is empty or closed, 1 when more may be waiting,
 * -1 on a read error (errno set). */
static int pump_out(int *fd, struct nr_buf *b, int max_reads)
{
	char chunk[65536];
	ssize_t n;

	while (max_reads > 0) {
		n = read(*fd, chunk, sizeof(chunk));
		if (n > 0) {
			nr_buf_add(b, chunk, (size_t)n);
			max_reads--;
			continue;
		}
		if (n == 0) {
			close_fd(fd);
			return 0;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		return -1;
	}
	return 1;
}

/* After the child exited: what it wrote is all in the pipes already, so
 * take it without waiting for descendants that may hold them open. */
static int drain(int *fd, struct nr_buf *b, long long deadline)
{
	int r = 0;

	while (*fd >= 0 && (r = pump_out(fd, b, 16)) == 1 &&
	    nr_now_ms() < deadline)
		;
	return *fd >= 0 && r < 0 ? -1 : 0;
}

/* Writes what the pipe takes of the remaining input; closes *fd when all
 * is written or the child stopped reading. */
static int pump_in(
    int *fd, const char *data, size_t len, size_t *off, int *got_epipe)
{
	while (*off < len) {
		size_t want = len - *off;
		ssize_t n;

		if (want > 65536)
			want = 65536;
		n = write(*fd, data + *off, want);
		if (n > 0) {
			*off += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n < 0 && errno == EPIPE) {
			/* the child is done reading: not our failure */
			*got_epipe = 1;
			break;
		}
		return -1;
	}
	close_fd(fd);
	return 0;
}

static int open_pidfd(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	(void)pid;
	errno = ENOSYS;
	return -1;
#endif
}

static void describe_timeout(char *s, size_t n, int ms)
{
	if (ms % 1000 == 0)
		snprintf(s, n, "%d s", ms / 1000);
	else
		snprintf(s, n, "%d ms", ms);
}

struct child {
	pid_t pid;
	int pidfd;
	int out, err, in; /* our ends */
	int exited;
	int status;
};

/* Waits for the child, feeding input and collecting output, until it
 * exits; enforces the timeout. Returns 0, or -1 with errno on a system
 * call failure (the child is then still to be killed and reaped). */
static int supervise(struct child *c, struct nr_run_result *res,
    const struct nr_run_opts *o, int timeout_ms)
{
	long long deadline = nr_now_ms() + timeout_ms, kill_at = 0;
	size_t in_off = 0;
	int got_epipe = 0, rc = 0, saved;
	struct sigpipe_guard guard = { 0 };

	if (c->in >= 0)
		sigpipe_block(&guard);
	for (;;) {
		struct pollfd p[4];
		int np = 0, ip_out = -1, ip_err = -1, ip_in = -1, ip_pid = -1;
		long long now = nr_now_ms(), wake;
		int wait_ms, r;

		if (c->exited) {
			long long until = now + KILL_GRACE_MS;

			if (drain(&c->out, &res->out, until) < 0 ||
			    drain(&c->err, &res->err, until) < 0)
				rc = -1;
			break;
		}
		if (!res->timed_out && now >= deadline) {
			res->timed_out = true;
			kill(-c->pid, SIGTERM);
			kill_at = now + KILL_GRACE_MS;
			close_fd(&c->in);
		}
		if (kill_at && now >= kill_at) {
			kill(-c->pid, SIGKILL);
			kill_at = 0;
		}

		if (c->out >= 0) {
			ip_out = np;
			p[np++] = (struct pollfd){ c->out, POLLIN, 0 };
		}
		if (c->err >= 0) {
			ip_err = np;
			p[np++] = (struct pollfd){ c->err, POLLIN, 0 };
		}
		if (c->in >= 0) {
			ip_in = np;
			p[np++] = (struct pollfd){ c->in, POLLOUT, 0 };
		}
		if (c->pidfd >= 0) {
			ip_pid = np;
			p[np++] = (struct pollfd){ c->pidfd, POLLIN, 0 };
		}
		wake = res->timed_out ? kill_at : deadline;
		if (wake)
			wait_ms = wake - now > INT_MAX ? INT_MAX
						       : (int)(wake - now);
		else
			wait_ms = -1;
		if (c->pidfd < 0 && (wait_ms < 0 || wait_ms > EXIT_POLL_MS))
			wait_ms = EXIT_POLL_MS;

		r = poll(p, (nfds_t)np, wait_ms);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			rc = -1;
			break;
		}
		if (ip_out >= 0 && p[ip_out].revents &&
		    pump_out(&c->out, &res->out, 16) < 0) {
			rc = -1;
			break;
		}
		if (ip_err >= 0 && p[ip_err].revents &&
		    pump_out(&c->err, &res->err, 16) < 0) {
			rc = -1;
			break;
		}
		/* POLLERR here means the reader is gone: the write then
		 * fails with EPIPE, which pump_in takes as the end */
		if (ip_in >= 0 && p[ip_in].revents &&
		    pump_in(&c->in, o->input, o->input_len, &in_off,
			&got_epipe) < 0) {
			rc = -1;
			break;
		}
		if (ip_pid < 0 || p[ip_pid].revents) {
			r = reap(c->pid, WNOHANG, &c->status);
			if (r < 0) {
				rc = -1;
				break;
			}
			if (r > 0) {
				c->exited = 1;
				close_fd(&c->in);
			}
		}
	}
	saved = errno;
	close_fd(&c->in);
	if (guard.active)
		sigpipe_restore(&guard, got_epipe);
	errno = saved;
	return rc;
}

void nr_run_result_release(struct nr_run_result *res)
{
	nr_buf_release(&res->out);
	nr_buf_release(&res->err);
	res->status = 0;
	res->timed_out = false;
}

int nr_run(struct nr_run_result *res, const char *const *argv,
    const struct nr_run_opts *opts, struct nr_err *err)
{
	static const struct nr_run_opts none = { 0 };
	const struct nr_run_opts *o = opts ? opts : &none;
	int timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : DEFAULT_TIMEOUT_MS;
	int pin[2] = { -1, -1 }, pout[2] = { -1, -1 }, perr[2] = { -1, -1 };
	int pstat[2] = { -1, -1 };
	struct child c = { -1, -1, -1, -1, -1, 0, 0 };
	struct child_fail fail;
	struct rlimit rl;
	int max_fd = 1024, rc = 0, saved, had_err = err->code != 0;
	ssize_t n;

	res->status = 0;
	res->timed_out = false;
	nr_buf_init(&res->out);
	nr_buf_init(&res->err);
	if (!argv || !argv[0] || !argv[0][0])
		return nr_err_set(err, NR_EINVAL, "no program to run");

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		max_fd = rl.rlim_cur > INT_MAX ? INT_MAX : (int)rl.rlim_cur;
	if (pipe2(pin, O_CLOEXEC) < 0 || pipe2(pout, O_CLOEXEC) < 0 ||
	    pipe2(perr, O_CLOEXEC) < 0 || pipe2(pstat, O_CLOEXEC) < 0) {
		rc = nr_err_sys(
		    err, "cannot run '%s': cannot create a pipe", argv[0]);
		goto out;
	}

	c.pid = fork();
	if (c.pid < 0) {
		rc = nr_err_sys(err, "cannot run '%s': cannot fork", argv[0]);
		goto out;
	}
	if (c.pid == 0) {
		int fds[3] = { pin[0], pout[1], perr[1] };

		child_exec(argv, o->cwd, fds, pstat[1], max_fd);
	}
	/* Also from here, so a kill(-pid) right away cannot miss the group
	 * (whichever of the two setpgid calls runs first wins; the other
	 * may fail harmlessly). */
	setpgid(c.pid, c.pid);
	close_fd(&pin[0]);
	close_fd(&pout[1]);
	close_fd(&perr[1]);
	close_fd(&pstat[1]);

	do {
		n = read(pstat[0], &fail, sizeof(fail));
	} while (n < 0 && errno == EINTR);
	if (n == (ssize_t)sizeof(fail)) {
		reap(c.pid, 0, &res->status);
		c.pid = -1;
		errno = fail.err;
		if (fail.stage == STAGE_CHDIR)
			rc = nr_err_sys(err,
			    "cannot run '%s': cannot enter folder '%s'",
			    argv[0], o->cwd);
		else if (fail.stage == STAGE_SETUP)
			rc = nr_err_sys(err,
			    "cannot run '%s': cannot set up its descriptors",
			    argv[0]);
		else
			rc = nr_err_sys(err, "cannot run '%s'", argv[0]);
		if (fail.err == ENOENT && !had_err) {
			/* callers may treat a missing program specially */
			err->code = NR_ENOTFOUND;
			rc = NR_ENOTFOUND;
		}
		goto out;
	}

	c.out = pout[0];
	c.err = perr[0];
	pout[0] = perr[0] = -1;
	if (o->input && o->input_len) {
		c.in = pin[1];
		pin[1] = -1;
	}
	close_fd(&pin[1]); /* no input: the child reads EOF */
	if (set_nonblock(c.out) < 0 || set_nonblock(c.err) < 0 ||
	    (c.in >= 0 && set_nonblock(c.in) < 0)) {
		rc = nr_err_sys(err, "cannot run '%s': fcntl", argv[0]);
		goto out;
	}
	c.pidfd = open_pidfd(c.pid);

	if (supervise(&c, res, o, timeout_ms) < 0) {
		rc = nr_err_sys(err, "error while running '%s'", argv[0]);
		goto out;
	}
	res->status = c.status;
	c.pid = -1;
	if (res->timed_out) {
		char t[32];

		describe_timeout(t, sizeof(t), timeout_ms);
		rc = nr_err_set(
		    err, NR_EEXTERNAL, "'%s' timed out after %s", argv[0], t);
	}

out:
	saved = errno;
	if (c.pid > 0) {
		/* an internal failure while it runs: do not leave it behind */
		kill(-c.pid, SIGKILL);
		kill(c.pid, SIGKILL);
		reap(c.pid, 0, &res->status);
	}
	close_fd(&c.pidfd);
	close_fd(&c.out);
	close_fd(&c.err);
	close_fd(&c.in);
	close_pair(pin);
	close_pair(pout);
	close_pair(perr);
	close_pair(pstat);
	errno = saved;
	return rc;
}

/* Characters that never need quoting for a POSIX shell reader. */
static int plain_char(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') || strchr("@%+=:,./_-", ch) != NULL;
}

char *nr_argv_str(const char *const *argv)
{
	struct nr_buf b = NR_BUF_INIT;

	for (size_t i = 0; argv && argv[i]; i++) {
		const char *w = argv[i];
		int plain = w[0] != '\0';

		for (const char *p = w; *p && plain; p++)
			plain = plain_char((unsigned char)*p);
		if (i)
			nr_buf_addch(&b, ' ');
		if (plain) {
			nr_buf_adds(&b, w);
			continue;
		}
		nr_buf_addch(&b, '\'');
		for (const char *p = w; *p; p++) {
			if (*p == '\'')
				nr_buf_adds(&b, "'\\''");
			else
				nr_buf_addch(&b, *p);
		}
		nr_buf_addch(&b, '\'');
	}
	return nr_buf_detach(&b);
}

int nr_run_checked(const char *const *argv, struct nr_err *err)
{
	struct nr_run_result res;
	char *line = nr_argv_str(argv);
	int rc = nr_run(&res, argv, NULL, err);

	if (rc == 0 && res.status != 0) {
		size_t n = res.err.len;

		while (
		    n && (res.err.s[n - 1] == '\n' || res.err.s[n - 1] == ' '))
			n--;
		rc = nr_err_set(err, NR_EEXTERNAL,
		    "'%s' failed with status %d%s%.*s", line, res.status,
		    n ? ": " : "", (int)(n > 400 ? 400 : n), res.err.s);
	}
	nr_run_result_release(&res);
	free(line);
	return rc;
}
