"""The planner's discounted cost."""

from __future__ import annotations

import pyomo.environ as pyo

from optimize.plan.model.capacity import spend_expr
from optimize.plan.model.disposal import disposal_cost
from optimize.plan.model.stocks import holding_cost
from optimize.plan.sets import ModelData

# Elastic penalties: a budget overrun costs this many (discounted) USD per USD; a target
# shortfall costs this multiple of the commodity's value of unserved demand per unit.
OVERRUN_PENALTY = 10.0
SHORTFALL_MULTIPLE = 100.0


def cost_terms(m: pyo.ConcreteModel, d: ModelData) -> dict[str, object]:
    """Discounted cost components (USD), each a Pyomo expression:
    capex     = sum_t df_t * capex paid in t (spread over lead time)
    fixed_om  = sum_{r,p,t} df_t * fixed_om[r,p] * new capacity online
    variable  = sum_{r,p,t} df_t * variable_cost[r,p] * prod[r,p,t]
    trade     = sum_{routes,t} df_t * cost * flow
    unserved  = sum_{r,c,t} df_t * value_unserved[c] * unserved[r,c,t]
    disposal  = sum_{r,c,t} df_t * disposal_cost[c] * dispose[r,c,t] (disposal.py)
    holding   = sum_{r,c,t} df_t * holding_cost[r,c] * stock[r,c,t] (stocks.py)."""
    df = d.discount
    capex = sum(df[t] * spend_expr(m, d, t) for t in d.years if d.spend.get(t))
    fom = sum(
        df[k[2]] * d.fixed_om[(k[0], k[1])] * m.new_cap[k]
        for k in d.online
        if d.fixed_om[(k[0], k[1])] > 0
    )
    var = sum(
        df[t] * d.variable_cost[(r, p)] * v
        for (r, p, t), v in m.prod.items()
        if d.variable_cost[(r, p)] > 0
    )
    trade = sum(
        df[t] * d.arc_cost[(e, i, c)] * v
        for (e, i, c, t), v in m.flow.items()
        if d.arc_cost[(e, i, c)]
    )
    unserved = sum(df[k[2]] * d.penalty[k[1]] * v for k, v in m.unserved.items())
    return {
        "capex": capex,
        "fixed_om": fom,
        "variable": var,
        "trade": trade,
        "unserved": unserved,
        "disposal": disposal_cost(m, d),
        "holding": holding_cost(m, d),
    }


COST_COMPONENTS = ("capex", "fixed_om", "variable", "trade", "unserved", "disposal", "holding")
EXPECTED_LOSS = "expected_cutoff_loss"


def expected_loss_expr(m: pyo.ConcreteModel, d: ModelData):
    """Discounted expected cutoff loss (USD):
    sum_{(r,c,t) in S} df_t * p_t * V_c * (demand[r,c,t] - served[r,c,t]),
    S the served keys of exposed commodities (weights in ``d.exposure_weight``); 0 without an
    exposure section. The constant part is an objective offset."""
    return sum(w * (d.demand[k] - m.served[k]) for k, w in d.exposure_weight.items())


def add_objective(m: pyo.ConcreteModel, d: ModelData) -> None:
    """minimise capex + fixed O&M + variable + trade + unserved penalty (all discounted),
    plus the expected cutoff loss when the scenario has an exposure section, plus, in an
    elastic model, the penalties on budget overruns and target shortfalls.
    The components are named Expressions (m.cost_capex, ...) for reporting."""
    for name, expr in cost_terms(m, d).items():
        setattr(m, f"cost_{name}", pyo.Expression(expr=expr))
    total = sum(getattr(m, f"cost_{name}") for name in COST_COMPONENTS)
    m.expected_loss = pyo.Expression(expr=expected_loss_expr(m, d))
    if d.exposure_weight:
        total = total + m.expected_loss
    elastic = OVERRUN_PENALTY * (
        sum(m.overrun_year.values()) + m.overrun_total + sum(m.overrun_chain.values())
    ) + sum(
        SHORTFALL_MULTIPLE * max(d.penalty.get(c, 0.0), 1.0) * v
        for (c, _t), v in m.shortfall.items()
    )
    m.cost = pyo.Objective(expr=total + elastic, sense=pyo.minimize)
