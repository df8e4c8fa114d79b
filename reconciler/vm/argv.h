/* argv: the VM's QEMU command line, generated once from `vm` and used by
 * both supervisors (the systemd unit's ExecStart and the direct start),
 * and the systemd unit itself. Pure: no I/O. */
#ifndef NR_VM_ARGV_H
#define NR_VM_ARGV_H

#include <stddef.h>

#include "conf/config.h"

struct nr_argv {
	char **v; /* NULL-terminated */
	size_t n, cap;
};

void nr_argv_add(struct nr_argv *a, const char *s);
void nr_argv_addf(struct nr_argv *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void nr_argv_release(struct nr_argv *a);

/* The VM's paths: DIR/NAME.pid, DIR/qmp.sock, ... Caller frees. */
char *nr_vm_path(const struct nr_vm *vm, const char *what);
/* The disk: vm.disk when absolute, else vm.dir/vm.disk. Caller frees. */
char *nr_vm_disk(const struct nr_vm *vm);

/* The command line. `direct` adds -daemonize and -pidfile (netrec runs
 * QEMU itself); the systemd unit runs it in the foreground. */
void nr_vm_argv(struct nr_argv *out, const struct nr_config *cfg, int direct);

/* The systemd unit for the VM, with the seed's hardening. Caller frees. */
char *nr_vm_unit(const struct nr_config *cfg, const char *origin);

/* One word quoted by systemd's rules for ExecStart ("%" and "$" doubled,
 * double quotes around words with blanks or quotes). Caller frees. */
char *nr_systemd_quote(const char *word);

#endif
