"""Terminal report of plan results (rich), in the units analysts use, for 80 columns.

:func:`run_report` opens with the answer (:mod:`autarky.answer`), then compact tables; with
``verbose`` every table. An infeasible plan leads with its diagnosis and is marked relaxed.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from rich import box
from rich.console import RenderableType
from rich.table import Table

from network.trust import trust_lines
from optimize.plan.results import PlanResult


def usd_bn(x: float) -> str:
    """'1.23' (USD bn) from USD.

    >>> usd_bn(1_234_000_000)
    '1.234'
    """
    return "-" if x != x else f"{x / 1e9:,.3f}"


def pct(x: float) -> str:
    return "-" if x is None or x != x else f"{100 * x:.1f}%"


def summary_table(r: PlanResult) -> Table:
    """Discounted cost by component and the undiscounted capex (USD bn)."""
    relaxed = "" if r.ok else " (RELAXED plan: targets not met)"
    t = Table(title=f"Costs, USD bn{relaxed}", show_header=False, box=box.SIMPLE)
    t.add_row("discounted system cost", usd_bn(r.objective))
    for k, v in r.costs.items():
        t.add_row(f"  {k}", usd_bn(v))
    t.add_row("capex spent, undiscounted", usd_bn(float(r.spend["spend_usd"].sum())))
    return t


def builds_table(r: PlanResult, top: int | None = 15) -> Table:
    """New capacity by region and process over the horizon, largest capex first, full process
    names (capacity is in plan.xlsx, with its unit: units differ between processes)."""
    b = r.builds.reset_index()
    g = (
        b.groupby(["region", "process"])
        .agg(
            start=("year", "min"),
            online=("online_year", "min"),
            capex=("capex_usd", "sum"),
            capacity=("capacity", "sum"),
            fast=("fast_tracked", "sum"),
        )
        .sort_values("capex", ascending=False)
    )
    fast = bool((g["fast"] > 0).any())
    shown = g if top is None else g.head(top)
    more = "" if top is None or len(g) <= top else f", top {top} of {len(g)}"
    t = Table(title=f"Builds, largest capex first{more}", box=box.SIMPLE_HEAD)
    cols = ["region", "process", "starts", "online", "capex USD bn"]
    cols += ["fast"] if fast else []
    for col in cols:
        t.add_column(col, justify="left" if col in ("region", "process") else "right")
    for (reg, proc), row in shown.iterrows():
        cells = [reg, proc, str(int(row["start"])), str(int(row["online"])), usd_bn(row["capex"])]
        if fast:
            cells.append(f"{row['fast'] / row['capacity']:.0%}" if row["capacity"] > 0 else "")
        t.add_row(*cells)
    t.caption = "starts, online: the first year"
    if fast:
        t.caption = (
            "starts, online: first year; fast: share of the capacity fast-tracked (its fast lead "
            "time, at a premium)"
        )
    return t


def earliest_table(df: pd.DataFrame, title: str) -> Table:
    t = Table(title=title)
    for col in ("commodity", "earliest year", "what binds before it"):
        t.add_column(col)
    for c, row in df.iterrows():
        y = (
            "not within horizon"
            if pd.isna(row["earliest_year"])
            else str(int(row["earliest_year"]))
        )
        t.add_row(str(c), y, row["binding"])
    return t


def race_tables(result: Any) -> list[Table | str]:
    """The race as analysts read it: the game year by year along the final plans, the
    iterations of the feedback loop, the window, any concession and how the loop ended."""
    t = Table(title="The game along the final plans")
    for col in ("year", "US dep.", "CN dep.", "US plays", "CN plays", "stage equilibria", "regime"):
        t.add_column(col, justify="right" if "dep." in col else "left")
    for year, r in result.table.iterrows():
        eqs = r.stage_equilibrium + (f" (also: {r.other_equilibria})" if r.other_equilibria else "")
        regime = r.regime + (f", {r.leader} leads" if r.leader else "")
        t.add_row(
            str(year),
            pct(r.us_dependence),
            pct(r.cn_dependence),
            r.us_strategy,
            r.cn_strategy,
            eqs,
            regime + (" (conceded)" if r.conceded else ""),
        )
    t2 = Table(title="Iterations (the cutoff likelihood each plan priced, from the game)")
    for col in (
        "iteration",
        "US plan prices",
        "CN plan prices",
        "US chain year",
        "CN chain year",
        "change of p",
    ):
        t2.add_column(col)
    from optimize.game.result import likelihood_text

    changes = list(getattr(result, "changes", []))
    for k, it in enumerate(result.iterations):
        priced = {side: likelihood_text(it.likelihood(side)) for side in ("US", "CN")}
        years = it.chain_year
        t2.add_row(
            str(it.index),
            priced["US"],
            priced["CN"],
            str(years["US"] or "never"),
            str(years["CN"] or "never"),
            f"{changes[k]:.3g}" if k < len(changes) else "",
        )
    lines: list[Table | str] = [t, t2]
    w = result.window
    lines.append(
        "strategic window: "
        + ("none" if w is None else f"{w.leader} leads {w.start}-{w.end} ({w.years} years)")
    )
    if result.game.concession is not None:
        c = result.game.concession
        lines.append(
            f"concession: {c.side} gives in in {c.year} "
            f"(cumulative loss {c.cumulative_loss:,.1f} > tolerance {c.tolerance:,.1f} USD bn)"
        )
    lines.append(result.verdict)
    return lines


# ---------------------------------------------------------------------------------------
# the run report: answer first, compact tables, the rest with -v


def run_report(
    r: PlanResult | None,
    race: Any = None,
    verbose: bool = False,
    name: str | None = None,
    trust: dict[str, Any] | None = None,
) -> list[RenderableType]:
    """What ``autarky run`` prints: the diagnosis of an infeasible plan, the answer block,
    the independence table, the largest builds, the game in one line; with ``verbose`` also
    the costs, every build, the rival's timeline, the game year by year and its iterations.
    ``trust`` (summary.json's counts of data rows by trust tag) adds what the headline answers
    rest on: :func:`network.trust.trust_lines`."""
    from autarky.answer import answer_panel, diagnosis_lines, independence_table

    if r is None:
        return []
    items: list[RenderableType] = [*diagnosis_lines(r, race)]
    items.append(answer_panel(r, race, name))
    items.append(independence_table(r))
    if verbose:
        items.append(summary_table(r))
    if len(r.builds):
        items.append(builds_table(r, top=None if verbose else 8))
    if race is not None:
        if verbose:
            items.append(independence_table(race.cn_plan))
            items.extend(race_tables(race))
        else:
            items.append(regime_line(race))
    items.extend(trust_lines(trust))
    if not verbose:
        items.append("[dim]-v for every table: costs, all builds, the game year by year[/dim]")
    return items


def regime_line(race: Any) -> str:
    """The regime path as runs of years, e.g. '2025-2026 stalemate; 2027-2040 trade'."""
    runs: list[list[Any]] = []
    for year, row in race.table.iterrows():
        regime = str(row.regime) + (", conceded" if row.conceded else "")
        if runs and runs[-1][2] == regime and runs[-1][1] == int(year) - 1:
            runs[-1][1] = int(year)
        else:
            runs.append([int(year), int(year), regime])
    text = "; ".join(f"{a}-{b} {g}" if a != b else f"{a} {g}" for a, b, g in runs)
    return f"Game path: {text}"
