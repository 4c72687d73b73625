"""What each page shows, as plain data for the templates: no HTML is written here.

Every string from the package reaches the page through a Jinja2 template with autoescape on;
this module only decides which values become links, and links only to the site's own pages
or to http(s) addresses.
"""

from __future__ import annotations

from ..catalog import LEDGER_TABLE, SOURCES_TABLE

import re
from collections import defaultdict
from dataclasses import dataclass, field

from ..catalog import TABLES
from ..text import SPAN_SEPARATOR, fold
from .package import Package
from .quotes import Location

_SAFE_ID = re.compile(r"[A-Za-z0-9_]")
_WEB_ADDRESS = re.compile(r"https?://[^\s\"'<>\\\x00-\x1f\x7f]+", re.IGNORECASE)
EXCERPT = 160
LONG = 60  # characters from which a cell gets a wide column


def slug(value: str) -> str:
    """A value as an id or file-name part: letters, digits and '_' kept, anything else '-hex-'.

    Keys that are already identifiers stay as they are (`ipss_risk`); the encoding is
    one-to-one, and its output is safe in HTML ids, URL fragments, file names and CSS.
    """
    if value == "":
        return "-"
    return "".join(ch if _SAFE_ID.fullmatch(ch) else f"-{ord(ch):x}-" for ch in value)


def table_page(name: str) -> str:
    return f"{name}.html"


def seed_page(source_id: str) -> str:
    return f"seed_{slug(source_id)}.html"


def quote_anchor(loc: Location) -> str:
    """The seed page's id for one span of one row's quote, e.g. q-jump_predictors-ipss_risk-quote-1."""
    return f"q-{loc.table}-{slug(loc.key)}-{loc.quote_column}-{loc.span}"


def quote_href(loc: Location) -> str:
    return f"{seed_page(loc.source_id)}#{quote_anchor(loc)}"


def row_href(table: str, key: str) -> str:
    return f"{table_page(table)}#{slug(key)}"


def web_address(value: str) -> str | None:
    """`value` when it is a plain http(s) address, else None (so it is shown as text, never a link)."""
    return value if _WEB_ADDRESS.fullmatch(value) else None


def excerpt(text: str) -> str:
    t = fold(text)
    return t if len(t) <= EXCERPT else t[:EXCERPT - 1].rstrip() + "…"


# --- the data dictionary ---------------------------------------------------------------------------

def constraints(table, f) -> list[str]:
    """The rules a column obeys, in words: the data dictionary's own list, without its Markdown."""
    from ..docs import field_constraints

    return [c.replace("`", "") for c in field_constraints(f, table)]


# --- table pages -----------------------------------------------------------------------------------

@dataclass
class Cell:
    value: str  # the raw cell text (sorting and filtering use it)
    parts: list[tuple[str, str | None]]  # (text, href or None), shown in order
    classes: str = ""
    missing_spans: int = 0  # spans of a quote not found in the seed


def _links_from_list(value: str, href_of) -> list[tuple[str, str | None]]:
    parts: list[tuple[str, str | None]] = []
    for i, item in enumerate(value.split("; ")):
        if i:
            parts.append(("; ", None))
        parts.append((item, href_of(item)))
    return parts


def _as_written(quote: str, count: int) -> list[str] | None:
    """The quote cell's spans as written (not folded), when they pair one-to-one with its spans."""
    parts = [p.strip() for p in quote.split(SPAN_SEPARATOR) if p.strip()]
    return parts if len(parts) == count else None


def _affected_href(item: str) -> str | None:
    table, sep, key = item.partition(":")
    return row_href(table, key) if sep and table in TABLES else None


def table_context(package: Package, name: str, by_row: dict) -> dict:
    """The dictionary and every row of one table, with the links each cell carries."""
    table = TABLES[name]
    from ..load import describe

    checks = describe(name)["checks"]
    foreign = {fk.fields: fk.reference for fk in table.foreign_keys}
    quote_cols = {p.quote for p in table.provenance}
    columns = [{"name": f.name, "type": f.type, "unit": f.unit, "description": f.description,
                "derived": f.derived, "constraints": constraints(table, f),
                "enum": list(f.enum) if f.enum is not None else None,
                "numeric": f.type in ("integer", "number")} for f in table.fields]
    rows = []
    for row in package.rows[name]:
        key = row[table.primary_key]
        cells = []
        for f in table.fields:
            value = row.get(f.name, "")
            classes = ["derived"] if f.is_derived else []
            missing = 0
            if value == "":
                parts = []
            elif f.name in quote_cols:
                parts = []
                locs = by_row.get((name, key, f.name), [])
                shown = _as_written(value, len(locs))
                for i, loc in enumerate(locs):
                    if i:
                        parts.append((SPAN_SEPARATOR, None))
                    parts.append((shown[i] if shown else loc.quoted,
                                  quote_href(loc) if loc.start is not None else None))
                    missing += loc.start is None
                classes.append("quote")
            elif f.name == "issue_ids":
                parts = _links_from_list(value, lambda i: row_href(LEDGER_TABLE, i))
            elif f.name == "affected_rows":
                parts = _links_from_list(value, _affected_href)
            elif f.name in foreign:
                parts = [(value, row_href(foreign[f.name], value))]
            elif name == SOURCES_TABLE and f.name == "seed_file":
                parts = [(value, seed_page(key))]
            elif f.name == "url":
                parts = [(value, web_address(value))]
            else:
                parts = [(value, None)]
            if len(value) > LONG:
                classes.append("long")
            cells.append(Cell(value, parts, " ".join(classes), missing))
        rows.append({"id": slug(key), "key": key, "cells": cells})
    return {"table": table, "columns": columns, "checks": checks, "rows": rows,
            "filters": [c for c in columns if c["enum"]]}


# --- seed pages ------------------------------------------------------------------------------------

@dataclass
class Passage:
    """One distinct quoted range of a seed and everything that cites it."""

    number: int
    start: int
    end: int
    text: str
    rows: list[Location] = field(default_factory=list)
    issues: list[dict] = field(default_factory=list)  # source_issues rows quoting this range


def seed_context(package: Package, source_id: str, locs: list[Location]) -> dict:
    """A seed's text cut at every quoted range's ends, each piece knowing who cites it."""
    text = package.seeds[source_id]
    issues = {r["issue_id"]: r for r in package.rows["source_issues"]}
    ranges: dict[tuple[int, int], list[Location]] = defaultdict(list)
    for loc in locs:
        if loc.start is not None:
            ranges[(loc.start, loc.end)].append(loc)
    passages = []
    for number, (start, end) in enumerate(sorted(ranges), start=1):
        p = Passage(number, start, end, excerpt(text[start:end]))
        for loc in ranges[(start, end)]:
            if loc.table == LEDGER_TABLE:
                p.issues.append(issues[loc.key])
            else:
                p.rows.append(loc)
        passages.append(p)
    anchors_at: dict[int, list[str]] = defaultdict(list)
    for p in passages:
        for loc in ranges[(p.start, p.end)]:
            anchors_at[p.start].append(quote_anchor(loc))
    cuts = sorted({0, len(text)} | {p.start for p in passages} | {p.end for p in passages})
    segments, notes, note_of = [], [], {}
    for a, b in zip(cuts, cuts[1:]):
        over = tuple(p for p in passages if p.start <= a and b <= p.end)
        seg = {"text": text[a:b], "anchors": anchors_at.get(a, []), "passages": over, "id": None, "note": None,
               "classes": "", "issues": []}
        if over:
            numbers = tuple(p.number for p in over)
            if numbers not in note_of:
                note_of[numbers] = len(notes) + 1
                notes.append({"id": f"c-{note_of[numbers]}", "back": f"s-{note_of[numbers]}", "passages": over})
                seg["id"] = f"s-{note_of[numbers]}"
            seg["note"] = f"c-{note_of[numbers]}"
            seg["classes"] = " ".join(
                (["q"] if any(p.rows for p in over) else []) + (["issue"] if any(p.issues for p in over) else [])
                + [f"r{n}" for n in numbers])
            seg["issues"] = [i for p in over for i in p.issues]
        segments.append(seg)
    cited = _covered(passages, lambda p: p.rows)
    ledger = _covered(passages, lambda p: p.issues)
    targets = [{"anchors": [quote_anchor(loc) for loc in ranges[(p.start, p.end)]], "cls": f"r{p.number}"}
               for p in passages]
    source = next(r for r in package.rows["sources"] if r["source_id"] == source_id)
    return {"source": source, "source_url": web_address(source.get("url", "")), "segments": segments,
            "notes": notes, "targets": targets, "chars": len(text), "cited": cited, "ledger": ledger,
            "cited_pct": _pct(cited, len(text)), "ledger_pct": _pct(ledger, len(text)),
            "issue_passages": [p for p in passages if p.issues], "seed_file": package.seed_files[source_id]}


def _covered(passages: list[Passage], which) -> int:
    """Characters inside at least one passage that `which` selects."""
    total, reach = 0, 0
    for p in sorted((p for p in passages if which(p)), key=lambda p: p.start):
        lo = max(p.start, reach)
        if p.end > lo:
            total += p.end - lo
        reach = max(reach, p.end)
    return total


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}" if whole else "0.0"
