#!/usr/bin/env bash
# test-docs: the user docs keep up with the program. Every key path of the
# JSON Schema (`netrec schema`) is in docs/network-yaml.md, written as the
# reference writes it (`hardware.passthrough[].slot`); every verb `netrec
# --help` lists is in docs/cli.md and docs/netrec.1; the man page renders
# without warnings (when groff is installed).
. "$(dirname "$0")/lib.sh"
N=$NETREC_BIN
D=$NETREC_SRC/docs

for f in network-yaml.md cli.md architecture.md netrec.1; do
	if [ -s "$D/$f" ]; then pass; else fail "docs/$f is missing or empty"; fi
done

# every key path of the schema, "[]" after a list
run "$N" schema
expect_rc schema 0
printf '%s' "$out" >"$T/schema.json"
if ! /usr/bin/python3 - "$T/schema.json" >"$T/keys" <<'EOF'; then
import json
import sys

def walk(node, path):
    props = node.get("properties", {})
    for key, sub in props.items():
        p = f"{path}.{key}" if path else key
        print(p)
        walk(sub, p)
    if "items" in node:
        walk(node["items"], path + "[]")
    for alt in node.get("oneOf", []) + node.get("anyOf", []):
        # "all" or a list of slots: the list's items are strings
        walk(alt, path)

with open(sys.argv[1]) as f:
    walk(json.load(f), "")
EOF
	fail "cannot walk the schema"
fi
nkeys=$(wc -l <"$T/keys")
if [ "$nkeys" -ge 10 ]; then pass; else fail "only $nkeys keys in the schema"; fi
while read -r key; do
	if grep -qF -- "\`$key\`" "$D/network-yaml.md"; then pass; else
		fail "network-yaml.md: key '$key' is not documented"
	fi
done <"$T/keys"

# every verb of --help, in cli.md and the man page
run "$N" --help
expect_rc help 0
verbs=$(awk '/^Commands:/ { on = 1; next } on && /^$/ { exit }
	on && /^  [a-z]/ { print $1 }' <<<"$out")
if [ "$(wc -w <<<"$verbs")" -ge 3 ]; then pass; else
	fail "no verbs found in --help: $out"
fi
for verb in $verbs; do
	if grep -qE -- "(^|[^a-z-])$verb([^a-z-]|$)" "$D/cli.md"; then pass; else
		fail "cli.md: verb '$verb' is not documented"
	fi
	# in the man page, as a command entry: ".B verb" or ".BR verb ..."
	if grep -qE -- "^\.BR? $verb( |$)" "$D/netrec.1"; then pass; else
		fail "netrec.1: verb '$verb' has no entry"
	fi
done
# the verbs not implemented yet are marked so in both
for verb in $verbs; do
	"$N" "$verb" >/dev/null 2>"$T/todo"
	if grep -q "not implemented yet" "$T/todo"; then
		if grep -qE -- "^\| \`$verb\` \| not implemented yet" "$D/cli.md"; then
			pass
		else
			fail "cli.md: '$verb' is not marked 'not implemented yet'"
		fi
	fi
done

# exit codes and options of the contract
for code in 0 1 2 64; do
	expect_in "cli.md exit $code" "| $code |" "$(cat "$D/cli.md")"
done
for opt in --file --repo --rev --root --sysfs --state --json --no-color \
	--verbose --quiet --help --version; do
	expect_in "cli.md $opt" "$opt" "$(cat "$D/cli.md")"
	expect_in "netrec.1 $opt" "${opt//-/\\-}" "$(cat "$D/netrec.1")"
done

# the man page renders, without warnings
if command -v groff >/dev/null; then
	run groff -man -Tutf8 -ww -z "$D/netrec.1"
	expect_rc groff 0
	if [ -z "$err" ]; then pass; else fail "groff warnings: $err"; fi
	run groff -man -Tutf8 "$D/netrec.1"
	expect_in man-render "NETREC(1)" "$out"
else
	echo "test-docs: groff not installed, man page rendering not checked"
fi

finish
