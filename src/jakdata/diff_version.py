"""Semantic Versioning arithmetic for `jakdata diff --check-version`: is NEW's version big enough?"""

from __future__ import annotations

import re
from dataclasses import dataclass

BUMPS = ("none", "patch", "minor", "major")  # smallest to largest

_SEMVER = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)"
                     r"(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?")


@dataclass(frozen=True)
class Version:
    """A parsed SemVer 2.0.0 version; build metadata is dropped, as precedence ignores it."""

    major: int
    minor: int
    patch: int
    pre: tuple[str, ...] = ()

    @property
    def core(self) -> tuple[int, int, int]:
        return (self.major, self.minor, self.patch)

    def precedence(self) -> tuple:
        """A sort key in SemVer precedence: a pre-release sorts before its release; numeric
        identifiers sort numerically and before alphanumeric ones."""
        pre = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in self.pre)
        return (self.core, 0 if self.pre else 1, pre)

    def __str__(self) -> str:
        return ".".join(map(str, self.core)) + ("-" + ".".join(self.pre) if self.pre else "")


def parse(text: object) -> Version | None:
    """The Version a string spells, or None when it is not SemVer."""
    m = _SEMVER.fullmatch(text) if isinstance(text, str) else None
    if m is None:
        return None
    return Version(int(m[1]), int(m[2]), int(m[3]), tuple(m[4].split(".")) if m[4] else ())


def at_least(old: Version, bump: str) -> Version:
    """The smallest release a change of size `bump` may carry after `old`."""
    if bump == "major":
        return Version(old.major + 1, 0, 0)
    if bump == "minor":
        return Version(old.major, old.minor + 1, 0)
    if bump == "patch":
        return Version(old.major, old.minor, old.patch + 1)
    return Version(old.major, old.minor, old.patch, old.pre)


@dataclass
class Verdict:
    """Whether NEW's version satisfies the required bump; `ok` is None when it cannot be told."""

    ok: bool | None
    minimum: str | None
    reason: str


def check(old_text: object, new_text: object, bump: str) -> Verdict:
    """Judge NEW's version against OLD's for a change of size `bump`.

    Any version of at least `at_least(old, bump)` passes, including its pre-releases (2.0.0-rc.1
    carries a major change after 1.4.2). After a pre-release OLD, which promises nothing, any
    later version passes. A version lower than OLD's never passes.
    """
    old, new = parse(old_text), parse(new_text)
    if old is None or new is None:
        which, text = ("old", old_text) if old is None else ("new", new_text)
        said = "has no version" if text is None else f"version {text!r} is not a SemVer version"
        return Verdict(None, None, f"cannot check: the {which} side {said}")
    if new.precedence() < old.precedence():
        return Verdict(False, str(old), f"new version {new} is lower than the old version {old}")
    if bump == "none":
        return Verdict(True, str(old), f"new version {new} satisfies it (at least {old})")
    if old.pre:
        ok = new.precedence() > old.precedence()
        return Verdict(ok, f"later than {old}", f"new version {new} {'satisfies' if ok else 'does not satisfy'} "
                       f"it (later than the pre-release {old})")
    need = at_least(old, bump)
    ok = new.core >= need.core
    return Verdict(ok, str(need), f"new version {new} {'satisfies' if ok else 'does not satisfy'} it "
                   f"(at least {need} after {old})")
