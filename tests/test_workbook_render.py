"""plan.xlsx and comparison.xlsx as a reader sees them (issue 14): printed by LibreOffice to PDF,
pages turned into pictures by pdftoppm, and checked on the text LibreOffice drew (titles, axis
titles with units, axis labels spanning the data) and on the pixels (markers visible in their
colours). Skipped, with the reason, without ``soffice`` or ``pdftoppm``."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from test_excel_plan import tiny_plan, tiny_scenario
from test_libreoffice import convert

from autarky.excel.comparison import write_comparison_workbook
from autarky.excel.plan import write_plan_workbook

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOPPM, PDFTOTEXT = shutil.which("pdftoppm"), shutil.which("pdftotext")
pytestmark = pytest.mark.skipif(
    SOFFICE is None or PDFTOPPM is None or PDFTOTEXT is None,
    reason="needs LibreOffice ('soffice') and poppler-utils ('pdftoppm', 'pdftotext'); "
    "make test installs them as root with apt-get",
)
BLUE, ORANGE, RED = "1F77B4", "FF7F0E", "D62728"


def page_text(pdf: Path, page: int) -> str:
    done = subprocess.run(
        [PDFTOTEXT, "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def pages(pdf: Path) -> list[str]:
    n = int(
        re.search(
            r"Pages:\s+(\d+)",
            subprocess.run(
                ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True
            ).stdout,
        ).group(1)
    )
    return [page_text(pdf, i) for i in range(1, n + 1)]


def picture(pdf: Path, page: int, out: Path) -> np.ndarray:
    subprocess.run(
        [
            PDFTOPPM,
            "-r",
            "100",
            "-png",
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(pdf),
            str(out),
        ],
        check=True,
    )
    return np.asarray(Image.open(f"{out}.png").convert("RGB"), dtype=int)


def pixels_like(rgb: np.ndarray, hex_color: str, tol: int = 60) -> int:
    want = np.array([int(hex_color[i : i + 2], 16) for i in (0, 2, 4)])
    return int((np.abs(rgb - want).sum(axis=2) < tol).sum())


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, Path]:
    src = tmp_path_factory.mktemp("src")
    table = pd.DataFrame(
        {
            "variant": ["budget=0", "budget=1", "budget=5", "budget=9"],
            "budget_usd_bn": [0.0, 1.0, 5.0, 9.0],
            "status": ["infeasible", "optimal", "optimal", "optimal"],
            "total_cost_usd_bn": [None, 4051.02, 4051.05, 4051.09],
            "chain_year": pd.array([None, None, 2031, 2029], dtype="Int64"),
            "never_share": [None, 0.766666666666667, 0.1, 0.0],
        }
    )
    pct = pd.DataFrame(
        {
            "budget_usd_bn": [1.0, 5.0],
            "draws": [30, 30],
            "never_share": [0.766666666666667, 0.1],
            "chain_year_p10": pd.array([2030, 2029], dtype="Int64"),
            "chain_year_p50": pd.array([None, 2030], dtype="Int64"),
            "chain_year_p90": pd.array([None, 2032], dtype="Int64"),
        }
    )
    sc = tiny_scenario(name="my-sweep")
    cmp = write_comparison_workbook(src / "comparison.xlsx", table, pct, sc, "my-sweep-1")
    result, data = tiny_plan()
    plan = write_plan_workbook(src / "plan.xlsx", result, data)
    out = tmp_path_factory.mktemp("pdf")
    convert([cmp, plan], "pdf", out, tmp_path_factory.mktemp("profile"))
    return {"comparison": out / "comparison.pdf", "plan": out / "plan.pdf", "dir": out}


def _page_with(texts: list[str], needle: str) -> int:
    return next(i for i, t in enumerate(texts, start=1) if needle in " ".join(t.split()))


def test_comparison_prints_on_few_pages_with_formatted_shares(rendered):
    texts = pages(rendered["comparison"])
    assert len(texts) <= 5  # Comparison, Charts, Monte Carlo, About (+1): not 11 pages
    first = texts[0]
    assert "0.766666666666667" not in first and "76.7%" in first
    assert "my-sweep" in " ".join(texts)  # the sweep's own scenario name


def test_comparison_charts_show_markers_on_the_horizon_with_units(rendered, tmp_path):
    texts = pages(rendered["comparison"])
    n = _page_with(texts, "When the chain becomes independent")
    text = " ".join(texts[n - 1].split())
    for title in (
        "Budget (USD bn per year)",
        "Total cost (USD bn, undiscounted)",
        "Year the chain becomes independent (year)",
    ):
        assert title in text
    axis = text.split("independent, by budget", 1)[1].split(" 0.0 ", 1)[0]  # its y labels
    years = [int(y) for y in axis.split()]
    assert len(years) >= 4 and min(years) >= 2023 and max(years) <= 2036  # not 0-2500
    assert "never (plotted at 2033)" in text and "no plan (plotted at 2034)" in text
    rgb = picture(rendered["comparison"], n, tmp_path / "charts")
    for colour in (BLUE, ORANGE, RED):  # reached, never, no plan: every marker visible
        assert pixels_like(rgb, colour) > 15, colour


def test_monte_carlo_chart_shows_never_percentiles(rendered, tmp_path):
    texts = pages(rendered["comparison"])
    n = _page_with(texts, "P10, P50, P90 by budget")
    text = " ".join(texts[n - 1].split())
    assert "Percentiles of draws that never become independent are plotted at 2033" in text
    rgb = picture(rendered["comparison"], n, tmp_path / "mc")
    assert pixels_like(rgb, BLUE) > 15 and pixels_like(rgb, ORANGE) > 15


def test_plan_charts_have_titles_units_and_one_unit_each(rendered, tmp_path):
    texts = pages(rendered["plan"])
    joined = " ".join(" ".join(t.split()) for t in texts)
    assert "Capex paid per year by chain (USD bn)" in joined
    assert "share of demand servable without the rival (%)" in joined
    assert "US bloc capacity by stage, t per year" in joined and "capacity (t per year)" in joined
    summary = " ".join(texts[0].split())
    assert "% %" not in summary and "USD m" not in summary
    n = _page_with(texts, "Share of demand servable without the rival, by")
    rgb = picture(rendered["plan"], n, tmp_path / "timeline")
    assert (np.abs(rgb - 255).sum(axis=2) > 200).sum() > 5000  # lines and markers drawn


def test_race_workbook_game_chart_shows_both_paths_and_the_window(tmp_path):
    from test_feedback import race

    from autarky.excel.game import WINDOW_FILL, write_race_workbook
    from optimize.game.loop import run_race

    r = race(method="fictitious", tolerance=0.05)
    result = run_race(r)
    assert result.window is not None  # the US leads: the window is shaded
    book = write_race_workbook(tmp_path / "plan.xlsx", result, r.data, "race")
    convert([book], "pdf", tmp_path, tmp_path / "profile")
    pdf = tmp_path / "plan.pdf"
    texts = pages(pdf)
    n = _page_with(texts, "Dependence on the rival (1 - cutoff share)")
    text = " ".join(texts[n - 1].split())
    assert "dependence (share of critical demand)" in text and "year" in text
    rgb = picture(pdf, n, tmp_path / "game")
    assert pixels_like(rgb, WINDOW_FILL, tol=20) > 2000  # the window's years, shaded
    saturated = (rgb.max(axis=2) - rgb.min(axis=2)) > 80  # strong colours: lines, markers
    assert saturated.sum() > 200  # the two dependence paths drawn over the shading
