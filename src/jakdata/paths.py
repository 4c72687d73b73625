"""Where the published package lives, found through `importlib.resources`, and safe paths inside it.

An installed wheel carries datapackage.json, tables/ and seeds/ as package data in
`jakdata/_data`. A source checkout (an editable install, or tests run from the repository)
has them at the repository root instead: the directory two above the package that holds
`pyproject.toml`.
"""

from __future__ import annotations

import hashlib
import os
import stat
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


_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a directory"))


def not_regular(path: Path, within: Path) -> str | None:
    """Why `path` may not be read (None if it may): it must resolve to a regular file inside `within`.

    Only the file's status is looked at, never its content, so the reason can be printed for
    any file: a FIFO would block a reader forever, a device such as /dev/zero never ends, and a
    symbolic link out of the directory being validated could expose a file that is not the user's
    to show (its target is not named either).
    """
    try:
        real = Path(path).resolve(strict=True)
        mode = os.stat(real).st_mode
    except FileNotFoundError:
        return "no such file" + (" (a symbolic link to nothing)" if os.path.islink(path) else "")
    except (OSError, RuntimeError, ValueError) as exc:  # a link loop, a name the system refuses
        return f"cannot be read ({getattr(exc, 'strerror', None) or exc})"
    if not stat.S_ISREG(mode):
        kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
        return f"is {kind}, not a regular file; jakdata reads only regular files"
    try:
        outside = not real.is_relative_to(Path(within).resolve(strict=True))
    except (OSError, RuntimeError, ValueError):
        outside = True
    if outside:
        return f"is a symbolic link that leads outside {within}; jakdata reads only files inside the directory " \
               "being validated"
    return None


# ----------------------------------------------------------------------------- interrupted builds

#: `jakdata build` stages every file in a directory named so inside the checkout (see build.py).
STAGING_PREFIX = ".jakdata-build-"
#: The journal a build writes into its staging directory once staging is complete: the list of
#: moves that turns the old package into the new one. Its presence means the moves may have begun.
JOURNAL = "journal.json"


def interrupted_build(root: Path) -> Path | None:
    """The journal of a build that was stopped while moving files into `root`, if there is one."""
    try:
        found = sorted(p for p in Path(root).glob(STAGING_PREFIX + "*/" + JOURNAL) if p.is_file())
    except OSError:
        return None
    return found[0] if found else None
