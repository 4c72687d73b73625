"""The two sides of `jakdata diff`: a package on disk, the installed copy, or a git revision.

A side is read-only: a git revision is read with `git rev-parse` and `git cat-file` from the
object store, so the work tree and the index are never touched.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Callable

DESCRIPTOR = "datapackage.json"
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


class DiffError(ValueError):
    """A side cannot be read or the request makes no sense (CLI exit status 2)."""


@dataclass
class Side:
    """One package to compare: where it is, its descriptor, and a reader for its files."""

    label: str                      # as the user wrote it: ".", "installed", "git:HEAD"
    where: str                      # what it resolved to: a directory or "commit 1a2b3c4d"
    descriptor: dict
    read: Callable[[str], bytes] = field(repr=False)  # package-relative POSIX path -> bytes

    @property
    def version(self) -> str | None:
        v = self.descriptor.get("version")
        return v if isinstance(v, str) else None


def member_path(path: object, label: str, what: str) -> str:
    """A resource path checked to stay inside the package: relative, POSIX, no `..`, no URL."""
    if not isinstance(path, str) or not path:
        raise DiffError(f"{label}: {what} has no path (a single relative file path is needed)")
    if _URL.match(path):
        raise DiffError(f"{label}: {what} path {path!r} is a URL; diff reads only files inside the package")
    if "\\" in path or path.startswith("/") or re.match(r"^[A-Za-z]:", path):
        raise DiffError(f"{label}: {what} path {path!r} is not a relative POSIX path inside the package")
    parts = PurePosixPath(path).parts
    if ".." in parts:
        raise DiffError(f"{label}: {what} path {path!r} leaves the package (`..`)")
    return PurePosixPath(*parts).as_posix()


def _parse_descriptor(data: bytes, label: str, name: str = DESCRIPTOR) -> dict:
    try:
        descriptor = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise DiffError(f"{label}: {name} is not UTF-8 ({exc.reason} at byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise DiffError(f"{label}: {name} is not valid JSON: {exc.msg} at line {exc.lineno}, "
                        f"column {exc.colno}") from None
    except RecursionError:
        raise DiffError(f"{label}: {name} is nested too deeply to read") from None
    if not isinstance(descriptor, dict):
        raise DiffError(f"{label}: {name} is not a JSON object")
    resources = descriptor.get("resources", [])
    if not isinstance(resources, list) or not all(isinstance(r, dict) for r in resources):
        raise DiffError(f"{label}: {name} `resources` is not a list of objects")
    seen: set[str] = set()
    for i, r in enumerate(resources):
        rname = r.get("name")
        if not isinstance(rname, str) or not rname:
            raise DiffError(f"{label}: {name} resource {i} has no name")
        if rname in seen:
            raise DiffError(f"{label}: {name} has two resources named {rname!r}")
        seen.add(rname)
    return descriptor


def _directory_side(label: str, root: Path, descriptor: str = DESCRIPTOR) -> Side:
    root = root.resolve()

    def read(rel: str) -> bytes:
        target = (root / rel).resolve()
        if not target.is_relative_to(root):
            raise DiffError(f"{label}: {rel} points outside the package ({root})")
        try:
            return target.read_bytes()
        except FileNotFoundError:
            raise DiffError(f"{label}: {rel} is missing (looked in {root})") from None
        except IsADirectoryError:
            raise DiffError(f"{label}: {rel} is a directory, not a file") from None
        except OSError as exc:
            raise DiffError(f"{label}: cannot read {rel}: {exc.strerror}") from None

    return Side(label, str(root), _parse_descriptor(read(descriptor), label, descriptor), read)


def _git(args: list[str], cwd: Path, label: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, GIT_OPTIONAL_LOCKS="0")  # never refresh or lock the index
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, env=env)
    except FileNotFoundError:
        raise DiffError(f"{label}: reading a git revision needs git, and git is not installed") from None


def _git_side(label: str, rev: str, cwd: Path) -> Side:
    if not rev or rev.startswith("-") or any(c.isspace() for c in rev):
        raise DiffError(f"{label}: {rev!r} is not a git revision")
    prefix = _git(["rev-parse", "--show-prefix"], cwd, label)
    if prefix.returncode != 0:
        raise DiffError(f"{label}: {cwd} is not inside a git repository")
    here = prefix.stdout.decode().strip()
    found = _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], cwd, label)
    if found.returncode != 0:
        raise DiffError(f"{label}: no commit {rev!r} in this repository (a shallow clone may lack it: "
                        "git fetch --unshallow)")
    commit = found.stdout.decode().strip()

    def read(rel: str) -> bytes:
        blob = _git(["cat-file", "blob", f"{commit}:{here}{rel}"], cwd, label)
        if blob.returncode != 0:
            raise DiffError(f"{label}: {here}{rel} is not a file in commit {commit[:12]}")
        return blob.stdout

    return Side(label, f"commit {commit[:12]}", _parse_descriptor(read(DESCRIPTOR), label), read)


def installed_root() -> Path:
    """Where the installed copy keeps datapackage.json (the folder above its tables/)."""
    from .load import table_path, tables

    return table_path(tables()[0], "csv").parent.parent


def open_side(spec: str, cwd: Path | None = None) -> Side:
    """Open `installed`, `git:REV` (relative to the current directory's place in that commit),
    or a datapackage.json or its directory."""
    cwd = Path.cwd() if cwd is None else cwd
    if spec == "installed":
        return _directory_side(spec, installed_root())
    if spec.startswith("git:"):
        return _git_side(spec, spec[4:], cwd)
    path = cwd / spec
    if path.is_dir():
        if not (path / DESCRIPTOR).is_file():
            raise DiffError(f"{spec}: no {DESCRIPTOR} in this directory")
        return _directory_side(spec, path)
    if path.is_file():
        return _directory_side(spec, path.parent, path.name)
    raise DiffError(f"{spec}: no such file or directory (give a {DESCRIPTOR}, its directory, "
                    "`installed` or git:REV)")
