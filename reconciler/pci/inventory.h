/* inventory: PCI devices as libpci sees them, from the real bus or a sysfs
 * tree given with --sysfs (the equivalent of /sys/bus/pci). */
#ifndef NR_PCI_INVENTORY_H
#define NR_PCI_INVENTORY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib/err.h"

struct nr_pci_dev {
	char slot[16]; /* "0000:01:00.0" */
	char id[10]; /* "8086:1521" */
	char cls[5]; /* "0200": base class and subclass */
	char *driver; /* bound driver, or NULL */
	char *iommu_group; /* IOMMU group number, or NULL */
	char *vendor; /* names from pci.ids, or NULL when unknown */
	char *device;
};

struct nr_pci_list {
	struct nr_pci_dev *v;
	size_t n, cap;
};

/* Scans every device, sorted by slot. `sysfs` NULL means libpci's default
 * (/sys/bus/pci). Vendor and device names come from pci.ids only when
 * `names` is set: reading that 1.3 MB file is most of a plan's time. */
int nr_pci_scan(
    struct nr_pci_list *out, const char *sysfs, bool names, struct nr_err *err);
/* The pci.ids name of "vvvv:dddd" ("I210 Gigabit Network Connection"), or
 * NULL when unknown. For messages; caller frees. */
char *nr_pci_device_name(const char *id);
const struct nr_pci_dev *nr_pci_find(
    const struct nr_pci_list *l, const char *slot);
void nr_pci_list_release(struct nr_pci_list *l);
/* The device as the JSON object of the CLI contract (a new reference). */
json_t *nr_pci_dev_json(const struct nr_pci_dev *d);

#endif
