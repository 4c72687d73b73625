"""Validation entry points: one external file against one table, or a whole package.

The work is done by the modules below this one (reading, frames, crosstable, package); this
module picks the path (whole file or chunks) and finds jakdata's own seeds.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import reading
from .catalog import LEDGER_TABLE, SOURCES_TABLE, TABLES, get_table
from .errors import InputError
from .fields import Table
from .frames import validate_frame
from .package import validate_package
from .provenance import Seeds
from .report import DEFAULT_MAX_PROBLEMS, Findings, Problem, problem, spreadsheet_row

__all__ = ["InputError", "FileCheck", "check_file", "table_spec", "validate_file", "validate_package",
           "installed_seeds"]


table_spec = get_table  # the name earlier releases used


@dataclass
class FileCheck:
    """What checking one file found: its problems (capped, in row order), notes on what was tolerated
    and what was not checked, and the user's source documents read (with their SHA-256)."""

    findings: Findings
    notes: list[str] = dataclasses.field(default_factory=list)
    documents: list = dataclasses.field(default_factory=list)  # usersources.Document, one per text read

    @property
    def problems(self) -> list[Problem]:
        return self.findings.shown


def validate_file(path: Path | str, name: str, seeds: Seeds | None = None) -> list[Problem]:
    """Validate someone's CSV or Parquet file against one jakdata table's schema: every problem."""
    return check_file(path, name, seeds, max_problems=None).problems


def check_file(path: Path | str, name: str, seeds: Seeds | None = None,
               max_problems: int | None = DEFAULT_MAX_PROBLEMS, progress=None,
               sources: Path | str | None = None) -> FileCheck:
    """Validate someone's file against one table: schema, rules, provenance and foreign keys.

    At most `max_problems` are kept (the rest counted), with the physical line of every CSV
    problem. Quotes are checked against `seeds`, or against the documents in `sources` (see
    `jakdata.usersources`) when given; a row whose source is unknown is a problem, never a skip.
    Foreign keys to sources name those documents then, and every other foreign key names
    jakdata's own published rows. The notes say what was read forgivingly and what was not
    checked, and for how many rows. `progress(done, total)` is called after each chunk.
    """
    table = table_spec(name)
    path = reading.usable_file(Path(path))
    user = None
    if sources is not None:
        from .usersources import read_sources

        user = read_sources(sources)
        seeds = user.seeds
    allowed = _references(table, user)
    skipped: Counter[str] = Counter()
    root = user.directory if user is not None and user.table_given else None
    if reading.is_chunked(path):
        result = _check_in_chunks(path, table, seeds, max_problems, progress, allowed, skipped, root)
    else:
        raw, _fmt, form = reading.read_form(path, table, strict=False)
        notes = [] if form is None else list(form.notes)
        found, typed = validate_frame(raw, table, seeds, notes=notes, root=root)
        found += _foreign_keys(typed, table, allowed, skipped)
        _count_skipped(typed, table, seeds, root, skipped)
        if form is not None:
            found = [_with_line(p, form) for p in found]
        result = FileCheck(Findings.of(found, max_problems), notes)
    if user is not None:
        result.findings.add(user.problems)
        result.documents = list(user.documents)
    result.notes += [f"not checked: {what.format(n=n, s='s' * (n != 1))}" for what, n in skipped.items() if n]
    return result


def _with_line(p: Problem, form) -> Problem:
    line = None if form is None else form.line_of(p.row)
    return p if line is None else dataclasses.replace(p, line=line)


#: Per foreign-key column: the keys it may name (None: not checked), how a message names them,
#: and why they are not checked when they are not.
References = dict[str, tuple[set[str] | None, str, str]]


def _references(table: Table, user) -> References:
    """The keys each foreign key may name: the user's sources, or jakdata's published rows.

    With --sources the rows come from the user's documents, so their studies and drugs are not
    jakdata's: only the keys to sources can be checked (against the user's documents).
    """
    out: References = {}
    for fk in table.foreign_keys:
        label = f"{fk.reference}.{fk.reference_fields}"
        if user is not None and fk.reference == SOURCES_TABLE:
            out[fk.fields] = (user.ids, f"source in {user.directory}", "")
        elif user is not None:
            out[fk.fields] = (None, label, f"your own {fk.reference} are not given; --sources gives only sources")
        else:
            out[fk.fields] = (_published_keys(fk.reference, fk.reference_fields), label,
                              f"jakdata's {fk.reference} table could not be read")
    return out


def _published_keys(name: str, column: str) -> set[str] | None:
    from .formats import FORMATS
    from .paths import package_root

    canonical = next(f for f in FORMATS.values() if f.canonical)
    path = package_root() / canonical.path(name)
    try:
        raw, _, _ = reading.read_raw(path, TABLES[name])
    except InputError:
        return None
    return set(raw[column].astype(str)) if column in raw else None


def _foreign_keys(typed: pd.DataFrame, table: Table, allowed: References, skipped: Counter,
                  offset: int = 0) -> list[Problem]:
    """Foreign keys of one file's rows against the keys they may name (rows `offset` on)."""
    out = []
    for fk in table.foreign_keys:
        if fk.fields not in typed:
            continue
        values = typed[fk.fields]
        keys, reference, why_not = allowed[fk.fields]
        if keys is None:
            skipped[f"foreign key {fk.fields} → {reference} of {{n}} row{{s}} ({why_not})"] += \
                int(values.notna().sum())
            continue
        bad = values.notna() & ~values.astype("object").astype(str).isin(keys)
        for i in np.flatnonzero(bad.to_numpy()):
            v = values.iat[i]
            key = typed[table.primary_key].iat[i] if table.primary_key in typed else None
            out.append(problem(table.name, "foreign_key", spreadsheet_row(i + offset),
                               None if key is None or pd.isna(key) else str(key), fk.fields, v,
                               reference=reference))
    return out


def _count_skipped(typed: pd.DataFrame, table: Table, seeds: Seeds | None, root, skipped: Counter) -> None:
    """Count, per kind, the rows whose checks `validate --table` cannot make."""
    def present(col: str) -> pd.Series:
        return typed[col].notna() if col in typed else pd.Series(False, index=typed.index)

    if "issue_ids" in table.field_names and table.kind != "derived":
        skipped["issue_ids of {n} row{s} against jakdata's errata ledger (checked only when a whole package "
                "is validated)"] += int(present("issue_ids").sum())
    if table.derivation is not None and table.derivation.inputs:
        skipped[f"whether {{n}} row{{s}} follow from {', '.join(table.derivation.inputs)} (a derived table is "
                "recomputed only when a whole package is validated)"] += len(typed)
    if table.name == LEDGER_TABLE:
        skipped["whether the rows named in affected_rows of {n} row{s} exist (checked only when a whole "
                "package is validated)"] += int(present("affected_rows").sum())
    if table.name == SOURCES_TABLE and root is None:
        skipped["sha256 and seed_file of {n} row{s} against the seed files (give --sources DIR with the "
                "sources.csv and seed files to check them)"] += len(typed)
    for prov in table.provenance:
        if seeds is None:
            skipped[f"{prov.quote} of {{n}} row{{s}} against the source documents (no seeds given)"] += \
                int(present(prov.quote).sum())
        else:
            skipped[f"{prov.quote} of {{n}} row{{s}} against a source document ({prov.source} is empty)"] += \
                int((present(prov.quote) & ~present(prov.source)).sum())
    for f in table.fields:
        if f.evidence is not None and not f.is_derived and f.name in typed and seeds is not None:
            skipped[f"{f.name} of {{n}} row{{s}} against a quote ({f.evidence} is empty)"] += \
                int((present(f.name) & ~present(f.evidence)).sum())


def _check_in_chunks(path: Path, table: Table, seeds: Seeds | None, max_problems: int | None,
                     progress, allowed, skipped: Counter, root=None) -> FileCheck:
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
        found, typed = validate_frame(chunk, table, seeds, scope="row", notes=chunk_notes, root=root)
        if offset == 0:
            notes += chunk_notes
        batch = []
        for p in found:
            if p.row is not None:
                batch.append(_with_line(dataclasses.replace(p, row=p.row + offset), form))
            elif offset == 0 and p.check != "no_rows":
                batch.append(p)
        batch += [_with_line(p, form) for p in _foreign_keys(typed, table, allowed, skipped, offset)]
        _count_skipped(typed, table, seeds, root, skipped)
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
