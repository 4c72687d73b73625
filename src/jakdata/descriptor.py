"""The Frictionless `datapackage.json` jakdata publishes, generated from the catalog and the files."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from .__about__ import CITATION, RELEASE_DATE, TITLE, __version__
from .catalog import SOURCES_TABLE, TABLES
from .formats import FORMATS, Format
from .tableschema import table_schema

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"


def _resource(name: str, fmt: Format, data: bytes | None, sources: list[dict]) -> dict:
    table = TABLES[name]
    res = {
        "name": fmt.resource_name(name),
        "type": "table",
        "path": fmt.path(name),
        "scheme": "file",
        "format": fmt.name,
        "mediatype": fmt.mediatype,
    }
    if data is not None:  # None: the metadata alone, as a copy's descriptor is compared with it
        if fmt.declares_bytes:
            res["bytes"] = len(data)
        res["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
    res.update({"title": table.title, "description": table.description, "sources": sources,
                "schema": table_schema(name, fmt.name)})
    res.update(fmt.descriptor)
    return res


def _source_entry(r) -> dict:
    e = {"title": r.title, "path": r.url if pd.notna(r.url) else r.seed_file}
    if pd.notna(r.publisher):
        e["publisher"] = r.publisher
    return e


def descriptor(frames: dict[str, pd.DataFrame], files: Path | None) -> dict:
    """The descriptor for `frames`, whose published files lie under `files` (hashes and sizes; None: without)."""
    src = frames[SOURCES_TABLE]
    by_id = {r.source_id: r for r in src.itertuples(index=False)}
    resources = []
    for name in TABLES:
        ids = sorted(set(frames[name]["source_id"].dropna().astype(str))) if "source_id" in frames[name] else []
        sources = [_source_entry(by_id[i]) for i in ids if i in by_id]
        for fmt in FORMATS.values():
            data = None if files is None else (Path(files) / fmt.path(name)).read_bytes()
            resources.append(_resource(name, fmt, data, sources))
    return {
        "$schema": PROFILE,
        "name": "jakdata",
        "title": TITLE,
        "description": "Schema-checked tables hand-extracted from five source documents about JAK inhibitors "
                       "and related kinase inhibitors: ruxolitinib response predictors in myelofibrosis (JUMP), "
                       "JAK-inhibitor switching in rheumatology, the eligibility criteria of NCT03558607, and "
                       "ponatinib's phase I/II results. Every extracted row cites a verbatim quote of its seed.",
        "version": __version__,
        "created": f"{RELEASE_DATE}T00:00:00Z",
        "keywords": ["JAK inhibitors", "ruxolitinib", "myelofibrosis", "ponatinib", "clinical trials",
                     "data extraction", "provenance"],
        "licenses": [{
            "name": "CC-BY-4.0",
            "path": "https://creativecommons.org/licenses/by/4.0/",
            "title": "Creative Commons Attribution 4.0 (jakdata's curation; quoted source text and the "
                     "seed copies remain under their owners' terms, see the sources table)",
        }],
        "contributors": [{"title": "jakdata curators", "roles": ["creator"]}],
        "citation": CITATION,
        "sources": [_source_entry(r) for r in src.itertuples(index=False)],
        "resources": resources,
    }
