"""Command line: exit codes for valid, invalid and bad-usage cases, from any directory."""

from __future__ import annotations

import json

import pandas as pd


def test_list_show_describe(cli, tmp_path):
    out = cli("list", cwd=tmp_path)
    assert out.returncode == 0 and "jump_predictors" in out.stdout
    out = cli("show", "jump_predictors", cwd=tmp_path)
    assert out.returncode == 0 and "IPSS Risk" in out.stdout and "0.65" in out.stdout
    out = cli("describe", "ponatinib_figures", "--json", cwd=tmp_path)
    assert out.returncode == 0 and json.loads(out.stdout)["primary_key"] == "figure_id"


def test_validate_installed_copy_from_elsewhere(cli, tmp_path):
    out = cli("validate", cwd=tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.startswith("valid:")


def test_validate_a_copy_of_the_package(cli, package):
    out = cli("validate", str(package))
    assert out.returncode == 0, out.stdout
    out = cli("validate", str(package / "datapackage.json"), "--format", "json")
    report = json.loads(out.stdout)
    assert out.returncode == 0 and report["valid"] and report["problems"] == []


def test_corrupted_value_names_table_row_column(cli, package):
    path = package / "tables" / "jump_predictors.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",0.53,0.38,", ",0.35,0.38,"), encoding="utf-8")
    out = cli("validate", str(package), "--format", "json")
    assert out.returncode == 1
    problems = json.loads(out.stdout)["problems"]
    hits = [p for p in problems if p["table"] == "jump_predictors" and p["column"] == "adjusted_or"]
    assert hits and hits[0]["row"] == 3 and hits[0]["key"] == "treatment_line" and hits[0]["value"] == "0.35"
    text = cli("validate", str(package))
    assert text.returncode == 1 and "row 3, key treatment_line, column adjusted_or" in text.stdout


def test_validate_table_external_file(cli, tmp_path):
    import jakdata

    good = tmp_path / "mine.csv"
    jakdata.load("jump_predictors").to_csv(good, index=False, lineterminator="\n")
    assert cli("validate", "--table", "jump_predictors", str(good), cwd=tmp_path).returncode == 0
    parquet = tmp_path / "mine.parquet"
    jakdata.load("jump_predictors").to_parquet(parquet, index=False)
    assert cli("validate", "--table", "jump_predictors", str(parquet), cwd=tmp_path).returncode == 0
    bad = pd.read_csv(good, dtype=str, keep_default_na=False)
    bad.loc[0, "response_pct_1"] = "143.1"
    bad.to_csv(good, index=False, lineterminator="\n")
    out = cli("validate", "--table", "jump_predictors", str(good), cwd=tmp_path)
    assert out.returncode == 1 and "column response_pct_1" in out.stdout


def test_usage_errors_exit_2_without_traceback(cli, tmp_path):
    cases = [
        ("show", "nope"),
        ("describe", "jump_predictor"),
        ("validate", "--table", "nope", "x.csv"),
        ("validate", "--table", "jump_predictors", str(tmp_path / "missing.csv")),
        ("validate", str(tmp_path / "missing")),
        ("frobnicate",),
        (),
        ("show",),
    ]
    for args in cases:
        out = cli(*args, cwd=tmp_path)
        assert out.returncode == 2, (args, out.returncode, out.stderr)
        assert "Traceback" not in out.stderr + out.stdout, args
    out = cli("show", "jump_preditors", cwd=tmp_path)
    assert "Did you mean 'jump_predictors'?" in out.stderr


def test_build_check_from_the_repository(cli, repo):
    out = cli("build", "--check", cwd=repo)
    assert out.returncode == 0, out.stdout + out.stderr


def test_build_outside_a_checkout_is_a_usage_error(cli, tmp_path):
    out = cli("build", "--root", str(tmp_path), cwd=tmp_path)
    assert out.returncode == 2 and "source checkout" in out.stderr


def test_cite_names_the_tables_sources(cli, tmp_path):
    out = cli("cite", "ponatinib_figures", cwd=tmp_path)
    assert out.returncode == 0
    assert "New Drug Shows Promise against Drug-Resistant Leukemias" in out.stdout
    assert "When a JAK Inhibitor Fails" not in out.stdout


def test_python_dash_m_and_console_script_agree(cli, tmp_path):
    import subprocess

    import sys
    from pathlib import Path

    exe = Path(sys.executable).parent / "jakdata"  # the console script installed beside this interpreter
    assert exe.is_file(), f"no console script at {exe}"
    a = subprocess.run([str(exe), "list"], capture_output=True, text=True, cwd=tmp_path)
    assert a.returncode == 0 and a.stdout == cli("list", cwd=tmp_path).stdout
