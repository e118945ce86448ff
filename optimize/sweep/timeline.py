"""Self-sufficiency years and dependence of a solved sweep variant, from the cutoff shares of
the plan's capacity (the same measure as optimize.plan.results).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from network.cutoff import CHAIN, CutoffLP, availability
from network.dataset import Dataset
from network.reserve import ReserveLP
from optimize.plan.sets import ModelData
from optimize.scenario import Scenario


class _Timeline:
    """Self-sufficiency years of a solved plan: per critical commodity and chain-wide, the first
    year from which the cutoff share of the plan's capacity stays >= the threshold (as
    optimize.plan.results.timeline_from_cutoff), found by scanning back from the horizon's end."""

    def __init__(self, data: Dataset, sc: Scenario, d: ModelData, col_of: dict, m: Any):
        self.lp = CutoffLP.build(data, sc.planner, set(data.regions_of(sc.rival)))
        avail = availability(data, sc.planner, sc.rival, sc.neutral_share)
        prod = list(self.lp.prod)
        pos = {k: i for i, k in enumerate(prod)}
        self.share = np.array([avail.get(r, 0.0) for r, _ in prod])
        self.year_list = list(d.years)
        self.fixed = {t: np.zeros(len(prod)) for t in d.years}
        for (r, p, t), q in d.fixed_cap.items():
            if (r, p) in pos and t in self.fixed:
                self.fixed[t][pos[(r, p)]] += q
        new: dict[int, tuple[list[int], list[int]]] = {t: ([], []) for t in d.years}
        for r, p, t in d.online:
            j = col_of.get(id(m.new_cap[r, p, t]))
            if j is not None and (r, p) in pos:
                new[t][0].append(pos[(r, p)])
                new[t][1].append(j)
        self.new = {
            t: (np.array(a, dtype=int), np.array(b, dtype=int)) for t, (a, b) in new.items()
        }
        self.served_pos = {k: i for i, k in enumerate(self.lp.served)}
        # neutral regions' own demand first (network/reserve.py), on their fixed capacity
        others = ReserveLP(data, sc.planner, sc.rival)
        self.own: dict[int, np.ndarray] = {}
        self.floor: dict[int, np.ndarray | None] = {}
        for t in d.years:
            cap_t = pd.Series(self.fixed[t], index=self.lp.prod)
            reserve = others.solve(t, cap_t, sc.neutral_share)
            own, _ = self.lp.arrays(cap_t, {}, pd.Series(dtype=float), reserve)
            mask = np.zeros(len(prod), dtype=bool)
            if reserve is not None:
                mask = self.lp.prod.isin(reserve.usable.index)
            self.own[t] = np.where(mask, own, np.nan)
            self.floor[t] = self.lp.floor(reserve, t, avail)
        self.commodities = list(data.critical)
        self.threshold = sc.threshold
        self.planner = set(d.planner_regions)

    def arrays(self, x: np.ndarray, demand: dict) -> tuple[dict, dict]:
        """By year: capacity usable in the cutoff under the solution ``x``, and the bloc's
        demand aligned with the cutoff LP's served entries (shared by years and dependence)."""
        usable, dem = {}, {}
        for t in self.year_list:
            cap = self.fixed[t].copy()
            p, j = self.new[t]
            np.add.at(cap, p, x[j])
            usable[t] = self._usable(t, cap)
            dem[t] = np.zeros(len(self.served_pos))
        for (r, c, t), q in demand.items():
            i = self.served_pos.get((r, c))
            if i is not None and t in dem:
                dem[t][i] = q
        return usable, dem

    def years(self, usable: dict, dem: dict) -> dict[str, int | None]:
        """Self-sufficiency years on :meth:`arrays`."""
        out: dict[str, int | None] = {}
        # the chain first: where every critical commodity is served at a common share >= the
        # threshold, each one alone is too, so a commodity's scan starts below the chain year
        chain = self._scan(None, usable, dem, self.year_list)
        if chain is not _UNSEEN:
            out[CHAIN] = chain
        masks = {c: self.lp._mask(c) for c in self.commodities}
        for c in self.commodities:
            years = self.year_list
            known: int | None | object = _UNSEEN
            if isinstance(chain, int):
                if any(dem[t][masks[c]].sum() > 0 for t in years if t >= chain):
                    known = chain
                years = [t for t in years if t < chain]
            found = self._scan(c, usable, dem, years, known)
            if found is not _UNSEEN:
                out[c] = found  # type: ignore[assignment]
        return out

    def _usable(self, t: int, cap: np.ndarray) -> np.ndarray:
        """Capacity usable in the cutoff: availability share within the by-product hosts'
        limits, neutral columns as reserved."""
        own = self.own[t]
        usable = np.minimum(cap, self.lp.host_caps(t)) * self.share
        return np.where(np.isnan(own), usable, own)

    def dependence(self, usable: dict, dem: dict) -> list[float]:
        """The chain's dependence in every year with critical demand, on :meth:`arrays`:
        1 - the largest mean share of its critical commodities servable at once
        (CutoffLP.solve_mean; as optimize.plan.independence.dependence_years)."""
        out = []
        for t in self.year_list:
            s_ = self.lp.solve_mean(usable[t], dem[t], self.floor[t])
            if s_ == s_:
                out.append(1.0 - s_)
        return out

    def _scan(
        self, c: str | None, usable: dict, dem: dict, years: list[int], known: object = None
    ) -> int | None | object:
        """First year from which the share stays >= threshold, scanning ``years`` backwards;
        ``known`` is the answer so far for the later years (_UNSEEN if none had demand)."""
        year = None if known is _UNSEEN else known
        seen = known is not _UNSEEN
        for t in reversed(years):
            s = self.lp.solve_arrays(usable[t], dem[t], c, self.floor[t])
            if s != s:  # no demand that year
                continue
            if s < self.threshold - 1e-9:
                return year
            seen = True
            year = t
        return year if seen else _UNSEEN


_UNSEEN = object()
