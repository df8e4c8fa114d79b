/* jsonschema: walk the schema tables and emit JSON Schema 2020-12. */
#include "conf/jsonschema.h"

#include <stdlib.h>
#include <string.h>

#include "conf/schema.h"

static json_t *object_schema(const struct nr_object *obj);

static json_t *string_schema(
    const struct nr_format *fmt, const char *const *enums)
{
	json_t *s = json_object();

	json_object_set_new(s, "type", json_string("string"));
	if (fmt && fmt->pattern)
		json_object_set_new(s, "pattern", json_string(fmt->pattern));
	if (enums) {
		json_t *e = json_array();

		for (size_t i = 0; enums[i]; i++)
			json_array_append_new(e, json_string(enums[i]));
		json_object_set_new(s, "enum", e);
	}
	return s;
}

/* The default, typed as JSON would have it. */
static json_t *default_value(const struct nr_field *f)
{
	if (f->type == NR_S_INT)
		return json_integer(strtoll(f->def, NULL, 10));
	if (f->type == NR_S_BOOL)
		return json_boolean(strcmp(f->def, "true") == 0);
	return json_string(f->def);
}

static json_t *field_schema(const struct nr_field *f)
{
	json_t *s;

	switch (f->type) {
	case NR_S_STR: s = string_schema(f->fmt, f->enums); break;
	case NR_S_INT:
		s = json_object();
		if (f->min == f->max) {
			json_object_set_new(s, "const", json_integer(f->min));
		} else {
			json_object_set_new(s, "type", json_string("integer"));
			json_object_set_new(s, "minimum", json_integer(f->min));
			json_object_set_new(s, "maximum", json_integer(f->max));
		}
		break;
	case NR_S_BOOL: s = json_pack("{s:s}", "type", "boolean"); break;
	case NR_S_OBJ: s = object_schema(f->obj); break;
	case NR_S_LIST:
		s = json_pack("{s:s, s:o}", "type", "array", "items",
		    f->obj ? object_schema(f->obj)
			   : string_schema(f->fmt, NULL));
		break;
	case NR_S_ALL_OR_LIST:
	default:
		s = json_pack("{s:[{s:s}, {s:s, s:o}]}", "oneOf", "const",
		    "all", "type", "array", "items",
		    string_schema(f->fmt, NULL));
		break;
	}
	if (f->doc)
		json_object_set_new(s, "description", json_string(f->doc));
	if (f->def)
		json_object_set_new(s, "default", default_value(f));
	return s;
}

static json_t *object_schema(const struct nr_object *obj)
{
	json_t *s = json_object(), *props = json_object(), *req = json_array();
	size_t nfields = 0;

	json_object_set_new(s, "type", json_string("object"));
	if (obj->doc)
		json_object_set_new(s, "description", json_string(obj->doc));
	for (const struct nr_field *f = obj->fields; f->key; f++) {
		json_object_set_new(props, f->key, field_schema(f));
		if (f->required && !obj->exactly_one)
			json_array_append_new(req, json_string(f->key));
		nfields++;
	}
	json_object_set_new(s, "properties", props);
	if (json_array_size(req))
		json_object_set_new(s, "required", req);
	else
		json_decref(req);
	json_object_set_new(s, "additionalProperties", json_false());
	if (obj->exactly_one) {
		json_object_set_new(s, "minProperties", json_integer(1));
		json_object_set_new(s, "maxProperties", json_integer(1));
	}
	(void)nfields;
	return s;
}

json_t *nr_jsonschema(void)
{
	json_t *s = json_object();
	json_t *body = object_schema(&nr_schema_root);
	const char *key;
	json_t *v;

	json_object_set_new(s, "$schema",
	    json_string("https://json-schema.org/draft/2020-12/schema"));
	json_object_set_new(s, "$id",
	    json_string("https://netrec.invalid/schema/network.schema.json"));
	json_object_set_new(s, "title", json_string("netrec network.yaml"));
	json_object_foreach (body, key, v)
		json_object_set(s, key, v);
	json_decref(body);
	return s;
}
