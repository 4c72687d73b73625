"""Loading published tables as typed DataFrames, offline, with metadata in `DataFrame.attrs`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .__about__ import CITATION, __version__
from .catalog import SOURCES_TABLE, TABLES, get_table
from .formats import DEFAULT_FORMAT, FormatName, get as get_format
from .paths import package_root

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    import pandas as pd
    import pandera.pandas as pa

    from .report import Problem

_CACHE: dict[tuple[str, str], Any] = {}


def _table(name: object):
    """The catalog's table, or a clear error: TypeError for a non-string, InputError for an unknown name."""
    if not isinstance(name, str):
        raise TypeError(f"a table name is a string, not {type(name).__name__}")
    return get_table(name)


def tables() -> list[str]:
    """Names of every published table, in publishing order.

    Returns
    -------
    list of str
        Dimension tables first, so that foreign keys always point backwards.

    Examples
    --------
    >>> import jakdata
    >>> jakdata.tables()[:3]
    ['sources', 'studies', 'drugs']
    """
    return list(TABLES)


def table_path(name: str, format: FormatName = DEFAULT_FORMAT) -> Path:
    """Path of a published table file.

    Parameters
    ----------
    name : str
        A table name from `tables()`.
    format : {"parquet", "csv"}
        Which published file.

    Returns
    -------
    pathlib.Path
        The file inside the installed wheel (or the source checkout).

    Examples
    --------
    >>> import jakdata
    >>> jakdata.table_path("drugs", "csv").name
    'drugs.csv'
    """
    fmt = get_format(format)
    _table(name)
    return package_root() / fmt.path(name)


def load(name: str, format: FormatName = DEFAULT_FORMAT) -> "pd.DataFrame":
    """A published table as a pandas DataFrame with exact dtypes.

    The first call reads the file; later calls return a fresh deep copy of the cached frame,
    so mutating a result never affects the next load.

    Parameters
    ----------
    name : str
        A table name from `tables()`.
    format : {"parquet", "csv"}
        Which published file to read; both give equal frames.

    Returns
    -------
    pandas.DataFrame
        Nullable integers, categoricals for controlled lists, strings; `attrs` holds the
        table's name, title, citation, jakdata version and the format read.

    Examples
    --------
    >>> import jakdata
    >>> df = jakdata.load("jump_predictors")
    >>> df.attrs["name"], len(df)
    ('jump_predictors', 3)
    >>> str(df["adjusted_or"].dtype)
    'Float64'
    """
    fmt = get_format(format)
    table = _table(name)
    key = (name, fmt.name)
    frame = _CACHE.get(key)
    if frame is None:
        frame = fmt.read(table_path(name, fmt.name), table)
        frame.attrs.update({"name": name, "title": table.title, "citation": CITATION, "version": __version__,
                            "format": fmt.name})
        _CACHE[key] = frame
    out = frame.copy(deep=True)
    out.attrs = dict(frame.attrs)
    return out


def describe(name: str) -> dict[str, Any]:
    """Everything the catalog says about a table, as plain data.

    Parameters
    ----------
    name : str
        A table name from `tables()`.

    Returns
    -------
    dict
        Title, description, kind, keys, fields (type, unit, description, derived formula,
        constraints: allowed values, pattern and its words, bounds, uniqueness, whether an
        extraction may leave the column out), row checks and the sources its rows cite.

    Examples
    --------
    >>> import jakdata
    >>> info = jakdata.describe("jump_predictors")
    >>> info["primary_key"], info["fields"][0]["name"]
    ('predictor_id', 'predictor_id')
    """
    from .rules import doc_constraints

    table = _table(name)
    optional = set(table.extraction_optional)
    fields = [{"name": f.name, "type": f.type, "unit": f.unit, "description": f.description,
               "required": f.required, "derived": f.is_derived, "formula": f.derived,
               "enum": list(f.enum) if f.enum else None, "constraints": doc_constraints(f),
               "unique": f.unique or f.name == table.primary_key, "pattern": f.pattern,
               "pattern_words": f.pattern_words, "minimum": f.minimum, "maximum": f.maximum,
               "exclusive_minimum": f.exclusive_minimum, "optional_in_extraction": f.name in optional}
              for f in table.fields]
    sources = []
    try:
        ids = set(load(name, "csv")["source_id"].dropna().astype(str)) if "source_id" in table.field_names else set()
        if ids:
            src = load(SOURCES_TABLE, "csv")
            src = src[src["source_id"].isin(ids)]
            sources = [{"source_id": r.source_id, "title": r.title, "seed_file": r.seed_file}
                       for r in src.itertuples(index=False)]
    except FileNotFoundError:
        sources = []
    return {"name": name, "title": table.title, "description": table.description, "kind": table.kind,
            "primary_key": table.primary_key,
            "unique_together": [list(u) for u in table.unique_together],
            "foreign_keys": [{"field": fk.fields, "reference": f"{fk.reference}.{fk.reference_fields}"}
                             for fk in table.foreign_keys],
            "checks": [{"name": c.id, "description": c.title} for c in table.checks],
            "fields": fields, "sources": sources, "citation": CITATION}


def schema(name: str) -> "pa.DataFrameSchema":
    """The pandera DataFrameSchema of a table (exact dtypes, strict columns, every rule).

    Parameters
    ----------
    name : str
        A table name from `tables()`.

    Returns
    -------
    pandera.pandas.DataFrameSchema
        Validates a frame with jakdata's exact dtypes; every check is named by its stable id.
    """
    _table(name)
    from .schemas import build_schema

    return build_schema(name)


def validate(df: "pd.DataFrame", name: str, provenance: bool = True) -> list["Problem"]:
    """Problems of a DataFrame against a table's schema (an empty list when valid).

    Parameters
    ----------
    df : pandas.DataFrame
        Any dtypes: cells are coerced to the schema's types first, and cells that do not fit
        are reported.
    name : str
        A table name from `tables()`.
    provenance : bool
        Check quotes that cite jakdata's own seeds against them.

    Returns
    -------
    list of Problem
        Each with table, stable check id, message, spreadsheet row, key, column and value.

    Examples
    --------
    >>> import jakdata
    >>> jakdata.validate(jakdata.load("drugs"), "drugs")
    []
    """
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"validate() takes a pandas DataFrame, not {type(df).__name__} "
                        "(to check a file, use `jakdata validate --table NAME FILE`)")
    table = _table(name)
    from .frames import validate_frame
    from .validation import installed_seeds

    problems, _ = validate_frame(df, table, installed_seeds() if provenance else None,
                                 require_known_sources=False, engine="pandera")
    return problems
