"""The input workbook: written from a dataset and scenario, read back to the same plan."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from test_excel_plan import HOSTILE, tiny_data, tiny_scenario

from autarky.excel.template import (
    SCENARIO_SHEET,
    read_input_workbook,
    scenario_dict,
    write_template,
)
from network.errors import InputError
from network.schema import CAPACITY, TABLES
from optimize.plan import run_plan


def rich_scenario():
    """Every block of the Scenario sheet used at least once."""
    return tiny_scenario(
        description="=not a formula",
        discount_rate=0.07,
        budget=dict(per_year_usd_bn=1, total_usd_bn=5, per_chain_per_year_usd_bn={"magnet": 0.5}),
        targets=[
            dict(share=0.95, from_year=2030, name="all critical"),
            dict(commodities=["magnet"], share=0.5, from_year=2029),
        ],
        restrictions=[
            dict(
                name="licensing",
                commodities=["magnet", "oxide"],
                from_year=2026,
                to_year=2028,
                max_share=0.5,
                extraterritorial=True,
                source="+MOFCOM notice",
            )
        ],
        value_unserved={"magnet": 200000},
        solver=dict(method="simplex", time_limit_s=60),
        game={"years": [2026, 2030], "payoffs": "data/game/payoffs.csv"},
    )


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("tpl") / "inputs.xlsx"
    assert write_template(path, tiny_data(), rich_scenario()) == path
    return path


def test_one_sheet_per_table_then_the_scenario(template):
    wb = load_workbook(template)
    assert wb.sheetnames == [t.name for t in TABLES] + [SCENARIO_SHEET]
    for spec in TABLES:
        headers = [c.value for c in wb[spec.name][1]]
        assert headers == list(spec.column_names), spec.name


def test_round_trip_gives_the_same_plan(template):
    data, sc = read_input_workbook(template)
    original = rich_scenario()
    assert sc.model_dump(exclude={"dataset"}) == original.model_dump(exclude={"dataset"})
    assert sc.dataset_path == template
    assert sc.budget.per_chain_per_year_usd_bn == {"magnet": 0.5}
    assert sc.game == {"years": [2026, 2030], "payoffs": "data/game/payoffs.csv"}
    ours = run_plan(sc, data)
    theirs = run_plan(original, tiny_data())
    assert ours.status is theirs.status
    assert ours.objective == pytest.approx(theirs.objective, rel=1e-9)


def test_round_trip_keeps_formula_like_text_as_text(template):
    data, sc = read_input_workbook(template)
    assert dict(data.regions["source"]) == HOSTILE
    assert sc.description == "=not a formula"
    assert sc.restrictions[0].source == "+MOFCOM notice"
    ws = load_workbook(template)["regions"]
    assert all(ws.cell(r, 4).data_type == "s" for r in range(2, 5))


def test_headers_carry_description_and_unit(template):
    ws = load_workbook(template)["capacity"]
    notes = {c.value: c.comment.text for c in ws[1]}
    assert set(notes) == set(CAPACITY.column_names)
    assert CAPACITY.column("capex").description in notes["capex"]
    assert "Unit: USD per (activity unit/yr)" in notes["capex"]
    assert "Optional (default 30)" in notes["lifetime"]


def _validations(ws) -> dict[str, object]:
    """First cell range of each data validation -> the validation."""
    return {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}


def test_drop_downs_for_references_choices_and_booleans(template):
    wb = load_workbook(template)
    cap = _validations(wb["capacity"])
    assert cap["A2"].type == "list" and cap["A2"].formula1 == "'regions'!$A$2:$A$2001"
    assert cap["B2"].formula1 == "'processes'!$A$2:$A$2001"
    assert cap["A2"].errorStyle == "stop"
    com = _validations(wb["commodities"])
    assert com["D2"].formula1 == '"rare_earth,magnet,minor_metal,semiconductor"'
    assert com["E2"].formula1 == '"true,false"'
    routes = _validations(wb["routes"])
    assert routes["A2"].errorStyle == "warning"  # '*' is allowed too
    sc = _validations(wb[SCENARIO_SHEET])
    assert any(dv.formula1 == "'regions'!$C$2:$C$2001" for dv in sc.values())  # blocs


def test_booleans_are_written_as_the_drop_down_text(template):
    ws = load_workbook(template)["commodities"]
    assert [ws.cell(r, 5).value for r in range(2, 5)] == ["false", "false", "true"]


def test_template_without_a_scenario_asks_for_one(tmp_path):
    path = write_template(tmp_path / "blank.xlsx", tiny_data(), None)
    ws = load_workbook(path)[SCENARIO_SHEET]
    keys = [c.value for c in ws["A"]]
    assert {"scenario", "targets", "restrictions", "horizon.first"} <= set(keys)
    with pytest.raises(InputError, match="name"):
        read_input_workbook(path)


def test_missing_scenario_sheet_is_reported(tmp_path):
    path = write_template(tmp_path / "x.xlsx", tiny_data(), tiny_scenario())
    wb = load_workbook(path)
    del wb[SCENARIO_SHEET]
    wb.save(path)
    with pytest.raises(InputError, match="no sheet 'Scenario'"):
        read_input_workbook(path)


def test_bad_boolean_in_restrictions_names_the_block():
    blocks = {
        "scenario": [{"key": "name", "value": "x"}],
        "restrictions": [{"commodities": "magnet", "from_year": 2026, "extraterritorial": "maybe"}],
    }
    with pytest.raises(InputError, match="restrictions"):
        scenario_dict(blocks, "inputs.xlsx")


def test_edited_scenario_values_are_read(template, tmp_path):
    wb = load_workbook(template)
    ws = wb[SCENARIO_SHEET]
    for row in ws.iter_rows(min_col=1, max_col=2):
        if row[0].value == "horizon.last":
            row[1].value = 2031
        if row[0].value == "budget.total_usd_bn":
            row[1].value = None
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    _, sc = read_input_workbook(edited)
    assert sc.horizon.last == 2031
    assert sc.budget.total_usd_bn is None
    assert sc.budget.per_year_usd_bn == 1
