"""The building blocks every table definition is written in.

A `Table` lists its `Field`s, keys, row checks and derivation once; the pandera schema, the
Frictionless Table Schema, the SQL DDL, the CSV/Parquet dtypes, the data dictionary and both
validation engines are generated from it through the rule registry (`jakdata.rules`). This
module is pure Python so that `import jakdata` stays cheap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Literal

#: Field types. "date" is an ISO 8601 calendar date of reduced precision allowed
#: (YYYY, YYYY-MM or YYYY-MM-DD), stored as text because sources often give only a year.
TYPES = ("string", "integer", "number", "boolean", "date")

#: Pattern a "date" field must match, and the same in words.
DATE_PATTERN = r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$"
DATE_WORDS = "an ISO 8601 date: YYYY, YYYY-MM or YYYY-MM-DD (such as 2024, 2024-08 or 2024-08-31)"

#: The comparator vocabulary of the spec: "~" stands for about / nearly / approximately.
COMPARATORS = ("=", "~", "<", "<=", ">", ">=")

#: First characters that make a spreadsheet treat a cell as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

#: What a table is: curated dimension, hand-extracted study table, computed table, or errata ledger.
TableKind = Literal["dimension", "extracted", "derived", "ledger"]


@dataclass(frozen=True)
class Field:
    """One column: its type, meaning and the rules its values obey.

    `evidence` names the quote column that must contain this value (numbers by their digits,
    dates through `text`, `verbatim` strings as written). `text` names the column holding the
    source's own words for the value ("Ninety percent", "four weeks"). `derived` holds the
    formula for a computed column; derived columns are never typed by hand. `pattern_words`
    says the pattern in plain words for people (reports and `jakdata describe`); a field with
    a pattern must have them. `curator_only` marks a column only jakdata's curators fill
    (their notes): optional in someone's extraction, like the derived columns.
    """

    name: str
    type: str
    description: str
    required: bool = False
    unique: bool = False
    enum: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: float | None = None
    pattern: str | None = None
    unit: str | None = None
    derived: str | None = None
    evidence: str | None = None
    text: str | None = None
    verbatim: bool | str = False  # True: the whole value is in the quote; "items": each '; ' item is
    pattern_words: str | None = None
    curator_only: bool = False

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise ValueError(f"field {self.name!r}: unknown type {self.type!r}")
        if self.enum is not None and self.type != "string":
            raise ValueError(f"field {self.name!r}: only string fields take an enum")

    @property
    def is_derived(self) -> bool:
        return self.derived is not None

    @property
    def is_text(self) -> bool:
        return self.type in ("string", "date")

    @property
    def full_pattern(self) -> str | None:
        """The pattern anchored at the very end (`$` also matches before a final newline)."""
        if self.pattern is None:
            return None
        return self.pattern[:-1] + r"\Z" if self.pattern.endswith("$") else self.pattern

    @property
    def is_quote(self) -> bool:
        """True for a verbatim-quote column (`quote` or `*_quote`)."""
        return self.name == "quote" or self.name.endswith("_quote")


@dataclass(frozen=True)
class ForeignKey:
    """`fields` of this table refer to `reference_fields` of table `reference`."""

    fields: str
    reference: str
    reference_fields: str


@dataclass(frozen=True)
class RowCheck:
    """A rule across columns of one row (or of the whole table), defined beside its table.

    `test` takes the table's frame and returns a boolean Series aligned with it, True where a
    row passes (missing inputs pass: nullability is a rule of its own). `id` is the stable
    check id reports carry; `message` is a template filled with the row's values of `columns`
    (`{ci_lower}`), saying what is wrong when the rule fails.
    """

    id: str
    test: Callable[[Any], Any]
    columns: tuple[str, ...]
    title: str
    message: str
    scope: Literal["row", "table"] = "row"  # "table": needs the other rows (groups, totals)


@dataclass(frozen=True)
class Provenance:
    """A verbatim `quote` column and the `source` column naming the seed it comes from."""

    quote: str
    source: str = "source_id"


@dataclass(frozen=True)
class Derivation:
    """How a table's derived columns, or a whole derived table, are computed.

    `compute(frame, inputs, root)` returns the frame with its derived columns filled in:
    `frame` is the table's own curated rows (empty for a derived table), `inputs` the finished
    frames of the tables named in `inputs`, `root` the package directory (for file hashes).
    Validation recomputes it and compares; `recheck(got, expected)` adds problems a plain
    comparison cannot see, returned as `Problem`s.
    """

    compute: Callable[..., Any]
    inputs: tuple[str, ...] = ()
    recheck: Callable[..., list] | None = None
    check: str = "derived_value"  # the check id a differing value is reported under


@dataclass(frozen=True)
class Table:
    """A published table: its fields, keys, checks and derivation, written once."""

    name: str
    title: str
    description: str
    kind: TableKind
    fields: tuple[Field, ...]
    primary_key: str
    foreign_keys: tuple[ForeignKey, ...] = ()
    unique_together: tuple[tuple[str, ...], ...] = ()
    checks: tuple[RowCheck, ...] = ()
    provenance: tuple[Provenance, ...] = field(default_factory=tuple)
    derivation: Derivation | None = None

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"table {self.name!r} has no field {name!r}")

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    @property
    def derived_fields(self) -> list[Field]:
        return [f for f in self.fields if f.is_derived]

    @property
    def curated_fields(self) -> list[Field]:
        return [f for f in self.fields if not f.is_derived]

    @property
    def extraction_optional(self) -> list[str]:
        """Columns someone's extraction may leave out: derived ones (computed when absent) and curator-only ones.

        A derived table is nothing but derived columns, so none of its columns is optional.
        """
        if self.kind == "derived":
            return []
        return [f.name for f in self.fields if f.is_derived or f.curator_only]

    def row_check(self, check_id: str) -> RowCheck | None:
        return next((c for c in self.checks if c.id == check_id), None)
