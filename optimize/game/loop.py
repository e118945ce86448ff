"""The race: plans and game iterated until the expectations they hold of each other agree.

State: P_k(t, S), the probability that sender S restricts in year t (for graded strategies the
expected intensity). Iteration k:

1. Each side X re-plans with an exposure section whose cutoff likelihood is the rival's
   P_k(t, rival) (floored at ``likelihood_floor``), over the commodities the rival's measures
   name, so the plan *anticipates* the restriction: it prices p(t) V (D - served) and builds
   (or stocks, a stock spread over ``cutoff_duration_years``) where that pays
   (docs/model.md). The plan's own restrictions (hard bans in force) stay.
   ``run_plan(..., earliest=False)``: the earliest-year search is not needed here.
2. Read dependence (1 - cutoff share) and the stakes (``stakes``) off both plans, solve the game
   along the years (``regimes.solve_path``: equilibria, pins, concession, regimes) and take its
   response G_k(t, S), the played restriction probability.
3. The gap r_k = max |G_k - P_k|. If r_k <= ``tolerance``: a **fixed point** (the plans of
   iteration k priced exactly the restrictions the game then plays; ``converged``).
4. Otherwise update P, by the stated method, and report the largest change of p,
   max |P_{k+1} - P_k|:
   - ``damped``: P_{k+1} = (1 - delta) G_k + delta P_k (delta = ``damping``; 0 is best-response
     iteration);
   - ``fictitious`` (fictitious play): P_{k+1} = P_k + (G_k - P_k) / (k + 1), the average of all
     responses so far;
   values within ``tolerance`` (at most 1e-6) of 0 or 1 snapped. Fictitious play has
   *settled* when the largest change of p is <= ``tolerance`` (``converged``; the gap is
   reported beside it: where
   the game's pure response flips around a belief, P_k is the frequency of its responses, an
   equilibrium in expectation rather than a pure fixed point). If P_{k+1} equals an earlier
   P_j (j < k) within ``tolerance``: a **cycle** [j, ..., k] (those iterations' patterns repeat
   for ever: damped iteration cannot leave it); after ``max_iterations`` re-plans: neither,
   reported with the last change and gap.

P_0 = 0 (no expected restriction). Plans are cached by the likelihood they price, so a
recurring pattern costs no new solve. The final iteration's two plans are solved once more
with the earliest-year search (``earliest=True``), so the race reports both timelines.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence

import pandas as pd

from network.cutoff import CHAIN as CHAIN_ROW
from network.errors import InputError, Problem
from optimize.game.payoffs import RIVAL, SIDES
from optimize.game.regimes import solve_path
from optimize.game.result import Iteration, RaceResult, likelihood_text
from optimize.game.scenario import MinOf, Race
from optimize.game.stakes import stakes_from_plans
from optimize.plan import run_plan
from optimize.plan.results import PlanResult
from optimize.scenario import Exposure

Year = int
Progress = Callable[[str], None]
SNAP = 1e-6  # probabilities this close to 0 or 1 are set to it (at most the loop's tolerance)


def _noop(_: str) -> None:
    return None


def dependence_of(plan: PlanResult, how: str | MinOf, years: Sequence[Year]) -> pd.Series:
    """``1 - cutoff share`` of the plan per year: the chain row, or the minimum share over
    ``how.min_of``; clipped to [0, 1]. Raises InputError when a year or commodity is missing."""
    cutoff = plan.cutoff["cutoff_share"]
    names = [CHAIN_ROW] if not isinstance(how, MinOf) else list(how.min_of)
    where = f"plan '{plan.scenario.name}'"
    have = set(cutoff.index.get_level_values("commodity"))
    missing = [c for c in names if c not in have]
    if missing:
        raise InputError(
            Problem(
                where,
                f"no cutoff share for {missing}: the planner "
                f"{plan.scenario.planner} has no demand for them",
                "choose commodities the planner demands in game.dependence",
            )
        )
    shares = cutoff.loc[names].unstack("commodity").reindex(list(years))
    if shares.isna().any().any():
        gaps = sorted(int(y) for y in shares.index[shares.isna().any(axis=1)])
        raise InputError(
            Problem(
                where,
                f"no cutoff share in years {gaps}",
                "give the planner demand in every year of the race",
            )
        )
    dep = (1.0 - shares.min(axis=1)).clip(0.0, 1.0)
    dep.index = pd.Index([int(y) for y in dep.index], name="year")
    return dep.rename(plan.scenario.planner)


def snap(p: pd.DataFrame, tolerance: float) -> pd.DataFrame:
    """Values within ``tolerance`` of 0 or 1 set to it.

    >>> snap(pd.DataFrame({"US": [1e-9, 0.5, 1 - 1e-9]}), 1e-6)["US"].tolist()
    [0.0, 0.5, 1.0]
    """
    out = p.astype(float).where((p - 0.0).abs() > tolerance, 0.0)
    return out.where((out - 1.0).abs() > tolerance, 1.0)


def update(
    method: str,
    response: pd.DataFrame,
    pattern: pd.DataFrame,
    k: int,
    damping: float,
    tolerance: float,
) -> pd.DataFrame:
    """P_{k+1} from G_k and P_k (module docstring).

    >>> y = pd.Index([2025], name="year")
    >>> g, p = pd.DataFrame({"US": [1.0]}, index=y), pd.DataFrame({"US": [0.0]}, index=y)
    >>> update("damped", g, p, 0, 0.25, 1e-6)["US"].tolist()
    [0.75]
    >>> update("fictitious", g, p, 3, 0.0, 1e-6)["US"].tolist()
    [0.25]
    """
    step = (1.0 - damping) if method == "damped" else 1.0 / (k + 1)
    return snap(pattern + step * (response - pattern), min(tolerance, SNAP))


def same_pattern(a: pd.DataFrame, b: pd.DataFrame, tolerance: float) -> bool:
    """Both patterns cover the same years and agree within ``tolerance`` everywhere."""
    return a.index.equals(b.index) and bool(
        (a[list(SIDES)] - b[list(SIDES)]).abs().to_numpy().max(initial=0.0) <= tolerance
    )


def exposed_commodities(race: Race, side: str) -> list[str] | str:
    """What ``side``'s plan prices a cutoff of: the commodities its rival's measures name that
    the plan's dataset marks critical, or every critical commodity when they name none."""
    critical = set(race.data[side].critical)
    named = [c for c in race.spec.measured(RIVAL[side]) if c in critical]
    return named or "critical"


def plan_scenario(race: Race, side: str, likelihood: pd.Series):
    """``side``'s plan scenario pricing a cutoff with likelihood p(t) (floored)."""
    base = race.plans[side]
    own = base.exposure
    floor = race.params.likelihood_floor
    bans = "; ".join(r.name or ", ".join(r.commodities) for r in base.restrictions) or "none"
    description = (
        f"{side}-side plan of race '{race.scenario.name}' (from '{base.name}'): "
        f"priced {RIVAL[side]}'s restriction with likelihood "
        f"{likelihood_text(likelihood)} (from the game); hard restrictions: {bans}"
    )
    exposure = Exposure(
        likelihood={int(t): max(float(p), floor) for t, p in likelihood.items()},
        value_lost=dict(own.value_lost) if own is not None else {},
        commodities=exposed_commodities(race, side),
        duration_years=race.params.cutoff_duration_years,
        source=f"game: probability that {RIVAL[side]} restricts, from the race's equilibria",
    )
    return base.model_copy(
        update={
            "exposure": exposure,
            "description": description,
            "name": f"{race.scenario.name} {side} plan",
        }
    )


def run_race(race: Race, progress: Progress = _noop) -> RaceResult:
    """Iterate plans and game to a fixed point, a cycle, or ``max_iterations`` (module doc)."""
    spec, years, params = race.spec, race.years, race.params
    cache: dict[tuple[str, tuple[float, ...]], PlanResult] = {}
    measured = {side: race.spec.measured(side) for side in SIDES}

    def plan(side: str, likelihood: pd.Series) -> PlanResult:
        key = (side, tuple(round(float(p), 9) for p in likelihood))
        if key not in cache:
            cache[key] = run_plan(
                plan_scenario(race, side, likelihood), race.data[side], earliest=False
            )
        return cache[key]

    def iterate(k: int, pattern: pd.DataFrame) -> Iteration:
        t0 = time.perf_counter()
        plans = {side: plan(side, pattern[RIVAL[side]]) for side in SIDES}
        dep = pd.DataFrame(
            {side: dependence_of(plans[side], spec.dependence_of(side), years) for side in SIDES}
        )
        dep.index.name = "year"
        stakes = stakes_from_plans(plans, race.data, measured, params, years)
        game = solve_path(params, dep, stakes, race.pins)
        own = {side: tuple(race.plans[side].restrictions) for side in SIDES}
        return Iteration(
            k,
            pattern,
            own,
            plans,
            dep,
            stakes,
            game,
            game.restriction_probability(),
            time.perf_counter() - t0,
        )

    pattern = pd.DataFrame(0.0, index=pd.Index(years, name="year"), columns=list(SIDES))
    patterns = [pattern]
    iterations: list[Iteration] = []
    changes: list[float] = []  # changes[k] = max |P_{k+1} - P_k| (0 at a fixed point)
    converged, cycle = False, None
    for k in range(spec.max_iterations + 1):
        it = iterate(k, patterns[-1])
        iterations.append(it)
        if it.residual <= spec.tolerance:  # G_k = P_k: a fixed point, whatever the method
            progress(f"iteration {k}: both plans and the game; a fixed point")
            changes.append(0.0)
            converged = True
            break
        nxt = update(spec.method, it.response, patterns[-1], k, spec.damping, spec.tolerance)
        change = float((nxt - patterns[-1]).abs().to_numpy().max(initial=0.0))
        changes.append(change)
        progress(f"iteration {k}: both plans and the game; largest change of p {change:.3g}")
        if spec.method == "fictitious" and change <= spec.tolerance:
            converged = True  # beliefs settled: P_k is the average of the responses so far
            break
        if k == spec.max_iterations:
            break
        earlier = [
            j
            for j in range(len(patterns) - 1)  # j = k would be a change <= tol
            if same_pattern(nxt, patterns[j], spec.tolerance)
        ]
        if earlier:
            cycle = list(range(earlier[-1], k + 1))
            break
        patterns.append(nxt)
    # the final plans once more with the earliest-year search, for the two timelines
    last = iterations[-1]
    final = {
        side: run_plan(
            plan_scenario(race, side, last.pattern[RIVAL[side]]), race.data[side], earliest=True
        )
        for side in SIDES
    }
    last = dataclasses.replace(last, plans=final)
    iterations[-1] = last
    result = RaceResult(
        iterations,
        converged,
        cycle,
        last.game,
        last.plans[SIDES[0]],
        last.plans[SIDES[1]],
        params,
        spec.method,
        changes,
        spec.tolerance,
    )
    progress(result.verdict)
    return result
