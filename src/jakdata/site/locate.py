"""Character offsets of a quote's spans in a seed's raw text.

Quotes are compared with the seed after Unicode NFKC and whitespace folding
(`jakdata.text.fold`), so the seed is folded once with an index map from every folded
character back to the raw characters it came from (`jakdata.text.folded_with_map`, which the
derived table `quote_locations` uses too). The site locates spans itself, rather than reading
that table, so that a site built from a modified copy of the package shows that copy's own
text; `jakdata.site.quotes` is the one caller.
"""

from __future__ import annotations

from ..text import folded_with_map, spans


def locate_spans(seed_text: str, quote: str) -> list[tuple[int, int] | None]:
    """Raw (start, end) offsets in `seed_text` of each span of `quote`, in the quote's order.

    A span found more than once is taken at its first place after the previous span, else
    at its first place in the seed; a span not in the seed gives None.
    """
    folded, starts, ends = folded_with_map(seed_text)
    found: list[tuple[int, int] | None] = []
    after = 0
    for span in spans(quote):
        at = folded.find(span, after)
        if at < 0:
            at = folded.find(span)
        if at < 0:
            found.append(None)
            continue
        found.append((starts[at], ends[at + len(span) - 1]))
        after = at + len(span)
    return found
