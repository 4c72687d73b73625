"""Someone's own source documents (`validate --table NAME FILE --sources DIR`), read safely.

DIR is either a folder of texts, one per source (`smith2020.txt`: the stem is the source_id),
or holds a `sources.csv` in jakdata's `sources` schema with the seed files it names beside it
(`seed_file` relative to DIR). Only regular files are read: a symbolic link, a directory where
a text is expected, a FIFO or a device is refused (InputError), so nothing outside DIR is read
and nothing can hang the validator. Every document read is recorded with its SHA-256.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from .catalog import SOURCES_TABLE, TABLES
from .errors import InputError
from .provenance import Seeds
from .report import Problem

#: The file that makes DIR a sources table rather than a folder of texts.
SOURCES_CSV = "sources.csv"
#: Suffixes of the texts in a folder of texts.
TEXT_SUFFIXES = (".txt", ".md")
#: A source document larger than this is refused (the published seeds are under 100 kB).
MAX_DOCUMENT_BYTES = 64 * 2**20


@dataclass(frozen=True)
class Document:
    """One source document read: its source_id, where it is, and the SHA-256 of its bytes."""

    source_id: str
    path: Path
    sha256: str

    def as_dict(self) -> dict[str, str]:
        return {"source_id": self.source_id, "path": str(self.path), "sha256": self.sha256}

    def line(self) -> str:
        return f"source {self.source_id}: {self.path} (sha256:{self.sha256})"


@dataclass
class UserSources:
    """The documents of DIR as seeds, their ids for foreign keys, and the problems of its sources.csv."""

    directory: Path
    seeds: Seeds
    ids: set[str]
    documents: list[Document] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    table_given: bool = False  # True when DIR holds a sources.csv


def _read_regular(path: Path, shown: Path) -> bytes:
    """The bytes of `path`, which must be a regular file and not a symbolic link (else InputError)."""
    try:
        if path.is_symlink():
            raise InputError(f"{shown}: is a symbolic link; source documents must be regular files inside the "
                             "sources folder")
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise InputError(f"{shown}: cannot be read ({exc.strerror or exc})") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        what = "is a directory" if stat.S_ISDIR(info.st_mode) else "is not a regular file"
        raise InputError(f"{shown}: {what}; source documents must be regular files")
    with os.fdopen(fd, "rb") as fh:
        if info.st_size > MAX_DOCUMENT_BYTES:
            raise InputError(f"{shown}: is {info.st_size} bytes; a source document may have at most "
                             f"{MAX_DOCUMENT_BYTES} bytes")
        return fh.read(MAX_DOCUMENT_BYTES + 1)


def _text(data: bytes, shown: Path) -> str:
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise InputError(f"{shown}: is not UTF-8 text (byte {exc.start}); source documents must be UTF-8") from None


def _refuse_links(directory: Path, rel: str) -> None:
    """Refuse a seed_file that is, or lies under, a symbolic link, or that is not a regular file."""
    here = directory
    if "\x00" in rel:
        return  # a name the system refuses: the sources table's own checks report it as missing
    try:
        for part in Path(rel).parts:
            if part == "..":
                return  # outside DIR: the sources table's own checks report it as missing
            here = here / part
            if here.is_symlink():
                raise InputError(f"{here}: is a symbolic link; source documents must be regular files inside "
                                 "the sources folder")
        if here.exists() and not here.is_file():
            _read_regular(here, here)
    except OSError:
        return  # a name the system refuses: the sources table's own checks report it as missing


def read_sources(directory: Path | str) -> UserSources:
    """The source documents in `directory` (see the module docstring), or InputError saying why not."""
    directory = Path(directory)
    try:
        is_dir = directory.is_dir()
    except OSError as exc:
        raise InputError(f"{directory}: cannot be read ({exc.strerror or exc})") from None
    if not is_dir:
        raise InputError(f"{directory}: --sources needs a directory of source texts or one holding {SOURCES_CSV}")
    if (directory / SOURCES_CSV).exists() or (directory / SOURCES_CSV).is_symlink():
        return _from_table(directory)
    return _from_folder(directory)


def _from_folder(directory: Path) -> UserSources:
    id_pattern = re.compile(TABLES[SOURCES_TABLE].field("source_id").full_pattern)
    texts: dict[str, str] = {}
    documents = []
    for entry in sorted(directory.iterdir()):
        if entry.name.startswith("."):
            continue  # hidden files (.DS_Store, .gitkeep) are not documents
        if entry.is_dir() and not entry.is_symlink():
            raise InputError(f"{entry}: is a directory; the sources folder holds only source texts "
                             f"({' or '.join(TEXT_SUFFIXES)} files) or a {SOURCES_CSV}")
        if entry.is_symlink() or not entry.is_file():
            _read_regular(entry, entry)  # raises the right InputError for links, FIFOs, devices
        if entry.suffix.lower() not in TEXT_SUFFIXES:
            raise InputError(f"{entry}: not a source text; the sources folder holds only "
                             f"{' or '.join(TEXT_SUFFIXES)} files (each file's stem is its source_id) or a "
                             f"{SOURCES_CSV}")
        sid = entry.stem
        if not id_pattern.match(sid):
            raise InputError(f"{entry}: {sid!r} cannot be a source_id (lower-case letters, digits and _, "
                             "starting with a letter)")
        if sid in texts:
            raise InputError(f"{entry}: a second document for source_id {sid!r}")
        data = _read_regular(entry, entry)
        texts[sid] = _text(data, entry)
        documents.append(Document(sid, entry, hashlib.sha256(data).hexdigest()))
    if not texts:
        raise InputError(f"{directory}: no source texts ({' or '.join(TEXT_SUFFIXES)} files) and no {SOURCES_CSV}")
    return UserSources(directory, Seeds(texts, f"source document in {directory}"), set(texts), documents)


def _from_table(directory: Path) -> UserSources:
    """DIR/sources.csv in jakdata's sources schema, its seed files read from DIR and checked like jakdata's."""
    import pandas as pd

    from . import reading
    from .frames import validate_frame
    from .paths import inside

    table = TABLES[SOURCES_TABLE]
    csv = directory / SOURCES_CSV
    _read_regular(csv, csv)  # refuse a link or a FIFO before anything reads it
    raw, _fmt, problems = reading.read_raw(csv, table)
    texts: dict[str, str] = {}
    documents = []
    if "source_id" in raw and "seed_file" in raw:
        for sid, rel in zip(raw["source_id"], raw["seed_file"]):
            if not isinstance(rel, str) or not rel or sid in texts:
                continue
            _refuse_links(directory, rel)
            full = inside(directory, rel)
            if full is None:
                continue  # missing, or outside DIR: the sources table's own checks report it
            data = _read_regular(full, full)
            texts[str(sid)] = _text(data, full)
            documents.append(Document(str(sid), full, hashlib.sha256(data).hexdigest()))
    seeds = Seeds(texts, f"source document in {directory}")
    found, typed = validate_frame(raw, table, seeds, root=directory)
    ids = {str(v) for v in typed["source_id"] if pd.notna(v)} if "source_id" in typed else set()
    return UserSources(directory, seeds, ids, documents, problems + found, table_given=True)
