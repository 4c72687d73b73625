#!/usr/bin/env python3
"""Reports at scale (issue 11, item 7): bounded memory on an all-bad file, a text report linear in problems.

    python benchmarks/report_memory.py               # 100k and 1M rows (a few minutes; 1M-row files ~0.8 GB)
    python benchmarks/report_memory.py --sizes 20k   # quicker

Prints, for synthetic `drugs` files in which every row is wrong (a key that breaks its
pattern), the time and peak RSS of `jakdata validate --table drugs FILE` with the text and
the JSON report, beside a valid file of the same size; and the time `as_text` takes for
10k, 100k and 1M problems (the ratio per tenfold should stay near 10: linear, not quadratic).
Standard library and jakdata only.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import _parse_sizes, key_maker  # noqa: E402  (the synthetic-file helpers of the main benchmark)


def write_rows(n: int, path: Path, bad: bool) -> int:
    """`n` drugs rows cycling through the published ones, keys unique; `bad` makes every key break its pattern."""
    import jakdata
    from jakdata.catalog import TABLES

    table = TABLES["drugs"]
    with open(jakdata.table_path("drugs", "csv"), encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], rows[1:]
    k = header.index(table.primary_key)
    make = key_maker(table)
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        for i in range(n):
            row = list(body[i % len(body)])
            row[k] = ("Bad Key " if bad else "") + make(row[k], i)
            writer.writerow(row)
    return path.stat().st_size


def measure(argv: list[str], cwd: Path) -> tuple[float, float, int]:
    """Seconds, peak RSS in MB and exit status of a child process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - t0, usage.ru_maxrss / 1024, proc.returncode


def text_report_scaling(sizes=(10_000, 100_000, 1_000_000)) -> list[tuple[int, float]]:
    from jakdata.report import Problem, as_text

    out = []
    for n in sizes:
        problems = [Problem("drugs", "pattern", "'Bad' does not have the required form", i + 2, f"k{i}",
                            "drug_id", "Bad") for i in range(n)]
        t0 = time.perf_counter()
        as_text(problems, ["drugs"], max_problems=None)
        out.append((n, time.perf_counter() - t0))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=_parse_sizes, default=[100_000, 1_000_000])
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="jakdata-report-bench-") as tmp:
        work = Path(tmp)
        print(f"{'rows':>9} {'file':>8} {'report':>6} {'seconds':>8} {'peak MB':>8} {'exit':>4}")
        for n in args.sizes:
            for bad in (False, True):
                path = work / f"{'bad' if bad else 'good'}_{n}.csv"
                size = write_rows(n, path, bad)
                for fmt in ("text", "json"):
                    secs, mb, code = measure([sys.executable, "-m", "jakdata", "validate", "--table", "drugs",
                                              str(path), "--format", fmt], work)
                    label = ("all-bad" if bad else "valid") + f" {size / 2**20:.0f}MB"
                    print(f"{n:>9,} {label:>14} {fmt:>5} {secs:>8.1f} {mb:>8.0f} {code:>4}", flush=True)
                path.unlink()
    print("\nas_text, every problem listed (--max-problems 0):")
    prev = None
    for n, secs in text_report_scaling():
        ratio = f"  x{secs / prev:.1f} for 10x the problems" if prev else ""
        print(f"  {n:>9,} problems: {secs:6.2f} s{ratio}")
        prev = secs
    return 0


if __name__ == "__main__":
    sys.exit(main())
