"""The NCI report on ponatinib's phase I and phase II trials: one reported figure per row."""

from __future__ import annotations

from ..fields import ForeignKey, Provenance, RowCheck, Table
from .common import all_pass, num
from .figures import FIGURE_CHECKS, figure_fields

#: Measures that count a subgroup of a study's enrolment.
SUBGROUP_MEASURES = ("enrolled_cml", "enrolled_ph_positive_all")


def _subgroups_within_enrolment(df):
    ok = all_pass(df)
    measure = df["measure"].astype("object")
    value = num(df["value"])
    for _study, group in df.groupby(df["study_id"].astype("object"), dropna=True, sort=False):
        enrolled = value[group.index][measure[group.index] == "enrolment"].dropna()
        parts = group.index[measure[group.index].isin(SUBGROUP_MEASURES)]
        if len(enrolled) == 1 and value[parts].sum() > enrolled.iloc[0]:
            ok[parts] = False
    return ok


PONATINIB = Table(
    name="ponatinib_figures",
    title="Figures from the NCI report on ponatinib's phase I and phase II trials",
    description="Every figure the NCI news report gives for the ponatinib trials and their context, one "
                "per row, with comparator and the report's own words. Qualitative amounts are rows with "
                "an empty value and the wording kept.",
    kind="extracted",
    fields=figure_fields(r"^P\d{2}$"),
    primary_key="figure_id",
    foreign_keys=(ForeignKey("study_id", "studies", "study_id"), ForeignKey("source_id", "sources", "source_id")),
    checks=FIGURE_CHECKS + (
        RowCheck("subgroups_within_enrolment", _subgroups_within_enrolment, ("study_id", "measure", "value"),
                 "A study's subgroup counts add up to no more than its enrolment.",
                 "the subgroup counts of study {study_id} add up to more than its enrolment", scope="table"),
    ),
    provenance=(Provenance("quote"),),
)

#: Publishing position of this module's tables (see jakdata.catalog).
ORDER = 50
TABLES = (PONATINIB,)
