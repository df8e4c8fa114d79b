/* fuzz-config: the network.yaml loader (YAML composer, schema loader,
 * cross-checks) must never crash, leak or hang on any input. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf/load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nr_config cfg;
	struct nr_diags diags;
	char *text = malloc(size + 1);

	/* the loader takes NUL-terminated text, as every source gives it */
	memcpy(text, data, size);
	text[size] = '\0';
	nr_diags_init(&diags);
	nr_config_load(&cfg, text, size, &diags);
	nr_config_release(&cfg);
	nr_diags_release(&diags);
	free(text);
	return 0;
}
