"""Lead-time ranges (network/ranges.py): validated, drawn by the Monte Carlo as one quantile of
every row's range, and in the default data taken from the data brief (section 3.2)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import read_tiny_frames

from autarky.sweep_spec import SweepSpec, expand
from network.errors import DataError
from network.validate import dataset_from_frames, load_dataset
from optimize.scenario import scenario_from_dict
from optimize.sweep import Variant, lead_times, structure_of

DEFAULT = Path(__file__).resolve().parents[1] / "data" / "default"


def tiny(low: list[object], high: list[object]):
    frames = read_tiny_frames()
    cap = frames["capacity"]  # lead times 3, 2, 2, 3, 2, 2, 2
    cap["lead_time_low"] = low
    cap["lead_time_high"] = high
    return dataset_from_frames(frames)


def test_a_draw_is_one_quantile_of_every_rows_range():
    data = tiny(["1", "1", "", "3", "2", "2", "2"], ["7", "4", "", "3", "2", "2", "2"])
    assert lead_times(data, 1.0) == (3, 2, 2, 3, 2, 2, 2)
    assert lead_times(data, 1.0, 0.0) == (1, 1, 2, 3, 2, 2, 2)  # the fast ends
    assert lead_times(data, 1.0, 0.5) == (3, 2, 2, 3, 2, 2, 2)  # the lead times themselves
    assert lead_times(data, 1.0, 1.0) == (7, 4, 2, 3, 2, 2, 2)  # the slow ends
    assert lead_times(data, 1.0, 0.75) == (5, 3, 2, 3, 2, 2, 2)  # 3 + 0.5 * 4; 2 + 0.5 * 2
    assert lead_times(data, 2.0, 1.0) == (14, 8, 4, 6, 4, 4, 4)  # a multiplier scales it


def test_a_range_that_misses_the_lead_time_is_refused():
    with pytest.raises(DataError) as err:
        tiny(["4", "", "", "", "", "", ""], ["", "1", "", "", "", "", ""])
    text = str(err.value)
    assert "capacity, row 2, column 'lead_time_low': lead_time_low 4 is above lead_time 3" in text
    assert "row 3, column 'lead_time_high': lead_time_high 1 is below lead_time 2" in text


def test_monte_carlo_draws_the_quantile_and_each_draw_builds_its_own_leads():
    spec = SweepSpec(uncertain={"lead_time_quantile": {"dist": "uniform", "low": 0, "high": 1}})
    variants = expand(spec, monte_carlo=50, seed=1)
    qs = [v.lead_time_quantile for v in variants]
    assert len(qs) == 50 and min(qs) >= 0 and max(qs) <= 1 and max(qs) - min(qs) > 0.5
    data = tiny(["1", "1", "", "3", "2", "2", "2"], ["7", "4", "", "3", "2", "2", "2"])
    sc = scenario_from_dict(
        dict(name="t", dataset=".", horizon=dict(first=2025, last=2030), planner="US", rival="CN")
    )
    slow = structure_of(Variant(name="slow", lead_time_quantile=1.0), data, sc)
    assert slow.leads == (7, 4, 2, 3, 2, 2, 2)


def test_default_lead_times_follow_the_brief():
    cap = load_dataset(DEFAULT).capacity
    us_bloc = ["USA", "JPN", "AUS", "EU", "KOR", "TWN"]

    def rows(process: str):
        c = cap.xs(process, level="process")
        return c[c.index.isin(us_bloc)]

    for process in ("ndpr_separation", "dytb_separation", "gallium_recovery"):
        r = rows(process)  # IEA ~8 yr for new processing; observed ex-China builds the fast end
        assert set(r["lead_time"]) == {8} and set(r["lead_time_low"]) == {3}, process
    magnets = rows("ndfeb_sintering")  # MP Independence ~3 yr; e-VAC ~1.5-2 yr
    assert set(magnets["lead_time"]) == {3} and set(magnets["lead_time_low"]) == {2}
    green = cap.loc[("EU", "re_mining")]  # S&P fastest 6 yr; IEA >16 yr from discovery
    assert (green["lead_time"], green["lead_time_low"], green["lead_time_high"]) == (10, 6, 16)
    assert (cap["lead_time_low"] <= cap["lead_time"]).all()
    assert (cap["lead_time"] <= cap["lead_time_high"]).all()
