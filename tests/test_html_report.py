"""report.html (issue 14): one self-contained page per job and per comparison, opened in headless
Chromium (Debian's 'chromium'; skipped with the reason where it is missing): every chart drew
its traces (lines, bars, Sankey nodes, markers), the window is shaded, the relaxed plan and its
diagnosis come first, and a chart with nothing to show is a sentence, never an empty plot."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from test_excel_plan import tiny_data, tiny_scenario

from autarky.html_comparison import write_comparison_report
from autarky.html_report import write_job_report
from optimize.plan import run_plan

CHROMIUM = next(
    (shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)),
    None,
)
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium not found (no 'chromium' on PATH): install Debian's 'chromium' package "
    "(make test does so as root with apt-get)",
)


def chromium(page: Path, *args: str) -> str:
    assert CHROMIUM is not None
    done = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--virtual-time-budget=15000",
            *args,
            page.resolve().as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def charts_in(dom: str) -> dict[str, str]:
    """The markup Chromium produced inside each chart div, by chart name."""
    parts = re.split(r'<div class="chart" data-chart="', dom)[1:]
    return {p.split('"', 1)[0]: p for p in parts}


def race_stub(result) -> SimpleNamespace:
    years = [2025, 2026, 2027, 2028, 2029, 2030]
    table = pd.DataFrame(
        {
            "us_dependence": [0.9, 0.8, 0.6, 0.3, 0.1, 0.0],
            "cn_dependence": [0.2, 0.2, 0.3, 0.3, 0.3, 0.3],
            "regime": ["stalemate"] * 2 + ["trade"] * 4,
        },
        index=pd.Index(years, name="year"),
    )
    window = SimpleNamespace(leader="US", start=2027, end=2029, years=3)
    return SimpleNamespace(
        table=table,
        window=window,
        game=SimpleNamespace(concession=None),
        us_plan=result,
        cn_plan=result,
    )


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("html")
    data = tiny_data()
    ok = run_plan(tiny_scenario(), data)
    early = run_plan(tiny_scenario(targets=[dict(share=0.95, from_year=2026)]), data)
    table = pd.DataFrame(
        {
            "variant": ["b=0", "b=1", "b=5"],
            "budget_usd_bn": [0.0, 1.0, 5.0],
            "status": ["infeasible", "optimal", "optimal"],
            "chain_year": pd.array([None, None, 2030], dtype="Int64"),
            "dependence_years": [np.nan, 4.0, 2.5],
        }
    )
    years = list(range(2025, 2033))
    pct = pd.DataFrame(
        {
            "budget_usd_bn": [1.0, 5.0],
            "draws": [20, 20],
            "never_share": [1.0, 0.2],
            "chain_year_p10": pd.array([None, 2029], dtype="Int64"),
            "chain_year_p50": pd.array([None, 2030], dtype="Int64"),
            "chain_year_p90": pd.array([None, None], dtype="Int64"),
        }
    )
    return {
        "job": write_job_report(folder / "job.html", ok, data, name="tiny"),
        "race": write_job_report(folder / "race.html", ok, data, race_stub(ok), name="race"),
        "relaxed": write_job_report(folder / "relaxed.html", early, data, name="early"),
        "sweep": write_comparison_report(
            folder / "sweep.html", table, pct, ok.scenario, "s1", years
        ),
    }


def test_the_page_is_self_contained(pages):
    text = pages["job"].read_text()
    head, library, rest = re.split(r"</?script>", text, maxsplit=2)
    assert "Plotly" in library and len(library) > 1_000_000  # plotly.js inlined
    page = head + rest
    assert "<script src=" not in page and "http" not in page.replace("http://www.w3.org", "")
    first_chart = text.index('class="chart"')
    assert text.index("US plans against CN, scenario 'tiny'") < first_chart  # answer first
    assert "Chain independent" in text and "Weakest link" in text


def test_relaxed_plan_and_diagnosis_come_first(pages):
    text = pages["relaxed"].read_text()
    relaxed = text.index("RELAXED PLAN")
    assert relaxed < text.index("Chain independent") < text.index('class="chart"')
    assert "2026" in text[relaxed : relaxed + 2000]  # the diagnosis names the year


def test_no_empty_plot_a_sentence_instead(pages):
    text = pages["job"].read_text()
    assert "No game section in this scenario: no game path." in text
    assert 'data-chart="game"' not in text


@needs_chromium
def test_every_chart_draws_in_chromium(pages):
    charts = charts_in(chromium(pages["race"], "--dump-dom"))
    assert set(charts) >= {"dependence", "builds", "sankey", "game"}
    for name, markup in charts.items():
        assert "main-svg" in markup, name  # plotly drew the chart
        assert "gtitle" in markup, name  # with a title
    dep = charts["dependence"]
    assert dep.count('class="trace scatter') == 2  # magnet and the chain
    assert "window: US leads" in dep and "layer-below" in dep  # the shaded window
    assert "(% of demand)" in dep  # unit in the axis title
    assert re.search(r'class="point".*?<path d="M[^"]+"', charts["builds"])  # bars drawn
    assert "sankey-node" in charts["sankey"]
    game = charts["game"]
    assert game.count('class="trace scatter') == 2  # both sides' dependence
    assert game.count(">stalemate<") == 1 and game.count(">trade<") == 1  # one label per run
    assert "window: US leads" in game


@needs_chromium
def test_comparison_page_draws_and_shows_never_and_no_plan(pages):
    charts = charts_in(chromium(pages["sweep"], "--dump-dom"))
    assert set(charts) == {"chain_year", "billion", "mc"}
    assert charts["mc"].count('class="point"') == 2 and "= never)" in charts["mc"]
    year = charts["chain_year"]
    assert ">never<" in year and ">no plan<" in year
    assert year.count('class="point"') == 3  # every variant, infeasible one included


@needs_chromium
def test_screenshot_shows_ink_in_every_chart(pages, tmp_path):
    shot = tmp_path / "shot.png"
    chromium(pages["race"], "--window-size=1200,4200", f"--screenshot={shot}")
    rgb = np.asarray(Image.open(shot).convert("RGB"), dtype=int)
    coloured = (rgb.max(axis=2) - rgb.min(axis=2)) > 60  # not grey: traces and fills
    rows = np.flatnonzero(coloured.any(axis=1))
    assert coloured.sum() > 20_000
    assert rows.max() - rows.min() > 1500  # colour all down the page, not one chart
