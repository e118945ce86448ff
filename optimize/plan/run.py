"""Solve a scenario's plan; diagnose an infeasible one; search the earliest feasible years.

Repeated solves live here, beside the model: the diagnosis re-solves an elastic copy and
relaxed variants; the earliest-year search re-uses one compiled model and only moves target
right-hand sides.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable

from network.dataset import Dataset
from network.validate import load_dataset
from optimize.plan.earliest import earliest_years
from optimize.plan.independence import cost_of_independence, independence_table
from optimize.plan.model import build_model
from optimize.plan.model.targets import target_demand
from optimize.plan.results import Diagnosis, PlanResult, read_result
from optimize.plan.sets import ModelData, build_model_data
from optimize.plan.solve import Solved, Status, compile_and_solve
from optimize.scenario import Scenario, Target, check_against

Progress = Callable[[str], None]


def _noop(_: str) -> None:
    return None


class NoSolution(RuntimeError):
    """The solver stopped without any solution to read (e.g. its time limit came before a
    first feasible point, or it hit numerical trouble). Never an optimal plan."""

    def __init__(self, status: Status, stage: str = "plan") -> None:
        super().__init__(f"the solver stopped with status {status.value} and no {stage} solution")
        self.status = status


def solve_model_data(d: ModelData, sc: Scenario, elastic: bool = False) -> Solved:
    t0 = time.perf_counter()
    m = build_model(d, elastic=elastic)
    return compile_and_solve(m, sc.solver, build_s=time.perf_counter() - t0)


def run_plan(
    sc: Scenario,
    data: Dataset | None = None,
    progress: Progress = _noop,
    earliest: bool = True,
) -> PlanResult:
    """Load the data (unless given), build, solve, and read the plan; then, on the same
    compiled model, the free plan (cost of independence), and, unless ``earliest`` is False,
    the earliest year each critical commodity and the chain could be independent
    (optimize.plan.earliest). An infeasible plan comes back with status INFEASIBLE, the elastic
    plan's tables, and a diagnosis."""
    if data is None:
        progress("loading")
        data = load_dataset(sc.dataset_path)
    check_against(sc, data)
    progress("building")
    d = build_model_data(data, sc)
    progress("solving")
    solved = solve_model_data(d, sc)
    if solved.status is Status.INFEASIBLE:
        progress("diagnosing")
        elastic = solve_model_data(d, sc, elastic=True)
        if not math.isfinite(elastic.objective):
            raise NoSolution(elastic.status, "diagnosis")
        diagnosis = diagnose(data, sc, d, elastic)
        result = read_result(data, sc, d, elastic, diagnosis)
        early = earliest_years(sc, data, progress=progress) if earliest else None
        return dataclasses.replace(
            result,
            status=Status.INFEASIBLE,
            independence=independence_table(result.timeline, early),
        )
    if not math.isfinite(solved.objective):
        raise NoSolution(solved.status)
    progress("reading results")
    result = read_result(data, sc, d, solved)
    progress("solving the free plan (cost of independence)")
    coi = cost_of_independence(d, solved, plan_cost=float(result.costs.sum()))
    early = earliest_years(sc, data, progress=progress, reuse=(d, solved)) if earliest else None
    return dataclasses.replace(
        result, cost_of_independence=coi, independence=independence_table(result.timeline, early)
    )


# ---------------------------------------------------------------------------------------
# infeasibility


def _slacks(d: ModelData, s: Solved) -> list[tuple[str, str, int, float]]:
    """Non-zero elastic slacks: (kind, item, year, amount) with target amounts as shares."""
    m = s.model
    out = []
    for (c, t), v in m.shortfall.items():
        x = float(v.value or 0.0)
        dem = target_demand(d, c, t)
        if x > 1e-6 * max(1.0, dem):
            out.append(("target", c, t, x / dem if dem else 0.0))
    for t, v in m.overrun_year.items():
        if float(v.value or 0.0) > 1.0:
            out.append(("budget", "per-year budget", t, float(v.value)))
    if float(m.overrun_total.value or 0.0) > 1.0:
        out.append(("budget", "total budget", d.years[-1], float(m.overrun_total.value)))
    for (ch, t), v in m.overrun_chain.items():
        if float(v.value or 0.0) > 1.0:
            out.append(("budget", f"{ch} budget", t, float(v.value)))
    return out


def relaxations(data: Dataset, sc: Scenario) -> dict[str, tuple[Dataset, Scenario]]:
    """Variants with one kind of limit lifted, to name the one that binds."""
    unlimited = sc.model_copy(update={"budget": type(sc.budget)()})
    cap = data.capacity.copy()
    cap["max_build"] = cap["max_build"].where(cap["max_build"] <= 0, cap["max_build"] * 1e6)
    no_limit = dataclasses.replace(data, capacity=cap)
    cap2 = cap.copy()
    cap2["lead_time"] = 0
    no_lead = dataclasses.replace(data, capacity=cap2)
    return {
        "budget": (data, unlimited),
        "build limit": (no_limit, unlimited),
        "lead time": (no_lead, unlimited),
    }


def binding_limit(
    data: Dataset, sc: Scenario, feasible: Callable[[Dataset, Scenario], bool]
) -> str:
    """The first limit whose removal makes ``feasible`` true: budget, then build limit (with
    budget lifted), then lead time (with both lifted); else the bloc has no buildable supply
    chain for it (a process or input that only the rival can provide)."""
    for name, (dd, ss) in relaxations(data, sc).items():
        if feasible(dd, ss):
            return name
    return "no buildable supply"


def diagnose(data: Dataset, sc: Scenario, d: ModelData, elastic: Solved) -> tuple[Diagnosis, ...]:
    """Which targets and budgets the elastic plan had to break, by how much, from which year,
    and which limit binds for each target."""
    slacks = _slacks(d, elastic)
    first: dict[tuple[str, str], tuple[int, float]] = {}
    for kind, item, t, amount in slacks:
        key = (kind, item)
        if key not in first:
            first[key] = (t, amount)
        else:
            first[key] = (min(first[key][0], t), max(first[key][1], amount))
    out = []
    for (kind, item), (t, amount) in sorted(first.items(), key=lambda kv: (kv[1][0], kv[0])):
        if kind == "target":
            share = d.target_share.get((item, t), 0.0)

            def feasible(
                dd: Dataset, ss: Scenario, c: str = item, share: float = share, t: int = t
            ) -> bool:
                probe = ss.model_copy(
                    update={"targets": [Target(commodities=[c], share=share, from_year=t)]}
                )
                dd2 = build_model_data(dd, probe)
                return solve_model_data(dd2, probe).status is Status.OPTIMAL

            binding = binding_limit(data, sc, feasible)
            msg = (
                f"target for {item}: {100 * share:.0f}% from {t} cannot be met; "
                f"short by up to {100 * amount:.1f} percentage points (first short in {t}); "
                f"binding: {binding}"
            )
        else:
            binding = "budget"
            msg = f"{item} exceeded by {amount / 1e9:.3f} USD bn in {t} to meet the targets"
        out.append(Diagnosis(kind, item, t, amount, binding, msg))
    return tuple(out)


__all__ = ["NoSolution", "diagnose", "earliest_years", "run_plan", "solve_model_data"]
