"""The one CSV-form scanner: a streaming pass that checks a file is a readable CSV of one width.

Small files and large ones (validated in chunks) both go through `scan`, so the same defect
is reported the same way whatever the file's size: rows are numbered as a spreadsheet
numbers them (the header is row 1) and each also names the physical line it starts on,
which differs once a quoted cell spans several lines.

Someone's extraction is read forgivingly (`strict=False`): a byte-order mark, CR LF line
ends and trailing blank lines are accepted and reported as notes. The published package is
read strictly: there the first two are problems and a blank line makes the file malformed.
"""

from __future__ import annotations

import bisect
import csv
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError
from .fields import Table
from .report import Problem, problem

OTHER_DELIMITERS = (";", "\t", "|")

#: The largest CSV cell the scan accepts, in characters: the largest value an Arrow string holds
#: (2**31 - 1 bytes), so a cell the Parquet path reads is not refused in CSV. It fits a C long on
#: every platform, as `csv.field_size_limit` requires; the csv module's default is 131,072.
MAX_CELL_CHARS = 2**31 - 1


@dataclass
class Form:
    """What the scan learnt: the header, whether it had a BOM or CR line ends, the data rows.

    `shifts` records where a record's physical line stops being its spreadsheet row plus a
    constant (after each cell spanning several lines): (row, line) pairs, few in practice, so
    `line_of` costs no memory per row even for a file of millions of rows.
    """

    header: list[str]
    rows: int = 0
    bom: bool = False
    cr_endings: bool = False
    trailing_blank: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    shifts: list[tuple[int, int]] = field(default_factory=list)

    def line_of(self, row: int | None) -> int | None:
        """The physical line spreadsheet row `row` starts on (None for None or a row not in the file)."""
        if row is None or not 2 <= row <= self.rows + 1:
            return None
        k = bisect.bisect_right(self.shifts, (row, float("inf"))) - 1
        if k < 0:
            return row
        at_row, at_line = self.shifts[k]
        return at_line + (row - at_row)


class _Lines:
    """Physical lines of a text stream, counted, with quote parity tracked to spot CR line ends."""

    def __init__(self, stream, path: Path):
        self._stream, self._path = stream, path
        self.count = 0
        self.inside_quotes = False
        self.cr_endings = False

    def __iter__(self):
        for line in self._stream:
            self.count += 1
            if "\x00" in line:
                raise InputError(f"{self._path}: contains NUL bytes; not a text CSV file")
            self.inside_quotes ^= line.count('"') % 2 == 1
            if not self.inside_quotes and line.endswith("\r") or (not self.inside_quotes and line.endswith("\r\n")):
                self.cr_endings = True
            yield line


def scan(stream, path: Path, table: Table, strict: bool = True) -> Form:
    """Check the form of the CSV text in `stream` (opened with newline=""); raise InputError if unreadable.

    `strict` (the published package) reports a BOM and CR line ends as problems and refuses
    blank lines; otherwise (someone's extraction) they are accepted and named in `notes`.
    """
    lines = _Lines(stream, path)
    previous = csv.field_size_limit(MAX_CELL_CHARS)  # process-wide, so restored below
    try:
        reader = csv.reader(lines, strict=True)
        header = next(reader, None)
        if header is None or not any(h.strip() for h in header):
            raise InputError(f"{path}: the file is empty (a CSV needs a header row)")
        form = Form(header=header)
        if header[0].startswith("\ufeff"):
            form.bom = True
            header[0] = header[0][1:]
        width = len(header)
        if width == 1 and len(table.fields) > 1 and any(d in header[0] for d in OTHER_DELIMITERS):
            raise InputError(f"{path}: the header is a single column split by another character; jakdata CSVs "
                             "are comma-separated (wrong delimiter)")
        if len(set(header)) != len(header):
            dupes = sorted({h for h in header if header.count(h) > 1})
            raise InputError(f"{path}: duplicate column name(s) in the header: {', '.join(dupes)}")
        start = lines.count + 1  # physical line the next record starts on
        blank_at: tuple[int, int] | None = None  # the first of a run of blank lines, (row, line)
        record = 1
        for row in reader:
            record += 1
            if not row and not strict:  # a blank line: fine at the end of the file, not before a record
                form.trailing_blank += 1
                blank_at = blank_at or (record, start)
                start = lines.count + 1
                continue
            if blank_at is not None:
                raise InputError(f"{path}: row {blank_at[0]} (line {blank_at[1]}) is blank, but records follow "
                                 "it; the CSV is malformed (remove the blank line)")
            if len(row) != width:
                raise InputError(f"{path}: row {record} (line {start}) has {len(row)} field(s) but the header "
                                 f"has {width}; the CSV is malformed (ragged rows or a wrong delimiter)")
            form.rows += 1
            if start - record != (form.shifts[-1][1] - form.shifts[-1][0] if form.shifts else 0):
                form.shifts.append((record, start))
            start = lines.count + 1
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not valid UTF-8 (near line {lines.count + 1}: {exc.reason})") from None
    except csv.Error as exc:
        raise InputError(f"{path}: malformed CSV (line {lines.count}: {exc})") from None
    finally:
        csv.field_size_limit(previous)
    form.cr_endings = lines.cr_endings
    if strict:
        if form.bom:
            form.problems.append(problem(table.name, "csv_encoding", value="BOM"))
        if form.cr_endings:
            form.problems.append(problem(table.name, "csv_line_endings"))
        return form
    if form.bom:
        form.notes.append(f"{path.name}: starts with a byte-order mark (BOM); read as UTF-8 without it")
    if form.cr_endings:
        form.notes.append(f"{path.name}: lines end with CR LF (or CR); read as LF")
    if form.trailing_blank:
        form.notes.append(f"{path.name}: {form.trailing_blank} blank line(s) at the end ignored")
    return form


def scan_file(path: Path, table: Table, strict: bool = True) -> Form:
    with open(path, encoding="utf-8", newline="") as fh:
        return scan(fh, path, table, strict)
