"""The ruxolitinib guide's molecular predictors of response and resistance."""

from __future__ import annotations

from ..fields import Field, ForeignKey, Provenance, RowCheck, Table
from .common import comparator, given_together, issue_ids, note, quote, source_id, text


def _threshold_has_comparator(df):
    return given_together(df, "threshold_value", "threshold_comparator")


MOLECULAR = Table(
    name="molecular_predictors",
    title="Molecular predictors of ruxolitinib response and resistance",
    description="The ruxolitinib guide's molecular predictors, from its Table 2 and its prose, one "
                "statement per row, so that disagreements between the two stay visible.",
    kind="extracted",
    fields=(
        Field("predictor_id", "string", "Row identifier.", required=True, unique=True, pattern=r"^M\d{2}$"),
        Field("presentation", "string", "Where in the guide the statement is made.", required=True,
              enum=("table", "prose", "conclusion")),
        text("factor", "Molecular factor as the guide names it."),
        Field("genes", "string", "Genes the factor names, '; '-separated, as written.", verbatim="items",
              evidence="quote"),
        text("associated_outcome", "Outcome the guide associates with the factor, in its words."),
        Field("direction", "string", "Whether the factor goes with a better or worse ruxolitinib outcome.",
              enum=("favorable", "unfavorable", "mixed")),
        text("population", "Disease population, in the guide's words."),
        comparator("threshold_comparator", "threshold"),
        Field("threshold_value", "number", "Threshold of the factor.", minimum=0, evidence="quote",
              text="threshold_text"),
        Field("threshold_unit", "string", "Unit of threshold_value."),
        text("threshold_text", "The guide's words for the threshold."),
        Field("citation", "string", "The guide's reference number(s) for the statement.",
              pattern=r"^\d+(; \d+)*$"),
        source_id(),
        quote(),
        note(),
        issue_ids(),
    ),
    primary_key="predictor_id",
    foreign_keys=(ForeignKey("source_id", "sources", "source_id"),),
    checks=(
        RowCheck("threshold_has_comparator", _threshold_has_comparator, ("threshold_value", "threshold_comparator"),
                 "A threshold carries a comparator, and a comparator needs a threshold.",
                 "threshold {threshold_value} and comparator {threshold_comparator}: give both or neither"),
    ),
    provenance=(Provenance("quote"),),
)

#: Publishing position of this module's tables (see jakdata.catalog).
ORDER = 60
TABLES = (MOLECULAR,)
