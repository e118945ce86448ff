"""Supply-chain physics (issue 11) on networks small enough to solve by hand.

Every test builds its own network with :func:`net`: regions USA (bloc US, the planner), CHN
(bloc CN, the rival) and MYS (neutral) unless a test adds more; routes '*,*,*' at 1 USD/unit
unless a test gives its own. Each test states the arithmetic behind its numbers.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from conftest import write_csv_dataset

from network.cutoff import cutoff_share
from network.dataset import Dataset
from network.errors import DataError
from network.graph import build_graph
from network.validate import dataset_from_frames, load_dataset
from optimize.plan import run_plan
from optimize.scenario import scenario_from_dict
from optimize.solve import Status

REGIONS = {"USA": "US", "CHN": "CN", "MYS": "neutral"}


def cap_row(region: str, process: str, existing: float = 0.0, **kw: object) -> dict:
    """A capacity row: no builds, no costs, unless given."""
    row = dict(
        region=region,
        process=process,
        existing=existing,
        capex=100.0,
        fixed_om=0.0,
        variable_cost=0.0,
        lead_time=1,
        max_build=0.0,
        ramp_years=0,
        lifetime=30,
        source="test",
    )
    row.update(kw)
    return row


def net(
    processes: dict[str, tuple[str, float, dict[str, float]]],
    capacity: list[dict],
    demand: dict[tuple[str, str], float],
    critical: tuple[str, ...],
    routes: list[tuple[str, str, str, float, float | None]] | None = None,
    regions: dict[str, str] | None = None,
    penalty: float = 1000.0,
    extra_tables: dict[str, pd.DataFrame] | None = None,
) -> dict[str, pd.DataFrame]:
    """Frames of a tiny dataset.

    processes: {process: (output, output_per_activity, {input: amount per output unit})};
    demand: {(region, commodity): quantity} in 2025 (flat); critical: critical commodities;
    routes: (exporter, importer, commodity, cost, max_flow) rows (default '*,*,*' at 1)."""
    regions = regions or REGIONS
    commodities = sorted(
        {out for out, _, _ in processes.values()}
        | {c for _, _, rec in processes.values() for c in rec}
    )
    routes = routes if routes is not None else [("*", "*", "*", 1.0, None)]
    frames = {
        "regions": pd.DataFrame(
            [dict(region=r, name=r, bloc=b, source="test") for r, b in regions.items()]
        ),
        "commodities": pd.DataFrame(
            [
                dict(
                    commodity=c,
                    name=c,
                    unit="t",
                    chain="rare_earth",
                    critical=c in critical,
                    value_unserved=penalty,
                    source="test",
                )
                for c in commodities
            ]
        ),
        "processes": pd.DataFrame(
            [
                dict(process=p, output=o, output_per_activity=opa, source="test")
                for p, (o, opa, _) in processes.items()
            ]
        ),
        "process_inputs": pd.DataFrame(
            [
                dict(process=p, commodity=c, amount=a, source="test")
                for p, (_, _, rec) in processes.items()
                for c, a in rec.items()
            ],
            columns=["process", "commodity", "amount", "source"],
        ),
        "capacity": pd.DataFrame(capacity),
        "demand": pd.DataFrame(
            [
                dict(region=r, commodity=c, year=2025, quantity=q, source="test")
                for (r, c), q in demand.items()
            ]
        ),
        "routes": pd.DataFrame(
            [
                dict(exporter=e, importer=i, commodity=c, cost=cost, max_flow=mf, source="test")
                for e, i, c, cost, mf in routes
            ]
        ),
    }
    frames.update(extra_tables or {})
    return frames


def scenario(last: int = 2025, **kw: object):
    base = dict(
        name="t",
        dataset=".",
        horizon=dict(first=2025, last=last),
        planner="US",
        rival="CN",
        discount_rate=0.0,
    )
    base.update(kw)
    return scenario_from_dict(base)


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
