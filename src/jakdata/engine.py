"""The fast validation engine: the registry's rules as plain vectorised pandas.

`jakdata validate` runs this; `jakdata build` and `jakdata.validate()` run the pandera schema
(`jakdata.schemas`), which wraps the very same masks, so the two cannot disagree about a
rule (tests/test_engines.py proves it for every rule on every table). Both turn failures
into Problems through `field_problem` and `row_problems` here.
"""

from __future__ import annotations

from typing import Literal

import pandas as pd

from .fields import Field, RowCheck, Table
from .report import Problem, problem, spreadsheet_row
from .rules import RULES, field_rules, row_check_message, unique_together_fails

Scope = Literal["all", "row", "table"]


def _key_reader(df: pd.DataFrame, table: Table):
    keys = df[table.primary_key].astype("object") if table.primary_key in df else None

    def key_of(i: int) -> str | None:
        if keys is None:
            return None
        k = keys.iat[i]
        return None if k is None or pd.isna(k) else str(k)

    return key_of


def _shown(value: object) -> object:
    return None if value is None or pd.isna(value) else value


def field_problem(table: Table, f: Field, rule_id: str, i: int, value: object, key: str | None) -> Problem:
    """The Problem of field rule `rule_id` failing on 0-based row `i`."""
    return problem(table.name, rule_id, spreadsheet_row(i), key, f.name, _shown(value), **RULES[rule_id].params(f))


def shown_value(df: pd.DataFrame, raw: pd.DataFrame | None, i: int, column: str) -> object:
    """The cell as the file has it (`raw`, when given and holding the column), else the typed value.

    Reports show what the user typed ('6', '0.70'), not its conversion ('6.0', '0.7').
    """
    if raw is not None and column in raw.columns:
        v = raw[column].iat[i]
        if isinstance(v, str):
            return None if v == "" else v
        return _shown(v)
    return _shown(df[column].iat[i])


def skipped_rows(skip, columns) -> set[int]:
    """Rows with a cell among `columns` that already failed its type: a row check there would only echo it."""
    wanted = set(columns)
    return {i for i, c in skip if c in wanted}


def row_problems(df: pd.DataFrame, table: Table, check_id: str, columns: tuple[str, ...], failing,
                 key_of, raw: pd.DataFrame | None = None, skip=frozenset()) -> list[Problem]:
    """Problems of a multi-column rule (a row check or unique-together) on the failing rows.

    Rows where one of the rule's cells could not be typed are left out (that cell's type
    problem says what is wrong); values are shown as written in the file.
    """
    rc: RowCheck | None = table.row_check(check_id)
    out = []
    passed_over = skipped_rows(skip, columns)
    for i in pd.RangeIndex(len(df))[failing.to_numpy(dtype=bool, na_value=False)]:
        if int(i) in passed_over:
            continue
        values = {c: shown_value(df, raw, int(i), c) for c in columns}
        value = "; ".join(f"{c}={'' if v is None else v}" for c, v in values.items())
        if rc is not None:
            message = row_check_message(rc, values)
            out.append(Problem(table.name, check_id, message, spreadsheet_row(i), key_of(i), ", ".join(columns),
                               value))
        else:
            out.append(problem(table.name, check_id, spreadsheet_row(i), key_of(i), ", ".join(columns), value,
                               columns=", ".join(columns)))
    return out


def _wanted(check_scope: str, scope: Scope) -> bool:
    return scope == "all" or check_scope == scope


def check_frame(df: pd.DataFrame, table: Table, skip: frozenset | set = frozenset(),
                scope: Scope = "all", raw: pd.DataFrame | None = None) -> list[Problem]:
    """Every field rule, unique-together rule and row check of `table` on a typed frame.

    `skip` holds (row position, column) cells already reported (cells that could not be
    typed), so one bad cell gives one problem. `scope` "row" runs only the rules that look at
    one row at a time, "table" only those that need every row (uniqueness, totals): a large
    file is checked chunk by chunk for the first and once, on a few columns, for the second.
    `raw`, the frame as read (aligned with `df`), supplies the values reports show.
    """
    df = df.reset_index(drop=True)
    raw = None if raw is None else raw.reset_index(drop=True)
    problems: list[Problem] = []
    key_of = _key_reader(df, table)
    positions = pd.RangeIndex(len(df))
    for f in table.fields:
        if f.name not in df:
            continue
        s = df[f.name]
        for rule in field_rules(f):
            if not _wanted("table" if rule.id == "unique" else "row", scope):
                continue
            mask = rule.fails(s, f)
            for i in positions[mask.to_numpy(dtype=bool, na_value=False)]:
                if (int(i), f.name) not in skip:
                    problems.append(field_problem(table, f, rule.id, int(i), shown_value(df, raw, int(i), f.name),
                                                  key_of(int(i))))
    if _wanted("table", scope):
        for cols in table.unique_together:
            if all(c in df for c in cols):
                problems += row_problems(df, table, "unique_together", cols, unique_together_fails(df, cols), key_of,
                                         raw, skip)
    for rc in table.checks:
        if _wanted(rc.scope, scope) and all(c in df for c in rc.columns):
            ok = rc.test(df)
            problems += row_problems(df, table, rc.id, rc.columns, ~ok.astype(bool), key_of, raw, skip)
    return problems
