/* cmd-inventory: PCI devices as libpci sees them. */
#include "cmd/cmd.h"
#include "cmd/common.h"
#include "pci/inventory.h"

static void print_text(struct nr_ctx *ctx, const struct nr_pci_list *l)
{
	fprintf(ctx->out, "%-13s %-10s %-6s %-12s %-6s %s\n", "SLOT", "ID",
	    "CLASS", "DRIVER", "IOMMU", "DEVICE");
	for (size_t i = 0; i < l->n; i++) {
		const struct nr_pci_dev *d = &l->v[i];

		fprintf(ctx->out, "%-13s %-10s %-6s %-12s %-6s %s%s%s\n",
		    d->slot, d->id, d->cls, d->driver ? d->driver : "-",
		    d->iommu_group ? d->iommu_group : "-",
		    d->vendor ? d->vendor : "",
		    d->vendor && d->device ? " " : "",
		    d->device ? d->device : "");
	}
}

static int exec_inventory(struct nr_ctx *ctx, const struct nr_args *a)
{
	struct nr_pci_list l;
	struct nr_err err = NR_ERR_INIT;

	(void)a;
	if (nr_pci_scan(&l, ctx->sysfs, true, &err) < 0) {
		nr_cmd_error(ctx, "%s", err.msg);
		return NR_EXIT_ERROR;
	}
	if (ctx->json) {
		json_t *arr = json_array();

		for (size_t i = 0; i < l.n; i++)
			json_array_append_new(arr, nr_pci_dev_json(&l.v[i]));
		nr_cmd_print_json(ctx, arr);
	} else {
		print_text(ctx, &l);
	}
	nr_pci_list_release(&l);
	return NR_EXIT_OK;
}

const struct nr_cmd nr_cmd_inventory = {
	.name = "inventory",
	.args = "",
	.summary = "list PCI devices as libpci sees them (--sysfs for a tree)",
	.max_args = 0,
	.exec = exec_inventory,
};
