"""plan.xlsx and the input template open in LibreOffice Calc (headless): converted to PDF and
re-saved as xlsx, the sheets and charts survive and the re-saved template still reads.

Needs the ``soffice`` (or ``libreoffice``) binary, e.g. Debian's ``libreoffice-calc`` package;
skipped with a reason otherwise. Each conversion runs with its own throw-away user profile, so
tests may run beside an open LibreOffice.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from test_excel_plan import HOSTILE, tiny_data, tiny_plan, tiny_scenario

from autarky.excel.plan import PLAN_SHEETS, write_plan_workbook
from autarky.excel.template import SCENARIO_SHEET, read_input_workbook, write_template
from network.schema import TABLES
from optimize.plan import run_plan

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice not found (no 'soffice' or 'libreoffice' on PATH); "
    "install e.g. apt-get install libreoffice-calc",
)
TIMEOUT_S = 240


def convert(files: list[Path], fmt: str, outdir: Path, profile: Path) -> None:
    """Convert ``files`` to ``fmt`` into ``outdir`` with LibreOffice headless."""
    assert SOFFICE is not None
    done = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            fmt,
            "--outdir",
            str(outdir),
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def chart_parts(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        return [n for n in z.namelist() if n.startswith("xl/charts/chart")]


@pytest.fixture(scope="module")
def converted(tmp_path_factory) -> dict[str, Path]:
    """plan.xlsx and inputs.xlsx as written, as PDF and as re-saved by LibreOffice."""
    src = tmp_path_factory.mktemp("src")
    result, data = tiny_plan()
    plan = write_plan_workbook(src / "plan.xlsx", result, data)
    inputs = write_template(src / "inputs.xlsx", tiny_data(), tiny_scenario())
    profile = tmp_path_factory.mktemp("lo-profile")
    out = tmp_path_factory.mktemp("out")
    convert([plan, inputs], "xlsx", out / "xlsx", profile)
    convert([plan, inputs], "pdf", out / "pdf", profile)
    return {
        "plan": plan,
        "plan.xlsx": out / "xlsx" / "plan.xlsx",
        "plan.pdf": out / "pdf" / "plan.pdf",
        "inputs.xlsx": out / "xlsx" / "inputs.xlsx",
        "inputs.pdf": out / "pdf" / "inputs.pdf",
    }


@pytest.mark.parametrize("name", ["plan.pdf", "inputs.pdf"])
def test_converts_to_pdf(converted, name):
    pdf = converted[name]
    assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF")


def test_plan_resaved_keeps_sheets_tables_and_charts(converted):
    path = converted["plan.xlsx"]
    assert path.is_file()
    wb = load_workbook(path)
    assert wb.sheetnames == list(PLAN_SHEETS)
    assert len(chart_parts(converted["plan"])) == 3
    assert len(chart_parts(path)) == 3
    for sheet in ("Summary", "Timeline", "Capacity"):
        assert len(wb[sheet]._charts) == 1, sheet
    assert wb["In_regions"].tables  # Excel Tables survive the round trip
    ws = wb["In_regions"]
    sources = {ws.cell(r, 1).value: ws.cell(r, 4).value for r in range(2, 5)}
    assert sources == HOSTILE  # still text, not evaluated


def test_template_resaved_by_libreoffice_still_reads(converted):
    path = converted["inputs.xlsx"]
    wb = load_workbook(path)
    assert wb.sheetnames == [t.name for t in TABLES] + [SCENARIO_SHEET]
    data, sc = read_input_workbook(path)
    assert dict(data.regions["source"]) == HOSTILE
    assert run_plan(sc, data).objective == pytest.approx(
        run_plan(tiny_scenario(), tiny_data()).objective, rel=1e-9
    )
