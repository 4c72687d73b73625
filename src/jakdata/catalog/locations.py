"""Every quoted span of every table, located to the character in its seed (W3C Web Annotation selectors).

A derived table: `jakdata build` computes it from the quotes and the seed files, and
validation recomputes and compares it, so a corrupted offset or `exact` text is a problem.
`start`/`end` are a TextPositionSelector (character offsets into the seed file's text as
decoded from UTF-8); `exact`, `prefix` and `suffix` a TextQuoteSelector.
"""

from __future__ import annotations

from ..fields import Derivation, Field, ForeignKey, Table
from .common import ID_PATTERN

#: How much context prefix and suffix carry, in characters.
CONTEXT = 32


def _context(text: str) -> str | None:
    """Context text, trimmed at the front so it never begins with white space or a formula character."""
    from ..rules import starts_like_formula

    text = text.replace("\r", " ")
    while text and (text[0].isspace() or starts_like_formula(text)):
        text = text[1:]
    return text or None


def locate_quotes(frame, inputs, root):
    """One row per occurrence of every span of every quote cell of the input tables."""
    import pandas as pd

    from .. import text as tx
    from ..catalog import TABLES  # the finished catalog, read when the derivation runs
    from ..paths import inside

    sources = inputs["sources"]
    seeds = {}
    for sid, rel in zip(sources["source_id"].astype("object"), sources["seed_file"].astype("object")):
        path = inside(root, rel) if root is not None else None
        if path is not None:
            seeds[sid] = path.read_text(encoding="utf-8", errors="replace")
    rows = []
    for name, df in inputs.items():
        table = TABLES[name]
        for prov in table.provenance:
            for key, sid, quote in zip(df[table.primary_key].astype("object"), df[prov.source].astype("object"),
                                       df[prov.quote].astype("object")):
                if pd.isna(quote) or pd.isna(sid) or sid not in seeds:
                    continue
                seed = seeds[sid]
                for number, span in enumerate(tx.spans(quote), start=1):
                    found = tx.locate(seed, span)
                    for occurrence, (start, end) in enumerate(found, start=1):
                        rows.append({
                            "location_id": f"{name}:{key}:{prov.quote}:{number}:{occurrence}",
                            "table_name": name, "row_key": key, "quote_column": prov.quote, "span": number,
                            "occurrence": occurrence, "occurrences": len(found), "source_id": sid,
                            "start": start, "end": end, "exact": seed[start:end],
                            "prefix": _context(seed[max(0, start - CONTEXT):start]),
                            "suffix": _context(seed[end:end + CONTEXT])})
    return pd.DataFrame(rows, columns=[f.name for f in QUOTE_LOCATIONS.fields])


QUOTE_LOCATIONS = Table(
    name="quote_locations",
    title="Every quoted span, located to the character in its seed",
    description="One row per occurrence of each verbatim span of every quote cell of every table, with "
                "W3C Web Annotation selectors: start and end character offsets into the seed's text "
                "(TextPositionSelector) and the exact text with about 32 characters of context before "
                "and after (TextQuoteSelector). A span that occurs several times in its seed has a row "
                "per occurrence; occurrences says how many there are, and the row's own quote decides "
                "nothing between them. Derived by `jakdata build` and rechecked by validation.",
    kind="derived",
    fields=(
        Field("location_id", "string", "table:row key:quote column:span number:occurrence.", required=True,
              unique=True, pattern=r"^[a-z0-9_]+:[A-Za-z0-9_]+:[a-z_]+:\d+:\d+$", derived="the row's coordinates"),
        Field("table_name", "string", "Table whose quote cell holds the span.", required=True, pattern=ID_PATTERN,
              derived="the quoting table"),
        Field("row_key", "string", "Primary-key value of the quoting row.", required=True,
              derived="the quoting row's key"),
        Field("quote_column", "string", "Quote column holding the span (quote, brand_quote, …).", required=True,
              pattern=ID_PATTERN, derived="the quote column"),
        Field("span", "integer", "Position of the span within its quote cell (spans are joined by ' … ').",
              required=True, minimum=1, derived="1-based position among the cell's spans"),
        Field("occurrence", "integer", "Which occurrence of the span in the seed this row locates.",
              required=True, minimum=1, derived="1-based, in the seed's order"),
        Field("occurrences", "integer", "How many times the span occurs in its seed.", required=True, minimum=1,
              derived="count of matches of the folded span in the folded seed"),
        Field("source_id", "string", "Seed the span is located in (→ sources).", required=True,
              pattern=ID_PATTERN, derived="the quoting row's source column"),
        Field("start", "integer", "Offset of the span's first character in the seed's text.", required=True,
              minimum=0, unit="characters", derived="TextPositionSelector start"),
        Field("end", "integer", "Offset just after the span's last character.", required=True, minimum=1,
              unit="characters", derived="TextPositionSelector end"),
        Field("exact", "string", "The seed's own characters from start to end (not folded).", required=True,
              derived="seed[start:end]"),
        Field("prefix", "string", "Up to 32 characters before the span, trimmed at the front so that it "
              "begins with neither white space nor a formula character.", derived="seed[start - 32:start], trimmed"),
        Field("suffix", "string", "Up to 32 characters after the span, trimmed the same way.",
              derived="seed[end:end + 32], trimmed"),
    ),
    primary_key="location_id",
    foreign_keys=(ForeignKey("source_id", "sources", "source_id"),),
    derivation=Derivation(locate_quotes, inputs=("*",)),
)

ORDER = 95
TABLES = (QUOTE_LOCATIONS,)
