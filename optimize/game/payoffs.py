"""The yearly bargaining game between the US-side and the China-side bloc.

Two players choose a restriction strategy each year. Every strategy has an intensity
``s`` in [0, 1] (US: open = 0, control = 1; China: supply = 0, restrict = 1; graded sets such
as none = 0, targeted = 0.5, broad = 1 work the same way), so the solver handles n x m games.

Payoffs are USD bn per year. For a US strategy of intensity ``s`` (row i) and a China strategy
of intensity ``r`` (column j), with ``d_us`` the US dependence on China and ``d_cn`` China's
dependence on the US in that year (1 - cutoff share, in [0, 1]):

    A[i, j] = G_us (1 - s)                       trade gains the US keeps
              - E_us s^beta                      US efficiency loss from its own controls
              + rho D_us d_cn s^alpha            strategic rent from coercing China
              - D_cn d_us r^alpha                coercive damage China inflicts on the US
              - X s r                            escalation / volatility cost

    B[i, j] = G_cn (1 - r) - E_cn r^beta + rho D_cn d_us r^alpha - D_us d_cn s^alpha - X s r

with G the trade gains, E the efficiency loss, D the damage scale (damage the side's full
restriction inflicts on a fully dependent rival), rho the rent share, X the escalation cost,
alpha the damage exponent and beta the cost exponent. alpha < 1 makes targeted measures hit
chokepoints (most of the damage for part of the intensity), beta > 1 makes their own cost
rise faster than linearly; with alpha = beta = 1 intermediate intensities are exact mixtures
of the extremes and the game is degenerate (the solver handles that, see ``equilibria``).
For the default two-strategy sets (intensities 0 and 1) the exponents do not matter.

Default values live in ``data/game/payoffs.csv`` (columns parameter, value, unit, source).
Most scales are labelled assumptions there, calibrated where possible on the data brief.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from network.errors import DataError, InputError, Problem

US = "US"
CN = "CN"
SIDES = (US, CN)


@dataclass(frozen=True)
class Strategy:
    """One pure strategy of a bloc: a name and an intensity in [0, 1] (0 = no restriction)."""

    name: str
    intensity: float


def strategies(spec: Mapping[str, float]) -> tuple[Strategy, ...]:
    """Strategies from ``{name: intensity}``, in the mapping's order.

    >>> strategies({"none": 0, "targeted": 0.5, "broad": 1})[1]
    Strategy(name='targeted', intensity=0.5)
    """
    return tuple(Strategy(str(k), float(v)) for k, v in spec.items())


US_BINARY = strategies({"open": 0.0, "control": 1.0})
CN_BINARY = strategies({"supply": 0.0, "restrict": 1.0})
US_GRADED = strategies({"none": 0.0, "targeted": 0.5, "broad": 1.0})
CN_GRADED = strategies({"none": 0.0, "targeted": 0.5, "broad": 1.0})


@dataclass(frozen=True)
class GameParams:
    """Payoff parameters. USD bn per year unless noted. See the module docstring for equations."""

    us_strategies: tuple[Strategy, ...] = US_BINARY
    cn_strategies: tuple[Strategy, ...] = CN_BINARY
    us_trade_gain: float = 0.0  # G_us: gains the US keeps from the trade when it does not restrict
    cn_trade_gain: float = 0.0  # G_cn
    us_efficiency_loss: float = 0.0  # E_us: lost sales / misallocation at full US controls
    cn_efficiency_loss: float = 0.0  # E_cn
    us_damage_scale: float = 0.0  # D_us: damage of full US controls on a fully dependent China
    cn_damage_scale: float = 0.0  # D_cn: damage of full China controls on a fully dependent US
    rent_share: float = 0.0  # rho: sender's strategic rent as a share of the damage (fraction)
    escalation_cost: float = 0.0  # X: cost each side bears when both restrict fully
    damage_exponent: float = 1.0  # alpha: damage and rent scale with intensity**alpha
    cost_exponent: float = 1.0  # beta: own efficiency loss scales with intensity**beta
    discount_rate: float = 0.0  # per year (fraction)
    us_tolerance: float = math.inf  # cumulative USD bn the US bears in confrontation
    cn_tolerance: float = math.inf  # cumulative USD bn China bears in confrontation
    threshold: float = 0.95  # self-sufficient when cutoff share >= threshold (fraction)
    sources: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        problems = _check(self)
        if problems:
            raise InputError(problems, title="invalid game parameters")

    @classmethod
    def from_csv(
        cls,
        path: str | Path,
        us_strategies: tuple[Strategy, ...] = US_BINARY,
        cn_strategies: tuple[Strategy, ...] = CN_BINARY,
    ) -> GameParams:
        """Load scalar parameters from a CSV with columns parameter, value, unit, source.

        Every scalar field must appear exactly once with a number and a non-empty source;
        all problems are collected and raised together as a :class:`DataError`.
        Strategy sets are not in the file; pass them here or via :meth:`with_overrides`.
        """
        path = Path(path)
        where = path.name
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        problems: list[Problem] = []
        missing_cols = [c for c in ("parameter", "value", "unit", "source") if c not in frame]
        if missing_cols:
            raise DataError(
                Problem(where, f"missing columns {missing_cols}", "add them to the header")
            )
        names = scalar_fields()
        values: dict[str, float] = {}
        sources: dict[str, str] = {}
        seen: set[str] = set()
        for pos, row in enumerate(frame.itertuples(index=False), start=2):
            name = row.parameter.strip()
            if name not in names:
                problems.append(
                    Problem(where, f"unknown parameter '{name}'", f"use one of {names}", pos,
                            "parameter")
                )
                continue
            if name in seen:
                problems.append(
                    Problem(where, f"parameter '{name}' given twice", "keep one row", pos,
                            "parameter")
                )
                continue
            seen.add(name)
            try:
                values[name] = float(row.value)
            except ValueError:
                problems.append(
                    Problem(where, f"value '{row.value}' is not a number", "write a number", pos,
                            "value")
                )
                continue
            if not row.source.strip():
                problems.append(
                    Problem(where, f"no source for '{name}'",
                            "cite it or write 'assumption: <why>'", pos, "source")
                )
            sources[name] = row.source.strip()
        for name in names:
            if name not in seen:
                problems.append(Problem(where, f"parameter '{name}' missing", "add a row"))
        if problems:
            raise DataError(problems)
        try:
            return cls(us_strategies=us_strategies, cn_strategies=cn_strategies,
                       sources=sources, **values)
        except InputError as err:
            raise DataError(
                [dataclasses.replace(p, where=where) for p in err.problems]
            ) from None

    def with_overrides(self, **kw: object) -> GameParams:
        """A copy with some fields replaced; strategy sets may be given as ``{name: intensity}``.

        >>> p = GameParams().with_overrides(rent_share=0.3, us_strategies={"no": 0, "yes": 1})
        >>> p.rent_share, p.us_strategies[1]
        (0.3, Strategy(name='yes', intensity=1.0))
        """
        known = {f.name for f in dataclasses.fields(self)}
        unknown = sorted(set(kw) - known)
        if unknown:
            raise InputError(
                [Problem("game parameters", f"unknown parameter '{k}'",
                         f"use one of {sorted(known)}") for k in unknown],
                title="invalid game parameters",
            )
        for key in ("us_strategies", "cn_strategies"):
            if isinstance(kw.get(key), Mapping):
                kw[key] = strategies(kw[key])  # type: ignore[arg-type]
            elif key in kw:
                kw[key] = tuple(kw[key])  # type: ignore[arg-type]
        return dataclasses.replace(self, **kw)  # type: ignore[arg-type]

    def strategies_of(self, side: str) -> tuple[Strategy, ...]:
        """The strategy set of ``side`` ('US' or 'CN')."""
        return {US: self.us_strategies, CN: self.cn_strategies}[side]

    def tolerance_of(self, side: str) -> float:
        """Cumulative loss (USD bn) ``side`` bears in confrontation before it concedes."""
        return {US: self.us_tolerance, CN: self.cn_tolerance}[side]

    def damage_scale_of(self, side: str) -> float:
        """Damage (USD bn/yr) ``side``'s full restriction inflicts on a fully dependent rival."""
        return {US: self.us_damage_scale, CN: self.cn_damage_scale}[side]


def scalar_fields() -> tuple[str, ...]:
    """Names of the numeric fields of :class:`GameParams` (the rows of ``payoffs.csv``)."""
    skip = {"us_strategies", "cn_strategies", "sources"}
    return tuple(f.name for f in dataclasses.fields(GameParams) if f.name not in skip)


def _check(p: GameParams) -> list[Problem]:
    where = "game parameters"
    out: list[Problem] = []
    for side, strats in ((US, p.us_strategies), (CN, p.cn_strategies)):
        col = f"{side.lower()}_strategies"
        if len(strats) == 0:
            out.append(Problem(where, f"{side} has no strategies", "give at least one", column=col))
        names = [s.name for s in strats]
        if len(set(names)) != len(names):
            out.append(Problem(where, f"{side} strategy names repeat: {names}",
                               "give each strategy its own name", column=col))
        for s in strats:
            if not isinstance(s, Strategy):
                out.append(Problem(where, f"{s!r} is not a Strategy", "use Strategy(name, "
                                   "intensity) or a {name: intensity} mapping", column=col))
            elif not (0.0 <= s.intensity <= 1.0) or not s.name:
                out.append(Problem(where, f"{side} strategy {s!r} invalid",
                                   "use a non-empty name and an intensity in [0, 1]", column=col))
    nonneg = ("us_trade_gain", "cn_trade_gain", "us_efficiency_loss", "cn_efficiency_loss",
              "us_damage_scale", "cn_damage_scale", "escalation_cost", "discount_rate",
              "us_tolerance", "cn_tolerance")
    for name in nonneg:
        v = getattr(p, name)
        if not (v >= 0):  # also catches NaN
            out.append(Problem(where, f"{name} = {v} is negative or not a number",
                               "use a number >= 0", column=name))
    if not (0.0 <= p.rent_share <= 1.0):
        out.append(Problem(where, f"rent_share = {p.rent_share} outside [0, 1]",
                           "use a fraction of the damage", column="rent_share"))
    for name in ("damage_exponent", "cost_exponent"):
        if not (getattr(p, name) > 0):
            out.append(Problem(where, f"{name} = {getattr(p, name)} is not positive",
                               "use a number > 0 (1 = linear in intensity)", column=name))
    if not (0.0 < p.threshold <= 1.0):
        out.append(Problem(where, f"threshold = {p.threshold} outside (0, 1]",
                           "use the cutoff share that counts as self-sufficient, e.g. 0.95",
                           column="threshold"))
    return out


def payoff_matrices(
    params: GameParams, dep_us: float, dep_cn: float
) -> tuple[np.ndarray, np.ndarray]:
    """The bimatrix (A, B) of one year, USD bn; rows = US strategies, columns = China's.

    ``dep_us`` is the US dependence on China (hurts the US when China restricts), ``dep_cn``
    China's dependence on the US (hurts China when the US controls); both in [0, 1].
    Equations in the module docstring.

    >>> p = GameParams(us_trade_gain=10, cn_damage_scale=20, escalation_cost=3)
    >>> A, B = payoff_matrices(p, dep_us=0.5, dep_cn=0.0)
    >>> A.tolist()
    [[10.0, 0.0], [0.0, -13.0]]
    """
    for name, d in (("dep_us", dep_us), ("dep_cn", dep_cn)):
        if not (0.0 <= d <= 1.0):
            raise ValueError(f"{name} = {d} outside [0, 1]")
    s = np.array([st.intensity for st in params.us_strategies])[:, None]
    r = np.array([st.intensity for st in params.cn_strategies])[None, :]
    alpha, beta = params.damage_exponent, params.cost_exponent
    hit_us, hit_cn = s**alpha, r**alpha  # damage/rent factor of the US and China measures
    escalation = params.escalation_cost * s * r
    a = (
        params.us_trade_gain * (1.0 - s)
        - params.us_efficiency_loss * s**beta
        + params.rent_share * params.us_damage_scale * dep_cn * hit_us
        - params.cn_damage_scale * dep_us * hit_cn
        - escalation
    )
    b = (
        params.cn_trade_gain * (1.0 - r)
        - params.cn_efficiency_loss * r**beta
        + params.rent_share * params.cn_damage_scale * dep_us * hit_cn
        - params.us_damage_scale * dep_cn * hit_us
        - escalation
    )
    return a + 0.0, b + 0.0  # + 0.0 turns -0.0 into 0.0 for clean output
