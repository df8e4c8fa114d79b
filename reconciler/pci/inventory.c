/* inventory: libpci scan into nr_pci_dev records. */
#include "pci/inventory.h"

#include <dirent.h>
#include <pci/pci.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/mem.h"

/* libpci reports fatal errors through a callback that must not return and
 * gets no user pointer; this jump buffer is the one way back. Scans are
 * not run concurrently in netrec. */
static jmp_buf pci_jump;
static char pci_message[256];

__attribute__((noreturn, format(printf, 1, 2))) static void pci_fatal(
    char *msg, ...)
{
	va_list ap;

	va_start(ap, msg);
	vsnprintf(pci_message, sizeof(pci_message), msg, ap);
	va_end(ap);
	longjmp(pci_jump, 1);
}

__attribute__((format(printf, 1, 2))) static void pci_quiet(char *msg, ...)
{
	(void)msg;
}

static char *dup_or_null(const char *s)
{
	return s && *s ? nr_strdup(s) : NULL;
}

static char *lookup(struct pci_access *a, int flags, unsigned v, unsigned d)
{
	char buf[256];
	const char *name;

	/* Without udev's hwdb, libpci 3.9 makes a new udev context on every
	 * name pci.ids lacks and leaks the one before: once the hwdb is known
	 * to be absent, stop asking it. */
	if (a->id_udev && !a->id_udev_hwdb)
		flags |= PCI_LOOKUP_NO_HWDB;
	name = pci_lookup_name(
	    a, buf, sizeof(buf), flags | PCI_LOOKUP_NO_NUMBERS, v, d);
	return dup_or_null(name);
}

static int by_slot(const void *a, const void *b)
{
	return strcmp(((const struct nr_pci_dev *)a)->slot,
	    ((const struct nr_pci_dev *)b)->slot);
}

/* A sysfs entry name as libpci's sysfs_scan parses it. */
static bool is_slot(const char *name)
{
	unsigned dom, bus, dev;
	int func;

	return sscanf(name, "%x:%x:%x.%d", &dom, &bus, &dev, &func) == 4 &&
	    dom <= 0x7fffffff;
}

/* libpci treats a missing tree or an entry that is not a slot as fatal,
 * and its fatal errors leak what it had open; check both first. */
static int check_tree(const char *tree, struct nr_err *err)
{
	char *path = nr_asprintf("%s/devices", tree);
	DIR *dir = opendir(path);
	struct dirent *e;
	int rc = 0;

	if (!dir) {
		rc = nr_err_sys(
		    err, "cannot read the PCI devices in '%s'", path);
		free(path);
		return rc;
	}
	while (rc == 0 && (e = readdir(dir)))
		if (e->d_name[0] != '.' && !is_slot(e->d_name))
			rc = nr_err_set(err, NR_EINVAL,
			    "cannot read the PCI devices in '%s': '%s' is not "
			    "a PCI slot",
			    tree, e->d_name);
	closedir(dir);
	free(path);
	return rc;
}

int nr_pci_scan(
    struct nr_pci_list *out, const char *sysfs, bool names, struct nr_err *err)
{
	const char *tree = sysfs ? sysfs : "/sys/bus/pci";
	struct pci_access *volatile a = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = check_tree(tree, err);
	if (rc < 0)
		return rc;

	/* The list grows in *out, not in a local: locals changed between
	 * setjmp and longjmp are indeterminate afterwards (C17 7.13.2.1). */
	if (setjmp(pci_jump)) {
		nr_pci_list_release(out);
		if (a)
			pci_cleanup(a);
		return nr_err_set(err, NR_EEXTERNAL,
		    "cannot read the PCI devices in '%s': libpci: %s", tree,
		    pci_message);
	}
	a = pci_alloc();
	a->error = pci_fatal;
	a->warning = pci_quiet;
	a->debug = pci_quiet;
	a->method = PCI_ACCESS_SYS_BUS_PCI;
	if (sysfs)
		pci_set_param(a, "sysfs.path", (char *)sysfs);
	pci_init(a);
	pci_scan_bus(a);
	for (struct pci_dev *d = a->devices; d; d = d->next) {
		struct nr_pci_dev *p = NR_PUSH(out->v, out->n, out->cap);

		pci_fill_info(d,
		    PCI_FILL_IDENT | PCI_FILL_CLASS | PCI_FILL_DRIVER |
			PCI_FILL_IOMMU_GROUP);
		snprintf(p->slot, sizeof(p->slot), "%04x:%02x:%02x.%d",
		    (unsigned)d->domain, d->bus, d->dev, d->func);
		snprintf(p->id, sizeof(p->id), "%04x:%04x", d->vendor_id,
		    d->device_id);
		snprintf(p->cls, sizeof(p->cls), "%04x", d->device_class);
		p->driver =
		    dup_or_null(pci_get_string_property(d, PCI_FILL_DRIVER));
		p->iommu_group = dup_or_null(
		    pci_get_string_property(d, PCI_FILL_IOMMU_GROUP));
		if (names) {
			p->vendor =
			    lookup(a, PCI_LOOKUP_VENDOR, d->vendor_id, 0);
			p->device = lookup(
			    a, PCI_LOOKUP_DEVICE, d->vendor_id, d->device_id);
		}
	}
	pci_cleanup(a);
	if (out->n)
		qsort(out->v, out->n, sizeof(*out->v), by_slot);
	return 0;
}

char *nr_pci_device_name(const char *id)
{
	struct pci_access *a = pci_alloc();
	unsigned vendor = 0, device = 0;
	char *name = NULL;

	a->error = pci_fatal;
	a->warning = pci_quiet;
	if (sscanf(id, "%x:%x", &vendor, &device) == 2 && !setjmp(pci_jump))
		name = lookup(a, PCI_LOOKUP_DEVICE, vendor, device);
	pci_cleanup(a);
	return name;
}

const struct nr_pci_dev *nr_pci_find(
    const struct nr_pci_list *l, const char *slot)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].slot, slot) == 0)
			return &l->v[i];
	return NULL;
}

void nr_pci_list_release(struct nr_pci_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].driver);
		free(l->v[i].iommu_group);
		free(l->v[i].vendor);
		free(l->v[i].device);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *nr_pci_dev_json(const struct nr_pci_dev *d)
{
	return json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:o}", "slot", d->slot,
	    "id", d->id, "class", d->cls, "driver", str_or_null(d->driver),
	    "iommu_group", str_or_null(d->iommu_group), "vendor",
	    str_or_null(d->vendor), "device", str_or_null(d->device));
}
