"""Performance contracts that are about behaviour, not timings.

`import jakdata` stays light (no pandera, no frictionless), and a repeated `load()` (served
from an in-process cache) still returns a frame that is the caller's own.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

import jakdata

HEAVY = ("pandera", "frictionless")


def _modules_after(code: str, cwd) -> list[str]:
    probe = f"import json, sys\n{code}\nprint(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))"
    proc = subprocess.run([sys.executable, "-c", probe], cwd=cwd, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1])


def test_import_jakdata_imports_neither_pandera_nor_frictionless(tmp_path):
    loaded = _modules_after("import jakdata", tmp_path)
    assert "jakdata" in loaded
    assert [m for m in HEAVY if m in loaded] == []


def test_loading_a_table_imports_neither_pandera_nor_frictionless(tmp_path):
    loaded = _modules_after("import jakdata\njakdata.load('jump_predictors')\njakdata.load('studies', format='csv')",
                            tmp_path)
    assert [m for m in HEAVY if m in loaded] == []


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_repeated_load_returns_independent_copies(fmt):
    for name in jakdata.tables():
        first = jakdata.load(name, fmt)
        pristine, attrs = first.copy(deep=True), dict(first.attrs)
        second = jakdata.load(name, fmt)
        assert second is not first
        # mutate the first frame every way that could reach shared memory: its arrays in
        # place, its cells, its attrs, and its columns
        for col in first.columns:
            values = first[col].array
            values[0] = pd.NA
        for col in first.columns:
            first.loc[first.index, col] = pd.NA
        first.attrs["citation"] = "changed"
        first.attrs.clear()
        del first[first.columns[0]]
        for frame in (second, jakdata.load(name, fmt)):
            pd.testing.assert_frame_equal(frame, pristine, check_exact=True)
            assert frame.attrs == attrs and frame.attrs["name"] == name
