"""Reading one CSV resource of a side as typed rows, by that side's own Table Schema.

Types follow Frictionless: `integer`, `number` and `boolean` are parsed (a cell that does not
parse is an input error); every other type is kept as its text. A cell equal to one of the
schema's `missingValues` (default: the empty string) is missing, `None`.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
from dataclasses import dataclass
from functools import cached_property

from .diff_sides import DiffError, Side, member_path

_INTEGER = re.compile(r"[+-]?[0-9]+")
_NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?|NaN|[+-]?INF")
_TRUE = ("true", "True", "TRUE", "1")
_FALSE = ("false", "False", "FALSE", "0")


@dataclass
class Table:
    """A table's fields (Table Schema descriptors, in order), primary key and typed rows."""

    name: str
    side: str                       # the side's label, for messages
    path: str
    schema: dict
    fields: list[dict]
    key: list[str]
    rows: list[tuple]

    @cached_property
    def names(self) -> list[str]:
        return [f["name"] for f in self.fields]


def canonical(value):
    """The text a typed value stands for, so that 5, 5.0 and "5" compare equal across a type change."""
    if value is None or type(value) is str:
        return value
    if type(value) is bool:
        return "true" if value else "false"
    if type(value) is int:
        return str(value)
    if math.isnan(value):
        return "NaN"
    return str(int(value)) if value.is_integer() else repr(value)


def same(a, b) -> bool:
    """Whether two typed cells hold the same value (NaN equals NaN; 5 equals 5.0)."""
    return (type(a) is type(b) and a == b) or canonical(a) == canonical(b)


def primary_key(schema: dict, names: list[str], where: str) -> list[str]:
    """The schema's primaryKey as a list of field names (a string is one field)."""
    key = schema.get("primaryKey", [])
    key = [key] if isinstance(key, str) else key
    if not isinstance(key, list) or not all(isinstance(k, str) for k in key):
        raise DiffError(f"{where}: primaryKey is not a field name or a list of field names")
    unknown = [k for k in key if k not in names]
    if unknown:
        raise DiffError(f"{where}: primaryKey names no field {', '.join(unknown)}")
    return key


def _missing_values(schema: dict, where: str) -> frozenset[str]:
    values = schema.get("missingValues", [""])
    if not isinstance(values, list):
        raise DiffError(f"{where}: missingValues is not a list")
    out = set()
    for v in values:
        v = v.get("value") if isinstance(v, dict) else v  # v2 allows {"value": ..., "label": ...}
        if not isinstance(v, str):
            raise DiffError(f"{where}: missingValues holds a value that is not text: {v!r}")
        out.add(v)
    return frozenset(out)


def _converter(spec: dict, missing: frozenset[str], where: str):
    """A function from a cell's text to its typed value, raising ValueError on a bad cell."""
    kind = spec.get("type", "string")
    if kind == "integer":
        def convert(text):
            if text in missing:
                return None
            if _INTEGER.fullmatch(text) is None:
                raise ValueError("integer")
            return int(text)
    elif kind == "number":
        def convert(text):
            if text in missing:
                return None
            if _NUMBER.fullmatch(text) is None:
                raise ValueError("number")
            return float(text)
    elif kind == "boolean":
        true = spec.get("trueValues", _TRUE)
        false = spec.get("falseValues", _FALSE)
        if not isinstance(true, list | tuple) or not isinstance(false, list | tuple):
            raise DiffError(f"{where}: field {spec.get('name')!r} trueValues/falseValues are not lists")
        table = {**{t: False for t in false}, **{t: True for t in true}}

        def convert(text):
            if text in missing:
                return None
            try:
                return table[text]
            except KeyError:
                raise ValueError("boolean") from None
    else:
        def convert(text):
            return None if text in missing else text
    return convert


def _fields(resource: dict, where: str) -> tuple[dict, list[dict]]:
    schema = resource.get("schema")
    if not isinstance(schema, dict):
        raise DiffError(f"{where}: has no Table Schema (`schema` must be an object in the descriptor)")
    fields = schema.get("fields")
    if not isinstance(fields, list) or not all(isinstance(f, dict) and isinstance(f.get("name"), str)
                                               for f in fields):
        raise DiffError(f"{where}: schema `fields` is not a list of objects with names")
    names = [f["name"] for f in fields]
    if len(set(names)) != len(names):
        dup = sorted({n for n in names if names.count(n) > 1})
        raise DiffError(f"{where}: schema names a field twice: {', '.join(dup)}")
    return schema, fields


def _text(data: bytes, encoding: str, where: str) -> str:
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise DiffError(f"{where}: unknown encoding {encoding!r}") from None
    codec = "utf-8-sig" if codecs.lookup(encoding).name == "utf-8" else encoding  # a BOM is not a header cell
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise DiffError(f"{where}: not valid {encoding} ({exc.reason} at byte {exc.start})") from None


def _reader(text: str, resource: dict, where: str):
    dialect = resource.get("dialect", {})
    if not isinstance(dialect, dict):
        raise DiffError(f"{where}: dialect is not an object")
    if dialect.get("header", True) is not True:
        raise DiffError(f"{where}: a CSV without a header row is not supported")
    try:
        return csv.reader(io.StringIO(text, newline=""), delimiter=dialect.get("delimiter", ","),
                          quotechar=dialect.get("quoteChar", '"'), doublequote=dialect.get("doubleQuote", True),
                          strict=True)
    except TypeError as exc:
        raise DiffError(f"{where}: unusable CSV dialect: {exc}") from None


def read_table(side: Side, resource: dict) -> Table:
    """Read a CSV resource of `side`, typed by its own schema; bad cells are a DiffError."""
    name = resource["name"]
    path = member_path(resource.get("path"), side.label, f"resource {name!r}")
    where = f"{side.label}: {path}"
    schema, fields = _fields(resource, f"{side.label}: resource {name!r}")
    names = [f["name"] for f in fields]
    key = primary_key(schema, names, f"{side.label}: resource {name!r}")
    missing = _missing_values(schema, f"{side.label}: resource {name!r}")
    converters = [_converter(f, missing, where) for f in fields]
    reader = _reader(_text(side.read(path), resource.get("encoding", "utf-8"), where), resource, where)
    try:
        header = next(reader, None)
        if header is None:
            raise DiffError(f"{where}: empty file (no header row)")
        if sorted(header) != sorted(names):
            lacking = [n for n in names if n not in header]
            extra = [h for h in header if h not in names]
            said = "; ".join(filter(None, [lacking and "missing " + ", ".join(lacking),
                                           extra and "not in the schema " + ", ".join(extra)]))
            raise DiffError(f"{where}: the header does not match the schema's fields ({said or 'a repeated column'})")
        order = [header.index(n) for n in names]
        width = len(header)
        rows = []
        for cells in reader:
            if len(cells) != width:
                raise DiffError(f"{where}, line {reader.line_num}: {len(cells)} cells, the header has {width}")
            try:
                rows.append(tuple([conv(cells[i]) for conv, i in zip(converters, order)]))
            except ValueError as exc:
                bad = next(j for j, (conv, i) in enumerate(zip(converters, order)) if _fails(conv, cells[i]))
                raise DiffError(f"{where}, line {reader.line_num}, column {names[bad]}: "
                                f"{cells[order[bad]]!r} is not a valid {exc}") from None
    except csv.Error as exc:
        raise DiffError(f"{where}, line {reader.line_num}: malformed CSV: {exc}") from None
    return Table(name, side.label, path, schema, fields, key, rows)


def _fails(convert, text: str) -> bool:
    try:
        convert(text)
    except ValueError:
        return True
    return False
