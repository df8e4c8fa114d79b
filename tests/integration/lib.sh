# lib.sh: shared helpers for the integration scripts (sourced).
# Each script calls `pass`/`fail` (or `expect_*`) and ends with `finish`,
# which prints "N passed, M failed" and sets the exit status. A temporary
# folder $T is removed on exit, after whatever the script started is
# stopped (see cleanup).
set -uo pipefail

: "${NETREC_SRC:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${NETREC_BIN:=$NETREC_SRC/build/netrec}"
# the lab finds netrec through it
export NETREC_BIN
export NO_COLOR=1
LAB=$NETREC_SRC/tests/lab/lab
SSHD=$NETREC_SRC/tests/lab/sshd
PY=/usr/bin/python3
passed=0
failed=0
T=$(mktemp -d /tmp/netrec-it-XXXXXX)

# What a script started, undone on exit in this order: background pids
# killed, immutable paths made mutable again, mounts unmounted (a tmpfs
# left mounted would make the removal of $T fail), labs brought down
# (`lab down` stops whatever a lab started: QEMU, sshd).
BG=()
IMMUTABLE=()
MOUNTS=()
LABS=()
cleanup() {
	local p
	for p in "${BG[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${IMMUTABLE[@]}"; do chattr -i "$p" 2>/dev/null; done
	for p in "${MOUNTS[@]}"; do umount "$p" 2>/dev/null; done
	for p in "${LABS[@]}"; do "$LAB" down "$p" >/dev/null 2>&1; done
	rm -rf "$T"
}
trap cleanup EXIT

pass() { passed=$((passed + 1)); }
fail() {
	failed=$((failed + 1))
	echo "FAIL: $*" >&2
}

# require TOOL...: skips the whole script (exit 0) when one is missing
require() {
	local tool
	for tool in "$@"; do
		if ! command -v "$tool" >/dev/null; then
			echo "SKIP: $tool is not installed"
			exit 0
		fi
	done
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

# expect_eq NAME WANT GOT / expect_ne NAME A B
expect_eq() {
	if [ "$2" == "$3" ]; then pass; else
		fail "$1: expected [$2], got [$3]"
	fi
}

expect_ne() {
	if [ "$2" != "$3" ]; then pass; else
		fail "$1: both are [$2]"
	fi
}

# expect_file NAME PATH: the file holds exactly what stdin holds
expect_file() {
	cat >"$T/.want"
	if [ ! -f "$2" ]; then
		fail "$1: $2 does not exist"
	elif cmp -s "$T/.want" "$2"; then pass; else
		fail "$1: $2 differs from the expected content:
$(diff "$T/.want" "$2")"
	fi
}

# newlab NAME: a fresh lab in $T/NAME (`lab up`: one pass, or a failure),
# brought down on exit; sets D (the lab), N (its netrec), R (its router
# command), Y (its network.yaml) and DISK (the VM disk). A script that
# needs more of each lab defines on_newlab, which then runs with NAME.
newlab() {
	D=$T/$1
	N=$D/netrec
	R=$D/router
	Y=$D/network.yaml
	DISK=$D/vm/chr-lab.qcow2
	LABS+=("$D")
	if "$LAB" up "$D" >/dev/null 2>"$T/.lab.err"; then pass; else
		fail "lab up $1: $(cat "$T/.lab.err")"
	fi
	if declare -F on_newlab >/dev/null; then on_newlab "$1"; fi
}

# jget JSON EXPR: EXPR in Python over `j`, the JSON (strings bare,
# everything else as compact JSON)
jget() {
	$PY -c '
import json, sys
j = json.loads(sys.argv[1])
r = eval(sys.argv[2])
print(r if isinstance(r, str) else json.dumps(r, separators=(",", ":")))
' "$1" "$2" 2>&1
}

# journal EXPR: EXPR over `j`, the entries of $D/state/journal.jsonl,
# and `b`, the last begin entry (a line that is not JSON makes it print
# "torn: LINE")
journal() {
	$PY -c '
import json, sys
j = []
for n, l in enumerate(open(sys.argv[1]), 1):
    if not l.strip():
        continue
    try:
        j.append(json.loads(l))
    except ValueError:
        print("torn: %d" % n); sys.exit(0)
b = ([e for e in j if e.get("event") == "begin"] or [None])[-1]
r = eval(sys.argv[2])
print(r if isinstance(r, str) else json.dumps(r, separators=(",", ":")))
' "$D/state/journal.jsonl" "$1" 2>&1
}

# njournal: the number of lines in $D's journal (0 when there is none)
njournal() {
	if [ -f "$D/state/journal.jsonl" ]; then
		wc -l <"$D/state/journal.jsonl"
	else
		echo 0
	fi
}

# tree DIR: for each path the fields of TREE_FIELDS (a find -printf
# format), then the checksum of each file: equal listings mean nothing
# was written. The default (type, mode, owner, size, inode, mtime) sees a
# file replaced by the same content; a script where that is expected
# sets a weaker one.
TREE_FIELDS='%p %y %m %u:%g %s %i %T@'
tree() {
	(
		cd "$1" &&
			find . -printf "$TREE_FIELDS\n" | LC_ALL=C sort &&
			find . -type f -print0 | LC_ALL=C sort -z |
			xargs -0 -r sha256sum
	)
}

# the lab VM's pid from its pidfile ("" when there is none)
vmpid() { cat "$D/vm/routeros.pid" 2>/dev/null; }

# alive PID: the process runs (a zombie does not: a daemonized QEMU that
# exited waits for init to reap it, which here can take a second or two)
alive() {
	local st
	[ -n "$1" ] || return 1
	st=$(sed -n 's/.*) \([A-Z]\) .*/\1/p' "/proc/$1/stat" 2>/dev/null)
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# marker_is BYTE: the first 4 KiB of the VM disk hold BYTE (read-only,
# shared: the VM may run)
marker_is() { qemu-io -r -U -f qcow2 -c "read -P $1 0 4k" "$DISK" >/dev/null 2>&1; }

finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}
