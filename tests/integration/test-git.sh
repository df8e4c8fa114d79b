#!/usr/bin/env bash
# test-git: --repo/--rev read network.yaml from a commit of a bare or
# non-bare repository with libgit2, without touching the working tree.
. "$(dirname "$0")/lib.sh"
N=$NETREC_BIN
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.invalid
export GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.invalid

R=$T/work
git init -q -b main "$R"
cp "$NETREC_SRC/network.yaml" "$R/network.yaml"
git -C "$R" add network.yaml
git -C "$R" commit -qm good
good=$(git -C "$R" rev-parse HEAD)
sed -i 's/cpus: 2/cpus: 200/' "$R/network.yaml"
git -C "$R" commit -qam bad
bad=$(git -C "$R" rev-parse HEAD)
git -C "$R" rm -q network.yaml
git -C "$R" commit -qm removed
# the working tree now has no network.yaml at all
echo "garbage: [" >"$R/network.yaml"

run "$N" validate --repo "$R" --rev HEAD~2
expect_rc old-commit 0
expect_in old-commit "HEAD~2:network.yaml: valid (commit $good)" "$out"

run "$N" --repo "$R" --rev HEAD~1 validate
expect_rc bad-commit 1
expect_in bad-commit "HEAD~1:network.yaml:" "$err"
expect_in bad-commit "vm.cpus: 200 is out of range" "$err"

run "$N" validate --repo "$R"
expect_rc head-without-file 1
expect_in head-without-file "has no file 'network.yaml'" "$err"

run "$N" validate --repo "$R" --rev nosuchrev
expect_rc unknown-rev 1
expect_in unknown-rev "unknown revision 'nosuchrev'" "$err"

run "$N" validate --repo "$T" --rev HEAD
expect_rc not-a-repo 1
expect_in not-a-repo "is not a git repository" "$err"

# a bare clone; the full commit id and the JSON form
git clone -q --bare "$R" "$T/bare.git"
run "$N" validate --repo "$T/bare.git" --rev "$good" --json
expect_rc bare 0
expect_in bare "\"commit\": \"$good\"" "$out"
run "$N" validate --repo "$T/bare.git" --rev main~1
expect_rc bare-bad 1
expect_in bare-bad "main~1:network.yaml:" "$err"

# -f names the file inside the repository
mkdir -p "$R/sub"
git -C "$R" show "$good:network.yaml" >"$R/sub/n.yaml"
git -C "$R" add sub/n.yaml
git -C "$R" commit -qm sub
run "$N" validate --repo "$R" -f sub/n.yaml
expect_rc path-in-repo 0

# netrec leaves the working tree, the index and the refs as they were
before=$(git -C "$R" status --porcelain; git -C "$R" show-ref; ls -la "$R")
run "$N" validate --repo "$R" --rev "$bad"
expect_rc by-sha 1
after=$(git -C "$R" status --porcelain; git -C "$R" show-ref; ls -la "$R")
[ "$before" = "$after" ] && pass || fail "the repository changed"

finish
