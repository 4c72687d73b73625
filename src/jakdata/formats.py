"""The published file formats, each defined once: CSV and Parquet.

Build, validation, loading, export, the descriptor and the CLI loop over `FORMATS`; adding a
format means adding an entry here (and its read/write functions in `jakdata.io`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Literal

FormatName = Literal["parquet", "csv"]


@dataclass(frozen=True)
class Format:
    """One published format: file suffix, media type, descriptor entries and its I/O functions.

    `read(path, table)` gives the typed frame, `write(frame, path)` the published bytes,
    `content_equal(a, b)` whether two files hold the same table (for `build --check`: Parquet
    embeds the writing library's version, so it is compared by content), `declares_bytes`
    whether the descriptor may state the file's size (Frictionless cannot count Parquet's).
    """

    name: str
    suffix: str
    mediatype: str
    read: Callable[[Path, Any], Any]
    write: Callable[[Any, Path], None]
    content_equal: Callable[[Path, Path], bool]
    declares_bytes: bool
    descriptor: dict = field(default_factory=dict)
    canonical: bool = False  # the format foreign keys of the other formats' resources point into by name

    def resource_name(self, table: str) -> str:
        """Resource name of a table's file: the table name for the canonical format, else `<name>-<format>`."""
        return table if self.canonical else f"{table}-{self.name}"

    def path(self, table: str) -> str:
        return f"tables/{table}{self.suffix}"


def _csv_read(path, table):
    from .io import read_csv_exact

    return read_csv_exact(path, table)


def _csv_write(df, path):
    from .io import write_csv

    write_csv(df, path)


def _bytes_equal(a: Path, b: Path) -> bool:
    return Path(a).read_bytes() == Path(b).read_bytes()


def _parquet_read(path, table):
    from .io import read_parquet_exact

    return read_parquet_exact(path, table)


def _parquet_write(df, path):
    from .io import write_parquet

    write_parquet(df, path)


def _parquet_equal(a: Path, b: Path) -> bool:
    from .io import parquet_content_equal

    if _bytes_equal(a, b):
        return True
    try:
        return parquet_content_equal(a, b)
    except Exception:  # an unreadable file differs from any readable one
        return False


CSV = Format("csv", ".csv", "text/csv", _csv_read, _csv_write, _bytes_equal, declares_bytes=True,
             descriptor={"encoding": "utf-8", "dialect": {"delimiter": ",", "lineTerminator": "\n",
                                                           "quoteChar": '"', "doubleQuote": True, "header": True}},
             canonical=True)
PARQUET = Format("parquet", ".parquet", "application/vnd.apache.parquet", _parquet_read, _parquet_write,
                 _parquet_equal, declares_bytes=False)

#: Every published format, the canonical (text) one first.
FORMATS: dict[str, Format] = {f.name: f for f in (CSV, PARQUET)}

#: The format `jakdata.load` reads unless told otherwise.
DEFAULT_FORMAT = "parquet"


def get(name: object) -> Format:
    """The format called `name`, or a ValueError listing the formats there are."""
    if not isinstance(name, str) or name not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(map(repr, FORMATS))}, not {name!r}")
    return FORMATS[name]


def from_resource_name(rname: str) -> tuple[str, Format]:
    """(table name, format) of a resource name such as 'drugs' or 'drugs-parquet'."""
    for fmt in FORMATS.values():
        if not fmt.canonical and rname.endswith("-" + fmt.name):
            return rname[: -len(fmt.name) - 1], fmt
    return rname, next(f for f in FORMATS.values() if f.canonical)
