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


def column_problems(df: pd.DataFrame, table: Table) -> list[Problem]:
    wanted, got = table.field_names, [str(c) for c in df.columns]
    problems = [problem(table.name, "column_missing", column=c) for c in wanted if c not in got]
    problems += [problem(table.name, "column_unknown", column=c) for c in got if c not in wanted]
    if not problems and got != wanted:
        problems.append(problem(table.name, "column_order", value=", ".join(got)))
    return problems


def cell_problems(errors: list[CellError], df: pd.DataFrame, table: Table) -> list[Problem]:
    out = []
    for e in errors:
        key = df.at[e.index, table.primary_key] if table.primary_key in df else None
        key = None if key is None or pd.isna(key) else str(key)
        params = RULES["enum"].params(table.field(e.column)) if e.check == "enum" else {"type": e.type}
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


def derived_column_problems(got: pd.DataFrame, table: Table, root, skip=frozenset()) -> list[Problem]:
    """A table's own derived columns must equal their recomputation from its extracted columns.

    Rows whose recomputation is missing (their inputs cannot give one: those inputs' own checks
    say why) are not compared, so a bad input is reported once.
    """
    derivation = table.derivation
    if derivation is None or derivation.inputs or got.empty:
        return []
    got = got.reset_index(drop=True)
    expected = derivation.compute(got, {}, root).reset_index(drop=True)
    columns = [f.name for f in table.derived_fields if f.name != "issue_ids" and f.name in got]
    out = []
    for col in columns:
        for i in range(len(got)):
            a, b = got[col].iat[i], expected[col].iat[i]
            if pd.isna(b) or same(a, b) or (i, col) in skip:
                continue
            out.append(problem(table.name, derivation.check, spreadsheet_row(i), _key(got, table, i), col,
                               None if pd.isna(a) else a, expected=b))
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
                   engine: Engine = "rules", scope: str = "all", root=None) -> tuple[list[Problem], pd.DataFrame]:
    """Every check one table's frame can undergo on its own; returns problems and the typed frame.

    `engine` "rules" runs the registry's rules as vectorised pandas (fast, no pandera import);
    "pandera" runs the exported pandera schema. Both report the same problems
    (tests/test_engines.py); `jakdata build` and `jakdata.validate()` use pandera.
    """
    raw = raw.reset_index(drop=True)
    problems = column_problems(raw, table)
    if raw.empty:
        problems.append(problem(table.name, "no_rows"))
    typed, errors = coerce(raw, table)
    problems += cell_problems(errors, typed, table)
    skip = {(e.index, e.column) for e in errors}
    if not any(p.check == "column_missing" for p in problems):
        ordered = typed[table.field_names + [c for c in typed.columns if c not in table.field_names]]
        if engine == "pandera":
            from .schemas import pandera_problems

            problems += pandera_problems(ordered, table, skip)
        else:
            from .engine import check_frame

            problems += check_frame(ordered, table, skip, scope=scope)
        if scope != "table":
            problems += derived_column_problems(typed, table, root, skip)
    if seeds is not None:
        problems += provenance_check(readable_dates(typed, table), table, seeds, require_known_sources)
    return problems, typed
