/* testutil: helpers shared by the cmocka tests. */
#ifndef NR_TESTUTIL_H
#define NR_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

/* The project's source folder ($NETREC_SRC, set by ctest). */
const char *nr_test_src(void);
/* "$NETREC_SRC/rel" (static buffer, valid until the next call). */
const char *nr_test_path(const char *rel);
/* Reads a whole file; returns NULL if it cannot. Caller frees. */
char *nr_test_read(const char *path, size_t *len);
/* Writes a file, creating it with mode 0644. */
void nr_test_write(const char *path, const char *text);
/* A new empty temporary folder (caller removes it with nr_test_rmrf). */
char *nr_test_tmpdir(void);
void nr_test_rmrf(const char *path);

#endif
