/* argv: QEMU's argv and the systemd unit from `vm`. */
#include "vm/argv.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/mem.h"

#define QEMU "qemu-system-x86_64"

void nr_argv_add(struct nr_argv *a, const char *s)
{
	char **slot = NR_PUSH(a->v, a->n, a->cap);

	*slot = nr_strdup(s);
	/* keep it NULL-terminated: one spare slot */
	NR_PUSH(a->v, a->n, a->cap);
	a->n--;
}

void nr_argv_addf(struct nr_argv *a, const char *fmt, ...)
{
	struct nr_buf b = NR_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	nr_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	nr_argv_add(a, b.s);
	nr_buf_release(&b);
}

void nr_argv_release(struct nr_argv *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
	memset(a, 0, sizeof(*a));
}

char *nr_vm_path(const struct nr_vm *vm, const char *what)
{
	if (strcmp(what, "pid") == 0)
		return nr_asprintf("%s/%s.pid", vm->dir.s, vm->name.s);
	return nr_asprintf("%s/%s.sock", vm->dir.s, what);
}

char *nr_vm_disk(const struct nr_vm *vm)
{
	if (vm->disk.s[0] == '/')
		return nr_strdup(vm->disk.s);
	return nr_asprintf("%s/%s", vm->dir.s, vm->disk.s);
}

/* The slots handed to QEMU: all passthrough ports, or the listed ones. */
static void passthrough(struct nr_argv *a, const struct nr_config *cfg)
{
	const struct nr_vm *vm = &cfg->vm;
	size_t n = vm->passthrough.all ? cfg->hardware.passthrough.n
				       : vm->passthrough.list.n;

	for (size_t i = 0; i < n; i++) {
		const char *slot = vm->passthrough.all
		    ? cfg->hardware.passthrough.v[i].slot.s
		    : vm->passthrough.list.v[i].s;

		/* QEMU takes the short form BB:DD.F for domain 0 */
		nr_argv_add(a, "-device");
		nr_argv_addf(a, "vfio-pci,host=%s",
		    strncmp(slot, "0000:", 5) == 0 ? slot + 5 : slot);
	}
}

static void nics(struct nr_argv *a, const struct nr_vm *vm)
{
	if (!vm->nics.n) {
		nr_argv_add(a, "-nic");
		nr_argv_add(a, "none");
		return;
	}
	for (size_t i = 0; i < vm->nics.n; i++) {
		const struct nr_vm_nic *nic = &vm->nics.v[i];
		struct nr_buf b = NR_BUF_INIT;

		nr_buf_addf(&b, "user,id=net%zu", i);
		for (size_t k = 0; k < nic->forward.n; k++)
			nr_buf_addf(&b, ",hostfwd=%s", nic->forward.v[k].s);
		nr_argv_add(a, "-netdev");
		nr_argv_add(a, b.s);
		nr_argv_add(a, "-device");
		nr_argv_addf(a, "virtio-net-pci,netdev=net%zu", i);
		nr_buf_release(&b);
	}
}

/* A path inside a QEMU option string ("file=PATH,if=..."): QEMU splits
 * options at commas, and a comma that belongs to the value is doubled.
 * Takes `path`; returns the escaped copy. */
static char *opt_value(char *path)
{
	struct nr_buf b = NR_BUF_INIT;

	for (const char *p = path; *p; p++) {
		if (*p == ',')
			nr_buf_addch(&b, ',');
		nr_buf_addch(&b, *p);
	}
	free(path);
	return nr_buf_detach(&b);
}

void nr_vm_argv(struct nr_argv *a, const struct nr_config *cfg, int direct)
{
	const struct nr_vm *vm = &cfg->vm;
	char *disk = opt_value(nr_vm_disk(vm));
	char *serial = opt_value(nr_vm_path(vm, "console"));
	char *monitor = opt_value(nr_vm_path(vm, "monitor"));
	char *qmp = opt_value(nr_vm_path(vm, "qmp"));

	memset(a, 0, sizeof(*a));
	nr_argv_add(a, QEMU);
	nr_argv_add(a, "-name");
	nr_argv_add(a, vm->name.s);
	nr_argv_add(a, "-machine");
	nr_argv_addf(a, "%s,accel=%s", vm->machine.s, vm->accel.s);
	nr_argv_add(a, "-cpu");
	nr_argv_add(a, vm->cpu.s);
	nr_argv_add(a, "-smp");
	nr_argv_addf(a, "%lld", vm->cpus.num);
	nr_argv_add(a, "-m");
	nr_argv_addf(a, "%lldM", vm->memory.num >> 20);
	nics(a, vm);
	nr_argv_add(a, "-drive");
	nr_argv_addf(a, "file=%s,if=virtio,format=qcow2,id=disk0", disk);
	nr_argv_add(a, "-serial");
	nr_argv_addf(a, "unix:%s,server=on,wait=off", serial);
	nr_argv_add(a, "-monitor");
	nr_argv_addf(a, "unix:%s,server=on,wait=off", monitor);
	nr_argv_add(a, "-qmp");
	nr_argv_addf(a, "unix:%s,server=on,wait=off", qmp);
	nr_argv_add(a, "-display");
	nr_argv_add(a, "none");
	nr_argv_add(a, "-vga");
	nr_argv_add(a, "none");
	passthrough(a, cfg);
	if (direct) {
		char *pid = nr_vm_path(vm, "pid");

		nr_argv_add(a, "-daemonize");
		nr_argv_add(a, "-pidfile");
		nr_argv_add(a, pid);
		free(pid);
	}
	free(disk);
	free(serial);
	free(monitor);
	free(qmp);
}

/* One word by systemd's rules: "%" doubled (specifiers), "$" doubled in
 * command lines (environment variables), and double quotes around a word
 * that is empty or holds blanks, quotes, backslashes, ";" or control
 * characters, with '"' and '\\' escaped and control characters written as
 * C escapes (systemd unescapes them inside quotes). */
static char *unit_word(const char *word, bool exec)
{
	struct nr_buf b = NR_BUF_INIT;
	bool quote = !*word || strpbrk(word, " \"'\\;") != NULL;

	for (const char *p = word; *p && !quote; p++)
		quote = (unsigned char)*p < 0x20 || *p == 0x7f;
	if (quote)
		nr_buf_addch(&b, '"');
	for (const char *p = word; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '\n')
			nr_buf_adds(&b, "\\n");
		else if (c == '\t')
			nr_buf_adds(&b, "\\t");
		else if (c < 0x20 || c == 0x7f)
			nr_buf_addf(&b, "\\x%02x", c);
		else if (c == '"' || c == '\\')
			nr_buf_addf(&b, "\\%c", c);
		else if (c == '%' || (exec && c == '$'))
			nr_buf_addf(&b, "%c%c", c, c);
		else
			nr_buf_addch(&b, c);
	}
	if (quote)
		nr_buf_addch(&b, '"');
	return nr_buf_detach(&b);
}

char *nr_systemd_quote(const char *word)
{
	return unit_word(word, true);
}

/* A path for a shell script: single-quoted, a "'" as '\''. */
static void sh_word(struct nr_buf *b, const char *s)
{
	nr_buf_addch(b, '\'');
	for (const char *p = s; *p; p++) {
		if (*p == '\'')
			nr_buf_adds(b, "'\\''");
		else
			nr_buf_addch(b, *p);
	}
	nr_buf_addch(b, '\'');
}

static void exec_line(struct nr_buf *b, const char *key, char *const *argv,
    const char *absolute_first)
{
	nr_buf_addf(b, "%s=", key);
	for (size_t i = 0; argv[i]; i++) {
		char *q = nr_systemd_quote(
		    i == 0 && absolute_first ? absolute_first : argv[i]);

		nr_buf_addf(b, "%s%s", i ? " " : "", q);
		free(q);
	}
	nr_buf_addch(b, '\n');
}

/* ExecStartPost: wait for QEMU's three sockets, then make them mode 600.
 * ExecStop: the ACPI power button through the monitor, then wait for QEMU
 * to exit; systemd kills whatever remains once ExecStop returns, so
 * without the wait RouterOS would get no time to shut down (TimeoutStopSec
 * bounds it). The paths are shell-quoted inside the script, and the
 * script is one systemd word. */
static void control_lines(struct nr_buf *b, const struct nr_vm *vm)
{
	static const char *const socks[] = { "console", "monitor", "qmp" };
	struct nr_buf sh = NR_BUF_INIT;
	char *monitor = nr_vm_path(vm, "monitor");
	char *argv[6] = { NULL };

	nr_buf_adds(&sh, "until");
	for (size_t i = 0; i < 3; i++) {
		char *path = nr_vm_path(vm, socks[i]);

		nr_buf_adds(&sh, i ? " && [ -S " : " [ -S ");
		sh_word(&sh, path);
		nr_buf_adds(&sh, " ]");
		free(path);
	}
	nr_buf_adds(&sh, "; do sleep 0.2; done; chmod 600");
	for (size_t i = 0; i < 3; i++) {
		char *path = nr_vm_path(vm, socks[i]);

		nr_buf_addch(&sh, ' ');
		sh_word(&sh, path);
		free(path);
	}
	argv[0] = "/usr/bin/timeout";
	argv[1] = "30";
	argv[2] = "/bin/sh";
	argv[3] = "-c";
	argv[4] = sh.s;
	exec_line(b, "ExecStartPost", argv, NULL);

	nr_buf_reset(&sh);
	nr_buf_adds(&sh,
	    "echo system_powerdown | /usr/bin/socat - "
	    "UNIX-CONNECT:");
	sh_word(&sh, monitor);
	nr_buf_adds(&sh,
	    "; while kill -0 $MAINPID 2>/dev/null; do sleep 1; "
	    "done");
	argv[0] = "/bin/sh";
	argv[1] = "-c";
	argv[2] = sh.s;
	argv[3] = NULL;
	exec_line(b, "ExecStop", argv, NULL);
	nr_buf_release(&sh);
	free(monitor);
}

char *nr_vm_unit(const struct nr_config *cfg, const char *origin)
{
	const struct nr_vm *vm = &cfg->vm;
	const struct nr_service_user *u = &cfg->host.service_user;
	const char *user = u->o.present ? u->name.s : "qemu";
	const char *group = u->o.present && u->groups.n ? u->groups.v[0].s
							: "kvm";
	struct nr_buf b = NR_BUF_INIT;
	struct nr_argv a;
	char *rw = unit_word(vm->dir.s, false);

	nr_vm_argv(&a, cfg, 0);
	nr_buf_addf(&b,
	    "# Managed by netrec from %s; local edits are overwritten.\n"
	    "[Unit]\n"
	    "Description=RouterOS CHR virtual machine %s (netrec)\n"
	    "After=network-online.target\n"
	    "Wants=network-online.target\n"
	    "StartLimitIntervalSec=600\n"
	    "StartLimitBurst=5\n"
	    "\n"
	    "[Service]\n"
	    "Type=simple\n"
	    "User=%s\n"
	    "Group=%s\n"
	    "UMask=0077\n",
	    origin, vm->name.s, user, group);
	exec_line(&b, "ExecStart", a.v, "/usr/bin/" QEMU);
	control_lines(&b, vm);
	nr_buf_addf(&b,
	    "TimeoutStopSec=%lld\n"
	    "KillMode=mixed\n"
	    "Restart=on-failure\n"
	    "RestartSec=5\n"
	    "LimitMEMLOCK=infinity\n"
	    "LimitNOFILE=65536\n"
	    "OOMScoreAdjust=-900\n"
	    "AmbientCapabilities=CAP_SYS_NICE\n"
	    "CapabilityBoundingSet=CAP_SYS_NICE\n"
	    "ProtectSystem=strict\n"
	    "ReadWritePaths=%s\n"
	    "ProtectHome=yes\n"
	    "PrivateTmp=yes\n"
	    "\n"
	    "[Install]\n"
	    "WantedBy=multi-user.target\n",
	    vm->stop_timeout.num, rw);
	nr_argv_release(&a);
	free(rw);
	return nr_buf_detach(&b);
}
