"""Nominal operations: trade flows, unserved demand, commodity balances, rival restrictions."""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo

from optimize.plan.model.capital import capital_terms
from optimize.plan.model.recycling import scrap_terms
from optimize.plan.model.stocks import stock_terms
from optimize.plan.sets import ModelData


def add_flows(m: pyo.ConcreteModel, d: ModelData) -> None:
    """flow[e,i,c,t] >= 0 on every usable route and year, at most the route's max_flow; zero
    where the rival's restriction bans it."""
    keys = [(*a, t) for a in d.arcs for t in d.years]
    m.flow = pyo.Var(keys, domain=pyo.NonNegativeReals)
    for a, ub in d.arc_max.items():
        for t in d.years:
            m.flow[(*a, t)].setub(ub)
    for a, t in d.banned:
        m.flow[(*a, t)].setub(0.0)


def add_unserved(m: pyo.ConcreteModel, d: ModelData) -> None:
    """0 <= unserved[r,c,t] <= demand[r,c,t] for the planner's positive demand."""
    m.unserved = pyo.Var(
        list(d.demand), domain=pyo.NonNegativeReals, bounds=lambda m, *k: (0, d.demand[k])
    )


def add_balances(m: pyo.ConcreteModel, d: ModelData) -> None:
    """For every region r, commodity c, year t with any term:
    sum_p yield[p,c] * prod[r,p,t] + sum_{routes into r} flow - sum_{routes out of r} flow
      - sum_p input[p,c] * prod[r,p,t] - capital_use[r,c,t]
      >= demand[r,c,t] - unserved[r,c,t] + other[r,c,t]
    (other: the demand of regions outside the bloc served first, optimize/plan/others.py)
    (prod is activity; yield[p, output(p)] = output_per_activity, input = recipe amount *
    output_per_activity)."""
    terms: dict[tuple, list] = defaultdict(list)
    for (r, p, t), v in m.prod.items():
        for c, y in d.yields[p].items():
            terms[(r, c, t)].append((y, v))
        for c, a in d.recipe[p].items():
            terms[(r, c, t)].append((-a, v))
    for (e, i, c, t), v in m.flow.items():
        terms[(i, c, t)].append((1.0, v))
        terms[(e, c, t)].append((-1.0, v))
    for k, v in m.unserved.items():
        terms[k].append((1.0, v))
    for k, items in capital_terms(m, d).items():  # builds' capital inputs (capital.py)
        terms[k].extend(items)
    for k, items in stock_terms(m).items():  # fill and release of stockpiles (stocks.py)
        terms[k].extend(items)
    for k, items in scrap_terms(m).items():  # scrap collected (recycling.py)
        terms[k].extend(items)
    for k, v in m.dispose.items():  # surplus with a disposal cost (disposal.py): equality
        terms[k].append((-1.0, v))
    keys = sorted(terms)

    def rule(m: pyo.ConcreteModel, *k: object):
        lhs = sum(a * v for a, v in terms[k])
        rhs = d.demand.get(k, 0.0) + d.other_demand.get(k, 0.0)
        return lhs == rhs if k in m.dispose else lhs >= rhs

    m.balance = pyo.Constraint(keys, rule=rule)


def add_restrictions(m: pyo.ConcreteModel, d: ModelData) -> None:
    """For each capped (commodity c, year t) with share s in (0, 1):
    sum of the rival's (and, if extraterritorial, neutral) flows of c into the bloc
      <= s * the bloc's use of c (recipe use + final demand served).
    Bans (s = 0) are column bounds set in add_flows."""
    if not d.capped:
        return
    planner = set(d.planner_regions)
    recipe_use: dict[tuple[str, int], list] = defaultdict(list)
    for r, p, t in d.prod_keys:
        if r in planner:
            for c, a in d.recipe[p].items():
                if (c, t) in d.capped:
                    recipe_use[(c, t)].append((a, m.prod[r, p, t]))

    capital = capital_terms(m, d)

    def use(c: str, t: int):
        expr = sum(a * v for a, v in recipe_use.get((c, t), []))
        for r in planner:
            expr -= sum(a * v for a, v in capital.get((r, c, t), []))
        for r in planner:
            k = (r, c, t)
            if k in d.demand:
                expr += d.demand[k] - m.unserved[k]
        return expr

    m.restriction = pyo.Constraint(
        list(d.capped),
        rule=lambda m, c, t: (
            sum(m.flow[(*a, t)] for a in d.capped[c, t][1]) <= d.capped[c, t][0] * use(c, t)
        ),
    )
