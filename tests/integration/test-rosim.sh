#!/usr/bin/env bash
# test-rosim: the RouterOS simulator (tests/lab/rosim) behind the lab's
# real OpenSSH sshd, driven over SSH and SFTP as netrec drives a router:
# CRLF output and exit status 0; /export in the corpus's format (header,
# menu headers in dependency order, items in list order: firewall rules
# across chains as they run; defaults omitted but action=accept printed,
# 80-column wrapping, terse and verbose, show-sensitive, file=);
# add/set/remove/move/enable/
# disable with find and place-before and stable *ids; the real error
# texts; SFTP uploads in /file, /import (success, a failing line, a syntax
# error, a missing file, dry-run), /file remove; /user never exported; the
# state persisting across sessions (and concurrent sessions serialised);
# reset-configuration with run-after-reset; the lab's wiring (lab up/down);
# and the corpus round trip: for every real export, fmt(the simulator's
# /export terse show-sensitive of the loaded file) == fmt(the file).
. "$(dirname "$0")/lib.sh"
N=$NETREC_BIN
ROSIM=${NETREC_ROSIM:-$NETREC_SRC/build/tests/lab/rosim/rosim}
C=${NETREC_SHARED:-$NETREC_SRC/../shared}/corpus/routeros
LAB=$NETREC_SRC/tests/lab/lab
L=$T/lab
export NETREC_ROSIM=$ROSIM
trap '"$LAB" down "$L" >/dev/null 2>&1; rm -rf "$T"' EXIT

# expect_eq NAME WANT GOT
expect_eq() {
	if [ "$2" = "$3" ]; then pass; else
		fail "$1: expected [$2], got [$3]"
	fi
}

# rt CMD: one command on the router over SSH; $out without CRs, $raw as is
rt() {
	raw=$("$L/router" "$@" 2>"$T/.stderr")
	rc=$?
	err=$(cat "$T/.stderr")
	out=${raw//$'\r'/}
}

# The file store over SFTP: sftp_put LOCAL NAME
sftp_put() {
	printf 'put %s %s\n' "$1" "$2" >"$T/batch"
	sftp -q -b "$T/batch" -P "$port" -i "$L/ssh/id_ed25519" \
		-o UserKnownHostsFile="$L/ssh/known_hosts" \
		-o StrictHostKeyChecking=yes -o BatchMode=yes \
		netrec+ct@127.0.0.1 >/dev/null 2>"$T/sftp.err"
}

# ---- the lab: sshd on a free loopback port, DIR/router ----

run "$LAB" up "$L"
expect_rc lab-up 0
port=$(cat "$L/ssh/port" 2>/dev/null)
[[ "$port" =~ ^[0-9]+$ ]] && pass || fail "no port in ssh/port: $port"
[ -x "$L/router" ] && pass || fail "no DIR/router"
expect_in network-port "port: $port," "$(cat "$L/network.yaml")"
expect_in network-host "host: 127.0.0.1" "$(cat "$L/network.yaml")"
expect_in network-config "interface=ether1" "$(cat "$L/network.yaml")"
run "$N" validate -f "$L/network.yaml"
expect_rc network-valid 0
pid=$(cat "$L/ssh/sshd.pid")
run "$LAB" up "$L"
expect_rc lab-up-again 0
expect_eq same-port "$port" "$(cat "$L/ssh/port")"
expect_eq same-sshd "$pid" "$(cat "$L/ssh/sshd.pid")"

# ---- a fresh CHR: CRLF, exit 0, the export header ----

rt /export
expect_rc export-rc 0
n_lines=$(printf '%s' "$raw" | grep -c '')
n_crlf=$(printf '%s' "$raw" | grep -c $'\r$')
expect_eq crlf "$n_lines" "$n_crlf"
[[ "$(sed -n 1p <<<"$out")" =~ ^#\ [0-9]{4}-[0-9]{2}-[0-9]{2}\ [0-9]{2}:[0-9]{2}:[0-9]{2}\ by\ RouterOS\ 7\.19\.3$ ]] &&
	pass || fail "header line 1: $(sed -n 1p <<<"$out")"
[[ "$(sed -n 2p <<<"$out")" =~ ^#\ system\ id\ =\ [A-Za-z0-9]{11}$ ]] &&
	pass || fail "header line 2: $(sed -n 2p <<<"$out")"
expect_eq fresh-chr $'/ip dhcp-client\nadd interface=ether1' "$(sed 1,2d <<<"$out")"

# a failing command still exits 0: only the text tells
rt '/ip address remove *FFFF'
expect_rc failure-rc 0
expect_eq no-such-item "no such item" "$out"

# ---- configuration commands and the compact export ----

rt '/ip dhcp-client set [ find interface=ether1 ] comment=admin_interface use-peer-dns=yes disabled=no'
expect_eq set-quiet "" "$out"
rt '/ip address add address=192.168.10.1/24 interface=ether2 network=192.168.10.0'
expect_eq add-quiet "" "$out"
rt '/ip address add address=192.168.10.1/24 interface=ether2'
expect_eq dup-address "failure: already have such address" "$out"
rt /interface bridge add name=bridge1
rt /interface bridge add name=bridge1
expect_eq dup-bridge "failure: already have interface with name bridge1" "$out"
rt '/system identity set name=lab-router'
rt '/interface ethernet set [ find default-name=ether3 ] comment=uplink'
rt '/ip firewall filter add chain=input action=accept connection-state=established,related comment="a long comment that certainly makes this line wrap at eighty columns"'
rt /export
expect_eq export-compact "/interface bridge
add name=bridge1
/interface ethernet
set [ find default-name=ether3 ] comment=uplink
/ip address
add address=192.168.10.1/24 interface=ether2 network=192.168.10.0
/ip dhcp-client
add comment=admin_interface interface=ether1
/ip firewall filter
add action=accept chain=input comment=\"a long comment that certainly makes this line wrap at eighty columns\" connection-state=established,related
/system identity
set name=lab-router" "$(sed 1,2d <<<"$out" | sed -e ':a' -e '/\\$/{N;s/\\\n    //;ba' -e '}')"
# the long line wraps: a trailing backslash, 4 spaces, at most 80 columns
expect_eq wrap-80 "" "$(awk 'length($0) > 80' <<<"$out")"
expect_eq wrap-shape 1 "$(grep -c '^add action=accept chain=input comment="a long.*\\$' <<<"$out")"
expect_eq wrap-indent 1 "$(grep -c '^    .*connection-state=established,related$' <<<"$out")"
rt /export terse
expect_in terse-line '/ip firewall filter add action=accept chain=input comment="a long comment that certainly makes this line wrap at eighty columns" connection-state=established,related' "$out"
expect_not_in terse-no-wrap '\' "$out"
expect_eq terse-lines 6 "$(sed 1,2d <<<"$out" | grep -c '^/')"
rt /export verbose
expect_in verbose-defaults "use-peer-dns=yes" "$out"
expect_in verbose-disabled "disabled=no" "$out"
rt /ip export terse
expect_in menu-export "/ip address add" "$out"
expect_not_in menu-export-only "/interface bridge" "$out"

# ---- errors the router prints ----

rt '/ip adress add address=10.0.0.1/24 interface=ether2'
expect_eq bad-menu "bad command name adress (line 1 column 5)" "$out"
rt '/ip address frobnicate'
expect_eq bad-verb "bad command name frobnicate (line 1 column 13)" "$out"
# (a bare word would be a flag such as `passive`: a stray `]` is not)
rt '/ip address add address=10.0.0.1/24 interface=ether2 ]'
expect_eq extra-word "expected end of command (line 1 column 54)" "$out"
rt '/export bogus'
expect_eq bad-flag "expected end of command (line 1 column 9)" "$out"
rt '/interface wireguard peers add interface=wg9 public-key="x="'
expect_eq bad-ref "input does not match any value of interface" "$out"
rt '/ip address add address=10.0.0.1/24 interface=ether2 comment="open'
expect_in syntax-error "syntax error (line 1 column" "$out"

# ---- ordered lists: place-before, move, enable/disable, stable ids ----

rt '/ip firewall filter remove [ find ]'
rt '/ip firewall filter add chain=forward action=accept comment=A'
rt '/ip firewall filter add chain=forward action=drop comment=C'
rt '/ip firewall filter add chain=forward action=accept comment=B place-before=[ find comment=C ]'
rt '/ip firewall filter print show-ids'
ids=$(awk '{print $1}' <<<"$out" | tr '\n' ' ')
expect_eq order-place-before "A B C" "$(grep -o 'comment=.' <<<"$out" | cut -c9 | tr '\n' ' ' | sed 's/ $//')"
rt '/ip firewall filter move [ find comment=C ] destination=[ find comment=A ]'
rt '/ip firewall filter disable [ find comment=B ]'
rt '/ip firewall filter print show-ids'
expect_eq order-moved "C A B" "$(grep -o 'comment=.' <<<"$out" | cut -c9 | tr '\n' ' ' | sed 's/ $//')"
expect_in disabled-flag "X" "$(grep comment=B <<<"$out")"
idc=$(grep comment=C <<<"$out" | awk '{print $1}')
ida=$(grep comment=A <<<"$out" | awk '{print $1}')
[[ "$ids" == *"$idc"* && "$ids" == *"$ida"* && "$idc" == \** ]] && pass ||
	fail "ids changed by move: $ids vs $idc $ida"
rt /export
expect_in export-disabled "add action=accept chain=forward comment=B disabled=yes" "$out"
rt '/ip firewall filter enable [ find comment=B ]'
rt "/ip firewall filter remove $ida"
rt '/ip firewall filter print show-ids'
expect_eq removed-by-id "C B" "$(grep -o 'comment=.' <<<"$out" | cut -c9 | tr '\n' ' ' | sed 's/ $//')"
expect_eq id-stable "$idc" "$(grep comment=C <<<"$out" | awk '{print $1}')"
expect_not_in enabled "X" "$(grep comment=B <<<"$out")"
rt '/ip firewall filter add chain=forward comment=D'
rt '/ip firewall filter print show-ids'
idd=$(grep comment=D <<<"$out" | awk '{print $1}')
# print shows action=accept, as a router's does (a default all the same)
expect_in print-accept "action=accept" "$(grep comment=D <<<"$out")"
[[ "$ids" != *"$idd "* ]] && pass || fail "a new item took an old id: $idd in $ids"
# the state file holds the ids (one file, readable by tests)
expect_in state-ids "id=$((16#${idc#\*}))" "$(cat "$L/ssh/router.state")"

# the export prints every menu in the router's list order, as real
# exports do: firewall rules in one global order across chains (not
# grouped by chain), keyed items as they were added; `move` changes it
# block MENU: the items of MENU in the last compact /export, unwrapped
block() {
	sed 1,2d <<<"$out" | sed -e ':a' -e '/\\$/{N;s/\\\n    //;ba' -e '}' |
		awk -v m="$1" '/^\//{on = ($0 == m); next} on'
}
rt '/ip firewall filter add chain=input comment=I1'
rt '/ip firewall filter add chain=forward action=drop comment=F1'
rt '/ip firewall filter add chain=input comment=I2'
rt /export
expect_eq export-interleaved "add action=drop chain=forward comment=C
add action=accept chain=forward comment=B
add action=accept chain=forward comment=D
add action=accept chain=input comment=I1
add action=drop chain=forward comment=F1
add action=accept chain=input comment=I2" "$(block '/ip firewall filter')"
rt '/ip firewall filter move [ find comment=I2 ] destination=[ find comment=F1 ]'
rt '/ip firewall filter move [ find comment=D ] destination=[ find comment=C ]'
rt /export
expect_eq export-moved "add action=accept chain=forward comment=D
add action=drop chain=forward comment=C
add action=accept chain=forward comment=B
add action=accept chain=input comment=I1
add action=accept chain=input comment=I2
add action=drop chain=forward comment=F1" "$(block '/ip firewall filter')"
rt /ip firewall filter export terse
expect_eq export-moved-terse "/ip firewall filter add action=accept chain=forward comment=D
/ip firewall filter add action=drop chain=forward comment=C
/ip firewall filter add action=accept chain=forward comment=B
/ip firewall filter add action=accept chain=input comment=I1
/ip firewall filter add action=accept chain=input comment=I2
/ip firewall filter add action=drop chain=forward comment=F1" "$(sed 1,2d <<<"$out")"
# fmt, the canonical form, groups the rules by chain
"$L/router" /export terse >"$T/interleaved.rsc"
run "$N" ros fmt "$T/interleaved.rsc"
expect_in fmt-by-chain "/ip firewall filter add action=accept chain=forward comment=D
/ip firewall filter add action=drop chain=forward comment=C
/ip firewall filter add action=accept chain=forward comment=B
/ip firewall filter add action=drop chain=forward comment=F1
/ip firewall filter add action=accept chain=input comment=I1
/ip firewall filter add action=accept chain=input comment=I2" "$out"
rt '/interface bridge add name=zz-late'
rt '/interface bridge add name=aa-later'
rt /export
expect_eq export-keyed-order "add name=bridge1
add name=zz-late
add name=aa-later" "$(block '/interface bridge')"
for c in I1 I2 F1; do rt "/ip firewall filter remove [ find comment=$c ]"; done
rt '/interface bridge remove [ find name=zz-late ]'
rt '/interface bridge remove [ find name=aa-later ]'

# a hostile value survives the state file and comes back escaped
rt '/ip route add dst-address=10.66.0.0/16 gateway=192.168.10.254 comment="q\"d\$v\\b\nl\D0\9F;[x] \$(y) {z}"'
rt /export terse
expect_in hostile-value 'comment="q\"d\$v\\b\nl\D0\9F;[x] \$(y) {z}"' "$out"
rt '/ip route remove [ find dst-address=10.66.0.0/16 ]'

# ---- secrets: show-sensitive; /user never exported ----

rt '/interface wireguard add name=wg0 listen-port=13231 private-key="SECRETKEYaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa="'
rt '/user add name=bob group=full password=hunter2'
rt /export
expect_in wg-exported "add listen-port=13231 name=wg0" "$out"
expect_not_in wg-hidden "private-key" "$out"
rt /export show-sensitive
expect_in wg-shown 'private-key="SECRETKEYaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa="' "$out"
expect_not_in user-menu "/user" "$out"
expect_not_in user-password "hunter2" "$out"
expect_not_in user-name "bob" "$out"

# ---- the file store: SFTP, /file print, /import, /file remove ----

printf '/interface bridge\nadd name=bridge2\n/ip address\nadd address=10.2.2.1/24 interface=bridge2\n' >"$T/ok.rsc"
printf '/interface bridge\nadd name=bridge3\nadd name=bridge1\n/system identity set name=never\n' >"$T/fail.rsc"
printf '/system identity set name=never\n/ip address\nadd address=10.3.3.1/24 interface=ether2 ]\n' >"$T/syntax.rsc"
printf '/system identity\nset name=dry\n' >"$T/dry.rsc"
for f in ok fail syntax dry; do
	sftp_put "$T/$f.rsc" "$f.rsc"
done
[ -s "$T/sftp.err" ] && fail "sftp: $(cat "$T/sftp.err")" || pass
rt /file print
expect_in file-print-header "Columns: NAME, TYPE, SIZE, LAST-MODIFIED" "$out"
for f in ok fail syntax dry; do
	expect_in "file-print-$f" "$f.rsc" "$out"
done
expect_in file-type ".rsc file" "$out"

rt /import file-name=ok.rsc verbose=yes
expect_eq import-ok "Script file loaded and executed successfully" "$out"
rt /export terse
expect_in import-applied "/ip address add address=10.2.2.1/24 interface=bridge2" "$out"

rt /import file-name=fail.rsc
expect_eq import-fail "Script Error: failure: already have interface with name bridge1 (/interface/bridge/add; line 3) (:import; line 1)" "$out"
rt /export terse
expect_in import-kept-before "/interface bridge add name=bridge3" "$out"
expect_not_in import-stopped "name=never" "$out"

rt /import file-name=syntax.rsc
expect_eq import-syntax "Script Error: expected end of command (line 3 column 42)" "$out"
rt /export terse
expect_not_in syntax-applied-nothing "name=never" "$out"
expect_not_in syntax-applied-nothing2 "10.3.3.1" "$out"

rt /import file-name=missing.rsc
expect_eq import-missing "Cannot open import file, file does not exist (:import; line 1)" "$out"

rt /import file-name=dry.rsc verbose=yes dry-run
expect_eq import-dry "Script file loaded and executed successfully" "$out"
rt /system identity print
expect_eq dry-run-applied-nothing "  name: lab-router" "$out"

rt /file remove fail.rsc
rt '/file remove [ find name=syntax.rsc ]'
rt /file print
expect_not_in removed-by-name "fail.rsc" "$out"
expect_not_in removed-by-find "syntax.rsc" "$out"
expect_in file-kept "ok.rsc" "$out"
rt /file remove nothing.rsc
expect_eq remove-missing "no such item" "$out"

# /export file=: NAME.rsc in the store, with CRLF, then importable
rt /export file=saved
expect_eq export-file-quiet "" "$out"
rt /file print
expect_in export-file-listed "saved.rsc" "$out"
[ "$(grep -c $'\r$' "$L/ssh/files/saved.rsc")" = "$(grep -c '' "$L/ssh/files/saved.rsc")" ] &&
	pass || fail "saved.rsc is not CRLF"
expect_in export-file-content "add name=bridge3" "$(cat "$L/ssh/files/saved.rsc")"

# ---- persistence and concurrent sessions ----

before=$("$L/router" /export terse | tr -d '\r' | sed 1,2d)
for i in $(seq 1 8); do
	"$L/router" "/ip firewall address-list add list=par address=10.9.0.$i" &
done
wait
rt '/ip firewall address-list print count-only where list=par'
expect_eq concurrent-sessions 8 "$out"
rt '/ip firewall address-list remove [ find list=par ]'
after=$("$L/router" /export terse | tr -d '\r' | sed 1,2d)
expect_eq persisted "$before" "$after"
# the same state read directly by the program (a test's view)
run "$ROSIM" --state "$L/ssh" /export terse
expect_eq direct-state "$before" "$(tr -d '\r' <<<"$out" | sed 1,2d)"

# ---- reset-configuration ----

printf '/ip dhcp-client add comment=admin_interface interface=ether1\n:delay 1s\n/system identity set name=after-reset\n' >"$T/reset.rsc"
sftp_put "$T/reset.rsc" reset.rsc
rt /system reset-configuration no-defaults=yes skip-backup=yes run-after-reset=reset.rsc
expect_rc reset-rc 0
expect_eq reset-quiet "" "$out"
rt /export terse
expect_eq reset-config "/ip dhcp-client add comment=admin_interface interface=ether1
/system identity set name=after-reset" "$(sed 1,2d <<<"$out")"
rt /file print
expect_in reset-keeps-files "reset.rsc" "$out"
rt /log print
expect_in reset-logged "run-after-reset reset.rsc: Script file loaded and executed successfully" "$out"
rt /system reset-configuration skip-backup=yes
rt /export terse
expect_eq reset-defaults "/ip dhcp-client add interface=ether1" "$(sed 1,2d <<<"$out")"
printf '/system identity set name=x\n/interface bridge add name=b1\n/interface bridge add name=b1\n' >"$T/bad.rsc"
sftp_put "$T/bad.rsc" bad.rsc
rt /system reset-configuration no-defaults=yes skip-backup=yes run-after-reset=bad.rsc
rt /log print
expect_in reset-script-error "Script Error: failure: already have interface with name b1 (/interface/bridge/add; line 3)" "$out"
rt /export terse
expect_in reset-script-kept "/interface bridge add name=b1" "$out"

# ---- pre-loading a state (as after a no-defaults reset) ----

printf '/interface bridge add name=pre\n/ip address add address=10.7.7.7/24 interface=pre\n' >"$T/pre.rsc"
run "$ROSIM" --state "$T/pre" --load "$T/pre.rsc"
expect_rc load 0
run "$ROSIM" --state "$T/pre" /export terse
expect_eq load-export "/interface bridge add name=pre
/ip address add address=10.7.7.7/24 interface=pre network=10.7.7.0" "$(tr -d '\r' <<<"$out" | sed 1,2d)"

# ---- the corpus: fmt(export of the loaded file) == fmt(file) ----

if [ -d "$C" ]; then
	ok=0 bad=0 skipped=()
	for f in "$C"/*.rsc; do
		b=$(basename "$f")
		rm -rf "$T/c"
		if ! "$ROSIM" --state "$T/c" --load "$f" 2>"$T/load.err"; then
			skipped+=("$b")
			continue
		fi
		# script constructs (:commands, $variables) are skipped with a
		# warning, as `netrec ros fmt` skips them
		grep -q "unsupported" "$T/load.err" && skipped+=("$b (script lines skipped, compared anyway)")
		"$ROSIM" --state "$T/c" /export terse show-sensitive >"$T/c.export"
		"$N" ros fmt "$T/c.export" >"$T/a.fmt" 2>/dev/null
		"$N" ros fmt "$f" >"$T/b.fmt" 2>/dev/null
		if cmp -s "$T/a.fmt" "$T/b.fmt"; then
			ok=$((ok + 1))
		else
			bad=$((bad + 1))
			fail "corpus $b: fmt(export) != fmt(file): $(diff "$T/a.fmt" "$T/b.fmt" | head -5)"
		fi
	done
	echo "corpus: $ok of $((ok + bad)) files round-trip through the simulator"
	for s in "${skipped[@]}"; do
		echo "corpus: note: $s"
	done
	[ "$ok" -gt 0 ] && pass || fail "no corpus file round-trips"
else
	echo "corpus: $C absent, round trip skipped"
fi

# ---- lab down: nothing left running ----

run "$LAB" down "$L"
expect_rc lab-down 0
# a killed daemon may stay a zombie until init reaps it: not running
running() {
	[ -e "/proc/$1/status" ] && ! grep -q '^State:.*Z' "/proc/$1/status"
}
for _ in $(seq 40); do
	running "$pid" || break
	sleep 0.05
done
if running "$pid"; then fail "sshd $pid still running"; else pass; fi
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
	fail "port $port still open"
else
	pass
fi
finish
