"""Variants of one scenario on one compiled plan LP: move right-hand sides, re-solve warm.

A :class:`Variant` names the values that differ from the scenario. They fall in two groups:

* **right-hand sides, bounds and costs** (one compiled model serves them all): the budget
  (rows ``budget_year``/``budget_chain``), the target year (rows ``target``), the capex
  multiplier (build columns' costs, and budget rows divided by it: every budget row holds only
  capex terms), the demand growth multiplier (balance, target and restriction right-hand
  sides; unserved and served bounds) and the rival's restriction start year (bans are column
  bounds, caps are rows switched off with an infinite right-hand side);
* **the matrix** (a new model per distinct value): the lead-time multiplier (lead times are
  whole years, ``round(lead * multiplier)``, so many multipliers share one model), the
  discount rate and the restriction set.

:class:`SweepModel` is one compiled model for one structure; :func:`solve_variants` keeps a
small cache of them so that a worker builds each structure once and sweeps many variants.
After each solve the row is read off the solution arrays: discounted and undiscounted cost,
spend, the self-sufficiency year of each critical commodity and of the chain (cutoff shares
of the plan's capacity, scanned back from the horizon's end), the value of budget, and
optionally the earliest feasible chain year (a binary search on the target rows, slower).
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from network.cutoff import CHAIN, CutoffLP, availability
from network.dataset import Dataset
from network.ranges import lead_times_at
from network.reserve import ReserveLP
from optimize.plan.fast import build_vars
from optimize.plan.limits import Limits
from optimize.plan.model import build_model
from optimize.plan.sets import ModelData, build_model_data
from optimize.plan.solve import INF, Solved, Status, compile_and_solve
from optimize.scenario import CRITICAL, Restriction, Scenario, Target
from optimize.uncertain import with_levels

BN = 1e9
PLACEHOLDER_BUDGET_BN = 1e6
"""Budget rows are built with this value when only variants set a budget; moved per variant."""


class Variant(BaseModel):
    """One point of a sweep. ``None`` / 1.0 means: as in the scenario. Every number is range-
    and finiteness-checked (a NaN budget or a negative draw is refused, not solved)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    name: str
    budget_usd_bn: float | None = Field(default=None, ge=0, le=1e6)
    target_year: int | None = Field(default=None, ge=1990, le=2100)
    lead_time_multiplier: float = Field(default=1.0, gt=0, le=100)
    # a quantile of every capacity row's lead-time range (network/ranges.py); None: as given
    lead_time_quantile: float | None = Field(default=None, ge=0, le=1)
    capex_multiplier: float = Field(default=1.0, gt=0, le=1000)
    demand_growth_multiplier: float = Field(default=1.0, ge=0, le=1000)
    restriction: str | None = None  # a named restriction set of the sweep; None: the scenario's
    restriction_start_year: int | None = Field(default=None, ge=1990, le=2100)
    discount_rate: float | None = Field(default=None, ge=0, le=1)
    # unverified inputs at other levels (optimize/uncertain.py): build limits scaled, values of
    # lost supply at the low or high end of commodities.cutoff_damage, the neutral share
    build_limit_multiplier: float = Field(default=1.0, ge=0, le=1000)
    damage: Literal["low", "high"] | None = None
    neutral_share: float | None = Field(default=None, ge=0, le=1)
    sample: int | None = None  # Monte Carlo draw number


@dataclasses.dataclass(frozen=True)
class SweepSettings:
    """What every variant of one sweep shares besides the scenario."""

    restriction_sets: dict[str, tuple[Restriction, ...]] = dataclasses.field(default_factory=dict)
    budget_chains: tuple[str, ...] | None = None  # per-chain mode: chains the budget is spread on
    earliest: bool = False
    budget_swept: bool = False


@dataclasses.dataclass(frozen=True)
class Structure:
    """What needs its own compiled model."""

    leads: tuple[int, ...]
    restriction: str | None
    discount_rate: float
    shift_restrictions: bool
    all_cutoff_years: bool  # target rows in every year (target year swept, earliest search)
    build_limit_multiplier: float = 1.0
    damage: str | None = None
    neutral_share: float | None = None
    lows: tuple[int | None, ...] = ()  # fast ends of the lead-time ranges, scaled (None: none)


def lead_times(data: Dataset, multiplier: float, quantile: float | None = None) -> tuple[int, ...]:
    """Lead times at ``quantile`` of each row's range (network/ranges.py; None: as given),
    scaled and rounded half up to whole years, in capacity-table order.

    >>> import pandas as pd
    >>> class D: capacity = pd.DataFrame({"lead_time": [2, 3, 5]})
    >>> lead_times(D, 1.25)
    (3, 4, 6)
    """
    return lead_times_at(data, quantile, multiplier)


def fast_ends(data: Dataset, multiplier: float) -> tuple[int | None, ...]:
    """Each capacity row's fast end (``lead_time_low``) times ``multiplier``, rounded half up
    (None where the row gives none): the lead time of a fast-tracked build in a variant."""
    cap = data.capacity
    if "lead_time_low" not in cap.columns:
        return ()
    return tuple(
        None if pd.isna(x) else int(math.floor(float(x) * multiplier + 0.5))
        for x in cap["lead_time_low"]
    )


def structure_of(
    v: Variant, data: Dataset, sc: Scenario, settings: SweepSettings | None = None
) -> Structure:
    settings = settings or SweepSettings()
    return Structure(
        leads=lead_times(data, v.lead_time_multiplier, v.lead_time_quantile),
        lows=fast_ends(data, v.lead_time_multiplier),
        restriction=v.restriction,
        discount_rate=sc.discount_rate if v.discount_rate is None else v.discount_rate,
        shift_restrictions=v.restriction_start_year is not None,
        all_cutoff_years=v.target_year is not None or settings.earliest,
        build_limit_multiplier=v.build_limit_multiplier,
        damage=v.damage,
        neutral_share=v.neutral_share,
    )


def budget_mode(sc: Scenario) -> str:
    """'per_year' (the swept budget is the per-year budget) unless the scenario budgets only per
    chain, then 'per_chain' (each chain's budget scaled so that they sum to the swept value)."""
    b = sc.budget
    if b.per_chain_per_year_usd_bn and b.per_year_usd_bn is None:
        return "per_chain"
    return "per_year"


def target_shares(sc: Scenario, data: Dataset, target_year: int | None) -> dict:
    """(commodity, year) -> required share, with every target starting in ``target_year`` if
    given (as optimize.plan.sets.build_model_data reads the targets)."""
    out: dict[tuple[str, int], float] = {}
    for tg in sc.targets:
        start = tg.from_year if target_year is None else target_year
        coms = data.critical if tg.commodities == CRITICAL else list(tg.commodities)
        for c in coms:
            for t in sc.years:
                if t >= start:
                    out[(c, t)] = max(out.get((c, t), 0.0), tg.share)
    return out


def scaled_demand(demand: dict, growth: float, first: int) -> dict:
    """Demand with its growth over the first year scaled: q0 + growth * (q_t - q0), >= 0.

    >>> scaled_demand({("A", "m", 2025): 10.0, ("A", "m", 2030): 20.0}, 0.5, 2025)
    {('A', 'm', 2025): 10.0, ('A', 'm', 2030): 15.0}
    """
    if growth == 1.0:
        return demand
    return {
        k: max(0.0, demand.get((k[0], k[1], first), 0.0) * (1 - growth) + growth * q)
        for k, q in demand.items()
    }


def variant_inputs(
    data: Dataset, sc: Scenario, v: Variant, settings: SweepSettings
) -> tuple[Dataset, Scenario]:
    """The dataset and scenario a fresh build would need for ``v`` (the slow route: rebuild
    checks, benchmarks, and the game's race, which plans from scratch)."""
    cap = data.capacity.copy()
    cap["lead_time"] = list(lead_times(data, v.lead_time_multiplier, v.lead_time_quantile))
    cap["capex"] = cap["capex"] * v.capex_multiplier
    out = dataclasses.replace(data, capacity=cap)
    out, sc = with_levels(out, sc, v.build_limit_multiplier, v.damage, v.neutral_share)
    if v.demand_growth_multiplier != 1.0:
        dem = data.demand.copy()
        first = sc.years[0]
        base = data.demand_in([first]).droplevel("year")
        keys = list(
            zip(*[dem.index.get_level_values(n) for n in ("region", "commodity")], strict=True)
        )
        q0 = np.array([float(base.get(k, 0.0)) for k in keys])
        q = dem["quantity"].to_numpy(dtype=float)
        dem["quantity"] = np.maximum(0.0, q0 + v.demand_growth_multiplier * (q - q0))
        out = dataclasses.replace(out, demand=dem)
    restrictions = (
        list(sc.restrictions)
        if v.restriction is None
        else list(settings.restriction_sets[v.restriction])
    )
    if v.restriction_start_year is not None:
        restrictions = [
            r.model_copy(update={"from_year": v.restriction_start_year}) for r in restrictions
        ]
    budget = sc.budget
    if v.budget_usd_bn is not None:
        if budget_mode(sc) == "per_year":
            budget = budget.model_copy(update={"per_year_usd_bn": v.budget_usd_bn})
        else:
            chains = dict(budget.per_chain_per_year_usd_bn)
            swept = settings.budget_chains or tuple(chains)
            base_sum = sum(chains[ch] for ch in swept)
            for ch in swept:
                share = chains[ch] / base_sum if base_sum > 0 else 1.0 / len(swept)
                chains[ch] = v.budget_usd_bn * share
            budget = budget.model_copy(update={"per_chain_per_year_usd_bn": chains})
    targets = sc.targets
    if v.target_year is not None:
        targets = [t.model_copy(update={"from_year": v.target_year}) for t in targets]
    update: dict[str, Any] = {"restrictions": restrictions, "budget": budget, "targets": targets}
    if v.discount_rate is not None:
        update["discount_rate"] = v.discount_rate
    return out, sc.model_copy(update=update)


class SweepModel:
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


# ---------------------------------------------------------------------------------------
# many variants


MODEL_CACHE_SIZE = 4
_CACHE: OrderedDict[tuple, SweepModel] = OrderedDict()


def model_for(
    data: Dataset, sc: Scenario, v: Variant, settings: SweepSettings, cache_key: Any = None
) -> SweepModel:
    """The cached compiled model for ``v``'s structure (built on first use). ``cache_key``
    identifies the inputs (e.g. their hash); without it the objects' identities are used."""
    st = structure_of(v, data, sc, settings)
    key = (cache_key if cache_key is not None else (id(data), id(sc)), repr(settings), st)
    found = _CACHE.get(key)
    if found is not None:
        _CACHE.move_to_end(key)
        return found
    sm = SweepModel(data, sc, st, settings)
    _CACHE[key] = sm
    while len(_CACHE) > MODEL_CACHE_SIZE:
        _CACHE.popitem(last=False)
    return sm


def clear_cache() -> None:
    _CACHE.clear()


def solve_variants(
    data: Dataset,
    sc: Scenario,
    variants: Iterable[Variant],
    settings: SweepSettings,
    cache_key: Any = None,
    on_solve: Callable[[Variant], None] | None = None,
) -> Iterator[tuple[Variant, dict[str, Any]]]:
    """Solve each variant on its structure's cached model; yield (variant, row). A variant that
    raises is yielded with status 'failed' and the error; the others go on."""
    for v in variants:
        try:
            sm = model_for(data, sc, v, settings, cache_key)
            if on_solve is not None:
                on_solve(v)
            row = sm.solve(v)
        except Exception as exc:  # one bad variant must not sink the sweep
            row = {"status": "failed", "error": f"{type(exc).__name__}: {exc}"}
        yield v, row


__all__ = [
    "SweepModel",
    "SweepSettings",
    "Structure",
    "Variant",
    "budget_mode",
    "model_for",
    "solve_variants",
]
