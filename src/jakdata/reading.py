"""Reading someone's file for validation: CSV as text cells (after a form scan), or Parquet.

Input that cannot be read at all (missing file, malformed CSV, not Parquet, a name the system
refuses, anything but a regular file) raises `InputError`; what can be read comes back
untyped, with problems of form. Parquet is read in batches, within the limits below, because
its compression lets a file of a megabyte expand to millions of rows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pandas as pd

from .csvform import Form, scan_file
from .errors import InputError
from .fields import Table
from .paths import not_regular
from .report import Problem

PARQUET_MAGIC = b"PAR1"

#: CSV files at least this large, and Parquet files of more than CHUNK_ROWS rows, are validated
#: CHUNK_ROWS rows at a time, so that memory stays bounded whatever the file's length.
LARGE_CSV_BYTES = 64 * 2**20
CHUNK_ROWS = 50_000

#: Limits on a Parquet file, checked in its footer before any data is read (rows, columns, nested
#: columns, declared uncompressed size) and on every batch as it is decoded (values kept as their
#: dictionary until their expanded size has been counted). A CSV has no such limits: its memory
#: follows its size on disk.
MAX_PARQUET_ROWS = 2_000_000
MAX_PARQUET_COLUMNS = 256
MAX_PARQUET_BYTES = 2**30
#: A batch whose text expands to more than this is decoded and handed on in slices of about this size.
PIECE_BYTES = 128 * 2**20


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
    why = not_regular(path, path.parent)  # a FIFO, a device, a link out of the file's directory
    if why:
        raise InputError(f"{path}: {why}")
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
    """The whole of a Parquet file as pandas reads it, within the limits above."""
    frames = list(parquet_batches(path, MAX_PARQUET_ROWS))
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)


def parquet_rows(path: Path) -> int:
    """The number of rows a Parquet file's footer declares (InputError if it is not Parquet)."""
    with _open(path) as fh:
        return _parquet_file(fh, path).metadata.num_rows


def _open(path: Path):
    try:
        return open(path, "rb")
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from None


def _parquet_file(fh, path: Path, read_dictionary=None):
    """The ParquetFile of open file `fh`, its footer checked against the limits."""
    import pyarrow.parquet as pq

    fh.seek(0, 2)
    size = fh.tell()
    fh.seek(0)
    head = fh.read(4)
    fh.seek(max(size - 4, 0))
    if size < 12 or head != PARQUET_MAGIC or fh.read(4) != PARQUET_MAGIC:
        raise InputError(f"{path}: not a Parquet file (it lacks the PAR1 markers)")
    fh.seek(0)
    try:
        file = pq.ParquetFile(fh, read_dictionary=read_dictionary)
        meta = file.metadata
        schema = file.schema_arrow
        declared = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    except Exception as exc:  # pyarrow raises several types for corrupt files
        raise InputError(f"{path}: Parquet file cannot be read ({_first_line(exc)})") from None
    limit = "jakdata reads at most"
    if meta.num_rows > MAX_PARQUET_ROWS:
        raise InputError(f"{path}: the Parquet file holds {meta.num_rows:,} rows; {limit} {MAX_PARQUET_ROWS:,} rows "
                         "of a Parquet file")
    if len(schema) > MAX_PARQUET_COLUMNS:
        raise InputError(f"{path}: the Parquet file has {len(schema):,} columns; {limit} {MAX_PARQUET_COLUMNS} "
                         "columns")
    nested = [f.name for f in schema if _nested(f.type)]
    if nested:
        raise InputError(f"{path}: Parquet column(s) {', '.join(map(repr, nested[:5]))} hold nested values "
                         "(lists, structs or maps); a jakdata table has flat columns only")
    if declared > MAX_PARQUET_BYTES:
        raise InputError(f"{path}: the Parquet file declares {declared:,} bytes of uncompressed data; {limit} "
                         f"{MAX_PARQUET_BYTES:,}")
    return file


def _nested(kind) -> bool:
    import pyarrow as pa

    if pa.types.is_dictionary(kind):
        return _nested(kind.value_type)
    return pa.types.is_nested(kind)


def _is_text(kind) -> bool:
    import pyarrow as pa

    return any(test(kind) for test in (pa.types.is_string, pa.types.is_large_string, pa.types.is_binary,
                                        pa.types.is_large_binary, pa.types.is_string_view,
                                        pa.types.is_binary_view))


def _first_line(exc: Exception) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0]


def parquet_batches(path: Path, rows: int = CHUNK_ROWS) -> Iterator[pd.DataFrame]:
    """A Parquet file `rows` rows at a time, each batch as pandas reads it, within the limits above.

    Text columns are read as dictionaries, so a value repeated a million times is held once
    until its expanded size has been counted against MAX_PARQUET_BYTES; only then are the
    columns the file stores plainly decoded, PIECE_BYTES at a time (each frame is what
    `pq.read_table().to_pandas()` gives for its rows).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    with _open(path) as fh:
        schema = _parquet_file(fh, path).schema_arrow
        text = [f.name for f in schema if _is_text(f.type)]
        file = _parquet_file(fh, path, read_dictionary=text)
        plain = {f.name for f in schema if not pa.types.is_dictionary(f.type)}
        budget = MAX_PARQUET_BYTES
        try:
            batches = file.iter_batches(batch_size=max(1, rows))
            empty = True
            for batch in batches:
                empty = False
                size = 0
                for column in batch.columns:
                    if pa.types.is_dictionary(column.type) and _is_text(column.type.value_type):
                        size += pc.sum(pc.take(pc.binary_length(column.dictionary), column.indices)).as_py() or 0
                    elif _is_text(column.type):
                        size += pc.sum(pc.binary_length(column)).as_py() or 0
                budget -= size
                if budget < 0:
                    raise InputError(f"{path}: the Parquet file's values expand to more than "
                                     f"{MAX_PARQUET_BYTES:,} bytes; jakdata reads at most that much")
                # a batch of long values is decoded in slices of about PIECE_BYTES each
                step = max(1, -(-batch.num_rows * PIECE_BYTES // max(size, 1)))
                for start in range(0, max(batch.num_rows, 1), step):
                    piece = batch.slice(start, step)
                    columns = [c.dictionary_decode() if name in plain and pa.types.is_dictionary(c.type) else c
                               for name, c in zip(piece.schema.names, piece.columns)]
                    yield pa.Table.from_arrays(columns, schema=schema).to_pandas()
            if empty:
                yield schema.empty_table().to_pandas()
        except InputError:
            raise
        except Exception as exc:  # pyarrow raises several types for corrupt files
            raise InputError(f"{path}: Parquet file cannot be read ({_first_line(exc)})") from None


def is_chunked(path: Path) -> bool:
    """Whether `path` is validated in chunks: a CSV of LARGE_CSV_BYTES or more, a Parquet file over CHUNK_ROWS rows."""
    if is_parquet(path):
        return parquet_rows(path) > CHUNK_ROWS
    return is_large_csv(path)


def chunks(path: Path, table: Table, strict: bool = True) -> tuple[Form | None, Iterator[pd.DataFrame]]:
    """The CSV scan's `Form` (None for Parquet), and the data rows CHUNK_ROWS at a time (CSV cells as text)."""
    if is_parquet(path):
        return None, parquet_batches(path)
    return scan_file(path, table, strict), csv_chunks(path)


def csv_chunks(path: Path):
    """The data rows of a large CSV, CHUNK_ROWS at a time, every cell as text."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8-sig",
                       chunksize=CHUNK_ROWS)
