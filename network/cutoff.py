"""How much of a bloc's critical demand can be served without the rival: the cutoff share.

For one year and a given capacity per (region, process), a small LP routes supply through the
recipe graph and the trade routes:

    maximise   served demand (one commodity at a time), or lambda (all at once)
    subject to for every available region r and commodity c:
                 output(r, c) + imports(r, c) - exports(r, c) - recipe use(r, c) >= served(r, c)
               output(r, p) <= capacity(r, p) * availability(r)
               flow(route)  <= max_flow(route)
               served(r, c) <= demand(r, c)          (one commodity at a time)
               served(r, c)  = lambda * demand(r, c) (chain-wide, all critical c at once)

Availability: the bloc's regions count in full, the rival's not at all (they neither produce
nor ship), every other region (neutral, or a third bloc) at ``neutral_share``: the part of its
capacity the bloc could rely on when the rival cuts supply. Only the bloc's own demand is
served; neutral regions' own consumption is what ``neutral_share`` leaves out.

The cutoff share of commodity c is served(c) / demand(c); dependence is 1 - cutoff share.
The chain-wide share is the largest lambda at which every critical demand of the bloc is
served at once (the weakest link, with shared inputs competing).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import linprog
from scipy.sparse import coo_matrix

from network.dataset import Dataset

CHAIN = "(chain)"


@dataclass(frozen=True)
class CutoffLP:
    """The cutoff LP's structure for one dataset and set of available regions.

    Build once with :meth:`build`; :meth:`solve` then takes capacities, availability and
    demand for any year and changes only bounds and right-hand sides.
    """

    flows: pd.MultiIndex  # (exporter, importer, commodity) between available regions
    prod: pd.MultiIndex  # (region, process)
    served: pd.MultiIndex  # (region, commodity): bloc regions x critical commodities
    rows: pd.MultiIndex  # balance rows (region, commodity)
    a_ub: object  # sparse, -(balance) <= 0; columns prod | flows | served | lambda
    demand_cols: np.ndarray  # row index per served entry, for lambda coefficients
    flow_ub: np.ndarray

    @classmethod
    def build(cls, data: Dataset, bloc: str, excluded: set[str]) -> CutoffLP:
        avail = [r for r in data.regions.index if r not in excluded]
        avail_set = set(avail)
        bloc_regions = set(data.regions_of(bloc))
        prod = data.capacity.index[
            data.capacity.index.get_level_values("region").isin(avail_set)
        ]
        routes = data.routes
        ex = routes.index.get_level_values("exporter")
        im = routes.index.get_level_values("importer")
        keep = ex.isin(avail_set) & im.isin(avail_set)
        flows = routes.index[keep]
        flow_ub = routes["max_flow"].to_numpy()[keep]
        served = pd.MultiIndex.from_tuples(
            [(r, c) for r in avail if r in bloc_regions for c in data.critical],
            names=["region", "commodity"],
        )
        outputs = data.processes["output"]
        recipe = data.recipe

        entries: list[tuple[tuple[str, str], int, float]] = []
        n_p, n_f = len(prod), len(flows)
        for j, (r, p) in enumerate(prod):
            entries.append(((r, outputs[p]), j, 1.0))
            for c, a in recipe[p].items():
                entries.append(((r, c), j, -a))
        for k, (e, i, c) in enumerate(flows):
            entries.append(((i, c), n_p + k, 1.0))
            entries.append(((e, c), n_p + k, -1.0))
        for m, (r, c) in enumerate(served):
            entries.append(((r, c), n_p + n_f + m, -1.0))
        row_keys = sorted({e[0] for e in entries})
        row_of = {k: n for n, k in enumerate(row_keys)}
        rows_i = np.array([row_of[e[0]] for e in entries], dtype=np.int64)
        cols_i = np.array([e[1] for e in entries], dtype=np.int64)
        vals = np.array([-e[2] for e in entries])  # >= 0 written as <= 0
        n_cols = n_p + n_f + len(served) + 1
        a_ub = coo_matrix((vals, (rows_i, cols_i)), shape=(len(row_keys), n_cols)).tocsr()
        demand_cols = np.array([row_of[k] for k in served], dtype=np.int64)
        return cls(
            flows=flows,
            prod=prod,
            served=served,
            rows=pd.MultiIndex.from_tuples(row_keys, names=["region", "commodity"]),
            a_ub=a_ub,
            demand_cols=demand_cols,
            flow_ub=flow_ub,
        )

    def solve(
        self,
        capacity: pd.Series,
        availability: dict[str, float],
        demand: pd.Series,
        commodity: str | None,
    ) -> float:
        """Cutoff share of ``commodity`` (None: chain-wide lambda) given capacity by
        (region, process), availability by region and the bloc's demand by (region,
        commodity). Returns NaN when the bloc has no demand for it."""
        cap = capacity.reindex(self.prod, fill_value=0.0).to_numpy(dtype=float)
        share = np.array([availability.get(r, 0.0) for r in self.prod.get_level_values(0)])
        dem = demand.reindex(self.served, fill_value=0.0).to_numpy(dtype=float)
        n_p, n_f, n_s = len(self.prod), len(self.flows), len(self.served)
        bounds = [(0.0, c * s) for c, s in zip(cap, share, strict=True)]
        bounds += [(0.0, None if np.isnan(u) else u) for u in self.flow_ub]
        cost = np.zeros(n_p + n_f + n_s + 1)
        a_ub = self.a_ub.tolil(copy=True)
        if commodity is None:
            if dem.sum() <= 0:
                return float("nan")
            for m in range(n_s):
                a_ub[self.demand_cols[m], n_p + n_f + n_s] += dem[m]
            bounds += [(0.0, 0.0)] * n_s + [(0.0, 1.0)]
            cost[-1] = -1.0
            total = 1.0
        else:
            mask = np.array(self.served.get_level_values("commodity") == commodity)
            total = float(dem[mask].sum())
            if total <= 0:
                return float("nan")
            bounds += [(0.0, d if m else 0.0) for d, m in zip(dem, mask, strict=True)]
            bounds += [(0.0, 0.0)]
            cost[n_p + n_f : n_p + n_f + n_s][mask] = -1.0
        res = linprog(
            cost,
            A_ub=a_ub.tocsr(),
            b_ub=np.zeros(a_ub.shape[0]),
            bounds=bounds,
            method="highs",
        )
        if res.status != 0:  # pragma: no cover - the LP is always feasible (all zero)
            raise RuntimeError(f"cutoff LP failed: {res.message}")
        return min(1.0, max(0.0, -res.fun / total))


def availability(data: Dataset, bloc: str, rival: str | None, neutral_share: float) -> dict:
    """Share of each region's capacity the bloc can count on: 1 for its own regions, 0 for the
    rival's, ``neutral_share`` for every other region."""
    out = {}
    for r, b in data.regions["bloc"].items():
        out[r] = 1.0 if b == bloc else 0.0 if b == rival else neutral_share
    return out


def cutoff_share(
    data: Dataset,
    bloc: str,
    rival: str,
    year: int,
    neutral_share: float = 1.0,
    capacity: pd.Series | None = None,
    lp: CutoffLP | None = None,
) -> pd.DataFrame:
    """Per critical commodity the bloc demands in ``year``: demand, the share servable with no
    supply from the rival's regions, and dependence = 1 - share; plus a '(chain)' row with the
    chain-wide share (all critical demand served at one common share).

    ``capacity`` (by region, process) defaults to existing capacity plus projects online by
    ``year``; a plan passes its own. Index: commodity.
    """
    cap = data.capacity_in(year) if capacity is None else capacity
    excluded = set(data.regions_of(rival))
    lp = lp or CutoffLP.build(data, bloc, excluded)
    avail = availability(data, bloc, rival, neutral_share)
    dem = bloc_demand(data, bloc, year)
    rows = []
    for c in data.critical:
        d = float(dem.xs(c, level="commodity").sum()) if c in dem.index.get_level_values(1) else 0
        if d <= 0:
            continue
        share = lp.solve(cap, avail, dem, c)
        rows.append((c, d, share))
    chain = lp.solve(cap, avail, dem, None)
    rows.append((CHAIN, float("nan"), chain))
    out = pd.DataFrame(rows, columns=["commodity", "demand", "cutoff_share"]).set_index(
        "commodity"
    )
    out["dependence"] = 1.0 - out["cutoff_share"]
    return out


def bloc_demand(data: Dataset, bloc: str, year: int) -> pd.Series:
    """The bloc's demand for critical commodities in ``year``, by (region, commodity)."""
    dem = data.demand_in([year]).droplevel("year")
    regions = set(data.regions_of(bloc))
    mask = dem.index.get_level_values("region").isin(regions) & dem.index.get_level_values(
        "commodity"
    ).isin(set(data.critical))
    return dem[mask]


def choke_points(
    data: Dataset, bloc: str, year: int, top: int | None = None
) -> pd.DataFrame:
    """Rank (region, process) by the bloc's critical demand lost if it alone disappeared.

    With every region available in full (nominal trade, rival included), remove one
    (region, process) at a time and recompute each critical commodity's servable share. Reports
    the worst commodity's loss and the chain-wide loss. Index (region, process).
    """
    cap = data.capacity_in(year)
    lp = CutoffLP.build(data, bloc, excluded=set())
    avail = {r: 1.0 for r in data.regions.index}
    dem = bloc_demand(data, bloc, year)
    commodities = sorted(set(dem.index.get_level_values("commodity")))
    base = {c: lp.solve(cap, avail, dem, c) for c in commodities}
    base_chain = lp.solve(cap, avail, dem, None)
    rows = []
    for key, value in cap.items():
        if value <= 0:
            continue
        cut = cap.copy()
        cut[key] = 0.0
        losses = {c: base[c] - lp.solve(cut, avail, dem, c) for c in commodities}
        worst = max(losses, key=lambda c: losses[c]) if losses else None
        chain_loss = base_chain - lp.solve(cut, avail, dem, None)
        if worst is None or (losses[worst] <= 1e-9 and chain_loss <= 1e-9):
            continue
        rows.append((*key, worst, losses[worst], chain_loss))
    out = pd.DataFrame(
        rows, columns=["region", "process", "worst_commodity", "share_lost", "chain_share_lost"]
    ).set_index(["region", "process"])
    out = out.sort_values(["share_lost", "chain_share_lost"], ascending=False)
    return out.head(top) if top else out
