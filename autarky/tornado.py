"""Which assumptions matter: a tornado of the headline answers (the chain's earliest year, the
cost of independence) against each group of unverified (U) inputs at the low and high ends of
its range, the other groups as in the scenario (``autarky compare --tornado``, docs/compare.md).

Groups and ranges (each a sweep variant, optimize/sweep/; data ranges in data/SOURCES.md):

* lead times: every capacity row at the fast end of its lead-time range, then at the slow end
  (lead_time_low / lead_time_high: observed ex-China builds to the IEA averages);
* build limits: every max_build x0.5 and x2 (assumption);
* capex: x0.8 and x1.4 (the brief's derived capex per tonne spans about that between projects
  of one stage, data brief 3.1);
* demand growth: growth over the first year x0.5 and x1.5 (assumption);
* values of lost supply: commodities.cutoff_damage_low / cutoff_damage_high;
* neutral share: the scenario's share less and plus 0.25 (within 0-1).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from optimize.scenario import Scenario
from optimize.sweep import Variant

PREFIX = "tornado: "
BASE = PREFIX + "scenario"


def groups(sc: Scenario) -> list[tuple[str, dict[str, Any], dict[str, Any], str]]:
    """(group, low-end variant fields, high-end variant fields, what the ends are)."""
    ns = sc.neutral_share
    lo_ns, hi_ns = max(0.0, ns - 0.25), min(1.0, ns + 0.25)
    return [
        ("lead times", {"lead_time_quantile": 0.0}, {"lead_time_quantile": 1.0},
         "each row's lead_time_low / lead_time_high"),
        ("build limits", {"build_limit_multiplier": 0.5}, {"build_limit_multiplier": 2.0},
         "max_build x0.5 / x2"),
        ("capex", {"capex_multiplier": 0.8}, {"capex_multiplier": 1.4}, "capex x0.8 / x1.4"),
        ("demand growth", {"demand_growth_multiplier": 0.5},
         {"demand_growth_multiplier": 1.5}, "growth x0.5 / x1.5"),
        ("values of lost supply", {"damage": "low"}, {"damage": "high"},
         "cutoff_damage_low / cutoff_damage_high"),
        ("neutral share", {"neutral_share": lo_ns}, {"neutral_share": hi_ns},
         f"{lo_ns:g} / {hi_ns:g}"),
    ]  # fmt: skip


def tornado_variants(sc: Scenario) -> list[Variant]:
    """The scenario as it is, then each group at its low and its high end."""
    out = [Variant(name=BASE)]
    for group, low, high, _ in groups(sc):
        out.append(Variant(name=f"{PREFIX}{group}, low", **low))
        out.append(Variant(name=f"{PREFIX}{group}, high", **high))
    return out


def tornado_table(table: pd.DataFrame, sc: Scenario) -> pd.DataFrame:
    """One row per group: its ends, the chain's earliest year and the cost of independence
    (USD bn) at the low end, in the scenario and at the high end, and the swings (high less
    low; a year beyond the horizon counts as the horizon's last year + 1), largest cost swing
    first."""
    never = sc.horizon.last + 1
    rows = table.set_index("variant")

    def year(name: str) -> float:
        y = rows.at[name, "earliest_chain_year"] if "earliest_chain_year" in rows else None
        return float(never if y is None or pd.isna(y) else y)

    def cost(name: str) -> float:
        c = rows.at[name, "cost_of_independence_usd_bn"]
        return float("nan") if c is None or pd.isna(c) else float(c)

    out = []
    for group, _, _, ends in groups(sc):
        lo, hi = f"{PREFIX}{group}, low", f"{PREFIX}{group}, high"
        out.append(
            {
                "input group": group,
                "low / high": ends,
                "earliest year, low": year(lo),
                "earliest year, scenario": year(BASE),
                "earliest year, high": year(hi),
                "year swing": year(hi) - year(lo),
                "cost USD bn, low": cost(lo),
                "cost USD bn, scenario": cost(BASE),
                "cost USD bn, high": cost(hi),
                "cost swing USD bn": cost(hi) - cost(lo),
            }
        )
    df = pd.DataFrame(out)
    df["_order"] = df["cost swing USD bn"].abs().fillna(0) + df["year swing"].abs() * 1e-6
    df = df.sort_values("_order", ascending=False).drop(columns="_order")
    for c in ("earliest year, low", "earliest year, scenario", "earliest year, high"):
        df[c] = df[c].astype(int).astype(str).replace(str(never), "never")
    return df.reset_index(drop=True)


def plot_tornado(df: pd.DataFrame, path: Path, never: int) -> Path | None:
    """Two tornado panels (cost of independence; earliest chain year, 'never' drawn at
    ``never``) as a PNG."""
    if df.empty:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from autarky.atomic import atomic_write

    fig, axes = plt.subplots(1, 2, figsize=(11, 0.6 * len(df) + 1.8))
    labels = list(df["input group"])[::-1]
    base = float(df["cost USD bn, scenario"].iloc[0])
    for ax, (lo, hi, mid, title) in zip(
        axes,
        (
            ("cost USD bn, low", "cost USD bn, high", base, "Cost of independence, USD bn"),
            ("earliest year, low", "earliest year, high", None, "Chain's earliest year"),
        ),
        strict=True,
    ):
        note = None
        lows = [_num(v, never) for v in df[lo]][::-1]
        highs = [_num(v, never) for v in df[hi]][::-1]
        if mid is None:
            mid = _num(df["earliest year, scenario"].iloc[0], never)
            note = f"year ('never' drawn at {never})"
        for i, (a, b) in enumerate(zip(lows, highs, strict=True)):
            ax.barh(i, a - mid, left=mid, color="#4472C4", label="low end" if i == 0 else None)
            ax.barh(i, b - mid, left=mid, color="#C65911", label="high end" if i == 0 else None)
        ax.axvline(mid, color="black", linewidth=1)
        ax.set_yticks(range(len(labels)), labels)
        ax.set_title(title)
        ax.set_xlabel(note or "USD bn")
        ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    with atomic_write(path) as tmp:
        fig.savefig(tmp, format="png", dpi=110)
    plt.close(fig)
    return path


def _num(v: object, never: int) -> float:
    return float(never) if v == "never" else float(v)  # type: ignore[arg-type]


def add_tornado_sheet(xlsx: Path, df: pd.DataFrame) -> None:
    """Append a 'Tornado' sheet (the table and a bar chart of the cost swings) to a workbook,
    atomically."""
    from openpyxl import load_workbook
    from openpyxl.chart import BarChart, Reference

    from autarky.atomic import atomic_write
    from autarky.excel.styles import USD_BN, YEAR, print_setup, write_note, write_table

    wb = load_workbook(xlsx)
    ws = wb.create_sheet("Tornado")
    money = [c for c in df.columns if "USD bn" in c]
    placed = write_table(
        ws, df, "Tornado", top=1, formats=dict.fromkeys(money, USD_BN) | {"year swing": YEAR}
    )
    write_note(
        ws,
        placed.last_row + 1,
        "Each group of unverified inputs at the low and the high end of its range, the others "
        "as in the scenario; 'never': not within the horizon. Largest cost swing first.",
    )
    chart = BarChart()
    chart.type = "bar"
    chart.title = "Cost of independence, USD bn"
    chart.y_axis.title = "USD bn"
    cats = Reference(ws, min_col=1, min_row=placed.header_row + 1, max_row=placed.last_row)
    for col in ("cost USD bn, low", "cost USD bn, high"):
        j = placed.col(col)
        ref = Reference(ws, min_col=j, min_row=placed.header_row, max_row=placed.last_row)
        chart.add_data(ref, titles_from_data=True)
    chart.set_categories(cats)
    chart.x_axis.tickLblSkip = 1  # every group named
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.height, chart.width = max(8.0, 1.6 * len(df) + 3), 18  # room to name every group
    ws.add_chart(chart, f"A{placed.last_row + 4}")
    ws.freeze_panes = "B2"
    print_setup(ws)
    with atomic_write(xlsx) as tmp:
        wb.save(tmp)


def tornado_lines(df: pd.DataFrame) -> list[Any]:
    """The tornado for the terminal (80 columns): each group's earliest year and cost of
    independence at its low end, in the scenario and at its high end."""
    from rich import box
    from rich.table import Table

    t = Table(title="Which assumptions matter (largest cost swing first)", box=box.SIMPLE_HEAD)
    for col in ("input group", "year low/base/high", "cost USD bn low/base/high"):
        t.add_column(col, justify="left" if col == "input group" else "right")
    for rec in df.to_dict("records"):
        years = "/".join(str(rec[f"earliest year, {k}"]) for k in ("low", "scenario", "high"))
        costs = "/".join(
            "-" if v != v else f"{v:,.1f}"
            for v in (rec[f"cost USD bn, {k}"] for k in ("low", "scenario", "high"))
        )
        t.add_row(str(rec["input group"]), years, costs)
    note = (
        "[dim]low/high: each group at the low and the high end of its range (tornado.csv says "
        "which); every column in tornado.csv and comparison.xlsx[/dim]"
    )
    return [t, note]
