"""The compare command: budget sweeps and Monte Carlo."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.table import Table

from autarky.app import app, check, err, out, store_option, user_errors
from network.errors import InputError


@app.command()
@user_errors
def compare(
    scenario: Annotated[
        Path,
        typer.Argument(
            help="Scenario YAML (its sweep: section), input workbook (.xlsx) or race scenario."
        ),
    ],
    budgets: Annotated[
        str | None, typer.Option(help="Budgets to sweep, USD bn per year, e.g. 0.5,1,2,5,10.")
    ] = None,
    lead_times: Annotated[
        str | None,
        typer.Option(help="Lead-time multipliers to sweep, e.g. 0.5,1,1.5 (crossed with budgets)."),
    ] = None,
    effectiveness: Annotated[
        str | None,
        typer.Option(
            help="A restriction set of the sweep section (the rival's sanction): solve every "
            "variant with and without it and report its damage against the target's speed "
            "(effectiveness.csv/png).",
        ),
    ] = None,
    budget_chains: Annotated[
        str | None,
        typer.Option(help="Per-chain scenarios: chains the budget is spread over (comma list)."),
    ] = None,
    monte_carlo: Annotated[
        int | None, typer.Option(help="Draws of the sweep section's uncertain inputs.")
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Random seed of the draws.")] = None,
    earliest: Annotated[
        bool | None,
        typer.Option(
            "--earliest/--no-earliest",
            help="Search each variant's earliest feasible chain year (default: on when the "
            "scenario has an exposure section).",
        ),
    ] = None,
    tornado: Annotated[
        bool,
        typer.Option(
            help="Which assumptions matter: the chain's earliest year and the cost of "
            "independence with each group of unverified inputs (lead times, build limits, "
            "capex, demand growth, values of lost supply, neutral share) at the low and high "
            "end of its range (tornado.csv/png, a Tornado sheet; docs/compare.md).",
        ),
    ] = False,
    local: Annotated[bool, typer.Option(help="No Dask: solve in this process.")] = False,
    scheduler: Annotated[
        str | None, typer.Option(help="Existing Dask scheduler, e.g. tcp://host:8786.")
    ] = None,
    workers: Annotated[int, typer.Option(help="LocalCluster worker processes.")] = 2,
    out_dir: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path("outputs"),
    store: Annotated[Path | None, store_option()] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress, no tables.")] = False,
) -> None:
    """Sweep budgets and other parameters of one scenario (each variant a job; a re-run
    resumes). Writes OUT/SWEEP-ID/comparison.xlsx, comparison.csv and PNG plots."""
    from autarky.compare import run_compare
    from autarky.progress import progress_reporter
    from network.errors import Problem

    try:
        values = [float(x) for x in budgets.split(",") if x.strip()] if budgets else None
    except ValueError:
        raise InputError(
            Problem("--budgets", f"'{budgets}' is not a list of numbers", "e.g. 0.5,1,2")
        ) from None
    bad = [v for v in values or [] if not (v >= 0 and v < float("inf"))]
    check(
        not bad,
        "--budgets",
        f"{', '.join(f'{v:g}' for v in bad)} is not a budget",
        "give budgets of 0 or more USD bn per year, e.g. 0.5,1,2",
    )
    if monte_carlo is not None:
        check(monte_carlo >= 1, "--monte-carlo", f"{monte_carlo} draws", "give at least 1")
    if seed is not None:
        check(seed >= 0, "--seed", f"{seed} is negative", "give a seed of 0 or more")
    check(workers >= 1, "--workers", f"{workers} workers", "give at least 1")
    if scheduler is not None:
        import re

        check(
            re.fullmatch(r"(tcp|tls|ucx|inproc|ws|wss)://[^\s:/]+(:\d{1,5})?/?", scheduler)
            is not None,
            "--scheduler",
            f"'{scheduler}' is not a Dask scheduler address",
            "give e.g. tcp://host:8786, or leave it out for a local cluster",
        )
    try:
        leads = [float(x) for x in lead_times.split(",") if x.strip()] if lead_times else None
    except ValueError:
        raise InputError(
            Problem("--lead-times", f"'{lead_times}' is not a list of numbers", "e.g. 0.5,1,1.5")
        ) from None
    if leads is not None and any(not (0 < x <= 10) for x in leads):
        raise InputError(
            Problem(
                "--lead-times", f"'{lead_times}': multipliers must be in (0, 10]", "e.g. 0.5,1,2"
            )
        )
    chains = [c.strip() for c in budget_chains.split(",") if c.strip()] if budget_chains else None
    check(
        not (tornado and (values or leads or effectiveness or monte_carlo)),
        "--tornado",
        "runs its own variants",
        "leave out --budgets, --lead-times, --effectiveness and --monte-carlo",
    )
    with progress_reporter(enabled=not quiet, console=err) as progress:
        outcome = run_compare(
            scenario,
            out_dir,
            budgets=values,
            lead_times=leads,
            effectiveness=effectiveness,
            monte_carlo=monte_carlo,
            seed=seed,
            earliest=earliest,
            budget_chains=chains,
            local=local,
            scheduler=scheduler,
            workers=workers,
            store_path=store,
            progress=progress,
            tornado=tornado,
        )
    if quiet:
        return
    if outcome.tornado is not None:
        from autarky.tornado import tornado_lines

        for item in tornado_lines(outcome.tornado):
            out.print(item)
        return
    df = outcome.percentiles if outcome.percentiles is not None else outcome.table
    cols = [c for c in TERMINAL_COLUMNS if c in df.columns and _shown(df, c)]
    t = Table(title=f"Sweep {outcome.sweep_id}", box=box.SIMPLE_HEAD)
    for c in cols:
        t.add_column(
            TERMINAL_COLUMNS[c],
            justify="left" if c in ("variant", "status") else "right",
            overflow="fold",
        )
    for rec in df.head(40).to_dict("records"):
        planned = rec.get("status", "optimal") == "optimal"  # status: read, not shown
        t.add_row(*[_cell(c, rec[c]) if planned else _no_plan(c, rec[c]) for c in cols])
    out.print(t)
    notes = [h for c, h in TERMINAL_NOTES.items() if c in cols]
    out.print("[dim]" + "; ".join(notes) + "; every column in comparison.csv[/dim]")
    if len(df) > 40:
        out.print(f"... {len(df) - 40} more rows in comparison.csv")
    out.print(
        f"{len(outcome.table)} variants, {outcome.solved} solved now, {outcome.seconds:.1f} s"
    )
    out.print(f"folder: {outcome.folder}")


TERMINAL_COLUMNS = {
    "variant": "variant",
    "budget_usd_bn": "budget",
    "lead_time_multiplier": "lead x",
    "draws": "draws",
    "cost_of_independence_usd_bn": "indep. cost",
    "expected_loss_usd_bn": "exp. loss",
    "dependence_years": "dep-yrs",
    "budget_value_usd_per_usd": "USD/USD",
    "chain_year": "planned",
    "earliest_chain_year": "earliest",
    "binding": "binding",
    "window_years": "window",
    "never_share": "never",
    "chain_year_p10": "chain P10",
    "chain_year_p50": "chain P50",
    "chain_year_p90": "chain P90",
    "window_years_p50": "window P50",
}
"""The columns the terminal shows (all fit 80 columns), with their short headers."""
TERMINAL_NOTES = {
    "budget_usd_bn": "budget: USD bn per year",
    "cost_of_independence_usd_bn": "indep. cost: cost of independence, discounted USD bn",
    "expected_loss_usd_bn": "exp. loss: expected cutoff loss, discounted USD bn",
    "dependence_years": "dep-yrs: sum of the chain's yearly dependence",
    "budget_value_usd_per_usd": "USD/USD: cost saved per extra USD of budget",
    "chain_year": "planned / earliest: year the chain is independent in the plan / at the earliest",
    "window_years": "window: years",
    "never_share": "never: share of draws never independent",
    "chain_year_p50": "chain Pn: percentiles of the chain's year",
}


def _shown(df: Any, col: str) -> bool:
    """A column is shown when it says something: a multiplier column only when it varies; the
    variant's name only when it says more than the budget and lead-time columns beside it."""
    c_lead = "lead_time_multiplier"
    if col == "lead_time_multiplier":
        return df[col].nunique() > 1
    if col == "variant":  # 'budget=4,lead_time_multiplier=0.5' says no more than its columns
        named = [
            k for k, c in (("budget", "budget_usd_bn"), ("lead_time_multiplier", c_lead)) if c in df
        ]
        if not named:
            return True
        part = rf"(?:{'|'.join(named)})=[0-9.e+-]+"
        return not df[col].astype(str).str.fullmatch(rf"{part}(?:, {part})*").all()
    if col in ("budget_value_usd_per_usd", "binding"):
        return bool(df[col].notna().any())
    return True


def _cell(col: str, v: Any) -> str:
    """A table cell: '-' for missing values, shares as %, years whole, money with decimals."""
    import pandas as pd

    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return "never" if col.startswith(("chain_year", "earliest")) else "-"
    if col == "never_share":
        return f"{100 * float(v):.0f}%"
    if col in ("discounted_cost_usd_bn", "cost_of_independence_usd_bn", "expected_loss_usd_bn"):
        from autarky.answer import bn

        return bn(float(v))
    if col in ("window_years", "window_years_p50", "budget_usd_bn", "lead_time_multiplier"):
        return f"{float(v):g}"
    if col in ("dependence_years", "budget_value_usd_per_usd"):
        return f"{float(v) + 0.0:.1f}".replace("-0.0", "0.0")
    return f"{v:,.1f}" if isinstance(v, float) else str(v)


def _no_plan(col: str, v: Any) -> str:
    """A variant without a plan: its inputs as given, 'no plan' for every result."""
    if col in ("variant", "status", "budget_usd_bn", "draws", "binding", "lead_time_multiplier"):
        return _cell(col, v)
    return "no plan"
