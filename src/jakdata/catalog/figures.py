"""The layout shared by tables of reported figures (one figure per row) and its row checks."""

from __future__ import annotations

from ..fields import Field, RowCheck
from .common import ID_PATTERN, all_pass, comparator, date, given_together, issue_ids, note, num, passes, \
    present, quote, source_id, text


def figure_fields(id_pattern: str) -> tuple[Field, ...]:
    return (
        Field("figure_id", "string", "Row identifier.", required=True, unique=True, pattern=id_pattern),
        Field("study_id", "string", "Study the figure is about (→ studies); empty for context figures.",
              pattern=ID_PATTERN),
        Field("measure", "string", "What the figure measures (snake_case).", required=True,
              pattern=r"^[a-z][a-z0-9_]*$"),
        Field("value", "number", "The number; empty for qualitative amounts ('most patients').",
              evidence="quote", text="value_text"),
        Field("value_upper", "number", "Upper end where the source gives a range.", evidence="quote",
              text="value_text"),
        Field("denominator", "integer", "Denominator where the source gives 'x of n'.", minimum=1,
              evidence="quote"),
        comparator(),
        Field("value_text", "string", "The source's words for the amount, date or identifier.",
              required=True, verbatim=True, evidence="quote"),
        Field("unit", "string", "Unit of value ('percent' means 0–100)."),
        date("value_date", "The figure when it is a date.", text="value_text"),
        text("identifier", "The figure when it is an identifier (PubMed id, NCT number)."),
        Field("population", "string", "Who the figure is about, in the source's words where it gives them."),
        source_id(),
        quote(),
        note(),
        issue_ids(),
    )


def _value_has_comparator(df):
    return given_together(df, "value", "comparator")


def _percent_in_range(df):
    pct = df["unit"].astype("object") == "percent"
    ok = all_pass(df)
    for col in ("value", "value_upper"):
        v = num(df[col])
        ok &= ~pct | v.isna() | ((v >= 0) & (v <= 100))
    return ok.astype(bool)


def _range_ordered(df):
    lo, hi = num(df["value"]), num(df["value_upper"])
    return passes(lo <= hi, lo, hi)


def _part_within_denominator(df):
    x, n = num(df["value"]), num(df["denominator"])
    return passes(x <= n, x, n)


def _one_kind_of_figure(df):
    kinds = present(df["value"]).astype(int) + present(df["value_date"]).astype(int) \
        + present(df["identifier"]).astype(int)
    return kinds <= 1


FIGURE_CHECKS = (
    RowCheck("value_has_comparator", _value_has_comparator, ("value", "comparator"),
             "A number carries a comparator, and a comparator needs a number.",
             "value {value} and comparator {comparator}: give both or neither"),
    RowCheck("percent_in_range", _percent_in_range, ("value", "value_upper", "unit"),
             "Percentages lie between 0 and 100.",
             "a percentage ({value} to {value_upper}) lies outside 0 to 100"),
    RowCheck("range_ordered", _range_ordered, ("value", "value_upper"),
             "A range's upper end is not below its lower end.",
             "the range's upper end {value_upper} is below its lower end {value}"),
    RowCheck("part_within_denominator", _part_within_denominator, ("value", "denominator"),
             "'x of n' has x no larger than n.",
             "{value} of {denominator}: the part exceeds its denominator"),
    RowCheck("one_kind_of_figure", _one_kind_of_figure, ("value", "value_date", "identifier"),
             "A figure is a number, a date or an identifier, not several.",
             "give one of value, value_date and identifier, not several"),
)
