"""The `jakdata` command line.

Exit status: 0 valid or done; 1 invalid data (the report names table, row, column, check and
value); 2 usage or input error; 130 interrupted (Ctrl-C). No traceback reaches the user.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .formats import DEFAULT_FORMAT, FORMATS

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse's own exit is 2 as well; keep one message style
        self.print_usage(sys.stderr)
        print(f"jakdata: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _count(text: str) -> int:
    """A non-negative whole number, for --rows and --max-problems."""
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if n < 0:
        raise argparse.ArgumentTypeError(f"{text} is negative; give 0 or more")
    return n


def _parser() -> argparse.ArgumentParser:
    from .__about__ import __version__
    from .report import DEFAULT_MAX_PROBLEMS
    from .reportformats import REPORT_FORMATS

    p = _Parser(prog="jakdata", description="Hand-extracted clinical study data on JAK and kinase inhibitors.")
    p.add_argument("--version", action="version", version=f"jakdata {__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser, metavar="COMMAND",
                         help="list, show, describe, template, validate, build, export, site, cite, diff")
    sub.add_parser("list", help="list the tables")
    s = sub.add_parser("show", help="print a table, fitted to the terminal's width",
                       usage="jakdata show NAME [--rows N] [--columns A,B,...] [--format FORMAT]")
    s.add_argument("name")
    s.add_argument("--format", choices=tuple(FORMATS), default=DEFAULT_FORMAT, help="which published file to read")
    s.add_argument("--rows", type=_count, default=None, metavar="N", help="print only the first N rows")
    s.add_argument("--columns", default=None, metavar="A,B,...", help="print only these columns, in this order")
    d = sub.add_parser("describe", help="fields, constraints, units, derivations and sources of a table")
    d.add_argument("name")
    d.add_argument("--json", action="store_true", help="machine-readable output")
    t = sub.add_parser("template", help="an extraction CSV for a table: its header (and with --example, "
                       "the first published row)")
    t.add_argument("name")
    t.add_argument("--example", action="store_true", help="add the first published row")
    t.add_argument("--out", type=Path, default=None, help="write to this file (default: standard output)")
    v = sub.add_parser("validate", help="validate the package, or one file against one table's schema",
                       usage="jakdata validate [PATH | --table NAME FILE [--sources DIR]] [--format FORMAT] "
                       "[options]")
    v.add_argument("path", nargs="?", help="datapackage.json or its directory (default: ./datapackage.json, "
                   "else the installed copy)")
    v.add_argument("--table", nargs=2, metavar=("NAME", "FILE"), help="validate FILE against table NAME's schema")
    v.add_argument("--sources", metavar="DIR", type=Path, default=None,
                   help="with --table: check quotes against your own source documents in DIR (a folder of "
                   "texts named SOURCE_ID.txt, or a sources.csv in jakdata's sources schema with its seed files)")
    v.add_argument("--format", choices=tuple(REPORT_FORMATS), default="text", dest="output", metavar="FORMAT",
                   help="text (people, the default), json (machines), github (workflow annotations), junit, "
                   "sarif, markdown")
    v.add_argument("--max-problems", type=_count, default=DEFAULT_MAX_PROBLEMS, metavar="N",
                   help=f"list at most N problems (default {DEFAULT_MAX_PROBLEMS:,}; 0 lists all); the rest "
                   "are counted by check")
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


def _print_report(problems, checked, args, notes=(), target=None, files=None, sources=None) -> int:
    """Print a validation report in the chosen format; exit 1 when anything is wrong."""
    from .report import Findings
    from .reportformats import Context, render

    limit = args.max_problems or None
    found = problems if isinstance(problems, Findings) else Findings.of(problems, limit)
    print(render(args.output, found, Context(checked, list(notes), target, files or {}, sources)))
    return EXIT_INVALID if found else EXIT_OK


def _cmd_list(args) -> int:
    from .catalog import TABLES

    width = max(map(len, TABLES))
    for name, table in TABLES.items():
        print(f"{name:<{width}}  {table.title}")
    return EXIT_OK


def _cmd_show(args) -> int:
    from .errors import InputError
    from .showing import render_table

    from .load import load

    df = load(args.name, args.format)
    if args.columns is not None:
        wanted = [c.strip() for c in args.columns.split(",") if c.strip()]
        unknown = [c for c in wanted if c not in df.columns]
        if unknown or not wanted:
            raise InputError(f"table {args.name} has no column(s) {', '.join(unknown) or '(none given)'}; "
                             f"its columns: {', '.join(df.columns)}")
        df = df[wanted]
    print(render_table(df if args.rows is None else df.head(args.rows)))
    return EXIT_OK


def _cmd_describe(args) -> int:
    from .load import describe
    from .showing import describe_text

    info = describe(args.name)
    if args.json:
        print(json.dumps(info, indent=2, ensure_ascii=False))
        return EXIT_OK
    print(describe_text(info))
    return EXIT_OK


def _cmd_template(args) -> int:
    from .showing import template

    text = template(args.name, args.example)
    if args.out is None:
        sys.stdout.write(text)
    else:
        args.out.write_text(text, encoding="utf-8", newline="")
        print(f"wrote {args.out}")
    return EXIT_OK


def _progress():
    """A progress line on stderr for long validations, only when stderr is a terminal and not in CI."""
    import os

    if not sys.stderr.isatty() or os.environ.get("CI"):
        return None

    def show(done: int, total: int) -> None:
        share = done / total if total else 1.0
        bar = "#" * int(share * 30)
        end = "\n" if done >= total else ""
        print(f"\rvalidating [{bar:<30}] {share:4.0%} ({done:,} of {total:,} rows)", end=end, file=sys.stderr,
              flush=True)

    return show


def _data_file_hint(target: Path) -> str | None:
    """A hint when PATH names a table file rather than a package: the user forgot --table."""
    if target.suffix.lower() in (".csv", ".parquet", ".tsv", ".txt"):
        return (f"{target} is a table file, not a datapackage.json; to check it against one table's schema "
                f"run: jakdata validate --table NAME {target} (tables: `jakdata list`)")
    return None


def _cmd_validate(args) -> int:
    from .errors import InputError
    from .validation import check_file, installed_seeds, validate_package

    if args.sources is not None and not args.table:
        raise InputError("--sources DIR goes with --table NAME FILE")
    if args.table:
        if args.path:
            raise InputError("give either PATH or --table NAME FILE, not both")
        name, file = args.table
        result = check_file(Path(file), name, None if args.sources else installed_seeds(),
                            max_problems=args.max_problems or None, progress=_progress(), sources=args.sources)
        notes = [d.line() for d in result.documents] + result.notes
        documents = [d.as_dict() for d in result.documents] if args.sources else None
        return _print_report(result.findings, [name], args, notes, target=file, files={name: file},
                             sources=documents)
    if args.path:
        target = Path(args.path)
        hint = _data_file_hint(target)
        if hint:
            raise InputError(hint)
    elif Path("datapackage.json").is_file():
        target = Path("datapackage.json")
    else:
        from .paths import package_root

        target = package_root() / "datapackage.json"
    problems, checked = validate_package(target)
    return _print_report(problems, checked, args, target=str(target), files=_package_files(target))


def _package_files(target: Path) -> dict[str, str]:
    """Each resource's file as a report names it (for annotations): the path under the package root."""
    from .catalog import TABLES

    root = target.parent if target.suffix == ".json" else target
    files = {fmt.resource_name(n): str(root / fmt.path(n)) for n in TABLES for fmt in FORMATS.values()}
    return files


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


COMMANDS = {"list": _cmd_list, "show": _cmd_show, "describe": _cmd_describe, "template": _cmd_template,
            "validate": _cmd_validate,
            "build": _cmd_build, "export": _cmd_export, "cite": _cmd_cite,
            "diff": _cmd_diff, "site": _cmd_site}


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except KeyboardInterrupt:  # Ctrl-C anywhere: one line, the shell's status for SIGINT, no traceback
        try:
            print("jakdata: interrupted", file=sys.stderr)
        except (KeyboardInterrupt, OSError):
            pass
        return EXIT_INTERRUPTED


def _main(argv: list[str] | None) -> int:
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
    except (OSError, ValueError) as exc:
        print(f"jakdata: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:  # the promise is: no traceback for any input
        print(f"jakdata: internal error: {type(exc).__name__}: {exc}. Please report it.", file=sys.stderr)
        return EXIT_USAGE


def run() -> None:
    sys.exit(main())
