"""Others' own demand in a cutoff: neutral regions serve themselves first.

When the rival cuts the bloc off, a neutral region (any region in neither the bloc nor the
rival's bloc) first serves its own final demand from neutral supply; only then does the bloc
get a share of what is left. Before the cutoff LP runs, a smaller LP over the neutral regions
alone (every neutral capacity in full, routes between neutral regions) serves as much of their
own demand as it can:

    maximise   sum_{(r,c)} own_served(r,c) / own_demand(r,c)
    subject to neutral balances, activity(r,p) <= capacity(r,p), own_served <= own_demand

The nominal state has the same first step over every region outside the bloc (the rival's
too), supply outside the bloc in full: its ``served`` is the others' demand the plan LP must
serve (optimize/plan/others.py).

Its solution fixes, for each neutral region r and commodity c, ``served[r,c]`` (the floor of
r's balance row in the cutoff LP) and, for each neutral process, the activity ``res[r,p]`` it
needs. In the cutoff LP the neutral column is then usable up to
``res[r,p] + neutral_share * (capacity[r,p] - res[r,p])``: the own-demand part in full, the
rest at the neutral share (the part the bloc can rely on).
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np
import pandas as pd

from network.cutoff import CutoffLP
from network.dataset import Dataset

FLOOR_SLACK = 1e-9  # relative and absolute: served floors sit just below the first LP's optimum


@dataclass(frozen=True)
class Reserve:
    """Neutral regions' own demand served first in a cutoff.

    served: (region, commodity) -> quantity each neutral region must receive (a balance floor);
    usable: (region, process) -> activity usable in the cutoff by everyone not cut off."""

    served: pd.Series
    usable: pd.Series


def neutral_regions(data: Dataset, bloc: str, rival: str | None) -> list[str]:
    """Regions in neither the bloc nor the rival's bloc, in table order."""
    return [r for r, b in data.regions["bloc"].items() if b not in (bloc, rival)]


class ReserveLP:
    """The neutral-only LP, built once per dataset, bloc and rival; solved per year.

    ``nominal=True`` builds the nominal state's version instead: every region outside the bloc
    (the rival's included) serves its own demand first from supply outside the bloc."""

    def __init__(self, data: Dataset, bloc: str, rival: str | None, nominal: bool = False) -> None:
        if nominal:
            self.neutral = [r for r, b in data.regions["bloc"].items() if b != bloc]
        else:
            self.neutral = neutral_regions(data, bloc, rival)
        others = set(data.regions.index) - set(self.neutral)
        dem = data.demand_in(sorted({int(y) for y in data.demand.index.get_level_values("year")}))
        own = dem[dem.index.get_level_values("region").isin(set(self.neutral))]
        self.commodities = sorted(set(own.index.get_level_values("commodity")))
        self.lp = (
            CutoffLP.build(data, bloc, others, set(self.neutral), self.commodities)
            if self.neutral and self.commodities
            else None
        )
        self.data = data

    def solve(
        self, year: int, capacity: pd.Series, neutral_share: float, activity: bool = True
    ) -> Reserve | None:
        """The reserve in ``year`` on ``capacity`` (index region, process): None when no
        neutral region demands anything or the neutral regions are out of the cutoff state.
        ``activity=False`` skips the least-activity pass (``usable`` is then capacity)."""
        if self.lp is None or neutral_share <= 0:
            return None
        dem = self.data.demand_in([year]).droplevel("year")
        full = {r: 1.0 for r in self.neutral}
        usable, dem_arr = self.lp.arrays(capacity, full, dem, year=year)
        if dem_arr.sum() <= 0:
            return None
        res, served = solve_total(self.lp, usable, dem_arr, activity)
        res = np.clip(res, 0.0, usable)
        served = np.maximum(0.0, served * (1 - FLOOR_SLACK) - FLOOR_SLACK)
        keep = served > 0
        own_usable = res + neutral_share * (usable - res)
        return Reserve(
            served=pd.Series(served[keep], index=self.lp.served[keep], dtype=float),
            usable=pd.Series(own_usable, index=self.lp.prod, dtype=float),
        )


def reserve_in(
    data: Dataset, bloc: str, rival: str | None, year: int, capacity: pd.Series, share: float
) -> Reserve | None:
    """One-off :meth:`ReserveLP.solve` (build the LP once when solving many years)."""
    return ReserveLP(data, bloc, rival).solve(year, capacity, share)


def solve_total(
    lp: CutoffLP, usable: np.ndarray, dem: np.ndarray, activity: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Serve as much of every demand entry as possible at once (the sum of the shares of
    each entry served, maximised), then (if ``activity``) with the least total activity.
    Returns (activity per production column, or usable without the second pass; served per
    demand entry)."""
    n_p, n_f, n_s = len(lp.prod), len(lp.flows), len(lp.served)
    upper = np.concatenate([usable, lp.flow_ub, dem, [0.0]])
    cost = np.zeros(n_p + n_f + n_s + 1)
    cost[n_p + n_f : n_p + n_f + n_s] = np.where(dem > 0, 1.0 / np.maximum(dem, 1e-300), 0)
    h = lp._instance(dem)
    lp._set_floor(h, None)
    idx = np.arange(len(upper), dtype=np.int32)
    h.changeColsBounds(len(upper), idx, np.zeros(len(upper)), upper)
    h.changeColsCost(len(cost), idx, cost)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:  # pragma: no cover
        raise RuntimeError(f"cutoff LP failed: {h.modelStatusToString(h.getModelStatus())}")
    served = np.asarray(h.getSolution().col_value)[n_p + n_f : n_p + n_f + n_s]
    if not activity:
        return usable, served
    # second pass: the same service with the least activity (no production beyond need)
    lower = np.zeros(len(upper))
    lower[n_p + n_f : n_p + n_f + n_s] = np.maximum(0.0, served * (1 - 1e-9) - 1e-9)
    cost = np.zeros(len(upper))
    cost[:n_p] = -1.0
    h.changeColsBounds(len(upper), idx, lower, np.maximum(lower, upper))
    h.changeColsCost(len(cost), idx, cost)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:  # pragma: no cover
        raise RuntimeError(f"cutoff LP failed: {h.modelStatusToString(h.getModelStatus())}")
    x = np.asarray(h.getSolution().col_value)
    return x[:n_p], served
