"""The plan LP's cutoff state and the cutoff-share LP (network/cutoff.py) model the same
physics. On the plan's own capacity and without stockpiles (a stock draw bridges a cutoff in
the plan's exposure term; it is not capacity), the plan's cutoff state, serving every critical
commodity at once, never serves more of a commodity than the cutoff-share LP says is servable
of it alone. And the earliest year (searched on the plan LP, no stock draws) is never later
than the year the plan reaches (read with the cutoff-share LP on its capacity). If either
failed, the two timelines would answer different questions."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from network.validate import load_dataset
from optimize.plan import run_plan
from optimize.scenario import load_scenario


@pytest.mark.parametrize("name", ["baseline", "cn_semis"])
def test_the_plans_cutoff_state_serves_no_more_than_the_cutoff_share(name):
    sc = load_scenario(f"data/scenarios/{name}.yaml")
    data = load_dataset(sc.dataset_path)
    no_stocks = dataclasses.replace(data, stockpiles=data.stockpiles.iloc[0:0])
    r = run_plan(sc, no_stocks, earliest=False)
    e = r.exposure
    assert len(e), "the shipped scenarios have an exposure section"
    lp_share = (e["served_in_cutoff"] / e["demand"]).rename("lp")
    both = lp_share.to_frame().join(r.cutoff["cutoff_share"].rename("share"), how="inner")
    assert len(both) == len(lp_share)
    over = both[both["lp"] > both["share"] + 1e-6]
    assert over.empty, f"plan LP serves more than the cutoff-share LP allows:\n{over}"


def test_the_earliest_year_is_never_later_than_the_planned_year():
    r = run_plan(load_scenario("data/scenarios/baseline.yaml"))
    ind = r.independence
    never = 10_000
    planned = ind["planned_year"].astype("Float64").fillna(never)
    earliest = ind["earliest_year"].astype("Float64").fillna(never)
    late = ind[earliest > planned]
    assert late.empty, f"earliest after planned:\n{late}"
    assert not pd.isna(ind["earliest_year"]).all()
