"""The race as a fixed point: plans set dependence, dependence sets the game, the game's
restrictions set the plans.

Loop (iteration k; each side's plan is the race's ``us_plan`` / ``cn_plan`` scenario):

0. Solve both plans with their own scenario restrictions. Dependence of a side in year t is
   ``1 - cutoff share`` of its plan in t: the chain-wide share (``dependence: chain``) or the
   smallest share among a commodity set (``dependence: {min_of: [...]}``), clipped to [0, 1].
   Solve the game along that path (``regimes.solve_path``; tolerance and concession apply).
   The response G_k is each side's expected restriction intensity per year in the final path
   (after any concession): a pure strategy's intensity, or under a mixed equilibrium the
   intensity in expectation.
1. The pattern applied in iteration k >= 1 is P_1 = G_0 and, with damping delta in [0, 1),

       P_{k+1} = (1 - delta) G_k + delta P_k,

   each value snapped to 0 or 1 when within ``tolerance`` of it (so damped sequences that head
   for a pure pattern reach it in finitely many steps).
2. Iteration k re-plans both sides with the restrictions P_k implies, which *replace* the plan
   scenarios' own restrictions: when the sender S plays intensity s > tolerance over a run of
   consecutive years [a, b] (same s), every measure of S (``game.measures.S``) becomes one
   :class:`Restriction` on the rival's plan with ``from_year = a``, ``to_year = b``,
   ``max_share = 1 - s`` (s = 1: a ban; s = 0.5: half of the bloc's use may still come from the
   sender; a mixed equilibrium restricts in expectation).
3. Recompute dependence, the game, G_k and P_{k+1}. Stop when
   - P_{k+1} equals P_k within ``tolerance`` (every year, both sides): a fixed point; the
     plans and game of iteration k are consistent with each other (``converged``);
   - P_{k+1} equals an earlier P_j (1 <= j < k): a cycle, reported as the iterations
     ``[j, ..., k]`` whose patterns repeat; the last iteration is the one reported as final;
   - k reaches ``max_iterations``: neither (``converged`` False, ``cycle`` None).

Plans are cached by the restrictions they face, so a pattern that recurs costs no new solve.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from network.cutoff import CHAIN as CHAIN_ROW
from network.errors import InputError, Problem
from optimize.game.payoffs import CN, SIDES, US, GameParams
from optimize.game.regimes import INTENSITY, RIVAL, GamePath, Window, solve_path
from optimize.game.scenario import Measure, MinOf, Race
from optimize.plan import run_plan
from optimize.results import PlanResult
from optimize.scenario import Restriction

Year = int
Progress = Callable[[str], None]


def _noop(_: str) -> None:
    return None


# ---------------------------------------------------------------------------------------
# dependence


def dependence_of(plan: PlanResult, how: str | MinOf, years: Sequence[Year]) -> pd.Series:
    """``1 - cutoff share`` of the plan per year: the chain row, or the minimum share over
    ``how.min_of``; clipped to [0, 1]. Raises InputError when a year or commodity is missing."""
    cutoff = plan.cutoff["cutoff_share"]
    names = [CHAIN_ROW] if not isinstance(how, MinOf) else list(how.min_of)
    where = f"plan '{plan.scenario.name}'"
    have = set(cutoff.index.get_level_values("commodity"))
    missing = [c for c in names if c not in have]
    if missing:
        raise InputError(Problem(where, f"no cutoff share for {missing}: the planner "
                                 f"{plan.scenario.planner} has no demand for them",
                                 "choose commodities the planner demands in game.dependence"))
    shares = cutoff.loc[names].unstack("commodity").reindex(list(years))
    if shares.isna().any().any():
        gaps = sorted(int(y) for y in shares.index[shares.isna().any(axis=1)])
        raise InputError(Problem(where, f"no cutoff share in years {gaps}",
                                 "give the planner demand in every year of the race"))
    dep = (1.0 - shares.min(axis=1)).clip(0.0, 1.0)
    dep.index = pd.Index([int(y) for y in dep.index], name="year")
    return dep.rename(plan.scenario.planner)


# ---------------------------------------------------------------------------------------
# restriction patterns


def response(game: GamePath) -> pd.DataFrame:
    """Each sender's expected restriction intensity per year (columns 'US', 'CN')."""
    frame = pd.DataFrame({side: game.path[INTENSITY[side]].astype(float) for side in SIDES})
    frame.index.name = "year"
    return frame


def blend(new: pd.DataFrame, old: pd.DataFrame | None, damping: float,
          tolerance: float) -> pd.DataFrame:
    """``(1 - damping) * new + damping * old``, values within ``tolerance`` of 0 or 1 snapped.

    >>> y = pd.Index([2025], name="year")
    >>> new = pd.DataFrame({"US": [1.0], "CN": [0.0]}, index=y)
    >>> old = pd.DataFrame({"US": [0.0], "CN": [1.0]}, index=y)
    >>> blend(new, old, 0.25, 1e-6).loc[2025].tolist()
    [0.75, 0.25]
    """
    out = new.astype(float) if old is None else (1.0 - damping) * new + damping * old
    out = out.where((out - 0.0).abs() > tolerance, 0.0)
    return out.where((out - 1.0).abs() > tolerance, 1.0)


def same_pattern(a: pd.DataFrame, b: pd.DataFrame, tolerance: float) -> bool:
    """Both patterns cover the same years and agree within ``tolerance`` everywhere."""
    return a.index.equals(b.index) and bool(
        (a[list(SIDES)] - b[list(SIDES)]).abs().to_numpy().max(initial=0.0) <= tolerance
    )


def runs(intensity: pd.Series, tolerance: float) -> list[tuple[Year, Year, float]]:
    """Maximal runs of consecutive years with one intensity > tolerance: (first, last, s).

    >>> s = pd.Series({2025: 1.0, 2026: 1.0, 2027: 0.5, 2028: 0.0, 2029: 1.0})
    >>> runs(s, 1e-6)
    [(2025, 2026, 1.0), (2027, 2027, 0.5), (2029, 2029, 1.0)]
    """
    out: list[tuple[Year, Year, float]] = []
    for year, s in intensity.sort_index().items():
        year, s = int(year), float(s)
        if s <= tolerance:
            continue
        if out and out[-1][1] == year - 1 and abs(out[-1][2] - s) <= tolerance:
            out[-1] = (out[-1][0], year, out[-1][2])
        else:
            out.append((year, year, s))
    return out


def restrictions_from(intensity: pd.Series, measures: Sequence[Measure], sender: str,
                      tolerance: float) -> tuple[Restriction, ...]:
    """The restrictions the rival's plan faces when ``sender`` plays ``intensity`` per year:
    per run of equal intensity s and per measure, ``max_share = 1 - s`` over the run's years."""
    out = []
    for first, last, s in runs(intensity, tolerance):
        for m in measures:
            label = m.name or ", ".join(m.commodities)
            out.append(Restriction(
                name=f"{sender} {label}, intensity {s:.3g} ({first}-{last})",
                commodities=list(m.commodities), from_year=first, to_year=last,
                max_share=float(np.clip(1.0 - s, 0.0, 1.0)),
                extraterritorial=m.extraterritorial,
                source=m.source or "game: the sender's equilibrium strategy in these years",
            ))
    return tuple(out)


# ---------------------------------------------------------------------------------------
# results


@dataclass(frozen=True)
class Iteration:
    """One pass of the loop: the restrictions each plan faced, the plans, and the game."""

    index: int
    pattern: pd.DataFrame | None  # applied sender intensities (year x US, CN); None at 0
    restrictions: Mapping[str, tuple[Restriction, ...]]  # planner side -> what its plan faced
    plans: Mapping[str, PlanResult]  # planner side -> plan
    dependence: pd.DataFrame  # year x US, CN
    game: GamePath
    response: pd.DataFrame  # the game's sender intensities (year x US, CN)
    seconds: float

    @property
    def chain_year(self) -> dict[str, int | None]:
        return {side: self.plans[side].chain_year for side in SIDES}

    @property
    def regimes(self) -> pd.Series:
        return self.game.path["regime"].map(str)

    def record(self) -> dict[str, Any]:
        """Plain-data view (JSON-ready) of this iteration."""
        return {
            "iteration": self.index,
            "restrictions": {
                side: [r.model_dump(mode="json", include={"name", "commodities", "from_year",
                                                          "to_year", "max_share"})
                       for r in self.restrictions[side]]
                for side in SIDES
            },
            "status": {side: self.plans[side].status.value for side in SIDES},
            "chain_year": self.chain_year,
            "timeline": {side: timeline_dict(self.plans[side]) for side in SIDES},
            "equilibria": equilibria_text(self.game),
            "regime": {int(y): r for y, r in self.regimes.items()},
            "seconds": round(self.seconds, 3),
        }


def timeline_dict(plan: PlanResult) -> dict[str, int | None]:
    """Commodity -> first year of lasting self-sufficiency (None if never); chain row left out."""
    return {
        str(c): None if pd.isna(y) else int(y)
        for c, y in plan.timeline["year"].items() if c != CHAIN_ROW
    }


def equilibria_text(game: GamePath) -> dict[int, list[str]]:
    """Every equilibrium of every year as text, the selected one first."""
    labels = (game.us_labels, game.cn_labels)
    out = {}
    for year, eqs in sorted(game.equilibria.items()):
        chosen = game.selected[year]
        out[int(year)] = [chosen.describe(labels)] + [
            e.describe(labels) for e in eqs if e is not chosen
        ]
    return out


@dataclass(frozen=True)
class RaceResult:
    """The loop's record and its final state (the last iteration's plans and game)."""

    iterations: list[Iteration]
    converged: bool
    cycle: list[int] | None
    game: GamePath
    us_plan: PlanResult
    cn_plan: PlanResult
    params: GameParams

    @property
    def window(self) -> Window | None:
        """The main strategic window of the final game path, or None."""
        return self.game.main_window

    @property
    def table(self) -> pd.DataFrame:
        """Per year of the final iteration: dependence, play (after any concession), the stage
        game's selected and other equilibria, regime (for Excel)."""
        path = self.game.path
        eqs = equilibria_text(self.game)
        df = pd.DataFrame(index=path.index)
        df["us_dependence"] = path["us_dependence"]
        df["cn_dependence"] = path["cn_dependence"]
        df["us_strategy"] = path["us_strategy"]
        df["cn_strategy"] = path["cn_strategy"]
        df["us_intensity"] = path["us_intensity"]
        df["cn_intensity"] = path["cn_intensity"]
        df["stage_equilibrium"] = [eqs[int(y)][0] for y in path.index]  # before concession
        df["other_equilibria"] = ["; ".join(eqs[int(y)][1:]) for y in path.index]
        df["regime"] = path["regime"].map(str)
        df["leader"] = path["leader"]
        df["conceded"] = path["conceded"]
        df.index.name = "year"
        return df

    def summary_fields(self) -> dict[str, Any]:
        """The game's part of summary.json (see ``autarky.runner.summary_of``)."""
        w = self.window
        path = self.game.path
        return {
            "window": None if w is None else {
                "leader": w.leader, "start": int(w.start), "end": int(w.end),
                "years": int(w.years),
            },
            "game_path": [
                {"year": int(y), "us": str(r.us_strategy), "cn": str(r.cn_strategy),
                 "regime": str(r.regime)}
                for y, r in path.iterrows()
            ],
            "timeline": {US: timeline_dict(self.us_plan), CN: timeline_dict(self.cn_plan)},
            "chain_year": {US: self.us_plan.chain_year, CN: self.cn_plan.chain_year},
        }

    def to_json(self) -> dict[str, Any]:
        """Everything the CLI's ``--json`` prints."""
        return {
            **self.summary_fields(),
            "converged": self.converged,
            "cycle": self.cycle,
            "equilibria": equilibria_text(self.game),
            "concession": None if self.game.concession is None
            else dataclasses.asdict(self.game.concession),
            "iterations": [it.record() for it in self.iterations],
        }


# ---------------------------------------------------------------------------------------
# the loop


def run_race(race: Race, progress: Progress = _noop) -> RaceResult:
    """Iterate plans and game to a fixed point, a cycle, or ``max_iterations`` (module doc)."""
    spec, years = race.spec, race.years
    cache: dict[tuple[str, tuple[str, ...]], PlanResult] = {}

    def plan(side: str, restrictions: tuple[Restriction, ...]) -> PlanResult:
        key = (side, tuple(r.model_dump_json() for r in restrictions))
        if key not in cache:
            progress(f"planning {side} ({len(restrictions)} restrictions)")
            sc = race.plans[side].model_copy(update={"restrictions": list(restrictions)})
            cache[key] = run_plan(sc, race.data[side])
        return cache[key]

    def iterate(index: int, pattern: pd.DataFrame | None,
                restrictions: dict[str, tuple[Restriction, ...]]) -> Iteration:
        t0 = time.perf_counter()
        plans = {side: plan(side, restrictions[side]) for side in SIDES}
        dep = pd.DataFrame({side: dependence_of(plans[side], spec.dependence_of(side), years)
                            for side in SIDES})
        dep.index.name = "year"
        progress(f"iteration {index}: solving the game")
        game = solve_path(race.params, dep)
        return Iteration(index, pattern, restrictions, plans, dep, game, response(game),
                         time.perf_counter() - t0)

    own = {side: tuple(race.plans[side].restrictions) for side in SIDES}
    iterations = [iterate(0, None, own)]
    patterns: list[pd.DataFrame] = []  # patterns[k - 1] = P_k
    nxt = blend(iterations[0].response, None, spec.damping, spec.tolerance)
    converged, cycle = False, None
    for k in range(1, spec.max_iterations + 1):
        patterns.append(nxt)
        faced = {
            side: restrictions_from(nxt[RIVAL[side]], spec.measures_of(RIVAL[side]),
                                    RIVAL[side], spec.tolerance)
            for side in SIDES
        }
        iterations.append(iterate(k, nxt, faced))
        nxt = blend(iterations[-1].response, nxt, spec.damping, spec.tolerance)
        if same_pattern(nxt, patterns[-1], spec.tolerance):
            converged = True
            break
        earlier = [j for j in range(1, k) if same_pattern(nxt, patterns[j - 1], spec.tolerance)]
        if earlier:
            cycle = list(range(earlier[-1], k + 1))
            break
    last = iterations[-1]
    state = "fixed point" if converged else f"cycle {cycle}" if cycle else "no fixed point"
    progress(f"{state} after {last.index} iteration(s)")
    return RaceResult(iterations, converged, cycle, last.game, last.plans[US], last.plans[CN],
                      race.params)
