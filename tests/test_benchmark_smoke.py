"""The performance benchmark runs end to end on tiny sizes and prints every figure.

This is the CI smoke run: it checks that `benchmarks/run.py` works, not the targets (those are
measured by hand with the full run; see the README's Performance section). It takes ~20 s, so
the default test run skips it; `.ci/run` runs it once with `-m benchmark`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

#: The start of each figure's line in the final table.
FIGURES = (
    "1 import+load / floor",
    "1b import jakdata loads pandera/frictionless",
    "2 repeated load, worst median",
    "2b repeated load independent",
    "3 validate / floor",
    "5 build / validate",
    "4a scaling time",
    "4b peak memory",
    "4c seed scans",
)


@pytest.mark.benchmark
def test_benchmark_smoke_run_prints_every_figure(tmp_path):
    proc = subprocess.run([sys.executable, str(REPO / "benchmarks" / "run.py"), "--smoke", "--no-fail"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    lines = proc.stdout.splitlines()
    for figure in FIGURES:
        assert any(line.startswith(figure) and line.split()[-1] in ("PASS", "FAIL", "SKIP") for line in lines), \
            f"no result line for {figure!r}:\n{proc.stdout[-3000:]}"
    assert any(line.startswith("figure") and "target" in line for line in lines), "no table header"
