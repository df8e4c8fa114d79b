/* vmctl: the router VM's process: is it running, with which command line,
 * start it, stop it gracefully. The direct supervisor keeps a pidfile in
 * the VM folder; the systemd supervisor asks systemctl. */
#ifndef NR_VMCTL_H
#define NR_VMCTL_H

#include <sys/types.h>

#include "conf/config.h"
#include "lib/ctx.h"
#include "lib/err.h"
#include "vm/argv.h"

/* The running QEMU's pid, or 0 when it is not running. */
pid_t nr_vm_pid(const struct nr_config *cfg);
/* Reads /proc/PID/cmdline into `out`. */
int nr_vm_cmdline(struct nr_argv *out, pid_t pid, struct nr_err *err);
/* Starts the VM (direct: QEMU daemonizes; systemd: systemctl start) and
 * waits until QMP says it runs. */
int nr_vm_start(
    struct nr_ctx *ctx, const struct nr_config *cfg, struct nr_err *err);
/* Stops it: ACPI power button, up to vm.stop_timeout, then QMP quit, then
 * SIGKILL. A VM that is not running is fine. */
int nr_vm_stop(
    struct nr_ctx *ctx, const struct nr_config *cfg, struct nr_err *err);

#endif
