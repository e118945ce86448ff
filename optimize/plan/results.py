"""Typed plan results: tidy DataFrames with named indices, read off a solved model."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import pyomo.environ as pyo

from network.cutoff import CHAIN, CutoffLP
from network.dataset import Dataset
from optimize.plan.fast import build_var, build_vars
from optimize.plan.independence import CostOfIndependence, dependence_years
from optimize.plan.model.objective import COST_COMPONENTS
from optimize.plan.model.targets import target_demand
from optimize.plan.sets import ModelData
from optimize.plan.solve import Solved, Status
from optimize.plan.survive import time_to_survive
from optimize.scenario import Scenario

EPS = 1e-7
ALL_CHAINS = "all chains"  # the per-year budget
TOTAL = "total"  # the horizon budget, reported in the last year


@dataclass(frozen=True)
class Diagnosis:
    """Why a plan cannot be met: which target or limit gives way, by how much, from when."""

    kind: str  # "target" or "budget"
    item: str  # commodity, or budget name
    first_year: int
    amount: float  # target: share points short (0-1); budget: USD over
    binding: str  # "lead time", "build limit", "budget", "no buildable supply", ...
    message: str


@dataclass(frozen=True)
class PlanResult:
    """Everything a plan says. Money in USD (discounted where the column says so)."""

    scenario: Scenario
    status: Status
    objective: float  # discounted USD
    costs: pd.Series  # component -> discounted USD
    # (region, process, year): capacity, capex_usd, commodity, online_year, fast_tracked (the
    # part of capacity fast-tracked; online_year is the earliest of the parts started)
    builds: pd.DataFrame
    spend: pd.DataFrame  # (year): spend_usd, budget_usd
    capacity: pd.DataFrame  # (region, process, year): capacity, new_capacity
    production: pd.DataFrame  # (region, process, year): production
    flows: pd.DataFrame  # (exporter, importer, commodity, year): flow
    unserved: pd.DataFrame  # (region, commodity, year): demand, unserved
    cutoff: pd.DataFrame  # (commodity, year): cutoff_share
    timeline: pd.DataFrame  # (commodity): year, share_last_year
    chain_year: int | None
    target_prices: pd.DataFrame  # (commodity, year): usd_per_unit, usd_per_pct_point
    budget_prices: pd.DataFrame  # (budget, year): usd_per_usd (discounted USD per extra USD)
    sizes: dict[str, float] = field(default_factory=dict)
    diagnosis: tuple[Diagnosis, ...] = ()
    assumptions: tuple[str, ...] = ()
    # (commodity, year): likelihood, value_lost_usd_per_unit, demand, served_in_cutoff,
    # loss_usd, expected_loss_usd (undiscounted); empty without an exposure section
    exposure: pd.DataFrame = field(default_factory=pd.DataFrame)
    # (commodity): planned_year, earliest_year, binding, plan_note, share_last_year
    independence: pd.DataFrame = field(default_factory=pd.DataFrame)
    cost_of_independence: CostOfIndependence | None = None
    dependence_years: float = 0.0  # sum over years of 1 - the chain's cutoff share
    # (commodity, year): stock at the start of the year, cutoff shortfall a year, years of
    # full cutoff the stock covers (optimize/plan/survive.py); empty without stockpiles
    survival: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def ok(self) -> bool:
        return self.status is Status.OPTIMAL


def _frame(rows: list[tuple], index: list[str], columns: list[str]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=index + columns)
    return df.set_index(index).sort_index() if len(index) else df


def plan_capacity(m: pyo.ConcreteModel, d: ModelData) -> pd.Series:
    """Capacity of every (region, process) in every year under the solved plan."""
    rows = []
    for k in d.prod_keys:
        new = float(m.new_cap[k].value or 0.0) if k in d.online else 0.0
        rows.append((*k, d.fixed_cap.get(k, 0.0) + new))
    s = _frame(rows, ["region", "process", "year"], ["capacity"])["capacity"]
    pairs = sorted({(r, p) for r, p, _t in d.prod_keys})
    full = pd.MultiIndex.from_tuples(
        [(r, p, t) for r, p in pairs for t in d.years], names=["region", "process", "year"]
    )
    return s.reindex(full, fill_value=0.0)


def timeline_from_cutoff(cutoff: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """First year from which each commodity's cutoff share stays >= threshold (None if never).

    ``cutoff`` has index (commodity, year) and a column cutoff_share.
    """
    rows = []
    for c, grp in cutoff["cutoff_share"].groupby(level="commodity", sort=False):
        s = grp.droplevel("commodity").sort_index()
        ok = s >= threshold - 1e-9
        year = None
        for y in s.index[::-1]:
            if not ok[y]:
                break
            year = int(y)
        rows.append((c, year, float(s.iloc[-1])))
    out = pd.DataFrame(rows, columns=["commodity", "year", "share_last_year"]).set_index(
        "commodity"
    )
    out["year"] = out["year"].astype("Int64")
    return out


def cutoff_table(data: Dataset, sc: Scenario, cap: pd.Series, years: list[int]) -> pd.DataFrame:
    """Per year and critical commodity the planner demands: the cutoff share on ``cap``
    (index region, process, year), plus the chain-wide share."""
    return cutoff_tables(data, sc, cap, years)[0]


def cutoff_tables(
    data: Dataset, sc: Scenario, cap: pd.Series, years: list[int]
) -> tuple[pd.DataFrame, pd.Series]:
    """:func:`cutoff_table` and, by year, the chain's dependence: 1 - the largest mean share
    of its critical commodities servable at once (CutoffLP.solve_mean)."""
    from network.cutoff import availability, bloc_demand
    from network.reserve import ReserveLP

    lp = CutoffLP.build(data, sc.planner, set(data.regions_of(sc.rival)))
    others = ReserveLP(data, sc.planner, sc.rival)  # neutral regions' own demand first
    avail = availability(data, sc.planner, sc.rival, sc.neutral_share)
    by_year = {int(t): g.droplevel("year") for t, g in cap.groupby(level="year")}
    empty = pd.Series(
        [], dtype=float, index=pd.MultiIndex.from_tuples([], names=["region", "process"])
    )
    rows = []
    mean: dict[int, float] = {}
    for t in years:
        dem = bloc_demand(data, sc.planner, t)
        if not len(dem):
            continue
        cap_t = by_year.get(t, empty)
        reserve = others.solve(t, cap_t, sc.neutral_share)
        usable, dem_arr = lp.arrays(cap_t, avail, dem, reserve, t)
        floor = lp.floor(reserve, t, avail)
        present = set(dem.index.get_level_values("commodity"))
        for c in data.critical:
            if c in present:
                rows.append((c, t, lp.solve_arrays(usable, dem_arr, c, floor)))
        rows.append((CHAIN, t, lp.solve_arrays(usable, dem_arr, None, floor)))
        mean[t] = 1.0 - lp.solve_mean(usable, dem_arr, floor)
    frame = pd.DataFrame(rows, columns=["commodity", "year", "cutoff_share"]).set_index(
        ["commodity", "year"]
    )
    dep = pd.Series(mean, name="dependence", dtype=float).dropna()
    dep.index.name = "year"
    return frame, dep


def build_table(m: pyo.ConcreteModel, d: ModelData) -> pd.DataFrame:
    """Builds started, one row per (region, process, start year), ordinary and fast-tracked
    together: capacity, capex (the fast part with its premium), first online year."""
    rows: dict[tuple, list] = {}
    for key, var, unit_capex in build_vars(m, d):  # ordinary, then fast-tracked
        v = float(var.value or 0.0)
        if v <= EPS:
            continue
        b, fast = key[:3], len(key) == 4
        online = b[2] + (d.fast_lead if fast else d.lead_time)[(b[0], b[1])]
        row = rows.setdefault(b, [0.0, 0.0, d.output_of[b[1]], online, 0.0])
        row[0] += v
        row[1] += v * unit_capex
        row[3] = min(row[3], online)
        if fast:
            row[4] += v
    return _frame(
        [(*b, *row) for b, row in sorted(rows.items())],
        ["region", "process", "year"],
        ["capacity", "capex_usd", "commodity", "online_year", "fast_tracked"],
    )


def read_result(
    data: Dataset,
    sc: Scenario,
    d: ModelData,
    solved: Solved,
    diagnosis: tuple[Diagnosis, ...] = (),
) -> PlanResult:
    """Tables of a solved plan (values must be loaded into the model)."""
    m = solved.model
    val = pyo.value
    costs = pd.Series({k: float(val(getattr(m, f"cost_{k}"))) for k in COST_COMPONENTS}, name="usd")
    costs.index.name = "component"
    builds = build_table(m, d)
    spend_rows = []
    for t in d.years:
        s = sum(c * float(build_var(m, b).value or 0.0) for b, c in d.spend.get(t, []))
        spend_rows.append((t, s, d.budget_year if d.budget_year is not None else float("nan")))
    spend = _frame(spend_rows, ["year"], ["spend_usd", "budget_usd"])
    cap = plan_capacity(m, d)
    new_cap = {
        k: sum(f * float(build_var(m, b).value or 0.0) for b, f in terms)
        for k, terms in d.online.items()
    }
    capacity = cap.to_frame()
    capacity["new_capacity"] = [new_cap.get(k, 0.0) for k in capacity.index]
    production = _frame(
        [(*k, float(m.prod[k].value or 0.0)) for k in d.prod_keys],
        ["region", "process", "year"],
        ["production"],
    )
    flows = _frame(
        [(*k, v) for k in m.flow if (v := float(m.flow[k].value or 0.0)) > EPS],
        ["exporter", "importer", "commodity", "year"],
        ["flow"],
    )
    unserved = _frame(
        [(*k, q, float(m.unserved[k].value or 0.0)) for k, q in d.demand.items()],
        ["region", "commodity", "year"],
        ["demand", "unserved"],
    )
    cutoff, dependence = cutoff_tables(data, sc, cap, d.years)
    timeline = timeline_from_cutoff(cutoff, sc.threshold)
    chain_year = timeline.loc[CHAIN, "year"] if CHAIN in timeline.index else None
    chain_year = None if chain_year is None or pd.isna(chain_year) else int(chain_year)
    tp_rows = []
    if hasattr(m, "target"):
        for (c, t), con in m.target.items():
            if d.target_share.get((c, t), 0.0) <= 0:
                continue
            dual = solved.dual(con)
            tp_rows.append((c, t, dual, dual * 0.01 * target_demand(d, c, t)))
    target_prices = _frame(tp_rows, ["commodity", "year"], ["usd_per_unit", "usd_per_pct_point"])
    bp_rows = []
    if hasattr(m, "budget_year"):
        for t, con in m.budget_year.items():
            bp_rows.append((ALL_CHAINS, t, -solved.dual(con)))
    if hasattr(m, "budget_chain"):
        for (ch, t), con in m.budget_chain.items():
            bp_rows.append((ch, t, -solved.dual(con)))
    if hasattr(m, "budget_total"):
        bp_rows.append((TOTAL, d.years[-1], -solved.dual(m.budget_total)))
    budget_prices = _frame(bp_rows, ["budget", "year"], ["usd_per_usd"])
    sizes = {
        "variables": solved.n_vars,
        "constraints": solved.n_rows,
        "nonzeros": solved.nnz,
        "build_s": solved.timings.build_s,
        "compile_s": solved.timings.compile_s,
        "solve_s": solved.timings.solve_s,
    }
    return PlanResult(
        exposure=exposure_table(m, d),
        dependence_years=dependence_years(dependence),
        scenario=sc,
        status=solved.status,
        objective=solved.objective,
        costs=costs,
        builds=builds,
        spend=spend,
        capacity=capacity,
        production=production,
        flows=flows,
        unserved=unserved,
        cutoff=cutoff,
        survival=time_to_survive(m, d, cutoff) if d.stocks else pd.DataFrame(),
        timeline=timeline,
        chain_year=chain_year,
        target_prices=target_prices,
        budget_prices=budget_prices,
        sizes=sizes,
        diagnosis=diagnosis,
        assumptions=assumptions_of(data),
    )


def exposure_table(m: pyo.ConcreteModel, d: ModelData) -> pd.DataFrame:
    """Per exposed commodity and year: p(t), V(c), the bloc's demand, what its cutoff state
    serves, the loss if cut off that year V * (demand - served) and its expectation p * loss
    (USD, undiscounted). Empty without an exposure section."""
    cols = [
        "likelihood",
        "value_lost_usd_per_unit",
        "demand",
        "served_in_cutoff",
        "loss_usd",
        "expected_loss_usd",
    ]
    if not d.value_lost:
        return _frame([], ["commodity", "year"], cols)
    agg: dict[tuple[str, int], list[float]] = {}
    for k in d.served_keys:
        if k[1] not in d.value_lost:
            continue
        a = agg.setdefault((k[1], k[2]), [0.0, 0.0])
        a[0] += d.demand[k]
        a[1] += min(d.demand[k], max(0.0, float(m.served[k].value or 0.0)))
    rows = []
    for (c, t), (dem, served) in agg.items():
        p, v = d.likelihood.get(t, 0.0), d.value_lost[c]
        loss = v * (dem - served)
        rows.append((c, t, p, v, dem, served, loss, p * loss))
    return _frame(rows, ["commodity", "year"], cols)


def assumptions_of(data: Dataset) -> tuple[str, ...]:
    """Rows of the dataset whose source says they are assumptions, as 'table: key: source'."""
    out = []
    for name in (
        "regions",
        "commodities",
        "processes",
        "process_inputs",
        "capacity",
        "projects",
        "demand",
        "routes",
    ):
        df = getattr(data, name)
        if "source" not in df.columns:
            continue
        mask = df["source"].astype(str).str.lower().str.startswith("assumption")
        for key, src in df.loc[mask, "source"].items():
            k = "/".join(map(str, key)) if isinstance(key, tuple) else str(key)
            out.append(f"{name}: {k}: {src}")
    return tuple(out)
