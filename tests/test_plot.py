"""jakdata.plot: what the figures say (scales, reference line, labels, plotted values), not pixels."""

from __future__ import annotations

import builtins
import os
import subprocess
import sys

import pytest

import jakdata

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg", force=True)
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.container import BarContainer, ErrorbarContainer  # noqa: E402

from jakdata import plot  # noqa: E402


@pytest.fixture
def forest_fig():
    fig = plot.forest()
    yield fig
    plt.close(fig)


@pytest.fixture
def switching_fig():
    fig = plot.switching()
    yield fig
    plt.close(fig)


def _texts(fig) -> str:
    """Every piece of text on the figure, joined: titles, axis labels, tick labels, annotations."""
    parts = []
    for ax in fig.axes:
        parts += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        parts += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
        parts += [t.get_text() for t in ax.texts]
        legend = ax.get_legend()
        if legend is not None:
            parts += [t.get_text() for t in legend.get_texts()]
    return "\n".join(parts)


def test_forest_returns_figure_with_log_axis(forest_fig):
    from matplotlib.figure import Figure

    assert isinstance(forest_fig, Figure)
    (ax,) = forest_fig.axes
    assert ax.get_xscale() == "log"
    lo, hi = ax.get_xlim()
    jump = jakdata.load("jump_predictors")
    assert lo < float(jump["ci_lower"].min()) and hi > max(1.0, float(jump["ci_upper"].max()))


def test_forest_reference_line_at_one(forest_fig):
    ax = forest_fig.axes[0]
    verticals = [line for line in ax.get_lines() if len(set(line.get_xdata())) == 1]
    assert any(float(line.get_xdata()[0]) == 1.0 for line in verticals)
    assert any(line.get_gid() == plot.GID_NULL_LINE and list(line.get_xdata()) == [1, 1] for line in verticals)


def test_forest_points_are_the_adjusted_odds_ratios_and_bars_span_the_cis(forest_fig):
    ax = forest_fig.axes[0]
    jump = jakdata.load("jump_predictors")
    (bars,) = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    data_line, _caps, (xerr_lines,) = bars.lines
    assert data_line.get_gid() == plot.GID_ESTIMATES
    xs = [float(v) for v in data_line.get_xdata()]
    ys = [float(v) for v in data_line.get_ydata()]
    assert xs == pytest.approx([float(v) for v in jump["adjusted_or"]], rel=1e-12)
    spans = sorted((float(s[:, 1].mean()), float(s[:, 0].min()), float(s[:, 0].max()))
                   for s in xerr_lines.get_segments())
    expected = sorted(zip(ys, (float(v) for v in jump["ci_lower"]), (float(v) for v in jump["ci_upper"])))
    assert len(spans) == len(jump)
    for (y, lo, hi), (ey, elo, ehi) in zip(spans, expected):
        assert y == pytest.approx(ey) and lo == pytest.approx(elo, rel=1e-12) and hi == pytest.approx(ehi, rel=1e-12)


def test_forest_labels_name_predictors_groups_and_direction(forest_fig):
    ax = forest_fig.axes[0]
    jump = jakdata.load("jump_predictors")
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    data_line = next(c for c in ax.containers if isinstance(c, ErrorbarContainer)).lines[0]
    tick_at = dict(zip((float(v) for v in ax.get_yticks()), ticks))
    for row, y in zip(jump.itertuples(index=False), data_line.get_ydata()):
        label = tick_at[float(y)]  # the label sits on the row's own point
        assert row.predictor in label and row.group_1 in label and row.group_2 in label
        assert f"{row.reference_group} (ref.)" in label
    xlabel = ax.get_xlabel()
    assert "adjusted odds ratio" in xlabel
    refs = {"group_1" if r.reference_group == r.group_1 else "group_2" for r in jump.itertuples(index=False)}
    if refs == {"group_1"}:
        assert "group_2 vs reference group_1" in xlabel
    bases = set(jump["direction_basis"].astype(str))
    if bases == {"inferred"}:
        assert "direction inferred" in xlabel
    elif bases == {"stated"}:
        assert "direction stated" in xlabel
    text = _texts(forest_fig)
    for row in jump.itertuples(index=False):
        assert f"{row.adjusted_or:.2f} ({row.ci_lower:.2f}–{row.ci_upper:.2f})" in text


def test_forest_draws_on_given_axes():
    fig, (left, right) = plt.subplots(1, 2)
    try:
        assert plot.forest(ax=right) is fig
        assert right.get_xscale() == "log" and not left.has_data()
    finally:
        plt.close(fig)


def test_switching_bar_heights_equal_the_counts(switching_fig):
    ax = switching_fig.axes[0]
    rates = jakdata.load("switching_failure_rates")
    per_drug = rates[rates["drug"].notna()]
    assert "total" not in set(per_drug["subgroup"])
    assert {c.get_label() for c in ax.containers if isinstance(c, BarContainer)} == \
        {"prescriptions", "treatment failures"}
    prescriptions = _bars_with_gid(ax, plot.GID_PRESCRIPTIONS)
    failures = _bars_with_gid(ax, plot.GID_FAILURES)
    ticks = {float(t): lab.get_text() for t, lab in zip(ax.get_xticks(), ax.get_xticklabels())}

    def drug_of(patch):
        centre = patch.get_x() + patch.get_width() / 2
        return ticks[min(ticks, key=lambda t: abs(t - centre))]

    got_p = {drug_of(p): p.get_height() for p in prescriptions}
    want_p = {str(r.drug): int(r.prescriptions) for r in per_drug.itertuples(index=False)}
    assert got_p == want_p
    got_f = {drug_of(p): p.get_height() for p in failures}
    want_f = {str(r.drug): int(r.failures) for r in per_drug.itertuples(index=False) if r.evaluable}
    assert got_f == want_f
    assert sum(got_p.values()) == int(rates.loc[rates["subgroup"] == "total", "prescriptions"].iloc[0])


def _bars_with_gid(ax, gid):
    return [p for p in ax.patches if p.get_gid() == gid]


def test_switching_marks_unevaluable_failures_instead_of_zero(switching_fig):
    ax = switching_fig.axes[0]
    rates = jakdata.load("switching_failure_rates")
    not_evaluable = rates[rates["drug"].notna() & ~rates["evaluable"].astype(bool)]
    assert "filgotinib" in set(not_evaluable["drug"])  # the case the chart must handle
    failures = _bars_with_gid(ax, plot.GID_FAILURES)
    assert all(p.get_height() > 0 for p in failures)
    ticks = dict(zip((float(t) for t in ax.get_xticks()), (t.get_text() for t in ax.get_xticklabels())))
    marks = [t for t in ax.texts if plot.NOT_EVALUABLE in t.get_text()]
    assert len(marks) == len(not_evaluable)
    for mark in marks:
        x = mark.get_position()[0]
        nearest = ticks[min(ticks, key=lambda t: abs(t - x))]
        assert nearest in set(not_evaluable["drug"])
    assert "failures" in _texts(switching_fig) and "prescriptions" in _texts(switching_fig)


def test_missing_matplotlib_names_the_plot_extra(monkeypatch):
    real_import = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name == "matplotlib" or name.startswith("matplotlib."):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    for draw in (plot.forest, plot.switching):
        with pytest.raises(ImportError, match=r'pip install "jakdata\[plot\]"'):
            draw()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="headless detection is for Linux displays")
def test_import_is_lazy_and_headless_uses_agg(tmp_path):
    code = ("import sys, jakdata.plot as p; assert 'matplotlib' not in sys.modules; "
            "fig = p.switching(); import matplotlib; print(matplotlib.get_backend().lower())")
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "MPLBACKEND")}
    env["MPLCONFIGDIR"] = str(tmp_path)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "agg"


def test_make_figures_script_writes_both_pngs(repo, tmp_path):
    env = dict(os.environ, MPLCONFIGDIR=str(tmp_path / "mpl"))
    done = subprocess.run([sys.executable, str(repo / "docs" / "make_figures.py"), "--figures", str(tmp_path / "img")],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    for name in ("forest", "switching"):
        png = tmp_path / "img" / f"{name}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (repo / "docs" / "img" / "forest.png").is_file() and (repo / "docs" / "img" / "switching.png").is_file()
