"""The race workbook (autarky/excel/game.py) on the tiny race of test_feedback: both plans named
by side with what they priced and faced, the formatted Game sheet with its chart and the
window shaded, the loop sheet, and no Python reprs in any cell."""

from __future__ import annotations

import re
import zipfile

import pytest
from openpyxl import load_workbook
from test_feedback import race

from autarky.excel.game import game_frame, race_sheet_names, write_race_workbook
from optimize.game.loop import run_race


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    # fictitious play settles at p = 0.25: the US builds 10 t of lasting capacity and is
    # independent, China (no fab) stays dependent, the US control pays: a window every year
    r = race(method="fictitious", tolerance=0.05)
    result = run_race(r)
    path = tmp_path_factory.mktemp("race") / "plan.xlsx"
    write_race_workbook(path, result, r.data, "race")
    return result, path, load_workbook(path)


def test_sheets_both_plans_by_side_then_inputs(book):
    _, _, wb = book
    assert wb.sheetnames == race_sheet_names(shared=True)
    assert wb.sheetnames[:5] == ["Race", "Game", "Loop", "US Summary", "US Timeline"]
    assert "CN Summary" in wb.sheetnames and "In_capacity" in wb.sheetnames


def test_race_sheet_names_each_plan_and_what_it_faced(book):
    result, _, wb = book
    ws = wb["Race"]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    flat = [v for row in values for v in row if v is not None]
    assert "how the loop ended" in flat and result.verdict in flat
    assert "US leads 2025-2030 (6 years)" in flat  # the window as words, not a repr
    plans = next(i for i, row in enumerate(values) if row[:2] == ["side", "plan"])
    header = values[plans]
    us, cn = values[plans + 1], values[plans + 2]
    assert (us[0], cn[0]) == ("US", "CN")
    assert us[1] == "us_plan US plan" and cn[1] == "us_plan CN plan"  # race header 'us_plan'
    priced = header.index("restriction priced (likelihood by year)")
    assert us[priced] == "2025-2030: 0.25" and cn[priced] == "2025-2030: 1"
    assert us[header.index("hard restrictions faced")] == "none"
    assert "none (no concession)" in flat
    eff = next(i for i, row in enumerate(values) if row[:2] == ["sender", "target"])
    assert values[eff + 1][:2] == ["US", "CN"] and values[eff + 2][:2] == ["CN", "US"]
    # China's full restriction does nothing to a US that serves all its magnets itself
    assert values[eff + 2][2] == pytest.approx(0.0) and values[eff + 1][2] > 0
    # each side's Summary names the side's plan and says what it priced
    summary = [c.value for row in wb["US Summary"].iter_rows() for c in row if c.value]
    assert any("us_plan US plan" in str(v) for v in summary)
    assert any("priced CN's restriction with likelihood 2025-2030: 0.25" in str(v) for v in summary)


def test_game_sheet_formats_and_chart(book):
    result, path, wb = book
    ws = wb["Game"]
    header = [c.value for c in ws[24]]
    assert header[:5] == [
        "year",
        "US dependence",
        "CN dependence",
        "US plan priced restriction",
        "CN plan priced restriction",
    ]
    assert ws.cell(25, 2).number_format == "0.0%" and ws.cell(25, 4).number_format == "0.0%"
    assert ws.cell(25, 1).value == 2025 and ws.cell(25, 1).number_format == "0"
    regime = header.index("regime") + 1
    assert ws.cell(25, regime).value == "asymmetric decoupling"
    assert [ws.cell(r, header.index("window") + 1).value for r in range(25, 31)] == [1] * 6
    assert [ws.cell(r, header.index("pinned") + 1).value for r in range(25, 31)] == [None] * 6
    frame = game_frame(result)
    assert list(frame["US dependence"]) == pytest.approx([0.0] * 6)
    parts_top = next(r for r in range(31, 40) if ws.cell(r, 1).value == "year")
    assert ws.cell(parts_top, 2).value == "US lost supply USD bn"
    assert ws.cell(parts_top + 1, 2).number_format == "#,##0.00"
    assert len(ws._charts) == 1
    with zipfile.ZipFile(path) as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
    game_chart = [c for c in charts if "strategic window" in c]
    assert len(game_chart) == 1
    xml = game_chart[0]
    assert re.search(r"<(c:)?barChart>", xml) and re.search(r"<(c:)?lineChart>", xml)
    assert "FCE4D6" in xml  # the window's shading


def test_no_python_reprs_in_any_race_sheet(book):
    _, _, wb = book
    reprs = re.compile(r"Window\(|Concession\(|Strategy\(|np\.float|Timestamp\(|<NA>|nan\b")
    for name in ("Race", "Game", "Loop"):
        for row in wb[name].iter_rows():
            for c in row:
                if isinstance(c.value, str):
                    assert not reprs.search(c.value), (name, c.coordinate, c.value)


def test_loop_sheet_reports_each_iteration(book):
    result, _, wb = book
    ws = wb["Loop"]
    header = [c.value for c in ws[3]]
    assert header[:3] == ["iteration", "largest change of p", "gap |G - P|"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=4)]
    assert [r[0] for r in rows] == [it.index for it in result.iterations]
    assert [round(r[1], 6) for r in rows] == [round(c, 6) for c in result.changes]
