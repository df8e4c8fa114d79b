#!/usr/bin/env bash
# test-gitops: push to apply (issue 6, sections 1 to 4) with real git,
# hooks, QEMU, sshd and the RouterOS simulator, in labs under $T:
#   1. hook install: executable hooks, idempotent, a foreign hook kept
#      unless --force, and then backed up
#   2. pushes: a valid one applied by post-receive (history, status); an
#      invalid one rejected with the located error; a refused plan (PCI
#      ID mismatch) rejected; deleting the branch refused; a forced push
#      accepted and said so; a commit that changes nothing still becomes
#      the applied one; a push while another apply holds the lock waits,
#      up to gitops.lock_timeout
#   3. health checks: a push whose probe fails is rolled back on its own
#      (host, VM and router as before), and the hook does not apply that
#      commit again
#   4. netrec rollback: the previous version, --steps, --to REV, --disk
#      (a marker written into the VM disk comes back); a rolled-back
#      commit is skipped by the hook until a new commit arrives
# Every lab is brought down on exit (lab down: QEMU and sshd).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/gitops-lib.sh"

MOTD0="This host routes the lab network. Managed by netrec."

# --- 1. hook install -------------------------------------------------------
newlab hooks
B=$T/bare.git
git init -q --bare -b main "$B"
run "$N" hook install --repo "$B" --exec "$N"
expect_rc install 0
expect_in install-says "installed $B/hooks/pre-receive" "$out$err"
expect_in install-says "installed $B/hooks/post-receive" "$out$err"
for h in pre-receive post-receive; do
	if [ -x "$B/hooks/$h" ] && [ -f "$B/hooks/$h" ]; then pass; else
		fail "install: $B/hooks/$h is not an executable file"
	fi
	expect_eq "install: $h mode" 755 "$(stat -c %a "$B/hooks/$h")"
	expect_in "install: $h runs netrec" "exec '$N' -f 'network.yaml' hook $h --branch 'main'" \
		"$(cat "$B/hooks/$h")"
	expect_in "install: $h marker" "# netrec hook: written by 'netrec hook install'" \
		"$(cat "$B/hooks/$h")"
	cp "$B/hooks/$h" "$T/$h.first"
done
# idempotent: a second install rewrites the same text, and keeps no backup
run "$N" hook install --repo "$B" --exec "$N"
expect_rc install-again 0
for h in pre-receive post-receive; do
	if cmp -s "$T/$h.first" "$B/hooks/$h"; then pass; else
		fail "install-again: $h changed"
	fi
done
expect_eq install-again-no-backup "" "$(ls "$B/hooks" | grep netrec-backup)"
# without --exec: this netrec, with the absolute state folder and root
run "$NETREC_BIN" --state "$T/st" --root "$D/root" hook install --repo "$B" --branch live
expect_rc install-default 0
expect_in install-default "exec '$NETREC_BIN' --state '$T/st' --root '$D/root' -f 'network.yaml' hook post-receive --branch 'live'" \
	"$(cat "$B/hooks/post-receive")"
run "$N" hook install --repo "$B" --exec "$N"
expect_rc install-back 0
# a repository with a working tree is refused
run "$N" hook install --repo "$W" --exec "$N"
expect_rc install-not-bare 1
expect_in install-not-bare "'$W' is not a bare git repository" "$err"
# a hook netrec did not write is left alone without --force
printf '#!/bin/sh\necho "the old hook"\n' >"$B/hooks/pre-receive"
chmod 0700 "$B/hooks/pre-receive"
cp "$B/hooks/pre-receive" "$T/foreign"
run "$N" hook install --repo "$B" --exec "$N"
expect_rc install-foreign 1
expect_in install-foreign "'$B/hooks/pre-receive' exists and was not written by netrec; use --force to replace it" "$err"
if cmp -s "$T/foreign" "$B/hooks/pre-receive"; then pass; else
	fail "install-foreign: the foreign hook was changed"
fi
expect_eq install-foreign-no-backup "" "$(ls "$B/hooks" | grep netrec-backup)"
# with --force it is replaced and kept as .netrec-backup
run "$N" hook install --repo "$B" --exec "$N" --force
expect_rc install-force 0
expect_in install-force-says "the old hook is in $B/hooks/pre-receive.netrec-backup" "$out$err"
if cmp -s "$T/foreign" "$B/hooks/pre-receive.netrec-backup"; then pass; else
	fail "install-force: the backup differs from the old hook"
fi
if cmp -s "$T/pre-receive.first" "$B/hooks/pre-receive"; then pass; else
	fail "install-force: the new hook is not netrec's"
fi
expect_eq install-force-exec 755 "$(stat -c %a "$B/hooks/pre-receive")"
# the post-receive hook too
printf '#!/bin/sh\nexit 0\n' >"$B/hooks/post-receive"
run "$N" hook install --repo "$B" --exec "$N"
expect_rc install-foreign-post 1
run "$N" hook install --repo "$B" --exec "$N" --force
expect_rc install-force-post 0
expect_eq install-force-post-backup "$(printf '#!/bin/sh\nexit 0')" \
	"$(cat "$B/hooks/post-receive.netrec-backup")"
# the lab's repository has them, written by the lab through its wrapper
expect_in lab-hooks "exec '$D/netrec' -f 'network.yaml' hook post-receive --branch 'main'" \
	"$(cat "$G/hooks/post-receive")"
"$LAB" down "$D" >/dev/null

# --- 2. pushes -------------------------------------------------------------
newlab push
run "$N" apply --repo "$G" --rev main --yes
expect_rc push-first-apply 0
c0=$(head_of)
expect_eq push-first-commit "$c0" "$(history 'j[0]["commit"]')"
pid0=$(vmpid)
expect_eq push-first-vm 256M "$(vm_mem)"
expect_eq push-first-identity lab-router "$(identity)"

# a valid push: the host, the VM and the router change
edit 's = s.replace("memory: 256M", "memory: 320M").replace("name=lab-router", "name=lab-pushed").replace("Managed by netrec.", "Managed by netrec (pushed).")'
push "router VM: 320M, identity, motd"
expect_rc push-valid 0
c1=$(wc_head)
expect_eq push-valid-branch "$c1" "$(head_of)"
expect_in push-valid-pre "remote: netrec: $c1:network.yaml is valid; the plan when it is applied:" "$out"
expect_in push-valid-post "remote: netrec: applying ${c1:0:12} (waiting up to 600s for any running apply first)" "$out"
expect_in push-valid-snapshot "remote: Snapshot netrec-${c1:0:12}-" "$out"
expect_in push-valid-complete "remote: Apply complete: 3 changes in" "$out"
expect_in push-valid-moved "${c0:0:7}..${c1:0:7}  main -> main" "$out"
expect_not_in push-valid-not-forced "forced push" "$out"
expect_eq push-valid-history "[\"apply\",\"hook\",\"$c1\",\"applied\",true]" \
	"$(history '[j[0]["action"], j[0]["trigger"], j[0]["commit"], j[0]["outcome"], j[0]["snapshot"].startswith("netrec-'"${c1:0:12}"'-")]')"
expect_eq push-valid-changes '["host.file[/etc/motd]","vm[routeros]","router[127.0.0.1]"]' \
	"$(history 'j[0]["changes"]')"
expect_eq push-valid-previous "$c0" "$(journal '[e for e in j if e["event"] == "begin"][-1]["previous_commit"]')"
snap1=$(history 'j[0]["snapshot"]')
expect_in push-valid-snapshot-on-disk "$snap1" "$(qemu-img snapshot -U -l "$DISK")"
run "$N" history
expect_in push-valid-history-text "apply    hook    ${c1:0:12} applied" "$out"
run "$N" status --repo "$G" --rev main
expect_rc push-valid-status 0
expect_in push-valid-status "applied commit  $c1" "$out"
expect_in push-valid-status "source commit   $c1 (applied)" "$out"
run "$N" status --repo "$G" --rev main --json
expect_eq push-valid-status-json "[\"$c1\",\"$c1\",\"applied\"]" \
	"$(jget "$out" '[j["applied_commit"], j["source_commit"], j["last"]["outcome"]]')"
expect_eq push-valid-vm 320M "$(vm_mem)"
expect_ne push-valid-vm-restarted "$pid0" "$(vmpid)"
expect_eq push-valid-router lab-pushed "$(identity)"
expect_eq push-valid-motd "This host routes the lab network. Managed by netrec (pushed)." \
	"$(cat "$D/root/etc/motd")"
run "$N" plan --repo "$G" --rev main --detailed-exitcode
expect_rc push-valid-converged 0

# an invalid push: rejected by pre-receive with the located error
before=$(tree "$D/root")
nj=$(njournal)
vmp=$(vmpid)
edit 's = s.replace("cpus: 1", "cpus: 0").replace("Managed by netrec (pushed).", "Never applied.")'
push "broken: no CPUs"
expect_rc push-invalid 1
bad=$(wc_head)
line=$(grep -n '^  cpus: 0' "$Y" | cut -d: -f1)
expect_in push-invalid-located "remote: $bad:network.yaml:$line:9: vm.cpus: 0 is out of range (1 to 64)" "$out"
expect_in push-invalid-caret "remote:           ^" "$out"
expect_in push-invalid-says "remote: netrec: push rejected: $bad:network.yaml is not valid" "$out"
expect_in push-invalid-git "[remote rejected] main -> main (pre-receive hook declined)" "$out"
expect_not_in push-invalid-no-apply "applying" "$out"
expect_eq push-invalid-branch "$c1" "$(head_of)"
expect_eq push-invalid-root "$before" "$(tree "$D/root")"
expect_eq push-invalid-journal "$nj" "$(njournal)"
expect_eq push-invalid-vm "$vmp" "$(vmpid)"
git -C "$W" reset -q --hard origin/main

# a push whose plan is refused (the PCI guard: the slot holds 8086:1521,
# not the declared 8086:1533): rejected, nothing applied
edit 's = s.replace("slot: \"0000:01:00.1\", id: \"8086:1521\"", "slot: \"0000:01:00.1\", id: \"8086:1533\"").replace("Managed by netrec (pushed).", "Never applied.")'
push "a port that is not there"
expect_rc push-refused 1
expect_in push-refused-why "remote:   refused: pci[0000:01:00.1]: the slot holds 8086:1521" "$out"
expect_in push-refused-says "remote: netrec: push rejected: the plan is refused" "$out"
expect_in push-refused-git "[remote rejected] main -> main (pre-receive hook declined)" "$out"
expect_eq push-refused-branch "$c1" "$(head_of)"
expect_eq push-refused-root "$before" "$(tree "$D/root")"
expect_eq push-refused-journal "$nj" "$(njournal)"
git -C "$W" reset -q --hard origin/main

# deleting the tracked branch is refused; another branch is free
out=$(git -C "$W" push origin :main 2>&1)
rc=$?
expect_rc push-delete 1
expect_in push-delete-says "remote: netrec: refusing to delete branch 'main': netrec applies it to the live network (remove the hooks first)" "$out"
expect_in push-delete-git "[remote rejected] main (pre-receive hook declined)" "$out"
expect_eq push-delete-branch "$c1" "$(head_of)"
out=$(git -C "$W" push origin HEAD:refs/heads/draft 2>&1 && git -C "$W" push origin :draft 2>&1)
rc=$?
expect_rc push-draft-branch 0
expect_not_in push-draft-ignored "applying" "$out"
expect_eq push-delete-journal "$nj" "$(njournal)"

# a commit that changes nothing live (a README): applied with no change,
# it becomes the applied commit
echo "The lab network." >"$W/README"
push "a README"
expect_rc push-readme 0
c2=$(wc_head)
expect_in push-readme-plan "remote: Plan: 0 to create, 0 to update, 0 to delete, 0 to restart, 0 to run, 0 reboot." "$out"
expect_eq push-readme-history "[\"hook\",\"$c2\",\"applied\",[],null]" \
	"$(history '[j[0]["trigger"], j[0]["commit"], j[0]["outcome"], j[0]["changes"], j[0]["snapshot"]]')"
expect_eq push-readme-root "$before" "$(tree "$D/root")"
run "$N" status --repo "$G" --rev main
expect_in push-readme-status "applied commit  $c2" "$out"
expect_in push-readme-status "source commit   $c2 (applied)" "$out"
# applying that same commit again records nothing more
nj=$(njournal)
run "$N" apply --repo "$G" --rev main --yes
expect_rc push-readme-again 0
expect_eq push-readme-again-journal "$nj" "$(njournal)"

# a forced (non-fast-forward) push: accepted, said so, and followed
echo "draft" >>"$W/README"
push "to be replaced"
x=$(wc_head)
git -C "$W" reset -q --hard HEAD~1
echo "replaced" >>"$W/README"
push "the replacement" -f
expect_rc push-forced 0
c3=$(wc_head)
expect_in push-forced-says "remote: netrec: forced push: 'main' no longer contains the commit it had; the network will follow the new history" "$out"
expect_in push-forced-git "+ ${x:0:7}...${c3:0:7} main -> main (forced update)" "$out"
expect_eq push-forced-branch "$c3" "$(head_of)"
expect_eq push-forced-applied "$c3" "$(jget "$("$N" status --repo "$G" --rev main --json)" 'j["applied_commit"]')"

# a push while another apply holds the lock: post-receive waits for it
flock "$D/state/lock" sleep 6 &
BG+=($!)
holder=$!
sleep 0.5
run "$N" apply --repo "$G" --rev main --yes --lock-timeout 1
expect_rc lock-cli-fails 1
expect_in lock-cli-says "netrec: state '$D/state' is locked by" "$err"
edit 's = s.replace("Managed by netrec (pushed).", "Managed by netrec (after the lock).")'
t0=$(date +%s%N)
push "motd, while the lock is held"
t1=$(date +%s%N)
expect_rc lock-push 0
c4=$(wc_head)
expect_eq lock-push-waited yes "$([ $(((t1 - t0) / 1000000)) -ge 3000 ] && echo yes || echo no)"
expect_in lock-push-waits "remote: netrec: applying ${c4:0:12} (waiting up to 600s for any running apply first)" "$out"
expect_in lock-push-applied "remote: Apply complete: 1 change in" "$out"
expect_eq lock-push-history "[\"$c4\",\"applied\"]" "$(history '[j[0]["commit"], j[0]["outcome"]]')"
expect_eq lock-push-motd "This host routes the lab network. Managed by netrec (after the lock)." \
	"$(cat "$D/root/etc/motd")"
wait "$holder"
# gitops.lock_timeout: the hook waits that long (not 600 s), then gives
# up and applies nothing; the lock's note names the netrec of the last
# push, which has ended, so it is not named as the holder
edit 's += "\ngitops:\n  lock_timeout: 2s\n"'
flock "$D/state/lock" sleep 10 &
BG+=($!)
holder=$!
sleep 0.5
nj=$(njournal)
t0=$(date +%s%N)
push "gitops.lock_timeout: 2s, while the lock is held"
t1=$(date +%s%N)
expect_rc lock-short-push 0
expect_in lock-short-says-wait "(waiting up to 2s for any running apply first)" "$out"
expect_eq lock-short-waited yes "$([ $(((t1 - t0) / 1000000)) -ge 2000 ] && echo yes || echo no)"
expect_in lock-short-gives-up "remote: netrec: state '$D/state' is locked by another process; the pid recorded (" "$out"
expect_in lock-short-stale "is no longer running" "$out"
expect_not_in lock-short-not-applied "Apply complete" "$out"
expect_eq lock-short-journal "$nj" "$(njournal)"
if alive "$holder"; then pass; else
	fail "lock-short: the lock was free before the hook gave up"
fi
wait "$holder"

# --- 3. a failing health probe: rolled back automatically ---------------
pidb=$(vmpid)
motdb=$(cat "$D/root/etc/motd")
rootb=$(tree "$D/root")
edit 's = s.replace("  probes:\n", "  probes:\n    - tcp: 127.0.0.1:9        # nothing listens here\n").replace("timeout: 10s", "timeout: 3s").replace("memory: 320M", "memory: 384M").replace("name=lab-pushed", "name=lab-unhealthy").replace("(after the lock)", "(unhealthy)")'
push "a probe that cannot pass"
expect_rc probe-push-accepted 0
c5=$(wc_head)
expect_in probe-failed "remote: netrec: health checks failed: tcp 127.0.0.1:9: Connection refused" "$out"
expect_in probe-rolling-back "remote: netrec: rolling back to $c4:network.yaml (as applied in attempt" "$out"
expect_in probe-rollback-complete "remote: Apply complete: 3 changes in" "$out"
expect_eq probe-history "[[\"rollback\",\"auto\",\"$c4\",\"applied\"],[\"apply\",\"hook\",\"$c5\",\"rolled-back\"]]" \
	"$(history '[[a["action"], a["trigger"], a["commit"], a["outcome"]] for a in j[:2]]')"
expect_eq probe-history-error "health checks failed: tcp 127.0.0.1:9: Connection refused" \
	"$(history 'j[1]["error"]')"
expect_eq probe-journal-away "$c5" "$(journal '[e for e in j if e["event"] == "begin"][-1]["rolled_back_commit"]')"
expect_eq probe-vm-back 320M "$(vm_mem)"
expect_ne probe-vm-restarted "$pidb" "$(vmpid)"
expect_eq probe-router-back lab-pushed "$(identity)"
expect_eq probe-motd-back "$motdb" "$(cat "$D/root/etc/motd")"
run "$N" status --repo "$G" --rev main
expect_in probe-status-applied "applied commit  $c4" "$out"
expect_in probe-status-source "source commit   $c5 (not applied yet)" "$out"
expect_in probe-status-last "rollback applied" "$out"
run "$N" plan --repo "$G" --rev "$c4" --detailed-exitcode
expect_rc probe-state-is-previous 0
# the hook does not apply that commit again
nj=$(njournal)
post_receive "$c4" "$c5"
expect_rc probe-again 0
expect_in probe-again-skipped "netrec: commit ${c5:0:12} was rolled back; it is not applied again until a new commit arrives" "$out"
expect_eq probe-again-journal "$nj" "$(njournal)"
expect_eq probe-again-vm 320M "$(vm_mem)"
# the commit rolled back to is live: seen again, it applies nothing
post_receive "$c5" "$c4"
expect_rc probe-to-again 0
expect_not_in probe-to-not-skipped "was rolled back" "$out"
expect_in probe-to-nothing "Plan: 0 to create, 0 to update, 0 to delete, 0 to restart, 0 to run, 0 reboot." "$out"
expect_eq probe-to-journal "$nj" "$(njournal)"
# nor after a forced push back and forth
git -C "$W" reset -q --hard "$c4"
echo "elsewhere" >>"$W/README"
push "elsewhere" -f
expect_rc probe-away 0
git -C "$W" reset -q --hard "$c5"
out=$(git -C "$W" push -f origin main 2>&1)
expect_in probe-back-skipped "remote: netrec: commit ${c5:0:12} was rolled back; it is not applied again" "$out"
expect_eq probe-back-vm 320M "$(vm_mem)"
# a new commit (the fix) is applied
edit 's = s.replace("    - tcp: 127.0.0.1:9        # nothing listens here\n", "")'
push "the fix: no probe on port 9"
expect_rc probe-fix 0
c6=$(wc_head)
expect_eq probe-fix-history "[\"$c6\",\"applied\"]" "$(history '[j[0]["commit"], j[0]["outcome"]]')"
expect_eq probe-fix-vm 384M "$(vm_mem)"
expect_eq probe-fix-router lab-unhealthy "$(identity)"
"$LAB" down "$D" >/dev/null

# --- 4. netrec rollback ------------------------------------------------------
# four versions of the motd, r0 (v0) to r3 (v3), then rollbacks among them
newlab rollback
run "$N" apply --repo "$G" --rev main --yes
expect_rc rb-first 0
r0=$(head_of)
for i in 1 2 3; do
	edit "s = re.sub(r'Managed by netrec\\.[^\\\\\"]*', 'Managed by netrec. v$i', s)"
	push "motd v$i"
	expect_rc "rb-push-$i" 0
	eval "r$i=\$(wc_head)"
done
motd() { sed 's/.*Managed by netrec\. *//' "$D/root/etc/motd"; }
expect_eq rb-v3 v3 "$(motd)"
# --steps 2: two versions back, v1
run "$N" rollback --steps 2 --yes </dev/null
expect_rc rb-steps 0
expect_eq rb-steps-motd v1 "$(motd)"
expect_eq rb-steps-journal "[\"rollback\",\"cli\",\"$r1\",\"$r3\",\"applied\"]" \
	"$(journal '[b["action"], b["trigger"], b["commit"], b["rolled_back_commit"], j[-1]["outcome"]]')"
run "$N" history
expect_in rb-history "rollback cli     ${r1:0:12} applied" "$out"
run "$N" status --repo "$G" --rev main
expect_in rb-status "applied commit  $r1" "$out"
expect_in rb-status "source commit   $r3 (not applied yet)" "$out"
# the hook does not apply the rolled-back commit again
nj=$(njournal)
post_receive "$r2" "$r3"
expect_rc rb-hook 0
expect_in rb-hook-skips "netrec: commit ${r3:0:12} was rolled back; it is not applied again until a new commit arrives" "$out"
expect_eq rb-hook-journal "$nj" "$(njournal)"
expect_eq rb-hook-motd v1 "$(motd)"
# rollback: the version applied before the live one (v3, before v1)
run "$N" rollback --yes
expect_rc rb-previous 0
expect_eq rb-previous-motd v3 "$(motd)"
expect_eq rb-previous-journal "[\"$r3\",\"$r1\"]" "$(journal '[b["commit"], b["rolled_back_commit"]]')"
# --to REV, from the repository
run "$N" --repo "$G" rollback --to main~1 --yes
expect_rc rb-to 0
expect_eq rb-to-motd v2 "$(motd)"
expect_eq rb-to-journal "[\"rollback\",\"cli\",\"$r2\",\"$r3\",\"main~1:network.yaml\"]" \
	"$(journal '[b["action"], b["trigger"], b["commit"], b["rolled_back_commit"], b["source"]]')"
nj=$(njournal)
post_receive "$r2" "$r3"
expect_in rb-to-hook-skips "netrec: commit ${r3:0:12} was rolled back" "$out"
expect_eq rb-to-hook-journal "$nj" "$(njournal)"
# refusals, each with nothing applied
run "$N" rollback --steps 99 --yes
expect_rc rb-steps-too-many 1
expect_in rb-steps-too-many "no applied version 99 steps before the live one" "$err"
run "$N" --repo "$G" rollback --steps 2 --to main --yes
expect_rc rb-steps-and-to 64
run "$N" rollback --to main~1 --yes
expect_rc rb-to-needs-repo 64
expect_in rb-to-needs-repo "--to needs --repo" "$err"
run "$N" --repo "$G" rollback --to nosuchrev --yes
expect_rc rb-to-bad-rev 1
expect_in rb-to-bad-rev "nosuchrev" "$err"
run "$N" rollback </dev/null
expect_rc rb-no-yes 1
expect_in rb-no-yes "needs --yes" "$err"
expect_eq rb-refusals-journal "$nj" "$(njournal)"
expect_eq rb-refusals-motd v2 "$(motd)"
# a new commit is applied by the hook
edit "s = s.replace('Managed by netrec. v3', 'Managed by netrec. v4')"
push "motd v4"
r4=$(wc_head)
expect_eq rb-new-commit "[\"$r4\",\"applied\",\"hook\"]" "$(history '[j[0]["commit"], j[0]["outcome"], j[0]["trigger"]]')"
expect_eq rb-new-commit-motd v4 "$(motd)"

# --disk: the disk goes back to the snapshot taken before the last apply
stop_vm
write_marker 0xa1
edit "s = s.replace('memory: 256M', 'memory: 320M').replace('Managed by netrec. v4', 'Managed by netrec. v5')"
push "motd v5, 320M"
expect_rc disk-push 0
expect_in disk-push-offline "taken offline" "$out"
expect_eq disk-push-vm 320M "$(vm_mem)"
stop_vm
write_marker 0xb2
if marker_is 0xb2; then pass; else fail "disk: the second marker did not land"; fi
snap5=$(history 'j[0]["snapshot"]')
run "$N" rollback --disk --yes
expect_rc disk-rollback 0
expect_in disk-rollback-restores "Restoring the disk snapshot $snap5" "$err"
if marker_is 0xa1; then pass; else fail "rollback --disk: the marker of before the apply is not back"; fi
expect_eq disk-rollback-motd v4 "$(motd)"
expect_eq disk-rollback-vm 256M "$(vm_mem)"
expect_eq disk-rollback-journal "[\"rollback\",\"$snap5\",\"applied\"]" \
	"$(journal '[b["action"], b["restored_snapshot"], j[-1]["outcome"]]')"
run "$N" plan --repo "$G" --rev "$r4" --detailed-exitcode
expect_rc disk-rollback-converged 0
# the rolled-back commit waits for a new one
post_receive "$r4" "$(head_of)"
expect_in disk-hook-skips "was rolled back; it is not applied again until a new commit arrives" "$out"
expect_eq disk-hook-vm 256M "$(vm_mem)"
"$LAB" down "$D" >/dev/null

finish
