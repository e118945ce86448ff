"""Recycling: secondary supply bounded by end-of-life availability.

Scrap of product c arises in region r in year t as A[r,s,t] = share * demand[r,c,t - life]
(end_of_life table; network/dataset.py: scrap_in). Recycling processes take scrap as a recipe
input like any other. For every (r, s, t) where r can run a process that uses s:

    0 <= collect[r,s,t] <= A[r,s,t],          nominal balance of (r,s,t): ... + collect
    0 <= cut_collect[r,s,t] <= avail[r] * A,  cutoff balance (t in T_cut):  ... + cut_collect

Scrap is used where it arises (no trade of scrap); both are column bounds, no rows.
"""

from __future__ import annotations

import pyomo.environ as pyo

from optimize.plan.sets import Key3, ModelData


def add_scrap(m: pyo.ConcreteModel, d: ModelData) -> None:
    """collect and cut_collect variables bounded by the scrap arising (see module)."""
    keys = sorted(d.scrap)
    m.collect = pyo.Var(keys, domain=pyo.NonNegativeReals, bounds=lambda m, *k: (0, d.scrap[k]))
    cut_years = set(d.cut_years)
    cut = [k for k in keys if k[2] in cut_years and d.avail.get(k[0], 0.0) > 0]
    m.cut_collect = pyo.Var(
        cut, domain=pyo.NonNegativeReals, bounds=lambda m, *k: (0, d.avail[k[0]] * d.scrap[k])
    )


def scrap_terms(m: pyo.ConcreteModel, cutoff: bool = False) -> dict[Key3, list]:
    """Balance terms (+1, collect) by (region, scrap, year); the cutoff state's if asked."""
    var = getattr(m, "cut_collect" if cutoff else "collect", None)
    if var is None:
        return {}
    return {k: [(1.0, v)] for k, v in var.items()}
