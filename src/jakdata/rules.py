"""The catalog's column and row rules as plain vectorised pandas operations.

The pandera schema (`jakdata.schema(name)`) is what jakdata exports, and `jakdata build`
validates with it. Whole-package and external-file validation run these same rules without
pandera's per-check overhead, so that `jakdata validate` stays cheap and scales linearly;
tests/test_rules.py asserts that both report the same (check, column, row) on every kind of
bad value. Check names follow pandera's, so reports look the same either way.
"""

from __future__ import annotations

import re

import pandas as pd

from . import checks as row_checks
from .fields import FORMULA_PREFIXES, Field, Table
from .report import Problem, spreadsheet_row

NO_FORMULA = "no_formula_prefix"
NOT_BLANK = "not_blank"


def _fmt(x: float) -> str:
    """A bound as pandera prints it in a check name (0 → '0', 0.5 → '0.5', 100.0 → '100.0')."""
    return repr(x)


def _text_masks(s: pd.Series, f: Field) -> dict[str, pd.Series]:
    """Failing-row masks of the text rules, computed once per distinct value."""
    values = s.dropna().unique()
    bad: dict[str, set] = {"pattern": set(), NO_FORMULA: set(), NOT_BLANK: set()}
    pattern = re.compile(f.full_pattern) if f.pattern is not None else None
    for v in values:
        v = str(v)
        if pattern is not None and not pattern.match(v):
            bad["pattern"].add(v)
        if f.enum is None:
            if v[:1] in FORMULA_PREFIXES:
                bad[NO_FORMULA].add(v)
            if not v.strip():
                bad[NOT_BLANK].add(v)
    return {k: s.isin(list(v)).fillna(False).astype(bool) for k, v in bad.items() if v}


def column_masks(s: pd.Series, f: Field) -> list[tuple[str, pd.Series]]:
    """(check name, failing-row mask) for every rule of one field, in pandera's order."""
    out: list[tuple[str, pd.Series]] = []
    present = s.notna()
    if f.required:
        out.append(("not_nullable", ~present))
    if f.unique:
        out.append(("field_uniqueness", present & s.duplicated(keep=False)))
    if f.type in ("integer", "number"):
        v = s.astype("Float64")
        for name, bound, fails in (
            ("greater_than_or_equal_to", f.minimum, lambda b: v < b),
            ("less_than_or_equal_to", f.maximum, lambda b: v > b),
            ("greater_than", f.exclusive_minimum, lambda b: v <= b),
        ):
            if bound is not None:
                out.append((f"{name}({_fmt(bound)})", fails(bound).fillna(False).astype(bool)))
    if f.enum is not None:
        out.append(("isin", present & ~s.astype("object").isin(list(f.enum))))
    if f.type in ("string", "date"):
        masks = _text_masks(s, f)
        if "pattern" in masks:
            out.append((f"str_matches('{f.full_pattern}')", masks["pattern"]))
        for name in (NO_FORMULA, NOT_BLANK):
            if name in masks:
                out.append((name, masks[name]))
    return out


def check_frame(df: pd.DataFrame, table: Table, skip: set[tuple[int, str]] = frozenset(),
                scope: str = "all") -> list[Problem]:
    """Every field rule, uniqueness rule and row check of `table` on a typed frame.

    `skip` holds (row index, column) cells already reported (cells that could not be typed),
    so that one bad cell gives one problem. `scope` "row" runs only the rules that look at one
    row at a time, "table" only those that need every row (uniqueness, totals): a large file is
    checked chunk by chunk for the first and once, on a few columns, for the second.
    """
    problems: list[Problem] = []
    key_col = table.primary_key
    keys = df[key_col].astype("object") if key_col in df else None

    def key_of(i) -> str | None:
        if keys is None:
            return None
        k = keys.iat[i]
        return None if k is None or pd.isna(k) else str(k)

    positions = pd.RangeIndex(len(df))
    for f in table.fields:
        if f.name not in df:
            continue
        s = df[f.name].reset_index(drop=True)
        for check, mask in column_masks(s, f):
            if scope != "all" and (check == "field_uniqueness") != (scope == "table"):
                continue
            for i in positions[mask.to_numpy(dtype=bool, na_value=False)]:
                if (int(i), f.name) in skip:
                    continue
                value = s.iat[i]
                problems.append(Problem(table.name, check, message(check, table), spreadsheet_row(i), key_of(i),
                                        f.name, None if value is None or pd.isna(value) else str(value)))
    flat = df.reset_index(drop=True)
    for cols in table.unique_together if scope != "row" else ():
        if all(c in flat for c in cols):
            dup = flat.duplicated(subset=list(cols), keep=False) & flat[list(cols)].notna().all(axis=1)
            problems += _row_problems(flat, table, "multiple_fields_uniqueness", cols, dup, key_of)
    for rc in table.checks:
        if scope != "all" and rc.scope != scope:
            continue
        if all(c in flat for c in rc.columns):
            ok = getattr(row_checks, rc.function)(flat)
            problems += _row_problems(flat, table, rc.name, rc.columns, ~ok.astype(bool), key_of)
    return problems


def _row_problems(df, table, check, columns, failing, key_of) -> list[Problem]:
    out = []
    for i in pd.RangeIndex(len(df))[failing.to_numpy(dtype=bool, na_value=False)]:
        value = "; ".join(f"{c}={df.at[i, c]}" for c in columns)
        out.append(Problem(table.name, check, message(check, table), spreadsheet_row(i), key_of(i),
                           ", ".join(columns), value))
    return out


_MESSAGES = {
    "not_nullable": "a value is required",
    "column_in_schema": "column is not part of the table's schema",
    "column_in_dataframe": "column is missing",
    "dtype": "column has the wrong type",
    "field_uniqueness": "values must be unique",
    "multiple_fields_uniqueness": "this combination of values must be unique",
    "greater_than_or_equal_to": "value below the minimum",
    "less_than_or_equal_to": "value above the maximum",
    "greater_than": "value must be greater than the bound",
    "isin": "value is not in the controlled list",
    "str_matches": "text does not match the required pattern",
    NO_FORMULA: "text must not begin with =, +, -, @, tab or carriage return (spreadsheet formula)",
    NOT_BLANK: "text must not be empty or only spaces",
}


def message(check: str, table: Table) -> str:
    """The human sentence for a check name (pandera's names, jakdata's row checks)."""
    for rc in table.checks:
        if check in (rc.name, rc.description):
            return rc.description
    base = check.split("(")[0]
    text = _MESSAGES.get(base, check)
    return text if base == check else f"{text}: {check}"
