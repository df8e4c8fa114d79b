/* host: the host layer's resources, derived from `hardware` and `host`:
 * packages, the service user, the generated files with their
 * post-actions, the user's files, the PCI guard and the kernel command
 * line that is live. Order here is the order of the plan. */
#include <stdlib.h>
#include <string.h>

#include "core/pipeline.h"
#include "lib/buf.h"
#include "lib/mem.h"
#include "res/res-file.h"
#include "res/res-host.h"

#define ARGV(...) ((const char *const[]){ __VA_ARGS__, NULL })

static const struct nr_post post_initramfs = { "update-initramfs -u",
	ARGV("update-initramfs", "-u") };
static const struct nr_post post_grub = { "update-grub", ARGV("update-grub") };
static const struct nr_post post_udev_reload = {
	"udevadm control --reload-rules",
	ARGV("udevadm", "control", "--reload-rules")
};
static const struct nr_post post_udev_trigger = { "udevadm trigger",
	ARGV("udevadm", "trigger") };
static const struct nr_post post_chrony = { "chronyc reload sources",
	ARGV("chronyc", "reload", "sources") };

static const struct nr_post *const posts_initramfs[] = { &post_initramfs,
	NULL };
static const struct nr_post *const posts_grub[] = { &post_grub, NULL };
static const struct nr_post *const posts_udev[] = { &post_udev_reload,
	&post_udev_trigger, NULL };
static const struct nr_post *const posts_chrony[] = { &post_chrony, NULL };

#define DENYLIST_PATH "/etc/modprobe.d/netrec-vfio.conf"
#define GRUB_PATH "/etc/default/grub.d/netrec.cfg"
#define UDEV_PATH "/etc/udev/rules.d/99-qemu-vfio.rules"
#define CHRONY_PATH "/etc/chrony/sources.d/netrec.sources"

static bool in_list(char **v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

/* Distinct values, in the order they are declared. */
static size_t distinct(char **out, const struct nr_config *cfg, bool ids)
{
	size_t n = 0;

	for (size_t i = 0; i < cfg->hardware.passthrough.n; i++) {
		const struct nr_pt_port *p = &cfg->hardware.passthrough.v[i];
		const char *s = ids ? p->id.s : p->host_driver.s;

		if (s && !in_list(out, n, s))
			out[n++] = (char *)s;
	}
	return n;
}

/* The kernel parameters the host needs: IOMMU on, the IDs to vfio-pci. */
char *nr_host_kernel_params(const struct nr_config *cfg)
{
	char *ids[64];
	size_t n = distinct(ids, cfg, true);
	struct nr_buf b = NR_BUF_INIT;

	if (n == 0)
		return NULL;
	nr_buf_addf(&b, "%s_iommu=on vfio-pci.ids=",
	    cfg->host.iommu.num == NR_IOMMU_AMD ? "amd" : "intel");
	for (size_t i = 0; i < n; i++)
		nr_buf_addf(&b, "%s%s", i ? "," : "", ids[i]);
	return nr_buf_detach(&b);
}

static void generated(struct nr_pipeline *p, const char *path,
    struct nr_buf *body, enum nr_disruption dis,
    const struct nr_post *const *post)
{
	struct nr_file_want *w = nr_calloc(1, sizeof(*w));

	w->path = nr_strdup(path);
	w->mode = 0644;
	w->owner = nr_strdup("root:root");
	w->generated = true;
	w->disruption = dis;
	if (body) {
		struct nr_buf b = NR_BUF_INIT;

		nr_buf_addf(&b,
		    NR_FILE_HEADER " from %s; local edits are "
				   "overwritten.\n%s",
		    nr_pipeline_origin(p), body->s);
		w->len = b.len;
		w->content = nr_buf_detach(&b);
	}
	nr_pipeline_add(p, &nr_res_file, w, post, "host.file[%s]", path);
}

static void denylist(struct nr_pipeline *p)
{
	char *drivers[64];
	size_t n = distinct(drivers, p->cfg, false);
	struct nr_buf b = NR_BUF_INIT;

	nr_buf_adds(&b,
	    "# Keep the host's drivers off the router's NIC ports; "
	    "vfio-pci takes them.\n");
	for (size_t i = 0; i < n; i++)
		nr_buf_addf(&b, "blacklist %s\n", drivers[i]);
	generated(p, DENYLIST_PATH, n ? &b : NULL, NR_DIS_HOST_REBOOT,
	    posts_initramfs);
	nr_buf_release(&b);
}

static void grub(struct nr_pipeline *p)
{
	char *params = nr_host_kernel_params(p->cfg);
	struct nr_buf b = NR_BUF_INIT;

	if (params)
		nr_buf_addf(&b,
		    "GRUB_CMDLINE_LINUX_DEFAULT=\""
		    "$GRUB_CMDLINE_LINUX_DEFAULT %s\"\n",
		    params);
	generated(
	    p, GRUB_PATH, params ? &b : NULL, NR_DIS_HOST_REBOOT, posts_grub);
	nr_buf_release(&b);
	free(params);
}

static void udev(struct nr_pipeline *p)
{
	const struct nr_vals *groups = &p->cfg->host.service_user.groups;
	const char *group = groups->n ? groups->v[0].s : "kvm";
	struct nr_buf b = NR_BUF_INIT;

	nr_buf_addf(&b,
	    "# Let group %s use VFIO and KVM (/dev/vfio/*, /dev/kvm).\n"
	    "SUBSYSTEM==\"vfio\", GROUP=\"%s\", MODE=\"0660\"\n"
	    "KERNEL==\"vfio\", SUBSYSTEM==\"misc\", GROUP=\"%s\", "
	    "MODE=\"0660\"\n"
	    "KERNEL==\"kvm\", GROUP=\"%s\", MODE=\"0660\"\n",
	    group, group, group, group);
	generated(p, UDEV_PATH, p->cfg->hardware.passthrough.n ? &b : NULL,
	    NR_DIS_NONE, posts_udev);
	nr_buf_release(&b);
}

static void chrony(struct nr_pipeline *p)
{
	const struct nr_ntp *ntp = &p->cfg->host.ntp;
	struct nr_buf b = NR_BUF_INIT;

	for (size_t i = 0; i < ntp->servers.n; i++) {
		const char *s = ntp->servers.v[i].s;

		nr_buf_addf(&b, "%s %s iburst\n",
		    strstr(s, "pool") ? "pool" : "server", s);
	}
	generated(p, CHRONY_PATH, ntp->o.present ? &b : NULL, NR_DIS_NONE,
	    posts_chrony);
	nr_buf_release(&b);
}

static void user_files(struct nr_pipeline *p)
{
	for (size_t i = 0; i < p->cfg->host.files.n; i++) {
		const struct nr_host_file *f = &p->cfg->host.files.v[i];
		struct nr_file_want *w = nr_calloc(1, sizeof(*w));

		w->path = nr_strdup(f->path.s);
		w->content = nr_strdup(f->content.s);
		w->len = strlen(f->content.s);
		w->mode = (mode_t)f->mode.num;
		w->owner = nr_strdup(f->owner.s);
		nr_pipeline_add(
		    p, &nr_res_file, w, NULL, "host.file[%s]", f->path.s);
	}
}

void nr_host_resources(struct nr_pipeline *p)
{
	const struct nr_config *cfg = p->cfg;

	if (cfg->host.packages.n)
		nr_res_packages_add(p);
	if (cfg->host.service_user.o.present)
		nr_res_user_add(p);
	denylist(p);
	grub(p);
	udev(p);
	chrony(p);
	user_files(p);
	if (cfg->hardware.passthrough.n)
		nr_res_pci_add(p);
}
