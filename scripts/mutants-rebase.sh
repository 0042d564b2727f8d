#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Carry the mutants (tests/mutants/*.patch) over a mechanical change of the
# C sources, such as `make format`: each patch is applied to the tree of
# commit OLD (where it applies), the C files it touches are passed through
# clang-format, and the patch is rewritten as the difference between that
# and the same files in this checkout.  So a mutant keeps its meaning (the
# same deliberate bug) while its context lines follow the new layout.
# Header comment lines (# catches:, # run:, ...) are kept; patches of other
# files (scripts) are kept as they are.  Requires that this checkout's C
# files equal clang-format of OLD's (i.e. the change was only formatting).
#
#   scripts/mutants-rebase.sh OLD [PATCH...]
#
# Then `git apply --check` every patch and run `make mutate` (or a sample).
set -eu
cd "$(dirname "$0")/.."
root=$PWD
old=${1:?usage: scripts/mutants-rebase.sh OLD-COMMIT [PATCH...]}
shift
[ $# -eq 0 ] && set -- tests/mutants/*.patch
tmp=$(mktemp -d)
trap 'git -C "$root" worktree remove --force "$tmp/old" >/dev/null 2>&1; rm -rf "$tmp"' EXIT
git worktree add --detach -q "$tmp/old" "$old"
n=0 kept=0
for p in "$@"; do
	ap=$root/$p
	git -C "$tmp/old" checkout -q -- .
	if ! git -C "$tmp/old" apply "$ap"; then
		echo "mutants-rebase: $p does not apply to $old" >&2
		exit 1
	fi
	mapfile -t files < <(sed -n 's|^+++ b/||p' "$ap")
	cfiles=()
	for f in "${files[@]}"; do
		case $f in *.c | *.h) cfiles+=("$f") ;; esac
	done
	if [ ${#cfiles[@]} -ne ${#files[@]} ] || [ ${#cfiles[@]} -eq 0 ]; then
		kept=$((kept + 1))
		continue
	fi
	out=$tmp/new.patch
	sed -n '/^\(diff --git\|--- \)/q;p' "$ap" >"$out"
	for f in "${cfiles[@]}"; do
		(cd "$tmp/old" && clang-format -i "$f")
		diff -u --label "a/$f" --label "b/$f" "$root/$f" "$tmp/old/$f" >>"$out" && {
			echo "mutants-rebase: $p: no difference left in $f after formatting" >&2
			exit 1
		}
	done
	cp "$out" "$ap"
	n=$((n + 1))
done
echo "mutants-rebase: $n rewritten, $kept kept as they were"
