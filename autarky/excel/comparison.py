"""comparison.xlsx: one row per sweep variant, native charts, the Monte Carlo band.

Sheets: ``Comparison`` (Excel Table ``T_Comparison``, one row per variant), ``Charts`` (budget
against the chain self-sufficiency year, total cost and, with a game, window length; scatter
charts on the Comparison table), ``Monte Carlo`` (per budget P10/P50/P90 and a band chart; only
with draws) and ``About`` (definitions). Written atomically.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import Reference, ScatterChart, Series
from openpyxl.chart.axis import ChartLines
from openpyxl.chart.shapes import GraphicalProperties

from autarky.atomic import atomic_write
from autarky.excel.styles import (
    RATIO,
    SHARE,
    USD_BN,
    YEAR,
    Placed,
    print_setup,
    write_note,
    write_table,
    write_title,
)
from optimize.scenario import Scenario

FORMATS = {
    "budget_usd_bn": "0.00",
    "discounted_cost_usd_bn": USD_BN,
    "total_cost_usd_bn": USD_BN,
    "spend_usd_bn": USD_BN,
    "peak_spend_usd_bn": USD_BN,
    "budget_value_usd_per_usd": RATIO,
    "chain_year": YEAR,
    "earliest_chain_year": YEAR,
    "target_year": YEAR,
    "lead_time_multiplier": "0.00",
    "capex_multiplier": "0.00",
    "demand_growth_multiplier": "0.00",
    "discount_rate": "0.0%",
    "never_share": SHARE,
    "chain_year_p10": YEAR,
    "chain_year_p50": YEAR,
    "chain_year_p90": YEAR,
    "window_years_p10": "0.0",
    "window_years_p50": "0.0",
    "window_years_p90": "0.0",
}
NEVER_ROW, NO_PLAN_ROW = "never", "no plan"

ABOUT = (
    "One row per variant of the sweep; each variant is a job (kind sweep-variant) in jobs.sqlite.",
    "budget_usd_bn: the per-year capex budget (USD bn); for a scenario budgeting per chain only, "
    "the chains' budgets scaled to sum to it (see docs/compare.md).",
    "discounted_cost_usd_bn: the plan's objective (discounted, USD bn); total_cost_usd_bn: the "
    "same costs undiscounted; spend: capex paid over the horizon; peak: the largest year.",
    "budget_value_usd_per_usd: discounted cost saved per extra USD of annual budget (every "
    "year); 0 where the budget does not bind.",
    "chain_year / year_<commodity>: first year from which the cutoff share (no supply from the "
    "rival) stays at or above the threshold; blank: never within the horizon or infeasible.",
    "earliest_chain_year: the earliest such year the budget allows (searched; optional).",
    "window_*, regime_path: from the race (game section), with the variant applied to the "
    "planner's plan.",
    "Infeasible variants have no costs; failed ones name the error.",
)


def write_comparison_workbook(
    path: Path,
    table: pd.DataFrame,
    percentiles: pd.DataFrame | None,
    sc: Scenario,
    sweep_id: str,
) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Comparison"
    write_table(ws, table, "Comparison", formats=FORMATS)
    ws.freeze_panes = "B2"
    charts = wb.create_sheet("Charts")
    years = sc.years
    if "budget_usd_bn" in table and table["budget_usd_bn"].notna().any():
        data = chart_data(table, years)
        chart_tab = write_table(charts, data, "Chart data", top=1, left=12, formats=CHART_FORMATS)
        specs = [
            (
                [
                    "independent from (year)",
                    f"{NEVER_ROW} (plotted at {years[-1] + 1})",
                    f"{NO_PLAN_ROW} (plotted at {years[-1] + 2})",
                ],
                "When the chain becomes independent, by budget",
                "Year the chain becomes independent (year)",
                (years[0] - 1, years[-1] + 3),
            ),
            (
                ["total cost (USD bn)"],
                "Total cost by budget (undiscounted)",
                "Total cost (USD bn, undiscounted)",
                (0, None),
            ),
        ]
        if "window_years" in table:
            specs.append(
                (
                    ["window (years)"],
                    "Strategic window by budget",
                    "Strategic window (years)",
                    (0, None),
                )
            )
        for i, (cols, title, axis, bounds) in enumerate(specs):
            charts.add_chart(_scatter(chart_tab, cols, title, axis, bounds), f"A{1 + 20 * i}")
        write_note(
            charts,
            1 + 20 * len(specs),
            f"Variants never independent within the horizon are plotted at {years[-1] + 1}, "
            f"variants without a plan (infeasible or failed) at {years[-1] + 2}.",
        )
    else:
        write_note(charts, 1, "No budget was swept: no budget charts.")
    if percentiles is not None:
        mc = wb.create_sheet("Monte Carlo")
        band = band_data(percentiles, years)
        p = write_table(mc, band, "Percentiles", formats=FORMATS | CHART_FORMATS)
        mc.add_chart(_band(p, years), f"A{p.last_row + 3}")
        write_note(
            mc,
            p.last_row + 2,
            f"Percentiles of draws that never become independent are plotted at {years[-1] + 1}.",
        )
    about = wb.create_sheet("About")
    write_title(about, 1, f"Sweep {sweep_id} of scenario '{sc.name}'")
    for i, line in enumerate(ABOUT, start=3):
        write_note(about, i, line)
    about.column_dimensions["A"].width = 110
    for sheet in wb.worksheets:
        print_setup(sheet)
    with atomic_write(path) as tmp:
        wb.save(tmp)
    return path


CHART_FORMATS = {"budget (USD bn per year)": "0.00"}


def chart_data(table: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """What the charts plot: per variant the budget, the year it becomes independent, or the
    row above the horizon for 'never' and 'no plan'; the total cost; the window length."""
    ok = table["status"] == "optimal"
    year = table["chain_year"].astype("Float64")
    out = pd.DataFrame({"budget (USD bn per year)": table["budget_usd_bn"].astype(float)})
    out["independent from (year)"] = year.where(ok & year.notna())
    out[f"{NEVER_ROW} (plotted at {years[-1] + 1})"] = pd.Series(
        float(years[-1] + 1), index=table.index
    ).where(ok & year.isna())
    out[f"{NO_PLAN_ROW} (plotted at {years[-1] + 2})"] = pd.Series(
        float(years[-1] + 2), index=table.index
    ).where(~ok)
    out["total cost (USD bn)"] = table["total_cost_usd_bn"].astype(float).where(ok)
    if "window_years" in table:
        out["window (years)"] = table["window_years"].astype("Float64").fillna(0.0).where(ok)
    return out.astype(float)


def band_data(pct: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """The percentiles, with 'never' percentiles plotted one year after the horizon."""
    out = pct.copy()
    out["budget (USD bn per year)"] = out["budget_usd_bn"].astype(float)
    for q in ("p10", "p50", "p90"):
        col = out[f"chain_year_{q}"].astype("Float64")
        out[f"{q.upper()} year (chart)"] = col.fillna(float(years[-1] + 1)).astype(float)
    return out


COLORS = ("1F77B4", "FF7F0E", "D62728")
SYMBOLS = ("circle", "diamond", "x")


def _scatter(
    placed: Placed,
    cols: list[str],
    title: str,
    axis: str,
    bounds: tuple[float | None, float | None],
) -> ScatterChart:
    """Markers only (large, filled), one series per column; axis titles with units; the
    value axis within ``bounds``."""
    ws = placed.ws
    x = Reference(
        ws,
        min_col=placed.col("budget (USD bn per year)"),
        min_row=placed.header_row + 1,
        max_row=placed.last_row,
    )
    chart = ScatterChart()
    chart.title = title
    chart.style = 13
    chart.scatterStyle = "lineMarker"
    chart.x_axis.title = "Budget (USD bn per year)"
    chart.y_axis.title = axis
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.x_axis.number_format = "0.0"
    lo, hi = bounds
    chart.y_axis.scaling.min = lo
    if hi is not None:
        chart.y_axis.scaling.max = hi
    chart.y_axis.majorGridlines = ChartLines()
    for i, col in enumerate(cols):
        y = Reference(
            ws, min_col=placed.col(col), min_row=placed.header_row, max_row=placed.last_row
        )
        s = Series(y, x, title_from_data=True)
        s.marker.symbol = SYMBOLS[i]
        s.marker.size = 9
        s.marker.graphicalProperties = GraphicalProperties(solidFill=COLORS[i])
        s.marker.graphicalProperties.line.solidFill = COLORS[i]
        s.graphicalProperties.line.noFill = True
        chart.series.append(s)
    chart.legend.position = "b"
    chart.height, chart.width = 9, 16
    return chart


def _band(placed: Placed, years: list[int]) -> ScatterChart:
    """P10, P50, P90 of the chain's year per budget, as markers (never: after the horizon)."""
    chart = _scatter(
        placed,
        ["P10 year (chart)", "P50 year (chart)", "P90 year (chart)"],
        "Chain independence year over the draws: P10, P50, P90 by budget",
        "Year the chain becomes independent (year)",
        (years[0] - 1, years[-1] + 2),
    )
    return chart
