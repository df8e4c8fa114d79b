/* vmctl: start, stop and find the router VM. */
#include "vm/vmctl.h"
#include "lib/clock.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/fsutil.h"
#include "lib/mem.h"
#include "lib/run.h"
#include "vm/qmp.h"

static bool is_systemd(const struct nr_config *cfg)
{
	return cfg->vm.supervisor.num == NR_SUP_SYSTEMD;
}

/* A pid is ours when it is alive and runs QEMU (pids are reused). */
static bool is_qemu(pid_t pid)
{
	struct nr_argv a = { 0 };
	struct nr_err err = NR_ERR_INIT;
	bool ok = false;

	if (pid > 0 && nr_vm_cmdline(&a, pid, &err) == 0 && a.n)
		ok = strstr(a.v[0], "qemu-system") != NULL;
	nr_argv_release(&a);
	return ok;
}

static pid_t systemd_pid(const struct nr_config *cfg)
{
	char *unit = nr_asprintf("%s.service", cfg->vm.name.s);
	const char *argv[] = { "systemctl", "show", "-p", "MainPID", "--value",
		unit, NULL };
	struct nr_run_result res;
	struct nr_err err = NR_ERR_INIT;
	pid_t pid = 0;

	if (nr_run(&res, argv, NULL, &err) == 0 && res.status == 0)
		pid = (pid_t)strtol(res.out.s, NULL, 10);
	nr_run_result_release(&res);
	free(unit);
	return pid;
}

pid_t nr_vm_pid(const struct nr_config *cfg)
{
	char *path, *text = NULL;
	size_t len;
	struct nr_err err = NR_ERR_INIT;
	pid_t pid = 0;

	if (is_systemd(cfg)) {
		pid = systemd_pid(cfg);
	} else {
		path = nr_vm_path(&cfg->vm, "pid");
		if (nr_file_read(&text, &len, path, 4096, &err) == 0)
			pid = (pid_t)strtol(text, NULL, 10);
		free(text);
		free(path);
	}
	return is_qemu(pid) ? pid : 0;
}

int nr_vm_cmdline(struct nr_argv *out, pid_t pid, struct nr_err *err)
{
	char *path = nr_asprintf("/proc/%ld/cmdline", (long)pid);
	char *text = NULL;
	size_t len;
	int rc = nr_file_read(&text, &len, path, 0, err);

	memset(out, 0, sizeof(*out));
	if (rc == NR_ENOTFOUND)
		rc = nr_err_set(err, NR_ENOTFOUND, "no process %ld", (long)pid);
	for (size_t i = 0; rc == 0 && i < len; i += strlen(text + i) + 1)
		nr_argv_add(out, text + i);
	free(text);
	free(path);
	return rc;
}

/* Waits until QMP answers query-status with "running". */
static int wait_running(
    const struct nr_config *cfg, int timeout_ms, struct nr_err *err)
{
	char *sock = nr_vm_path(&cfg->vm, "qmp");
	long long end = nr_now_ms() + timeout_ms;
	int rc = NR_ENOTFOUND;

	while (nr_now_ms() < end) {
		struct nr_qmp q;
		struct nr_err e = NR_ERR_INIT;
		json_t *ret = NULL;

		if (nr_qmp_open(&q, sock, 2000, &e) == 0) {
			const char *st;

			rc = nr_qmp_exec(&q, &ret, "query-status", NULL, &e);
			nr_qmp_close(&q);
			st = rc == 0
			    ? json_string_value(json_object_get(ret, "status"))
			    : NULL;
			if (st && strcmp(st, "running") == 0) {
				json_decref(ret);
				free(sock);
				return 0;
			}
			json_decref(ret);
		}
		nr_sleep_ms(100);
	}
	rc = nr_err_set(err, NR_EEXTERNAL,
	    "the VM did not report running on "
	    "'%s' within %d s",
	    sock, timeout_ms / 1000);
	free(sock);
	return rc;
}

static int systemctl(
    const char *verb, const struct nr_config *cfg, struct nr_err *err)
{
	char *unit = nr_asprintf("%s.service", cfg->vm.name.s);
	const char *argv[] = { "systemctl", verb, unit, NULL };
	int rc = nr_run_checked(argv, err);

	free(unit);
	return rc;
}

int nr_vm_start(
    struct nr_ctx *ctx, const struct nr_config *cfg, struct nr_err *err)
{
	struct nr_argv a;
	struct nr_run_result res;
	int rc;

	(void)ctx;
	/* enabled too, so that the VM comes back after a host reboot */
	if (is_systemd(cfg))
		return systemctl("enable", cfg, err) < 0
		    ? NR_EEXTERNAL
		    : systemctl("start", cfg, err);
	if (nr_mkdir_p(cfg->vm.dir.s, 0750, err) < 0)
		return NR_EIO;
	nr_vm_argv(&a, cfg, 1);
	rc = nr_run(&res, (const char *const *)a.v, NULL, err);
	if (rc == 0 && res.status != 0) {
		size_t n = strcspn(res.err.s, "\n");

		rc = nr_err_set(err, NR_EEXTERNAL,
		    "QEMU did not start (status "
		    "%d): %.*s",
		    res.status, (int)n, res.err.s);
	}
	nr_run_result_release(&res);
	nr_argv_release(&a);
	return rc < 0 ? rc : wait_running(cfg, 30000, err);
}

/* Whether the process has exited. A daemonized QEMU is not netrec's
 * child: once it exits it stays a zombie until init reaps it, which some
 * inits (container ones) do only every second or two. A zombie holds no
 * file, lock or socket any more, so it counts as gone. */
static bool gone(pid_t pid)
{
	char path[64], buf[256], *paren;
	FILE *f;
	size_t n;

	if (kill(pid, 0) != 0 && errno == ESRCH)
		return true;
	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* "PID (COMM) STATE ...": COMM may hold blanks and parentheses */
	paren = strrchr(buf, ')');
	return paren && paren[1] == ' ' && (paren[2] == 'Z' || paren[2] == 'X');
}

static bool wait_gone(pid_t pid, long long ms)
{
	long long end = nr_now_ms() + ms;

	while (nr_now_ms() < end) {
		if (gone(pid))
			return true;
		nr_sleep_ms(20);
	}
	return gone(pid);
}

/* Sends one QMP command; whether it worked matters less than the result
 * (the process going away), so errors are only for the caller to see. */
static void qmp_send(const char *sock, const char *command)
{
	struct nr_qmp q;
	struct nr_err e = NR_ERR_INIT;
	json_t *ret = NULL;

	if (nr_qmp_open(&q, sock, 2000, &e) == 0) {
		nr_qmp_exec(&q, &ret, command, NULL, &e);
		json_decref(ret);
		nr_qmp_close(&q);
	}
}

int nr_vm_stop(
    struct nr_ctx *ctx, const struct nr_config *cfg, struct nr_err *err)
{
	pid_t pid = nr_vm_pid(cfg);
	char *sock;
	bool gone;

	(void)ctx;
	if (!pid)
		return 0;
	if (is_systemd(cfg))
		return systemctl("stop", cfg, err);
	sock = nr_vm_path(&cfg->vm, "qmp");
	qmp_send(sock, "system_powerdown");
	gone = wait_gone(pid, cfg->vm.stop_timeout.num * 1000);
	if (!gone) {
		qmp_send(sock, "quit");
		gone = wait_gone(pid, 5000);
	}
	if (!gone) {
		kill(pid, SIGKILL);
		gone = wait_gone(pid, 5000);
	}
	free(sock);
	if (!gone)
		return nr_err_set(err, NR_EEXTERNAL,
		    "QEMU (pid %ld) did not stop", (long)pid);
	return 0;
}
