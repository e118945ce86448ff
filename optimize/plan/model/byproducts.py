"""By-product limits: gallium is recovered from alumina refining, germanium from zinc smelting,
so their output is bounded by the host industry's output in the region and year.

For every (r, p, t) in P with p in by_products:

    prod[r,p,t]     <= limit[r,p,t] = ratio[p] * host_output[r, host(p), t] / output_per_activity[p]
    cut_prod[r,p,t] <= avail[r] * limit[r,p,t]

Both are column bounds (no rows): building more recovery capacity than the host stream
carries buys nothing.
"""

from __future__ import annotations

import pyomo.environ as pyo

from optimize.plan.sets import ModelData


def add_by_product_limits(m: pyo.ConcreteModel, d: ModelData) -> None:
    """Tighten prod and cut_prod upper bounds to the host limit (see module)."""
    for k, limit in d.host_limit.items():
        if k in m.prod:
            ub = m.prod[k].ub
            m.prod[k].setub(limit if ub is None else min(ub, limit))
        if hasattr(m, "cut_prod") and k in m.cut_prod:
            cap = d.avail.get(k[0], 0.0) * limit
            ub = m.cut_prod[k].ub
            m.cut_prod[k].setub(cap if ub is None else min(ub, cap))
