"""The game command: both plans, the feedback loop and the bargaining game."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from autarky.app import app, err, out, pct, store_option, user_errors


@app.command()
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
    for col in ("year", "US dep.", "CN dep.", "US plays", "CN plays", "stage equilibria", "regime"):
        t.add_column(col, justify="right" if "dep." in col else "left")
    table = result.table
    for year, r in table.iterrows():
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
    out.print(t)
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
    out.print(t2)
    w = result.window
    out.print(
        "strategic window: "
        + ("none" if w is None else f"{w.leader} leads {w.start}-{w.end} ({w.years} years)")
    )
    if result.game.concession is not None:
        c = result.game.concession
        out.print(
            f"concession: {c.side} gives in in {c.year} "
            f"(cumulative loss {c.cumulative_loss:,.1f} > tolerance {c.tolerance:,.1f} "
            "USD bn)"
        )
    n = len(result.iterations) - 1
    if result.converged:
        out.print(f"fixed point after {n} iteration(s)")
    elif result.cycle:
        out.print(f"cycle: the patterns of iterations {result.cycle} repeat; the last is shown")
    else:
        out.print(f"no fixed point within {n} iterations; the last is shown")


def _game_job(
    path: Path, race: Any, out_dir: Path, store: Path | None, progress: Callable[[str], None]
) -> tuple[Any, Path]:
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
    files = [
        f
        for d in datasets
        for f in (sorted(d.rglob("*")) if d.is_dir() else [d])
        if f.is_file() and not f.name.startswith(".")
    ]
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
        write_plan_workbook(job.out_dir / "plan.xlsx", result.us_plan, race.data["US"], game=result)
        js.finish(job.id, status, error=None if ok else "a final plan is infeasible")
    return result, job.out_dir
