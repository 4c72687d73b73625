"""Text comparisons used by the provenance checks: folding, numbers, number words, dates.

Everything here is pure standard-library Python and cached, because validation of a large
external file calls these once per distinct quote, not once per row.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache

#: Separator between several verbatim spans in one quote cell (folded form is " ... ").
SPAN_SEPARATOR = " … "

_WS = re.compile(r"\s+")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?![\d])")


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Unicode NFKC, then every run of white space becomes one space, trimmed."""
    return _WS.sub(" ", unicodedata.normalize("NFKC", text)).strip()


@lru_cache(maxsize=65536)
def spans(quote: str) -> tuple[str, ...]:
    """The folded verbatim spans a quote cell holds (usually one)."""
    return tuple(s.strip() for s in fold(quote).split(fold(SPAN_SEPARATOR)) if s.strip())


#: A quote span that supports an extracted value has at least this many words (see `words`).
MIN_SPAN_WORDS = 4

_WORD = re.compile(r"\S*[^\W_]\S*")
_MD_LINK = re.compile(r"\[([^\[\]]*)\]\([^()\s]*\)")


@lru_cache(maxsize=65536)
def words(text: str) -> int:
    """How many words `text` has: runs of non-space characters holding a letter or a digit.

    Counted on the folded text with Markdown links read as their link text, so '(n=119),'
    and '0.44–0.95' are one word each, and '…', '|' or '–' standing alone are none.
    """
    return len(_WORD.findall(link_text(text)))


@lru_cache(maxsize=65536)
def link_text(text: str) -> str:
    """Folded text with each Markdown link `[words](target)` replaced by its `words`.

    The one tolerance of the verbatim comparison: the seeds are Markdown copies of web pages,
    and a reader of the page sees the link's words, not its target.
    """
    return _WS.sub(" ", _MD_LINK.sub(r"\1", fold(text))).strip()


@lru_cache(maxsize=262144)
def verbatim_in(value: str, span: str) -> bool:
    """Whether `value` is written in `span`: exact after `fold` (NFKC and white space), case kept.

    The span may also be read with its Markdown links as their link text (`link_text`);
    nothing else is forgiven: not case, not other markup, not punctuation.
    """
    needle = fold(value)
    return bool(needle) and (needle in fold(span) or needle in link_text(span))


@lru_cache(maxsize=65536)
def numbers_in(text: str) -> frozenset[Decimal]:
    """Every number written with digits in `text`, thousands separators removed."""
    t = _THOUSANDS.sub("", fold(text))
    return frozenset(Decimal(m).normalize() for m in _NUMBER.findall(t))


def as_decimal(value: float | int) -> Decimal | None:
    """The shortest decimal that prints as `value` (0.65, not 0.6500000000000000222)."""
    try:
        return Decimal(repr(float(value))).normalize() if not float(value).is_integer() \
            else Decimal(int(value)).normalize()
    except (InvalidOperation, ValueError, OverflowError):
        return None


_UNITS = {
    "zero": 0, "no": 0, "none": 0, "once": 1, "one": 1, "single": 1, "two": 2, "twice": 2, "three": 3,
    "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11,
    "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
_SCALES = {"hundred": 100, "thousand": 1000}
_FRACTIONS = {"half": Decimal("0.5"), "quarter": Decimal("0.25"), "third": None}


@lru_cache(maxsize=4096)
def numbers_in_words(text: str) -> frozenset[Decimal]:
    """Numbers spelled out in `text` ('Ninety percent' → 90, 'four weeks' → 4, 'half' → 0.5)."""
    found: set[Decimal] = set()
    current: int | None = None
    for word in re.findall(r"[a-z]+", fold(text).casefold()):
        if word in _UNITS:
            current = (current or 0) + _UNITS[word]
        elif word in _TENS:
            current = (current or 0) + _TENS[word]
        elif word in _SCALES and current is not None:
            current *= _SCALES[word]
        else:
            if current is not None:
                found.add(Decimal(current))
                current = None
            frac = _FRACTIONS.get(word)
            if frac is not None:
                found.add(frac)
    if current is not None:
        found.add(Decimal(current))
    return frozenset(found)


def number_matches(value: float | int, text: str, percent: bool = False) -> bool:
    """Whether `value` is written in `text`, with digits or in words.

    For a percentage, a spelled fraction also counts ('half' supports 50).
    """
    d = as_decimal(value)
    if d is None:
        return False
    if d in numbers_in(text):
        return True
    words = numbers_in_words(text)
    if d in words:
        return True
    return percent and any((w * 100).normalize() == d for w in words if w < 1)


_MONTHS = {m: i for i, m in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"), start=1)}


def months_in(text: str) -> set[int]:
    """Month numbers named in `text` by full name or three-letter abbreviation."""
    return {num for word in re.findall(r"[a-z]+", text.casefold())
            for name, num in _MONTHS.items() if word in (name, name[:3])}


def date_supported(iso: str, text: str) -> bool:
    """Whether every part of an ISO date (year, month, day) is written in `text`.

    '2024-08-31' is supported by 'Aug 31, 2024'; '2013' by 'between 2013 and 2022';
    '2025-12-30' by "lastReviewed: '2025-12-30'".
    """
    if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", str(iso)):
        return False
    parts = iso.split("-")
    t = fold(text)
    if iso in t:
        return True
    nums = numbers_in(t)
    if Decimal(int(parts[0])) not in nums:
        return False
    if len(parts) >= 2 and int(parts[1]) not in months_in(t):
        return False
    if len(parts) == 3 and Decimal(int(parts[2])) not in nums:
        return False
    return True


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
    """`fold(text)` and, for each of its characters, the raw start and end it came from.

    The text is normalised piece by piece (see `_clusters`); a run of white space becomes one
    space mapped to the run's first piece. A folding this map cannot model raises ValueError
    rather than give offsets that would mislead.
    """
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pending_space: tuple[int, int] | None = None  # a run of white space not yet written
    for start, end in _clusters(text):
        for ch in unicodedata.normalize("NFKC", text[start:end]):
            if _WS.match(ch):
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
    if folded != fold(text):
        raise ValueError("cannot map the folded text back to its raw characters")
    return folded, tuple(starts), tuple(ends)


def locate(seed: str, span: str) -> list[tuple[int, int]]:
    """Every (start, end) in `seed` whose folded text is the folded `span`, as raw character offsets."""
    folded, starts, ends = folded_with_map(seed)
    needle = fold(span)
    found = []
    at = folded.find(needle) if needle else -1
    while at >= 0:
        found.append((starts[at], ends[at + len(needle) - 1]))
        at = folded.find(needle, at + 1)
    return found
