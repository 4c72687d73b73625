"""Validation entry points: one external file against one table, or a whole package.

The work is done by the modules below this one (reading, frames, crosstable, package); this
module picks the path (whole file or chunks) and finds jakdata's own seeds.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import reading
from .catalog import LEDGER_TABLE, SOURCES_TABLE, TABLES, get_table
from .csvform import scan_file
from .errors import InputError
from .fields import Table
from .frames import validate_frame
from .package import validate_package
from .provenance import Seeds
from .report import Problem, problem, spreadsheet_row

__all__ = ["InputError", "FileReport", "table_spec", "check_file", "validate_file", "validate_package",
           "installed_seeds"]


table_spec = get_table  # the name earlier releases used


@dataclass
class FileReport:
    """What `validate --table` found: problems, what it did not check, and the documents it read."""

    problems: list[Problem]
    notes: list[str] = field(default_factory=list)
    documents: list = field(default_factory=list)  # usersources.Document, one per source text read


def validate_file(path: Path | str, name: str, seeds: Seeds | None = None) -> list[Problem]:
    """Validate someone's CSV or Parquet file against one jakdata table's schema."""
    return check_file(path, name, seeds).problems


def check_file(path: Path | str, name: str, seeds: Seeds | None = None,
               sources: Path | str | None = None) -> FileReport:
    """Validate someone's file against one table: schema, rules, provenance and foreign keys.

    Quotes are checked against `seeds` (jakdata's own when called from the command line), or
    against the documents in `sources` (see `jakdata.usersources`) when given; foreign keys
    to sources name those documents then, and every other foreign key names jakdata's own
    published rows. The report's notes say what was not checked, and for how many rows.
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
    if reading.is_large_csv(path):
        problems = _validate_large_csv(path, table, seeds, allowed, skipped, root)
    else:
        raw, _fmt, problems = reading.read_raw(path, table)
        found, typed = validate_frame(raw, table, seeds, root=root)
        problems = problems + found + _foreign_keys(typed, table, allowed, skipped)
        _count_skipped(typed, table, seeds, root, skipped)
    if user is not None:
        problems = user.problems + problems
    notes = [f"not checked: {what.format(n=n, s='s' * (n != 1))}" for what, n in skipped.items() if n]
    return FileReport(problems, notes, user.documents if user is not None else [])


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


def _validate_large_csv(path: Path, table: Table, seeds: Seeds | None, allowed, skipped: Counter,
                        root=None) -> list[Problem]:
    """Row-local rules chunk by chunk; uniqueness and totals once, over the columns they need."""
    from .engine import check_frame

    problems = scan_file(path, table).problems
    needed = {table.primary_key} | {f.name for f in table.fields if f.unique}
    needed |= {c for cols in table.unique_together for c in cols}
    needed |= {c for rc in table.checks if rc.scope == "table" for c in rc.columns}
    narrow: list[pd.DataFrame] = []
    offset = 0
    for chunk in reading.csv_chunks(path):
        found, typed = validate_frame(chunk, table, seeds, scope="row", root=root)
        for p in found:
            if p.row is not None:
                problems.append(dataclasses.replace(p, row=p.row + offset))
            elif offset == 0 and p.check != "no_rows":
                problems.append(p)
        problems += _foreign_keys(typed, table, allowed, skipped, offset)
        _count_skipped(typed, table, seeds, root, skipped)
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
