/* res-file: the desired state of one managed file. */
#ifndef NR_RES_FILE_H
#define NR_RES_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "core/plan.h"

#define NR_FILE_HEADER "# Managed by netrec"

struct nr_file_want {
	char *path; /* absolute, without the root */
	char *content; /* NULL: the file must not exist (generated) */
	size_t len;
	mode_t mode;
	char *owner; /* "user[:group]", or NULL to leave it */
	bool generated; /* starts with NR_FILE_HEADER */
	enum nr_disruption disruption;
};

extern const struct nr_resource_ops nr_res_file;

#endif
