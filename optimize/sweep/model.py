"""One compiled plan LP for one :class:`~optimize.sweep.variants.Structure`: where each swept
value sits (rows, columns, costs), and :meth:`SweepModel.apply` / :meth:`SweepModel.solve`
for one variant. Reading the solution is :mod:`optimize.sweep.readout`.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterable
from typing import Any

import numpy as np

from network.dataset import Dataset
from optimize.plan.fast import build_vars
from optimize.plan.model import build_model
from optimize.plan.sets import build_model_data
from optimize.plan.solve import INF, Solved, Status, compile_and_solve
from optimize.scenario import CRITICAL, Scenario, Target
from optimize.sweep.readout import Readout
from optimize.sweep.timeline import _Timeline
from optimize.sweep.variants import (
    BN,
    PLACEHOLDER_BUDGET_BN,
    Structure,
    SweepSettings,
    Variant,
    budget_mode,
    scaled_demand,
    target_shares,
)
from optimize.uncertain import with_levels


class SweepModel(Readout):
    """One compiled plan for one :class:`Structure`; :meth:`solve` runs one variant on it."""

    def __init__(self, data: Dataset, sc: Scenario, st: Structure, settings: SweepSettings):
        t0 = time.perf_counter()
        self.data, self.sc, self.settings, self.structure = data, sc, settings, st
        self.mode = budget_mode(sc)
        cap = data.capacity.copy()
        cap["lead_time"] = list(st.leads)
        if st.lows:  # a fast-tracked build's lead time scales with the others
            cap["lead_time_low"] = [float("nan") if x is None else float(x) for x in st.lows]
        data_b = dataclasses.replace(data, capacity=cap)
        data_b, sc = with_levels(
            data_b,
            sc,
            st.build_limit_multiplier,
            st.damage,
            st.neutral_share,  # type: ignore[arg-type]
        )
        self.data_b = data_b
        restrictions = (
            list(sc.restrictions)
            if st.restriction is None
            else list(settings.restriction_sets[st.restriction])
        )
        if st.shift_restrictions:
            restrictions = [r.model_copy(update={"from_year": sc.years[0]}) for r in restrictions]
        budget = sc.budget
        if settings.budget_swept and self.mode == "per_year" and budget.per_year_usd_bn is None:
            budget = budget.model_copy(update={"per_year_usd_bn": PLACEHOLDER_BUDGET_BN})
        self.sc_b = sc.model_copy(
            update={
                "discount_rate": st.discount_rate,
                "restrictions": restrictions,
                "budget": budget,
            }
        )
        every = st.all_cutoff_years
        d = build_model_data(data_b, self.sc_b, all_cutoff_years=every)
        if settings.earliest:  # target rows for every critical commodity, share 0 unless set
            probe = self.sc_b.model_copy(
                update={
                    "targets": [
                        *self.sc_b.targets,
                        Target(commodities=CRITICAL, share=sc.threshold, from_year=sc.years[-1]),
                    ]
                }
            )
            d = dataclasses.replace(
                build_model_data(data_b, probe, all_cutoff_years=every),
                target_share=d.target_share,
            )
        self.d = d
        m = build_model(d)
        self.solved: Solved = compile_and_solve(m, sc.solver, build_s=time.perf_counter() - t0)
        self.solves = 1
        self._index()
        self.timeline = _Timeline(data, sc, d, self.col_of, m)
        self.build_s = time.perf_counter() - t0

    # -- where each swept value sits -----------------------------------------------------
    def _index(self) -> None:
        s, m, d = self.solved, self.solved.model, self.d
        lp = s.highs.getLp()
        self.row_lo0 = np.array(lp.row_lower_, dtype=float)
        self.row_hi0 = np.array(lp.row_upper_, dtype=float)
        self.col_lo0 = np.array(lp.col_lower_, dtype=float)
        self.col_hi0 = np.array(lp.col_upper_, dtype=float)
        self.cost0 = np.array(lp.col_cost_, dtype=float)
        self.col_of = {id(v): j for j, v in enumerate(s.columns)}

        def rows(comp: Any) -> dict:
            if comp is None:
                return {}
            return {k: s.row_index[id(c)] for k, c in comp.items() if id(c) in s.row_index}

        def cols(comp: Any, keys: Iterable) -> dict:
            return {k: self.col_of[id(comp[k])] for k in keys if id(comp[k]) in self.col_of}

        self.r_year = rows(getattr(m, "budget_year", None))
        self.r_chain = rows(getattr(m, "budget_chain", None))
        total = getattr(m, "budget_total", None)
        self.r_total = s.row_index.get(id(total)) if total is not None else None
        self.r_target = rows(getattr(m, "target", None))
        self.r_balance = {k: s.row_index[id(m.balance[k])] for k in d.demand if k in m.balance}
        self.r_restr = rows(getattr(m, "restriction", None))
        self.c_unserved = cols(m.unserved, d.demand)
        self.c_served = cols(m.served, d.served_keys)
        self.c_banned = cols(m.flow, [(*a, t) for a, t in d.banned])
        # every build decision, ordinary and fast-tracked (keys as in d.spend), and its capex
        builds = build_vars(m, d)
        self.c_build = {b: self.col_of[id(v)] for b, v, _c in builds if id(v) in self.col_of}
        capex_of = {b: c for b, _v, c in builds}
        self.build_idx = np.array(list(self.c_build.values()), dtype=np.int32)
        # exposure: served columns priced at -w (the expected-loss term); the rest of the cost
        # vector is the system cost (capex, O&M, variable, trade, unserved)
        self.c_exposed = {k: self.c_served[k] for k in d.exposure_weight if k in self.c_served}
        self.exp_idx = np.array(list(self.c_exposed.values()), dtype=np.int32)
        self.exp_w = np.array([d.exposure_weight[k] for k in self.c_exposed], dtype=float)
        self.exp_keys = list(self.c_exposed)
        self.const0 = s.objective_offset - sum(
            w * d.demand[k] for k, w in d.exposure_weight.items()
        )
        self.sys_mask = np.ones(len(s.columns), dtype=bool)
        self.sys_mask[self.exp_idx] = False
        self.target_idx = np.array(sorted(self.r_target.values()), dtype=np.int32)
        self.budget_rows = np.array(
            sorted(
                {
                    *self.r_year.values(),
                    *self.r_chain.values(),
                    *([self.r_total] if self.r_total is not None else []),
                }
            ),
            dtype=np.int32,
        )
        touched = [
            *self.r_year.values(),
            *self.r_chain.values(),
            *self.r_target.values(),
            *self.r_balance.values(),
            *self.r_restr.values(),
        ]
        if self.r_total is not None:
            touched.append(self.r_total)
        self.rows_touched = np.array(sorted(set(touched)), dtype=np.int32)
        self.cols_touched = np.array(
            sorted({*self.c_unserved.values(), *self.c_served.values(), *self.c_banned.values()}),
            dtype=np.int32,
        )
        # undiscounted cost per column: a column's cost / its year's discount factor; builds pay
        # their capex once (spread over the lead time)
        undisc = np.zeros_like(self.cost0)
        for j, var in enumerate(s.columns):
            if self.cost0[j] == 0:
                continue
            idx = var.index()
            year = idx[-1] if isinstance(idx, tuple) else idx
            undisc[j] = self.cost0[j] / d.discount[year] if year in d.discount else self.cost0[j]
        for b, j in self.c_build.items():
            undisc[j] = capex_of[b]
        undisc[self.exp_idx] = 0.0  # the expected-loss term is not a cost paid
        self.undisc = undisc
        self.spend_rows = {
            t: (
                np.array([self.c_build[b] for b, _ in items if b in self.c_build], dtype=np.int32),
                np.array([c for b, c in items if b in self.c_build], dtype=float),
            )
            for t, items in d.spend.items()
        }
        # the model must reproduce its own right-hand sides: catches a formulation change
        lo, hi, clo, chi = self._bounds(self._neutral())
        ok = np.allclose(lo, self.row_lo0, rtol=1e-9, atol=1e-6) and np.allclose(
            hi, self.row_hi0, rtol=1e-9, atol=1e-6
        )
        if not ok or not np.allclose(chi, self.col_hi0, rtol=1e-9, atol=1e-6):
            raise RuntimeError("sweep: the plan LP's right-hand sides are not where expected")

    # -- right-hand sides for one variant ------------------------------------------------
    def _neutral(self) -> dict:
        d = self.d
        return {
            "demand": d.demand,
            "shares": d.target_share,
            "budget_year": d.budget_year,
            "budget_total": d.budget_total,
            "budget_chain": d.budget_chain,
            "start": None,
            "capex": 1.0,
        }

    def _values(self, v: Variant) -> dict:
        sc, d = self.sc, self.d
        k = v.capex_multiplier
        b_year = None if sc.budget.per_year_usd_bn is None else sc.budget.per_year_usd_bn * BN
        b_chain = {ch: x * BN for ch, x in sc.budget.per_chain_per_year_usd_bn.items()}
        if v.budget_usd_bn is not None:
            if self.mode == "per_year":
                b_year = v.budget_usd_bn * BN
            else:
                chains = self.settings.budget_chains or tuple(b_chain)
                base = sum(b_chain[ch] for ch in chains)
                for ch in chains:
                    share = b_chain[ch] / base if base > 0 else 1.0 / len(chains)
                    b_chain[ch] = v.budget_usd_bn * BN * share
        b_total = None if sc.budget.total_usd_bn is None else sc.budget.total_usd_bn * BN
        return {
            "demand": scaled_demand(d.demand, v.demand_growth_multiplier, d.years[0]),
            "growth": v.demand_growth_multiplier,
            "shares": target_shares(sc, self.data, v.target_year),
            "budget_year": None if b_year is None else b_year / k,
            "budget_total": None if b_total is None else b_total / k,
            "budget_chain": {ch: x / k for ch, x in b_chain.items()},
            "start": v.restriction_start_year,
            "capex": k,
        }

    def _bounds(self, val: dict) -> tuple[np.ndarray, ...]:
        d = self.d
        lo, hi = self.row_lo0.copy(), self.row_hi0.copy()
        clo, chi = self.col_lo0.copy(), self.col_hi0.copy()
        dem, start = val["demand"], val["start"]
        for k, i in self.r_balance.items():
            lo[i] = dem[k]
        for k, j in self.c_unserved.items():
            chi[j] = dem[k]
        for k, j in self.c_served.items():
            chi[j] = dem[k]
        by_ct: dict[tuple[str, int], float] = {}
        for (r, c, t), q in dem.items():
            if r in d.planner_regions:
                by_ct[(c, t)] = by_ct.get((c, t), 0.0) + q
        served_ct: dict[tuple[str, int], float] = {}
        for r, c, t in d.served_keys:
            served_ct[(c, t)] = served_ct.get((c, t), 0.0) + dem[(r, c, t)]
        for (c, t), i in self.r_target.items():
            lo[i] = val["shares"].get((c, t), 0.0) * served_ct.get((c, t), 0.0)
        for (c, t), i in self.r_restr.items():
            off = start is not None and t < start
            hi[i] = INF if off else d.capped[(c, t)][0] * by_ct.get((c, t), 0.0)
        for (e, i_, c, t), j in self.c_banned.items():
            off = start is not None and t < start
            chi[j] = d.arc_max.get((e, i_, c), INF) if off else 0.0
        for i in self.r_year.values():
            hi[i] = INF if val["budget_year"] is None else val["budget_year"]
        if self.r_total is not None:
            hi[self.r_total] = INF if val["budget_total"] is None else val["budget_total"]
        for (ch, _t), i in self.r_chain.items():
            x = val["budget_chain"].get(ch)
            hi[i] = INF if x is None else x
        return lo, hi, clo, chi

    def apply(self, v: Variant) -> None:
        """Set every swept right-hand side, bound and cost to ``v``'s values."""
        h = self.solved.highs
        val = self._values(v)
        lo, hi, clo, chi = self._bounds(val)
        r, c = self.rows_touched, self.cols_touched
        if len(r):
            h.changeRowsBounds(len(r), r, lo[r], hi[r])
        if len(c):
            h.changeColsBounds(len(c), c, clo[c], chi[c])
        cost = self.cost0[self.build_idx] * val["capex"]
        if len(self.build_idx):
            h.changeColsCost(len(self.build_idx), self.build_idx, cost)
        self._val = val

    # -- one variant -----------------------------------------------------------------------
    def solve(self, v: Variant) -> dict[str, Any]:
        """Solve ``v`` and return its row of figures (see docs/compare.md)."""
        t0 = time.perf_counter()
        self.apply(v)
        status = self.solved.resolve(load_values=False)
        self.solves += 1
        row: dict[str, Any] = {"status": status.value}
        if status is Status.OPTIMAL:
            row.update(self._figures(v))
            row.update(self._free(row))
        else:
            row.update({"objective_usd": None, "chain_year": None})
            if status is Status.INFEASIBLE:
                row["binding"] = self._binding()
        if self.settings.earliest:
            row["earliest_chain_year"] = self._earliest()
        row["solve_s"] = time.perf_counter() - t0
        return row
