"""Every published table, defined once, one module per study.

Each study's module (`sources`, `jump`, `switching`, `nct03558607`, `ponatinib`, `molecular`,
`ledger`) defines its tables beside their row checks and derivations, with an `ORDER` number;
`TABLES` joins them in that order, which is the publishing order. It is checked when the catalog is defined:
foreign keys and derivation inputs point only backwards (so tables can be built, loaded and
exported in this order), every column a key, check or quote names exists, and row-check ids
do not collide with the fixed check ids.
"""

from __future__ import annotations

import dataclasses
import pkgutil
from importlib import import_module

from ..fields import Table

#: The table of source documents whose seed files the provenance checks read.
SOURCES_TABLE = "sources"
#: The errata ledger whose affected_rows give every other table its issue_ids.
LEDGER_TABLE = "source_issues"


class CatalogError(Exception):
    """A table definition contradicts itself or the publishing order."""


def check_catalog(tables: tuple[Table, ...]) -> dict[str, Table]:
    """The tables by name, after checking every invariant the rest of jakdata relies on."""
    from ..checkids import CHECKS

    seen: dict[str, Table] = {}
    for t in tables:
        where = f"table {t.name!r}"
        if t.name in seen:
            raise CatalogError(f"{where} is defined twice")
        names = t.field_names
        if len(set(names)) != len(names):
            raise CatalogError(f"{where} has a field name twice")
        cols = set(names)

        def need(column: str, what: str) -> None:
            if column not in cols:
                raise CatalogError(f"{where}: {what} names no field {column!r}")

        need(t.primary_key, "the primary key")
        for f in t.fields:
            for attr in ("evidence", "text"):
                if getattr(f, attr):
                    need(getattr(f, attr), f"field {f.name!r} {attr}")
        for fk in t.foreign_keys:
            need(fk.fields, "a foreign key")
            ref = seen.get(fk.reference)
            if ref is None:
                raise CatalogError(f"{where}: foreign key {fk.fields} → {fk.reference} must point to a table "
                                   "defined before it")
            if fk.reference_fields not in ref.field_names:
                raise CatalogError(f"{where}: {fk.reference} has no field {fk.reference_fields!r}")
        for group in t.unique_together:
            for c in group:
                need(c, "unique_together")
        ids = [c.id for c in t.checks]
        if len(set(ids)) != len(ids):
            raise CatalogError(f"{where} has a row-check id twice")
        for rc in t.checks:
            if rc.id in CHECKS:
                raise CatalogError(f"{where}: row check {rc.id!r} reuses a fixed check id")
            for c in rc.columns:
                need(c, f"row check {rc.id!r}")
        for p in t.provenance:
            need(p.quote, "provenance")
            need(p.source, "provenance")
        t = _with_pattern_words(t)
        if t.derivation is not None and t.derivation.inputs == ("*",):
            # "every earlier table that quotes": resolved here, where the earlier tables are known
            quoting = tuple(n for n, e in seen.items() if e.provenance)
            t = dataclasses.replace(t, derivation=dataclasses.replace(t.derivation, inputs=quoting))
        if t.derivation is not None:
            for name in t.derivation.inputs:
                if name not in seen:
                    raise CatalogError(f"{where}: derivation input {name!r} must be defined before it")
        if t.kind == "derived" and (t.derivation is None or not t.derivation.inputs):
            raise CatalogError(f"{where} is derived but declares no derivation inputs")
        if t.derived_fields and t.kind != "derived" and t.derivation is None and \
                [f.name for f in t.derived_fields] != ["issue_ids"]:
            raise CatalogError(f"{where} has derived fields but no derivation")
        seen[t.name] = t
    for needed in (SOURCES_TABLE, LEDGER_TABLE):
        if needed not in seen:
            raise CatalogError(f"the catalog has no {needed!r} table, which provenance and issue_ids rely on")
    return seen


def _with_pattern_words(t: Table) -> Table:
    """The table with every patterned field's words filled from `common.PATTERN_WORDS`; none may lack them."""
    from .common import PATTERN_WORDS

    fields = []
    for f in t.fields:
        if f.pattern is not None and f.pattern_words is None:
            if f.pattern not in PATTERN_WORDS:
                raise CatalogError(f"table {t.name!r}: field {f.name!r} has pattern {f.pattern!r}, which "
                                   "catalog/common.py's PATTERN_WORDS does not say in words")
            f = dataclasses.replace(f, pattern_words=PATTERN_WORDS[f.pattern])
        fields.append(f)
    return dataclasses.replace(t, fields=tuple(fields))


def _study_modules() -> list:
    """Every module of this package that defines `TABLES`, in the order of their `ORDER` numbers.

    A new study is one new module here (its tables, row checks and derivations) and its
    curated records; nothing else names it.
    """
    found = []
    for info in pkgutil.iter_modules(__path__):
        module = import_module(f"{__name__}.{info.name}")
        if hasattr(module, "TABLES"):
            found.append(module)
    return sorted(found, key=lambda m: (m.ORDER, m.__name__))


TABLES: dict[str, Table] = check_catalog(tuple(t for m in _study_modules() for t in m.TABLES))



def get_table(name: object) -> Table:
    """The table called `name`, or an InputError naming the closest table."""
    if isinstance(name, str) and name in TABLES:
        return TABLES[name]
    import difflib

    from ..errors import InputError

    close = difflib.get_close_matches(str(name), list(TABLES), n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    raise InputError(f"unknown table {name!r}.{hint} Tables: {', '.join(TABLES)}.")


__all__ = ["TABLES", "SOURCES_TABLE", "LEDGER_TABLE", "CatalogError", "check_catalog", "get_table"]
