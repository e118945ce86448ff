"""Reading one solved variant off the solution arrays (a mixin of
:class:`~optimize.sweep.model.SweepModel`, which holds the arrays): costs, spend, the value of
budget, the self-sufficiency years and dependence-years, the free plan (cost of
independence), the limit that binds an infeasible variant and the earliest chain year.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from network.cutoff import CHAIN
from optimize.plan.limits import Limits
from optimize.plan.solve import INF, Status
from optimize.sweep.variants import Variant


class Readout:
    """Methods of :class:`SweepModel` that read a solved variant (its attributes: ``solved``,
    ``d``, ``sc``, ``data``, ``settings``, ``timeline``, the column and row indices of
    ``_index`` and the current variant's values ``_val``)."""

    def _figures(self, v: Variant) -> dict[str, Any]:
        h, val = self.solved.highs, self._val
        x = np.asarray(h.getSolution().col_value, dtype=float)
        k = val["capex"]
        undisc = self.undisc.copy()
        undisc[self.build_idx] *= k
        spend = {t: float(c @ x[j]) * k for t, (j, c) in self.spend_rows.items()}
        duals = np.asarray(h.getSolution().row_dual, dtype=float)
        value = None
        if v.budget_usd_bn is not None or self.settings.budget_swept:
            if self.mode == "per_year":
                value = -sum(duals[i] for i in self.r_year.values()) / k
            else:
                chains = self.settings.budget_chains or tuple(val["budget_chain"])
                tot = sum(val["budget_chain"][ch] for ch in chains) or 1.0
                value = (
                    -sum(
                        duals[i] * val["budget_chain"][ch] / tot
                        for (ch, _t), i in self.r_chain.items()
                        if ch in chains
                    )
                    / k
                )
        usable, dem_arrays = self.timeline.arrays(x, val["demand"])
        years = self.timeline.years(usable, dem_arrays)
        deps = self.timeline.dependence(usable, dem_arrays)
        dem = val["demand"]
        loss = float(sum(w * (dem[k] - x[j]) for k, w, j in self._exposed()))
        const = self.const0 + sum(w * dem[k] for k, w, _j in self._exposed())
        cost = self.cost0.copy()
        cost[self.build_idx] *= k
        return {
            "objective_usd": float(h.getInfo().objective_function_value) + const,
            "system_cost_usd": float(cost[self.sys_mask] @ x[self.sys_mask]) + self.const0,
            "expected_loss_usd": loss if len(self.exp_idx) else None,
            "dependence_years": float(sum(deps)),
            "total_cost_usd": float(undisc @ x),
            "spend_usd": sum(spend.values()),
            "peak_spend_usd": max(spend.values(), default=0.0),
            "budget_value_usd_per_usd": None if value is None else float(value),
            "chain_year": years.pop(CHAIN, None),
            "years": years,
        }

    def _exposed(self):
        return zip(self.exp_keys, self.exp_w, self.exp_idx, strict=True)

    def _free(self, row: dict[str, Any]) -> dict[str, Any]:
        """The free plan (no targets, no exposure) on this model: the cost of independence
        is the variant's system cost minus the free plan's (optimize/plan/independence.py)."""
        h = self.solved.highs
        n_t, n_e = len(self.target_idx), len(self.exp_idx)
        if not n_t and not n_e:
            return {"cost_of_independence_usd": 0.0}
        lp = h.getLp()
        hi = np.asarray(lp.row_upper_, dtype=float)
        # the free plan moves only with what changes its own problem. Its cached optimum x*
        # stays optimal under new budgets that x* still meets, if either no budget row bound
        # x* (an LP optimum with inactive rows is optimal without them) or the new budgets are
        # no looser than those it was solved under (a smaller feasible set that contains x*)
        key = (self._val["capex"], self._val.get("growth", 1.0), self._val["start"])
        if not hasattr(self, "_free_cache"):
            self._free_cache: dict[tuple, tuple[float, np.ndarray, np.ndarray]] = {}
        new_hi = hi[self.budget_rows]
        found = self._free_cache.get(key)
        if found is not None:
            free0, spent, hi0 = found
            slack = np.all(spent < hi0 - 1e-6 * np.maximum(1.0, np.abs(hi0)))
            if np.all(spent <= new_hi + 1e-6) and (slack or np.all(new_hi <= hi0 + 1e-6)):
                return {"cost_of_independence_usd": row["system_cost_usd"] - free0}
        t_lo = np.asarray(lp.row_lower_, dtype=float)[self.target_idx]
        t_hi = hi[self.target_idx]
        if n_t:
            h.changeRowsBounds(n_t, self.target_idx, np.zeros(n_t), np.full(n_t, INF))
        if n_e:
            h.changeColsCost(n_e, self.exp_idx, np.zeros(n_e))
        try:
            status = self.solved.resolve(load_values=False)
            self.solves += 1
            if status is not Status.OPTIMAL:
                return {"cost_of_independence_usd": None}
            x = np.asarray(h.getSolution().col_value, dtype=float)
            cost = self.cost0.copy()
            cost[self.build_idx] *= self._val["capex"]
            free = float(cost[self.sys_mask] @ x[self.sys_mask]) + self.const0
            spent = np.asarray(h.getSolution().row_value, dtype=float)[self.budget_rows]
            self._free_cache[key] = (free, spent, new_hi.copy())
        finally:
            if n_t:
                h.changeRowsBounds(n_t, self.target_idx, t_lo, t_hi)
            if n_e:
                h.changeColsCost(n_e, self.exp_idx, self.cost0[self.exp_idx])
        return {"cost_of_independence_usd": row["system_cost_usd"] - free}

    def _binding(self) -> str:
        """Which limit makes this variant infeasible: the first whose lifting (on this model,
        by bounds, optimize/plan/limits.py) makes it feasible: budget, then build limit too;
        else lead time or no buildable supply (telling those apart needs another model:
        autarky earliest)."""
        if not hasattr(self, "_limits"):
            self._limits = Limits(self.d, self.solved)
        lim = self._limits
        lim.snapshot()  # this variant's budgets
        try:
            for name, budget, build in (("budget", True, False), ("build limit", True, True)):
                lim.lift(budget, build)
                self.solves += 1
                if self.solved.resolve(load_values=False) is Status.OPTIMAL:
                    return name
        finally:
            lim.lift(False, False)
        return "lead time or no buildable supply"

    def _earliest(self) -> int | None:
        """Earliest year from which the threshold share of every critical commodity's demand
        can be servable without the rival to the horizon's end, within this variant's budgets
        (binary search; feasibility is monotone in the start year)."""
        h, d, share = self.solved.highs, self.d, self.sc.threshold
        dem = self._val["demand"]
        served_ct: dict[tuple[str, int], float] = {}
        for r, c, t in d.served_keys:
            served_ct[(c, t)] = served_ct.get((c, t), 0.0) + dem[(r, c, t)]
        critical = set(self.data.critical)
        keys = [(ct, i) for ct, i in self.r_target.items() if ct[0] in critical]
        if not keys:
            return None
        idx = np.array([i for _, i in keys], dtype=np.int32)
        hi = self.row_hi0[idx]

        def feasible(year: int) -> bool:
            lo = np.array(
                [share * served_ct.get(ct, 0.0) if ct[1] >= year else 0.0 for ct, _ in keys]
            )
            h.changeRowsBounds(len(idx), idx, lo, hi)
            self.solves += 1
            return self.solved.resolve(load_values=False) is Status.OPTIMAL

        years = d.years
        if not feasible(years[-1]):
            return None
        lo_i, hi_i = 0, len(years) - 1
        while lo_i < hi_i:
            mid = (lo_i + hi_i) // 2
            if feasible(years[mid]):
                hi_i = mid
            else:
                lo_i = mid + 1
        return years[hi_i]
