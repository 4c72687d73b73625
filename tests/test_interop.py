"""The published files read without jakdata give what `jakdata.load` gives; the exports are faithful.

Every reader's values are turned into plain Python values (None, str, int, float, bool) and
compared with `jakdata.load`'s frame cell by cell, type included: an integer read back as a
float, a boolean as a string, a missing value as "" or NaN, a float that lost digits, or a
categorical that lost its label all fail.
"""

from __future__ import annotations

import csv
import json
import math
import sqlite3
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

import jakdata
from jakdata.catalog import TABLES

REPO = Path(__file__).resolve().parents[1]
NAMES = list(TABLES)
TABLE_DIR = REPO / "tables"


# -- the reference: jakdata.load, as plain Python values ------------------------------------------

def _plain(value, kind: str):
    """A loaded cell as a plain Python value of its field's type; None when missing."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if kind == "integer":
        return int(value)
    if kind == "number":
        return float(value)
    if kind == "boolean":
        return bool(value)
    return str(value)


def expected(name: str) -> tuple[list[str], list[tuple]]:
    table = TABLES[name]
    df = jakdata.load(name)
    columns = list(df.columns)
    assert columns == table.field_names
    kinds = [table.field(c).type for c in columns]
    rows = [tuple(_plain(v, k) for v, k in zip(row, kinds)) for row in df.astype(object).itertuples(index=False)]
    return columns, rows


def assert_same(name: str, columns: list[str], rows: list[tuple], reader: str) -> None:
    """`rows` (from `reader`) hold exactly `jakdata.load(name)`'s values and types, in order."""
    want_cols, want_rows = expected(name)
    assert columns == want_cols, f"{reader}: {name} columns differ"
    assert len(rows) == len(want_rows), f"{reader}: {name} has {len(rows)} rows, not {len(want_rows)}"
    for i, (got, want) in enumerate(zip(rows, want_rows)):
        for col, g, w in zip(columns, got, want):
            where = f"{reader}: {name} row {i} column {col}"
            assert type(g) is type(w), f"{where}: {type(g).__name__} {g!r} vs {type(w).__name__} {w!r}"
            assert g == w, f"{where}: {g!r} != {w!r}"


def test_reference_values_are_plain_and_typed():
    """The comparison itself: every loaded column maps to one Python type, nulls to None."""
    for name in NAMES:
        columns, rows = expected(name)
        table = TABLES[name]
        for j, col in enumerate(columns):
            kind = table.field(col).type
            want = {"integer": int, "number": float, "boolean": bool}.get(kind, str)
            assert all(r[j] is None or type(r[j]) is want for r in rows), (name, col)
            if kind == "number":
                assert all(r[j] is None or math.isfinite(r[j]) for r in rows), (name, col)


def test_csv_load_equals_parquet_load():
    for name in NAMES:
        table = TABLES[name]
        df = jakdata.load(name, format="csv")
        kinds = [table.field(c).type for c in df.columns]
        rows = [tuple(_plain(v, k) for v, k in zip(r, kinds)) for r in df.astype(object).itertuples(index=False)]
        assert_same(name, list(df.columns), rows, "jakdata.load(format='csv')")


# -- Parquet ----------------------------------------------------------------------------------

_ARROW_KINDS = {
    "integer": lambda t, pa: t == pa.int64(),
    "number": lambda t, pa: t == pa.float64(),
    "boolean": lambda t, pa: t == pa.bool_(),
    "string": lambda t, pa: pa.types.is_string(t) or pa.types.is_large_string(t),
    "date": lambda t, pa: pa.types.is_string(t) or pa.types.is_large_string(t),
}


@pytest.mark.parametrize("name", NAMES)
def test_parquet_with_pyarrow(name):
    import pyarrow as pa
    import pyarrow.parquet as pq

    t = pq.read_table(TABLE_DIR / f"{name}.parquet")
    table = TABLES[name]
    for arrow_field in t.schema:
        f = table.field(arrow_field.name)
        typ = arrow_field.type
        if f.enum is not None:  # a categorical: dictionary-encoded text with its fixed categories
            assert pa.types.is_dictionary(typ), (name, f.name, typ)
            assert pa.types.is_string(typ.value_type) or pa.types.is_large_string(typ.value_type)
        else:
            assert _ARROW_KINDS[f.type](typ, pa), (name, f.name, typ)
    rows = [tuple(r.values()) for r in t.to_pylist()]
    assert_same(name, t.column_names, rows, "pyarrow")


@pytest.mark.parametrize("name", NAMES)
def test_parquet_with_polars(name):
    pl = pytest.importorskip("polars")
    df = pl.read_parquet(TABLE_DIR / f"{name}.parquet")
    table = TABLES[name]
    want = {"integer": (pl.Int64,), "number": (pl.Float64,), "boolean": (pl.Boolean,),
            "string": (pl.String,), "date": (pl.String,)}
    for col, dtype in df.schema.items():
        f = table.field(col)
        allowed = (pl.Categorical, pl.Enum, pl.String) if f.enum is not None else want[f.type]
        assert any(dtype == a or isinstance(dtype, a) for a in allowed), (name, col, dtype)
    assert_same(name, df.columns, df.rows(), "polars")


@pytest.mark.parametrize("name", NAMES)
def test_parquet_with_duckdb(name):
    duckdb = pytest.importorskip("duckdb")
    con = duckdb.connect()
    try:
        cur = con.execute("SELECT * FROM read_parquet(?)", [str(TABLE_DIR / f"{name}.parquet")])
        columns = [d[0] for d in cur.description]
        rows = cur.fetchall()
        types = dict(con.execute("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(?))",
                                 [str(TABLE_DIR / f"{name}.parquet")]).fetchall())
    finally:
        con.close()
    want = {"integer": "BIGINT", "number": "DOUBLE", "boolean": "BOOLEAN", "string": "VARCHAR", "date": "VARCHAR"}
    for col in columns:
        f = TABLES[name].field(col)
        assert types[col] == want[f.type] or (f.enum is not None and types[col].startswith("ENUM")), \
            (name, col, types[col])
    assert_same(name, columns, rows, "duckdb")


# -- CSV --------------------------------------------------------------------------------------

def _from_text(text: str, kind: str):
    """A CSV cell read the way the data package describes it: empty is missing."""
    if text == "":
        return None
    if kind == "integer":
        return int(text)  # "119.0" would fail: counts are written as integers
    if kind == "number":
        return float(text)
    if kind == "boolean":
        return {"True": True, "False": False, "true": True, "false": False}[text]
    return text


@pytest.mark.parametrize("name", NAMES)
def test_csv_with_standard_library(name):
    path = TABLE_DIR / f"{name}.csv"
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r\n" not in raw and raw.endswith(b"\n")
    table = TABLES[name]
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh, strict=True)
        header = next(reader)
        kinds = [table.field(c).type for c in header]
        rows = [tuple(_from_text(cell, k) for cell, k in zip(line, kinds)) for line in reader]
    assert all(len(r) == len(header) for r in rows)
    assert_same(name, header, rows, "csv module")


@pytest.fixture(scope="module")
def frictionless_package():
    frictionless = pytest.importorskip("frictionless")
    return frictionless.Package(str(REPO / "datapackage.json"))


@pytest.mark.parametrize("name", NAMES)
def test_csv_with_frictionless(frictionless_package, name):
    import frictionless

    resource = frictionless_package.get_resource(name)
    assert isinstance(resource, frictionless.Resource)
    assert resource.path == f"tables/{name}.csv"
    rows = resource.read_rows()
    assert all(row.valid for row in rows), [row.errors for row in rows if not row.valid][:3]
    columns = resource.schema.field_names

    def plain(v):
        return float(v) if isinstance(v, Decimal) else v

    got = [tuple(plain(row[c]) for c in columns) for row in rows]
    assert_same(name, columns, got, "frictionless")


# -- exports ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> dict[str, Path]:
    """`python -m jakdata export` in each format, run once for this module."""
    out = {}
    for fmt in ("sqlite", "csv", "parquet"):
        target = tmp_path_factory.mktemp(f"export-{fmt}")
        done = subprocess.run([sys.executable, "-m", "jakdata", "export", "--format", fmt, "--out", str(target)],
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
        out[fmt] = target
    return out


@pytest.fixture
def db(exported):
    con = sqlite3.connect(exported["sqlite"] / "jakdata.sqlite")
    yield con
    con.close()


def test_sqlite_has_every_table_with_its_rows_and_values(db):
    present = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert set(NAMES) | {"_tables", "_columns", "_package"} <= present
    for name in NAMES:
        table = TABLES[name]
        cur = db.execute(f'SELECT * FROM "{name}" ORDER BY rowid')
        columns = [d[0] for d in cur.description]
        kinds = [table.field(c).type for c in columns]
        rows = [tuple(bool(v) if k == "boolean" and v is not None else v for v, k in zip(r, kinds))
                for r in cur.fetchall()]
        assert len(rows) == len(jakdata.load(name))
        assert_same(name, columns, rows, "sqlite")


def test_sqlite_foreign_keys_hold_and_are_declared(db):
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    for name in NAMES:
        table = TABLES[name]
        fks = {(r[3], r[2], r[4]) for r in db.execute(f'PRAGMA foreign_key_list("{name}")')}
        assert fks == {(fk.fields, fk.reference, fk.reference_fields) for fk in table.foreign_keys}, name


def test_sqlite_columns_keys_and_types(db):
    sql_types = {"string": "TEXT", "date": "TEXT", "integer": "INTEGER", "number": "REAL", "boolean": "INTEGER"}
    for name in NAMES:
        table = TABLES[name]
        info = db.execute(f'PRAGMA table_info("{name}")').fetchall()  # cid, name, type, notnull, default, pk
        assert [r[1] for r in info] == table.field_names
        for _cid, col, typ, notnull, _default, pk in info:
            f = table.field(col)
            assert typ == sql_types[f.type], (name, col)
            assert pk == (1 if col == table.primary_key else 0), (name, col)
            assert notnull == (1 if f.required or col == table.primary_key else 0), (name, col)
        unique = set()
        for _seq, index, is_unique, _origin, _partial in db.execute(f'PRAGMA index_list("{name}")'):
            if is_unique:
                unique.add(tuple(r[2] for r in db.execute(f'PRAGMA index_info("{index}")')))
        wanted = {(f.name,) for f in table.fields if f.unique} | {tuple(g) for g in table.unique_together}
        assert wanted <= unique, (name, wanted - unique)


def test_sqlite_constraints_reject_bad_rows(db):
    db.execute("PRAGMA foreign_keys = ON")
    with pytest.raises(sqlite3.IntegrityError):  # a value outside a controlled list
        db.execute("UPDATE jump_predictors SET direction_basis = 'guessed'")
    with pytest.raises(sqlite3.IntegrityError):  # a study that does not exist
        db.execute("UPDATE jump_predictors SET study_id = 'no_such_study'")
    with pytest.raises(sqlite3.IntegrityError):  # a primary key left empty
        db.execute("INSERT INTO sources (source_id, seed_file, sha256, document_type, quote) "
                   "VALUES (NULL, 'seeds/x.txt', ?, 'news_article', 'q')", ("0" * 64,))
    db.rollback()


def test_sqlite_metadata_tables(db):
    tables = {r[0]: r for r in db.execute('SELECT table_name, title, description, kind, primary_key FROM "_tables"')}
    assert set(tables) == set(NAMES)
    for name, table in TABLES.items():
        assert tables[name][1:] == (table.title, table.description, table.kind, table.primary_key)
        assert table.description.strip()
        cols = db.execute('SELECT column_name, type, unit, derived_formula, description, required FROM "_columns" '
                          'WHERE table_name = ? ORDER BY position', (name,)).fetchall()
        assert [c[0] for c in cols] == table.field_names
        for (col, typ, unit, formula, description, required), f in zip(cols, table.fields):
            assert (typ, unit, formula, description, bool(required)) == (f.type, f.unit, f.derived, f.description,
                                                                          f.required)
            assert description.strip(), (name, col)
    package = dict(db.execute('SELECT key, value FROM "_package"').fetchall())
    descriptor = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
    assert package["version"] == jakdata.__version__ == descriptor["version"]
    assert package["citation"] == jakdata.CITATION


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_file_exports_equal_the_published_tables(exported, fmt):
    written = sorted(p.name for p in exported[fmt].iterdir())
    assert written == sorted(f"{name}.{fmt}" for name in NAMES)  # nothing else, no temporary leftovers
    for name in NAMES:
        assert (exported[fmt] / f"{name}.{fmt}").read_bytes() == (TABLE_DIR / f"{name}.{fmt}").read_bytes(), name


def test_export_rejects_an_unknown_format_without_writing(tmp_path):
    from jakdata.export import export
    from jakdata.validation import InputError

    with pytest.raises(InputError):
        export("xlsx", tmp_path / "out")
    assert not (tmp_path / "out").exists()
