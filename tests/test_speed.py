"""Speed is the answer: on the shipped baseline (an exposure section, no hard target) money and
lead times move the independence years, and a sanction's damage falls as the target gets
faster. Figures come from the model and the data, so the assertions are about direction and
consistency, with the exact arithmetic pinned on tiny networks in test_exposure.py."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from autarky.compare import run_compare

BASELINE = Path("data/scenarios/baseline.yaml")
BUDGETS = [0.25, 1, 4, 16]  # money binds up to ~8 bn a year with fast-tracking


@pytest.fixture(scope="module")
def budgets(tmp_path_factory):
    out = tmp_path_factory.mktemp("speed")
    return run_compare(BASELINE, out, budgets=BUDGETS, local=True, effectiveness="full_ban")


def _plain(outcome) -> pd.DataFrame:
    t = outcome.table
    return t[~t["variant"].str.endswith("+ sanction")].set_index("budget_usd_bn")


def test_more_budget_never_slows_independence_and_money_buys_speed_where_it_binds(budgets):
    t = _plain(budgets)
    assert list(t.index) == BUDGETS
    assert (t["status"] == "optimal").all()
    dep = t["dependence_years"].astype(float)
    value = t["budget_value_usd_per_usd"].astype(float)
    never = 2041
    for col in ("chain_year", "earliest_chain_year"):  # never later with more money
        years = t[col].astype("Float64").fillna(never)
        assert (years.diff().dropna() <= 0).all(), col
    # where money binds (a dollar of budget saves more than a dollar), the next budget buys a
    # strictly less dependent plan; where it no longer binds the plan stays where it was
    budgets = list(t.index)
    assert value[budgets[0]] > 1  # the smallest budget binds on the shipped data
    for lo, hi in zip(budgets, budgets[1:], strict=False):
        if value[lo] > 1:
            assert dep[hi] < dep[lo] - 0.05, (lo, hi)
        else:
            assert dep[hi] <= dep[lo] + 0.01, (lo, hi)
    assert abs(value[budgets[-1]]) < 1e-6  # and at the top money no longer binds


def test_every_row_reports_cost_of_independence_and_expected_loss(budgets):
    t = _plain(budgets)
    assert t["cost_of_independence_usd_bn"].notna().all()
    assert (t["cost_of_independence_usd_bn"] > 0).all()
    # more money lets the plan buy down more of the expected cutoff loss
    loss = t["expected_loss_usd_bn"].astype(float)
    assert loss[0.25] > loss[1] > loss[4] >= loss[16] - 1e-6
    # an exposure plan is dearer than the free plan, and not by more than the loss it avoids
    assert (t["cost_of_independence_usd_bn"] < t["expected_loss_usd_bn"] + 1e3).all()


def test_a_sanctions_damage_falls_as_the_target_gets_richer(budgets):
    eff = budgets.effectiveness.set_index("budget_usd_bn")
    d = eff["damage_usd_bn"].astype(float)
    assert (d > 0).all()
    assert d[0.25] > d[1] >= d[4] >= d[16] - 1e-6
    png = budgets.folder / "effectiveness.png"
    assert png.is_file() and png.stat().st_size > 10_000
    csv = pd.read_csv(budgets.folder / "effectiveness.csv")
    assert list(csv["budget_usd_bn"]) == BUDGETS


def test_shorter_lead_times_bring_the_chain_forward_and_blunt_the_sanction(tmp_path):
    o = run_compare(
        BASELINE,
        tmp_path,
        budgets=[8],
        lead_times=[0.5, 1.0],
        local=True,
        effectiveness="full_ban",
    )
    t = _plain(o).set_index("lead_time_multiplier")
    fast, base = t.loc[0.5], t.loc[1.0]
    never = 2041
    f_early = never if pd.isna(fast["earliest_chain_year"]) else fast["earliest_chain_year"]
    b_early = never if pd.isna(base["earliest_chain_year"]) else base["earliest_chain_year"]
    f_plan = never if pd.isna(fast["chain_year"]) else fast["chain_year"]
    b_plan = never if pd.isna(base["chain_year"]) else base["chain_year"]
    assert f_early < b_early  # the chain's earliest independence year comes forward
    assert f_plan <= b_plan
    assert fast["dependence_years"] < base["dependence_years"]
    eff = o.effectiveness.set_index("lead_time_multiplier")["damage_usd_bn"]
    assert eff[0.5] < eff[1.0]


def test_monte_carlo_percentiles_are_never_blank(tmp_path):
    o = run_compare(BASELINE, tmp_path, budgets=[1], monte_carlo=4, seed=7, local=True)
    pct = o.percentiles
    cols = [c for c in pct.columns if c.endswith(("_p10", "_p50", "_p90"))]
    assert {"earliest_chain_year_p50", "dependence_years_p90", "chain_year_p90"} <= set(cols)
    assert pct[cols].notna().all().all()
    # 'not within the horizon' reads as the year after it
    assert pct["chain_year_p90"].max() <= 2041
