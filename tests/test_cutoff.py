"""Cutoff shares on tiny networks solvable by hand.

Every network is a magnet chain: mining -> ore; separation (5 t ore per t oxide) -> oxide;
sintering (0.3 t oxide per t magnet) -> magnet, the critical end use. Regions: USA (bloc US),
CHN (bloc CN, the rival), MYS (neutral). Every region may ship anything to any other unless a
test says otherwise. Each test states the arithmetic its numbers come from.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import TINY

from network.cutoff import CHAIN, choke_points, cutoff_share
from network.dataset import Dataset
from network.validate import dataset_from_frames, load_dataset

YEAR = 2025
ORE_PER_OXIDE = 5.0
OXIDE_PER_MAGNET = 0.3


def network(
    capacity: dict[tuple[str, str], float],
    demand: dict[tuple[str, str], float],
    routes: tuple[tuple[str, str, str, float | None], ...] = (),
    extra_commodities: tuple[str, ...] = (),
    extra_processes: dict[str, tuple[str, dict[str, float]]] | None = None,
    extra_regions: dict[str, str] | None = None,
) -> Dataset:
    """A magnet-chain dataset.

    capacity: existing capacity by (region, process); demand in YEAR by (region, commodity);
    routes: extra (exporter, importer, commodity, max_flow) rows over the default '*,*,*'
    route; extra_commodities: more critical commodities; extra_processes:
    {process: (output, {input: amount})}; extra_regions: {region: bloc}.
    """
    regions = {"USA": "US", "CHN": "CN", "MYS": "neutral", **(extra_regions or {})}
    processes = {
        "mining": ("ore", {}),
        "separation": ("oxide", {"ore": ORE_PER_OXIDE}),
        "sintering": ("magnet", {"oxide": OXIDE_PER_MAGNET}),
        **(extra_processes or {}),
    }
    commodities = [("ore", False), ("oxide", False), ("magnet", True)]
    commodities += [(c, True) for c in extra_commodities]
    frames = {
        "regions": pd.DataFrame(
            {
                "region": list(regions),
                "name": list(regions),
                "bloc": list(regions.values()),
                "source": "test",
            }
        ),
        "commodities": pd.DataFrame(
            {
                "commodity": [c for c, _ in commodities],
                "name": [c for c, _ in commodities],
                "unit": "t",
                "chain": "rare_earth",
                "critical": [crit for _, crit in commodities],
                "value_unserved": 1000.0,
                "source": "test",
            }
        ),
        "processes": pd.DataFrame(
            {
                "process": list(processes),
                "output": [out for out, _ in processes.values()],
                "source": "test",
            }
        ),
        "process_inputs": pd.DataFrame(
            [
                {"process": p, "commodity": c, "amount": a, "source": "test"}
                for p, (_, recipe) in processes.items()
                for c, a in recipe.items()
            ]
        ),
        "capacity": pd.DataFrame(
            [
                {
                    "region": r,
                    "process": p,
                    "existing": cap,
                    "capex": 1.0,
                    "lead_time": 2,
                    "max_build": 0.0,
                    "source": "test",
                }
                for (r, p), cap in capacity.items()
            ]
        ),
        "demand": pd.DataFrame(
            [
                {"region": r, "commodity": c, "year": YEAR, "quantity": q, "source": "test"}
                for (r, c), q in demand.items()
            ]
        ),
        "routes": pd.DataFrame(
            [
                {"exporter": "*", "importer": "*", "commodity": "*", "cost": 1.0},
                *(
                    {"exporter": e, "importer": i, "commodity": c, "cost": 1.0, "max_flow": mf}
                    for e, i, c, mf in routes
                ),
            ]
        ).assign(source="test"),
    }
    return dataset_from_frames(frames)


PLENTY = 1000.0  # more than any test needs


def shares(data: Dataset, neutral_share: float = 1.0) -> dict[str, float]:
    """US cutoff share per critical commodity and for the chain, CN cut off, in YEAR."""
    table = cutoff_share(data, "US", "CN", YEAR, neutral_share=neutral_share)
    return table["cutoff_share"].to_dict()


def test_own_sintering_with_own_oxide() -> None:
    # USA makes 4 t of magnets a year from its own oxide; it needs 10 t; China's 100 t are cut
    data = network(
        {
            ("USA", "mining"): PLENTY,
            ("USA", "separation"): PLENTY,
            ("USA", "sintering"): 4.0,
            ("CHN", "sintering"): 100.0,
        },
        {("USA", "magnet"): 10.0},
    )
    table = cutoff_share(data, "US", "CN", YEAR)
    assert table.loc["magnet", "demand"] == 10.0
    assert table.loc["magnet", "cutoff_share"] == pytest.approx(4 / 10)
    assert table.loc["magnet", "dependence"] == pytest.approx(1 - 4 / 10)
    assert table.loc[CHAIN, "cutoff_share"] == pytest.approx(4 / 10)
    assert np.isnan(table.loc[CHAIN, "demand"])


def test_rival_demand_is_not_the_blocs_concern() -> None:
    # China's own 100 t demand does not compete with the US's 10 t
    data = network(
        {
            ("USA", "mining"): PLENTY,
            ("USA", "separation"): PLENTY,
            ("USA", "sintering"): 4.0,
        },
        {("USA", "magnet"): 10.0, ("CHN", "magnet"): 100.0},
    )
    assert shares(data)["magnet"] == pytest.approx(0.4)


@pytest.mark.parametrize(
    ("neutral_share", "expected"),
    [
        # MYS separates 2 t oxide a year; the US counts on 0.5 * 2 = 1 t oxide,
        # which makes 1 / 0.3 = 3.33 t magnets out of 10 t demanded
        (0.5, 1 / 3),
        (1.0, 2.0 / OXIDE_PER_MAGNET / 10.0),
        (0.0, 0.0),
    ],
)
def test_neutral_capacity_counts_at_neutral_share(neutral_share: float, expected: float) -> None:
    data = network(
        {
            ("USA", "mining"): PLENTY,  # ore shipped to MYS: 5 t per t oxide
            ("USA", "sintering"): PLENTY,
            ("MYS", "separation"): 2.0,
            ("CHN", "separation"): PLENTY,  # cut off
        },
        {("USA", "magnet"): 10.0},
    )
    assert shares(data, neutral_share)["magnet"] == pytest.approx(expected)


def test_oxide_upstream_limits_magnets() -> None:
    # plenty of sintering, 1.5 t oxide: 1.5 / 0.3 = 5 t magnets of 10 t
    data = network(
        {
            ("USA", "mining"): PLENTY,
            ("USA", "separation"): 1.5,
            ("USA", "sintering"): PLENTY,
        },
        {("USA", "magnet"): 10.0},
    )
    assert shares(data)["magnet"] == pytest.approx(1.5 / OXIDE_PER_MAGNET / 10.0)
    assert shares(data)["magnet"] == pytest.approx(0.5)


def test_ore_two_steps_upstream_limits_magnets() -> None:
    # 6 t ore -> 6 / 5 = 1.2 t oxide -> 1.2 / 0.3 = 4 t magnets of 10 t
    data = network(
        {
            ("USA", "mining"): 6.0,
            ("USA", "separation"): PLENTY,
            ("USA", "sintering"): PLENTY,
        },
        {("USA", "magnet"): 10.0},
    )
    assert shares(data)["magnet"] == pytest.approx(0.4)


def test_share_is_capped_at_one() -> None:
    data = network(
        {
            ("USA", "mining"): PLENTY,
            ("USA", "separation"): PLENTY,
            ("USA", "sintering"): 25.0,
        },
        {("USA", "magnet"): 10.0},
    )
    assert shares(data) == pytest.approx({"magnet": 1.0, CHAIN: 1.0})


def test_chain_share_with_two_critical_commodities_sharing_oxide() -> None:
    # alloy: 0.5 t oxide per t. USA has 2.4 t oxide, needs 10 t magnets and 4 t alloy.
    #   magnets alone: 2.4 / 0.3 = 8 t of 10 -> 0.8
    #   alloy alone:   2.4 / 0.5 = 4.8 t of 4 -> capped at 1
    #   both at one share lambda: 0.3 * 10 * lambda + 0.5 * 4 * lambda = 5 * lambda <= 2.4
    #   -> lambda = 0.48, below either share alone
    data = network(
        {
            ("USA", "mining"): PLENTY,
            ("USA", "separation"): 2.4,
            ("USA", "sintering"): PLENTY,
            ("USA", "alloying"): PLENTY,
        },
        {("USA", "magnet"): 10.0, ("USA", "alloy"): 4.0},
        extra_commodities=("alloy",),
        extra_processes={"alloying": ("alloy", {"oxide": 0.5})},
    )
    result = shares(data)
    assert result["magnet"] == pytest.approx(0.8)
    assert result["alloy"] == pytest.approx(1.0)
    assert result[CHAIN] == pytest.approx(2.4 / (0.3 * 10 + 0.5 * 4))
    assert result[CHAIN] == pytest.approx(0.48)
    assert result[CHAIN] < min(result["magnet"], result["alloy"])


def test_two_bloc_regions_share_supply() -> None:
    # JPN, a second US region, demands 5 t magnets and makes none; USA makes 9 t and ships.
    # 9 t of 10 + 5 = 15 t -> 0.6, for the magnet and for the chain (one critical commodity)
    data = network(
        {
            ("USA", "mining"): PLENTY,
            ("USA", "separation"): PLENTY,
            ("USA", "sintering"): 9.0,
        },
        {("USA", "magnet"): 10.0, ("JPN", "magnet"): 5.0},
        extra_regions={"JPN": "US"},
    )
    table = cutoff_share(data, "US", "CN", YEAR)
    assert table.loc["magnet", "demand"] == 15.0
    assert table["cutoff_share"].to_dict() == pytest.approx({"magnet": 0.6, CHAIN: 0.6})


def test_route_max_flow_binds() -> None:
    # USA sinters nothing; MYS sinters plenty, but MYS -> USA magnets are capped at 3 t/yr
    data = network(
        {
            ("MYS", "mining"): PLENTY,
            ("MYS", "separation"): PLENTY,
            ("MYS", "sintering"): PLENTY,
        },
        {("USA", "magnet"): 10.0},
        routes=(("MYS", "USA", "magnet", 3.0),),
    )
    assert data.routes.loc[("MYS", "USA", "magnet"), "max_flow"] == 3.0
    assert shares(data)["magnet"] == pytest.approx(0.3)
    # the cap is on flow, not capacity: half of MYS's capacity still ships 3 t
    assert shares(data, 0.5)["magnet"] == pytest.approx(0.3)


def test_route_max_flow_on_an_input() -> None:
    # USA sinters plenty, its oxide comes from MYS over a 0.6 t/yr route: 0.6 / 0.3 = 2 t
    data = network(
        {
            ("USA", "sintering"): PLENTY,
            ("MYS", "mining"): PLENTY,
            ("MYS", "separation"): PLENTY,
        },
        {("USA", "magnet"): 10.0},
        routes=(("MYS", "USA", "oxide", 0.6),),
    )
    assert shares(data)["magnet"] == pytest.approx(0.2)


def test_projects_online_add_capacity_tiny_dataset() -> None:
    # tests/data/tiny: USA sinters 0 t plus the 10 t project from 2028; MYS separates 20 t
    # oxide (needs 100 t ore: USA mines 100 t); USA demand 10 t in 2025 rising to 20 t in 2030
    data = load_dataset(TINY)
    share = {
        year: cutoff_share(data, "US", "CN", year).loc["magnet", "cutoff_share"]
        for year in (2025, 2027, 2028, 2030)
    }
    assert share[2025] == pytest.approx(0.0)
    assert share[2027] == pytest.approx(0.0)
    assert share[2028] == pytest.approx(10 / 16)  # demand 10 + 3/5 * (20 - 10) = 16
    assert share[2030] == pytest.approx(10 / 20)
    # at neutral share 0.1: 2 t oxide -> 2 / 0.3 = 6.67 t magnets of 16 t
    table = cutoff_share(data, "US", "CN", 2028, neutral_share=0.1)
    assert table.loc["magnet", "cutoff_share"] == pytest.approx(2 / 0.3 / 16)


def test_no_bloc_demand_no_row() -> None:
    data = network({("USA", "sintering"): 1.0}, {("CHN", "magnet"): 10.0})
    table = cutoff_share(data, "US", "CN", YEAR)
    assert list(table.index) == [CHAIN]
    assert np.isnan(table.loc[CHAIN, "cutoff_share"])


# ---------------------------------------------------------------------------------------
# choke points


def choke_network() -> Dataset:
    # USA needs 10 t magnets. With every region available, all of it is served:
    #   sintering  CHN 6 + MYS 3 + USA 1 = 10 t magnets
    #   separation CHN plenty, USA 0.6 t oxide
    #   mining     CHN plenty, MYS 10 t ore
    return network(
        {
            ("USA", "sintering"): 1.0,
            ("USA", "separation"): 0.6,
            ("MYS", "sintering"): 3.0,
            ("MYS", "mining"): 10.0,
            ("CHN", "sintering"): 6.0,
            ("CHN", "separation"): PLENTY,
            ("CHN", "mining"): PLENTY,
        },
        {("USA", "magnet"): 10.0},
    )


def test_choke_points_ranked_by_share_lost() -> None:
    table = choke_points(choke_network(), "US", YEAR)
    assert table.index.names == ["region", "process"]
    # without...
    #   CHN separation: oxide 0.6 t (USA) -> 0.6 / 0.3 = 2 t magnets      -> loses 0.8
    #   CHN sintering:  4 t magnets                                         -> loses 0.6
    #   CHN mining:     ore 10 t (MYS) -> 2 t oxide -> 6.67 t magnets       -> loses 1/3
    #   MYS sintering:  7 t magnets                                         -> loses 0.3
    #   USA sintering:  9 t magnets                                         -> loses 0.1
    #   USA separation, MYS mining: CHN makes up for them                   -> not listed
    assert list(table.index) == [
        ("CHN", "separation"),
        ("CHN", "sintering"),
        ("CHN", "mining"),
        ("MYS", "sintering"),
        ("USA", "sintering"),
    ]
    assert table["share_lost"].tolist() == pytest.approx([0.8, 0.6, 1 / 3, 0.3, 0.1])
    assert table["chain_share_lost"].tolist() == pytest.approx([0.8, 0.6, 1 / 3, 0.3, 0.1])
    assert set(table["worst_commodity"]) == {"magnet"}


def test_choke_points_top() -> None:
    table = choke_points(choke_network(), "US", YEAR, top=2)
    assert list(table.index) == [("CHN", "separation"), ("CHN", "sintering")]


def test_cutoff_share_of_the_choke_network() -> None:
    # China cut: sintering USA 1 + MYS 3 = 4 t, but oxide only USA's 0.6 t -> 2 t of 10
    assert shares(choke_network())["magnet"] == pytest.approx(0.2)
