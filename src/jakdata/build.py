"""`jakdata build`: curated records → validated tables, datapackage.json and generated docs.

Nothing is written unless every check passes; files are written to a staging directory and
then moved into place one by one. `--check` builds into staging and compares instead.

Parquet files embed the versions of the library that wrote them, so `--check` compares
Parquet by content (schema and values), and a rebuild keeps an existing Parquet file whose
content is unchanged; CSV, JSON and Markdown are compared byte for byte.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .catalog import LEDGER_TABLE, SOURCES_TABLE, TABLES
from .catalog.ledger import issue_ids
from .crosstable import compute_derived_table, cross_table_problems
from .descriptor import descriptor
from .formats import FORMATS
from .frames import validate_frame
from .io import coerce
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
    root = Path(root).resolve()
    frames, problems = assemble(root, curated)
    if problems:
        return BuildResult([], [], problems)
    with tempfile.TemporaryDirectory(prefix=".jakdata-build-", dir=root) as tmp:
        staged = Path(tmp)
        rels = _stage(frames, root, staged)
        changed = [rel for rel in rels if _differs(root / rel, staged / rel)]
        leftovers = _leftovers(root, rels)
        if check:
            return BuildResult([], changed + leftovers, [])
        for rel in changed:
            target = (root / rel).resolve()
            if not target.is_relative_to(root):
                raise BuildError([problem("build", "write_outside", value=rel)])
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(staged / rel), str(target))
        for rel in leftovers:
            (root / rel).unlink()
        return BuildResult(changed + leftovers, [], [])
