"""Frictionless reads the package as jakdata does, including missing numbers in Parquet."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

frictionless = pytest.importorskip("frictionless")


def _errors(report) -> list[str]:
    return [e.type for task in report.tasks for e in task.errors]


def _resource(package, name: str, drop_hash: bool = False):
    """One resource of the package copy, read through frictionless.Package (v2 profile)."""
    path = package / "datapackage.json"
    desc = json.loads(path.read_text(encoding="utf-8"))
    if drop_hash:
        for res in desc["resources"]:
            res.pop("hash", None)
        path.write_text(json.dumps(desc), encoding="utf-8")
    return frictionless.Package(str(path)).get_resource(name)


def _set_parquet_cell(package, table_name: str, column: str, row: int, value) -> None:
    path = package / "tables" / f"{table_name}.parquet"
    table = pq.read_table(path)
    col = table.schema.get_field_index(column)
    values = table.column(column).to_pylist()
    values[row] = value
    pq.write_table(table.set_column(col, table.schema.field(col), pa.array(values, type=pa.float64())), path)


def test_frictionless_validates_the_package(repo):
    report = frictionless.Package(str(repo / "datapackage.json")).validate()
    assert report.valid, _errors(report)


def test_parquet_nulls_are_missing_not_nan(package):
    """Empty floats in Parquet must count as missing, so optional fields pass and required ones fail."""
    report = _resource(package, "ponatinib_figures-parquet").validate()
    assert report.valid, _errors(report)  # `value` is empty in many rows: allowed

    _set_parquet_cell(package, "jump_predictors", "adjusted_or", 0, None)
    report = _resource(package, "jump_predictors-parquet", drop_hash=True).validate()
    cells = [e for task in report.tasks for e in task.errors if getattr(e, "field_name", None) == "adjusted_or"]
    assert cells and "required" in cells[0].note.lower(), _errors(report)


def test_range_constraint_applies_to_parquet_numbers(package):
    _set_parquet_cell(package, "jump_predictors", "response_pct_1", 1, 143.1)
    report = _resource(package, "jump_predictors-parquet", drop_hash=True).validate()
    notes = [e.note for task in report.tasks for e in task.errors]
    assert any("maximum" in n for n in notes), notes
