"""`jakdata export`: the published tables as CSV, Parquet or one SQLite database."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from pathlib import Path

from .catalog import TABLES
from .errors import InputError
from .formats import FORMATS
from .rules import sql_constraints, unique_together_sql

_SQL_TYPES = {"string": "TEXT", "date": "TEXT", "integer": "INTEGER", "number": "REAL", "boolean": "INTEGER"}


def export(fmt: str, out: Path) -> list[Path]:
    """Write every table to `out` (created if needed); files appear only when complete."""
    if fmt not in (*FORMATS, "sqlite"):
        raise InputError(f"unknown export format {fmt!r}: choose {', '.join(FORMATS)} or sqlite")
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
    """The published files themselves, byte for byte (the wheel's copies when installed)."""
    from .load import table_path

    names = []
    for name in TABLES:
        source = table_path(name, fmt)
        if not source.is_file():
            raise InputError(f"{source}: published file missing; reinstall jakdata or run `jakdata build`")
        target = Path(FORMATS[fmt].path(name)).name
        shutil.copyfile(source, staged / target)
        names.append(target)
    return names


def create_statement(name: str) -> str:
    """CREATE TABLE for one table: types, keys, and every rule the registry can say in SQL."""
    table = TABLES[name]
    cols = []
    for f in table.fields:
        col = f'"{f.name}" {_SQL_TYPES[f.type]}'
        if f.name == table.primary_key:
            col += " NOT NULL PRIMARY KEY"  # SQLite lets a non-integer primary key be NULL unless told
        clauses = sql_constraints(f, table)
        if f.type == "boolean":
            clauses.append(f'CHECK ("{f.name}" IN (0, 1))')
        cols.append(" ".join([col, *clauses]))
    cols += [unique_together_sql(group) for group in table.unique_together]
    for fk in table.foreign_keys:
        cols.append(f'FOREIGN KEY ("{fk.fields}") REFERENCES "{fk.reference}" ("{fk.reference_fields}")')
    return f'CREATE TABLE "{name}" (\n  ' + ",\n  ".join(cols) + "\n)"


_META = (
    'CREATE TABLE "_package" ("key" TEXT NOT NULL PRIMARY KEY, "value" TEXT)',
    'CREATE TABLE "_tables" ("table_name" TEXT NOT NULL PRIMARY KEY, "title" TEXT, "description" TEXT, '
    '"kind" TEXT, "primary_key" TEXT, "position" INTEGER)',
    'CREATE TABLE "_columns" ("table_name" TEXT NOT NULL REFERENCES "_tables" ("table_name"), '
    '"column_name" TEXT NOT NULL, "type" TEXT, "unit" TEXT, "derived_formula" TEXT, "description" TEXT, '
    '"position" INTEGER, "required" INTEGER, "enum" TEXT, PRIMARY KEY ("table_name", "column_name"))',
)


def _package_rows() -> list[tuple[str, str]]:
    """Name, version, citation and licences of the package, from its datapackage.json."""
    import json

    from .__about__ import CITATION, __version__
    from .paths import DESCRIPTOR, package_root

    desc = json.loads((package_root() / DESCRIPTOR).read_text(encoding="utf-8"))
    licenses = "; ".join(f"{lic.get('name')}: {lic.get('title', '')}".rstrip(": ") for lic in desc.get("licenses", []))
    return [("name", desc.get("name", "jakdata")), ("title", desc.get("title", "")),
            ("version", desc.get("version", __version__)), ("created", desc.get("created", "")),
            ("citation", desc.get("citation", CITATION)), ("licenses", licenses)]


def _sqlite(staged: Path) -> list[str]:
    import pandas as pd

    from .load import load

    path = staged / "jakdata.sqlite"
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA foreign_keys = ON")
        for statement in _META:
            con.execute(statement)
        con.executemany('INSERT INTO "_package" VALUES (?, ?)', _package_rows())
        for position, (name, table) in enumerate(TABLES.items(), start=1):
            con.execute('INSERT INTO "_tables" VALUES (?, ?, ?, ?, ?, ?)',
                        (name, table.title, table.description, table.kind, table.primary_key, position))
            con.executemany('INSERT INTO "_columns" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
                            [(name, f.name, f.type, f.unit, f.derived, f.description, i, int(f.required),
                              "; ".join(f.enum) if f.enum is not None else None)
                             for i, f in enumerate(table.fields, start=1)])
            con.execute(create_statement(name))
            df = load(name, "parquet")
            rows = [tuple(None if pd.isna(v) else (int(v) if isinstance(v, bool) else v) for v in row)
                    for row in df.astype(object).itertuples(index=False)]
            marks = ", ".join("?" for _ in table.fields)
            columns = ", ".join(f'"{f.name}"' for f in table.fields)
            con.executemany(f'INSERT INTO "{name}" ({columns}) VALUES ({marks})', rows)
        bad = con.execute("PRAGMA foreign_key_check").fetchall()
        if bad:
            raise InputError(f"foreign key check failed in the export: {bad[:3]}")
        con.commit()
    finally:
        con.close()
    return ["jakdata.sqlite"]
