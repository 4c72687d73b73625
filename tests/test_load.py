"""Loading: exact dtypes, CSV equals Parquet, metadata in attrs, the source's values."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

import jakdata
from jakdata.catalog import TABLES
from jakdata.io import dtypes


@pytest.mark.parametrize("name", list(TABLES))
def test_csv_and_parquet_load_to_equal_frames(name):
    a, b = jakdata.load(name, "csv"), jakdata.load(name, "parquet")
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert len(a) > 0


@pytest.mark.parametrize("name", list(TABLES))
def test_dtypes_are_exactly_the_schema(name):
    df = jakdata.load(name)
    assert list(df.columns) == TABLES[name].field_names
    for col, want in dtypes(TABLES[name]).items():
        assert df[col].dtype == want or str(df[col].dtype) == str(want), (col, df[col].dtype, want)


def test_attrs_carry_name_title_citation():
    df = jakdata.load("jump_predictors")
    assert df.attrs["name"] == "jump_predictors"
    assert df.attrs["title"] == TABLES["jump_predictors"].title
    assert "jakdata" in df.attrs["citation"] and jakdata.__version__ in df.attrs["citation"]


def test_jump_predictors_hold_the_sources_values():
    df = jakdata.load("jump_predictors").set_index("predictor")
    expect = {
        "IPSS Risk": ("Low/Intermediate-1", "Intermediate-2/High", 43.1, 30.6, 0.65, 0.44, 0.95),
        "Treatment Line": ("First-line", "Second- or later-line", 40.2, 31.5, 0.53, 0.38, 0.75),
        "Dose at Week 12": (">20 mg/day", "≤20 mg/day", 41.3, 30.4, 0.47, 0.33, 0.68),
    }
    assert set(df.index) == set(expect)
    cols = ["group_1", "group_2", "response_pct_1", "response_pct_2", "adjusted_or", "ci_lower", "ci_upper"]
    for predictor, values in expect.items():
        assert tuple(df.loc[predictor, cols]) == values
    assert (df["ci_level"] == 95).all()
    assert (df["direction_basis"] == "inferred").all()
    assert (df["reference_group"] == df["group_1"]).all()


def test_derived_jump_columns_follow_their_formulas():
    import math

    df = jakdata.load("jump_predictors")
    row = df.set_index("predictor_id").loc["ipss_risk"]
    assert row["log_or"] == pytest.approx(math.log(0.65))
    assert row["se_log_or"] == pytest.approx((math.log(0.95) - math.log(0.44)) / (2 * 1.959964))
    odds = lambda p: p / (100 - p)  # noqa: E731
    assert row["crude_or"] == pytest.approx(odds(30.6) / odds(43.1))
    assert (df["crude_or"] < 1).all() and (df["adjusted_or"] < 1).all()


def test_repeated_load_returns_independent_copies():
    first = jakdata.load("studies")
    first.loc[0, "name"] = "changed"
    first.attrs["name"] = "changed"
    again = jakdata.load("studies")
    assert again.loc[0, "name"] != "changed"
    assert again.attrs["name"] == "studies"


def test_unknown_table_and_format_are_clear_errors():
    from jakdata.validation import InputError

    with pytest.raises(InputError, match="Did you mean 'jump_predictors'"):
        jakdata.load("jump_predictor")
    with pytest.raises(ValueError, match="format must be"):
        jakdata.load("studies", format="xlsx")


def test_import_is_cheap():
    code = ("import sys, jakdata; jakdata.tables(); jakdata.load('jump_predictors'); "
            "print(sorted(m for m in ('pandera', 'frictionless') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_describe_lists_fields_units_derivations_and_sources():
    info = jakdata.describe("jump_predictors")
    fields = {f["name"]: f for f in info["fields"]}
    assert fields["response_pct_1"]["unit"] == "percent"
    assert fields["se_log_or"]["derived"] and "1.959964" in fields["se_log_or"]["formula"]
    assert not fields["adjusted_or"]["derived"]
    assert [s["source_id"] for s in info["sources"]] == ["benchchem_2025"]


def test_schema_is_a_pandera_schema_that_accepts_the_published_frame():
    import pandera.pandas as pa

    schema = jakdata.schema("ponatinib_figures")
    assert isinstance(schema, pa.DataFrameSchema)
    schema.validate(jakdata.load("ponatinib_figures"), lazy=True)


def test_validate_api_returns_problems():
    df = jakdata.load("jump_predictors")
    assert jakdata.validate(df, "jump_predictors") == []
    df.loc[0, "ci_upper"] = 0.1
    checks = {p.check for p in jakdata.validate(df, "jump_predictors")}
    assert {"ci_ordered", "estimate_inside_ci"} <= checks
