"""Fast-tracked builds: money buys speed (optimize/plan/fast.py), solvable by hand.

The tiny network of test_plan, no discounting, 2025-2030: USA demands 10 t/yr of 'magnet';
CHN (the rival) supplies at 1 + 1 USD/t. USA can build at 100 USD per t/yr with a 4-year lead
time, or fast-tracked with its fast end of 1 year at (1 + premium) x 100. An exposure section
prices a Chinese cutoff at p * V = 0.1 * 1,000 = 100 USD per t of the bloc's demand not
servable without China, i.e. 1,000 USD a year for the whole 10 t.

- no build: 6 years x 1,000 of expected loss + 120 of imports = 6,120;
- an ordinary build started 2025 (online 2029): capex 1,000 + 4 years of loss 4,000 +
  imports 2025-2028 80 = 5,080;
- a fast-tracked build started 2025 (online 2026): capex 1,000 (1 + premium) + 1 year of
  loss 1,000 + imports 2025 20 = 2,020 + 1,000 premium.
Fast-tracking wins while 2,020 + 1,000 premium < 5,080: premium < 3.06.
"""

from __future__ import annotations

import pytest
from test_plan import frames, scenario

from network.validate import dataset_from_frames
from optimize.plan import earliest_years, run_plan
from optimize.plan.solve import Status

EXPOSURE = dict(likelihood=0.1, value_lost={"magnet": 1000})


def data(low: int | None = 1, max_build: float = 1000.0):
    f = frames(lead=4, max_build=max_build)
    f["capacity"]["lead_time_low"] = [low if r == "USA" else None for r in f["capacity"]["region"]]
    return dataset_from_frames(f)


def test_without_the_section_nothing_is_fast_tracked():
    r = run_plan(scenario(exposure=EXPOSURE), data())
    assert r.status is Status.OPTIMAL
    assert list(r.builds.index) == [("USA", "sinter", 2025)]
    assert r.builds.loc[("USA", "sinter", 2025), "online_year"] == 2029
    assert r.builds["fast_tracked"].sum() == pytest.approx(0)
    assert r.objective == pytest.approx(5080)


def test_a_cheap_premium_buys_three_years():
    r = run_plan(scenario(exposure=EXPOSURE, fast_track=dict(premium=0.5)), data())
    assert r.status is Status.OPTIMAL
    b = r.builds.loc[("USA", "sinter", 2025)]
    assert b["capacity"] == pytest.approx(10)
    assert b["fast_tracked"] == pytest.approx(10)
    assert b["online_year"] == 2026
    assert b["capex_usd"] == pytest.approx(1500)
    assert r.objective == pytest.approx(1500 + 1000 + 20)
    assert r.spend.loc[2025, "spend_usd"] == pytest.approx(1500)  # paid over 1 year
    assert r.independence.loc["magnet", "planned_year"] == 2026


def test_a_dear_premium_does_not():
    r = run_plan(scenario(exposure=EXPOSURE, fast_track=dict(premium=3.5)), data())
    assert r.builds["fast_tracked"].sum() == pytest.approx(0)
    assert r.builds.loc[("USA", "sinter", 2025), "online_year"] == 2029
    assert r.objective == pytest.approx(5080)


def test_fast_and_ordinary_builds_share_the_build_limit():
    # 6 t/yr a year at most: fast-track 6 t in 2025 (online 2026) and 4 t in 2026 (online
    # 2027); an ordinary build in 2025 (online 2029) could not do better for the last 4 t.
    # capex 1.5 x 100 x 10 = 1,500; loss 2025: 1,000, 2026: 4 t x 100 = 400; imports 20 + 8
    r = run_plan(scenario(exposure=EXPOSURE, fast_track=dict(premium=0.5)), data(max_build=6.0))
    assert r.builds.loc[("USA", "sinter", 2025), "fast_tracked"] == pytest.approx(6)
    assert r.builds.loc[("USA", "sinter", 2026), "fast_tracked"] == pytest.approx(4)
    assert r.objective == pytest.approx(1500 + 1000 + 400 + 28)


def test_a_budget_limits_how_much_speed_money_buys():
    # 600 USD a year: 4 t fast-tracked a year (150 USD/t, paid at once); loss falls year by
    # year instead of all at once: dearer than unbudgeted, cheaper than no fast-tracking
    sc = scenario(
        exposure=EXPOSURE, fast_track=dict(premium=0.5), budget=dict(per_year_usd_bn=600e-9)
    )
    r = run_plan(sc, data())
    assert r.status is Status.OPTIMAL
    assert r.spend["spend_usd"].max() <= 600 + 1e-6
    assert 2520 < r.objective < 5080
    assert r.builds["fast_tracked"].sum() > 0


def test_the_earliest_year_comes_forward_with_fast_tracking():
    plain = earliest_years(scenario(), data())
    fast = earliest_years(scenario(fast_track=dict(premium=0.5)), data())
    assert plain.loc["magnet", "earliest_year"] == 2029
    assert plain.loc["magnet", "binding"] == "lead time"
    assert fast.loc["magnet", "earliest_year"] == 2026
    assert fast.loc["magnet", "binding"] == "lead time"


def test_rows_without_a_fast_end_are_not_fast_tracked():
    r = run_plan(scenario(exposure=EXPOSURE, fast_track=dict(premium=0.5)), data(low=None))
    assert r.builds["fast_tracked"].sum() == pytest.approx(0)
    assert r.objective == pytest.approx(5080)


def test_a_budget_sweep_on_one_model_matches_each_plan_and_buys_speed():
    from optimize.sweep import SweepSettings, Variant, solve_variants

    sc = scenario(exposure=EXPOSURE, fast_track=dict(premium=0.5))
    d = data()
    budgets = [150, 300, 600, 1500]  # USD a year: 1, 2, 4 and 10 t fast-tracked a year
    variants = [Variant(name=str(b), budget_usd_bn=b * 1e-9) for b in budgets]
    rows = dict(solve_variants(d, sc, variants, SweepSettings(budget_swept=True)))
    deps = [rows[v]["dependence_years"] for v in variants]
    assert all(a > b for a, b in zip(deps, deps[1:], strict=False))  # strictly falling
    for v, b in zip(variants, budgets, strict=True):
        one = scenario(
            exposure=EXPOSURE, fast_track=dict(premium=0.5), budget=dict(per_year_usd_bn=b * 1e-9)
        )
        plan = run_plan(one, d)
        assert rows[v]["objective_usd"] == pytest.approx(plan.objective, rel=1e-9)
        assert rows[v]["dependence_years"] == pytest.approx(plan.dependence_years, rel=1e-9)
    # unbudgeted (1,500 a year covers it): the whole 10 t fast-tracked in 2025
    assert rows[variants[-1]]["objective_usd"] == pytest.approx(2520)


def test_halving_lead_times_halves_the_fast_end_too():
    from optimize.sweep import SweepSettings, Variant, solve_variants

    # lead 4 -> 2, fast end 1 -> 1 (0.5 rounds half up): fast-tracking still pays at 0.5
    sc = scenario(exposure=EXPOSURE, fast_track=dict(premium=0.5))
    v = Variant(name="x0.5", lead_time_multiplier=0.5)
    rows = dict(solve_variants(data(low=2), sc, [v], SweepSettings()))
    # fast end 2 -> 1: fast build 2025 online 2026, as with the unscaled fast end 1
    assert rows[v]["objective_usd"] == pytest.approx(2520)
