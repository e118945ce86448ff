"""Capacity: builds, their delayed and ramped arrival, production limits, and budgets."""

from __future__ import annotations

import pyomo.environ as pyo

from optimize.plan.fast import add_fast_builds, build_var
from optimize.plan.sets import Key3, ModelData


def capacity_expr(m: pyo.ConcreteModel, d: ModelData, key: Key3) -> pyo.Expression | float:
    """cap[r,p,t] = existing + projects online by t + new_cap[r,p,t] (where builds can arrive)."""
    fixed = d.fixed_cap.get(key, 0.0)
    if key in d.online:
        return fixed + m.new_cap[key]
    return fixed


def add_builds(m: pyo.ConcreteModel, d: ModelData) -> None:
    """build[r,p,tau] >= 0: new capacity started in year tau in a planner region (output units
    per year), at most max_build[r,p] per year; only start years whose output arrives within
    the horizon are indexed."""
    m.build = pyo.Var(
        d.builds, domain=pyo.NonNegativeReals, bounds=lambda m, *b: (0, d.build_ub[b])
    )
    if d.fast_builds:
        add_fast_builds(m, d)


def add_new_capacity(m: pyo.ConcreteModel, d: ModelData) -> None:
    """new_cap[r,p,t] = sum over builds b started in tau with tau + lead <= t < tau + lead +
    lifetime of build[b] * ramp(t - tau - lead): capacity started in tau first produces in
    tau + lead (a real delay), ramps up over the ramp years and retires after its lifetime; a
    fast-tracked build the same with its fast lead time (optimize/plan/fast.py)."""
    keys = list(d.online)
    m.new_cap = pyo.Var(keys, domain=pyo.NonNegativeReals)
    m.new_cap_def = pyo.Constraint(
        keys,
        rule=lambda m, *k: m.new_cap[k] == sum(f * build_var(m, b) for b, f in d.online[k]),
    )


def add_production_limits(m: pyo.ConcreteModel, d: ModelData) -> None:
    """prod[r,p,t] <= cap[r,p,t] for every (region, process, year) that can have capacity
    (nominal state: the world's capacity serving the planner's demand). Where no build can
    arrive the limit is a bound on prod."""
    m.prod = pyo.Var(d.prod_keys, domain=pyo.NonNegativeReals)
    with_builds = [k for k in d.prod_keys if k in d.online]
    for k in d.prod_keys:
        if k not in d.online:
            m.prod[k].setub(d.fixed_cap[k])
    m.prod_limit = pyo.Constraint(
        with_builds, rule=lambda m, *k: m.prod[k] <= capacity_expr(m, d, k)
    )


def spend_expr(m: pyo.ConcreteModel, d: ModelData, year: int, chain: str | None = None):
    """Capex paid in ``year`` (USD): each build's capex spread evenly over its lead time (a
    fast-tracked build's capex with its premium, over its fast lead time)."""
    items = d.spend.get(year, [])
    if chain is not None:
        items = [(b, c) for b, c in items if d.chain_of[d.output_of[b[1]]] == chain]
    return sum(c * build_var(m, b) for b, c in items)


def add_budgets(m: pyo.ConcreteModel, d: ModelData) -> None:
    """Budget rows (USD), each present only when the scenario sets it:
    spend[t] <= per-year budget for every year with spending;
    sum_t spend[t] <= total budget;
    spend[chain, t] <= per-chain per-year budget.
    Elastic models add an overrun variable to each row (see add_elastic_slacks)."""
    years = [t for t in d.years if d.spend.get(t)]
    if d.budget_year is not None:
        m.budget_year = pyo.Constraint(
            years, rule=lambda m, t: spend_expr(m, d, t) - m.overrun_year[t] <= d.budget_year
        )
    if d.budget_total is not None and years:
        m.budget_total = pyo.Constraint(
            expr=sum(spend_expr(m, d, t) for t in years) - m.overrun_total <= d.budget_total
        )
    keys = []
    for ch in d.budget_chain:
        for t in years:
            if any(d.chain_of[d.output_of[b[1]]] == ch for b, _ in d.spend[t]):
                keys.append((ch, t))
    if keys:
        m.budget_chain = pyo.Constraint(
            keys,
            rule=lambda m, ch, t: (
                spend_expr(m, d, t, ch) - m.overrun_chain[ch, t] <= d.budget_chain[ch]
            ),
        )
