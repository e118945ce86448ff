"""The sourced default dataset ``data/default``: it loads, every row is sourced, and its base
year (existing capacity at the start of 2025) reproduces the headline facts of the data brief.

Shares are computed from the data: a region's share of world existing capacity of a process.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from network.cutoff import cutoff_share
from network.dataset import Dataset
from network.schema import TABLES
from network.validate import load_dataset

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "default"
SOURCES_MD = ROOT / "data" / "SOURCES.md"

# Every source that is not an assumption names one of these; each is listed in SOURCES.md.
CITATIONS = (
    "USGS MCS 2025",
    "USGS MCS 2026",
    "USGS OFR 2024-1057",
    "IEA",
    "CSIS",
    "SIA/BCG",
    "SEMI World Fab Forecast",
    "DigiTimes",
    "CNBC",
    "MP Materials",
    "MP 10-K",
    "Fastmarkets",
    "NS Energy",
    "Miningmx",
    "Vulcan Elements",
    "MOFCOM",
    "Critical Minerals Framework",
)

TOL = 0.02  # absolute tolerance on shares


@pytest.fixture(scope="module")
def data() -> Dataset:
    return load_dataset(DATA)


def _share(
    data: Dataset, processes: str | tuple[str, ...], regions: str | tuple[str, ...]
) -> float:
    """Share of world existing capacity of ``processes`` located in ``regions``."""
    procs = (processes,) if isinstance(processes, str) else processes
    regs = (regions,) if isinstance(regions, str) else regions
    cap = data.capacity["existing"]
    cap = cap[cap.index.get_level_values("process").isin(procs)]
    world = float(cap.sum())
    assert world > 0, f"no existing capacity for {procs}"
    return float(cap[cap.index.get_level_values("region").isin(regs)].sum()) / world


def _rows():
    for spec in TABLES:
        path = DATA / f"{spec.name}.csv"
        if not path.exists():
            continue
        with path.open(encoding="utf-8") as f:
            for n, row in enumerate(csv.DictReader(f), start=2):
                yield f"{spec.name}.csv row {n}", row


# ---------------------------------------------------------------------------------------
# loading and sourcing


def test_loads_and_has_every_table(data: Dataset) -> None:
    for spec in TABLES:
        assert (DATA / f"{spec.name}.csv").exists(), spec.name
    assert set(data.regions.index) >= {
        "USA",
        "CHN",
        "JPN",
        "AUS",
        "EU",
        "KOR",
        "TWN",
        "MYS",
        "MMR",
        "ROW",
    }
    blocs = data.regions["bloc"].to_dict()
    assert {r for r, b in blocs.items() if b == "US"} == {"USA", "JPN", "AUS", "EU", "KOR", "TWN"}
    assert {r for r, b in blocs.items() if b == "CN"} == {"CHN"}
    assert {r for r, b in blocs.items() if b == "neutral"} == {"MYS", "MMR", "ROW"}
    assert (data.processes["output_per_activity"] == 1.0).all()


def test_critical_set(data: Dataset) -> None:
    assert set(data.critical) == {
        "ndfeb_magnet",
        "smco_magnet",
        "gallium",
        "germanium",
        "antimony",
        "graphite",
        "eda_software",
        "mature_chip",
        "advanced_chip",
        "ai_accelerator",
    }


def test_every_row_has_a_source_and_a_trust_tag_that_fits_it() -> None:
    """Tags as in the data brief: P/S rows cite a source and never say 'assumption'; D rows
    cite what they derive from; U rows start 'assumption:'."""
    problems = []
    tags: dict[str, int] = {}
    for where, row in _rows():
        src = (row.get("source") or "").strip()
        tag = row.get("trust")
        tags[tag] = tags.get(tag, 0) + 1
        if not src:
            problems.append(f"{where}: empty source")
        elif tag not in ("P", "S", "D", "U"):
            problems.append(f"{where}: trust tag {tag!r} is not P, S, D or U")
        elif tag in ("P", "S") and "assumption" in src.lower():
            problems.append(f"{where}: tagged {tag} but says 'assumption'")
        elif tag in ("P", "S", "D") and not any(c in src for c in CITATIONS):
            problems.append(f"{where}: tagged {tag} but names no known citation: {src[:80]}")
        elif tag == "U" and not src.startswith("assumption:"):
            problems.append(f"{where}: tagged U but does not start 'assumption:'")
    assert not problems, "\n".join(problems[:20])
    assert tags["P"] >= 20 and tags["S"] >= 10 and tags["D"] >= 10, tags


def test_straight_usgs_capacity_rows_are_primary() -> None:
    """Capacity taken straight from a USGS table is tagged P and says where it comes from."""
    rows = [row for _, row in _rows() if "existing" in row and "USGS" in row["source"]]
    straight = [r for r in rows if r["source"].startswith("existing: 2024 output taken as")]
    assert len(straight) >= 10

    def existing_part(r: dict) -> str:
        return r["source"].split("; build parameters")[0]

    one_figure = [r for r in straight if not any(w in existing_part(r) for w in ("+", " less "))]
    assert all(r["trust"] == ("S" if "transcription" in r["source"] else "P") for r in one_figure)
    assert all(r["trust"] == "D" for r in straight if r not in one_figure)  # sums of P figures
    assert all(r.get("build_trust") == "U" for r in rows)  # build parameters stay assumptions


def test_cutoff_damage_for_every_critical_commodity(data: Dataset) -> None:
    """Each critical commodity has a downstream damage per unit unserved with a low/high range
    and its derivation (D) or its label (U) in the source."""
    com = data.commodities
    for c in data.critical:
        low, mid, high = (
            com.at[c, k] for k in ("cutoff_damage_low", "cutoff_damage", "cutoff_damage_high")
        )
        assert 0 < low <= mid <= high, c
        assert mid >= com.at[c, "value_unserved"] or low <= com.at[c, "value_unserved"], c
        src = com.at[c, "source"]
        assert "cutoff_damage D" in src or "cutoff_damage U" in src, c
    # NdFeB from the brief's wind-generator intensity: 2 MW per t at US$1.3M per MW
    assert com.at["ndfeb_magnet", "cutoff_damage"] == pytest.approx(2 * 1.3e6)
    assert com.at["ndfeb_magnet", "cutoff_damage_low"] == pytest.approx(1 / 0.85 * 1.0e6, rel=0.01)


def test_sources_md_lists_every_citation() -> None:
    text = SOURCES_MD.read_text(encoding="utf-8")
    assert "## Assumptions" in text
    missing = [c for c in CITATIONS if c not in text]
    assert not missing, missing


def test_demand_covers_2025_to_2040(data: Dataset) -> None:
    years = data.demand.reset_index().groupby(["region", "commodity"])["year"].agg(["min", "max"])
    assert (years["min"] <= 2025).all() and (years["max"] >= 2040).all()
    # final demand only for end uses, never for intermediates reached through recipes
    demanded = set(data.demand.index.get_level_values("commodity"))
    assert demanded == set(data.critical)


# ---------------------------------------------------------------------------------------
# base-year headline facts (existing capacity at the start of 2025)


@pytest.mark.parametrize(
    ("processes", "regions", "expected", "fact"),
    [
        (("re_mining", "ionic_clay_mining"), "CHN", 0.69, "China ~69% of REO mine output 2024"),
        ("ndpr_separation", "CHN", 0.91, "China 91% of RE separation 2024 (IEA)"),
        ("ndfeb_sintering", "CHN", 0.94, "China 94% of permanent magnets 2024 (IEA)"),
        ("gallium_recovery", "CHN", 0.99, "China ~99% of primary gallium (USGS MCS 2025)"),
        ("dytb_separation", "CHN", 0.99, "China ~99% of heavy-RE separation (CSIS 2025)"),
        (("mature_fab", "advanced_fab"), "USA", 0.10, "US 10% of all-node fab capacity 2022"),
        ("advanced_fab", "USA", 0.0, "US 0% of < 10 nm capacity 2022 (SIA/BCG 2024)"),
        ("advanced_fab", "TWN", 0.69, "Taiwan 69% of < 10 nm capacity 2022 (SIA/BCG 2024)"),
        (("mature_fab", "advanced_fab"), "CHN", 0.24, "China 24% of all-node capacity 2022"),
        ("eda_development", "USA", 0.74, "US 74% of EDA and core IP (SIA/BCG 2021)"),
    ],
)
def test_base_year_share(data: Dataset, processes, regions, expected: float, fact: str) -> None:
    assert _share(data, processes, regions) == pytest.approx(expected, abs=TOL), fact


def test_separation_and_magnets_at_least_90_percent_china(data: Dataset) -> None:
    assert _share(data, "ndpr_separation", "CHN") >= 0.90
    assert _share(data, "ndfeb_sintering", "CHN") >= 0.90


# ---------------------------------------------------------------------------------------
# dependence in 2025 (cutoff LP, neutral regions fully available)


def test_us_bloc_depends_on_china_for_magnets_and_gallium(data: Dataset) -> None:
    dep = cutoff_share(data, "US", "CN", 2025, neutral_share=1.0)["dependence"]
    assert dep["ndfeb_magnet"] > 0.8
    assert dep["gallium"] > 0.8


def test_china_depends_on_us_bloc_for_advanced_chips(data: Dataset) -> None:
    dep = cutoff_share(data, "CN", "US", 2025, neutral_share=1.0)["dependence"]
    assert dep["advanced_chip"] > 0.8
    assert dep["ai_accelerator"] > 0.8
