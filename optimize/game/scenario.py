"""The ``game:`` section of a race scenario: two plans, the payoffs, and what each threat does.

A race scenario is an ordinary scenario file (its top level is a valid :class:`Scenario`, so
``autarky run`` still plans it) with a ``game:`` section that :class:`Scenario` keeps as a
free-form dict and this module validates. Paths are relative to the race file. Example::

    game:
      us_plan: baseline.yaml             # planner US, rival CN
      cn_plan: cn_semis.yaml             # planner CN, rival US
      payoffs: ../game/payoffs.csv
      parameters: {rent_share: 0.4}      # optional overrides of payoffs.csv
      strategies:                        # optional; default binary open/control, supply/restrict
        US: {open: 0, control: 1}
        CN: {supply: 0, targeted: 0.5, restrict: 1}
      dependence:                        # per side: 'chain' (default) or {min_of: [...]}
        US: chain
        CN: {min_of: [eda_software, advanced_chip, ai_accelerator]}
      measures:                          # what a side's restricting strategy imposes on the
        CN:                              # rival's plan (CN's measures -> the US-side plan)
          - {name: rare earths, commodities: [ndpr_oxide, dytb_oxide], extraterritorial: true}
        US:
          - {name: chips and tools, commodities: [advanced_chip, fab_tools]}
      pinned:                            # optional: play fixed in some years (a truce)
        - {name: truce, from_year: 2026, to_year: 2026, US: open, CN: supply}
      method: damped                     # or fictitious (docs/game.md, the loop)
      max_iterations: 8
      damping: 0.0
      tolerance: 1.0e-6

A measure names the commodities a side's restricting strategy hits in the rival's plan: the
loop turns the sender's restriction probability into that plan's cutoff likelihood p(t) over
them (``optimize.game.loop``), and the game reads their lost supply and trade (``stakes``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from network.dataset import Dataset
from network.errors import InputError, Problem
from network.validate import load_dataset
from optimize.game.payoffs import CN, SIDES, US, GameParams, strategies
from optimize.game.regimes import Pin
from optimize.scenario import Scenario, load_scenario, validation_problems

CHAIN = "chain"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MinOf(_Strict):
    """Dependence = 1 - the smallest cutoff share among these commodities, year by year."""

    min_of: list[str] = Field(min_length=1)


class Measure(_Strict):
    """What a side's restricting strategy imposes on the rival's plan: the rival's export cap on
    ``commodities`` (see :class:`optimize.scenario.Restriction`); years and share come from
    the game."""

    name: str = ""
    commodities: list[str] = Field(min_length=1)
    extraterritorial: bool = False
    source: str = ""


class PinSpec(_Strict):
    """Play fixed in the years from_year..to_year (inclusive): each side's strategy by name."""

    name: str = ""
    from_year: int
    to_year: int | None = None
    US: str
    CN: str
    source: str = ""

    def years(self, last: int) -> tuple[int, ...]:
        return tuple(range(self.from_year, (self.to_year or last) + 1))


class GameSpec(_Strict):
    """The validated ``game:`` section (see the module docstring)."""

    us_plan: str
    cn_plan: str
    payoffs: str
    parameters: dict[str, float] = Field(default_factory=dict)
    strategies: dict[Literal["US", "CN"], dict[str, float]] = Field(default_factory=dict)
    dependence: dict[Literal["US", "CN"], Literal["chain"] | MinOf] = Field(default_factory=dict)
    measures: dict[Literal["US", "CN"], list[Measure]] = Field(default_factory=dict)
    pinned: list[PinSpec] = Field(default_factory=list)
    method: Literal["damped", "fictitious"] = "damped"
    max_iterations: int = Field(default=8, ge=1, le=100)
    damping: float = Field(default=0.0, ge=0, lt=1)
    tolerance: float = Field(default=1e-6, gt=0, lt=0.5)

    @field_validator("strategies")
    @classmethod
    def _intensities(cls, v: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
        for side, spec in v.items():
            if not spec:
                raise ValueError(f"{side} has no strategies")
            bad = {k: s for k, s in spec.items() if not 0 <= s <= 1}
            if bad:
                raise ValueError(f"{side} intensities outside [0, 1]: {bad}")
        return v

    def dependence_of(self, side: str) -> str | MinOf:
        """How ``side``'s dependence is read off its plan ('chain' unless given)."""
        return self.dependence.get(side, CHAIN)  # type: ignore[call-overload]

    def measures_of(self, sender: str) -> tuple[Measure, ...]:
        """The measures ``sender``'s restricting strategy imposes on the rival's plan."""
        return tuple(self.measures.get(sender, ()))  # type: ignore[call-overload]

    def measured(self, sender: str) -> tuple[str, ...]:
        """Every commodity ``sender``'s measures name, once each, in order."""
        return tuple(dict.fromkeys(c for m in self.measures_of(sender) for c in m.commodities))


@dataclass(frozen=True)
class Race:
    """A loaded race: the header scenario, the game spec, both plans, their data, the payoffs."""

    scenario: Scenario  # the race file's top level
    spec: GameSpec
    plans: dict[str, Scenario]  # planner side -> its plan scenario ('US': US plans against CN)
    data: dict[str, Dataset]  # planner side -> dataset of its plan
    params: GameParams

    @property
    def years(self) -> list[int]:
        """The game's years: the race file's horizon."""
        return self.scenario.years

    @property
    def pins(self) -> tuple[Pin, ...]:
        """The pinned play (``game.pinned``) as years and strategy names."""
        last = self.scenario.horizon.last
        return tuple(Pin(p.years(last), p.US, p.CN, p.name) for p in self.spec.pinned)


def game_spec(sc: Scenario, where: str = "scenario") -> GameSpec:
    """Validate ``sc.game``; an InputError names every bad key as ``game.<key>``."""
    if sc.game is None:
        raise InputError(
            Problem(where, "no 'game:' section", "add one (see docs/game.md)"),
            title="not a race scenario",
        )
    try:
        return GameSpec.model_validate(sc.game)
    except ValidationError as exc:
        problems = validation_problems(exc, where, GameSpec, prefix="game", doc="docs/game.md")
        raise InputError(problems, title="invalid game section") from None


def load_race(path: str | Path) -> Race:
    """Read a race scenario, its ``game:`` section, both plan scenarios, datasets and payoffs.

    Every problem found (bad keys, missing files, plans for the wrong sides, horizons that do
    not cover the race's years, unknown parameters) is raised together as one InputError.
    """
    path = Path(path)
    sc = load_scenario(path)
    where = path.name
    spec = game_spec(sc, where)
    base = path.parent
    problems: list[Problem] = []
    plans: dict[str, Scenario] = {}
    for side, rel in ((US, spec.us_plan), (CN, spec.cn_plan)):
        key = f"game.{side.lower()}_plan"
        try:
            plan = load_scenario(base / rel)
        except InputError as exc:
            problems += [
                Problem(where, f"{key}: {p}", "fix the plan file or the path") for p in exc.problems
            ]
            continue
        rival = CN if side == US else US
        if (plan.planner, plan.rival) != (side, rival):
            problems.append(
                Problem(
                    where,
                    f"{key} '{rel}' plans {plan.planner} against {plan.rival}",
                    f"give a plan with planner {side}, rival {rival}",
                )
            )
        if not set(sc.years) <= set(plan.years):
            problems.append(
                Problem(
                    where,
                    f"{key} '{rel}' horizon {plan.horizon.first}-"
                    f"{plan.horizon.last} does not cover the race horizon "
                    f"{sc.horizon.first}-{sc.horizon.last}",
                    "widen the plan's horizon or narrow the race's",
                )
            )
        plans[side] = plan
    payoffs = base / spec.payoffs
    if not payoffs.is_file():
        problems.append(
            Problem(
                where,
                f"game.payoffs: no file {payoffs}",
                "give the payoff CSV, relative to the race file",
            )
        )
    if problems:
        raise InputError(problems, title="invalid race scenario")
    params = GameParams.from_csv(payoffs)
    overrides: dict[str, object] = dict(spec.parameters)
    for side in SIDES:
        if side in spec.strategies:
            overrides[f"{side.lower()}_strategies"] = strategies(spec.strategies[side])
    if overrides:
        params = params.with_overrides(**overrides)
    _check_pins(spec, params, sc, where)
    cache: dict[Path, Dataset] = {}
    data = {}
    for side, plan in plans.items():
        p = plan.dataset_path.resolve()
        if p not in cache:
            cache[p] = load_dataset(p)
        data[side] = cache[p]
    _check_commodities(spec, data, where)
    return Race(sc, spec, plans, data, params)


def _check_commodities(spec: GameSpec, data: dict[str, Dataset], where: str) -> None:
    """Refuse measures and min_of sets naming commodities the plan's dataset does not have."""
    problems = []
    for side in SIDES:
        planner_data = data[side]
        known = set(planner_data.commodities.index)
        dep = spec.dependence_of(side)
        named = [
            (f"game.dependence.{side}.min_of", c)
            for c in (dep.min_of if isinstance(dep, MinOf) else [])
        ]
        sender = CN if side == US else US  # the sender whose measures land on this plan
        for i, m in enumerate(spec.measures_of(sender)):
            named += [(f"game.measures.{sender}.{i}.commodities", c) for c in m.commodities]
        problems += [
            Problem(
                where, f"{key}: unknown commodity '{c}'", "use a commodity id of the plan's dataset"
            )
            for key, c in named
            if c not in known
        ]
    if problems:
        raise InputError(problems, title="invalid game section")


def _check_pins(spec: GameSpec, params: GameParams, sc: Scenario, where: str) -> None:
    """Refuse pinned play naming unknown strategies or years outside the race's horizon."""
    problems = []
    for i, pin in enumerate(spec.pinned):
        key = f"game.pinned.{i}"
        for side, name in ((US, pin.US), (CN, pin.CN)):
            names = [s.name for s in params.strategies_of(side)]
            if name not in names:
                problems.append(
                    Problem(
                        where, f"{key}.{side}: unknown strategy '{name}'", f"use one of {names}"
                    )
                )
        years = pin.years(sc.horizon.last)
        if not years or years[0] < sc.horizon.first or years[-1] > sc.horizon.last:
            problems.append(
                Problem(
                    where,
                    f"{key}: years {pin.from_year}-{pin.to_year} outside "
                    f"the race horizon {sc.horizon.first}-{sc.horizon.last}",
                    "pin years within the horizon, from_year <= to_year",
                )
            )
    if problems:
        raise InputError(problems, title="invalid game section")
