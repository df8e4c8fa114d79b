/* fuzz-ros-diff: two texts (split at a line "@@") read into models A and
 * B; the diff from A to B and from B to A must never crash, leak or hang.
 * When it finds a script, the diff has checked that the script turns one
 * into the other; when it finds none, it says so (a config a script
 * cannot make, say), and that must hold both ways without harm. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/diag.h"
#include "lib/err.h"
#include "routeros/diff.h"
#include "routeros/exec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void load(struct nr_ros_model *m, const char *text, size_t len)
{
	struct nr_diags d;

	nr_ros_model_init(m);
	nr_diags_init(&d);
	(void)nr_ros_load(m, text, len, 0, &d);
	nr_diags_release(&d);
}

static void diff(const struct nr_ros_model *from, const struct nr_ros_model *to)
{
	struct nr_buf out = NR_BUF_INIT;
	struct nr_err err = NR_ERR_INIT;

	(void)nr_ros_diff(&out, NULL, from, to, &err);
	nr_buf_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	const char *sep = size >= 4 ? memmem(s, size, "\n@@\n", 4) : NULL;
	struct nr_ros_model a, b;

	if (!sep)
		return 0;
	load(&a, s, (size_t)(sep - s) + 1);
	load(&b, sep + 4, size - (size_t)(sep - s) - 4);
	diff(&a, &b);
	diff(&b, &a);
	nr_ros_model_release(&a);
	nr_ros_model_release(&b);
	return 0;
}
