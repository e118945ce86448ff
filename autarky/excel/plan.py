"""plan.xlsx: one solved plan as a workbook an analyst can read, filter and chart.

Sheets, in order: Summary, Timeline, Investments, Capacity, Flows, Unserved, Shadow prices,
Game, then ``In_<table>`` for every input table as used (routes with wildcards expanded).
Every table is an Excel Table with filters; money is in USD bn (as in the terminal) unless a
header says otherwise; quantities carry their unit; shares are percentages. Charts are native
Excel charts (autarky.excel.plan_charts). A plan that cannot meet its targets is the relaxed
plan: the Summary says so in its title and shows the diagnosis first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from autarky.atomic import atomic_write
from autarky.excel.plan_charts import capacity_chart, timeline_chart
from autarky.excel.plan_summary import (
    chain_of_process,
    planner_capacity,
    spend_table,
    timeline_matrix,
    usd_bn,
    write_summary,
)
from autarky.excel.styles import (
    AMBER,
    HIGHLIGHT,
    RATIO,
    SHARE,
    TONNES,
    USD,
    YEAR,
    print_setup,
    write_note,
    write_table,
    write_title,
)
from network.cutoff import CHAIN
from network.dataset import Dataset
from network.schema import TABLES
from network.trust import unverified_rows
from optimize.plan.results import PlanResult

CORE_SHEETS = (
    "Summary",
    "Timeline",
    "Investments",
    "Capacity",
    "Flows",
    "Unserved",
    "Shadow prices",
    "Game",
    "Assumptions",
)
INPUT_SHEETS = tuple(f"In_{t.name}" for t in TABLES)
PLAN_SHEETS = CORE_SHEETS + INPUT_SHEETS
"""Sheet names of plan.xlsx, in order (all <= 31 characters)."""
__all__ = ["PLAN_SHEETS", "Book", "spend_table", "write_plan_workbook"]


@dataclass(frozen=True)
class Book:
    """What the sheet writers read: the plan, the dataset it was solved on, the game if run."""

    result: PlanResult
    data: Dataset
    game: object | None
    name: str | None = None  # the job's scenario name (a race's, not its US plan's)


def write_plan_workbook(
    path: Path,
    result: PlanResult,
    data: Dataset,
    game: object | None = None,
    name: str | None = None,
) -> Path:
    """Write ``result`` as plan.xlsx at ``path``, atomically: on any error nothing new is left
    at ``path`` (an older file there stays as it was).

    ``game`` is optional; any object with a ``table`` DataFrame indexed by year (and optionally
    a ``window`` attribute naming the strategic window) is written to the Game sheet.
    """
    book = Book(result, data, game, name)
    with atomic_write(path) as tmp:
        wb = Workbook()
        wb.remove(wb.active)
        for name, writer in SHEET_WRITERS:
            writer(wb.create_sheet(name), book)
        for spec in TABLES:
            write_input_sheet(wb.create_sheet(f"In_{spec.name}"), book, spec.name)
        for ws in wb.worksheets:
            print_setup(ws)
        wb.save(tmp)
    return Path(path)


def write_timeline(ws: Worksheet, book: Book) -> None:
    r, sc = book.result, book.result.scenario
    df = timeline_matrix(r)
    years = [c for c in df.columns if c.isdigit()]
    placed = write_table(ws, df, "Timeline", formats=dict.fromkeys(years, SHARE))
    ws.freeze_panes = "B2"
    for i, year in enumerate(df["self-sufficient from"], start=placed.header_row + 1):
        if year != "never" and str(year) in years:
            ws.cell(i, placed.col(str(year))).fill = HIGHLIGHT
    note = placed.last_row + 2
    write_note(
        ws,
        note,
        (
            f"Cutoff share: the part of the {sc.planner} bloc's demand for each critical commodity "
            f"that could still be served if {sc.rival} supplied nothing (neutral regions at "
            f"{sc.neutral_share:.0%} of their capacity). '{CHAIN}' is the whole chain at once."
        ),
    )
    write_note(
        ws,
        note + 1,
        (
            f"Highlighted: the self-sufficiency year, from which the share stays at or above the "
            f"threshold of {sc.threshold:.1%} to the end of the horizon."
        ),
    )
    timeline_chart(ws, placed, len(years), f"A{note + 3}")


def write_investments(ws: Worksheet, book: Book) -> None:
    r, data = book.result, book.data
    b = r.builds.reset_index()
    df = pd.DataFrame(
        {
            "region": b["region"],
            "process": b["process"],
            "commodity": b["commodity"],
            "chain": b["process"].map(chain_of_process(data)),
            "start year": b["year"],
            "online year": b["online_year"],
            "capacity per year": b["capacity"],
            "of which fast-tracked": b["fast_tracked"],
            "unit": b["commodity"].map(data.commodities["unit"]),
            "capex USD bn": usd_bn(b["capex_usd"]),
        }
    ).sort_values(["start year", "region", "process"], kind="stable")
    write_table(
        ws,
        df,
        "Investments",
        formats={
            "start year": YEAR,
            "online year": YEAR,
            "capacity per year": TONNES,
            "of which fast-tracked": TONNES,
            "capex USD bn": "#,##0.000",
        },
    )
    ws.freeze_panes = "A2"


def write_capacity(ws: Worksheet, book: Book) -> None:
    r, data = book.result, book.data
    c = r.capacity.reset_index()
    df = pd.DataFrame(
        {
            "region": c["region"],
            "bloc": c["region"].map(data.regions["bloc"]),
            "process": c["process"],
            "commodity": c["process"].map(data.processes["output"]),
            "year": c["year"],
            "capacity per year": c["capacity"],
            "new capacity per year": c["new_capacity"],
        }
    )
    df["unit"] = df["commodity"].map(data.commodities["unit"])
    placed = write_table(
        ws,
        df,
        "Capacity",
        formats={"year": YEAR, "capacity per year": TONNES, "new capacity per year": TONNES},
    )
    ws.freeze_panes = "A2"
    units = data.commodities["unit"]
    wide = planner_capacity(r, data)
    unit_of = {c: str(units.get(c, "units")) for c in wide.columns[1:]}
    wide = wide.rename(columns={c: f"{c} ({u}/yr)" for c, u in unit_of.items()})
    left = placed.last_col + 2
    pivot = write_table(
        ws,
        wide,
        f"Capacity {r.scenario.planner}",
        left=left,
        formats={c: TONNES for c in wide.columns[1:]} | {"year": YEAR},
    )
    by_unit: dict[str, list[str]] = {}
    for c, u in unit_of.items():
        by_unit.setdefault(u, []).append(f"{c} ({u}/yr)")
    row = pivot.last_row + 2
    for unit, cols in by_unit.items():  # one unit per chart: tonnes never stack with wafers
        capacity_chart(ws, pivot, cols, unit, r.scenario.planner, ws.cell(row, left).coordinate)
        row += 22


def write_flows(ws: Worksheet, book: Book) -> None:
    f = book.result.flows.reset_index()
    f["unit"] = f["commodity"].map(book.data.commodities["unit"])
    write_table(ws, f, "Flows", formats={"year": YEAR, "flow": TONNES})
    ws.freeze_panes = "A2"


def write_unserved(ws: Worksheet, book: Book) -> None:
    u = book.result.unserved.reset_index()
    u["unit"] = u["commodity"].map(book.data.commodities["unit"])
    u["unserved share"] = (u["unserved"] / u["demand"]).where(u["demand"] > 0, 0.0)
    write_table(
        ws,
        u,
        "Unserved",
        formats={"year": YEAR, "demand": TONNES, "unserved": TONNES, "unserved share": SHARE},
    )
    ws.freeze_panes = "A2"


def write_shadow_prices(ws: Worksheet, book: Book) -> None:
    r = book.result
    tp = r.target_prices.reset_index().rename(
        columns={"usd_per_unit": "USD per unit", "usd_per_pct_point": "USD per pct point"}
    )
    t = write_table(
        ws,
        tp,
        "Target prices",
        formats={"year": YEAR, "USD per unit": USD, "USD per pct point": USD},
    )
    bp = r.budget_prices.reset_index().rename(columns={"usd_per_usd": "value per USD"})
    b = write_table(
        ws, bp, "Budget prices", left=t.last_col + 2, formats={"year": YEAR, "value per USD": RATIO}
    )
    ws.freeze_panes = "A2"
    row = max(t.last_row, b.last_row) + 2
    write_note(
        ws,
        row,
        "Target prices: what one more unit (or percentage point) of required "
        "cutoff supply would add to the discounted cost, in USD.",
    )
    write_note(
        ws,
        row + 1,
        "Budget prices: the fall in discounted cost one more USD of budget "
        "in that year would bring.",
    )


def write_game(ws: Worksheet, book: Book) -> None:
    from autarky.excel.game import is_race, write_race_game

    game = book.game
    if is_race(game):  # a race: formatted, with the dependence chart (autarky.excel.game)
        write_race_game(ws, game)  # type: ignore[arg-type]
        return
    table = getattr(game, "table", None)
    if game is None or not isinstance(table, pd.DataFrame):
        write_title(ws, 1, "The bargaining game was not run for this plan.")
        write_note(ws, 2, "Run the plan with the game to fill this sheet.")
        ws.freeze_panes = "A2"
        return
    df = table.copy()
    df.columns = [str(c) for c in df.columns]
    df = df.rename_axis("year").reset_index()
    write_table(ws, df, "Game", formats={"year": YEAR})
    ws.freeze_panes = "B2"


def write_input_sheet(ws: Worksheet, book: Book, table: str) -> None:
    """One input table as used by the plan, with its source column (assumptions in amber)."""
    spec = next(t for t in TABLES if t.name == table)
    df = getattr(book.data, table).reset_index()
    cols = [c for c in spec.column_names if c in df.columns]
    placed = write_table(ws, df[cols], f"In {table}")
    ws.freeze_panes = "A2"
    if "source" in cols and len(df):
        src = placed.col("source")
        for row in range(placed.header_row + 1, placed.last_row + 1):
            if str(ws.cell(row, src).value or "").lower().startswith("assumption"):
                ws.cell(row, src).font = AMBER


def write_assumptions(ws: Worksheet, book: Book) -> None:
    """Every dataset row tagged U (unverified), and every capacity row whose build parameters
    are, in amber (the Summary sheet counts rows by trust tag)."""
    rows = unverified_rows(book.data)
    if not len(rows):
        write_note(ws, 1, "No row of the dataset is tagged U (unverified).")
        ws.freeze_panes = "A2"
        return
    placed = write_table(ws, rows, "Assumptions", top=1)
    for row in range(placed.header_row + 1, placed.last_row + 1):
        for col in range(1, 5):
            ws.cell(row, col).font = AMBER
    ws.column_dimensions["D"].width = 120
    ws.freeze_panes = ws.cell(placed.header_row + 1, 1)


SHEET_WRITERS: tuple[tuple[str, Callable[[Worksheet, Book], None]], ...] = (
    ("Summary", write_summary),
    ("Timeline", write_timeline),
    ("Investments", write_investments),
    ("Capacity", write_capacity),
    ("Flows", write_flows),
    ("Unserved", write_unserved),
    ("Shadow prices", write_shadow_prices),
    ("Game", write_game),
    ("Assumptions", write_assumptions),
)
