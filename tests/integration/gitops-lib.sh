# gitops-lib.sh: helpers shared by test-gitops.sh, test-crash.sh and
# test-faults.sh (sourced after lib.sh, whose cleanup brings every lab
# down on exit, kills the background helpers in BG and unmounts MOUNTS).
# Each scenario runs in its own lab under $T (newlab), with a clone of its
# bare repository to push from.
export GIT_AUTHOR_NAME=netrec-test GIT_AUTHOR_EMAIL=test@netrec.invalid
export GIT_COMMITTER_NAME=netrec-test GIT_COMMITTER_EMAIL=test@netrec.invalid

require git qemu-system-x86_64 qemu-img qemu-io sshd flock

# the simulator: the lab looks for it next to netrec's build
if [ -z "${NETREC_ROSIM:-}" ]; then
	for b in "$(dirname "$NETREC_BIN")/tests/lab/rosim/rosim"; do
		[ -x "$b" ] && export NETREC_ROSIM=$b
	done
fi

# on_newlab NAME (after lib.sh's newlab, which sets D, N, DISK): a clone
# of the lab's repository; sets G (the bare repository), W (the clone)
# and Y (the clone's network.yaml)
on_newlab() {
	G=$D/network.git
	W=$T/$1-work
	Y=$W/network.yaml
	git clone -q "$G" "$W" 2>"$T/.lab.err" || fail "clone $1: $(cat "$T/.lab.err")"
}

# tree: each path with type, mode and size, not inode or mtime: a
# rollback writes a file again with the content it had
TREE_FIELDS='%p %y %m %s'

# history EXPR: EXPR over `j`, `netrec history --json` (newest first)
history() { jget "$("$N" history --json 2>/dev/null)" "$1"; }

# vm_mem: the lab VM's memory size from its command line ("" when none
# runs)
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

# write_marker BYTE: the first 4 KiB of the VM disk (the VM stopped)
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
