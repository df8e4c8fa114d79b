#!/bin/bash
# test-schema: the committed JSON Schema is what `netrec schema` prints,
# byte for byte, and it agrees with netrec on the example corpus: it is a
# valid Draft 2020-12 schema, the reference network.yaml and every
# tests/data/valid document pass it, and every tests/data/invalid document
# marked "# schema: reject" fails it (schema_check.py, with Debian's
# python3-jsonschema and python3-yaml).
#
# Environment (set by ctest): NETREC_SRC, the source folder; NETREC_BIN,
# the built netrec.
set -u

src=${NETREC_SRC:?NETREC_SRC is not set}
bin=${NETREC_BIN:?NETREC_BIN is not set}
python=/usr/bin/python3
committed=$src/schema/network.schema.json
passed=0
failed=0

ok() {
	passed=$((passed + 1))
	echo "ok   $1"
}

bad() {
	failed=$((failed + 1))
	echo "FAIL $1"
}

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# 1. `netrec schema` == schema/network.schema.json
if ! "$bin" schema >"$tmp/printed.json" 2>"$tmp/err"; then
	bad "netrec schema exits non-zero: $(head -c 500 "$tmp/err")"
elif [ ! -f "$committed" ]; then
	bad "schema/network.schema.json is missing (write it with:" \
	    "netrec schema > schema/network.schema.json)"
elif cmp -s "$tmp/printed.json" "$committed"; then
	ok "netrec schema prints schema/network.schema.json byte for byte"
else
	bad "netrec schema differs from schema/network.schema.json" \
	    "(regenerate it with: netrec schema > schema/network.schema.json)"
	diff -u "$committed" "$tmp/printed.json" | head -40
fi

# 2. the schema against the corpus, in Python
if [ ! -x "$python" ]; then
	bad "$python is missing (apt-get install python3-jsonschema python3-yaml)"
elif ! "$python" -c 'import jsonschema, yaml' 2>"$tmp/err"; then
	bad "python3-jsonschema or python3-yaml is missing: $(cat "$tmp/err")"
elif [ -f "$committed" ]; then
	"$python" "$src/tests/integration/schema_check.py" "$committed" \
	    "$src/network.yaml" "$src/tests/data/valid" \
	    "$src/tests/data/invalid" >"$tmp/check.out" 2>&1
	rc=$?
	grep -v '^ok ' "$tmp/check.out" | grep -v ' passed, .* failed$'
	summary=$(tail -n 1 "$tmp/check.out")
	if [[ $summary =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
		passed=$((passed + BASH_REMATCH[1]))
		failed=$((failed + BASH_REMATCH[2]))
		if [ "$rc" -ne 0 ] && [ "${BASH_REMATCH[2]}" -eq 0 ]; then
			bad "schema_check.py exited $rc"
		fi
	else
		bad "schema_check.py did not finish (exit $rc):"
		tail -n 20 "$tmp/check.out"
	fi
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
