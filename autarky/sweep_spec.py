"""The ``sweep:`` section of a scenario and its expansion into variants (docs/compare.md):
budgets, a grid, named variants, and Monte Carlo draws of uncertain inputs."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from network.errors import InputError, Problem
from optimize.scenario import Restriction, Scenario
from optimize.sweep import Variant

GRID_KEYS = (
    "budget_usd_bn",
    "target_year",
    "lead_time_multiplier",
    "lead_time_quantile",
    "capex_multiplier",
    "demand_growth_multiplier",
    "restriction",
    "restriction_start_year",
    "discount_rate",
    "build_limit_multiplier",
    "damage",
    "neutral_share",
)
UncertainKey = Literal[
    "lead_time_multiplier",
    "lead_time_quantile",
    "capex_multiplier",
    "demand_growth_multiplier",
    "restriction_start_year",
]


# ---------------------------------------------------------------------------------------
# the sweep section


MAX_VARIANTS = 100_000
"""Most variants one sweep may expand to (grid x named variants x Monte Carlo draws)."""


class Dist(BaseModel):
    """A distribution of one uncertain input. uniform: low, high; triangular: low, mode, high;
    normal: mean, sd (clipped to [low, high] when given); choice: values (equally likely)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    dist: Literal["uniform", "triangular", "normal", "choice"]
    low: float | None = None
    high: float | None = None
    mode: float | None = None
    mean: float | None = None
    sd: float | None = Field(default=None, ge=0)
    values: list[float] | None = None

    @model_validator(mode="after")
    def _complete(self) -> Dist:
        need = {
            "uniform": ("low", "high"),
            "triangular": ("low", "mode", "high"),
            "normal": ("mean", "sd"),
            "choice": ("values",),
        }[self.dist]
        missing = [k for k in need if getattr(self, k) is None]
        if missing:
            raise ValueError(f"{self.dist} needs {', '.join(missing)}")
        if self.dist in ("uniform", "triangular") and self.low > self.high:  # type: ignore[operator]
            raise ValueError(f"low ({self.low}) is above high ({self.high})")
        if self.dist == "triangular" and not self.low <= self.mode <= self.high:  # type: ignore[operator]
            raise ValueError("mode must lie between low and high")
        if self.dist == "choice" and not self.values:
            raise ValueError("choice needs at least one value")
        return self

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        if self.dist == "uniform":
            return rng.uniform(self.low, self.high, n)
        if self.dist == "triangular":
            if self.low == self.high:
                return np.full(n, float(self.low))  # type: ignore[arg-type]
            return rng.triangular(self.low, self.mode, self.high, n)
        if self.dist == "normal":
            x = rng.normal(self.mean, self.sd, n)
            lo = -np.inf if self.low is None else self.low
            hi = np.inf if self.high is None else self.high
            return np.clip(x, lo, hi)
        return rng.choice(np.asarray(self.values, dtype=float), n)


class SweepSpec(BaseModel):
    """The scenario's ``sweep:`` section (docs/compare.md)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    budgets_usd_bn: list[Annotated[float, Field(ge=0, le=1e6)]] = Field(default_factory=list)
    budget_chains: list[str] | None = None
    grid: dict[str, list[Any]] = Field(default_factory=dict)
    variants: list[Variant] = Field(default_factory=list)
    restriction_sets: dict[str, list[Restriction]] = Field(default_factory=dict)
    uncertain: dict[UncertainKey, Dist] = Field(default_factory=dict)
    monte_carlo: int | None = Field(default=None, ge=1, le=MAX_VARIANTS)
    seed: int = Field(default=0, ge=0)
    earliest: bool = False

    @model_validator(mode="after")
    def _keys(self) -> SweepSpec:
        bad = sorted(set(self.grid) - set(GRID_KEYS))
        if bad:
            raise ValueError(f"unknown grid keys {bad}; use {', '.join(GRID_KEYS)}")
        if any(not v for v in self.grid.values()):
            raise ValueError("every grid key needs at least one value")
        return self


def sweep_spec(sc: Scenario, where: str = "scenario") -> SweepSpec:
    """Validate ``sc.sweep`` (absent: an empty spec) and check it against the scenario."""
    try:
        spec = SweepSpec.model_validate(sc.sweep or {})
    except ValidationError as exc:
        raise InputError(
            [
                Problem(where, f"sweep.{'.'.join(map(str, e['loc']))}: {e['msg']}", "fix it")
                for e in exc.errors()
            ],
            title="invalid sweep section",
        ) from None
    problems = [
        Problem(where, f"sweep.grid.{key}.{i} = {v!r}: {msg}", "correct the value")
        for key, values in spec.grid.items()
        for i, v in enumerate(values)
        for msg in _refusals({key: v})
    ]
    names = set(spec.restriction_sets)
    used = [*spec.grid.get("restriction", []), *(v.restriction for v in spec.variants)]
    for r in used:
        if r is not None and r not in names:
            problems.append(
                Problem(
                    where, f"sweep: unknown restriction set '{r}'", "add it to restriction_sets"
                )
            )
    years = [*spec.grid.get("target_year", []), *(v.target_year for v in spec.variants)]
    for y in years:
        if y is not None and not sc.targets:
            problems.append(
                Problem(where, "sweep: target_year given", "the scenario has no targets")
            )
            break
        if y is not None and not sc.horizon.first <= int(y) <= sc.horizon.last:
            problems.append(
                Problem(
                    where,
                    f"sweep: target_year {y} is outside the horizon",
                    "choose a year within the horizon",
                )
            )
    chains = set(sc.budget.per_chain_per_year_usd_bn)
    for ch in spec.budget_chains or []:
        if ch not in chains:
            problems.append(
                Problem(where, f"sweep.budget_chains: '{ch}' has no budget in the scenario", "")
            )
    if problems:
        raise InputError(problems, title="invalid sweep section")
    return spec


def _refusals(fields: dict[str, Any]) -> list[str]:
    """Why a variant with these fields is refused by :class:`Variant` (range, type, NaN)."""
    try:
        Variant(name="check", **fields)
    except ValidationError as exc:
        return [e["msg"] for e in exc.errors()]
    return []


def _variant(fields: dict[str, Any], where: str) -> Variant:
    """The variant, or an InputError naming it and each refused value (e.g. a Monte Carlo
    draw outside the value's range)."""
    try:
        return Variant(**fields)
    except ValidationError as exc:
        problems = [
            Problem(
                where,
                f"sweep variant '{fields.get('name')}': {'.'.join(map(str, e['loc']))} = "
                f"{e.get('input')!r}: {e['msg']}",
                "bound the sweep's values (grid, variants, or low/high of sweep.uncertain)",
            )
            for e in exc.errors()
        ]
        raise InputError(problems, title="invalid sweep section") from None


def _num(x: Any) -> str:
    return f"{x:g}" if isinstance(x, float | int) else str(x)


def _short(key: str) -> str:
    return "budget" if key == "budget_usd_bn" else key


def expand(
    spec: SweepSpec,
    budgets: Sequence[float] | None = None,
    monte_carlo: int | None = None,
    seed: int | None = None,
    lead_times: Sequence[float] | None = None,
    where: str = "sweep",
) -> list[Variant]:
    """The variants, in a stable order: the grid (budgets from the command line replace the
    section's) crossed with itself, then the named variants; with Monte Carlo, every one of
    those crossed with the same N draws (common random numbers, reproducible by seed).
    ``lead_times`` (multipliers from the command line) replace the grid's lead times."""
    grid = dict(spec.grid)
    budget_list = list(budgets) if budgets else list(spec.budgets_usd_bn)
    if budget_list:
        grid["budget_usd_bn"] = budget_list
    if lead_times:
        grid["lead_time_multiplier"] = list(lead_times)
    base: list[dict[str, Any]] = []
    if grid:
        keys = [k for k in GRID_KEYS if k in grid]
        for combo in itertools.product(*(grid[k] for k in keys)):
            point = dict(zip(keys, combo, strict=True))
            label = ", ".join(f"{_short(k)}={_num(v)}" for k, v in point.items())
            base.append({"name": label, **point})
    base += [v.model_dump(exclude_defaults=True) | {"name": v.name} for v in spec.variants]
    if not base:
        base = [{"name": "scenario"}]
    n = monte_carlo if monte_carlo is not None else spec.monte_carlo
    if len(base) * (n or 1) > MAX_VARIANTS:
        raise InputError(
            Problem(
                where,
                f"the sweep expands to {len(base) * (n or 1):,} variants (most {MAX_VARIANTS:,})",
                "sweep fewer values, or fewer Monte Carlo draws",
            ),
            title="invalid sweep section",
        )
    if not n:
        return [_variant(b, where) for b in base]
    if not spec.uncertain:
        raise InputError(
            Problem("sweep", "Monte Carlo asked for but no uncertain inputs", "add sweep.uncertain")
        )
    rng = np.random.default_rng(spec.seed if seed is None else seed)
    draws = {k: spec.uncertain[k].sample(rng, n) for k in sorted(spec.uncertain)}
    out = []
    for b in base:
        for i in range(n):
            v = dict(b)
            for k, xs in draws.items():
                v[k] = int(round(xs[i])) if k == "restriction_start_year" else float(xs[i])
            v["name"] = f"{b['name']} #{i + 1:04d}"
            v["sample"] = i + 1
            out.append(_variant(v, where))
    return out
