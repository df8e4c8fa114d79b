#!/usr/bin/env bash
# test-router: the router layer (issue 5, sections 4-7) against the
# RouterOS simulator behind the lab's real OpenSSH sshd on 127.0.0.1 (never
# any other address): plan and apply with the exact commands, the upload
# named by the digest of the plan's script (secrets masked) and removed
# from the router's file store (with any of netrec's own leftovers, and
# nothing else), and the journal; drift repaired by exactly the repairing
# commands; ordered firewall lists repaired with place-before/move, never
# by removing a chain; /user (never exported) added once, then set, then
# removed; secrets resolved only by apply, rotations applied, a missing or
# unsafe secret stopping everything before a change, and no secret value in
# any output or file; a line the router refuses at import; transport faults
# (router down, unknown and changed host keys, a refused key, a connection
# dropped mid-import); hostile values (quotes, ;, $, [ ], \, a newline,
# UTF-8) held exactly; validate locating RouterOS errors in network.yaml;
# `ros fmt`/`ros diff` on the router's own export; and reset mode (the
# whole config after a reset-configuration). Each part names its brief
# section (issue 5 tests 1-9). Set NETREC_BIN/NETREC_ROSIM to test another
# build.
. "$(dirname "$0")/lib.sh"
ROSIM=${NETREC_ROSIM:-$NETREC_SRC/build/tests/lab/rosim/rosim}
export NETREC_ROSIM=$ROSIM
SECRETS=()
LOG=$T/netrec-output.log
: >"$LOG"
# tree: paths, modes, sizes, mtimes and checksums (equal: unchanged)
TREE_FIELDS='%p %y %m %s %T@'

# --- helpers (newlab, expect_eq, jget, journal, njournal, tree: lib.sh) ---

# on_newlab (after lib.sh's newlab, which sets D, N and R): sets PORT and
# adds the lab's two secrets to SECRETS
on_newlab() {
	PORT=$(cat "$D/ssh/port")
	SECRETS+=("$(opvalue)" "$(cat "$D/secrets/wg0.key")")
}

# the secret values and their quoted forms, for the leak scan at the end
add_secret() {
	SECRETS+=("$1")
	local q
	q=$(quoted "$1")
	[ "$q" = "$1" ] || SECRETS+=("$q")
}

opvalue() { sed -n 's|^op://lab/router/admin=||p' "$D/secrets/op-vault"; }

# setop VALUE / setwg VALUE: rotate the lab's secrets (kept 0600)
setop() {
	(umask 077 && printf 'op://lab/router/admin=%s\n' "$1" >"$D/secrets/op-vault")
	add_secret "$1"
}
setwg() {
	(umask 077 && printf '%s\n' "$1" >"$D/secrets/wg0.key")
	add_secret "$1"
}

# nr ARGS...: the lab's netrec, its stdout and stderr also kept in $LOG
# (searched for secret values at the end)
nr() {
	run "$N" "$@"
	printf '%s\n%s\n' "$out" "$err" >>"$LOG"
}

# rt CMD: one command on the simulated router over SSH; $out without CRs
rt() {
	local raw
	raw=$("$R" "$@" 2>"$T/.rt.err")
	rc=$?
	err=$(cat "$T/.rt.err")
	out=${raw//$'\r'/}
}

# body: the router's /export terse without the header (CRs dropped)
body() { "$R" /export terse 2>&1 | tr -d '\r' | grep -v '^#'; }

# cfg_sub OLD NEW: replaces the line OLD of router.config in network.yaml
# (exact text after the indentation; NEW may hold several lines, "" drops
# the line); cfg_add_after OLD NEW inserts NEW after it
cfg_edit() {
	$PY - "$D/network.yaml" "$1" "$2" "$3" <<'X'
import sys
path, mode, old, new = sys.argv[1:5]
lines = open(path, encoding="utf-8").read().split("\n")
hits = [i for i, l in enumerate(lines) if l == "    " + old]
if len(hits) != 1:
    sys.exit("cfg_edit: %d lines are [%s]" % (len(hits), old))
i = hits[0]
add = ["    " + l for l in new.split("\n")] if new else []
if mode == "sub":
    lines[i:i + 1] = add
else:
    lines[i + 1:i + 1] = add
open(path, "w", encoding="utf-8").write("\n".join(lines))
X
}
cfg_sub() { cfg_edit sub "$1" "$2" || fail "cfg_sub [$1]"; }
cfg_add_after() { cfg_edit after "$1" "$2" || fail "cfg_add_after [$1]"; }

# the router's file store: no upload of netrec's may stay there
expect_no_uploads() {
	rt /file print
	expect_eq "$1: /file print" "" "$(grep -E 'netrec-[a-z0-9-]*\.rsc' <<<"$out")"
	expect_eq "$1: file store" "" "$(ls -A "$D/ssh/files" 2>&1 | grep -E '^netrec-.*\.rsc$')"
}

# password_of USER: the simulator's stored password of USER, as RouterOS
# quotes it (its state file: /user is never exported or printed with it)
password_of() {
	$PY - "$D/ssh/router.state" "$1" <<'X'
import sys
state, user = sys.argv[1:3]
menu, items = None, []
for line in open(state, encoding="utf-8"):
    line = line.rstrip("\n")
    if line.startswith("menu "):
        menu = line
    elif menu == 'menu path="/user"' and line.startswith("item "):
        items.append([])
    elif menu == 'menu path="/user"' and items:
        items[-1].append(line)
for it in items:
    if any(('name="%s"' % user) in l for l in it):
        for l in it:
            if l.startswith("props ") and " password=" in l:
                v = l.split(" password=", 1)[1]
                if v.startswith('"'):
                    i = 1
                    while v[i] != '"':
                        i += 2 if v[i] == "\\" else 1
                    v = v[:i + 1]
                else:
                    v = v.split(" ", 1)[0]
                print(v)
X
}

# quoted VALUE: VALUE as RouterOS writes it inside a quoted string (so a
# leak in that form is found too)
quoted() {
	$PY - "$1" <<'X'
import sys
esc = {'"': '\\"', '\\': '\\\\', '$': '\\$', '?': '\\?', '\n': '\\n',
       '\r': '\\r', '\t': '\\t'}
out = []
for b in sys.argv[1].encode("utf-8", "surrogateescape"):
    c = chr(b)
    if c in esc:
        out.append(esc[c])
    elif b < 0x20 or b >= 0x7f:
        out.append("\\%02X" % b)
    else:
        out.append(c)
print("".join(out))
X
}

LAB_CMDS="/interface wireguard add listen-port=13231 name=wg0 private-key=\"(sensitive value changed)\"
/ip address add address=192.168.10.1/24 interface=ether2
/ip dhcp-client set [ find where interface=ether1 ] comment=admin_interface
/system identity set name=lab-router
/user set admin password=\"(sensitive value changed)\""
LAB_EXPORT="/interface wireguard add listen-port=13231 name=wg0
/ip address add address=192.168.10.1/24 interface=ether2 network=192.168.10.0
/ip dhcp-client add comment=admin_interface interface=ether1
/system identity set name=lab-router"
FRESH_EXPORT="/ip dhcp-client add interface=ether1"

# --- 1. plan and apply the lab's router config ---------------------------
newlab main
expect_eq fresh-router "$FRESH_EXPORT" "$(body)"
nr plan --target router --detailed-exitcode
expect_rc plan-detailed 2
expect_in plan-address "~ router[127.0.0.1]  update" "$out"
expect_in plan-reason "reason: 5 RouterOS commands" "$out"
expect_eq plan-commands "$LAB_CMDS" \
	"$(sed -n 's/^        \(\/.*\)$/\1/p' <<<"$out")"
expect_in plan-summary "Plan: 0 to create, 1 to update, 0 to delete" "$out"
nr --json plan --target router
expect_rc plan-json 0
plan_json=$out
expect_eq plan-json-change \
	'[["router[127.0.0.1]","update","none","5 RouterOS commands"]]' \
	"$(jget "$out" '[[c["address"], c["action"], c["disruption"], c["reason"]] for c in j["changes"]]')"
expect_eq plan-json-diff "$LAB_CMDS" "$(jget "$out" 'j["changes"][0]["diff"].rstrip("\n")')"
expect_eq plan-json-targets '["router"]' "$(jget "$out" 'j["targets"]')"
expect_eq plan-changes-nothing "$FRESH_EXPORT" "$(body)"
expect_eq plan-no-journal 0 "$(njournal)"

# the upload's name, seen in the file store while the import runs
(while :; do ls "$D/ssh/files"; done >"$T/uploads.seen" 2>/dev/null) &
watcher=$!
BG+=("$watcher")
nr apply --yes --target router
expect_rc apply 0
kill "$watcher" 2>/dev/null
wait "$watcher" 2>/dev/null
expect_in apply-done "update router[127.0.0.1] ... done" "$err"
expect_in apply-complete "Apply complete: 1 change" "$err"
expect_eq apply-export "$LAB_EXPORT" "$(body)"
rt /export terse show-sensitive
expect_in apply-wg-key "/interface wireguard add listen-port=13231 name=wg0 private-key=\"$(cat "$D/secrets/wg0.key")\"" "$out"
expect_eq apply-admin-password "\"$(opvalue)\"" "$(password_of admin)"
names=$(sort -u "$T/uploads.seen")
expect_eq upload-seen 1 "$(grep -cE '^netrec-[0-9a-f]{16}\.rsc$' <<<"$names")"
expect_not_in upload-not-auto ".auto.rsc" "$names"
# named by the SHA-256 of the script as the plan shows it (each secret
# "(sensitive value changed)"), never of the text holding the values
expect_eq upload-named-by-plan \
	"netrec-$(jget "$plan_json" '__import__("hashlib").sha256(j["changes"][0]["diff"].encode()).hexdigest()[:16]').rsc" \
	"$(grep '^netrec-' <<<"$names")"
expect_no_uploads apply
expect_eq apply-journal \
	'[["begin","apply",["router[127.0.0.1]"]],["end","applied",["router[127.0.0.1]"],null]]' \
	"$(journal '[[e["event"], e["action"], e["changes"]] if e["event"] == "begin" else [e["event"], e["outcome"], e["done"], e["error"]] for e in j]')"
expect_eq state-modes "600 600" \
	"$(stat -c %a "$D/state/router.json" "$D/state/secret.key" | xargs)"
nr plan --target router --detailed-exitcode
expect_rc plan-after-apply 0
expect_in plan-after-apply-text "No changes. The live state matches network.yaml." "$out"
nr apply --yes --target router
expect_rc apply-again 0
expect_eq apply-again-no-attempt 2 "$(njournal)"
nr --json status --target router
expect_rc status 0
expect_eq status-drift 0 "$(jget "$out" 'sum(j["drift"].values())')"

# --- 2. drift on the router ----------------------------------------------
rt /system identity set name=drifted
nr plan --target router --detailed-exitcode
expect_rc drift-identity-plan 2
expect_in drift-identity-reason "reason: 1 RouterOS command" "$out"
expect_eq drift-identity-commands "/system identity set name=lab-router" \
	"$(sed -n 's/^        \(\/.*\)$/\1/p' <<<"$out")"
nr apply --yes --target router
expect_rc drift-identity-apply 0
expect_eq drift-identity-restored "$LAB_EXPORT" "$(body)"

rt '/ip address remove [ find where address="192.168.10.1/24" ]'
expect_eq drift-address-gone 0 "$(body | grep -c '^/ip address')"
nr plan --target router --detailed-exitcode
expect_rc drift-address-plan 2
expect_eq drift-address-commands "/ip address add address=192.168.10.1/24 interface=ether2" \
	"$(sed -n 's/^        \(\/.*\)$/\1/p' <<<"$out")"
nr apply --yes --target router
expect_rc drift-address-apply 0
expect_eq drift-address-restored "$LAB_EXPORT" "$(body)"

# an item nobody declared is removed (desired = the config on an empty
# router); a changed property is set alone
rt /ip address add address=10.9.9.1/24 interface=ether3
rt '/ip dhcp-client set [ find where interface=ether1 ] comment=changed'
nr plan --target router --detailed-exitcode
expect_rc drift-extra-plan 2
expect_in drift-extra-reason "reason: 2 RouterOS commands" "$out"
expect_in drift-extra-remove "/ip address remove [ find where address=\"10.9.9.1/24\" interface=ether3 ]" "$out"
expect_in drift-extra-set "/ip dhcp-client set [ find where interface=ether1 ] comment=admin_interface" "$out"
nr apply --yes --target router
expect_rc drift-extra-apply 0
expect_eq drift-extra-restored "$LAB_EXPORT" "$(body)"

# the WireGuard key changed on the router: the live value no longer has
# the stored HMAC, so the plan shows a sensitive change (never a value)
rt /interface wireguard set wg0 private-key="cHJvYmVwcm9iZXByb2JlcHJvYmVwcm9iZXByb2JlcHI="
nr plan --target router --detailed-exitcode
expect_rc drift-wg-plan 2
expect_eq drift-wg-commands '/interface wireguard set [ find where name=wg0 ] private-key="(sensitive value changed)"' \
	"$(sed -n 's/^        \(\/.*\)$/\1/p' <<<"$out")"
nr apply --yes --target router
expect_rc drift-wg-apply 0
rt /export terse show-sensitive
expect_in drift-wg-restored "private-key=\"$(cat "$D/secrets/wg0.key")\"" "$out"
nr plan --target router --detailed-exitcode
expect_rc drift-converged 0
expect_no_uploads drift
# a saved plan goes stale when only a hidden value changed since (the
# plan file holds an HMAC of the export with its hidden values, never a
# plain digest)
nr plan --target router -o "$T/router.plan"
expect_rc planfile-save 0
expect_not_in planfile-no-key "$(cat "$D/secrets/wg0.key")" "$(cat "$T/router.plan")"
rt /interface wireguard set wg0 private-key="cHJvYmVwcm9iZXByb2JlcHJvYmVwcm9iZXByb2JlcHI="
nr apply "$T/router.plan"
expect_rc planfile-stale-hidden 1
expect_in planfile-stale-hidden-why "stale plan" "$err"
nr apply --yes --target router
expect_rc planfile-stale-repaired 0

# --- 3. ordered lists: firewall filter rules -----------------------------
cfg_add_after "/system identity set name=lab-router" \
	"/ip firewall filter add chain=input action=accept connection-state=established,related comment=est
/ip firewall filter add chain=input action=accept protocol=icmp comment=icmp
/ip firewall filter add chain=input action=drop in-interface=ether1 comment=drop-wan
/ip firewall filter add chain=forward action=accept connection-state=established,related comment=fwd-est
/ip firewall filter add chain=forward action=drop comment=fwd-drop"
nr plan --target router --detailed-exitcode
expect_rc fw-plan 2
expect_in fw-plan-reason "reason: 5 RouterOS commands" "$out"
nr apply --yes --target router
expect_rc fw-apply 0
fw() { body | grep '^/ip firewall filter' | grep "chain=$1" | sed 's/.*comment=\([^ ]*\).*/\1/' | xargs; }
expect_eq fw-input "est icmp drop-wan" "$(fw input)"
expect_eq fw-forward "fwd-est fwd-drop" "$(fw forward)"

# a rule inserted in the middle: one add with place-before, nothing removed
cfg_add_after "/ip firewall filter add chain=input action=accept protocol=icmp comment=icmp" \
	"/ip firewall filter add chain=input action=accept protocol=tcp dst-port=22 comment=ssh"
nr plan --target router --detailed-exitcode
expect_rc fw-insert-plan 2
expect_eq fw-insert-commands "/ip firewall filter add chain=input comment=ssh dst-port=22 protocol=tcp place-before=[ find where action=drop chain=input comment=drop-wan in-interface=ether1 ]" \
	"$(sed -n 's/^        \(\/.*\)$/\1/p' <<<"$out")"
expect_not_in fw-insert-no-remove "remove" "$out"
nr apply --yes --target router
expect_rc fw-insert-apply 0
expect_eq fw-insert-order "est icmp ssh drop-wan" "$(fw input)"
nr plan --target router --detailed-exitcode
expect_rc fw-insert-converged 0

# a rule moved up in the file: one move, nothing removed
cfg_sub "/ip firewall filter add chain=input action=drop in-interface=ether1 comment=drop-wan" ""
cfg_add_after "/ip firewall filter add chain=input action=accept connection-state=established,related comment=est" \
	"/ip firewall filter add chain=input action=drop in-interface=ether1 comment=drop-wan"
nr plan --target router --detailed-exitcode
expect_rc fw-move-plan 2
expect_in fw-move-reason "reason: 1 RouterOS command" "$out"
expect_in fw-move-command "/ip firewall filter move numbers=[ find where action=drop chain=input comment=drop-wan in-interface=ether1 ] destination=[ find where chain=input comment=icmp protocol=icmp ]" "$out"
expect_not_in fw-move-no-remove "remove" "$out"
expect_not_in fw-move-no-add " add " "$out"
nr apply --yes --target router
expect_rc fw-move-apply 0
expect_eq fw-move-order "est drop-wan icmp ssh" "$(fw input)"
expect_eq fw-move-forward "fwd-est fwd-drop" "$(fw forward)"

# a rule moved down and another dropped: still no chain emptied
cfg_sub "/ip firewall filter add chain=input action=accept connection-state=established,related comment=est" ""
cfg_add_after "/ip firewall filter add chain=input action=accept protocol=tcp dst-port=22 comment=ssh" \
	"/ip firewall filter add chain=input action=accept connection-state=established,related comment=est"
cfg_sub "/ip firewall filter add chain=forward action=drop comment=fwd-drop" ""
nr plan --target router --detailed-exitcode
expect_rc fw-mixed-plan 2
expect_eq fw-mixed-removes 1 "$(grep -c '^        /ip firewall filter remove' <<<"$out")"
expect_in fw-mixed-remove-one 'remove [ find where action=drop chain=forward comment=fwd-drop ]' "$out"
expect_not_in fw-mixed-no-add " add " "$out"
nr apply --yes --target router
expect_rc fw-mixed-apply 0
expect_eq fw-mixed-order "drop-wan icmp ssh est" "$(fw input)"
expect_eq fw-mixed-forward "fwd-est" "$(fw forward)"
nr plan --target router --detailed-exitcode
expect_rc fw-mixed-converged 0
expect_no_uploads firewall

# --- 4. secrets: rotation, and never a value in any output or file -------
OLD_OP=$(opvalue)
NEW_OP='R0t "pw" $x; [y] \z П'
NEW_WG=$(head -c 32 /dev/urandom | base64)
setop "$NEW_OP"
setwg "$NEW_WG"
nr plan --target router --detailed-exitcode
expect_rc rotate-plan-no-change 0
expect_in rotate-plan-text "No changes." "$out"
nr --json plan --target router
expect_eq rotate-plan-json '[]' "$(jget "$out" 'j["changes"]')"
nr apply --yes --target router
expect_rc rotate-apply 0
expect_in rotate-apply-reason "reason: 2 RouterOS commands" "$out"
expect_in rotate-apply-wg '/interface wireguard set [ find where name=wg0 ] private-key="(sensitive value changed)"' "$out"
expect_in rotate-apply-admin '/user set admin password="(sensitive value changed)"' "$out"
rt /export show-sensitive
expect_in rotate-wg-exported "private-key=\"$NEW_WG\"" "$out"
expect_eq rotate-admin-password '"R0t \"pw\" \$x; [y] \\z \D0\9F"' "$(password_of admin)"
nr plan --target router --detailed-exitcode
expect_rc rotate-converged 0
nr apply --yes --target router
expect_rc rotate-apply-again 0
expect_in rotate-apply-again-nothing "No changes." "$out"
nr --json apply --yes --target router
expect_rc rotate-apply-json 0
nr history
nr --json history
nr status --target router
expect_no_uploads rotate
if [ "$OLD_OP" != "$NEW_OP" ]; then pass; else fail "rotation: same value"; fi

# /user never shows in an export: a declared user is added once, then
# only set (a rotated password, a changed group), then removed
cfg_add_after "/user set [find name=admin] password={{ op://lab/router/admin }}" \
	"/user add name=ops group=read password={{ op://lab/router/admin }}"
nr plan --target router --detailed-exitcode
expect_rc user-add-plan 2
expect_eq user-add-commands '/user add group=read name=ops password="(sensitive value changed)"' \
	"$(sed -n 's/^        \(\/.*\)$/\1/p' <<<"$out")"
nr apply --yes --target router
expect_rc user-add-apply 0
rt /user print
expect_in user-added "group=read name=ops" "$out"
nr plan --target router --detailed-exitcode
expect_rc user-add-converged 0
setop "second-rotation-$RANDOM"
nr plan --target router --detailed-exitcode
expect_rc user-rotate-plan 0
nr apply --yes --target router
expect_rc user-rotate-apply 0
expect_eq user-rotate-commands '/user set admin password="(sensitive value changed)"
/user set [ find where name=ops ] password="(sensitive value changed)"' \
	"$(sed -n 's/^        \(\/.*\)$/\1/p' <<<"$out")"
expect_eq user-rotate-ops "\"$(opvalue)\"" "$(password_of ops)"
cfg_sub "/user add name=ops group=read password={{ op://lab/router/admin }}" \
	"/user add name=ops group=full password={{ op://lab/router/admin }}"
nr apply --yes --target router
expect_rc user-group-apply 0
expect_eq user-group-commands '/user set [ find where name=ops ] group=full' \
	"$(sed -n 's/^        \(\/.*\)$/\1/p' <<<"$out")"
rt /user print
expect_in user-group-set "group=full name=ops" "$out"
cfg_sub "/user add name=ops group=full password={{ op://lab/router/admin }}" ""
nr apply --yes --target router
expect_rc user-remove-apply 0
expect_eq user-remove-commands '/user remove [ find where name=ops ]' \
	"$(sed -n 's/^        \(\/.*\)$/\1/p' <<<"$out")"
rt /user print
expect_not_in user-removed "name=ops" "$out"
nr plan --target router --detailed-exitcode
expect_rc user-converged 0
expect_not_in router-json-no-value "$(opvalue)" "$(cat "$D/state/router.json")"
expect_in router-json-refs "{{ op://lab/router/admin }}" "$(cat "$D/state/router.json")"

# a secret as an item's key (an SNMP community's name): added, matched
# through its digest so that a second plan is empty, and on rotation the
# old value is masked too (it is still a secret on the router)
export NETREC_TEST_COMMUNITY="comm-$RANDOM-one"
add_secret "$NETREC_TEST_COMMUNITY"
cfg_add_after "/user set [find name=admin] password={{ op://lab/router/admin }}" \
	"/snmp community add addresses=10.0.0.0/8 name={{ env:NETREC_TEST_COMMUNITY }}"
nr apply --yes --target router
expect_rc keysecret-apply 0
expect_eq keysecret-commands '/snmp community add addresses=10.0.0.0/8 name="(sensitive value changed)"' \
	"$(sed -n 's/^        \(\/.*\)$/\1/p' <<<"$out")"
rt /snmp community print
expect_in keysecret-on-router "name=$NETREC_TEST_COMMUNITY" "$out"
nr plan --target router --detailed-exitcode
expect_rc keysecret-converged 0
nr apply --yes --target router
expect_in keysecret-apply-again "No changes." "$out"
export NETREC_TEST_COMMUNITY="comm-$RANDOM-two"
add_secret "$NETREC_TEST_COMMUNITY"
nr apply --yes --target router
expect_rc keysecret-rotate-apply 0
expect_eq keysecret-rotate-commands '/snmp community remove [ find where name=(sensitive) ]
/snmp community add addresses=10.0.0.0/8 name="(sensitive value changed)"' \
	"$(sed -n 's/^        \(\/.*\)$/\1/p' <<<"$out")"
rt /snmp community print
expect_in keysecret-rotated "name=$NETREC_TEST_COMMUNITY" "$out"
nr plan --target router --detailed-exitcode
expect_rc keysecret-rotate-converged 0
cfg_sub "/snmp community add addresses=10.0.0.0/8 name={{ env:NETREC_TEST_COMMUNITY }}" ""
nr apply --yes --target router
expect_rc keysecret-remove-apply 0
expect_eq keysecret-remove-commands '/snmp community remove [ find where name=(sensitive) ]' \
	"$(sed -n 's/^        \(\/.*\)$/\1/p' <<<"$out")"
unset NETREC_TEST_COMMUNITY

# --- 5. a missing or unsafe secret stops the apply before any change -----
# (host and router together: no host file may be written either)
rt /system identity set name=drifted
before_export=$(body)
before_root=$(tree "$D/root")
before_calls=$(cat "$D/calls.log" 2>/dev/null)
saved_vault=$(cat "$D/secrets/op-vault")
missing_case() { # NAME NEEDLE
	local n0
	n0=$(njournal)
	nr apply --yes --target host,router
	expect_rc "$1-apply" 1
	expect_in "$1-names-reference" "$2" "$err"
	expect_in "$1-nothing-changed" "(nothing was changed)" "$err"
	expect_not_in "$1-no-complete" "Apply complete" "$out$err"
	expect_eq "$1-router-unchanged" "$before_export" "$(body)"
	expect_eq "$1-root-unchanged" "$before_root" "$(tree "$D/root")"
	expect_eq "$1-no-calls" "$before_calls" "$(cat "$D/calls.log" 2>/dev/null)"
	expect_eq "$1-journal" "$((n0 + 2))" "$(njournal)"
	expect_eq "$1-journal-failed" '["failed",[]]' "$(journal '[j[-1]["outcome"], j[-1]["done"]]')"
	expect_in "$1-journal-error" "$2" "$(journal 'j[-1]["error"]')"
	expect_no_uploads "$1"
	# a plan never resolves secrets: it still works
	nr plan --target router --detailed-exitcode
	expect_rc "$1-plan" 2
}
(umask 077 && : >"$D/secrets/op-vault")
missing_case missing-op "secret 'op://lab/router/admin'"
printf '%s\n' "$saved_vault" >"$D/secrets/op-vault"
mv "$D/secrets/wg0.key" "$D/secrets/wg0.key.away"
missing_case missing-file "secret 'file:$D/secrets/wg0.key'"
mv "$D/secrets/wg0.key.away" "$D/secrets/wg0.key"
chmod 0644 "$D/secrets/wg0.key"
missing_case unsafe-file "secret 'file:$D/secrets/wg0.key': the file is readable by others (mode 0644)"
chmod 0600 "$D/secrets/wg0.key"
# with nothing a plan sees to change, a missing secret still fails the
# apply (a rotation cannot be ruled out)
rt /system identity set name=lab-router
(umask 077 && : >"$D/secrets/op-vault")
n0=$(njournal)
nr apply --yes --target router
expect_rc missing-no-drift-apply 1
expect_in missing-no-drift-names "secret 'op://lab/router/admin'" "$err"
expect_eq missing-no-drift-journal '["failed",[]]' "$(journal '[j[-1]["outcome"], j[-1]["done"]]')"
printf '%s\n' "$saved_vault" >"$D/secrets/op-vault"
nr apply --yes --target router
expect_rc missing-restored-apply 0
nr plan --target router --detailed-exitcode
expect_rc missing-restored-converged 0

# --- 8. hostile values held exactly --------------------------------------
cfg_sub "/system identity set name=lab-router" \
	'/system identity set name="r\"o;u\$t[e]r\\x\nПривет"'
cfg_sub "/ip firewall filter add chain=input action=accept protocol=tcp dst-port=22 comment=ssh" \
	'/ip firewall filter add chain=input action=accept protocol=tcp dst-port=22 comment="a\"b;c\$d[e]f\\g\nh Пр"'
run "$N" validate
expect_rc hostile-valid 0
nr plan --target router --detailed-exitcode
expect_rc hostile-plan 2
expect_in hostile-plan-identity '/system identity set name="r\"o;u\$t[e]r\\x\n\D0\9F\D1\80\D0\B8\D0\B2\D0\B5\D1\82"' "$out"
expect_in hostile-plan-comment '/ip firewall filter set [ find where chain=input comment=ssh dst-port=22 protocol=tcp ] comment="a\"b;c\$d[e]f\\g\nh \D0\9F\D1\80"' "$out"
nr apply --yes --target router
expect_rc hostile-apply 0
hostile_export=$(body)
expect_in hostile-export-identity '/system identity set name="r\"o;u\$t[e]r\\x\n\D0\9F\D1\80\D0\B8\D0\B2\D0\B5\D1\82"' "$hostile_export"
expect_in hostile-export-comment '/ip firewall filter add action=accept chain=input comment="a\"b;c\$d[e]f\\g\nh \D0\9F\D1\80" dst-port=22 protocol=tcp' "$hostile_export"
# the bytes the router holds (print shows them raw; CRLF as LF)
expect_eq hostile-identity-bytes "$(printf '  name: r"o;u$t[e]r\\x\nПривет')" \
	"$("$R" /system identity print | tr -d '\r')"
expect_eq hostile-rules 4 "$(fw input | wc -w)"
nr plan --target router --detailed-exitcode
expect_rc hostile-converged 0

# --- ros fmt / ros diff on the router's own export -----------------------
"$R" /export show-sensitive | tr -d '\r' >"$T/export.rsc"
$PY - "$D/network.yaml" "$(opvalue)" "$(cat "$D/secrets/wg0.key")" "$D" >"$T/config.rsc" <<'X'
import sys, yaml
path, op, wg, d = sys.argv[1:5]
cfg = yaml.safe_load(open(path, encoding="utf-8"))["router"]["config"]
cfg = cfg.replace("{{ op://lab/router/admin }}", '"%s"' % op)
cfg = cfg.replace("{{ file:%s/secrets/wg0.key }}" % d, '"%s"' % wg)
# /user is never exported
print("\n".join(l for l in cfg.split("\n") if not l.startswith("/user")))
X
run "$NETREC_BIN" ros fmt "$T/export.rsc"
expect_rc fmt-export 0
fmt_export=$out
run "$NETREC_BIN" ros fmt "$T/config.rsc"
expect_rc fmt-config 0
expect_eq fmt-roundtrip "$out" "$fmt_export"
run "$NETREC_BIN" ros fmt - <"$T/export.rsc"
expect_eq fmt-stdin "$fmt_export" "$out"
# the plain /export as the router sends it (CRLF, menu headers, wrapped
# lines, no secrets) reads as its terse form does
"$R" /export >"$T/export-crlf.rsc"
"$R" /export terse >"$T/export-terse.rsc"
[ "$(grep -c $'\r$' "$T/export-crlf.rsc")" -gt 5 ] && pass || fail "plain /export: no CRLF"
grep -q '\\$' <(tr -d '\r' <"$T/export-crlf.rsc") && pass || fail "plain /export: no wrapped line"
run "$NETREC_BIN" ros fmt "$T/export-crlf.rsc"
expect_rc fmt-plain-export 0
fmt_plain=$out
run "$NETREC_BIN" ros fmt "$T/export-terse.rsc"
expect_eq fmt-plain-vs-terse "$out" "$fmt_plain"
expect_eq fmt-plain-no-key 0 "$(grep -c private-key <<<"$fmt_plain")"
run "$NETREC_BIN" ros diff "$T/export-crlf.rsc" "$T/export-terse.rsc"
expect_eq diff-plain-vs-terse "" "$out"
printf '%s\n' "$fmt_export" >"$T/fmt.rsc"
run "$NETREC_BIN" ros fmt "$T/fmt.rsc"
expect_eq fmt-idempotent "$fmt_export" "$out"
run "$NETREC_BIN" ros diff "$T/export.rsc" "$T/config.rsc"
expect_rc diff-empty 0
expect_eq diff-empty-out "" "$out"
rt /system identity set name=drifted
rt '/ip firewall filter remove [ find where comment=icmp ]'
"$R" /export show-sensitive | tr -d '\r' >"$T/drifted.rsc"
run "$NETREC_BIN" ros diff "$T/drifted.rsc" "$T/config.rsc"
expect_rc diff-drifted 0
expect_eq diff-drifted-out '/ip firewall filter add chain=input comment=icmp protocol=icmp place-before=[ find where chain=input comment="a\"b;c\$d[e]f\\g\nh \D0\9F\D1\80" dst-port=22 protocol=tcp ]
/system identity set name="r\"o;u\$t[e]r\\x\n\D0\9F\D1\80\D0\B8\D0\B2\D0\B5\D1\82"' "$out"
ros_diff=$out
nr --json plan --target router
expect_eq diff-same-as-plan "$ros_diff" "$(jget "$out" 'j["changes"][0]["diff"].rstrip("\n")')"
nr apply --yes --target router
expect_rc diff-drifted-apply 0
nr plan --target router --detailed-exitcode
expect_rc diff-drifted-converged 0

# --- 9. validate locates RouterOS errors in network.yaml -----------------
# One case a row: NAME|EDIT|COLUMN|APPLY|MESSAGE|TEXT. EDIT is "sub"
# (TEXT replaces the address line) or "after" (TEXT goes after it);
# validate fails with MESSAGE at TEXT's line and COLUMN. APPLY "yes": plan
# and apply fail too, the router unchanged and nothing journaled.
ADDRESS="/ip address add address=192.168.10.1/24 interface=ether2 network=192.168.10.0"
VALIDATE_CASES=(
	'syntax|sub|29|yes|syntax error (unterminated string)|/ip address add address="192.168.10.1/24 interface=ether2'
	"script|after|5|no|unsupported script command ':global' in a declared config|:global x 5"
	'variable|sub|5|no|unsupported variable|/ip address add address=192.168.10.1/24 interface=ether2 network=192.168.10.0 comment=$x'
)
cp "$D/network.yaml" "$T/good.yaml"
for c in "${VALIDATE_CASES[@]}"; do
	IFS='|' read -r name edit col apply msg text <<<"$c"
	cp "$T/good.yaml" "$D/network.yaml"
	cfg_edit "$edit" "$ADDRESS" "$text" || fail "validate-$name: cfg_edit"
	line=$(grep -nxF "    $text" "$D/network.yaml" | cut -d: -f1)
	run "$N" validate
	expect_rc "validate-$name" 1
	expect_in "validate-$name-where" "network.yaml:$line:$col: router.config: $msg" "$err"
	[ "$apply" = yes ] || continue
	nr plan --target router
	expect_rc "validate-$name-plan" 1
	n0=$(njournal)
	export_before=$(body)
	nr apply --yes --target router
	expect_rc "validate-$name-apply" 1
	expect_eq "validate-$name-unchanged" "$export_before" "$(body)"
	expect_eq "validate-$name-no-attempt" "$n0" "$(njournal)"
done
cp "$T/good.yaml" "$D/network.yaml"
run "$N" validate
expect_rc validate-good 0

# --- 6. the router refuses a line at import ------------------------------
# /user is never exported, so a user made on the router behind netrec's
# back is invisible to the plan; the import then fails on its line
newlab refuse
cfg_add_after "/user set [find name=admin] password={{ op://lab/router/admin }}" \
	"/user add name=ops group=read password={{ op://lab/router/admin }}"
rt /user add name=ops group=full
nr plan --target router --detailed-exitcode
expect_rc refuse-plan 2
expect_in refuse-plan-add '/user add group=read name=ops password="(sensitive value changed)"' "$out"
nr apply --yes --target router
expect_rc refuse-apply 1
expect_in refuse-message "the router refused the import: Script Error: failure: already have such name (/user/add; line 6) (:import; line 1)" "$err"
expect_in refuse-line '; line 6 of the script was: /user add group=read name=ops password=(sensitive)' "$err"
expect_in refuse-stays "the 5 commands before it ran and stay" "$err"
expect_in refuse-failed "update router[127.0.0.1] ... failed" "$err"
expect_not_in refuse-no-complete "Apply complete" "$out$err"
expect_eq refuse-journal "failed" "$(journal 'j[-1]["outcome"]')"
expect_eq refuse-journal-done '[]' "$(journal 'j[-1]["done"]')"
expect_in refuse-journal-error "already have such name" "$(journal 'j[-1]["error"]')"
expect_no_uploads refuse
rt /user print
expect_in refuse-user-untouched "group=full name=ops" "$out"
# what ran before the failing line stays (RouterOS keeps it); the plan
# shows what remains
nr plan --target router --detailed-exitcode
expect_rc refuse-remains 2
expect_in refuse-remains-user '/user add group=read name=ops' "$out"
expect_not_in refuse-remains-no-address "/ip address add" "$out"
rt /user remove ops
nr apply --yes --target router
expect_rc refuse-later-apply 0
expect_eq refuse-later-export "$LAB_EXPORT" "$(body)"
rt /user print
expect_in refuse-later-user "group=read name=ops" "$out"
nr plan --target router --detailed-exitcode
expect_rc refuse-later-converged 0

# the file store cannot take the upload (immutable): a clear failure,
# nothing changed, journaled, and a later apply converges
rt /system identity set name=drifted
if chattr +i "$D/ssh/files" 2>/dev/null; then
	IMMUTABLE+=("$D/ssh/files")
	nr apply --yes --target router
	expect_rc store-apply 1
	expect_in store-message "cannot create the upload on netrec@127.0.0.1:$PORT" "$err"
	expect_not_in store-no-complete "Apply complete" "$out$err"
	expect_eq store-journal '["failed",[]]' "$(journal '[j[-1]["outcome"], j[-1]["done"]]')"
	expect_in store-unchanged "/system identity set name=drifted" "$(body)"
	chattr -i "$D/ssh/files"
else
	echo "note: chattr +i is not available: the file store case uses a file in its place" >&2
	mv "$D/ssh/files" "$D/ssh/files.away" && : >"$D/ssh/files"
	nr apply --yes --target router
	expect_rc store-apply 1
	expect_in store-message "netrec@127.0.0.1:$PORT" "$err"
	expect_eq store-journal '["failed",[]]' "$(journal '[j[-1]["outcome"], j[-1]["done"]]')"
	expect_in store-unchanged "/system identity set name=drifted" "$(body)"
	rm -f "$D/ssh/files" && mv "$D/ssh/files.away" "$D/ssh/files"
fi
nr apply --yes --target router
expect_rc store-later-apply 0
expect_eq store-later-export "$LAB_EXPORT" "$(body)"
expect_no_uploads store

# --- 7. transport faults -------------------------------------------------
newlab transport
KH=$D/ssh/known_hosts
cp "$KH" "$T/known_hosts.good"
FP=$(ssh-keygen -lf "$D/ssh/host_ed25519.pub" | awk '{print $2}')

# the router is down
"$SSHD" down "$D/ssh"
nr plan --target router
expect_rc down-plan 1
expect_in down-plan-message "cannot connect to netrec@127.0.0.1:$PORT" "$err"
nr apply --yes --target router
expect_rc down-apply 1
expect_in down-apply-message "cannot connect to netrec@127.0.0.1:$PORT" "$err"
expect_not_in down-no-complete "Apply complete" "$out$err"
"$SSHD" up "$D/ssh" "$PORT" "$ROSIM" 2>"$T/.sshd.err" || fail "sshd up again: $(cat "$T/.sshd.err")"
expect_eq down-unchanged "$FRESH_EXPORT" "$(body)"
[ ! -e "$D/state/router.json" ] && pass || fail "router down: router.json written"

# an unknown host key: refused, with its fingerprint and the one command
: >"$KH"
nr plan --target router
expect_rc unknown-plan 1
expect_in unknown-refused "refused: the host key of netrec@127.0.0.1:$PORT is not in '$KH'" "$err"
expect_in unknown-fingerprint "(fingerprint $FP)" "$err"
expect_in unknown-command "trust it with: ssh-keyscan -p $PORT 127.0.0.1 >> $KH" "$err"
nr apply --yes --target router
expect_rc unknown-apply 1
expect_in unknown-apply-refused "is not in '$KH'" "$err"
# the printed command does trust it (DIR/router too)
cmd=$(sed -n 's/.*trust it with: \(ssh-keyscan .*\)$/\1/p' "$T/.stderr" | head -1)
expect_eq unknown-command-exact "ssh-keyscan -p $PORT 127.0.0.1 >> $KH" "$cmd"
bash -c "$cmd" 2>/dev/null
expect_eq unknown-unchanged "$FRESH_EXPORT" "$(body)"
nr plan --target router --detailed-exitcode
expect_rc unknown-trusted-plan 2

# a changed host key: refused loudly, nothing done
ssh-keygen -q -t ed25519 -N '' -f "$T/other_host" </dev/null >/dev/null
printf '[127.0.0.1]:%s %s\n' "$PORT" "$(cut -d' ' -f1-2 "$T/other_host.pub")" >"$KH"
nr plan --target router
expect_rc changed-plan 1
expect_in changed-loud "REFUSED: the host key of netrec@127.0.0.1:$PORT CHANGED (now $FP)" "$err"
expect_in changed-advice "this may be an attack" "$err"
nr apply --yes --target router
expect_rc changed-apply 1
expect_in changed-apply-loud "CHANGED" "$err"
cp "$T/known_hosts.good" "$KH"
expect_eq changed-unchanged "$FRESH_EXPORT" "$(body)"

# a key the router does not accept, and a key others can read
ssh-keygen -q -t ed25519 -N '' -f "$T/stranger" </dev/null >/dev/null
sed -i "s|key: $D/ssh/id_ed25519,|key: $T/stranger,|" "$D/network.yaml"
nr plan --target router
expect_rc wrongkey-plan 1
expect_in wrongkey-message "netrec@127.0.0.1:$PORT refused the key '$T/stranger'" "$err"
chmod 0644 "$T/stranger"
nr plan --target router
expect_rc openkey-plan 1
expect_in openkey-message "the SSH key '$T/stranger' is readable by others (mode 0644)" "$err"
sed -i "s|key: $T/stranger,|key: $D/ssh/id_ed25519,|" "$D/network.yaml"

# the connection drops mid-import: a stand-in login shell kills its sshd
# session when asked to import, before (1) or after (2) the import ran
cat >"$D/ssh/dropper" <<X
#!/usr/bin/env bash
# test-router: drops the SSH session around an /import
case "\$2" in
/import*)
	# slow: the import takes longer than router.ssh.timeout (and then
	# does not run)
	if [ -e "$D/ssh/slow" ]; then sleep 4; exit 1; fi
	if [ -e "$D/ssh/drop-after" ]; then "$ROSIM" "\$@" >/dev/null; fi
	kill -9 \$PPID
	exit 1 ;;
esac
exec "$ROSIM" "\$@"
X
chmod +x "$D/ssh/dropper"
cp "$D/ssh/passwd" "$T/passwd.good"
sed -i "s|^netrec+ct:\(.*\):[^:]*\$|netrec+ct:\1:$D/ssh/dropper|" "$D/ssh/passwd"
rt /system identity print
expect_in dropper-works "name: MikroTik" "$out"
nr apply --yes --target router
expect_rc drop-apply 1
expect_in drop-message "the connection dropped" "$err"
expect_not_in drop-no-complete "Apply complete" "$out$err"
expect_eq drop-journal '["failed",[]]' "$(journal '[j[-1]["outcome"], j[-1]["done"]]')"
expect_eq drop-unchanged "$FRESH_EXPORT" "$(body)"
# the upload holds secret values: removed over a new connection
expect_no_uploads drop
# a command slower than router.ssh.timeout: one clear error, recorded,
# the upload removed
touch "$D/ssh/slow"
sed -i "s|known_hosts: $D/ssh/known_hosts}|known_hosts: $D/ssh/known_hosts, timeout: 2s}|" "$D/network.yaml"
expect_in slow-configured "timeout: 2s" "$(cat "$D/network.yaml")"
nr apply --yes --target router
expect_rc slow-apply 1
expect_in slow-message "timed out after 2 s" "$err"
expect_eq slow-journal "failed" "$(journal 'j[-1]["outcome"]')"
expect_eq slow-unchanged "$FRESH_EXPORT" "$(body)"
expect_no_uploads slow
rm "$D/ssh/slow"
sed -i "s|, timeout: 2s}|}|" "$D/network.yaml"
touch "$D/ssh/drop-after"
nr apply --yes --target router
expect_rc drop-after-apply 1
expect_in drop-after-message "the connection dropped" "$err"
expect_eq drop-after-journal "failed" "$(journal 'j[-1]["outcome"]')"
expect_eq drop-after-imported "$LAB_EXPORT" "$(body)"
expect_no_uploads drop-after
# an upload left by an attempt that could not clean up is removed by the
# next apply (here: put there by hand); only netrec's own names are
# (netrec-<16 hex>.rsc, netrec-reset-<16 hex>.rsc, and the netrec-<pid>
# names of older versions), not look-alikes
LEFTOVERS="netrec-0123456789abcdef.rsc netrec-reset-fedcba9876543210.rsc
netrec-99999.rsc netrec-reset-4242.rsc"
LOOKALIKES="netrec-12345678901.rsc netrec-0123456789abcde.rsc
netrec-0123456789abcdef0.rsc netrec-0123456789ABCDEF.rsc
netrec-reset-.rsc netrec-reset-0123456789abcdefg.rsc
netrec-0123456789abcdef.rsc.txt netrec-0123456789abcdef.auto.rsc"
for f in $LEFTOVERS; do printf '/system identity set name=x\n' >"$D/ssh/files/$f"; done
for f in $LOOKALIKES; do printf 'keep\n' >"$D/ssh/files/$f"; done
printf 'keep\n' >"$D/ssh/files/netrec-notes.txt"
cp "$T/passwd.good" "$D/ssh/passwd"
nr apply --yes --target router
expect_rc drop-later-apply 0
expect_eq drop-later-export "$LAB_EXPORT" "$(body)"
expect_eq drop-later-leftovers-removed "" \
	"$(for f in $LEFTOVERS; do [ -e "$D/ssh/files/$f" ] && echo "$f"; done)"
expect_eq drop-later-lookalikes-kept "$(xargs <<<"$LOOKALIKES")" \
	"$(for f in $LOOKALIKES; do [ "$(cat "$D/ssh/files/$f" 2>&1)" = keep ] && echo "$f"; done | xargs)"
for f in $LOOKALIKES; do rm -f "$D/ssh/files/$f"; done
expect_no_uploads drop-later-cleanup
expect_eq drop-later-other-file-kept "keep" "$(cat "$D/ssh/files/netrec-notes.txt" 2>&1)"
nr plan --target router --detailed-exitcode
expect_rc drop-later-converged 0

# --- reset mode: the whole config after a reset-configuration ------------
newlab reset
sed -i 's|^  host: 127.0.0.1$|&\n  mode: reset|' "$D/network.yaml"
nr plan --target router --detailed-exitcode
expect_rc reset-plan 2
expect_in reset-plan-action "~ router[127.0.0.1]  restart (router-restart)" "$out"
expect_in reset-plan-reason "reason: 5 RouterOS commands (reset mode: the whole config after a reset-configuration)" "$out"
nr apply --yes --target router
expect_rc reset-apply 0
expect_in reset-apply-resetting "resetting the router ... done" "$err"
expect_eq reset-export "$LAB_EXPORT" "$(body)"
expect_eq reset-admin-password "\"$(opvalue)\"" "$(password_of admin)"
rt /log print
expect_in reset-happened "configuration was reset" "$out"
expect_in reset-script-ran "Script file loaded and executed successfully" "$out"
# reset_names: the scripts run after each reset, from the router's log
reset_names() { "$R" /log print | tr -d '\r' | sed -n 's/.*run-after-reset \([^ :]*\): .*/\1/p'; }
reset_name=$(reset_names)
expect_eq reset-upload-name 1 "$(grep -cE '^netrec-reset-[0-9a-f]{16}\.rsc$' <<<"$reset_name")"
# the uploaded script holds the secret values: not left behind
expect_no_uploads reset
nr plan --target router --detailed-exitcode
expect_rc reset-converged 0
rt /ip address add address=10.9.9.1/24 interface=ether3
nr apply --yes --target router
expect_rc reset-drift-apply 0
expect_eq reset-drift-export "$LAB_EXPORT" "$(body)"
expect_no_uploads reset-drift
expect_eq reset-journal '["applied",["router[127.0.0.1]"]]' "$(journal '[j[-1]["outcome"], j[-1]["done"]]')"
# the name is the digest of the whole config with its secrets masked: the
# same config again, and again with a rotated secret, gives the same name
setwg "$(head -c 32 /dev/urandom | base64)"
nr apply --yes --target router
expect_rc reset-rotate-apply 0
rt /export terse show-sensitive
expect_in reset-rotate-wg "private-key=\"$(cat "$D/secrets/wg0.key")\"" "$out"
expect_eq reset-names-same "$reset_name $reset_name $reset_name" "$(reset_names | xargs)"
expect_no_uploads reset-rotate

# --- 4 (end). no secret value anywhere -----------------------------------
for l in "${LABS[@]}"; do
	[ -d "$l/state" ] || continue
	find "$l/state" "$l/root" -type f >>"$T/scan.list"
	[ -f "$l/calls.log" ] && echo "$l/calls.log" >>"$T/scan.list"
	[ -f "$l/state/journal.jsonl" ] || fail "no journal in $l"
done
echo "$LOG" >>"$T/scan.list"
nfiles=$(wc -l <"$T/scan.list")
[ "$nfiles" -gt 10 ] && pass || fail "leak scan: only $nfiles files"
[ "${#SECRETS[@]}" -ge 8 ] && pass || fail "leak scan: only ${#SECRETS[@]} secrets"
[ -s "$LOG" ] && pass || fail "leak scan: no output kept"
for s in "${SECRETS[@]}"; do
	[ -n "$s" ] || continue
	hits=$(tr '\n' '\0' <"$T/scan.list" | xargs -0 grep -lF -e "$s" -- 2>/dev/null)
	expect_eq "no secret value in outputs or files (${#s} chars)" "" "$hits"
done
# and "(sensitive value changed)" was shown where values changed
expect_in sensitive-shown "(sensitive value changed)" "$(cat "$LOG")"

finish
