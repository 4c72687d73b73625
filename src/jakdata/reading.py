"""Reading someone's file for validation: CSV as text cells (after a form scan), or Parquet.

Input that cannot be read at all (missing file, malformed CSV, not Parquet, a name the system
refuses) raises `InputError`; what can be read comes back untyped, with problems of form.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .csvform import Form, scan_file
from .errors import InputError
from .fields import Table
from .report import Problem

PARQUET_MAGIC = b"PAR1"

#: CSV files at least this large are validated CHUNK_ROWS rows at a time, so that memory
#: stays bounded whatever the file's length.
LARGE_CSV_BYTES = 64 * 2**20
CHUNK_ROWS = 50_000


def usable_file(path: Path) -> Path:
    """`path` if it names a readable file, else InputError saying why not."""
    path = Path(path)
    if "\x00" in str(path):
        raise InputError(f"{str(path)!r}: not a usable file name (it contains a NUL character)")
    try:
        exists, is_dir = path.exists(), path.is_dir()
    except OSError as exc:  # a name the system refuses, e.g. too long
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if not exists:
        raise InputError(f"{path}: no such file")
    if is_dir:
        raise InputError(f"{path}: is a directory, not a CSV or Parquet file")
    return path


def _head(path: Path) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(4)
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from None


def is_parquet(path: Path) -> bool:
    """The PAR1 magic decides, or the suffix (so a broken Parquet file is reported as Parquet)."""
    return _head(path) == PARQUET_MAGIC or path.suffix.lower() == ".parquet"


def is_large_csv(path: Path) -> bool:
    try:
        return path.stat().st_size >= LARGE_CSV_BYTES and not is_parquet(path)
    except OSError:
        return False


def read_raw(path: Path, table: Table) -> tuple[pd.DataFrame, str, list[Problem]]:
    """Read a CSV (every cell as text) or Parquet file; problems about the file's form."""
    frame, fmt, form = read_form(path, table)
    return frame, fmt, [] if form is None else form.problems


def read_form(path: Path, table: Table, strict: bool = True) -> tuple[pd.DataFrame, str, Form | None]:
    """`read_raw`, with the CSV scan's whole `Form` (notes, physical lines); None for Parquet.

    `strict=False` reads someone's extraction forgivingly (see `jakdata.csvform`).
    """
    path = usable_file(path)
    if is_parquet(path):
        return read_parquet_raw(path), "parquet", None
    form = scan_file(path, table, strict)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8-sig")
    except (ValueError, UnicodeDecodeError) as exc:  # the scan passed, so this is unexpected
        raise InputError(f"{path}: malformed CSV ({exc})") from None
    return frame, "csv", form


def read_parquet_raw(path: Path) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if data[:4] != PARQUET_MAGIC or data[-4:] != PARQUET_MAGIC:
        raise InputError(f"{path}: not a Parquet file (it lacks the PAR1 markers)")
    try:
        return pq.read_table(pa.BufferReader(data)).to_pandas()
    except Exception as exc:  # pyarrow raises several types for corrupt files
        raise InputError(f"{path}: Parquet file cannot be read ({str(exc).splitlines()[0]})") from None


def csv_chunks(path: Path):
    """The data rows of a large CSV, CHUNK_ROWS at a time, every cell as text."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8-sig",
                       chunksize=CHUNK_ROWS)
