#!/usr/bin/env bash
# test-faults: bad input and faults around a push (issue 6, sections 4
# and 7), with real git, hooks, QEMU, sshd and the RouterOS simulator.
# Each fault gives a clear message, changes nothing it should not, and
# leaves a way back, which is then taken:
#   1. the router unreachable during a push (its sshd stopped)
#   2. the router refusing a line of the import (an item it already has)
#   3. the pre-apply snapshot failing (another process holds the disk)
#   4. the journal's disk full (a file size limit; a full tmpfs as the
#      state folder), and a torn journal line
#   5. health checks failing while the router cannot be reached at all:
#      the automatic rollback fails too, the disk snapshot is restored
# Every lab is brought down on exit (lab down: QEMU and sshd).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/gitops-lib.sh"

M0="This host routes the lab network. Managed by netrec."

# --- 1. an unreachable router during a push ---------------------------------
newlab faults
run "$N" apply --repo "$G" --rev main --yes
expect_rc first-apply 0
c0=$(head_of)
port=$(cat "$D/ssh/port")
router_down
before=$(tree "$D/root")
nj=$(njournal)
vmp=$(vmpid)
edit 's = s.replace("name=lab-router", "name=lab-away").replace("Managed by netrec.", "Managed by netrec. (away)")'
push "identity and motd, router away"
expect_rc away-push-accepted 0
c1=$(wc_head)
expect_in away-pre "remote: netrec: cannot plan now: cannot connect to netrec@127.0.0.1:$port: Connection refused" "$out"
expect_in away-post "remote: netrec: cannot connect to netrec@127.0.0.1:$port: Connection refused" "$out"
expect_not_in away-nothing-applied "Apply complete" "$out"
expect_eq away-root "$before" "$(tree "$D/root")"
# the attempt that could not plan is on record: one begin and one end
expect_eq away-journal "$((nj + 2))" "$(njournal)"
expect_eq away-journal-failed '["hook","failed"]' \
	"$(history '[j[0]["trigger"], j[0]["outcome"]]')"
expect_eq away-vm "$vmp" "$(vmpid)"
# status of the layers it can see; plan says why it cannot
run "$N" status --repo "$G" --rev main --target host,vm
expect_rc away-status 0
expect_in away-status "applied commit  $c0" "$out"
expect_in away-status "source commit   $c1 (not applied yet)" "$out"
run "$N" plan --repo "$G" --rev main
expect_rc away-plan 1
expect_in away-plan "cannot connect to netrec@127.0.0.1:$port" "$err"
# the way back: the router is reachable again, and the branch is applied
router_up
run "$N" apply --repo "$G" --rev main --yes
expect_rc away-then-apply 0
expect_eq away-then-identity lab-away "$(identity)"
expect_eq away-then-motd "$M0 (away)" "$(cat "$D/root/etc/motd")"
expect_eq away-then-history "[\"$c1\",\"cli\",\"applied\"]" \
	"$(history '[j[0]["commit"], j[0]["trigger"], j[0]["outcome"]]')"

# --- 2. the router refuses a line of the import ----------------------------
# the router already has a user bob (users are never exported, so netrec
# cannot see him): "/user add name=bob" fails there
run "$D/router" '/user add name=bob group=full'
expect_eq refuse-preload "" "$(tr -d '\r' <<<"$out")"
edit 's = s.replace("name=lab-away", "name=lab-refused").replace("    /user set [find name=admin]", "    /user add name=bob group=read\n    /user set [find name=admin]").replace("(away)", "(refused)")'
push "bob, read-only"
expect_rc refuse-push 0
c2=$(wc_head)
expect_in refuse-says "remote: netrec: router[127.0.0.1]: the router refused the import: Script Error: failure: already have such name (/user/add; line" "$out"
expect_in refuse-stopped "remote: netrec: apply stopped; 1 of 2 changes were made (the journal lists them)" "$out"
expect_not_in refuse-no-rollback "rolling back" "$out"
expect_eq refuse-journal "[\"failed\",[\"host.file[/etc/motd]\"]]" "$(journal '[j[-1]["outcome"], j[-1]["done"]]')"
expect_in refuse-journal-error "the router refused the import: Script Error: failure: already have such name" \
	"$(journal 'j[-1]["error"]')"
expect_eq refuse-bob-unchanged "group=full name=bob" \
	"$("$D/router" '/user print where name=bob' | tr -d '\r' | sed 's/^ *[0-9]* *//')"
# the plan says what is left: the router's user lines
run "$N" plan --repo "$G" --rev main --detailed-exitcode
expect_rc refuse-plan-left 2
expect_in refuse-plan-left "~ router[127.0.0.1]  update" "$out"
expect_in refuse-plan-left-bob "/user add group=read name=bob" "$out"
expect_not_in refuse-plan-no-host "host.file[/etc/motd]" "$out"
run "$N" status --repo "$G" --rev main
expect_in refuse-status "source commit   $c2 (not applied yet)" "$out"
expect_in refuse-status-last "apply failed" "$out"
# the way back: bob goes, and the branch is applied
run "$D/router" '/user remove [find name=bob]'
run "$N" apply --repo "$G" --rev main --yes
expect_rc refuse-then-apply 0
expect_eq refuse-then-bob "group=read name=bob" \
	"$("$D/router" '/user print where name=bob' | tr -d '\r' | sed 's/^ *[0-9]* *//')"
expect_eq refuse-then-identity lab-refused "$(identity)"
run "$N" plan --repo "$G" --rev main --detailed-exitcode
expect_rc refuse-then-converged 0

# --- 3. a failed pre-apply snapshot: nothing applied -----------------------
# the VM stopped and another process holding the disk's write lock
stop_vm
qemu-io -f qcow2 -c 'sleep 60000' "$DISK" >/dev/null 2>&1 &
BG+=($!)
holder=$!
sleep 0.5
before=$(tree "$D/root")
nj=$(njournal)
edit 's = s.replace("memory: 256M", "memory: 384M").replace("(refused)", "(snapshot)")'
push "384M, while the disk is held"
expect_rc snap-push 0
c3=$(wc_head)
expect_in snap-says "remote: netrec: pre-apply snapshot failed: cannot create snapshot 'netrec-${c3:0:12}-" "$out"
expect_in snap-why "Failed to get \"write\" lock (nothing was applied)" "$out"
expect_eq snap-root "$before" "$(tree "$D/root")"
expect_eq snap-vm-not-started "" "$(vmpid)"
expect_eq snap-journal "[$((nj + 2)),\"$c3\",null,\"failed\",[]]" \
	"$(journal '[len(j), b["commit"], b["snapshot"], j[-1]["outcome"], j[-1]["done"]]')"
expect_in snap-journal-why "the pre-apply snapshot failed: cannot create snapshot" "$(journal 'j[-1]["error"]')"
expect_in snap-journal-why "Failed to get \"write\" lock; nothing was applied" "$(journal 'j[-1]["error"]')"
expect_eq snap-no-snapshot "" "$(qemu-img snapshot -U -l "$DISK" | grep "netrec-${c3:0:12}")"
# the way back: the disk is free again, the branch is applied
kill "$holder"
wait "$holder" 2>/dev/null
run "$N" apply --repo "$G" --rev main --yes
expect_rc snap-then-apply 0
expect_in snap-then-offline "taken offline" "$err"
expect_eq snap-then-vm 384M "$(vm_mem)"
expect_eq snap-then-motd "$M0 (snapshot)" "$(cat "$D/root/etc/motd")"

# --- 4. a full disk under the journal ----------------------------------------
# (a) a file size limit that the journal's begin line crosses: the partial
# line is cut back, nothing is changed
edit 's = s.replace("(snapshot)", "(full)")'
git -C "$W" commit -qam "motd: full"
git -C "$W" push -q origin HEAD:refs/heads/next 2>/dev/null
c4=$(wc_head)
before=$(tree "$D/root")
# pad LIMIT ROOM: blank lines (which the journal skips) put its end ROOM
# bytes short of LIMIT (bounded: never more than 64 KiB of them)
pad() {
	local n=$(($1 - $2 - $(stat -c %s "$D/state/journal.jsonl")))
	if [ "$n" -gt 0 ] && [ "$n" -lt 65536 ]; then
		printf '%*s' "$n" '' | tr ' ' '\n' >>"$D/state/journal.jsonl"
	else
		fail "pad $1 $2: cannot pad the journal by $n bytes"
	fi
}
pad 16384 100
jsize=$(stat -c %s "$D/state/journal.jsonl")
nj=$(journal 'len(j)')
(
	ulimit -f 16
	trap '' XFSZ
	run "$N" apply --repo "$G" --rev next --yes
	echo "$rc" >"$T/fsize.rc"
	printf '%s' "$err" >"$T/fsize.err"
)
expect_eq fsize-rc 1 "$(cat "$T/fsize.rc")"
expect_in fsize-says "netrec: journal: cannot append to '$D/state/journal.jsonl': File too large (nothing was changed)" \
	"$(cat "$T/fsize.err")"
expect_eq fsize-cut-back "$jsize" "$(stat -c %s "$D/state/journal.jsonl")"
expect_eq fsize-journal "$nj" "$(journal 'len(j)')"
expect_eq fsize-root "$before" "$(tree "$D/root")"
run "$N" history
expect_rc fsize-history 0
expect_not_in fsize-history-not-torn "torn" "$err"
# (b) room for the begin line but not for the end line: the changes are
# made, the journal cannot say so, and says "interrupted"; the next apply
# records the version as applied
blen=$(journal 'len(json.dumps(b, separators=(",", ":")))')
pad 32768 $((blen + 60))
(
	ulimit -f 32
	trap '' XFSZ
	run "$N" apply --repo "$G" --rev next --yes
	echo "$rc" >"$T/fsize.rc"
	printf '%s' "$err" >"$T/fsize.err"
)
expect_eq fsize-end-rc 1 "$(cat "$T/fsize.rc")"
expect_in fsize-end-says "netrec: journal: cannot append to '$D/state/journal.jsonl': File too large" \
	"$(cat "$T/fsize.err")"
expect_eq fsize-end-motd "$M0 (full)" "$(cat "$D/root/etc/motd")"
expect_eq fsize-end-journal begin "$(journal 'j[-1]["event"]')"
expect_eq fsize-end-history interrupted "$(history 'j[0]["outcome"]')"
expect_eq fsize-end-newline "" "$(tail -c 1 "$D/state/journal.jsonl" | tr -d '\n')"
run "$N" apply --repo "$G" --rev next --yes
expect_rc fsize-then-apply 0
expect_eq fsize-then-history "[\"$c4\",\"applied\",[]]" \
	"$(history '[j[0]["commit"], j[0]["outcome"], j[0]["changes"]]')"
run "$N" status --repo "$G" --rev next
expect_in fsize-then-status "source commit   $c4 (applied)" "$out"

# (c) a torn last line (a write cut short): reported, kept, never dropped
seq=$(journal 'max(e["seq"] for e in j)')
printf '{"seq":99,"event":"be' >>"$D/state/journal.jsonl"
torn=$(wc -l <"$D/state/journal.jsonl")
torn=$((torn + 1))
run "$N" history
expect_rc torn-history 0
expect_in torn-history-warns "netrec: warning: journal line $torn is torn or not JSON (an interrupted write?): {\"seq\":99,\"event\":\"be" "$err"
expect_in torn-history-lists "$(git -C "$W" rev-parse --short=12 HEAD)" "$out"
run "$N" status --repo "$G" --rev next --json
expect_rc torn-status 0
expect_eq torn-status-line "$torn" "$(jget "$out" 'j["journal_bad_line"]')"
edit 's = s.replace("(full)", "(torn)")'
git -C "$W" commit -qam "motd: torn"
git -C "$W" push -q origin HEAD:refs/heads/next 2>/dev/null
run "$N" apply --repo "$G" --rev next --yes
expect_rc torn-apply 0
expect_in torn-apply-warns "netrec: warning: the journal has a torn line $torn (an interrupted write); it is kept as it is" "$err"
expect_eq torn-kept '{"seq":99,"event":"be' "$(sed -n "${torn}p" "$D/state/journal.jsonl")"
expect_eq torn-then-whole "[$((seq + 1)),\"begin\",$((seq + 1)),\"end\"]" \
	"$(tail -n 2 "$D/state/journal.jsonl" | $PY -c 'import json, sys; print(json.dumps([v for l in sys.stdin for e in [json.loads(l)] for v in (e["seq"], e["event"])], separators=(",", ":")))')"
expect_eq torn-apply-motd "$M0 (torn)" "$(cat "$D/root/etc/motd")"
sed -i "${torn}d" "$D/state/journal.jsonl" # read, then deleted by hand
run "$N" history
expect_not_in torn-deleted "torn" "$err"
"$LAB" down "$D" >/dev/null

# (d) a full tmpfs as the state folder: the copy of network.yaml cannot be
# kept, nothing is changed; with room again the apply goes through
newlab tmpfs
run "$N" apply --yes
expect_rc tmpfs-first 0
cp -a "$D/state" "$T/tmpfs-state"
if mount -t tmpfs -o size=1m,mode=0700 netrec-test "$D/state" 2>/dev/null; then
	MOUNTS+=("$D/state")
	cp -a "$T/tmpfs-state/." "$D/state/"
	dd if=/dev/zero of="$D/state/filler" bs=4k 2>/dev/null
	sed -i 's/Managed by netrec\./Managed by netrec. (tmpfs)/' "$D/network.yaml"
	before=$(tree "$D/root")
	nj=$(njournal)
	run "$N" apply --yes
	expect_rc tmpfs-full 1
	expect_in tmpfs-full-says "No space left on device (nothing was changed)" "$err"
	expect_eq tmpfs-full-root "$before" "$(tree "$D/root")"
	expect_eq tmpfs-full-journal "$nj" "$(njournal)"
	expect_eq tmpfs-full-no-temp "" "$(find "$D/state" "$D/root" -name '.*.netrec-*')"
	rm "$D/state/filler"
	run "$N" apply --yes
	expect_rc tmpfs-room 0
	expect_eq tmpfs-room-motd "$M0 (tmpfs)" "$(cat "$D/root/etc/motd")"
	expect_eq tmpfs-room-journal applied "$(journal 'j[-1]["outcome"]')"
	umount "$D/state" && MOUNTS=()
else
	echo "test-faults: mount -t tmpfs is not permitted here; the full tmpfs is skipped"
fi
"$LAB" down "$D" >/dev/null

# --- 5. failed health checks, and the router cannot be reached at all ------
# The probe stops the router's sshd and writes 0xb2 into the running VM's
# disk (through QMP), then fails: the automatic rollback cannot reach the
# router, so the disk snapshot taken before the apply (0xa1) is restored.
newlab restore
run "$N" apply --repo "$G" --rev main --yes
expect_rc restore-first 0
c0=$(head_of)
cat >"$D/probe" <<X
#!$PY
import json, socket, subprocess, sys
subprocess.run(["$SSHD", "down", "$D/ssh"], stdout=subprocess.DEVNULL,
               stderr=subprocess.DEVNULL)
try:
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(5)
    s.connect("$D/vm/qmp.sock")
    f = s.makefile("rw")
    def cmd(c, a=None):
        f.write(json.dumps({"execute": c, "arguments": a} if a else {"execute": c}) + "\n")
        f.flush()
        while True:
            m = json.loads(f.readline())
            if "return" in m or "error" in m:
                return m
    json.loads(f.readline())
    cmd("qmp_capabilities")
    for line in ('qemu-io disk0 "write -P 0xb2 0 4k"', "qemu-io disk0 flush"):
        cmd("human-monitor-command", {"command-line": line})
    open("$D/probe-wrote", "w").close()
except OSError:
    pass
sys.exit(1)
X
chmod +x "$D/probe"
stop_vm
write_marker 0xa1
edit 's = s.replace("  probes:\n", "  probes:\n    - command: ['"$D"'/probe]\n").replace("timeout: 10s", "timeout: 3s").replace("memory: 256M", "memory: 384M").replace("name=lab-router", "name=lab-lost").replace("Managed by netrec.", "Managed by netrec. (lost)")'
push "a probe that takes the router away"
expect_rc lost-push 0
c1=$(wc_head)
snap=$(journal '[e for e in j if e["event"] == "begin" and e["commit"] == "'"$c1"'"][0]["snapshot"]')
expect_in lost-snapshot-offline "remote: Snapshot $snap taken offline" "$out"
expect_in lost-checks "remote: netrec: health checks failed: command $D/probe: " "$out"
expect_in lost-rollback-fails "remote: netrec: cannot connect to netrec@127.0.0.1:" "$out"
expect_in lost-restoring "remote: netrec: the rollback failed too; restoring the disk snapshot $snap" "$out"
expect_in lost-restored "remote: netrec: the disk snapshot $snap is restored" "$out"
if [ -e "$D/probe-wrote" ]; then pass; else fail "lost: the probe did not write into the disk"; fi
if marker_is 0xa1; then pass; else fail "lost: the disk is not the pre-apply snapshot"; fi
if alive "$(vmpid)"; then pass; else fail "lost: the VM was not started again"; fi
expect_eq lost-history "[[\"restore\",\"auto\",\"restored\"],[\"rollback\",\"auto\",\"failed\"],[\"apply\",\"hook\",\"rolled-back\"]]" \
	"$(history '[[a["action"], a["trigger"], a["outcome"]] for a in j[:3]]')"
expect_eq lost-history-snapshot "$snap" "$(history 'j[0]["snapshot"]')"
expect_in lost-history-why "cannot connect to netrec@127.0.0.1:" "$(history 'j[1]["error"]')"
run "$N" status --repo "$G" --rev main --target host,vm
expect_in lost-status "applied commit  $c0" "$out"
expect_in lost-status "source commit   $c1 (not applied yet)" "$out"
# the way back: the router is back, a fix is pushed and applied
router_up
edit 's = s.replace("    - command: ['"$D"'/probe]\n", "")'
push "the fix: no such probe"
expect_rc lost-fix 0
c2=$(wc_head)
expect_eq lost-fix-history "[\"$c2\",\"applied\"]" "$(history '[j[0]["commit"], j[0]["outcome"]]')"
expect_eq lost-fix-identity lab-lost "$(identity)"
expect_eq lost-fix-vm 384M "$(vm_mem)"
run "$N" plan --repo "$G" --rev main --detailed-exitcode
expect_rc lost-fix-converged 0
"$LAB" down "$D" >/dev/null

finish
