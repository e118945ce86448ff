"""report.html of a sweep (beside comparison.xlsx): budget against the chain's independence
year (never and no-plan variants on their own rows), what each billion buys (dependence-years
by budget), and the Monte Carlo range of the year. Self-contained like a job's page
(autarky.html_report.Page)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from autarky.html_report import Page, plotly_go


def write_comparison_report(
    path: Path,
    table: pd.DataFrame,
    percentiles: pd.DataFrame | None,
    sc: Any,
    sweep_id: str,
    years: Sequence[int],
) -> Path:
    """report.html of a sweep: its variants by budget, the Monte Carlo range."""
    go = plotly_go()
    from autarky.sweep_charts import why_not

    page = Page(f"autarky sweep {sweep_id} of scenario '{sc.name}'")
    ok = table["status"] == "optimal"
    page.text(
        f"{len(table)} variants, {int(ok.sum())} with a plan, "
        f"{int((~ok).sum())} without (infeasible or failed)."
    )
    why = why_not(table)
    if why and "budget" in why[0]:
        page.text(why[0], "why")
    else:
        never = years[-1] + 1
        y = table["chain_year"].astype("Float64").fillna(never).where(ok, never + 1)
        fig = go.Figure(
            go.Scatter(
                x=list(table["budget_usd_bn"]),
                y=list(y.astype(float)),
                mode="markers",
                marker={
                    "size": 12,
                    "symbol": ["circle" if o else "x" for o in ok],
                    "color": [
                        "#d62728" if not o else "#ff7f0e" if yy == never else "#1f77b4"
                        for o, yy in zip(ok, y.astype(float), strict=True)
                    ],
                },
                text=list(table["variant"]),
                name="variants",
            )
        )
        fig.update_layout(
            title="When the chain becomes independent, by budget",
            xaxis_title="budget (USD bn per year)",
            yaxis_title="year the chain becomes independent (year)",
            yaxis={
                "range": [years[0] - 0.5, never + 1.5],
                "tickvals": [*range(years[0], years[-1] + 1, 3), never, never + 1],
                "ticktext": [*map(str, range(years[0], years[-1] + 1, 3)), "never", "no plan"],
            },
        )
        page.chart(fig, "chain_year")
        if "dependence_years" in table and table["dependence_years"].notna().any():
            fig = go.Figure(
                go.Scatter(
                    x=list(table["budget_usd_bn"]),
                    y=list(table["dependence_years"]),
                    mode="markers",
                    marker={"size": 11},
                )
            )
            fig.update_layout(
                title="What each billion buys: dependence-years by budget",
                xaxis_title="budget (USD bn per year)",
                yaxis_title="dependence-years (years)",
                yaxis={"rangemode": "tozero"},
            )
            page.chart(fig, "billion")
    if percentiles is not None and len(percentiles):
        pct = percentiles
        x = (
            list(pct["budget_usd_bn"])
            if pct["budget_usd_bn"].notna().any()
            else ["scenario"] * len(pct)
        )
        never = years[-1] + 1
        q = {
            k: pct[f"chain_year_{k}"].astype("Float64").fillna(never).astype(float)
            for k in ("p10", "p50", "p90")
        }
        fig = go.Figure(
            go.Scatter(
                x=x,
                y=list(q["p50"]),
                mode="markers",
                marker={"size": 11},
                name="P50",
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": list(q["p90"] - q["p50"]),
                    "arrayminus": list(q["p50"] - q["p10"]),
                },
            )
        )
        fig.update_layout(
            title="Chain independence year over the draws (P10-P50-P90)",
            xaxis_title="budget (USD bn per year)",
            yaxis_title=f"year the chain becomes independent ({never} = never)",
            yaxis={"range": [years[0] - 0.5, never + 0.5]},
        )
        page.chart(fig, "mc")
    return page.write(path)
