"""The two validation engines agree on every registered rule, on every table, and each rule bites.

Cases are generated from the rule registry and the catalog: every field rule gets a violating
value in every field that declares it, every row check gets a violating row, and every
unique-together group (including a second one added here) gets a duplicate. For each case
the fast engine and the pandera schema must report exactly the same problems, and the
expected check must be among them, so no case can pass by both engines skipping it.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

import jakdata
from jakdata.catalog import TABLES
from jakdata.fields import Table
from jakdata.frames import validate_frame
from jakdata.rules import FIELD_RULES, field_rules
from jakdata.schemas import pandera_problems

ENGINES = ("rules", "pandera")


def _signature(problems) -> list[tuple]:
    return sorted((p.table, p.check, p.row or 0, p.column or "", p.message, p.value or "") for p in problems)


def run_both(df: pd.DataFrame, table: Table):
    """Problems from each engine, after the same coercion (seeds are not needed here)."""
    results = [validate_frame(df.astype("object"), table, seeds=None, engine=e)[0] for e in ENGINES]
    fast, reference = (_signature(r) for r in results)
    assert fast == reference
    return results[0]


#: A value that breaks each rule kind in field f (None: the rule cannot be broken by one cell).
VIOLATIONS = {
    "required": lambda f: None,
    "unique": None,  # needs two rows: handled on its own below
    "minimum": lambda f: f.minimum - 1,
    "maximum": lambda f: f.maximum + 1,
    "exclusive_minimum": lambda f: f.exclusive_minimum,
    "enum": lambda f: "not-a-listed-value",
    "pattern": lambda f: "Bad Value!",
    "no_formula": lambda f: "=HYPERLINK(\"x\")",
    "not_blank": lambda f: "   ",
}


def test_every_registered_rule_has_a_violation():
    assert set(VIOLATIONS) == {r.id for r in FIELD_RULES}


def _rule_cases():
    for name, table in TABLES.items():
        for rule in FIELD_RULES:
            fields = [f for f in table.fields if rule.applies(f)]
            if fields:
                yield pytest.param(name, rule.id, id=f"{name}-{rule.id}")


@pytest.mark.parametrize("name, rule_id", list(_rule_cases()))
def test_engines_agree_on_every_rule(name, rule_id):
    """Each field declaring the rule is broken in its own row; both engines name every one."""
    table = TABLES[name]
    df = jakdata.load(name).astype("object")
    fields = [f for f in table.fields if any(r.id == rule_id for r in field_rules(f))]
    expected = set()
    if rule_id == "unique":
        for f in fields:
            df.loc[1, f.name] = df.loc[0, f.name]
            expected |= {(f.name, 2), (f.name, 3)}
    else:
        for k, f in enumerate(fields):
            i = k % len(df)
            df.loc[i, f.name] = VIOLATIONS[rule_id](f)
            expected.add((f.name, i + 2))
    found = run_both(df, table)
    assert expected <= {(p.column, p.row) for p in found if p.check == rule_id}


def _typed(table: Table) -> list:
    return [f for f in table.fields if f.type in ("integer", "number", "boolean")]


@pytest.mark.parametrize("name", [n for n, t in TABLES.items() if _typed(t)])
def test_engines_agree_on_text_that_cannot_be_typed(name):
    table = TABLES[name]
    numeric = _typed(table)
    df = jakdata.load(name).astype("object")
    for k, f in enumerate(numeric):
        df.loc[k % len(df), f.name] = "abc"
    found = run_both(df, table)
    assert {f.name for f in numeric} <= {p.column for p in found if p.check == "type"}


@pytest.mark.parametrize("name", list(TABLES))
def test_engines_accept_the_published_tables(name):
    assert run_both(jakdata.load(name), TABLES[name]) == []


ROW_CASES = {
    "ci_ordered": ("jump_predictors", {"ci_lower": 0.99, "ci_upper": 0.44}),
    "estimate_inside_ci": ("jump_predictors", {"adjusted_or": 0.99}),
    "estimate_at_log_midpoint": ("jump_predictors", {"adjusted_or": 0.90}),
    "crude_adjusted_same_side": ("jump_predictors", {"crude_or": 1.7}),
    "reference_is_a_group": ("jump_predictors", {"reference_group": "Everyone"}),
    "enrolment_comparator_given": ("studies", {"enrolment_comparator": None}),
    "period_ordered": ("studies", {"period_start": "2023"}),
    "attribute_cited": ("drugs", {"brand_quote": None}),
    "count_or_reason": ("switching_cohort_counts", {"missing_reason": "because"}),
    "parts_add_up": ("switching_cohort_counts", {"count": 120}),
    "failures_within_prescriptions": ("switching_cohort_counts", {"count": 200}),
    "unit_basis_consistent": ("switching_cohort_counts", {"counted_unit_basis": "not_stated"}),
    "id_matches_kind": ("nct03558607_eligibility", {"kind": "exclusion"}),
    "threshold_complete": ("nct03558607_eligibility", {"comparator": "<"}),
    "value_has_comparator": ("ponatinib_figures", {"comparator": None}),
    "percent_in_range": ("ponatinib_figures", {"unit": "percent", "value": 500}),
    "range_ordered": ("ponatinib_figures", {"value_upper": 1}),
    "one_kind_of_figure": ("ponatinib_figures", {"identifier": "123"}),
    "part_within_denominator": ("nct03558607_background", {"denominator": 1}),
    "subgroups_within_enrolment": ("ponatinib_figures", {"value": 900}),
    "threshold_has_comparator": ("molecular_predictors", {"threshold_comparator": None}),
    "wilson_brackets_estimate": ("switching_failure_rates", {"wilson_lower_pct": 60.0}),
}

#: A column whose value must be present in the row a row-check case corrupts.
_ROW_NEEDS = {"enrolment_comparator_given": "enrolment", "period_ordered": "period_end",
              "attribute_cited": "brand_name", "count_or_reason": "count", "value_has_comparator": "value",
              "percent_in_range": "value", "range_ordered": "value", "one_kind_of_figure": "value",
              "part_within_denominator": "denominator", "threshold_has_comparator": "threshold_value",
              "wilson_brackets_estimate": "failure_pct"}


def _row_for(check: str, df: pd.DataFrame) -> int:
    if check == "threshold_complete":
        return int(df.index[df["comparator_basis"] == "not_stated"][0])
    if check == "failures_within_prescriptions":
        return int(df.index[(df["measure"] == "treatment_failures") & df["drug"].notna() & df["count"].notna()][0])
    if check == "subgroups_within_enrolment":
        return int(df.index[df["measure"] == "enrolled_cml"][0])
    col = _ROW_NEEDS.get(check)
    return int(df.index[df[col].notna()][0]) if col else 0


def test_every_row_check_has_a_case():
    declared = {(rc.id, name) for name, t in TABLES.items() for rc in t.checks}
    assert {rc for rc, _ in declared} == set(ROW_CASES)


@pytest.mark.parametrize("check", list(ROW_CASES))
def test_engines_agree_on_every_row_check(check):
    name, changes = ROW_CASES[check]
    df = jakdata.load(name).astype("object")
    i = _row_for(check, df)
    for col, value in changes.items():
        df.loc[i, col] = value
    found = run_both(df, TABLES[name])
    hits = [p for p in found if p.check == check]
    assert hits and all(p.column for p in hits)
    assert i + 2 in {p.row for p in hits}


def _with_second_group(table: Table, group: tuple[str, ...]) -> Table:
    return dataclasses.replace(table, unique_together=table.unique_together + (group,))


@pytest.mark.parametrize("name", [n for n, t in TABLES.items() if t.unique_together])
def test_engines_agree_on_every_unique_together_group(name):
    """Both the table's own group and a second one added here are enforced by both engines."""
    table = TABLES[name]
    second = ("source_id", "quote") if "quote" in table.field_names else ("study_id", "source_id")
    extended = _with_second_group(table, second)
    df = jakdata.load(name).astype("object")
    for c in set(table.unique_together[0]) | set(second):
        df.loc[1, c] = df.loc[0, c]
    fast = validate_frame(df, extended, seeds=None, engine="rules")[0]
    groups = {p.column for p in fast if p.check == "unique_together"}
    assert groups == {", ".join(table.unique_together[0]), ", ".join(second)}
    reference = pandera_problems(validate_frame(df, extended, None)[1], extended)
    assert _signature([p for p in fast if p.check == "unique_together"]) == \
        _signature([p for p in reference if p.check == "unique_together"])


def test_text_rules_name_only_the_failing_cells():
    df = jakdata.load("studies")
    df.loc[3, "note"] = "  "
    df.loc[5, "design"] = "+1 arm"
    found = {(p.check, p.column, p.row) for p in pandera_problems(df, TABLES["studies"])}
    assert found == {("not_blank", "note", 5), ("no_formula", "design", 7)}


@pytest.mark.parametrize("text", ["\uff1d1+1", " =1+1", "\u200b=1+1", "\u00a0=1+1", "\n=1+1", "\t1"])
def test_formula_prefix_is_found_after_invisible_characters(text):
    df = jakdata.load("studies")
    df.loc[0, "note"] = text
    found = run_both(df, TABLES["studies"])
    assert ("no_formula", "note", 2) in {(p.check, p.column, p.row) for p in found}


def test_text_rules_treat_nan_strings_as_missing():
    # pandas 3's default "str" dtype and object columns hold missing text as NaN, not pd.NA;
    # the schema must never report a missing cell as blank text or as a formula.
    df = jakdata.load("studies")
    assert any(df[c].isna().any() for c in df.columns if df[c].dtype == "string")
    for kind in ("str", "object"):
        other = df.astype({c: kind for c in df.columns if df[c].dtype == "string"})
        assert [p for p in pandera_problems(other, TABLES["studies"]) if p.check in ("no_formula", "not_blank")] \
            == [], kind


def test_messages_say_what_is_wrong_with_the_values():
    df = jakdata.load("jump_predictors").astype("object")
    df.loc[0, "ci_lower"], df.loc[0, "ci_upper"] = 0.7, 0.68
    df.loc[1, "response_pct_1"] = 140
    found = {p.check: p.message for p in run_both(df, TABLES["jump_predictors"])}
    assert found["ci_ordered"] == "lower bound 0.7 is not below upper bound 0.68"
    assert found["maximum"] == "140 is above the maximum 100"  # the value as given, not its conversion


def test_switching_failures_cannot_exceed_prescriptions():
    df = jakdata.load("switching_cohort_counts").astype("object")
    # move 60 failures from tofacitinib to upadacitinib: totals still add up, upadacitinib 72 > 66
    tofa = df.index[(df["measure"] == "treatment_failures") & (df["drug"] == "tofacitinib")][0]
    upa = df.index[(df["measure"] == "treatment_failures") & (df["drug"] == "upadacitinib")][0]
    df.loc[tofa, "count"], df.loc[upa, "count"] = 1, 72
    checks = {p.check for p in run_both(df, TABLES["switching_cohort_counts"])}
    assert "failures_within_prescriptions" in checks and "parts_add_up" not in checks


def test_extra_and_missing_columns_are_named():
    df = jakdata.load("studies").assign(extra=1).drop(columns=["phase"])
    found = {(p.check, p.column) for p in validate_frame(df, TABLES["studies"], None)[0]}
    assert ("column_unknown", "extra") in found and ("column_missing", "phase") in found
