"""Tiny networks for the supply-chain physics tests (issue 11): :func:`net` builds a dataset's
frames, :func:`cap_row` a capacity row, :func:`scenario` a one-to-three-year scenario.

Regions USA (bloc US, the planner), CHN (bloc CN, the rival) and MYS (neutral) unless a test
adds more; routes '*,*,*' at 1 USD/unit unless a test gives its own.
"""

from __future__ import annotations

import pandas as pd

from optimize.scenario import scenario_from_dict

REGIONS = {"USA": "US", "CHN": "CN", "MYS": "neutral"}


def cap_row(region: str, process: str, existing: float = 0.0, **kw: object) -> dict:
    """A capacity row: no builds, no costs, unless given."""
    row = dict(
        region=region,
        process=process,
        existing=existing,
        capex=100.0,
        fixed_om=0.0,
        variable_cost=0.0,
        lead_time=1,
        max_build=0.0,
        ramp_years=0,
        lifetime=30,
        source="test",
    )
    row.update(kw)
    return row


def net(
    processes: dict[str, tuple[str, float, dict[str, float]]],
    capacity: list[dict],
    demand: dict[tuple[str, str], float],
    critical: tuple[str, ...],
    routes: list[tuple[str, str, str, float, float | None]] | None = None,
    regions: dict[str, str] | None = None,
    penalty: float = 1000.0,
    extra_tables: dict[str, pd.DataFrame] | None = None,
) -> dict[str, pd.DataFrame]:
    """Frames of a tiny dataset.

    processes: {process: (output, output_per_activity, {input: amount per output unit})};
    demand: {(region, commodity): quantity} in 2025 (flat); critical: critical commodities;
    routes: (exporter, importer, commodity, cost, max_flow) rows (default '*,*,*' at 1)."""
    regions = regions or REGIONS
    commodities = sorted(
        {out for out, _, _ in processes.values()}
        | {c for _, _, rec in processes.values() for c in rec}
    )
    routes = routes if routes is not None else [("*", "*", "*", 1.0, None)]
    frames = {
        "regions": pd.DataFrame(
            [dict(region=r, name=r, bloc=b, source="test") for r, b in regions.items()]
        ),
        "commodities": pd.DataFrame(
            [
                dict(
                    commodity=c,
                    name=c,
                    unit="t",
                    chain="rare_earth",
                    critical=c in critical,
                    value_unserved=penalty,
                    source="test",
                )
                for c in commodities
            ]
        ),
        "processes": pd.DataFrame(
            [
                dict(process=p, output=o, output_per_activity=opa, source="test")
                for p, (o, opa, _) in processes.items()
            ]
        ),
        "process_inputs": pd.DataFrame(
            [
                dict(process=p, commodity=c, amount=a, source="test")
                for p, (_, _, rec) in processes.items()
                for c, a in rec.items()
            ],
            columns=["process", "commodity", "amount", "source"],
        ),
        "capacity": pd.DataFrame(capacity),
        "demand": pd.DataFrame(
            [
                dict(region=r, commodity=c, year=2025, quantity=q, source="test")
                for (r, c), q in demand.items()
            ]
        ),
        "routes": pd.DataFrame(
            [
                dict(exporter=e, importer=i, commodity=c, cost=cost, max_flow=mf, source="test")
                for e, i, c, cost, mf in routes
            ]
        ),
    }
    frames.update(extra_tables or {})
    return frames


def scenario(last: int = 2025, **kw: object):
    base = dict(
        name="t",
        dataset=".",
        horizon=dict(first=2025, last=last),
        planner="US",
        rival="CN",
        discount_rate=0.0,
    )
    base.update(kw)
    return scenario_from_dict(base)
