"""The cutoff state: a second set of flows over the same capacities, without the rival.

It costs nothing; it only requires that the capacity the plan builds could serve the targeted
share of the planner's demand if the rival's regions supplied nothing (other non-bloc regions
counting at the neutral share).
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo

from optimize.plan.model.capacity import capacity_expr
from optimize.plan.model.capital import capital_terms
from optimize.plan.model.recycling import scrap_terms
from optimize.plan.model.stocks import cut_stock_terms
from optimize.plan.sets import ModelData


def add_cutoff_operations(m: pyo.ConcreteModel, d: ModelData) -> None:
    """cut_prod[r,p,t] <= availability[r] * cap[r,p,t] for non-rival regions, except that a
    neutral region's activity is bounded by usable[r,p,t] = res + neutral_share * (cap - res)
    (res: the activity its own demand needs, optimize/plan/others.py), a column bound;
    cut_flow[e,i,c,t] >= 0 on routes between non-rival regions (max_flow applies)."""
    m.cut_prod = pyo.Var(d.cut_prod_keys, domain=pyo.NonNegativeReals)
    for k, ub in d.cut_usable.items():
        if k in m.cut_prod:
            m.cut_prod[k].setub(ub)
    m.cut_prod_limit = pyo.Constraint(
        [k for k in d.cut_prod_keys if k not in d.cut_usable],
        rule=lambda m, *k: m.cut_prod[k] <= d.avail[k[0]] * capacity_expr(m, d, k),
    )
    keys = [(*a, t) for a in d.cut_arcs for t in d.cut_years]
    m.cut_flow = pyo.Var(keys, domain=pyo.NonNegativeReals)
    cut_arc_set = set(d.cut_arcs)
    for a, ub in d.arc_max.items():
        if a in cut_arc_set:
            for t in d.cut_years:
                m.cut_flow[(*a, t)].setub(ub)


def add_cutoff_balances(m: pyo.ConcreteModel, d: ModelData) -> None:
    """For every non-rival region r, commodity c, year t with any term:
    cut output + cut imports - cut exports - cut recipe use - capital_use[r,c,t]
      >= served[r,c,t] + floor[r,c,t]
    (served only for the planner's targeted demand, 0 <= served <= demand; floor: a neutral
    region's own demand served first, optimize/plan/others.py)."""
    m.served = pyo.Var(
        d.served_keys, domain=pyo.NonNegativeReals, bounds=lambda m, *k: (0, d.demand[k])
    )
    terms: dict[tuple, list] = defaultdict(list)
    for (r, p, t), v in m.cut_prod.items():
        for c, y in d.yields[p].items():
            terms[(r, c, t)].append((y, v))
        for c, a in d.recipe[p].items():
            terms[(r, c, t)].append((-a, v))
    for (e, i, c, t), v in m.cut_flow.items():
        terms[(i, c, t)].append((1.0, v))
        terms[(e, c, t)].append((-1.0, v))
    for k, v in m.served.items():
        terms[k].append((-1.0, v))
    for k, items in capital_terms(m, d, set(d.cut_years)).items():  # builds under way
        terms[k].extend(items)
    for k, items in cut_stock_terms(m).items():  # stock drawn in a cutoff (stocks.py)
        terms[k].extend(items)
    for k, items in scrap_terms(m, cutoff=True).items():  # scrap arising (recycling.py)
        terms[k].extend(items)
    m.cut_balance = pyo.Constraint(
        sorted(terms),
        rule=lambda m, *k: sum(a * v for a, v in terms[k]) >= d.cut_floor.get(k, 0.0),
    )


def target_rows(d: ModelData) -> dict[tuple[str, int], list[tuple[str, str, int]]]:
    """(commodity, year) -> the served keys summed in its target row (computed once)."""
    return d.target_groups


def target_demand(d: ModelData, c: str, t: int) -> float:
    """The planner's total demand for ``c`` in ``t``."""
    return sum(d.demand[k] for k in d.target_groups.get((c, t), []))


def add_targets(m: pyo.ConcreteModel, d: ModelData) -> None:
    """For every targeted commodity c and year t (share 0 where no target is active, kept so
    that searches can switch targets on by changing the right-hand side):
    sum_r served[r,c,t] + shortfall[c,t] >= share[c,t] * sum_r demand[r,c,t]."""
    rows = target_rows(d)
    m.target = pyo.Constraint(
        sorted(rows),
        rule=lambda m, c, t: (
            sum(m.served[k] for k in rows[c, t]) + m.shortfall[c, t]
            >= d.target_share.get((c, t), 0.0) * sum(d.demand[k] for k in rows[c, t])
        ),
    )
