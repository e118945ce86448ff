"""The earliest year each critical commodity, and the chain, could become independent.

"Independent from year y" means: from y to the horizon's end, ``share`` of the bloc's demand for
the commodity (for the chain: of every critical commodity at once) is servable in the cutoff
state from capacity (stock draws switched off: a stockpile bridges a cutoff, it does not end
the dependence), within the scenario's budgets, lead times and build limits. Feasibility is
monotone in y (a later start asks for a subset of the rows), so a binary search finds it.

Everything runs on two compiled models and moves only bounds:

* the **search model**: the scenario with a target row for every critical commodity and year
  (share 0 until switched on), the cutoff state in every year;
* the **lead-time model**: the same with every lead time 0, built only if some commodity needs
  it to name its binding limit.

The limit that keeps y from being one year earlier is named by lifting limits in turn on the
year before (as :func:`optimize.plan.binding_limit` does for an infeasible plan): the budget
(budget rows' right-hand sides to infinity), then the build limit too (build columns' upper
bounds x 1e6, optimize/plan/limits.py), then the lead time too (the lead-time model); else
"no buildable supply".
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from network.cutoff import CHAIN
from network.dataset import Dataset
from optimize.plan.limits import Limits
from optimize.plan.model import build_model
from optimize.plan.model.targets import target_demand
from optimize.plan.sets import ModelData, build_model_data
from optimize.plan.solve import INF, Solved, Status, compile_and_solve
from optimize.scenario import CRITICAL, Scenario, Target

Progress = Callable[[str], None]
LIMITS = ("budget", "build limit", "lead time")
NO_SUPPLY = "no buildable supply"
MET_FIRST = "none (met from the first year)"


class SearchModel:
    """One compiled model with a target row per (critical commodity, year); methods switch
    targets on from a year and lift the budget and build limits, by bounds only."""

    def __init__(self, d: ModelData, solved: Solved, share: float) -> None:
        self.share, self.d, self.solved = share, d, solved
        self.solves = 0
        s, m = self.solved, self.solved.model
        self.rows = {ct: s.row_index[id(con)] for ct, con in m.target.items()}
        lp0 = s.highs.getLp()
        idx = np.array(list(self.rows.values()), dtype=np.int32)
        self._rows0 = (
            idx,
            np.asarray(lp0.row_lower_, dtype=float)[idx],
            np.asarray(lp0.row_upper_, dtype=float)[idx],
        )
        self.demand = {ct: target_demand(self.d, *ct) for ct in self.rows}
        self.limits = Limits(self.d, self.solved)
        col_of = {id(v): j for j, v in enumerate(s.columns)}
        # independence is capacity: a stockpile bridges a cutoff (it counts in the exposure
        # term), it does not end the dependence, so the search draws no stock
        draws = getattr(m, "cut_draw", None)
        self.draw_cols = np.array(
            sorted(
                col_of[id(v)]
                for v in (draws.values() if draws is not None else [])
                if id(v) in col_of
            ),
            dtype=np.int32,
        )
        self.draw_hi = np.asarray(lp0.col_upper_, dtype=float)[self.draw_cols]
        if len(self.draw_cols):
            n = len(self.draw_cols)
            s.highs.changeColsBounds(n, self.draw_cols, np.zeros(n), np.zeros(n))
        self.commodities = sorted({c for c, _ in self.rows})

    @classmethod
    def build(cls, data: Dataset, sc: Scenario, share: float) -> SearchModel:
        """A model of its own: target rows for every critical commodity and year."""
        probe = sc.model_copy(
            update={
                "targets": [Target(commodities=CRITICAL, share=share, from_year=sc.years[0])],
                "exposure": None,
            }
        )
        d = build_model_data(data, probe, all_cutoff_years=True)
        return cls(d, compile_and_solve(build_model(d), sc.solver), share)

    def restore(self) -> None:
        """The target rows' and limits' bounds as they were (the plan's, when reused)."""
        self.lift(False, False)
        idx, lo, hi = self._rows0
        if len(idx):
            self.solved.highs.changeRowsBounds(len(idx), idx, lo, hi)
        if len(self.draw_cols):
            n = len(self.draw_cols)
            self.solved.highs.changeColsBounds(n, self.draw_cols, np.zeros(n), self.draw_hi)

    def feasible(self, active: set[str], year: int) -> bool:
        """Can ``share`` of each active commodity's demand be servable from ``year`` on?"""
        idx = np.array(list(self.rows.values()), dtype=np.int32)
        lo = np.array(
            [
                self.share * self.demand[ct] if ct[0] in active and ct[1] >= year else 0.0
                for ct in self.rows
            ]
        )
        if len(idx):
            self.solved.highs.changeRowsBounds(len(idx), idx, lo, np.full(len(idx), INF))
        self.solves += 1
        return self.solved.resolve(load_values=False) is Status.OPTIMAL

    def lift(self, budget: bool, build_limit: bool) -> None:
        """Lift (or restore) the budget rows and the build limits."""
        self.limits.lift(budget, build_limit)

    def earliest(self, active: set[str], lower: int | None = None) -> int | None:
        """Binary search over the horizon; ``lower``: a year it cannot be before (the chain
        cannot be independent before its latest commodity), tried first."""
        years = self.d.years
        if not self.feasible(active, years[-1]):
            return None
        lo = years.index(min(max(lower, years[0]), years[-1])) if lower is not None else 0
        if lo == len(years) - 1 or self.feasible(active, years[lo]):
            return years[lo]
        lo, hi = lo + 1, len(years) - 1  # years[hi] feasible, years[lo - 1] not
        while lo < hi:
            mid = (lo + hi) // 2
            if self.feasible(active, years[mid]):
                hi = mid
            else:
                lo = mid + 1
        return years[hi]


def earliest_years(
    sc: Scenario,
    data: Dataset | None = None,
    share: float | None = None,
    progress: Progress = lambda _: None,
    reuse: tuple[ModelData, Solved] | None = None,
) -> pd.DataFrame:
    """For each critical commodity the bloc demands, and the chain ("(chain)"): the earliest
    year from which ``share`` (default: the scenario's threshold) of its demand is servable
    without the rival every year to the horizon's end, within the scenario's budgets, lead
    times and build limits; and the limit that keeps it from being a year earlier (index
    commodity; columns earliest_year (Int64), binding). ``reuse``: a solved plan whose model
    has a target row for every critical commodity and year (an exposure scenario's: its
    cutoff state exists in every year) is searched in place and restored afterwards."""
    from network.validate import load_dataset
    from optimize.scenario import check_against

    data = data if data is not None else load_dataset(sc.dataset_path)
    check_against(sc, data)
    share = sc.threshold if share is None else share
    critical = set(data.critical)
    if reuse is not None and critical <= {c for c, _ in reuse[0].target_groups}:
        sm = SearchModel(reuse[0], reuse[1], share)
    else:
        progress("building the search model")
        sm = SearchModel.build(data, sc, share)
    try:
        return _search(sm, data, sc, share, progress)
    finally:
        sm.restore()


def _search(
    sm: SearchModel, data: Dataset, sc: Scenario, share: float, progress: Progress
) -> pd.DataFrame:
    first = sm.d.years[0]
    found: list[tuple[str, set[str], int | None]] = []
    for c in sm.commodities:
        progress(f"searching {c}")
        found.append((c, {c}, sm.earliest({c}, lower=first)))
    progress(f"searching {CHAIN}")
    singles = [y for _c, _a, y in found]
    if all(y is not None for y in singles):  # never before its latest commodity
        chain = sm.earliest(set(sm.commodities), lower=max(singles, default=first))
    else:
        chain = None  # a commodity that is never independent keeps the chain dependent
    found.append((CHAIN, set(sm.commodities), chain))
    binding: dict[str, str] = {}
    todo: list[tuple[str, set[str], int]] = []
    for label, active, year in found:
        if year is not None and year <= first:
            binding[label] = MET_FIRST
        else:
            todo.append((label, active, sm.d.years[-1] if year is None else year - 1))
    for limit, (budget, build) in zip(LIMITS[:2], ((True, False), (True, True)), strict=True):
        if not todo:
            break
        progress(f"naming limits ({limit})")
        sm.lift(budget, build)
        todo = _name(sm, todo, limit, binding)
    sm.lift(False, False)
    if todo:
        progress("naming limits (lead time)")
        cap = data.capacity.copy()
        cap["lead_time"] = 0
        no_lead = SearchModel.build(
            _with_capacity(data, cap), sc.model_copy(update={"budget": type(sc.budget)()}), share
        )
        no_lead.lift(True, True)
        todo = _name(no_lead, todo, "lead time", binding)
    for label, _active, _year in todo:
        binding[label] = NO_SUPPLY
    out = pd.DataFrame(
        [(label, year, binding[label]) for label, _a, year in found],
        columns=["commodity", "earliest_year", "binding"],
    ).set_index("commodity")
    out["earliest_year"] = out["earliest_year"].astype("Int64")
    return out


def _name(sm: SearchModel, todo: list, limit: str, binding: dict[str, str]) -> list:
    left = []
    for label, active, before in todo:
        if sm.feasible(active, before):
            binding[label] = limit
        else:
            left.append((label, active, before))
    return left


def _with_capacity(data: Dataset, cap: pd.DataFrame) -> Dataset:
    import dataclasses

    return dataclasses.replace(data, capacity=cap)
