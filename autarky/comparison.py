"""What a sweep reports: one row per variant, percentiles over Monte Carlo draws, and the
files (comparison.xlsx, comparison.csv, PNG plots)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from autarky.atomic import atomic_write
from autarky.runner import Inputs
from optimize.scenario import Scenario
from optimize.sweep import Variant

if TYPE_CHECKING:
    from autarky.compare import CompareOutcome


# ---------------------------------------------------------------------------------------
# tables


def comparison_table(
    variants: Sequence[Variant], rows: dict[str, dict[str, Any]], sc: Scenario
) -> pd.DataFrame:
    """One row per variant: the variant's values, status, costs in USD bn, years."""
    recs = []
    for v in variants:
        row = rows.get(v.name, {"status": "missing"})
        rec: dict[str, Any] = {
            "variant": v.name,
            "sample": v.sample,
            "budget_usd_bn": v.budget_usd_bn,
            "target_year": v.target_year,
            "lead_time_multiplier": v.lead_time_multiplier,
            "lead_time_quantile": v.lead_time_quantile,
            "capex_multiplier": v.capex_multiplier,
            "demand_growth_multiplier": v.demand_growth_multiplier,
            "restriction": v.restriction,
            "restriction_start_year": v.restriction_start_year,
            "discount_rate": sc.discount_rate if v.discount_rate is None else v.discount_rate,
            "status": row.get("status"),
            "discounted_cost_usd_bn": _bn(row.get("objective_usd")),
            "total_cost_usd_bn": _bn(row.get("total_cost_usd")),
            "spend_usd_bn": _bn(row.get("spend_usd")),
            "peak_spend_usd_bn": _bn(row.get("peak_spend_usd")),
            "budget_value_usd_per_usd": row.get("budget_value_usd_per_usd"),
            "system_cost_usd_bn": _bn(row.get("system_cost_usd")),
            "cost_of_independence_usd_bn": _bn(row.get("cost_of_independence_usd")),
            "expected_loss_usd_bn": _bn(row.get("expected_loss_usd")),
            "dependence_years": row.get("dependence_years"),
            "chain_year": row.get("chain_year"),
            "earliest_chain_year": row.get("earliest_chain_year"),
            "binding": row.get("binding"),
            "window_leader": row.get("window_leader"),
            "window_years": row.get("window_years"),
            "regime_path": row.get("regime_path"),
            "error": row.get("error") or row.get("race_error"),
        }
        for c, y in (row.get("years") or {}).items():
            rec[f"year_{c}"] = y
        recs.append(rec)
    df = pd.DataFrame(recs)
    for col in (
        "chain_year",
        "earliest_chain_year",
        "target_year",
        "restriction_start_year",
        "sample",
        "window_years",
        *[c for c in df.columns if c.startswith("year_")],
    ):
        if col in df.columns:
            df[col] = df[col].astype("Int64")
    # drop columns no variant uses
    optional = (
        "sample",
        "target_year",
        "restriction",
        "restriction_start_year",
        "window_leader",
        "window_years",
        "regime_path",
        "error",
        "system_cost_usd_bn",
        "cost_of_independence_usd_bn",
        "expected_loss_usd_bn",
        "dependence_years",
        "binding",
    )
    searched = any("earliest_chain_year" in r for r in rows.values())
    drop = [c for c in optional if df[c].isna().all()]
    if not searched:  # searched and never within the horizon stays as 'never'
        drop.append("earliest_chain_year")
    return df.drop(columns=drop)


def _bn(x: Any) -> float | None:
    return None if x is None else float(x) / 1e9


NEVER = math.inf


def percentiles(table: pd.DataFrame, never_year: int | None = None) -> pd.DataFrame:
    """Per budget: P10/P50/P90 of the chain's planned and earliest independence year, of
    dependence-years and of the window length, and the share of draws whose plan never
    reaches independence (or is infeasible). Percentiles are draws (inverted CDF). A year
    'not within the horizon' counts as later than the horizon: ``never_year`` (the horizon's
    last year + 1), so a percentile is never blank; without ``never_year`` it reads NaN."""
    key = (
        "budget_usd_bn"
        if "budget_usd_bn" in table and table["budget_usd_bn"].notna().any()
        else None
    )
    groups = table.groupby(key, dropna=False) if key else [(None, table)]
    recs = []
    for b, g in groups:
        years = g["chain_year"].astype("Float64").fillna(NEVER).to_numpy(dtype=float)
        rec: dict[str, Any] = {
            "budget_usd_bn": b if key else None,
            "draws": len(g),
            "never_share": float(np.mean(~np.isfinite(years))),
        }
        never = NEVER if never_year is None else float(never_year)
        for col in ("chain_year", "earliest_chain_year"):
            if col not in g:
                continue
            ys = g[col].astype("Float64").fillna(never).to_numpy(dtype=float)
            for q in (10, 50, 90):
                y = float(np.percentile(ys, q, method="inverted_cdf"))
                rec[f"{col}_p{q}"] = int(y) if math.isfinite(y) else None
        if "dependence_years" in g:
            dy = g["dependence_years"].astype("Float64").dropna().to_numpy(dtype=float)
            for q in (10, 50, 90):
                rec[f"dependence_years_p{q}"] = (
                    float(np.percentile(dy, q, method="inverted_cdf")) if len(dy) else None
                )
        if "window_years" in g:
            w = g["window_years"].astype("Float64").fillna(0).to_numpy(dtype=float)
            for q in (10, 50, 90):
                rec[f"window_years_p{q}"] = float(np.percentile(w, q, method="inverted_cdf"))
        recs.append(rec)
    out = pd.DataFrame(recs)
    for c in out.columns:
        if c.startswith(("chain_year_p", "earliest_chain_year_p")):
            out[c] = out[c].astype("Int64")
    return out


# ---------------------------------------------------------------------------------------
# outputs


def write_outputs(outcome: CompareOutcome, sc: Scenario, inputs: Inputs) -> dict[str, Path]:
    """comparison.xlsx, comparison.csv (and percentiles.csv), PNG plots; all atomic."""
    from autarky.excel.comparison import write_comparison_workbook

    folder = outcome.folder
    files: dict[str, Path] = {}
    with atomic_write(folder / "comparison.csv") as tmp:
        outcome.table.to_csv(tmp, index=False)
    files["csv"] = folder / "comparison.csv"
    if outcome.percentiles is not None:
        with atomic_write(folder / "percentiles.csv") as tmp:
            outcome.percentiles.to_csv(tmp, index=False)
        files["percentiles"] = folder / "percentiles.csv"
    files.update(write_plots(outcome, folder, sc.years))
    if outcome.effectiveness is not None:
        from autarky.effectiveness import plot_effectiveness

        with atomic_write(folder / "effectiveness.csv") as tmp:
            outcome.effectiveness.to_csv(tmp, index=False)
        files["effectiveness"] = folder / "effectiveness.csv"
        png = plot_effectiveness(outcome.effectiveness, folder / "effectiveness.png")
        if png is not None:
            files["effectiveness.png"] = png
    xlsx = folder / "comparison.xlsx"
    write_comparison_workbook(xlsx, outcome.table, outcome.percentiles, sc, outcome.sweep_id)
    files["xlsx"] = xlsx
    if outcome.tornado is not None:  # --tornado: tornado.csv, tornado.png, a Tornado sheet
        from autarky.tornado import add_tornado_sheet, plot_tornado

        with atomic_write(folder / "tornado.csv") as tmp:
            outcome.tornado.to_csv(tmp, index=False)
        files["tornado"] = folder / "tornado.csv"
        png = plot_tornado(outcome.tornado, folder / "tornado.png", sc.horizon.last + 1)
        if png is not None:
            files["tornado.png"] = png
        add_tornado_sheet(xlsx, outcome.tornado)
    from autarky.html_comparison import write_comparison_report

    files["report"] = write_comparison_report(
        folder / "report.html", outcome.table, outcome.percentiles, sc, outcome.sweep_id, sc.years
    )
    return files


def write_plots(outcome: CompareOutcome, folder: Path, years: list[int]) -> dict[str, Path]:
    """PNG charts (autarky.sweep_charts): budget against chain year, cost and window length;
    the Monte Carlo range. Charts with nothing to show are not written (see why_not)."""
    from autarky.sweep_charts import write_plots as write_pngs

    files, _why = write_pngs(outcome.table, outcome.percentiles, years, folder)
    return files
