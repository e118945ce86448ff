"""``autarky compare``: many variants of one scenario, each a job of one sweep.

The variants come from the scenario's ``sweep:`` section and the command line (budgets, a
grid, named variants, Monte Carlo draws of uncertain inputs; docs/compare.md). Each variant is
a row ``kind = "sweep-variant"`` in the job store under one sweep id, which is derived from the
inputs, so running the same command again resumes: variants already done (or infeasible) with
the same inputs hash are read back, not solved again.

Variants are solved in chunks by :func:`optimize.sweep.solve_variants`, which keeps each
worker's compiled models, so one worker builds a structure once and moves right-hand sides for
all its variants. Chunks run in this process (``local``), on a Dask LocalCluster (default: 2
worker processes, 1 thread each) or on an existing cluster (``scheduler``). A chunk's failure
(worker lost, solver error) marks its variants failed; the other chunks go on.

Outputs in ``<out>/<sweep-id>/``: comparison.xlsx, comparison.csv, PNG plots, and per variant
``variants/<job-id>/variant.json``.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from autarky.atomic import write_json_atomic
from autarky.comparison import comparison_table, percentiles, write_outputs
from autarky.effectiveness import effectiveness_table, with_sanction
from autarky.hashing import code_version, inputs_hash
from autarky.jobs import Job, JobStatus, JobStore
from autarky.runner import read_inputs, read_summary
from autarky.sweep_spec import SweepSpec, expand, sweep_spec
from network.dataset import Dataset
from network.errors import InputError, Problem
from optimize.scenario import Scenario
from optimize.sweep import SweepSettings, Variant, budget_mode, solve_variants, variant_inputs

__all__ = ["CompareOutcome", "SweepSpec", "expand", "run_compare", "run_chunk", "race_fields"]

KIND = "sweep-variant"
Progress = Callable[[str], None]


def _noop(_: str) -> None:
    return None


# ---------------------------------------------------------------------------------------
# running


@dataclass
class CompareOutcome:
    sweep_id: str
    folder: Path
    table: pd.DataFrame  # one row per variant
    percentiles: pd.DataFrame | None  # Monte Carlo: per budget, P10/P50/P90
    solved: int  # variants solved in this run (the rest were read back)
    seconds: float
    files: dict[str, Path] = field(default_factory=dict)
    effectiveness: pd.DataFrame | None = None  # --effectiveness: damage against speed
    tornado: pd.DataFrame | None = None  # --tornado: headline answers per U input group


@dataclass
class _Work:
    """What a worker needs: the inputs (scattered once) and the sweep's settings."""

    data: Dataset
    scenario: Scenario
    settings: SweepSettings
    digest: str
    race: Any = None


def run_chunk(work: _Work, variants: list[Variant]) -> list[tuple[str, dict[str, Any]]]:
    """Solve variants on this process's cached models: [(variant name, row)]. Runs in a Dask
    worker or in-process."""
    out = []
    for v, row in solve_variants(
        work.data, work.scenario, variants, work.settings, cache_key=work.digest
    ):
        if work.race is not None and row.get("status") == "optimal":
            row.update(race_fields(work, v))
        out.append((v.name, row))
    return out


def race_fields(work: _Work, v: Variant) -> dict[str, Any]:
    """Window leader and length and the regime path of the race (optimize.game.loop) with the
    variant applied to the planner's plan. The race plans from scratch (no reuse): slow."""
    import dataclasses

    from optimize.game.loop import run_race

    race = work.race
    side = work.scenario.planner
    data, sc = variant_inputs(race.data[side], race.plans[side], v, work.settings)
    race_v = dataclasses.replace(
        race, plans={**race.plans, side: sc}, data={**race.data, side: data}
    )
    try:
        res = run_race(race_v)
    except Exception as exc:  # the plan row stands; the game's part is reported missing
        return {"race_error": f"{type(exc).__name__}: {exc}"}
    w = res.window
    path = res.game.path
    return {
        "window_leader": None if w is None else str(w.leader),
        "window_years": None if w is None else int(w.years),
        "regime_path": " ".join(f"{int(y)}:{r}" for y, r in path["regime"].items()),
    }


def _status(row: dict[str, Any]) -> JobStatus:
    return {
        "optimal": JobStatus.DONE,
        "infeasible": JobStatus.INFEASIBLE,
        "time_limit": JobStatus.TIME_LIMIT,
    }.get(str(row.get("status")), JobStatus.FAILED)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")[:40] or "sweep"


def _variant_hash(dataset: Path, text: str, v: Variant, settings: SweepSettings) -> str:
    extra = json.dumps(
        {"variant": v.model_dump(mode="json"), "earliest": settings.earliest}, sort_keys=True
    )
    return inputs_hash(dataset, text + "\n# sweep variant\n" + extra, code_version())


def run_compare(
    source: Path,
    out_root: Path = Path("outputs"),
    *,
    budgets: Sequence[float] | None = None,
    lead_times: Sequence[float] | None = None,
    effectiveness: str | None = None,
    monte_carlo: int | None = None,
    seed: int | None = None,
    earliest: bool | None = None,
    budget_chains: Sequence[str] | None = None,
    local: bool = False,
    scheduler: str | None = None,
    workers: int = 2,
    chunk_size: int | None = None,
    store_path: Path | None = None,
    progress: Progress = _noop,
    write: bool = True,
    tornado: bool = False,
) -> CompareOutcome:
    """Run (or resume) the sweep of ``source`` and write its outputs."""
    t0 = time.perf_counter()
    out_root = Path(out_root)
    inputs = read_inputs(Path(source))
    # a race file's header is the planner's scenario with the game (and sweep) sections
    sc = inputs.race.scenario if inputs.race is not None else inputs.scenario
    spec = sweep_spec(sc, Path(source).name)
    if budget_chains:
        raw = {**(sc.sweep or {}), "budget_chains": list(budget_chains)}
        spec = sweep_spec(sc.model_copy(update={"sweep": raw}), Path(source).name)
    where = Path(source).name
    variants = expand(spec, budgets, monte_carlo, seed, lead_times=lead_times, where=where)
    if tornado:  # its own variants: the scenario and each U input group at both ends
        from autarky.tornado import tornado_variants

        variants, earliest = tornado_variants(sc), True
    if effectiveness is not None:
        variants = with_sanction(variants, spec.restriction_sets, effectiveness, Path(source).name)
    budget_swept = any(v.budget_usd_bn is not None for v in variants)
    if budget_swept and budget_mode(sc) == "per_chain" and not sc.budget.per_chain_per_year_usd_bn:
        raise InputError(Problem(sc.name, "no budget to sweep", "set budget in the scenario"))
    settings = SweepSettings(
        restriction_sets={k: tuple(v) for k, v in spec.restriction_sets.items()},
        budget_chains=tuple(spec.budget_chains) if spec.budget_chains else None,
        earliest=(spec.earliest or sc.exposure is not None) if earliest is None else earliest,
        budget_swept=budget_swept,
    )
    hashes = {
        v.name: _variant_hash(inputs.dataset_path, inputs.scenario_text, v, settings)
        for v in variants
    }
    if len(hashes) != len(variants):
        raise InputError(Problem(sc.name, "two sweep variants share a name", "rename one"))
    sweep_digest = hashlib.sha256("".join(hashes.values()).encode()).hexdigest()
    sweep_id = f"{_slug(sc.name)}-{sweep_digest[:10]}"
    folder = out_root / sweep_id
    (folder / "variants").mkdir(parents=True, exist_ok=True)
    store = JobStore(store_path or out_root / "jobs.sqlite")
    store.reap_stale()
    rows: dict[str, dict[str, Any]] = {}
    earlier = {j.inputs_hash: j for j in store.list(sweep_id=sweep_id) if j.kind == KIND}
    todo: list[Variant] = []
    for v in variants:
        job = store.find_done(hashes[v.name], kind=KIND) or earlier.get(hashes[v.name])
        found = _read_back(job) if job is not None else None
        if found is not None:
            rows[v.name] = found
        else:
            todo.append(v)
    progress(f"sweep {sweep_id}: {len(variants)} variants, {len(variants) - len(todo)} done before")
    work = _Work(inputs.data, sc, settings, sweep_digest, inputs.race)
    chunks = _chunks(todo, inputs.data, sc, settings, workers, chunk_size)
    runner = _run_local if local or not todo else _run_dask
    for name, row in runner(
        work, chunks, store, hashes, sweep_id, folder, scheduler, workers, progress
    ):
        rows[name] = row
    table = comparison_table(variants, rows, sc)
    pct = (
        percentiles(table, never_year=sc.horizon.last + 1)
        if any(v.sample for v in variants)
        else None
    )
    outcome = CompareOutcome(sweep_id, folder, table, pct, len(todo), time.perf_counter() - t0)
    if effectiveness is not None:
        outcome.effectiveness = effectiveness_table(table, effectiveness)
    if tornado:
        from autarky.tornado import tornado_table

        outcome.tornado = tornado_table(table, sc)
    if write:
        outcome.files = write_outputs(outcome, sc, inputs)
    return outcome


def _read_back(job: Job) -> dict[str, Any] | None:
    if job.status not in (JobStatus.DONE, JobStatus.INFEASIBLE):
        return None
    record = read_summary(job.out_dir / "variant.json")  # None: missing or damaged, solve again
    row = None if record is None else record.get("row")
    return row if isinstance(row, dict) else None


def _chunks(
    todo: list[Variant],
    data: Dataset,
    sc: Scenario,
    settings: SweepSettings,
    workers: int,
    size: int | None,
) -> list[list[Variant]]:
    """Variants grouped by structure (one compiled model each) and cut into chunks: about two
    per worker, so that a worker builds few models and a lost chunk loses little."""
    from optimize.sweep import structure_of

    order = sorted(
        range(len(todo)),
        key=lambda i: (repr(structure_of(todo[i], data, sc, settings)), i),
    )
    ordered = [todo[i] for i in order]
    if size is None:
        size = max(1, math.ceil(len(ordered) / max(1, 2 * workers)))
    return [ordered[i : i + size] for i in range(0, len(ordered), size)]


def _record(store: JobStore, job: Job, v: Variant, row: dict[str, Any]) -> dict[str, Any]:
    row = _jsonable(row)
    write_json_atomic(
        job.out_dir / "variant.json", {"variant": v.model_dump(mode="json"), "row": row}
    )
    store.finish(job.id, _status(row), objective=row.get("objective_usd"), error=row.get("error"))
    return row


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    def fix(x: Any) -> Any:
        if isinstance(x, dict):
            return {str(k): fix(v) for k, v in x.items()}
        if isinstance(x, np.generic):
            x = x.item()
        if isinstance(x, float) and not math.isfinite(x):
            return None
        return x

    return fix(row)


def _start_jobs(
    store: JobStore,
    work: _Work,
    chunk: list[Variant],
    hashes: dict[str, str],
    sweep_id: str,
    folder: Path,
    started: dict[str, Job] | None = None,
) -> dict[str, Job]:
    """Start a job per variant, adding each to ``started`` as soon as it exists (so a Ctrl-C
    between two starts still finds every started job to record interrupted)."""
    started = {} if started is None else started
    for v in chunk:
        started[v.name] = store.start(
            KIND,
            work.scenario.name,
            hashes[v.name],
            folder / "variants",
            sweep_id=sweep_id,
            variant=v.name,
        )
    return started


def _interrupt(store: JobStore, jobs: Iterable[Job], sweep_id: str) -> None:
    """Record ``jobs`` interrupted, and every other job of the sweep this process started and
    left running (a Ctrl-C may land between a job's row and its return from ``start``). A
    second Ctrl-C is ignored until this is recorded."""
    from autarky.dask_cluster import sigint_ignored

    with sigint_ignored():
        mine = [
            j
            for j in store.list(sweep_id=sweep_id)
            if j.status is JobStatus.RUNNING and j.pid == os.getpid()
        ]
        for job in {j.id: j for j in [*jobs, *mine]}.values():
            try:
                store.finish(job.id, JobStatus.INTERRUPTED, error="sweep interrupted")
            except Exception:  # already final
                continue


def _run_local(work, chunks, store, hashes, sweep_id, folder, scheduler, workers, progress):
    """In this process, one variant at a time (each its own job), models cached."""
    by_name = {v.name: v for c in chunks for v in c}
    n, k = len(by_name), 0
    for chunk in chunks:
        for v in chunk:
            started: dict[str, Job] = {}
            try:
                job = _start_jobs(store, work, [v], hashes, sweep_id, folder, started)[v.name]
                [(name, row)] = run_chunk(work, [v])
            except BaseException:
                _interrupt(store, started.values(), sweep_id)
                raise
            k += 1
            progress(f"{k}/{n} {name}: {row.get('status')}")
            yield name, _record(store, job, v, row)


def _run_dask(work, chunks, store, hashes, sweep_id, folder, scheduler, workers, progress):
    """Chunks on Dask workers; the job rows are written here, as chunks come back. On any
    exception (Ctrl-C included) the variants not yet recorded are recorded interrupted; the
    workers ignore Ctrl-C and are shut down quietly (autarky/dask_cluster.py)."""
    from distributed import as_completed

    from autarky.dask_cluster import dask_client

    jobs: dict[str, Job] = {}
    with dask_client(scheduler, workers) as client:
        try:
            shared = client.scatter(work, broadcast=True)
            futures = {}
            for chunk in chunks:
                _start_jobs(store, work, chunk, hashes, sweep_id, folder, jobs)
                fut = client.submit(run_chunk, shared, chunk, pure=False)
                futures[fut] = chunk
            n, k = sum(len(c) for c in chunks), 0
            for fut in as_completed(futures):
                chunk = futures[fut]
                try:
                    results = fut.result()
                except Exception as exc:  # worker lost, pickling, ...: the chunk fails alone
                    err = f"{type(exc).__name__}: {exc}"
                    results = [(v.name, {"status": "failed", "error": err}) for v in chunk]
                for (name, row), v in zip(results, chunk, strict=True):
                    k += 1
                    progress(f"{k}/{n} {name}: {row.get('status')}")
                    yield name, _record(store, jobs.pop(name), v, row)
        except BaseException:
            _interrupt(store, jobs.values(), sweep_id)
            raise
