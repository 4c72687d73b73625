"""The pre-commit hook: validate every staged file the user maps to one jakdata table.

`.pre-commit-hooks.yaml` runs `python -m jakdata.precommit --table NAME FILE...`; the user's
config picks the table (`args`) and the files (`files`). Exit 1 if any file is invalid, 2 if
one cannot be read, with the text report of each file that is not valid.
"""

from __future__ import annotations

import argparse
import sys

from .report import DEFAULT_MAX_PROBLEMS, as_text


def main(argv: list[str] | None = None) -> int:
    from .errors import InputError
    from .validation import check_file, installed_seeds

    p = argparse.ArgumentParser(prog="jakdata-validate (pre-commit)",
                                description="validate files against one jakdata table's schema")
    p.add_argument("--table", required=True, help="the jakdata table the files are extractions of")
    p.add_argument("files", nargs="*")
    args = p.parse_args(argv)
    status = 0
    seeds = installed_seeds()
    for file in args.files:
        try:
            result = check_file(file, args.table, seeds, max_problems=DEFAULT_MAX_PROBLEMS)
        except InputError as exc:
            print(f"jakdata: error: {exc}", file=sys.stderr)
            status = max(status, 2)
            continue
        if result.findings:
            print(as_text(result.findings, [args.table], result.notes, target=file))
            status = max(status, 1)
    return status


if __name__ == "__main__":
    sys.exit(main())
