"""Provenance rules: folding, numbers in quotes, number words, dates, and their use on tables."""

from __future__ import annotations

import jakdata
from jakdata import text as tx
from jakdata.catalog import TABLES
from jakdata.provenance import Seeds, check
from jakdata.validation import installed_seeds


def test_fold_is_nfkc_and_whitespace():
    assert tx.fold("  Iclusig™\u00a0 (ponatinib)\n\tdaily ") == "IclusigTM (ponatinib) daily"


def test_numbers_in_quotes():
    assert tx.number_matches(2233, "2,233 patients")
    assert tx.number_matches(0.65, "43.1% vs. 30.6%\t0.65\t0.44–0.95")
    assert not tx.number_matches(0.6, "0.65")
    assert not tx.number_matches(5, "15 x")
    assert not tx.number_matches(3, "T315I")  # digits inside a larger number are not that number


def test_number_words():
    assert tx.number_matches(90, "Ninety percent")
    assert tx.number_matches(4, "four weeks")
    assert tx.number_matches(1, "once daily")
    assert tx.number_matches(50, "About half", percent=True)
    assert not tx.number_matches(50, "About half")
    assert not tx.number_matches(5, "four weeks")


def test_dates_against_words():
    assert tx.date_supported("2024-08-31", "Aug 31, 2024")
    assert tx.date_supported("2022-03-04", "Updated on 4 March 2022")
    assert tx.date_supported("2013", "between 2013 and 2022")
    assert not tx.date_supported("2022-04-04", "4 March 2022")
    assert not tx.date_supported("2012-12-19", "December 9, 2012")


def test_quote_spans():
    assert tx.spans("first part … second part") == ("first part", "second part")


def _figures():
    return jakdata.load("ponatinib_figures").astype("object")


def test_published_tables_pass_provenance():
    seeds = installed_seeds()
    for name, table in TABLES.items():
        assert check(jakdata.load(name), table, seeds) == [], name


def test_altered_quote_is_caught():
    df = _figures()
    df.loc[0, "quote"] = df.loc[0, "quote"].replace("December", "November")
    found = check(df, TABLES["ponatinib_figures"], installed_seeds())
    assert [(p.check, p.key, p.column) for p in found][0] == ("quote_in_seed", "P01", "quote")


def test_number_that_disagrees_with_its_words_is_caught():
    df = _figures()
    i = df.index[df["value_text"] == "Ninety percent"][0]
    df.loc[i, "value"] = 80.0
    found = check(df, TABLES["ponatinib_figures"], installed_seeds())
    assert any(p.check == "value_in_quote" and p.column == "value" and p.value == "80.0" for p in found)


def test_words_not_in_quote_are_caught():
    df = _figures()
    i = df.index[df["value_text"] == "nearly 500"][0]
    df.loc[i, "value_text"] = "nearly 600"
    found = check(df, TABLES["ponatinib_figures"], installed_seeds())
    assert {p.column for p in found} >= {"value_text", "value"}


def test_date_that_disagrees_with_its_words_is_caught():
    df = _figures()
    i = df.index[df["value_date"] == "2012-12-14"][0]
    df.loc[i, "value_date"] = "2012-12-15"
    found = check(df, TABLES["ponatinib_figures"], installed_seeds())
    assert any(p.column == "value_date" for p in found)


def test_unknown_source_is_reported_only_when_required():
    df = _figures()
    df.loc[0, "source_id"] = "somebody_else"
    table = TABLES["ponatinib_figures"]
    assert any(p.check == "quote_source_known" for p in check(df, table, installed_seeds()))
    assert check(df, table, installed_seeds(), require_known_sources=False) == []


def test_seeds_are_searched_once_per_distinct_quote():
    seeds = Seeds({"s": "alpha beta gamma"})
    for _ in range(1000):
        assert seeds.missing_spans("s", "beta") == ()
    assert seeds.missing_spans("s", "delta") == ("delta",)
    assert seeds.searches == 2
