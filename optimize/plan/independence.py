"""What independence costs and when it comes: figures read off a solved plan and its model.

* **Cost of independence**: the plan against the *free plan*, the same system solved on the same
  compiled model with no targets and no exposure (target rows' right-hand sides to 0, the
  served columns' objective costs to 0). Its difference in discounted system cost (capex, fixed
  O&M, variable, trade, unserved; USD bn), in undiscounted capex, and the expected cutoff loss
  each plan leaves (the free plan's is evaluated with its builds fixed and the exposure costs
  restored, so its cutoff state serves what its capacity can).
* **Two timelines**: the year each critical commodity and the chain *become* independent in
  the plan (optimize.plan.results.timeline_from_cutoff) beside the *earliest* year they *could*
  (optimize.plan.earliest), with the limit that binds.
* **Dependence-years**: sum over the horizon of the chain's dependence, 1 - its cutoff share.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from network.cutoff import CHAIN
from optimize.plan.fast import build_vars
from optimize.plan.model.objective import COST_COMPONENTS
from optimize.plan.sets import ModelData
from optimize.plan.solve import INF, Solved, Status

BN = 1e9
PLAN_CHOICE = "the plan's choice: earlier costs more than the expected loss it avoids"


@dataclass(frozen=True)
class CostOfIndependence:
    """The plan against the free plan (no targets, no exposure). USD bn; discounted to the
    first year unless the name says undiscounted (capex). Loss figures are None without an
    exposure section."""

    discounted_usd_bn: float  # system cost of the plan - of the free plan
    capex_usd_bn: float  # undiscounted capex of the plan - of the free plan
    system_cost_usd_bn: float
    free_system_cost_usd_bn: float
    expected_loss_usd_bn: float | None  # the plan's discounted expected cutoff loss
    expected_loss_free_usd_bn: float | None  # the free plan's
    loss_avoided_usd_bn: float | None
    net_benefit_usd_bn: float | None  # loss avoided - cost of independence

    def as_dict(self) -> dict[str, float | None]:
        return asdict(self)


def system_cost(m: pyo.ConcreteModel) -> float:
    """Discounted system cost of the loaded solution, USD (no expected loss, no penalties)."""
    return float(sum(pyo.value(getattr(m, f"cost_{k}")) for k in COST_COMPONENTS))


def expected_loss(m: pyo.ConcreteModel, d: ModelData) -> float:
    """m.expected_loss of the loaded solution, summed over its terms (docs/model.md: sum of
    w[r,c,t] * (demand - served)) rather than by walking the expression: ~100x faster."""
    return float(
        sum(w * (d.demand[k] - (m.served[k].value or 0.0)) for k, w in d.exposure_weight.items())
    )


def capex_undiscounted(m: pyo.ConcreteModel, d: ModelData) -> float:
    return float(sum(c * float(v.value or 0.0) for _b, v, c in build_vars(m, d)))


def cost_of_independence(
    d: ModelData, solved: Solved, plan_cost: float | None = None
) -> CostOfIndependence:
    """Solve the free plan on ``solved``'s model (warm), then restore the model's bounds and
    costs. The plan's values must be loaded in the model; afterwards they are loaded again
    (HiGHS keeps the last evaluation's solution: read duals before calling this).
    ``plan_cost``: the plan's system cost when already summed (PlanResult.costs)."""
    m, h = solved.model, solved.highs
    plan_x = np.asarray(h.getSolution().col_value, dtype=float).copy()
    plan_cost = system_cost(m) if plan_cost is None else plan_cost
    plan_capex = capex_undiscounted(m, d)
    exposed = bool(d.exposure_weight)
    plan_loss = expected_loss(m, d) if exposed else None

    lp = h.getLp()
    col_of = {id(v): j for j, v in enumerate(solved.columns)}
    targets = getattr(m, "target", None)
    t_rows = np.array(
        sorted(
            {
                solved.row_index[id(c)]
                for c in (targets.values() if targets else [])
                if id(c) in solved.row_index
            }
        ),
        dtype=np.int32,
    )
    t_lo = np.asarray(lp.row_lower_, dtype=float)[t_rows]
    t_hi = np.asarray(lp.row_upper_, dtype=float)[t_rows]
    s_cols = np.array(
        [col_of[id(m.served[k])] for k in d.exposure_weight if id(m.served[k]) in col_of],
        dtype=np.int32,
    )
    s_cost = np.asarray(lp.col_cost_, dtype=float)[s_cols]
    b_cols = np.array(
        [col_of[id(v)] for _b, v, _c in build_vars(m, d) if id(v) in col_of], dtype=np.int32
    )
    b_lo = np.asarray(lp.col_lower_, dtype=float)[b_cols]
    b_hi = np.asarray(lp.col_upper_, dtype=float)[b_cols]

    if len(t_rows):
        h.changeRowsBounds(len(t_rows), t_rows, np.zeros(len(t_rows)), np.full(len(t_rows), INF))
    if len(s_cols):
        h.changeColsCost(len(s_cols), s_cols, np.zeros(len(s_cols)))
    try:
        status = solved.resolve()
        if status is not Status.OPTIMAL:
            raise RuntimeError(f"the free plan stopped with status {status.value}")
        free_cost = system_cost(m)
        free_capex = capex_undiscounted(m, d)
        free_loss = None
        if exposed:
            x = np.asarray(h.getSolution().col_value, dtype=float)[b_cols]
            h.changeColsBounds(len(b_cols), b_cols, x, x)
            h.changeColsCost(len(s_cols), s_cols, s_cost)
            if solved.resolve() is Status.OPTIMAL:
                free_loss = expected_loss(m, d)
    finally:
        if len(t_rows):
            h.changeRowsBounds(len(t_rows), t_rows, t_lo, t_hi)
        if len(s_cols):
            h.changeColsCost(len(s_cols), s_cols, s_cost)
        if len(b_cols):
            h.changeColsBounds(len(b_cols), b_cols, b_lo, b_hi)
        for var, v in zip(solved.columns, plan_x, strict=True):
            var.set_value(v, skip_validation=True)
    diff = (plan_cost - free_cost) / BN
    avoided = None if plan_loss is None or free_loss is None else (free_loss - plan_loss) / BN
    return CostOfIndependence(
        discounted_usd_bn=diff,
        capex_usd_bn=(plan_capex - free_capex) / BN,
        system_cost_usd_bn=plan_cost / BN,
        free_system_cost_usd_bn=free_cost / BN,
        expected_loss_usd_bn=None if plan_loss is None else plan_loss / BN,
        expected_loss_free_usd_bn=None if free_loss is None else free_loss / BN,
        loss_avoided_usd_bn=avoided,
        net_benefit_usd_bn=None if avoided is None else avoided - diff,
    )


def dependence_years(dependence: pd.Series) -> float:
    """Sum over the horizon of the chain's dependence (``dependence`` by year): in each year,
    1 - the largest mean share of the bloc's critical commodities that could be served at
    once with no supply from the rival (network.cutoff.CutoffLP.solve_mean: each commodity's
    served share weighted equally, shared inputs competing). 0 = independent in everything
    every year; the horizon's length = dependent for everything every year. (The weakest-link
    share sets the chain's year; the mean moves with every commodity a plan makes safer.)

    >>> dependence_years(pd.Series({2025: 0.25, 2026: 0.0}))
    0.25
    """
    return float(dependence.clip(0.0, 1.0).sum())


def independence_table(timeline: pd.DataFrame, earliest: pd.DataFrame | None) -> pd.DataFrame:
    """Both timelines side by side (index commodity, the chain last): planned_year (the plan),
    earliest_year (what the scenario's limits allow; NA when not searched or never within
    the horizon), binding (the limit that keeps the earliest year from being a year earlier,
    or ever, if NA), plan_note (why the plan is later than the earliest year, if it is),
    share_last_year."""
    rows = []
    for c, rec in timeline.iterrows():
        planned = rec["year"]
        early = pd.NA
        binding = note = ""
        if earliest is not None and c in earliest.index:
            early = earliest.at[c, "earliest_year"]
            binding = str(earliest.at[c, "binding"])
            if not pd.isna(early) and (pd.isna(planned) or int(planned) > int(early)):
                note = PLAN_CHOICE
        rows.append((c, planned, early, binding, note, float(rec["share_last_year"])))
    out = pd.DataFrame(
        rows,
        columns=[
            "commodity",
            "planned_year",
            "earliest_year",
            "binding",
            "plan_note",
            "share_last_year",
        ],
    )
    out["planned_year"] = out["planned_year"].astype("Int64")
    out["earliest_year"] = out["earliest_year"].astype("Int64")
    out = out.set_index("commodity")
    return out.loc[[c for c in out.index if c != CHAIN] + [c for c in out.index if c == CHAIN]]
