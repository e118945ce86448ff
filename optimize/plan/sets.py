"""Sparse index sets and plain-float parameters of the plan LP, derived once from the data.

Only combinations that can carry something are indexed: capacity rows that exist, build
years whose output arrives within the horizon, routes whose exporter can produce the commodity
and whose importer uses it, demand that is positive. Everything here is plain Python (lists of
tuples, dicts of floats) so that building the Pyomo model is a straight walk over lists.

The nominal state serves the planner bloc's final demand after the others' own demand
(optimize/plan/others.py: what regions outside the bloc can serve themselves from supply outside
the bloc comes first), and the rival's exports are capped by the scenario's restrictions. The
cutoff state serves the bloc's targeted demand with the rival removed and other non-bloc
regions at the neutral share (after their own demand).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from network.cutoff import availability
from network.dataset import Dataset
from optimize.plan.fast import fast_leads, fast_track_builds
from optimize.plan.others import other_demand, others_in_cutoff, scrap_used, stockpiles
from optimize.plan.projects import firm_projects, option_spend, project_options, project_table
from optimize.plan.timing import discount_factor, ramp_factor, schedule_build, spend_profile
from optimize.scenario import CRITICAL, Scenario

Key2 = tuple[str, str]
Key3 = tuple[str, str, int]
Arc = tuple[str, str, str]
__all__ = [
    "Arc",
    "Key2",
    "Key3",
    "ModelData",
    "build_model_data",
    "discount_factor",
    "ramp_factor",
    "spend_profile",
]


@dataclass
class ModelData:
    """Everything the model builder needs, as sparse lists and float dicts."""

    years: list[int]
    planner_regions: list[str]
    rival_regions: list[str]
    discount: dict[int, float]
    # capacity
    cap_keys: list[Key2]  # (region, process) rows of the capacity table
    output_of: dict[str, str]  # process -> output commodity
    recipe: dict[str, dict[str, float]]  # process -> {input commodity: amount per activity}
    yields: dict[str, dict[str, float]]  # process -> {output commodity: amount per activity}
    chain_of: dict[str, str]  # commodity -> chain
    fixed_cap: dict[Key3, float]  # existing + projects online, (region, process, year)
    builds: list[Key3]  # (region, process, start year) that may be decided
    build_ub: dict[Key3, float]
    capex: dict[Key2, float]
    fixed_om: dict[Key2, float]
    variable_cost: dict[Key2, float]
    lead_time: dict[Key2, int]
    # build keys in online/spend/paid: (r, p, tau), or (r, p, tau, "fast") for a fast build
    online: dict[Key3, list[tuple[tuple, float]]]  # (r,p,t) -> [(build, factor)]
    spend: dict[int, list[tuple[tuple, float]]]  # year -> [(build, USD per unit built)]
    prod_keys: list[Key3]  # (region, process, year) that may produce
    # trade
    arcs: list[Arc]
    arc_cost: dict[Arc, float]
    arc_max: dict[Arc, float]
    # demand
    demand: dict[Key3, float]  # planner regions only, positive
    penalty: dict[str, float]  # commodity -> USD per unit unserved
    # cutoff state
    avail: dict[str, float]
    cut_years: list[int]  # years with a cutoff state (an active target, or all for searches)
    cut_prod_keys: list[Key3]
    cut_arcs: list[Arc]
    target_commodities: list[str]
    served_keys: list[Key3]  # (region, commodity, year) of the planner's targeted demand
    target_share: dict[tuple[str, int], float]  # (commodity, year) -> required share (0: none)
    # restrictions
    banned: set[tuple[Arc, int]] = field(default_factory=set)
    capped: dict[tuple[str, int], tuple[float, list[Arc]]] = field(default_factory=dict)
    # (commodity, year) -> served keys of its target row
    target_groups: dict[tuple[str, int], list[Key3]] = field(default_factory=dict)
    # exposure: (region, commodity, year) of served keys -> df(t) * p(t) * V(c), USD per unit
    # of the bloc's demand not servable in a cutoff (empty without an exposure section)
    exposure_weight: dict[Key3, float] = field(default_factory=dict)
    likelihood: dict[int, float] = field(default_factory=dict)  # p(t)
    value_lost: dict[str, float] = field(default_factory=dict)  # V(c), USD per unit
    # others' own demand (optimize/plan/others.py): nominal demand outside the bloc; in the cutoff
    # state, neutral activity bounds and the own demand their balances must still serve
    other_demand: dict[Key3, float] = field(default_factory=dict)
    cut_usable: dict[Key3, float] = field(default_factory=dict)
    cut_floor: dict[Key3, float] = field(default_factory=dict)
    # capital inputs: process -> {commodity: per unit of new capacity}; year -> [(build,
    # share of its capex paid that year)]
    capital: dict[str, dict[str, float]] = field(default_factory=dict)
    paid: dict[int, list[tuple[tuple, float]]] = field(default_factory=dict)
    # stockpiles of the planner's regions: (region, commodity) -> opening, holding_cost,
    # max_stock, max_fill, max_release (None: no limit)
    stocks: dict[Key2, dict[str, float | None]] = field(default_factory=dict)
    cut_duration: float = 1.0  # years a cutoff lasts: stock drawable per cutoff year = S / it
    # recycling: (region, scrap, year) -> scrap arising where a process can use it
    scrap: dict[Key3, float] = field(default_factory=dict)
    # by-product limits: (region, process, year) -> most activity the host stream allows
    host_limit: dict[Key3, float] = field(default_factory=dict)
    # disposal: commodity -> USD per unit made but not used (only where > 0)
    disposal: dict[str, float] = field(default_factory=dict)
    # origin of restricted goods: (commodity, year) -> processed content counts too
    origin: dict[tuple[str, int], bool] = field(default_factory=dict)
    # budgets (USD)
    # fast-tracked builds (optimize/plan/fast.py): keys (r, p, tau), their build limit, the
    # fast lead time per row and the capex premium; in online/spend/paid as (r, p, tau, "fast")
    fast_builds: list[Key3] = field(default_factory=list)
    fast_ub: dict[Key3, float] = field(default_factory=dict)
    fast_lead: dict[Key2, int] = field(default_factory=dict)
    fast_premium: float = 0.0
    budget_year: float | None = None
    budget_total: float | None = None
    budget_chain: dict[str, float] = field(default_factory=dict)

    @property
    def first_year(self) -> int:
        return self.years[0]


def build_model_data(data: Dataset, sc: Scenario, all_cutoff_years: bool = False) -> ModelData:
    """Derive the LP's index sets and parameters from a validated dataset and scenario.

    The cutoff state exists only in years where some target is active, unless
    ``all_cutoff_years`` (searches and sweeps that move target years by right-hand sides) or
    the scenario has an exposure section (the expected cutoff loss is priced in every year)."""
    years = sc.years
    first, last = years[0], years[-1]
    planner = data.regions_of(sc.planner)
    rival = data.regions_of(sc.rival)
    planner_set, rival_set = set(planner), set(rival)
    cap = data.capacity
    output_of = {p: str(c) for p, c in data.processes["output"].items()}
    recipe = data.inputs  # per unit of activity (prod and capacity are activity)
    yields = data.yields
    chain_of = {c: str(ch) for c, ch in data.commodities["chain"].items()}

    cap_keys: list[Key2] = list(cap.index)
    capex = {k: float(v) for k, v in cap["capex"].items()}
    fixed_om = {k: float(v) for k, v in cap["fixed_om"].items()}
    variable_cost = {k: float(v) for k, v in cap["variable_cost"].items()}
    lead = {k: int(v) for k, v in cap["lead_time"].items()}
    ramp = {k: int(v) for k, v in cap["ramp_years"].items()}
    life = {k: int(v) for k, v in cap["lifetime"].items()}
    max_build = {k: float(v) for k, v in cap["max_build"].items()}
    existing = {k: float(v) for k, v in cap["existing"].items()}

    # fixed capacity: existing + firm projects online (full from their first year); announced
    # projects are build options below (optimize/plan/projects.py)
    projects = project_table(data, sc)
    proj_by_key = firm_projects(projects)
    fixed_cap: dict[Key3, float] = {}
    for k in cap_keys:
        for t in years:
            v = existing[k] + sum(c for y, c in proj_by_key.get(k, ()) if y <= t)
            if v > 0:
                fixed_cap[(*k, t)] = v

    # builds: planner regions, positive build limit, output arriving within the horizon
    builds: list[Key3] = []
    online: dict[Key3, list[tuple[tuple, float]]] = defaultdict(list)
    spend: dict[int, list[tuple[tuple, float]]] = defaultdict(list)
    paid: dict[int, list[tuple[tuple, float]]] = defaultdict(list)  # year -> [(build, share)]
    for k in cap_keys:
        r, p = k
        if r not in planner_set or max_build[k] <= 0:
            continue
        for tau in range(first, last - lead[k] + 1):
            b = (r, p, tau)
            builds.append(b)
            schedule_build(
                b, tau + lead[k], (first, last), life[k], ramp[k],
                spend_profile(tau, lead[k]), capex[k], (online, spend, paid),
            )  # fmt: skip
    build_ub = {b: max_build[(b[0], b[1])] for b in builds}
    for b, q in project_options(projects, planner_set, lead, first, last):
        if b not in build_ub:  # a start year or region the build limit leaves closed
            builds.append(b)
            build_ub[b] = 0.0
            k = (b[0], b[1])
            schedule_build(
                b, b[2] + lead[k], (first, last), life[k], ramp[k],
                option_spend(b[2], lead[k], first), capex[k], (online, spend, paid),
            )  # fmt: skip
        build_ub[b] += q
    fast_lead: dict[Key2, int] = {}
    fast_keys: list[Key3] = []
    fast_ub: dict[Key3, float] = {}
    if sc.fast_track is not None:  # money buys speed (optimize/plan/fast.py)
        fast_lead = fast_leads(cap, planner_set, max_build)
        fast_keys, fast_ub = fast_track_builds(
            fast_lead,
            premium=sc.fast_track.premium,
            first=first,
            last=last,
            max_build=max_build,
            capex=capex,
            ramp=ramp,
            life=life,
            online=online,
            spend=spend,
            paid=paid,
        )
    prod_keys = sorted(set(fixed_cap) | set(online))

    # demand of the planner bloc
    dem = data.demand_in(years)
    demand: dict[Key3, float] = {
        (r, c, int(t)): float(q) for (r, c, t), q in dem.items() if r in planner_set and q > 0
    }
    others = other_demand(data, sc, fixed_cap, years)  # served first (optimize/plan/others.py)
    penalty = {c: float(v) for c, v in data.commodities["value_unserved"].items()}
    penalty.update({c: float(v) for c, v in sc.value_unserved.items()})

    # routes: exporter can produce the commodity, importer uses it
    produces: set[Key2] = {(r, c) for (r, p, _t) in prod_keys for c in yields[p]}
    uses: set[Key2] = {(r, c) for (r, c, _t) in demand} | {(r, c) for (r, c, _t) in others}
    for r, p, _t in prod_keys:
        uses.update((r, c) for c in recipe[p])
    capital = data.capital  # inputs per unit of new capacity (optimize/plan/model/capital.py)
    uses.update((r, c) for r, p, _tau in builds for c in capital.get(p, {}))
    uses.update(stockpiles(data, planner_set))  # a stock is filled from imports too
    arcs: list[Arc] = []
    arc_cost: dict[Arc, float] = {}
    arc_max: dict[Arc, float] = {}
    for (e, i, c), rec in zip(data.routes.index, data.routes.itertuples(), strict=True):
        if (e, c) in produces and (i, c) in uses:
            a = (e, i, c)
            arcs.append(a)
            arc_cost[a] = float(rec.cost)
            if rec.max_flow == rec.max_flow:  # not NaN
                arc_max[a] = float(rec.max_flow)

    # cutoff state
    avail = availability(data, sc.planner, sc.rival, sc.neutral_share)
    target_commodities: list[str] = []
    target_share: dict[tuple[str, int], float] = {}
    for tg in sc.targets:
        coms = data.critical if tg.commodities == CRITICAL else list(tg.commodities)
        for c in coms:
            if c not in target_commodities:
                target_commodities.append(c)
            for t in years:
                if t >= tg.from_year:
                    target_share[(c, t)] = max(target_share.get((c, t), 0.0), tg.share)
    active = {t for (_c, t), share in target_share.items() if share > 0}
    ex = sc.exposure
    every = all_cutoff_years or ex is not None
    cut_years = list(years) if every else [t for t in years if t in active]
    cut_set = set(cut_years)
    cut_prod_keys = [k for k in prod_keys if avail[k[0]] > 0 and k[2] in cut_set]
    cut_arcs = [a for a in arcs if a[0] not in rival_set and a[1] not in rival_set]
    exposed = exposed_commodities(data, sc)
    targeted = set(target_commodities)
    served_keys = [k for k in demand if (k[1] in targeted or k[1] in exposed) and k[2] in cut_set]
    target_groups: dict[tuple[str, int], list[Key3]] = defaultdict(list)
    for k in served_keys:
        target_groups[(k[1], k[2])].append(k)

    # restrictions on the rival's exports into the bloc
    banned: set[tuple[Arc, int]] = set()
    capped: dict[tuple[str, int], tuple[float, list[Arc]]] = {}
    origin: dict[tuple[str, int], bool] = {}
    for rs in sc.restrictions:
        senders = rival_set | (
            {r for r, s in avail.items() if 0 < s and r not in planner_set}
            if rs.extraterritorial
            else set()
        )
        to_year = rs.to_year if rs.to_year is not None else last
        for c in rs.commodities:
            for t in years:
                if rs.from_year <= t <= to_year:
                    origin[(c, t)] = origin.get((c, t), False) or rs.processed
            into = [a for a in arcs if a[2] == c and a[0] in senders and a[1] in planner_set]
            for t in years:
                if not rs.from_year <= t <= to_year or not into:
                    continue
                if rs.max_share <= 0:
                    banned.update((a, t) for a in into)
                else:
                    prev = capped.get((c, t))
                    share = rs.max_share if prev is None else min(prev[0], rs.max_share)
                    arcs_c = sorted(set(into) | set(prev[1] if prev else []))
                    capped[(c, t)] = (share, arcs_c)

    discount = {t: discount_factor(sc.discount_rate, t, first) for t in years}
    likelihood: dict[int, float] = {}
    value_lost: dict[str, float] = {}
    exposure_weight: dict[Key3, float] = {}
    if ex is not None:
        likelihood = ex.likelihood_by_year(years)
        value_lost = {c: cutoff_value(data, sc, c, penalty) for c in exposed}
        for k in served_keys:
            w = discount[k[2]] * likelihood[k[2]] * value_lost.get(k[1], 0.0)
            if k[1] in exposed and w > 0:
                exposure_weight[k] = w

    cut_usable, cut_floor = others_in_cutoff(data, sc, fixed_cap, cut_years)
    bn = 1e9
    return ModelData(
        years=years,
        planner_regions=planner,
        rival_regions=rival,
        discount=discount,
        cap_keys=cap_keys,
        output_of=output_of,
        recipe=recipe,
        yields=yields,
        chain_of=chain_of,
        fixed_cap=fixed_cap,
        builds=builds,
        build_ub=build_ub,
        capex=capex,
        fixed_om=fixed_om,
        variable_cost=variable_cost,
        lead_time=lead,
        online=dict(online),
        spend=dict(spend),
        prod_keys=prod_keys,
        arcs=arcs,
        arc_cost=arc_cost,
        arc_max=arc_max,
        demand=demand,
        penalty=penalty,
        avail=avail,
        cut_years=cut_years,
        cut_prod_keys=cut_prod_keys,
        cut_arcs=cut_arcs,
        target_commodities=target_commodities,
        served_keys=served_keys,
        target_share=target_share,
        banned=banned,
        capped=capped,
        target_groups=dict(target_groups),
        exposure_weight=exposure_weight,
        other_demand=others,
        cut_usable=cut_usable,
        cut_floor=cut_floor,
        origin=origin,
        capital=capital,
        stocks=stockpiles(data, planner_set),
        cut_duration=1.0 if sc.exposure is None else float(sc.exposure.duration_years),
        scrap=scrap_used(data, years, prod_keys, recipe),
        host_limit={k: v for k, v in data.host_limit(years).items() if k in set(prod_keys)},
        disposal={c: float(v) for c, v in data.commodities["disposal_cost"].items() if v > 0},
        paid=dict(paid),
        fast_builds=fast_keys,
        fast_ub=fast_ub,
        fast_lead=fast_lead,
        fast_premium=0.0 if sc.fast_track is None else sc.fast_track.premium,
        likelihood=likelihood,
        value_lost=value_lost,
        budget_year=None if sc.budget.per_year_usd_bn is None else sc.budget.per_year_usd_bn * bn,
        budget_total=None if sc.budget.total_usd_bn is None else sc.budget.total_usd_bn * bn,
        budget_chain={k: v * bn for k, v in sc.budget.per_chain_per_year_usd_bn.items()},
    )


def exposed_commodities(data: Dataset, sc: Scenario) -> list[str]:
    """Commodities whose cutoff loss the plan prices: the exposure section's list, or the
    dataset's critical commodities; none without an exposure section."""
    ex = sc.exposure
    if ex is None:
        return []
    return list(data.critical) if ex.commodities == CRITICAL else list(ex.commodities)


def cutoff_value(data: Dataset, sc: Scenario, c: str, penalty: dict[str, float]) -> float:
    """V(c), USD per unit of the bloc's demand for ``c`` not servable in a cutoff: the
    scenario's ``exposure.value_lost``, else the dataset's ``commodities.cutoff_damage``, else
    the commodity's value of unserved demand (``penalty``, with scenario overrides)."""
    ex = sc.exposure
    if ex is not None and c in ex.value_lost:
        return float(ex.value_lost[c])
    com = data.commodities
    if "cutoff_damage" in com.columns and c in com.index:
        v = com.at[c, "cutoff_damage"]
        if v == v and v is not None:  # not NaN / empty
            return float(v)
    return float(penalty.get(c, 0.0))
