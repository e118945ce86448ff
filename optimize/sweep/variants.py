"""What a sweep varies: :class:`Variant` (one point), :class:`SweepSettings`, the
:class:`Structure` a variant needs its own compiled model for, and the right-hand-side inputs
of a variant (budgets, demand, target shares).
"""

from __future__ import annotations

import dataclasses
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from network.dataset import Dataset
from network.ranges import lead_times_at, scaled_years
from optimize.scenario import CRITICAL, Restriction, Scenario
from optimize.uncertain import with_levels

BN = 1e9
PLACEHOLDER_BUDGET_BN = 1e6
"""Budget rows are built with this value when only variants set a budget; moved per variant."""


class Variant(BaseModel):
    """One point of a sweep. ``None`` / 1.0 means: as in the scenario. Every number is range-
    and finiteness-checked (a NaN budget or a negative draw is refused, not solved)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    name: str
    budget_usd_bn: float | None = Field(default=None, ge=0, le=1e6)
    target_year: int | None = Field(default=None, ge=1990, le=2100)
    lead_time_multiplier: float = Field(default=1.0, gt=0, le=100)
    # a quantile of every capacity row's lead-time range (network/ranges.py); None: as given
    lead_time_quantile: float | None = Field(default=None, ge=0, le=1)
    capex_multiplier: float = Field(default=1.0, gt=0, le=1000)
    demand_growth_multiplier: float = Field(default=1.0, ge=0, le=1000)
    restriction: str | None = None  # a named restriction set of the sweep; None: the scenario's
    restriction_start_year: int | None = Field(default=None, ge=1990, le=2100)
    discount_rate: float | None = Field(default=None, ge=0, le=1)
    # unverified inputs at other levels (optimize/uncertain.py): build limits scaled, values of
    # lost supply at the low or high end of commodities.cutoff_damage, the neutral share
    build_limit_multiplier: float = Field(default=1.0, ge=0, le=1000)
    damage: Literal["low", "high"] | None = None
    neutral_share: float | None = Field(default=None, ge=0, le=1)
    sample: int | None = None  # Monte Carlo draw number


@dataclasses.dataclass(frozen=True)
class SweepSettings:
    """What every variant of one sweep shares besides the scenario."""

    restriction_sets: dict[str, tuple[Restriction, ...]] = dataclasses.field(default_factory=dict)
    budget_chains: tuple[str, ...] | None = None  # per-chain mode: chains the budget is spread on
    earliest: bool = False
    budget_swept: bool = False


@dataclasses.dataclass(frozen=True)
class Structure:
    """What needs its own compiled model."""

    leads: tuple[int, ...]
    restriction: str | None
    discount_rate: float
    shift_restrictions: bool
    all_cutoff_years: bool  # target rows in every year (target year swept, earliest search)
    build_limit_multiplier: float = 1.0
    damage: str | None = None
    neutral_share: float | None = None
    lows: tuple[int | None, ...] = ()  # fast ends of the lead-time ranges, scaled (None: none)


def lead_times(data: Dataset, multiplier: float, quantile: float | None = None) -> tuple[int, ...]:
    """Lead times at ``quantile`` of each row's range (network/ranges.py; None: as given),
    scaled and rounded half up to whole years, in capacity-table order.

    >>> import pandas as pd
    >>> class D: capacity = pd.DataFrame({"lead_time": [2, 3, 5]})
    >>> lead_times(D, 1.25)
    (3, 4, 6)
    """
    return lead_times_at(data, quantile, multiplier)


def fast_ends(data: Dataset, multiplier: float) -> tuple[int | None, ...]:
    """Each capacity row's fast end (``lead_time_low``) times ``multiplier``, rounded half up
    (None where the row gives none): the lead time of a fast-tracked build in a variant."""
    cap = data.capacity
    if "lead_time_low" not in cap.columns:
        return ()
    return tuple(None if pd.isna(x) else scaled_years(x, multiplier) for x in cap["lead_time_low"])


def structure_of(
    v: Variant, data: Dataset, sc: Scenario, settings: SweepSettings | None = None
) -> Structure:
    settings = settings or SweepSettings()
    return Structure(
        leads=lead_times(data, v.lead_time_multiplier, v.lead_time_quantile),
        lows=fast_ends(data, v.lead_time_multiplier),
        restriction=v.restriction,
        discount_rate=sc.discount_rate if v.discount_rate is None else v.discount_rate,
        shift_restrictions=v.restriction_start_year is not None,
        all_cutoff_years=v.target_year is not None or settings.earliest,
        build_limit_multiplier=v.build_limit_multiplier,
        damage=v.damage,
        neutral_share=v.neutral_share,
    )


def budget_mode(sc: Scenario) -> str:
    """'per_year' (the swept budget is the per-year budget) unless the scenario budgets only per
    chain, then 'per_chain' (each chain's budget scaled so that they sum to the swept value)."""
    b = sc.budget
    if b.per_chain_per_year_usd_bn and b.per_year_usd_bn is None:
        return "per_chain"
    return "per_year"


def target_shares(sc: Scenario, data: Dataset, target_year: int | None) -> dict:
    """(commodity, year) -> required share, with every target starting in ``target_year`` if
    given (as optimize.plan.sets.build_model_data reads the targets)."""
    out: dict[tuple[str, int], float] = {}
    for tg in sc.targets:
        start = tg.from_year if target_year is None else target_year
        coms = data.critical if tg.commodities == CRITICAL else list(tg.commodities)
        for c in coms:
            for t in sc.years:
                if t >= start:
                    out[(c, t)] = max(out.get((c, t), 0.0), tg.share)
    return out


def scaled_demand(demand: dict, growth: float, first: int) -> dict:
    """Demand with its growth over the first year scaled: q0 + growth * (q_t - q0), >= 0.

    >>> scaled_demand({("A", "m", 2025): 10.0, ("A", "m", 2030): 20.0}, 0.5, 2025)
    {('A', 'm', 2025): 10.0, ('A', 'm', 2030): 15.0}
    """
    if growth == 1.0:
        return demand
    return {
        k: max(0.0, demand.get((k[0], k[1], first), 0.0) * (1 - growth) + growth * q)
        for k, q in demand.items()
    }


def variant_inputs(
    data: Dataset, sc: Scenario, v: Variant, settings: SweepSettings
) -> tuple[Dataset, Scenario]:
    """The dataset and scenario a fresh build would need for ``v`` (the slow route: rebuild
    checks, benchmarks, and the game's race, which plans from scratch)."""
    cap = data.capacity.copy()
    cap["lead_time"] = list(lead_times(data, v.lead_time_multiplier, v.lead_time_quantile))
    cap["capex"] = cap["capex"] * v.capex_multiplier
    out = dataclasses.replace(data, capacity=cap)
    out, sc = with_levels(out, sc, v.build_limit_multiplier, v.damage, v.neutral_share)
    if v.demand_growth_multiplier != 1.0:
        dem = data.demand.copy()
        first = sc.years[0]
        base = data.demand_in([first]).droplevel("year")
        keys = list(
            zip(*[dem.index.get_level_values(n) for n in ("region", "commodity")], strict=True)
        )
        q0 = np.array([float(base.get(k, 0.0)) for k in keys])
        q = dem["quantity"].to_numpy(dtype=float)
        dem["quantity"] = np.maximum(0.0, q0 + v.demand_growth_multiplier * (q - q0))
        out = dataclasses.replace(out, demand=dem)
    restrictions = (
        list(sc.restrictions)
        if v.restriction is None
        else list(settings.restriction_sets[v.restriction])
    )
    if v.restriction_start_year is not None:
        restrictions = [
            r.model_copy(update={"from_year": v.restriction_start_year}) for r in restrictions
        ]
    budget = sc.budget
    if v.budget_usd_bn is not None:
        if budget_mode(sc) == "per_year":
            budget = budget.model_copy(update={"per_year_usd_bn": v.budget_usd_bn})
        else:
            chains = dict(budget.per_chain_per_year_usd_bn)
            swept = settings.budget_chains or tuple(chains)
            base_sum = sum(chains[ch] for ch in swept)
            for ch in swept:
                share = chains[ch] / base_sum if base_sum > 0 else 1.0 / len(swept)
                chains[ch] = v.budget_usd_bn * share
            budget = budget.model_copy(update={"per_chain_per_year_usd_bn": chains})
    targets = sc.targets
    if v.target_year is not None:
        targets = [t.model_copy(update={"from_year": v.target_year}) for t in targets]
    update: dict[str, Any] = {"restrictions": restrictions, "budget": budget, "targets": targets}
    if v.discount_rate is not None:
        update["discount_rate"] = v.discount_rate
    return out, sc.model_copy(update=update)
