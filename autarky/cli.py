"""The ``autarky`` command line.

User errors (bad data, bad scenario) print one report naming file, row and column and exit 2;
no traceback. Each command's help says what it does and what it writes.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from network.errors import InputError

app = typer.Typer(
    help="autarky: how fast a bloc can stop depending on its rival, at what cost, and what "
    "the race does to the bargaining game.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
out = Console(highlight=False)
err = Console(stderr=True, highlight=False, log_path=False)

EXIT_USER_ERROR = 2


def user_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn InputError into one printed report and exit code 2."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except InputError as exc:
            err.print(exc.report(), markup=False, soft_wrap=True)
            raise typer.Exit(EXIT_USER_ERROR) from None

    return wrapper


def _pct(x: float) -> str:
    return "-" if x != x else f"{100 * x:.1f}%"


@app.command()
@user_errors
def validate(
    path: Annotated[Path, typer.Argument(help="Dataset folder of CSV files or .xlsx workbook.")],
) -> None:
    """Check a dataset and report every problem at once (exit 2), or summarise it (exit 0)."""
    from network.validate import load_dataset

    data = load_dataset(path)
    table = Table(title=f"{path}: valid", show_header=False)
    for k, v in data.summary().items():
        table.add_row(k, str(v))
    for bloc in data.blocs:
        table.add_row(f"regions in {bloc}", ", ".join(data.regions_of(bloc)))
    out.print(table)


@app.command()
@user_errors
def network(
    path: Annotated[Path, typer.Argument(help="Dataset folder or .xlsx workbook.")],
    bloc: Annotated[str, typer.Option(help="The bloc whose dependence is measured.")] = "US",
    rival: Annotated[str, typer.Option(help="The bloc whose supply is cut off.")] = "CN",
    year: Annotated[int, typer.Option(help="Year of the capacity snapshot.")] = 2025,
    neutral_share: Annotated[
        float, typer.Option(help="Share of neutral regions' capacity the bloc can count on.")
    ] = 1.0,
    top: Annotated[int, typer.Option(help="How many choke points to list.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
) -> None:
    """Dependence of BLOC on RIVAL per critical commodity in YEAR, and the top choke points."""
    from network.cutoff import choke_points, cutoff_share
    from network.errors import Problem
    from network.validate import load_dataset

    data = load_dataset(path)
    for name, value in (("--bloc", bloc), ("--rival", rival)):
        if value not in data.blocs:
            raise InputError(
                Problem(name, f"unknown bloc '{value}'", f"use one of {', '.join(data.blocs)}")
            )
    shares = cutoff_share(data, bloc, rival, year, neutral_share=neutral_share)
    chokes = choke_points(data, bloc, year, top=top)
    if as_json:
        payload = {
            "bloc": bloc,
            "rival": rival,
            "year": year,
            "neutral_share": neutral_share,
            "dependence": [
                {
                    "commodity": c,
                    "demand": _num(r.demand),
                    "cutoff_share": r.cutoff_share,
                    "dependence": r.dependence,
                }
                for c, r in shares.iterrows()
            ],
            "choke_points": [
                {
                    "region": k[0],
                    "process": k[1],
                    "worst_commodity": r.worst_commodity,
                    "share_lost": r.share_lost,
                    "chain_share_lost": r.chain_share_lost,
                }
                for k, r in chokes.iterrows()
            ],
        }
        sys.stdout.write(json.dumps(payload, indent=2) + "\n")
        return
    units = data.commodities["unit"]
    t = Table(title=f"{bloc} dependence on {rival}, {year} (neutral share {neutral_share:g})")
    for col in ("commodity", "demand", "servable without rival", "dependence"):
        t.add_column(col, justify="left" if col == "commodity" else "right")
    for c, r in shares.iterrows():
        dem = "" if r.demand != r.demand else f"{r.demand:,.0f} {units.get(c, '')}"
        t.add_row(str(c), dem, _pct(r.cutoff_share), _pct(r.dependence))
    out.print(t)
    t2 = Table(title=f"Top choke points for {bloc}, {year} (loss if it alone disappeared)")
    for col in ("region", "process", "worst hit", "share lost", "chain share lost"):
        t2.add_column(col)
    for (reg, proc), r in chokes.iterrows():
        t2.add_row(reg, proc, r.worst_commodity, _pct(r.share_lost), _pct(r.chain_share_lost))
    out.print(t2)


def _num(x: float) -> float | None:
    return None if x != x else x


def main() -> None:  # pragma: no cover
    app()


@app.command()
@user_errors
def earliest(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    share: Annotated[
        float | None, typer.Option(help="Share to reach (default: the scenario's threshold).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
) -> None:
    """Earliest year each critical commodity (and the whole chain) can be made independent of
    the rival within the scenario's budget, and what binds before that year."""
    from autarky.report import earliest_table
    from optimize.plan import earliest_years
    from optimize.scenario import load_scenario

    sc = load_scenario(scenario)
    df = earliest_years(sc, share=share)
    if as_json:
        rows = [
            {
                "commodity": c,
                "earliest_year": None
                if r.earliest_year != r.earliest_year
                else int(r.earliest_year),
                "binding": r.binding,
            }
            for c, r in df.iterrows()
        ]
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    pct = 100 * (share if share is not None else sc.threshold)
    out.print(
        earliest_table(
            df,
            f"Earliest self-sufficiency ({pct:.0f}%) of {sc.planner} "
            f"without {sc.rival}, scenario '{sc.name}'",
        )
    )


def _store_option() -> Any:
    return typer.Option(help="Job store file (default: <out>/jobs.sqlite).")


@app.command()
@user_errors
def run(
    source: Annotated[Path, typer.Argument(help="Scenario YAML file or input workbook (.xlsx).")],
    out_dir: Annotated[Path, typer.Option("--out", help="Output folder for job folders.")] = Path(
        "outputs"
    ),
    store: Annotated[Path | None, _store_option()] = None,
    force: Annotated[bool, typer.Option(help="Run again even if the same inputs ran.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress, no tables.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print summary.json to stdout.")] = False,
) -> None:
    """Run one optimisation job: plan, timeline, Excel plan; recorded in the job store."""
    from autarky.progress import progress_reporter
    from autarky.report import builds_table, summary_table, timeline_table
    from autarky.runner import run_job

    with progress_reporter(enabled=not (quiet or as_json), console=err) as progress:
        outcome = run_job(source, out_dir, store, force=force, progress=progress)
    if as_json:
        sys.stdout.write(json.dumps(outcome.summary, indent=2) + "\n")
        return
    if quiet:
        return
    job = outcome.job
    if outcome.reused:
        out.print(f"Same inputs as job {job.id} ({job.status.value}); use --force to run again.")
    elif outcome.result is not None:
        out.print(summary_table(outcome.result))
        out.print(timeline_table(outcome.result))
        if len(outcome.result.builds):
            out.print(builds_table(outcome.result))
    out.print(f"job {job.id}: {job.status.value}")
    if outcome.plan_path is not None:
        out.print(f"plan: {outcome.plan_path}")
    out.print(f"folder: {job.out_dir}")


@app.command()
@user_errors
def jobs(
    out_dir: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path("outputs"),
    store: Annotated[Path | None, _store_option()] = None,
    limit: Annotated[int, typer.Option(help="How many of the newest jobs.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
) -> None:
    """List jobs, newest first: status, objective, duration."""
    from autarky.jobs import JobStore

    js = JobStore(store or out_dir / "jobs.sqlite")
    js.reap_stale()
    rows = js.list(limit=limit)
    if as_json:
        payload = [
            {
                "id": j.id,
                "kind": j.kind,
                "scenario": j.scenario,
                "status": j.status.value,
                "objective_usd": j.objective,
                "duration_s": j.duration_s,
                "started": j.started.isoformat(),
                "out_dir": str(j.out_dir),
                "error": j.error,
            }
            for j in rows
        ]
        sys.stdout.write(json.dumps(payload, indent=2) + "\n")
        return
    t = Table(title=f"Jobs in {js.path}")
    for col in ("id", "kind", "scenario", "status", "cost USD bn", "seconds"):
        t.add_column(col)
    for j in rows:
        cost = "-" if j.objective is None else f"{j.objective / 1e9:,.3f}"
        dur = "-" if j.duration_s is None else f"{j.duration_s:.1f}"
        t.add_row(j.id, j.kind, j.scenario, j.status.value, cost, dur)
    out.print(t)


@app.command()
@user_errors
def show(
    job_id: Annotated[str, typer.Argument(help="Job id (see 'autarky jobs').")],
    out_dir: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path("outputs"),
    store: Annotated[Path | None, _store_option()] = None,
) -> None:
    """Print one job's record and summary."""
    from autarky.jobs import JobStore, UnknownJob
    from network.errors import Problem

    js = JobStore(store or out_dir / "jobs.sqlite")
    try:
        job = js.get(job_id)
    except UnknownJob:
        raise InputError(
            Problem(str(js.path), f"no job '{job_id}'", "list jobs with 'autarky jobs'")
        ) from None
    summary_path = job.out_dir / "summary.json"
    payload = {
        "id": job.id,
        "kind": job.kind,
        "scenario": job.scenario,
        "status": job.status.value,
        "started": job.started.isoformat(),
        "ended": job.ended.isoformat() if job.ended else None,
        "objective_usd": job.objective,
        "out_dir": str(job.out_dir),
        "error": job.error,
        "summary": json.loads(summary_path.read_text()) if summary_path.is_file() else None,
    }
    sys.stdout.write(json.dumps(payload, indent=2) + "\n")


@app.command()
@user_errors
def game(
    scenario: Annotated[Path, typer.Argument(help="Race scenario YAML with a 'game:' section.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Also record a 'game' job here: summary.json, race.json, "
                     "plan.xlsx (US plan with the Game sheet)."),
    ] = None,
    store: Annotated[Path | None, _store_option()] = None,
) -> None:
    """Run both sides' plans and the bargaining game until the restrictions they impose on each
    other repeat (docs/game.md); print the equilibria per year, the regime path, the strategic
    window and who leads, and the iterations. Writes files only with --out."""
    from autarky.progress import progress_reporter
    from optimize.feedback import run_race
    from optimize.game_scenario import load_race

    race = load_race(scenario)
    with progress_reporter(enabled=not as_json, console=err) as progress:
        if out_dir is None:
            result = run_race(race, progress=progress)
        else:
            result, folder = _game_job(scenario, race, out_dir, store, progress)
            progress(f"job folder: {folder}")
    if as_json:
        sys.stdout.write(json.dumps(result.to_json(), indent=2) + "\n")
        return
    t = Table(title=f"Race '{race.scenario.name}': the game along the final plans")
    for col in ("year", "US dep.", "CN dep.", "US plays", "CN plays", "stage equilibria",
                "regime"):
        t.add_column(col, justify="right" if "dep." in col else "left")
    table = result.table
    for year, r in table.iterrows():
        eqs = r.stage_equilibrium + (f" (also: {r.other_equilibria})" if r.other_equilibria
                                     else "")
        regime = r.regime + (f", {r.leader} leads" if r.leader else "")
        t.add_row(str(year), _pct(r.us_dependence), _pct(r.cn_dependence), r.us_strategy,
                  r.cn_strategy, eqs, regime + (" (conceded)" if r.conceded else ""))
    out.print(t)
    t2 = Table(title="Iterations (restriction years each plan faced)")
    for col in ("iteration", "US plan faces", "CN plan faces", "US chain year", "CN chain year"):
        t2.add_column(col)
    for it in result.iterations:
        faced = {
            side: "; ".join(
                f"{a}-{b} max share {m:g}"
                for a, b, m in sorted({(r.from_year, r.to_year, r.max_share)
                                       for r in it.restrictions[side]})
            ) or "none"
            for side in ("US", "CN")
        }
        if it.index == 0:
            faced = {side: "own scenario restrictions" for side in faced}
        years = it.chain_year
        t2.add_row(str(it.index), faced["US"], faced["CN"], str(years["US"] or "never"),
                   str(years["CN"] or "never"))
    out.print(t2)
    w = result.window
    out.print(
        "strategic window: "
        + ("none" if w is None else f"{w.leader} leads {w.start}-{w.end} ({w.years} years)")
    )
    if result.game.concession is not None:
        c = result.game.concession
        out.print(f"concession: {c.side} gives in in {c.year} "
                  f"(cumulative loss {c.cumulative_loss:,.1f} > tolerance {c.tolerance:,.1f} "
                  "USD bn)")
    n = len(result.iterations) - 1
    if result.converged:
        out.print(f"fixed point after {n} iteration(s)")
    elif result.cycle:
        out.print(f"cycle: the patterns of iterations {result.cycle} repeat; the last is shown")
    else:
        out.print(f"no fixed point within {n} iterations; the last is shown")


@app.command()
@user_errors
def template(
    path: Annotated[Path, typer.Argument(help="Workbook to write (.xlsx).")],
    dataset: Annotated[Path, typer.Option(help="Dataset to fill it with.")] = Path("data/default"),
    scenario: Annotated[
        Path | None, typer.Option(help="Scenario for the Scenario sheet (default: baseline).")
    ] = Path("data/scenarios/baseline.yaml"),
) -> None:
    """Write an input workbook for analysts: one sheet per dataset table (filled with the data,
    with column comments and drop-downs) and a Scenario sheet. Run it with 'autarky run'."""
    from autarky.excel.template import write_template
    from network.errors import Problem
    from network.validate import load_dataset
    from optimize.scenario import load_scenario

    if path.suffix.lower() != ".xlsx":
        raise InputError(Problem(str(path), "not an .xlsx name", "end the file name in .xlsx"))
    data = load_dataset(dataset)
    sc = load_scenario(scenario) if scenario else None
    write_template(path, data, sc)
    out.print(f"wrote {path}: edit the sheets, then run 'autarky run {path}'")


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
    store: Annotated[Path | None, _store_option()] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress, no tables.")] = False,
) -> None:
    """Sweep budgets and other parameters of one scenario (each variant a job; a re-run
    resumes). Writes <out>/<sweep-id>/comparison.xlsx, comparison.csv and PNG plots."""
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
        if c in ("variant", "status", "budget_usd_bn", "discounted_cost_usd_bn",
                 "total_cost_usd_bn", "budget_value_usd_per_usd", "chain_year",
                 "earliest_chain_year", "window_years", "draws", "never_share")
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


def _game_job(path: Path, race: Any, out_dir: Path, store: Path | None,
              progress: Callable[[str], None]) -> tuple[Any, Path]:
    """Run the race as a 'game' job in the job store; write summary.json (runner.summary_of
    on the US plan with the game's fields), race.json and plan.xlsx into the job folder."""
    from autarky.atomic import write_json_atomic
    from autarky.excel.plan import write_plan_workbook
    from autarky.hashing import code_version, inputs_hash
    from autarky.jobs import JobStatus, JobStore, job_guard
    from autarky.runner import summary_of
    from optimize.feedback import run_race

    texts = [path.read_text(encoding="utf-8")]
    for side in ("US", "CN"):
        plan_file = path.parent / getattr(race.spec, f"{side.lower()}_plan")
        texts.append(plan_file.read_text(encoding="utf-8"))
    texts.append((path.parent / race.spec.payoffs).read_text(encoding="utf-8"))
    datasets = sorted({race.plans[side].dataset_path.resolve() for side in ("US", "CN")})
    files = [f for d in datasets for f in (sorted(d.rglob("*")) if d.is_dir() else [d])
             if f.is_file() and not f.name.startswith(".")]
    digest = inputs_hash(files, "\n---\n".join(texts), code_version())
    js = JobStore(store or out_dir / "jobs.sqlite")
    js.reap_stale()
    job = js.start("game", race.scenario.name, digest, out_dir)
    with job_guard(js, job):
        result = run_race(race, progress=progress)
        ok = result.us_plan.ok and result.cn_plan.ok
        status = JobStatus.DONE if ok else JobStatus.INFEASIBLE
        summary = summary_of(job.id, status, result.us_plan, game=result)
        summary["scenario"] = race.scenario.name  # the race, not the US plan it reports on
        write_json_atomic(job.out_dir / "summary.json", summary)
        write_json_atomic(job.out_dir / "race.json", result.to_json())
        write_plan_workbook(job.out_dir / "plan.xlsx", result.us_plan, race.data["US"],
                            game=result)
        js.finish(job.id, status, error=None if ok else "a final plan is infeasible")
    return result, job.out_dir
