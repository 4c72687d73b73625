"""Loading published tables as typed DataFrames, offline, with metadata in `DataFrame.attrs`."""

from __future__ import annotations

from pathlib import Path

from .__about__ import CITATION, __version__
from .catalog import TABLES
from .paths import package_root

_CACHE: dict[tuple[str, str], object] = {}


def tables() -> list[str]:
    """Names of every published table, in publishing order."""
    return list(TABLES)


def _spec(name: str):
    table = TABLES.get(name) if isinstance(name, str) else None
    if table is not None:
        return table
    from .validation import table_spec  # unknown name: the InputError with its "did you mean" hint

    return table_spec(name)


def table_path(name: str, format: str = "parquet") -> Path:
    """Path of a published table file."""
    if format not in ("parquet", "csv"):
        raise ValueError(f"format must be 'parquet' or 'csv', not {format!r}")
    _spec(name)
    return package_root() / "tables" / f"{name}.{format}"


def load(name: str, format: str = "parquet"):
    """A published table as a pandas DataFrame with exact dtypes.

    The first call reads the file; later calls return a fresh deep copy of the cached frame,
    so mutating a result never affects the next load.
    """
    key = (name, format)
    frame = _CACHE.get(key)
    if frame is None:
        path = table_path(name, format)
        table = TABLES[name]
        from .io import read_csv_exact, read_parquet_exact

        frame = read_parquet_exact(path, table) if format == "parquet" else read_csv_exact(path, table)
        frame.attrs.update({"name": name, "title": table.title, "citation": CITATION, "version": __version__,
                            "format": format})
        _CACHE[key] = frame
    out = frame.copy(deep=True)
    out.attrs = dict(frame.attrs)
    return out


def describe(name: str) -> dict:
    """Title, description, keys, fields (type, unit, description, derived formula) and sources."""
    table = _spec(name)
    fields = [{"name": f.name, "type": f.type, "unit": f.unit, "description": f.description,
               "required": f.required, "derived": f.is_derived, "formula": f.derived,
               "enum": list(f.enum) if f.enum else None} for f in table.fields]
    sources = []
    try:
        ids = set(load(name, "csv")["source_id"].dropna().astype(str)) if "source_id" in table.field_names else set()
        if ids:
            src = load("sources", "csv")
            src = src[src["source_id"].isin(ids)]
            sources = [{"source_id": r.source_id, "title": r.title, "seed_file": r.seed_file}
                       for r in src.itertuples(index=False)]
    except FileNotFoundError:
        sources = []
    return {"name": name, "title": table.title, "description": table.description, "kind": table.kind,
            "primary_key": table.primary_key,
            "foreign_keys": [{"field": fk.fields, "reference": f"{fk.reference}.{fk.reference_fields}"}
                             for fk in table.foreign_keys],
            "checks": [{"name": c.name, "description": c.description} for c in table.checks],
            "fields": fields, "sources": sources, "citation": CITATION}


def schema(name: str):
    """The pandera DataFrameSchema of a table (exact dtypes, strict columns, all checks)."""
    _spec(name)
    from .schemas import build_schema

    return build_schema(name)


def validate(df, name: str, provenance: bool = True) -> list:
    """Problems of a DataFrame against a table's schema (empty list when valid).

    Cells are coerced to the schema's types first, with cells that do not fit reported;
    quotes citing jakdata's own seeds are checked against them when `provenance` is true.
    """
    table = _spec(name)
    from .validation import installed_seeds, validate_frame

    problems, _ = validate_frame(df, table, installed_seeds() if provenance else None,
                                 require_known_sources=False, engine="pandera")
    return problems
