"""The Spanish JAK-inhibitor switching cohort: its counts and the failure proportions derived from them."""

from __future__ import annotations

import math

from ..fields import Derivation, Field, ForeignKey, Provenance, RowCheck, Table
from .common import ID_PATTERN, all_pass, issue_ids, merge_ids, note, present, quote, source_id

MEASURES = ("prescriptions", "treatment_failures", "patients", "indication", "next_treatment_by_target",
            "retention_at_9_months")


def _unit_basis_consistent(df):
    basis = df["counted_unit_basis"].astype("object")
    return present(df["counted_unit"]) == (basis.notna() & (basis != "not_stated"))


def _count_or_reason(df):
    return present(df["count"]) != present(df["missing_reason"])


def _parts_add_up(df):
    """Per (study, measure): parts sum to the total when all are given, else stay below it."""
    import pandas as pd

    ok = all_pass(df)
    keys = [k for k in ("study_id", "measure") if k in df]
    for _, group in df.groupby(keys, observed=True, dropna=False, sort=False):
        totals = group[group["role"].astype("object") == "total"]
        parts = group[group["role"].astype("object") == "part"]
        if len(totals) != 1 or parts.empty or pd.isna(totals["count"].iloc[0]):
            if len(totals) > 1:
                ok[totals.index] = False
            continue
        total = int(totals["count"].iloc[0])
        known = parts["count"].dropna()
        total_known = int(known.sum())
        bad = total_known != total if len(known) == len(parts) else total_known > total
        if bad:
            ok[group.index] = False
    return ok


def _failures_within_prescriptions(df):
    import pandas as pd

    ok = all_pass(df)
    measure = df["measure"].astype("object")
    key = df["drug"].astype("object").where(df["drug"].notna(), "\x00total")
    rx = dict(zip(key[measure == "prescriptions"], df.loc[measure == "prescriptions", "count"]))
    for idx in df.index[measure == "treatment_failures"]:
        f, p = df.at[idx, "count"], rx.get(key[idx])
        if pd.notna(f) and p is not None and pd.notna(p) and int(f) > int(p):
            ok[idx] = False
    return ok


SWITCHING_COUNTS = Table(
    name="switching_cohort_counts",
    title="Counts reported by the Spanish JAK-inhibitor switching cohort",
    description="Every count the ACR Convergence 2023 report of the Spanish cohort gives (per drug, per "
                "indication, totals), one count per row. What the study analysed but the document does "
                "not report is a row with an empty count and a reason.",
    kind="extracted",
    fields=(
        Field("count_id", "string", "Row identifier.", required=True, unique=True, pattern=r"^C\d{2}$"),
        Field("study_id", "string", "Study (→ studies).", required=True, pattern=ID_PATTERN),
        Field("measure", "string", "What is counted.", required=True, enum=MEASURES),
        Field("counted_unit", "string", "What one unit of the count is; empty where the source does not say "
              "and it cannot be inferred.", enum=("prescriptions", "treatment_failures", "patients")),
        Field("counted_unit_basis", "string", "Whether counted_unit is stated by the source, inferred by the "
              "curator (see note), or not stated.", required=True, enum=("stated", "inferred", "not_stated")),
        Field("drug", "string", "JAK inhibitor the count is about (→ drugs); empty for other rows.",
              pattern=r"^[a-z]+$"),
        Field("subgroup", "string", "Label of the part counted (drug, indication, next-treatment target) "
              "or 'total'.", required=True),
        Field("role", "string", "Whether the row is a part of a total or the total itself.", required=True,
              enum=("part", "total")),
        Field("count", "integer", "The count.", minimum=0, evidence="quote"),
        Field("missing_reason", "string", "Why the count is empty."),
        source_id(),
        quote(),
        note(),
        issue_ids(),
    ),
    primary_key="count_id",
    foreign_keys=(ForeignKey("study_id", "studies", "study_id"), ForeignKey("drug", "drugs", "drug_id"),
                  ForeignKey("source_id", "sources", "source_id")),
    unique_together=(("study_id", "measure", "subgroup"),),
    checks=(
        RowCheck("unit_basis_consistent", _unit_basis_consistent, ("counted_unit", "counted_unit_basis"),
                 "A counted unit is given exactly when its basis is not 'not_stated'.",
                 "counted_unit {counted_unit} does not fit counted_unit_basis {counted_unit_basis}: a unit is "
                 "given exactly when its basis is not 'not_stated'"),
        RowCheck("count_or_reason", _count_or_reason, ("count", "missing_reason"),
                 "A row has a count or a reason why it is missing, never both or neither.",
                 "give a count or a missing_reason, not both or neither (count {count})"),
        RowCheck("parts_add_up", _parts_add_up, ("study_id", "measure", "role", "count"),
                 "Parts sum to their total where every part is given, and never exceed it.",
                 "the parts of {measure} do not add up to its total", scope="table"),
        RowCheck("failures_within_prescriptions", _failures_within_prescriptions, ("drug", "measure", "count"),
                 "A drug's treatment failures do not exceed its prescriptions.",
                 "{count} treatment failures of {drug} exceed its prescriptions", scope="table"),
    ),
    provenance=(Provenance("quote"),),
)


def wilson(successes: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """Wilson score interval for a proportion, as fractions."""
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def failure_rates(frame, inputs, root):
    """Per-drug and overall failure proportions from the cohort counts, Wilson 95% intervals."""
    import pandas as pd

    counts = inputs["switching_cohort_counts"]
    measure = counts["measure"].astype("object")
    rows = []
    rx = counts[measure == "prescriptions"]
    failures = counts[measure == "treatment_failures"]
    for r in rx.itertuples(index=False):
        match = failures[(failures["study_id"] == r.study_id) & (failures["subgroup"] == r.subgroup)]
        f = match["count"].iloc[0] if len(match) else pd.NA
        n = r.count
        evaluable = pd.notna(f)
        pct = lo = hi = pd.NA
        if evaluable and pd.notna(n) and 0 < n and 0 <= f <= n:  # impossible counts are left to validation
            pct = 100 * f / n
            lo, hi = (100 * b for b in wilson(int(f), int(n)))
        issues = [r.issue_ids, match["issue_ids"].iloc[0] if len(match) and "issue_ids" in match else None]
        rows.append({"subgroup": r.subgroup, "study_id": r.study_id, "drug": r.drug, "prescriptions": n,
                     "failures": f, "evaluable": bool(evaluable), "failure_pct": pct,
                     "wilson_lower_pct": lo, "wilson_upper_pct": hi, "source_id": r.source_id,
                     "issue_ids": merge_ids(issues)})
    return pd.DataFrame(rows, columns=[f.name for f in SWITCHING_RATES.fields])


def _wilson_brackets_estimate(df):
    from .common import num, passes

    p, lo, hi = num(df["failure_pct"]), num(df["wilson_lower_pct"]), num(df["wilson_upper_pct"])
    return passes((lo <= p) & (p <= hi), p, lo, hi)


SWITCHING_RATES = Table(
    name="switching_failure_rates",
    title="Treatment-failure proportions per JAK inhibitor in the Spanish switching cohort",
    description="Derived from switching_cohort_counts: prescriptions, failures and the failure "
                "proportion with its Wilson 95% interval, per drug and overall. Drugs whose failures "
                "the source could not evaluate have empty proportions. Caveats: the per-drug "
                "denominators are prescriptions by inference (the source does not name the unit); every "
                "included treatment was discontinued and 'failure' is not defined; a patient may "
                "contribute several prescriptions, so the intervals assume an independence the data need "
                "not have; the total includes filgotinib's prescriptions. See issue_ids.",
    kind="derived",
    fields=(
        Field("subgroup", "string", "Drug (INN) or 'total'.", required=True, unique=True),
        Field("study_id", "string", "Study (→ studies).", required=True, pattern=ID_PATTERN,
              derived="study_id of the counts"),
        Field("drug", "string", "Drug (→ drugs); empty for the total.", pattern=r"^[a-z]+$",
              derived="drug of the counts"),
        Field("prescriptions", "integer", "JAK-inhibitor prescriptions.", minimum=0,
              derived="count of measure 'prescriptions'"),
        Field("failures", "integer", "JAK-inhibitor treatment failures.", minimum=0,
              derived="count of measure 'treatment_failures'"),
        Field("evaluable", "boolean", "Whether the source reports the failures.", required=True,
              derived="failures is not missing"),
        Field("failure_pct", "number", "Failures per 100 prescriptions.", minimum=0, maximum=100,
              unit="percent", derived="100 * failures / prescriptions"),
        Field("wilson_lower_pct", "number", "Lower bound of the Wilson 95% score interval.", minimum=0,
              maximum=100, unit="percent", derived="Wilson score interval, z = 1.959964"),
        Field("wilson_upper_pct", "number", "Upper bound of the Wilson 95% score interval.", minimum=0,
              maximum=100, unit="percent", derived="Wilson score interval, z = 1.959964"),
        Field("source_id", "string", "Seed the counts come from (→ sources).", required=True,
              pattern=ID_PATTERN, derived="source_id of the counts"),
        Field("issue_ids", "string", "Errata-ledger entries affecting the counts behind this row, or the row "
              "itself, '; '-separated.",
              derived="issue_ids of the prescription and failure counts, plus source_issues rows naming this row"),
    ),
    primary_key="subgroup",
    foreign_keys=(ForeignKey("study_id", "studies", "study_id"), ForeignKey("drug", "drugs", "drug_id"),
                  ForeignKey("source_id", "sources", "source_id")),
    checks=(
        RowCheck("wilson_brackets_estimate", _wilson_brackets_estimate,
                 ("failure_pct", "wilson_lower_pct", "wilson_upper_pct"),
                 "The Wilson interval contains the observed proportion.",
                 "the interval {wilson_lower_pct} to {wilson_upper_pct} does not contain {failure_pct}"),
    ),
    derivation=Derivation(failure_rates, inputs=("switching_cohort_counts",)),
)

#: Publishing position of this module's tables (see jakdata.catalog).
ORDER = 30
TABLES = (SWITCHING_COUNTS, SWITCHING_RATES)
