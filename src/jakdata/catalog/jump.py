"""The JUMP study's predictors of spleen response: the table, its row checks and derivation."""

from __future__ import annotations

import math
from statistics import NormalDist

from ..fields import Derivation, Field, ForeignKey, Provenance, RowCheck, Table
from .common import ID_PATTERN, issue_ids, note, num, passes, quote, source_id

Z95 = 1.959964

#: Half a unit in the second decimal place: how far a reported 2-decimal value may be from truth.
ROUNDING = 0.005


def z_for(level: float) -> float:
    """Two-sided normal quantile for a confidence level in percent, to 6 decimals (95 → 1.959964)."""
    return round(NormalDist().inv_cdf(1 - (1 - level / 100) / 2), 6)


def _odds(pct: float) -> float:
    return pct / (100 - pct)


def _derive_row(row) -> tuple[float | None, float | None, float | None]:
    """log_or, its Wald SE from the CI on the log scale, and the crude OR in the aOR's direction."""
    try:
        log_or = math.log(row.adjusted_or)
        se = (math.log(row.ci_upper) - math.log(row.ci_lower)) / (2 * z_for(row.ci_level))
        first, second = _odds(row.response_pct_1), _odds(row.response_pct_2)
        crude = second / first if row.reference_group == row.group_1 else first / second
        return log_or, se, crude
    except (TypeError, ValueError, ZeroDivisionError, AttributeError):
        return None, None, None  # a row whose inputs cannot give them: its own checks say why


def derive(frame, inputs, root):
    import pandas as pd

    out = frame.copy()
    values = [_derive_row(r) for r in frame.itertuples(index=False)]
    for k, col in enumerate(("log_or", "se_log_or", "crude_or")):
        out[col] = pd.array([v[k] for v in values], dtype="Float64")
    return out


def _crude_side_from_rates(got, expected, root) -> list:
    """The same-side rule for the crude OR the response rates imply.

    The row check reads the stored crude_or; when that is stale (a response rate was edited,
    crude_or was not), the rates can put the crude OR across 1 unnoticed.
    """
    import pandas as pd

    from ..report import Problem, spreadsheet_row

    def side(x: float) -> int:
        return int(x > 1) - int(x < 1)

    out = []
    for i in range(len(got)):
        aor, stored, implied = got["adjusted_or"].iat[i], got["crude_or"].iat[i], expected["crude_or"].iat[i]
        if pd.isna(aor) or pd.isna(implied) or side(implied) == side(aor):
            continue
        if pd.notna(stored) and side(stored) != side(aor):
            continue  # the row check on the stored crude_or reports it
        key = got[JUMP_PREDICTORS.primary_key].iat[i]
        out.append(Problem("jump_predictors", "crude_adjusted_same_side",
                           f"adjusted OR {aor} and the crude OR the response rates give ({implied:.6g}) lie on "
                           "opposite sides of 1", spreadsheet_row(i), None if pd.isna(key) else str(key),
                           "adjusted_or, crude_or", f"adjusted_or={aor}; crude_or={implied:.6g}"))
    return out


def _ci_ordered(df):
    lo, hi = num(df["ci_lower"]), num(df["ci_upper"])
    return passes(lo < hi, lo, hi)


def _estimate_inside_ci(df):
    est, lo, hi = num(df["adjusted_or"]), num(df["ci_lower"]), num(df["ci_upper"])
    return passes((lo <= est) & (est <= hi), est, lo, hi)


def _estimate_at_log_midpoint(df):
    """aOR ≈ sqrt(lower × upper), allowing each printed value to be off by its rounding."""
    lo, hi, est = num(df["ci_lower"]), num(df["ci_upper"]), num(df["adjusted_or"])
    least = ((lo - ROUNDING).clip(lower=1e-12) * (hi - ROUNDING).clip(lower=1e-12)) ** 0.5 - ROUNDING
    most = ((lo + ROUNDING) * (hi + ROUNDING)) ** 0.5 + ROUNDING
    return passes((least <= est) & (est <= most), lo, hi, est)


def _crude_adjusted_same_side(df):
    a, c = num(df["adjusted_or"]), num(df["crude_or"])

    def side(x):
        return (x > 1).astype("float64") - (x < 1).astype("float64")

    return passes(side(a) == side(c), a, c)


def _reference_is_a_group(df):
    ref = df["reference_group"].astype("object")
    g1, g2 = df["group_1"].astype("object"), df["group_2"].astype("object")
    return passes((ref == g1) | (ref == g2), ref, g1, g2)


JUMP_PREDICTORS = Table(
    name="jump_predictors",
    title="Predictors of spleen response to ruxolitinib in the JUMP study",
    description="One row per predictor in Table 1 of the ruxolitinib guide: response rates of the two "
                "groups, the adjusted odds ratio with its confidence interval, and derived log-scale "
                "quantities for meta-analysis. The source does not say which group is the reference; "
                "the direction recorded is the one the numbers imply.",
    kind="extracted",
    fields=(
        Field("predictor_id", "string", "Short identifier of the predictor.", required=True, unique=True,
              pattern=ID_PATTERN),
        Field("study_id", "string", "Study (→ studies).", required=True, pattern=ID_PATTERN),
        Field("predictor", "string", "Predictor as the source names it ('Factor').", required=True,
              verbatim=True, evidence="quote"),
        Field("group_1", "string", "First group of the comparison, in the source's order.", required=True,
              verbatim=True, evidence="quote"),
        Field("group_2", "string", "Second group of the comparison, in the source's order.", required=True,
              verbatim=True, evidence="quote"),
        Field("response_pct_1", "number", "Spleen response rate in group_1.", required=True, minimum=0,
              maximum=100, unit="percent", evidence="quote"),
        Field("response_pct_2", "number", "Spleen response rate in group_2.", required=True, minimum=0,
              maximum=100, unit="percent", evidence="quote"),
        Field("adjusted_or", "number", "Adjusted odds ratio of spleen response as reported.", required=True,
              exclusive_minimum=0, evidence="quote"),
        Field("ci_lower", "number", "Lower bound of the confidence interval of adjusted_or.", required=True,
              exclusive_minimum=0, evidence="quote"),
        Field("ci_upper", "number", "Upper bound of the confidence interval of adjusted_or.", required=True,
              exclusive_minimum=0, evidence="quote"),
        Field("ci_level", "number", "Confidence level of the interval.", required=True, exclusive_minimum=0,
              maximum=100, unit="percent", evidence="quote"),
        Field("outcome", "string", "Outcome the odds ratio is about, as the source names it.", required=True,
              verbatim=True, evidence="quote"),
        Field("outcome_definition", "string", "Definition of the outcome, verbatim: the JUMP key efficacy "
              "endpoint, which the source does not explicitly tie to Table 1 (see note).",
              verbatim=True, evidence="quote"),
        Field("reference_group", "string", "Group the odds ratio compares against (denominator odds).",
              required=True),
        Field("direction_basis", "string", "Whether the source states the comparison direction or it is "
              "inferred from the numbers.", required=True, enum=("stated", "inferred")),
        Field("log_or", "number", "Natural log of adjusted_or.", derived="ln(adjusted_or)"),
        Field("se_log_or", "number", "Wald standard error of log_or recovered from the confidence interval.",
              derived=f"(ln(ci_upper) - ln(ci_lower)) / (2 * z), z = {Z95} for ci_level 95"),
        Field("crude_or", "number", "Unadjusted odds ratio from the two response rates, in the same "
              "direction as adjusted_or.",
              derived="odds(non-reference group rate) / odds(reference group rate), odds(p) = p / (100 - p)"),
        source_id(),
        quote(),
        note(),
        issue_ids(),
    ),
    primary_key="predictor_id",
    foreign_keys=(ForeignKey("study_id", "studies", "study_id"), ForeignKey("source_id", "sources", "source_id")),
    unique_together=(("study_id", "predictor"),),
    checks=(
        RowCheck("ci_ordered", _ci_ordered, ("ci_lower", "ci_upper"),
                 "The lower confidence bound is below the upper bound.",
                 "lower bound {ci_lower} is not below upper bound {ci_upper}"),
        RowCheck("estimate_inside_ci", _estimate_inside_ci, ("adjusted_or", "ci_lower", "ci_upper"),
                 "The adjusted odds ratio lies inside its confidence interval.",
                 "adjusted OR {adjusted_or} lies outside its interval {ci_lower} to {ci_upper}"),
        RowCheck("estimate_at_log_midpoint", _estimate_at_log_midpoint, ("adjusted_or", "ci_lower", "ci_upper"),
                 "The adjusted odds ratio equals the geometric mean of its bounds, within what rounding "
                 "to 2 decimals allows.",
                 "adjusted OR {adjusted_or} is not the geometric mean of {ci_lower} and {ci_upper}, even allowing "
                 "for rounding to 2 decimals"),
        RowCheck("crude_adjusted_same_side", _crude_adjusted_same_side, ("adjusted_or", "crude_or"),
                 "Crude and adjusted odds ratios lie on the same side of 1.",
                 "adjusted OR {adjusted_or} and crude OR {crude_or} lie on opposite sides of 1"),
        RowCheck("reference_is_a_group", _reference_is_a_group, ("reference_group", "group_1", "group_2"),
                 "The reference group is one of the two groups compared.",
                 "reference group {reference_group!r} is neither group_1 nor group_2"),
    ),
    provenance=(Provenance("quote"),),
    derivation=Derivation(derive, recheck=_crude_side_from_rates),
)

#: Publishing position of this module's tables (see jakdata.catalog).
ORDER = 20
TABLES = (JUMP_PREDICTORS,)
