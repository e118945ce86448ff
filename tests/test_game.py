"""Payoff arithmetic (from plan stakes) and parameter loading of optimize.game.payoffs."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from network.errors import DataError, InputError
from optimize.game.payoffs import (
    CN_GRADED,
    NO_STAKES,
    US_GRADED,
    GameParams,
    Stakes,
    Strategy,
    damage,
    payoff_matrices,
    payoff_parts,
    scalar_fields,
)

ROOT = Path(__file__).resolve().parents[1]
DEFAULTS = ROOT / "data" / "game" / "payoffs.csv"

HAND = GameParams(rent_share=0.5, escalation_cost=6.0, parallel_chain_multiplier=1.0)

# US stakes: 10 units demanded, 4 served in a cutoff, 2 USD bn per unit lost, parallel chain
# 1.5 USD bn/yr, China's exports to the US 3 USD bn/yr. China: 20 units, 5 served, 1 USD bn per
# unit, no parallel chain, US exports to China 8 USD bn/yr.
US_STAKES = Stakes(("m",), np.array([10.0]), np.array([4.0]), np.array([2e9]), 1.5, 3.0)
CN_STAKES = Stakes(("c",), np.array([20.0]), np.array([5.0]), np.array([1e9]), 0.0, 8.0)


def test_binary_payoffs_exact_entries():
    a, b = payoff_matrices(HAND, US_STAKES, CN_STAKES)
    dmg_us = 2 * (10 - 4) + 1.5  # China restricts: 12 lost supply + 1.5 parallel chain
    dmg_cn = 1 * (20 - 5)  # the US controls: 15
    # US: control gains rho * 15 = 7.5, forgoes its 8 of exports; China's restriction costs
    # the US 13.5; both restricting costs each 6 more.
    assert a.tolist() == [[0.0, -dmg_us], [0.5 * dmg_cn - 8.0, 0.5 * dmg_cn - 8.0 - dmg_us - 6]]
    assert a.tolist() == [[0.0, -13.5], [-0.5, -20.0]]
    assert b.tolist() == [[0.0, 0.5 * dmg_us - 3.0], [-dmg_cn, 0.5 * dmg_us - 3.0 - dmg_cn - 6]]
    assert b.tolist() == [[0.0, 3.75], [-15.0, -17.25]]


def test_graded_lost_supply_is_the_cap_shortfall():
    p = HAND.with_overrides(us_strategies=US_GRADED, cn_strategies=CN_GRADED)
    a, b = payoff_matrices(p, US_STAKES, CN_STAKES)
    assert a.shape == (3, 3) and b.shape == (3, 3)
    # China targeted (cap at half the US use): short max(0, 0.5 * 10 - 4) = 1 unit -> 2 bn,
    # plus half the parallel chain 0.75. US targeted: 0.5 * 20 - 5 = 5 units -> 5 bn to China.
    assert a[0, 1] == pytest.approx(-(2.0 + 0.75))
    assert b[1, 0] == pytest.approx(-5.0)
    # US targeted vs China targeted: rent 0.5 * 5 - half its exports 4 - 2.75 - 6 * 0.25
    assert a[1, 1] == pytest.approx(2.5 - 4.0 - 2.75 - 1.5)
    assert damage(p, US_STAKES, 0.4) == pytest.approx(0.0 + 0.4 * 1.5)  # 0.4 * 10 < 4 served


def test_no_stakes_no_damage_no_rent():
    a, b = payoff_matrices(HAND, NO_STAKES, NO_STAKES)
    assert a.tolist() == [[0.0, 0.0], [0.0, -6.0]]
    assert b.tolist() == a.tolist()


def test_payoff_parts_name_every_term():
    parts = payoff_parts(HAND, US_STAKES, CN_STAKES)
    assert parts["us_lost_supply"] == 12.0 and parts["us_parallel_chain"] == 1.5
    assert parts["us_damage"] == 13.5 and parts["cn_damage"] == 15.0
    assert parts["us_rent"] == 7.5 and parts["cn_rent"] == 6.75
    assert parts["us_forgone_exports"] == 8.0 and parts["cn_forgone_exports"] == 3.0
    assert parts["us_escalation"] == parts["cn_escalation"] == 6.0


def test_defaults_load_with_sources():
    p = GameParams.from_csv(DEFAULTS)
    assert p.damage_multiplier == 1.0  # the plans' own loss
    assert p.price_share == pytest.approx(1 / 3)
    assert p.cn_tolerance == p.us_tolerance == math.inf  # no concession unless a race sets one
    assert p.threshold == 0.95
    assert set(p.sources) == set(scalar_fields())
    assert all(
        s.startswith("assumption:") or "data brief" in s or ".csv" in s for s in p.sources.values()
    )
    assert [s.name for s in p.us_strategies] == ["open", "control"]
    assert [s.name for s in p.cn_strategies] == ["supply", "restrict"]


def test_csv_problems_collected(tmp_path):
    text = DEFAULTS.read_text().splitlines()
    rows = [text[0]] + [r for r in text[1:] if not r.startswith(("threshold", "rent_share"))]
    rows.append("rent_share,abc,fraction,assumption: x")
    rows.append("bogus,1,x,assumption: x")
    rows.append("escalation_cost,3,USD bn/yr,")
    bad = tmp_path / "payoffs.csv"
    bad.write_text("\n".join(rows) + "\n")
    with pytest.raises(DataError) as err:
        GameParams.from_csv(bad)
    report = str(err.value)
    assert "4 problems" in report
    assert "value 'abc' is not a number" in report
    assert "unknown parameter 'bogus'" in report
    assert "parameter 'escalation_cost' given twice" in report
    assert "parameter 'threshold' missing" in report


def test_invalid_values_rejected():
    with pytest.raises(InputError, match="rent_share = 1.5 outside"):
        HAND.with_overrides(rent_share=1.5)
    with pytest.raises(InputError, match="intensity in"):
        HAND.with_overrides(us_strategies=(Strategy("x", 0.0), Strategy("y", 2.0)))
    with pytest.raises(InputError, match="names repeat"):
        HAND.with_overrides(cn_strategies=(Strategy("a", 0.0), Strategy("a", 1.0)))
    with pytest.raises(InputError, match="unknown parameter 'rent'"):
        HAND.with_overrides(rent=0.1)


def test_overrides_accept_mapping():
    p = HAND.with_overrides(cn_strategies={"none": 0.0, "targeted": 0.5, "broad": 1.0})
    assert p.cn_strategies == CN_GRADED
    assert HAND.cn_strategies != p.cn_strategies  # original untouched
    a, _ = payoff_matrices(p, US_STAKES, CN_STAKES)
    assert a.shape == (2, 3)
    assert np.isfinite(a).all()
