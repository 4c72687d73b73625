"""Reading and writing tables: pandas dtypes from the schema, CSV and Parquet, coercion with errors.

`dtypes(table)` is the one dtype map; CSV reads, Parquet reads and built frames all pass
through it, so both formats load to equal frames.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .fields import Field, Table

_BOOL = {"true": True, "false": False, "1": True, "0": False}


def dtype(field: Field):
    """The exact pandas dtype of a field."""
    if field.enum is not None:
        return pd.CategoricalDtype(categories=list(field.enum), ordered=False)
    return {"string": "string", "date": "string", "integer": "Int64", "number": "Float64",
            "boolean": "boolean"}[field.type]


def dtypes(table: Table) -> dict:
    return {f.name: dtype(f) for f in table.fields}


def read_csv_exact(path, table: Table) -> pd.DataFrame:
    """Read a jakdata CSV with its schema's dtypes; only empty cells are missing."""
    return pd.read_csv(path, dtype=dtypes(table), keep_default_na=False, na_values=[""], encoding="utf-8")


def read_parquet_exact(path, table: Table) -> pd.DataFrame:
    import pyarrow.parquet as pq

    return conform(pq.read_table(path).to_pandas(), table)


def conform(df: pd.DataFrame, table: Table) -> pd.DataFrame:
    """Cast an already well-typed frame to the schema's exact dtypes (cheap when they match)."""
    wanted = dtypes(table)
    casts = {c: t for c, t in wanted.items() if c in df.columns and str(df[c].dtype) != str(t)
             or (c in df.columns and isinstance(t, pd.CategoricalDtype) and df[c].dtype != t)}
    return df.astype(casts) if casts else df


@dataclass(frozen=True)
class CellError:
    """A cell whose text cannot become the field's type."""

    index: int
    column: str
    check: str
    value: object


def coerce(df: pd.DataFrame, table: Table) -> tuple[pd.DataFrame, list[CellError]]:
    """Turn a frame of any dtypes (often all text) into the schema's dtypes, cell by cell.

    Cells that do not fit are reported and set missing, so the remaining checks still run.
    Columns the schema does not know are kept as they are (the schema check reports them).
    """
    out = {}
    errors: list[CellError] = []
    for name in df.columns:
        if name not in table.field_names:
            out[name] = df[name]
            continue
        out[name], errs = _coerce_column(df[name], table.field(name))
        errors.extend(errs)
    return pd.DataFrame(out, index=df.index), errors


def _blank_to_na(s: pd.Series) -> pd.Series:
    if pd.api.types.is_object_dtype(s) or pd.api.types.is_string_dtype(s):
        s = s.astype("object")
        s = s.where(~s.isin([""]), None)
    return s


def _coerce_column(s: pd.Series, field: Field) -> tuple[pd.Series, list[CellError]]:
    s = _blank_to_na(s)
    bad = pd.Series(False, index=s.index)
    kind = field.type
    if kind in ("integer", "number"):
        if pd.api.types.is_bool_dtype(s):
            bad = s.notna()
            num = pd.Series(float("nan"), index=s.index)
        elif pd.api.types.is_numeric_dtype(s):
            num = s.astype("float64")
        else:
            text = s.astype("object").map(lambda v: v.strip() if isinstance(v, str) else v)
            num = pd.to_numeric(text, errors="coerce")
            bad = s.notna() & num.isna()
        if kind == "integer":
            fractional = num.notna() & (num != num.round())
            bad |= fractional
            num = num.where(~fractional)
            result = pd.array(num.round(), dtype="Float64").astype("Int64") if len(num) else \
                pd.array([], dtype="Int64")
            result = pd.Series(result, index=s.index)
        else:
            result = pd.Series(pd.array(num, dtype="Float64"), index=s.index)
            infinite = result.notna() & result.isin([float("inf"), float("-inf")])
            bad |= infinite.fillna(False).astype(bool)
            result = result.mask(infinite.fillna(False).astype(bool))
    elif kind == "boolean":
        if pd.api.types.is_bool_dtype(s):
            result = s.astype("boolean")
        else:
            mapped = s.astype("object").map(lambda v: None if _missing(v) else _BOOL.get(str(v).strip().lower()))
            bad = s.notna() & mapped.isna()
            result = mapped.astype("boolean")
    else:
        text = s.astype("object").map(lambda v: None if _missing(v) else v if isinstance(v, str) else _as_text(v))
        result = text.astype("string")
        if field.enum is not None:
            bad = result.notna() & ~result.isin(list(field.enum)).fillna(False).astype(bool)
            bad = bad.fillna(False).astype(bool)
            result = result.mask(bad).astype(dtype(field))
    check = "enum" if field.enum is not None else f"type:{kind}"
    errors = [CellError(int(i), field.name, check, s[i]) for i in s.index[bad.astype(bool)]]
    if kind in ("integer", "number", "boolean"):
        result = result.mask(bad.astype(bool))
    return result, errors


def _missing(v) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v)


def _as_text(v) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def write_csv(df: pd.DataFrame, path: Path) -> None:
    df.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


def write_parquet(df: pd.DataFrame, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pandas(df, preserve_index=False), path, compression="zstd")


def parquet_content_equal(a: Path, b: Path) -> bool:
    """Whether two Parquet files hold the same schema and values, whatever wrote them."""
    import pyarrow.parquet as pq

    ta, tb = pq.read_table(a), pq.read_table(b)
    return ta.schema.remove_metadata().equals(tb.schema.remove_metadata()) and ta.equals(tb) and \
        _pandas_meta(ta) == _pandas_meta(tb)


def _pandas_meta(t) -> object:
    import json

    meta = (t.schema.metadata or {}).get(b"pandas")
    if not meta:
        return None
    info = json.loads(meta)
    return [(c.get("name"), c.get("pandas_type"), c.get("numpy_type"), c.get("metadata"))
            for c in info.get("columns", [])]


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then move it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
