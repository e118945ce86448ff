"""The sweep's PNG charts as a reader sees them (issue 14): drawn to PNG and checked for visible
markers in their colours, axes spanning the data (the horizon for years, zero up for money, no
offset notation), units in the axis titles, a title, and 'never' / 'no plan' variants on their
own rows. No chart without data is written; the reason is given instead."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from autarky.sweep_charts import FAIL_COLOR, NEVER_COLOR, OK_COLOR, figures, write_plots

YEARS = list(range(2025, 2041))


def table(rows: list[tuple[float, str, float | None, float | None]]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["budget_usd_bn", "status", "chain_year", "total_cost_usd_bn"])
    df["chain_year"] = df["chain_year"].astype("Int64")
    return df


def pixels_like(png: Path, hex_color: str, tol: int = 40) -> int:
    """How many pixels of the PNG are close to ``hex_color``."""
    rgb = np.asarray(Image.open(png).convert("RGB"), dtype=int)
    want = np.array([int(hex_color[i : i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(rgb - want).sum(axis=2) < tol).sum())


def check_texts(ax) -> None:
    assert ax.get_title()
    assert "(USD bn per year" in ax.get_xlabel()
    assert "(" in ax.get_ylabel() and ")" in ax.get_ylabel()  # a unit


def test_a_single_variant_year_sits_on_the_horizon_not_1925_2150(tmp_path):
    files, why = write_plots(table([(5.0, "optimal", 2035, 4051.0)]), None, YEARS, tmp_path)
    assert not why
    figs, _ = figures(table([(5.0, "optimal", 2035, 4051.0)]), None, YEARS)
    ax = figs["budget_vs_chain_year.png"].axes[0]
    check_texts(ax)
    lo, hi = ax.get_ylim()
    assert 2023 <= lo <= 2025 and 2040 < hi <= 2044
    assert pixels_like(files["budget_vs_chain_year.png"], OK_COLOR) > 30  # the marker shows


def test_cost_axis_starts_at_zero_without_offset_notation(tmp_path):
    rows = [(1.0, "optimal", 2036, 4051.02), (2.0, "optimal", 2035, 4051.09)]
    figs, _ = figures(table(rows), None, YEARS)
    fig = figs["budget_vs_cost.png"]
    fig.canvas.draw()
    ax = fig.axes[0]
    check_texts(ax)
    assert ax.get_ylim()[0] == 0 and ax.get_ylim()[1] > 4051.09
    assert ax.yaxis.get_major_formatter().get_offset() == ""  # no '+4.051e3'
    assert "USD bn" in ax.get_ylabel()


def test_infeasible_and_never_variants_are_shown_as_such(tmp_path):
    rows = [
        (0.0, "infeasible", None, None),
        (1.0, "optimal", None, 10.0),
        (5.0, "optimal", 2031, 20.0),
    ]
    files, _ = write_plots(table(rows), None, YEARS, tmp_path)
    figs, _ = figures(table(rows), None, YEARS)
    ax = figs["budget_vs_chain_year.png"].axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert "never" in labels and "no plan" in labels
    shown = {c.get_label(): len(c.get_offsets()) for c in ax.collections}
    assert shown["never within the horizon"] == 1
    assert shown["no plan (infeasible or failed)"] == 1
    png = files["budget_vs_chain_year.png"]
    for color in (OK_COLOR, NEVER_COLOR, FAIL_COLOR):
        assert pixels_like(png, color) > 20, color
    assert pixels_like(files["budget_vs_cost.png"], FAIL_COLOR) > 20  # no plan, on the axis


def test_monte_carlo_band_where_every_draw_is_never_is_not_empty(tmp_path):
    pct = pd.DataFrame(
        {
            "budget_usd_bn": [1.0, 2.0],
            "draws": [10, 10],
            "never_share": [1.0, 0.3],
            "chain_year_p10": pd.array([None, 2031], dtype="Int64"),
            "chain_year_p50": pd.array([None, 2034], dtype="Int64"),
            "chain_year_p90": pd.array([None, None], dtype="Int64"),
        }
    )
    files, _ = write_plots(table([(1.0, "optimal", None, 1.0)]), pct, YEARS, tmp_path)
    figs, _ = figures(table([(1.0, "optimal", None, 1.0)]), pct, YEARS)
    ax = figs["mc_band.png"].axes[0]
    check_texts(ax)
    lo, hi = ax.get_ylim()
    assert lo < 2026 and hi > 2040  # the horizon, not -0.04..0.04
    assert "10 Monte Carlo draws per budget" in ax.get_title()
    assert any("never" in t.get_text() for t in ax.texts)
    assert pixels_like(files["mc_band.png"], OK_COLOR) > 50


def test_no_budget_swept_writes_no_chart_and_says_why(tmp_path):
    df = table([(np.nan, "optimal", 2035, 1.0)])
    files, why = write_plots(df, None, YEARS, tmp_path)
    assert files == {} and why == ["No budget was swept: no budget charts."]
    assert not list(tmp_path.glob("*.png"))


@pytest.mark.parametrize("status", ["infeasible", "failed"])
def test_no_cost_chart_when_no_variant_has_a_plan(tmp_path, status):
    files, why = write_plots(table([(1.0, status, None, None)]), None, YEARS, tmp_path)
    assert "budget_vs_cost.png" not in files and why == ["No variant has a plan: no cost chart."]


def test_what_each_billion_buys_and_the_earliest_year_are_drawn(tmp_path):
    df = table([(0.0, "infeasible", None, None), (2.0, "optimal", 2036, 10.0)])
    df["dependence_years"] = [np.nan, 6.5]
    df["earliest_chain_year"] = pd.array([None, 2031], dtype="Int64")
    files, _ = write_plots(df, None, YEARS, tmp_path)
    figs, _ = figures(df, None, YEARS)
    ax = figs["budget_vs_dependence.png"].axes[0]
    check_texts(ax)
    assert ax.get_ylim()[0] == 0 and ax.get_ylim()[1] > 6.5
    assert pixels_like(files["budget_vs_dependence.png"], OK_COLOR) > 30
    assert pixels_like(files["budget_vs_dependence.png"], FAIL_COLOR) > 20
    labels = [c.get_label() for c in figs["budget_vs_chain_year.png"].axes[0].collections]
    assert "earliest possible" in labels


def test_the_variant_name_is_hidden_when_its_columns_say_it_all():
    import pandas as pd

    from autarky.commands.compare import _shown

    grid = pd.DataFrame(
        {
            "variant": ["budget=2, lead_time_multiplier=0.5", "budget=2, lead_time_multiplier=1"],
            "budget_usd_bn": [2.0, 2.0],
            "lead_time_multiplier": [0.5, 1.0],
        }
    )
    assert not _shown(grid, "variant")
    assert _shown(grid, "lead_time_multiplier")
    assert not _shown(grid.assign(variant=["budget=2", "budget=4"]), "variant")
    named = grid.assign(variant=["fast", "slow"])
    assert _shown(named, "variant")
