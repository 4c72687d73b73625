"""CITATION.cff and CHANGELOG.md agree with the package's version and release date."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

import jakdata
from jakdata import __about__
from jakdata.catalog import TABLES

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def cff() -> dict:
    import yaml  # PyYAML, from the test extra: a well-kept parser rather than one of our own

    return yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))


def test_cff_has_the_required_keys_and_valid_values(cff):
    assert cff["cff-version"] == "1.2.0"
    for key in ("message", "title", "abstract"):
        assert isinstance(cff[key], str) and cff[key].strip(), key
    assert cff["title"] == __about__.TITLE
    assert cff["type"] in ("software", "dataset")
    assert cff["license"] == "MIT"
    assert cff["authors"] == [{"name": "jakdata curators"}]
    assert isinstance(cff["keywords"], list) and cff["keywords"]
    assert all(isinstance(k, str) and k.strip() for k in cff["keywords"])
    allowed = {"cff-version", "message", "type", "title", "version", "date-released", "authors", "license",
               "abstract", "keywords", "repository-code", "url", "doi", "identifiers", "references",
               "preferred-citation", "contact", "commit", "license-url", "repository", "repository-artifact"}
    assert set(cff) <= allowed, set(cff) - allowed


def test_cff_version_and_date_match_the_package(cff, repo):
    descriptor = json.loads((repo / "datapackage.json").read_text(encoding="utf-8"))
    assert isinstance(cff["version"], str)
    assert cff["version"] == jakdata.__version__ == descriptor["version"]
    assert isinstance(cff["date-released"], str)
    assert dt.date.fromisoformat(cff["date-released"]).isoformat() == cff["date-released"]
    assert cff["date-released"] == __about__.RELEASE_DATE == descriptor["created"][:10]


def _changelog() -> str:
    return (REPO / "CHANGELOG.md").read_text(encoding="utf-8")


def test_changelog_states_the_versioning_rule():
    text = _changelog()
    assert "Keep a Changelog" in text and "## [Unreleased]" in text
    rule = re.sub(r"\s+", " ", text)
    assert re.search(r"MAJOR\*\* for a schema change", rule)
    assert re.search(r"MINOR\*\* for added data", rule)
    assert re.search(r"PATCH\*\* for a data fix", rule)


def test_changelog_has_an_entry_for_this_release_and_names_every_table_in_a_release():
    text = _changelog()
    heading = f"## [{jakdata.__version__}] - {__about__.RELEASE_DATE}"
    assert heading in text
    released = text.split(heading, 1)[1]  # this release and every earlier one
    for name in TABLES:
        assert f"`{name}`" in released, f"{name} is not named by any released CHANGELOG entry"
    versions = re.findall(r"^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})$", text, flags=re.M)
    assert versions and versions[0] == (jakdata.__version__, __about__.RELEASE_DATE)  # newest first
