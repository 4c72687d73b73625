"""Validation problems and how they are shown: grouped by table, as text or JSON."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong: where (table, row, key, column), which check, and the offending value.

    `check` is a stable id from `jakdata.checkids`. `row` is the row number a spreadsheet
    shows for the CSV (the header is row 1, so the first data row is row 2); it is None for
    problems about a whole table or file.
    """

    table: str
    check: str
    message: str
    row: int | None = None
    key: str | None = None
    column: str | None = None
    value: str | None = None

    def line(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.key:
            where.append(f"key {self.key}")
        if self.column:
            where.append(f"column {self.column}")
        place = ", ".join(where) or "table"
        value = "" if self.value is None else f" (value: {_short(self.value)})"
        return f"  {place}: [{self.check}] {self.message}{value}"


def problem(table: str, check: str, row: int | None = None, key: str | None = None, column: str | None = None,
            value: object = None, **params: object) -> Problem:
    """A Problem of a fixed check id, its message filled from the id's template."""
    from .checkids import message

    shown = None if value is None else str(value)
    return Problem(table, check, message(check, value=shown, column=column, **params), row, key, column, shown)


def _short(value: str, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def spreadsheet_row(index: int) -> int:
    """Row number a spreadsheet shows for 0-based data row `index` (header is row 1)."""
    return int(index) + 2


def as_text(problems: list[Problem], checked: list[str], notes: list[str] | None = None) -> str:
    """The text report; `notes` (what was read, what was not checked) follow the verdict line."""
    if not problems:
        return "\n".join([f"valid: {len(checked)} table(s) checked ({', '.join(checked)})", *(notes or [])])
    out = [f"invalid: {len(problems)} problem(s) in {len({p.table for p in problems})} table(s)"]
    by_table: dict[str, list[Problem]] = {}
    for p in problems:  # one pass: linear in the number of problems
        by_table.setdefault(p.table, []).append(p)
    for table, mine in by_table.items():
        out.append(f"{table}: {len(mine)} problem(s)")
        out.extend(p.line() for p in mine)
    return "\n".join(out[:1] + (notes or []) + out[1:])


def as_json(problems: list[Problem], checked: list[str], notes: list[str] | None = None,
            sources: list[dict] | None = None) -> str:
    """The JSON report; "notes" and "sources" (documents read, with SHA-256) appear only when given."""
    report: dict = {"valid": not problems, "tables_checked": checked}
    if notes is not None:
        report["notes"] = notes
    if sources is not None:
        report["sources"] = sources
    report["problems"] = [asdict(p) for p in problems]
    return json.dumps(report, indent=2, ensure_ascii=False)
