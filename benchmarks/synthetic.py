"""Synthetic supply-chain networks in the dataset schema, for benchmarks and smoke tests.

Network shape:

* ``n_regions`` regions in three groups: about 40% in bloc US (the planner), 30% in bloc CN
  (the rival), the rest 'neutral'.
* ``n_chains`` chains of ``stages`` commodities ``c<ch>_<k>``; process ``p<ch>_<k>`` makes
  stage k and consumes ``amount`` (1.0-1.5) of stage k-1 per unit (stage 0 has no inputs).
  The last stage is critical and has final demand in a subset of US regions (and, unmodelled
  by the plan, a few other regions).
* capacity rows are sparse: each region has each process with probability ``density``; every
  process has at least one row in each group. CN holds most existing capacity, neutral some,
  US a little plus build options (``max_build`` > 0) sized so the cutoff target is reachable.
* routes: one wildcard row ``* * *`` plus a few specific rows (a tariff on one CN exporter, a
  capped and a cheap lane).

Sizes are controlled by regions, chains and density: the plan LP's flow variables grow with
(density * n_regions)^2 * commodities * years and dominate the count.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from network.schema import CHAINS
from optimize.scenario import Scenario, scenario_from_dict

FIRST_YEAR = 2025
SRC = "synthetic"


def region_ids(n_regions: int) -> tuple[list[str], list[str], list[str]]:
    """Region ids by group (US, CN, neutral): 40% / 30% / rest, at least one of each.

    >>> [len(g) for g in region_ids(10)]
    [4, 3, 3]
    """
    n_us = max(1, round(0.4 * n_regions))
    n_cn = max(1, round(0.3 * n_regions))
    n_ne = max(1, n_regions - n_us - n_cn)
    return (
        [f"US{i:03d}" for i in range(n_us)],
        [f"CN{i:03d}" for i in range(n_cn)],
        [f"NE{i:03d}" for i in range(n_ne)],
    )


def _pick(rng: np.random.Generator, group: list[str], density: float) -> list[str]:
    """A random subset of ``group`` with each member kept with probability ``density``; never
    empty."""
    keep = [r for r in group if rng.random() < density]
    return keep or [group[int(rng.integers(len(group)))]]


def synthetic_frames(
    n_regions: int,
    n_chains: int,
    stages: int,
    years: int,
    seed: int = 0,
    density: float = 0.35,
) -> dict[str, pd.DataFrame]:
    """One DataFrame per table (schema columns), ready for ``dataset_from_frames``.

    ``years`` is the horizon length the demand is written for (from 2025); demand grows
    linearly from its first-year value to 1.5 times it in the last year.
    """
    rng = np.random.default_rng(seed)
    us, cn, ne = region_ids(n_regions)
    last_year = FIRST_YEAR + years - 1

    regions = (
        [dict(region=r, name=r, bloc="US", source=SRC) for r in us]
        + [dict(region=r, name=r, bloc="CN", source=SRC) for r in cn]
        + [dict(region=r, name=r, bloc="neutral", source=SRC) for r in ne]
    )
    commodities, processes, inputs, capacity, demand, projects = [], [], [], [], [], []
    for ch in range(n_chains):
        chain = CHAINS[ch % len(CHAINS)]
        # final demand of the chain in US regions (first-year value; 1.5x by the last year)
        demand_regions = _pick(rng, us, 0.5)
        final = {r: float(rng.uniform(50, 500)) for r in demand_regions}
        total_final = 1.5 * sum(final.values())
        # required throughput per stage, from the last stage back through the recipes
        amounts = [0.0] + [float(rng.uniform(1.0, 1.5)) for _ in range(1, stages)]
        need = [0.0] * stages
        need[-1] = total_final
        for k in range(stages - 1, 0, -1):
            need[k - 1] = need[k] * amounts[k]
        for k in range(stages):
            c, p = f"c{ch}_{k}", f"p{ch}_{k}"
            critical = k == stages - 1
            commodities.append(
                dict(
                    commodity=c,
                    name=c,
                    unit="t",
                    chain=chain,
                    critical=critical,
                    value_unserved=20_000.0 if critical else 5_000.0,
                    source=SRC,
                )
            )
            processes.append(dict(process=p, output=c, source=SRC))
            if k > 0:
                inputs.append(
                    dict(process=p, commodity=f"c{ch}_{k - 1}", amount=amounts[k], source=SRC)
                )
            capex = float(rng.uniform(50, 500))
            # existing: CN 1.5x the need, neutral 0.3x, US 0.05x; US builds up to 2x the need
            # over four years of starts
            groups = (
                (cn, 1.5 * need[k], 0.0),
                (ne, 0.3 * need[k], 0.0),
                (us, 0.05 * need[k], 0.5 * need[k]),
            )
            for group, existing, build in groups:
                holders = _pick(rng, group, density)
                for r in holders:
                    capacity.append(
                        dict(
                            region=r,
                            process=p,
                            existing=existing / len(holders) * float(rng.uniform(0.5, 1.5)),
                            capex=capex * float(rng.uniform(0.8, 1.5)),
                            fixed_om=0.02 * capex,
                            variable_cost=float(rng.uniform(1, 10)),
                            lead_time=int(rng.integers(1, 4)),
                            max_build=build / len(holders),
                            ramp_years=int(rng.integers(0, 3)),
                            lifetime=30,
                            source=SRC,
                        )
                    )
                if build > 0 and len(projects) < 5:
                    projects.append(
                        dict(
                            project=f"proj{len(projects)}",
                            region=holders[0],
                            process=p,
                            capacity=0.05 * need[k],
                            first_year=FIRST_YEAR + 2,
                            status="committed",
                            source=SRC,
                        )
                    )
        for r, q in final.items():
            demand.append(
                dict(
                    region=r,
                    commodity=f"c{ch}_{stages - 1}",
                    year=FIRST_YEAR,
                    quantity=q,
                    source=SRC,
                )
            )
            demand.append(
                dict(
                    region=r,
                    commodity=f"c{ch}_{stages - 1}",
                    year=last_year,
                    quantity=1.5 * q,
                    source=SRC,
                )
            )
        # some rival demand: in the data, not in the plan (only the planner's demand is served)
        demand.append(
            dict(
                region=cn[0],
                commodity=f"c{ch}_{stages - 1}",
                year=FIRST_YEAR,
                quantity=100.0,
                source=SRC,
            )
        )
    routes = [
        dict(exporter="*", importer="*", commodity="*", cost=2.0, max_flow=None, source=SRC),
        # a tariff on everything one rival region exports
        dict(exporter=cn[0], importer="*", commodity="*", cost=4.0, max_flow=None, source=SRC),
        # a cheap lane and a capped lane between the planner and a neutral region
        dict(exporter=ne[0], importer=us[0], commodity="*", cost=0.5, max_flow=None, source=SRC),
        dict(exporter=us[0], importer=ne[0], commodity="c0_0", cost=1.0, max_flow=1e4, source=SRC),
    ]
    return {
        "regions": pd.DataFrame(regions),
        "commodities": pd.DataFrame(commodities),
        "processes": pd.DataFrame(processes),
        "process_inputs": pd.DataFrame(inputs),
        "capacity": pd.DataFrame(capacity),
        "projects": pd.DataFrame(projects),
        "demand": pd.DataFrame(demand),
        "routes": pd.DataFrame(routes),
    }


def synthetic_scenario(
    frames: dict[str, pd.DataFrame], years: int, method: str = "choose"
) -> Scenario:
    """A plan scenario for ``frames``: US plans against CN over ``years`` years; 80% of critical
    demand servable without CN from mid-horizon; a per-year capex budget loose enough to be
    feasible (half of what building every US option at its limit would cost a year, which is
    several times the capex the target needs); CN caps exports of the first chain's stage-0
    commodity to the US at 50% of US use from the third year; an exposure section (a 20% chance
    a year that CN cuts supply, damage = value_unserved) so the cutoff state exists in every
    year, as in the shipped scenarios."""
    cap = frames["capacity"]
    us_rows = cap[cap["region"].str.startswith("US")]
    spend_cap = float((us_rows["capex"] * us_rows["max_build"]).sum())
    return scenario_from_dict(
        dict(
            name="synthetic",
            dataset=".",
            horizon=dict(first=FIRST_YEAR, last=FIRST_YEAR + years - 1),
            planner="US",
            rival="CN",
            discount_rate=0.05,
            budget=dict(per_year_usd_bn=0.5 * spend_cap / 1e9),
            targets=[dict(commodities="critical", share=0.8, from_year=FIRST_YEAR + years // 2)],
            restrictions=[
                dict(
                    name="stage-0 cap",
                    commodities=["c0_0"],
                    from_year=FIRST_YEAR + 2,
                    max_share=0.5,
                )
            ],
            exposure=dict(likelihood=0.2),
            solver=dict(method=method),
        )
    )
