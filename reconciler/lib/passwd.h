/* passwd: users and groups as the files under --root say (ROOT/etc/passwd
 * and ROOT/etc/group), not as this process's NSS sees them. */
#ifndef NR_PASSWD_H
#define NR_PASSWD_H

#include <stdbool.h>
#include <sys/types.h>

#include "lib/err.h"

struct nr_passwd {
	char *passwd; /* the file contents, NUL-terminated ("" if missing) */
	char *group;
};

int nr_passwd_load(struct nr_passwd *pw, const char *root, struct nr_err *err);
void nr_passwd_release(struct nr_passwd *pw);
/* uid of user `name`, or -1. */
long nr_passwd_uid(const struct nr_passwd *pw, const char *name);
/* gid of group `name`, or -1. */
long nr_passwd_gid(const struct nr_passwd *pw, const char *name);
/* Whether `user` is listed as a member of `group` (or has it as primary). */
bool nr_passwd_in_group(
    const struct nr_passwd *pw, const char *user, const char *group);

#endif
