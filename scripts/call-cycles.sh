#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Call cycles between source files.  From the object files of a build,
# per source file: which other source files' external symbols (non-static
# functions and data) it uses (nm: its undefined symbols, matched to the
# file that defines them).  The strongly connected components of that
# graph with more than one file are the cycles; each is printed with one
# closed path through it, e.g.
#   cycle: src/logger/logger.c -> src/logger/logger_flush.c -> src/logger/logger.c
#
#   scripts/call-cycles.sh [BUILD]          (default build; src/cli too)
#   scripts/call-cycles.sh --edges [BUILD]  print the graph, "a.c -> b.c (sym, ...)"
#
# Exits 1 when there is a cycle, 2 when BUILD has no objects (build
# first: make all), 0 otherwise.  Run by scripts/lint.sh after a build.
set -u
cd "$(dirname "$0")/.."
mode=cycles
if [ "${1:-}" = --edges ]; then
	mode=edges
	shift
fi
build=${1:-build}
objdir=$build/obj/src
if [ ! -d "$objdir" ] || [ -z "$(find "$objdir" -name '*.o' -print -quit)" ]; then
	echo "call-cycles: no objects under $objdir (build first: make all)" >&2
	exit 2
fi
find "$objdir" -name '*.o' | sort | while read -r o; do
	src=${o#"$build"/obj/}
	src=${src%.o}.c
	nm "$o" | awk -v f="$src" '
		$1 == "U" { print "U", f, $2; next }
		NF == 3 && $2 ~ /^[TDBRGSVW]$/ { print "D", f, $3 }'
done | python3 -c '
import sys
mode = sys.argv[1]
defs, uses = {}, {}
for line in sys.stdin:
    k, f, s = line.split()
    if k == "D":
        defs.setdefault(s, f)
    else:
        uses.setdefault(f, set()).add(s)
graph = {}
for f, syms in uses.items():
    for s in syms:
        g = defs.get(s)
        if g and g != f:
            graph.setdefault(f, {}).setdefault(g, []).append(s)
if mode == "edges":
    for f in sorted(graph):
        for g in sorted(graph[f]):
            print("%s -> %s (%s)" % (f, g, ", ".join(sorted(graph[f][g]))))
    sys.exit(0)
# Tarjan, iteratively
nodes = sorted(set(graph) | {g for f in graph for g in graph[f]})
index, low, on, stack, sccs, n = {}, {}, set(), [], [], [0]
for root in nodes:
    if root in index:
        continue
    work = [(root, iter(sorted(graph.get(root, {}))))]
    index[root] = low[root] = n[0]; n[0] += 1; stack.append(root); on.add(root)
    while work:
        v, it = work[-1]
        for w in it:
            if w not in index:
                index[w] = low[w] = n[0]; n[0] += 1; stack.append(w); on.add(w)
                work.append((w, iter(sorted(graph.get(w, {})))))
                break
            if w in on:
                low[v] = min(low[v], index[w])
        else:
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop(); on.discard(w); comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    sccs.append(sorted(comp))
def path(comp):
    # a shortest closed path through the first file, inside the component
    start, inside = comp[0], set(comp)
    prev, frontier = {start: None}, [start]
    while frontier:
        nxt = []
        for v in frontier:
            for w in sorted(graph.get(v, {})):
                if w == start:
                    p = [v]
                    while prev[p[-1]] is not None:
                        p.append(prev[p[-1]])
                    return p[::-1] + [start]
                if w in inside and w not in prev:
                    prev[w] = v
                    nxt.append(w)
        frontier = nxt
    return comp
for comp in sccs:
    p = path(comp)
    print("cycle: " + " -> ".join(p))
    if len(comp) > len(p) - 1:
        print("  (one of the paths among: %s)" % " ".join(comp))
    for a, b in zip(p, p[1:]):
        print("  %s -> %s: %s" % (a, b, ", ".join(sorted(graph[a][b])[:6])))
print("call-cycles: %d cycle(s) among %d files" % (len(sccs), len(nodes)))
sys.exit(1 if sccs else 0)
' "$mode"
