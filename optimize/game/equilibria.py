"""Nash equilibria of a bimatrix game (A, B): all extreme equilibria, and a selection rule.

A pair of mixed strategies (x, y) is a Nash equilibrium when

    x^T A y >= max_i (A y)_i     and     x^T B y >= max_j (x^T B)_j,

i.e. every pure strategy played with positive probability is a best response.

Default method, ``"vertex"`` (complete, also on degenerate games). With payoffs rescaled to
A', B' in [1, 2] (a positive affine map, which leaves the equilibria unchanged), take the
best-response polytopes

    P = {x in R^m : x >= 0, B'^T x <= 1}        Q = {y in R^n : A' y <= 1, y >= 0}

and label a point by the constraints binding at it: label i (row i) when x_i = 0 in P or
(A' y)_i = 1 in Q, label m + j (column j) when (B'^T x)_j = 1 in P or y_j = 0 in Q. The
extreme Nash equilibria are exactly the completely labelled vertex pairs (x, y) != (0, 0),
normalised to sum 1 (Avis, Rosenberg, Savani and von Stengel 2010, the lrsnash method). This
holds for degenerate games too, where vertices carry extra labels and equilibria come in
convex components: the function returns every extreme point of every component once. The
vertices are enumerated directly: every choice of d linearly independent binding
constraints in d dimensions is solved and kept when feasible. That is C(m + n, m) small solves
per polytope, fine for the games here (a handful of strategies per side).

Cross-check methods: ``"support"``, our support enumeration over equal-size supports
(I, J): solve A[I, J] y_J = v 1, sum y_J = 1 and x_I^T B[I, J] = u 1^T, sum x_I = 1, keep
x, y >= 0 within tolerance; complete on nondegenerate games only. (nashpy 0.0.43's support
enumeration tests ``prob >= 0`` exactly and drops equilibria whose zero entries come out as
-1e-17, so it is not used.) ``"lemke"``, nashpy's Lemke-Howson from every initial label: a
subset of the equilibria, on nondegenerate games. Whatever the method, every candidate is verified
as a mutual best response within tolerance, snapped (|p| < tol -> 0, renormalised),
deduplicated, and sorted: pure equilibria first, then by descending probabilities of the
US strategies in order, then of China's.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

import nashpy
import numpy as np

METHODS = ("vertex", "support", "lemke")
TOL = 1e-9  # on probabilities and on payoffs rescaled to [1, 2]


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

    def expected_intensity(self, us_intensity: Sequence[float],
                           cn_intensity: Sequence[float]) -> tuple[float, float]:
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


def is_equilibrium(a: np.ndarray, b: np.ndarray, x: np.ndarray, y: np.ndarray,
                   tol: float = 1e-7) -> bool:
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
    return bool(x @ row_values >= row_values.max() - tol * scale_a
                and col_values @ y >= col_values.max() - tol * scale_b)


def equilibria(a: np.ndarray, b: np.ndarray, method: str = "vertex") -> list[Equilibrium]:
    """All extreme Nash equilibria of (A, B), deduplicated, verified and sorted (see module).

    ``method`` is ``"vertex"`` (default; complete on every game), ``"support"`` or
    ``"lemke"`` (for cross-checks; see the module docstring for their limits).

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
    if method == "vertex":
        candidates = _vertex_candidates(a, b)
    elif method == "support":
        candidates = _support_candidates(a, b)
    elif method == "lemke":
        candidates = _lemke_candidates(a, b)
    else:
        raise ValueError(f"unknown method {method!r}; use one of {METHODS}")
    found: list[np.ndarray] = []  # each (x, y) stacked as one vector
    for x, y in candidates:
        x, y = _snap(x), _snap(y)
        if x is not None and y is not None and is_equilibrium(a, b, x, y):
            found.append(np.r_[x, y])
    m = a.shape[0]
    unique = _unique_rows(np.array(found).reshape(len(found), sum(a.shape)), 1e-7)
    eqs = [Equilibrium(_frozen(v[:m]), _frozen(v[m:]), float(v[:m] @ a @ v[m:]),
                       float(v[:m] @ b @ v[m:])) for v in unique]
    return sorted(eqs, key=_order)


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


def _rescale(m: np.ndarray) -> np.ndarray:
    """Positive affine map of ``m`` onto [1, 2] (all ones when ``m`` is constant)."""
    span = float(np.ptp(m))
    return np.ones_like(m) if span == 0 else 1.0 + (m - m.min()) / span


def _unique_rows(rows: np.ndarray, tol: float) -> np.ndarray:
    """The rows of a 2-D array, each kept once: the first of any group within ``tol`` (max-norm)."""
    keep: list[int] = []
    for i in range(len(rows)):
        if not keep or np.abs(rows[keep] - rows[i]).max(axis=1).min() > tol:
            keep.append(i)
    return rows[keep]


def _solve_nonsingular(systems: np.ndarray, rhs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Solve a stack of square systems; returns (solutions, mask of well-conditioned ones).

    A system counts as singular when its smallest singular value is below 1e-10 times its
    largest; those rows of the solution are left as NaN.
    """
    sv = np.linalg.svd(systems, compute_uv=False)
    ok = sv[:, -1] > 1e-10 * sv[:, 0]
    sol = np.full(rhs.shape, np.nan)
    if ok.any():
        sol[ok] = np.linalg.solve(systems[ok], rhs[ok][..., None])[..., 0]
    return sol, ok


def _vertices(g: np.ndarray, h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vertices of the bounded polytope {z : g z <= h} and, per vertex, its binding rows.

    Every set of d = g.shape[1] rows with a nonsingular submatrix is solved (in one batch);
    feasible solutions are kept once (tolerance TOL).
    """
    k, d = g.shape
    subsets = np.array(list(combinations(range(k), d)))
    sol, ok = _solve_nonsingular(g[subsets], h[subsets])
    sol = sol[ok]
    pts = _unique_rows(sol[(sol @ g.T <= h[None, :] + TOL).all(axis=1)], TOL)
    binding = np.abs(pts @ g.T - h[None, :]) <= TOL
    return pts, binding


def _vertex_candidates(a: np.ndarray, b: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    m, n = a.shape
    a1, b1 = _rescale(a), _rescale(b)
    # P: -x <= 0 (labels 0..m-1), B'^T x <= 1 (labels m..m+n-1)
    p_pts, p_lab = _vertices(np.vstack([-np.eye(m), b1.T]), np.r_[np.zeros(m), np.ones(n)])
    # Q: A' y <= 1 (labels 0..m-1), -y <= 0 (labels m..m+n-1)
    q_pts, q_lab = _vertices(np.vstack([a1, -np.eye(n)]), np.r_[np.ones(m), np.zeros(n)])
    out = []
    for i in range(len(p_pts)):
        if p_pts[i].sum() <= TOL:
            continue
        complete = (p_lab[i][None, :] | q_lab).all(axis=1)
        for j in np.flatnonzero(complete):
            if q_pts[j].sum() > TOL:
                out.append((p_pts[i] / p_pts[i].sum(), q_pts[j] / q_pts[j].sum()))
    return out


def _indifferent(blocks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For a stack of k x k matrices M: probabilities p with all entries of M p equal.

    Solves [[M, -1], [1^T, 0]] [p; v] = [0; 1] per matrix; returns (p, mask of solvable ones).
    """
    count, k, _ = blocks.shape
    systems = np.zeros((count, k + 1, k + 1))
    systems[:, :k, :k] = blocks
    systems[:, :k, k] = -1.0
    systems[:, k, :k] = 1.0
    rhs = np.zeros((count, k + 1))
    rhs[:, k] = 1.0
    sol, ok = _solve_nonsingular(systems, rhs)
    return sol[:, :k], ok


def _support_candidates(a: np.ndarray, b: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    m, n = a.shape
    out = []
    for k in range(1, min(m, n) + 1):
        pairs = [(r, c) for r in combinations(range(m), k) for c in combinations(range(n), k)]
        rows = np.array([r for r, _ in pairs])
        cols = np.array([c for _, c in pairs])
        index = (rows[:, :, None], cols[:, None, :])
        y_part, y_ok = _indifferent(a[index])
        x_part, x_ok = _indifferent(np.transpose(b[index], (0, 2, 1)))
        keep = y_ok & x_ok
        keep[keep] &= (y_part[keep].min(axis=1) >= -TOL) & (x_part[keep].min(axis=1) >= -TOL)
        for p in np.flatnonzero(keep):
            x, y = np.zeros(m), np.zeros(n)
            x[rows[p]], y[cols[p]] = x_part[p], y_part[p]
            out.append((x, y))
    return out


def _lemke_candidates(a: np.ndarray, b: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    game = nashpy.Game(a, b)
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # nashpy warns on degenerate games; we verify instead
        for label in range(sum(a.shape)):
            try:
                out.append(game.lemke_howson(initial_dropped_label=label))
            except (ValueError, IndexError, np.linalg.LinAlgError):
                continue
    return out


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


def select(eqs: Sequence[Equilibrium], a: np.ndarray | None = None,
           b: np.ndarray | None = None) -> Equilibrium:
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
                for f in pure if f is not e
            ):
                return e
    return eqs[0]
