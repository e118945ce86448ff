"""The value of independence inside the plan, on the tiny network of test_plan (solvable by hand).

USA demands 10 t/yr of 'magnet' over 2025-2030; CHN (the rival) supplies at 1 + 1 USD/t
(production + route); USA can build at 100 USD per t/yr, 2-year lead time, no running cost.
An exposure section adds df(t) * p(t) * V * (10 - served(t)) to the objective: served(t) is
what the bloc's own capacity could supply if China cut supply in year t.
"""

from __future__ import annotations

import pytest
from test_plan import df_, frames, scenario

from network.validate import dataset_from_frames
from optimize.plan import run_plan
from optimize.plan.solve import Status


def test_without_exposure_the_plan_never_builds_and_is_exactly_todays():
    data = dataset_from_frames(frames())
    r = run_plan(scenario(), data)
    assert r.objective == pytest.approx(6 * 10 * 2, rel=1e-12)  # imports only
    assert r.builds.empty
    assert r.exposure.empty
    coi = r.cost_of_independence
    assert coi.discounted_usd_bn == pytest.approx(0.0, abs=1e-15)
    assert coi.expected_loss_usd_bn is None
    assert r.independence.loc["magnet", "planned_year"] is pd_na()
    assert r.dependence_years == pytest.approx(6.0)


def pd_na():
    import pandas as pd

    return pd.NA


def test_the_build_year_follows_from_p_times_v_against_capex_and_lead_time():
    # p = 0 through 2027, 0.5 from 2028; V = 1,000 USD/t; 10% discount rate.
    # Being independent in 2028 is worth 0.5 * 1000 * 10 = 5,000 USD a year (undiscounted)
    # against 1,000 USD of capex: build 10 t exactly one lead time before the risk starts
    # (2026, online 2028). Building in 2025 would save one more year of imports (20 USD in
    # 2027) but pays capex a year earlier (worth ~87 USD at 10%): later is cheaper.
    data = dataset_from_frames(frames())
    rate = 0.1
    sc = scenario(
        discount_rate=rate,
        exposure=dict(likelihood={2027: 0.0, 2028: 0.5}, value_lost={"magnet": 1000}),
    )
    r = run_plan(sc, data)
    assert r.status is Status.OPTIMAL
    assert list(r.builds.index) == [("USA", "sinter", 2026)]
    assert r.builds["capacity"].iloc[0] == pytest.approx(10)
    capex = 10 * 100 * (df_(rate, 2026) + df_(rate, 2027)) / 2
    imports = sum(10 * 2 * df_(rate, t) for t in range(2025, 2028))
    assert r.objective == pytest.approx(capex + imports)  # no expected loss left
    assert r.exposure.loc[("magnet", 2028), "likelihood"] == pytest.approx(0.5)
    assert r.exposure.loc[("magnet", 2028), "served_in_cutoff"] == pytest.approx(10)
    assert r.exposure["expected_loss_usd"].sum() == pytest.approx(0.0, abs=1e-9)
    assert r.independence.loc["magnet", "planned_year"] == 2028
    # cost of independence: the free plan imports every year (120 USD undiscounted) and
    # leaves 0.5 * 1000 * 10 discounted over 2028-2030 as expected loss
    coi = r.cost_of_independence
    free_cost = sum(20 * df_(rate, t) for t in range(2025, 2031))
    assert coi.discounted_usd_bn * 1e9 == pytest.approx(capex + imports - free_cost)
    assert coi.capex_usd_bn * 1e9 == pytest.approx(1000)
    free_loss = sum(5000 * df_(rate, t) for t in range(2028, 2031))
    assert coi.expected_loss_free_usd_bn * 1e9 == pytest.approx(free_loss)
    assert coi.loss_avoided_usd_bn * 1e9 == pytest.approx(free_loss)
    assert coi.net_benefit_usd_bn * 1e9 == pytest.approx(free_loss - (capex + imports - free_cost))


def test_a_small_risk_is_not_worth_the_capex():
    # p * V * 10 = 0.01 * 1000 * 10 = 100 USD a year for 4 years online (2027-2030) plus
    # 20 USD a year of imports saved: 480 < 1,000 USD of capex -> no build; the expected loss
    # stays: 6 years * 100 USD.
    data = dataset_from_frames(frames())
    r = run_plan(scenario(exposure=dict(likelihood=0.01, value_lost={"magnet": 1000})), data)
    assert r.builds.empty
    assert r.objective == pytest.approx(120 + 600)
    assert r.cost_of_independence.expected_loss_usd_bn * 1e9 == pytest.approx(600)
    assert r.cost_of_independence.loss_avoided_usd_bn == pytest.approx(0.0, abs=1e-15)


def test_a_large_risk_builds_as_early_as_the_lead_time_allows():
    # p * V * 10 = 0.1 * 1000 * 10 = 1,000 USD a year: building in 2025 (online 2027) avoids
    # 4 years of it; 2025 and 2026 stay exposed.
    data = dataset_from_frames(frames())
    r = run_plan(scenario(exposure=dict(likelihood=0.1, value_lost={"magnet": 1000})), data)
    assert list(r.builds.index) == [("USA", "sinter", 2025)]
    assert r.objective == pytest.approx(1000 + 2 * 20 + 2 * 1000)
    ind = r.independence.loc["magnet"]
    assert ind["planned_year"] == 2027
    assert ind["earliest_year"] == 2027
    assert ind["binding"] == "lead time"
    assert ind["plan_note"] == ""
    assert r.dependence_years == pytest.approx(2.0)


def test_the_default_value_lost_is_the_datasets_cutoff_damage_then_value_unserved():
    fr = frames()
    data = dataset_from_frames(fr)
    r = run_plan(scenario(exposure=dict(likelihood=0.1)), data)  # V = value_unserved 1,000
    assert r.exposure.loc[("magnet", 2025), "value_lost_usd_per_unit"] == 1000
    if "cutoff_damage" in _schema_columns("commodities"):
        fr["commodities"]["cutoff_damage"] = 50.0
        r2 = run_plan(scenario(exposure=dict(likelihood=0.1)), dataset_from_frames(fr))
        assert r2.exposure.loc[("magnet", 2025), "value_lost_usd_per_unit"] == 50
        assert r2.builds.empty  # 0.1 * 50 * 10 = 50 USD a year: not worth building


def _schema_columns(table: str) -> set[str]:
    from network.schema import TABLES_BY_NAME

    return {c.name for c in TABLES_BY_NAME[table].columns}


def test_likelihood_out_of_range_is_refused_with_the_key():
    from network.errors import InputError

    with pytest.raises(InputError) as e:
        scenario(exposure=dict(likelihood={2025: 1.5}))
    assert "exposure" in str(e.value) and "1.5" in str(e.value)
