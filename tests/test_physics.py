"""Supply-chain physics (issue 11) on networks small enough to solve by hand: activity and
route ties (item 8), others' demand (item 5), origin of restricted goods (item 4). Each test
states the arithmetic behind its numbers; the networks come from tests/physics_net.py.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from conftest import write_csv_dataset
from physics_net import cap_row, net, scenario

from network.cutoff import cutoff_share
from network.dataset import Dataset
from network.errors import DataError
from network.graph import build_graph
from network.validate import dataset_from_frames, load_dataset
from optimize.plan import run_plan
from optimize.plan.solve import Status

# ---------------------------------------------------------------------------------------
# item 8: output_per_activity, route ties


def doubling_net() -> Dataset:
    """USA runs 'press': 100 activity units/yr, 2 t of widget per unit, 10 USD per unit."""
    return dataset_from_frames(
        net(
            {"press": ("widget", 2.0, {})},
            [cap_row("USA", "press", 100.0, variable_cost=10.0)],
            {("USA", "widget"): 150.0},
            critical=("widget",),
        )
    )


def test_output_per_activity_multiplies_capacity_and_output():
    # 150 t needs 75 units of activity (<= 100) at 10 USD each: 750; nothing unserved
    r = run_plan(scenario(), doubling_net())
    assert r.status is Status.OPTIMAL
    assert r.objective == pytest.approx(750.0)
    assert r.production.loc[("USA", "press", 2025), "production"] == pytest.approx(75.0)
    assert r.unserved["unserved"].sum() == pytest.approx(0.0)


def test_output_per_activity_in_the_cutoff_share_and_graph():
    data = dataset_from_frames(
        net(
            {"press": ("widget", 2.0, {"ore": 3.0}), "dig": ("ore", 1.0, {})},
            [cap_row("USA", "press", 100.0), cap_row("USA", "dig", 450.0)],
            {("USA", "widget"): 300.0},
            critical=("widget",),
        )
    )
    # 300 t of widget: 150 units of activity, but only 100 exist -> 200 t; ore 3 t per t of
    # widget = 600 t for 200 t, only 450 t mined -> 150 t: share 150 / 300 = 0.5
    assert cutoff_share(data, "US", "CN", 2025).loc["widget", "cutoff_share"] == pytest.approx(0.5)
    edge = next(iter(build_graph(data, 2025).get_edge_data(("USA", "ore"), ("USA", "widget"))))
    attrs = build_graph(data, 2025).edges[("USA", "ore"), ("USA", "widget"), edge]
    assert attrs["capacity"] == pytest.approx(200.0)  # output capacity: 100 units * 2 t
    assert attrs["amount"] == pytest.approx(3.0)  # per t of widget


def tie_frames(order: tuple[int, int]) -> dict[str, pd.DataFrame]:
    rows = [("CHN", "*", "widget", 800.0, None), ("*", "USA", "widget", 300.0, None)]
    return net(
        {"press": ("widget", 1.0, {})},
        [cap_row("CHN", "press", 100.0)],
        {("USA", "widget"): 10.0},
        critical=("widget",),
        routes=[rows[order[0]], rows[order[1]]],
    )


@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
def test_equally_specific_routes_that_disagree_are_refused_naming_both_rows(
    tmp_path: Path, order: tuple[int, int]
):
    frames = {name: f.assign(trust="U") for name, f in tie_frames(order).items()}
    with pytest.raises(DataError) as err:
        load_dataset(write_csv_dataset(tmp_path, frames))
    text = str(err.value)
    assert "routes.csv, row 3, column 'cost'" in text
    assert "rows 2 and 3 are equally specific" in text and "CHN -> USA, widget" in text


def test_a_more_specific_row_settles_a_tie():
    frames = tie_frames((0, 1))
    extra = pd.DataFrame(
        [dict(exporter="CHN", importer="USA", commodity="widget", cost=500.0, source="test")]
    )
    frames["routes"] = pd.concat([frames["routes"], extra], ignore_index=True)
    data = dataset_from_frames(frames)
    assert data.routes.loc[("CHN", "USA", "widget"), "cost"] == 500.0
    # 10 t shipped at 500 USD/t
    assert run_plan(scenario(), data).objective == pytest.approx(5000.0)


# ---------------------------------------------------------------------------------------
# item 5: others' demand


def test_the_rivals_own_demand_is_served_first_in_the_nominal_state():
    # CHN makes 100 t at 1 USD/t and serves its own 95 t first: 5 t left for USA (10 t
    # demanded); 100 t produced + 5 t shipped at 1 USD/t + 5 t unserved at 1,000 USD/t = 5,105
    data = dataset_from_frames(
        net(
            {"press": ("widget", 1.0, {})},
            [cap_row("CHN", "press", 100.0, variable_cost=1.0)],
            {("USA", "widget"): 10.0, ("CHN", "widget"): 95.0},
            critical=("widget",),
        )
    )
    r = run_plan(scenario(), data)
    assert r.objective == pytest.approx(5105.0)
    assert r.unserved.loc[("USA", "widget", 2025), "unserved"] == pytest.approx(5.0)
    assert r.flows.loc[("CHN", "USA", "widget", 2025), "flow"] == pytest.approx(5.0)


def neutral_demand_net() -> Dataset:
    """MYS (neutral) makes 10 t and needs 4 t itself; CHN (rival) makes 100 t; USA needs 10 t."""
    return dataset_from_frames(
        net(
            {"press": ("widget", 1.0, {})},
            [cap_row("CHN", "press", 100.0), cap_row("MYS", "press", 10.0)],
            {("USA", "widget"): 10.0, ("MYS", "widget"): 4.0},
            critical=("widget",),
        )
    )


def test_a_neutral_region_serves_its_own_demand_before_the_bloc_in_a_cutoff():
    # MYS keeps 4 t for itself; of the other 6 t the bloc may count on half: 3 t of 10 = 0.3
    data = neutral_demand_net()
    table = cutoff_share(data, "US", "CN", 2025, neutral_share=0.5)
    assert table.loc["widget", "cutoff_share"] == pytest.approx(0.3)
    ok = run_plan(scenario(neutral_share=0.5, targets=[dict(share=0.3, from_year=2025)]), data)
    assert ok.status is Status.OPTIMAL
    assert ok.cutoff.loc[("widget", 2025), "cutoff_share"] == pytest.approx(0.3)
    # nominal: USA imports its 10 t (1 USD/t), MYS serves itself at no cost
    assert ok.objective == pytest.approx(10.0)
    short = run_plan(scenario(neutral_share=0.5, targets=[dict(share=0.31, from_year=2025)]), data)
    assert short.status is Status.INFEASIBLE
    assert short.diagnosis[0].amount == pytest.approx(0.01, abs=1e-6)


# ---------------------------------------------------------------------------------------
# item 4: origin of restricted goods


def origin_frames(mys_press: float = 0.0, gadgets: bool = False) -> dict[str, pd.DataFrame]:
    """CHN makes widgets (100 t, free); USA may build presses (100 USD per t/yr, no lead time)
    and, with ``gadgets``, USA wants gadgets made by MYS's assembly (1 widget per gadget)."""
    processes = {"press": ("widget", 1.0, {})}
    capacity = [
        cap_row("CHN", "press", 100.0),
        cap_row("USA", "press", 0.0, max_build=100.0, lead_time=0),
        cap_row("MYS", "press", mys_press),
    ]
    demand = {("USA", "widget"): 10.0}
    if gadgets:
        processes["assemble"] = ("gadget", 1.0, {"widget": 1.0})
        capacity.append(cap_row("MYS", "assemble", 100.0))
        demand = {("USA", "gadget"): 10.0}
    return net(processes, capacity, demand, critical=("widget", "gadget"))


BAN = dict(commodities=["widget"], from_year=2025)


def test_a_neutral_region_cannot_pass_the_rivals_banned_goods_on():
    # MYS needs widgets only to pass them on; give it a use (a little own demand) so that
    # the route CHN -> MYS exists at all. Unrestricted: CHN -> USA at 1 USD/t = 10
    frames = origin_frames()
    frames["demand"] = pd.concat(
        [
            frames["demand"],
            pd.DataFrame(
                [dict(region="MYS", commodity="widget", year=2025, quantity=1.0, source="test")]
            ),
        ],
        ignore_index=True,
    )
    data = dataset_from_frames(frames)
    assert run_plan(scenario(), data).objective == pytest.approx(10.0 + 1.0)
    # banned: without the origin rows, CHN -> MYS -> USA at 2 USD/t would cost 20; with them
    # USA builds 10 t/yr at 100 USD: 1,000 (+ MYS's own 1 t from CHN at 1 USD)
    banned = run_plan(scenario(restrictions=[BAN]), data)
    assert banned.objective == pytest.approx(1000.0 + 1.0)
    assert banned.builds["capacity"].sum() == pytest.approx(10.0)


def test_a_neutral_regions_own_production_may_still_go_to_the_bloc():
    frames = origin_frames(mys_press=4.0)
    frames["demand"] = pd.concat(
        [
            frames["demand"],
            pd.DataFrame(
                [dict(region="MYS", commodity="widget", year=2025, quantity=1.0, source="test")]
            ),
        ],
        ignore_index=True,
    )
    # the rule is a mass balance (goods are fungible): MYS eats 1 t of CHN's widgets (1 USD)
    # and ships all 4 t it makes to USA (4 USD); USA builds 6 t/yr (600 USD)
    r = run_plan(scenario(restrictions=[BAN]), dataset_from_frames(frames))
    assert r.builds["capacity"].sum() == pytest.approx(6.0)
    assert r.objective == pytest.approx(600.0 + 4.0 + 1.0)


def test_processed_content_counts_only_when_the_restriction_says_so():
    data = dataset_from_frames(origin_frames(gadgets=True))
    # widgets CHN -> MYS (1 USD) assembled and shipped MYS -> USA (1 USD): 2 USD per gadget
    plain = run_plan(scenario(restrictions=[BAN]), data)
    assert plain.objective == pytest.approx(20.0)
    # processed content counts: MYS's gadgets for USA need non-rival widgets; USA builds
    # 10 t/yr of presses (1,000) and ships widgets to MYS and gadgets back (2 USD each)
    strict = run_plan(scenario(restrictions=[dict(BAN, processed=True)]), data)
    assert strict.builds["capacity"].sum() == pytest.approx(10.0)
    assert strict.objective == pytest.approx(1000.0 + 20.0)


def test_the_baselines_licensing_restriction_binds_without_being_extraterritorial():
    from optimize.scenario import load_scenario

    sc = load_scenario("data/scenarios/baseline.yaml")
    assert sc.restrictions and not any(r.extraterritorial for r in sc.restrictions)
    licensed = run_plan(sc, earliest=False)
    free = run_plan(sc.model_copy(update={"restrictions": []}), earliest=False)
    assert licensed.status is Status.OPTIMAL and free.status is Status.OPTIMAL
    # re-export through neutral regions no longer undoes it: the bloc pays for the licensing
    # (USD 3.4 bn discounted with the 2026-12 data; USD 4.7 m before the origin rows)
    assert licensed.objective - free.objective > 1e9
    restricted = set(sc.restrictions[0].commodities)

    def rival_flows(r):
        f = r.flows.reset_index()
        f = f[f["commodity"].isin(restricted) & (f["exporter"] == "CHN")]
        return f.groupby("year")["flow"].sum()

    assert (rival_flows(licensed) < rival_flows(free).reindex(rival_flows(licensed).index)).any()
