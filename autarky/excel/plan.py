"""plan.xlsx: one solved plan as a workbook an analyst can read, filter and chart.

Sheets, in order: Summary, Timeline, Investments, Capacity, Flows, Unserved, Shadow prices,
Game, then ``In_<table>`` for every input table as used (routes with wildcards expanded).
Every table is an Excel Table with filters; money is in USD bn (as in the terminal) unless a
header says otherwise; quantities carry their unit; shares are percentages. Charts are native
Excel charts (autarky.excel.plan_charts). A plan that cannot meet its targets is the relaxed
plan: the Summary says so in its title and shows the diagnosis first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from autarky.atomic import atomic_write
from autarky.excel.plan_charts import capacity_chart, spend_chart, timeline_chart
from autarky.excel.styles import (
    AMBER,
    HIGHLIGHT,
    RATIO,
    SHARE,
    TONNES,
    USD,
    USD_BN,
    YEAR,
    Placed,
    print_setup,
    write_note,
    write_table,
    write_title,
)
from network.cutoff import CHAIN
from network.dataset import Dataset
from network.schema import CHAINS, TABLES
from network.trust import headline_reliance, trust_counts, unverified_rows
from optimize.results import PlanResult
from optimize.sets import spend_profile

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

ASSUMPTION_NOTE = (
    "The figures in these rows are assumptions, not sourced data: check them before relying "
    "on results that depend on them."
)


@dataclass(frozen=True)
class Book:
    """What the sheet writers read: the plan, the dataset it was solved on, the game if run."""

    result: PlanResult
    data: Dataset
    game: object | None


def write_plan_workbook(
    path: Path, result: PlanResult, data: Dataset, game: object | None = None
) -> Path:
    """Write ``result`` as plan.xlsx at ``path``, atomically: on any error nothing new is left
    at ``path`` (an older file there stays as it was).

    ``game`` is optional; any object with a ``table`` DataFrame indexed by year (and optionally
    a ``window`` attribute naming the strategic window) is written to the Game sheet.
    """
    book = Book(result, data, game)
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


# ---------------------------------------------------------------------------------------
# derived tables


def chain_of_process(data: Dataset) -> pd.Series:
    """Supply chain of each process, via the chain of its output commodity."""
    return data.processes["output"].map(data.commodities["chain"])


def spend_table(r: PlanResult, data: Dataset) -> pd.DataFrame:
    """Capex paid per year (USD bn), split by chain when the builds' spend profiles add up to
    the plan's spend, plus the total and the per-year budget (when there is one)."""
    years = list(r.spend.index)
    out = pd.DataFrame({"year": years})
    by_chain: dict[str, dict[int, float]] = {}
    chains = chain_of_process(data)
    for (region, process, year), row in r.builds.iterrows():
        lead = int(data.capacity.loc[(region, process), "lead_time"])
        chain = str(chains[process])
        for t, frac in spend_profile(int(year), lead):
            by_chain.setdefault(chain, {}).setdefault(t, 0.0)
            by_chain[chain][t] += row["capex_usd"] * frac
    total = r.spend["spend_usd"]
    derived = sum(sum(v.values()) for v in by_chain.values())
    if abs(derived - total.sum()) <= 1e-6 * max(1.0, abs(total.sum())):
        for chain in sorted(by_chain, key=_chain_order):
            out[f"{chain} USD bn"] = [usd_bn(by_chain[chain].get(t, 0.0)) for t in years]
    out["spend USD bn"] = [usd_bn(x) for x in total]
    if r.spend["budget_usd"].notna().any():
        out["budget USD bn"] = [usd_bn(x) for x in r.spend["budget_usd"]]
    return out


def usd_bn(x: float) -> float:
    """USD -> USD bn.

    >>> usd_bn(2_500_000_000)
    2.5
    """
    return x / 1e9


def _chain_order(chain: str) -> tuple[int, str]:
    """Chains upstream first (schema order), unknown ones after, by name."""
    return (CHAINS.index(chain) if chain in CHAINS else len(CHAINS), chain)


def planner_capacity(r: PlanResult, data: Dataset) -> pd.DataFrame:
    """Capacity of the planner's bloc per output commodity (columns, stage order) and year."""
    regions = set(data.regions_of(r.scenario.planner))
    cap = r.capacity["capacity"].reset_index()
    cap = cap[cap["region"].isin(regions)]
    cap["commodity"] = cap["process"].map(data.processes["output"])
    wide = cap.pivot_table(
        index="year", columns="commodity", values="capacity", aggfunc="sum", fill_value=0.0
    )
    order = [c for c in data.commodities.index if c in wide.columns]
    wide = wide.reindex(index=r.scenario.years, columns=order, fill_value=0.0)
    wide.columns = [str(c) for c in wide.columns]
    return wide.rename_axis("year").reset_index()


def timeline_matrix(r: PlanResult) -> pd.DataFrame:
    """Cutoff share (0-1) per commodity (rows, chain-wide row included) and year (columns),
    then the self-sufficiency year."""
    share = r.cutoff["cutoff_share"].unstack("year")
    share = share.reindex(list(r.timeline.index))
    share.columns = [str(y) for y in share.columns]
    years = r.timeline["year"].map(lambda y: "never" if pd.isna(y) else int(y))
    out = share.assign(**{"self-sufficient from": years})
    return out.rename_axis("commodity").reset_index()


# ---------------------------------------------------------------------------------------
# sheets


def write_summary(ws: Worksheet, book: Book) -> None:
    r, sc = book.result, book.result.scenario
    top = 3
    if r.ok:
        write_title(ws, 1, f"Plan '{sc.name}': {sc.planner} without {sc.rival}")
    else:
        write_title(
            ws, 1, f"RELAXED PLAN '{sc.name}': {sc.planner} cannot meet its targets"
        ).font = Font(bold=True, size=14, color="C00000")
        top = write_diagnosis(ws, r, top)
    ws.freeze_panes = "A2"
    items: list[tuple[str, object, str]] = [
        ("scenario", sc.name, ""),
        ("description", sc.description, ""),
        ("planner bloc", sc.planner, ""),
        ("rival bloc", sc.rival, ""),
        ("horizon", f"{sc.horizon.first}-{sc.horizon.last}", ""),
        ("status", r.status.value, ""),
        ("discount rate", sc.discount_rate, "share"),
        ("self-sufficiency threshold", sc.threshold, "share"),
        ("neutral share", sc.neutral_share, "share"),
        ("total discounted cost", usd_bn(r.objective), "USD bn"),
        ("capex spent, undiscounted", usd_bn(float(r.spend["spend_usd"].sum())), "USD bn"),
        *answer_items(r),
    ]
    if book.game is not None:
        window = getattr(book.game, "window", None)
        items.append(("strategic window", window if window is not None else "see Game", ""))
    overview = write_table(
        ws, pd.DataFrame(items, columns=["item", "value", "unit"]), "Overview", top=top
    )
    for row in range(overview.header_row + 1, overview.last_row + 1):
        unit = ws.cell(row, 3).value
        ws.cell(row, 2).number_format = {"USD bn": USD_BN, "share": SHARE, "year": YEAR}.get(
            str(unit), "General"
        )
    top = overview.last_row + 2
    costs = pd.DataFrame(
        {"cost component": list(r.costs.index), "discounted USD bn": usd_bn(r.costs.to_numpy())}
    )
    placed = write_table(ws, costs, "Costs", top=top, formats={"discounted USD bn": USD_BN})
    top = placed.last_row + 2
    tl = r.timeline.reset_index()
    ss = pd.DataFrame(
        {
            "commodity": tl["commodity"],
            "self-sufficient from": tl["year"].map(lambda y: "never" if pd.isna(y) else int(y)),
            "share in last year": tl["share_last_year"],
        }
    )
    placed = write_table(
        ws,
        ss,
        "Self-sufficiency",
        top=top,
        formats={"share in last year": SHARE, "self-sufficient from": YEAR},
    )
    top = placed.last_row + 2
    placed = write_table(
        ws, key_shadow_prices(r), "Key shadow prices", top=top, formats={"year": YEAR}
    )
    for row in range(placed.header_row + 1, placed.last_row + 1):
        unit = ws.cell(row, placed.first_col + 3).value
        ws.cell(row, placed.first_col + 2).number_format = RATIO if unit == "USD per USD" else USD
    top = placed.last_row + 2
    write_title(ws, top, "Assumptions", size="heading")
    unverified = unverified_rows(book.data)
    write_note(
        ws,
        top + 1,
        ASSUMPTION_NOTE if len(unverified) else "No row of the dataset is tagged U (unverified).",
    ).font = AMBER
    counts = trust_counts(book.data).reset_index()
    placed = write_table(ws, counts, "RowsByTrust", top=top + 2)
    _align_numeric_headers(ws, placed, counts.columns[1:])
    for row in range(placed.header_row + 1, placed.last_row + 1):
        if ws.cell(row, placed.col("U")).value:
            ws.cell(row, placed.col("U")).font = AMBER
    write_note(
        ws,
        placed.last_row + 1,
        "Trust tags: P primary source, S secondary, D derived, U unverified (an assumption).",
    )
    reliance = headline_reliance(book.data).reset_index()
    placed = write_table(
        ws, reliance, "HeadlinesOnU", top=placed.last_row + 3, formats={"share U": SHARE}
    )
    _align_numeric_headers(ws, placed, ["U rows", "rows", "share U"])
    for row in range(placed.header_row + 1, placed.last_row + 1):
        ws.cell(row, placed.col("unverified inputs")).font = AMBER
    write_note(ws, placed.last_row + 1, "Every U row is listed on the sheet 'Assumptions'.")

    by_year = spend_table(r, book.data)
    spend = write_table(
        ws,
        by_year,
        "Spend",
        top=3,
        left=6,
        formats=dict.fromkeys(by_year.columns[1:], USD_BN) | {"year": YEAR},
    )
    chains = [c for c in by_year.columns[1:] if c not in ("spend USD bn", "budget USD bn")]
    spend_chart(ws, spend, f"F{spend.last_row + 3}", chains)


def write_diagnosis(ws: Worksheet, r: PlanResult, top: int) -> int:
    """Why the plan cannot be met, at ``top``; returns the next free row."""
    write_title(ws, top, "Why the plan cannot be met (the figures below are the relaxed plan's)",
                size="heading")
    diag = pd.DataFrame(
        [(d.kind, d.item, d.first_year, d.binding, d.message) for d in r.diagnosis],
        columns=["kind", "item", "first year", "what binds", "message"],
    )
    placed = write_table(ws, diag, "Diagnosis", top=top + 1, formats={"first year": YEAR})
    return placed.last_row + 2


def answer_items(r: PlanResult) -> list[tuple[str, object, str]]:
    """The answer block's rows (autarky.answer) as overview items."""
    from autarky.answer import answer

    return [(label, text, "") for label, text in answer(r).rows]


def _align_numeric_headers(ws: Worksheet, placed: Placed, columns: Iterable[str]) -> None:
    """Right-align the headers of numeric columns, over their right-aligned numbers."""
    for name in columns:
        ws.cell(placed.header_row, placed.col(name)).alignment = Alignment(horizontal="right")


def key_shadow_prices(r: PlanResult) -> pd.DataFrame:
    """Per target commodity the year its target is dearest (USD per percentage point of the
    cutoff share), and the year the per-year budget is tightest (value per USD)."""
    rows: list[tuple[str, object, float, str]] = []
    tp = r.target_prices
    if len(tp):
        for c, grp in tp["usd_per_pct_point"].groupby(level="commodity", sort=False):
            (_, year), value = grp.idxmax(), grp.max()
            if value > 0:
                rows.append((f"target {c}", int(year), float(value), "USD per pct point"))
    bp = r.budget_prices
    if len(bp):
        for budget, grp in bp["usd_per_usd"].groupby(level="budget", sort=False):
            if grp.max() > 0:
                (_, year), value = grp.idxmax(), float(grp.max())
                rows.append((f"{budget} budget", int(year), value, "USD per USD"))
    if not rows:
        rows.append(("no target or budget binds", None, 0.0, ""))
    return pd.DataFrame(rows, columns=["constraint", "year", "shadow price", "unit"])


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
    game = book.game
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
