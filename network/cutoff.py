"""How much of a bloc's critical demand can be served without the rival: the cutoff share.

For one year and a given capacity per (region, process), a small LP routes supply through the
recipe graph and the trade routes. Production is activity: capacity is in activity units,
output(r, c) = sum_p activity(r, p) * yield(p, c) and recipe use = activity * input per
activity (docs/schema.md, processes.output_per_activity):

    maximise   served demand (one commodity at a time), or lambda (all at once)
    subject to for every available region r and commodity c:
                 output(r, c) + imports(r, c) - exports(r, c) - recipe use(r, c) >= served(r, c)
               activity(r, p) <= capacity(r, p) * availability(r)
               flow(route)  <= max_flow(route)
               served(r, c) <= demand(r, c)          (one commodity at a time)
               served(r, c)  = lambda * demand(r, c) (chain-wide, all critical c at once)

Availability: the bloc's regions count in full, the rival's not at all (they neither produce
nor ship), every other region (neutral, or a third bloc) serves its own final demand first
(``network/reserve.py``: the floor of its balance rows) and counts at ``neutral_share`` for the
rest of its capacity: the part the bloc could rely on when the rival cuts supply.

The cutoff share of commodity c is served(c) / demand(c); dependence is 1 - cutoff share.
The chain-wide share is the largest lambda at which every critical demand of the bloc is
served at once (the weakest link, with shared inputs competing).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import highspy
import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix, csc_matrix, hstack

from network.dataset import Dataset

if TYPE_CHECKING:
    from network.reserve import Reserve

CHAIN = "(chain)"
INF = highspy.kHighsInf


@dataclass
class CutoffLP:
    """The cutoff LP's structure for one dataset and set of available regions.

    Build once with :meth:`build`; :meth:`solve` then takes capacities, availability and
    demand for any year. One HiGHS instance is kept per demand vector and re-solved warm with
    new column bounds and costs, so hundreds of solves (choke points, timelines) stay cheap.
    """

    flows: pd.MultiIndex  # (exporter, importer, commodity) between available regions
    prod: pd.MultiIndex  # (region, process)
    served: pd.MultiIndex  # (region, commodity): bloc regions x critical commodities
    rows: pd.MultiIndex  # balance rows (region, commodity)
    a: csc_matrix  # balance >= 0; columns prod | flows | served (lambda added per demand)
    demand_rows: np.ndarray  # balance row of each served entry, for lambda coefficients
    flow_ub: np.ndarray
    _highs: dict = field(default_factory=dict, repr=False)  # the instance and small caches
    data: Dataset | None = field(default=None, repr=False)  # for by-product (host) limits

    @classmethod
    def build(
        cls,
        data: Dataset,
        bloc: str,
        excluded: set[str],
        demanders: set[str] | None = None,
        commodities: list[str] | None = None,
    ) -> CutoffLP:
        """The LP over every region not ``excluded``, serving the demand of ``demanders``
        (default: the bloc's regions) for ``commodities`` (default: the critical ones)."""
        avail = [r for r in data.regions.index if r not in excluded]
        avail_set = set(avail)
        bloc_regions = set(data.regions_of(bloc)) if demanders is None else demanders
        served_commodities = data.critical if commodities is None else commodities
        prod = data.capacity.index[data.capacity.index.get_level_values("region").isin(avail_set)]
        routes = data.routes
        ex = routes.index.get_level_values("exporter")
        im = routes.index.get_level_values("importer")
        keep = ex.isin(avail_set) & im.isin(avail_set)
        flows = routes.index[keep]
        flow_ub = routes["max_flow"].to_numpy()[keep]
        served = pd.MultiIndex.from_tuples(
            [(r, c) for r in avail if r in bloc_regions for c in served_commodities],
            names=["region", "commodity"],
        )
        yields, inputs = data.yields, data.inputs

        entries: list[tuple[tuple[str, str], int, float]] = []
        n_p, n_f = len(prod), len(flows)
        for j, (r, p) in enumerate(prod):  # columns are activity: outputs and inputs per unit
            for c, y in yields[p].items():
                entries.append(((r, c), j, y))
            for c, a in inputs[p].items():
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
        vals = np.array([e[2] for e in entries])
        n_cols = n_p + n_f + len(served)
        a = coo_matrix((vals, (rows_i, cols_i)), shape=(len(row_keys), n_cols)).tocsc()
        return cls(
            flows=flows,
            prod=prod,
            served=served,
            rows=pd.MultiIndex.from_tuples(row_keys, names=["region", "commodity"]),
            a=a,
            demand_rows=np.array([row_of[k] for k in served], dtype=np.int64),
            flow_ub=np.where(np.isnan(flow_ub), INF, flow_ub),
            data=data,
        )

    def _instance(self, dem: np.ndarray) -> highspy.Highs:
        """The HiGHS instance: the balance matrix plus a lambda column holding -demand in each
        served row (chain-wide form). Built once; a new demand vector only changes the lambda
        column's coefficients."""
        h = self._highs.get(b"lp")
        n_rows, n_cols = self.a.shape
        if h is None:
            lam = coo_matrix(
                (-dem, (self.demand_rows, np.zeros(len(dem), dtype=np.int64))),
                shape=(n_rows, 1),
            )
            a = hstack([self.a, lam]).tocsc()
            lp = highspy.HighsLp()
            lp.num_col_, lp.num_row_ = n_cols + 1, n_rows
            lp.col_cost_ = np.zeros(n_cols + 1)
            lp.col_lower_ = np.zeros(n_cols + 1)
            lp.col_upper_ = np.zeros(n_cols + 1)
            lp.row_lower_ = np.zeros(n_rows)
            lp.row_upper_ = np.full(n_rows, INF)
            lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
            lp.a_matrix_.start_ = a.indptr
            lp.a_matrix_.index_ = a.indices
            lp.a_matrix_.value_ = a.data
            lp.sense_ = highspy.ObjSense.kMaximize
            h = highspy.Highs()
            h.setOptionValue("output_flag", False)
            h.passModel(lp)
            self._highs[b"lp"] = h
            self._highs[b"dem"] = dem.copy()  # type: ignore[assignment]
            return h
        last = self._highs[b"dem"]
        changed = np.nonzero(last != dem)[0]  # type: ignore[operator]
        for m in changed:
            h.changeCoeff(int(self.demand_rows[m]), n_cols, float(-dem[m]))
        self._highs[b"dem"] = dem.copy()  # type: ignore[assignment]
        return h

    def arrays(
        self,
        capacity: pd.Series,
        availability: dict[str, float],
        demand: pd.Series,
        reserve: Reserve | None = None,
        year: int | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Usable capacity per production column and demand per served entry, aligned. With a
        ``reserve`` (network/reserve.py), the neutral regions' columns it names are usable up
        to what their own demand needs plus the availability share of the rest."""
        cap = capacity.reindex(self.prod, fill_value=0.0).to_numpy(dtype=float)
        share = np.array([availability.get(r, 0.0) for r in self.prod.get_level_values(0)])
        dem = demand.reindex(self.served, fill_value=0.0).to_numpy(dtype=float)
        if year is not None:  # by-product limits (the reserve's columns already have them)
            cap = np.minimum(cap, self.host_caps(year))
        usable = cap * share
        if reserve is not None and len(reserve.usable):
            own = reserve.usable.reindex(self.prod).to_numpy(dtype=float)
            usable = np.where(np.isnan(own), usable, own)
        return usable, dem

    def host_caps(self, year: int) -> np.ndarray:
        """Most activity per production column that the by-product hosts allow in ``year``
        (inf where no limit; data/by_products and host_output)."""
        key = ("host", year)
        found = self._highs.get(key)  # type: ignore[call-overload]
        if found is None:
            found = np.full(len(self.prod), np.inf)
            if self.data is not None:
                limits = self.data.host_limit([year])
                for j, (r, p) in enumerate(self.prod):
                    found[j] = limits.get((r, p, year), np.inf)
            self._highs[key] = found  # type: ignore[index]
        return found

    def floor(
        self,
        reserve: Reserve | None,
        year: int | None = None,
        availability: dict[str, float] | None = None,
    ) -> np.ndarray | None:
        """Balance-row lower bounds: the neutral regions' own demand served first, less the
        scrap arising in ``year`` (end_of_life; at each region's availability)."""
        out = np.zeros(self.a.shape[0])
        if reserve is not None and len(reserve.served):
            pos = self.rows.get_indexer(reserve.served.index)
            ok = pos >= 0
            out[pos[ok]] = reserve.served.to_numpy(dtype=float)[ok]
        if year is not None and availability is not None and self.data is not None:
            row_of = self._highs.setdefault("row_of", {k: n for n, k in enumerate(self.rows)})
            for (r, s, _t), q in self.data.scrap_in([year]).items():
                n = row_of.get((r, s))
                if n is not None:
                    out[n] -= q * availability.get(r, 0.0)
        return out if out.any() else None

    def solve(
        self,
        capacity: pd.Series,
        availability: dict[str, float],
        demand: pd.Series,
        commodity: str | None,
        reserve: Reserve | None = None,
        year: int | None = None,
    ) -> float:
        """Cutoff share of ``commodity`` (None: chain-wide lambda) given capacity by
        (region, process), availability by region and the bloc's demand by (region,
        commodity), after the neutral regions' own demand in ``reserve``. Returns NaN when
        the bloc has no demand for it."""
        usable, dem = self.arrays(capacity, availability, demand, reserve, year)
        return self.solve_arrays(usable, dem, commodity, self.floor(reserve, year, availability))

    def solve_arrays(
        self,
        usable: np.ndarray,
        dem: np.ndarray,
        commodity: str | None,
        floor: np.ndarray | None = None,
    ) -> float:
        """As :meth:`solve`, with capacity and demand already aligned by :meth:`arrays` and
        the balance rows' lower bounds by :meth:`floor`."""
        n_p, n_f, n_s = len(self.prod), len(self.flows), len(self.served)
        upper = np.concatenate([usable, self.flow_ub, np.zeros(n_s), [0.0]])
        cost = np.zeros(n_p + n_f + n_s + 1)
        if commodity is None:
            total = float(dem.sum())
            upper[-1] = 1.0
            cost[-1] = 1.0
        else:
            mask = self._mask(commodity)
            total = float(dem[mask].sum())
            upper[n_p + n_f : n_p + n_f + n_s] = np.where(mask, dem, 0.0)
            cost[n_p + n_f : n_p + n_f + n_s][mask] = 1.0 / total if total > 0 else 0.0
        if total <= 0:
            return float("nan")
        return self._share(dem, floor, upper, cost)

    def _share(
        self, dem: np.ndarray, floor: np.ndarray | None, upper: np.ndarray, cost: np.ndarray
    ) -> float:
        """Solve with these column bounds and costs (maximising); the optimum, clipped to
        [0, 1], is a share."""
        h = self._instance(dem)
        self._set_floor(h, floor)
        idx = np.arange(len(upper), dtype=np.int32)
        h.changeColsBounds(len(upper), idx, np.zeros(len(upper)), upper)
        h.changeColsCost(len(cost), idx, cost)
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:  # pragma: no cover
            raise RuntimeError(f"cutoff LP failed: {h.modelStatusToString(h.getModelStatus())}")
        return min(1.0, max(0.0, h.getInfo().objective_function_value))

    def solve_mean(
        self, usable: np.ndarray, dem: np.ndarray, floor: np.ndarray | None = None
    ) -> float:
        """The largest mean over the critical commodities the bloc demands of each one's
        served share, all served at once (shared inputs compete): maximise
        sum_c served(c) / (n * demand(c)). 1 - this is the chain's dependence in the year
        (optimize.plan.independence.dependence_years). NaN when the bloc demands none."""
        n_p, n_f, n_s = len(self.prod), len(self.flows), len(self.served)
        coms = self.served.get_level_values("commodity")
        totals = pd.Series(dem, index=coms).groupby(level=0).sum()
        totals = totals[totals > 0]
        if totals.empty:
            return float("nan")
        weight = np.array(
            [1.0 / (len(totals) * totals[c]) if c in totals.index else 0.0 for c in coms]
        )
        upper = np.concatenate([usable, self.flow_ub, dem, [0.0]])
        cost = np.zeros(n_p + n_f + n_s + 1)
        cost[n_p + n_f : n_p + n_f + n_s] = weight
        return self._share(dem, floor, upper, cost)

    def _set_floor(self, h: highspy.Highs, floor: np.ndarray | None) -> None:
        n_rows = self.a.shape[0]
        new = np.zeros(n_rows) if floor is None else floor
        last = self._highs.get(b"floor")
        if last is None and floor is None:
            return
        if last is not None and np.array_equal(last, new):  # type: ignore[arg-type]
            return
        idx = np.arange(n_rows, dtype=np.int32)
        h.changeRowsBounds(n_rows, idx, new, np.full(n_rows, INF))
        self._highs[b"floor"] = new.copy()  # type: ignore[assignment]

    def _mask(self, commodity: str) -> np.ndarray:
        key = ("mask", commodity)
        found = self._highs.get(key)  # type: ignore[call-overload]
        if found is None:
            found = np.array(self.served.get_level_values("commodity") == commodity)
            self._highs[key] = found  # type: ignore[index]
        return found


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
    from network.reserve import reserve_in

    cap = data.capacity_in(year) if capacity is None else capacity
    excluded = set(data.regions_of(rival))
    lp = lp or CutoffLP.build(data, bloc, excluded)
    avail = availability(data, bloc, rival, neutral_share)
    dem = bloc_demand(data, bloc, year)
    reserve = reserve_in(data, bloc, rival, year, cap, neutral_share)
    rows = []
    for c in data.critical:
        d = float(dem.xs(c, level="commodity").sum()) if c in dem.index.get_level_values(1) else 0
        if d <= 0:
            continue
        share = lp.solve(cap, avail, dem, c, reserve, year)
        rows.append((c, d, share))
    chain = lp.solve(cap, avail, dem, None, reserve, year)
    rows.append((CHAIN, float("nan"), chain))
    out = pd.DataFrame(rows, columns=["commodity", "demand", "cutoff_share"]).set_index("commodity")
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


def choke_points(data: Dataset, bloc: str, year: int, top: int | None = None) -> pd.DataFrame:
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
    base = {c: lp.solve(cap, avail, dem, c, year=year) for c in commodities}
    base_chain = lp.solve(cap, avail, dem, None, year=year)
    rows = []
    for key, value in cap.items():
        if value <= 0:
            continue
        cut = cap.copy()
        cut[key] = 0.0
        losses = {c: base[c] - lp.solve(cut, avail, dem, c, year=year) for c in commodities}
        worst = max(losses, key=lambda c: losses[c]) if losses else None
        chain_loss = base_chain - lp.solve(cut, avail, dem, None, year=year)
        if worst is None or (losses[worst] <= 1e-9 and chain_loss <= 1e-9):
            continue
        rows.append((*key, worst, losses[worst], chain_loss))
    out = pd.DataFrame(
        rows, columns=["region", "process", "worst_commodity", "share_lost", "chain_share_lost"]
    ).set_index(["region", "process"])
    out = out.sort_values(["share_lost", "chain_share_lost"], ascending=False)
    return out.head(top) if top else out
