/* journal: reading and appending state/journal.jsonl (see journal.h).
 *
 * A line is well-formed when it ends in '\n' and is a JSON object with an
 * integer "seq" and a string "event". Anything else is kept out of
 * `entries` and the first such line is reported through bad_line/bad_text.
 * An append is one write(2) of the whole line on an O_APPEND descriptor,
 * so a crash leaves at most one torn last line, which the next append
 * closes with a '\n' instead of overwriting. */
#include "state/journal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/fsutil.h"
#include "lib/mem.h"

#define JOURNAL_NAME "journal.jsonl"
#define BAD_TEXT_MAX 200

char *nr_utc_now(void)
{
	char s[32];
	time_t now = time(NULL);
	struct tm tm;

	if (!gmtime_r(&now, &tm) ||
	    strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return nr_strdup("1970-01-01T00:00:00Z");
	return nr_strdup(s);
}

static bool entry_ok(const json_t *e)
{
	return json_is_object(e) &&
	    json_is_integer(json_object_get(e, "seq")) &&
	    json_is_string(json_object_get(e, "event"));
}

static int read_all(
    struct nr_buf *b, int fd, const char *path, struct nr_err *err)
{
	char chunk[65536];
	ssize_t n;

	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return nr_err_sys(err, "cannot read '%s'", path);
		if (n == 0)
			return 0;
		nr_buf_add(b, chunk, (size_t)n);
	}
}

static void note_bad(
    struct nr_journal *j, size_t lineno, const char *text, size_t len)
{
	if (j->bad_line)
		return;
	j->bad_line = lineno;
	j->bad_text = nr_strndup(text, len < BAD_TEXT_MAX ? len : BAD_TEXT_MAX);
}

/* Splits `b` into lines; fills `j`. Never fails: bad lines are noted. */
static void parse_lines(struct nr_journal *j, const struct nr_buf *b)
{
	size_t pos = 0, lineno = 0;

	while (pos < b->len) {
		const char *line = b->s + pos;
		const char *nl = memchr(line, '\n', b->len - pos);
		size_t len = nl ? (size_t)(nl - line) : b->len - pos;
		json_t *e;

		lineno++;
		pos += len + (nl ? 1 : 0);
		if (!nl) { /* torn: the write that ends it never happened */
			note_bad(j, lineno, line, len);
			break;
		}
		if (len == 0)
			continue;
		e = json_loadb(line, len, JSON_REJECT_DUPLICATES, NULL);
		if (!entry_ok(e)) {
			json_decref(e);
			note_bad(j, lineno, line, len);
			continue;
		}
		if (json_integer_value(json_object_get(e, "seq")) > j->last_seq)
			j->last_seq =
			    json_integer_value(json_object_get(e, "seq"));
		json_array_append_new(j->entries, e);
	}
}

int nr_journal_read(
    struct nr_journal *out, const char *state_dir, struct nr_err *err)
{
	char *path = nr_asprintf("%s/" JOURNAL_NAME, state_dir);
	struct nr_journal j = { json_array(), 0, NULL, 0 };
	struct nr_buf b = NR_BUF_INIT;
	int fd, rc = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno != ENOENT) {
		rc = nr_err_sys(err, "cannot open '%s'", path);
		goto out;
	}
	if (fd >= 0) {
		rc = read_all(&b, fd, path, err);
		close(fd);
		if (rc)
			goto out;
		parse_lines(&j, &b);
	}
	*out = j;
	j = (struct nr_journal){ NULL, 0, NULL, 0 };
out:
	nr_journal_release(&j);
	nr_buf_release(&b);
	free(path);
	return rc;
}

void nr_journal_release(struct nr_journal *j)
{
	json_decref(j->entries);
	free(j->bad_text);
	j->entries = NULL;
	j->bad_line = 0;
	j->bad_text = NULL;
	j->last_seq = 0;
}

/* A copy of `entry` with "time" after "event" (or last) when absent, so
 * the caller's object is left as it was. */
static json_t *with_time(json_t *entry)
{
	json_t *e, *v;
	const char *key;
	char *now;

	if (json_object_get(entry, "time"))
		return json_copy(entry);
	e = json_object();
	now = nr_utc_now();
	json_object_foreach (entry, key, v) {
		json_object_set(e, key, v);
		if (strcmp(key, "event") == 0)
			json_object_set_new(e, "time", json_string(now));
	}
	if (!json_object_get(e, "time"))
		json_object_set_new(e, "time", json_string(now));
	free(now);
	return e;
}

/* Does the file end in a torn line (non-empty and no final '\n')? */
static int ends_torn(
    bool *torn, int fd, off_t size, const char *path, struct nr_err *err)
{
	char last;
	ssize_t n;

	*torn = false;
	if (size == 0)
		return 0;
	do
		n = pread(fd, &last, 1, size - 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		return nr_err_sys(err, "cannot read '%s'", path);
	*torn = last != '\n';
	return 0;
}

/* One write of the whole text; on a short write the rest is tried once
 * more, only to learn the reason, and the file is cut back to `size` on
 * failure so no partial line stays behind. */
static int write_line(int fd, off_t size, const struct nr_buf *b,
    const char *path, struct nr_err *err)
{
	size_t done = 0;
	ssize_t n;
	int saved;

	do
		n = write(fd, b->s, b->len);
	while (n < 0 && errno == EINTR);
	if (n == 0)
		errno = ENOSPC;
	if (n > 0)
		done = (size_t)n;
	if (done < b->len && n > 0) {
		do
			n = write(fd, b->s + done, b->len - done);
		while (n < 0 && errno == EINTR);
		if (n > 0)
			done += (size_t)n;
		else if (n == 0)
			errno = ENOSPC;
	}
	if (done == b->len)
		return 0;
	saved = errno;
	if (done > 0 && ftruncate(fd, size) < 0)
		return nr_err_sys(err,
		    "cannot append to '%s' and cannot cut back a partial line",
		    path);
	errno = saved;
	return nr_err_sys(err, "cannot append to '%s'", path);
}

/* A new journal's directory entry is made durable too. */
static int sync_dir(const char *dir, struct nr_err *err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = 0;

	if (fd < 0)
		return nr_err_sys(err, "cannot open '%s'", dir);
	if (fsync(fd) < 0)
		rc = nr_err_sys(err, "cannot sync '%s'", dir);
	close(fd);
	return rc;
}

int nr_journal_append(const char *state_dir, json_t *entry, struct nr_err *err)
{
	struct nr_buf b = NR_BUF_INIT;
	char *path = NULL, *text = NULL;
	json_t *e = NULL;
	struct stat st;
	bool torn;
	int fd = -1, rc;

	if (!entry_ok(entry))
		return nr_err_set(err, NR_EINVAL,
		    "journal entry must be an object with 'seq' and 'event'");
	e = with_time(entry);
	text = json_dumps(e, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (!text) {
		rc = nr_err_set(
		    err, NR_EEXTERNAL, "cannot serialise journal entry");
		goto out;
	}
	rc = nr_mkdir_p(state_dir, 0700, err);
	if (rc)
		goto out;
	path = nr_asprintf("%s/" JOURNAL_NAME, state_dir);
	fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = nr_err_sys(err, "cannot open '%s'", path);
		goto out;
	}
	if (fstat(fd, &st) < 0) {
		rc = nr_err_sys(err, "cannot stat '%s'", path);
		goto out;
	}
	rc = ends_torn(&torn, fd, st.st_size, path, err);
	if (rc)
		goto out;
	if (torn)
		nr_buf_addch(&b, '\n');
	nr_buf_adds(&b, text);
	nr_buf_addch(&b, '\n');
	rc = write_line(fd, st.st_size, &b, path, err);
	if (rc)
		goto out;
	if (fsync(fd) < 0) {
		rc = nr_err_sys(err, "cannot sync '%s'", path);
		/* not known to be on disk: do not leave it looking recorded */
		(void)!ftruncate(fd, st.st_size);
		goto out;
	}
	if (st.st_size == 0)
		rc = sync_dir(state_dir, err);
out:
	if (fd >= 0 && close(fd) < 0 && !rc)
		rc = nr_err_sys(err, "cannot close '%s'", path);
	nr_buf_release(&b);
	free(text);
	free(path);
	json_decref(e);
	return rc;
}

static const char *event_of(const json_t *e)
{
	const char *s = json_string_value(json_object_get(e, "event"));

	return s ? s : "";
}

static json_t *find(
    const struct nr_journal *j, long long seq, const char *event)
{
	size_t i = j->entries ? json_array_size(j->entries) : 0;

	while (i-- > 0) {
		json_t *e = json_array_get(j->entries, i);

		if (json_integer_value(json_object_get(e, "seq")) == seq &&
		    strcmp(event_of(e), event) == 0)
			return e;
	}
	return NULL;
}

json_t *nr_journal_begin_of(const struct nr_journal *j, long long seq)
{
	return find(j, seq, "begin");
}

json_t *nr_journal_end_of(const struct nr_journal *j, long long seq)
{
	return find(j, seq, "end");
}

json_t *nr_journal_applied_before(
    const struct nr_journal *j, long long before_seq, json_t **begin)
{
	size_t i = j->entries ? json_array_size(j->entries) : 0;

	while (i-- > 0) {
		json_t *e = json_array_get(j->entries, i);
		const char *outcome =
		    json_string_value(json_object_get(e, "outcome"));
		long long seq = json_integer_value(json_object_get(e, "seq"));

		if (strcmp(event_of(e), "end") != 0 || !outcome ||
		    strcmp(outcome, "applied") != 0 || seq >= before_seq)
			continue;
		if (begin)
			*begin = nr_journal_begin_of(j, seq);
		return e;
	}
	if (begin)
		*begin = NULL;
	return NULL;
}

json_t *nr_journal_last_applied(const struct nr_journal *j, json_t **begin)
{
	return nr_journal_applied_before(j, LLONG_MAX, begin);
}
