/* test-secrets: resolving {{ ... }} references (env, file, a recorded
 * stand-in for the 1Password CLI), filling them in, refusing unsafe files,
 * failing as a whole on one missing reference, and the HMAC digest. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/mem.h"
#include "lib/run.h"
#include "secret/resolve.h"
#include "testutil.h"

static char *tmp;

static int setup(void **state)
{
	char *op, *path;

	(void)state;
	tmp = nr_test_tmpdir();
	/* `op read --no-newline op://v/i/f`: prints a value per item */
	op = nr_asprintf("%s/op", tmp);
	nr_test_write(op,
	    "#!/bin/sh\n"
	    "case \"$3\" in\n"
	    "op://vault/router/password) printf 's3cr3t \"q\"' ;;\n"
	    "*) echo \"no such item\" >&2; exit 1 ;;\n"
	    "esac\n");
	chmod(op, 0755);
	path = nr_asprintf("%s:%s", tmp, getenv("PATH"));
	setenv("PATH", path, 1);
	free(op);
	free(path);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	nr_test_rmrf(tmp);
	free(tmp);
	return 0;
}

static void test_resolve_and_fill(void **state)
{
	struct nr_secrets s;
	struct nr_err err = NR_ERR_INIT;
	char *file = nr_asprintf("%s/psk", tmp);
	char *text, *filled;

	(void)state;
	nr_test_write(file, "from-a-file\n");
	chmod(file, 0600);
	setenv("NETREC_TEST_SECRET", "from-env", 1);
	text = nr_asprintf("/user set admin password={{ op://vault/router/"
			   "password }}\n/x set a={{env:NETREC_TEST_SECRET}} "
			   "b={{ file:%s }} c={{ env:NETREC_TEST_SECRET }}\n",
	    file);
	if (nr_secrets_resolve(&s, text, &err) < 0)
		fail_msg("%s", err.msg);
	/* each reference once */
	assert_int_equal(s.n, 3);
	filled = nr_secrets_fill(text, &s);
	assert_non_null(strstr(filled, "password=s3cr3t \"q\"\n"));
	assert_non_null(strstr(filled, "a=from-env b=from-a-file c=from-env"));
	assert_null(strstr(filled, "{{"));
	nr_secret_free_text(filled);
	nr_secrets_wipe(&s);
	assert_int_equal(s.n, 0);
	free(text);
	free(file);
}

static void test_missing_stops_everything(void **state)
{
	struct nr_secrets s;
	struct nr_err err = NR_ERR_INIT;

	(void)state;
	unsetenv("NETREC_TEST_UNSET");
	assert_true(nr_secrets_resolve(&s,
			"a={{ env:NETREC_TEST_SECRET }} "
			"b={{ env:NETREC_TEST_UNSET }}",
			&err) < 0);
	assert_int_equal(s.n, 0);
	assert_non_null(strstr(err.msg, "env:NETREC_TEST_UNSET"));
	nr_err_clear(&err);
	assert_true(
	    nr_secrets_resolve(&s, "{{ op://vault/nope/x }}", &err) < 0);
	assert_non_null(strstr(err.msg, "op://vault/nope/x"));
	/* the manager's stderr never reaches the message */
	assert_null(strstr(err.msg, "no such item"));
}

static void test_unsafe_file(void **state)
{
	struct nr_secrets s;
	struct nr_err err = NR_ERR_INIT;
	char *file = nr_asprintf("%s/open", tmp);
	char *text = nr_asprintf("{{ file:%s }}", file);

	(void)state;
	nr_test_write(file, "value\n");
	chmod(file, 0644);
	assert_true(nr_secrets_resolve(&s, text, &err) < 0);
	assert_non_null(strstr(err.msg, "readable by others"));
	assert_null(strstr(err.msg, "value"));
	free(file);
	free(text);
}

static void test_digest(void **state)
{
	struct nr_err err = NR_ERR_INIT;
	char a[65], b[65], c[65];
	char *key = nr_asprintf("%s/secret.key", tmp);
	struct stat st;

	(void)state;
	assert_int_equal(nr_secret_digest(a, tmp, "abc", 3, &err), 0);
	assert_int_equal(nr_secret_digest(b, tmp, "abc", 3, &err), 0);
	assert_int_equal(nr_secret_digest(c, tmp, "abd", 3, &err), 0);
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	assert_int_equal(strlen(a), 64);
	assert_int_equal(stat(key, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, 32);
	free(key);
}

static bool on_path(const char *prog)
{
	const char *argv[] = { "sh", "-c", "command -v \"$0\" >/dev/null", prog,
		NULL };
	struct nr_err err = NR_ERR_INIT;

	return nr_run_checked(argv, &err) == 0;
}

/* password-store for real, with a throwaway GPG key in the test folder;
 * the gpg-agent it starts is stopped at the end. */
static void test_pass(void **state)
{
	char *gnupg = nr_asprintf("%s/gnupg", tmp);
	char *store = nr_asprintf("%s/store", tmp);
	struct nr_secrets s;
	struct nr_err err = NR_ERR_INIT;
	const char *keygen[] = { "gpg", "--batch", "--pinentry-mode",
		"loopback", "--passphrase", "", "--quick-gen-key",
		"netrec test <test@netrec.invalid>", "default", "default", "1d",
		NULL };
	const char *init[] = { "pass", "init", "test@netrec.invalid", NULL };
	const char *insert[] = { "pass", "insert", "-m", "routers/admin",
		NULL };
	const char *kill_agent[] = { "gpgconf", "--kill", "all", NULL };
	struct nr_run_opts in = { .input = "hunter2 \"x\";$y\nsecond line\n" };
	struct nr_run_result res;

	(void)state;
	if (!on_path("pass") || !on_path("gpg")) {
		skip();
		return;
	}
	mkdir(gnupg, 0700);
	setenv("GNUPGHOME", gnupg, 1);
	setenv("PASSWORD_STORE_DIR", store, 1);
	if (nr_run_checked(keygen, &err) < 0 || nr_run_checked(init, &err) < 0)
		fail_msg("gpg/pass setup: %s", err.msg);
	in.input_len = strlen(in.input);
	assert_int_equal(nr_run(&res, insert, &in, &err), 0);
	assert_int_equal(res.status, 0);
	nr_run_result_release(&res);
	if (nr_secrets_resolve(&s, "{{ pass:routers/admin }}", &err) < 0)
		fail_msg("%s", err.msg);
	/* the first line is the password */
	assert_int_equal(s.n, 1);
	assert_string_equal(s.v[0].value, "hunter2 \"x\";$y");
	nr_secrets_wipe(&s);
	assert_true(
	    nr_secrets_resolve(&s, "{{ pass:routers/nope }}", &err) < 0);
	assert_non_null(strstr(err.msg, "pass:routers/nope"));
	nr_run_checked(kill_agent, &err);
	unsetenv("GNUPGHOME");
	unsetenv("PASSWORD_STORE_DIR");
	free(gnupg);
	free(store);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resolve_and_fill),
		cmocka_unit_test(test_missing_stops_everything),
		cmocka_unit_test(test_unsafe_file),
		cmocka_unit_test(test_digest),
		cmocka_unit_test(test_pass),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
