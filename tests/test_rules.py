"""The fast rule engine and the exported pandera schema agree on every kind of bad value."""

from __future__ import annotations

import pandas as pd
import pytest

import jakdata
from jakdata.catalog import TABLES
from jakdata.io import coerce
from jakdata.rules import check_frame
from jakdata.validation import _pandera_problems
from test_schemas import ROW_CASES, _field_cases, _row_for


def _signature(problems) -> set[tuple[str, str, int | None]]:
    return {(p.check.split("(")[0], p.column or "", p.row) for p in problems}


def _both(df: pd.DataFrame, name: str):
    typed, errors = coerce(df.astype("object"), TABLES[name])
    skip = {(e.index, e.column) for e in errors}
    return _signature(check_frame(typed, TABLES[name], skip)), _signature(_pandera_problems(typed, TABLES[name], skip))


@pytest.mark.parametrize("name", list(TABLES))
def test_both_accept_the_published_tables(name):
    fast, reference = _both(jakdata.load(name), name)
    assert fast == reference == set()


@pytest.mark.parametrize("name, column, bad, check", list(_field_cases()))
def test_both_reject_the_same_bad_value(name, column, bad, check):
    df = jakdata.load(name).astype("object")
    df.loc[0, column] = bad
    fast, reference = _both(df, name)
    assert fast == reference
    if not check.startswith(("type:", "enum")):
        assert any(c.startswith(check) for c, col, _ in fast if col == column)


@pytest.mark.parametrize("name, changes, check", ROW_CASES, ids=[c[2] for c in ROW_CASES])
def test_both_reject_the_same_bad_row(name, changes, check):
    df = jakdata.load(name).astype("object")
    i = _row_for(name, df, check)
    for col, value in changes.items():
        df.loc[i, col] = value
    fast, reference = _both(df, name)
    assert fast == reference
    assert any(c == check for c, _, _ in fast)


@pytest.mark.parametrize("name", [n for n, t in TABLES.items() if t.unique_together])
def test_both_reject_duplicate_combinations(name):
    df = jakdata.load(name).astype("object")
    cols = list(TABLES[name].unique_together[0])
    for c in cols:
        df.loc[1, c] = df.loc[0, c]
    fast, reference = _both(df, name)
    assert fast == reference
    assert any(c == "multiple_fields_uniqueness" for c, _, _ in fast)


def test_large_files_are_checked_in_chunks_with_the_same_result(tmp_path, monkeypatch):
    """Chunked validation (for big CSVs) reports what whole-file validation reports."""
    from jakdata import validation

    df = jakdata.load("switching_cohort_counts").astype("object")
    df.loc[7, "count_id"] = df.loc[1, "count_id"]      # duplicate key in another chunk
    df.loc[1, "count"] = 77                            # a part in chunk 1, its total (row 4) in chunk 2
    df.loc[12, "quote"] = "not in the seed"            # row-local provenance
    path = tmp_path / "counts.csv"
    df.to_csv(path, index=False, lineterminator="\n")
    seeds = validation.installed_seeds()
    whole = validation.validate_file(path, "switching_cohort_counts", seeds)
    monkeypatch.setattr(validation, "LARGE_CSV_BYTES", 1)
    monkeypatch.setattr(validation, "CHUNK_ROWS", 4)
    chunked = validation.validate_file(path, "switching_cohort_counts", seeds)
    key = lambda p: (p.check, p.row, p.column, p.key)  # noqa: E731
    assert sorted(map(key, chunked)) == sorted(map(key, whole))
    assert {"field_uniqueness", "quote_in_seed", "parts_add_up"} <= {p.check for p in chunked}


def test_chunked_scan_rejects_malformed_files(tmp_path, monkeypatch):
    from jakdata import validation

    monkeypatch.setattr(validation, "LARGE_CSV_BYTES", 1)
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("predictor_id,study_id\nx,y\nz\n", encoding="utf-8")
    with pytest.raises(validation.InputError, match="row 3 has 1 field"):
        validation.validate_file(ragged, "jump_predictors")
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"predictor_id\n\xff\xfe\n")
    with pytest.raises(validation.InputError, match="not valid UTF-8"):
        validation.validate_file(binary, "jump_predictors")
    crlf = tmp_path / "crlf.csv"
    jakdata.load("jump_predictors").to_csv(crlf, index=False, lineterminator="\r\n")
    assert "csv_line_endings" in {p.check for p in validation.validate_file(crlf, "jump_predictors")}
