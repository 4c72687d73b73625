"""How to cite jakdata and the documents a table's values come from."""

from __future__ import annotations

from .__about__ import CITATION


def citation_text(name: str | None = None) -> str:
    """The package citation, followed by the sources of one table (or of the whole package)."""
    from .load import load
    from .catalog import SOURCES_TABLE, get_table as table_spec

    lines = ["Please cite jakdata as:", f"  {CITATION}", ""]
    sources = load(SOURCES_TABLE, "csv")
    if name is not None:
        table = table_spec(name)
        if "source_id" in table.field_names:
            ids = set(load(name, "csv")["source_id"].dropna().astype(str))
            sources = sources[sources["source_id"].isin(ids)]
        lines.append(f"Values in {name} come from:")
    else:
        lines.append("Values in jakdata come from:")
    for r in sources.itertuples(index=False):
        who = f"{r.authors}. " if isinstance(r.authors, str) else ""
        when = f" ({r.publication_date})" if isinstance(r.publication_date, str) else " (n.d.)"
        pub = f" {r.publisher}." if isinstance(r.publisher, str) else ""
        where = f" {r.url}" if isinstance(r.url, str) else f" [{r.seed_file}]"
        rights = f" Rights: {r.rights}" if isinstance(r.rights, str) else " Rights: not stated."
        lines.append(f"  - {who}{r.title}{when}.{pub}{where}.{rights}")
    return "\n".join(lines)
