/* test-vm-argv: QEMU's argv and the systemd unit, both generated from
 * `vm` (vm/argv.c): the exact command line for the reference network and
 * for lab-like definitions (direct supervisor, a user-mode NIC with port
 * forwards, passthrough as a list, paths with commas), systemd's quoting
 * rules, and the unit for the reference network against its golden file
 * (tests/data/golden/routeros.service; NETREC_REGOLDEN=1 rewrites it) and
 * through `systemd-analyze verify` where that program exists. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/load.h"
#include "lib/buf.h"
#include "lib/err.h"
#include "lib/mem.h"
#include "lib/run.h"
#include "testutil.h"
#include "vm/argv.h"

#define GOLDEN "tests/data/golden/routeros.service"

/* ---- helpers ---- */

static void load(struct nr_config *cfg, const char *text)
{
	struct nr_diags d;

	nr_diags_init(&d);
	if (nr_config_load(cfg, text, strlen(text), &d) != 0) {
		for (size_t i = 0; i < d.n; i++)
			print_error("%s\n", d.v[i].msg);
		fail_msg("the test's network.yaml does not load");
	}
	nr_diags_release(&d);
}

static void load_reference(struct nr_config *cfg)
{
	size_t len;
	char *text = nr_test_read(nr_test_path("network.yaml"), &len);

	assert_non_null(text);
	load(cfg, text);
	free(text);
}

/* A lab-like network.yaml: the reference shape, with `vm` replaced by
 * VM_YAML (the lines under "vm:", indented by two spaces). */
static char *lab_yaml(const char *vm_yaml)
{
	return nr_asprintf(
	    "version: 1\n"
	    "hardware:\n"
	    "  passthrough:\n"
	    "    - {slot: \"0000:01:00.0\", id: \"8086:1521\", "
	    "host_driver: igb}\n"
	    "    - {slot: \"0000:01:00.1\", id: \"8086:1521\", "
	    "host_driver: igb}\n"
	    "  host_nic: {slot: \"0000:06:00.0\", id: \"10ec:8168\", "
	    "driver: r8169}\n"
	    "host:\n"
	    "  iommu: intel\n"
	    "  service_user: {name: qemu, groups: [kvm]}\n"
	    "vm:\n"
	    "%s"
	    "router:\n"
	    "  host: 127.0.0.1\n"
	    "  ssh: {user: netrec, port: 2222, key: /lab/ssh/id_ed25519,\n"
	    "        known_hosts: /lab/ssh/known_hosts}\n"
	    "  config: |\n"
	    "    /system identity set name=lab-router\n",
	    vm_yaml);
}

static void load_lab(struct nr_config *cfg, const char *vm_yaml)
{
	char *text = lab_yaml(vm_yaml);

	load(cfg, text);
	free(text);
}

/* Compares argv with the NULL-terminated `want`, naming the first
 * difference (and checking argv->v stays NULL-terminated). */
static void expect_argv(const struct nr_argv *a, const char *const *want)
{
	size_t n = 0;

	while (want[n])
		n++;
	for (size_t i = 0; i < n && i < a->n; i++)
		if (strcmp(a->v[i], want[i]) != 0)
			fail_msg("argv[%zu] is '%s', expected '%s'", i, a->v[i],
			    want[i]);
	if (a->n != n)
		fail_msg("argv has %zu words, expected %zu (first extra or "
			 "missing: '%s')",
		    a->n, n, a->n > n ? a->v[n] : want[a->n]);
	assert_null(a->v[a->n]);
}

#define ARGV(...) ((const char *const[]){ __VA_ARGS__, NULL })

#define REF_DIR "/srv/virtual_machines/routeros"
#define REF_HEAD                                                        \
	"qemu-system-x86_64", "-name", "routeros", "-machine",          \
	    "q35,accel=kvm", "-cpu", "host", "-smp", "2", "-m", "512M", \
	    "-nic", "none", "-drive",                                   \
	    "file=" REF_DIR                                             \
	    "/chr-7.19.3.qcow2,if=virtio,format=qcow2,id=disk0"
#define SOCKETS(dir)                                                           \
	"-serial", "unix:" dir "/console.sock,server=on,wait=off", "-monitor", \
	    "unix:" dir "/monitor.sock,server=on,wait=off", "-qmp",            \
	    "unix:" dir "/qmp.sock,server=on,wait=off"

/* Runs argv; returns NR_ENOTFOUND when the program is missing. */
static int run(struct nr_run_result *res, const char *const *argv)
{
	struct nr_err err = NR_ERR_INIT;
	int rc = nr_run(res, argv, NULL, &err);

	if (rc < 0 && rc != NR_ENOTFOUND)
		fail_msg("%s: %s", argv[0], err.msg);
	return rc;
}

/* Whether systemd-analyze can be run here (it can on Debian with the
 * systemd package; containers without it skip the tests that need it). */
static bool have_systemd_analyze(void)
{
	struct nr_run_result res;
	int rc = run(&res, ARGV("systemd-analyze", "--version"));
	bool ok = rc == 0 && res.status == 0;

	nr_run_result_release(&res);
	if (!ok)
		print_message("[   SKIP   ] systemd-analyze is not installed "
			      "here: the unit is checked against its golden "
			      "file only\n");
	return ok;
}

/* `systemd-analyze verify DIR/NAME` on `unit`; returns its stderr (and
 * its exit status in *status). Caller frees. */
static char *verify_unit(const char *unit, const char *name, int *status)
{
	char *dir = nr_test_tmpdir();
	char *path = nr_asprintf("%s/%s", dir, name);
	struct nr_run_result res;
	char *out;

	nr_test_write(path, unit);
	assert_int_equal(run(&res, ARGV("systemd-analyze", "verify", path)), 0);
	*status = res.status;
	out = nr_strdup(res.err.s ? res.err.s : "");
	nr_run_result_release(&res);
	nr_test_rmrf(dir);
	free(path);
	free(dir);
	return out;
}

/* ---- argv ---- */

static void test_reference_systemd(void **state)
{
	struct nr_config cfg;
	struct nr_argv a;

	(void)state;
	load_reference(&cfg);
	nr_vm_argv(&a, &cfg, 0);
	expect_argv(&a,
	    ARGV(REF_HEAD, SOCKETS(REF_DIR), "-display", "none", "-vga", "none",
		"-device", "vfio-pci,host=01:00.0", "-device",
		"vfio-pci,host=01:00.1"));
	nr_argv_release(&a);
	nr_config_release(&cfg);
}

static void test_reference_direct(void **state)
{
	struct nr_config cfg;
	struct nr_argv a;

	(void)state;
	load_reference(&cfg);
	nr_vm_argv(&a, &cfg, 1);
	expect_argv(&a,
	    ARGV(REF_HEAD, SOCKETS(REF_DIR), "-display", "none", "-vga", "none",
		"-device", "vfio-pci,host=01:00.0", "-device",
		"vfio-pci,host=01:00.1", "-daemonize", "-pidfile",
		REF_DIR "/routeros.pid"));
	nr_argv_release(&a);
	nr_config_release(&cfg);
}

static void test_lab_with_nic(void **state)
{
	struct nr_config cfg;
	struct nr_argv a;

	(void)state;
	load_lab(&cfg,
	    "  name: lab\n"
	    "  dir: /tmp/lab/vm\n"
	    "  disk: chr-lab.qcow2\n"
	    "  accel: kvm:tcg\n"
	    "  cpu: qemu64\n"
	    "  cpus: 1\n"
	    "  memory: 256M\n"
	    "  passthrough: []\n"
	    "  nics:\n"
	    "    - forward: [\"tcp:127.0.0.1:2222-:22\"]\n"
	    "  supervisor: direct\n");
	nr_vm_argv(&a, &cfg, 1);
	expect_argv(&a,
	    ARGV("qemu-system-x86_64", "-name", "lab", "-machine",
		"q35,accel=kvm:tcg", "-cpu", "qemu64", "-smp", "1", "-m",
		"256M", "-netdev",
		"user,id=net0,hostfwd=tcp:127.0.0.1:2222-:22", "-device",
		"virtio-net-pci,netdev=net0", "-drive",
		"file=/tmp/lab/vm/chr-lab.qcow2,if=virtio,format=qcow2,"
		"id=disk0",
		SOCKETS("/tmp/lab/vm"), "-display", "none", "-vga", "none",
		"-daemonize", "-pidfile", "/tmp/lab/vm/lab.pid"));
	nr_argv_release(&a);
	nr_config_release(&cfg);
}

static void test_two_nics_and_forwards(void **state)
{
	struct nr_config cfg;
	struct nr_argv a;

	(void)state;
	load_lab(&cfg,
	    "  name: lab\n"
	    "  dir: /vm\n"
	    "  disk: /disks/d.qcow2\n"
	    "  passthrough: []\n"
	    "  nics:\n"
	    "    - forward: [\"tcp:127.0.0.1:2222-:22\", "
	    "\"udp:127.0.0.1:5353-:53\"]\n"
	    "    - {type: user}\n");
	nr_vm_argv(&a, &cfg, 0);
	expect_argv(&a,
	    ARGV("qemu-system-x86_64", "-name", "lab", "-machine",
		"q35,accel=kvm", "-cpu", "host", "-smp", "2", "-m", "512M",
		"-netdev",
		"user,id=net0,hostfwd=tcp:127.0.0.1:2222-:22,"
		"hostfwd=udp:127.0.0.1:5353-:53",
		"-device", "virtio-net-pci,netdev=net0", "-netdev",
		"user,id=net1", "-device", "virtio-net-pci,netdev=net1",
		"-drive", "file=/disks/d.qcow2,if=virtio,format=qcow2,id=disk0",
		SOCKETS("/vm"), "-display", "none", "-vga", "none"));
	nr_argv_release(&a);
	nr_config_release(&cfg);
}

/* passthrough as a list hands QEMU only those slots, in the list's
 * order, and the memory is always written in MiB */
static void test_passthrough_list(void **state)
{
	struct nr_config cfg;
	struct nr_argv a;

	(void)state;
	load_lab(&cfg,
	    "  name: r1\n"
	    "  dir: /vm\n"
	    "  disk: d.qcow2\n"
	    "  memory: 2G\n"
	    "  cpus: 4\n"
	    "  passthrough: [\"0000:01:00.1\"]\n");
	nr_vm_argv(&a, &cfg, 0);
	expect_argv(&a,
	    ARGV("qemu-system-x86_64", "-name", "r1", "-machine",
		"q35,accel=kvm", "-cpu", "host", "-smp", "4", "-m", "2048M",
		"-nic", "none", "-drive",
		"file=/vm/d.qcow2,if=virtio,format=qcow2,id=disk0",
		SOCKETS("/vm"), "-display", "none", "-vga", "none", "-device",
		"vfio-pci,host=01:00.1"));
	nr_argv_release(&a);
	nr_config_release(&cfg);

	load_lab(&cfg,
	    "  name: r1\n"
	    "  dir: /vm\n"
	    "  disk: d.qcow2\n"
	    "  passthrough: [\"0000:01:00.1\", \"0000:01:00.0\"]\n");
	nr_vm_argv(&a, &cfg, 0);
	assert_int_equal(a.n, 29);
	assert_string_equal(a.v[25], "-device");
	assert_string_equal(a.v[26], "vfio-pci,host=01:00.1");
	assert_string_equal(a.v[27], "-device");
	assert_string_equal(a.v[28], "vfio-pci,host=01:00.0");
	nr_argv_release(&a);
	nr_config_release(&cfg);
}

/* A comma in a path is doubled inside QEMU's option strings (QEMU splits
 * options at single commas) but not in -pidfile, which takes a plain
 * path; blanks and quotes pass as they are (the argv never meets a
 * shell). */
static void test_paths_with_commas(void **state)
{
	struct nr_config cfg;
	struct nr_argv a;
	char *p;

	(void)state;
	load_lab(&cfg,
	    "  name: r1\n"
	    "  dir: \"/srv/vm,1/it's here\"\n"
	    "  disk: \"a,b.qcow2\"\n"
	    "  passthrough: []\n"
	    "  supervisor: direct\n");
	nr_vm_argv(&a, &cfg, 1);
	assert_string_equal(a.v[14],
	    "file=/srv/vm,,1/it's here/a,,b.qcow2,if=virtio,format=qcow2,"
	    "id=disk0");
	assert_string_equal(a.v[16],
	    "unix:/srv/vm,,1/it's here/console.sock,server=on,wait=off");
	assert_string_equal(
	    a.v[20], "unix:/srv/vm,,1/it's here/qmp.sock,server=on,wait=off");
	assert_string_equal(a.v[a.n - 1], "/srv/vm,1/it's here/r1.pid");
	p = nr_vm_disk(&cfg.vm);
	assert_string_equal(p, "/srv/vm,1/it's here/a,b.qcow2");
	free(p);
	nr_argv_release(&a);
	nr_config_release(&cfg);
}

static void test_vm_paths(void **state)
{
	struct nr_config cfg;
	char *p;

	(void)state;
	load_reference(&cfg);
	p = nr_vm_disk(&cfg.vm);
	assert_string_equal(p, REF_DIR "/chr-7.19.3.qcow2");
	free(p);
	p = nr_vm_path(&cfg.vm, "pid");
	assert_string_equal(p, REF_DIR "/routeros.pid");
	free(p);
	p = nr_vm_path(&cfg.vm, "qmp");
	assert_string_equal(p, REF_DIR "/qmp.sock");
	free(p);
	nr_config_release(&cfg);

	/* an absolute disk is used as it is */
	load_lab(&cfg,
	    "  name: r1\n"
	    "  dir: /vm\n"
	    "  disk: /elsewhere/d.qcow2\n"
	    "  passthrough: []\n");
	p = nr_vm_disk(&cfg.vm);
	assert_string_equal(p, "/elsewhere/d.qcow2");
	free(p);
	nr_config_release(&cfg);
}

/* ---- systemd quoting ---- */

static void test_quote(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "plain", "plain" },
		{ "-m", "-m" },
		{ "q35,accel=kvm", "q35,accel=kvm" },
		{ "/usr/bin/qemu-system-x86_64",
		    "/usr/bin/qemu-system-x86_64" },
		{ "", "\"\"" },
		/* specifiers and variables, quoted or not */
		{ "100%", "100%%" },
		{ "%i%n", "%%i%%n" },
		{ "$HOME", "$$HOME" },
		{ "${A}$", "$${A}$$" },
		{ "a b%$", "\"a b%%$$\"" },
		/* blanks, quotes and backslashes need double quotes */
		{ "two words", "\"two words\"" },
		{ "tab\there", "\"tab\\there\"" },
		{ "line\nbreak", "\"line\\nbreak\"" },
		{ "bell\a", "\"bell\\x07\"" },
		{ "say \"hi\"", "\"say \\\"hi\\\"\"" },
		{ "it's", "\"it's\"" },
		{ "back\\slash", "\"back\\\\slash\"" },
		{ "\\", "\"\\\\\"" },
		{ "\"", "\"\\\"\"" },
		/* a lone ";" would separate two commands */
		{ ";", "\";\"" },
		{ "a;b", "\"a;b\"" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *q = nr_systemd_quote(cases[i].in);

		if (strcmp(q, cases[i].want) != 0)
			fail_msg("quote(%s): got [%s], expected [%s]",
			    cases[i].in, q, cases[i].want);
		free(q);
	}
}

/* systemd itself reads the quoted word back: `systemd-analyze verify`
 * names the executable of ExecStart= as it parsed it ("Command X is not
 * executable" or "Executable name contains special characters: X"), so
 * a quoted path that does not exist comes back in its message. */
static void test_quote_read_by_systemd(void **state)
{
	static const char *const words[] = {
		"/nonexistent/plain",
		"/nonexistent/two words",
		"/nonexistent/100%/%n",
		"/nonexistent/say \"hi\"",
		"/nonexistent/it's",
		"/nonexistent/back\\slash\\",
		"/nonexistent/semi;colon",
	};

	(void)state;
	if (!have_systemd_analyze())
		skip();
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		char *q = nr_systemd_quote(words[i]);
		char *unit = nr_asprintf("[Service]\nExecStart=%s --arg\n", q);
		/* "...: X\n" or "Command X is not executable: ..." */
		char *want = nr_asprintf(": %s\n", words[i]);
		char *want2 = nr_asprintf(" %s is not executable:", words[i]);
		int status;
		char *out = verify_unit(unit, "quote.service", &status);

		if (!strstr(out, want) && !strstr(out, want2))
			fail_msg("systemd read [%s] (written as [%s]) as: %s",
			    words[i], q, out);
		free(out);
		free(want);
		free(want2);
		free(unit);
		free(q);
	}
}

/* ---- the unit ---- */

static char *reference_unit(void)
{
	struct nr_config cfg;
	char *unit;

	load_reference(&cfg);
	unit = nr_vm_unit(&cfg, "a local file");
	nr_config_release(&cfg);
	return unit;
}

static void test_unit_golden(void **state)
{
	char *unit = reference_unit();
	char *golden;
	const char *regolden = getenv("NETREC_REGOLDEN");

	(void)state;
	if (regolden && strcmp(regolden, "1") == 0) {
		nr_test_write(nr_test_path(GOLDEN), unit);
		print_message("[  GOLDEN  ] rewrote %s\n", GOLDEN);
	}
	golden = nr_test_read(nr_test_path(GOLDEN), NULL);
	if (!golden)
		fail_msg(
		    "cannot read %s (NETREC_REGOLDEN=1 writes it)", GOLDEN);
	if (strcmp(unit, golden) != 0)
		fail_msg("the unit differs from %s (check the difference, then "
			 "NETREC_REGOLDEN=1 rewrites it); generated:\n%s",
		    GOLDEN, unit);
	free(golden);
	free(unit);
}

/* The parts of the unit the issue asks for, so that a golden file
 * rewritten in a hurry cannot lose them unnoticed. */
static void test_unit_hardening(void **state)
{
	static const char *const lines[] = {
		"\nUser=qemu\n",
		"\nGroup=kvm\n",
		"\nLimitMEMLOCK=infinity\n",
		"\nLimitNOFILE=",
		"\nOOMScoreAdjust=",
		"CAP_SYS_NICE",
		"\nProtectSystem=strict\n",
		"\nReadWritePaths=" REF_DIR "\n",
		"\nProtectHome=yes\n",
		"\nPrivateTmp=yes\n",
		"\nExecStart=/usr/bin/qemu-system-x86_64 -name routeros ",
		" -qmp unix:" REF_DIR "/qmp.sock,server=on,wait=off ",
		" -device vfio-pci,host=01:00.0 -device vfio-pci,host=01:00.1\n",
		"\nExecStartPost=",
		"chmod 600 '" REF_DIR "/console.sock' '" REF_DIR
		"/monitor.sock' '" REF_DIR "/qmp.sock'",
		"\nExecStop=/bin/sh -c \"echo system_powerdown | ",
		"UNIX-CONNECT:'" REF_DIR "/monitor.sock'",
		"\nTimeoutStopSec=60\n",
		"\nKillMode=mixed\n",
		"\nRestart=on-failure\n",
		"\nStartLimitIntervalSec=",
		"\nStartLimitBurst=",
		"\nWantedBy=multi-user.target\n",
	};
	char *unit = reference_unit();

	(void)state;
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		if (!strstr(unit, lines[i]))
			fail_msg("the unit lacks [%s]:\n%s", lines[i], unit);
	/* systemd runs QEMU in the foreground */
	assert_null(strstr(unit, "-daemonize"));
	assert_null(strstr(unit, "-pidfile"));
	free(unit);
}

static void test_unit_verify(void **state)
{
	char *unit = reference_unit();
	char *out;
	int status;

	(void)state;
	if (!have_systemd_analyze()) {
		free(unit);
		skip();
	}
	out = verify_unit(unit, "routeros.service", &status);
	if (status != 0 || *out)
		fail_msg("systemd-analyze verify: status %d, stderr: %s",
		    status, out);
	free(out);
	free(unit);
}

/* A VM folder with a blank, a quote, a percent sign and a dollar: every
 * line that names it stays one well-formed word for systemd, and the
 * shell scripts quote it for the shell. */
static void test_unit_odd_folder(void **state)
{
	struct nr_config cfg;
	char *unit, *out;
	int status;

	(void)state;
	load_lab(&cfg,
	    "  name: r1\n"
	    "  dir: \"/srv/it's 100% $HOME\"\n"
	    "  disk: d.qcow2\n"
	    "  passthrough: []\n");
	unit = nr_vm_unit(&cfg, "a local file");
	nr_config_release(&cfg);
	if (!strstr(unit, "\nReadWritePaths=\"/srv/it's 100%% $HOME\"\n"))
		fail_msg("ReadWritePaths is not quoted:\n%s", unit);
	if (!strstr(unit,
		" \"file=/srv/it's 100%% $$HOME/d.qcow2,if=virtio,"
		"format=qcow2,id=disk0\" "))
		fail_msg("the -drive word is not quoted:\n%s", unit);
	if (!strstr(unit,
		"chmod 600 '/srv/it'\\\\''s 100%% $$HOME/"
		"console.sock'"))
		fail_msg("ExecStartPost does not quote the folder for the "
			 "shell:\n%s",
		    unit);
	if (!have_systemd_analyze()) {
		free(unit);
		skip();
	}
	out = verify_unit(unit, "r1.service", &status);
	if (status != 0 || *out)
		fail_msg("systemd-analyze verify: status %d, stderr: %s\n%s",
		    status, out, unit);
	free(out);
	free(unit);
}

/* Without a service user the unit runs QEMU as qemu:kvm. */
static void test_unit_default_user(void **state)
{
	char *text = lab_yaml("  name: r1\n"
			      "  dir: /vm\n"
			      "  disk: d.qcow2\n"
			      "  passthrough: []\n"
			      "  stop_timeout: 90s\n");
	char *cut = strstr(text, "  service_user:");
	struct nr_config cfg;
	char *unit;

	(void)state;
	assert_non_null(cut);
	memmove(cut, strchr(cut, '\n') + 1, strlen(strchr(cut, '\n') + 1) + 1);
	load(&cfg, text);
	unit = nr_vm_unit(&cfg, "0123456789abcdef");
	assert_non_null(strstr(unit, "\nUser=qemu\nGroup=kvm\n"));
	assert_non_null(strstr(unit, "\nTimeoutStopSec=90\n"));
	assert_non_null(strstr(unit, "from 0123456789abcdef;"));
	assert_non_null(
	    strstr(unit, "Description=RouterOS CHR virtual machine r1"));
	free(unit);
	nr_config_release(&cfg);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reference_systemd),
		cmocka_unit_test(test_reference_direct),
		cmocka_unit_test(test_lab_with_nic),
		cmocka_unit_test(test_two_nics_and_forwards),
		cmocka_unit_test(test_passthrough_list),
		cmocka_unit_test(test_paths_with_commas),
		cmocka_unit_test(test_vm_paths),
		cmocka_unit_test(test_quote),
		cmocka_unit_test(test_quote_read_by_systemd),
		cmocka_unit_test(test_unit_golden),
		cmocka_unit_test(test_unit_hardening),
		cmocka_unit_test(test_unit_verify),
		cmocka_unit_test(test_unit_odd_folder),
		cmocka_unit_test(test_unit_default_user),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
