"""pandera schemas generated from the catalog through the rule registry.

pandera is imported only here, on demand. Every check is named by its stable check id and
runs the registry's own failing-row mask, so the schema and the fast engine
(`jakdata.engine`) cannot disagree; `pandera_problems` turns pandera's report back into the
same Problems the fast engine gives.
"""

from __future__ import annotations

import math
from functools import lru_cache

import pandas as pd

from .catalog import TABLES
from .engine import _key_reader, field_problem, row_problems, shown_value
from .fields import Field, Table
from .io import dtype
from .report import Problem
from .rules import FIELD_RULES, PANDERA_NAMES, RULES, field_rules, unique_together_fails


def _column_checks(pa, f: Field) -> list:
    return [pa.Check(lambda s, rule=rule, f=f: ~rule.fails(s, f), name=rule.id, error=rule.id)
            for rule in field_rules(f) if rule.pandera == "column"]


def _table_wide_check(pa, table: Table, rule):
    """One check for a rule over all the table's applicable columns.

    It returns a plain True when every cell passes (pandera then has nothing to unpack), and
    otherwise a cell-wise frame, so failures still name their column and row.
    """
    fields = [f for f in table.fields if rule.applies(f)]

    def test(df):
        present = [f for f in fields if f.name in df]
        failing = {f.name: rule.fails(df[f.name], f) for f in present}
        if not any(bool(m.any()) for m in failing.values()):
            return True
        passing = pd.Series(True, index=df.index)
        return pd.DataFrame({c: ~failing[c] if c in failing else passing for c in df.columns}, index=df.index)

    return pa.Check(test, name=rule.id, error=rule.id)


def _unique_together_check(pa, cols: tuple[str, ...]):
    return pa.Check(lambda df, cols=cols: ~unique_together_fails(df, cols), name="unique_together",
                    error="unique_together:" + ",".join(cols))


@lru_cache(maxsize=None)
def build_schema(name: str):
    """The pandera DataFrameSchema of a jakdata table: exact dtypes, no coercion, strict columns."""
    return schema_for(TABLES[name])


def schema_for(table: Table):
    """The pandera DataFrameSchema of any table definition (the catalog's are cached by name)."""
    import pandera.pandas as pa

    name = table.name
    native = {r.id for r in FIELD_RULES if r.pandera == "native"}
    assert native == {"required", "unique"}, "pandera renders only these natively"
    columns = {
        f.name: pa.Column(
            dtype(f), nullable=not f.required, unique=f.unique, required=True,
            checks=_column_checks(pa, f), description=f.description, title=f.name,
            metadata={"unit": f.unit, "derived": f.derived} if (f.unit or f.derived) else None,
        )
        for f in table.fields
    }
    checks = [_table_wide_check(pa, table, r) for r in FIELD_RULES if r.pandera == "table"
              and any(r.applies(f) for f in table.fields)]
    checks += [_unique_together_check(pa, cols) for cols in table.unique_together]
    checks += [pa.Check(rc.test, name=rc.id, error=rc.id) for rc in table.checks]
    return pa.DataFrameSchema(
        columns, checks=checks, strict=True, ordered=True, coerce=False, name=name, title=table.title,
        description=table.description,
    )


def _index(rec) -> int | None:
    i = rec.index
    if i is None or (isinstance(i, float) and math.isnan(i)):
        return None
    return int(i)


def pandera_problems(df: pd.DataFrame, table: Table, skip: frozenset | set = frozenset(),
                     raw: pd.DataFrame | None = None) -> list[Problem]:
    """Validate a typed frame with the pandera schema; the failures as the fast engine words them."""
    import pandera.pandas as pa

    df = df.reset_index(drop=True)
    raw = None if raw is None else raw.reset_index(drop=True)
    try:
        schema = build_schema(table.name) if TABLES.get(table.name) is table else schema_for(table)
        schema.validate(df, lazy=True)
        return []
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    key_of = _key_reader(df, table)
    cells: dict[tuple[str, str], set[int]] = {}
    rows: dict[tuple[str, tuple[str, ...]], set[int]] = {}
    for rec in cases.itertuples(index=False):
        check, index = str(rec.check), _index(rec)
        rid, _, arg = check.partition(":")
        rid = PANDERA_NAMES.get(rid, rid)
        if index is None:
            continue  # column set and dtypes are checked, and reported, before any engine runs
        if rid in RULES:
            column = rec.column if isinstance(rec.column, str) else None
            if isinstance(rec.failure_case, dict):  # a cell-wise table check: the row's failing cells
                for col, value in rec.failure_case.items():
                    if value is not None:
                        cells.setdefault((rid, col), set()).add(index)
            elif column is not None:
                cells.setdefault((rid, column), set()).add(index)
        elif rid == "unique_together":
            rows.setdefault((rid, tuple(arg.split(","))), set()).add(index)
        elif table.row_check(rid) is not None:
            rows.setdefault((rid, table.row_check(rid).columns), set()).add(index)
    problems: list[Problem] = []
    for f in table.fields:
        for rule in field_rules(f):
            for i in sorted(cells.get((rule.id, f.name), ())):
                if (i, f.name) not in skip:
                    problems.append(field_problem(table, f, rule.id, i, shown_value(df, raw, i, f.name), key_of(i)))
    for (rid, cols), failing in rows.items():
        mask = pd.Series(df.index.isin(sorted(failing)), index=df.index)
        problems += row_problems(df, table, rid, cols, mask, key_of, raw, skip)
    return problems
