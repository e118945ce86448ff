"""Sanction effectiveness falls as the target's substitution speeds up (default data).

Sanction effectiveness (``optimize.regimes.sanction_effectiveness``) is the discounted damage
China's full restriction would inflict on the US over the horizon,
sum_t D_CN * d_US(t) / (1 + r)^(t - 2025), with d_US(t) = 1 - the US plan's chain-wide cutoff
share (data/scenarios/baseline.yaml on data/default, payoffs from data/game/payoffs.csv).

Faster substitution = shorter lead times for every build (capacity.lead_time scaled down),
which lets the US set its 95% self-sufficiency target earlier. Both are needed: the plan is
cost-minimising, so with the target year fixed it builds as late as the target allows and
shorter lead times alone (or a larger budget) leave the dependence path unchanged, while an
earlier target without shorter lead times is infeasible (2032 with today's lead times:
graphite and antimony are short, build limit binds). Settings (each solves in ~2 s):

    lead times x 1,   target 2035   (baseline)
    lead times x 0.5, target 2032
    lead times x 0,   target 2030
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest

from network.cutoff import CHAIN
from network.validate import load_dataset
from optimize.game.payoffs import CN, GameParams
from optimize.game.regimes import sanction_effectiveness
from optimize.plan import run_plan
from optimize.scenario import load_scenario
from optimize.solve import Status

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = ((1.0, 2035), (0.5, 2032), (0.0, 2030))  # (lead-time scale, target year)


@pytest.fixture(scope="module")
def us_plans() -> list:
    sc = load_scenario(ROOT / "data" / "scenarios" / "baseline.yaml")
    data = load_dataset(sc.dataset_path)
    (target,) = sc.targets
    plans = []
    for scale, year in SETTINGS:
        cap = data.capacity.copy()
        cap["lead_time"] = (cap["lead_time"] * scale).round().astype(int)
        faster = dataclasses.replace(data, capacity=cap)
        probe = sc.model_copy(update={"targets": [target.model_copy(update={"from_year": year})]})
        plans.append(run_plan(probe, faster))
    return plans


def us_dependence(plan) -> pd.Series:
    share = plan.cutoff["cutoff_share"].xs(CHAIN, level="commodity")
    return (1.0 - share).clip(0.0, 1.0)


def test_faster_substitution_reaches_self_sufficiency_earlier(us_plans):
    assert [p.status for p in us_plans] == [Status.OPTIMAL] * len(SETTINGS)
    assert [p.chain_year for p in us_plans] == [year for _, year in SETTINGS]


def test_china_sanction_effectiveness_falls_as_us_substitution_speeds_up(us_plans):
    params = GameParams.from_csv(ROOT / "data" / "game" / "payoffs.csv")
    bite = [sanction_effectiveness(params, us_dependence(p), sender=CN) for p in us_plans]
    assert all(a > b for a, b in zip(bite, bite[1:], strict=False)), bite
    # dependence is never higher in any year when substitution is faster
    deps = [us_dependence(p) for p in us_plans]
    for slow, fast in zip(deps, deps[1:], strict=False):
        assert (fast <= slow + 1e-6).all()
    # scale: ~0.98 dependence for the first decade at D_CN = 50 USD bn/yr, 5% discounting
    assert 350 < bite[0] < 420
