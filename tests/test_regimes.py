"""Regimes along a path, by hand: the seed paper's paths, concession, pinned years, the window,
and no contradictory labels on many generated paths."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from network.errors import InputError
from optimize.game.payoffs import CN, US, US_GRADED, GameParams, Stakes
from optimize.game.regimes import (
    INTENSITY_TOL,
    Pin,
    Regime,
    main_window,
    regime_of,
    sanction_effectiveness,
    solve_path,
    strategic_windows,
)

YEARS = list(range(2025, 2031))
P = GameParams(rent_share=0.5, escalation_cost=1.0)


def stakes(dep: float, value: float, exports: float) -> Stakes:
    """A target with one unit of demand, 1 - dep served in a cutoff, ``value`` USD bn lost per
    unit, and ``exports`` USD bn of the rival's exports at stake: L(1) = value x dep."""
    return Stakes(
        ("c",), np.array([1.0]), np.array([1.0 - dep]), np.array([value * 1e9]), 0.0, exports
    )


def run(
    us_dep, cn_dep, params=P, us_value=40.0, cn_value=100.0, us_exports=2.0, cn_exports=4.0, pins=()
):
    """A path: ``us_dep``/``cn_dep`` per year; the US stakes (what China's restriction does to
    it) carry China's exports, China's carry the US exports."""
    dep = pd.DataFrame({US: us_dep, CN: cn_dep}, index=pd.Index(YEARS, name="year"))
    st = {
        US: {t: stakes(d, us_value, us_exports) for t, d in zip(YEARS, us_dep, strict=True)},
        CN: {t: stakes(d, cn_value, cn_exports) for t, d in zip(YEARS, cn_dep, strict=True)},
    }
    return solve_path(params, dep, st, pins)


def regimes(game) -> list[str]:
    return [str(r) for r in game.path["regime"]]


def test_regime_of_each_label():
    both = {US: True, CN: True}
    assert regime_of(True, True, 1, 1, True, both) == (Regime.SYSTEMIC_DECOUPLING, "")
    assert regime_of(True, False, 1, 0, True, both) == (Regime.ASYMMETRIC_DECOUPLING, US)
    assert regime_of(False, True, 1, 1, True, both) == (Regime.ASYMMETRIC_DECOUPLING, CN)
    # the leader restricts but it does not pay: not the window
    assert regime_of(True, False, 1, 0, True, {US: False, CN: True}) == (Regime.COERCION, "")
    # the leader does not restrict: not the window either
    assert regime_of(True, False, 0, 0, True, both) == (Regime.RETURN_TO_TRADE, "")
    assert regime_of(False, False, 1, 1, True, both) == (Regime.STALEMATE, "")
    assert regime_of(False, False, 0.4, 1, False, both) == (Regime.CONTESTED, "")
    assert regime_of(False, False, 0, 1, True, both) == (Regime.COERCION, "")
    assert regime_of(False, False, 0, 0, True, both) == (Regime.RETURN_TO_TRADE, "")


def test_stalemate_then_us_window_then_systemic():
    # China: restrict gains 0.5 x 40 d_US - 2 - 1 (if the US controls) > 0 while d_US >= 0.15.
    # US: control gains 0.5 x 100 d_CN - 4 - 1 > 0 while d_CN >= 0.1.
    game = run([1.0, 0.8, 0.04, 0.0, 0.0, 0.0], [1.0, 1.0, 0.9, 0.5, 0.03, 0.0])
    assert regimes(game) == [
        "stalemate",
        "stalemate",
        "asymmetric decoupling",
        "asymmetric decoupling",
        "systemic decoupling",
        "systemic decoupling",
    ]
    assert game.path["leader"].tolist() == ["", "", US, US, "", ""]
    w = game.main_window
    assert (w.leader, w.start, w.end, w.years) == (US, 2027, 2028, 2)
    # in the window China supplies (its restriction no longer pays), the US controls
    assert game.path.loc[2027, ["us_strategy", "cn_strategy"]].tolist() == ["control", "supply"]
    assert bool(game.path.loc[2027, "us_restriction_pays"])
    assert game.parts.loc[2025, "us_damage"] == pytest.approx(40.0)
    assert game.parts.loc[2025, "cn_rent"] == pytest.approx(20.0)


def test_independent_leader_whose_restriction_does_not_pay_is_no_window():
    # The US is independent from 2027 but China is barely hurt by controls (d_CN 0.05 x 100:
    # rent 2.5 < its forgone exports 4): nobody restricts: return to trade, not a window.
    game = run([1.0, 1.0, 0.0, 0.0, 0.0, 0.0], [0.06] * 6)
    assert regimes(game)[2:] == ["return to trade"] * 4
    assert game.main_window is None


def test_china_leads_when_it_is_independent_first():
    game = run([1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [1.0, 0.5, 0.0, 0.0, 0.0, 0.0])
    assert regimes(game)[2:] == ["asymmetric decoupling"] * 4
    assert set(game.path["leader"].iloc[2:]) == {CN}
    assert game.path.loc[2027, ["us_strategy", "cn_strategy"]].tolist() == ["open", "restrict"]


def test_concession_ends_confrontation_and_a_window_can_follow():
    # China's stalemate loss against trade: -(0.5 x 40 - 2 - 100 - 1) = 83 a year at full
    # dependence; tolerance 100: 83 + 83 > 100 in 2026, China concedes, trade while both are
    # dependent; in 2029 the US is independent and its control pays: the window follows.
    # (The US gains in stalemate: 0.5 x 100 - 4 - 40 - 1 = 5 > 0, no loss on its clock.)
    params = P.with_overrides(cn_tolerance=100.0)
    game = run([1.0, 1.0, 1.0, 1.0, 0.0, 0.0], [1.0] * 6, params=params)
    c = game.concession
    assert (c.side, c.year) == (CN, 2026) and c.cumulative_loss == pytest.approx(166.0)
    assert regimes(game) == [
        "stalemate",
        "return to trade",
        "return to trade",
        "return to trade",
        "asymmetric decoupling",
        "asymmetric decoupling",
    ]
    assert game.path["conceded"].tolist() == [False, True, True, True, False, False]
    assert game.losses.loc[2026, CN] == 0.0  # trade played in the concession year


def test_the_side_further_past_its_tolerance_concedes():
    # With us_value 80: US stalemate loss 80 + 4 + 1 - 0.5 x 100 = 35 (35x its tolerance 1);
    # China's 100 + 2 + 1 - 0.5 x 80 = 63 (6.3x its tolerance 10): the US concedes.
    params = P.with_overrides(us_tolerance=1.0, cn_tolerance=10.0)
    game = run([1.0] * 6, [1.0] * 6, params=params, us_value=80.0)
    c = game.concession
    assert (c.side, c.year) == (US, 2025)


def test_pinned_truce_then_the_game_plays():
    truce = Pin((2026,), "open", "supply", "truce")
    game = run([1.0] * 6, [1.0] * 6, pins=(truce,))
    assert regimes(game) == ["stalemate", "return to trade"] + ["stalemate"] * 4
    assert game.path["pinned"].tolist() == [False, True, False, False, False, False]
    # the stage game's pick is kept beside the pinned play
    assert game.selected[2026].describe((game.us_labels, game.cn_labels)) == "control / restrict"
    assert game.restriction_probability().loc[2026].tolist() == [0.0, 0.0]


def test_chicken_picks_a_pure_equilibrium_and_labels_it_coercion():
    # Escalation 60 makes restricting against a restricting rival a loss for both: chicken.
    # Two pure equilibria, one mixed; neither pure one dominates, the risk products tie, so
    # the first in order (the US open, China restricting) drives the path.
    params = GameParams(rent_share=0.5, escalation_cost=60.0)
    game = run(
        [1.0] * 6,
        [1.0] * 6,
        params=params,
        us_value=40.0,
        cn_value=40.0,
        us_exports=0.0,
        cn_exports=0.0,
    )
    eqs = game.equilibria[2025]
    assert len(eqs) == 3 and sum(not e.pure for e in eqs) == 1
    assert game.selected[2025] is eqs[0]
    assert game.path.loc[2025, ["us_strategy", "cn_strategy"]].tolist() == ["open", "restrict"]
    assert regimes(game) == ["coercion"] * 6


def test_windows_need_consecutive_years_and_one_leader():
    path = pd.DataFrame(
        {
            "regime": [Regime.ASYMMETRIC_DECOUPLING] * 3
            + [Regime.STALEMATE]
            + [Regime.ASYMMETRIC_DECOUPLING] * 2,
            "leader": [US, US, CN, "", CN, CN],
        },
        index=pd.Index(YEARS, name="year"),
    )
    ws = strategic_windows(path)
    assert [(w.leader, w.start, w.end) for w in ws] == [
        (US, 2025, 2026),
        (CN, 2027, 2027),
        (CN, 2029, 2030),
    ]
    assert (main_window(path).leader, main_window(path).start) == (US, 2025)
    assert str(ws[0]) == "US leads 2025-2026 (2 years)"


def test_no_contradictory_labels_on_many_generated_paths():
    rng = np.random.default_rng(7)
    seen = set()
    for k in range(300):
        us_dep = np.clip(np.sort(rng.uniform(-0.3, 1.0, 6))[::-1], 0, 1)
        cn_dep = np.clip(np.sort(rng.uniform(-0.3, 1.0, 6))[::-1], 0, 1)
        params = GameParams(
            rent_share=float(rng.uniform(0, 1)),
            escalation_cost=float(rng.uniform(0, 30)),
            export_loss_share=float(rng.uniform(0, 2)),
            us_tolerance=float(rng.choice([np.inf, rng.uniform(5, 200)])),
            cn_tolerance=float(rng.choice([np.inf, rng.uniform(5, 200)])),
            us_strategies=US_GRADED if k % 3 == 0 else GameParams().us_strategies,
        )
        pins = (
            (
                Pin(
                    (int(rng.integers(2025, 2031)),),
                    "none" if k % 3 == 0 else "open",
                    "supply",
                    "truce",
                ),
            )
            if k % 4 == 0
            else ()
        )
        game = run(
            us_dep,
            cn_dep,
            params,
            us_value=float(rng.uniform(0, 100)),
            cn_value=float(rng.uniform(0, 100)),
            us_exports=float(rng.uniform(0, 20)),
            cn_exports=float(rng.uniform(0, 20)),
            pins=pins,
        )
        for _year, r in game.path.iterrows():
            on_us, on_cn = r.us_intensity > INTENSITY_TOL, r.cn_intensity > INTENSITY_TOL
            regime = r.regime
            seen.add(regime)
            assert (regime is Regime.SYSTEMIC_DECOUPLING) == bool(
                r.us_independent and r.cn_independent
            )
            assert (r.leader != "") == (regime is Regime.ASYMMETRIC_DECOUPLING)
            if regime is Regime.ASYMMETRIC_DECOUPLING:
                lead = r.leader.lower()
                lag = "cn" if lead == "us" else "us"
                assert r[f"{lead}_independent"] and not r[f"{lag}_independent"]
                assert r[f"{lead}_intensity"] > INTENSITY_TOL and r[f"{lead}_restriction_pays"]
            if regime is Regime.STALEMATE:
                assert on_us and on_cn and r.pure
            if regime is Regime.RETURN_TO_TRADE:
                assert not on_us and not on_cn
            if regime is Regime.COERCION:
                assert on_us != on_cn and r.pure
            if regime is Regime.CONTESTED:
                assert not r.pure
            if r.conceded:
                assert not on_us and not on_cn and not r.pinned
                assert not (r.us_independent or r.cn_independent)
            if r.pinned:
                assert not r.conceded
        for w in game.windows:
            block = game.path.loc[w.start : w.end]
            assert (block["regime"] == Regime.ASYMMETRIC_DECOUPLING).all()
            assert (block["leader"] == w.leader).all()
    assert {
        Regime.STALEMATE,
        Regime.RETURN_TO_TRADE,
        Regime.ASYMMETRIC_DECOUPLING,
        Regime.SYSTEMIC_DECOUPLING,
        Regime.COERCION,
    } <= seen


def test_sanction_effectiveness_hand_value():
    st = {2025: stakes(1.0, 10.0, 0.0), 2026: stakes(0.5, 10.0, 0.0)}
    p = GameParams(discount_rate=0.05)
    assert sanction_effectiveness(p, st, CN) == pytest.approx(10.0 + 5.0 / 1.05)
    with pytest.raises(ValueError, match="sender"):
        sanction_effectiveness(p, st, "EU")


def test_bad_dependence_reported():
    dep = pd.DataFrame({US: [1.2], CN: [0.5]}, index=[2025])
    with pytest.raises(InputError, match="outside"):
        solve_path(P, dep, {US: {2025: stakes(1, 1, 1)}, CN: {2025: stakes(1, 1, 1)}})
    with pytest.raises(InputError, match="column 'CN' missing"):
        solve_path(P, pd.DataFrame({US: [0.5]}, index=[2025]), {})
