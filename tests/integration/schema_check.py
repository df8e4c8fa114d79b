#!/usr/bin/python3
"""schema_check: the committed JSON Schema against the example corpus.

Usage: schema_check.py SCHEMA REFERENCE_YAML VALID_DIR INVALID_DIR

The schema must be a valid Draft 2020-12 schema; the reference network.yaml
and every tests/data/valid document must pass it; every tests/data/invalid
document marked "# schema: reject" must fail it, and every one marked
"# schema: accept" (its error is one only netrec's C checks can see) must
pass it, so that a wrong mark shows. Documents marked "# schema: n/a" (not
loadable as one YAML document) are skipped.

YAML is loaded with YAML 1.2 core schema resolution, as netrec does, not
PyYAML's YAML 1.1 rules (yes/no booleans, 0644 octal, 1:30 sexagesimal,
timestamps), so both sides see the same values.
"""
import json
import os
import re
import sys

import jsonschema
import yaml


class Yaml12Loader(yaml.SafeLoader):
    """SafeLoader resolving plain scalars by the YAML 1.2 core schema."""


Yaml12Loader.yaml_implicit_resolvers = {}
for _tag, _regexp, _first in [
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$",
     ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$",
     list("tTfF")),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$",
     list("-+0123456789")),
    ("tag:yaml.org,2002:float",
     r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
     r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
     list("-+.0123456789")),
    ("tag:yaml.org,2002:merge", r"^(?:<<)$", ["<"]),
]:
    Yaml12Loader.add_implicit_resolver(_tag, re.compile(_regexp), _first)


def _construct_int(loader, node):
    text = loader.construct_scalar(node)
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text, 10)  # "0644" is 644 in YAML 1.2, not octal


def _construct_float(loader, node):
    text = loader.construct_scalar(node).lower()
    if text.endswith(".inf"):
        return float("-inf") if text.startswith("-") else float("inf")
    if text.endswith(".nan"):
        return float("nan")
    return float(text)


Yaml12Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
Yaml12Loader.add_constructor("tag:yaml.org,2002:float", _construct_float)


def load(path):
    with open(path, "rb") as f:
        return yaml.load(f.read().decode("utf-8"), Loader=Yaml12Loader)


def marker(path):
    """The "# schema: ..." line of an invalid example, or None."""
    with open(path, "rb") as f:
        for raw in f.read().split(b"\n")[:5]:
            m = re.match(rb"#\s*schema:\s*(\S+)", raw)
            if m:
                return m.group(1).decode()
    return None


def short(path):
    """tests/data/valid/x.yaml -> valid/x.yaml"""
    return os.path.join(os.path.basename(os.path.dirname(path)),
                        os.path.basename(path))


def yaml_files(folder):
    return sorted(os.path.join(folder, n) for n in os.listdir(folder)
                  if n.endswith(".yaml"))


def main(argv):
    if len(argv) != 5:
        print("usage: schema_check.py SCHEMA REFERENCE_YAML VALID_DIR "
              "INVALID_DIR", file=sys.stderr)
        return 64
    schema_path, reference, valid_dir, invalid_dir = argv[1:]
    passed = failed = 0

    def ok(what):
        nonlocal passed
        passed += 1
        print("ok   " + what)

    def bad(what, why):
        nonlocal failed
        failed += 1
        print("FAIL " + what + ": " + why)

    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    cls = jsonschema.Draft202012Validator
    try:
        cls.check_schema(schema)
        ok("schema is a valid Draft 2020-12 schema")
    except jsonschema.exceptions.SchemaError as e:
        bad("schema is a valid Draft 2020-12 schema", e.message)
        print("%d passed, %d failed" % (passed, failed))
        return 1
    validator = cls(schema)

    must_pass = [reference] + yaml_files(valid_dir)
    for path in must_pass:
        name = path if path == reference else short(path)
        try:
            doc = load(path)
        except yaml.YAMLError as e:
            bad(name, "cannot load: %s" % str(e).replace("\n", " "))
            continue
        errors = list(validator.iter_errors(doc))
        if errors:
            e = errors[0]
            bad(name, "schema rejects it at /%s: %s" % (
                "/".join(str(p) for p in e.absolute_path), e.message))
        else:
            ok(name + " passes the schema")

    rejected = 0
    for path in yaml_files(invalid_dir):
        name = short(path)
        mark = marker(path)
        if mark not in ("reject", "accept", "n/a"):
            bad(name, "no '# schema: reject|accept|n/a' line")
            continue
        if mark == "n/a":
            continue
        try:
            doc = load(path)
        except yaml.YAMLError as e:
            bad(name, "marked 'schema: %s' but YAML cannot load it "
                "(mark it n/a): %s" % (mark, str(e).replace("\n", " ")))
            continue
        valid = validator.is_valid(doc)
        if mark == "reject" and valid:
            bad(name, "marked 'schema: reject' but the schema accepts it")
        elif mark == "reject":
            rejected += 1
            ok(name + " is rejected by the schema")
        elif not valid:
            e = next(iter(validator.iter_errors(doc)))
            bad(name, "marked 'schema: accept' but the schema rejects it "
                "at /%s: %s" % ("/".join(str(p) for p in e.absolute_path),
                                e.message))
        else:
            ok(name + " passes the schema (only netrec rejects it)")
    if rejected == 0:
        bad(invalid_dir, "no example is rejected by the schema")

    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
