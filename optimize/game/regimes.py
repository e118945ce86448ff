"""The game along a dependence path: regimes, the strategic window, concession, sanction bite.

For every year t the stage game (A_t, B_t) = payoff_matrices(params, d_US(t), d_CN(t)) is
solved, one equilibrium is selected (``equilibria.select``) and the year is classified.

A side is self-sufficient in year t when d(t) <= 1 - threshold (its cutoff share reaches the
threshold). Regimes, first match wins:

1. SYSTEMIC_DECOUPLING: both sides self-sufficient.
2. ASYMMETRIC_DECOUPLING: exactly one side self-sufficient, the *leader*. These years are
   the strategic window: the leader no longer feels the rival's restrictions, the rival
   still feels the leader's.
3. MIXED: the selected equilibrium is mixed (neither side self-sufficient).
4. STALEMATE: both restrict (intensity > 0) - mutual restriction.
5. RETURN_TO_TRADE: neither restricts.
6. COERCION: exactly one restricts, against a side that is not self-sufficient.

Precedence: the self-sufficiency regimes come first because they are structural - once a
side's dependence is below 1 - threshold, coercive damage against it (proportional to its
dependence) is close to nil, so whatever strategies are played, the bargaining position is
set by who no longer needs whom; strategies only distinguish the regimes among dependent
sides. The strategy columns are kept in the table, so nothing is lost by this ordering.

Tolerance: a side is *in confrontation* in year t when the rival restricts against it
(rival intensity > 0, which includes mutual restriction) and it is not self-sufficient. Its
loss that year is its payoff shortfall against the trade profile (both sides' least
intensive strategies), floored at 0. When its cumulative confrontation loss (undiscounted,
USD bn) would exceed its tolerance in year t, it concedes in year t rather than bear that
loss, and from year t on the path returns to trade (both sides play their least intensive
strategy; the self-sufficiency regimes still take precedence as above). If both sides would
pass their tolerance in the same year, the one further past it (loss / tolerance) concedes,
and on an exact tie the US (order of SIDES).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

import numpy as np
import pandas as pd

from network.errors import InputError, Problem
from optimize.game.equilibria import Equilibrium, equilibria, select, strategy_text
from optimize.game.payoffs import CN, SIDES, US, GameParams, payoff_matrices

Year = int

INTENSITY_TOL = 1e-9  # expected intensity above this counts as restricting
DEPENDENCE = {US: "us_dependence", CN: "cn_dependence"}
SELF_SUFFICIENT = {US: "us_self_sufficient", CN: "cn_self_sufficient"}
STRATEGY = {US: "us_strategy", CN: "cn_strategy"}
INTENSITY = {US: "us_intensity", CN: "cn_intensity"}
RIVAL = {US: CN, CN: US}
PLAY_COLUMNS = ("us_strategy", "cn_strategy", "us_intensity", "cn_intensity", "pure")
PATH_COLUMNS = (
    "us_dependence", "cn_dependence", "us_self_sufficient", "cn_self_sufficient",
    *PLAY_COLUMNS, "regime", "leader", "conceded",
)


class Regime(Enum):
    """Regime of one year (see the module docstring for definitions and precedence)."""

    SYSTEMIC_DECOUPLING = "systemic decoupling"
    ASYMMETRIC_DECOUPLING = "asymmetric decoupling"
    MIXED = "mixed"  # selected equilibrium is mixed, neither side self-sufficient
    STALEMATE = "stalemate"
    RETURN_TO_TRADE = "return to trade"
    COERCION = "coercion"  # one side restricts, the other does not, neither self-sufficient

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Window:
    """A strategic window: consecutive years of asymmetric decoupling with one leader."""

    leader: str  # 'US' or 'CN': the self-sufficient side
    start: Year
    end: Year  # inclusive
    years: int  # end - start + 1


@dataclass(frozen=True)
class Concession:
    """Who gives in, when, and the cumulative confrontation loss that made it give in."""

    side: str
    year: Year
    cumulative_loss: float  # USD bn, including year ``year``'s loss it refused to bear
    tolerance: float  # USD bn


def discount_factor(rate: float, years: float) -> float:
    """Present-value factor (1 + rate) ** -years.

    >>> round(discount_factor(0.05, 2), 6)
    0.907029
    """
    return float((1.0 + rate) ** -years)


def _regime(us_ss: bool, cn_ss: bool, us_int: float, cn_int: float,
            pure: bool) -> tuple[Regime, str]:
    """Regime and leader ('' unless asymmetric decoupling) of one year."""
    if us_ss and cn_ss:
        return Regime.SYSTEMIC_DECOUPLING, ""
    if us_ss or cn_ss:
        return Regime.ASYMMETRIC_DECOUPLING, US if us_ss else CN
    if not pure:
        return Regime.MIXED, ""
    us_on, cn_on = us_int > INTENSITY_TOL, cn_int > INTENSITY_TOL
    if us_on and cn_on:
        return Regime.STALEMATE, ""
    if not (us_on or cn_on):
        return Regime.RETURN_TO_TRADE, ""
    return Regime.COERCION, ""


def play_table(params: GameParams, selected: Mapping[Year, Equilibrium]) -> pd.DataFrame:
    """Per year: each side's strategy text, expected intensity, and whether play is pure."""
    us_labels = [s.name for s in params.us_strategies]
    cn_labels = [s.name for s in params.cn_strategies]
    us_int = [s.intensity for s in params.us_strategies]
    cn_int = [s.intensity for s in params.cn_strategies]
    rows = {}
    for year, e in sorted(selected.items()):
        ui, ci = e.expected_intensity(us_int, cn_int)
        rows[year] = (strategy_text(e.us, us_labels), strategy_text(e.cn, cn_labels), ui, ci,
                      e.pure)
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=list(PLAY_COLUMNS))
    frame.index.name = "year"
    return frame


def classify(dependence: pd.DataFrame, play: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """The regime table, indexed by year (columns PATH_COLUMNS).

    ``dependence``: columns 'US', 'CN' (1 - cutoff share); ``play``: columns PLAY_COLUMNS,
    as from :func:`play_table`; both indexed by the same years.
    """
    dep = _checked_dependence(dependence)
    if not dep.index.equals(play.index.sort_values()):
        raise ValueError("dependence and play must cover the same years")
    play = play.sort_index()
    out = pd.DataFrame(index=dep.index)
    for side in SIDES:
        out[DEPENDENCE[side]] = dep[side].astype(float)
    for side in SIDES:
        out[SELF_SUFFICIENT[side]] = dep[side] <= 1.0 - threshold + 1e-12
    for col in PLAY_COLUMNS:
        out[col] = play[col]
    out["pure"] = out["pure"].astype(bool)
    out["conceded"] = False
    _set_regimes(out, out.index)
    return out[list(PATH_COLUMNS)]


def _set_regimes(path: pd.DataFrame, years: pd.Index) -> None:
    pairs = [
        _regime(bool(r.us_self_sufficient), bool(r.cn_self_sufficient), float(r.us_intensity),
                float(r.cn_intensity), bool(r.pure))
        for r in path.loc[years].itertuples()
    ]
    path.loc[years, "regime"] = pd.Series([p[0] for p in pairs], index=years, dtype=object)
    path.loc[years, "leader"] = pd.Series([p[1] for p in pairs], index=years, dtype=object)


def strategic_windows(path: pd.DataFrame) -> list[Window]:
    """Maximal runs of consecutive rows in ASYMMETRIC_DECOUPLING with the same leader."""
    windows: list[Window] = []
    run: list[Year] = []
    leader = ""
    for year, row in path.sort_index().iterrows():
        inside = row["regime"] is Regime.ASYMMETRIC_DECOUPLING
        if run and (not inside or row["leader"] != leader):
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


def apply_tolerance(
    path: pd.DataFrame,
    losses: pd.DataFrame,
    tolerance: Mapping[str, float],
    trade_labels: Mapping[str, str],
) -> tuple[pd.DataFrame, Concession | None]:
    """Concession by the side whose confrontation losses exceed its tolerance (module doc).

    ``losses``: USD bn per year, columns 'US', 'CN', same years as ``path``;
    ``tolerance``: cumulative USD bn per side; ``trade_labels``: each side's least intensive
    strategy, written into the rows from the concession year on. Returns a new table.
    """
    path = path.sort_index().copy()
    cum = dict.fromkeys(SIDES, 0.0)
    concession: Concession | None = None
    for year, row in path.iterrows():
        over = []
        for side in SIDES:
            if row[INTENSITY[RIVAL[side]]] > INTENSITY_TOL and not row[SELF_SUFFICIENT[side]]:
                cum[side] += max(float(losses.at[year, side]), 0.0)
                if cum[side] > tolerance[side]:
                    ratio = cum[side] / tolerance[side] if tolerance[side] > 0 else np.inf
                    over.append((-ratio, SIDES.index(side), side))
        if over:
            side = min(over)[2]
            concession = Concession(side, int(year), cum[side], float(tolerance[side]))
            break
    if concession is not None:
        after = path.index[path.index >= concession.year]
        for side in SIDES:
            path.loc[after, STRATEGY[side]] = trade_labels[side]
            path.loc[after, INTENSITY[side]] = 0.0
        path.loc[after, "pure"] = True
        path.loc[after, "conceded"] = True
        _set_regimes(path, after)
    return path, concession


def _checked_dependence(dependence: pd.DataFrame) -> pd.DataFrame:
    where = "dependence path"
    problems = [
        Problem(where, f"column '{side}' missing", "give each bloc's dependence (1 - cutoff share)")
        for side in SIDES if side not in dependence.columns
    ]
    if problems:
        raise InputError(problems, title="invalid dependence path")
    dep = dependence[list(SIDES)].astype(float)
    if not dep.index.is_unique:
        problems.append(Problem(where, "years repeat", "give one row per year"))
    for side in SIDES:
        bad = dep.index[~dep[side].between(-1e-9, 1 + 1e-9)]
        for year in bad:
            problems.append(Problem(where, f"{side} dependence {dep.at[year, side]} in {year} "
                                    "outside [0, 1]", "use 1 - cutoff share", column=side))
    if problems:
        raise InputError(problems, title="invalid dependence path")
    dep = dep.clip(0.0, 1.0).sort_index()
    dep.index = dep.index.astype(int)
    dep.index.name = "year"
    return dep


def confrontation_losses(
    params: GameParams,
    matrices: Mapping[Year, tuple[np.ndarray, np.ndarray]],
    selected: Mapping[Year, Equilibrium],
) -> pd.DataFrame:
    """Per year and side: max(0, payoff at the trade profile - payoff at the selected play).

    The trade profile is each side's least intensive strategy (the first of equals).
    """
    i0 = int(np.argmin([s.intensity for s in params.us_strategies]))
    j0 = int(np.argmin([s.intensity for s in params.cn_strategies]))
    rows = {
        year: (max(a[i0, j0] - selected[year].us_payoff, 0.0),
               max(b[i0, j0] - selected[year].cn_payoff, 0.0))
        for year, (a, b) in sorted(matrices.items())
    }
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=list(SIDES))
    frame.index.name = "year"
    return frame


@dataclass(frozen=True)
class GamePath:
    """The game solved along a dependence path; the feedback loop's view of the game."""

    matrices: Mapping[Year, tuple[np.ndarray, np.ndarray]]  # (A, B) per year, USD bn
    equilibria: Mapping[Year, tuple[Equilibrium, ...]]  # all extreme equilibria per year
    selected: Mapping[Year, Equilibrium]  # the stage-game pick (before any concession)
    path: pd.DataFrame  # regime table after tolerance, indexed by year (PATH_COLUMNS)
    losses: pd.DataFrame  # confrontation losses, USD bn, columns 'US', 'CN'
    windows: tuple[Window, ...]
    main_window: Window | None
    concession: Concession | None
    us_labels: tuple[str, ...]
    cn_labels: tuple[str, ...]

    def equilibria_table(self) -> pd.DataFrame:
        """Every equilibrium of every year, indexed by (year, equilibrium)."""
        rows = []
        for year, eqs in sorted(self.equilibria.items()):
            for k, e in enumerate(eqs):
                rows.append((year, k, e.describe((self.us_labels, self.cn_labels)), e.pure,
                             e.us_payoff, e.cn_payoff, e is self.selected[year]))
        frame = pd.DataFrame(rows, columns=["year", "equilibrium", "play", "pure", "us_payoff",
                                            "cn_payoff", "selected"])
        return frame.set_index(["year", "equilibrium"])


def solve_path(params: GameParams, dependence: pd.DataFrame) -> GamePath:
    """Solve, select and classify every year of ``dependence`` (index year, columns US, CN).

    Steps: matrices per year -> all equilibria (vertex enumeration) -> ``select`` with the
    year's (A, B) -> regime table -> confrontation losses -> tolerance and concession ->
    strategic windows of the final path. Years with the same dependences share one solve.
    """
    dep = _checked_dependence(dependence)
    matrices, all_eqs, selected = {}, {}, {}
    solved: dict[tuple[float, float], tuple] = {}
    for year, row in dep.iterrows():
        key = (float(row[US]), float(row[CN]))
        if key not in solved:
            a, b = payoff_matrices(params, dep_us=key[0], dep_cn=key[1])
            eqs = tuple(equilibria(a, b))
            solved[key] = ((a, b), eqs, select(eqs, a, b))
        matrices[int(year)], all_eqs[int(year)], selected[int(year)] = solved[key]
    table = classify(dep, play_table(params, selected), params.threshold)
    losses = confrontation_losses(params, matrices, selected)
    trade = {side: min(params.strategies_of(side), key=lambda s: s.intensity).name
             for side in SIDES}
    tolerance = {side: params.tolerance_of(side) for side in SIDES}
    table, concession = apply_tolerance(table, losses, tolerance, trade)
    windows = tuple(strategic_windows(table))
    return GamePath(
        matrices=matrices, equilibria=all_eqs, selected=selected, path=table, losses=losses,
        windows=windows, main_window=main_window(table), concession=concession,
        us_labels=tuple(s.name for s in params.us_strategies),
        cn_labels=tuple(s.name for s in params.cn_strategies),
    )


def sanction_effectiveness(params: GameParams, dependence_of_target: pd.Series,
                           sender: str) -> float:
    """Discounted damage (USD bn) of the sender's full restriction over the horizon.

        sum_t  D_sender * s_max^alpha * d_target(t) / (1 + rate)^(t - t0)

    with s_max the sender's most intensive strategy, t0 the first year of the series.
    """
    if sender not in SIDES:
        raise ValueError(f"sender must be one of {SIDES}, got {sender!r}")
    dep = dependence_of_target.sort_index().astype(float)
    if dep.empty:
        return 0.0
    s_max = max(s.intensity for s in params.strategies_of(sender))
    scale = params.damage_scale_of(sender) * s_max**params.damage_exponent
    t0 = int(dep.index[0])
    return float(sum(scale * d * discount_factor(params.discount_rate, int(t) - t0)
                     for t, d in dep.items()))
