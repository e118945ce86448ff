"""One optimisation job: inputs in, a job folder and a job-store row out.

``<out>/<job-id>/`` holds ``plan.xlsx``, ``summary.json``, ``tables/*.csv``, the scenario and
dataset as used (``inputs/``) and ``log.txt``. Every file is written to a temporary name and
renamed when complete, so a killed job leaves no half-written file; its row says
``interrupted``. A user error (bad data or scenario) leaves only the failed job's row.

Job folders are named by job id only: nothing from a scenario's name or a file name chooses
where outputs go. An output folder that cannot be written (read-only, a file in the way, disk
full) is an :class:`OutputError` naming the path (exit 2 from the CLI); a job that had started
is recorded ``failed``. A solver that stops without a solution (time limit before a first
feasible point) gives a ``time_limit`` job with a summary and no plan, never an optimal one.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from autarky.atomic import atomic_write, atomic_write_text, write_json_atomic
from autarky.hashing import code_version, dataset_files, inputs_hash
from autarky.jobs import Job, JobStatus, JobStore, job_guard
from network.dataset import Dataset
from network.errors import InputError, Problem
from network.trust import trust_summary
from network.validate import load_dataset
from optimize.plan import NoSolution, run_plan
from optimize.plan.results import PlanResult
from optimize.plan.solve import Status
from optimize.scenario import Scenario, load_scenario

SUMMARY_VERSION = 1
TABLES = (
    "costs",
    "builds",
    "spend",
    "capacity",
    "production",
    "flows",
    "unserved",
    "cutoff",
    "timeline",
    "target_prices",
    "budget_prices",
    "exposure",
    "independence",
    "survival",
)
_JOB_STATUS = {
    Status.OPTIMAL: JobStatus.DONE,
    Status.INFEASIBLE: JobStatus.INFEASIBLE,
    Status.TIME_LIMIT: JobStatus.TIME_LIMIT,
    Status.UNBOUNDED: JobStatus.FAILED,
    Status.NUMERICAL: JobStatus.FAILED,
}


class OutputError(InputError):
    """The output folder or job store cannot be written (read-only, not a folder, disk full)."""

    def __init__(self, path: Path | str, exc: BaseException) -> None:
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        super().__init__(
            Problem(
                str(path),
                f"cannot write here ({reason})",
                "free disk space, or give a writable folder with --out (and --store)",
            ),
            title="cannot write outputs",
        )


def _written_path(exc: BaseException, fallback: Path) -> Path | str:
    return getattr(exc, "filename", None) or fallback


@dataclass
class JobOutcome:
    """What a run produced: the job row, and where to look."""

    job: Job
    reused: bool
    summary: dict[str, Any]
    plan_path: Path | None = None
    result: PlanResult | None = None
    race: Any = None  # optimize.game.loop.RaceResult for a game job


@dataclass
class Inputs:
    """A scenario and its dataset, read and validated, with the text they were read from."""

    scenario: Scenario
    data: Dataset
    scenario_text: str  # every text file the result depends on (for the inputs hash)
    dataset_path: Path | list[Path]  # a dataset folder or file, or those of several plans
    race: Any = None  # optimize.game.scenario.Race when the scenario has a 'game:' section


def read_inputs(source: Path) -> Inputs:
    """A YAML scenario (dataset beside it) or an input workbook (dataset + Scenario sheet)."""
    if source.suffix.lower() in (".xlsx", ".xlsm"):
        from autarky.excel.template import read_input_workbook

        data, sc = read_input_workbook(source)
        text = yaml.safe_dump(sc.model_dump(mode="json"), sort_keys=False)
        return Inputs(sc, data, text, source)
    sc = load_scenario(source)
    if sc.game is not None:
        return _read_race(source)
    path = sc.dataset_path
    if not path.exists():
        raise InputError(
            Problem(
                source.name,
                f"dataset '{sc.dataset}' not found (looked at {path})",
                "set 'dataset:' to a folder of CSVs or an .xlsx, relative to the scenario",
            )
        )
    data = load_dataset(path)
    return Inputs(sc, data, source.read_text(encoding="utf-8"), path)


def _read_race(source: Path) -> Inputs:
    """A race scenario: both plans, their datasets and the payoffs (optimize.game.scenario)."""
    from optimize.game.scenario import load_race

    race = load_race(source)
    texts = [source.read_text(encoding="utf-8")]
    for rel in (race.spec.us_plan, race.spec.cn_plan, race.spec.payoffs):
        texts.append((source.parent / rel).read_text(encoding="utf-8"))
    datasets = sorted({p.dataset_path.resolve() for p in race.plans.values()})
    us = race.plans["US"]
    return Inputs(us, race.data["US"], "\n---\n".join(texts), datasets, race=race)


def run_job(
    source: Path,
    out_root: Path = Path("outputs"),
    store_path: Path | None = None,
    force: bool = False,
    progress: Callable[[str], None] = lambda _: None,
    kind: str = "run",
) -> JobOutcome:
    """Run one job end to end. Raises InputError (after recording the failed job) on bad input."""
    out_root = Path(out_root)
    store_file = store_path or out_root / "jobs.sqlite"
    try:
        store = JobStore(store_file)
        reap_interrupted(store)
    except (OSError, sqlite3.Error) as exc:
        raise OutputError(_written_path(exc, store_file), exc) from None
    source = Path(source)
    try:
        progress("loading inputs")
        inputs = read_inputs(source)
    except InputError as exc:
        try:
            _record_user_error(store, out_root, source, exc, kind)
        except (OSError, sqlite3.Error) as write_exc:
            raise OutputError(_written_path(write_exc, out_root), write_exc) from None
        raise
    if inputs.race is not None:
        kind = "game"
    digest = inputs_hash(inputs.dataset_path, inputs.scenario_text, code_version())
    if not force:
        earlier = store.find_done(digest, kind=kind)
        summary = None if earlier is None else read_summary(earlier.out_dir / "summary.json")
        if earlier is not None and summary is not None:  # a damaged summary: run again
            plan = earlier.out_dir / "plan.xlsx"
            return JobOutcome(earlier, True, summary, plan if plan.is_file() else None)
    try:
        name = inputs.race.scenario.name if inputs.race is not None else inputs.scenario.name
        job = store.start(kind, name, digest, out_root)
    except (OSError, sqlite3.Error) as exc:
        raise OutputError(_written_path(exc, out_root), exc) from None
    log = _Log(job.out_dir / "log.txt", progress)
    try:
        with job_guard(store, job):  # records 'failed' for the errors below
            job, summary, plan_path, result, race = _execute(store, job, inputs, digest, log)
    except InputError:
        shutil.rmtree(job.out_dir, ignore_errors=True)  # bad input: only the record stays
        raise
    except OSError as exc:  # disk full, read-only, folder removed: the job is recorded failed
        raise OutputError(_written_path(exc, job.out_dir), exc) from None
    except SystemExit:  # Ctrl-C or SIGTERM, recorded 'interrupted' by the guard: a job that
        # did not finish keeps no plan.xlsx, even one written just before the signal
        if _status_of(store, job) is JobStatus.INTERRUPTED:
            (job.out_dir / "plan.xlsx").unlink(missing_ok=True)
        raise
    return JobOutcome(job, False, summary, plan_path, result, race=race)


def _status_of(store: JobStore, job: Job) -> JobStatus | None:
    try:
        return store.get(job.id).status
    except Exception:  # the store cannot say: leave the files as they are
        return None


def _execute(
    store: JobStore, job: Job, inputs: Inputs, digest: str, log: _Log
) -> tuple[Job, dict[str, Any], Path | None, PlanResult | None, Any]:
    race = None
    try:
        log(f"job {job.id}: scenario '{job.scenario}', inputs {digest[:12]}")
        t0 = time.perf_counter()
        try:
            if inputs.race is not None:
                from optimize.game.loop import run_race

                race = run_race(inputs.race, progress=log)
                result = race.us_plan  # the plan tables are the US side's; the game is both
                ok = race.us_plan.ok and race.cn_plan.ok
                status = JobStatus.DONE if ok else JobStatus.INFEASIBLE
            else:
                result = run_plan(inputs.scenario, inputs.data, progress=log)
                status = _JOB_STATUS[result.status]
        except NoSolution as exc:
            return (*_no_solution(store, job, inputs, exc, log), None)
        log(
            f"plan {result.status.value} in {time.perf_counter() - t0:.2f} s; "
            f"{result.sizes.get('variables', 0)} variables"
        )
        log("exporting")
        plan_path = write_outputs(job, inputs, result, status, log, race)
        summary = summary_of(job.id, status, result, game=race)
        summary["scenario"] = job.scenario
        summary["trust"] = trust_summary(inputs.data)  # rows by trust tag, U rows per headline
        if race is not None:
            write_json_atomic(job.out_dir / "race.json", race.to_json())
        write_json_atomic(job.out_dir / "summary.json", summary)
        log(f"done: {status.value}")
    except BaseException as exc:
        log(f"stopped: {type(exc).__name__}: {exc}")
        log.flush()
        raise
    log.flush()
    error = "; ".join(d.message for d in result.diagnosis) or None
    if status is JobStatus.FAILED:
        error = f"solver status {result.status.value}"
    if race is not None and status is JobStatus.INFEASIBLE:
        error = "a final plan is infeasible" + (f": {error}" if error else "")
    job = store.finish(job.id, status, objective=_finite(result.objective), error=error)
    return job, summary, plan_path, result, race


def reap_interrupted(store: JobStore) -> list[Job]:
    """Mark ``interrupted`` the jobs whose process died and delete the temporary files a
    SIGKILL left in their folders (:meth:`JobStore.reap_stale` does both, so every reap, also
    the one of ``autarky jobs``, sweeps them)."""
    return store.reap_stale()


def read_summary(path: Path) -> dict[str, Any] | None:
    """A job's summary.json, or None if it is missing or damaged (not a JSON object)."""
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        return None
    return summary if isinstance(summary, dict) else None


def _no_solution(
    store: JobStore, job: Job, inputs: Inputs, exc: NoSolution, log: _Log
) -> tuple[Job, dict[str, Any], None, None]:
    """The solver gave no solution: a summary saying so, no plan, the job's final status."""
    status = _JOB_STATUS[exc.status]
    sc = inputs.scenario
    summary: dict[str, Any] = {
        "summary_version": SUMMARY_VERSION,
        "job_id": job.id,
        "scenario": sc.name,
        "status": status.value,
        "objective_usd": None,
        "timeline": {sc.planner: {}},
        "chain_year": {sc.planner: None},
        "window": None,
        "game_path": [],
        "diagnosis": [str(exc)],
    }
    write_json_atomic(job.out_dir / "summary.json", summary)
    log(f"stopped: {exc}; no plan written")
    log.flush()
    return store.finish(job.id, status, error=str(exc)), summary, None, None


def _record_user_error(
    store: JobStore, out_root: Path, source: Path, exc: InputError, kind: str
) -> None:
    text = source.read_bytes().decode("utf-8", "replace") if source.is_file() else str(source)
    digest = inputs_hash([], text, code_version())
    job = store.start(kind, source.stem, digest, out_root)
    shutil.rmtree(job.out_dir, ignore_errors=True)  # nothing but the record stays
    store.finish(job.id, JobStatus.FAILED, error=exc.report())


def _finite(x: float) -> float | None:
    return None if x != x else float(x)


class _Log:
    """Progress lines to the caller and, with timestamps, to the job's log file."""

    def __init__(self, path: Path, progress: Callable[[str], None]) -> None:
        self.path = path
        self.progress = progress
        self.lines: list[str] = []
        self.t0 = time.perf_counter()

    def __call__(self, message: str) -> None:
        self.lines.append(f"[{time.perf_counter() - self.t0:8.2f}s] {message}")
        self.progress(message)

    def flush(self) -> None:
        atomic_write_text(self.path, "\n".join(self.lines) + "\n")


def write_outputs(
    job: Job, inputs: Inputs, result: PlanResult, status: JobStatus, log: _Log, game: Any = None
) -> Path:
    """Tables as CSV, the inputs as used, and plan.xlsx — each written atomically."""
    from autarky.excel.plan import write_plan_workbook

    tables = job.out_dir / "tables"
    tables.mkdir()
    for name in TABLES:
        df = getattr(result, name)
        with atomic_write(tables / f"{name}.csv") as tmp:
            df.to_csv(tmp)
    used = job.out_dir / "inputs"
    used.mkdir()
    atomic_write_text(used / "scenario.yaml", inputs.scenario_text)
    src_paths = inputs.dataset_path
    sources = src_paths if isinstance(src_paths, list) else [src_paths]
    for n, src in enumerate(sources):
        name = "dataset" if n == 0 else f"dataset-{n + 1}"
        if src.is_dir():  # the files that entered the inputs hash: regular, inside the folder
            for rel, path in dataset_files(src):
                (used / name / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, used / name / rel)
        else:
            shutil.copy2(src, used / src.name)
    plan_path = job.out_dir / "plan.xlsx"
    if game is not None and inputs.race is not None:  # both plans, the game, the loop
        from autarky.excel.game import write_race_workbook

        write_race_workbook(plan_path, game, inputs.race.data, name=job.scenario)
    else:
        write_plan_workbook(plan_path, result, inputs.data, game=game, name=job.scenario)
    log(f"wrote {plan_path}")
    from autarky.html_report import write_job_report

    write_job_report(job.out_dir / "report.html", result, inputs.data, game, job.scenario)
    log(f"wrote {job.out_dir / 'report.html'}")
    return plan_path


def independence_records(result: PlanResult) -> list[dict[str, Any]]:
    """Both timelines per critical commodity and the chain: planned and earliest year (None:
    not within the horizon, or not searched), the limit that binds the earliest year, and why
    the plan is later where it is."""

    def year(v: Any) -> int | None:
        return None if pd.isna(v) else int(v)

    return [
        {
            "commodity": str(c),
            "planned_year": year(row["planned_year"]),
            "earliest_year": year(row["earliest_year"]),
            "binding": str(row["binding"]),
            "plan_note": str(row["plan_note"]),
        }
        for c, row in result.independence.iterrows()
    ]


def summary_of(job_id: str, status: JobStatus, result: PlanResult, game: Any = None) -> dict:
    """The stable, documented summary.json (docs/jobs.md)."""
    sc = result.scenario
    timeline = {
        str(c): (None if pd.isna(row["year"]) else int(row["year"]))
        for c, row in result.timeline.iterrows()
        if c != "(chain)"
    }
    summary: dict[str, Any] = {
        "summary_version": SUMMARY_VERSION,
        "job_id": job_id,
        "scenario": sc.name,
        "status": status.value,
        "objective_usd": _finite(result.objective),
        "timeline": {sc.planner: timeline},
        "chain_year": {sc.planner: result.chain_year},
        "window": None,
        "game_path": [],
        "diagnosis": [d.message for d in result.diagnosis],
        "cost_of_independence": (
            None
            if result.cost_of_independence is None
            else {
                k: _finite(v) if v is not None else None
                for k, v in result.cost_of_independence.as_dict().items()
            }
        ),
        "independence": independence_records(result),
        "dependence_years": _finite(result.dependence_years),
        "expected_cutoff_loss_usd_bn": (
            None
            if result.exposure.empty
            else _finite(float(result.exposure["expected_loss_usd"].sum()) / 1e9)
        ),
    }
    if game is not None:
        summary.update(game.summary_fields())
    return summary
