"""plan.xlsx's Summary sheet and the derived tables behind it and the other sheets: the answer
and overview (USD bn, shares, years), costs, independence per commodity, key shadow prices,
the data's trust, capex per year by chain and its chart; a relaxed plan's diagnosis first.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pandas as pd
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from autarky.excel.plan_charts import spend_chart
from autarky.excel.styles import (
    AMBER,
    RATIO,
    SHARE,
    USD,
    USD_BN,
    YEAR,
    Placed,
    write_note,
    write_table,
    write_title,
)
from network.dataset import Dataset
from network.schema import CHAINS
from network.trust import headline_reliance, trust_counts, unverified_rows
from optimize.plan.results import PlanResult
from optimize.plan.sets import spend_profile

if TYPE_CHECKING:
    from autarky.excel.plan import Book

ASSUMPTION_NOTE = (
    "The figures in these rows are assumptions, not sourced data: check them before relying "
    "on results that depend on them."
)


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
    then the self-sufficiency year in the plan and, when searched, the earliest possible year
    and the limit that binds it."""
    share = r.cutoff["cutoff_share"].unstack("year")
    share = share.reindex(list(r.timeline.index))
    share.columns = [str(y) for y in share.columns]
    years = r.timeline["year"].map(lambda y: "never" if pd.isna(y) else int(y))
    out = share.assign(**{"self-sufficient from": years})
    ind = getattr(r, "independence", None)
    if ind is not None and len(ind) and ind["earliest_year"].notna().any():
        early = ind["earliest_year"].reindex(out.index)
        out["earliest possible"] = early.map(lambda y: "never" if pd.isna(y) else int(y))
        out["what keeps it from being earlier"] = ind["binding"].reindex(out.index).fillna("")
    return out.rename_axis("commodity").reset_index()


# ---------------------------------------------------------------------------------------
# sheets


def write_summary(ws: Worksheet, book: Book) -> None:
    r, sc = book.result, book.result.scenario
    name = book.name or sc.name
    plan = "" if name == sc.name else f" ({sc.planner} plan '{sc.name}')"
    top = 3
    if r.ok:
        write_title(ws, 1, f"Plan '{name}'{plan}: {sc.planner} without {sc.rival}")
    else:
        write_title(
            ws, 1, f"RELAXED PLAN '{name}'{plan}: {sc.planner} cannot meet its targets"
        ).font = Font(bold=True, size=14, color="C00000")
        top = write_diagnosis(ws, r, top)
    ws.freeze_panes = "A2"
    items: list[tuple[str, object, str]] = [
        ("scenario", name, ""),
        ("description", sc.description, ""),
        ("planner bloc", sc.planner, ""),
        ("rival bloc", sc.rival, ""),
        ("horizon", f"{sc.horizon.first}-{sc.horizon.last}", ""),
        ("status", r.status.value, ""),
        ("discount rate", sc.discount_rate, "share"),
        ("self-sufficiency threshold", sc.threshold, "share"),
        ("neutral share", sc.neutral_share, "share"),
        *(
            []
            if sc.fast_track is None
            else [
                (
                    "fast-tracking premium",
                    sc.fast_track.premium,
                    f"share of capex ({sc.fast_track.source or 'no source given'})",
                )
            ]
        ),
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
        kind = "share" if str(unit).startswith("share") else str(unit)
        ws.cell(row, 2).number_format = {"USD bn": USD_BN, "share": SHARE, "year": YEAR}.get(
            kind, "General"
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
    write_title(
        ws,
        top,
        "Why the plan cannot be met (the figures below are the relaxed plan's)",
        size="heading",
    )
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
