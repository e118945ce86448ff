"""Others' own demand: the rival's and neutral regions' final demand, served first; and the
plain-data inputs of the stockpile and recycling families (stockpiles, scrap_used).

Nominal state: every region outside the bloc (the rival's too) first serves its own final
demand from supply outside the bloc (``network/reserve.py`` with ``nominal=True``, on fixed
capacity: no plan builds there); the quantities it can serve enter its balance rows as demand
the plan must meet, and the bloc gets what is left. Others' demand beyond that (what only the
bloc could supply) is not the plan's concern and is left out.

Cutoff state: each neutral region first serves its own demand from neutral supply
(``network/reserve.py``); the reserve is computed per cutoff year on the fixed capacity (no
plan builds outside the bloc), giving column bounds for the neutral regions' production and
floors for their balance rows.
"""

from __future__ import annotations

import pandas as pd

from network.dataset import Dataset
from network.reserve import ReserveLP
from optimize.scenario import Scenario

Key3 = tuple[str, str, int]


def other_demand(
    data: Dataset, sc: Scenario, fixed_cap: dict[Key3, float], years: list[int]
) -> dict[Key3, float]:
    """The others' demand the plan must serve, (region, c, year): what every region outside the
    planner bloc can get of its own final demand from supply outside the bloc (fixed capacity,
    the rival's included), served before the bloc gets what is left."""
    lp = ReserveLP(data, sc.planner, sc.rival, nominal=True)
    out: dict[Key3, float] = {}
    if lp.lp is None:
        return out
    outside = set(lp.neutral)
    for t in years:
        reserve = lp.solve(t, _capacity(fixed_cap, outside, t), 1.0, activity=False)
        if reserve is not None:
            out.update({(r, c, t): float(q) for (r, c), q in reserve.served.items()})
    return out


def _capacity(fixed_cap: dict[Key3, float], regions: set[str], t: int) -> pd.Series:
    """Fixed capacity of ``regions`` in year t, index (region, process)."""
    cap = {(r, p): v for (r, p, y), v in fixed_cap.items() if y == t and r in regions}
    idx = pd.MultiIndex.from_tuples(list(cap), names=["region", "process"])
    return pd.Series(list(cap.values()), index=idx, dtype=float)


def others_in_cutoff(
    data: Dataset,
    sc: Scenario,
    fixed_cap: dict[Key3, float],
    cut_years: list[int],
) -> tuple[dict[Key3, float], dict[Key3, float]]:
    """(usable, floor) for the cutoff state: usable[(r,p,t)] bounds a neutral region's cutoff
    activity (own-demand part in full, the rest at the neutral share); floor[(r,c,t)] is the
    own demand its cutoff balance must still serve."""
    lp = ReserveLP(data, sc.planner, sc.rival)
    usable: dict[Key3, float] = {}
    floor: dict[Key3, float] = {}
    if lp.lp is None or not cut_years:
        return usable, floor
    neutral = set(lp.neutral)
    for t in cut_years:
        cap = _capacity(fixed_cap, neutral, t)
        reserve = lp.solve(t, cap, sc.neutral_share)
        if reserve is None:
            continue
        for (r, p), v in reserve.usable.items():
            if (r, p, t) in fixed_cap:
                usable[(r, p, t)] = float(v)
        for (r, c), q in reserve.served.items():
            floor[(r, c, t)] = float(q)
    return usable, floor


def stockpiles(data: Dataset, planner: set[str]) -> dict[tuple[str, str], dict[str, float | None]]:
    """The planner regions' stockpile rows as plain floats (None where no limit)."""
    out: dict[tuple[str, str], dict[str, float | None]] = {}
    for (r, c), rec in data.stockpiles.iterrows():
        if r in planner:
            out[(r, c)] = {
                k: (None if rec[k] is None or rec[k] != rec[k] else float(rec[k]))
                for k in ("opening", "holding_cost", "max_stock", "max_fill", "max_release")
            }
    return out


def scrap_used(
    data: Dataset, years: list[int], prod_keys: list[Key3], recipe: dict[str, dict[str, float]]
) -> dict[Key3, float]:
    """Scrap arising (data.scrap_in) where some process of the region can use it that year."""
    users = {(r, c, t) for r, p, t in prod_keys for c in recipe[p]}
    return {k: q for k, q in data.scrap_in(years).items() if k in users}
