"""The game command: both plans, the feedback loop and the bargaining game."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from autarky.app import EXIT_CODES_HELP, EXIT_INFEASIBLE, app, err, out, store_option, user_errors


@app.command(epilog=EXIT_CODES_HELP)
@user_errors
def game(
    scenario: Annotated[Path, typer.Argument(help="Race scenario YAML with a 'game:' section.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Also record a 'game' job here: summary.json, race.json, "
            "plan.xlsx (US plan with the Game sheet).",
        ),
    ] = None,
    store: Annotated[Path | None, store_option()] = None,
) -> None:
    """Run both sides' plans and the bargaining game until the restrictions they impose on each
    other repeat (docs/game.md); print the equilibria per year, the regime path, the strategic
    window and who leads, and the iterations. Writes files only with --out."""
    from autarky.progress import progress_reporter
    from autarky.report import race_tables
    from autarky.runner import run_job
    from autarky.sources import RACE, form_of, load

    if form_of(scenario) != RACE:
        load(scenario, (RACE,), "game")  # one sentence naming the form it needs
    from optimize.game.loop import run_race
    from optimize.game.scenario import load_race
    from optimize.plan import NoSolution

    with progress_reporter(enabled=not as_json, console=err) as progress:
        if out_dir is None:
            race = load_race(scenario)
            name = race.scenario.name
            try:
                result = run_race(race, progress=progress)
            except NoSolution as exc:  # a time limit before any solution: no game to play
                _no_solution(name, exc, as_json)
                return
        else:
            outcome = run_job(scenario, out_dir, store, force=True, progress=progress)
            name, result = outcome.job.scenario, outcome.race
            progress(f"job folder: {outcome.job.out_dir}")
    if result is None:  # the solver stopped without a solution: the job says why
        out.print(f"job {outcome.job.id}: {outcome.job.status.value}: {outcome.job.error}")
        return
    relaxed = not (result.us_plan.ok and result.cn_plan.ok)
    if as_json:
        sys.stdout.write(json.dumps(result.to_json(), indent=2) + "\n")
    else:
        from autarky.answer import answer_panel, diagnosis_lines

        for line in diagnosis_lines(result.us_plan, result):
            out.print(line)
        out.print(answer_panel(result.us_plan, result, name))
        for item in race_tables(result):
            out.print(item)
    if relaxed:
        raise typer.Exit(EXIT_INFEASIBLE)


def _no_solution(name: str, exc: Exception, as_json: bool) -> None:
    """A plan of the race stopped without a solution (status time_limit): say so, as
    ``autarky run`` does for one plan (exit 0: a status, not an input error)."""
    status = getattr(getattr(exc, "status", None), "value", "failed")
    if as_json:
        sys.stdout.write(json.dumps({"race": name, "status": status, "error": str(exc)}) + "\n")
        return
    out.print(
        f"race '{name}': {status}: {exc}; no game played (raise solver.time_limit_s in the plan "
        "scenarios, or remove it)",
        soft_wrap=True,
    )
