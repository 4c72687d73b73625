"""Validation entry points: one external file against one table, or a whole package.

The work is done by the modules below this one (reading, frames, crosstable, package); this
module picks the path (whole file or chunks) and finds jakdata's own seeds.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import reading
from .catalog import SOURCES_TABLE, TABLES, get_table
from .errors import InputError
from .fields import Table
from .frames import validate_frame
from .package import validate_package
from .provenance import Seeds
from .report import DEFAULT_MAX_PROBLEMS, Findings, Problem, problem

__all__ = ["InputError", "FileCheck", "check_file", "table_spec", "validate_file", "validate_package",
           "installed_seeds"]


table_spec = get_table  # the name earlier releases used


@dataclass
class FileCheck:
    """What checking one file found: its problems (capped, in row order) and the notes on what was tolerated."""

    findings: Findings
    notes: list[str] = dataclasses.field(default_factory=list)

    @property
    def problems(self) -> list[Problem]:
        return self.findings.shown


def validate_file(path: Path | str, name: str, seeds: Seeds | None = None) -> list[Problem]:
    """Validate someone's CSV or Parquet file against one jakdata table's schema: every problem."""
    return check_file(path, name, seeds, max_problems=None).problems


def check_file(path: Path | str, name: str, seeds: Seeds | None = None,
               max_problems: int | None = DEFAULT_MAX_PROBLEMS, progress=None) -> FileCheck:
    """`validate_file` with the report's extras: at most `max_problems` kept (the rest counted), the
    physical line of every CSV problem, and notes on what was read forgivingly. `progress(done,
    total)` is called after each chunk of a large file.
    """
    table = table_spec(name)
    path = reading.usable_file(Path(path))
    if reading.is_chunked(path):
        return _check_in_chunks(path, table, seeds, max_problems, progress)
    raw, _fmt, form = reading.read_form(path, table, strict=False)
    notes = [] if form is None else list(form.notes)
    found, _ = validate_frame(raw, table, seeds, require_known_sources=False, notes=notes)
    if form is not None:
        found = [_with_line(p, form) for p in found]
    return FileCheck(Findings.of(found, max_problems), notes)


def _with_line(p: Problem, form) -> Problem:
    line = None if form is None else form.line_of(p.row)
    return p if line is None else dataclasses.replace(p, line=line)


def _check_in_chunks(path: Path, table: Table, seeds: Seeds | None, max_problems: int | None,
                     progress=None) -> FileCheck:
    """Row-local rules chunk by chunk; uniqueness and totals once, over the columns they need.

    Large CSVs and long Parquet files alike. Memory stays bounded: each chunk's problems are
    merged into a capped `Findings` at once.
    """
    from .engine import check_frame

    form, chunks = reading.chunks(path, table, strict=False)
    notes = [] if form is None else list(form.notes)
    total = form.rows if form is not None else reading.parquet_rows(path)
    findings = Findings(max_problems)
    needed = {table.primary_key} | {f.name for f in table.fields if f.unique}
    needed |= {c for cols in table.unique_together for c in cols}
    needed |= {c for rc in table.checks if rc.scope == "table" for c in rc.columns}
    narrow: list[pd.DataFrame] = []
    offset = 0
    for chunk in chunks:
        chunk_notes: list[str] = []
        found, typed = validate_frame(chunk, table, seeds, require_known_sources=False, scope="row",
                                      notes=chunk_notes)
        if offset == 0:
            notes += chunk_notes
        batch = []
        for p in found:
            if p.row is not None:
                batch.append(_with_line(dataclasses.replace(p, row=p.row + offset), form))
            elif offset == 0 and p.check != "no_rows":
                batch.append(p)
        findings.add(batch)
        narrow.append(typed[[c for c in table.field_names if c in needed and c in typed]])
        offset += len(chunk)
        if progress is not None:
            progress(offset, total)
    if offset == 0:
        findings.add([problem(table.name, "no_rows")])
        return FileCheck(findings, notes)
    findings.add(_with_line(p, form) for p in check_frame(pd.concat(narrow, ignore_index=True), table,
                                                           scope="table"))
    return FileCheck(findings, notes)


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
