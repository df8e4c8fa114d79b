# gitops-lib.sh: helpers shared by test-gitops.sh, test-crash.sh and
# test-faults.sh (sourced after lib.sh). Each scenario runs in its own lab
# under $T (tests/lab/lab up), with a clone of its bare repository to push
# from; on exit every lab is brought down (`lab down`: QEMU and sshd), any
# background helper is killed by its pid, any tmpfs is unmounted.
export NETREC_BIN
LAB=$NETREC_SRC/tests/lab/lab
SSHD=$NETREC_SRC/tests/lab/sshd
PY=/usr/bin/python3
LABS=()
BG=()
MOUNTS=()
export GIT_AUTHOR_NAME=netrec-test GIT_AUTHOR_EMAIL=test@netrec.invalid
export GIT_COMMITTER_NAME=netrec-test GIT_COMMITTER_EMAIL=test@netrec.invalid

cleanup() {
	local p m l
	for p in "${BG[@]}"; do kill "$p" 2>/dev/null; done
	for m in "${MOUNTS[@]}"; do umount "$m" 2>/dev/null; done
	for l in "${LABS[@]}"; do "$LAB" down "$l" >/dev/null 2>&1; done
	rm -rf "$T"
}
trap cleanup EXIT

for tool in git qemu-system-x86_64 qemu-img qemu-io sshd flock; do
	if ! command -v $tool >/dev/null; then
		echo "SKIP: $tool is not installed"
		exit 0
	fi
done

# the simulator: the lab looks for it next to netrec's build
if [ -z "${NETREC_ROSIM:-}" ]; then
	for b in "$(dirname "$NETREC_BIN")/tests/lab/rosim/rosim"; do
		[ -x "$b" ] && export NETREC_ROSIM=$b
	done
fi

# newlab NAME: a fresh lab in $T/NAME and a clone of its repository; sets
# D (the lab), N (its netrec), G (its bare repository), W (the clone), Y
# (the clone's network.yaml), DISK
newlab() {
	D=$T/$1
	N=$D/netrec
	G=$D/network.git
	W=$T/$1-work
	Y=$W/network.yaml
	DISK=$D/vm/chr-lab.qcow2
	LABS+=("$D")
	if "$LAB" up "$D" >/dev/null 2>"$T/.lab.err"; then pass; else
		fail "lab up $1: $(cat "$T/.lab.err")"
	fi
	git clone -q "$G" "$W" 2>"$T/.lab.err" || fail "clone $1: $(cat "$T/.lab.err")"
}

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

# jget JSON EXPR: EXPR in Python over `j`, the JSON (strings bare)
jget() {
	$PY -c '
import json, sys
j = json.loads(sys.argv[1])
r = eval(sys.argv[2])
print(r if isinstance(r, str) else json.dumps(r, separators=(",", ":")))
' "$1" "$2" 2>&1
}

# journal EXPR: EXPR over `j`, the entries of DIR/state/journal.jsonl,
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

# njournal: the number of lines in the journal
njournal() { wc -l <"$D/state/journal.jsonl" 2>/dev/null || echo 0; }

# history EXPR: EXPR over `j`, `netrec history --json` (newest first)
history() { jget "$("$N" history --json 2>/dev/null)" "$1"; }

# tree DIR: each path with type, mode, size and checksum: equal listings
# mean nothing was written
tree() {
	(
		cd "$1" &&
			find . -printf '%p %y %m %s\n' | LC_ALL=C sort &&
			find . -type f -print0 | LC_ALL=C sort -z |
			xargs -0 -r sha256sum
	)
}

# the lab VM's pid ("" when none runs); its memory size from its command
# line ("" when none runs)
vmpid() { cat "$D/vm/routeros.pid" 2>/dev/null; }
alive() {
	local st
	[ -n "$1" ] || return 1
	st=$(sed -n 's/.*) \([A-Z]\) .*/\1/p' "/proc/$1/stat" 2>/dev/null)
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}
vm_mem() {
	local pid
	pid=$(vmpid)
	alive "$pid" || return 0
	tr '\0' '\n' <"/proc/$pid/cmdline" | sed -n '/^-m$/{n;p}'
}

# stop_vm: stops the lab VM (as `lab down` does), so that qemu-io may
# write its disk
stop_vm() {
	local pid
	pid=$(vmpid)
	if alive "$pid"; then
		kill "$pid" 2>/dev/null
		for _ in $(seq 100); do alive "$pid" || break; sleep 0.1; done
		kill -9 "$pid" 2>/dev/null
	fi
	rm -f "$D/vm/routeros.pid"
}

# marker_is BYTE: the first 4 KiB of the VM disk hold BYTE (read-only,
# shared: the VM may run)
marker_is() { qemu-io -r -U -f qcow2 -c "read -P $1 0 4k" "$DISK" >/dev/null 2>&1; }
write_marker() { qemu-io -f qcow2 -c "write -P $1 0 4k" "$DISK" >/dev/null; }

# the router's identity, over SSH
identity() { "$D/router" /system identity print 2>&1 | tr -d '\r' | sed -n 's/^ *name: //p'; }

# router_down / router_up: stop and start the lab's sshd (the router)
router_down() { "$SSHD" down "$D/ssh" >/dev/null 2>&1; }
router_up() { "$SSHD" up "$D/ssh" "$(cat "$D/ssh/port")" "$NETREC_ROSIM" >/dev/null; }

# edit PY-STATEMENTS: edits the clone's network.yaml, text in `s`
edit() {
	$PY - "$Y" "$1" <<'X'
import re, sys
path = sys.argv[1]
s = open(path).read()
exec(sys.argv[2])
open(path, "w").write(s)
X
}

# push MSG [ARGS...]: commits everything in the clone and pushes it
# (ARGS go to git push); output (stdout and stderr) in $out, status in $rc
push() {
	local msg=$1
	shift
	git -C "$W" add -A
	git -C "$W" commit -q --allow-empty -m "$msg"
	out=$(git -C "$W" push "$@" origin main 2>&1)
	rc=$?
	err=$out
}

# head_of: the bare repository's main; wc_head: the clone's HEAD
head_of() { git -C "$G" rev-parse main 2>&1; }
wc_head() { git -C "$W" rev-parse HEAD; }

# post_receive OLD NEW: the post-receive hook as git runs it (inside the
# bare repository, GIT_DIR set), fed one update line of main
post_receive() {
	out=$(cd "$G" && echo "$1 $2 refs/heads/main" |
		GIT_DIR=$G "$N" hook post-receive --branch main 2>&1)
	rc=$?
}

# remote_lines: $out's "remote:" lines without the prefix and git's
# trailing padding
remote_lines() { sed -n 's/^remote: //p' <<<"$out" | sed 's/ *$//'; }
