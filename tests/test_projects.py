"""Projects by status on test_plan's hand-solvable network: committed builds are firm, announced
ones an option at their capacity row's cost (or firm / left out by the scenario), never free.

Network (tests/test_plan.py): USA may build sinter capacity at 100 USD per t/yr, lead 2 years,
here with no build room of its own (max_build 0); CHN makes magnets at 1 USD/t and ships at
1 USD/t; USA demands 10 t/yr 2025-2030; from 2028 all of it must be servable without China.
Before 2028 China serves the 10 t at 2 USD/t: 3 years x 20 = 60 USD.
"""

from __future__ import annotations

import pandas as pd
import pytest
from test_plan import frames, scenario

from network.errors import InputError
from network.validate import dataset_from_frames
from optimize.plan import run_plan

TARGET = [dict(share=1.0, from_year=2028)]


def data(status: str, first_year: int = 2028, capacity: float = 10.0):
    f = frames(max_build=0.0)
    f["projects"] = pd.DataFrame(
        [
            dict(
                project="p1",
                region="USA",
                process="sinter",
                capacity=capacity,
                first_year=first_year,
                status=status,
                source="test",
            )
        ]
    )
    return dataset_from_frames(f)


def test_committed_project_is_firm_and_free_of_capex():
    r = run_plan(scenario(targets=TARGET), data("committed"))
    assert r.ok
    assert r.objective == pytest.approx(60.0)
    assert r.spend["spend_usd"].sum() == pytest.approx(0.0)


def test_announced_project_is_an_option_at_its_cost():
    r = run_plan(scenario(targets=TARGET), data("announced"))
    assert r.ok
    # the plan takes it: 10 t started in 2026 (2028 less the 2-year lead), 100 USD per t/yr
    assert r.objective == pytest.approx(60.0 + 10 * 100)
    b = r.builds.reset_index()
    assert list(zip(b["region"], b["process"], b["year"], strict=True)) == [("USA", "sinter", 2026)]
    assert b["capacity"].sum() == pytest.approx(10.0)


def test_an_option_is_never_more_than_the_project():
    # a 4 t project: the plan may take 4 t, and the other 6 t cannot be built (max_build 0)
    r = run_plan(scenario(targets=TARGET), data("announced", capacity=4.0))
    assert not r.ok  # the target is out of reach: relaxed plan with a diagnosis
    assert r.builds["capacity"].sum() == pytest.approx(4.0)


def test_scenario_overlay_makes_announced_firm_or_leaves_it_out():
    firm = run_plan(scenario(targets=TARGET, projects={"announced": "firm"}), data("announced"))
    assert firm.objective == pytest.approx(60.0)
    named = run_plan(scenario(targets=TARGET, projects={"firm": ["p1"]}), data("announced"))
    assert named.objective == pytest.approx(60.0)
    ignored = run_plan(
        scenario(targets=TARGET, projects={"announced": "ignore"}), data("announced")
    )
    assert not ignored.ok and len(ignored.builds) == 0


def test_a_project_under_way_keeps_its_announced_year():
    # announced for 2026 with a 2-year lead: started in 2024, before the horizon; taken, it
    # comes online in 2026 and its whole capex (1,000) is paid in 2025; China serves 2025 only
    r = run_plan(scenario(targets=TARGET), data("announced", first_year=2026))
    b = r.builds.reset_index()
    assert list(b["year"]) == [2024] and list(b["online_year"]) == [2026]
    assert r.objective == pytest.approx(20.0 + 1000.0)
    spend = r.spend["spend_usd"]
    assert spend[spend > 0].to_dict() == {2025: pytest.approx(1000.0)}


def test_scenario_adds_a_project():
    add = [
        dict(
            project="deal",
            region="USA",
            process="sinter",
            capacity=10,
            first_year=2027,
            source="test deal",
        )
    ]
    r = run_plan(scenario(targets=TARGET, projects={"add": add}), data("announced", 2040))
    assert r.ok and r.objective == pytest.approx(40.0)  # China serves 2025 and 2026 only


def test_unknown_names_are_refused():
    with pytest.raises(InputError, match="projects.firm names 'nope'"):
        run_plan(scenario(targets=TARGET, projects={"firm": ["nope"]}), data("announced"))
    bad = [
        dict(project="x", region="CHN", process="smelt", capacity=1, first_year=2027, source="t")
    ]
    with pytest.raises(InputError, match="no capacity row for CHN, smelt"):
        run_plan(scenario(targets=TARGET, projects={"add": bad}), data("announced"))


def test_network_views_count_committed_projects_only():
    assert data("committed").capacity_in(2030)[("USA", "sinter")] == 10.0
    assert data("announced").capacity_in(2030)[("USA", "sinter")] == 0.0
