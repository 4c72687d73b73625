#!/usr/bin/env python3
"""Time and peak memory of `jakdata validate --table` on the worst inputs of issue 11 (after its fixes).

    python benchmarks/worst_inputs.py            # full sizes (a few minutes; ~0.3 GB of temporary files)
    python benchmarks/worst_inputs.py --smoke    # tiny sizes, seconds: checks that the script works

Each input is validated in a fresh process (`sys.executable -m jakdata`); wall time and the
child's peak RSS (os.wait4) are printed with its exit status and first line of output. A child
above --rss-cap-mb is killed (the machine is shared), and that is reported as a failure.

Inputs:
  parquet-20M-rows   a ~9 MB Parquet file that expands to 20 M rows of `studies` (refused from its footer)
  parquet-long-text  1 M rows whose 10 kB note is stored once, as a dictionary (refused while decoding)
  parquet-at-limit   MAX_PARQUET_ROWS valid rows of `drugs`, unique keys (validated in batches)
  csv-100M-cell      `drugs` with one 100 M-character note (accepted: cells as large as Parquet's)
  fifo, dev-zero, link-outside   refused before anything is read
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench  # noqa: E402  (the main benchmark's child runner and key maker)

REPO = bench.REPO


def parquet_of(name: str, rows: int, path: Path, unique_keys: bool, long_note: int = 0,
               group: int = 100_000) -> int:
    """`rows` rows cycling through the published `name` table, written in row groups; returns bytes."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from jakdata.catalog import TABLES

    table = pq.read_table(REPO / "tables" / f"{name}.parquet")
    key = TABLES[name].primary_key
    make = bench.key_maker(TABLES[name]) if unique_keys else None
    keys = table.column(key).to_pylist()
    with pq.ParquetWriter(path, table.schema, compression="zstd") as writer:
        for start in range(0, rows, group):
            n = min(group, rows - start)
            idx = pa.array([(start + i) % table.num_rows for i in range(n)])
            part = table.take(idx)
            if make is not None:
                column = pa.array([make(keys[(start + i) % table.num_rows], start + i) for i in range(n)],
                                  type=table.schema.field(key).type)
                part = part.set_column(table.schema.get_field_index(key), key, column)
            if long_note:
                at = table.schema.get_field_index("note")
                part = part.set_column(at, "note", pa.array(["n" * long_note] * n, type=table.schema.field(at).type))
            writer.write_table(part)
    return path.stat().st_size


def csv_with_cell(path: Path, chars: int) -> int:
    with open(REPO / "tables" / "drugs.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[1][rows[0].index("note")] = "a" * chars
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return path.stat().st_size


def make_inputs(d: Path, smoke: bool) -> list[tuple[str, str, Path, str]]:
    """Write every input under `d`: (label, table, path, what it is)."""
    from jakdata import reading

    big, limit, cell, long_rows = ((20_000_000, reading.MAX_PARQUET_ROWS, 100_000_000, 1_000_000) if not smoke
                                   else (reading.MAX_PARQUET_ROWS + 1, 2_000, 1_000_000, 300_000))
    inputs: list[tuple[str, str, Path, str]] = []
    size = parquet_of("studies", big, d / "bomb.parquet", unique_keys=False)
    inputs.append(("parquet-20M-rows" if not smoke else "parquet-over-limit", "studies",
                   d / "bomb.parquet", f"{big:,} rows in {size / 1e6:.1f} MB"))
    size = parquet_of("drugs", long_rows, d / "long.parquet", unique_keys=True, long_note=10_000)
    inputs.append(("parquet-long-text", "drugs", d / "long.parquet",
                   f"{long_rows:,} rows x 10 kB note in {size / 1e6:.1f} MB"))
    size = parquet_of("drugs", limit, d / "limit.parquet", unique_keys=True)
    inputs.append(("parquet-at-limit", "drugs", d / "limit.parquet", f"{limit:,} rows in {size / 1e6:.1f} MB"))
    size = csv_with_cell(d / "cell.csv", cell)
    inputs.append(("csv-100M-cell" if not smoke else "csv-1M-cell", "drugs", d / "cell.csv",
                   f"{size / 1e6:.1f} MB"))
    os.mkfifo(d / "fifo.csv")
    inputs.append(("fifo", "drugs", d / "fifo.csv", "a named pipe nobody writes to"))
    (d / "zero.csv").symlink_to("/dev/zero")
    inputs.append(("dev-zero", "drugs", d / "zero.csv", "a link to /dev/zero"))
    (d / "sub").mkdir()
    (d / "sub" / "link.csv").symlink_to(d / "cell.csv")
    inputs.append(("link-outside", "drugs", d / "sub" / "link.csv", "a link out of its directory"))
    return inputs


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--smoke", action="store_true", help="tiny sizes (seconds)")
    p.add_argument("--rss-cap-mb", type=float, default=6000.0, help="kill a child above this peak RSS")
    p.add_argument("--make", type=Path, help=argparse.SUPPRESS)  # the child that writes the inputs
    args = p.parse_args()
    if args.make:
        print(json.dumps([[label, table, str(path), what] for label, table, path, what in
                          make_inputs(args.make, args.smoke)]))
        return 0
    with tempfile.TemporaryDirectory(prefix="jakdata-worst-") as tmp:
        d = Path(tmp)
        # written by a child: a child forked from a large parent would count the parent's memory as its peak
        made = subprocess.run([bench.PY, __file__, "--make", str(d)] + (["--smoke"] if args.smoke else []),
                              capture_output=True, text=True, check=True)
        inputs = [(label, table, Path(path), what) for label, table, path, what in json.loads(made.stdout)]
        rows = [("input", "what", "exit", "seconds", "peak RSS MB", "first line of output")]
        failed = False
        for label, table, path, what in inputs:
            print(f"running {label} ({what}) ...", file=sys.stderr, flush=True)
            r = bench.run_child([bench.PY, "-m", "jakdata", "validate", "--table", table, str(path)], d,
                                dict(os.environ), rss_cap_mb=args.rss_cap_mb, timeout=1800)
            line = (r.stdout.strip() or r.stderr.strip()).splitlines()[0][:100] if (r.stdout + r.stderr).strip() \
                else ""
            line = line.replace(str(d) + "/", "")
            if r.killed or r.returncode not in (0, 1, 2):
                failed = True
                line = "KILLED (memory cap or timeout) " + line if r.killed else line
            rows.append((label, what, str(r.returncode), f"{r.seconds:.2f}", f"{r.maxrss_mb:.0f}", line))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for i, r in enumerate(rows):
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
        if i == 0:
            print("  ".join("-" * w for w in widths))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
