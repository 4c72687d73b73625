"""Derived columns and tables, computed from extracted values (never typed by hand)."""

from __future__ import annotations

import hashlib
import math
from pathlib import Path
from statistics import NormalDist

import pandas as pd

from .catalog import SEP


def z_for(level: float) -> float:
    """Two-sided normal quantile for a confidence level in percent, to 6 decimals (95 → 1.959964)."""
    return round(NormalDist().inv_cdf(1 - (1 - level / 100) / 2), 6)


def _odds(pct: float) -> float:
    return pct / (100 - pct)


def jump_predictors(df: pd.DataFrame) -> pd.DataFrame:
    """log_or, its Wald SE from the CI on the log scale, and the crude OR in the aOR's direction."""
    out = df.copy()
    log_or, se, crude = [], [], []
    for row in df.itertuples(index=False):
        try:
            log_or.append(math.log(row.adjusted_or))
            se.append((math.log(row.ci_upper) - math.log(row.ci_lower)) / (2 * z_for(row.ci_level)))
            if row.reference_group == row.group_1:
                crude.append(_odds(row.response_pct_2) / _odds(row.response_pct_1))
            else:
                crude.append(_odds(row.response_pct_1) / _odds(row.response_pct_2))
        except (TypeError, ValueError, ZeroDivisionError):
            return out.assign(log_or=pd.NA, se_log_or=pd.NA, crude_or=pd.NA).pipe(
                lambda d: d.astype({"log_or": "Float64", "se_log_or": "Float64", "crude_or": "Float64"}))
    out["log_or"] = pd.array(log_or, dtype="Float64")
    out["se_log_or"] = pd.array(se, dtype="Float64")
    out["crude_or"] = pd.array(crude, dtype="Float64")
    return out


def wilson(successes: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """Wilson score interval for a proportion, as fractions."""
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def switching_failure_rates(counts: pd.DataFrame) -> pd.DataFrame:
    """Per-drug and overall failure proportions from the cohort counts, Wilson 95% intervals."""
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
                     "issue_ids": _merge_ids(issues)})
    return pd.DataFrame(rows)


def _merge_ids(values) -> object:
    ids = []
    for v in values:
        if isinstance(v, str):
            ids += [i for i in v.split(SEP) if i and i not in ids]
    return SEP.join(sorted(ids)) if ids else pd.NA


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def issue_ids(table: str, key: str, frame: pd.DataFrame, ledger: pd.DataFrame) -> pd.Series:
    """For each row of `table`, the ledger entries whose affected_rows name it."""
    hits: dict[str, list[str]] = {}
    for issue, affected in zip(ledger["issue_id"], ledger["affected_rows"]):
        for ref in str(affected).split(SEP):
            t, _, k = ref.partition(":")
            if t == table:
                hits.setdefault(k, []).append(issue)
    keys = frame[key].astype("object")
    inherited = frame["issue_ids"].astype("object") if table == "switching_failure_rates" and "issue_ids" in frame \
        else pd.Series(None, index=frame.index, dtype="object")
    values = [_merge_ids([own, SEP.join(hits.get(k, []))]) for k, own in zip(keys, inherited)]
    return pd.Series(pd.array(values, dtype="string"), index=frame.index)
