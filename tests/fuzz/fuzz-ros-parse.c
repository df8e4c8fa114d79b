/* fuzz-ros-parse: the RouterOS lexer, parser and model must never crash,
 * leak or hang on any input, and whatever runs must come out of the
 * canonical export in a form that runs again to the same export. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/diag.h"
#include "routeros/diff.h"
#include "routeros/exec.h"
#include "routeros/export.h"
#include "routeros/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fmt(struct nr_buf *out, const char *text, size_t len, int *rc)
{
	struct nr_ros_model m;
	struct nr_diags d;

	nr_ros_model_init(&m);
	nr_diags_init(&d);
	*rc = nr_ros_load(&m, text, len, 0, &d);
	nr_ros_export_terse(out, &m);
	nr_ros_model_release(&m);
	nr_diags_release(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nr_buf a = NR_BUF_INIT, b = NR_BUF_INIT, c = NR_BUF_INIT;
	int rc;

	fmt(&a, (const char *)data, size, &rc);
	/* what the model holds is written so that it reads back the same */
	fmt(&b, a.s, a.len, &rc);
	if (rc != 0 || strcmp(a.s, b.s) != 0) {
		fprintf(stderr,
		    "fmt is not stable:\n--- first\n%s--- again\n%s", a.s, b.s);
		abort();
	}
	/* and the diff from nothing to it reaches it */
	if (a.len < 4096) {
		struct nr_ros_model empty, m;
		struct nr_diags d;
		struct nr_err err = NR_ERR_INIT;

		nr_ros_model_init(&empty);
		nr_ros_model_init(&m);
		nr_diags_init(&d);
		nr_ros_load(&m, a.s, a.len, 0, &d);
		if (nr_ros_diff(&c, NULL, &empty, &m, &err) != 0) {
			fprintf(stderr, "no diff to:\n%s%s\n", a.s, err.msg);
			abort();
		}
		nr_ros_model_release(&empty);
		nr_ros_model_release(&m);
		nr_diags_release(&d);
	}
	nr_buf_release(&a);
	nr_buf_release(&b);
	nr_buf_release(&c);
	return 0;
}
