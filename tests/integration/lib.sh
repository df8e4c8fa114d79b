# lib.sh: shared helpers for the integration scripts (sourced).
# Each script calls `pass`/`fail` (or `expect_*`) and ends with `finish`,
# which prints "N passed, M failed" and sets the exit status. A temporary
# folder $T is removed on exit.
set -uo pipefail

: "${NETREC_SRC:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${NETREC_BIN:=$NETREC_SRC/build/netrec}"
export NO_COLOR=1
passed=0
failed=0
T=$(mktemp -d /tmp/netrec-it-XXXXXX)
trap 'rm -rf "$T"' EXIT

pass() { passed=$((passed + 1)); }
fail() {
	failed=$((failed + 1))
	echo "FAIL: $*" >&2
}

# run CMD...: runs it, keeping stdout in $out, stderr in $err, status in $rc
run() {
	out=$("$@" 2>"$T/.stderr")
	rc=$?
	err=$(cat "$T/.stderr")
}

# expect_rc NAME WANT: the last run's exit status
expect_rc() {
	if [ "$rc" -eq "$2" ]; then pass; else
		fail "$1: exit $rc, expected $2 (stderr: $err)"
	fi
}

# expect_in NAME NEEDLE HAYSTACK
expect_in() {
	if [[ "$3" == *"$2"* ]]; then pass; else
		fail "$1: '$2' not in output: $3"
	fi
}

expect_not_in() {
	if [[ "$3" != *"$2"* ]]; then pass; else
		fail "$1: '$2' unexpectedly in output: $3"
	fi
}

finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}
