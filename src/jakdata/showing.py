"""What `jakdata show`, `describe` and `template` print: tables fitted to the terminal, every constraint in words."""

from __future__ import annotations

import csv
import io
import shutil

#: How `show` prints a missing value, whatever the column's dtype (text, number or controlled list).
MISSING = "<NA>"


def terminal_width() -> int:
    """Columns of the terminal (or $COLUMNS), 80 when there is none."""
    return shutil.get_terminal_size(fallback=(80, 24)).columns


def render_table(df, width: int | None = None) -> str:
    """A frame as text no wider than `width`: columns wrap into blocks, every row shown, one missing marker."""
    import pandas as pd

    width = width or terminal_width()
    shown = df.astype(object).where(df.notna(), MISSING)
    with pd.option_context("display.max_columns", None, "display.max_rows", None, "display.width", width,
                           "display.max_colwidth", max(16, width - 8), "display.expand_frame_repr", True):
        return repr(shown)


def range_words(f: dict) -> str | None:
    """'0 to 100', 'greater than 0', 'at least 1', from a described field's bounds."""
    lo, hi, above = f.get("minimum"), f.get("maximum"), f.get("exclusive_minimum")
    parts = []
    if lo is not None and hi is not None:
        return f"from {lo:g} to {hi:g}"
    if lo is not None:
        parts.append(f"at least {lo:g}")
    if above is not None:
        parts.append(f"greater than {above:g}")
    if hi is not None:
        parts.append(f"at most {hi:g}")
    return " and ".join(parts) or None


def describe_text(info: dict) -> str:
    """`jakdata.describe(NAME)` for people: every field's constraints, the row checks, the sources."""
    out = [f"{info['name']}: {info['title']}", "", info["description"], "",
           f"kind: {info['kind']}; primary key: {info['primary_key']} (unique, required)"]
    for group in info["unique_together"]:
        out.append(f"unique together: ({', '.join(group)}) occurs at most once")
    for fk in info["foreign_keys"]:
        out.append(f"foreign key: {fk['field']} → {fk['reference']}")
    optional = [f["name"] for f in info["fields"] if f["optional_in_extraction"]]
    out += ["", "fields:"]
    for f in info["fields"]:
        flags = [f["type"]] + [w for w, on in (("required", f["required"]), ("unique", f["unique"]),
                                                ("derived", f["derived"]),
                                                ("optional in an extraction", f["optional_in_extraction"])) if on]
        unit = f" [{f['unit']}]" if f["unit"] else ""
        out.append(f"  {f['name']} ({', '.join(flags)}){unit}: {f['description']}")
        if f["enum"]:
            out.append(f"      allowed values: {', '.join(f['enum'])}")
        if f["pattern_words"]:
            out.append(f"      form: {f['pattern_words']}")
        rng = range_words(f)
        if rng:
            out.append(f"      range: {rng}")
        if f["formula"]:
            out.append(f"      formula: {f['formula']}")
    if info["checks"]:
        out += ["", "row checks:"]
        out += [f"  {c['name']}: {c['description']}" for c in info["checks"]]
    out += ["", "in an extraction (jakdata validate --table): columns are matched by name in any order; "
            + (f"these may be left out: {', '.join(optional)} (derived ones are then computed)" if optional
               else "every column is needed")]
    if info["sources"]:
        out += ["", "sources:"]
        out += [f"  {s['source_id']}: {s['title']} ({s['seed_file']})" for s in info["sources"]]
    return "\n".join(out)


def template(name: str, example: bool = False) -> str:
    """An extraction CSV: the header of the columns an extractor fills, and optionally the first published row.

    Derived columns are left out: `jakdata validate --table` computes them.
    """
    from .catalog import get_table
    table = get_table(name)
    columns = [f.name for f in table.curated_fields] if table.kind != "derived" else table.field_names
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    if example:
        from .formats import FORMATS
        from .load import table_path

        canonical = next(f for f in FORMATS.values() if f.canonical).name
        with open(table_path(name, canonical), encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh)
            header = next(reader)
            first = next(reader, None)
        if first is not None:  # the published cells exactly as the CSV has them
            writer.writerow([first[header.index(c)] for c in columns])
    return buf.getvalue()
