"""Rendering a `jakdata diff` report as text (a terminal), JSON (a program) or Markdown (a
pull-request comment or `$GITHUB_STEP_SUMMARY`)."""

from __future__ import annotations

import html
import json
import math
import re

from .diff import Report, TableRows
from .diff_tables import canonical


def render(report: Report, output: str, max_rows: int | None = None) -> str:
    """The report in `output` format (text, json or markdown); at most `max_rows` rows listed
    per table and kind (counts always complete)."""
    return {"text": as_text, "json": as_json, "markdown": as_markdown}[output](report, max_rows)


def _head(items: list, max_rows: int | None) -> tuple[list, int]:
    """The listed items and how many were left out."""
    if max_rows is None or len(items) <= max_rows:
        return items, 0
    return items[:max_rows], len(items) - max_rows


def _side(side) -> str:
    return f"{side.label} ({side.where}, version {side.version or '(none)'})"


def _verdict_line(report: Report) -> str:
    return f"required bump: {report.bump.upper() if report.bump != 'none' else 'none'}; {report.verdict.reason}"


def _by_table(report: Report) -> dict[str | None, list]:
    groups: dict[str | None, list] = {}
    for c in report.changes:
        groups.setdefault(c.table, []).append(c)
    return groups


# --- text ------------------------------------------------------------------------------------

def _cell(value) -> str:
    """A typed cell for a terminal: text quoted (so whitespace shows), missing said so."""
    if value is None:
        return "(missing)"
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else canonical(value)


def _key(key: dict) -> str:
    return ", ".join(f"{k}={_cell(v) if not isinstance(v, str) else v}" for k, v in key.items()) or "(row)"


def _text_rows(rows: TableRows, max_rows: int | None) -> list[str]:
    lines = []
    for mark, items, what in (("+", rows.added, "added"), ("-", rows.removed, "removed")):
        shown, more = _head(items, max_rows)
        for key, row in shown:
            lines.append(f"  {mark} {_key(key)}")
            lines += [f"      {c}: {_cell(v)}" for c, v in row.items() if v is not None and c not in key]
        if more:
            lines.append(f"  … and {more} more rows {what}")
    shown, more = _head(rows.changed, max_rows)
    for key, cells in shown:
        lines.append(f"  ~ {_key(key)}")
        lines += [f"      {c}: {_cell(a)} → {_cell(b)}" for c, a, b in cells]
    if more:
        lines.append(f"  … and {more} more rows changed")
    return lines


def as_text(report: Report, max_rows: int | None = None) -> str:
    lines = [f"old: {_side(report.old)}", f"new: {_side(report.new)}", ""]
    if not report.changes:
        lines.append("no change")
    for table, changes in _by_table(report).items():
        rows = report.tables.get(table)
        if table is None:
            lines.append("package")
        elif rows is None:
            lines.append(f"table {table}")
        else:
            note = f"; {rows.note}" if rows.note else ""
            key = f"key {', '.join(rows.key)}; " if rows.key else ""
            lines.append(f"table {table} ({key}{rows.old_rows} → {rows.new_rows} rows{note})")
        lines += [f"  {c.bump.upper():<5}  {c.message}" for c in changes]
        if rows is not None:
            lines += _text_rows(rows, max_rows)
    lines += ["", _verdict_line(report)]
    return "\n".join(lines)


# --- JSON ------------------------------------------------------------------------------------

def _plain(value):
    """JSON-safe: non-finite numbers, which JSON cannot hold, become their Table Schema text."""
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("INF" if value > 0 else "-INF")
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _table_json(rows: TableRows, max_rows: int | None) -> dict:
    added, _ = _head(rows.added, max_rows)
    removed, _ = _head(rows.removed, max_rows)
    changed, _ = _head(rows.changed, max_rows)
    return {"key": rows.key, "old_rows": rows.old_rows, "new_rows": rows.new_rows, "note": rows.note,
            "rows_added": len(rows.added), "rows_removed": len(rows.removed), "rows_changed": len(rows.changed),
            "changed_values_per_column": rows.per_column,
            "added": [{"key": k, "row": r} for k, r in added],
            "removed": [{"key": k, "row": r} for k, r in removed],
            "changed": [{"key": k, "cells": [{"column": c, "old": a, "new": b} for c, a, b in cells]}
                        for k, cells in changed]}


def as_json(report: Report, max_rows: int | None = None) -> str:
    doc = {"old": {"side": report.old.label, "where": report.old.where, "version": report.old.version},
           "new": {"side": report.new.label, "where": report.new.where, "version": report.new.version},
           "changed": bool(report.changes), "bump": report.bump,
           "version_check": {"ok": report.verdict.ok, "minimum": report.verdict.minimum,
                             "reason": report.verdict.reason},
           "changes": [{"bump": c.bump, "kind": c.kind, "table": c.table, "field": c.field, "message": c.message,
                        "old": c.old, "new": c.new, "guess": c.guess} for c in report.changes],
           "tables": {name: _table_json(rows, max_rows) for name, rows in report.tables.items()}}
    return json.dumps(_plain(doc), indent=2, ensure_ascii=False, allow_nan=False)


# --- Markdown --------------------------------------------------------------------------------

_ACTIVE = re.compile(r"([\\`*_\[\]<>|~$&])")


def _md(text: str) -> str:
    """Literal text for Markdown: the marks that could start emphasis, code, a link, HTML, an
    entity, math or a table cell are backslash-escaped (CommonMark allows it for any of them)."""
    return _ACTIVE.sub(r"\\\1", text).replace("\n", "<br>")


def _code(value) -> str:
    """A typed cell as a code span, shown exactly: text raw unless empty, padded or holding a
    control character (then JSON-quoted), with a fence longer than any backtick run."""
    if value is None:
        return "*missing*"
    text = canonical(value)
    if isinstance(value, str) and (not value or value != value.strip() or any(ord(c) < 32 for c in value)):
        text = json.dumps(value, ensure_ascii=False)
    text = text.replace("|", "\\|")
    fence = "`" * (max((len(r) for r in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)] + ["| " + " | ".join(r) + " |"
                                                                           for r in rows]


def _md_rows(rows: TableRows, max_rows: int | None) -> list[str]:
    parts = []
    shown, more = _head(rows.changed, max_rows)
    if shown:
        parts += ["", f"**Changed rows** ({len(rows.changed)})", ""]
        parts += _md_table(["row", "column", "old", "new"],
                           [[_md(_key(k)), _md(c), _code(a), _code(b)] for k, cells in shown for c, a, b in cells])
        parts += ["", f"… and {more} more changed rows"] if more else []
    for title, items in (("Added rows", rows.added), ("Removed rows", rows.removed)):
        shown, more = _head(items, max_rows)
        if shown:
            columns = list(shown[0][1])
            parts += ["", f"**{title}** ({len(items)})", ""]
            parts += _md_table([_md(c) for c in columns], [[_code(r.get(c)) for c in columns] for _, r in shown])
            parts += ["", f"… and {more} more"] if more else []
    return parts


def as_markdown(report: Report, max_rows: int | None = None) -> str:
    ok = report.verdict.ok
    mark = "✅" if ok else ("❌" if ok is False else "⚠️")
    title = "no change" if not report.changes else f"{report.bump.upper()} change"
    out = [f"### jakdata diff: {title}", "",
           f"{_md(_side(report.old))} → {_md(_side(report.new))}", "",
           f"{mark} **{_md(_verdict_line(report))}**"]
    if not report.changes:
        return "\n".join(out) + "\n"
    out += [""] + _md_table(["bump", "table", "change"],
                            [[c.bump.upper(), _md(c.table) if c.table else "*package*", _md(c.message)]
                             for c in report.changes])
    for name, rows in report.tables.items():
        if not (rows.added or rows.removed or rows.changed):
            continue
        counts = ", ".join(f"{n} {w}" for n, w in ((len(rows.added), "added"), (len(rows.removed), "removed"),
                                                     (len(rows.changed), "changed")) if n)
        key = f" (key {', '.join(rows.key)})" if rows.key else ""
        out += ["", f"<details><summary><code>{html.escape(name)}</code>{html.escape(key)}: rows {counts}"
                    "</summary>"]
        out += _md_rows(rows, max_rows)
        out += ["", "</details>"]
    return "\n".join(out) + "\n"
