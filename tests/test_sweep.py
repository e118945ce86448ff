"""Sweeps on one compiled model (optimize.sweep), on a network solvable by hand.

Network: one critical commodity 'magnet' made by 'sinter' (no inputs). USA (bloc US) builds
sinter capacity at 100 USD per t/yr with a 1-year lead time (capex paid in the build year);
CHN (bloc CN) has 100 t/yr but the rival bans its magnet exports to the bloc from 2025. USA
demands 10 t/yr over 2025-2030; unserved demand costs 1,000 USD/t, so every t/yr of capacity
is built as early as the per-year budget B allows: B / 100 t/yr a year, online a year later.
The chain is self-sufficient (95% = 9.5 t/yr) from the first year with cumulative builds
>= 9.5: B = 1,000 -> 2026; 500 -> 2027; 250 -> 2029; 200 -> 2030; 100 -> never (5 t by 2030).
"""

from __future__ import annotations

import pandas as pd
import pytest
from test_plan import frames as plan_frames

from network.validate import dataset_from_frames
from optimize.plan import run_plan
from optimize.plan.solve import Status
from optimize.scenario import scenario_from_dict
from optimize.sweep import (
    SweepSettings,
    Variant,
    clear_cache,
    model_for,
    solve_variants,
    variant_inputs,
)

BUDGET_YEARS = {1000: 2026, 500: 2027, 250: 2029, 200: 2030, 100: None}


def frames(lead: int = 1, demand_2030: float = 10.0) -> dict[str, pd.DataFrame]:
    """test_plan's tiny network with a 1-year lead time and a 2030 demand point."""
    return plan_frames(lead=lead, demand_2030=demand_2030)


def scenario_dict(**kw: object) -> dict:
    base = dict(
        name="tiny-sweep",
        dataset=".",
        horizon=dict(first=2025, last=2030),
        planner="US",
        rival="CN",
        discount_rate=0.0,
        budget=dict(per_year_usd_bn=1000e-9),
        restrictions=[dict(name="ban", commodities=["magnet"], from_year=2025)],
    )
    base.update(kw)
    return base


def scenario(**kw: object):
    return scenario_from_dict(scenario_dict(**kw))


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_cache()
    yield
    clear_cache()


def test_self_sufficiency_year_falls_with_budget_exactly_as_by_hand():
    data, sc = dataset_from_frames(frames()), scenario()
    variants = [Variant(name=str(b), budget_usd_bn=b * 1e-9) for b in sorted(BUDGET_YEARS)]
    rows = dict(solve_variants(data, sc, variants, SweepSettings(budget_swept=True)))
    years = {int(v.name): rows[v]["chain_year"] for v in variants}
    assert years == BUDGET_YEARS
    assert years[200] > years[250] > years[500] > years[1000]
    assert all(rows[v]["years"]["magnet"] == rows[v]["chain_year"] for v in variants)
    # B = 1,000: 10 t built in 2025, unserved in 2025 only
    top = rows[variants[-1]]
    assert top["spend_usd"] == pytest.approx(1000)
    assert top["objective_usd"] == pytest.approx(1000 + 10 * 1000)
    # a binding budget is worth more than a dollar a dollar here (unserved 1,000 USD/t a year)
    assert rows[variants[0]]["budget_value_usd_per_usd"] > 1
    assert top["budget_value_usd_per_usd"] >= 0  # degenerate: spend == budget exactly
    # one model for all five
    sm = model_for(data, sc, variants[0], SweepSettings(budget_swept=True))
    assert sm.solves == 1 + len(variants)


@pytest.mark.parametrize(
    "variant",
    [
        Variant(name="budget", budget_usd_bn=300e-9),
        Variant(name="capex", capex_multiplier=1.5, budget_usd_bn=400e-9),
        Variant(name="growth", demand_growth_multiplier=0.5),
        Variant(name="start", restriction_start_year=2027, budget_usd_bn=300e-9),
        Variant(name="target", target_year=2028),
        Variant(name="lead", lead_time_multiplier=2.0),
        Variant(name="rate", discount_rate=0.1, budget_usd_bn=250e-9),
    ],
    ids=lambda v: v.name,
)
def test_a_swept_variant_equals_a_fresh_build(variant):
    data = dataset_from_frames(frames(demand_2030=20.0))
    sc = scenario(targets=[dict(share=0.5, from_year=2030)])
    settings = SweepSettings(budget_swept=True)
    # solve something else first, so the variant starts from another basis and other bounds
    other = Variant(
        name="other",
        budget_usd_bn=2000e-9,
        demand_growth_multiplier=2.0,
        capex_multiplier=0.5,
        lead_time_multiplier=variant.lead_time_multiplier,
        discount_rate=variant.discount_rate,
        target_year=2026,
    )
    list(solve_variants(data, sc, [other], settings))
    [(_, row)] = list(solve_variants(data, sc, [variant], settings))
    d2, sc2 = variant_inputs(data, sc, variant, settings)
    fresh = run_plan(sc2, d2)
    assert fresh.status is Status.OPTIMAL
    assert row["status"] == "optimal"
    assert row["objective_usd"] == pytest.approx(fresh.objective, rel=1e-7)
    assert row["chain_year"] == fresh.chain_year
    assert row["spend_usd"] == pytest.approx(fresh.spend["spend_usd"].sum(), rel=1e-7)


def test_infeasible_variant_and_earliest_chain_year():
    data = dataset_from_frames(frames())
    sc = scenario(targets=[dict(share=1.0, from_year=2030)])
    settings = SweepSettings(budget_swept=True, earliest=True)
    v_early = Variant(name="early", target_year=2025)  # lead time: nothing before 2026
    v_poor = Variant(name="poor", budget_usd_bn=250e-9)
    rows = dict(solve_variants(data, sc, [v_early, v_poor], settings))
    assert rows[v_early]["status"] == "infeasible"
    assert rows[v_early]["earliest_chain_year"] == 2026  # 95% by 2026 at 1,000 USD a year
    assert rows[v_poor]["status"] == "optimal"
    assert rows[v_poor]["earliest_chain_year"] == 2029  # 2.5 t/yr a year: 10 t by 2029
