"""Validation entry points: one external file against one table, or a whole package.

The work is done by the modules below this one (reading, frames, crosstable, package); this
module picks the path (whole file or chunks) and finds jakdata's own seeds.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd

from . import reading
from .catalog import SOURCES_TABLE, TABLES, get_table
from .errors import InputError
from .fields import Table
from .frames import validate_frame
from .package import validate_package
from .provenance import Seeds
from .report import Problem, problem

__all__ = ["InputError", "table_spec", "validate_file", "validate_package", "installed_seeds"]


table_spec = get_table  # the name earlier releases used


def validate_file(path: Path | str, name: str, seeds: Seeds | None = None) -> list[Problem]:
    """Validate someone's CSV or Parquet file against one jakdata table's schema."""
    table = table_spec(name)
    path = reading.usable_file(Path(path))
    if reading.is_chunked(path):
        return _validate_in_chunks(path, table, seeds)
    raw, _fmt, problems = reading.read_raw(path, table)
    found, _ = validate_frame(raw, table, seeds, require_known_sources=False)
    return problems + found


def _validate_in_chunks(path: Path, table: Table, seeds: Seeds | None) -> list[Problem]:
    """Row-local rules chunk by chunk; uniqueness and totals once, over the columns they need."""
    from .engine import check_frame

    problems, chunks = reading.chunks(path, table)
    needed = {table.primary_key} | {f.name for f in table.fields if f.unique}
    needed |= {c for cols in table.unique_together for c in cols}
    needed |= {c for rc in table.checks if rc.scope == "table" for c in rc.columns}
    narrow: list[pd.DataFrame] = []
    offset = 0
    for chunk in chunks:
        found, typed = validate_frame(chunk, table, seeds, require_known_sources=False, scope="row")
        for p in found:
            if p.row is not None:
                problems.append(dataclasses.replace(p, row=p.row + offset))
            elif offset == 0 and p.check != "no_rows":
                problems.append(p)
        narrow.append(typed[[c for c in table.field_names if c in needed and c in typed]])
        offset += len(chunk)
    if offset == 0:
        problems.append(problem(table.name, "no_rows"))
        return problems
    problems += check_frame(pd.concat(narrow, ignore_index=True), table, scope="table")
    return problems


def installed_seeds() -> Seeds:
    """The seeds of the installed (or checked-out) package, by source_id."""
    from .formats import FORMATS
    from .paths import package_root

    root = package_root()
    canonical = next(f for f in FORMATS.values() if f.canonical)
    path = root / canonical.path(SOURCES_TABLE)
    if not path.is_file():
        return Seeds({})
    raw, _, _ = reading.read_raw(path, TABLES[SOURCES_TABLE])
    return Seeds.from_sources(raw, root)
