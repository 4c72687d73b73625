"""The errata ledger: one row per problem found in a source, and the issue_ids it gives other rows."""

from __future__ import annotations

from ..fields import Field, ForeignKey, Provenance, Table
from .common import SEP, merge_ids, quote, source_id

KINDS = ("garbled_text", "transcription_error", "terminology", "internal_contradiction", "arithmetic",
         "missing_content", "ambiguous", "formatting_artifact", "outdated", "unsupported_claim")

SOURCE_ISSUES = Table(
    name="source_issues",
    title="Errata ledger: problems found in the seeds",
    description="One row per problem found in a source (garbled or missing words, transcription "
                "errors, contradictions, missing pages, ambiguous units). Values affected are kept as "
                "written; this ledger says what is wrong and which rows it touches.",
    kind="ledger",
    fields=(
        Field("issue_id", "string", "Row identifier.", required=True, unique=True, pattern=r"^SI\d{2}$"),
        source_id(what="the problem"),
        quote(what="the problem"),
        Field("kind", "string", "Kind of problem.", required=True, enum=KINDS),
        Field("description", "string", "What is wrong and how the curation handled it.", required=True),
        Field("affected_rows", "string", "Rows the problem affects, as 'table:key', '; '-separated.",
              required=True, pattern=r"^[a-z0-9_]+:[A-Za-z0-9_]+(; [a-z0-9_]+:[A-Za-z0-9_]+)*$"),
    ),
    primary_key="issue_id",
    foreign_keys=(ForeignKey("source_id", "sources", "source_id"),),
    provenance=(Provenance("quote"),),
)


def references(ledger) -> list[tuple[int, object, str, str, str]]:
    """(row position, issue id, 'table:key' as written, table, key) for every affected row named."""
    import pandas as pd

    out = []
    for i, (issue, refs) in enumerate(zip(ledger["issue_id"], ledger["affected_rows"])):
        if pd.isna(refs):
            continue
        for ref in str(refs).split(SEP):
            table, _, key = ref.partition(":")
            out.append((i, issue, ref, table, key))
    return out


def issue_ids(table: str, key: str, frame, ledger, inherit: bool = False):
    """For each row of `table`, the ledger entries whose affected_rows name it.

    `inherit`: the frame's own issue_ids (a derived table's, carried over from its inputs) are
    kept and merged in.
    """
    import pandas as pd

    hits: dict[str, list[str]] = {}
    for _i, issue, _ref, t, k in references(ledger):
        if t == table:
            hits.setdefault(k, []).append(str(issue))
    keys = frame[key].astype("object")
    own = frame["issue_ids"].astype("object") if inherit and "issue_ids" in frame \
        else pd.Series(None, index=frame.index, dtype="object")
    values = [merge_ids([mine, SEP.join(hits.get(k, []))]) for k, mine in zip(keys, own)]
    return pd.Series(pd.array(values, dtype="string"), index=frame.index)

#: Publishing position of this module's tables (see jakdata.catalog).
ORDER = 90
TABLES = (SOURCE_ISSUES,)
