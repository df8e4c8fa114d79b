#!/usr/bin/env bash
# test-inventory: `netrec inventory` on fake sysfs trees made by
# tests/lab/mksysfs (exact JSON, text layout, broken trees) and on this
# machine's real bus, compared with `lspci -nnD -k` (read-only).
. "$(dirname "$0")/lib.sh"
N=$NETREC_BIN
MKSYSFS=$NETREC_SRC/tests/lab/mksysfs
PY=/usr/bin/python3

# json_equal NAME WANT GOT: the same JSON, keys in the same order
json_equal() {
	if $PY -c '
import json, sys
load = lambda s: json.loads(s, object_pairs_hook=list)
sys.exit(0 if load(sys.argv[1]) == load(sys.argv[2]) else 1)
' "$2" "$3"; then pass; else
		fail "$1: JSON differs
want: $2
got:  $3"
	fi
}

# --- (a) the lab's reference hardware, exact JSON ----------------------
run "$MKSYSFS" "$T/ref"
expect_rc mksysfs 0

run "$N" --sysfs "$T/ref" inventory --json
expect_rc ref-json 0
# 8086:0d57 has no device name in pci.ids (2023.04): null
json_equal ref-json '[
 {"slot":"0000:00:00.0","id":"8086:0d57","class":"0600","driver":null,
  "iommu_group":null,"vendor":"Intel Corporation","device":null},
 {"slot":"0000:01:00.0","id":"8086:1521","class":"0200","driver":"igb",
  "iommu_group":"12","vendor":"Intel Corporation",
  "device":"I350 Gigabit Network Connection"},
 {"slot":"0000:01:00.1","id":"8086:1521","class":"0200","driver":"igb",
  "iommu_group":"13","vendor":"Intel Corporation",
  "device":"I350 Gigabit Network Connection"},
 {"slot":"0000:06:00.0","id":"10ec:8168","class":"0200","driver":"r8169",
  "iommu_group":"15","vendor":"Realtek Semiconductor Co., Ltd.",
  "device":"RTL8111/8168/8411 PCI Express Gigabit Ethernet Controller"}
]' "$out"

# global options after the verb, --json given globally
run "$N" inventory --json --sysfs "$T/ref"
expect_rc ref-json-after 0
ref_json=$out
run "$N" --sysfs "$T/ref" --json inventory
json_equal ref-json-global "$ref_json" "$out"

# an odd tree: a device in the host NIC's IOMMU group, a slot holding
# another ID, vfio-pci bound, an unknown vendor, out of order
cat >"$T/odd.spec" <<'EOF'
0001:00:02.0  0bad:0001  0c0330  -         20
0000:06:00.1  10ec:8168  0200    r8169     15
0000:06:00.0  10ec:8168  0200    r8169     15
0000:01:00.1  8086:1533  0200    igb       13
0000:01:00.0  8086:1521  0200    vfio-pci  12
EOF
run "$MKSYSFS" "$T/odd" --spec "$T/odd.spec"
expect_rc mksysfs-odd 0
run "$N" --sysfs "$T/odd" inventory --json
expect_rc odd-json 0
json_equal odd-json '[
 {"slot":"0000:01:00.0","id":"8086:1521","class":"0200",
  "driver":"vfio-pci","iommu_group":"12","vendor":"Intel Corporation",
  "device":"I350 Gigabit Network Connection"},
 {"slot":"0000:01:00.1","id":"8086:1533","class":"0200","driver":"igb",
  "iommu_group":"13","vendor":"Intel Corporation",
  "device":"I210 Gigabit Network Connection"},
 {"slot":"0000:06:00.0","id":"10ec:8168","class":"0200","driver":"r8169",
  "iommu_group":"15","vendor":"Realtek Semiconductor Co., Ltd.",
  "device":"RTL8111/8168/8411 PCI Express Gigabit Ethernet Controller"},
 {"slot":"0000:06:00.1","id":"10ec:8168","class":"0200","driver":"r8169",
  "iommu_group":"15","vendor":"Realtek Semiconductor Co., Ltd.",
  "device":"RTL8111/8168/8411 PCI Express Gigabit Ethernet Controller"},
 {"slot":"0001:00:02.0","id":"0bad:0001","class":"0c03","driver":null,
  "iommu_group":"20","vendor":null,"device":null}
]' "$out"

# an empty tree: an empty array, a bare header
run "$MKSYSFS" "$T/empty" --spec /dev/null
run "$N" --sysfs "$T/empty" inventory --json
expect_rc empty-json 0
json_equal empty-json '[]' "$out"

# lspci reads the generated tree the same way
if command -v lspci >/dev/null; then
	run lspci -nnD -k -A linux-sysfs -O sysfs.path="$T/ref"
	expect_rc lspci-ref 0
	expect_in lspci-ref "0000:01:00.1 Ethernet controller [0200]: Intel Corporation I350 Gigabit Network Connection [8086:1521]" "$out"
	expect_in lspci-ref "Kernel driver in use: r8169" "$out"
fi

# --- (c) text: a header, then one line per device ----------------------
# check_text NAME JSON TEXT: the header, then one line per JSON device with
# its slot, id, class, driver and group in order
check_text() {
	if msg=$($PY -c '
import json, sys
devs = json.loads(sys.argv[1])
lines = sys.argv[2].split("\n")
if lines[0].split() != ["SLOT", "ID", "CLASS", "DRIVER", "IOMMU", "DEVICE"]:
    sys.exit("bad header: %r" % lines[0])
if len(lines) != len(devs) + 1:
    sys.exit("%d lines for %d devices" % (len(lines) - 1, len(devs)))
for d, line in zip(devs, lines[1:]):
    want = [d["slot"], d["id"], d["class"], d["driver"] or "-",
            d["iommu_group"] or "-"]
    if line.split()[:5] != want:
        sys.exit("line %r, expected it to start %r" % (line, want))
    name = " ".join(x for x in (d["vendor"], d["device"]) if x)
    if not line.rstrip().endswith(name):
        sys.exit("line %r does not end with %r" % (line, name))
' "$2" "$3" 2>&1); then pass; else
		fail "$1: $msg"
	fi
}

run "$N" --sysfs "$T/ref" inventory
expect_rc ref-text 0
check_text ref-text "$ref_json" "$out"
run "$N" --sysfs "$T/odd" --json inventory
odd_json=$out
run "$N" --sysfs "$T/odd" inventory
check_text odd-text "$odd_json" "$out"
run "$N" --sysfs "$T/empty" inventory
check_text empty-text '[]' "$out"

# --- (d) errors: exit 1, a message naming the path ---------------------
run "$N" --sysfs /nonexistent inventory
expect_rc nonexistent 1
expect_in nonexistent "/nonexistent" "$err"
expect_in nonexistent "cannot read the PCI devices" "$err"
if [ -z "$out" ]; then pass; else fail "nonexistent: stdout not empty: $out"; fi
run "$N" --sysfs /nonexistent inventory --json
expect_rc nonexistent-json 1

run "$MKSYSFS" "$T/broken"
rm "$T/broken/devices/0000:01:00.1/vendor"
run "$N" --sysfs "$T/broken" inventory --json
expect_rc broken 1
expect_in broken "$T/broken/devices/0000:01:00.1/vendor" "$err"
if [ -z "$out" ]; then pass; else fail "broken: stdout not empty: $out"; fi

run "$MKSYSFS" "$T/junk"
mkdir "$T/junk/devices/junk"
run "$N" --sysfs "$T/junk" inventory
expect_rc junk 1
expect_in junk "'junk' is not a PCI slot" "$err"

# --- (b) the real bus against lspci -nnD -k ----------------------------
if ! command -v lspci >/dev/null; then
	echo "note: lspci not found; real-bus comparison skipped" >&2
elif [ ! -d /sys/bus/pci/devices ]; then
	echo "note: no /sys/bus/pci; real-bus comparison skipped" >&2
else
	run "$N" inventory --json
	expect_rc real-json 0
	real_json=$out
	run lspci -nnD -k
	expect_rc real-lspci 0
	real_lspci=$out
	if msg=$($PY -c '
import json, os, re, sys
devs = json.loads(sys.argv[1])
# 0000:00:03.0 Ethernet controller [0200]: Red Hat, Inc. Virtio ... [1af4:1041] (rev 01)
head = re.compile(r"^([0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]) "
                  r".*?\[([0-9a-f]{4})\]: (.*) \[([0-9a-f]{4}:[0-9a-f]{4})\]"
                  r"(?: \(rev [0-9a-f]{2}\))?(?: \(prog-if [^)]*\))?$")
seen = []
cur = None
for line in sys.argv[2].split("\n"):
    m = head.match(line)
    if m:
        cur = {"slot": m.group(1), "class": m.group(2), "name": m.group(3),
               "id": m.group(4), "driver": None}
        seen.append(cur)
    elif line.startswith("\tKernel driver in use: ") and cur:
        cur["driver"] = line.split(": ", 1)[1]
    elif line and not line.startswith("\t"):
        sys.exit("unparsed lspci line: %r" % line)
bad = []
if [d["slot"] for d in devs] != [s["slot"] for s in seen]:
    bad.append("slots: netrec %s, lspci %s"
               % ([d["slot"] for d in devs], [s["slot"] for s in seen]))
for d, s in zip(devs, seen):
    for key in ("slot", "id", "class", "driver"):
        if d[key] != s[key]:
            bad.append("%s %s: netrec %r, lspci %r"
                       % (d["slot"], key, d[key], s[key]))
    # the IOMMU group as the kernel links it
    link = "/sys/bus/pci/devices/%s/iommu_group" % d["slot"]
    group = (os.path.basename(os.readlink(link))
             if os.path.islink(link) else None)
    if d["iommu_group"] != group:
        bad.append("%s iommu_group: netrec %r, sysfs %r"
                   % (d["slot"], d["iommu_group"], group))
    # names: lspci prints "VENDOR DEVICE", or "Device XXXX" where it has none
    if d["vendor"] is not None:
        want = d["vendor"] + " " + (d["device"] or "Device")
        if s["name"] != want:
            bad.append("%s names: netrec %r %r, lspci %r"
                       % (d["slot"], d["vendor"], d["device"], s["name"]))
    elif s["name"] != "Device":
        bad.append("%s vendor: netrec null, lspci %r" % (d["slot"], s["name"]))
if not devs:
    bad.append("no devices")
print("%d devices" % len(devs))
sys.exit("\n".join(bad) if bad else 0)
' "$real_json" "$real_lspci" 2>&1); then
		pass
		echo "real bus: $msg agree with lspci -nnD -k"
	else
		fail "real-bus: netrec and lspci differ:
$msg"
	fi
	run "$N" inventory
	expect_rc real-text 0
	check_text real-text "$real_json" "$out"
fi

finish
