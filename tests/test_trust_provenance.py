"""Provenance that holds (issue 11): unknown sources, the user's own sources, context spans, verbatim text."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

import jakdata
from jakdata import text as tx
from jakdata.build import build
from jakdata.catalog import TABLES
from jakdata.errors import InputError
from jakdata.provenance import Seeds, check
from jakdata.usersources import read_sources
from jakdata.validation import check_file, installed_seeds, validate_package

from conftest import copy_checkout, copy_package

FIGURES, ELIGIBILITY, DRUGS = "ponatinib_figures", "nct03558607_eligibility", "drugs"


def _csv(df: pd.DataFrame, path: Path) -> Path:
    df.to_csv(path, index=False, lineterminator="\n")
    return path


def _figures() -> pd.DataFrame:
    return jakdata.load(FIGURES).astype("object")


def _creatinine_three(df: pd.DataFrame) -> pd.DataFrame:
    """The hostile edit of the issue: threshold 3 'supported' by appending '… 3' to the quote."""
    i = df.index[df["criterion_id"] == "I07"][0]
    df.loc[i, "value"] = 3.0
    df.loc[i, "quote"] = df.loc[i, "quote"] + " … 3"
    return df


# 1. Unknown sources fail closed


def test_unknown_source_is_a_problem_with_the_closest_id(cli, tmp_path):
    df = _figures()
    df.loc[0, "source_id"] = "nci_ponatinb"  # one letter dropped
    out = cli("validate", "--table", FIGURES, str(_csv(df, tmp_path / "typo.csv")), cwd=tmp_path)
    assert out.returncode == 1, out.stdout
    assert ("row 2, key P01, column source_id: [quote_source_known] source_id 'nci_ponatinb' names no seed of "
            "this package (did you mean 'nci_ponatinib'?)") in out.stdout
    assert "[foreign_key] source_id 'nci_ponatinb' names no sources.source_id" in out.stdout


def test_values_are_checked_against_the_quote_even_when_the_source_is_unknown(tmp_path):
    df = _figures()
    df.loc[0, "source_id"] = "somebody_else"
    df.loc[0, "value_date"] = "2011-12-09"  # the quote says December 9, 2012
    found = check_file(_csv(df, tmp_path / "x.csv"), FIGURES, installed_seeds()).problems
    assert [(p.check, p.column) for p in found if p.row == 2] == [
        ("value_in_quote", "value_date"), ("quote_source_known", "source_id"), ("foreign_key", "source_id")] or \
        {(p.check, p.column) for p in found if p.row == 2} == {
        ("value_in_quote", "value_date"), ("quote_source_known", "source_id"), ("foreign_key", "source_id")}
    hint = next(p for p in found if p.check == "quote_source_known").message
    assert hint == "source_id 'somebody_else' names no seed of this package"  # nothing close enough to suggest


# 2. Bring your own sources


SMITH = "In our cohort of 120 patients treated with ruxolitinib, spleen response occurred in 43 patients.\n"


def _own_rows(quote2: str = "spleen response occurred in 43 patients.", sid2: str = "smith2020") -> pd.DataFrame:
    cols = TABLES[FIGURES].field_names
    rows = [dict(figure_id="P01", study_id="smith_cohort", measure="enrolment", value="120", comparator="=",
                 value_text="120 patients", unit="patients", source_id="smith2020",
                 quote="In our cohort of 120 patients treated with ruxolitinib"),
            dict(figure_id="P02", study_id="smith_cohort", measure="spleen_response", value="43", comparator="=",
                 value_text="43 patients", unit="patients", source_id=sid2, quote=quote2)]
    return pd.DataFrame(rows).reindex(columns=cols)


@pytest.fixture
def own(tmp_path) -> Path:
    d = tmp_path / "papers"
    d.mkdir()
    (d / "smith2020.txt").write_text(SMITH, encoding="utf-8")
    (d / ".DS_Store").write_bytes(b"\x00\x01")  # hidden files are not documents
    return d


def test_own_sources_folder_checks_quotes_and_records_sha256(cli, tmp_path, own):
    import hashlib

    good = _csv(_own_rows(), tmp_path / "mine.csv")
    digest = hashlib.sha256(SMITH.encode()).hexdigest()
    out = cli("validate", "--table", FIGURES, str(good), "--sources", str(own), cwd=tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.splitlines() == [
        f"valid: 1 table(s) checked in {good} ({FIGURES})",
        "notes:",
        f"  source smith2020: {own / 'smith2020.txt'} (sha256:{digest})",
        "  not checked: foreign key study_id → studies.study_id of 2 rows (your own studies are not given; "
        "--sources gives only sources)",
    ]
    out = cli("validate", "--table", FIGURES, str(good), "--sources", str(own), "--format", "json", cwd=tmp_path)
    report = json.loads(out.stdout)
    assert report["sources"] == [{"source_id": "smith2020", "path": str(own / "smith2020.txt"), "sha256": digest}]
    assert report["valid"] is True and len(report["notes"]) == 2  # the document, what was not checked


def test_own_sources_catch_altered_quotes_values_and_unknown_ids(tmp_path, own):
    report = check_file(_csv(_own_rows("spleen response occurred in 44 patients."), tmp_path / "a.csv"), FIGURES,
                        sources=own)
    assert [(p.check, p.key, p.column) for p in report.problems] == [
        ("quote_in_seed", "P02", "quote"), ("value_in_quote", "P02", "value"), ("value_in_quote", "P02", "value_text")]
    report = check_file(_csv(_own_rows(sid2="smith2021"), tmp_path / "b.csv"), FIGURES, sources=own)
    assert [p.message for p in report.problems] == [
        f"source_id 'smith2021' names no source document in {own} (did you mean 'smith2020'?)",
        f"source_id 'smith2021' names no source in {own}"]


def test_own_sources_table_with_its_seed_files(tmp_path, repo):
    d = tmp_path / "own"
    d.mkdir()
    shutil.copy2(repo / "tables" / "sources.csv", d / "sources.csv")
    shutil.copytree(repo / "seeds", d / "seeds")
    report = check_file(repo / "tables" / f"{FIGURES}.csv", FIGURES, sources=d)
    assert report.problems == []
    assert [doc.source_id for doc in report.documents] == list(jakdata.load("sources")["source_id"])
    assert {doc.sha256 for doc in report.documents} == set(jakdata.load("sources")["sha256"])
    (d / "seeds" / "004_18cd84612d580bb3.txt").write_text("something else\n", encoding="utf-8")
    checks = {p.check for p in check_file(repo / "tables" / f"{FIGURES}.csv", FIGURES, sources=d).problems}
    assert checks == {"seed_hash", "quote_in_seed", "quote_in_seed"} - set() or "seed_hash" in checks


@pytest.mark.parametrize("kind", ["symlink", "fifo", "directory", "pdf", "seed_symlink"])
def test_links_and_other_files_in_the_sources_folder_are_refused(cli, tmp_path, own, repo, kind):
    target = own
    if kind == "symlink":
        os.symlink("/etc/hostname", own / "evil.txt")
        expected = f"jakdata: error: {own / 'evil.txt'}: is a symbolic link; source documents must be regular " \
                   "files inside the sources folder"
    elif kind == "fifo":
        os.mkfifo(own / "pipe.txt")
        expected = f"jakdata: error: {own / 'pipe.txt'}: is not a regular file; source documents must be regular files"
    elif kind == "directory":
        (own / "more").mkdir()
        expected = f"jakdata: error: {own / 'more'}: is a directory"
    elif kind == "pdf":
        (own / "jones2021.pdf").write_bytes(b"%PDF-1.4")
        expected = f"jakdata: error: {own / 'jones2021.pdf'}: not a source text"
    else:
        target = tmp_path / "own"
        target.mkdir()
        shutil.copy2(repo / "tables" / "sources.csv", target / "sources.csv")
        shutil.copytree(repo / "seeds", target / "seeds")
        (target / "seeds" / "004_18cd84612d580bb3.txt").unlink()
        os.symlink("/etc/hostname", target / "seeds" / "004_18cd84612d580bb3.txt")
        expected = f"jakdata: error: {target / 'seeds' / '004_18cd84612d580bb3.txt'}: is a symbolic link"
    good = _csv(_own_rows(), tmp_path / "mine.csv")
    out = cli("validate", "--table", FIGURES, str(good), "--sources", str(target), cwd=tmp_path)
    assert out.returncode == 2 and out.stdout == "", out.stdout
    assert out.stderr.startswith(expected) and "Traceback" not in out.stderr, out.stderr
    assert "localhost" not in out.stderr and open("/etc/hostname").read().strip() not in out.stderr


def test_sources_folder_errors(tmp_path, own):
    with pytest.raises(InputError, match="--sources needs a directory"):
        read_sources(tmp_path / "nowhere")
    (own / "Smith 2020.txt").write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="cannot be a source_id"):
        read_sources(own)
    (own / "Smith 2020.txt").unlink()
    (own / "jones.md").write_bytes(b"\xff\xfe")
    with pytest.raises(InputError, match=r"is not UTF-8 text \(byte 0\)"):
        read_sources(own)


def test_foreign_keys_are_checked_in_table_mode(tmp_path):
    df = _figures()
    df.loc[0, "study_id"] = "ponatinib_phase3"
    found = check_file(_csv(df, tmp_path / "x.csv"), FIGURES, installed_seeds()).problems
    assert [p.text() for p in found] == [
        "  row 2, key P01, column study_id: [foreign_key] study_id 'ponatinib_phase3' names no studies.study_id"]


def test_reports_say_what_they_did_not_check(tmp_path):
    path = jakdata.paths.package_root() / "tables"
    notes = check_file(path / "switching_failure_rates.csv", "switching_failure_rates", installed_seeds()).notes
    rows = len(jakdata.load("switching_failure_rates"))
    assert f"not checked: whether {rows} rows follow from switching_cohort_counts (a derived table is recomputed " \
           "only when a whole package is validated)" in notes
    notes = check_file(path / "sources.csv", "sources", installed_seeds()).notes
    assert notes[-1] == "not checked: sha256 and seed_file of 5 rows against the seed files (give --sources DIR " \
                        "with the sources.csv and seed files to check them)"
    assert check_file(path / "sources.csv", "sources").notes[-1].startswith("not checked: quote of 5 rows against")


# 3. No trivial spans


def test_published_values_all_sit_in_context_spans():
    seeds = installed_seeds()
    assert tx.MIN_SPAN_WORDS == 4
    for name, table in TABLES.items():
        assert check(jakdata.load(name), table, seeds) == [], name


def test_words_are_counted_on_the_visible_text():
    assert tx.words("… 3") == 1
    assert tx.words("[dasatinib](/about-cancer/treatment/drugs/dasatinib) (Sprycel®)") == 2
    assert tx.words("43.1% vs. 30.6%\t0.65\t0.44–0.95") == 5


def test_a_bare_number_span_is_rejected_in_table_mode(tmp_path):
    df = _creatinine_three(jakdata.load(ELIGIBILITY).astype("object"))
    found = check_file(_csv(df, tmp_path / "x.csv"), ELIGIBILITY, installed_seeds()).problems
    assert [p.text() for p in found] == [
        "  row 8 (line 9), key I07, column value: [span_context] value: the number is found only in spans without the row's "
        "unit, which the quote writes elsewhere; a number is supported only beside its unit (value: '3.0')"]


def test_a_number_from_another_passage_is_rejected(tmp_path):
    df = jakdata.load(ELIGIBILITY).astype("object")
    i = df.index[df["criterion_id"] == "I07"][0]
    df.loc[i, "value"] = 3.0  # the seed's 'Life expectancy of 3 months' holds a 3, but not beside mg/dl
    df.loc[i, "quote"] = "Serum creatinine 2.5 mg/dl … Life expectancy of 3 months"
    found = check(df, TABLES[ELIGIBILITY], installed_seeds())
    assert [(p.check, p.key, p.column) for p in found] == [("span_context", "I07", "value")]
    df.loc[i, "unit"] = "months"
    df.loc[i, "quote"] = "Serum creatinine 2.5 mg/dl … 3 months"
    found = check(df, TABLES[ELIGIBILITY], installed_seeds())
    assert [p.message for p in found] == ["value: the number is found only in the span '3 months' (2 words); a span "
                                          "supporting a value needs at least 4 words"]


def test_a_short_verbatim_span_is_rejected():
    df = jakdata.load(DRUGS).astype("object")
    i = df.index[df["drug_id"] == "tofacitinib"][0]
    df.loc[i, "brand_quote"] = "tofacitinib (Xeljanz)"
    found = check(df, TABLES[DRUGS], installed_seeds())
    assert [p.message for p in found] == ["brand_name: the text is found only in the span 'tofacitinib (Xeljanz)' "
                                          "(2 words); a span supporting a value needs at least 4 words"]


def test_a_bare_number_span_is_rejected_by_build(tmp_path):
    root = copy_checkout(tmp_path / "repo")
    curated = root / "src" / "jakdata" / "curated"
    path = curated / f"{ELIGIBILITY}.toml"
    text = path.read_text(encoding="utf-8")
    old = "value = 2.5\nunit = \"mg/dl\"\nsource_id = \"nct03558607_listing\"\nquote = '''Serum creatinine 2.5 mg/dl'''"
    assert old in text
    path.write_text(text.replace(old, old.replace("value = 2.5", "value = 3").replace("mg/dl'''", "mg/dl … 3'''")),
                    encoding="utf-8")
    result = build(root, check=True, curated=curated)
    assert [(p.check, p.key, p.column) for p in result.problems] == [("span_context", "I07", "value")]


def test_a_bare_number_span_is_rejected_by_package_validation(tmp_path):
    root = copy_package(tmp_path / "pkg")
    csv = root / "tables" / f"{ELIGIBILITY}.csv"
    df = pd.read_csv(csv, dtype=str, keep_default_na=False)
    i = df.index[df["criterion_id"] == "I07"][0]
    df.loc[i, "value"], df.loc[i, "quote"] = "3", df.loc[i, "quote"] + " … 3"
    _csv(df, csv)
    problems, _ = validate_package(root)
    assert ("span_context", "I07", "value") in {(p.check, p.key, p.column) for p in problems}


# 4. Verbatim means verbatim


def _ponatinib_class(value: str) -> list[str]:
    df = jakdata.load(DRUGS).astype("object")
    df.loc[df["drug_id"] == "ponatinib", "drug_class"] = value
    return [p.message for p in check(df, TABLES[DRUGS], installed_seeds())]


def test_verbatim_text_keeps_its_case():
    assert _ponatinib_class("third-generation tyrosine kinase inhibitor") == []  # through the link's words
    assert _ponatinib_class("Third-generation tyrosine kinase inhibitor") == ["drug_class: the text is not in the quote"]
    assert _ponatinib_class("THIRD-GENERATION TYROSINE KINASE INHIBITOR") == ["drug_class: the text is not in the quote"]


def test_verbatim_folding_is_nfkc_and_white_space_only():
    assert tx.verbatim_in("ｔｈｉｒｄ-generation", "a third-generation drug")  # NFKC: full-width is the same text
    assert tx.verbatim_in("third generation", "third\u00a0generation")
    assert tx.verbatim_in("once  daily", "taken once\n daily.")
    assert not tx.verbatim_in("Date: December 2025", "**Date:** December 2025")  # emphasis is not forgiven
    assert tx.verbatim_in("relapsed or resistant", "[relapsed](/x?id=1&v=2) or resistant")
    assert not tx.verbatim_in("relapsed or resistant", "[relapsed] or resistant")  # brackets alone: no link
    assert not tx.verbatim_in("", "anything")


def test_the_span_word_rule_and_folding_are_documented(repo):
    readme = (repo / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Where every value comes from"):]
    assert re.search(r"at least 4 words", section) and "NFKC" in section and "link text" in section
    assert "span_context" in section and "--sources DIR" in section
    assert Seeds({"a": "b"}).origin == "seed of this package"
