/* schema-tables: the keys of network.yaml, their types, defaults, checks
 * and documentation. One row per key; config.h has the matching fields. */
#include <stddef.h>

#include "conf/config.h"
#include "conf/schema.h"

#define END                 \
	{                   \
		.key = NULL \
	}
#define STR(S, k, ...)                                              \
	{                                                           \
		.key = #k, .type = NR_S_STR, .off = offsetof(S, k), \
		__VA_ARGS__                                         \
	}
#define INT(S, k, ...)                                              \
	{                                                           \
		.key = #k, .type = NR_S_INT, .off = offsetof(S, k), \
		__VA_ARGS__                                         \
	}
#define OBJ(S, k, O, ...)                                           \
	{                                                           \
		.key = #k, .type = NR_S_OBJ, .off = offsetof(S, k), \
		.obj = &(O), __VA_ARGS__                            \
	}
#define STRS(S, k, F, ...)                                           \
	{                                                            \
		.key = #k, .type = NR_S_LIST, .off = offsetof(S, k), \
		.fmt = (F), __VA_ARGS__                              \
	}
#define OBJS(S, k, O, T, ...)                                        \
	{                                                            \
		.key = #k, .type = NR_S_LIST, .off = offsetof(S, k), \
		.obj = &(O), .elem_size = sizeof(T), __VA_ARGS__     \
	}

static const char *const iommu_words[] = { "intel", "amd", NULL };
static const char *const accel_words[] = { "kvm", "tcg", "kvm:tcg", NULL };
static const char *const supervisor_words[] = { "systemd", "direct", NULL };
static const char *const router_types[] = { "routeros", NULL };
static const char *const mode_words[] = { "incremental", "reset", NULL };
static const char *const on_failure_words[] = { "rollback", "keep", NULL };

static const struct nr_field pt_port_fields[] = {
	STR(struct nr_pt_port, slot, .required = 1, .fmt = &nr_fmt_pci_slot,
	    .doc =
		"PCI slot, as lspci -D prints it (the domain may be left out)",
	    .example = "0000:01:00.0"),
	STR(struct nr_pt_port, id, .required = 1, .fmt = &nr_fmt_pci_id,
	    .doc = "vendor:device ID, as lspci -nn prints it; the device in "
		   "the slot must have this ID",
	    .example = "8086:1521"),
	STR(struct nr_pt_port, host_driver, .fmt = &nr_fmt_driver,
	    .doc = "the host driver kept off this port (denylisted)",
	    .example = "igb"),
	END,
};

static const struct nr_object pt_port = {
	"A NIC port passed through to the router VM",
	sizeof(struct nr_pt_port),
	pt_port_fields,
	0,
};

static const struct nr_field host_nic_fields[] = {
	STR(struct nr_host_nic, slot, .required = 1, .fmt = &nr_fmt_pci_slot,
	    .doc = "PCI slot of the host's own NIC", .example = "0000:06:00.0"),
	STR(struct nr_host_nic, id, .required = 1, .fmt = &nr_fmt_pci_id,
	    .doc = "its vendor:device ID", .example = "10ec:8168"),
	STR(struct nr_host_nic, driver, .fmt = &nr_fmt_driver,
	    .doc = "the driver the host NIC needs (never denylisted)",
	    .example = "r8169"),
	END,
};

static const struct nr_object host_nic = {
	"The host's own NIC: never passed through, its driver never "
	"denylisted",
	sizeof(struct nr_host_nic),
	host_nic_fields,
	0,
};

static const struct nr_field hardware_fields[] = {
	OBJS(struct nr_hardware, passthrough, pt_port, struct nr_pt_port,
	    .doc = "the NIC ports handed to the router VM with vfio-pci"),
	OBJ(struct nr_hardware, host_nic, host_nic,
	    .doc = "the host's own NIC, which keeps the host reachable"),
	END,
};

static const struct nr_object hardware = {
	"PCI hardware of the router host",
	sizeof(struct nr_hardware),
	hardware_fields,
	0,
};

static const struct nr_field service_user_fields[] = {
	STR(struct nr_service_user, name, .required = 1,
	    .fmt = &nr_fmt_unix_name, .doc = "system user that runs QEMU",
	    .example = "qemu"),
	STRS(struct nr_service_user, groups, &nr_fmt_unix_name,
	    .doc = "supplementary groups (kvm gives /dev/kvm and /dev/vfio)",
	    .example = "[kvm]"),
	END,
};

static const struct nr_object service_user = {
	"The system user that runs the VM",
	sizeof(struct nr_service_user),
	service_user_fields,
	0,
};

static const struct nr_field ntp_fields[] = {
	STRS(struct nr_ntp, servers, &nr_fmt_host, .required = 1,
	    .doc = "NTP servers or pools for chrony",
	    .example = "[pool.ntp.org]"),
	END,
};

static const struct nr_object ntp = {
	"Time synchronisation with chrony",
	sizeof(struct nr_ntp),
	ntp_fields,
	0,
};

static const struct nr_field file_fields[] = {
	STR(struct nr_host_file, path, .required = 1, .fmt = &nr_fmt_abspath,
	    .doc = "absolute path of the file", .example = "/etc/motd"),
	STR(struct nr_host_file, content, .required = 1,
	    .doc = "the whole content of the file"),
	STR(struct nr_host_file, mode, .fmt = &nr_fmt_filemode, .def = "0644",
	    .doc = "octal permission bits, quoted", .example = "\"0644\""),
	STR(struct nr_host_file, owner, .fmt = &nr_fmt_owner,
	    .def = "root:root",
	    .doc = "owner and group, as user or user:group"),
	END,
};

static const struct nr_object host_file = {
	"A file netrec keeps with exactly this content",
	sizeof(struct nr_host_file),
	file_fields,
	0,
};

static const struct nr_field host_fields[] = {
	STR(struct nr_host, iommu, .enums = iommu_words, .def = "intel",
	    .doc = "IOMMU to turn on on the kernel command line "
		   "(intel_iommu=on or amd_iommu=on)"),
	STRS(struct nr_host, packages, &nr_fmt_package,
	    .doc = "Debian packages that must be installed",
	    .example = "[qemu-system-x86, qemu-utils, socat, chrony]"),
	OBJ(struct nr_host, service_user, service_user,
	    .doc = "the system user that runs QEMU"),
	OBJ(struct nr_host, ntp, ntp, .doc = "time synchronisation"),
	OBJS(struct nr_host, files, host_file, struct nr_host_file,
	    .doc = "extra files managed on the host"),
	END,
};

static const struct nr_object host = {
	"The router host itself",
	sizeof(struct nr_host),
	host_fields,
	0,
};

static const struct nr_field snapshots_fields[] = {
	INT(struct nr_snapshots, keep, .min = 1, .max = 1000, .def = "10",
	    .doc = "how many of netrec's own snapshots to keep "
		   "(the user's snapshots are never pruned)"),
	END,
};

static const struct nr_object snapshots = {
	"Pre-apply disk snapshots",
	sizeof(struct nr_snapshots),
	snapshots_fields,
	0,
};

static const char *const nic_types[] = { "user", NULL };

static const struct nr_field vm_nic_fields[] = {
	STR(struct nr_vm_nic, type, .enums = nic_types, .def = "user",
	    .doc = "user: QEMU's user-mode network (no host setup needed)"),
	STRS(struct nr_vm_nic, forward, &nr_fmt_hostfwd,
	    .doc = "host port forwards, as QEMU's hostfwd: "
		   "PROTO:HOSTADDR:HOSTPORT-GUESTADDR:GUESTPORT",
	    .example = "[\"tcp:127.0.0.1:2222-:22\"]"),
	END,
};

static const struct nr_object vm_nic = {
	"A virtual NIC of the VM (virtio-net)",
	sizeof(struct nr_vm_nic),
	vm_nic_fields,
	0,
};

static const struct nr_field vm_fields[] = {
	STR(struct nr_vm, name, .required = 1, .fmt = &nr_fmt_name,
	    .doc = "VM name; also the systemd unit name",
	    .example = "routeros"),
	STR(struct nr_vm, dir, .required = 1, .fmt = &nr_fmt_abspath,
	    .doc = "folder of the disk, sockets and pidfile",
	    .example = "/srv/virtual_machines/routeros"),
	STR(struct nr_vm, disk, .required = 1, .fmt = &nr_fmt_path,
	    .doc = "qcow2 disk, relative to dir or absolute",
	    .example = "chr-7.19.3.qcow2"),
	STR(struct nr_vm, image_source, .fmt = &nr_fmt_path,
	    .doc = "raw CHR image converted to the qcow2 disk when the disk "
		   "is missing (never overwrites a disk)",
	    .example = "chr-7.19.3.img"),
	STR(struct nr_vm, machine, .fmt = &nr_fmt_word, .def = "q35",
	    .doc = "QEMU machine type (-machine)"),
	STR(struct nr_vm, accel, .enums = accel_words, .def = "kvm",
	    .doc = "accelerator: kvm, tcg, or kvm:tcg (KVM, falling back to "
		   "TCG)"),
	STR(struct nr_vm, cpu, .fmt = &nr_fmt_word, .def = "host",
	    .doc = "QEMU CPU model (-cpu)"),
	INT(struct nr_vm, cpus, .min = 1, .max = 64, .def = "2",
	    .doc = "virtual CPUs (-smp)"),
	STR(struct nr_vm, memory, .fmt = &nr_fmt_memory, .def = "512M",
	    .doc = "memory, with M or G (128M to 256G)"),
	{ .key = "passthrough",
	    .type = NR_S_ALL_OR_LIST,
	    .off = offsetof(struct nr_vm, passthrough),
	    .fmt = &nr_fmt_pci_slot,
	    .def = "all",
	    .doc = "\"all\" passthrough ports of hardware, or a list of their "
		   "slots" },
	OBJS(struct nr_vm, nics, vm_nic, struct nr_vm_nic,
	    .doc = "virtual NICs besides the passed-through ports (none by "
		   "default: -nic none)"),
	STR(struct nr_vm, supervisor, .enums = supervisor_words,
	    .def = "systemd",
	    .doc = "who runs QEMU: a systemd unit, or netrec itself (direct)"),
	STR(struct nr_vm, stop_timeout, .fmt = &nr_fmt_duration, .def = "60s",
	    .doc = "how long a graceful stop (ACPI power button) may take "
		   "before QEMU is told to quit"),
	OBJ(struct nr_vm, snapshots, snapshots, .doc = "disk snapshots"),
	END,
};

static const struct nr_object vm = {
	"The QEMU/KVM virtual machine that runs RouterOS CHR",
	sizeof(struct nr_vm),
	vm_fields,
	0,
};

static const struct nr_field ssh_fields[] = {
	STR(struct nr_router_ssh, user, .fmt = &nr_fmt_name, .def = "netrec",
	    .doc = "RouterOS user netrec logs in as (netrec adds +ct)"),
	INT(struct nr_router_ssh, port, .min = 1, .max = 65535, .def = "22",
	    .doc = "SSH port"),
	STR(struct nr_router_ssh, key, .required = 1, .fmt = &nr_fmt_abspath,
	    .doc = "private key file", .example = "/etc/netrec/id_ed25519"),
	STR(struct nr_router_ssh, known_hosts, .required = 1,
	    .fmt = &nr_fmt_abspath,
	    .doc = "known_hosts file that must hold the router's host key",
	    .example = "/etc/netrec/known_hosts"),
	STR(struct nr_router_ssh, timeout, .fmt = &nr_fmt_duration,
	    .def = "30s",
	    .doc = "how long one command may take (an /import of a large "
		   "script takes longer)"),
	END,
};

static const struct nr_object router_ssh = {
	"How netrec reaches the router",
	sizeof(struct nr_router_ssh),
	ssh_fields,
	0,
};

static const struct nr_field router_fields[] = {
	STR(struct nr_router, type, .enums = router_types, .def = "routeros",
	    .doc = "router operating system"),
	STR(struct nr_router, host, .required = 1, .fmt = &nr_fmt_host,
	    .doc = "the router's management address",
	    .example = "192.168.10.1"),
	OBJ(struct nr_router, ssh, router_ssh, .required = 1,
	    .doc = "SSH access"),
	STR(struct nr_router, mode, .enums = mode_words, .def = "incremental",
	    .doc = "incremental (import only the difference) or reset "
		   "(reset-configuration with the whole script)"),
	STR(struct nr_router, reset_timeout, .fmt = &nr_fmt_duration,
	    .def = "180s",
	    .doc = "reset mode: how long the router may take to come back"),
	STR(struct nr_router, config, .required = 1,
	    .doc = "RouterOS script; secrets as {{ op://vault/item/field }}, "
		   "{{ pass:NAME }}, {{ env:NAME }} or {{ file:PATH }}"),
	END,
};

static const struct nr_object router = {
	"The RouterOS configuration inside the VM",
	sizeof(struct nr_router),
	router_fields,
	0,
};

static const struct nr_field probe_fields[] = {
	STR(struct nr_probe, tcp, .fmt = &nr_fmt_hostport,
	    .doc = "a TCP connect to host:port must succeed",
	    .example = "192.168.10.1:22"),
	STRS(struct nr_probe, command, NULL,
	    .doc = "a program (argv, found on PATH, no shell) must exit 0",
	    .example = "[ping, -c1, -W1, 192.168.10.1]"),
	END,
};

static const struct nr_object probe = {
	"One health check; exactly one kind per entry",
	sizeof(struct nr_probe),
	probe_fields,
	1,
};

static const struct nr_field checks_fields[] = {
	STR(struct nr_checks, timeout, .fmt = &nr_fmt_duration, .def = "120s",
	    .doc = "how long the probes may take to pass after an apply"),
	OBJS(struct nr_checks, probes, probe, struct nr_probe,
	    .doc = "health checks run after every apply"),
	STR(struct nr_checks, on_failure, .enums = on_failure_words,
	    .def = "rollback",
	    .doc = "rollback (re-apply the previous commit) or keep"),
	END,
};

static const struct nr_object checks = {
	"Health checks after apply",
	sizeof(struct nr_checks),
	checks_fields,
	0,
};

static const struct nr_field gitops_fields[] = {
	STR(struct nr_gitops, lock_timeout, .fmt = &nr_fmt_duration,
	    .def = "600s",
	    .doc = "how long the post-receive hook waits for a running apply "
		   "to release the state lock before it gives up"),
	END,
};

static const struct nr_object gitops = {
	"Pushes applied by the git hooks (netrec hook install)",
	sizeof(struct nr_gitops),
	gitops_fields,
	0,
};

static const struct nr_field root_fields[] = {
	INT(struct nr_config, version, .required = 1, .min = 1, .max = 1,
	    .doc = "format version of this file; must be 1"),
	OBJ(struct nr_config, hardware, hardware, .doc = "PCI hardware"),
	OBJ(struct nr_config, host, host, .doc = "the router host"),
	OBJ(struct nr_config, vm, vm, .doc = "the router VM"),
	OBJ(struct nr_config, router, router, .doc = "the RouterOS config"),
	OBJ(struct nr_config, checks, checks, .doc = "post-apply checks"),
	OBJ(struct nr_config, gitops, gitops,
	    .doc = "pushes applied by the git hooks"),
	END,
};

const struct nr_object nr_schema_root = {
	"netrec network.yaml: the whole home network as code",
	sizeof(struct nr_config),
	root_fields,
	0,
};
