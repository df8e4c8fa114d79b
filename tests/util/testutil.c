/* testutil: file helpers for the cmocka tests. */
#define _XOPEN_SOURCE 700
#include "testutil.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/mem.h"

const char *nr_test_src(void)
{
	const char *s = getenv("NETREC_SRC");

	return s ? s : ".";
}

const char *nr_test_path(const char *rel)
{
	static char buf[4096];

	snprintf(buf, sizeof(buf), "%s/%s", nr_test_src(), rel);
	return buf;
}

char *nr_test_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct nr_buf b = NR_BUF_INIT;
	char chunk[8192];
	size_t n;

	if (!f)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		nr_buf_add(&b, chunk, n);
	fclose(f);
	if (len)
		*len = b.len;
	return nr_buf_detach(&b);
}

void nr_test_write(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

char *nr_test_tmpdir(void)
{
	char *t = nr_strdup("/tmp/netrec-test-XXXXXX");

	assert_non_null(mkdtemp(t));
	return t;
}

static int rm_one(
    const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void nr_test_rmrf(const char *path)
{
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}
