"""Frictionless Table Schemas generated from the catalog (no frictionless import needed)."""

from __future__ import annotations

from .catalog import TABLES
from .fields import Field, Table

#: Empty cells are missing in CSV; Parquet nulls, and NaN read back from Parquet floats, too.
MISSING_VALUES = ["", "NaN", "nan"]

_TYPES = {"string": "string", "date": "string", "integer": "integer", "number": "number",
          "boolean": "boolean"}


def field_descriptor(f: Field) -> dict:
    d: dict = {"name": f.name, "type": _TYPES[f.type], "description": f.description}
    if f.type == "date":
        d["format"] = "default"
        d["description"] += " (Stored as text so that a year or a year-month can stand alone.)"
    if f.unit:
        d["unit"] = f.unit
    if f.derived:
        d["derived"] = True
        d["formula"] = f.derived
    else:
        d["derived"] = False
    if f.enum is not None:
        d["categories"] = list(f.enum)
    if f.type == "boolean":
        d["trueValues"] = ["True", "true"]
        d["falseValues"] = ["False", "false"]
    c: dict = {}
    if f.required:
        c["required"] = True
    if f.unique:
        c["unique"] = True
    if f.enum is not None:
        c["enum"] = list(f.enum)
    if f.minimum is not None:
        c["minimum"] = f.minimum
    if f.maximum is not None:
        c["maximum"] = f.maximum
    if f.exclusive_minimum is not None:
        c["exclusiveMinimum"] = f.exclusive_minimum
    if f.pattern is not None:
        c["pattern"] = f.pattern
    if c:
        d["constraints"] = c
    return d


def resource_name(name: str, fmt: str) -> str:
    """Resource name of a table's file: the table name for CSV, `<name>-parquet` for Parquet."""
    return name if fmt == "csv" else f"{name}-parquet"


def table_schema(name: str, fmt: str = "csv") -> dict:
    """The Table Schema of one published file; foreign keys point at files of the same format."""
    table: Table = TABLES[name]
    return {
        "fields": [field_descriptor(f) for f in table.fields],
        "missingValues": MISSING_VALUES,
        "primaryKey": [table.primary_key],
        "foreignKeys": [
            {"fields": [fk.fields],
             "reference": {"resource": resource_name(fk.reference, fmt), "fields": [fk.reference_fields]}}
            for fk in table.foreign_keys
        ],
    }
