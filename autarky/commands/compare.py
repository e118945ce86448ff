"""The compare command: budget sweeps and Monte Carlo."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from autarky.app import app, err, out, store_option, user_errors
from network.errors import InputError


@app.command()
@user_errors
def compare(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file (its sweep: section).")],
    budgets: Annotated[
        str | None, typer.Option(help="Budgets to sweep, USD bn per year, e.g. 0.5,1,2,5,10.")
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
        bool, typer.Option(help="Also search each variant's earliest feasible chain year.")
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
    chains = [c.strip() for c in budget_chains.split(",") if c.strip()] if budget_chains else None
    with progress_reporter(enabled=not quiet, console=err) as progress:
        outcome = run_compare(
            scenario,
            out_dir,
            budgets=values,
            monte_carlo=monte_carlo,
            seed=seed,
            earliest=earliest or None,
            budget_chains=chains,
            local=local,
            scheduler=scheduler,
            workers=workers,
            store_path=store,
            progress=progress,
        )
    if quiet:
        return
    df = outcome.percentiles if outcome.percentiles is not None else outcome.table
    cols = [
        c
        for c in df.columns
        if c
        in (
            "variant",
            "status",
            "budget_usd_bn",
            "discounted_cost_usd_bn",
            "total_cost_usd_bn",
            "budget_value_usd_per_usd",
            "chain_year",
            "earliest_chain_year",
            "window_years",
            "draws",
            "never_share",
        )
        or c.startswith(("chain_year_p", "window_years_p"))
    ]
    t = Table(title=f"Sweep {outcome.sweep_id}")
    for c in cols:
        t.add_column(c, justify="left" if c in ("variant", "status") else "right")
    for rec in df[cols].head(40).itertuples(index=False):
        t.add_row(*[_cell(v) for v in rec])
    out.print(t)
    if len(df) > 40:
        out.print(f"... {len(df) - 40} more rows in comparison.csv")
    out.print(
        f"{len(outcome.table)} variants, {outcome.solved} solved now, {outcome.seconds:.1f} s"
    )
    out.print(f"folder: {outcome.folder}")


def _cell(v: Any) -> str:
    """A table cell: '-' for missing values, floats with three decimals."""
    import pandas as pd

    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return "-"
    return f"{v:,.3f}" if isinstance(v, float) else str(v)
