"""Time to survive: how many years of full cutoff the bloc's stocks cover.

For each critical commodity c the bloc demands and year t: the bloc's stock of c at the start
of t (the opening stock in the first year, else the plan's stock at the end of t - 1), and the
yearly shortfall in a cutoff, (1 - cutoff share[c,t]) * demand[c,t], where the cutoff share is
what the bloc's own and neutral capacity could serve (network/cutoff.py, no stocks). Then

    years[c,t] = stock[c,t] / shortfall[c,t]   (inf when there is no shortfall)

a stock drawn down at the year-t shortfall; capacity alone covers c indefinitely when inf.
"""

from __future__ import annotations

import math

import pandas as pd
import pyomo.environ as pyo

from network.cutoff import CHAIN
from optimize.plan.sets import ModelData

COLUMNS = ["stock", "shortfall", "years"]


def time_to_survive(m: pyo.ConcreteModel, d: ModelData, cutoff: pd.DataFrame) -> pd.DataFrame:
    """Index (commodity, year); columns stock (units at the start of the year), shortfall
    (units a year not servable in a full cutoff) and years (stock / shortfall)."""
    demand: dict[tuple[str, int], float] = {}
    for (_r, c, t), q in d.demand.items():
        demand[(c, t)] = demand.get((c, t), 0.0) + q
    first = d.years[0]
    stock: dict[tuple[str, int], float] = {}
    for (r, c), p in d.stocks.items():
        for t in d.years:
            v = p["opening"] if t == first else pyo.value(m.stock[r, c, t - 1])
            stock[(c, t)] = stock.get((c, t), 0.0) + float(v or 0.0)
    rows = []
    for (c, t), share in cutoff["cutoff_share"].items():
        if c == CHAIN or (c, t) not in demand:
            continue
        short = max(0.0, (1.0 - float(share)) * demand[(c, t)])
        s = stock.get((c, t), 0.0)
        years = math.inf if short <= 1e-9 * max(1.0, demand[(c, t)]) else s / short
        rows.append((c, t, s, short, years))
    out = pd.DataFrame(rows, columns=["commodity", "year", *COLUMNS])
    return out.set_index(["commodity", "year"]).sort_index()
