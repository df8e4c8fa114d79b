#!/usr/bin/env bash
# test-ros-cli: `netrec ros fmt` and `netrec ros diff` on corpus files and
# small scripts: canonical output, stdin, idempotence, the script between
# two configs and back, located syntax errors with the source line and a
# caret, unsupported script lines reported, usage errors.
. "$(dirname "$0")/lib.sh"
N=$NETREC_BIN
C=${NETREC_SHARED:-$NETREC_SRC/../shared}/corpus/routeros

cat >"$T/a.rsc" <<'RSC'
# 2025-09-16 10:12:09 by RouterOS 7.19.3
/interface bridge
add name=bridge1
/interface bridge port
add bridge=bridge1 interface=ether2
add bridge=bridge1 interface=ether3
/ip address
add address=192.168.88.1/24 interface=bridge1 network=192.168.88.0
/ip firewall filter
add action=accept chain=input connection-state=established,related
add action=drop chain=input
/system identity
set name=r1
RSC
cat >"$T/b.rsc" <<'RSC'
/interface bridge add name=bridge1
/interface bridge port add bridge=bridge1 interface=ether2
/ip address add address=192.168.88.2/24 interface=bridge1
/ip firewall filter add chain=input connection-state=established,related
/ip firewall filter add chain=input protocol=tcp dst-port=22 comment="ssh; \$admin"
/ip firewall filter add action=drop chain=input
/system identity set name=r2
RSC

run "$N" ros fmt "$T/a.rsc"
expect_rc fmt 0
expect_in fmt "/interface bridge port add bridge=bridge1 interface=ether3" "$out"
expect_in fmt "/system identity set name=r1" "$out"
# real exports print action=accept on every accept rule: so does fmt
expect_in fmt "/ip firewall filter add action=accept chain=input connection-state=established,related" "$out"
printf '%s\n' "$out" >"$T/a.fmt"

run "$N" ros fmt - <"$T/a.rsc"
expect_rc fmt-stdin 0
[ "$out" = "$(cat "$T/a.fmt")" ] && pass || fail "fmt of stdin differs"

run "$N" ros fmt "$T/a.fmt"
expect_rc fmt-again 0
[ "$out" = "$(cat "$T/a.fmt")" ] && pass || fail "fmt is not idempotent"

run "$N" ros diff "$T/a.rsc" "$T/b.rsc"
expect_rc diff 0
expect_in diff '/interface bridge port remove [ find where interface=ether3 ]' "$out"
expect_in diff '/ip address set [ find where address="192.168.88.1/24" interface=bridge1 ] address=192.168.88.2/24' "$out"
expect_in diff 'comment="ssh; \$admin" dst-port=22 protocol=tcp place-before=[ find where action=drop chain=input ]' "$out"
expect_in diff "/system identity set name=r2" "$out"
# A followed by the script is B
{ cat "$T/a.rsc"; printf '%s\n' "$out"; } >"$T/ab.rsc"
run "$N" ros fmt "$T/ab.rsc"
want=$("$N" ros fmt "$T/b.rsc")
[ "$out" = "$want" ] && pass || fail "fmt(A + diff) != fmt(B): $out"

run "$N" ros diff "$T/b.rsc" "$T/b.rsc"
expect_rc diff-self 0
[ -z "$out" ] && pass || fail "diff of a file with itself: $out"

# a rule without action is the rule with action=accept: the same fmt
# (which prints the action), no diff either way
printf '/ip firewall filter\nadd chain=input\n' >"$T/noaction.rsc"
printf '/ip firewall filter\nadd action=accept chain=input\n' >"$T/accept.rsc"
printf '/ip firewall filter\nadd action=drop chain=input\n' >"$T/drop.rsc"
run "$N" ros fmt "$T/noaction.rsc"
expect_rc fmt-noaction 0
expect_eq fmt-noaction "/ip firewall filter add action=accept chain=input" "$out"
noaction=$out
run "$N" ros fmt "$T/accept.rsc"
expect_eq fmt-accept "$noaction" "$out"
run "$N" ros diff "$T/noaction.rsc" "$T/accept.rsc"
expect_rc diff-noaction-accept 0
expect_eq diff-noaction-accept "" "$out"
run "$N" ros diff "$T/accept.rsc" "$T/noaction.rsc"
expect_rc diff-accept-noaction 0
expect_eq diff-accept-noaction "" "$out"
# (while another action is a change)
run "$N" ros diff "$T/noaction.rsc" "$T/drop.rsc"
expect_in diff-noaction-drop "action=drop" "$out"

# syntax errors: every one, located, with the line and a caret
printf '/ip address\nadd address=1.1.1.1/24 interface=ether1 ]\nadd comment="open\n' >"$T/bad.rsc"
run "$N" ros fmt "$T/bad.rsc"
expect_rc syntax 1
expect_in syntax "$T/bad.rsc:2:41: expected end of command" "$err"
expect_in syntax "$T/bad.rsc:3:13: syntax error (unterminated string)" "$err"
expect_in syntax "  add address=1.1.1.1/24 interface=ether1 ]" "$err"
expect_in syntax "^" "$err"
[ -z "$out" ] && pass || fail "printed output despite errors: $out"

# a failing command: the router's message, at its line
printf '/interface bridge add name=br\n/interface bridge add name=br\n' >"$T/dup.rsc"
run "$N" ros fmt "$T/dup.rsc"
expect_rc failure 1
expect_in failure "dup.rsc:2:1: failure: already have interface with name br" "$err"

# script commands are reported, never dropped silently; --strict fails
printf ':global x "br"\n/interface bridge add name=ok\n' >"$T/script.rsc"
run "$N" ros fmt "$T/script.rsc"
expect_rc script 0
expect_in script "script.rsc:1:1: warning: unsupported script command ':global'" "$err"
expect_in script "/interface bridge add name=ok" "$out"
run "$N" ros fmt --strict "$T/script.rsc"
expect_rc strict 1
expect_in strict "script.rsc:1:1: unsupported script command ':global'" "$err"

# usage
run "$N" ros
expect_rc no-sub 64
run "$N" ros frobnicate x
expect_rc bad-sub 64
expect_in bad-sub "unknown subcommand 'frobnicate'" "$err"
run "$N" ros diff "$T/a.rsc"
expect_rc diff-one 64
run "$N" ros fmt "$T/missing.rsc"
expect_rc missing 1

# the corpus: every file formats, idempotently, and diffs to nothing
if [ -d "$C" ]; then
	n=0
	for f in "$C"/*.rsc; do
		n=$((n + 1))
		if ! "$N" ros fmt "$f" >"$T/1.rsc" 2>"$T/e"; then
			fail "fmt $(basename "$f"): $(head -3 "$T/e")"
			continue
		fi
		"$N" ros fmt "$T/1.rsc" >"$T/2.rsc" 2>/dev/null &&
			cmp -s "$T/1.rsc" "$T/2.rsc" && pass ||
			fail "fmt not idempotent on $(basename "$f")"
		run "$N" ros diff "$f" "$T/1.rsc"
		[ "$rc" -eq 0 ] && [ -z "$out" ] && pass ||
			fail "diff $(basename "$f") against its fmt: $out $err"
	done
	echo "corpus: $n files"
	run "$N" ros diff "$C/Rus1999__Network__24-HQ-conf.rsc" \
		"$C/Rus1999__Network__RO-Home-conf.rsc"
	expect_rc corpus-pair 0
else
	echo "skip: no RouterOS corpus at $C (set NETREC_SHARED)"
fi

finish
