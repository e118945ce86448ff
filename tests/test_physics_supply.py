"""Supply-chain physics (issue 11) on networks small enough to solve by hand: capital inputs
(item 1), co-products (item 2), by-product limits (item 3), stockpiles (item 6), recycling
(item 7). Each test states the arithmetic behind its numbers; the networks come from
tests/physics_net.py.
"""

from __future__ import annotations

import pandas as pd
import pytest
from physics_net import cap_row, net, scenario

from network.cutoff import cutoff_share
from network.errors import DataError
from network.validate import dataset_from_frames
from optimize.plan import run_plan
from optimize.plan.solve import Status

# ---------------------------------------------------------------------------------------
# item 1: capital inputs


def fab_frames(usa_fab: float = 0.0, mys_tools: float = 0.0, usa_2027: float = 10.0):
    """USA needs 10 chips a year (2027: ``usa_2027``); it may build fabs (100 USD per chip/yr,
    1-year lead time), each unit of new capacity needing 3 tools, paid in the build year.
    CHN makes tools at 10 USD each; MYS (neutral) may too."""
    capacity = [
        cap_row("USA", "fab", usa_fab, max_build=100.0, lead_time=1),
        cap_row("CHN", "toolmaking", 1000.0, variable_cost=10.0),
    ]
    if mys_tools:
        capacity.append(cap_row("MYS", "toolmaking", mys_tools, variable_cost=50.0))
    frames = net(
        {"fab": ("chip", 1.0, {}), "toolmaking": ("tool", 1.0, {})},
        capacity,
        {("USA", "chip"): 10.0},
        critical=("chip",),
        extra_tables={
            "capital_inputs": pd.DataFrame(
                [dict(process="fab", commodity="tool", amount=3.0, source="test")]
            )
        },
    )
    if usa_2027 != 10.0:
        extra = dict(region="USA", commodity="chip", year=2027, quantity=usa_2027, source="t")
        frames["demand"] = pd.concat([frames["demand"], pd.DataFrame([extra])], ignore_index=True)
    return frames


def test_a_new_fab_draws_its_tools_in_the_build_year():
    data = dataset_from_frames(fab_frames())
    r = run_plan(scenario(last=2027), data)
    # build 10 in 2025 (online 2026): capex 1,000; 30 tools from CHN at 10 + 1 USD = 330;
    # 2025's 10 chips unserved at 1,000 USD
    assert r.builds.loc[("USA", "fab", 2025), "capacity"] == pytest.approx(10.0)
    assert r.flows.loc[("CHN", "USA", "tool", 2025), "flow"] == pytest.approx(30.0)
    assert r.objective == pytest.approx(1000.0 + 330.0 + 10_000.0)
    # a ban on tools stops the fab: every chip unserved, 3 x 10 x 1,000
    banned = run_plan(
        scenario(last=2027, restrictions=[dict(commodities=["tool"], from_year=2025)]), data
    )
    assert banned.builds.empty
    assert banned.objective == pytest.approx(30_000.0)


def test_existing_fabs_run_in_a_cutoff_but_new_ones_need_tools_from_outside_the_rival():
    target = dict(share=1.0, from_year=2025)  # a cutoff state in every year
    # existing 10 chips a year need no tools: 100% without the rival, no build
    flat = run_plan(scenario(last=2027, targets=[target]), dataset_from_frames(fab_frames(10.0)))
    assert flat.status is Status.OPTIMAL and flat.builds.empty
    # demand 10 (2025), 12.5 (2026), 15 (2027): 5 more chips a year must be built, and the
    # builds' 15 tools must come from outside CHN in a cutoff: impossible with CHN alone
    grow = fab_frames(10.0, usa_2027=15.0)
    short = run_plan(scenario(last=2027, targets=[target]), dataset_from_frames(grow))
    assert short.status is Status.INFEASIBLE
    ok = run_plan(
        scenario(last=2027, targets=[target]), dataset_from_frames(fab_frames(10.0, 100.0, 15.0))
    )
    assert ok.status is Status.OPTIMAL
    # with MYS able to make tools it works; nominally the tools still come from CHN
    # (cheaper): 5 x 100 capex + 15 tools x (10 + 1) = 665
    assert ok.builds["capacity"].sum() == pytest.approx(5.0)
    assert ok.objective == pytest.approx(500.0 + 165.0)


# ---------------------------------------------------------------------------------------
# item 2: co-products


def basket_frames(capacity: float = 100.0) -> dict[str, pd.DataFrame]:
    """USA's 'split' line: per unit of activity 1 t of light (main output) and 0.1 t of heavy
    (co-product), 1 USD per unit; light costs 2 USD/t to dispose of when not used."""
    frames = net(
        {"split": ("light", 1.0, {})},
        [cap_row("USA", "split", capacity, variable_cost=1.0)],
        {("USA", "light"): 10.0},
        critical=("light", "heavy"),
        extra_tables={
            "process_outputs": pd.DataFrame(
                [dict(process="split", commodity="heavy", amount=0.1, source="test")]
            )
        },
    )
    heavy = dict(
        commodity="heavy",
        name="heavy",
        unit="t",
        chain="rare_earth",
        critical=True,
        value_unserved=1000.0,
        source="test",
    )
    frames["commodities"] = pd.concat(
        [frames["commodities"], pd.DataFrame([heavy])], ignore_index=True
    )
    frames["commodities"]["disposal_cost"] = [2.0, 0.0]
    demand = dict(region="USA", commodity="heavy", year=2025, quantity=5.0, source="test")
    frames["demand"] = pd.concat([frames["demand"], pd.DataFrame([demand])], ignore_index=True)
    return frames


def test_a_co_product_sets_the_activity_and_the_surplus_pays_for_disposal():
    # 5 t of heavy needs 50 units of activity (50 USD), making 50 t of light: 10 used,
    # 40 disposed of at 2 USD/t (80 USD)
    r = run_plan(scenario(), dataset_from_frames(basket_frames()))
    assert r.production.loc[("USA", "split", 2025), "production"] == pytest.approx(50.0)
    assert r.costs["disposal"] == pytest.approx(80.0)
    assert r.objective == pytest.approx(130.0)


def test_heavy_supply_is_limited_by_the_feed_that_carries_it():
    # 30 units of activity carry 3 t of heavy: 3 of 5 t servable without the rival
    data = dataset_from_frames(basket_frames(30.0))
    table = cutoff_share(data, "US", "CN", 2025)
    assert table.loc["heavy", "cutoff_share"] == pytest.approx(0.6)
    assert table.loc["light", "cutoff_share"] == pytest.approx(1.0)


def test_a_co_product_that_is_the_main_output_is_refused():
    frames = basket_frames()
    frames["process_outputs"].loc[0, "commodity"] = "light"
    with pytest.raises(
        DataError,
        match=r"process_outputs, row 2, column 'commodity': "
        r"co-product 'light' of 'split' is the process's main output",
    ):
        dataset_from_frames(frames)


# ---------------------------------------------------------------------------------------
# item 3: by-product limits


def host_frames(existing: float = 0.0, max_build: float = 100.0) -> dict[str, pd.DataFrame]:
    """USA recovers gallium at 0.05 t per kt of alumina; it refines 200 kt of alumina (a
    limit of 10 t); it needs 15 t of gallium; no one else makes any."""
    return net(
        {"recover": ("gallium", 1.0, {})},
        [cap_row("USA", "recover", existing, max_build=max_build, lead_time=0)],
        {("USA", "gallium"): 15.0},
        critical=("gallium",),
        extra_tables={
            "by_products": pd.DataFrame(
                [dict(process="recover", host="alumina", ratio=0.05, source="test")]
            ),
            "host_output": pd.DataFrame(
                [dict(region="USA", host="alumina", year=2025, quantity=200.0, source="test")]
            ),
        },
    )


def test_a_by_product_is_bounded_by_its_hosts_output():
    # 10 t recoverable: build 10 t/yr (1,000 USD) and leave 5 t unserved (5,000 USD);
    # building more would buy nothing
    r = run_plan(scenario(), dataset_from_frames(host_frames()))
    assert r.builds["capacity"].sum() == pytest.approx(10.0)
    assert r.objective == pytest.approx(6000.0)
    # existing capacity beyond the host stream is idle in a cutoff too: 10 of 15 t
    data = dataset_from_frames(host_frames(existing=100.0, max_build=0.0))
    table = cutoff_share(data, "US", "CN", 2025)
    assert table.loc["gallium", "cutoff_share"] == pytest.approx(10.0 / 15.0)


def test_a_host_without_a_by_product_row_is_refused():
    frames = host_frames()
    frames["host_output"].loc[0, "host"] = "zinc"
    with pytest.raises(DataError) as err:
        dataset_from_frames(frames)
    assert "host_output, row 2, column 'host': host 'zinc' is not the host of any" in str(err.value)
    assert "by_products, row 2, column 'host': host 'alumina' has no host_output rows" in str(
        err.value
    )


# ---------------------------------------------------------------------------------------
# item 6: stockpiles


def stock_frames(capex: float, holding: float) -> dict[str, pd.DataFrame]:
    """USA needs 10 t a year (2025-2027) and imports them from CHN at 2 USD/t; it may build
    (``capex`` per t/yr, 1-year lead) or stock widgets (``holding`` USD per t a year)."""
    return net(
        {"press": ("widget", 1.0, {})},
        [
            cap_row("CHN", "press", 100.0, variable_cost=1.0),
            cap_row("USA", "press", 0.0, capex=capex, max_build=100.0, lead_time=1),
        ],
        {("USA", "widget"): 10.0},
        critical=("widget",),
        extra_tables={
            "stockpiles": pd.DataFrame(
                [
                    dict(
                        region="USA",
                        commodity="widget",
                        opening=0.0,
                        holding_cost=holding,
                        source="test",
                    )
                ]
            )
        },
    )


EXPOSED = dict(likelihood=0.5, value_lost={"widget": 100.0}, commodities=["widget"])


def test_the_plan_bridges_with_a_stock_when_building_is_dear():
    # each year a cutoff would cost 0.5 x 100 x the unserved t. 2025 cannot be covered
    # (500). A 10 t stock filled in 2025 covers 2026 and 2027 (drawn at the start of the
    # year): imports 20 t in 2025, 10 in 2026, none in 2027 (the stock is released once
    # 2027's cutoff no longer needs it at the end of the year): 30 t x 2 = 60; held 10 t at
    # the end of 2025 and 2026 at 1 USD: 20. Building 10 t/yr would cost 1,000.
    r = run_plan(scenario(last=2027, exposure=EXPOSED), dataset_from_frames(stock_frames(100, 1)))
    assert r.builds.empty
    assert r.costs["holding"] == pytest.approx(20.0)
    assert r.objective == pytest.approx(500.0 + 60.0 + 20.0)
    surv = r.survival["years"]
    assert surv[("widget", 2025)] == pytest.approx(0.0)
    assert surv[("widget", 2026)] == pytest.approx(1.0)  # 10 t against a 10 t shortfall


def test_the_plan_builds_when_capacity_is_cheap_and_holding_dear():
    # building 10 t/yr in 2025 (5 USD each: 50) covers 2026-2027 and saves their imports;
    # 2025: 500 of expected loss + 20 of imports. A stock would cost 580 + 190 of holding.
    r = run_plan(scenario(last=2027, exposure=EXPOSED), dataset_from_frames(stock_frames(5, 10)))
    assert r.builds.loc[("USA", "press", 2025), "capacity"] == pytest.approx(10.0)
    assert r.costs["holding"] == pytest.approx(0.0)
    assert r.objective == pytest.approx(500.0 + 20.0 + 50.0)
    assert r.survival.loc[("widget", 2026), "years"] == float("inf")


# ---------------------------------------------------------------------------------------
# item 7: recycling


def scrap_frames() -> dict[str, pd.DataFrame]:
    """USA's magnet demand grows from 4 t (2020) to 10 t (2025); half of it comes back as
    scrap after 2 years; 'reclaim' makes a magnet from 1 t of scrap at 1 USD; no one else
    makes magnets."""
    frames = net(
        {"reclaim": ("magnet", 1.0, {"scrap": 1.0})},
        [cap_row("USA", "reclaim", 100.0, variable_cost=1.0)],
        {("USA", "magnet"): 10.0},
        critical=("magnet",),
        extra_tables={
            "end_of_life": pd.DataFrame(
                [dict(product="magnet", scrap="scrap", life=2, share=0.5, source="test")]
            )
        },
    )
    early = dict(region="USA", commodity="magnet", year=2020, quantity=4.0, source="test")
    frames["demand"] = pd.concat([pd.DataFrame([early]), frames["demand"]], ignore_index=True)
    return frames


def test_recycling_is_bounded_by_end_of_life_scrap():
    # demand in 2023 (2 years before 2025): 4 + 3/5 x 6 = 7.6 t; half comes back: 3.8 t
    data = dataset_from_frames(scrap_frames())
    assert data.scrap_in([2025]) == {("USA", "scrap", 2025): pytest.approx(3.8)}
    r = run_plan(scenario(), data)
    # 3.8 t recycled at 1 USD, 6.2 t unserved at 1,000 USD
    assert r.production.loc[("USA", "reclaim", 2025), "production"] == pytest.approx(3.8)
    assert r.objective == pytest.approx(3.8 + 6200.0)
    # the bloc's own scrap counts in a cutoff: 3.8 of 10 t
    table = cutoff_share(data, "US", "CN", 2025)
    assert table.loc["magnet", "cutoff_share"] == pytest.approx(0.38)
    ok = run_plan(scenario(targets=[dict(share=0.38, from_year=2025)]), data)
    assert ok.status is Status.OPTIMAL
