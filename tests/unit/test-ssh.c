/* test-ssh: the libssh transport against a real OpenSSH sshd on 127.0.0.1
 * (tests/lab/sshd), with a shell script standing in for the router. */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/mem.h"
#include "lib/run.h"
#include "router/ssh.h"
#include "testutil.h"

struct lab {
	char *dir;
	int port;
	struct nr_ssh_opts o;
	char *key, *kh;
};

static int free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

static void sshd(const char *verb, struct lab *l, const char *shell)
{
	char port[16];
	const char *script = nr_test_path("tests/lab/sshd");
	char *s = nr_strdup(script);
	const char *argv[] = { s, verb, l->dir, port, shell, NULL };
	struct nr_run_result res;
	struct nr_err err = NR_ERR_INIT;

	snprintf(port, sizeof(port), "%d", l->port);
	if (!shell)
		argv[3] = NULL;
	assert_int_equal(nr_run(&res, argv, NULL, &err), 0);
	if (res.status != 0)
		fail_msg("sshd %s: %s", verb, res.err.s);
	nr_run_result_release(&res);
	free(s);
}

static int setup(void **state)
{
	struct lab *l = nr_calloc(1, sizeof(*l));
	char *shell;

	l->dir = nr_test_tmpdir();
	l->port = free_port();
	shell = nr_asprintf("%s/router.sh", l->dir);
	/* the "router": echoes its command, CRLF line ends, as RouterOS */
	nr_test_write(shell,
	    "#!/bin/sh\n"
	    "case \"$2\" in\n"
	    "sleep*) sleep 3 ;;\n"
	    "drop) kill -9 $PPID ;;\n"
	    "*) printf 'user=%s\\r\\ncmd=%s\\r\\n' \"$USER\" \"$2\" ;;\n"
	    "esac\n");
	chmod(shell, 0755);
	sshd("up", l, shell);
	free(shell);
	l->key = nr_asprintf("%s/id_ed25519", l->dir);
	l->kh = nr_asprintf("%s/known_hosts", l->dir);
	l->o = (struct nr_ssh_opts){ "127.0.0.1", l->port, "netrec", l->key,
		l->kh, 5000 };
	*state = l;
	return 0;
}

static int teardown(void **state)
{
	struct lab *l = *state;

	sshd("down", l, NULL);
	nr_test_rmrf(l->dir);
	free(l->dir);
	free(l->key);
	free(l->kh);
	free(l);
	return 0;
}

static void test_exec_crlf(void **state)
{
	struct lab *l = *state;
	struct nr_ssh *s = NULL;
	struct nr_err err = NR_ERR_INIT;
	struct nr_buf out = NR_BUF_INIT;

	if (nr_ssh_open(&s, &l->o, &err) < 0)
		fail_msg("open: %s", err.msg);
	assert_int_equal(nr_ssh_exec(s, "/export terse", &out, &err), 0);
	/* the +ct suffix reached the server; CRLF became LF */
	assert_string_equal(out.s, "user=netrec+ct\ncmd=/export terse\n");
	nr_buf_reset(&out);
	/* one channel per command, several on one session */
	assert_int_equal(
	    nr_ssh_exec(s, "/system identity print", &out, &err), 0);
	assert_non_null(strstr(out.s, "cmd=/system identity print\n"));
	nr_buf_release(&out);
	nr_ssh_close(s);
}

static void test_upload(void **state)
{
	struct lab *l = *state;
	struct nr_ssh *s = NULL;
	struct nr_err err = NR_ERR_INIT;
	char *path, *got;
	size_t len = 100000, got_len = 0;
	char *data = nr_malloc(len);

	for (size_t i = 0; i < len; i++)
		data[i] = (char)('a' + i % 26);
	assert_int_equal(nr_ssh_open(&s, &l->o, &err), 0);
	if (nr_ssh_upload(s, "netrec-test.rsc", data, len, &err) < 0)
		fail_msg("upload: %s", err.msg);
	path = nr_asprintf("%s/files/netrec-test.rsc", l->dir);
	got = nr_test_read(path, &got_len);
	assert_non_null(got);
	assert_int_equal(got_len, len);
	assert_memory_equal(got, data, len);
	nr_ssh_close(s);
	free(path);
	free(got);
	free(data);
}

static void test_unknown_host_key(void **state)
{
	struct lab *l = *state;
	struct nr_ssh *s = NULL;
	struct nr_err err = NR_ERR_INIT;
	char *empty = nr_asprintf("%s/empty_known_hosts", l->dir);
	struct nr_ssh_opts o = l->o;

	nr_test_write(empty, "");
	o.known_hosts = empty;
	assert_true(nr_ssh_open(&s, &o, &err) < 0);
	assert_null(s);
	assert_non_null(strstr(err.msg, "is not in"));
	assert_non_null(strstr(err.msg, "SHA256:"));
	assert_non_null(strstr(err.msg, "ssh-keyscan -p"));
	free(empty);
}

static void test_changed_host_key(void **state)
{
	struct lab *l = *state;
	struct nr_ssh *s = NULL;
	struct nr_err err = NR_ERR_INIT;
	char *other = nr_asprintf("%s/other_known_hosts", l->dir);
	char *line =
	    nr_asprintf("[127.0.0.1]:%d ssh-ed25519 AAAAC3NzaC1lZDI1NTE5"
			"AAAAIFvVhXqZbGgK1mG0n8yq9b1Q1Yl9g6n3pMZ8pP7w1dQ9"
			"\n",
		l->port);
	struct nr_ssh_opts o = l->o;

	nr_test_write(other, line);
	o.known_hosts = other;
	assert_true(nr_ssh_open(&s, &o, &err) < 0);
	assert_non_null(strstr(err.msg, "CHANGED"));
	free(other);
	free(line);
}

static void test_refused_key(void **state)
{
	struct lab *l = *state;
	struct nr_ssh *s = NULL;
	struct nr_err err = NR_ERR_INIT;
	char *key = nr_asprintf("%s/stranger", l->dir);
	const char *argv[] = { "ssh-keygen", "-q", "-t", "ed25519", "-N", "",
		"-f", key, NULL };
	struct nr_ssh_opts o = l->o;

	assert_int_equal(nr_run_checked(argv, &err), 0);
	o.key = key;
	assert_true(nr_ssh_open(&s, &o, &err) < 0);
	assert_non_null(strstr(err.msg, "refused the key"));
	free(key);
}

static void test_unsafe_key_file(void **state)
{
	struct lab *l = *state;
	struct nr_ssh *s = NULL;
	struct nr_err err = NR_ERR_INIT;

	chmod(l->key, 0644);
	assert_true(nr_ssh_open(&s, &l->o, &err) < 0);
	assert_non_null(strstr(err.msg, "readable by others"));
	chmod(l->key, 0600);
}

static void test_timeout_and_drop(void **state)
{
	struct lab *l = *state;
	struct nr_ssh *s = NULL;
	struct nr_err err = NR_ERR_INIT;
	struct nr_buf out = NR_BUF_INIT;
	struct nr_ssh_opts o = l->o;

	o.timeout_ms = 1000;
	assert_int_equal(nr_ssh_open(&s, &o, &err), 0);
	assert_true(nr_ssh_exec(s, "sleep", &out, &err) < 0);
	assert_non_null(strstr(err.msg, "timed out"));
	nr_ssh_close(s);
	nr_err_clear(&err);
	assert_int_equal(nr_ssh_open(&s, &o, &err), 0);
	/* the server side of the session dies mid-command */
	assert_true(nr_ssh_exec(s, "drop", &out, &err) < 0 ||
	    strstr(out.s, "cmd=") == NULL);
	nr_ssh_close(s);
	nr_buf_release(&out);
}

static void test_unreachable(void **state)
{
	struct lab *l = *state;
	struct nr_ssh *s = NULL;
	struct nr_err err = NR_ERR_INIT;
	struct nr_ssh_opts o = l->o;

	o.port = free_port();
	assert_true(nr_ssh_open(&s, &o, &err) < 0);
	assert_non_null(strstr(err.msg, "cannot connect"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exec_crlf),
		cmocka_unit_test(test_upload),
		cmocka_unit_test(test_unknown_host_key),
		cmocka_unit_test(test_changed_host_key),
		cmocka_unit_test(test_refused_key),
		cmocka_unit_test(test_unsafe_key_file),
		cmocka_unit_test(test_timeout_and_drop),
		cmocka_unit_test(test_unreachable),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
