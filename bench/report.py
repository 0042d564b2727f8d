#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Benchmark report: tables from the files bench/lib.sh writes.

  report.py --out bench/out --sections "csv ..." [--benchmarks BENCHMARKS.md]
            [--driftmon-version TEXT] [--elapsed SECONDS]

Reads results.tsv, targets.tsv, checks.tsv, commands.tsv, notes.tsv and
blocks.tsv in --out (formats in bench/lib.sh), prints the tables, writes
results.md,
and with --benchmarks replaces each measured section's block in that file
(between "<!-- BEGIN bench:NAME -->" and "<!-- END bench:NAME -->"),
appending blocks that are not there yet and keeping everything else.

The subject is the implementation named "driftmon"; every other
implementation in a section is a peer it is compared with.  "end to end"
is the sum over the jobs both ran at the same row count (wall and CPU
seconds added, peak memory the largest).  Exit status 1 when a sanity
check failed, else 0 (a missed target is reported, not an error).
"""
import argparse
import datetime
import os
import platform
import re
import sys

SUBJECT = "driftmon"
E2E = "end to end"


def read_tsv(path, ncols):
    rows = []
    if not os.path.exists(path):
        return rows
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line:
                rows.append((line.split("\t") + [""] * ncols)[:ncols])
    return rows


def machine():
    model, mem = "unknown CPU", 0
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    mem = int(line.split()[1]) // 1024
    except OSError:
        pass
    return (f"{os.cpu_count()} cores ({model}), {mem / 1024:.0f} GB RAM, "
            f"Linux {platform.release()}")


def si(x):
    for div, suf in ((1e9, " G"), (1e6, " M"), (1e3, " k")):
        if x >= div:
            return f"{x / div:.3g}{suf}"
    return f"{x:.3g}"


def rows_label(n):
    return f"{n // 1000000}M" if n % 1000000 == 0 else (
        f"{n // 1000}k" if n % 1000 == 0 else str(n))


class Section:
    def __init__(self, name):
        self.name = name
        self.title = name
        self.meas = []  # dicts
        self.targets = []
        self.checks = []
        self.commands = []
        self.notes = []
        self.profile = []  # (job, rows, pct, dso, sym, src)
        self.block = None  # Markdown from a standalone script

    # -- derived figures ---------------------------------------------
    def impls(self):
        seen = []
        for m in self.meas:
            if m["impl"] not in seen:
                seen.append(m["impl"])
        return sorted(seen, key=lambda i: (i != SUBJECT, seen.index(i)))

    def jobs(self):
        seen = []
        for m in self.meas:
            if m["job"] not in seen:
                seen.append(m["job"])
        return seen

    def get(self, job, impl, rows):
        for m in self.meas:
            if (m["job"], m["impl"], m["rows"]) == (job, impl, rows):
                return m
        return None

    def e2e(self, impl, rows, jobs=None):
        """Sum over jobs (all the section's jobs by default)."""
        ms = [self.get(j, impl, rows) for j in (jobs or self.jobs())]
        if not ms or any(m is None for m in ms):
            return None
        return {"job": E2E, "impl": impl, "rows": rows,
                "wall": sum(m["wall"] for m in ms),
                "wmin": sum(m["wmin"] for m in ms),
                "cpu": sum(m["cpu"] for m in ms),
                "peak": max(m["peak"] for m in ms),
                "values": sum(m["values"] for m in ms),
                "runs": min(m["runs"] for m in ms),
                "load": max(m["load"] for m in ms)}

    def all_rows(self):
        return sorted({m["rows"] for m in self.meas})

    def table(self):
        """Measurement rows, end to end included, sorted for display."""
        out = []
        for rows in self.all_rows():
            for impl in self.impls():
                for job in self.jobs():
                    m = self.get(job, impl, rows)
                    if m:
                        out.append(m)
                if len(self.jobs()) > 1:
                    e = self.e2e(impl, rows)
                    if e:
                        out.append(e)
        return out

    def ratios(self):
        """(job, rows, peer, speed wall, speed cpu, memory) per pair."""
        out = []
        for peer in self.impls():
            if peer == SUBJECT:
                continue
            for rows in self.all_rows():
                for job in self.jobs() + [E2E]:
                    if job == E2E:
                        a, b = self.e2e(SUBJECT, rows), self.e2e(peer, rows)
                    else:
                        a, b = self.get(job, SUBJECT, rows), \
                            self.get(job, peer, rows)
                    if not a or not b:
                        continue
                    out.append((job, rows, peer,
                                b["wall"] / max(a["wall"], 1e-9),
                                b["cpu"] / max(a["cpu"], 1e-9),
                                b["peak"] / max(a["peak"], 1)))
        return out

    def growth(self, impl):
        """Per job: peaks (MB) by row count, and largest / smallest."""
        out = []
        rows = [r for r in self.all_rows()
                if any(self.get(j, impl, r) for j in self.jobs())]
        if len(rows) < 2:
            return out
        for job in self.jobs():
            ms = [self.get(job, impl, r) for r in rows]
            if any(m is None for m in ms):
                continue
            out.append((job, rows, [m["peak"] / 1024 for m in ms],
                        ms[-1]["peak"] / ms[0]["peak"]))
        return out

    def target_rows(self):
        """(description, measured text, ok) per target."""
        out = []
        for kind, value, peer in self.targets:
            v = float(value)
            if kind in ("speedup", "memratio"):
                common = [r for r in self.all_rows()
                          if self.e2e(SUBJECT, r) and self.e2e(peer, r)]
                if not common:
                    out.append((f"{kind} vs {peer}", "not measured", False))
                    continue
                r = common[-1]
                a, b = self.e2e(SUBJECT, r), self.e2e(peer, r)
                if kind == "speedup":
                    x = b["wall"] / a["wall"]
                    xc = b["cpu"] / a["cpu"]
                    out.append((f"end to end >= {v:g}x faster than {peer} "
                                f"(wall, {rows_label(r)} rows)",
                                f"{x:.1f}x ({b['wall']:.1f} s vs "
                                f"{a['wall']:.2f} s; CPU time {xc:.1f}x)",
                                x >= v))
                else:
                    x = b["peak"] / a["peak"]
                    out.append((f">= {v:g}x less peak memory than {peer} "
                                f"({rows_label(r)} rows)",
                                f"{x:.1f}x ({b['peak'] / 1024:.0f} MB vs "
                                f"{a['peak'] / 1024:.0f} MB)", x >= v))
            elif kind == "flat":
                for job, rows, peaks, g in self.growth(SUBJECT):
                    out.append((
                        f"{job}: peak flat as rows grow (x{rows[-1] / rows[0]:g}"
                        f" rows: peak at most x{v:g})",
                        " -> ".join(f"{p:.0f}" for p in peaks)
                        + f" MB: x{g:.2f}", g <= v))
            elif kind == "peak_mb":
                peak = max((m["peak"] for m in self.meas
                            if m["impl"] == SUBJECT), default=0) / 1024
                out.append((f"peak memory at most {v:g} MB",
                            f"{peak:.0f} MB", 0 < peak <= v))
            else:
                out.append((f"unknown target kind {kind}", "", False))
        return out


def load(outdir):
    secs = {}

    def sec(n):
        return secs.setdefault(n, Section(n))

    for (s, job, impl, rows, runs, wall, user, sysc, peak, values,
         load1, wmin) in read_tsv(os.path.join(outdir, "results.tsv"), 12):
        sec(s).meas.append({
            "job": job, "impl": impl, "rows": int(rows), "runs": int(runs),
            "wall": float(wall), "cpu": float(user) + float(sysc),
            "peak": int(peak), "values": int(values), "load": float(load1),
            # results.tsv lines of older runs have no minimum: the median
            "wmin": float(wmin) if wmin else float(wall)})
    for s, kind, value, peer in read_tsv(
            os.path.join(outdir, "targets.tsv"), 4):
        sec(s).targets.append((kind, value, peer))
    for s, name, status, detail in read_tsv(
            os.path.join(outdir, "checks.tsv"), 4):
        sec(s).checks.append((name, status, detail))
    for s, job, impl, rows, cmd in read_tsv(
            os.path.join(outdir, "commands.tsv"), 5):
        sec(s).commands.append((job, impl, int(rows), cmd))
    for s, job, rows, pct, dso, sym, src in read_tsv(
            os.path.join(outdir, "profile.tsv"), 7):
        sec(s).profile.append((job, int(rows), float(pct), dso, sym, src))
    for s, title, path in read_tsv(os.path.join(outdir, "blocks.tsv"), 3):
        try:
            with open(path) as f:
                sec(s).block = f.read().strip("\n")
            sec(s).title = title
        except OSError as e:
            sec(s).checks.append(("report", "FAIL", f"cannot read {path}: {e}"))
    for s, kind, text in read_tsv(os.path.join(outdir, "notes.tsv"), 3):
        if kind == "title":
            sec(s).title = text
        else:
            sec(s).notes.append(text)
    return secs


# ---- rendering ------------------------------------------------------

MEAS_HEAD = ["job", "impl", "rows", "runs", "wall s (median)",
             "wall s (min)", "cpu s", "rows/s", "values/s", "peak MB",
             "load"]


def meas_cells(m):
    return [m["job"], m["impl"], f"{m['rows']:,}", str(m["runs"]),
            f"{m['wall']:.2f}", f"{m['wmin']:.2f}",
            f"{m['cpu']:.2f}", si(m["rows"] / max(m["wall"], 1e-9)),
            si(m["values"] / max(m["wall"], 1e-9)),
            f"{m['peak'] / 1024:.0f}", f"{m['load']:.1f}"]


RATIO_HEAD = ["job", "rows", "vs", "faster (wall)", "faster (cpu)",
              "less memory"]


def ratio_cells(r):
    job, rows, peer, w, c, mem = r
    return [job, f"{rows:,}", peer, f"{w:.1f}x", f"{c:.1f}x", f"{mem:.1f}x"]


PROF_HEAD = ["job", "rows", "self %", "function", "source", "object"]


def prof_cells(p):
    job, rows, pct, dso, sym, src = p
    return [job, f"{rows:,}", f"{pct:.1f}", sym, src, dso]


NUMERIC = re.compile(r"^[0-9.,]+( ?[kMG]|x)?$")


def numeric_col(cells):
    return all(NUMERIC.match(str(c)) for c in cells)


def text_table(head, rows):
    cols = list(zip(head, *rows))
    w = [max(len(str(x)) for x in col) for col in cols]
    right = [rows and numeric_col(col[1:]) for col in cols]
    line = "  ".join(f"{{:>{n}}}" if r else f"{{:<{n}}}"
                     for n, r in zip(w, right))
    out = [line.format(*head), line.format(*["-" * n for n in w])]
    out += [line.format(*r) for r in rows]
    return "\n".join(out)


def md_table(head, rows):
    cols = list(zip(head, *rows))
    out = ["| " + " | ".join(head) + " |",
           "|" + "|".join("--:" if rows and numeric_col(col[1:]) else ":--"
                          for col in cols) + "|"]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def render_text(s):
    if s.block is not None and not s.meas:
        out = [s.block if s.block.startswith("## ")
               else f"== {s.title}\n\n{s.block}"]
        if s.checks:
            out += ["", "checks:"]
            out += [f"  [{st}] {n}: {d}" for n, st, d in s.checks]
        return "\n".join(out)
    out = [f"== {s.title}", "", text_table(
        MEAS_HEAD, [meas_cells(m) for m in s.table()])]
    if s.ratios():
        out += ["", "driftmon vs peer:", text_table(
            RATIO_HEAD, [ratio_cells(r) for r in s.ratios()])]
    if s.targets:
        out += ["", "targets:"]
        out += [f"  [{'PASS' if ok else 'MISS'}] {d}: {v}"
                for d, v, ok in s.target_rows()]
    if s.profile:
        out += ["", "where driftmon's time goes (perf, self time):",
                text_table(PROF_HEAD, [prof_cells(p) for p in s.profile])]
    if s.checks:
        out += ["", "sanity checks:"]
        out += [f"  [{st}] {n}: {d}" for n, st, d in s.checks]
    return "\n".join(out)


def render_block(s, when, mach, version, h):
    """A standalone script's own Markdown, under the section's title."""
    if s.block.startswith("## "):
        return s.block
    return "\n".join([f"{h} {s.title}", "",
                      f"Measured {when} on {mach}; {version}. Written by "
                      f"the section's own script (see bench/sections/).", "",
                      s.block])


def render_md(s, when, mach, version, level=2):
    h = "#" * level
    if s.block is not None and not s.meas:
        return render_block(s, when, mach, version, h)
    out = [f"{h} {s.title}", "",
           f"Measured {when} on {mach}; {version}. "
           f"Largest load average (1 min) during a measurement: "
           f"{max(m['load'] for m in s.meas):.1f}.", "",
           md_table(MEAS_HEAD, [meas_cells(m) for m in s.table()])]
    if s.ratios():
        out += ["", f"{h}# driftmon vs peer", "",
                md_table(RATIO_HEAD, [ratio_cells(r) for r in s.ratios()])]
    if s.targets:
        out += ["", f"{h}# Targets", "",
                md_table(["target", "measured", "status"],
                         [[d, v, "pass" if ok else "**MISS**"]
                          for d, v, ok in s.target_rows()])]
    if s.profile:
        out += ["", f"{h}# Where driftmon's time goes", "",
                "`perf record` of each job at the largest size; self time "
                "per function, 1 % and more (BENCH_PROFILE=1).", "",
                md_table(PROF_HEAD, [prof_cells(p) for p in s.profile])]
    if s.checks:
        out += ["", f"{h}# Sanity checks", ""]
        out += [f"- {n}: {st} — {d}" for n, st, d in s.checks]
    if s.notes:
        out += ["", f"{h}# Notes", ""] + [f"- {n}" for n in s.notes]
    if s.commands:
        big = max(c[2] for c in s.commands)
        out += ["", f"{h}# Rerun", "",
                "```sh",
                "make bench                      # all sections",
                f"BENCH_SECTIONS={s.name} make bench      # this section",
                "BENCH_PROFILE=1 make bench      # with the perf profile",
                f"# by hand, at {big:,} rows, from the repository root:",
                "TMP=$(mktemp -d)"]
        out += [c[3] for c in s.commands if c[2] == big]
        out += ["```"]
    return "\n".join(out)


BENCH_HEADER = """# Benchmarks

Written by `make bench` (bench/run.sh, bench/report.py). Each section below
is refreshed by the run that measures it and kept otherwise; text outside
the `<!-- BEGIN bench:... -->` / `<!-- END bench:... -->` markers is left
alone. "wall s" is elapsed time, "cpu s" user + system time of all
threads, "peak MB" the maximum resident set size (`/usr/bin/time -v`);
"load" is the 1-minute load average when the run started (this machine is
shared: a high load inflates wall times, CPU times are steadier).
"""


def update_benchmarks(path, blocks):
    text = open(path).read() if os.path.exists(path) else BENCH_HEADER
    for name, body in blocks:
        begin, end = f"<!-- BEGIN bench:{name} -->", \
            f"<!-- END bench:{name} -->"
        block = f"{begin}\n{body}\n{end}"
        pat = re.compile(re.escape(begin) + r".*?" + re.escape(end),
                         re.S)
        if pat.search(text):
            text = pat.sub(lambda _m: block, text, count=1)
        else:
            text = text.rstrip("\n") + "\n\n" + block + "\n"
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--sections", default="")
    ap.add_argument("--benchmarks")
    ap.add_argument("--driftmon-version", default="driftmon")
    ap.add_argument("--elapsed", type=int)
    a = ap.parse_args()

    secs = load(a.out)
    order = [s for s in a.sections.split() if s in secs] + \
        [s for s in secs if s not in a.sections.split()]
    when = datetime.datetime.now(datetime.timezone.utc).strftime(
        "%Y-%m-%d %H:%M UTC")
    mach = machine()
    failed = False

    print()
    for n in order:
        print(render_text(secs[n]))
        print()
        failed |= any(st != "pass" for _, st, _ in secs[n].checks)

    md = ["# driftmon benchmark results", "",
          f"{when}; {mach}; {a.driftmon_version}"
          + (f"; run took {a.elapsed} s" if a.elapsed is not None else "")
          + "."]
    for n in order:
        md += ["", render_md(secs[n], when, mach, a.driftmon_version)]
    with open(os.path.join(a.out, "results.md"), "w") as f:
        f.write("\n".join(md) + "\n")
    print(f"results: {os.path.join(a.out, 'results.md')}")

    if a.benchmarks:
        update_benchmarks(a.benchmarks, [
            (n, render_md(secs[n], when, mach, a.driftmon_version))
            for n in order if secs[n].meas or secs[n].block is not None])
        print(f"updated: {a.benchmarks}")
    if failed:
        print("bench: a sanity check FAILED (see above)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
