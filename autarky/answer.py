"""The answer a plan gives, in a few lines: who plans against whom, when the chain and its
weakest link become independent (planned and earliest), what independence costs, and the
strategic window of a race. Shared by the terminal (rich) and report.html.

Reads the plan's ``independence``, ``cost_of_independence`` and ``dependence_years`` when the
plan has them; a plan without them shows the planned years from its timeline and says that the
earliest years and the cost were not computed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from rich import box
from rich.console import RenderableType
from rich.panel import Panel
from rich.table import Table

from network.cutoff import CHAIN
from optimize.plan.results import PlanResult

NEVER = "never"


@dataclass(frozen=True)
class Answer:
    """The answer block: a title, a status line, labelled rows; ``relaxed`` for an infeasible
    plan (its figures are those of the relaxed plan)."""

    title: str
    status: str
    relaxed: bool
    rows: list[tuple[str, str]] = field(default_factory=list)


def bn(x: float | None, sign: bool = False) -> str:
    """USD bn with the digits that matter: three significant figures below 100.

    >>> bn(13.14), bn(0.0123), bn(2759.49), bn(15.1, sign=True), bn(None)
    ('13.1', '0.0123', '2,759', '+15.1', '-')
    """
    if x is None or x != x:
        return "-"
    text = f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"
    return f"+{text}" if sign and x >= 0 else text


def year_text(y: Any) -> str:
    """'2035', or 'never' for a missing year.

    >>> year_text(pd.NA), year_text(2035.0)
    ('never', '2035')
    """
    return NEVER if y is None or pd.isna(y) else str(int(y))


def independence_frame(r: PlanResult) -> pd.DataFrame:
    """Per critical commodity and the chain: planned_year, earliest_year, binding, share in the
    first and last year (columns share_first, share_last)."""
    ind = getattr(r, "independence", None)
    if isinstance(ind, pd.DataFrame) and len(ind) and "planned_year" in ind:
        df = ind.copy()
    else:
        df = pd.DataFrame(index=r.timeline.index)
        df["planned_year"] = r.timeline["year"]
        df["earliest_year"] = pd.array([pd.NA] * len(df), dtype="Int64")
        df["binding"] = ""
    shares = r.cutoff["cutoff_share"]
    years = r.scenario.years
    df["share_first"] = [_share(shares, c, years[0]) for c in df.index]
    df["share_last"] = [_share(shares, c, years[-1]) for c in df.index]
    df["binding"] = df["binding"].fillna("").astype(str)
    return df


def _share(shares: pd.Series, c: str, year: int) -> float:
    try:
        return float(shares.loc[(c, year)])
    except KeyError:
        return float("nan")


def has_earliest(df: pd.DataFrame) -> bool:
    return bool(df["earliest_year"].notna().any() or (df["binding"] != "").any())


def weakest_link(df: pd.DataFrame) -> str | None:
    """The critical commodity that becomes independent last: latest earliest year (never is
    latest), then latest planned year, then the smallest share servable in the first year."""
    rows = df.drop(index=[CHAIN], errors="ignore")
    if not len(rows):
        return None
    big = 10**6

    def key(c: str) -> tuple[float, float, float]:
        e, p = rows.at[c, "earliest_year"], rows.at[c, "planned_year"]
        share = rows.at[c, "share_first"]
        return (
            big if pd.isna(e) else float(e),
            big if pd.isna(p) else float(p),
            -(0.0 if share != share else float(share)),
        )

    return max(rows.index, key=key)


def _timing(df: pd.DataFrame, c: str) -> str:
    planned = year_text(df.at[c, "planned_year"])
    if not has_earliest(df):
        return f"planned {planned} (earliest not searched)"
    binds = str(df.at[c, "binding"])
    if binds.startswith("none (") and binds.endswith(")"):
        binds = binds[len("none (") : -1]  # 'none (met from the first year)'
    earliest = year_text(df.at[c, "earliest_year"])
    return f"planned {planned}, earliest {earliest}" + (f" ({binds})" if binds else "")


def side_rows(r: PlanResult, label: str = "") -> list[tuple[str, str]]:
    """The chain's and the weakest link's timing, and the cost of independence."""
    df = independence_frame(r)
    sc = r.scenario
    rows: list[tuple[str, str]] = []
    if CHAIN in df.index:
        rows.append((f"{label}Chain independent", _timing(df, CHAIN)))
    weak = weakest_link(df)
    if weak is not None:
        share = df.at[weak, "share_first"]
        servable = "" if share != share else f"; {share:.0%} servable without {sc.rival} now"
        rows.append((f"{label}Weakest link", f"{weak}: {_timing(df, weak)}{servable}"))
    rows.extend(cost_rows(r, label))
    return rows


def cost_rows(r: PlanResult, label: str = "") -> list[tuple[str, str]]:
    coi = getattr(r, "cost_of_independence", None)
    total = f"plan's discounted system cost USD {bn(r.objective / 1e9)} bn"
    if coi is None:
        return [(f"{label}Cost", f"{total} (cost of independence not computed)")]
    rows = [
        (
            f"{label}Cost of independence",
            f"USD {bn(coi.discounted_usd_bn)} bn discounted over the plan without targets "
            f"(capex {bn(coi.capex_usd_bn, sign=True)} bn undiscounted)",
        )
    ]
    if coi.loss_avoided_usd_bn is not None:
        rows.append(
            (
                f"{label}Expected cutoff loss",
                f"USD {bn(coi.loss_avoided_usd_bn)} bn avoided; "
                f"net benefit {bn(coi.net_benefit_usd_bn, sign=True)} bn",
            )
        )
    dep = getattr(r, "dependence_years", None)
    if dep:
        rows.append(
            (
                f"{label}Dependence-years",
                f"{dep:.1f} (the chain's dependence summed over the years)",
            )
        )
    return rows


def window_text(race: Any) -> str:
    w = race.window
    text = (
        "none: neither side leads"
        if w is None
        else (f"{w.leader} leads {w.start}-{w.end} ({w.years} years)")
    )
    c = race.game.concession
    if c is not None:
        text += f"; {c.side} concedes in {c.year}"
    return text


def answer(r: PlanResult, race: Any = None, name: str | None = None) -> Answer:
    """The answer of a plan (or of a race: both sides)."""
    sc = r.scenario
    if race is None:
        title = f"{sc.planner} plans against {sc.rival}, scenario '{name or sc.name}'"
        plans = [r]
        rows = side_rows(r)
    else:
        title = f"{sc.planner} and {sc.rival} plan against each other, race '{name or sc.name}'"
        plans = [race.us_plan, race.cn_plan]
        rows = side_rows(race.us_plan, "US: ") + side_rows(race.cn_plan, "CN: ")[:2]
        rows.append(("Strategic window", window_text(race)))
    relaxed = any(not p.ok for p in plans)
    years = f"{sc.years[0]}-{sc.years[-1]}"
    status = (
        f"INFEASIBLE: the targets cannot be met; every figure is the RELAXED plan's ({years})"
        if relaxed
        else f"optimal: every target met ({years}, threshold {sc.threshold:.0%})"
        if any(p.scenario.targets for p in plans)
        else f"optimal plan, no hard targets ({years}, threshold {sc.threshold:.0%})"
    )
    return Answer(title, status, relaxed, rows)


def answer_panel(r: PlanResult, race: Any = None, name: str | None = None) -> Panel:
    a = answer(r, race, name)
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    grid.add_row("Status", f"[bold red]{a.status}[/]" if a.relaxed else a.status)
    for label, text in a.rows:
        grid.add_row(label, text)
    return Panel(
        grid, title=f"[bold]{a.title}[/]", title_align="left", box=box.ROUNDED, expand=False
    )


def diagnosis_lines(r: PlanResult, race: Any = None) -> list[str]:
    """For an infeasible plan, first of all: it is relaxed, and why."""
    plans = [r] if race is None else [race.us_plan, race.cn_plan]
    lines: list[str] = []
    for p in plans:
        if p.ok:
            continue
        who = f"{p.scenario.planner} plan" if race is not None else "This plan"
        lines.append(
            f"[bold red]RELAXED PLAN: {who} cannot meet its targets; "
            "the tables below show the relaxed plan. Why:[/]"
        )
        lines += [f"[red]  - {d.message}[/]" for d in p.diagnosis] or ["[red]  - (no diagnosis)[/]"]
    return lines


def independence_table(r: PlanResult) -> RenderableType:
    """Per critical commodity and the chain: planned and earliest year, what binds, the share
    servable without the rival in the first and last year."""
    df = independence_frame(r)
    sc = r.scenario
    first, last = sc.years[0], sc.years[-1]
    t = Table(
        title=f"Independence of {sc.planner}: first year {sc.threshold:.0%} stays servable "
        f"without {sc.rival}; share servable",
        box=box.SIMPLE_HEAD,
    )
    t.add_column("commodity", no_wrap=True)
    t.add_column("planned", justify="right")
    show_earliest = has_earliest(df)
    if show_earliest:
        t.add_column("earliest", justify="right")
        t.add_column("what binds", overflow="fold", max_width=22)
    t.add_column(str(first), justify="right")
    t.add_column(str(last), justify="right")
    for c, row in df.iterrows():
        cells = [str(c), year_text(row["planned_year"])]
        if show_earliest:
            binds = row["binding"]
            cells += [year_text(row["earliest_year"]), "-" if binds.startswith("none") else binds]
        cells += [_pct(row["share_first"]), _pct(row["share_last"])]
        t.add_row(*cells, style="bold" if c == CHAIN else None)
    return t


def _pct(x: float) -> str:
    return "-" if x != x else f"{100 * x:.0f}%"


def summary_panel(summary: dict[str, Any], job_id: str) -> Panel:
    """The answer of an earlier job, read back from its summary.json (a re-run with the same
    inputs prints this instead of solving again)."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    grid.add_row("Status", str(summary.get("status")))
    for side, year in (summary.get("chain_year") or {}).items():
        text = f"planned {year_text(year)}"
        chain = next(
            (r for r in summary.get("independence") or [] if r.get("commodity") == CHAIN), None
        )
        if chain is not None and len(summary.get("chain_year") or {}) == 1:
            text += f", earliest {year_text(chain.get('earliest_year'))}"
            text += f" ({chain['binding']})" if chain.get("binding") else ""
        grid.add_row(f"{side} chain independent", text)
    coi = summary.get("cost_of_independence") or {}
    if coi.get("discounted_usd_bn") is not None:
        grid.add_row(
            "Cost of independence",
            f"USD {bn(coi['discounted_usd_bn'])} bn discounted over the plan without targets",
        )
    w = summary.get("window")
    if "game_path" in summary and summary.get("game_path"):
        grid.add_row(
            "Strategic window",
            "none: neither side leads"
            if not w
            else f"{w['leader']} leads {w['start']}-{w['end']} ({w['years']} years)",
        )
    for message in summary.get("diagnosis") or []:
        grid.add_row("[red]Cannot be met[/]", str(message))
    return Panel(
        grid,
        title=f"[bold]Same inputs as job {job_id}: its answer (--force to run again)[/]",
        title_align="left",
        box=box.ROUNDED,
        expand=False,
    )
