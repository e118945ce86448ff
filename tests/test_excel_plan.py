"""plan.xlsx on the tiny dataset: sheets, Excel Tables, formats, charts, formula safety, atomicity.

The tiny dataset (tests/data/tiny) gets hostile source texts (formula injection) and one
assumption row; the plan asks for 95% of US magnet demand without China from 2030.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from conftest import read_tiny_frames
from openpyxl import Workbook, load_workbook

from autarky.excel import plan as plan_mod
from autarky.excel.plan import PLAN_SHEETS, spend_table, write_plan_workbook
from autarky.excel.styles import AMBER, SHARE, USD_BN, safe_value
from network.dataset import Dataset
from network.validate import dataset_from_frames
from optimize.plan import run_plan
from optimize.plan.results import PlanResult
from optimize.scenario import scenario_from_dict

HOSTILE = {
    "USA": '=HYPERLINK("http://x","y")',
    "CHN": "+1+1",
    "MYS": "@SUM(A1)",
}
MINUS = "-2+3"
ASSUMED = "assumption: recovery rate guessed"


def tiny_data() -> Dataset:
    frames = read_tiny_frames()
    regions = frames["regions"]
    regions["source"] = regions["region"].map(HOSTILE)
    commodities = frames["commodities"]
    commodities.loc[commodities["commodity"] == "ore", "source"] = MINUS
    commodities.loc[commodities["commodity"] == "oxide", "source"] = ASSUMED
    commodities["trust"] = commodities["commodity"].map(lambda c: "U" if c == "oxide" else "P")
    return dataset_from_frames(frames)


def tiny_scenario(**kw: object):
    raw = dict(
        name="tiny",
        description="95% of US magnets without China from 2030",
        dataset=".",
        horizon=dict(first=2025, last=2032),
        planner="US",
        rival="CN",
        targets=[dict(share=0.95, from_year=2030)],
        budget=dict(per_year_usd_bn=1),
    )
    raw.update(kw)
    return scenario_from_dict(raw)


def tiny_plan() -> tuple[PlanResult, Dataset]:
    data = tiny_data()
    return run_plan(tiny_scenario(), data), data


def game_stub() -> SimpleNamespace:
    years = pd.Index([2025, 2026], name="year")
    table = pd.DataFrame(
        {
            "payoff US": ["[[1, 0], [2, -1]]", "[[1, 0], [2, -2]]"],
            "equilibria": ["(control, restrict)", "(open, supply)"],
            "regime": ["escalation", "trade"],
        },
        index=years,
    )
    return SimpleNamespace(table=table, window="2027-2030")


@pytest.fixture(scope="module")
def plan() -> tuple[PlanResult, Dataset]:
    return tiny_plan()


@pytest.fixture(scope="module")
def book(plan, tmp_path_factory) -> Path:
    result, data = plan
    path = tmp_path_factory.mktemp("plan") / "plan.xlsx"
    assert write_plan_workbook(path, result, data, game=game_stub()) == path
    return path


@pytest.fixture(scope="module")
def wb(book):
    return load_workbook(book)


def test_the_plan_reaches_the_target_in_2030(plan):
    result, _ = plan
    assert result.ok
    assert result.timeline.loc["magnet", "year"] == 2030


def test_sheets_in_order_with_short_names(wb):
    assert wb.sheetnames == list(PLAN_SHEETS)
    assert wb.sheetnames[:8] == [
        "Summary",
        "Timeline",
        "Investments",
        "Capacity",
        "Flows",
        "Unserved",
        "Shadow prices",
        "Game",
    ]
    assert "In_routes" in wb.sheetnames
    assert all(len(n) <= 31 for n in wb.sheetnames)


def test_every_table_is_an_excel_table_with_filters_and_a_unique_name(wb):
    names = []
    for ws in wb:
        for tab in ws.tables.values():
            names.append(tab.displayName)
            assert tab.autoFilter is not None and tab.autoFilter.ref == tab.ref
    assert len(names) == len(set(names))
    assert len(names) >= 20


@pytest.mark.parametrize(
    ("sheet", "frame"),
    [
        ("Investments", "builds"),
        ("Capacity", "capacity"),
        ("Flows", "flows"),
        ("Unserved", "unserved"),
        ("Shadow prices", "target_prices"),
    ],
)
def test_result_tables_cover_their_rows(wb, plan, sheet, frame):
    result, _ = plan
    n = len(getattr(result, frame))
    assert n > 0
    first = next(iter(wb[sheet].tables.values()))
    assert re.fullmatch(rf"A1:[A-Z]+{n + 1}", first.ref)


@pytest.mark.parametrize("table", ["regions", "routes", "demand", "capacity"])
def test_input_sheets_hold_the_dataset_as_used(wb, plan, table):
    _, data = plan
    ws = wb[f"In_{table}"]
    (tab,) = ws.tables.values()
    n = len(getattr(data, table))
    assert tab.ref.endswith(str(n + 1))
    headers = [c.value for c in ws[1]]
    assert "source" in headers and headers[-1] in ("trust", "build_trust")


def test_header_rows_are_frozen(wb):
    for ws in wb:
        assert ws.freeze_panes in ("A2", "B2"), ws.title


def test_number_formats_on_money_shares_and_tonnes(wb):
    inv = wb["Investments"]
    headers = [c.value for c in inv[1]]
    capex = headers.index("capex USD bn") + 1
    cap = headers.index("capacity per year") + 1
    assert inv.cell(2, capex).number_format == "#,##0.000"
    assert inv.cell(2, cap).number_format == "#,##0"
    assert inv.cell(2, headers.index("unit") + 1).value == "t"
    tl = wb["Timeline"]
    assert tl.cell(2, 2).number_format == SHARE
    summary = wb["Summary"]
    cost_row = _row_of(summary, "total discounted cost")
    assert summary.cell(cost_row, 2).number_format == USD_BN
    assert summary.cell(cost_row, 3).value == "USD bn"
    rate = _row_of(summary, "discount rate")  # '5.0%' with the unit 'share', not '5.0% %'
    assert summary.cell(rate, 2).number_format == SHARE and summary.cell(rate, 3).value == "share"


def test_money_is_in_usd_bn_and_every_quantity_has_its_unit(wb):
    for ws in wb:
        if ws.title.startswith("In_"):
            continue
        for row in ws.iter_rows(values_only=True):
            for v in row:
                assert not (isinstance(v, str) and "USD m" in v), (ws.title, v)
    cap = wb["Capacity"]
    headers = [c.value for c in cap[1]]
    assert "unit" in headers and "capacity per year" in headers
    assert "magnet (t/yr)" in headers  # the planner's pivot names the unit per column


def _row_of(ws, label: str) -> int:
    for row in ws.iter_rows(min_col=1, max_col=1):
        if row[0].value == label:
            return row[0].row
    raise AssertionError(f"{label!r} not on {ws.title}")


def test_summary_figures(wb, plan):
    result, _ = plan
    ws = wb["Summary"]
    assert ws.cell(_row_of(ws, "total discounted cost"), 2).value == pytest.approx(
        result.objective / 1e9
    )
    assert ws.cell(_row_of(ws, "status"), 2).value == "optimal"
    assert ws.cell(_row_of(ws, "strategic window"), 2).value == "2027-2030"
    assert ws.cell(_row_of(ws, "target magnet"), 3).value > 0


def test_the_fast_tracking_premium_is_stated_with_its_source(tmp_path, wb):
    data = tiny_data()
    sc = tiny_scenario(fast_track=dict(premium=0.5, source="assumption: +50% capex"))
    path = write_plan_workbook(tmp_path / "plan.xlsx", run_plan(sc, data), data)
    ws = load_workbook(path)["Summary"]
    row = _row_of(ws, "fast-tracking premium")
    assert ws.cell(row, 2).value == pytest.approx(0.5)
    assert ws.cell(row, 2).number_format == SHARE
    assert "assumption: +50% capex" in ws.cell(row, 3).value
    labels = {r[0].value for r in wb["Summary"].iter_rows(min_col=1, max_col=1)}
    assert "fast-tracking premium" not in labels  # the plain plan has no such line


def test_assumptions_are_listed_in_amber(wb):
    ws = wb["Assumptions"]
    row = _row_of(ws, "commodities")  # the only commodity row tagged U
    assert [ws.cell(row, c).value for c in (2, 3, 4)] == ["oxide", "row", ASSUMED]
    assert ws.cell(row, 4).font.color.rgb.endswith(AMBER.color.rgb[-6:])
    summary = wb["Summary"]
    assert "assumptions" in summary.cell(_row_of(summary, "Assumptions") + 1, 1).value
    counted = _row_of(summary, "values of lost supply")  # the commodities table, by trust tag
    top = _row_of(summary, "input")  # header of the table of rows by trust tag
    tags = {summary.cell(top, c).value: summary.cell(counted, c).value for c in range(2, 7)}
    n = len(plan_data_commodities())
    assert tags == {"P": n - 1, "S": 0, "D": 0, "U": 1, "rows": n}
    assert summary.cell(counted, 5).font.color.rgb.endswith(AMBER.color.rgb[-6:])
    on_u = _row_of(summary, "cost of independence")  # headline -> the U rows under it
    assert "values of lost supply 1/" in summary.cell(on_u, 5).value
    src = wb["In_commodities"]
    col = next(c.column_letter for c in src[1] if c.value == "source")
    cells = [c for c in src[col] if c.value == ASSUMED]
    assert cells and cells[0].font.color.rgb.endswith("C65911")


def plan_data_commodities() -> list[str]:
    return list(read_tiny_frames()["commodities"]["commodity"])


def test_spend_by_chain_adds_up_to_the_plan_spend(plan):
    result, data = plan
    df = spend_table(result, data)
    chains = [c for c in df.columns if c not in ("year", "spend USD bn", "budget USD bn")]
    assert chains == ["magnet USD bn"]
    assert df[chains].sum(axis=1).to_numpy() == pytest.approx(df["spend USD bn"].to_numpy())
    assert df["spend USD bn"].sum() == pytest.approx(result.spend["spend_usd"].sum() / 1e9)


def test_no_empty_budget_column_when_budgets_are_per_chain(plan):
    result, data = plan
    per_chain = result.spend.assign(budget_usd=float("nan"))
    import dataclasses

    df = spend_table(dataclasses.replace(result, spend=per_chain), data)
    assert "budget USD bn" not in df.columns


def test_self_sufficiency_year_is_highlighted(wb):
    ws = wb["Timeline"]
    headers = [c.value for c in ws[1]]
    row = _row_of(ws, "magnet")
    assert ws.cell(row, headers.index("2030") + 1).fill.fgColor.rgb.endswith("FFE699")
    assert ws.cell(row, headers.index("2029") + 1).fill.fill_type is None
    assert ws.cell(row, headers.index("self-sufficient from") + 1).value == 2030
    notes = " ".join(str(c.value) for c in ws["A"] if c.value)
    assert "threshold of 95.0%" in notes


def test_native_charts(wb, book):
    assert len(wb["Summary"]._charts) == 1
    assert len(wb["Timeline"]._charts) == 1
    assert len(wb["Capacity"]._charts) == 1
    with zipfile.ZipFile(book) as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 3
    lines = [c for c in charts if re.search(r"<(c:)?lineChart>", c)]
    assert len(lines) == 2  # the timeline and the capacity (one unit: t) as lines
    for c in lines:  # yearly data: no smoothing that overshoots between years
        assert not re.search(r'<(c:)?smooth val="1"', c)
    stacked = [c for c in charts if re.search(r"<(c:)?barChart>", c)]
    assert len(stacked) == 1  # capex by chain, all USD bn
    assert all(re.search(r'<(c:)?grouping val="stacked"', c) for c in stacked)
    assert all("<c:title>" in c or "<title>" in c for c in charts)


def test_game_sheet_holds_the_game_table(wb):
    ws = wb["Game"]
    (tab,) = ws.tables.values()
    assert tab.ref == "A1:D3"
    assert [c.value for c in ws[1]] == ["year", "payoff US", "equilibria", "regime"]
    assert ws["D2"].value == "escalation"


def test_game_sheet_says_when_the_game_was_not_run(plan, tmp_path):
    result, data = plan
    path = write_plan_workbook(tmp_path / "p.xlsx", result, data)
    wb = load_workbook(path)
    assert wb.sheetnames == list(PLAN_SHEETS)
    assert "not run" in wb["Game"]["A1"].value
    assert not wb["Game"].tables
    summary = [c.value for c in wb["Summary"]["A"]]
    assert "strategic window" not in summary


def test_infeasible_plan_lists_the_diagnosis(tmp_path):
    data = tiny_data()
    result = run_plan(tiny_scenario(targets=[dict(share=1.0, from_year=2026)]), data)
    assert not result.ok and result.diagnosis
    wb = load_workbook(write_plan_workbook(tmp_path / "p.xlsx", result, data))
    ws = wb["Summary"]
    assert ws.cell(_row_of(ws, "status"), 2).value == "infeasible"
    tables = {t.displayName: t for t in ws.tables.values()}
    assert "T_Diagnosis" in tables
    first = int(re.search(r"(\d+):", tables["T_Diagnosis"].ref).group(1))
    messages = [ws.cell(r, 5).value for r in range(first + 1, first + 1 + len(result.diagnosis))]
    assert messages == [d.message for d in result.diagnosis]


# ---------------------------------------------------------------------------------------
# formula injection


@pytest.mark.parametrize("text", [*HOSTILE.values(), MINUS, "\tx", "=1+1"])
def test_safe_value_keeps_formula_like_text_as_text(text):
    cell = Workbook().active["A1"]
    safe_value(cell, text)
    assert cell.data_type == "s"
    assert cell.value == text
    assert cell.quotePrefix


def test_safe_value_leaves_ordinary_text_alone():
    cell = Workbook().active["A1"]
    safe_value(cell, "USGS MCS 2025, p. 12")
    assert cell.data_type == "s"
    assert not cell.quotePrefix


def test_hostile_sources_are_written_as_text_not_formulas(wb, book):
    ws = wb["In_regions"]
    col = [c.value for c in ws[1]].index("source") + 1
    got = {ws.cell(r, 1).value: ws.cell(r, col) for r in range(2, ws.max_row + 1)}
    for region, text in HOSTILE.items():
        assert got[region].value == text
        assert got[region].data_type == "s"
    com = wb["In_commodities"]
    src = next(c.column_letter for c in com[1] if c.value == "source")
    ore = [c for c in com[src] if c.value == MINUS]
    assert ore and ore[0].data_type == "s"
    with zipfile.ZipFile(book) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        for name in sheets:
            assert not re.search(r"<f[ >]", z.read(name).decode()), name


# ---------------------------------------------------------------------------------------
# atomic write


def test_an_error_while_building_leaves_nothing(plan, tmp_path, monkeypatch):
    result, data = plan

    def boom(*_a: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(plan_mod, "write_input_sheet", boom)
    path = tmp_path / "plan.xlsx"
    with pytest.raises(RuntimeError, match="disk on fire"):
        write_plan_workbook(path, result, data)
    assert list(tmp_path.iterdir()) == []


def test_an_error_while_saving_keeps_the_old_file(plan, tmp_path, monkeypatch):
    result, data = plan
    path = tmp_path / "plan.xlsx"
    path.write_bytes(b"old plan")

    def half_save(self: Workbook, filename: str) -> None:
        Path(filename).write_bytes(b"PK half a zip")
        raise OSError("no space left")

    monkeypatch.setattr(Workbook, "save", half_save)
    with pytest.raises(OSError, match="no space"):
        write_plan_workbook(path, result, data)
    assert path.read_bytes() == b"old plan"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.xlsx"]


def test_a_relaxed_plan_says_so_first_with_its_diagnosis(tmp_path):
    data = tiny_data()
    early = run_plan(tiny_scenario(targets=[dict(share=0.95, from_year=2026)]), data)
    ws = load_workbook(write_plan_workbook(tmp_path / "p.xlsx", early, data))["Summary"]
    assert ws["A1"].value.startswith("RELAXED PLAN 'tiny'")
    assert ws["A3"].value.startswith("Why the plan cannot be met")
    assert "2026" in " ".join(str(c.value) for c in ws[5] if c.value)  # the first diagnosis row


def test_the_summary_names_the_job_not_only_its_plan(tmp_path, plan):
    result, data = plan
    path = write_plan_workbook(tmp_path / "p.xlsx", result, data, name="race")
    ws = load_workbook(path)["Summary"]
    assert ws["A1"].value == "Plan 'race' (US plan 'tiny'): US without CN"
    assert ws.cell(_row_of(ws, "scenario"), 2).value == "race"
