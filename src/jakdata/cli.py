"""The `jakdata` command line.

Exit status: 0 valid or done; 1 invalid data (the report names table, row, column, check and
value); 2 usage or input error. No traceback reaches the user.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .formats import DEFAULT_FORMAT, FORMATS

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse's own exit is 2 as well; keep one message style
        self.print_usage(sys.stderr)
        print(f"jakdata: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="jakdata", description="Hand-extracted clinical study data on JAK and kinase inhibitors.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    sub.add_parser("list", help="list the tables")
    s = sub.add_parser("show", help="print a table")
    s.add_argument("name")
    s.add_argument("--format", choices=tuple(FORMATS), default=DEFAULT_FORMAT, help="which published file to read")
    s.add_argument("--rows", type=int, default=None, help="print only the first ROWS rows")
    d = sub.add_parser("describe", help="fields, units, derivations and sources of a table")
    d.add_argument("name")
    d.add_argument("--json", action="store_true", help="machine-readable output")
    v = sub.add_parser("validate", help="validate the package, or one file against one table's schema",
                       usage="%(prog)s [PATH | --table NAME FILE [--sources DIR]] [--format {text,json}]")
    v.add_argument("path", nargs="?", help="datapackage.json or its directory (default: ./datapackage.json, "
                   "else the installed copy)")
    v.add_argument("--table", nargs=2, metavar=("NAME", "FILE"), help="validate FILE against table NAME's schema")
    v.add_argument("--sources", metavar="DIR", type=Path, default=None,
                   help="with --table: check quotes against your own source documents in DIR (a folder of "
                   "texts named SOURCE_ID.txt, or a sources.csv in jakdata's sources schema with its seed files)")
    v.add_argument("--format", choices=("text", "json"), default="text", dest="output")
    b = sub.add_parser("build", help="build tables/, datapackage.json and docs from the curated records")
    b.add_argument("--check", action="store_true", help="fail (exit 1) if any generated file is stale")
    b.add_argument("--root", type=Path, default=None, help="source checkout to build (default: this one)")
    e = sub.add_parser("export", help="write the tables as CSV, Parquet or one SQLite database")
    e.add_argument("--format", choices=(*FORMATS, "sqlite"), required=True)
    e.add_argument("--out", type=Path, required=True, help="directory to write into")
    w = sub.add_parser("site", help="write a static website: every value one click from its quote")
    w.add_argument("--out", type=Path, required=True, help="directory to write into")
    c = sub.add_parser("cite", help="how to cite jakdata and the sources of a table")
    c.add_argument("name", nargs="?")
    df = sub.add_parser("diff", help="what changed between two versions of the package, and the version bump "
                        "it needs (exit 0 even when something changed, unless --check-version or --exit-code)")
    df.add_argument("old", help="datapackage.json or its directory, `installed`, or git:REV")
    df.add_argument("new", help="the same kinds of side as OLD")
    df.add_argument("--format", choices=("text", "json", "markdown"), default="text", dest="output")
    df.add_argument("--check-version", action="store_true",
                    help="exit 1 when NEW's version is smaller than the change requires")
    df.add_argument("--exit-code", action="store_true", help="exit 1 when anything changed")
    df.add_argument("--max-rows", type=int, default=None, metavar="N",
                    help="list at most N added, removed and changed rows per table (counts stay complete)")
    return p


def _print_problems(problems, checked, output: str, report=None) -> int:
    from .report import as_json, as_text

    if report is None:
        print(as_json(problems, checked) if output == "json" else as_text(problems, checked))
    elif output == "json":
        print(as_json(problems, checked, report.notes, [d.as_dict() for d in report.documents]))
    else:
        print(as_text(problems, checked, [d.line() for d in report.documents] + report.notes))
    return EXIT_INVALID if problems else EXIT_OK


def _cmd_list(args) -> int:
    from .catalog import TABLES

    width = max(map(len, TABLES))
    for name, table in TABLES.items():
        print(f"{name:<{width}}  {table.title}")
    return EXIT_OK


def _cmd_show(args) -> int:
    import pandas as pd

    from .load import load

    df = load(args.name, args.format)
    with pd.option_context("display.max_columns", None, "display.width", 200, "display.max_colwidth", 60):
        print(df if args.rows is None else df.head(args.rows))
    return EXIT_OK


def _cmd_describe(args) -> int:
    from .load import describe

    info = describe(args.name)
    if args.json:
        print(json.dumps(info, indent=2, ensure_ascii=False))
        return EXIT_OK
    print(f"{info['name']}: {info['title']}\n\n{info['description']}\n")
    print(f"kind: {info['kind']}; primary key: {info['primary_key']}")
    for fk in info["foreign_keys"]:
        print(f"foreign key: {fk['field']} → {fk['reference']}")
    print("\nfields:")
    for f in info["fields"]:
        unit = f" [{f['unit']}]" if f["unit"] else ""
        origin = f" (derived: {f['formula']})" if f["derived"] else ""
        print(f"  {f['name']} ({f['type']}{', required' if f['required'] else ''}){unit}: {f['description']}{origin}")
    if info["checks"]:
        print("\nchecks:")
        for c in info["checks"]:
            print(f"  {c['name']}: {c['description']}")
    if info["sources"]:
        print("\nsources:")
        for s in info["sources"]:
            print(f"  {s['source_id']}: {s['title']} ({s['seed_file']})")
    return EXIT_OK


def _cmd_validate(args) -> int:
    from .errors import InputError
    from .validation import check_file, installed_seeds, validate_package

    if args.sources is not None and not args.table:
        raise InputError("--sources DIR goes with --table NAME FILE")
    if args.table:
        if args.path:
            raise InputError("give either PATH or --table NAME FILE, not both")
        name, file = args.table
        report = check_file(Path(file), name, None if args.sources else installed_seeds(), args.sources)
        return _print_problems(report.problems, [name], args.output, report)
    if args.path:
        target = Path(args.path)
    elif Path("datapackage.json").is_file():
        target = Path("datapackage.json")
    else:
        from .paths import package_root

        target = package_root()
    problems, checked = validate_package(target)
    return _print_problems(problems, checked, args.output)


def _build_root(args) -> Path:
    from .errors import InputError
    from .paths import repository_root

    candidates = [args.root] if args.root else [Path.cwd(), repository_root()]
    for c in candidates:
        if c is not None and (Path(c) / "src" / "jakdata" / "curated").is_dir():
            return Path(c)
    raise InputError("build needs a jakdata source checkout (a directory with src/jakdata/curated); "
                     "run it from the repository root or pass --root")


def _cmd_build(args) -> int:
    from .build import build
    from .report import as_text

    root = _build_root(args)
    result = build(root, check=args.check, curated=root / "src" / "jakdata" / "curated")
    if result.problems:
        print("build failed; nothing was written.\n" + as_text(result.problems, []), file=sys.stderr)
        return EXIT_INVALID
    if args.check:
        if result.stale:
            print("stale generated files (run `jakdata build`):\n" + "\n".join(f"  {s}" for s in result.stale))
            return EXIT_INVALID
        print("up to date: every generated file matches the curated records")
        return EXIT_OK
    print("built: " + (", ".join(result.written) if result.written else "nothing changed"))
    return EXIT_OK


def _cmd_export(args) -> int:
    from .export import export

    written = export(args.format, args.out)
    print("\n".join(str(p) for p in written))
    return EXIT_OK


def _cmd_site(args) -> int:
    from .site import build_site

    written = build_site(args.out)
    print(f"site: {args.out / 'index.html'} ({len(written)} files; open it in a browser)")
    return EXIT_OK


def _cmd_cite(args) -> int:
    from .cite import citation_text

    print(citation_text(args.name))
    return EXIT_OK


def _cmd_diff(args) -> int:
    from .diff import DiffError
    from .diff_command import command

    try:
        text, status, error = command(args.old, args.new, args.output, args.check_version, args.exit_code,
                                      args.max_rows)
    except DiffError as exc:
        print(f"jakdata: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(text)
    if error:
        print(f"jakdata: error: {error}", file=sys.stderr)
    return status


COMMANDS = {"list": _cmd_list, "show": _cmd_show, "describe": _cmd_describe, "validate": _cmd_validate,
            "build": _cmd_build, "export": _cmd_export, "cite": _cmd_cite,
            "diff": _cmd_diff, "site": _cmd_site}


def main(argv: list[str] | None = None) -> int:
    from .errors import InputError

    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    try:
        return COMMANDS[args.command](args)
    except InputError as exc:
        print(f"jakdata: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        return 130
    except (OSError, ValueError) as exc:
        print(f"jakdata: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:  # the promise is: no traceback for any input
        print(f"jakdata: internal error: {type(exc).__name__}: {exc}. Please report it.", file=sys.stderr)
        return EXIT_USAGE


def run() -> None:
    sys.exit(main())
