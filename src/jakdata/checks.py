"""Cross-column rules named by `RowCheck.function` in the catalog.

Each takes a table's frame and returns a boolean Series aligned with it: True where the row
passes. Missing inputs pass here, because nullability is a separate, per-column rule.
"""

from __future__ import annotations

import pandas as pd

#: Half a unit in the second decimal place: how far a reported 2-decimal value may be from truth.
ROUNDING = 0.005


def _num(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s, errors="coerce").astype("float64")


def _ok(mask: pd.Series, *inputs: pd.Series) -> pd.Series:
    """A comparison's result, passing rows where any input is missing."""
    missing = pd.Series(False, index=mask.index)
    for s in inputs:
        missing |= s.isna()
    return (mask.fillna(True).astype(bool) | missing).astype(bool)


def _present(s: pd.Series) -> pd.Series:
    return s.notna()


def value_has_comparator(df: pd.DataFrame) -> pd.Series:
    return _present(df["value"]) == _present(df["comparator"])


def enrolment_has_comparator(df: pd.DataFrame) -> pd.Series:
    return _present(df["enrolment"]) == _present(df["enrolment_comparator"])


def threshold_has_comparator(df: pd.DataFrame) -> pd.Series:
    return _present(df["threshold_value"]) == _present(df["threshold_comparator"])


def period_ordered(df: pd.DataFrame) -> pd.Series:
    start, end = df["period_start"].astype("object"), df["period_end"].astype("object")
    out = [True if (pd.isna(a) or pd.isna(b)) else str(a)[: len(str(b))] <= str(b) for a, b in zip(start, end)]
    return pd.Series(out, index=df.index)


def drug_attributes_cited(df: pd.DataFrame) -> pd.Series:
    ok = pd.Series(True, index=df.index)
    for value, src, quote in (("brand_name", "brand_source_id", "brand_quote"),
                              ("drug_class", "class_source_id", "class_quote"),
                              ("targets", "targets_source_id", "targets_quote")):
        v, s, q = _present(df[value]), _present(df[src]), _present(df[quote])
        ok &= (v == s) & (s == q)
    return ok


def ci_ordered(df: pd.DataFrame) -> pd.Series:
    lo, hi = _num(df["ci_lower"]), _num(df["ci_upper"])
    return _ok(lo < hi, lo, hi)


def estimate_inside_ci(df: pd.DataFrame) -> pd.Series:
    est, lo, hi = _num(df["adjusted_or"]), _num(df["ci_lower"]), _num(df["ci_upper"])
    return _ok((lo <= est) & (est <= hi), est, lo, hi)


def estimate_at_log_midpoint(df: pd.DataFrame) -> pd.Series:
    """aOR ≈ sqrt(lower × upper), allowing each printed value to be off by its rounding."""
    lo, hi, est = _num(df["ci_lower"]), _num(df["ci_upper"]), _num(df["adjusted_or"])
    least = ((lo - ROUNDING).clip(lower=1e-12) * (hi - ROUNDING).clip(lower=1e-12)) ** 0.5 - ROUNDING
    most = ((lo + ROUNDING) * (hi + ROUNDING)) ** 0.5 + ROUNDING
    return _ok((least <= est) & (est <= most), lo, hi, est)


def crude_adjusted_same_side(df: pd.DataFrame) -> pd.Series:
    a, c = _num(df["adjusted_or"]), _num(df["crude_or"])
    side = lambda x: (x > 1).astype("float64") - (x < 1).astype("float64")  # noqa: E731
    return _ok(side(a) == side(c), a, c)


def reference_is_a_group(df: pd.DataFrame) -> pd.Series:
    ref = df["reference_group"].astype("object")
    g1, g2 = df["group_1"].astype("object"), df["group_2"].astype("object")
    return _ok((ref == g1) | (ref == g2), ref, g1, g2)


def unit_basis_consistent(df: pd.DataFrame) -> pd.Series:
    basis = df["counted_unit_basis"].astype("object")
    return _present(df["counted_unit"]) == (basis.notna() & (basis != "not_stated"))


def count_or_reason(df: pd.DataFrame) -> pd.Series:
    return _present(df["count"]) != _present(df["missing_reason"])


def parts_add_up(df: pd.DataFrame) -> pd.Series:
    """Per (study, measure): parts sum to the total when all are given, else stay below it."""
    ok = pd.Series(True, index=df.index)
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


def failures_within_prescriptions(df: pd.DataFrame) -> pd.Series:
    ok = pd.Series(True, index=df.index)
    measure = df["measure"].astype("object")
    key = df["drug"].astype("object").where(df["drug"].notna(), "\x00total") if "drug" in df else None
    if key is None:
        return ok
    rx = dict(zip(key[measure == "prescriptions"], df.loc[measure == "prescriptions", "count"]))
    for idx in df.index[measure == "treatment_failures"]:
        f, p = df.at[idx, "count"], rx.get(key[idx])
        if pd.notna(f) and p is not None and pd.notna(p) and int(f) > int(p):
            ok[idx] = False
    return ok


def wilson_brackets_estimate(df: pd.DataFrame) -> pd.Series:
    p, lo, hi = _num(df["failure_pct"]), _num(df["wilson_lower_pct"]), _num(df["wilson_upper_pct"])
    return _ok((lo <= p) & (p <= hi), p, lo, hi)


def criterion_id_matches(df: pd.DataFrame) -> pd.Series:
    cid = df["criterion_id"].astype("object")
    expect = df["kind"].astype("object").map({"inclusion": "I", "exclusion": "E"})
    out = []
    for c, k, o in zip(cid, expect, df["ordinal"]):
        if pd.isna(c) or pd.isna(k) or pd.isna(o):
            out.append(True)
        else:
            out.append(c == f"{k}{int(o):02d}")
    return pd.Series(out, index=df.index)


def threshold_complete(df: pd.DataFrame) -> pd.Series:
    has_value = _present(df["value"])
    basis = df["comparator_basis"].astype("object")
    ok = ~has_value | (_present(df["unit"]) & _present(df["parameter"]) & basis.notna())
    ok &= ~basis.notna() | has_value
    ok &= _present(df["comparator"]) == (basis.notna() & (basis != "not_stated"))
    return ok


def percent_in_range(df: pd.DataFrame) -> pd.Series:
    pct = df["unit"].astype("object") == "percent"
    ok = pd.Series(True, index=df.index)
    for col in ("value", "value_upper"):
        v = _num(df[col])
        ok &= ~pct | v.isna() | ((v >= 0) & (v <= 100))
    return ok.astype(bool)


def range_ordered(df: pd.DataFrame) -> pd.Series:
    lo, hi = _num(df["value"]), _num(df["value_upper"])
    return _ok(lo <= hi, lo, hi)


def part_within_denominator(df: pd.DataFrame) -> pd.Series:
    x, n = _num(df["value"]), _num(df["denominator"])
    return _ok(x <= n, x, n)


def one_kind_of_figure(df: pd.DataFrame) -> pd.Series:
    kinds = _present(df["value"]).astype(int) + _present(df["value_date"]).astype(int) \
        + _present(df["identifier"]).astype(int)
    return kinds <= 1


#: Measures of ponatinib_figures that count a subgroup of a study's enrolment.
SUBGROUP_MEASURES = ("enrolled_cml", "enrolled_ph_positive_all")


def subgroups_within_enrolment(df: pd.DataFrame) -> pd.Series:
    ok = pd.Series(True, index=df.index)
    measure = df["measure"].astype("object")
    value = _num(df["value"])
    for _study, group in df.groupby(df["study_id"].astype("object"), dropna=True, sort=False):
        enrolled = value[group.index][measure[group.index] == "enrolment"].dropna()
        parts = group.index[measure[group.index].isin(SUBGROUP_MEASURES)]
        if len(enrolled) == 1 and value[parts].sum() > enrolled.iloc[0]:
            ok[parts] = False
    return ok
