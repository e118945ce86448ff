"""Commands on plans and jobs: run, earliest, jobs, show."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from autarky.app import app, err, out, store_option, user_errors
from network.errors import InputError


@app.command()
@user_errors
def run(
    source: Annotated[Path, typer.Argument(help="Scenario YAML file or input workbook (.xlsx).")],
    out_dir: Annotated[Path, typer.Option("--out", help="Output folder for job folders.")] = Path(
        "outputs"
    ),
    store: Annotated[Path | None, store_option()] = None,
    force: Annotated[bool, typer.Option(help="Run again even if the same inputs ran.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress, no tables.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print summary.json to stdout.")] = False,
) -> None:
    """Run one optimisation job: plan, timeline, Excel plan; recorded in the job store. A
    scenario with a 'game:' section runs both sides' plans and the game (a 'game' job)."""
    from autarky.progress import progress_reporter
    from autarky.report import builds_table, race_tables, summary_table, timeline_table
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
    if outcome.race is not None:
        cn = outcome.race.cn_plan
        out.print(timeline_table(cn))
        for item in race_tables(outcome.race):
            out.print(item)
    out.print(f"job {job.id}: {job.status.value}")
    if outcome.plan_path is not None:
        out.print(f"plan: {outcome.plan_path}")
    out.print(f"folder: {job.out_dir}")


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


@app.command()
@user_errors
def jobs(
    out_dir: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path("outputs"),
    store: Annotated[Path | None, store_option()] = None,
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
    store: Annotated[Path | None, store_option()] = None,
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
