/* test-journal: state/journal.jsonl appends, reading back, the queries,
 * torn and invalid lines, and a full disk (RLIMIT_FSIZE) mid-append. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/err.h"
#include "lib/mem.h"
#include "state/journal.h"
#include "testutil.h"

struct fixture {
	char *tmp;
	char *state; /* tmp/var/state: missing until the first append */
	char *file;
};

static int setup(void **state)
{
	struct fixture *f = nr_calloc(1, sizeof(*f));

	f->tmp = nr_test_tmpdir();
	f->state = nr_asprintf("%s/var/state", f->tmp);
	f->file = nr_asprintf("%s/journal.jsonl", f->state);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	nr_test_rmrf(f->tmp);
	free(f->tmp);
	free(f->state);
	free(f->file);
	free(f);
	return 0;
}

static json_t *begin(long long seq, const char *commit)
{
	return json_pack("{s:I, s:s, s:s, s:s?, s:s, s:i}", "seq",
	    (json_int_t)seq, "event", "begin", "action", "apply", "commit",
	    commit, "trigger", "cli", "pid", 42);
}

static json_t *end(long long seq, const char *outcome)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:i}", "seq", (json_int_t)seq,
	    "event", "end", "action", "apply", "outcome", outcome,
	    "duration_ms", 1234);
}

/* Appends and drops the reference; asserts success. */
static void add(const char *state_dir, json_t *e)
{
	struct nr_err err = NR_ERR_INIT;

	assert_non_null(e);
	assert_int_equal(nr_journal_append(state_dir, e, &err), 0);
	assert_int_equal(err.code, 0);
	json_decref(e);
}

static void append_raw(const char *path, const char *text)
{
	FILE *fp = fopen(path, "ab");

	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

static long long file_size(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return (long long)st.st_size;
}

static const char *str(const json_t *e, const char *key)
{
	return json_string_value(json_object_get(e, key));
}

static long long seq_of(const json_t *e)
{
	return json_integer_value(json_object_get(e, "seq"));
}

static void assert_utc_time(const char *t)
{
	assert_non_null(t);
	assert_int_equal(strlen(t), 20);
	assert_int_equal(t[4], '-');
	assert_int_equal(t[10], 'T');
	assert_int_equal(t[13], ':');
	assert_int_equal(t[19], 'Z');
	assert_true(strncmp(t, "20", 2) == 0);
}

static void test_utc_now(void **state)
{
	char *t = nr_utc_now();

	(void)state;
	assert_utc_time(t);
	free(t);
}

static void test_append_and_read(void **state)
{
	struct fixture *f = *state;
	struct nr_journal j;
	struct nr_err err = NR_ERR_INIT;
	json_t *e = begin(1, "aaaa");
	const char *head = "{\"seq\":1,\"event\":\"begin\",\"time\":\"";
	struct stat st;
	size_t len;
	char *text;

	/* the caller's entry is not changed (no "time" added to it) */
	assert_int_equal(nr_journal_append(f->state, e, &err), 0);
	assert_null(json_object_get(e, "time"));
	assert_int_equal(e->refcount, 1);
	json_decref(e);
	add(f->state, end(1, "applied"));
	e = begin(2, NULL);
	json_object_set_new(e, "time", json_string("2020-01-02T03:04:05Z"));
	add(f->state, e);
	add(f->state, end(2, "failed"));
	add(f->state, begin(3, "cccc"));

	assert_int_equal(stat(f->state, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(stat(f->file, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);

	text = nr_test_read(f->file, &len);
	assert_non_null(text);
	assert_true(len > 0);
	assert_int_equal(text[len - 1], '\n');
	/* compact, key order kept, time right after event */
	assert_true(strncmp(text, head, strlen(head)) == 0);
	free(text);

	assert_int_equal(nr_journal_read(&j, f->state, &err), 0);
	assert_int_equal(json_array_size(j.entries), 5);
	assert_int_equal(j.bad_line, 0);
	assert_null(j.bad_text);
	assert_int_equal(j.last_seq, 3);
	for (size_t i = 0; i < 5; i++) {
		json_t *x = json_array_get(j.entries, i);

		assert_int_equal(seq_of(x), (long long)i / 2 + 1);
		assert_string_equal(str(x, "event"), i % 2 ? "end" : "begin");
		assert_utc_time(str(x, "time"));
	}
	assert_string_equal(
	    str(json_array_get(j.entries, 0), "commit"), "aaaa");
	assert_true(json_is_null(
	    json_object_get(json_array_get(j.entries, 2), "commit")));
	assert_string_equal(
	    str(json_array_get(j.entries, 2), "time"), "2020-01-02T03:04:05Z");
	assert_string_equal(
	    str(json_array_get(j.entries, 3), "outcome"), "failed");
	nr_journal_release(&j);
	assert_null(j.entries);
}

static void test_queries(void **state)
{
	struct fixture *f = *state;
	struct nr_journal j;
	struct nr_err err = NR_ERR_INIT;
	json_t *b = NULL, *e;

	add(f->state, begin(1, "aaaa"));
	add(f->state, end(1, "applied"));
	add(f->state, begin(2, "bbbb"));
	add(f->state, end(2, "failed"));
	add(f->state, begin(3, "cccc"));
	assert_int_equal(nr_journal_read(&j, f->state, &err), 0);

	e = nr_journal_last_applied(&j, &b);
	assert_non_null(e);
	assert_int_equal(seq_of(e), 1);
	assert_string_equal(str(e, "event"), "end");
	assert_non_null(b);
	assert_string_equal(str(b, "commit"), "aaaa");
	assert_ptr_equal(b, nr_journal_begin_of(&j, 1));
	assert_ptr_equal(e, nr_journal_end_of(&j, 1));

	assert_string_equal(str(nr_journal_begin_of(&j, 3), "commit"), "cccc");
	assert_null(nr_journal_end_of(&j, 3)); /* interrupted */
	assert_string_equal(str(nr_journal_end_of(&j, 2), "outcome"), "failed");
	assert_null(nr_journal_begin_of(&j, 99));
	assert_null(nr_journal_end_of(&j, 0));
	nr_journal_release(&j);

	/* an attempt whose checks failed and was rolled back is not live;
	 * a later applied one is, and applied_before looks past it */
	add(f->state, end(3, "failed"));
	add(f->state, begin(4, "dddd"));
	add(f->state, end(4, "rolled-back"));
	assert_int_equal(nr_journal_read(&j, f->state, &err), 0);
	e = nr_journal_last_applied(&j, &b);
	assert_non_null(e);
	assert_int_equal(seq_of(e), 1);
	assert_string_equal(str(b, "commit"), "aaaa");
	nr_journal_release(&j);

	add(f->state, begin(5, "eeee"));
	add(f->state, end(5, "applied"));
	assert_int_equal(nr_journal_read(&j, f->state, &err), 0);
	e = nr_journal_last_applied(&j, &b);
	assert_non_null(e);
	assert_int_equal(seq_of(e), 5);
	assert_int_equal(seq_of(b), 5);
	assert_string_equal(str(b, "event"), "begin");
	assert_string_equal(str(b, "commit"), "eeee");
	assert_non_null(nr_journal_last_applied(&j, NULL));
	e = nr_journal_applied_before(&j, 5, &b);
	assert_non_null(e);
	assert_int_equal(seq_of(e), 1);
	assert_string_equal(str(b, "commit"), "aaaa");
	assert_null(nr_journal_applied_before(&j, 1, &b));
	assert_null(b);
	nr_journal_release(&j);
}

static void test_none_applied(void **state)
{
	struct fixture *f = *state;
	struct nr_journal j;
	struct nr_err err = NR_ERR_INIT;
	json_t *b = json_null();

	add(f->state, begin(1, "aaaa"));
	add(f->state, end(1, "refused"));
	assert_int_equal(nr_journal_read(&j, f->state, &err), 0);
	assert_null(nr_journal_last_applied(&j, &b));
	assert_null(b);
	nr_journal_release(&j);
}

static void test_missing_is_empty(void **state)
{
	struct fixture *f = *state;
	struct nr_journal j;
	struct nr_err err = NR_ERR_INIT;
	json_t *b = NULL;
	struct stat st;

	assert_int_equal(nr_journal_read(&j, f->state, &err), 0);
	assert_int_equal(err.code, 0);
	assert_non_null(j.entries);
	assert_int_equal(json_array_size(j.entries), 0);
	assert_int_equal(j.bad_line, 0);
	assert_null(j.bad_text);
	assert_int_equal(j.last_seq, 0);
	assert_null(nr_journal_last_applied(&j, &b));
	assert_null(nr_journal_begin_of(&j, 1));
	nr_journal_release(&j);
	/* reading does not create the state folder */
	assert_int_not_equal(stat(f->state, &st), 0);
}

static void test_torn_last_line(void **state)
{
	struct fixture *f = *state;
	struct nr_journal j;
	struct nr_err err = NR_ERR_INIT;
	const char *torn = "{\"seq\":2,\"event\":\"end\",\"outc";
	const char *next = "\n{\"seq\":3,\"event\":\"begin\",";
	size_t len;
	char *text, *nl;

	add(f->state, begin(1, "aaaa"));
	add(f->state, end(1, "applied"));
	add(f->state, begin(2, "bbbb"));
	append_raw(f->file, torn);

	assert_int_equal(nr_journal_read(&j, f->state, &err), 0);
	assert_int_equal(json_array_size(j.entries), 3);
	assert_int_equal(j.bad_line, 4);
	assert_string_equal(j.bad_text, torn);
	assert_int_equal(j.last_seq, 2);
	assert_null(nr_journal_end_of(&j, 2));
	nr_journal_release(&j);

	/* the next append closes the torn line and adds its own after it */
	add(f->state, begin(3, "cccc"));
	text = nr_test_read(f->file, &len);
	assert_non_null(text);
	assert_int_equal(text[len - 1], '\n');
	nl = strstr(text, torn);
	assert_non_null(nl);
	nl += strlen(torn);
	assert_true(strncmp(nl, next, strlen(next)) == 0);
	free(text);

	assert_int_equal(nr_journal_read(&j, f->state, &err), 0);
	assert_int_equal(json_array_size(j.entries), 4);
	assert_int_equal(j.bad_line, 4);
	assert_string_equal(j.bad_text, torn);
	assert_int_equal(j.last_seq, 3);
	assert_int_equal(seq_of(json_array_get(j.entries, 3)), 3);
	assert_string_equal(str(nr_journal_begin_of(&j, 3), "commit"), "cccc");
	nr_journal_release(&j);
}

/* Valid JSON without its newline is still torn: the write never ended. */
static void test_torn_without_newline_only(void **state)
{
	struct fixture *f = *state;
	struct nr_journal j;
	struct nr_err err = NR_ERR_INIT;
	const char *torn = "{\"seq\":1,\"event\":\"begin\"}";

	add(f->state, begin(1, "aaaa"));
	assert_int_equal(truncate(f->file, 0), 0);
	append_raw(f->file, torn);
	assert_int_equal(nr_journal_read(&j, f->state, &err), 0);
	assert_int_equal(json_array_size(j.entries), 0);
	assert_int_equal(j.bad_line, 1);
	assert_string_equal(j.bad_text, torn);
	nr_journal_release(&j);
}

static void test_invalid_middle_line(void **state)
{
	struct fixture *f = *state;
	struct nr_journal j;
	struct nr_err err = NR_ERR_INIT;
	char longline[400];

	add(f->state, begin(1, "aaaa"));
	append_raw(f->file, "not json at all\n");
	add(f->state, end(1, "applied"));
	append_raw(f->file, "[1,2]\n"); /* JSON, not an entry */
	add(f->state, begin(2, "bbbb"));

	assert_int_equal(nr_journal_read(&j, f->state, &err), 0);
	assert_int_equal(json_array_size(j.entries), 3);
	assert_int_equal(j.bad_line, 2); /* the first bad line */
	assert_string_equal(j.bad_text, "not json at all");
	assert_int_equal(j.last_seq, 2);
	assert_int_equal(seq_of(json_array_get(j.entries, 1)), 1);
	assert_string_equal(str(json_array_get(j.entries, 1), "event"), "end");
	nr_journal_release(&j);

	/* bad_text is cut to 200 bytes */
	assert_int_equal(truncate(f->file, 0), 0);
	memset(longline, 'x', sizeof(longline) - 2);
	longline[sizeof(longline) - 2] = '\n';
	longline[sizeof(longline) - 1] = '\0';
	append_raw(f->file, longline);
	assert_int_equal(nr_journal_read(&j, f->state, &err), 0);
	assert_int_equal(j.bad_line, 1);
	assert_int_equal(strlen(j.bad_text), 200);
	nr_journal_release(&j);
}

static void test_bad_entry_refused(void **state)
{
	struct fixture *f = *state;
	struct nr_err err = NR_ERR_INIT;
	json_t *e = json_pack("{s:s}", "event", "begin");
	struct stat st;

	assert_int_equal(nr_journal_append(f->state, e, &err), NR_EINVAL);
	assert_non_null(strstr(err.msg, "'seq'"));
	json_decref(e);
	assert_int_not_equal(stat(f->file, &st), 0);
}

/* In a child limited to `limit` bytes per file, appends `e`; exits 0 when
 * the append failed with an I/O error, as it must. */
static void append_limited(const char *state_dir, json_t *e, long long limit)
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit rl = { (rlim_t)limit, (rlim_t)limit };
		struct nr_err err = NR_ERR_INIT;
		int rc;

		signal(SIGXFSZ, SIG_IGN);
		if (setrlimit(RLIMIT_FSIZE, &rl) < 0)
			_exit(3);
		rc = nr_journal_append(state_dir, e, &err);
		_exit(rc == NR_EIO && err.sys_errno != 0 ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_full_disk(void **state)
{
	struct fixture *f = *state;
	struct nr_journal j;
	struct nr_err err = NR_ERR_INIT;
	json_t *big = begin(3, "dddd");
	char pad[1000];
	long long size;

	add(f->state, begin(1, "aaaa"));
	add(f->state, end(1, "applied"));
	size = file_size(f->file);
	memset(pad, 'p', sizeof(pad) - 1);
	pad[sizeof(pad) - 1] = '\0';
	json_object_set_new(big, "source", json_string(pad));

	/* part of the line fits: the short write is cut back */
	append_limited(f->state, big, size + 100);
	assert_int_equal(file_size(f->file), size);
	/* nothing fits */
	append_limited(f->state, big, size);
	assert_int_equal(file_size(f->file), size);

	assert_int_equal(nr_journal_read(&j, f->state, &err), 0);
	assert_int_equal(json_array_size(j.entries), 2);
	assert_int_equal(j.bad_line, 0);
	assert_int_equal(j.last_seq, 1);
	nr_journal_release(&j);

	/* with a torn last line, the failed append leaves it as it was */
	append_raw(f->file, "{\"seq\":2,");
	size = file_size(f->file);
	append_limited(f->state, big, size + 100);
	assert_int_equal(file_size(f->file), size);
	assert_int_equal(nr_journal_read(&j, f->state, &err), 0);
	assert_int_equal(json_array_size(j.entries), 2);
	assert_int_equal(j.bad_line, 3);
	assert_string_equal(j.bad_text, "{\"seq\":2,");
	nr_journal_release(&j);

	/* and with room again, the same append works */
	add(f->state, big);
	assert_int_equal(nr_journal_read(&j, f->state, &err), 0);
	assert_int_equal(json_array_size(j.entries), 3);
	assert_int_equal(j.last_seq, 3);
	assert_string_equal(str(json_array_get(j.entries, 2), "source"), pad);
	nr_journal_release(&j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utc_now),
		cmocka_unit_test_setup_teardown(
		    test_append_and_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queries, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_none_applied, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_missing_is_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_torn_last_line, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_torn_without_newline_only, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_invalid_middle_line, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_bad_entry_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_full_disk, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
