"""pandera schemas generated from the catalog (pandera is imported only here, on demand)."""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from . import checks as row_checks
from .catalog import TABLES
from .fields import FORMULA_PREFIXES, Field, Table
from .io import dtype

#: pandera check names, kept stable because reports and tests quote them.
NO_FORMULA = "no_formula_prefix"
NOT_BLANK = "not_blank"


def _column_checks(pa, f: Field) -> list:
    out = []
    if f.minimum is not None:
        out.append(pa.Check.ge(f.minimum))
    if f.maximum is not None:
        out.append(pa.Check.le(f.maximum))
    if f.exclusive_minimum is not None:
        out.append(pa.Check.gt(f.exclusive_minimum))
    if f.enum is not None:
        out.append(pa.Check.isin(list(f.enum)))
    if f.type in ("string", "date"):
        if f.pattern is not None:
            out.append(pa.Check.str_matches(f.full_pattern))
    return out


def _text_checks(pa, table: Table) -> list:
    """Spreadsheet-formula and blank-text rules over every free-text column, as two checks.

    Two table-level checks cost pandera far less than two checks on every text column. A
    check returns a plain True when every cell passes (pandera then has nothing to unpack)
    and otherwise a cell-wise boolean frame, so failures still name their column and row.
    """
    columns = [f.name for f in table.fields if f.type in ("string", "date") and f.enum is None]
    prefixes = "".join("\\" + c if c in "-+" else c for c in FORMULA_PREFIXES)

    def cells(df, rule):
        present = [c for c in columns if c in df]
        text = {c: df[c].astype("string") for c in present}  # missing is pd.NA, whatever came in
        if not present or rule(pd.concat(text.values(), ignore_index=True)).fillna(True).all():
            return True  # one pass over every text cell settles the usual case
        passing = pd.Series(True, index=df.index)
        return pd.DataFrame({c: rule(text[c]).fillna(True).astype(bool) if c in text else passing
                             for c in df.columns}, index=df.index)

    return [
        pa.Check(lambda df: cells(df, lambda s: ~s.str.match(f"[{prefixes}]")), name=NO_FORMULA),
        pa.Check(lambda df: cells(df, lambda s: s.str.strip().str.len() > 0), name=NOT_BLANK),
    ]


def _row_check(pa, check):
    function = getattr(row_checks, check.function)
    return pa.Check(function, name=check.name)


@lru_cache(maxsize=None)
def build_schema(name: str):
    """The pandera DataFrameSchema of a jakdata table: exact dtypes, no coercion, strict columns."""
    import pandera.pandas as pa

    table: Table = TABLES[name]
    columns = {
        f.name: pa.Column(
            dtype(f), nullable=not f.required, unique=f.unique, required=True,
            checks=_column_checks(pa, f), description=f.description, title=f.name,
            metadata={"unit": f.unit, "derived": f.derived} if (f.unit or f.derived) else None,
        )
        for f in table.fields
    }
    return pa.DataFrameSchema(
        columns,
        checks=_text_checks(pa, table) + [_row_check(pa, c) for c in table.checks],
        unique=[list(u) for u in table.unique_together][0] if table.unique_together else None,
        strict=True, ordered=True, coerce=False, name=name, title=table.title,
        description=table.description,
    )
