"""Provenance checks: every quote is in its seed, every extracted value is in its quote.

Work is done once per distinct (source, quote) and per distinct (value, quote) pair, so a
million-row file that repeats a few quotes costs a few thousand string searches, not a
million rescans of the seeds; the rows are grouped through integer codes (one factorization
per column), so the per-row cost is a few vectorised passes, not Python calls.
"""

from __future__ import annotations

import difflib
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from . import text as tx
from .fields import Field, Table
from .report import Problem, problem, spreadsheet_row


class Seeds:
    """Folded text of each seed, by source_id, read once."""

    def __init__(self, texts: dict[str, str], origin: str = "seed of this package"):
        self.origin = origin  # what a source_id must name, in messages
        self._folded = {k: tx.fold(v) for k, v in texts.items()}
        self._missing: dict[tuple[str, str], tuple[str, ...]] = {}
        self.searches = 0  # seed searches made: one per distinct (source, quote), never per row

    @classmethod
    def from_sources(cls, sources: pd.DataFrame, root: Path) -> "Seeds":
        texts = {}
        for sid, rel in zip(sources["source_id"].astype("object"), sources["seed_file"].astype("object")):
            path = root / str(rel)
            if isinstance(sid, str) and path.is_file():
                texts[sid] = path.read_text(encoding="utf-8", errors="replace")
        return cls(texts)

    @property
    def ids(self) -> list[str]:
        """The known source ids, in order."""
        return list(self._folded)

    def __contains__(self, source_id: object) -> bool:
        return source_id in self._folded

    def missing_spans(self, source_id: str, quote: str) -> tuple[str, ...]:
        """The spans of `quote` not found in the seed (empty when the quote is verbatim)."""
        key = (source_id, quote)
        if key not in self._missing:
            self.searches += 1
            seed = self._folded[source_id]
            self._missing[key] = tuple(s for s in tx.spans(quote) if s not in seed)
        return self._missing[key]


def _key(df: pd.DataFrame, table: Table, i) -> str | None:
    v = df.at[i, table.primary_key] if table.primary_key in df else None
    return None if v is None or pd.isna(v) else str(v)


def _quote_source(table: Table, quote_col: str) -> str:
    for p in table.provenance:
        if p.quote == quote_col:
            return p.source
    return "source_id"


def _units(unit: object) -> tuple[str, ...]:
    """The ways a row's unit is written: itself, and '%' for percent."""
    if not isinstance(unit, str) or not unit.strip():
        return ()
    return (unit, "%") if unit == "percent" else (unit,)


def _spans_with(quote: str, holds, units: tuple[str, ...]) -> tuple[int, str]:
    """Words of the longest span of `quote` for which `holds(span)` (-1 if none), and that span.

    When the quote writes the row's unit anywhere, only spans that write it too count: a
    number is read beside its unit, not from another passage that happens to hold the digits.
    """
    found = [(tx.words(s), s) for s in tx.spans(quote) if holds(s)]
    if found and any(tx.verbatim_in(u, quote) for u in units):
        found = [f for f in found if any(tx.verbatim_in(u, f[1]) for u in units)] or [(0, "")]
    return max(found) if found else (-1, "")


@lru_cache(maxsize=262144)
def _text_span(value: str, quote: str, units: tuple[str, ...] = ()) -> tuple[int, str]:
    """Words of the longest span of `quote` that holds `value` verbatim (-1 if none), and that span."""
    return _spans_with(quote, lambda s: tx.verbatim_in(value, s), units)


def _number_span(value, quote: str, percent: bool, units: tuple[str, ...]) -> tuple[int, str]:
    """Words of the longest span of `quote` that writes the number `value` (-1 if none), and that span."""
    return _spans_with(quote, lambda s: tx.number_matches(value, s, percent), units)


#: Outcome of one value's comparison with its quote: (check id or None when supported, why).
Verdict = tuple[str | None, str]
_SUPPORTED: Verdict = (None, "")


def _context(found: tuple[int, str], what: str) -> Verdict:
    """A value found in a span: supported when the span has at least MIN_SPAN_WORDS words."""
    n, span = found
    if n >= tx.MIN_SPAN_WORDS:
        return _SUPPORTED
    if not span:
        return "span_context", (f"{what} found only in spans without the row's unit, which the quote writes "
                                "elsewhere; a number is supported only beside its unit")
    return "span_context", (f"{what} found only in the span {tx.fold(span)[:60]!r} ({n} word{'s' * (n != 1)}); "
                            f"a span supporting a value needs at least {tx.MIN_SPAN_WORDS} words")


def _value_ok(field: Field, value, text_value, quote: str, percent: bool, unit: object = None) -> Verdict:
    """Whether one extracted value is supported by its quote (and its verbatim words).

    Supported means found inside one span of the quote that has at least MIN_SPAN_WORDS words:
    a number by its digits or number words (read from its words column when it has one) and,
    when the quote writes the row's `unit`, in a span that writes the unit too; a date through
    its words; verbatim text as written (`text.verbatim_in`).
    """
    if field.type in ("integer", "number"):
        units = _units(unit)
        if text_value is not None:
            where = _text_span(text_value, quote, units)
            if where[0] < 0:
                return "value_in_quote", f"its words {text_value!r} are not in the quote"
            if tx.number_matches(value, text_value, percent):
                return _context(where, f"its words {text_value!r} are")
        where = _number_span(value, quote, percent, units)
        if where[0] >= 0:
            return _context(where, "the number is")
        return "value_in_quote", "the number does not appear in the quote" + (
            f" or in {field.text}" if field.text else "")
    if field.type == "date":
        if text_value is None:
            return "value_in_quote", f"a date needs its source words in {field.text}"
        if not tx.date_supported(str(value), text_value):
            return "value_in_quote", f"the date does not match its words {text_value!r}"
        where = _text_span(text_value, quote)
        if where[0] < 0:
            return "value_in_quote", f"its words {text_value!r} are not in the quote"
        return _context(where, f"its words {text_value!r} are")
    if field.verbatim == "items":
        found = {item: _text_span(item, quote) for item in str(value).split("; ")}
        missing = [item for item, where in found.items() if where[0] < 0]
        if missing:
            return "value_in_quote", f"not in the quote: {', '.join(missing)}"
        short = [(item, where) for item, where in found.items() if where[0] < tx.MIN_SPAN_WORDS]
        return _context(short[0][1], f"{short[0][0]!r} is") if short else _SUPPORTED
    if field.verbatim:
        where = _text_span(str(value), quote)
        if where[0] < 0:
            return "value_in_quote", "the text is not in the quote"
        return _context(where, "the text is")
    return _SUPPORTED


class _Groups:
    """Rows grouped by the values of some columns, computed from integer codes.

    Each column is factorized once (in C, whatever its dtype) and reused by every check that
    groups on it; a group's values are looked up once, and its row labels only when it has a
    problem to report. Groups come in order of first appearance, rows within a group in order.
    """

    def __init__(self, df: pd.DataFrame):
        self._df = df
        self._codes: dict[str, tuple[np.ndarray, list]] = {}

    def codes(self, col: str) -> tuple[np.ndarray, list]:
        """Integer code per row (-1 where missing) and the distinct values, in order of appearance."""
        if col not in self._codes:
            codes, uniques = pd.factorize(self._df[col], use_na_sentinel=True)
            small = np.int32 if len(uniques) < 2**31 - 1 else np.int64
            self._codes[col] = (np.asarray(codes, dtype=small), uniques.to_list())
        return self._codes[col]

    def forget(self, keep: set[str]) -> None:
        """Drop the codes of columns other than `keep` (bounds memory on large frames)."""
        for col in [c for c in self._codes if c not in keep]:
            del self._codes[col]

    def present(self, col: str) -> np.ndarray:
        return self.codes(col)[0] >= 0

    def groups(self, cols: list[str], rows: np.ndarray):
        """(values, row labels) per distinct combination of `cols` among positions `rows`.

        Missing values form groups of their own (reported as None); the row labels are computed
        lazily, in one pass, the first time a group's rows are asked for.
        """
        if len(rows) == 0:
            return
        key = np.zeros(len(rows), dtype=np.int64)
        for col in cols:
            codes = self.codes(col)[0][rows].astype(np.int64) + 1  # 0 stands for missing
            key = key * (int(codes.max()) + 1) + codes
            key, _ = pd.factorize(key)  # back to 0..groups-1, in order of first appearance
            key = np.asarray(key, dtype=np.int64)
        _, first = np.unique(key, return_index=True)
        members = _Members(key, rows, self._df.index)
        for g, pos in enumerate(first):
            at = rows[pos]
            values = []
            for col in cols:
                code = self.codes(col)[0][at]
                values.append(None if code < 0 else self.codes(col)[1][code])
            yield tuple(values), (lambda g=g: members.labels(g))


class _Members:
    """Row labels of each group, sorted once on first use."""

    def __init__(self, key: np.ndarray, rows: np.ndarray, index: pd.Index):
        self._key, self._rows, self._index = key, rows, index
        self._order = self._bounds = None

    def labels(self, g: int) -> list:
        if self._order is None:
            self._order = np.argsort(self._key, kind="stable")
            self._bounds = np.searchsorted(self._key[self._order], np.arange(int(self._key.max()) + 2))
        pos = self._rows[self._order[self._bounds[g]:self._bounds[g + 1]]]
        return list(self._index[pos])


def _hint(source_id: object, seeds: "Seeds") -> str:
    """' (did you mean 'x'?)' naming the closest known source id, or nothing when none is close."""
    close = difflib.get_close_matches(str(source_id), seeds.ids, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def check(df: pd.DataFrame, table: Table, seeds: Seeds, require_known_sources: bool = True) -> list[Problem]:
    """All provenance problems of one table's frame.

    A quote naming no known source is a problem (`quote_source_known`, with the closest known
    id suggested) unless `require_known_sources` is False; its values are compared with the
    quote either way, since the quote itself is given. The work is per distinct value, never
    per row: each column is factorized once, each distinct (source, quote) is searched for in
    its seed once, and each distinct combination of value, quote and words is compared once.
    """
    problems: list[Problem] = []
    if not table.provenance:
        return problems
    grouped = _Groups(df)
    everything = np.arange(len(df))
    shared = {c for p in table.provenance for c in (p.quote, p.source)} | {"unit"}  # codes worth keeping
    # 1. quotes are verbatim spans of their seed
    for prov in table.provenance:
        if prov.quote not in df or prov.source not in df:
            continue
        rows = everything[grouped.present(prov.source) & grouped.present(prov.quote)]
        for (sid, quote), members in grouped.groups([prov.source, prov.quote], rows):
            if sid not in seeds:
                if require_known_sources:
                    hint = _hint(sid, seeds)
                    for i in members():
                        problems.append(problem(table.name, "quote_source_known", spreadsheet_row(i),
                                                _key(df, table, i), prov.source, sid, hint=hint,
                                                origin=seeds.origin))
                continue
            missing = seeds.missing_spans(sid, quote)
            if missing:
                for i in members():
                    problems.append(problem(table.name, "quote_in_seed", spreadsheet_row(i), _key(df, table, i),
                                            prov.quote, quote, source=sid, span=tx.fold(missing[0])[:60]))
    # 2. extracted values are supported by their quote, inside one span that carries context
    for f in table.fields:
        if f.evidence is None or f.is_derived or f.name not in df or f.evidence not in df:
            continue
        cols = [f.name, f.evidence, f.text if f.text and f.text in df else None,
                "unit" if "unit" in df and f.unit is None else None]
        cols = [c for c in cols if c is not None]
        mask = grouped.present(f.name) & grouped.present(f.evidence)
        for combo, members in grouped.groups(cols, everything[mask]):
            named = dict(zip(cols, combo))
            value, quote = named[f.name], named[f.evidence]
            words = named.get(f.text) if f.text else None
            percent = f.unit == "percent" or named.get("unit") == "percent"
            failed, why = _value_ok(f, value, words, quote, percent, f.unit or named.get("unit"))
            if failed:
                for i in members():
                    problems.append(problem(table.name, failed, spreadsheet_row(i), _key(df, table, i),
                                            f.name, value, why=why))
        grouped.forget(shared)
    return problems
