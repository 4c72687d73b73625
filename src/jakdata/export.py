"""`jakdata export`: the published tables as CSV, Parquet or one SQLite database."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from pathlib import Path

from .catalog import TABLES
from .validate import InputError

_SQL_TYPES = {"string": "TEXT", "date": "TEXT", "integer": "INTEGER", "number": "REAL", "boolean": "INTEGER"}


def export(fmt: str, out: Path) -> list[Path]:
    """Write every table to `out` (created if needed); files appear only when complete."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: exists and is not a directory")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".jakdata-export-", dir=out) as tmp:
        staged = Path(tmp)
        names = _sqlite(staged) if fmt == "sqlite" else _files(staged, fmt)
        written = []
        for name in names:
            target = (out / name).resolve()
            if not target.is_relative_to(out.resolve()):
                raise InputError(f"refusing to write outside {out}: {name}")
            shutil.move(str(staged / name), str(target))
            written.append(target)
    return written


def _files(staged: Path, fmt: str) -> list[str]:
    from .load import load

    names = []
    for name in TABLES:
        df = load(name, "parquet")
        if fmt == "csv":
            from .io import write_csv

            write_csv(df, staged / f"{name}.csv")
        else:
            from .io import write_parquet

            write_parquet(df, staged / f"{name}.parquet")
        names.append(f"{name}.{fmt}")
    return names


def create_statement(name: str) -> str:
    table = TABLES[name]
    cols = []
    for f in table.fields:
        col = f'"{f.name}" {_SQL_TYPES[f.type]}'
        if f.name == table.primary_key:
            col += " PRIMARY KEY"
        elif f.required:
            col += " NOT NULL"
        if f.enum is not None:
            allowed = ", ".join("'" + v.replace("'", "''") + "'" for v in f.enum)
            col += f' CHECK ("{f.name}" IN ({allowed}))'
        cols.append(col)
    for fk in table.foreign_keys:
        cols.append(f'FOREIGN KEY ("{fk.fields}") REFERENCES "{fk.reference}" ("{fk.reference_fields}")')
    return f'CREATE TABLE "{name}" (\n  ' + ",\n  ".join(cols) + "\n)"


def _sqlite(staged: Path) -> list[str]:
    import pandas as pd

    from .load import load

    path = staged / "jakdata.sqlite"
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA foreign_keys = ON")
        con.execute('CREATE TABLE "_columns" ("table_name" TEXT NOT NULL, "column_name" TEXT NOT NULL, '
                    '"type" TEXT, "unit" TEXT, "derived_formula" TEXT, "description" TEXT, '
                    'PRIMARY KEY ("table_name", "column_name"))')
        con.execute('CREATE TABLE "_tables" ("table_name" TEXT PRIMARY KEY, "title" TEXT, "description" TEXT)')
        for name, table in TABLES.items():
            con.execute(create_statement(name))
            df = load(name, "parquet")
            rows = [tuple(None if pd.isna(v) else (int(v) if isinstance(v, bool) else v) for v in row)
                    for row in df.astype(object).itertuples(index=False)]
            marks = ", ".join("?" for _ in table.fields)
            con.executemany(f'INSERT INTO "{name}" VALUES ({marks})', rows)
            con.execute('INSERT INTO "_tables" VALUES (?, ?, ?)', (name, table.title, table.description))
            con.executemany('INSERT INTO "_columns" VALUES (?, ?, ?, ?, ?, ?)',
                            [(name, f.name, f.type, f.unit, f.derived, f.description) for f in table.fields])
        bad = con.execute("PRAGMA foreign_key_check").fetchall()
        if bad:
            raise InputError(f"foreign key check failed in the export: {bad[:3]}")
        con.commit()
    finally:
        con.close()
    return ["jakdata.sqlite"]
