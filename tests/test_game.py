"""Payoff arithmetic and parameter loading of optimize.game."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from network.errors import DataError, InputError
from optimize.game.payoffs import (
    CN_GRADED,
    US_GRADED,
    GameParams,
    Strategy,
    payoff_matrices,
    scalar_fields,
)

ROOT = Path(__file__).resolve().parents[1]
DEFAULTS = ROOT / "data" / "game" / "payoffs.csv"

HAND = GameParams(
    us_trade_gain=10.0,
    cn_trade_gain=2.0,
    us_efficiency_loss=4.0,
    cn_efficiency_loss=1.0,
    us_damage_scale=100.0,
    cn_damage_scale=40.0,
    rent_share=0.5,
    escalation_cost=6.0,
)


def test_binary_payoffs_exact_entries():
    a, b = payoff_matrices(HAND, dep_us=0.5, dep_cn=0.8)
    # US: open/supply = G_us; control/supply = -E_us + rho D_us d_cn; */restrict - D_cn d_us
    # control/restrict also - X.
    assert a.tolist() == [
        [10.0, 10.0 - 40 * 0.5],
        [-4.0 + 0.5 * 100 * 0.8, -4.0 + 0.5 * 100 * 0.8 - 40 * 0.5 - 6.0],
    ]
    assert a.tolist() == [[10.0, -10.0], [36.0, 10.0]]
    assert b.tolist() == [[2.0, -1.0 + 0.5 * 40 * 0.5], [2.0 - 80.0, -1.0 + 10.0 - 80.0 - 6.0]]
    assert b.tolist() == [[2.0, 9.0], [-78.0, -77.0]]


def test_graded_payoffs_with_exponents():
    p = HAND.with_overrides(
        us_strategies=US_GRADED, cn_strategies=CN_GRADED, damage_exponent=0.5, cost_exponent=2.0
    )
    a, b = payoff_matrices(p, dep_us=1.0, dep_cn=1.0)
    assert a.shape == (3, 3) and b.shape == (3, 3)
    h = math.sqrt(0.5)  # targeted: damage/rent factor 0.5**0.5, own cost factor 0.25
    # US targeted vs China targeted: 10*0.5 - 4*0.25 + 0.5*100*h - 40*h - 6*0.25
    assert a[1, 1] == pytest.approx(5.0 - 1.0 + 50 * h - 40 * h - 1.5, abs=1e-12)
    # China broad vs US targeted: 0 - 1 + 0.5*40 - 100*h - 6*0.5
    assert b[1, 2] == pytest.approx(-1.0 + 20.0 - 100 * h - 3.0, abs=1e-12)
    assert a[0, 0] == 10.0 and b[0, 0] == 2.0


def test_no_dependence_no_damage_no_rent():
    a, b = payoff_matrices(HAND, dep_us=0.0, dep_cn=0.0)
    assert a.tolist() == [[10.0, 10.0], [-4.0, -10.0]]
    assert b.tolist() == [[2.0, -1.0], [2.0, -7.0]]


def test_dependence_out_of_range_rejected():
    with pytest.raises(ValueError, match="dep_cn = 1.2"):
        payoff_matrices(HAND, 0.5, 1.2)


def test_defaults_load_with_sources():
    p = GameParams.from_csv(DEFAULTS)
    assert p.us_damage_scale == pytest.approx(0.25 * 385)
    assert p.us_trade_gain == pytest.approx(0.06 * 385, abs=0.01)
    assert p.cn_tolerance == pytest.approx(4 * 49)
    assert p.threshold == 0.95
    assert set(p.sources) == set(scalar_fields())
    assert all(s.startswith("assumption:") or "data brief" in s for s in p.sources.values())
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
    a, _ = payoff_matrices(p, 0.5, 0.5)
    assert a.shape == (2, 3)
    assert np.isfinite(a).all()
