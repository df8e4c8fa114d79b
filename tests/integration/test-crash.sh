#!/usr/bin/env bash
# test-crash: crash safety (issue 6, section 5). A test build of netrec
# (-DNETREC_TEST_HOOKS=ON) dies by SIGKILL at the kill point named in
# NETREC_CRASH_AT ("POINT" the first time it is reached, "POINT@N" the
# Nth time). For each point, in a fresh lab, an apply that changes host
# files, the VM and the router is killed there; then:
#   - no temporary file is left under root/, the VM folder or the state
#     folder (except the one a kill between write and rename must leave:
#     the next run removes it, a backup's too);
#   - every managed file holds either its old or its new content;
#   - the journal is whole JSON and says what happened: nothing for a
#     kill before the begin line, an "interrupted" attempt after it;
#   - the lock is free; status, plan and history work;
#   - rollback works, and a following apply converges (plan empty).
# Skipped (with a message) when netrec was built without the test hooks.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/gitops-lib.sh"

if [[ "$("$NETREC_BIN" --version 2>&1)" != *"(test hooks)"* ]]; then
	echo "SKIP: $NETREC_BIN was built without the test hooks (cmake -DNETREC_TEST_HOOKS=ON); the kill points are not there"
	finish
fi

M0="This host routes the lab network. Managed by netrec."
M1="$M0 (v1)"
M2="$M0 (v2)"
NEW=etc/netrec-crash.conf

# versions DIR: v1.yaml (another motd) and v2.yaml (another motd, a new
# file, more memory for the VM, another router identity) beside the
# lab's network.yaml (v0)
versions() {
	$PY - "$1" <<'X'
import sys
d = sys.argv[1]
v0 = open(d + "/network.yaml").read()
v1 = v0.replace("Managed by netrec.", "Managed by netrec. (v1)")
v2 = v0.replace("Managed by netrec.", "Managed by netrec. (v2)")
v2 = v2.replace('      mode: "0644"\n', '      mode: "0644"\n'
                '    - path: /etc/netrec-crash.conf\n'
                '      content: "written whole or not at all\\n"\n'
                '      mode: "0644"\n', 1)
v2 = v2.replace("memory: 256M", "memory: 320M")
v2 = v2.replace("name=lab-router", "name=lab-crash")
open(d + "/v1.yaml", "w").write(v1)
open(d + "/v2.yaml", "w").write(v2)
X
}

# temps: the temporary files under root/, the VM folder and the state
# folder's sources/ and backup/
temps() { find "$D/root" "$D/vm" "$D/state/sources" "$D/state/backup" -name '.*.netrec-*' 2>&1; }

# crash POINT WHERE: WHERE is what the kill must leave: "none" (killed
# before the begin line), or the changes made (a number of them, 0 to 4:
# motd, the new file, the VM, the router); TMP is the temporary file the
# kill must leave (a find pattern) or ""
crash() {
	local point=$1 made=$2 tmp=$3 name=crash-${1//@/-} nj seq left
	newlab "$name"
	versions "$D"
	run "$N" apply --yes
	expect_rc "$name: apply v0" 0
	run "$N" -f v1.yaml apply --yes
	expect_rc "$name: apply v1" 0
	expect_eq "$name: v1 motd" "$M1" "$(cat "$D/root/etc/motd")"
	nj=$(njournal)
	seq=$(journal 'j[-1]["seq"]')

	run env NETREC_CRASH_AT="$point" "$N" -f v2.yaml apply --yes
	expect_rc "$name: killed" 137
	# temporary files
	left=$(temps)
	if [ -z "$tmp" ]; then
		expect_eq "$name: no temporary file" "" "$left"
	else
		expect_eq "$name: the one temporary file of the kill" yes \
			"$([ "$(wc -l <<<"$left")" -eq 1 ] && [[ "$left" == $tmp ]] && echo yes || echo "no: $left")"
	fi
	# each file old or new, as far as the apply got
	if [ "$made" = none ] || [ "$made" -lt 1 ]; then
		expect_eq "$name: motd old" "$M1" "$(cat "$D/root/etc/motd")"
	else
		expect_eq "$name: motd new" "$M2" "$(cat "$D/root/etc/motd")"
	fi
	if [ "$made" = none ] || [ "$made" -lt 2 ]; then
		expect_eq "$name: new file absent" no "$([ -e "$D/root/$NEW" ] && echo yes || echo no)"
	else
		expect_eq "$name: new file whole" "written whole or not at all" "$(cat "$D/root/$NEW")"
	fi
	if [ "$made" = none ] || [ "$made" -lt 3 ]; then
		expect_eq "$name: VM as it was" 256M "$(vm_mem)"
	else
		expect_eq "$name: VM restarted" 320M "$(vm_mem)"
	fi
	if [ "$made" = none ] || [ "$made" -lt 4 ]; then
		expect_eq "$name: router as it was" lab-router "$(identity)"
	else
		expect_eq "$name: router changed" lab-crash "$(identity)"
	fi
	# the journal: whole lines, and what happened
	if [ "$made" = none ]; then
		expect_eq "$name: journal untouched" "$nj" "$(njournal)"
	else
		expect_eq "$name: journal" "[$((nj + 1)),$((seq + 1)),\"begin\",\"apply\",\"v2.yaml\"]" \
			"$(journal '[len(j), j[-1]["seq"], j[-1]["event"], j[-1]["action"], j[-1]["source"]]')"
		run "$N" history --json
		expect_eq "$name: history" "[$((seq + 1)),\"interrupted\",null]" \
			"$(jget "$out" '[j[0]["seq"], j[0]["outcome"], j[0]["duration_ms"]]')"
		expect_not_in "$name: history warns of nothing" "torn" "$err"
		run "$N" history
		expect_in "$name: history text" "interrupted" "$(sed -n 2p <<<"$out")"
	fi
	expect_eq "$name: journal ends in a newline" "" \
		"$(tail -c 1 "$D/state/journal.jsonl" | tr -d '\n')"
	# the lock is free
	if flock -n "$D/state/lock" true; then pass; else
		fail "$name: the lock is still held"
	fi
	# status and plan work
	run "$N" -f v2.yaml status --json
	expect_rc "$name: status" 0
	expect_eq "$name: status last" \
		"$([ "$made" = none ] && echo applied || echo interrupted) null" \
		"$(jget "$out" 'j["last"]["outcome"] + " " + json.dumps(j["journal_bad_line"])')"
	run "$N" -f v2.yaml plan --detailed-exitcode
	if [ "$made" = 4 ]; then
		expect_rc "$name: plan (all made)" 0
	else
		expect_rc "$name: plan (changes left)" 2
	fi
	# rollback: the version before the live one (v1) is v0
	run "$N" rollback --yes
	expect_rc "$name: rollback" 0
	expect_not_in "$name: rollback not locked" "locked" "$err"
	expect_eq "$name: rollback motd" "$M0" "$(cat "$D/root/etc/motd")"
	expect_eq "$name: rollback VM" 256M "$(vm_mem)"
	expect_eq "$name: rollback router" lab-router "$(identity)"
	expect_eq "$name: rollback journal" '["rollback","applied"]' \
		"$(journal '[j[-1]["action"], j[-1]["outcome"]]')"
	run "$N" plan --detailed-exitcode
	expect_rc "$name: rollback converged" 0
	# the next run removed what the kill left
	expect_eq "$name: no temporary file after the rollback" "" "$(temps)"
	# and v2 again, without the kill: it converges
	run "$N" -f v2.yaml apply --yes
	expect_rc "$name: apply again" 0
	expect_not_in "$name: apply not locked" "locked" "$err"
	expect_eq "$name: converged motd" "$M2" "$(cat "$D/root/etc/motd")"
	expect_eq "$name: converged new file" "written whole or not at all" "$(cat "$D/root/$NEW")"
	expect_eq "$name: converged VM" 320M "$(vm_mem)"
	expect_eq "$name: converged router" lab-crash "$(identity)"
	run "$N" -f v2.yaml plan --detailed-exitcode
	expect_rc "$name: plan empty" 0
	expect_eq "$name: no temporary file at the end" "" "$(temps)"
	run "$N" history --json
	expect_eq "$name: final history" \
		"$([ "$made" = none ] && echo '["applied","applied","applied","applied"]' || echo '["applied","applied","interrupted","applied","applied"]')" \
		"$(jget "$out" '[a["outcome"] for a in reversed(j)]')"
	"$LAB" down "$D" >/dev/null
	if alive "$(vmpid)"; then fail "$name: lab down left QEMU running"; else pass; fi
}

crash after-lock none ""
crash after-snapshot none ""
crash after-begin 0 ""
crash after-change 1 ""
crash after-change@3 3 ""
crash after-changes 4 ""
crash before-end 4 ""
# the first, second and third file replaced: the source copy (in
# state/sources, under the new version's digest, which the rollback does
# not write), the motd's backup (in state/backup/<seq>, which no later
# attempt writes), the motd; the next run removes each
crash file-before-rename@1 none "$T/crash-file-before-rename-1/state/sources/.*.netrec-??????"
crash file-before-rename@2 0 "$T/crash-file-before-rename-2/state/backup/*/etc/.motd.netrec-??????"
crash file-before-rename@3 0 "$T/crash-file-before-rename-3/root/etc/.motd.netrec-??????"

finish
