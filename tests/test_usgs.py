"""autarky data refresh: USGS MCS data releases in both formats (data brief, section 6) rewrite
the existing capacity they cover, round-trip, and a malformed file is refused with its row and
column, nothing written."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from autarky.cli import app
from network.errors import InputError
from network.usgs import parse_value, read_release
from network.validate import load_dataset

DEFAULT = Path(__file__).resolve().parents[1] / "data" / "default"

# MCS 2025 rare earths (t REO, 2024e) and gallium (kg, 2024e), as in the data brief
RE_2024 = {
    "China": "270,000", "United States": "45,000", "Burma": "31,000", "Australia": "13,000",
    "Malaysia": "130", "Nigeria": "13,000", "Thailand": "13,000", "India": "2,900",
    "Russia": "2,500", "Madagascar": "2,000", "Vietnam": "300", "Brazil": "20",
    "Other countries": "1,100", "Canada": "-", "World total (rounded)": "390,000",
}  # fmt: skip
GA_2024 = {"China": "750,000", "Russia": "6,000", "Japan": "3,000", "Korea, Republic of": "3,000"}


def write_wide(path: Path, re_2024: dict[str, str], bad: str | None = None) -> Path:
    header = ["COMMODITY", "COUNTRY", "TYPE", "UNIT_MEAS", "PROD_2023", "PROD_EST_ 2024",
              "CAP_2023", "CAP_EST_ 2024", "RESERVES_2024"]  # fmt: skip
    rows = [
        ["Rare earths", c, "Mine production", "metric tons", "NA", v, "NA", "NA", ">85,000,000"]
        for c, v in re_2024.items()
    ]
    rows += [["Gallium", c, "Primary production", "kilograms", "", v, "", "", "NA"]
             for c, v in GA_2024.items()]  # fmt: skip
    rows += [["Germanium", "China", "Refinery production", "kilograms", "W", "W", "W", "W", "NA"]]
    if bad is not None:
        rows[1][5] = bad  # spreadsheet row 3
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([header, *rows])
    return path


def write_long(path: Path, by_year: dict[int, dict[str, str]]) -> Path:
    header = ["MCS chapter", "Section", "Commodity", "Country", "Statistics",
              "Statistics_detail", "Unit", "Year", "Value", "Notes"]  # fmt: skip
    rows = []
    for year, figures in by_year.items():
        for c, v in figures.items():
            rows.append(
                [
                    "Rare Earths",
                    "World Mine Production and Reserves",
                    "Rare earths",
                    c,
                    "Mine production",
                    "REO equivalent",
                    "metric tons",
                    str(year),
                    v,
                    "",
                ]
            )
        rows.append(
            [
                "Rare Earths",
                "World Mine Production and Reserves",
                "Rare earths",
                "China",
                "Reserves",
                "",
                "metric tons",
                str(year),
                ">85,000,000",
                "",
            ]
        )
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([header, *rows])
    return path


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    folder = tmp_path / "default"
    shutil.copytree(DEFAULT, folder)
    return folder


def existing(folder: Path) -> pd.Series:
    return load_dataset(folder).capacity["existing"]


def refresh(release: Path, folder: Path, *extra: str):
    return CliRunner().invoke(
        app, ["data", "refresh", str(release), "--dataset", str(folder), *extra]
    )


def test_values_and_oddities():
    assert parse_value(">85,000,000") == 85_000_000
    assert parse_value("1,270,000") == 1_270_000
    assert parse_value("NA") is None and parse_value("-") is None and parse_value("W") is None
    with pytest.raises(ValueError):
        parse_value("12 t")


def test_wide_release_round_trips_and_cites_the_release(tmp_path, dataset):
    before = existing(dataset)
    release = write_wide(tmp_path / "MCS2025_World_Data.csv", RE_2024)
    fmt, figures = read_release(release)
    assert fmt == "MCS 2025 wide" and {f.year for f in figures} == {2024}
    assert {f.process for f in figures} == {"re_mining", "gallium_recovery"}  # Ge withheld
    result = refresh(release, dataset)
    assert result.exit_code == 0, result.output
    assert "0 rows changed" in " ".join(result.output.split())
    pd.testing.assert_series_equal(existing(dataset), before)  # the same figures round-trip
    cap = load_dataset(dataset).capacity
    usa = cap.loc[("USA", "re_mining")]
    assert usa["trust"] == "P" and "data release MCS2025_World_Data.csv" in usa["source"]
    assert "build parameters (build_trust U)" in usa["source"]  # build text kept
    # China's and Burma's figures also cover their ionic-clay rows (19,150 and 31,000 t)
    china = cap.loc[("CHN", "re_mining")]
    assert china["existing"] == 270_000 - 19_150 and china["trust"] == "U"
    assert china["source"].startswith("assumption: the ionic_clay_mining row's 19,150 t")
    assert cap.loc[("MMR", "re_mining"), "existing"] == 0.0
    row = cap.loc[("ROW", "re_mining")]  # Nigeria + Thailand + ... + Other countries
    assert row["existing"] == 34_820 and row["trust"] == "D"
    assert cap.loc[("KOR", "gallium_recovery"), "existing"] == pytest.approx(3.0)  # kg -> t
    assert cap.loc[("USA", "gallium_recovery"), "existing"] == 0.0  # not listed
    assert (
        cap.loc[("CHN", "germanium_refining"), "existing"] == before[("CHN", "germanium_refining")]
    )


def test_long_release_takes_the_latest_year(tmp_path, dataset):
    y2024 = {"China": "270,000", "United States": "45,000", "Burma": "31,000",
             "Australia": "13,000", "Malaysia": "130", "Other countries": "34,820",
             "World total": "390,000"}  # fmt: skip
    release = write_long(tmp_path / "MCS2026_Commodities_Data.csv", {2024: y2024})
    before = existing(dataset)
    assert refresh(release, dataset).exit_code == 0
    pd.testing.assert_series_equal(existing(dataset), before)  # round trip
    y2025 = dict(y2024, **{"United States": "51,000", "Australia": "29,000", "Burma": "NA"})
    write_long(release, {2024: y2024, 2025: y2025})
    out = tmp_path / "refreshed"
    result = refresh(release, dataset, "--out", str(out))
    assert result.exit_code == 0, result.output
    after = existing(out)
    assert after[("USA", "re_mining")] == 51_000 and after[("AUS", "re_mining")] == 29_000
    # NA in 2025: Burma's 2024 figure stands, all of it in its ionic-clay row
    assert after[("MMR", "re_mining")] == 0.0
    assert existing(dataset).equals(before)  # --out leaves the dataset as it was
    src = load_dataset(out).capacity.loc[("USA", "re_mining"), "source"]
    assert src.startswith("existing: 2025 output taken as capacity (USGS MCS 2026")


def test_malformed_release_is_refused_with_row_and_column(tmp_path, dataset):
    before = (dataset / "capacity.csv").read_bytes()
    release = write_wide(tmp_path / "MCS2025_World_Data.csv", RE_2024, bad="12 t")
    result = refresh(release, dataset)
    assert result.exit_code == 2
    assert (
        "MCS2025_World_Data.csv, row 3, column 'PROD_EST_ 2024': '12 t' is not a number"
        in " ".join(result.stderr.split())
    )
    assert "Traceback" not in result.output
    assert (dataset / "capacity.csv").read_bytes() == before  # nothing written
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n")
    with pytest.raises(InputError, match="other.csv, row 1: neither USGS MCS format"):
        read_release(other)
