"""`jakdata diff` for the command line: compare, render, and choose the exit status."""

from __future__ import annotations

from .diff import DiffError, compare
from .diff_render import render
from .diff_sides import open_side


def command(old_spec: str, new_spec: str, output: str = "text", check_version: bool = False,
            exit_code: bool = False, max_rows: int | None = None, cwd=None) -> tuple[str, int, str | None]:
    """Run a diff for the CLI: (report text, exit status, error line for stderr or None).

    Exit 0 whatever changed (as `git diff`), 1 when `check_version` finds NEW's version too
    small or `exit_code` finds any change, 2 when `check_version` cannot read a version.
    """
    if max_rows is not None and max_rows < 0:
        raise DiffError("--max-rows must be 0 or more")
    report = compare(open_side(old_spec, cwd), open_side(new_spec, cwd))
    text = render(report, output, max_rows)
    if check_version and report.verdict.ok is None:
        return text, 2, f"--check-version: {report.verdict.reason}"
    failed = (check_version and not report.verdict.ok) or (exit_code and bool(report.changes))
    return text, 1 if failed else 0, None
