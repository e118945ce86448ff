"""Capital inputs: commodities a build consumes per unit of new capacity (chip tools for a fab),
drawn in the years its capex is paid.

    capital_use[r,k,t] = sum_{b=(r,p,tau) in B} cap_in[p,k] * paid[b,t] * build[b]

paid[b,t] is the share of build b's capex paid in year t (1/lead in each of its lead-time years,
all at once with no lead time). The term enters the nominal balance of (r, k, t) as use, the
restrictions' "bloc's use" of k, and, for t in T_cut, the cutoff balance too: under a cutoff
existing capacity keeps running, but a build under way needs its capital inputs from supply
the rival does not control.
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo

from optimize.plan.fast import build_var
from optimize.plan.sets import Key3, ModelData


def capital_use(d: ModelData) -> dict[Key3, list[tuple[float, tuple]]]:
    """(region, commodity, year) -> [(units per unit built, build key)]; plain data."""
    out: dict[Key3, list[tuple[float, tuple]]] = defaultdict(list)
    if not d.capital:
        return {}
    for t, items in d.paid.items():
        for b, share in items:
            for k, amount in d.capital.get(b[1], {}).items():
                if amount * share > 0:
                    out[(b[0], k, t)].append((amount * share, b))
    return dict(out)


def capital_terms(
    m: pyo.ConcreteModel, d: ModelData, years: set[int] | None = None
) -> dict[Key3, list[tuple[float, object]]]:
    """Balance terms (-units, build variable) of capital use, by (region, commodity, year),
    for ``years`` (default: all)."""
    out: dict[Key3, list[tuple[float, object]]] = {}
    for key, items in capital_use(d).items():
        if years is None or key[2] in years:
            out[key] = [(-a, build_var(m, b)) for a, b in items]
    return out
