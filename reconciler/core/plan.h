/* plan: resources, changes and the plan that orders them.
 *
 * A resource is one thing netrec manages (a file, a user, the packages, a
 * PCI port, the VM, a RouterOS menu). Its kind implements nr_resource_ops:
 * observe reads the live state through the context, diff compares desired
 * and live without any I/O and adds changes and notes to the plan, apply
 * carries out one change. `plan` is `apply` stopped before the first
 * apply call: there is no other dry-run path. */
#ifndef NR_PLAN_H
#define NR_PLAN_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib/ctx.h"
#include "lib/err.h"

enum nr_action {
	NR_ACT_CREATE,
	NR_ACT_UPDATE,
	NR_ACT_DELETE,
	NR_ACT_RESTART,
	NR_ACT_RUN, /* a post-action such as update-grub */
	NR_ACT_REBOOT
};

enum nr_disruption {
	NR_DIS_NONE,
	NR_DIS_ROUTER_RESTART, /* the internet drops for one VM boot */
	NR_DIS_HOST_REBOOT /* takes effect after a host reboot */
};

/* Layers, for --target. */
enum nr_layer { NR_LAYER_HOST = 1, NR_LAYER_VM = 2, NR_LAYER_ROUTER = 4 };
#define NR_LAYER_ALL (NR_LAYER_HOST | NR_LAYER_VM | NR_LAYER_ROUTER)

enum nr_note_kind {
	NR_NOTE_WARNING,
	NR_NOTE_REFUSE, /* the PCI guard and the like: nothing is applied */
	NR_NOTE_DEBT /* a reboot is pending; not a change */
};

struct nr_plan;
struct nr_resource;
struct nr_change;

struct nr_resource_ops {
	const char *kind; /* "host.file" */
	enum nr_layer layer;
	/* Reads the live state into *have (kind-specific). */
	int (*observe)(void **have, const struct nr_resource *r,
	    struct nr_ctx *ctx, struct nr_err *err);
	/* Pure: compares r->want with r->have, adds changes and notes. */
	void (*diff)(struct nr_plan *plan, const struct nr_resource *r);
	/* Optional, apply only, before the first change of the plan: what
	 * only an apply may do (resolve secrets). A failure stops the apply
	 * with nothing changed. */
	int (*prepare)(
	    struct nr_resource *r, struct nr_ctx *ctx, struct nr_err *err);
	/* Carries out one change of this resource. */
	int (*apply)(
	    const struct nr_change *c, struct nr_ctx *ctx, struct nr_err *err);
	/* The live state as canonical JSON, for the plan's digest (secret
	 * values never in it). */
	json_t *(*live_json)(const struct nr_resource *r);
	void (*free_want)(void *want);
	void (*free_have)(void *have);
};

/* A post-action: one argv, run once per plan after the changes that need
 * it (update-grub after the kernel command line changed). */
struct nr_post {
	const char *name; /* "update-grub" */
	const char *const *argv;
};

struct nr_resource {
	const struct nr_resource_ops *ops;
	char *address; /* "host.file[/etc/...]" */
	void *want;
	void *have;
	const struct nr_post *const *post; /* NULL-terminated, or NULL */
};

struct nr_change {
	char *address;
	enum nr_action action;
	enum nr_disruption disruption;
	char *reason;
	char *diff; /* unified diff, or NULL */
	const struct nr_resource *res;
};

struct nr_note {
	enum nr_note_kind kind;
	char *address;
	char *msg;
};

struct nr_plan {
	struct nr_change *v;
	size_t n, cap;
	struct nr_note *notes;
	size_t nnotes, capnotes;
	char live_digest[65]; /* sha256 of every resource's live JSON */
	char source_digest[65]; /* sha256 of the network.yaml text */
	char *commit; /* full commit id, or NULL */
	char *source; /* "network.yaml", "main:network.yaml" */
	unsigned targets; /* NR_LAYER_* planned */
};

void nr_plan_init(struct nr_plan *p);
void nr_plan_release(struct nr_plan *p);
/* Adds a change; `reason` and `diff` are copied (diff may be NULL). */
struct nr_change *nr_plan_add(struct nr_plan *p, const struct nr_resource *r,
    enum nr_action action, enum nr_disruption dis, const char *diff,
    const char *reason_fmt, ...) __attribute__((format(printf, 6, 7)));
void nr_plan_note(struct nr_plan *p, enum nr_note_kind kind,
    const char *address, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
size_t nr_plan_count_notes(const struct nr_plan *p, enum nr_note_kind kind);

const char *nr_action_name(enum nr_action a);
const char *nr_disruption_name(enum nr_disruption d);
const char *nr_note_kind_name(enum nr_note_kind k);

/* The plan as the stable JSON of docs/cli.md (format_version 1). */
json_t *nr_plan_json(const struct nr_plan *p);
/* The plan as text, Terraform-like; colour when `color`. */
void nr_plan_print(FILE *fp, const struct nr_plan *p, bool color);

#endif
