#!/usr/bin/env bash
# test-host: the host layer against the lab (issue 3): plan and its JSON,
# apply and idempotence, the reboot debt, drift, the PCI guard, a failing
# post-action, an unwritable target, a full disk, the lock, plan files and
# the journal. Each scenario runs in its own lab under $T; useradd and
# usermod run for real (--prefix), the rest are the lab's recorded
# stand-ins, whose argv is asserted through DIR/calls.log. plan and apply
# run with --target host: the other layers have their own tests.
. "$(dirname "$0")/lib.sh"
MKSYSFS=$NETREC_SRC/tests/lab/mksysfs

# --- helpers (newlab, expect_eq, expect_file, jget, journal, tree: lib.sh)

# expect_calls NAME: DIR/calls.log holds exactly the lines of stdin
# (empty stdin: no stand-in was called at all)
expect_calls() {
	local got=""
	[ -f "$D/calls.log" ] && got=$(cat "$D/calls.log")
	expect_eq "$1 (stand-in calls)" "$(cat)" "$got"
}

# no_temp_files NAME: no ".NAME.netrec-XXXXXX" left under root/ or state/
no_temp_files() {
	local left
	left=$(find "$D/root" "$D/state" -name '.*.netrec-*' 2>&1)
	expect_eq "$1: temporary files left" "" "$left"
}

# The lab's generated files and the user's file, exactly.
HEADER="# Managed by netrec from a local file; local edits are overwritten."
want_denylist() {
	printf '%s\n' "$HEADER" \
		"# Keep the host's drivers off the router's NIC ports; vfio-pci takes them." \
		"blacklist igb"
}
want_grub() {
	printf '%s\n' "$HEADER" \
		'GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT intel_iommu=on vfio-pci.ids=8086:1521"'
}
want_udev() {
	printf '%s\n' "$HEADER" \
		"# Let group kvm use VFIO and KVM (/dev/vfio/*, /dev/kvm)." \
		'SUBSYSTEM=="vfio", GROUP="kvm", MODE="0660"' \
		'KERNEL=="vfio", SUBSYSTEM=="misc", GROUP="kvm", MODE="0660"' \
		'KERNEL=="kvm", GROUP="kvm", MODE="0660"'
}
want_chrony() {
	printf '%s\n' "$HEADER" "pool pool.ntp.org iburst"
}
want_motd() {
	printf '%s\n' "This host routes the lab network. Managed by netrec."
}
DENYLIST=etc/modprobe.d/netrec-vfio.conf
GRUB=etc/default/grub.d/netrec.cfg
UDEV=etc/udev/rules.d/99-qemu-vfio.rules
CHRONY=etc/chrony/sources.d/netrec.sources
MOTD=etc/motd

# column NAME TEXT: the values of column NAME (by its header) of a table
column() {
	awk -v name="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i; next }
		c { print $c }' <<<"$2" | xargs
}

# expect_converged NAME: every managed file exact, 0644, root's; the user
expect_converged() {
	local f
	want_denylist | expect_file "$1: denylist" "$D/root/$DENYLIST"
	want_grub | expect_file "$1: grub" "$D/root/$GRUB"
	want_udev | expect_file "$1: udev" "$D/root/$UDEV"
	want_chrony | expect_file "$1: chrony" "$D/root/$CHRONY"
	want_motd | expect_file "$1: motd" "$D/root/$MOTD"
	for f in $DENYLIST $GRUB $UDEV $CHRONY $MOTD; do
		expect_eq "$1: mode and owner of /$f" "644 root root" \
			"$(stat -c '%a %U %G' "$D/root/$f" 2>&1)"
	done
	# one system account (uid under 1000) without a login shell
	expect_eq "$1: qemu in passwd" "1 yes /usr/sbin/nologin" \
		"$(grep -c '^qemu:' "$D/root/etc/passwd") $(awk -F: \
			'$1 == "qemu" { print ($3 < 1000 ? "yes" : "no"), $7 }' \
			"$D/root/etc/passwd")"
	expect_eq "$1: qemu in kvm" "kvm:x:104:qemu" \
		"$(grep '^kvm:' "$D/root/etc/group")"
}

ALL_POSTS="update-initramfs -u
update-grub
udevadm control --reload-rules
udevadm trigger
chronyc reload sources"

# --- 1. plan on a fresh lab ----------------------------------------------
newlab main
N=$D/netrec
fresh=$(tree "$D/root")

run "$N" plan --target host --detailed-exitcode
expect_rc plan-fresh-detailed 2
expect_in plan-text-create "  + host.file[/etc/modprobe.d/netrec-vfio.conf]  create (host-reboot)" "$out"
expect_in plan-text-user "  + host.user[qemu]  create" "$out"
expect_in plan-text-run "  > host.run[update-grub]  run" "$out"
expect_in plan-text-reboot "  ! host.reboot  reboot (host-reboot)" "$out"
expect_in plan-text-diff "        +blacklist igb" "$out"
expect_in plan-text-summary \
	"Plan: 6 to create, 0 to update, 0 to delete, 0 to restart, 5 to run, 1 reboot." \
	"$out"
expect_in plan-text-debt "reboot-pending: host.kernel: the running kernel lacks intel_iommu=on vfio-pci.ids=8086:1521" "$out"
expect_not_in plan-text-no-colour $'\033[' "$out"

run "$N" plan --target host
expect_rc plan-fresh-plain 0
run "$N" plan --target host --json
expect_rc plan-json 0
plan_json=$out
expect_eq plan-json-version 1 "$(jget "$out" 'j["format_version"]')"
expect_eq plan-json-commit null "$(jget "$out" 'j["commit"]')"
expect_eq plan-json-addresses \
	'["host.user[qemu]","host.file[/etc/modprobe.d/netrec-vfio.conf]","host.file[/etc/default/grub.d/netrec.cfg]","host.file[/etc/udev/rules.d/99-qemu-vfio.rules]","host.file[/etc/chrony/sources.d/netrec.sources]","host.file[/etc/motd]","host.run[update-initramfs -u]","host.run[update-grub]","host.run[udevadm control --reload-rules]","host.run[udevadm trigger]","host.run[chronyc reload sources]","host.reboot"]' \
	"$(jget "$out" '[c["address"] for c in j["changes"]]')"
expect_eq plan-json-keys '["action address diff disruption reason"]' \
	"$(jget "$out" 'sorted(set(" ".join(sorted(c)) for c in j["changes"]))')"
expect_eq plan-json-actions \
	'["create","create","create","create","create","create","run","run","run","run","run","reboot"]' \
	"$(jget "$out" '[c["action"] for c in j["changes"]]')"
expect_eq plan-json-disruptions \
	'["none","host-reboot","host-reboot","none","none","none","none","none","none","none","none","host-reboot"]' \
	"$(jget "$out" '[c["disruption"] for c in j["changes"]]')"
expect_eq plan-json-reason missing \
	"$(jget "$out" 'j["changes"][1]["reason"]')"
expect_eq plan-json-reason-run \
	"after host.file[/etc/default/grub.d/netrec.cfg]" \
	"$(jget "$out" 'j["changes"][7]["reason"]')"
expect_eq plan-json-diff \
	"$(printf '%s\n' '--- /dev/null' '+++ b/etc/modprobe.d/netrec-vfio.conf' \
		'@@ -0,0 +1,3 @@'; want_denylist | sed 's/^/+/')" \
	"$(jget "$out" 'j["changes"][1]["diff"]')"
expect_eq plan-json-diff-null '[null,null]' \
	"$(jget "$out" '[j["changes"][0]["diff"], j["changes"][11]["diff"]]')"
expect_eq plan-json-summary \
	'{"create":6,"update":0,"delete":0,"restart":0,"reboot":1,"run":5}' \
	"$(jget "$out" 'j["summary"]')"
expect_eq plan-json-notes \
	'[["reboot-pending","pci[0000:01:00.0]"],["reboot-pending","pci[0000:01:00.1]"],["reboot-pending","host.kernel"]]' \
	"$(jget "$out" '[[n["kind"], n["address"]] for n in j["notes"]]')"
expect_in plan-json-note-msg "bound to igb, not vfio-pci" \
	"$(jget "$out" 'j["notes"][0]["message"]')"

# the other layers' changes are theirs: --target vm plans no host change,
# and a plan of every layer holds the host's changes as --target host does
run "$N" plan --json --target vm
expect_rc plan-target-vm 0
expect_eq plan-target-vm-changes '[]' \
	"$(jget "$out" '[c["address"] for c in j["changes"] if not c["address"].startswith("vm")]')"
expect_eq plan-target-vm-notes '[]' \
	"$(jget "$out" '[n["address"] for n in j["notes"] if n["address"].startswith(("host", "pci"))]')"
run "$N" plan --json
expect_rc plan-all 0
expect_eq plan-all-has-host "$(jget "$plan_json" 'j["changes"]')" \
	"$(jget "$out" '[c for c in j["changes"] if c["address"].startswith("host.")]')"
run "$N" plan --target nosuchlayer
expect_rc plan-target-bad 64
expect_eq plan-wrote-nothing "$fresh" "$(tree "$D/root")"
expect_calls plan-runs-nothing </dev/null

# --- 3. apply without --yes, input not a terminal ------------------------
before=$(tree "$D/root")
run "$N" apply --target host </dev/null
expect_rc apply-no-yes 1
expect_in apply-no-yes "needs --yes" "$err"
expect_eq apply-no-yes-unchanged "$before" "$(tree "$D/root")"
expect_calls apply-no-yes </dev/null
expect_eq apply-no-yes-no-journal "no" \
	"$([ -s "$D/state/journal.jsonl" ] && echo yes || echo no)"

# --- 2. apply converges ----------------------------------------------------
run "$N" apply --target host --yes
expect_rc apply 0
expect_converged apply
expect_calls apply <<<"$ALL_POSTS"
expect_eq apply-journal '[["begin","apply",1],["end","applied",1]]' \
	"$(journal '[[e["event"], e.get("outcome", e["action"]), e["seq"]] for e in j]')"
expect_eq apply-journal-done-all 11 "$(journal 'len(j[1]["done"])')"
expect_eq apply-journal-reboot-pending true \
	"$(journal 'j[1]["reboot_pending"]')"
expect_in apply-says-reboot "A reboot is pending" "$err"

run "$N" plan --target host --detailed-exitcode
expect_rc plan-after-apply 0
expect_in plan-after-apply "No changes." "$out"

: >"$D/calls.log"
before=$(tree "$D/root")
run "$N" apply --target host --yes
expect_rc apply-again 0
expect_eq apply-again-unchanged "$before" "$(tree "$D/root")"
expect_calls apply-again </dev/null
expect_eq apply-again-no-attempt 2 "$(journal 'len(j)')"

# --- 4. the reboot debt ----------------------------------------------------
run "$N" status --target host
expect_rc status-debt 0
expect_in status-debt "reboot pending  yes" "$out"
expect_in status-debt-kernel "host.kernel: the running kernel lacks intel_iommu=on vfio-pci.ids=8086:1521" "$out"
expect_in status-debt-pci "pci[0000:01:00.1]: bound to igb, not vfio-pci" "$out"
expect_in status-last "last attempt    #1 apply applied" "$out"
run "$N" status --target host --json
expect_rc status-json-debt 0
expect_eq status-json-debt true "$(jget "$out" 'j["reboot_pending"]')"
expect_eq status-json-reasons \
	'["pci[0000:01:00.0]","pci[0000:01:00.1]","host.kernel"]' \
	"$(jget "$out" '[r["address"] for r in j["reboot_reasons"]]')"
expect_eq status-json-drift "0 0 0 0" \
	"$(jget "$out" '" ".join(str(j["drift"][k]) for k in ("create", "update", "delete", "run"))')"

: >"$D/calls.log"
run "$N" apply --target host --yes --allow-reboot
expect_rc apply-allow-reboot 0
expect_calls apply-allow-reboot <<<"systemctl reboot"
expect_eq apply-allow-reboot-journal '["host.reboot"]' \
	"$(journal 'j[-1]["done"]')"

# the reboot: the new command line and vfio-pci bound to both ports
echo "BOOT_IMAGE=/boot/vmlinuz-6.1.0-18-amd64 root=UUID=0f6b3c1e ro quiet" \
	"intel_iommu=on vfio-pci.ids=8086:1521" >"$D/root/proc/cmdline"
cat >"$T/vfio.spec" <<'EOF'
0000:00:00.0  8086:0d57  0600  -         -
0000:01:00.0  8086:1521  0200  vfio-pci  12  subsys=8086:0002
0000:01:00.1  8086:1521  0200  vfio-pci  13  subsys=8086:0002
0000:06:00.0  10ec:8168  0200  r8169     15  rev=15
driver igb
EOF
run "$MKSYSFS" "$D/sysfs" --spec "$T/vfio.spec"
expect_rc mksysfs-vfio 0
run "$N" status --target host
expect_rc status-after-reboot 0
expect_in status-after-reboot "reboot pending  no" "$out"
run "$N" status --target host --json
expect_eq status-json-after-reboot "false []" \
	"$(jget "$out" 'j["reboot_pending"]') $(jget "$out" 'j["reboot_reasons"]')"
run "$N" plan --target host --detailed-exitcode
expect_rc plan-after-reboot 0
expect_not_in plan-after-reboot "reboot-pending" "$out"
# only the kernel command line booted: the drivers still on igb
cp "$D/root/proc/cmdline" "$T/cmdline.new"
echo "BOOT_IMAGE=/boot/vmlinuz ro quiet" >"$D/root/proc/cmdline"
run "$N" status --target host --json
expect_eq status-old-cmdline '["host.kernel"]' \
	"$(jget "$out" '[r["address"] for r in j["reboot_reasons"]]')"
cp "$T/cmdline.new" "$D/root/proc/cmdline"

# --- 5. drift -------------------------------------------------------------
sed -i 's/^blacklist igb$/blacklist e1000e/' "$D/root/$DENYLIST"
cp "$D/root/$DENYLIST" "$T/denylist.edited"
chmod 0600 "$D/root/$MOTD"
run "$N" plan --target host --detailed-exitcode
expect_rc drift-plan 2
expect_in drift-plan-update "~ host.file[/etc/modprobe.d/netrec-vfio.conf]  update (host-reboot)" "$out"
expect_in drift-plan-old "        -blacklist e1000e" "$out"
expect_in drift-plan-new "        +blacklist igb" "$out"
expect_in drift-plan-hunk "        --- a/etc/modprobe.d/netrec-vfio.conf" "$out"
expect_in drift-plan-mode "~ host.file[/etc/motd]  update" "$out"
expect_in drift-plan-mode-reason "reason: mode 0600, want 0644" "$out"
run "$N" plan --target host --json
expect_eq drift-json '[["update","content differs"],["update","mode 0600, want 0644"]]' \
	"$(jget "$out" '[[c["action"], c["reason"]] for c in j["changes"] if c["address"].startswith("host.file")]')"
expect_eq drift-json-diff-motd null \
	"$(jget "$out" '[c["diff"] for c in j["changes"] if c["address"] == "host.file[/etc/motd]"][0]')"
run "$N" status --target host --json
expect_eq drift-status "0 2 0 1 1" \
	"$(jget "$out" '" ".join(str(j["drift"][k]) for k in ("create", "update", "delete", "run", "reboot"))')"

: >"$D/calls.log"
run "$N" apply --target host --yes
expect_rc drift-apply 0
expect_converged drift-apply
expect_calls drift-apply <<<"update-initramfs -u"
seq=$(journal 'j[-1]["seq"]')
expect_eq drift-journal "applied" "$(journal 'j[-1]["outcome"]')"
expect_file drift-backup "$D/state/backup/$seq/$DENYLIST" <"$T/denylist.edited"
run "$N" plan --target host --detailed-exitcode
expect_rc drift-restored 0

# a change of the header line alone (another commit) is not drift
sed -i '1s/.*/# Managed by netrec from 0123456789abcdef0123456789abcdef01234567; local edits are overwritten./' \
	"$D/root/$DENYLIST"
run "$N" plan --target host --detailed-exitcode
expect_rc header-only 0
# but a file that lost its header is no longer marked as managed: drift
sed -i '1d' "$D/root/$DENYLIST"
run "$N" plan --target host --detailed-exitcode
expect_rc header-removed 2
expect_in header-removed "        +$HEADER" "$out"
: >"$D/calls.log"
run "$N" apply --target host --yes
expect_rc header-restored 0
want_denylist | expect_file header-restored "$D/root/$DENYLIST"

# --- 12. history in this lab ---------------------------------------------
run "$N" history --json
expect_rc history-json 0
expect_eq history-json-main \
	'[[4,"applied"],[3,"applied"],[2,"applied"],[1,"applied"]]' \
	"$(jget "$out" '[[a["seq"], a["outcome"]] for a in j]')"
expect_eq history-json-fields \
	'["action","changes","commit","duration_ms","error","outcome","seq","snapshot","time","trigger"]' \
	"$(jget "$out" 'sorted(j[0])')"
expect_eq history-json-changes '["host.reboot"]' \
	"$(jget "$out" '[a["changes"] for a in j if a["seq"] == 2][0]')"
run "$N" history
expect_rc history-text 0
expect_eq history-text-order "4 3 2 1" "$(column SEQ "$out")"
expect_eq history-text-outcomes "applied applied applied applied" \
	"$(column OUTCOME "$out")"

# --- 6. the PCI guard: refusals with nothing written ------------------------
# refuse NAME SPEC MESSAGE: a fresh lab on the sysfs of SPEC; plan and apply
# are refused with MESSAGE, nothing under root/ changes, no stand-in runs
# and the journal records a refused attempt
refuse() {
	newlab "$1"
	printf '%s\n' "$2" >"$T/$1.spec"
	run "$MKSYSFS" "$D/sysfs" --spec "$T/$1.spec"
	expect_rc "$1: mksysfs" 0
	before=$(tree "$D/root")
	run "$D/netrec" plan --target host --detailed-exitcode
	expect_rc "$1: plan" 1
	expect_in "$1: plan" "$3" "$out"
	run "$D/netrec" apply --target host --yes
	expect_rc "$1: apply" 1
	expect_in "$1: apply says" "$3" "$out"
	expect_in "$1: apply says" "nothing was changed" "$err"
	expect_eq "$1: nothing written" "$before" "$(tree "$D/root")"
	expect_calls "$1" </dev/null
	expect_eq "$1: no backup" no \
		"$([ -e "$D/state/backup" ] && echo yes || echo no)"
	expect_eq "$1: journal" '[["begin",1],["end",1,"refused",[]]]' \
		"$(journal '[[e["event"], e["seq"]] + ([e["outcome"], e["done"]] if e["event"] == "end" else []) for e in j]')"
	run "$D/netrec" history --json
	expect_eq "$1: history" "refused" "$(jget "$out" 'j[0]["outcome"]')"
}

refuse id-mismatch "\
0000:00:00.0  8086:0d57  0600  -      -
0000:01:00.0  8086:1521  0200  igb    12  subsys=8086:0002
0000:01:00.1  8086:1533  0200  igb    13
0000:06:00.0  10ec:8168  0200  r8169  15  rev=15" \
	"refused: pci[0000:01:00.1]: the slot holds 8086:1533 I210 Gigabit Network Connection, not the declared 8086:1521"

refuse shared-group "\
0000:00:00.0  8086:0d57  0600  -      -
0000:01:00.0  8086:1521  0200  igb    12  subsys=8086:0002
0000:01:00.1  8086:1521  0200  igb    15  subsys=8086:0002
0000:06:00.0  10ec:8168  0200  r8169  15  rev=15" \
	"refused: pci[0000:01:00.1]: shares IOMMU group 15 with the host NIC 0000:06:00.0"

refuse missing-slot "\
0000:00:00.0  8086:0d57  0600  -      -
0000:01:00.0  8086:1521  0200  igb    12  subsys=8086:0002
0000:06:00.0  10ec:8168  0200  r8169  15  rev=15" \
	"refused: pci[0000:01:00.1]: no device in this slot"

refuse wrong-host-nic "\
0000:00:00.0  8086:0d57  0600  -      -
0000:01:00.0  8086:1521  0200  igb    12  subsys=8086:0002
0000:01:00.1  8086:1521  0200  igb    13  subsys=8086:0002
0000:06:00.0  10ec:8136  0200  r8169  15" \
	"refused: pci[0000:06:00.0]: the host NIC is declared as 10ec:8168 here, but the slot holds 10ec:8136"

# another member of a passthrough port's group, not passed through: a
# warning naming it, and the apply goes ahead
newlab group-warning
cat >"$T/warn.spec" <<'EOF'
0000:00:00.0  8086:0d57  0600  -      -
0000:01:00.0  8086:1521  0200  igb    12  subsys=8086:0002
0000:01:00.1  8086:1521  0200  igb    13  subsys=8086:0002
0000:01:00.2  8086:1521  0200  igb    12  subsys=8086:0002
0000:06:00.0  10ec:8168  0200  r8169  15  rev=15
EOF
run "$MKSYSFS" "$D/sysfs" --spec "$T/warn.spec"
run "$D/netrec" plan --target host --detailed-exitcode
expect_rc group-warning-plan 2
expect_in group-warning-plan "warning: pci[0000:01:00.0]: IOMMU group 12 also holds 0000:01:00.2 (8086:1521), not passed through" "$out"
expect_not_in group-warning-plan "refused" "$out"
run "$D/netrec" apply --target host --yes
expect_rc group-warning-apply 0
expect_converged group-warning-apply

# the host NIC among the passthrough ports: the validator refuses the file
newlab host-nic
sed -i 's/slot: "0000:01:00.1", id: "8086:1521"/slot: "0000:06:00.0", id: "10ec:8168"/' \
	"$D/network.yaml"
before=$(tree "$D/root")
run "$D/netrec" apply --target host --yes
expect_rc host-nic-apply 1
expect_in host-nic-apply "slot '0000:06:00.0' is the host NIC" "$err"
expect_eq host-nic-nothing-written "$before" "$(tree "$D/root")"
expect_calls host-nic </dev/null

# --- 7. a failing post-action -------------------------------------------------
newlab post-fails
N=$D/netrec
run env NETREC_STANDIN_FAIL_UPDATE_GRUB=1 "$N" apply --target host --yes
expect_rc post-fails 1
expect_in post-fails "update-grub" "$err"
expect_in post-fails-status "failed with status 1" "$err"
expect_in post-fails-count "7 of 12 changes were made" "$err"
expect_calls post-fails <<<"update-initramfs -u
update-grub"
expect_eq post-fails-journal "failed" "$(journal 'j[-1]["outcome"]')"
expect_eq post-fails-done \
	'["host.user[qemu]","host.file[/etc/modprobe.d/netrec-vfio.conf]","host.file[/etc/default/grub.d/netrec.cfg]","host.file[/etc/udev/rules.d/99-qemu-vfio.rules]","host.file[/etc/chrony/sources.d/netrec.sources]","host.file[/etc/motd]","host.run[update-initramfs -u]"]' \
	"$(journal 'j[-1]["done"]')"
expect_in post-fails-journal-error "update-grub" "$(journal 'j[-1]["error"]')"
run "$N" history
expect_in post-fails-history "failed" "$out"
run "$N" history --json
expect_eq post-fails-history-json "1 failed" \
	"$(jget "$out" 'str(j[0]["seq"]) + " " + j[0]["outcome"]')"
expect_in post-fails-history-error "update-grub" \
	"$(jget "$out" 'j[0]["error"]')"
# the post-actions that did not run are still owed
run "$N" plan --target host --detailed-exitcode
expect_rc post-fails-owed 2
expect_in post-fails-owed "> host.run[update-grub]  run" "$out"
expect_not_in post-fails-owed "host.run[update-initramfs -u]" "$out"
expect_in post-fails-owed-why "reason: still owed: an earlier apply stopped" "$out"
: >"$D/calls.log"
run "$N" apply --target host --yes
expect_rc post-fails-then-converges 0
expect_converged post-fails-then-converges
expect_calls post-fails-then-converges <<<"update-grub
udevadm control --reload-rules
udevadm trigger
chronyc reload sources"
run "$N" plan --target host --detailed-exitcode
expect_rc post-fails-converged 0
run "$N" history --json
expect_eq post-fails-history-both '[[2,"applied"],[1,"failed"]]' \
	"$(jget "$out" '[[a["seq"], a["outcome"]] for a in j]')"

# --- 8. an unwritable target ------------------------------------------------
newlab unwritable
N=$D/netrec
touch "$D/root/etc/udev" # a file where the rules' folder must go
run "$N" plan --target host --detailed-exitcode
expect_rc unwritable-plan 2
expect_in unwritable-plan "+ host.file[/etc/udev/rules.d/99-qemu-vfio.rules]  create" "$out"
run "$N" apply --target host --yes
expect_rc unwritable-apply 1
expect_in unwritable-apply "$D/root/etc/udev" "$err"
expect_in unwritable-apply-addr "host.file[/etc/udev/rules.d/99-qemu-vfio.rules]" "$err"
want_denylist | expect_file unwritable-earlier "$D/root/$DENYLIST"
want_grub | expect_file unwritable-earlier "$D/root/$GRUB"
expect_eq unwritable-later "no no" \
	"$([ -e "$D/root/$CHRONY" ] && echo yes || echo no) $([ -e "$D/root/$MOTD" ] && echo yes || echo no)"
expect_eq unwritable-udev-untouched "0" "$(stat -c %s "$D/root/etc/udev")"
no_temp_files unwritable
expect_calls unwritable </dev/null
expect_eq unwritable-journal "failed" "$(journal 'j[-1]["outcome"]')"
expect_eq unwritable-done \
	'["host.user[qemu]","host.file[/etc/modprobe.d/netrec-vfio.conf]","host.file[/etc/default/grub.d/netrec.cfg]"]' \
	"$(journal 'j[-1]["done"]')"
rm "$D/root/etc/udev"
run "$N" apply --target host --yes
expect_rc unwritable-fixed 0
expect_converged unwritable-fixed
expect_calls unwritable-fixed <<<"$ALL_POSTS"

# --- 9. a full disk ------------------------------------------------------------
# A user file of 200 KB in /srv/data, where "original" is now.
newlab disk
N=$D/netrec
run "$N" apply --target host --yes
expect_rc disk-converge 0
big=$(printf 'x%.0s' {1..199})
$PY - "$D/network.yaml" "$big" <<'EOF'
import sys
path, line = sys.argv[1], sys.argv[2]
text = open(path).read()
entry = ('    - path: /srv/data/big.txt\n      content: "%s"\n'
         '      mode: "0644"\n' % ((line + "\\n") * 1000))
text = text.replace('      mode: "0644"\n', '      mode: "0644"\n' + entry, 1)
open(path, "w").write(text)
EOF
mkdir -p "$D/root/srv/data"
echo original >"$D/root/srv/data/big.txt"
: >"$D/calls.log"
run "$N" plan --target host --detailed-exitcode
expect_rc disk-plan 2
expect_in disk-plan "~ host.file[/srv/data/big.txt]  update" "$out"

# (a) a file size limit of 16 KiB: the first write beyond it fails (the
# copy of network.yaml kept in state/ or the file itself, whichever comes
# first), clearly, and nothing is half-written
njournal=$(journal 'len(j)')
(
	ulimit -f 16
	trap '' XFSZ
	run "$N" apply --target host --yes
	echo "$rc" >"$T/disk.rc"
	printf '%s' "$err" >"$T/disk.err"
)
expect_eq disk-ulimit-rc 1 "$(cat "$T/disk.rc")"
expect_in disk-ulimit-error "': File too large" "$(cat "$T/disk.err")"
expect_file disk-ulimit-intact "$D/root/srv/data/big.txt" <<<"original"
no_temp_files disk-ulimit
expect_eq disk-ulimit-journal "[]" \
	"$(journal '[e["outcome"] for e in j['"$njournal"':] if e["event"] == "end" and e["outcome"] != "failed"]')"
expect_calls disk-ulimit </dev/null

# (b) a 64 KiB tmpfs, where mounting is allowed
if mount -t tmpfs -o size=64k netrec-test "$D/root/srv/data" 2>/dev/null; then
	MOUNTS+=("$D/root/srv/data")
	echo original >"$D/root/srv/data/big.txt"
	run "$N" apply --target host --yes
	expect_rc disk-tmpfs 1
	expect_in disk-tmpfs "cannot write '$D/root/srv/data/big.txt': No space left on device" "$err"
	expect_file disk-tmpfs-intact "$D/root/srv/data/big.txt" <<<"original"
	expect_eq disk-tmpfs-alone "big.txt" "$(ls -A "$D/root/srv/data")"
	no_temp_files disk-tmpfs
	expect_eq disk-tmpfs-journal "failed" "$(journal 'j[-1]["outcome"]')"
	umount "$D/root/srv/data" && MOUNTS=()
else
	echo "test-host: mount -t tmpfs not permitted here; the tmpfs variant of the full disk is skipped"
fi
# with room again, the file is written
run "$N" apply --target host --yes
expect_rc disk-room 0
expect_eq disk-room-size 200000 "$(stat -c %s "$D/root/srv/data/big.txt")"

# --- 10. a concurrent apply ------------------------------------------------------
# update-grub blocks until DIR/release exists, so the first apply holds
# the lock while the others try
newlab lock
N=$D/netrec
rm -f "$D/bin/update-grub" # a link to the shared stand-in: not written through
cat >"$D/bin/update-grub" <<EOF
#!/usr/bin/env bash
printf '%s\n' "update-grub" >>"$D/calls.log"
for _ in \$(seq 300); do [ -e "$D/release" ] && exit 0; sleep 0.1; done
exit 1
EOF
chmod +x "$D/bin/update-grub"
"$N" apply --target host --yes >"$T/lock-a.out" 2>&1 &
holder=$!
for _ in $(seq 200); do
	grep -q update-grub "$D/calls.log" 2>/dev/null && break
	sleep 0.05
done
expect_in lock-holder-blocked "update-grub" "$(cat "$D/calls.log" 2>/dev/null)"
t0=$(date +%s%N)
run "$N" apply --target host --yes
t1=$(date +%s%N)
expect_rc lock-busy 1
expect_in lock-busy "is locked by pid $holder since " "$err"
expect_eq lock-busy-at-once yes \
	"$([ $(((t1 - t0) / 1000000)) -lt 2000 ] && echo yes || echo no)"
"$N" apply --target host --yes --lock-timeout 10 >"$T/lock-b.out" 2>&1 &
waiter=$!
sleep 1
expect_eq lock-waiter-waits yes "$(kill -0 "$waiter" 2>/dev/null && echo yes || echo no)"
touch "$D/release"
wait "$holder"
expect_eq lock-holder-done 0 "$?"
wait "$waiter"
expect_eq lock-waiter-done 0 "$?"
expect_converged lock
run "$N" plan --target host --detailed-exitcode
expect_rc lock-converged 0
# a zero timeout on a free lock, and a bad value
run "$N" apply --target host --yes --lock-timeout 0
expect_rc lock-free 0
run "$N" apply --target host --yes --lock-timeout soon
expect_rc lock-timeout-bad 64

# --- 11. apply PLANFILE ------------------------------------------------------
newlab planfile
N=$D/netrec
run "$N" plan --target host -o "$D/p1.json"
expect_rc planfile-save 0
expect_eq planfile-mode 600 "$(stat -c %a "$D/p1.json")"
expect_eq planfile-json 1 "$(jget "$(cat "$D/p1.json")" 'j["format_version"]')"
expect_eq planfile-source-digest "$(sha256sum <"$D/network.yaml" | cut -d' ' -f1)" \
	"$(jget "$(cat "$D/p1.json")" 'j["source_digest"]')"
run "$N" apply --target host --yes "$D/p1.json"
expect_rc planfile-apply 0
expect_converged planfile-apply
expect_calls planfile-apply <<<"$ALL_POSTS"

# stale: the live state changed after planning
echo "edited once" >"$D/root/$MOTD"
run "$N" plan --target host -o "$D/p2.json"
expect_rc planfile-save-2 0
echo "edited twice" >"$D/root/$MOTD"
: >"$D/calls.log"
before=$(tree "$D/root")
njournal=$(journal 'len(j)')
run "$N" apply --target host --yes "$D/p2.json"
expect_rc planfile-stale-live 1
expect_in planfile-stale-live "stale plan" "$err"
expect_in planfile-stale-live-why "the live state changed" "$err"
expect_eq planfile-stale-live-unchanged "$before" "$(tree "$D/root")"
expect_calls planfile-stale-live </dev/null

# stale: network.yaml changed after planning
run "$N" plan --target host -o "$D/p3.json"
sed -i 's/pool.ntp.org/time.example.org/' "$D/network.yaml"
run "$N" apply --target host --yes "$D/p3.json"
expect_rc planfile-stale-source 1
expect_in planfile-stale-source "network.yaml changed" "$err"
expect_eq planfile-stale-source-unchanged "$before" "$(tree "$D/root")"
expect_calls planfile-stale-source </dev/null
expect_eq planfile-stale-no-attempt "$njournal" "$(journal 'len(j)')"

# not a plan file at all
echo '{"format_version": 1}' >"$D/bad.json"
run "$N" apply --target host --yes "$D/bad.json"
expect_rc planfile-bad 1
expect_in planfile-bad "not a netrec plan file" "$err"
run "$N" apply --target host --yes "$D/nosuch.json"
expect_rc planfile-missing 1
expect_in planfile-missing "cannot read plan file" "$err"
expect_eq planfile-bad-unchanged "$before" "$(tree "$D/root")"

# a fresh plan of the new file applies
run "$N" plan --target host -o "$D/p4.json"
run "$N" apply --target host --yes "$D/p4.json"
expect_rc planfile-fresh 0
want_motd | expect_file planfile-fresh "$D/root/$MOTD"
expect_eq planfile-fresh-chrony "server time.example.org iburst" \
	"$(tail -n 1 "$D/root/$CHRONY")"

# --- 12. history: every attempt, newest first ---------------------------------
run "$N" history --json
expect_eq history-planfile '[[2,"applied"],[1,"applied"]]' \
	"$(jget "$out" '[[a["seq"], a["outcome"]] for a in j]')"
D=$T/post-fails
run "$D/netrec" history
expect_rc history-failed-text 0
expect_eq history-failed-text "2 1" "$(column SEQ "$out")"
expect_eq history-failed-outcomes "applied failed" "$(column OUTCOME "$out")"
D=$T/disk
run "$D/netrec" history --json
expect_eq history-disk "$(journal '[[e["seq"], e["outcome"]] for e in reversed(j) if e["event"] == "end"]')" \
	"$(jget "$out" '[[a["seq"], a["outcome"]] for a in j]')"

finish
