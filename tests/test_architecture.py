"""The structure the redesign promises: one-way imports, tables that own their behaviour, one CSV scanner."""

from __future__ import annotations

import ast
import dataclasses
import doctest
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import jakdata
from jakdata import reading, validation
from jakdata.catalog import TABLES, CatalogError, check_catalog
from jakdata.errors import InputError

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "src" / "jakdata"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """jakdata modules a module imports anywhere in its body (lazy imports inside functions too)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("jakdata"):
                out.add(target)
                out |= {f"{target}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("jakdata")}
    return out


def test_no_module_imports_one_that_imports_it_back():
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {m: {t for t in _imports(p) if t in modules and t != m} for m, p in modules.items()}
    # a package's __init__ importing its own submodules is how it assembles them, not a cycle
    for m in graph:
        graph[m] = {t for t in graph[m] if not (t.startswith(m + ".") and modules[m].name == "__init__.py")}

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            m = todo.pop()
            if m == goal:
                return True
            if m not in seen:
                seen.add(m)
                todo += graph.get(m, ())
        return False

    cycles = sorted((a, b) for a, targets in graph.items() for b in targets if reaches(b, a))
    assert cycles == []


def test_no_table_name_is_written_outside_the_catalog():
    """Table names appear only in the catalog and in per-table views (figures, examples in docstrings)."""
    allowed = {"plot.py"}  # each figure is a view of one table
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if "catalog" in path.parts or path.name in allowed:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        # a dict key or subscript such as info["sources"] names a field of a record, not a table
        keys = {id(k) for n in ast.walk(tree) if isinstance(n, ast.Dict) for k in n.keys}
        keys |= {id(n.slice) for n in ast.walk(tree) if isinstance(n, ast.Subscript)}
        # a set literal of property names (diff's Data Package properties: "sources", "title", …)
        keys |= {id(e) for n in ast.walk(tree) if isinstance(n, ast.Set) for e in n.elts}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and node.value in TABLES and id(node) not in keys:
                offenders.append(f"{path.name}:{node.lineno} {node.value!r}")
    assert offenders == []


def test_the_catalog_refuses_a_foreign_key_that_points_forward():
    tables = list(TABLES.values())
    moved = [tables[3]] + tables[:3] + tables[4:]  # jump_predictors before studies and sources
    with pytest.raises(CatalogError, match="must point to a table defined before it"):
        check_catalog(tuple(moved))
    broken = dataclasses.replace(TABLES["drugs"], primary_key="no_such_field")
    with pytest.raises(CatalogError, match="names no field 'no_such_field'"):
        check_catalog(tuple(broken if t.name == "drugs" else t for t in tables))


def test_the_api_docstrings_run():
    result = doctest.testmod(sys.modules["jakdata.load"], optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 5 and result.failed == 0


def test_the_api_says_what_is_wrong_with_its_arguments():
    with pytest.raises(TypeError, match="pandas DataFrame"):
        jakdata.validate("file.csv", "drugs")
    with pytest.raises(ValueError, match="unknown table 'drug'"):
        jakdata.load("drug")
    with pytest.raises(ValueError, match="format must be one of"):
        jakdata.load("drugs", "xlsx")
    with pytest.raises(TypeError, match="table name is a string"):
        jakdata.describe(3)


NEW_STUDY = '''
"""A study added by a test: its table and nothing else."""

from ..fields import Field, ForeignKey, Provenance, Table
from .common import ID_PATTERN, quote, source_id

HEADLINES = Table(
    name="headlines",
    title="Headlines of the seeds",
    description="One row per headline.",
    kind="extracted",
    fields=(
        Field("headline_id", "string", "Row identifier.", required=True, unique=True, pattern=ID_PATTERN),
        Field("headline", "string", "The headline, verbatim.", required=True, verbatim=True, evidence="quote"),
        source_id(),
        quote(),
    ),
    primary_key="headline_id",
    foreign_keys=(ForeignKey("source_id", "sources", "source_id"),),
    provenance=(Provenance("quote"),),
)

ORDER = 70
TABLES = (HEADLINES,)
'''

NEW_ROW = '''[[row]]
headline_id = "nci"
headline = "New Drug Shows Promise"
source_id = "nci_ponatinib"
quote = "New Drug Shows Promise against Drug-Resistant Leukemias"
'''


def test_a_new_table_needs_only_its_definition_and_its_rows(tmp_path):
    """In a copy of the checkout: add one study module and one curated row, then build, validate, load."""
    root = tmp_path / "repo"
    shutil.copytree(REPO / "src", root / "src", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("datapackage.json", "README.md", "pyproject.toml"):
        shutil.copy2(REPO / name, root / name)
    for folder in ("tables", "seeds", "docs"):
        shutil.copytree(REPO / folder, root / folder)
    (root / "src/jakdata/catalog/headlines.py").write_text(NEW_STUDY, encoding="utf-8")
    (root / "src/jakdata/curated/headlines.toml").write_text(NEW_ROW, encoding="utf-8")
    env = {"PYTHONPATH": str(root / "src"), "PATH": "/usr/bin:/bin"}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, *args], cwd=root, capture_output=True, text=True, env=env,
                              timeout=300)

    built = run("-m", "jakdata", "build", "--root", str(root))
    assert built.returncode == 0, built.stdout + built.stderr
    assert (root / "tables/headlines.csv").is_file() and (root / "tables/headlines.parquet").is_file()
    checked = run("-m", "jakdata", "validate", str(root))
    assert checked.returncode == 0 and "headlines" in checked.stdout, checked.stdout + checked.stderr
    loaded = run("-c", "import jakdata; df = jakdata.load('headlines'); "
                       "q = jakdata.load('quote_locations'); print('headlines' in jakdata.tables(), len(df), "
                       "(q['table_name'] == 'headlines').sum(), df.loc[0, 'headline'])")
    # the new table is published, loaded, and its quote located like every other
    # (its quote's span occurs three times in the seed: title, front matter and heading)
    assert loaded.stdout.split() == ["True", "1", "3", "New", "Drug", "Shows", "Promise"], loaded.stderr


MALFORMED = {
    "ragged_after_multiline_cell": 'predictor_id,study_id\n"a\nb",x\nc\n',
    "unterminated_quote": 'predictor_id,study_id\na,"never closed\n',
    "duplicate_header": "predictor_id,predictor_id\na,b\n",
    "wrong_delimiter": "predictor_id;study_id\na;b\n",
    "empty": "\n\n",
    "nul": "predictor_id,study_id\na,\x00\n",
    "bom_and_crlf": "\ufeffpredictor_id,study_id\r\na,b\r\n",
}


def _outcome(path: Path):
    try:
        return sorted((p.check, p.row, p.column, p.message) for p in validation.validate_file(path, "jump_predictors"))
    except InputError as exc:
        return f"InputError: {exc}"


@pytest.mark.parametrize("name", list(MALFORMED))
def test_small_and_chunked_paths_report_the_same(tmp_path, monkeypatch, name):
    path = tmp_path / f"{name}.csv"
    path.write_bytes(MALFORMED[name].encode("utf-8"))
    whole = _outcome(path)
    monkeypatch.setattr(reading, "LARGE_CSV_BYTES", 1)
    monkeypatch.setattr(reading, "CHUNK_ROWS", 1)
    assert _outcome(path) == whole
    if name == "ragged_after_multiline_cell":
        assert "row 3 (line 4) has 1 field(s)" in whole


def test_large_files_are_checked_in_chunks_with_the_same_result(tmp_path, monkeypatch):
    """Chunked validation (for big CSVs) reports what whole-file validation reports."""
    df = jakdata.load("switching_cohort_counts").astype("object")
    df.loc[7, "count_id"] = df.loc[1, "count_id"]      # duplicate key in another chunk
    df.loc[1, "count"] = 77                            # a part in chunk 1, its total (row 4) in chunk 2
    df.loc[12, "quote"] = "not in the seed"            # row-local provenance
    path = tmp_path / "counts.csv"
    df.to_csv(path, index=False, lineterminator="\n")
    seeds = validation.installed_seeds()
    whole = validation.validate_file(path, "switching_cohort_counts", seeds)
    monkeypatch.setattr(reading, "LARGE_CSV_BYTES", 1)
    monkeypatch.setattr(reading, "CHUNK_ROWS", 4)
    chunked = validation.validate_file(path, "switching_cohort_counts", seeds)
    key = lambda p: (p.check, p.row, p.column, p.key, p.message)  # noqa: E731
    assert sorted(map(key, chunked)) == sorted(map(key, whole))
    assert {"unique", "quote_in_seed", "parts_add_up"} <= {p.check for p in chunked}
