/* fuzz-qmp: the QMP message parser (one line from QEMU's socket) must
 * never crash, leak or hang on any bytes, and must hand back either an
 * object or an error with a message. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "vm/qmp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nr_err err = NR_ERR_INIT;
	json_t *msg;

	/* the reader passes a line with its length, not NUL-terminated */
	msg = nr_qmp_parse((const char *)data, size, &err);
	if (!msg && (err.code == 0 || err.msg[0] == '\0'))
		abort();
	if (msg && !json_is_object(msg))
		abort();
	json_decref(msg);
	return 0;
}
