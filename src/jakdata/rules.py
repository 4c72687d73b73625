"""The rule registry: every constraint kind a `Field` or `Table` can declare, defined once.

Each `FieldRule` carries its stable check id (see `jakdata.checkids`) and every rendering of
the constraint: the failing-row mask both validation engines run (the fast engine directly,
the pandera schema wrapped in a `pa.Check`), the Frictionless constraint, the SQL column
constraint and the line of the data dictionary. Nothing else in jakdata implements a
constraint kind; schemas, descriptors, DDL, docs and engines all loop over `FIELD_RULES`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

from .fields import FORMULA_PREFIXES, Field, Table


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _num(x: float) -> str:
    return f"{x:g}"


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# ----------------------------------------------------------------------------- text rules

#: Characters that are invisible at the start of a cell: white space and format characters.
def _visible_start(text: str) -> str:
    """The first visible character after NFKC, leading white space and format characters."""
    for ch in unicodedata.normalize("NFKC", text):
        if ch.isspace() or unicodedata.category(ch) in ("Cf", "Zs", "Zl", "Zp"):
            continue
        return ch
    return ""


def starts_like_formula(text: str) -> bool:
    """Whether a spreadsheet would run the cell as a formula (tab and CR count as they stand)."""
    return text[:1] in FORMULA_PREFIXES or _visible_start(text) in FORMULA_PREFIXES


def _free_text(f: Field) -> bool:
    """Free text: a string or date column without a controlled list (a list value cannot be a formula)."""
    return f.is_text and f.enum is None


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern:
    return re.compile(pattern)


def _distinct_failing(s, predicate: Callable[[str], bool]):
    """Failing-row mask of a text predicate, judged once per distinct value."""
    values = s.dropna().unique()
    bad = [v for v in values if predicate(str(v))]
    if not bad:
        return s.isna() & False
    return s.isin(bad).fillna(False).astype(bool)


# ----------------------------------------------------------------------------- the registry

@dataclass(frozen=True)
class FieldRule:
    """One constraint kind on a single field, with every rendering of it.

    `applies(f)` says whether field `f` declares it; `fails(s, f)` is the failing-row mask of a
    typed column (missing values never fail, except for `required`); `params(f)` fills the
    message template; `frictionless(f)`, `sql(f)` and `doc(f)` render it for the Table
    Schema, the SQLite DDL and the data dictionary (None where the format cannot say it).
    `pandera` is "column" (a pa.Check on the column), "native" (pandera's own nullable/unique)
    or "table" (one check across all the table's applicable columns, which pandera runs far
    more cheaply than one per column).
    """

    id: str
    applies: Callable[[Field], bool]
    fails: Callable[[Any, Field], Any]
    params: Callable[[Field], dict]
    frictionless: Callable[[Field], dict]
    sql: Callable[[Field], str | None]
    doc: Callable[[Field], str | None]
    pandera: str = "column"
    pandera_name: str | None = None  # the name pandera's own check reports, for "native" rules


def _bound_fails(op: str, attr: str):
    def fails(s, f: Field):
        v = s.astype("Float64")
        bound = getattr(f, attr)
        out = {"<": v < bound, ">": v > bound, "<=": v <= bound}[op]
        return out.fillna(False).astype(bool)
    return fails


FIELD_RULES: tuple[FieldRule, ...] = (
    FieldRule(
        "required", lambda f: f.required, lambda s, f: s.isna(), lambda f: {},
        lambda f: {"required": True}, lambda f: "NOT NULL", lambda f: "required",
        pandera="native", pandera_name="not_nullable"),
    FieldRule(
        "unique", lambda f: f.unique, lambda s, f: s.notna() & s.duplicated(keep=False), lambda f: {},
        lambda f: {"unique": True}, lambda f: "UNIQUE", lambda f: "unique",
        pandera="native", pandera_name="field_uniqueness"),
    FieldRule(
        "minimum", lambda f: f.minimum is not None and f.type in ("integer", "number"),
        _bound_fails("<", "minimum"), lambda f: {"bound": _num(f.minimum)},
        lambda f: {"minimum": f.minimum}, lambda f: f"CHECK ({_quoted(f.name)} >= {_num(f.minimum)})",
        lambda f: f"≥ {_num(f.minimum)}"),
    FieldRule(
        "exclusive_minimum", lambda f: f.exclusive_minimum is not None and f.type in ("integer", "number"),
        _bound_fails("<=", "exclusive_minimum"), lambda f: {"bound": _num(f.exclusive_minimum)},
        lambda f: {"exclusiveMinimum": f.exclusive_minimum},
        lambda f: f"CHECK ({_quoted(f.name)} > {_num(f.exclusive_minimum)})",
        lambda f: f"> {_num(f.exclusive_minimum)}"),
    FieldRule(
        "maximum", lambda f: f.maximum is not None and f.type in ("integer", "number"),
        _bound_fails(">", "maximum"), lambda f: {"bound": _num(f.maximum)},
        lambda f: {"maximum": f.maximum}, lambda f: f"CHECK ({_quoted(f.name)} <= {_num(f.maximum)})",
        lambda f: f"≤ {_num(f.maximum)}"),
    FieldRule(
        "enum", lambda f: f.enum is not None,
        lambda s, f: s.notna() & ~s.astype("object").isin(list(f.enum)),
        lambda f: {"allowed": ", ".join(f.enum)},
        lambda f: {"enum": list(f.enum)},
        lambda f: f"CHECK ({_quoted(f.name)} IN ({', '.join(_sql_text(v) for v in f.enum)}))",
        lambda f: "one of: " + ", ".join(f"`{v}`" for v in f.enum)),
    FieldRule(
        "pattern", lambda f: f.pattern is not None and f.is_text,
        lambda s, f: _distinct_failing(s, lambda v: not _compiled(f.full_pattern).match(v)),
        lambda f: {"pattern": f.pattern, "form": f.pattern_words or f.pattern},
        lambda f: {"pattern": f.pattern}, lambda f: None,  # SQLite has no regular expressions
        lambda f: None if f.type == "date" else f"pattern `{f.pattern}`"),
    FieldRule(
        "no_formula", _free_text, lambda s, f: _distinct_failing(s, starts_like_formula), lambda f: {},
        lambda f: {},  # Table Schema has no way to say it
        lambda f: None,  # the export checks the published data, which the package already guards
        lambda f: None, pandera="table"),
    FieldRule(
        "not_blank", _free_text, lambda s, f: _distinct_failing(s, lambda v: not v.strip()), lambda f: {},
        lambda f: {},
        lambda f: f"CHECK ({_quoted(f.name)} IS NULL OR length(trim({_quoted(f.name)})) > 0)",
        lambda f: None, pandera="table"),
)

RULES: dict[str, FieldRule] = {r.id: r for r in FIELD_RULES}

#: pandera's own names for the natively rendered rules, and for multi-column uniqueness.
PANDERA_NAMES = {r.pandera_name: r.id for r in FIELD_RULES if r.pandera_name}


def field_rules(f: Field) -> list[FieldRule]:
    """The rules field `f` declares, in registry order."""
    return [r for r in FIELD_RULES if r.applies(f)]


def unique_together_fails(df, columns: tuple[str, ...]):
    """Rows whose combination of `columns` (all present) occurs more than once."""
    cols = list(columns)
    return (df.duplicated(subset=cols, keep=False) & df[cols].notna().all(axis=1)).astype(bool)


def unique_together_sql(columns: tuple[str, ...]) -> str:
    return "UNIQUE (" + ", ".join(_quoted(c) for c in columns) + ")"


def unique_together_doc(columns: tuple[str, ...]) -> str:
    return "(" + ", ".join(columns) + ")"


# ----------------------------------------------------------------------------- descriptors

def frictionless_constraints(f: Field) -> dict:
    """The Table Schema `constraints` of a field: every registered rule that can be said."""
    out: dict = {}
    for rule in field_rules(f):
        out.update(rule.frictionless(f))
    return out


def sql_constraints(f: Field, table: Table) -> list[str]:
    """SQL column constraints of a field (the primary key is declared by the caller)."""
    out = []
    for rule in field_rules(f):
        if f.name == table.primary_key and rule.id in ("required", "unique"):
            continue
        clause = rule.sql(f)
        if clause:
            out.append(clause)
    return out


def doc_constraints(f: Field) -> list[str]:
    return [d for d in (rule.doc(f) for rule in field_rules(f)) if d]


def row_check_message(rc, values: dict) -> str:
    """A row check's message with the row's values as written (missing shows as 'empty')."""
    shown = {c: ("empty" if v is None else v) for c, v in values.items()}
    try:
        return rc.message.format(**shown)
    except (KeyError, IndexError, ValueError):
        return rc.title
