"""NCT03558607 (ruxolitinib with chemotherapy in post-MPN AML): eligibility and background figures."""

from __future__ import annotations

from ..fields import Field, ForeignKey, Provenance, RowCheck, Table
from .common import ID_PATTERN, comparator, issue_ids, note, present, quote, source_id, text
from .figures import FIGURE_CHECKS, figure_fields

CATEGORIES = (
    "diagnosis", "performance_status", "fitness", "age", "organ_function", "laboratory",
    "life_expectancy", "consent", "contraception", "malignancy_history", "pregnancy", "comorbidity",
    "prior_treatment", "concurrent_research")


def _criterion_id_matches(df):
    import pandas as pd

    cid = df["criterion_id"].astype("object")
    expect = df["kind"].astype("object").map({"inclusion": "I", "exclusion": "E"})
    out = []
    for c, k, o in zip(cid, expect, df["ordinal"]):
        out.append(True if pd.isna(c) or pd.isna(k) or pd.isna(o) else c == f"{k}{int(o):02d}")
    return pd.Series(out, index=df.index, dtype=bool)


def _threshold_complete(df):
    has_value = present(df["value"])
    basis = df["comparator_basis"].astype("object")
    ok = ~has_value | (present(df["unit"]) & present(df["parameter"]) & basis.notna())
    ok &= ~basis.notna() | has_value
    ok &= present(df["comparator"]) == (basis.notna() & (basis != "not_stated"))
    return ok


ELIGIBILITY = Table(
    name="nct03558607_eligibility",
    title="Eligibility criteria of NCT03558607 (ruxolitinib with chemotherapy in post-MPN AML)",
    description="One row per inclusion or exclusion criterion, verbatim and in the listing's order, with "
                "the threshold or time window where the criterion has one and whether its comparator "
                "is stated, inferred, or not stated at all.",
    kind="extracted",
    fields=(
        Field("criterion_id", "string", "I01… for inclusion, E01… for exclusion criteria.", required=True,
              unique=True, pattern=r"^[IE]\d{2}$"),
        Field("study_id", "string", "Study (→ studies).", required=True, pattern=ID_PATTERN),
        Field("kind", "string", "Inclusion or exclusion criterion.", required=True,
              enum=("inclusion", "exclusion")),
        Field("ordinal", "integer", "Position within its kind, as listed.", required=True, minimum=1),
        Field("text", "string", "The criterion, verbatim.", required=True, verbatim=True, evidence="quote"),
        Field("category", "string", "What the criterion is about.", required=True, enum=CATEGORIES),
        Field("parameter", "string", "Quantity the threshold or time window applies to."),
        comparator(what="threshold"),
        text("comparator_text", "The criterion's own words for the comparator."),
        Field("comparator_basis", "string", "Whether the comparator is stated, inferred by the curator "
              "(see note), or not stated at all.", enum=("stated", "inferred", "not_stated")),
        Field("value", "number", "Threshold or time-window length.", minimum=0, evidence="quote",
              text="value_text"),
        text("value_text", "The criterion's words for the value where they are not digits ('four weeks')."),
        Field("unit", "string", "Unit of value."),
        source_id(),
        quote(),
        note(),
        issue_ids(),
    ),
    primary_key="criterion_id",
    foreign_keys=(ForeignKey("study_id", "studies", "study_id"), ForeignKey("source_id", "sources", "source_id")),
    unique_together=(("kind", "ordinal"),),
    checks=(
        RowCheck("id_matches_kind", _criterion_id_matches, ("criterion_id", "kind", "ordinal"),
                 "The identifier's letter matches the kind and its number the ordinal.",
                 "criterion_id {criterion_id} does not match kind {kind} and ordinal {ordinal}"),
        RowCheck("threshold_complete", _threshold_complete,
                 ("value", "unit", "parameter", "comparator", "comparator_basis"),
                 "A threshold has a parameter, a unit and a comparator basis; a comparator is given "
                 "exactly when its basis is not 'not_stated'.",
                 "threshold {value} needs a parameter, a unit and a comparator basis, and a comparator exactly "
                 "when its basis is not 'not_stated' (comparator {comparator}, basis {comparator_basis})"),
    ),
    provenance=(Provenance("quote"),),
)

BACKGROUND = Table(
    name="nct03558607_background",
    title="Background figures in the NCT03558607 trial description",
    description="Figures the trial listing's rationale cites (survival, mutation frequency, an earlier "
                "study's remissions, guideline ages), one per row, in the same layout as "
                "ponatinib_figures.",
    kind="extracted",
    fields=figure_fields(r"^B\d{2}$"),
    primary_key="figure_id",
    foreign_keys=(ForeignKey("study_id", "studies", "study_id"), ForeignKey("source_id", "sources", "source_id")),
    checks=FIGURE_CHECKS,
    provenance=(Provenance("quote"),),
)

#: Publishing position of this module's tables (see jakdata.catalog).
ORDER = 40
TABLES = (ELIGIBILITY, BACKGROUND)
