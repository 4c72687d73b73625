"""Where the published package lives, found through `importlib.resources`, and safe paths inside it.

An installed wheel carries datapackage.json, tables/ and seeds/ as package data in
`jakdata/_data`. A source checkout (an editable install, or tests run from the repository)
has them at the repository root instead: the directory two above the package that holds
`pyproject.toml`.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib import resources
from pathlib import Path

DESCRIPTOR = "datapackage.json"


def _package_dir() -> Path:
    return Path(str(resources.files("jakdata")))


@lru_cache(maxsize=1)
def package_root() -> Path:
    """Directory holding datapackage.json, tables/ and seeds/ (the wheel's data, else the checkout's)."""
    bundled = resources.files("jakdata").joinpath("_data")
    if bundled.joinpath(DESCRIPTOR).is_file():
        return Path(str(bundled))
    checkout = repository_root()
    if checkout is not None and (checkout / DESCRIPTOR).is_file():
        return checkout
    return Path(str(bundled))


def repository_root() -> Path | None:
    """The source checkout this package runs from, if any (where `jakdata build` writes)."""
    checkout = _package_dir().parent.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / "src" / "jakdata").is_dir():
        return checkout
    return None


def inside(root: Path, rel: object) -> Path | None:
    """`root / rel` when `rel` is a relative path to a regular file that stays inside `root`, else None."""
    if not isinstance(rel, str) or not rel or "\x00" in rel or rel.startswith(("/", "\\")) or "://" in rel \
            or (len(rel) > 1 and rel[1] == ":") or ".." in Path(rel).parts:
        return None
    full = Path(root) / rel
    try:
        if not full.resolve().is_relative_to(Path(root).resolve()) or not full.is_file():
            return None
    except (OSError, ValueError):
        return None
    return full


def sha256_of(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
