"""The package a site is built from: datapackage.json, every table's rows as text, the seeds.

Cells are read as the CSV writes them (no type conversion), so the site shows each value
exactly as published and needs neither pandas nor pyarrow.
"""

from __future__ import annotations


import csv
import json
from dataclasses import dataclass
from pathlib import Path

from ..catalog import SOURCES_TABLE, TABLES


class SiteError(ValueError):
    """The package or the output directory cannot make a site (a usage or input error)."""


@dataclass(frozen=True)
class Package:
    """What the pages are made of."""

    root: Path
    descriptor: dict
    rows: dict[str, list[dict[str, str]]]  # table name -> rows, in file order
    seeds: dict[str, str]  # source_id -> raw seed text
    seed_files: dict[str, str]  # source_id -> seed_file, relative to root


def default_root() -> Path:
    """The installed (or checked-out) package: the parent of its tables/ directory."""
    from ..load import table_path

    return table_path(SOURCES_TABLE, "csv").parent.parent


def _read_csv(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))
    except FileNotFoundError:
        raise SiteError(f"{path}: table file missing") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise SiteError(f"{path}: cannot read as UTF-8 CSV: {exc}") from None


def read_package(root: Path | None = None) -> Package:
    """Read the package at `root` (default: the installed one)."""
    root = Path(root) if root is not None else default_root()
    descriptor_path = root / "datapackage.json"
    try:
        descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SiteError(f"{descriptor_path}: not found; give the directory holding datapackage.json") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SiteError(f"{descriptor_path}: not valid JSON: {exc}") from None
    rows = {}
    for name, table in TABLES.items():
        rows[name] = _read_csv(root / "tables" / f"{name}.csv")
        missing = [f.name for f in table.fields if rows[name] and f.name not in rows[name][0]]
        if missing:
            raise SiteError(f"{root / 'tables' / f'{name}.csv'}: columns missing: {', '.join(missing)}")
    seeds, seed_files = {}, {}
    for source in rows["sources"]:
        path = root / source["seed_file"]
        if not path.resolve().is_relative_to(root.resolve()):
            raise SiteError(f"sources row {source['source_id']}: seed_file {source['seed_file']!r} "
                            "is outside the package")
        try:
            seeds[source["source_id"]] = path.read_bytes().decode("utf-8")  # offsets count every raw character
        except FileNotFoundError:
            raise SiteError(f"{path}: seed file missing") from None
        except UnicodeDecodeError as exc:
            raise SiteError(f"{path}: not UTF-8 text: {exc}") from None
        seed_files[source["source_id"]] = source["seed_file"]
    return Package(root, descriptor, rows, seeds, seed_files)
