"""The PNG charts of a sweep (matplotlib, Agg): budget against the chain's independence year,
total cost and window length; the Monte Carlo P10-P90 range of the year by budget.

What a reader must see: a title, units in the axis titles, axes that span the data (years on
the horizon, costs from zero, no offset notation), every variant as a visible marker, and
variants that never become independent or have no plan shown as such on their own rows
('never', 'no plan'). A chart with nothing to show is not written: :func:`figures` says why.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from autarky.atomic import atomic_write

BUDGET_AXIS = "Budget (USD bn per year)"
YEAR_AXIS = "Year the chain becomes independent (year)"
OK_COLOR, NEVER_COLOR, FAIL_COLOR = "#1f77b4", "#ff7f0e", "#d62728"
EARLY_COLOR = "#2ca02c"


def _plt() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _budget_xlim(ax: Any, x: np.ndarray) -> None:
    lo, hi = float(np.nanmin(x)), float(np.nanmax(x))
    pad = max(0.1 * (hi - lo), 0.1 * max(abs(hi), 1.0))
    ax.set_xlim(max(0.0, lo - pad) if lo >= 0 else lo - pad, hi + pad)
    ax.ticklabel_format(axis="x", useOffset=False, style="plain")


def year_axis(ax: Any, years: Sequence[int], extra: Sequence[str]) -> dict[str, float]:
    """Years of the horizon on y, then one row per label in ``extra`` above it; returns the
    y position of each extra row."""
    first, last = int(years[0]), int(years[-1])
    rows = {label: last + 1.5 + i for i, label in enumerate(extra)}
    ax.set_ylim(first - 0.5, last + 1.0 + len(extra))
    step = max(1, round((last - first) / 6))
    ticks = list(range(first, last + 1, step))
    ax.set_yticks([*ticks, *rows.values()], [*map(str, ticks), *rows])
    for y in rows.values():
        ax.axhline(y - 0.5, color="0.6", linewidth=0.8, linestyle=":")
    return rows


def chain_year_figure(table: pd.DataFrame, years: Sequence[int]) -> Any:
    """Budget against the chain's independence year: 'never' and 'no plan' rows."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7, 4.2))
    rows = year_axis(ax, years, ["never", "no plan"])
    x = table["budget_usd_bn"].astype(float).to_numpy()
    ok = (table["status"] == "optimal").to_numpy()
    year = table["chain_year"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    reached = ok & np.isfinite(year)
    never = ok & ~np.isfinite(year)
    ax.scatter(
        x[reached],
        year[reached],
        s=60,
        color=OK_COLOR,
        label="independent from",
        zorder=3,
        clip_on=False,
    )
    ax.scatter(
        x[never],
        np.full(never.sum(), rows["never"]),
        s=70,
        facecolors="none",
        edgecolors=NEVER_COLOR,
        linewidths=2,
        label="never within the horizon",
        zorder=3,
        clip_on=False,
    )
    ax.scatter(
        x[~ok],
        np.full((~ok).sum(), rows["no plan"]),
        s=70,
        marker="x",
        color=FAIL_COLOR,
        linewidths=2,
        label="no plan (infeasible or failed)",
        zorder=3,
        clip_on=False,
    )
    if "earliest_chain_year" in table:  # what the budget, lead times and limits allow
        early = (
            table["earliest_chain_year"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        )
        e_ok = ok & np.isfinite(early)
        ax.scatter(
            x[e_ok],
            early[e_ok],
            s=60,
            marker="s",
            facecolors="none",
            edgecolors=EARLY_COLOR,
            linewidths=1.8,
            label="earliest possible",
            zorder=4,
            clip_on=False,
        )
        e_never = ok & ~np.isfinite(early)
        ax.scatter(
            x[e_never],
            np.full(e_never.sum(), rows["never"]),
            s=60,
            marker="s",
            facecolors="none",
            edgecolors=EARLY_COLOR,
            linewidths=1.8,
            zorder=4,
            clip_on=False,
        )
    _budget_xlim(ax, x)
    ax.set_xlabel(BUDGET_AXIS)
    ax.set_ylabel(YEAR_AXIS)
    ax.set_title("When the chain becomes independent, by budget")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left", fontsize=8)
    return fig


def value_figure(table: pd.DataFrame, col: str, label: str, title: str) -> Any:
    """Budget against a quantity from zero up (cost, window length); variants without a plan
    marked on the axis."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7, 4.2))
    x = table["budget_usd_bn"].astype(float).to_numpy()
    ok = (table["status"] == "optimal").to_numpy()
    y = table[col].astype("Float64").fillna(0.0 if col == "window_years" else np.nan)
    y = y.to_numpy(dtype=float, na_value=np.nan)
    has = ok & np.isfinite(y)
    ax.scatter(x[has], y[has], s=60, color=OK_COLOR, label="plan", zorder=3, clip_on=False)
    top = float(np.nanmax(y[has])) if has.any() else 1.0
    ax.set_ylim(0.0, top * 1.12 if top > 0 else 1.0)
    if (~ok).any():
        ax.scatter(
            x[~ok],
            np.zeros((~ok).sum()),
            s=70,
            marker="x",
            color=FAIL_COLOR,
            linewidths=2,
            label="no plan (infeasible or failed)",
            zorder=3,
            clip_on=False,
        )
    ax.ticklabel_format(axis="y", useOffset=False, style="plain")
    _budget_xlim(ax, x)
    ax.set_xlabel(BUDGET_AXIS)
    ax.set_ylabel(label)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    return fig


def band_figure(pct: pd.DataFrame, years: Sequence[int]) -> Any:
    """Per budget the P10-P90 range of the chain's year (a bar) and its P50 (a marker);
    percentiles that are 'never' on their own row; the share of draws never independent."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7, 4.2))
    rows = year_axis(ax, years, ["never"])
    swept = pct["budget_usd_bn"].notna().any()
    x = pct["budget_usd_bn"].astype(float).to_numpy() if swept else np.zeros(len(pct))

    last = int(years[-1])

    def ys(col: str) -> np.ndarray:  # 'not within the horizon' (NaN or after it) on its row
        v = pct[col].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        return np.where(np.isfinite(v) & (v <= last), v, rows["never"])

    p10, p50, p90 = ys("chain_year_p10"), ys("chain_year_p50"), ys("chain_year_p90")
    ax.vlines(x, p10, p90, color=OK_COLOR, linewidth=8, alpha=0.35, label="planned: P10-P90")
    ax.plot(x, p50, marker="o", markersize=8, color=OK_COLOR, label="planned: P50", zorder=3)
    if "earliest_chain_year_p50" in pct:
        dx = 0.015 * (float(np.nanmax(x)) - float(np.nanmin(x)) or 1.0)
        e10, e50, e90 = (ys(f"earliest_chain_year_p{q}") for q in (10, 50, 90))
        ax.vlines(
            x + dx,
            e10,
            e90,
            color=EARLY_COLOR,
            linewidth=8,
            alpha=0.35,
            label="earliest possible: P10-P90",
        )
        ax.plot(
            x + dx,
            e50,
            marker="s",
            markersize=7,
            linestyle="none",
            color=EARLY_COLOR,
            label="earliest possible: P50",
            zorder=3,
        )
    for xi, yi, share in zip(x, p90, pct["never_share"], strict=True):
        if share > 0:
            ax.annotate(
                f"{share:.0%} never",
                (xi, yi),
                textcoords="offset points",
                xytext=(6, -4),
                fontsize=8,
                color=NEVER_COLOR,
            )
    _percentile_xaxis(ax, x, swept)
    ax.set_ylabel(YEAR_AXIS)
    draws = int(pct["draws"].max())
    ax.set_title(f"Chain independence year over {draws} Monte Carlo draws per budget")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left", fontsize=8)
    return fig


def _percentile_xaxis(ax: Any, x: np.ndarray, swept: bool) -> None:
    """The budget axis of a percentile chart; one tick for the scenario's own budget."""
    if swept:
        _budget_xlim(ax, x)
        ax.set_xlabel(BUDGET_AXIS)
    else:
        ax.set_xlim(-1, 1)
        ax.set_xticks([0], ["the scenario's budget"])
        ax.set_xlabel("Budget (USD bn per year, as in the scenario)")


def dependence_band_figure(pct: pd.DataFrame) -> Any:
    """Per budget the P10-P90 range of dependence-years (a bar) and its P50 (a marker), from
    zero up."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7, 4.2))
    swept = pct["budget_usd_bn"].notna().any()
    x = pct["budget_usd_bn"].astype(float).to_numpy() if swept else np.zeros(len(pct))
    p10, p50, p90 = (pct[f"dependence_years_p{q}"].astype(float).to_numpy() for q in (10, 50, 90))
    ax.vlines(x, p10, p90, color=OK_COLOR, linewidth=8, alpha=0.35, label="P10-P90 of draws")
    ax.plot(x, p50, marker="o", markersize=8, color=OK_COLOR, label="P50", zorder=3)
    top = float(np.nanmax(p90)) if np.isfinite(p90).any() else 1.0
    ax.set_ylim(0.0, top * 1.12 if top > 0 else 1.0)
    _percentile_xaxis(ax, x, swept)
    ax.set_ylabel("Dependence-years (years; sum of yearly dependence)")
    draws = int(pct["draws"].max())
    ax.set_title(f"Dependence on the rival over {draws} Monte Carlo draws per budget")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left", fontsize=8)
    return fig


def budget_swept(table: pd.DataFrame) -> bool:
    return "budget_usd_bn" in table and bool(table["budget_usd_bn"].notna().any())


def why_not(table: pd.DataFrame) -> list[str]:
    """Why a budget chart is not drawn (one sentence each); empty when all are."""
    if not budget_swept(table):
        return ["No budget was swept: no budget charts."]
    if "total_cost_usd_bn" not in table or not table["total_cost_usd_bn"].notna().any():
        return ["No variant has a plan: no cost chart."]
    return []


def figures(
    table: pd.DataFrame, percentiles: pd.DataFrame | None, years: Sequence[int]
) -> tuple[dict[str, Any], list[str]]:
    """The figures worth drawing by file name, and why any other was not drawn. Rows under a
    sanction (compare --effectiveness) have their own chart (autarky.effectiveness)."""
    figs: dict[str, Any] = {}
    if "variant" in table:
        table = table[~table["variant"].astype(str).str.endswith("+ sanction")]
    why = why_not(table)
    if budget_swept(table):
        figs["budget_vs_chain_year.png"] = chain_year_figure(table, years)
        if table["total_cost_usd_bn"].notna().any():
            figs["budget_vs_cost.png"] = value_figure(
                table,
                "total_cost_usd_bn",
                "Total cost (USD bn, undiscounted)",
                "Total cost of the plan by budget (undiscounted)",
            )
        if "dependence_years" in table and table["dependence_years"].notna().any():
            figs["budget_vs_dependence.png"] = value_figure(
                table,
                "dependence_years",
                "Dependence-years (years; sum of yearly dependence)",
                "What each billion buys: dependence on the rival over the horizon",
            )
        if "window_years" in table:
            figs["budget_vs_window.png"] = value_figure(
                table,
                "window_years",
                "Strategic window (years)",
                "Length of the strategic window by budget",
            )
    if percentiles is not None and len(percentiles):
        figs["mc_band.png"] = band_figure(percentiles, years)
        if (
            "dependence_years_p50" in percentiles
            and percentiles["dependence_years_p50"].notna().any()
        ):
            figs["mc_dependence_band.png"] = dependence_band_figure(percentiles)
    return figs, why


def write_plots(
    table: pd.DataFrame, percentiles: pd.DataFrame | None, years: Sequence[int], folder: Path
) -> tuple[dict[str, Path], list[str]]:
    """Write :func:`figures` as PNG files (atomically); the reasons for any chart not drawn."""
    plt = _plt()
    figs, why = figures(table, percentiles, years)
    files = {}
    for name, fig in figs.items():
        with atomic_write(folder / name) as tmp:
            fig.savefig(tmp, dpi=110, bbox_inches="tight", format="png")
        plt.close(fig)
        files[name] = folder / name
    return files, why
