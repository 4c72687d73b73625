"""`jakdata build`: curated records → validated tables, datapackage.json and generated docs.

Nothing is written unless every check passes; files are written to a staging directory and
then moved into place one by one. `--check` builds into staging and compares instead.

A build stopped at any moment (killed, the machine off) leaves the package as it was or, once
the next `jakdata build` has run, as that build would have left it: before the first move the
build writes a journal of all its moves into the staging directory, and the next build rolls
a journal it finds forward (each move is an atomic rename, so repeating the list is safe).
Until then `jakdata validate` and `build --check` refuse the half-moved package. Staging
directories without a journal are leftovers of builds stopped earlier and are removed.

Parquet files embed the versions of the library that wrote them, so `--check` compares
Parquet by content (schema and values), and a rebuild keeps an existing Parquet file whose
content is unchanged; CSV, JSON and Markdown are compared byte for byte.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import tempfile
import threading
import tomllib
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .catalog import LEDGER_TABLE, SOURCES_TABLE, TABLES
from .catalog.ledger import issue_ids
from .crosstable import compute_derived_table, cross_table_problems
from .descriptor import descriptor
from .errors import InputError
from .formats import FORMATS
from .frames import validate_frame
from .io import coerce
from .paths import JOURNAL, STAGING_PREFIX, interrupted_build
from .provenance import Seeds
from .report import Problem, problem
from .tableschema import standalone_schema, standalone_schema_path

CURATED = Path(__file__).resolve().parent / "curated"


class BuildError(Exception):
    """The curated records are invalid; nothing was written."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def read_curated(name: str, curated: Path = CURATED) -> tuple[pd.DataFrame, list[Problem]]:
    """One table's hand-extracted rows from its TOML file, typed by the schema."""
    table = TABLES[name]
    path = curated / f"{name}.toml"
    try:
        rows = tomllib.loads(path.read_text(encoding="utf-8")).get("row", [])
    except tomllib.TOMLDecodeError as exc:
        return pd.DataFrame(), [problem(name, "curated_toml", reason=f"{path.name}: {exc}")]
    problems = []
    allowed = {f.name for f in table.curated_fields}
    for i, row in enumerate(rows, start=1):
        for key in row:
            if key not in allowed:
                problems.append(problem(name, "curated_field", column=key, record=f"{path.name} row {i}"))
    columns = [f.name for f in table.curated_fields]
    # object dtype keeps TOML's values as written (an absent key is None) for coerce to judge
    frame = pd.DataFrame([[row.get(k) for k in columns] for row in rows], columns=columns, dtype=object)
    typed, errors = coerce(frame, table)
    problems += [Problem(name, e.check, f"curated value cannot be read as the field's type ({e.type or e.check})",
                         e.index + 1, None, e.column, str(e.value)) for e in errors]
    return typed, problems


def assemble(root: Path, curated: Path = CURATED) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """All tables, in catalog order: curated rows read, derivations computed, every check run."""
    frames: dict[str, pd.DataFrame] = {}
    problems: list[Problem] = []
    for name, table in TABLES.items():
        if table.kind != "derived":
            frames[name], found = read_curated(name, curated)
            problems += found
    ledger = frames[LEDGER_TABLE]
    for name, table in TABLES.items():
        d = table.derivation
        if table.kind == "derived":  # derived tables follow from finished inputs (the catalog's order)
            frames[name] = compute_derived_table(name, frames, root)
        elif d is not None:
            frames[name] = d.compute(frames[name], {i: frames[i] for i in d.inputs}, root)
        df = frames[name]
        if "issue_ids" in table.field_names and table.kind != "derived":
            df["issue_ids"] = issue_ids(name, table.primary_key, df, ledger)
        frames[name], _ = coerce(df[table.field_names], table)
    seeds = Seeds.from_sources(frames[SOURCES_TABLE], root)
    for name, table in TABLES.items():
        found, frames[name] = validate_frame(frames[name], table, seeds, engine="pandera", root=root)
        problems += found
    problems += cross_table_problems(frames, root)
    return frames, problems


# ----------------------------------------------------------------------------- staging and writing

@dataclass
class BuildResult:
    written: list[str]
    stale: list[str]
    problems: list[Problem]


def _stage(frames: dict[str, pd.DataFrame], root: Path, staged: Path) -> list[str]:
    """Write every generated file under `staged`; return their paths relative to the root."""
    from .docs import render_docs

    rels = []
    (staged / "tables").mkdir(parents=True)
    for name in TABLES:
        for fmt in FORMATS.values():
            rel = fmt.path(name)
            fmt.write(frames[name], staged / rel)
            current = root / rel
            if current.is_file() and fmt.content_equal(current, staged / rel):
                shutil.copyfile(current, staged / rel)  # equal content keeps its bytes (and committed hash)
            rels.append(rel)
    for name in TABLES:  # each Table Schema also as its own file, for tools without jakdata
        rel = standalone_schema_path(name)
        (staged / rel).write_text(json.dumps(standalone_schema(name), indent=2, ensure_ascii=False) + "\n",
                                  encoding="utf-8")
        rels.append(rel)
    desc = descriptor(frames, staged)
    (staged / "datapackage.json").write_text(json.dumps(desc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    rels.append("datapackage.json")
    for rel, text in render_docs(frames, root).items():
        target = staged / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        rels.append(rel)
    return rels


def _differs(a: Path, b: Path) -> bool:
    if not a.is_file():
        return True
    fmt = next((f for f in FORMATS.values() if a.suffix == f.suffix), None)
    return not (fmt.content_equal(a, b) if fmt is not None else a.read_bytes() == b.read_bytes())


def _leftovers(root: Path, rels: list[str]) -> list[str]:
    """Generated-looking files in tables/ and docs/tables/ that the build no longer makes."""
    out = []
    for folder, suffixes in (("tables", (*(f.suffix for f in FORMATS.values()), ".json")), ("docs/tables", (".md",))):
        d = root / folder
        if d.is_dir():
            out += [f"{folder}/{p.name}" for p in sorted(d.iterdir())
                    if p.suffix in suffixes and f"{folder}/{p.name}" not in rels]
    return out


def build(root: Path, check: bool = False, curated: Path = CURATED) -> BuildResult:
    """Build the package in `root` (or, with `check`, list what a build would change); see the module's note."""
    root = Path(root).resolve()
    with _locked(root):
        if check:
            journal = interrupted_build(root)
            if journal is not None:
                raise InputError(f"{root}: a `jakdata build` was interrupted while moving files into place (its "
                                 f"journal is {journal.relative_to(root)}); run `jakdata build` to complete it")
            _remove_stale_staging(root)
        else:
            _complete_interrupted(root)
        frames, problems = assemble(root, curated)
        if problems:
            return BuildResult([], [], problems)
        staged = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=root))
        try:
            rels = _stage(frames, root, staged)
            changed = [rel for rel in rels if _differs(root / rel, staged / rel)]
            leftovers = _leftovers(root, rels)
            if check:
                return BuildResult([], changed + leftovers, [])
            for rel in changed:
                if not (root / rel).resolve().is_relative_to(root):
                    raise BuildError([problem("build", "write_outside", value=rel)])
            _commit(root, staged, changed, leftovers)
            return BuildResult(changed + leftovers, [], [])
        finally:
            if staged.is_dir() and not (staged / JOURNAL).exists():
                shutil.rmtree(staged, ignore_errors=True)


# ----------------------------------------------------------------------------- moving into place

def _commit(root: Path, staged: Path, moves: list[str], removals: list[str]) -> None:
    """Journal the moves (durably), then make them; an interruption from here on is rolled forward."""
    for rel in moves:
        _fsync(staged / rel)
    tmp = staged / (JOURNAL + ".tmp")
    tmp.write_text(json.dumps({"moves": moves, "remove": removals}, indent=1) + "\n", encoding="utf-8")
    _fsync(tmp)
    os.replace(tmp, staged / JOURNAL)
    _fsync(staged, directory=True)
    _roll_forward(root, staged)


def _complete_interrupted(root: Path) -> None:
    """What a build does first: finish the moves of an interrupted build, remove stale staging directories."""
    while (journal := interrupted_build(root)) is not None:
        _roll_forward(root, journal.parent)
    _remove_stale_staging(root)


def _roll_forward(root: Path, staged: Path) -> None:
    """Make every move of `staged`'s journal not yet made, remove what it removes, then the staging itself.

    A move whose staged file is gone was made before the interruption. Ctrl-C waits for the
    end of this short step, so a build interrupted by the user is complete or not begun.
    """
    with _interrupt_deferred():
        moves, removals = _read_journal(root, staged)
        for rel in moves:
            source, target = staged / rel, root / rel
            if source.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(source, target)
        for rel in removals:
            (root / rel).unlink(missing_ok=True)
        _fsync(root, directory=True)
        (staged / JOURNAL).unlink()
        shutil.rmtree(staged, ignore_errors=True)


def _read_journal(root: Path, staged: Path) -> tuple[list[str], list[str]]:
    """The journal's moves and removals, each a relative path that stays inside the package."""
    journal = staged / JOURNAL
    try:
        data = json.loads(journal.read_text(encoding="utf-8"))
        moves, removals = data["moves"], data["remove"]
        rels = [*moves, *removals]
        ok = isinstance(moves, list) and isinstance(removals, list) and all(
            isinstance(r, str) and r and not Path(r).is_absolute() and ".." not in Path(r).parts
            and (root / r).resolve().is_relative_to(root) for r in rels)
    except (OSError, ValueError, KeyError, TypeError):
        ok = False
    if not ok:
        raise InputError(f"{journal}: the journal of an interrupted build cannot be read; check the package "
                         f"against git and remove {staged.name}")
    return moves, removals


def _remove_stale_staging(root: Path) -> None:
    """Staging directories of earlier builds stopped before their journal was written."""
    for d in root.glob(STAGING_PREFIX + "*"):
        if d.is_dir() and not d.is_symlink() and not (d / JOURNAL).exists():
            shutil.rmtree(d, ignore_errors=True)


def _fsync(path: Path, directory: bool = False) -> None:
    """Flush a file (or a directory's entries) to disk, where the system allows it."""
    try:
        fd = os.open(path, os.O_RDONLY | (getattr(os, "O_DIRECTORY", 0) if directory else 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextmanager
def _locked(root: Path):
    """One build at a time per checkout (an advisory lock on the directory, where the system has one)."""
    try:
        import fcntl
    except ImportError:  # Windows: no lock
        yield
        return
    fd = os.open(root, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise InputError(f"{root}: another `jakdata build` is running in this checkout") from None
        yield
    finally:
        os.close(fd)


@contextmanager
def _interrupt_deferred():
    """Hold a Ctrl-C until the block is done, then raise it (in the main thread; elsewhere, no effect)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous if previous is not None else signal.default_int_handler)
        if caught:
            raise KeyboardInterrupt
