"""Frictionless Table Schemas generated from the catalog through the rule registry."""

from __future__ import annotations

from .catalog import TABLES
from .fields import Field, Table
from .formats import FORMATS, get
from .rules import frictionless_constraints

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
    d["derived"] = f.is_derived
    if f.derived:
        d["formula"] = f.derived
    if f.enum is not None:
        d["categories"] = list(f.enum)  # Frictionless does not enforce categories; constraints.enum it does
    if f.type == "boolean":
        d["trueValues"] = ["True", "true"]
        d["falseValues"] = ["False", "false"]
    constraints = frictionless_constraints(f)
    if constraints:
        d["constraints"] = constraints
    return d


def table_schema(name: str, fmt: str = "csv") -> dict:
    """The Table Schema of one published file; foreign keys point at files of the same format."""
    table: Table = TABLES[name]
    form = get(fmt)
    schema = {
        "fields": [field_descriptor(f) for f in table.fields],
        "missingValues": MISSING_VALUES,
        "primaryKey": [table.primary_key],
    }
    if table.unique_together:
        schema["uniqueKeys"] = [list(group) for group in table.unique_together]
    schema["foreignKeys"] = [
        {"fields": [fk.fields],
         "reference": {"resource": form.resource_name(fk.reference), "fields": [fk.reference_fields]}}
        for fk in table.foreign_keys
    ]
    return schema


def resource_name(name: str, fmt: str) -> str:
    """Resource name of a table's file (kept for callers that know only the format's name)."""
    return FORMATS[fmt].resource_name(name)


#: The Table Schema profile a standalone schema file declares.
TABLE_SCHEMA_PROFILE = "https://datapackage.org/profiles/2.0/tableschema.json"


def standalone_schema(name: str) -> dict:
    """A table's Table Schema as its own file (`tables/<name>.schema.json`), usable without jakdata.

    `frictionless validate mine.csv --schema tables/<name>.schema.json` checks types, required
    and unique fields, ranges, controlled lists, patterns and the primary key. Foreign keys
    are left out: they name other tables' files, which a lone extraction does not have.
    """
    schema = {"$schema": TABLE_SCHEMA_PROFILE}
    schema.update(table_schema(name, next(f.name for f in FORMATS.values() if f.canonical)))
    schema.pop("foreignKeys", None)
    return schema


def standalone_schema_path(name: str) -> str:
    return f"tables/{name}.schema.json"
