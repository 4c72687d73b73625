"""Provenance checks: every quote is in its seed, every extracted value is in its quote.

Work is done once per distinct (source, quote) and per distinct (value, quote) pair, so a
million-row file that repeats a few quotes costs a few thousand string searches, not a
million rescans of the seeds.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from . import text as tx
from .fields import Field, Table
from .report import Problem, spreadsheet_row


class Seeds:
    """Folded text of each seed, by source_id, read once."""

    def __init__(self, texts: dict[str, str]):
        self._folded = {k: tx.fold(v) for k, v in texts.items()}

    @classmethod
    def from_sources(cls, sources: pd.DataFrame, root: Path) -> "Seeds":
        texts = {}
        for sid, rel in zip(sources["source_id"].astype("object"), sources["seed_file"].astype("object")):
            path = root / str(rel)
            if isinstance(sid, str) and path.is_file():
                texts[sid] = path.read_text(encoding="utf-8", errors="replace")
        return cls(texts)

    def __contains__(self, source_id: object) -> bool:
        return source_id in self._folded

    @lru_cache(maxsize=65536)
    def missing_spans(self, source_id: str, quote: str) -> tuple[str, ...]:
        seed = self._folded[source_id]
        return tuple(s for s in tx.spans(quote) if s not in seed)


def _key(df: pd.DataFrame, table: Table, i) -> str | None:
    v = df.at[i, table.primary_key] if table.primary_key in df else None
    return None if v is None or pd.isna(v) else str(v)


def _quote_source(table: Table, quote_col: str) -> str:
    for p in table.provenance:
        if p.quote == quote_col:
            return p.source
    return "source_id"


@lru_cache(maxsize=262144)
def _in_quote(value: str, quote: str) -> bool:
    needle = tx.fold(value).casefold()
    return needle in tx.fold(quote).casefold() or tx.visible(value) in tx.visible(quote)


def _value_ok(field: Field, value, text_value, quote: str, percent: bool) -> tuple[bool, str]:
    """Whether one extracted value is supported by its quote (and its verbatim words)."""
    if field.type in ("integer", "number"):
        if text_value is not None:
            if not _in_quote(text_value, quote):
                return False, f"its words {text_value!r} are not in the quote"
            if tx.number_matches(value, text_value, percent):
                return True, ""
        if tx.number_matches(value, quote, percent):
            return True, ""
        return False, "the number does not appear in the quote" + (
            f" or in {field.text}" if field.text else "")
    if field.type == "date":
        if text_value is None:
            return False, f"a date needs its source words in {field.text}"
        if not tx.date_supported(str(value), text_value):
            return False, f"the date does not match its words {text_value!r}"
        return True, ""
    if field.verbatim == "items":
        missing = [item for item in str(value).split("; ") if not _in_quote(item, quote)]
        return (not missing, f"not in the quote: {', '.join(missing)}")
    if field.verbatim:
        return _in_quote(str(value), quote), "the text is not in the quote"
    return True, ""


def check(df: pd.DataFrame, table: Table, seeds: Seeds, require_known_sources: bool = True) -> list[Problem]:
    """All provenance problems of one table's frame."""
    problems: list[Problem] = []
    if not table.provenance:
        return problems
    # 1. quotes are verbatim spans of their seed
    for prov in table.provenance:
        if prov.quote not in df or prov.source not in df:
            continue
        pairs = df[[prov.source, prov.quote]].astype("object")
        for (sid, quote), idx in pairs.groupby([prov.source, prov.quote], dropna=True, sort=False).groups.items():
            if sid not in seeds:
                if require_known_sources:
                    for i in idx:
                        problems.append(Problem(table.name, "quote_source_known",
                                                f"{prov.source} names no seed of this package",
                                                spreadsheet_row(i), _key(df, table, i), prov.source, str(sid)))
                continue
            missing = seeds.missing_spans(sid, quote)
            if missing:
                for i in idx:
                    problems.append(Problem(table.name, "quote_in_seed",
                                            f"quote not found in seed {sid}: {tx.fold(missing[0])[:60]!r}",
                                            spreadsheet_row(i), _key(df, table, i), prov.quote, str(quote)))
    # 2. extracted values are supported by their quote
    for f in table.fields:
        if f.evidence is None or f.is_derived or f.name not in df or f.evidence not in df:
            continue
        source_col = _quote_source(table, f.evidence)
        cols = [f.name, f.evidence, f.text if f.text and f.text in df else None,
                "unit" if "unit" in df and f.unit is None else None]
        cols = [c for c in cols if c is not None]
        sub = df[cols].astype("object")
        sub = sub[sub[f.name].notna() & sub[f.evidence].notna()]
        if sub.empty:
            continue
        if source_col in df:
            known = df.loc[sub.index, source_col].astype("object").map(lambda s: s in seeds)
            sub = sub[known.astype(bool)]
        for combo, idx in sub.groupby(cols, dropna=False, sort=False).groups.items():
            named = dict(zip(cols, combo))
            value, quote = named[f.name], named[f.evidence]
            words = named.get(f.text) if f.text and not pd.isna(named.get(f.text)) else None
            percent = f.unit == "percent" or named.get("unit") == "percent"
            ok, why = _value_ok(f, value, words, quote, percent)
            if not ok:
                for i in idx:
                    problems.append(Problem(table.name, "value_in_quote", f"{f.name}: {why}",
                                            spreadsheet_row(i), _key(df, table, i), f.name, str(value)))
    return problems
