"""report.html: one self-contained page per job (beside plan.xlsx) and per comparison, readable
offline (plotly.js is inlined; no network access).

A job's page: the answer block (autarky.answer; the relaxed plan and its diagnosis first when
the targets cannot be met), each critical commodity's dependence path with the strategic
window shaded, builds by stage and year (capex, USD bn), the bloc's imports as a Sankey diagram
(one commodity at a time, in its own unit), the game path, what each billion buys (budget
shadow prices), and the count of assumptions. A chart with nothing to
show is replaced by a sentence saying why. The comparison's page: autarky.html_comparison.
"""

from __future__ import annotations

import html
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from autarky.atomic import atomic_write_text
from network.cutoff import CHAIN

CSS = """
body{font-family:system-ui,sans-serif;max-width:1100px;margin:1.5em auto;color:#222}
h1{font-size:1.5em} h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ccc}
table.answer td{padding:2px 10px;vertical-align:top} table.answer td:first-child{font-weight:600}
.relaxed{background:#fde8e8;border:2px solid #c00000;padding:8px 12px;color:#900}
.why{font-style:italic;color:#555} .chart{min-height:380px}
table.counts{border-collapse:collapse} table.counts td,table.counts th{border:1px solid #ccc;
padding:2px 8px;text-align:right} table.counts td:first-child{text-align:left}
"""
BN = 1e9
esc = partial(html.escape, quote=False)  # text nodes: quotes stay quotes


class Page:
    """Sections of an HTML page; charts are plotly figures drawn into ``div.chart``."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.parts: list[str] = []
        self.n_charts = 0

    def heading(self, text: str) -> None:
        self.parts.append(f"<h2>{esc(text)}</h2>")

    def text(self, text: str, cls: str = "") -> None:
        attr = f' class="{cls}"' if cls else ""
        self.parts.append(f"<p{attr}>{esc(text)}</p>")

    def raw(self, markup: str) -> None:
        self.parts.append(markup)

    def chart(self, fig: Any, name: str) -> None:
        import plotly.io as pio

        self.n_charts += 1
        fig.update_layout(template="plotly_white", margin={"t": 60, "l": 70, "r": 20, "b": 60})
        div = pio.to_html(
            fig,
            include_plotlyjs=False,
            full_html=False,
            div_id=f"chart-{self.n_charts}",
            config={"displaylogo": False, "responsive": True},
        )
        self.parts.append(f'<div class="chart" data-chart="{html.escape(name)}">{div}</div>')

    def chart_or_why(self, fig: Any, name: str, why: str) -> None:
        if fig is None:
            self.text(why, "why")
        else:
            self.chart(fig, name)

    def write(self, path: Path) -> Path:
        from plotly.offline import get_plotlyjs

        body = "\n".join(self.parts)
        page = (
            f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f"<title>{esc(self.title)}</title><style>{CSS}</style>"
            f"<script>{get_plotlyjs()}</script></head><body>"
            f"<h1>{esc(self.title)}</h1>\n{body}\n</body></html>\n"
        )
        atomic_write_text(Path(path), page)
        return Path(path)


def plotly_go() -> Any:
    import plotly.graph_objects as go

    return go


# ---------------------------------------------------------------------------------------
# a job


def answer_html(r: Any, race: Any, name: str | None) -> str:
    from autarky.answer import answer

    a = answer(r, race, name)
    plans = [r] if race is None else [race.us_plan, race.cn_plan]
    out = []
    if a.relaxed:
        reasons = (
            "".join(f"<li>{esc(d.message)}</li>" for p in plans for d in p.diagnosis)
            or "<li>(no diagnosis)</li>"
        )
        out.append(
            '<div class="relaxed"><b>RELAXED PLAN: the targets cannot be met.</b> Every figure '
            f"on this page is the relaxed plan's. Why:<ul>{reasons}</ul></div>"
        )
    rows = [("Status", a.status), *a.rows]
    cells = "".join(f"<tr><td>{esc(k)}</td><td>{esc(v)}</td></tr>" for k, v in rows)
    out.append(f'<h2>{esc(a.title)}</h2><table class="answer">{cells}</table>')
    return "\n".join(out)


def dependence_figure(r: Any, window: Any) -> Any:
    """Dependence on the rival (1 - the share servable without it) per critical commodity and
    the chain, by year; the strategic window shaded."""
    go = plotly_go()
    share = r.cutoff["cutoff_share"]
    if not len(share):
        return None
    fig = go.Figure()
    for c, s in share.groupby(level="commodity", sort=False):
        s = s.droplevel("commodity")
        fig.add_trace(
            go.Scatter(
                x=list(s.index),
                y=list(1 - s.to_numpy()),
                mode="lines+markers",
                name=str(c),
                line={"width": 4 if c == CHAIN else 2, "dash": "solid" if c == CHAIN else None},
            )
        )
    if window is not None:
        fig.add_vrect(
            x0=window.start - 0.5,
            x1=window.end + 0.5,
            fillcolor="orange",
            opacity=0.18,
            line_width=0,
            annotation_text=f"window: {window.leader} leads",
            annotation_position="top left",
        )
    sc = r.scenario
    fig.update_layout(
        title=f"Dependence of {sc.planner} on {sc.rival} by commodity"
        + (" (strategic window shaded)" if window is not None else ""),
        xaxis_title="year",
        yaxis_title=f"dependence on {sc.rival} (% of demand)",
        yaxis={"tickformat": ".0%", "range": [-0.02, 1.02]},
    )
    return fig


def builds_figure(r: Any, data: Any) -> Any:
    """Capex of new builds by chain (stage) and start year, USD bn, stacked."""
    go = plotly_go()
    b = r.builds.reset_index()
    if not len(b):
        return None
    b["chain"] = b["process"].map(data.processes["output"]).map(data.commodities["chain"])
    g = b.groupby(["chain", "year"])["capex_usd"].sum().unstack("chain", fill_value=0.0) / BN
    fig = go.Figure([go.Bar(x=list(g.index), y=list(g[c]), name=str(c)) for c in g.columns])
    fig.update_layout(
        barmode="stack",
        title="Builds by stage and start year (capex)",
        xaxis_title="year construction starts",
        yaxis_title="capex (USD bn)",
    )
    return fig


def sankey_figure(r: Any, data: Any) -> Any:
    """Flows into the planner bloc's regions in the last year, one critical commodity at a
    time (a menu switches): exporter region -> importer region, in the commodity's unit."""
    go = plotly_go()
    sc = r.scenario
    f = r.flows.reset_index()
    if not len(f):
        return None
    year = int(sc.years[-1])
    bloc = set(data.regions_of(sc.planner))
    f = f[(f["year"] == year) & f["importer"].isin(bloc)]
    crit = [c for c in data.critical if c in set(f["commodity"])]
    if not crit:
        return None
    traces, buttons = [], []
    for i, c in enumerate(crit):
        fc = f[f["commodity"] == c]
        src = [f"{e} (from)" for e in fc["exporter"]]
        dst = [f"{m} ({sc.planner})" for m in fc["importer"]]
        labels = list(dict.fromkeys(src + dst))
        unit = str(data.commodities["unit"].get(c, "units"))
        traces.append(
            go.Sankey(
                visible=i == 0,
                valueformat=",.0f",
                valuesuffix=f" {unit}",
                node={"label": labels, "pad": 12},
                link={
                    "source": [labels.index(s) for s in src],
                    "target": [labels.index(d) for d in dst],
                    "value": list(fc["flow"]),
                },
            )
        )
        buttons.append(
            {
                "label": f"{c} ({unit})",
                "method": "update",
                "args": [
                    {"visible": [j == i for j in range(len(crit))]},
                    {"title": f"Flows of {c} into the {sc.planner} bloc, {year} ({unit} per year)"},
                ],
            }
        )
    fig = go.Figure(traces)
    fig.update_layout(
        title=f"Flows of {crit[0]} into the {sc.planner} bloc, {year} "
        f"({data.commodities['unit'].get(crit[0], 'units')} per year)",
        updatemenus=[{"buttons": buttons, "x": 1.0, "y": 1.15, "xanchor": "right"}],
    )
    return fig


REGIME_COLORS = ("#d9e8f5", "#fde2c8", "#e0f0d9", "#f3d9f0", "#eeeeee", "#fff3c4")


def regime_runs(table: pd.DataFrame) -> list[tuple[int, int, str]]:
    """(first year, last year, regime) of each run of equal regimes."""
    runs: list[list[Any]] = []
    for year, regime in table["regime"].items():
        if runs and runs[-1][2] == str(regime) and runs[-1][1] == int(year) - 1:
            runs[-1][1] = int(year)
        else:
            runs.append([int(year), int(year), str(regime)])
    return [(a, b, g) for a, b, g in runs]


def game_figure(race: Any) -> Any:
    """Both sides' dependence along the final plans over bands coloured by regime (each run of
    years labelled once); the strategic window outlined."""
    go = plotly_go()
    t = race.table
    years = [int(y) for y in t.index]
    fig = go.Figure()
    colors: dict[str, str] = {}
    for first, last, regime in regime_runs(t):
        color = colors.setdefault(regime, REGIME_COLORS[len(colors) % len(REGIME_COLORS)])
        fig.add_vrect(
            x0=first - 0.5,
            x1=last + 0.5,
            fillcolor=color,
            opacity=0.9,
            line_width=0,
            layer="below",
            annotation_text=regime,
            annotation_position="top left",
            annotation_font_size=10,
        )
    for col, side in (("us_dependence", "US"), ("cn_dependence", "CN")):
        fig.add_trace(
            go.Scatter(
                x=years,
                y=list(t[col]),
                mode="lines+markers",
                name=f"{side} dependence on its rival",
            )
        )
    w = race.window
    if w is not None:
        fig.add_vrect(
            x0=w.start - 0.5,
            x1=w.end + 0.5,
            fillcolor="rgba(0,0,0,0)",
            line_width=2,
            line_color="orange",
            annotation_text=f"window: {w.leader} leads",
            annotation_position="bottom left",
        )
    fig.update_layout(
        title="The game along the final plans: dependence, and the regime of each year (bands)",
        xaxis_title="year",
        yaxis_title="dependence on the rival (% of demand)",
        yaxis={"tickformat": ".0%", "range": [-0.02, 1.12]},
    )
    return fig


def billion_figure(r: Any) -> Any:
    """Budget shadow prices: discounted cost one more USD bn of budget would save, by year."""
    go = plotly_go()
    bp = r.budget_prices
    if not len(bp) or not (bp["usd_per_usd"] > 0).any():
        return None
    fig = go.Figure()
    for budget, s in bp["usd_per_usd"].groupby(level="budget", sort=False):
        s = s.droplevel("budget")
        fig.add_trace(
            go.Scatter(x=list(s.index), y=list(s), mode="lines+markers", name=f"{budget} budget")
        )
    fig.update_layout(
        title="What each billion buys: discounted cost saved per extra USD bn of budget",
        xaxis_title="year",
        yaxis_title="saving (USD bn per USD bn of budget)",
        yaxis={"rangemode": "tozero"},
    )
    return fig


def assumptions_html(r: Any, data: Any) -> str:
    try:
        from network.trust import trust_counts

        counts = trust_counts(data).reset_index()
    except Exception:  # noqa: BLE001 - a dataset without trust tags: the plain count
        counts = None
    n = int(counts["U"].sum()) if counts is not None and "U" in counts else len(r.assumptions)
    head = f"<p>{n} row{'s' if n != 1 else ''} of the dataset are assumptions (tag U).</p>"
    if counts is None:
        return head
    cols = list(counts.columns)
    th = "".join(f"<th>{esc(str(c))}</th>" for c in cols)
    body = "".join(
        "<tr>" + "".join(f"<td>{esc(str(v))}</td>" for v in row) + "</tr>"
        for row in counts.itertuples(index=False)
    )
    return head + f'<table class="counts"><tr>{th}</tr>{body}</table>'


def write_job_report(
    path: Path, r: Any, data: Any, game: Any = None, name: str | None = None
) -> Path:
    """report.html of one job (a plan, or a race with ``game``)."""
    sc = r.scenario
    page = Page(f"autarky: {name or sc.name} ({sc.planner} against {sc.rival})")
    page.raw(answer_html(r, game, name))
    window = game.window if game is not None else None
    page.heading("Dependence paths")
    page.chart_or_why(dependence_figure(r, window), "dependence", "No cutoff shares to show.")
    if game is None:
        page.text("No game was run: no strategic window to shade.", "why")
    page.heading("Builds by stage and year")
    page.chart_or_why(builds_figure(r, data), "builds", "The plan builds nothing new.")
    page.heading(f"The {sc.planner} bloc's flows")
    page.chart_or_why(
        sankey_figure(r, data),
        "sankey",
        f"No critical commodity flows into the {sc.planner} bloc in the last year.",
    )
    page.heading("The game")
    if game is None:
        page.text("No game section in this scenario: no game path.", "why")
    else:
        page.chart(game_figure(game), "game")
    page.heading("What each billion buys")
    page.chart_or_why(
        billion_figure(r),
        "billion",
        "No budget binds in any year: one more billion would buy nothing here.",
    )
    page.heading("Assumptions")
    page.raw(assumptions_html(r, data))
    return page.write(path)
