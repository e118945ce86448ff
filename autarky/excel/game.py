"""The race workbook: both plans, the game year by year with its chart, and how the loop ended.

Sheets, in order: Race (what was run, how the loop ended, both plans named by side with the
likelihood of restriction each priced and the hard restrictions it faced, the multipliers with
their sources), Game (per year: dependence and likelihoods as percentages, play, regime, the
payoff parts in USD bn; a chart of both dependence paths with the strategic window shaded),
Loop (per iteration: largest change of p, gap, chain years), then each side's plan sheets
prefixed 'US ' and 'CN ' (autarky.excel.plan's writers), then the input tables as used (once
when both plans share a dataset, else per side).

``write_race_game`` also fills the Game sheet of a plain plan.xlsx when it is given a race.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.axis import ChartLines
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.worksheet.worksheet import Worksheet

from autarky.atomic import atomic_write
from autarky.excel.styles import (
    SHARE,
    USD_BN,
    YEAR,
    Placed,
    print_setup,
    write_note,
    write_table,
    write_title,
)
from network.dataset import Dataset
from network.schema import TABLES
from optimize.game.result import PART_SOURCES, RaceResult, likelihood_text

SIDES = ("US", "CN")
PART_LABELS = {
    "lost_supply": "lost supply",
    "parallel_chain": "parallel chain",
    "damage": "damage suffered",
    "rent": "rent from restricting",
    "forgone_exports": "forgone exports",
    "escalation": "escalation",
}
WINDOW_FILL = "FCE4D6"  # light orange: the strategic window's years


def is_race(game: object) -> bool:
    """True for a race result (not a stub or a bare table)."""
    return isinstance(game, RaceResult)


def yes(flag: object) -> str:
    """Booleans as words in cells: 'yes' or ''."""
    return "yes" if bool(flag) else ""


def game_frame(race: RaceResult) -> pd.DataFrame:
    """The Game sheet's table: one row per year, readable headers, shares as 0-1 (formatted as
    percentages), money in USD bn."""
    path = race.game.path
    window_years = {y for w in race.game.windows for y in range(w.start, w.end + 1)}
    table = race.table
    df = pd.DataFrame({"year": [int(y) for y in path.index]})
    for side in SIDES:
        key = side.lower()
        df[f"{side} dependence"] = path[f"{key}_dependence"].to_numpy(float)
    for side in SIDES:
        df[f"{side} plan priced restriction"] = table[f"{side.lower()}_likelihood"].to_numpy(float)
    for side in SIDES:
        df[f"{side} plays"] = path[f"{side.lower()}_strategy"].astype(str).to_numpy()
    for side in SIDES:
        df[f"{side} restricts"] = path[f"{side.lower()}_intensity"].to_numpy(float)
    df["regime"] = path["regime"].map(str).to_numpy()
    df["leader"] = path["leader"].astype(str).to_numpy()
    df["window"] = [1 if int(y) in window_years else 0 for y in path.index]
    df["pinned"] = [yes(v) for v in path["pinned"]]
    df["conceded"] = [yes(v) for v in path["conceded"]]
    df["stage equilibrium"] = table["stage_equilibrium"].to_numpy()
    df["other equilibria"] = table["other_equilibria"].to_numpy()
    return df


def parts_frame(race: RaceResult) -> pd.DataFrame:
    """Each side's payoff parts per year at full intensity, USD bn."""
    parts = race.game.parts
    df = pd.DataFrame({"year": [int(y) for y in parts.index]})
    for side in SIDES:
        for part, label in PART_LABELS.items():
            df[f"{side} {label} USD bn"] = parts[f"{side.lower()}_{part}"].to_numpy(float)
    return df


def game_formats(df: pd.DataFrame) -> dict[str, str]:
    out = {"year": YEAR, "window": "0"}
    for c in df.columns:
        if c.endswith("USD bn"):
            out[c] = USD_BN
        elif c.endswith(("dependence", "priced restriction", "restricts")):
            out[c] = SHARE
    return out


def dependence_chart(ws: Worksheet, placed: Placed, anchor: str) -> None:
    """Both dependence paths as lines over the years, the window's years as shaded columns."""
    years = Reference(
        ws, min_col=placed.first_col, min_row=placed.header_row + 1, max_row=placed.last_row
    )
    shade = BarChart()
    shade.type = "col"
    shade.gapWidth = 0
    col = placed.col("window")
    shade.add_data(
        Reference(ws, min_col=col, min_row=placed.header_row, max_row=placed.last_row),
        titles_from_data=True,
    )
    shade.series[0].graphicalProperties = GraphicalProperties(solidFill=WINDOW_FILL)
    shade.series[0].graphicalProperties.line.noFill = True
    shade.set_categories(years)
    lines = LineChart()
    first = placed.col("US dependence")
    lines.add_data(
        Reference(
            ws, min_col=first, max_col=first + 1, min_row=placed.header_row, max_row=placed.last_row
        ),
        titles_from_data=True,
    )
    for i, s in enumerate(lines.series):
        s.smooth = False
        s.marker.symbol = ("circle", "diamond")[i]
        s.marker.size = 6
    lines.set_categories(years)
    shade.title = "Dependence on the rival (1 - cutoff share); shaded: the strategic window"
    shade.x_axis.title = "year"
    shade.y_axis.title = "dependence (share of critical demand)"
    shade.y_axis.scaling.min = 0.0
    shade.y_axis.scaling.max = 1.0
    shade.y_axis.number_format = "0%"
    shade.y_axis.majorGridlines = ChartLines()
    shade.x_axis.delete = False
    shade.y_axis.delete = False
    shade.legend.position = "b"
    shade += lines  # one plot area, one axis pair
    shade.width, shade.height = 22, 10
    ws.add_chart(shade, anchor)


def write_race_game(ws: Worksheet, race: RaceResult) -> None:
    """The Game sheet of a race: title, how the loop ended, the chart, the year table."""
    w = race.window
    write_title(ws, 1, f"The game along the final plans: {race.verdict}")
    write_note(
        ws,
        2,
        "strategic window: "
        + (str(w) if w is not None else "none")
        + (f"; concession: {race.game.concession}" if race.game.concession is not None else ""),
    )
    df = game_frame(race)
    top = 24  # the chart above the table
    placed = write_table(ws, df, "Game", top=top, formats=game_formats(df))
    dependence_chart(ws, placed, "A4")
    row = placed.last_row + 2
    write_title(ws, row, "Payoff parts per year at full intensity (USD bn a year)", size="heading")
    parts = parts_frame(race)
    placed = write_table(ws, parts, "Payoff parts", top=row + 1, formats=game_formats(parts))
    row = placed.last_row + 2
    for k, v in PART_SOURCES.items():
        write_note(ws, row, f"{PART_LABELS[k]}: {v}")
        row += 1
    ws.freeze_panes = ws.cell(top + 1, 2)


def race_items(race: RaceResult) -> pd.DataFrame:
    last = race.final
    pins = sorted(int(y) for y in race.game.path.index[race.game.path["pinned"]])
    c = race.game.concession
    items = [
        ("method", race.method),
        ("how the loop ended", race.verdict),
        ("iterations (re-plans after the first)", len(race.iterations) - 1),
        ("strategic window", str(race.window) if race.window is not None else "none"),
        ("concession", str(c) if c is not None else "none"),
        ("pinned years", ", ".join(map(str, pins)) or "none"),
        ("largest change of p, last iteration", race.changes[-1] if race.changes else 0.0),
        ("gap |G - P|, last iteration", last.residual),
    ]
    return pd.DataFrame(items, columns=["item", "value"])


def plans_frame(race: RaceResult) -> pd.DataFrame:
    rows = []
    for side in SIDES:
        plan = race.final.plans[side]
        coi = plan.cost_of_independence
        rows.append(
            {
                "side": side,
                "plan": plan.scenario.name,
                "rival": plan.scenario.rival,
                "restriction priced (likelihood by year)": likelihood_text(
                    race.final.likelihood(side)
                ),
                "hard restrictions faced": "; ".join(
                    r.name or ", ".join(r.commodities) for r in race.final.restrictions[side]
                )
                or "none",
                "status": plan.status.value,
                "independent from": plan.chain_year if plan.chain_year is not None else "never",
                "cost of independence USD bn": None if coi is None else coi.discounted_usd_bn,
                "dependence-years": plan.dependence_years,
            }
        )
    return pd.DataFrame(rows)


def write_race_sheet(ws: Worksheet, race: RaceResult, name: str) -> None:
    write_title(ws, 1, f"Race '{name}': the US-side and China-side plans and their game")
    placed = write_table(ws, race_items(race), "Race", top=3)
    for row in range(placed.header_row + 1, placed.last_row + 1):
        if isinstance(ws.cell(row, 2).value, float):
            ws.cell(row, 2).number_format = "0.000"
    top = placed.last_row + 2
    write_title(
        ws, top, "Both plans (each named by its side; sheets 'US ...' and 'CN ...')", size="heading"
    )
    placed = write_table(
        ws,
        plans_frame(race),
        "Plans",
        top=top + 1,
        formats={
            "cost of independence USD bn": USD_BN,
            "dependence-years": "0.00",
            "independent from": YEAR,
        },
    )
    top = placed.last_row + 2
    write_title(
        ws, top, "Sanction effectiveness against the target's speed (final plans)", size="heading"
    )
    eff = race.effectiveness().reset_index()
    eff["target_independent_from"] = [
        "never" if y is None or y != y else int(y) for y in eff["target_independent_from"]
    ]
    eff.columns = [
        "sender",
        "target",
        "discounted damage of a full restriction USD bn",
        "target's dependence-years",
        "target independent from",
    ]
    placed = write_table(
        ws,
        eff,
        "Effectiveness",
        top=top + 1,
        formats={
            "discounted damage of a full restriction USD bn": USD_BN,
            "target's dependence-years": "0.00",
            "target independent from": YEAR,
        },
    )
    top = placed.last_row + 2
    write_title(
        ws, top, "Multipliers and tolerances (data/game/payoffs.csv and overrides)", size="heading"
    )
    params = race.params
    rows = [
        (k, float(getattr(params, k)), params.sources.get(k, "race override or default"))
        for k in (
            "damage_multiplier",
            "rent_share",
            "export_loss_share",
            "price_share",
            "parallel_chain_multiplier",
            "escalation_cost",
            "us_tolerance",
            "cn_tolerance",
            "threshold",
            "likelihood_floor",
            "discount_rate",
        )
    ]
    frame = pd.DataFrame(rows, columns=["parameter", "value", "source"])
    frame["value"] = [v if v != float("inf") else "none (no concession)" for v in frame["value"]]
    placed = write_table(ws, frame, "Multipliers", top=top + 1)
    for row in range(placed.header_row + 1, placed.last_row + 1):
        ws.cell(row, 2).number_format = "0.###"
    ws.freeze_panes = "A2"


def write_loop_sheet(ws: Worksheet, race: RaceResult) -> None:
    conv = race.convergence().reset_index()
    conv["us_chain_year"] = [
        y if y is not None and y == y else "never" for y in conv["us_chain_year"]
    ]
    conv["cn_chain_year"] = [
        y if y is not None and y == y else "never" for y in conv["cn_chain_year"]
    ]
    conv.columns = [
        "iteration",
        "largest change of p",
        "gap |G - P|",
        "US independent from",
        "CN independent from",
        "seconds",
    ]
    conv["US plan priced"] = [likelihood_text(it.likelihood("US")) for it in race.iterations]
    conv["CN plan priced"] = [likelihood_text(it.likelihood("CN")) for it in race.iterations]
    write_title(ws, 1, f"The loop ({race.method}): {race.verdict}")
    write_table(
        ws,
        conv,
        "Loop",
        top=3,
        formats={"largest change of p": "0.000", "gap |G - P|": "0.000", "seconds": "0.0"},
    )
    ws.freeze_panes = "B4"


def write_race_workbook(path: Path, race: RaceResult, data: dict[str, Dataset], name: str) -> Path:
    """Write the race workbook at ``path``, atomically (module docstring)."""
    from autarky.excel.plan import SHEET_WRITERS, Book, write_input_sheet

    with atomic_write(path) as tmp:
        wb = Workbook()
        wb.remove(wb.active)
        write_race_sheet(wb.create_sheet("Race"), race, name)
        write_race_game(wb.create_sheet("Game"), race)
        write_loop_sheet(wb.create_sheet("Loop"), race)
        for side in SIDES:
            plan = race.final.plans[side]
            book = Book(plan, data[side], None, plan.scenario.name)
            for sheet, writer in SHEET_WRITERS:
                if sheet != "Game":
                    writer(wb.create_sheet(f"{side} {sheet}"), book)
        shared = data["US"] is data["CN"]
        for side in ("US",) if shared else SIDES:
            book = Book(race.final.plans[side], data[side], None)
            for spec in TABLES:
                title = f"In_{spec.name}" if shared else f"{side} In_{spec.name}"
                write_input_sheet(wb.create_sheet(title[:31]), book, spec.name)
        for ws in wb.worksheets:
            print_setup(ws)
        wb.save(tmp)
    return Path(path)


def race_sheet_names(shared: bool = True) -> list[str]:
    """Sheet names of the race workbook, in order."""
    from autarky.excel.plan import SHEET_WRITERS

    core = [s for s, _ in SHEET_WRITERS if s != "Game"]
    names = ["Race", "Game", "Loop"] + [f"{side} {s}" for side in SIDES for s in core]
    inputs = (
        [f"In_{t.name}" for t in TABLES]
        if shared
        else [f"{side} In_{t.name}"[:31] for side in SIDES for t in TABLES]
    )
    return names + inputs


__all__ = ["write_race_workbook", "write_race_game", "is_race", "race_sheet_names"]
