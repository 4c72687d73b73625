"""A validator for people and for CI (issue 13): reports, forgiving input, CI formats, hook, action, schemas.

Each friction item of the issue has a test here; message texts that are part of the contract
are asserted exactly. Every report format is parsed back and compared with the JSON report.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import jakdata
from jakdata import cli
from jakdata.catalog import TABLES

REPO = Path(__file__).resolve().parents[1]
JP = "jump_predictors"
PUBLISHED = REPO / "tables" / f"{JP}.csv"


def rows_of(path: Path = PUBLISHED) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def write_rows(path: Path, rows: list[list[str]], newline: str = "\n") -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator=newline).writerows(rows)
    return path


def run(capsys, *args: str) -> tuple[int, str, str]:
    """The CLI in this process (fast): exit status, stdout, stderr."""
    code = cli.main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def edited(path: Path, **cells: tuple[int, str]) -> Path:
    """The published jump_predictors CSV with cells replaced: column=(0-based data row, text)."""
    rows = rows_of()
    header = rows[0]
    for column, (i, text) in cells.items():
        rows[1 + i][header.index(column)] = text
    return write_rows(path, rows)


# ----------------------------------------------------------------------------- reports people can act on

@pytest.fixture(scope="module")
def bad_file(tmp_path_factory) -> Path:
    """Three rows, each wrong differently; row 2's note spans two lines, so row 3 starts on line 5."""
    rows = rows_of()
    h = rows[0]
    rows[1][h.index("note")] = "first line\nsecond line"
    rows[2][h.index("ci_lower")], rows[2][h.index("ci_upper")] = "0.70", "0.68"
    rows[2][h.index("predictor_id")] = "bad:id,50%"
    rows[3][h.index("response_pct_1")] = "forty"
    rows[3][h.index("direction_basis")] = "guessed"
    return write_rows(tmp_path_factory.mktemp("bad") / "mine,v1:b%.csv", rows)  # properties need escaping


@pytest.fixture(scope="module")
def reports(bad_file) -> dict[str, str]:
    """The bad file's report in every format (one in-process run each)."""
    out = {}
    for fmt in ("json", "text", "github", "junit", "sarif", "markdown"):
        buf = io.StringIO()
        stdout, sys.stdout = sys.stdout, buf
        try:
            code = cli.main(["validate", "--table", JP, str(bad_file), "--format", fmt])
        finally:
            sys.stdout = stdout
        assert code == 1, fmt
        out[fmt] = buf.getvalue()
    return out


def test_report_says_what_is_wrong_in_plain_words(reports, bad_file):
    problems = json.loads(reports["json"])["problems"]
    by_check = {p["check"]: p for p in problems}
    assert by_check["ci_ordered"]["message"] == "lower bound 0.70 is not below upper bound 0.68"  # as written
    assert by_check["ci_ordered"]["value"] == "ci_lower=0.70; ci_upper=0.68"
    assert by_check["pattern"]["message"] == ("'bad:id,50%' does not have the required form: a lower-case letter, "
                                              "then lower-case letters, digits or underscores (such as ipss_risk)")
    assert by_check["type"]["message"] == "'forty' cannot be read as a number"
    assert by_check["enum"]["message"] == "'guessed' is not an allowed value; allowed: stated, inferred"
    text = reports["text"]
    assert "str_matches" not in text and "greater_than" not in text and "\\d" not in text  # no pandera, no regex
    first = text.splitlines()[0]
    assert first.startswith(f"invalid: {len(problems)} problem(s) in 1 table(s) in {bad_file}; 2 rows affected; ")


def test_problems_ordered_by_row_with_physical_lines(reports):
    problems = json.loads(reports["json"])["problems"]
    assert [p["row"] for p in problems] == sorted(p["row"] for p in problems)
    assert {(p["row"], p["line"]) for p in problems} == {(3, 4), (4, 5)}  # row 2's note spans lines 2 and 3
    assert "  row 3 (line 4), key bad:id,50%, column ci_lower, ci_upper: [ci_ordered]" in reports["text"]


def test_no_cascade_from_a_cell_that_failed_its_type(tmp_path, capsys):
    """'abc' as a figure's value is a type error only, not also 'a comparator needs a number'."""
    rows = rows_of(REPO / "tables" / "ponatinib_figures.csv")
    h = rows[0]
    i = next(k for k, r in enumerate(rows) if k and r[h.index("value")] and r[h.index("comparator")])
    rows[i][h.index("value")] = "abc"
    path = write_rows(tmp_path / "fig.csv", rows)
    code, out, _ = run(capsys, "validate", "--table", "ponatinib_figures", str(path), "--format", "json")
    assert code == 1
    assert [(p["check"], p["row"]) for p in json.loads(out)["problems"]] == [("type", i + 1)]


def test_values_are_shown_as_written(tmp_path, capsys):
    path = edited(tmp_path / "m.csv", response_pct_1=(0, "143.10"))
    code, out, _ = run(capsys, "validate", "--table", JP, str(path), "--format", "json")
    hit = next(p for p in json.loads(out)["problems"] if p["check"] == "maximum")
    assert code == 1 and hit["value"] == "143.10" and hit["message"] == "143.10 is above the maximum 100"


def test_problems_are_capped_with_a_count_of_the_rest(tmp_path, capsys):
    rows = rows_of()
    h = rows[0]
    body = [r[:] for r in rows[1:2] for _ in range(1500)]
    for k, r in enumerate(body):
        r[h.index("predictor_id")] = f"p{k}"
        r[h.index("ci_level")] = "x"
    path = write_rows(tmp_path / "many.csv", [h, *body])
    code, out, _ = run(capsys, "validate", "--table", JP, str(path), "--format", "json")
    report = json.loads(out)
    assert code == 1 and len(report["problems"]) == 1000 and report["problem_count"] > 1500
    code, text, _ = run(capsys, "validate", "--table", JP, str(path), "--max-problems", "10")
    lines = text.splitlines()
    assert len([x for x in lines if x.startswith("  row ")]) == 10
    more = report["problem_count"] - 10
    more_line = next(x for x in lines if f"and {more:,} more problems of these checks: " in x)
    assert more_line.endswith("(--max-problems to see more)")
    assert lines[lines.index(more_line) + 1] == "notes:"  # the notes follow the problems


# ----------------------------------------------------------------------------- every format = JSON

def _where_message(p: dict) -> str:
    """The annotation text the formats carry for a JSON problem: where, then what."""
    from jakdata.report import Problem

    return Problem(**p).text().strip()


def test_github_annotations_round_trip(reports, bad_file):
    problems = json.loads(reports["json"])["problems"]
    errors = [line for line in reports["github"].splitlines() if line.startswith("::error ")]
    assert len(errors) == len(problems)

    def unescape(s: str) -> str:
        return s.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")

    for line, p in zip(errors, problems):
        props, _, message = line[len("::error "):].partition("::")
        fields = dict(kv.split("=", 1) for kv in props.split(","))  # escaped values hold no bare comma
        assert unescape(fields["file"]) == str(bad_file)
        assert int(fields["line"]) == p["line"]
        assert unescape(fields["title"]) == f"jakdata {p['check']} ({p['table']})"
        assert unescape(message) == _where_message(p)
    assert "key bad:id,50%25, column ci_lower" in reports["github"]  # '%' escaped in a message


def test_junit_round_trip(reports):
    problems = json.loads(reports["json"])["problems"]
    root = ET.fromstring(reports["junit"])
    suite = root.find("testsuite")
    assert suite.get("name") == JP
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    assert {"ci_ordered", "type", "enum", "pattern", "unique", "required"} <= set(cases)  # passing cases too
    failed = {name: c.find("failure") for name, c in cases.items() if c.find("failure") is not None}
    assert set(failed) == {p["check"] for p in problems}
    listed = [line for f in failed.values() for line in f.text.splitlines()]
    assert sorted(listed) == sorted(_where_message(p) for p in problems)
    assert int(root.get("failures")) == len(failed)


def test_sarif_round_trip(reports):
    problems = json.loads(reports["json"])["problems"]
    sarif = json.loads(reports["sarif"])
    assert sarif["version"] == "2.1.0" and sarif["$schema"].endswith("sarif-2.1.0.json")
    run_ = sarif["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    assert run_["tool"]["driver"]["name"] == "jakdata" and all({"id", "shortDescription"} <= set(r) for r in rules)
    results = run_["results"]
    assert len(results) == len(problems)
    for r, p in zip(results, problems):
        assert r["ruleId"] == p["check"] and rules[r["ruleIndex"]]["id"] == p["check"] and r["level"] == "error"
        loc = r["locations"][0]["physicalLocation"]
        assert loc["region"]["startLine"] == p["line"]
        assert {k: r["properties"][k] for k in ("table", "row", "key", "column", "value", "message")} == \
            {k: p[k] for k in ("table", "row", "key", "column", "value", "message")}


def test_markdown_round_trip(reports):
    import html

    problems = json.loads(reports["json"])["problems"]
    lines = [line for line in reports["markdown"].splitlines() if line.startswith("| ")]
    header, body = lines[0], lines[1:]
    assert header == "| table | row | line | key | column | check | message | value |"
    parsed = []
    for line in body:
        cells = [html.unescape(c.strip().replace("\\|", "|")) for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        parsed.append(cells)
    expected = [[p["table"], str(p["row"]), str(p["line"]), p["key"] or "", p["column"] or "", f"`{p['check']}`",
                 p["message"], p["value"] or ""] for p in problems]
    assert parsed == expected


def test_valid_file_in_every_format(tmp_path, capsys):
    good = shutil.copy(PUBLISHED, tmp_path / "good.csv")
    for fmt in ("text", "json", "github", "junit", "sarif", "markdown"):
        code, out, err = run(capsys, "validate", "--table", JP, str(good), "--format", fmt)
        assert (code, err) == (0, ""), (fmt, out)
    assert json.loads(run(capsys, "validate", "--table", JP, str(good), "--format", "sarif")[1])["runs"][0][
        "results"] == []


# ----------------------------------------------------------------------------- forgiving input

def test_spreadsheet_csv_utf8_is_accepted_with_notes(tmp_path, capsys):
    """BOM, CR LF and trailing blank lines: accepted in an extraction, each named in a note."""
    text = PUBLISHED.read_text(encoding="utf-8")
    rows = rows_of()
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (buf.getvalue() + "\r\n\r\n").encode("utf-8"))
    code, out, _ = run(capsys, "validate", "--table", JP, str(path), "--format", "json")
    report = json.loads(out)
    assert code == 0 and report["problems"] == [], out
    assert [n for n in report["notes"] if not n.startswith("not checked:")] == ["excel.csv: starts with a byte-order mark (BOM); read as UTF-8 without it",
                               "excel.csv: lines end with CR LF (or CR); read as LF",
                               "excel.csv: 2 blank line(s) at the end ignored"]
    assert text  # the published file itself is untouched
    (tmp_path / "one.csv").write_text(text + "\n", encoding="utf-8")
    code, out, _ = run(capsys, "validate", "--table", JP, str(tmp_path / "one.csv"))
    assert code == 0 and "one.csv: 1 blank line(s) at the end ignored" in out


def test_the_package_stays_strict(package, capsys):
    path = package / "tables" / "drugs.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    other = package / "tables" / "studies.csv"
    write_rows(other, rows_of(other), newline="\r\n")
    code, out, _ = run(capsys, "validate", str(package), "--format", "json")
    found = {(p["table"], p["check"]) for p in json.loads(out)["problems"]}
    assert code == 1 and {("drugs", "csv_encoding"), ("studies", "csv_line_endings")} <= found


def test_columns_matched_by_name_and_optional_columns(tmp_path, capsys):
    """Reordered columns and no derived or curator-only ones: every other rule still runs."""
    rows = rows_of()
    h = rows[0]
    keep = [c for c in reversed(h) if c not in ("issue_ids", "note", "log_or", "se_log_or", "crude_or")]
    table = [[r[h.index(c)] for c in keep] for r in rows]
    table[1][keep.index("ci_upper")] = "0.30"
    path = write_rows(tmp_path / "reordered.csv", table)
    code, out, _ = run(capsys, "validate", "--table", JP, str(path), "--format", "json")
    report = json.loads(out)
    assert code == 1 and {p["check"] for p in report["problems"]} >= {"ci_ordered", "estimate_inside_ci"}
    assert "column_missing" not in {p["check"] for p in report["problems"]}
    assert report["notes"] == [
        "jump_predictors: optional column(s) absent, not checked: note, issue_ids",
        f"jump_predictors: columns matched by name; the file's order ({', '.join(keep)}) differs from the schema's",
        "jump_predictors: derived column(s) absent, computed from the file: log_or, se_log_or, crude_or",
    ]


def test_a_missing_required_column_hides_nothing_else(tmp_path, capsys):
    rows = rows_of()
    h = rows[0]
    drop = h.index("outcome")
    table = [r[:drop] + r[drop + 1:] for r in rows]
    table[2][h.index("direction_basis") - 1] = "guessed"
    path = write_rows(tmp_path / "short.csv", table)
    code, out, _ = run(capsys, "validate", "--table", JP, str(path), "--format", "json")
    checks = [(p["check"], p["column"]) for p in json.loads(out)["problems"]]
    assert code == 1 and ("column_missing", "outcome") in checks and ("enum", "direction_basis") in checks


def test_present_derived_columns_are_checked(tmp_path, capsys):
    path = edited(tmp_path / "d.csv", log_or=(0, "1.5"))
    code, out, _ = run(capsys, "validate", "--table", JP, str(path), "--format", "json")
    assert code == 1 and [p["check"] for p in json.loads(out)["problems"]] == ["derived_value"]


def test_package_column_order_shows_the_schemas_order(package, capsys):
    path = package / "tables" / "studies.csv"
    rows = rows_of(path)
    write_rows(path, [[r[1], r[0], *r[2:]] for r in rows])
    code, out, _ = run(capsys, "validate", str(package), "--format", "json")
    hit = next(p for p in json.loads(out)["problems"] if p["check"] == "column_order")
    assert hit["message"] == ("columns are out of the schema's order, which is: "
                              + ", ".join(TABLES["studies"].field_names))
    assert hit["value"] == ", ".join([rows[0][1], rows[0][0], *rows[0][2:]])


# ----------------------------------------------------------------------------- the terminal

def test_show_fits_the_terminal_and_has_no_off_by_one(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    code, out, _ = run(capsys, "show", "drugs")
    assert code == 0 and max(map(len, out.splitlines())) <= 80
    n = len(jakdata.load("drugs"))
    code, out, _ = run(capsys, "show", "drugs", "--rows", str(n), "--columns", "drug_id,targets")
    lines = out.splitlines()
    assert lines[0].split() == ["drug_id", "targets"] and len(lines) == 1 + n  # every row, the last too
    assert code == 0 and "NaN" not in out and "<NA>" in out
    code, out, _ = run(capsys, "show", "molecular_predictors", "--columns", "threshold_comparator,threshold_unit")
    assert "NaN" not in out and "<NA>" in out  # a categorical's missing value looks like a text's
    code, _, err = run(capsys, "show", "drugs", "--rows", "-1")
    assert code == 2 and "-1 is negative; give 0 or more" in err
    code, _, err = run(capsys, "show", "drugs", "--columns", "nope")
    assert code == 2 and "table drugs has no column(s) nope; its columns: drug_id" in err


def test_describe_shows_every_constraint(capsys):
    code, out, _ = run(capsys, "describe", JP)
    assert code == 0
    for expected in ("      allowed values: stated, inferred",
                     "      form: a lower-case letter, then lower-case letters, digits or underscores "
                     "(such as ipss_risk)",
                     "      range: from 0 to 100",
                     "      range: greater than 0 and at most 100",
                     "  predictor_id (string, required, unique): ",
                     "unique together: (study_id, predictor) occurs at most once",
                     "      formula: ln(adjusted_or)",
                     "  log_or (number, derived, optional in an extraction): ",
                     "these may be left out: log_or, se_log_or, crude_or, note, issue_ids"):
        assert expected in out.splitlines() or expected in out, expected


def test_template_and_example(tmp_path, capsys):
    code, out, _ = run(capsys, "template", JP)
    header = [f.name for f in TABLES[JP].curated_fields]
    assert code == 0 and out == ",".join(header) + "\n"
    path = tmp_path / "t.csv"
    code, _, _ = run(capsys, "template", JP, "--example", "--out", str(path))
    assert code == 0 and rows_of(path)[1][0] == rows_of()[1][0]
    code, out, _ = run(capsys, "validate", "--table", JP, str(path))
    assert code == 0 and out.startswith(f"valid: 1 table(s) checked in {path} ({JP})")


def test_validate_names_what_it_checked_and_hints_at_table(tmp_path, capsys, monkeypatch):
    shutil.copy(PUBLISHED, tmp_path / "my.csv")
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "validate", "my.csv")
    assert code == 2 and err == ("jakdata: error: my.csv is a table file, not a datapackage.json; to check it "
                                 "against one table's schema run: jakdata validate --table NAME my.csv "
                                 "(tables: `jakdata list`)\n")
    code, out, _ = run(capsys, "validate")
    assert code == 0 and out.startswith("valid: ") and " checked in " in out.splitlines()[0]
    assert "datapackage.json" in out.splitlines()[0]


def test_version(capsys):
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out == f"jakdata {jakdata.__version__}\n"


def test_progress_only_on_a_terminal_outside_ci(monkeypatch, capsys):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    monkeypatch.delenv("CI", raising=False)
    show = cli._progress()
    show(50, 100)
    show(100, 100)
    err = capsys.readouterr().err
    assert "\rvalidating [###############               ]  50% (50 of 100 rows)" in err and err.endswith("\n")
    monkeypatch.setenv("CI", "true")
    assert cli._progress() is None
    monkeypatch.delenv("CI")
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    assert cli._progress() is None


def test_python_api_wrong_arguments():
    with pytest.raises(TypeError, match="validate\\(\\) takes a pandas DataFrame, not str"):
        jakdata.validate("file.csv", JP)
    with pytest.raises(ValueError, match="unknown table 'jump'"):
        jakdata.validate(jakdata.load(JP), "jump")


# ----------------------------------------------------------------------------- schemas without jakdata

def test_frictionless_cli_with_a_standalone_schema(tmp_path):
    """`frictionless validate mine.csv --schema tables/NAME.schema.json`: the real CLI, no jakdata import."""
    exe = Path(sys.executable).with_name("frictionless")
    if not exe.exists():
        pytest.fail("the frictionless command is not installed beside this Python")
    (tmp_path / "tables").mkdir()
    shutil.copy(REPO / "tables" / f"{JP}.schema.json", tmp_path / "tables")
    shutil.copy(PUBLISHED, tmp_path / "good.csv")
    edited(tmp_path / "bad.csv", response_pct_1=(0, "forty"), direction_basis=(1, "guessed"))

    def validate(name: str) -> tuple[int, dict]:
        proc = subprocess.run([str(exe), "validate", name, "--schema", f"tables/{JP}.schema.json", "--json"],
                              cwd=tmp_path, capture_output=True, text=True, timeout=120)
        return proc.returncode, json.loads(proc.stdout)

    code, report = validate("good.csv")
    assert code == 0 and report["valid"], report
    code, report = validate("bad.csv")
    errors = {(e["type"], e["fieldName"], e["rowNumber"]) for t in report["tasks"] for e in t["errors"]}
    assert code == 1 and errors == {("type-error", "response_pct_1", 2), ("constraint-error", "direction_basis", 3)}


# ----------------------------------------------------------------------------- the action and the hook

def _action_script() -> str:
    import yaml

    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    assert set(action["inputs"]) >= {"table", "file", "format", "sources"} and action["runs"]["using"] == "composite"
    return next(s["run"] for s in action["runs"]["steps"] if s.get("name") == "jakdata validate")


@pytest.mark.parametrize("inputs, argv", [
    ({"JAKDATA_TABLE": JP, "JAKDATA_FILE": "data/x y.csv", "JAKDATA_FORMAT": "github"},
     ["validate", "--table", JP, "data/x y.csv", "--format", "github"]),
    ({"JAKDATA_TABLE": JP, "JAKDATA_FILE": "x.csv", "JAKDATA_FORMAT": "sarif", "JAKDATA_SOURCES": "my seeds"},
     ["validate", "--table", JP, "x.csv", "--format", "sarif", "--sources", "my seeds"]),
    ({"JAKDATA_FILE": "pkg", "JAKDATA_FORMAT": "text"}, ["validate", "pkg", "--format", "text"]),
], ids=["table", "sources", "package"])
def test_action_passes_its_inputs_through(tmp_path, inputs, argv):
    """The action's shell step, run with a stand-in `jakdata` that records its arguments."""
    stub = tmp_path / "bin" / "jakdata"
    stub.parent.mkdir()
    stub.write_text('#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\n', encoding="utf-8")
    stub.chmod(0o755)
    env = {"PATH": f"{stub.parent}:/usr/bin:/bin", **inputs}
    proc = subprocess.run(["bash", "-c", _action_script()], env=env, capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0 and proc.stdout.splitlines() == argv, proc.stderr


def test_action_validates_for_real(tmp_path):
    edited(tmp_path / "bad.csv", direction_basis=(0, "guessed"))
    shutil.copy(PUBLISHED, tmp_path / "good.csv")
    env = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "JAKDATA_TABLE": JP, "JAKDATA_FORMAT": "github"}
    good = subprocess.run(["bash", "-c", _action_script()], cwd=tmp_path, env={**env, "JAKDATA_FILE": "good.csv"},
                          capture_output=True, text=True, timeout=120)
    assert good.returncode == 0, good.stdout + good.stderr
    bad = subprocess.run(["bash", "-c", _action_script()], cwd=tmp_path, env={**env, "JAKDATA_FILE": "bad.csv"},
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 1 and bad.stdout.startswith("::error file=bad.csv,line=2,title=jakdata enum")


def _git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


@pytest.mark.skipif(not os.environ.get("CI") and not os.environ.get("JAKDATA_TEST_PRECOMMIT"),
                    reason="builds pre-commit's hook environment (installs jakdata and its dependencies, about "
                           "a minute); runs in CI (CI=true) or with JAKDATA_TEST_PRECOMMIT=1")
def test_pre_commit_hook_for_real(tmp_path):
    """`pre-commit run` in a fresh repository whose config uses this repository's hook: bad fails, good passes."""
    exe = Path(sys.executable).with_name("pre-commit")
    assert exe.exists(), "pre-commit is in the test extra"
    if not (REPO / ".git").exists():
        pytest.fail("the hook test needs this repository's git history (pre-commit installs a revision)")
    rev = _git("rev-parse", "HEAD", cwd=REPO)
    assert _git("show", f"{rev}:.pre-commit-hooks.yaml", cwd=REPO), "commit .pre-commit-hooks.yaml first"
    user = tmp_path / "user"
    user.mkdir()
    _git("init", "-q", cwd=user)
    (user / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {REPO}\n    rev: {rev}\n    hooks:\n      - id: jakdata-validate\n"
        f"        args: [--table, {JP}]\n        files: ^data/.*\\.csv$\n", encoding="utf-8")
    (user / "data").mkdir()
    shutil.copy(PUBLISHED, user / "data" / "good.csv")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "GIT_AUTHOR_NAME": "t",
           "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}

    def hook(*files: str) -> subprocess.CompletedProcess:
        _git("add", "-A", cwd=user)
        return subprocess.run([str(exe), "run", "--files", *files], cwd=user, env=env, capture_output=True,
                              text=True, timeout=900)

    good = hook("data/good.csv")
    assert good.returncode == 0 and "Passed" in good.stdout, good.stdout + good.stderr
    edited(user / "data" / "bad.csv", direction_basis=(0, "guessed"))
    bad = hook("data/bad.csv", "data/good.csv")
    assert bad.returncode == 1 and "Failed" in bad.stdout, bad.stdout + bad.stderr
    assert "row 2, key ipss_risk, column direction_basis: [enum] 'guessed' is not an allowed value" in bad.stdout
