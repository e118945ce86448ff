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
import itertools
import json
import math
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from autarky.atomic import atomic_write, write_json_atomic
from autarky.hashing import code_version, inputs_hash
from autarky.jobs import Job, JobStatus, JobStore
from autarky.runner import Inputs, read_inputs
from network.dataset import Dataset
from network.errors import InputError, Problem
from optimize.scenario import Restriction, Scenario
from optimize.sweep import SweepSettings, Variant, budget_mode, solve_variants, variant_inputs

KIND = "sweep-variant"
GRID_KEYS = (
    "budget_usd_bn",
    "target_year",
    "lead_time_multiplier",
    "capex_multiplier",
    "demand_growth_multiplier",
    "restriction",
    "restriction_start_year",
    "discount_rate",
)
UncertainKey = Literal[
    "lead_time_multiplier",
    "capex_multiplier",
    "demand_growth_multiplier",
    "restriction_start_year",
]
Progress = Callable[[str], None]


def _noop(_: str) -> None:
    return None


# ---------------------------------------------------------------------------------------
# the sweep section


class Dist(BaseModel):
    """A distribution of one uncertain input. uniform: low, high; triangular: low, mode, high;
    normal: mean, sd (clipped to [low, high] when given); choice: values (equally likely)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    dist: Literal["uniform", "triangular", "normal", "choice"]
    low: float | None = None
    high: float | None = None
    mode: float | None = None
    mean: float | None = None
    sd: float | None = Field(default=None, ge=0)
    values: list[float] | None = None

    @model_validator(mode="after")
    def _complete(self) -> Dist:
        need = {
            "uniform": ("low", "high"),
            "triangular": ("low", "mode", "high"),
            "normal": ("mean", "sd"),
            "choice": ("values",),
        }[self.dist]
        missing = [k for k in need if getattr(self, k) is None]
        if missing:
            raise ValueError(f"{self.dist} needs {', '.join(missing)}")
        if self.dist in ("uniform", "triangular") and self.low > self.high:  # type: ignore[operator]
            raise ValueError(f"low ({self.low}) is above high ({self.high})")
        if self.dist == "triangular" and not self.low <= self.mode <= self.high:  # type: ignore[operator]
            raise ValueError("mode must lie between low and high")
        if self.dist == "choice" and not self.values:
            raise ValueError("choice needs at least one value")
        return self

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        if self.dist == "uniform":
            return rng.uniform(self.low, self.high, n)
        if self.dist == "triangular":
            if self.low == self.high:
                return np.full(n, float(self.low))  # type: ignore[arg-type]
            return rng.triangular(self.low, self.mode, self.high, n)
        if self.dist == "normal":
            x = rng.normal(self.mean, self.sd, n)
            lo = -np.inf if self.low is None else self.low
            hi = np.inf if self.high is None else self.high
            return np.clip(x, lo, hi)
        return rng.choice(np.asarray(self.values, dtype=float), n)


class SweepSpec(BaseModel):
    """The scenario's ``sweep:`` section (docs/compare.md)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    budgets_usd_bn: list[float] = Field(default_factory=list)
    budget_chains: list[str] | None = None
    grid: dict[str, list[Any]] = Field(default_factory=dict)
    variants: list[Variant] = Field(default_factory=list)
    restriction_sets: dict[str, list[Restriction]] = Field(default_factory=dict)
    uncertain: dict[UncertainKey, Dist] = Field(default_factory=dict)
    monte_carlo: int | None = Field(default=None, ge=1)
    seed: int = 0
    earliest: bool = False

    @model_validator(mode="after")
    def _keys(self) -> SweepSpec:
        bad = sorted(set(self.grid) - set(GRID_KEYS))
        if bad:
            raise ValueError(f"unknown grid keys {bad}; use {', '.join(GRID_KEYS)}")
        if any(not v for v in self.grid.values()):
            raise ValueError("every grid key needs at least one value")
        return self


def sweep_spec(sc: Scenario, where: str = "scenario") -> SweepSpec:
    """Validate ``sc.sweep`` (absent: an empty spec) and check it against the scenario."""
    try:
        spec = SweepSpec.model_validate(sc.sweep or {})
    except ValidationError as exc:
        raise InputError(
            [
                Problem(where, f"sweep.{'.'.join(map(str, e['loc']))}: {e['msg']}", "fix it")
                for e in exc.errors()
            ],
            title="invalid sweep section",
        ) from None
    problems = []
    names = set(spec.restriction_sets)
    used = [*spec.grid.get("restriction", []), *(v.restriction for v in spec.variants)]
    for r in used:
        if r is not None and r not in names:
            problems.append(
                Problem(
                    where, f"sweep: unknown restriction set '{r}'", "add it to restriction_sets"
                )
            )
    years = [*spec.grid.get("target_year", []), *(v.target_year for v in spec.variants)]
    for y in years:
        if y is not None and not sc.targets:
            problems.append(
                Problem(where, "sweep: target_year given", "the scenario has no targets")
            )
            break
        if y is not None and not sc.horizon.first <= int(y) <= sc.horizon.last:
            problems.append(Problem(where, f"sweep: target_year {y} is outside the horizon", ""))
    chains = set(sc.budget.per_chain_per_year_usd_bn)
    for ch in spec.budget_chains or []:
        if ch not in chains:
            problems.append(
                Problem(where, f"sweep.budget_chains: '{ch}' has no budget in the scenario", "")
            )
    if problems:
        raise InputError(problems, title="invalid sweep section")
    return spec


def _num(x: Any) -> str:
    return f"{x:g}" if isinstance(x, float | int) else str(x)


def _short(key: str) -> str:
    return "budget" if key == "budget_usd_bn" else key


def expand(
    spec: SweepSpec,
    budgets: Sequence[float] | None = None,
    monte_carlo: int | None = None,
    seed: int | None = None,
) -> list[Variant]:
    """The variants, in a stable order: the grid (budgets from the command line replace the
    section's) crossed with itself, then the named variants; with Monte Carlo, every one of
    those crossed with the same N draws (common random numbers, reproducible by seed)."""
    grid = dict(spec.grid)
    budget_list = list(budgets) if budgets else list(spec.budgets_usd_bn)
    if budget_list:
        grid["budget_usd_bn"] = budget_list
    base: list[dict[str, Any]] = []
    if grid:
        keys = [k for k in GRID_KEYS if k in grid]
        for combo in itertools.product(*(grid[k] for k in keys)):
            point = dict(zip(keys, combo, strict=True))
            label = ", ".join(f"{_short(k)}={_num(v)}" for k, v in point.items())
            base.append({"name": label, **point})
    base += [v.model_dump(exclude_defaults=True) | {"name": v.name} for v in spec.variants]
    if not base:
        base = [{"name": "scenario"}]
    n = monte_carlo if monte_carlo is not None else spec.monte_carlo
    if not n:
        return [Variant(**b) for b in base]
    if not spec.uncertain:
        raise InputError(
            Problem("sweep", "Monte Carlo asked for but no uncertain inputs", "add sweep.uncertain")
        )
    rng = np.random.default_rng(spec.seed if seed is None else seed)
    draws = {k: spec.uncertain[k].sample(rng, n) for k in sorted(spec.uncertain)}
    out = []
    for b in base:
        for i in range(n):
            v = dict(b)
            for k, xs in draws.items():
                v[k] = int(round(xs[i])) if k == "restriction_start_year" else float(xs[i])
            v["name"] = f"{b['name']} #{i + 1:04d}"
            v["sample"] = i + 1
            out.append(Variant(**v))
    return out


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
    """Window leader and length and the regime path of the race (optimize.feedback) with the
    variant applied to the planner's plan. The race plans from scratch (no reuse): slow."""
    import dataclasses

    from optimize.feedback import run_race

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
    variants = expand(spec, budgets, monte_carlo, seed)
    budget_swept = any(v.budget_usd_bn is not None for v in variants)
    if budget_swept and budget_mode(sc) == "per_chain" and not sc.budget.per_chain_per_year_usd_bn:
        raise InputError(Problem(sc.name, "no budget to sweep", "set budget in the scenario"))
    settings = SweepSettings(
        restriction_sets={k: tuple(v) for k, v in spec.restriction_sets.items()},
        budget_chains=tuple(spec.budget_chains) if spec.budget_chains else None,
        earliest=spec.earliest if earliest is None else earliest,
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
    pct = percentiles(table) if any(v.sample for v in variants) else None
    outcome = CompareOutcome(sweep_id, folder, table, pct, len(todo), time.perf_counter() - t0)
    if write:
        outcome.files = write_outputs(outcome, sc, inputs)
    return outcome


def _read_back(job: Job) -> dict[str, Any] | None:
    if job.status not in (JobStatus.DONE, JobStatus.INFEASIBLE):
        return None
    path = job.out_dir / "variant.json"
    if not path.is_file():
        return None
    return json.loads(path.read_text())["row"]


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
) -> dict[str, Job]:
    return {
        v.name: store.start(
            KIND,
            work.scenario.name,
            hashes[v.name],
            folder / "variants",
            sweep_id=sweep_id,
            variant=v.name,
        )
        for v in chunk
    }


def _interrupt(store: JobStore, jobs: Iterable[Job]) -> None:
    for job in jobs:
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
            job = _start_jobs(store, work, [v], hashes, sweep_id, folder)[v.name]
            try:
                [(name, row)] = run_chunk(work, [v])
            except BaseException:
                _interrupt(store, [job])
                raise
            k += 1
            progress(f"{k}/{n} {name}: {row.get('status')}")
            yield name, _record(store, job, v, row)


def _run_dask(work, chunks, store, hashes, sweep_id, folder, scheduler, workers, progress):
    """Chunks on Dask workers; the job rows are written here, as chunks come back."""
    from distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = Client(cluster)
    jobs: dict[str, Job] = {}
    try:
        shared = client.scatter(work, broadcast=True)
        futures = {}
        for chunk in chunks:
            jobs.update(_start_jobs(store, work, chunk, hashes, sweep_id, folder))
            fut = client.submit(run_chunk, shared, chunk, pure=False)
            futures[fut] = chunk
        n, k = sum(len(c) for c in chunks), 0
        for fut in as_completed(futures):
            chunk = futures[fut]
            try:
                results = fut.result()
            except Exception as exc:  # worker lost, pickling, ...: the chunk fails, not the sweep
                err = f"{type(exc).__name__}: {exc}"
                results = [(v.name, {"status": "failed", "error": err}) for v in chunk]
            for (name, row), v in zip(results, chunk, strict=True):
                k += 1
                progress(f"{k}/{n} {name}: {row.get('status')}")
                yield name, _record(store, jobs.pop(name), v, row)
    except BaseException:
        _interrupt(store, jobs.values())
        raise
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


# ---------------------------------------------------------------------------------------
# tables


def comparison_table(
    variants: Sequence[Variant], rows: dict[str, dict[str, Any]], sc: Scenario
) -> pd.DataFrame:
    """One row per variant: the variant's values, status, costs in USD bn, years."""
    recs = []
    for v in variants:
        row = rows.get(v.name, {"status": "missing"})
        rec: dict[str, Any] = {
            "variant": v.name,
            "sample": v.sample,
            "budget_usd_bn": v.budget_usd_bn,
            "target_year": v.target_year,
            "lead_time_multiplier": v.lead_time_multiplier,
            "capex_multiplier": v.capex_multiplier,
            "demand_growth_multiplier": v.demand_growth_multiplier,
            "restriction": v.restriction,
            "restriction_start_year": v.restriction_start_year,
            "discount_rate": sc.discount_rate if v.discount_rate is None else v.discount_rate,
            "status": row.get("status"),
            "discounted_cost_usd_bn": _bn(row.get("objective_usd")),
            "total_cost_usd_bn": _bn(row.get("total_cost_usd")),
            "spend_usd_bn": _bn(row.get("spend_usd")),
            "peak_spend_usd_bn": _bn(row.get("peak_spend_usd")),
            "budget_value_usd_per_usd": row.get("budget_value_usd_per_usd"),
            "chain_year": row.get("chain_year"),
            "earliest_chain_year": row.get("earliest_chain_year"),
            "window_leader": row.get("window_leader"),
            "window_years": row.get("window_years"),
            "regime_path": row.get("regime_path"),
            "error": row.get("error") or row.get("race_error"),
        }
        for c, y in (row.get("years") or {}).items():
            rec[f"year_{c}"] = y
        recs.append(rec)
    df = pd.DataFrame(recs)
    for col in (
        "chain_year",
        "earliest_chain_year",
        "target_year",
        "restriction_start_year",
        "sample",
        "window_years",
        *[c for c in df.columns if c.startswith("year_")],
    ):
        if col in df.columns:
            df[col] = df[col].astype("Int64")
    # drop columns no variant uses
    optional = (
        "sample",
        "target_year",
        "restriction",
        "restriction_start_year",
        "earliest_chain_year",
        "window_leader",
        "window_years",
        "regime_path",
        "error",
    )
    return df.drop(columns=[c for c in optional if df[c].isna().all()])


def _bn(x: Any) -> float | None:
    return None if x is None else float(x) / 1e9


NEVER = math.inf


def percentiles(table: pd.DataFrame) -> pd.DataFrame:
    """Per budget: P10/P50/P90 of the chain self-sufficiency year and of the window length,
    and the share of draws that never reach it (or are infeasible). Percentiles are draws
    (inverted CDF), with 'never' above every year: a P90 of 'never' reads as such (NaN)."""
    key = (
        "budget_usd_bn"
        if "budget_usd_bn" in table and table["budget_usd_bn"].notna().any()
        else None
    )
    groups = table.groupby(key, dropna=False) if key else [(None, table)]
    recs = []
    for b, g in groups:
        years = g["chain_year"].astype("Float64").fillna(NEVER).to_numpy(dtype=float)
        rec: dict[str, Any] = {
            "budget_usd_bn": b if key else None,
            "draws": len(g),
            "never_share": float(np.mean(~np.isfinite(years))),
        }
        for q in (10, 50, 90):
            y = float(np.percentile(years, q, method="inverted_cdf"))
            rec[f"chain_year_p{q}"] = int(y) if math.isfinite(y) else None
        if "window_years" in g:
            w = g["window_years"].astype("Float64").fillna(0).to_numpy(dtype=float)
            for q in (10, 50, 90):
                rec[f"window_years_p{q}"] = float(np.percentile(w, q, method="inverted_cdf"))
        recs.append(rec)
    out = pd.DataFrame(recs)
    for c in ("chain_year_p10", "chain_year_p50", "chain_year_p90"):
        out[c] = out[c].astype("Int64")
    return out


# ---------------------------------------------------------------------------------------
# outputs


def write_outputs(outcome: CompareOutcome, sc: Scenario, inputs: Inputs) -> dict[str, Path]:
    """comparison.xlsx, comparison.csv (and percentiles.csv), PNG plots; all atomic."""
    from autarky.excel.comparison import write_comparison_workbook

    folder = outcome.folder
    files: dict[str, Path] = {}
    with atomic_write(folder / "comparison.csv") as tmp:
        outcome.table.to_csv(tmp, index=False)
    files["csv"] = folder / "comparison.csv"
    if outcome.percentiles is not None:
        with atomic_write(folder / "percentiles.csv") as tmp:
            outcome.percentiles.to_csv(tmp, index=False)
        files["percentiles"] = folder / "percentiles.csv"
    files.update(write_plots(outcome, folder))
    xlsx = folder / "comparison.xlsx"
    write_comparison_workbook(xlsx, outcome.table, outcome.percentiles, sc, outcome.sweep_id)
    files["xlsx"] = xlsx
    return files


def write_plots(outcome: CompareOutcome, folder: Path) -> dict[str, Path]:
    """PNG plots (matplotlib, Agg): budget against chain year, cost and window length; the
    Monte Carlo P10-P90 band."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    df = outcome.table
    files: dict[str, Path] = {}
    if "budget_usd_bn" not in df or df["budget_usd_bn"].isna().all():
        return files
    ok = df[df["status"] == "optimal"]
    plots = [
        ("chain_year", "Chain self-sufficiency year", "budget_vs_chain_year.png"),
        ("total_cost_usd_bn", "Total cost (USD bn, undiscounted)", "budget_vs_cost.png"),
    ]
    if "window_years" in df:
        plots.append(("window_years", "Window length (years)", "budget_vs_window.png"))
    for col, label, name in plots:
        fig, ax = plt.subplots(figsize=(6, 4))
        ax.scatter(ok["budget_usd_bn"], ok[col].astype(float), s=12)
        ax.set_xlabel("Budget (USD bn per year)")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
        files[name] = _save(fig, folder / name)
    pct = outcome.percentiles
    if pct is not None and pct["budget_usd_bn"].notna().any():
        fig, ax = plt.subplots(figsize=(6, 4))
        x = pct["budget_usd_bn"].astype(float)
        ax.fill_between(
            x,
            pct["chain_year_p10"].astype(float),
            pct["chain_year_p90"].astype(float),
            alpha=0.3,
            label="P10-P90",
        )
        ax.plot(x, pct["chain_year_p50"].astype(float), marker="o", label="P50")
        ax.set_xlabel("Budget (USD bn per year)")
        ax.set_ylabel("Chain self-sufficiency year")
        ax.legend()
        ax.grid(alpha=0.3)
        files["mc_band.png"] = _save(fig, folder / "mc_band.png")
    return files


def _save(fig: Any, path: Path) -> Path:
    import matplotlib.pyplot as plt

    with atomic_write(path) as tmp:
        fig.savefig(tmp, dpi=110, bbox_inches="tight")
    plt.close(fig)
    return path
