"""Pieces every table definition shares: identifier patterns, standard columns, row-check helpers.

The helpers import pandas only when a check runs, so defining the catalog stays cheap.
"""

from __future__ import annotations

from ..fields import COMPARATORS, DATE_PATTERN, DATE_WORDS, Field

ID_PATTERN = r"^[a-z][a-z0-9_]*$"
SEP = "; "  # separator inside list-valued text cells

#: Every pattern the catalog uses, said in words for people (reports, `jakdata describe`).
#: `check_catalog` gives each field with a pattern its words from here, and refuses a pattern
#: without them.
PATTERN_WORDS = {
    ID_PATTERN: "a lower-case letter, then lower-case letters, digits or underscores (such as ipss_risk)",
    DATE_PATTERN: DATE_WORDS,
    r"^SI\d{2}$": "SI and two digits (such as SI07)",
    r"^C\d{2}$": "C and two digits (such as C07)",
    r"^M\d{2}$": "M and two digits (such as M07)",
    r"^P\d{2}$": "P and two digits (such as P07)",
    r"^B\d{2}$": "B and two digits (such as B07)",
    r"^[IE]\d{2}$": "I (inclusion) or E (exclusion) and two digits (such as I07)",
    r"^[a-z]+$": "lower-case letters only (such as ruxolitinib)",
    r"^\d+(; \d+)*$": "reference numbers separated by '; ' (such as 3 or 3; 12)",
    r"^seeds/[A-Za-z0-9_.]+\.txt$": "seeds/NAME.txt, the name of letters, digits, '_' or '.'",
    r"^[0-9a-f]{64}$": "64 lower-case hexadecimal digits (a SHA-256)",
    r"^[a-z0-9_]+:[A-Za-z0-9_]+(; [a-z0-9_]+:[A-Za-z0-9_]+)*$":
        "table:key pairs separated by '; ' (such as studies:jump; drugs:filgotinib)",
    r"^[a-z0-9_]+:[A-Za-z0-9_]+:[a-z_]+:\d+:\d+$": "table:key:column:start:end (such as sources:patientpower_pemmaraju:quote:1:1)",
}


def source_id(name: str = "source_id", required: bool = True, what: str = "the row") -> Field:
    return Field(name, "string", f"Seed document that {what} comes from (→ sources).",
                 required=required, pattern=ID_PATTERN)


def quote(name: str = "quote", required: bool = True, what: str = "the row") -> Field:
    return Field(
        name, "string",
        f"Verbatim span(s) of the seed supporting {what}; several spans are joined by ' … '. "
        "Compared with the seed after Unicode NFKC and whitespace folding.",
        required=required)


def note() -> Field:
    return Field("note", "string", "Curator's explanation: how a value was read, inferred or why it is missing.",
                 curator_only=True)


def issue_ids() -> Field:
    return Field(
        "issue_ids", "string",
        "Errata-ledger entries (source_issues.issue_id) that affect this row, '; '-separated.",
        derived="the issue_id of every source_issues row whose affected_rows names this row")


def date(name: str, description: str, text: str | None, evidence: str = "quote") -> Field:
    return Field(name, "date", description + " ISO 8601, reduced precision where the source gives less.",
                 pattern=DATE_PATTERN, text=text, evidence=evidence if text else None)


def text(name: str, description: str, evidence: str = "quote") -> Field:
    return Field(name, "string", description, verbatim=True, evidence=evidence)


def comparator(name: str = "comparator", what: str = "value") -> Field:
    return Field(name, "string",
                 f"How the {what} relates to the true amount: '=', '~' (about, nearly, approximately), "
                 "'<', '<=', '>', '>='.", enum=COMPARATORS)


# ----------------------------------------------------------------------------- row-check helpers

def num(s):
    """A column as float64, anything unreadable missing."""
    import pandas as pd

    return pd.to_numeric(s, errors="coerce").astype("float64")


def present(s):
    return s.notna()


def passes(mask, *inputs):
    """A comparison's result, passing rows where any input is missing."""
    missing = mask.isna() & False
    for s in inputs:
        missing |= s.isna()
    return (mask.fillna(True).astype(bool) | missing).astype(bool)


def all_pass(df):
    """A boolean Series aligned with `df`, True everywhere."""
    import pandas as pd

    return pd.Series(True, index=df.index)


def given_together(df, *columns: str):
    """Whether the columns are all present or all missing, row by row."""
    first = present(df[columns[0]])
    ok = all_pass(df)
    for c in columns[1:]:
        ok &= present(df[c]) == first
    return ok


def merge_ids(values) -> object:
    """Distinct '; '-separated ids from several cells, sorted; missing when there are none."""
    import pandas as pd

    ids: list[str] = []
    for v in values:
        if isinstance(v, str):
            ids += [i for i in v.split(SEP) if i and i not in ids]
    return SEP.join(sorted(ids)) if ids else pd.NA
