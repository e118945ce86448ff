"""The game's inputs read off the two plans: each side's stakes per year.

For a target side T and its rival S, year t (``payoffs.Stakes``; equations in
``optimize.game.payoffs``):

* lost supply: from T's plan's exposure table (``PlanResult.exposure``, one row per exposed
  commodity and year: the bloc's demand D, what its cutoff state serves K, the value lost per
  unit V); only the commodities S's measures name (``game.measures.S``) count, or every
  exposed commodity when S's measures name none of them. The plan's ``loss_usd`` is V (D - K):
  the lost supply at full intensity.
* parallel chain: T's plan's cost of independence (discounted system cost against its free
  plan, ``PlanResult.cost_of_independence``) as an annuity over the plan's horizon,
  ``e_T = discounted_usd_bn / sum_t df(t)``, floored at 0.
* forgone exports: S's exports of the measured commodities to T's bloc in T's plan
  (``PlanResult.flows``, exporter a region of S, importer a region of T), valued at the price
  ``price_share x value_unserved`` (the dataset's value_unserved is 3x price throughout).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from network.dataset import Dataset
from optimize.game.payoffs import BN, NO_STAKES, RIVAL, SIDES, GameParams, Stakes
from optimize.plan.results import PlanResult

Year = int


def measured(exposure: pd.DataFrame, named: Sequence[str]) -> list[str]:
    """The exposed commodities that count: those the sender's measures name, or all of them
    when the measures name none.

    >>> ex = pd.DataFrame({"loss_usd": [1.0, 2.0]},
    ...                   index=pd.MultiIndex.from_tuples([("a", 2025), ("b", 2025)],
    ...                                                   names=["commodity", "year"]))
    >>> measured(ex, ["b", "z"]), measured(ex, ["z"])
    (['b'], ['a', 'b'])
    """
    have = (
        list(dict.fromkeys(exposure.index.get_level_values("commodity"))) if len(exposure) else []
    )
    named_set = set(named)
    hit = [c for c in have if c in named_set]
    return hit or have


def annuity(total_usd_bn: float, rate: float, years: Sequence[Year]) -> float:
    """A discounted total spread evenly (in present value) over ``years``:
    total / sum_t (1 + rate)^-(t - t0).

    >>> round(annuity(10.0, 0.0, [2025, 2026]), 6)
    5.0
    """
    if not years:
        return 0.0
    t0 = min(years)
    weight = sum((1.0 + rate) ** -(t - t0) for t in years)
    return float(total_usd_bn) / weight


def parallel_chain(plan: PlanResult) -> float:
    """e_T, USD bn per year: the plan's cost of independence as an annuity (module doc)."""
    coi = getattr(plan, "cost_of_independence", None)
    if coi is None:
        return 0.0
    return max(
        0.0, annuity(coi.discounted_usd_bn, plan.scenario.discount_rate, plan.scenario.years)
    )


def exports_by_year(
    plan: PlanResult, data: Dataset, commodities: Sequence[str], price_share: float
) -> pd.Series:
    """USD bn per year: the rival's exports of ``commodities`` to the planner's bloc in the
    plan, at price_share x value_unserved."""
    sc = plan.scenario
    flows = plan.flows["flow"] if len(plan.flows) else pd.Series(dtype=float)
    if flows.empty or not commodities:
        return pd.Series(dtype=float)
    rival = set(data.regions_of(sc.rival))
    own = set(data.regions_of(sc.planner))
    idx = flows.index
    keep = (
        idx.get_level_values("exporter").isin(rival)
        & idx.get_level_values("importer").isin(own)
        & idx.get_level_values("commodity").isin(list(commodities))
    )
    sel = flows[keep]
    if sel.empty:
        return pd.Series(dtype=float)
    price = data.commodities["value_unserved"].astype(float) * price_share
    value = sel * price.reindex(sel.index.get_level_values("commodity")).to_numpy()
    return value.groupby(level="year").sum() / BN


def stakes_of(
    plan: PlanResult, data: Dataset, named: Sequence[str], params: GameParams, years: Sequence[Year]
) -> dict[Year, Stakes]:
    """The target's stakes per year from its plan, against the measures naming ``named``."""
    exposure = getattr(plan, "exposure", None)
    if exposure is None:
        exposure = pd.DataFrame()
    chain = parallel_chain(plan)
    exposed = measured(exposure, named) if len(exposure) else []
    trade = set(exposed) | set(named)
    exports = exports_by_year(plan, data, sorted(trade), params.price_share)
    out: dict[Year, Stakes] = {}
    for t in years:
        fx = float(exports.get(t, 0.0))
        if exposed:
            want = pd.MultiIndex.from_product([exposed, [t]], names=["commodity", "year"])
            rows = exposure.reindex(want).dropna(subset=["demand"])
            out[t] = Stakes(
                tuple(rows.index.get_level_values("commodity")),
                rows["demand"].to_numpy(float),
                rows["served_in_cutoff"].to_numpy(float),
                rows["value_lost_usd_per_unit"].to_numpy(float),
                chain,
                fx,
            )
        else:
            out[t] = Stakes((), np.zeros(0), np.zeros(0), np.zeros(0), chain, fx)
    return out


def stakes_from_plans(
    plans: Mapping[str, PlanResult],
    data: Mapping[str, Dataset],
    measures: Mapping[str, Sequence[str]],
    params: GameParams,
    years: Sequence[Year],
) -> dict[str, dict[Year, Stakes]]:
    """Side -> year -> its stakes. ``measures``: sender side -> commodities its measures name
    (those land on the rival's plan)."""
    out = {}
    for side in SIDES:
        if side in plans:
            out[side] = stakes_of(
                plans[side], data[side], measures.get(RIVAL[side], ()), params, years
            )
        else:
            out[side] = dict.fromkeys(years, NO_STAKES)
    return out
