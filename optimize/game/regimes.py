"""The game along the years: play, concession, pinned years, regimes and the strategic window.

For every year t the stage game (A_t, B_t) = payoff_matrices(params, stakes_US(t), stakes_CN(t))
is solved and one equilibrium selected (``equilibria.select``). What is *played* in t is that
equilibrium unless the year is pinned (a truce: given strategies) or falls under a concession.

A side is *independent* in t when its dependence d(t) <= 1 - threshold (its cutoff share reaches
the threshold). A side *restricts* when its (expected) intensity is above 1e-9. The leader's
restriction *pays* when, against the laggard's play in t, the leader's most intensive strategy
earns it strictly more than its least intensive one.

Regimes (the seed paper's paths; first match wins, so every year has exactly one):

1. SYSTEMIC_DECOUPLING: both sides independent; neither needs the other, whatever is played.
2. ASYMMETRIC_DECOUPLING (the strategic window): exactly one side independent (the *leader*),
   the other (the *laggard*) dependent, the leader restricts and its restriction pays.
3. STALEMATE: both restrict, in pure strategies (mutual restriction), and 2 does not hold.
4. CONTESTED: the play is mixed (a side randomises) and neither 1 nor 2 holds.
5. COERCION: exactly one side restricts, in pure strategies, and 2 does not hold.
6. RETURN_TO_TRADE: neither side restricts, and both are not independent.

A label never contradicts the play: return to trade only when nobody restricts, stalemate only
when both do, the window only when the leader restricts and gains by it.

Concession. A side is *in confrontation* in t when its rival restricts and it is not
independent; its loss is its payoff shortfall against the trade profile (both sides' least
intensive strategies), floored at 0. When its cumulative confrontation loss (undiscounted,
USD bn) would exceed its tolerance in t, it concedes in t (if both would, the one further past
its tolerance, ties to the US). A concession ends the confrontation between *dependent* sides:
from t on, in every year in which neither side is independent, both play their least intensive
strategies. It does not bind once a side is independent (the bargaining position it settled
has changed), so a window or systemic decoupling can follow a concession.

Pinned years (``game.pinned``: a truce, a known episode) are played as given; they are neither
conceded nor counted toward any tolerance.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

import numpy as np
import pandas as pd

from network.errors import InputError, Problem
from optimize.game.equilibria import Equilibrium, equilibria, select, strategy_text
from optimize.game.payoffs import (
    CN,
    RIVAL,
    SIDES,
    US,
    GameParams,
    Stakes,
    damage,
    payoff_matrices,
    payoff_parts,
)

Year = int

INTENSITY_TOL = 1e-9  # expected intensity above this counts as restricting
PATH_COLUMNS = (
    "us_dependence",
    "cn_dependence",
    "us_independent",
    "cn_independent",
    "us_strategy",
    "cn_strategy",
    "us_intensity",
    "cn_intensity",
    "pure",
    "us_restriction_pays",
    "cn_restriction_pays",
    "regime",
    "leader",
    "conceded",
    "pinned",
)


class Regime(Enum):
    """Regime of one year (module docstring: definitions and precedence)."""

    SYSTEMIC_DECOUPLING = "systemic decoupling"
    ASYMMETRIC_DECOUPLING = "asymmetric decoupling"
    STALEMATE = "stalemate"
    CONTESTED = "contested (mixed play)"
    COERCION = "coercion"
    RETURN_TO_TRADE = "return to trade"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Window:
    """A strategic window: consecutive years of asymmetric decoupling with one leader."""

    leader: str  # 'US' or 'CN': the independent side whose restriction pays
    start: Year
    end: Year  # inclusive
    years: int  # end - start + 1

    def __str__(self) -> str:
        return f"{self.leader} leads {self.start}-{self.end} ({self.years} years)"


@dataclass(frozen=True)
class Concession:
    """Who gives in, when, and the cumulative confrontation loss that made it give in."""

    side: str
    year: Year
    cumulative_loss: float  # USD bn, including year ``year``'s loss it refused to bear
    tolerance: float  # USD bn

    def __str__(self) -> str:
        return (
            f"{self.side} gives in in {self.year} (cumulative loss "
            f"{self.cumulative_loss:,.1f} > tolerance {self.tolerance:,.1f} USD bn)"
        )


@dataclass(frozen=True)
class Pin:
    """Play fixed in some years: each side's strategy name (e.g. a truce)."""

    years: tuple[Year, ...]
    us: str
    cn: str
    name: str = ""


def discount_factor(rate: float, years: float) -> float:
    """Present-value factor (1 + rate) ** -years.

    >>> round(discount_factor(0.05, 2), 6)
    0.907029
    """
    return float((1.0 + rate) ** -years)


def regime_of(
    us_ind: bool, cn_ind: bool, us_int: float, cn_int: float, pure: bool, pays: Mapping[str, bool]
) -> tuple[Regime, str]:
    """Regime and leader ('' unless asymmetric decoupling) of one year (module docstring)."""
    if us_ind and cn_ind:
        return Regime.SYSTEMIC_DECOUPLING, ""
    on = {US: us_int > INTENSITY_TOL, CN: cn_int > INTENSITY_TOL}
    if us_ind != cn_ind:
        leader = US if us_ind else CN
        if on[leader] and pays[leader]:
            return Regime.ASYMMETRIC_DECOUPLING, leader
    if not pure:
        return Regime.CONTESTED, ""
    if on[US] and on[CN]:
        return Regime.STALEMATE, ""
    if on[US] or on[CN]:
        return Regime.COERCION, ""
    return Regime.RETURN_TO_TRADE, ""


def restriction_pays(
    a: np.ndarray, b: np.ndarray, params: GameParams, x: np.ndarray, y: np.ndarray
) -> dict[str, bool]:
    """Per side: its most intensive strategy earns strictly more than its least intensive one
    against the other side's play (x: US probabilities, y: China's)."""
    out = {}
    for side, mat, other in ((US, a, y), (CN, b.T, x)):
        ints = [s.intensity for s in params.strategies_of(side)]
        hi, lo = int(np.argmax(ints)), int(np.argmin(ints))
        value = mat @ other
        scale = max(float(np.abs(mat).max(initial=0.0)), 1.0)
        out[side] = bool(value[hi] > value[lo] + 1e-9 * scale)
    return out


def strategic_windows(path: pd.DataFrame) -> list[Window]:
    """Maximal runs of consecutive rows in ASYMMETRIC_DECOUPLING with the same leader."""
    windows: list[Window] = []
    run: list[Year] = []
    leader = ""
    for year, row in path.sort_index().iterrows():
        inside = row["regime"] is Regime.ASYMMETRIC_DECOUPLING
        if run and (not inside or row["leader"] != leader or int(year) != run[-1] + 1):
            windows.append(Window(leader, run[0], run[-1], run[-1] - run[0] + 1))
            run = []
        if inside:
            leader = row["leader"]
            run.append(int(year))
    if run:
        windows.append(Window(leader, run[0], run[-1], run[-1] - run[0] + 1))
    return windows


def main_window(path: pd.DataFrame) -> Window | None:
    """The longest strategic window (the earliest among equally long ones), or None."""
    windows = strategic_windows(path)
    return max(windows, key=lambda w: (w.years, -w.start)) if windows else None


def checked_dependence(dependence: pd.DataFrame) -> pd.DataFrame:
    """Columns US, CN (1 - cutoff share) per year, checked and clipped to [0, 1]."""
    where = "dependence path"
    problems = [
        Problem(where, f"column '{side}' missing", "give each bloc's dependence (1 - cutoff share)")
        for side in SIDES
        if side not in dependence.columns
    ]
    if problems:
        raise InputError(problems, title="invalid dependence path")
    dep = dependence[list(SIDES)].astype(float)
    if not dep.index.is_unique:
        problems.append(Problem(where, "years repeat", "give one row per year"))
    for side in SIDES:
        for year in dep.index[~dep[side].between(-1e-9, 1 + 1e-9)]:
            problems.append(
                Problem(
                    where,
                    f"{side} dependence {dep.at[year, side]} in {year} outside [0, 1]",
                    "use 1 - cutoff share",
                    column=side,
                )
            )
    if problems:
        raise InputError(problems, title="invalid dependence path")
    dep = dep.clip(0.0, 1.0).sort_index()
    dep.index = pd.Index([int(y) for y in dep.index], name="year")
    return dep


@dataclass(frozen=True)
class GamePath:
    """The game solved along the years; the loop's and the outputs' view of the game."""

    matrices: Mapping[Year, tuple[np.ndarray, np.ndarray]]  # (A, B) per year, USD bn
    equilibria: Mapping[Year, tuple[Equilibrium, ...]]  # all extreme equilibria per year
    selected: Mapping[Year, Equilibrium]  # the stage-game pick (before pins and concession)
    path: pd.DataFrame  # the year table (PATH_COLUMNS), after pins and concession
    losses: pd.DataFrame  # confrontation losses, USD bn, columns 'US', 'CN'
    parts: pd.DataFrame  # payoff parts at full intensity per year, USD bn (payoff_parts)
    windows: tuple[Window, ...]
    main_window: Window | None
    concession: Concession | None
    us_labels: tuple[str, ...]
    cn_labels: tuple[str, ...]
    probabilities: Mapping[Year, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)

    def restriction_probability(self) -> pd.DataFrame:
        """Per year and sender: the expected intensity of its play (for binary strategies the
        probability that it restricts). Columns 'US', 'CN'."""
        frame = pd.DataFrame(
            {side: self.path[f"{side.lower()}_intensity"].astype(float) for side in SIDES}
        )
        frame.index.name = "year"
        return frame


def _trade_losses(
    a: np.ndarray, b: np.ndarray, x: np.ndarray, y: np.ndarray, i0: int, j0: int
) -> tuple[float, float]:
    return max(a[i0, j0] - float(x @ a @ y), 0.0), max(b[i0, j0] - float(x @ b @ y), 0.0)


def solve_path(
    params: GameParams,
    dependence: pd.DataFrame,
    stakes: Mapping[str, Mapping[Year, Stakes]],
    pins: tuple[Pin, ...] = (),
) -> GamePath:
    """Solve, play and classify every year of ``dependence`` (index year, columns US, CN) with
    each side's ``stakes`` per year (module docstring)."""
    dep = checked_dependence(dependence)
    us_s, cn_s = params.us_strategies, params.cn_strategies
    us_labels, cn_labels = tuple(s.name for s in us_s), tuple(s.name for s in cn_s)
    us_int = np.array([s.intensity for s in us_s])
    cn_int = np.array([s.intensity for s in cn_s])
    i0, j0 = int(np.argmin(us_int)), int(np.argmin(cn_int))
    pinned = {y: p for p in pins for y in p.years}
    indep = {side: dep[side] <= 1.0 - params.threshold + 1e-12 for side in SIDES}
    matrices, all_eqs, selected, played, parts = {}, {}, {}, {}, {}
    rows, losses = {}, {}
    cum = dict.fromkeys(SIDES, 0.0)
    concession: Concession | None = None
    for year in dep.index:
        su, sc = stakes[US][year], stakes[CN][year]
        a, b = payoff_matrices(params, su, sc)
        eqs = tuple(equilibria(a, b))
        pick = select(eqs, a, b)
        matrices[year], all_eqs[year], selected[year] = (a, b), eqs, pick
        parts[year] = payoff_parts(params, su, sc)
        us_ind, cn_ind = bool(indep[US][year]), bool(indep[CN][year])
        x, y = np.array(pick.us), np.array(pick.cn)
        conceded = False
        if year in pinned:
            p = pinned[year]
            x = np.eye(len(us_s))[us_labels.index(p.us)]
            y = np.eye(len(cn_s))[cn_labels.index(p.cn)]
        elif concession is not None and not (us_ind or cn_ind):
            x, y, conceded = np.eye(len(us_s))[i0], np.eye(len(cn_s))[j0], True
        loss = _trade_losses(a, b, x, y, i0, j0)
        losses[year] = loss
        if concession is None and year not in pinned:
            over = []
            for k, side in enumerate(SIDES):
                rival_int = float((y if side == US else x) @ (cn_int if side == US else us_int))
                if rival_int > INTENSITY_TOL and not indep[side][year]:
                    cum[side] += loss[k]
                    tol = params.tolerance_of(side)
                    if cum[side] > tol:
                        over.append((-(cum[side] / tol if tol > 0 else np.inf), k, side))
            if over:
                side = min(over)[2]
                concession = Concession(side, int(year), cum[side], params.tolerance_of(side))
                if not (us_ind or cn_ind):
                    x, y, conceded = np.eye(len(us_s))[i0], np.eye(len(cn_s))[j0], True
                    losses[year] = _trade_losses(a, b, x, y, i0, j0)
        played[year] = (x, y)
        pure = bool(np.isclose(x.max(), 1.0) and np.isclose(y.max(), 1.0))
        pays = restriction_pays(a, b, params, x, y)
        ui, ci = float(x @ us_int), float(y @ cn_int)
        regime, leader = regime_of(us_ind, cn_ind, ui, ci, pure, pays)
        rows[year] = (
            float(dep.at[year, US]),
            float(dep.at[year, CN]),
            us_ind,
            cn_ind,
            strategy_text(x, us_labels),
            strategy_text(y, cn_labels),
            ui,
            ci,
            pure,
            pays[US],
            pays[CN],
            regime,
            leader,
            conceded,
            year in pinned,
        )
    table = pd.DataFrame.from_dict(rows, orient="index", columns=list(PATH_COLUMNS))
    table.index.name = "year"
    loss_frame = pd.DataFrame.from_dict(losses, orient="index", columns=list(SIDES))
    loss_frame.index.name = "year"
    part_frame = pd.DataFrame.from_dict(parts, orient="index")
    part_frame.index.name = "year"
    return GamePath(
        matrices=matrices,
        equilibria=all_eqs,
        selected=selected,
        path=table,
        losses=loss_frame,
        parts=part_frame,
        windows=tuple(strategic_windows(table)),
        main_window=main_window(table),
        concession=concession,
        us_labels=us_labels,
        cn_labels=cn_labels,
        probabilities=played,
    )


def sanction_effectiveness(
    params: GameParams, target_stakes: Mapping[Year, Stakes], sender: str
) -> float:
    """Discounted damage (USD bn) of the sender's full restriction on the target over the
    years: sum_t Dmg_target(s_max; t) / (1 + rate)^(t - t0), from the target plan's stakes."""
    if sender not in SIDES:
        raise ValueError(f"sender must be one of {SIDES}, got {sender!r}")
    if not target_stakes:
        return 0.0
    q = params.max_intensity(sender)
    t0 = min(target_stakes)
    return float(
        sum(
            damage(params, st, q) * discount_factor(params.discount_rate, t - t0)
            for t, st in sorted(target_stakes.items())
        )
    )


__all__ = [
    "RIVAL",
    "Regime",
    "Window",
    "Concession",
    "Pin",
    "GamePath",
    "solve_path",
    "regime_of",
    "strategic_windows",
    "main_window",
    "sanction_effectiveness",
]
