"""Where every quoted span sits in its seed: one record per (table, row, quote column, span).

The records have the columns the curation's future derived table `quote_locations` will
have, so that the site can switch to reading that table instead of calling `locations`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..catalog import TABLES
from ..text import spans
from .locate import locate_spans
from .package import Package

#: Characters of context kept on each side of a span (like a W3C TextQuoteSelector).
CONTEXT = 32


@dataclass(frozen=True)
class Location:
    """One quoted span of one row; start/end are None when the span is not in the seed."""

    table: str
    key: str
    quote_column: str
    span: int  # 1-based position of the span in its quote cell
    source_id: str
    start: int | None
    end: int | None
    exact: str  # the span as it stands in the seed's raw text ('' when not found)
    prefix: str
    suffix: str
    quoted: str  # the span as the quote cell gives it, folded


def locations(package: Package) -> list[Location]:
    """Every quoted span of every row of every table, in table, row and span order."""
    out: list[Location] = []
    for name, table in TABLES.items():
        for row in package.rows[name]:
            key = row[table.primary_key]
            for prov in table.provenance:
                quote, source_id = row.get(prov.quote, ""), row.get(prov.source, "")
                if not quote:
                    continue
                seed = package.seeds.get(source_id)
                found = locate_spans(seed, quote) if seed is not None else [None] * len(spans(quote))
                for n, (text, place) in enumerate(zip(spans(quote), found), start=1):
                    if place is None:
                        out.append(Location(name, key, prov.quote, n, source_id, None, None, "", "", "", text))
                        continue
                    start, end = place
                    out.append(Location(name, key, prov.quote, n, source_id, start, end, seed[start:end],
                                        seed[max(0, start - CONTEXT):start], seed[end:end + CONTEXT], text))
    return out
