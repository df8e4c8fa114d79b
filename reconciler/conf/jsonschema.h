/* jsonschema: the JSON Schema (2020-12) of network.yaml, generated from
 * the schema tables; schema/network.schema.json is this output. */
#ifndef NR_JSONSCHEMA_H
#define NR_JSONSCHEMA_H

#include <jansson.h>

/* Returns a new reference; the caller json_decref()s it. */
json_t *nr_jsonschema(void);

#endif
