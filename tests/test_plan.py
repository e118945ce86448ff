"""The plan LP on networks small enough to solve by hand: the optimal numbers, not just 'solved'.

Network: one commodity 'magnet' (critical, value of unserved demand 1,000 USD/t), made by
'sinter' with no inputs. USA (bloc US) can build sinter capacity at 100 USD per t/yr with a
2-year lead time; CHN (bloc CN) has 100 t/yr operating at 1 USD/t and ships to USA at 1 USD/t.
USA demands 10 t/yr over 2025-2030.
"""

from __future__ import annotations

import pandas as pd
import pytest

from network.validate import dataset_from_frames
from optimize.plan import earliest_years, run_plan
from optimize.plan.solve import Status
from optimize.scenario import scenario_from_dict

YEARS = range(2025, 2031)


def frames(
    lead: int = 2,
    chn_existing: float = 100.0,
    mys_existing: float = 0.0,
    max_build: float = 1000.0,
    fixed_om: float = 0.0,
    demand_2030: float | None = None,
) -> dict[str, pd.DataFrame]:
    """The tiny network; ``demand_2030`` adds a second demand point (linear growth between)."""

    def df(rows: list[dict]) -> pd.DataFrame:
        return pd.DataFrame(rows)

    cap = [
        dict(
            region="USA",
            process="sinter",
            existing=0,
            capex=100,
            fixed_om=fixed_om,
            variable_cost=0,
            lead_time=lead,
            max_build=max_build,
            ramp_years=0,
            lifetime=30,
        ),
        dict(
            region="CHN",
            process="sinter",
            existing=chn_existing,
            capex=100,
            fixed_om=0,
            variable_cost=1,
            lead_time=lead,
            max_build=0,
            ramp_years=0,
            lifetime=30,
        ),
    ]
    if mys_existing:
        cap.append(
            dict(
                region="MYS",
                process="sinter",
                existing=mys_existing,
                capex=100,
                fixed_om=0,
                variable_cost=1,
                lead_time=lead,
                max_build=0,
                ramp_years=0,
                lifetime=30,
            )
        )
    for row in cap:
        row["source"] = "test"
    return {
        "regions": df(
            [
                dict(region="USA", name="US", bloc="US", source="test"),
                dict(region="CHN", name="CN", bloc="CN", source="test"),
                dict(region="MYS", name="MY", bloc="neutral", source="test"),
            ]
        ),
        "commodities": df(
            [
                dict(
                    commodity="magnet",
                    name="m",
                    unit="t",
                    chain="magnet",
                    critical=True,
                    value_unserved=1000,
                    source="test",
                ),
            ]
        ),
        "processes": df([dict(process="sinter", output="magnet", source="test")]),
        "capacity": df(cap),
        "demand": df(
            [
                dict(region="USA", commodity="magnet", year=2025, quantity=10, source="test"),
            ]
            + (
                []
                if demand_2030 is None
                else [
                    dict(
                        region="USA",
                        commodity="magnet",
                        year=2030,
                        quantity=demand_2030,
                        source="test",
                    )
                ]
            )
        ),
        "routes": df(
            [
                dict(exporter="*", importer="*", commodity="*", cost=1, source="test"),
            ]
        ),
    }


def scenario(**kw: object):
    base = dict(
        name="t",
        dataset=".",
        horizon=dict(first=2025, last=2030),
        planner="US",
        rival="CN",
        discount_rate=0.0,
    )
    base.update(kw)
    return scenario_from_dict(base)


def df_(rate: float, year: int) -> float:
    return (1 + rate) ** -(year - 2025)


def test_building_beats_the_penalty_when_no_one_else_supplies():
    data = dataset_from_frames(frames(chn_existing=0))
    r = run_plan(scenario(), data)
    assert r.status is Status.OPTIMAL
    # build 10 t/yr in 2025, online 2027; 2025 and 2026 unserved at 1,000 USD/t
    assert list(r.builds.index) == [("USA", "sinter", 2025)]
    assert r.builds.loc[("USA", "sinter", 2025), "capacity"] == pytest.approx(10)
    assert r.builds.loc[("USA", "sinter", 2025), "online_year"] == 2027
    assert r.objective == pytest.approx(10 * 100 + 2 * 10 * 1000)
    assert r.costs["unserved"] == pytest.approx(20_000)
    cap = r.capacity["capacity"]
    assert cap[("USA", "sinter", 2026)] == pytest.approx(0)
    assert cap[("USA", "sinter", 2027)] == pytest.approx(10)


def test_target_builds_exactly_lead_time_before_the_target_year():
    data = dataset_from_frames(frames())
    rate = 0.1
    r = run_plan(scenario(discount_rate=rate, targets=[dict(share=1.0, from_year=2029)]), data)
    assert r.status is Status.OPTIMAL
    # cheapest: imports (2 USD/t) until the plan's own capacity is online; build as late as
    # the target allows: 2029 - 2 years lead time = 2027
    assert list(r.builds.index) == [("USA", "sinter", 2027)]
    assert r.builds["capacity"].iloc[0] == pytest.approx(10)
    capex = 10 * 100 * (df_(rate, 2027) + df_(rate, 2028)) / 2  # spread over the lead time
    imports = sum(10 * 2 * df_(rate, t) for t in range(2025, 2029))
    assert r.objective == pytest.approx(capex + imports)
    assert r.costs["capex"] == pytest.approx(capex)
    assert r.timeline.loc["magnet", "year"] == 2029
    assert r.chain_year == 2029


def test_target_shadow_price_is_the_marginal_build_cost_net_of_import_savings():
    # non-degenerate: half the demand from 2030 (the last year) -> build 5 t in 2028
    data = dataset_from_frames(frames())
    rate = 0.1
    r = run_plan(scenario(discount_rate=rate, targets=[dict(share=0.5, from_year=2030)]), data)
    assert r.builds.loc[("USA", "sinter", 2028), "capacity"] == pytest.approx(5)
    capex_per_t = 100 * (df_(rate, 2028) + df_(rate, 2029)) / 2
    imports = sum(10 * 2 * df_(rate, t) for t in range(2025, 2030)) + 5 * 2 * df_(rate, 2030)
    assert r.objective == pytest.approx(5 * capex_per_t + imports)
    # one more t required in 2030: build it (capex) and stop importing it in 2030 (2 USD/t)
    tp = r.target_prices.loc[("magnet", 2030), "usd_per_unit"]
    assert tp == pytest.approx(capex_per_t - 2 * df_(rate, 2030), rel=1e-6)
    assert r.target_prices.loc[("magnet", 2030), "usd_per_pct_point"] == pytest.approx(tp * 0.1)


def test_lead_time_makes_an_early_target_infeasible_and_is_named():
    data = dataset_from_frames(frames())
    sc = scenario(targets=[dict(share=1.0, from_year=2026)])
    r = run_plan(sc, data)
    assert r.status is Status.INFEASIBLE
    assert len(r.diagnosis) == 1
    dg = r.diagnosis[0]
    assert (dg.kind, dg.item, dg.first_year, dg.binding) == ("target", "magnet", 2026, "lead time")
    assert dg.amount == pytest.approx(1.0)
    assert "lead time" in dg.message and "2026" in dg.message
    early = earliest_years(sc, data)
    assert early.loc["magnet", "earliest_year"] == 2027
    assert early.loc["magnet", "binding"] == "lead time"


def test_budget_binds_spend_equals_budget_and_has_a_positive_shadow_price():
    data = dataset_from_frames(frames(lead=1))
    # 10 t must be online by 2029 (start by 2028 with a 1-year lead); 1,000 USD of capex but
    # only 600 USD a year: 600 in 2028, the rest (400) one year earlier
    sc = scenario(
        discount_rate=0.1,
        budget=dict(per_year_usd_bn=600e-9),
        targets=[dict(share=1.0, from_year=2029)],
    )
    r = run_plan(sc, data)
    assert r.status is Status.OPTIMAL
    assert r.spend.loc[2028, "spend_usd"] == pytest.approx(600)
    assert r.spend.loc[2027, "spend_usd"] == pytest.approx(400)
    assert r.builds.loc[("USA", "sinter", 2028), "capacity"] == pytest.approx(6)
    assert r.budget_prices.loc[("all chains", 2028), "usd_per_usd"] > 0
    assert r.budget_prices.loc[("all chains", 2026), "usd_per_usd"] == pytest.approx(0)
    # the budget made it dearer: without it everything is built in 2028
    free = run_plan(scenario(discount_rate=0.1, targets=[dict(share=1.0, from_year=2029)]), data)
    assert free.spend.loc[2028, "spend_usd"] == pytest.approx(1000)
    assert r.objective > free.objective


def test_budget_too_small_names_the_budget():
    data = dataset_from_frames(frames(lead=1))
    sc = scenario(budget=dict(per_year_usd_bn=100e-9), targets=[dict(share=1.0, from_year=2027)])
    r = run_plan(sc, data)
    assert r.status is Status.INFEASIBLE
    kinds = {(d.kind, d.binding) for d in r.diagnosis}
    assert ("budget", "budget") in kinds


def test_cutoff_state_counts_neutral_capacity_at_the_neutral_share():
    # no builds possible; only a neutral region (10 t/yr) can supply without the rival
    data = dataset_from_frames(frames(mys_existing=10, max_build=0))
    ok = run_plan(scenario(neutral_share=0.5, targets=[dict(share=0.5, from_year=2025)]), data)
    assert ok.status is Status.OPTIMAL
    assert ok.cutoff.loc[("magnet", 2025), "cutoff_share"] == pytest.approx(0.5)
    short = run_plan(scenario(neutral_share=0.4, targets=[dict(share=0.5, from_year=2025)]), data)
    assert short.status is Status.INFEASIBLE
    dg = short.diagnosis[0]
    assert dg.binding == "no buildable supply"
    assert dg.amount == pytest.approx(0.1)  # 0.4 * 10 t served of the 5 t required: 1 t short


def test_a_restriction_raises_cost_by_the_hand_computed_amount():
    data = dataset_from_frames(frames())
    open_ = run_plan(scenario(), data)
    assert open_.objective == pytest.approx(6 * 10 * 2)  # imports at 1 + 1 USD/t
    banned = run_plan(scenario(restrictions=[dict(commodities=["magnet"], from_year=2027)]), data)
    # imports until 2026, own capacity (built 2025, online 2027) after
    assert banned.objective == pytest.approx(2 * 10 * 2 + 10 * 100)
    assert banned.objective > open_.objective
    capped = run_plan(
        scenario(restrictions=[dict(commodities=["magnet"], from_year=2027, max_share=0.3)]), data
    )
    # 30% of use may still come from the rival: build 7 t/yr only
    assert capped.builds["capacity"].sum() == pytest.approx(7)
    assert capped.objective == pytest.approx(2 * 20 + 700 + 4 * 3 * 2)


@pytest.mark.parametrize("year", list(YEARS))
def test_cutoff_share_of_existing_capacity_is_zero_without_builds(year):
    data = dataset_from_frames(frames())
    r = run_plan(scenario(), data)
    assert r.cutoff.loc[("magnet", year), "cutoff_share"] == pytest.approx(0.0)
    assert pd.isna(r.timeline.loc["magnet", "year"])


def test_solver_options_reach_highs_and_give_the_same_plan():
    data = dataset_from_frames(frames())
    sc = scenario(discount_rate=0.1, targets=[dict(share=1.0, from_year=2029)])
    simplex = run_plan(sc.model_copy(update={"solver": type(sc.solver)(method="simplex")}), data)
    ipm = run_plan(
        sc.model_copy(update={"solver": type(sc.solver)(method="ipm", gap=1e-9, threads=1)}), data
    )
    assert simplex.status is Status.OPTIMAL and ipm.status is Status.OPTIMAL
    assert ipm.objective == pytest.approx(simplex.objective, rel=1e-7)
    assert list(ipm.builds.index) == list(simplex.builds.index) == [("USA", "sinter", 2027)]
