#!/usr/bin/env bash
# test-cli: the CLI contract of netrec: help, version, verbs, global
# options before and after the verb, usage errors (64), not implemented
# verbs (1), and validate on the reference file in text and JSON.
. "$(dirname "$0")/lib.sh"
N=$NETREC_BIN
cd "$NETREC_SRC"

run "$N" --help
expect_rc help 0
expect_in help "validate" "$out"
expect_in help "--sysfs DIR" "$out"

run "$N" --version
expect_rc version 0
expect_in version "netrec " "$out"

run "$N"
expect_rc no-verb 64

run "$N" valdate
expect_rc typo 64
expect_in typo "unknown command 'valdate' (did you mean 'validate'?)" "$err"

run "$N" validate --jsn
expect_rc bad-option 64
expect_in bad-option "unknown option '--jsn' (did you mean '--json'?)" "$err"

run "$N" validate extra
expect_rc extra-arg 64

run "$N" -f
expect_rc missing-value 64

run "$N" --rev HEAD validate
expect_rc rev-without-repo 64

for verb in validate schema inventory plan apply rollback status history \
	snapshot hook ros; do
	run "$N" "$verb" --help
	expect_rc "help-$verb" 0
	expect_in "help-$verb" "usage: netrec [global options] $verb" "$out"
done


# global options before and after the verb
run "$N" -f network.yaml validate
expect_rc before 0
expect_in before "network.yaml: valid" "$out"
run "$N" validate -f network.yaml --json
expect_rc after 0
expect_in after '"valid": true' "$out"
run "$N" validate -q
expect_rc quiet 0
[ -z "$out" ] && pass || fail "quiet: printed $out"

# an invalid file: every error, with the source line and a caret, exit 1
cat >"$T/bad.yaml" <<'YAML'
version: 1
vm:
  name: r
  dir: /r
  disk: d.qcow2
  cpus: 99
  memroy: 1G
YAML
run "$N" validate -f "$T/bad.yaml"
expect_rc invalid 1
expect_in invalid "$T/bad.yaml:6:9: vm.cpus: 99 is out of range (1 to 64)" "$err"
expect_in invalid "  cpus: 99" "$err"
expect_in invalid "$T/bad.yaml:7:3: unknown key 'memroy' (did you mean 'memory'?)" "$err"
expect_in invalid "2 errors" "$err"
run "$N" validate -f "$T/bad.yaml" --json
expect_rc invalid-json 1
expect_in invalid-json '"line": 6' "$out"
expect_in invalid-json '"valid": false' "$out"

# colour only on a terminal, and never with NO_COLOR
expect_not_in no-color $'\033[' "$err"

run "$N" validate -f "$T/missing.yaml"
expect_rc missing-file 1
expect_in missing-file "cannot open '$T/missing.yaml'" "$err"

# stdin
run bash -c "'$N' validate -f - < network.yaml"
expect_rc stdin 0

finish
