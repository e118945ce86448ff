"""Scenario files: what to plan, for whom, against whom, with what money and rules.

A scenario is YAML, read with the one safe loader (optimize/safe_yaml.py: no tags that build
objects, alias bombs and deep nesting refused, no key twice, large files refused unread) and
validated with pydantic (errors located by optimize/scenario_errors.py):
unknown keys are refused with the nearest known key suggested, wrong types name the key path.
Money is in USD bn, shares in [0, 1], years are calendar years.

Example::

    name: baseline
    dataset: ../default            # relative to this file
    horizon: {first: 2025, last: 2040}
    planner: US
    rival: CN
    budget: {per_year_usd_bn: 5}
    targets:
      - {commodities: critical, share: 0.95, from_year: 2032}
    restrictions:
      - {name: April 2025 licensing, commodities: [dytb_oxide], from_year: 2025, max_share: 0.5}
"""

from __future__ import annotations

import difflib
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from network.errors import InputError, Problem
from optimize.safe_yaml import MAX_SCENARIO_BYTES, parse_yaml
from optimize.scenario_errors import _model_at, _without_union_branches

CRITICAL = "critical"


class _Strict(BaseModel):
    """Every section: unknown keys refused; NaN and infinities refused in every number, nested
    mappings and lists included (``allow_inf_nan=False``)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


YEAR_MIN, YEAR_MAX = 1990, 2100
MAX_USD_BN = 1e6
"""Plausibility bound on any money amount in USD bn (1e6 bn = 1e15 USD, the dataset's bound)."""
MAX_USD_PER_UNIT = 1e15
MAX_THREADS = 1024
"""Most solver threads a scenario may ask for; the solver also never gets more than the
machine has (:func:`optimize.plan.solve.solver_threads`)."""
Year = Annotated[int, Field(ge=YEAR_MIN, le=YEAR_MAX)]
UsdBn = Annotated[float, Field(ge=0, le=MAX_USD_BN)]
UsdPerUnit = Annotated[float, Field(ge=0, le=MAX_USD_PER_UNIT)]


class Horizon(_Strict):
    first: int = Field(ge=YEAR_MIN, le=YEAR_MAX, description="First planning year.")
    last: int = Field(ge=YEAR_MIN, le=YEAR_MAX, description="Last planning year.")

    @model_validator(mode="after")
    def _ordered(self) -> Horizon:
        if self.last < self.first:
            raise ValueError(f"last ({self.last}) is before first ({self.first})")
        return self

    @property
    def years(self) -> list[int]:
        return list(range(self.first, self.last + 1))


class Budget(_Strict):
    """Limits on the planner's capital spending (capex, spread over each build's lead time)."""

    per_year_usd_bn: UsdBn | None = None
    total_usd_bn: UsdBn | None = None
    per_chain_per_year_usd_bn: dict[str, UsdBn] = Field(default_factory=dict)


class Target(_Strict):
    """From ``from_year`` on, ``share`` of the planner's demand for each listed commodity must
    be servable in the cutoff state (no supply from the rival)."""

    commodities: Literal["critical"] | list[str] = CRITICAL
    share: float = Field(gt=0, le=1)
    from_year: Year
    name: str = ""


class Restriction(_Strict):
    """The rival caps its exports of ``commodities`` to the planner's bloc from ``from_year`` to
    ``to_year``: ``max_share`` of the bloc's use of each (0 = a ban). ``extraterritorial``
    extends the cap to exports from neutral regions (goods carrying the rival's inputs).
    Whatever the flag, a neutral region may not pass the rival's goods on to the bloc: its
    exports of c to the bloc are at most its own production of c plus its imports of c from
    non-rival regions; ``processed`` counts c's content in the goods it makes from c too
    (docs/model.md, origin of restricted goods)."""

    name: str = ""
    commodities: list[str]
    from_year: Year
    to_year: Year | None = None
    max_share: float = Field(default=0.0, ge=0, le=1)
    extraterritorial: bool = False
    processed: bool = False
    source: str = ""

    @model_validator(mode="after")
    def _years(self) -> Restriction:
        if self.to_year is not None and self.to_year < self.from_year:
            raise ValueError(f"to_year ({self.to_year}) is before from_year ({self.from_year})")
        return self


class Exposure(_Strict):
    """The value of being independent: how likely the rival cuts supply, and what a cut costs.

    With an exposure section the plan's objective adds, for every year t and exposed commodity
    c, df(t) * p(t) * V(c) * (D(c,t) - served(c,t)): the discounted expected loss of the bloc's
    demand that could not be served if the rival cut supply that year (docs/model.md).
    ``likelihood`` is p(t), a number for every year or a path ``{year: p}`` (linear between the
    listed years, flat before the first and after the last). ``value_lost`` overrides the
    dataset's ``commodities.cutoff_damage`` (USD per unit; where that is empty, the commodity's
    value_unserved). ``commodities``: 'critical' or a list. ``duration_years``: how long a
    cutoff lasts once it starts; a stock drawn in the cutoff state is spread over it (at most
    stock / duration a year), so a stockpile bridges a long cutoff only in part.
    """

    likelihood: float | dict[int, float] = Field(
        description="Probability per year that the rival cuts supply (0-1), or a path."
    )
    value_lost: dict[str, float] = Field(default_factory=dict)
    commodities: Literal["critical"] | list[str] = CRITICAL
    duration_years: float = Field(
        default=1.0,
        ge=1.0,
        le=50.0,
        description="How long a cutoff lasts once it starts: a stockpile is spread over it.",
    )
    source: str = ""

    @model_validator(mode="after")
    def _ranges(self) -> Exposure:
        path = self.likelihood if isinstance(self.likelihood, dict) else {0: self.likelihood}
        if isinstance(self.likelihood, dict) and not path:
            raise ValueError("likelihood path is empty: give {year: probability, ...}")
        for y, p in path.items():
            if not (0.0 <= p <= 1.0):  # also refuses NaN
                raise ValueError(f"likelihood {p!r} (year {y}) is not a probability in [0, 1]")
        for c, v in self.value_lost.items():
            if not (0.0 <= v < 1e15):
                raise ValueError(f"value_lost for '{c}' = {v!r}: give USD per unit, >= 0")
        return self

    def likelihood_by_year(self, years: list[int]) -> dict[int, float]:
        """p(t) for each year: the number, or the path interpolated linearly between its
        years and held flat outside them.

        >>> Exposure(likelihood={2025: 0.1, 2029: 0.5}).likelihood_by_year([2024, 2027, 2031])
        {2024: 0.1, 2027: 0.3, 2031: 0.5}
        """
        if not isinstance(self.likelihood, dict):
            return {t: float(self.likelihood) for t in years}
        pts = sorted(self.likelihood.items())
        out = {}
        for t in years:
            if t <= pts[0][0]:
                out[t] = float(pts[0][1])
            elif t >= pts[-1][0]:
                out[t] = float(pts[-1][1])
            else:
                for (y0, p0), (y1, p1) in zip(pts, pts[1:], strict=False):
                    if y0 <= t <= y1:
                        out[t] = round(p0 + (p1 - p0) * (t - y0) / (y1 - y0), 12)
                        break
        return out


class AddedProject(_Strict):
    """A build the scenario adds to the dataset's projects (e.g. a deal signed after it)."""

    project: str
    region: str
    process: str
    capacity: float = Field(ge=0, le=MAX_USD_PER_UNIT)
    first_year: Year
    status: Literal["committed", "announced"] = "committed"
    source: str


class Projects(_Strict):
    """How the dataset's projects count (optimize/plan/projects.py): committed ones are firm
    capacity; ``announced`` ones are an option the plan may take at the capacity row's capex
    ('option', the default), firm ('firm') or left out ('ignore'); never free capacity unless
    the scenario says so. ``firm`` names announced projects this scenario treats as committed;
    ``add`` adds projects."""

    announced: Literal["option", "firm", "ignore"] = "option"
    firm: list[str] = Field(default_factory=list)
    add: list[AddedProject] = Field(default_factory=list)


class FastTrack(_Strict):
    """Money buys speed: a build may be fast-tracked, started with its capacity row's
    ``lead_time_low`` (the fast end of its range: observed ex-China builds) instead of its
    ``lead_time``, at ``1 + premium`` times the capex. Fast-tracked and ordinary builds started
    in the same year share the row's build limit (docs/model.md, "Fast-tracked builds").
    Without this section no build is fast-tracked."""

    premium: float = Field(
        gt=0, le=10, description="Extra capex of a fast-tracked build, as a share (0.5: +50%)."
    )
    source: str = ""


class SolverMethod(str, Enum):
    CHOOSE = "choose"
    SIMPLEX = "simplex"
    IPM = "ipm"


class SolverOptions(_Strict):
    method: SolverMethod = SolverMethod.CHOOSE
    time_limit_s: float | None = Field(default=None, gt=0)
    threads: int | None = Field(default=None, ge=1, le=MAX_THREADS)
    gap: float | None = Field(default=None, ge=1e-12, le=0.1)


class Scenario(_Strict):
    name: str
    description: str = ""
    dataset: str
    horizon: Horizon
    planner: str
    rival: str
    discount_rate: float = Field(default=0.05, ge=0, le=1)
    neutral_share: float = Field(default=1.0, ge=0, le=1)
    threshold: float = Field(default=0.95, gt=0, le=1)
    budget: Budget = Field(default_factory=Budget)
    targets: list[Target] = Field(default_factory=list)
    restrictions: list[Restriction] = Field(default_factory=list)
    value_unserved: dict[str, UsdPerUnit] = Field(default_factory=dict)
    exposure: Exposure | None = None
    fast_track: FastTrack | None = None
    projects: Projects = Field(default_factory=Projects)
    solver: SolverOptions = Field(default_factory=SolverOptions)
    game: dict[str, Any] | None = None
    sweep: dict[str, Any] | None = None
    # where the file was read from; dataset paths are relative to it
    base_dir: str = Field(default=".", exclude=True)

    @model_validator(mode="after")
    def _sides(self) -> Scenario:
        if self.planner == self.rival:
            raise ValueError(f"planner and rival are both '{self.planner}'")
        return self

    @property
    def dataset_path(self) -> Path:
        p = Path(self.dataset)
        return p if p.is_absolute() else Path(self.base_dir) / p

    @property
    def years(self) -> list[int]:
        return self.horizon.years


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file. Raises InputError naming every bad key."""
    p = Path(path)
    if not p.is_file():
        what = "is not a regular file (a folder, device or pipe)" if p.exists() else None
        raise InputError(
            Problem(str(p), what or "no such scenario file", "give a .yaml scenario file")
        )
    size = p.stat().st_size
    if size > MAX_SCENARIO_BYTES:
        raise InputError(
            Problem(
                p.name,
                f"the file is {size:,} bytes (most {MAX_SCENARIO_BYTES:,} for a scenario)",
                "a scenario is a short YAML file; put data in the dataset",
            )
        )
    try:
        raw = parse_yaml(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        raise InputError(
            Problem(
                p.name,
                f"not valid YAML ({getattr(exc, 'problem', exc)})",
                "fix the YAML syntax",
                row=row,
            )
        ) from None
    except UnicodeDecodeError:
        raise InputError(Problem(p.name, "not UTF-8 text", "save as UTF-8")) from None
    if raw is None:
        raise InputError(Problem(p.name, "the file is empty", "see docs/scenario.md"))
    if not isinstance(raw, dict):
        raise InputError(
            Problem(p.name, "the file is not a mapping of keys", "see docs/scenario.md")
        )
    return scenario_from_dict(raw, where=p.name, base_dir=str(p.parent))


def scenario_from_dict(
    raw: dict[str, Any], where: str = "scenario", base_dir: str = "."
) -> Scenario:
    """Validate a scenario given as a dict (e.g. from a workbook's Scenario sheet)."""
    try:
        return Scenario.model_validate({**raw, "base_dir": base_dir})
    except ValidationError as exc:
        raise InputError(validation_problems(exc, where), title="invalid scenario") from None


def validation_problems(
    exc: ValidationError,
    where: str,
    root: type[BaseModel] | None = None,
    prefix: str = "",
    doc: str = "docs/scenario.md",
) -> list[Problem]:
    """One Problem per pydantic error: the key path (under ``prefix``), what is wrong, and for
    an unknown key the nearest known key of the model it appeared in (from ``root`` down)."""
    root = root or Scenario
    out = []
    for e in _without_union_branches(exc.errors()):
        loc = ".".join([*([prefix] if prefix else []), *(str(x) for x in e["loc"])])
        if e["type"] == "extra_forbidden":
            model = _model_at(e["loc"][:-1], root)
            known = list(model.model_fields) if model else []
            near = difflib.get_close_matches(str(e["loc"][-1]), known, n=1)
            fix = f"did you mean '{near[0]}'?" if near else f"known keys: {', '.join(known)}"
            out.append(Problem(where, f"unknown key '{loc}'", fix))
        elif e["type"] == "missing":
            out.append(Problem(where, f"key '{loc}' is missing", f"add it (see {doc})"))
        else:
            value = e.get("input")
            shown = repr(value) if not isinstance(value, dict | list) else type(value).__name__
            out.append(Problem(where, f"key '{loc}' = {shown}: {e['msg']}", "correct the value"))
    return out


def check_against(scenario: Scenario, data: Any) -> None:
    """Refuse a scenario that names blocs or commodities the dataset does not have."""
    where = f"scenario '{scenario.name}'"
    problems: list[Problem] = []
    for key in ("planner", "rival"):
        bloc = getattr(scenario, key)
        if bloc not in data.blocs:
            problems.append(
                Problem(
                    where,
                    f"{key} '{bloc}' is not a bloc of the dataset",
                    f"use one of {', '.join(data.blocs)}",
                )
            )
    known = set(data.commodities.index)
    named: list[tuple[str, str]] = []
    for i, t in enumerate(scenario.targets):
        if t.commodities != CRITICAL:
            named += [(f"targets.{i}.commodities", c) for c in t.commodities]
        if not scenario.horizon.first <= t.from_year <= scenario.horizon.last:
            problems.append(
                Problem(
                    where,
                    f"targets.{i}.from_year {t.from_year} is outside the horizon "
                    f"{scenario.horizon.first}-{scenario.horizon.last}",
                    "choose a year within the horizon",
                )
            )
    for i, r in enumerate(scenario.restrictions):
        named += [(f"restrictions.{i}.commodities", c) for c in r.commodities]
    named += [("value_unserved", c) for c in scenario.value_unserved]
    if scenario.exposure is not None:
        ex = scenario.exposure
        named += [("exposure.value_lost", c) for c in ex.value_lost]
        if ex.commodities != CRITICAL:
            named += [("exposure.commodities", c) for c in ex.commodities]
    for key, c in named:
        if c not in known:
            near = difflib.get_close_matches(c, sorted(known), n=1)
            fix = f"did you mean '{near[0]}'?" if near else "use a commodity id of the dataset"
            problems.append(Problem(where, f"{key}: unknown commodity '{c}'", fix))
    chains = set(data.commodities["chain"])
    for ch in scenario.budget.per_chain_per_year_usd_bn:
        if ch not in chains:
            problems.append(
                Problem(
                    where,
                    f"budget.per_chain_per_year_usd_bn: unknown chain '{ch}'",
                    f"use one of {', '.join(sorted(chains))}",
                )
            )
    if problems:
        raise InputError(problems, title="scenario does not fit the dataset")
