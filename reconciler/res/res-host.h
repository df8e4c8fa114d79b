/* res-host: the host layer's resource kinds other than files. */
#ifndef NR_RES_HOST_H
#define NR_RES_HOST_H

#include "core/pipeline.h"

/* host.packages: installed per dpkg's status file under the root. */
void nr_res_packages_add(struct nr_pipeline *p);
/* host.user[NAME]: the service user and its groups. */
void nr_res_user_add(struct nr_pipeline *p);
/* pci[SLOT] for each passthrough port (the guard), host.kernel (the live
 * command line). */
void nr_res_pci_add(struct nr_pipeline *p);
/* "intel_iommu=on vfio-pci.ids=8086:1521", or NULL without passthrough. */
char *nr_host_kernel_params(const struct nr_config *cfg);

#endif
