"""`jakdata diff`: each kind of change on a modified copy of the package is reported and classified
by the CHANGELOG's SemVer rule; `--check-version` fails an unbumped version; bad sides exit 2.

Most cases run the CLI's own `main` in-process on copies of the package in a temporary
directory; the git cases build their own small repository, so they hold in any checkout state.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from jakdata.cli import main
from jakdata.diff_version import check

REPO = Path(__file__).resolve().parents[1]


def copy_package(dest: Path) -> Path:
    """What a user downloads (datapackage.json, tables/, seeds/), copied into `dest`."""
    dest.mkdir(parents=True)
    shutil.copy2(REPO / "datapackage.json", dest / "datapackage.json")
    shutil.copytree(REPO / "tables", dest / "tables")
    shutil.copytree(REPO / "seeds", dest / "seeds")
    return dest


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """A pristine copy of the package, shared by the module's tests and never modified."""
    return copy_package(tmp_path_factory.mktemp("diff") / "old")


@pytest.fixture
def new(base, tmp_path) -> Path:
    """A writable copy of `base` to modify."""
    return Path(shutil.copytree(base, tmp_path / "new"))


def run(*args: str) -> tuple[int, str, str]:
    """`jakdata ARGS` through the CLI's `main`: exit status, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def report(old: Path, new: Path) -> dict:
    code, out, err = run("diff", str(old), str(new), "--format", "json")
    assert code == 0 and err == "", err
    return json.loads(out)


def changes(doc: dict) -> list[tuple[str, str, str | None, str]]:
    return [(c["bump"], c["kind"], c["table"], c["message"]) for c in doc["changes"]]


class Descriptor:
    """Edit a copy's datapackage.json in a `with` block; written back on leaving."""

    def __init__(self, pkg: Path):
        self.path = pkg / "datapackage.json"

    def __enter__(self):
        self.doc = json.loads(self.path.read_text(encoding="utf-8"))
        return self

    def __exit__(self, *exc):
        if exc[0] is None:
            self.path.write_text(json.dumps(self.doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    def resource(self, name: str) -> dict:
        return next(r for r in self.doc["resources"] if r["name"] == name)

    def field(self, table: str, name: str) -> dict:
        return next(f for f in self.resource(table)["schema"]["fields"] if f["name"] == name)


def edit_rows(pkg: Path, table: str, edit) -> None:
    """Rewrite tables/TABLE.csv after `edit(rows)` changed its list of rows (header first)."""
    path = pkg / "tables" / f"{table}.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    edit(rows)
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def set_cell(pkg: Path, table: str, key: str, column: str, value: str) -> str:
    """Set one cell (row found by its first column); returns the old text."""
    old = []

    def edit(rows):
        j = rows[0].index(column)
        row = next(r for r in rows[1:] if r[0] == key)
        old.append(row[j])
        row[j] = value

    edit_rows(pkg, table, edit)
    return old[0]


def set_version(pkg: Path, version: str) -> None:
    with Descriptor(pkg) as d:
        d.doc["version"] = version


# --- no change -------------------------------------------------------------------------------

def test_identical_copies_diff_to_no_change(base, new):
    code, out, err = run("diff", str(base), str(new / "datapackage.json"), "--check-version", "--exit-code")
    assert (code, err) == (0, "")
    assert out == (f"old: {base} ({base}, version 2.0.0)\n"
                   f"new: {new / 'datapackage.json'} ({new}, version 2.0.0)\n\n"
                   "no change\n\n"
                   "required bump: none; new version 2.0.0 satisfies it (at least 2.0.0)\n")


def test_numbers_compare_as_numbers_not_text(base, new):
    assert set_cell(new, "jump_predictors", "ipss_risk", "adjusted_or", "0.650") == "0.65"
    enrolment = next(r for r in csv.DictReader((base / "tables" / "studies.csv").open(encoding="utf-8"))
                     if r["study_id"] == "jump")["enrolment"]
    set_cell(new, "studies", "jump", "enrolment", "+" + enrolment)
    assert report(base, new)["changes"] == []


def test_the_installed_copy_is_the_published_package():
    code, out, _ = run("diff", "installed", str(REPO), "--exit-code")
    assert code == 0 and "\nno change\n" in out


# --- data changes: PATCH and MINOR -----------------------------------------------------------

def test_value_fixed_is_patch(base, new):
    set_cell(new, "jump_predictors", "ipss_risk", "adjusted_or", "0.66")
    doc = report(base, new)
    assert changes(doc) == [("patch", "values-changed", "jump_predictors",
                             "1 value changed in 1 row (adjusted_or 1)")]
    table = doc["tables"]["jump_predictors"]
    assert table["changed"] == [{"key": {"predictor_id": "ipss_risk"},
                                 "cells": [{"column": "adjusted_or", "old": 0.65, "new": 0.66}]}]
    assert table["changed_values_per_column"] == {"adjusted_or": 1}
    assert (doc["bump"], doc["version_check"]["ok"], doc["version_check"]["minimum"]) == ("patch", False, "2.0.1")


def test_quote_corrected_is_patch_and_shown_old_to_new(base, new):
    old = set_cell(new, "ponatinib_figures", "P01", "quote", "researchers said December 9, 2012.")
    code, out, _ = run("diff", str(base), str(new))
    assert code == 0
    assert ("table ponatinib_figures (key figure_id; 30 → 30 rows)\n"
            "  PATCH  1 value changed in 1 row (quote 1)\n"
            "  ~ figure_id=P01\n"
            f"      quote: {json.dumps(old)} → \"researchers said December 9, 2012.\"\n") in out
    assert out.endswith("required bump: PATCH; new version 2.0.0 does not satisfy it (at least 2.0.1 after 2.0.0)\n")


def test_row_added_is_minor(base, new):
    def add(rows):
        extra = list(rows[1])
        extra[0] = "testinib"
        rows.append(extra)

    edit_rows(new, "drugs", add)
    doc = report(base, new)
    assert changes(doc) == [("minor", "rows-added", "drugs", "1 row added")]
    added = doc["tables"]["drugs"]["added"]
    assert [a["key"] for a in added] == [{"drug_id": "testinib"}] and added[0]["row"]["brand_name"] == "Jakafi"
    assert doc["bump"] == "minor" and doc["version_check"]["minimum"] == "2.1.0"


def test_table_added_is_minor(base, new):
    shutil.copy2(new / "tables" / "drugs.csv", new / "tables" / "drugs_again.csv")
    with Descriptor(new) as d:
        extra = json.loads(json.dumps(d.resource("drugs")))
        extra.update(name="drugs_again", path="tables/drugs_again.csv")
        d.doc["resources"].append(extra)
    doc = report(base, new)
    assert changes(doc) == [("minor", "table-added", "drugs_again", "table added (12 rows)")]
    assert doc["bump"] == "minor"


def test_descriptor_metadata_and_field_description_are_patch(base, new):
    with Descriptor(new) as d:
        d.doc["title"] = "jakdata"
        d.field("drugs", "note")["description"] = "Why."
    assert changes(report(base, new)) == [
        ("patch", "metadata", None, 'package title: "jakdata: hand-extracted clinical study data on JAK and related '
                                    'kinase inhibito… → "jakdata"'),
        ("patch", "field-description", "drugs", 'field note: description "Curator\'s explanation: how a value was '
                                                 'read, inferred or why it is missing." → "Why."'),
    ]


# --- breaking changes: MAJOR -----------------------------------------------------------------

def test_row_removed_is_major(base, new):
    edit_rows(new, "drugs", lambda rows: rows.pop(3))
    doc = report(base, new)
    assert changes(doc) == [("major", "rows-removed", "drugs", "1 row removed")]
    assert [r["key"] for r in doc["tables"]["drugs"]["removed"]] == [{"drug_id": "baricitinib"}]


def test_column_added_is_major(base, new):
    def add(rows):
        rows[0].append("score")
        for r in rows[1:]:
            r.append("1.5")

    edit_rows(new, "molecular_predictors", add)
    with Descriptor(new) as d:
        d.resource("molecular_predictors")["schema"]["fields"].append(
            {"name": "score", "type": "number", "description": "A score."})
    doc = report(base, new)
    assert changes(doc) == [("major", "field-added", "molecular_predictors", "field added: score (number)")]
    assert doc["tables"]["molecular_predictors"]["changed"] == []


def test_unit_changed_is_major(base, new):
    with Descriptor(new) as d:
        d.field("jump_predictors", "response_pct_1")["unit"] = "fraction"
    assert changes(report(base, new)) == [
        ("major", "field-unit", "jump_predictors", 'field response_pct_1: unit "percent" → "fraction"')]


def test_enum_value_removed_is_major_and_told_once(base, new):
    with Descriptor(new) as d:
        phase = d.field("studies", "phase")
        phase["constraints"]["enum"].remove("III")
        phase["categories"].remove("III")  # the build mirrors the enum in `categories`
    assert changes(report(base, new)) == [
        ("major", "field-enum", "studies", 'field phase: enum value removed: "III"')]


def test_primary_key_changed_is_major_rows_matched_on_the_new_key(base, new):
    with Descriptor(new) as d:
        d.resource("source_issues")["schema"]["primaryKey"] = ["issue_id", "source_id"]
    doc = report(base, new)
    assert changes(doc) == [("major", "primary-key", "source_issues",
                             "primary key (issue_id) → (issue_id, source_id)")]
    table = doc["tables"]["source_issues"]
    assert table["note"] == "rows matched on (issue_id, source_id), as the primary key changed"
    assert (table["rows_added"], table["rows_removed"], table["rows_changed"]) == (0, 0, 0)


def test_unique_keys_added_is_major(base, new):
    with Descriptor(new) as d:
        d.resource("drugs")["schema"]["uniqueKeys"] = [["name"]]
    assert changes(report(base, new)) == [("major", "unique-keys", "drugs", "unique key added: (name)")]


def test_renamed_column_is_a_flagged_guess(base, new):
    edit_rows(new, "drugs", lambda rows: rows[0].__setitem__(rows[0].index("note"), "curator_note"))
    with Descriptor(new) as d:
        d.field("drugs", "note")["name"] = "curator_note"
    doc = report(base, new)
    assert changes(doc) == [("major", "field-renamed", "drugs",
                             "field renamed (a guess): note → curator_note")]
    assert doc["changes"][0]["guess"] is True and doc["tables"]["drugs"]["changed"] == []


def test_type_changed_is_major_and_equal_values_stay_equal(base, new):
    with Descriptor(new) as d:
        d.field("studies", "enrolment")["type"] = "number"
    assert changes(report(base, new)) == [("major", "field-type", "studies",
                                           'field enrolment: type "integer" → "number"')]


def test_without_a_primary_key_rows_are_matched_whole(base, new, tmp_path):
    old = Path(shutil.copytree(base, tmp_path / "old"))
    for pkg in (old, new):
        with Descriptor(pkg) as d:
            del d.resource("drugs")["schema"]["primaryKey"]
    set_cell(new, "drugs", "imatinib", "brand_name", "Glivec")
    doc = report(old, new)
    assert changes(doc) == [("major", "rows-removed", "drugs", "1 row removed"),
                            ("minor", "rows-added", "drugs", "1 row added")]
    table = doc["tables"]["drugs"]
    assert table["note"] == "neither side declares a primary key: rows matched on the values of every common column"
    assert [r["row"]["brand_name"] for r in table["removed"] + table["added"]] == ["Gleevec", "Glivec"]


def test_check_version_fails_until_the_bump_is_big_enough(base, new):
    with Descriptor(new) as d:
        d.field("jump_predictors", "response_pct_1")["unit"] = "fraction"
    for version, code in (("2.0.0", 1), ("2.1.0", 1), ("3.0.0-rc.1", 0), ("3.0.0", 0)):
        set_version(new, version)
        got, out, _ = run("diff", str(base), str(new), "--check-version")
        assert got == code, version
    assert out.endswith("required bump: MAJOR; new version 3.0.0 satisfies it (at least 3.0.0 after 2.0.0)\n")
    assert run("diff", str(base), str(new))[0] == 0  # without --check-version a change is not a failure
    assert run("diff", str(base), str(new), "--exit-code")[0] == 1


def test_version_rule():
    assert check("1.0.0", "0.9.0", "none").reason == "new version 0.9.0 is lower than the old version 1.0.0"
    assert check("1.0.0", "0.9.0", "none").ok is False
    assert check("1.2.3", "1.2.4", "patch").ok and not check("1.2.3", "1.2.4", "minor").ok
    assert check("2.0.0-rc.1", "2.0.0", "major").ok and not check("2.0.0-rc.2", "2.0.0-rc.1", "patch").ok
    assert check("1.0.0", "1.0", "none").reason == "cannot check: the new side version '1.0' is not a SemVer version"


# --- output formats --------------------------------------------------------------------------

def test_markdown_for_a_pull_request_comment(base, new):
    old = set_cell(new, "ponatinib_figures", "P01", "note", "a | b `c` *d*")
    code, out, _ = run("diff", str(base), str(new), "--format", "markdown")
    assert code == 0
    assert out.startswith("### jakdata diff: PATCH change\n\n")
    assert "❌ **required bump: PATCH; new version 2.0.0 does not satisfy it (at least 2.0.1 after 2.0.0)**" in out
    assert "| PATCH | ponatinib\\_figures | 1 value changed in 1 row (note 1) |" in out
    assert "<details><summary><code>ponatinib_figures</code> (key figure_id): rows 1 changed</summary>" in out
    assert f"| figure\\_id=P01 | note | `{old}` | ``a \\| b `c` *d*`` |" in out  # code spans: shown as is


def test_max_rows_lists_fewer_rows_and_keeps_the_counts(base, new):
    edit_rows(new, "source_issues", lambda rows: rows.__delitem__(slice(1, 4)))
    code, out, _ = run("diff", str(base), str(new), "--max-rows", "1")
    assert code == 0 and "  MAJOR  3 rows removed\n" in out and "  … and 2 more rows removed\n" in out
    doc = json.loads(run("diff", str(base), str(new), "--format", "json", "--max-rows", "0")[1])
    assert doc["tables"]["source_issues"]["rows_removed"] == 3 and doc["tables"]["source_issues"]["removed"] == []


# --- bad input -------------------------------------------------------------------------------

@pytest.mark.parametrize("path, message", [
    ("../drugs.csv", "resource 'drugs' path '../drugs.csv' leaves the package (`..`)"),
    ("/etc/passwd", "resource 'drugs' path '/etc/passwd' is not a relative POSIX path inside the package"),
    ("https://example.org/drugs.csv", "resource 'drugs' path 'https://example.org/drugs.csv' is a URL; "
                                      "diff reads only files inside the package"),
])
def test_paths_outside_the_package_are_refused(base, new, path, message):
    with Descriptor(new) as d:
        d.resource("drugs")["path"] = path
    assert run("diff", str(base), str(new)) == (2, "", f"jakdata: error: {new}: {message}\n")


def test_bad_cells_and_files_exit_2(base, new, tmp_path):
    set_cell(new, "studies", "jump", "enrolment", "many")
    assert run("diff", str(base), str(new)) == (
        2, "", f"jakdata: error: {new}: tables/studies.csv, line 2, column enrolment: 'many' is not a valid integer\n")
    (new / "datapackage.json").write_text("{", encoding="utf-8")
    assert run("diff", str(base), str(new))[2] == (
        f"jakdata: error: {new}: datapackage.json is not valid JSON: Expecting property name enclosed in double "
        "quotes at line 1, column 2\n")
    missing = tmp_path / "nowhere"
    assert run("diff", str(base), str(missing)) == (
        2, "", f"jakdata: error: {missing}: no such file or directory (give a datapackage.json, its directory, "
               "`installed` or git:REV)\n")
    assert run("diff", str(base), str(base), "--max-rows", "-1") == (
        2, "", "jakdata: error: --max-rows must be 0 or more\n")


def test_duplicate_primary_key_exits_2(base, new):
    edit_rows(new, "drugs", lambda rows: rows.append(list(rows[1])))
    assert run("diff", str(base), str(new)) == (
        2, "", f"jakdata: error: {new}: table drugs: primary key (drug_id) value (ruxolitinib) is on more than "
               "one row\n")


def test_unreadable_version_with_check_version_exits_2(base, new):
    set_version(new, "two")
    code, out, err = run("diff", str(base), str(new), "--check-version")
    assert (code, err) == (2, "jakdata: error: --check-version: cannot check: the new side version 'two' is not a "
                              "SemVer version\n")
    assert "\nno change\n" in out


# --- git revisions ---------------------------------------------------------------------------

def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=repo,
                          check=True, capture_output=True, text=True).stdout


@pytest.fixture
def git_repo(base, tmp_path) -> Path:
    """A new git repository with the package in `data/` and one commit; returns `data/`."""
    if shutil.which("git") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("git is needed in CI")
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    shutil.copytree(base, repo / "data")
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "package")
    return repo / "data"


def test_git_head_against_a_clean_tree_is_no_change(git_repo, monkeypatch):
    monkeypatch.chdir(git_repo)
    code, out, err = run("diff", "git:HEAD", ".", "--check-version")
    commit = _git(git_repo, "rev-parse", "HEAD").strip()
    assert (code, err) == (0, "")
    assert out.startswith(f"old: git:HEAD (commit {commit[:12]}, version 2.0.0)\nnew: . ({git_repo}, version 2.0.0)\n\n"
                          "no change\n")


def test_git_revision_is_read_without_touching_the_work_tree(git_repo, monkeypatch):
    set_cell(git_repo, "drugs", "ruxolitinib", "brand_name", "Jakavi")
    status = _git(git_repo, "status", "--porcelain")
    index = (git_repo.parent / ".git" / "index").stat().st_mtime_ns
    monkeypatch.chdir(git_repo)
    doc = json.loads(run("diff", "git:HEAD", ".", "--format", "json")[1])
    assert changes(doc) == [("patch", "values-changed", "drugs", "1 value changed in 1 row (brand_name 1)")]
    assert (git_repo.parent / ".git" / "index").stat().st_mtime_ns == index
    assert _git(git_repo, "status", "--porcelain") == status == " M data/tables/drugs.csv\n"


def test_git_errors_exit_2(git_repo, tmp_path, monkeypatch):
    monkeypatch.chdir(git_repo)
    assert run("diff", "git:nope", ".") == (
        2, "", "jakdata: error: git:nope: no commit 'nope' in this repository (a shallow clone may lack it: "
               "git fetch --unshallow)\n")
    assert run("diff", "git:--all", ".")[2] == "jakdata: error: git:--all: '--all' is not a git revision\n"
    elsewhere = tmp_path / "not-a-repo"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    assert run("diff", "git:HEAD", str(git_repo))[2] == (
        f"jakdata: error: git:HEAD: {elsewhere} is not inside a git repository\n")


def test_console_entry_point_git_head(git_repo):
    out = subprocess.run([sys.executable, "-m", "jakdata", "diff", "git:HEAD", "."], cwd=git_repo,
                         capture_output=True, text=True, timeout=60)
    assert (out.returncode, out.stderr) == (0, "") and "\nno change\n" in out.stdout


# --- the release record CI checks against -----------------------------------------------------

def test_last_release_record_names_a_released_version():
    record = json.loads((REPO / ".ci" / "last-release.json").read_text(encoding="utf-8"))
    assert re.fullmatch(r"\d+\.\d+\.\d+", record["version"]) and re.fullmatch(r"[0-9a-f]{40}", record["commit"])
    shown = subprocess.run(["git", "show", f"{record['commit']}:datapackage.json"], cwd=REPO, capture_output=True)
    if shown.returncode != 0:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI clones the full history, but commit {record['commit']} is not in it")
        pytest.skip(f"this checkout has no git history holding the release commit {record['commit'][:12]}")
    assert json.loads(shown.stdout)["version"] == record["version"]
