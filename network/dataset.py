"""The validated dataset: typed tables with named indices, and derived look-ups.

A ``Dataset`` is built only by :func:`network.validate.load_dataset` (or
:func:`network.validate.dataset_from_frames`), so every instance has passed validation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import NewType

import numpy as np
import pandas as pd

from network.schema import BLOC_NEUTRAL

Region = NewType("Region", str)
Commodity = NewType("Commodity", str)
Process = NewType("Process", str)
Bloc = NewType("Bloc", str)
Year = int


def _amounts() -> pd.DataFrame:
    """An empty (process, commodity) -> amount table, for optional tables left out."""
    return pd.DataFrame(
        {"amount": pd.Series([], dtype=float)},
        index=pd.MultiIndex.from_tuples([], names=["process", "commodity"]),
    )


@dataclass(frozen=True)
class Dataset:
    """Validated input tables.

    Indices: regions[region], commodities[commodity], processes[process],
    process_inputs[process, commodity], capacity[region, process], projects[project],
    demand[region, commodity, year] (as listed), routes[exporter, importer, commodity]
    (wildcards expanded, self-arcs removed).
    """

    regions: pd.DataFrame
    commodities: pd.DataFrame
    processes: pd.DataFrame
    process_inputs: pd.DataFrame
    capacity: pd.DataFrame
    projects: pd.DataFrame
    demand: pd.DataFrame
    routes: pd.DataFrame
    origin: str = ""
    capital_inputs: pd.DataFrame = field(default_factory=lambda: _amounts())
    process_outputs: pd.DataFrame = field(default_factory=lambda: _amounts())
    by_products: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(
            {"host": pd.Series([], dtype=object), "ratio": pd.Series([], dtype=float)},
            index=pd.Index([], name="process"),
        )
    )
    stockpiles: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(
            {
                c: pd.Series([], dtype=float)
                for c in ("opening", "holding_cost", "max_stock", "max_fill", "max_release")
            },
            index=pd.MultiIndex.from_tuples([], names=["region", "commodity"]),
        )
    )
    end_of_life: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(
            {"life": pd.Series([], dtype="int64"), "share": pd.Series([], dtype=float)},
            index=pd.MultiIndex.from_tuples([], names=["product", "scrap"]),
        )
    )
    host_output: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(
            {"quantity": pd.Series([], dtype=float)},
            index=pd.MultiIndex.from_tuples([], names=["region", "host", "year"]),
        )
    )

    def __hash__(self) -> int:  # frozen dataclass of DataFrames: identity hash for caching
        return id(self)

    def __eq__(self, other: object) -> bool:
        return self is other

    # -- blocs ---------------------------------------------------------------------------
    @cached_property
    def blocs(self) -> tuple[str, ...]:
        """Blocs other than 'neutral', sorted."""
        return tuple(sorted(set(self.regions["bloc"]) - {BLOC_NEUTRAL}))

    def regions_of(self, bloc: str) -> list[str]:
        """Region ids in ``bloc``, in table order."""
        return [r for r, b in self.regions["bloc"].items() if b == bloc]

    @cached_property
    def critical(self) -> list[str]:
        """Critical commodity ids, in table order."""
        return [c for c, v in self.commodities["critical"].items() if v]

    # -- demand --------------------------------------------------------------------------
    @cached_property
    def _demand_points(self) -> list[tuple[str, str, np.ndarray, np.ndarray]]:
        """Listed demand per (region, commodity): (region, commodity, years, quantities)."""
        out = []
        q = self.demand["quantity"]
        groups: dict[tuple[str, str], list[tuple[int, float]]] = {}
        for (region, commodity, year), value in q.items():
            groups.setdefault((region, commodity), []).append((int(year), float(value)))
        for (region, commodity), pts in groups.items():
            pts.sort()
            out.append(
                (region, commodity, np.array([p[0] for p in pts]), np.array([p[1] for p in pts]))
            )
        return out

    def demand_in(self, years: list[int] | range) -> pd.Series:
        """Demand for every listed (region, commodity) in ``years``, interpolated linearly
        between listed years and held flat outside them. Index (region, commodity, year);
        zero rows dropped."""
        years = [int(y) for y in years]
        keys: list[tuple[str, str, int]] = []
        values: list[float] = []
        for region, commodity, ys, qs in self._demand_points:
            for y, v in zip(years, np.interp(years, ys, qs), strict=True):
                if v > 0:
                    keys.append((region, commodity, y))
                    values.append(float(v))
        idx = pd.MultiIndex.from_tuples(keys, names=["region", "commodity", "year"])
        return pd.Series(values, index=idx, name="quantity", dtype=float).sort_index()

    # -- capacity ------------------------------------------------------------------------
    def project_capacity(self, year: int) -> pd.Series:
        """Capacity of committed projects online by ``year``, by (region, process); announced
        ones are not counted (they are options of a plan, optimize/plan/projects.py)."""
        p = self.projects
        online = p[(p["first_year"] <= year) & (p["status"] == "committed")]
        return online.groupby(["region", "process"])["capacity"].sum()

    def capacity_in(self, year: int) -> pd.Series:
        """Existing capacity plus committed projects online by ``year``, index (region,
        process)."""
        cap = self.capacity["existing"].copy()
        add = self.project_capacity(year)
        cap = cap.add(add, fill_value=0.0)
        cap.name = "capacity"
        return cap

    @cached_property
    def producers(self) -> dict[str, list[str]]:
        """Processes producing each commodity."""
        out: dict[str, list[str]] = {}
        for proc, c in self.processes["output"].items():
            out.setdefault(c, []).append(proc)
        return out

    @cached_property
    def recipe(self) -> dict[str, dict[str, float]]:
        """Inputs per unit of output, by process: {process: {commodity: amount}}."""
        out: dict[str, dict[str, float]] = {p: {} for p in self.processes.index}
        for (proc, c), amount in self.process_inputs["amount"].items():
            out[proc][c] = float(amount)
        return out

    @cached_property
    def yields(self) -> dict[str, dict[str, float]]:
        """Outputs per unit of activity, by process: {process: {commodity: amount}}. The main
        output comes at ``output_per_activity`` (capacity is stated in activity units), the
        co-products of process_outputs at their amounts."""
        opa = self.processes["output_per_activity"]
        out = {p: {str(c): float(opa[p])} for p, c in self.processes["output"].items()}
        for (p, c), amount in self.process_outputs["amount"].items():
            if amount > 0:
                out[p][c] = float(amount)
        return out

    @cached_property
    def inputs(self) -> dict[str, dict[str, float]]:
        """Inputs per unit of activity, by process: the recipe's amount per unit of the main
        output times ``output_per_activity``."""
        opa = self.processes["output_per_activity"]
        return {p: {c: a * float(opa[p]) for c, a in rec.items()} for p, rec in self.recipe.items()}

    @cached_property
    def capital(self) -> dict[str, dict[str, float]]:
        """Inputs per unit of new capacity, by process: {process: {commodity: amount}}."""
        out: dict[str, dict[str, float]] = {}
        for (proc, c), amount in self.capital_inputs["amount"].items():
            if amount > 0:
                out.setdefault(proc, {})[c] = float(amount)
        return out

    def host_limit(self, years: list[int] | range) -> dict[tuple[str, str, int], float]:
        """Most activity of each by-product process (by_products) in each region and year:
        ratio * host output / output_per_activity, host output interpolated like demand
        (0 where the region has no host output). Keys (region, process, year) for every
        capacity row of such a process."""
        if self.by_products.empty:
            return {}
        years = [int(y) for y in years]
        host: dict[tuple[str, str], list[tuple[int, float]]] = {}
        for (r, h, y), q in self.host_output["quantity"].items():
            host.setdefault((r, h), []).append((int(y), float(q)))
        opa = self.processes["output_per_activity"]
        out: dict[tuple[str, str, int], float] = {}
        for r, p in self.capacity.index:
            if p not in self.by_products.index:
                continue
            h, ratio = self.by_products.at[p, "host"], float(self.by_products.at[p, "ratio"])
            pts = sorted(host.get((r, h), []))
            qs = (
                np.interp(years, [y for y, _ in pts], [q for _, q in pts])
                if pts
                else np.zeros(len(years))
            )
            for y, q in zip(years, qs, strict=True):
                out[(r, p, y)] = ratio * float(q) / float(opa[p])
        return out

    def scrap_in(self, years: list[int] | range) -> dict[tuple[str, str, int], float]:
        """Scrap arising per (region, scrap, year): share * the region's final demand for the
        product ``life`` years earlier (demand interpolated and held flat as demand_in)."""
        out: dict[tuple[str, str, int], float] = {}
        if self.end_of_life.empty:
            return out
        for (product, scrap), rec in self.end_of_life.iterrows():
            past = [int(t) - int(rec["life"]) for t in years]
            dem = self.demand_in(sorted(set(past)))
            for (r, c, y), q in dem.items():
                if c != product:
                    continue
                for t, p in zip(years, past, strict=True):
                    if p == y and q * rec["share"] > 0:
                        key = (r, scrap, int(t))
                        out[key] = out.get(key, 0.0) + float(q * rec["share"])
        return out

    def summary(self) -> dict[str, int]:
        """Row counts per table, for the one-screen summary."""
        return {
            "regions": len(self.regions),
            "blocs": len(self.blocs),
            "commodities": len(self.commodities),
            "critical commodities": len(self.critical),
            "processes": len(self.processes),
            "recipe inputs": len(self.process_inputs),
            "capacity rows": len(self.capacity),
            "projects": len(self.projects),
            "demand rows": len(self.demand),
            "trade routes (expanded)": len(self.routes),
        }
