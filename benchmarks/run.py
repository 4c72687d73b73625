#!/usr/bin/env python3
"""jakdata performance benchmark: every figure of the performance targets, side by side.

    python benchmarks/run.py                  # full run (several minutes; 1M-row files ~0.5-0.9 GB each)
    python benchmarks/run.py --smoke          # tiny sizes, 3 runs, under a minute (what CI runs)
    python benchmarks/run.py --sizes 10k,100k --runs 9 --no-fail

Figures (each printed with its target and PASS/FAIL; exit status 1 if one fails, unless --no-fail):

1. import+load   `python -c "import jakdata; jakdata.load('jump_predictors')"` against the floor
                 `python -c "import pandas, pyarrow.parquet as pq; pq.read_table(PATH).to_pandas()"`
                 for the same file: ratio of medians <= 1.05.
   import-light  `import jakdata` leaves pandera and frictionless out of sys.modules.
2. repeat-load   second and later load() of every table, both formats: worst median < 1 ms;
   repeat-indep. mutating a loaded frame (every column, attrs) never affects the next load.
3. validate      `jakdata validate` against the floor `python -c "import pandas, pandera.pandas,
                 frictionless"`: ratio of medians <= 1.5.
4. scaling       `jakdata validate --table NAME FILE` on synthetic valid files (10k, 100k, 1M rows):
                 time(1M) / time(100k) <= 12 and peak RSS at 1M rows < 1500 MB, per table;
   seed-scans    the seeds are searched once per distinct (source, quote), not once per row.
5. build         `jakdata build` of the whole package (in a copy of the checkout) against the
                 validation time of figure 3: ratio of medians <= 2.

Every command runs in a fresh process (`sys.executable`) from a temporary working directory;
commands and their floors alternate (A B B A ...), one discarded warm-up each, and the report
gives medians. By default the children may cache bytecode (in a temporary PYTHONPYCACHEPREFIX),
as an ordinary installation does, even when PYTHONDONTWRITEBYTECODE is set in the environment;
`--no-bytecode-cache` keeps the inherited environment instead.

Synthetic files (figure 4) replicate the published rows of a table, cycling through them, and
make only the primary key unique (row number appended in a form the key's pattern allows).
Only tables whose key is the single unique column, without unique-together constraints, can
be replicated that way (studies, drugs); others are refused. The rows are real, valid and
provenance-bearing: every quote is checked against its seed and every value against its quote.
Peak memory is the child's ru_maxrss (os.wait4); a child above --rss-cap-mb is killed.

Standard library and jakdata only.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PY = sys.executable

LOAD_TABLE = "jump_predictors"
SCALING_TABLES = ("studies", "drugs")
FULL_SIZES = (10_000, 100_000, 1_000_000)
SMOKE_SIZES = (200, 2_000)
MEMORY_LIMIT_MB = 1500.0  # "under 1.5 GB", in 10^6 bytes
RSS_UNIT = 1 if sys.platform == "darwin" else 1024  # ru_maxrss is in bytes on macOS, KiB on Linux


# ----------------------------------------------------------------------------- running children

@dataclass
class Run:
    seconds: float  # wall time, what the targets are about
    maxrss_mb: float
    returncode: int
    stdout: str
    stderr: str
    killed: bool = False
    cpu: float = 0.0  # user + system time of the child, less sensitive to a busy machine


def run_child(argv: list[str], cwd: Path, env: dict, rss_cap_mb: float | None = None,
              timeout: float = 1800.0) -> Run:
    """Run one fresh process; wall time, its own peak RSS (wait4), exit status and output."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        killed = threading.Event()
        done = threading.Event()
        watcher = None
        if rss_cap_mb is not None or timeout:  # timeout-only watchers wake once a second
            watcher = threading.Thread(target=_watch, args=(proc.pid, rss_cap_mb, t0, timeout, killed, done),
                                       daemon=True)
            watcher.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
        done.set()
        proc.returncode = os.waitstatus_to_exitcode(status)
        if watcher is not None:
            watcher.join()
        out.seek(0)
        err.seek(0)
        return Run(seconds, usage.ru_maxrss * RSS_UNIT / 1e6, proc.returncode,
                   out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"), killed.is_set(),
                   usage.ru_utime + usage.ru_stime)


def _watch(pid: int, cap_mb: float | None, t0: float, timeout: float, killed: threading.Event,
           done: threading.Event) -> None:
    """Kill the child if it grows past `cap_mb` (protects a shared machine) or runs too long."""
    while not done.wait(0.05 if cap_mb is not None else 1.0):
        over = timeout and time.perf_counter() - t0 > timeout
        if cap_mb is not None and not over:
            try:
                with open(f"/proc/{pid}/status", encoding="ascii") as fh:
                    rss = next((int(line.split()[1]) for line in fh if line.startswith("VmRSS:")), 0)
            except (OSError, ValueError):
                continue
            over = rss * 1024 / 1e6 > cap_mb
        if over and not done.is_set():
            killed.set()
            try:
                os.kill(pid, 9)
            except ProcessLookupError:
                pass
            return


def interleaved(commands: dict[str, list[str]], runs: int, cwd: Path, env: dict, log,
                warm_up: bool = True) -> dict[str, list[Run]]:
    """Each command `runs` times, alternating the order every round (A B, B A, ...), after a warm-up."""
    names = list(commands)
    for name in names if warm_up else ():  # warm-up: bytecode cache, page cache
        r = run_child(commands[name], cwd, env)
        log(f"  warm-up {name}: {r.seconds:.3f} s, exit {r.returncode}")
    results: dict[str, list[Run]] = {n: [] for n in names}
    for i in range(runs):
        order = names if i % 2 == 0 else names[::-1]
        for name in order:
            results[name].append(run_child(commands[name], cwd, env))
        log("  round %d: %s" % (i + 1, ", ".join(f"{n} {results[n][-1].seconds:.3f} s" for n in names)))
    return results


def median_s(runs: list[Run]) -> float:
    return statistics.median(r.seconds for r in runs)


def cpu_ratio(a: list[Run], b: list[Run]) -> str:
    """The same ratio in CPU time (informative: wall time is what the targets are about)."""
    return f"cpu {statistics.median(r.cpu for r in a) / statistics.median(r.cpu for r in b):.2f}"


# ----------------------------------------------------------------------------- the report

@dataclass
class Figure:
    name: str
    measured: str
    target: str
    ok: bool | None  # None: not applicable / could not be measured
    detail: str = ""

    @property
    def result(self) -> str:
        return "PASS" if self.ok else ("SKIP" if self.ok is None else "FAIL")


@dataclass
class Report:
    figures: list[Figure] = field(default_factory=list)

    def add(self, fig: Figure, log) -> None:
        self.figures.append(fig)
        log(f"  -> {fig.name}: {fig.measured} (target {fig.target}) {fig.result}")

    def table(self) -> str:
        rows = [("figure", "measured", "target", "result")]
        rows += [(f.name, f.measured, f.target, f.result) for f in self.figures]
        widths = [max(len(r[i]) for r in rows) for i in range(4)]
        lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
        lines.insert(1, "  ".join("-" * w for w in widths))
        return "\n".join(lines)


# ----------------------------------------------------------------------------- figures 1 and 3, 5

def figure_load(report: Report, runs: int, cwd: Path, env: dict, log, warm_up: bool = True) -> None:
    import jakdata

    path = jakdata.table_path(LOAD_TABLE, "parquet")
    commands = {
        "jakdata": [PY, "-c", f"import jakdata; jakdata.load({LOAD_TABLE!r})"],
        "floor": [PY, "-c", f"import pandas, pyarrow.parquet as pq; pq.read_table({str(path)!r}).to_pandas()"],
    }
    log(f"figure 1: import and load {LOAD_TABLE} vs pandas + pyarrow floor ({runs} runs each)")
    res = interleaved(commands, runs, cwd, env, log, warm_up)
    failed = [n for n, rs in res.items() if any(r.returncode for r in rs)]
    a, b = median_s(res["jakdata"]), median_s(res["floor"])
    ratio = a / b
    report.add(Figure("1 import+load / floor", f"{ratio:.3f} ({a * 1e3:.0f} / {b * 1e3:.0f} ms; "
                      f"{cpu_ratio(res['jakdata'], res['floor'])})", "<= 1.05",
                      ratio <= 1.05 and not failed, f"failed: {failed}" if failed else ""), log)

    probe = ("import json, sys, jakdata; "
             "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & {'pandera', 'frictionless', 'pandas'})))")
    r = run_child([PY, "-c", probe], cwd, env)
    heavy = json.loads(r.stdout) if r.returncode == 0 else ["error: " + r.stderr.strip()[-200:]]
    bad = [m for m in heavy if m != "pandas"]
    report.add(Figure("1b import jakdata loads pandera/frictionless", ", ".join(bad) or "neither",
                      "neither", not bad, f"modules: {heavy}"), log)


def figure_validate_and_build(report: Report, runs: int, cwd: Path, env: dict, log, warm_up: bool = True) -> None:
    checkout = cwd / "checkout"
    _copy_checkout(checkout)
    commands = {
        "validate": [PY, "-m", "jakdata", "validate"],
        "floor": [PY, "-c", "import pandas, pandera.pandas, frictionless"],
        "build": [PY, "-m", "jakdata", "build", "--root", str(checkout)],
    }
    log(f"figures 3 and 5: jakdata validate vs its floor, and jakdata build ({runs} runs each)")
    res = interleaved(commands, runs, cwd, env, log, warm_up)
    v, f, b = median_s(res["validate"]), median_s(res["floor"]), median_s(res["build"])
    bad_v = sorted({r.returncode for r in res["validate"]} - {0})
    bad_b = sorted({r.returncode for r in res["build"]} - {0})
    note = ""
    if bad_v:
        last = next(r for r in res["validate"] if r.returncode)
        note = f"validate exit {bad_v}: {(last.stdout + last.stderr).strip()[-300:]}"
    report.add(Figure("3 validate / floor", f"{v / f:.3f} ({v * 1e3:.0f} / {f * 1e3:.0f} ms; "
                      f"{cpu_ratio(res['validate'], res['floor'])})", "<= 1.5",
                      v / f <= 1.5 and not bad_v, note), log)
    note = ""
    if bad_b:
        last = next(r for r in res["build"] if r.returncode)
        note = f"build exit {bad_b}: {(last.stdout + last.stderr).strip()[-300:]}"
    report.add(Figure("5 build / validate", f"{b / v:.3f} ({b * 1e3:.0f} / {v * 1e3:.0f} ms; "
                      f"{cpu_ratio(res['build'], res['validate'])})", "<= 2",
                      b / v <= 2 and not bad_b, note), log)


def _copy_checkout(dest: Path) -> None:
    """What `jakdata build` reads and writes: curated records, seeds, generated files."""
    dest.mkdir(parents=True)
    for name in ("datapackage.json", "README.md", "pyproject.toml"):
        shutil.copy2(REPO / name, dest / name)
    for name in ("tables", "seeds", "docs"):
        shutil.copytree(REPO / name, dest / name)
    shutil.copytree(REPO / "src" / "jakdata" / "curated", dest / "src" / "jakdata" / "curated")


# ----------------------------------------------------------------------------- figure 2

REPEAT_PROBE = r"""
import json, statistics, sys, time
import pandas as pd
import jakdata

calls = int(sys.argv[1])
worst = (0.0, None)
medians = {}
dependent = []
for name in jakdata.tables():
    for fmt in ("parquet", "csv"):
        jakdata.load(name, fmt)
        times = []
        for _ in range(calls):
            t = time.perf_counter()
            jakdata.load(name, fmt)
            times.append(time.perf_counter() - t)
        m = statistics.median(times)
        medians[f"{name}/{fmt}"] = m
        worst = max(worst, (m, f"{name}/{fmt}"), key=lambda w: w[0])
        # independence: mutate every column in place and the attrs, then load again
        before = jakdata.load(name, fmt)
        a = jakdata.load(name, fmt)
        if a is before:
            dependent.append(f"{name}/{fmt}: same object")
        for col in a.columns:
            a.loc[a.index, col] = pd.NA
        a.attrs["citation"] = "mutated"
        a.attrs.clear()
        after = jakdata.load(name, fmt)
        if not (after.equals(before) and after.attrs == before.attrs and after.attrs
                and list(after.columns) == list(before.columns)):
            dependent.append(f"{name}/{fmt}: changed by in-place mutation")
        b = jakdata.load(name, fmt)
        for col in b.columns:
            values = b[col].array
            values[0] = pd.NA
        del b[b.columns[0]]
        if not jakdata.load(name, fmt).equals(before):
            dependent.append(f"{name}/{fmt}: changed by mutating its arrays")
print(json.dumps({"worst": worst, "medians": medians, "dependent": dependent, "calls": calls}))
"""


def figure_repeat(report: Report, calls: int, cwd: Path, env: dict, log) -> None:
    log(f"figure 2: repeated load in one process ({calls} calls per table and format)")
    r = run_child([PY, "-c", REPEAT_PROBE, str(calls)], cwd, env)
    if r.returncode:
        msg = (r.stderr.strip().splitlines() or ["?"])[-1]
        report.add(Figure("2 repeated load, worst median", "error", "< 1 ms", False, msg), log)
        report.add(Figure("2b repeated load independent", "error", "yes", False, msg), log)
        return
    info = json.loads(r.stdout)
    ms, where = info["worst"][0] * 1e3, info["worst"][1]
    report.add(Figure("2 repeated load, worst median", f"{ms:.3f} ms ({where})", "< 1 ms", ms < 1.0), log)
    dep = info["dependent"]
    report.add(Figure("2b repeated load independent", "yes" if not dep else f"no: {dep[0]}", "yes", not dep,
                      "; ".join(dep)), log)


# ----------------------------------------------------------------------------- figure 4

def _letters(i: int, width: int = 6) -> str:
    out = []
    for _ in range(width):
        i, r = divmod(i, 26)
        out.append(chr(97 + r))
    return "".join(reversed(out))


def key_maker(table):
    """A function (original key, row number) -> unique key that the key's pattern accepts."""
    key = table.field(table.primary_key)
    pattern = re.compile(key.pattern) if key.pattern else None
    others = [f.name for f in table.fields if f.unique and f.name != key.name]
    if others or table.unique_together:
        raise SystemExit(f"table {table.name!r} cannot be replicated: unique columns {others} or "
                         f"unique-together {list(table.unique_together)} besides the key")
    candidates = (lambda k, i: f"{k}_{i}", lambda k, i: f"{k}{_letters(i)}")
    for make in candidates:
        samples = [make("a", i) for i in (0, 7, 123_456, 9_999_999)]
        if pattern is None or all(pattern.match(s) and pattern.fullmatch(s) for s in samples):
            return make
    raise SystemExit(f"table {table.name!r}: its key pattern {key.pattern!r} allows too few unique values")


def write_synthetic(table, n: int, path: Path) -> int:
    """`n` rows cycling through the published rows of `table`, keys made unique; returns bytes."""
    import jakdata

    with open(jakdata.table_path(table.name, "csv"), encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], rows[1:]
    k = header.index(table.primary_key)
    make = key_maker(table)
    marker = "\x00KEY\x00"
    parts = []
    for row in body:
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerow(row[:k] + [marker] + row[k + 1:])
        before, after = buf.getvalue().split(marker)
        parts.append((before, row[k], after))
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(header)
    m = len(parts)
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write(buf.getvalue())
        chunk = []
        for i in range(n):
            before, orig, after = parts[i % m]
            chunk.append(before + make(orig, i) + after)
            if len(chunk) == 10_000:
                out.write("".join(chunk))
                chunk = []
        out.write("".join(chunk))
    return path.stat().st_size


SCAN_PROBE = r"""
import json, sys
from jakdata.validation import installed_seeds, validate_file

class Counting(dict):
    lookups = 0
    def __getitem__(self, key):
        Counting.lookups += 1
        return dict.__getitem__(self, key)

seeds = installed_seeds()
instrumented = isinstance(getattr(seeds, "_folded", None), dict)
if instrumented:
    seeds._folded = Counting(seeds._folded)
problems = validate_file(sys.argv[2], sys.argv[1], seeds)
print(json.dumps({"lookups": Counting.lookups if instrumented else None, "problems": len(problems)}))
"""


def distinct_quotes(table) -> int:
    import jakdata

    with open(jakdata.table_path(table.name, "csv"), encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return len({(p.source, r.get(p.source) or "", r.get(p.quote) or "") for p in table.provenance for r in rows
                if r.get(p.quote)})


def figure_scaling(report: Report, tables: list[str], sizes: list[int], runs: int, cwd: Path, env: dict,
                   rss_cap_mb: float, log, warm_up: bool = True) -> None:
    from jakdata.catalog import TABLES

    for name in tables:
        table = TABLES[name]
        files = {}
        for n in sizes:
            path = cwd / f"{name}_{n}.csv"
            t = time.perf_counter()
            size = write_synthetic(table, n, path)
            files[n] = path
            log(f"figure 4: wrote {path.name}: {n:,} rows, {size / 1e6:.1f} MB in {time.perf_counter() - t:.1f} s")
        # seed scans on the smallest file: lookups of a seed's text must not grow with rows
        r = run_child([PY, "-c", SCAN_PROBE, name, str(files[sizes[0]])], cwd, env)
        distinct = distinct_quotes(table)
        if r.returncode:
            report.add(Figure(f"4c seed scans [{name}]", "error", f"<= {distinct}", False,
                              (r.stderr.strip().splitlines() or ["?"])[-1]), log)
        else:
            info = json.loads(r.stdout)
            looks = info["lookups"]
            report.add(Figure(f"4c seed scans [{name}]",
                              "n/a (not instrumentable)" if looks is None else
                              f"{looks} for {sizes[0]:,} rows",
                              f"<= {distinct} (distinct quotes)",
                              None if looks is None else looks <= distinct), log)
        results: dict[int, list[Run]] = {n: [] for n in sizes}
        argv = {n: [PY, "-m", "jakdata", "validate", "--table", name, str(files[n])] for n in sizes}
        if warm_up:
            warm = run_child(argv[sizes[0]], cwd, env, rss_cap_mb)
            log(f"  warm-up {sizes[0]:,} rows: {warm.seconds:.2f} s, exit {warm.returncode}")
        given_up: set[int] = set()
        for i in range(runs):
            for n in (sizes if i % 2 == 0 else sizes[::-1]):
                if n in given_up:
                    continue
                r = run_child(argv[n], cwd, env, rss_cap_mb)
                results[n].append(r)
                log(f"  {name} {n:>9,} rows: {r.seconds:7.2f} s, peak {r.maxrss_mb:7.0f} MB, exit {r.returncode}"
                    + (" KILLED (over the RSS cap)" if r.killed else ""))
                if r.killed or r.returncode:
                    given_up.add(n)  # one failure is enough; do not burn minutes repeating it
        _scaling_figures(report, name, sizes, results, rss_cap_mb, log)
        for path in files.values():
            path.unlink(missing_ok=True)


def _scaling_figures(report: Report, name: str, sizes: list[int], results: dict[int, list[Run]],
                     rss_cap_mb: float, log) -> None:
    def problem(n: int) -> str | None:
        for r in results[n]:
            if r.killed:
                return f"killed above the {rss_cap_mb:.0f} MB RSS cap after {r.seconds:.1f} s"
            if r.returncode:
                return f"exit {r.returncode}: {(r.stdout + r.stderr).strip()[-300:]}"
        return None

    big, prev = sizes[-1], sizes[-2] if len(sizes) > 1 else None
    for n in sizes:
        if results[n] and not problem(n):
            log(f"  {name} {n:,} rows: median {median_s(results[n]):.2f} s, "
                f"peak {max(r.maxrss_mb for r in results[n]):.0f} MB")
    if prev is not None:
        limit = 1.2 * big / prev
        bad = problem(big) or problem(prev)
        if bad:
            report.add(Figure(f"4a scaling time {_size(big)}/{_size(prev)} [{name}]", "n/a", f"<= {limit:g}",
                              False, bad), log)
        else:
            tb, tp = median_s(results[big]), median_s(results[prev])
            report.add(Figure(f"4a scaling time {_size(big)}/{_size(prev)} [{name}]",
                              f"{tb / tp:.2f} ({tb:.2f} / {tp:.2f} s)", f"<= {limit:g}", tb / tp <= limit), log)
    peak = max((r.maxrss_mb for r in results[big]), default=float("nan"))
    bad = problem(big)
    measured = f"> {rss_cap_mb:.0f} MB (killed)" if any(r.killed for r in results[big]) else f"{peak:.0f} MB"
    report.add(Figure(f"4b peak memory at {_size(big)} rows [{name}]", measured, f"< {MEMORY_LIMIT_MB:.0f} MB",
                      peak < MEMORY_LIMIT_MB and not bad, bad or ""), log)


def _size(n: int) -> str:
    for unit, div in (("M", 1_000_000), ("k", 1_000)):
        if n >= div and n % div == 0:
            return f"{n // div}{unit}"
    return str(n)


def _parse_sizes(text: str) -> list[int]:
    out = []
    for part in text.split(","):
        part = part.strip().lower()
        mult = {"k": 1_000, "m": 1_000_000}.get(part[-1:], 1)
        out.append(int(float(part.rstrip("km")) * mult))
    if not out or any(n < 1 for n in out) or out != sorted(out):
        raise argparse.ArgumentTypeError("sizes must be positive and increasing, e.g. 10k,100k,1M")
    return out


# ----------------------------------------------------------------------------- main

def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--smoke", action="store_true", help="tiny sizes and 3 runs: checks that it runs (CI)")
    p.add_argument("--sizes", type=_parse_sizes, default=None,
                   help="row counts of the synthetic files (default 10k,100k,1M; smoke 200,2000)")
    p.add_argument("--tables", default=",".join(SCALING_TABLES),
                   help=f"tables replicated for the scaling figures (default {','.join(SCALING_TABLES)})")
    p.add_argument("--runs", type=int, default=None, help="fresh processes per command (default 9; smoke 3)")
    p.add_argument("--scaling-runs", type=int, default=None, help="runs per file size (default 5; smoke 3)")
    p.add_argument("--rss-cap-mb", type=float, default=4000.0,
                   help="kill a scaling run above this RSS (default 4000 MB)")
    p.add_argument("--no-bytecode-cache", action="store_true",
                   help="keep the inherited environment (e.g. PYTHONDONTWRITEBYTECODE) for the children")
    p.add_argument("--only", default="1,2,3,4", help="figures to run, e.g. 1,2 (3 includes 5)")
    p.add_argument("--json", type=Path, default=None, help="also write the figures to this JSON file")
    p.add_argument("--no-fail", action="store_true", help="exit 0 even when a target fails")
    p.add_argument("-q", "--quiet", action="store_true", help="print only the final table")
    args = p.parse_args(argv)

    started = time.perf_counter()
    runs = args.runs or (3 if args.smoke else 9)
    scaling_runs = args.scaling_runs or (3 if args.smoke else 5)
    sizes = args.sizes or list(SMOKE_SIZES if args.smoke else FULL_SIZES)
    only = {s.strip() for s in args.only.split(",")}
    tables = [t.strip() for t in args.tables.split(",") if t.strip()]
    if min(runs, scaling_runs) < 1:
        p.error("runs must be at least 1")

    warm_up = not args.smoke  # the smoke run only checks that everything runs; medians absorb a cold start

    def log(msg: str) -> None:
        if not args.quiet:
            print(msg, flush=True)

    report = Report()
    with tempfile.TemporaryDirectory(prefix="jakdata-bench-") as tmp:
        cwd = Path(tmp)
        env = dict(os.environ)
        if not args.no_bytecode_cache:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(cwd / "pycache")
        log(f"python {sys.version.split()[0]} at {PY}; {os.cpu_count()} CPUs; working directory {cwd}")
        if "1" in only:
            figure_load(report, runs, cwd, env, log, warm_up)
        if "2" in only:
            figure_repeat(report, 50 if args.smoke else 500, cwd, env, log)
        if "3" in only or "5" in only:
            figure_validate_and_build(report, runs, cwd, env, log, warm_up)
        if "4" in only:
            figure_scaling(report, tables, sizes, scaling_runs, cwd, env, args.rss_cap_mb, log, warm_up)
    elapsed = time.perf_counter() - started
    if args.smoke:
        report.add(Figure("smoke run time", f"{elapsed:.0f} s", "< 60 s", elapsed < 60), log)
    print()
    print(report.table())
    print(f"\n{len(report.figures)} figures, {sum(f.ok is False for f in report.figures)} failed; "
          f"{elapsed:.0f} s; medians of {runs} fresh processes ({scaling_runs} per scaling size)")
    notes = [f"  {f.name}: {f.detail}" for f in report.figures if f.detail and f.ok is not True]
    if notes:
        print("notes:\n" + "\n".join(notes))
    if args.json:
        args.json.write_text(json.dumps([f.__dict__ | {"result": f.result} for f in report.figures], indent=2) + "\n",
                             encoding="utf-8")
    failed = any(f.ok is False for f in report.figures)
    return 1 if failed and not args.no_fail else 0


if __name__ == "__main__":
    sys.exit(main())
