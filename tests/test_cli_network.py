"""``autarky network``: dependence and choke points on the tiny dataset.

tests/data/tiny: USA sinters nothing until its 10 t project starts in 2028; China sinters
500 t; MYS (neutral) separates 20 t oxide. USA demands 10 t magnets in 2025, 20 t in 2030.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from conftest import TINY, write_csv_dataset
from typer.testing import CliRunner

from autarky.cli import app


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["network", *args])
    return result.exit_code, result.stdout, " ".join(result.stderr.split())


def test_json_2028() -> None:
    code, out, _ = run(str(TINY), "--year", "2028", "--json")
    assert code == 0
    payload = json.loads(out)
    assert (payload["bloc"], payload["rival"], payload["year"]) == ("US", "CN", 2028)
    dependence = {row["commodity"]: row for row in payload["dependence"]}
    # demand 10 + 3/5 * (20 - 10) = 16 t; the US project sinters 10 t
    assert dependence["magnet"]["demand"] == pytest.approx(16.0)
    assert dependence["magnet"]["cutoff_share"] == pytest.approx(10 / 16)
    assert dependence["magnet"]["dependence"] == pytest.approx(6 / 16)
    assert dependence["(chain)"]["demand"] is None
    assert dependence["(chain)"]["cutoff_share"] == pytest.approx(10 / 16)
    # with China available, only China's sintering matters: without it 10 of 16 t
    assert payload["choke_points"] == [
        {
            "region": "CHN",
            "process": "sintering",
            "worst_commodity": "magnet",
            "share_lost": pytest.approx(6 / 16),
            "chain_share_lost": pytest.approx(6 / 16),
        }
    ]


def test_json_neutral_share() -> None:
    # at 0.1 of MYS's 20 t oxide: 2 t -> 2 / 0.3 = 6.67 t magnets of 20 t in 2030
    code, out, _ = run(str(TINY), "--year", "2030", "--neutral-share", "0.1", "--json")
    assert code == 0
    payload = json.loads(out)
    assert payload["neutral_share"] == 0.1
    magnet = next(row for row in payload["dependence"] if row["commodity"] == "magnet")
    assert magnet["cutoff_share"] == pytest.approx(2 / 0.3 / 20)


def test_table_output() -> None:
    code, out, _ = run(str(TINY), "--year", "2030")
    assert code == 0
    assert "US dependence on CN, 2030" in out
    assert "50.0%" in out  # 10 t of 20 t servable without China
    assert "CHN" in out and "sintering" in out


def test_unknown_bloc_exits_2() -> None:
    code, out, err = run(str(TINY), "--bloc", "EU")
    assert code == 2
    assert out == ""
    assert "--bloc: unknown bloc 'EU' -- use one of CN, US" in err


def test_bad_data_exits_2(tmp_path: Path, tiny_frames: dict[str, pd.DataFrame]) -> None:
    tiny_frames["capacity"].loc[5, "existing"] = "lots"
    code, out, err = run(str(write_csv_dataset(tmp_path, tiny_frames)))
    assert code == 2
    assert out == ""
    assert "capacity.csv, row 7, column 'existing': 'lots' is not a number" in err
