"""Figures from the published tables (needs the optional extra: ``pip install "jakdata[plot]"``).

    >>> import jakdata.plot
    >>> fig = jakdata.plot.forest()       # doctest: +SKIP
    >>> fig = jakdata.plot.switching()    # doctest: +SKIP

matplotlib is imported only when a function is called, so ``import jakdata.plot`` works
without it. Each function draws on the Axes it is given, or on a new Figure, and returns the
Figure. Everything drawn comes from ``jakdata.load``: nothing is typed into the plot by hand.
"""

from __future__ import annotations

import os
import sys

from .load import load

INSTALL_HINT = 'pip install "jakdata[plot]"'

# Where these tables' rows live on the figure, so that tests and users can find them.
GID_ESTIMATES = "jakdata-forest-estimates"
GID_NULL_LINE = "jakdata-forest-null"
GID_PRESCRIPTIONS = "jakdata-switching-prescriptions"
GID_FAILURES = "jakdata-switching-failures"
NOT_EVALUABLE = "not evaluable"


def _matplotlib():
    """Import matplotlib, choosing the Agg backend where there is no display and no choice made."""
    try:
        import matplotlib
    except ImportError as exc:
        raise ImportError(f"jakdata.plot needs matplotlib, an optional extra: {INSTALL_HINT}") from exc
    if "matplotlib.pyplot" not in sys.modules and not _backend_chosen(matplotlib) and _headless():
        matplotlib.use("Agg")
    return matplotlib


def _backend_chosen(matplotlib) -> bool:
    """Whether a backend was chosen by the user (MPLBACKEND, matplotlibrc, matplotlib.use)."""
    if os.environ.get("MPLBACKEND"):
        return True
    getter = getattr(matplotlib.rcParams, "_get_backend_or_none", None)
    return getter is not None and getter() is not None


def _headless() -> bool:
    if sys.platform in ("darwin", "win32"):
        return False
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _axes(ax, size):
    """The Axes to draw on and its Figure: `ax` itself, or a new Figure with one Axes."""
    _matplotlib()
    if ax is not None:
        return ax.figure, ax
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=size, layout="constrained")
    return fig, ax


def _direction_words(rows) -> tuple[str, str]:
    """The comparison the odds ratios make, read from reference_group and direction_basis."""
    refs = ["group_1" if r.reference_group == r.group_1 else "group_2" for r in rows]
    if all(ref == "group_1" for ref in refs):
        comparison = "group_2 vs reference group_1"
    elif all(ref == "group_2" for ref in refs):
        comparison = "group_1 vs reference group_2"
    else:
        comparison = "each label's group vs its reference (ref.)"
    bases = sorted({str(r.direction_basis) for r in rows})
    if bases == ["inferred"]:
        basis = "direction inferred"
    elif bases == ["stated"]:
        basis = "direction stated"
    else:
        basis = "direction inferred where marked *, else stated"
    return comparison, basis


def forest(ax=None):
    """Forest plot of the JUMP study's adjusted odds ratios with their confidence intervals.

    One row per predictor of ``jump_predictors``, labelled with the predictor, the group the
    odds ratio is about and its reference group; a log x axis with a line at 1 (no
    association); the x label says which way round the ratios are and whether the source
    states that or the curator inferred it.
    """
    df = load("jump_predictors")
    rows = list(df.itertuples(index=False))
    fig, ax = _axes(ax, (8, 1.3 + 0.9 * len(rows)))
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

    comparison, basis = _direction_words(rows)
    mixed = len({str(r.direction_basis) for r in rows}) > 1
    y = list(range(len(rows), 0, -1))  # first row at the top
    aor = [float(r.adjusted_or) for r in rows]
    lower = [float(r.ci_lower) for r in rows]
    upper = [float(r.ci_upper) for r in rows]
    bars = ax.errorbar(aor, y, xerr=[[a - lo for a, lo in zip(aor, lower)], [hi - a for a, hi in zip(aor, upper)]],
                       fmt="s", color="black", ecolor="black", markersize=7, capsize=4, linewidth=1.5,
                       label=f"adjusted odds ratio ({_ci_words(rows)})")
    bars.lines[0].set_gid(GID_ESTIMATES)
    ax.axvline(1.0, color="0.35", linestyle="--", linewidth=1.2, zorder=1, gid=GID_NULL_LINE,
               label="no association (odds ratio 1)")

    labels = []
    for r in rows:
        other = r.group_2 if r.reference_group == r.group_1 else r.group_1
        star = "*" if mixed and str(r.direction_basis) == "inferred" else ""
        labels.append(f"{r.predictor}{star}\n{other} vs {r.reference_group} (ref.)")
    ax.set_yticks(y, labels)
    ax.set_ylim(0.4, len(rows) + 0.6)

    ax.set_xscale("log")
    lo, hi = min(lower + [1.0]), max(upper + [1.0])
    ax.set_xlim(lo / 1.35, hi * 1.35)
    ticks = [t for t in (0.05, 0.1, 0.2, 0.25, 0.33, 0.5, 0.75, 1, 1.5, 2, 3, 4, 5, 10, 20)
             if lo / 1.35 <= t <= hi * 1.35]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}"))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xlabel(f"adjusted odds ratio ({comparison}; {basis})")

    for yy, r in zip(y, rows):  # the numbers, at the right edge, in data rows
        ax.annotate(f"{float(r.adjusted_or):.2f} ({float(r.ci_lower):.2f}–{float(r.ci_upper):.2f})",
                    xy=(1.0, yy), xycoords=("axes fraction", "data"), xytext=(6, 0),
                    textcoords="offset points", va="center", ha="left", fontsize=9)
    outcome = "; ".join(sorted({str(r.outcome) for r in rows}))
    ax.set_title(f"{df.attrs.get('title', 'jump_predictors')}\n{outcome}, {_ci_words(rows)}", fontsize=11)
    ax.grid(axis="x", color="0.9", linewidth=0.8)
    ax.set_axisbelow(True)
    return fig


def _ci_words(rows) -> str:
    levels = sorted({float(r.ci_level) for r in rows})
    return " / ".join(f"{lv:g}%" for lv in levels) + " CI"


def switching(ax=None):
    """Bar chart of JAK-inhibitor prescriptions and treatment failures per drug.

    Per-drug rows of ``switching_failure_rates`` (not the total). Where the source does not
    report a drug's failures, no failure bar is drawn and the drug is marked "not
    evaluable": an unknown count is not a zero.
    """
    df = load("switching_failure_rates")
    per_drug = df[df["drug"].notna()].reset_index(drop=True)
    fig, ax = _axes(ax, (8, 4.5))

    width = 0.38
    x = list(range(len(per_drug)))
    prescriptions = [int(v) for v in per_drug["prescriptions"]]
    bars_p = ax.bar([i - width / 2 for i in x], prescriptions, width, color="#4c72b0", label="prescriptions",
                    gid=GID_PRESCRIPTIONS)
    ax.bar_label(bars_p, padding=2, fontsize=9)

    evaluable = [i for i in x if bool(per_drug.at[i, "evaluable"]) and not _na(per_drug.at[i, "failures"])]
    failures = [int(per_drug.at[i, "failures"]) for i in evaluable]
    bars_f = ax.bar([i + width / 2 for i in evaluable], failures, width, color="#dd8452",
                    label="treatment failures", gid=GID_FAILURES)
    ax.bar_label(bars_f, padding=2, fontsize=9,
                 labels=[f"{n} ({float(per_drug.at[i, 'failure_pct']):.0f}%)" for n, i in zip(failures, evaluable)])
    top = max(prescriptions + failures + [1])
    for i in x:
        if i not in evaluable:
            ax.text(i + width / 2, top * 0.02, f"failures {NOT_EVALUABLE}", rotation=90, ha="center",
                    va="bottom", fontsize=9, color="#8c4a1e", style="italic")

    ax.set_xticks(x, list(per_drug["drug"].astype(str)))
    ax.set_xlim(-0.6, len(x) - 0.4)
    ax.set_ylim(0, top * 1.15)
    ax.set_ylabel("count")
    ax.set_xlabel("JAK inhibitor")
    study = _study_name(per_drug)
    ax.set_title(f"{study}: prescriptions and treatment failures per drug\n"
                 "bar labels: count (failures per 100 prescriptions)", fontsize=11)
    ax.legend(frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def _na(v) -> bool:
    import pandas as pd

    return bool(pd.isna(v))


def _study_name(per_drug) -> str:
    ids = sorted(set(per_drug["study_id"].astype(str)))
    studies = load("studies")
    names = studies.loc[studies["study_id"].isin(ids), "name"].astype(str).tolist()
    return "; ".join(names) if names else "; ".join(ids)
