"""Terminal tables for plan results (rich), in the units analysts use."""

from __future__ import annotations

from typing import Any

import pandas as pd
from rich.table import Table

from network.cutoff import CHAIN
from optimize.results import PlanResult


def usd_bn(x: float) -> str:
    """'1.23' (USD bn) from USD.

    >>> usd_bn(1_234_000_000)
    '1.234'
    """
    return "-" if x != x else f"{x / 1e9:,.3f}"


def pct(x: float) -> str:
    return "-" if x is None or x != x else f"{100 * x:.1f}%"


def timeline_table(r: PlanResult) -> Table:
    sc = r.scenario
    t = Table(
        title=f"Substitution timeline: {sc.planner} without {sc.rival} "
        f"(threshold {100 * sc.threshold:.0f}%, neutral share {sc.neutral_share:g})"
    )
    t.add_column("commodity")
    t.add_column("self-sufficient from", justify="right")
    first, last = sc.years[0], sc.years[-1]
    t.add_column(f"share {first}", justify="right")
    t.add_column(f"share {last}", justify="right")
    for c, row in r.timeline.iterrows():
        s = r.cutoff["cutoff_share"].xs(c, level="commodity")
        year = "never" if pd.isna(row["year"]) else str(int(row["year"]))
        style = "bold" if c == CHAIN else None
        t.add_row(str(c), year, pct(s.get(first)), pct(s.get(last)), style=style)
    return t


def summary_table(r: PlanResult) -> Table:
    t = Table(title=f"Plan '{r.scenario.name}': {r.status.value}", show_header=False)
    t.add_row("discounted cost, USD bn", usd_bn(r.objective))
    for k, v in r.costs.items():
        t.add_row(f"  {k}", usd_bn(v))
    t.add_row("capex spent (undiscounted), USD bn", usd_bn(float(r.spend["spend_usd"].sum())))
    t.add_row("chain self-sufficient from", str(r.chain_year) if r.chain_year else "never")
    for dg in r.diagnosis:
        t.add_row("[red]cannot be met[/red]", dg.message)
    return t


def builds_table(r: PlanResult, top: int = 15) -> Table:
    """New capacity by region and process over the horizon, largest capex first."""
    t = Table(title="Builds by region and process (largest capex first)")
    for col in ("region", "process", "first start", "first online", "capacity", "capex USD bn"):
        t.add_column(col, justify="left" if col in ("region", "process") else "right")
    b = r.builds.reset_index()
    g = (
        b.groupby(["region", "process"])
        .agg(
            start=("year", "min"),
            online=("online_year", "min"),
            capacity=("capacity", "sum"),
            capex=("capex_usd", "sum"),
        )
        .sort_values("capex", ascending=False)
        .head(top)
    )
    for (reg, proc), row in g.iterrows():
        t.add_row(
            reg,
            proc,
            str(int(row["start"])),
            str(int(row["online"])),
            f"{row['capacity']:,.1f}",
            usd_bn(row["capex"]),
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
    t2 = Table(title="Iterations (restriction years each plan faced)")
    for col in ("iteration", "US plan faces", "CN plan faces", "US chain year", "CN chain year"):
        t2.add_column(col)
    for it in result.iterations:
        faced = {
            side: "; ".join(
                f"{a}-{b} max share {m:g}"
                for a, b, m in sorted(
                    {(r.from_year, r.to_year, r.max_share) for r in it.restrictions[side]}
                )
            )
            or "none"
            for side in ("US", "CN")
        }
        if it.index == 0:
            faced = {side: "own scenario restrictions" for side in faced}
        years = it.chain_year
        t2.add_row(
            str(it.index),
            faced["US"],
            faced["CN"],
            str(years["US"] or "never"),
            str(years["CN"] or "never"),
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
    n = len(result.iterations) - 1
    if result.converged:
        lines.append(f"fixed point after {n} iteration(s)")
    elif result.cycle:
        lines.append(f"cycle: the patterns of iterations {result.cycle} repeat; the last is shown")
    else:
        lines.append(f"no fixed point within {n} iterations; the last is shown")
    return lines
