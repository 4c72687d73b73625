"""Shared fixtures: the repository, a pristine copy of the published package, a CLI runner."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


def copy_package(dest: Path) -> Path:
    """Copy what a user downloads (datapackage.json, tables/, seeds/) into `dest`."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "datapackage.json", dest / "datapackage.json")
    shutil.copytree(REPO / "tables", dest / "tables")
    shutil.copytree(REPO / "seeds", dest / "seeds")
    return dest


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """A pristine, writable copy of the published package."""
    return copy_package(tmp_path / "pkg")


def copy_checkout(dest: Path) -> Path:
    """Copy the parts of the repository `jakdata build` reads and writes."""
    copy_package(dest)
    shutil.copy2(REPO / "README.md", dest / "README.md")
    shutil.copy2(REPO / "pyproject.toml", dest / "pyproject.toml")
    shutil.copytree(REPO / "docs", dest / "docs")
    shutil.copytree(REPO / "src" / "jakdata" / "curated", dest / "src" / "jakdata" / "curated")
    return dest


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A writable copy of the source checkout's curated records and generated files."""
    return copy_checkout(tmp_path / "repo")


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run `python -m jakdata ARGS` in a fresh process; text output captured."""
    return subprocess.run([sys.executable, "-m", "jakdata", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture
def cli():
    return run_cli
