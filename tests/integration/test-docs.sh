#!/usr/bin/env bash
# test-docs: the user docs keep up with the program. Every key path of the
# JSON Schema (`netrec schema`) is in docs/network-yaml.md, written as the
# reference writes it (`hardware.passthrough[].slot`); every verb `netrec
# --help` lists is in docs/cli.md and docs/netrec.1; every option that
# `netrec VERB --help` lists is in that verb's section of docs/cli.md and
# in docs/netrec.1; a verb is marked "not implemented yet" in cli.md exactly
# when it is not; the how-to pages exist and README.md links them; the man
# page renders without warnings (when groff is installed).
. "$(dirname "$0")/lib.sh"
N=$NETREC_BIN
D=$NETREC_SRC/docs

for f in network-yaml.md cli.md architecture.md netrec.1 state.md gitops.md \
	vm.md lab.md; do
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
# the verbs not implemented yet are marked so in cli.md ("not implemented
# yet", or "in progress" while someone is writing it), and only those are
# marked "not implemented yet"
for verb in $verbs; do
	"$N" "$verb" >/dev/null 2>"$T/todo" </dev/null
	if grep -q "not implemented yet" "$T/todo"; then
		if grep -qE -- "^\| \`$verb\` \| (not implemented yet|in progress)" "$D/cli.md"; then
			pass
		else
			fail "cli.md: '$verb' is not marked 'not implemented yet' (or 'in progress')"
		fi
	elif grep -qE -- "^\| \`$verb\` \| not implemented yet" "$D/cli.md"; then
		fail "cli.md: '$verb' is marked 'not implemented yet' but it runs"
	else
		pass
	fi
done

# every option of every verb's --help, in the verb's section of cli.md
# ("### verb" up to the next "### ") and in the man page
nopts=0
for verb in $verbs; do
	run "$N" "$verb" --help
	expect_rc "help-$verb" 0
	# the option column of the "Options:" block: "  -y, --yes   text"
	opts=$(awk '/^Options:/ { on = 1; next } on && /^$/ { exit }
		on { print substr($0, 1, 27) }' <<<"$out" |
		grep -oE -- '--[a-z][a-z-]*' || true)
	section=$(awk -v h="### $verb" '$0 == h { on = 1; next }
		on && /^### / { exit } on' "$D/cli.md")
	if [ -n "$section" ]; then pass; else
		fail "cli.md: no '### $verb' section"
	fi
	for opt in $opts; do
		nopts=$((nopts + 1))
		if grep -qE -- "(^|[^a-z-])$opt([^a-z-]|$)" <<<"$section"; then
			pass
		else
			fail "cli.md: '$verb $opt' (from 'netrec $verb --help') is not in the '### $verb' section"
		fi
		if grep -qF -- "${opt//-/\\-}" "$D/netrec.1"; then pass; else
			fail "netrec.1: '$verb $opt' is not in the man page"
		fi
	done
done
# the verbs' help lists options (plan, apply, ...): the parse found them
if [ "$nopts" -ge 10 ]; then pass; else
	fail "only $nopts verb options found in the verbs' --help"
fi

# the how-to pages are linked from the README
for f in state.md gitops.md vm.md lab.md cli.md network-yaml.md \
	architecture.md; do
	expect_in "README links docs/$f" "(docs/$f)" "$(cat "$NETREC_SRC/README.md")"
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
