"""Trust tags (P, S, D, U) of the data rows: the wording check and the counts by tag.

Every row of every table carries ``trust``: P primary source read directly, S secondary, D
derived by arithmetic on sourced figures, U unverified (an assumption). Capacity rows also carry
``build_trust`` for their build parameters. The workbook and the terminal count rows by tag and
name the U inputs each headline answer rests on, through :func:`trust_counts` and
:func:`headline_reliance`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from network.errors import Problem
from network.schema import TABLES, TRUST_TAGS

if TYPE_CHECKING:
    from network.dataset import Dataset

ASSUMPTION_WORD = "assumption"
SOURCED = ("P", "S")

GROUPS: dict[str, tuple[str, str]] = {
    "existing capacity": ("capacity", "trust"),
    "build parameters": ("capacity", "build_trust"),
    "projects": ("projects", "trust"),
    "demand": ("demand", "trust"),
    "recipes": ("process_inputs", "trust"),
    "processes": ("processes", "trust"),
    "blocs": ("regions", "trust"),
    "values of lost supply": ("commodities", "trust"),
    "routes": ("routes", "trust"),
}
"""Input groups: the table and the tag column that holds their trust. Build parameters are
capacity's capex, fixed_om, variable_cost, lead_time, max_build, ramp_years and lifetime."""

HEADLINES: dict[str, tuple[str, ...]] = {
    "chain's earliest year": (
        "existing capacity",
        "build parameters",
        "projects",
        "demand",
        "recipes",
        "blocs",
    ),
    "cost of independence": (
        "existing capacity",
        "build parameters",
        "projects",
        "demand",
        "recipes",
        "blocs",
        "values of lost supply",
        "routes",
    ),
    "base-year dependence": ("existing capacity", "demand", "recipes", "blocs"),
}
"""The input groups each headline answer is computed from; every other table of the schema
(e.g. co-products) is a group of its own under every headline (:func:`groups_of`)."""


def groups_of() -> dict[str, tuple[str, str]]:
    """GROUPS plus one group per schema table GROUPS does not name."""
    named = {table for table, _ in GROUPS.values()}
    extra = {t.name.replace("_", " "): (t.name, "trust") for t in TABLES if t.name not in named}
    return GROUPS | extra


def headlines_of() -> dict[str, tuple[str, ...]]:
    """HEADLINES with the tables GROUPS does not name under every headline."""
    extra = tuple(g for g in groups_of() if g not in GROUPS)
    return {h: (*groups, *extra) for h, groups in HEADLINES.items()}


def check_trust_wording(
    typed: dict[str, pd.DataFrame],
    where: dict[str, str],
    problems: list[Problem],
    incomplete: frozenset[str],
) -> None:
    """A row tagged P or S (sourced) does not call its figures an assumption in ``source``."""
    for spec in TABLES:
        df = typed[spec.name]
        if df.empty or "trust" not in df.columns:
            continue
        for row, tag, source in zip(df.index, df["trust"], df["source"], strict=True):
            if tag in SOURCED and ASSUMPTION_WORD in str(source).casefold():
                problems.append(
                    Problem(
                        where[spec.name],
                        f"the row is tagged {tag} (sourced) but its source says "
                        f"'{ASSUMPTION_WORD}'",
                        "tag the row U (or D if derived) or cite the source of every figure",
                        int(row),
                        "trust",
                    )
                )


def _tags(data: Dataset, group: str) -> pd.Series:
    """The trust tags of a group's rows (routes: the rows behind the expanded arcs)."""
    table, column = groups_of()[group]
    df = getattr(data, table)
    if column not in df.columns:
        return pd.Series(["U"] * len(df), dtype=object)
    if table == "routes" and "route_row" in df.columns:
        df = df.drop_duplicates("route_row")
    return df[column].astype(str)


def trust_counts(data: Dataset) -> pd.DataFrame:
    """Rows per input group and trust tag: index group, columns P, S, D, U, rows."""
    out = pd.DataFrame(
        {g: _tags(data, g).value_counts().reindex(TRUST_TAGS, fill_value=0) for g in groups_of()}
    ).T.astype(int)
    out["rows"] = out.sum(axis=1)
    out.index.name = "input"
    return out[(out["rows"] > 0) | out.index.isin(list(GROUPS))]  # empty extra tables left out


def headline_reliance(data: Dataset) -> pd.DataFrame:
    """For each headline answer, the U rows it rests on: index headline, columns U rows,
    rows, share U, and 'unverified inputs' naming each group with U rows as 'group u/n'."""
    counts = trust_counts(data)
    rows = []
    for headline, groups in headlines_of().items():
        c = counts.loc[[g for g in groups if g in counts.index]]
        named = [f"{g} {c.at[g, 'U']}/{c.at[g, 'rows']}" for g in c.index if c.at[g, "U"]]
        u, n = int(c["U"].sum()), int(c["rows"].sum())
        rows.append((headline, u, n, u / n if n else 0.0, "; ".join(named) or "none"))
    cols = ["headline", "U rows", "rows", "share U", "unverified inputs"]
    return pd.DataFrame(rows, columns=cols).set_index("headline")


def unverified_rows(data: Dataset) -> pd.DataFrame:
    """Every row tagged U, and every capacity row whose build parameters are U: columns
    table, key, what (the row or its build parameters), source."""
    out = []
    for spec in TABLES:
        df = getattr(data, spec.name)
        if spec.name == "routes" and "route_row" in df.columns:  # rows, not expanded arcs
            df = df.drop_duplicates("route_row")
        for column, what in (("trust", "row"), ("build_trust", "build parameters")):
            if column not in df.columns:
                continue
            for key, row in df.loc[df[column].astype(str) == "U"].iterrows():
                k = "/".join(map(str, key)) if isinstance(key, tuple) else str(key)
                if "route_row" in row:  # an arc stands for its row, which may hold wildcards
                    k = f"row {int(row['route_row']) + 2}"
                out.append((spec.name, k, what, row["source"]))
    return pd.DataFrame(out, columns=["table", "key", "what", "source"])


def trust_summary(data: Dataset) -> dict[str, object]:
    """JSON-ready counts: rows by tag per input group and the U rows under each headline."""
    counts = trust_counts(data)
    rel = headline_reliance(data)
    return {
        "by_input": {g: {t: int(counts.at[g, t]) for t in TRUST_TAGS} for g in counts.index},
        "totals": {t: int(counts[t].sum()) for t in TRUST_TAGS},
        "headlines": {
            h: {
                "u_rows": int(row["U rows"]),
                "rows": int(row["rows"]),
                "unverified_inputs": row["unverified inputs"],
            }
            for h, row in rel.iterrows()
        },
    }


def trust_lines(summary: dict[str, object] | None) -> list[str]:
    """Terminal lines from :func:`trust_summary`: rows by tag, then what each headline rests
    on. Empty for a summary without trust counts (an older job)."""
    if not summary:
        return []
    totals = summary["totals"]
    assert isinstance(totals, dict)
    lines = [
        "Data rows by trust tag (P primary, S secondary, D derived, U unverified): "
        + ", ".join(f"{t} {totals[t]}" for t in TRUST_TAGS),
        "Headline answers rest on these U rows:",
    ]
    headlines = summary["headlines"]
    assert isinstance(headlines, dict)
    for h, v in headlines.items():
        lines.append(f"  {h}: {v['unverified_inputs']}")
    return lines
