"""Nash equilibria of a bimatrix game (A, B), through Gambit, and a selection rule.

A pair of mixed strategies (x, y) is a Nash equilibrium when

    x^T A y >= max_i (A y)_i     and     x^T B y >= max_j (x^T B)_j,

i.e. every pure strategy played with positive probability is a best response.

The equilibria come from Gambit 16 (pygambit, ``gambit.nash.enummixed_solve``): mixed-strategy
enumeration finds every *extreme* equilibrium of a two-player game, degenerate games included
(there equilibria form convex components and each extreme point is listed once; Avis,
Rosenberg, Savani and von Stengel 2010). We call it in exact rational arithmetic on payoffs
rounded to 1e-9 (of a USD bn: one dollar), so degenerate games (ties, a continuum of
equilibria) are not at the mercy of floating-point noise. Every profile Gambit returns is
checked here as a mutual best response (``is_equilibrium``), snapped (|p| < 1e-9 -> 0,
renormalised), deduplicated and sorted: pure equilibria first, then by descending
probabilities of the US strategies in order, then of China's.

nashpy stays in the tests as an independent cross-check (its vertex enumeration agrees on
nondegenerate games).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pygambit as gbt

TOL = 1e-9  # on probabilities


@dataclass(frozen=True, eq=False)
class Equilibrium:
    """One Nash equilibrium: mixed strategies (probability vectors) and expected payoffs."""

    us: np.ndarray  # probabilities over the US strategies (rows)
    cn: np.ndarray  # probabilities over China's strategies (columns)
    us_payoff: float  # x^T A y, USD bn
    cn_payoff: float  # x^T B y, USD bn

    @property
    def pure(self) -> bool:
        """True when each side plays one strategy with probability 1."""
        return bool(np.isclose(self.us.max(), 1.0) and np.isclose(self.cn.max(), 1.0))

    def describe(self, labels: tuple[Sequence[str], Sequence[str]]) -> str:
        """Short text, given ``(us_labels, cn_labels)``.

        >>> e = Equilibrium(np.array([0.4, 0.6]), np.array([0.0, 1.0]), 0.0, 0.0)
        >>> e.describe((["open", "control"], ["supply", "restrict"]))
        'mixed: open 0.40, control 0.60 / restrict'
        """
        us_labels, cn_labels = labels
        text = f"{strategy_text(self.us, us_labels)} / {strategy_text(self.cn, cn_labels)}"
        return text if self.pure else f"mixed: {text}"

    def expected_intensity(
        self, us_intensity: Sequence[float], cn_intensity: Sequence[float]
    ) -> tuple[float, float]:
        """Expected restriction intensity of each side under this equilibrium."""
        return float(self.us @ np.asarray(us_intensity)), float(self.cn @ np.asarray(cn_intensity))


def strategy_text(p: np.ndarray, labels: Sequence[str]) -> str:
    """One side's play: its strategy's label if pure, else 'label prob, ...' over the support.

    >>> strategy_text(np.array([0.25, 0.0, 0.75]), ["none", "targeted", "broad"])
    'none 0.25, broad 0.75'
    """
    support = [k for k in range(len(p)) if p[k] > TOL]
    if len(support) == 1:
        return str(labels[support[0]])
    return ", ".join(f"{labels[k]} {p[k]:.2f}" for k in support)


def is_equilibrium(
    a: np.ndarray, b: np.ndarray, x: np.ndarray, y: np.ndarray, tol: float = 1e-7
) -> bool:
    """Whether (x, y) are probability vectors and mutual best responses within ``tol``.

    ``tol`` is relative to the payoff range of each matrix (absolute on probabilities).

    >>> a = np.array([[3.0, 0.0], [5.0, 1.0]])  # prisoner's dilemma, row = defect second
    >>> is_equilibrium(a, a.T, np.array([0.0, 1.0]), np.array([0.0, 1.0]))
    True
    """
    a, b = np.asarray(a, float), np.asarray(b, float)
    x, y = np.asarray(x, float), np.asarray(y, float)
    if x.shape != (a.shape[0],) or y.shape != (a.shape[1],):
        return False
    if x.min() < -tol or y.min() < -tol or abs(x.sum() - 1) > tol or abs(y.sum() - 1) > tol:
        return False
    scale_a = max(float(np.ptp(a)), 1.0)
    scale_b = max(float(np.ptp(b)), 1.0)
    row_values, col_values = a @ y, x @ b
    return bool(
        x @ row_values >= row_values.max() - tol * scale_a
        and col_values @ y >= col_values.max() - tol * scale_b
    )


def equilibria(a: np.ndarray, b: np.ndarray) -> list[Equilibrium]:
    """All extreme Nash equilibria of (A, B) from Gambit's enummixed, verified and sorted.

    >>> a = np.array([[0.0, -1.0], [1.0, -10.0]])  # chicken: row 0 = swerve
    >>> for e in equilibria(a, a.T):
    ...     print(e.describe((["swerve", "straight"],) * 2))
    swerve / straight
    straight / swerve
    mixed: swerve 0.90, straight 0.10 / swerve 0.90, straight 0.10
    """
    a, b = np.asarray(a, float), np.asarray(b, float)
    if a.ndim != 2 or a.shape != b.shape or a.size == 0:
        raise ValueError(f"A and B must be non-empty matrices of one shape: {a.shape}, {b.shape}")
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        raise ValueError("payoffs must be finite")
    found: list[np.ndarray] = []  # each (x, y) stacked as one vector
    for x, y in _gambit_profiles(a, b):
        x, y = _snap(x), _snap(y)
        if x is not None and y is not None and is_equilibrium(a, b, x, y):
            found.append(np.r_[x, y])
    if not found:  # cannot happen for a finite game; a guard against a library fault
        raise RuntimeError(
            f"Gambit returned no verified equilibrium for A={a.tolist()}, B={b.tolist()}"
        )
    m = a.shape[0]
    unique = _unique_rows(np.array(found), 1e-7)
    eqs = [
        Equilibrium(
            _frozen(v[:m]), _frozen(v[m:]), float(v[:m] @ a @ v[m:]), float(v[:m] @ b @ v[m:])
        )
        for v in unique
    ]
    return sorted(eqs, key=_order)


def _exact(v: float) -> Fraction:
    """A payoff as an exact rational, rounded to 1e-9."""
    return Fraction(round(float(v) * 1e9)) / 10**9


def _gambit_profiles(a: np.ndarray, b: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Every extreme equilibrium from ``enummixed_solve`` (rational), as float vectors."""
    m, n = a.shape
    game = gbt.Game.new_table([m, n])
    us, cn = game.players
    for i in range(m):
        for j in range(n):
            game[i, j][us] = _exact(a[i, j])
            game[i, j][cn] = _exact(b[i, j])
    result = gbt.nash.enummixed_solve(game, rational=True)
    return [
        (np.array([float(p) for _, p in eq[us]]), np.array([float(p) for _, p in eq[cn]]))
        for eq in result.equilibria
    ]


def _order(e: Equilibrium) -> tuple:
    return (not e.pure, tuple(-np.round(e.us, 9)), tuple(-np.round(e.cn, 9)))


def _frozen(v: np.ndarray) -> np.ndarray:
    v = np.array(v, dtype=float)
    v.setflags(write=False)
    return v


def _snap(v: np.ndarray) -> np.ndarray | None:
    """Zero tiny and negative-noise entries and renormalise; None if not a distribution."""
    v = np.asarray(v, float)
    if not np.isfinite(v).all():
        return None
    v = np.where(np.abs(v) < TOL, 0.0, v)
    total = v.sum()
    if total <= TOL or v.min() < 0:
        return None
    return v / total


def _unique_rows(rows: np.ndarray, tol: float) -> np.ndarray:
    """The rows of a 2-D array, each kept once: the first of any group within ``tol`` (max-norm)."""
    keep: list[int] = []
    for i in range(len(rows)):
        if not keep or np.abs(rows[keep] - rows[i]).max(axis=1).min() > tol:
            keep.append(i)
    return rows[keep]


def _dominates(e: Equilibrium, f: Equilibrium, tol: float) -> bool:
    """e weakly Pareto-dominates f with at least one strict gain."""
    ge = e.us_payoff >= f.us_payoff - tol and e.cn_payoff >= f.cn_payoff - tol
    gt = e.us_payoff > f.us_payoff + tol or e.cn_payoff > f.cn_payoff + tol
    return ge and gt


def _deviation_product(a: np.ndarray, b: np.ndarray, e: Equilibrium, f: Equilibrium) -> float:
    """Harsanyi-Selten risk measure of pure e against pure f, on the 2x2 game they span.

    With e = (i, j) and f = (k, l): (A[i, j] - A[k, j]) * (B[i, j] - B[i, l]), the product of
    the losses from deviating to f's strategy while the other keeps e's.
    """
    i, j = int(np.argmax(e.us)), int(np.argmax(e.cn))
    k, l_ = int(np.argmax(f.us)), int(np.argmax(f.cn))
    return float((a[i, j] - a[k, j]) * (b[i, j] - b[i, l_]))


def select(
    eqs: Sequence[Equilibrium], a: np.ndarray | None = None, b: np.ndarray | None = None
) -> Equilibrium:
    """Pick one equilibrium, deterministically, to drive the path.

    1. Payoff dominance: the equilibrium that weakly Pareto-dominates every other one (both
       payoffs >=, at least one >, tolerance 1e-9 x payoff range) when there is one.
    2. Risk dominance (Harsanyi-Selten) among the pure equilibria, needs (A, B): pure e beats
       pure f when its deviation-loss product against f exceeds f's against e; the pure
       equilibrium that beats every other pure one is chosen when there is one.
    3. Otherwise the first equilibrium in the sorted order of :func:`equilibria`.

    >>> a = np.array([[4.0, 0.0], [3.0, 3.0]])  # stag hunt: (0,0) payoff-dominant
    >>> select(equilibria(a, a.T)).us.tolist()
    [1.0, 0.0]
    """
    if not eqs:
        raise ValueError("no equilibria to select from")
    if len(eqs) == 1:
        return eqs[0]
    span = max(max(abs(e.us_payoff), abs(e.cn_payoff)) for e in eqs)
    tol = 1e-9 * max(span, 1.0)
    for e in eqs:
        if all(_dominates(e, f, tol) for f in eqs if f is not e):
            return e
    if a is not None and b is not None:
        a, b = np.asarray(a, float), np.asarray(b, float)
        pure = [e for e in eqs if e.pure]
        rtol = 1e-9 * max(float(np.ptp(a)) * float(np.ptp(b)), 1.0)
        for e in pure:
            if len(pure) > 1 and all(
                _deviation_product(a, b, e, f) > _deviation_product(a, b, f, e) + rtol
                for f in pure
                if f is not e
            ):
                return e
    return eqs[0]
