"""Projects by status: committed builds are firm capacity; announced ones are an option the plan
may take at its cost (or, by the scenario's choice, firm or left out); never free capacity.

An announced project of a planner region becomes extra room to build: up to its capacity may
be started in the year ``first_year - lead_time`` of its capacity row, online in its announced
first year, at that row's capex, ramp and lifetime. A project already under way (that start year
is before the horizon) keeps its announced first year; its capex is then paid over the horizon
years before it (all in the first year when it arrives then). Announced projects outside the
planner's bloc are not the planner's to take and count only when the scenario makes them firm.
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

from network.dataset import Dataset
from network.errors import InputError, Problem
from optimize.scenario import Scenario

Key2 = tuple[str, str]
Key3 = tuple[str, str, int]

COLUMNS = ["project", "region", "process", "capacity", "first_year", "status", "treated"]


def project_table(data: Dataset, sc: Scenario) -> pd.DataFrame:
    """The dataset's projects plus the scenario's, each with how it is ``treated``: 'firm',
    'option' or 'ignored'. Raises InputError naming a project the scenario cannot use."""
    rows = [
        (str(j), str(r.region), str(r.process), float(r.capacity), int(r.first_year), r.status)
        for j, r in data.projects.iterrows()
    ]
    rows += [
        (a.project, a.region, a.process, a.capacity, a.first_year, a.status)
        for a in sc.projects.add
    ]
    known = {r[0] for r in rows}
    problems = [
        Problem(
            "scenario",
            f"projects.firm names '{j}', which is not a project",
            "name a project of the dataset or of projects.add",
            column="projects.firm",
        )
        for j in sc.projects.firm
        if j not in known
    ]
    for a in sc.projects.add:
        if (a.region, a.process) not in data.capacity.index:
            problems.append(
                Problem(
                    "scenario",
                    f"projects.add '{a.project}': no capacity row for {a.region}, {a.process}",
                    "add the capacity row to the dataset (it gives the costs and lead time)",
                    column="projects.add",
                )
            )
    if problems:
        raise InputError(problems)
    mode = sc.projects.announced
    firm_names = set(sc.projects.firm)
    out = []
    for j, r, p, q, y, status in rows:
        if status == "committed" or j in firm_names or mode == "firm":
            treated = "firm"
        elif mode == "option":
            treated = "option"
        else:
            treated = "ignored"
        out.append((j, r, p, q, y, status, treated))
    return pd.DataFrame(out, columns=COLUMNS)


def firm_projects(table: pd.DataFrame) -> dict[Key2, list[tuple[int, float]]]:
    """(region, process) -> [(first year, capacity)] of the projects counted as built."""
    out: dict[Key2, list[tuple[int, float]]] = defaultdict(list)
    for rec in table[table["treated"] == "firm"].itertuples():
        out[(rec.region, rec.process)].append((int(rec.first_year), float(rec.capacity)))
    return out


def project_options(
    table: pd.DataFrame,
    planner: set[str],
    lead: dict[Key2, int],
    first: int,
    last: int,
) -> list[tuple[Key3, float]]:
    """(build, capacity) of the announced projects the planner may take; the build's year is
    ``first_year - lead`` (before the horizon for a project under way). Projects of other
    regions, without a capacity row, or announced after the horizon are left out."""
    out = []
    for rec in table[table["treated"] == "option"].itertuples():
        k = (rec.region, rec.process)
        if rec.region not in planner or k not in lead or int(rec.first_year) > last:
            continue
        out.append(((rec.region, rec.process, int(rec.first_year) - lead[k]), float(rec.capacity)))
    return out


def option_spend(start: int, lead: int, first: int) -> list[tuple[int, float]]:
    """Years and shares of an option's capex: evenly over its lead time from ``start``; for a
    project under way (``start < first``) evenly over the horizon years before it comes online,
    all in ``first`` when it comes online then.

    >>> option_spend(2026, 2, 2025)
    [(2026, 0.5), (2027, 0.5)]
    >>> option_spend(2022, 4, 2025)
    [(2025, 1.0)]
    >>> option_spend(2023, 4, 2025)
    [(2025, 0.5), (2026, 0.5)]
    """
    years = list(range(max(first, start), max(first + 1, start + max(1, lead))))
    return [(t, 1.0 / len(years)) for t in years]
