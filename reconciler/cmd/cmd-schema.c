/* cmd-schema: print the JSON Schema of network.yaml. */
#include "cmd/cmd.h"
#include "cmd/common.h"
#include "conf/jsonschema.h"

static int exec_schema(struct nr_ctx *ctx, const struct nr_args *a)
{
	(void)a;
	nr_cmd_print_json(ctx, nr_jsonschema());
	return NR_EXIT_OK;
}

const struct nr_cmd nr_cmd_schema = {
	.name = "schema",
	.args = "",
	.summary = "print the JSON Schema of network.yaml (for editors)",
	.max_args = 0,
	.exec = exec_schema,
};
