"""Report formats for CI: GitHub workflow annotations, JUnit XML, SARIF 2.1.0, Markdown; text and JSON too.

Every format renders the same `Findings` (the problems shown, the omitted counts) and the
same notes, so each carries exactly the problems `--format json` does; the tests parse each
format back and compare. XML is written with `xml.etree.ElementTree` and SARIF with `json`,
so every value is escaped by the library that defines the format.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from typing import Callable

from .report import Findings, Problem, as_json, as_text, more_line, omitted_by_check, summary

#: SARIF's own schema address, which readers use to recognise the version.
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


@dataclass
class Context:
    """What every format needs besides the problems: what was checked and which file each table is."""

    checked: list[str]
    notes: list[str] = field(default_factory=list)
    target: str | None = None
    files: dict[str, str] = field(default_factory=dict)  # table (or resource) name -> file path
    sources: list[dict] | None = None  # the user's own source documents (--sources), with SHA-256

    def file_of(self, p: Problem) -> str | None:
        return self.files.get(p.table, self.target)


# ----------------------------------------------------------------------------- GitHub

def _gh_data(text: str) -> str:
    """Escape a workflow command's message (GitHub's own escaping: %, CR and LF)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    """Escape a workflow command's property value: also ':' and ','."""
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation_message(p: Problem) -> str:
    """An annotation's text: where in the table, what is wrong, the value as written."""
    return p.text().strip()


def annotation_title(p: Problem) -> str:
    return f"jakdata {p.check} ({p.table})"


def as_github(found: Findings, ctx: Context) -> str:
    """One `::error` workflow command per problem, with the physical line where it is known.

    GitHub shows each on the file and line of the pull request's diff; the summary, the count
    of omitted problems and the notes follow as `::notice` commands.
    """
    out = []
    for p in found.shown:
        props = []
        path = ctx.file_of(p)
        if path:
            props.append(f"file={_gh_property(path)}")
        if p.line is not None:
            props.append(f"line={p.line}")
        props.append(f"title={_gh_property(annotation_title(p))}")
        out.append(f"::error {','.join(props)}::{_gh_data(annotation_message(p))}")
    out.append(f"::notice title=jakdata::{_gh_data(summary(found, ctx.checked, ctx.target))}")
    more = more_line(found)
    if more:
        out.append(f"::notice title=jakdata::{_gh_data(more)}")
    out += [f"::notice title=jakdata note::{_gh_data(n)}" for n in ctx.notes]
    return "\n".join(out)


# ----------------------------------------------------------------------------- JUnit

def _applicable_checks(table_name: str) -> list[str]:
    """Every check id that runs on a catalog table's file (its test cases, passing or not)."""
    from .catalog import TABLES
    from .rules import field_rules

    table = TABLES.get(table_name)
    if table is None:
        return []
    ids = ["no_rows", "column_missing", "column_unknown", "type"]
    for f in table.fields:
        ids += [r.id for r in field_rules(f) if r.id not in ids]
    if table.unique_together:
        ids.append("unique_together")
    ids += [rc.id for rc in table.checks]
    if table.derivation is not None and table.kind != "derived":
        ids.append(table.derivation.check)
    if table.provenance:
        ids += ["quote_source_known", "quote_in_seed", "value_in_quote"]
    return list(dict.fromkeys(ids))


def as_junit(found: Findings, ctx: Context) -> str:
    """JUnit XML: a test suite per table, a test case per table and check, a failure per failing case.

    A failure's text lists its problems one per line (the text report's lines) and how many
    more were left out; its `message` attribute is the first problem's message.
    """
    import xml.etree.ElementTree as ET

    by_case: dict[str, dict[str, list[Problem]]] = {}
    for p in found.shown:
        by_case.setdefault(p.table, {}).setdefault(p.check, []).append(p)
    tables = list(dict.fromkeys([*ctx.checked, *by_case, *(t for t, _ in found.omitted)]))
    root = ET.Element("testsuites", name="jakdata validate", tests="0", failures="0")
    total = failures = 0
    for table in tables:
        failing = by_case.get(table, {})
        checks = list(dict.fromkeys([*_applicable_checks(table), *failing,
                                     *(c for t, c in found.omitted if t == table)]))
        suite = ET.SubElement(root, "testsuite", name=table, tests=str(len(checks)))
        suite_failures = 0
        for check in checks:
            case = ET.SubElement(suite, "testcase", classname=f"jakdata.{table}", name=check)
            mine, more = failing.get(check, []), found.omitted.get((table, check), 0)
            if mine or more:
                suite_failures += 1
                first = mine[0].message if mine else f"{more} problem(s) not listed"
                body = [p.text().strip() for p in mine]
                if more:
                    body.append(f"and {more} more problem(s) of this check (--max-problems to see more)")
                fail = ET.SubElement(case, "failure", message=first, type=check)
                fail.text = "\n".join(body)
        suite.set("failures", str(suite_failures))
        total += len(checks)
        failures += suite_failures
    root.set("tests", str(total))
    root.set("failures", str(failures))
    if ctx.notes:
        props = ET.SubElement(root, "properties")
        for n in ctx.notes:
            ET.SubElement(props, "property", name="note", value=n)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True)


# ----------------------------------------------------------------------------- SARIF

def as_sarif(found: Findings, ctx: Context) -> str:
    """SARIF 2.1.0: one run, a rule per check id, one result per problem with its physical location."""
    from .__about__ import __version__
    from .catalog import TABLES
    from .checkids import all_checks

    known = all_checks(TABLES)
    rule_ids = list(dict.fromkeys([*(p.check for p in found.shown), *omitted_by_check(found)]))
    rules = [{"id": c, "shortDescription": {"text": known[c].title if c in known else c}} for c in rule_ids]
    index = {c: i for i, c in enumerate(rule_ids)}
    results = []
    for p in found.shown:
        result: dict = {"ruleId": p.check, "ruleIndex": index[p.check], "level": "error",
                        "message": {"text": annotation_message(p)}}
        path = ctx.file_of(p)
        if path:
            location: dict = {"artifactLocation": {"uri": path}}
            if p.line is not None:
                location["region"] = {"startLine": p.line}
            result["locations"] = [{"physicalLocation": location}]
        result["properties"] = {"table": p.table, "row": p.row, "key": p.key, "column": p.column,
                                "value": p.value, "message": p.message}
        results.append(result)
    run = {"tool": {"driver": {"name": "jakdata", "version": __version__, "rules": rules}},
           "results": results,
           "properties": {"summary": summary(found, ctx.checked, ctx.target), "tables_checked": ctx.checked,
                          "problem_count": found.total, "notes": ctx.notes,
                          "omitted": [{"table": t, "check": c, "count": n}
                                      for (t, c), n in found.omitted.most_common()]}}
    return json.dumps({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2, ensure_ascii=False)


# ----------------------------------------------------------------------------- Markdown

def _md_cell(value: object) -> str:
    """A Markdown table cell: HTML-escaped, pipes escaped, line breaks as <br>."""
    if value is None:
        return ""
    text = html.escape(str(value), quote=False).replace("|", "\\|")
    return text.replace("\r\n", "<br>").replace("\n", "<br>").replace("\r", "<br>")


MARKDOWN_COLUMNS = ("table", "row", "line", "key", "column", "check", "message", "value")


def as_markdown(found: Findings, ctx: Context) -> str:
    """A summary for a job's step summary or a pull-request comment: one table row per problem."""
    out = ["### jakdata validate", "", _md_cell(summary(found, ctx.checked, ctx.target)), ""]
    if found.shown:
        out.append("| " + " | ".join(MARKDOWN_COLUMNS) + " |")
        out.append("|" + "---|" * len(MARKDOWN_COLUMNS))
        for p in found.shown:
            cells = [p.table, p.row, p.line, p.key, p.column, f"`{p.check}`", p.message, p.value]
            out.append("| " + " | ".join(_md_cell(c) for c in cells) + " |")
        out.append("")
    more = more_line(found)
    if more:
        out += [_md_cell(more), ""]
    if ctx.notes:
        out += ["Notes:", ""] + [f"- {_md_cell(n)}" for n in ctx.notes] + [""]
    return "\n".join(out)


# ----------------------------------------------------------------------------- registry

def _text(found: Findings, ctx: Context) -> str:
    return as_text(found, ctx.checked, ctx.notes, target=ctx.target)


def _json(found: Findings, ctx: Context) -> str:
    return as_json(found, ctx.checked, ctx.notes, target=ctx.target, sources=ctx.sources)


#: Every `--format` of `jakdata validate`, by name.
REPORT_FORMATS: dict[str, Callable[[Findings, Context], str]] = {
    "text": _text, "json": _json, "github": as_github, "junit": as_junit, "sarif": as_sarif,
    "markdown": as_markdown,
}


def render(fmt: str, found: Findings, ctx: Context) -> str:
    return REPORT_FORMATS[fmt](found, ctx)
