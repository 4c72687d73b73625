"""The one table of check ids: every problem jakdata reports carries one of these.

The ids are stable (CI users filter on them); each has a title and a message template
whose parameters are filled in where the problem is found. Row checks are declared beside
their tables and join this table through `all_checks()`. The README lists them all.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CheckId:
    """A stable check id: what it guards (`title`), and how a failure is worded (`message`)."""

    id: str
    group: str
    title: str
    message: str

    def format(self, **params: object) -> str:
        try:
            return self.message.format(**params)
        except (KeyError, IndexError, ValueError):
            return self.title


_TABLE: tuple[CheckId, ...] = (
    # file form
    CheckId("csv_encoding", "file", "CSV files are UTF-8 without a byte-order mark",
            "the file starts with a byte-order mark (BOM); jakdata CSVs are UTF-8 without BOM"),
    CheckId("csv_line_endings", "file", "CSV lines end with LF",
            "lines end with CR LF or CR; jakdata CSVs use LF"),
    CheckId("no_rows", "file", "A table has data rows", "the table has a header but no data rows"),
    CheckId("file_unreadable", "file", "Every file the descriptor lists can be read", "{reason}"),
    # columns and cells
    CheckId("column_missing", "columns", "Every column of the schema is present", "column {column} is missing"),
    CheckId("column_unknown", "columns", "No column outside the schema",
            "column {column} is not part of the table's schema"),
    CheckId("column_order", "columns", "Columns stand in the schema's order",
            "columns are out of the schema's order, which is: {expected}"),
    CheckId("type", "cells", "Every cell can be read as its column's type", "{value!r} cannot be read as {type}"),
    # field rules (jakdata.rules renders each of these for every engine and format)
    CheckId("required", "fields", "Required fields have a value", "a value is required"),
    CheckId("unique", "fields", "Unique fields hold no value twice", "{value!r} appears more than once"),
    CheckId("minimum", "fields", "Numbers are at least the field's minimum", "{value} is below the minimum {bound}"),
    CheckId("maximum", "fields", "Numbers are at most the field's maximum", "{value} is above the maximum {bound}"),
    CheckId("exclusive_minimum", "fields", "Numbers are greater than the field's exclusive minimum",
            "{value} is not greater than {bound}"),
    CheckId("enum", "fields", "Controlled-list fields hold an allowed value",
            "{value!r} is not an allowed value; allowed: {allowed}"),
    CheckId("pattern", "fields", "Text has the field's required form",
            "{value!r} does not have the required form: {form}"),
    CheckId("no_formula", "fields", "No text cell begins like a spreadsheet formula",
            "text begins with =, +, -, @, a tab or a carriage return, which a spreadsheet runs as a formula"),
    CheckId("not_blank", "fields", "Text cells are not empty or only spaces", "text is empty or only spaces"),
    CheckId("unique_together", "fields", "Combinations of the table's unique-together columns occur once",
            "the combination of {columns} occurs more than once"),
    # derived values
    CheckId("derived_value", "derived", "Derived values equal their recomputation",
            "{column} is {value}, but recomputing it gives {expected}"),
    CheckId("seed_missing", "derived", "Every source's seed file exists", "the seed file {value} does not exist"),
    CheckId("seed_hash", "derived", "Every source's sha256 is its seed file's SHA-256",
            "sha256 is {value}, but the seed file's SHA-256 is {expected}"),
    # provenance
    CheckId("quote_source_known", "provenance", "Every quote names a known source",
            "{column} {value!r} names no {origin}{hint}"),
    CheckId("quote_in_seed", "provenance", "Every quote is a verbatim span of its seed",
            "quote not found in seed {source}: {span!r}"),
    CheckId("value_in_quote", "provenance", "Every extracted value is supported by its quote", "{column}: {why}"),
    CheckId("span_context", "provenance",
            "Every extracted value is found inside one quote span of at least 4 words, a number beside its unit",
            "{column}: {why}"),
    # across tables
    CheckId("foreign_key", "tables", "Foreign keys name existing rows",
            "{column} {value!r} names no {reference}"),
    CheckId("affected_row_exists", "tables", "The errata ledger names existing rows",
            "affected_rows names {value}, a row that does not exist"),
    # the package
    CheckId("resource", "package", "Every descriptor resource is an object", "resource is not an object"),
    CheckId("resource_unknown", "package", "Every resource is a jakdata table file",
            "resource {value!r} is not a jakdata table file"),
    CheckId("resource_path", "package", "Resource paths stay inside the package", "{reason}"),
    CheckId("resource_missing", "package", "Every table file is listed and exists", "{reason}"),
    CheckId("resource_format", "package", "Resource files have their format's suffix", "expected a {suffix} file"),
    CheckId("resource_bytes", "package", "Declared sizes match the files",
            "the file has {actual} bytes; the descriptor says {declared}"),
    CheckId("resource_hash", "package", "Declared hashes match the files",
            "the file's hash is sha256:{actual}; the descriptor says {declared}"),
    CheckId("resource_schema", "package", "Each resource's Table Schema is jakdata's",
            "the descriptor's Table Schema differs from jakdata's schema for this table"),
    CheckId("descriptor_metadata", "package", "The descriptor's metadata is what this version of jakdata generates",
            "the descriptor's {value} differs from what this version of jakdata generates"),
    CheckId("file_unlisted", "package", "Every file in tables/ is a resource of the descriptor",
            "{value} is in tables/ but the descriptor lists no resource for it"),
    CheckId("formats_agree", "package", "CSV and Parquet copies hold the same table", "{reason}"),
    CheckId("parquet_dtype", "package", "Parquet columns have the schema's dtypes",
            "Parquet column dtype is {value}; the schema's is {expected}"),
    CheckId("schema_file", "package", "Each table's standalone Table Schema file is jakdata's",
            "{value} {reason}"),
    CheckId("frictionless", "package", "The descriptor is a valid Frictionless Data Package", "{reason}"),
    # building from the curated records
    CheckId("curated_toml", "build", "Curated records are valid TOML", "{reason}"),
    CheckId("curated_field", "build", "Curated records name only curated fields",
            "row {record}: {column} is not a curated field of this table"),
    CheckId("write_outside", "build", "The build writes only inside the package", "refusing to write outside the package"),
)

CHECKS: dict[str, CheckId] = {c.id: c for c in _TABLE}


def all_checks(tables) -> dict[str, CheckId]:
    """Every check id: the fixed ones above and the row checks of `tables` (the catalog's), in that order."""
    out = dict(CHECKS)
    for table in tables.values():
        for rc in table.checks:
            out.setdefault(rc.id, CheckId(rc.id, "rows", rc.title, rc.message))
    return out


def message(check: str, **params: object) -> str:
    """The message of a fixed check id with its parameters filled in."""
    return CHECKS[check].format(**params)
