"""Every schema rejects a bad row of each kind it guards, with a report naming the check."""

from __future__ import annotations

import pandas as pd
import pytest

import jakdata
from jakdata.catalog import TABLES
from jakdata.validation import _pandera_problems, validate_frame


def problems_of(df: pd.DataFrame, name: str):
    found, _ = validate_frame(df.astype("object"), TABLES[name], seeds=None)
    return found


def checks_on(df, name, column=None):
    return {(p.check, p.column) if column is None else p.check for p in problems_of(df, name)
            if column is None or p.column == column}


def _field_cases():
    """One bad value per field constraint, generated from the catalog."""
    for name, table in TABLES.items():
        for f in table.fields:
            if f.required:
                yield pytest.param(name, f.name, None, "not_nullable", id=f"{name}.{f.name}-required")
            if f.enum is not None:
                yield pytest.param(name, f.name, "not-a-listed-value", "enum", id=f"{name}.{f.name}-enum")
            if f.minimum is not None:
                yield pytest.param(name, f.name, f.minimum - 1, "greater_than_or_equal_to", id=f"{name}.{f.name}-min")
            if f.maximum is not None:
                yield pytest.param(name, f.name, f.maximum + 1, "less_than_or_equal_to", id=f"{name}.{f.name}-max")
            if f.exclusive_minimum is not None:
                yield pytest.param(name, f.name, f.exclusive_minimum, "greater_than", id=f"{name}.{f.name}-exclusive")
            if f.pattern is not None and f.enum is None:
                yield pytest.param(name, f.name, "Bad Value!", "str_matches", id=f"{name}.{f.name}-pattern")
            if f.type in ("string", "date") and f.enum is None and f.pattern is None:
                yield pytest.param(name, f.name, "=HYPERLINK(\"x\")", "no_formula_prefix",
                                   id=f"{name}.{f.name}-formula")
            if f.type in ("integer", "number"):
                yield pytest.param(name, f.name, "abc", "type:", id=f"{name}.{f.name}-type")


@pytest.mark.parametrize("name, column, bad, check", list(_field_cases()))
def test_field_constraint_rejects_bad_value(name, column, bad, check):
    df = jakdata.load(name).astype("object")
    df.loc[0, column] = bad
    found = [p for p in problems_of(df, name) if p.column == column]
    assert any(p.check.startswith(check) for p in found), [(p.check, p.column) for p in found]
    hit = next(p for p in found if p.check.startswith(check))
    assert hit.table == name and hit.row == 2


@pytest.mark.parametrize("name", [n for n, t in TABLES.items() if any(f.unique for f in t.fields)])
def test_duplicate_key_is_rejected(name):
    df = jakdata.load(name)
    key = TABLES[name].primary_key
    df.loc[1, key] = df.loc[0, key]
    assert any(p.check == "field_uniqueness" and p.column == key for p in problems_of(df, name))


def test_pristine_tables_pass_every_schema():
    for name in TABLES:
        assert problems_of(jakdata.load(name), name) == [], name


ROW_CASES = [
    ("jump_predictors", {"ci_lower": 0.99, "ci_upper": 0.44}, "ci_ordered"),
    ("jump_predictors", {"adjusted_or": 0.99}, "estimate_inside_ci"),
    ("jump_predictors", {"adjusted_or": 0.90}, "estimate_at_log_midpoint"),
    ("jump_predictors", {"crude_or": 1.7}, "crude_adjusted_same_side"),
    ("jump_predictors", {"reference_group": "Everyone"}, "reference_is_a_group"),
    ("studies", {"enrolment_comparator": None}, "enrolment_comparator_given"),
    ("studies", {"period_start": "2023"}, "period_ordered"),
    ("drugs", {"brand_quote": None}, "attribute_cited"),
    ("switching_cohort_counts", {"missing_reason": "because"}, "count_or_reason"),
    ("switching_cohort_counts", {"count": 120}, "parts_add_up"),
    ("switching_cohort_counts", {"counted_unit_basis": "not_stated"}, "unit_basis_consistent"),
    ("nct03558607_eligibility", {"kind": "exclusion"}, "id_matches_kind"),
    ("nct03558607_eligibility", {"comparator": "<"}, "threshold_complete"),
    ("ponatinib_figures", {"comparator": None}, "value_has_comparator"),
    ("ponatinib_figures", {"unit": "percent", "value": 500}, "percent_in_range"),
    ("ponatinib_figures", {"value_upper": 1}, "range_ordered"),
    ("ponatinib_figures", {"identifier": "123"}, "one_kind_of_figure"),
    ("nct03558607_background", {"denominator": 1}, "part_within_denominator"),
    ("molecular_predictors", {"threshold_comparator": None}, "threshold_has_comparator"),
    ("switching_failure_rates", {"wilson_lower_pct": 60.0}, "wilson_brackets_estimate"),
]


def _row_for(name: str, df: pd.DataFrame, check: str) -> int:
    """A row where the check's inputs are all present, so the corruption is visible to it."""
    wants = {"enrolment_comparator_given": "enrolment", "period_ordered": "period_end", "attribute_cited": "brand_name",
             "count_or_reason": "count", "threshold_complete": "comparator_basis", "value_has_comparator": "value",
             "percent_in_range": "value", "range_ordered": "value", "one_kind_of_figure": "value",
             "part_within_denominator": "denominator", "threshold_has_comparator": "threshold_value",
             "wilson_brackets_estimate": "failure_pct"}
    col = wants.get(check)
    if check == "threshold_complete":
        return int(df.index[df["comparator_basis"] == "not_stated"][0])
    return int(df.index[df[col].notna()][0]) if col else 0


@pytest.mark.parametrize("name, changes, check", ROW_CASES, ids=[c[2] for c in ROW_CASES])
def test_row_check_rejects_bad_row(name, changes, check):
    df = jakdata.load(name).astype("object")
    i = _row_for(name, df, check)
    for col, value in changes.items():
        df.loc[i, col] = value
    found = [p for p in problems_of(df, name) if p.check == check]
    assert found, [(p.check, p.column) for p in problems_of(df, name)]
    assert found[0].row is not None and found[0].column


def test_switching_failures_cannot_exceed_prescriptions():
    df = jakdata.load("switching_cohort_counts").astype("object")
    # move 60 failures from tofacitinib to upadacitinib: totals still add up, upadacitinib 72 > 66
    tofa = df.index[(df["measure"] == "treatment_failures") & (df["drug"] == "tofacitinib")][0]
    upa = df.index[(df["measure"] == "treatment_failures") & (df["drug"] == "upadacitinib")][0]
    df.loc[tofa, "count"], df.loc[upa, "count"] = 1, 72
    assert {"failures_within_prescriptions"} <= {p.check for p in problems_of(df, "switching_cohort_counts")}
    assert "parts_add_up" not in {p.check for p in problems_of(df, "switching_cohort_counts")}


def test_extra_and_missing_columns_are_named():
    df = jakdata.load("studies").assign(extra=1).drop(columns=["phase"])
    found = {(p.check, p.column) for p in problems_of(df, "studies")}
    assert ("column_unknown", "extra") in found and ("column_missing", "phase") in found


def _text_failures(df: pd.DataFrame, name: str) -> set[tuple[str, str, int]]:
    """(check, column, spreadsheet row) of the free-text rules, with the pandera schema run as is."""
    return {(p.check, p.column, p.row) for p in _pandera_problems(df, TABLES[name], set())
            if p.check in ("no_formula_prefix", "not_blank")}


def test_text_rules_name_only_the_failing_cells():
    df = jakdata.load("studies")
    df.loc[3, "note"] = "  "
    df.loc[5, "design"] = "+1 arm"
    assert _text_failures(df, "studies") == {("not_blank", "note", 5), ("no_formula_prefix", "design", 7)}
    assert _text_failures(jakdata.load("studies"), "studies") == set()


def test_text_rules_treat_nan_strings_as_missing():
    # pandas 3's default "str" dtype and object columns hold missing text as NaN, not pd.NA;
    # the schema must never report a missing cell as blank text or as a formula.
    df = jakdata.load("studies")
    assert any(df[c].isna().any() for c in df.columns if df[c].dtype == "string")
    for kind in ("str", "object"):
        other = df.astype({c: kind for c in df.columns if df[c].dtype == "string"})
        assert _text_failures(other, "studies") == set(), kind
