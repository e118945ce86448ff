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
from openpyxl.chart import LineChart, Reference, ScatterChart, Series

from autarky.atomic import atomic_write
from autarky.excel.styles import RATIO, USD_M, YEAR, Placed, write_note, write_table, write_title
from optimize.scenario import Scenario

FORMATS = {
    "budget_usd_bn": "0.00",
    "discounted_cost_usd_bn": USD_M,
    "total_cost_usd_bn": USD_M,
    "spend_usd_bn": USD_M,
    "peak_spend_usd_bn": USD_M,
    "budget_value_usd_per_usd": RATIO,
    "chain_year": YEAR,
    "earliest_chain_year": YEAR,
    "target_year": YEAR,
    "lead_time_multiplier": "0.00",
    "capex_multiplier": "0.00",
    "demand_growth_multiplier": "0.00",
    "discount_rate": "0.0%",
}

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
    placed = write_table(ws, table, "Comparison", formats=FORMATS)
    ws.freeze_panes = "B2"
    charts = wb.create_sheet("Charts")
    if "budget_usd_bn" in table and table["budget_usd_bn"].notna().any():
        specs = [
            ("chain_year", "Budget vs chain self-sufficiency year", "year"),
            ("total_cost_usd_bn", "Budget vs total cost", "USD bn"),
        ]
        if "window_years" in table:
            specs.append(("window_years", "Budget vs window length", "years"))
        for i, (col, title, unit) in enumerate(specs):
            charts.add_chart(_scatter(placed, col, title, unit), f"A{1 + 20 * i}")
    else:
        write_note(charts, 1, "No budget was swept: no budget charts.")
    if percentiles is not None:
        mc = wb.create_sheet("Monte Carlo")
        p = write_table(mc, percentiles, "Percentiles", formats={"budget_usd_bn": "0.00"})
        mc.add_chart(_band(p), f"A{p.last_row + 3}")
    about = wb.create_sheet("About")
    write_title(about, 1, f"Sweep {sweep_id} of scenario '{sc.name}'")
    for i, line in enumerate(ABOUT, start=3):
        write_note(about, i, line)
    about.column_dimensions["A"].width = 110
    with atomic_write(path) as tmp:
        wb.save(tmp)
    return path


def _scatter(placed: Placed, col: str, title: str, unit: str) -> ScatterChart:
    ws = placed.ws
    x = Reference(
        ws,
        min_col=placed.col("budget_usd_bn"),
        min_row=placed.header_row + 1,
        max_row=placed.last_row,
    )
    y = Reference(ws, min_col=placed.col(col), min_row=placed.header_row, max_row=placed.last_row)
    chart = ScatterChart()
    chart.title = title
    chart.style = 13
    chart.x_axis.title = "Budget (USD bn per year)"
    chart.y_axis.title = unit
    s = Series(y, x, title_from_data=True)
    s.marker.symbol = "circle"
    s.graphicalProperties.line.noFill = True
    chart.series.append(s)
    chart.height, chart.width = 9, 16
    return chart


def _band(placed: Placed) -> LineChart:
    ws = placed.ws
    chart = LineChart()
    chart.title = "Chain self-sufficiency year: P10-P90 by budget"
    chart.y_axis.title = "year"
    chart.x_axis.title = "Budget (USD bn per year)"
    for q in ("chain_year_p10", "chain_year_p50", "chain_year_p90"):
        ref = Reference(
            ws, min_col=placed.col(q), min_row=placed.header_row, max_row=placed.last_row
        )
        chart.add_data(ref, titles_from_data=True)
    cats = Reference(
        ws,
        min_col=placed.col("budget_usd_bn"),
        min_row=placed.header_row + 1,
        max_row=placed.last_row,
    )
    chart.set_categories(cats)
    chart.height, chart.width = 9, 16
    return chart
