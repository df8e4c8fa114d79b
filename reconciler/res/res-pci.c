/* res-pci: read-only resources of the host layer.
 *  - pci: the PCI guard. Each passthrough slot must hold the declared ID,
 *    must not share its IOMMU group with the host NIC, and should be bound
 *    to vfio-pci (otherwise a reboot is pending). A refusal stops the whole
 *    apply before anything is written.
 *  - host.kernel: the live command line (ROOT/proc/cmdline) must carry the
 *    parameters of the grub file, otherwise a reboot is pending. */
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/fsutil.h"
#include "lib/mem.h"
#include "pci/inventory.h"
#include "res/res-host.h"

static int pci_observe(void **out, const struct nr_resource *r,
    struct nr_ctx *ctx, struct nr_err *err)
{
	const struct nr_hardware *hw = r->want;
	struct nr_pci_list *l = nr_calloc(1, sizeof(*l));
	int rc = nr_pci_scan(l, ctx->sysfs, false, err);

	if (rc < 0) {
		free(l);
		return rc;
	}
	/* names only where the plan will print one: a mismatching device */
	for (size_t i = 0; i < hw->passthrough.n; i++) {
		struct nr_pci_dev *d = (struct nr_pci_dev *)nr_pci_find(
		    l, hw->passthrough.v[i].slot.s);

		if (d && !d->device &&
		    strcmp(d->id, hw->passthrough.v[i].id.s) != 0)
			d->device = nr_pci_device_name(d->id);
	}
	*out = l;
	return 0;
}

static bool passed_through(const struct nr_hardware *hw, const char *slot)
{
	for (size_t i = 0; i < hw->passthrough.n; i++)
		if (strcmp(hw->passthrough.v[i].slot.s, slot) == 0)
			return true;
	return false;
}

/* Other devices of `d`'s IOMMU group that are not passed through. */
static void group_members(struct nr_buf *b, const struct nr_pci_list *l,
    const struct nr_pci_dev *d, const struct nr_hardware *hw)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct nr_pci_dev *o = &l->v[i];

		if (o != d && o->iommu_group &&
		    strcmp(o->iommu_group, d->iommu_group) == 0 &&
		    !passed_through(hw, o->slot))
			nr_buf_addf(
			    b, "%s%s (%s)", b->len ? ", " : "", o->slot, o->id);
	}
}

static void check_port(struct nr_plan *plan, const struct nr_pci_list *l,
    const struct nr_pt_port *p, const struct nr_hardware *hw,
    const struct nr_pci_dev *nic)
{
	const struct nr_pci_dev *d = nr_pci_find(l, p->slot.s);
	char *addr = nr_asprintf("pci[%s]", p->slot.s);
	struct nr_buf others = NR_BUF_INIT;

	if (!d) {
		nr_plan_note(plan, NR_NOTE_REFUSE, addr,
		    "no device in this slot (netrec inventory lists the slots)");
		goto out;
	}
	if (strcmp(d->id, p->id.s) != 0) {
		nr_plan_note(plan, NR_NOTE_REFUSE, addr,
		    "the slot holds %s%s%s, not the declared %s", d->id,
		    d->device ? " " : "", d->device ? d->device : "", p->id.s);
		goto out;
	}
	if (d->iommu_group && nic && nic->iommu_group &&
	    strcmp(d->iommu_group, nic->iommu_group) == 0) {
		nr_plan_note(plan, NR_NOTE_REFUSE, addr,
		    "shares IOMMU group %s with the host NIC %s: passing it "
		    "through would take the host's network too",
		    d->iommu_group, nic->slot);
		goto out;
	}
	if (d->iommu_group)
		group_members(&others, l, d, hw);
	if (others.len)
		nr_plan_note(plan, NR_NOTE_WARNING, addr,
		    "IOMMU group %s also holds %s, not passed through: vfio "
		    "needs the whole group",
		    d->iommu_group, others.s);
	if (!d->driver || strcmp(d->driver, "vfio-pci") != 0)
		nr_plan_note(plan, NR_NOTE_DEBT, addr,
		    "bound to %s, not vfio-pci: a reboot is pending",
		    d->driver ? d->driver : "no driver");
out:
	nr_buf_release(&others);
	free(addr);
}

static void pci_diff(struct nr_plan *plan, const struct nr_resource *r)
{
	const struct nr_hardware *hw = r->want;
	const struct nr_pci_list *l = r->have;
	const struct nr_host_nic *want_nic = &hw->host_nic;
	const struct nr_pci_dev *nic = NULL;

	if (want_nic->o.present) {
		char *addr = nr_asprintf("pci[%s]", want_nic->slot.s);

		nic = nr_pci_find(l, want_nic->slot.s);
		if (!nic || strcmp(nic->id, want_nic->id.s) != 0)
			nr_plan_note(plan, NR_NOTE_REFUSE, addr,
			    "the host NIC is declared as %s here, but the slot "
			    "holds %s: without the right host NIC the guard "
			    "cannot protect it",
			    want_nic->id.s, nic ? nic->id : "nothing");
		free(addr);
	}
	for (size_t i = 0; i < hw->passthrough.n; i++)
		check_port(plan, l, &hw->passthrough.v[i], hw, nic);
}

static json_t *pci_live_json(const struct nr_resource *r)
{
	const struct nr_pci_list *l = r->have;
	json_t *a = json_array();

	for (size_t i = 0; i < l->n; i++)
		json_array_append_new(a, nr_pci_dev_json(&l->v[i]));
	return a;
}

static int no_apply(
    const struct nr_change *c, struct nr_ctx *ctx, struct nr_err *err)
{
	(void)ctx;
	return nr_err_set(err, NR_EUNSUPPORTED, "%s is read-only", c->address);
}

static void pci_free_have(void *p)
{
	nr_pci_list_release(p);
	free(p);
}

static const struct nr_resource_ops pci_ops = {
	.kind = "pci",
	.layer = NR_LAYER_HOST,
	.observe = pci_observe,
	.diff = pci_diff,
	.apply = no_apply,
	.live_json = pci_live_json,
	.free_have = pci_free_have,
};

static int kernel_observe(void **out, const struct nr_resource *r,
    struct nr_ctx *ctx, struct nr_err *err)
{
	char *path = nr_rooted(ctx->root, "/proc/cmdline");
	char *text = NULL;
	size_t len;
	int rc = nr_file_read(&text, &len, path, 0, err);

	(void)r;
	free(path);
	if (rc == NR_ENOTFOUND) {
		text = nr_strdup("");
		rc = 0;
	}
	if (rc == 0)
		*out = text;
	return rc;
}

/* Whether `word` is one of the blank-separated words of `line`. */
static bool has_word(const char *line, const char *word, size_t n)
{
	for (const char *p = line; *p;) {
		size_t len;

		p += strspn(p, " \t\n");
		len = strcspn(p, " \t\n");
		if (len == n && strncmp(p, word, n) == 0)
			return true;
		p += len;
	}
	return false;
}

static void kernel_diff(struct nr_plan *plan, const struct nr_resource *r)
{
	const char *want = r->want, *have = r->have;
	struct nr_buf missing = NR_BUF_INIT;

	for (const char *p = want; *p;) {
		size_t len = strcspn(p, " ");

		if (!has_word(have, p, len))
			nr_buf_addf(&missing, "%s%.*s", missing.len ? " " : "",
			    (int)len, p);
		p += len + (p[len] == ' ');
	}
	if (missing.len)
		nr_plan_note(plan, NR_NOTE_DEBT, r->address,
		    "the running kernel lacks %s: a reboot is pending",
		    missing.s);
	nr_buf_release(&missing);
}

static json_t *kernel_live_json(const struct nr_resource *r)
{
	return json_string(r->have);
}

static const struct nr_resource_ops kernel_ops = {
	.kind = "host.kernel",
	.layer = NR_LAYER_HOST,
	.observe = kernel_observe,
	.diff = kernel_diff,
	.apply = no_apply,
	.live_json = kernel_live_json,
	.free_want = free,
	.free_have = free,
};

void nr_res_pci_add(struct nr_pipeline *p)
{
	nr_pipeline_add(p, &pci_ops, (void *)&p->cfg->hardware, NULL, "pci");
	nr_pipeline_add(
	    p, &kernel_ops, nr_host_kernel_params(p->cfg), NULL, "host.kernel");
}
