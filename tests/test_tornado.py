"""The tornado (autarky compare --tornado) on test_sweep's hand-solvable network: USA may build
magnet capacity at 100 USD per t/yr, lead 1 year (range 0-3 years); China ships at 2 USD/t;
a cutoff is priced at likelihood 0.5 and 1,000 USD per t lost. The chain's earliest year is the
first year a build decided in 2025 can run: 2025 + lead, so 2025 / 2026 / 2028 at the fast end,
as given and at the slow end. The budget is 1,000 USD a year, exactly the 10 t at 100 USD: at
capex x1.4 the build takes two years' budget (2027), at x0.8 one (2026)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml
from openpyxl import load_workbook
from test_sweep import frames, scenario_dict

from autarky.compare import run_compare
from autarky.tornado import BASE, groups, tornado_table, tornado_variants
from network.validate import dataset_from_frames
from optimize.scenario import scenario_from_dict
from optimize.sweep import clear_cache
from optimize.uncertain import with_levels


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_cache()
    yield
    clear_cache()


def case(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    for name, df in frames().items():
        if name == "capacity":
            df["lead_time_low"] = [0, 1]  # USA 0-3 years; CHN builds nothing
            df["lead_time_high"] = [3, 1]
        df.assign(trust="U").to_csv(folder / f"{name}.csv", index=False)
    sc = scenario_dict(dataset="data", restrictions=[], exposure=dict(likelihood=0.5))
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(sc), encoding="utf-8")
    return path


def test_tornado_runs_every_group_at_both_ends(tmp_path):
    out = run_compare(case(tmp_path), tmp_path / "out", tornado=True, local=True)
    t = out.tornado.set_index("input group")
    assert set(t.index) == {g for g, *_ in groups(scenario_from_dict(scenario_dict()))}
    lead = t.loc["lead times"]
    assert (lead["earliest year, low"], lead["earliest year, scenario"]) == ("2025", "2026")
    assert lead["earliest year, high"] == "2028" and lead["year swing"] == 3
    capex = t.loc["capex"]
    # the budget is 1,000 USD a year: 10 t at 100 x 1.4 = 1,400 USD takes two years' budget
    assert (capex["earliest year, low"], capex["earliest year, high"]) == ("2026", "2027")
    assert capex["cost USD bn, low"] <= capex["cost USD bn, scenario"] <= capex["cost USD bn, high"]
    # files: tornado.csv and .png, and a Tornado sheet in comparison.xlsx with the same rows
    assert (out.folder / "tornado.png").is_file()
    csv = pd.read_csv(out.folder / "tornado.csv")
    assert list(csv["input group"]) == list(out.tornado["input group"])
    ws = load_workbook(out.folder / "comparison.xlsx")["Tornado"]
    assert [c.value for c in ws[1]][:3] == ["input group", "low / high", "earliest year, low"]
    assert ws.cell(2, 1).value == out.tornado["input group"].iloc[0]
    assert ws._charts  # the bar chart of the cost at both ends


def test_variants_and_table_arithmetic():
    sc = scenario_from_dict(scenario_dict(neutral_share=0.1))
    vs = tornado_variants(sc)
    assert vs[0].name == BASE and len(vs) == 1 + 2 * 6
    ns = {v.name: v.neutral_share for v in vs if v.neutral_share is not None}
    assert ns == {"tornado: neutral share, low": 0.0, "tornado: neutral share, high": 0.35}
    rows = [dict(variant=v.name, earliest_chain_year=2030, cost_of_independence_usd_bn=10.0)
            for v in vs]  # fmt: skip
    rows[1].update(earliest_chain_year=2028, cost_of_independence_usd_bn=12.0)  # leads, low
    rows[2].update(earliest_chain_year=None, cost_of_independence_usd_bn=7.0)  # leads, high
    df = tornado_table(pd.DataFrame(rows), sc)
    top = df.iloc[0]  # the largest cost swing first
    assert top["input group"] == "lead times" and top["earliest year, high"] == "never"
    assert top["year swing"] == 2031 - 2028 and top["cost swing USD bn"] == -5.0


def test_levels_scale_build_limits_pick_damage_ends_and_set_the_neutral_share():
    f = frames()
    f["commodities"]["cutoff_damage"] = [5000.0]
    f["commodities"]["cutoff_damage_low"] = [2000.0]
    f["commodities"]["cutoff_damage_high"] = [9000.0]
    data = dataset_from_frames(f)
    sc = scenario_from_dict(scenario_dict())
    d2, sc2 = with_levels(data, sc, 0.5, "high", 0.7)
    assert d2.capacity.loc[("USA", "sinter"), "max_build"] == 500.0
    assert d2.commodities.loc["magnet", "cutoff_damage"] == 9000.0
    assert sc2.neutral_share == 0.7
    d3, _ = with_levels(data, sc, damage="low")
    assert d3.commodities.loc["magnet", "cutoff_damage"] == 2000.0
    assert data.commodities.loc["magnet", "cutoff_damage"] == 5000.0  # the input is unchanged
