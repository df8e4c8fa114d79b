/* config: network.yaml as typed C structures. Every value keeps where it
 * came from, so later stages (cross-checks, the plan) can point at it.
 *
 * The layout is filled by the generic loader from the schema tables in
 * schema-tables.c: keep the two in step (a field here, a row there). */
#ifndef NR_CONFIG_H
#define NR_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/diag.h"

/* One scalar: its text (normalised by its format, e.g. a PCI slot always
 * with its domain), its number where it has one (integers, booleans, enum
 * indexes, bytes of a memory size, seconds of a duration, the port of a
 * host:port) and its location. `set` is false when the key was absent
 * and the value is the schema's default (loc is then {0,0}). */
struct nr_val {
	char *s;
	long long num;
	bool set;
	struct nr_loc loc;
	struct nr_loc body; /* where the text starts (see nr_ynode.body) */
	bool block; /* a literal block: text lines map to file lines */
};

#define NR_LIST(T)                 \
	struct {                   \
		T *v;              \
		size_t n;          \
		struct nr_loc loc; \
	}

/* The first member of every mapping's struct: where the mapping starts and
 * whether it was in the file at all. */
struct nr_obj {
	struct nr_loc loc;
	bool present;
};

struct nr_vals {
	struct nr_val *v;
	size_t n;
	struct nr_loc loc;
};

/* A value that is either the word "all" or a list of values. */
struct nr_all_or_list {
	bool all;
	struct nr_vals list;
	struct nr_loc loc;
	bool set;
};

enum nr_iommu { NR_IOMMU_INTEL, NR_IOMMU_AMD };
enum nr_accel { NR_ACCEL_KVM, NR_ACCEL_TCG, NR_ACCEL_KVM_TCG };
enum nr_supervisor { NR_SUP_SYSTEMD, NR_SUP_DIRECT };
enum nr_router_type { NR_ROUTER_ROUTEROS };
enum nr_router_mode { NR_MODE_INCREMENTAL, NR_MODE_RESET };
enum nr_on_failure { NR_ONFAIL_ROLLBACK, NR_ONFAIL_KEEP };

struct nr_pt_port {
	struct nr_obj o;
	struct nr_val slot; /* "0000:01:00.0" */
	struct nr_val id; /* "8086:1521" */
	struct nr_val host_driver; /* may be unset */
};

struct nr_host_nic {
	struct nr_obj o;
	struct nr_val slot, id, driver;
};

struct nr_hardware {
	struct nr_obj o;
	NR_LIST(struct nr_pt_port) passthrough;
	struct nr_host_nic host_nic;
};

struct nr_host_file {
	struct nr_obj o;
	struct nr_val path, content, mode, owner;
};

struct nr_service_user {
	struct nr_obj o;
	struct nr_val name;
	struct nr_vals groups;
};

struct nr_ntp {
	struct nr_obj o;
	struct nr_vals servers;
};

struct nr_host {
	struct nr_obj o;
	struct nr_val iommu;
	struct nr_vals packages;
	struct nr_service_user service_user;
	struct nr_ntp ntp;
	NR_LIST(struct nr_host_file) files;
};

struct nr_snapshots {
	struct nr_obj o;
	struct nr_val keep;
};

enum nr_nic_type { NR_NIC_USER };

/* A virtual NIC (for a lab or rehearsal VM reached without passthrough). */
struct nr_vm_nic {
	struct nr_obj o;
	struct nr_val type; /* user: QEMU's user-mode network */
	struct nr_vals forward; /* "tcp:127.0.0.1:2222-:22" */
};

struct nr_vm {
	struct nr_obj o;
	struct nr_val name, dir, disk, image_source, machine, accel, cpu;
	struct nr_val cpus, memory; /* memory.num: bytes */
	struct nr_all_or_list passthrough;
	NR_LIST(struct nr_vm_nic) nics;
	struct nr_val supervisor;
	struct nr_val stop_timeout; /* num: seconds */
	struct nr_snapshots snapshots;
};

struct nr_router_ssh {
	struct nr_obj o;
	struct nr_val user, port, key, known_hosts;
	struct nr_val timeout; /* num: seconds, for one command */
};

struct nr_router {
	struct nr_obj o;
	struct nr_val type, host;
	struct nr_router_ssh ssh;
	struct nr_val mode;
	struct nr_val reset_timeout; /* num: seconds */
	struct nr_val config;
};

struct nr_probe {
	struct nr_obj o;
	struct nr_val tcp; /* "host:port"; num is the port */
	struct nr_vals command; /* argv */
};

struct nr_checks {
	struct nr_obj o;
	struct nr_val timeout; /* num: seconds */
	NR_LIST(struct nr_probe) probes;
	struct nr_val on_failure;
};

struct nr_gitops {
	struct nr_obj o;
	struct nr_val lock_timeout; /* num: seconds */
};

struct nr_config {
	struct nr_obj o;
	struct nr_val version;
	struct nr_hardware hardware;
	struct nr_host host;
	struct nr_vm vm;
	struct nr_router router;
	struct nr_checks checks;
	struct nr_gitops gitops;
};

#endif
