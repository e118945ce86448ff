"""The plan LP, built as an ordered list of constraint families (one function each)."""

from __future__ import annotations

import pyomo.environ as pyo
from pyomo.common.gc_manager import PauseGC

from optimize.plan.model.byproducts import add_by_product_limits
from optimize.plan.model.capacity import (
    add_budgets,
    add_builds,
    add_new_capacity,
    add_production_limits,
)
from optimize.plan.model.disposal import add_disposal
from optimize.plan.model.flows import add_balances, add_flows, add_restrictions, add_unserved
from optimize.plan.model.objective import add_objective
from optimize.plan.model.origin import add_origin
from optimize.plan.model.recycling import add_scrap
from optimize.plan.model.stocks import add_stocks
from optimize.plan.model.targets import (
    add_cutoff_balances,
    add_cutoff_operations,
    add_targets,
    target_rows,
)
from optimize.plan.sets import ModelData


def add_elastic_slacks(m: pyo.ConcreteModel, d: ModelData, elastic: bool) -> None:
    """overrun_* >= 0 on budget rows and shortfall[c,t] >= 0 on target rows. Fixed at 0 unless
    ``elastic``: an elastic model always solves and shows which target or budget gives way."""
    years = [t for t in d.years if d.spend.get(t)]
    m.overrun_year = pyo.Var(years, domain=pyo.NonNegativeReals)
    m.overrun_total = pyo.Var(domain=pyo.NonNegativeReals)
    m.overrun_chain = pyo.Var(
        [(ch, t) for ch in d.budget_chain for t in years], domain=pyo.NonNegativeReals
    )
    m.shortfall = pyo.Var(sorted(target_rows(d)), domain=pyo.NonNegativeReals)
    if not elastic:
        for var in (m.overrun_year, m.overrun_chain, m.shortfall):
            var.fix(0.0)
        m.overrun_total.fix(0.0)


def build_model(d: ModelData, elastic: bool = False) -> pyo.ConcreteModel:
    """The plan LP for one scenario. Reads like the formulation: decisions, capacity, nominal
    operations, the cutoff state and its targets, budgets, objective."""
    with PauseGC():  # the collector would walk the growing expression graph: ~2x slower
        return _build(d, elastic)


def _build(d: ModelData, elastic: bool) -> pyo.ConcreteModel:
    m = pyo.ConcreteModel(name="autarky-plan")
    add_elastic_slacks(m, d, elastic)
    add_builds(m, d)
    add_new_capacity(m, d)
    add_production_limits(m, d)
    add_flows(m, d)
    add_unserved(m, d)
    add_disposal(m, d)
    add_stocks(m, d)
    add_scrap(m, d)
    add_balances(m, d)
    add_restrictions(m, d)
    add_origin(m, d)
    add_cutoff_operations(m, d)
    add_by_product_limits(m, d)
    add_cutoff_balances(m, d)
    add_targets(m, d)
    add_budgets(m, d)
    add_objective(m, d)
    return m
