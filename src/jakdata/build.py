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

from . import derive
from .__about__ import CITATION, RELEASE_DATE, TITLE, __version__
from .catalog import TABLES
from .io import coerce, parquet_content_equal, write_csv, write_parquet
from .provenance import Seeds
from .report import Problem
from .tableschema import resource_name, table_schema
from .validation import _cross_table, validate_frame

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
        return pd.DataFrame(), [Problem(name, "curated_toml", f"{path.name}: {exc}")]
    problems = []
    allowed = {f.name for f in table.curated_fields}
    for i, row in enumerate(rows, start=1):
        for key in row:
            if key not in allowed:
                problems.append(Problem(name, "curated_field", f"{path.name} row {i}: unknown or derived field",
                                        column=key))
    columns = [f.name for f in table.curated_fields]
    # object dtype keeps TOML's values as written (an absent key is None) for coerce to judge
    frame = pd.DataFrame([[row.get(k) for k in columns] for row in rows], columns=columns, dtype=object)
    typed, errors = coerce(frame, table)
    problems += [Problem(name, e.check, "curated value has the wrong type", e.index + 1, None, e.column, str(e.value))
                 for e in errors]
    return typed, problems


def assemble(root: Path, curated: Path = CURATED) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """All tables, with derived columns computed and every check run."""
    frames: dict[str, pd.DataFrame] = {}
    problems: list[Problem] = []
    for name, table in TABLES.items():
        if table.kind == "derived":
            continue
        frames[name], found = read_curated(name, curated)
        problems += found
    sources = frames["sources"]
    sources["sha256"] = pd.array(
        [derive.sha256_of(root / p) if (root / p).is_file() else None for p in sources["seed_file"]], dtype="string")
    frames["jump_predictors"] = derive.jump_predictors(frames["jump_predictors"])
    ledger = frames["source_issues"]
    for name, table in TABLES.items():
        if table.kind == "derived":  # derived tables follow from finished inputs
            frames[name] = getattr(derive, name)(frames["switching_cohort_counts"])
        df = frames[name]
        if "issue_ids" in table.field_names:
            df["issue_ids"] = derive.issue_ids(name, table.primary_key, df, ledger)
        frames[name], _ = coerce(df[table.field_names], table)
    seeds = Seeds.from_sources(frames["sources"], root)
    for name, table in TABLES.items():
        found, frames[name] = validate_frame(frames[name], table, seeds, engine="pandera")
        problems += found
    problems += _cross_table(frames, root)
    return frames, problems


# ----------------------------------------------------------------------------- descriptor

def _resource(name: str, fmt: str, path: Path, rel: str, sources: list[dict]) -> dict:
    import hashlib

    data = path.read_bytes()
    table = TABLES[name]
    res = {
        "name": resource_name(name, fmt),
        "type": "table",
        "path": rel,
        "scheme": "file",
        "format": fmt,
        "mediatype": "text/csv" if fmt == "csv" else "application/vnd.apache.parquet",
        "bytes": len(data),
        "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
        "title": table.title,
        "description": table.description,
        "sources": sources,
        "schema": table_schema(name, fmt),
    }
    if fmt == "parquet":
        # Frictionless reads Parquet through pyarrow and cannot count its bytes, so a declared
        # size fails `frictionless validate`; the hash stays (jakdata validate checks it).
        del res["bytes"]
    if fmt == "csv":
        res["encoding"] = "utf-8"
        res["dialect"] = {"delimiter": ",", "lineTerminator": "\n", "quoteChar": '"', "doubleQuote": True,
                          "header": True}
    return res


def descriptor(frames: dict[str, pd.DataFrame], staged: Path) -> dict:
    src = frames["sources"]
    by_id = {r.source_id: r for r in src.itertuples(index=False)}

    def entry(r) -> dict:
        e = {"title": r.title, "path": r.url if pd.notna(r.url) else r.seed_file}
        if pd.notna(r.publisher):
            e["publisher"] = r.publisher
        return e

    resources = []
    for name in TABLES:
        ids = sorted(set(frames[name]["source_id"].dropna().astype(str))) if "source_id" in frames[name] else []
        sources = [entry(by_id[i]) for i in ids if i in by_id]
        for fmt in ("csv", "parquet"):
            rel = f"tables/{name}.{fmt}"
            resources.append(_resource(name, fmt, staged / rel, rel, sources))
    return {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": "jakdata",
        "title": TITLE,
        "description": "Schema-checked tables hand-extracted from five source documents about JAK inhibitors "
                       "and related kinase inhibitors: ruxolitinib response predictors in myelofibrosis (JUMP), "
                       "JAK-inhibitor switching in rheumatology, the eligibility criteria of NCT03558607, and "
                       "ponatinib's phase I/II results. Every extracted row cites a verbatim quote of its seed.",
        "version": __version__,
        "created": f"{RELEASE_DATE}T00:00:00Z",
        "keywords": ["JAK inhibitors", "ruxolitinib", "myelofibrosis", "ponatinib", "clinical trials",
                     "data extraction", "provenance"],
        "licenses": [{
            "name": "CC-BY-4.0",
            "path": "https://creativecommons.org/licenses/by/4.0/",
            "title": "Creative Commons Attribution 4.0 (jakdata's curation; quoted source text and the "
                     "seed copies remain under their owners' terms, see the sources table)",
        }],
        "contributors": [{"title": "jakdata curators", "roles": ["creator"]}],
        "citation": CITATION,
        "sources": [entry(r) for r in src.itertuples(index=False)],
        "resources": resources,
    }


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
        csv_rel, pq_rel = f"tables/{name}.csv", f"tables/{name}.parquet"
        write_csv(frames[name], staged / csv_rel)
        write_parquet(frames[name], staged / pq_rel)
        current = root / pq_rel
        if current.is_file():
            try:
                if parquet_content_equal(current, staged / pq_rel):
                    shutil.copyfile(current, staged / pq_rel)
            except Exception:  # an unreadable old file is simply replaced
                pass
        rels += [csv_rel, pq_rel]
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
    if a.read_bytes() == b.read_bytes():
        return False
    if a.suffix == ".parquet":
        try:
            return not parquet_content_equal(a, b)
        except Exception:
            return True
    return a.read_bytes() != b.read_bytes()


def _leftovers(root: Path, rels: list[str]) -> list[str]:
    """Generated-looking files in tables/ and docs/tables/ that the build no longer makes."""
    out = []
    for folder, suffixes in (("tables", (".csv", ".parquet")), ("docs/tables", (".md",))):
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
                raise BuildError([Problem("build", "write_outside", "refusing to write outside the package",
                                          value=rel)])
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(staged / rel), str(target))
        for rel in leftovers:
            (root / rel).unlink()
        return BuildResult(changed + leftovers, [], [])
