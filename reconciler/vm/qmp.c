/* qmp: the QMP client (see qmp.h).
 *
 * QEMU writes one JSON object per line. The reader keeps what it has read
 * in q->buf, hands out whole lines, and waits for more with poll() against
 * one deadline per call, so neither a silent nor a chatty QEMU can hold a
 * caller past its timeout. The socket is non-blocking throughout; a write
 * to a socket QEMU has closed gives an error, not SIGPIPE. */
#include "vm/qmp.h"
#include "lib/clock.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "lib/mem.h"

#define DEFAULT_TIMEOUT_MS 10000
/* query-qmp-schema, the largest reply, is a few hundred KiB. */
#define MAX_LINE ((size_t)16 * 1024 * 1024)
/* Events nobody waits for (RTC_CHANGE, ...) must not grow without end. */
#define MAX_EVENTS 256
#define CONNECT_RETRY_MS 20

enum { TIMED_OUT = 1 };

static int left_ms(long long deadline)
{
	long long left = deadline - nr_now_ms();

	return left < 0 ? 0 : left > 0x7fffffff ? 0x7fffffff : (int)left;
}

static int fail_closed(struct nr_qmp *q, struct nr_err *err)
{
	if (q->fd >= 0) {
		close(q->fd);
		q->fd = -1;
	}
	return nr_err_set(err, NR_EIO,
	    "QEMU closed the QMP socket '%s' (did it exit?)",
	    q->path ? q->path : "");
}

static int count_kinds(json_t *msg)
{
	static const char *const kinds[] = { "QMP", "return", "error",
		"event" };
	int n = 0;

	for (size_t i = 0; i < NR_ARRAY_SIZE(kinds); i++)
		if (json_object_get(msg, kinds[i]))
			n++;
	return n;
}

static int parse(json_t **out, const char *line, size_t len, struct nr_err *err)
{
	json_error_t jerr;
	json_t *msg, *v;
	const char *why = NULL;

	msg = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!msg)
		return nr_err_set(err, NR_EINVAL, "invalid JSON at byte %d: %s",
		    jerr.position, jerr.text);
	if (!json_is_object(msg))
		why = "not a JSON object";
	else if (count_kinds(msg) != 1)
		why = "not exactly one of a greeting, a reply or an event";
	else if ((v = json_object_get(msg, "QMP")) && !json_is_object(v))
		why = "a greeting whose \"QMP\" is not an object";
	else if ((v = json_object_get(msg, "event")) && !json_is_string(v))
		why = "an event whose name is not a string";
	else if ((v = json_object_get(msg, "error")) &&
	    (!json_is_string(json_object_get(v, "class")) ||
		!json_is_string(json_object_get(v, "desc"))))
		why = "an error without a string \"class\" and \"desc\"";
	if (why) {
		json_decref(msg);
		return nr_err_set(err, NR_EINVAL, "message is %s", why);
	}
	*out = msg;
	return 0;
}

json_t *nr_qmp_parse(const char *line, size_t len, struct nr_err *err)
{
	json_t *msg = NULL;

	if (parse(&msg, line, len, err) < 0)
		return NULL;
	return msg;
}

static int blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return 0;
	return 1;
}

/* Takes the next whole line out of q->buf, if there is one. Returns 1 and
 * sets *out (NULL for a blank line), 0 when no line is complete yet, or an
 * error for a line that is not a QMP message. */
static int take_line(struct nr_qmp *q, json_t **out, struct nr_err *err)
{
	char *nl = q->len ? memchr(q->buf, '\n', q->len) : NULL;
	struct nr_err perr = NR_ERR_INIT;
	size_t n;
	int rc = 1;

	*out = NULL;
	if (!nl)
		return 0;
	n = (size_t)(nl - q->buf);
	if (!blank(q->buf, n) && parse(out, q->buf, n, &perr) < 0)
		rc = nr_err_set(err, perr.code,
		    "bad message on QMP socket '%s': %s", q->path, perr.msg);
	q->len -= n + 1;
	memmove(q->buf, nl + 1, q->len);
	return rc;
}

/* Reads the next message. Returns 0 with *out (a new reference),
 * TIMED_OUT at the deadline (err untouched), or an error. */
static int read_msg(
    struct nr_qmp *q, long long deadline, json_t **out, struct nr_err *err)
{
	for (;;) {
		struct pollfd pfd;
		ssize_t n;
		int rc = take_line(q, out, err);

		if (rc < 0)
			return rc;
		if (rc == 1) {
			if (*out)
				return 0;
			continue;
		}
		if (q->fd < 0)
			return fail_closed(q, err);
		if (q->len >= MAX_LINE)
			return nr_err_set(err, NR_EINVAL,
			    "message on QMP socket '%s' is longer than %zu "
			    "bytes",
			    q->path, MAX_LINE);
		pfd.fd = q->fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		rc = poll(&pfd, 1, left_ms(deadline));
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc < 0)
			return nr_err_sys(
			    err, "cannot wait on QMP socket '%s'", q->path);
		if (rc == 0)
			return TIMED_OUT;
		if (q->cap - q->len < 4096) {
			q->cap = q->cap ? q->cap * 2 : 8192;
			q->buf = nr_realloc(q->buf, q->cap);
		}
		n = read(q->fd, q->buf + q->len, q->cap - q->len);
		if (n == 0 ||
		    (n < 0 && (errno == ECONNRESET || errno == EPIPE)))
			return fail_closed(q, err);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return nr_err_sys(
			    err, "cannot read QMP socket '%s'", q->path);
		q->len += (size_t)n;
	}
}

static int send_all(struct nr_qmp *q, const char *s, size_t len,
    long long deadline, struct nr_err *err)
{
	while (len) {
		struct pollfd pfd;
		ssize_t n;
		int rc;

		if (q->fd < 0)
			return fail_closed(q, err);
		n = send(q->fd, s, len, MSG_NOSIGNAL);
		if (n > 0) {
			s += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && (errno == EPIPE || errno == ECONNRESET))
			return fail_closed(q, err);
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return nr_err_sys(
			    err, "cannot write to QMP socket '%s'", q->path);
		pfd.fd = q->fd;
		pfd.events = POLLOUT;
		pfd.revents = 0;
		rc = poll(&pfd, 1, left_ms(deadline));
		if (rc == 0)
			return nr_err_set(err, NR_EEXTERNAL,
			    "QEMU stopped reading QMP socket '%s'", q->path);
		if (rc < 0 && errno != EINTR)
			return nr_err_sys(
			    err, "cannot wait on QMP socket '%s'", q->path);
	}
	return 0;
}

static void keep_event(struct nr_qmp *q, json_t *msg)
{
	if (json_array_size(q->events) >= MAX_EVENTS)
		json_array_remove(q->events, 0);
	json_array_append_new(q->events, msg);
}

static int connect_unix(
    struct nr_qmp *q, long long deadline, struct nr_err *err)
{
	struct sockaddr_un sa;
	int had_err = err->code != 0;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(q->path) >= sizeof(sa.sun_path))
		return nr_err_set(err, NR_EINVAL,
		    "QMP socket path '%s' is too long (at most %zu bytes)",
		    q->path, sizeof(sa.sun_path) - 1);
	memcpy(sa.sun_path, q->path, strlen(q->path));
	q->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (q->fd < 0)
		return nr_err_sys(err, "cannot create a unix socket");
	/* A full backlog (QEMU busy or stopped) gives EAGAIN, not a wait. */
	while (connect(q->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if ((errno == EAGAIN || errno == EINTR) && left_ms(deadline)) {
			nr_sleep_ms(CONNECT_RETRY_MS);
			continue;
		}
		if (errno == EAGAIN)
			return nr_err_set(err, NR_EEXTERNAL,
			    "cannot connect to QMP socket '%s': QEMU is not "
			    "accepting connections",
			    q->path);
		if (errno == ENOENT && !had_err) {
			nr_err_sys(
			    err, "cannot connect to QMP socket '%s'", q->path);
			err->code = NR_ENOTFOUND;
			return NR_ENOTFOUND;
		}
		return nr_err_sys(
		    err, "cannot connect to QMP socket '%s'", q->path);
	}
	return 0;
}

int nr_qmp_open(
    struct nr_qmp *q, const char *path, int timeout_ms, struct nr_err *err)
{
	long long deadline;
	json_t *greeting = NULL;
	int rc;

	q->fd = -1;
	q->path = nr_strdup(path);
	q->buf = NULL;
	q->len = q->cap = 0;
	q->events = json_array();
	q->timeout_ms = timeout_ms > 0 ? timeout_ms : DEFAULT_TIMEOUT_MS;
	deadline = nr_now_ms() + q->timeout_ms;

	rc = connect_unix(q, deadline, err);
	if (rc < 0)
		goto out;
	rc = read_msg(q, deadline, &greeting, err);
	if (rc == TIMED_OUT) {
		/* QEMU serves one client at a time; others wait unanswered */
		rc = nr_err_set(err, NR_EEXTERNAL,
		    "no greeting on QMP socket '%s' within %d ms (is another "
		    "client connected?)",
		    q->path, q->timeout_ms);
		goto out;
	}
	if (rc < 0)
		goto out;
	if (!json_object_get(greeting, "QMP")) {
		rc = nr_err_set(err, NR_EEXTERNAL,
		    "'%s' is not a QMP socket: it did not start with a "
		    "greeting",
		    q->path);
		goto out;
	}
	rc = nr_qmp_exec(q, NULL, "qmp_capabilities", NULL, err);
out:
	json_decref(greeting);
	if (rc < 0)
		nr_qmp_close(q);
	return rc;
}

void nr_qmp_close(struct nr_qmp *q)
{
	if (q->fd >= 0)
		close(q->fd);
	q->fd = -1;
	free(q->path);
	q->path = NULL;
	free(q->buf);
	q->buf = NULL;
	q->len = q->cap = 0;
	json_decref(q->events);
	q->events = NULL;
}

/* A reply belongs to the command with the same id. QEMU leaves the id out
 * only when it could not parse the request, which is then ours. */
static int is_ours(json_t *reply, const char *id)
{
	json_t *v = json_object_get(reply, "id");

	return !v ||
	    (json_is_string(v) && strcmp(json_string_value(v), id) == 0);
}

int nr_qmp_exec(struct nr_qmp *q, json_t **ret, const char *command,
    json_t *args, struct nr_err *err)
{
	struct timespec ts;
	char id[64];
	json_t *req, *msg = NULL, *e;
	char *text;
	long long deadline = nr_now_ms() + q->timeout_ms;
	int rc;

	if (!command || (args && !json_is_object(args)))
		return nr_err_set(err, NR_EINVAL,
		    "QMP command '%s' needs a name and object arguments",
		    command ? command : "");
	/* One command at a time, so the clock makes each id unique, and a
	 * late reply to an earlier command that timed out never matches. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(id, sizeof(id), "netrec-%lld.%09ld", (long long)ts.tv_sec,
	    ts.tv_nsec);
	req = json_pack("{s:s, s:s}", "execute", command, "id", id);
	if (!req)
		return nr_err_set(err, NR_EINVAL,
		    "QMP command name '%s' is not valid UTF-8", command);
	if (args)
		json_object_set(req, "arguments", args);
	text = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	if (!text)
		return nr_err_set(err, NR_EINVAL,
		    "cannot encode the arguments of QMP command '%s'", command);
	rc = send_all(q, text, strlen(text), deadline, err);
	if (rc == 0)
		rc = send_all(q, "\n", 1, deadline, err);
	free(text);
	if (rc < 0)
		return rc;

	for (;;) {
		rc = read_msg(q, deadline, &msg, err);
		if (rc == TIMED_OUT)
			return nr_err_set(err, NR_EEXTERNAL,
			    "no reply to QMP command '%s' on '%s' within %d ms",
			    command, q->path, q->timeout_ms);
		if (rc < 0)
			return rc;
		if (json_object_get(msg, "event")) {
			keep_event(q, msg);
			continue;
		}
		if (!json_object_get(msg, "QMP") && is_ours(msg, id))
			break;
		json_decref(msg); /* a stale reply, or a second greeting */
	}

	e = json_object_get(msg, "error");
	if (e) {
		rc = nr_err_set(err, NR_EEXTERNAL, "qmp: %s: %s",
		    json_string_value(json_object_get(e, "class")),
		    json_string_value(json_object_get(e, "desc")));
	} else if (ret) {
		*ret = json_incref(json_object_get(msg, "return"));
	}
	json_decref(msg);
	return rc;
}

static int event_is(json_t *msg, const char *name)
{
	json_t *v = json_object_get(msg, "event");

	return v && strcmp(json_string_value(v), name) == 0;
}

int nr_qmp_wait_event(
    struct nr_qmp *q, const char *name, int timeout_ms, struct nr_err *err)
{
	long long deadline = nr_now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	size_t i;
	json_t *msg;

	for (i = 0; i < json_array_size(q->events); i++) {
		if (event_is(json_array_get(q->events, i), name)) {
			json_array_remove(q->events, i);
			return 0;
		}
	}
	for (;;) {
		int rc = read_msg(q, deadline, &msg, err);

		if (rc == TIMED_OUT)
			return nr_err_set(err, NR_ENOTFOUND,
			    "no %s event on QMP socket '%s' within %d ms", name,
			    q->path, timeout_ms);
		if (rc < 0)
			return rc;
		if (event_is(msg, name)) {
			json_decref(msg);
			return 0;
		}
		if (json_object_get(msg, "event"))
			keep_event(q, msg);
		else
			json_decref(msg); /* a reply nobody waits for */
	}
}
