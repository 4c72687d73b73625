"""Validation problems and how they are shown: ordered by row, capped, as text or JSON.

The CI formats (GitHub annotations, JUnit, SARIF, Markdown) are in `jakdata.reportformats`;
every format renders the same `Findings`, so each carries exactly the problems JSON does.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Iterable

#: How many problems a report lists unless told otherwise (`--max-problems`); the rest are counted.
DEFAULT_MAX_PROBLEMS = 1000


@dataclass(frozen=True)
class Problem:
    """One thing wrong: where (table, row, key, column), which check, and the offending value.

    `check` is a stable id from `jakdata.checkids`. `row` is the row number a spreadsheet
    shows for the CSV (the header is row 1, so the first data row is row 2); it is None for
    problems about a whole table or file. `line` is the physical line of the file the row
    starts on (it differs from `row` once a quoted cell spans several lines); it is filled
    for CSV input only. `value` is the cell as written in the file.
    """

    table: str
    check: str
    message: str
    row: int | None = None
    key: str | None = None
    column: str | None = None
    value: str | None = None
    line: int | None = None

    def where(self) -> str:
        """'row 3 (line 4), key k, column c', or 'table' for a problem of the whole table."""
        parts = []
        if self.row is not None:
            parts.append(f"row {self.row}" + (f" (line {self.line})" if self.line not in (None, self.row) else ""))
        if self.key:
            parts.append(f"key {self.key}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts) or "table"

    def text(self) -> str:
        """The problem as one indented line of the text report."""
        value = "" if self.value is None or _repeats(self.message, self.value) else f" (value: {_short(self.value)})"
        return f"  {self.where()}: [{self.check}] {self.message}{value}"


def problem(table: str, check: str, row: int | None = None, key: str | None = None, column: str | None = None,
            value: object = None, **params: object) -> Problem:
    """A Problem of a fixed check id, its message filled from the id's template."""
    from .checkids import message

    shown = None if value is None else str(value)
    return Problem(table, check, message(check, value=shown, column=column, **params), row, key, column, shown)


def _short(value: str, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _repeats(message: str, value: str) -> bool:
    """Whether the message already quotes the whole value (then '(value: …)' would say it twice)."""
    return repr(value) in message or (len(value) <= 80 and f" {value} " in f" {message} ")


def spreadsheet_row(index: int) -> int:
    """Row number a spreadsheet shows for 0-based data row `index` (header is row 1)."""
    return int(index) + 2


def row_order(problems: Iterable[Problem]) -> list[Problem]:
    """Problems grouped by table (in order of first appearance), then by row; whole-table ones first.

    The sort is stable, so one row's problems keep the order of the checks that found them.
    """
    tables: dict[str, int] = {}
    for p in problems:
        tables.setdefault(p.table, len(tables))
    return sorted(problems, key=lambda p: (tables[p.table], p.row is not None, p.row or 0))


@dataclass
class Findings:
    """What a validation found: the first problems in row order, and how many more of each check.

    `shown` holds at most `limit` problems; `omitted` counts the others by (table, check id),
    so a report stays bounded in size and memory however many problems the input has.
    """

    limit: int | None = DEFAULT_MAX_PROBLEMS
    shown: list[Problem] = field(default_factory=list)
    omitted: Counter = field(default_factory=Counter)

    @classmethod
    def of(cls, problems: Iterable[Problem], limit: int | None = DEFAULT_MAX_PROBLEMS) -> "Findings":
        found = cls(limit)
        found.add(problems)
        return found

    def add(self, problems: Iterable[Problem]) -> None:
        """Add a batch (say, one chunk's): `shown` stays the first `limit` of all seen, in row order."""
        merged = row_order([*self.shown, *problems])
        keep = len(merged) if self.limit is None else self.limit
        self.shown = merged[:keep]
        self.omitted.update((p.table, p.check) for p in merged[keep:])

    @property
    def total(self) -> int:
        return len(self.shown) + sum(self.omitted.values())

    @property
    def tables(self) -> list[str]:
        return list(dict.fromkeys([*(p.table for p in self.shown), *(t for t, _ in self.omitted)]))

    def __bool__(self) -> bool:
        return self.total > 0


def _findings(problems, limit: int | None) -> Findings:
    return problems if isinstance(problems, Findings) else Findings.of(problems, limit)


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def summary(found: Findings, checked: list[str], target: str | None = None) -> str:
    """The first line of every report: valid or invalid, how many problems, what was checked."""
    where = f" in {target}" if target else ""
    if not found:
        return f"valid: {len(checked)} table(s) checked{where} ({', '.join(checked)})"
    rows = len({(p.table, p.row) for p in found.shown if p.row is not None})
    checks = omitted_checks(found, all_checks=True)
    listed = ", ".join(checks[:6]) + (f" and {len(checks) - 6} more" if len(checks) > 6 else "")
    return (f"invalid: {found.total:,} problem(s) in {len(found.tables)} table(s){where}; "
            f"{_count(rows, 'row')}{'+' if found.omitted else ''} affected; checks: {listed}")


def omitted_by_check(found: Findings) -> Counter:
    """How many problems of each check id were left out."""
    counts: Counter = Counter()
    for (_table, check), n in found.omitted.items():
        counts[check] += n
    return counts


def omitted_checks(found: Findings, all_checks: bool = False) -> list[str]:
    """Check ids of the omitted problems (or of every problem), most frequent first."""
    counts = omitted_by_check(found)
    if all_checks:
        counts.update(p.check for p in found.shown)
    return [c for c, _ in counts.most_common()]


def more_line(found: Findings) -> str | None:
    """'and K more problems of these checks: type (…), enum (…)', when some were left out."""
    if not found.omitted:
        return None
    counts = ", ".join(f"{c} ({n:,})" for c, n in omitted_by_check(found).most_common())
    return f"and {sum(found.omitted.values()):,} more problems of these checks: {counts} (--max-problems to see more)"


def as_text(problems, checked: list[str], notes: Iterable[str] = (), *, target: str | None = None,
            max_problems: int | None = DEFAULT_MAX_PROBLEMS) -> str:
    """The human report: a summary line, then each table's problems by row, the omitted count and notes.

    Linear in the number of problems: one pass groups them, one sort orders them.
    """
    found = _findings(problems, max_problems)
    out = [summary(found, checked, target)]
    by_table: dict[str, list[Problem]] = {}
    for p in found.shown:
        by_table.setdefault(p.table, []).append(p)
    for table, mine in by_table.items():
        out.append(f"{table}: {len(mine)} problem(s)")
        out.extend(p.text() for p in mine)
    more = more_line(found)
    if more:
        out.append(more)
    notes = list(notes)
    if notes:
        out.append("notes:")
        out.extend(f"  {n}" for n in notes)
    return "\n".join(out)


def as_dict(problems, checked: list[str], notes: Iterable[str] = (), *, target: str | None = None,
            max_problems: int | None = DEFAULT_MAX_PROBLEMS, sources: list[dict] | None = None) -> dict:
    """The JSON report as data: the 1.x/2.0 keys, plus the count, the omitted checks and the notes.

    `sources`: the user's own source documents read (`--sources DIR`), each with its SHA-256.
    """
    found = _findings(problems, max_problems)
    extra = {} if sources is None else {"sources": sources}
    return {**extra, "valid": not found, "tables_checked": checked,
            "problems": [asdict(p) for p in found.shown],
            "summary": summary(found, checked, target),
            "target": target,
            "problem_count": found.total,
            "omitted": [{"table": t, "check": c, "count": n} for (t, c), n in found.omitted.most_common()],
            "notes": list(notes)}


def as_json(problems, checked: list[str], notes: Iterable[str] = (), *, target: str | None = None,
            max_problems: int | None = DEFAULT_MAX_PROBLEMS, sources: list[dict] | None = None) -> str:
    return json.dumps(as_dict(problems, checked, notes, target=target, max_problems=max_problems,
                              sources=sources), indent=2, ensure_ascii=False)
