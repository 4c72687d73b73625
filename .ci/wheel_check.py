"""Run from outside the repository with an installed (non-editable) wheel: everything offline.

Loads every table from both formats, checks they are equal and that no file is read from a
source tree, then runs `jakdata validate` and `jakdata describe` for each table.
"""

import subprocess
import sys
from pathlib import Path

import pandas as pd

import jakdata

here = Path(jakdata.__file__).resolve().parent
assert "site-packages" in str(here), f"jakdata imported from {here}, not from an installed wheel"
root = Path(jakdata.table_path("studies")).resolve().parents[1]
assert root == here / "_data", f"tables read from {root}, not from the wheel"
for name in jakdata.tables():
    a, b = jakdata.load(name, "csv"), jakdata.load(name, "parquet")
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    out = subprocess.run([sys.executable, "-m", "jakdata", "describe", name], capture_output=True, text=True)
    assert out.returncode == 0 and name in out.stdout, out.stderr
    print(f"{name}: {len(a)} rows, csv == parquet, describe ok")
out = subprocess.run([sys.executable, "-m", "jakdata", "validate"], capture_output=True, text=True)
print(out.stdout.strip())
assert out.returncode == 0, out.stdout + out.stderr
print(jakdata.load("jump_predictors")[["predictor", "adjusted_or", "ci_lower", "ci_upper"]])
