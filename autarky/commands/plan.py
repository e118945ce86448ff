"""Commands on plans and jobs: run, earliest, jobs, show."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from autarky.app import (
    EXIT_CODES_HELP,
    EXIT_INFEASIBLE,
    app,
    check,
    err,
    out,
    store_option,
    user_errors,
)
from network.errors import InputError


@app.command(epilog=EXIT_CODES_HELP)
@user_errors
def run(
    source: Annotated[
        Path,
        typer.Argument(help="Scenario YAML, input workbook (.xlsx) or race scenario (game:)."),
    ],
    out_dir: Annotated[Path, typer.Option("--out", help="Output folder for job folders.")] = Path(
        "outputs"
    ),
    store: Annotated[Path | None, store_option()] = None,
    force: Annotated[bool, typer.Option(help="Run again even if the same inputs ran.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress, no tables.")] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Every table (costs, all builds, the game).")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print summary.json to stdout.")] = False,
) -> None:
    """Run one optimisation job: plan, timeline, plan.xlsx and report.html; recorded in the
    job store. A scenario with a 'game:' section runs both sides' plans and the game (a 'game'
    job). Opens with the answer; -v for every table."""
    from autarky.progress import progress_reporter
    from autarky.report import run_report
    from autarky.runner import run_job

    with progress_reporter(enabled=not (quiet or as_json), console=err) as progress:
        outcome = run_job(source, out_dir, store, force=force, progress=progress)
    job = outcome.job
    if as_json:
        sys.stdout.write(json.dumps(outcome.summary, indent=2) + "\n")
    elif not quiet:
        if outcome.reused:
            from autarky.answer import summary_panel

            out.print(summary_panel(outcome.summary, job.id))
        trust = outcome.summary.get("trust")
        for item in run_report(
            outcome.result, outcome.race, verbose=verbose, name=job.scenario, trust=trust
        ):
            out.print(item)
        out.print(f"job {job.id}: {job.status.value}")
        for label, path in (("plan", outcome.plan_path), ("report", _report_of(outcome))):
            if path is not None:
                out.print(f"{label}: {path}", soft_wrap=True)
    if job.status.value == "infeasible":
        raise typer.Exit(EXIT_INFEASIBLE)


def _report_of(outcome: object) -> Path | None:
    job = outcome.job  # type: ignore[attr-defined]
    path = job.out_dir / "report.html"
    return path if path.is_file() else None


@app.command()
@user_errors
def earliest(
    source: Annotated[
        Path,
        typer.Argument(
            help="Scenario YAML, input workbook (.xlsx) or race scenario (both sides' plans)."
        ),
    ],
    share: Annotated[
        float | None,
        typer.Option(help="Share to reach, in (0, 1] (default: the scenario's threshold)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
) -> None:
    """Earliest year each critical commodity (and the whole chain) can be made independent of
    the rival within the scenario's budget, and what binds before that year."""
    from autarky.progress import progress_reporter
    from autarky.report import earliest_table
    from autarky.sources import RACE, SCENARIO, WORKBOOK, load, plans_of
    from optimize.plan import earliest_years

    if share is not None:
        check(0 < share <= 1, "--share", f"{share:g} is not a share", "give a number in (0, 1]")
    loaded = load(source, (SCENARIO, WORKBOOK, RACE), "earliest")
    tables = []
    with progress_reporter(enabled=not as_json, console=err) as progress:
        for sc, data in plans_of(loaded):
            progress(f"searching the earliest years of {sc.planner} without {sc.rival}")
            tables.append((sc, earliest_years(sc, data, share=share, progress=progress)))
    if as_json:
        rows = [
            {
                "planner": sc.planner,
                "commodity": c,
                "earliest_year": None
                if r.earliest_year != r.earliest_year
                else int(r.earliest_year),
                "binding": r.binding,
            }
            for sc, df in tables
            for c, r in df.iterrows()
        ]
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    for sc, df in tables:
        pct = 100 * (share if share is not None else sc.threshold)
        out.print(
            earliest_table(
                df,
                f"Earliest independence ({pct:.0f}%) of {sc.planner} "
                f"from {sc.rival}, scenario '{sc.name}'",
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
    """List jobs, newest first: status, objective, duration. Fits an 80-column terminal;
    'autarky show' takes any unique start of an id."""
    from rich import box

    from autarky.jobs import open_for_reading

    check(limit >= 1, "--limit", f"{limit} jobs", "give a whole number of at least 1")
    js = open_for_reading(store or out_dir / "jobs.sqlite")
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
    t = Table(title=f"Jobs in {js.path}", box=box.SIMPLE_HEAD, pad_edge=False)
    t.add_column("id", no_wrap=True, min_width=22)
    t.add_column("kind", overflow="fold")
    t.add_column("scenario", overflow="fold", max_width=16)
    t.add_column("status", no_wrap=True)
    t.add_column("USD bn", justify="right", no_wrap=True)
    t.add_column("s", justify="right", no_wrap=True)
    for j in rows:
        cost = "-" if j.objective is None else f"{j.objective / 1e9:,.1f}"
        dur = "-" if j.duration_s is None else f"{j.duration_s:.0f}"
        t.add_row(j.id, j.kind, j.scenario, j.status.value, cost, dur)
    out.print(t)
    out.print("USD bn: discounted cost of the plan; s: seconds the job ran")


@app.command()
@user_errors
def show(
    job_id: Annotated[str, typer.Argument(help="Job id (see 'autarky jobs').")],
    out_dir: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path("outputs"),
    store: Annotated[Path | None, store_option()] = None,
) -> None:
    """Print one job's record and summary (JSON). JOB_ID may be any unique start of an id."""
    from autarky.jobs import open_for_reading
    from autarky.runner import read_summary
    from network.errors import Problem

    js = open_for_reading(store or out_dir / "jobs.sqlite")
    job = find_job(js, job_id)
    summary_path = job.out_dir / "summary.json"
    summary = read_summary(summary_path) if summary_path.is_file() else None
    if summary_path.is_file() and summary is None:
        raise InputError(
            Problem(
                str(summary_path),
                "is damaged (not a JSON object)",
                "the job's record is in the store ('autarky jobs --json'); run it again with "
                "--force to write a new summary",
            )
        )
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
        "summary": summary,
    }
    sys.stdout.write(json.dumps(payload, indent=2) + "\n")


def find_job(js: object, job_id: str) -> object:
    """The job whose id is ``job_id`` or starts with it (ellipsis of a cut id ignored); an
    InputError when none or several match."""
    from autarky.jobs import JobStore, UnknownJob
    from network.errors import Problem

    assert isinstance(js, JobStore)
    wanted = job_id.strip().rstrip(".…")
    try:
        return js.get(wanted)
    except UnknownJob:
        pass
    matches = [j for j in js.list() if wanted and j.id.startswith(wanted)]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise InputError(
            Problem(str(js.path), f"no job '{job_id}'", "list jobs with 'autarky jobs'")
        )
    ids = ", ".join(j.id for j in matches[:5]) + (" ..." if len(matches) > 5 else "")
    raise InputError(
        Problem(
            str(js.path),
            f"'{job_id}' starts {len(matches)} job ids ({ids})",
            "give more of the id",
        )
    )
