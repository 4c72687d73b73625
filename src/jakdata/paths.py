"""Where the published package lives: inside the installed wheel, or at the repository root."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

DESCRIPTOR = "datapackage.json"


@lru_cache(maxsize=1)
def package_root() -> Path:
    """Directory holding datapackage.json, tables/ and seeds/.

    An installed wheel carries them in `jakdata/_data`; a source checkout has them two levels
    above this file.
    """
    here = Path(__file__).resolve().parent
    bundled = here / "_data"
    if (bundled / DESCRIPTOR).is_file():
        return bundled
    checkout = here.parent.parent
    if (checkout / DESCRIPTOR).is_file():
        return checkout
    return bundled


def repository_root() -> Path | None:
    """The source checkout this module runs from, if any (where `jakdata build` writes)."""
    checkout = Path(__file__).resolve().parent.parent.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / "src" / "jakdata").is_dir():
        return checkout
    return None
