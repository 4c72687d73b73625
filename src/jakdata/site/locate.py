"""Character offsets of a quote's spans in a seed's raw text.

Quotes are compared with the seed after Unicode NFKC and whitespace folding
(`jakdata.text.fold`), so the seed is folded once with an index map from every folded
character back to the raw characters it came from. This stands in for the derived table
`quote_locations` until the curation publishes it; `jakdata.site.quotes` is the one caller.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ..text import fold, spans

_SPACE = re.compile(r"\s")


def _clusters(text: str) -> list[tuple[int, int]]:
    """Raw (start, end) pieces that NFKC normalises independently of their neighbours.

    A combining mark joins the piece before it; a starter joins it too when normalising the
    two together differs from normalising them apart (Hangul jamo, for one).
    """
    pieces: list[tuple[int, int]] = []
    for i, ch in enumerate(text):
        if pieces:
            start, _ = pieces[-1]
            prev = text[start:i]
            joined = unicodedata.combining(ch) != 0 or (
                unicodedata.normalize("NFKC", prev + ch)
                != unicodedata.normalize("NFKC", prev) + unicodedata.normalize("NFKC", ch))
            if joined:
                pieces[-1] = (start, i + 1)
                continue
        pieces.append((i, i + 1))
    return pieces


@lru_cache(maxsize=64)
def folded_with_map(text: str) -> tuple[str, tuple[int, ...], tuple[int, ...]]:
    """`fold(text)` and, for each of its characters, the raw start and end it came from."""
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pending_space: tuple[int, int] | None = None  # a run of white space not yet written
    for start, end in _clusters(text):
        for ch in unicodedata.normalize("NFKC", text[start:end]):
            if _SPACE.match(ch):
                if chars and pending_space is None:
                    pending_space = (start, end)
                continue
            if pending_space is not None:
                chars.append(" ")
                starts.append(pending_space[0])
                ends.append(pending_space[1])
                pending_space = None
            chars.append(ch)
            starts.append(start)
            ends.append(end)
    folded = "".join(chars)
    if folded != fold(text):  # a normalisation this map does not model: say so rather than mislead
        raise ValueError("cannot map the folded seed text back to its raw characters")
    return folded, tuple(starts), tuple(ends)


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
