"""Validate raw tables against the schema and build a :class:`Dataset`.

Every problem is collected before anything is raised; one :class:`DataError` lists them all,
each as ``file, row N, column 'c': what is wrong -- how to fix``.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from pathlib import Path

import networkx as nx
import pandas as pd

from network import cells
from network.dataset import Dataset
from network.errors import DataError, Problem
from network.io import RawTable, read_raw
from network.ranges import check_lead_time_ranges
from network.schema import (
    BLOC_NEUTRAL,
    TABLES,
    TABLES_BY_NAME,
    WILDCARD,
    Column,
    Kind,
    Table,
)
from network.trust import check_trust_wording


def load_dataset(path: str | Path) -> Dataset:
    """Read and validate a dataset folder or workbook. Raises DataError listing every problem."""
    raw = read_raw(path)
    return dataset_from_raw(raw, origin=str(path))


def dataset_from_frames(frames: dict[str, pd.DataFrame], origin: str = "memory") -> Dataset:
    """Validate plain DataFrames (one per table, columns as in the schema) into a Dataset.

    Used by tests and generators; row numbers in messages count the header as row 1. A frame
    built in code without a ``trust`` column is tagged U (its figures are assumptions); files
    must carry the column.
    """
    raw = {}
    for name, df in frames.items():
        f = df.reset_index(drop=True).astype(object)
        if "trust" not in f.columns:
            f["trust"] = "U"
        f.index = pd.Index(range(2, len(f) + 2), name="row")
        raw[name] = RawTable(name, f"{name}", f)
    return dataset_from_raw(raw, origin=origin)


def dataset_from_raw(raw: dict[str, RawTable], origin: str = "") -> Dataset:
    problems: list[Problem] = []
    typed: dict[str, pd.DataFrame] = {}
    where: dict[str, str] = {}
    bad_rows: dict[str, set[int]] = {}
    for spec in TABLES:
        table = raw.get(spec.name)
        if table is None:
            if spec.required:
                problems.append(
                    Problem(
                        _missing_where(raw, spec, origin),
                        f"table '{spec.name}' is missing",
                        f"add {spec.name}.csv (or a sheet '{spec.name}') with columns "
                        + ", ".join(spec.column_names),
                    )
                )
            typed[spec.name] = _empty(spec)
            where[spec.name] = spec.name
            continue
        where[spec.name] = table.where
        before = len(problems)
        typed[spec.name] = _type_table(spec, table, problems)
        bad_rows[spec.name] = {p.row for p in problems[before:] if p.row is not None}
    if any(p.row is None for p in problems):
        raise DataError(problems)  # a table or column is missing: cross-table checks are moot
    # Cross-table checks run on the rows whose cells all typed cleanly, so one report lists
    # every problem; a check that needs a whole table skips it when rows of it were dropped.
    clean = {name: df.drop(index=sorted(bad_rows.get(name, ()))) for name, df in typed.items()}
    incomplete = frozenset(name for name, rows in bad_rows.items() if rows)
    for check in CHECKS:
        check(clean, where, problems, incomplete)
    if problems:
        raise DataError(problems)
    return _assemble(typed, origin)


# ---------------------------------------------------------------------------------------
# typing cells


def _missing_where(raw: dict[str, RawTable], spec: Table, origin: str) -> str:
    for t in raw.values():
        if "sheet" in t.where:
            return t.where.split(",")[0]
    return origin or spec.name


def _empty(spec: Table) -> pd.DataFrame:
    return pd.DataFrame({c.name: pd.Series([], dtype=object) for c in spec.columns})


NEEDS_ROWS = frozenset({"regions", "commodities", "processes", "capacity", "demand"})
"""Tables without which there is nothing to plan: a header alone is refused."""

MAX_MAGNITUDE = 1e15
"""No number in any input may exceed this in size (a plausibility bound for every column;
columns may declare a tighter ``max_value``). 1e15 t or USD is beyond any real supply chain."""


def _type_table(spec: Table, table: RawTable, problems: list[Problem]) -> pd.DataFrame:
    frame = table.frame
    if len(frame.columns) == 0:
        problems.append(
            Problem(
                table.where,
                "the table is empty (no header row)",
                "add the header row: " + ", ".join(spec.column_names) + ", then one row each",
            )
        )
        return _empty(spec)
    present = [str(c) for c in frame.columns]
    doubled = [c.name for c in spec.columns if present.count(c.name) > 1]
    for name in doubled:
        problems.append(
            Problem(
                table.where,
                f"column '{name}' appears {present.count(name)} times in the header",
                f"keep one column '{name}'",
            )
        )
    missing = [c for c in spec.columns if c.name not in present and c.required]
    hinted: set[str] = set()  # present names already named as a missing column's misspelling
    for col in missing:
        near = difflib.get_close_matches(col.name, present, n=1)
        hinted.update(near)
        hint = f" (is '{near[0]}' meant to be '{col.name}'?)" if near else ""
        problems.append(
            Problem(
                table.where,
                f"column '{col.name}' is missing{hint}",
                f"add a column '{col.name}': {col.description}",
            )
        )
    declared = set(spec.column_names)
    for name in present:
        if name in declared or not name or name in hinted:
            continue
        # an unknown column is refused: a misspelt optional one would silently take its default
        absent = [c.name for c in spec.columns if c.name not in present]
        near = difflib.get_close_matches(name, absent, n=1, cutoff=0.6)
        problems.append(
            Problem(
                table.where,
                f"column '{name}' is not a column of {spec.name}"
                + (f" (is it '{near[0]}'?)" if near else ""),
                f"rename it to '{near[0]}'"
                if near
                else "remove it; the columns are " + ", ".join(spec.column_names),
                column=name,
            )
        )
    if len(frame) == 0 and spec.name in NEEDS_ROWS:
        problems.append(
            Problem(
                table.where,
                "the table has a header but no rows",
                f"add at least one row under the header ({spec.description.split('. ')[0]})",
            )
        )
    if missing or doubled:
        return _empty(spec)
    out: dict[str, list[object]] = {}
    for col in spec.columns:
        if col.name not in present:
            out[col.name] = [col.default] * len(frame)
            continue
        values = []
        for row, cell in frame[col.name].items():
            values.append(_type_cell(spec, col, cell, table.where, int(row), problems))
        out[col.name] = values
    typed = pd.DataFrame(out, index=frame.index)
    return typed


_CONVERTERS: dict[Kind, Callable[[object], tuple[object, str | None]]] = {
    Kind.NUMBER: cells.to_number,
    Kind.INTEGER: cells.to_integer,
    Kind.BOOL: cells.to_bool,
    Kind.TEXT: cells.to_text,
}


def _type_cell(
    spec: Table, col: Column, cell: object, where: str, row: int, problems: list[Problem]
) -> object:
    if cells.is_blank(cell):
        if col.required:
            problems.append(Problem(where, "cell is empty", _fill_hint(col), row, col.name))
        return col.default
    if col.kind is Kind.ID:
        wildcard = spec.name == "routes" and col.name in ("exporter", "importer", "commodity")
        value, err = cells.to_id(cell, allow_wildcard=wildcard)
    else:
        value, err = _CONVERTERS[col.kind](cell)
    if err:
        odd = cells.non_ascii(str(cell)) if col.kind is Kind.ID else None
        fix = f"{odd} looks like a letter but is not ASCII; retype the id" if odd else None
        problems.append(Problem(where, err, fix or _fill_hint(col), row, col.name))
        return col.default
    if col.kind in (Kind.NUMBER, Kind.INTEGER):
        assert isinstance(value, int | float)
        if col.max_value is None and abs(value) > MAX_MAGNITUDE:
            problems.append(
                Problem(
                    where,
                    f"{_fmt(value)} is implausibly large (most {_fmt(MAX_MAGNITUDE)} {col.unit})",
                    f"check the unit: {col.description}",
                    row,
                    col.name,
                )
            )
            return col.default
        if col.min_value is not None and value < col.min_value:
            problems.append(
                Problem(
                    where,
                    f"{_fmt(value)} is below the minimum {_fmt(col.min_value)}",
                    _fill_hint(col),
                    row,
                    col.name,
                )
            )
        if col.max_value is not None and value > col.max_value:
            problems.append(
                Problem(
                    where,
                    f"{_fmt(value)} is implausibly large (most {_fmt(col.max_value)} {col.unit})",
                    f"check the unit: {col.description}",
                    row,
                    col.name,
                )
            )
    if col.choices and value not in col.choices:
        problems.append(
            Problem(
                where,
                f"'{value}' is not one of {', '.join(col.choices)}",
                f"use one of {', '.join(col.choices)}",
                row,
                col.name,
            )
        )
    return value


def _fmt(x: float) -> str:
    return f"{x:g}"


def _fill_hint(col: Column) -> str:
    kinds = {
        Kind.ID: "an id (letters, digits, '_', '-', '.')",
        Kind.TEXT: "text",
        Kind.NUMBER: "a number",
        Kind.INTEGER: "a whole number",
        Kind.BOOL: "true or false",
    }
    rng = ""
    if col.min_value is not None and col.kind in (Kind.NUMBER, Kind.INTEGER):
        rng = f" >= {_fmt(col.min_value)}"
    unit = f" in {col.unit}" if col.unit else ""
    return f"enter {kinds[col.kind]}{rng}{unit} ({col.description})"


# ---------------------------------------------------------------------------------------
# cross-table checks: each appends problems; all run before raising

Typed = dict[str, pd.DataFrame]
Where = dict[str, str]


def check_duplicate_keys(
    typed: Typed, where: Where, problems: list[Problem], incomplete: frozenset[str]
) -> None:
    """No two rows of a table share a key."""
    for spec in TABLES:
        df = typed[spec.name]
        if df.empty:
            continue
        dup = df.duplicated(subset=list(spec.key), keep="first")
        for row in df.index[dup]:
            key = ", ".join(str(df.at[row, k]) for k in spec.key)
            first = df.index[(df[list(spec.key)] == df.loc[row, list(spec.key)]).all(axis=1)][0]
            problems.append(
                Problem(
                    where[spec.name],
                    f"duplicate key ({key}); row {first} has the same",
                    "keep one row per " + ", ".join(spec.key),
                    int(row),
                    spec.key[-1],
                )
            )


def check_case_clashes(
    typed: Typed, where: Where, problems: list[Problem], incomplete: frozenset[str]
) -> None:
    """No two ids of one table differ only by upper/lower case (USA and usa)."""
    for spec in TABLES:
        df = typed[spec.name]
        if len(spec.key) != 1 or df.empty:
            continue
        seen: dict[str, tuple[str, int]] = {}
        for row, value in df[spec.key[0]].items():
            if value is None:
                continue
            folded = str(value).casefold()
            first = seen.setdefault(folded, (str(value), int(row)))
            if first[0] != value:
                problems.append(
                    Problem(
                        where[spec.name],
                        f"{spec.key[0]} '{value}' differs from '{first[0]}' (row {first[1]}) "
                        "only by case",
                        f"ids are case-sensitive: use one spelling for one {spec.key[0]}, or "
                        "rename one",
                        int(row),
                        spec.key[0],
                    )
                )


def check_references(
    typed: Typed, where: Where, problems: list[Problem], incomplete: frozenset[str]
) -> None:
    """Every id that refers to another table exists there (route wildcards excepted)."""
    for spec in TABLES:
        df = typed[spec.name]
        for col in spec.columns:
            if not col.references or df.empty:
                continue
            ref_table, ref_col = col.references.split(".")
            if ref_table in incomplete:  # an id may sit in a row dropped for a bad cell
                continue
            known = set(typed[ref_table][ref_col])
            for row, value in df[col.name].items():
                if value is None or value in known or value == WILDCARD:
                    continue
                near = difflib.get_close_matches(str(value), sorted(map(str, known)), n=1)
                hint = f"did you mean '{near[0]}'? " if near else ""
                problems.append(
                    Problem(
                        where[spec.name],
                        f"unknown {ref_col} '{value}'",
                        f"{hint}declare it in {ref_table} or correct the id",
                        int(row),
                        col.name,
                    )
                )


def check_blocs(
    typed: Typed, where: Where, problems: list[Problem], incomplete: frozenset[str]
) -> None:
    """At least two sides: some bloc other than 'neutral' must appear twice over."""
    if "regions" in incomplete:
        return
    blocs = set(typed["regions"]["bloc"]) - {BLOC_NEUTRAL}
    if len(typed["regions"]) and len(blocs) < 2:
        problems.append(
            Problem(
                where["regions"],
                f"only {len(blocs)} bloc besides 'neutral' ({', '.join(sorted(blocs)) or 'none'})",
                "assign regions to at least two blocs (e.g. US and CN)",
                column="bloc",
            )
        )


def check_recipe_cycles(
    typed: Typed, where: Where, problems: list[Problem], incomplete: frozenset[str]
) -> None:
    """No process may consume, directly or through other processes, its own output."""
    g = nx.DiGraph()
    outputs = dict(zip(typed["processes"]["process"], typed["processes"]["output"], strict=True))
    rows: dict[tuple[str, str], int] = {}
    for row, rec in typed["process_inputs"].iterrows():
        proc, c = rec["process"], rec["commodity"]
        if proc in outputs and rec["amount"] and rec["amount"] > 0:
            g.add_edge(c, outputs[proc], process=proc)
            rows[(c, outputs[proc])] = int(row)
    # simple_cycles' start node and order vary with string hashing: start each cycle at its
    # earliest recipe row and report cycles in row order, so messages are reproducible
    found = []
    for cycle in nx.simple_cycles(g):
        first = min(range(len(cycle)), key=lambda n: rows[(cycle[n], cycle[(n + 1) % len(cycle)])])
        found.append(cycle[first:] + cycle[:first])
    for cycle in sorted(found, key=lambda c: (rows[(c[0], c[1 % len(c)])], c)):
        edges = list(zip(cycle, cycle[1:] + cycle[:1], strict=True))
        procs = [g.edges[e]["process"] for e in edges]
        path = " -> ".join([*cycle, cycle[0]])
        problems.append(
            Problem(
                where["process_inputs"],
                f"recipe cycle: {path} (processes {', '.join(procs)})",
                "a process cannot consume its own output, directly or through others; "
                "remove one of these recipe rows",
                rows[edges[0]],
                "commodity",
            )
        )


def check_producible_demand(
    typed: Typed, where: Where, problems: list[Problem], incomplete: frozenset[str]
) -> None:
    """Every demanded commodity has a process with capacity or a build option somewhere."""
    if incomplete & {"processes", "capacity", "projects"}:
        return
    procs = typed["processes"]
    cap = typed["capacity"]
    proj = typed["projects"]
    able = set(cap.loc[(cap["existing"] > 0) | (cap["max_build"] > 0), "process"])
    able |= set(proj["process"])
    producible = set(procs.loc[procs["process"].isin(able), "output"])
    co = typed["process_outputs"]
    producible |= set(co.loc[co["process"].isin(able) & (co["amount"] > 0), "commodity"])
    reported: set[str] = set()
    for row, rec in typed["demand"].iterrows():
        c = rec["commodity"]
        if c in producible or c in reported or rec["quantity"] == 0:
            continue
        reported.add(c)
        problems.append(
            Problem(
                where["demand"],
                f"'{c}' is demanded but no process anywhere can produce it",
                f"add a process with output '{c}' and a capacity row with existing > 0 or "
                "max_build > 0, or remove the demand",
                int(row),
                "commodity",
            )
        )


def check_demand_years(
    typed: Typed, where: Where, problems: list[Problem], incomplete: frozenset[str]
) -> None:
    """Within one region and commodity, demand rows list years in increasing order."""
    last: dict[tuple[str, str], tuple[int, int]] = {}
    for row, rec in typed["demand"].iterrows():
        key = (rec["region"], rec["commodity"])
        year = rec["year"]
        if key in last and year < last[key][0]:
            problems.append(
                Problem(
                    where["demand"],
                    f"year {year} comes after {last[key][0]} (row {last[key][1]}) for "
                    f"{key[0]}/{key[1]}: years out of order",
                    "sort the rows of each region and commodity by year",
                    int(row),
                    "year",
                )
            )
        last[key] = (year, int(row))


def check_inputs_produced(
    typed: Typed, where: Where, problems: list[Problem], incomplete: frozenset[str]
) -> None:
    """A process's output is not also listed as its own direct input (caught as a cycle) and
    a project's (region, process) has a capacity row to say what new capacity costs."""
    if "capacity" in incomplete:
        return
    cap_keys = set(zip(typed["capacity"]["region"], typed["capacity"]["process"], strict=True))
    for row, rec in typed["projects"].iterrows():
        if (rec["region"], rec["process"]) not in cap_keys:
            problems.append(
                Problem(
                    where["projects"],
                    f"project in {rec['region']}/{rec['process']} has no capacity row",
                    f"add a capacity row for region {rec['region']}, process {rec['process']} "
                    "(existing 0 if none operates yet)",
                    int(row),
                    "process",
                )
            )


def check_route_ties(
    typed: Typed, where: Where, problems: list[Problem], incomplete: frozenset[str]
) -> None:
    """Two equally specific route rows that cover a common arc must agree on cost and max_flow
    (otherwise the arc's terms would depend on row order)."""
    if incomplete & {"routes", "regions", "commodities"}:
        return
    routes = typed["routes"]
    regions = set(typed["regions"]["region"])
    commodities = set(typed["commodities"]["commodity"])
    fields = ("exporter", "importer", "commodity")

    def cover(value: str, universe: set[str]) -> set[str]:
        return set(universe) if value == WILDCARD else {value}

    def mf(v: object) -> float | None:
        return None if v is None or pd.isna(v) else float(v)  # type: ignore[arg-type]

    # plain tuples, not pandas rows: the pairs below are many on an expanded routes table
    Key = tuple[str, str, str]
    by_spec: dict[int, list[tuple[int, Key, float, float | None]]] = {}
    for rec in routes[[*fields, "cost", "max_flow"]].itertuples():
        key: Key = (rec.exporter, rec.importer, rec.commodity)
        entry = (int(rec.Index), key, float(rec.cost), mf(rec.max_flow))
        by_spec.setdefault(sum(k != WILDCARD for k in key), []).append(entry)

    def overridden(e: str, i: str, c: str, spec: int) -> bool:
        """A more specific row covers the arc (e, i, c)."""
        return any(
            k[0] in (e, WILDCARD) and k[1] in (i, WILDCARD) and k[2] in (c, WILDCARD)
            for s, group in by_spec.items()
            if s > spec
            for _, k, _, _ in group
        )

    reported: set[int] = set()
    for spec, group in by_spec.items():
        if spec == len(fields):
            continue  # rows without wildcards share an arc only with the same key: duplicates
        for n, (row_a, ka, cost_a, max_a) in enumerate(group):
            for row_b, kb, cost_b, max_b in group[n + 1 :]:
                if row_b in reported or ka == kb:
                    continue  # same key: reported as a duplicate
                if (cost_a, max_a) == (cost_b, max_b):
                    continue
                if not all(x == y or WILDCARD in (x, y) for x, y in zip(ka, kb, strict=True)):
                    continue  # no arc in common
                exps = cover(ka[0], regions) & cover(kb[0], regions)
                imps = cover(ka[1], regions) & cover(kb[1], regions)
                coms = cover(ka[2], commodities) & cover(kb[2], commodities)
                arc = next(
                    (
                        (e, i, c)
                        for e in sorted(exps)
                        for i in sorted(imps)
                        for c in sorted(coms)
                        if e != i and not overridden(e, i, c, spec)
                    ),
                    None,
                )
                if arc is None:
                    continue
                reported.add(row_b)
                problems.append(
                    Problem(
                        where["routes"],
                        f"rows {row_a} and {row_b} are equally specific and both cover the arc "
                        f"{arc[0]} -> {arc[1]}, {arc[2]}, with a different cost or max_flow",
                        "make the two rows agree, or add a more specific row for the arcs they "
                        "share (it overrides both)",
                        row_b,
                        "cost",
                    )
                )


def check_co_products(
    typed: Typed, where: Where, problems: list[Problem], incomplete: frozenset[str]
) -> None:
    """A co-product is not the process's main output nor one of its recipe inputs."""
    if incomplete & {"processes", "process_inputs"}:
        return
    outputs = dict(zip(typed["processes"]["process"], typed["processes"]["output"], strict=True))
    inputs = set(
        zip(typed["process_inputs"]["process"], typed["process_inputs"]["commodity"], strict=True)
    )
    for row, rec in typed["process_outputs"].iterrows():
        p, c = rec["process"], rec["commodity"]
        if outputs.get(p) == c:
            what, fix = "is the process's main output", "set output_per_activity instead"
        elif (p, c) in inputs:
            what, fix = "is also an input of the process", "remove one of the two rows"
        else:
            continue
        problems.append(
            Problem(
                where["process_outputs"],
                f"co-product '{c}' of '{p}' {what}",
                fix,
                int(row),
                "commodity",
            )
        )


def check_hosts(
    typed: Typed, where: Where, problems: list[Problem], incomplete: frozenset[str]
) -> None:
    """Every host named in host_output is the host of some by_products row, and the reverse."""
    if incomplete & {"by_products", "host_output"}:
        return
    named = set(typed["by_products"]["host"])
    given = set(typed["host_output"]["host"])
    for row, h in typed["host_output"]["host"].items():
        if h not in named:
            problems.append(
                Problem(
                    where["host_output"],
                    f"host '{h}' is not the host of any by_products row",
                    "name it in by_products or correct the id",
                    int(row),
                    "host",
                )
            )
            named.add(h)  # once per host
    for row, h in typed["by_products"]["host"].items():
        if h not in given:
            problems.append(
                Problem(
                    where["by_products"],
                    f"host '{h}' has no host_output rows (the process could never run)",
                    f"add host_output rows for '{h}' per region and year",
                    int(row),
                    "host",
                )
            )


def check_scrap_used(
    typed: Typed, where: Where, problems: list[Problem], incomplete: frozenset[str]
) -> None:
    """The scrap of an end_of_life row is an input of some process (else it goes nowhere)."""
    if "process_inputs" in incomplete:
        return
    used = set(typed["process_inputs"]["commodity"])
    for row, s in typed["end_of_life"]["scrap"].items():
        if s not in used:
            problems.append(
                Problem(
                    where["end_of_life"],
                    f"scrap '{s}' is not an input of any process",
                    "add a recycling process that uses it (process_inputs) or remove the row",
                    int(row),
                    "scrap",
                )
            )


CHECKS = (
    check_duplicate_keys,
    check_case_clashes,
    check_references,
    check_blocs,
    check_recipe_cycles,
    check_producible_demand,
    check_demand_years,
    check_inputs_produced,
    check_route_ties,
    check_trust_wording,
    check_lead_time_ranges,
    check_co_products,
    check_hosts,
    check_scrap_used,
)


# ---------------------------------------------------------------------------------------
# assembly


def _indexed(df: pd.DataFrame, spec: Table) -> pd.DataFrame:
    out = df.reset_index(drop=True).set_index(list(spec.key))
    for col in spec.columns:
        if col.name in out.columns and col.kind in (Kind.NUMBER,):
            out[col.name] = pd.to_numeric(out[col.name]).astype(float)
        elif col.name in out.columns and col.kind is Kind.INTEGER:
            out[col.name] = out[col.name].astype("int64")
        elif col.name in out.columns and col.kind is Kind.BOOL:
            out[col.name] = out[col.name].astype(bool)
    return out


def expand_routes(routes: pd.DataFrame, regions: list[str], commodities: list[str]) -> pd.DataFrame:
    """Expand '*' rows into explicit arcs; the more specific row wins; drop self-arcs.

    Specificity = number of non-wildcard fields. Equally specific rows that disagree on an arc
    are refused by ``check_route_ties``; among equal ones that agree, either will do.
    """
    best: dict[tuple[str, str, str], tuple[int, int, float, float | None, str, str]] = {}
    for order, rec in enumerate(routes.itertuples(index=False)):
        exps = regions if rec.exporter == WILDCARD else [rec.exporter]
        imps = regions if rec.importer == WILDCARD else [rec.importer]
        coms = commodities if rec.commodity == WILDCARD else [rec.commodity]
        spec = sum(x != WILDCARD for x in (rec.exporter, rec.importer, rec.commodity))
        mf = None if rec.max_flow is None or pd.isna(rec.max_flow) else float(rec.max_flow)
        for e in exps:
            for i in imps:
                if e == i:
                    continue
                for c in coms:
                    key = (e, i, c)
                    cur = best.get(key)
                    if cur is None or (spec, order) >= (cur[0], cur[1]):
                        trust = getattr(rec, "trust", "U")
                        best[key] = (spec, order, float(rec.cost), mf, rec.source, trust)
    idx = pd.MultiIndex.from_tuples(sorted(best), names=["exporter", "importer", "commodity"])
    data = [best[k] for k in idx]
    return pd.DataFrame(
        {
            "cost": [d[2] for d in data],
            "max_flow": pd.array([d[3] for d in data], dtype="Float64").astype(float),
            "source": [d[4] for d in data],
            "trust": [d[5] for d in data],
            "route_row": [d[1] for d in data],  # the routes row (0-based) the arc comes from
        },
        index=idx,
    )


def _assemble(typed: Typed, origin: str) -> Dataset:
    t = {spec.name: _indexed(typed[spec.name], spec) for spec in TABLES}
    regions = list(t["regions"].index)
    commodities = list(t["commodities"].index)
    routes = expand_routes(typed["routes"], regions, commodities)
    return Dataset(
        regions=t["regions"],
        commodities=t["commodities"],
        processes=t["processes"],
        process_inputs=t["process_inputs"],
        capacity=t["capacity"],
        projects=t["projects"],
        demand=t["demand"].sort_index(),
        routes=routes,
        origin=origin,
        capital_inputs=t["capital_inputs"],
        process_outputs=t["process_outputs"],
        by_products=t["by_products"],
        stockpiles=t["stockpiles"],
        end_of_life=t["end_of_life"],
        host_output=t["host_output"].sort_index(),
    )


__all__ = ["load_dataset", "dataset_from_frames", "expand_routes", "TABLES_BY_NAME"]
