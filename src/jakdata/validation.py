"""Validation of frames, single files and whole packages, reported as `Problem`s.

Input that cannot be read at all (missing file, malformed CSV or JSON, not Parquet, unknown
table, a path leaving the package) raises `InputError`, which the CLI turns into exit 2.
Everything readable is checked completely and lazily: all problems are collected.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import re
from pathlib import Path

import pandas as pd

from . import derive
from .catalog import SEP, TABLES
from .fields import Table
from .io import CellError, coerce
from .provenance import Seeds, check as provenance_check
from .report import Problem, spreadsheet_row


class InputError(Exception):
    """The input cannot be read or the request makes no sense (CLI exit status 2)."""


def table_spec(name: str) -> Table:
    if name in TABLES:
        return TABLES[name]
    import difflib

    close = difflib.get_close_matches(name, list(TABLES), n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    raise InputError(f"unknown table {name!r}.{hint} Tables: {', '.join(TABLES)}.")


# ----------------------------------------------------------------------------- reading files

PARQUET_MAGIC = b"PAR1"
_QUOTED_FIELD = re.compile(r'"(?:[^"]|"")*"')


def read_raw(path: Path, table: Table) -> tuple[pd.DataFrame, str, list[Problem]]:
    """Read a CSV (every cell as text) or Parquet file; problems about the file's form."""
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
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if data[:4] == PARQUET_MAGIC or path.suffix.lower() == ".parquet":
        return _read_parquet(path, data), "parquet", []
    return _read_csv(path, data, table)


def _read_parquet(path: Path, data: bytes) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.parquet as pq

    if data[:4] != PARQUET_MAGIC or data[-4:] != PARQUET_MAGIC:
        raise InputError(f"{path}: not a Parquet file (it lacks the PAR1 markers)")
    try:
        return pq.read_table(pa.BufferReader(data)).to_pandas()
    except Exception as exc:  # pyarrow raises several types for corrupt files
        raise InputError(f"{path}: Parquet file cannot be read ({str(exc).splitlines()[0]})") from None


def _read_csv(path: Path, data: bytes, table: Table) -> tuple[pd.DataFrame, str, list[Problem]]:
    problems: list[Problem] = []
    if not data.strip():
        raise InputError(f"{path}: the file is empty (a CSV needs a header row)")
    if data.startswith(b"\xef\xbb\xbf"):
        problems.append(Problem(table.name, "csv_encoding", "the file starts with a byte-order mark (BOM); "
                                "jakdata CSVs are UTF-8 without BOM", value="BOM"))
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not valid UTF-8 (byte {exc.start}: {data[exc.start:exc.start + 1]!r})") from None
    if "\x00" in text:
        raise InputError(f"{path}: contains NUL bytes; not a text CSV file")
    try:
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        header = next(reader, None)
        if header is None:
            raise InputError(f"{path}: the file is empty (a CSV needs a header row)")
        width = len(header)
        other = next((d for d in (";", "\t", "|") if width == 1 and d in header[0]), None)
        if other is not None and len(table.fields) > 1:
            raise InputError(f"{path}: the header is a single column split by {other!r}; jakdata CSVs are "
                             "comma-separated (wrong delimiter)")
        for line_no, row in enumerate(reader, start=2):
            if len(row) != width:
                raise InputError(f"{path}: row {line_no} has {len(row)} field(s) but the header has {width}; "
                                 "the CSV is malformed (ragged rows or a wrong delimiter)")
    except csv.Error as exc:
        raise InputError(f"{path}: malformed CSV ({exc})") from None
    if len(set(header)) != len(header):
        dupes = sorted({h for h in header if header.count(h) > 1})
        raise InputError(f"{path}: duplicate column name(s) in the header: {', '.join(dupes)}")
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False)
    if "\r" in text and "\r" in _QUOTED_FIELD.sub("", text):  # a CR inside a quoted cell is data
        problems.append(Problem(table.name, "csv_line_endings", "lines end with CR LF or CR; jakdata CSVs use LF"))
    return frame, "csv", problems


# ----------------------------------------------------------------------------- frame checks

def _message(check: str, table: Table) -> str:
    from .rules import message

    return message(check, table)


def _pandera_problems(df: pd.DataFrame, table: Table, skip: set[tuple[int, str]]) -> list[Problem]:
    import pandera.pandas as pa

    from .schemas import build_schema

    try:
        build_schema(table.name).validate(df, lazy=True)
        return []
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    problems: list[Problem] = []
    seen: set[tuple] = set()
    key_col = table.primary_key
    row_checks = {c.name for c in table.checks} | {c.description for c in table.checks}
    for rec in cases.itertuples(index=False):
        check = str(rec.check)
        column = rec.column if isinstance(rec.column, str) else None
        index = rec.index if rec.index is not None and not (isinstance(rec.index, float) and math.isnan(rec.index)) \
            else None
        if check in ("column_in_schema", "column_in_dataframe"):
            column, index = str(rec.failure_case), None
        if check == "column_ordered":
            continue  # reported better by the column-set check
        if isinstance(rec.failure_case, dict) and index is not None:
            # a cell-wise table check: the failing cells of the row, by column
            for col, value in rec.failure_case.items():
                if value is not None and (int(index), col) not in skip and (check, index, col) not in seen:
                    seen.add((check, index, col))
                    key = df.at[int(index), key_col] if key_col in df else None
                    problems.append(Problem(table.name, check, _message(check, table), spreadsheet_row(int(index)),
                                            None if key is None or pd.isna(key) else str(key), col, str(value)))
            continue
        if index is not None and (int(index), column) in skip:
            continue
        name = next((c.name for c in table.checks if check in (c.name, c.description)), check)
        if name in row_checks or check == "multiple_fields_uniqueness":
            cols = next((", ".join(c.columns) for c in table.checks if c.name == name), None) or \
                ", ".join(next(iter(table.unique_together), ()))
            dedupe = (name, index)
            if dedupe in seen:
                continue
            seen.add(dedupe)
            value = None
            if index is not None and cols:
                value = "; ".join(f"{c}={df.at[int(index), c]}" for c in cols.split(", ") if c in df)
            column = cols
        else:
            dedupe = (check, index, column)
            if dedupe in seen:
                continue
            seen.add(dedupe)
            value = None if rec.failure_case is None else str(rec.failure_case)
        key = None
        if index is not None and key_col in df and pd.notna(df.at[int(index), key_col]):
            key = str(df.at[int(index), key_col])
        problems.append(Problem(table.name, name, _message(check, table),
                                None if index is None else spreadsheet_row(int(index)), key, column, value))
    return problems


def _column_problems(df: pd.DataFrame, table: Table) -> list[Problem]:
    wanted, got = table.field_names, [str(c) for c in df.columns]
    problems = [Problem(table.name, "column_missing", "column is missing", column=c) for c in wanted if c not in got]
    problems += [Problem(table.name, "column_unknown", "column is not part of the table's schema", column=c)
                 for c in got if c not in wanted]
    if not problems and got != wanted:
        problems.append(Problem(table.name, "column_order", "columns are out of the schema's order",
                                value=", ".join(got)))
    return problems


def _cell_problems(errors: list[CellError], df: pd.DataFrame, table: Table) -> list[Problem]:
    out = []
    for e in errors:
        key = df.at[e.index, table.primary_key] if table.primary_key in df else None
        what = "value is not in the controlled list" if e.check == "enum" else \
            f"text cannot be read as {e.check.split(':', 1)[1]}"
        out.append(Problem(table.name, e.check, what, spreadsheet_row(e.index),
                           None if key is None or pd.isna(key) else str(key), e.column, str(e.value)))
    return out


def _derived_problems(df: pd.DataFrame, table: Table) -> list[Problem]:
    """Derived columns of a row-wise derivation must equal their recomputation."""
    if table.name != "jump_predictors" or df.empty:
        return []
    needed = ["adjusted_or", "ci_lower", "ci_upper", "ci_level", "response_pct_1", "response_pct_2",
              "reference_group", "group_1"]
    usable = df[needed].notna().all(axis=1) & (df[["adjusted_or", "ci_lower", "ci_upper"]] > 0).all(axis=1) \
        & df["response_pct_1"].between(0, 100, inclusive="neither") \
        & df["response_pct_2"].between(0, 100, inclusive="neither")
    usable = usable.fillna(False).astype(bool)
    if not usable.any():
        return []
    expect = derive.jump_predictors(df[usable])
    return compare_columns(df[usable], expect, table, [f.name for f in table.derived_fields]) + \
        _implied_crude_side(df[usable], expect, table)


def _implied_crude_side(got: pd.DataFrame, expect: pd.DataFrame, table: Table) -> list[Problem]:
    """The same-side rule for the crude OR the response rates imply.

    The schema's row check reads the stored crude_or; when that is stale (a response rate was
    edited, crude_or was not), the rates can put the crude OR across 1 unnoticed.
    """
    def side(x: float) -> int:
        return int(x > 1) - int(x < 1)

    out = []
    for i in got.index:
        aor, stored, implied = got.at[i, "adjusted_or"], got.at[i, "crude_or"], expect.at[i, "crude_or"]
        if pd.isna(aor) or pd.isna(implied) or side(implied) == side(aor):
            continue
        if pd.notna(stored) and side(stored) != side(aor):
            continue  # the row check on the stored crude_or reports it
        key = got.at[i, table.primary_key]
        out.append(Problem(table.name, "crude_adjusted_same_side",
                           _message("crude_adjusted_same_side", table) + " (crude OR from the response rates)",
                           spreadsheet_row(i), None if pd.isna(key) else str(key), "adjusted_or, crude_or",
                           f"adjusted_or={aor}; crude_or={implied:.6g}"))
    return out


def compare_columns(got: pd.DataFrame, expect: pd.DataFrame, table: Table, columns: list[str],
                    check: str = "derived_value") -> list[Problem]:
    problems = []
    for col in columns:
        if col not in got or col not in expect:
            continue
        for i in got.index:
            a, b = got.at[i, col], expect.at[i, col]
            if _same(a, b):
                continue
            key = got.at[i, table.primary_key] if table.primary_key in got else None
            problems.append(Problem(table.name, check, f"{col} differs from its recomputation ({b})",
                                    spreadsheet_row(i), None if key is None or pd.isna(key) else str(key), col,
                                    None if pd.isna(a) else str(a)))
    return problems


def _same(a, b) -> bool:
    if pd.isna(a) and pd.isna(b):
        return True
    if pd.isna(a) or pd.isna(b):
        return False
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)
    return str(a) == str(b)


def validate_frame(raw: pd.DataFrame, table: Table, seeds: Seeds | None,
                   require_known_sources: bool = True, engine: str = "rules",
                   scope: str = "all") -> tuple[list[Problem], pd.DataFrame]:
    """Every check one table's frame can undergo on its own; returns problems and the typed frame.

    `engine` "rules" runs the catalog's rules as vectorised pandas (fast, no pandera import);
    "pandera" runs the exported pandera schema. Both report the same problems
    (tests/test_rules.py); `jakdata build` and `jakdata.validate()` use pandera.
    """
    raw = raw.reset_index(drop=True)
    problems = _column_problems(raw, table)
    if raw.empty:
        problems.append(Problem(table.name, "no_rows", "the table has a header but no data rows"))
    typed, errors = coerce(raw, table)
    problems += _cell_problems(errors, typed, table)
    skip = {(e.index, e.column) for e in errors}
    if not any(p.check == "column_missing" for p in problems):
        ordered = typed[[c for c in table.field_names] + [c for c in typed.columns if c not in table.field_names]]
        if engine == "pandera":
            found = _pandera_problems(ordered, table, skip)
        else:
            from .rules import check_frame

            found = check_frame(ordered, table, skip, scope=scope)
        problems += [p for p in found if p.check not in ("column_in_schema", "column_in_dataframe")]
        problems += _derived_problems(typed, table)
    if seeds is not None:
        problems += provenance_check(_readable_dates(typed, table), table, seeds, require_known_sources)
    return problems, typed


def _readable_dates(df: pd.DataFrame, table: Table) -> pd.DataFrame:
    """The frame with dates that break their pattern set missing, for the provenance check.

    Such a date is reported by the pattern check; comparing its parts with the source's words
    would be meaningless (and '31/08/2024' has no ISO parts to compare).
    """
    out = df
    for f in table.fields:
        if f.type == "date" and f.pattern and f.name in df:
            bad = df[f.name].astype("string").str.match(f.full_pattern).fillna(True).eq(False).astype(bool)
            if bad.any():
                out = out.copy() if out is df else out
                out[f.name] = df[f.name].mask(bad)
    return out


# ----------------------------------------------------------------------------- whole packages

def _load_descriptor(path: Path) -> tuple[Path, dict]:
    path = Path(path)
    if "\x00" in str(path):
        raise InputError(f"{str(path)!r}: not a usable file name (it contains a NUL character)")
    if _is_dir(path):
        path = path / "datapackage.json"
    if not _is_file(path):
        raise InputError(f"{path}: no such file (expected a datapackage.json or its directory)")
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise InputError(f"{path}: not valid UTF-8") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: malformed JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except RecursionError:
        raise InputError(f"{path}: JSON nested too deeply to be a Data Package descriptor") from None
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise InputError(f"{path}: not a Data Package descriptor (no 'resources' list)")
    return path.parent, descriptor


def _is_file(path: Path) -> bool:
    """`Path.is_file`, False for a name the system refuses (too long, a NUL character)."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def _is_dir(path: Path) -> bool:
    """`Path.is_dir`, False for a name the system refuses."""
    try:
        return path.is_dir()
    except (OSError, ValueError):
        return False


def _safe_path(root: Path, rel: object, resource: str) -> tuple[Path | None, Problem | None]:
    if not isinstance(rel, str) or not rel:
        return None, Problem(resource, "resource_path", "resource has no single relative path", value=str(rel))
    if "\x00" in rel:
        return None, Problem(resource, "resource_path", "resource path contains a NUL character", value=repr(rel))
    if rel.startswith(("/", "\\")) or (len(rel) > 1 and rel[1] == ":") or "://" in rel:
        return None, Problem(resource, "resource_path", "resource path must be relative to the package", value=rel)
    if ".." in Path(rel).parts:
        return None, Problem(resource, "resource_path", "resource path must not contain '..'", value=rel)
    full = root / rel
    try:
        real = full.resolve()
        if not real.is_relative_to(root.resolve()):
            return None, Problem(resource, "resource_path", "resource path leads outside the package "
                                 "(through a link)", value=rel)
    except OSError:
        return None, Problem(resource, "resource_path", "resource path cannot be resolved", value=rel)
    return full, None


def _readable_seeds(sources: pd.DataFrame, root: Path) -> pd.DataFrame:
    """The sources rows whose seed_file is a file inside the package.

    Quotes are never compared with a file outside the package ('../../etc/passwd'); such a
    seed_file is reported by the pattern and seed checks.
    """
    def inside(rel: object) -> bool:
        full, bad = _safe_path(root, rel, "sources")
        return bad is None and full is not None and _is_file(full)

    return sources[[inside(rel) for rel in sources["seed_file"].astype("object")]]


def _file_integrity(full: Path, resource: dict, name: str) -> list[Problem]:
    data = full.read_bytes()
    out = []
    if ("bytes" in resource or full.suffix != ".parquet") and resource.get("bytes") != len(data):
        out.append(Problem(name, "resource_bytes", "file size differs from the descriptor's 'bytes'",
                           column=None, value=f"{len(data)} != {resource.get('bytes')}"))
    digest = hashlib.sha256(data).hexdigest()
    declared = str(resource.get("hash", ""))
    if declared.removeprefix("sha256:") != digest:
        out.append(Problem(name, "resource_hash", "file hash differs from the descriptor's 'hash'",
                           value=f"sha256:{digest} != {declared}"))
    return out


def validate_package(path: Path | str) -> tuple[list[Problem], list[str]]:
    """Validate a published package directory: every check the spec lists."""
    from .tableschema import table_schema

    root, descriptor = _load_descriptor(Path(path))
    problems: list[Problem] = []
    csv_frames: dict[str, pd.DataFrame] = {}
    parquet_frames: dict[str, pd.DataFrame] = {}
    seen_tables: list[str] = []
    by_name: dict[str, tuple[str, Path, dict]] = {}
    for res in descriptor["resources"]:
        if not isinstance(res, dict):
            problems.append(Problem("datapackage", "resource", "resource is not an object", value=str(res)[:60]))
            continue
        rname = str(res.get("name", ""))
        table_name, fmt = (rname[: -len("-parquet")], "parquet") if rname.endswith("-parquet") else (rname, "csv")
        if table_name not in TABLES:
            problems.append(Problem(rname or "datapackage", "resource_unknown",
                                    "resource is not a jakdata table", value=rname))
            continue
        full, bad = _safe_path(root, res.get("path"), rname)
        if bad:
            problems.append(bad)
            continue
        if not _is_file(full):
            problems.append(Problem(rname, "resource_missing", "the file the descriptor names does not exist",
                                    value=str(res.get("path"))))
            continue
        expected_suffix = ".parquet" if fmt == "parquet" else ".csv"
        if full.suffix != expected_suffix:
            problems.append(Problem(rname, "resource_format", f"expected a {expected_suffix} file", value=full.name))
            continue
        problems += _file_integrity(full, res, rname)
        if res.get("schema") != table_schema(table_name, fmt):
            problems.append(Problem(rname, "resource_schema", "the descriptor's Table Schema differs from "
                                    "jakdata's schema for this table"))
        by_name[rname] = (table_name, full, res)
    for table_name in TABLES:
        for suffix in ("", "-parquet"):
            if table_name + suffix not in by_name and not any(p.table == table_name + suffix for p in problems):
                problems.append(Problem(table_name + suffix, "resource_missing",
                                        "the descriptor lists no resource for this table file"))

    sources_frame = None
    if "sources" in by_name:
        try:
            raw, _, _ = read_raw(by_name["sources"][1], TABLES["sources"])
            sources_frame, _ = coerce(raw, TABLES["sources"])
        except InputError:
            sources_frame = None
    seeds = Seeds.from_sources(_readable_seeds(sources_frame, root), root) if sources_frame is not None and \
        {"source_id", "seed_file"} <= set(sources_frame.columns) else Seeds({})

    for rname, (table_name, full, _res) in by_name.items():
        table = TABLES[table_name]
        try:
            raw, fmt, form = read_raw(full, table)
        except InputError as exc:
            problems.append(Problem(rname, "file_unreadable", str(exc)))
            continue
        for p in form:
            problems.append(Problem(rname, p.check, p.message, value=p.value))
        if fmt == "csv":
            found, typed = validate_frame(raw, table, seeds)
            problems += found
            csv_frames[table_name] = typed
            seen_tables.append(table_name)
        else:
            problems += [Problem(rname, p.check, p.message, p.row, p.key, p.column, p.value)
                         for p in _column_problems(raw, table)]
            typed, errors = coerce(raw, table)
            problems += [Problem(rname, p.check, p.message, p.row, p.key, p.column, p.value)
                         for p in _cell_problems(errors, typed, table)]
            parquet_frames[table_name] = (raw, typed)

    for name, (raw, typed) in parquet_frames.items():
        if name in csv_frames:
            problems += _formats_agree(csv_frames[name], raw, TABLES[name], typed)
    problems += _cross_table(csv_frames, root)
    problems += _descriptor_problems(descriptor, csv_frames, root)
    return problems, seen_tables


def _descriptor_problems(descriptor: dict, frames: dict[str, pd.DataFrame], root: Path) -> list[Problem]:
    """Frictionless validation of the descriptor, unless it is exactly what `jakdata build` makes.

    A descriptor identical to the one the build generates from these very files has the
    form that the test suite and CI validate with Frictionless; only a descriptor that differs
    needs Frictionless's (slow to import) metadata validation.
    """
    if set(frames) == set(TABLES):
        from .build import descriptor as generated

        try:
            if generated(frames, root) == descriptor:
                return []
        except (OSError, KeyError, AttributeError, TypeError, ValueError):
            pass
    return _frictionless_descriptor(descriptor, root)


def _formats_agree(csv_typed: pd.DataFrame, parquet_raw: pd.DataFrame, table: Table,
                   parquet_typed: pd.DataFrame | None = None) -> list[Problem]:
    """CSV and Parquet copies hold the same columns, dtypes and values (`parquet_typed`: the
    Parquet frame already coerced, when the caller has it)."""
    name = table.name
    out: list[Problem] = []
    wanted = {f.name: f for f in table.fields}
    from .io import dtype as field_dtype

    for col in parquet_raw.columns:
        if col in wanted and _dtype_differs(parquet_raw[col].dtype, field_dtype(wanted[col])):
            got = parquet_raw[col].dtype
            shown = f"category {list(got.categories)}" if isinstance(got, pd.CategoricalDtype) else str(got)
            out.append(Problem(name + "-parquet", "parquet_dtype", "Parquet column dtype differs from the schema",
                               column=col, value=shown))
    if parquet_typed is None:
        parquet_typed, _ = coerce(parquet_raw, table)
    if list(parquet_typed.columns) != list(csv_typed.columns):
        return out + [Problem(name, "formats_agree", "CSV and Parquet have different columns",
                              value=f"{list(csv_typed.columns)} vs {list(parquet_typed.columns)}")]
    if len(parquet_typed) != len(csv_typed):
        return out + [Problem(name, "formats_agree", "CSV and Parquet have different numbers of rows",
                              value=f"{len(csv_typed)} vs {len(parquet_typed)}")]
    a, b = csv_typed.reset_index(drop=True), parquet_typed.reset_index(drop=True)
    for col in a.columns:
        if a[col].equals(b[col]):
            continue  # identical columns need no cell-by-cell comparison
        for i in a.index:
            if not _same(a.at[i, col], b.at[i, col]):
                key = a.at[i, table.primary_key] if table.primary_key in a else None
                out.append(Problem(name, "formats_agree", "CSV and Parquet values differ", spreadsheet_row(i),
                                   None if key is None or pd.isna(key) else str(key), col,
                                   f"{a.at[i, col]!s} vs {b.at[i, col]!s}"))
    return out


def _dtype_differs(got, want) -> bool:
    """Whether a Parquet column's dtype is not the schema's; a categorical's categories count too."""
    if isinstance(want, pd.CategoricalDtype):
        return not isinstance(got, pd.CategoricalDtype) or list(got.categories) != list(want.categories) \
            or got.ordered != want.ordered
    return str(got) != str(want)


def _cross_table(frames: dict[str, pd.DataFrame], root: Path) -> list[Problem]:
    """Foreign keys, seed hashes, the ledger's row references and derived tables."""
    out: list[Problem] = []
    for name, df in frames.items():
        table = TABLES[name]
        for fk in table.foreign_keys:
            ref = frames.get(fk.reference)
            if ref is None or fk.fields not in df or fk.reference_fields not in ref:
                continue
            allowed = set(ref[fk.reference_fields].dropna().astype(str))
            for i, v in df[fk.fields].items():
                if pd.notna(v) and str(v) not in allowed:
                    key = df.at[i, table.primary_key]
                    out.append(Problem(name, "foreign_key", f"{fk.fields} names no {fk.reference}.{fk.reference_fields}",
                                       spreadsheet_row(i), None if pd.isna(key) else str(key), fk.fields, str(v)))
    sources = frames.get("sources")
    if sources is not None and {"seed_file", "sha256"} <= set(sources.columns):
        for i, (rel, digest) in enumerate(zip(sources["seed_file"], sources["sha256"])):
            full, bad = _safe_path(root, rel, "sources")
            key = str(sources.at[i, "source_id"])
            if bad or full is None or not _is_file(full):
                out.append(Problem("sources", "seed_missing", "the seed file does not exist", spreadsheet_row(i), key,
                                   "seed_file", str(rel)))
                continue
            actual = derive.sha256_of(full)
            if pd.isna(digest) or actual != digest:
                out.append(Problem("sources", "seed_hash", f"seed file's SHA-256 is {actual}", spreadsheet_row(i), key,
                                   "sha256", None if pd.isna(digest) else str(digest)))
    ledger = frames.get("source_issues")
    if ledger is not None:
        out += _ledger_references(frames, ledger)
        for name, df in frames.items():
            table = TABLES[name]
            if "issue_ids" in df and table.primary_key in df and table.kind != "derived":
                expect = df.assign(issue_ids=derive.issue_ids(name, table.primary_key, df, ledger))
                out += compare_columns(df, expect, table, ["issue_ids"])
    counts, rates = frames.get("switching_cohort_counts"), frames.get("switching_failure_rates")
    if counts is not None and rates is not None:
        try:
            expect = derive.switching_failure_rates(counts)
            if ledger is not None:
                expect["issue_ids"] = derive.issue_ids("switching_failure_rates", "subgroup", expect, ledger)
        except (ArithmeticError, ValueError, TypeError, KeyError, AttributeError) as exc:
            # Impossible counts (more failures than prescriptions) are reported by the counts' own
            # checks; the derived table cannot be recomputed from them, which is said, not raised.
            out.append(Problem("switching_failure_rates", "derived_value", "the table cannot be recomputed "
                               "from switching_cohort_counts (see that table's problems)",
                               value=f"{type(exc).__name__}: {exc}"))
        else:
            out += _derived_table_agrees(rates, expect, TABLES["switching_failure_rates"])
    return out


def _ledger_references(frames: dict[str, pd.DataFrame], ledger: pd.DataFrame) -> list[Problem]:
    out = []
    keys = {name: set(df[TABLES[name].primary_key].dropna().astype(str)) for name, df in frames.items()
            if TABLES[name].primary_key in df}
    for i, (issue, refs) in enumerate(zip(ledger["issue_id"], ledger["affected_rows"])):
        if pd.isna(refs):
            continue
        for ref in str(refs).split(SEP):
            t, _, k = ref.partition(":")
            if t in TABLES and t not in keys:
                continue  # that table's file could not be read, which is reported on its own
            if t not in keys or k not in keys[t]:
                out.append(Problem("source_issues", "affected_row_exists", "affected_rows names a row that does not exist",
                                   spreadsheet_row(i), None if pd.isna(issue) else str(issue), "affected_rows", ref))
    return out


def _derived_table_agrees(got: pd.DataFrame, expect: pd.DataFrame, table: Table) -> list[Problem]:
    key = table.primary_key
    if key not in got:
        return []
    exp = expect.set_index(key)
    out = []
    for i, k in got[key].items():
        if pd.isna(k) or k not in exp.index:
            out.append(Problem(table.name, "derived_value", "row does not follow from switching_cohort_counts",
                               spreadsheet_row(i), None if pd.isna(k) else str(k), key, None if pd.isna(k) else str(k)))
            continue
        for f in table.fields:
            if f.name == key or f.name not in got:
                continue
            a, b = got.at[i, f.name], exp.at[k, f.name]
            if not _same(a, b):
                out.append(Problem(table.name, "derived_value", f"{f.name} differs from its recomputation ({b})",
                                   spreadsheet_row(i), str(k), f.name, None if pd.isna(a) else str(a)))
    missing = set(exp.index) - set(got[key].dropna())
    for k in sorted(missing):
        out.append(Problem(table.name, "derived_value", "a row that follows from switching_cohort_counts is missing",
                           key=str(k), column=key))
    return out


def _frictionless_descriptor(descriptor: dict, root: Path) -> list[Problem]:
    """The descriptor itself must be a valid Frictionless Data Package."""
    from frictionless import FrictionlessException, Package

    try:
        errors = list(Package.metadata_validate(descriptor))
    except FrictionlessException as exc:
        error = getattr(exc, "error", None)
        return [Problem("datapackage", "frictionless", getattr(error, "message", None) or str(exc))]
    return [Problem("datapackage", "frictionless", getattr(e, "message", str(e))) for e in errors]


def validate_file(path: Path | str, name: str, seeds: Seeds | None = None) -> list[Problem]:
    """Validate someone's CSV or Parquet file against one jakdata table's schema."""
    table = table_spec(name)
    if _is_large_csv(Path(path)):
        return _validate_large_csv(Path(path), table, seeds)
    raw, _fmt, problems = read_raw(Path(path), table)
    found, _ = validate_frame(raw, table, seeds, require_known_sources=False)
    return problems + found


#: CSV files at least this large are validated CHUNK_ROWS rows at a time, so that memory
#: stays bounded whatever the file's length.
LARGE_CSV_BYTES = 64 * 2**20
CHUNK_ROWS = 50_000


def _is_large_csv(path: Path) -> bool:
    try:
        if "\x00" in str(path) or not path.is_file() or path.stat().st_size < LARGE_CSV_BYTES:
            return False
        with open(path, "rb") as fh:
            head = fh.read(4)
    except OSError:
        return False
    return head != PARQUET_MAGIC and path.suffix.lower() != ".parquet"


def _scan_csv(path: Path, table: Table) -> list[Problem]:
    """`_read_csv`'s checks of a file's form, made in one streaming pass."""
    problems: list[Problem] = []
    inside_quotes, cr_ending, width = False, False, None
    state = {"line": 0}

    def lines(fh):
        nonlocal inside_quotes, cr_ending
        for line in fh:
            state["line"] += 1
            if "\x00" in line:
                raise InputError(f"{path}: contains NUL bytes; not a text CSV file")
            inside_quotes ^= line.count('"') % 2 == 1
            if not inside_quotes and line.endswith("\r") or (not inside_quotes and line.endswith("\r\n")):
                cr_ending = True
            yield line

    try:
        with open(path, encoding="utf-8", newline="") as fh:
            reader = csv.reader(lines(fh), strict=True)
            header = next(reader, None)
            if header is None or not any(h.strip() for h in header):
                raise InputError(f"{path}: the file is empty (a CSV needs a header row)")
            if header[0].startswith("\ufeff"):
                problems.append(Problem(table.name, "csv_encoding", "the file starts with a byte-order mark (BOM); "
                                        "jakdata CSVs are UTF-8 without BOM", value="BOM"))
                header[0] = header[0][1:]
            width = len(header)
            if width == 1 and len(table.fields) > 1 and any(d in header[0] for d in (";", "\t", "|")):
                raise InputError(f"{path}: the header is a single column; jakdata CSVs are comma-separated "
                                 "(wrong delimiter)")
            if len(set(header)) != len(header):
                dupes = sorted({h for h in header if header.count(h) > 1})
                raise InputError(f"{path}: duplicate column name(s) in the header: {', '.join(dupes)}")
            for row in reader:
                if len(row) != width:
                    raise InputError(f"{path}: row {reader.line_num} has {len(row)} field(s) but the header has "
                                     f"{width}; the CSV is malformed (ragged rows or a wrong delimiter)")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not valid UTF-8 (near line {state['line'] + 1}: {exc.reason})") from None
    except csv.Error as exc:
        raise InputError(f"{path}: malformed CSV ({exc})") from None
    if cr_ending:
        problems.append(Problem(table.name, "csv_line_endings", "lines end with CR LF or CR; jakdata CSVs use LF"))
    return problems


def _validate_large_csv(path: Path, table: Table, seeds: Seeds | None) -> list[Problem]:
    """Row-local rules chunk by chunk; uniqueness and totals once, over the columns they need."""
    import dataclasses

    from .rules import check_frame

    problems = _scan_csv(path, table)
    needed = {table.primary_key} | {f.name for f in table.fields if f.unique}
    needed |= {c for cols in table.unique_together for c in cols}
    needed |= {c for rc in table.checks if rc.scope == "table" for c in rc.columns}
    narrow: list[pd.DataFrame] = []
    offset = 0
    chunks = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8-sig",
                         chunksize=CHUNK_ROWS)
    for chunk in chunks:
        found, typed = validate_frame(chunk, table, seeds, require_known_sources=False, scope="row")
        for p in found:
            if p.row is not None:
                problems.append(dataclasses.replace(p, row=p.row + offset))
            elif offset == 0 and p.check != "no_rows":
                problems.append(p)
        narrow.append(typed[[c for c in table.field_names if c in needed and c in typed]])
        offset += len(chunk)
    if offset == 0:
        problems.append(Problem(table.name, "no_rows", "the table has a header but no data rows"))
        return problems
    problems += check_frame(pd.concat(narrow, ignore_index=True), table, scope="table")
    return problems


def installed_seeds() -> Seeds:
    from .paths import package_root

    root = package_root()
    path = root / "tables" / "sources.csv"
    if not path.is_file():
        return Seeds({})
    raw, _, _ = read_raw(path, TABLES["sources"])
    return Seeds.from_sources(raw, root)
