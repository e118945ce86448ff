"""The yearly bargaining game's players, strategies and payoffs, with payoffs from the plans.

Two players choose a restriction strategy each year. Every strategy has an intensity
``s`` in [0, 1] (US: open = 0, control = 1; China: supply = 0, restrict = 1; graded sets such
as none = 0, targeted = 0.5, broad = 1 work the same way), so the solver handles n x m games.

Payoffs are USD bn per year, built from the two plans (``optimize.game.stakes`` reads them).
For a target side T and its rival (the sender) S in year t, T's plan gives, over the
commodities S's measures name that T's plan prices in its exposure section:

    L_T(q)  = sum_c V_c max(0, q D_c - K_c) / 1e9     lost supply when S restricts at intensity q
                                                      (V value lost per unit, D the bloc's
                                                      demand, K what its cutoff state serves;
                                                      q = 1 is the plan's loss_usd)
    e_T     = the plan's extra cost of its parallel chain per year (its cost of independence,
              discounted system cost against the free plan, as an annuity over the horizon)
    F_S     = S's exports of those commodities to T's bloc in T's plan (flows x price)

With the multipliers m (damage), rho (rent share), x (forgone-export share), k (parallel
chain) and the escalation cost X, for US intensity s (row i) and China intensity r (col j):

    damage to T:        Dmg_T(q) = m (L_T(q) + k q e_T)
    sender's own cost:  C_S(q)   = x q F_S
    A[i, j] = rho Dmg_CN(s) - C_US(s) - Dmg_US(r) - X s r
    B[i, j] = rho Dmg_US(r) - C_CN(r) - Dmg_CN(s) - X s r

rho Dmg is the sender's strategic value of the damage it inflicts (leverage, market share and
security gained); with m = 1 and k = 0 the damage is exactly the target plan's computed
cutoff loss in that year. Default values, units and sources live in ``data/game/payoffs.csv``
(docs/game.md explains each).
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
RIVAL = {US: CN, CN: US}
BN = 1e9


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
    """Multipliers and tolerances of the game (module docstring; units in payoffs.csv)."""

    us_strategies: tuple[Strategy, ...] = US_BINARY
    cn_strategies: tuple[Strategy, ...] = CN_BINARY
    damage_multiplier: float = 1.0  # m: 1 = the plans' computed loss
    rent_share: float = 0.0  # rho: sender's value of the damage it inflicts (fraction)
    export_loss_share: float = 1.0  # x: share of forgone export value the sender loses
    price_share: float = 1.0 / 3.0  # price per unit as a share of value_unserved
    parallel_chain_multiplier: float = 0.0  # k: share of the plan's cost of independence
    escalation_cost: float = 0.0  # X: USD bn/yr each side bears when both restrict fully
    discount_rate: float = 0.0  # per year (fraction)
    us_tolerance: float = math.inf  # cumulative USD bn the US bears in confrontation
    cn_tolerance: float = math.inf  # cumulative USD bn China bears in confrontation
    threshold: float = 0.95  # independent when cutoff share >= threshold (fraction)
    likelihood_floor: float = 0.0  # smallest cutoff likelihood a plan is given (fraction)
    cutoff_duration_years: float = 1.0  # how long a restriction lasts once it starts (years)
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
        frame = _payoff_frame(path)
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
                    Problem(
                        where,
                        f"unknown parameter '{name}'",
                        f"use one of {names}",
                        pos,
                        "parameter",
                    )
                )
                continue
            if name in seen:
                problems.append(
                    Problem(
                        where, f"parameter '{name}' given twice", "keep one row", pos, "parameter"
                    )
                )
                continue
            seen.add(name)
            try:
                values[name] = float(row.value)
                if math.isnan(values[name]):  # inf is a tolerance's 'never concedes'
                    raise ValueError(row.value)
            except ValueError:
                problems.append(
                    Problem(
                        where,
                        f"value '{row.value}' is not a number",
                        "write a number",
                        pos,
                        "value",
                    )
                )
                continue
            if not row.source.strip():
                problems.append(
                    Problem(
                        where,
                        f"no source for '{name}'",
                        "cite it or write 'assumption: <why>'",
                        pos,
                        "source",
                    )
                )
            sources[name] = row.source.strip()
        for name in names:
            if name not in seen:
                problems.append(Problem(where, f"parameter '{name}' missing", "add a row"))
        if problems:
            raise DataError(problems)
        try:
            return cls(
                us_strategies=us_strategies, cn_strategies=cn_strategies, sources=sources, **values
            )
        except InputError as err:
            raise DataError([dataclasses.replace(p, where=where) for p in err.problems]) from None

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
                [
                    Problem(
                        "game parameters", f"unknown parameter '{k}'", f"use one of {sorted(known)}"
                    )
                    for k in unknown
                ],
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

    def max_intensity(self, side: str) -> float:
        """The intensity of ``side``'s most intensive strategy."""
        return max(s.intensity for s in self.strategies_of(side))


MAX_PAYOFF_BYTES = 1_000_000
"""Largest payoff file read (it holds a dozen rows)."""


def _payoff_frame(path: Path) -> pd.DataFrame:
    """The payoff CSV as text cells; a file that is empty, not UTF-8 text or not CSV is a
    DataError naming it (pandas would raise its own errors)."""
    import io

    where = path.name
    fix = "save it as a UTF-8 CSV file with columns parameter, value, unit, source"
    if not path.is_file():
        raise DataError(Problem(where, "is not a regular file", fix))
    if path.stat().st_size > MAX_PAYOFF_BYTES:
        raise DataError(Problem(where, f"is larger than {MAX_PAYOFF_BYTES:,} bytes", fix))
    raw = path.read_bytes()
    if not raw.strip():
        raise DataError(Problem(where, "the file is empty", fix))
    if b"\0" in raw:
        raise DataError(Problem(where, "is not a text file (it holds NUL bytes)", fix))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(Problem(where, f"not UTF-8 text ({exc.reason})", fix)) from None
    try:
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        why = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(Problem(where, f"cannot be read as CSV ({why})", fix)) from None


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
            out.append(
                Problem(
                    where,
                    f"{side} strategy names repeat: {names}",
                    "give each strategy its own name",
                    column=col,
                )
            )
        for s in strats:
            if not isinstance(s, Strategy):
                out.append(
                    Problem(
                        where,
                        f"{s!r} is not a Strategy",
                        "use Strategy(name, intensity) or a {name: intensity} mapping",
                        column=col,
                    )
                )
            elif not (0.0 <= s.intensity <= 1.0) or not s.name:
                out.append(
                    Problem(
                        where,
                        f"{side} strategy {s!r} invalid",
                        "use a non-empty name and an intensity in [0, 1]",
                        column=col,
                    )
                )
    nonneg = (
        "damage_multiplier",
        "export_loss_share",
        "parallel_chain_multiplier",
        "escalation_cost",
        "discount_rate",
        "us_tolerance",
        "cn_tolerance",
    )
    for name in nonneg:
        v = getattr(p, name)
        if not (v >= 0):  # also catches NaN
            out.append(
                Problem(
                    where,
                    f"{name} = {v} is negative or not a number",
                    "use a number >= 0",
                    column=name,
                )
            )
    for name in ("rent_share", "likelihood_floor"):
        if not (0.0 <= getattr(p, name) <= 1.0):
            out.append(
                Problem(
                    where,
                    f"{name} = {getattr(p, name)} outside [0, 1]",
                    "use a fraction",
                    column=name,
                )
            )
    if not (1.0 <= p.cutoff_duration_years <= 50.0):
        out.append(
            Problem(
                where,
                f"cutoff_duration_years = {p.cutoff_duration_years} outside [1, 50]",
                "give the years a restriction lasts once it starts",
                column="cutoff_duration_years",
            )
        )
    if not (0.0 < p.price_share <= 1.0):
        out.append(
            Problem(
                where,
                f"price_share = {p.price_share} outside (0, 1]",
                "use the price as a share of value_unserved, e.g. 1/3",
                column="price_share",
            )
        )
    if not (0.0 < p.threshold <= 1.0):
        out.append(
            Problem(
                where,
                f"threshold = {p.threshold} outside (0, 1]",
                "use the cutoff share that counts as self-sufficient, e.g. 0.95",
                column="threshold",
            )
        )
    return out


@dataclass(frozen=True)
class Stakes:
    """What a target side stands to lose in one year when its rival restricts, and what the
    rival forgoes, read off the target's plan (``optimize.game.stakes``)."""

    commodities: tuple[str, ...]  # exposed commodities the rival's measures name
    demand: np.ndarray  # the bloc's demand per commodity (units)
    served: np.ndarray  # what the plan's cutoff state serves (units)
    value: np.ndarray  # value lost per unserved unit (USD per unit)
    parallel_chain_usd_bn: float = 0.0  # e_T: extra cost of the parallel chain per year
    exports_usd_bn: float = 0.0  # F_S: the rival's exports to the bloc, flows x price

    def lost_supply(self, q: float) -> float:
        """L_T(q), USD bn: value of the demand not served when the rival cuts q of the bloc's
        use (a cap at 1 - q): sum_c V_c max(0, q D_c - K_c).

        >>> Stakes(("m",), np.array([10.0]), np.array([4.0]), np.array([1e9])).lost_supply(1)
        6.0
        """
        short = np.maximum(0.0, q * self.demand - self.served)
        return float(short @ self.value) / BN


NO_STAKES = Stakes((), np.zeros(0), np.zeros(0), np.zeros(0))


def damage(params: GameParams, stakes: Stakes, q: float) -> float:
    """Dmg_T(q) = m (L_T(q) + k q e_T), USD bn: what the sender's measures at intensity q cost
    the target in the year."""
    lost = stakes.lost_supply(q)
    extra = params.parallel_chain_multiplier * q * stakes.parallel_chain_usd_bn
    return params.damage_multiplier * (lost + extra)


def own_cost(params: GameParams, stakes: Stakes, q: float) -> float:
    """C_S(q) = x q F_S, USD bn: the exports the sender forgoes by restricting at intensity q
    (``stakes`` are the target's)."""
    return params.export_loss_share * q * stakes.exports_usd_bn


def payoff_matrices(params: GameParams, us: Stakes, cn: Stakes) -> tuple[np.ndarray, np.ndarray]:
    """The bimatrix (A, B) of one year, USD bn; rows = US strategies, columns = China's.

    ``us`` are the US side's stakes (what China's measures do to it), ``cn`` China's.
    Equations in the module docstring.

    >>> us = Stakes(("m",), np.array([10.0]), np.array([0.0]), np.array([1e9]), 0.0, 2.0)
    >>> A, B = payoff_matrices(GameParams(rent_share=0.5, escalation_cost=3), us, NO_STAKES)
    >>> A.tolist(), B.tolist()
    ([[0.0, -10.0], [0.0, -13.0]], [[0.0, 3.0], [0.0, 0.0]])
    """
    s = [st.intensity for st in params.us_strategies]
    r = [st.intensity for st in params.cn_strategies]
    a = np.zeros((len(s), len(r)))
    b = np.zeros((len(s), len(r)))
    dmg_cn = [damage(params, cn, q) for q in s]  # US measures hit China
    dmg_us = [damage(params, us, q) for q in r]
    cost_us = [own_cost(params, cn, q) for q in s]  # US exports to China forgone
    cost_cn = [own_cost(params, us, q) for q in r]
    for i, si in enumerate(s):
        for j, rj in enumerate(r):
            escalation = params.escalation_cost * si * rj
            a[i, j] = params.rent_share * dmg_cn[i] - cost_us[i] - dmg_us[j] - escalation
            b[i, j] = params.rent_share * dmg_us[j] - cost_cn[j] - dmg_cn[i] - escalation
    return a + 0.0, b + 0.0  # + 0.0 turns -0.0 into 0.0 for clean output


def payoff_parts(params: GameParams, us: Stakes, cn: Stakes) -> dict[str, float]:
    """Each side's payoff parts at full intensity, USD bn, for the tables (Game sheet, JSON):
    lost supply and parallel-chain cost it suffers, damage, rent it gains from restricting,
    exports it forgoes by restricting, escalation cost."""
    out: dict[str, float] = {}
    for side, own, other in ((US, us, cn), (CN, cn, us)):
        q, mine = params.max_intensity(RIVAL[side]), params.max_intensity(side)
        key = side.lower()
        out[f"{key}_lost_supply"] = params.damage_multiplier * own.lost_supply(q)
        out[f"{key}_parallel_chain"] = (
            params.damage_multiplier
            * params.parallel_chain_multiplier
            * q
            * own.parallel_chain_usd_bn
        )
        out[f"{key}_damage"] = damage(params, own, q)
        out[f"{key}_rent"] = params.rent_share * damage(params, other, mine)
        out[f"{key}_forgone_exports"] = own_cost(params, other, mine)
        out[f"{key}_escalation"] = params.escalation_cost * q * mine
    return out
