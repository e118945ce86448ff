"""Benchmark of the plan LP on synthetic networks: build, hand-over, solve, memory, and the
overhead of going through Pyomo against HiGHS alone on the same LP.

    python benchmarks/lp.py [--size small|medium|large] [--method choose|simplex|ipm]
                            [--compare] [--profile] [--default] [--time-limit S]

Each measurement runs in a fresh subprocess (peak memory = that process's ru_maxrss):

1. plan: generate + validate the synthetic dataset (not timed into end-to-end), then
   build_model_data + build_model (build), LinearStandardFormCompiler + passModel (transfer),
   HiGHS run + loading values back into Pyomo (solve); then write the LP as MPS.
2. HiGHS alone: a fresh ``highspy.Highs()`` reads that MPS and runs with the same options.

The last line printed is ``ratio <end-to-end / HiGHS alone>``.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "data" / "scenarios" / "baseline.yaml"


@dataclass(frozen=True)
class Size:
    regions: int
    chains: int
    stages: int
    years: int
    seed: int = 0
    density: float = 0.35


# tuned so that the compiled LP has about 15k / 300k / 900k columns (see README.md)
SIZES = {
    "small": Size(regions=22, chains=3, stages=4, years=16),
    "medium": Size(regions=53, chains=10, stages=4, years=16),
    "large": Size(regions=86, chains=10, stages=4, years=16),
}

# Default HiGHS method per size, chosen by measurement (README.md has the numbers).
DEFAULT_METHOD = {"small": "simplex", "medium": "ipm", "large": "ipm"}
REASON = {
    "simplex": (
        "simplex on small LPs: few thousand rows need few pivots, while IPM pays a fixed cost "
        "(normal-equations factorisation every iteration, then crossover to a vertex)"
    ),
    "ipm": (
        "IPM on medium/large LPs: its ~tens of iterations grow slowly with size, while dual "
        "simplex needs pivots roughly in proportion to the rows and each pivot gets dearer "
        "(perf-notes: 480 s simplex vs 37 s IPM at 336k columns)"
    ),
    "choose": (
        "HiGHS's own choice, which for an LP is dual simplex: the same path as simplex "
        "(same iteration count), so the two differ by noise only"
    ),
}

TARGET_RATIO = 1.10  # end-to-end / HiGHS alone, at medium and large
TARGET_BUILD_SHARE = 0.10  # build time / solve time
TARGET_MEMORY_GB = 4.0  # peak, at large
TARGET_DEFAULT_S = 3.0  # default scenario plan


def peak_rss_gb() -> float:
    """Peak resident memory of this process so far (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


# ---------------------------------------------------------------------------------------
# workers (each in its own process)


def worker_plan(size: Size, method: str, mps: str, time_limit: float | None, profile: bool):
    import cProfile
    import io
    import pstats

    from synthetic import synthetic_frames, synthetic_scenario

    from network.validate import dataset_from_frames
    from optimize.plan.model import build_model
    from optimize.plan.sets import build_model_data
    from optimize.plan.solve import compile_and_solve

    t0 = time.perf_counter()
    frames = synthetic_frames(
        size.regions, size.chains, size.stages, size.years, size.seed, size.density
    )
    data = dataset_from_frames(frames, origin="synthetic")
    sc = synthetic_scenario(frames, size.years, method)
    if time_limit:
        sc = sc.model_copy(
            update={"solver": sc.solver.model_copy(update={"time_limit_s": time_limit})}
        )
    gen_s = time.perf_counter() - t0

    prof = cProfile.Profile() if profile else None
    t0 = time.perf_counter()
    if prof:
        prof.enable()
    d = build_model_data(data, sc)
    t1 = time.perf_counter()
    m = build_model(d)
    t2 = time.perf_counter()
    if prof:
        prof.disable()
        solved = _compile_profiled(m, sc, t2 - t1, prof)
    else:
        solved = compile_and_solve(m, sc.solver, build_s=t2 - t1)
    e2e = time.perf_counter() - t0
    rss = peak_rss_gb()

    # split the solve time: HiGHS's own run vs loading values back into Pyomo variables
    values = solved.highs.getSolution().col_value
    t3 = time.perf_counter()
    for var, v in zip(solved.columns, values, strict=True):
        var.set_value(v, skip_validation=True)
    load_s = time.perf_counter() - t3

    solved.highs.writeModel(mps)
    info = solved.highs.getInfo()
    out = dict(
        status=solved.status.value,
        objective=solved.objective,
        offset=solved.objective_offset,
        n_vars=solved.n_vars,
        n_rows=solved.n_rows,
        nnz=solved.nnz,
        gen_s=gen_s,
        data_s=t1 - t0,
        model_s=solved.timings.build_s,
        compile_s=solved.timings.compile_s,
        solve_s=solved.timings.solve_s,
        load_s=load_s,
        e2e_s=e2e,
        peak_gb=rss,
        iterations=_iterations(info),
    )
    if prof:
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(25)
        out["profile"] = buf.getvalue()
    return out


def _compile_profiled(m, sc, build_s, prof):
    """compile_and_solve with the profiler on for the compile step only (the solve is HiGHS's
    C++ time and would swamp the Python hot spots)."""
    import highspy

    from optimize.plan.solve import compile_and_solve

    original = highspy.Highs.run

    def run(self):
        prof.disable()
        try:
            return original(self)
        finally:
            prof.enable()

    highspy.Highs.run = run
    prof.enable()
    try:
        return compile_and_solve(m, sc.solver, build_s=build_s)
    finally:
        prof.disable()
        highspy.Highs.run = original


def worker_highs(mps: str, method: str, time_limit: float | None) -> dict:
    import highspy

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    if method != "choose":
        h.setOptionValue("solver", method)
    if time_limit:
        h.setOptionValue("time_limit", float(time_limit))
    t0 = time.perf_counter()
    h.readModel(mps)
    t1 = time.perf_counter()
    h.run()
    t2 = time.perf_counter()
    return dict(
        status=h.modelStatusToString(h.getModelStatus()),
        objective=h.getInfo().objective_function_value,
        read_s=t1 - t0,
        run_s=t2 - t1,
        peak_gb=peak_rss_gb(),
        iterations=_iterations(h.getInfo()),
    )


def _iterations(info) -> str:
    """Iteration counts, to tell a different solve path from a slower machine."""
    return (
        f"ipm {info.ipm_iteration_count}, crossover {info.crossover_iteration_count}, "
        f"simplex {info.simplex_iteration_count}"
    )


def worker_default() -> dict:
    from optimize.plan import run_plan
    from optimize.scenario import load_scenario

    t0 = time.perf_counter()
    result = run_plan(load_scenario(BASELINE))
    return dict(
        seconds=time.perf_counter() - t0,
        status=result.status.value,
        objective=result.objective,
        peak_gb=peak_rss_gb(),
    )


# ---------------------------------------------------------------------------------------
# driver


def spawn(*args: str) -> dict:
    """Run this file as a worker in a fresh interpreter; its last stdout line is JSON."""
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"worker {args[:2]} failed with exit code {proc.returncode}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def median_of(runs: list[dict]) -> dict:
    """Field-wise median of numeric fields over repeated runs (other fields from the first).
    The machine is shared: single timings swing by up to 2x, medians of 3 are steadier."""
    out = dict(runs[0])
    for k, v in out.items():
        if isinstance(v, float):
            out[k] = statistics.median(r[k] for r in runs)
    out["runs"] = len(runs)
    return out


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def run_default() -> None:
    print(f"default scenario: {BASELINE.relative_to(ROOT)}")
    if not BASELINE.is_file():
        print(
            f"  missing: {BASELINE.relative_to(ROOT)} does not exist; target "
            f"<= {TARGET_DEFAULT_S:.0f} s not measured"
        )
        return
    r = spawn("--worker", "default")
    print(
        f"  plan (load, validate, build, solve, timeline): {r['seconds']:.2f} s, "
        f"status {r['status']}, peak {r['peak_gb']:.2f} GB; target <= {TARGET_DEFAULT_S:.0f} s: "
        f"{verdict(r['seconds'] <= TARGET_DEFAULT_S)}"
    )


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", choices=list(SIZES), default="small")
    ap.add_argument(
        "--method",
        choices=["choose", "simplex", "ipm"],
        default=None,
        help="HiGHS method (default: per size, see README.md)",
    )
    ap.add_argument(
        "--compare",
        action="store_true",
        help="also solve the MPS with the other methods (always on for small)",
    )
    ap.add_argument(
        "--profile",
        action="store_true",
        help="cProfile build and compile (not the HiGHS run); prints hot spots",
    )
    ap.add_argument(
        "--default",
        action="store_true",
        help="also time the default scenario's plan (data/scenarios/baseline.yaml)",
    )
    ap.add_argument("--time-limit", type=float, default=None, help="HiGHS time limit, seconds")
    ap.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="run each measurement N times (fresh processes), report medians",
    )
    ap.add_argument("--worker", choices=["plan", "highs", "default"], help=argparse.SUPPRESS)
    ap.add_argument("--mps", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)

    method = a.method or DEFAULT_METHOD[a.size]
    if a.worker:
        if a.worker == "plan":
            out = worker_plan(SIZES[a.size], method, a.mps, a.time_limit, a.profile)
        elif a.worker == "highs":
            out = worker_highs(a.mps, method, a.time_limit)
        else:
            out = worker_default()
        print(json.dumps(out))
        return

    if a.default:
        run_default()
    s = SIZES[a.size]
    why = "given with --method" if a.method else f"default for {a.size}"
    print(
        f"size {a.size}: {s.regions} regions, {s.chains} chains x {s.stages} stages, "
        f"{s.years} years, seed {s.seed}"
    )
    print(f"method {method} ({why}): {REASON[method]}")
    with tempfile.TemporaryDirectory() as tmp:
        mps = str(Path(tmp) / "plan.mps")
        extra = ["--time-limit", str(a.time_limit)] if a.time_limit else []
        plan = median_of(
            [
                spawn(
                    "--worker",
                    "plan",
                    "--size",
                    a.size,
                    "--method",
                    method,
                    "--mps",
                    mps,
                    *extra,
                    *(["--profile"] if a.profile else []),
                )
                for _ in range(a.repeat)
            ]
        )
        alone = median_of(
            [
                spawn("--worker", "highs", "--mps", mps, "--method", method, *extra)
                for _ in range(a.repeat)
            ]
        )
        others = {}
        if a.compare or a.size == "small":
            for other in ("simplex", "ipm", "choose"):
                if other != method:
                    others[other] = median_of(
                        [
                            spawn("--worker", "highs", "--mps", mps, "--method", other, *extra)
                            for _ in range(a.repeat)
                        ]
                    )

    if plan.get("profile"):
        print("profile of build_model_data + build_model + compile (tottime, top 25):")
        print(plan["profile"])
    highs_s = alone["read_s"] + alone["run_s"]
    ratio = plan["e2e_s"] / highs_s
    build = plan["data_s"] + plan["model_s"]
    share = build / plan["solve_s"] if plan["solve_s"] else float("inf")
    obj_alone = alone["objective"] + plan["offset"]
    agree = abs(obj_alone - plan["objective"]) <= 1e-6 * max(1.0, abs(plan["objective"]))
    at_scale = a.size in ("medium", "large")

    rows = [
        ("variables (columns)", f"{plan['n_vars']:,}", ""),
        ("constraints (rows)", f"{plan['n_rows']:,}", ""),
        ("nonzeros", f"{plan['nnz']:,}", ""),
        ("status", plan["status"], "optimal: " + verdict(plan["status"] == "optimal")),
        (
            "objective (USD)",
            f"{plan['objective']:.6g}",
            f"HiGHS alone {obj_alone:.6g}: " + ("same" if agree else "DIFFERS"),
        ),
        ("generate + validate s", f"{plan['gen_s']:.2f}", "(not in end-to-end)"),
        (
            "build s (data + model)",
            f"{build:.2f} ({plan['data_s']:.2f} + {plan['model_s']:.2f})",
            f"<= {TARGET_BUILD_SHARE:.0%} of solve: {share:.1%} "
            + verdict(share <= TARGET_BUILD_SHARE),
        ),
        ("transfer to solver s", f"{plan['compile_s']:.2f}", "compile + passModel"),
        (
            "solver s",
            f"{plan['solve_s']:.2f}",
            f"of which loading values into Pyomo ~{plan['load_s']:.2f}; {plan['iterations']}",
        ),
        ("end-to-end s", f"{plan['e2e_s']:.2f}", "build + transfer + solver"),
        (
            "HiGHS alone s",
            f"{highs_s:.2f} ({alone['read_s']:.2f} + {alone['run_s']:.2f})",
            f"read MPS + run, {method}, {alone['status']}; {alone['iterations']}",
        ),
        (
            "peak memory GB",
            f"{plan['peak_gb']:.2f}",
            f"HiGHS alone {alone['peak_gb']:.2f}; <= {TARGET_MEMORY_GB:.0f} GB at large"
            + (f": {verdict(plan['peak_gb'] <= TARGET_MEMORY_GB)}" if a.size == "large" else ""),
        ),
        (
            "end-to-end / HiGHS alone",
            f"{ratio:.2f}",
            f"<= {TARGET_RATIO:.2f} at medium and large"
            + (f": {verdict(ratio <= TARGET_RATIO)}" if at_scale else " (not a target here)"),
        ),
    ]
    print(f"{'':26} {'measured':>22}   target / note (median of {plan['runs']} run(s))")
    for name, value, note in rows:
        print(f"{name:26} {value:>22}   {note}")
    if others:
        timings = {method: alone, **others}
        print("method comparison, HiGHS alone on the same MPS (read + run s):")
        for k, r in timings.items():
            print(f"  {k:8} {r['read_s'] + r['run_s']:8.2f}  status {r['status']}")
        fastest = min(timings, key=lambda k: timings[k]["read_s"] + timings[k]["run_s"])
        print(f"  fastest here: {fastest}; {REASON[fastest]}")
    print(f"ratio {ratio:.2f}")


if __name__ == "__main__":
    main()
