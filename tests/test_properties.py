"""Property tests (hypothesis): the loader and the model builder never crash.

* Random valid datasets -- regions in two blocs plus neutrals, a chain of commodities with
  recipes, capacities, projects, demand, routes -- always load, and the plan model builds (and,
  for the smallest, solves to a known status).
* Random corruptions of the valid tiny dataset -- one cell set to random text, number or
  nothing; one column dropped; one row duplicated -- either load or raise ``DataError``;
  never any other exception. A duplicated row is always a ``DataError``.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from conftest import read_tiny_frames
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from network.dataset import Dataset
from network.errors import DataError, InputError
from network.schema import CHAINS, TABLES_BY_NAME
from network.validate import dataset_from_frames
from optimize.plan import solve_model_data
from optimize.plan.model import build_model
from optimize.plan.sets import build_model_data
from optimize.plan.solve import Status
from optimize.scenario import scenario_from_dict

FAST = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)

# ---------------------------------------------------------------------------------------
# random valid datasets

amounts = st.floats(min_value=0.0, max_value=1e6, allow_nan=False, allow_infinity=False)
positive = st.floats(min_value=0.01, max_value=100.0, allow_nan=False, allow_infinity=False)


@st.composite
def datasets(draw: st.DrawFn) -> dict[str, pd.DataFrame]:
    """Frames in the schema: blocs US/CN (+ neutral), one chain c0 -> c1 -> ... -> cn."""
    n_us = draw(st.integers(1, 2))
    n_cn = draw(st.integers(1, 2))
    n_neutral = draw(st.integers(0, 2))
    regions = (
        [(f"U{i}", "US") for i in range(n_us)]
        + [(f"C{i}", "CN") for i in range(n_cn)]
        + [(f"N{i}", "neutral") for i in range(n_neutral)]
    )
    n_steps = draw(st.integers(1, 3))
    chain = draw(st.sampled_from(CHAINS))
    commodities = [f"c{i}" for i in range(n_steps + 1)]
    processes = [f"p{i}" for i in range(n_steps + 1)]  # p_i makes c_i; p_i (i>0) uses c_{i-1}
    reg = pd.DataFrame(
        {
            "region": [r for r, _ in regions],
            "name": [r for r, _ in regions],
            "bloc": [b for _, b in regions],
            "source": "h",
        }
    )
    com = pd.DataFrame(
        {
            "commodity": commodities,
            "name": commodities,
            "unit": "t",
            "chain": chain,
            "critical": [i == n_steps for i in range(n_steps + 1)],
            "value_unserved": [draw(st.floats(1.0, 1e6)) for _ in commodities],
            "source": "h",
        }
    )
    proc = pd.DataFrame(
        {"process": processes, "output": commodities, "output_per_activity": 1.0, "source": "h"}
    )
    inputs = pd.DataFrame(
        {
            "process": processes[1:],
            "commodity": commodities[:-1],
            "amount": [draw(positive) for _ in processes[1:]],
            "source": "h",
        }
    )
    cap_rows = []
    for r, _ in regions:
        for p in processes:
            if draw(st.booleans()) or (r == regions[0][0]):  # the planner can always build
                cap_rows.append(
                    {
                        "region": r,
                        "process": p,
                        "existing": draw(amounts),
                        "capex": draw(st.floats(0.0, 1e5)),
                        "lead_time": draw(st.integers(0, 5)),
                        "max_build": draw(st.floats(0.0, 1e4)) if r != regions[0][0] else 100.0,
                        "ramp_years": draw(st.integers(0, 3)),
                        "lifetime": draw(st.integers(1, 40)),
                        "source": "h",
                    }
                )
    cap = pd.DataFrame(cap_rows)
    years = sorted(draw(st.sets(st.integers(2025, 2035), min_size=1, max_size=3)))
    dem = pd.DataFrame(
        [
            {
                "region": r,
                "commodity": commodities[-1],
                "year": y,
                "quantity": draw(st.floats(0.0, 1e4)),
                "source": "h",
            }
            for r, _ in regions[: n_us + n_cn]
            for y in years
        ]
    )
    routes = pd.DataFrame(
        [{"exporter": "*", "importer": "*", "commodity": "*", "cost": draw(amounts), "source": "h"}]
    )
    projects = pd.DataFrame(
        [
            {
                "project": "pr0",
                "region": cap_rows[0]["region"],
                "process": cap_rows[0]["process"],
                "capacity": draw(st.floats(0.0, 100.0)),
                "first_year": draw(st.integers(2025, 2035)),
                "status": "announced",
                "source": "h",
            }
        ]
    )
    return {
        "regions": reg,
        "commodities": com,
        "processes": proc,
        "process_inputs": inputs,
        "capacity": cap,
        "projects": projects,
        "demand": dem,
        "routes": routes,
    }


def scenario(share: float = 0.5, from_year: int = 2030, last: int = 2032):
    return scenario_from_dict(
        {
            "name": "prop",
            "dataset": "memory",
            "horizon": {"first": 2025, "last": last},
            "planner": "US",
            "rival": "CN",
            "targets": [{"share": share, "from_year": from_year}],
            "budget": {"per_year_usd_bn": 1.0},
        }
    )


@FAST
@given(frames=datasets(), share=st.floats(0.05, 1.0), from_year=st.integers(2025, 2032))
def test_random_valid_datasets_load_and_build(frames, share, from_year):
    data = dataset_from_frames(frames)
    assert isinstance(data, Dataset)
    assert set(data.blocs) == {"CN", "US"}
    sc = scenario(share, from_year)
    d = build_model_data(data, sc)
    m = build_model(d)
    assert m.nconstraints() >= 0 and m.nvariables() > 0


@settings(max_examples=8, deadline=None, derandomize=True)
@given(frames=datasets(), share=st.floats(0.05, 1.0))
def test_small_random_plans_solve_to_a_known_status(frames, share):
    data = dataset_from_frames(frames)
    sc = scenario(share, 2028, last=2029)
    solved = solve_model_data(build_model_data(data, sc), sc)
    assert solved.status in (Status.OPTIMAL, Status.INFEASIBLE)
    if solved.status is Status.OPTIMAL:
        assert math.isfinite(solved.objective) and solved.objective >= -1e-6


# ---------------------------------------------------------------------------------------
# random corruptions of the tiny dataset

TINY = read_tiny_frames()
TABLE_NAMES = sorted(TINY)
junk = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", " ", "NA", "-", ">5", "1e300", "inf", "nan", "2030-01-01", "USА", "*"]),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.integers(-(10**20), 10**20).map(str),
    st.none(),
)


def _load(frames: dict[str, pd.DataFrame]) -> Dataset | None:
    try:
        return dataset_from_frames(frames)
    except DataError:
        return None


@FAST
@given(
    table=st.sampled_from(TABLE_NAMES),
    row=st.integers(0, 10),
    column=st.integers(0, 20),
    value=junk,
)
def test_one_corrupted_cell_loads_or_is_a_data_error(table, row, column, value):
    frames = {k: v.copy() for k, v in TINY.items()}
    df = frames[table]
    df.iat[row % len(df), column % len(df.columns)] = value
    _load(frames)  # anything but DataError fails the test


@FAST
@given(table=st.sampled_from(TABLE_NAMES), column=st.integers(0, 20))
def test_a_dropped_column_loads_or_is_a_data_error(table, column):
    frames = {k: v.copy() for k, v in TINY.items()}
    df = frames[table]
    name = df.columns[column % len(df.columns)]
    frames[table] = df.drop(columns=[name])
    data = _load(frames)
    spec = TABLES_BY_NAME[table]
    if spec.column(name).required and name != "trust":  # frames built in code default to U
        assert data is None


@FAST
@given(table=st.sampled_from(TABLE_NAMES), row=st.integers(0, 10))
def test_a_duplicated_row_is_always_a_data_error(table, row):
    frames = {k: v.copy() for k, v in TINY.items()}
    df = frames[table]
    frames[table] = pd.concat([df, df.iloc[[row % len(df)]]], ignore_index=True)
    with pytest.raises(DataError, match="duplicate key"):
        dataset_from_frames(frames)


@FAST
@given(text=st.text(max_size=200))
def test_any_scenario_text_is_a_scenario_or_an_input_error(tmp_path_factory, text):
    from optimize.scenario import load_scenario

    p = tmp_path_factory.mktemp("sc") / "s.yaml"
    p.write_text(text, encoding="utf-8")
    try:
        load_scenario(p)
    except InputError:
        pass
