"""Every shipped race variant reaches the seed paper's path its comments promise (default data).

One test per file in data/scenarios/race_*.yaml (the race plans race_plan_*.yaml excepted);
each runs the whole race (both plans, the game, the loop: ~10-20 s).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from optimize.game.loop import run_race
from optimize.game.regimes import Regime
from optimize.game.scenario import load_race

SCENARIOS = Path(__file__).resolve().parents[1] / "data" / "scenarios"
VARIANTS = (
    "race_trade.yaml",
    "race_stalemate.yaml",
    "race_us_leads.yaml",
    "race_cn_leads.yaml",
    "race_systemic.yaml",
)


def race(name: str):
    result = run_race(load_race(SCENARIOS / name))
    assert result.converged or result.cycle, result.verdict
    return result, result.game.path


def years_of(path, regime: Regime) -> list[int]:
    return [int(y) for y in path.index[path["regime"] == regime]]


def test_every_variant_file_is_tested():
    shipped = {p.name for p in SCENARIOS.glob("race_*.yaml")} - {
        p.name for p in SCENARIOS.glob("race_plan_*.yaml")
    }
    assert shipped == set(VARIANTS)


def test_race_trade_returns_to_trade_after_china_concedes():
    result, path = race("race_trade.yaml")
    c = result.game.concession
    assert c is not None and c.side == "CN" and c.year <= 2028
    after = path.loc[c.year : 2035]
    assert (after["regime"] == Regime.RETURN_TO_TRADE).all()
    assert after["conceded"].all()
    assert path.loc[2025, "regime"] is Regime.STALEMATE


def test_race_stalemate_stays_in_mutual_restriction():
    result, path = race("race_stalemate.yaml")
    assert (path.loc[2025:2033, "regime"] == Regime.STALEMATE).all()
    assert not path["pinned"].any() and result.game.concession is None
    assert result.window is None
    assert not (path["us_independent"] & path["cn_independent"]).any()


def test_race_us_leads_opens_a_us_window():
    result, path = race("race_us_leads.yaml")
    w = result.window
    assert w is not None and w.leader == "US" and w.years >= 3
    window = path.loc[w.start : w.end]
    assert (window["us_intensity"] > 0).all() and window["us_restriction_pays"].all()
    assert window["us_independent"].all() and not window["cn_independent"].any()


def test_race_cn_leads_opens_a_china_window_to_the_horizon():
    result, path = race("race_cn_leads.yaml")
    w = result.window
    assert w is not None and w.leader == "CN" and w.end == 2040 and w.years >= 3
    window = path.loc[w.start : w.end]
    assert (window["cn_intensity"] > 0).all() and window["cn_restriction_pays"].all()
    assert window["cn_independent"].all() and not window["us_independent"].any()


def test_race_systemic_ends_in_systemic_decoupling():
    result, path = race("race_systemic.yaml")
    systemic = [y for y in years_of(path, Regime.SYSTEMIC_DECOUPLING) if y >= 2035]
    assert len(systemic) >= 3, systemic
    assert path.loc[systemic, ["us_independent", "cn_independent"]].all().all()
    assert path.loc[2025, "regime"] is Regime.STALEMATE


@pytest.mark.parametrize("name", VARIANTS)
def test_variant_header_says_what_makes_it_so(name: str):
    text = (SCENARIOS / name).read_text()
    assert "What makes it so:" in text and "Promised path:" in text
