"""Reading and writing tables: pandas dtypes from the schema, CSV and Parquet, coercion with errors.

`dtypes(table)` is the one dtype map; CSV reads, Parquet reads and built frames all pass
through it, so both formats load to equal frames.
"""

from __future__ import annotations

import csv
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
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
    # Numbers are parsed as float64, then made Float64: before pandas 3.1 the parser can miss
    # the last digit unless asked for round-trip precision, which it ignores for Float64 (and
    # which pandas 3.1, exact by default, deprecates).
    parse = {name: ("float64" if str(kind) == "Float64" else kind) for name, kind in dtypes(table).items()}
    exact = {"float_precision": "round_trip"} if _PANDAS_VERSION < (3, 1) else {}
    frame = pd.read_csv(path, dtype=parse, keep_default_na=False, na_values=[""], encoding="utf-8", **exact)
    return conform(frame, table)


_PANDAS_VERSION = tuple(int(p) for p in pd.__version__.split(".")[:2] if p.isdigit())


def read_parquet_exact(path, table: Table) -> pd.DataFrame:
    import pyarrow.parquet as pq

    # ParquetFile reads a single file without pyarrow.dataset, whose import alone costs more
    # than reading a jakdata table; the frame is the same as pq.read_table(path).to_pandas().
    with pq.ParquetFile(path) as file:
        return conform(file.read().to_pandas(), table)


_WANTED: dict[int, tuple[Table, dict]] = {}


def _wanted(table: Table) -> dict:
    """`dtypes(table)`, built once per table object (dtypes are immutable, so sharing is safe)."""
    hit = _WANTED.get(id(table))
    if hit is None or hit[0] is not table:
        hit = _WANTED[id(table)] = (table, dtypes(table))
    return hit[1]


def conform(df: pd.DataFrame, table: Table) -> pd.DataFrame:
    """Cast an already well-typed frame to the schema's exact dtypes (cheap when they match)."""
    have = dict(zip(df.columns, df.dtypes))
    casts = {c: t for c, t in _wanted(table).items() if c in have and (
        str(have[c]) != str(t) or (isinstance(t, pd.CategoricalDtype) and have[c] != t))}
    return df.astype(casts) if casts else df


@dataclass(frozen=True)
class CellError:
    """A cell whose text cannot become the field's type."""

    index: int
    column: str
    check: str  # "type" or "enum"
    value: object
    type: str = ""


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


def _already_exact(s: pd.Series, field: Field) -> bool:
    """Whether a column already has the field's exact dtype and nothing left to convert."""
    want = dtype(field)
    if isinstance(want, pd.CategoricalDtype):
        return isinstance(s.dtype, pd.CategoricalDtype) and list(s.dtype.categories) == list(want.categories)
    if str(s.dtype) != str(want) or s.dtype != want:
        return False
    if field.type in ("string", "date"):
        return not bool((s == "").any())
    if field.type == "number":
        return not bool(s.isin([float("inf"), float("-inf")]).fillna(False).any())
    return True


def _coerce_column(s: pd.Series, field: Field) -> tuple[pd.Series, list[CellError]]:
    if _already_exact(s, field):  # Parquet and built frames: nothing to parse, no cell can fail
        return s, []
    if field.type in ("string", "date"):
        if len(s) > 5000 and pd.api.types.infer_dtype(s, skipna=True) in ("string", "empty"):
            return _coerce_text_vectorised(s, field)
        return _coerce_text(s, field)
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
            # a fraction, or a whole number no Int64 can hold (1e30, inf), is not an integer
            fractional = num.notna() & ((num != num.round()) | ~(num.abs() < 2 ** 63))
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
    errors = [CellError(int(i), field.name, "type", s[i], kind) for i in s.index[bad.astype(bool)]]
    return result.mask(bad.astype(bool)), errors


def _coerce_text(s: pd.Series, field: Field) -> tuple[pd.Series, list[CellError]]:
    """Text and date cells: blanks become missing, other values their text; enums are checked.

    Plain Python over the cells: for jakdata's short columns this is several times faster than
    a chain of pandas operations, and validation coerces every column of every file.
    """
    raw = s.tolist()
    values = [None if _missing(v) or (isinstance(v, str) and v == "") else v if isinstance(v, str) else _as_text(v)
              for v in raw]
    if field.enum is None:
        return pd.Series(pd.array(values, dtype="string"), index=s.index), []
    # Controlled lists: factorize once, then judge each distinct value (by the registry's enum rule).
    codes, uniques = pd.factorize(np.array(values, dtype=object))
    position = {c: k for k, c in enumerate(field.enum)}
    category = np.array([position.get(u, -1) for u in uniques] + [-1], dtype=np.int64)  # code -1: missing
    outside = np.append(_outside_enum(pd.Series(uniques, dtype=object), field).to_numpy(dtype=bool), False)
    result = pd.Categorical.from_codes(category[codes], dtype=dtype(field))
    errors = [CellError(int(s.index[k]), field.name, "enum", raw[k]) for k in np.flatnonzero(outside[codes])]
    return pd.Series(result, index=s.index), errors


def _coerce_text_vectorised(s: pd.Series, field: Field) -> tuple[pd.Series, list[CellError]]:
    """`_coerce_text` for long columns that hold only text: whole-column pandas operations."""
    text = s.astype("string")
    text = text.mask(text == "")
    if field.enum is None:
        return text, []
    outside = _outside_enum(text, field)
    errors = [CellError(int(i), field.name, "enum", s[i]) for i in s.index[outside]]
    return text.mask(outside).astype(dtype(field)), errors


def _outside_enum(s: pd.Series, field: Field) -> pd.Series:
    """Cells outside the field's controlled list: the rule registry's own enum mask."""
    from .rules import RULES

    return RULES["enum"].fails(s, field).fillna(False).astype(bool)


def _missing(v) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v)


def _as_text(v) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def write_csv(df: pd.DataFrame, path: Path) -> None:
    """RFC 4180 CSV, "\n" line ends, minimal quoting.

    Python's csv writer does not quote a field holding a bare "\r" when lines end in "\n", and
    a reader would end the record there; a frame with such a cell is written fully quoted.
    """
    text = [c for c in df.columns if not pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])]
    cells = [df[c].astype("string") for c in text]  # scanned as one column: one call, not one per column
    bare_cr = bool(cells) and bool(pd.concat(cells, ignore_index=True).str.contains("\r", regex=False).fillna(False).any())
    df.to_csv(path, index=False, lineterminator="\n", encoding="utf-8",
              quoting=csv.QUOTE_ALL if bare_cr else csv.QUOTE_MINIMAL)


def write_parquet(df: pd.DataFrame, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pandas(df, preserve_index=False), path, compression="zstd")


def parquet_content_equal(a: Path, b: Path) -> bool:
    """Whether two Parquet files hold the same schema and values, whatever wrote them."""
    import pyarrow.parquet as pq

    ta, tb = pq.read_table(a), pq.read_table(b)
    na, nb = _plain_strings(ta), _plain_strings(tb)
    return na.schema.remove_metadata().equals(nb.schema.remove_metadata()) and na.equals(nb) and \
        _pandas_meta(ta) == _pandas_meta(tb)


def _plain_strings(t):
    """The table with large_string text (pandas 3 writes it; pandas 2 writes string) as string."""
    import pyarrow as pa

    def plain(kind):
        if pa.types.is_large_string(kind):
            return pa.string()
        if pa.types.is_dictionary(kind) and pa.types.is_large_string(kind.value_type):
            return pa.dictionary(kind.index_type, pa.string(), kind.ordered)
        return kind

    schema = pa.schema([pa.field(f.name, plain(f.type), f.nullable) for f in t.schema])
    return t.cast(schema) if schema != t.schema.remove_metadata() else t


def _pandas_meta(t) -> object:
    import json

    meta = (t.schema.metadata or {}).get(b"pandas")
    if not meta:
        return None
    info = json.loads(meta)
    # pandas_type says how the writing pandas stored text ('object' or 'unicode'); not content
    return [(c.get("name"), c.get("numpy_type"), c.get("metadata")) for c in info.get("columns", [])]


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
