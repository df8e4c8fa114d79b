#!/usr/bin/env bash
# test-vm: the VM layer against real QEMU, qemu-img, qemu-io and QMP in
# labs under $T (issue 4): start through the direct supervisor; an online
# snapshot with the VM still running; a changed memory size is a restart
# with the new command line; stop and start; retention (netrec's own
# snapshots only); restore brings back a marker written into the disk;
# --no-snapshot; a missing disk, a corrupt qcow2, a dead QMP socket and an
# unwritable VM folder each fail clearly and change nothing; the disk made
# from vm.image_source, and never overwritten. Every lab is stopped with
# `lab down` on exit, and no QEMU of any lab may remain.
. "$(dirname "$0")/lib.sh"
require qemu-system-x86_64 qemu-img qemu-io

# --- helpers (newlab, expect_eq, expect_ne, jget, journal, vmpid, alive,
# marker_is: lib.sh)

# cmdline PID: /proc/PID/cmdline, one word a line
cmdline() { tr '\0' '\n' <"/proc/$1/cmdline" 2>/dev/null; }

# qmp COMMAND [ARGS-JSON]: runs one QMP command on the lab VM's socket
# and prints its "return" as JSON (or "error: CLASS: DESC"); events that
# arrive in between are skipped
qmp() {
	$PY - "$D/vm/qmp.sock" "$1" "${2:-}" <<'X' 2>&1
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(10)
s.connect(sys.argv[1])
f = s.makefile("rw")
def reply():
    while True:
        m = json.loads(f.readline())
        if "return" in m or "error" in m:
            return m
json.loads(f.readline())  # greeting
f.write('{"execute":"qmp_capabilities"}\n'); f.flush(); reply()
cmd = {"execute": sys.argv[2]}
if sys.argv[3]:
    cmd["arguments"] = json.loads(sys.argv[3])
f.write(json.dumps(cmd) + "\n"); f.flush()
m = reply()
if "error" in m:
    print("error: %s: %s" % (m["error"]["class"], m["error"]["desc"]))
else:
    print(json.dumps(m["return"], sort_keys=True))
X
}

vmstatus() { qmp query-status | $PY -c 'import json,sys; print(json.load(sys.stdin)["status"])' 2>&1; }

# the disk's snapshot names, one a line (-U: the VM may hold the lock)
snapnames() {
	qemu-img snapshot -U -l "$DISK" 2>&1 | awk 'NR > 2 { print $2 }'
}

# setyaml SED-EXPR: edits the lab's network.yaml
setyaml() { sed -i "$1" "$Y"; }

# The command line netrec must give the lab VM (memory as given).
want_cmdline() {
	printf '%s\n' qemu-system-x86_64 -name routeros -machine q35,accel=kvm:tcg \
		-cpu qemu64 -smp 1 -m "$1" -nic none -drive \
		"file=$DISK,if=virtio,format=qcow2,id=disk0" \
		-serial "unix:$D/vm/console.sock,server=on,wait=off" \
		-monitor "unix:$D/vm/monitor.sock,server=on,wait=off" \
		-qmp "unix:$D/vm/qmp.sock,server=on,wait=off" \
		-display none -vga none -daemonize -pidfile "$D/vm/routeros.pid"
}

# --- 1. start through the direct supervisor -----------------------------
newlab run

run "$N" plan --target vm --detailed-exitcode
expect_rc plan-stopped 2
expect_in plan-stopped-start "  ~ vm[routeros]  restart" "$out"
expect_in plan-stopped-reason "not running: start it" "$out"

run "$N" apply --target vm --yes
expect_rc apply-start 0
expect_in apply-start-offline "taken offline" "$err"
expect_in apply-start-starting "restart vm[routeros] ... starting ... done" "$err"
pid1=$(vmpid)
if alive "$pid1"; then pass; else fail "apply-start: no live pid in the pidfile [$pid1]"; fi
expect_eq start-cmdline "$(want_cmdline 256M)" "$(cmdline "$pid1")"
expect_eq start-status running "$(vmstatus)"
expect_eq start-pidfile-mode 600 "$(stat -c %a "$D/vm/routeros.pid")"

run "$N" plan --target vm --detailed-exitcode
expect_rc plan-converged 0
expect_in plan-converged-text "No changes." "$out"
# nothing to change: no snapshot either
n_before=$(snapnames | wc -l)
run "$N" apply --target vm --yes
expect_rc apply-nothing 0
expect_eq apply-nothing-no-snapshot "$n_before" "$(snapnames | wc -l)"
expect_eq apply-nothing-same-pid "$pid1" "$(vmpid)"

# --- 2. an online snapshot: the VM keeps running ------------------------
# The whole network (the host layer has changes in a fresh lab): the
# pre-apply snapshot is taken over QMP while QEMU runs.
run "$N" apply --yes
expect_rc apply-online 0
expect_in apply-online-says "taken online (the VM kept running)" "$err"
snap=$(journal '[e for e in j if e["event"] == "begin"][-1]["snapshot"]')
expect_in apply-online-name "netrec-local-" "$snap"
expect_in apply-online-named "Snapshot $snap taken online" "$err"
expect_in online-listed "$snap" "$(snapnames)"
expect_eq online-same-pid "$pid1" "$(vmpid)"
if alive "$pid1"; then pass; else fail "online: QEMU $pid1 is gone"; fi
expect_eq online-status running "$(vmstatus)"
run "$N" history --json
expect_eq online-history "$snap" "$(jget "$out" 'j[0]["snapshot"]')"
expect_eq online-history-outcome applied "$(jget "$out" 'j[0]["outcome"]')"

# `snapshot create` while running is online too, and lists as the user's
run "$N" snapshot create mine
expect_rc create-online 0
expect_in create-online-says "snapshot mine taken online" "$err"
expect_eq create-online-same-pid "$pid1" "$(vmpid)"
expect_eq create-online-status running "$(vmstatus)"
run "$N" snapshot list --json
expect_rc list-json 0
expect_eq list-json-mine false \
	"$(jget "$out" '[s["netrec"] for s in j if s["name"] == "mine"][0]')"
expect_eq list-json-ours true \
	"$(jget "$out" '[s["netrec"] for s in j if s["name"] == "'"$snap"'"][0]')"
run "$N" snapshot create mine
expect_rc create-duplicate 1
expect_in create-duplicate-says "already exists" "$err"
run "$N" snapshot delete mine
expect_rc delete-online 0
expect_not_in delete-online-gone "mine" "$(snapnames)"
expect_eq delete-online-same-pid "$pid1" "$(vmpid)"

# --- 3. a changed VM definition is a restart ----------------------------
setyaml 's/^  memory: 256M/  memory: 320M/'
run "$N" plan --target vm --detailed-exitcode
expect_rc plan-memory 2
expect_in plan-memory-restart "  ~ vm[routeros]  restart (router-restart)" "$out"
expect_in plan-memory-reason "the running QEMU (pid $pid1) has another command line" "$out"
expect_in plan-memory-old "        -256M" "$out"
expect_in plan-memory-new "        +320M" "$out"
run "$N" plan --target vm --json
expect_eq plan-memory-json \
	'[["vm[routeros]","restart","router-restart"]]' \
	"$(jget "$out" '[[c["address"], c["action"], c["disruption"]] for c in j["changes"]]')"
expect_in plan-memory-json-diff "+320M" "$(jget "$out" 'j["changes"][0]["diff"]')"
# planning changed nothing
expect_eq plan-memory-same-pid "$pid1" "$(vmpid)"

run "$N" apply --target vm --yes
expect_rc apply-restart 0
expect_in apply-restart-online "taken online" "$err"
expect_in apply-restart-steps "stopping ... starting ... done" "$err"
pid2=$(vmpid)
expect_ne restart-new-pid "$pid1" "$pid2"
if alive "$pid1"; then fail "restart: the old QEMU $pid1 still runs"; else pass; fi
expect_eq restart-cmdline "$(want_cmdline 320M)" "$(cmdline "$pid2")"
expect_eq restart-status running "$(vmstatus)"
run "$N" plan --target vm --detailed-exitcode
expect_rc restart-converged 0

# --- 4. stop and start ---------------------------------------------------
"$LAB" down "$D" >/dev/null
if alive "$pid2"; then fail "lab down: QEMU $pid2 still runs"; else pass; fi
run "$N" plan --target vm
expect_in stopped-plan "not running: start it" "$out"
run "$N" apply --target vm --yes
expect_rc start-again 0
expect_in start-again-offline "taken offline" "$err"
pid3=$(vmpid)
if alive "$pid3"; then pass; else fail "start again: no QEMU"; fi
expect_eq start-again-cmdline "$(want_cmdline 320M)" "$(cmdline "$pid3")"

# --- 5. --no-snapshot ----------------------------------------------------
n_before=$(snapnames | wc -l)
setyaml 's/^  memory: 320M/  memory: 288M/'
run "$N" apply --target vm --yes --no-snapshot
expect_rc no-snapshot 0
expect_in no-snapshot-says "No pre-apply snapshot (--no-snapshot)." "$err"
expect_not_in no-snapshot-none-taken "taken online" "$err"
expect_eq no-snapshot-count "$n_before" "$(snapnames | wc -l)"
expect_eq no-snapshot-journal '[true,null]' \
	"$(journal '[[e["no_snapshot"], e["snapshot"]] for e in j if e["event"] == "begin"][-1]')"
expect_eq no-snapshot-cmdline "$(want_cmdline 288M)" "$(cmdline "$(vmpid)")"
"$LAB" down "$D" >/dev/null

# --- 6. retention --------------------------------------------------------
newlab keep
setyaml 's/^  snapshots: {keep: 5}/  snapshots: {keep: 2}/'
expect_in keep-set "keep: 2" "$(cat "$Y")"
run "$N" apply --target vm --yes
expect_rc keep-start 0
run "$N" snapshot create mine
expect_rc keep-mine 0
# several applies in a row, each with a change (the motd), some within
# the same second (names get "-2", "-3"; the oldest go by qcow2's ids,
# not by name): every one takes its own snapshot, the newest two stay
taken=()
for i in 1 2 3 4 5 6; do
	setyaml "s/^      content: .*/      content: \"motd $i\\\\n\"/"
	run "$N" apply --yes
	expect_rc "keep-apply-$i" 0
	expect_in "keep-apply-$i-online" "taken online" "$err"
	taken+=("$(journal '[e for e in j if e["event"] == "begin"][-1]["snapshot"]')")
done
expect_in keep-pruned "Pruned" "$err"
expect_eq keep-distinct 6 "$(printf '%s\n' "${taken[@]}" | sort -u | wc -l)"
ours=$(snapnames | grep '^netrec-')
expect_eq keep-two "$(printf '%s\n' "${taken[4]}" "${taken[5]}")" "$ours"
expect_in keep-mine-kept "mine" "$(snapnames)"
run "$N" snapshot list
expect_in keep-list-user "user" "$(grep ' mine ' <<<"$out")"
"$LAB" down "$D" >/dev/null

# --- 7. restore ----------------------------------------------------------
newlab restore
# stopped: qemu-io writes the disk itself
qemu-io -f qcow2 -c 'write -P 0x5a 0 4k' "$DISK" >/dev/null
run "$N" snapshot create before
expect_rc restore-create 0
expect_in restore-create-offline "taken offline" "$err"
qemu-io -f qcow2 -c 'write -P 0x33 0 4k' "$DISK" >/dev/null
if marker_is 0x33; then pass; else fail "restore: the overwrite did not land"; fi
run "$N" snapshot restore before
expect_rc restore-needs-yes 1
expect_in restore-needs-yes-says "needs --yes" "$err"
if marker_is 0x33; then pass; else fail "restore without --yes changed the disk"; fi
run "$N" snapshot restore before --yes
expect_rc restore-stopped 0
expect_in restore-stopped-warns "the internet drops" "$err"
if marker_is 0x5a; then pass; else fail "restore (stopped): the old marker is not back"; fi
expect_eq restore-stopped-not-started "" "$(vmpid)"

# running: the guest's disk is written through QEMU (HMP qemu-io), and the
# restore stops the VM, reverts the disk and starts it again
run "$N" apply --target vm --yes
expect_rc restore-start 0
rpid=$(vmpid)
expect_in restore-hmp-write '""' \
	"$(qmp human-monitor-command '{"command-line":"qemu-io disk0 \"write -P 0x33 0 4k\""}')"
# flushed, so that the image's metadata on disk shows the write
qmp human-monitor-command '{"command-line":"qemu-io disk0 flush"}' >/dev/null
if marker_is 0x33; then pass; else fail "restore: the running overwrite did not land"; fi
run "$N" snapshot restore before --yes
expect_rc restore-running 0
if marker_is 0x5a; then pass; else fail "restore (running): the old marker is not back"; fi
rpid2=$(vmpid)
if alive "$rpid2"; then pass; else fail "restore (running): the VM was not started again"; fi
expect_ne restore-running-restarted "$rpid" "$rpid2"
expect_eq restore-running-status running "$(vmstatus)"
run "$N" snapshot restore nosuch --yes
expect_rc restore-unknown 1
expect_in restore-unknown-says "has no snapshot 'nosuch'" "$err"
expect_eq restore-unknown-same-pid "$rpid2" "$(vmpid)"

expect_eq restore-journal '["restored","restored","failed"]' \
	"$(journal '[e["outcome"] for e in j if e["event"] == "end" and e["action"] == "restore"]')"
run "$N" history --json
expect_rc restore-history 0
expect_eq restore-history-listed '[["restore","before","restored"],["restore","before","restored"]]' \
	"$(jget "$out" '[[a["action"], a["snapshot"], a["outcome"]] for a in j if a["action"] == "restore"][1:]')"
"$LAB" down "$D" >/dev/null

# --- 8. faults -----------------------------------------------------------
newlab faults
run "$N" apply --target vm --yes
expect_rc faults-start 0
fpid=$(vmpid)

# a dead QMP socket: snapshots fail clearly, the apply changes nothing
rm -f "$D/vm/qmp.sock"
$PY -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$D/vm/qmp.sock"
n_before=$(snapnames | wc -l)
run "$N" snapshot create x
expect_rc dead-qmp-create 1
expect_in dead-qmp-create-says "cannot connect to QMP socket '$D/vm/qmp.sock'" "$err"
setyaml 's/^  memory: 256M/  memory: 320M/'
jlen=$(wc -l <"$D/state/journal.jsonl")
run "$N" apply --target vm --yes
expect_rc dead-qmp-apply 1
expect_in dead-qmp-apply-says "pre-apply snapshot failed: cannot connect to QMP socket" "$err"
expect_in dead-qmp-apply-nothing "(nothing was applied)" "$err"
expect_eq dead-qmp-same-pid "$fpid" "$(vmpid)"
if alive "$fpid"; then pass; else fail "dead QMP: the VM was stopped"; fi
expect_eq dead-qmp-cmdline "$(want_cmdline 256M)" "$(cmdline "$fpid")"
expect_eq dead-qmp-no-snapshot "$n_before" "$(snapnames | wc -l)"
expect_eq dead-qmp-journal '["failed",[],null]' \
	"$(journal '[j[-1]["outcome"], j[-1]["done"], j[-2]["snapshot"]]')"
expect_eq dead-qmp-journal-len $((jlen + 2)) "$(wc -l <"$D/state/journal.jsonl")"
"$LAB" down "$D" >/dev/null
if alive "$fpid"; then fail "lab down: QEMU $fpid still runs"; else pass; fi
setyaml 's/^  memory: 320M/  memory: 256M/'

# a corrupt qcow2: refused with qemu-img's own words
cp "$DISK" "$T/good.qcow2"
printf 'QFI\xfb\x00\x00\x00\x09' | dd of="$DISK" conv=notrunc status=none
why=$(qemu-img info "$DISK" 2>&1 | sed -n 's/^qemu-img: //p')
expect_in corrupt-qemu-img "Unsupported qcow2 version" "$why"
run "$N" plan --target vm
expect_rc corrupt-plan 1
expect_in corrupt-plan-refused "refused: vm.disk[$DISK]: " "$out"
expect_in corrupt-plan-words "$why" "$out"
run "$N" apply --target vm --yes
expect_rc corrupt-apply 1
expect_in corrupt-apply-says "refusing to apply" "$err"
expect_eq corrupt-not-started "" "$(vmpid)"
run "$N" snapshot list
expect_rc corrupt-list 1
expect_in corrupt-list-words "$why" "$err"

# a missing disk and no image_source: the plan refuses
rm -f "$DISK"
run "$N" plan --target vm
expect_rc missing-plan 1
expect_in missing-plan-says "refused: vm.disk[$DISK]: the disk is missing and vm.image_source names no image to make it from" "$out"
run "$N" apply --target vm --yes
expect_rc missing-apply 1
expect_in missing-apply-nothing "nothing was changed" "$err"
expect_eq missing-not-started "" "$(vmpid)"
if [ -e "$DISK" ]; then fail "missing: a disk appeared"; else pass; fi
cp "$T/good.qcow2" "$DISK"

# an unwritable VM folder: its parent is a regular file
: >"$D/afile"
setyaml "s#^  dir: .*#  dir: $D/afile/vm#; s#^  disk: .*#  disk: $DISK#"
run "$N" apply --target vm --yes
expect_rc unwritable-apply 1
expect_in unwritable-names "vm[routeros]: cannot create folder '$D/afile" "$err"
expect_in unwritable-why "Not a directory" "$err"
expect_eq unwritable-journal failed "$(journal 'j[-1]["outcome"]')"
"$LAB" down "$D" >/dev/null

# --- 9. the disk from vm.image_source ------------------------------------
newlab convert
qemu-img create -q -f raw "$D/vm/chr.img" 8M
qemu-io -f raw -c 'write -P 0x77 0 4k' "$D/vm/chr.img" >/dev/null
rm -f "$DISK"
setyaml 's#^  disk: chr-lab.qcow2#  disk: chr-lab.qcow2\n  image_source: chr.img#'
run "$N" plan --target vm --detailed-exitcode
expect_rc convert-plan 2
expect_in convert-plan-create "  + vm.disk[$DISK]  create" "$out"
expect_in convert-plan-reason "missing: convert chr.img to qcow2" "$out"
run "$N" apply --target vm --yes
expect_rc convert-apply 0
expect_in convert-apply-no-snapshot "the VM disk does not exist yet" "$err"
expect_in convert-apply-converting "converting $D/vm/chr.img to $DISK" "$err"
expect_eq convert-format qcow2 \
	"$(qemu-img info -U --output=json "$DISK" | $PY -c 'import json,sys; print(json.load(sys.stdin)["format"])')"
if marker_is 0x77; then pass; else fail "convert: the image's content is not in the disk"; fi
if alive "$(vmpid)"; then pass; else fail "convert: the VM did not start"; fi
run "$N" plan --target vm --detailed-exitcode
expect_rc convert-converged 0
# an existing disk is never overwritten, even when the image changes
"$LAB" down "$D" >/dev/null
qemu-io -f qcow2 -c 'write -P 0x44 0 4k' "$DISK" >/dev/null
qemu-io -f raw -c 'write -P 0x11 0 4k' "$D/vm/chr.img" >/dev/null
run "$N" plan --target vm
expect_not_in convert-kept-plan "vm.disk[" "$out"
run "$N" apply --target vm --yes
expect_rc convert-kept-apply 0
expect_not_in convert-kept-no-convert "converting" "$err"
if marker_is 0x44; then pass; else fail "convert: an existing disk was overwritten"; fi
"$LAB" down "$D" >/dev/null

# --- nothing left running ------------------------------------------------
left=$(pgrep -af -- "$T/" | grep qemu-system || true)
expect_eq no-qemu-left "" "$left"

finish
