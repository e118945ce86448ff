"""One-change validation tests.

Each test starts from the valid tiny dataset (tests/data/tiny), breaks exactly one thing and
checks the message names the file, the spreadsheet row (header = row 1) and the column. Frame
row ``i`` of a table is spreadsheet row ``i + 2``.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import TINY, write_csv_dataset
from openpyxl import Workbook
from typer.testing import CliRunner

from autarky.cli import app
from network.dataset import Dataset
from network.errors import DataError
from network.validate import dataset_from_frames, load_dataset

Frames = dict[str, pd.DataFrame]


def load(tmp_path: Path, frames: Frames) -> Dataset:
    return load_dataset(write_csv_dataset(tmp_path, frames))


def add_row(frames: Frames, table: str, **cells: str) -> None:
    """Append one row to ``table``; source is 'test', trust U, other columns not given are
    empty."""
    cells = {"source": "test", "trust": "U", **cells}
    row = {c: cells.get(c, "") for c in frames[table].columns}
    frames[table] = pd.concat([frames[table], pd.DataFrame([row])], ignore_index=True)


def exact(text: str) -> str:
    return re.escape(text)


def write_workbook(path: Path, frames: Frames) -> Path:
    """One sheet per table, numbers stored as numbers and empty cells as empty, like Excel."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, frame in frames.items():
        ws = wb.create_sheet(name)
        ws.append(list(frame.columns))
        for values in frame.itertuples(index=False):
            ws.append([_as_spreadsheet_value(v) for v in values])
    wb.save(path)
    return path


def _as_spreadsheet_value(text: str) -> object:
    if text == "":
        return None
    try:
        number = float(text)
    except ValueError:
        return text
    return int(number) if number.is_integer() else number


# ---------------------------------------------------------------------------------------
# a valid dataset


def test_tiny_dataset_loads() -> None:
    data = load_dataset(TINY)
    assert data.summary() == {
        "regions": 3,
        "blocs": 2,
        "commodities": 3,
        "critical commodities": 1,
        "processes": 3,
        "recipe inputs": 2,
        "capacity rows": 7,
        "projects": 1,
        "demand rows": 3,
        "trade routes (expanded)": 18,  # 3 regions x 2 partners x 3 commodities
    }
    assert data.blocs == ("CN", "US")
    assert data.critical == ["magnet"]
    assert data.capacity.index.names == ["region", "process"]
    assert data.capacity.loc[("CHN", "sintering"), "existing"] == 500.0
    assert data.recipe["sintering"] == {"oxide": 0.3}


def test_round_trip_through_csv_is_valid(tmp_path: Path, tiny_frames: Frames) -> None:
    assert load(tmp_path, tiny_frames).summary()["capacity rows"] == 7


def test_optional_tables_may_be_absent(tmp_path: Path, tiny_frames: Frames) -> None:
    del tiny_frames["projects"], tiny_frames["process_inputs"]
    data = load(tmp_path, tiny_frames)
    assert len(data.projects) == 0
    assert data.recipe["sintering"] == {}
    assert data.capacity_in(2030)[("USA", "sintering")] == 0.0


def test_optional_column_takes_its_default(tmp_path: Path, tiny_frames: Frames) -> None:
    tiny_frames["capacity"] = tiny_frames["capacity"].drop(columns=["lifetime", "fixed_om"])
    data = load(tmp_path, tiny_frames)
    assert (data.capacity["lifetime"] == 30).all()
    assert (data.capacity["fixed_om"] == 0.0).all()


# ---------------------------------------------------------------------------------------
# one thing broken: tables and columns


def test_missing_table(tmp_path: Path, tiny_frames: Frames) -> None:
    del tiny_frames["capacity"]
    with pytest.raises(DataError, match=exact("table 'capacity' is missing -- add capacity.csv")):
        load(tmp_path, tiny_frames)


def test_missing_column_hints_at_near_name(tmp_path: Path, tiny_frames: Frames) -> None:
    tiny_frames["capacity"] = tiny_frames["capacity"].rename(columns={"existing": "exisiting"})
    with pytest.raises(
        DataError,
        match=exact("capacity.csv: column 'existing' is missing (is 'exisiting' meant to be"),
    ) as exc:
        load(tmp_path, tiny_frames)
    assert len(exc.value.problems) == 1


def test_column_twice_in_header(tmp_path: Path) -> None:
    folder = tmp_path / "dataset"
    folder.mkdir()
    for f in TINY.glob("*.csv"):
        (folder / f.name).write_text(f.read_text())
    lines = (folder / "regions.csv").read_text().splitlines()
    lines = [lines[0] + ",bloc", *(line + ",X" for line in lines[1:])]
    (folder / "regions.csv").write_text("\n".join(lines) + "\n")
    with pytest.raises(
        DataError, match=exact("regions.csv: column 'bloc' appears 2 times in the header")
    ) as exc:
        load_dataset(folder)
    assert len(exc.value.problems) == 1


# ---------------------------------------------------------------------------------------
# one thing broken: single cells


def test_text_in_a_number_cell(tmp_path: Path, tiny_frames: Frames) -> None:
    tiny_frames["capacity"].loc[1, "existing"] = "12 t"
    with pytest.raises(
        DataError, match=exact("capacity.csv, row 3, column 'existing': '12 t' is not a number")
    ) as exc:
        load(tmp_path, tiny_frames)
    assert len(exc.value.problems) == 1


def test_negative_capacity(tmp_path: Path, tiny_frames: Frames) -> None:
    tiny_frames["capacity"].loc[1, "existing"] = "-5"
    with pytest.raises(
        DataError,
        match=exact("capacity.csv, row 3, column 'existing': -5 is below the minimum 0 -- enter"),
    ) as exc:
        load(tmp_path, tiny_frames)
    assert len(exc.value.problems) == 1


def test_empty_required_number(tmp_path: Path, tiny_frames: Frames) -> None:
    tiny_frames["capacity"].loc[1, "capex"] = ""
    with pytest.raises(
        DataError, match=exact("capacity.csv, row 3, column 'capex': cell is empty -- enter")
    ) as exc:
        load(tmp_path, tiny_frames)
    assert len(exc.value.problems) == 1


def test_nan_text_in_required_number(tmp_path: Path, tiny_frames: Frames) -> None:
    tiny_frames["demand"].loc[2, "quantity"] = "NaN"
    with pytest.raises(
        DataError,
        match=exact("demand.csv, row 4, column 'quantity': 'NaN' is not a finite number"),
    ) as exc:
        load(tmp_path, tiny_frames)
    assert len(exc.value.problems) == 1


@pytest.mark.parametrize("blank", [np.nan, None, pd.NA])
def test_missing_value_in_frames_is_an_empty_cell(tiny_frames: Frames, blank: object) -> None:
    capacity = tiny_frames["capacity"].astype(object)
    capacity.loc[6, "existing"] = blank
    tiny_frames["capacity"] = capacity
    with pytest.raises(
        DataError, match=exact("capacity, row 8, column 'existing': cell is empty")
    ) as exc:
        dataset_from_frames(tiny_frames)
    assert len(exc.value.problems) == 1


def test_implausible_lead_time(tmp_path: Path, tiny_frames: Frames) -> None:
    tiny_frames["capacity"].loc[1, "lead_time"] = "300"
    with pytest.raises(
        DataError,
        match=exact(
            "capacity.csv, row 3, column 'lead_time': 300 is implausibly large (most 40 yr)"
        ),
    ) as exc:
        load(tmp_path, tiny_frames)
    assert len(exc.value.problems) == 1


def test_fractional_year(tmp_path: Path, tiny_frames: Frames) -> None:
    tiny_frames["demand"].loc[0, "year"] = "2025.5"
    with pytest.raises(
        DataError, match=exact("demand.csv, row 2, column 'year': '2025.5' is not a whole number")
    ):
        load(tmp_path, tiny_frames)


def test_bad_bool(tmp_path: Path, tiny_frames: Frames) -> None:
    tiny_frames["commodities"].loc[2, "critical"] = "maybe"
    with pytest.raises(
        DataError,
        match=exact("commodities.csv, row 4, column 'critical': 'maybe' is not true/false"),
    ) as exc:
        load(tmp_path, tiny_frames)
    assert len(exc.value.problems) == 1


def test_id_with_a_space(tmp_path: Path, tiny_frames: Frames) -> None:
    tiny_frames["regions"].loc[2, "bloc"] = "neutral zone"
    with pytest.raises(
        DataError,
        match=exact("regions.csv, row 4, column 'bloc': 'neutral zone' is not a valid id"),
    ) as exc:
        load(tmp_path, tiny_frames)
    assert len(exc.value.problems) == 1


def test_wildcard_outside_routes_is_no_id(tmp_path: Path, tiny_frames: Frames) -> None:
    tiny_frames["demand"].loc[0, "region"] = "*"
    with pytest.raises(
        DataError, match=exact("demand.csv, row 2, column 'region': '*' is not a valid id")
    ):
        load(tmp_path, tiny_frames)


def test_bad_choice(tmp_path: Path, tiny_frames: Frames) -> None:
    tiny_frames["commodities"].loc[2, "chain"] = "magnets"
    with pytest.raises(
        DataError,
        match=exact(
            "commodities.csv, row 4, column 'chain': 'magnets' is not one of rare_earth, "
            "magnet, minor_metal, semiconductor"
        ),
    ) as exc:
        load(tmp_path, tiny_frames)
    assert len(exc.value.problems) == 1


# ---------------------------------------------------------------------------------------
# one thing broken: across tables


def test_unknown_region_in_route(tmp_path: Path, tiny_frames: Frames) -> None:
    tiny_frames["routes"].loc[1, "exporter"] = "CHNA"
    with pytest.raises(
        DataError,
        match=exact(
            "routes.csv, row 3, column 'exporter': unknown region 'CHNA' -- did you mean 'CHN'?"
        ),
    ) as exc:
        load(tmp_path, tiny_frames)
    assert len(exc.value.problems) == 1


def test_recipe_input_that_is_no_commodity(tmp_path: Path, tiny_frames: Frames) -> None:
    tiny_frames["process_inputs"].loc[1, "commodity"] = "oxyde"
    with pytest.raises(
        DataError,
        match=exact(
            "process_inputs.csv, row 3, column 'commodity': unknown commodity 'oxyde' -- "
            "did you mean 'oxide'?"
        ),
    ) as exc:
        load(tmp_path, tiny_frames)
    assert len(exc.value.problems) == 1


def test_duplicate_key(tmp_path: Path, tiny_frames: Frames) -> None:
    add_row(tiny_frames, "capacity", **tiny_frames["capacity"].iloc[3].to_dict())  # CHN mining
    with pytest.raises(
        DataError,
        match=exact(
            "capacity.csv, row 9, column 'process': duplicate key (CHN, mining); row 5 has the same"
        ),
    ) as exc:
        load(tmp_path, tiny_frames)
    assert len(exc.value.problems) == 1


def test_recipe_cycle_direct(tmp_path: Path, tiny_frames: Frames) -> None:
    add_row(tiny_frames, "process_inputs", process="sintering", commodity="magnet", amount="0.1")
    with pytest.raises(
        DataError,
        match=exact(
            "process_inputs.csv, row 4, column 'commodity': recipe cycle: magnet -> magnet "
            "(processes sintering)"
        ),
    ) as exc:
        load(tmp_path, tiny_frames)
    assert len(exc.value.problems) == 1


def test_recipe_cycle_through_another_process(tmp_path: Path, tiny_frames: Frames) -> None:
    # separation now needs magnets, and sintering needs separation's oxide
    add_row(tiny_frames, "process_inputs", process="separation", commodity="magnet", amount="1")
    with pytest.raises(
        DataError,
        match=exact(
            "process_inputs.csv, row 3, column 'commodity': recipe cycle: oxide -> magnet -> "
            "oxide (processes sintering, separation)"
        ),
    ) as exc:
        load(tmp_path, tiny_frames)
    assert len(exc.value.problems) == 1


def test_every_recipe_cycle_reported_in_row_order(tmp_path: Path, tiny_frames: Frames) -> None:
    add_row(tiny_frames, "process_inputs", process="mining", commodity="magnet", amount="0.01")
    add_row(tiny_frames, "process_inputs", process="sintering", commodity="magnet", amount="0.1")
    with pytest.raises(DataError, match=r"^invalid dataset: 2 problems\n") as exc:
        load(tmp_path, tiny_frames)
    assert [p.what for p in exc.value.problems] == [
        "recipe cycle: ore -> oxide -> magnet -> ore (processes separation, sintering, mining)",
        "recipe cycle: magnet -> magnet (processes sintering)",
    ]
    assert [p.row for p in exc.value.problems] == [2, 5]


def test_demanded_commodity_no_process_can_produce(tmp_path: Path, tiny_frames: Frames) -> None:
    add_row(
        tiny_frames,
        "commodities",
        commodity="dysprosium",
        name="Dy",
        unit="t",
        chain="rare_earth",
        critical="true",
        value_unserved="1000",
    )
    add_row(
        tiny_frames,
        "demand",
        region="USA",
        commodity="dysprosium",
        year="2025",
        quantity="3",
    )
    with pytest.raises(
        DataError,
        match=exact(
            "demand.csv, row 5, column 'commodity': 'dysprosium' is demanded but no process "
            "anywhere can produce it"
        ),
    ) as exc:
        load(tmp_path, tiny_frames)
    assert len(exc.value.problems) == 1


def test_process_without_capacity_or_build_option_cannot_serve_demand(
    tmp_path: Path, tiny_frames: Frames
) -> None:
    capacity = tiny_frames["capacity"]
    sintering = capacity["process"] == "sintering"
    capacity.loc[sintering, ["existing", "max_build"]] = "0"
    del tiny_frames["projects"]
    with pytest.raises(
        DataError, match=exact("demand.csv, row 2, column 'commodity': 'magnet' is demanded")
    ) as exc:
        load(tmp_path, tiny_frames)
    assert len(exc.value.problems) == 1  # one problem per commodity, not per demand row


def test_demand_years_out_of_order(tmp_path: Path, tiny_frames: Frames) -> None:
    tiny_frames["demand"].loc[0, "year"] = "2035"  # USA magnet: 2035 listed before 2030
    with pytest.raises(
        DataError,
        match=exact(
            "demand.csv, row 3, column 'year': year 2030 comes after 2035 (row 2) for "
            "USA/magnet: years out of order"
        ),
    ) as exc:
        load(tmp_path, tiny_frames)
    assert len(exc.value.problems) == 1


def test_project_without_capacity_row(tmp_path: Path, tiny_frames: Frames) -> None:
    tiny_frames["projects"].loc[0, "region"] = "MYS"  # MYS has no sintering capacity row
    with pytest.raises(
        DataError,
        match=exact(
            "projects.csv, row 2, column 'process': project in MYS/sintering has no capacity row"
        ),
    ) as exc:
        load(tmp_path, tiny_frames)
    assert len(exc.value.problems) == 1


def test_only_one_bloc(tmp_path: Path, tiny_frames: Frames) -> None:
    tiny_frames["regions"].loc[1, "bloc"] = "US"
    with pytest.raises(
        DataError, match=exact("regions.csv, column 'bloc': only 1 bloc besides 'neutral' (US)")
    ):
        load(tmp_path, tiny_frames)


# ---------------------------------------------------------------------------------------
# every problem at once


def test_several_cell_problems_reported_together(tmp_path: Path, tiny_frames: Frames) -> None:
    tiny_frames["capacity"].loc[1, "existing"] = "-5"
    tiny_frames["capacity"].loc[2, "capex"] = "lots"
    tiny_frames["demand"].loc[0, "year"] = "2025.5"
    tiny_frames["regions"].loc[0, "region"] = "United States"
    with pytest.raises(DataError, match=r"^invalid dataset: 4 problems\n") as exc:
        load(tmp_path, tiny_frames)
    assert [(p.where, p.row, p.column) for p in exc.value.problems] == [
        ("regions.csv", 2, "region"),
        ("capacity.csv", 3, "existing"),
        ("capacity.csv", 4, "capex"),
        ("demand.csv", 2, "year"),
    ]


def test_several_cross_table_problems_reported_together(
    tmp_path: Path, tiny_frames: Frames
) -> None:
    tiny_frames["routes"].loc[1, "importer"] = "USB"
    tiny_frames["projects"].loc[0, "region"] = "MYS"
    tiny_frames["demand"].loc[0, "year"] = "2035"
    with pytest.raises(DataError, match=r"^invalid dataset: 3 problems\n") as exc:
        load(tmp_path, tiny_frames)
    assert {(p.where, p.row, p.column) for p in exc.value.problems} == {
        ("routes.csv", 3, "importer"),
        ("projects.csv", 2, "process"),
        ("demand.csv", 3, "year"),
    }


# ---------------------------------------------------------------------------------------
# the same through a workbook: sheet names appear in messages


def test_workbook_loads(tmp_path: Path, tiny_frames: Frames) -> None:
    data = load_dataset(write_workbook(tmp_path / "tiny.xlsx", tiny_frames))
    assert data.summary() == load_dataset(TINY).summary()
    assert data.capacity.loc[("CHN", "sintering"), "existing"] == 500.0


def test_workbook_cell_problem_names_sheet(tmp_path: Path, tiny_frames: Frames) -> None:
    tiny_frames["capacity"].loc[1, "existing"] = "-5"
    with pytest.raises(
        DataError,
        match=exact(
            "tiny.xlsx, sheet 'capacity', row 3, column 'existing': -5 is below the minimum 0"
        ),
    ) as exc:
        load_dataset(write_workbook(tmp_path / "tiny.xlsx", tiny_frames))
    assert len(exc.value.problems) == 1


def test_workbook_cross_table_problem_names_sheet(tmp_path: Path, tiny_frames: Frames) -> None:
    tiny_frames["routes"].loc[1, "exporter"] = "CHNA"
    with pytest.raises(
        DataError,
        match=exact("tiny.xlsx, sheet 'routes', row 3, column 'exporter': unknown region 'CHNA'"),
    ):
        load_dataset(write_workbook(tmp_path / "tiny.xlsx", tiny_frames))


def test_workbook_missing_sheet(tmp_path: Path, tiny_frames: Frames) -> None:
    del tiny_frames["demand"]
    with pytest.raises(
        DataError, match=exact("tiny.xlsx: table 'demand' is missing -- add demand.csv (or a sheet")
    ):
        load_dataset(write_workbook(tmp_path / "tiny.xlsx", tiny_frames))


def test_unsupported_file_type(tmp_path: Path) -> None:
    path = tmp_path / "tiny.ods"
    path.write_text("")
    with pytest.raises(DataError, match=exact("unsupported dataset file type '.ods'")):
        load_dataset(path)


# ---------------------------------------------------------------------------------------
# what a valid dataset means: route wildcards and demand interpolation


def test_route_wildcards_expand_and_specific_rows_override(
    tmp_path: Path, tiny_frames: Frames
) -> None:
    # tiny routes: '*,*,*' at cost 5, and 'CHN,USA,magnet' at cost 50
    add_row(
        tiny_frames,
        "routes",
        exporter="*",
        importer="USA",
        commodity="oxide",
        cost="7",
        max_flow="3",
    )
    routes = load(tmp_path, tiny_frames).routes
    assert routes.index.names == ["exporter", "importer", "commodity"]
    assert len(routes) == 3 * 2 * 3  # every ordered pair of distinct regions, every commodity
    assert not (
        routes.index.get_level_values("exporter") == routes.index.get_level_values("importer")
    ).any()
    assert routes.loc[("CHN", "USA", "magnet"), "cost"] == 50.0  # specific beats '*,*,*'
    assert routes.loc[("MYS", "USA", "magnet"), "cost"] == 5.0
    assert routes.loc[("USA", "CHN", "magnet"), "cost"] == 5.0  # other direction untouched
    assert routes.loc[("MYS", "USA", "oxide")].tolist()[:2] == [7.0, 3.0]  # '*,USA,oxide'
    assert routes.loc[("MYS", "CHN", "oxide"), "cost"] == 5.0
    assert np.isnan(routes.loc[("MYS", "CHN", "oxide"), "max_flow"])  # empty: no limit


def test_equally_specific_route_rows_that_disagree_are_refused(
    tmp_path: Path, tiny_frames: Frames
) -> None:
    route = dict(commodity="ore", trust="U")
    add_row(tiny_frames, "routes", exporter="MYS", importer="*", cost="8", **route)
    add_row(tiny_frames, "routes", exporter="*", importer="USA", cost="9", **route)
    first = len(tiny_frames["routes"])  # spreadsheet rows of the two new rows: first, first + 1
    with pytest.raises(DataError) as err:
        load(tmp_path, tiny_frames)
    assert f"routes.csv, row {first + 1}, column 'cost': rows {first} and {first + 1} are " in str(
        err.value
    )
    assert "MYS -> USA, ore" in str(err.value)
    # a row naming all three fields settles the arc both cover
    add_row(tiny_frames, "routes", exporter="MYS", importer="USA", cost="7", **route)
    (tmp_path / "settled").mkdir()
    routes = load(tmp_path / "settled", tiny_frames).routes
    assert routes.loc[("MYS", "USA", "ore"), "cost"] == 7.0
    assert routes.loc[("MYS", "CHN", "ore"), "cost"] == 8.0
    assert routes.loc[("CHN", "USA", "ore"), "cost"] == 9.0


def test_route_from_a_region_to_itself_is_dropped(tmp_path: Path, tiny_frames: Frames) -> None:
    add_row(tiny_frames, "routes", exporter="USA", importer="USA", commodity="ore", cost="1")
    routes = load(tmp_path, tiny_frames).routes
    assert len(routes) == 18
    assert ("USA", "USA", "ore") not in routes.index


def test_demand_interpolates_linearly_and_holds_flat_outside(tiny_frames: Frames) -> None:
    # tiny demand: USA magnet 10 in 2025 and 20 in 2030; CHN magnet 100 in 2025 only
    demand = dataset_from_frames(tiny_frames).demand_in([2020, 2025, 2027, 2030, 2040])
    assert demand.index.names == ["region", "commodity", "year"]
    assert demand.loc[("USA", "magnet")].tolist() == pytest.approx([10, 10, 14, 20, 20])
    assert demand.loc[("CHN", "magnet")].tolist() == pytest.approx([100] * 5)


def test_demand_interpolation_drops_zero_years(tiny_frames: Frames) -> None:
    tiny_frames["demand"].loc[1, "quantity"] = "0"  # USA magnet: 10 in 2025, 0 in 2030
    demand = dataset_from_frames(tiny_frames).demand_in([2025, 2029, 2030])
    assert demand.loc[("USA", "magnet")].to_dict() == pytest.approx({2025: 10.0, 2029: 2.0})


# ---------------------------------------------------------------------------------------
# the command line: problems printed, exit 2, no traceback


def _broken_copy(tmp_path: Path, tiny_frames: Frames) -> Path:
    tiny_frames["capacity"].loc[1, "existing"] = "-5"
    tiny_frames["regions"].loc[2, "bloc"] = "neutral zone"
    return write_csv_dataset(tmp_path, tiny_frames)


def test_cli_validate_bad_data_exits_2_and_lists_problems(
    tmp_path: Path, tiny_frames: Frames
) -> None:
    result = CliRunner().invoke(app, ["validate", str(_broken_copy(tmp_path, tiny_frames))])
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit)
    text = " ".join(result.stderr.split())  # the console wraps long lines
    assert text.startswith("invalid dataset: 2 problems")
    assert "capacity.csv, row 3, column 'existing': -5 is below the minimum 0" in text
    assert "regions.csv, row 4, column 'bloc': 'neutral zone' is not a valid id" in text
    assert result.stdout == ""


def test_cli_validate_missing_path_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["validate", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert "nowhere: no such file or folder" in " ".join(result.stderr.split())


def test_cli_validate_good_data_exits_0() -> None:
    result = CliRunner().invoke(app, ["validate", str(TINY)])
    assert result.exit_code == 0, result.output
    assert "valid" in result.stdout
    assert "capacity rows" in result.stdout


def test_cli_validate_prints_no_traceback(tmp_path: Path, tiny_frames: Frames) -> None:
    """The installed command, in a real process: the report on stderr, no traceback."""
    folder = _broken_copy(tmp_path, tiny_frames)
    script = "from autarky.cli import app; app()"
    proc = subprocess.run(
        [sys.executable, "-c", script, "validate", str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "invalid dataset: 2 problems" in proc.stderr


def test_cell_errors_and_cross_table_errors_are_reported_together(
    tmp_path: Path, tiny_frames: Frames
) -> None:
    cap = tiny_frames["capacity"]
    cap.loc[0, "existing"] = "lots"  # a cell error in capacity (row 2)
    routes = tiny_frames["routes"]
    routes.loc[1, "importer"] = "USX"  # an unknown region in routes (row 3)
    recipes = tiny_frames["process_inputs"]
    recipes.loc[0, "commodity"] = "ores"  # an unknown commodity in a recipe (row 2)
    with pytest.raises(DataError) as info:
        load(tmp_path, tiny_frames)
    text = [str(p) for p in info.value.problems]
    assert len(text) == 3, text
    assert text[0].startswith("capacity.csv, row 2, column 'existing': 'lots' is not a number")
    assert any(
        t.startswith("routes.csv, row 3, column 'importer': unknown region 'USX'") for t in text
    )
    assert any(
        "process_inputs.csv, row 2, column 'commodity': unknown commodity 'ores'" in t
        and "did you mean 'ore'" in t
        for t in text
    )


def test_a_bad_cell_in_a_referenced_table_does_not_flood_references(
    tmp_path: Path, tiny_frames: Frames
) -> None:
    tiny_frames["regions"].loc[1, "region"] = "C HN"  # CHN's id is broken: one problem, not ten
    with pytest.raises(DataError) as info:
        load(tmp_path, tiny_frames)
    assert len(info.value.problems) == 1
    assert "regions.csv, row 3, column 'region'" in str(info.value.problems[0])
