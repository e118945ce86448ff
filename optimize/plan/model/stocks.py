"""Stockpiles: storable commodities of the planner's regions, filled in normal times and drawn
in normal times or in a cutoff.

For every stockpile (r, c) (stockpiles table, r in R_B) and year t, with S[r,c,y0-1] = opening:

    S[r,c,t] = S[r,c,t-1] + fill[r,c,t] - release[r,c,t]          (stock_balance)
    S <= max_stock, fill <= max_fill, release <= max_release      (column bounds)
    nominal balance of (r,c,t):  ... - fill[r,c,t] + release[r,c,t]
    cost:                        sum_t df[t] * holding_cost[r,c] * S[r,c,t]     ("holding")

and for t in T_cut the stock held at the start of the year may be drawn in the cutoff state:

    L * cut_draw[r,c,t] <= S[r,c,t-1]  (a column bound, opening / L, in the first year)
    cut_draw[r,c,t] <= max_release,  cutoff balance of (r,c,t): ... + cut_draw[r,c,t]

L is the exposure section's duration_years (1 without one): a cutoff lasts L years once it
starts, so the stock is spread over them. The cutoff state of each year is its own
hypothetical: a draw there does not deplete the stock of later years (time to survive,
optimize/plan/survive.py, says how many years a stock covers).
"""

from __future__ import annotations

import pyomo.environ as pyo

from optimize.plan.sets import Key3, ModelData


def add_stocks(m: pyo.ConcreteModel, d: ModelData) -> None:
    """stock, fill, release and cut_draw variables and the stock balance rows (see module)."""
    keys = [(r, c, t) for (r, c) in d.stocks for t in d.years]
    m.stock = pyo.Var(keys, domain=pyo.NonNegativeReals)
    m.fill = pyo.Var(keys, domain=pyo.NonNegativeReals)
    m.release = pyo.Var(keys, domain=pyo.NonNegativeReals)
    cut_keys = [(r, c, t) for (r, c) in d.stocks for t in d.cut_years]
    m.cut_draw = pyo.Var(cut_keys, domain=pyo.NonNegativeReals)
    for r, c, t in keys:
        p = d.stocks[(r, c)]
        for var, lim in ((m.stock, "max_stock"), (m.fill, "max_fill"), (m.release, "max_release")):
            if p.get(lim) is not None:
                var[r, c, t].setub(p[lim])
    first = d.years[0]

    def before(r: str, c: str, t: int):
        return d.stocks[(r, c)]["opening"] if t == first else m.stock[r, c, t - 1]

    m.stock_balance = pyo.Constraint(
        keys,
        rule=lambda m, r, c, t: (
            m.stock[r, c, t] == before(r, c, t) + m.fill[r, c, t] - m.release[r, c, t]
        ),
    )
    rows = []
    for r, c, t in cut_keys:
        p = d.stocks[(r, c)]
        if p.get("max_release") is not None:
            m.cut_draw[r, c, t].setub(p["max_release"])
        if t == first:
            ub = m.cut_draw[r, c, t].ub
            per_year = p["opening"] / d.cut_duration
            m.cut_draw[r, c, t].setub(per_year if ub is None else min(ub, per_year))
        else:
            rows.append((r, c, t))
    m.cut_draw_limit = pyo.Constraint(
        rows,
        rule=lambda m, r, c, t: d.cut_duration * m.cut_draw[r, c, t] <= m.stock[r, c, t - 1],
    )


def stock_terms(m: pyo.ConcreteModel) -> dict[Key3, list[tuple[float, object]]]:
    """Nominal balance terms: -fill + release, by (region, commodity, year)."""
    if not hasattr(m, "stock"):
        return {}
    return {k: [(-1.0, m.fill[k]), (1.0, m.release[k])] for k in m.stock}


def cut_stock_terms(m: pyo.ConcreteModel) -> dict[Key3, list[tuple[float, object]]]:
    """Cutoff balance terms: +cut_draw, by (region, commodity, year)."""
    if not hasattr(m, "cut_draw"):
        return {}
    return {k: [(1.0, v)] for k, v in m.cut_draw.items()}


def holding_cost(m: pyo.ConcreteModel, d: ModelData):
    """sum_{r,c,t} df[t] * holding_cost[r,c] * stock[r,c,t] (USD, discounted)."""
    if not hasattr(m, "stock"):
        return 0.0
    return sum(
        d.discount[t] * d.stocks[(r, c)]["holding_cost"] * v
        for (r, c, t), v in m.stock.items()
        if d.stocks[(r, c)]["holding_cost"] > 0
    )
