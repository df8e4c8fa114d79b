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
	size_t n = vm->passthrough.all ? cfg->hardware.passthrough.n :
					 vm->passthrough.list.n;

	for (size_t i = 0; i < n; i++) {
		const char *slot = vm->passthrough.all ?
		    cfg->hardware.passthrough.v[i].slot.s :
		    vm->passthrough.list.v[i].s;

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

void nr_vm_argv(struct nr_argv *a, const struct nr_config *cfg, int direct)
{
	const struct nr_vm *vm = &cfg->vm;
	char *disk = nr_vm_disk(vm);
	char *serial = nr_vm_path(vm, "console");
	char *monitor = nr_vm_path(vm, "monitor");
	char *qmp = nr_vm_path(vm, "qmp");

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

char *nr_systemd_quote(const char *word)
{
	struct nr_buf b = NR_BUF_INIT;
	bool quote = !*word || strpbrk(word, " \t\n\"'\\;") != NULL;

	if (quote)
		nr_buf_addch(&b, '"');
	for (const char *p = word; *p; p++) {
		if (*p == '%' || *p == '$')
			nr_buf_addch(&b, *p);
		else if (quote && (*p == '"' || *p == '\\'))
			nr_buf_addch(&b, '\\');
		nr_buf_addch(&b, *p);
	}
	if (quote)
		nr_buf_addch(&b, '"');
	return nr_buf_detach(&b);
}

static void exec_line(struct nr_buf *b, const char *key, char *const *argv,
    const char *absolute_first)
{
	nr_buf_addf(b, "%s=", key);
	for (size_t i = 0; argv[i]; i++) {
		char *q = nr_systemd_quote(i == 0 && absolute_first ?
			absolute_first : argv[i]);

		nr_buf_addf(b, "%s%s", i ? " " : "", q);
		free(q);
	}
	nr_buf_addch(b, '\n');
}

char *nr_vm_unit(const struct nr_config *cfg, const char *origin)
{
	const struct nr_vm *vm = &cfg->vm;
	const struct nr_service_user *u = &cfg->host.service_user;
	const char *user = u->o.present ? u->name.s : "qemu";
	const char *group = u->o.present && u->groups.n ? u->groups.v[0].s :
							    "kvm";
	struct nr_buf b = NR_BUF_INIT;
	struct nr_argv a;
	char *serial = nr_vm_path(vm, "console");
	char *monitor = nr_vm_path(vm, "monitor");
	char *qmp = nr_vm_path(vm, "qmp");

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
	nr_buf_addf(&b,
	    "ExecStartPost=/usr/bin/timeout 30 /bin/sh -c 'until [ -S %s ] "
	    "&& [ -S %s ] && [ -S %s ]; do sleep 0.2; done; "
	    "chmod 600 %s %s %s'\n"
	    "ExecStop=/bin/sh -c 'echo system_powerdown | /usr/bin/socat - "
	    "UNIX-CONNECT:%s'\n"
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
	    serial, monitor, qmp, serial, monitor, qmp, monitor,
	    vm->stop_timeout.num, vm->dir.s);
	nr_argv_release(&a);
	free(serial);
	free(monitor);
	free(qmp);
	return nr_buf_detach(&b);
}
