"""Checks across tables: foreign keys, the ledger's row references and issue_ids, derived tables."""

from __future__ import annotations

import pandas as pd

from .catalog import LEDGER_TABLE, TABLES
from .catalog.ledger import issue_ids, references
from .frames import same
from .report import Problem, problem, spreadsheet_row


def _key(df: pd.DataFrame, key_col: str, i: int) -> str | None:
    k = df[key_col].iat[i] if key_col in df else None
    return None if k is None or pd.isna(k) else str(k)


def foreign_key_problems(frames: dict[str, pd.DataFrame]) -> list[Problem]:
    out = []
    for name, df in frames.items():
        table = TABLES[name]
        df = df.reset_index(drop=True)
        for fk in table.foreign_keys:
            ref = frames.get(fk.reference)
            if ref is None or fk.fields not in df or fk.reference_fields not in ref:
                continue
            allowed = set(ref[fk.reference_fields].dropna().astype(str))
            for i, v in enumerate(df[fk.fields]):
                if pd.notna(v) and str(v) not in allowed:
                    out.append(problem(name, "foreign_key", spreadsheet_row(i), _key(df, table.primary_key, i),
                                       fk.fields, v, reference=f"{fk.reference}.{fk.reference_fields}"))
    return out


def ledger_problems(frames: dict[str, pd.DataFrame]) -> list[Problem]:
    """The ledger names only rows that exist, and every table's issue_ids follow from it."""
    ledger = frames.get(LEDGER_TABLE)
    if ledger is None:
        return []
    ledger = ledger.reset_index(drop=True)
    out = []
    keys = {name: set(df[TABLES[name].primary_key].dropna().astype(str)) for name, df in frames.items()
            if TABLES[name].primary_key in df}
    lkey = TABLES[LEDGER_TABLE].primary_key
    for i, issue, ref, t, k in references(ledger):
        if t in TABLES and t not in keys:
            continue  # that table's file could not be read, which is reported on its own
        if t not in keys or k not in keys[t]:
            out.append(problem(LEDGER_TABLE, "affected_row_exists", spreadsheet_row(i), _key(ledger, lkey, i),
                               "affected_rows", ref))
    for name, df in frames.items():
        table = TABLES[name]
        if "issue_ids" in df and table.primary_key in df and table.kind != "derived":
            df = df.reset_index(drop=True)
            expected = issue_ids(name, table.primary_key, df, ledger)
            out += _compare(name, table.primary_key, df, "issue_ids", expected.reset_index(drop=True))
    return out


def _compare(name: str, key_col: str, got: pd.DataFrame, col: str, expected: pd.Series,
             check: str = "derived_value") -> list[Problem]:
    out = []
    for i in range(len(got)):
        a, b = got[col].iat[i], expected.iat[i]
        if not same(a, b):
            out.append(problem(name, check, spreadsheet_row(i), _key(got, key_col, i), col,
                               None if pd.isna(a) else a, expected="empty" if pd.isna(b) else b))
    return out


def compute_derived_table(name: str, frames: dict[str, pd.DataFrame], root=None) -> pd.DataFrame:
    """A derived table recomputed from its inputs, with issue_ids from its inputs and the ledger."""
    table = TABLES[name]
    out = table.derivation.compute(pd.DataFrame(), {i: frames[i] for i in table.derivation.inputs}, root)
    ledger = frames.get(LEDGER_TABLE)
    if ledger is not None and "issue_ids" in table.field_names:
        out["issue_ids"] = issue_ids(name, table.primary_key, out, ledger, inherit=True)
    return out


def derived_table_problems(frames: dict[str, pd.DataFrame], root=None) -> list[Problem]:
    """Every derived table equals its recomputation from its inputs, row for row, by key."""
    out: list[Problem] = []
    for name, table in TABLES.items():
        d = table.derivation
        if d is None or not d.inputs or name not in frames or not all(i in frames for i in d.inputs):
            continue
        try:
            expected = compute_derived_table(name, frames, root)
        except (ArithmeticError, ValueError, TypeError, KeyError, AttributeError) as exc:
            # Impossible inputs are reported by the inputs' own checks; the derived table cannot be
            # recomputed from them, which is said, not raised.
            out.append(Problem(name, d.check, f"the table cannot be recomputed from {', '.join(d.inputs)} (see "
                               "that table's problems)", value=f"{type(exc).__name__}: {exc}"))
            continue
        out += _table_agrees(frames[name].reset_index(drop=True), expected, name, d.check)
    return out


def _table_agrees(got: pd.DataFrame, expected: pd.DataFrame, name: str, check: str) -> list[Problem]:
    table = TABLES[name]
    key = table.primary_key
    if key not in got:
        return []
    if expected[key].duplicated().any():  # duplicate keys in an input, which its own checks report
        return [Problem(name, check, f"the table cannot be recomputed row by row: its inputs "
                        f"({', '.join(table.derivation.inputs)}) give some {key} more than once (see their problems)",
                        column=key)]
    exp = expected.set_index(key)
    out = []
    for i, k in enumerate(got[key]):
        if pd.isna(k) or k not in exp.index:
            out.append(Problem(name, check, f"row {k} does not follow from {', '.join(table.derivation.inputs)}",
                               spreadsheet_row(i), None if pd.isna(k) else str(k), key,
                               None if pd.isna(k) else str(k)))
            continue
        for f in table.fields:
            if f.name == key or f.name not in got:
                continue
            a, b = got[f.name].iat[i], exp.at[k, f.name]
            if not same(a, b):
                out.append(problem(name, check, spreadsheet_row(i), str(k), f.name, None if pd.isna(a) else a,
                                   expected="empty" if pd.isna(b) else b))
    for k in sorted(set(exp.index) - set(got[key].dropna())):
        out.append(Problem(name, check, f"the row {k} that follows from {', '.join(table.derivation.inputs)} is "
                           "missing", key=str(k), column=key))
    return out


def cross_table_problems(frames: dict[str, pd.DataFrame], root=None) -> list[Problem]:
    return foreign_key_problems(frames) + ledger_problems(frames) + derived_table_problems(frames, root)
