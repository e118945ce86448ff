"""Nash equilibria through Gambit (pygambit enummixed) on games with known answers, degenerate
games, and random games cross-checked against nashpy."""

from __future__ import annotations

import warnings

import nashpy
import numpy as np
import pytest

from optimize.game.equilibria import Equilibrium, equilibria, is_equilibrium, select
from optimize.game.payoffs import CN_GRADED, US_GRADED, GameParams, Stakes, payoff_matrices


def _nashpy(a: np.ndarray, b: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """nashpy's vertex enumeration (right on nondegenerate games)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return list(nashpy.Game(a, b).vertex_enumeration())


def _same_as_nashpy(eqs: list[Equilibrium], a: np.ndarray, b: np.ndarray) -> None:
    ref = _nashpy(a, b)
    assert len(ref) == len(eqs)
    for x, y in ref:
        assert (
            sum(np.allclose(x, e.us, atol=1e-7) and np.allclose(y, e.cn, atol=1e-7) for e in eqs)
            == 1
        )


def _pairs(eqs: list[Equilibrium]) -> list[tuple[list[float], list[float]]]:
    return [(e.us.tolist(), e.cn.tolist()) for e in eqs]


def test_prisoners_dilemma_unique_pure():
    a = np.array([[3.0, 0.0], [5.0, 1.0]])  # row 0 = cooperate
    eqs = equilibria(a, a.T)
    assert _pairs(eqs) == [([0.0, 1.0], [0.0, 1.0])]
    assert eqs[0].pure
    assert (eqs[0].us_payoff, eqs[0].cn_payoff) == (1.0, 1.0)
    assert eqs[0].describe((["C", "D"], ["C", "D"])) == "D / D"
    _same_as_nashpy(eqs, a, a.T)


def test_chicken_two_pure_and_exact_mixed():
    a = np.array([[0.0, -1.0], [1.0, -10.0]])  # row 0 = swerve
    eqs = equilibria(a, a.T)
    assert len(eqs) == 3
    assert _pairs(eqs[:2]) == [([1.0, 0.0], [0.0, 1.0]), ([0.0, 1.0], [1.0, 0.0])]
    mixed = eqs[2]
    assert not mixed.pure
    # swerve with q: q - 1 = 11 q - 10  ->  q = 0.9
    assert mixed.us == pytest.approx([0.9, 0.1], abs=1e-12)
    assert mixed.cn == pytest.approx([0.9, 0.1], abs=1e-12)
    assert mixed.us_payoff == pytest.approx(-0.1, abs=1e-12)
    assert mixed.describe((["s", "t"], ["s", "t"])) == "mixed: s 0.90, t 0.10 / s 0.90, t 0.10"
    _same_as_nashpy(eqs, a, a.T)


def test_chicken_asymmetric_mixed_probabilities():
    a = np.array([[0.0, -1.0], [2.0, -4.0]])
    b = np.array([[0.0, 3.0], [-1.0, -6.0]])
    (mixed,) = [e for e in equilibria(a, b) if not e.pure]
    # US indifferent between rows: q - 1 = 2q - 4(1 - q) -> q = 3/5
    assert mixed.cn == pytest.approx([3 / 5, 2 / 5], abs=1e-12)
    # CN indifferent between columns: -(1 - p) = 3p - 6(1 - p) -> p = 5/8
    assert mixed.us == pytest.approx([5 / 8, 3 / 8], abs=1e-12)


def test_matching_pennies_unique_mixed():
    a = np.array([[1.0, -1.0], [-1.0, 1.0]])
    eqs = equilibria(a, -a)
    assert len(eqs) == 1
    assert eqs[0].us == pytest.approx([0.5, 0.5], abs=1e-12)
    assert eqs[0].cn == pytest.approx([0.5, 0.5], abs=1e-12)
    assert eqs[0].us_payoff == pytest.approx(0.0, abs=1e-12)


def test_degenerate_2x2_all_extreme_points():
    # Row 0 strictly dominant; the column player is indifferent against it: the equilibria are
    # (row 0, any y), with extreme points y = (1, 0) and y = (0, 1).
    a = np.array([[1.0, 1.0], [0.0, 0.0]])
    eqs = equilibria(a, a.copy())
    assert _pairs(eqs) == [([1.0, 0.0], [1.0, 0.0]), ([1.0, 0.0], [0.0, 1.0])]


def test_degenerate_3x2_all_extreme_equilibria():
    # von Stengel's degenerate example: row 0 makes the column player indifferent.
    a = np.array([[3.0, 3.0], [2.0, 5.0], [0.0, 6.0]])
    b = np.array([[3.0, 3.0], [2.0, 6.0], [3.0, 1.0]])
    eqs = equilibria(a, b)
    # Component {(row 0, (q, 1 - q)) : 2/3 <= q <= 1} has two extreme points, plus one isolated.
    assert len(eqs) == 3
    assert _pairs(eqs[:1]) == [([1.0, 0.0, 0.0], [1.0, 0.0])]
    assert eqs[1].us.tolist() == [1.0, 0.0, 0.0]
    assert eqs[1].cn == pytest.approx([2 / 3, 1 / 3], abs=1e-12)
    assert eqs[2].us == pytest.approx([0.0, 1 / 3, 2 / 3], abs=1e-12)
    assert eqs[2].cn == pytest.approx([1 / 3, 2 / 3], abs=1e-12)
    assert all(is_equilibrium(a, b, e.us, e.cn) for e in eqs)
    # nashpy's vertex enumeration on this degenerate game: every profile it returns is one of
    # ours (it may list an extreme point more than once or miss one; Gambit's list is complete)
    for x, y in _nashpy(a, b):
        if is_equilibrium(a, b, x, y):
            assert any(
                np.allclose(x, e.us, atol=1e-7) and np.allclose(y, e.cn, atol=1e-7) for e in eqs
            )


def test_constant_game_every_pure_profile():
    eqs = equilibria(np.zeros((2, 3)), np.zeros((2, 3)))
    assert len(eqs) == 6
    assert all(e.pure for e in eqs)
    assert len({(int(e.us.argmax()), int(e.cn.argmax())) for e in eqs}) == 6


def test_tied_rows_degenerate_no_duplicates():
    # Two identical US rows: every equilibrium exists twice over, as extreme points.
    a = np.array([[2.0, 0.0], [2.0, 0.0], [0.0, 1.0]])
    b = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 2.0]])
    eqs = equilibria(a, b)
    keys = [tuple(np.round(np.r_[e.us, e.cn], 9)) for e in eqs]
    assert len(keys) == len(set(keys))
    assert all(is_equilibrium(a, b, e.us, e.cn) for e in eqs)
    pure = sorted((int(e.us.argmax()), int(e.cn.argmax())) for e in eqs if e.pure)
    assert pure == [(0, 0), (1, 0), (2, 1)]
    # Mixed: y = (1/3, 2/3) makes rows {0 or 1} and 2 indifferent; x puts 2/3 on row 0 or 1.
    mixed = [e for e in eqs if not e.pure]
    assert len(mixed) == 2
    for e in mixed:
        assert e.cn == pytest.approx([1 / 3, 2 / 3], abs=1e-12)
        assert e.us[2] == pytest.approx(1 / 3, abs=1e-12)


def test_zero_probability_rounding_kept():
    # A 2x3 game where solving the indifference system gives -3.5e-17 for the unused column;
    # nashpy 0.0.43's support enumeration drops this equilibrium, ours must not.
    a = np.array([[-1.95147385, -0.15841289, -0.73128487], [0.40969536, 0.44244174, -0.92786269]])
    b = np.array([[-0.93316795, -1.47003716, -0.78768929], [0.31941439, 0.85727037, 0.22879972]])
    eqs = equilibria(a, b)
    assert len(eqs) == 3
    assert eqs[2].cn[0] == 0.0
    assert eqs[2].cn[1] == pytest.approx(0.246513444, abs=1e-8)
    _same_as_nashpy(eqs, a, b)


def test_random_nondegenerate_games_agree_with_nashpy():
    rng = np.random.default_rng(20240611)
    shapes = [(2, 2), (2, 3), (3, 2), (3, 3), (4, 3), (3, 4), (4, 2)]
    total = 0
    for k in range(140):
        m, n = shapes[k % len(shapes)]
        a, b = rng.normal(size=(m, n)), rng.normal(size=(m, n))
        eqs = equilibria(a, b)
        assert len(eqs) % 2 == 1  # nondegenerate games have an odd number of equilibria
        _same_as_nashpy(eqs, a, b)
        for e in eqs:
            assert is_equilibrium(a, b, e.us, e.cn, tol=1e-9)
            assert e.us_payoff == pytest.approx(float(e.us @ a @ e.cn), abs=1e-12)
        total += len(eqs)
    assert total > 140  # some games have several equilibria


def _stakes(demand: float, served: float, exports: float = 0.0) -> Stakes:
    return Stakes(("c",), np.array([demand]), np.array([served]), np.array([1e9]), 0.0, exports)


def test_graded_3x2_best_responses():
    p = GameParams.from_csv("data/game/payoffs.csv").with_overrides(us_strategies=US_GRADED)
    for us, cn in [(8.0, 9.0), (3.0, 7.0), (6.0, 5.0), (0.5, 9.5)]:
        a, b = payoff_matrices(p, _stakes(10.0, 10.0 - us, 1.0), _stakes(10.0, 10.0 - cn, 4.0))
        assert a.shape == (3, 2)
        eqs = equilibria(a, b)
        assert eqs
        for e in eqs:
            row, col = a @ e.cn, e.us @ b
            assert e.us @ row == pytest.approx(row.max(), abs=1e-9)
            assert col @ e.cn == pytest.approx(col.max(), abs=1e-9)
            assert row[e.us > 0] == pytest.approx(row.max(), abs=1e-9)
            assert col[e.cn > 0] == pytest.approx(col.max(), abs=1e-9)


def test_graded_3x3_linear_intensity_degenerate_still_verified():
    # Nothing served in a cutoff: damage and own cost are linear in the intensity, so the
    # middle strategy is the average of the extremes: a degenerate game.
    p = GameParams.from_csv("data/game/payoffs.csv").with_overrides(
        us_strategies=US_GRADED, cn_strategies=CN_GRADED
    )
    a, b = payoff_matrices(p, _stakes(10.0, 0.0, 2.0), _stakes(10.0, 0.0, 2.0))
    assert a[1].tolist() == pytest.approx(((a[0] + a[2]) / 2).tolist())
    eqs = equilibria(a, b)
    assert eqs
    assert all(is_equilibrium(a, b, e.us, e.cn) for e in eqs)


def test_select_rules():
    stag = np.array([[4.0, 0.0], [3.0, 3.0]])
    eqs = equilibria(stag, stag.T)
    assert len(eqs) == 3
    assert select(eqs).us.tolist() == [1.0, 0.0]  # payoff-dominant (4, 4)
    risky = np.array([[4.0, -10.0], [3.0, 3.0]])
    eqs = equilibria(risky, risky.T)
    # (stag, stag) pays (4, 4) > (3, 3): still payoff-dominant, risk ignored.
    assert select(eqs, risky, risky.T).us.tolist() == [1.0, 0.0]
    # Battle of the sexes variant: no payoff dominance; (0, 0) deviation product (3-0)*(2-0)=6
    # vs (1, 1) product (2-0)*(3-0)=6 -> tie -> first in order; skew it to break the tie.
    a = np.array([[3.0, 0.0], [0.0, 2.0]])
    b = np.array([[2.0, 0.0], [0.0, 3.0]])
    eqs = equilibria(a, b)
    assert select(eqs, a, b) is eqs[0]
    b2 = np.array([[2.0, 0.0], [0.0, 4.0]])
    eqs2 = equilibria(a, b2)
    pick = select(eqs2, a, b2)  # (1, 1): 2*4 = 8 > (0, 0): 3*2 = 6
    assert (pick.us.tolist(), pick.cn.tolist()) == ([0.0, 1.0], [0.0, 1.0])
    assert select(eqs2) is eqs2[0]  # without matrices: first in order


def test_bad_input():
    with pytest.raises(ValueError, match="finite"):
        equilibria(np.array([[np.nan]]), np.zeros((1, 1)))
    with pytest.raises(ValueError, match="one shape"):
        equilibria(np.zeros((2, 2)), np.zeros((2, 3)))
    with pytest.raises(ValueError, match="no equilibria"):
        select([])
