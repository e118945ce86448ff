"""Sanction effectiveness falls as the target's substitution speeds up (default data).

Sanction effectiveness (``optimize.game.regimes.sanction_effectiveness``) is the discounted
damage China's full restriction would do to the US plan over the horizon,
sum_t Dmg_US(1; t) / (1 + r)^(t - 2025), with Dmg_US the US plan's lost supply in a cutoff
(its exposure table, over the commodities China's measures in race.yaml name) plus its
parallel-chain cost (optimize.game.stakes; multipliers from data/game/payoffs.csv). The plan
is data/scenarios/race_plan_us.yaml on data/default pricing a certain Chinese restriction
(cutoff likelihood 1 in every year, as when the game's equilibrium restricts throughout), so
it builds wherever the loss it avoids pays for the capacity.

Faster substitution = shorter lead times for every build (capacity.lead_time x 1, 0.5, 0):
the same builds come online sooner, so dependence falls earlier and China's restriction
bites less. Each plan solves in ~2 s.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest

from network.cutoff import CHAIN
from optimize.game.loop import plan_scenario
from optimize.game.payoffs import CN
from optimize.game.regimes import sanction_effectiveness
from optimize.game.scenario import load_race
from optimize.game.stakes import stakes_of
from optimize.plan import run_plan
from optimize.plan.solve import Status

ROOT = Path(__file__).resolve().parents[1]
SCALES = (1.0, 0.5, 0.0)  # lead-time multipliers


@pytest.fixture(scope="module")
def race():
    return load_race(ROOT / "data" / "scenarios" / "race.yaml")


@pytest.fixture(scope="module")
def us_plans(race) -> list:
    data = race.data["US"]
    base = plan_scenario(race, "US", pd.Series(1.0, index=race.years))
    plans = []
    for scale in SCALES:
        cap = data.capacity.copy()
        cap["lead_time"] = (cap["lead_time"] * scale).round().astype(int)
        faster = dataclasses.replace(data, capacity=cap)
        plans.append(run_plan(base, faster, earliest=False))
    return plans


def us_dependence(plan) -> pd.Series:
    share = plan.cutoff["cutoff_share"].xs(CHAIN, level="commodity")
    return (1.0 - share).clip(0.0, 1.0)


def first_reached(plan, threshold: float = 0.95) -> int:
    """First year the chain's cutoff share reaches the threshold (2041: never)."""
    share = plan.cutoff["cutoff_share"].xs(CHAIN, level="commodity")
    return next((int(t) for t, v in share.items() if v >= threshold - 1e-9), 2041)


def test_faster_substitution_reaches_independence_earlier(us_plans):
    assert [p.status for p in us_plans] == [Status.OPTIMAL] * len(SCALES)
    after = 2041  # not within the horizon (2025-2040): counted as the year after it
    years = [p.chain_year or after for p in us_plans]
    assert years[0] >= years[1], years
    # with no lead time at all the chain reaches 95% first of all, but its planned year (from
    # which the share *stays* at 95% to 2040) is "never": capex counts in full with no salvage
    # value, so a build for the horizon's last years' demand growth (Sm-Co) pays a whole
    # plant for a few years of avoided loss, and the plan lets 2040 fall to ~85%
    first = [first_reached(p) for p in us_plans]
    assert first[0] >= first[1] > first[2], first
    dep_years = [p.dependence_years for p in us_plans]
    assert dep_years[0] > dep_years[1] > dep_years[2], dep_years


def test_china_sanction_effectiveness_falls_as_us_substitution_speeds_up(race, us_plans):
    params = race.params
    named = race.spec.measured(CN)
    bite = [
        sanction_effectiveness(
            params, stakes_of(p, race.data["US"], named, params, race.years), sender=CN
        )
        for p in us_plans
    ]
    assert all(a > b for a, b in zip(bite, bite[1:], strict=False)), bite
    # the dependence summed over 2025-2034 falls as substitution speeds up
    early = [float(us_dependence(p).loc[2025:2034].sum()) for p in us_plans]
    assert early[0] > early[1] > early[2], early
    assert bite[0] > 100  # USD bn: years of cutoff losses before the builds come online
