"""The native charts of plan.xlsx, each with a title, units in its axis titles and one unit per
chart: capex paid per year by chain (USD bn, stacked), the cutoff share by commodity (straight
lines with markers: yearly data, no smoothing), and the planner bloc's capacity by stage, one
chart per unit (lines: stages are not added up)."""

from __future__ import annotations

from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.axis import ChartLines
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.worksheet.worksheet import Worksheet

from autarky.excel.styles import Placed

MARKERS = ("circle", "diamond", "square", "triangle", "x", "star", "plus", "dash", "dot")


def _axes(chart: BarChart | LineChart, x_title: str, y_title: str) -> None:
    chart.x_axis.title = x_title
    chart.y_axis.title = y_title
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.y_axis.majorGridlines = ChartLines()
    chart.legend.position = "b"


def _straight_lines(chart: LineChart) -> None:
    """Yearly data: straight segments with a marker at every year (no smoothed overshoot)."""
    for i, s in enumerate(chart.series):
        s.smooth = False
        s.marker.symbol = MARKERS[i % len(MARKERS)]
        s.marker.size = 6


def spend_chart(ws: Worksheet, spend: Placed, anchor: str, chain_cols: list[str]) -> None:
    """Capex paid per year, stacked by chain when the split is known (else the total)."""
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = "Capex paid per year by chain (USD bn)"
    _axes(chart, "year", "capex paid (USD bn per year)")
    cols = [spend.col(c) for c in chain_cols] or [spend.col("spend USD bn")]
    chart.add_data(
        Reference(
            ws,
            min_col=min(cols),
            max_col=max(cols),
            min_row=spend.header_row,
            max_row=spend.last_row,
        ),
        titles_from_data=True,
    )
    chart.set_categories(
        Reference(ws, min_col=spend.first_col, min_row=spend.header_row + 1, max_row=spend.last_row)
    )
    chart.width, chart.height = 18, 9
    ws.add_chart(chart, anchor)


def timeline_chart(ws: Worksheet, placed: Placed, n_years: int, anchor: str) -> None:
    """Cutoff share (0-100%) per commodity, rows of the Timeline table, years as categories."""
    chart = LineChart()
    chart.title = "Share of demand servable without the rival, by commodity"
    _axes(chart, "year", "share of demand servable without the rival (%)")
    chart.y_axis.number_format = "0%"
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0.0, 1.0
    data = Reference(
        ws,
        min_col=placed.first_col,
        max_col=placed.first_col + n_years,
        min_row=placed.header_row + 1,
        max_row=placed.last_row,
    )
    chart.add_data(data, from_rows=True, titles_from_data=True)
    years_ref = Reference(
        ws,
        min_col=placed.first_col + 1,
        max_col=placed.first_col + n_years,
        min_row=placed.header_row,
        max_row=placed.header_row,
    )
    for series in chart.series:  # the year headers are text: categories by string reference
        series.cat = AxDataSource(strRef=StrRef(f=str(years_ref)))
    _straight_lines(chart)
    chart.width, chart.height = 22, 11
    ws.add_chart(chart, anchor)


def capacity_chart(
    ws: Worksheet, pivot: Placed, cols: list[str], unit: str, planner: str, anchor: str
) -> None:
    """The planner bloc's capacity of the stages measured in ``unit``, one line each."""
    chart = LineChart()
    chart.title = f"{planner} bloc capacity by stage, {unit} per year"
    _axes(chart, "year", f"capacity ({unit} per year)")
    chart.y_axis.scaling.min = 0
    for c in cols:
        chart.add_data(
            Reference(ws, min_col=pivot.col(c), min_row=pivot.header_row, max_row=pivot.last_row),
            titles_from_data=True,
        )
    chart.set_categories(
        Reference(ws, min_col=pivot.first_col, min_row=pivot.header_row + 1, max_row=pivot.last_row)
    )
    _straight_lines(chart)
    chart.width, chart.height = 20, 10
    ws.add_chart(chart, anchor)
