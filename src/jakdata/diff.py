"""`jakdata diff OLD NEW`: what changed between two versions of the package, classified by the
CHANGELOG's SemVer rule, and whether NEW's version is big enough for it.

The rule, change by change (the README's "What changed between versions" explains why):
MAJOR for a table or resource removed; a field added, removed, renamed or reordered; a field's
type, unit, constraint, enum or other reading property changed; a key (primary, foreign,
unique) or `missingValues` changed; a file's path, format or dialect changed; the package's
name or profile changed; rows removed. MINOR for rows added or a table added. PATCH for values
changed (quotes included) and for documentation: descriptions, titles, formulas, sources,
citation and other descriptor metadata. File sizes and hashes follow the data and are ignored.

Rows are matched by primary key through dicts, so a diff takes time linear in the rows.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

from .diff_sides import DiffError, Side, open_side
from .diff_tables import Table, canonical, read_table, same
from .diff_version import BUMPS, Verdict, check

MAJOR, MINOR, PATCH, NONE = "major", "minor", "patch", "none"

#: Field, schema, resource and package properties that only document: changing one is a PATCH.
DOC_FIELD = frozenset({"description", "title", "example", "examples", "formula", "derived"})
DOC_SCHEMA = frozenset({"description", "title"})
DOC_RESOURCE = frozenset({"title", "description", "sources", "licenses", "homepage", "keywords", "contributors"})
#: Package properties that identify the package or how it is read: changing one is MAJOR.
IDENTITY_PACKAGE = frozenset({"name", "id", "$schema", "profile"})
#: Properties that are not compared: identity, the version under test, and what follows the data.
IGNORED_PACKAGE = frozenset({"resources", "version"})
IGNORED_RESOURCE = frozenset({"name", "schema", "bytes", "hash"})

_FIELD_KIND = {"type": "field-type", "format": "field-type", "unit": "field-unit",
               "description": "field-description"}


@dataclass
class Change:
    """One classified change: its bump, a stable kind id, a one-line message and the values."""

    bump: str
    kind: str
    message: str
    table: str | None = None
    field: str | None = None
    old: object = None
    new: object = None
    guess: bool = False


@dataclass
class TableRows:
    """Row-level differences of one table present on both sides."""

    name: str
    key: list[str]
    old_rows: int
    new_rows: int
    added: list[tuple[dict, dict]] = field(default_factory=list)     # (key, row) in NEW's order
    removed: list[tuple[dict, dict]] = field(default_factory=list)   # (key, row) in OLD's order
    changed: list[tuple[dict, list[tuple[str, object, object]]]] = field(default_factory=list)
    per_column: dict[str, int] = field(default_factory=dict)         # changed values per column
    note: str | None = None


@dataclass
class Report:
    """Everything `jakdata diff` found, with the required bump and the version verdict."""

    old: Side
    new: Side
    changes: list[Change]
    tables: dict[str, TableRows]
    bump: str
    verdict: Verdict


def _show(value, limit: int = 80) -> str:
    """A value as compact JSON for a one-line message, cut at `limit` characters."""
    if value is None:
        return "(none)"
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def is_table(resource: dict) -> bool:
    """Whether a resource is a CSV table (the canonical text form that diff reads)."""
    fmt = resource.get("format")
    if fmt is None:
        path = resource.get("path")
        return isinstance(path, str) and path.lower().endswith(".csv")
    return isinstance(fmt, str) and fmt.lower() == "csv"


# --- descriptor properties -------------------------------------------------------------------

def _package_changes(old: dict, new: dict) -> list[Change]:
    out = []
    for k in dict.fromkeys([*old, *new]):
        if k in IGNORED_PACKAGE or old.get(k) == new.get(k):
            continue
        bump, kind = (MAJOR, "package-property") if k in IDENTITY_PACKAGE else (PATCH, "metadata")
        out.append(Change(bump, kind, f"package {k}: {_show(old.get(k))} → {_show(new.get(k))}",
                          old=old.get(k), new=new.get(k)))
    return out


def _resource_changes(name: str, old: dict, new: dict) -> list[Change]:
    out = []
    for k in dict.fromkeys([*old, *new]):
        if k in IGNORED_RESOURCE or old.get(k) == new.get(k):
            continue
        bump, kind = (PATCH, "resource-metadata") if k in DOC_RESOURCE else (MAJOR, "resource-property")
        out.append(Change(bump, kind, f"{k}: {_show(old.get(k))} → {_show(new.get(k))}", name,
                          old=old.get(k), new=new.get(k)))
    return out


def _values(items) -> list:
    """Category values: v2 `categories` may list plain values or {"value", "label"} objects."""
    return [i.get("value") if isinstance(i, dict) else i for i in items]


def _list_changes(table: str, fname: str, what: str, old, new) -> list[Change]:
    """Values removed from, added to or reordered in a controlled list (enum or categories)."""
    if not isinstance(old, list) or not isinstance(new, list):
        return [Change(MAJOR, "field-enum", f"field {fname}: {what} {_show(old)} → {_show(new)}", table, fname,
                       old, new)]
    a, b = _values(old), _values(new)
    gone, came = [v for v in a if v not in b], [v for v in b if v not in a]
    out = []
    if gone:
        out.append(Change(MAJOR, "field-enum", f"field {fname}: {what} {'values' if len(gone) > 1 else 'value'} "
                          f"removed: {', '.join(map(_show, gone))}", table, fname, gone, None))
    if came:
        out.append(Change(MAJOR, "field-enum", f"field {fname}: {what} {'values' if len(came) > 1 else 'value'} "
                          f"added: {', '.join(map(_show, came))}", table, fname, None, came))
    if not out and old != new:
        out.append(Change(MAJOR, "field-enum", f"field {fname}: {what} order or labels changed", table, fname,
                          old, new))
    return out


def _field_changes(table: str, fname: str, old: dict, new: dict) -> list[Change]:
    out: list[Change] = []
    enum_changes: list[Change] = []
    categories: list[Change] = []
    for k in dict.fromkeys([*old, *new]):
        a, b = old.get(k), new.get(k)
        if k == "name" or a == b:
            continue
        if k == "constraints":
            a = a if isinstance(a, dict) else {}
            b = b if isinstance(b, dict) else {}
            for c in dict.fromkeys([*a, *b]):
                if a.get(c) == b.get(c):
                    continue
                if c == "enum":
                    enum_changes = _list_changes(table, fname, "enum", a.get(c), b.get(c))
                    out += enum_changes
                else:
                    out.append(Change(MAJOR, "field-constraint", f"field {fname}: constraint {c} "
                                      f"{_show(a.get(c))} → {_show(b.get(c))}", table, fname, a.get(c), b.get(c)))
        elif k == "categories":
            categories = _list_changes(table, fname, "categories", a, b)
        else:
            bump = PATCH if k in DOC_FIELD else MAJOR
            out.append(Change(bump, _FIELD_KIND.get(k, "field-property"),
                              f"field {fname}: {k} {_show(a)} → {_show(b)}", table, fname, a, b))
    # categories that mirror the enum (as jakdata's build writes them) are told once, as the enum
    if [(c.old, c.new) for c in categories] != [(c.old, c.new) for c in enum_changes]:
        out += categories
    return out


def _key_list(value) -> list:
    return [value] if isinstance(value, str) else list(value) if isinstance(value, list) else [value]


def _foreign_keys(value) -> dict[str, object]:
    """Foreign keys by a readable description `(fields) → resource(fields)`."""
    out = {}
    for fk in value if isinstance(value, list) else []:
        if not isinstance(fk, dict):
            out[_show(fk)] = fk
            continue
        ref = fk.get("reference") if isinstance(fk.get("reference"), dict) else {}
        text = (f"({', '.join(map(str, _key_list(fk.get('fields'))))}) → {ref.get('resource', '')}"
                f"({', '.join(map(str, _key_list(ref.get('fields'))))})")
        out[text] = fk
    return out


def _schema_changes(table: str, old: dict, new: dict) -> list[Change]:
    out = []
    for k in dict.fromkeys([*old, *new]):
        a, b = old.get(k), new.get(k)
        if k == "fields" or a == b:
            continue
        if k == "primaryKey":
            if _key_list(a or []) != _key_list(b or []):
                out.append(Change(MAJOR, "primary-key", f"primary key ({', '.join(map(str, _key_list(a or [])))}) → "
                                  f"({', '.join(map(str, _key_list(b or [])))})", table, None, a, b))
        elif k == "foreignKeys":
            fa, fb = _foreign_keys(a), _foreign_keys(b)
            out += [Change(MAJOR, "foreign-keys", f"foreign key removed: {t}", table, None, fa[t], None)
                    for t in fa if t not in fb]
            out += [Change(MAJOR, "foreign-keys", f"foreign key added: {t}", table, None, None, fb[t])
                    for t in fb if t not in fa]
        elif k == "uniqueKeys":
            ua = [_key_list(u) for u in a] if isinstance(a, list) else []
            ub = [_key_list(u) for u in b] if isinstance(b, list) else []
            out += [Change(MAJOR, "unique-keys", f"unique key removed: ({', '.join(map(str, u))})", table, None, u)
                    for u in ua if u not in ub]
            out += [Change(MAJOR, "unique-keys", f"unique key added: ({', '.join(map(str, u))})", table, None,
                           None, u) for u in ub if u not in ua]
        elif k in DOC_SCHEMA:
            out.append(Change(PATCH, "schema-metadata", f"schema {k}: {_show(a)} → {_show(b)}", table, None, a, b))
        else:
            kind = "missing-values" if k == "missingValues" else "schema-property"
            out.append(Change(MAJOR, kind, f"schema {k}: {_show(a)} → {_show(b)}", table, None, a, b))
    return out


# --- rows ------------------------------------------------------------------------------------

def _index(table: Table, key: list[str]) -> tuple[dict, tuple | None]:
    """Rows by the canonical values of `key`, and the first key value seen twice, if any."""
    positions = [table.names.index(k) for k in key]
    by_key: dict[tuple, tuple] = {}
    for row in table.rows:
        k = tuple([canonical(row[i]) for i in positions])
        if k in by_key:
            return by_key, k
        by_key[k] = row
    return by_key, None


def _match(old: Table, new: Table) -> tuple[list[str], dict, dict, str | None]:
    """The key to match rows on and both sides' rows by it; ([], …) when no key can be used."""
    both = set(old.names) & set(new.names)
    if old.key and old.key == new.key:
        old_map, dup = _index(old, old.key)
        if dup is None:
            new_map, dup = _index(new, new.key)
            if dup is None:
                return old.key, old_map, new_map, None
            side = new.side
        else:
            side = old.side
        raise DiffError(f"{side}: table {new.name}: primary key ({', '.join(new.key)}) value "
                        f"({', '.join(map(str, dup))}) is on more than one row")
    for key in (new.key, old.key):
        if key and set(key) <= both:
            old_map, dup_o = _index(old, key)
            new_map, dup_n = _index(new, key)
            if dup_o is None and dup_n is None:
                return key, old_map, new_map, f"rows matched on ({', '.join(key)}), as the primary key changed"
    said = "neither side declares a primary key" if not (old.key or new.key) else \
        "no primary key is unique on both sides"
    return [], {}, {}, f"{said}: rows matched on the values of every common column"


def _renames(old: Table, new: Table, removed: list[str], added: list[str], pairs: list) -> dict[str, str]:
    """Best guesses at renamed fields: a removed and an added field of the same type whose values
    agree on at least 90% of the matched rows (without matched rows: same position or description)."""
    out: dict[str, str] = {}
    for r in removed:
        i, fo = old.names.index(r), old.fields[old.names.index(r)]
        best = None
        for a in added:
            j, fn = new.names.index(a), new.fields[new.names.index(a)]
            if a in out.values() or fo.get("type", "string") != fn.get("type", "string"):
                continue
            if pairs:
                score = sum(1 for ro, rn in pairs if same(ro[i], rn[j])) / len(pairs)
            else:
                score = 1.0 if i == j or (fo.get("description") and fo.get("description") == fn.get("description")) \
                    else 0.0
            if score >= 0.9 and (best is None or score > best[0]):
                best = (score, a)
        if best:
            out[r] = best[1]
    return out


def _rows_by_content(old: Table, new: Table, common: list[str], result: TableRows) -> None:
    """Without a usable key: rows compared as multisets of their common columns' values."""
    jo, jn = [old.names.index(c) for c in common], [new.names.index(c) for c in common]
    count_o = Counter(tuple([canonical(r[i]) for i in jo]) for r in old.rows)
    count_n = Counter(tuple([canonical(r[j]) for j in jn]) for r in new.rows)
    for r in new.rows:
        k = tuple([canonical(r[j]) for j in jn])
        if count_n[k] > count_o.get(k, 0):
            count_n[k] -= 1
            result.added.append(({}, dict(zip(new.names, r))))
    for r in old.rows:
        k = tuple([canonical(r[i]) for i in jo])
        if count_o[k] > count_n.get(k, 0):
            count_o[k] -= 1
            result.removed.append(({}, dict(zip(old.names, r))))


def compare_tables(old: Table, new: Table) -> tuple[list[Change], TableRows]:
    """Schema and row changes of a table present on both sides."""
    name = new.name
    new_set, old_set = set(new.names), set(old.names)
    removed = [f for f in old.names if f not in new_set]
    added = [f for f in new.names if f not in old_set]
    key, old_map, new_map, note = _match(old, new)
    result = TableRows(name, key, len(old.rows), len(new.rows), note=note)
    pairs = [(ro, rn) for k, rn in new_map.items() if (ro := old_map.get(k)) is not None]
    renamed = _renames(old, new, removed, added, pairs) if removed and added else {}

    changes = _schema_changes(name, old.schema, new.schema)
    for r, a in renamed.items():
        changes.append(Change(MAJOR, "field-renamed", f"field renamed (a guess): {r} → {a}",
                              name, a, r, a, guess=True))
    changes += [Change(MAJOR, "field-removed", f"field removed: {r}", name, r) for r in removed if r not in renamed]
    for a in added:
        if a not in renamed.values():
            kind = new.fields[new.names.index(a)].get("type", "string")
            changes.append(Change(MAJOR, "field-added", f"field added: {a} ({kind})", name, a))
    # (old name, new name) of every field on both sides, renamed ones included
    common = [(f, f) for f in old.names if f in new_set] + list(renamed.items())
    for fo, fn in common:
        changes += _field_changes(name, fn, old.fields[old.names.index(fo)], new.fields[new.names.index(fn)])
    kept_old = [renamed.get(f, f) for f in old.names if f in new_set or f in renamed]
    kept_new = [f for f in new.names if f in old_set or f in renamed.values()]
    if kept_old != kept_new:
        changes.append(Change(MAJOR, "fields-reordered", f"fields reordered: {', '.join(kept_new)}", name, None,
                              kept_old, kept_new))

    if key:
        kn = [new.names.index(k) for k in key]
        ko = [old.names.index(k) for k in key]
        result.added = [({k: r[i] for k, i in zip(key, kn)}, dict(zip(new.names, r)))
                        for k_, r in new_map.items() if k_ not in old_map]
        result.removed = [({k: r[i] for k, i in zip(key, ko)}, dict(zip(old.names, r)))
                          for k_, r in old_map.items() if k_ not in new_map]
        columns = [(fn, old.names.index(fo), new.names.index(fn)) for fo, fn in common if fn not in key]
        per_column: Counter = Counter()
        for ro, rn in pairs:
            cells = [(c, ro[i], rn[j]) for c, i, j in columns if not same(ro[i], rn[j])]
            if cells:
                result.changed.append(({k: rn[i] for k, i in zip(key, kn)}, cells))
                per_column.update(c for c, _, _ in cells)
        result.per_column = {c: per_column[c] for c in new.names if c in per_column}
    else:
        _rows_by_content(old, new, [fn for fo, fn in common if fo == fn], result)

    if result.removed:
        changes.append(Change(MAJOR, "rows-removed", f"{_plural(len(result.removed), 'row')} removed", name))
    if result.added:
        changes.append(Change(MINOR, "rows-added", f"{_plural(len(result.added), 'row')} added", name))
    if result.changed:
        counts = ", ".join(f"{c} {n}" for c, n in result.per_column.items())
        changes.append(Change(PATCH, "values-changed", f"{_plural(sum(result.per_column.values()), 'value')} "
                              f"changed in {_plural(len(result.changed), 'row')} ({counts})", name))
    return changes, result


# --- the whole package -----------------------------------------------------------------------

def compare(old: Side, new: Side) -> Report:
    """Compare two sides: descriptor, resources, each CSV table's schema and rows."""
    changes = _package_changes(old.descriptor, new.descriptor)
    res_o = {r["name"]: r for r in old.descriptor.get("resources", [])}
    res_n = {r["name"]: r for r in new.descriptor.get("resources", [])}
    tables: dict[str, TableRows] = {}
    for name in dict.fromkeys([*res_n, *res_o]):
        o, n = res_o.get(name), res_n.get(name)
        if o is None:
            if is_table(n):
                rows = len(read_table(new, n).rows)
                changes.append(Change(MINOR, "table-added", f"table added ({_plural(rows, 'row')})", name))
            else:
                changes.append(Change(MINOR, "resource-added", f"resource added: {_show(n.get('path'))}", name))
        elif n is None:
            kind = "table-removed" if is_table(o) else "resource-removed"
            changes.append(Change(MAJOR, kind, f"{kind.split('-')[0]} removed", name))
        else:
            changes += _resource_changes(name, o, n)
            if is_table(o) and is_table(n):
                table_changes, tables[name] = compare_tables(read_table(old, o), read_table(new, n))
                changes += table_changes
    bump = max((c.bump for c in changes), key=BUMPS.index, default=NONE)
    return Report(old, new, changes, tables, bump, check(old.version, new.version, bump))
