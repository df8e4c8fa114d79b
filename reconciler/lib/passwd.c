/* passwd: lookups in colon-separated passwd/group files. */
#include "lib/passwd.h"

#include <stdlib.h>
#include <string.h>

#include "lib/fsutil.h"
#include "lib/mem.h"

static int load_one(
    char **out, const char *root, const char *path, struct nr_err *err)
{
	char *full = nr_rooted(root, path);
	size_t len;
	int rc = nr_file_read(out, &len, full, 0, err);

	free(full);
	if (rc == NR_ENOTFOUND) {
		*out = nr_strdup("");
		rc = 0;
	}
	return rc;
}

int nr_passwd_load(struct nr_passwd *pw, const char *root, struct nr_err *err)
{
	memset(pw, 0, sizeof(*pw));
	if (load_one(&pw->passwd, root, "/etc/passwd", err) < 0 ||
	    load_one(&pw->group, root, "/etc/group", err) < 0) {
		nr_passwd_release(pw);
		return NR_EIO;
	}
	return 0;
}

void nr_passwd_release(struct nr_passwd *pw)
{
	free(pw->passwd);
	free(pw->group);
	memset(pw, 0, sizeof(*pw));
}

/* Field `field` (0-based) of the line whose first field is `name`, copied
 * into buf; NULL when there is no such line. */
static const char *field_of(
    const char *text, const char *name, int field, char *buf, size_t size)
{
	size_t nlen = strlen(name);

	for (const char *p = text; p && *p;) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);

		if (len > nlen && strncmp(p, name, nlen) == 0 &&
		    p[nlen] == ':') {
			const char *f = p;
			size_t flen;

			for (int i = 0; i < field; i++) {
				f = memchr(f, ':', (size_t)(p + len - f));
				if (!f)
					return NULL;
				f++;
			}
			flen = strcspn(f, ":\n");
			if (flen >= size)
				flen = size - 1;
			memcpy(buf, f, flen);
			buf[flen] = '\0';
			return buf;
		}
		p = eol ? eol + 1 : NULL;
	}
	return NULL;
}

static long number_field(const char *text, const char *name, int field)
{
	char buf[64];
	char *end;
	const char *s = field_of(text, name, field, buf, sizeof(buf));
	long v;

	if (!s || !*s)
		return -1;
	v = strtol(s, &end, 10);
	return *end ? -1 : v;
}

long nr_passwd_uid(const struct nr_passwd *pw, const char *name)
{
	return number_field(pw->passwd, name, 2);
}

long nr_passwd_gid(const struct nr_passwd *pw, const char *name)
{
	return number_field(pw->group, name, 2);
}

bool nr_passwd_in_group(
    const struct nr_passwd *pw, const char *user, const char *group)
{
	char members[4096];
	long gid = nr_passwd_gid(pw, group);
	size_t ulen = strlen(user);

	if (gid >= 0 && number_field(pw->passwd, user, 3) == gid)
		return true;
	if (!field_of(pw->group, group, 3, members, sizeof(members)))
		return false;
	for (const char *m = members; *m;) {
		size_t n = strcspn(m, ",");

		if (n == ulen && strncmp(m, user, n) == 0)
			return true;
		m += n;
		if (*m)
			m++;
	}
	return false;
}
