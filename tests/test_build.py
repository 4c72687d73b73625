"""Build: deterministic, atomic on failure, and `--check` names stale files."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from jakdata.build import build


def digests(root: Path) -> dict[str, str]:
    files = [root / "datapackage.json", root / "README.md", *sorted((root / "tables").iterdir()),
             *sorted((root / "docs" / "tables").iterdir())]
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def curated(root: Path) -> Path:
    return root / "src" / "jakdata" / "curated"


def test_committed_files_are_current(repo):
    result = build(repo, check=True, curated=curated(repo))
    assert result.problems == [] and result.stale == []


def test_building_twice_changes_nothing(checkout):
    before = digests(checkout)
    first = build(checkout, curated=curated(checkout))
    assert first.problems == [] and first.written == []
    assert digests(checkout) == before
    second = build(checkout, curated=curated(checkout))
    assert second.written == [] and digests(checkout) == before


def test_build_restores_a_deleted_or_edited_output(checkout):
    (checkout / "tables" / "studies.csv").unlink()
    (checkout / "tables" / "drugs.csv").write_text("drug_id\nx\n", encoding="utf-8")
    stale = build(checkout, check=True, curated=curated(checkout)).stale
    assert {"tables/studies.csv", "tables/drugs.csv"} <= set(stale)
    build(checkout, curated=curated(checkout))
    assert build(checkout, check=True, curated=curated(checkout)).stale == []


def test_check_names_a_stale_readme_and_leftover_files(checkout):
    readme = checkout / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8").replace("| 3 | extracted |", "| 4 | extracted |"),
                      encoding="utf-8")
    (checkout / "tables" / "old_table.csv").write_text("a\n1\n", encoding="utf-8")
    stale = build(checkout, check=True, curated=curated(checkout)).stale
    assert "README.md" in stale and "tables/old_table.csv" in stale


def test_a_failing_build_leaves_previous_outputs_untouched(checkout):
    before = digests(checkout)
    path = curated(checkout) / "jump_predictors.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("adjusted_or = 0.65", "adjusted_or = 0.75"),
                    encoding="utf-8")
    result = build(checkout, curated=curated(checkout))
    assert result.problems and result.written == []
    assert {p.check for p in result.problems} >= {"estimate_at_log_midpoint", "value_in_quote"}
    assert digests(checkout) == before
    assert not list(checkout.glob(".jakdata-build-*"))


def test_curated_typo_in_field_name_is_reported(checkout):
    path = curated(checkout) / "studies.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('phase = "IIIb"', 'phaze = "IIIb"'), encoding="utf-8")
    result = build(checkout, curated=curated(checkout))
    assert any(p.check == "curated_field" and p.column == "phaze" for p in result.problems)


def test_parquet_with_equal_content_is_kept_byte_for_byte(checkout):
    """A Parquet file written by another pyarrow version is not rewritten when its content is equal."""
    import pyarrow.parquet as pq

    path = checkout / "tables" / "drugs.parquet"
    table = pq.read_table(path)
    pq.write_table(table, path, compression="gzip")  # same content, different bytes
    rewritten = path.read_bytes()
    stale = build(checkout, check=True, curated=curated(checkout)).stale
    assert "tables/drugs.parquet" not in stale
    # the descriptor's hash is of the old bytes, so it (and only it) is stale
    assert "datapackage.json" in stale
    build(checkout, curated=curated(checkout))
    assert path.read_bytes() == rewritten
    desc = json.loads((checkout / "datapackage.json").read_text(encoding="utf-8"))
    res = next(r for r in desc["resources"] if r["name"] == "drugs-parquet")
    assert res["hash"] == "sha256:" + hashlib.sha256(rewritten).hexdigest()


def test_descriptor_is_a_v2_data_package(repo):
    desc = json.loads((repo / "datapackage.json").read_text(encoding="utf-8"))
    import jakdata

    assert desc["$schema"].endswith("/2.0/datapackage.json")
    assert desc["version"] == jakdata.__version__
    names = [r["name"] for r in desc["resources"]]
    assert names[:2] == ["sources", "sources-parquet"]
    for res in desc["resources"]:
        assert res["hash"].startswith("sha256:")
        assert res["path"] == f"tables/{res['name'].removesuffix('-parquet')}.{res['format']}"
        if res["format"] == "csv":
            assert res["bytes"] == (repo / res["path"]).stat().st_size
            assert res["encoding"] == "utf-8"
        for field in res["schema"]["fields"]:
            if "categories" in field:
                assert field["constraints"]["enum"] == field["categories"]


@pytest.mark.parametrize("name", ["jump_predictors", "sources"])
def test_csv_format_rules(repo, name):
    data = (repo / "tables" / f"{name}.csv").read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data and data.endswith(b"\n")
