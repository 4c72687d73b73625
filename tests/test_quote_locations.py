"""quote_locations: every quoted span located to the character, and corruption of it caught."""

from __future__ import annotations

import csv

import jakdata
from jakdata import text as tx
from jakdata.catalog import TABLES
from jakdata.package import validate_package


def _seeds() -> dict[str, str]:
    src = jakdata.load("sources")
    root = jakdata.table_path("sources").parent.parent
    return {r.source_id: (root / r.seed_file).read_text(encoding="utf-8") for r in src.itertuples()}


def test_every_span_of_every_quote_has_its_locations():
    locations = jakdata.load("quote_locations")
    have = set(zip(locations["table_name"], locations["row_key"], locations["quote_column"], locations["span"]))
    expected = set()
    for name, table in TABLES.items():
        if not table.provenance:
            continue
        df = jakdata.load(name)
        for prov in table.provenance:
            for key, quote in zip(df[table.primary_key], df[prov.quote]):
                if isinstance(quote, str):
                    expected |= {(name, key, prov.quote, n) for n in range(1, len(tx.spans(quote)) + 1)}
    assert expected and expected == have


def test_offsets_give_the_exact_text_which_folds_to_the_span():
    seeds = _seeds()
    df = jakdata.load("quote_locations")
    for r in df.itertuples():
        seed = seeds[r.source_id]
        assert seed[r.start:r.end] == r.exact
        quote = jakdata.load(r.table_name).set_index(TABLES[r.table_name].primary_key).at[r.row_key, r.quote_column]
        assert tx.fold(r.exact) == tx.spans(quote)[r.span - 1]
        if isinstance(r.prefix, str):
            assert tx.fold(r.prefix) in tx.fold(seed[max(0, r.start - 32):r.start])


def _corrupt(package, column: str, value: str) -> None:
    path = package / "tables" / "quote_locations.csv"
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    rows[5][rows[0].index(column)] = value
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def test_a_corrupted_offset_or_exact_text_is_a_problem(package, cli):
    seen = []
    for column, value in (("start", "3"), ("exact", "not the seed's words")):
        _corrupt(package, column, value)
        seen.append((column, 6))
        problems, _ = validate_package(package)
        hits = [p for p in problems if p.table == "quote_locations" and p.check == "derived_value"]
        assert [(p.column, p.row) for p in hits] == seen, problems
    result = cli("validate", str(package))
    assert result.returncode == 1 and "[derived_value]" in result.stdout
