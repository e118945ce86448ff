"""Levels of the unverified (U) inputs a sweep can move without a new dataset: build limits,
values of lost supply and the neutral share (lead times, capex and demand growth have their
own variant keys: optimize/sweep/). Used by sweep variants and the tornado
(autarky/tornado.py).
"""

from __future__ import annotations

import dataclasses
from typing import Literal

from network.dataset import Dataset
from optimize.scenario import Scenario

Damage = Literal["low", "high"]


def with_levels(
    data: Dataset,
    sc: Scenario,
    build_limit_multiplier: float = 1.0,
    damage: Damage | None = None,
    neutral_share: float | None = None,
) -> tuple[Dataset, Scenario]:
    """``data`` with every ``max_build`` scaled and ``cutoff_damage`` at its low or high end
    (where the row gives one), and ``sc`` with the neutral share replaced."""
    if build_limit_multiplier != 1.0:
        cap = data.capacity.copy()
        cap["max_build"] = cap["max_build"] * build_limit_multiplier
        data = dataclasses.replace(data, capacity=cap)
    if damage is not None and "cutoff_damage" in data.commodities.columns:
        com = data.commodities.copy()
        end = com[f"cutoff_damage_{damage}"]
        com["cutoff_damage"] = end.where(end.notna(), com["cutoff_damage"])
        data = dataclasses.replace(data, commodities=com)
    if neutral_share is not None:
        sc = sc.model_copy(update={"neutral_share": neutral_share})
    return data, sc
