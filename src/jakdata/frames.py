"""Every check one table's frame can undergo on its own: columns, types, rules, derived values, provenance."""

from __future__ import annotations

import math
from typing import Literal

import pandas as pd

from .fields import Table
from .io import CellError, coerce
from .provenance import Seeds, check as provenance_check
from .report import Problem, problem, spreadsheet_row
from .rules import RULES

Engine = Literal["rules", "pandera"]

#: A field type as a type error names it ("'abc' cannot be read as a number").
TYPE_WORDS = {"integer": "a whole number", "number": "a number", "boolean": "true or false",
              "string": "text", "date": "a date"}


def column_problems(df: pd.DataFrame, table: Table) -> list[Problem]:
    """The published package's rule: exactly the schema's columns, in its order."""
    wanted, got = table.field_names, [str(c) for c in df.columns]
    problems = [problem(table.name, "column_missing", column=c) for c in wanted if c not in got]
    problems += [problem(table.name, "column_unknown", column=c) for c in got if c not in wanted]
    if not problems and got != wanted:
        problems.append(problem(table.name, "column_order", value=", ".join(got), expected=", ".join(wanted)))
    return problems


def extraction_columns(df: pd.DataFrame, table: Table, notes: list[str]) -> tuple[list[Problem], pd.DataFrame]:
    """Someone's extraction: columns matched by name in any order; derived and curator-only ones optional.

    Returns the problems (a required column missing, a column the schema does not know) and
    the frame in the schema's order with only the columns it has; `notes` learns what was
    tolerated. The other columns' checks all still run, so one missing column hides nothing.
    """
    wanted, got = table.field_names, [str(c) for c in df.columns]
    optional = set(table.extraction_optional)
    missing = [c for c in wanted if c not in got]
    problems = [problem(table.name, "column_missing", column=c) for c in missing if c not in optional]
    problems += [problem(table.name, "column_unknown", column=c) for c in got if c not in wanted]
    computable = {f.name for f in table.derived_fields if f.name != "issue_ids"} if table.derivation else set()
    unchecked = [c for c in missing if c in optional and c not in computable]
    if unchecked:
        notes.append(f"{table.name}: optional column(s) absent, not checked: {', '.join(unchecked)}")
    known = [c for c in got if c in wanted]
    if known != [c for c in wanted if c in got]:
        notes.append(f"{table.name}: columns matched by name; the file's order ({', '.join(known)}) differs from "
                     "the schema's")
    df = df.copy(deep=False)
    df.columns = got
    return problems, df[[c for c in wanted if c in got] + [c for c in got if c not in wanted]]


def _fill_derived(typed: pd.DataFrame, table: Table, root, notes: list[str]) -> pd.DataFrame:
    """An extraction's absent derived columns, computed from its own columns (so rules on them still run)."""
    derivation = table.derivation
    absent = [f.name for f in table.derived_fields if f.name not in typed]
    if not absent:
        return typed
    computable = [c for c in absent if c != "issue_ids"]
    out = typed.copy()
    if computable and derivation is not None and not derivation.inputs and \
            all(f.name in typed for f in table.curated_fields if f.required):
        try:
            expected = derivation.compute(typed.reset_index(drop=True), {}, root)
        except Exception as exc:  # a derivation meets input it was never written for: say so, check the rest
            notes.append(f"{table.name}: derived column(s) {', '.join(computable)} could not be computed "
                         f"({type(exc).__name__}); their checks were skipped")
            expected = None
        if expected is not None:
            for c in computable:
                out[c] = expected[c].to_numpy()
            notes.append(f"{table.name}: derived column(s) absent, computed from the file: {', '.join(computable)}")
    elif computable:
        notes.append(f"{table.name}: derived column(s) {', '.join(computable)} not computed (a column they need "
                     "is missing); their checks were skipped")
    for c in absent:
        if c not in out:
            out[c] = pd.Series(pd.NA, index=out.index)
    typed, _ = coerce(out[[c for c in table.field_names if c in out] +
                          [c for c in out.columns if c not in table.field_names]], table)
    return typed


def cell_problems(errors: list[CellError], df: pd.DataFrame, table: Table) -> list[Problem]:
    out = []
    for e in errors:
        key = df.at[e.index, table.primary_key] if table.primary_key in df else None
        key = None if key is None or pd.isna(key) else str(key)
        params = RULES["enum"].params(table.field(e.column)) if e.check == "enum" else \
            {"type": TYPE_WORDS.get(e.type, e.type)}
        out.append(problem(table.name, e.check, spreadsheet_row(e.index), key, e.column, e.value, **params))
    return out


def same(a, b) -> bool:
    """Whether two cells hold the same value (numbers to within float noise)."""
    if pd.isna(a) and pd.isna(b):
        return True
    if pd.isna(a) or pd.isna(b):
        return False
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)
    return str(a) == str(b)


def _key(df: pd.DataFrame, table: Table, i: int) -> str | None:
    k = df[table.primary_key].iat[i] if table.primary_key in df else None
    return None if k is None or pd.isna(k) else str(k)


def derived_column_problems(got: pd.DataFrame, table: Table, root, skip=frozenset(),
                            raw: pd.DataFrame | None = None) -> list[Problem]:
    """A table's own derived columns must equal their recomputation from its extracted columns.

    Rows whose recomputation is missing (their inputs cannot give one: those inputs' own checks
    say why) are not compared, so a bad input is reported once.
    """
    derivation = table.derivation
    if derivation is None or derivation.inputs or got.empty:
        return []
    if any(f.name not in got for f in table.curated_fields if f.required):
        return []  # a required input column is missing (reported): nothing to recompute from
    got = got.reset_index(drop=True)
    expected = derivation.compute(got, {}, root).reset_index(drop=True)
    columns = [f.name for f in table.derived_fields if f.name != "issue_ids" and f.name in got
               and (raw is None or f.name in raw)]
    out = []
    for col in columns:
        for i in range(len(got)):
            a, b = got[col].iat[i], expected[col].iat[i]
            if pd.isna(b) or same(a, b) or (i, col) in skip:
                continue
            shown = raw[col].iat[i] if raw is not None else (None if pd.isna(a) else a)
            out.append(problem(table.name, derivation.check, spreadsheet_row(i), _key(got, table, i), col,
                               shown, expected=b))
    if derivation.recheck is not None:
        out += derivation.recheck(got, expected, root)
    return out


def readable_dates(df: pd.DataFrame, table: Table) -> pd.DataFrame:
    """The frame with dates that break their pattern set missing, for the provenance check.

    Such a date is reported by the pattern check; comparing its parts with the source's words
    would be meaningless (and '31/08/2024' has no ISO parts to compare).
    """
    out = df
    for f in table.fields:
        if f.type == "date" and f.pattern and f.name in df:
            bad = RULES["pattern"].fails(df[f.name], f)
            if bad.any():
                out = out.copy() if out is df else out
                out[f.name] = df[f.name].mask(bad)
    return out


def validate_frame(raw: pd.DataFrame, table: Table, seeds: Seeds | None, require_known_sources: bool = True,
                   engine: Engine = "rules", scope: str = "all", root=None,
                   notes: list[str] | None = None) -> tuple[list[Problem], pd.DataFrame]:
    """Every check one table's frame can undergo on its own; returns problems and the typed frame.

    `engine` "rules" runs the registry's rules as vectorised pandas (fast, no pandera import);
    "pandera" runs the exported pandera schema. Both report the same problems
    (tests/test_engines.py); `jakdata build` and `jakdata.validate()` use pandera.
    Given a `notes` list, the frame is someone's extraction and read forgivingly
    (`extraction_columns`); what was tolerated is appended to `notes`. Otherwise the
    published package's strict column rule applies.
    """
    raw = raw.reset_index(drop=True)
    external = notes is not None
    if external:
        problems, raw = extraction_columns(raw, table, notes)
    else:
        problems = column_problems(raw, table)
    if raw.empty:
        problems.append(problem(table.name, "no_rows"))
    typed, errors = coerce(raw, table)
    problems += cell_problems(errors, typed, table)
    skip = {(e.index, e.column) for e in errors}
    if external:
        typed = _fill_derived(typed, table, root, notes)
        lacking = [f.name for f in table.curated_fields if f.required and f.name not in typed]
        present = [f.name for f in table.derived_fields if f.name in raw and f.name != "issue_ids"]
        if lacking and present and table.derivation is not None and not table.derivation.inputs:
            notes.append(f"{table.name}: derived column(s) {', '.join(present)} not rechecked (a required column "
                         "is missing)")
    if engine != "pandera" or not any(p.check == "column_missing" for p in problems):
        ordered = typed[[c for c in table.field_names if c in typed] +
                        [c for c in typed.columns if c not in table.field_names]]
        if engine == "pandera":
            from .schemas import pandera_problems

            problems += pandera_problems(ordered, table, skip, raw)
        else:
            from .engine import check_frame

            problems += check_frame(ordered, table, skip, scope=scope, raw=raw)
        if scope != "table":
            problems += derived_column_problems(typed, table, root, skip, raw if external else None)
    if seeds is not None:
        problems += provenance_check(readable_dates(typed, table), table, seeds, require_known_sources)
    return problems, typed
