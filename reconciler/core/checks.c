/* checks: health probes after an apply. */
#include "core/checks.h"
#include "lib/clock.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib/mem.h"
#include "lib/run.h"

/* One non-blocking connect with a timeout. */
static int try_connect(const struct addrinfo *ai, int timeout_ms)
{
	int fd = socket(ai->ai_family,
	    ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
	struct pollfd p;
	int soerr = 0;
	socklen_t len = sizeof(soerr);

	if (fd < 0)
		return errno;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
		close(fd);
		return 0;
	}
	if (errno != EINPROGRESS) {
		soerr = errno;
		close(fd);
		return soerr;
	}
	p = (struct pollfd){ fd, POLLOUT, 0 };
	if (poll(&p, 1, timeout_ms) != 1)
		soerr = ETIMEDOUT;
	else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0)
		soerr = errno;
	close(fd);
	return soerr;
}

/* "host:port" or "[v6]:port" -> a TCP connect; the error, or NULL. */
static char *probe_tcp(const char *hostport, int timeout_ms)
{
	char host[256];
	const char *colon = strrchr(hostport, ':');
	const char *h = hostport;
	size_t hlen = (size_t)(colon - hostport);
	struct addrinfo hints = { 0 }, *res = NULL;
	int rc, e = ETIMEDOUT;

	if (h[0] == '[') {
		h++;
		hlen -= 2;
	}
	snprintf(host, sizeof(host), "%.*s", (int)hlen, h);
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(host, colon + 1, &hints, &res);
	if (rc != 0)
		return nr_asprintf(
		    "cannot resolve '%s': %s", host, gai_strerror(rc));
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		e = try_connect(ai, timeout_ms);
		if (e == 0)
			break;
	}
	freeaddrinfo(res);
	return e ? nr_asprintf("%s", strerror(e)) : NULL;
}

static char *probe_command(const struct nr_vals *argv_vals, int timeout_ms)
{
	const char **argv = nr_calloc(argv_vals->n + 1, sizeof(*argv));
	struct nr_run_opts opts = { .timeout_ms = timeout_ms };
	struct nr_run_result res;
	struct nr_err err = NR_ERR_INIT;
	char *why = NULL;
	int rc;

	for (size_t i = 0; i < argv_vals->n; i++)
		argv[i] = argv_vals->v[i].s;
	rc = nr_run(&res, argv, &opts, &err);
	if (rc < 0)
		why = nr_strdup(err.msg);
	else if (res.status != 0)
		why = nr_asprintf("exit status %d", res.status);
	nr_run_result_release(&res);
	free(argv);
	return why;
}

static char *probe_one(const struct nr_probe *p, int timeout_ms)
{
	if (p->tcp.s)
		return probe_tcp(p->tcp.s, timeout_ms);
	return probe_command(&p->command, timeout_ms);
}

static void describe(struct nr_buf *b, const struct nr_probe *p)
{
	if (p->tcp.s) {
		nr_buf_addf(b, "tcp %s", p->tcp.s);
		return;
	}
	nr_buf_adds(b, "command");
	for (size_t i = 0; i < p->command.n; i++)
		nr_buf_addf(b, " %s", p->command.v[i].s);
}

int nr_checks_run(
    struct nr_ctx *ctx, const struct nr_checks *checks, struct nr_buf *why)
{
	long long start = nr_now_ms();
	long long end = start + checks->timeout.num * 1000;
	int round = 0;

	if (!checks->probes.n)
		return 0;
	nr_say(ctx, "\nHealth checks (%zu probe%s, up to %s):\n",
	    checks->probes.n, checks->probes.n == 1 ? "" : "s",
	    checks->timeout.s);
	for (;;) {
		size_t failed = 0;

		round++;
		nr_buf_reset(why);
		for (size_t i = 0; i < checks->probes.n; i++) {
			const struct nr_probe *p = &checks->probes.v[i];
			long long left = end - nr_now_ms();
			char *e = probe_one(p,
			    left < 2000 ? (left > 100 ? (int)left : 100)
					: 2000);

			if (e) {
				failed++;
				if (why->len)
					nr_buf_adds(why, "; ");
				describe(why, p);
				nr_buf_addf(why, ": %s", e);
				free(e);
			}
		}
		if (!failed) {
			nr_say(ctx, "  all passed in %lld ms (round %d)\n",
			    nr_now_ms() - start, round);
			return 0;
		}
		if (nr_now_ms() >= end) {
			nr_say(ctx, "  failed after %lld ms: %s\n",
			    nr_now_ms() - start, why->s);
			return -1;
		}
		if (round == 1 || round % 5 == 0)
			nr_say(ctx, "  waiting: %s\n", why->s);
		nr_sleep_ms(1000);
	}
}
