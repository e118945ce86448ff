"""Projects by status: committed builds are firm capacity; announced ones are an option the plan
may take at its cost (or, by the scenario's choice, firm or left out); never free capacity.

An announced project of a planner region becomes extra room to build: up to its capacity may
be started in the year that brings it online in its announced first year (``first_year -
lead_time`` of its capacity row), at that row's capex, lead time, ramp and lifetime. When that
year is before the horizon, the option starts in the first year and arrives a lead time later.
Announced projects outside the planner's bloc are not the planner's to take and count only
when the scenario makes them firm.
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
    """(build, capacity) of the announced projects the planner may take: the build starts
    ``lead`` years before the announced first year (the first year at the earliest); projects
    of other regions, without a capacity row, or that could not arrive within the horizon are
    left out."""
    out = []
    for rec in table[table["treated"] == "option"].itertuples():
        k = (rec.region, rec.process)
        if rec.region not in planner or k not in lead:
            continue
        start = max(first, int(rec.first_year) - lead[k])
        if start + lead[k] <= last:
            out.append(((rec.region, rec.process, start), float(rec.capacity)))
    return out
