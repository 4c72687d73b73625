"""Validation of a whole published package: descriptor, files, every table, and the tables together."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pandas as pd

from .catalog import SOURCES_TABLE, TABLES
from .crosstable import cross_table_problems
from .errors import InputError
from .formats import FORMATS, Format, from_resource_name
from .frames import cell_problems, column_problems, same, validate_frame
from .io import coerce, dtype as field_dtype
from .paths import interrupted_build, not_regular
from .provenance import Seeds
from .reading import is_parquet, parquet_rows, read_raw
from .report import Problem, problem, spreadsheet_row
from .tableschema import standalone_schema, standalone_schema_path, table_schema


def load_descriptor(path: Path) -> tuple[Path, dict]:
    path = Path(path)
    if "\x00" in str(path):
        raise InputError(f"{str(path)!r}: not a usable file name (it contains a NUL character)")
    if _is_dir(path):
        path = path / "datapackage.json"
    why = not_regular(path, path.parent)
    if why is not None and why.startswith("no such file"):
        raise InputError(f"{path}: no such file (expected a datapackage.json or its directory)")
    if why:
        raise InputError(f"{path}: {why}")
    journal = interrupted_build(path.parent)
    if journal is not None:
        raise InputError(f"{path.parent}: a `jakdata build` was interrupted while moving files into place (its "
                         f"journal is {journal.relative_to(path.parent)}); run `jakdata build` to complete it")
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=_no_duplicate_keys)
    except _DuplicateKey as exc:
        raise InputError(f"{path}: malformed JSON (the key {exc.key!r} appears twice in one object)") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not valid UTF-8") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: malformed JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except RecursionError:
        raise InputError(f"{path}: JSON nested too deeply to be a Data Package descriptor") from None
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise InputError(f"{path}: not a Data Package descriptor (no 'resources' list)")
    return path.parent, descriptor


class _DuplicateKey(ValueError):
    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def _no_duplicate_keys(pairs: list[tuple[str, object]]) -> dict:
    """A JSON object, refused when a key appears twice (json.loads would silently keep the last)."""
    out: dict = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def _is_file(path: Path) -> bool:
    """`Path.is_file`, False for a name the system refuses (too long, a NUL character)."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except (OSError, ValueError):
        return False


def safe_path(root: Path, rel: object, resource: str) -> tuple[Path | None, Problem | None]:
    def bad(reason: str) -> tuple[None, Problem]:
        return None, problem(resource, "resource_path", value=rel if isinstance(rel, str) else str(rel), reason=reason)

    if not isinstance(rel, str) or not rel:
        return bad("resource has no single relative path")
    if "\x00" in rel:
        return None, problem(resource, "resource_path", value=repr(rel), reason="resource path contains a NUL character")
    if rel.startswith(("/", "\\")) or (len(rel) > 1 and rel[1] == ":") or "://" in rel:
        return bad("resource path must be relative to the package")
    if ".." in Path(rel).parts:
        return bad("resource path must not contain '..'")
    full = root / rel
    try:
        if not full.resolve().is_relative_to(root.resolve()):
            return bad("resource path leads outside the package (through a link)")
    except OSError:
        return bad("resource path cannot be resolved")
    return full, None


def _readable_seeds(sources: pd.DataFrame, root: Path) -> pd.DataFrame:
    """The sources rows whose seed_file is a file inside the package (never '../../etc/passwd')."""
    def inside(rel: object) -> bool:
        full, bad = safe_path(root, rel, SOURCES_TABLE)
        return bad is None and full is not None and _is_file(full)

    return sources[[inside(rel) for rel in sources["seed_file"].astype("object")]]


def _file_integrity(full: Path, resource: dict, name: str, fmt: Format) -> list[Problem]:
    data = full.read_bytes()
    out = []
    if ("bytes" in resource or fmt.declares_bytes) and resource.get("bytes") != len(data):
        out.append(problem(name, "resource_bytes", actual=len(data), declared=resource.get("bytes")))
    digest = hashlib.sha256(data).hexdigest()
    declared = str(resource.get("hash", ""))
    if declared.removeprefix("sha256:") != digest:
        out.append(problem(name, "resource_hash", actual=digest, declared=declared))
    return out


def _resources(root: Path, descriptor: dict) -> tuple[dict[str, tuple[str, Format, Path]], list[Problem]]:
    """The descriptor's usable table resources by name, and the problems of the rest."""
    problems: list[Problem] = []
    found: dict[str, tuple[str, Format, Path]] = {}
    for res in descriptor["resources"]:
        if not isinstance(res, dict):
            problems.append(problem("datapackage", "resource", value=str(res)[:60]))
            continue
        rname = str(res.get("name", ""))
        table_name, fmt = from_resource_name(rname)
        if table_name not in TABLES:
            problems.append(problem(rname or "datapackage", "resource_unknown", value=rname))
            continue
        full, bad = safe_path(root, res.get("path"), rname)
        if bad:
            problems.append(bad)
            continue
        why = not_regular(full, root)  # a FIFO or a device is never opened
        if why is not None and (not os.path.exists(full) or _is_dir(full)):
            problems.append(problem(rname, "resource_missing", value=str(res.get("path")),
                                    reason="the file the descriptor names does not exist"))
            continue
        if why:
            problems.append(problem(rname, "resource_path", value=str(res.get("path")), reason=f"the file {why}"))
            continue
        if full.suffix != fmt.suffix:
            problems.append(problem(rname, "resource_format", value=full.name, suffix=fmt.suffix))
            continue
        problems += _file_integrity(full, res, rname, fmt)
        problems += [problem(rname, "resource_schema", value=where)
                     for where in differences(res.get("schema"), table_schema(table_name, fmt.name), "schema")]
        found[rname] = (table_name, fmt, full)
    for table_name in TABLES:
        for fmt in FORMATS.values():
            rname = fmt.resource_name(table_name)
            if rname not in found and not any(p.table == rname for p in problems):
                problems.append(problem(rname, "resource_missing",
                                        reason="the descriptor lists no resource for this table file"))
    return found, problems


def _seeds(found: dict, root: Path) -> Seeds:
    canonical = next(f for f in FORMATS.values() if f.canonical).resource_name(SOURCES_TABLE)
    if canonical not in found:
        return Seeds({})
    try:
        raw, _, _ = read_raw(found[canonical][2], TABLES[SOURCES_TABLE])
    except InputError:
        return Seeds({})
    frame, _ = coerce(raw, TABLES[SOURCES_TABLE])
    if not {"source_id", "seed_file"} <= set(frame.columns):
        return Seeds({})
    return Seeds.from_sources(_readable_seeds(frame, root), root)


def validate_package(path: Path | str) -> tuple[list[Problem], list[str]]:
    """Validate a published package directory: every check the spec lists."""
    root, descriptor = load_descriptor(Path(path))
    found, problems = _resources(root, descriptor)
    seeds = _seeds(found, root)
    canonical: dict[str, pd.DataFrame] = {}
    others: list[tuple[str, pd.DataFrame, pd.DataFrame, str]] = []
    checked: list[str] = []
    for rname, (table_name, fmt, full) in found.items():
        table = TABLES[table_name]
        if not fmt.canonical and table_name in canonical and is_parquet(full):
            rows = _declared_rows(full)  # a small file may declare millions of rows: compare before reading
            if rows is not None and rows != len(canonical[table_name]):
                problems.append(problem(table_name, "formats_agree", reason=f"{rname} has another number of rows "
                                        "than the CSV", value=f"{len(canonical[table_name])} vs {rows}"))
                continue
        try:
            raw, _read_as, form = read_raw(full, table)
        except InputError as exc:
            problems.append(problem(rname, "file_unreadable", reason=str(exc)))
            continue
        problems += [Problem(rname, p.check, p.message, value=p.value) for p in form]
        if fmt.canonical:
            found_problems, typed = validate_frame(raw, table, seeds, root=root)
            problems += found_problems
            canonical[table_name] = typed
            checked.append(table_name)
        else:
            problems += [Problem(rname, p.check, p.message, p.row, p.key, p.column, p.value)
                         for p in column_problems(raw, table)]
            typed, errors = coerce(raw, table)
            problems += [Problem(rname, p.check, p.message, p.row, p.key, p.column, p.value)
                         for p in cell_problems(errors, typed, table)]
            others.append((table_name, raw, typed, rname))
    for table_name, raw, typed, rname in others:
        if table_name in canonical:
            problems += formats_agree(canonical[table_name], raw, TABLES[table_name], typed, rname)
    problems += cross_table_problems(canonical, root)
    problems += _descriptor_problems(descriptor, canonical, root)
    problems += metadata_problems(descriptor, canonical)
    problems += unlisted_files(descriptor, root)
    return problems, checked


def _declared_rows(path: Path) -> int | None:
    try:
        return parquet_rows(path)
    except InputError:
        return None  # reported when the file is read


_ABSENT = object()


def differences(got: object, want: object, where: str) -> list[str]:
    """The paths (`a.b[0].c`) at which `got` differs from `want`; nested objects and lists compared item by item."""
    if isinstance(got, dict) and isinstance(want, dict):
        out = []
        for key in list(want) + [k for k in got if k not in want]:
            out += differences(got.get(key, _ABSENT), want.get(key, _ABSENT), f"{where}.{key}" if where else key)
        return out
    if isinstance(got, list) and isinstance(want, list) and len(got) == len(want):
        return [d for i, (g, w) in enumerate(zip(got, want)) for d in differences(g, w, f"{where}[{i}]")]
    return [] if type(got) is type(want) and got == want else [where]


#: Resource keys checked against the files themselves (resource_hash, resource_bytes) or on their
#: own (resource_schema), so not part of the metadata comparison.
_FILE_KEYS = ("hash", "bytes", "schema")
#: Descriptor properties that follow from the tables' rows (the sources they cite).
_FROM_ROWS = {"sources"}


def metadata_problems(descriptor: dict, frames: dict[str, pd.DataFrame]) -> list[Problem]:
    """Every key where the copy's descriptor differs from what this version of jakdata generates.

    The package's metadata (name, version, licences, citation, contributors, sources, ...) and
    each resource's title, description, sources and form are compared field by field. A value
    that depends on a table that could not be read (its sources) is not compared; the table's
    own problem already makes the report invalid.
    """
    from .descriptor import descriptor as generated

    complete = {name: frames.get(name, pd.DataFrame(columns=TABLES[name].field_names)) for name in TABLES}
    want = generated(complete, None)
    skip = set() if SOURCES_TABLE in frames else _FROM_ROWS
    out = [problem("datapackage", "descriptor_metadata", value=where)
           for key in [k for k in want if k != "resources"] + [k for k in descriptor if k not in want]
           if key not in skip for where in differences(descriptor.get(key, _ABSENT), want.get(key, _ABSENT), key)]
    wanted = {res["name"]: res for res in want["resources"]}
    for res in descriptor["resources"]:
        if not isinstance(res, dict) or res.get("name") not in wanted:
            continue  # reported as `resource` or `resource_unknown`
        rname = res["name"]
        mine = wanted[rname]
        table_name, _ = from_resource_name(rname)
        keys = [k for k in list(mine) + [k for k in res if k not in mine] if k not in _FILE_KEYS]
        if table_name not in frames or SOURCES_TABLE not in frames:
            keys = [k for k in keys if k not in _FROM_ROWS]
        for key in keys:
            out += [problem(rname, "descriptor_metadata", value=f"resources[{rname}].{where}")
                    for where in differences(res.get(key, _ABSENT), mine.get(key, _ABSENT), key)]
    return out


def unlisted_files(descriptor: dict, root: Path) -> list[Problem]:
    """Entries of the package's tables/ folder that no resource of the descriptor lists."""
    folder = root / "tables"
    listed = {str(Path(r["path"])) for r in descriptor["resources"] if isinstance(r, dict)
              and isinstance(r.get("path"), str) and "\x00" not in r["path"]}
    try:
        names = sorted(e.name for e in os.scandir(folder))
    except OSError:
        return []  # no tables/ at all: every resource is reported missing
    schemas = {Path(standalone_schema_path(t)).name: t for t in TABLES}  # generated beside their tables
    out = [problem("datapackage", "file_unlisted", value=f"tables/{name}") for name in names
           if str(Path("tables") / name) not in listed and name not in schemas]
    for file_name, table_name in schemas.items():
        out += _standalone_schema_problems(folder / file_name, table_name)
    return out


def _standalone_schema_problems(path: Path, table_name: str) -> list[Problem]:
    """A table's standalone Table Schema file exists, is a regular file, and is what jakdata generates."""
    rel = standalone_schema_path(table_name)
    if not _is_file(path) or path.is_symlink():
        return [problem(table_name, "schema_file", value=rel, reason="is missing")]
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return [problem(table_name, "schema_file", value=rel, reason="is not valid JSON")]
    if found != standalone_schema(table_name):
        return [problem(table_name, "schema_file", value=rel, reason="differs from jakdata's schema for this table")]
    return []


def _descriptor_problems(descriptor: dict, frames: dict[str, pd.DataFrame], root: Path) -> list[Problem]:
    """Frictionless validation of the descriptor, unless it is exactly what `jakdata build` makes.

    A descriptor identical to the one the build generates from these very files has the
    form that the test suite and CI validate with Frictionless; only a descriptor that differs
    needs Frictionless's (slow to import) metadata validation.
    """
    if set(frames) == set(TABLES):
        from .descriptor import descriptor as generated

        try:
            if generated(frames, root) == descriptor:
                return []
        except (OSError, KeyError, AttributeError, TypeError, ValueError):
            pass
    return frictionless_problems(descriptor)


def formats_agree(canonical: pd.DataFrame, other_raw: pd.DataFrame, table, other_typed: pd.DataFrame,
                  rname: str) -> list[Problem]:
    """The canonical (CSV) and another format's copy hold the same columns, dtypes and values."""
    name = table.name
    out: list[Problem] = []
    wanted = {f.name: f for f in table.fields}
    for col in other_raw.columns:
        if col in wanted and _dtype_differs(other_raw[col].dtype, field_dtype(wanted[col])):
            got, want = other_raw[col].dtype, field_dtype(wanted[col])
            shown = f"category {list(got.categories)}" if isinstance(got, pd.CategoricalDtype) else str(got)
            out.append(problem(rname, "parquet_dtype", column=col, value=shown, expected=want))
    if list(other_typed.columns) != list(canonical.columns):
        return out + [problem(name, "formats_agree", reason=f"{rname} has other columns than the CSV",
                              value=f"{list(canonical.columns)} vs {list(other_typed.columns)}")]
    if len(other_typed) != len(canonical):
        return out + [problem(name, "formats_agree", reason=f"{rname} has another number of rows than the CSV",
                              value=f"{len(canonical)} vs {len(other_typed)}")]
    a, b = canonical.reset_index(drop=True), other_typed.reset_index(drop=True)
    for col in a.columns:
        if a[col].equals(b[col]):
            continue  # identical columns need no cell-by-cell comparison
        for i in range(len(a)):
            if not same(a[col].iat[i], b[col].iat[i]):
                key = a[table.primary_key].iat[i] if table.primary_key in a else None
                out.append(problem(name, "formats_agree", spreadsheet_row(i), None if key is None or pd.isna(key)
                                   else str(key), col, f"{a[col].iat[i]!s} vs {b[col].iat[i]!s}",
                                   reason=f"the CSV and {rname} values differ"))
    return out


def _dtype_differs(got, want) -> bool:
    """Whether a column's dtype is not the schema's; a categorical's categories count too."""
    if isinstance(want, pd.CategoricalDtype):
        return not isinstance(got, pd.CategoricalDtype) or list(got.categories) != list(want.categories) \
            or got.ordered != want.ordered
    return str(got) != str(want)


def frictionless_problems(descriptor: dict) -> list[Problem]:
    """The descriptor itself must be a valid Frictionless Data Package."""
    from frictionless import FrictionlessException, Package

    try:
        errors = list(Package.metadata_validate(descriptor))
    except FrictionlessException as exc:
        error = getattr(exc, "error", None)
        return [problem("datapackage", "frictionless", reason=getattr(error, "message", None) or str(exc))]
    return [problem("datapackage", "frictionless", reason=getattr(e, "message", str(e))) for e in errors]
