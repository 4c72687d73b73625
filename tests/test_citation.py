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


# -- a parser for the YAML subset CITATION.cff uses --------------------------------------------
# Top-level `key: scalar`, `key:` followed by `- scalar` items or `- key: scalar` mappings
# (continued by deeper-indented `key: scalar` lines), comments and blank lines. Anything else
# is an error, so the file cannot drift into YAML this parser would misread.

def _scalar(text: str):
    text = text.strip()
    if text.startswith('"'):
        if not (len(text) >= 2 and text.endswith('"')):
            raise ValueError(f"unterminated string: {text}")
        return json.loads(text)  # a double-quoted YAML string with JSON escapes only
    if text.startswith("'"):
        if not (len(text) >= 2 and text.endswith("'")):
            raise ValueError(f"unterminated string: {text}")
        return text[1:-1].replace("''", "'")
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if text in ("true", "false"):
        return text == "true"
    if text in ("", "~", "null"):
        return None
    if any(c in text for c in ":#[]{}&*!|>%@`") or text.startswith("- "):
        raise ValueError(f"plain scalar this parser will not guess at: {text!r}")
    return text


def parse_cff(text: str) -> dict:
    data: dict = {}
    key = None
    item = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if "\t" in raw:
            raise ValueError(f"line {number}: tab")
        indent = len(line) - len(line.lstrip(" "))
        body = line.strip()
        if indent == 0:
            m = re.fullmatch(r"([A-Za-z][A-Za-z0-9-]*):(?: (.*))?", body)
            if not m:
                raise ValueError(f"line {number}: not `key: value`: {raw!r}")
            key, value = m.group(1), m.group(2)
            if key in data:
                raise ValueError(f"line {number}: duplicate key {key}")
            data[key] = _scalar(value) if value is not None else []
            item = None
        elif body.startswith("- "):
            if key is None or not isinstance(data[key], list):
                raise ValueError(f"line {number}: list item outside a list")
            rest = body[2:]
            m = re.fullmatch(r"([A-Za-z][A-Za-z0-9-]*): (.*)", rest)
            if m and not rest.startswith(('"', "'")):
                item = {m.group(1): _scalar(m.group(2))}
                data[key].append(item)
            else:
                item = None
                data[key].append(_scalar(rest))
        else:
            m = re.fullmatch(r"([A-Za-z][A-Za-z0-9-]*): (.*)", body)
            if item is None or not m:
                raise ValueError(f"line {number}: unexpected indentation: {raw!r}")
            item[m.group(1)] = _scalar(m.group(2))
    return data


@pytest.fixture(scope="module")
def cff() -> dict:
    return parse_cff((REPO / "CITATION.cff").read_text(encoding="utf-8"))


def test_parser_reads_what_it_should_and_refuses_the_rest():
    doc = parse_cff('a: "x: y"\nb:\n  - name: "n"\n    email: e\nc:\n  - "k"\n  - plain\nd: 3\n')
    assert doc == {"a": "x: y", "b": [{"name": "n", "email": "e"}], "c": ["k", "plain"], "d": 3}
    for bad in ("a: b: c\n", "  x: 1\n", "a: [1, 2]\n", "a: 1\na: 2\n", 'a: "open\n'):
        with pytest.raises(ValueError):
            parse_cff(bad)


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


def test_cff_agrees_with_pyyaml_where_it_is_installed(cff):
    yaml = pytest.importorskip("yaml")  # not a dependency; frictionless brings it in practice
    loaded = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    assert loaded == cff


def _changelog() -> str:
    return (REPO / "CHANGELOG.md").read_text(encoding="utf-8")


def test_changelog_states_the_versioning_rule():
    text = _changelog()
    assert "Keep a Changelog" in text and "## [Unreleased]" in text
    rule = re.sub(r"\s+", " ", text)
    assert re.search(r"MAJOR\*\* for a schema change", rule)
    assert re.search(r"MINOR\*\* for added data", rule)
    assert re.search(r"PATCH\*\* for a data fix", rule)


def test_changelog_has_an_entry_for_this_release_listing_the_tables():
    text = _changelog()
    heading = f"## [{jakdata.__version__}] - {__about__.RELEASE_DATE}"
    assert heading in text
    entry = text.split(heading, 1)[1].split("\n## ", 1)[0]
    for name in TABLES:
        assert f"`{name}`" in entry, name
    versions = re.findall(r"^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})$", text, flags=re.M)
    assert versions and versions[0] == (jakdata.__version__, __about__.RELEASE_DATE)  # newest first
