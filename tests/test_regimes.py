"""Regimes, strategic windows, concession and sanction effectiveness on constructed paths."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from network.errors import InputError
from optimize.game.payoffs import US_GRADED, GameParams
from optimize.game.regimes import (
    PATH_COLUMNS,
    Concession,
    Regime,
    Window,
    apply_tolerance,
    classify,
    main_window,
    sanction_effectiveness,
    solve_path,
    strategic_windows,
)

R = Regime
TRADE = {"US": "open", "CN": "supply"}
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


def _dep(years, us, cn) -> pd.DataFrame:
    return pd.DataFrame({"US": us, "CN": cn}, index=pd.Index(list(years), name="year"))


def _play(years, us_int, cn_int, pure=True) -> pd.DataFrame:
    n = len(years)
    us_int = np.broadcast_to(np.asarray(us_int, float), (n,))
    cn_int = np.broadcast_to(np.asarray(cn_int, float), (n,))
    return pd.DataFrame(
        {
            "us_strategy": np.where(us_int > 0, "control", "open"),
            "cn_strategy": np.where(cn_int > 0, "restrict", "supply"),
            "us_intensity": us_int,
            "cn_intensity": cn_int,
            "pure": np.broadcast_to(np.asarray(pure, bool), (n,)),
        },
        index=pd.Index(list(years), name="year"),
    )


YEARS = range(2026, 2036)
US_FALLS = [0.8, 0.7, 0.5, 0.3, 0.1, 0.05, 0.0, 0.0, 0.0, 0.0]  # self-sufficient from 2031


def test_asymmetric_window_us_leads_from_2031():
    path = classify(_dep(YEARS, US_FALLS, 0.6), _play(YEARS, 1, 1), threshold=0.95)
    assert list(path.columns) == list(PATH_COLUMNS)
    assert path.index.name == "year"
    assert list(path["regime"]) == [R.STALEMATE] * 5 + [R.ASYMMETRIC_DECOUPLING] * 5
    assert list(path["us_self_sufficient"]) == [False] * 5 + [True] * 5
    assert not path["cn_self_sufficient"].any()
    assert strategic_windows(path) == [Window("US", 2031, 2035, 5)]
    assert main_window(path) == Window("US", 2031, 2035, 5)


def test_systemic_after_window():
    cn = [0.6] * 7 + [0.04, 0.02, 0.0]  # China self-sufficient from 2033
    path = classify(_dep(YEARS, US_FALLS, cn), _play(YEARS, 0, 0), threshold=0.95)
    assert list(path["regime"]) == (
        [R.RETURN_TO_TRADE] * 5 + [R.ASYMMETRIC_DECOUPLING] * 2 + [R.SYSTEMIC_DECOUPLING] * 3
    )
    assert list(path["leader"]) == [""] * 5 + ["US"] * 2 + [""] * 3
    assert main_window(path) == Window("US", 2031, 2032, 2)


def test_two_windows_longest_is_main():
    us = [0.0, 0.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]
    cn = [0.5, 0.5, 0.5, 0.0, 0.0, 0.0, 0.5, 0.5, 0.5, 0.5]
    path = classify(_dep(YEARS, us, cn), _play(YEARS, 1, 0), threshold=0.95)
    assert strategic_windows(path) == [Window("US", 2026, 2027, 2), Window("CN", 2029, 2031, 3)]
    assert main_window(path) == Window("CN", 2029, 2031, 3)
    assert list(path["regime"])[2] is R.COERCION  # US controls, China supplies, both dependent


def test_no_one_self_sufficient_strategy_regimes():
    years = [2030, 2031, 2032, 2033, 2034]
    play = _play(years, [1, 0, 1, 0, 0.5], [1, 0, 0, 1, 0.5], pure=[True, True, True, True, False])
    path = classify(_dep(years, 0.5, 0.5), play, threshold=0.95)
    assert list(path["regime"]) == [R.STALEMATE, R.RETURN_TO_TRADE, R.COERCION, R.COERCION,
                                    R.MIXED]
    assert strategic_windows(path) == []
    assert main_window(path) is None


def test_threshold_boundary_counts_as_self_sufficient():
    path = classify(_dep([2030, 2031], [0.05, 0.0501], 0.5), _play([2030, 2031], 1, 1), 0.95)
    assert list(path["us_self_sufficient"]) == [True, False]


def test_concession_us_gives_in_2028():
    path = classify(_dep(YEARS, US_FALLS, 0.6), _play(YEARS, 1, 1), threshold=0.95)
    losses = _dep(YEARS, 40.0, 30.0)
    out, concession = apply_tolerance(path, losses, {"US": 100.0, "CN": 1000.0}, TRADE)
    # US cumulative 40, 80, 120 > 100 in 2028.
    assert concession == Concession("US", 2028, 120.0, 100.0)
    assert list(out["regime"]) == (
        [R.STALEMATE] * 2 + [R.RETURN_TO_TRADE] * 3 + [R.ASYMMETRIC_DECOUPLING] * 5
    )
    assert list(out["conceded"]) == [False] * 2 + [True] * 8
    assert list(out["us_strategy"])[2:] == ["open"] * 8
    assert list(out["cn_strategy"])[2:] == ["supply"] * 8
    assert out["cn_intensity"].iloc[2:].eq(0.0).all()
    assert list(path["regime"])[2] is R.STALEMATE  # input table untouched


def test_self_sufficiency_stops_the_clock():
    us = [0.8, 0.5, 0.2, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]  # self-sufficient from 2029
    path = classify(_dep(YEARS, us, 0.6), _play(YEARS, 1, 1), threshold=0.95)
    out, concession = apply_tolerance(path, _dep(YEARS, 40.0, 10.0),
                                      {"US": 150.0, "CN": 1000.0}, TRADE)
    assert concession is None  # US stops at 120 < 150; China at 100 < 1000
    assert out.equals(path)
    assert main_window(out) == Window("US", 2029, 2035, 7)


def test_same_year_the_side_further_past_its_tolerance_concedes():
    path = classify(_dep(YEARS, 0.5, 0.5), _play(YEARS, 1, 1), threshold=0.95)
    _, concession = apply_tolerance(path, _dep(YEARS, 40.0, 30.0), {"US": 100.0, "CN": 70.0},
                                    TRADE)
    # 2028: US 120 / 100 = 1.2, China 90 / 70 = 1.29 -> China.
    assert concession == Concession("CN", 2028, 90.0, 70.0)


def test_one_sided_restriction_only_hurts_the_target_clock():
    path = classify(_dep(YEARS, 0.5, 0.5), _play(YEARS, 1, 0), threshold=0.95)
    _, concession = apply_tolerance(path, _dep(YEARS, 1000.0, 25.0), {"US": 1.0, "CN": 60.0},
                                    TRADE)
    assert concession == Concession("CN", 2028, 75.0, 60.0)  # US is never restricted against


def test_solve_path_hand_game():
    # Stage game with HAND: US controls iff d_cn > 0.28 (vs supply), > 0.4 (vs restrict);
    # China restricts iff d_us > 0.15 (vs open), > 0.45 (vs control).
    years = range(2026, 2034)
    dep = _dep(years, [0.8, 0.6, 0.4, 0.2, 0.04, 0.0, 0.0, 0.0], 0.9)
    gp = solve_path(HAND, dep)
    assert gp.concession is None
    assert list(gp.path["regime"]) == (
        [R.STALEMATE] * 2 + [R.COERCION] * 2 + [R.ASYMMETRIC_DECOUPLING] * 4
    )
    assert list(gp.path["us_strategy"]) == ["control"] * 8
    assert list(gp.path["cn_strategy"]) == ["restrict"] * 2 + ["supply"] * 6
    assert gp.windows == (Window("US", 2030, 2033, 4),)
    assert gp.main_window == Window("US", 2030, 2033, 4)
    a, b = gp.matrices[2026]
    assert a.tolist() == [[10.0, 10.0 - 32.0], [-4.0 + 45.0, -4.0 + 45.0 - 32.0 - 6.0]]
    assert b.tolist() == [[2.0, -1.0 + 16.0], [2.0 - 90.0, -1.0 + 16.0 - 90.0 - 6.0]]
    # Losses against trade (A[0,0] = 10, B[0,0] = 2): 2026 US 10 - 3, China 2 + 81.
    assert gp.losses.loc[2026].tolist() == pytest.approx([7.0, 83.0])
    assert gp.losses.loc[2027].tolist() == pytest.approx([0.0, 87.0])
    assert gp.losses.loc[2028].tolist() == pytest.approx([0.0, 90.0])
    table = gp.equilibria_table()
    assert table.index.names == ["year", "equilibrium"]
    assert table.loc[(2026, 0), "play"] == "control / restrict"
    assert bool(table["selected"].groupby(level="year").sum().eq(1).all())


def test_solve_path_china_concedes():
    years = range(2026, 2034)
    dep = _dep(years, [0.8, 0.6, 0.4, 0.2, 0.04, 0.0, 0.0, 0.0], 0.9)
    gp = solve_path(HAND.with_overrides(cn_tolerance=200.0), dep)
    # China's confrontation losses 83, 87, 90: cumulative 260 > 200 in 2028.
    assert gp.concession == Concession("CN", 2028, pytest.approx(260.0), 200.0)
    assert list(gp.path["regime"]) == (
        [R.STALEMATE] * 2 + [R.RETURN_TO_TRADE] * 2 + [R.ASYMMETRIC_DECOUPLING] * 4
    )
    assert list(gp.path["us_strategy"]) == ["control"] * 2 + ["open"] * 6
    assert gp.selected[2028].us.tolist() == [0.0, 1.0]  # stage pick kept, before concession


def test_solve_path_graded_defaults_runs_with_best_responses():
    params = GameParams.from_csv("data/game/payoffs.csv").with_overrides(
        us_strategies=US_GRADED, us_tolerance=math.inf, cn_tolerance=math.inf
    )
    years = range(2025, 2031)
    gp = solve_path(params, _dep(years, np.linspace(0.8, 0.3, 6), np.linspace(0.9, 0.6, 6)))
    assert len(gp.path) == 6
    for year in years:
        a, b = gp.matrices[year]
        e = gp.selected[year]
        assert e.us @ a @ e.cn == pytest.approx((a @ e.cn).max(), abs=1e-9)
        assert e.us @ b @ e.cn == pytest.approx((e.us @ b).max(), abs=1e-9)
    # Defaults at d_us = 0.8, d_cn = 0.9: China restricts, US targeted controls
    assert gp.path.loc[2025, "us_strategy"] == "targeted"
    assert gp.path.loc[2025, "regime"] is R.STALEMATE


def test_bad_dependence_reported():
    with pytest.raises(InputError, match=r"US dependence 1.5 in 2027 outside \[0, 1\]"):
        solve_path(HAND, _dep([2026, 2027], [0.5, 1.5], 0.5))
    with pytest.raises(InputError, match="column 'CN' missing"):
        solve_path(HAND, pd.DataFrame({"US": [0.5]}, index=[2026]))


def test_sanction_effectiveness_hand_value():
    p = HAND.with_overrides(discount_rate=0.1)
    dep = pd.Series([1.0, 0.5, 0.25], index=[2030, 2031, 2032])
    assert sanction_effectiveness(p, dep, "US") == pytest.approx(
        100 * 1.0 + 100 * 0.5 / 1.1 + 100 * 0.25 / 1.21
    )
    assert sanction_effectiveness(p, dep, "CN") == pytest.approx(
        40 * (1.0 + 0.5 / 1.1 + 0.25 / 1.21)
    )


def test_sanction_effectiveness_falls_with_faster_decoupling():
    p = GameParams.from_csv("data/game/payoffs.csv")
    years = np.arange(2026, 2041)
    values = []
    for speed in (0.02, 0.05, 0.1, 0.2):  # target's dependence falls this much per year
        dep = pd.Series(np.clip(0.9 - speed * (years - 2026), 0.0, 1.0), index=years)
        values.append(sanction_effectiveness(p, dep, "US"))
    assert all(later < earlier for earlier, later in zip(values, values[1:], strict=False))
    # Flat 0.9 dependence: 96.25 * 0.9 * sum of 15 discount factors at 5 %.
    flat = sanction_effectiveness(p, pd.Series(0.9, index=years), "US")
    annuity = sum(1.05**-k for k in range(15))
    assert flat == pytest.approx(96.25 * 0.9 * annuity)
    assert values[0] < flat
    with pytest.raises(ValueError, match="sender must be"):
        sanction_effectiveness(p, pd.Series(0.9, index=years), "EU")
