"""Disposal of surplus: a commodity with a disposal cost (a co-product nobody needs, such as
lanthanum and cerium from a separation line run for NdPr) pays for what is made but not used.

For every (r, c, t) with disposal_cost[c] > 0 where r can make c:

    dispose[r,c,t] >= 0, and the nominal balance of (r, c, t) holds with equality:
    sum_p yield[p,c] prod + imports - exports - sum_p input[p,c] prod - capital_use
      - dispose[r,c,t] = demand - unserved + other

costing df[t] * disposal_cost[c] * dispose[r,c,t]. Other commodities keep the balance as an
inequality (surplus dropped at no cost). The cutoff state costs nothing and keeps free disposal.
"""

from __future__ import annotations

import pyomo.environ as pyo

from optimize.plan.sets import ModelData


def add_disposal(m: pyo.ConcreteModel, d: ModelData) -> None:
    """dispose[r,c,t] >= 0 where r can make a commodity with a disposal cost (see module);
    add_balances turns those balance rows into equalities."""
    keys = sorted(
        {(r, c, t) for r, p, t in d.prod_keys for c in d.yields[p] if d.disposal.get(c, 0) > 0}
    )
    m.dispose = pyo.Var(keys, domain=pyo.NonNegativeReals)


def disposal_cost(m: pyo.ConcreteModel, d: ModelData):
    """sum_{r,c,t} df[t] * disposal_cost[c] * dispose[r,c,t] (USD, discounted)."""
    return sum(d.discount[t] * d.disposal[c] * v for (_r, c, t), v in m.dispose.items())
