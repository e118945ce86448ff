"""Budget sweep on one compiled model against independent build + solve runs.

    .venv/bin/python benchmarks/sweep.py                 # synthetic network and default scenario
    .venv/bin/python benchmarks/sweep.py --variants 20
    .venv/bin/python benchmarks/sweep.py --monte-carlo 1000   # also the Monte Carlo timing

Both routes produce the same figures per variant (objective, chain self-sufficiency year);
the rebuild route is ``variant_inputs`` + ``run_plan``'s build and solve (``build_model_data``,
``build_model``, ``compile_and_solve``) plus the same self-sufficiency scan, in this process.
The last line printed is ``speedup <rebuild time / sweep time>`` (default scenario; like for
like: both routes build/compile/solve only. The sweep with its per-variant figures, i.e. the
self-sufficiency scan of cutoff LPs, is printed too).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from network.validate import dataset_from_frames, load_dataset  # noqa: E402
from optimize.plan import solve_model_data  # noqa: E402
from optimize.plan.sets import build_model_data  # noqa: E402
from optimize.scenario import Scenario, load_scenario  # noqa: E402
from optimize.sweep import (  # noqa: E402
    SweepSettings,
    Variant,
    budget_mode,
    clear_cache,
    solve_variants,
    variant_inputs,
)


def synthetic() -> tuple[object, Scenario]:
    from benchmarks.synthetic import synthetic_frames, synthetic_scenario

    frames = synthetic_frames(n_regions=8, n_chains=2, stages=3, years=12, seed=1)
    return dataset_from_frames(frames), synthetic_scenario(frames, 12)


def budgets_for(sc: Scenario, n: int, settings: SweepSettings) -> list[float]:
    """``n`` budgets from 40% to 200% of the scenario's (per-year or swept chains' sum)."""
    if budget_mode(sc) == "per_year":
        base = sc.budget.per_year_usd_bn or 1.0
    else:
        chains = settings.budget_chains or tuple(sc.budget.per_chain_per_year_usd_bn)
        base = sum(sc.budget.per_chain_per_year_usd_bn[c] for c in chains)
    return [float(x) for x in np.linspace(0.4 * base, 2.0 * base, n)]


def sweep(data, sc, variants, settings) -> tuple[float, list]:
    clear_cache()
    t0 = time.perf_counter()
    rows = list(solve_variants(data, sc, variants, settings))
    dt = time.perf_counter() - t0
    return dt, [r.get("objective_usd") for _, r in rows]


def sweep_solves_only(data, sc, variants, settings) -> tuple[float, list]:
    """The same sweep without the per-variant figures: one build, then rhs moves and warm
    re-solves only (what the rebuild route does per variant, minus its build)."""
    from optimize.sweep import model_for

    clear_cache()
    t0 = time.perf_counter()
    out = []
    for v in variants:
        sm = model_for(data, sc, v, settings)
        sm.apply(v)
        st = sm.solved.resolve(load_values=False)
        out.append(sm.solved.objective if st.value == "optimal" else None)
    return time.perf_counter() - t0, out


def compare_routes(label: str, data, sc, n: int, settings: SweepSettings) -> float:
    variants = [
        Variant(name=f"b{i}", budget_usd_bn=b) for i, b in enumerate(budgets_for(sc, n, settings))
    ]
    t_sweep, obj_s = sweep(data, sc, variants, settings)
    t_bare, _ = sweep_solves_only(data, sc, variants, settings)
    # the rebuild route solves only (no self-sufficiency scan): the sweep's time includes it,
    # so the ratio understates the sweep's advantage
    t0 = time.perf_counter()
    obj_r = []
    for v in variants:
        d2, sc2 = variant_inputs(data, sc, v, settings)
        solved = solve_model_data(build_model_data(d2, sc2), sc2)
        obj_r.append(solved.objective if solved.status.value == "optimal" else None)
    t_rebuild = time.perf_counter() - t0
    same = all(
        (a is None and b is None)
        or (a is not None and b is not None and abs(a - b) <= 1e-6 * max(1, abs(b)))
        for a, b in zip(obj_s, obj_r, strict=True)
    )
    feasible = sum(x is not None for x in obj_s)
    print(f"{label}: {n} budget variants ({feasible} feasible), same objectives: {same}")
    print(
        f"  sweep (one build, rhs moves, warm re-solves, incl. self-sufficiency scan): "
        f"{t_sweep:.2f} s"
    )
    print(
        f"  rebuild ({n} x build + compile + cold solve, no scan):                   "
        f"{t_rebuild:.2f} s"
    )
    print(
        f"  sweep, solves only (one build, rhs moves, warm re-solves):                "
        f"{t_bare:.2f} s"
    )
    print(
        f"  ratio rebuild / sweep with figures {t_rebuild / t_sweep:.1f}x; "
        f"rebuild / sweep solves only {t_rebuild / t_bare:.1f}x"
    )
    return t_rebuild / t_bare


def monte_carlo(n: int, workers: int) -> None:
    from autarky.compare import run_compare

    src = ROOT / "data" / "scenarios" / "baseline.yaml"
    text = src.read_text(encoding="utf-8")
    sweep_section = """
sweep:
  budget_chains: [rare_earth, magnet, minor_metal]
  uncertain:
    lead_time_multiplier: {dist: triangular, low: 0.8, mode: 1.0, high: 1.5}
    capex_multiplier: {dist: triangular, low: 0.8, mode: 1.0, high: 1.6}
    demand_growth_multiplier: {dist: uniform, low: 0.5, high: 1.5}
    restriction_start_year: {dist: choice, values: [2025, 2026, 2028]}
"""
    with tempfile.TemporaryDirectory() as tmp:
        path = ROOT / "data" / "scenarios" / f".bench-mc-{Path(tmp).name}.yaml"
        path.write_text(text + sweep_section, encoding="utf-8")
        try:
            t0 = time.perf_counter()
            out = run_compare(
                path,
                Path(tmp) / "out",
                budgets=[8.0],
                monte_carlo=n,
                seed=1,
                workers=workers,
                write=True,
            )
            dt = time.perf_counter() - t0
        finally:
            path.unlink(missing_ok=True)
    print(
        f"monte carlo: {n} variants of the default scenario on {workers} workers: {dt:.1f} s "
        f"(target <= 300 s); statuses {out.table['status'].value_counts().to_dict()}"
    )
    print(out.percentiles.to_string(index=False))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--variants", type=int, default=20)
    ap.add_argument("--monte-carlo", type=int, default=0)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    data, sc = synthetic()
    compare_routes(
        "synthetic (8 regions, 2 chains x 3 stages, 12 years)",
        data,
        sc,
        args.variants,
        SweepSettings(budget_swept=True),
    )
    sc = load_scenario(ROOT / "data" / "scenarios" / "baseline.yaml")
    data = load_dataset(sc.dataset_path)
    settings = SweepSettings(
        budget_swept=True, budget_chains=("rare_earth", "magnet", "minor_metal")
    )
    ratio = compare_routes("default scenario (baseline.yaml)", data, sc, args.variants, settings)
    if args.monte_carlo:
        monte_carlo(args.monte_carlo, args.workers)
    print(f"speedup {ratio:.1f}")


if __name__ == "__main__":
    main()
