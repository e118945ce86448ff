"""One optimisation job: inputs in, a job folder and a job-store row out.

``<out>/<job-id>/`` holds ``plan.xlsx``, ``summary.json``, ``tables/*.csv``, the scenario and
dataset as used (``inputs/``) and ``log.txt``. Every file is written to a temporary name and
renamed when complete, so a killed job leaves no half-written file; its row says
``interrupted``. A user error (bad data or scenario) leaves only the failed job's row.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from autarky.atomic import atomic_write, atomic_write_text, write_json_atomic
from autarky.hashing import code_version, inputs_hash
from autarky.jobs import Job, JobStatus, JobStore, job_guard
from network.dataset import Dataset
from network.errors import InputError, Problem
from network.validate import load_dataset
from optimize.plan import run_plan
from optimize.results import PlanResult
from optimize.scenario import Scenario, load_scenario
from optimize.solve import Status

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
)
_JOB_STATUS = {
    Status.OPTIMAL: JobStatus.DONE,
    Status.INFEASIBLE: JobStatus.INFEASIBLE,
    Status.TIME_LIMIT: JobStatus.TIME_LIMIT,
    Status.UNBOUNDED: JobStatus.FAILED,
    Status.NUMERICAL: JobStatus.FAILED,
}


@dataclass
class JobOutcome:
    """What a run produced: the job row, and where to look."""

    job: Job
    reused: bool
    summary: dict[str, Any]
    plan_path: Path | None = None
    result: PlanResult | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Inputs:
    """A scenario and its dataset, read and validated, with the text they were read from."""

    scenario: Scenario
    data: Dataset
    scenario_text: str
    dataset_path: Path


def read_inputs(source: Path) -> Inputs:
    """A YAML scenario (dataset beside it) or an input workbook (dataset + Scenario sheet)."""
    if source.suffix.lower() in (".xlsx", ".xlsm"):
        from autarky.excel.template import read_input_workbook

        data, sc = read_input_workbook(source)
        text = yaml.safe_dump(sc.model_dump(mode="json"), sort_keys=False)
        return Inputs(sc, data, text, source)
    sc = load_scenario(source)
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
    store = JobStore(store_path or out_root / "jobs.sqlite")
    store.reap_stale()
    source = Path(source)
    try:
        progress("loading inputs")
        inputs = read_inputs(source)
    except InputError as exc:
        _record_user_error(store, out_root, source, exc, kind)
        raise
    digest = inputs_hash(inputs.dataset_path, inputs.scenario_text, code_version())
    if not force:
        earlier = store.find_done(digest, kind=kind)
        if earlier is not None and (earlier.out_dir / "summary.json").is_file():
            summary = json.loads((earlier.out_dir / "summary.json").read_text())
            plan = earlier.out_dir / "plan.xlsx"
            return JobOutcome(earlier, True, summary, plan if plan.is_file() else None)
    job = store.start(kind, inputs.scenario.name, digest, out_root)
    log = _Log(job.out_dir / "log.txt", progress)
    try:
        with job_guard(store, job):
            job, summary, plan_path, result = _execute(store, job, inputs, digest, log)
    except InputError:
        shutil.rmtree(job.out_dir, ignore_errors=True)  # bad input: only the record stays
        raise
    return JobOutcome(job, False, summary, plan_path, result)


def _execute(
    store: JobStore, job: Job, inputs: Inputs, digest: str, log: _Log
) -> tuple[Job, dict[str, Any], Path, PlanResult]:
    try:
        log(f"job {job.id}: scenario '{inputs.scenario.name}', inputs {digest[:12]}")
        t0 = time.perf_counter()
        result = run_plan(inputs.scenario, inputs.data, progress=log)
        log(
            f"plan {result.status.value} in {time.perf_counter() - t0:.2f} s; "
            f"{result.sizes.get('variables', 0)} variables"
        )
        status = _JOB_STATUS[result.status]
        log("exporting")
        plan_path = write_outputs(job, inputs, result, status, log)
        summary = summary_of(job.id, status, result)
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
    job = store.finish(job.id, status, objective=_finite(result.objective), error=error)
    return job, summary, plan_path, result


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
    job: Job, inputs: Inputs, result: PlanResult, status: JobStatus, log: _Log
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
    src = inputs.dataset_path
    if src.is_dir():
        shutil.copytree(src, used / "dataset")
    else:
        shutil.copy2(src, used / src.name)
    plan_path = job.out_dir / "plan.xlsx"
    write_plan_workbook(plan_path, result, inputs.data)
    log(f"wrote {plan_path}")
    return plan_path


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
    }
    if game is not None:
        summary.update(game.summary_fields())
    return summary
